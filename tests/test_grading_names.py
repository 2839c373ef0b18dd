"""How `infowork grade` reads a folder of trainees' files: names, matching, wrong input.
Fast: no nbgrader run here (the round trip is tests/test_grading_roundtrip.py)."""
from __future__ import annotations

import json

import nbformat
import pytest

from infowork import grading
from infowork.grading import submissions
from infowork.grading.submissions import parse_filename, scan_folder, student_id

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


def test_a_planned_module_without_an_assignment_is_an_instructor_error(tmp_path, capsys,
                                                                       monkeypatch):
    import dataclasses

    from infowork import course

    manifest = course.load_manifest()
    planned = dataclasses.replace(manifest.modules[-1], status="planned", assignment=None)
    monkeypatch.setattr(course, "load_manifest", lambda *a, **k: dataclasses.replace(
        manifest, modules=(*manifest.modules[:-1], planned)))
    assert grading.main(planned.id, tmp_path) == 2
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


def test_a_very_long_surname_gets_a_short_stable_id(tmp_path):
    master = tiny_master()
    surname = "Щукина" + "щ" * 110  # 236 bytes as a file name; «щ» -> "shch" in the id
    _write(tmp_path / f"{surname}_99_demo.ipynb", master)
    _write(tmp_path / f"{surname}а_99_demo.ipynb", master)  # one letter more: another trainee
    candidates, rejected = scan_folder(tmp_path, {"99_demo": master})
    ids = [c.student for c in candidates]
    assert len(set(ids)) == 2 and not rejected
    assert all(len(i) == submissions.MAX_ID_LENGTH and i.startswith("shchukinashch") for i in ids)
    assert len(candidates[0].name) <= submissions.MAX_NAME_LENGTH


def test_broken_nbgrader_metadata_is_restored_from_the_release_copy():
    master = tiny_master()
    for number, cell in enumerate(master.cells):
        cell["id"] = f"c-{number}"
    raw = json.loads(nbformat.writes(master))
    raw["cells"][0]["metadata"]["nbgrader"] = "answer"           # a string, not a mapping
    raw["cells"][1]["metadata"]["nbgrader"]["points"] = "много"  # a word for points
    raw["cells"][1]["source"] = 42                               # a number for source
    raw["cells"].append(raw["cells"][1] | {"id": "c-copy"})      # the test cell twice
    parsed = submissions.read_submission(json.dumps(raw).encode())
    assert parsed.nb is not None, parsed.broken
    assert any("метаданные nbgrader" in n for n in parsed.notes)
    repaired, notes = submissions.repair(parsed.nb, master)
    ids = [submissions.grade_id_of(c) for c in repaired.cells]
    assert ids == ["answer_x", "test_x", None], ids
    assert repaired.cells[1].metadata.nbgrader["points"] == 1
    assert any("повторяется" in n for n in notes) and any("были изменены" in n for n in notes)
    nbformat.validate(repaired)


@pytest.mark.parametrize("data, reason", [
    (b"", "файл пустой"), (b"\0" * 100, "нулевыми байтами"), (b"PK\x03\x04rest", "ZIP-архив"),
    (b'{"cells": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "слишком глубоко вложенные"),
    (b"<!DOCTYPE html><html></html>", "веб-страница"), (b'{"cells": {}}', "нет ячеек"),
    (b'{"nbformat": 5, "cells": []}', "новее 4"), ("ячейка".encode("cp1251"), "не текст UTF-8"),
])
def test_files_that_are_no_notebook_say_why_in_russian(data, reason):
    parsed = submissions.read_submission(data)
    assert parsed.nb is None and reason in parsed.broken


def test_an_nbformat_3_notebook_is_converted_not_rejected():
    old = nbformat.v3.new_notebook(worksheets=[nbformat.v3.new_worksheet(cells=[
        nbformat.v3.new_code_cell("x = 1", metadata={"nbgrader": {"grade_id": "answer_x"}})])])
    parsed = submissions.read_submission(nbformat.writes(old, version=3).encode())
    assert parsed.nb is not None and parsed.nb.nbformat == 4
    assert submissions.grade_id_of(parsed.nb.cells[0]) == "answer_x"
    assert any("nbformat 3" in n for n in parsed.notes)


def test_outputs_lose_the_instructor_environment_and_lines_of_the_master(monkeypatch):
    from infowork.grading import redaction

    master = tiny_master()
    master.cells[1].source = ("assert x > 0\n### BEGIN HIDDEN TESTS\n"
                              'assert x == 1, "x: значение неверное."\n### END HIDDEN TESTS\n')
    secrets = redaction.secret_lines(master)
    assert secrets == {'assert x == 1, "x: значение неверное."'}
    monkeypatch.setenv("INSTRUCTOR_TOKEN", "tok-1234567890")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(secret)")])
    nb.cells[0].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=(
            "мой ответ\nassert x == 1, \"x: значение неверное.\"\n"
            '"assert x == 1, \\"x: значение неверное.\\"\\n",\ntok-1234567890\n')),
        nbformat.v4.new_output("execute_result", data={"text/plain": "я" * 300_000})]
    monkeypatch.setattr(redaction.RedactOutputs, "_secrets", lambda self, r: frozenset(secrets))
    out, _ = redaction.RedactOutputs().preprocess(nb, {})
    text = out.cells[0].outputs[0].text
    assert text.splitlines()[0] == "мой ответ"
    assert "значение неверное" not in text and "tok-1234567890" not in text
    assert text.count(redaction.LINE_PLACEHOLDER) == 2 and redaction.ENV_PLACEHOLDER in text
    shown = out.cells[0].outputs[1].data["text/plain"]
    assert len(shown) < 210_000 and "вывод обрезан" in shown


