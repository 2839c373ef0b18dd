"""The module 03 chart machinery of lessons 1-2 (infowork.lessons.charts): the advice on which
chart answers which question, the four views, the truncated-axis arithmetic and its chart, dual
axes and circles scaled by area or radius."""
import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from infowork import data, style  # noqa: E402
from infowork.lessons import charts  # noqa: E402

TOPICS = pd.Series([50, 30, 20], index=["зарплата", "отпуск", "пенсия"])
MONTHS = pd.Series([5, 9, 7], index=pd.date_range("2024-01-01", periods=3, freq="MS"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_advice_recommends_the_kind_that_fits_the_question():
    assert "лучший выбор" in charts.advice(TOPICS, "столбцы")
    assert "лучший выбор" in charts.advice(MONTHS, "линия")
    assert "лучший выбор" not in charts.advice(TOPICS, "линия")
    assert "бессмыслен" in charts.advice(MONTHS, "круг")
    assert charts.advice(TOPICS, "круг").startswith("Круг годится")
    many = pd.Series(range(1, 7), index=list("абвгде"))
    assert "больше 5" in charts.advice(many, "круг")
    with pytest.raises(ValueError, match="Неизвестный вид"):
        charts.advice(TOPICS, "пончик")


def test_draw_bars_pairs_each_label_with_its_value_sorted():
    ax = charts.draw(TOPICS, "столбцы")
    pairs = [(label.get_text(), bar.get_width())
             for label, bar in zip(ax.get_yticklabels(), ax.patches)]
    assert pairs == [("пенсия", 20), ("отпуск", 30), ("зарплата", 50)]


@pytest.mark.parametrize("kind", charts.KINDS)
def test_draw_every_kind_for_categories_and_time(kind):
    for values in (TOPICS, MONTHS):
        ax = charts.draw(values, kind, heading="вопрос")
        assert ax.get_title(loc="left") == "вопрос"


def test_four_views_has_one_panel_per_kind_and_a_source():
    fig = charts.four_views(TOPICS, "Темы")
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == [kind.capitalize() for kind in charts.KINDS]
    assert style.source_text(fig).startswith("Источник: обращения")


def test_apparent_change_is_true_change_at_zero_and_grows_as_the_axis_rises():
    assert charts.apparent_change(200, 150) == pytest.approx(-25)
    assert charts.apparent_change(200, 150, bottom=100) == pytest.approx(-50)
    assert charts.apparent_change(200, 150, bottom=140) < charts.apparent_change(200, 150, 100)
    with pytest.raises(ValueError):
        charts.apparent_change(100, 120, bottom=100)


def test_truncated_bars_start_where_asked_and_say_both_changes():
    members = pd.Series([1000, 990], index=[2024, 2025])
    ax = charts.truncated_bars(members, bottom=980)
    assert ax.get_ylim()[0] == 980
    subtitle = ax.texts[0].get_text()
    assert subtitle == "На деле: −1,0 %. На глаз: −50,0 %."


def test_dual_axes_right_limit_moves_only_the_right_axis():
    fig = charts.dual_axes(MONTHS.rename("а"), (MONTHS * 10).rename("б"), right_top=500)
    left, right = fig.axes
    assert right.get_ylim() == (0, 500)
    assert left.get_ylim()[0] == 0


def test_circles_by_area_are_honest_and_by_radius_square_the_ratio():
    two = pd.Series([400, 100], index=["а", "б"])
    honest = [c.get_radius() for c in charts.circles(two, "area").patches]
    inflated = [c.get_radius() for c in charts.circles(two, "radius").patches]
    assert (honest[0] / honest[1]) ** 2 == pytest.approx(4)
    assert (inflated[0] / inflated[1]) ** 2 == pytest.approx(16)
    with pytest.raises(ValueError):
        charts.radius_ratio(2, scale="diameter")


def test_table_uses_decimal_comma():
    assert "78,2" in charts.table(pd.Series([78.21], index=["e-mail"]), 1).to_html()


def test_lesson_data_peak_month_and_channels():
    # the facts lesson 1 builds its exercise on: one peak month, nearly twice the usual
    requests = data.load("requests")
    by_month = requests.resample("MS", on="received_at").size()
    assert by_month.idxmax().strftime("%m.%Y") == "02.2025"
    assert 1.8 < by_month.max() / by_month.median() < 2
