"""infowork.checks (the assignments' test-cell helpers) and infowork.style."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from infowork import checks, style  # noqa: E402


class AlwaysEqual:
    """A cheat: equal to everything."""

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


def test_not_attempted_gets_a_kind_message():
    with pytest.raises(AssertionError, match="Переменной top5 пока нет"):
        checks.answer("top5", {})
    with pytest.raises(AssertionError, match="пустая"):
        checks.answer("top5", {"top5": None})


@pytest.mark.parametrize("cheat", [AlwaysEqual(), "0.5", True])
def test_value_checks_are_not_fooled_by_wrong_types(cheat):
    with pytest.raises(AssertionError):
        checks.same_number(cheat, 0.5, "доля")
    with pytest.raises(AssertionError):
        checks.same_values([cheat], [0.5], "список")


def test_hidden_checks_never_reveal_the_expected_value():
    with pytest.raises(AssertionError) as info:
        checks.same_number(0.25, 0.123456, "доля")
    assert "0.123456" not in str(info.value) and "0.12" not in str(info.value)
    expected = pd.Series([111.5, 222.5], index=["ЦФО", "ПФО"])
    with pytest.raises(AssertionError) as info:
        checks.same_series(pd.Series([1.0, 2.0], index=["ЦФО", "ПФО"]), expected, "итог")
    assert "111.5" not in str(info.value)


def test_same_series_and_frame_accept_the_right_answer_in_any_equal_form():
    expected = pd.Series([3, 1], index=["a", "b"])
    checks.same_series(pd.Series([3.0, 1.0], index=["a", "b"]), expected, "s")
    checks.same_series(pd.Series([1, 3], index=["b", "a"]), expected, "s", check_order=False)
    with pytest.raises(AssertionError, match="порядок"):
        checks.same_series(pd.Series([1, 3], index=["b", "a"]), expected, "s")
    df = pd.DataFrame({"region": ["X", "Y"], "n": [1, 2]})
    checks.same_frame(df.iloc[::-1].set_index(pd.Index([5, 6])), df, "t", check_order=False)
    with pytest.raises(AssertionError, match="столбец n"):
        checks.same_frame(df.assign(n=[1, 3]), df, "t")


def test_form_checks_say_what_is_wrong():
    df = pd.DataFrame({"a": [1, 2, 3]})
    with pytest.raises(AssertionError, match="не хватает столбцов b"):
        checks.frame(df, "t", columns=["a", "b"])
    with pytest.raises(AssertionError, match="не больше 2 строк"):
        checks.frame(df, "t", max_rows=2)
    with pytest.raises(AssertionError, match="таблица pandas"):
        checks.frame([1, 2], "t")
    with pytest.raises(AssertionError, match="числами"):
        checks.series(pd.Series(["x"]), "s", numeric=True)
    with pytest.raises(AssertionError, match="деления на ноль"):
        checks.number(float("nan"), "x")


def bar_chart(values, horizontal=False, title=True, source=True):
    style.apply()
    fig, ax = plt.subplots()
    labels = [f"k{i}" for i in range(len(values))]
    if horizontal:
        ax.barh(labels[::-1], values[::-1])  # barh draws the first bar at the bottom
    else:
        ax.bar(labels, values)
    if title:
        style.title(ax, "Заголовок", subtitle="подзаголовок")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if source:
        style.source(fig, "данные комплекта")
    return fig, ax


@pytest.mark.parametrize("horizontal", [False, True])
def test_chart_check_reads_the_figure(horizontal):
    fig, ax = bar_chart([5, 3, 1], horizontal=horizontal)
    checks.chart(ax, bars=3, bars_sorted="descending")
    with pytest.raises(AssertionError, match="по возрастанию"):
        checks.chart(ax, bars_sorted="ascending")
    with pytest.raises(AssertionError, match="4 столбца"):
        checks.chart(ax, bars=4)
    plt.close(fig)


def test_chart_counts_bars_from_containers_not_decorations():
    fig, ax = bar_chart([5, 3, 1])
    ax.axvspan(-0.5, 0.5, color="gold", alpha=0.3)
    ax.axhspan(0, 1, alpha=0.1)
    ax.legend(["лидер"])
    checks.chart(ax, bars=3, bars_sorted="descending", horizontal=False)
    assert checks.bars(ax) == [("k0", 5), ("k1", 3), ("k2", 1)]
    with pytest.raises(AssertionError, match="горизонтальные"):
        checks.chart(ax, horizontal=True)
    plt.close(fig)


@pytest.mark.parametrize("horizontal", [False, True])
def test_same_bars_pairs_each_label_with_its_length(horizontal):
    fig, ax = bar_chart([5, 3, 1], horizontal=horizontal)
    checks.same_bars(ax, pd.Series({"K0": 5, " k1 ": 3, "k2": 1}))  # case and spaces ignored
    checks.same_bars(ax, pd.Series({"k0": 5.004, "k1": 3, "k2": 1}))  # rounded to 2 decimals
    with pytest.raises(AssertionError, match="не совпадает"):
        checks.same_bars(ax, pd.Series({"k0": 5.004, "k1": 3, "k2": 1}), decimals=None)
    with pytest.raises(AssertionError, match="столбца «k0» не совпадает"):
        checks.same_bars(ax, pd.Series({"k0": 1, "k1": 3, "k2": 5}))  # right lengths, wrong labels
    with pytest.raises(AssertionError, match="не те подписи: «k2»"):
        checks.same_bars(ax, pd.Series({"k0": 5, "k1": 3, "x": 1}))
    plt.close(fig)


def test_numbers_rounded_to_two_decimals_pass_unless_forbidden():
    checks.same_number(3.46, 3.4567, "ER")
    checks.same_series(pd.Series([3.46, 1.0], index=["Текст ", "фото"]),
                       pd.Series([3.4567, 1.0], index=["текст", "Фото"]), "ER")
    checks.same_frame(pd.DataFrame({"a": [0.12]}), pd.DataFrame({"a": [0.1249]}), "t")
    checks.same_values([0.33], [1 / 3], "доли")
    with pytest.raises(AssertionError, match="неверное"):
        checks.same_number(3.5, 3.4567, "ER")  # rounded to one decimal
    with pytest.raises(AssertionError, match="неверное"):
        checks.same_number(0.31, 0.3123, "доля", decimals=None)


def test_a_column_left_in_the_index_is_named_as_such():
    df = pd.DataFrame({"name": ["А"], "members": [5]}).set_index("name")
    with pytest.raises(AssertionError, match="name — сейчас индекс.*reset_index"):
        checks.frame(df, "top5", columns=["name", "members"])
    with pytest.raises(AssertionError, match="должно быть 3 значения, а сейчас 1"):
        checks.series(df["members"], "s", length=3)
    with pytest.raises(AssertionError, match="не меньше 1 строки"):
        checks.frame(df.iloc[:0], "t", min_rows=1)


@pytest.mark.parametrize("error, message", [
    (KeyError(0), r"нет ключа «0».*\.iloc"),
    (KeyError("views"), "нет ключа «views».*items.columns"),
    (KeyError("'views'"), "нет ключа «views»"),  # as the replay outside the kernel raises it
    (TypeError("unsupported operand"), "TypeError.*аргументов"),
    (NameError("name 'news' is not defined"), "NameError"),
    (ValueError("bad"), "ошибкой ValueError"),
    (NotImplementedError(), "функция пока пустая"),
])
def test_an_error_in_a_trainees_function_is_explained_in_russian(error, message):
    def broken(items):
        raise error
    with pytest.raises(AssertionError, match=message) as info:
        checks.call(broken, "score_news(news.head(20))", pd.DataFrame())
    assert str(info.value).startswith("score_news(news.head(20)): ")
    with pytest.raises(AssertionError, match="^своё$"):
        checks.call(lambda: (_ for _ in ()).throw(AssertionError("своё")), "f()")
    assert checks.call(lambda x: x + 1, "f(1)", 1) == 2


def test_chart_without_title_or_source_fails():
    fig, ax = bar_chart([1, 2], title=False)
    with pytest.raises(AssertionError, match="нет заголовка"):
        checks.chart(ax)
    plt.close(fig)
    fig, ax = bar_chart([1, 2], source=False)
    with pytest.raises(AssertionError, match="источник"):
        checks.chart(ax)
    plt.close(fig)


def test_style_uses_a_cyrillic_font_and_colour_blind_safe_palette():
    style.apply()
    assert plt.rcParams["font.sans-serif"][0] == "DejaVu Sans"
    cycle = [c.lower() for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle[:4] == [v.lower() for v in list(style.PALETTE.values())[:4]]
    assert plt.rcParams["text.usetex"] is False


def test_source_line_is_replaced_not_stacked():
    fig, _ = bar_chart([1])
    style.source(fig, "второй источник")
    assert style.source_text(fig) == "Источник: второй источник"
    assert len(fig.texts) == 1
    plt.close(fig)


def test_save_card_writes_the_social_network_size(tmp_path):
    fig, _ = bar_chart([3, 2, 1])
    path = style.save_card(fig, tmp_path / "card.png", size="wide")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = plt.imread(path).shape[1], plt.imread(path).shape[0]
    assert (width, height) == style.SIZES["wide"]
    with pytest.raises(ValueError, match="Неизвестный размер"):
        style.save_card(fig, tmp_path / "x.png", size="billboard")
    plt.close(fig)
