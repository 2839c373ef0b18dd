"""How `infowork grade` reads a folder of trainees' files: names, matching, wrong input.
Fast: no nbgrader run here (the round trip is tests/test_grading_roundtrip.py)."""
from __future__ import annotations

import json

import nbformat
import pytest

from infowork import grading, submissions
from infowork.submissions import parse_filename, scan_folder, student_id

from conftest import tiny_master


@pytest.mark.parametrize("filename, expected", [
    ("ivanov_00_intro.ipynb", ("ivanov", "ivanov", "00_intro")),
    ("Ivanov_00_intro (1).ipynb", ("ivanov", "Ivanov", "00_intro")),
    ("petrov-00_intro .ipynb", ("petrov", "petrov", "00_intro")),
    ("Иванов_00_intro.ipynb", ("ivanov", "Иванов", "00_intro")),
    ("Щукина 00 intro - копия.IPYNB", ("shchukina", "Щукина", "00_intro")),
    ("00_intro_kuznetsova.ipynb", ("kuznetsova", "kuznetsova", "00_intro")),
    ("ivanov_ii_00_intro(2).ipynb", ("ivanov_ii", "ivanov ii", "00_intro")),
    ("Сидорова_задание (2).ipynb", ("sidorova", "Сидорова", None)),
    ("zadanie (1).ipynb", (None, "", None)),
    ("Untitled1.ipynb", (None, "", None)),
    ("Орлова_Untitled2.ipynb", ("orlova", "Орлова", None)),
    ("00_intro.ipynb", (None, "", "00_intro")),
])
def test_file_names_are_normalised(filename, expected):
    assert parse_filename(filename, ["00_intro"]) == expected


def test_longest_notebook_name_wins():
    notebooks = ["01_content_planning", "01_content_planning_extra"]
    assert parse_filename("orlov_01_content_planning_extra.ipynb", notebooks) == \
        ("orlov", "orlov", "01_content_planning_extra")


@pytest.mark.parametrize("text, expected", [
    ("Ёлкина", "elkina"), ("Хрущёв", "khrushchev"), ("Юрьева", "yureva"),
    ("Müller", "muller"), ("  Петров И.И. ", "petrov_i_i"),
])
def test_student_ids_are_ascii(text, expected):
    assert student_id(text) == expected
    assert student_id(text).isascii()


def _write(path, nb):
    nbformat.write(nb, path)
    return path


def test_scan_matches_renamed_notebooks_by_content_and_reports_the_rest(tmp_path):
    master = tiny_master()
    _write(tmp_path / "ivanov_99_demo.ipynb", master)
    _write(tmp_path / "Смирнов_моя работа.ipynb", master)           # renamed, but its cells match
    _write(tmp_path / "orlov_notes.ipynb", nbformat.v4.new_notebook())  # some other notebook
    (tmp_path / "petrov_99_demo.ipynb").write_text('{"cells": [', encoding="utf-8")
    (tmp_path / "kozlov_99_demo.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "subfolder").mkdir()
    (tmp_path / ".DS_Store").write_bytes(b"\0")

    candidates, rejected = scan_folder(tmp_path, {"99_demo": master})
    by_student = {c.student: c for c in candidates}
    assert sorted(by_student) == ["ivanov", "petrov", "smirnov"]
    assert any("переименован" in p for p in by_student["smirnov"].problems)
    assert by_student["smirnov"].name == "Смирнов"
    assert by_student["petrov"].nb is None
    assert by_student["petrov"].problems == [
        "файл не является блокнотом Jupyter (повреждённый JSON)"]
    reasons = dict(rejected)
    assert "не похоже на задание 99_demo" in reasons["orlov_notes.ipynb"]
    assert "ожидается файл .ipynb" in reasons["kozlov_99_demo.docx"]
    assert "subfolder/" in reasons
    assert ".DS_Store" not in reasons


def test_newest_file_of_a_trainee_wins_and_the_older_is_reported(tmp_path):
    import os

    master = tiny_master()
    old = _write(tmp_path / "ivanov_99_demo.ipynb", master)
    new = _write(tmp_path / "Ivanov_99_demo (1).ipynb", master)
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_700_000_100, 1_700_000_100))
    candidates, rejected = scan_folder(tmp_path, {"99_demo": master})
    assert [c.path.name for c in candidates] == [new.name]
    assert "есть файл новее" in dict(rejected)[old.name]


