"""The instructor's grading pipeline over nbgrader: a folder of trainees' notebooks in, a table,
a CSV of grades and feedback for each trainee out.

Trainees send their notebooks by e-mail or on a USB stick, one file each, named
``ФАМИЛИЯ_ЗАДАНИЕ.ipynb`` (``ivanov_00_intro.ipynb``). :func:`grade_folder`

1. reads the folder without changing it and matches each file to a trainee
   (:mod:`infowork.grading.submissions`: names are normalised, a renamed notebook is recognised by its
   nbgrader cells, whatever a file holds it is read and repaired or reported with the reason,
   never crashed on; long names get short ids);
2. prepares an nbgrader course folder (``grading/`` by default): a config that loads the kit's
   nbgrader_config.py, and ``nbgrader generate_assignment`` so the gradebook knows the master copy;
   the gradebook's master cells are first checked against solutions/ and repaired
   (:mod:`infowork.grading.gradebook`);
3. for each trainee, copies the notebook into ``submitted/`` (putting back nbgrader cells the
   trainee deleted, which nbgrader itself cannot always do) and runs nbgrader's own autograde and
   generate_feedback for that one trainee, in a child process under resource limits that the
   kernels inherit. The child grades trainees in turn; one that kills it or hangs is recorded and
   a fresh child goes on, so one broken notebook (invalid JSON, an endless loop, a memory hog,
   a huge output) never stops the others. A cell that kills or hangs the kernel costs only
   itself (:mod:`infowork.grading.execution`). Every step that scored points in the kernel is checked
   again outside it, on the answers the kernel sent out as plain data, before feedback is made
   (:mod:`infowork.grading.verdict`). After each trainee, and at the end, the gradebook is
   checked for what trainees' code may have changed in it, and repaired
   (:class:`infowork.grading.gradebook.Guard`);
4. reads the scores from the gradebook and reports, in Russian, what went wrong for whom, and
   values in the gradebook that autograde never writes (extra credit, manual overrides).

Feedback never shows hidden test code (nbgrader issue #917): :class:`HideTestCode` removes the
hidden regions of test cells and cuts their tracebacks to the error message, so a trainee sees
which check failed and its Russian message, not how it checks; nor what the trainee's code
printed of the instructor's environment or of the master copy (:mod:`infowork.grading.redaction`).
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from infowork import ROOT
from infowork.grading import forkserver, sandbox, zygote
from infowork.exercises import GRADING_MARK, nbgrader_command, nbgrader_env
from infowork.answers import MIME as ANSWER_MIME
from infowork.grading.report import (CSV_COLUMNS, Report, ReportMissing, TraineeResult, format_table,
                             scores_from_gradebook, write_csv)
from infowork.grading import report as saved_report
from infowork.grading.submissions import HIDDEN_TESTS, Candidate, cell_kind, repair, scan_folder
from infowork.grading import cache, gradebook
from infowork.grading.execution import FATAL_ENAMES, KILLED
from infowork.grading.limits import Limits
from infowork.grading.redaction import CUT_MARK

__all__ = ["main", "main_report", "grade_folder", "refresh", "inside_grading",
           "format_table", "write_csv", "Limits", "Report", "TraineeResult",
           "HideTestCode", "GradingError", "CSV_COLUMNS", "DEFAULT_COURSE_ROOT", "SOURCE_ROOT",
           "group_root", "default_jobs"]

DEFAULT_COURSE_ROOT = ROOT / "grading"
SOURCE_ROOT = ROOT / "solutions"
COURSE_ID = "infowork"


class GradingError(RuntimeError):
    """The instructor's input is wrong (no such assignment, no folder); the message is Russian."""


# ---------------------------------------------------------------------------------------------
# Feedback without hidden tests

HIDDEN_PLACEHOLDER = "# (здесь скрытые проверки: их код не показывается)\n"
_MARK_SCHEME = re.compile(r"^[^\n]*BEGIN MARK SCHEME.*?^[^\n]*END MARK SCHEME[^\n]*\n?",
                          re.MULTILINE | re.DOTALL)


class HideTestCode(Preprocessor):
    """nbconvert preprocessor for ``generate_feedback``: hide how the checks check.

    In every autograded test cell the hidden-test regions are replaced by a comment and each
    error keeps only its type and message (an IPython traceback quotes the failing line of the
    hidden test, which would reveal the expected value). Mark schemes of manually graded tasks
    (the instructor's rubric, put back by nbgrader from the master copy) are removed too.
    """

    enabled = Bool(True).tag(config=True)  # nbconvert registers extra preprocessors disabled

    def preprocess_cell(self, cell, resources, index):
        if "MARK SCHEME" in cell.source:
            cell.source = _MARK_SCHEME.sub("", cell.source)
        if cell.cell_type == "code":
            # Answers sent out for the independent check (infowork.answers) are plain data of
            # the grader's, not the trainee's to read.
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (isinstance(o.get("data"), dict) and ANSWER_MIME in o["data"])]
        if cell.cell_type == "code" and cell_kind(cell) == "test":
            cell.source = HIDDEN_TESTS.sub(HIDDEN_PLACEHOLDER, cell.source)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    message = f"{output.get('ename', 'Ошибка')}: {output.get('evalue', '')}"
                    output["traceback"] = [message.rstrip(": ")]
        return cell, resources


# ---------------------------------------------------------------------------------------------
# The nbgrader course folder

#: The folders of an nbgrader course folder, as the kit names them (a group's grading folder
#: and formgrader's view of it in the seminar hub, infowork.hub.config).
COURSE_FOLDERS = '''\
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"'''

_CONFIG = '''\
# Written by infowork.grading for each grading run; edits here are overwritten.
# It loads the kit's nbgrader_config.py (timeout, restoring deleted cells, output limits,
# feedback without hidden tests) and points nbgrader at this folder.
c = get_config()  # noqa: F821
load_subconfig({kit_config!r})  # noqa: F821
# Kernels run in the kit's kernelspec (a sandbox where bubblewrap works: infowork.grading.sandbox).
from infowork.grading.sandbox import configure  # noqa: E402
configure(c, {jupyter!r})
c.CourseDirectory.root = {root!r}
c.CourseDirectory.source_directory = {source!r}
{folders}
c.CourseDirectory.db_url = {db_url!r}
c.CourseDirectory.course_id = {course_id!r}
'''


def _db_url(course_root: Path) -> str:
    """The gradebook's address; several grading workers write it at once, each waiting for
    SQLite's lock up to a minute rather than failing at once (pysqlite's ``timeout``)."""
    return "sqlite:///" + str(course_root / "gradebook.db") + "?timeout=60"


