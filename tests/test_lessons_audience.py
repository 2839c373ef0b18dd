"""The module 02 survey machinery of lessons 1-3 (infowork.lessons.audience): multi-answer
shares, the filter by sector and role, the cross-table views and post-stratification weights."""
import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from infowork import data, style  # noqa: E402
from infowork.lessons import audience  # noqa: E402

SURVEY = pd.DataFrame({
    "age_group": ["до 35", "до 35", "до 35", "35-54", "55 и старше"],
    "sector": ["АПК", "АПК", "связь", "АПК", "связь"],
    "role": ["член профсоюза", "профгрупорг", "член профсоюза", "член профсоюза", "профгрупорг"],
    "channels": ["ВКонтакте;Telegram", "Telegram", "ВКонтакте;сайт;газета", "Одноклассники",
                 "Одноклассники;газета"],
})


def test_answer_shares_divide_by_respondents_not_by_ticks():
    shares = audience.answer_shares(SURVEY["channels"])
    assert shares.to_dict() == {"ВКонтакте": 40.0, "Telegram": 40.0, "Одноклассники": 40.0,
                                "газета": 40.0, "сайт": 20.0}
    assert shares.sum() == pytest.approx(180.0)  # 9 ticks by 5 people


def test_answer_shares_do_not_count_an_answer_inside_another():
    # «сайт» must not be found inside «сайт профсоюза»: answers are split, not searched
    shares = audience.answer_shares(pd.Series(["сайт профсоюза", "сайт;газета"]))
    assert shares["сайт"] == 50.0 and shares["сайт профсоюза"] == 50.0


def test_filtered_keeps_both_conditions():
    chosen = audience.filtered(SURVEY, sector="АПК", role="член профсоюза")
    assert chosen.index.tolist() == [0, 3]
    assert len(audience.filtered(SURVEY, role="профгрупорг")) == 2
    assert len(audience.filtered(SURVEY)) == len(SURVEY)


def test_shares_figure_refuses_a_small_selection():
    fig = audience.shares_figure(SURVEY, "channels", "АПК")
    texts = [text.get_text() for text in fig.axes[0].texts]
    assert not fig.axes[0].patches
    assert any("5 анкет" in text and "доли не считаем" in text for text in texts)


def test_shares_figure_pairs_each_bar_with_its_answer():
    big = pd.concat([SURVEY] * 10, ignore_index=True)
    fig = audience.shares_figure(big, "channels")
    ax = fig.axes[0]
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    widths = [bar.get_width() for bar in ax.patches]
    assert dict(zip(labels, widths))["сайт"] == pytest.approx(20.0)
    assert audience.SOURCE in style.source_text(fig)


@pytest.mark.parametrize("divide_by, sums_axis", [("по строкам", 1), ("по столбцам", 0)])
def test_crosstab_view_adds_up_to_100_along_the_chosen_direction(divide_by, sums_axis):
    table = audience.crosstab_view(SURVEY["age_group"], SURVEY["sector"], divide_by).data
    assert np.allclose(table.sum(axis=sums_axis), 100)


def test_crosstab_view_of_all_adds_up_to_100_over_the_table():
    table = audience.crosstab_view(SURVEY["age_group"], SURVEY["sector"], "от всех").data
    assert table.to_numpy().sum() == pytest.approx(100)


def test_stratum_weights_make_the_survey_mix_the_population_mix():
    population = {"до 35": 0.2, "35-54": 0.5, "55 и старше": 0.3}
    weights = audience.stratum_weights(SURVEY["age_group"], population)
    mix = weights.groupby(SURVEY["age_group"]).sum() / weights.sum()
    assert mix.to_dict() == pytest.approx(population)
    assert weights.sum() == pytest.approx(len(SURVEY))


def test_stratum_weights_accept_shares_in_per_cent():
    in_percent = audience.stratum_weights(SURVEY["age_group"], {"до 35": 20, "35-54": 50,
                                                                 "55 и старше": 30})
    assert in_percent.round(6).tolist() == [0.333333, 0.333333, 0.333333, 2.5, 1.5]


def test_weighted_share_moves_toward_the_group_that_was_short():
    reads_ok = SURVEY["channels"].str.contains("Одноклассники", regex=False)
    weights = audience.stratum_weights(SURVEY["age_group"], {"до 35": 0.2, "35-54": 0.5,
                                                               "55 и старше": 0.3})
    assert reads_ok.mean() * 100 == pytest.approx(40.0)
    assert audience.weighted_share(reads_ok, weights) == pytest.approx(80.0)


def test_the_bundled_survey_has_too_many_young_respondents_for_the_membership():
    # the premise of lesson 3: weighting by age moves the Telegram share down
    survey, membership = data.load("survey"), data.load("membership")
    members = membership[membership["year"] == 2025].groupby("age_group", observed=True)["members"].sum()
    weights = audience.stratum_weights(survey["age_group"], members)
    reads_tg = survey["channels"].str.contains("Telegram", regex=False)
    assert audience.weighted_share(reads_tg, weights) < reads_tg.mean() * 100 - 3


def test_mix_figure_labels_each_bar_with_its_share():
    mixes = pd.DataFrame({"в опросе, %": [40.0, 60.0], "среди членов, %": [30.0, 70.0]},
                         index=["до 35", "старше"])
    fig = audience.mix_figure(mixes)
    labels = [text.get_text() for text in fig.axes[0].texts]
    assert labels == ["40 %", "60 %", "30 %", "70 %"]


def test_explorers_draw_their_first_view(capsys):
    # ipywidgets.interactive draws once when built: each explorer must work on the bundled survey
    survey = data.load("survey")
    audience.portrait_explorer(survey)
    audience.crosstab_explorer(survey["role"], survey["main_channel"])
    membership = data.load("membership")
    members = membership[membership["year"] == 2025].groupby("age_group", observed=True)["members"].sum()
    audience.weighting_explorer(survey, audience.stratum_weights(survey["age_group"], members))
    out = capsys.readouterr().out
    assert "Деление по строкам: в каждой строке сумма — 100 %" in out
    assert "«ВКонтакте» — главный источник: без весов" in out
