"""The independent check: each step's verdict again, outside the kernel that ran the trainee's code.

Checks written in a test cell run in the trainee's kernel, where an answer cell can disarm them
(replace ``math.isclose`` or ``infowork.data.load``, rewrite the test cells with an IPython input
transformer, hand over a number whose ``__eq__`` always says True). So after nbgrader's autograde
the grading worker, a process no trainee code runs in, checks every step that scored points
again:

1. **Rehearsal** (once per worker, :func:`rehearse`): the master copy (solutions/) runs here, and
   each of its test cells is checked against the master's own answers sent through JSON, as a
   trainee's will be. It proves the replay of every step passes on the solution and collects the
   inputs on which the checks call a function the trainee wrote.
2. **Sealed execution** (:class:`SealedExecution`, mixed into nbgrader's Execute): a test cell runs
   in two parts, first the code above ``### BEGIN HIDDEN TESTS`` (the visible checks; each
   ``checks.answer`` there sends the answer out as plain data, see :mod:`infowork.answers`), then,
   for a function, the collected inputs (the function's results are recorded), and only then the
   hidden tests. The answers are taken from the first part, so they are fixed before the hidden
   code, and the expected values it computes, ever reach the kernel. Answer records that appear
   later are dropped.
3. **Replay** (:func:`replay_cell`): each test cell that scored points is run again, from the
   master copy, in a fresh namespace where ``checks.answer`` returns the values rebuilt from the
   records (a function becomes a stub that answers the recorded calls) and ``infowork.data.load``
   is the real one. A step that fails here scores 0 in the gradebook, the instructor's table says
   «проверка в ядре не совпала с независимой проверкой», and the trainee's feedback shows the
   reason as the step's error.

A module author writes each check once, in the test cell; it runs in both places. The rules for
the author: every answer a check reads comes through ``checks.answer(name, globals())``, called in
the visible part (before ``### BEGIN HIDDEN TESTS``); a chart is asked for as its Axes; the inputs
on which a check calls the trainee's function do not depend on the trainee's other answers.
``tests/test_verdict.py`` proves the rules hold for every ready module.
"""
from __future__ import annotations

import builtins
import contextlib
import copy
import io
import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infowork import answers
from infowork.answers import MIME, NotTransferable

__all__ = ["MISMATCH", "HIDDEN_BEGIN", "split_hidden", "is_test_cell", "records_of",
           "replay_cell", "Rehearsal", "rehearse", "SealedExecution", "Judge", "install"]

#: What the instructor's table says about a step the independent check did not confirm.
MISMATCH = "проверка в ядре не совпала с независимой проверкой"
#: The start of nbgrader's hidden tests in a test cell.
HIDDEN_BEGIN = re.compile(r"^[ \t]*###[ \t]*BEGIN HIDDEN TESTS", re.MULTILINE)
#: The error a step gets in the autograded notebook (and so in feedback) when the replay fails.
REPLAY_ERROR = "независимая проверка: {reason}"


def split_hidden(source: str) -> tuple[str, str]:
    """(the code before the hidden tests, the rest); the rest is "" without hidden tests.

    >>> split_hidden("a = 1\\n### BEGIN HIDDEN TESTS\\nassert a\\n### END HIDDEN TESTS\\n")
    ('a = 1\\n', '### BEGIN HIDDEN TESTS\\nassert a\\n### END HIDDEN TESTS\\n')
    """
    found = HIDDEN_BEGIN.search(source)
    return (source, "") if found is None else (source[:found.start()], source[found.start():])


def is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return (cell.get("cell_type") == "code" and isinstance(meta, dict) and bool(meta.get("grade"))
            and not meta.get("solution"))


def _grade_id(cell) -> str:
    return str(cell["metadata"]["nbgrader"].get("grade_id"))


