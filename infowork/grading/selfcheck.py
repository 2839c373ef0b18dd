"""``infowork check ЗАДАНИЕ ФАЙЛ``: a self-study learner grades their own notebook.

A learner in the distance-learning centre has no instructor to run ``infowork grade``. The visible
checks in the notebook test only the form of an answer; the values are checked by the hidden tests
when the work is graded. :func:`check` grades one notebook exactly as the instructor's
``infowork grade`` would (:func:`infowork.grading.grade_folder`, the same nbgrader run, limits and
Russian messages), but in a course folder of the self-check's own, never in the instructor's
``grading/``: one prepared per assignment and kept in the user's cache folder, so nbgrader's
generate_assignment runs at the first check and after the master copy changes, not every time
(:func:`_course_folder`: one check at a time, the learner removed after each):

1. the learner's file is only read: a copy goes into a temporary folder under a fixed trainee name
   (``learner_ЗАДАНИЕ.ipynb``), whatever the file is called;
2. ``grade_folder`` runs nbgrader's autograde on that copy, and the independent check of
   :mod:`infowork.grading.verdict` replays each step outside the notebook's kernel (a step that passed
   only in the kernel scores 0, and the report says so);
3. for every autograded check, in notebook order, the report says whether it counted and, if not,
   why: the Russian message of the failed check, taken from the error *message* of that check's
   cell in the autograded notebook (never its code or traceback, which would quote the hidden
   tests), or «шаг не выполнен (осталась заготовка)» when the answer cell still raises
   ``NotImplementedError``; then the total, the points an instructor gives by hand, and any
   problem the grading reported (a deleted cell, a timeout...).

Exit codes of :func:`main`: 0 when the check ran, whatever the score (also when the notebook
itself broke the grading: the reason is printed); 2 when the input is wrong: no such file, not
an ``.ipynb``, a file that is not a readable notebook (broken JSON), a notebook without any cell
of this assignment, an unknown module or a module without an assignment. Nothing is graded then.

>>> step_message({"ename": "AssertionError", "evalue": "top5: должно быть 5 строк, а сейчас 3."})
'top5: должно быть 5 строк, а сейчас 3.'
>>> step_message({"ename": "NameError", "evalue": "name 'top5' is not defined"})
'ответ не найден: переменная top5 не создана — выполните ячейку с решением'
>>> step_message({"ename": "AssertionError", "evalue": "Переменной top5 пока нет"},
...              [{"ename": "NotImplementedError", "evalue": ""}])
'шаг не выполнен (осталась заготовка): впишите решение вместо raise NotImplementedError()'
"""
from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import sys
import tempfile
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping

import nbformat

from infowork import ROOT, grading
from infowork.grading import GradingError, Limits, cache
from infowork.grading.report import MISMATCH, TraineeResult, _num, step_titles
from infowork.grading.submissions import _read_notebook, cell_kind

__all__ = ["check", "main", "step_message", "SelfCheck", "Step", "LEARNER"]

#: The trainee id the learner's copy is graded under (only inside the temporary folder).
LEARNER = "learner"

STUB = "шаг не выполнен (осталась заготовка): впишите решение вместо raise NotImplementedError()"
NOT_FOUND = "ответ не найден: переменная {name}не создана — выполните ячейку с решением"
WRONG_VALUE = "ответ не прошёл проверку значения"
#: Errors of the grading run itself, said in plain Russian instead of nbclient's English.
_RUN_ERRORS = {
    "CellTimeoutError": "ячейка выполнялась слишком долго и была прервана",
    "TimeoutError": "ячейка выполнялась слишком долго и была прервана",
    "MemoryError": "не хватило памяти: ячейка прервана",
    "DeadKernelError": "ядро Python аварийно завершилось",
}
_MAX_MESSAGE = 300


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE - 1] + "…"


