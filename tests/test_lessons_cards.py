"""The machinery of module 03, lessons 3-5 (infowork.lessons.cards), the style's Russian number
labels and the quiz of lesson 5."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from infowork import data, style  # noqa: E402
from infowork.lessons import cards, quiz  # noqa: E402


@pytest.fixture(scope="module")
def requests() -> pd.DataFrame:
    return data.load("requests")


def test_bar_labels_pair_russian_numbers_with_their_bars():
    fig, ax = plt.subplots()
    ax.bar(["a", "b", "c"], [1807, 2.25, -3.5])
    texts = style.bar_labels(ax, decimals=1, suffix=" %")
    assert [t.get_text() for t in texts] == ["1\u00a0807,0\u00a0%", "2,2\u00a0%", "−3,5\u00a0%"]
    plt.close(fig)


def test_bar_labels_keep_inside_a_saved_card(tmp_path):
    values = pd.Series({"очень длинное название канала": 12500, "короткое": 300})
    fig = cards.card_figure(values, "Заголовок", source="тест")
    path = style.save_card(fig, tmp_path / "c.png", "wide")
    fig.canvas.draw()
    width = fig.bbox.width
    for text in fig.axes[0].texts:
        box = text.get_window_extent()
        assert 0 <= box.x0 and box.x1 <= width, text.get_text()
    assert cards.png_size(path) == style.SIZES["wide"]
    plt.close(fig)


@pytest.mark.parametrize("size", list(style.SIZES))
def test_every_card_size_is_exact_in_pixels(tmp_path, size):
    fig = cards.card_figure(pd.Series({"а": 1, "б": 2}), "Заголовок", subtitle="подзаголовок",
                            source="тест", size=size)
    assert cards.png_size(style.save_card(fig, tmp_path / f"{size}.png", size)) == style.SIZES[size]
    plt.close(fig)
    assert set(cards.SIZE_NAMES) == set(style.SIZES)


def test_card_puts_largest_bar_on_top_and_highlights_one():
    values = pd.Series({"сайт": 954, "телефон": 1807, "e-mail": 693})
    fig = cards.card_figure(values, "Т", highlight="сайт")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["e-mail", "сайт", "телефон"]
    colours = [matplotlib.colors.to_hex(bar.get_facecolor()) for bar in ax.patches]
    assert colours[1] == style.PALETTE["красный"].lower()
    assert colours[0] == colours[2] == style.PALETTE["синий"].lower()
    assert [t.get_text() for t in ax.texts] == ["693", "954", "1\u00a0807"]
    plt.close(fig)


def test_card_explorer_saves_the_chosen_size(tmp_path):
    box = cards.card_explorer(pd.Series({"а": 1.5, "б": 2.25}), "Заголовок", folder=tmp_path,
                              decimals=1)
    size, _ = box.children[0].children
    size.value = "portrait"
    box.children[2].click()
    saved = tmp_path / "card_portrait.png"
    assert cards.png_size(saved) == (1080, 1350)
    assert "1080×1350" in box.children[3].value
    plt.close("all")


def test_day_buckets_edges(requests):
    days = pd.Series([0, 1, 2, 3, 7, 8, 30, 31])
    assert cards.day_buckets(days).tolist() == [
        "в тот же день", "1–2 дня", "1–2 дня", "3–7 дней", "3–7 дней", "8–30 дней", "8–30 дней",
        "больше 30 дней"]
    assert cards.day_buckets(requests["days_to_answer"]).notna().all()


def test_requests_are_skewed_so_mean_exceeds_median(requests):
    days = requests["days_to_answer"]
    assert days.mean() > days.median() + 1
    by_channel = requests.groupby("channel", observed=True)["days_to_answer"].agg(["mean", "median"])
    assert (by_channel["mean"] > by_channel["median"]).all()


@pytest.mark.parametrize("kind", ["точки", "ящик"])
def test_spread_figure_orders_groups_by_median(requests, kind):
    fig = cards.spread_figure(requests, kind=kind)
    ax = fig.axes[0]
    medians = requests.groupby("channel", observed=True)["days_to_answer"].median()
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(names) == sorted(map(str, medians.index))
    assert list(medians[names]) == sorted(medians)
    plt.close(fig)


def test_outlier_moves_the_mean_not_the_median():
    box = cards.outlier_explorer(pd.Series([0, 1, 1, 2, 3]))
    slider, out = box.children
    assert "1,40 дня" in out.value and "1,0 дня" in out.value
    slider.value = 365
    assert "62,00 дня" in out.value and "1,5 дня" in out.value
    assert "365 дней" in out.value


def test_days_text_words():
    assert [cards.days_text(n) for n in (1, 2, 5, 11, 21, 22)] == [
        "1 день", "2 дня", "5 дней", "11 дней", "21 день", "22 дня"]
    assert cards.days_text(3.0, 0) == "3 дня"


def test_picture_problems_each_rule():
    assert cards.picture_problems() == []
    assert cards.picture_problems(own=False, licence=True) == []
    assert len(cards.picture_problems(person_main=True)) == 1
    assert cards.picture_problems(person_main=True, consent=True) == []
    assert len(cards.picture_problems(music=True)) == 1
    assert cards.picture_problems(music=True, music_licence=True) == []
    assert len(cards.picture_problems(own=False, person_main=True, child=True, music=True)) == 4


def test_picture_checklist_reacts_to_boxes():
    box = cards.picture_checklist()
    *checks, out = box.children
    assert "Препятствий не видно" in out.value
    checks[4].value = True  # a child in the frame
    assert "законного представителя" in out.value


def test_tools_table():
    table = cards.tools_table()
    assert len(table) == len(cards.TOOLS) and "Datawrapper" in table.index


def test_pictures_quiz_has_one_right_answer_each():
    assert len(quiz.PICTURES) >= 5
    for text, options in quiz.PICTURES:
        assert sum(correct for _, correct, _ in options) == 1, text
        assert all(comment for _, _, comment in options)
    assert len(quiz.quiz(quiz.PICTURES).children) == len(quiz.PICTURES)


def test_save_card_wraps_a_headline_that_runs_past_the_edge(tmp_path):
    values = pd.Series({"коллективный договор и соглашения": 84.1, "увольнение": 67.1})
    headline = "Споры об увольнении решаются реже всех других тем горячей линии"
    fig = cards.card_figure(values, headline, subtitle="Доля решённых, %", size="portrait")
    style.save_card(fig, tmp_path / "long.png", "portrait")
    ax = fig.axes[0]
    text = ax.get_title(loc="left")
    assert "\n" in text.strip() and text.replace("\n", " ").startswith(headline)
    title = ax.set_title(text, loc="left")
    assert title.get_window_extent(fig.canvas.get_renderer()).x1 <= fig.bbox.width
    plt.close(fig)


def test_save_card_keeps_a_headline_that_fits(tmp_path):
    fig = cards.card_figure(pd.Series({"а": 1}), "Коротко", subtitle="подзаголовок")
    style.save_card(fig, tmp_path / "short.png")
    assert fig.axes[0].get_title(loc="left") == "Коротко\n"
    plt.close(fig)


def test_save_card_after_the_figure_was_shown_and_closed(tmp_path):
    fig = cards.card_figure(pd.Series({"а": 1}), "Очень длинный заголовок " * 4, size="square")
    plt.close(fig)  # what the inline backend does after a cell: the canvas loses its renderer
    fig.canvas = matplotlib.backend_bases.FigureCanvasBase(fig)
    path = style.save_card(fig, tmp_path / "closed.png")
    assert cards.png_size(path) == (1080, 1080)
    assert "\n" in fig.axes[0].get_title(loc="left")
