"""The audience machinery of module 02, lessons 4-6: reader types from the survey with threshold
sliders, net growth of membership by age group with an organisation dropdown, and account types
(organisation communities, leaders, ambassadors, youth councils) compared within a platform.

The four reader types are the ones module 02 names: a reader who reads the union's news at least
as often as ``often_from`` is «often», one whose trust (1-5) is at least ``min_trust`` «trusts».

>>> import pandas as pd
>>> answers = pd.DataFrame({"news_frequency": ["ежедневно", "раз в месяц", "раз в неделю", "не читаю"],
...                         "trust": [5, 4, 2, 1],
...                         "main_channel": ["Telegram", "газета", "ВКонтакте", "собрания"]})
>>> reader_types(answers).tolist()
['сторонники', 'спящие союзники', 'скептики', 'далёкие']
>>> reader_types(answers, often_from="ежедневно", min_trust=5).tolist()
['сторонники', 'далёкие', 'далёкие', 'далёкие']
>>> type_table(answers).loc["сторонники"].tolist()
[1, 0]
>>> membership = pd.DataFrame({"org_id": ["A"] * 4, "year": [2024, 2024, 2025, 2025],
...                            "age_group": ["до 35", "35-54"] * 2, "members": [100, 200, 110, 190],
...                            "joined": [0, 0, 20, 10], "left": [0, 0, 10, 20]})
>>> net_growth_table(membership).round(1).to_dict()
{'до 35': {2025: 10.0}, '35-54': {2025: -5.0}, 'все вместе': {2025: 0.0}}
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from infowork import style
from infowork.data_schema import ACCOUNT_TYPES, AGE_GROUPS, NEWS_FREQUENCIES
from infowork.russian import number

__all__ = ["TYPES", "ONLINE", "reader_types", "type_table", "type_figure", "type_explorer",
           "net_growth_table", "growth_figure", "growth_explorer", "youth_charts",
           "account_table", "account_explorer"]

#: The four reader types, in the order the lessons and the assignment print them.
TYPES = ["сторонники", "скептики", "спящие союзники", "далёкие"]
#: Main channels that are online; the others (newspaper, notice board, meetings) are offline.
ONLINE = ["ВКонтакте", "Одноклассники", "Telegram", "сайт"]
#: Reading frequencies a reader can count as «often» (the slider's choices).
OFTEN_CHOICES = NEWS_FREQUENCIES[:4]
ALL_ORGS = "все организации"


def reader_types(answers: pd.DataFrame, often_from: str = "раз в неделю",
                 min_trust: int = 4) -> pd.Series:
    """The reader type of each survey answer: «often» means ``news_frequency`` is
    ``often_from`` or more often, «trusts» means ``trust >= min_trust``."""
    often = answers["news_frequency"].isin(NEWS_FREQUENCIES[:NEWS_FREQUENCIES.index(often_from) + 1])
    trusts = answers["trust"] >= min_trust
    kinds = np.select([often & trusts, often, trusts], TYPES[:3], default=TYPES[3])
    return pd.Series(pd.Categorical(kinds, categories=TYPES), index=answers.index, name="тип")


def type_table(answers: pd.DataFrame, often_from: str = "раз в неделю",
               min_trust: int = 4) -> pd.DataFrame:
    """How many answers of each reader type have an online and an offline main channel."""
    channel = np.where(answers["main_channel"].isin(ONLINE), "онлайн", "офлайн")
    table = pd.crosstab(reader_types(answers, often_from, min_trust),
                        pd.Categorical(channel, categories=["онлайн", "офлайн"]), dropna=False)
    table.index.name, table.columns.name = "тип читателя", "главный канал"
    return table


def type_figure(answers: pd.DataFrame, often_from: str = "раз в неделю", min_trust: int = 4):
    """Horizontal bars: the size of each reader type, split into online and offline readers."""
    table = type_table(answers, often_from, min_trust)
    fig, ax = plt.subplots(figsize=(8, 3.6))
    table.iloc[::-1].plot.barh(stacked=True, ax=ax, color=["#0072B2", "#E69F00"], width=0.7)
    for y, total in enumerate(table.sum(axis=1).iloc[::-1]):
        ax.text(total + len(answers) * 0.005, y,
                f"{number(total)} ({number(total / len(answers), 1, percent=True)})", va="center")
    ax.set_xlim(0, table.sum(axis=1).max() * 1.3)
    ax.set_xlabel("участников опроса")
    ax.set_ylabel("")
    ax.legend(title="главный канал", loc="lower right")
    style.title(ax, "Четыре типа читателей",
                f"часто — «{often_from}» и чаще; доверяет — оценка {min_trust} и выше")
    return fig


def type_explorer(answers: pd.DataFrame) -> None:
    """Sliders for the two thresholds above the reader-type chart (``type_figure``)."""
    import ipywidgets as widgets
    from IPython.display import display

    def draw(often_from, min_trust):
        type_figure(answers, often_from, min_trust)
        plt.show()

    display(widgets.interactive(
        draw,
        often_from=widgets.SelectionSlider(options=OFTEN_CHOICES, value="раз в неделю",
                                           description="Часто — от", continuous_update=False,
                                           layout=widgets.Layout(width="520px"),
                                           style={"description_width": "90px"}),
        min_trust=widgets.IntSlider(value=4, min=2, max=5, description="Доверие от",
                                    continuous_update=False, style={"description_width": "90px"})))


def net_growth_table(membership: pd.DataFrame) -> pd.DataFrame:
    """Net growth per 100 members at the start of each year, (joined - left) / members of the
    year before × 100: a row per year (the first year has no start and is left out), a column
    per age group and «все вместе»."""
    sums = membership.groupby(["year", "age_group"], observed=True)[["members", "joined", "left"]].sum()
    wide = sums.unstack("age_group")
    groups = [group for group in AGE_GROUPS if group in wide["members"].columns]
    net = (wide["joined"] - wide["left"])[groups]
    start = wide["members"][groups].shift(1)
    table = net / start * 100
    table["все вместе"] = net.sum(axis=1) / start.sum(axis=1, min_count=1) * 100
    table.columns.name = None
    return table.dropna(how="all")


def growth_figure(membership: pd.DataFrame, heading: str = "Вся федерация"):
    """Lines of net growth per 100 members by age group over the years, with the zero line."""
    table = net_growth_table(membership)
    fig, ax = plt.subplots(figsize=(8, 4))
    for column, colour in zip(table.columns, ["#009E73", "#0072B2", "#D55E00", "#000000"]):
        ax.plot(table.index, table[column], marker="o", color=colour, label=column,
                linestyle="--" if column == "все вместе" else "-")
    ax.axhline(0, color="#555555", linewidth=1)
    ax.set_xticks(table.index)
    ax.set_ylabel("вступили − вышли на 100 членов")
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5))
    members = int(membership[membership["year"] == membership["year"].max()]["members"].sum())
    style.title(ax, heading, f"чистый прирост на 100 членов на начало года; "
                             f"членов профсоюза в последнем году: {number(members)}")
    return fig


def growth_explorer(membership: pd.DataFrame, organizations: pd.DataFrame) -> None:
    """A dropdown of organisations (and the whole federation) above ``growth_figure``."""
    import ipywidgets as widgets
    from IPython.display import display

    names = organizations.set_index("org_id")["name"]
    options = [(ALL_ORGS, ALL_ORGS)] + [(f"{org} — {names[org]}", org) for org in names.index]

    def draw(org):
        chosen = membership if org == ALL_ORGS else membership[membership["org_id"] == org]
        growth_figure(chosen, "Вся федерация" if org == ALL_ORGS else names[org])
        plt.show()

    display(widgets.interactive(draw, org=widgets.Dropdown(
        options=options, description="Организация", layout=widgets.Layout(width="600px"))))


def youth_charts(membership: pd.DataFrame) -> None:
    """The same youth membership drawn twice: a bar chart whose axis starts far above zero
    (growth looks huge) and one from zero beside the other age groups."""
    sums = membership.groupby(["year", "age_group"], observed=True)["members"].sum().unstack()
    youth = sums[AGE_GROUPS[0]]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4), gridspec_kw={"wspace": 0.35})
    left.bar(youth.index, youth, color="#009E73")
    left.set_ylim(youth.min() * 0.97, youth.max() * 1.01)
    style.title(left, "Так не надо", "ось начинается не с нуля")
    sums[AGE_GROUPS].plot.bar(stacked=True, ax=right, color=["#009E73", "#0072B2", "#D55E00"], rot=0)
    right.set_xlabel("")
    right.legend(title="возраст", loc="center left", bbox_to_anchor=(1, 0.5))
    style.title(right, "Честнее", "все члены профсоюза, ось от нуля")
    for ax in (left, right):
        ax.yaxis.set_major_formatter(lambda value, _: number(value))
    plt.show()


def account_table(posts: pd.DataFrame, platform: str) -> pd.DataFrame:
    """Account types on one platform: accounts, posts, median reach of a post, ERR (interactions
    over reach, sum over sum, %) and the share of posts of the two most frequent rubrics."""
    chosen = posts[posts["platform"] == platform].assign(
        interactions=lambda p: p["likes"] + p["reposts"] + p["comments"])
    grouped = chosen.groupby("account_type", observed=True)
    sums = grouped[["interactions", "reach"]].sum()
    table = pd.DataFrame({
        "аккаунтов": grouped["account_id"].nunique(),
        "постов": grouped.size(),
        "охват поста (медиана)": grouped["reach"].median(),
        "ERR, %": sums["interactions"] / sums["reach"] * 100,
        "чаще всего пишут о": grouped["rubric"].agg(
            lambda r: ", ".join(f"{k} ({number(v, 0, percent=True)})"
                                for k, v in r.value_counts(normalize=True).head(2).items())),
    })
    table = table.reindex([a for a in ACCOUNT_TYPES if a in table.index])
    table.index.name = None
    return table


def account_explorer(posts: pd.DataFrame) -> None:
    """A platform dropdown above ``account_table``."""
    import ipywidgets as widgets
    from IPython.display import display

    from infowork.lessons.explore import table as styled

    def draw(platform):
        display(styled(account_table(posts, platform), decimals=1))

    platforms = [p for p in ["ВКонтакте", "Одноклассники", "Telegram"] if p in set(posts["platform"])]
    display(widgets.interactive(draw, platform=widgets.Dropdown(options=platforms,
                                                                description="Площадка")))
