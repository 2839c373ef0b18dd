"""The open report (`infowork open-report`): key figures, HTML, JSON, PDF, the VK export.

Papermill renders are slow (a kernel each), so the module renders twice in all: one
organisation with a VK export and a PDF, and two organisations in one call without a PDF.
"""
import hashlib
import json
import os
import re

import pandas as pd
import pytest

from infowork import ROOT, cli, data
from infowork.openreport import batch, build, figures
from infowork.openreport.indicators import DEFAULT_WEIGHTS, INDICATORS

YEAR = 2025
VK = ROOT / "datasets" / "raw" / "vk_stats_2025.csv"
EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z]+:)?//|@import|"""
                      r"""url\(\s*["']?\s*(?:[a-z]+:)?//""", re.I)


def run_cli(capsys, *argv):
    code = cli.main(["open-report", *map(str, argv)])
    out = capsys.readouterr()
    return code, out.out, out.err


def expected_figures(org_id: str, year: int) -> dict:
    """The key figures computed again, straight from the datasets with pandas."""
    membership, monitoring = data.load("membership"), data.load("monitoring")
    members = membership.groupby(["org_id", "year"])["members"].sum()
    table = monitoring[monitoring["year"] == year].set_index("org_id")
    table["members"] = members.xs(year, level="year")
    table["posts_per_1000"] = (table["social_posts_per_month"] * 12 * 1000
                               / table["members"]).round(1)
    table["news_per_1000"] = (table["news_sent"] * 1000 / table["members"]).round(1)
    table["mentions_per_1000"] = (table["media_mentions"] * 1000 / table["members"]).round(1)
    staff = table["info_staff"].replace(0, float("nan"))
    table["trained_share"] = (table["trained_staff"] / staff * 100).fillna(0).round(1)
    score = 0
    for name, weight in DEFAULT_WEIGHTS.items():
        column = table[name].astype(float)
        spread = column.max() - column.min()
        score = score + weight * ((column - column.min()) / spread if spread else 0)
    table["score"] = (score / sum(DEFAULT_WEIGHTS.values()) * 100).round(1)
    place = int((table["score"] > table.loc[org_id, "score"]).sum()) + 1
    mentions = data.load("media_mentions")
    own = mentions[(mentions["org_id"] == org_id) & (mentions["published_at"].dt.year == year)]
    row = table.loc[org_id]
    return {
        "org_id": org_id,
        "name": data.load("organizations").set_index("org_id").loc[org_id, "name"],
        "year": year,
        "members": int(row["members"]),
        "members_change": int(row["members"] - members[(org_id, year - 1)]),
        "posts_per_1000": row["posts_per_1000"], "news_per_1000": row["news_per_1000"],
        "mentions_per_1000": row["mentions_per_1000"],
        "rank": place, "rated": len(table), "score": row["score"],
        "mentions": len(own),
        "initiated_share": round(own["initiated_by_press_service"].sum() / len(own) * 100, 1),
        "positive_share": round((own["tone"] == "позитивная").sum() / len(own) * 100, 1),
    }


@pytest.mark.parametrize("org_id", ["ORG01", "ORG10"])
def test_key_figures_equal_an_independent_pandas_computation(org_id):
    got = figures.key_figures(org_id, YEAR)
    want = expected_figures(org_id, YEAR)
    assert got.keys() == want.keys()
    for key, value in want.items():
        if isinstance(value, float):
            assert got[key] == pytest.approx(value, abs=0.051), key
        else:
            assert got[key] == value, key


def test_every_organisation_has_key_figures_in_every_year():
    for year in figures.years():
        ranks = []
        for org_id in figures.org_ids():
            fig = figures.key_figures(org_id, year)
            assert json.loads(json.dumps(fig, ensure_ascii=False)) == fig
            assert fig["members"] > 0 and 0 <= fig["score"] <= 100
            assert 0 <= fig["initiated_share"] <= 100 and 0 <= fig["positive_share"] <= 100
            assert type(fig["rank"]) is int and type(fig["mentions"]) is int
            ranks.append(fig["rank"])
        assert min(ranks) == 1 and max(ranks) <= len(ranks) == fig["rated"] == 56


