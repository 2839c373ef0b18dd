"""Sessions on the federation's website and requests to its legal hotline."""
from __future__ import annotations

import numpy as np
import pandas as pd

from infowork.data_schema import AGE_GROUPS, DEVICES, LANDING_PAGES, REQUEST_TOPICS
from infowork.datagen.common import rng
from infowork.datagen.orgs import POSTS_END, POSTS_START
from infowork.datagen.social import campaigns

__all__ = ["web_sessions", "requests"]

# source: (medium, share of ordinary traffic, landing pages' weights, smartphone, tablet)
_SOURCES = {
    "(direct)": ("(none)", 0.24, [0.45, 0.2, 0.15, 0.06, 0.02, 0.02, 0.02, 0.08], 0.35, 0.05),
    "yandex": ("organic", 0.26, [0.08, 0.2, 0.3, 0.06, 0.02, 0.02, 0.07, 0.25], 0.5, 0.05),
    "google": ("organic", 0.07, [0.08, 0.2, 0.3, 0.06, 0.02, 0.02, 0.07, 0.25], 0.45, 0.05),
    "vk": ("social", 0.18, [0.05, 0.45, 0.14, 0.1, 0.1, 0.1, 0.04, 0.02], 0.78, 0.05),
    "telegram": ("social", 0.1, [0.05, 0.5, 0.14, 0.08, 0.08, 0.1, 0.03, 0.02], 0.8, 0.04),
    "ok": ("social", 0.05, [0.1, 0.5, 0.15, 0.05, 0.1, 0.02, 0.05, 0.03], 0.7, 0.08),
    "email": ("email", 0.03, [0.1, 0.5, 0.15, 0.05, 0.05, 0.05, 0.05, 0.05], 0.45, 0.05),
    "(referral)": ("referral", 0.07, [0.2, 0.3, 0.15, 0.05, 0.05, 0.05, 0.05, 0.15], 0.4, 0.05),
}
_CHANNEL_SOURCE = {"ВКонтакте": "vk", "Telegram": "telegram", "Одноклассники": "ok",
                   "рассылка": "email"}
_CAMPAIGN_PAGE = {"safety": "/safety", "photofact": "/contest", "youth2024": "/join",
                  "decentwork": "/news", "rights": "/legal-help", "reporter": "/contest",
                  "youthforum": "/youth", "cba": "/documents", "youth2026": "/join"}
# Conversion to the landing page's goal, on a computer.
_CONVERSION = {"/": 0.01, "/news": 0.01, "/legal-help": 0.085, "/join": 0.075,
               "/contest": 0.06, "/youth": 0.035, "/safety": 0.045, "/documents": 0.015}
_DESKTOP_HOURS = np.array([0.1, 0.05, 0.03, 0.03, 0.05, 0.1, 0.3, 0.8, 1.6, 2.6, 3.0, 3.0,
                           2.8, 2.9, 3.0, 2.8, 2.5, 2.0, 1.3, 1.0, 0.9, 0.7, 0.4, 0.2])
_MOBILE_HOURS = np.array([0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 0.9, 1.6, 1.8, 1.4, 1.2, 1.3,
                          1.6, 1.5, 1.2, 1.2, 1.4, 1.8, 2.2, 2.6, 2.8, 2.6, 2.0, 1.0])
BASE_PER_DAY = 72


def _page_for(utm_campaign: str) -> str:
    for prefix, page in _CAMPAIGN_PAGE.items():
        if utm_campaign.startswith(prefix):
            return page
    return "/news"


