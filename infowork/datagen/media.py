"""Publications about the member organisations in external media, 2024-2025."""
from __future__ import annotations

import numpy as np
import pandas as pd

from infowork.data_schema import MEDIA_LEVELS, MEDIA_TOPICS, TONES
from infowork.datagen.common import rng

__all__ = ["media_mentions", "MEDIA_YEARS", "conflict"]

MEDIA_YEARS = (2024, 2025)

#: Invented outlets of federal reach: (name, media type).
_FEDERAL = [
    ("Рабочая неделя", "газета"), ("Общественный курьер", "газета"),
    ("Экономика и люди", "сайт"), ("Новости труда 24", "сайт"), ("Деловой вторник", "сайт"),
    ("Телеканал «Страна сегодня»", "ТВ"), ("Радио «Открытый эфир»", "радио"),
    ("Работа и право", "телеграм-канал"), ("Трудовые будни", "телеграм-канал"),
]
_ADJECTIVES = ["Вечерний", "Губернский", "Деловой", "Народный", "Новый", "Городской", "Честный",
               "Утренний", "Вольный", "Земский", "Свежий", "Районный"]
_NOUNS = ["курьер", "вестник", "обозреватель", "голос", "взгляд", "листок", "телеграф",
          "проспект", "собеседник", "хроникёр", "посад", "рассказ"]
_ROOTS = ["Пульс", "Сводка", "Курсор", "Отклик", "Ракурс", "Фокус", "Эхо", "Контекст",
          "Хроника", "Панорама", "Акцент", "Позиция", "Детали", "Факты", "Сигнал", "Резонанс",
          "Диалог", "Обзор", "Зеркало", "Окно", "Вестник", "Точка", "Слово", "Мнение",
          "Новь", "Кругозор", "Прибой", "Крыло", "Излучина", "Околица", "Просёлок", "Гудок",
          "Светофор", "Пролёт", "Семафор", "Тропа", "Ветер", "Родина", "Город", "Улица",
          "Сквер", "Площадь", "Бульвар", "Мосток", "Запад", "Восток", "Юг", "Север",
          "Полдень", "Полночь"]
_SITE_SUFFIXES = ["Инфо", "Онлайн", "Медиа", "24", "Ньюс"]
_TG_TAILS = ["главное", "новости", "что случилось", "без цензуры", "онлайн"]
#: Outlets each region has, by level: media types.
_REGIONAL = ["газета", "сайт", "сайт", "ТВ", "радио", "телеграм-канал"]
_LOCAL = ["газета", "газета", "сайт", "телеграм-канал", "телеграм-канал"]
_AUDIENCE = {"федеральное": 300000, "региональное": 35000, "местное": 5000}
_TYPE_AUDIENCE = {"газета": 0.6, "сайт": 1.0, "ТВ": 2.5, "радио": 1.2, "телеграм-канал": 0.7}

_LEVEL_P = {True: [0.03, 0.47, 0.50], False: [0.07, 0.40, 0.53]}
_TOPIC_P = {  # initiated by the press service or not: weights of MEDIA_TOPICS
    True: [0.08, 0.14, 0.12, 0.0, 0.12, 0.14, 0.14, 0.20, 0.06],
    False: [0.20, 0.12, 0.10, 0.10, 0.08, 0.08, 0.08, 0.10, 0.14],
}
_TONE_P = {True: [0.62, 0.35, 0.03], False: [0.26, 0.57, 0.17]}
_TOPIC_TONE = {"трудовой конфликт": [0.12, 0.38, 0.50], "спорт и культура": [0.55, 0.42, 0.03],
               "молодёжь": [0.5, 0.45, 0.05]}
#: Months the union's own actions (28 April, 1 May, 7 October) bring press releases.
_MONTH_INITIATED = {4: 1.5, 5: 1.6, 10: 1.6, 1: 0.6, 7: 0.6, 8: 0.6}
_MONTH_OTHER = {1: 0.7, 7: 0.8, 8: 0.8}
#: The labour conflict: (month, extra mentions) for the organisation conflict() picks.
CONFLICT_MONTH, CONFLICT_MENTIONS = pd.Timestamp("2025-03-01"), 26


def conflict(orgs: pd.DataFrame) -> str:
    """The organisation whose enterprise has a wage conflict in CONFLICT_MONTH: the largest one
    of industry (or transport, else of any sector)."""
    for sector in ("промышленность", "транспорт"):
        mine = orgs[orgs["sector"] == sector]
        if len(mine):
            return str(mine.sort_values(["members", "org_id"]).iloc[-1]["org_id"])
    return str(orgs.sort_values(["members", "org_id"]).iloc[-1]["org_id"])


