"""The class report: one self-contained Russian HTML page an instructor reads after grading.

Built from a course root and an assignment: the saved class report
(:mod:`infowork.grading.report`), nbgrader's gradebook (the points of every step) and the
autograded notebooks, whose test cells hold each trainee's answers as plain JSON data
(:mod:`infowork.answers`). The page shows

- the distribution of autograded scores and the share of trainees who passed each step,
  hardest first (charts in the kit's style, embedded as PNG);
- for each step, the answers of the trainees who failed it, equal values counted together
  («3 слушателя: 2024»), beside the master copy's value where the master could be run here;
  a table is shown as a fingerprint (shape, columns, first values);
- who is missing (files not accepted and why, works not graded, trainees of this course folder
  who sent other assignments but not this one) and the manual grading still pending.

Nothing here runs a trainee's code, and a malformed or huge answer record is capped or skipped:
the page is always written. It never contains the code of the checks.
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infowork import answers
from infowork.answers import MIME
from infowork.russian import number, plural, plural_word
from infowork.grading import report as saved_report

__all__ = ["StepStats", "ClassData", "Group", "collect", "histogram", "render", "write", "page_path", "summarize"]

#: Records longer than this (characters of JSON) are grouped by their digest but not decoded.
MAX_RECORD_CHARS = 2_000_000
#: Autograded notebooks larger than this are not read for answers.
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
#: At most this many groups of wrong answers per step are shown.
MAX_GROUPS = 8
#: A shown value is cut to this many characters.
MAX_SHOWN = 160


def page_path(course_root: Path | str, assignment: str) -> Path:
    """Where the page is written: beside the grades CSV (``grading/00_intro_class_report.html``)."""
    return Path(course_root) / f"{assignment}_class_report.html"


# ---------------------------------------------------------------------------------------------
# Values in a few words

def _cut(text: str, limit: int = MAX_SHOWN) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _num(x: Any) -> str:
    """A number as a Russian reader writes it (decimal comma), up to 6 significant digits."""
    if isinstance(x, bool):
        return "True" if x else "False"
    if isinstance(x, int):
        return number(x) if abs(x) < 10**15 else str(x)
    try:
        f = float(x)
    except (TypeError, ValueError, OverflowError):
        return _cut(repr(x), 40)
    if not math.isfinite(f):
        return str(f)
    if f.is_integer() and abs(f) < 10**15:
        return number(f)
    text = f"{f:.6g}"
    return text.replace(".", ",") if "e" not in text else text


def _scalar(x: Any) -> str:
    import numpy as np

    if x is None:
        return "None"
    if isinstance(x, (bool, np.bool_)):
        return "True" if x else "False"
    if isinstance(x, (int, float, np.integer, np.floating)):
        return _num(x)
    if isinstance(x, str):
        return f"«{_cut(x, 60)}»"
    if hasattr(x, "strftime") and hasattr(x, "hour"):
        try:
            return x.strftime("%d.%m.%Y" if (x.hour, x.minute, x.second) == (0, 0, 0)
                              else "%d.%m.%Y %H:%M")
        except (ValueError, TypeError):
            pass
    return _cut(str(x), 60)


def summarize(value: Any) -> str:
    """A value in a few words for the instructor: numbers and strings as they are, short lists
    whole, a table as its shape, columns and first values.

    >>> summarize(2024), summarize(0.2784), summarize("ЦФО"), summarize([1, 2.5])
    ('2\\xa0024', '0,2784', '«ЦФО»', '[1, 2,5]')
    >>> import pandas as pd
    >>> summarize(pd.DataFrame({"name": ["А", "Б"], "members": [120, 80]}))
    'таблица 2 × 2; столбцы: name, members; первая строка: «А», 120'
    """
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        rows, cols = value.shape
        columns = ", ".join(_cut(str(c), 30) for c in list(value.columns)[:8])
        columns += ", …" if cols > 8 else ""
        first = ""
        if rows and cols:
            first = "; первая строка: " + ", ".join(_scalar(v) for v in value.iloc[0, :6])
        return _cut(f"таблица {rows} × {cols}; столбцы: {columns or '—'}{first}")
    if isinstance(value, pd.Series):
        items = ", ".join(f"{_cut(str(k), 20)}: {_scalar(v)}" for k, v in
                          list(value.items())[:4])
        more = ", …" if len(value) > 4 else ""
        return _cut(f"ряд из {plural(len(value), 'значения', 'значений', 'значений')}: "
                    f"{items}{more}")
    if isinstance(value, (pd.Index, np.ndarray)):
        flat = list(np.asarray(value).reshape(-1)[:6])
        more = ", …" if np.asarray(value).size > 6 else ""
        return _cut(f"массив {np.asarray(value).shape}: " + ", ".join(map(_scalar, flat)) + more)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        shown = ", ".join(summarize(v) if isinstance(v, (list, tuple)) else _scalar(v)
                          for v in items[:10])
        more = ", …" if len(items) > 10 else ""
        brackets = {"list": "[]", "tuple": "()"}.get(type(value).__name__, "{}")
        return _cut(f"{brackets[0]}{shown}{more}{brackets[1]}")
    if isinstance(value, dict):
        shown = ", ".join(f"{_scalar(k)}: {_scalar(v)}" for k, v in list(value.items())[:6])
        return _cut("{" + shown + (", …" if len(value) > 6 else "") + "}")
    return _scalar(value)


def _axes_summary(node: dict) -> str:
    """A chart's snapshot (infowork.answers_chart) in words, without rebuilding it."""
    titles = node.get("titles") if isinstance(node.get("titles"), dict) else {}
    title = next((str(t) for t in titles.values() if t), "") or str(node.get("suptitle") or "")
    patches = node.get("patches")
    lines = node.get("lines")
    parts = ["диаграмма"]
    if isinstance(patches, list) and patches:
        parts.append(plural(len(patches), "столбец", "столбца", "столбцов"))
    if isinstance(lines, list) and lines:
        parts.append(plural(len(lines), "линия", "линии", "линий"))
    parts.append(f"заголовок «{_cut(title, 60)}»" if title.strip() else "без заголовка")
    if not str(node.get("xlabel") or "").strip() and not str(node.get("ylabel") or "").strip():
        parts.append("без подписей осей")
    return _cut(", ".join(parts))