def web_sessions() -> pd.DataFrame:
    r = rng("web_sessions")
    days = pd.date_range(POSTS_START, POSTS_END, freq="D")
    t = np.arange(len(days)) / 365.25
    weekday = days.dayofweek.to_numpy()
    expected = BASE_PER_DAY * np.where(weekday < 5, 1.0, 0.55) * (1 + 0.12 * t)
    counts = r.poisson(expected)
    day_idx = np.repeat(np.arange(len(days)), counts)
    sources = list(_SOURCES)
    share = np.array([_SOURCES[s][1] for s in sources])
    source = r.choice(sources, size=len(day_idx), p=share / share.sum())
    campaign = np.full(len(day_idx), "", dtype=object)

    # Campaign traffic: tagged links in the campaign's channels, strongest in its first days.
    extra_days, extra_source, extra_campaign = [], [], []
    camps = campaigns()
    for c in camps[camps["start_date"] <= POSTS_END].itertuples(index=False):
        lo = (c.start_date - POSTS_START).days
        hi = (c.end_date - POSTS_START).days + 1
        strength = 110.0 if c.utm_campaign.startswith("rights") else 14.0
        span = np.arange(hi - lo)
        per_day = strength * (0.35 + np.exp(-span / 6.0))
        srcs = [_CHANNEL_SOURCE[ch] for ch in c.channels.split(";") if ch in _CHANNEL_SOURCE]
        if c.budget_rub >= 150000:
            srcs.append("yandex")  # paid search ads
        for d, k in zip(lo + span, r.poisson(per_day)):
            extra_days.append(np.full(k, d))
            extra_source.append(r.choice(srcs, size=k))
            extra_campaign.append(np.full(k, c.utm_campaign, dtype=object))
    day_idx = np.concatenate([day_idx] + extra_days)
    source = np.concatenate([source] + extra_source)
    campaign = np.concatenate([campaign] + extra_campaign)
    n = len(day_idx)

    medium = np.array([_SOURCES[s][0] for s in source], dtype=object)
    medium = np.where((campaign != "") & (source == "yandex"), "cpc", medium)
    page = np.empty(n, dtype=object)
    device = np.empty(n, dtype=object)
    for s, (_, _, page_w, phone, tablet) in _SOURCES.items():
        idx = np.flatnonzero(source == s)
        w = np.array(page_w)
        page[idx] = r.choice(LANDING_PAGES, size=len(idx), p=w / w.sum())
        device[idx] = r.choice(DEVICES, size=len(idx), p=[1 - phone - tablet, phone, tablet])
    tagged = campaign != ""
    page[tagged] = [_page_for(c) for c in campaign[tagged]]
    mobile = device == "смартфон"
    hours = np.where(mobile, r.choice(24, size=n, p=_MOBILE_HOURS / _MOBILE_HOURS.sum()),
                     r.choice(24, size=n, p=_DESKTOP_HOURS / _DESKTOP_HOURS.sum()))
    minutes = r.integers(0, 60, size=n)
    started = days[day_idx].to_numpy() + (hours * 60 + minutes).astype("timedelta64[m]")

    conversion = np.array([_CONVERSION[p] for p in page])
    device_mult = np.where(device == "компьютер", 1.0, np.where(mobile, 0.9, 0.8))
    # The join form is hard to fill in on a phone.
    device_mult = np.where(mobile & (page == "/join"), 0.15, device_mult)
    goal = r.random(n) < conversion * device_mult
    bounce = (r.random(n) < np.where(mobile, 0.45, 0.35)) & ~goal
    pages = np.where(bounce, 1, 1 + r.geometric(0.38, n) + goal * r.integers(1, 4, n))
    duration = np.where(bounce, r.integers(3, 60, n),
                        np.round(pages * r.lognormal(np.log(55), 0.6, n)) + goal * 90)
    frame = pd.DataFrame({
        "started_at": started, "utm_source": source, "utm_medium": medium,
        "utm_campaign": campaign.astype(str), "landing_page": page, "device": device,
        "pages_viewed": pages.astype("int64"), "duration_sec": duration.astype("int64"),
        "goal_reached": goal,
    })
    frame = frame.sort_values("started_at", kind="stable").reset_index(drop=True)
    frame.insert(0, "session_id", np.arange(1, len(frame) + 1))
    return frame


