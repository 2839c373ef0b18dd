"""Every exercise is proven both ways (DESIGN.md, principle 3): for each graded step, plausible
wrong answers (tests/proofs/<module>.yml) fail exactly the checks they should, with a Russian
message (and, where an entry has ``says``, the message that explains that mistake), and other
correct approaches pass every check.

One kernel per module (two modules at a time) runs the solution top to bottom, saving the namespace just before each
step's answer cell. Each proof entry then restores that namespace, runs its own code in place of
the answer cell and every cell after it, and records which cells raised. After a step's entries
the saved namespace is restored once more and the original solution must pass again: that proves
no entry leaks state into the next. The kernel runs as when the kit grades (its test cells send
their answers out as records), and every test cell's verdict in every run is replayed outside the
kernel (infowork.grading.verdict) and must agree with the kernel's. The format is documented in
tests/proofs/README.md.
"""
from __future__ import annotations

import copy
import functools
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import nbformat
import pytest
from nbclient import NotebookClient

from infowork import answers
from infowork.grading import verdict

from conftest import (assignment_modules, grade_meta, is_answer_cell, is_test_cell,
                      partial_replacements, read_proofs)
from conftest import rehearsal as conftest_rehearsal

MODULES = assignment_modules()
CELL_TIMEOUT = 120

# Runs inside the kernel: save and restore the trainee-visible namespace.
KERNEL_HELPERS = r'''
import copy as _proof_copy, types as _proof_types
_proof_snaps = {}
def _proof_names():
    return [k for k in get_ipython().user_ns
            if not k.startswith("_") and k not in ("In", "Out", "exit", "quit", "get_ipython")]
def _proof_clone(values):
    keep = (_proof_types.ModuleType, _proof_types.FunctionType, _proof_types.BuiltinFunctionType, type)
    memo = {id(v): v for v in values.values() if isinstance(v, keep)}
    try:
        return _proof_copy.deepcopy(values, memo)
    except Exception:
        out = {}
        for k, v in values.items():
            try:
                out[k] = _proof_copy.deepcopy(v, dict(memo))
            except Exception:
                out[k] = v
        return out
def _proof_save(key):
    ns = get_ipython().user_ns
    _proof_snaps[key] = _proof_clone({k: ns[k] for k in _proof_names()})
def _proof_restore(key):
    import matplotlib.pyplot as plt
    plt.close("all")
    ns = get_ipython().user_ns
    for k in _proof_names():
        del ns[k]
    ns.update(_proof_clone(_proof_snaps[key]))
    assert sorted(_proof_names()) == sorted(_proof_snaps[key]), "namespace not restored"
# Charts are still made and closed after each cell as in a grading kernel, but not drawn into
# PNG outputs nobody looks at here (a third of the proofs' time went to drawing them; the
# outcomes of every entry are the same either way).
get_ipython().run_line_magic("config", "InlineBackend.figure_formats = set()")
'''


@dataclass
class Outcome:
    """Which cells raised in one run: cell index -> (exception name, message); and the answer
    records each test cell sent out of the kernel (cell index -> records), as in grading."""

    errors: dict[int, tuple[str, str]] = field(default_factory=dict)
    records: dict[int, list[dict]] = field(default_factory=dict)


@dataclass
class ProofRun:
    nb: nbformat.NotebookNode
    steps: dict[str, int]                   # answer grade_id -> cell index
    tests: dict[str, int]                   # test grade_id -> cell index
    points: dict[str, float]                # test grade_id -> points
    baseline: Outcome
    wrong: list[tuple[dict, Outcome]]
    alternatives: list[tuple[dict, Outcome]]
    restored: dict[str, Outcome]            # step -> solution run after restoring
    partial: Outcome | None


