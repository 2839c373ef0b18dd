"""Campaigns, the planning calendar and the posts of the organisations' communities."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from infowork.data_schema import FORMATS, RUBRICS
from infowork.datagen.common import rng
from infowork.datagen.orgs import POSTS_END, POSTS_START

__all__ = ["campaigns", "calendar", "posts", "CAMPAIGN_HASHTAGS"]

# id, name, utm_campaign, start, end, goal, channels, budget, hashtag
_CAMPAIGNS = [
    ("CMP01", "Охрана труда — право на жизнь", "safety2024", "2024-04-15", "2024-05-05",
     "Привлечь внимание к Всемирному дню охраны труда и собрать сообщения о нарушениях",
     "ВКонтакте;Telegram;сайт", 120000, "#БезопасныйТруд"),
    ("CMP02", "Первомай — 2024", "mayday2024", "2024-04-18", "2024-05-01",
     "Собрать участников первомайских акций и рассказать о требованиях профсоюзов",
     "ВКонтакте;Одноклассники;Telegram;сайт", 45000, "#Первомай"),
    ("CMP03", "Профсоюзный фотофакт — 2024", "photofact2024", "2024-06-03", "2024-06-30",
     "Собрать не меньше 300 фотографий на конкурс от членов профсоюза",
     "ВКонтакте;Одноклассники;сайт", 60000, "#ПрофсоюзныйФотофакт"),
    ("CMP04", "Молодёжь — в профсоюз", "youth2024", "2024-09-02", "2024-09-29",
     "Вовлечь молодых работников до 35 лет: заявления о вступлении через сайт",
     "ВКонтакте;Telegram;сайт", 150000, "#МолодёжьВПрофсоюз"),
    ("CMP05", "За достойный труд — 2024", "decentwork2024", "2024-09-30", "2024-10-13",
     "Провести акции Всемирного дня действий «За достойный труд» и рассказать о них",
     "ВКонтакте;Одноклассники;Telegram;сайт;газета", 90000, "#ЗаДостойныйТруд"),
    ("CMP06", "Знай свои права", "rights2025", "2025-02-03", "2025-03-02",
     "Рассказать о бесплатной правовой помощи и увеличить обращения на горячую линию",
     "ВКонтакте;Telegram;сайт;рассылка", 200000, "#ЗнайСвоиПрава"),
    ("CMP07", "Безопасный труд — 2025", "safety2025", "2025-04-14", "2025-05-04",
     "Привлечь внимание к Всемирному дню охраны труда, провести конкурс уполномоченных",
     "ВКонтакте;Одноклассники;Telegram;сайт", 130000, "#БезопасныйТруд"),
    ("CMP08", "Первомай — 2025", "mayday2025", "2025-04-17", "2025-05-01",
     "Собрать участников первомайских акций и рассказать о требованиях профсоюзов",
     "ВКонтакте;Одноклассники;Telegram;сайт", 50000, "#Первомай"),
    ("CMP09", "Профсоюзный репортёр — 2025", "reporter2025", "2025-06-02", "2025-07-13",
     "Собрать работы на медиаконкурс «Профсоюзный репортёр»",
     "ВКонтакте;Telegram;сайт", 80000, "#ПрофсоюзныйРепортёр"),
    ("CMP10", "Молодёжный профсоюзный форум", "youthforum2025", "2025-08-18", "2025-09-14",
     "Набрать участников молодёжного форума и рассказать о нём",
     "ВКонтакте;Telegram", 110000, "#МолодёжныйФорум"),
    ("CMP11", "За достойный труд — 2025", "decentwork2025", "2025-09-29", "2025-10-12",
     "Провести акции Всемирного дня действий «За достойный труд» и рассказать о них",
     "ВКонтакте;Одноклассники;Telegram;сайт;газета", 95000, "#ЗаДостойныйТруд"),
    ("CMP12", "Коллективный договор — защита каждого", "cba2025", "2025-11-10", "2025-12-07",
     "Объяснить, что даёт коллективный договор, и собрать вопросы к переговорам",
     "ВКонтакте;Одноклассники;сайт;газета", 70000, "#Колдоговор"),
    ("CMP13", "Знай свои права — 2026", "rights2026", "2026-02-02", "2026-03-01",
     "Увеличить обращения на горячую линию правовой помощи",
     "ВКонтакте;Telegram;сайт;рассылка", 210000, "#ЗнайСвоиПрава"),
    ("CMP14", "Безопасный труд — 2026", "safety2026", "2026-04-13", "2026-05-03",
     "Привлечь внимание к Всемирному дню охраны труда",
     "ВКонтакте;Одноклассники;Telegram;сайт", 135000, "#БезопасныйТруд"),
    ("CMP15", "Первомай — 2026", "mayday2026", "2026-04-16", "2026-05-01",
     "Собрать участников первомайских акций и рассказать о требованиях профсоюзов",
     "ВКонтакте;Одноклассники;Telegram;сайт", 55000, "#Первомай"),
    ("CMP16", "Молодёжь — в профсоюз — 2026", "youth2026", "2026-09-01", "2026-09-30",
     "Вовлечь молодых работников до 35 лет",
     "ВКонтакте;Telegram;сайт", 160000, "#МолодёжьВПрофсоюз"),
]

#: utm_campaign -> the hashtag its posts carry
CAMPAIGN_HASHTAGS = {c[2]: c[8] for c in _CAMPAIGNS}


def campaigns() -> pd.DataFrame:
    frame = pd.DataFrame([c[:8] for c in _CAMPAIGNS],
                         columns=["campaign_id", "name", "utm_campaign", "start_date", "end_date",
                                  "goal", "channels", "budget_rub"])
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


def _nth_weekday(year, month, weekday, n):
    """n-th (1-based; -1 = last) given weekday (Mon=0) of a month."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


