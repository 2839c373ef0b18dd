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

import hashlib
import json
import re
import struct
import time
import unicodedata
import zipfile
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = ["student_id", "parse_filename", "scan_folder", "member_name", "repair", "cell_kind",
           "read_submission", "cap_id", "nbgrader_meta", "grade_id_of",
           "Candidate", "HIDDEN_TESTS", "MAX_FILE_MB", "MAX_MEMBER_MB", "MAX_ARCHIVE_MEMBERS",
           "MAX_ID_LENGTH", "namesake_id"]

#: A larger file is refused before it is read (a notebook full of output).
MAX_FILE_MB = 200
#: A larger notebook inside a zip archive is refused before it is unpacked (a zip bomb, too).
MAX_MEMBER_MB = 50
#: An archive with more files is refused unread (a whole disk zipped by mistake, a zip bomb).
MAX_ARCHIVE_MEMBERS = 200
#: A longer student id is cut and given a hash suffix: ids become folder and file names, and a
#: very long surname (transliteration makes Cyrillic longer) must not exceed the 255 bytes of a
#: file name.
MAX_ID_LENGTH = 48
#: A trainee's name as shown in the table and stored in the gradebook is cut to this length.
MAX_NAME_LENGTH = 80

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


def cap_id(student: str) -> str:
    """``student`` when short enough, else its start and a hash of the whole (stable, unique).

    >>> cap_id("ivanov")
    'ivanov'
    >>> long = cap_id("shch" * 60)
    >>> len(long) == MAX_ID_LENGTH and long.startswith("shchshch") and long == cap_id("shch" * 60)
    True
    """
    if len(student) <= MAX_ID_LENGTH:
        return student
    digest = hashlib.sha256(student.encode("utf-8")).hexdigest()[:10]
    return student[:MAX_ID_LENGTH - len(digest) - 1].rstrip("_") + "_" + digest


def _cap_name(name: str) -> str:
    return name if len(name) <= MAX_NAME_LENGTH else name[:MAX_NAME_LENGTH - 1] + "…"


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


def nbgrader_meta(cell) -> dict:
    """A cell's nbgrader metadata, or {} when it is missing or not a mapping (a trainee's file
    may hold anything there: a string, a list)."""
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return meta if isinstance(meta, dict) else {}


def grade_id_of(cell) -> str | None:
    """The cell's nbgrader grade id when it is a non-empty string, else None."""
    grade_id = nbgrader_meta(cell).get("grade_id")
    return grade_id if isinstance(grade_id, str) and grade_id else None


def _grade_ids(nb) -> set[str]:
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        return set()
    return {grade_id for c in cells if (grade_id := grade_id_of(c))}


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
    notes: list[str] = field(default_factory=list)  # what reading it repaired (Russian)


#: Deeper JSON inside a cell's or the notebook's metadata is dropped: nothing a notebook needs
#: nests this deep, and very deep data crashes validators and copies (RecursionError).
MAX_JSON_DEPTH = 32
_CELL_KEYS = {"code": ("id", "cell_type", "metadata", "source", "outputs", "execution_count"),
              "markdown": ("id", "cell_type", "metadata", "source", "attachments"),
              "raw": ("id", "cell_type", "metadata", "source", "attachments")}
_CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_NOT_NOTEBOOK = "файл не является блокнотом Jupyter"


@dataclass
class Parsed:
    """What :func:`read_submission` made of a file: the notebook (None when it is not one), why
    not (Russian), and what was repaired on the way (Russian notes for the instructor)."""

    nb: nbformat.NotebookNode | None
    broken: str | None = None
    notes: list[str] = field(default_factory=list)


def _too_deep(value, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when ``value`` (parsed JSON) nests deeper than ``limit``; iterative, so a very deep
    value cannot exhaust the stack while it is measured."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _as_text(source) -> tuple[str, bool]:
    """A cell's source as one string, and whether it had to be converted (not a string or a
    list of strings, as nbformat requires)."""
    if isinstance(source, str):
        return source, False
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source), False
    if source is None:
        return "", True
    if isinstance(source, (list, dict)):
        if _too_deep(source):
            return "", True
        if isinstance(source, list):
            return "".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
                           for line in source), True
        return json.dumps(source, ensure_ascii=False), True
    return str(source), True