def records_of(outputs: list) -> list[dict]:
    """The answer records among a cell's outputs, as plain JSON (copies)."""
    found = []
    for output in outputs or []:
        data = output.get("data") if isinstance(output, dict) else None
        if isinstance(data, dict) and MIME in data:
            try:
                record = json.loads(json.dumps(data[MIME]))
            except (TypeError, ValueError, RecursionError):
                continue
            if isinstance(record, dict):
                found.append(record)
    return found


# ---------------------------------------------------------------------------------------------
# The replay

class _Stub:
    """A trainee's function in the replay: answers the calls recorded in the kernel."""

    def __init__(self, name: str, calls: dict[str, list[dict]]):
        self._name, self._calls = name, calls

    def __call__(self, *args, **kwargs):
        try:
            key = answers.digest(args, kwargs)
        except (NotTransferable, RecursionError):
            key = None
        found = self._calls.get(key, [])
        if not found:
            raise AssertionError(f"{self._name}: нет результата функции на данных проверки "
                                 f"(в блокноте она на них не вызывалась).")
        if len({answers.canonical(r) for r in found}) > 1:
            raise AssertionError(f"{self._name}: функция дала на одних и тех же данных разные "
                                 f"результаты.")
        call = found[0]
        if "error" in call:
            error = call["error"] if isinstance(call["error"], dict) else {}
            ename, evalue = str(error.get("ename", "Exception")), str(error.get("evalue", ""))
            exc = getattr(builtins, ename, None)
            if isinstance(exc, type) and issubclass(exc, Exception) and exc is not AssertionError:
                raise exc(evalue)
            raise AssertionError(f"{self._name}: функция завершилась с ошибкой {ename}: {evalue}")
        try:
            return answers.decode(call.get("result"))
        except NotTransferable as exc:
            raise AssertionError(f"{self._name}: результат функции не удалось передать на "
                                 f"проверку ({exc}).") from None


class _Recorded:
    """``checks.answer`` during a replay: the values rebuilt from a test cell's records."""

    def __init__(self, records: list[dict]):
        self.values: dict[str, list[dict]] = {}
        self.calls: dict[str, dict[str, list[dict]]] = {}
        for r in records:
            name = r.get("name")
            if not isinstance(name, str):
                continue
            if r.get("kind") == "call":
                key = r.get("digest")
                if isinstance(key, str):
                    self.calls.setdefault(name, {}).setdefault(key, []).append(r)
            else:
                self.values.setdefault(name, []).append(r)

    def answer(self, name: str):
        found = self.values.get(name)
        if not found:
            raise AssertionError(f"{name}: ответ не передан на независимую проверку (в блокноте "
                                 f"проверка этого шага не вызвала checks.answer).")
        if len({answers.canonical(r) for r in found}) > 1:
            raise AssertionError(f"{name}: ответ менялся во время проверки.")
        record = found[0]
        kind = record.get("kind")
        if kind == "function":
            return _Stub(name, self.calls.get(name, {}))
        if kind == "unsupported":
            raise AssertionError(f"{name}: ответ нельзя передать на независимую проверку "
                                 f"({str(record.get('why', ''))[:200]}).")
        try:
            return answers.decode(record.get("node"))
        except NotTransferable as exc:
            raise AssertionError(f"{name}: ответ не удалось восстановить для независимой "
                                 f"проверки ({exc}).") from None


class _MasterAnswers:
    """``checks.answer`` during the rehearsal: the master's own answers, sent through JSON as a
    trainee's are; the calls of a function answer are collected as probes."""

    def __init__(self, namespace: dict):
        self.namespace = namespace
        self.probes: list[list] = []

    def answer(self, name: str):
        if name not in self.namespace:
            raise AssertionError(f"в эталоне нет переменной {name}")
        value = self.namespace[name]
        record = json.loads(json.dumps(answers.record(name, value)))
        if record["kind"] == "function":
            return self._probe(name, value)
        return _Recorded([record]).answer(name)

    def _probe(self, name: str, function):
        def call(*args, **kwargs):
            node = answers.encode([list(args), dict(sorted(kwargs.items()))])
            key = answers.digest(args, kwargs)
            if all(p[1] != key for p in self.probes):
                self.probes.append([name, key, node])
            record = answers.call_record(name, key, result=function(*args, **kwargs))
            return _Stub(name, {key: [json.loads(json.dumps(record))]})(*args, **kwargs)
        return call


