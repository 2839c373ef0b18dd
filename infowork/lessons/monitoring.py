"""The monitoring machinery of module 05, lessons 1-2: one organisation's indicators next to the
federation's median, rank changes under other weights, weight sliders that re-rank live, the
sensitivity of the top 10 to the weights and a slope chart of ranks under two weightings.

Every definition (indicators per 1 000 members, scaling, score, rank) comes from
:mod:`infowork.openreport.indicators`; this module only shows them.

>>> import pandas as pd
>>> table = pd.DataFrame({
...     "org_id": ["A", "B", "C"], "year": [2024] * 3, "members": [1000, 5000, 20000],
...     "posts_per_1000": [120.0, 60.0, 30.0], "news_per_1000": [1.0, 2.0, 0.5],
...     "mentions_per_1000": [3.0, 1.0, 0.2], "trained_share": [100.0, 50.0, 40.0],
...     "has_info_plan": [False, True, True], "has_open_report": [False, True, False],
...     "budget_per_member": [10.0, 20.0, 5.0]})
>>> card = org_indicators(table, "A", 2024)
>>> card.loc["публикаций в соцсетях за год на 1 000 членов"].tolist()
['120,0', '60,0']
>>> card.loc["есть план информационной работы"].tolist()
['нет', 'да у 67\xa0%']
>>> changes = rank_changes(table, 2024, {"has_open_report": 1})
>>> changes[["было", "стало", "сдвиг"]].to_dict("index")
{'B': {'было': 2, 'стало': 1, 'сдвиг': 1}, 'A': {'было': 1, 'стало': 2, 'сдвиг': -1}, 'C': {'было': 3, 'стало': 2, 'сдвиг': 1}}
>>> ranks = sensitivity(table, 2024, {"только отчёт": {"has_open_report": 1}})
>>> ranks.to_dict("list")
{'веса федерации': [1, 2, 3], 'только отчёт': [2, 1, 2]}
>>> always_top(ranks, top=2)
['A', 'B']
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from infowork import style
from infowork.lessons.explore import table as russian_table
from infowork.openreport.indicators import DEFAULT_WEIGHTS, INDICATORS, rating
from infowork.russian import number, plural

__all__ = ["ALTERNATIVE_WEIGHTS", "DEFAULT_NAME", "org_indicators", "org_explorer",
           "weights_table", "rank_changes", "weight_sliders", "sensitivity", "always_top", "slope_figure"]

#: The name the tables give the federation's own weights.
DEFAULT_NAME = "веса федерации"

#: Other reasonable weightings a methodical council could choose (the lesson's sensitivity test).
ALTERNATIVE_WEIGHTS = {
    "все поровну": dict.fromkeys(INDICATORS, 1),
    "важна активность": {"posts_per_1000": 0.4, "news_per_1000": 0.3, "mentions_per_1000": 0.3},
    "важны СМИ": {**DEFAULT_WEIGHTS, "mentions_per_1000": 0.4},
    "важна организация работы": {**DEFAULT_WEIGHTS, "trained_share": 0.3, "has_info_plan": 0.2,
                                 "has_open_report": 0.2},
}

_LABELS = {"members": "членов профсоюза", **INDICATORS,
           "budget_per_member": "бюджет информационной работы на одного члена, ₽"}
_BOOLEAN = ("has_info_plan", "has_open_report")


def _year(table: pd.DataFrame, year: int) -> pd.DataFrame:
    chosen = table[table["year"] == year]
    if chosen.empty:
        raise ValueError(f"В таблице нет {year} года: есть "
                         + ", ".join(str(y) for y in sorted(table["year"].unique())) + ".")
    return chosen


def org_indicators(table: pd.DataFrame, org_id: str, year: int) -> pd.DataFrame:
    """One organisation's indicators in ``year`` next to the federation's median that year (for
    a yes/no answer: the share of organisations that answered yes), written the Russian way."""
    chosen = _year(table, year)
    row = chosen[chosen["org_id"] == org_id]
    if row.empty:
        raise ValueError(f"В {year} году нет организации {org_id}.")
    row = row.iloc[0]
    own, median = {}, {}
    for column, label in _LABELS.items():
        if column in _BOOLEAN:
            own[label] = "да" if row[column] else "нет"
            median[label] = "да у " + number(chosen[column].mean(), 0, percent=True)
        else:
            decimals = 0 if column == "members" else 1
            own[label] = number(row[column], decimals)
            median[label] = number(chosen[column].median(), decimals)
    return pd.DataFrame({org_id: own, "медиана федерации": median})


def org_explorer(table: pd.DataFrame, names: pd.Series) -> None:
    """Dropdowns of organisation (by name) and year above the organisation's indicators next to
    the federation's median."""
    import ipywidgets as widgets
    from IPython.display import display

    options = sorted(((names.get(org, org), org) for org in table["org_id"].unique()))
    years = sorted(int(y) for y in table["year"].unique())

    def draw(org_id, year):
        display(org_indicators(table, org_id, year))

    display(widgets.interactive(
        draw, org_id=widgets.Dropdown(options=options, description="Организация",
                                      layout=widgets.Layout(width="520px")),
        year=widgets.Dropdown(options=years, value=years[-1], description="Год")))


def rank_changes(table: pd.DataFrame, year: int, weights: dict,
                 names: pd.Series | None = None) -> pd.DataFrame:
    """Each organisation's place under the federation's weights («было») and under ``weights``
    («стало») in ``year``, with the move («сдвиг»: positive = up the table) and the new score,
    sorted by the new place."""
    chosen = _year(table, year)
    before = rating(chosen).set_index("org_id")["rank"]
    after = rating(chosen, weights).set_index("org_id")
    out = pd.DataFrame({"было": before, "стало": after["rank"], "баллы": after["score"]})
    out["сдвиг"] = out["было"] - out["стало"]
    if names is not None:
        out.insert(0, "организация", names.reindex(out.index))
    out.index.name = None
    return out.sort_values(["стало", "было"])