def test_a_year_without_mentions_gives_zero_shares():
    fig = figures.key_figures("ORG01", 2023)  # media mentions are collected from 2024
    assert fig["mentions"] == 0 and fig["initiated_share"] == 0.0 == fig["positive_share"]


def test_unknown_organisation_and_year_are_refused_in_russian():
    with pytest.raises(data.DataError, match="Организации ORG99 нет в наборе: коды ORG01 … ORG56"):
        figures.key_figures("ORG99", YEAR)
    with pytest.raises(data.DataError, match="За 2022 год нет данных мониторинга: есть годы "
                                             "2023, 2024, 2025"):
        figures.key_figures("ORG01", 2022)


def test_report_text_uses_the_right_plurals_and_decimal_commas():
    from infowork.openreport.page import Report

    report = Report("ORG10", YEAR)
    text = report.mentions_text()
    assert re.search(r"\d+\xa0%", text) and not re.search(r"\d\.\d", text)
    n = report.key["mentions"]
    word = {1: "раз", 2: "раза", 3: "раза", 4: "раза"}.get(n % 10 if n % 100 not in range(11, 15)
                                                         else 0, "раз")
    assert f"{n} {word}." in text
    rating = report.rating_text()
    for name, weight in DEFAULT_WEIGHTS.items():
        assert f"{INDICATORS[name]} — {round(weight * 100)}\xa0%" in rating
    assert "Место зависит от весов" in rating


# ---- rendered reports ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def vk_report(tmp_path_factory):
    """ORG01 with the VK export, PDF included (when Chromium is here), through the CLI."""
    out = tmp_path_factory.mktemp("vk_report")
    before = hashlib.sha256(VK.read_bytes()).hexdigest()
    code = cli.main(["open-report", "ORG01", "--year", str(YEAR), "--out", str(out),
                     "--vk-export", str(VK), "--jobs", "1"])
    return code, out, before


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory):
    """Two organisations in one call, in parallel, without PDF."""
    out = tmp_path_factory.mktemp("two_reports")
    code = cli.main(["open-report", "ORG10", "ORG33", "--year", str(YEAR), "--out", str(out),
                     "--no-pdf", "--jobs", "2"])
    return code, out


def check_page(path, org_id):
    page = path.read_text(encoding="utf-8")
    name = figures.key_figures(org_id, YEAR)["name"]
    assert '<html lang="ru">' in page and name in page
    assert not EXTERNAL.search(page), EXTERNAL.search(page).group(0)
    assert "<script" not in page.lower()
    for code in ("from infowork", "Report(", "Markdown(", "In&nbsp;[", "jp-InputArea",
                 "input_area", "vk_export ="):
        assert code not in page, code
    images = re.findall(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", page)
    assert len(images) >= 3 and all(src.startswith("data:image/png;base64,") for src in images)
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", page)
    assert "break-inside: avoid" in page
    return page


def test_cli_writes_html_json_for_two_organisations(two_reports):
    code, out = two_reports
    assert code == 0
    for org_id in ("ORG10", "ORG33"):
        page = check_page(out / f"{org_id}.html", org_id)
        assert "ВКонтакте" not in page
        assert not (out / f"{org_id}.pdf").exists()
        saved = json.loads((out / f"{org_id}.json").read_text(encoding="utf-8"))
        assert saved == figures.key_figures(org_id, YEAR)


def test_vk_export_adds_the_vk_section_and_leaves_the_file_unchanged(vk_report):
    code, out, before = vk_report
    assert code == 0
    assert hashlib.sha256(VK.read_bytes()).hexdigest() == before
    saved = json.loads((out / "ORG01.json").read_text(encoding="utf-8"))
    assert saved == figures.key_figures("ORG01", YEAR, vk_export=VK)
    vk = saved["vk"]
    export = data.read_table(VK)
    assert vk["subscribers_start"] == export["Подписчики"].iloc[0]
    assert vk["subscribers_end"] == export["Подписчики"].iloc[-1]
    assert len(vk["monthly"]) == 12 and sum(m["reach"] for m in vk["monthly"]) == vk["reach"]
    page = check_page(out / "ORG01.html", "ORG01")
    assert "Сообщество ВКонтакте" in page and "vk_stats_2025.csv" in page


def test_pdf_has_pages_and_the_cyrillic_name(vk_report):
    if build.find_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must prove the PDF, but Chromium is missing (.ci/run installs it)")
        pytest.skip("Chromium is not installed: sudo apt install chromium")
    from pypdf import PdfReader

    code, out, _ = vk_report
    reader = PdfReader(out / "ORG01.pdf")
    assert len(reader.pages) >= 1
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "Профсоюз связистов «Парус»" in text
    assert "Место зависит от весов" in text and "Сообщество ВКонтакте" in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)