_SUN, _SAT = 6, 5

#: Fixed dates: month, day, title, kind. State holidays are the non-working days of article 112
#: of the Labour Code plus the state's own observances (Constitution Day, Knowledge Day, Youth
#: Day, Students' Day); professional days are those set by presidential decree.
_FIXED = [
    (1, 1, "Новый год", "государственный праздник"),
    (1, 7, "Рождество Христово", "государственный праздник"),
    (1, 13, "День российской печати", "профессиональный праздник"),
    (1, 25, "День российского студенчества (Татьянин день)", "государственный праздник"),
    (2, 8, "День российской науки", "профессиональный праздник"),
    (2, 9, "День работника гражданской авиации", "профессиональный праздник"),
    (2, 20, "Всемирный день социальной справедливости", "профсоюзная дата"),
    (2, 23, "День защитника Отечества", "государственный праздник"),
    (3, 8, "Международный женский день", "государственный праздник"),
    (3, 25, "День работника культуры", "профессиональный праздник"),
    (4, 28, "Всемирный день охраны труда", "профсоюзная дата"),
    (5, 1, "Праздник Весны и Труда", "государственный праздник"),
    (5, 1, "Международный день солидарности трудящихся", "профсоюзная дата"),
    (5, 1, "Первомайская акция профсоюзов: митинги, шествия, автопробеги", "кампания"),
    (5, 7, "День радио, праздник работников всех отраслей связи", "профессиональный праздник"),
    (5, 9, "День Победы", "государственный праздник"),
    (6, 8, "День социального работника", "профессиональный праздник"),
    (6, 12, "День России", "государственный праздник"),
    (6, 27, "День молодёжи", "государственный праздник"),
    (9, 1, "День знаний", "государственный праздник"),
    (10, 5, "День учителя", "профессиональный праздник"),
    (10, 7, "Всемирный день действий «За достойный труд»", "профсоюзная дата"),
    (11, 4, "День народного единства", "государственный праздник"),
    (12, 12, "День Конституции Российской Федерации", "государственный праздник"),
    (12, 22, "День энергетика", "профессиональный праздник"),
]

