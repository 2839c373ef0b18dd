"""datasets/raw/: every export reconciles with the clean table it was made from."""
import pandas as pd
import pytest

from infowork import data
from infowork.datagen import raw

RAW = data.DATASETS_DIR / "raw"


@pytest.fixture(scope="module")
def posts():
    return data.load("posts")


def account_posts(posts, platform):
    account = raw.stats_account(posts, platform)
    mine = posts[(posts["account_id"] == account) & (posts["published_at"].dt.year == raw.YEAR)]
    assert (mine["account_type"] == "сообщество организации").all()
    return mine, mine.groupby(mine["published_at"].dt.normalize())


def test_every_raw_file_is_generated_and_readable():
    assert sorted(p.name for p in RAW.iterdir()) == sorted(raw.RAW_FILES)
    for name in raw.RAW_FILES:
        assert len(data.read_table(RAW / name)) > 0, name


def test_the_exported_accounts_are_the_biggest_organisation_communities(posts):
    own = posts[(posts["account_type"] == "сообщество организации")
                & (posts["published_at"].dt.year == raw.YEAR)]
    for platform in ("ВКонтакте", "Telegram"):
        mine = own[own["platform"] == platform]
        biggest = mine.groupby("account_id")["subscribers"].max()
        assert raw.stats_account(posts, platform) == biggest.idxmax()


@pytest.mark.parametrize("name, platform, joined, left", [
    ("vk_stats_2025.csv", "ВКонтакте", "Вступившие", "Вышедшие"),
    ("telegram_stats_2025.csv", "Telegram", "Подписались", "Отписались"),
])
def test_subscribers_reconcile_with_joined_left_and_the_posts(posts, name, platform, joined,
                                                              left):
    table = data.read_table(RAW / name).set_index("Дата")
    assert table.index.tolist() == list(pd.date_range("2025-01-01", "2025-12-31"))
    subs = table["Подписчики"]
    assert (subs.diff().iloc[1:] == (table[joined] - table[left]).iloc[1:]).all()
    assert (table[joined] >= 0).all() and (table[left] >= 0).all() and table[left].sum() > 0
    _, by_day = account_posts(posts, platform)
    assert (by_day["subscribers"].nunique() == 1).all()  # one figure a day, as VK and TG show
    on_post_days = by_day["subscribers"].first()
    assert (subs.loc[on_post_days.index] == on_post_days).all()


def test_vk_views_reach_and_activity_reconcile_with_the_posts(posts):
    table = data.read_table(RAW / "vk_stats_2025.csv").set_index("Дата")
    mine, by_day = account_posts(posts, "ВКонтакте")
    sums = by_day[["views", "likes", "reposts", "comments"]].sum().reindex(table.index,
                                                                          fill_value=0)
    assert (table["Отметки «Мне нравится»"] == sums["likes"]).all()
    assert (table["Репосты"] == sums["reposts"]).all()
    assert (table["Комментарии"] == sums["comments"]).all()
    assert (table["Просмотры"] >= sums["views"]).all()
    assert sums["views"].sum() >= 0.8 * table["Просмотры"].sum(), "the posts are the bulk"
    assert (table["Охват"] <= table["Просмотры"]).all()
    biggest = by_day["reach"].max()
    assert (table.loc[biggest.index, "Охват"] >= biggest).all()
    activity = table[["Отметки «Мне нравится»", "Репосты", "Комментарии"]].sum(axis=1)
    er = (activity / table["Охват"].clip(lower=1) * 100).round(2)
    assert (er - table["Вовлечённость, %"]).abs().max() < 0.006


def test_telegram_posts_views_forwards_and_reactions_reconcile_with_the_posts(posts):
    table = data.read_table(RAW / "telegram_stats_2025.csv").set_index("Дата")
    mine, by_day = account_posts(posts, "Telegram")
    sums = by_day[["views", "likes", "reposts"]].sum().reindex(table.index, fill_value=0)
    assert (table["Публикации"] == by_day.size().reindex(table.index, fill_value=0)).all()
    assert table["Публикации"].sum() == len(mine)
    assert (table["Реакции"] == sums["likes"]).all()
    assert (table["Пересылки"] == sums["reposts"]).all()
    assert (table["Просмотры"] >= sums["views"]).all()
    assert sums["views"].sum() >= 0.8 * table["Просмотры"].sum(), "the posts are the bulk"