def test_unknown_organisation_is_refused_before_any_work(capsys, tmp_path):
    code, out, err = run_cli(capsys, "ORG01", "ORG99", "--out", tmp_path / "reports")
    assert code == 2
    assert "Организации ORG99 нет в наборе: коды ORG01 … ORG56." in err
    assert not (tmp_path / "reports").exists()


def test_broken_vk_export_is_named_in_russian(capsys, tmp_path):
    broken = tmp_path / "vk_broken.csv"
    broken.write_bytes(b"\xd0\xc4\xd0\xa0;;;\n\x00\x01\x02\x03;\n")
    code, _, err = run_cli(capsys, "ORG01", "--vk-export", broken, "--out", tmp_path / "r")
    assert code == 2 and "vk_broken.csv" in err and "Файл" in err
    assert not (tmp_path / "r").exists()
    other = tmp_path / "not_vk.csv"
    other.write_text("Дата;Визиты\n01.01.2025;5\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "ORG01", "--vk-export", other, "--out", tmp_path / "r")
    assert code == 2 and "not_vk.csv" in err and "Подписчики" in err


def test_one_failure_does_not_stop_the_others(capsys, tmp_path, monkeypatch):
    def fake_render(org_id, year, out_dir, **_):
        if org_id == "ORG02":
            raise RuntimeError("сломалось")
        path = tmp_path / f"{org_id}.html"
        path.write_text("ok", encoding="utf-8")
        return {"html": path}

    monkeypatch.setattr(build, "render", fake_render)  # worker processes are forked
    code, out, err = run_cli(capsys, "ORG01", "ORG02", "ORG03", "--out", tmp_path, "--jobs", "2",
                             "--no-pdf")
    assert code == 1
    assert "ORG02: ошибка — RuntimeError: сломалось" in out
    assert "ORG01: готово" in out and "ORG03: готово" in out
    assert "Готово: 2 отчёта из 3" in out and "ORG02" in err


def test_federation_summary_has_one_row_per_organisation(tmp_path):
    codes = figures.org_ids()
    json_path, csv_path = batch.write_summary(codes, YEAR, tmp_path)
    rows = json.loads(json_path.read_text(encoding="utf-8"))
    assert [row["org_id"] for row in rows] == codes
    table = pd.read_csv(csv_path, sep=";", decimal=",", encoding="utf-8-sig")
    assert list(table.columns) == batch.SUMMARY_COLUMNS and len(table) == 56
    assert table.loc[0, "score"] == pytest.approx(rows[0]["score"])


def test_default_folder_is_git_ignored():
    folder = batch.default_out_dir(YEAR)
    assert folder == ROOT / "out" / "open_reports" / str(YEAR)
    assert "out/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
