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

from functools import lru_cache
from pathlib import Path

import pandas as pd

from infowork import ROOT
from infowork.data_schema import SCHEMA, Dataset

__all__ = ["DATASETS_DIR", "DataError", "UnknownDatasetError", "names", "load", "catalog",
           "dtypes", "path"]

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
    return _read_cached(name, file.stat().st_mtime_ns).copy()


@lru_cache(maxsize=32)
def _read_cached(name: str, mtime_ns: int) -> pd.DataFrame:
    dataset = SCHEMA[name]
    read_as = {}
    for col in dataset.columns:
        read_as[col.name] = {"int": "int64", "float": "float64", "bool": "bool"}.get(col.kind, "str")
    frame = pd.read_csv(path(name), dtype=read_as, keep_default_na=False, na_values=[],
                        encoding="utf-8")
    if list(frame.columns) != dataset.column_names:
        raise DataError(f"Файл {path(name)}: столбцы {list(frame.columns)} не совпадают "
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
