"""`infowork hub` end to end: a real JupyterHub on 127.0.0.1 with three trainees (real Linux
users), nbgrader's exchange driven through the REST APIs, `infowork grade --group` in between.

Root is needed (Linux users, servers run as each user); the test is skipped without root except
under CI, where it must run.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import requests

from conftest import fill_exercise, partial_replacements, read_proofs
from infowork import ROOT
from infowork.hub import accounts
from infowork.hub.command import seminar_of
from infowork.hub.roster import read_roster
from infowork.hub.trial import trial_hub

ASSIGNMENT = "00_intro"
INFOWORK = [sys.executable, "-m", "infowork.cli"]
ROSTER = ("Фамилия;Имя;Организация\n"
          "Щукина;Юлия;Профсоюз работников образования\n"
          "Иванов;Пётр;Профсоюз здравоохранения\n"
          "Иванов;Павел;Молодёжный совет\n")

if not (hasattr(os, "geteuid") and os.geteuid() == 0):
    if os.environ.get("CI"):
        pytest.fail("test_hub must run as root under CI (it creates Linux users)",
                    pytrace=False)
    pytest.skip("needs root: creates Linux users", allow_module_level=True)


@pytest.fixture(scope="module")
def hub():
    started = time.monotonic()
    # A load benchmark running on this machine is waited for (one trial hub at a time).
    with trial_hub(ROSTER.encode("cp1251"), purpose="hubtest",
                   instructor=f"instr{os.getpid() % 100000}", wait_for_lock=900) as client:
        yield client
    print(f"\ntest_hub: {time.monotonic() - started:.1f} s")


@pytest.fixture(scope="module")
def round_trip(hub):
    """Release, fetch and submit (solution, blank, partial), collect + grade + feedback,
    fetch feedback. Returns what each step gave."""
    seminar = hub.seminar
    trainees = [r["login"] for r in accounts.load_accounts(seminar) if r["role"] == "trainee"]
    full, blank, partial = trainees
    out = subprocess.run(INFOWORK + ["hub", "release", ASSIGNMENT, "--group", seminar.group,
                                     "--root", str(seminar.root)],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    exercise = nbformat.read(ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    solution = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    answers = {full: fill_exercise(exercise, solution),
               partial: fill_exercise(exercise, solution,
                                      partial_replacements(read_proofs(ASSIGNMENT)))}
    listed = {}
    for login in trainees:
        hub.start_server(login)
        listed[login] = hub.user("GET", login, "/assignments",
                                 params={"course_id": seminar.course_id}).json()
        fetched = hub.action(login, "fetch", ASSIGNMENT)
        assert fetched[0]["status"] == "fetched", fetched
        path = f"/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
        if login in answers:
            r = hub.user("PUT", login, path, json={"type": "notebook", "format": "json",
                                                   "content": answers[login]})
            assert r.status_code == 200, r.text
        hub.action(login, "submit", ASSIGNMENT)
    collected = subprocess.run(INFOWORK + ["hub", "collect", ASSIGNMENT, "--group",
                                           seminar.group, "--root", str(seminar.root)],
                               cwd=ROOT, capture_output=True, text=True)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    feedback = {login: hub.action(login, "fetch_feedback", ASSIGNMENT) for login in trainees}
    return {"trainees": trainees, "listed": listed, "collect": collected.stdout,
            "feedback": feedback, "full": full, "blank": blank, "partial": partial}


def test_roster_logins_are_transliterated_and_namesakes_numbered(hub):
    logins = [r["login"] for r in accounts.load_accounts(hub.seminar)]
    assert logins == [hub.seminar.instructor, "shchukina_y", "ivanov_p", "ivanov_p2"]
    names = [t.full_name for t in read_roster(hub.seminar.root.parent / "roster.csv")]
    assert names[0] == "Щукина Юлия"


def test_password_sheet_is_private_and_has_a_card_per_person(hub):
    sheet = hub.seminar.sheet
    assert sheet.stat().st_mode & 0o077 == 0
    page = (sheet / "passwords.html").read_text(encoding="utf-8")
    records = accounts.load_accounts(hub.seminar)
    assert page.count('class="card"') == len(records) == 4
    for r in records:
        assert r["login"] in page and r["password"] in page
    assert "Пароль" in page and "Щукина Юлия" in page


def test_login_with_the_sheets_password_and_refused_with_another(hub):
    record = accounts.load_accounts(hub.seminar)[1]
    session = requests.Session()
    login = f"{hub.base}/hub/login"
    session.get(login, timeout=30)
    good = session.post(login, data={"username": record["login"], "password": record["password"],
                                     "_xsrf": session.cookies.get("_xsrf", "")},
                        allow_redirects=False, timeout=60)
    assert good.status_code == 302, good.status_code
    bad = requests.Session()
    page = bad.get(login, timeout=30).content.decode("utf-8")  # no charset in the header
    assert f"Вход на семинар {hub.seminar.group}" in page and "Пароль:" in page
    assert "Sign in" not in page
    refused = bad.post(login, data={"username": record["login"], "password": "wrong-pass-00",
                                    "_xsrf": bad.cookies.get("_xsrf", "")},
                       allow_redirects=False, timeout=60)
    assert refused.status_code == 403
    assert "Неверный логин или пароль" in refused.content.decode("utf-8")


def test_released_assignment_is_listed_for_each_trainee(round_trip):
    for login, answer in round_trip["listed"].items():
        assert answer["success"], answer
        assert [(a["assignment_id"], a["status"]) for a in answer["value"]] == \
            [(ASSIGNMENT, "released")], login


def test_collected_submissions_get_the_expected_scores(hub, round_trip):
    from nbgrader.api import Gradebook

    db = "sqlite:///" + str(hub.seminar.grading_root / "gradebook.db")
    with Gradebook(db) as gb:
        scores = {login: gb.find_submission(ASSIGNMENT, login).score
                  for login in round_trip["trainees"]}
    partial = float(read_proofs(ASSIGNMENT)["partial"]["score"])
    assert scores == {round_trip["full"]: 12.0, round_trip["blank"]: 0.0,
                      round_trip["partial"]: partial}, round_trip["collect"]
    assert "Собрано 3 работы" in round_trip["collect"]


def test_each_trainee_fetches_russian_feedback_without_hidden_tests(hub, round_trip):
    for login in round_trip["trainees"]:
        listed = round_trip["feedback"][login]
        submitted = [s for a in listed for s in a.get("submissions", [])]
        assert submitted and all(s["has_local_feedback"] for s in submitted), listed
        folder = hub.user("GET", login, f"/api/contents/{ASSIGNMENT}/feedback").json()
        [stamp] = folder["content"]
        page = hub.user("GET", login, f"/api/contents/{stamp['path']}/{ASSIGNMENT}.html",
                        params={"type": "file", "format": "text"}).json()["content"]
        assert "Баллы" in page or "баллов" in page, page[:500]
        assert "BEGIN HIDDEN TESTS" not in page


def _as_user(login: str, code: str) -> subprocess.CompletedProcess:
    """Python run as a trainee's Linux user, as the kernel of the trainee's server runs."""
    return subprocess.run(["runuser", "-u", login, "--", sys.executable, "-c", code],
                          capture_output=True, text=True, cwd="/")


def test_trainee_cannot_open_other_trainees_files_masters_or_gradebook(hub, round_trip):
    seminar = hub.seminar
    me, other = round_trip["full"], round_trip["partial"]
    other_home = Path(os.path.expanduser(f"~{other}"))
    forbidden = [other_home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                 ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                 seminar.grading_root / "gradebook.db",
                 seminar.course / "submitted" / other / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                 seminar.sheet / "passwords.csv", seminar.accounts_file]
    for path in forbidden:
        assert path.exists(), path
        run = _as_user(me, f"open({str(path)!r}).read()")
        assert run.returncode != 0 and "PermissionError" in run.stderr, (path, run.stderr)
    listing = _as_user(me, f"import os; os.listdir({str(seminar.exchange / seminar.course_id / 'inbound')!r})")
    assert "PermissionError" in listing.stderr
    # What the trainee's server itself serves: nothing outside the trainee's home.
    r = hub.user("GET", me, f"/api/contents/../{other}/{ASSIGNMENT}")
    assert r.status_code in (400, 403, 404)
    # The trainee's own work and the kit's Python stay open to them.
    own = _as_user(me, "import infowork, pandas; print(open('"
                   f"{Path(os.path.expanduser(f'~{me}')) / ASSIGNMENT / (ASSIGNMENT + '.ipynb')}"
                   "').read()[:1])")
    assert own.returncode == 0 and own.stdout.strip() == "{", own.stderr


def test_instructor_gets_formgrader_in_the_groups_folder(hub, round_trip):
    instructor = hub.seminar.instructor
    hub.start_server(instructor)
    r = hub.user("GET", instructor, "/formgrader/api/assignments")
    assert r.status_code == 200, r.text[:300]
    assignments = {a["name"]: a for a in r.json()}  # formgrader answers JSON as text/html
    assert assignments[ASSIGNMENT]["num_submissions"] == 3
    # The pages themselves: nbconvert finds formgrader's «formgrade» templates (the group's
    # config names the Russian feedback template as well).
    for page in ("/formgrader", f"/formgrader/gradebook/{ASSIGNMENT}"):
        r = hub.user("GET", instructor, page)
        assert r.status_code == 200 and "<title>nbgrader formgrade</title>" in r.text, page


def test_feedback_can_be_released_again_after_manual_grading(hub, round_trip):
    again = subprocess.run(INFOWORK + ["hub", "feedback", ASSIGNMENT, "--group",
                                       hub.seminar.group, "--root", str(hub.seminar.root)],
                           cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0 and "3 из 3" in again.stdout, again.stdout + again.stderr


def test_roster_in_utf8_with_commas_and_one_name_column(tmp_path):
    path = tmp_path / "spisok.csv"
    path.write_text("ФИО,Организация\nСоловьёва Анна Игоревна,Профсоюз культуры\n,\n"
                    "Цой Виктор,\n", encoding="utf-8")
    trainees = read_roster(path)
    assert [(t.surname, t.name, t.patronymic, t.organisation) for t in trainees] == [
        ("Соловьёва", "Анна", "Игоревна", "Профсоюз культуры"), ("Цой", "Виктор", "", "")]


def test_restart_with_a_longer_roster_keeps_logins_and_passwords(tmp_path):
    from infowork.hub.roster import Trainee

    seminar = seminar_of("restart-check", tmp_path / "seminar")
    first = accounts.make_accounts(seminar, [Trainee("Абрикосов", "Пётр"), Trainee("Ёлкина", "Юлия")])
    second = accounts.make_accounts(seminar, [Trainee("Абрикосов", "Павел"), Trainee("Абрикосов", "Пётр"),
                                              Trainee("Ёлкина", "Юлия")])
    before = {r["login"]: r["password"] for r in first}
    after = {r["login"]: r["password"] for r in second}
    assert after.items() >= before.items()
    assert set(after) - set(before) == {"abrikosov_p2"}
    assert seminar.accounts_file.stat().st_mode & 0o077 == 0


def test_submission_in_another_trainees_name_is_not_collected(hub, round_trip):
    from infowork.hub import exchange

    seminar = hub.seminar
    me, other = round_trip["blank"], round_trip["full"]
    forged = (seminar.exchange / seminar.course_id / "inbound"
              / f"{other}+{ASSIGNMENT}+2030-01-01 00:00:00.000000 UTC+forged")
    made = _as_user(me, f"import os; os.mkdir({str(forged)!r}); "
                        f"open({str(forged / (ASSIGNMENT + '.ipynb'))!r}, 'w').write('{{}}')")
    assert made.returncode == 0, made.stderr
    logins, refused = exchange.collect(seminar, ASSIGNMENT)
    assert refused == [forged.name] and not forged.exists()
    kept = seminar.course / "submitted" / other / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert kept.read_text(encoding="utf-8") != "{}"


def test_close_archives_every_home_and_removes_the_users(hub, round_trip):
    """Last in this file: the seminar's accounts are gone after it."""
    import pwd
    import tarfile

    seminar = hub.seminar
    running = subprocess.run(INFOWORK + ["hub", "close", "--group", seminar.group, "--root",
                                         str(seminar.root)], cwd=ROOT, capture_output=True,
                             text=True)
    assert running.returncode == 2 and "остановите" in running.stderr, running.stderr
    subprocess.run(INFOWORK + ["hub", "stop", "--group", seminar.group, "--root",
                               str(seminar.root)], cwd=ROOT, check=True, capture_output=True)
    closed = subprocess.run(INFOWORK + ["hub", "close", "--group", seminar.group, "--root",
                                        str(seminar.root)], cwd=ROOT, capture_output=True,
                            text=True)
    assert closed.returncode == 0, closed.stdout + closed.stderr
    assert "Удалено 4 пользователя Linux" in closed.stdout, closed.stdout
    logins = [r["login"] for r in accounts.load_accounts(seminar)]
    for login in logins:
        with pytest.raises(KeyError):
            pwd.getpwnam(login)
    archive = seminar.root / "homes" / f"{round_trip['full']}.tar.gz"
    assert archive.stat().st_mode & 0o077 == 0
    with tarfile.open(archive) as packed:
        names = packed.getnames()
    assert f"{round_trip['full']}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb" in names
    assert (seminar.course / "submitted" / round_trip["full"] / ASSIGNMENT).is_dir()
    assert (seminar.grading_root / "gradebook.db").exists()
