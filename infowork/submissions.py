"""Trainees' notebooks as they arrive: from a folder of files to one notebook per trainee.

Trainees send their notebooks by e-mail or on a USB stick, and the instructor puts all of them
into one folder. :func:`scan_folder` reads that folder without changing it or extracting
anything into it, and finds notebooks in three shapes:

- loose files named ``ФАМИЛИЯ_ЗАДАНИЕ.ipynb`` (``ivanov_00_intro.ipynb``);
- zip archives (``ivanov_00_intro.zip``, ``Иванов.zip`` holding ``00_intro.ipynb``, or one
  archive of the whole group), read in memory: names written by Windows in cp866 are decoded,
  ``__MACOSX/`` and hidden files skipped, and an archive that is corrupt, has a password, holds
  no notebook, too many files or an oversized notebook is reported, not crashed on;
- one folder per trainee, one level deep (``ivanov/00_intro.ipynb``,
  ``Петров Пётр/00_intro (1).ipynb``), as copied from a USB stick.

A notebook's own name gives the trainee and the notebook; when it carries no surname
(``00_intro.ipynb``), the folder or archive it lies in does. Names are normalised
(``Ivanov_00_intro (1).ipynb``, ``petrov-00_intro .ipynb``, ``Иванов_00_intro.ipynb``; Cyrillic
surnames become ASCII ids), a renamed notebook is recognised by its nbgrader cells, the newest
of a trainee's copies wins, and every file that cannot be used is reported with the reason.
:func:`repair` puts back nbgrader cells a trainee deleted. :mod:`infowork.grading` grades what
is found.

>>> student_id("Иванов")
'ivanov'
"""
from __future__ import annotations

import json
import re
import struct
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = ["student_id", "parse_filename", "scan_folder", "member_name", "repair", "cell_kind",
           "Candidate", "HIDDEN_TESTS", "MAX_FILE_MB", "MAX_MEMBER_MB", "MAX_ARCHIVE_MEMBERS"]

#: A larger file is refused before it is read (a notebook full of output).
MAX_FILE_MB = 200
#: A larger notebook inside a zip archive is refused before it is unpacked (a zip bomb, too).
MAX_MEMBER_MB = 50
#: An archive with more files is refused unread (a whole disk zipped by mistake, a zip bomb).
MAX_ARCHIVE_MEMBERS = 200

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
# What the scan gives grading

@dataclass
class Candidate:
    """A notebook matched to a trainee and to one notebook of the assignment.

    ``path`` is always a real file on disk: the notebook, or the zip archive holding it.
    """

    path: Path
    student: str
    name: str
    notebook: str
    nb: nbformat.NotebookNode | None = None   # None when the file is not a readable notebook
    problems: list[str] = field(default_factory=list)
    #: What the instructor's table calls the file (the file name unless set):
    #: ``ivanov_00_intro.ipynb``, ``ivanov/00_intro.ipynb``, ``ivanov.zip/00_intro.ipynb``.
    label: str = ""
    #: A zip member's own date (seconds since the epoch); None for a file on disk.
    modified: float | None = None

    def __post_init__(self):
        self.label = self.label or self.path.name


