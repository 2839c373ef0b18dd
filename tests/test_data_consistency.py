"""The datasets agree with each other and with the facts the data dictionary states."""
import re

import pandas as pd
import pytest

from infowork import data
from infowork.data_schema import PLATFORMS, REGION_POPULATION, REGIONS, SECTORS
from infowork.datagen.orgs import org_type


@pytest.fixture(scope="module")
def orgs():
    return data.load("organizations")


def test_organizations(orgs):
    assert len(orgs) == 56 and orgs["org_id"].tolist() == [f"ORG{i:02d}" for i in range(1, 57)]
    assert set(orgs["sector"]) == set(SECTORS)
    assert (orgs["org_type"].astype(str) == orgs["region"].map(org_type)).all()
    assert (orgs["federal_district"].astype(str) == orgs["region"].map(REGIONS)).all()
    assert not orgs.duplicated(["sector", "region"]).any()
    assert ((orgs["vk_subscribers"] == 0) == ~orgs["has_vk"]).all()
    assert (orgs[["members", "info_staff"]] >= 0).all().all()


def test_organization_sizes_follow_the_region_population(orgs):
    per_1000 = orgs["members"] / orgs["region"].map(REGION_POPULATION)
    assert per_1000.between(0.5, 40).all()  # no village-sized or impossibly dense organisation
    by_region = orgs.groupby("region")["members"].sum()
    assert by_region.idxmax() == "Москва"
    small = [r for r, pop in REGION_POPULATION.items() if pop < 2000 and r in by_region]
    assert (by_region[small] < by_region["Москва"] / 5).all()
    by_sector = orgs.groupby("sector", observed=True)["members"].median()
    assert by_sector.nlargest(2).index.tolist() == ["образование", "здравоохранение"]
    assert (orgs.loc[orgs["sector"] == "АПК", "org_type"] != "городская").all()


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
    assert len(p) >= 50000 and p["post_id"].is_unique
    assert p["published_at"].min() < pd.Timestamp("2024-01-08")
    assert p["published_at"].max() > pd.Timestamp("2025-12-24")
    assert (p["likes"] + p["reposts"] + p["comments"] <= p["views"]).all()
    assert (p["views"] > 0).all() and (p["text_length"] > 0).all()
    assert ((p["reach"] > 0) & (p["reach"] <= p["views"])).all()
    assert (p["hashtags"] == "").any() and p["hashtags"].str.startswith("#").any()
    own = p[p["account_type"] == "сообщество организации"]
    on = {"ВКонтакте": "has_vk", "Одноклассники": "has_ok", "Telegram": "has_telegram"}
    flags = orgs.set_index("org_id")
    for platform, flag in on.items():
        used = own.loc[own["platform"] == platform, "org_id"].unique()
        assert flags.loc[used, flag].all(), platform
    vk = own[own["platform"] == "ВКонтакте"]
    latest = vk.sort_values("published_at").groupby("org_id")["subscribers"].last()
    ratio = latest / flags.loc[latest.index, "vk_subscribers"]
    assert ratio.between(0.95, 1.05).all()


def test_accounts_belong_to_one_organisation_platform_and_kind():
    p = data.load("posts")
    accounts = p.groupby("account_id")[["org_id", "platform", "account_type"]].nunique()
    assert (accounts == 1).all().all()
    code = {"ВКонтакте": "vk", "Одноклассники": "ok", "Telegram": "tg"}
    assert set(code) == set(PLATFORMS)
    expected = p["org_id"] + "-" + p["platform"].astype(str).map(code) + "-"
    assert (p["account_id"].str.slice(0, 9) == expected).all()
    kind = p["account_id"].str.split("-").str[2].str.rstrip("0123456789")
    names = {"org": "сообщество организации", "youth": "молодёжный совет",
             "leader": "личный аккаунт профлидера", "amb": "посол профсоюза"}
    assert (kind.map(names) == p["account_type"].astype(str)).all()
    assert set(p["account_type"]) == set(names.values())


