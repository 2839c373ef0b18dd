"""The open report's charts, in the kit's style (titles, Russian numbers, a source line).

Each function takes the table ``figures`` gives and returns a matplotlib figure.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from infowork.openreport import figures
>>> fig = members_chart(figures.members_history("ORG01"), "Профсоюз связистов «Парус»")
>>> from infowork import style
>>> style.source_text(fig).startswith("Источник")
True
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator

from infowork import style
from infowork.openreport.figures import LEVELS, TONES

__all__ = ["members_chart", "indicators_chart", "mentions_chart", "vk_chart"]

WIDTH = 8.0  # inches: the width of an A4 page's text at the report's dpi
BLUE, ORANGE, GREEN, RED, GREY = (style.PALETTE["синий"], style.PALETTE["оранжевый"],
                                  style.PALETTE["зелёный"], style.PALETTE["красный"], "#999999")
MONTHS = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]


def _figure(height: float, rows: int = 1):
    style.apply()
    return plt.subplots(rows, 1, figsize=(WIDTH, height), layout="constrained", dpi=150)


def members_chart(history: pd.DataFrame, name: str):
    """Members of the organisation by year (bars with values)."""
    fig, ax = _figure(3.2)
    ax.bar(history["year"].astype(str), history["members"], color=BLUE, width=0.6)
    style.bar_labels(ax)
    style.axis_numbers(ax, "y")
    ax.set_ylabel("членов профсоюза")
    style.title(ax, "Численность по годам", subtitle=name)
    style.source(fig, "учёт членов профсоюза на конец года (сумма по возрастным группам)")
    return fig


def indicators_chart(comparison: pd.DataFrame, year: int):
    """The counted indicators of the organisation against the federation's median: one small
    panel per indicator, each on its own scale (posts per 1 000 are tens, news are units)."""
    rows = comparison[~comparison["is_flag"]]
    fig, axes = _figure(0.95 * len(rows) + 1.0, rows=len(rows))
    for ax, row in zip(axes, rows.itertuples()):
        ax.barh(["медиана федерации", "организация"], [row.median, row.value],
                color=[GREY, BLUE], height=0.7)
        ax.set_title(row.label, loc="left", fontsize=10, fontweight="normal", pad=3)
        ax.grid(axis="x", color="#dddddd")
        ax.grid(axis="y", visible=False)
        ax.set_xticks([])
        ax.spines[["bottom"]].set_visible(False)
        style.bar_labels(ax, decimals=1)
    fig.suptitle(f"Показатели организации и медиана федерации, {year} год", x=0.01,
                 ha="left", fontsize=14, fontweight="bold")
    style.source(fig, f"мониторинг информационной работы за {year} год")
    return fig


def mentions_chart(table: pd.DataFrame, year: int):
    """Media mentions by outlet level, stacked by tone."""
    fig, ax = _figure(2.8)
    left = pd.Series(0, index=table.index)
    colours = {"позитивная": GREEN, "нейтральная": GREY, "негативная": RED}
    for tone in TONES:
        ax.barh(LEVELS[::-1], table.loc[LEVELS[::-1], tone], left=left.loc[LEVELS[::-1]],
                color=colours[tone], label=tone, height=0.6)
        left = left + table[tone]
    ax.set_xlim(0, max(1, left.max()) * 1.05)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    style.axis_numbers(ax, "x")
    ax.grid(axis="x", color="#dddddd")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("упоминаний")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, title="тон")
    style.title(ax, "Упоминания в СМИ", subtitle=f"уровень издания и тон, {year} год")
    style.source(fig, "мониторинг упоминаний в СМИ")
    return fig


def vk_chart(vk: dict):
    """Reach and views of the VK community by month."""
    months = pd.DataFrame(vk["monthly"])
    fig, ax = _figure(3.2)
    names = [MONTHS[int(m[-2:]) - 1] for m in months["month"]]
    x = range(len(months))
    ax.bar([i - 0.2 for i in x], months["views"] / 1000, width=0.4, color=ORANGE,
           label="просмотры")
    ax.bar([i + 0.2 for i in x], months["reach"] / 1000, width=0.4, color=BLUE,
           label="охват (сумма дневных)")
    ax.set_xticks(list(x), names)
    style.axis_numbers(ax, "y")
    ax.set_ylabel("тысяч")
    ax.set_ylim(0, float(months[["views", "reach"]].max().max()) / 1000 * 1.2)
    ax.legend(loc="upper right", ncol=2, frameon=False)
    style.title(ax, "Сообщество ВКонтакте по месяцам",
                subtitle=f"{vk['first_day']} — {vk['last_day']}")
    style.source(fig, f"статистика сообщества ВКонтакте, файл {vk['file']}")
    return fig
