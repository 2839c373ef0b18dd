"""The open report of module 05, lesson 5: an organisation's key figures as a readable card,
the card next to the federation's median, a dropdown that shows any organisation's card, a
checklist for a paragraph of the report's text, and a generated report shown inside the lesson.

The figures themselves come from :func:`infowork.openreport.figures.key_figures` (one
definition for the lesson, the assignment and ``infowork open-report``); this module only
lays them out.

>>> figures = {"org_id": "ORG99", "name": "Профсоюз «Пример»", "year": 2025, "members": 12034,
...            "members_change": -266, "posts_per_1000": 11.04, "news_per_1000": 0.6,
...            "mentions_per_1000": 0.4, "rank": 3, "rated": 56, "score": 61.25,
...            "mentions": 21, "initiated_share": 38.1, "positive_share": 52.4}
>>> card(figures)["Профсоюз «Пример», 2025"].tolist()[:3]
['12\\xa0034', '−266', '11,0']
>>> card(figures).loc["место в рейтинге федерации"].iloc[0]
'3 из 56'
>>> table = checklist("В 2025 году нас упоминали в СМИ 21 раз — на 5 раз больше, чем в 2024-м.")
>>> table["есть"].tolist()
['да', 'да', 'нет', 'нет']
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from infowork.russian import number

__all__ = ["LABELS", "card", "federation", "compare", "card_explorer", "checklist", "show"]

#: The card's rows: key of ``key_figures`` → what a member reads.
LABELS = {
    "members": "членов профсоюза",
    "members_change": "изменение за год, человек",
    "posts_per_1000": "публикаций в соцсетях за год на 1 000 членов",
    "news_per_1000": "новостей в пресс-службу федерации на 1 000 членов",
    "mentions_per_1000": "упоминаний в СМИ на 1 000 членов (по анкете)",
    "rank": "место в рейтинге федерации",
    "score": "баллы рейтинга (из 100)",
    "mentions": "упоминаний в СМИ за год (мониторинг СМИ)",
    "initiated_share": "из них по инициативе пресс-службы, %",
    "positive_share": "из них позитивных, %",
}
_DECIMALS = {"posts_per_1000": 1, "news_per_1000": 1, "mentions_per_1000": 1, "score": 1,
             "initiated_share": 1, "positive_share": 1}


def _text(key: str, value, figures: dict | None = None) -> str:
    """One figure written the Russian way (a sign on a change, «3 из 56» for a place)."""
    if value is None or pd.isna(value):
        return "—"
    if key == "rank" and figures is not None:
        return f"{int(value)} из {int(figures['rated'])}"
    text = number(value, _DECIMALS.get(key, 0))
    return "+" + text if key == "members_change" and value > 0 else text


def card(figures: dict) -> pd.DataFrame:
    """The key figures of one organisation and year as a one-column table: a row per figure,
    its Russian label on the left, the value written with a decimal comma on the right."""
    column = f"{figures['name']}, {figures['year']}"
    return pd.DataFrame({column: [_text(key, figures[key], figures) for key in LABELS]},
                        index=list(LABELS.values()))


@lru_cache(maxsize=4)
def _federation(year: int) -> pd.DataFrame:
    from infowork import data
    from infowork.openreport import figures

    ids = data.load("organizations")["org_id"]
    return pd.DataFrame([figures.key_figures(org_id, year) for org_id in ids])


def federation(year: int) -> pd.DataFrame:
    """The key figures of every organisation of the federation in ``year``: a row per
    organisation (computed once per year, then reused)."""
    return _federation(int(year)).copy()


def compare(org_id: str, year: int) -> pd.DataFrame:
    """An organisation's card next to the median of all the federation's organisations in the
    same year, and whether the organisation is above or below it. The place in the rating has
    no median: the column says how many organisations were rated."""
    table = federation(year)
    row = table.set_index("org_id").loc[org_id].to_dict() | {"org_id": org_id}
    out = card(row)
    median = table[list(LABELS)].median()
    out["медиана федерации"] = [_text(key, median[key]) for key in LABELS]
    side = []
    for key in LABELS:
        if key == "rank":
            side.append("")
        elif row[key] > median[key]:
            side.append("выше")
        elif row[key] < median[key]:
            side.append("ниже")
        else:
            side.append("на уровне")
    out["относительно медианы"] = side
    out.loc[LABELS["rank"], "медиана федерации"] = f"оценено {int(row['rated'])}"
    return out


def card_explorer(year: int = 2025, years=(2024, 2025)) -> None:
    """A dropdown of the federation's organisations (by name) and a year switch above
    ``compare``: pick an organisation and see its card next to the federation's median."""
    import ipywidgets as widgets
    from IPython.display import display

    from infowork import data

    orgs = data.load("organizations").sort_values("name")
    options = [(f"{row['name']} ({row['org_id']})", row["org_id"]) for _, row in orgs.iterrows()]

    def draw(org_id, year):
        display(compare(org_id, year))

    display(widgets.interactive(
        draw,
        org_id=widgets.Dropdown(options=options, value="ORG07", description="Организация",
                                layout=widgets.Layout(width="600px")),
        year=widgets.ToggleButtons(options=list(years), value=year, description="Год")))


#: What a paragraph of an open report needs, and words that usually show it is there.
CRITERIA = {
    "факт с числом": r"\d",
    "сравнение": r"больше|меньше|выше|ниже|чем|против|по сравнению|вырос|снизил|сократил|медиан",
    "честная оговорка": r"зависит|зависят|\bвес(а|у|ом|ов|ам|ами|ах)?\b|\bвес(ит|ят)\b|оговор|однако|не учитыва|если бы",
    "что дальше": r"будем|планируем|в 2026|дальше|следующ|собираемся|предлагаем",
}


def checklist(text: str) -> pd.DataFrame:
    """Which of the four parts of a good paragraph (a fact with a number, a comparison, an
    honest caveat, what next) the text seems to have, judged by words that usually mark them.
    A hint for the writer, not a mark: only a reader can tell whether the parts make sense."""
    lowered = text.lower()
    found = ["да" if re.search(pattern, lowered) else "нет" for pattern in CRITERIA.values()]
    return pd.DataFrame({"часть абзаца": list(CRITERIA), "есть": found}).set_index("часть абзаца")


def show(path: str | Path, height: int = 600):
    """A generated HTML report shown inside the notebook (in a frame, so the report's own
    styles do not change the lesson's page)."""
    from IPython.display import HTML

    page = Path(path).read_text(encoding="utf-8")
    # a div around the frame: IPython warns about an HTML output that starts with <iframe
    return HTML(f'<div><iframe srcdoc="{html.escape(page, quote=True)}" width="100%" '
                f'height="{int(height)}" style="border: 1px solid #ccc"></iframe></div>')
