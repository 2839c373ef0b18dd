"""`infowork check`: a self-study learner grades their own notebook.

Two real nbgrader runs (run side by side, in one fixture): the `partial` submission of the first
assignment from tests/proofs/, saved under a name of the learner's own, and the blank exercise
checked through the command line with its default file. The rest runs without nbgrader: bad
input is refused before grading, and the per-step messages are built from error outputs.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from infowork import ROOT, checks, cli
from infowork.grading import selfcheck
from infowork.grading.report import TraineeResult, step_titles

from conftest import (assignment_modules, fill_exercise, grade_meta, is_test_cell,
                      kit_grading_turn, partial_replacements, read_proofs)

MODULE = assignment_modules()[0]
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def _digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def _files(folder: Path) -> dict[str, tuple[str, int]]:
    """The files of the kit's ``grading/``, without the groups of a trial hub that test_hub may
    be grading at the same time on another pytest worker."""
    from infowork.hub.trial import TRIAL_GROUP_PREFIX

    if not folder.exists():
        return {}
    found = {p.relative_to(folder).as_posix(): _digest(p) for p in folder.rglob("*")
             if p.is_file()}
    return {name: digest for name, digest in found.items()
            if not name.startswith(f"groups/{TRIAL_GROUP_PREFIX}")}


def _temp_folders() -> set[str]:
    return set(os.listdir(tempfile.gettempdir()))


def _test_ids(nb) -> list[str]:
    return [grade_meta(c)["grade_id"] for c in nb.cells if is_test_cell(c)]


def _hidden_lines(module) -> set[str]:
    """Lines of the hidden tests that the learner's copy does not show anyway."""
    solution = nbformat.read(module.solution_path(), as_version=4)
    exercise = nbformat.read(module.exercise_path(), as_version=4)
    visible = "\n".join(c.source for c in exercise.cells)
    return {line.strip() for c in solution.cells if is_test_cell(c)
            for block in HIDDEN.findall(c.source) for line in block.splitlines()
            if len(line.strip()) > 12 and line.strip() not in visible}


def _shown(grade_id: str) -> str:
    """A step as the report names it: the assignment's «Шаг N. …» heading, else «шаг NAME»."""
    titles = step_titles(nbformat.read(MODULE.solution_path(), as_version=4))
    return titles.get(grade_id, f"шаг {grade_id.removeprefix('test_')}")


def _step_line(out: str, grade_id: str) -> str:
    shown = _shown(grade_id)
    found = [line for line in out.splitlines() if re.match(rf"^. {re.escape(shown)} — ", line)]
    assert len(found) == 1, f"one line for step {shown} in:\n{out}"
    return found[0]


# ---------------------------------------------------------------------------------------------
# Two real checks with nbgrader

@dataclass
class Run:
    code: int
    out: str
    file: Path
    before: tuple[str, int]


@dataclass
class Runs:
    partial: Run
    blank: Run
    grading_before: dict
    grading_after: dict
    temp_before: set
    temp_after: set


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Runs:
    folder = tmp_path_factory.mktemp("learner")
    solution = nbformat.read(MODULE.solution_path(), as_version=4)
    exercise = nbformat.read(MODULE.exercise_path(), as_version=4)
    partial = folder / "Моя работа (копия).ipynb"  # a learner's own name for the file
    nbformat.write(fill_exercise(exercise, solution, partial_replacements(read_proofs(MODULE.id))),
                   partial)
    blank = MODULE.exercise_path()  # `infowork check MODULE` checks this file by default
    private_tmp = tmp_path_factory.mktemp("tmp")
    cache = tmp_path_factory.mktemp("cache")  # the prepared course folder: not the user's
    befores = {partial: _digest(partial), blank: _digest(blank)}

    def one(argv):
        lines: list[str] = []
        if len(argv) == 1:  # through the command line, as a learner types it
            code = _cli_check(argv[0], lines)
        else:
            code = selfcheck.main(argv[0], argv[1], say=lines.append)
        return code, "\n".join(lines)

    # A private temporary folder, so another test run on the same machine cannot show up here.
    with kit_grading_turn(tmp_path_factory) as grading, pytest.MonkeyPatch.context() as mp, \
            ThreadPoolExecutor(max_workers=2) as pool:
        grading_before, temp_before = _files(grading), set(os.listdir(private_tmp))
        mp.setattr(tempfile, "tempdir", str(private_tmp))
        mp.setattr(selfcheck, "cache_dir", lambda: cache)
        (p_code, p_out), (b_code, b_out) = pool.map(one, [[MODULE.id, str(partial)], [MODULE.id]])
        temp_after, grading_after = _temp_folders(), _files(grading)
    return Runs(Run(p_code, p_out, partial, befores[partial]),
                Run(b_code, b_out, blank, befores[blank]),
                grading_before, grading_after, temp_before, temp_after)


