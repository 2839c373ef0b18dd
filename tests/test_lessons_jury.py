"""The machinery of module 05, lesson 3 (infowork.lessons.jury): deviation from the panel, juror
severity, adjusted results and places, winners before and after, one juror's district bias."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from infowork import data  # noqa: E402
from infowork.lessons import jury  # noqa: E402


@pytest.fixture(scope="module")
def scores():
    return data.load("contest_scores")


@pytest.fixture(scope="module")
def photo(scores):
    return scores.query("contest == 'Профсоюзный фотофакт' and year == 2024")


def frame(rows):
    """Scores of one made-up contest from (entry, juror, score) triples, one criterion."""
    return pd.DataFrame([{"contest": "К", "year": 2025, "nomination": "н", "entry_id": e,
                          "federal_district": "ЦФО", "juror": j, "criterion": "к", "score": s}
                         for e, j, s in rows])


def test_deviation_is_measured_against_the_same_entry_and_criterion(photo):
    table = jury.with_deviation(photo)
    sums = table.groupby(["entry_id", "criterion"], observed=True)["deviation"].sum()
    assert sums.abs().max() < 1e-9
    row = table[(table["entry_id"] == "F24-02") & (table["criterion"] == "актуальность")]
    assert row["panel_mean"].tolist() == [9.0] * 4
    assert sorted(row["deviation"].tolist()) == [-1.0, 0.0, 0.0, 1.0]


def test_severity_follows_the_shared_definition_and_differs_from_the_raw_mean(photo):
    own = photo.assign(d=photo["score"] - photo.groupby(["entry_id", "criterion"], observed=True)
                       ["score"].transform("mean"))
    expected = own.groupby("juror", observed=True)["d"].mean()
    expected.index = expected.index.astype(str)
    pd.testing.assert_series_equal(jury.severity(photo), expected.rename("severity"))
    raw = photo.groupby("juror", observed=True)["score"].mean()
    # the lesson's point: by the raw mean J2 is the strictest, by the deviation J6 is
    assert str(raw.idxmin()) == "J2" and jury.severity(photo).idxmin() == "J6"


def test_severity_refuses_scores_of_several_contests(scores):
    with pytest.raises(ValueError, match="по одному конкурсу за один год, а в таблице их 4"):
        jury.severity(scores)


def test_adjusted_subtracts_each_jurors_severity_per_contest_and_year(scores):
    table = jury.with_adjusted(scores)
    assert table.index.equals(scores.index)
    for (contest, year), part in scores.groupby(["contest", "year"], observed=True):
        sev = jury.severity(part)
        got = table.loc[part.index]
        assert (got["severity"] - got["juror"].astype(str).map(sev)).abs().max() < 1e-12
    assert ((table["score"] - table["adjusted"]) - table["severity"]).abs().max() < 1e-12


def test_results_give_means_and_places_with_shared_ties(photo):
    table = jury.results(photo)
    assert len(table) == photo["entry_id"].nunique() == 22
    raw = photo.groupby("entry_id")["score"].mean()
    assert (table.set_index("entry_id")["raw"] - raw).abs().max() < 1e-12
    tied = table.set_index("entry_id").loc[["F24-07", "F24-17"], "raw_place"]
    assert tied.tolist() == [4, 4]
    assert table["adjusted_place"].tolist() == sorted(table["adjusted_place"])
    assert (table["change"] == table["raw_place"] - table["adjusted_place"]).all()


def test_winners_notice_a_strict_panel_that_changes_the_winner():
    # A is judged by J1 and the very strict J3; B by two lenient jurors
    rows = [("A", "J1", 8), ("A", "J3", 6), ("B", "J1", 9), ("B", "J2", 9),
            ("C", "J2", 9), ("C", "J3", 3), ("D", "J2", 7), ("D", "J3", 1)]
    table = jury.winners(frame(rows))
    assert table.loc[0, "winner_raw"] == "B"
    assert table.loc[0, "winner_adjusted"] == "A" and bool(table.loc[0, "changed"])


def test_winners_of_the_bundled_contests_do_not_change(scores):
    table = jury.winners(scores)
    assert len(table) == 8 and not table["changed"].any()
    assert table["entries"].sum() == scores["entry_id"].nunique()


def test_district_bias_finds_j5_and_counts_the_entries(scores):
    table = jury.district_bias(scores, "J5", "ПФО")
    own = table.xs("ПФО", level="округ")
    other = table.xs("другие округа", level="округ")
    assert (own["отклонение"] > 1.5).all() and (other["отклонение"].abs() < 0.2).all()
    assert own["работ"].sum() == 14 and (own["оценок"] == own["работ"] * 5).all()
    # J4 is lenient everywhere, and less so on ПФО: no favouritism
    j4 = jury.district_bias(scores, "J4", "ПФО").groupby(level="округ")["отклонение"].mean()
    assert j4["ПФО"] < j4["другие округа"]


def test_juror_table_is_sorted_strictest_first(photo):
    table = jury.juror_table(photo)
    assert list(table.columns) == ["работ", "средняя оценка", "средняя оценка панели", "строгость"]
    assert table["строгость"].is_monotonic_increasing and table.index[0] == "J6"


def test_jury_explorer_prints_the_moves_and_the_winner(scores, capsys):
    jury.jury_explorer(scores)
    text = capsys.readouterr().out
    assert "Победитель не изменился: R24-18" in text
    assert "7 работ; место изменилось у" in text
