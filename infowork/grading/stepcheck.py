"""``check_step("имя")``: a learner checks one step of an assignment from the notebook, at once.

The test cell under a task checks only the form of an answer; its values are checked by the hidden
tests when the work is graded (:mod:`infowork.grading.verdict`). A self-study learner who has the
master copy (``solutions/``) can run one step's hidden check right away, with the same replay the
instructor's grading uses:

1. **In the kernel** (:func:`step_verdict`): the visible part of that step's master test cell (the
   code above ``### BEGIN HIDDEN TESTS``) runs on a copy of the notebook's namespace, with every
   ``checks.answer`` sending the answer out as plain data (:func:`infowork.answers.record`) into
   a list instead of the cell's outputs. A function answer is then called on the inputs the hidden
   checks use (the *probes*, found by a rehearsal of the master, :func:`probes`), and its results
   are recorded too. The hidden part never runs in the kernel.
2. **In a separate process** (``python -m infowork.grading.stepcheck --serve``, one per kernel,
   started at its first check and kept: :class:`_Worker`; :func:`judge`): the records arrive as
   JSON; the master's setup cells run (once), and :func:`verdict.replay_cell` runs the whole test
   cell on the rebuilt answers. Only the verdict and the check's Russian message come back: never
   the hidden code or an expected value. The first check of a kernel takes about 0,6 s on a quiet
   machine (Python, pandas and matplotlib start), the next ones hundredths of a second.

Why a call the learner types under the check, not a button and not a ready-made cell: it is run
like every other cell (Shift+Enter), works in any frontend (JupyterLab, Notebook, VS Code) without
widgets, and its verdict stays in the saved notebook as text. A ready-made cell would also run in
every automated run of the notebooks (nbval, the proofs, nbgrader's autograde), so each task
carries one Markdown line with the exact call instead.

The probes of an assignment are computed once (a rehearsal of the master, under a second) and
kept in the user's cache folder (``$XDG_CACHE_HOME/infowork/stepcheck``), keyed by a fingerprint
of the master copy and of the replay's code.

Where ``solutions/`` is absent (a trainee in a graded seminar), the learner is told politely that
the instructor grades the work. While the kit grades a notebook (``INFOWORK_GRADING``), a
``check_step`` left in a cell does nothing.

>>> Verdict("young_share", "Шаг 1", PASSED).line()
'✓ Шаг 1 (young_share): засчитано.'
>>> Verdict("young_share", "", FAILED, "young_share: значение неверное.").line()
'✗ Шаг young_share: не засчитано — young_share: значение неверное.'
"""
from __future__ import annotations

import contextlib
import difflib
import hashlib
import io
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from infowork import ROOT

__all__ = ["step_checker", "step_verdict", "judge", "probes", "steps_of", "Verdict", "PASSED",
           "FAILED", "NOT_ATTEMPTED", "INSTRUCTOR", "UNKNOWN", "ERROR", "SOURCE_ROOT"]

SOURCE_ROOT = ROOT / "solutions"

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not_attempted"
INSTRUCTOR, UNKNOWN, ERROR = "instructor", "unknown", "error"

INSTRUCTOR_TEXT = ("Эту работу проверяет преподаватель: в вашей копии курса нет эталонного "
                   "решения (папки solutions/), а без него значения сверить нельзя. Проверка под "
                   "задачей уже сказала, верна ли форма ответа; значения преподаватель проверит, "
                   "когда вы сдадите работу. Спасибо!")
NOT_ATTEMPTED_TEXT = ("шаг ещё не выполнен: {what}. Выполните ячейку с решением (Shift+Enter) и "
                      "проверьте шаг снова.")
NO_VARIABLE = ("переменной {name} ещё нет — впишите решение вместо заготовки "
               "raise NotImplementedError()")
STUB = "в ячейке с решением осталась заготовка raise NotImplementedError() — впишите решение"
_ANSWER_CALL = re.compile(r"checks\.answer\(\s*[\"'](\w+)[\"']")
_TITLE = re.compile(r'^\s*"""\s*(Шаг\s+\d+)')
_MAX_MESSAGE = 300
#: How long the separate process may take (a first run also builds the cache).
TIMEOUT = 120


