"""Shared test helpers (the test modules import them from here): the assignments of the ready
modules, their proofs files, and trainee-like submissions built from them. The proofs harness
and the grading round trip both use these."""
from __future__ import annotations

import contextlib
import copy
import fcntl
import functools
import os
import re
import shutil
import threading
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from infowork import ROOT
from infowork.course import load_manifest

PROOFS_DIR = ROOT / "tests" / "proofs"
_MARKERS = re.compile(r"^[ \t]*###[ \t]*(BEGIN|END) SOLUTION[^\n]*\n?", re.MULTILINE)


def assignment_modules():
    """Ready modules whose assignment has a master copy in solutions/ (test parameters)."""
    return [m for m in load_manifest().ready_modules
            if m.assignment and m.solution_path().exists()]


def grade_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_test_cell(cell) -> bool:
    """An autograded test cell: graded, not a solution, code."""
    meta = grade_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_answer_cell(cell) -> bool:
    return cell.cell_type == "code" and bool(grade_meta(cell).get("solution"))


def read_proofs(module_id: str) -> dict:
    """tests/proofs/<module_id>.yml as a dict with the three sections (see its README)."""
    path = PROOFS_DIR / f"{module_id}.yml"
    if not path.exists():
        pytest.fail(f"Нет файла доказательств {path.relative_to(ROOT)}: для каждого готового "
                    f"задания нужны неверные ответы (см. tests/proofs/README.md).")
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    raw.setdefault("wrong", [])
    raw.setdefault("alternatives", [])
    raw.setdefault("partial", None)
    return raw


@functools.cache
def rehearsal(module_id: str):
    """The verdict's rehearsal of a module's master copy (infowork.grading.verdict.rehearse), made
    once per test process: the replay's sources, probes and setup namespaces."""
    import nbformat

    from infowork.grading import verdict

    folder = (ROOT / "solutions" / module_id)
    return verdict.rehearse({p.stem: nbformat.read(p, as_version=4)
                             for p in sorted(folder.glob("*.ipynb"))})


def partial_replacements(proofs: dict) -> dict[str, str]:
    """step -> code of the first `wrong` entry of each step listed in `partial.replace`."""
    partial = proofs.get("partial") or {}
    chosen = {}
    for step in partial.get("replace", []):
        entry = next((e for e in proofs["wrong"] if e["step"] == step), None)
        if entry is None:
            pytest.fail(f"partial.replace: у шага {step} нет ни одной записи в wrong.")
        chosen[step] = entry["code"]
    return chosen


def solution_code(cell) -> str:
    """A solution cell's code as a trainee would type it (without the nbgrader markers)."""
    return _MARKERS.sub("", cell.source)


def is_written_answer(cell) -> bool:
    """A manually graded answer a trainee writes in a Markdown cell."""
    return cell.cell_type == "markdown" and bool(grade_meta(cell).get("solution"))


def fill_exercise(exercise, solution, replacements: dict[str, str] | None = None):
    """A trainee's notebook: the exercise copy with every answer cell (code or written) filled
    in with the solution's, or with ``replacements[grade_id]`` where given."""
    replacements = replacements or {}
    answers = {grade_meta(c)["grade_id"]: solution_code(c) for c in solution.cells
               if is_answer_cell(c) or is_written_answer(c)}
    nb = copy.deepcopy(exercise)
    for cell in nb.cells:
        grade_id = grade_meta(cell).get("grade_id")
        if (is_answer_cell(cell) or is_written_answer(cell)) and grade_id in answers:
            cell.source = replacements.get(grade_id, answers[grade_id])
    return nb


def tiny_master():
    """A one-step master copy (answer_x, test_x) for fast tests of submissions and grading."""
    import nbformat

    cells = [nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {
        "grade": False, "grade_id": "answer_x", "locked": False, "schema_version": 3,
        "solution": True, "task": False}}),
        nbformat.v4.new_code_cell("assert x == 1", metadata={"nbgrader": {
            "grade": True, "grade_id": "test_x", "locked": True, "points": 1,
            "schema_version": 3, "solution": False, "task": False}})]
    return nbformat.v4.new_notebook(cells=cells)


class Process(NamedTuple):
    ppid: int
    state: str  # "Z" for a zombie
    text: str  # the command line, and the environment when asked for


