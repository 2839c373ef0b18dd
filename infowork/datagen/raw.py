"""datasets/raw/: the same data in the shapes real exports come in.

Every figure that a clean table also has is derived from that table (the frames passed to
``write_raw``), so that a trainee can reconcile the export with the clean data:

- ``vk_stats_2025.csv``: daily statistics of a VK community in 2025, as the community's
  statistics export gives them (cp1251, ';', decimal commas, DD.MM.YYYY, CRLF, Russian
  headers); built from the posts of the biggest VK account of type «сообщество организации»;
- ``telegram_stats_2025.csv``: daily statistics of a Telegram channel in 2025, in the shape
  of a channel-statistics CSV (TGStat-like: UTF-8, ',', ISO dates ГГГГ-ММ-ДД, LF); built
  from the posts of the biggest Telegram channel of type «сообщество организации»;
- ``metrica_utm_2025.csv``: a Yandex.Metrica «Метки UTM» report of the site for 2025, as
  Metrica's CSV export gives it (UTF-8 with BOM, ',', every value quoted, report name and
  period above the header, the «Итого и средние» row under it, decimal commas, durations
  Ч:ММ:СС); built from web_sessions;
- ``membership_report_2025.xlsx``: an Excel report with a title above the header and an
  «Итого» row, built from membership;
- ``organizations_dirty.csv``: a dirty copy of organizations (duplicates, missing values,
  several spellings of one region, numbers stored as text with spaces between thousands).

How the daily social statistics reconcile with ``posts`` (of the chosen account, 2025):

- subscribers(d) = subscribers(d - 1) + joined(d) - left(d) exactly; on days with posts
  subscribers(d) is the posts' ``subscribers``, between them the straight line joining them;
- likes, reposts, comments (VK) and reactions, forwards, posts (Telegram) are the exact sums
  of the posts published that day;
- views(d) = the views of the posts published that day (the clean table gives each post's
  views to the day of publication, its later views included) + views of everything else
  the platform counts: the community page, wall browsing, photos, videos and articles (VK),
  older posts opened through search and links (Telegram); the posts are the bulk;
- VK reach(d), unique people who saw anything that day, is at least the largest single-post
  reach of the day and at most views(d): the day's posts overlap in their audiences.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from infowork.datagen.common import rng

__all__ = ["write_raw", "RAW_FILES", "YEAR", "stats_account"]

RAW_FILES = ["vk_stats_2025.csv", "telegram_stats_2025.csv", "metrica_utm_2025.csv",
             "membership_report_2025.xlsx", "organizations_dirty.csv"]
#: The year every raw export covers.
YEAR = 2025
_FIXED_TIME = (2026, 1, 15, 9, 0, 0)
_OWN = "сообщество организации"


def _comma(value: float, decimals: int) -> str:
    """A number with a decimal comma, as Russian exports write it."""
    return f"{value:.{decimals}f}".replace(".", ",")


def stats_account(posts: pd.DataFrame, platform: str) -> str:
    """The account whose statistics are exported: the biggest organisation community."""
    own = posts[(posts["platform"] == platform) & (posts["account_type"] == _OWN)
                & (posts["published_at"].dt.year == YEAR)]
    biggest = own.groupby("account_id")["subscribers"].max()
    return str(biggest.sort_values(ascending=False, kind="stable").index[0])


def _daily(posts: pd.DataFrame, account_id: str, stream: str, churn: float) -> pd.DataFrame:
    """Day-by-day subscribers, joined, left and the day's sums of the account's posts."""
    r = rng(stream)
    mine = posts[(posts["account_id"] == account_id) & (posts["published_at"].dt.year == YEAR)]
    days = pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31", freq="D")
    day = mine["published_at"].dt.normalize()
    sums = (mine.groupby(day)[["views", "reach", "likes", "reposts", "comments"]].sum()
            .reindex(days, fill_value=0))
    sums["posts"] = mine.groupby(day).size().reindex(days, fill_value=0)
    sums["max_reach"] = mine.groupby(day)["reach"].max().reindex(days, fill_value=0)
    # On a day with posts the export shows the posts' subscribers; between them, the trend.
    anchor = mine.groupby(day)["subscribers"].first().reindex(days)
    subs = anchor.interpolate(limit_direction="both").round().astype("int64").to_numpy()
    # The day before 1 January continues the trend of the first fortnight.
    before = int(round(subs[0] - (subs[14] - subs[0]) / 14))
    net = np.diff(subs, prepend=before)
    left = r.poisson(subs * churn)
    joined = left + net
    short = joined < 0  # a net loss larger than the day's usual churn
    left = np.where(short, left - joined, left)
    joined = np.where(short, 0, joined)
    sums["subscribers"], sums["joined"], sums["left"] = subs, joined, left
    return sums


def vk_stats(posts: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Daily statistics of the biggest VK organisation community, with Russian headers."""
    account = stats_account(posts, "ВКонтакте")
    d = _daily(posts, account, "raw_vk_stats", churn=0.0004)
    r = rng("raw_vk_stats-views")
    other_views = r.poisson(d["subscribers"].to_numpy() * 0.02)
    views = d["views"].to_numpy() + other_views
    # People who saw two posts of a day count once in the day's reach.
    overlap = r.uniform(0.35, 0.6, len(d))
    reach = (d["max_reach"].to_numpy()
             + np.round((d["reach"].to_numpy() - d["max_reach"].to_numpy()) * (1 - overlap))
             + np.round(other_views * 0.7)).astype("int64")
    reach = np.minimum(reach, views)
    activity = d[["likes", "reposts", "comments"]].sum(axis=1).to_numpy()
    er = activity / np.maximum(reach, 1) * 100
    frame = pd.DataFrame({
        "Дата": d.index.strftime("%d.%m.%Y"),
        "Подписчики": d["subscribers"].to_numpy(),
        "Вступившие": d["joined"].to_numpy(),
        "Вышедшие": d["left"].to_numpy(),
        "Охват": reach,
        "Просмотры": views,
        "Отметки «Мне нравится»": d["likes"].to_numpy(),
        "Репосты": d["reposts"].to_numpy(),
        "Комментарии": d["comments"].to_numpy(),
        "Вовлечённость, %": [_comma(v, 2) for v in er],
    })
    return frame, account


