"""datasets/raw/: the same kind of data in the shapes real exports come in.

- ``vk_stats_2025.csv``: a community-statistics export (cp1251, ';', decimal commas,
  DD.MM.YYYY dates, Russian headers);
- ``membership_report_2025.xlsx``: an Excel report with a title above the header;
- ``organizations_dirty.csv``: a dirty copy of organizations (duplicates, missing values,
  several spellings of one region, numbers stored as text with spaces between thousands).
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from infowork.datagen.common import rng

__all__ = ["write_raw", "RAW_FILES"]

RAW_FILES = ["vk_stats_2025.csv", "membership_report_2025.xlsx", "organizations_dirty.csv"]
_FIXED_TIME = (2026, 1, 15, 9, 0, 0)


def vk_stats(orgs: pd.DataFrame, posts: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Daily statistics of the largest VK community in 2025, with Russian headers."""
    r = rng("raw_vk_stats")
    org_id = orgs.sort_values("vk_subscribers", ascending=False)["org_id"].iloc[0]
    mine = posts[(posts["org_id"] == org_id) & (posts["platform"] == "ВКонтакте")
                 & (posts["published_at"].dt.year == 2025)]
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    daily = (mine.groupby(mine["published_at"].dt.normalize())[["views", "likes", "reposts",
                                                                "comments", "subscribers"]]
             .agg({"views": "sum", "likes": "sum", "reposts": "sum", "comments": "sum",
                   "subscribers": "max"})
             .reindex(days))
    subs = daily["subscribers"].interpolate(limit_direction="both").round().astype("int64")
    views = daily["views"].fillna(0).astype("int64") + r.poisson(subs.to_numpy() * 0.02)
    reach = np.round(views * r.uniform(0.7, 0.85, len(days))).astype("int64")
    joined = r.poisson(np.maximum(1.0, subs.diff().fillna(0).clip(lower=0) + 3))
    left = r.poisson(3, len(days))
    activity = daily[["likes", "reposts", "comments"]].fillna(0).astype("int64")
    er = (activity.sum(axis=1) / np.maximum(reach, 1) * 100).round(2)
    frame = pd.DataFrame({
        "Дата": days.strftime("%d.%m.%Y"),
        "Подписчики": subs.to_numpy(),
        "Вступившие": joined,
        "Вышедшие": left,
        "Охват": reach,
        "Просмотры": views.to_numpy(),
        "Отметки «Мне нравится»": activity["likes"].to_numpy(),
        "Репосты": activity["reposts"].to_numpy(),
        "Комментарии": activity["comments"].to_numpy(),
        "Вовлечённость, %": [f"{v:.2f}".replace(".", ",") for v in er],
    })
    return frame, org_id


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

    last = membership[membership["year"] == 2025]
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
    stats, _ = vk_stats(data["organizations"], data["posts"])
    paths = [raw / name for name in RAW_FILES]
    paths[0].write_bytes(stats.to_csv(index=False, sep=";", lineterminator="\r\n")
                         .encode("cp1251"))
    paths[1].write_bytes(membership_xlsx(data["organizations"], data["membership"]))
    dirty = organizations_dirty(data["organizations"])
    paths[2].write_bytes(dirty.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return paths
