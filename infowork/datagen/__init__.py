"""The generator of the kit's synthetic union datasets (NumPy only, one fixed seed).

    python -m infowork.datagen datasets

writes every dataset of ``infowork.data_schema.SCHEMA`` into the folder, byte for byte the
same on every run (tests/test_data_generator.py checks the committed files against it).
"""
from __future__ import annotations

from pathlib import Path

from infowork.datagen import news, orgs, social
from infowork.datagen.common import SEED, write_csv

__all__ = ["generate", "build", "SEED"]


def build() -> dict:
    """All datasets as DataFrames, keyed by name."""
    organizations = orgs.organizations()
    membership = orgs.membership(organizations)
    last = membership[membership["year"] == orgs.YEARS[-1]]
    totals = last.groupby("org_id")["members"].sum()
    organizations["members"] = organizations["org_id"].map(totals).astype("int64")
    comms = orgs.communities(organizations)
    vk = comms[comms["platform"] == "ВКонтакте"].set_index("org_id")["subs_end"]
    organizations["vk_subscribers"] = organizations["org_id"].map(vk).fillna(0).astype("int64")
    organizations = organizations[[
        "org_id", "name", "org_type", "sector", "region", "federal_district", "members",
        "info_staff", "has_website", "has_vk", "has_ok", "has_telegram", "vk_subscribers"]]
    return {
        "organizations": organizations,
        "membership": membership,
        "posts": social.posts(organizations, comms),
        "calendar": social.calendar(),
        "campaigns": social.campaigns(),
        "news_items": news.news_items(organizations),
    }


def generate(outdir) -> list[Path]:
    """Write every dataset into ``outdir`` and return the paths written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    return [write_csv(frame, name, outdir) for name, frame in build().items()]
