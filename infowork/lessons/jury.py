"""The machinery of module 05, lesson 3 (is the jury fair?): the deviation of a score from its
panel, juror severity, adjusted results with places, winners before and after, one juror's
deviation on one federal district, and the contest / year / nomination explorer.

One definition, shared with the assignment: the deviation of a score is the score minus the mean
score of the same entry and criterion over its panel; a juror's severity is the mean deviation
of all their scores in that contest and year (negative = strict); the adjusted score is the
score minus that severity; an entry's result is the mean of its scores over jurors and criteria.

>>> scores = pd.DataFrame({
...     "contest": ["К"] * 6, "year": [2024] * 6, "nomination": ["н"] * 6,
...     "entry_id": ["A", "A", "B", "B", "C", "C"], "federal_district": ["ПФО"] * 2 + ["ЦФО"] * 4,
...     "juror": ["J1", "J2", "J1", "J3", "J2", "J3"], "criterion": ["к"] * 6,
...     "score": [8, 6, 9, 9, 4, 6]})
>>> severity(scores).round(2).to_dict()
{'J1': 0.5, 'J2': -1.0, 'J3': 0.5}
>>> results(scores)[["entry_id", "raw", "adjusted", "raw_place", "adjusted_place"]].to_dict("records")
[{'entry_id': 'B', 'raw': 9.0, 'adjusted': 8.5, 'raw_place': 1, 'adjusted_place': 1}, {'entry_id': 'A', 'raw': 7.0, 'adjusted': 7.25, 'raw_place': 2, 'adjusted_place': 2}, {'entry_id': 'C', 'raw': 5.0, 'adjusted': 5.25, 'raw_place': 3, 'adjusted_place': 3}]
"""
from __future__ import annotations

import pandas as pd

from infowork.russian import number, plural

__all__ = ["PANEL_KEYS", "with_deviation", "severity", "with_adjusted", "results", "winners",
           "juror_table", "district_bias", "jury_explorer"]

#: A score's panel: the same contest, year, entry and criterion.
PANEL_KEYS = ["contest", "year", "entry_id", "criterion"]


def with_deviation(scores: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``scores`` with ``panel_mean`` (the mean score of the same entry and criterion
    over its panel) and ``deviation`` = score − panel_mean."""
    out = scores.copy()
    out["panel_mean"] = out.groupby(PANEL_KEYS, observed=True)["score"].transform("mean")
    out["deviation"] = out["score"] - out["panel_mean"]
    return out


def severity(scores: pd.DataFrame) -> pd.Series:
    """Each juror's mean deviation in one contest and year (the scores given must be of one
    contest and year); negative = strict, positive = lenient."""
    protocols = scores[["contest", "year"]].drop_duplicates().shape[0]
    if protocols != 1:
        raise ValueError(f"Строгость считают по одному конкурсу за один год, а в таблице их "
                         f"{protocols}: отберите один, например query(\"contest == "
                         f"'Профсоюзный фотофакт' and year == 2024\").")
    table = with_deviation(scores)
    result = table.groupby("juror", observed=True)["deviation"].mean()
    result.index = result.index.astype(str)
    return result.rename("severity")


def with_adjusted(scores: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``scores`` with ``severity`` of the juror (in that contest and year) and
    ``adjusted`` = score − severity."""
    parts = []
    for _, part in scores.groupby(["contest", "year"], observed=True):
        part = part.copy()
        part["severity"] = part["juror"].astype(str).map(severity(part))
        parts.append(part)
    out = pd.concat(parts).loc[scores.index]
    out["adjusted"] = out["score"] - out["severity"]
    return out


