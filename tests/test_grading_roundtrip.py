"""The instructor's grading round trip with real nbgrader, in a temporary course folder.

For each ready module, ONE grading run gets a folder such as an instructor collects from a class.
Every module's class has what depends on the module: the solution (full marks), the blank
exercise (zero), the `partial` submission from tests/proofs/ (its exact score); their manual
steps wait for the instructor, their feedback hides the hidden tests, the class page and the
gradebook agree. The first ready module's class (HOSTILE_MODULE) also has the hostile and odd
files: the solution zipped and in a trainee's folder, an invalid-JSON file, a notebook with
deleted nbgrader cells, a renamed notebook with a huge output, one with an endless loop and a
memory hog, one that kills the grading process, and two files that cannot be matched.

Why the hostile files are graded for one module only: what they test is the pipeline, not the
assignment. A zip, a folder, a renamed or unmatched file, invalid JSON, a timeout, a memory
limit, a killed grader and a huge output are handled before or around nbgrader, by code that
never looks at which assignment it grades (infowork/grading: submissions, worker, limits); the
module only decides which cells exist, and that is what each module's own class covers.
Deleted cells are restored from the module's master copy by nbgrader's add_missing_cells, one
generic mechanism. tests/test_hostile_class.py grades a much larger hostile corpus in depth.
Every trainee must be scored as they deserve and reported, and the folder must stay untouched.
The modules are graded two at a time, each in its own temporary course folder.
"""
from __future__ import annotations

import copy
import csv
import hashlib
import html
import json
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from infowork import grading
from infowork.grading import forkserver, sandbox

from conftest import (assignment_modules, fill_exercise, grade_meta, is_answer_cell,
                      is_test_cell, partial_replacements, read_proofs)
from english_text import english_sentences

MODULES = assignment_modules()
HOSTILE_MODULE = MODULES[0] if MODULES else None  # the one whose class also has the hostile files
#: The trainees of every module's class; the hostile class adds HOSTILE_STUDENTS.
CLASS_STUDENTS = {"ivanova", "petrov", "sidorov"}
HOSTILE_STUDENTS = {"aksenov", "kozlov", "smirnova", "volkov", "orlova", "zaytseva",
                    "belov_boris"}
CELL_TIMEOUT = 10  # seconds per cell for these runs: the endless loop costs this much
#: What a trainee might leave in a cell: `!infowork check` of the notebook being graded.
RECURSIVE_CHECK = ("import subprocess as _sp, sys as _sys\n"
                   "print(_sp.run([_sys.executable, '-m', 'infowork.cli', 'check', '{module}'],"
                   " capture_output=True, text=True).stderr)")
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)


@dataclass
class Expect:
    total: float                 # autograded points of the assignment
    last_step: str               # the last answer cell that autograded checks depend on
    last_step_points: float      # points of the checks right after it
    partial: float


def _expectations(solution, proofs) -> Expect:
    total = sum(float(grade_meta(c)["points"]) for c in solution.cells if is_test_cell(c))
    last, points, current, running = None, 0.0, None, 0.0
    for cell in solution.cells:
        if is_answer_cell(cell):
            current, running = grade_meta(cell)["grade_id"], 0.0
        elif is_test_cell(cell) and current:
            running += float(grade_meta(cell)["points"])
            last, points = current, running
    return Expect(total, last, points, float(proofs["partial"]["score"]))


def _without(nb, grade_ids):
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if grade_meta(c).get("grade_id") not in grade_ids]
    return nb


def _tests_of(nb, step):
    """grade_ids of the test cells that follow answer cell ``step`` (until the next answer)."""
    found, inside = [], False
    for cell in nb.cells:
        if is_answer_cell(cell):
            inside = grade_meta(cell)["grade_id"] == step
        elif inside and is_test_cell(cell):
            found.append(grade_meta(cell)["grade_id"])
    return found


def _append_to_answer(nb, step, code):
    for cell in nb.cells:
        if grade_meta(cell).get("grade_id") == step:
            cell.source += "\n" + code
    return nb


