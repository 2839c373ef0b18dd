"""``infowork open-report``: open reports of several organisations, rendered in parallel.

Every organisation is checked before any work starts (an unknown one stops the command with
exit code 2 and a Russian message); then each is rendered in its own process, and one
organisation's failure is reported without stopping the others. With ``--all`` the
federation's summary (``summary.json``, ``summary.csv``: one row of key figures per
organisation) is written next to the reports.
"""
from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import pandas as pd

from infowork import ROOT, data
from infowork.openreport import build, figures
from infowork.russian import number, plural

__all__ = ["default_out_dir", "main", "write_summary", "SUMMARY_COLUMNS"]

#: The columns of summary.csv (the key figures, without the VK section).
SUMMARY_COLUMNS = ["org_id", "name", "year", "members", "members_change", "posts_per_1000",
                   "news_per_1000", "mentions_per_1000", "rank", "rated", "score", "mentions",
                   "initiated_share", "positive_share"]


def default_out_dir(year: int) -> Path:
    """Where reports go unless ``--out`` says otherwise: out/open_reports/<year>/ (git-ignored)."""
    return ROOT / "out" / "open_reports" / str(year)


def _shown(path: Path) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def _render_one(org_id: str, year: int, out_dir: str, vk_export, pdf: bool):
    """Worker: render one organisation; (org_id, kinds made, seconds, error text or None)."""
    start = time.perf_counter()
    try:
        paths = build.render(org_id, year, out_dir, vk_export=vk_export, pdf=pdf)
    except Exception as error:  # one organisation's failure must not stop the others
        return org_id, [], time.perf_counter() - start, f"{type(error).__name__}: {error}"
    return org_id, list(paths), time.perf_counter() - start, None


def write_summary(org_ids: list[str], year: int, out_dir: Path) -> tuple[Path, Path]:
    """summary.json (a list of key figures) and summary.csv (UTF-8 with BOM, «;», decimal
    commas, for Excel) for the organisations, in the order given."""
    rows = [figures.key_figures(org_id, year) for org_id in org_ids]
    json_path, csv_path = out_dir / "summary.json", out_dir / "summary.csv"
    json_path.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    pd.DataFrame(rows, columns=SUMMARY_COLUMNS).to_csv(csv_path, sep=";", decimal=",",
                                                       index=False, encoding="utf-8-sig")
    return json_path, csv_path


def _refuse(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def main(org_ids: list[str], year: int | None = None, *, all_orgs: bool = False, out=None,
         vk_export=None, pdf: bool = True, jobs: int | None = None) -> int:
    """Render the open reports; 0 when all were made, 1 when some failed, 2 when refused."""
    known = figures.org_ids()
    if all_orgs:
        org_ids = known
    if not org_ids:
        return _refuse("Укажите коды организаций (например, infowork open-report ORG01 "
                       "--year 2025) или --all, чтобы сделать отчёты всех организаций.")
    org_ids = list(dict.fromkeys(code.strip().upper() for code in org_ids))
    year = figures.years()[-1] if year is None else year
    try:
        for org_id in org_ids:
            figures.check(org_id, year)
    except data.DataError as error:
        return _refuse(str(error))
    if vk_export is not None:
        if len(org_ids) > 1:
            return _refuse("--vk-export — это выгрузка статистики одного сообщества: "
                           "укажите с ней одну организацию.")
        try:
            figures.vk_figures(vk_export)
        except data.DataError as error:
            return _refuse(str(error))
        vk_export = str(Path(vk_export).resolve())
    out_dir = Path(out) if out else default_out_dir(year)
    out_dir.mkdir(parents=True, exist_ok=True)
    if pdf and build.find_chromium() is None:
        print(build.NO_CHROMIUM)
        pdf = False
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(org_ids)))
    total = len(org_ids)
    print(f"Открытые отчёты за {year} год: {plural(total, 'организация', 'организации', 'организаций')}"
          f", одновременно — {jobs}. Папка: {_shown(out_dir)}")
    start = time.perf_counter()
    failed = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_render_one, org_id, year, str(out_dir), vk_export, pdf)
                   for org_id in org_ids]
        for done, future in enumerate(as_completed(futures), 1):
            org_id, kinds, seconds, error = future.result()
            if error:
                failed.append(org_id)
                print(f"[{done}/{total}] {org_id}: ошибка — {error}")
            else:
                made = ", ".join(kind.upper() for kind in ("html", "pdf", "json") if kind in kinds)
                print(f"[{done}/{total}] {org_id}: готово ({made}), {number(seconds, 1)} с")
    if all_orgs:
        paths = write_summary([o for o in org_ids if o not in failed], year, out_dir)
        print("Сводка по федерации: " + ", ".join(_shown(p) for p in paths))
    elapsed = time.perf_counter() - start
    made = total - len(failed)
    print(f"Готово: {plural(made, 'отчёт', 'отчёта', 'отчётов')} из {number(total)} "
          f"за {number(elapsed, 1)} с.")
    if failed:
        print(f"Не получилось: {', '.join(failed)} (причина — выше).", file=sys.stderr)
        return 1
    return 0
