"""A class with hostile and broken submissions, graded in ONE run of `infowork grade 00_intro`
with honest trainees among them (issue #8, item 5).

The corpora: tests/corpus_broken.py (files that are no notebook, odd notebooks, cells that stop
the kernel, attacks on the gradebook and the feedback), and, when they exist,
tests/corpus_verdict.py (checks disarmed in the kernel) and tests/corpus_sandbox.py (probes of
the sandbox: only when the sandbox runs here, since without it a daemon it starts outlives
grading by design). Honest trainees: the solution twice (one graded before every attack, one
after), the blank exercise (graded after the attack on the master test cells) and the partial
submission of tests/proofs/00_intro.yml.

Asserted: every file is graded as the honest work behind it deserves or reported with a Russian
reason, the kit and the inbox do not change, no process outlives grading, no feedback shows the
hidden tests or the instructor's environment; then the gradebook is tampered with between two
runs (extra credit, a master test cell, a trigger, a table, a damaged file) and the next run
repairs and reports it.
"""
from __future__ import annotations

import hashlib
import html
import importlib
import os
import re
import sqlite3
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from infowork import ROOT, grading
from infowork.grading.submissions import cap_id, parse_filename, read_submission

import corpus_broken
from conftest import (fill_exercise, host_processes, is_test_cell, partial_replacements,
                      read_proofs)

ASSIGNMENT = "00_intro"
LIMITS = grading.Limits(timeout=10)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
SCHEME = re.compile(r"BEGIN MARK SCHEME[^\n]*\n(.*?)END MARK SCHEME", re.DOTALL)
HONEST = {"aaa_solution": "solution", "honest_solution": "solution", "honest_blank": "blank",
          "honest_partial": "partial"}


