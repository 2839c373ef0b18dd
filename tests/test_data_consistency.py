"""The datasets agree with each other and with the facts the data dictionary states."""
import re

import pandas as pd
import pytest

from infowork import data
from infowork.data_schema import REGIONS


@pytest.fixture(scope="module")
def orgs():
    return data.load("organizations")


def test_organizations(orgs):
    assert len(orgs) == 56 and orgs["org_id"].tolist() == [f"ORG{i:02d}" for i in range(1, 57)]
    assert set(orgs["org_type"]) == {"отраслевая", "территориальная"}
    territorial = orgs["org_type"] == "территориальная"
    assert (orgs.loc[territorial, "sector"] == "межотраслевая").all()
    assert (orgs.loc[~territorial, "sector"] != "межотраслевая").all()
    assert (orgs["federal_district"].astype(str) == orgs["region"].map(REGIONS)).all()
    assert ((orgs["vk_subscribers"] == 0) == ~orgs["has_vk"]).all()
    assert (orgs[["members", "info_staff"]] >= 0).all().all()


def test_membership_adds_up_and_matches_organizations(orgs):
    m = data.load("membership").sort_values(["org_id", "age_group", "year"])
    assert m["year"].nunique() >= 5 and len(m) == 56 * 3 * m["year"].nunique()
    previous = m.groupby(["org_id", "age_group"], observed=True)["members"].shift()
    has_previous = previous.notna()
    assert (m.loc[has_previous, "members"] == previous[has_previous] + m.loc[has_previous, "joined"]
            - m.loc[has_previous, "left"]).all()
    last = m[m["year"] == m["year"].max()].groupby("org_id")["members"].sum()
    assert (orgs.set_index("org_id")["members"] == last).all()


def test_posts_are_plausible_and_match_the_vk_communities(orgs):
    p = data.load("posts")
    assert len(p) >= 20000 and p["post_id"].is_unique
    assert p["published_at"].min() < pd.Timestamp("2024-01-08")
    assert p["published_at"].max() > pd.Timestamp("2025-12-24")
    assert (p["likes"] + p["reposts"] + p["comments"] <= p["views"]).all()
    assert (p["views"] > 0).all() and (p["text_length"] > 0).all()
    assert (p["hashtags"] == "").any() and p["hashtags"].str.startswith("#").any()
    on = {"ВКонтакте": "has_vk", "Одноклассники": "has_ok", "Telegram": "has_telegram"}
    flags = orgs.set_index("org_id")
    for platform, flag in on.items():
        used = p.loc[p["platform"] == platform, "org_id"].unique()
        assert flags.loc[used, flag].all(), platform
    vk = p[p["platform"] == "ВКонтакте"]
    latest = vk.sort_values("published_at").groupby("org_id")["subscribers"].last()
    ratio = latest / flags.loc[latest.index, "vk_subscribers"]
    assert ratio.between(0.95, 1.05).all()


def test_news_items_timeliness_is_received_minus_event():
    n = data.load("news_items")
    assert len(n) >= 1500 and n["item_id"].is_unique
    days = (n["received_at"].dt.normalize() - n["event_date"]).dt.days
    assert (days == n["timeliness_days"]).all()
    assert (n["timeliness_days"] >= 0).all()


def test_calendar_covers_2025_and_2026_with_the_key_dates():
    c = data.load("calendar")
    for year in (2025, 2026):
        months = c[c["date"].dt.year == year]["date"].dt.month.value_counts()
        assert len(months) == 12 and months.min() >= 2, year
        for title, month, day in (("Всемирный день охраны труда", 4, 28),
                                  ("Международный день солидарности трудящихся", 5, 1),
                                  ("Всемирный день действий «За достойный труд»", 10, 7),
                                  ("День учителя", 10, 5)):
            row = c[(c["title"] == title) & (c["date"].dt.year == year)]
            assert row["date"].tolist() == [pd.Timestamp(year, month, day)], title
    medic = c[c["title"] == "День медицинского работника"]["date"]
    assert (medic.dt.day_of_week == 6).all() and medic.dt.day.between(15, 21).all()
    assert c["title"].str.contains("Семинар информационных работников СФО").any()
    assert c["title"].str.contains("Профсоюзный репортёр").any()
    assert c["title"].str.contains("Профсоюзный фотофакт").any()


def test_campaigns_and_the_utm_tags_on_the_site():
    camp = data.load("campaigns")
    assert 10 <= len(camp) <= 15 and camp["utm_campaign"].is_unique
    assert camp["utm_campaign"].map(lambda s: bool(re.fullmatch(r"[a-z0-9_]+", s))).all()
    assert (camp["start_date"] <= camp["end_date"]).all()
    s = data.load("web_sessions")
    assert len(s) >= 50000
    tagged = s[s["utm_campaign"] != ""]
    assert set(tagged["utm_campaign"]) <= set(camp["utm_campaign"])
    window = tagged.merge(camp, on="utm_campaign")
    assert window["started_at"].between(window["start_date"],
                                        window["end_date"] + pd.Timedelta(days=1)).all()


def test_every_legal_help_goal_on_the_site_is_a_hotline_request():
    s = data.load("web_sessions")
    r = data.load("requests")
    assert len(r) >= 5000 and r["request_id"].is_unique
    goals = s[s["goal_reached"] & (s["landing_page"] == "/legal-help")]
    assert (r["channel"] == "сайт").sum() == len(goals)


def test_survey_monitoring_podcast_contest_shapes(orgs):
    survey = data.load("survey")
    assert len(survey) >= 2000 and survey["trust"].between(1, 5).all()
    assert survey["satisfaction"].between(1, 10).all()
    assert all(main in chans.split(";") for main, chans in
               zip(survey["main_channel"].astype(str), survey["channels"]))
    monitoring = data.load("monitoring")
    assert monitoring["year"].nunique() >= 3
    assert len(monitoring) == len(orgs) * monitoring["year"].nunique()
    assert (monitoring["trained_staff"] <= monitoring["info_staff"]).all()
    podcast = data.load("podcast")
    first = podcast[podcast["minute"] == 1]
    assert (first["listeners"] == first["listens"]).all()
    assert (podcast.groupby("episode")["listeners"].diff().dropna() <= 0).all()
    assert (podcast.groupby("episode")["minute"].max()
            == podcast.groupby("episode")["duration_min"].first()).all()
    scores = data.load("contest_scores")
    grid = scores.groupby(["contest", "year", "entry_id"], observed=True).size()
    assert (grid == scores["juror"].nunique() * scores["criterion"].nunique()).all()
    assert scores["score"].between(1, 10).all()


def test_monitoring_agrees_with_posts_and_news():
    monitoring = data.load("monitoring").set_index(["org_id", "year"])
    posts = data.load("posts")
    counts = posts.groupby(["org_id", posts["published_at"].dt.year]).size()
    counts.index.names = ["org_id", "year"]
    expected = (counts / 12).round().astype("int64")
    assert (monitoring.loc[expected.index, "social_posts_per_month"] == expected).all()
