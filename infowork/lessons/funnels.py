"""The funnels of module 04, lessons 3-5: a campaign funnel (reach of its posts → site visits
with its UTM tag → goals reached) with a baseline period of the same length right before the
campaign and cost per result; podcast retention curves and the minute half the listeners are
gone; the distance-learning funnel of webinars (registrations → attendance → completion).

>>> import pandas as pd
>>> campaign = pd.Series({"utm_campaign": "x", "start_date": pd.Timestamp("2025-03-11"),
...                       "end_date": pd.Timestamp("2025-03-20"), "budget_rub": 1000})
>>> table = periods(campaign)
>>> str(table.loc["до кампании", "с"].date()), str(table.loc["до кампании", "по"].date()), table["дней"].tolist()
('2025-03-01', '2025-03-10', [10, 10])
>>> posts = pd.DataFrame({"utm_campaign": ["x", "x", ""], "reach": [300, 700, 5000]})
>>> sessions = pd.DataFrame({"utm_campaign": ["x"] * 4 + [""],
...                          "started_at": pd.to_datetime(["2025-03-12"] * 5),
...                          "goal_reached": [True, False, False, False, True]})
>>> campaign_funnel(campaign, posts, sessions)["число"].tolist()
[1000, 4, 1]
>>> cost_per_result(campaign, posts, sessions)["₽"].tolist()
[1.0, 250.0, 1000.0]
>>> curve = pd.DataFrame({"episode": [1] * 4, "minute": [1, 2, 3, 4], "listeners": [100, 70, 50, 40]})
>>> half_minute(curve)
3
>>> webinars = pd.DataFrame({"format": ["вебинар", "вебинар", "аудиолекция"],
...                          "registrations": [100, 100, 50], "attended": [50, 30, 40],
...                          "completed": [25, 15, 10]})
>>> webinar_funnel(webinars, "format", min_count=1)["дошли до конца, % пришедших"].tolist()
[50.0, 25.0]
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from infowork import style
from infowork.russian import number

__all__ = ["periods", "campaign_funnel", "baseline_table", "cost_per_result", "funnel_figure",
           "funnel_explorer", "retention", "half_minute", "retention_figure",
           "podcast_explorer", "webinar_funnel", "webinar_figure", "webinar_explorer"]

STEPS = ["охват постов", "переходы на сайт", "достигли цели"]
BEFORE, DURING = "до кампании", "во время кампании"


def periods(campaign: pd.Series) -> pd.DataFrame:
    """The campaign's days and a baseline period of as many days right before it (both ends
    included): one row per period, with its first and last day and the number of days."""
    start, end = pd.Timestamp(campaign["start_date"]), pd.Timestamp(campaign["end_date"])
    days = (end - start).days + 1
    return pd.DataFrame({"с": [start - pd.Timedelta(days=days), start],
                         "по": [start - pd.Timedelta(days=1), end], "дней": [days, days]},
                        index=[BEFORE, DURING])


def _between(frame: pd.DataFrame, column: str, first, last) -> pd.DataFrame:
    day = frame[column].dt.normalize()
    return frame[(day >= first) & (day <= last)]


def campaign_funnel(campaign: pd.Series, posts: pd.DataFrame, sessions: pd.DataFrame) -> pd.DataFrame:
    """Reach of the posts with the campaign's UTM tag, site sessions with the tag, and the sessions
    of them that reached the site's goal; with the share each step keeps of the step before."""
    tag = campaign["utm_campaign"]
    visits = sessions[sessions["utm_campaign"] == tag]
    counts = pd.Series([int(posts.loc[posts["utm_campaign"] == tag, "reach"].sum()), len(visits),
                        int(visits["goal_reached"].sum())], index=STEPS)
    return pd.DataFrame({"число": counts,
                         "% от предыдущего шага": (counts / counts.shift() * 100).round(2)})