def build_inbox(folder: Path, module, hostile: bool) -> Expect:
    """Write the class's files into ``folder`` (with the hostile ones if ``hostile``); return
    what their grades must be."""
    solution = nbformat.read(module.solution_path(), as_version=4)
    exercise = nbformat.read(module.exercise_path(), as_version=4)
    proofs = read_proofs(module.id)
    expect = _expectations(solution, proofs)
    nb_name = module.id
    first_step = next(grade_meta(c)["grade_id"] for c in solution.cells if is_answer_cell(c))
    first_test = next(grade_meta(c)["grade_id"] for c in solution.cells if is_test_cell(c))
    done = fill_exercise(exercise, solution)

    nbformat.write(done, folder / f"ivanova_{nb_name}.ipynb")
    nbformat.write(exercise, folder / f"Петров_{nb_name} (1).ipynb")
    nbformat.write(fill_exercise(exercise, solution, partial_replacements(proofs)),
                   folder / f"sidorov-{nb_name} .ipynb")
    if not hostile:
        return expect
    (folder / f"kozlov_{nb_name}.ipynb").write_text('{"cells": [{"cell_type": "code", ',
                                                   encoding="utf-8")
    # Deleted: the first check alone (restored and scored) and the whole last step (0 for it).
    nbformat.write(_without(done, {first_test, expect.last_step,
                                   *_tests_of(solution, expect.last_step)}),
                   folder / f"Smirnova_{nb_name}.ipynb")
    # Renamed by the trainee, with a huge printout in the first answer, and a self-check
    # command left in the second (it must refuse to grade the notebook again).
    second_step = [grade_meta(c)["grade_id"] for c in solution.cells if is_answer_cell(c)][1]
    huge = _append_to_answer(copy.deepcopy(done), first_step,
                             "for _ in range(20000):\n    print('=' * 80)")
    huge = _append_to_answer(huge, second_step, RECURSIVE_CHECK.format(module=module.id))
    nbformat.write(huge, folder / "Волков_задание (2).ipynb")
    # A memory hog after the first answer and an endless loop in place of the last step.
    hog = fill_exercise(exercise, solution, {expect.last_step: "while True:\n    pass"})
    hog = _append_to_answer(hog, first_step, "_waste = bytearray(8 * 1024**3)")
    nbformat.write(hog, folder / f"orlova_{nb_name}.ipynb")
    # Kills the grading process from inside its kernel: recorded, and a fresh one goes on.
    killer = _append_to_answer(copy.deepcopy(done), first_step,
                               "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")
    nbformat.write(killer, folder / f"aksenov_{nb_name}.ipynb")
    # Sent as a zip holding the bare notebook, and copied from a USB stick as a folder.
    with zipfile.ZipFile(folder / "Зайцева.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{nb_name}.ipynb", nbformat.writes(done))
    (folder / "Белов Борис").mkdir()
    nbformat.write(done, folder / "Белов Борис" / f"{nb_name} (1).ipynb")
    (folder / "notes.txt").write_text("Списки группы", encoding="utf-8")
    nbformat.write(done, folder / "zadanie (1).ipynb")
    return expect


def _fingerprint(folder: Path) -> dict[str, tuple[str, int, int]]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                               p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class Graded:
    module: object
    expect: Expect
    report: grading.Report
    table: str
    csv_path: Path
    before: dict
    inbox: Path
    hostile: bool
    course: Path
    feedback: Path
    progress: list[str]


def _grade_module(module, root: Path, prepared_course) -> Graded:
    inbox, feedback, course = root / "inbox", root / "feedback", root / "course"
    inbox.mkdir()
    prepared_course(course, module.id, grading.Limits(timeout=CELL_TIMEOUT))
    hostile = module is HOSTILE_MODULE
    expect = build_inbox(inbox, module, hostile)
    before = _fingerprint(inbox)
    progress: list[str] = []
    # The hostile class runs with the default workers (one per core); a class of three, one
    # worker: a second would cost its start-up (~2 s of CPU) to grade a single trainee.
    report = grading.grade_folder(module.id, inbox, course_root=course, feedback_dir=feedback,
                                  limits=grading.Limits(timeout=CELL_TIMEOUT),
                                  progress=progress.append, jobs=None if hostile else 1)
    csv_path = grading.write_csv(report, course / f"{module.id}_grades.csv")
    return Graded(module, expect, report, grading.format_table(report), csv_path, before, inbox,
                  hostile, course, feedback, progress)


@pytest.fixture(scope="session")
def all_graded(tmp_path_factory, prepared_course) -> dict[str, Graded | Exception]:
    """Each module's class graded in its own course folder, two modules at a time (the
    nbgrader work happens in child processes, so threads are enough)."""
    roots = {m.id: tmp_path_factory.mktemp(m.id) for m in MODULES}  # not thread-safe

    def one(module):
        try:
            return _grade_module(module, roots[module.id], prepared_course)
        except Exception as exc:  # noqa: BLE001 - reported by each test of that module
            return exc

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(roots, pool.map(one, MODULES)))


@pytest.fixture(scope="module", params=MODULES, ids=lambda m: m.id)
def graded(request, all_graded) -> Graded:
    result = all_graded[request.param.id]
    if isinstance(result, Exception):
        raise result
    return result


@pytest.fixture(scope="module", params=MODULES[:1], ids=lambda m: m.id)
def hostile(request, all_graded) -> Graded:
    """The class with the hostile and odd files (HOSTILE_MODULE's)."""
    result = all_graded[request.param.id]
    if isinstance(result, Exception):
        raise result
    assert result.hostile
    return result


def _students(graded) -> set[str]:
    return CLASS_STUDENTS | (HOSTILE_STUDENTS if graded.hostile else set())


def test_solution_gets_full_autograded_marks(graded):
    r = graded.report.result("ivanova")
    assert r.graded and r.max_score == graded.expect.total
    assert r.score == graded.expect.total, r.failed_checks
    assert not r.problems, r.problems