_LOADS: dict[str, Any] = {}


def _cached_load(name: str):
    """``infowork.data.load`` for replays: the real one, read once per process and copied."""
    if name not in _LOADS:
        _LOADS[name] = _REAL_LOAD[0](name)
    return _LOADS[name].copy(deep=True)


_REAL_LOAD: list = []


@contextlib.contextmanager
def _replaying(source_of_answers):
    """While active, ``checks.answer`` asks ``source_of_answers`` and ``data.load`` reads the
    kit's datasets (cached); output printed by the check is discarded."""
    import matplotlib

    from infowork import checks, data

    if matplotlib.get_backend().lower() != "agg":
        matplotlib.use("Agg")
    if not _REAL_LOAD:
        _REAL_LOAD.append(data.load)
    saved_answers, saved_load = checks._replay, data.load
    checks._replay, data.load = source_of_answers, _cached_load
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        checks._replay, data.load = saved_answers, saved_load


def _run(source: str, namespace: dict, label: str) -> str | None:
    """Run a master cell; None when it passed, else why not (Russian, one line)."""
    try:
        code = compile(source, f"<{label}>", "exec")
        exec(code, namespace)  # noqa: S102 - the master copy's own code
    except AssertionError as exc:
        return _short(" ".join(str(exc).split()) or "значение неверное")
    except Exception as exc:  # noqa: BLE001 - a check that broke on the rebuilt answer
        return _short(f"{type(exc).__name__}: {' '.join(str(exc).split())}")
    return None


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def replay_cell(source: str, records: list[dict], base: dict | None = None,
                label: str = "test") -> str | None:
    """Run a master test cell on the answers in ``records``: None when it passes, else the
    reason (the check's Russian message). ``base`` is the namespace of the master's setup cells
    (copied, not changed)."""
    namespace = {"__name__": "__main__", "__builtins__": builtins, **(base or {})}
    with _replaying(_Recorded(records)):
        return _run(source, namespace, label)


# ---------------------------------------------------------------------------------------------
# The rehearsal with the master copy

@dataclass
class Rehearsal:
    """What the rehearsal of one assignment found."""

    base: dict[str, dict] = field(default_factory=dict)          # notebook -> setup namespace
    sources: dict[tuple[str, str], str] = field(default_factory=dict)  # (nb, grade id) -> code
    points: dict[tuple[str, str], float] = field(default_factory=dict)
    probes: dict[tuple[str, str], list] = field(default_factory=dict)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)            # master cells that broke
    seconds: float = 0.0


def _is_answer(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("solution"))


def rehearse(masters: dict[str, Any]) -> Rehearsal:
    """Run the master notebooks (``{name: NotebookNode}``) here and check each test cell on the
    master's answers sent through JSON; see the module docstring."""
    import matplotlib

    started = time.monotonic()
    if matplotlib.get_backend().lower() != "agg":
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Rehearsal()
    # Files the master writes (a card in out/) land in a folder of their own, not in the
    # grading process's folder, which may be read-only or shared.
    with tempfile.TemporaryDirectory(prefix="infowork-rehearsal-") as folder, \
            contextlib.chdir(folder):
        _rehearse_all(masters, out, plt)
    out.seconds = time.monotonic() - started
    return out


