"""The grades of one assignment as the instructor reads them: a table, a CSV for Excel, and the
saved report that `infowork report` refreshes after manual grading.

Scores come from nbgrader's gradebook. Autograded points (``score`` of ``max_score``) are the
test cells'; points of manually graded answers (``manual_score`` of ``manual_max``) count once
the instructor has given them in nbgrader's formgrader; until then they are «ждёт» (an answer
the trainee left as the stub gets 0 at once, as nbgrader decides).
An instructor's override of an autograded check in formgrader counts, as nbgrader counts it.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from pathlib import Path

__all__ = ["TraineeResult", "Report", "CSV_COLUMNS", "scores_from_gradebook", "format_table",
           "step_titles",
           "write_csv", "save", "load", "merged", "report_path", "ReportMissing"]

#: Columns of the grades CSV (Russian, for the instructor's Excel).
CSV_COLUMNS = ["слушатель", "имя", "файл", "баллы", "из", "ручная проверка (баллы)",
               "ручная проверка (из)", "итого", "проверено", "замечания",
               "непройденные проверки", "отзыв"]


class ReportMissing(RuntimeError):
    """No saved report for this assignment yet; the message is Russian."""


@dataclass
class TraineeResult:
    """One trainee's outcome. ``score`` and ``max_score`` count autograded points only;
    ``manual_score`` counts the manual points given so far and ``manual_pending`` the manual
    points still waiting for the instructor."""

    student: str
    name: str
    files: list[str]
    score: float
    max_score: float
    manual_max: float = 0.0
    graded: bool = True
    problems: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    feedback: list[Path] = field(default_factory=list)
    manual_score: float = 0.0
    manual_pending: float = 0.0
    #: Steps that passed in the trainee's kernel but not the independent check
    #: (infowork.grading.verdict): grade id -> the reason; they score 0.
    mismatched: dict[str, str] = field(default_factory=dict)
    #: Values in the gradebook that autograde never writes (extra credit, a manual score on an
    #: autograded check, ...), for the instructor to confirm in formgrader; read again on each
    #: run and report (infowork.grading.gradebook.suspicious_values).
    gradebook_flags: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return self.score + self.manual_score


@dataclass
class Report:
    assignment: str
    results: list[TraineeResult]
    rejected: list[tuple[str, str]]
    course_root: Path
    feedback_dir: Path | None = None
    #: Said once under the table (Russian): e.g. that the sandbox was not available.
    notes: list[str] = field(default_factory=list)

    def result(self, student: str) -> TraineeResult:
        for r in self.results:
            if r.student == student:
                return r
        raise KeyError(student)


def scores_from_gradebook(gb, assignment: str, student: str, tests: set[str]
                          ) -> dict[str, float | list[str]]:
    """The trainee's points from nbgrader's gradebook, split into autograded (``tests``, the
    grade ids of test cells) and manually graded answers."""
    submission = gb.find_submission(assignment, student)
    out = {"score": 0.0, "max_score": 0.0, "manual_score": 0.0, "manual_max": 0.0,
           "manual_pending": 0.0, "failed_checks": []}
    for notebook in submission.notebooks:
        for grade in sorted(notebook.grades, key=lambda g: g.name):
            if grade.name in tests:
                out["score"] += grade.score or 0.0
                out["max_score"] += grade.max_score
                if (grade.score or 0.0) < grade.max_score:
                    out["failed_checks"].append(grade.name)
            else:
                # nbgrader's own rule: an answer left as the stub scores 0 at once; a written
                # one waits (needs_manual_grade) until the instructor gives points.
                out["manual_max"] += grade.max_score
                if grade.needs_manual_grade:
                    out["manual_pending"] += grade.max_score
                else:
                    out["manual_score"] += grade.score or 0.0
    return out


# ---------------------------------------------------------------------------------------------
# Table and CSV

_STEP_HEADING = re.compile(r"^#{1,4}\s*(Шаг\s+\d+)\.?\s*(.*?)\s*(\([^()]*\))?\s*$", re.M)


def step_titles(nb) -> dict[str, str]:
    """The step each check belongs to, as the assignment's headings name it: grade id ->
    «Шаг 2. Пятёрка крупнейших» (the points in brackets dropped). A check before any
    «## Шаг N» heading gets no title.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("## Шаг 2. Пятёрка крупнейших (2 балла)"),
    ...     nbformat.v4.new_code_cell("", metadata={"nbgrader": {"grade_id": "test_top5"}})])
    >>> step_titles(nb)
    {'test_top5': 'Шаг 2. Пятёрка крупнейших'}
    """
    titles, current = {}, None
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            found = _STEP_HEADING.search(str(cell.get("source", "")))
            if found:
                current = f"{found.group(1)}. {found.group(2)}".rstrip(". ")
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id and current:
            titles.setdefault(grade_id, current)
    return titles


def _num(value: float) -> str:
    """A score as a Russian reader writes it: 7, 7,5."""
    return f"{value:g}".replace(".", ",")


def _manual(r: TraineeResult) -> str:
    """The manual part in a few words: «—», «ждёт (из 4)», «3 из 4», «1 из 4, ждёт 2»."""
    if not r.manual_max or not r.graded:
        return "—"
    if r.manual_pending == r.manual_max:
        return f"ждёт (из {_num(r.manual_max)})"
    given = f"{_num(r.manual_score)} из {_num(r.manual_max)}"
    return given + (f", ждёт {_num(r.manual_pending)}" if r.manual_pending else "")


#: Said in «замечания» about steps the independent check did not confirm (infowork.grading.verdict).
MISMATCH = "проверка в ядре не совпала с независимой проверкой"


def _remarks(r: TraineeResult) -> list[str]:
    """The trainee's problems, and the steps whose kernel verdict the replay overturned.

    >>> r = TraineeResult("ivanov", "Иванов", ["ivanov.ipynb"], 9, 12,
    ...                   mismatched={"test_top5": "top5: значение неверное"})
    >>> _remarks(r)
    ['проверка в ядре не совпала с независимой проверкой: top5']
    """
    steps = ", ".join(g.removeprefix("test_") for g in sorted(r.mismatched))
    return [*r.problems, *([f"{MISMATCH}: {steps}"] if steps else []), *r.gradebook_flags]


def _rows(report: Report) -> list[dict[str, str]]:
    rows = []
    for r in report.results:
        given = r.manual_max and r.graded and r.manual_pending < r.manual_max
        rows.append({"слушатель": r.student, "имя": r.name, "файл": ", ".join(r.files),
                     "баллы": _num(r.score), "из": _num(r.max_score),
                     "ручная проверка (баллы)": _num(r.manual_score) if given else "",
                     "ручная проверка (из)": _num(r.manual_max),
                     "итого": _num(r.total), "проверено": "да" if r.graded else "нет",
                     "замечания": "; ".join(_remarks(r)),
                     "непройденные проверки": ", ".join(r.failed_checks),
                     "отзыв": ", ".join(str(p) for p in r.feedback)})
    for name, reason in report.rejected:
        rows.append({column: "" for column in CSV_COLUMNS} |
                    {"файл": name, "проверено": "нет", "замечания": reason})
    return rows


@lru_cache(maxsize=None)
def step_numbers(assignment: str) -> dict[str, int]:
    """Check grade id -> its step number in the master copy of ``assignment`` (from the
    «## Шаг N» headings); empty when the master copy is not there."""
    import nbformat

    from infowork.course import ROOT

    path = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    if not path.is_file():
        return {}
    titles = step_titles(nbformat.read(path, as_version=4))
    return {grade_id: int(title.split()[1].rstrip(".")) for grade_id, title in titles.items()}


def _missed_steps(result: TraineeResult, assignment: str = "") -> str:
    """The steps a trainee did not get: «1 (young_share), 3 (top5)» — the step number the
    trainee sees and the answer's name in the notebook; «все» when none passed.

    >>> r = TraineeResult("ivanov", "Иванов", ["ivanov.ipynb"], 9, 12,
    ...                   failed_checks=["test_top5", "test_chart"])
    >>> _missed_steps(r)
    'top5, chart'
    """
    if not result.graded or not result.failed_checks:
        return "—"
    if result.score == 0:
        return "все"
    numbers = step_numbers(assignment) if assignment else {}
    named = [(numbers.get(c), c.removeprefix("test_")) for c in result.failed_checks]
    if all(n is not None for n, _ in named):
        return ", ".join(f"{n} ({name})" for n, name in sorted(named))
    return ", ".join(name for _, name in named)


def format_table(report: Report) -> str:
    """The per-trainee table the instructor reads in the terminal. The «ручная» column
    appears only when the assignment has manually graded answers."""
    with_manual = any(r.manual_max for r in report.results)
    header = ["№", "слушатель", "файл", "баллы", "из", *(["ручная"] if with_manual else []),
              "не засчитаны шаги", "замечания"]
    by_student = {r.student: r for r in report.results}
    lines = []
    for i, row in enumerate(_rows(report), start=1):
        r = by_student.get(row["слушатель"])
        manual = [_manual(r) if r else "—"] if with_manual else []
        lines.append([str(i), row["слушатель"] or "—", row["файл"], row["баллы"] or "—",
                      row["из"] or "—", *manual, _missed_steps(r, report.assignment) if r else "—",
                      row["замечания"] or "—"])
    left = {1, 2, len(header) - 2, *([5] if with_manual else [])}
    widths = [max(len(r[k]) for r in [header, *lines]) for k in range(len(header) - 1)]
    out = []
    for row in [header, *lines]:
        cells = [row[k].ljust(widths[k]) if k in left else row[k].rjust(widths[k])
                 for k in range(len(widths))]
        out.append("  ".join(cells + [row[-1]]).rstrip())
    graded = sum(1 for r in report.results if r.graded)
    title = (f"Задание {report.assignment}: слушателей {len(report.results)}, проверено "
             f"{graded}, не принято файлов {len(report.rejected)}")
    return "\n".join([title, "", *out, *(["", *report.notes] if report.notes else [])])


def write_csv(report: Report, path: Path | str) -> Path:
    """Grades as CSV for Excel: UTF-8 with BOM, «;» between columns, decimal comma."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows(_rows(report))
    return path


# ---------------------------------------------------------------------------------------------
# The saved report

def report_path(course_root: Path | str, assignment: str) -> Path:
    return Path(course_root) / "logs" / f"{assignment}.report.json"


def merged(previous: Report, current: Report) -> Report:
    """The class after ``current``, a run over some trainees' files (a late submission):
    their results replace the earlier ones, the other trainees' stay as they were."""
    redone = {r.student for r in current.results}
    results = sorted([*current.results, *(r for r in previous.results if r.student not in redone)],
                     key=lambda r: r.student)
    rejected = [*current.rejected, *(r for r in previous.rejected if r not in current.rejected)]
    return Report(current.assignment, results, rejected, current.course_root,
                  current.feedback_dir or previous.feedback_dir)


def save(report: Report, merge: bool = False) -> Path:
    """Keep the report beside nbgrader's logs, so `infowork report` can refresh it later.
    With ``merge``, trainees of an earlier saved run who are not in ``report`` are kept."""
    path = report_path(report.course_root, report.assignment)
    if merge and path.exists():
        report = merged(load(report.course_root, report.assignment), report)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(report)
    text = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    partial = path.with_suffix(".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return path


def load(course_root: Path | str, assignment: str) -> Report:
    path = report_path(course_root, assignment)
    if not path.exists():
        raise ReportMissing(f"Задание {assignment} ещё не проверялось в папке {course_root}: "
                            f"сначала запустите infowork grade {assignment} ПАПКА.")
    data = json.loads(path.read_text(encoding="utf-8"))
    known = {f.name for f in fields(TraineeResult)}
    results = []
    for item in data["results"]:
        item = {k: v for k, v in item.items() if k in known}
        item["feedback"] = [Path(p) for p in item.get("feedback", [])]
        results.append(TraineeResult(**item))
    feedback_dir = data.get("feedback_dir")
    return Report(data["assignment"], results, [tuple(r) for r in data["rejected"]],
                  Path(data["course_root"]), Path(feedback_dir) if feedback_dir else None)