class _Kernel:
    def __init__(self, nb, folder):
        # nbclient writes executed cells back into its notebook: give it a copy.
        self.client = NotebookClient(copy.deepcopy(nb), timeout=CELL_TIMEOUT, allow_errors=True,
                                     kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})

    def run(self, source: str, index: int,
            outcome: Outcome | None = None) -> tuple[str, str] | None:
        """Run ``source`` as cell ``index``; its error (name, message) or None. With
        ``outcome``, the error and the cell's answer records go there."""
        cell = nbformat.v4.new_code_cell(source)
        self.client.execute_cell(cell, index, store_history=False)
        error = next(((o.ename, o.evalue) for o in cell.outputs if o.output_type == "error"), None)
        if outcome is not None:
            if error:
                outcome.errors[index] = error
            outcome.records[index] = verdict.records_of(cell.outputs)
        return error

    def helper(self, source: str) -> None:
        error = self.run(source, 0)
        if error:
            raise RuntimeError(f"proof harness failed in the kernel: {error}")


def _run_from(kernel: _Kernel, nb, start: int, replacements: dict[int, str]) -> Outcome:
    outcome = Outcome()
    for index in range(start, len(nb.cells)):
        cell = nb.cells[index]
        if cell.cell_type == "code":
            kernel.run(replacements.get(index, cell.source), index, outcome)
    return outcome


@functools.cache
def _all_runs() -> dict[str, ProofRun | Exception]:
    """Every module's proofs, two modules at a time (each in its own kernel)."""
    def one(module_id):
        try:
            return _proof_run(module_id)
        except Exception as exc:  # noqa: BLE001 - reported by each test of that module
            return exc

    with ThreadPoolExecutor(max_workers=2) as pool:
        ids = [m.id for m in MODULES]
        return dict(zip(ids, pool.map(one, ids)))


def proof_run(module_id: str) -> ProofRun:
    run = _all_runs()[module_id]
    if isinstance(run, Exception):
        raise run
    return run


def _proof_run(module_id: str) -> ProofRun:
    module = next(m for m in MODULES if m.id == module_id)
    path = module.solution_path()
    nb = nbformat.read(path, as_version=4)
    proofs = read_proofs(module_id)
    steps = {grade_meta(c)["grade_id"]: i for i, c in enumerate(nb.cells) if is_answer_cell(c)}
    tests = {grade_meta(c)["grade_id"]: i for i, c in enumerate(nb.cells) if is_test_cell(c)}
    points = {grade_meta(c)["grade_id"]: float(grade_meta(c).get("points", 0))
              for c in nb.cells if is_test_cell(c)}
    entries = [e for e in proofs["wrong"] + proofs["alternatives"] if e.get("step") in steps]
    partial = {steps[s]: code for s, code in partial_replacements(proofs).items() if s in steps}
    saved = {steps[e["step"]] for e in entries} | set(partial)

    kernel = _Kernel(nb, path.parent)
    with kernel.client.setup_kernel():
        kernel.helper(KERNEL_HELPERS)
        # As when the kit grades: test cells send their answers out of the kernel as records.
        kernel.helper(f"import os; os.environ[{answers.GRADING_MARK!r}] = '1'")
        baseline = Outcome()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if index in saved:
                kernel.helper(f"_proof_save({index})")
            kernel.run(cell.source, index, baseline)

        wrong, alternatives, restored = [], [], {}
        for step, index in sorted(steps.items(), key=lambda item: item[1]):
            if index not in saved:
                continue
            for kind, results in (("wrong", wrong), ("alternatives", alternatives)):
                for entry in proofs[kind]:
                    if entry.get("step") != step:
                        continue
                    kernel.helper(f"_proof_restore({index})")
                    results.append((entry, _run_from(kernel, nb, index, {index: entry["code"]})))
            kernel.helper(f"_proof_restore({index})")
            restored[step] = _run_from(kernel, nb, index, {})

        partial_outcome = None
        if partial:
            first = min(partial)
            kernel.helper(f"_proof_restore({first})")
            partial_outcome = _run_from(kernel, nb, first, partial)
    return ProofRun(nb, steps, tests, points, baseline, wrong, alternatives, restored,
                    partial_outcome)


