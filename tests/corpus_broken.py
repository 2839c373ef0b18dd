"""Broken, odd and hostile submissions of module 00 for grading runs in tests (issue #8, items
3 and 4): files no trainee should send but some do, and cells that attack the grading itself.

:func:`submissions` gives, for each file, its bytes and what grading must make of it
(:class:`Expected`): the autograded points the honest work behind it deserves, or, for a file
that is no notebook at all, that it is reported (not graded) with a Russian reason.

- **unreadable files** (reported, 0 points): JSON nested 100 000 deep (RecursionError in the
  parser), an empty file, one filled with NUL bytes, a zip archive named .ipynb, a web page,
  cells that are not a list, a notebook format newer than 4, a cp1251 text;
- **odd but readable** (repaired and graded): ``metadata.nbgrader`` as a string, a list as
  ``grade_id``, a number as a cell's source, points as a word, an unknown cell type, a
  duplicated grade cell, malformed outputs, cells that are not mappings, NUL characters, an
  nbformat 3 notebook, a UTF-16 file, a very long Cyrillic surname, a huge single line of output;
- **cells that stop the kernel** (only that cell is lost): ``os._exit``, SIGKILL (what a memory
  limit sends), an endless loop that ignores the interrupt;
- **attacks on grading** (score what the solution behind them deserves): extra credit, zeroed
  classmates and a trigger written into the gradebook; the master test cells in the gradebook
  replaced by ``pass``; the gradebook deleted; the hidden tests, solutions and the instructor's
  environment printed into the feedback. With the sandbox (infowork.grading.sandbox) these cells see no
  gradebook and no solutions; without it, infowork.grading.gradebook and infowork.grading.redaction undo
  or hide what they did (except the deleted gradebook: :attr:`Expected.sandbox_only`).

``release_dir`` is the course folder's release copy of the assignment
(``COURSE/release/00_intro``), as for tests/corpus_verdict.py and tests/corpus_sandbox.py.
"""
from __future__ import annotations

import copy
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from infowork import ROOT

from conftest import fill_exercise, grade_meta

ASSIGNMENT = "00_intro"
TOTAL = 12.0
POINTS = {"answer_overview": 1, "answer_top5": 2, "answer_tg_pfo": 2,
          "answer_district_members": 2, "answer_youth_share": 2, "answer_chart": 3}
#: The environment variable a test sets in the instructor's environment: its value must never
#: reach feedback or an autograded copy.
ENV_MARKER = "INFOWORK_TEST_ENV_MARKER"
#: A surname whose id would not fit in a file name (255 bytes) uncapped: «щ» takes 2 bytes in
#: the file's name and becomes 4 letters (shch) in the id.
LONG_SURNAME = "Щукина" + "щ" * 110


@dataclass(frozen=True)
class Expected:
    """What grading must make of one file."""

    points: float | None            # autograded points; None: not graded (no notebook)
    reason: str = ""                # a fragment of the Russian remark the table must show
    #: Deserves ``points`` only when kernels run in the sandbox; without it the file is
    #: reported (``reason``) and the rest of the class is still graded right.
    sandbox_only: bool = False


def _release(release_dir) -> nbformat.NotebookNode:
    release_dir = Path(release_dir)
    return nbformat.read(release_dir / f"{ASSIGNMENT}.ipynb", as_version=4)


def _solved(release) -> nbformat.NotebookNode:
    solution = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                             as_version=4)
    return fill_exercise(release, solution)


def _index(nb, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if grade_meta(c).get("grade_id") == grade_id)


def _append(nb, grade_id: str, code: str):
    nb = copy.deepcopy(nb)
    cell = nb.cells[_index(nb, grade_id)]
    cell.source = cell.source.rstrip("\n") + "\n" + code
    return nb


def _raw(nb) -> dict:
    return json.loads(nbformat.writes(nb))


def _bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


# --- cells that attack grading ----------------------------------------------------------------

_FIND_GRADEBOOK = '''
import os as _os, sqlite3 as _sqlite3
def _gradebook():
    here = _os.getcwd()
    for _ in range(6):
        path = _os.path.join(here, "gradebook.db")
        if _os.path.exists(path):
            return path
        here = _os.path.dirname(here)
    return None
_gb = _gradebook()
'''