def _rehearse_all(masters: dict[str, Any], out: "Rehearsal", plt) -> None:
    for name, nb in masters.items():
        base = {"__name__": "__main__", "__builtins__": builtins}
        full = dict(base)
        code_cells = [c for c in nb.cells if c.cell_type == "code"]
        with _replaying(None):
            for cell in code_cells:
                if not is_test_cell(cell) and not _is_answer(cell):
                    _run(cell.source, base, "setup")
        for cell in code_cells:
            if is_test_cell(cell):
                key = (name, _grade_id(cell))
                out.sources[key] = cell.source
                out.points[key] = float(cell.metadata["nbgrader"].get("points", 0) or 0)
                master = _MasterAnswers(full)
                namespace = dict(base)
                with _replaying(master):
                    reason = _run(cell.source, namespace, key[1])
                if reason:
                    out.failures[key] = reason
                out.probes[key] = master.probes
            else:
                with _replaying(None):
                    reason = _run(cell.source, full, "master")
                if reason:
                    out.errors.append(f"{name}, ячейка {code_cells.index(cell) + 1}: {reason}")
        out.base[name] = {k: v for k, v in base.items() if k != "__builtins__"}
        plt.close("all")


# ---------------------------------------------------------------------------------------------
# Sealed execution inside nbgrader's autograde

class SealedExecution:
    """Mixed into nbgrader's ``Execute`` preprocessor by :func:`install`: test cells run in two
    parts (visible checks, then hidden ones), and the answer records of the visible part are
    kept in :attr:`store`, in this process, before the hidden code reaches the kernel."""

    #: (notebook, grade id) -> the answer records of that test cell's visible part.
    store: dict[tuple[str, str], list[dict]] = {}
    #: (notebook, grade id) -> [[function name, digest, encoded arguments], ...]
    probes: dict[tuple[str, str], list] = {}
    #: (notebook, grade id) -> (its probes, as sent to the kernel: :func:`answers.pack_calls`)
    packed: dict[tuple[str, str], tuple[list, str]] = {}

    def preprocess_cell(self, cell, resources, index):
        if not is_test_cell(cell):
            return super().preprocess_cell(cell, resources, index)
        self._check_assign_resources(resources)
        notebook = str((resources or {}).get("nbgrader", {}).get("notebook", ""))
        key = (notebook, _grade_id(cell))
        visible, hidden = split_hidden(cell.source)
        # The kernel may run with a clean environment (infowork.grading.sandbox): tell it that it is
        # being graded, so that checks.answer sends the answers out.
        self._part(cell, f"import os as _iw_os\n_iw_os.environ[{answers.GRADING_MARK!r}] = '1'\n"
                         "del _iw_os\n", index, store_history=False)
        first = self._part(cell, visible, index)
        outputs = list(first.outputs)
        SealedExecution.store[key] = records_of(outputs)
        failed = any(o.get("output_type") == "error" for o in outputs)
        count = first.get("execution_count")
        calls = SealedExecution.probes.get(key)
        if calls and not failed:
            kept = SealedExecution.packed.get(key)
            if kept is None or kept[0] is not calls:  # packed once for the whole class
                kept = SealedExecution.packed[key] = (calls, answers.pack_calls(calls))
            packed = kept[1]
            probe = self._part(cell, "import infowork.answers as _iw_answers\n"
                                     f"_iw_answers.probe_packed({packed!r})\n"
                                     "del _iw_answers\n", index, store_history=False)
            SealedExecution.store[key] += records_of(probe.outputs)
            timeouts = [o for o in probe.outputs if o.get("output_type") == "error"
                        and o.get("ename") == "CellTimeoutError"]
            if timeouts:
                outputs += timeouts
                failed = True
        if hidden.strip() and not failed:
            second = self._part(cell, hidden, index)
            outputs += [o for o in second.outputs
                        if not (isinstance(o.get("data"), dict) and MIME in o["data"])]
            count = second.get("execution_count")
        cell.outputs = outputs
        cell.execution_count = count
        self.nb.cells[index] = cell
        return cell, self.resources

    def _part(self, cell, source: str, index: int, store_history: bool = True):
        part = copy.deepcopy(cell)
        part.source, part.outputs = source, []
        try:
            return self.execute_cell(part, index, store_history=store_history)
        finally:
            self.nb.cells[index] = cell


