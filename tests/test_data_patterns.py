"""The patterns the modules teach are in the data (issue 3, item 4).

Each test guards one pattern so that a change of the generator cannot silently erase it.
The data dictionary does not describe them (tests/test_data_generator.py checks that).
"""
import numpy as np
import pandas as pd
import pytest

from infowork import data
from infowork.data_schema import PRIORITY_TOPICS


@pytest.fixture(scope="module")
def posts():
    frame = data.load("posts")
    frame["er"] = (frame["likes"] + frame["reposts"] + frame["comments"]) / frame["views"]
    frame["reach"] = frame["views"] / frame["subscribers"]
    return frame


def test_telegram_audience_is_younger_than_odnoklassniki():
    survey = data.load("survey")
    uses = {ch: survey["channels"].str.split(";").map(lambda c, ch=ch: ch in c)
            for ch in ("Telegram", "Одноклассники")}
    assert survey.loc[uses["Telegram"], "age"].median() + 6 <= \
        survey.loc[uses["Одноклассники"], "age"].median()
    share = uses["Telegram"].groupby(survey["age_group"], observed=True).mean()
    assert share["до 35"] - share["55 и старше"] >= 0.25
    ok = uses["Одноклассники"].groupby(survey["age_group"], observed=True).mean()
    assert ok["55 и старше"] - ok["до 35"] >= 0.2


def test_video_and_photo_engage_more_than_plain_text(posts):
    er = posts.groupby("format", observed=True)["er"].median()
    assert er["видео"] >= 1.5 * er["текст"]
    assert er["фото"] >= 1.5 * er["текст"]
    assert er["лонгрид"] < er["фото"]


def test_weekday_evenings_and_early_mornings_beat_midday(posts):
    weekday = posts[posts["published_at"].dt.day_of_week < 5]
    hour = weekday["published_at"].dt.hour
    reach = {
        "morning": weekday.loc[hour.between(7, 8), "reach"].median(),
        "midday": weekday.loc[hour.between(11, 15), "reach"].median(),
        "evening": weekday.loc[hour.between(18, 21), "reach"].median(),
    }
    assert reach["evening"] >= 1.3 * reach["midday"]
    assert reach["morning"] >= 1.3 * reach["midday"]
    # ...while most posts still go out at midday: the trap of the averages.
    assert hour.between(9, 15).mean() > 0.6


def test_engagement_rate_falls_as_a_community_grows(posts):
    for platform, group in posts.groupby("platform", observed=True):
        rho = group["er"].rank().corr(group["subscribers"].rank())  # Spearman without scipy
        assert rho < -0.2, platform
    quintile = pd.qcut(posts["subscribers"], 5, labels=False)
    er = posts.groupby(quintile)["er"].median()
    assert er.is_monotonic_decreasing and er.iloc[0] >= 1.5 * er.iloc[-1]


def test_size_explains_a_community_s_engagement_only_in_part(posts):
    # Some small groups are dull and some big ones lively: not a clean curve (module 01, lesson 2).
    totals = posts.assign(interactions=posts["likes"] + posts["reposts"] + posts["comments"])
    communities = totals.groupby(["org_id", "platform"], observed=True).agg(
        interactions=("interactions", "sum"), views=("views", "sum"),
        subscribers=("subscribers", "median"))
    communities["er"] = communities["interactions"] / communities["views"]
    for platform, group in communities.groupby(level="platform", observed=True):
        rho = group["er"].rank().corr(group["subscribers"].rank())
        assert -0.85 <= rho <= -0.4, (platform, rho)


