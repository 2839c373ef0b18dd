"""The class report page (infowork.grading.class_report) on a class built by hand, without
nbgrader: equal wrong answers are counted together, malformed or huge answer records never stop
the page, and the page is self-contained. Its figures against a real gradebook are checked in
tests/test_grading_roundtrip.py, on the class graded there."""
from __future__ import annotations

import html
import json
import re

import nbformat

from infowork import answers
from infowork.grading import class_report
from infowork.grading import report as rp

ASSIGNMENT = "99_test"
TEST_CELL = ('"""Шаг 1: year — год последнего отчёта."""\nfrom infowork import checks\n'
             'value = checks.answer("year", globals())\n'
             "### BEGIN HIDDEN TESTS\nassert value == 2025, 'секрет'\n### END HIDDEN TESTS\n")


def _cell(grade_id, outputs=()):
    cell = nbformat.v4.new_code_cell(TEST_CELL, metadata={"nbgrader": {
        "grade": True, "grade_id": grade_id, "locked": True, "points": 2, "schema_version": 3,
        "solution": False, "task": False}})
    cell.outputs = [nbformat.v4.new_output("display_data", data={answers.MIME: o})
                    for o in outputs]
    return cell


def _class(root, answers_by_student: dict[str, list]):
    """A course root as grading leaves it: release copy, autograded notebooks, saved report."""
    release = root / "release" / ASSIGNMENT
    release.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[_cell("test_year")]),
                   release / f"{ASSIGNMENT}.ipynb")
    results = []
    for student, outputs in answers_by_student.items():
        folder = root / "autograded" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(cells=[_cell("test_year", outputs)]),
                       folder / f"{ASSIGNMENT}.ipynb")
        right = outputs == [answers.record("year", 2025)]
        results.append(rp.TraineeResult(student, student.capitalize(), [f"{student}.ipynb"],
                                        2.0 if right else 0.0, 2.0,
                                        failed_checks=[] if right else ["test_year"]))
    results.append(rp.TraineeResult("kozlov", "Козлов", ["kozlov.ipynb"], 0, 0, graded=False,
                                    problems=["файл не является блокнотом Jupyter"]))
    rp.save(rp.Report(ASSIGNMENT, results, [("notes.txt", "не блокнот Jupyter")], root))


def test_equal_wrong_answers_are_counted_together_and_odd_records_never_stop_it(tmp_path):
    wrong = answers.record("year", 2024)
    huge = {"name": "year", "kind": "list",
            "node": {"t": "list", "v": [{"t": "int", "v": 1}] * 300_000}}
    _class(tmp_path, {"ivanov": [wrong], "petrov": [wrong], "sidorov": [wrong],
                      "orlova": [answers.record("year", 2025)],
                      "belov": [{"name": "year", "kind": "int", "node": {"t": "int", "v": "x"}}],
                      "volkov": [huge], "zaytseva": ["не запись", {"node": []}]})
    data = class_report.collect(tmp_path, ASSIGNMENT, with_master=False)
    (step,) = data.steps
    assert (step.passed, step.failed) == (1, 6)
    top = step.groups[0]
    assert (top.count, top.shown, sorted(top.students)) == (3, "2\xa0024",
                                                            ["ivanov", "petrov", "sidorov"])
    assert sum(g.count for g in step.groups) == 6
    assert sum(class_report.histogram(data).values()) == 7
    assert class_report.histogram(data)[0] == 6
    path = class_report.write(tmp_path, ASSIGNMENT, source_root=tmp_path / "no_master")
    assert path == tmp_path / f"{ASSIGNMENT}_class_report.html"
    page = path.read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert "3 слушателя" in text and "2\xa0024" in text
    assert "слишком большой ответ" in text and "запись ответа повреждена" in text
    assert "notes.txt" in text and "не блокнот Jupyter" in text, "rejected files and why"
    assert "kozlov" in text, "a work that was not graded is listed"
    assert_self_contained(page, TEST_CELL)


def assert_self_contained(page: str, *test_sources: str) -> None:
    """No external resource or link, and no line of any hidden check's code. A web address
    shown as text (a trainee's UTM link in module 04) is neither: only attributes and CSS
    that a browser would follow count."""
    assert not re.search(r"""(src|href|action)\s*=\s*["']?(?!["']?(data:|#))""", page,
                         re.IGNORECASE), "the page must not load or link anything outside itself"
    assert not re.search(r"url\(\s*[\"']?(?!data:)|@import", page, re.IGNORECASE), \
        "the page's styles must not load anything"
    text = html.unescape(page)
    assert "BEGIN HIDDEN TESTS" not in text
    hidden = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
    for source in test_sources:
        for block in hidden.findall(source):
            for line in block.splitlines():
                if len(line.strip()) > 12:
                    assert line.strip() not in text, line


def test_summaries_of_values():
    import pandas as pd

    assert class_report.summarize(0.5) == "0,5"
    assert "…" in class_report.summarize("x" * 500) and len(class_report.summarize("x" * 500)) < 100
    frame = pd.DataFrame({"a": range(1000), "b": ["т"] * 1000})
    assert class_report.summarize(frame).startswith("таблица 1000 × 2; столбцы: a, b")
    assert json.dumps(class_report.summarize(list(range(100)))).count(",") < 20


def test_master_answers_run_the_master_once_and_come_from_the_cache_after(tmp_path, monkeypatch):
    """«Верный ответ (эталон)» on the page: the master copy runs at the first report and its
    answers are read from the user's cache at the next ones (the same answers)."""
    import pytest

    from infowork import grading

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    module = "00_intro"
    nb = nbformat.read(grading.SOURCE_ROOT / module / f"{module}.ipynb", as_version=4)
    steps = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    first = class_report._master_answers(grading.SOURCE_ROOT, module, steps)
    assert first and set(first) <= steps and all(first.values())
    assert list((tmp_path / "infowork" / "master").glob(f"{module}-*.answers.json"))
    monkeypatch.setattr(class_report, "_run_master",
                        lambda *args: pytest.fail("the master copy ran again"))
    assert class_report._master_answers(grading.SOURCE_ROOT, module, steps) == first
    one = sorted(first)[0]
    assert class_report._master_answers(grading.SOURCE_ROOT, module, {one}) == {one: first[one]}
