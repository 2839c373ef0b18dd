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
from functools import lru_cache
from pathlib import Path

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
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DOT_DATE = re.compile(r"^(\d{1,2})([./])(\d{1,2})\2(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_BOOLS = {"да": True, "нет": False, "true": True, "false": False}
_SEPARATORS = [";", ",", "\t", "|"]
_SEP_NAMES = {";": "точка с запятой", ",": "запятая", "\t": "табуляция", "|": "вертикальная черта"}


def read_table(path, *, required=None, sheet=0, dayfirst: bool | None = None,
               convert: bool = True) -> pd.DataFrame:
    """Read a user's CSV or Excel (.xlsx) export into a DataFrame; never modifies the file.

    Detects the encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, cp1251) and the separator
    (``;``, ``,``, tab, ``|``) of a CSV file, and the header row of an Excel sheet (skipping
    title rows above it). With ``convert=True`` it turns columns into numbers (decimal commas,
    spaces or U+00A0/U+202F between thousands), dates (``ГГГГ-ММ-ДД``, ``ДД.ММ.ГГГГ``),
    and да/нет into bools; other columns stay text. Codes with leading zeros stay text.

    Day-first or month-first: a ``ДД.ММ.ГГГГ``-like column is read day first when some first
    number is above 12, month first when some second number is; when every number is 12 or
    less the order cannot be known, and a DataError asks for ``dayfirst=True`` or ``False``.

    ``required`` lists columns that must be present. Any problem raises ``DataError`` with a
    Russian message naming the file and, where it can, the row and the column.
    The detected encoding, separator and header row are in ``frame.attrs["source"]``.

    >>> t = read_table(DATASETS_DIR / "raw" / "vk_stats_2025.csv", required=["Дата"])
    >>> t.attrs["source"]["encoding"], t.attrs["source"]["separator"]
    ('cp1251', ';')
    >>> str(t["Дата"].dtype).startswith("datetime64"), str(t["Вовлечённость, %"].dtype)
    (True, 'float64')
    """
    file = Path(path)
    if not file.exists():
        raise DataError(f"Файл «{path}» не найден. Проверьте путь и имя файла "
                        f"(сейчас открыта папка {Path.cwd()}).")
    if file.is_dir():
        raise DataError(f"«{path}» - это папка, а не файл. Укажите файл CSV или Excel.")
    raw = file.read_bytes()
    if not raw.strip():
        raise DataError(f"Файл «{path}» пуст: в нём нет ни шапки, ни строк с данными.")
    if file.suffix.lower() == ".xls" or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(f"Файл «{path}» - в старом формате Excel (.xls). Откройте его в Excel "
                        f"или LibreOffice и сохраните как .xlsx или как CSV.")
    if file.suffix.lower() in {".xlsx", ".xlsm"} or raw.startswith(b"PK\x03\x04"):
        header, rows, line_numbers, source = _excel_rows(raw, path, sheet)
    else:
        header, rows, line_numbers, source = _csv_rows(raw, path)
    frame = _build_frame(header, rows, path)
    _check_required(frame, required, path)
    if convert:
        for col in frame.columns:
            frame[col] = _convert_column(frame[col], col, line_numbers, path, dayfirst)
    else:
        for col in frame.columns:
            frame[col] = frame[col].map(lambda v: v if v is None or isinstance(v, str)
                                        else str(v)).astype("str")
    frame.attrs["source"] = source
    return frame


def _decode(raw: bytes, path) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw[:65536]:
        raise DataError(f"Файл «{path}» не похож на таблицу: в нём двоичные данные. "
                        f"Нужен файл CSV (текст) или Excel (.xlsx).")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        control = sum(1 for ch in text if ch < " " and ch not in "\t\r\n")
        if control <= len(text) * 0.001:
            return text, "cp1251"
    raise DataError(f"Файл «{path}» не удалось прочитать как текст ни в UTF-8, ни в Windows-1251: "
                    f"похоже, это не таблица CSV. Сохраните таблицу как CSV (UTF-8) или .xlsx.")


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
        if not counts or counts[0] < 2:
            continue
        score = (sum(c == counts[0] for c in counts) / len(counts), counts[0])
        if score > best_score:
            best, best_score = sep, score
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best)
    header, rows, line_numbers, broken = None, [], [], []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = record
                continue
            if len(record) != len(header):
                broken.append((reader.line_num, len(record)))
                continue
            rows.append(record)
            line_numbers.append(reader.line_num)
    except csv.Error as error:
        raise DataError(f"Файл «{path}», строка {reader.line_num}: не удалось разобрать строку "
                        f"({error}). Проверьте кавычки в этой строке.") from None
    if broken:
        where = ", ".join(f"строка {n} ({k} полей)" for n, k in broken[:5])
        more = f" и ещё {len(broken) - 5}" if len(broken) > 5 else ""
        raise DataError(
            f"Файл «{path}»: в шапке {len(header)} столбцов (разделитель - "
            f"{_SEP_NAMES[best]}), а в строках другое число полей: {where}{more}. "
            f"Проверьте в этих строках лишние разделители и кавычки.")
    source = {"format": "csv", "encoding": "cp1251" if encoding == "cp1251" else encoding,
              "separator": best, "header_row": 1}
    return header, rows, line_numbers, source


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

    def series(converted, dtype):
        out = pd.Series([None] * len(values), dtype=object)
        out.iloc[index] = converted
        return out.astype(dtype) if dtype else out

    if all(isinstance(v, (dt.datetime, dt.date)) for v in items):
        return pd.to_datetime(series(items, None))
    if all(isinstance(v, bool) for v in items):
        return series(items, "boolean" if missing else "bool")
    numbers = _as_numbers(items)
    if numbers is not None:
        exact = all(isinstance(v, int) or (isinstance(v, float) and v.is_integer()
                                           and not _has_decimals(s))
                    for v, s in zip(numbers, items))
        if exact:
            return series([int(v) for v in numbers], "Int64" if missing else "int64")
        return series([float(v) for v in numbers], "float64")
    if all(isinstance(v, str) for v in items):
        if all(v.casefold() in _BOOLS for v in items):
            return series([_BOOLS[v.casefold()] for v in items], "boolean" if missing else "bool")
        if all(_ISO_DATE.match(v) for v in items):
            return pd.to_datetime(series(items, None), format="ISO8601")
        if all(_DOT_DATE.match(v) for v in items):
            rows = [line_numbers[i] for i in index]
            return pd.to_datetime(series(_dotted_dates(items, rows, column, path, dayfirst),
                                         None))
    return pd.Series([None if _is_missing(v) else str(v) for v in values], dtype="str")


