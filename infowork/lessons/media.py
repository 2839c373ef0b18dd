"""The machinery of module 05, lesson 4 (external media): shares in per cent with the counts
next to them, a share compared within groups, reach against the number of mentions, and an
organisation's media profile against the federation's with its explorer.

>>> m = pd.DataFrame({"outlet_level": ["местное", "местное", "региональное", "федеральное"],
...                   "tone": ["позитивная", "нейтральная", "позитивная", "негативная"],
...                   "initiated_by_press_service": [True, False, True, False],
...                   "reach": [1000, 3000, 20000, 400000]})
>>> shares(m, "outlet_level").to_dict("index")
{'местное': {'публикаций': 2, '%': 50.0}, 'региональное': {'публикаций': 1, '%': 25.0}, 'федеральное': {'публикаций': 1, '%': 25.0}}
>>> share_within(m, "initiated_by_press_service", "tone", "позитивная").to_dict("index")
{False: {'публикаций': 2, 'из них позитивная': 0, '%': 0.0}, True: {'публикаций': 2, 'из них позитивная': 2, '%': 100.0}}
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from infowork import style
from infowork.lessons.analytics import wilson
from infowork.russian import number, plural

__all__ = ["ASPECTS", "shares", "share_within", "reach_table", "profile", "profile_figure",
           "media_explorer"]

#: What a media profile compares, with the Russian label of each column.
ASPECTS = {
    "outlet_level": "уровень СМИ",
    "media_type": "вид СМИ",
    "tone": "тональность",
    "initiated_by_press_service": "по инициативе пресс-службы",
}


def shares(mentions: pd.DataFrame, column: str) -> pd.DataFrame:
    """The number of mentions per value of ``column`` and its share of all mentions, %, in the
    order of the column's categories (most frequent first for other columns)."""
    counts = mentions[column].value_counts(sort=not isinstance(mentions[column].dtype,
                                                              pd.CategoricalDtype))
    counts = counts[counts.index.notna()]
    out = pd.DataFrame({"публикаций": counts, "%": (counts / counts.sum() * 100).round(1)})
    out.index.name = ASPECTS.get(column, column)
    return out


def share_within(mentions: pd.DataFrame, by, column: str, value) -> pd.DataFrame:
    """Per group of ``by`` (a column or a list of columns): the mentions in the group, how many
    of them have ``column == value`` and that share, % — a comparison made inside each group."""
    hit = mentions[column] == value
    grouped = hit.groupby([mentions[b] for b in ([by] if isinstance(by, str) else by)],
                          observed=True)
    out = pd.DataFrame({"публикаций": grouped.size(), f"из них {value}": grouped.sum()})
    out["%"] = (out[f"из них {value}"] / out["публикаций"] * 100).round(1)
    return out


