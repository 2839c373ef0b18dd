"""Hostile submissions of module 00 that try to disarm the checks in the kernel (issue #8, item 1).

:func:`submissions` gives, for each, the notebook file and the points it must get: what the honest
work behind it deserves. Each is the blank exercise with some steps solved honestly, some answered
wrong, and one trick that makes the wrong answers pass in the trainee's kernel. The independent
check (infowork.grading.verdict) must give the disarmed steps 0 and the honest ones full marks.

Points of 00_intro: overview 1, top5 2, tg_pfo 2, district_members 2, youth_share 2, chart 3.

Used by tests/test_verdict.py (one class run with honest trainees) and by the class-wide hostile
run (tests/test_hostile_class.py).
"""
from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from infowork import ROOT

ASSIGNMENT = "00_intro"
TOTAL = 12.0

#: Wrong answers that pass every visible check of their step (the hidden checks catch them).
WRONG = {
    "answer_overview": "n_orgs = len(orgs) + 3\ntotal_members = int(orgs['info_staff'].sum()) + 1",
    "answer_top5": ("top5 = orgs.sort_values('members').head(5)[['name', 'region', 'members']]\n"
                    "top5 = top5.sort_values('members', ascending=False)"),
    "answer_district_members": ("district_members = orgs.groupby('federal_district')['members']"
                                ".count().sort_values(ascending=False)"),
    "answer_youth_share": "youth_share = 0.5",
}
POINTS = {"answer_overview": 1, "answer_top5": 2, "answer_tg_pfo": 2,
          "answer_district_members": 2, "answer_youth_share": 2, "answer_chart": 3}

# --- the tricks ---------------------------------------------------------------------------------

#: Every comparison the checks use says "equal".
DISARM = '''
import math, numpy as np
from infowork import checks as _checks
_yes = lambda *a, **k: True
math.isclose = _yes
np.allclose = _yes
np.isclose = _yes
for _name in ("same_number", "same_frame", "same_series", "same_values", "chart"):
    setattr(_checks, _name, lambda *a, **k: None)
'''

#: data.load answers the next hidden check with the trainee's own (wrong) top 5.
FAKE_LOAD = '''
from infowork import data as _data
_real_load = data.load
def _fake_load(name, _real=_real_load):
    _data.load = _real
    if name == "organizations":
        return orgs.loc[top5.index]
    return _real(name)
_data.load = _fake_load
'''

#: Hidden tests removed by an input transformer: the code below BEGIN HIDDEN TESTS never runs.
HIDE_HIDDEN = '''
def _drop_hidden(lines):
    for i, line in enumerate(lines):
        if "BEGIN HIDDEN TESTS" in line:
            return lines[:i] + ["pass\\n"]
    return lines
get_ipython().input_transformers_cleanup.append(_drop_hidden)
'''

#: Every test cell replaced, in the kernel, by a cell that prints the "all right" line and
#: shows made-up answer records (the MIME bundle the kit's checks send) for every step.
FAKE_RECORDS = '''
import json as _json
_MIME = "application/vnd.infowork.answer+json"
_FAKE = {
    "test_overview": [("n_orgs", {"t": "int", "v": 56}), ("total_members", {"t": "int", "v": 1})],
    "test_top5": [("top5", {"t": "frame", "columns": "garbage"})],
    "test_tg_pfo": [("tg_pfo", {"t": "nope"})],
    "test_district_members": [("district_members", {"t": "float", "v": "NaN-ish"})],
    "test_youth_share": [("youth_share", {"t": "float", "v": 0.25})],
    "test_chart": [("ax", {"t": "list", "v": []})],
}
def _fake_cells(lines):
    text = "".join(lines)
    if "Шаг" not in text:
        return lines
    out = ["from IPython.display import publish_display_data as _pub\\n"]
    for fakes in _FAKE.values():
        for name, node in fakes:
            if f'"{name}"' in text:
                record = {"name": name, "kind": node["t"], "node": node}
                out.append(f"_pub({{{_MIME!r}: {record!r}}})\\n")
                out.append(f"print({_json.dumps({_MIME: record})!r})\\n")
    out.append("print('Шаг: форма ответа верна.')\\n")
    return out
get_ipython().input_transformers_cleanup.append(_fake_cells)
'''