def _clean_metadata(metadata, notes: set[str], where: str) -> dict:
    """A mapping of JSON values no deeper than MAX_JSON_DEPTH (the rest is dropped, noted)."""
    if not isinstance(metadata, dict):
        if metadata is not None:
            notes.add(f"метаданные {where} повреждены (не словарь) — отброшены")
        return {}
    clean = {}
    for key, value in metadata.items():
        if _too_deep(value, MAX_JSON_DEPTH - 1):
            notes.add(f"слишком глубоко вложенные метаданные {where} отброшены")
            continue
        clean[str(key)] = value
    return clean


def _sanitise(raw: dict) -> list[str]:
    """Make a trainee's notebook (parsed JSON, nbformat 4) valid for nbformat and nbgrader, in
    place; return Russian notes on what had to be repaired.

    Every value is type-checked, because a file may hold anything: cells that are not
    mappings are dropped; an unknown cell type is read as a raw cell; a source that is not
    text becomes text; NUL characters are removed; broken metadata (``metadata.nbgrader`` as
    a string, a list as ``grade_id``, data nested hundreds deep) is dropped, and :func:`repair`
    puts back the nbgrader metadata of the assignment's cells from the release copy (matched by
    cell id). Outputs are cleared (nbgrader clears them before it runs the notebook anyway), so
    malformed or huge saved outputs cannot matter; invalid or repeated cell ids are renewed.
    """
    notes: set[str] = set()
    raw["metadata"] = _clean_metadata(raw.get("metadata"), notes, "блокнота")
    for key in ("kernelspec", "language_info"):
        if key in raw["metadata"] and not isinstance(raw["metadata"][key], dict):
            del raw["metadata"][key]
    raw["nbformat"], raw["nbformat_minor"] = 4, 5
    for key in [k for k in raw if k not in ("cells", "metadata", "nbformat", "nbformat_minor")]:
        del raw[key]
    cells, seen_ids = [], set()
    for number, cell in enumerate(raw["cells"], start=1):
        if not isinstance(cell, dict):
            notes.add("в файле есть повреждённые ячейки (не словари) — пропущены")
            continue
        kind = cell.get("cell_type")
        if kind not in _CELL_KEYS:
            notes.add("ячейка неизвестного типа прочитана как простой текст")
            kind = "raw"
        source, converted = _as_text(cell.get("source"))
        if converted:
            notes.add("текст ячейки был записан не строкой — прочитан как текст")
        if "\x00" in source:
            source = source.replace("\x00", "")
            notes.add("из текста ячеек удалены нулевые символы (NUL)")
        metadata = _clean_metadata(cell.get("metadata"), notes, "ячейки")
        if "nbgrader" in metadata:
            meta = metadata["nbgrader"]
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if not isinstance(meta, dict) or not isinstance(grade_id, str) or not grade_id:
                del metadata["nbgrader"]
                notes.add("метаданные nbgrader ячейки повреждены — взяты из задания")
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not _CELL_ID.match(cell_id) or cell_id in seen_ids:
            cell_id = f"cell-{number}"
            while cell_id in seen_ids:
                cell_id += "-x"
        seen_ids.add(cell_id)
        clean = {"id": cell_id, "cell_type": kind, "metadata": metadata, "source": source}
        if kind == "code":
            clean["outputs"], clean["execution_count"] = [], None
        else:
            attachments = cell.get("attachments")
            if isinstance(attachments, dict) and all(
                    isinstance(v, dict) and all(isinstance(x, str) for x in v.values())
                    for v in attachments.values()):
                clean["attachments"] = attachments
        cells.append(clean)
    raw["cells"] = cells
    return sorted(notes)


def read_submission(data: bytes) -> Parsed:
    """A trainee's file (its bytes) as a notebook that nbgrader can grade, or the Russian
    reason why it is not one. Never raises: a file may hold anything.

    Besides invalid JSON and wrong types (:func:`_sanitise`) it recognises what trainees really
    send: an empty file, one filled with NUL bytes (a USB stick pulled out too early), a zip
    archive or an Office document renamed to .ipynb, a saved web page, a UTF-16 file from
    Notepad, and notebooks of older Jupyter versions (nbformat 3 and earlier), which are
    converted to nbformat 4 as Jupyter itself does.
    """
    try:
        return _read_submission(data)
    except RecursionError:
        return Parsed(None, f"{_NOT_NOTEBOOK} (слишком глубоко вложенные данные JSON)")
    except MemoryError:
        return Parsed(None, f"{_NOT_NOTEBOOK} (не хватило памяти, чтобы прочитать файл)")
    except Exception as exc:  # noqa: BLE001 - whatever a file holds, the class goes on
        return Parsed(None, f"{_NOT_NOTEBOOK} (не удалось прочитать: {type(exc).__name__})")


