"""The mark scheme of a manually graded step is the one trainees are shown: the assignment's task
lists it, and the lesson that teaches the step shows the same criteria with 0 / 1 examples. A
step whose criteria no lesson shows (lesson None) is checked against its task alone."""
import re

import nbformat
import pandas as pd
import pytest

from infowork.course import ROOT

# (solution notebook, grade_id of the manual step, lesson that shows the criteria or None)
RUBRICS = [
    ("solutions/01_content_planning/01_content_planning.ipynb", "announcement",
     "courses/01_content_planning/01_content_planning_posts.ipynb"),
    ("solutions/02_audience/02_audience.ipynb", "audience_brief", None),
    ("solutions/03_infographics/03_infographics.ipynb", "chart_critique", None),
    ("solutions/04_analytics/04_analytics.ipynb", "campaign_report", None),
    ("solutions/05_monitoring/05_monitoring.ipynb", "open_report_text", None),
]

_ASSIGNMENT = re.compile(r"^\d\. \*\*([^*:]+):", re.M)   # 1. **Факты …:**
_LESSON = re.compile(r"^\*\*\d\. ([^*:]+):", re.M)       # **1. Факты …:**


def _task_before(nb, grade_id: str) -> str:
    cells = nb.cells
    index = next(i for i, c in enumerate(cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return cells[index - 1].source, cells[index]


@pytest.mark.parametrize("solution, grade_id, lesson", RUBRICS)
def test_trainees_see_the_criteria_they_are_graded_by(solution, grade_id, lesson):
    nb = nbformat.read(ROOT / solution, 4)
    task, answer = _task_before(nb, grade_id)
    criteria = _ASSIGNMENT.findall(task)
    points = answer.metadata["nbgrader"]["points"]
    assert len(criteria) == points, (criteria, points)
    assert "BEGIN SOLUTION" not in task
    assert "BEGIN SOLUTION" in answer.source and "END SOLUTION" in answer.source
    if lesson is None:  # no lesson repeats them: the task itself must say so and show them all
        assert re.search(r"оцени\w* .*\(\d+ балл", task), "the task announces how it is graded"
        return
    shown = _LESSON.findall("\n".join(c.source for c in nbformat.read(ROOT / lesson, 4).cells
                                      if c.cell_type == "markdown"))
    assert shown == criteria


def test_model_audience_brief_meets_its_own_rubric():
    """02_audience step 9: the model answer names a segment, a channel and two figures."""
    nb = nbformat.read(ROOT / "solutions/02_audience/02_audience.ipynb", 4)
    _, answer = _task_before(nb, "audience_brief")
    model = answer.source.split("**Для преподавателя.**")[0]
    assert "до 35" in model                                                # 1. segment
    assert any(p in model for p in ("Telegram", "ВКонтакте", "Одноклассники"))  # 2. channel
    assert re.search(r"послы|послов|молодёжн\w+ совет", model)                # 2. whose accounts
    assert len(re.findall(r"\d+,\d %", model)) >= 2                          # 3. figures


def test_model_chart_critique_meets_its_own_rubric():
    """03_infographics step 9: the model critique names the trick, the real figures and a fix,
    and its figures are the ones the chart's data give."""
    from infowork import data
    from infowork.russian import number

    nb = nbformat.read(ROOT / "solutions/03_infographics/03_infographics.ipynb", 4)
    _, answer = _task_before(nb, "chart_critique")
    model = " ".join(answer.source.split("**Для преподавателя.**")[0].split())
    assert re.search(r"(ось|осью|шкала)\W.*не с нуля, а с 2 400", model)      # 1. the trick
    per_year = data.load("requests")["received_at"].dt.year.value_counts()
    growth = (per_year[2025] / per_year[2024] - 1) * 100                   # 2. real figures
    looks = (per_year[2025] - 2400) / (per_year[2024] - 2400)
    for figure in (f"{number(per_year[2024])} в 2024", f"{number(per_year[2025])} в 2025",
                   f"на {number(growth, 1)} %", f"примерно в {round(looks)} раз"):
        assert figure.replace("\u00a0", " ") in model.replace("\u00a0", " "), figure
    assert re.search(r"ось с нуля|начать ось с нуля", model)                # 3. the fix


def test_model_campaign_report_meets_its_own_rubric():
    """04_analytics step 9: the model report gives the campaign's result in figures, what worked
    and what to change, and its figures are the ones the data give."""
    from infowork import data
    from infowork.russian import number

    nb = nbformat.read(ROOT / "solutions/04_analytics/04_analytics.ipynb", 4)
    _, answer = _task_before(nb, "campaign_report")
    model = " ".join(answer.source.split("**Для преподавателя.**")[0].split()).replace("\u00a0", " ")
    sessions = data.load("web_sessions")
    visits = sessions[sessions["utm_campaign"] == "rights2025"]
    camp = data.load("campaigns").set_index("utm_campaign").loc["rights2025"]
    day = sessions["started_at"].dt.normalize()
    legal = sessions["landing_page"] == "/legal-help"
    during = (legal & (day >= camp["start_date"]) & (day <= camp["end_date"])).sum()
    before = (legal & (day >= camp["start_date"] - pd.Timedelta(days=28))
              & (day < camp["start_date"])).sum()
    by_source = visits.groupby("utm_source", observed=True)["goal_reached"].agg(["size", "sum"])
    by_device = visits.groupby("device", observed=True)["goal_reached"].mean() * 100
    figures = [f"{number(len(visits))} раз", f"{number(visits['goal_reached'].sum())} визитов",   # 1
               f"{number(during)} раз", f"({number(before)},",
               f"{number((during - before) / before * 100, 1)} %",
               f"{number(round(camp['budget_rub'] / visits['goal_reached'].sum(), -1))} рублей",
               f"({by_source.loc['email', 'sum']} из {by_source.loc['email', 'size']})",           # 2
               f"{number(by_device['смартфон'], 1)} %", f"{number(by_device['компьютер'], 1)} %"]  # 3
    for figure in figures:
        assert figure.replace("\u00a0", " ") in model, figure
    assert "рассылка" in model and re.search(r"(упростить|изменить) форму", model)


def test_model_open_report_text_meets_its_own_rubric():
    """05_monitoring step 12: the model section of ORG10's open report gives the year's results in
    figures, the place with the caveat about weights and the next tasks, and its figures are the
    ones the data give."""
    from infowork import data
    from infowork.openreport.indicators import indicators, rating
    from infowork.russian import number

    nb = nbformat.read(ROOT / "solutions/05_monitoring/05_monitoring.ipynb", 4)
    _, answer = _task_before(nb, "open_report_text")
    model = " ".join(answer.source.split("**Для преподавателя.**")[0].split()).replace("\u00a0", " ")
    monitoring, membership = data.load("monitoring"), data.load("membership")
    table = indicators(monitoring, membership)
    own = table[table["org_id"] == "ORG10"].set_index("year")
    ranks = rating(table).set_index(["org_id", "year"])["rank"]
    other = rating(table, {"posts_per_1000": 0.1, "news_per_1000": 0.1, "mentions_per_1000": 0.5,
                           "has_open_report": 0.3}).set_index(["org_id", "year"])["rank"]
    survey = monitoring[monitoring["org_id"] == "ORG10"].set_index("year")
    mentions = data.load("media_mentions")
    mentions = mentions[mentions["org_id"] == "ORG10"]
    per_year = mentions.groupby(mentions["published_at"].dt.year)["initiated_by_press_service"].agg(
        ["size", "sum"])
    figures = [f"{number(survey.loc[2025, 'social_posts_per_month'] * 12)} публикаци",        # 1
               f"{number(own.loc[2025, 'posts_per_1000'], 1)} публикации за год",
               f"против {number(own.loc[2024, 'posts_per_1000'], 1)} в 2024",
               f"{per_year.loc[2025, 'size']} раз", f"{per_year.loc[2025, 'sum']} из этих",
               f"{ranks.loc[('ORG10', 2025)]}-е место из {table['org_id'].nunique()}",         # 2
               f"{ranks.loc[('ORG10', 2024)]}-е", f"только {other.loc[('ORG10', 2025)]}-ми",
               f"{survey.loc[2025, 'trained_staff']} из {survey.loc[2025, 'info_staff']}",    # 3
               f"{per_year.loc[2025, 'sum']} материалов в СМИ из {per_year.loc[2025, 'size']}",
               f"{per_year.loc[2024, 'sum']} из {per_year.loc[2024, 'size']}"]
    for figure in figures:
        assert figure.replace("\u00a0", " ") in model, figure
    assert "зависит от" in model and "2026" in model                                         # 2, 3
    assert not re.search(r"[a-z_]+_per_1000|initiated|has_open", model)                      # 4