def _known_students(course_root: Path) -> dict[str, str]:
    """The gradebook's trainees, id -> the name recorded (so namesakes keep their ids from run
    to run: :func:`infowork.grading.submissions.scan_folder`); {} without a readable gradebook."""
    import sqlite3

    db = course_root / "gradebook.db"
    if not db.exists():
        return {}
    try:
        connection = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=60)
        try:
            rows = connection.execute("select id, last_name from student").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return {}
    return {str(sid): name for sid, name in rows if isinstance(name, str)}


def _tail(text: str, lines: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


#: English labels of nbgrader's feedback page and their Russian text (the page a trainee reads).
FEEDBACK_LABELS = {
    # The table of contents names each check by its step: the last «## Шаг N. …» heading above it.
    "{% for cell in nb.cells %}": (
        "{% set step = namespace(title='') %}{% for cell in nb.cells %}"
        "{% if cell.cell_type == 'markdown' and cell.source.lstrip('# ').startswith('Шаг ') %}"
        "{% set step.title = cell.source.lstrip('# ').split('\\n')[0].split(' (')[0] %}"
        "{% endif %}"),
    ">Test cell<": ">{{ step.title or 'Проверка' }}<",
    ">Written response<": ">{{ step.title or 'Письменный ответ' }}<",
    # nbgrader's automatic comment on an answer left as it was handed out.
    "cell.metadata.nbgrader.comment | markdown2html": (
        "cell.metadata.nbgrader.comment | replace('No response.', 'Ответа нет.') | markdown2html"),
    # Scores with a decimal comma and without a trailing «.0»: 1,5 / 2, not 1.5 / 2.0.
    **{f"{{{{ {value} | float | round(2) }}}}":
       f"{{{{ ('%g' % ({value} | float | round(2))).replace('.', ',') }}}}"
       for value in ("resources.nbgrader.score", "resources.nbgrader.max_score",
                     "resources.nbgrader.late_penalty", "cell.metadata.nbgrader.score",
                     "cell.metadata.nbgrader.points")},
    "(Score: ": "(баллы: ", ">Coding free-response<": ">Ответ кодом<",
    ">Task<": ">Задача<", ">Comment<": ">Комментарий<",
    "Late submission penalty": "Штраф за опоздание", "Score: ": "Баллы: ", "(Top)": "(к началу)",
    "Student's answer": "Ответ слушателя", "Student's task": "Задача слушателя",
    "Grade cell: ": "Проверка: ", "Task: ": "Задача: ", "<b>Comments:</b>": "<b>Комментарий:</b>",
    "<html>": '<html lang="ru">',
}


def _russian_feedback_template(course_root: Path) -> Path:
    """nbgrader's feedback template with Russian labels, written into the course folder.

    Generated from the installed nbgrader rather than copied into the kit, so it follows
    nbgrader's version; the round-trip test checks that the labels really are Russian.
    """
    import nbgrader

    original = (Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" /
                "templates" / "feedback")
    target = course_root / "templates" / "feedback"
    target.mkdir(parents=True, exist_ok=True)
    text = (original / "index.html.j2").read_text(encoding="utf-8")
    for english, russian in FEEDBACK_LABELS.items():
        text = text.replace(english, russian)
    # No MathJax from a CDN: the assignments have no formulas, and the page opens offline
    # (a seminar room without internet) with no request outside it.
    text = text.replace("<!-- Loading mathjax macro -->", "").replace("{{ mathjax() }}", "")
    (target / "index.html.j2").write_text(text, encoding="utf-8")
    shutil.copyfile(original / "conf.json", target / "conf.json")
    return target.parent


#: nbgrader's formgrader templates (``formgrade``, ``feedback``), found without importing its web
#: handlers.
_FORMGRADER_TEMPLATES = (Path(importlib.util.find_spec("nbgrader").origin).parent
                         / "server_extensions" / "formgrader" / "templates")


def prepare_course(course_root: Path, assignment: str, source_root: Path,
                   limits: Limits) -> sandbox.Sandbox:
    """Write the course folder's config and kernelspec (sandboxed where the system allows:
    :mod:`infowork.grading.sandbox`) and register the master copy with nbgrader. Returns the sandbox
    the kernels will run in."""
    course_root.mkdir(parents=True, exist_ok=True)
    box = sandbox.prepare(course_root, disk_mb=limits.disk_mb, processes=limits.processes)
    config = _CONFIG.format(kit_config=str(ROOT / "nbgrader_config.py"), root=str(course_root),
                            source=str(source_root), db_url=_db_url(course_root),
                            course_id=COURSE_ID, jupyter=str(sandbox.jupyter_dir(course_root)),
                            folders=COURSE_FOLDERS)
    templates = _russian_feedback_template(course_root)
    # The Russian feedback template first; formgrader's own templates after it, since this
    # setting replaces the folder formgrader adds there itself (without it, formgrader opened on
    # a group's folder cannot find its «formgrade» template).
    config += ("c.HTMLExporter.extra_template_basedirs = "
               f"[{str(templates)!r}, {str(_FORMGRADER_TEMPLATES)!r}]\n")
    if limits.timeout is not None:
        config += f"c.Execute.timeout = {int(limits.timeout)}\n"
    (course_root / "nbgrader_config.py").write_text(config, encoding="utf-8")
    stamp = course_root / "logs" / f"{assignment}.source.sha256"
    # Not the folder's own path: a copy of a prepared course folder (tests share one) is
    # prepared already.
    digest = cache.fingerprint(source_root / assignment,
                               config.replace(str(course_root), "<root>"))
    if _registered(course_root, assignment) and stamp.exists() and stamp.read_text() == digest:
        return box  # the gradebook already holds this very master copy: a rerun skips this step
    stamp.unlink(missing_ok=True)
    # A new course folder (a new group, say) gets what generate_assignment made from this very
    # master copy and config before; one with a gradebook is updated in place, keeping its
    # trainees and grades.
    entry = None
    if not (course_root / "gradebook.db").exists():
        entry = _prepared_entry(assignment, digest)
    if not _copy_prepared(entry, course_root, assignment):
        result = subprocess.run([*nbgrader_command(), "generate_assignment", assignment,
                                 "--force"], cwd=course_root, env=nbgrader_env(),
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0 or "| ERROR]" in result.stderr:
            raise GradingError(f"nbgrader не смог подготовить задание {assignment} из эталона "
                               f"{source_root / assignment}:\n"
                               f"{_tail(result.stderr + result.stdout)}")
        if entry is not None:
            _keep_prepared(course_root, assignment, entry)
    stamp.parent.mkdir(exist_ok=True)
    stamp.write_text(digest)
    return box


def _prepared_entry(assignment: str, digest: str) -> Path | None:
    """The user's cache entry of a new course folder's gradebook and release copy."""
    base = cache.folder("prepared")
    return None if base is None else base / f"{assignment}-{digest[:32]}"


def _copy_prepared(entry: Path | None, course_root: Path, assignment: str) -> bool:
    """Put a cached gradebook and release copy into a new course folder; False when there is
    no complete entry (nbgrader then makes them)."""
    if entry is None or not (entry / "gradebook.db").is_file() or not any(
            (entry / "release" / assignment).glob("*.ipynb")):
        return False
    release = course_root / "release" / assignment
    shutil.rmtree(release, ignore_errors=True)
    shutil.copytree(entry / "release" / assignment, release)
    partial = course_root / ".gradebook.db.part"
    shutil.copyfile(entry / "gradebook.db", partial)
    partial.replace(course_root / "gradebook.db")  # a gradebook is whole or absent
    return True


def _keep_prepared(course_root: Path, assignment: str, entry: Path) -> None:
    """Keep what generate_assignment made in a new course folder for the next new one."""
    with tempfile.TemporaryDirectory(prefix="infowork-prepared-") as staging:
        staging = Path(staging)
        shutil.copyfile(course_root / "gradebook.db", staging / "gradebook.db")
        shutil.copytree(course_root / "release" / assignment, staging / "release" / assignment)
        cache.publish(staging, entry)


def _registered(course_root: Path, assignment: str) -> bool:
    """The gradebook knows the assignment and its release copy exists."""
    if not (course_root / "gradebook.db").exists() or not any(
            (course_root / "release" / assignment).glob("*.ipynb")):
        return False
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(_db_url(course_root), COURSE_ID) as gb:
        try:
            return bool(gb.find_assignment(assignment).notebooks)
        except MissingEntry:
            return False


def _clear_trainee(course_root: Path, assignment: str, student: str) -> None:
    for area in ("submitted", "autograded", "feedback"):
        target = course_root / area / student / assignment
        if target.exists():
            for path in [target, *target.rglob("*")]:
                os.chmod(path, 0o755 if path.is_dir() else 0o644)  # autograded files are 444
            shutil.rmtree(target)


def default_jobs() -> int:
    """How many trainees are graded at once when the instructor does not say: the cores."""
    return max(1, os.cpu_count() or 1)


def _run_workers(course_root: Path, assignment: str, students: list[str], limits: Limits,
                 wall_seconds: float,
                 done_callback: Callable[[str, str | None], None] = lambda s, p: None,
                 jobs: int = 1) -> dict[str, dict]:
    """Autograde and generate feedback for each trainee, in ``jobs`` child processes at once,
    each under the limits.

    The children take the trainees in the order of ``students``, each the next one nobody has
    taken yet (:func:`_claim`), so a trainee whose endless loop runs into the time limit holds up
    only its own child: the others go on with the rest of the class. One child grades trainee
    after trainee (nbgrader and its imports load once, not once per trainee), writing
    ``logs/STUDENT.json`` after each. A trainee that kills the child or runs past
    ``wall_seconds`` is recorded as failed, and a fresh child carries on.

    All children write the one gradebook of the course folder (nbgrader's autograde writes it
    itself): SQLite serialises their short write transactions, each waiting for the lock up to
    a minute (the ``timeout`` of :func:`_db_url`); the trainees' kernels never write it (the
    sandbox hides it). ``done_callback(student, previous)`` is called in this thread, one
    trainee at a time; ``previous`` is the trainee the same child finished just before (None
    for a child's first), so the trainees graded at the same time as this one are known.

    The child dies with this process, however it ends (killed, Ctrl+C), and its kernels die with
    the child (:func:`infowork.grading.sandbox.die_with_parent`; a sandboxed kernel's bwrap has
    ``--die-with-parent``, an unsandboxed one the same parent-death signal). Each child gets a
    folder of its own for its kernels' sockets, so several children can run at once.
    """
    import queue
    import threading

    logs = course_root / "logs"
    logs.mkdir(exist_ok=True)
    for student in students:
        (logs / f"{student}.json").unlink(missing_ok=True)
        (logs / f"{student}.claim").unlink(missing_ok=True)
    jobs = max(1, min(int(jobs or 1), len(students) or 1))
    results: dict[str, dict] = {}
    finished: queue.Queue = queue.Queue()
    stop = threading.Event()
    failures: list[str] = []

    # The workers are forked from one process that prepared once (infowork.grading.forkserver).
    forker = forkserver.start(course_root, assignment, json.dumps(asdict(limits)), jobs,
                              nbgrader_env(course_root), logs / "workers.log")

    def run_slot(index: int) -> None:
        try:
            _run_slot(course_root, assignment, index, students, limits, wall_seconds, logs,
                      lambda *item: finished.put(item), stop, forker)
        except BaseException as exc:  # noqa: BLE001 - the others go on; see below
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            finished.put(None)

    threads = [threading.Thread(target=run_slot, args=(k,), daemon=True) for k in range(jobs)]
    for thread in threads:
        thread.start()
    running = len(threads)
    try:
        while running:
            item = finished.get()
            if item is None:
                running -= 1
                continue
            student, outcome, previous = item
            if student not in results:
                results[student] = outcome
                done_callback(student, previous)
    finally:  # also on Ctrl+C: every slot stops and kills its child
        stop.set()
        for thread in threads:
            thread.join()
        if forker is not None:
            forker.close()
        for claim in [*logs.glob("*.claim"), *logs.glob("*.claim.*")]:
            claim.unlink(missing_ok=True)
    for student in students:  # a slot failed itself: what it left is failed, not lost
        if student not in results and failures:
            results[student] = {"crashed": -1, "log": failures[0]}
    return results


def _claim(logs: Path, student: str, worker: str) -> bool:
    """Take ``student`` for ``worker`` unless another worker has: ``logs/STUDENT.claim`` is
    made whole (it names the worker) and linked into place, which fails if it exists."""
    claim = logs / f"{student}.claim"
    if claim.exists():
        return False
    draft = logs / f"{student}.claim.{worker}"
    draft.write_text(worker, encoding="utf-8")
    try:
        os.link(draft, claim)
        return True
    except FileExistsError:
        return False
    finally:
        draft.unlink(missing_ok=True)


def _run_slot(course_root: Path, assignment: str, index: int, students: list[str],
              limits: Limits, wall_seconds: float, logs: Path,
              report: Callable[[str, dict, str | None], None], stop,
              forker: "forkserver.Forker | None" = None) -> None:
    """One of the ``jobs`` places of :func:`_run_workers`: a child takes trainees nobody has
    taken yet; when it dies or hangs, the trainee it was on is failed and a fresh child goes on
    while trainees are left. The child is forked by ``forker`` when it can, else started."""
    owners: dict[str, str] = {}  # student -> the worker that claimed it

    def claims_of(worker: str) -> list[str]:
        for student in students:
            if student not in owners:
                try:
                    owners[student] = (logs / f"{student}.claim").read_text(encoding="utf-8")
                except FileNotFoundError:
                    pass
        return [s for s in students if owners.get(s) == worker]

    attempt = 0
    while not stop.is_set() and any(not (logs / f"{s}.claim").exists() for s in students):
        attempt += 1
        worker = f"{index + 1}-{attempt}"
        log_path = logs / f"worker-{worker}.log"
        sockets = tempfile.mkdtemp(prefix="infowork-k-")  # short: a socket path has <108 bytes
        env = nbgrader_env(course_root) | {sandbox.SOCKETS: sockets}
        reported: list[str] = []
        with open(log_path, "w", encoding="utf-8") as log:
            proc = forker.fork(worker, logs, sockets, students, log_path) if forker else None
            if proc is not None and proc.sockets != sockets:  # its zygote's, made beforehand
                shutil.rmtree(sockets, ignore_errors=True)
                sockets = proc.sockets
            proc = proc or subprocess.Popen(
                sandbox.die_with_parent(
                    [sys.executable, "-m", "infowork.grading", "--worker", assignment, str(logs),
                     json.dumps(asdict(limits)), worker, *students]),
                cwd=course_root, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=(os.name == "posix"))

            def take(outcome: dict) -> None:
                """The trainee the child is on gets ``outcome``; if it took none, the next free
                one does, marked as never run (``unstarted``)."""
                mine = [s for s in claims_of(worker) if s not in reported]
                student = mine[0] if mine else next(
                    (s for s in students if _claim(logs, s, worker)), None)
                if student is not None:
                    report(student, outcome | ({} if mine else {"unstarted": log_path.name}),
                           reported[-1] if reported else None)
                    reported.append(student)

            try:
                deadline = time.monotonic() + wall_seconds + 60  # + the child's start-up
                while not stop.is_set():
                    exited = proc.poll() is not None
                    ready = [s for s in claims_of(worker) if s not in reported
                             and (logs / f"{s}.json").exists()]
                    for student in ready[:1]:
                        report(student, json.loads((logs / f"{student}.json").read_text(
                            encoding="utf-8")), reported[-1] if reported else None)
                        reported.append(student)
                        deadline = time.monotonic() + wall_seconds
                    if ready:
                        continue
                    if exited:
                        # Failed: the trainee it was on, or (a child that died before taking
                        # any) the next one, so that the class always moves on.
                        on = any(s not in reported for s in claims_of(worker))
                        if on or (proc.returncode != 0 and not reported):
                            tail = _tail(log_path.read_text(encoding="utf-8", errors="replace"),
                                         30)
                            take({"crashed": proc.returncode, "log": tail})
                        break
                    if time.monotonic() > deadline:
                        _kill(proc)
                        take({"killed": True})
                        break
                    time.sleep(0.03)  # a few file checks: the next result is seen at once
            finally:  # also on Ctrl+C or an error here: no child outlives the run
                if proc.poll() is None:
                    _kill(proc)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    _kill(proc)
                    proc.wait()
                shutil.rmtree(sockets, ignore_errors=True)


def _kill(proc: subprocess.Popen) -> None:
    """Stop the worker and whatever it started in its session (its kernels, each in a session
    of its own, die with it: see :func:`_run_workers`)."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except ProcessLookupError:
        pass  # already gone


def _worker(assignment: str, logs: str, limits: str, worker: str, *students: str) -> int:
    """Child process ``worker``: nbgrader's own autograde and generate_feedback, trainee by
    trainee (each of ``students`` no other child has taken, :func:`_claim`), under the
    resource limits (the kernels nbgrader starts inherit them). A worker forked by
    :mod:`infowork.grading.forkserver` does the same, prepared before it was forked."""
    if not Limits(**json.loads(limits)).apply():
        print("Ограничения ресурсов недоступны в этой системе: проверка идёт без них.")
    # beside nbgrader's imports below
    zygote.prestart(Path.cwd(), zygote.datasets_of(assignment))
    return _grade_trainees(_prepare_worker(assignment), assignment, logs, worker, students)


def _prepare_worker(assignment: str):
    """What a worker does before its first trainee (the same in every worker): nbgrader's
    application and the rehearsal of the master copy."""
    from nbgrader.apps.baseapp import NbGrader

    from infowork.grading.verdict import Judge

    _share_compiled_templates()
    _check_metadata_schema_once()
    _share_gradebook_engines()
    app = NbGrader()
    app.initialize([])
    coursedir = app.coursedir
    # The independent check (infowork.grading.verdict): the master copy is rehearsed here, test cells
    # run sealed, and each step that scored points is replayed before feedback is made.
    judge = Judge(coursedir.format_path(coursedir.source_directory, ".", assignment), app.config)
    return app, judge


def _grade_trainees(prepared, assignment: str, logs: str, worker: str, students,
                    sockets: str | None = None) -> int:
    """The worker's trainees, one after another (see :func:`_worker`). ``sockets``: the
    kernels' socket folder, when it is not the one the application was configured with."""
    from nbgrader.apps.api import NbGraderAPI

    app, judge = prepared
    coursedir = app.coursedir
    if sockets and "ip" in app.config.get("KernelManager", {}):
        app.config.KernelManager.ip = os.path.join(sockets, "k")
    api = NbGraderAPI(coursedir=coursedir, parent=app)
    for student in students:
        if not _claim(Path(logs), student, worker):
            continue
        judge.start()
        result = {"autograde": api.autograde(assignment, student, force=True, create=True)}
        if result["autograde"].get("success"):
            result["verdict"] = judge.settle(
                coursedir.db_url, coursedir.course_id, assignment, student,
                coursedir.format_path(coursedir.autograded_directory, student, assignment))
            result["feedback"] = api.generate_feedback(assignment, student, force=True)
        partial = Path(logs) / f"{student}.json.part"
        partial.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, Path(logs) / f"{student}.json")
    return 0


def _share_gradebook_engines() -> None:
    """nbgrader opens the gradebook ~11 times for each trainee, each time with a new SQLAlchemy
    engine, which compiles every SQL statement again. A worker keeps one engine per database
    URL; each opening still ends with the engine's ``dispose()`` (its connections closed), so a
    gradebook file replaced in between is opened afresh."""
    import functools

    from nbgrader import api

    if not isinstance(api.create_engine, functools._lru_cache_wrapper):
        api.create_engine = functools.lru_cache(maxsize=8)(api.create_engine)


def _check_metadata_schema_once() -> None:
    """nbgrader checks each cell's nbgrader metadata with ``jsonschema.validate``, which first
    checks the schema itself, for every cell of every trainee (~0.06 s of a trainee's ~1 s).
    The schema is nbgrader's own: this worker checks it once and keeps its validator; each
    cell is validated as before, with the same errors."""
    import types

    import jsonschema
    from nbgrader.nbgraderformat import common

    kept: dict[int, tuple[dict, object]] = {}

    def validate(instance, schema) -> None:
        entry = kept.get(id(schema))
        if entry is None or entry[0] is not schema:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            entry = kept[id(schema)] = (schema, cls(schema))
        error = jsonschema.exceptions.best_match(entry[1].iter_errors(instance))
        if error is not None:
            raise error

    common.jsonschema = types.SimpleNamespace(validate=validate)


def _share_compiled_templates() -> None:
    """Feedback pages of the trainees a worker grades share the compiled Jinja templates.

    nbgrader makes a new HTML exporter, so a new Jinja environment, for every trainee, and
    compiled the feedback template's 9 files again each time (~0.07 s of the ~0.33 s a
    trainee's feedback takes). Every environment of this process gets one in-memory bytecode
    cache; a bucket's key includes the template's source, so a changed template is compiled
    afresh."""
    from jinja2 import BytecodeCache
    from nbconvert.exporters.templateexporter import TemplateExporter

    class Memory(BytecodeCache):
        def __init__(self) -> None:
            self.compiled: dict[str, bytes] = {}

        def load_bytecode(self, bucket) -> None:
            code = self.compiled.get(f"{bucket.key}:{bucket.checksum}")
            if code is not None:
                bucket.bytecode_from_string(code)

        def dump_bytecode(self, bucket) -> None:
            self.compiled[f"{bucket.key}:{bucket.checksum}"] = bucket.bytecode_to_string()

    cache = Memory()
    create = TemplateExporter._create_environment

    def with_cache(self):
        environment = create(self)
        environment.bytecode_cache = cache
        return environment

    TemplateExporter._create_environment = with_cache


def _record_zero(gb, assignment: str, student: str) -> None:
    """A trainee whose work could not be graded gets 0 in the gradebook, as nbgrader does for
    a missing notebook, so the gradebook and the CSV agree."""
    submission = gb.update_or_create_submission(assignment, student)
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            grade.auto_score = 0
            grade.manual_score = None
            grade.needs_manual_grade = False
    gb.db.commit()


def _outputs_problems(autograded: Path, limits: Limits) -> list[str]:
    """What the autograded notebook's outputs tell the instructor: cells interrupted or skipped
    (infowork.grading.execution.SkipFatalCells says how the kernel ended), memory, cut outputs."""
    problems = []
    try:
        if not autograded.exists():
            return problems
        nb = nbformat.read(autograded, as_version=4)
    except Exception:  # noqa: BLE001 - a damaged autograded copy only loses these remarks
        return problems
    enames, texts, fatal = set(), [], []
    number = 0
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        number += 1
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                enames.add(output.get("ename"))
                if output.get("ename") in FATAL_ENAMES:
                    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                    where = f"ячейка {number}" + (f" ({grade_id})" if grade_id else "")
                    what = str(output.get("evalue", ""))
                    if output.get("ename") == KILLED:
                        what = what.replace("не хватило памяти",
                                            f"не хватило памяти (предел {limits.memory_mb} МБ)")
                    fatal.append(f"{where}: {what}")
            elif output.get("output_type") == "stream":
                texts.append(output.get("text", ""))
            for text in output.get("data", {}).values() if isinstance(output.get("data"),
                                                                         dict) else ():
                if isinstance(text, str):
                    texts.append(text)
    problems += fatal
    if "CellTimeoutError" in enames:
        problems.append("превышено время выполнения: ячейка прервана, остальные проверены")
    if "MemoryError" in enames:
        problems.append(f"не хватило памяти (предел {limits.memory_mb} МБ): ячейка прервана")
    cut = CUT_MARK.split("{")[0].strip()
    if any("Output truncated" in t or cut in t for t in texts):
        problems.append("слишком длинный вывод — обрезан")
    problems += _lesson_helpers_used(nb)
    return problems


#: A trainee's code that calls the lessons' machinery (infowork.lessons) or the open report's
#: (infowork.openreport), which may compute an answer in one line: the grade cannot tell, the
#: instructor is told which steps to look at.
_LESSON_HELPERS = re.compile(r"infowork\.(?:lessons|openreport)"
                             r"|from\s+infowork\s+import\s+[^\n]*\b(?:lessons|openreport)\b")


def _lesson_helpers_used(nb) -> list[str]:
    r"""A remark naming the steps whose answer cells call ``infowork.lessons`` or ``infowork.openreport``.

    >>> cell = nbformat.v4.new_code_cell(
    ...     "from infowork.lessons import funnels\nfunnel = funnels.campaign_funnel(c)",
    ...     metadata={"nbgrader": {"grade_id": "answer_funnel", "solution": True}})
    >>> heading = nbformat.v4.new_markdown_cell("## Шаг 4. Воронка (2 балла)")
    >>> _lesson_helpers_used(nbformat.v4.new_notebook(cells=[heading, cell]))  # doctest: +NORMALIZE_WHITESPACE
    ['вызваны функции комплекта (infowork.lessons, infowork.openreport) в шаге 4: проверьте его
      решение вручную']
    """
    titles = saved_report.step_titles(nb)
    steps = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("solution") and \
                _LESSON_HELPERS.search(str(cell.get("source", ""))):
            title = titles.get(str(meta.get("grade_id")), "")
            steps.append(title.split(".")[0].removeprefix("Шаг ") if title else
                         str(meta.get("grade_id")))
    if not steps:
        return []
    where = (f"в шаге {steps[0]}: проверьте его решение вручную" if len(steps) == 1 else
             f"в шагах {', '.join(steps)}: проверьте их решения вручную")
    return [f"вызваны функции комплекта (infowork.lessons, infowork.openreport) {where}"]


def _failure(info: dict, limits: Limits) -> str:
    """Why a trainee's notebook was not graded at all, in Russian, from the worker's outcome."""
    if info.get("unstarted"):
        return (f"работа не проверена: процесс проверки остановился, не начав её (журнал: "
                f"logs/{info['unstarted']}); запустите проверку снова")
    if info.get("killed"):
        return "проверка прервана: работа выполнялась слишком долго"
    if "crashed" in info:
        code = info["crashed"]
        if code in (-signal.SIGKILL, 128 + signal.SIGKILL):
            return ("проверка оборвалась: процесс проверки остановлен сигналом SIGKILL (его "
                    "остановил код работы или не хватило памяти); остальные работы проверены")
        return (f"проверка оборвалась: работа аварийно остановила процесс проверки "
                f"(код {code}); остальные работы проверены")
    text = json.dumps(info, ensure_ascii=False)
    if any(ename in text for ename in FATAL_ENAMES) or "DeadKernelError" in text \
            or "Kernel died" in text:
        return ("ядро Python снова и снова аварийно завершалось (os._exit, нехватка памяти "
                f"— предел {limits.memory_mb} МБ — или сбой), и после пропуска таких ячеек "
                "тоже: работа не проверена")
    if "MemoryError" in text:
        return f"не хватило памяти для проверки (предел {limits.memory_mb} МБ)"
    if "CellTimeoutError" in text or "UnresponsiveKernelError" in text or "unresponsive" in text:
        return "ядро Python перестало отвечать (бесконечный цикл?) и после пропуска таких ячеек"
    reason = ""
    details = info.get("autograde", {}).get("error") or info.get("log") or ""
    for line in str(details).splitlines():
        if re.match(r"^\s*[\w.]*(Error|Exception)\b", line):
            reason = line.strip()
    return "nbgrader не смог проверить работу" + (f": {reason[:200]}" if reason else "")


def grade_folder(assignment: str, folder: Path | str,
                 course_root: Path | str = DEFAULT_COURSE_ROOT,
                 source_root: Path | str = SOURCE_ROOT, feedback_dir: Path | str | None = None,
                 limits: Limits = Limits(),
                 progress: Callable[[str], None] | None = None,
                 jobs: int | None = None, class_page: bool = True) -> Report:
    """Grade every trainee's notebook in ``folder``; see the module docstring.

    ``jobs`` trainees are graded at once (None: one per core, :func:`default_jobs`); the
    scores do not depend on it. ``class_page=False`` leaves out the class page (a self-check
    grades one learner: nobody reads it).

    ``course_root`` is nbgrader's working folder (submitted, autograded, feedback, gradebook,
    logs); a rerun over the same course root (say, over a folder with one late notebook)
    updates the gradebook and the saved class report that :func:`refresh` reads, keeping the
    trainees it did not see. The returned report covers this run's files only. ``source_root`` holds the
    master copy in ``ASSIGNMENT/``. ``feedback_dir``, when given, receives one HTML page per
    trainee and notebook, ``ФАМИЛИЯ_ЗАДАНИЕ.html``. Raises GradingError for wrong input.
    """
    say = progress or (lambda text: None)
    folder, course_root, source_root = Path(folder), Path(course_root).resolve(), Path(source_root)
    if not folder.is_dir():
        raise GradingError(f"Папки с работами «{folder}» нет. Проверьте путь.")
    masters = {p.stem: nbformat.read(p, as_version=4)
               for p in sorted((source_root / assignment).glob("*.ipynb"))}
    if not masters:
        raise GradingError(f"Нет эталона задания {assignment}: в {source_root / assignment} "
                           f"нет блокнотов .ipynb.")
    candidates, rejected = scan_folder(folder, masters, known=_known_students(course_root))
    if not candidates and not rejected:
        raise GradingError(f"В папке «{folder}» нет ни одного файла: проверять нечего.")
    tests = {c.metadata.nbgrader["grade_id"] for nb in masters.values() for c in nb.cells
             if cell_kind(c) == "test" and c.metadata.nbgrader.get("grade")}

    say(f"Готовлю задание {assignment} (nbgrader generate_assignment) ...")
    # The gradebook's master cells against solutions/, before they are used (and before
    # prepare_course, whose generate_assignment cannot add or remove cells of a graded notebook).
    master_check = gradebook.check_master(course_root, assignment, source_root)
    box = prepare_course(course_root, assignment, source_root, limits)
    master_check.record(course_root)
    releases = {name: nbformat.read(course_root / "release" / assignment / f"{name}.ipynb", 4)
                for name in masters}

    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    # nbgrader's models make SQLAlchemy warn on every submission: noise for an instructor.
    warnings.filterwarnings("ignore", category=SAWarning)

    by_student: dict[str, list[Candidate]] = {}
    for cand in candidates:
        by_student.setdefault(cand.student, []).append(cand)
    results: dict[str, TraineeResult] = {}
    with Gradebook(_db_url(course_root), COURSE_ID) as gb:
        for student, cands in sorted(by_student.items()):
            result = TraineeResult(student, max((c.name for c in cands), key=len),
                                   [c.label for c in cands], 0.0, 0.0)
            result.problems = [p for c in cands for p in c.problems]
            try:
                _submit(course_root, assignment, student, cands, releases, result)
                gb.update_or_create_student(student, last_name=result.name)
            except Exception as exc:  # noqa: BLE001 - one odd file never stops the class
                gb.db.rollback()
                result.problems.append(f"работу не удалось подготовить к проверке (внутренняя "
                                       f"ошибка {type(exc).__name__}); остальные работы "
                                       f"проверены")
                result.graded = False
            results[student] = result

    to_grade = [s for s, r in results.items() if r.graded]
    code_cells = sum(1 for nb in masters.values() for c in nb.cells if c.cell_type == "code")
    wall = 60 + code_cells * ((limits.timeout or 60) + 5)
    jobs = max(1, min(default_jobs() if jobs is None else int(jobs), len(to_grade) or 1))
    if to_grade:
        say(f"Проверяю работ: {len(to_grade)} (nbgrader autograde и generate_feedback; "
            f"одновременно: {jobs}) ...")
    counter = {"done": 0, "total": len(to_grade)}
    started = time.monotonic()
    finished: list[float] = []  # when each result of this pass came
    guard = gradebook.Guard(course_root, assignment, master_check, to_grade, jobs=jobs)

    def done(student: str, previous: str | None) -> None:
        counter["done"] += 1
        n, total = counter["done"], counter["total"]
        finished.append(time.monotonic())
        left = _remaining(finished, min(jobs, total), total)
        eta = f", осталось ~{_minutes(left)}" if left is not None else ""
        say(f"  [{min(n, total)}/{total}] {student} (прошло {_minutes(finished[-1] - started)}"
            f"{eta})")
        guard.after(student, previous)

    outcomes = _run_workers(course_root, assignment, to_grade, limits, wall, done, jobs)
    for _ in range(3):  # graded right after a trainee whose code changed the gradebook
        again = guard.take_regrade()
        if not again:
            break
        counter.update(done=0, total=len(again))
        started = time.monotonic()
        finished.clear()
        say(f"Проверяю заново работ: {len(again)} (журнал оценок менялся во время проверки)")
        outcomes.update(_run_workers(course_root, assignment, again, limits, wall, done, jobs))
    # What the trainees' code may have done to the gradebook (without a sandbox it can).
    changed, class_notes = guard.finish(set(to_grade))
    for student, notes in changed.items():
        if student in results:
            results[student].problems += notes

    with Gradebook(_db_url(course_root), COURSE_ID) as gb:
        for student, result in results.items():
            try:
                _settle(result, outcomes.get(student, {}), gb, assignment, masters, tests,
                        course_root, feedback_dir, limits)
            except Exception as exc:  # noqa: BLE001 - one trainee's record never stops the rest
                gb.db.rollback()
                result.graded = False
                result.problems.append(f"оценку не удалось прочитать из журнала (внутренняя "
                                       f"ошибка {type(exc).__name__})")
    report = Report(assignment, list(results.values()), rejected, course_root,
                    Path(feedback_dir).resolve() if feedback_dir is not None else None,
                    notes=[*([box.note] if box.note else []), *master_check.notes, *class_notes])
    saved_report.save(report, merge=True)
    if class_page:
        _write_class_report(course_root, assignment, source_root, say)
    return report


def _write_class_report(course_root: Path, assignment: str, source_root: Path | None,
                        say: Callable[[str], None]) -> Path | None:
    """The class page (:mod:`infowork.grading.class_report`) beside the CSV; a failure is
    said and never stops grading."""
    from infowork.grading import class_report

    try:
        return class_report.write(course_root, assignment, source_root)
    except Exception as exc:  # noqa: BLE001 - the grades are saved whatever the page does
        say(f"Страницу с итогами группы создать не удалось ({type(exc).__name__}: {exc}).")
        return None


def _remaining(finished: list[float], jobs: int, total: int) -> float | None:
    """Seconds left for ``total`` trainees, ``finished`` holding the times of the results so
    far: the pace of the results after the first ``jobs`` (those also carry the workers'
    start-up: nbgrader's imports, the rehearsal of the master copy). None while there is no
    such pace yet, or when all are done."""
    n = len(finished)
    if n >= total or n <= jobs:
        return None
    return (finished[-1] - finished[jobs - 1]) / (n - jobs) * (total - n)


def _minutes(seconds: float) -> str:
    """``1 мин 05 с`` or ``42 с`` (progress lines)."""
    seconds = int(round(seconds))
    return f"{seconds // 60} мин {seconds % 60:02d} с" if seconds >= 60 else f"{seconds} с"


def _submit(course_root: Path, assignment: str, student: str, cands: list[Candidate],
            releases: dict, result: TraineeResult) -> None:
    """Put the trainee's repaired notebooks into nbgrader's submitted/ folder."""
    _clear_trainee(course_root, assignment, student)
    for cand in cands:
        if cand.nb is None:
            continue
        nb, notes = repair(cand.nb, releases[cand.notebook])
        result.problems += notes
        target = course_root / "submitted" / student / assignment
        target.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target / f"{cand.notebook}.ipynb")
    result.graded = any(c.nb is not None for c in cands)