def _read_submission(data: bytes) -> Parsed:
    notes = []
    if not data:
        return Parsed(None, "файл пустой (0 байт): попросите слушателя сохранить блокнот "
                            "(Ctrl+S) и прислать снова")
    if not data.strip(b"\0"):
        return Parsed(None, "файл заполнен нулевыми байтами — повреждён при копировании "
                            "(например, флешку вынули без безопасного извлечения); "
                            "попросите прислать снова")
    if data.startswith(b"PK\x03\x04"):
        return Parsed(None, f"{_NOT_NOTEBOOK}: это ZIP-архив (или документ Office) с "
                            f"расширением .ipynb; если это архив с блокнотом, переименуйте "
                            f"его в .zip")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if data.endswith(b"\0") and not utf16:
        data = data.rstrip(b"\0")
        notes.append("в конце файла были нулевые байты (повреждение при копировании) — "
                     "отброшены")
    if utf16:
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return Parsed(None, f"{_NOT_NOTEBOOK} (не текст UTF-8)")
        notes.append("файл сохранён в кодировке UTF-16 — прочитан")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return Parsed(None, f"{_NOT_NOTEBOOK} (не текст UTF-8)")
    if text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        return Parsed(None, f"{_NOT_NOTEBOOK}: это веб-страница (HTML); скачайте блокнот "
                            f"в Jupyter через File → Download (.ipynb)")
    try:
        raw = json.loads(text, strict=False)
    except RecursionError:
        return Parsed(None, f"{_NOT_NOTEBOOK} (слишком глубоко вложенные данные JSON)")
    except ValueError:
        return Parsed(None, f"{_NOT_NOTEBOOK} (повреждённый JSON)")
    if not isinstance(raw, dict):
        return Parsed(None, f"{_NOT_NOTEBOOK} (в нём нет ячеек)")
    major = raw.get("nbformat")
    if isinstance(major, int) and not isinstance(major, bool) and major > 4:
        return Parsed(None, f"{_NOT_NOTEBOOK} понятного этой версии проверки (формат "
                            f"nbformat {major} новее 4)")
    if "worksheets" in raw or (isinstance(major, int) and major < 4):
        if _too_deep(raw, 3 * MAX_JSON_DEPTH):
            return Parsed(None, f"{_NOT_NOTEBOOK} (слишком глубоко вложенные данные JSON)")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                old = nbformat.from_dict(raw)
                raw = json.loads(json.dumps(nbformat.convert(old, 4)))
        except Exception:  # noqa: BLE001 - nbformat's converters raise anything on bad input
            return Parsed(None, f"{_NOT_NOTEBOOK} (старый формат nbformat {major}, который не "
                                f"удалось преобразовать)")
        notes.append(f"блокнот старого формата (nbformat {major}) — преобразован в формат 4")
    if not isinstance(raw.get("cells"), list):
        return Parsed(None, f"{_NOT_NOTEBOOK} (в нём нет ячеек)")
    notes += _sanitise(raw)
    try:
        nb = nbformat.from_dict(raw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(nb)
    except Exception:  # noqa: BLE001 - any nbformat failure means "not a notebook we can grade"
        return Parsed(None, f"{_NOT_NOTEBOOK} (неизвестный формат)")
    return Parsed(nb, None, notes)


def _parse_notebook(data: bytes) -> tuple[nbformat.NotebookNode | None, str | None]:
    """(notebook, None) or (None, Russian reason why these bytes are not a notebook)."""
    parsed = read_submission(data)
    return parsed.nb, parsed.broken


def _read_file(path: Path) -> Parsed:
    """The notebook in the file at ``path`` (see :func:`read_submission`)."""
    try:
        size_mb = path.stat().st_size / 1024 / 1024
        if size_mb > MAX_FILE_MB:
            return Parsed(None, f"файл слишком большой ({size_mb:.0f} МБ): очистите вывод "
                                f"ячеек и пришлите снова")
        data = path.read_bytes()
    except (OSError, ValueError):
        return Parsed(None, "файл не читается (нет доступа или ошибка диска)")
    return read_submission(data)


def _read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """(notebook, None) or (None, Russian reason why the file is not a notebook)."""
    parsed = _read_file(path)
    return parsed.nb, parsed.broken


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
                    parsed = Parsed(None, "архив сжат способом, который не поддерживается: "
                                          "соберите обычный ZIP или пришлите сам блокнот")
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                        ValueError):
                    parsed = Parsed(None, f"архив повреждён: блокнот не читается; {again}")
                else:
                    parsed = read_submission(data)
                owners = [*reversed(parts[:-1]), path.stem]
                found.append(_Found(label, parts[-1], path, parsed.nb, parsed.broken, owners,
                                    _zip_time(info), alone=len(members) == 1,
                                    notes=parsed.notes))
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
        parsed = _read_file(child)
        found.append(_Found(f"{folder.name}/{child.name}", child.name, child, parsed.nb,
                            parsed.broken, owners=[folder.name], alone=len(notebooks) == 1,
                            notes=parsed.notes))


