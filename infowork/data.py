"""The kit's datasets: load the bundled ones, read a user's own export.

>>> from infowork import data
>>> orgs = data.load("organizations")
>>> len(orgs)
56
>>> str(orgs["members"].dtype)
'int64'
>>> "posts" in set(data.catalog()["name"])
True
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from infowork import ROOT
from infowork.data_schema import SCHEMA, Dataset

__all__ = ["DATASETS_DIR", "DataError", "UnknownDatasetError", "names", "load", "catalog",
           "dtypes", "path", "read_table"]

#: Where the bundled datasets live.
DATASETS_DIR = ROOT / "datasets"


class DataError(Exception):
    """A dataset or a user's file cannot be read; the message (in Russian) says why and where."""


class UnknownDatasetError(DataError, KeyError):
    """``load()`` was given a name that is not a bundled dataset."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


def names() -> list[str]:
    """Names of the bundled datasets, in the order of the data dictionary."""
    return list(SCHEMA)


def _dataset(name: str) -> Dataset:
    if not isinstance(name, str) or name not in SCHEMA:
        known = ", ".join(SCHEMA)
        raise UnknownDatasetError(
            f"Набора данных «{name}» нет. Есть такие наборы: {known}. "
            f"Проверьте написание: имя пишется латиницей, как в списке.")
    return SCHEMA[name]


def path(name: str) -> Path:
    """The CSV file of a bundled dataset."""
    return DATASETS_DIR / f"{_dataset(name).name}.csv"


def dtypes(name: str) -> dict[str, str]:
    """The dtypes ``load(name)`` returns, column by column (from the one schema)."""
    out = {}
    for col in _dataset(name).columns:
        out[col.name] = {"int": "int64", "float": "float64", "bool": "bool", "str": "str",
                         "category": "category", "datetime": "datetime64",
                         "date": "datetime64"}[col.kind]
    return out


def load(name: str) -> pd.DataFrame:
    """Load a bundled dataset with parsed dtypes (datetimes, categories, bools, ints).

    Each call returns a fresh DataFrame: changing it does not change the next load().

    >>> load("membership")["age_group"].cat.categories.tolist()
    ['до 35', '35-54', '55 и старше']
    """
    dataset = _dataset(name)
    file = path(name)
    if not file.is_file():
        raise DataError(f"Файл набора «{name}» не найден: {file}. "
                        f"Пересоздайте наборы командой: make datasets")
    return _read_cached(name, str(file), file.stat().st_mtime_ns).copy()


@lru_cache(maxsize=32)
def _read_cached(name: str, file: str, mtime_ns: int) -> pd.DataFrame:
    """The parsed file; keyed by path and modification time so a regenerated file is reread."""
    dataset = SCHEMA[name]
    read_as = {}
    for col in dataset.columns:
        read_as[col.name] = {"int": "int64", "float": "float64", "bool": "bool"}.get(col.kind, "str")
    frame = pd.read_csv(file, dtype=read_as, keep_default_na=False, na_values=[],
                        encoding="utf-8")
    if list(frame.columns) != dataset.column_names:
        raise DataError(f"Файл {file}: столбцы {list(frame.columns)} не совпадают "
                        f"со справочником данных. Пересоздайте наборы командой: make datasets")
    for col in dataset.columns:
        if col.kind in {"datetime", "date"}:
            frame[col.name] = pd.to_datetime(frame[col.name], format=col.fmt)
        elif col.kind == "category":
            frame[col.name] = frame[col.name].astype(
                pd.CategoricalDtype(list(col.values), ordered=col.ordered))
    return frame


def catalog() -> pd.DataFrame:
    """The bundled datasets: name, Russian description, rows and the modules that use them.

    >>> catalog().columns.tolist()
    ['name', 'description', 'rows', 'modules']
    """
    from infowork.course import load_manifest

    modules = load_manifest().modules
    rows = []
    for name, dataset in SCHEMA.items():
        file = DATASETS_DIR / f"{name}.csv"
        n = file.read_bytes().count(b"\n") - 1 if file.is_file() else 0
        used = ", ".join(m.id for m in modules if name in m.datasets)
        rows.append({"name": name, "description": dataset.description, "rows": n,
                     "modules": used})
    frame = pd.DataFrame(rows)
    frame["rows"] = frame["rows"].astype("int64")
    return frame


# --- reading a user's own export ----------------------------------------------------------

_MISSING = {"", "-", "—", "н/д", "nan", "NaN", "None", "null", "NULL", "#Н/Д", "#N/A"}
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?$")
_PERCENT = re.compile(r"^(.*?)[ \u00a0\u202f]?%$")
_DURATION = re.compile(r"^(\d{1,3}):([0-5]\d):([0-5]\d)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DOT_DATE = re.compile(r"^(\d{1,2})([./])(\d{1,2})\2(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_BOOLS = {"да": True, "нет": False, "true": True, "false": False}
_TOTALS = ("итого", "всего", "total")
_SEPARATORS = [";", ",", "\t", "|"]
_SEP_NAMES = {";": "точка с запятой", ",": "запятая", "\t": "табуляция", "|": "вертикальная черта"}
#: A column with at least _GARBAGE_MIN numbers (or dates) and at most this share of other
#: values (at least one) is a column of numbers with garbage: the garbage is reported.
_GARBAGE_SHARE = 0.05
_GARBAGE_MIN = 10


def read_table(path, *, required=None, sheet=0, dayfirst: bool | None = None,
               convert: bool = True) -> pd.DataFrame:
    """Read a user's CSV or Excel (.xlsx) export into a DataFrame; never modifies the file.

    Detects the encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, cp1251) and the separator
    (``;``, ``,``, tab, ``|``) of a CSV file, and the header row of a CSV file or an Excel
    sheet, skipping title lines above it (report name, period). A totals row («Итого…»,
    «Всего…», «Total…») right under the header or at the end of the table is taken out of
    the table and kept in ``frame.attrs["totals"]`` (column -> value), so that summing a
    column does not count everything twice.

    With ``convert=True`` it turns columns into numbers (decimal commas, spaces or
    U+00A0/U+202F between thousands; ``23,5 %`` becomes the float 23.5, still in per cent),
    durations ``Ч:ММ:СС`` such as ``0:01:23`` into ``timedelta64`` (seconds:
    ``frame[col].dt.total_seconds()``), dates (``ГГГГ-ММ-ДД``, ``ДД.ММ.ГГГГ``) into
    ``datetime64`` and да/нет into bools; other columns stay text. Codes with leading zeros
    stay text. A column of numbers or dates with a few cells that are neither (``12a``,
    ``31.02.2025``) is refused with the row and the column named: fix the cells, or read
    with ``convert=False``.

    Day-first or month-first: dates written with dots (``01.02.2025``) are read day first,
    the Russian convention, unless some second number is above 12 and no first one is
    (then month first). Dates with slashes (``01/02/2025``) are read day first when some
    first number is above 12, month first when some second number is; when every number is
    12 or less the order cannot be known, and a DataError asks for ``dayfirst=``.
    ``dayfirst=True`` or ``False`` always decides.

    ``required`` lists columns that must be present. Any problem raises ``DataError`` with a
    Russian message naming the file and, where it can, the row and the column. The detected
    encoding, separator, header row (1-based line of the file or row of the sheet) and
    totals row are in ``frame.attrs["source"]``.

    >>> t = read_table(DATASETS_DIR / "raw" / "vk_stats_2025.csv", required=["Дата"])
    >>> t.attrs["source"]["encoding"], t.attrs["source"]["separator"]
    ('cp1251', ';')
    >>> str(t["Дата"].dtype).startswith("datetime64"), str(t["Вовлечённость, %"].dtype)
    (True, 'float64')
    >>> m = read_table(DATASETS_DIR / "raw" / "metrica_utm_2025.csv")
    >>> m.attrs["source"]["header_row"], m["Время на сайте"].dt.total_seconds().dtype
    (7, dtype('float64'))
    >>> int(m["Визиты"].sum()) == m.attrs["totals"]["Визиты"]
    True
    """
    file = Path(path)
    if not file.exists():
        raise DataError(f"Файл «{path}» не найден. Проверьте путь и имя файла "
                        f"(сейчас открыта папка {Path.cwd()}).")
    if file.is_dir():
        raise DataError(f"«{path}» — это папка, а не файл. Укажите файл CSV или Excel.")
    raw = file.read_bytes()
    if not raw.strip():
        raise DataError(f"Файл «{path}» пуст: в нём нет ни шапки, ни строк с данными.")
    if file.suffix.lower() == ".xls" or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(f"Файл «{path}» — в старом формате Excel (.xls). Откройте его в Excel "
                        f"или LibreOffice и сохраните как .xlsx или как CSV.")
    if file.suffix.lower() in {".xlsx", ".xlsm"} or raw.startswith(b"PK\x03\x04"):
        header, rows, line_numbers, source = _excel_rows(raw, path, sheet)
    else:
        header, rows, line_numbers, source = _csv_rows(raw, path)
    rows, line_numbers, totals = _split_totals(rows, line_numbers)
    if totals is not None:
        source["totals_row"] = totals[1]
        frame = _build_frame(header, rows + [totals[0]], path)
        totals_raw, frame = frame.iloc[-1], frame.iloc[:-1].reset_index(drop=True)
    else:
        frame = _build_frame(header, rows, path)
    _check_required(frame, required, path)
    if convert:
        for col in frame.columns:
            frame[col] = _convert_column(frame[col], col, line_numbers, path, dayfirst)
    else:
        for col in frame.columns:
            frame[col] = frame[col].map(lambda v: v if v is None or isinstance(v, str)
                                        else str(v)).astype("str")
    if totals is not None:
        frame.attrs["totals"] = {col: _total_value(totals_raw[col], frame[col].dtype, col,
                                                   totals[1], path, dayfirst, convert)
                                 for col in frame.columns}
    frame.attrs["source"] = source
    return frame


def _decode(raw: bytes, path) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return _decode_utf8(raw[3:], path), "utf-8-sig"
        except UnicodeDecodeError:
            raise DataError(f"Файл «{path}» помечен как UTF-8, но в нём есть символы в другой "
                            f"кодировке. Сохраните таблицу заново как CSV UTF-8.") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw[:65536]:
        raise DataError(f"Файл «{path}» не похож на таблицу: в нём двоичные данные. "
                        f"Нужен файл CSV (текст) или Excel (.xlsx).")
    try:
        return _decode_utf8(raw, path), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        control = sum(1 for ch in text if ch < " " and ch not in "\t\r\n")
        if control <= len(text) * 0.001:
            _check_cyrillic(text, raw, path)
            return text, "cp1251"
    raise DataError(f"Файл «{path}» не удалось прочитать как текст ни в UTF-8, ни в Windows-1251: "
                    f"похоже, это не таблица CSV. Сохраните таблицу как CSV (UTF-8) или .xlsx.")


def _decode_utf8(raw: bytes, path) -> str:
    """UTF-8 text, or UnicodeDecodeError when the file is in another encoding.

    A file cut inside its last character loses only that character (its last row is then
    reported short); a UTF-8 file with a few lines in another encoding is refused, with the
    first such line named.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and len(raw) - error.start < 4:
            return raw[:error.start].decode("utf-8")
        high = sum(1 for b in raw if b >= 0x80)
        valid = sum(len(m) for m in re.findall(
            rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}", raw))
        if valid < 0.6 * high:
            raise
        line = raw.count(b"\n", 0, error.start) + 1
        raise DataError(
            f"Файл «{path}», строка {line}: здесь текст не в кодировке UTF-8, хотя остальной "
            f"файл — в UTF-8. Похоже, в файл вставили строки из файла в другой кодировке "
            f"(например, Windows-1251). Сохраните исходные файлы в одной кодировке "
            f"(CSV UTF-8) и соберите таблицу заново.") from None


def _case_turns(text: str) -> tuple[int, int]:
    """How often a Cyrillic capital follows a small letter, and how often the other way."""
    return (len(re.findall(r"[а-яё][А-ЯЁ]", text)), len(re.findall(r"[А-ЯЁ][а-яё]", text)))


def _check_cyrillic(text: str, raw: bytes, path) -> None:
    """Refuse KOI8-R text taken for cp1251: its words turn into «нЕФЛЙ» instead of «Метки»."""
    small_capital, capital_small = _case_turns(text)
    if small_capital < 3 or small_capital <= 2 * capital_small:
        return
    small_capital, capital_small = _case_turns(raw.decode("koi8_r", errors="replace"))
    if capital_small > 2 * small_capital:
        raise DataError(
            f"Файл «{path}»: русские буквы в нём выглядят бессмыслицей — похоже, файл "
            f"сохранён в кодировке KOI8-R, а не в UTF-8 или Windows-1251. Откройте его в "
            f"редакторе в кодировке KOI8-R и сохраните как CSV UTF-8.")


def _csv_rows(raw: bytes, path):
    text, encoding = _decode(raw, path)
    lines = text.splitlines()
    sample = [line for line in lines[:200] if line.strip()]
    best, best_score = ",", (0.0, 1)
    for sep in _SEPARATORS:
        try:
            counts = [len(r) for r in csv.reader(sample, delimiter=sep)]
        except csv.Error:
            continue
        width = max(Counter(counts).items(), key=lambda kv: (kv[1], kv[0]))[0] if counts else 0
        if width < 2:
            continue
        score = (sum(c == width for c in counts) / len(counts), width)
        if score > best_score:
            best, best_score = sep, score
    width = best_score[1]
    records = _records(text, best, path)
    if not records:
        return None, [], [], {}
    # The header is the first row that is not a narrow title line (report name, period).
    start = 0
    for k, (_, record) in enumerate(records[:20]):
        if sum(1 for cell in record if cell.strip()) > max(1, width // 3):
            start = k
            break
    header_line, header = records[start]
    rows, line_numbers, broken = [], [], []
    for line, record in records[start + 1:]:
        if len(record) != len(header):
            broken.append((line, len(record)))
            continue
        rows.append(record)
        line_numbers.append(line)
    if broken:
        where = ", ".join(f"строка {n} ({k} полей)" for n, k in broken[:5])
        more = f" и ещё {len(broken) - 5}" if len(broken) > 5 else ""
        raise DataError(
            f"Файл «{path}»: в шапке {len(header)} столбцов (разделитель — "
            f"{_SEP_NAMES[best]}), а в строках другое число полей: {where}{more}. "
            f"Проверьте в этих строках лишние разделители и кавычки; если файл обрывается "
            f"на последней строке, он сохранён или скачан не полностью.")
    source = {"format": "csv", "encoding": encoding, "separator": best,
              "header_row": header_line}
    return header, rows, line_numbers, source


def _records(text: str, sep: str, path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank record.

    Read strictly first, to catch a file that ends inside a quoted value (cut off while being
    saved or downloaded); a file with other quoting oddities is read leniently.
    """
    for strict in (True, False):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=strict)
        records = []
        try:
            for record in reader:
                if any(cell.strip() for cell in record):
                    records.append((reader.line_num, record))
        except csv.Error as error:
            if str(error) == "unexpected end of data":
                raise DataError(
                    f"Файл «{path}», строка {reader.line_num}: файл обрывается внутри значения "
                    f"в кавычках — похоже, он сохранён или скачан не полностью. Выгрузите его "
                    f"заново.") from None
            if strict:
                continue
            raise DataError(f"Файл «{path}», строка {reader.line_num}: не удалось разобрать "
                            f"строку ({error}). Проверьте кавычки в этой строке.") from None
        return records
    return []


def _excel_rows(raw: bytes, path, sheet):
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise DataError(f"Файл «{path}» не удалось открыть как книгу Excel (.xlsx): "
                        f"файл повреждён или это не Excel ({type(error).__name__}).") from None
    names = workbook.sheetnames
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise DataError(f"В файле «{path}» нет листа номер {sheet + 1}; листы: "
                            f"{', '.join(names)}.")
        sheet_name = names[sheet]
    elif sheet in names:
        sheet_name = sheet
    else:
        raise DataError(f"В файле «{path}» нет листа «{sheet}»; листы: {', '.join(names)}.")
    values = [list(row) for row in workbook[sheet_name].iter_rows(values_only=True)]
    workbook.close()

    def filled(row):
        return [v for v in row if v is not None and not (isinstance(v, str) and not v.strip())]

    widest = max((len(filled(r)) for r in values[:50]), default=0)
    if widest == 0:
        raise DataError(f"Лист «{sheet_name}» файла «{path}» пуст.")
    # The header is the first wide row of text; title rows above it are narrow.
    header_index = next((i for i, r in enumerate(values[:50])
                         if len(filled(r)) >= max(1, 0.6 * widest)
                         and all(isinstance(v, str) for v in filled(r))),
                        next(i for i, r in enumerate(values) if filled(r)))
    width = max(i + 1 for i, v in enumerate(values[header_index]) if v is not None)
    header = [("" if v is None else str(v)) for v in values[header_index][:width]]
    rows, line_numbers = [], []
    for number, row in enumerate(values[header_index + 1:], start=header_index + 2):
        row = (row + [None] * width)[:width]
        if not filled(row):
            continue
        rows.append(row)
        line_numbers.append(number)
    source = {"format": "xlsx", "sheet": sheet_name, "header_row": header_index + 1}
    return header, rows, line_numbers, source


def _build_frame(header, rows, path) -> pd.DataFrame:
    if header is None:
        raise DataError(f"Файл «{path}» пуст: в нём нет ни шапки, ни строк с данными.")
    columns = {}
    seen = {}
    for i, name in enumerate(header):
        values = [r[i] for r in rows]
        name = str(name).strip().lstrip("\ufeff")
        if not name:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue  # an empty column at the edge of an export
            name = f"столбец_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        columns[name] = pd.Series(values, dtype=object)
    frame = pd.DataFrame(columns)
    if not len(frame.columns):
        raise DataError(f"Файл «{path}»: не найдено ни одного столбца.")
    return frame


def _check_required(frame: pd.DataFrame, required, path) -> None:
    if not required:
        return
    present = {str(c).casefold(): c for c in frame.columns}
    missing = [c for c in required if str(c).strip().casefold() not in present]
    if missing:
        names = ", ".join(f"«{c}»" for c in missing)
        have = ", ".join(f"«{c}»" for c in frame.columns)
        raise DataError(f"В файле «{path}» нет нужного столбца: {names}. "
                        f"Есть столбцы: {have}. Проверьте шапку таблицы.")


def _split_totals(rows, line_numbers):
    """Take a totals row («Итого и средние», «Всего») from the top or the bottom of the data."""
    def label(row):
        first = next((v for v in row if not _is_missing(v)), None)
        return str(first).strip().casefold() if first is not None else ""

    for k in ([0, len(rows) - 1] if len(rows) > 1 else []):
        if label(rows[k]).startswith(_TOTALS):
            totals = (rows[k], line_numbers[k])
            return rows[:k] + rows[k + 1:], line_numbers[:k] + line_numbers[k + 1:], totals
    return rows, line_numbers, None


def _total_value(value, dtype, column, row, path, dayfirst, convert):
    """One cell of the totals row, converted like its column where it can be."""
    if _is_missing(value):
        return None
    if not convert:
        return str(value)
    try:
        out = _convert_column(pd.Series([value], dtype=object), column, [row], path,
                              dayfirst).iloc[0]
    except DataError:
        return value
    if isinstance(out, np.generic):
        out = out.item()
    if pd.api.types.is_float_dtype(dtype) and isinstance(out, int):
        out = float(out)
    return out


def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and value.strip() in _MISSING


def _convert_column(values: pd.Series, column, line_numbers, path, dayfirst):
    present = [(i, v) for i, v in enumerate(values) if not _is_missing(v)]
    missing = len(present) < len(values)
    if not present:
        return pd.Series([pd.NA] * len(values), dtype="str")
    items = [v.strip() if isinstance(v, str) else v for _, v in present]
    index = [i for i, _ in present]
    rows = [line_numbers[i] for i in index]

    def series(converted, dtype):
        out = pd.Series([None] * len(values), dtype=object)
        out.iloc[index] = converted
        return out.astype(dtype) if dtype else out

    if all(isinstance(v, (dt.datetime, dt.date)) for v in items):
        return pd.to_datetime(series(items, None))
    if all(isinstance(v, bool) for v in items):
        return series(items, "boolean" if missing else "bool")
    if all(isinstance(v, (dt.time, dt.timedelta)) for v in items):
        return pd.to_timedelta(series([_as_timedelta(v) for v in items], None))
    parsed = [_as_number(v) for v in items]
    _refuse_garbage([p is not None for p in parsed], items, rows, column, path, "число",
                    "числа")
    if all(p is not None for p in parsed):
        if not any(p is _CODE for p in parsed):
            numbers = [p[0] for p in parsed]
            exact = all(isinstance(v, int) and not p[1] for v, p in zip(numbers, parsed))
            if exact:
                return series(numbers, "Int64" if missing else "int64")
            return series([float(v) for v in numbers], "float64")
    elif all(isinstance(v, str) for v in items):
        if all(v.casefold() in _BOOLS for v in items):
            return series([_BOOLS[v.casefold()] for v in items], "boolean" if missing else "bool")
        durations = [_DURATION.match(v) for v in items]
        _refuse_garbage([bool(m) for m in durations], items, rows, column, path,
                        "длительность Ч:ММ:СС", "длительности")
        if all(durations):
            return pd.to_timedelta(series([pd.Timedelta(hours=int(m[1]), minutes=int(m[2]),
                                                        seconds=int(m[3])) for m in durations],
                                          None))
        iso = [bool(_ISO_DATE.match(v)) for v in items]
        dotted = [bool(_DOT_DATE.match(v)) for v in items]
        _refuse_garbage([a or b for a, b in zip(iso, dotted)], items, rows, column, path,
                        "дата", "даты")
        if all(iso):
            try:
                return pd.to_datetime(series(items, None), format="ISO8601")
            except ValueError:
                bad = next(k for k, v in enumerate(items) if not _valid_iso(v))
                raise DataError(f"Файл «{path}», столбец «{column}», строка {rows[bad]}: "
                                f"«{items[bad]}» — не дата в виде ГГГГ-ММ-ДД.") from None
        if all(dotted):
            return pd.to_datetime(series(_dotted_dates(items, rows, column, path, dayfirst),
                                         None))
    return pd.Series([None if _is_missing(v) else str(v) for v in values], dtype="str")


def _refuse_garbage(good, items, rows, column, path, kind, kinds):
    """Raise when nearly all cells of a column are of one kind and a few are not."""
    bad = [k for k, ok in enumerate(good) if not ok]
    if not bad or len(items) - len(bad) < _GARBAGE_MIN or len(bad) > max(
            1, _GARBAGE_SHARE * len(items)):
        return
    where = ", ".join(f"строка {rows[k]}: «{items[k]}»" for k in bad[:3])
    more = f" и ещё {len(bad) - 3}" if len(bad) > 3 else ""
    raise DataError(
        f"Файл «{path}», столбец «{column}»: почти все значения — {kinds}, но не все "
        f"({where}{more}). Исправьте эти ячейки (пропуск оставьте пустым) или прочитайте "
        f"файл с convert=False, чтобы все значения остались текстом. Ожидалось: {kind}.")


def _valid_iso(text) -> bool:
    try:
        pd.to_datetime(text, format="ISO8601")
    except ValueError:
        return False
    return True


def _as_timedelta(value) -> pd.Timedelta:
    if isinstance(value, dt.time):
        return pd.Timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
    return pd.Timedelta(value)


#: _as_number's answer for a code with leading zeros (007, 0123): a number, but kept as text.
_CODE = (0, False)


def _as_number(value):
    """(number, has_decimals) for a number cell, _CODE for a code, None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, False
    if isinstance(value, float):
        return (int(value), False) if value.is_integer() else (value, True)
    if not isinstance(value, str):
        return None
    percent = _PERCENT.match(value)
    text = percent[1].strip() if percent else value
    if not _NUMBER.match(text):
        return None
    digits = text.lstrip("+-")
    if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
        return _CODE  # a code such as 007 or a phone number: keep it text
    clean = re.sub(r"[ \u00a0\u202f]", "", text).replace(",", ".")
    if "." in clean or percent:
        return float(clean), True
    return int(clean), False


def _dotted_dates(items, rows, column, path, dayfirst):
    parts = [_DOT_DATE.match(v).groups() for v in items]
    first_big = [k for k, p in enumerate(parts) if int(p[0]) > 12]
    second_big = [k for k, p in enumerate(parts) if int(p[2]) > 12]
    where = f"Файл «{path}», столбец «{column}»"
    if dayfirst is None:
        if first_big and second_big:
            a, b = first_big[0], second_big[0]
            raise DataError(
                f"{where}: в строке {rows[a]} дата «{items[a]}» записана днём вперёд, "
                f"а в строке {rows[b]} «{items[b]}» — месяцем вперёд. Приведите даты к "
                f"одному виду ДД.ММ.ГГГГ.")
        if first_big or second_big:
            dayfirst = bool(first_big)
        elif all(p[1] == "." for p in parts):
            dayfirst = True  # 01.02.2025 is 1 February: the Russian convention
        else:
            raise DataError(
                f"{where}: непонятно, где день, а где месяц — во всех датах оба числа не больше "
                f"12 (например, «{items[0]}» в строке {rows[0]}). Укажите порядок сами: "
                f"read_table(..., dayfirst=True), если день стоит первым (так принято в "
                f"России), или dayfirst=False, если первым стоит месяц.")
    out = []
    for k, (a, _, b, year, hour, minute, second) in enumerate(parts):
        day, month = (int(a), int(b)) if dayfirst else (int(b), int(a))
        try:
            out.append(dt.datetime(int(year), month, day, int(hour or 0), int(minute or 0),
                                   int(second or 0)))
        except ValueError:
            order = "ДД.ММ.ГГГГ" if dayfirst else "ММ.ДД.ГГГГ"
            raise DataError(f"{where}, строка {rows[k]}: «{items[k]}» — не дата в виде "
                            f"{order}.") from None
    return out


def _show_short(shell, etype, value, tb, tb_offset=None):
    """IPython's display of a :class:`DataError`: the Russian message alone, without the kit's
    internal frames a beginner cannot act on. The cell still fails as with any error."""
    shell._showtraceback(etype, value, [f"{etype.__name__}: {value}"])


def _register_short_errors() -> None:
    """In a notebook kernel, show a :class:`DataError` as its message only."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "set_custom_exc"):
        shell.set_custom_exc((DataError,), _show_short)


_register_short_errors()