def _cli_check(assignment: str, lines: list[str]) -> int:
    """`infowork check ASSIGNMENT` parsed by the real parser; output collected in ``lines``."""
    args = cli.build_parser().parse_args(["check", assignment])
    assert args.file is None and cli.COMMANDS[args.command] is cli._cmd_check
    return selfcheck.main(args.assignment, args.file, say=lines.append)


@pytest.mark.slow
def test_partial_work_report_marks_exactly_the_failed_steps(runs):
    proofs = read_proofs(MODULE.id)
    solution = nbformat.read(MODULE.solution_path(), as_version=4)
    failing = {t for step in partial_replacements(proofs)
               for t in next(e for e in proofs["wrong"] if e["step"] == step)["fails"]}
    run = runs.partial
    assert run.code == 0, run.out
    assert run.out.startswith(f"Проверяю {run.file} по заданию {MODULE.id} (это займёт")
    for grade_id in _test_ids(solution):
        line = _step_line(run.out, grade_id)
        if grade_id in failing:
            assert line.startswith("✗") and " — не засчитано: " in line, line
            reason = line.split(" — не засчитано: ", 1)[1]
            assert CYRILLIC.search(reason) and reason != selfcheck.STUB, line
        else:
            points = float(grade_meta(next(c for c in solution.cells if
                                           grade_meta(c).get("grade_id") == grade_id))["points"])
            assert line.startswith("✓") and line.endswith(f"засчитано ({points:g} б.)"), line
    total = sum(float(grade_meta(c)["points"]) for c in solution.cells if is_test_cell(c))
    assert f"Итого: {proofs['partial']['score']:g} из {total:g} б." in run.out


@pytest.mark.slow
def test_a_wrong_value_shows_the_hidden_checks_russian_message(runs):
    """The partial work's youth_share (all years at once) passes the visible checks: only the
    hidden value check catches it, and its Russian message (never the expected value) is shown.
    Its top5 (ascending order) is caught by a visible check, with that check's message."""
    assert MODULE.id == "00_intro", "this test knows module 00_intro's partial submission"
    line = _step_line(runs.partial.out, "test_youth_share")
    assert line.endswith(f"не засчитано: youth_share: {checks.WRONG_VALUE}"), line
    line = _step_line(runs.partial.out, "test_top5")
    assert "top5: строки должны идти от самой большой организации к меньшей" in line, line


@pytest.mark.slow
def test_report_never_shows_hidden_test_code_or_tracebacks(runs):
    hidden = _hidden_lines(MODULE)
    assert hidden, "the assignment has hidden tests"
    for run in (runs.partial, runs.blank):
        leaked = [line for line in hidden if line in run.out]
        assert not leaked, f"hidden test code in the report: {leaked[:3]}"
        assert "Traceback" not in run.out and "HIDDEN TESTS" not in run.out
        assert "\x1b[" not in run.out, "no coloured IPython traceback fragments"


@pytest.mark.slow
def test_blank_exercise_every_step_not_done(runs):
    run = runs.blank
    assert run.code == 0, run.out
    assert f"Проверяю {MODULE.exercise_path().relative_to(ROOT)} по заданию" in run.out
    solution = nbformat.read(MODULE.solution_path(), as_version=4)
    for grade_id in _test_ids(solution):
        assert _step_line(run.out, grade_id) == (
            f"✗ {_shown(grade_id)} — не засчитано: {selfcheck.STUB}")
    total = sum(float(grade_meta(c)["points"]) for c in solution.cells if is_test_cell(c))
    assert f"Итого: 0 из {total:g} б." in run.out


@pytest.mark.slow
def test_learners_file_and_instructors_gradebook_are_untouched(runs):
    assert _digest(runs.partial.file) == runs.partial.before
    assert _digest(runs.blank.file) == runs.blank.before
    assert runs.grading_after == runs.grading_before, "nothing written to the kit's grading/"
    assert runs.temp_after <= runs.temp_before, "the temporary course folders are removed"
    assert "Ваш файл не изменён" in runs.partial.out


