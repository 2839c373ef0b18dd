"""The per-step self-check in the notebook (issue 15, part 3): ``check_step("имя")``.

Proven both ways on every module's proofs without nbgrader or a kernel: the master runs in a
plain namespace (as the rehearsal does); the solution's answers and every other correct approach
are «засчитано», every wrong answer is «не засчитано» on exactly its own checks with its `says`
message, a blank exercise step is «не выполнен»; the messages never quote the hidden code. The
replay is called in this process here (:func:`stepcheck.judge`); a few tests go through the real
separate process, and one runs module 00 in a real kernel through the notebook's own setup cell.
"""
from __future__ import annotations

import builtins
import contextlib
import copy
import io
import json
import re
import statistics
import time
import types

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402

from conftest import (assignment_modules, grade_meta, is_answer_cell, is_test_cell,  # noqa: E402
                      read_proofs)
from infowork import answers  # noqa: E402
from infowork.grading import stepcheck  # noqa: E402

MODULES = assignment_modules()
#: A step checked in the notebook must answer within this (issue 15).
LIMIT_SECONDS = 2.0


@pytest.fixture(scope="module", autouse=True)
def _own_cache(tmp_path_factory):
    """The probes are cached in a folder of this test module's own, not the user's."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    yield
    patch.undo()


def _clone(namespace: dict) -> dict:
    keep = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type)
    memo = {id(v): v for v in namespace.values() if isinstance(v, keep)}
    out = {}
    for key, value in namespace.items():
        try:
            out[key] = copy.deepcopy(value, dict(memo))
        except Exception:  # noqa: BLE001 - a figure or a generator: shared, as in test_proofs
            out[key] = value
    return out


def _exec(source: str, namespace: dict) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102


class Walk:
    """One module's master run in a namespace, with a snapshot before each answer cell."""

    def __init__(self, module, folder):
        self.module = module
        self.nb = nbformat.read(module.solution_path(), as_version=4)
        self.code = [(i, c) for i, c in enumerate(self.nb.cells) if c.cell_type == "code"]
        self.steps = {grade_meta(c)["grade_id"]: i for i, c in self.code if is_answer_cell(c)}
        self.snapshots: dict[int, dict] = {}
        self.solution: dict[str, stepcheck.Verdict] = {}
        self.folder = folder
        namespace = {"__name__": "__main__", "__builtins__": builtins}
        with contextlib.chdir(folder):
            for index, cell in self.code:
                if is_answer_cell(cell):
                    self.snapshots[index] = _clone(namespace)
                if is_test_cell(cell):
                    self.solution[grade_meta(cell)["grade_id"]] = self.check(cell, namespace)
                    plt.close("all")  # the chart was read; pyplot need not keep it
                else:
                    _exec(cell.source, namespace)
        plt.close("all")

    def check(self, cell, namespace) -> stepcheck.Verdict:
        return stepcheck.step_verdict(grade_meta(cell)["grade_id"], namespace, self.module.id,
                                    judge_with=stepcheck.judge)

    def run(self, step: str, code: str, until: int) -> dict[str, stepcheck.Verdict]:
        """Replace the answer cell of ``step`` with ``code``, run on to cell ``until`` and check
        every step on the way: grade id -> verdict."""
        start = self.steps[step]
        namespace = _clone(self.snapshots[start])
        out = {}
        with contextlib.chdir(self.folder):
            _exec(code, namespace)
            for index, cell in self.code:
                if start < index <= until:
                    if is_test_cell(cell):
                        out[grade_meta(cell)["grade_id"]] = self.check(cell, namespace)
                    else:
                        _exec(cell.source, namespace)
        plt.close("all")
        return out

    def own_tests_end(self, step: str) -> int:
        """The last cell of the tests right under the answer cell of ``step``."""
        start, end = self.steps[step], self.steps[step]
        for index, cell in self.code:
            if index > start:
                if not is_test_cell(cell):
                    break
                end = index
        return end

    def index_of(self, grade_id: str) -> int:
        return next(i for i, c in self.code if grade_meta(c).get("grade_id") == grade_id)


_WALKS: dict[str, Walk] = {}


@pytest.fixture
def walk(request, tmp_path_factory):
    def get(module) -> Walk:
        if module.id not in _WALKS:
            _WALKS[module.id] = Walk(module, tmp_path_factory.mktemp(f"walk-{module.id}"))
        return _WALKS[module.id]
    return get