def _error_text(error: Mapping) -> str:
    """«ИмяОшибки: сообщение» of an error output, in one line (never its traceback)."""
    ename, evalue = error.get("ename") or "Ошибка", _one_line(error.get("evalue") or "")
    return f"{ename}: {evalue}" if evalue else ename


def step_message(test_error: Mapping | None, answer_errors: list[Mapping] = ()) -> str:
    """Why a check did not count, in Russian, from error outputs of the autograded notebook.

    ``test_error`` is the error output (``ename``, ``evalue``) of the check's cell, or None;
    ``answer_errors`` are the error outputs of the learner's answer cells of that step. Only
    the error's name and message are used: a traceback would quote the hidden test's code.

    >>> step_message({"ename": "AssertionError", "evalue": ""})
    'ответ не прошёл проверку значения'
    >>> step_message({"ename": "KeyError", "evalue": "'memberz'"})
    "ошибка: KeyError: 'memberz'"
    >>> step_message({"ename": "AssertionError", "evalue": "Переменной top5 пока нет."},
    ...              [{"ename": "KeyError", "evalue": "'memberz'"}])
    "Переменной top5 пока нет. (в ячейке с решением ошибка: KeyError: 'memberz')"
    """
    if any(e.get("ename") == "NotImplementedError" for e in answer_errors):
        return STUB
    if test_error is None:
        message = "проверка не пройдена"
    else:
        ename = test_error.get("ename") or ""
        if ename == "NotImplementedError":
            return STUB
        if ename == "AssertionError":
            message = _one_line(test_error.get("evalue") or "") or WRONG_VALUE
        elif ename in ("NameError", "UnboundLocalError"):
            found = re.search(r"'([^']+)'", test_error.get("evalue") or "")
            message = NOT_FOUND.format(name=f"{found.group(1)} " if found else "")
        elif ename in _RUN_ERRORS:
            message = _RUN_ERRORS[ename]
        else:
            message = f"ошибка: {_error_text(test_error)}"
    if answer_errors:
        message += f" (в ячейке с решением ошибка: {_error_text(answer_errors[0])})"
    return message


@dataclass
class Step:
    """One autograded check of the assignment and how the learner's notebook did on it."""

    grade_id: str
    notebook: str
    points: float
    score: float
    message: str | None = None   # why it did not count (Russian); None when it counted
    title: str | None = None     # «Шаг 2. Пятёрка крупнейших», from the assignment's headings

    @property
    def name(self) -> str:
        """The step as the instructor's table names it: test_top5 -> top5."""
        return self.grade_id.removeprefix("test_")

    @property
    def shown(self) -> str:
        """The step as the learner's notebook names it: «Шаг 2. Пятёрка крупнейших»."""
        return self.title or f"шаг {self.name}"

    def line(self) -> str:
        if self.score >= self.points:
            return f"✓ {self.shown} — засчитано ({_num(self.points)} б.)"
        if self.score > 0:
            return (f"◐ {self.shown} — засчитано частично ({_num(self.score)} из "
                    f"{_num(self.points)} б.): {self.message}")
        return f"✗ {self.shown} — не засчитано: {self.message}"