def _record_summary(record: dict) -> tuple[str, str]:
    """(a digest that equal answers share, the answer in a few words) of one answer record."""
    try:
        text = answers.canonical(record)
    except (TypeError, ValueError, RecursionError):
        return "broken", "запись ответа повреждена"
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    kind = record.get("kind")
    if kind == "unsupported":
        return key, f"ответ нельзя передать на проверку ({_cut(record.get('why', ''), 80)})"
    if kind == "function":
        return key, "функция"
    if kind == "call":
        if isinstance(record.get("error"), dict):
            error = record["error"]
            return key, _cut(f"ошибка {error.get('ename', '')}: {error.get('evalue', '')}"
                             .rstrip(": "), 100)
        return _record_summary({"kind": "value", "node": record.get("result")})[0], \
            _node_summary(record.get("result"), len(text))
    return key, _node_summary(record.get("node"), len(text))


def _node_summary(node: Any, size: int) -> str:
    if not isinstance(node, dict):
        return "запись ответа повреждена"
    if size > MAX_RECORD_CHARS:
        return f"слишком большой ответ ({number(size)} знаков JSON), не показан"
    if node.get("t") == "axes":
        return _axes_summary(node)
    try:
        return summarize(answers.decode(node))
    except Exception:  # noqa: BLE001 - whatever a hostile kernel could have sent
        return "запись ответа повреждена"


# ---------------------------------------------------------------------------------------------
# The data of the page

@dataclass
class Group:
    count: int
    shown: str                       # the answer in a few words
    students: list[str]


@dataclass
class StepStats:
    grade_id: str
    notebook: str
    title: str                       # the test cell's docstring: «Шаг 2: top5 — …»
    points: float
    passed: int = 0
    failed: int = 0
    correct: str | None = None       # the master's answer in a few words, when known
    groups: list[Group] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How the page names the step: «Шаг 2 (top5)» — the number the trainee sees and the
        answer's name; the bare name when the docstring gives no step number."""
        found = re.match(r"\s*Шаг\s+(\d+)", self.title or "")
        name = self.grade_id.removeprefix("test_")
        return f"Шаг {found.group(1)} ({name})" if found else name

    @property
    def rate(self) -> float:
        total = self.passed + self.failed
        return self.passed / total if total else 0.0