#: Extra credit for itself, zero for everyone else, and a trigger that keeps zeroing them.
CREDIT = _FIND_GRADEBOOK + '''
try:
    _db = _sqlite3.connect(_gb, timeout=30)
    _me = _os.path.basename(_os.path.dirname(_os.getcwd()))
    _db.execute("update grade set extra_credit = 600 where notebook_id in (select sn.id from "
                "submitted_notebook sn join submitted_assignment sa on sn.assignment_id = sa.id "
                "where sa.student_id = ?)", (_me,))
    _db.execute("update grade set auto_score = 0 where notebook_id not in (select sn.id from "
                "submitted_notebook sn join submitted_assignment sa on sn.assignment_id = sa.id "
                "where sa.student_id = ?)", (_me,))
    _db.execute("create trigger if not exists _zero_others after update on grade begin "
                "update grade set auto_score = 0 where id != new.id; end")
    _db.commit()
    print("CHEAT credit: done")
except Exception as _exc:
    print("CHEAT credit: blocked", type(_exc).__name__)
'''

#: Every master test cell stored in the gradebook becomes `pass` (with a valid checksum), so the
#: notebooks graded after this one pass every check.
MASTER = _FIND_GRADEBOOK + '''
try:
    from nbgrader.utils import compute_checksum
    from nbformat.v4 import new_code_cell
    _db = _sqlite3.connect(_gb, timeout=30)
    for _id, _name in _db.execute("select id, name from source_cell where name like 'test_%'"
                                  ).fetchall():
        _cell = new_code_cell("pass", metadata={"nbgrader": {
            "grade": True, "grade_id": _name, "locked": True, "solution": False, "points": 1}})
        _db.execute("update source_cell set source = 'pass', checksum = ? where id = ?",
                    (compute_checksum(_cell), _id))
    _db.commit()
    print("CHEAT master: done")
except Exception as _exc:
    print("CHEAT master: blocked", type(_exc).__name__)
'''

#: The gradebook deleted.
DELETE = _FIND_GRADEBOOK + '''
try:
    _os.remove(_gb)
    print("CHEAT delete: done")
except Exception as _exc:
    print("CHEAT delete: blocked", type(_exc).__name__)
'''

#: The hidden tests and solutions printed from solutions/ and from the gradebook, and the
#: instructor's environment.
PRINT = _FIND_GRADEBOOK + '''
import glob as _glob, json as _json
for _path in _glob.glob({kit!r} + "/solutions/*/*.ipynb"):
    try:
        print(open(_path, encoding="utf-8").read())
        for _cell in _json.load(open(_path, encoding="utf-8"))["cells"]:
            print("".join(_cell["source"]))
    except OSError as _exc:
        print("CHEAT print: blocked", type(_exc).__name__)
try:
    for (_source,) in _sqlite3.connect(_gb).execute("select source from source_cell"):
        print(_source)
except Exception as _exc:
    print("CHEAT print: blocked", type(_exc).__name__)
print(dict(_os.environ))
print(_os.environ.get({marker!r}, "no marker"))
try:
    print(open(f"/proc/{{_os.getppid()}}/environ", "rb").read().replace(b"\\0", b"\\n").decode())
except OSError:
    pass
'''

_SIGINT_LOOP = ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                "while True:\n    pass")