def _optional(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _student(file_name: str) -> str:
    student, _, _ = parse_filename(file_name, [ASSIGNMENT])
    return cap_id(student)


def _digest(paths: list[Path]) -> dict[str, str]:
    out = {}
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            if root == ROOT / "solutions" and "out" in path.relative_to(root).parts:
                continue  # charts the master copies save when run (nbval, the proofs) meanwhile
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _leftovers(course: Path, before: set[int]) -> dict[int, str]:
    mark = str(course)
    processes = host_processes(with_environ=True)
    return {pid: text[:200] for pid, (_, state, text) in processes.items()
            if pid not in before and state not in ("Z", "X") and pid != os.getpid()
            and (mark in text or "ipykernel_launcher" in text and mark in text)}


def _honest_notebooks(release_dir: Path) -> dict[str, nbformat.NotebookNode]:
    release = nbformat.read(release_dir / f"{ASSIGNMENT}.ipynb", as_version=4)
    solution = nbformat.read(grading.SOURCE_ROOT / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    proofs = read_proofs(ASSIGNMENT)
    return {"solution": fill_exercise(release, solution), "blank": release,
            "partial": fill_exercise(release, solution, partial_replacements(proofs))}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, prepared_course):
    tmp = tmp_path_factory.mktemp("hostile")
    course, inbox = (tmp / "course").resolve(), tmp / "inbox"
    inbox.mkdir()
    box = prepared_course(course, ASSIGNMENT, LIMITS)
    release_dir = course / "release" / ASSIGNMENT
    expected: dict[str, object] = {}   # file name -> Expected or points
    files: dict[str, bytes] = {}
    for name, (data, want) in corpus_broken.submissions(release_dir).items():
        files[name], expected[name] = data, want
    verdict = _optional("corpus_verdict")
    if verdict is not None:
        for name, (data, points) in verdict.submissions(release_dir).items():
            files[name], expected[name] = data, points
    sandbox = _optional("corpus_sandbox") if box.on else None
    if sandbox is not None:
        for name, (data, points) in sandbox.submissions(release_dir, inbox=inbox).items():
            files[name], expected[name] = data, points
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    honest = _honest_notebooks(release_dir)
    for student, kind in HONEST.items():
        nbformat.write(honest[kind], inbox / f"{student}_{ASSIGNMENT}.ipynb")
    watched = [ROOT / "solutions", ROOT / "infowork", ROOT / "nbgrader_config.py",
               ROOT / "datasets", inbox]
    before = _digest(watched)
    pids = set(host_processes())
    marker = f"iw-marker-{uuid.uuid4().hex}"
    os.environ[corpus_broken.ENV_MARKER] = marker
    started = time.monotonic()
    try:
        report = grading.grade_folder(ASSIGNMENT, inbox, course_root=course,
                                      feedback_dir=tmp / "feedback", limits=LIMITS)
    finally:
        del os.environ[corpus_broken.ENV_MARKER]
    seconds = time.monotonic() - started
    deadline = time.monotonic() + 15
    while _leftovers(course, pids) and time.monotonic() < deadline:
        time.sleep(0.5)
    print(f"\nhostile class: {len(files) + len(HONEST)} files graded in {seconds:.0f} s "
          f"(sandbox {'on' if box.on else 'off'})")
    return {"report": report, "expected": expected, "course": course, "inbox": inbox,
            "tmp": tmp, "box": box, "before": before, "after": _digest(watched),
            "left": _leftovers(course, pids), "marker": marker, "honest": honest,
            "seconds": seconds}


def _remarks(result) -> str:
    return "; ".join([*result.problems, *result.gradebook_flags])


def test_every_broken_or_odd_file_is_graded_as_it_deserves_or_reported(graded):
    report = graded["report"]
    for name, want in graded["expected"].items():
        if not isinstance(want, corpus_broken.Expected):
            continue
        result = report.result(_student(name))
        remarks = _remarks(result)
        if want.sandbox_only:
            if graded["box"].on:
                assert result.graded and result.score == want.points, (name, remarks)
            else:
                assert want.reason in remarks, (name, remarks)
            continue
        if want.points is None:
            assert not result.graded and result.score == 0, (name, result)
            assert want.reason in remarks and re.search("[а-яё]", remarks), (name, remarks)
        else:
            assert result.graded, (name, remarks)
            assert result.score == want.points, (name, result.score, result.failed_checks,
                                                 remarks)
            assert want.reason in remarks, (name, remarks)


def test_every_cheat_scores_what_the_honest_work_behind_it_deserves(graded):
    report = graded["report"]
    cheats = {n: w for n, w in graded["expected"].items()
              if not isinstance(w, corpus_broken.Expected)}
    for name, points in cheats.items():
        result = report.result(_student(name))
        assert result.graded and result.score == points, (name, result.score,
                                                          result.failed_checks, _remarks(result))


def test_honest_trainees_are_graded_right(graded):
    report = graded["report"]
    total = corpus_broken.TOTAL
    partial = float(read_proofs(ASSIGNMENT)["partial"]["score"])
    for student, score in [("aaa_solution", total), ("honest_solution", total),
                           ("honest_blank", 0.0), ("honest_partial", partial)]:
        result = report.result(student)
        assert result.graded and (result.score, result.max_score) == (score, total), \
            (student, result.score, result.failed_checks, _remarks(result))
    for student in ("aaa_solution", "honest_solution"):
        # Without the sandbox an attack may have changed their grades: put back, and said so.
        assert all("значения возвращены" in p for p in report.result(student).problems), \
            report.result(student).problems


def test_the_run_is_modest(graded):
    assert graded["seconds"] < 900, graded["seconds"]


def test_nothing_outside_the_trainees_area_changes(graded):
    before, after = graded["before"], graded["after"]
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, changed[:10]


def test_no_process_outlives_grading(graded):
    assert not graded["left"], graded["left"]


def _hidden_lines() -> set[str]:
    solution = nbformat.read(grading.SOURCE_ROOT / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    exercise = nbformat.read(ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    visible = "\n".join(c.source for c in exercise.cells)
    lines = {line.strip() for c in solution.cells if is_test_cell(c)
             for block in [*HIDDEN.findall(c.source), *SCHEME.findall(c.source)]
             for line in block.splitlines()
             if len(line.strip()) > 12 and line.strip() not in visible}
    assert lines, "the assignment has hidden tests"
    return lines


def test_no_feedback_leaks_hidden_tests_or_the_instructor_environment(graded):
    hidden, marker = _hidden_lines(), graded["marker"]
    pages = sorted((graded["tmp"] / "feedback").glob("*.html"))
    assert len(pages) >= len(HONEST)
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "", raw))
        leaked = [line for line in hidden if line in text or html.escape(line) in raw]
        assert not leaked, f"{page.name} shows hidden test code: {leaked[:3]}"
        assert marker not in raw, f"{page.name} shows the instructor's environment"
    for path in (graded["course"] / "autograded").rglob("*.ipynb"):
        assert marker not in path.read_text(encoding="utf-8"), path


def test_corpus_files_are_read_without_an_exception():
    """Fast: every corpus file goes through the reader (no nbgrader run)."""
    release_dir = ROOT / "exercises" / ASSIGNMENT
    for name, (data, want) in corpus_broken.submissions(release_dir).items():
        parsed = read_submission(data)
        assert (parsed.nb is None) == (want.points is None), (name, parsed.broken)
        if parsed.nb is None:
            assert want.reason in parsed.broken, (name, parsed.broken)


# --- the gradebook tampered with between runs (the module's course folder: run these last) ---

def _db(graded) -> sqlite3.Connection:
    return sqlite3.connect(str(graded["course"] / "gradebook.db"))


def test_gradebook_tampered_between_runs_is_repaired_and_flagged(graded, tmp_path):
    from nbgrader.utils import compute_checksum

    with _db(graded) as db:
        db.execute("update grade set extra_credit = 600 where cell_id in (select id from "
                   "base_cell where name = 'test_overview') and notebook_id in (select sn.id "
                   "from submitted_notebook sn join submitted_assignment sa on "
                   "sn.assignment_id = sa.id where sa.student_id = 'honest_partial')")
        cell = nbformat.v4.new_code_cell("pass", metadata={"nbgrader": {
            "grade": True, "grade_id": "test_top5", "locked": True, "solution": False,
            "points": 2}})
        db.execute("update source_cell set source = 'pass', checksum = ? where name = "
                   "'test_top5'", (compute_checksum(cell),))
        db.execute("update grade_cells set max_score = 600 where id in (select id from "
                   "base_cell where name = 'test_chart')")
        db.execute("create trigger zero_others after update on grade begin "
                   "update grade set auto_score = 0 where id != new.id; end")
        db.execute("create table stolen (source text)")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    honest = graded["honest"]
    nbformat.write(honest["partial"], inbox / f"honest_partial_{ASSIGNMENT}.ipynb")
    nbformat.write(honest["blank"], inbox / f"late_blank_{ASSIGNMENT}.ipynb")
    report = grading.grade_folder(ASSIGNMENT, inbox, course_root=graded["course"],
                                  limits=LIMITS)
    notes = "\n".join(report.notes)
    assert "эталон задания в журнале оценок (gradebook.db) не совпадал с solutions/" in notes
    assert "test_top5" in notes and "test_chart" in notes
    assert "триггер zero_others" in notes and "таблица stolen" in notes
    blank = report.result("late_blank")
    assert (blank.score, blank.max_score) == (0, corpus_broken.TOTAL), blank.failed_checks
    partial = report.result("honest_partial")
    assert "extra credit 600 за test_overview" in _remarks(partial)
    with _db(graded) as db:
        assert not db.execute("select name from sqlite_master where type = 'trigger' "
                              "or name = 'stolen'").fetchall()
        source = db.execute("select source from source_cell where name = 'test_top5'"
                            ).fetchone()[0]
        assert "BEGIN HIDDEN TESTS" in source
    refreshed = grading.refresh(ASSIGNMENT, course_root=graded["course"])
    assert refreshed.result("honest_solution").score == corpus_broken.TOTAL, \
        "a trainee not in the run keeps their score (the trigger never fired)"
    assert "extra credit 600" in _remarks(refreshed.result("honest_partial"))


def test_a_damaged_gradebook_is_kept_aside_and_grading_goes_on(graded, tmp_path):
    (graded["course"] / "gradebook.db").write_bytes(b"SQLite format 3\0" + b"\xff" * 4096)
    nbformat.write(graded["honest"]["solution"], tmp_path / f"after_damage_{ASSIGNMENT}.ipynb")
    report = grading.grade_folder(ASSIGNMENT, tmp_path, course_root=graded["course"],
                                  limits=LIMITS)
    assert "журнал оценок (gradebook.db) повреждён — сохранён как" in "\n".join(report.notes)
    assert report.result("after_damage").score == corpus_broken.TOTAL
    assert list((graded["course"] / "logs").glob("gradebook.damaged-*.db"))