@dataclass
class ClassData:
    assignment: str
    report: saved_report.Report
    steps: list[StepStats]
    scores: list[float]              # autograded score of each graded trainee
    max_score: float
    pending: list[tuple[str, str, list[str]]]   # (student, name, manual steps waiting)
    not_graded: list[tuple[str, str, str]]      # (student, name, why)
    absent: list[tuple[str, str, list[str]]]    # (student, name, other assignments sent)
    notes: list[str] = field(default_factory=list)


def _docstring(source: str) -> str:
    import ast

    try:
        tree = ast.parse(source)
        doc = ast.get_docstring(tree) or ""
    except (SyntaxError, ValueError):
        doc = ""
    return _cut(doc.strip().splitlines()[0], 200) if doc.strip() else ""


def _read_json(path: Path) -> dict | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _test_cells(nb: dict) -> list[dict]:
    cells = nb.get("cells") if isinstance(nb.get("cells"), list) else []
    out = []
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if (isinstance(meta, dict) and cell.get("cell_type") == "code" and meta.get("grade")
                and not meta.get("solution")):
            out.append(cell)
    return out


def _manual_cells(nb: dict) -> list[str]:
    out = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if isinstance(meta, dict) and meta.get("grade") and meta.get("solution"):
            out.append(str(meta.get("grade_id")))
    return out


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _cell_records(cell: dict) -> list[dict]:
    """The answer records among a test cell's outputs, never more than 50."""
    found = []
    for output in cell.get("outputs") or []:
        data = output.get("data") if isinstance(output, dict) else None
        if isinstance(data, dict) and isinstance(data.get(MIME), dict):
            found.append(data[MIME])
        if len(found) >= 50:
            break
    return found


def _cell_error(cell: dict) -> str:
    for output in cell.get("outputs") or []:
        if isinstance(output, dict) and output.get("output_type") == "error":
            return _cut(f"{output.get('ename', '')}: {output.get('evalue', '')}", 140)
    return ""


def _answer_of(cell: dict | None) -> tuple[str, str]:
    """(group key, shown text) of a trainee's answer in one autograded test cell."""
    if cell is None:
        return "no-cell", "проверка не найдена в проверенном блокноте"
    values = []
    for record in _cell_records(cell):
        if not isinstance(record, dict) or record.get("kind") == "call":
            continue
        values.append((str(record.get("name", "?"))[:40], *_record_summary(record)))
    calls = [r for r in _cell_records(cell) if isinstance(r, dict) and r.get("kind") == "call"]
    if calls:
        summaries = sorted({_record_summary(r) for r in calls[:20]})
        values = [(n, k + "|" + "|".join(s[0] for s in summaries),
                   "функция; на данных проверки: " + "; ".join(s[1] for s in summaries[:3]))
                  if shown == "функция" else (n, k, shown) for n, k, shown in values]
    if not values:
        error = _cell_error(cell).removeprefix("AssertionError: ")
        return "error:" + error, f"ответа нет: {error or 'проверка не сообщила причину'}"
    key = "|".join(k for _, k, _ in values)
    if len(values) == 1:
        return key, values[0][2]
    return key, "; ".join(f"{n} = {shown}" for n, _, shown in values)