def submissions(release_dir: Path | str) -> dict[str, tuple[bytes, Expected]]:
    """file name -> (the file's bytes, what grading must make of it)."""
    release = _release(release_dir)
    solved = _solved(release)
    base = _raw(solved)
    out: dict[str, tuple[bytes, Expected]] = {}
    not_notebook = "файл не является блокнотом Jupyter"

    def put(name: str, data, expected: Expected) -> None:
        if isinstance(data, nbformat.NotebookNode):
            data = nbformat.writes(data).encode("utf-8")
        elif isinstance(data, dict):
            data = _bytes(data)
        out[f"{name}_{ASSIGNMENT}.ipynb"] = (data, expected)

    def edited(change) -> dict:
        data = copy.deepcopy(base)
        change(data)
        return data

    cells = {grade_meta(c).get("grade_id"): i for i, c in enumerate(solved.cells)}

    # --- files that are no notebook: reported, not graded
    put("brk_deep", b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        Expected(None, "слишком глубоко вложенные данные JSON"))
    put("brk_empty", b"", Expected(None, "файл пустой (0 байт)"))
    put("brk_zeros", b"\0" * 4096, Expected(None, "заполнен нулевыми байтами"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"{ASSIGNMENT}.ipynb", nbformat.writes(solved))
    put("brk_zip", archive.getvalue(), Expected(None, "это ZIP-архив"))
    put("brk_html", b"<!DOCTYPE html><html><body>Jupyter</body></html>",
        Expected(None, "это веб-страница"))
    put("brk_cellsdict", edited(lambda d: d.__setitem__("cells", {"a": 1})),
        Expected(None, f"{not_notebook} (в нём нет ячеек)"))
    put("brk_newer", edited(lambda d: d.__setitem__("nbformat", 5)), Expected(None, "новее 4"))
    put("brk_cp1251", "{'ячейки': нет}".encode("cp1251"), Expected(None, "не текст UTF-8"))

    # --- odd but readable: repaired and graded as the work deserves
    put("odd_metastr", edited(lambda d: d["cells"][cells["answer_overview"]]["metadata"]
                              .__setitem__("nbgrader", "answer")),
        Expected(TOTAL, "метаданные nbgrader ячейки повреждены"))
    put("odd_gidlist", edited(lambda d: d["cells"][cells["test_top5"]]["metadata"]["nbgrader"]
                              .__setitem__("grade_id", ["test_top5"])),
        Expected(TOTAL, "метаданные nbgrader ячейки повреждены"))
    put("odd_srcnum", edited(lambda d: d["cells"][cells["answer_overview"]]
                             .__setitem__("source", 42)),
        Expected(TOTAL - POINTS["answer_overview"], "текст ячейки был записан не строкой"))
    put("odd_srcnumtest", edited(lambda d: d["cells"][cells["test_overview"]]
                                 .__setitem__("source", 3.5)),
        Expected(TOTAL, "текст ячейки был записан не строкой"))

    def points_word(d):
        meta = d["cells"][cells["test_tg_pfo"]]["metadata"]["nbgrader"]
        meta["points"], meta["grade"], meta["locked"] = "много", "да", 1
    put("odd_points", edited(points_word),
        Expected(TOTAL, "пометки nbgrader ячейки test_tg_pfo были изменены"))
    put("odd_celltype", edited(lambda d: d["cells"][cells["test_overview"]]
                               .__setitem__("cell_type", "formula")),
        Expected(TOTAL, "ячейка неизвестного типа"))
    put("odd_dupgrade", edited(lambda d: d["cells"].insert(
        cells["test_top5"] + 1, copy.deepcopy(d["cells"][cells["test_top5"]]))),
        Expected(TOTAL, "«test_top5» повторяется"))

    def bad_outputs(d):
        d["cells"][cells["answer_overview"]]["outputs"] = "вывод"
        d["cells"][cells["answer_top5"]]["outputs"] = [{"text": 5}, 7]
        d["cells"][cells["answer_tg_pfo"]]["execution_count"] = "первый"
    put("odd_outputs", edited(bad_outputs), Expected(TOTAL))
    put("odd_notdicts", edited(lambda d: d["cells"].__setitem__(slice(1, 1),
                                                                [17, "ячейка", None])),
        Expected(TOTAL, "повреждённые ячейки"))

    def nul(d):
        d["cells"][0]["source"] = "# Задание\x00 00"
        d["cells"][cells["answer_overview"]]["source"] += "\nnote = 'a\x00b'"
    put("odd_nul", _bytes(edited(nul)) + b"\0" * 512, Expected(TOTAL, "нулевые"))
    put("odd_v3", nbformat.writes(nbformat.convert(copy.deepcopy(solved), 3), version=3).encode("utf-8"),
        Expected(TOTAL, "nbformat 3"))
    put("odd_utf16", nbformat.writes(solved).encode("utf-16"), Expected(TOTAL, "UTF-16"))
    out[f"{LONG_SURNAME}_{ASSIGNMENT}.ipynb"] = (nbformat.writes(solved).encode("utf-8"),
                                                  Expected(TOTAL))
    put("odd_hugeline", _append(solved, "answer_overview", "print('я' * 3_000_000)"),
        Expected(TOTAL, "слишком длинный вывод — обрезан"))

    # --- cells that stop the kernel: only they are lost
    put("kill_exit", _append(solved, "answer_overview", "import os\nos._exit(3)"),
        Expected(TOTAL - POINTS["answer_overview"],
                 "работа завершила процесс Python (os._exit / sys.exit)"))
    put("kill_signal", _append(solved, "answer_youth_share",
                               "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
        Expected(TOTAL - POINTS["answer_youth_share"], "SIGKILL"))
    put("kill_sigint", _append(solved, "answer_chart", _SIGINT_LOOP),
        Expected(TOTAL - POINTS["answer_chart"], "не ответила на прерывание"))

    # --- attacks on grading: the solution behind them deserves every point
    put("cheat_credit", _append(solved, "answer_overview", CREDIT), Expected(TOTAL))
    put("cheat_master", _append(solved, "answer_overview", MASTER), Expected(TOTAL))
    put("cheat_print", _append(solved, "answer_overview",
                               PRINT.format(kit=str(ROOT), marker=ENV_MARKER)), Expected(TOTAL))
    put("cheat_delete", _append(solved, "answer_overview", DELETE),
        Expected(TOTAL, "журнал оценок (gradebook.db) удалён или повреждён",
                 sandbox_only=True))
    return out