def _has_decimals(text) -> bool:
    return isinstance(text, str) and bool(re.search(r"[.,]\d+$", text))


def _as_numbers(items):
    out = []
    for v in items:
        if isinstance(v, bool):
            return None
        if isinstance(v, (int, float)):
            out.append(v)
            continue
        if not isinstance(v, str) or not _NUMBER.match(v):
            return None
        digits = v.lstrip("+-")
        if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
            return None  # a code such as 007 or a phone number: keep it text
        clean = re.sub(r"[ \u00a0\u202f]", "", v).replace(",", ".")
        out.append(float(clean) if "." in clean else int(clean))
    return out


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
                f"а в строке {rows[b]} «{items[b]}» - месяцем вперёд. Приведите даты к "
                f"одному виду ДД.ММ.ГГГГ.")
        if not first_big and not second_big:
            raise DataError(
                f"{where}: непонятно, где день, а где месяц - во всех датах оба числа не больше "
                f"12 (например, «{items[0]}» в строке {rows[0]}). Укажите порядок сами: "
                f"read_table(..., dayfirst=True), если день стоит первым (так принято в "
                f"России), или dayfirst=False, если первым стоит месяц.")
        dayfirst = bool(first_big)
    out = []
    for k, (a, _, b, year, hour, minute, second) in enumerate(parts):
        day, month = (int(a), int(b)) if dayfirst else (int(b), int(a))
        try:
            out.append(dt.datetime(int(year), month, day, int(hour or 0), int(minute or 0),
                                   int(second or 0)))
        except ValueError:
            order = "ДД.ММ.ГГГГ" if dayfirst else "ММ.ДД.ГГГГ"
            raise DataError(f"{where}, строка {rows[k]}: «{items[k]}» - не дата в виде "
                            f"{order}.") from None
    return out