def _settle(result: TraineeResult, outcome: dict, gb, assignment: str, masters: dict,
            tests: set[str], course_root: Path, feedback_dir, limits: Limits) -> None:
    """One trainee after the workers: why the work was not graded, the remarks the autograded
    notebook gives, the scores and the feedback pages."""
    student = result.student
    if result.graded and not outcome.get("autograde", {}).get("success"):
        result.problems.append(_failure(outcome, limits))
        result.graded = False
    elif result.graded and not outcome.get("feedback", {}).get("success"):
        result.problems.append("отзыв для слушателя не создан (см. logs в папке проверки)")
    if not result.graded:
        _clear_trainee(course_root, assignment, student)
        _record_zero(gb, assignment, student)
    elif isinstance(outcome.get("verdict"), dict):  # steps the replay overturned
        result.mismatched = dict(outcome["verdict"].get("mismatch", {}))
    for name in masters:
        result.problems += _outputs_problems(
            course_root / "autograded" / student / assignment / f"{name}.ipynb", limits)
    _update(result, gb, assignment, tests, course_root, feedback_dir)


def _update(result: TraineeResult, gb, assignment: str, tests: set[str], course_root: Path,
            feedback_dir: Path | str | None) -> None:
    """Scores from the gradebook and the trainee's feedback pages (copied to ``feedback_dir``
    as ``ФАМИЛИЯ_ЗАДАНИЕ.html`` when it is given), and the gradebook's values autograde never
    writes, flagged for the instructor (:func:`infowork.grading.gradebook.suspicious_values`)."""
    from nbgrader.api import MissingEntry

    try:
        scores = scores_from_gradebook(gb, assignment, result.student, tests)
    except MissingEntry:
        scores = {"score": 0.0}
        result.graded = False
        result.gradebook_flags = ["оценки слушателя не найдены в журнале оценок (gradebook.db)"]
    else:
        result.gradebook_flags = gradebook.suspicious_values(gb, assignment,
                                                                   result.student)
    for key, value in scores.items():
        setattr(result, key, value)
    pages = sorted((course_root / "feedback" / result.student / assignment).glob("*.html"))
    if feedback_dir is not None and pages:
        out = Path(feedback_dir)
        out.mkdir(parents=True, exist_ok=True)
        copies = [out / f"{result.student}_{page.name}" for page in pages]
        for page, copy in zip(pages, copies):
            shutil.copyfile(page, copy)
        pages = copies
    result.feedback = pages