@dataclass
class Verdict:
    """The outcome of one step's check, as the learner reads it."""

    step: str
    title: str
    status: str
    message: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def line(self) -> str:
        name = f"{self.title} ({self.step})" if self.title else f"Шаг {self.step}"
        if self.status == PASSED:
            return f"✓ {name}: засчитано."
        if self.status == FAILED:
            return f"✗ {name}: не засчитано — {self.message}"
        if self.status == NOT_ATTEMPTED:
            return f"○ {name}: пока не засчитано — {self.message}"
        return self.message

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython shows the line, not the fields
        printer.text(self.line())


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE - 1] + "…"


# ---------------------------------------------------------------------------------------------
# The master copy

def _read_master(assignment: str, source_root: Path) -> dict[str, dict]:
    """{notebook name: notebook as JSON} of the assignment's master copy ({} when absent)."""
    folder = Path(source_root) / assignment
    out = {}
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        with open(path, encoding="utf-8") as f:
            out[path.stem] = json.load(f)
    return out


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _test_cells(nb: dict) -> list[dict]:
    found = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
            found.append(cell)
    return found


def _grade_id(cell: dict) -> str:
    return str(cell["metadata"]["nbgrader"]["grade_id"])


def steps_of(assignment: str, source_root: Path | str = SOURCE_ROOT) -> list[str]:
    """The step names a learner can check (the test cells' grade ids without ``test_``)."""
    return [_grade_id(c).removeprefix("test_") for nb in
            _read_master(assignment, Path(source_root)).values() for c in _test_cells(nb)]


def _find(assignment: str, step: str, source_root: Path) -> tuple[str, dict, list[str]] | None:
    """(notebook, test cell, the first line the answer cells above it keep in the trainee's
    copy, e.g. ``fig, ax = plt.subplots()``) of a step, or None."""
    for name, nb in _read_master(assignment, source_root).items():
        preludes: list[str] = []
        for cell in nb.get("cells", []):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.get("cell_type") != "code":
                continue
            if meta.get("solution"):
                before = _source(cell).split("### BEGIN SOLUTION")[0]
                preludes += [line.strip() for line in before.splitlines()
                             if line.strip() and not line.strip().startswith("#")][:1]
            elif meta.get("grade"):
                if _grade_id(cell) in (step, f"test_{step}"):
                    return name, cell, preludes
                preludes = []
    return None


def _stub_left(namespace: dict, preludes: list[str]) -> bool:
    """True when the learner's last run of the step's answer cell (IPython's ``In`` history)
    still had the stub: its ``fig, ax = ...`` line ran, but no answer after it."""
    history = namespace.get("In")
    if not preludes or not isinstance(history, list):
        return False
    for source in reversed(history):
        if isinstance(source, str) and any(p in source for p in preludes):
            return "NotImplementedError" in source
    return False


def _digest(assignment: str, source_root: Path) -> str:
    """A fingerprint of what the probes depend on: the master copy and the replay's code."""
    digest = hashlib.sha256(f"{Path(source_root).resolve()}\0{assignment}".encode("utf-8"))
    here = Path(__file__).resolve().parent
    for path in [*sorted((Path(source_root) / assignment).glob("*.ipynb")), here / "verdict.py",
                 here.parent / "answers.py"]:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cache_dir() -> Path | None:
    """``stepcheck/`` of the user's cache folder (:mod:`infowork.grading.cache`), or None."""
    from infowork.grading import cache

    return cache.folder("stepcheck")


def _cache_file(assignment: str, source_root: Path) -> Path | None:
    cache = cache_dir()
    if cache is None:
        return None
    return cache / f"{assignment}-{_digest(assignment, source_root)[:16]}.probes.json"