def _outlets(regions: list[str], r: np.random.Generator) -> pd.DataFrame:
    """Every outlet: name, level, media type, region ('' for federal ones), audience."""
    papers = [f"{a} {n}" for a in _ADJECTIVES for n in _NOUNS]
    sites = [f"{root}-{s}" for root in _ROOTS for s in _SITE_SUFFIXES]
    tg = [f"{root}: {t}" for root in _ROOTS for t in _TG_TAILS]
    pools = {"газета": list(r.permutation(papers)), "сайт": list(r.permutation(sites)),
             "телеграм-канал": list(r.permutation(tg)),
             "ТВ": [f"Телеканал «{x}»" for x in r.permutation(_ROOTS)],
             "радио": [f"Радио «{x}»" for x in r.permutation(_ROOTS)]}
    rows = [(name, "федеральное", kind, "") for name, kind in _FEDERAL]
    for region in regions:
        for level, kinds in (("региональное", _REGIONAL), ("местное", _LOCAL)):
            for kind in kinds:
                rows.append((pools[kind].pop(), level, kind, region))
    frame = pd.DataFrame(rows, columns=["outlet", "outlet_level", "media_type", "region"])
    base = frame["outlet_level"].map(_AUDIENCE) * frame["media_type"].map(_TYPE_AUDIENCE)
    frame["audience"] = base * r.lognormal(0, 0.5, len(frame))
    return frame


def media_mentions(orgs: pd.DataFrame) -> pd.DataFrame:
    """One row per publication; an organisation's press service makes some of them happen."""
    r = rng("media_mentions")
    outlets = _outlets(sorted(orgs["region"].astype(str).unique()), r)
    federal = outlets[outlets["outlet_level"] == "федеральное"]
    by_region = {region: group for region, group in outlets.groupby("region")}
    hot = conflict(orgs)
    months = pd.date_range(f"{MEDIA_YEARS[0]}-01-01", f"{MEDIA_YEARS[-1]}-12-01", freq="MS")
    rows = []
    for org in orgs.itertuples(index=False):
        size = org.members / 10000
        # The press service's own activity (releases, invitations) scales with its staff.
        activity = r.lognormal(0, 0.3) * org.info_staff
        newsworthy = r.lognormal(0, 0.3) * (0.5 + 0.55 * size ** 0.45)
        for month in months:
            t = month.year - MEDIA_YEARS[0]
            lam_init = 0.2 * activity * (1 + 0.2 * t) * _MONTH_INITIATED.get(month.month, 1.0)
            lam_other = 0.6 * newsworthy * _MONTH_OTHER.get(month.month, 1.0)
            initiated = [True] * int(r.poisson(lam_init)) + [False] * int(r.poisson(lam_other))
            topics = [None] * len(initiated)
            if org.org_id == hot and month == CONFLICT_MONTH:
                initiated += [False] * CONFLICT_MENTIONS
                topics += ["трудовой конфликт"] * CONFLICT_MENTIONS
            local = by_region[org.region]
            for own, topic in zip(initiated, topics):
                in_conflict = topic is not None
                level_p = [0.25, 0.5, 0.25] if in_conflict else _LEVEL_P[own]
                level = str(r.choice(MEDIA_LEVELS, p=level_p))
                pool = federal if level == "федеральное" else \
                    local[local["outlet_level"] == level]
                outlet = pool.iloc[int(r.integers(len(pool)))]
                if topic is None:
                    topic = str(r.choice(MEDIA_TOPICS, p=_TOPIC_P[own]))
                tone_p = ([0.04, 0.16, 0.80] if in_conflict else
                          _TONE_P[own] if own or topic not in _TOPIC_TONE else _TOPIC_TONE[topic])
                day = month + pd.Timedelta(days=int(r.integers(month.days_in_month)))
                reach = outlet["audience"] * r.lognormal(0, 0.4) * (1.5 if in_conflict else 1)
                rows.append({
                    "published_at": day, "org_id": org.org_id, "outlet": outlet["outlet"],
                    "outlet_level": level, "media_type": outlet["media_type"], "topic": topic,
                    "tone": str(r.choice(TONES, p=tone_p)),
                    "initiated_by_press_service": own,
                    "reach": max(50, int(round(reach, -1))),
                })
    frame = pd.DataFrame(rows)
    frame = frame.sort_values(["published_at", "org_id", "outlet"], kind="stable")
    frame.insert(0, "mention_id", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)