def results(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per entry: contest, year, nomination, entry_id, federal_district, the result from
    raw scores (``raw``) and from adjusted ones (``adjusted``), and the places in its contest,
    year and nomination (1 best, ties share the place), best adjusted first."""
    table = with_adjusted(scores)
    keys = ["contest", "year", "nomination", "entry_id", "federal_district"]
    out = (table.groupby(keys, observed=True)
           .agg(raw=("score", "mean"), adjusted=("adjusted", "mean")).reset_index())
    groups = out.groupby(["contest", "year", "nomination"], observed=True)
    for column in ["raw", "adjusted"]:
        # rounding first, so that equal results do not differ in the 15th decimal
        out[f"{column}_place"] = (groups[column].transform(lambda s: s.round(9).rank(
            ascending=False, method="min")).astype(int))
    out["change"] = out["raw_place"] - out["adjusted_place"]
    return (out.sort_values(["contest", "year", "nomination", "adjusted_place", "entry_id"])
            .reset_index(drop=True))


def winners(scores: pd.DataFrame) -> pd.DataFrame:
    """Per contest, year and nomination: the winner by raw and by adjusted results (entries
    joined by «, » when they share the first place) and whether the winner changed.

    >>> scores = pd.DataFrame({"contest": ["К"] * 4, "year": [2025] * 4, "nomination": ["н"] * 4,
    ...     "entry_id": ["A", "A", "B", "B"], "federal_district": ["ЦФО"] * 4,
    ...     "juror": ["J1", "J2", "J1", "J3"], "criterion": ["к"] * 4, "score": [7, 5, 7, 9]})
    >>> winners(scores).iloc[0].to_dict()
    {'contest': 'К', 'year': 2025, 'nomination': 'н', 'entries': 2, 'winner_raw': 'B', 'winner_adjusted': 'B', 'changed': False}
    """
    table = results(scores)
    rows = []
    for (contest, year, nomination), part in table.groupby(["contest", "year", "nomination"],
                                                           observed=True):
        first = {c: ", ".join(sorted(part.loc[part[f"{c}_place"] == 1, "entry_id"]))
                 for c in ["raw", "adjusted"]}
        rows.append({"contest": contest, "year": year, "nomination": nomination,
                     "entries": len(part), "winner_raw": first["raw"],
                     "winner_adjusted": first["adjusted"],
                     "changed": first["raw"] != first["adjusted"]})
    return pd.DataFrame(rows)


def juror_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Per juror of one contest and year: entries judged, the raw mean score, the mean score of
    their panels and the severity, strictest first (Russian column names, for display)."""
    table = with_deviation(scores)
    out = table.groupby("juror", observed=True).agg(
        entries=("entry_id", "nunique"), mean_score=("score", "mean"),
        panel_mean=("panel_mean", "mean"))
    out.index = out.index.astype(str)
    out["severity"] = severity(scores)
    out = out.sort_values("severity").round(2)
    out.index.name = "член жюри"
    return out.rename(columns={"entries": "работ", "mean_score": "средняя оценка",
                               "panel_mean": "средняя оценка панели", "severity": "строгость"})


def district_bias(scores: pd.DataFrame, juror: str, district: str) -> pd.DataFrame:
    """A juror's deviation on entries from ``district`` against all other entries they judged:
    per contest and year the mean deviation and the numbers of entries and scores behind it."""
    table = with_deviation(scores)
    own = table[table["juror"].astype(str) == juror].copy()
    own["округ"] = own["federal_district"].astype(str).eq(district).map(
        {True: district, False: "другие округа"})
    out = own.groupby(["contest", "year", "округ"], observed=True).agg(
        **{"отклонение": ("deviation", "mean"), "работ": ("entry_id", "nunique"),
           "оценок": ("score", "size")})
    return out.round(2)


def jury_explorer(scores: pd.DataFrame) -> None:
    """Dropdowns for contest, year and nomination; below them the entries with raw and adjusted
    results and places, the moves of places, and whether the winner changed."""
    import ipywidgets as widgets
    from IPython.display import display

    nominations = {(str(c), int(y)): sorted(part["nomination"].astype(str).unique())
                   for (c, y), part in scores.groupby(["contest", "year"], observed=True)}
    table = results(scores)
    contest = widgets.Dropdown(options=sorted({c for c, _ in nominations}), description="Конкурс",
                               layout=widgets.Layout(width="400px"))
    year = widgets.Dropdown(options=sorted({y for _, y in nominations}), description="Год")
    nomination = widgets.Dropdown(description="Номинация", layout=widgets.Layout(width="400px"))

    def update_nominations(_=None):
        nomination.options = nominations[(contest.value, year.value)]
        nomination.value = nomination.options[0]

    contest.observe(update_nominations, names="value")
    year.observe(update_nominations, names="value")
    update_nominations()

    def draw(contest, year, nomination):
        part = table[(table["contest"] == contest) & (table["year"] == year)
                     & (table["nomination"] == nomination)]
        if part.empty:
            return
        moved = int((part["change"] != 0).sum())
        top = part.sort_values("raw_place").iloc[0]["entry_id"]
        new_top = part.iloc[0]["entry_id"]
        print(f"{plural(len(part), 'работа', 'работы', 'работ')}; место изменилось у "
              f"{plural(moved, 'работы', 'работ', 'работ')}, самый большой сдвиг — "
              f"{plural(int(part['change'].abs().max()), 'место', 'места', 'мест')}.")
        print("Победитель не изменился: " + new_top if top == new_top
              else f"Победитель изменился: {top} → {new_top}")
        show = part[["entry_id", "federal_district", "raw", "raw_place", "adjusted",
                     "adjusted_place", "change"]].rename(columns={
            "entry_id": "работа", "federal_district": "округ", "raw": "итог без поправки",
            "raw_place": "место без поправки", "adjusted": "итог с поправкой",
            "adjusted_place": "место с поправкой", "change": "сдвиг"})
        display(show.style.format({"итог без поправки": lambda v: number(v, 2),
                                   "итог с поправкой": lambda v: number(v, 2)}).hide(axis="index"))

    display(widgets.interactive(draw, contest=contest, year=year, nomination=nomination))