def test_repair_puts_back_a_deleted_step_in_place():
    master = tiny_master()
    trainee = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    repaired, notes = submissions.repair(trainee, master)
    assert [c.metadata.get("nbgrader", {}).get("grade_id") for c in repaired.cells] == \
        ["answer_x", "test_x", None]
    assert any("test_x удалена" in n for n in notes)
    nbformat.validate(repaired)


def test_feedback_preprocessor_hides_hidden_tests_and_tracebacks():
    cell = nbformat.v4.new_code_cell(
        '"""x is right."""\nassert isinstance(x, int), "x: нужно целое число."\n'
        "### BEGIN HIDDEN TESTS\nassert x == 42, \"x: значение неверное.\"\n"
        "### END HIDDEN TESTS\n",
        metadata={"nbgrader": {"grade": True, "grade_id": "test_x", "solution": False,
                               "locked": True, "points": 1}})
    cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError",
                                           evalue="x: значение неверное.",
                                           traceback=["----> 4 assert x == 42", "AssertionError"])]
    task = nbformat.v4.new_markdown_cell(
        "Напишите анонс.\n=== BEGIN MARK SCHEME ===\n2 балла: есть дата\n=== END MARK SCHEME ===\n")
    nb = nbformat.v4.new_notebook(cells=[cell, task])
    out, _ = grading.HideTestCode()(nb, {})
    text = json.dumps(out, ensure_ascii=False)
    # Look for the hidden code itself, not the digits: random cell ids may contain "42".
    assert "x == 42" not in text and "HIDDEN" not in text
    assert "MARK SCHEME" not in text and "есть дата" not in text and "Напишите анонс" in text
    assert "AssertionError: x: значение неверное." in text
    assert "нужно целое число" in text  # visible checks stay visible


def test_missing_folder_and_unknown_assignment_are_instructor_errors(tmp_path, capsys):
    assert grading.main("00_intro", tmp_path / "нет такой папки") == 2
    assert "Папки с работами" in capsys.readouterr().err
    assert grading.main("99_nothing", tmp_path) == 2
    assert "нет модуля «99_nothing»" in capsys.readouterr().err
    assert grading.main("02_audience", tmp_path) == 2  # a planned module without an assignment
    assert "нет задания" in capsys.readouterr().err


def test_empty_folder_is_an_instructor_error(tmp_path, capsys):
    assert grading.main("00_intro", tmp_path) == 2
    assert "нет ни одного файла" in capsys.readouterr().err


def test_repair_upgrades_a_notebook_from_an_older_jupyter():
    master = tiny_master()
    old = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    old.nbformat_minor = 4
    for cell in old.cells:
        del cell["id"]
    repaired, _ = submissions.repair(old, master)
    nbformat.validate(repaired)
    assert repaired.nbformat_minor == 5 and all(c.get("id") for c in repaired.cells)


def test_a_readable_notebook_beats_a_newer_broken_one(tmp_path):
    import os

    master = tiny_master()
    good = _write(tmp_path / "ivanov_99_demo.ipynb", master)
    broken = tmp_path / "ivanov_99_demo (1).ipynb"
    broken.write_text("{", encoding="utf-8")
    os.utime(good, (1_700_000_000, 1_700_000_000))
    candidates, rejected = scan_folder(tmp_path, {"99_demo": master})
    assert [c.path.name for c in candidates] == [good.name]
    assert "файл повреждён" in dict(rejected)[broken.name]


def test_docstring_examples_of_the_submissions_module():
    import doctest

    result = doctest.testmod(submissions, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 7 and result.failed == 0
