"""The survey machinery of module 02 lessons 1-3: shares of a question with several answers,
a cross-table viewed by row or by column, and post-stratification weights.

The lessons teach ``str.split`` + ``explode``, ``pd.crosstab(normalize=...)`` and weights in
their own cells; the explorers (a filter by sector and role, a row/column toggle, a weighted vs
raw share chooser) are machinery and live here. Nothing here answers an assignment step.

>>> import pandas as pd
>>> survey = pd.DataFrame({
...     "age_group": ["до 35", "до 35", "до 35", "55 и старше"],
...     "channels": ["ВКонтакте;Telegram", "Telegram", "ВКонтакте", "Одноклассники;ВКонтакте"]})
>>> answer_shares(survey["channels"]).round(1).to_dict()
{'ВКонтакте': 75.0, 'Telegram': 50.0, 'Одноклассники': 25.0}
>>> weights = stratum_weights(survey["age_group"], {"до 35": 0.5, "55 и старше": 0.5})
>>> weights.round(3).tolist()
[0.667, 0.667, 0.667, 2.0]
>>> reads_tg = survey["channels"].str.split(";").apply(lambda answers: "Telegram" in answers)
>>> round(weighted_share(reads_tg, weights), 1)
33.3
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from infowork import style
from infowork.lessons.explore import table as _styled
from infowork.russian import number, plural

__all__ = ["SOURCE", "MIN_RESPONDENTS", "ALL", "table", "answer_shares", "filtered", "shares_figure",
           "portrait_explorer", "crosstab_view", "crosstab_explorer", "stratum_weights",
           "weighted_share", "mix_figure", "weighting_explorer"]

#: The source line of the module's survey charts.
SOURCE = "опрос членов профсоюза о каналах информации"
#: Fewest respondents in a selection before the explorer draws shares: below it they jump by chance.
MIN_RESPONDENTS = 30
#: The option of a filter that keeps everyone.
ALL = "все"
#: The three ways to divide a cross-table, in the words the toggle shows.
DIVIDE_BY = {"по строкам": "index", "по столбцам": "columns", "от всех": "all"}


def table(values, decimals: int = 1):
    """A Series or DataFrame as a Russian editor prints it: decimal comma, ``decimals`` digits.

    >>> "12,3" in table(pd.Series([12.34], name="доля, %")).to_html()
    True
    """
    frame = values.to_frame() if isinstance(values, pd.Series) else values
    return _styled(frame, decimals=decimals)


def answer_shares(answers: pd.Series, sep: str = ";") -> pd.Series:
    """Per cent of respondents who ticked each answer of a question with several answers
    joined by ``sep``, largest first. The base is the number of respondents, not of ticks, so
    the shares add up to more than 100.

    >>> answer_shares(pd.Series(["а;б", "б"])).tolist()
    [100.0, 50.0]
    """
    ticks = answers.str.split(sep).explode()
    return (ticks.value_counts() / len(answers) * 100).rename("доля ответивших, %")


def filtered(survey: pd.DataFrame, sector: str = ALL, role: str = ALL) -> pd.DataFrame:
    """The respondents of one sector and role (``ALL`` keeps every value).

    >>> frame = pd.DataFrame({"sector": ["АПК", "связь"], "role": ["профгрупорг", "профгрупорг"]})
    >>> len(filtered(frame, sector="связь")), len(filtered(frame))
    (1, 2)
    """
    keep = pd.Series(True, index=survey.index)
    if sector != ALL:
        keep &= survey["sector"] == sector
    if role != ALL:
        keep &= survey["role"] == role
    return survey[keep]


def shares_figure(survey: pd.DataFrame, column: str = "topics", heading: str = "Все ответившие"):
    """Horizontal bars of :func:`answer_shares` of ``column``; with fewer than
    ``MIN_RESPONDENTS`` respondents the chart says so instead of drawing shares."""
    small = len(survey) < MIN_RESPONDENTS
    fig, ax = plt.subplots(figsize=(8, 1.2 if small else 4))
    count = plural(len(survey), "анкета", "анкеты", "анкет")
    if small:
        ax.axis("off")
        ax.text(0.5, 0.5, f"{heading}: {count} — меньше {MIN_RESPONDENTS}, доли не считаем",
                ha="center", va="center", wrap=True)
        return fig
    shares = answer_shares(survey[column]).sort_values()
    bars = ax.barh(shares.index, shares.to_numpy(), color=style.PALETTE["синий"])
    ax.bar_label(bars, labels=[number(value, 0) + " %" for value in shares], padding=3)
    ax.set_xlim(0, 110)
    ax.set_xlabel("Доля ответивших, % (в сумме больше 100: ответов несколько)")
    style.title(ax, heading, subtitle=count)
    style.source(fig, SOURCE)
    fig.tight_layout()
    return fig


def _options(values: pd.Series) -> list[str]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [str(value) for value in values.cat.categories]
    return sorted(str(value) for value in values.dropna().unique())


def portrait_explorer(survey: pd.DataFrame, column: str = "topics") -> None:
    """Dropdowns for sector and role above the chart of :func:`shares_figure`."""
    import ipywidgets as widgets
    from IPython.display import display

    def draw(sector, role):
        heading = ", ".join(value for value in (sector, role) if value != ALL) or "Все ответившие"
        shares_figure(filtered(survey, sector, role), column, heading)
        plt.show()

    display(widgets.interactive(
        draw,
        sector=widgets.Dropdown(options=[ALL] + _options(survey["sector"]), description="Отрасль"),
        role=widgets.Dropdown(options=[ALL] + _options(survey["role"]), description="Роль",
                              layout=widgets.Layout(width="420px")),
    ))


def crosstab_view(rows: pd.Series, columns: pd.Series, divide_by: str = "по строкам"):
    """The cross-table of ``rows`` × ``columns`` in per cent, divided as ``divide_by`` says
    (a key of ``DIVIDE_BY``), shaded along the direction that adds up to 100.

    >>> view = crosstab_view(pd.Series(["а", "а", "б"]), pd.Series(["x", "y", "x"]), "по столбцам")
    >>> view.data.round(1).to_dict()
    {'x': {'а': 50.0, 'б': 50.0}, 'y': {'а': 100.0, 'б': 0.0}}
    """
    normalize = DIVIDE_BY[divide_by]
    table = pd.crosstab(rows, columns, normalize=normalize) * 100
    axis = {"index": 1, "columns": 0, "all": None}[normalize]
    styled = table.style.format(precision=1, decimal=",").background_gradient(cmap="Blues",
                                                                              axis=axis)
    return styled


def crosstab_explorer(rows: pd.Series, columns: pd.Series) -> None:
    """Buttons «по строкам / по столбцам / от всех» above :func:`crosstab_view`, with a line
    saying which sum is 100 % in the chosen view."""
    import ipywidgets as widgets
    from IPython.display import display

    sums = {"по строкам": "в каждой строке сумма — 100 %: доли внутри группы строки",
            "по столбцам": "в каждом столбце сумма — 100 %: состав читателей столбца",
            "от всех": "сумма всей таблицы — 100 %: доля каждой клетки от всех анкет"}

    def draw(divide_by):
        print(f"Деление {divide_by}: {sums[divide_by]}")
        display(crosstab_view(rows, columns, divide_by))

    display(widgets.interactive(draw, divide_by=widgets.ToggleButtons(
        options=list(DIVIDE_BY), description="Делить")))


def stratum_weights(groups: pd.Series, population_shares) -> pd.Series:
    """Post-stratification weight of each respondent: the group's share in the population
    divided by its share in the survey. The weights add up to the number of respondents.

    >>> stratum_weights(pd.Series(["а", "а", "б", "б"]), {"а": 0.25, "б": 0.75}).tolist()
    [0.5, 0.5, 1.5, 1.5]
    """
    population = pd.Series(population_shares, dtype=float)
    population = population / population.sum()
    sample = groups.astype(str).value_counts(normalize=True)
    return groups.astype(str).map(population / sample).astype(float).rename("вес")


def weighted_share(flag: pd.Series, weights: pd.Series) -> float:
    """Per cent of respondents with ``flag`` true when each counts with its weight."""
    return float(np.average(flag.astype(float), weights=weights) * 100)


def mix_figure(mixes: pd.DataFrame, heading: str = "Молодых в опросе больше, чем среди членов"):
    """Grouped bars of age mixes: a row per age group, a column per source (shares in per cent)."""
    fig, ax = plt.subplots(figsize=(8, 4))
    colours = [style.PALETTE["синий"], style.PALETTE["оранжевый"], style.PALETTE["зелёный"]]
    mixes.plot.bar(ax=ax, rot=0, color=colours[:mixes.shape[1]])
    for bars in ax.containers:
        ax.bar_label(bars, labels=[number(value, 0) + " %" for value in bars.datavalues],
                     padding=2)
    ax.set_xlabel("Возрастная группа")
    ax.set_ylabel("Доля, %")
    ax.set_ylim(0, mixes.to_numpy().max() * 1.2)
    style.title(ax, heading)
    style.source(fig, "опрос членов профсоюза; численность по возрастам на 2025 год")
    fig.tight_layout()
    return fig


def weighting_explorer(survey: pd.DataFrame, weights: pd.Series) -> None:
    """Dropdown of a main channel: the share of respondents who name it their main source
    without and with weights, and the share in each age group (which weights do not change)."""
    import ipywidgets as widgets
    from IPython.display import display

    def draw(channel):
        main = survey["main_channel"] == channel
        raw, weighted = main.mean() * 100, weighted_share(main, weights)
        print(f"«{channel}» — главный источник: без весов {number(raw, 1)} %, "
              f"с весами {number(weighted, 1)} % (сдвиг {number(weighted - raw, 1)} п. п.)")
        by_age = main.groupby(survey["age_group"], observed=True).mean() * 100
        display(table(by_age.rename("главный источник, % в группе")))

    display(widgets.interactive(draw, channel=widgets.Dropdown(
        options=survey["main_channel"].value_counts().index.tolist(), description="Источник")))
