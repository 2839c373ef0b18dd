"""Checks used by the test cells of the assignments, with messages in Russian.

Visible tests check the *form* of an answer (type, columns, length, range) and say what to try;
hidden tests check the *value* with :func:`same_number`, :func:`same_frame`, :func:`same_series`
or :func:`same_values`, whose messages never show the expected value. Every check verifies the
type first, so an object whose ``__eq__`` always says True does not pass.

>>> import pandas as pd
>>> ns = {"answer": 3}
>>> answer("answer", ns)
3
>>> answer("missing", ns)
Traceback (most recent call last):
...
AssertionError: Переменной missing пока нет: выполните ячейку с вашим решением (Shift+Enter) и затем эту проверку.
>>> number(2.5, "доля", low=0, high=1)
Traceback (most recent call last):
...
AssertionError: доля: ожидается число от 0 до 1, а получилось 2.5.
>>> same_number(0.3333, 1 / 3, "доля", rel_tol=1e-3)
>>> same_number(0.5, 1 / 3, "доля")
Traceback (most recent call last):
...
AssertionError: доля: значение неверное. Проверьте, по каким строкам и столбцам вы считали.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from infowork import answers

__all__ = ["answer", "is_type", "number", "frame", "series", "same_number", "same_frame",
           "same_series", "same_values", "chart"]

WRONG_VALUE = "значение неверное. Проверьте, по каким строкам и столбцам вы считали."


#: While :mod:`infowork.grading.verdict` replays a check outside the kernel: where :func:`answer` takes
#: the answers from (the values rebuilt from what the kernel sent). None in a notebook.
_replay = None


def answer(name: str, namespace: Mapping):
    """Return the trainee's variable ``name`` or say, kindly, that the task is not done yet.

    Test cells take every answer through this function. While the kit grades the notebook it
    also sends the answer out of the kernel as plain data (:mod:`infowork.answers`), so that
    :mod:`infowork.grading.verdict` can run the same check again where the trainee's code cannot reach
    it; a function comes back wrapped so that its calls are recorded too.
    """
    if _replay is not None:
        return _replay.answer(name)
    if name not in namespace:
        raise AssertionError(f"Переменной {name} пока нет: выполните ячейку с вашим решением "
                             f"(Shift+Enter) и затем эту проверку.")
    value = namespace[name]
    if value is None or value is Ellipsis:
        raise AssertionError(f"{name} пока пустая (None или ...): впишите решение вместо заглушки.")
    if answers.grading():
        return answers.emit(name, value)
    return value


_TYPE_NAMES = {pd.DataFrame: "таблица pandas (DataFrame)", pd.Series: "столбец pandas (Series)",
               int: "целое число", float: "число", str: "строка", list: "список",
               dict: "словарь", bool: "True или False"}


def _type_name(t) -> str:
    return _TYPE_NAMES.get(t, getattr(t, "__name__", str(t)))


def is_type(value, types, name: str) -> None:
    """The answer is of one of the given types (a type or a tuple of types)."""
    types = types if isinstance(types, tuple) else (types,)
    if not isinstance(value, types):
        wanted = " или ".join(_type_name(t) for t in types)
        raise AssertionError(f"{name}: ожидается {wanted}, а получилось "
                             f"{_type_name(type(value))}.")


def _is_real(value) -> bool:
    return isinstance(value, (numbers.Real, np.number)) and not isinstance(value, (bool, np.bool_))


def number(value, name: str, low: float | None = None, high: float | None = None) -> None:
    """The answer is a finite real number, within [low, high] when those are given."""
    if not _is_real(value):
        raise AssertionError(f"{name}: ожидается число, а получилось {_type_name(type(value))}.")
    if not math.isfinite(float(value)):
        raise AssertionError(f"{name}: получилось {value}. Проверьте, нет ли деления на ноль "
                             f"или пустых значений.")
    lo = -math.inf if low is None else low
    hi = math.inf if high is None else high
    if not lo <= float(value) <= hi:
        if low is not None and high is not None:
            span = f"от {low} до {high}"
        elif low is not None:
            span = f"не меньше {low}"
        else:
            span = f"не больше {high}"
        raise AssertionError(f"{name}: ожидается число {span}, а получилось {value}.")


def frame(value, name: str, columns: Iterable[str] | None = None, rows: int | None = None,
          min_rows: int | None = None, max_rows: int | None = None) -> None:
    """The answer is a DataFrame with these columns and a number of rows in range."""
    is_type(value, pd.DataFrame, name)
    if columns is not None:
        missing = [c for c in columns if c not in value.columns]
        if missing:
            have = ", ".join(map(str, value.columns)) or "нет столбцов"
            raise AssertionError(f"{name}: не хватает столбцов {', '.join(missing)}. "
                                 f"Сейчас есть: {have}.")
    _length(len(value), name, rows, min_rows, max_rows, "строк")


def series(value, name: str, length: int | None = None, min_length: int | None = None,
           max_length: int | None = None, numeric: bool = False) -> None:
    """The answer is a Series of the given length, numeric when asked."""
    is_type(value, pd.Series, name)
    _length(len(value), name, length, min_length, max_length, "значений")
    if numeric and not pd.api.types.is_numeric_dtype(value.dtype):
        raise AssertionError(f"{name}: значения должны быть числами, а тип столбца {value.dtype}. "
                             f"Возможно, вы выбрали не тот столбец.")


def _length(n, name, exact, low, high, unit) -> None:
    if exact is not None and n != exact:
        raise AssertionError(f"{name}: должно быть {exact} {unit}, а сейчас {n}.")
    if low is not None and n < low:
        raise AssertionError(f"{name}: должно быть не меньше {low} {unit}, а сейчас {n}.")
    if high is not None and n > high:
        raise AssertionError(f"{name}: должно быть не больше {high} {unit}, а сейчас {n}. "
                             f"Возможно, забыли отфильтровать или взять первые строки.")


def same_number(value, expected: float, name: str, rel_tol: float = 1e-6,
                abs_tol: float = 1e-9) -> None:
    """Hidden check: a real number close to the expected one (the message hides the value)."""
    number(value, name)
    if not math.isclose(float(value), float(expected), rel_tol=rel_tol, abs_tol=abs_tol):
        raise AssertionError(f"{name}: {WRONG_VALUE}")


def same_series(value, expected: pd.Series, name: str, check_order: bool = True,
                rtol: float = 1e-6) -> None:
    """Hidden check: same labels and values as expected (order too, when asked)."""
    is_type(value, pd.Series, name)
    got = value if check_order else value.sort_index()
    want = expected if check_order else expected.sort_index()
    if len(got) != len(want) or list(got.index) != list(want.index):
        raise AssertionError(f"{name}: не те подписи (индекс) или не тот порядок. "
                             f"Проверьте группировку и сортировку.")
    _same_array(got.to_numpy(), want.to_numpy(), name, rtol)


def same_frame(value, expected: pd.DataFrame, name: str, check_order: bool = True,
               rtol: float = 1e-6) -> None:
    """Hidden check: same columns and values as expected; the index is not compared."""
    frame(value, name, columns=list(expected.columns))
    got = value[list(expected.columns)].reset_index(drop=True)
    want = expected.reset_index(drop=True)
    if not check_order:
        got = got.sort_values(list(got.columns)).reset_index(drop=True)
        want = want.sort_values(list(want.columns)).reset_index(drop=True)
    if len(got) != len(want):
        raise AssertionError(f"{name}: не то число строк. Проверьте фильтр.")
    for column in want.columns:
        _same_array(got[column].to_numpy(), want[column].to_numpy(), f"{name}, столбец {column}",
                    rtol)


def same_values(value, expected: Iterable, name: str, ordered: bool = True) -> None:
    """Hidden check: the same items (strings or numbers) as expected, in order when asked."""
    if isinstance(value, (pd.Series, pd.Index, np.ndarray)):
        value = list(value)
    is_type(value, (list, tuple), name)
    got, want = list(value), list(expected)
    if not ordered:
        got, want = sorted(map(str, got)), sorted(map(str, want))
    if len(got) != len(want) or any(type(g) is not type(w) and not (_is_real(g) and _is_real(w))
                                    for g, w in zip(got, want)):
        raise AssertionError(f"{name}: {WRONG_VALUE}")
    if any(not (math.isclose(float(g), float(w), rel_tol=1e-6) if _is_real(g) else g == w)
           for g, w in zip(got, want)):
        raise AssertionError(f"{name}: {WRONG_VALUE}")


def _same_array(got: np.ndarray, want: np.ndarray, name: str, rtol: float) -> None:
    if pd.api.types.is_numeric_dtype(want.dtype) and not pd.api.types.is_bool_dtype(want.dtype):
        try:
            ok = np.allclose(got.astype(float), want.astype(float), rtol=rtol, equal_nan=True)
        except (TypeError, ValueError):
            ok = False
    else:
        ok = len(got) == len(want) and all(str(g) == str(w) for g, w in zip(got, want))
    if not ok:
        raise AssertionError(f"{name}: {WRONG_VALUE}")


def chart(ax, name: str = "диаграмма", title: bool = True, xlabel: bool = True,
          ylabel: bool = True, source: bool = True, bars: int | None = None,
          bars_sorted: str | None = None) -> None:
    """A chart read from its Axes: title, axis labels, source line, number and order of bars.

    ``bars_sorted`` is "descending" or "ascending": the bar lengths must go that way (top to
    bottom for horizontal bars, left to right for vertical ones).
    """
    from matplotlib.axes import Axes

    from infowork.style import source_text

    is_type(ax, Axes, name)
    if title and not ax.get_title(loc="left") + ax.get_title() + ax.get_title(loc="right"):
        raise AssertionError(f"{name}: нет заголовка. Добавьте его: style.title(ax, '...').")
    if xlabel and not ax.get_xlabel():
        raise AssertionError(f"{name}: нет подписи оси X: ax.set_xlabel('...').")
    if ylabel and not ax.get_ylabel():
        raise AssertionError(f"{name}: нет подписи оси Y: ax.set_ylabel('...').")
    if source and not source_text(ax.figure):
        raise AssertionError(f"{name}: нет строки с источником данных: style.source(fig, '...').")
    rects = [p for p in ax.patches if p.__class__.__name__ == "Rectangle"]
    if bars is not None and len(rects) != bars:
        raise AssertionError(f"{name}: должно быть {bars} столбцов, а на диаграмме {len(rects)}.")
    if bars_sorted and rects:
        # Vertical bars share their bottom edge, horizontal ones their left edge.
        horizontal = (len({round(r.get_x(), 9) for r in rects}) == 1
                      and len({round(r.get_y(), 9) for r in rects}) > 1)
        # As the reader sees them: an inverted axis (ax.invert_yaxis()) flips the order.
        if horizontal:
            ordered = sorted(rects, key=lambda r: r.get_y(), reverse=not bool(ax.yaxis_inverted()))
            lengths = [r.get_width() for r in ordered]
        else:
            ordered = sorted(rects, key=lambda r: r.get_x(), reverse=bool(ax.xaxis_inverted()))
            lengths = [r.get_height() for r in ordered]
        want = sorted(lengths, reverse=(bars_sorted == "descending"))
        if lengths != want:
            word = "по убыванию" if bars_sorted == "descending" else "по возрастанию"
            raise AssertionError(f"{name}: столбцы должны идти {word}. "
                                 f"Отсортируйте данные перед построением.")