#: Professional days that fall on the n-th (-1: last) given weekday of a month.
_FLOATING = [  # month, weekday, n, title
    (6, _SUN, 3, "День медицинского работника"),
    (7, _SUN, 1, "День работников морского и речного флота"),
    (7, _SUN, 3, "День металлурга"),
    (7, _SAT, 4, "День работников торговли"),
    (8, _SUN, 1, "День железнодорожника"),
    (8, _SUN, 2, "День строителя"),
    (8, _SUN, -1, "День шахтёра"),
    (9, _SUN, 1, "День работников нефтяной, газовой и топливной промышленности"),
    (9, _SUN, -1, "День машиностроителя"),
    (10, _SUN, 2, "День работника сельского хозяйства и перерабатывающей промышленности"),
    (10, _SUN, 3, "День работников дорожного хозяйства"),
    (10, _SUN, -1, "День работников автомобильного транспорта"),
]

_SEMINARS = [  # month, title
    (1, "Вебинар «Контент-план на год: профсоюзный календарь»"),
    (2, "Семинар информационных работников СФО"),
    (3, "Вебинар «Подкаст профсоюза: с чего начать»"),
    (4, "Семинар информационных работников ПФО"),
    (5, "Вебинар «Инфографика без дизайнера»"),
    (6, "Семинар информационных работников СЗФО"),
    (7, "Вебинар «Авторское право: фото и тексты в соцсетях»"),
    (8, "Школа молодого профсоюзного журналиста"),
    (9, "Семинар информационных работников УФО"),
    (10, "Семинар информационных работников ЮФО и СКФО"),
    (11, "Семинар информационных работников ДФО"),
    (12, "Вебинар «Открытый отчёт организации: итоги года»"),
]


