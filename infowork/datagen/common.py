"""Shared machinery of the generator: seeded random streams and byte-stable CSV writing."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from infowork.data_schema import SCHEMA, Dataset

__all__ = ["SEED", "rng", "write_csv", "to_csv_text"]

#: The one seed of the whole generator.
SEED = 20240428


def rng(stream: str) -> np.random.Generator:
    """A random generator for one named stream, derived from SEED.

    Each dataset draws from its own stream, so changing one dataset's generator does not
    change the others.
    """
    key = int.from_bytes(hashlib.sha256(stream.encode()).digest()[:4], "little")
    return np.random.default_rng([SEED, key])


def _check(frame: pd.DataFrame, dataset: Dataset) -> None:
    if list(frame.columns) != dataset.column_names:
        raise ValueError(f"{dataset.name}: columns {list(frame.columns)} "
                         f"differ from the schema {dataset.column_names}")
    for col in dataset.columns:
        values = frame[col.name]
        if values.isna().any():
            raise ValueError(f"{dataset.name}.{col.name}: missing values")
        if col.kind == "category":
            unknown = set(values.unique()) - set(col.values)
            if unknown:
                raise ValueError(f"{dataset.name}.{col.name}: values {unknown} not in schema")


def to_csv_text(frame: pd.DataFrame, dataset: Dataset) -> str:
    """The CSV text of a frame, formatted column by column as the schema says."""
    _check(frame, dataset)
    out = {}
    for col in dataset.columns:
        values = frame[col.name]
        if col.kind == "int":
            out[col.name] = values.astype("int64").astype(str)
        elif col.kind == "float":
            out[col.name] = values.astype(float).map(lambda v, d=col.decimals: f"{v:.{d}f}")
        elif col.kind == "bool":
            out[col.name] = values.astype(bool).map({True: "True", False: "False"})
        elif col.kind in {"datetime", "date"}:
            out[col.name] = pd.to_datetime(values).dt.strftime(col.fmt)
        else:
            out[col.name] = values.astype(str)
    text = pd.DataFrame(out).to_csv(index=False, lineterminator="\n")
    return text


def write_csv(frame: pd.DataFrame, name: str, outdir: Path) -> Path:
    """Write dataset ``name`` to ``outdir/name.csv`` (UTF-8, '\\n' line ends)."""
    path = Path(outdir) / f"{name}.csv"
    path.write_bytes(to_csv_text(frame, SCHEMA[name]).encode("utf-8"))
    return path