@dataclass
class SelfCheck:
    """The outcome of :func:`check`: the grading result and one :class:`Step` per check."""

    assignment: str
    path: Path
    result: TraineeResult
    steps: list[Step] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.result.score

    @property
    def max_score(self) -> float:
        return self.result.max_score

    @property
    def failed_checks(self) -> list[str]:
        return self.result.failed_checks

    @property
    def problems(self) -> list[str]:
        return self.result.problems

    def lines(self) -> list[str]:
        """The report the learner reads, line by line."""
        r = self.result
        out = []
        if not r.graded:
            out.append("Проверить работу не удалось:")
            out += [f"  - {p}" for p in r.problems] or ["  - причина неизвестна"]
            out.append("Исправьте это, сохраните блокнот и запустите проверку снова.")
            return out
        out += [step.line() for step in self.steps]
        if r.mismatched:
            shown = {step.grade_id: step.shown for step in self.steps}
            steps = ", ".join(shown.get(g, g.removeprefix("test_")) for g in sorted(r.mismatched))
            out.append(f"{steps}: {MISMATCH}. Засчитывается независимая проверка: она "
                       f"повторяет проверку шага вне блокнота, на вашем ответе и настоящих данных.")
        out.append("")
        out.append(f"Итого: {_num(r.score)} из {_num(r.max_score)} б.")
        if r.manual_max:
            where = f"solutions/{self.assignment}/"
            stubs = r.manual_max - r.manual_pending
            out.append(f"Ещё до {_num(r.manual_max)} б. — ответы, которые оценивает "
                       f"преподаватель; сверьтесь со схемой в {where}")
            if stubs:
                out.append(f"  (ответы на {_num(stubs)} б. из них не заполнены: осталась "
                           f"заготовка)")
        if r.problems:
            out.append("Замечания:")
            out += [f"  - {p}" for p in r.problems]
        if r.score >= r.max_score:
            out.append("Все автоматические проверки пройдены.")
        else:
            out.append("Исправьте отмеченные шаги, сохраните блокнот (Ctrl+S) и запустите "
                       "проверку снова.")
        return out


# ---------------------------------------------------------------------------------------------

def _grade_ids(nb) -> set[str]:
    """Ids of the answer and test cells (locked cells such as «setup» are shared by
    assignments, so they do not tell one from another)."""
    return {c.metadata["nbgrader"].get("grade_id") for c in nb.cells
            if cell_kind(c) in ("answer", "test")} - {None}


def _masters(assignment: str, source_root: Path) -> dict[str, nbformat.NotebookNode]:
    masters = {p.stem: nbformat.read(p, as_version=4)
               for p in sorted((source_root / assignment).glob("*.ipynb"))}
    if not masters:
        raise GradingError(f"Нет эталона задания {assignment}: в {source_root / assignment} нет "
                           f"блокнотов .ipynb.")
    return masters


def _other_assignment(nb, assignment: str, source_root: Path) -> str | None:
    """The assignment whose cells this notebook has, when it is not ``assignment``."""
    ids = _grade_ids(nb)
    for folder in sorted(p for p in source_root.iterdir() if p.is_dir()):
        if folder.name != assignment and any(
                ids & _grade_ids(nbformat.read(p, as_version=4)) for p in folder.glob("*.ipynb")):
            return folder.name
    return None


def _read_learner(assignment: str, path: Path, masters: dict, source_root: Path
                  ) -> tuple[str, nbformat.NotebookNode]:
    """(the assignment notebook the file is, its content), or GradingError saying why not."""
    if not path.exists():
        raise GradingError(f"Файла «{path}» нет. Проверьте путь и имя файла.")
    if path.is_dir():
        raise GradingError(f"«{path}» — это папка. Укажите файл блокнота .ipynb, например "
                           f"exercises/{assignment}/{next(iter(masters))}.ipynb.")
    if path.suffix.lower() != ".ipynb":
        raise GradingError(f"«{path}» — не блокнот Jupyter: проверяются только файлы .ipynb "
                           f"(в Jupyter: File → Save Notebook, затем укажите этот файл).")
    nb, broken = _read_notebook(path)
    if nb is None:
        raise GradingError(f"Не удалось прочитать «{path}»: {broken}. Откройте файл в Jupyter "
                           f"и сохраните заново или начните с чистой копии из "
                           f"exercises/{assignment}/.")
    overlap = {name: len(_grade_ids(nb) & _grade_ids(master)) for name, master in masters.items()}
    best = max(overlap, key=overlap.get)
    if not overlap[best]:
        other = _other_assignment(nb, assignment, source_root)
        hint = (f" Похоже, это задание {other}: infowork check {other} {shlex.quote(str(path))}"
                if other else
                f" Проверяется блокнот задания из exercises/{assignment}/.")
        raise GradingError(f"В «{path}» нет ни одной ячейки задания {assignment}.{hint}")
    return best, nb


