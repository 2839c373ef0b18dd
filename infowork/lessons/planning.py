"""The content-plan machinery of module 01: check a month's plan against its rules, fill the
weeks that are short of posts, and show the plan as a calendar.

A plan is a table with one row per future post: columns ``date``, ``rubric``, ``format`` and
``event`` (the calendar title of the event the post is about, or ``""``). The rules are the
ones the lesson and the assignment use: at most ``max_per_day`` posts a day, at least
``min_per_week`` posts in every week that has at least three working days of the month, and a
post about every event of the month on its day or the day before.

>>> import pandas as pd
>>> events = pd.DataFrame({"date": pd.to_datetime(["2026-04-28"]),
...                        "title": ["Всемирный день охраны труда"]})
>>> plan = pd.DataFrame({"date": pd.to_datetime(["2026-04-27", "2026-04-28", "2026-04-29"]),
...                      "rubric": ["Охрана труда"] * 3, "format": ["фото"] * 3,
...                      "event": ["", "Всемирный день охраны труда", ""]})
>>> per_week = check_plan(plan, events, "2026-04")
Не больше 2 постов в день: да (максимум — 1)
Не меньше 3 постов в каждой неделе: нет (мало постов в неделях: 30.03–05.04, 06.04–12.04, ...)
Все события месяца — в день события или накануне: да
>>> per_week.tolist()
[0, 0, 0, 0, 3]
>>> filled = fill_short_weeks(plan, "2026-04")
Добавлено 12 постов, всего в плане 15 постов
>>> len(calendar_grid(filled))
5
"""
from __future__ import annotations

import pandas as pd

from infowork.russian import plural

__all__ = ["WEEKDAYS", "checked_weeks", "check_plan", "fill_short_weeks", "calendar_grid"]

#: Short Russian names of the days of the week, Monday first (pandas' day_of_week 0..6).
WEEKDAYS = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]


def _month(month) -> pd.Period:
    return month if isinstance(month, pd.Period) else pd.Period(month, freq="M")


def _week_name(week: pd.Period) -> str:
    return f"{week.start_time:%d.%m}–{week.end_time:%d.%m}"


def checked_weeks(month) -> pd.PeriodIndex:
    """The weeks (Monday to Sunday) with at least three working days in ``month``: the weeks
    whose posts the rule counts.

    >>> [str(week) for week in checked_weeks("2026-04")][:2]
    ['2026-03-30/2026-04-05', '2026-04-06/2026-04-12']
    """
    month = _month(month)
    workdays = pd.Series(pd.date_range(month.start_time, month.end_time.normalize(), freq="B"))
    per_week = workdays.dt.to_period("W").value_counts()
    return per_week[per_week >= 3].index.sort_values()


def check_plan(plan: pd.DataFrame, events: pd.DataFrame, month, max_per_day: int = 2,
               min_per_week: int = 3) -> pd.Series:
    """Print in Russian whether ``plan`` keeps the three rules for ``month`` and return the
    number of posts in each checked week (the index names a week: «30.03–05.04»)."""
    dates = pd.to_datetime(plan["date"]).dt.normalize()
    most = int(dates.value_counts().max()) if len(dates) else 0
    print(f"Не больше {plural(max_per_day, 'поста', 'постов', 'постов')} в день: "
          f"{'да' if most <= max_per_day else 'нет'} (максимум — {most})")
    weeks = checked_weeks(month)
    per_week = dates.dt.to_period("W").value_counts().reindex(weeks, fill_value=0)
    per_week.index = [_week_name(week) for week in weeks]
    per_week = per_week.rename_axis("неделя").rename("постов")
    short = per_week[per_week < min_per_week]
    tail = "" if short.empty else (" (мало постов в " + ("неделе" if len(short) == 1 else "неделях")
                                   + ": " + ", ".join(short.index) + ")")
    print(f"Не меньше {plural(min_per_week, 'поста', 'постов', 'постов')} в каждой неделе: "
          f"{'да' if short.empty else 'нет'}{tail}")
    titles = plan["event"].astype(str).to_numpy()
    missed = [f"«{event.title}» ({event.date:%d.%m})" for event in events.itertuples()
              if event.title not in set(titles[dates.between(event.date - pd.Timedelta(days=1),
                                                               event.date).to_numpy()])]
    print("Все события месяца — в день события или накануне: "
          + ("да" if not missed else "нет, без поста: " + ", ".join(missed)))
    return per_week


def fill_short_weeks(plan: pd.DataFrame, month, rubric: str = "Спорт и культура",
                     format: str = "фото", min_per_week: int = 3) -> pd.DataFrame:
    """``plan`` with posts of ``rubric`` added on free working days of each checked week that
    has fewer than ``min_per_week`` posts; prints how many were added."""
    dates = pd.to_datetime(plan["date"]).dt.normalize()
    month = _month(month)
    workdays = pd.date_range(month.start_time, month.end_time.normalize(), freq="B")
    extra = []
    for week in checked_weeks(month):
        count = int((dates.dt.to_period("W") == week).sum())
        free = [day for day in workdays if day.to_period("W") == week and day not in set(dates)]
        extra += [{"date": day, "rubric": rubric, "format": format, "event": ""}
                  for day in free[:max(min_per_week - count, 0)]]
    filled = pd.concat([plan, pd.DataFrame(extra, columns=["date", "rubric", "format", "event"])],
                       ignore_index=True)
    filled = filled.sort_values("date", kind="stable").reset_index(drop=True)
    print(f"Добавлено {plural(len(extra), 'пост', 'поста', 'постов')}, "
          f"всего в плане {plural(len(filled), 'пост', 'поста', 'постов')}")
    return filled


def calendar_grid(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan as a calendar: a row per week (named by its Monday), a column per weekday,
    «day: rubric» in each cell (two posts of a day joined by « / »)."""
    dates = pd.to_datetime(plan["date"])
    grid = pd.DataFrame({
        "неделя с": dates.dt.to_period("W").dt.start_time,
        "день": dates.dt.day_of_week.map(dict(enumerate(WEEKDAYS))),
        "пост": dates.dt.day.astype(str) + ": " + plan["rubric"].astype(str),
    })
    table = grid.pivot_table(index="неделя с", columns="день", values="пост",
                             aggfunc=" / ".join, fill_value="")
    table.index = table.index.strftime("%d.%m")
    return table.reindex(columns=WEEKDAYS, fill_value="").rename_axis(columns=None)