def calendar() -> pd.DataFrame:
    """Dates of 2024-2026: holidays, union and professional days, seminars, contests, campaigns.

    Every date is the real one for its year (floating professional days are computed from their
    rule); the May Day action has its own rows of kind «кампания».
    """
    r = rng("calendar")
    rows = []
    for year in (2024, 2025, 2026):
        for month, day, title, kind in _FIXED:
            rows.append((dt.date(year, month, day), title, kind))
        for month, weekday, n, title in _FLOATING:
            rows.append((_nth_weekday(year, month, weekday, n), title,
                         "профессиональный праздник"))
        for month, title in _SEMINARS:
            day = _nth_weekday(year, month, int(r.integers(1, 4)), int(r.integers(2, 4)))
            rows.append((day, title, "семинар"))
        rows += [
            (dt.date(year, 3, 1), "Конкурс «Профсоюзный репортёр»: начало приёма работ", "конкурс"),
            (dt.date(year, 7, 15), "Конкурс «Профсоюзный репортёр»: итоги", "конкурс"),
            (dt.date(year, 6, 1), "Конкурс «Профсоюзный фотофакт»: начало приёма работ",
             "конкурс"),
            (dt.date(year, 8, 30), "Конкурс «Профсоюзный фотофакт»: итоги", "конкурс"),
            (dt.date(year, 11, 20), "Конкурс молодёжных видеороликов «Мой профсоюз»: итоги",
             "конкурс"),
        ]
    for c in _CAMPAIGNS:
        rows.append((dt.date.fromisoformat(c[3]), f"Старт кампании «{c[1]}»", "кампания"))
    frame = pd.DataFrame(rows, columns=["date", "title", "kind"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.sort_values(["date", "kind", "title"], kind="stable").reset_index(drop=True)


# --- posts --------------------------------------------------------------------------------

_PUBLISH_HOURS = np.array([  # how often editors publish at each local hour (weekdays)
    0.2, 0.1, 0.05, 0.05, 0.1, 0.2, 0.5, 1.5, 3.0, 6.0, 9.0, 10.0,
    9.0, 8.0, 7.0, 6.0, 5.0, 3.5, 2.5, 2.0, 1.6, 1.2, 0.8, 0.4])
_WEEKDAY_REACH = np.array([  # reach multiplier by hour on weekdays
    0.6, 0.55, 0.5, 0.5, 0.6, 0.8, 1.2, 1.4, 1.35, 1.05, 0.8, 0.75,
    0.8, 0.8, 0.75, 0.8, 0.9, 1.05, 1.35, 1.45, 1.45, 1.3, 1.05, 0.8])
_WEEKEND_REACH = np.array([
    0.6, 0.55, 0.5, 0.5, 0.5, 0.6, 0.7, 0.8, 0.95, 1.1, 1.2, 1.2,
    1.15, 1.1, 1.05, 1.0, 1.0, 1.0, 1.1, 1.15, 1.1, 1.0, 0.9, 0.75])

_FORMAT_P = {
    "ВКонтакте": [0.28, 0.42, 0.13, 0.07, 0.10],
    "Одноклассники": [0.15, 0.55, 0.20, 0.05, 0.05],
    "Telegram": [0.50, 0.27, 0.10, 0.09, 0.04],
}
_FORMAT_REACH = {"текст": 0.8, "фото": 1.15, "видео": 1.35, "опрос": 1.0, "лонгрид": 0.9}
_FORMAT_ER = {"текст": 0.7, "фото": 1.2, "видео": 1.45, "опрос": 1.4, "лонгрид": 0.75}
_FORMAT_LENGTH = {"текст": (650, 0.5), "фото": (380, 0.6), "видео": (240, 0.6),
                  "опрос": (150, 0.4), "лонгрид": (5200, 0.4)}
_RUBRIC_P = [0.30, 0.11, 0.10, 0.07, 0.10, 0.12, 0.15, 0.05]
_RUBRIC_ER = {"Новости": 0.85, "Правовая помощь": 1.25, "Охрана труда": 1.0, "Колдоговор": 1.1,
              "Молодёжь": 1.15, "Спорт и культура": 1.1, "Поздравления": 1.2,
              "Акции и кампании": 1.2}
_RUBRIC_TAG = {"Новости": "#новости", "Правовая помощь": "#правоваяпомощь",
               "Охрана труда": "#охранатруда", "Колдоговор": "#колдоговор",
               "Молодёжь": "#молодёжь", "Спорт и культура": "#спорт",
               "Поздравления": "#поздравляем", "Акции и кампании": "#акция"}
_PLATFORM = {  # views per post as a share of subscribers, base ER by views, unique share of views
    "ВКонтакте": (0.30, 0.050, 0.80),
    "Одноклассники": (0.40, 0.065, 0.72),
    "Telegram": (0.50, 0.018, 0.92),
}
#: An organisation community posts (base + per_staff * info_staff) times a week: the big ones
#: daily or more.
_ORG_RATE = {"ВКонтакте": (1.5, 1.0), "Одноклассники": (0.8, 0.45), "Telegram": (1.5, 1.1)}
_ACCOUNT = {  # posts a week, views multiplier, ER multiplier, rubric weights, campaign boost
    "личный аккаунт профлидера": (2.2, 1.3, 1.3,
                                  [0.22, 0.08, 0.06, 0.12, 0.06, 0.08, 0.33, 0.05], 0.3),
    "посол профсоюза": (1.4, 1.2, 1.25, [0.10, 0.10, 0.06, 0.04, 0.30, 0.12, 0.08, 0.20], 0.9),
    "молодёжный совет": (1.5, 0.9, 1.0, [0.08, 0.03, 0.04, 0.02, 0.48, 0.20, 0.08, 0.07], 0.6),
}
_ACCOUNT_FORMAT_P = {  # personal pages and youth groups post more photo and video, no longreads
    "личный аккаунт профлидера": [0.35, 0.50, 0.10, 0.03, 0.02],
    "посол профсоюза": [0.20, 0.45, 0.28, 0.05, 0.02],
    "молодёжный совет": [0.15, 0.45, 0.25, 0.13, 0.02],
}
#: Spread (log-sd) of each community's own liveliness: a persistent ER multiplier, so that some
#: small groups are dull and some big ones lively, and size explains ER only in part.
_LIVELINESS_SIGMA = 0.5
_SPLIT = {  # shares of likes, reposts, comments
    "default": (0.78, 0.12, 0.10),
    "опрос": (0.50, 0.05, 0.45),
    "Правовая помощь": (0.60, 0.28, 0.12),
    "Поздравления": (0.88, 0.04, 0.08),
    "Telegram": (0.72, 0.24, 0.04),
}


def _rates(accounts: pd.DataFrame, staff: pd.Series) -> np.ndarray:
    """Expected posts a week of each account (before its own random spread)."""
    out = np.empty(len(accounts))
    for i, acc in enumerate(accounts.itertuples(index=False)):
        if acc.account_type == "сообщество организации":
            base, per_staff = _ORG_RATE[acc.platform]
            out[i] = base + per_staff * staff[acc.org_id]
        else:
            out[i] = _ACCOUNT[acc.account_type][0]
    return out


def _liveliness(accounts: pd.DataFrame, rates: np.ndarray, r: np.random.Generator) -> np.ndarray:
    """Each account's own persistent ER multiplier (lognormal, log-sd _LIVELINESS_SIGMA).

    Within each platform and kind of account the log-multipliers are made exactly uncorrelated
    with the log of the account's size and of its expected posting rate, so that a chance draw
    does not add or hide the size effect, nor make frequency look as if it changed ER.
    """
    z = r.standard_normal(len(accounts))
    out = np.ones(len(accounts))
    groups = accounts.groupby(["platform", "account_type"], sort=True).indices
    for _, idx in sorted(groups.items()):
        if len(idx) < 4:
            out[idx] = np.exp(_LIVELINESS_SIGMA * z[idx])
            continue
        design = np.column_stack([np.ones(len(idx)), np.log(accounts["subs_end"].to_numpy()[idx]),
                                  np.log(rates[idx])])
        coef, *_ = np.linalg.lstsq(design, z[idx], rcond=None)
        resid = z[idx] - design @ coef
        out[idx] = np.exp(_LIVELINESS_SIGMA * resid / resid.std())
    return out


def posts(orgs: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    r = rng("posts")
    # Engagement counts come from their own stream: how many draws a binomial takes depends on
    # its ER, so tuning ER must not reshuffle the dates, formats and views drawn from ``r``.
    r_engaged = rng("posts-engagement")
    days = pd.date_range(POSTS_START, POSTS_END, freq="D")
    n_days = len(days)
    weekday = days.dayofweek.to_numpy()
    day_weight = np.where(weekday < 5, 1.0, 0.35)
    day_p = day_weight / day_weight.sum()
    staff = orgs.set_index("org_id")["info_staff"]
    camps = campaigns()
    camps = camps[camps["start_date"] <= POSTS_END]
    hour_p = _PUBLISH_HOURS / _PUBLISH_HOURS.sum()
    weekend_hour_p = np.roll(hour_p, 1)

    rates = _rates(accounts, staff)
    liveliness = _liveliness(accounts, rates, r)
    parts = []
    for k, acc in enumerate(accounts.itertuples(index=False)):
        share, er0, unique = _PLATFORM[acc.platform]
        own = acc.account_type == "сообщество организации"
        _, views_mult, er_mult, rubric_p, camp_boost = _ACCOUNT.get(
            acc.account_type, (0, 1.0, 1.0, _RUBRIC_P, 0.35))
        per_week = rates[k] * r.lognormal(0, 0.3)
        n = int(r.poisson(per_week * n_days / 7))
        day_idx = r.choice(n_days, size=n, p=day_p)
        campaign = np.full(n, "", dtype=object)
        # Campaign posts: extra posts in the campaign's window on its channels.
        for c in camps.itertuples(index=False):
            if acc.platform not in c.channels.split(";"):
                continue
            lo = (c.start_date - POSTS_START).days
            hi = (c.end_date - POSTS_START).days + 1
            boost = 1.6 if c.utm_campaign.startswith("rights") else camp_boost
            if acc.account_type == "молодёжный совет" and c.utm_campaign.startswith("youth"):
                boost = 2.0
            extra = int(r.poisson(per_week * (hi - lo) / 7 * boost))
            day_idx = np.concatenate([day_idx, r.integers(lo, hi, size=extra)])
            campaign = np.concatenate([campaign, np.full(extra, c.utm_campaign, dtype=object)])
        n = len(day_idx)
        is_weekend = weekday[day_idx] >= 5
        hours = np.where(is_weekend, r.choice(24, size=n, p=weekend_hour_p),
                         r.choice(24, size=n, p=hour_p))
        minutes = r.integers(0, 60, size=n)
        fmt = r.choice(FORMATS, size=n,
                       p=_FORMAT_P[acc.platform] if own else _ACCOUNT_FORMAT_P[acc.account_type])
        rubric = r.choice(RUBRICS, size=n, p=rubric_p)
        rubric = np.where(campaign != "", "Акции и кампании", rubric)
        published = (days[day_idx].to_numpy()
                     + (hours * 60 + minutes).astype("timedelta64[m]"))
        years_left = (POSTS_END - pd.DatetimeIndex(published)).days.to_numpy() / 365.25
        # The account's size on the day: one smooth curve, so that an export of the account's
        # daily statistics (datasets/raw) shows the very same subscribers.
        subs = np.maximum(20, np.round(acc.subs_end / (1 + acc.growth) ** years_left)
                          ).astype("int64")
        hour_mult = np.where(is_weekend, _WEEKEND_REACH[hours], _WEEKDAY_REACH[hours])
        fmt_reach = np.array([_FORMAT_REACH[f] for f in fmt])
        fmt_er = np.array([_FORMAT_ER[f] for f in fmt])
        rub_er = np.array([_RUBRIC_ER[x] for x in rubric])
        camp_mult = np.where(campaign != "", 1.3, 1.0)
        mean_views = (subs * share * views_mult * hour_mult * fmt_reach * camp_mult
                      * r.lognormal(0, 0.35, n))
        views = np.maximum(1, r.poisson(mean_views))
        # Reach: the unique people among the views (a view counts again on a second look).
        reach = np.maximum(1, r.binomial(views, np.clip(r.normal(unique, 0.04, n), 0.5, 1.0)))
        # Small groups engage more, up to a point: a group of 50 is not ten times livelier.
        er = (er0 * er_mult * liveliness[k] * (np.maximum(subs, 80) / 2000) ** -0.35 * fmt_er * rub_er
              * hour_mult ** 0.5)
        er = np.clip(er * r.lognormal(0, 0.3, n), 0, 0.6)
        engaged = r_engaged.binomial(views, er)
        likes = np.empty(n, dtype="int64")
        reposts = np.empty(n, dtype="int64")
        comments = np.empty(n, dtype="int64")
        for i in range(n):
            key = ("Telegram" if acc.platform == "Telegram" else
                   "опрос" if fmt[i] == "опрос" else
                   rubric[i] if rubric[i] in _SPLIT else "default")
            likes[i], reposts[i], comments[i] = r_engaged.multinomial(engaged[i], _SPLIT[key])
        median, sigma = zip(*[_FORMAT_LENGTH[f] for f in fmt])
        length = r.lognormal(np.log(np.array(median)), np.array(sigma))
        if acc.platform == "Telegram":
            length = length * 0.7
        length = np.clip(np.round(length), 20, 20000).astype("int64")
        tag_p = 0.4 if acc.platform == "Telegram" else 0.6
        has_tags = r.random(n) < tag_p
        general = r.random(n) < 0.5
        hashtags = []
        for i in range(n):
            tags = []
            if campaign[i]:
                tags = ["#профсоюз", CAMPAIGN_HASHTAGS[campaign[i]]]
            elif has_tags[i]:
                tags = (["#профсоюз"] if general[i] else []) + [_RUBRIC_TAG[rubric[i]]]
            hashtags.append(" ".join(tags))
        parts.append(pd.DataFrame({
            "org_id": acc.org_id, "account_id": acc.account_id,
            "account_type": acc.account_type, "platform": acc.platform,
            "published_at": published, "rubric": rubric, "format": fmt, "text_length": length,
            "hashtags": hashtags, "utm_campaign": campaign.astype(str), "views": views,
            "reach": reach, "likes": likes, "reposts": reposts, "comments": comments,
            "subscribers": subs,
        }))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.sort_values(["published_at", "account_id"], kind="stable")
    frame.insert(0, "post_id", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)