def refresh(assignment: str, course_root: Path | str = DEFAULT_COURSE_ROOT,
            progress: Callable[[str], None] | None = None) -> Report:
    """After manual grading in nbgrader's formgrader: regenerate every trainee's feedback with
    the manual points and comments, and reread the scores. Trainees' code is not run again.

    Raises ReportMissing when ``infowork grade`` has not graded this assignment here yet.
    """
    say = progress or (lambda text: None)
    course_root = Path(course_root).resolve()
    report = saved_report.load(course_root, assignment)
    releases = sorted((course_root / "release" / assignment).glob("*.ipynb"))
    if not releases:
        raise GradingError(f"В папке проверки {course_root} нет копии задания {assignment} "
                           f"(release/{assignment}): запустите infowork grade {assignment} ПАПКА "
                           f"заново (баллы, выставленные вручную, останутся в журнале; formgrader попросит "
                           f"их подтвердить).")
    tests = {c.metadata.nbgrader["grade_id"] for path in releases
             for c in nbformat.read(path, as_version=4).cells
             if cell_kind(c) == "test" and c.metadata.nbgrader.get("grade")}
    graded = [r for r in report.results if r.graded]
    if graded:
        say(f"Обновляю отзывы слушателей: {len(graded)} (nbgrader generate_feedback) ...")
        result = subprocess.run([*nbgrader_command(), "generate_feedback", assignment, "--force"],
                                cwd=course_root, env=nbgrader_env(), capture_output=True,
                                text=True, timeout=600)
        if result.returncode != 0 or "| ERROR]" in result.stderr:
            raise GradingError(f"nbgrader не смог обновить отзывы по заданию {assignment}:\n"
                               f"{_tail(result.stderr + result.stdout)}")

    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)
    with Gradebook(_db_url(course_root), COURSE_ID) as gb:
        for r in graded:
            _update(r, gb, assignment, tests, course_root, report.feedback_dir)
    saved_report.save(report)
    _write_class_report(course_root, assignment, None, say)
    return report


