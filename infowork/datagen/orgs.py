"""Member organisations, their membership by age group, and their social-network communities."""
from __future__ import annotations

import numpy as np
import pandas as pd

from infowork.data_schema import REGION_POPULATION, REGIONS
from infowork.datagen.common import rng

__all__ = ["organizations", "membership", "accounts", "org_type", "YEARS", "POSTS_START", "POSTS_END"]

YEARS = list(range(2021, 2026))
POSTS_START = pd.Timestamp("2024-01-01")
POSTS_END = pd.Timestamp("2025-12-31")

N_ORGS = 56

_SECTOR_NAMES = {
    "образование": "Союз педагогов",
    "здравоохранение": "Союз медиков",
    "связь": "Профсоюз связистов",
    "транспорт": "Профсоюз транспортников",
    "энергетика": "Профсоюз энергетиков",
    "культура": "Профсоюз работников культуры",
    "госучреждения": "Профсоюз работников госучреждений",
    "АПК": "Профсоюз аграриев",
    "промышленность": "Профсоюз машиностроителей",
    "торговля": "Профсоюз работников торговли",
    "строительство": "Профсоюз строителей",
}
#: Members of the sector's regional organisation per 1 000 residents of the region: the sector's
#: share of employment times its union density (education and health are the big, dense ones).
_MEMBERS_PER_1000 = {"образование": 21.0, "здравоохранение": 10.0, "связь": 1.2,
                     "транспорт": 6.0, "энергетика": 4.0, "культура": 2.5, "госучреждения": 4.5,
                     "АПК": 3.5, "промышленность": 6.0, "торговля": 1.5, "строительство": 1.5}
#: How many of the federation's organisations belong to each sector (roughly as common as
#: the sector's regional organisations are).
_SECTOR_WEIGHTS = {"образование": 9, "здравоохранение": 8, "связь": 3, "транспорт": 5,
                   "энергетика": 4, "культура": 5, "госучреждения": 5, "АПК": 5,
                   "промышленность": 6, "торговля": 3, "строительство": 3}

_OK_SECTORS = {"образование", "здравоохранение", "АПК", "культура"}
_TG_SECTORS = {"связь", "транспорт", "энергетика", "промышленность"}

# Invented words for the organisations' names (no real organisation is meant).
_WORDS = [
    "Вектор", "Опора", "Доверие", "Созвездие", "Северное сияние", "Родник", "Ориентир",
    "Импульс", "Кедр", "Рассвет", "Магистраль", "Исток", "Содружество", "Партнёр", "Светоч",
    "Горизонт", "Парус", "Факел", "Заря", "Меридиан", "Основа", "Волна", "Берег", "Вершина",
    "Гармония", "Перспектива", "Надежда", "Стимул", "Прогресс", "Сплав", "Маяк", "Ладья",
    "Атлант", "Кристалл", "Тайга", "Степь", "Радуга", "Энергия", "Сфера", "Полюс", "Компас",
    "Мост", "Причал", "Поиск", "Плечом к плечу", "Очаг", "Сокол", "Жар-птица", "Синица",
    "Белый парус", "Озёрный край", "Медведица", "Ковыль", "Камертон", "Кольцо", "Перевал",
]


def org_type(region: str) -> str:
    """The kind of a regional organisation, after its region: «областная», «краевая»...

    >>> org_type("Москва"), org_type("Пермский край"), org_type("Республика Карелия")
    ('городская', 'краевая', 'республиканская')
    """
    if region in ("Москва", "Санкт-Петербург"):
        return "городская"
    if "автономный округ" in region:
        return "окружная"
    if "Республик" in region:
        return "республиканская"
    return "краевая" if "край" in region else "областная"


def _pick_pairs(r: np.random.Generator) -> list[tuple[str, str]]:
    """N_ORGS distinct (sector, region) pairs: _SECTOR_WEIGHTS organisations of each sector, in
    regions drawn by population (no farming union in a city of federal importance; the capital
    has the two big sectors' organisations, as every real federation of its size does)."""
    regions = sorted(REGION_POPULATION)
    pop = np.array([REGION_POPULATION[x] for x in regions], dtype=float)
    pairs: list[tuple[str, str]] = []
    for sector, count in _SECTOR_WEIGHTS.items():
        p = pop ** 0.6
        if sector == "АПК":
            p = np.where(np.isin(regions, ["Москва", "Санкт-Петербург"]), 0.0, p)
        forced = ["Москва"] if sector in ("образование", "здравоохранение") else []
        p = np.where(np.isin(regions, forced), 0.0, p)
        chosen = r.choice(len(regions), size=count - len(forced), replace=False, p=p / p.sum())
        pairs += [(sector, region) for region in forced + [regions[i] for i in chosen]]
    assert len(pairs) == N_ORGS
    return [pairs[i] for i in r.permutation(len(pairs))]


