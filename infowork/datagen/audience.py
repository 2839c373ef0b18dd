"""The anonymous member survey."""
from __future__ import annotations

import numpy as np
import pandas as pd

from infowork.data_schema import (AGE_GROUPS, NEWS_FREQUENCIES, REGIONS, ROLES,
                                  SURVEY_CHANNELS, SURVEY_TOPICS)
from infowork.datagen.common import rng

__all__ = ["survey", "N_RESPONDENTS"]

N_RESPONDENTS = 2400
_FEMALE_SHARE = {"образование": 0.82, "здравоохранение": 0.8, "культура": 0.72,
                 "торговля": 0.68, "госучреждения": 0.65, "связь": 0.55, "АПК": 0.45,
                 "транспорт": 0.3, "энергетика": 0.3, "промышленность": 0.35,
                 "строительство": 0.22}


def _channel_p(age: np.ndarray, activist: np.ndarray) -> dict[str, np.ndarray]:
    """Probability to use each channel; platform audiences differ by age."""
    a = age - 35.0
    return {
        "ВКонтакте": np.clip(0.74 - 0.006 * a, 0.3, 0.95),
        "Одноклассники": np.clip(0.24 + 0.013 * a, 0.03, 0.8),
        "Telegram": np.clip(0.55 - 0.016 * a, 0.05, 0.9),
        "сайт": np.full_like(a, 0.3) + 0.2 * activist,
        "газета": np.clip(0.14 + 0.006 * a, 0.03, 0.6) + 0.1 * activist,
        "стенд на работе": np.full_like(a, 0.38),
        "собрания": np.full_like(a, 0.22) + 0.35 * activist,
    }


#: The survey was spread through the communities and messengers: who answered, relative to the
#: members of each age group (the young answer more readily, the oldest less).
_RESPONSE = {"до 35": 1.55, "35-54": 1.0, "55 и старше": 0.5}
#: Ages within each group: (first age, last age, slope of the weights along the range).
_AGE_RANGE = {"до 35": (19, 34, 1.0), "35-54": (35, 54, 0.0), "55 и старше": (55, 71, -1.0)}


def _ages(age_group: np.ndarray, r: np.random.Generator) -> np.ndarray:
    age = np.empty(len(age_group), dtype="int64")
    for group, (lo, hi, slope) in _AGE_RANGE.items():
        idx = np.flatnonzero(age_group == group)
        values = np.arange(lo, hi + 1)
        w = 1 + slope * np.linspace(-0.6, 0.6, len(values))
        age[idx] = r.choice(values, size=len(idx), p=w / w.sum())
    return age


def survey(orgs: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Answers of N_RESPONDENTS members; the age mix is not the membership's (see _RESPONSE)."""
    r = rng("survey")
    n = N_RESPONDENTS
    weights = np.sqrt(orgs["members"].to_numpy(dtype=float))
    org = orgs.iloc[r.choice(len(orgs), size=n, p=weights / weights.sum())].reset_index(drop=True)
    sector = org["sector"].astype(str).to_numpy()  # a member works in their union's sector
    last = membership[membership["year"] == membership["year"].max()]
    mix = last.groupby("age_group", observed=True)["members"].sum()
    group_p = np.array([mix[g] * _RESPONSE[g] for g in AGE_GROUPS], dtype=float)
    age_group = r.choice(AGE_GROUPS, size=n, p=group_p / group_p.sum())
    age = _ages(age_group, r)
    female = r.random(n) < np.array([_FEMALE_SHARE[s] for s in sector])
    role = r.choice(ROLES, size=n, p=[0.7, 0.11, 0.1, 0.06, 0.03])
    activist = (role != "член профсоюза").astype(float)

    p = _channel_p(age.astype(float), activist)
    used = {ch: r.random(n) < p[ch] for ch in SURVEY_CHANNELS}
    channels, main = [], []
    for i in range(n):
        mine = [ch for ch in SURVEY_CHANNELS if used[ch][i]]
        if not mine:
            mine = ["стенд на работе"]
        channels.append(";".join(mine))
        w = np.array([3.0 if ch in ("ВКонтакте", "Telegram", "Одноклассники") else 1.0
                      for ch in mine])
        main.append(mine[r.choice(len(mine), p=w / w.sum())])
    n_channels = np.array([c.count(";") + 1 for c in channels])

    engaged = 0.8 * activist + 0.35 * (n_channels - 2) + r.normal(0, 0.9, n)
    freq_idx = np.clip(np.round(2.6 - engaged), 0, len(NEWS_FREQUENCIES) - 1).astype(int)
    news_frequency = np.array(NEWS_FREQUENCIES)[freq_idx]

    young = age < 35
    topic_p = {
        "заработная плата": np.full(n, 0.7),
        "охрана труда": np.full(n, 0.35),
        "правовая помощь": np.full(n, 0.45),
        "коллективный договор": 0.2 + 0.25 * activist,
        "льготы и оздоровление": np.where(young, 0.25, 0.5),
        "спорт и культура": np.where(young, 0.45, 0.2),
        "молодёжная политика": np.where(young, 0.5, 0.06),
        "новости отрасли": np.full(n, 0.3),
    }
    chosen = {t: r.random(n) < topic_p[t] for t in SURVEY_TOPICS}
    topics = []
    for i in range(n):
        mine = [t for t in SURVEY_TOPICS if chosen[t][i]] or ["заработная плата"]
        topics.append(";".join(mine))

    trust_latent = 3.0 + 0.6 * activist - 0.25 * freq_idx + r.normal(0, 0.9, n)
    trust = np.clip(np.round(trust_latent + 0.3), 1, 5).astype("int64")
    satisfaction = np.clip(np.round(1.4 * trust + 0.5 + r.normal(0, 1.3, n)), 1, 10)
    return pd.DataFrame({
        "respondent_id": np.arange(1, n + 1),
        "age": age,
        "age_group": age_group,
        "gender": np.where(female, "женский", "мужской"),
        "region": org["region"].astype(str),
        "federal_district": org["region"].map(REGIONS),
        "sector": sector,
        "role": role,
        "channels": channels,
        "main_channel": main,
        "news_frequency": news_frequency,
        "topics": topics,
        "trust": trust,
        "satisfaction": satisfaction.astype("int64"),
    })
