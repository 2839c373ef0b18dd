"""Can the gradebook be trusted? Checks of nbgrader's gradebook.db around a grading run.

nbgrader keeps in its gradebook (SQLite) both the master copy's cells and the trainees' grades.
A trainee's code that runs with the grader's rights (no sandbox: infowork.grading.sandbox) can open it
with sqlite3 and, say, replace the stored test cells with ``pass`` (nbgrader takes a locked
cell's source from there, so every later notebook passes), give itself extra credit, zero
other trainees, or leave a trigger that does so later. :mod:`infowork.grading` therefore

1. **at the start of a run** (:func:`check_master`): builds the master rows afresh from
   solutions/ (nbgrader's own ``generate_assignment`` into a temporary folder: exactly what a
   clean gradebook would hold) and compares them with the gradebook's: source cells (source,
   checksum, type, locked), graded cells (points, type), solution and task cells, the
   notebook's kernelspec. A difference is repaired in place, row by row, from the fresh copy.
   In place, not by re-running ``generate_assignment --force`` in the course folder: nbgrader
   refuses to add or remove cells of a notebook that has submissions ("Cannot add or remove
   cells"), and recreating the gradebook would lose what must be kept — the trainees, their
   grades of every assignment, the instructor's manual points and comments from formgrader.
   Repairing the master rows keeps all of them. Triggers, views and tables that nbgrader does not
   create are dropped. A gradebook that is not a readable SQLite database is moved aside (kept in
   logs/) and a new one is made by the run. A course folder without a gradebook needs no check:
   the gradebook the run makes from solutions/ is the reference for the checks that follow.
2. **while and after the trainees' code runs** (:class:`Guard`, :func:`restore_changes`):
   every grade and comment is read before the workers start; afterwards, whatever changed that
   the run does not write is put back and reported — the grades of trainees not graded in this
   run, and the manual points, extra credit and instructor's comments of everyone (autograde
   writes only ``auto_score`` and ``needs_manual_grade`` of the trainees it grades). The master
   rows are compared again too.
3. **in the table** (:func:`suspicious_values`): values that autograde never writes — extra
   credit, a manual score on an autograded check, points outside 0..max — are flagged on every
   run for the instructor to confirm in formgrader (the instructor may have given them there;
   the kit cannot tell who did between runs).

The kit's own record of the master rows (``logs/ASSIGNMENT.master.sha256``) tells a master copy
the instructor changed (the gradebook is still as the kit left it: repaired quietly, as
``generate_assignment`` would) from a gradebook changed behind the kit's back (reported).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from infowork import ROOT
from infowork.exercises import nbgrader_command, nbgrader_env
from infowork.grading import cache

__all__ = ["alembic_head", "MasterCheck", "check_master", "Guard", "graded_meanwhile",
           "Snapshot", "snapshot", "restore_changes", "rescore", "suspicious_values",
           "foreign_objects", "backup", "recover"]

COURSE_ID = "infowork"

_SCRATCH_CONFIG = '''\
c = get_config()  # noqa: F821
load_subconfig({kit_config!r})  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.source_directory = {source!r}
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.db_url = {db_url!r}
c.CourseDirectory.course_id = {course_id!r}
'''

#: Master tables: key columns and compared columns (per notebook of the assignment).
_MASTER_QUERIES = {
    "source": ("select n.name, s.name, s.cell_type, s.locked, s.source, s.checksum "
               "from source_cell s join notebook n on s.notebook_id = n.id "
               "join assignment a on n.assignment_id = a.id where a.name = ?"),
    "grade": ("select n.name, b.name, g.max_score, g.cell_type from grade_cells g "
              "join base_cell b on b.id = g.id join notebook n on b.notebook_id = n.id "
              "join assignment a on n.assignment_id = a.id where a.name = ?"),
    "solution": ("select n.name, b.name from solution_cells s "
                 "join base_cell b on b.id = s.id join notebook n on b.notebook_id = n.id "
                 "join assignment a on n.assignment_id = a.id where a.name = ?"),
    "task": ("select n.name, b.name, t.max_score, t.cell_type from task_cells t "
             "join base_cell b on b.id = t.id join notebook n on b.notebook_id = n.id "
             "join assignment a on n.assignment_id = a.id where a.name = ?"),
    "base": ("select n.name, b.name, b.type from base_cell b "
             "join notebook n on b.notebook_id = n.id "
             "join assignment a on n.assignment_id = a.id where a.name = ?"),
    "notebook": ("select n.name, n.kernelspec from notebook n "
                 "join assignment a on n.assignment_id = a.id where a.name = ?"),
}
_SUBTABLE = {"GradeCell": "grade_cells", "SolutionCell": "solution_cells",
             "TaskCell": "task_cells"}


def alembic_head() -> str:
    """The version of nbgrader's gradebook schema, as ``alembic heads`` prints it.

    nbgrader stamps every gradebook it creates with this version and asks for it by running the
    ``alembic`` command (a new Python process, ~2 s of CPU, once per new gradebook: each course
    folder, group and self-check folder). The kit's nbgrader_config.py puts this function in
    its place: the same answer from alembic's own API, in the running process (~0.15 s)."""
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    return ScriptDirectory(ALEMBIC_DIR).get_current_head()