def test_campaign_posts_fall_in_their_campaign_and_carry_its_hashtag():
    p = data.load("posts")
    campaigns = data.load("campaigns").set_index("utm_campaign")
    tagged = p[p["utm_campaign"] != ""]
    assert len(tagged) > 1000 and set(tagged["utm_campaign"]) <= set(campaigns.index)
    window = campaigns.loc[tagged["utm_campaign"]]
    day = tagged["published_at"].dt.normalize().to_numpy()
    assert ((window["start_date"].to_numpy() <= day) & (day <= window["end_date"].to_numpy())).all()
    assert (tagged["rubric"] == "Акции и кампании").all()
    for utm, group in tagged.groupby("utm_campaign"):
        channels = campaigns.loc[utm, "channels"].split(";")
        assert set(group["platform"].astype(str)) <= set(channels), utm


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
    for year in (2024, 2025, 2026):
        for title, month, day, kind in (
                ("Всемирный день охраны труда", 4, 28, "профсоюзная дата"),
                ("Международный день солидарности трудящихся", 5, 1, "профсоюзная дата"),
                ("Всемирный день действий «За достойный труд»", 10, 7, "профсоюзная дата"),
                ("День учителя", 10, 5, "профессиональный праздник"),
                ("День энергетика", 12, 22, "профессиональный праздник"),
                ("Праздник Весны и Труда", 5, 1, "государственный праздник"),
                ("День Конституции Российской Федерации", 12, 12, "государственный праздник")):
            row = c[(c["title"] == title) & (c["date"].dt.year == year)]
            assert row["date"].tolist() == [pd.Timestamp(year, month, day)], title
            assert row["kind"].tolist() == [kind], title
    assert c["title"].str.contains("Семинар информационных работников СФО").any()
    assert c["title"].str.contains("Профсоюзный репортёр").any()
    assert c["title"].str.contains("Профсоюзный фотофакт").any()


# title: (month, weekday Mon=0, n-th; -1 = the last one in the month)
FLOATING_DAYS = {
    "День медицинского работника": (6, 6, 3),
    "День работников морского и речного флота": (7, 6, 1),
    "День металлурга": (7, 6, 3),
    "День работников торговли": (7, 5, 4),
    "День железнодорожника": (8, 6, 1),
    "День строителя": (8, 6, 2),
    "День шахтёра": (8, 6, -1),
    "День работников нефтяной, газовой и топливной промышленности": (9, 6, 1),
    "День машиностроителя": (9, 6, -1),
    "День работника сельского хозяйства и перерабатывающей промышленности": (10, 6, 2),
    "День работников дорожного хозяйства": (10, 6, 3),
    "День работников автомобильного транспорта": (10, 6, -1),
}


def test_calendar_professional_days_fall_on_their_real_dates():
    c = data.load("calendar")
    for title, (month, weekday, n) in FLOATING_DAYS.items():
        dates = c.loc[c["title"] == title, "date"]
        assert sorted(dates.dt.year) == [2024, 2025, 2026], title
        assert (dates.dt.month == month).all() and (dates.dt.day_of_week == weekday).all(), title
        if n > 0:
            assert dates.dt.day.between(7 * n - 6, 7 * n).all(), title
        else:
            assert (dates.dt.day + 7 > dates.dt.days_in_month).all(), title
        assert (c.loc[c["title"] == title, "kind"] == "профессиональный праздник").all(), title
    # Placeholders ("неофициально", "по отраслевым датам") are gone; every row is a real event.
    assert not c["title"].str.contains("неофициальн|отраслевым датам|уточнить|TODO",
                                       case=False).any()
    assert not c.duplicated(["date", "title"]).any()


def test_calendar_labels_state_holidays_and_has_the_may_day_campaign():
    c = data.load("calendar")
    state = c[c["kind"] == "государственный праздник"]
    for title in ("Новый год", "Рождество Христово", "День защитника Отечества",
                  "Международный женский день", "Праздник Весны и Труда", "День Победы",
                  "День России", "День народного единства",
                  "День Конституции Российской Федерации"):
        assert (state["title"] == title).sum() == 3, title
    union = c[c["kind"] == "профсоюзная дата"]["title"]
    assert not union.str.contains("Конституц|Победы|России|Новый год").any()
    may_day = c[(c["kind"] == "кампания") & c["title"].str.contains("Первома")]
    for year in (2024, 2025, 2026):
        mine = may_day[may_day["date"].dt.year == year]["date"]
        assert pd.Timestamp(year, 5, 1) in set(mine), year
        assert (mine.dt.month == 4).any(), f"{year}: the May Day campaign starts in April"