def test_blank_exercise_gets_zero_without_an_error(graded):
    r = graded.report.result("petrov")
    assert r.graded, r.problems
    assert (r.score, r.max_score) == (0, graded.expect.total)
    assert r.name == "Петров" and r.files == [f"Петров_{graded.module.id} (1).ipynb"]
    assert not r.problems, r.problems


def test_zip_archive_and_trainee_folder_are_graded(hostile):
    nb_name = hostile.module.id
    zipped, folder = hostile.report.result("zaytseva"), hostile.report.result("belov_boris")
    assert zipped.files == [f"Зайцева.zip/{nb_name}.ipynb"] and zipped.name == "Зайцева"
    assert folder.files == [f"Белов Борис/{nb_name} (1).ipynb"]
    for r in (zipped, folder):
        assert r.graded and r.score == hostile.expect.total, (r.problems, r.failed_checks)


def test_a_self_check_left_in_a_notebook_does_not_grade_it_again(hostile):
    autograded = next((hostile.course / "autograded" / "volkov").rglob("*.ipynb"))
    text = json.dumps(nbformat.read(autograded, as_version=4), ensure_ascii=False)
    assert "запущена из блокнота, который сейчас проверяется" in text
    assert hostile.report.result("volkov").score == hostile.expect.total


def test_partial_submission_gets_exactly_its_score(graded):
    r = graded.report.result("sidorov")
    assert r.graded and r.score == graded.expect.partial, (r.score, r.failed_checks)


def test_invalid_json_is_reported_and_scored_zero(hostile):
    r = hostile.report.result("kozlov")
    assert not r.graded
    assert (r.score, r.max_score) == (0, hostile.expect.total)
    assert "файл не является блокнотом Jupyter (повреждённый JSON)" in r.problems


def test_deleted_cells_are_restored_and_scored(hostile):
    r = hostile.report.result("smirnova")
    assert r.graded
    assert r.score == hostile.expect.total - hostile.expect.last_step_points, r.failed_checks
    assert any("с проверкой" in p and "удалена — восстановлена" in p for p in r.problems)
    assert any(f"ячейка для ответа {hostile.expect.last_step} удалена" in p for p in r.problems)


def test_renamed_notebook_with_huge_output_is_graded(hostile):
    r = hostile.report.result("volkov")
    assert r.graded and r.score == hostile.expect.total, r.failed_checks
    assert any("переименован" in p for p in r.problems)
    assert "слишком длинный вывод — обрезан" in r.problems


def test_endless_loop_and_memory_hog_are_stopped_and_the_rest_is_graded(hostile):
    r = hostile.report.result("orlova")
    assert r.graded, r.problems
    assert r.score == hostile.expect.total - hostile.expect.last_step_points, r.failed_checks
    assert any("превышено время выполнения" in p for p in r.problems), r.problems
    assert any("не хватило памяти" in p for p in r.problems), r.problems


def test_a_notebook_that_kills_the_grader_does_not_stop_the_others(hostile):
    r = hostile.report.result("aksenov")
    if sandbox.configured_mode(hostile.course) == "off":
        assert not r.graded and r.score == 0
        assert any("проверка оборвалась" in p for p in r.problems), r.problems
    else:  # in the sandbox the kernel's parent is the sandbox's own init: the kill misses
        assert r.graded and r.score == hostile.expect.total, r
    # aksenov is hostile first: everyone after him was hostile by a fresh process.
    assert hostile.report.result("ivanova").score == hostile.expect.total


def test_unmatched_files_are_reported_not_skipped(hostile):
    reasons = dict(hostile.report.rejected)
    assert set(reasons) == {"notes.txt", "zadanie (1).ipynb"}
    assert "в имени нет фамилии" in reasons["zadanie (1).ipynb"]
    assert {r.student for r in hostile.report.results} == CLASS_STUDENTS | HOSTILE_STUDENTS


def test_table_shows_every_trainee_score_and_problem(graded):
    lines = graded.table.splitlines()
    assert "слушатель" in lines[2] and "баллы" in lines[2] and "замечания" in lines[2]
    total = f"{graded.expect.total:g}".replace(".", ",")
    row = next(line for line in lines if " ivanova " in line)
    assert re.search(rf"\b{total}\s+{total}\b", row)
    row = next(line for line in lines if " sidorov " in line)
    missed = graded.report.result("sidorov").failed_checks
    assert missed, "the partial submission must miss some steps"
    for check in missed:
        assert check.removeprefix("test_") in row, "the partial trainee's missed steps are named"
    if not graded.hostile:
        assert "слушателей 3, проверено 3, не принято файлов 0" in lines[0], lines[0]
        return
    row = next(line for line in lines if " kozlov " in line)
    assert "повреждённый JSON" in row
    assert any("notes.txt" in line and "ожидается файл .ipynb" in line for line in lines)
    killed = sandbox.configured_mode(graded.course) == "off"  # aksenov reaches the grader
    assert f"слушателей 10, проверено {8 if killed else 9}, не принято файлов 2" in lines[0]


