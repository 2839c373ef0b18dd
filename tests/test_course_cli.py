"""The `infowork` command line and the manifest reader, as an instructor uses them."""
import re
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


def test_course_prints_map_and_every_programme(capsys):
    assert cli.main(["course"]) == 0
    out = capsys.readouterr().out
    manifest = load_manifest()
    for module in manifest.modules:
        assert module.title in out
    assert out.count("День 1") == len(manifest.programmes) == 4
    assert "10:00–" in out and "кофе-брейк" in out and "обед" in out


def test_course_days_filter_and_unknown_days(capsys):
    assert cli.main(["course", "--days", "5"]) == 0
    out = capsys.readouterr().out
    assert "День 1" in out and out.count("начало в 10:00") == 1
    assert cli.main(["course", "--days", "2"]) == 1
    assert "Программы на 2 дня нет. Есть программы на 1, 3, 5 и 6 дней." in capsys.readouterr().err


def _timetable(out: str) -> dict[int, list[tuple[int, int, str]]]:
    """The printed programme as {day: [(start, end, what)]} in minutes from midnight."""
    days: dict[int, list[tuple[int, int, str]]] = {}
    for line in out.splitlines():
        day = re.match(r"  День (\d+): (\d\d):(\d\d)–(\d\d):(\d\d)$", line)
        if day:
            current = days.setdefault(int(day.group(1)), [])
            continue
        row = re.match(r"    (\d\d):(\d\d)–(\d\d):(\d\d)  (.+)$", line)
        if row:
            h1, m1, h2, m2 = map(int, row.groups()[:4])
            current.append((h1 * 60 + m1, h2 * 60 + m2, row.group(5)))
    return days


@pytest.mark.parametrize("n_days", [3, 5])
def test_programme_is_a_real_day_with_breaks_and_no_empty_day(n_days, capsys):
    assert cli.main(["course", "--days", str(n_days)]) == 0
    out = capsys.readouterr().out
    days = _timetable(out)
    assert list(days) == list(range(1, len(days) + 1)) and 1 <= len(days) <= n_days
    work_per_day = {}
    for number, rows in days.items():
        assert rows[0][0] == 10 * 60, f"day {number} starts at 10:00"
        assert all(a[1] == b[0] for a, b in zip(rows, rows[1:])), f"day {number} has gaps"
        work = [r for r in rows if "урок" in r[2] or "практика" in r[2]]
        breaks = [r for r in rows if r not in work]
        assert breaks, f"day {number} has no break"
        assert all(r[2] in ("кофе-брейк", "обед") for r in breaks)
        assert rows[-1] in work, "a day ends with work, not with a break"
        run = 0
        for start, end, what in rows:  # nobody works 2 hours without a break
            run = run + end - start if what not in ("кофе-брейк", "обед") else 0
            assert run <= 105, f"day {number}: {run} minutes without a break"
        if sum(e - s for s, e, _ in work) > 180:
            assert any(r[2] == "обед" and 12 * 60 <= r[0] <= 14 * 60 for r in breaks), \
                f"day {number}: a full day has lunch between 12:00 and 14:00"
        work_per_day[number] = sum(e - s for s, e, _ in work)
    assert min(work_per_day.values()) >= max(work_per_day.values()) / 3, \
        f"a near-empty day: {work_per_day}"
    manifest = load_manifest()
    programme = next(p for p in manifest.programmes if p.days == n_days)
    for module_id in programme.modules:
        module = manifest.module(module_id)
        lines = [line for line in out.splitlines() if f"{module_id} «" in line]
        assert lines, f"{module_id} is not in the programme"
        assert all(("не готов" in line) == (not module.ready) for line in lines), module_id


def test_lesson_and_practice_of_a_ready_module_stay_on_one_day_where_they_fit():
    manifest = load_manifest()
    for programme in manifest.programmes:
        for module_id in programme.modules:
            module = manifest.module(module_id)
            if not module.ready:
                continue
            on = {i for i, day in enumerate(schedule(manifest, programme))
                  for m, _, _ in day if m == module_id}
            if module.total_minutes <= programme.minutes_per_day:
                assert len(on) == 1, f"{programme.title}: {module_id} split over days {on}"


def test_copy_gives_the_learner_a_copy_that_check_uses(monkeypatch, tmp_path, capsys):
    module = load_manifest().ready_modules[0]
    target = tmp_path / f"{module.id}.ipynb"
    monkeypatch.setattr(cli, "_learner_copy", lambda assignment: target)
    assert cli.main(["copy", module.id]) == 0
    assert target.read_bytes() == module.exercise_path().read_bytes()
    assert f"infowork check {module.id}" in capsys.readouterr().out
    target.write_text("{}", encoding="utf-8")  # the learner's work is never overwritten
    assert cli.main(["copy", module.id]) == 0
    assert target.read_text(encoding="utf-8") == "{}" and "не перезаписана" in \
        capsys.readouterr().out
    from infowork.grading import selfcheck

    seen = {}
    monkeypatch.setattr(selfcheck, "main", lambda a, path: seen.setdefault("path", path) and 0)
    cli.main(["check", module.id])
    assert seen["path"] == target


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


def test_no_sliver_of_a_lesson_or_practice_before_a_break_or_a_new_day():
    """A 5-minute piece of a lesson before lunch is not a plan an instructor can run."""
    from infowork.course import MIN_PIECE, day_timetable, load_manifest, schedule

    manifest = load_manifest()
    for programme in manifest.programmes:
        for day in schedule(manifest, programme):
            for start, end, module_id, kind in day_timetable(day):
                if kind is not None:
                    assert end - start >= MIN_PIECE, (programme.days, module_id, kind, start)
