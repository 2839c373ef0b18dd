"""The funnel machinery of module 04, lessons 3-5 (infowork.lessons.funnels)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from infowork import data  # noqa: E402
from infowork.lessons import funnels  # noqa: E402


@pytest.fixture(scope="module")
def campaigns() -> pd.DataFrame:
    return data.load("campaigns").set_index("campaign_id")


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return data.load("posts")


@pytest.fixture(scope="module")
def sessions() -> pd.DataFrame:
    return data.load("web_sessions")


@pytest.fixture(scope="module")
def podcast() -> pd.DataFrame:
    return data.load("podcast")


@pytest.fixture(scope="module")
def webinars() -> pd.DataFrame:
    return data.load("webinars")


def _campaign(start="2025-03-11", end="2025-03-20", budget=1000):
    return pd.Series({"utm_campaign": "x", "start_date": pd.Timestamp(start),
                      "end_date": pd.Timestamp(end), "budget_rub": budget})


def test_baseline_period_has_the_campaigns_length_and_ends_the_day_before():
    table = funnels.periods(_campaign("2024-09-02", "2024-09-29"))
    assert table["дней"].tolist() == [28, 28]
    assert table.loc["до кампании", "по"] == pd.Timestamp("2024-09-01")
    assert table.loc["до кампании", "с"] == pd.Timestamp("2024-08-05")


def test_baseline_counts_both_ends_and_untagged_visits():
    campaign = _campaign("2025-03-11", "2025-03-12")
    times = ["2025-03-08 23:59", "2025-03-09 00:01", "2025-03-10 23:00", "2025-03-11 00:00",
             "2025-03-12 23:59", "2025-03-13 00:00"]
    sessions = pd.DataFrame({"started_at": pd.to_datetime(times), "utm_campaign": [""] * 6,
                             "goal_reached": [True, True, False, True, True, True]})
    requests = pd.DataFrame({"received_at": pd.to_datetime(["2025-03-10 12:00"])})
    table = funnels.baseline_table(campaign, sessions, requests)
    assert table["до кампании"].tolist() == [2, 1, 1]
    assert table["во время кампании"].tolist() == [2, 2, 0]
    assert table.loc["достигли цели", "изменение, %"] == 100.0


def test_funnel_counts_only_the_campaigns_tag(campaigns, posts, sessions):
    youth = campaigns.loc["CMP04"]
    table = funnels.campaign_funnel(youth, posts, sessions)
    tagged = sessions[sessions["utm_campaign"] == "youth2024"]
    assert table["число"].tolist() == [posts.loc[posts["utm_campaign"] == "youth2024", "reach"].sum(),
                                       len(tagged), tagged["goal_reached"].sum()]
    assert table["% от предыдущего шага"].iloc[2] == round(tagged["goal_reached"].mean() * 100, 2)


def test_cost_per_result_divides_the_budget_and_leaves_zero_steps_empty():
    posts = pd.DataFrame({"utm_campaign": ["x"], "reach": [500]})
    sessions = pd.DataFrame({"utm_campaign": ["x", "x"], "started_at": pd.to_datetime(["2025-03-12"] * 2),
                             "goal_reached": [False, False]})
    costs = funnels.cost_per_result(_campaign(budget=1000), posts, sessions)["₽"]
    assert costs.iloc[:2].tolist() == [2.0, 500.0]
    assert pd.isna(costs.iloc[2])


def test_half_minute_is_the_first_minute_at_or_below_half():
    curve = pd.DataFrame({"minute": [3, 1, 2, 4], "listeners": [60, 120, 61, 59]})
    assert funnels.half_minute(curve) == 3
    assert funnels.half_minute(curve.assign(listeners=[61, 120, 90, 70])) is None


def test_half_minute_agrees_with_the_retention_table(podcast):
    curves = funnels.retention(podcast)
    for episode, curve in podcast.groupby("episode"):
        minute = funnels.half_minute(curve)
        kept = curves[episode].dropna()
        assert kept.loc[minute] <= 50 and (kept.loc[:minute - 1] > 50).all()


def test_shorter_intros_keep_more_listeners_from_episode_11(podcast):
    third = funnels.retention(podcast).loc[3]
    assert third.loc[:10].max() < third.loc[11:].min()


def test_webinar_funnel_is_sum_over_sum_and_drops_small_groups():
    webinars = pd.DataFrame({"topic": ["a", "a", "b"], "registrations": [100, 300, 10],
                             "attended": [90, 10, 5], "completed": [9, 1, 5]})
    table = funnels.webinar_funnel(webinars, "topic", min_count=2)
    assert table.index.tolist() == ["a"]
    assert table.loc["a", "пришли, % записавшихся"] == 25.0
    assert table.loc["a", "дошли до конца, % пришедших"] == 10.0
    assert funnels.webinar_funnel(webinars, "topic", min_count=1).index.tolist() == ["b", "a"]


def test_figures_draw_every_group(campaigns, posts, sessions, podcast, webinars):
    fig = funnels.funnel_figure(campaigns.loc["CMP06"], posts, sessions)
    assert sum(len(ax.patches) for ax in fig.axes) == 3
    fig = funnels.retention_figure(podcast, [1, 14])
    assert len(fig.axes[0].get_lines()) == 3  # two episodes and the 50 % line
    fig = funnels.webinar_figure(webinars, "format", 5)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(labels) == sorted(webinars["format"].unique())
    plt.close("all")


def test_explorers_build_their_widgets(campaigns, posts, sessions, podcast, webinars):
    pytest.importorskip("ipywidgets")
    funnels.funnel_explorer(campaigns.reset_index(), posts, sessions)
    funnels.podcast_explorer(podcast)
    funnels.webinar_explorer(webinars)
    plt.close("all")
