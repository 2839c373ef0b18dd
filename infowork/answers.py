"""Answers as plain data: what a graded notebook's kernel sends out for the independent check.

While the kit grades a notebook (the kernel has ``INFOWORK_GRADING`` in its environment),
:func:`infowork.checks.answer` hands every answer a step asks for to :func:`emit`, which puts it
into the test cell's outputs as JSON under the MIME type :data:`MIME` (JupyterLab and nbconvert
render nothing for it, and feedback drops it). :mod:`infowork.grading.verdict` rebuilds the values from
that JSON in a trusted process and runs the master copy's check on them again.

Nothing here pickles: a value becomes a tree of JSON nodes (:func:`encode`) and is rebuilt from
it (:func:`decode`). Numbers, strings, None, lists, tuples, sets, dicts, dates, numpy scalars and
arrays, pandas Series, DataFrames and indexes keep their types, dtypes and labels; a matplotlib
Axes becomes a snapshot of what checks read (bars, lines, texts, titles, labels, ticks, limits,
the figure's source line) and is rebuilt as a real Axes; a file path (:class:`pathlib.PurePath`,
what ``style.save_card`` returns) is sent as the file's bytes, read in the kernel, and comes back
as a :class:`SavedFile` whose picture size the replay measures from those bytes itself; a
function is wrapped so that each call records its result under a digest of its arguments. Anything else, or more than
:data:`MAX_ITEMS` values, is recorded as not transferable, and its check fails in the replay.

>>> import pandas as pd
>>> frame = pd.DataFrame({"name": ["А", "Б"], "members": [120, 80]}, index=[3, 7])
>>> rebuilt = decode(encode(frame))
>>> rebuilt.equals(frame), list(rebuilt.index), str(rebuilt["name"].dtype)
(True, [3, 7], 'str')
>>> class Liar(float):
...     def __eq__(self, other):
...         return True
>>> decode(encode(Liar(0.5))) == 0.25, type(decode(encode(Liar(0.5)))).__name__
(False, 'float')
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

__all__ = ["MIME", "GRADING_MARK", "MAX_ITEMS", "NotTransferable", "encode", "decode",
           "canonical", "digest", "emit", "grading", "Recorded", "probe", "SavedFile", "saved_file",
           "MAX_FILE_BYTES"]

#: MIME type of an answer record in a test cell's outputs.
MIME = "application/vnd.infowork.answer+json"
#: Set in the environment of every nbgrader process the kit starts (infowork.exercises).
GRADING_MARK = "INFOWORK_GRADING"
#: At most this many values (table cells, list items, points of a chart) in one answer.
MAX_ITEMS = 1_000_000
#: At most this many characters of JSON in one record.
MAX_CHARS = 32_000_000
#: At most this many bytes of a saved file (a card) travel with its answer.
MAX_FILE_BYTES = 8_000_000


class NotTransferable(ValueError):
    """The value cannot be sent as plain data (an unknown type, or too large)."""


def grading() -> bool:
    """True in a kernel that the kit is grading."""
    return bool(os.environ.get(GRADING_MARK))


# ---------------------------------------------------------------------------------------------
# Encoding

class _Budget:
    def __init__(self, limit: int = MAX_ITEMS):
        self.left = limit

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise NotTransferable(f"больше {MAX_ITEMS} значений")


def _float(x: float):
    x = float.__float__(x)  # the stored number, whatever a subclass says it is
    return x if math.isfinite(x) else repr(x)


def _unfloat(v) -> float:
    return float(v) if isinstance(v, str) else float(v)


def encode(value: Any, budget: _Budget | None = None) -> dict:
    """A JSON tree that :func:`decode` turns back into an equal value of the same type.

    Subclasses of the built-in types are sent as the built-in value they hold (an object that
    overrides ``__eq__`` or ``__float__`` arrives as the plain number it stores).
    """
    import numpy as np

    budget = budget or _Budget()
    budget.take(1)
    if value is None:
        return {"t": "none"}
    if value is Ellipsis:
        return {"t": "ellipsis"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)} if isinstance(value, bool) else \
            {"t": "np", "dtype": "bool", "v": bool(value)}
    if isinstance(value, np.generic):
        return _np_scalar(value)
    if isinstance(value, int):
        return {"t": "int", "v": int.__int__(value)}
    if isinstance(value, float):
        return {"t": "float", "v": _float(value)}
    if isinstance(value, complex):
        c = complex.__complex__(value)
        return {"t": "complex", "v": [_float(c.real), _float(c.imag)]}
    if isinstance(value, str):
        return {"t": "str", "v": str.__str__(value)}
    if isinstance(value, (list, tuple, set, frozenset)):
        kind = next(k for k in (list, tuple, frozenset, set) if isinstance(value, k))
        items = list(kind.__iter__(value))
        if kind in (set, frozenset):
            items = sorted(items, key=lambda v: (type(v).__name__, repr(v)))
        budget.take(len(items))
        return {"t": kind.__name__, "v": [encode(v, budget) for v in items]}
    if isinstance(value, dict):
        items = list(dict.items(value))
        budget.take(2 * len(items))
        return {"t": "dict", "v": [[encode(k, budget), encode(v, budget)] for k, v in items]}
    dated = _encode_date(value)
    if dated is not None:
        return dated
    import pandas as pd

    if value is pd.NA:
        return {"t": "na"}
    if isinstance(value, pd.DataFrame):
        budget.take(value.shape[0] * value.shape[1])
        return {"t": "frame", "columns": _encode_index(value.columns, budget),
                "index": _encode_index(value.index, budget),
                "data": [_column(value.iloc[:, j], budget) for j in range(value.shape[1])]}
    if isinstance(value, pd.Series):
        budget.take(len(value))
        return {"t": "series", "name": encode(value.name, budget),
                "index": _encode_index(value.index, budget), "data": _column(value, budget)}
    if isinstance(value, pd.Index):
        return _encode_index(value, budget)
    if isinstance(value, np.ndarray):
        budget.take(value.size)
        return {"t": "ndarray", "shape": list(value.shape),
                "data": _column(value.reshape(-1), budget)}
    if isinstance(value, pd.Categorical):
        budget.take(len(value))
        return {"t": "categorical", "data": _column(value, budget)}
    if _is_axes(value):
        from infowork import answers_chart

        return answers_chart.snapshot(value, budget)
    if isinstance(value, PurePath):
        return _encode_file(value)
    if isinstance(value, SavedFile):
        return value._node()
    raise NotTransferable(f"тип {type(value).__module__}.{type(value).__qualname__}")


def _np_scalar(value) -> dict:
    import numpy as np

    dtype = np.dtype(type(value)) if type(value) in _NP_TYPES() else None
    if dtype is None:
        raise NotTransferable(f"тип {type(value).__qualname__}")
    if dtype.kind in "mM":
        unit = np.datetime_data(dtype)[0]
        i8 = value.astype("int64").item()
        return {"t": "np", "dtype": str(dtype), "v": None if np.isnat(value) else i8, "unit": unit}
    if dtype.kind == "f":
        return {"t": "np", "dtype": str(dtype), "v": _float(float(value))}
    if dtype.kind == "c":
        return {"t": "np", "dtype": str(dtype), "v": [_float(value.real), _float(value.imag)]}
    if dtype.kind in "biu":
        return {"t": "np", "dtype": str(dtype), "v": value.item()}
    if dtype.kind in "US":
        return {"t": "np", "dtype": str(dtype), "v": str(value)}
    raise NotTransferable(f"numpy {dtype}")


def _NP_TYPES() -> set:
    import numpy as np

    return {np.dtype(c).type for c in "?bBhHiIlLqQefdgFDGUSmM"} | {
        np.datetime64, np.timedelta64}


def _encode_date(value) -> dict | None:
    import numpy as np
    import pandas as pd

    if value is pd.NaT:
        return {"t": "nat"}
    if isinstance(value, pd.Timestamp):
        return {"t": "ts", "ns": value.value, "unit": value.unit,
                "tz": None if value.tz is None else str(value.tz)}
    if isinstance(value, pd.Timedelta):
        return {"t": "td", "ns": value.value, "unit": value.unit}
    if isinstance(value, dt.datetime):
        return {"t": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"t": "date", "v": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"t": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, pd.Period):
        return {"t": "period", "v": str(value), "freq": value.freqstr}
    del np
    return None


def _is_axes(value) -> bool:
    """A matplotlib Axes, without importing matplotlib when it is not loaded."""
    import sys

    axes = sys.modules.get("matplotlib.axes")
    return axes is not None and isinstance(value, axes.Axes)


def _encode_index(index, budget: _Budget) -> dict:
    import pandas as pd

    names = [encode(n, budget) for n in index.names]
    if isinstance(index, pd.RangeIndex):
        return {"t": "range", "start": index.start, "stop": index.stop, "step": index.step,
                "names": names}
    budget.take(len(index))
    if isinstance(index, pd.MultiIndex):
        return {"t": "multi", "names": names,
                "levels": [_column(index.get_level_values(i), budget)
                           for i in range(index.nlevels)]}
    return {"t": "index", "names": names, "data": _column(index, budget)}


def _column(values, budget: _Budget) -> dict:
    """A one-dimensional array of any dtype (numpy, pandas extension or object) as JSON."""
    import numpy as np
    import pandas as pd

    dtype = values.dtype
    name = str(dtype)
    if isinstance(dtype, pd.CategoricalDtype):
        cat = pd.Categorical(values)
        return {"kind": "category", "ordered": bool(dtype.ordered),
                "categories": _encode_index(cat.categories, budget),
                "codes": cat.codes.tolist()}
    if isinstance(dtype, pd.DatetimeTZDtype):
        arr = pd.DatetimeIndex(values)
        return {"kind": "datetime", "unit": arr.unit, "tz": str(dtype.tz),
                "v": [None if m else int(i) for i, m in zip(arr.asi8, arr.isna())]}
    if isinstance(dtype, np.dtype) and dtype.kind in "mM":
        arr = np.asarray(values)
        unit = np.datetime_data(dtype)[0]
        ints = arr.view("int64")
        return {"kind": "datetime" if dtype.kind == "M" else "timedelta", "unit": unit,
                "tz": None, "v": [None if m else int(i) for i, m in zip(ints, np.isnat(arr))]}
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        arr = np.asarray(values)
        if dtype.kind == "f":
            return {"kind": "num", "dtype": name, "v": [_float(x) for x in arr.tolist()]}
        return {"kind": "num", "dtype": name, "v": arr.tolist()}
    if isinstance(dtype, np.dtype) and dtype.kind in "US":
        return {"kind": "unicode", "dtype": name, "v": [str(x) for x in np.asarray(values)]}
    if isinstance(dtype, pd.StringDtype):
        return {"kind": "string", "dtype": name,
                "v": [None if pd.isna(x) else str.__str__(x) for x in values]}
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and getattr(
            dtype, "_is_numeric", False) or name == "boolean":
        out = []
        for x in pd.array(values, dtype=dtype):
            out.append(None if x is pd.NA else _float(x) if isinstance(x, float) else
                       bool(x) if isinstance(x, (bool, np.bool_)) else int(x))
        return {"kind": "masked", "dtype": name, "v": out}
    return {"kind": "object", "dtype": name, "v": [encode(x, budget) for x in values]}


# ---------------------------------------------------------------------------------------------
# Decoding

def decode(node: Any) -> Any:
    """The value an :func:`encode` tree stands for; NotTransferable when the tree is malformed."""
    try:
        return _decode(node)
    except NotTransferable:
        raise
    except Exception as exc:  # noqa: BLE001 - anything a hostile kernel could have sent
        raise NotTransferable(f"запись повреждена ({type(exc).__name__})") from None


_DEPTH = 60


def _decode(node, depth: int = 0):
    import numpy as np
    import pandas as pd

    if depth > _DEPTH or not isinstance(node, dict):
        raise NotTransferable("запись повреждена")
    t, v = node.get("t"), node.get("v")
    simple = {"none": lambda: None, "ellipsis": lambda: Ellipsis, "na": lambda: pd.NA,
              "nat": lambda: pd.NaT}
    if t in simple:
        return simple[t]()
    if t == "bool":
        return _typed(v, bool)
    if t == "int":
        return _typed(v, int)
    if t == "float":
        return _unfloat(_typed(v, (int, float, str)))
    if t == "complex":
        return complex(_unfloat(v[0]), _unfloat(v[1]))
    if t == "str":
        return _typed(v, str)
    if t in ("list", "tuple", "set", "frozenset"):
        items = [_decode(x, depth + 1) for x in _typed(v, list)]
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[t](items)
    if t == "dict":
        return {_decode(k, depth + 1): _decode(x, depth + 1) for k, x in _typed(v, list)}
    if t == "np":
        return _np_value(node)
    if t == "ts":
        ts = pd.Timestamp(_typed(node["ns"], int), unit="ns", tz="UTC" if node["tz"] else None)
        ts = ts.tz_convert(node["tz"]) if node["tz"] else ts
        return ts.as_unit(node["unit"])
    if t == "td":
        return pd.Timedelta(_typed(node["ns"], int), unit="ns").as_unit(node["unit"])
    if t == "datetime":
        return dt.datetime.fromisoformat(_typed(v, str))
    if t == "date":
        return dt.date.fromisoformat(_typed(v, str))
    if t == "timedelta":
        return dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2])
    if t == "period":
        return pd.Period(_typed(v, str), freq=node["freq"])
    if t == "frame":
        columns = _decode_index(node["columns"], depth)
        index = _decode_index(node["index"], depth)
        data = [_decode_column(c, depth) for c in _typed(node["data"], list)]
        if len(data) != len(columns) or any(len(c) != len(index) for c in data):
            raise NotTransferable("запись таблицы повреждена")
        frame = pd.DataFrame({i: pd.Series(c, index=index, copy=False)
                              for i, c in enumerate(data)}, index=index)
        frame.columns = columns
        return frame
    if t == "series":
        index = _decode_index(node["index"], depth)
        data = _decode_column(node["data"], depth)
        if len(data) != len(index):
            raise NotTransferable("запись столбца повреждена")
        return pd.Series(data, index=index, name=_decode(node["name"], depth + 1), copy=False)
    if t in ("range", "index", "multi"):
        return _decode_index(node, depth)
    if t == "ndarray":
        flat = _decode_column(node["data"], depth)
        flat = flat if isinstance(flat, np.ndarray) else np.asarray(flat)
        return flat.reshape([_typed(n, int) for n in node["shape"]])
    if t == "categorical":
        return pd.Categorical(_decode_column(node["data"], depth))
    if t == "axes":
        from infowork import answers_chart

        return answers_chart.rebuild(node)
    if t == "file":
        return SavedFile._from_node(node)
    raise NotTransferable(f"неизвестный вид записи {str(t)[:40]}")


def _typed(value, types):
    if not isinstance(value, types) or (types is int and isinstance(value, bool)):
        raise NotTransferable("запись повреждена")
    return value


def _np_value(node):
    import numpy as np

    dtype = np.dtype(_typed(node["dtype"], str))
    v = node["v"]
    if dtype.kind in "mM":
        return (np.array(np.iinfo("int64").min if v is None else _typed(v, int), dtype="int64")
                .view(f"{dtype.kind}8[{node['unit']}]")[()])
    if dtype.kind == "f":
        return dtype.type(_unfloat(v))
    if dtype.kind == "c":
        return dtype.type(complex(_unfloat(v[0]), _unfloat(v[1])))
    if dtype.kind == "b":
        return np.bool_(_typed(v, bool))
    if dtype.kind in "iu":
        return dtype.type(_typed(v, int))
    if dtype.kind in "US":
        return dtype.type(_typed(v, str))
    raise NotTransferable("запись повреждена")


def _decode_index(node, depth: int):
    import pandas as pd

    t = node.get("t")
    names = [_decode(n, depth + 1) for n in _typed(node["names"], list)]
    if t == "range":
        index = pd.RangeIndex(_typed(node["start"], int), _typed(node["stop"], int),
                              _typed(node["step"], int), name=names[0] if names else None)
        if len(index) > MAX_ITEMS:
            raise NotTransferable(f"больше {MAX_ITEMS} значений")
        return index
    if t == "multi":
        levels = [_decode_column(c, depth) for c in _typed(node["levels"], list)]
        return pd.MultiIndex.from_arrays(levels, names=names)
    if t == "index":
        data = _decode_column(node["data"], depth)
        return pd.Index(data, name=names[0] if names else None, copy=False,
                        tupleize_cols=False)
    raise NotTransferable("запись индекса повреждена")


def _decode_column(node, depth: int):
    import numpy as np
    import pandas as pd

    kind, v = node.get("kind"), node.get("v")
    if kind == "category":
        categories = _decode_index(node["categories"], depth)
        return pd.Categorical.from_codes(_typed(node["codes"], list), categories=categories,
                                         ordered=_typed(node["ordered"], bool))
    if kind in ("datetime", "timedelta"):
        unit = _typed(node["unit"], str)
        if unit not in ("s", "ms", "us", "ns", "m", "h", "D", "W", "M", "Y"):
            raise NotTransferable("запись повреждена")
        ints = np.array([np.iinfo("int64").min if x is None else _typed(x, int)
                         for x in _typed(v, list)], dtype="int64")
        arr = ints.view(f"{'M' if kind == 'datetime' else 'm'}8[{unit}]")
        if node.get("tz"):
            return pd.DatetimeIndex(arr).tz_localize("UTC").tz_convert(node["tz"]).array
        return arr
    if kind == "num":
        dtype = np.dtype(_typed(node["dtype"], str))
        if dtype.kind not in "biuf":
            raise NotTransferable("запись повреждена")
        values = _typed(v, list)
        if dtype.kind == "f":
            values = [_unfloat(x) for x in values]
        return np.array(values, dtype=dtype)
    if kind == "string":
        return pd.array(_typed(v, list), dtype=pd.api.types.pandas_dtype(node["dtype"]))
    if kind == "masked":
        values = [_unfloat(x) if isinstance(x, str) else x for x in _typed(v, list)]
        return pd.array(values, dtype=pd.api.types.pandas_dtype(node["dtype"]))
    if kind == "unicode":
        dtype = np.dtype(_typed(node["dtype"], str))
        if dtype.kind not in "US":
            raise NotTransferable("запись повреждена")
        return np.array(_typed(v, list), dtype=dtype)
    if kind == "object":
        items = [_decode(x, depth + 1) for x in _typed(v, list)]
        dtype = str(node.get("dtype"))
        if dtype != "object":
            try:
                return pd.array(items, dtype=pd.api.types.pandas_dtype(dtype))
            except (TypeError, ValueError):
                pass
        out = np.empty(len(items), dtype=object)
        out[:] = items
        return out
    raise NotTransferable("запись столбца повреждена")


# ---------------------------------------------------------------------------------------------
# Saved files (cards)

def _encode_file(path: PurePath) -> dict:
    """A file answer: its path as written and its bytes as they are on disk now (base64)."""
    import base64

    text = PurePath.__str__(path)  # the path it holds, whatever a subclass says it is
    node = {"t": "file", "path": text, "exists": False, "data": None, "size": 0}
    try:
        real = Path(text)
        if real.is_file():
            size = real.stat().st_size
            node.update(exists=True, size=int(size))
            if size <= MAX_FILE_BYTES:
                with open(real, "rb") as handle:
                    node["data"] = base64.b64encode(handle.read(MAX_FILE_BYTES + 1)).decode("ascii")
    except OSError:
        pass
    return node


class SavedFile:
    """A file an answer names, as the check sees it: where it was (``path``, as written),
    whether it existed (``exists``) and its bytes (``data``, None when missing or larger than
    :data:`MAX_FILE_BYTES`). :meth:`png_size` reads the picture size from the bytes, so the
    replay measures the card itself instead of trusting a number from the kernel.

    >>> import tempfile, matplotlib
    >>> matplotlib.use("Agg")
    >>> from infowork import style
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> card = style.save_card(fig, Path(tempfile.mkdtemp()) / "card.png", size="wide")
    >>> saved = decode(json.loads(json.dumps(encode(card))))
    >>> saved.exists, saved.png_size(), saved.name
    (True, (1280, 720), 'card.png')
    >>> missing = saved_file(Path("нет/такого.png"))
    >>> missing.exists, missing.png_size()
    (False, None)
    >>> plt.close(fig)
    """

    def __init__(self, path: str, exists: bool, data: bytes | None, size: int = 0):
        self.path, self.exists, self.data, self.size = path, exists, data, size

    @property
    def name(self) -> str:
        return PurePath(self.path).name

    def png_size(self) -> tuple[int, int] | None:
        """(width, height) in pixels of a whole, valid PNG; None for anything else."""
        data = self.data
        if not data or data[:8] != b"\x89PNG\r\n\x1a\n":
            return None
        pos, size, seen_end = 8, None, False
        while pos + 12 <= len(data):
            length, kind = struct.unpack(">I4s", data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            if len(body) != length or pos + 12 + length > len(data):
                return None
            (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
            if zlib.crc32(kind + body) != crc:
                return None
            if size is None:
                if kind != b"IHDR" or length != 13:
                    return None
                size = struct.unpack(">II", body[:8])
            if kind == b"IEND":
                seen_end = True
                break
            pos += 12 + length
        return (int(size[0]), int(size[1])) if size and seen_end and min(size) > 0 else None

    def _node(self) -> dict:
        import base64

        return {"t": "file", "path": self.path, "exists": bool(self.exists), "size": self.size,
                "data": None if self.data is None else base64.b64encode(self.data).decode("ascii")}

    @classmethod
    def _from_node(cls, node: dict) -> "SavedFile":
        import base64

        data = node.get("data")
        return cls(_typed(node["path"], str), _typed(node["exists"], bool),
                   None if data is None else base64.b64decode(_typed(data, str), validate=True),
                   _typed(node.get("size", 0), int))

    def __repr__(self) -> str:
        return f"SavedFile({self.path!r}, exists={self.exists})"


def saved_file(value) -> SavedFile:
    """The file an answer names, read now (a path, in the kernel) or as it was sent (a
    :class:`SavedFile`, in the replay). Only a path object is read from disk, never a string:
    a string answer would be read in the replay from the grader's folder."""
    if isinstance(value, SavedFile):
        return value
    if isinstance(value, PurePath):
        return SavedFile._from_node(_encode_file(value))
    raise TypeError("not a path")