def inside_grading() -> bool:
    """True (and says why, in Russian) when this command runs inside a notebook that the kit is
    grading: a `!infowork check` left in a cell would otherwise grade the notebook again and
    again."""
    if os.environ.get(GRADING_MARK):
        print("Команда infowork запущена из блокнота, который сейчас проверяется, и пропущена: "
              "запускайте проверку в терминале, а не в ячейке блокнота.", file=sys.stderr)
        return True
    return False


def known_assignment(assignment: str) -> bool:
    """True when course.yml has this module with an assignment; otherwise says why (Russian)."""
    from infowork.course import load_manifest

    try:
        module = load_manifest().module(assignment)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return False
    if not module.assignment or not module.solution_path().exists():
        print(f"У модуля {assignment} пока нет задания для проверки "
              f"(нет solutions/{assignment}/{module.assignment or '...'}).", file=sys.stderr)
        return False
    return True


GROUP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def group_root(group: str | None) -> Path:
    """The course folder of a group of trainees: ``grading/groups/NAME/`` (its own
    submissions, gradebook, feedback, CSV and saved report); ``grading/`` without a group.
    Raises GradingError for a name that is not a plain ASCII folder name."""
    if not group:
        return DEFAULT_COURSE_ROOT
    if not GROUP_NAME.match(group) or ".." in group:
        raise GradingError(f"Имя группы «{group}» не подходит: нужны латинские буквы, цифры, "
                           f"«-», «_» или «.» (например kazan-2026-03).")
    return DEFAULT_COURSE_ROOT / "groups" / group


