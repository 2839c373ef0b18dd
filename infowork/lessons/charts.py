"""The chart machinery of module 03 lessons 1-2: one series drawn as bars, a line, a pie or a
table with a word on which question each answers, and the honest-axes demonstrations (a
truncated bar axis and its y-limit slider, dual axes, circles scaled by radius or by area).

The lessons draw the honest chart themselves (``ax.barh``, ``ax.set_ylim(0)``); the explorers
and the deliberately misleading charts are machinery and live here. Nothing here answers an
assignment step.

>>> import pandas as pd
>>> topics = pd.Series([50, 30, 20], index=["зарплата", "отпуск", "пенсия"])
>>> kind_of(topics)
'категории'
>>> advice(topics, "круг")
'Круг годится: частей мало (3), и вместе они — целое (все обращения).'
>>> round(apparent_change(100, 90, bottom=80), 1)
-50.0
>>> radius_ratio(4, scale="area")
2.0
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from infowork import style
from infowork.lessons.explore import table as _styled
from infowork.russian import number, plural

__all__ = ["table", "KINDS", "MAX_PIE_PARTS", "SOURCE", "kind_of", "advice", "draw", "four_views",
           "type_explorer", "apparent_change", "truncated_bars", "ylim_explorer", "dual_axes",
           "radius_ratio", "circles"]

#: The four ways to show one series, in the words the switch shows.
KINDS = ("столбцы", "линия", "круг", "таблица")
#: Most slices a pie may have before neighbouring slices can no longer be told apart.
MAX_PIE_PARTS = 5
#: The source line of the module's hotline charts.
SOURCE = "обращения на правовую горячую линию профсоюза, 2024–2025"


def table(values: pd.Series, decimals: int = 0, name: str = "обращений"):
    """A series as a one-column table with the decimal comma, ``decimals`` digits.

    >>> "41,4" in table(pd.Series([41.44], index=["35-54"]), 1, "доля, %").to_html()
    True
    """
    return _styled(values.rename(name).to_frame(), decimals=decimals)


def kind_of(values: pd.Series) -> str:
    """«время» when the index is dates or months (a series in time), else «категории».

    >>> kind_of(pd.Series([1, 2], index=pd.to_datetime(["2024-01-01", "2024-02-01"])))
    'время'
    """
    index = values.index
    if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)):
        return "время"
    return "категории"


def advice(values: pd.Series, kind: str) -> str:
    """One sentence on how well chart ``kind`` (one of KINDS) answers a question about ``values``.

    >>> months = pd.Series([5, 7], index=pd.period_range("2024-01", periods=2, freq="M"))
    >>> advice(months, "линия")
    'Линия — лучший выбор: она показывает ход во времени, рост и спад видны по наклону.'
    >>> advice(pd.Series(range(9), index=list("абвгдежзи")), "круг")
    'Кусков 9 — больше 5: соседние почти не отличить, сравнивать лучше столбцами.'
    """
    in_time = kind_of(values) == "время"
    if kind == "таблица":
        return ("Таблица — когда читателю нужно точное число, чтобы найти «своё»; "
                "главное в ней не видно с первого взгляда.")
    if kind == "столбцы":
        if in_time:
            return "Столбцы по времени читаются, но ход и перелом лучше видны на линии."
        return "Столбцы — лучший выбор для сравнения: длины легко сравнить. Отсортируйте их."
    if kind == "линия":
        if in_time:
            return "Линия — лучший выбор: она показывает ход во времени, рост и спад видны по наклону."
        return ("Линия соединяет категории, между которыми нет порядка: наклон между ними "
                "ничего не значит.")
    if kind == "круг":
        if in_time:
            return "Круг по времени бессмыслен: месяцы — не доли одного целого."
        parts = len(values)
        if parts > MAX_PIE_PARTS:
            return (f"Кусков {parts} — больше {MAX_PIE_PARTS}: соседние почти не отличить, "
                    "сравнивать лучше столбцами.")
        return f"Круг годится: частей мало ({parts}), и вместе они — целое (все обращения)."
    raise ValueError(f"Неизвестный вид «{kind}». Есть: {', '.join(KINDS)}.")


def _labels(values: pd.Series) -> list[str]:
    if isinstance(values.index, pd.PeriodIndex):
        return [period.strftime("%m.%Y") for period in values.index]
    if isinstance(values.index, pd.DatetimeIndex):
        return [stamp.strftime("%m.%Y") for stamp in values.index]
    return [str(label) for label in values.index]


def draw(values: pd.Series, kind: str, ax=None, heading: str = ""):
    """Draw ``values`` as ``kind`` (one of KINDS) on ``ax`` (a new figure when None); returns ax.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = draw(pd.Series([3, 1], index=["а", "б"]), "столбцы")
    >>> [float(bar.get_width()) for bar in ax.patches]
    [1.0, 3.0]
    >>> plt.close("all")
    """
    if kind not in KINDS:
        raise ValueError(f"Неизвестный вид «{kind}». Есть: {', '.join(KINDS)}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    labels = _labels(values)
    in_time = kind_of(values) == "время"
    if kind == "столбцы":
        if in_time:
            ax.bar(labels, values.to_numpy(), color=style.PALETTE["синий"])
            ax.tick_params(axis="x", labelrotation=90, labelsize=8)
        else:
            ordered = values.sort_values()
            ax.barh(_labels(ordered), ordered.to_numpy(), color=style.PALETTE["синий"])
    elif kind == "линия":
        ax.plot(labels, values.to_numpy(), marker="o", color=style.PALETTE["синий"])
        ax.set_ylim(0, values.max() * 1.1)
        ax.tick_params(axis="x", labelrotation=90, labelsize=8)
    elif kind == "круг":
        ax.pie(values.to_numpy(), labels=labels, startangle=90, counterclock=False,
               textprops={"fontsize": 8 if len(values) > MAX_PIE_PARTS else 10},
               wedgeprops={"edgecolor": "white"})
        ax.set_aspect("equal")
    else:
        ax.axis("off")
        shown = values if len(values) <= 12 else values.iloc[:12]
        cells = [[label, number(value)] for label, value in zip(_labels(shown), shown)]
        if len(values) > len(shown):
            cells.append(["…", f"ещё {len(values) - len(shown)}"])
        table = ax.table(cellText=cells, colLabels=["", "обращений"], loc="center",
                         cellLoc="left", colLoc="left")
        table.auto_set_font_size(False)
        table.set_fontsize(9)
        table.scale(1, 1.3)
    ax.set_title(heading or kind, loc="left", fontsize=11)
    return ax


def four_views(values: pd.Series, heading: str):
    """The same ``values`` as bars, a line, a pie and a table side by side (a 2 × 2 figure)."""
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    for ax, kind in zip(axes.flat, KINDS):
        draw(values, kind, ax, heading=kind.capitalize())
    fig.suptitle(heading, x=0.01, ha="left", fontsize=13, fontweight="bold")
    style.source(fig, SOURCE)
    fig.tight_layout()
    return fig


def type_explorer(questions: dict) -> None:
    """A dropdown of questions (``{question: series}``) and a switch of KINDS; under the chart, a
    sentence from :func:`advice` on whether this kind answers this question."""
    import ipywidgets as widgets
    from IPython.display import display

    def show(question, kind):
        values = questions[question]
        print(advice(values, kind))
        draw(values, kind, heading=question)
        plt.show()

    display(widgets.interactive(
        show,
        question=widgets.Dropdown(options=list(questions), description="Вопрос",
                                  layout=widgets.Layout(width="560px")),
        kind=widgets.ToggleButtons(options=list(KINDS), description="Вид"),
    ))


def apparent_change(first: float, last: float, bottom: float = 0) -> float:
    """Change from ``first`` to ``last`` in per cent as the bars' visible heights show it when
    the axis starts at ``bottom`` (with ``bottom=0`` it is the true change).

    >>> round(apparent_change(100, 90), 1)
    -10.0
    >>> round(apparent_change(100, 90, bottom=85), 1)
    -66.7
    """
    if first <= bottom:
        raise ValueError("Ось начинается выше первого столбца: его не видно.")
    return ((last - bottom) / (first - bottom) - 1) * 100


def truncated_bars(values: pd.Series, bottom: float = 0, ax=None, heading: str = ""):
    """Vertical bars of ``values`` with the y axis starting at ``bottom``; the subtitle states
    the true and the visible change from the first bar to the last. Returns ax."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4.5))
    labels = [str(label) for label in values.index]
    ax.bar(labels, values.to_numpy(), color=style.PALETTE["синий"])
    ax.set_ylim(bottom, values.max() * 1.02 if bottom else values.max() * 1.1)
    ax.yaxis.set_major_formatter(lambda value, _: number(value))
    true = apparent_change(values.iloc[0], values.iloc[-1])
    seen = apparent_change(values.iloc[0], values.iloc[-1], bottom)
    style.title(ax, heading or "Ось начинается с " + number(bottom),
                subtitle=f"На деле: {number(true, 1)} %. На глаз: {number(seen, 1)} %.")
    return ax