# ---------------------------------------------------------------------------------------------
# Records in a test cell's outputs

def canonical(node: Any) -> str:
    """One text per JSON tree (sorted keys, no spaces): what digests and size caps are of."""
    return json.dumps(node, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def digest(args: tuple, kwargs: dict) -> str:
    """The fingerprint of a call's arguments, the same in the kernel and in the replay."""
    node = encode([list(args), dict(sorted(kwargs.items()))])
    return hashlib.sha256(canonical(node).encode("utf-8")).hexdigest()


def record(name: str, value: Any) -> dict:
    """The record of one answer: ``{"name", "kind", "node"}`` (or why it cannot be sent)."""
    if callable(value):
        return {"name": name, "kind": "function"}
    try:
        node = encode(value)
        if len(canonical(node)) > MAX_CHARS:
            raise NotTransferable("слишком большой ответ")
    except NotTransferable as exc:
        return {"name": name, "kind": "unsupported", "why": str(exc)[:200]}
    except RecursionError:
        return {"name": name, "kind": "unsupported", "why": "слишком глубокая вложенность"}
    return {"name": name, "kind": node["t"], "node": node}


def _publish(data: dict) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import publish_display_data
    except ImportError:
        return
    if get_ipython() is None:
        return
    publish_display_data({MIME: data}, metadata={MIME: {"infowork": "answer"}})


def emit(name: str, value: Any) -> Any:
    """Put the answer into the running cell's outputs; return what the check should use (the
    value itself, or a function wrapped to record its calls)."""
    data = record(name, value)
    _publish(data)
    if data["kind"] != "function":
        return value
    _functions[name] = value
    return Recorded(name, value)


class Recorded:
    """A trainee's function as a check calls it: each call is also recorded as
    ``{"name", "kind": "call", "digest", "result" | "error"}``."""

    def __init__(self, name: str, function: Callable):
        self._name, self._function = name, function

    def __call__(self, *args, **kwargs):
        try:
            key = digest(args, kwargs)
        except (NotTransferable, RecursionError):
            key = None
        try:
            result = self._function(*args, **kwargs)
        except BaseException as exc:
            if key is not None:
                _publish(call_record(self._name, key, error=exc))
            raise
        if key is not None:
            _publish(call_record(self._name, key, result=result))
        return result

    def __repr__(self) -> str:
        return repr(self._function)


def call_record(name: str, key: str, result: Any = None, error: BaseException | None = None
                ) -> dict:
    """The record of one call of a function answer."""
    out = {"name": name, "kind": "call", "digest": key}
    if error is not None:
        out["error"] = {"ename": type(error).__name__, "evalue": str(error)[:500]}
        return out
    try:
        node = encode(result)
        if len(canonical(node)) > MAX_CHARS:
            raise NotTransferable("слишком большой результат")
        out["result"] = node
    except (NotTransferable, RecursionError) as exc:
        out["error"] = {"ename": "NotTransferable", "evalue": str(exc)[:200]}
    return out


#: The functions the checks asked for in this kernel (name -> the trainee's function), for
#: :func:`probe`.
_functions: dict[str, Callable] = {}


def pack_calls(calls: list) -> str:
    """``calls`` (see :func:`probe`) as a short text for a cell's code: JSON, compressed, in
    base 85 (no quotes or backslashes). A kernel hashes, tokenizes and parses the code of every
    cell in pure Python: the calls of one module 01 step were 0,37 MB of JSON, ~0,05 s of
    each trainee's kernel; packed, 43 KB."""
    import base64

    return base64.b85encode(zlib.compress(json.dumps(calls).encode("utf-8"))).decode("ascii")


def probe_packed(text: str) -> None:
    """:func:`probe` on calls packed by :func:`pack_calls`."""
    import base64

    probe(json.loads(zlib.decompress(base64.b85decode(text))))


def probe(calls: list) -> None:
    """Run by the grader between the visible and the hidden part of a test cell: call the
    trainee's functions on the inputs the hidden checks will use (``[[name, digest, encoded
    args], ...]``) and record the results, before any hidden code reaches this kernel."""
    for name, key, node in calls:
        function = _functions.get(name)
        if function is None:
            continue
        args, kwargs = decode(node)
        try:
            result = function(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the trainee's code
            _publish(call_record(name, key, error=exc))
        else:
            _publish(call_record(name, key, result=result))