def _walk(folder: Path) -> tuple[list[_Found], list[tuple[str, str]]]:
    """Every notebook in ``folder``: loose, in a trainee's folder or in a zip archive."""
    found: list[_Found] = []
    rejected: list[tuple[str, str]] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        try:
            _walk_one(path, found, rejected)
        except Exception as exc:  # noqa: BLE001 - one odd file never stops the class
            rejected.append((path.name, _unexpected(exc)))
    return found, rejected


def _unexpected(exc: BaseException) -> str:
    return (f"файл не удалось прочитать (внутренняя ошибка {type(exc).__name__}); остальные "
            f"работы проверены — сообщите об этом файле разработчикам комплекта")


def _walk_one(path: Path, found: list[_Found], rejected: list[tuple[str, str]]) -> None:
    suffix = path.suffix.lower()
    if _skipped(path.name):
        return
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
        parsed = _read_file(path)
        found.append(_Found(path.name, path.name, path, parsed.nb, parsed.broken,
                            notes=parsed.notes))


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
    problems += item.notes
    return Candidate(item.path, cap_id(student), _cap_name(name or student), notebook, item.nb,
                     problems, label=item.label, modified=item.modified)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except (OSError, ValueError):
        return 0.0


def scan_folder(folder: Path, masters: dict[str, nbformat.NotebookNode],
                known: dict[str, str] | None = None
                ) -> tuple[list[Candidate], list[tuple[str, str]]]:
    """Match the notebooks in ``folder`` to trainees. Nothing in the folder is changed.

    ``masters`` maps each notebook name of the assignment to its master copy. Notebooks may lie
    in ``folder`` itself, in a trainee's folder one level down or in zip archives (read in
    memory). Returns the candidates (at most one per trainee and notebook: the newest file
    wins) and the rejected files as (label, Russian reason), the label being what the
    instructor sees: ``ivanov_00_intro.ipynb``, ``ivanov/00_intro.ipynb``,
    ``ivanov.zip/00_intro.ipynb``. ``known`` maps the student ids of the group's gradebook
    to the names recorded with them, so namesakes keep their ids from run to run
    (:func:`_tell_namesakes_apart`).
    """
    ids = {name: _grade_ids(nb) for name, nb in masters.items()}
    rule = f"назовите файл по правилу фамилия_{next(iter(masters))}.ipynb"
    items, rejected = _walk(Path(folder))
    found: list[Candidate] = []
    for item in items:
        try:
            matched = _match(item, masters, ids, rule)
        except Exception as exc:  # noqa: BLE001 - one odd file never stops the class
            matched = (item.label, _unexpected(exc))
        if isinstance(matched, Candidate):
            found.append(matched)
        else:
            rejected.append(matched)

    _tell_namesakes_apart(found, known)
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for cand in found:
        groups.setdefault((cand.student, cand.notebook), []).append(cand)
    chosen = []
    for group in groups.values():
        # A readable notebook beats a broken one; then the newest file (an archive counts by
        # its own date, its notebooks among themselves by theirs) wins.
        group.sort(key=lambda c: (c.nb is not None, _mtime(c.path), c.modified or 0.0,
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


def namesake_id(student: str, spelling: str) -> str:
    """The id of a namesake: ``student`` and a short fingerprint of the trainee's own spelling
    of the name, so the same spelling gets the same id in every run, whoever else is in the
    folder.

    >>> namesake_id("ivanov", "Иванов") == namesake_id("ivanov", "иванов")
    True
    >>> namesake_id("ivanov", "Иванов") != namesake_id("ivanov", "Ivanov")
    True
    """
    digest = hashlib.sha256(spelling.casefold().encode("utf-8")).hexdigest()[:4]
    return cap_id(f"{student}_{digest}")


def _tell_namesakes_apart(found: list[Candidate], known: dict[str, str] | None = None) -> None:
    """Two people whose surnames give one id (``ivanov.ipynb`` and ``Иванов.ipynb``) are two
    trainees, not one trainee's two files. Spellings that differ only in case
    (``Ivanov``/``ivanov``) are one trainee.

    The ids are stable from run to run, whatever other files a folder holds (a late work added,
    a file left out): ``known`` maps the ids already in the group's gradebook to the names
    recorded with them, and a spelling recorded there keeps its id. Otherwise, among namesakes,
    the name spelled as the id itself (else, when the gradebook has not got the id yet, the
    first spelling in alphabetical order) keeps the id; the others get
    :func:`namesake_id` (``ivanov_1f3a``) and a note. A spelling that is alone in the folder
    but whose id the gradebook holds for someone else gets its own id too, so it never takes
    over another trainee's grades."""
    known = {k: v.casefold() for k, v in (known or {}).items() if isinstance(v, str)}
    spellings: dict[str, set[str]] = {}
    for cand in found:
        spellings.setdefault(cand.student, set()).add(cand.name.casefold())
    for student, names in spellings.items():
        recorded = {name: sid for sid, name in known.items()
                    if sid == student or sid.startswith(student + "_")}
        # (``ivanov_2``: an id of the kit's earlier numbering, kept for the same spelling)
        recorded = {n: sid for n, sid in recorded.items() if sid == student or
                    sid == namesake_id(student, n) or
                    re.fullmatch(rf"{re.escape(student)}_\d{{1,3}}", sid)}
        holder = known.get(student)  # who has the plain id in the gradebook
        others_known = {holder} - names if holder is not None else set()
        if len(names) < 2 and not others_known and \
                all(recorded.get(n, student) == student for n in names):
            continue
        order = sorted(names, key=lambda n: (student_id(n) != n, n))
        renamed: dict[str, str] = {}
        for name in order:
            if name in recorded:
                renamed[name] = recorded[name]
            elif holder is None and student not in renamed.values() and \
                    (student_id(name) == name or not any(student_id(n) == n for n in order)):
                renamed[name] = student
            else:
                renamed[name] = namesake_id(student, name)
        everyone = sorted(names | others_known)
        for cand in found:
            if cand.student == student:
                new = renamed[cand.name.casefold()]
                others = ", ".join(n for n in everyone if n != cand.name.casefold())
                if others:
                    cand.problems.append(f"такая же фамилия у другого слушателя ({others}): "
                                         f"работы не объединены, этот слушатель записан как "
                                         f"{new}")
                cand.student = new


# ---------------------------------------------------------------------------------------------
# Putting back deleted nbgrader cells

# nbgrader marks regions by any line that contains these words (ClearHiddenTests, ClearMarkScheme).
HIDDEN_TESTS = re.compile(r"^[^\n]*BEGIN HIDDEN TESTS.*?^[^\n]*END HIDDEN TESTS[^\n]*\n?",
                     re.MULTILINE | re.DOTALL)


def cell_kind(cell) -> str:
    """«test» (an autograded check), «answer» (the trainee writes it) or «locked» (the rest)."""
    meta = nbgrader_meta(cell)
    if meta.get("grade") is True and not meta.get("solution") and cell.get("cell_type") == "code":
        return "test"
    if meta.get("solution") is True:
        return "answer"
    return "locked"


def _visible(source) -> str:
    """A test cell's code without its hidden region and blank lines (for comparing copies)."""
    lines = HIDDEN_TESTS.sub("", source if isinstance(source, str) else str(source)).splitlines()
    return "\n".join(line.rstrip() for line in lines if line.strip())


#: nbgrader metadata that decides how a cell is graded; a trainee's copy must agree with the
#: release copy on these (nbgrader itself restores some of them, and crashes on wrong types).
_GRADING_KEYS = ("grade", "solution", "locked", "points", "task", "grade_id")


def _set_cell_type(cell, kind: str) -> None:
    """Turn ``cell`` into a cell of type ``kind`` with the keys nbformat requires of it."""
    cell["cell_type"] = kind
    for key in [k for k in cell if k not in _CELL_KEYS[kind]]:
        del cell[key]
    if kind == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)


def _restore_metadata(nb, release) -> list[str]:
    """Give every assignment cell of ``nb`` exactly the release copy's nbgrader metadata.

    A cell whose nbgrader metadata was lost or broken (see :func:`_sanitise`) is recognised by
    its cell id. A repeated grade id keeps its metadata on the first cell only (nbgrader stops
    on duplicates); a grade id the assignment does not have is dropped (nbgrader would ignore
    it, or fail on its types). Returns Russian notes.
    """
    notes = []
    by_id = {grade_id_of(c): c for c in release.cells if grade_id_of(c)}
    by_cell_id = {c.get("id"): grade_id_of(c) for c in release.cells if grade_id_of(c)}
    present = {grade_id_of(c) for c in nb.cells} - {None}
    reattached = set()  # already reported by read_submission
    for cell in nb.cells:
        metadata = cell.setdefault("metadata", {})
        if "nbgrader" not in metadata and by_cell_id.get(cell.get("id")) not in present | {None}:
            grade_id = by_cell_id[cell.get("id")]
            metadata["nbgrader"] = {"grade_id": grade_id}
            present.add(grade_id)
            reattached.add(grade_id)
    seen = set()
    for cell in nb.cells:
        grade_id = grade_id_of(cell)
        if "nbgrader" not in cell.metadata:
            continue
        if grade_id not in by_id or grade_id in seen:
            del cell.metadata["nbgrader"]
            notes.append(f"ячейка с пометкой nbgrader «{grade_id}» "
                         + ("повторяется — копия проверяется как обычная ячейка" if grade_id in seen
                            else "не из этого задания — проверяется как обычная ячейка"))
            continue
        seen.add(grade_id)
        master = by_id[grade_id]
        mine = nbgrader_meta(cell)
        if grade_id not in reattached and (
                any(mine.get(k) != master.metadata.nbgrader.get(k) for k in _GRADING_KEYS)
                or cell.get("cell_type") != master.cell_type):
            notes.append(f"пометки nbgrader ячейки {grade_id} были изменены или повреждены — "
                         f"восстановлены из задания")
        cell.metadata["nbgrader"] = json.loads(json.dumps(master.metadata.nbgrader))
        if cell.get("cell_type") != master.cell_type:
            _set_cell_type(cell, master.cell_type)
    return notes


def repair(nb: nbformat.NotebookNode, release: nbformat.NotebookNode
           ) -> tuple[nbformat.NotebookNode, list[str]]:
    """Put the release copy's nbgrader cells the trainee deleted back in place.

    nbgrader's ``add_missing_cells`` restores a deleted test cell, but crashes (KeyError) when
    the cell before it is gone too, e.g. when a trainee deletes a whole step. So every missing
    cell is put back from the trainee's copy (exercises/) after the nearest cell that is still
    there; nbgrader then overwrites tests with the master copy as usual. The nbgrader metadata of
    the assignment's cells is first made the release copy's (:func:`_restore_metadata`): nbgrader
    trusts its types and stops on a string as ``points``, a duplicated grade id or an unknown
    cell type. Also reports test cells the trainee edited (nbgrader restores those from the
    master copy). Returns a new notebook and Russian notes.
    """
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):  # an older Jupyter: cells without ids
        nb.nbformat, nb.nbformat_minor = 4, 5
        for number, cell in enumerate(nb.cells):
            cell.setdefault("id", f"cell-{number}")
    for cell in nb.cells:
        if not isinstance(cell.get("source"), str):
            cell["source"] = _as_text(cell.get("source"))[0]
    notes: list[str] = _restore_metadata(nb, release)
    position = {grade_id_of(c): i for i, c in enumerate(nb.cells) if grade_id_of(c)}
    previous = None  # index (in nb) of the last master cell seen
    for cell in release.cells:
        grade_id = grade_id_of(cell)
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