def test_a_kernel_exit_is_told_from_a_kill():
    from infowork.grading.execution import describe_exit

    assert "os._exit" in describe_exit(0)[1] and "os._exit" in describe_exit(3)[1]
    assert describe_exit(-9)[0] == describe_exit(137)[0] == "KernelKilled"
    assert "SIGSEGV" in describe_exit(-11)[1]
    assert "не хватило памяти" not in describe_exit(3)[1]


def _ids(folder, known=None):
    candidates, _ = scan_folder(folder, {"99_demo": tiny_master()}, known=known)
    return {c.name: c.student for c in candidates}


def test_namesake_ids_do_not_renumber_when_a_file_is_added_or_left_out(tmp_path):
    """ivanov and Иванов are two trainees; each keeps its id whatever else the folder holds,
    and what the group's gradebook already knows (id -> recorded name) is kept too."""
    from infowork.grading.submissions import namesake_id

    master = tiny_master()
    cyrillic = namesake_id("ivanov", "Иванов")
    assert cyrillic.startswith("ivanov_") and cyrillic != "ivanov_2"
    both = tmp_path / "both"
    both.mkdir()
    _write(both / "ivanov_99_demo.ipynb", master)
    _write(both / "Иванов_99_demo.ipynb", master)
    assert _ids(both) == {"ivanov": "ivanov", "Иванов": cyrillic}
    # One more namesake the next day: nobody is renumbered.
    _write(both / "Ivanóv_99_demo.ipynb", master)
    assert _ids(both) == {"ivanov": "ivanov", "Иванов": cyrillic,
                          "Ivanóv": namesake_id("ivanov", "Ivanóv")}
    assert len(set(_ids(both).values())) == 3
    (both / "Ivanóv_99_demo.ipynb").unlink()
    # Graded again with ivanov's file left out: Иванов does not take over ivanov's id.
    alone = tmp_path / "alone"
    alone.mkdir()
    _write(alone / "Иванов_99_demo.ipynb", master)
    gradebook = {"ivanov": "ivanov", cyrillic: "Иванов"}
    assert _ids(alone, gradebook) == {"Иванов": cyrillic}
    assert _ids(alone, {"ivanov": "ivanov"}) == {"Иванов": cyrillic}
    # Иванов was graded first, alone, as ivanov: a later ivanov gets the other id.
    assert _ids(both, {"ivanov": "Иванов"})["Иванов"] == "ivanov"
    assert _ids(both, {"ivanov": "Иванов"})["ivanov"] == namesake_id("ivanov", "ivanov")
    # A gradebook of the earlier numbering (ivanov_2) keeps its ids.
    assert _ids(both, {"ivanov": "ivanov", "ivanov_2": "Иванов"}) == \
        {"ivanov": "ivanov", "Иванов": "ivanov_2"}
    # The same trainee alone, as recorded: no note, the plain id.
    solo = tmp_path / "solo"
    solo.mkdir()
    _write(solo / "Petrov_99_demo.ipynb", master)
    candidates, _ = scan_folder(solo, {"99_demo": master}, known={"petrov": "Petrov"})
    assert [(c.student, c.problems) for c in candidates] == [("petrov", [])]



