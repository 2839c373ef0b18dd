"""Member organisations, their membership by age group, and their social-network communities."""
from __future__ import annotations

import numpy as np
import pandas as pd

from infowork.data_schema import REGIONS
from infowork.datagen.common import rng

__all__ = ["organizations", "membership", "communities", "YEARS", "POSTS_START", "POSTS_END"]

YEARS = list(range(2021, 2026))
POSTS_START = pd.Timestamp("2024-01-01")
POSTS_END = pd.Timestamp("2025-12-31")

N_SECTORAL = 36
N_TERRITORIAL = 20

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
_SECTOR_WEIGHTS = {"образование": 6, "здравоохранение": 5, "связь": 2, "транспорт": 3,
                   "энергетика": 3, "культура": 3, "госучреждения": 3, "АПК": 3,
                   "промышленность": 4, "торговля": 2, "строительство": 2}

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

_OK_SECTORS = {"образование", "здравоохранение", "АПК", "культура"}
_TG_SECTORS = {"связь", "транспорт", "энергетика", "промышленность"}


def organizations() -> pd.DataFrame:
    """The 56 member organisations (members are filled from membership())."""
    r = rng("organizations")
    regions = sorted(REGIONS)
    territorial_regions = list(r.choice(regions, size=N_TERRITORIAL, replace=False))
    sectors = list(_SECTOR_WEIGHTS)
    weights = np.array([_SECTOR_WEIGHTS[s] for s in sectors], dtype=float)
    sectoral_sectors = list(r.choice(sectors, size=N_SECTORAL, p=weights / weights.sum()))
    sectoral_regions = list(r.choice(regions, size=N_SECTORAL))
    words = list(r.permutation(_WORDS))

    rows = []
    kinds = ["отраслевая"] * N_SECTORAL + ["территориальная"] * N_TERRITORIAL
    order = r.permutation(len(kinds))
    for i, k in enumerate(order):
        if kinds[k] == "отраслевая":
            sector = sectoral_sectors[k]
            region = sectoral_regions[k]
            name = f"{_SECTOR_NAMES[sector]} «{words[i]}»"
            base = float(np.clip(r.lognormal(np.log(9000), 0.8), 1200, 80000))
        else:
            sector = "межотраслевая"
            region = territorial_regions[k - N_SECTORAL]
            name = f"Объединение профсоюзов «{words[i]}»"
            base = float(np.clip(r.lognormal(np.log(70000), 0.6), 15000, 400000))
        rows.append({"org_id": f"ORG{i + 1:02d}", "name": name, "org_type": kinds[k],
                     "sector": sector, "region": region, "federal_district": REGIONS[region],
                     "base_members": int(base)})
    frame = pd.DataFrame(rows)

    size = np.log10(frame["base_members"].to_numpy())
    staff = np.round(-3.2 + 1.5 * size + r.normal(0, 0.7, len(frame)))
    frame["info_staff"] = np.clip(staff, 0, 8).astype("int64")
    frame["has_website"] = r.random(len(frame)) < np.clip(0.2 * (size - 3) + 0.45, 0.3, 0.97)
    frame["has_vk"] = r.random(len(frame)) < 0.93
    frame["has_vk"] = frame["has_vk"] | (frame["org_type"] == "территориальная")
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


def communities(orgs: pd.DataFrame) -> pd.DataFrame:
    """One row per organisation and platform it is on.

    ``subs_end`` is the community's size on POSTS_END, ``growth`` its yearly growth.
    """
    r = rng("communities")
    rows = []
    params = {  # platform: (median share of members, sigma, yearly growth, minimum size)
        "ВКонтакте": ("has_vk", 0.12, 0.7, 0.14, 150),
        "Одноклассники": ("has_ok", 0.04, 0.6, 0.03, 80),
        "Telegram": ("has_telegram", 0.03, 0.8, 0.55, 60),
    }
    for org in orgs.itertuples(index=False):
        for platform, (flag, share, sigma, growth, minimum) in params.items():
            if not getattr(org, flag):
                continue
            s = float(np.clip(r.lognormal(np.log(share), sigma), 0.004, 0.8))
            subs_end = max(minimum, int(org.members * s))
            g = float(np.clip(r.normal(growth, growth / 3), 0.0, 2.0))
            rows.append({"org_id": org.org_id, "platform": platform, "subs_end": subs_end,
                         "growth": g})
    return pd.DataFrame(rows)