def test_the_rights_campaign_spikes_posts_site_visits_and_hotline_requests():
    campaigns = data.load("campaigns").set_index("utm_campaign")
    start, end = campaigns.loc["rights2025", ["start_date", "end_date"]]
    before = (start - pd.Timedelta(days=28), start - pd.Timedelta(days=1))

    def per_day(frame, column, window):
        inside = frame[column].between(window[0], window[1] + pd.Timedelta(days=1),
                                       inclusive="left")
        return inside.sum() / ((window[1] - window[0]).days + 1)

    posts = data.load("posts")
    tagged = posts["hashtags"].str.contains("#ЗнайСвоиПрава", regex=False)
    assert per_day(posts, "published_at", (start, end)) >= 1.3 * per_day(posts, "published_at",
                                                                          before)
    assert tagged.sum() > 0
    assert posts.loc[tagged, "published_at"].between(start, end + pd.Timedelta(days=1)).all()

    sessions = data.load("web_sessions")
    assert per_day(sessions, "started_at", (start, end)) >= 1.8 * per_day(sessions, "started_at",
                                                                         before)
    legal = sessions[sessions["goal_reached"] & (sessions["landing_page"] == "/legal-help")]
    assert per_day(legal, "started_at", (start, end)) >= 2 * per_day(legal, "started_at", before)

    requests = data.load("requests")
    assert per_day(requests, "received_at", (start, end)) >= 1.5 * per_day(requests,
                                                                          "received_at", before)


def test_one_landing_page_converts_badly_on_phones_only():
    sessions = data.load("web_sessions")
    rate = (sessions[sessions["device"] != "планшет"]
            .groupby(["landing_page", "device"], observed=True)["goal_reached"].mean().unstack())
    ratio = rate["смартфон"] / rate["компьютер"]
    main_pages = ["/join", "/legal-help", "/contest"]
    assert ratio["/join"] < 0.35
    assert (ratio[[p for p in main_pages if p != "/join"]] > 0.7).all()
    assert ratio.idxmin() == "/join"


def test_youth_membership_grows_while_the_oldest_group_shrinks():
    membership = data.load("membership")
    by_group = membership.pivot_table(index="year", columns="age_group", values="members",
                                      aggfunc="sum", observed=True)
    assert by_group["до 35"].is_monotonic_increasing
    assert by_group["55 и старше"].is_monotonic_decreasing
    share = by_group["до 35"] / by_group.sum(axis=1)
    assert share.iloc[-1] - share.iloc[0] >= 0.03
    # Most organisations, not one giant, carry the growth.
    youth = membership[membership["age_group"] == "до 35"].pivot(index="org_id", columns="year",
                                                                 values="members")
    assert (youth[youth.columns[-1]] > youth[youth.columns[0]]).mean() >= 0.8


def test_news_publication_follows_the_stated_rule_with_noise_and_a_soft_spot_for_big_orgs():
    news = data.load("news_items")
    days = news["timeliness_days"]
    score = (2 * news["has_photo"] + news["has_quote"]
             + np.select([days <= 1, days <= 3], [2, 1], 0)
             + news["length_chars"].between(800, 2500)
             + 2 * news["topic"].isin(PRIORITY_TOPICS))
    recommended = score >= 5
    agreement = (recommended == news["published"]).mean()
    assert 0.8 <= agreement <= 0.9, agreement
    assert news.loc[recommended, "published"].mean() - \
        news.loc[~recommended, "published"].mean() > 0.6
    members = news["org_id"].map(data.load("organizations").set_index("org_id")["members"])
    large = members >= members.quantile(0.75)
    rejected = news[~recommended]
    assert rejected.loc[large[~recommended], "published"].mean() >= \
        rejected.loc[~large[~recommended], "published"].mean() + 0.08


def test_exactly_one_juror_favours_one_district():
    scores = data.load("contest_scores")
    keys = ["contest", "year", "entry_id", "criterion"]
    consensus = scores.groupby(keys)["score"].transform("sum")
    count = scores.groupby(keys)["score"].transform("size")
    scores["deviation"] = scores["score"] - (consensus - scores["score"]) / (count - 1)
    table = scores.pivot_table(index="juror", columns="federal_district", values="deviation",
                               aggfunc="mean", observed=True)
    favouritism = table.sub(table.mean(axis=1), axis=0).max(axis=1)
    assert (favouritism > 1.2).sum() == 1, favouritism.round(2).to_dict()
    assert favouritism.drop(favouritism.idxmax()).max() < 0.8
