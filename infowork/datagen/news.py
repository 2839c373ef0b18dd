"""News items member organisations send to the federation's press service."""
from __future__ import annotations

import numpy as np
import pandas as pd

from infowork.data_schema import NEWS_TOPICS, PRIORITY_TOPICS
from infowork.datagen.common import rng
from infowork.datagen.orgs import POSTS_END, POSTS_START

__all__ = ["news_items", "stated_score"]

N_ITEMS = 1800
_TOPIC_P = [0.14, 0.14, 0.10, 0.12, 0.16, 0.10, 0.14, 0.10]


def stated_score(frame: pd.DataFrame) -> pd.Series:
    """The federation's stated selection score (datasets/README.md); publish when >= 5."""
    days = frame["timeliness_days"]
    return (2 * frame["has_photo"].astype(int) + frame["has_quote"].astype(int)
            + np.where(days <= 1, 2, np.where(days <= 3, 1, 0))
            + frame["length_chars"].between(800, 2500).astype(int)
            + 2 * frame["topic"].isin(PRIORITY_TOPICS).astype(int))


def news_items(orgs: pd.DataFrame) -> pd.DataFrame:
    r = rng("news_items")
    weights = np.sqrt(orgs["members"].to_numpy(dtype=float))
    org_idx = r.choice(len(orgs), size=N_ITEMS, p=weights / weights.sum())
    org = orgs.iloc[org_idx].reset_index(drop=True)
    span = (POSTS_END - POSTS_START).days - 20
    event = POSTS_START + pd.to_timedelta(r.integers(0, span, N_ITEMS), unit="D")
    timeliness = np.clip(r.geometric(0.3, N_ITEMS) - 1, 0, 21)
    minutes = r.integers(8 * 60, 21 * 60, N_ITEMS)
    received = event + pd.to_timedelta(timeliness, unit="D") + pd.to_timedelta(minutes, unit="m")
    frame = pd.DataFrame({
        "org_id": org["org_id"],
        "region": org["region"],
        "event_date": event,
        "received_at": received,
        "topic": r.choice(NEWS_TOPICS, size=N_ITEMS, p=_TOPIC_P),
        "has_photo": r.random(N_ITEMS) < 0.62,
        "has_quote": r.random(N_ITEMS) < 0.45,
        "length_chars": np.clip(np.round(r.lognormal(np.log(1300), 0.55, N_ITEMS)), 150, 9000)
        .astype("int64"),
        "timeliness_days": timeliness.astype("int64"),
    })
    by_rule = stated_score(frame).to_numpy() >= 5
    large = (org["members"] >= orgs["members"].quantile(0.75)).to_numpy()
    # The editors follow the rule, with noise and a soft spot for large organisations.
    flip = np.where(by_rule, np.where(large, 0.05, 0.12), np.where(large, 0.28, 0.10))
    frame["published"] = np.where(r.random(N_ITEMS) < flip, ~by_rule, by_rule)
    frame = frame.sort_values(["received_at", "org_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "item_id", np.arange(1, len(frame) + 1))
    return frame