def compute_probes(assignment: str, source_root: Path | str = SOURCE_ROOT) -> dict[str, list]:
    """Rehearse the master copy (in this process) and return ``{"notebook/grade id": probes}``;
    kept in the cache folder when there is one."""
    import nbformat

    source_root = Path(source_root)
    masters = {p.stem: nbformat.read(p, as_version=4)
               for p in sorted((source_root / assignment).glob("*.ipynb"))}
    rehearsal = _verdict().rehearse(masters)
    found = {f"{nb}/{grade_id}": calls for (nb, grade_id), calls in rehearsal.probes.items()}
    path = _cache_file(assignment, source_root)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False,
                                             suffix=".tmp", encoding="utf-8") as f:
                json.dump(found, f)
            os.replace(f.name, path)
        except OSError:
            pass
    return found


def probes(assignment: str, source_root: Path | str = SOURCE_ROOT,
           in_process: bool = False) -> dict[str, list]:
    """The probes of every step: from the cache, else from a rehearsal in a separate process
    (``in_process`` rehearses here: for tests and the separate process itself)."""
    source_root = Path(source_root)
    path = _cache_file(assignment, source_root)
    if path is not None and path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    if in_process:
        return compute_probes(assignment, source_root)
    return _probes_in_subprocess(assignment, source_root)


# ---------------------------------------------------------------------------------------------
# In the kernel: record the answers

@contextlib.contextmanager
def _recording(records: list):
    """While active, ``checks.answer`` sends each answer (and each call of a function answer)
    into ``records``, as it sends them into the cell's outputs while the kit grades."""
    from infowork import answers

    saved = answers._publish, answers.grading
    answers._publish = lambda data: records.append(json.loads(json.dumps(data)))
    answers.grading = lambda: True
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        answers._publish, answers.grading = saved


def _missing(names: list[str], namespace: dict) -> str | None:
    for name in names:
        if namespace.get(name) is None or namespace.get(name) is Ellipsis:
            return name
    return None


def _grading_now() -> bool:
    from infowork import answers

    return bool(os.environ.get(answers.GRADING_MARK))


def step_verdict(step: str, namespace: dict, assignment: str,
               source_root: Path | str = SOURCE_ROOT,
               judge_with: Callable[[str, str, str, list, Path], str | None] | None = None
               ) -> Verdict:
    """Check step ``step`` of ``assignment`` on the answers in ``namespace`` (the notebook's
    globals; only read). ``judge_with`` replays the hidden checks: by default a separate process
    (:func:`judge_in_subprocess`); tests may pass :func:`judge` to stay in one process."""
    started = time.monotonic()
    source_root = Path(source_root)
    step = str(step).strip().removeprefix("test_")
    if not (source_root / assignment).is_dir() or not _read_master(assignment, source_root):
        return Verdict(step, "", INSTRUCTOR, INSTRUCTOR_TEXT)
    found = _find(assignment, step, source_root)
    if found is None:
        known = steps_of(assignment, source_root)
        close = difflib.get_close_matches(step, known, n=1)
        hint = f" Может быть, «{close[0]}»?" if close else ""
        return Verdict(step, "", UNKNOWN,
                       f"В задании {assignment} нет шага «{step}».{hint} Шаги задания: "
                       f"{', '.join(known)}.")
    notebook, cell, preludes = found
    source, grade_id = _source(cell), _grade_id(cell)
    title = _TITLE.match(source)
    title = title.group(1) if title else ""
    visible, _ = _verdict().split_hidden(source)
    asked = _ANSWER_CALL.findall(visible)
    missing = _missing(asked, namespace)
    if missing:
        return Verdict(step, title, NOT_ATTEMPTED, NOT_ATTEMPTED_TEXT.format(
            what=NO_VARIABLE.format(name=missing)), time.monotonic() - started)
    records: list[dict] = []
    scope = {**namespace, "__name__": "__main__"}
    try:
        with _recording(records):
            exec(compile(visible, f"<проверка шага {step}>", "exec"), scope)  # noqa: S102
            if any(r.get("kind") == "function" for r in records):
                calls = probes(assignment, source_root,
                               in_process=judge_with is not None).get(f"{notebook}/{grade_id}")
                if calls:
                    from infowork import answers

                    answers.probe(calls)
    except NotImplementedError:
        return Verdict(step, title, NOT_ATTEMPTED, NOT_ATTEMPTED_TEXT.format(what=STUB),
                       time.monotonic() - started)
    except AssertionError as exc:
        if isinstance(exc.__context__, NotImplementedError):  # checks.call on a stub function
            return Verdict(step, title, NOT_ATTEMPTED, NOT_ATTEMPTED_TEXT.format(
                what=_one_line(exc).rstrip(".")), time.monotonic() - started)
        if _stub_left(namespace, preludes):
            return Verdict(step, title, NOT_ATTEMPTED, NOT_ATTEMPTED_TEXT.format(what=STUB),
                           time.monotonic() - started)
        return Verdict(step, title, FAILED, _one_line(exc) or "значение неверное",
                       time.monotonic() - started)
    except Exception as exc:  # noqa: BLE001 - the learner's answer broke the visible check
        return Verdict(step, title, FAILED, _one_line(f"ошибка: {type(exc).__name__}: {exc}"),
                       time.monotonic() - started)
    try:
        reason = (judge_with or judge_in_subprocess)(assignment, notebook, grade_id, records,
                                                     source_root)
    except _Failed as exc:
        return Verdict(step, title, ERROR, f"Проверить шаг «{step}» не удалось: {exc}",
                       time.monotonic() - started)
    status = PASSED if reason is None else FAILED
    if reason is not None and _stub_left(namespace, preludes):
        status, reason = NOT_ATTEMPTED, NOT_ATTEMPTED_TEXT.format(what=STUB)
    return Verdict(step, title, status, reason or "", time.monotonic() - started)


