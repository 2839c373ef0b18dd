"""The audience machinery of module 02 (infowork.lessons.segments) and the quiz of lesson 6."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from infowork import data  # noqa: E402
from infowork.data_schema import NEWS_FREQUENCIES  # noqa: E402
from infowork.lessons import quiz, segments  # noqa: E402


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return data.load("survey")


@pytest.fixture(scope="module")
def membership() -> pd.DataFrame:
    return data.load("membership")


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return data.load("posts")


def _answers(frequencies, trusts, channel="ВКонтакте"):
    return pd.DataFrame({"news_frequency": frequencies, "trust": trusts,
                         "main_channel": [channel] * len(trusts)})


def test_reader_types_at_every_frequency_and_trust_boundary():
    frequencies = [f for f in NEWS_FREQUENCIES for _ in (3, 4)]
    answers = _answers(frequencies, [3, 4] * len(NEWS_FREQUENCIES))
    kinds = segments.reader_types(answers).tolist()
    often = {"ежедневно", "несколько раз в неделю", "раз в неделю"}
    expected = [("сторонники" if trust >= 4 else "скептики") if freq in often
                else ("спящие союзники" if trust >= 4 else "далёкие")
                for freq, trust in zip(frequencies, answers["trust"])]
    assert kinds == expected


def test_reader_types_follow_the_thresholds_and_keep_the_index():
    answers = _answers(["несколько раз в неделю", "раз в неделю"], [3, 3]).set_axis([10, 20])
    kinds = segments.reader_types(answers, often_from="несколько раз в неделю", min_trust=3)
    assert kinds.tolist() == ["сторонники", "спящие союзники"]
    assert kinds.index.tolist() == [10, 20]
    assert list(kinds.cat.categories) == segments.TYPES


def test_type_table_splits_online_and_offline_and_counts_every_answer(survey):
    table = segments.type_table(survey)
    assert table.to_numpy().sum() == len(survey)
    assert list(table.index) == segments.TYPES
    offline = ~survey["main_channel"].isin(segments.ONLINE)
    assert table["офлайн"].sum() == offline.sum()
    tiny = _answers(["ежедневно", "ежедневно"], [5, 5]).assign(main_channel=["газета", "Telegram"])
    assert segments.type_table(tiny).loc["сторонники"].tolist() == [1, 1]
    assert segments.type_table(tiny).loc["далёкие"].tolist() == [0, 0]


def test_type_figure_labels_each_type_with_its_size(survey):
    fig = segments.type_figure(survey, "ежедневно", 5)
    sizes = segments.reader_types(survey, "ежедневно", 5).value_counts()
    labels = " ".join(text.get_text() for text in fig.axes[0].texts)
    for kind in segments.TYPES:
        assert f"{sizes[kind]:,}".replace(",", "\u00a0") in labels
    plt.close(fig)


def test_net_growth_divides_by_the_members_at_the_start_of_the_year(membership):
    table = segments.net_growth_table(membership)
    assert table.index.min() == membership["year"].min() + 1
    young = membership[membership["age_group"] == "до 35"].groupby("year")[
        ["members", "joined", "left"]].sum()
    expected = (young.loc[2025, "joined"] - young.loc[2025, "left"]) / young.loc[2024, "members"] * 100
    assert table.loc[2025, "до 35"] == pytest.approx(expected)
    everyone = membership.groupby("year")[["members", "joined", "left"]].sum()
    total = (everyone.loc[2023, "joined"] - everyone.loc[2023, "left"]) / everyone.loc[2022, "members"] * 100
    assert table.loc[2023, "все вместе"] == pytest.approx(total)
    assert list(table.columns) == ["до 35", "35-54", "55 и старше", "все вместе"]


def test_growth_figure_draws_a_line_per_group_and_the_zero_line(membership):
    fig = segments.growth_figure(membership[membership["org_id"] == "ORG11"], "ORG11")
    lines = fig.axes[0].get_lines()
    assert len(lines) == 5  # three age groups, all together, zero
    assert lines[0].get_ydata()[-1] == pytest.approx(
        segments.net_growth_table(membership[membership["org_id"] == "ORG11"]).iloc[-1, 0])
    plt.close(fig)


def test_account_table_err_is_sum_over_sum_within_the_platform(posts):
    table = segments.account_table(posts, "Telegram")
    tg = posts[(posts["platform"] == "Telegram") & (posts["account_type"] == "посол профсоюза")]
    expected = (tg["likes"] + tg["reposts"] + tg["comments"]).sum() / tg["reach"].sum() * 100
    assert table.loc["посол профсоюза", "ERR, %"] == pytest.approx(expected)
    assert table.loc["посол профсоюза", "аккаунтов"] == tg["account_id"].nunique()
    assert "личный аккаунт профлидера" not in table.index  # leaders post in VK only
    top = tg["rubric"].value_counts().index[0]
    assert table.loc["посол профсоюза", "чаще всего пишут о"].startswith(f"{top} (")


def test_explorers_build_their_widgets(survey, membership, posts, capsys):
    segments.type_explorer(survey.head(50))
    segments.growth_explorer(membership, data.load("organizations"))
    segments.account_explorer(posts.head(500))
    plt.close("all")
    assert "interactive" in capsys.readouterr().out


def test_ads_quiz_has_one_right_answer_per_question_and_covers_both_laws():
    questions = quiz.ADS_AND_REGISTRY
    assert [sum(right for _, right, _ in options) for _, options in questions] == [1] * len(questions)
    text = " ".join(q + " ".join(label + comment for label, _, comment in options)
                    for q, options in questions)
    for needle in ("erid", "«Реклама»", "10 000", "Роскомнадзор"):
        assert needle in text
    assert len(quiz.quiz(questions).children) == len(questions)
    right, comment = quiz.verdict(questions[3], 1)
    assert right and "порог" in comment and "10 000" in questions[3][1][1][0]