def test_campaigns_and_the_utm_tags_on_the_site():
    camp = data.load("campaigns")
    assert 10 <= len(camp) <= 20 and camp["utm_campaign"].is_unique
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
    assert (grid == 4 * scores["criterion"].nunique()).all()  # a panel of 4 jurors per entry
    assert scores["score"].between(1, 10).all()


def test_monitoring_agrees_with_posts_and_news():
    monitoring = data.load("monitoring").set_index(["org_id", "year"])
    posts = data.load("posts")
    posts = posts[posts["account_type"] == "сообщество организации"]
    counts = posts.groupby(["org_id", posts["published_at"].dt.year]).size()
    counts.index.names = ["org_id", "year"]
    expected = (counts / 12).round().astype("int64")
    assert (monitoring.loc[expected.index, "social_posts_per_month"] == expected).all()


def test_webinars_funnel_is_consistent_and_holds_the_calendar_s_webinars():
    w = data.load("webinars")
    assert 120 <= len(w) <= 400 and w["webinar_id"].is_unique
    assert w["date"].dt.year.isin([2024, 2025]).all()
    assert (w["registrations"] >= w["attended"]).all()
    assert (w["attended"] >= w["completed"]).all() and (w["completed"] >= 0).all()
    assert (w["ratings"] >= 1).all() and (w["ratings"] <= w["attended"]).all()
    assert w["feedback_score"].between(1, 5).all()
    live = w["format"] == "вебинар"
    assert w.loc[live, "duration_min"].between(45, 180).all()
    assert w.loc[~live, "duration_min"].between(5, 60).all()
    for column in ("topic", "format", "audience"):
        assert w[column].nunique() == len(w[column].cat.categories), column
    c = data.load("calendar")
    calendar_webinars = c[(c["kind"] == "семинар") & c["date"].dt.year.isin([2024, 2025])
                          & c["title"].str.startswith("Вебинар «")]
    assert len(calendar_webinars) >= 8
    for event in calendar_webinars.itertuples():
        title = event.title.removeprefix("Вебинар «").removesuffix("»")
        same = w[(w["title"] == title) & (w["date"] == event.date)]
        assert len(same) == 1 and same["format"].iloc[0] == "вебинар", event.title


def test_media_mentions_are_consistent_with_organisations_and_monitoring(orgs):
    m = data.load("media_mentions")
    assert len(m) >= 1000 and m["mention_id"].is_unique
    assert m["mention_id"].tolist() == list(range(1, len(m) + 1))
    assert m["published_at"].dt.year.isin([2024, 2025]).all()
    assert m["published_at"].is_monotonic_increasing
    assert set(m["org_id"]) <= set(orgs["org_id"])
    assert (m["reach"] > 0).all()
    outlets = m.groupby("outlet")[["outlet_level", "media_type"]].nunique()
    assert (outlets == 1).all().all(), "an outlet has one level and one media type"
    # A regional or local outlet writes about organisations of its own region only.
    regions = m.merge(orgs[["org_id", "region"]], on="org_id")
    not_federal = regions[regions["outlet_level"] != "федеральное"]
    assert (not_federal.groupby("outlet")["region"].nunique() == 1).all()
    reach = m.groupby("outlet_level", observed=True)["reach"].median()
    assert reach["федеральное"] > reach["региональное"] > reach["местное"]
    assert m["initiated_by_press_service"].any() and (~m["initiated_by_press_service"]).any()
    # monitoring.media_mentions counts these publications for 2024 and 2025.
    monitoring = data.load("monitoring").set_index(["org_id", "year"])["media_mentions"]
    counts = m.groupby(["org_id", m["published_at"].dt.year]).size()
    counts.index.names = ["org_id", "year"]
    for year in (2024, 2025):
        expected = counts.xs(year, level="year").reindex(orgs["org_id"], fill_value=0)
        got = monitoring.xs(year, level="year").reindex(orgs["org_id"])
        assert (got == expected).all(), year


def test_every_campaign_of_2024_2025_brings_tagged_visits():
    camp = data.load("campaigns")
    sessions = data.load("web_sessions")
    done = camp[camp["start_date"] <= sessions["started_at"].max()]
    tagged = sessions[sessions["utm_campaign"] != ""].groupby("utm_campaign")
    visits, goals = tagged.size(), tagged["goal_reached"].sum()
    for name in done["utm_campaign"]:
        assert visits.get(name, 0) >= 100, name
    assert (goals.reindex(done["utm_campaign"], fill_value=0) > 0).all()