class _Failed(Exception):
    """The separate process did not give a verdict (Russian reason)."""


class _Worker:
    """The separate process of one kernel (``python -m infowork.grading.stepcheck --serve``):
    started at the first check and kept, so that later checks skip Python's start and the
    master's setup. One JSON line in, one JSON line out; it ends when the kernel does (its
    stdin closes)."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.lines: queue.Queue = queue.Queue()
        self.lock = threading.Lock()

    def _start(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "infowork.grading.stepcheck", "--serve"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                text=True, encoding="utf-8", cwd=tempfile.gettempdir(), env=env)
        except OSError as exc:
            raise _Failed(f"не запустился процесс проверки ({exc.strerror or exc}).") from None
        self.lines = queue.Queue()
        threading.Thread(target=self._read, args=(self.process, self.lines),
                         daemon=True).start()

    @staticmethod
    def _read(process: subprocess.Popen, lines: queue.Queue) -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put("")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def ask(self, request: dict) -> dict:
        with self.lock:
            for _ in range(2):  # a worker that died (killed, out of memory) is started again
                if self.process is None or self.process.poll() is not None:
                    self._start()
                try:
                    self.process.stdin.write(json.dumps(request, ensure_ascii=True) + "\n")
                    self.process.stdin.flush()
                    line = self.lines.get(timeout=TIMEOUT)
                except (BrokenPipeError, OSError):
                    self.stop()
                    continue
                except queue.Empty:
                    self.stop()
                    raise _Failed("проверка шла дольше двух минут и была прервана.") from None
                if not line:
                    self.stop()
                    continue
                try:
                    return json.loads(line)
                except ValueError:
                    self.stop()
            raise _Failed("процесс проверки завершился без ответа. Перезапустите ядро (Kernel → "
                          "Restart Kernel) и попробуйте снова.")


_WORKER = _Worker()


def judge_in_subprocess(assignment: str, notebook: str, grade_id: str, records: list,
                        source_root: Path) -> str | None:
    """:func:`judge` in the kernel's separate process: records in as JSON, the reason out."""
    return _WORKER.ask({"assignment": assignment, "notebook": notebook, "grade_id": grade_id,
                        "records": records, "source": str(Path(source_root).resolve())}
                       ).get("reason")


def _probes_in_subprocess(assignment: str, source_root: Path) -> dict[str, list]:
    return _WORKER.ask({"probes": assignment, "source": str(Path(source_root).resolve())}
                       ).get("probes") or {}


# ---------------------------------------------------------------------------------------------
# In the separate process: replay the hidden checks

_BASES: dict[tuple, dict] = {}