def install(config) -> None:
    """Make nbgrader's autograde (configured by ``config``) run with sealed test cells."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import Execute
    from traitlets.utils.importstring import import_item

    configured = config.Autograde.get("autograde_preprocessors") if "Autograde" in config \
        else None
    classes = list(configured or Autograde.autograde_preprocessors.default())
    sealed = []
    for pp in classes:
        cls = import_item(pp) if isinstance(pp, str) else pp
        if isinstance(cls, type) and issubclass(cls, Execute) and \
                not issubclass(cls, SealedExecution):
            cls = type(f"Sealed{cls.__name__}", (SealedExecution, cls), {})
        sealed.append(cls)
    config.Autograde.autograde_preprocessors = sealed


# ---------------------------------------------------------------------------------------------
# The worker's judge

class Judge:
    """The grading worker's independent check of one assignment, trainee after trainee."""

    def __init__(self, source_dir: Path | str, config=None):
        import nbformat

        self.masters = {p.stem: nbformat.read(p, as_version=4)
                        for p in sorted(Path(source_dir).glob("*.ipynb"))}
        self.rehearsal = rehearse(self.masters)
        SealedExecution.probes = dict(self.rehearsal.probes)
        if config is not None:
            install(config)

    def start(self) -> None:
        """Before a trainee's autograde: forget the previous trainee's records."""
        SealedExecution.store = {}

    def settle(self, db_url: str, course_id: str, assignment: str, student: str,
               autograded_dir: Path | str) -> dict:
        """Replay every step that scored points; set a step the replay does not confirm to 0
        in the gradebook and give it the reason as an error in the autograded notebook.
        Returns ``{"mismatch": {grade id: reason}, "replayed": n, "seconds": s}``."""
        from nbgrader.api import Gradebook, MissingEntry

        started = time.monotonic()
        mismatch: dict[str, str] = {}
        by_notebook: dict[str, dict[str, str]] = {}
        replayed = 0
        with Gradebook(db_url, course_id) as gb:
            for (notebook, grade_id), source in self.rehearsal.sources.items():
                try:
                    grade = gb.find_grade(grade_id, notebook, assignment, student)
                except MissingEntry:
                    continue
                if not grade.auto_score or grade.auto_score <= 0:
                    continue
                replayed += 1
                reason = self.rehearsal.failures.get((notebook, grade_id))
                if reason:
                    reason = f"эталон не проходит независимую проверку ({reason})"
                else:
                    try:
                        reason = replay_cell(source, SealedExecution.store.get(
                            (notebook, grade_id), []), self.rehearsal.base.get(notebook),
                            grade_id)
                    except Exception as exc:  # noqa: BLE001 - fail closed, never open
                        reason = f"независимая проверка не выполнена ({type(exc).__name__})"
                if reason:
                    grade.auto_score = 0.0
                    mismatch[grade_id] = reason
                    by_notebook.setdefault(notebook, {})[grade_id] = reason
            gb.db.commit()
        for notebook, reasons in by_notebook.items():
            _mark_autograded(Path(autograded_dir) / f"{notebook}.ipynb", reasons)
        return {"mismatch": mismatch, "replayed": replayed,
                "seconds": round(time.monotonic() - started, 3)}


def _mark_autograded(path: Path, reasons: dict[str, str]) -> None:
    """Give each step the replay did not confirm its reason as an error output, so feedback and
    ``infowork check`` say why it scored 0."""
    import os

    import nbformat

    if not path.exists():
        return
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if is_test_cell(cell) and _grade_id(cell) in reasons:
            message = REPLAY_ERROR.format(reason=reasons[_grade_id(cell)])
            cell.outputs.append(nbformat.v4.new_output(
                "error", ename="AssertionError", evalue=message,
                traceback=[f"AssertionError: {message}"]))
    mode = path.stat().st_mode
    os.chmod(path, 0o644)
    try:
        nbformat.write(nb, path)
    finally:
        os.chmod(path, mode)