def _connect(db: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(str(db), timeout=60, isolation_level=None)
    connection.execute("pragma busy_timeout = 60000")
    return connection


def _master_rows(connection, assignment: str) -> dict[str, dict]:
    rows = {}
    for table, query in _MASTER_QUERIES.items():
        found = {}
        for row in connection.execute(query, (assignment,)):
            key = tuple(row[:3]) if table == "base" else tuple(row[:2]) if table != "notebook" \
                else (row[0],)
            found[key] = tuple(row[len(key):])
        rows[table] = found
    return rows


def _fingerprint(rows: dict) -> str:
    text = json.dumps({t: sorted([list(k), list(v)] for k, v in r.items())
                       for t, r in sorted(rows.items())}, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _schema(connection) -> set[tuple[str, str]]:
    return {(kind, name) for kind, name in connection.execute(
        "select type, name from sqlite_master where name not like 'sqlite_%'")}


def foreign_objects(connection, expected: set[tuple[str, str]] | None = None
                    ) -> list[tuple[str, str]]:
    """Triggers and views (nbgrader creates none), and tables or indexes a fresh gradebook
    does not have (when ``expected`` is given)."""
    found = []
    for kind, name in sorted(_schema(connection)):
        if kind in ("trigger", "view") or (expected is not None and (kind, name) not in expected):
            found.append((kind, name))
    return found


def _drop(connection, objects: list[tuple[str, str]]) -> None:
    for kind, name in objects:
        if kind in ("trigger", "view", "table", "index"):
            connection.execute(f'drop {kind} if exists "{name.replace(chr(34), "")}"')


@dataclass
class MasterCheck:
    """The expected master rows of an assignment (from a fresh ``generate_assignment``) and
    what the checks found, as Russian notes for the instructor's table."""

    assignment: str
    expected: dict = field(default_factory=dict)
    schema: set = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    #: No gradebook before the run: the one generate_assignment makes now is the expected one.
    fresh: bool = False
    #: Where that fresh gradebook is kept as the next run's expected one (:func:`_memo_path`).
    memo: Path | None = None

    def verify(self, course_root: Path, during_run: bool = False,
               culprit: str | None = None) -> list[str]:
        """Compare the gradebook with the expected rows and repair it; return Russian notes.
        ``during_run``: a check after trainees' code ran (anything found was done by it);
        ``culprit``: the trainee whose notebook ran just before this check."""
        db = Path(course_root) / "gradebook.db"
        if not self.expected or not db.exists():
            return []
        notes = []
        try:
            connection = _connect(db)
        except sqlite3.Error:
            return []
        try:
            foreign = foreign_objects(connection, self.schema or None)
            if foreign:
                _drop(connection, foreign)
                what = ", ".join(f"{_KIND_RU.get(k, k)} {n}" for k, n in foreign)
                when = (f" — появилось, пока проверялась работа {culprit}" if culprit else
                        " — появилось во время проверки" if during_run else "")
                notes.append(f"в журнале оценок (gradebook.db) найдено то, чего nbgrader не "
                             f"создаёт ({what}){when}: удалено")
            live = _master_rows(connection, self.assignment)
            if not live["notebook"]:
                return notes  # not registered yet: generate_assignment will
            changed = _differences(live, self.expected)
            if changed:
                record = Path(course_root) / "logs" / f"{self.assignment}.master.sha256"
                kit_left_it = record.exists() and record.read_text() == _fingerprint(live)
                _repair(connection, self.assignment, live, self.expected)
                cells = ", ".join(sorted(changed)[:6]) + (" …" if len(changed) > 6 else "")
                if culprit:
                    notes.append(f"пока проверялась работа {culprit}, эталон задания в журнале "
                                 f"оценок изменён (ячейки: {cells}): эталон восстановлен, "
                                 f"следующая работа проверена заново")
                elif during_run:
                    notes.append(f"во время проверки код одной из работ изменил эталон задания "
                                 f"в журнале оценок (ячейки: {cells}): эталон восстановлен; "
                                 f"проверьте эту папку ещё раз")
                elif not kit_left_it:
                    notes.append(f"эталон задания в журнале оценок (gradebook.db) не совпадал с "
                                 f"solutions/ (ячейки: {cells}) — восстановлен перед проверкой; "
                                 f"работы, проверенные раньше с изменённым эталоном, проверьте "
                                 f"заново")
            self.record(course_root)
        except sqlite3.Error as exc:
            notes.append(f"журнал оценок (gradebook.db) не удалось проверить: {exc}")
        finally:
            connection.close()
        return notes

    def record(self, course_root: Path) -> None:
        """Remember the master rows the gradebook now holds (see the module docstring). For a
        gradebook made by this run (:attr:`fresh`), its rows become the expected ones."""
        db = Path(course_root) / "gradebook.db"
        if not self.expected and self.fresh and db.exists():
            connection = _connect(db)
            try:
                rows, schema = _master_rows(connection, self.assignment), _schema(connection)
            finally:
                connection.close()
            if rows["notebook"]:
                self.expected, self.schema = rows, schema
                if self.memo is not None and not self.memo.exists():
                    _keep_memo(db, self.memo)
        if not self.expected:
            return
        logs = Path(course_root) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        (logs / f"{self.assignment}.master.sha256").write_text(_fingerprint(self.expected))


_KIND_RU = {"trigger": "триггер", "view": "представление", "table": "таблица",
            "index": "индекс"}


def _differences(live: dict, expected: dict) -> set[str]:
    """Names of the cells (or notebooks) whose master rows differ."""
    names = set()
    for table in expected:
        for key in set(live[table]) | set(expected[table]):
            if live[table].get(key) != expected[table].get(key):
                names.add(key[1] if len(key) > 1 else f"блокнот {key[0]}")
    return names


def _ids(connection, assignment: str) -> dict[str, str]:
    return {name: nid for nid, name in connection.execute(
        "select n.id, n.name from notebook n join assignment a on n.assignment_id = a.id "
        "where a.name = ?", (assignment,))}


def _repair(connection, assignment: str, live: dict, expected: dict) -> None:
    """Make the gradebook's master rows the expected ones, keeping every submission."""
    notebooks = _ids(connection, assignment)
    connection.execute("begin immediate")
    try:
        for (nb,), (kernelspec,) in expected["notebook"].items():
            if nb in notebooks:
                connection.execute("update notebook set kernelspec = ? where id = ?",
                                   (kernelspec, notebooks[nb]))
        # Source cells.
        for key in set(live["source"]) | set(expected["source"]):
            nb, name = key
            if nb not in notebooks:
                continue
            want = expected["source"].get(key)
            if want is None:
                connection.execute("delete from source_cell where name = ? and notebook_id = ?",
                                   (name, notebooks[nb]))
            elif key not in live["source"]:
                connection.execute("insert into source_cell (id, name, cell_type, locked, source, "
                                   "checksum, notebook_id) values (?, ?, ?, ?, ?, ?, ?)",
                                   (uuid.uuid4().hex, name, *want, notebooks[nb]))
            elif live["source"][key] != want:
                connection.execute("update source_cell set cell_type = ?, locked = ?, source = ?, "
                                   "checksum = ? where name = ? and notebook_id = ?",
                                   (*want, name, notebooks[nb]))
        # Graded, solution and task cells (base_cell rows and their own tables).
        for key in set(live["base"]) | set(expected["base"]):
            nb, name, kind = key
            if nb not in notebooks:
                continue
            row = connection.execute("select id from base_cell where name = ? and notebook_id = ? "
                                     "and type = ?", (name, notebooks[nb], kind)).fetchone()
            if key not in expected["base"]:
                if row:
                    for table in ("grade", "comment", *_SUBTABLE.values()):
                        column = "cell_id" if table in ("grade", "comment") else "id"
                        connection.execute(f"delete from {table} where {column} = ?", (row[0],))
                    connection.execute("delete from base_cell where id = ?", (row[0],))
                continue
            if row is None:
                cell_id = uuid.uuid4().hex
                connection.execute("insert into base_cell (id, name, notebook_id, type) "
                                   "values (?, ?, ?, ?)", (cell_id, name, notebooks[nb], kind))
                _add_submission_rows(connection, notebooks[nb], cell_id, kind)
            else:
                cell_id = row[0]
            table = _SUBTABLE.get(kind)
            sub = {"GradeCell": "grade", "SolutionCell": "solution", "TaskCell": "task"}.get(kind)
            want = expected[sub].get((nb, name)) if sub else None
            if table is None:
                continue
            connection.execute(f"delete from {table} where id = ?", (cell_id,))
            if sub == "solution":
                connection.execute("insert into solution_cells (id) values (?)", (cell_id,))
            elif want is not None:
                connection.execute(f"insert into {table} (id, max_score, cell_type) "
                                   f"values (?, ?, ?)", (cell_id, *want))
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise


def _add_submission_rows(connection, notebook_id: str, cell_id: str, kind: str) -> None:
    """A grade (and comment) row for a new cell in every submitted copy of the notebook, as
    nbgrader's add_submission makes them."""
    for (submitted,) in connection.execute(
            "select id from submitted_notebook where notebook_id = ?", (notebook_id,)).fetchall():
        if kind in ("GradeCell", "TaskCell"):
            connection.execute("insert or ignore into grade (id, notebook_id, cell_id, "
                               "needs_manual_grade) values (?, ?, ?, 1)",
                               (uuid.uuid4().hex, submitted, cell_id))
        if kind in ("SolutionCell", "TaskCell"):
            connection.execute("insert or ignore into comment (id, notebook_id, cell_id) "
                               "values (?, ?, ?)", (uuid.uuid4().hex, submitted, cell_id))


def check_master(course_root: Path | str, assignment: str, source_root: Path | str
                 ) -> MasterCheck:
    """Step 1 of the module docstring: returns the check (its ``notes`` say what was found),
    to be run again after the trainees' code with :meth:`MasterCheck.verify`."""
    course_root, source_root = Path(course_root), Path(source_root)
    check = MasterCheck(assignment)
    db = course_root / "gradebook.db"
    if not db.exists():
        check.fresh = True  # see MasterCheck.record: nothing to compare yet
        check.memo = _memo_path(assignment, source_root)
        return check
    if db.exists() and not _readable(db):
        logs = course_root / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        kept = logs / f"gradebook.damaged-{time.strftime('%Y%m%d-%H%M%S')}.db"
        shutil.move(str(db), kept)
        check.notes.append(f"журнал оценок (gradebook.db) повреждён — сохранён как {kept}, "
                           f"создан новый; оценки прежних проверок — в сохранённой копии")
        check.fresh = True
        return check
    memo = _memo_path(assignment, source_root)
    with tempfile.TemporaryDirectory(prefix="infowork-master-") as scratch:
        scratch = Path(scratch)
        if memo is not None and memo.exists() and _readable(memo):
            shutil.copyfile(memo, scratch / "gradebook.db")
        else:
            (scratch / "nbgrader_config.py").write_text(_SCRATCH_CONFIG.format(
                kit_config=str(ROOT / "nbgrader_config.py"), root=str(scratch),
                source=str(source_root.resolve()),
                db_url=f"sqlite:///{scratch / 'gradebook.db'}", course_id=COURSE_ID),
                encoding="utf-8")
            result = subprocess.run([*nbgrader_command(), "generate_assignment", assignment,
                                     "--force"], cwd=scratch, env=nbgrader_env(),
                                    capture_output=True, text=True, timeout=600)
            if result.returncode != 0 or not (scratch / "gradebook.db").exists():
                return check  # the real generate_assignment will say what is wrong
            _keep_memo(scratch / "gradebook.db", memo)
        connection = _connect(scratch / "gradebook.db")
        try:
            check.expected = _master_rows(connection, assignment)
            check.schema = _schema(connection)
        finally:
            connection.close()
    check.notes += check.verify(course_root)
    return check


def _memo_path(assignment: str, source_root: Path) -> Path | None:
    """Where the scratch gradebook of :func:`check_master` is kept for the next run (the user's
    cache folder: :mod:`infowork.grading.cache`), named by a fingerprint of everything it is
    made from. A changed master copy gets a new name, so a fresh scratch run."""
    base, folder = cache.folder("master"), source_root / assignment
    if base is None or not folder.is_dir():
        return None
    digest = cache.fingerprint(folder, _SCRATCH_CONFIG, assignment, COURSE_ID)
    return base / f"{assignment}-{digest[:32]}.db"


def _keep_memo(db: Path, memo: Path | None) -> None:
    if memo is not None:
        cache.publish(db, memo)


def _readable(db: Path) -> bool:
    try:
        connection = _connect(db)
        try:
            ok = connection.execute("pragma quick_check").fetchone()[0] == "ok"
            tables = {name for (name,) in connection.execute(
                "select name from sqlite_master where type = 'table'")}
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return ok and {"grade", "notebook", "assignment", "source_cell"} <= tables


def _registered(db: Path, assignment: str) -> bool:
    try:
        connection = _connect(db)
        try:
            return bool(connection.execute(
                "select count(*) from notebook n join assignment a on n.assignment_id = a.id "
                "where a.name = ?", (assignment,)).fetchone()[0])
        finally:
            connection.close()
    except sqlite3.Error:
        return False


def backup(course_root: Path | str) -> Path | None:
    """A copy of the gradebook before the trainees' code runs (``logs/gradebook.before-run.db``),
    for :func:`recover`; None when there is no readable gradebook."""
    db = Path(course_root) / "gradebook.db"
    if not db.exists():
        return None
    target = Path(course_root) / "logs" / "gradebook.before-run.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        source, copy = _connect(db), sqlite3.connect(str(target))
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
    except sqlite3.Error:
        return None
    return target


def recover(course_root: Path | str, copy: Path | None, assignment: str) -> list[str]:
    """After the trainees' code ran: a gradebook that was deleted, damaged or emptied meanwhile
    is put back from :func:`backup`'s copy (the damaged one is kept in logs/). Russian notes."""
    db = Path(course_root) / "gradebook.db"
    if copy is None or not copy.exists() or not _registered(copy, assignment):
        return []
    if db.exists() and _readable(db) and _registered(db, assignment):
        return []
    # Through SQLite's own backup, not by swapping files: the grading worker may have the
    # gradebook open, and a file swapped under an open database (and its journal) gets damaged.
    try:
        source, target = sqlite3.connect(str(copy)), _connect(db)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    except sqlite3.Error:  # not a database any more: keep it aside, put the copy in its place
        shutil.move(str(db), db.parent / "logs" /
                    f"gradebook.damaged-{time.strftime('%Y%m%d-%H%M%S')}.db")
        shutil.copyfile(copy, db)
    return ["журнал оценок (gradebook.db) удалён или повреждён во время проверки (код одной из "
            "работ?): восстановлен из копии, сделанной перед проверкой; оценки этого запуска в "
            "нём не сохранились — запустите проверку этой папки снова"]


# ---------------------------------------------------------------------------------------------
# Grades before and after the trainees' code runs

_GRADES = ("select g.id, a.name, st.id, n.name, b.name, g.auto_score, g.manual_score, "
           "g.extra_credit, g.needs_manual_grade from grade g "
           "join submitted_notebook sn on g.notebook_id = sn.id "
           "join notebook n on sn.notebook_id = n.id "
           "join submitted_assignment sa on sn.assignment_id = sa.id "
           "join assignment a on sa.assignment_id = a.id "
           "join student st on sa.student_id = st.id join base_cell b on g.cell_id = b.id")
_COMMENTS = ("select c.id, a.name, st.id, n.name, b.name, c.manual_comment from comment c "
             "join submitted_notebook sn on c.notebook_id = sn.id "
             "join notebook n on sn.notebook_id = n.id "
             "join submitted_assignment sa on sn.assignment_id = sa.id "
             "join assignment a on sa.assignment_id = a.id "
             "join student st on sa.student_id = st.id join base_cell b on c.cell_id = b.id")


@dataclass
class Snapshot:
    """Every grade and instructor's comment: row id -> (assignment, student, notebook, cell,
    values...)."""

    grades: dict[str, tuple] = field(default_factory=dict)
    comments: dict[str, tuple] = field(default_factory=dict)


def snapshot(course_root: Path | str) -> Snapshot:
    db = Path(course_root) / "gradebook.db"
    shot = Snapshot()
    if not db.exists():
        return shot
    try:
        connection = _connect(db)
        try:
            shot.grades = {row[0]: tuple(row[1:]) for row in connection.execute(_GRADES)}
            shot.comments = {row[0]: tuple(row[1:]) for row in connection.execute(_COMMENTS)}
        finally:
            connection.close()
    except sqlite3.Error:
        pass
    return shot


def _num(value) -> str:
    return "пусто" if value is None else f"{value:g}".replace(".", ",") \
        if isinstance(value, (int, float)) else str(value)


def restore_changes(course_root: Path | str, before: Snapshot, assignment: str,
                    graded: set[str], own: dict[str, dict] | None = None
                    ) -> tuple[dict[str, list[str]], list[str]]:
    """Step 2 of the module docstring. Puts back what changed since ``before`` that this run
    (autograde of the trainees ``graded`` in ``assignment``) does not write. ``own`` holds each
    graded trainee's rows as they were right after their own grading (their autograded points
    must not change after that). Returns Russian notes per trainee of this run and notes for
    the whole class."""
    db = Path(course_root) / "gradebook.db"
    own = own or {}
    per_student: dict[str, list[str]] = {}
    notes: list[str] = []
    if not db.exists():
        return per_student, notes
    after = snapshot(course_root)
    fixes: list[tuple[str, tuple]] = []
    others: dict[str, list[str]] = {}

    def check(row_id, old, new):
        a, student, nb, cell = new[:4]
        ours = a == assignment and student in graded
        auto, manual, extra, needs = new[4:]
        o_manual, o_extra = (old[5], old[6]) if old else (None, None)
        if ours:
            mine = own.get(student, {}).get(row_id)
            o_auto, o_needs = (mine[4], mine[7]) if mine else (auto, needs)
        elif old:
            o_auto, o_needs = old[4], old[7]
        else:
            if manual is None and extra in (None, 0):
                others.setdefault(student, []).append(f"{a}: {cell} — новая запись")
                return
            o_auto, o_needs = auto, needs
        wrong = []
        if manual != o_manual:
            wrong.append(f"ручная оценка {cell}: {_num(o_manual)} → {_num(manual)}")
        if extra != o_extra:
            wrong.append(f"extra credit за {cell}: {_num(o_extra)} → {_num(extra)}")
        if auto != o_auto or bool(needs) != bool(o_needs):
            wrong.append(f"баллы за {cell}: {_num(o_auto)} → {_num(auto)}")
        if wrong:
            fixes.append((row_id, (o_auto, o_manual, o_extra, o_needs)))
            (per_student if ours else others).setdefault(student, []).extend(wrong)

    for row_id, new in after.grades.items():
        check(row_id, before.grades.get(row_id), new)
    for row_id, old in before.grades.items():
        if row_id not in after.grades and not (old[0] == assignment and old[1] in graded):
            others.setdefault(old[1], []).append(f"{old[0]}: {old[3]} — запись удалена")
    comment_fixes = []
    for row_id, new in after.comments.items():
        old = before.comments.get(row_id)
        if new[4] != (old[4] if old else None):
            comment_fixes.append((row_id, old[4] if old else None))
            ours = new[0] == assignment and new[1] in graded
            (per_student if ours else others).setdefault(new[1], []).append(
                f"комментарий преподавателя к {new[3]}")
    if fixes or comment_fixes:
        connection = _connect(db)
        try:
            connection.execute("begin immediate")
            for row_id, (auto, manual, extra, needs) in fixes:
                connection.execute("update grade set auto_score = ?, manual_score = ?, "
                                   "extra_credit = ?, needs_manual_grade = ? where id = ?",
                                   (auto, manual, extra, needs, row_id))
            for row_id, text in comment_fixes:
                connection.execute("update comment set manual_comment = ? where id = ?",
                                   (text, row_id))
            connection.execute("commit")
        finally:
            connection.close()
    per_student = {s: [f"во время проверки в журнале оценок изменено то, чего не ставил "
                       f"преподаватель ({'; '.join(w[:5])}{' …' if len(w) > 5 else ''}) — "
                       f"значения возвращены"]
                   for s, w in per_student.items()}
    for student, what in sorted(others.items()):
        notes.append(f"во время проверки в журнале оценок изменены оценки слушателя {student} "
                     f"({'; '.join(what[:5])}{' …' if len(what) > 5 else ''}) — значения "
                     f"возвращены, где это возможно")
    return per_student, notes


class Guard:
    """Watches the gradebook while the trainees' code runs (step 2 of the module docstring).

    Made right before the workers start; :meth:`after` is called as each trainee's notebook is
    done (the workers grade one trainee after another), :meth:`finish` at the end. After each
    trainee the master rows are checked again and repaired at once, so the trainees after a
    tampering one are graded with the real tests (and the one right after it, whose grading may
    have started before the repair, is graded again: :attr:`regrade`); the trainee's own points
    are made what their autograded notebook says (:func:`rescore`: a trigger may have changed
    them); the gradebook is copied, and put back from the copy if the trainee's code deleted or
    damaged it (and the trainees after it are graded again).

    With ``jobs`` workers grading at once, "after it" means every trainee finished since its
    worker took it, or not yet done when the tampering is found (any of them may have been
    graded, in another worker, while the gradebook was wrong); with one worker it is the
    trainees after it in ``order``."""

    def __init__(self, course_root: Path | str, assignment: str, master: MasterCheck,
                 order: list[str], jobs: int = 1):
        self.course_root, self.assignment, self.master = Path(course_root), assignment, master
        self.order = list(order)
        self.jobs = max(1, jobs)
        self.done: list[str] = []  # in the order the trainees were finished
        self.before = snapshot(course_root)
        self.copy = backup(course_root)
        self.own: dict[str, dict] = {}
        self.notes: list[str] = []
        self.per_student: dict[str, list[str]] = {}
        self.regrade: list[str] = []

    def after(self, student: str, previous: str | None = None) -> None:
        """``student`` is done; ``previous`` is the trainee its worker finished just before
        (None for a worker's first)."""
        try:
            self._after(student, previous)
        except (sqlite3.Error, OSError) as exc:
            self.notes.append(f"журнал оценок не удалось проверить после работы {student}: "
                              f"{exc}")

    def _again(self, students: list[str]) -> None:
        self.regrade += [s for s in students if s not in self.regrade]

    def take_regrade(self) -> list[str]:
        """The trainees to grade again (see the class docstring); the next pass's order."""
        again, self.regrade = self.regrade, []
        self.order = list(again)
        self.done = []
        return again

    def _after(self, student: str, previous: str | None) -> None:
        self.done.append(student)
        following = graded_meanwhile(self.order, self.done, student, previous, self.jobs)
        if recover(self.course_root, self.copy, self.assignment):
            self.per_student.setdefault(student, []).append(
                "пока проверялась эта работа, журнал оценок (gradebook.db) удалён или повреждён "
                "— восстановлен из копии; работа не проверена")
            # The worker that saw the gradebook vanish may keep using the lost file: everyone
            # after this trainee is graded again by a fresh worker.
            self._again(following)
        found = self.master.verify(self.course_root, during_run=True, culprit=student)
        if found:
            self.notes += found
            self._again(following[:1] if self.jobs == 1 else following)
        fixed = rescore(self.course_root, self.assignment, student)
        if fixed:
            self.per_student.setdefault(student, []).append(
                f"баллы в журнале не совпадали с результатом проверки ({'; '.join(fixed[:5])}) "
                f"— исправлены по проверенному блокноту")
        shot = snapshot(self.course_root)
        self.own[student] = {k: v for k, v in shot.grades.items()
                             if v[0] == self.assignment and v[1] == student}
        self.copy = backup(self.course_root) or self.copy

    def finish(self, graded: set[str]) -> tuple[dict[str, list[str]], list[str]]:
        """Per-trainee and class notes (Russian) about what the trainees' code changed."""
        notes = list(self.notes)
        notes += recover(self.course_root, self.copy, self.assignment)
        notes += self.master.verify(self.course_root, during_run=True)
        changed, others = restore_changes(self.course_root, self.before, self.assignment,
                                          graded, self.own)
        per_student = {s: list(dict.fromkeys(n)) for s, n in self.per_student.items()}
        for student, items in changed.items():
            per_student.setdefault(student, []).extend(items)
        return per_student, list(dict.fromkeys(notes + others))


def graded_meanwhile(order: list[str], done: list[str], student: str, previous: str | None,
                     jobs: int) -> list[str]:
    """The trainees whose grading may have used the gradebook as ``student``'s code left it:
    with one worker, those after it in ``order``; with several, those finished since its worker
    took it (right after ``previous``, the trainee that worker finished before; None: since the
    start) and those not yet done. ``done`` is the order of finishing, ``student`` included."""
    if jobs == 1:
        return order[order.index(student) + 1:] if student in order else []
    since = done.index(previous) + 1 if previous in done else 0
    return ([s for s in done[since:] if s != student]
            + [s for s in order if s not in done])


def rescore(course_root: Path | str, assignment: str, student: str) -> list[str]:
    """Make the trainee's autograded points in the gradebook what their autograded notebook
    says (nbgrader's own rule, ``determine_grade``: an error output scores 0). Called right
    after the trainee's grading, when only a trigger left by their own code can have changed
    them. Returns what was fixed (Russian), or [] when the gradebook agreed."""
    import nbformat
    from nbgrader.utils import determine_grade, is_grade, is_solution

    folder = Path(course_root) / "autograded" / student / assignment
    truth = {}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001 - a damaged copy: nothing to compare with
            continue
        for cell in nb.cells:
            try:
                if is_grade(cell) and not is_solution(cell) and cell.cell_type == "code":
                    score, _ = determine_grade(cell)
                    if score is not None:
                        truth[(path.stem, cell.metadata.nbgrader["grade_id"])] = float(score)
            except Exception:  # noqa: BLE001 - odd metadata: leave that cell to nbgrader
                continue
    if not truth:
        return []
    fixed = []
    connection = _connect(Path(course_root) / "gradebook.db")
    try:
        rows = connection.execute(
            _GRADES + " where a.name = ? and st.id = ? and b.type = 'GradeCell'",
            (assignment, student)).fetchall()
        for row_id, _, _, nb, cell, auto, *_ in rows:
            want = truth.get((nb, cell))
            if want is not None and auto != want:
                connection.execute("update grade set auto_score = ? where id = ?",
                                   (want, row_id))
                fixed.append(f"{cell}: {_num(auto)} → {_num(want)}")
    finally:
        connection.close()
    return fixed


def suspicious_values(gb, assignment: str, student: str) -> list[str]:
    """Step 3 of the module docstring: Russian flags for values of the trainee's grades that
    autograde never writes (``gb``: nbgrader's open Gradebook)."""
    from nbgrader.api import MissingEntry

    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return []
    flags = []
    for notebook in submission.notebooks:
        answers = {c.name for c in notebook.notebook.solution_cells}
        for grade in sorted(notebook.grades, key=lambda g: g.name):
            top = grade.max_score or 0.0
            if grade.extra_credit not in (None, 0):
                flags.append(f"в журнале найдены баллы, которые не ставит автопроверка: extra "
                             f"credit {_num(grade.extra_credit)} за {grade.name} — если их "
                             f"поставили не вы, исправьте в formgrader")
            if grade.manual_score is not None and grade.name not in answers:
                flags.append(f"оценка автопроверки {grade.name} изменена вручную "
                             f"({_num(grade.manual_score)} из {_num(top)}) — если её меняли "
                             f"не вы, исправьте в formgrader")
            for label, value in (("автопроверки", grade.auto_score),
                                 ("ручная", grade.manual_score)):
                if value is not None and not 0 <= value <= top:
                    flags.append(f"баллы за {grade.name} ({label}) вне допустимого: "
                                 f"{_num(value)} из {_num(top)} — проверьте в formgrader")
    return flags