def _steps(course_root: Path, assignment: str, name: str, master) -> list[Step]:
    """Every autograded check of notebook ``name`` in order, with its score from the gradebook
    and, when it did not count, the reason from the autograded notebook's error outputs."""
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)
    steps, titles = [], step_titles(master)
    with Gradebook(grading._db_url(course_root), grading.COURSE_ID) as gb:
        path = course_root / "autograded" / LEARNER / assignment / f"{name}.ipynb"
        nb = nbformat.read(path, as_version=4) if path.exists() else master
        answer_errors: list[dict] = []
        after_test = False
        for cell in nb.cells:
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            kind = cell_kind(cell)
            if kind == "answer":
                if after_test:
                    answer_errors, after_test = [], False
                answer_errors += errors
            elif kind == "test":
                after_test = True
                meta = cell.metadata["nbgrader"]
                try:
                    grade = gb.find_grade(meta["grade_id"], name, assignment, LEARNER)
                    score, points = grade.score or 0.0, grade.max_score
                except MissingEntry:
                    score, points = 0.0, float(meta.get("points", 0))
                message = None if score >= points else step_message(
                    errors[0] if errors else None, answer_errors)
                steps.append(Step(meta["grade_id"], name, points, score, message,
                                  title=titles.get(meta["grade_id"])))
    return steps


def cache_dir() -> Path | None:
    """Where prepared course folders are kept between checks: ``selfcheck/`` of the user's
    cache folder (:mod:`infowork.grading.cache`), never the kit's ``grading/``, which is the
    instructor's. None when there is no such folder to use."""
    return cache.folder("selfcheck")


#: In a prepared folder: what it was built from (see :func:`_build_digest`).
BUILT = "selfcheck.sha256"


def _build_digest(assignment: str, source_root: Path) -> str:
    """A fingerprint of what a prepared course folder depends on: the master copy, the kit's
    nbgrader_config.py, the kit's place and nbgrader's version."""
    return cache.fingerprint(source_root / assignment, str(ROOT), str(source_root.resolve()),
                             assignment)


def _remove_tree(folder: Path) -> None:
    """Remove a folder nbgrader wrote (autograded files are read-only)."""
    if not folder.exists():
        return
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder)


def _forget_learner(course_root: Path, assignment: str) -> None:
    """Remove every trace of the last learner from a prepared folder: files and gradebook."""
    for area in ("submitted", "autograded", "feedback"):
        _remove_tree(course_root / area / LEARNER)
    for log in (course_root / "logs").glob(f"{LEARNER}.json*"):
        log.unlink(missing_ok=True)
    (course_root / "logs" / f"{assignment}.report.json").unlink(missing_ok=True)
    if (course_root / "gradebook.db").exists():
        from nbgrader.api import Gradebook, MissingEntry
        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings("ignore", category=SAWarning)
        with Gradebook(grading._db_url(course_root), grading.COURSE_ID) as gb:
            try:
                gb.remove_student(LEARNER)
            except MissingEntry:
                pass


