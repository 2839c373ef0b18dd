"""The machinery of module 04, lessons 1-2 (infowork.lessons.analytics): UTM links, the Wilson
interval and the interval bars with their page selector."""
from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from infowork import data  # noqa: E402
from infowork.lessons import analytics  # noqa: E402


def test_utm_params_encode_cyrillic_and_spaces_and_read_back():
    link = analytics.utm_params("https://site.example/join", source="vk", medium="social",
                                campaign="охрана труда 2025", content="")
    assert " " not in link and all(ord(ch) < 128 for ch in link)
    parts = urlsplit(link)
    assert parts.path == "/join"
    assert parse_qs(parts.query) == {"utm_source": ["vk"], "utm_medium": ["social"],
                                     "utm_campaign": ["охрана труда 2025"]}


def test_utm_params_keep_existing_parameters_strip_spaces_and_fix_an_empty_path():
    link = analytics.utm_params(" https://site.example/news?id=5#top ", campaign=" rights2025 ")
    assert link == "https://site.example/news?id=5&utm_campaign=rights2025#top"
    assert analytics.utm_params("https://site.example", source="ok") == \
        "https://site.example/?utm_source=ok"


def test_utm_builder_shows_the_link_and_follows_the_boxes(capsys):
    # outside a kernel the Output widget passes its prints to stdout
    box = analytics.utm_builder()
    address, *fields, out = box.children
    assert len(fields) == len(analytics.UTM_FIELDS)
    capsys.readouterr()
    fields[2].value = "май 2025"
    text = capsys.readouterr().out
    assert "utm_campaign=%D0%BC%D0%B0%D0%B9+2025" in text
    assert "Кампания (campaign): май 2025" in text


@pytest.mark.parametrize("k, n", [(0, 10), (1, 10), (12, 1013), (41, 687), (10, 10), (500, 1000)])
def test_wilson_matches_the_formula_and_contains_the_share(k, n):
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = analytics.wilson(k, n)
    assert low == pytest.approx(max(centre - half, 0), abs=1e-12)
    assert high == pytest.approx(min(centre + half, 1), abs=1e-12)
    assert 0 <= low <= p <= high <= 1


def test_wilson_narrows_with_more_visits_and_widens_with_more_confidence():
    widths = [np.subtract(*analytics.wilson(n // 20, n)[::-1]) for n in (100, 1000, 10000)]
    assert widths[0] > widths[1] > widths[2]
    low95, high95 = analytics.wilson(30, 600)
    low99, high99 = analytics.wilson(30, 600, confidence=0.99)
    assert low99 < low95 and high99 > high95


def test_wilson_on_series_equals_wilson_on_numbers_and_refuses_zero_visits():
    low, high = analytics.wilson(pd.Series([3, 40]), pd.Series([50, 700]))
    assert (low[1], high[1]) == pytest.approx(analytics.wilson(40, 700))
    with pytest.raises(ValueError):
        analytics.wilson(0, 0)


def test_with_interval_adds_per_cent_columns_and_keeps_the_table():
    table = pd.DataFrame({"goals": [41, 12, 7], "visits": [687, 1013, 98]},
                         index=["компьютер", "смартфон", "планшет"])
    out = analytics.with_interval(table)
    assert list(table.columns) == ["goals", "visits"]
    assert out["conversion"].round(2).tolist() == [5.97, 1.18, 7.14]
    assert (out["low"] <= out["conversion"]).all() and (out["conversion"] <= out["high"]).all()
    assert out.loc["планшет", "high"] - out.loc["планшет", "low"] > \
        out.loc["компьютер", "high"] - out.loc["компьютер", "low"]


def test_interval_bars_draw_one_bar_and_one_interval_per_row_with_visits_in_labels():
    table = analytics.with_interval(pd.DataFrame(
        {"goals": [41, 12, 7], "visits": [687, 1013, 98]},
        index=["компьютер", "смартфон", "планшет"]))
    ax = analytics.interval_bars(table, "Заголовок")
    heights = [bar.get_width() for bar in ax.patches]
    assert heights == pytest.approx(table["conversion"].tolist())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["компьютер (687 визитов)", "смартфон (1\u00a0013 визитов)",
                      "планшет (98 визитов)"]
    segments = ax.collections[0].get_segments()
    assert [tuple(np.round(s[:, 0], 6)) for s in segments] == \
        [tuple(np.round(x, 6)) for x in zip(table["low"], table["high"])]
    plt.close(ax.figure)


def test_interval_explorer_lists_pages_by_visits_and_draws_the_page_chosen(monkeypatch):
    sessions = data.load("web_sessions")
    sessions = sessions[sessions["started_at"].dt.year == 2025]
    drawn = []
    draw = analytics.interval_bars
    monkeypatch.setattr(analytics, "interval_bars",
                        lambda table, title="", ax=None: drawn.append((table, title))
                        or draw(table, title, ax))
    box = analytics.interval_explorer(sessions)
    choice, _ = box.children
    assert list(choice.options) == list(sessions["landing_page"].value_counts().index)
    choice.value = "/join"
    table, title = drawn[-1]
    assert title.endswith("/join") and len(drawn) == 2
    join = sessions[sessions["landing_page"] == "/join"]
    assert table["visits"].sum() == len(join) and table["goals"].sum() == join["goal_reached"].sum()
    plt.close("all")