def host_processes(with_environ: bool = False) -> dict[int, Process]:
    """pid -> Process of every live process on the host (for tests that no process outlives
    grading)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            text = Path(f"/proc/{entry}/cmdline").read_bytes()
            if with_environ:
                try:
                    text += Path(f"/proc/{entry}/environ").read_bytes()
                except OSError:
                    pass
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        except (OSError, IndexError, ValueError):
            continue
        found[int(entry)] = Process(int(ppid), state,
                                    text.replace(b"\0", b" ").decode("utf-8", "replace"))
    return found


@contextlib.contextmanager
def kit_grading_turn(tmp_path_factory):
    """Hold the kit's own grading/ folder (the instructor's gradebook) for a while: `make lab`'s
    formgrader writes there, and a test that proves a command writes nothing there must not see
    it. Both take turns through a lock file shared by all xdist workers of the run."""
    lock = tmp_path_factory.getbasetemp().parent / "kit-grading.lock"
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield ROOT / "grading"
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def prepared_course(tmp_path_factory):
    """``prepared_course(folder, assignment, limits=None)`` -> the sandbox (as
    :func:`infowork.grading.prepare_course`): ``folder`` becomes a course folder
    of its own with the assignment already registered, copied from one prepared once per
    assignment and limits in the session (nbgrader's generate_assignment, the slow part, runs
    once, not in every grading test). Each caller gets its own copy, so a test that changes
    its folder (a regrade, a damaged gradebook) changes nobody else's. Thread-safe."""
    from infowork import grading

    prepared: dict[tuple, Path] = {}
    lock = threading.Lock()

    def make(folder: Path | str, assignment: str, limits=None):
        limits = limits or grading.Limits()
        key = (assignment, limits)
        with lock:
            if key not in prepared:
                template = (tmp_path_factory.mktemp(f"prepared-{assignment}") / "course").resolve()
                grading.prepare_course(template, assignment, grading.SOURCE_ROOT, limits)
                prepared[key] = template
        folder = Path(folder).resolve()
        shutil.copytree(prepared[key], folder, dirs_exist_ok=True)
        return grading.prepare_course(folder, assignment, grading.SOURCE_ROOT, limits)

    return make


# --- what the lessons print, checked while nbval runs them ----------------------------------------
# nbval runs every lesson once (pyproject.toml's testpaths). The checks of what a lesson prints
# (tests/test_russian_text.py: counted nouns agree with their numbers) read the outputs of that
# run instead of executing every lesson a second time: each nbval cell of a lesson checks its own
# outputs after it ran. This conftest is loaded for the whole run (tests/ is a testpath), and the
# hook below wraps the lesson cells nbval collected under courses/.

def lesson_output_problems(path: Path, outputs) -> list[str]:
    """What is wrong in the outputs one cell of the lesson ``path`` printed (test_russian_text's
    checks of printed text); [] when all is right."""
    from test_russian_text import LESSONS, printed_texts, wrong_counts

    if path not in LESSONS:
        return []
    return [f"неверная форма слова: «{w}»" for text in printed_texts(outputs)
            for w in wrong_counts(text)]


def _checked_cell(item, path: Path, run):
    def runtest():
        run()
        problems = lesson_output_problems(path, item.test_outputs or [])
        if problems:
            raise AssertionError(f"{path.relative_to(ROOT)}, {item.name}: " + "; ".join(problems))
    return runtest


# The longest test files first (their figures: pytest --durations=0 on 2 cores), the many
# short ones after them. pytest-xdist hands whole files to its workers in this order
# (--no-loadscope-reorder in pyproject.toml); by its own default, files with the most tests
# first, a long file with few tests (the hostile class) started last and one worker ran it
# alone at the end while the other had nothing left.
LONGEST_FIRST = ["test_grading_roundtrip.py", "test_proofs.py", "test_hostile_class.py",
                 "test_hub.py", "test_verdict.py", "test_selfcheck.py", "test_makefile.py",
                 "test_sandbox.py", "test_stepcheck.py", "test_site.py", "test_exercises_sync.py",
                 "test_open_report.py", "test_class_report.py"]


def _longest_first(item) -> int:
    path = Path(str(item.path))
    if path.parent == ROOT / "tests" and path.name in LONGEST_FIRST:
        return LONGEST_FIRST.index(path.name)
    return len(LONGEST_FIRST)


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_longest_first)  # stable: a file's own tests keep their order
    for item in items:
        path = Path(str(item.path)).resolve()
        if (path.suffix == ".ipynb" and hasattr(item, "test_outputs")
                and (ROOT / "courses") in path.parents):
            item.runtest = _checked_cell(item, path, item.runtest)