def _hidden_lines(nb) -> list[str]:
    """The hidden checks' lines worth quoting (not blank, not a bare marker)."""
    lines = []
    for cell in nb.cells:
        if is_test_cell(cell):
            hidden = stepcheck._verdict().split_hidden(cell.source)[1]
            lines += [s.strip() for s in hidden.splitlines()
                      if len(s.strip()) > 12 and not s.strip().startswith("###")]
    return lines


params = pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)


@params
def test_the_solution_and_other_correct_approaches_are_counted(module, walk):
    run = walk(module)
    problems = [f"эталон, {g}: {v.line()}" for g, v in run.solution.items() if not v.passed]
    for entry in read_proofs(module.id)["alternatives"]:
        verdicts = run.run(entry["step"], entry["code"], run.own_tests_end(entry["step"]))
        assert verdicts, f"{entry['step']}: no check under the answer cell"
        problems += [f"{entry['step']} «{entry.get('why', '')}»: {v.line()}"
                     for v in verdicts.values() if not v.passed]
    assert len(run.solution) >= 5
    assert not problems, "\n".join(problems)


@params
def test_each_wrong_answer_is_not_counted_with_its_message(module, walk):
    run = walk(module)
    hidden = _hidden_lines(run.nb)
    problems, checked = [], 0
    for entry in read_proofs(module.id)["wrong"]:
        fails = set(entry.get("fails") or [])
        until = max([run.own_tests_end(entry["step"]), *map(run.index_of, fails)])
        verdicts = run.run(entry["step"], entry["code"], until)
        label = f"{entry['step']} «{entry.get('why', '')}»"
        for grade_id, verdict in verdicts.items():
            checked += 1
            if grade_id not in fails:
                if not verdict.passed:
                    problems.append(f"{label}: {grade_id} should be counted: {verdict.line()}")
                continue
            line = verdict.line()
            if verdict.status not in (stepcheck.FAILED, stepcheck.NOT_ATTEMPTED) \
                    or "не засчитано" not in line:
                problems.append(f"{label}: {grade_id} should be «не засчитано»: {line}")
            elif entry.get("says") and not re.search(str(entry["says"]), verdict.message):
                problems.append(f"{label}: {grade_id} says «{verdict.message}», not {entry['says']}")
            if not re.search("[а-яё]", verdict.message):
                problems.append(f"{label}: {grade_id}: the message is not Russian: {line}")
            quoted = [h for h in hidden if h in line]
            if quoted:
                problems.append(f"{label}: {grade_id} quotes the hidden check: {quoted[0]}")
        missing = fails - set(verdicts)
        if missing:
            problems.append(f"{label}: {sorted(missing)} were not checked")
    assert checked >= len(read_proofs(module.id)["wrong"])
    assert not problems, "\n".join(problems)


@params
def test_a_blank_step_is_not_attempted_yet(module, walk):
    """Each answer cell of the trainee's copy (the stub raises NotImplementedError, or a
    function's body does) is «шаг ещё не выполнен», kindly, for the checks under it."""
    run = walk(module)
    exercise = nbformat.read(module.exercise_path(), as_version=4)
    stubs = {grade_meta(c)["grade_id"]: c.source for c in exercise.cells if is_answer_cell(c)}
    problems = []
    for step in run.steps:
        # As in the kernel: the stub raised after its first lines ran, and IPython's history has it.
        code = (f"try:\n{textwrap_indent(stubs[step])}\nexcept NotImplementedError:\n    pass\n"
                f"In = ['', {stubs[step]!r}]\n")
        for grade_id, verdict in run.run(step, code, run.own_tests_end(step)).items():
            if verdict.status != stepcheck.NOT_ATTEMPTED or "шаг ещё не выполнен" not in \
                    verdict.line():
                problems.append(f"{step} / {grade_id}: {verdict.line()}")
    assert not problems, "\n".join(problems)


def textwrap_indent(source: str) -> str:
    return "\n".join("    " + line for line in source.splitlines()) or "    pass"


def test_without_the_master_copy_the_instructor_grades(tmp_path):
    verdict = stepcheck.step_verdict("top5", {"top5": 1}, "00_intro", source_root=tmp_path)
    assert verdict.status == stepcheck.INSTRUCTOR
    assert "проверяет преподаватель" in verdict.line() and "solutions/" in verdict.line()