def weight_sliders(table: pd.DataFrame, year: int, names: pd.Series | None = None,
                   top: int = 10, movers: int = 5) -> None:
    """One slider per indicator (0-1, the federation's weights to start with); every change
    re-ranks ``year`` and shows the top ``top`` and the ``movers`` organisations that moved most
    against the federation's weights."""
    import ipywidgets as widgets
    from IPython.display import display

    sliders = {column: widgets.FloatSlider(
        value=DEFAULT_WEIGHTS[column], min=0, max=1, step=0.05, description=label,
        style={"description_width": "380px"}, layout=widgets.Layout(width="680px"))
        for column, label in INDICATORS.items()}

    def draw(**weights):
        if not any(weights.values()):
            print("Все веса равны нулю: задайте хотя бы одному показателю вес больше нуля.")
            return
        changes = rank_changes(table, year, weights, names)
        print(f"Первые {top} мест в {year} году при этих весах:")
        display(russian_table(changes.head(top), decimals=1))
        moved = changes.reindex(changes["сдвиг"].abs().sort_values(ascending=False).index)
        print(f"Сильнее всех сдвинулись (сдвиг больше нуля — вверх, "
              f"в среднем {plural(round(changes['сдвиг'].abs().mean()), 'место', 'места', 'мест')}):")
        display(russian_table(moved.head(movers), decimals=1))

    display(widgets.interactive(draw, **sliders))


def sensitivity(table: pd.DataFrame, year: int, weightings: dict | None = None) -> pd.DataFrame:
    """Places of every organisation in ``year`` under the federation's weights and under each
    weighting (``ALTERNATIVE_WEIGHTS`` by default): one column per weighting, sorted by the
    federation's place."""
    chosen = _year(table, year)
    weightings = {DEFAULT_NAME: DEFAULT_WEIGHTS, **(weightings or ALTERNATIVE_WEIGHTS)}
    ranks = pd.DataFrame({name: rating(chosen, weights).set_index("org_id")["rank"]
                          for name, weights in weightings.items()})
    ranks.index.name = None
    return ranks.sort_values([DEFAULT_NAME, *ranks.columns[1:]])


def always_top(ranks: pd.DataFrame, top: int = 10) -> list:
    """Organisations within the first ``top`` places in every column of ``sensitivity``."""
    return list(ranks.index[(ranks <= top).all(axis=1)])


def _spread(ranks: pd.Series, gap: float = 0.75) -> pd.Series:
    """Label heights for places: a place's own height unless the label above is closer than
    ``gap`` (tied places), then just below it."""
    heights, last = {}, float("-inf")
    for org, place in ranks.sort_values(kind="stable").items():
        last = max(float(place), last + gap)
        heights[org] = last
    return pd.Series(heights)


def weights_table(weightings: dict | None = None) -> pd.DataFrame:
    """The federation's weights and each other weighting as shares of their sum, %, one row per
    indicator (with its Russian label), one column per weighting.

    >>> weights_table({"только отчёт": {"has_open_report": 2}})["только отчёт"].tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 100.0]
    """
    weightings = {DEFAULT_NAME: DEFAULT_WEIGHTS, **(weightings or ALTERNATIVE_WEIGHTS)}
    table = pd.DataFrame({name: pd.Series(weights, dtype=float).reindex(list(INDICATORS)).fillna(0)
                          for name, weights in weightings.items()})
    table = (table / table.sum() * 100).round(1)
    table.index = list(INDICATORS.values())
    return table


def _short(name: str) -> str:
    return name.removeprefix("Профсоюз ")


def slope_figure(table: pd.DataFrame, year: int, weights: dict, label: str,
                 names: pd.Series | None = None, top: int = 10):
    """Places under the federation's weights (left) and under ``weights`` (right) of every
    organisation in the top ``top`` on either side: one line each, blue for those in the top
    under both weightings, grey for the rest."""
    ranks = sensitivity(table, year, {label: weights})
    shown = ranks[(ranks <= top).any(axis=1)]
    stay = set(always_top(ranks, top))
    fig, ax = plt.subplots(figsize=(9, max(4.5, 0.32 * len(shown) + 1.5)))
    label_y = {side: _spread(shown[column]) for side, column in zip((0, 1), shown.columns)}
    for org, (left, right) in shown.iterrows():
        colour = style.PALETTE["синий"] if org in stay else "#AAAAAA"
        ax.plot([0, 1], [left, right], marker="o", color=colour, lw=2.5 if org in stay else 1.2)
        text = _short(names.get(org, org)) if names is not None else org
        ax.text(-0.04, label_y[0][org], f"{text}  {left}", ha="right", va="center", fontsize=9,
                color=colour)
        ax.text(1.04, label_y[1][org], f"{right}  {text}", ha="left", va="center", fontsize=9,
                color=colour)
    ax.axhline(top + 0.5, color="#D55E00", lw=1, ls="--")
    ax.set_xlim(-0.9, 1.9)
    ax.set_ylim(max(label_y[0].max(), label_y[1].max()) + 1, 0)
    ax.set_xticks([0, 1], [DEFAULT_NAME, label])
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "right", "top", "bottom"):
        ax.spines[side].set_visible(False)
    style.title(ax, f"Место в рейтинге {year} года при двух наборах весов",
                f"синие — в первой десятке при обоих; пунктир — граница {top} мест")
    style.source(fig, f"мониторинг информационной работы, {year}")
    return fig
