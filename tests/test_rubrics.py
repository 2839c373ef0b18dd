"""The mark scheme of a manually graded step is the one trainees are shown: the assignment's task
lists it, and the lesson that teaches the step shows the same criteria with 0 / 1 examples. A
step whose criteria no lesson shows (lesson None) is checked against its task alone."""
import re

import nbformat
import pytest

from infowork.course import ROOT

# (solution notebook, grade_id of the manual step, lesson that shows the criteria or None)
RUBRICS = [
    ("solutions/01_content_planning/01_content_planning.ipynb", "announcement",
     "courses/01_content_planning/01_content_planning_posts.ipynb"),
    ("solutions/02_audience/02_audience.ipynb", "audience_brief", None),
    ("solutions/03_infographics/03_infographics.ipynb", "chart_critique", None),
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
