"""The open report's figures for one organisation and year (``infowork open-report``).

``key_figures`` is the one definition of the report's key numbers: the report notebook, the
JSON next to each report, the federation's summary and the assignment's function all use it.
The other functions give the report's tables: members by year, indicators against the
federation's median, media mentions by tone and outlet level, the monitoring answers, and the
organisation's own VK figures from a VK community statistics export.

>>> fig = key_figures("ORG01", 2025)
>>> fig["name"], fig["members"] > 0, 1 <= fig["rank"] <= fig["rated"]
('Профсоюз связистов «Парус»', True, True)
>>> key_figures("ORG99", 2025)
Traceback (most recent call last):
...
infowork.openreport.figures.ReportDataError: Организации ORG99 нет в наборе: коды ORG01 … ORG56.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from infowork import data
from infowork.openreport.indicators import (DEFAULT_WEIGHTS, INDICATORS, indicators,
                                            members_by_year, rating)

__all__ = ["ReportDataError", "org_ids", "years", "check", "key_figures", "members_history",
           "indicator_comparison", "mentions_table", "monitoring_answers", "vk_figures",
           "VK_COLUMNS", "TONES", "LEVELS"]

#: Columns a VK community statistics export must have (the names VK writes).
VK_COLUMNS = {"date": "Дата", "subscribers": "Подписчики", "reach": "Охват",
              "views": "Просмотры", "likes": "Отметки «Мне нравится»", "reposts": "Репосты",
              "comments": "Комментарии"}
#: Tones and outlet levels of media mentions, in the order the report shows them.
TONES = ["позитивная", "нейтральная", "негативная"]
LEVELS = ["федеральное", "региональное", "местное"]


class ReportDataError(data.DataError):
    """The report cannot be made for this organisation or year; the message says why in Russian."""


def org_ids() -> list[str]:
    """Codes of the organisations in the datasets, in order."""
    return sorted(data.load("organizations")["org_id"])


def years() -> list[int]:
    """Years with monitoring data."""
    return sorted(int(y) for y in data.load("monitoring")["year"].unique())


def check(org_id: str, year: int) -> None:
    """Raise ReportDataError (in Russian) unless the organisation and the year are in the data."""
    codes = org_ids()
    if org_id not in codes:
        raise ReportDataError(f"Организации {org_id} нет в наборе: коды {codes[0]} … {codes[-1]}.")
    known = years()
    try:
        year_ok = int(year) in known and float(year) == int(year)
    except (TypeError, ValueError):
        year_ok = False
    if not year_ok:
        listed = ", ".join(map(str, known))
        raise ReportDataError(f"За {year} год нет данных мониторинга: есть годы {listed}.")
    monitoring = data.load("monitoring")
    if not ((monitoring["org_id"] == org_id) & (monitoring["year"] == int(year))).any():
        raise ReportDataError(f"Организация {org_id} не заполнила анкету мониторинга за {year} год.")


def _rated() -> pd.DataFrame:
    """The rating of every organisation and year with the default weights (computed once per
    version of the datasets: the CLI's summary asks for it 56 times)."""
    stamps = tuple(data.path(name).stat().st_mtime_ns for name in ("monitoring", "membership"))
    return _rated_cached(stamps).copy()


@lru_cache(maxsize=2)
def _rated_cached(stamps: tuple) -> pd.DataFrame:
    return rating(indicators(data.load("monitoring"), data.load("membership")))


def _mentions(org_id: str, year: int) -> pd.DataFrame:
    table = data.load("media_mentions")
    return table[(table["org_id"] == org_id) & (table["published_at"].dt.year == int(year))]


def _share(mask: pd.Series) -> float:
    return round(float(mask.mean() * 100), 1) if len(mask) else 0.0


def key_figures(org_id: str, year: int, vk_export=None) -> dict:
    """The report's key numbers for one organisation and year (plain Python values, for JSON).

    members and members_change (against the year before), the indicators per 1 000 members,
    the place in the year's rating with the default weights (``rank`` of ``rated``, ``score``
    in points 0-100), media mentions published in the year, the shares (%) of them the press
    service initiated and of positive ones. With ``vk_export`` (a VK community statistics
    export) a "vk" section with the organisation's own VK figures is added.
    """
    check(org_id, year)
    year = int(year)
    orgs = data.load("organizations").set_index("org_id")
    members = members_by_year(data.load("membership")).set_index(["org_id", "year"])["members"]
    before = int(members.get((org_id, year - 1), 0))
    table = _rated()
    row = table[(table["org_id"] == org_id) & (table["year"] == year)].iloc[0]
    mentions = _mentions(org_id, year)
    figures = {
        "org_id": org_id,
        "name": str(orgs.loc[org_id, "name"]),
        "year": year,
        "members": int(row["members"]),
        "members_change": int(row["members"]) - before,
        "posts_per_1000": round(float(row["posts_per_1000"]), 1),
        "news_per_1000": round(float(row["news_per_1000"]), 1),
        "mentions_per_1000": round(float(row["mentions_per_1000"]), 1),
        "rank": int(row["rank"]),
        "rated": int((table["year"] == year).sum()),
        "score": float(row["score"]),
        "mentions": int(len(mentions)),
        "initiated_share": _share(mentions["initiated_by_press_service"].astype(bool)),
        "positive_share": _share(mentions["tone"].astype(str) == "позитивная"),
    }
    if vk_export is not None:
        figures["vk"] = vk_figures(vk_export)
    return figures


def members_history(org_id: str, up_to: int | None = None) -> pd.DataFrame:
    """Members of the organisation in each year of the data up to ``up_to`` (all years when
    None): year, members, change against the year before."""
    table = members_by_year(data.load("membership"))
    keep = (table["org_id"] == org_id) & (table["year"] <= (up_to or table["year"].max()))
    table = table[keep][["year", "members"]].reset_index(drop=True)
    return table.assign(change=table["members"].diff())


def indicator_comparison(org_id: str, year: int) -> pd.DataFrame:
    """The organisation's indicators against the federation's median in the year.

    One row per indicator of the rating (yes/no answers as 0/100 %, the median then is the
    share of organisations with «да»): indicator, label, value, median, weight.
    """
    check(org_id, year)
    table = indicators(data.load("monitoring"), data.load("membership"))
    table = table[table["year"] == int(year)]
    rows = []
    for name, label in INDICATORS.items():
        column = table[name].astype(float)
        own = float(column[table["org_id"] == org_id].iloc[0])
        is_flag = table[name].dtype == bool
        rows.append({"indicator": name, "label": label,
                     "value": own * 100 if is_flag else own,
                     "median": float(column.mean() * 100) if is_flag else float(column.median()),
                     "is_flag": is_flag, "weight": DEFAULT_WEIGHTS.get(name, 0.0)})
    return pd.DataFrame(rows)


def mentions_table(org_id: str, year: int) -> pd.DataFrame:
    """Media mentions of the year by outlet level (rows) and tone (columns), with zeros."""
    check(org_id, year)
    mentions = _mentions(org_id, year)
    return (pd.crosstab(mentions["outlet_level"].astype(str), mentions["tone"].astype(str))
            .reindex(index=LEVELS, columns=TONES, fill_value=0).astype(int))


def monitoring_answers(org_id: str, year: int) -> dict:
    """The organisation's answers to the monitoring questionnaire in the year (plain values)."""
    check(org_id, year)
    monitoring = data.load("monitoring")
    row = monitoring[(monitoring["org_id"] == org_id) & (monitoring["year"] == int(year))].iloc[0]
    return {key: bool(value) if monitoring[key].dtype == bool else int(value)
            for key, value in row.drop(["org_id", "year"]).items()}


def vk_figures(path) -> dict:
    """The organisation's own VK figures from a community statistics export (read, never changed).

    Subscribers at the first and the last day, growth (and in %), reach and views by month
    (sums of the daily figures), and ER by reach: likes, reposts and comments per 100 reached.
    """
    table = data.read_table(path, required=list(VK_COLUMNS.values()))
    table = table.rename(columns={v: k for k, v in VK_COLUMNS.items()})
    if not str(table["date"].dtype).startswith("datetime64") or table.empty:
        raise ReportDataError(f"Файл «{path}»: в столбце «Дата» должны быть даты (ДД.ММ.ГГГГ), "
                              f"это не похоже на выгрузку статистики сообщества ВКонтакте.")
    for key in VK_COLUMNS:
        if key != "date" and not pd.api.types.is_numeric_dtype(table[key]):
            raise ReportDataError(f"Файл «{path}»: в столбце «{VK_COLUMNS[key]}» должны быть числа.")
    table = table.sort_values("date")
    start, end = int(table["subscribers"].iloc[0]), int(table["subscribers"].iloc[-1])
    reactions = table[["likes", "reposts", "comments"]].sum(axis=1)
    monthly = (table.assign(reactions=reactions)
               .groupby(table["date"].dt.to_period("M"))[["reach", "views", "reactions"]].sum())
    reach = int(table["reach"].sum())
    return {
        "file": Path(path).name,
        "first_day": table["date"].iloc[0].strftime("%d.%m.%Y"),
        "last_day": table["date"].iloc[-1].strftime("%d.%m.%Y"),
        "subscribers_start": start,
        "subscribers_end": end,
        "subscribers_growth": end - start,
        "subscribers_growth_pct": round((end - start) / start * 100, 1) if start else 0.0,
        "reach": reach,
        "views": int(table["views"].sum()),
        "er_reach": round(float(reactions.sum()) / reach * 100, 2) if reach else 0.0,
        "monthly": [{"month": str(month), "reach": int(r.reach), "views": int(r.views),
                     "er_reach": round(r.reactions / r.reach * 100, 2) if r.reach else 0.0}
                    for month, r in monthly.iterrows()],
    }
