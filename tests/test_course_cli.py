"""The `infowork` command line and the manifest reader, as an instructor uses them."""
import subprocess
import sys

import pytest

from infowork import ROOT, cli
from infowork.course import ManifestError, Programme, load_manifest, schedule


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "infowork.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def test_help_is_in_russian():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "Использование:" in result.stdout and "команды" in result.stdout
    assert "usage:" not in result.stdout


def test_grade_help_documents_the_file_naming_rule():
    result = run_cli("grade", "--help")
    assert "ivanov_00_intro.ipynb" in result.stdout


def test_course_prints_map_and_three_programmes(capsys):
    assert cli.main(["course"]) == 0
    out = capsys.readouterr().out
    manifest = load_manifest()
    for module in manifest.modules:
        assert module.title in out
    assert out.count("День 1") == 3
    assert "10:00-" in out


def test_course_days_filter_and_unknown_days(capsys):
    assert cli.main(["course", "--days", "5"]) == 0
    out = capsys.readouterr().out
    assert "День 1" in out and out.count("дн.,") == 1
    assert cli.main(["course", "--days", "2"]) == 1
    assert "Программы на 2 дн. нет" in capsys.readouterr().err


def test_first_lesson_is_a_ready_module_notebook(capsys):
    assert cli.main(["course", "--first-lesson"]) == 0
    path = ROOT / capsys.readouterr().out.strip()
    assert path.suffix == ".ipynb" and path.parent.parent.name == "courses"


def test_schedule_refuses_a_programme_that_does_not_fit():
    manifest = load_manifest()
    tight = Programme(days=1, title="Слишком плотно", minutes_per_day=60,
                      modules=("00_intro", "01_content_planning"))
    with pytest.raises(ManifestError, match="Слишком плотно"):
        schedule(manifest, tight)


def test_schedule_splits_a_block_across_days():
    manifest = load_manifest()
    first = manifest.modules[0]
    prog = Programme(days=5, title="t", minutes_per_day=first.teaching_minutes - 10,
                     modules=(first.id,))
    days = schedule(manifest, prog)
    assert days[0] == [(first.id, "урок", first.teaching_minutes - 10)]
    assert days[1][0] == (first.id, "урок", 10)


def test_malformed_manifest_names_the_module(tmp_path):
    bad = tmp_path / "course.yml"
    bad.write_text("modules:\n  - id: 00_x\n    title: T\n    status: done\n"
                   "    minutes: {teaching: 1, exercises: 1}\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="00_x.*done"):
        load_manifest(bad)


def test_unknown_module_lists_known_ones():
    with pytest.raises(KeyError, match="00_intro"):
        load_manifest().module("99_nothing")


def test_report_before_grading_says_what_to_run(monkeypatch, tmp_path, capsys):
    from infowork.grading import pipeline

    monkeypatch.setattr(pipeline, "DEFAULT_COURSE_ROOT", tmp_path)
    assert cli.main(["report", "00_intro"]) == 2
    assert "сначала запустите infowork grade 00_intro" in capsys.readouterr().err
    assert cli.main(["report", "99_nothing"]) == 2
    assert "Есть: 00_intro" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["check", "00_intro"], ["grade", "00_intro", "."],
                                  ["report", "00_intro"]])
def test_grading_commands_refuse_to_run_inside_a_notebook_being_graded(argv, monkeypatch,
                                                                        capsys):
    from infowork.exercises import GRADING_MARK, nbgrader_env

    assert nbgrader_env()[GRADING_MARK] == "1", "kernels nbgrader starts inherit the mark"
    monkeypatch.setenv(GRADING_MARK, "1")
    assert cli.main(argv) == 2
    assert "запущена из блокнота, который сейчас проверяется" in capsys.readouterr().err
