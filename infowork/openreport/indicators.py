"""Monitoring indicators and the federation's rating (module 05 and the open report).

One definition shared by the lessons, the assignment's hidden checks and
``infowork open-report``: an organisation's yearly monitoring questionnaire
(``monitoring``) becomes indicators per 1 000 members, comparable across organisations of
different size; each indicator is scaled to 0-1 across the year's organisations (min-max) and
the weighted sum, in points out of 100, ranks them.

>>> import pandas as pd
>>> monitoring = pd.DataFrame({
...     "org_id": ["A", "B"], "year": [2025, 2025], "info_staff": [2, 0], "trained_staff": [1, 0],
...     "has_info_plan": [True, False], "social_posts_per_month": [10, 30], "news_sent": [4, 6],
...     "media_mentions": [2, 3], "info_budget_rub": [20000, 5000], "has_open_report": [True, False]})
>>> membership = pd.DataFrame({"org_id": ["A", "A", "B"], "year": [2025] * 3,
...                            "members": [1500, 500, 3000]})
>>> table = indicators(monitoring, membership)
>>> table[["members", "posts_per_1000", "news_per_1000", "trained_share"]].to_dict("records")
[{'members': 2000, 'posts_per_1000': 60.0, 'news_per_1000': 2.0, 'trained_share': 50.0}, {'members': 3000, 'posts_per_1000': 120.0, 'news_per_1000': 2.0, 'trained_share': 0.0}]
>>> ranked = rating(table)
>>> ranked[["org_id", "score", "rank"]].to_dict("records")
[{'org_id': 'A', 'score': 35.0, 'rank': 1}, {'org_id': 'B', 'score': 25.0, 'rank': 2}]
>>> rating(table, {"posts_per_1000": 1})["org_id"].tolist()
['B', 'A']
"""
from __future__ import annotations

import pandas as pd

__all__ = ["INDICATORS", "DEFAULT_WEIGHTS", "members_by_year", "indicators", "scaled", "rating"]

#: The rating's indicators, in the order tables show them, with the Russian label a reader sees.
INDICATORS = {
    "posts_per_1000": "публикаций в соцсетях за год на 1 000 членов",
    "news_per_1000": "новостей в пресс-службу федерации на 1 000 членов",
    "mentions_per_1000": "упоминаний в СМИ на 1 000 членов",
    "trained_share": "доля обученных информационных работников, %",
    "has_info_plan": "есть план информационной работы",
    "has_open_report": "опубликован открытый отчёт",
}

#: The federation's weights (they add up to 1): what the monitoring's rating counts by default.
DEFAULT_WEIGHTS = {
    "posts_per_1000": 0.25,
    "news_per_1000": 0.2,
    "mentions_per_1000": 0.2,
    "trained_share": 0.15,
    "has_info_plan": 0.1,
    "has_open_report": 0.1,
}


def members_by_year(membership: pd.DataFrame) -> pd.DataFrame:
    """Members of each organisation in each year: the sum over age groups (org_id, year, members)."""
    return membership.groupby(["org_id", "year"], as_index=False, observed=True)["members"].sum()


def indicators(monitoring: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """One row per organisation and year: the questionnaire's figures turned into indicators.

    Counts become «per 1 000 members» (social posts are counted per year: monthly × 12); the
    share of trained information workers is in per cent (0 where nobody does information
    work); the budget is in roubles per member; the two yes/no answers stay booleans.
    """
    table = monitoring.merge(members_by_year(membership), on=["org_id", "year"], how="left",
                             validate="one_to_one")
    per_thousand = 1000 / table["members"]
    staff = table["info_staff"].where(table["info_staff"] > 0)
    return table.assign(
        posts_per_1000=(table["social_posts_per_month"] * 12 * per_thousand).round(1),
        news_per_1000=(table["news_sent"] * per_thousand).round(1),
        mentions_per_1000=(table["media_mentions"] * per_thousand).round(1),
        trained_share=(table["trained_staff"] / staff * 100).fillna(0).round(1),
        budget_per_member=(table["info_budget_rub"] / table["members"]).round(1),
    )[["org_id", "year", "members", *INDICATORS, "budget_per_member"]]


def scaled(table: pd.DataFrame, columns=tuple(INDICATORS)) -> pd.DataFrame:
    """Each column scaled to 0-1 within its year: 0 for the year's lowest value, 1 for the
    highest (a column where every organisation has the same value scales to 0)."""
    values = table[list(columns)].astype(float)
    by_year = values.groupby(table["year"])
    low, high = by_year.transform("min"), by_year.transform("max")
    return ((values - low) / (high - low).where(high > low)).fillna(0.0)


def rating(table: pd.DataFrame, weights: dict | None = None) -> pd.DataFrame:
    """The table with ``score`` (0-100: the weighted sum of the scaled indicators divided by the
    sum of the weights) and ``rank`` within each year (1 is best; equal scores share a place),
    sorted by year and rank."""
    weights = {name: float(w) for name, w in (weights or DEFAULT_WEIGHTS).items() if w}
    total = sum(weights.values())
    if not weights or total <= 0:
        raise ValueError("Задайте хотя бы одному показателю положительный вес.")
    unknown = sorted(set(weights) - set(table.columns))
    if unknown:
        raise ValueError("В таблице нет показателей: " + ", ".join(unknown))
    parts = scaled(table, list(weights))
    score = sum(parts[name] * w for name, w in weights.items()) / total * 100
    out = table.assign(score=score.round(1))
    out["rank"] = out.groupby("year")["score"].rank(method="min", ascending=False).astype(int)
    return out.sort_values(["year", "rank", "org_id"], ignore_index=True)