def reach_table(mentions: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per value of ``by``: mentions and their share, %, the summed reach (a person who saw two
    publications counts twice) and its share, %, and the median reach of one publication."""
    grouped = mentions.groupby(by, observed=True)["reach"]
    out = pd.DataFrame({"публикаций": grouped.size(), "аудитория, сумма": grouped.sum(),
                        "медиана на публикацию": grouped.median()})
    out.insert(1, "% публикаций", (out["публикаций"] / out["публикаций"].sum() * 100).round(1))
    out.insert(3, "% аудитории",
               (out["аудитория, сумма"] / out["аудитория, сумма"].sum() * 100).round(1))
    return out


def profile(mentions: pd.DataFrame, org_id: str, year: int) -> pd.DataFrame:
    """An organisation's media profile in one year against the federation's: per aspect and
    value, the organisation's count and share, % and the federation's share, %.

    >>> m = pd.DataFrame({"org_id": ["A", "A", "B", "B"],
    ...     "published_at": pd.to_datetime(["2024-03-01"] * 4),
    ...     "outlet_level": ["местное"] * 3 + ["региональное"], "media_type": ["газета"] * 4,
    ...     "tone": ["позитивная"] * 4, "initiated_by_press_service": [True, False, True, True]})
    >>> profile(m, "A", 2024).loc["уровень СМИ"].to_dict("index")
    {'местное': {'публикаций': 2, '%': 100.0, '% по федерации': 75.0}, 'региональное': {'публикаций': 0, '%': 0.0, '% по федерации': 25.0}}
    """
    year_rows = mentions[mentions["published_at"].dt.year == year].copy()
    year_rows["initiated_by_press_service"] = pd.Categorical(
        year_rows["initiated_by_press_service"].map({True: "да", False: "нет"}),
        categories=["да", "нет"])
    own = year_rows[year_rows["org_id"] == org_id]
    parts = {}
    for column, label in ASPECTS.items():
        all_ = shares(year_rows, column)
        mine = own[column].value_counts().reindex(all_.index, fill_value=0)
        total = max(int(mine.sum()), 1)
        parts[label] = pd.DataFrame({"публикаций": mine.astype(int),
                                     "%": (mine / total * 100).round(1),
                                     "% по федерации": all_["%"]})
    return pd.concat(parts, names=["что", "значение"])


def profile_figure(mentions: pd.DataFrame, org_id: str, year: int, name: str = ""):
    """Horizontal bars of an organisation's shares next to the federation's, one panel per
    aspect; each label carries the organisation's count."""
    table = profile(mentions, org_id, year)
    n = int(mentions[(mentions["org_id"] == org_id)
                     & (mentions["published_at"].dt.year == year)].shape[0])
    fig, axes = plt.subplots(2, 2, figsize=(11, 6.5), gridspec_kw={"hspace": 0.45, "wspace": 0.6})
    right = min(100, table[["%", "% по федерации"]].to_numpy().max() * 1.15)
    for ax, label in zip(axes.flat, ASPECTS.values()):
        part = table.loc[label]
        y = np.arange(len(part))
        ax.barh(y - 0.2, part["%"], height=0.4, color=style.PALETTE["синий"],
                label=name or org_id)
        ax.barh(y + 0.2, part["% по федерации"], height=0.4, color=style.PALETTE["оранжевый"],
                label="федерация")
        ax.set_yticks(y, [f"{value} ({count})" for value, count in zip(part.index, part["публикаций"])])
        ax.invert_yaxis()
        ax.set_xlim(0, right)
        style.axis_numbers(ax, "x", suffix=" %")
        ax.set_title(label, loc="left")
    fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="upper right", ncols=2,
               bbox_to_anchor=(0.98, 1.0), frameon=False)
    fig.suptitle(f"{name or org_id}: {plural(n, 'публикация', 'публикации', 'публикаций')} "
                 f"в СМИ за {year} год (в скобках — число публикаций организации)",
                 x=0.01, y=1.05, ha="left", fontsize=12)
    style.source(fig, "мониторинг СМИ федерации (media_mentions)")
    return fig


def media_explorer(mentions: pd.DataFrame, organizations: pd.DataFrame) -> None:
    """Dropdowns for an organisation and a year; below them the organisation's share of the
    federation's mentions, its positive share with the Wilson interval, and its media profile
    against the federation's."""
    import ipywidgets as widgets

    names = organizations.set_index("org_id")["name"]
    counts = mentions.groupby("org_id").size()
    options = [(f"{names[o]} ({o})", o) for o in names.index if o in counts.index]
    years = sorted(mentions["published_at"].dt.year.unique().tolist())

    def draw(org_id, year):
        year_rows = mentions[mentions["published_at"].dt.year == year]
        n = int((year_rows["org_id"] == org_id).sum())
        print(f"{names[org_id]}: {plural(n, 'публикация', 'публикации', 'публикаций')} "
              f"за {year} год — {number(n / len(year_rows) * 100, 1)} % всех публикаций "
              f"федерации в СМИ.")
        if n:
            positive = int((year_rows.loc[year_rows["org_id"] == org_id, "tone"]
                            == "позитивная").sum())
            low, high = wilson(positive, n)
            print(f"Позитивных — {number(positive / n * 100, 1)} %, 95-процентный интервал "
                  f"{number(low * 100, 1)}–{number(high * 100, 1)} %: разница с федерацией "
                  f"внутри интервала может быть случайной.")
        profile_figure(mentions, org_id, year, names[org_id])
        plt.show()

    widgets.interact(draw, org_id=widgets.Dropdown(options=options, description="Организация",
                                                  layout=widgets.Layout(width="600px")),
                     year=widgets.Dropdown(options=years, value=years[0], description="Год"))