def baseline_table(campaign: pd.Series, sessions: pd.DataFrame,
                   requests: pd.DataFrame | None = None) -> pd.DataFrame:
    """All site visits, goals reached (and hotline requests, if given) in the baseline period and
    during the campaign, with the change in per cent. Every visit counts, tagged or not: the
    question is whether the site as a whole got more."""
    rows = {}
    for name, (first, last, _) in periods(campaign).iterrows():
        chosen = _between(sessions, "started_at", first, last)
        row = {"визиты на сайт": len(chosen), "достигли цели": int(chosen["goal_reached"].sum())}
        if requests is not None:
            row["обращения на горячую линию"] = len(_between(requests, "received_at", first, last))
        rows[name] = row
    table = pd.DataFrame(rows)
    table["изменение, %"] = ((table[DURING] / table[BEFORE] - 1) * 100).round(1)
    return table


def cost_per_result(campaign: pd.Series, posts: pd.DataFrame, sessions: pd.DataFrame) -> pd.DataFrame:
    """Budget in roubles per person reached, per visit and per goal reached (from the funnel)."""
    counts = campaign_funnel(campaign, posts, sessions)["число"]
    costs = (campaign["budget_rub"] / counts.where(counts > 0)).round(2)
    return pd.DataFrame({"₽": costs.to_numpy()},
                        index=["на одного человека охвата", "на один переход", "на одно достижение цели"])


def funnel_figure(campaign: pd.Series, posts: pd.DataFrame, sessions: pd.DataFrame):
    """Horizontal bars of the funnel, widest at the top, each labelled with its count; the reach
    bar is drawn on its own scale note, because reach is hundreds of times the visits."""
    table = campaign_funnel(campaign, posts, sessions)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3), gridspec_kw={"width_ratios": [1, 2], "wspace": 0.6})
    axes[0].barh([STEPS[0]], table["число"].iloc[:1], color="#0072B2")
    axes[1].barh(STEPS[1:][::-1], table["число"].iloc[1:][::-1], color=["#009E73", "#56B4E9"][::-1])
    for ax in axes:
        style.bar_labels(ax)
        ax.set_xticks([])
    share = table["% от предыдущего шага"]
    style.title(axes[0], campaign.get("name", campaign["utm_campaign"]),
                f"бюджет {number(campaign['budget_rub'])} ₽")
    style.title(axes[1], "Сайт (метка кампании)",
                f"перешли {number(share.iloc[1], 2)} % охвата; "
                f"цели достигли {number(share.iloc[2], 1)} % перешедших")
    return fig


def funnel_explorer(campaigns: pd.DataFrame, posts: pd.DataFrame, sessions: pd.DataFrame,
                    requests: pd.DataFrame | None = None) -> None:
    """A campaign dropdown (only campaigns with tagged site visits) above the funnel figure, the
    baseline table and cost per result."""
    import ipywidgets as widgets
    from IPython.display import display

    tagged = set(sessions["utm_campaign"])
    chosen = campaigns[campaigns["utm_campaign"].isin(tagged)].set_index("campaign_id")
    options = [(f"{row['name']} ({row['start_date']:%d.%m.%Y})", cid) for cid, row in chosen.iterrows()]

    def draw(cid):
        campaign = chosen.loc[cid]
        funnel_figure(campaign, posts, sessions)
        plt.show()
        display(baseline_table(campaign, sessions, requests))
        display(cost_per_result(campaign, posts, sessions))

    display(widgets.interactive(draw, cid=widgets.Dropdown(
        options=options, description="Кампания", layout=widgets.Layout(width="600px"))))


def retention(podcast: pd.DataFrame) -> pd.DataFrame:
    """Share of the first minute's listeners still listening, %: minutes down, episodes across."""
    table = podcast.pivot_table(index="minute", columns="episode", values="listeners")
    return table / table.iloc[0] * 100