def _verdict():
    """infowork.grading.verdict, imported as a submodule (``from infowork.grading import
    verdict`` would load the whole pipeline through the package's ``__getattr__``)."""
    import importlib

    return importlib.import_module("infowork.grading.verdict")


def _base(assignment: str, notebook: str, source_root: Path) -> dict:
    """The namespace of the master's setup cells (run once per process and master version)."""
    import builtins

    verdict = _verdict()
    path = source_root / assignment / f"{notebook}.ipynb"
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _BASES:
        nb = _read_master(assignment, source_root)[notebook]
        base = {"__name__": "__main__", "__builtins__": builtins}
        with verdict._replaying(None):
            for cell in nb.get("cells", []):
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if cell.get("cell_type") == "code" and not meta.get("grade") \
                        and not meta.get("solution"):
                    verdict._run(_source(cell), base, "setup")
        _BASES[key] = {k: v for k, v in base.items() if k != "__builtins__"}
    return _BASES[key]


def judge(assignment: str, notebook: str, grade_id: str, records: list,
          source_root: Path | str = SOURCE_ROOT) -> str | None:
    """Replay the master test cell ``grade_id`` on the answers in ``records``: None when the
    step passes, else the check's Russian message (:func:`verdict.replay_cell`)."""
    verdict = _verdict()
    source_root = Path(source_root).resolve()
    found = _find(assignment, grade_id, source_root)
    if found is None or found[0] != notebook:
        return f"в эталоне нет проверки {grade_id}"
    with tempfile.TemporaryDirectory(prefix="infowork-step-") as folder, \
            contextlib.chdir(folder):
        base = _base(assignment, notebook, source_root)
        return verdict.replay_cell(_source(found[1]), records, base, grade_id)


def _answer(request) -> dict:
    """One request of the separate process (see :class:`_Worker`)."""
    if not isinstance(request, dict):
        return {"reason": "запрос на проверку не прочитан"}
    source = Path(str(request.get("source") or SOURCE_ROOT))
    if "probes" in request:
        assignment = str(request["probes"])
        try:
            return {"probes": probes(assignment, source, in_process=True)}
        except Exception as exc:  # noqa: BLE001 - the learner hears why
            return {"probes": {}, "error": type(exc).__name__}
    records = request.get("records")
    try:
        reason = judge(str(request.get("assignment")), str(request.get("notebook")),
                       str(request.get("grade_id")), records if isinstance(records, list) else [],
                       source)
    except Exception as exc:  # noqa: BLE001 - fail closed, never open
        reason = f"независимая проверка не выполнена ({type(exc).__name__})"
    return {"reason": reason}


def serve(lines=None, out=None) -> int:
    """The separate process: answer one JSON request per line until stdin closes."""
    lines = sys.stdin if lines is None else lines
    out = sys.stdout if out is None else out
    for line in lines:
        try:
            request = json.loads(line)
        except ValueError:
            request = None
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            answer = _answer(request)
        out.write(json.dumps(answer, ensure_ascii=True) + "\n")
        out.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m infowork.grading.stepcheck --serve`` (see :class:`_Worker`)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["--serve"]:
        print("Запускается из блокнота задания: check_step(\"имя_шага\").", file=sys.stderr)
        return 2
    return serve()


# ---------------------------------------------------------------------------------------------
# What the notebook calls

def step_checker(assignment: str, source_root: Path | str = SOURCE_ROOT):
    """The function a notebook of ``assignment`` calls as ``check_step("имя_шага")``."""

    def check_step(шаг: str) -> None:
        """Проверить шаг задания сразу: печатает «засчитано» или «не засчитано» и почему."""
        if _grading_now():
            return
        namespace = sys._getframe(1).f_globals
        try:
            from IPython import get_ipython

            shell = get_ipython()
            if shell is not None:
                namespace = shell.user_ns
        except ImportError:
            pass
        import matplotlib.pyplot as plt

        before = set(plt.get_fignums())
        try:
            print(step_verdict(шаг, namespace, assignment, source_root).line(), flush=True)
        finally:
            for number in set(plt.get_fignums()) - before:  # figures the probes drew
                plt.close(number)

    check_step.assignment = assignment
    return check_step


if __name__ == "__main__":
    sys.exit(main())