#: A number that equals anything and reads the check's expected value from the calling frame;
#: its true answer records are suppressed, and it sends forged ones with the expected value
#: (the records a replay that trusted every output of the cell would believe).
SLY_FLOAT = '''
import sys as _sys
from IPython.display import publish_display_data as _pub
import infowork.answers as _answers

_FORGED = ("n_orgs", "total_members", "youth_share")
_real_publish = _answers._publish
def _publish(data):
    if data.get("name") not in _FORGED:
        _real_publish(data)
_answers._publish = _publish

class _Sly(float):
    def __eq__(self, other):
        return True
    __hash__ = float.__hash__
    def __float__(self):
        frame = _sys._getframe(1)
        if frame.f_code.co_name == "same_number":
            want = float.__float__(float(frame.f_locals["expected"]))
            _pub({"application/vnd.infowork.answer+json": {
                "name": frame.f_locals["name"], "kind": "float",
                "node": {"t": "float", "v": want}}})
            return want
        return float.__float__(self)
'''


def _solved(release: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The exercise with every answer cell filled with the solution's code."""
    import re

    solution = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    markers = re.compile(r"^[ \t]*###[ \t]*(BEGIN|END) SOLUTION[^\n]*\n?", re.MULTILINE)
    answers = {c.metadata["nbgrader"]["grade_id"]: markers.sub("", c.source)
               for c in solution.cells if c.metadata.get("nbgrader", {}).get("solution")}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def _answer(nb, grade_id: str, source: str | None = None, append: str = "",
            prepend: str = "") -> None:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = prepend + (cell.source if source is None else source) + append
            return
    raise KeyError(grade_id)


def _release(release_dir: Path | str) -> nbformat.NotebookNode:
    folder = Path(release_dir)
    for path in (folder / f"{ASSIGNMENT}.ipynb", folder / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"):
        if path.exists():
            return nbformat.read(path, as_version=4)
    raise FileNotFoundError(f"no {ASSIGNMENT}.ipynb in {folder}")


def _honest_except(wrong: list[str]) -> float:
    return TOTAL - sum(POINTS[s] for s in wrong)


def submissions(release_dir: Path | str) -> dict[str, tuple[bytes, float]]:
    """file name -> (notebook bytes, the points it must get) for the verdict's hostile cases."""
    release = _release(release_dir)
    out: dict[str, nbformat.NotebookNode] = {}
    points: dict[str, float] = {}

    # 1. math.isclose, np.allclose and the kit's value checks replaced: three wrong steps.
    nb = _solved(release)
    wrong = ["answer_overview", "answer_district_members", "answer_youth_share"]
    for step in wrong:
        _answer(nb, step, WRONG[step])
    _answer(nb, "answer_overview", append="\n" + DISARM)
    out["verdict_disarm"], points["verdict_disarm"] = nb, _honest_except(wrong)

    # 2. data.load replaced so that "expected" is the trainee's wrong top 5.
    nb = _solved(release)
    _answer(nb, "answer_top5", WRONG["answer_top5"] + "\n" + FAKE_LOAD)
    out["verdict_fakeload"], points["verdict_fakeload"] = nb, _honest_except(["answer_top5"])

    # 3. an input transformer drops the hidden tests: four wrong steps.
    nb = _solved(release)
    wrong = ["answer_overview", "answer_top5", "answer_district_members", "answer_youth_share"]
    for step in wrong:
        _answer(nb, step, WRONG[step])
    _answer(nb, "answer_overview", prepend=HIDE_HIDDEN + "\n")
    out["verdict_transformer"], points["verdict_transformer"] = nb, _honest_except(wrong)

    # 4. a blank notebook whose test cells are rewritten to show made-up answer records.
    nb = copy.deepcopy(release)
    _answer(nb, "answer_overview", FAKE_RECORDS)
    out["verdict_fakerecords"], points["verdict_fakerecords"] = nb, 0.0

    # 5. numbers that equal anything and forge a record with the expected value they read.
    nb = _solved(release)
    _answer(nb, "answer_overview", SLY_FLOAT + "\nn_orgs = _Sly(len(orgs) + 3)\n"
                                               "total_members = _Sly(100.0)\n")
    _answer(nb, "answer_youth_share", "youth_share = _Sly(0.5)")
    out["verdict_slyfloat"], points["verdict_slyfloat"] = nb, _honest_except(
        ["answer_overview", "answer_youth_share"])

    return {f"{name}_{ASSIGNMENT}.ipynb": (nbformat.writes(nb).encode("utf-8"), points[name])
            for name, nb in out.items()}


#: Steps each hostile trainee got past the kernel's checks with wrong answers: the table must
#: flag exactly these («проверка в ядре не совпала с независимой проверкой»).
FLAGGED = {
    "verdict_disarm": {"test_overview", "test_district_members", "test_youth_share"},
    "verdict_fakeload": {"test_top5"},
    "verdict_transformer": {"test_overview", "test_top5", "test_district_members",
                            "test_youth_share"},
    "verdict_fakerecords": {"test_overview", "test_top5", "test_tg_pfo", "test_district_members",
                            "test_youth_share", "test_chart"},
    "verdict_slyfloat": {"test_overview", "test_youth_share"},
}