def half_minute(curve: pd.DataFrame) -> int | None:
    """The first minute of one episode's curve at which at most half of the first minute's
    listeners are left (None if half of them stay to the end)."""
    curve = curve.sort_values("minute")
    left = curve["listeners"] <= curve["listeners"].iloc[0] / 2
    return int(curve.loc[left, "minute"].iloc[0]) if left.any() else None


def retention_figure(podcast: pd.DataFrame, episodes: list) -> plt.Figure:
    """Retention curves of the chosen episodes overlaid, with the 50 % line."""
    table = retention(podcast[podcast["episode"].isin(episodes)])
    titles = podcast.groupby("episode")["title"].first()
    fig, ax = plt.subplots(figsize=(9, 4))
    for episode in table.columns:
        ax.plot(table.index, table[episode], label=f"{episode}. {titles[episode]}")
    ax.axhline(50, color="#555555", linestyle="--", linewidth=1)
    ax.set_ylim(0, 105)
    ax.set_xlabel("минута выпуска")
    style.axis_numbers(ax, suffix=" %")
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize=9)
    style.title(ax, "Сколько слушателей остаётся", "% от слушавших первую минуту; "
                                                     "штрих — половина")
    return fig


def podcast_explorer(podcast: pd.DataFrame) -> None:
    """A multiple choice of episodes (Ctrl+click) above ``retention_figure``."""
    import ipywidgets as widgets
    from IPython.display import display

    titles = podcast.groupby("episode")["title"].first()

    def draw(episodes):
        if episodes:
            retention_figure(podcast, list(episodes))
            plt.show()

    display(widgets.interactive(draw, episodes=widgets.SelectMultiple(
        options=[(f"{e}. {t}", e) for e, t in titles.items()], value=list(titles.index[:3]),
        rows=8, description="Выпуски", layout=widgets.Layout(width="600px"))))


def webinar_funnel(webinars: pd.DataFrame, by: str, min_count: int = 5) -> pd.DataFrame:
    """Registrations → attendance → completion summed by ``by`` (topic, format or audience):
    attendance is attended over registrations, completion is completed over attended (sum over
    sum, %). Groups with fewer than ``min_count`` webinars are left out; sorted by completion."""
    grouped = webinars.groupby(by, observed=True)
    sums = grouped[["registrations", "attended", "completed"]].sum()
    table = pd.DataFrame({
        "занятий": grouped.size(),
        "записались": sums["registrations"],
        "пришли, % записавшихся": (sums["attended"] / sums["registrations"] * 100).round(1),
        "дошли до конца, % пришедших": (sums["completed"] / sums["attended"] * 100).round(1),
    })
    table = table[table["занятий"] >= min_count]
    table.index.name = None
    return table.sort_values("дошли до конца, % пришедших", ascending=False)


def webinar_figure(webinars: pd.DataFrame, by: str, min_count: int = 5):
    """Bars of attendance and completion rates for each group of ``webinar_funnel``."""
    table = webinar_funnel(webinars, by, min_count).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(table) + 1.2))
    table[["пришли, % записавшихся", "дошли до конца, % пришедших"]].plot.barh(
        ax=ax, color=["#56B4E9", "#009E73"], width=0.8)
    style.bar_labels(ax, decimals=1, suffix=" %", fontsize=8)
    ax.set_xticks([])
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5))
    style.title(ax, "Кто приходит и кто остаётся до конца",
                f"группы, где занятий не меньше {min_count}")
    return fig


def webinar_explorer(webinars: pd.DataFrame) -> None:
    """A dropdown (topic or audience) and a minimum-count slider above ``webinar_figure``. Formats
    are left out on purpose: completion by format is a step of the module's assignment."""
    import ipywidgets as widgets
    from IPython.display import display

    def draw(by, min_count):
        webinar_figure(webinars, by, min_count)
        plt.show()

    display(widgets.interactive(
        draw, by=widgets.Dropdown(options=[("тема", "topic"), ("аудитория", "audience")],
                              description="Группы"),
        min_count=widgets.IntSlider(value=10, min=1, max=30, description="Занятий от")))
