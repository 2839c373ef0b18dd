"""Notebook hygiene: stored clean, well-formed, and built the way DESIGN.md says."""
import re
from pathlib import Path

import nbformat
import pytest

from infowork import ROOT
from infowork.course import load_manifest

MANIFEST = load_manifest()
READY = MANIFEST.ready_modules


def all_notebooks() -> list[Path]:
    found = []
    for folder in ("courses", "solutions", "exercises"):
        found += [p for p in sorted((ROOT / folder).rglob("*.ipynb"))
                  if ".ipynb_checkpoints" not in p.parts]
    return found


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


NOTEBOOKS = all_notebooks()
LESSONS = [p for m in READY for p in m.lesson_paths()]
SOLUTIONS = [m.solution_path() for m in READY if m.assignment]


def read(path: Path):
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_notebook_is_stored_clean_and_well_formed(path):
    nb = read(path)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), "nbformat 4.5 or newer (cell ids)"
    assert all(cell.get("id") for cell in nb.cells), "every cell needs an id"
    assert len({cell.id for cell in nb.cells}) == len(nb.cells), "cell ids must be unique"
    assert nb.metadata.kernelspec.name == "python3"
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            assert not cell.outputs, f"cell {number} is stored with outputs"
            assert cell.execution_count is None, f"cell {number} has an execution count"


@pytest.mark.parametrize("path", SOLUTIONS, ids=rel)
def test_grade_cells_are_unique_scored_and_documented(path):
    nb = read(path)
    grade_ids, answers, tests = [], 0, 0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta:
            continue
        grade_ids.append(meta["grade_id"])
        if meta.get("grade"):
            assert meta.get("points", 0) > 0, f"{meta['grade_id']}: points must be > 0"
        if meta.get("solution") and cell.cell_type == "code":
            answers += 1
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, \
                meta["grade_id"]
        if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
            tests += 1
            first = cell.source.lstrip().splitlines()[0]
            assert re.fullmatch(r'"""[^"]+"""', first), \
                f"{meta['grade_id']}: the first line must be a one-line docstring"
            assert meta.get("locked"), f"{meta['grade_id']}: test cells must be locked"
            assert cell.source.count("### BEGIN HIDDEN TESTS") == \
                cell.source.count("### END HIDDEN TESTS")
    assert len(grade_ids) == len(set(grade_ids)), "grade ids must be unique"
    assert tests >= 5 and answers >= 5
    hints = sum(c.source.count("<summary>Подсказка</summary>") for c in nb.cells
                if c.cell_type == "markdown")
    assert hints >= answers, "every task needs a hint under it"


@pytest.mark.parametrize("path", SOLUTIONS, ids=rel)
def test_assignment_opens_with_grading_instructions(path):
    first = read(path).cells[0]
    assert first.cell_type == "markdown"
    text = first.source.lower()
    assert "провер" in text and ".ipynb" in text, \
        "the first cell says how the work is graded and how to name the file"


@pytest.mark.parametrize("path", LESSONS, ids=rel)
def test_lesson_opens_with_goals_and_minutes_and_ends_with_summary(path):
    nb = read(path)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert re.search(r"Цел[ьи]", markdown[0]) and re.search(r"\d+\s*мин", markdown[0]), \
        "the first cell gives the goals and the minutes"
    assert any("Итоги" in text for text in markdown[-3:]), "a lesson ends with «Итоги»"


@pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=rel)
def test_notebook_takes_machinery_from_infowork(path):
    code = [c.source for c in read(path).cells if c.cell_type == "code"]
    assert re.search(r"from infowork(\.\w+)* import|import infowork", code[0]), \
        "the first code cell imports from infowork"
    joined = "\n".join(code)
    for forbidden in ("rcParams", "matplotlib.use(", "read_csv(\"datasets", "read_csv('datasets",
                      "../datasets", "usetex"):
        assert forbidden not in joined, f"{forbidden!r}: machinery belongs in infowork"


@pytest.mark.parametrize("module", READY, ids=lambda m: m.id)
def test_module_lessons_use_a_widget(module):
    sources = "\n".join(c.source for p in module.lesson_paths() for c in read(p).cells)
    assert "ipywidgets" in sources