def _grade_ids(nb) -> set[str]:
    return {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade_id")}


# ---------------------------------------------------------------------------------------------
# The folder -> notebooks found (loose files, files in trainees' folders, zip members)

#: Names nobody sends on purpose: system files, editors' lock files, macOS archive debris.
_JUNK = {"thumbs.db", "desktop.ini", "__macosx"}


def _skipped(name: str) -> bool:
    """A hidden or system file or folder (``.DS_Store``, ``.ipynb_checkpoints``, ``~$x.docx``)."""
    return name.startswith((".", "~$")) or name.lower() in _JUNK


@dataclass
class _Found:
    """A notebook found in the folder, before it is matched to a trainee."""

    label: str                # what the instructor's table calls it
    filename: str             # the notebook's own file name (parsed for a surname)
    path: Path                # the file on disk: the notebook or the archive holding it
    nb: nbformat.NotebookNode | None
    broken: str | None        # why ``nb`` is None
    owners: list[str] = field(default_factory=list)  # folder/archive names, innermost first
    modified: float | None = None  # a zip member's own date
    alone: bool = True        # the only notebook of its folder or archive


def _parse_notebook(data: bytes) -> tuple[nbformat.NotebookNode | None, str | None]:
    """(notebook, None) or (None, Russian reason why these bytes are not a notebook)."""
    try:
        text = data.decode("utf-8-sig")
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


def _read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """(notebook, None) or (None, Russian reason why the file is not a notebook)."""
    try:
        size_mb = path.stat().st_size / 1024 / 1024
        if size_mb > MAX_FILE_MB:
            return None, (f"файл слишком большой ({size_mb:.0f} МБ): очистите вывод ячеек и "
                          f"пришлите снова")
        data = path.read_bytes()
    except OSError:
        return None, "файл не читается (нет доступа или ошибка диска)"
    return _parse_notebook(data)


def _unicode_path_extra(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    """The UTF-8 name from the Info-ZIP Unicode Path extra field (0x7075), which WinRAR and
    7-Zip add next to a name in the DOS code page; None when absent or stale."""
    extra = info.extra
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        data = extra[4:4 + size]
        if kind == 0x7075 and len(data) > 5 and data[0] == 1:
            if struct.unpack("<L", data[1:5])[0] == zlib.crc32(raw):
                try:
                    return data[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
        extra = extra[4 + size:]
    return None


def _looks_utf8(text: str) -> bool:
    """Non-ASCII letters of a name decoded as UTF-8 are Cyrillic or Latin (with accents, maybe
    decomposed as macOS writes them), not the random symbols cp866 bytes turn into."""
    for ch in text:
        if ch.isascii() or ch in "№«»–—":
            continue
        if "\u0400" <= ch <= "\u04ff" or "\u0300" <= ch <= "\u036f":
            continue
        if unicodedata.category(ch).startswith("L") and "LATIN" in unicodedata.name(ch, ""):
            continue
        return False
    return True


def member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name as the trainee saw it, also for archives made on Windows.

    Windows' own «Send to compressed folder» writes names in the DOS code page (cp866 for
    Russian) without the UTF-8 flag, and :mod:`zipfile` then decodes them as cp437; macOS
    writes UTF-8 without the flag. Without the flag (0x800) the name is re-encoded to its
    bytes and decoded again: the Unicode Path extra field if there is one, else UTF-8 when
    that gives Cyrillic or Latin letters, else cp866. Separators become ``/``.

    >>> info = zipfile.ZipInfo("Иванов.ipynb".encode("cp866").decode("cp437"))
    >>> member_name(info)
    'Иванов.ipynb'
    """
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437", errors="replace")
        name = _unicode_path_extra(info, raw) or name
        if name == info.filename and not raw.isascii():
            try:
                utf8 = raw.decode("utf-8")
            except UnicodeDecodeError:
                utf8 = None
            name = utf8 if utf8 is not None and _looks_utf8(utf8) else raw.decode("cp866")
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def _zip_time(info: zipfile.ZipInfo) -> float | None:
    try:
        return time.mktime((*info.date_time, 0, 0, -1))
    except (OverflowError, ValueError):
        return None


def _scan_archive(path: Path, found: list[_Found], rejected: list[tuple[str, str]]) -> None:
    """The notebooks of a zip archive, read in memory: nothing is extracted."""
    limit = MAX_MEMBER_MB * 1024 * 1024
    again = "попросите слушателя прислать архив заново или сам блокнот .ipynb"
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ARCHIVE_MEMBERS:
                rejected.append((path.name, f"в архиве слишком много файлов ({len(infos)}, "
                                            f"допустимо до {MAX_ARCHIVE_MEMBERS}): пришлите "
                                            f"архив только с блокнотом задания"))
                return
            members = []
            for info in infos:
                name = member_name(info)
                parts = [p for p in name.split("/") if p]
                if (info.is_dir() or not parts or any(_skipped(p) for p in parts)
                        or not parts[-1].lower().endswith(".ipynb")):
                    continue
                members.append((info, name, parts))
            if not members:
                rejected.append((path.name, "в архиве нет блокнотов .ipynb"))
                return
            if any(info.flag_bits & 0x1 for info, _, _ in members):
                rejected.append((path.name, "архив защищён паролем: пришлите архив без пароля "
                                            "или сам блокнот .ipynb"))
                return
            for info, name, parts in members:
                label = f"{path.name}/{name}"
                if info.file_size > limit:
                    rejected.append((label, f"блокнот в архиве слишком большой "
                                            f"({info.file_size / 1024 / 1024:.0f} МБ, допустимо "
                                            f"до {MAX_MEMBER_MB} МБ): очистите вывод ячеек и "
                                            f"пришлите снова"))
                    continue
                try:
                    # zipfile stops at the size the archive states (checked above) and then
                    # checks the CRC, so a header that lies about the size cannot inflate this.
                    with archive.open(info) as member:
                        data = member.read(limit + 1)
                except NotImplementedError:
                    nb, broken = None, ("архив сжат способом, который не поддерживается: "
                                        "соберите обычный ZIP или пришлите сам блокнот")
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                        ValueError):
                    nb, broken = None, f"архив повреждён: блокнот не читается; {again}"
                else:
                    nb, broken = _parse_notebook(data)
                owners = [*reversed(parts[:-1]), path.stem]
                found.append(_Found(label, parts[-1], path, nb, broken, owners,
                                    _zip_time(info), alone=len(members) == 1))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            ValueError, struct.error):
        rejected.append((path.name, f"архив повреждён (не открывается как ZIP); {again}"))


def _scan_subfolder(folder: Path, found: list[_Found], rejected: list[tuple[str, str]]) -> None:
    """A trainee's own folder, one level deep: its notebooks; deeper folders and archives are
    reported, other files (data, pictures) ignored."""
    try:
        children = sorted((p for p in folder.iterdir() if not _skipped(p.name)),
                          key=lambda p: p.name)
    except OSError:
        rejected.append((folder.name + "/", "папка не читается (нет доступа)"))
        return
    notebooks, reported = [], False
    for child in children:
        label = f"{folder.name}/{child.name}"
        if child.is_dir():
            rejected.append((label + "/", f"вложенная папка пропущена: положите блокнот прямо "
                                          f"в папку {folder.name}/"))
            reported = True
        elif child.suffix.lower() == ".zip":
            rejected.append((label, "архив внутри папки пропущен: положите его прямо в "
                                    "проверяемую папку или распакуйте"))
            reported = True
        elif child.suffix.lower() == ".ipynb":
            notebooks.append(child)
    if not notebooks and not reported:
        rejected.append((folder.name + "/", "в папке нет блокнотов .ipynb" if children
                         else "пустая папка"))
    for child in notebooks:
        found.append(_Found(f"{folder.name}/{child.name}", child.name, child,
                            *_read_notebook(child), owners=[folder.name],
                            alone=len(notebooks) == 1))


def _walk(folder: Path) -> tuple[list[_Found], list[tuple[str, str]]]:
    """Every notebook in ``folder``: loose, in a trainee's folder or in a zip archive."""
    found: list[_Found] = []
    rejected: list[tuple[str, str]] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        suffix = path.suffix.lower()
        if _skipped(path.name):
            continue
        if path.is_dir():
            _scan_subfolder(path, found, rejected)
        elif suffix == ".zip":
            _scan_archive(path, found, rejected)
        elif suffix in (".rar", ".7z"):
            rejected.append((path.name, f"архивы {suffix[1:].upper()} не поддерживаются: "
                                        f"пришлите ZIP или сам блокнот .ipynb"))
        elif suffix != ".ipynb":
            rejected.append((path.name, "не блокнот Jupyter (ожидается файл .ipynb или архив "
                                        ".zip)"))
        else:
            found.append(_Found(path.name, path.name, path, *_read_notebook(path)))
    return found, rejected


# ---------------------------------------------------------------------------------------------
# Notebooks found -> candidates (one per trainee) and rejected files

def _owner(text: str, notebooks: list[str]) -> tuple[str | None, str, str | None]:
    """(student id, name as written, notebook or None) from a folder's or archive's name.

    Unlike a file name, every word that is not the task's is the trainee's.

    >>> _owner("Петров Пётр", ["00_intro"])
    ('petrov_petr', 'Петров Пётр', None)
    >>> _owner("Иванов_00_intro", ["00_intro"])
    ('ivanov', 'Иванов', '00_intro')
    """
    student, name, notebook = parse_filename(text, notebooks)
    if notebook is None:
        original = _strip_copy_suffixes(unicodedata.normalize("NFC", text))
        words = [w for w in re.split(r"[\s_-]+", original)
                 if student_id(w) and not all(_generic(t) for t in student_id(w).split("_"))]
        tokens = [t for w in words for t in student_id(w).split("_") if not _generic(t)]
        student, name = ("_".join(tokens), " ".join(words)) if tokens else (None, "")
    return student, name, notebook


def _match(item: _Found, masters: dict[str, nbformat.NotebookNode], ids: dict[str, set[str]],
           rule: str) -> Candidate | tuple[str, str]:
    """A candidate, or (label, Russian reason) when the notebook cannot be matched."""
    notebooks = list(masters)
    student, name, notebook = parse_filename(item.filename, notebooks)
    owners = [_owner(owner, notebooks) for owner in item.owners]
    problems = []
    if notebook is None and item.nb is not None:
        overlap = {n: len(_grade_ids(item.nb) & ids[n]) for n in masters}
        best = max(overlap, key=overlap.get)
        if overlap[best]:
            notebook = best
            if not any(o[2] == best for o in owners):  # ivanov_00_intro.zip/Untitled.ipynb
                problems.append(f"файл переименован («{item.label}») — принят как {best}.ipynb")
    if notebook is None and item.nb is None and item.alone:
        # Unreadable, so its cells cannot tell; the archive's or folder's name may.
        notebook = next((o[2] for o in owners if o[2]), None)
    if student is None:
        student, name = next(((o[0], o[1]) for o in owners if o[0]), (None, ""))
    if notebook is None:
        why = item.broken if item.broken else f"не похоже на задание {', '.join(masters)}"
        return item.label, f"не удалось сопоставить с заданием: {why}; {rule}"
    if student is None:
        where = "в имени нет фамилии" if not item.owners else \
            "ни в имени файла, ни в имени папки или архива нет фамилии"
        return item.label, f"не удалось понять, чья это работа: {where}; {rule}"
    if item.nb is not None and not _grade_ids(item.nb) & ids[notebook]:
        problems.append("в блокноте нет ни одной ячейки задания (прислан не тот блокнот?)")
    if item.broken:
        problems.append(item.broken)
    return Candidate(item.path, student, name or student, notebook, item.nb, problems,
                     label=item.label, modified=item.modified)


def scan_folder(folder: Path, masters: dict[str, nbformat.NotebookNode]
                ) -> tuple[list[Candidate], list[tuple[str, str]]]:
    """Match the notebooks in ``folder`` to trainees. Nothing in the folder is changed.

    ``masters`` maps each notebook name of the assignment to its master copy. Notebooks may lie
    in ``folder`` itself, in a trainee's folder one level down or in zip archives (read in
    memory). Returns the candidates (at most one per trainee and notebook: the newest file
    wins) and the rejected files as (label, Russian reason), the label being what the
    instructor sees: ``ivanov_00_intro.ipynb``, ``ivanov/00_intro.ipynb``,
    ``ivanov.zip/00_intro.ipynb``.
    """
    ids = {name: _grade_ids(nb) for name, nb in masters.items()}
    rule = f"назовите файл по правилу фамилия_{next(iter(masters))}.ipynb"
    items, rejected = _walk(Path(folder))
    found: list[Candidate] = []
    for item in items:
        matched = _match(item, masters, ids, rule)
        if isinstance(matched, Candidate):
            found.append(matched)
        else:
            rejected.append(matched)

    groups: dict[tuple[str, str], list[Candidate]] = {}
    for cand in found:
        groups.setdefault((cand.student, cand.notebook), []).append(cand)
    chosen = []
    for group in groups.values():
        # A readable notebook beats a broken one; then the newest file (an archive counts by
        # its own date, its notebooks among themselves by theirs) wins.
        group.sort(key=lambda c: (c.nb is not None, c.path.stat().st_mtime, c.modified or 0.0,
                                  c.label))
        best = group[-1]
        for other in group[:-1]:
            why = "файл повреждён" if other.nb is None else "есть файл новее"
            rejected.append((other.label, f"{why}: у слушателя {best.student} проверен "
                                          f"{best.label}"))
        if len(group) > 1:
            best.problems.insert(0, f"прислано файлов: {len(group)}, проверен {best.label}")
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