_TOPIC_P = [0.2, 0.15, 0.12, 0.1, 0.08, 0.12, 0.08, 0.05, 0.1]
# channel: (share of calls on weekdays, age-group weights, days to answer: (share answered the
# same day, mean days of the others' ordinary questions))
_CHANNELS = {
    "телефон": (0.45, [0.2, 0.45, 0.35], (0.6, 1.6)),
    "e-mail": (0.17, [0.3, 0.45, 0.25], (0.05, 3.0)),
    "ВКонтакте": (0.12, [0.5, 0.4, 0.1], (0.25, 2.0)),
    "Telegram": (0.08, [0.65, 0.3, 0.05], (0.3, 1.7)),
    "личный приём": (0.18, [0.15, 0.45, 0.4], (0.75, 1.3)),
}
#: Share of the questions that need documents or an inquiry (answered in 1-8 weeks), and the
#: median days they take.
_COMPLEX_SHARE, _COMPLEX_DAYS = 0.13, 12


def requests(sessions: pd.DataFrame, orgs: pd.DataFrame) -> pd.DataFrame:
    """Hotline requests: one per reached goal on /legal-help, plus calls, e-mails, messages."""
    r = rng("requests")
    web = sessions[sessions["goal_reached"] & (sessions["landing_page"] == "/legal-help")]
    site_time = (web["started_at"] + pd.to_timedelta(web["duration_sec"], unit="s")).dt.floor("min")
    days = pd.date_range(POSTS_START, POSTS_END, freq="D")
    weekday = days.dayofweek.to_numpy()
    rights = (days >= "2025-02-03") & (days <= "2025-03-09")
    expected = 7.0 * np.where(weekday < 5, 1.0, 0.2) * np.where(rights, 1.4, 1.0)
    counts = r.poisson(expected)
    day_idx = np.repeat(np.arange(len(days)), counts)
    names = list(_CHANNELS)
    share = np.array([_CHANNELS[c][0] for c in names])
    channel = r.choice(names, size=len(day_idx), p=share / share.sum())
    minutes = r.integers(9 * 60, 18 * 60, size=len(day_idx))
    other_time = days[day_idx].to_numpy() + minutes.astype("timedelta64[m]")

    received = np.concatenate([site_time.to_numpy(), other_time])
    channel = np.concatenate([np.full(len(web), "сайт", dtype=object), channel])
    n = len(received)
    age_group = np.empty(n, dtype=object)
    days_to_answer = np.empty(n, dtype="int64")
    params = dict(_CHANNELS, **{"сайт": (0, [0.4, 0.4, 0.2], (0.1, 2.2))})
    for ch, (_, age_w, (p0, extra)) in params.items():
        idx = np.flatnonzero(channel == ch)
        age_group[idx] = r.choice(AGE_GROUPS, size=len(idx), p=age_w)
        later = r.random(len(idx)) >= p0
        ordinary = r.geometric(1 / extra, len(idx))
        complex_days = np.clip(np.round(r.lognormal(np.log(_COMPLEX_DAYS), 0.55, len(idx))),
                               5, 60)
        days = np.where(r.random(len(idx)) < _COMPLEX_SHARE, complex_days, ordinary)
        days_to_answer[idx] = np.where(later, days, 0)
    topic = r.choice(REQUEST_TOPICS, size=n, p=_TOPIC_P)
    weights = np.sqrt(orgs["members"].to_numpy(dtype=float))
    org_id = orgs["org_id"].to_numpy()[r.choice(len(orgs), size=n, p=weights / weights.sum())]
    resolve_p = np.where(topic == "увольнение", 0.68, np.where(topic == "другое", 0.9, 0.83))
    frame = pd.DataFrame({
        "received_at": received, "channel": channel, "topic": topic, "age_group": age_group,
        "org_id": org_id, "resolved": r.random(n) < resolve_p, "days_to_answer": days_to_answer,
    })
    frame = frame.sort_values(["received_at", "channel"], kind="stable").reset_index(drop=True)
    frame.insert(0, "request_id", np.arange(1, len(frame) + 1))
    return frame