def telegram_stats(posts: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Daily statistics of the biggest Telegram organisation channel."""
    account = stats_account(posts, "Telegram")
    d = _daily(posts, account, "raw_telegram_stats", churn=0.0008)
    r = rng("raw_telegram_stats-views")
    views = d["views"].to_numpy() + r.poisson(d["subscribers"].to_numpy() * 0.015)
    frame = pd.DataFrame({
        "Дата": d.index.strftime("%Y-%m-%d"),
        "Подписчики": d["subscribers"].to_numpy(),
        "Подписались": d["joined"].to_numpy(),
        "Отписались": d["left"].to_numpy(),
        "Публикации": d["posts"].to_numpy(),
        "Просмотры": views,
        "Пересылки": d["reposts"].to_numpy(),
        "Реакции": d["likes"].to_numpy(),
    })
    return frame, account


# --- Yandex.Metrica -----------------------------------------------------------------------

#: Metrica's label for a visit without the dimension (here: a link without utm_campaign).
NOT_SET = "Не определено"
#: Share of visits from each medium that are a return of an earlier visitor (same device).
_RETURNING = {"(none)": 0.55, "organic": 0.25, "social": 0.35, "email": 0.6, "referral": 0.2,
              "cpc": 0.15}


def visitors(sessions: pd.DataFrame) -> np.ndarray:
    """A visitor number for each session (in the frame's order), drawn deterministically.

    Sessions are taken in time order; a session is, with a probability depending on its
    medium, a return of a visitor who came earlier on the same kind of device (chosen with
    the frequency of that visitor's earlier visits), otherwise a new visitor.
    """
    r = rng("raw_metrica_visitors")
    order = np.argsort(sessions["started_at"].to_numpy(), kind="stable")
    device = sessions["device"].astype(str).to_numpy()[order]
    returning = sessions["utm_medium"].astype(str).map(_RETURNING).to_numpy()[order]
    back = r.random(len(order)) < returning
    pick = r.random(len(order))
    out = np.empty(len(order), dtype="int64")
    seen: dict[str, list[int]] = {}
    new_id = 0
    for k in range(len(order)):
        earlier = seen.setdefault(device[k], [])
        if back[k] and earlier:
            out[k] = earlier[int(pick[k] * len(earlier))]
        else:
            new_id += 1
            out[k] = new_id
        earlier.append(out[k])
    result = np.empty(len(order), dtype="int64")
    result[order] = out
    return result


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _metrica_row(group: pd.DataFrame) -> dict:
    """Metrica's figures of a group of visits; a bounce is one page and under 15 seconds."""
    visits = len(group)
    bounce = ((group["pages_viewed"] == 1) & (group["duration_sec"] < 15)).sum()
    goals = int(group["goal_reached"].sum())
    return {
        "Визиты": visits,
        "Посетители": int(group["visitor"].nunique()),
        "Отказы": _comma(100 * bounce / visits, 2),
        "Глубина просмотра": _comma(group["pages_viewed"].mean(), 2),
        "Время на сайте": _hms(group["duration_sec"].mean()),
        "Достижения любой цели": goals,
        "Конверсия по любой цели": _comma(100 * goals / visits, 2),
    }


METRICA_DIMENSIONS = {"utm_source": "UTM Source", "utm_medium": "UTM Medium",
                      "utm_campaign": "UTM Campaign"}


def metrica_utm(sessions: pd.DataFrame) -> pd.DataFrame:
    """The «Метки UTM» report of 2025: the totals row first, then groups by visits."""
    year = sessions[sessions["started_at"].dt.year == YEAR].copy()
    year["visitor"] = visitors(year)
    for col in METRICA_DIMENSIONS:
        year[col] = year[col].astype(str).replace("", NOT_SET)
    rows = []
    for key, group in year.groupby(list(METRICA_DIMENSIONS), sort=True):
        rows.append(dict(zip(METRICA_DIMENSIONS.values(), key)) | _metrica_row(group))
    table = pd.DataFrame(rows)
    table = table.sort_values("Визиты", ascending=False, kind="stable")
    totals = {"UTM Source": "Итого и средние", "UTM Medium": "", "UTM Campaign": ""}
    return pd.concat([pd.DataFrame([totals | _metrica_row(year)]), table], ignore_index=True)


def metrica_csv(table: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for line in ("Метки UTM", f"Период: 01.01.{YEAR} — 31.12.{YEAR}",
                 "Сайт федерации профсоюзов (учебные данные)",
                 "Атрибуция: последний значимый переход",
                 "Группировки: " + ", ".join(METRICA_DIMENSIONS.values())):
        writer.writerow([line])
    writer.writerow([])
    writer.writerow(table.columns)
    writer.writerows(table.astype(str).itertuples(index=False))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _stable_xlsx(workbook) -> bytes:
    """The workbook's bytes with fixed timestamps, so that every run writes the same file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist()):
            data = source.read(name)
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                              rb"\g<1>2026-01-15T09:00:00Z", data)
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return out.getvalue()


def membership_xlsx(orgs: pd.DataFrame, membership: pd.DataFrame) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    last = membership[membership["year"] == YEAR]
    wide = last.pivot(index="org_id", columns="age_group", values="members")
    flows = last.groupby("org_id")[["joined", "left"]].sum()
    wb = Workbook()
    ws = wb.active
    ws.title = "Численность"
    ws["A1"] = "Сводный отчёт о численности членов профсоюза на 31.12.2025"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Составлен по статистическим отчётам членских организаций"
    header = ["Код", "Организация", "Регион", "Всего членов", "До 35 лет", "35-54 лет",
              "55 лет и старше", "Вступили за год", "Вышли за год", "Дата отчёта"]
    ws.append([])
    ws.append(header)
    for cell in ws[4]:
        cell.font = Font(bold=True)
    report_day = pd.Timestamp("2026-01-20").to_pydatetime()
    for org in orgs.itertuples(index=False):
        w = wide.loc[org.org_id]
        ws.append([org.org_id, org.name, org.region, int(org.members), int(w["до 35"]),
                   int(w["35-54"]), int(w["55 и старше"]), int(flows.loc[org.org_id, "joined"]),
                   int(flows.loc[org.org_id, "left"]), report_day])
        ws.cell(row=ws.max_row, column=10).number_format = "DD.MM.YYYY"
    # Values, not =SUM() formulas: openpyxl stores no computed value for a formula.
    column_sums = [sum(ws.cell(row=row, column=col).value for row in range(5, ws.max_row + 1))
                   for col in range(4, 10)]
    ws.append(["Итого", None, None] + column_sums)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 30
    wb.properties.creator = "infowork"
    return _stable_xlsx(wb)


_REGION_SPELLINGS = {
    "Москва": ["г. Москва", "МОСКВА", "Москва "],
    "Санкт-Петербург": ["СПб", "г. Санкт-Петербург", "Санкт Петербург"],
    "Республика Татарстан": ["Татарстан", "Респ. Татарстан", "РТ"],
    "Свердловская область": ["Свердловская обл.", "свердловская область", "Свердл. обл."],
}


def _spaced(value: int, r: np.random.Generator) -> str:
    text = f"{value:,}".replace(",", " ")
    return text.replace(" ", "\u00a0") if r.random() < 0.3 else text


def organizations_dirty(orgs: pd.DataFrame) -> pd.DataFrame:
    r = rng("raw_dirty")
    frame = orgs.copy()
    for col in frame.columns:
        frame[col] = frame[col].astype(object)
    n = len(frame)
    for i in range(n):
        for col in ("members", "vk_subscribers"):
            v = int(frame.at[i, col])
            if v >= 1000 and r.random() < 0.6:
                frame.at[i, col] = _spaced(v, r)
        for col in ("has_website", "has_vk", "has_ok", "has_telegram"):
            v = bool(frame.at[i, col])
            frame.at[i, col] = r.choice(["да", "Да", "1"] if v else ["нет", "Нет", "0"],
                                        p=[0.7, 0.2, 0.1])
        region = str(frame.at[i, "region"])
        if region in _REGION_SPELLINGS and r.random() < 0.75:
            frame.at[i, "region"] = r.choice(_REGION_SPELLINGS[region])
        elif r.random() < 0.08:
            frame.at[i, "region"] = region.replace("область", "обл.")
    # The spelling variants must be there even if no organisation sits in those regions.
    present = [reg for reg in _REGION_SPELLINGS if (orgs["region"] == reg).any()]
    assert present, "the dirty copy needs an organisation in Moscow, St Petersburg, etc."
    for col, share in (("members", 0.06), ("info_staff", 0.08), ("has_telegram", 0.1),
                       ("federal_district", 0.05)):
        idx = r.choice(n, size=max(1, int(n * share)), replace=False)
        frame.loc[idx, col] = ""
    dups = frame.iloc[r.choice(n, size=5, replace=False)].copy()
    dups.iloc[0, dups.columns.get_loc("name")] = str(dups.iloc[0]["name"]) + " "
    frame = pd.concat([frame, dups], ignore_index=True)
    order = r.permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True)


def write_raw(outdir: Path, data: dict) -> list[Path]:
    raw = Path(outdir) / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    paths = {name: raw / name for name in RAW_FILES}
    vk, _ = vk_stats(data["posts"])
    paths["vk_stats_2025.csv"].write_bytes(
        vk.to_csv(index=False, sep=";", lineterminator="\r\n").encode("cp1251"))
    telegram, _ = telegram_stats(data["posts"])
    paths["telegram_stats_2025.csv"].write_bytes(
        telegram.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    paths["metrica_utm_2025.csv"].write_bytes(metrica_csv(metrica_utm(data["web_sessions"])))
    paths["membership_report_2025.xlsx"].write_bytes(
        membership_xlsx(data["organizations"], data["membership"]))
    dirty = organizations_dirty(data["organizations"])
    paths["organizations_dirty.csv"].write_bytes(
        dirty.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return list(paths.values())