@contextmanager
def _course_folder(assignment: str, source_root: Path) -> Iterator[tuple[Path, Callable]]:
    """The course folder to grade in and a callback that marks it prepared.

    Where the system allows, a prepared folder cached per assignment and kit
    (:func:`cache_dir`): nbgrader's generate_assignment ran once, and runs again only when
    :func:`_build_digest` changes (the folder is then rebuilt from scratch). One check at a
    time uses it (an exclusive lock; a second check waits), and the learner is removed
    from it before and after, so no check ever sees another's work. Elsewhere (no cache
    folder, no ``fcntl``): a temporary folder prepared from scratch, as before.
    """
    cache = cache_dir()
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if cache is not None and fcntl is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            lock = open(cache / f".{assignment}.lock", "a+")
        except OSError:
            lock = None
        if lock is not None:
            key = hashlib.sha256(str(source_root.resolve()).encode("utf-8")).hexdigest()[:12]
            course_root = cache / f"{assignment}-{key}"
            with lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                digest = _build_digest(assignment, source_root)
                stamp = course_root / BUILT
                if not (stamp.exists() and stamp.read_text(encoding="utf-8") == digest):
                    _remove_tree(course_root)
                elif (course_root / "in-use").exists():  # a check that died half-way
                    _forget_learner(course_root, assignment)
                course_root.mkdir(parents=True, exist_ok=True)
                (course_root / "in-use").touch()

                def prepared() -> None:
                    if any((course_root / "release" / assignment).glob("*.ipynb")):
                        stamp.write_text(digest, encoding="utf-8")
                try:
                    yield course_root, prepared
                finally:
                    _forget_learner(course_root, assignment)
                    (course_root / "in-use").unlink(missing_ok=True)
            return
    with tempfile.TemporaryDirectory(prefix="infowork-check-") as tmp:
        yield Path(tmp) / "course", lambda: None


def check(assignment: str, path: Path | str, limits: Limits = Limits(),
          source_root: Path | str = grading.SOURCE_ROOT,
          progress: Callable[[str], None] | None = None) -> SelfCheck:
    """Grade one learner's notebook as ``infowork grade`` would, in a course folder of its own
    (a prepared one from the user's cache: :func:`_course_folder`).

    The file is only read. Raises GradingError (Russian message) when the input is wrong,
    before anything is graded; ``progress`` then hears nothing.
    """
    path, source_root = Path(path), Path(source_root)
    masters = _masters(assignment, source_root)
    notebook, _ = _read_learner(assignment, path, masters, source_root)
    if progress:
        progress(f"Проверяю {_shown(path)} по заданию {assignment} (это займёт до минуты) ...")
        progress("Проверяется сохранённый файл: если вы меняли блокнот, сначала сохраните его "
                 "(Ctrl+S).")
    with tempfile.TemporaryDirectory(prefix="infowork-check-") as tmp, \
            _course_folder(assignment, source_root) as (course_root, prepared):
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        shutil.copyfile(path, inbox / f"{LEARNER}_{notebook}.ipynb")
        try:
            report = grading.grade_folder(assignment, inbox, course_root=course_root,
                                          source_root=source_root, limits=limits,
                                          class_page=False)
        finally:
            prepared()
        result = report.result(LEARNER)
        steps = []
        if result.graded:
            steps = _steps(course_root, assignment, notebook, masters[notebook])
            # An assignment of several notebooks is checked one notebook at a time.
            result.score = sum(s.score for s in steps)
            result.max_score = sum(s.points for s in steps)
    result.files, result.name, result.feedback = [str(path)], path.name, []
    return SelfCheck(assignment, path, result, steps)


def _shown(path: Path) -> str:
    """The path as the learner typed it, or relative to the kit when it lies inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(assignment: str, path: str | Path | None = None,
         say: Callable[[str], None] = lambda text: print(text, flush=True)) -> int:
    """``infowork check ЗАДАНИЕ [ФАЙЛ]``: 0 when the check ran, 2 when the input is wrong.

    Without ФАЙЛ the learner's copy in exercises/ЗАДАНИЕ/ is checked.
    """
    if grading.inside_grading() or not grading.known_assignment(assignment):
        return 2
    if path is None:
        from infowork.course import load_manifest

        path = load_manifest().module(assignment).exercise_path()
    try:
        outcome = check(assignment, path, progress=say)
    except GradingError as exc:
        print(exc, file=sys.stderr)
        return 2
    say("")
    for line in outcome.lines():
        say(line)
    say(f"Ваш файл не изменён. Эталонное решение: solutions/{assignment}/ — загляните туда "
        f"после того, как решите сами.")
    return 0
