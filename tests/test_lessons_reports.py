"""The open-report machinery of module 05, lesson 5 (infowork.lessons.reports)."""
from __future__ import annotations

import html

import pandas as pd
import pytest

from infowork.lessons import reports
from infowork.openreport import figures

BAD = ("В отчётном периоде проводилась определённая работа по информационному обеспечению "
       "деятельности организации. Работа в данном направлении будет продолжена.")
GOOD = ("В 2025 году в профсоюзе 38 140 человек — на 262 больше, чем год назад. Место в "
        "рейтинге зависит от весов. В 2026 году будем публиковать отчёт каждую весну.")


@pytest.fixture(scope="module")
def federation_2025() -> pd.DataFrame:
    return reports.federation(2025)


def test_card_writes_every_figure_the_russian_way():
    key = figures.key_figures("ORG07", 2025)
    card = reports.card(key)
    assert list(card.index) == list(reports.LABELS.values())
    assert list(card.columns) == [f"{key['name']}, 2025"]
    values = dict(zip(reports.LABELS, card.iloc[:, 0]))
    assert values["members"] == "38\u00a0140"
    assert values["members_change"] == "+262"
    assert values["posts_per_1000"] == "11,0"
    assert values["rank"] == f"{key['rank']} из {key['rated']}"
    assert values["initiated_share"] == "57,1"


def test_card_marks_a_loss_with_a_true_minus():
    key = figures.key_figures("ORG04", 2025)
    assert key["members_change"] < 0
    change = reports.card(key).loc[reports.LABELS["members_change"]].iloc[0]
    assert change == "−" + f"{-key['members_change']}"


def test_federation_is_key_figures_of_every_organisation(federation_2025):
    assert sorted(federation_2025["org_id"]) == figures.org_ids()
    one = federation_2025.set_index("org_id").loc["ORG17"].to_dict()
    assert one["rank"] == figures.key_figures("ORG17", 2025)["rank"]
    assert (federation_2025["rated"] == len(federation_2025)).all()


def test_compare_puts_the_median_and_the_side_next_to_the_card(federation_2025):
    table = reports.compare("ORG07", 2025)
    assert list(table.columns)[1:] == ["медиана федерации", "относительно медианы"]
    median = federation_2025["posts_per_1000"].median()
    row = table.loc[reports.LABELS["posts_per_1000"]]
    assert row["медиана федерации"] == f"{median:.1f}".replace(".", ",")
    assert row["относительно медианы"] == "ниже"          # 11,0 against 46,5
    assert table.loc[reports.LABELS["members"], "относительно медианы"] == "выше"
    assert table.loc[reports.LABELS["rank"], "медиана федерации"] == "оценено 56"


def test_checklist_finds_the_four_parts_and_no_more():
    assert reports.checklist(BAD)["есть"].tolist() == ["нет"] * 4
    assert reports.checklist(GOOD)["есть"].tolist() == ["да"] * 4
    # «весну» is not a weight: spring does not make a caveat
    spring = reports.checklist("В 2026 году будем публиковать отчёт каждую весну.")
    assert spring.loc["честная оговорка", "есть"] == "нет"


def test_show_frames_the_page_and_escapes_it(tmp_path):
    page = tmp_path / "ORG07.html"
    page.write_text('<html><body><p class="x">Отчёт «Родник» & Co</p></body></html>',
                    encoding="utf-8")
    shown = reports.show(page, height=300).data
    assert shown.startswith("<div><iframe srcdoc=")
    assert html.escape('<p class="x">Отчёт «Родник» & Co</p>', quote=True) in shown
    assert 'height="300"' in shown


def test_card_explorer_builds_its_widgets():
    pytest.importorskip("ipywidgets")
    reports.card_explorer()
