"""The instructor's grade table, CSV and saved class report (infowork.grading.report), without nbgrader."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from infowork.grading import report as rp


def _result(student, score=5.0, manual_max=0.0, manual_score=0.0, pending=None, graded=True,
            **kw):
    return rp.TraineeResult(student, student.capitalize(), [f"{student}_01.ipynb"], score, 8.0,
                            manual_max=manual_max, graded=graded, manual_score=manual_score,
                            manual_pending=manual_max if pending is None else pending, **kw)


def _row(table: str, student: str) -> str:
    return next(line for line in table.splitlines() if f" {student} " in line)


def test_manual_column_says_what_is_waiting_and_what_was_given(tmp_path):
    report = rp.Report("01", [_result("ivanov", manual_max=4),
                              _result("petrov", manual_max=4, manual_score=3, pending=0),
                              _result("sidorov", manual_max=4, manual_score=1, pending=2),
                              _result("kozlov", 0.0, manual_max=4, graded=False,
                                      problems=["файл повреждён"])],
                       [("notes.txt", "не блокнот")], tmp_path)
    table = rp.format_table(report)
    assert "ручная" in table.splitlines()[2]
    assert "ждёт (из 4)" in _row(table, "ivanov")
    assert "3 из 4" in _row(table, "petrov") and "ждёт" not in _row(table, "petrov")
    assert "1 из 4, ждёт 2" in _row(table, "sidorov")
    assert "ждёт" not in _row(table, "kozlov"), "an ungraded notebook waits for nothing"
    path = rp.write_csv(report, tmp_path / "grades.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    by = {r["слушатель"]: r for r in rows}
    assert list(rows[0]) == rp.CSV_COLUMNS
    assert (by["ivanov"]["ручная проверка (баллы)"], by["ivanov"]["итого"]) == ("", "5")
    assert (by["petrov"]["ручная проверка (баллы)"], by["petrov"]["итого"]) == ("3", "8")
    assert rows[-1]["файл"] == "notes.txt" and rows[-1]["итого"] == ""


def test_no_manual_column_when_nothing_is_graded_by_hand(tmp_path):
    table = rp.format_table(rp.Report("00", [_result("ivanov", 7.5)], [], tmp_path))
    assert "ручная" not in table
    assert "7,5" in _row(table, "ivanov")


def test_saved_report_round_trips(tmp_path):
    original = rp.Report("01", [_result("ivanov", manual_max=4, manual_score=2, pending=0,
                                        feedback=[tmp_path / "ivanov_01.html"],
                                        failed_checks=["test_a"])],
                         [("x.zip", "архив повреждён")], tmp_path, tmp_path / "out")
    rp.save(original)
    assert rp.load(tmp_path, "01") == original


def test_a_late_submission_keeps_the_rest_of_the_class(tmp_path):
    rp.save(rp.Report("01", [_result("ivanov", 2), _result("petrov", 3)],
                      [("a.txt", "не блокнот")], tmp_path, tmp_path / "out"))
    rp.save(rp.Report("01", [_result("petrov", 8)], [], tmp_path), merge=True)
    saved = rp.load(tmp_path, "01")
    assert [(r.student, r.score) for r in saved.results] == [("ivanov", 2), ("petrov", 8)]
    assert saved.rejected == [("a.txt", "не блокнот")]
    assert saved.feedback_dir == tmp_path / "out"


def test_missing_report_says_what_to_run_first(tmp_path):
    with pytest.raises(rp.ReportMissing, match="сначала запустите infowork grade 01"):
        rp.load(tmp_path, "01")
    assert not any(Path(tmp_path).iterdir()), "looking for a report creates nothing"


def test_refresh_refuses_a_course_folder_without_the_assignment(tmp_path):
    from infowork import grading

    rp.save(rp.Report("00_intro", [_result("ivanov")], [], tmp_path))
    with pytest.raises(grading.GradingError, match="запустите infowork grade 00_intro"):
        grading.refresh("00_intro", course_root=tmp_path)