def test_a_group_folder_config_keeps_formgraders_templates(tmp_path, prepared_course):
    """Formgrader opened on a group's folder reads its config: the Russian feedback template must
    come first, and formgrader's own «formgrade» pages must still be found."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    prepared_course(tmp_path / "course", "00_intro")
    source = (tmp_path / "course" / "nbgrader_config.py").read_text(encoding="utf-8")
    line = next(x for x in source.splitlines() if "extra_template_basedirs" in x)
    c = Config()
    exec(line, {"c": c})  # noqa: S102 - the one line the pipeline wrote
    folders = c.HTMLExporter.extra_template_basedirs
    assert "formgrader" not in folders[0] and folders[1].endswith("formgrader/templates")
    assert HTMLExporter(config=c, template_name="formgrade").template is not None


def test_a_trainee_is_claimed_by_one_worker_only(tmp_path):
    from infowork.grading.pipeline import _claim

    assert _claim(tmp_path, "ivanov", "1-1")
    assert not _claim(tmp_path, "ivanov", "2-1")
    assert (tmp_path / "ivanov.claim").read_text(encoding="utf-8") == "1-1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ivanov.claim"], "no drafts left"


def test_trainees_graded_meanwhile_are_those_a_tampering_may_have_reached():
    from infowork.grading.gradebook import graded_meanwhile

    order = ["a", "b", "c", "d"]
    assert graded_meanwhile(order, ["a", "b"], "b", "a", jobs=1) == ["c", "d"]
    # Two workers: 1 took b, then c; 2 took a (slow). b's code ran while a's did, and before c.
    assert graded_meanwhile(order, ["b"], "b", None, jobs=2) == ["a", "c", "d"]
    assert graded_meanwhile(order, ["b", "c"], "c", "b", jobs=2) == ["a", "d"]
    assert graded_meanwhile(order, ["b", "c", "a"], "a", None, jobs=2) == ["b", "c", "d"]
    assert graded_meanwhile(order, ["b", "c", "a", "d"], "d", "c", jobs=2) == ["a"]


def test_the_time_left_follows_the_pace_after_the_workers_started():
    from infowork.grading.pipeline import _remaining

    # Two workers start up for 4 s, then a trainee is done every second.
    assert _remaining([4.0], jobs=2, total=12) is None
    assert _remaining([4.0, 4.1], jobs=2, total=12) is None
    assert _remaining([4.0, 4.1, 5.1], jobs=2, total=12) == pytest.approx(9.0)
    assert _remaining([4.0, 4.1, 5.1, 6.1], jobs=2, total=12) == pytest.approx(8.0)
    assert _remaining([4.0, 4.1, 5.1, 6.1], jobs=2, total=4) is None, "all done"
    assert _remaining([2.0, 3.5], jobs=1, total=3) == pytest.approx(1.5)


def test_a_worker_that_dies_at_start_fails_one_trainee_at_a_time_and_the_run_ends(tmp_path):
    """A memory limit of 1 MB: every worker dies before it takes a trainee. Each death fails
    the next trainee (with the worker's log), so the run ends with every trainee failed, none
    lost."""
    from infowork.grading import pipeline

    done: list[str] = []
    results = pipeline._run_workers(tmp_path, "00_intro", ["a", "b"], grading.Limits(memory_mb=1), 60,
                           lambda student, previous: done.append(student), jobs=1)
    assert done == ["a", "b"]
    assert all(r["crashed"] not in (0, None) and r["log"] for r in results.values()), results
    assert pipeline._failure(results["a"], grading.Limits()) == (
        "работа не проверена: процесс проверки остановился, не начав её (журнал: "
        "logs/worker-1-1.log); запустите проверку снова")
    assert not list((tmp_path / "logs").glob("*.claim*"))


def test_cell_metadata_is_still_validated_once_the_schema_is_checked_once():
    import jsonschema
    from nbgrader.nbgraderformat import MetadataValidator

    from infowork.grading import pipeline

    pipeline._check_metadata_schema_once()
    validator = MetadataValidator()
    good = nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {
        "schema_version": 3, "grade": True, "solution": False, "locked": True,
        "grade_id": "test_x", "points": 2, "task": False}})
    validator.validate_cell(good)
    bad = nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {
        "schema_version": 3, "grade": True, "solution": False, "locked": True,
        "grade_id": "test_x", "points": "два", "task": False}})
    for _ in range(2):  # the kept validator rejects it as jsonschema.validate did
        with pytest.raises(jsonschema.ValidationError, match="два"):
            validator.validate_cell(bad)


def test_a_worker_keeps_one_engine_per_gradebook_and_opens_a_replaced_file_afresh(tmp_path,
                                                                                   monkeypatch):
    from nbgrader import api

    from infowork.grading import pipeline
    from infowork.grading.gradebook import alembic_head

    monkeypatch.setattr(api, "create_engine", api.create_engine)  # restored after the test
    monkeypatch.setattr(api, "get_alembic_version", alembic_head)
    pipeline._share_gradebook_engines()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with api.Gradebook(url, "infowork") as gb:
        gb.add_student("first")
        engine = gb.engine
    (tmp_path / "gradebook.db").rename(tmp_path / "moved.db")  # as a damaged one is replaced
    with api.Gradebook(url, "infowork") as gb:
        assert gb.engine is engine
        assert [s.id for s in gb.students] == []
        gb.add_student("second")
    with api.Gradebook(url, "infowork") as gb:
        assert [s.id for s in gb.students] == ["second"]
    with api.Gradebook(f"sqlite:///{tmp_path / 'moved.db'}", "infowork") as gb:
        assert gb.engine is not engine and [s.id for s in gb.students] == ["first"]
