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
    frame["view_rate"] = frame["views"] / frame["subscribers"]
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
        "morning": weekday.loc[hour.between(7, 8), "view_rate"].median(),
        "midday": weekday.loc[hour.between(11, 15), "view_rate"].median(),
        "evening": weekday.loc[hour.between(18, 21), "view_rate"].median(),
    }
    assert reach["evening"] >= 1.3 * reach["midday"]
    assert reach["morning"] >= 1.3 * reach["midday"]
    # ...while most posts still go out at midday: the trap of the averages.
    assert hour.between(9, 15).mean() > 0.6


def test_engagement_rate_falls_as_a_community_grows(posts):
    own = posts[posts["account_type"] == "сообщество организации"]
    for platform, group in own.groupby("platform", observed=True):
        rho = group["er"].rank().corr(group["subscribers"].rank())  # Spearman without scipy
        assert rho < -0.2, platform
    vk = own[own["platform"] == "ВКонтакте"]
    quintile = pd.qcut(vk["subscribers"], 5, labels=False)
    er = vk.groupby(quintile)["er"].median()
    assert er.is_monotonic_decreasing and er.iloc[0] >= 1.5 * er.iloc[-1]


def test_size_explains_a_community_s_engagement_only_in_part(posts):
    # Some small groups are dull and some big ones lively: not a clean curve (module 01, lesson 2).
    own = posts[posts["account_type"] == "сообщество организации"]
    totals = own.assign(interactions=own["likes"] + own["reposts"] + own["comments"])
    communities = totals.groupby(["org_id", "platform"], observed=True).agg(
        interactions=("interactions", "sum"), views=("views", "sum"),
        subscribers=("subscribers", "median"))
    communities["er"] = communities["interactions"] / communities["views"]
    for platform, group in communities.groupby(level="platform", observed=True):
        rho = group["er"].rank().corr(group["subscribers"].rank())
        assert -0.85 <= rho <= -0.4, (platform, rho)


def test_personal_pages_engage_more_while_the_organisation_reaches_more(posts):
    # Module 02, lesson 6: leaders' and ambassadors' own pages get far more reactions per person
    # reached; the organisation's communities reach far more people in all and post oftener.
    vk = posts[posts["platform"] == "ВКонтакте"].assign(
        interactions=posts["likes"] + posts["reposts"] + posts["comments"])
    kinds = vk.groupby("account_type", observed=True).agg(
        interactions=("interactions", "sum"), reach=("reach", "sum"),
        reach_per_post=("reach", "median"))
    err = kinds["interactions"] / kinds["reach"]
    own = "сообщество организации"
    for kind in ("личный аккаунт профлидера", "посол профсоюза", "молодёжный совет"):
        assert err[kind] >= 2 * err[own], kind
    assert kinds.loc[own, "reach"] >= 5 * kinds["reach"].drop(own).sum()
    # ...yet one post on the chair's own page reaches about as many people as the community's.
    leader = kinds.loc["личный аккаунт профлидера", "reach_per_post"]
    assert 0.8 * kinds.loc[own, "reach_per_post"] <= leader
    assert kinds.loc[["посол профсоюза", "молодёжный совет"], "reach_per_post"].max() \
        <= 0.6 * kinds.loc[own, "reach_per_post"]
    year = posts[posts["published_at"].dt.year == 2025]
    per_week = year.groupby(["account_id", "account_type"], observed=True).size() / 52
    median = per_week.groupby(level="account_type", observed=True).median()
    assert median[own] >= 1.5 * median.drop(own).max()
    # The communities of the biggest organisations post daily or nearly so.
    members = data.load("organizations").set_index("org_id")["members"]
    rate = year[year["account_type"] == own].groupby("org_id").size() / 52
    big = members[members >= members.quantile(0.75)].index
    assert rate[rate.index.isin(big)].median() >= 10  # posts a week in all its communities
    assert rate.median() >= 7 and (year[year["account_type"] == own].groupby(
        "account_id").size() / 52).median() >= 4


def test_reach_is_unique_people_fewer_than_views_most_on_vk_and_ok(posts):
    unique = posts["reach"].sum() / posts["views"].sum()
    by_platform = (posts.groupby("platform", observed=True)["reach"].sum()
                   / posts.groupby("platform", observed=True)["views"].sum())
    assert 0.7 <= unique < 0.95
    assert by_platform["Telegram"] > by_platform["ВКонтакте"] > by_platform["Одноклассники"]


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


# --- module 02: the survey is not the membership ------------------------------------------

def test_survey_over_represents_the_young_so_reweighting_moves_the_headline():
    survey = data.load("survey")
    membership = data.load("membership")
    last = membership[membership["year"] == membership["year"].max()]
    population = last.groupby("age_group", observed=True)["members"].sum()
    population = population / population.sum()
    sample = survey["age_group"].value_counts(normalize=True).reindex(population.index)
    assert sample["до 35"] - population["до 35"] >= 0.08
    assert population["55 и старше"] - sample["55 и старше"] >= 0.08
    weight = survey["age_group"].map(population / sample).astype(float)
    for channel in ("Telegram", "Одноклассники"):
        uses = survey["channels"].str.split(";").map(lambda c, ch=channel: ch in c)
        raw, weighted = uses.mean(), (uses * weight).sum() / weight.sum()
        assert abs(raw - weighted) >= 0.04, (channel, raw, weighted)


# --- module 03: answer times are skewed ---------------------------------------------------

def test_hotline_answer_times_are_skewed_so_mean_and_median_differ():
    days = data.load("requests")["days_to_answer"]
    assert days.median() >= 1
    assert days.mean() >= 2 * days.median()
    assert days.quantile(0.99) >= 10 * days.median()
    email = data.load("requests").query("channel == 'e-mail'")["days_to_answer"]
    assert email.median() >= 2 and email.mean() >= 1.5 * email.median()