def ylim_explorer(values: pd.Series, heading: str = "Члены профсоюза по годам") -> None:
    """A slider for where the bars' y axis starts, from 0 up to just below the smallest bar;
    the chart's subtitle shows how the visible change grows while the data stay the same."""
    import ipywidgets as widgets
    from IPython.display import display

    low = float(values.min())
    step = 10 ** max(int(np.log10(low)) - 2, 0)
    top = int(low // step * step)
    if top >= low:
        top -= step

    def show(bottom):
        ax = truncated_bars(values, bottom, heading=f"{heading}: ось от {number(bottom)}")
        style.source(ax.figure, "данные профсоюза о членстве")
        ax.figure.tight_layout()
        plt.show()

    display(widgets.interactive(show, bottom=widgets.IntSlider(
        value=0, min=0, max=top, step=step, description="Ось от",
        continuous_update=False, layout=widgets.Layout(width="560px"))))


def dual_axes(left: pd.Series, right: pd.Series, right_top: float | None = None,
              heading: str = ""):
    """Two series on one chart, each with its own y axis (left and right). ``right_top`` sets
    the upper limit of the right axis: moving it moves the line and where the lines cross,
    while the data stay the same. Returns the figure."""
    fig, ax = plt.subplots(figsize=(9, 4.5))
    labels = _labels(left)
    ax.plot(labels, left.to_numpy(), color=style.PALETTE["синий"], marker="o", label=left.name)
    ax.set_ylim(0, left.max() * 1.15)
    ax.set_ylabel(str(left.name), color=style.PALETTE["синий"])
    twin = ax.twinx()
    twin.plot(labels, right.to_numpy(), color=style.PALETTE["оранжевый"], marker="o",
              label=right.name)
    twin.set_ylim(0, right_top if right_top is not None else right.max() * 1.15)
    twin.set_ylabel(str(right.name), color=style.PALETTE["оранжевый"])
    twin.grid(False)
    ax.tick_params(axis="x", labelrotation=90, labelsize=8)
    style.title(ax, heading or "Две оси", subtitle="левая ось — синяя линия, правая — оранжевая")
    style.source(fig, SOURCE)
    fig.tight_layout()
    return fig


def radius_ratio(value_ratio: float, scale: str = "area") -> float:
    """How many times wider a circle must be for a value ``value_ratio`` times larger:
    the square root when the area shows the value (honest), the ratio itself when the radius does.

    >>> radius_ratio(9)
    3.0
    >>> radius_ratio(9, scale="radius")
    9
    """
    if scale == "area":
        return float(np.sqrt(value_ratio))
    if scale == "radius":
        return value_ratio
    raise ValueError("scale: «area» (площадь) или «radius» (радиус)")


def circles(values: pd.Series, scale: str = "area", ax=None, heading: str = ""):
    """One circle per value, its size proportional to the value by area (honest) or by radius
    (the picture then exaggerates: twice the value, four times the ink). Returns ax."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.8))
    biggest = values.max()
    radii = [0.45 * radius_ratio(value / biggest, scale) for value in values]
    for position, (label, value, radius) in enumerate(zip(values.index, values, radii)):
        ax.add_patch(plt.Circle((position, 0.5), radius, color=style.PALETTE["синий"], alpha=0.8))
        ax.text(position, -0.1, f"{label}\n{number(value)}", ha="center", va="top", fontsize=10)
    ax.set_xlim(-0.6, len(values) - 0.4)
    ax.set_ylim(-0.5, 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    word = "площадь" if scale == "area" else "радиус"
    ax.set_title(heading or f"Число — это {word} круга", loc="left", fontsize=11)
    return ax