def organizations() -> pd.DataFrame:
    """The 56 member organisations (members are filled from membership()).

    All are at one level: the regional organisations of sectoral unions, each in one region;
    their size follows the region's real population and the sector's density.
    """
    r = rng("organizations")
    words = list(r.permutation(_WORDS))
    rows = []
    for i, (sector, region) in enumerate(_pick_pairs(r)):
        expected = REGION_POPULATION[region] * _MEMBERS_PER_1000[sector]
        base = float(np.clip(expected * r.lognormal(0, 0.25), 300, None))
        rows.append({"org_id": f"ORG{i + 1:02d}", "name": f"{_SECTOR_NAMES[sector]} «{words[i]}»",
                     "org_type": org_type(region), "sector": sector, "region": region,
                     "federal_district": REGIONS[region], "base_members": int(base)})
    frame = pd.DataFrame(rows)

    size = np.log10(frame["base_members"].to_numpy())
    staff = np.round(-3.2 + 1.5 * size + r.normal(0, 0.7, len(frame)))
    frame["info_staff"] = np.clip(staff, 0, 8).astype("int64")
    frame["has_website"] = r.random(len(frame)) < np.clip(0.2 * (size - 3) + 0.45, 0.3, 0.97)
    frame["has_vk"] = r.random(len(frame)) < np.clip(0.8 + 0.1 * (size - 3.5), 0.6, 0.99)
    ok_p = np.where(frame["sector"].isin(list(_OK_SECTORS)), 0.7, 0.35)
    frame["has_ok"] = r.random(len(frame)) < ok_p
    tg_p = np.clip(np.where(frame["sector"].isin(list(_TG_SECTORS)), 0.75, 0.45)
                   + 0.1 * (size - 4), 0.2, 0.95)
    frame["has_telegram"] = r.random(len(frame)) < tg_p
    # Every organisation is on at least one network.
    none = ~(frame["has_vk"] | frame["has_ok"] | frame["has_telegram"])
    frame.loc[none, "has_telegram"] = True
    return frame


def membership(orgs: pd.DataFrame) -> pd.DataFrame:
    """Members, joined and left per organisation, year and age group.

    members(year) = members(year - 1) + joined(year) - left(year).
    """
    r = rng("membership")
    rows = []
    for org in orgs.itertuples(index=False):
        youth = r.uniform(0.16, 0.27)
        older = r.uniform(0.24, 0.36)
        start = org.base_members / 1.0
        prev = {"до 35": start * youth, "35-54": start * (1 - youth - older),
                "55 и старше": start * older}
        prev = {k: int(v) for k, v in prev.items()}
        for t, year in enumerate(YEARS):
            rates = {
                # (join rate, leave rate): youth recruitment improves year by year.
                "до 35": (0.105 + 0.018 * t + r.normal(0, 0.008), 0.095),
                "35-54": (0.058 + r.normal(0, 0.005), 0.068),
                "55 и старше": (0.045 + r.normal(0, 0.005), 0.085),
            }
            for group, (join_rate, leave_rate) in rates.items():
                n = prev[group]
                joined = int(r.binomial(n, max(join_rate, 0.01)))
                left = int(r.binomial(n, leave_rate))
                members = n + joined - left
                rows.append({"org_id": org.org_id, "year": year, "age_group": group,
                             "members": members, "joined": joined, "left": left})
                prev[group] = members
    return pd.DataFrame(rows)


_PLATFORM_CODE = {"ВКонтакте": "vk", "Одноклассники": "ok", "Telegram": "tg"}
_ORG_COMMUNITY = {  # platform: (flag, median share of members, sigma, yearly growth, minimum)
    "ВКонтакте": ("has_vk", 0.12, 0.7, 0.14, 150),
    "Одноклассники": ("has_ok", 0.04, 0.6, 0.03, 80),
    "Telegram": ("has_telegram", 0.03, 0.8, 0.55, 60),
}


def accounts(orgs: pd.DataFrame) -> pd.DataFrame:
    """Every account that posts for an organisation, one row each.

    The organisation's own communities (one per platform it is on), a youth council's group in
    larger organisations, the chair's personal VK page where the chair keeps one, and union
    ambassadors: activists who promote the union from their own pages. ``account_id`` reads
    as org, platform, kind: ``ORG07-vk-org``, ``ORG07-vk-youth``, ``ORG07-vk-leader``,
    ``ORG07-tg-amb2``. ``subs_end`` is the size on POSTS_END, ``growth`` the yearly growth.
    """
    r = rng("communities")
    rows = []

    def add(org, platform, kind, suffix, subs_end, growth):
        rows.append({"account_id": f"{org.org_id}-{_PLATFORM_CODE[platform]}-{suffix}",
                     "org_id": org.org_id, "platform": platform, "account_type": kind,
                     "subs_end": int(subs_end), "growth": float(growth)})

    for org in orgs.itertuples(index=False):
        for platform, (flag, share, sigma, growth, minimum) in _ORG_COMMUNITY.items():
            if not getattr(org, flag):
                continue
            s = float(np.clip(r.lognormal(np.log(share), sigma), 0.004, 0.8))
            g = float(np.clip(r.normal(growth, growth / 3), 0.0, 2.0))
            add(org, platform, "сообщество организации", "org",
                max(minimum, int(org.members * s)), g)
        size = np.log10(org.members)
        if r.random() < np.clip(0.25 + 0.25 * (size - 4), 0.1, 0.8):
            platform = "ВКонтакте" if r.random() < 0.8 else "Telegram"
            subs = org.members * 0.22 * float(np.clip(r.lognormal(np.log(0.07), 0.5), 0.01, 0.5))
            add(org, platform, "молодёжный совет", "youth", max(90, subs),
                np.clip(r.normal(0.3, 0.1), 0.05, 1.0))
        if r.random() < np.clip(0.3 + 0.15 * (size - 4), 0.15, 0.7):
            subs = np.clip(r.lognormal(np.log(1400), 0.6), 250, 9000)
            add(org, "ВКонтакте", "личный аккаунт профлидера", "leader", subs,
                np.clip(r.normal(0.1, 0.05), 0.0, 0.5))
        n_amb = min(3, int(r.poisson(np.clip(0.6 * (size - 3.3), 0.0, 2.0))))
        for k in range(1, n_amb + 1):
            platform = "ВКонтакте" if r.random() < 0.6 else "Telegram"
            subs = np.clip(r.lognormal(np.log(600), 0.6), 120, 5000)
            add(org, platform, "посол профсоюза", f"amb{k}", subs,
                np.clip(r.normal(0.35, 0.15), 0.0, 1.5))
    return pd.DataFrame(rows)