# --- module 04: podcast and distance learning ---------------------------------------------

def test_shorter_intros_keep_half_the_listeners_longer():
    podcast = data.load("podcast")
    half = (podcast[podcast["listeners"] < podcast["listens"] / 2]
            .groupby("episode")["minute"].min())
    early, late = half[half.index <= 10], half[half.index > 10]
    assert late.median() >= 1.5 * early.median()
    assert late.min() > early.median()


@pytest.fixture(scope="module")
def webinars():
    frame = data.load("webinars")
    frame["completion"] = frame["completed"] / frame["attended"]
    return frame


def test_short_video_lectures_keep_people_and_long_webinars_lose_them(webinars):
    def rate(frame):
        return frame["completed"].sum() / frame["attended"].sum()

    live = webinars[webinars["format"] == "вебинар"]
    short_video = webinars[(webinars["format"] == "видеолекция")
                           & (webinars["duration_min"] <= 30)]
    long_live = live[live["duration_min"] >= 90]
    assert len(short_video) >= 15 and len(long_live) >= 15
    assert rate(short_video) >= 1.8 * rate(long_live)
    by_length = live.groupby("duration_min")[["completed", "attended"]].sum()
    by_length = by_length["completed"] / by_length["attended"]
    assert by_length.is_monotonic_decreasing and by_length.iloc[0] >= 2 * by_length.iloc[-1]
    # Registrants come to a live webinar less often than they start a recording.
    show_up = webinars.groupby("format", observed=True)[["attended", "registrations"]].sum()
    show_up = show_up["attended"] / show_up["registrations"]
    assert show_up["вебинар"] < 0.55 < show_up["видеолекция"]


def test_one_topic_keeps_people_far_better(webinars):
    totals = webinars.groupby("topic", observed=True)[["completed", "attended"]].sum()
    rate = (totals["completed"] / totals["attended"]).sort_values(ascending=False)
    assert rate.index[0] == "охрана труда" and rate.iloc[0] >= 1.1 * rate.iloc[1]
    by_format = webinars.groupby(["format", "topic"], observed=True)[["completed",
                                                                      "attended"]].sum()
    by_format = (by_format["completed"] / by_format["attended"]).unstack()
    assert (by_format.idxmax(axis=1) == "охрана труда").all()
    top = by_format["охрана труда"]
    runner_up = by_format.drop(columns="охрана труда").max(axis=1)
    assert (top >= 1.15 * runner_up).all()


def test_feedback_scores_do_not_show_who_left(webinars):
    # Those who sit out a long webinar rate it well: the score hides the ones who left.
    long_live = webinars[(webinars["format"] == "вебинар") & (webinars["duration_min"] >= 90)]
    short_video = webinars[(webinars["format"] == "видеолекция")
                           & (webinars["duration_min"] <= 30)]
    assert long_live["completion"].median() <= 0.6 * short_video["completion"].median()
    assert long_live["feedback_score"].median() >= short_video["feedback_score"].median()
    rho = webinars["completion"].rank().corr(webinars["feedback_score"].rank())
    assert rho < 0.1


# --- module 05: juries and external media -------------------------------------------------

def test_panels_differ_in_severity_so_adjusting_changes_a_winner():
    scores = data.load("contest_scores")
    keys = ["contest", "year", "entry_id", "criterion"]
    others = ((scores.groupby(keys)["score"].transform("sum") - scores["score"])
              / (scores.groupby(keys)["score"].transform("size") - 1))
    severity = (scores["score"] - others).groupby(scores["juror"], observed=True).mean()
    assert severity.max() - severity.min() >= 2
    scores["adjusted"] = scores["score"] - scores["juror"].map(severity).astype(float)
    changed_winner = changed_top3 = 0
    for _, group in scores.groupby(["contest", "year", "nomination"], observed=True):
        raw = group.groupby("entry_id")["score"].mean().nlargest(3).index.tolist()
        adjusted = group.groupby("entry_id")["adjusted"].mean().nlargest(3).index.tolist()
        changed_winner += raw[0] != adjusted[0]
        changed_top3 += raw != adjusted
    assert changed_winner >= 1 and changed_top3 >= 3


@pytest.fixture(scope="module")
def mentions():
    return data.load("media_mentions")


def test_mentions_the_press_service_initiates_are_mostly_positive(mentions):
    tone = pd.crosstab(mentions["initiated_by_press_service"], mentions["tone"],
                       normalize="index")
    assert tone.loc[True, "позитивная"] >= tone.loc[False, "позитивная"] + 0.25
    assert tone.loc[True, "негативная"] <= 0.06 <= tone.loc[False, "негативная"] - 0.06
    # ...and a press service with more staff gets more of them.
    orgs = data.load("organizations").set_index("org_id")
    initiated = (mentions[mentions["initiated_by_press_service"]].groupby("org_id").size()
                 .reindex(orgs.index, fill_value=0))
    assert initiated.rank().corr(orgs["info_staff"].rank()) >= 0.4


def test_one_organisation_has_a_negative_spike_in_one_month(mentions):
    negative = mentions[mentions["tone"] == "негативная"]
    per_month = negative.groupby(["org_id", negative["published_at"].dt.to_period("M")]).size()
    per_month = per_month.sort_values(ascending=False)
    assert per_month.iloc[0] >= 12 and per_month.iloc[0] >= 3 * per_month.iloc[1]
    org, month = per_month.index[0]
    spike = mentions[(mentions["org_id"] == org)
                     & (mentions["published_at"].dt.to_period("M") == month)]
    assert (spike["topic"] == "трудовой конфликт").mean() >= 0.6
    assert (spike["outlet_level"] == "федеральное").sum() >= 3
