"""The machinery of module 05, lesson 4 (infowork.lessons.media): shares with counts, shares
within groups, reach against the number of mentions, an organisation's media profile."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from infowork import data, style  # noqa: E402
from infowork.lessons import media  # noqa: E402


@pytest.fixture(scope="module")
def mentions():
    return data.load("media_mentions")


@pytest.fixture(scope="module")
def m24(mentions):
    return mentions[mentions["published_at"].dt.year == 2024]


def test_shares_put_the_count_next_to_the_per_cent(m24):
    table = media.shares(m24, "outlet_level")
    assert list(table.index) == ["федеральное", "региональное", "местное"]  # category order
    assert table["публикаций"].sum() == len(m24) == 946
    assert table["%"].sum() == pytest.approx(100, abs=0.2)
    assert table.loc["федеральное"].tolist() == [48, 5.1]


def test_share_within_matches_a_crosstab_by_row(m24):
    table = media.share_within(m24, "initiated_by_press_service", "tone", "позитивная")
    cross = pd.crosstab(m24["initiated_by_press_service"], m24["tone"], normalize="index") * 100
    assert table["%"].tolist() == cross["позитивная"].round(1).tolist() == [27.3, 63.0]
    assert table["публикаций"].tolist() == [495, 451]
    by_topic = media.share_within(m24, ["topic", "initiated_by_press_service"], "tone",
                                  "позитивная")["%"].unstack().dropna()
    # the lesson's claim: inside every topic the press service's publications are more positive
    assert (by_topic[True] > by_topic[False]).all() and len(by_topic) == 8


def test_reach_table_shares_of_mentions_and_of_audience(m24):
    table = media.reach_table(m24, "outlet_level")
    assert table["аудитория, сумма"].sum() == m24["reach"].sum()
    assert table["% аудитории"].sum() == pytest.approx(100, abs=0.2)
    assert table.loc["федеральное", "% публикаций"] == 5.1
    assert table.loc["федеральное", "% аудитории"] == 49.7


def test_profile_counts_the_organisation_and_compares_with_the_federation(mentions, m24):
    table = media.profile(mentions, "ORG16", 2024)
    own = m24[m24["org_id"] == "ORG16"]
    for label in media.ASPECTS.values():
        assert table.loc[label, "публикаций"].sum() == len(own) == 45
        assert table.loc[label, "%"].sum() == pytest.approx(100, abs=0.2)
    assert table.loc[("тональность", "позитивная")].tolist() == [24, 53.3, 44.3]
    assert table.loc[("по инициативе пресс-службы", "да"), "% по федерации"] == 47.7


def test_profile_of_an_organisation_without_mentions_is_zeros():
    frame = pd.DataFrame({"org_id": ["A"], "published_at": pd.to_datetime(["2024-05-01"]),
                          "outlet_level": ["местное"], "media_type": ["газета"],
                          "tone": ["позитивная"], "initiated_by_press_service": [False]})
    table = media.profile(frame, "B", 2024)
    assert (table["публикаций"] == 0).all() and (table["%"] == 0).all()


def test_profile_figure_labels_carry_counts_and_the_source(mentions):
    fig = media.profile_figure(mentions, "ORG16", 2024, "Союз медиков «Радуга»")
    assert len(fig.axes) == 4
    labels = [t.get_text() for t in fig.axes[2].get_yticklabels()]
    assert labels == ["позитивная (24)", "нейтральная (15)", "негативная (6)"]
    heights = [bar.get_width() for bar in fig.axes[2].containers[0]]
    assert heights == pytest.approx([53.3, 33.3, 13.3])
    assert "media_mentions" in style.source_text(fig)
    plt.close(fig)


def test_media_explorer_prints_the_share_and_the_interval(mentions, capsys):
    media.media_explorer(mentions, data.load("organizations"))
    text = capsys.readouterr().out
    assert "9 публикаций за 2024 год — 1,0 % всех публикаций федерации" in text
    assert "95-процентный интервал" in text
    plt.close("all")
