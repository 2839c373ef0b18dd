"""Grading workers forked from one prepared process (infowork.grading.forkserver)."""
from __future__ import annotations

import os

import nbformat
import pytest

from infowork import grading
from infowork.grading import forkserver, sandbox

from conftest import assignment_modules, fill_exercise

MODULE = assignment_modules()[0]
LIMITS = grading.Limits(timeout=30)


def test_a_worker_a_notebook_killed_is_replaced_by_another_forked_one(tmp_path, monkeypatch,
                                                                      prepared_course):
    """Without the sandbox a kernel can reach its worker: the first trainee's code kills it.
    The next worker is forked from the same prepared process and grades the others."""
    monkeypatch.setenv(sandbox.SWITCH, "0")
    course = (tmp_path / "course").resolve()
    prepared_course(course, MODULE.id, LIMITS)
    exercise = nbformat.read(MODULE.exercise_path(), as_version=4)
    done = fill_exercise(exercise, nbformat.read(MODULE.solution_path(), as_version=4))
    killer = nbformat.from_dict(done)
    killer.cells.insert(0, nbformat.v4.new_code_cell(
        "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for student, nb in (("a_killer", killer), ("b_full", done), ("c_blank", exercise)):
        nbformat.write(nb, inbox / f"{student}_{MODULE.id}.ipynb")
    report = grading.grade_folder(MODULE.id, inbox, course_root=course, limits=LIMITS, jobs=1)
    forked = (course / "logs" / "workers.log").read_text(encoding="utf-8")
    assert "forked worker 1-1 " in forked and "forked worker 1-2 " in forked, forked
    killed = report.result("a_killer")
    assert not killed.graded and any("проверка оборвалась" in p for p in killed.problems)
    full = report.result("b_full")
    assert full.graded and full.score == full.max_score > 0, full
    assert report.result("c_blank").graded and report.result("c_blank").score == 0


def test_switched_off_the_workers_start_afresh(tmp_path, monkeypatch, prepared_course):
    monkeypatch.setenv(forkserver.SWITCH, "0")
    course = (tmp_path / "course").resolve()
    prepared_course(course, MODULE.id, LIMITS)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nbformat.write(nbformat.read(MODULE.exercise_path(), as_version=4),
                   inbox / f"blank_{MODULE.id}.ipynb")
    report = grading.grade_folder(MODULE.id, inbox, course_root=course, limits=LIMITS, jobs=1)
    assert report.result("blank").graded
    assert not (course / "logs" / "workers.log").exists()
    assert (course / "logs" / "worker-1-1.log").exists()


def test_the_kernels_of_two_forked_workers_run_as_different_users(tmp_path, prepared_course):
    """As root each worker's kernels get a uid of their own: RLIMIT_NPROC counts a uid's
    processes, and one trainee's fork burst must not leave another worker's kernel unable to
    start. The zygotes the forking process starts for its workers get one each too."""
    course = (tmp_path / "course").resolve()
    box = prepared_course(course, MODULE.id, LIMITS)
    if not box.on or os.geteuid() != 0:
        pytest.skip("kernels run under their own uid only in the sandbox, as root")
    exercise = nbformat.read(MODULE.exercise_path(), as_version=4)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for student in ("a", "b"):
        nb = nbformat.from_dict(exercise)
        nb.cells.insert(0, nbformat.v4.new_code_cell(
            "import os, time\nprint('UID', os.getuid())\ntime.sleep(2)"))
        nbformat.write(nb, inbox / f"{student}_{MODULE.id}.ipynb")
    grading.grade_folder(MODULE.id, inbox, course_root=course, limits=LIMITS, jobs=2)
    forked = (course / "logs" / "workers.log").read_text(encoding="utf-8")
    assert "forked worker 1-1 " in forked and "forked worker 2-1 " in forked, forked
    uids = set()
    for student in ("a", "b"):
        nb = nbformat.read(course / "autograded" / student / MODULE.id / f"{MODULE.id}.ipynb", 4)
        uids.add(nb.cells[0].outputs[0]["text"].split()[1])
    assert len(uids) == 2 and "0" not in uids, uids
