"""The instructor's side of nbgrader's exchange for a seminar: release an assignment, collect
the submissions, grade them with the kit's pipeline (``infowork grade --group``) and release the
Russian feedback, which each trainee fetches in JupyterLab's Assignments tab.

These run as root on the seminar's machine (``infowork hub release|collect``): the exchange's
inbound folder can be listed by nobody else, and the gradebook is the group's own.
"""
from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

from infowork.hub.config import Seminar

__all__ = ["release", "collect", "grade_collected", "release_feedback", "collect_and_grade"]


def _config(seminar: Seminar):
    from traitlets.config.loader import PyFileConfigLoader

    loader = PyFileConfigLoader("nbgrader_config.py", path=str(seminar.course))
    return loader.load_config()


def _run(seminar: Seminar, kind: str, assignment: str, **options) -> None:
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeError, default

    config = _config(seminar)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    exchange = getattr(default, kind)(coursedir=coursedir,
                                      authenticator=Authenticator(config=config), config=config)
    for name, value in options.items():
        setattr(exchange, name, value)
    try:
        exchange.start()
    except ExchangeError as exc:
        raise RuntimeError(f"nbgrader: {exc}") from exc
    finally:
        # nbgrader re-creates the root as 0777; the sticky bit keeps trainees from renaming
        # or deleting each other's files in it.
        os.chmod(seminar.exchange, 0o1777)


def release(seminar: Seminar, assignment: str) -> Path:
    """Put the trainee copy ``exercises/ASSIGNMENT/`` into the exchange (again, if it is there)."""
    _run(seminar, "ExchangeReleaseAssignment", assignment, force=True)
    return seminar.exchange / seminar.course_id / "outbound" / assignment


def _owner(path: Path) -> str:
    try:
        return pwd.getpwuid(path.stat().st_uid).pw_name
    except KeyError:
        return "?"


def collect(seminar: Seminar, assignment: str) -> tuple[list[str], list[str]]:
    """Copy each trainee's latest submission to ``course/submitted/LOGIN/ASSIGNMENT/`` (nbgrader's
    layout). A submission whose files are not owned by the login it names (a trainee submitting
    in another's name) is not collected. Returns (logins collected, submissions refused)."""
    inbound = seminar.exchange / seminar.course_id / "inbound"
    refused = []
    if inbound.exists():
        for entry in inbound.iterdir():
            login = entry.name.split("+", 1)[0]
            if entry.name.split("+")[1:2] == [assignment] and _owner(entry) != login:
                # Kept for the instructor to look at, out of nbgrader's way (it would only warn).
                refused.append(entry.name)
                aside = seminar.course / "refused"
                aside.mkdir(exist_ok=True)
                shutil.move(str(entry), str(aside / f"{entry.name}+{_owner(entry)}"))
    _run(seminar, "ExchangeCollect", assignment, update=True, check_owner=True)
    submitted = seminar.course / "submitted"
    logins = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())
    return logins, refused


def _layout_for_grading(seminar: Seminar, assignment: str, logins: list[str]) -> Path:
    """``course/collected/ASSIGNMENT/LOGIN/NOTEBOOK.ipynb``: one folder per trainee, the layout
    ``infowork grade`` reads (the folder's name is the trainee's id)."""
    folder = seminar.course / "collected" / assignment
    shutil.rmtree(folder, ignore_errors=True)
    for login in logins:
        source = seminar.course / "submitted" / login / assignment
        target = folder / login
        target.mkdir(parents=True)
        for notebook in source.glob("*.ipynb"):
            shutil.copy2(notebook, target / notebook.name)
    return folder


def grade_collected(seminar: Seminar, assignment: str, logins: list[str],
                    jobs: int | None = None) -> int:
    """``infowork grade ASSIGNMENT course/collected/ASSIGNMENT --group GROUP``."""
    from infowork import grading

    folder = _layout_for_grading(seminar, assignment, logins)
    return grading.main(assignment, folder, jobs=jobs, group=seminar.group)


def release_feedback(seminar: Seminar, assignment: str, logins: list[str]) -> list[str]:
    """The feedback pages ``infowork grade`` made (``grading/groups/GROUP/feedback/``), put
    beside the collected submissions and released through the exchange; returns the logins
    whose feedback was released."""
    released = []
    for login in logins:
        pages = sorted((seminar.grading_root / "feedback" / login / assignment).glob("*.html"))
        submitted = seminar.course / "submitted" / login / assignment
        if not pages or not (submitted / "timestamp.txt").exists():
            continue
        target = seminar.course / "feedback" / login / assignment
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for page in pages:
            shutil.copyfile(page, target / page.name)
        for name in ("timestamp.txt", "submission_secret.txt"):
            if (submitted / name).exists():
                shutil.copyfile(submitted / name, target / name)
        released.append(login)
    if released:
        _run(seminar, "ExchangeReleaseFeedback", assignment)
    return released


def collect_and_grade(seminar: Seminar, assignment: str, jobs: int | None = None,
                      say=print) -> int:
    """Collect, grade with ``infowork grade --group``, release the feedback. 0 when it ran."""
    from infowork.russian import plural

    logins, refused = collect(seminar, assignment)
    for name in refused:
        say(f"Не принята работа {name}: её сдали от чужого имени (файлы принадлежат другому "
            f"пользователю); она отложена в {seminar.course / 'refused'}.")
    if not logins:
        say(f"Работ по заданию {assignment} пока никто не сдал.")
        return 0
    say(f"Собрано {plural(len(logins), 'работа', 'работы', 'работ')}: {', '.join(logins)}")
    code = grade_collected(seminar, assignment, logins, jobs=jobs)
    if code != 0:
        return code
    released = release_feedback(seminar, assignment, logins)
    say(f"Отзывы выданы: {len(released)} из {len(logins)}. Слушатели получат их на вкладке "
        f"Assignments кнопкой «Fetch Feedback».")
    _give_to_instructor(seminar)
    return 0


def _give_to_instructor(seminar: Seminar) -> None:
    """The group's grading folder belongs to the instructor's account, whose formgrader writes
    manual grades into its gradebook."""
    try:
        entry = pwd.getpwnam(seminar.instructor)
    except KeyError:
        return
    root = seminar.grading_root
    for path in [root, *root.rglob("*")]:
        try:
            os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
        except OSError:
            pass