@pytest.mark.slow
def test_a_second_check_reuses_the_prepared_folder_and_a_changed_master_rebuilds_it(
        tmp_path, monkeypatch):
    """The course folder nbgrader prepares (generate_assignment) is cached per assignment: a
    second check does not prepare it again, a changed master copy does; no learner is left in
    it after a check. Observed through nbgrader's calls, not timing."""
    source = tmp_path / "solutions"
    shutil.copytree(MODULE.solution_path().parent, source / MODULE.id)
    cache = tmp_path / "cache"
    monkeypatch.setattr(selfcheck, "cache_dir", lambda: cache)
    prepared: list[str] = []
    real_run = subprocess.run

    def spy(argv, *args, **kwargs):
        if "generate_assignment" in argv and str(kwargs.get("cwd", "")).startswith(str(cache)):
            prepared.append(str(kwargs["cwd"]))
        return real_run(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    blank = MODULE.exercise_path()
    outcomes = []
    for change_master in (False, False, True):
        if change_master:
            master = next((source / MODULE.id).glob("*.ipynb"))
            nb = nbformat.read(master, as_version=4)
            first = next(c for c in nb.cells if c.cell_type == "markdown")
            first.source += "\n\nПравка эталона."
            nbformat.write(nb, master)
        outcomes.append(selfcheck.check(MODULE.id, blank, source_root=source))
        folders = [p for p in cache.iterdir() if p.is_dir()]
        assert len(folders) == 1, folders
        folder = folders[0]
        assert not (folder / "submitted" / selfcheck.LEARNER).exists()
        assert not (folder / "autograded" / selfcheck.LEARNER).exists()
        assert not list(folder.glob("*_class_report.html")), "no class page for one learner"
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{folder / 'gradebook.db'}", "infowork") as gb:
            assert [s.id for s in gb.students] == [], "the learner is removed after the check"
    assert prepared == [str(folder)] * 2, "prepared at the first check and after the change"
    for outcome in outcomes:
        assert outcome.result.graded and outcome.score == 0
        assert [s.message for s in outcome.steps] == [selfcheck.STUB] * len(outcome.steps)
    assert len(outcomes[0].steps) == len(outcomes[2].steps) > 0


# ---------------------------------------------------------------------------------------------
# Bad input: refused before anything is graded (no nbgrader)

def _refused(capsys, *argv) -> str:
    code = cli.main(["check", *argv])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert "Проверяю" not in captured.out, "nothing is graded"
    return captured.err


def test_missing_file_is_named(capsys, tmp_path):
    missing = tmp_path / "моя_работа.ipynb"
    err = _refused(capsys, MODULE.id, str(missing))
    assert f"Файла «{missing}» нет" in err


def test_wrong_suffix_and_folder_are_refused(capsys, tmp_path):
    doc = tmp_path / "работа.docx"
    doc.write_bytes(b"PK\x03\x04")
    assert f"«{doc}» — не блокнот Jupyter" in _refused(capsys, MODULE.id, str(doc))
    assert f"«{tmp_path}» — это папка" in _refused(capsys, MODULE.id, str(tmp_path))


def test_broken_json_is_refused_and_left_as_it_is(capsys, tmp_path):
    broken = tmp_path / "ivanov.ipynb"
    broken.write_text('{"cells": [{"cell_type": "code", ', encoding="utf-8")
    before = _digest(broken)
    err = _refused(capsys, MODULE.id, str(broken))
    assert f"Не удалось прочитать «{broken}»" in err and "повреждённый JSON" in err
    assert _digest(broken) == before


def test_unknown_module_is_refused(capsys, tmp_path):
    err = _refused(capsys, "99_nope", str(tmp_path / "x.ipynb"))
    assert "99_nope" in err


def test_a_lesson_or_another_assignment_is_not_taken_for_this_one(capsys):
    lesson = MODULE.lesson_paths()[0]
    err = _refused(capsys, MODULE.id, str(lesson))
    assert f"нет ни одной ячейки задания {MODULE.id}" in err
    others = [m for m in assignment_modules() if m.id != MODULE.id]
    if others:  # the learner picked the wrong module: the right command is suggested
        err = _refused(capsys, MODULE.id, str(others[0].exercise_path()))
        assert f"Похоже, это задание {others[0].id}: infowork check {others[0].id} " in err


def test_check_help_is_russian(capsys):
    with pytest.raises(SystemExit):
        cli.main(["check", "--help"])
    out = capsys.readouterr().out
    assert "Использование: infowork check" in out and "ЗАДАНИЕ" in out and "ФАЙЛ" in out
    assert "кода скрытых проверок" in out or "код скрытых проверок" in out


# ---------------------------------------------------------------------------------------------
# Messages built from error outputs (no nbgrader)

def test_assertion_message_is_passed_on_and_empty_one_explained():
    msg = "top5: должно быть 5 строк, а сейчас 3."
    assert selfcheck.step_message({"ename": "AssertionError", "evalue": msg}) == msg
    assert selfcheck.step_message({"ename": "AssertionError", "evalue": ""}) == \
        selfcheck.WRONG_VALUE


def test_missing_variable_and_stub_messages():
    assert selfcheck.step_message({"ename": "NameError",
                                   "evalue": "name 'youth_share' is not defined"}) == \
        "ответ не найден: переменная youth_share не создана — выполните ячейку с решением"
    not_there = {"ename": "AssertionError", "evalue": "Переменной top5 пока нет: ..."}
    stub = {"ename": "NotImplementedError", "evalue": ""}
    assert selfcheck.step_message(not_there, [stub]) == selfcheck.STUB
    assert selfcheck.step_message(stub) == selfcheck.STUB
    assert selfcheck.STUB.startswith("шаг не выполнен (осталась заготовка)")


def test_other_errors_name_type_and_message_but_never_the_traceback():
    secret = "checks.same_number(value, 0.2345, 'youth_share')"
    error = {"ename": "KeyError", "evalue": "'memberz'",
             "traceback": ["Traceback (most recent call last)", f"----> 3 {secret}"]}
    message = selfcheck.step_message(error)
    assert message == "ошибка: KeyError: 'memberz'" and secret not in message
    timeout = selfcheck.step_message({"ename": "CellTimeoutError", "evalue": "A cell timed out"})
    assert timeout == "ячейка выполнялась слишком долго и была прервана"
    mine = selfcheck.step_message({"ename": "AssertionError", "evalue": "Переменной x пока нет."},
                                  [{"ename": "ZeroDivisionError", "evalue": "division by zero"}])
    assert mine.endswith("(в ячейке с решением ошибка: ZeroDivisionError: division by zero)")


def test_step_lines_and_summary():
    steps = [selfcheck.Step("test_top5", "00_intro", 2, 2),
             selfcheck.Step("test_chart", "00_intro", 3, 0, "диаграмма: нет источника."),
             selfcheck.Step("test_mix", "00_intro", 2, 1, "mix: неточно.")]
    result = TraineeResult("learner", "x.ipynb", ["x.ipynb"], 3.0, 7.0, manual_max=4.0,
                           manual_pending=4.0, problems=["ячейка с проверкой test_x изменена"])
    lines = selfcheck.SelfCheck("01_content_planning", Path("x.ipynb"), result, steps).lines()
    assert lines[:3] == ["✓ шаг top5 — засчитано (2 б.)",
                         "✗ шаг chart — не засчитано: диаграмма: нет источника.",
                         "◐ шаг mix — засчитано частично (1 из 2 б.): mix: неточно."]
    assert "Итого: 3 из 7 б." in lines
    assert ("Ещё до 4 б. — ответы, которые оценивает преподаватель; сверьтесь со схемой в "
            "solutions/01_content_planning/") in lines
    assert "  - ячейка с проверкой test_x изменена" in lines
    result.manual_max = result.manual_pending = 0.0
    assert not any("преподаватель" in line for line in
                   selfcheck.SelfCheck("00_intro", Path("x.ipynb"), result, steps).lines())


def test_work_that_broke_the_grading_is_reported_not_scored():
    result = TraineeResult("learner", "x.ipynb", ["x.ipynb"], 0.0, 12.0, graded=False,
                           problems=["проверка прервана: работа выполнялась слишком долго"])
    lines = selfcheck.SelfCheck("00_intro", Path("x.ipynb"), result, []).lines()
    assert lines[0] == "Проверить работу не удалось:"
    assert "  - проверка прервана: работа выполнялась слишком долго" in lines
    assert not any(line.startswith("Итого") for line in lines)

