"""course.yml and the tree agree both ways; the README's course map is the manifest's."""
import re

import pytest

from infowork import ROOT
from infowork.course import load_manifest, markdown_course_map, schedule

MANIFEST = load_manifest()
READY = MANIFEST.ready_modules
MODULE_FOLDERS = ("courses", "solutions", "exercises")


def test_module_ids_are_unique_zero_padded_and_in_order():
    ids = [m.id for m in MANIFEST.modules]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+", i) for i in ids), ids
    assert ids == sorted(ids)
    assert [int(i[:2]) for i in ids] == list(range(len(ids)))


def test_the_whole_course_of_six_modules_is_listed():
    assert [m.id[:2] for m in MANIFEST.modules] == ["00", "01", "02", "03", "04", "05"]
    assert all(m.title and m.objectives and m.datasets for m in MANIFEST.modules)
    assert all(m.teaching_minutes > 0 and m.exercise_minutes > 0 for m in MANIFEST.modules)
    assert READY, "at least one module must be ready"


@pytest.mark.parametrize("module", READY, ids=lambda m: m.id)
def test_ready_module_has_all_its_files(module):
    assert module.lessons, f"{module.id}: a ready module needs lessons"
    for path in module.lesson_paths():
        assert path.is_file(), f"{module.id}: course.yml lists {path.relative_to(ROOT)}, no file"
        assert re.fullmatch(rf"{module.id}(_[a-z0-9_]+)?\.ipynb", path.name), path.name
    assert (ROOT / "courses" / module.id / "README.md").is_file(), "instructor notes missing"
    assert module.assignment == f"{module.id}.ipynb"
    assert module.solution_path().is_file()
    assert module.exercise_path().is_file(), "run `make exercises`"


@pytest.mark.parametrize("folder", MODULE_FOLDERS)
def test_every_module_folder_in_the_tree_is_in_the_manifest(folder):
    known = {m.id: m for m in MANIFEST.modules}
    for path in sorted((ROOT / folder).iterdir()):
        if path.name.startswith(".") or path.name == "README.md":
            continue
        assert path.is_dir() and path.name in known, f"{folder}/{path.name} is not in course.yml"
        module = known[path.name]
        listed = set(module.lessons) if folder == "courses" else {module.assignment}
        notebooks = {p.name for p in path.glob("*.ipynb")}
        assert notebooks == listed, f"{folder}/{path.name}: files and course.yml differ"


def test_every_dataset_a_module_uses_exists():
    bundled = {p.stem for p in (ROOT / "datasets").glob("*.csv")}
    for module in MANIFEST.modules:
        missing = set(module.datasets) - bundled
        assert not missing, f"{module.id} uses datasets that are not in datasets/: {missing}"


@pytest.mark.parametrize("programme", MANIFEST.programmes, ids=lambda p: f"{p.days}d")
def test_programme_fits_its_days_and_keeps_module_order(programme):
    days = schedule(MANIFEST, programme)
    assert 1 <= len(days) <= programme.days
    assert all(sum(m for _, _, m in day) <= programme.minutes_per_day for day in days)
    order = [module_id for day in days for module_id, _, _ in day]
    assert list(dict.fromkeys(order)) == list(programme.modules)


def test_programmes_for_one_three_five_and_six_days():
    assert sorted(p.days for p in MANIFEST.programmes) == [1, 3, 5, 6]


def test_the_longest_programme_is_the_whole_course():
    longest = max(MANIFEST.programmes, key=lambda p: p.days)
    assert list(longest.modules) == [m.id for m in MANIFEST.modules]


def test_readme_course_map_is_the_manifest():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- course-map -->\n(.*?)\n<!-- /course-map -->", readme, re.S)
    assert match, "README.md has no course map between <!-- course-map --> markers"
    assert match.group(1).strip() == markdown_course_map(MANIFEST), (
        "README's course map is stale: paste `infowork course --markdown` between the markers")
