"""The generator of the kit's synthetic union datasets (NumPy only, one fixed seed).

    python -m infowork.datagen datasets

writes every dataset of ``infowork.data_schema.SCHEMA`` into the folder, byte for byte the
same on every run (tests/test_data_generator.py checks the committed files against it).
"""
from __future__ import annotations

from pathlib import Path

from infowork.datagen import audience, extras, learning, media, news, orgs, raw, social, web
from infowork.datagen.readme import render
from infowork.datagen.common import SEED, write_csv

__all__ = ["generate", "build", "modules_by_dataset", "SEED"]


def build() -> dict:
    """All datasets as DataFrames, keyed by name."""
    organizations = orgs.organizations()
    membership = orgs.membership(organizations)
    last = membership[membership["year"] == orgs.YEARS[-1]]
    totals = last.groupby("org_id")["members"].sum()
    organizations["members"] = organizations["org_id"].map(totals).astype("int64")
    accounts = orgs.accounts(organizations)
    own = accounts[accounts["account_type"] == "сообщество организации"]
    vk = own[own["platform"] == "ВКонтакте"].set_index("org_id")["subs_end"]
    organizations["vk_subscribers"] = organizations["org_id"].map(vk).fillna(0).astype("int64")
    organizations = organizations[[
        "org_id", "name", "org_type", "sector", "region", "federal_district", "members",
        "info_staff", "has_website", "has_vk", "has_ok", "has_telegram", "vk_subscribers"]]
    posts = social.posts(organizations, accounts)
    # The monitoring form asks for the organisation's own communities, not its activists' pages.
    own_posts = posts[posts["account_type"] == "сообщество организации"]
    news_items = news.news_items(organizations)
    sessions = web.web_sessions()
    calendar = social.calendar()
    mentions = media.media_mentions(organizations)
    return {
        "organizations": organizations,
        "membership": membership,
        "posts": posts,
        "calendar": calendar,
        "campaigns": social.campaigns(),
        "news_items": news_items,
        "survey": audience.survey(organizations, membership),
        "web_sessions": sessions,
        "monitoring": extras.monitoring(organizations, own_posts, news_items, mentions),
        "requests": web.requests(sessions, organizations),
        "podcast": extras.podcast(),
        "contest_scores": extras.contest_scores(organizations),
        "webinars": learning.webinars(calendar),
        "media_mentions": mentions,
    }


def modules_by_dataset() -> dict[str, list[str]]:
    """Which modules of course.yml use each dataset."""
    from infowork.course import load_manifest

    used: dict[str, list[str]] = {}
    for module in load_manifest().modules:
        for name in module.datasets:
            used.setdefault(name, []).append(module.id)
    return used


def generate(outdir) -> list[Path]:
    """Write every dataset, raw/ and the data dictionary into ``outdir``; return the paths."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    frames = build()
    paths = [write_csv(frame, name, outdir) for name, frame in frames.items()]
    paths += raw.write_raw(outdir, frames)
    readme = outdir / "README.md"
    readme.write_bytes(render(frames, modules_by_dataset()).encode("utf-8"))
    return paths + [readme]