@pytest.fixture(scope="module")
def sessions():
    frame = data.load("web_sessions")
    frame = frame[frame["started_at"].dt.year == raw.YEAR].copy()
    frame["visitor"] = raw.visitors(frame)
    for col in ("utm_source", "utm_medium"):
        frame[col] = frame[col].astype(str)
    frame["utm_campaign"] = frame["utm_campaign"].replace("", raw.NOT_SET)
    frame["bounce"] = (frame["pages_viewed"] == 1) & (frame["duration_sec"] < 15)
    return frame


def metrica_figures(group):
    return {
        "Визиты": len(group),
        "Посетители": group["visitor"].nunique(),
        "Отказы": round(100 * group["bounce"].mean(), 2),
        "Глубина просмотра": round(group["pages_viewed"].mean(), 2),
        "Время на сайте": round(group["duration_sec"].mean()),
        "Достижения любой цели": int(group["goal_reached"].sum()),
        "Конверсия по любой цели": round(100 * group["goal_reached"].mean(), 2),
    }


def test_metrica_report_reconciles_with_web_sessions(sessions):
    table = data.read_table(RAW / "metrica_utm_2025.csv")
    keys = ["UTM Source", "UTM Medium", "UTM Campaign"]
    groups = sessions.groupby(["utm_source", "utm_medium", "utm_campaign"])
    assert len(table) == groups.ngroups
    assert table["Визиты"].is_monotonic_decreasing
    for row in table.itertuples(index=False):
        row = dict(zip(table.columns, row))
        expected = metrica_figures(groups.get_group(tuple(row[k] for k in keys)))
        got = dict(row, **{"Время на сайте": row["Время на сайте"].total_seconds()})
        for col, value in expected.items():
            assert got[col] == pytest.approx(value, abs=0.006), (row["UTM Campaign"], col)
    totals = table.attrs["totals"]
    expected = metrica_figures(sessions)
    assert totals["Время на сайте"].total_seconds() == expected.pop("Время на сайте")
    for col, value in expected.items():
        assert totals[col] == pytest.approx(value, abs=0.006), col


def test_metrica_visitors_are_people_not_visits(sessions):
    table = data.read_table(RAW / "metrica_utm_2025.csv")
    assert (table["Посетители"] <= table["Визиты"]).all()
    assert (table["Посетители"] < table["Визиты"]).any()
    totals = table.attrs["totals"]
    assert totals["Визиты"] == table["Визиты"].sum() == len(sessions)
    assert table["Посетители"].max() < totals["Посетители"] < table["Посетители"].sum()
    assert 0.5 < totals["Посетители"] / totals["Визиты"] < 0.9


def test_metrica_bounce_is_one_page_under_15_seconds_not_every_single_page_visit(sessions):
    single_page = (sessions["pages_viewed"] == 1).mean() * 100
    bounces = data.read_table(RAW / "metrica_utm_2025.csv").attrs["totals"]["Отказы"]
    assert 0 < bounces < single_page


def test_membership_report_reconciles_with_membership():
    table = data.read_table(RAW / "membership_report_2025.xlsx").set_index("Код")
    membership = data.load("membership")
    last = membership[membership["year"] == raw.YEAR]
    wide = last.pivot(index="org_id", columns="age_group", values="members")
    assert sorted(table.index) == sorted(wide.index)
    wide = wide.reindex(table.index)
    flows = last.groupby("org_id")[["joined", "left"]].sum().reindex(table.index)
    assert (table["До 35 лет"] == wide["до 35"]).all()
    assert (table["35-54 лет"] == wide["35-54"]).all()
    assert (table["55 лет и старше"] == wide["55 и старше"]).all()
    assert (table["Вступили за год"] == flows["joined"]).all()
    assert (table["Вышли за год"] == flows["left"]).all()
    totals = table.attrs["totals"]
    assert totals["Всего членов"] == last["members"].sum()
    assert totals["Вступили за год"] == last["joined"].sum()