def main(assignment: str, folder: str | Path, csv_path: str | Path | None = None,
         feedback_dir: str | Path | None = None, jobs: int | None = None,
         group: str | None = None) -> int:
    """``infowork grade ASSIGNMENT FOLDER [--jobs N] [--group NAME]``: 0 when grading ran (even
    if some notebooks were broken), 2 when the instructor's input is wrong."""
    if inside_grading() or not known_assignment(assignment):
        return 2
    if jobs is not None and jobs < 1:
        print("--jobs: нужно целое число не меньше 1.", file=sys.stderr)
        return 2
    try:
        course_root = group_root(group)
        if group:
            print(f"Группа {group}: папка проверки {course_root}", flush=True)
        report = grade_folder(assignment, folder, course_root=course_root,
                              feedback_dir=feedback_dir, jobs=jobs,
                              progress=lambda text: print(text, flush=True))
    except GradingError as exc:
        print(exc, file=sys.stderr)
        return 2
    return _print_report(report, csv_path, feedback_dir)


def _print_report(report: Report, csv_path: str | Path | None,
                  feedback_dir: str | Path | None) -> int:
    print()
    print(format_table(report))
    csv_file = write_csv(report, csv_path or report.course_root / f"{report.assignment}_grades.csv")
    print()
    print(f"Оценки записаны в {csv_file}")
    from infowork.grading.class_report import page_path

    page = page_path(report.course_root, report.assignment)
    if page.exists():
        print(f"Итоги группы (страница для преподавателя, откройте в браузере): {page}")
    where = feedback_dir or report.feedback_dir or report.course_root / "feedback"
    print(f"Отзывы для слушателей (HTML, без кода скрытых проверок): {where}")
    if any(r.manual_pending and r.graded for r in report.results):
        print("Есть ответы для ручной проверки: оцените их в nbgrader formgrader (make lab, меню "
              f"Nbgrader → Formgrader), затем выполните infowork report {report.assignment}"
              + _group_option(report.course_root))
    return 0


def _group_option(course_root: Path) -> str:
    """`` --group NAME`` when ``course_root`` is a group's folder (for the hints printed)."""
    groups = DEFAULT_COURSE_ROOT / "groups"
    return f" --group {course_root.name}" if Path(course_root).parent == groups else ""


def main_report(assignment: str, csv_path: str | Path | None = None,
                group: str | None = None) -> int:
    """``infowork report ASSIGNMENT [--group NAME]``: the table, CSV and feedback again, with
    the points given in formgrader since the last run. 0 on success, 2 when there is nothing
    to report."""
    if inside_grading() or not known_assignment(assignment):
        return 2
    try:
        report = refresh(assignment, group_root(group),
                         progress=lambda text: print(text, flush=True))
    except (ReportMissing, GradingError) as exc:
        print(exc, file=sys.stderr)
        return 2
    return _print_report(report, csv_path, None)