def _name(run: ProofRun, index: int) -> str:
    return grade_meta(run.nb.cells[index]).get("grade_id") or f"ячейка №{index + 1}"


def _describe(run: ProofRun, errors: dict[int, tuple[str, str]]) -> str:
    return "; ".join(f"{_name(run, i)}: {ename}: {evalue[:120]}" for i, (ename, evalue)
                     in sorted(errors.items())) or "ошибок нет"


def _label(entry: dict) -> str:
    return f"{entry.get('step')} («{entry.get('why', '')}»)"


params = pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)


@params
def test_proofs_file_covers_every_graded_step(module):
    """Static checks of tests/proofs/<module>.yml against the master copy (no kernel)."""
    proofs = read_proofs(module.id)
    nb = nbformat.read(module.solution_path(), as_version=4)
    steps = {grade_meta(c)["grade_id"] for c in nb.cells if is_answer_cell(c)}
    tests = {grade_meta(c)["grade_id"] for c in nb.cells if is_test_cell(c)}
    problems = []
    for kind in ("wrong", "alternatives"):
        for number, entry in enumerate(proofs[kind], start=1):
            where = f"{kind}[{number}] {_label(entry)}"
            if entry.get("step") not in steps:
                problems.append(f"{where}: шага нет среди ячеек с решением ({', '.join(sorted(steps))})")
            if not str(entry.get("code", "")).strip() or not str(entry.get("why", "")).strip():
                problems.append(f"{where}: нужны code и why")
            if kind == "wrong":
                fails = entry.get("fails") or []
                if not fails:
                    problems.append(f"{where}: не указано, какие проверки должны упасть (fails)")
                for grade_id in fails:
                    if grade_id not in tests:
                        problems.append(f"{where}: {grade_id} — не ячейка автоматической проверки")
                if "says" in entry:
                    try:
                        re.compile(str(entry["says"]))
                    except re.error as exc:
                        problems.append(f"{where}: says — неверное регулярное выражение ({exc})")
            elif "says" in entry:
                problems.append(f"{where}: says бывает только у неверных ответов")
    covered = {g for e in proofs["wrong"] for g in e.get("fails") or []}
    for grade_id in sorted(tests - covered):
        problems.append(f"для проверки {grade_id} нет ни одного неверного ответа в wrong")
    partial = proofs["partial"]
    if not partial or not partial.get("replace") or "score" not in partial:
        problems.append("нет раздела partial (replace и score)")
    assert not problems, "tests/proofs/" + module.id + ".yml:\n  " + "\n  ".join(problems)


@params
def test_solution_passes_every_check(module):
    run = proof_run(module.id)
    assert not run.baseline.errors, \
        f"Эталон {module.id} выполняется с ошибками: {_describe(run, run.baseline.errors)}"


@params
def test_wrong_answers_fail_their_checks_with_a_russian_message(module):
    run = proof_run(module.id)
    problems = []
    for entry, outcome in run.wrong:
        step_index = run.steps[entry["step"]]
        expected = set(entry.get("fails") or [])
        failed = {_name(run, i) for i in outcome.errors if i in run.tests.values()}
        if step_index in outcome.errors:
            problems.append(f"{_label(entry)}: сам неверный ответ падает с ошибкой "
                            f"({_describe(run, {step_index: outcome.errors[step_index]})}); "
                            f"доказательство должно выполняться и давать неверное значение")
        if failed != expected:
            problems.append(f"{_label(entry)}: ожидали падения {sorted(expected)}, упали "
                            f"{sorted(failed)} ({_describe(run, outcome.errors)})")
        others = {i: e for i, e in outcome.errors.items()
                  if i not in run.tests.values() and i != step_index}
        if others:
            problems.append(f"{_label(entry)}: неожиданные ошибки вне проверок: "
                            f"{_describe(run, others)}")
        for index, (ename, evalue) in outcome.errors.items():
            if index in run.tests.values() and _name(run, index) in expected:
                if ename != "AssertionError" or not re.search("[а-яА-ЯёЁ]", evalue):
                    problems.append(f"{_label(entry)}: {_name(run, index)} падает с {ename}: "
                                    f"{evalue[:120]} — слушатель должен увидеть понятное "
                                    f"сообщение по-русски (AssertionError)")
                elif entry.get("says") and not re.search(str(entry["says"]), evalue):
                    problems.append(f"{_label(entry)}: {_name(run, index)} говорит «{evalue[:200]}», "
                                    f"а должен сказать то, что описывает says: {entry['says']}")
    assert run.wrong, f"В tests/proofs/{module.id}.yml нет неверных ответов"
    assert not problems, "\n".join(problems)


