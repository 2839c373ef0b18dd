"""Trainees' notebooks as they arrive: from a folder of files to one notebook per trainee.

Trainees send their notebooks by e-mail or on a USB stick, one file each, named
``ФАМИЛИЯ_ЗАДАНИЕ.ipynb`` (``ivanov_00_intro.ipynb``). This module reads such a folder without
changing it: it normalises the names (``Ivanov_00_intro (1).ipynb``, ``petrov-00_intro .ipynb``,
``Иванов_00_intro.ipynb``; Cyrillic surnames become ASCII ids), recognises a renamed notebook by
its nbgrader cells, reports every file it cannot match with the reason, and puts back nbgrader
cells a trainee deleted (:func:`repair`). :mod:`infowork.grading` grades what it finds.

>>> student_id("Иванов")
'ivanov'
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = ["student_id", "parse_filename", "scan_folder", "repair", "cell_kind", "Candidate",
           "HIDDEN_TESTS", "MAX_FILE_MB"]

#: A larger file is refused before it is read (a notebook full of output).
MAX_FILE_MB = 200

# ---------------------------------------------------------------------------------------------
# File names -> trainees

_TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "yi",
     "ye", "g"]))
_COPY_SUFFIX = re.compile(r"[\s_-]*(\(\d+\)|\[\d+\]|копия|copy|kopiya)\s*$", re.IGNORECASE)
#: Words that name the task, not the trainee: never taken for a surname.
_GENERIC = {"zadanie", "zadaniye", "rabota", "reshenie", "homework", "assignment", "exercise",
            "notebook", "untitled", "bloknot", "dz", "final", "itog", "versiya", "version",
            "new", "novyy", "kopiya", "copy", "praktika", "seminar", "modul", "module"}


def _generic(token: str) -> bool:
    """A word of a file name that names the task or a copy (Untitled1, zadanie2), not a person."""
    return token.isdigit() or re.sub(r"\d+$", "", token) in _GENERIC


def student_id(text: str) -> str:
    """An ASCII id for nbgrader from what a trainee typed (a surname, maybe in Cyrillic).

    >>> student_id("Иванов")
    'ivanov'
    >>> student_id("Щукина-Ёлкина  А.")
    'shchukina_elkina_a'
    >>> student_id("Petrov")
    'petrov'
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(_TRANSLIT.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _strip_copy_suffixes(stem: str) -> str:
    stem = stem.strip()
    while True:
        shorter = _COPY_SUFFIX.sub("", stem).strip()
        if shorter == stem:
            return stem
        stem = shorter


def _name_part(original: str, notebook: str) -> str:
    """The trainee's own spelling of the name: the file stem without the notebook's name."""
    pattern = r"[\s_-]*".join(re.escape(part) for part in re.split(r"[_\s-]+", notebook) if part)
    rest = re.sub(pattern, " ", original, flags=re.IGNORECASE) if pattern else original
    return re.sub(r"[\s_-]+", " ", rest).strip()


def parse_filename(filename: str, notebooks: list[str]) -> tuple[str | None, str, str | None]:
    """Split a file name into (student id, name as written, assignment notebook or None).

    The notebook is None when the file's name does not contain any of the assignment's
    notebook names (a renamed notebook: its content decides). The student id is None when
    the name holds no surname.

    >>> parse_filename("Ivanov_00_intro (1).ipynb", ["00_intro"])
    ('ivanov', 'Ivanov', '00_intro')
    >>> parse_filename("petrov-00_intro .ipynb", ["00_intro"])
    ('petrov', 'petrov', '00_intro')
    >>> parse_filename("Сидорова_задание (2).ipynb", ["00_intro"])
    ('sidorova', 'Сидорова', None)
    >>> parse_filename("zadanie (1).ipynb", ["00_intro"])
    (None, '', None)
    """
    stem = re.sub(r"\.ipynb$", "", filename.strip(), flags=re.IGNORECASE)
    original = _strip_copy_suffixes(unicodedata.normalize("NFC", stem))
    norm = student_id(original)
    for notebook in sorted(notebooks, key=len, reverse=True):
        key = student_id(notebook)
        found = re.search(rf"(^|_){re.escape(key)}(_|$)", norm)
        if not found:
            continue
        before, after = norm[:found.start()].strip("_"), norm[found.end():].strip("_")
        student = before or after
        tokens = [t for t in student.split("_") if t and not _generic(t)]
        name = _name_part(original, notebook)
        if not tokens:
            return None, "", notebook
        return "_".join(tokens), name, notebook
    tokens = [t for t in norm.split("_") if t]
    words = [w for w in re.split(r"[\s_-]+", original) if w]
    for i, token in enumerate(tokens):
        if not _generic(token):
            name = words[i] if len(words) == len(tokens) else token
            return token, name, None
    return None, "", None


# ---------------------------------------------------------------------------------------------
# The folder -> candidates (one per trainee) and rejected files

@dataclass
class Candidate:
    """A file matched to a trainee and to one notebook of the assignment."""

    path: Path
    student: str
    name: str
    notebook: str
    nb: nbformat.NotebookNode | None = None   # None when the file is not a readable notebook
    problems: list[str] = field(default_factory=list)
    #: What the instructor's table calls the file (the file name unless set).
    label: str = ""

    def __post_init__(self):
        self.label = self.label or self.path.name


def _grade_ids(nb) -> set[str]:
    return {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade_id")}


def _read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """(notebook, None) or (None, Russian reason why the file is not a notebook)."""
    size_mb = path.stat().st_size / 1024 / 1024
    if size_mb > MAX_FILE_MB:
        return None, f"файл слишком большой ({size_mb:.0f} МБ): очистите вывод ячеек и пришлите снова"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "файл не является блокнотом Jupyter (не текст UTF-8)"
    try:
        raw = json.loads(text)
    except json.JSONDecodeError:
        return None, "файл не является блокнотом Jupyter (повреждённый JSON)"
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        return None, "файл не является блокнотом Jupyter (в нём нет ячеек)"
    try:
        return nbformat.reads(text, as_version=4), None
    except Exception:  # noqa: BLE001 - any nbformat failure means "not a notebook we can grade"
        return None, "файл не является блокнотом Jupyter (неизвестный формат)"


def scan_folder(folder: Path, masters: dict[str, nbformat.NotebookNode]
                ) -> tuple[list[Candidate], list[tuple[str, str]]]:
    """Match the files of ``folder`` to trainees. Nothing in the folder is changed.

    ``masters`` maps each notebook name of the assignment to its master copy. Returns the
    candidates (at most one per trainee and notebook: the newest file wins) and the rejected
    files as (file name, Russian reason).
    """
    ids = {name: _grade_ids(nb) for name, nb in masters.items()}
    found: list[Candidate] = []
    rejected: list[tuple[str, str]] = []
    rule = f"назовите файл по правилу фамилия_{next(iter(masters))}.ipynb"
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith((".", "~$")) or path.name in ("Thumbs.db", "desktop.ini"):
            continue
        if path.is_dir():
            rejected.append((path.name + "/", "папка пропущена: положите работы прямо в проверяемую "
                                              "папку, по одному файлу на слушателя"))
            continue
        if path.suffix.lower() != ".ipynb":
            rejected.append((path.name, "не блокнот Jupyter (ожидается файл .ipynb)"))
            continue
        student, name, notebook = parse_filename(path.name, list(masters))
        nb, broken = _read_notebook(path)
        problems = []
        if notebook is None and nb is not None:
            overlap = {n: len(_grade_ids(nb) & ids[n]) for n in masters}
            best = max(overlap, key=overlap.get)
            if overlap[best]:
                notebook = best
                problems.append(f"файл переименован («{path.name}») — принят как {best}.ipynb")
        if notebook is None:
            why = broken if broken else f"не похоже на задание {', '.join(masters)}"
            rejected.append((path.name, f"не удалось сопоставить с заданием: {why}; {rule}"))
            continue
        if student is None:
            rejected.append((path.name, f"не удалось понять, чья это работа: в имени нет фамилии; "
                                        f"{rule}"))
            continue
        if nb is not None and not _grade_ids(nb) & ids[notebook]:
            problems.append("в блокноте нет ни одной ячейки задания (прислан не тот блокнот?)")
        if broken:
            problems.append(broken)
        found.append(Candidate(path, student, name or student, notebook, nb, problems))

    groups: dict[tuple[str, str], list[Candidate]] = {}
    for cand in found:
        groups.setdefault((cand.student, cand.notebook), []).append(cand)
    chosen = []
    for group in groups.values():
        # A readable notebook beats a broken one; then the newest file wins.
        group.sort(key=lambda c: (c.nb is not None, c.path.stat().st_mtime, c.path.name))
        best = group[-1]
        for other in group[:-1]:
            why = "файл повреждён" if other.nb is None else "есть файл новее"
            rejected.append((other.path.name, f"{why}: у слушателя {best.student} проверен "
                                              f"{best.path.name}"))
        if len(group) > 1:
            best.problems.insert(0, f"прислано файлов: {len(group)}, проверен {best.path.name}")
        chosen.append(best)
    return sorted(chosen, key=lambda c: (c.student, c.notebook)), rejected


# ---------------------------------------------------------------------------------------------
# Putting back deleted nbgrader cells

# nbgrader marks regions by any line that contains these words (ClearHiddenTests, ClearMarkScheme).
HIDDEN_TESTS = re.compile(r"^[^\n]*BEGIN HIDDEN TESTS.*?^[^\n]*END HIDDEN TESTS[^\n]*\n?",
                     re.MULTILINE | re.DOTALL)


def cell_kind(cell) -> str:
    """«test» (an autograded check), «answer» (the trainee writes it) or «locked» (the rest)."""
    meta = cell.metadata.get("nbgrader", {})
    if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
        return "test"
    if meta.get("solution"):
        return "answer"
    return "locked"


def _visible(source: str) -> str:
    """A test cell's code without its hidden region and blank lines (for comparing copies)."""
    lines = HIDDEN_TESTS.sub("", source).splitlines()
    return "\n".join(line.rstrip() for line in lines if line.strip())


def repair(nb: nbformat.NotebookNode, release: nbformat.NotebookNode
           ) -> tuple[nbformat.NotebookNode, list[str]]:
    """Put the release copy's nbgrader cells the trainee deleted back in place.

    nbgrader's ``add_missing_cells`` restores a deleted test cell, but crashes (KeyError) when
    the cell before it is gone too, e.g. when a trainee deletes a whole step. So every missing
    cell is put back from the trainee's copy (exercises/) after the nearest cell that is still
    there; nbgrader then overwrites tests with the master copy as usual. Also reports test cells
    the trainee edited (nbgrader restores those from the master copy). Returns a new notebook
    and Russian notes.
    """
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):  # an older Jupyter: cells without ids
        nb.nbformat, nb.nbformat_minor = 4, 5
        for number, cell in enumerate(nb.cells):
            cell.setdefault("id", f"cell-{number}")
    notes: list[str] = []
    position = {c.metadata.get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id")}
    previous = None  # index (in nb) of the last master cell seen
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if not grade_id:
            continue
        if grade_id in position:
            previous = position[grade_id]
            mine = nb.cells[previous]
            if cell_kind(cell) == "test" and _visible(mine.source) != _visible(cell.source):
                notes.append(f"ячейка с проверкой {grade_id} изменена — восстановлена из эталона")
            continue
        restored = nbformat.from_dict(json.loads(json.dumps(cell)))
        if restored.get("id") in {c.get("id") for c in nb.cells}:
            restored["id"] = re.sub(r"[^A-Za-z0-9_-]", "-", f"restored-{grade_id}")[:64]
        at = previous + 1 if previous is not None else 0
        nb.cells.insert(at, restored)
        position = {k: (v + 1 if v >= at else v) for k, v in position.items()}
        position[grade_id] = at
        previous = at
        kind = cell_kind(cell)
        if kind == "test":
            notes.append(f"ячейка с проверкой {grade_id} удалена — восстановлена")
        elif kind == "answer":
            notes.append(f"ячейка для ответа {grade_id} удалена — вставлена пустая, шаг не засчитан")
        else:
            notes.append(f"ячейка задания {grade_id} удалена — восстановлена")
    return nb, notes