def test_csv_opens_in_excel_and_matches_the_report(graded):
    raw = graded.csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel reads Cyrillic"
    with open(graded.csv_path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert list(rows[0]) == grading.CSV_COLUMNS
    by_student = {row["слушатель"]: row for row in rows if row["слушатель"]}
    for r in graded.report.results:
        assert by_student[r.student]["баллы"] == f"{r.score:g}".replace(".", ",")
        assert by_student[r.student]["из"] == f"{graded.expect.total:g}".replace(".", ",")
    assert by_student["petrov"]["имя"] == "Петров"
    assert set(by_student) == _students(graded)
    if graded.hostile:
        assert by_student["kozlov"]["проверено"] == "нет"
    assert len(rows) == len(_students(graded)) + len(graded.report.rejected)


def test_gradebook_holds_the_same_scores(graded):
    from nbgrader.api import Gradebook

    with Gradebook(grading._db_url(graded.course), grading.COURSE_ID) as gb:
        for r in graded.report.results:
            submission = gb.find_submission(graded.module.id, r.student)
            assert submission.code_score >= r.score
        assert gb.find_student("petrov").last_name == "Петров"


def _readable_text(page: str) -> str:
    """The page as a trainee reads it, without code (theirs or the kit's) and its outputs."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    for node in soup.select("script, style, .input_area, .output_wrapper, .prompt, code, pre"):
        node.decompose()
    return soup.get_text("\n")


def test_feedback_page_is_russian_and_names_each_step(graded):
    """The blank exercise's feedback page (every check failed, so every message shown)."""
    from bs4 import BeautifulSoup

    from infowork.grading.report import step_titles

    module_id = graded.module.id
    page = (graded.feedback / f"petrov_{module_id}.html").read_text(encoding="utf-8")
    text = _readable_text(page)
    assert not english_sentences(text), english_sentences(text)[:5]
    for english in ("No response", "Score", "Test cell", "Written response", "Student's",
                    "Comment", "(Top)"):
        assert english not in text, english
    assert not re.search(r"\d\.\d", text.split("Ответ слушателя")[0]), \
        "scores with a decimal point in the page's heading"
    toc = BeautifulSoup(page, "html.parser").select_one("#toc").get_text(" ")
    titles = step_titles(nbformat.read(graded.module.exercise_path(), 4))
    assert titles
    for title in set(titles.values()):
        assert title in toc, f"the table of contents does not name «{title}»"
    # Charts in the solution's page: alternative text a screen reader says in Russian.
    solved = (graded.feedback / f"ivanova_{module_id}.html").read_text(encoding="utf-8")
    # It opens offline: nothing is loaded from outside the page (nbgrader's template loads
    # MathJax from a CDN).
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?(https?:)?//""", solved)
    for image in re.findall(r"<img\b[^>]*>", solved):
        assert re.search(r'alt="[^"]*[А-Яа-яЁё]', image), image[:120]


def test_feedback_does_not_reveal_hidden_tests(graded):
    solution = nbformat.read(graded.module.solution_path(), as_version=4)
    exercise = nbformat.read(graded.module.exercise_path(), as_version=4)
    visible = "\n".join(c.source for c in exercise.cells)
    hidden_lines = {line.strip() for c in solution.cells if is_test_cell(c)
                    for block in HIDDEN.findall(c.source) for line in block.splitlines()
                    if len(line.strip()) > 12 and line.strip() not in visible}
    assert hidden_lines, "the assignment has hidden tests"
    pages = sorted(graded.feedback.glob("*.html"))
    killed = sandbox.configured_mode(graded.course) == "off"  # aksenov reaches the grader
    no_page = {"kozlov", *(["aksenov"] if killed else [])}  # unreadable; killed the grader
    assert {p.name for p in pages} == {f"{s}_{graded.module.id}.html"
                                       for s in _students(graded) - no_page}
    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        leaked = [line for line in hidden_lines if line in text]
        assert not leaked, f"{page.name} shows hidden test code: {leaked[:3]}"
        assert "BEGIN HIDDEN TESTS" not in text
    partial = html.unescape(re.sub(r"<[^>]+>", "", (graded.feedback /
                            f"sidorov_{graded.module.id}.html").read_text(encoding="utf-8")))
    assert "скрытые проверки" in partial
    assert "Ответ слушателя" in partial and "Student's answer" not in partial, \
        "the feedback page speaks Russian"
    assert re.search(r"AssertionError: [^\n]*[а-яё]", partial), \
        "a failed check shows its Russian message"


def test_input_folder_is_unchanged(graded):
    assert _fingerprint(graded.inbox) == graded.before


def test_regrading_updates_the_gradebook_and_keeps_the_others(all_graded, tmp_path):
    """A rerun over the same course folder: sidorov sends a corrected notebook. The gradebook's
    rerun works the same for every module, so the first module's course folder is enough."""
    graded = all_graded[MODULES[0].id]
    if isinstance(graded, Exception):
        raise graded
    solution = nbformat.read(graded.module.solution_path(), as_version=4)
    exercise = nbformat.read(graded.module.exercise_path(), as_version=4)
    nbformat.write(fill_exercise(exercise, solution),
                   tmp_path / f"sidorov_{graded.module.id}.ipynb")
    release = next((graded.course / "release" / graded.module.id).glob("*.ipynb"))
    generated_at = release.stat().st_mtime_ns
    report = grading.grade_folder(graded.module.id, tmp_path, course_root=graded.course,
                                  limits=grading.Limits(timeout=CELL_TIMEOUT))
    assert report.result("sidorov").score == graded.expect.total
    assert release.stat().st_mtime_ns == generated_at, \
        "an unchanged master copy is not registered with nbgrader again"

    from nbgrader.api import Gradebook

    with Gradebook(grading._db_url(graded.course), grading.COURSE_ID) as gb:
        assert gb.find_submission(graded.module.id, "sidorov").code_score == graded.expect.total
        assert gb.find_submission(graded.module.id, "ivanova").code_score == graded.expect.total
        assert gb.find_submission(graded.module.id, "kozlov").code_score == 0


def _manual_cells(module) -> list:
    solution = nbformat.read(module.solution_path(), as_version=4)
    return [c for c in solution.cells if grade_meta(c).get("grade") and not is_test_cell(c)]


def test_manually_graded_points_wait_for_the_instructor(graded):
    manual = sum(float(grade_meta(c)["points"]) for c in _manual_cells(graded.module))
    r = graded.report.result("ivanova")
    assert r.manual_max == manual and r.manual_pending == manual and r.manual_score == 0
    blank = graded.report.result("petrov")
    assert (blank.manual_pending, blank.manual_score) == (0, 0), \
        "an answer left as the stub gets 0 at once, as nbgrader decides"
    row = next(line for line in graded.table.splitlines() if " ivanova " in line)
    if manual:
        assert f"ждёт (из {manual:g})" in row
        assert f"0 из {manual:g}" in next(line for line in graded.table.splitlines()
                                          if " petrov " in line)
    else:
        assert "ручная" not in graded.table, "no manual column for a fully autograded module"


def test_report_after_formgrader_counts_manual_points_overrides_and_comments(graded):
    """What an instructor does in formgrader, done through nbgrader's gradebook API (the one
    formgrader's handlers call): points and a comment for ivanova's manual answers, an override of one
    check for the blank petrov. `infowork report` (grading.refresh) then shows them all, in the
    table, the CSV and the feedback pages, without running anyone's code again."""
    from nbgrader.api import Gradebook

    module, nb_name = graded.module, graded.module.id
    solution = nbformat.read(module.solution_path(), as_version=4)
    manual = _manual_cells(module)
    first_answer = next(grade_meta(c)["grade_id"] for c in solution.cells if is_answer_cell(c))
    first_test = next(c for c in solution.cells if is_test_cell(c))
    comment = "Хорошо: дата и место семинара указаны."
    given = 0.0
    with Gradebook(grading._db_url(graded.course), grading.COURSE_ID) as gb:
        for cell in manual:
            grade = gb.find_grade(grade_meta(cell)["grade_id"], nb_name, module.id, "ivanova")
            grade.manual_score = max(grade.max_score - 1, 0)
            grade.needs_manual_grade = False  # what formgrader's grade handler does
            given += grade.manual_score
        target = grade_meta(manual[0])["grade_id"] if manual else first_answer
        gb.find_comment(target, nb_name, module.id, "ivanova").manual_comment = comment
        override = gb.find_grade(grade_meta(first_test)["grade_id"], nb_name, module.id, "petrov")
        override.manual_score = override.max_score
        override.needs_manual_grade = False
        gb.db.commit()
    before = graded.report.result("ivanova")

    report = grading.refresh(module.id, course_root=graded.course)

    assert {r.student for r in report.results} == {r.student for r in graded.report.results}
    r = report.result("ivanova")
    assert (r.score, r.manual_score, r.manual_pending) == (before.score, given, 0)
    assert r.total == graded.expect.total + given
    assert report.result("petrov").score == float(grade_meta(first_test)["points"])
    table = grading.format_table(report)
    row = next(line for line in table.splitlines() if " ivanova " in line)
    if manual:
        max_manual = sum(float(grade_meta(c)["points"]) for c in manual)
        assert f"{given:g} из {max_manual:g}" in row and "ждёт" not in row
    csv_path = grading.write_csv(report, graded.course / "after_formgrader.csv")
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        rows = {row["слушатель"]: row for row in csv.DictReader(fh, delimiter=";")}
    assert rows["ivanova"]["итого"] == f"{graded.expect.total + given:g}".replace(".", ",")
    page = html.unescape(re.sub(r"<[^>]+>", "", (graded.feedback / f"ivanova_{nb_name}.html")
                                .read_text(encoding="utf-8")))
    assert comment in page, "the instructor's comment reaches the trainee"
    assert "BEGIN HIDDEN TESTS" not in page and "MARK SCHEME" not in page


def test_regrading_after_manual_grading_keeps_the_points_for_review(all_graded, tmp_path):
    """ivanova resends her work after the instructor graded it by hand: the manual points stay
    in the gradebook and wait for the instructor to confirm them. The first module with
    manually graded answers is enough."""
    graded = next(g for g in all_graded.values() if isinstance(g, Exception) or
                  _manual_cells(g.module))
    if isinstance(graded, Exception):
        raise graded
    manual = _manual_cells(graded.module)
    from nbgrader.api import Gradebook

    given = {}
    with Gradebook(grading._db_url(graded.course), grading.COURSE_ID) as gb:
        for cell in manual:
            grade = gb.find_grade(grade_meta(cell)["grade_id"], graded.module.id,
                                  graded.module.id, "ivanova")
            if grade.manual_score is None:  # this test run alone, without the one above
                grade.manual_score, grade.needs_manual_grade = 1.0, False
            given[grade.name] = grade.manual_score
        gb.db.commit()
    solution = nbformat.read(graded.module.solution_path(), as_version=4)
    exercise = nbformat.read(graded.module.exercise_path(), as_version=4)
    nbformat.write(fill_exercise(exercise, solution), tmp_path / f"ivanova_{graded.module.id}.ipynb")
    report = grading.grade_folder(graded.module.id, tmp_path, course_root=graded.course,
                                  limits=grading.Limits(timeout=CELL_TIMEOUT))
    r = report.result("ivanova")
    assert r.score == graded.expect.total and r.manual_pending == r.manual_max
    with Gradebook(grading._db_url(graded.course), grading.COURSE_ID) as gb:
        for grade_id, score in given.items():
            assert gb.find_grade(grade_id, graded.module.id, graded.module.id,
                                 "ivanova").manual_score == score


def test_class_report_matches_the_gradebook(graded):
    """The class page written by grading: per-step successes, the score histogram and the
    manual grading still pending are the gradebook's; the page loads nothing from outside and
    shows no hidden check's code."""
    from nbgrader.api import Gradebook

    from infowork.grading import class_report
    from test_class_report import assert_self_contained

    module = graded.module
    page = class_report.page_path(graded.course, module.id)
    assert page.exists(), "grade_folder writes the class page beside the CSV"
    data = class_report.collect(graded.course, module.id, with_master=False)
    students = [r.student for r in data.report.results if r.graded]
    solution = nbformat.read(module.solution_path(), as_version=4)
    tests = [grade_meta(c)["grade_id"] for c in solution.cells if is_test_cell(c)]
    manual = [grade_meta(c)["grade_id"] for c in _manual_cells(module)]
    scores, pending = [], set()
    with Gradebook(grading._db_url(graded.course), grading.COURSE_ID) as gb:
        steps = {s.grade_id: s for s in data.steps}
        assert sorted(steps) == sorted(tests)
        for grade_id in tests:
            passed = sum(1 for s in students if (g := gb.find_grade(
                grade_id, module.id, module.id, s)).score >= g.max_score)
            assert (steps[grade_id].passed, steps[grade_id].failed) == \
                (passed, len(students) - passed), grade_id
        for s in students:
            scores.append(sum(gb.find_grade(t, module.id, module.id, s).score for t in tests))
            if any(gb.find_grade(m, module.id, module.id, s).needs_manual_grade for m in manual):
                pending.add(s)
    assert sorted(data.scores) == sorted(scores)
    bins = class_report.histogram(data)
    assert sum(bins.values()) == len(students)
    assert all(bins[int(x)] == sum(1 for y in scores if int(y) == int(x)) for x in scores)
    assert {s for s, _, _ in data.pending} == pending
    assert data.steps == sorted(data.steps, key=lambda s: s.rate), "hardest first"
    text = page.read_text(encoding="utf-8")
    assert_self_contained(text, *(c.source for c in solution.cells if is_test_cell(c)))
    if graded.hostile:
        assert "kozlov" in text, "the file that could not be read is listed with its reason"


def test_default_jobs_and_jobs_1_give_identical_scores(hostile, tmp_path, prepared_course,
                                                        monkeypatch):
    """The class above was graded with the default workers (one per core), each forked from one
    prepared process; the well-behaved part of it graded again by one worker started afresh
    gets exactly the same scores."""
    assert grading.default_jobs() >= 1
    workers = sorted(p.stem for p in (hostile.course / "logs").glob("worker-*.log"))
    forked = (hostile.course / "logs" / "workers.log").read_text(encoding="utf-8")
    assert workers and all(f"forked worker {w.removeprefix('worker-')} " in forked
                           for w in workers), forked
    monkeypatch.setenv(forkserver.SWITCH, "0")
    assert any("одновременно" in line for line in hostile.progress)
    assert any("осталось" in line for line in hostile.progress), "progress shows an ETA"
    calm = [r for r in hostile.report.results if r.graded and not r.problems
            and all("/" not in f and (hostile.inbox / f).is_file() for f in r.files)][:3]
    assert calm, hostile.table
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for r in calm:
        for name in r.files:
            (inbox / name).write_bytes((hostile.inbox / name).read_bytes())
    prepared_course(tmp_path / "course", hostile.module.id, grading.Limits(timeout=CELL_TIMEOUT))
    again = grading.grade_folder(hostile.module.id, inbox, course_root=tmp_path / "course",
                                 limits=grading.Limits(timeout=CELL_TIMEOUT), jobs=1)
    assert {r.student: (r.score, r.max_score) for r in again.results} == \
        {r.student: (r.score, r.max_score) for r in calm}
    assert not (tmp_path / "course" / "logs" / "workers.log").exists()


def test_a_slow_trainee_holds_up_only_its_own_worker(tmp_path, monkeypatch, prepared_course):
    """Two workers, trainees a_slow, q1, q2 in that order (blank work: quick to grade). a_slow's
    first cell waits until q1 and q2 are both graded: it is done only if the other worker took
    both (had each worker a fixed share, q2 would wait behind a_slow until its cell gave up)."""
    module = HOSTILE_MODULE
    monkeypatch.setenv(sandbox.SWITCH, "0")  # a_slow looks at the course folder's logs/
    course = (tmp_path / "course").resolve()
    limits = grading.Limits(timeout=CELL_TIMEOUT * 6)
    prepared_course(course, module.id, limits)
    blank = nbformat.read(module.exercise_path(), as_version=4)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for student in ("q1", "q2"):
        nbformat.write(blank, inbox / f"{student}_{module.id}.ipynb")
    slow = copy.deepcopy(blank)
    slow.cells.insert(0, nbformat.v4.new_code_cell(
        "import pathlib, time\n"
        f"logs = pathlib.Path({str(course / 'logs')!r})\n"
        f"end = time.monotonic() + {CELL_TIMEOUT * 4}\n"
        "while len(list(logs.glob('q?.json'))) < 2 and time.monotonic() < end:\n"
        "    time.sleep(0.1)\n"
        "print('готовы:', len(list(logs.glob('q?.json'))))"))
    nbformat.write(slow, inbox / f"a_slow_{module.id}.ipynb")
    progress: list[str] = []
    report = grading.grade_folder(module.id, inbox, course_root=course, limits=limits,
                                  progress=progress.append, jobs=2)
    done = [m.group(1) for line in progress if (m := re.search(r"\] (\S+) \(прошло", line))]
    assert done == ["q1", "q2", "a_slow"], progress
    waited = nbformat.read(course / "autograded" / "a_slow" / module.id / f"{module.id}.ipynb", 4)
    assert "готовы: 2" in waited.cells[0].outputs[0]["text"], waited.cells[0].outputs
    assert all(r.graded and r.score == 0 for r in report.results), report.results
    assert not list((course / "logs").glob("*.claim*")), "the workers' claims are cleared"


def test_two_groups_are_graded_apart_and_namesakes_are_not_merged(tmp_path, monkeypatch,
                                                                  prepared_course):
    """Group A: ivanov's full work. Group B: another ivanov's blank one and Иванов's full one.
    Each group has its own gradebook, CSV and report; B's ivanov does not touch A's; graded
    again without ivanov's file, B's Иванов keeps the id (no renumbering, no takeover)."""
    from nbgrader.api import Gradebook

    from infowork.grading import pipeline
    from infowork.grading.submissions import namesake_id

    module = MODULES[0]
    monkeypatch.setattr(pipeline, "DEFAULT_COURSE_ROOT", tmp_path / "grading")
    solution = nbformat.read(module.solution_path(), as_version=4)
    exercise = nbformat.read(module.exercise_path(), as_version=4)
    full = fill_exercise(exercise, solution)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    nbformat.write(full, a / f"ivanov_{module.id}.ipynb")
    nbformat.write(exercise, b / f"ivanov_{module.id}.ipynb")
    nbformat.write(full, b / f"Иванов_{module.id}.ipynb")
    for group in ("seminar-a", "seminar-b"):
        prepared_course(tmp_path / "grading" / "groups" / group, module.id)
    assert grading.main(module.id, a, group="seminar-a") == 0
    assert grading.main(module.id, b, group="seminar-b", jobs=2) == 0
    root_a, root_b = grading.group_root("seminar-a"), grading.group_root("seminar-b")
    assert root_a == tmp_path / "grading" / "groups" / "seminar-a"
    from infowork.grading import report as saved_report
    rep_a = saved_report.load(root_a, module.id)
    rep_b = saved_report.load(root_b, module.id)
    total = rep_a.result("ivanov").max_score
    assert {r.student: r.score for r in rep_a.results} == {"ivanov": total}
    namesake = namesake_id("ivanov", "Иванов")
    assert {r.student: r.score for r in rep_b.results} == {"ivanov": 0.0, namesake: total}
    assert any(namesake in p for p in rep_b.result(namesake).problems)
    csv_a = (root_a / f"{module.id}_grades.csv").read_text(encoding="utf-8-sig")
    assert namesake not in csv_a and namesake in \
        (root_b / f"{module.id}_grades.csv").read_text(encoding="utf-8-sig")
    # Group B again with ivanov's file left out: Иванов keeps the id, ivanov keeps the grade.
    (b / f"ivanov_{module.id}.ipynb").unlink()
    assert grading.main(module.id, b, group="seminar-b") == 0
    with Gradebook(pipeline._db_url(root_b), pipeline.COURSE_ID) as gb:
        assert sorted(s.id for s in gb.students) == sorted(["ivanov", namesake])
        assert gb.find_submission(module.id, "ivanov").score == 0.0
        assert gb.find_submission(module.id, namesake).score == total
    with Gradebook(pipeline._db_url(root_a), pipeline.COURSE_ID) as gb:
        assert [s.id for s in gb.students] == ["ivanov"]
        assert gb.find_submission(module.id, "ivanov").score == total
    assert not (tmp_path / "grading" / "gradebook.db").exists(), "the default group untouched"
    assert grading.main_report(module.id, group="../x") == 2


def test_a_copy_of_a_prepared_course_folder_is_not_prepared_again(tmp_path, monkeypatch,
                                                                   prepared_course):
    """Grading tests share one nbgrader generate_assignment per assignment (conftest's
    prepared_course): the copy's own path does not count as a change of the master copy."""
    from infowork.grading import pipeline

    module = MODULES[0]
    prepared_course(tmp_path / "first", module.id)

    run = pipeline.subprocess.run

    def no_nbgrader(argv, *args, **kwargs):
        assert "generate_assignment" not in argv, f"nbgrader ran again: {argv}"
        return run(argv, *args, **kwargs)

    monkeypatch.setattr(pipeline.subprocess, "run", no_nbgrader)
    prepared_course(tmp_path / "second", module.id)
    assert (tmp_path / "second" / "release" / module.id / f"{module.id}.ipynb").exists()
    assert str(tmp_path / "second") in (tmp_path / "second" / "nbgrader_config.py").read_text()


def test_a_new_gradebook_is_stamped_with_the_schema_version_of_alembic_heads(tmp_path,
                                                                             prepared_course):
    """nbgrader_config.py answers nbgrader's question «which schema version?» in-process
    (infowork.grading.gradebook.alembic_head) instead of running ``alembic heads``: the stamp
    must be the command's own answer, or nbgrader would later try to migrate the gradebook."""
    import sqlite3
    import subprocess
    import sys

    from nbgrader.dbutil import _temp_alembic_ini

    prepared_course(tmp_path / "course", MODULES[0].id)
    connection = sqlite3.connect(tmp_path / "course" / "gradebook.db")
    try:
        stamped = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    finally:
        connection.close()
    with _temp_alembic_ini(f"sqlite:///{tmp_path / 'scratch.db'}") as ini:
        heads = subprocess.run([str(Path(sys.executable).parent / "alembic"), "-c", ini, "heads"],
                               capture_output=True, text=True, check=True).stdout
    assert stamped == [(heads.split()[0],)]


def test_a_new_course_folder_is_prepared_from_the_cache_and_one_with_grades_in_place(
        tmp_path, monkeypatch):
    """A new group's course folder gets the gradebook and release copy generate_assignment
    made before from the same master copy (the user's cache): the same master rows, the same
    files, no nbgrader run. A folder whose gradebook holds trainees is never replaced by the
    cached one: nbgrader updates it in place and the trainee stays."""
    import sqlite3

    from nbgrader.api import Gradebook

    from infowork.grading import gradebook, pipeline

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    module = MODULES[0]
    first, second = (tmp_path / "first").resolve(), (tmp_path / "second").resolve()
    grading.prepare_course(first, module.id, grading.SOURCE_ROOT, grading.Limits())
    assert list((tmp_path / "cache" / "infowork" / "prepared").iterdir()), "kept in the cache"

    run, generated = pipeline.subprocess.run, []

    def counting(argv, *args, **kwargs):
        if "generate_assignment" in argv:
            generated.append(kwargs.get("cwd"))
        return run(argv, *args, **kwargs)

    monkeypatch.setattr(pipeline.subprocess, "run", counting)
    grading.prepare_course(second, module.id, grading.SOURCE_ROOT, grading.Limits())
    assert generated == []

    def rows(folder):
        connection = sqlite3.connect(folder / "gradebook.db")
        try:
            return gradebook._master_rows(connection, module.id)
        finally:
            connection.close()

    assert rows(second) == rows(first) and rows(first)
    release = f"release/{module.id}/{module.id}.ipynb"
    assert (second / release).read_bytes() == (first / release).read_bytes()

    with Gradebook(pipeline._db_url(second), grading.COURSE_ID) as gb:
        gb.add_student("ivanova")
    (second / "logs" / f"{module.id}.source.sha256").unlink()  # as after a master copy change
    grading.prepare_course(second, module.id, grading.SOURCE_ROOT, grading.Limits())
    assert generated == [second]
    with Gradebook(pipeline._db_url(second), grading.COURSE_ID) as gb:
        assert [s.id for s in gb.students] == ["ivanova"]
