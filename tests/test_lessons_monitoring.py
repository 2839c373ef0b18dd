"""The monitoring machinery of module 05, lessons 1-2 (infowork.lessons.monitoring)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from infowork import data  # noqa: E402
from infowork.lessons import monitoring  # noqa: E402
from infowork.openreport.indicators import DEFAULT_WEIGHTS, INDICATORS, indicators, rating  # noqa: E402


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return indicators(data.load("monitoring"), data.load("membership"))


def test_org_indicators_show_the_org_and_the_median_of_its_year(table):
    card = monitoring.org_indicators(table, "ORG11", 2024)
    year = table[table["year"] == 2024]
    label = INDICATORS["posts_per_1000"]
    own = year.set_index("org_id").loc["ORG11", "posts_per_1000"]
    assert card.loc[label, "ORG11"] == f"{own:.1f}".replace(".", ",")
    assert card.loc[label, "медиана федерации"] == f"{year['posts_per_1000'].median():.1f}".replace(".", ",")
    assert card.loc[INDICATORS["has_open_report"], "медиана федерации"].startswith("да у ")


def test_org_indicators_refuse_an_unknown_org_or_year_in_russian(table):
    with pytest.raises(ValueError, match="нет организации ORG99"):
        monitoring.org_indicators(table, "ORG99", 2024)
    with pytest.raises(ValueError, match="нет 2030 года"):
        monitoring.org_indicators(table, "ORG11", 2030)


def test_rank_changes_agree_with_rating(table):
    weights = monitoring.ALTERNATIVE_WEIGHTS["все поровну"]
    changes = monitoring.rank_changes(table, 2024, weights)
    year = table[table["year"] == 2024]
    assert changes["было"].to_dict() == rating(year).set_index("org_id")["rank"].to_dict()
    assert changes["стало"].to_dict() == rating(year, weights).set_index("org_id")["rank"].to_dict()
    assert (changes["сдвиг"] == changes["было"] - changes["стало"]).all()
    assert changes["стало"].is_monotonic_increasing


def test_federation_weights_move_nobody(table):
    assert (monitoring.rank_changes(table, 2024, DEFAULT_WEIGHTS)["сдвиг"] == 0).all()


def test_sensitivity_has_a_column_per_weighting_and_few_stable_leaders(table):
    ranks = monitoring.sensitivity(table, 2024)
    assert list(ranks.columns) == [monitoring.DEFAULT_NAME, *monitoring.ALTERNATIVE_WEIGHTS]
    assert len(ranks) == 56
    stable = monitoring.always_top(ranks, top=10)
    assert 0 < len(stable) < 10
    assert (ranks.loc[stable] <= 10).all().all()


def test_weights_table_gives_shares_of_each_weighting(table):
    shares = monitoring.weights_table()
    assert shares.sum().round(0).eq(100).all()
    assert shares.loc[INDICATORS["posts_per_1000"], monitoring.DEFAULT_NAME] == 25.0


def test_slope_figure_draws_a_line_per_org_in_either_top(table):
    weights = monitoring.ALTERNATIVE_WEIGHTS["важна активность"]
    ranks = monitoring.sensitivity(table, 2024, {"активность": weights})
    fig = monitoring.slope_figure(table, 2024, weights, "активность", top=10)
    ax = fig.axes[0]
    lines = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(lines) == int((ranks <= 10).any(axis=1).sum())
    blue = [line for line in lines if line.get_color() == "#0072B2"]
    assert len(blue) == len(monitoring.always_top(ranks, 10))
    plt.close(fig)


def test_tied_labels_do_not_overlap():
    heights = monitoring._spread(pd.Series({"a": 3, "b": 3, "c": 3, "d": 6}))
    assert heights.tolist() == [3.0, 3.75, 4.5, 6.0]


def test_widgets_build(table):
    names = data.load("organizations").set_index("org_id")["name"]
    monitoring.org_explorer(table, names)
    monitoring.weight_sliders(table, 2024, names)
    plt.close("all")