def test_an_unknown_step_names_the_steps_there_are():
    verdict = stepcheck.step_verdict("top_5", {}, "00_intro")
    assert verdict.status == stepcheck.UNKNOWN
    assert "«top5»" in verdict.line() and "overview" in verdict.line()


def test_nothing_is_checked_while_the_kit_grades(monkeypatch):
    monkeypatch.setenv(answers.GRADING_MARK, "1")
    monkeypatch.setattr(stepcheck, "step_verdict", lambda *a, **k: pytest.fail("checked"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert stepcheck.step_checker("00_intro")("top5") is None
    assert out.getvalue() == ""


def test_the_separate_process_fails_closed_on_a_bad_request():
    lines = ["not json\n", json.dumps({"assignment": "00_intro", "notebook": "00_intro",
                                       "grade_id": "test_top5", "records": "x"}) + "\n",
             json.dumps({"assignment": "00_intro", "notebook": "00_intro",
                         "grade_id": "test_nothing", "records": []}) + "\n"]
    out = io.StringIO()
    assert stepcheck.serve(lines, out) == 0
    replies = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(replies) == 3 and all(r["reason"] for r in replies)


def test_through_the_separate_process_within_two_seconds(walk):
    """The default path: records leave this process as JSON, the worker replays and answers.
    Same verdicts as the replay in this process; each check within the limit."""
    module = next(m for m in MODULES if m.id == "02_audience")  # with a function step
    run = walk(module)
    stepcheck._WORKER.stop()
    namespace = _clone(run.snapshots[max(run.snapshots)])
    with contextlib.chdir(run.folder):
        for index, cell in run.code:
            if index >= max(run.snapshots) and not is_test_cell(cell):
                _exec(cell.source, namespace)
    times = []
    try:
        for grade_id, expected in run.solution.items():
            started = time.monotonic()
            verdict = stepcheck.step_verdict(grade_id, namespace, module.id)
            times.append(time.monotonic() - started)
            assert verdict.status == expected.status == stepcheck.PASSED, verdict.line()
        wrong = read_proofs(module.id)["wrong"][0]
        bad = _clone(namespace)
        _exec(wrong["code"], bad)
        grade_id = wrong["fails"][0]
        verdict = stepcheck.step_verdict(grade_id, bad, module.id)
        assert verdict.status == stepcheck.FAILED and verdict.message
    finally:
        stepcheck._WORKER.stop()
    # The first check starts the separate process (~0,6 s on a quiet machine): allowed more
    # while the rest of the suite loads both cores.
    assert times[0] <= 3 * LIMIT_SECONDS, [round(t, 2) for t in times]
    assert max(times[1:]) <= LIMIT_SECONDS, [round(t, 2) for t in times]
    assert statistics.median(times) <= LIMIT_SECONDS / 4, [round(t, 2) for t in times]


def test_in_a_real_kernel_through_the_notebook(tmp_path, monkeypatch):
    """Module 00 in a kernel: the notebook's own setup cell defines check_step; a right
    answer is «засчитано», a wrong one «не засчитано» with its message, a deleted one «не
    выполнен»; nothing of the hidden checks is printed."""
    from nbclient import NotebookClient

    module = next(m for m in MODULES if m.id == "00_intro")
    nb = nbformat.read(module.solution_path(), as_version=4)
    wrong = next(e for e in read_proofs(module.id)["wrong"] if e["step"] == "answer_top5")
    cells = [c for c in nb.cells if c.cell_type == "code"] + [nbformat.v4.new_code_cell(s) for s in (
        'check_step("top5")',
        wrong["code"] + '\ncheck_step("top5")',
        'del top5\ncheck_step("top5")',
        'check_step("overview")\ncheck_step("overview")')]
    nb.cells = cells
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    out = ["".join(o.get("text", "") for o in c.outputs) for c in nb.cells[-4:]]
    assert out[0].startswith("✓ Шаг 2 (top5): засчитано."), out[0]
    assert "✗ Шаг 2 (top5): не засчитано —" in out[1], out[1]
    if wrong.get("says"):
        assert re.search(str(wrong["says"]), out[1]), out[1]
    assert "○ Шаг 2 (top5): пока не засчитано — шаг ещё не выполнен" in out[2], out[2]
    assert out[3].count("засчитано") == 2, out[3]
    printed = "\n".join(out)
    assert not [h for h in _hidden_lines(nbformat.read(module.solution_path(), as_version=4))
                if h in printed]