def _master_answers(source_root: Path, assignment: str, steps: set[str]) -> dict[str, str]:
    """grade id -> the master copy's answer in a few words, for the test cells ``steps``. The
    master runs once per master copy (:func:`_run_master`); its answers are kept in the user's
    cache folder (:mod:`infowork.grading.cache`) for the next report."""
    import tempfile

    from infowork.grading import cache

    here = Path(__file__).resolve().parent
    code = [here / "class_report.py", here / "verdict.py", here.parent / "answers.py"]
    entry, folder = cache.folder("master"), source_root / assignment
    if entry is not None and folder.is_dir():
        key = cache.fingerprint(folder, "class report",
                                *(path.read_text(encoding="utf-8") for path in code))
        entry = entry / f"{assignment}-{key[:32]}.answers.json"
        try:
            found = json.loads(entry.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found = None
        if isinstance(found, dict):
            return {g: str(v) for g, v in found.items() if g in steps}
    found = _run_master(source_root, assignment)
    if entry is not None and found:
        with tempfile.TemporaryDirectory(prefix="infowork-answers-") as scratch:
            made = Path(scratch) / "answers.json"
            made.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
            cache.publish(made, entry)
    return {g: v for g, v in found.items() if g in steps}


def _run_master(source_root: Path, assignment: str) -> dict[str, str]:
    """grade id -> the master copy's answer in a few words, for every test cell (the master
    runs here; it is the kit's own code). Empty when it cannot be run."""
    import builtins
    import contextlib

    import nbformat

    from infowork.grading import verdict

    out: dict[str, str] = {}
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:  # noqa: BLE001
        return out
    for path in sorted((source_root / assignment).glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001
            continue
        namespace = {"__name__": "__main__", "__builtins__": builtins}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            if verdict.is_test_cell(cell):
                grade_id = str(cell.metadata["nbgrader"].get("grade_id"))
                master = _Collector(namespace)
                with verdict._replaying(master):
                    verdict._run(verdict.split_hidden(cell.source)[0], dict(namespace), grade_id)
                if master.records:
                    out[grade_id] = _answer_of({"outputs": [{"data": {MIME: r}}
                                                            for r in master.records]})[1]
            else:
                with contextlib.suppress(Exception), verdict._replaying(None):
                    verdict._run(cell.source, namespace, "master")
        plt.close("all")
    return out


class _Collector:
    """``checks.answer`` while the master's visible checks run: records its answers."""

    def __init__(self, namespace: dict):
        self.namespace, self.records = namespace, []

    def answer(self, name: str):
        value = self.namespace.get(name)
        if callable(value):
            self.records.append({"name": name, "kind": "function"})
            return value
        self.records.append(answers.record(name, value))
        return value


def _gradebook(course_root: Path, assignment: str) -> dict[str, dict[str, tuple]]:
    """student -> grade id -> (score, max score, needs manual grade), from nbgrader's gradebook."""
    import warnings

    from nbgrader.api import Gradebook

    try:
        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings("ignore", category=SAWarning)
    except ImportError:
        pass
    out: dict[str, dict[str, tuple]] = {}
    db = course_root / "gradebook.db"
    if not db.exists():
        return out
    with Gradebook("sqlite:///" + str(db), "infowork") as gb:
        try:
            submissions = gb.find_assignment(assignment).submissions
        except Exception:  # noqa: BLE001 - the assignment is not in this gradebook
            return out
        for submission in submissions:
            grades = out.setdefault(submission.student.id, {})
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    grades[grade.name] = (float(grade.score or 0.0), float(grade.max_score),
                                          bool(grade.needs_manual_grade))
    return out


def collect(course_root: Path | str, assignment: str, source_root: Path | str | None = None,
            with_master: bool = True) -> ClassData:
    """The figures of the page, from the saved report, the gradebook and autograded notebooks."""
    from infowork import ROOT

    course_root = Path(course_root).resolve()
    source_root = Path(source_root) if source_root is not None else ROOT / "solutions"
    report = saved_report.load(course_root, assignment)
    notes: list[str] = []
    # The steps, in the order of the release copy (no solutions in it; docstrings as titles).
    releases = sorted((course_root / "release" / assignment).glob("*.ipynb"))
    steps: dict[str, StepStats] = {}
    manual_ids: list[str] = []
    for path in releases:
        nb = _read_json(path) or {}
        for cell in _test_cells(nb):
            meta = cell["metadata"]["nbgrader"]
            grade_id = str(meta.get("grade_id"))
            steps[grade_id] = StepStats(grade_id, path.stem, _docstring(_source(cell)),
                                        float(meta.get("points") or 0))
        manual_ids += _manual_cells(nb)
    try:
        grades = _gradebook(course_root, assignment)
    except Exception as exc:  # noqa: BLE001 - the page is still written from the saved report
        grades = {}
        notes.append(f"Журнал оценок не прочитан ({type(exc).__name__}): доли по шагам взяты "
                     f"из сохранённого отчёта.")
    graded = [r for r in report.results if r.graded]
    failed_by: dict[str, list] = {g: [] for g in steps}
    for r in graded:
        mine = grades.get(r.student)
        for grade_id, step in steps.items():
            if mine and grade_id in mine:
                score, maximum, _ = mine[grade_id]
                ok = score >= maximum
            else:
                ok = grade_id not in r.failed_checks
            if ok:
                step.passed += 1
            else:
                step.failed += 1
                failed_by[grade_id].append(r)
    # The wrong answers, from the autograded notebooks of those who failed.
    cache: dict[tuple[str, str], dict[str, dict]] = {}
    for grade_id, step in steps.items():
        tally: dict[str, Group] = {}
        for r in failed_by[grade_id]:
            key = (r.student, step.notebook)
            if key not in cache:
                nb = _read_json(course_root / "autograded" / r.student / assignment /
                                f"{step.notebook}.ipynb") or {}
                cells = {}
                for cell in _test_cells(nb):
                    cells[str(cell["metadata"]["nbgrader"].get("grade_id"))] = cell
                cache[key] = cells
            try:
                group_key, shown = _answer_of(cache[key].get(grade_id))
            except Exception:  # noqa: BLE001 - one odd record never stops the page
                group_key, shown = "broken", "запись ответа повреждена"
            group = tally.setdefault(group_key, Group(0, shown, []))
            group.count += 1
            group.students.append(r.student)
        step.groups = sorted(tally.values(), key=lambda g: (-g.count, g.shown))
    if with_master and any(s.failed for s in steps.values()):
        try:
            correct = _master_answers(source_root, assignment,
                                      {g for g, s in steps.items() if s.failed})
        except Exception:  # noqa: BLE001
            correct = {}
        for grade_id, shown in correct.items():
            if not shown.startswith("функция"):  # a function has no one value to show
                steps[grade_id].correct = shown
    # Manual grading still pending, by step where the gradebook says which.
    pending = []
    for r in graded:
        mine = grades.get(r.student, {})
        waiting = [g for g in manual_ids if g in mine and mine[g][2]]
        if waiting or r.manual_pending:
            pending.append((r.student, r.name, waiting))
    not_graded = [(r.student, r.name, "; ".join(r.problems) or "работа не проверена")
                  for r in report.results if not r.graded]
    # Trainees of this course folder who sent other assignments but not this one.
    known = {r.student for r in report.results}
    absent: dict[str, tuple[str, list[str]]] = {}
    for path in sorted((course_root / "logs").glob("*.report.json")):
        other = path.name.removesuffix(".report.json")
        if other == assignment:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            for item in data.get("results", []):
                student = str(item["student"])
                if student not in known:
                    absent.setdefault(student, (str(item.get("name", student)), []))[1].append(
                        other)
        except Exception:  # noqa: BLE001 - another assignment's report is not ours to judge
            continue
    scores = [r.score for r in graded]
    max_score = max([r.max_score for r in graded] + [sum(s.points for s in steps.values())])
    return ClassData(assignment, report, sorted(steps.values(), key=lambda s: (s.rate,
                                                                                -s.failed)),
                     scores, max_score, pending, not_graded,
                     [(s, n, o) for s, (n, o) in sorted(absent.items())], notes)


# ---------------------------------------------------------------------------------------------
# Charts

def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def histogram(data: ClassData) -> dict[int, int]:
    """Whole autograded points (rounded down) -> how many graded trainees have them, from 0
    to the maximum, as the score chart shows them."""
    counts = Counter(int(math.floor(s)) for s in data.scores)
    top = max(int(math.ceil(data.max_score)), *counts, 0)
    return {x: counts.get(x, 0) for x in range(0, top + 1)}


def _charts(data: ClassData) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from infowork import style

    out = {}
    with plt.style.context(style.STYLE_PATH):
        if data.scores:
            bins = histogram(data)
            xs, ys = list(bins), list(bins.values())
            fig, ax = plt.subplots(figsize=(8, 3.6))
            bars = ax.bar(xs, ys, color=style.PALETTE["синий"], width=0.8)
            ax.bar_label(bars, labels=[str(y) if y else "" for y in ys], padding=2)
            ax.set_xticks(xs)
            ax.set_xlabel(f"баллы за автопроверку (из {_num(data.max_score)})")
            ax.set_ylabel("слушателей")
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.set_ylim(0, max(ys) * 1.2 + 0.5)
            median = statistics.median(data.scores)
            style.title(ax, "Распределение баллов",
                        subtitle=f"Проверено {plural(len(data.scores), 'работа', 'работы', 'работ')}"
                                 f", медиана {_num(median)}")
            style.source(fig, f"журнал оценок nbgrader, задание {data.assignment}")
            out["scores"] = _png(fig)
        steps = [s for s in data.steps if s.passed + s.failed]
        if steps:
            fig, ax = plt.subplots(figsize=(8, 0.45 * len(steps) + 1.4))
            labels = [s.label for s in steps][::-1]
            rates = [s.rate * 100 for s in steps][::-1]
            colours = [style.PALETTE["красный"] if r < 50 else style.PALETTE["оранжевый"]
                       if r < 80 else style.PALETTE["синий"] for r in rates]
            bars = ax.barh(labels, rates, color=colours)
            ax.bar_label(bars, labels=[f"{number(r)} %" for r in rates], padding=3)
            ax.set_xlim(0, 112)
            ax.set_xlabel("справились, % проверенных работ")
            ax.grid(axis="y", visible=False)
            style.title(ax, "Трудность шагов",
                        subtitle="Сверху — самые трудные; красный: меньше половины справились")
            style.source(fig, f"журнал оценок nbgrader, задание {data.assignment}")
            out["steps"] = _png(fig)
    return out


# ---------------------------------------------------------------------------------------------
# The page

_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;color:#222;max-width:1000px;margin:24px auto;
padding:0 16px;line-height:1.45}
h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;margin-top:32px;border-bottom:2px solid
#0072B2;padding-bottom:4px}h3{font-size:16px;margin:18px 0 6px}
.lead{color:#555;margin-top:0}.kpi{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.kpi div{background:#f2f6fa;border-radius:6px;padding:10px 14px;min-width:140px}
.kpi b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:14px}
th,td{border-bottom:1px solid #ddd;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f2f6fa}td.n{text-align:right;white-space:nowrap;width:130px}
.bar{background:#e8e8e8;height:10px;border-radius:5px;min-width:120px}
.bar span{display:block;height:10px;border-radius:5px}
.ok{color:#006b4f}.muted{color:#666}.answer{font-family:"DejaVu Sans Mono",monospace;font-size:13px}
img{max-width:100%}.correct{background:#eef8f3;border-left:4px solid #009E73;padding:4px 8px}
.who{color:#666;font-size:12px}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def render(data: ClassData) -> str:
    """The page as HTML text (UTF-8, no external resources)."""
    charts = _charts(data)
    report = data.report
    graded = len(data.scores)
    parts = [f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
             f"<title>Итоги группы: задание {_e(data.assignment)}</title>"
             f"<style>{_CSS}</style></head><body>",
             f"<h1>Итоги группы: задание {_e(data.assignment)}</h1>",
             f'<p class="lead">Страница для преподавателя: верные ответы на ней видны. '
             f"Папка проверки: {_e(report.course_root)}</p>"]
    mean = _num(round(statistics.mean(data.scores), 1)) if data.scores else "—"
    full = sum(1 for s in data.scores if s >= data.max_score)
    kpis = [(str(len(report.results)), "слушателей в отчёте"),
            (str(graded), plural_word(graded, "работа проверена", "работы проверены",
                                      "работ проверено")),
            (f"{mean} из {_num(data.max_score)}", "средний балл автопроверки"),
            (str(full), "с полным баллом"),
            (str(len(data.pending)), "ждут ручной проверки")]
    parts.append('<div class="kpi">' + "".join(f"<div><b>{_e(v)}</b>{_e(k)}</div>"
                                               for v, k in kpis) + "</div>")
    parts.append("<h2>Распределение баллов</h2>")
    if "scores" in charts:
        parts.append(f'<img alt="Распределение баллов" src="data:image/png;base64,'
                     f'{charts["scores"]}">')
    else:
        parts.append('<p class="muted">Проверенных работ пока нет.</p>')
    parts.append("<h2>Трудность шагов</h2>")
    if "steps" in charts:
        parts.append(f'<img alt="Трудность шагов" src="data:image/png;base64,'
                     f'{charts["steps"]}">')
    parts.append("<table><tr><th>Шаг</th><th>Что проверяется</th><th>Баллы</th>"
                 "<th>Справились</th><th></th></tr>")
    for s in data.steps:
        total = s.passed + s.failed
        colour = "#D55E00" if s.rate < .5 else "#E69F00" if s.rate < .8 else "#0072B2"
        parts.append(f"<tr><td>{_e(s.label)}</td><td>{_e(s.title)}</td>"
                     f'<td class="n">{_e(_num(s.points))}</td>'
                     f'<td class="n">{s.passed} из {total}</td>'
                     f'<td><div class="bar"><span style="width:{s.rate * 100:.0f}%;'
                     f'background:{colour}"></span></div></td></tr>')
    parts.append("</table>")
    parts.append("<h2>Частые неверные ответы</h2>"
                 '<p class="muted">Ответы слушателей, не прошедших шаг; одинаковые значения '
                 "посчитаны вместе. Самые трудные шаги — первыми.</p>")
    any_failed = False
    for s in data.steps:
        if not s.failed:
            continue
        any_failed = True
        parts.append(f"<h3>{_e(s.label)}: не справились "
                     f"{_e(plural(s.failed, 'слушатель', 'слушателя', 'слушателей'))}</h3>")
        if s.title:
            parts.append(f'<p class="muted">{_e(s.title)}</p>')
        if s.correct:
            parts.append(f'<p class="correct">Верный ответ (эталон): '
                         f'<span class="answer">{_e(s.correct)}</span></p>')
        parts.append('<table><tr><th style="width:130px">Сколько</th><th>Ответ</th></tr>')
        for g in s.groups[:MAX_GROUPS]:
            who = ", ".join(g.students[:12]) + (" …" if len(g.students) > 12 else "")
            parts.append(f'<tr><td class="n">{_e(plural(g.count, "слушатель", "слушателя", "слушателей"))}'
                         f'</td><td><span class="answer">{_e(g.shown)}</span>'
                         f'<div class="who">{_e(who)}</div></td></tr>')
        rest = s.groups[MAX_GROUPS:]
        if rest:
            parts.append(f'<tr><td class="n">{sum(g.count for g in rest)}</td><td class="muted">'
                         f"другие ответы ({len(rest)} разных)</td></tr>")
        parts.append("</table>")
    if not any_failed:
        parts.append('<p class="ok">Все проверенные работы прошли все шаги.</p>')
    parts.append("<h2>Кого нет и что не принято</h2>")
    if report.rejected:
        parts.append("<h3>Файлы не приняты</h3><table><tr><th>Файл</th><th>Почему</th></tr>")
        parts += [f"<tr><td>{_e(n)}</td><td>{_e(why)}</td></tr>" for n, why in report.rejected]
        parts.append("</table>")
    if data.not_graded:
        parts.append("<h3>Работы не проверены</h3><table><tr><th>Слушатель</th><th>Имя</th>"
                     "<th>Почему</th></tr>")
        parts += [f"<tr><td>{_e(s)}</td><td>{_e(n)}</td><td>{_e(why)}</td></tr>"
                  for s, n, why in data.not_graded]
        parts.append("</table>")
    if data.absent:
        parts.append("<h3>Не прислали это задание</h3><p class=\"muted\">Сдавали другие "
                     "задания в этой папке проверки, а это — нет.</p><table><tr><th>Слушатель"
                     "</th><th>Имя</th><th>Сдавал(а)</th></tr>")
        parts += [f"<tr><td>{_e(s)}</td><td>{_e(n)}</td><td>{_e(', '.join(o))}</td></tr>"
                  for s, n, o in data.absent]
        parts.append("</table>")
    if not (report.rejected or data.not_graded or data.absent):
        parts.append('<p class="ok">Все присланные файлы приняты и проверены.</p>')
    parts.append("<h2>Ждут ручной проверки</h2>")
    if data.pending:
        parts.append('<p class="muted">Оцените их в formgrader (make lab, меню Nbgrader → '
                     f"Formgrader), затем выполните <code>infowork report {_e(data.assignment)}"
                     "</code>.</p><table><tr><th>Слушатель</th><th>Имя</th><th>Шаги</th></tr>")
        parts += [f"<tr><td>{_e(s)}</td><td>{_e(n)}</td><td>{_e(', '.join(w) or '—')}</td></tr>"
                  for s, n, w in data.pending]
        parts.append("</table>")
    else:
        parts.append('<p class="ok">Ручная проверка не ждёт ни одной работы.</p>')
    for note in [*report.notes, *data.notes]:
        parts.append(f'<p class="muted">{_e(note)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def write(course_root: Path | str, assignment: str, source_root: Path | str | None = None,
          path: Path | str | None = None) -> Path:
    """Collect, render and write the page (atomically); returns its path."""
    data = collect(course_root, assignment, source_root)
    target = Path(path) if path is not None else page_path(course_root, assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_text(render(data), encoding="utf-8")
    partial.replace(target)
    return target