@params
def test_alternative_solutions_pass_every_check(module):
    run = proof_run(module.id)
    problems = [f"{_label(entry)}: {_describe(run, outcome.errors)}"
                for entry, outcome in run.alternatives if outcome.errors]
    assert not problems, "Другие верные решения не прошли проверки:\n" + "\n".join(problems)


@params
def test_namespace_is_restored_between_entries(module):
    """After each step's entries the saved namespace comes back and the solution passes again,
    so no entry can leak a variable into the next one."""
    run = proof_run(module.id)
    assert run.restored, "ни один шаг не проверялся"
    problems = [f"{step}: {_describe(run, outcome.errors)}"
                for step, outcome in run.restored.items() if outcome.errors]
    assert not problems, "После восстановления эталон падает:\n" + "\n".join(problems)


@params
def test_partial_submission_scores_its_points(module):
    """The points of the checks that pass under `partial` add up to its `score`
    (the grading round trip checks the same score with real nbgrader)."""
    run = proof_run(module.id)
    proofs = read_proofs(module.id)
    assert run.partial is not None, f"В tests/proofs/{module.id}.yml нет раздела partial"
    failed = {_name(run, i) for i in run.partial.errors if i in run.tests.values()}
    score = sum(p for grade_id, p in run.points.items() if grade_id not in failed)
    assert score == proofs["partial"]["score"], (
        f"partial: при неверных шагах {proofs['partial']['replace']} падают {sorted(failed)}, "
        f"это {score:g} баллов, а в файле указано {proofs['partial']['score']}")
    others = {i: e for i, e in run.partial.errors.items()
              if i not in run.tests.values() and i not in {run.steps[s] for s in
                                                             proofs["partial"]["replace"]}}
    assert not others, f"partial: неожиданные ошибки: {_describe(run, others)}"


@params
def test_the_replay_agrees_with_the_kernel_on_every_proof(module):
    """In every run above (the solution; each wrong answer and other correct approach with
    every cell after it; the solution again after each step; the partial work) each test cell's
    verdict replayed outside the kernel from the answers it sent out
    (:mod:`infowork.grading.verdict`) is the kernel's own: the trip through JSON never zeroes
    an honest step and never passes a wrong one."""
    run, rehearsal = proof_run(module.id), conftest_rehearsal(module.id)
    runs = [("solution", run.baseline),
            *((_label(entry), outcome) for entry, outcome in run.wrong + run.alternatives),
            *((f"{step} restored", outcome) for step, outcome in run.restored.items())]
    if run.partial is not None:
        runs.append(("partial", run.partial))
    problems, judged = [], 0
    for label, outcome in runs:
        for grade_id, index in run.tests.items():
            if index not in outcome.records:
                continue
            judged += 1
            kernel_ok = index not in outcome.errors
            replay = verdict.replay_cell(rehearsal.sources[(module.id, grade_id)],
                                         outcome.records[index], rehearsal.base[module.id])
            if kernel_ok != (replay is None):
                problems.append(f"{label} / {grade_id}: kernel "
                                f"{'passed' if kernel_ok else outcome.errors[index]}, "
                                f"replay {replay or 'passed'}")
    assert judged >= len(run.wrong) + len(run.alternatives) + len(rehearsal.sources)
    assert not problems, "\n".join(problems)
