"""The lesson charts of infowork.lessons.explore: sparse cells stay empty, one outlier cell does not
set the colour scale, the explorers draw what was chosen."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from infowork import data
from infowork.lessons import explore


@pytest.fixture(scope="module")
def posts():
    return data.load("posts")


def test_grid_hides_cells_below_the_minimum(posts):
    grid, counts = explore.er_grid(posts, min_posts=20)
    assert grid.shape == counts.shape == (7, 24)
    assert grid.isna().equals(counts < 20)
    assert counts.to_numpy().sum() == len(posts)


def test_grid_is_sum_over_sum_not_mean_of_posts():
    frame = pd.DataFrame({"published_at": pd.to_datetime(["2025-03-03 09:00"] * 2),
                          "likes": [2, 30], "reposts": [0, 0], "comments": [0, 0],
                          "views": [4, 1000]})
    grid, _ = explore.er_grid(frame, min_posts=1)
    assert grid.loc["пн", 9] == pytest.approx(32 / 1004 * 100)


def test_one_outlier_cell_does_not_set_the_colour_scale():
    values = np.r_[np.linspace(4, 6, 100), 40.0]
    low, high = explore.colour_limits(values)
    assert high < 7 and low >= 4


def test_heatmap_leaves_sparse_cells_blank_and_titles_the_choice(posts):
    fig = explore._heatmap_of(posts, "Telegram", "Охрана труда", 10)
    ax = fig.axes[0]
    shown = ax.images[0].get_array()
    grid, _ = explore.er_grid(posts[(posts["platform"] == "Telegram")
                                    & (posts["rubric"] == "Охрана труда")], 10)
    assert np.ma.getmaskarray(shown).sum() == grid.isna().to_numpy().sum() > 0
    assert "Telegram" in ax.get_title(loc="left") and "Охрана труда" in ax.get_title(loc="left")
    assert "Источник" in fig.texts[0].get_text()
    plt.close(fig)


def test_frequency_figure_draws_a_trend_only_for_enough_communities():
    communities = pd.DataFrame({"platform": ["ВКонтакте"] * 6,
                                "subscribers": [500, 600, 700, 800, 900, 20_000],
                                "per_week": [1, 2, 3, 4, 5, 9], "er": [9, 8, 8, 7, 6, 2]})
    bins, labels = [0, 1_000, np.inf], ["до 1 тыс.", "больше 1 тыс."]
    small = explore.frequency_figure(communities, "ВКонтакте", "до 1 тыс.", bins, labels)
    assert len(small.axes[0].lines) == 1 and "5 сообществ" in small.axes[0].get_title(loc="left")
    big = explore.frequency_figure(communities, "ВКонтакте", "больше 1 тыс.", bins, labels)
    assert not big.axes[0].lines and "1 сообщество" in big.axes[0].get_title(loc="left")
    plt.close("all")
