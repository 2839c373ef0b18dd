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
AssertionError: доля: ожидается число от 0 до 1, а получилось 2,5.
>>> same_number(0.3333, 1 / 3, "доля", rel_tol=1e-3)
>>> same_number(0.5, 1 / 3, "доля")
Traceback (most recent call last):
...
AssertionError: доля: значение неверное. Проверьте, по каким строкам и столбцам вы считали.

An answer rounded to two decimals passes unless the check is told ``decimals=None`` (the task
then says «не округляйте»):

>>> same_number(12.35, 12.3456, "ER, %")
>>> same_number(0.31, 0.3123, "доля", decimals=None)
Traceback (most recent call last):
...
AssertionError: доля: значение неверное. Проверьте, по каким строкам и столбцам вы считали.

A trainee's function is called through :func:`call`, so that its error is explained in Russian:

>>> call(lambda items: items[0], "score_news(news.head(20))", {"has_photo": True})
Traceback (most recent call last):
...
AssertionError: score_news(news.head(20)): ошибка KeyError — нет ключа «0». Похоже, функция берёт столбец или строку по номеру, как в items[0]: столбец берут по названию (items["has_photo"]), а строку по номеру — через .iloc (items.iloc[0]).
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from infowork import answers
from infowork.russian import plural

__all__ = ["answer", "is_type", "number", "frame", "series", "same_number", "same_frame",
           "same_series", "same_values", "chart", "bars", "same_bars", "label_key", "call"]

WRONG_VALUE = "значение неверное. Проверьте, по каким строкам и столбцам вы считали."

#: By default a hidden check accepts an answer rounded to this many decimals.
DECIMALS = 2


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
        raise AssertionError(f"{name}: получилось {float(value)}. Проверьте, нет ли деления на ноль "
                             f"или пустых значений.")
    lo = -math.inf if low is None else low
    hi = math.inf if high is None else high
    if not lo <= float(value) <= hi:
        if low is not None and high is not None:
            span = f"от {_text(low)} до {_text(high)}"
        elif low is not None:
            span = f"не меньше {_text(low)}"
        else:
            span = f"не больше {_text(high)}"
        raise AssertionError(f"{name}: ожидается число {span}, а получилось {_text(value)}.")


def _text(x) -> str:
    """A number as a message shows it: decimal comma, no exponent for everyday sizes."""
    return f"{float(x):.10g}".replace(".", ",")


def frame(value, name: str, columns: Iterable[str] | None = None, rows: int | None = None,
          min_rows: int | None = None, max_rows: int | None = None) -> None:
    """The answer is a DataFrame with these columns and a number of rows in range."""
    is_type(value, pd.DataFrame, name)
    if columns is not None:
        missing = [c for c in columns if c not in value.columns]
        in_index = [c for c in missing if c in value.index.names]
        if in_index:
            raise AssertionError(
                f"{name}: {', '.join(in_index)} — сейчас индекс (подписи строк), а нужен обычный "
                f"столбец: индекс здесь не считается. Верните его в столбцы: .reset_index().")
        if missing:
            have = ", ".join(map(str, value.columns)) or "нет столбцов"
            raise AssertionError(f"{name}: не хватает столбцов {', '.join(missing)}. "
                                 f"Сейчас есть: {have}.")
    _length(len(value), name, rows, min_rows, max_rows, _ROWS)


def series(value, name: str, length: int | None = None, min_length: int | None = None,
           max_length: int | None = None, numeric: bool = False) -> None:
    """The answer is a Series of the given length, numeric when asked."""
    is_type(value, pd.Series, name)
    _length(len(value), name, length, min_length, max_length, _VALUES)
    if numeric and not pd.api.types.is_numeric_dtype(value.dtype):
        raise AssertionError(f"{name}: значения должны быть числами, а тип столбца {value.dtype}. "
                             f"Возможно, вы выбрали не тот столбец.")


_ROWS = ("строка", "строки", "строк", "строки")
_VALUES = ("значение", "значения", "значений", "значения")


def _length(n, name, exact, low, high, unit) -> None:
    """``unit``: the forms of the counted word (1, 2, 5, and «не больше 1 …»)."""
    def bound(k):  # «не больше 1 строки», «не больше 2 строк»
        return f"{k} {unit[3] if k % 10 == 1 and k % 100 != 11 else unit[2]}"

    if exact is not None and n != exact:
        raise AssertionError(f"{name}: должно быть {plural(exact, *unit[:3])}, а сейчас {n}.")
    if low is not None and n < low:
        raise AssertionError(f"{name}: должно быть не меньше {bound(low)}, а сейчас {n}.")
    if high is not None and n > high:
        raise AssertionError(f"{name}: должно быть не больше {bound(high)}, а сейчас {n}. "
                             f"Возможно, забыли отфильтровать или взять первые строки.")


def _close(got: float, want: float, rel_tol: float, abs_tol: float,
           decimals: int | None) -> bool:
    """Equal within the tolerances, or equal once rounded to ``decimals`` (when not None)."""
    if math.isclose(got, want, rel_tol=rel_tol, abs_tol=abs_tol):
        return True
    if decimals is None or not (math.isfinite(got) and math.isfinite(want)):
        return False
    return abs(got - want) <= 0.5 * 10.0 ** -decimals + 1e-9 * max(1.0, abs(want))


def same_number(value, expected: float, name: str, rel_tol: float = 1e-6,
                abs_tol: float = 1e-9, decimals: int | None = DECIMALS) -> None:
    """Hidden check: a real number close to the expected one (the message hides the value).

    An answer rounded to ``decimals`` places passes; ``decimals=None`` when the task says
    «не округляйте».
    """
    number(value, name)
    if not _close(float(value), float(expected), rel_tol, abs_tol, decimals):
        raise AssertionError(f"{name}: {WRONG_VALUE}")


def label_key(label) -> str:
    """A label as checks compare it: case and spaces do not matter.

    >>> label_key("  Больше   20 тыс. ") == label_key("больше 20 тыс.")
    True
    """
    return " ".join(str(label).split()).casefold()


def _keys(labels) -> list[str]:
    """Labels for comparison: strings by :func:`label_key`; a number or a date by its value
    (numpy and Python numbers alike), marked so that it never equals a text label."""
    return [label_key(x) if isinstance(x, str) else
            "\0" + str(x.item() if isinstance(x, np.generic) else x) for x in labels]


def same_series(value, expected: pd.Series, name: str, check_order: bool = True,
                rtol: float = 1e-6, decimals: int | None = DECIMALS) -> None:
    """Hidden check: same labels and values as expected (order too, when asked).

    Text labels are compared by :func:`label_key` (case and spaces do not matter).
    """
    is_type(value, pd.Series, name)
    got_keys, want_keys = _keys(value.index), _keys(expected.index)
    if len(got_keys) != len(want_keys) or len(set(want_keys)) != len(want_keys):
        raise AssertionError(f"{name}: не те подписи (индекс) или не тот порядок. "
                             f"Проверьте группировку и сортировку.")
    if check_order:
        same_labels = got_keys == want_keys
        order = list(range(len(got_keys)))
    else:
        position = {k: i for i, k in enumerate(got_keys)}
        same_labels = sorted(got_keys) == sorted(want_keys)
        order = [position.get(k, 0) for k in want_keys]
    if not same_labels:
        raise AssertionError(f"{name}: не те подписи (индекс) или не тот порядок. "
                             f"Проверьте группировку и сортировку.")
    _same_array(value.to_numpy()[order], expected.to_numpy(), name, rtol, decimals)


def same_frame(value, expected: pd.DataFrame, name: str, check_order: bool = True,
               rtol: float = 1e-6, decimals: int | None = DECIMALS) -> None:
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
                    rtol, decimals)


def same_values(value, expected: Iterable, name: str, ordered: bool = True,
                decimals: int | None = DECIMALS) -> None:
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
    if any(not (_close(float(g), float(w), 1e-6, 1e-9, decimals) if _is_real(g) else g == w)
           for g, w in zip(got, want)):
        raise AssertionError(f"{name}: {WRONG_VALUE}")


def _same_array(got: np.ndarray, want: np.ndarray, name: str, rtol: float,
                decimals: int | None = DECIMALS) -> None:
    if pd.api.types.is_numeric_dtype(want.dtype) and not pd.api.types.is_bool_dtype(want.dtype):
        try:
            g, w = got.astype(float), want.astype(float)
            ok = len(g) == len(w) and bool(np.allclose(g, w, rtol=rtol, equal_nan=True) or (
                decimals is not None and np.array_equal(np.isnan(g), np.isnan(w)) and np.all(
                    np.abs(np.nan_to_num(g) - np.nan_to_num(w))
                    <= 0.5 * 10.0 ** -decimals + 1e-9 * np.maximum(1.0, np.abs(np.nan_to_num(w))))))
        except (TypeError, ValueError):
            ok = False
    else:
        ok = len(got) == len(want) and all(str(g) == str(w) for g, w in zip(got, want))
    if not ok:
        raise AssertionError(f"{name}: {WRONG_VALUE}")


# ---------------------------------------------------------------------------------------------
# Charts

def _bar_label(center: float, ticks, labels, half: float) -> str:
    """The tick label at a bar's centre (the nearest tick within half the bar's thickness)."""
    best, label = None, ""
    for pos, text in zip(ticks, labels):
        distance = abs(float(pos) - center)
        if distance <= half + 1e-9 and (best is None or distance < best):
            best, label = distance, text
    return label


def _bar_items(ax) -> list[tuple[str, float, float, str]]:
    """(label, length, position along the category axis, orientation) of every bar drawn by
    bar/barh (pandas' plot.bar too), read from ``ax.containers``: an axvspan/axhspan band, a
    legend's patches or any other Rectangle is not a bar."""
    items, seen = [], set()
    ticks = {"vertical": (ax.get_xticks(), [t.get_text() for t in ax.get_xticklabels()]),
             "horizontal": (ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()])}
    for container in ax.containers:
        if container.__class__.__name__ != "BarContainer":
            continue
        orientation = "horizontal" if container.orientation == "horizontal" else "vertical"
        positions, labels = ticks[orientation]
        for patch in container:
            if orientation == "horizontal":
                center, half, length = (patch.get_y() + patch.get_height() / 2,
                                        abs(patch.get_height()) / 2, patch.get_width())
            else:
                center, half, length = (patch.get_x() + patch.get_width() / 2,
                                        abs(patch.get_width()) / 2, patch.get_height())
            label = _bar_label(center, positions, labels, half)
            key = (label, round(float(length), 9), round(float(center), 9), orientation)
            if key in seen:  # the same bar drawn twice (to recolour it) is one bar
                continue
            seen.add(key)
            items.append((label, float(length), float(center), orientation))
    return items


def bars(ax) -> list[tuple[str, float]]:
    """The bars of a bar chart as the reader sees them: (label, length) pairs, left to right
    for vertical bars and top to bottom for horizontal ones (an inverted axis is followed).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.barh(["текст", "фото"], [1.5, 2.5])
    >>> _ = ax.axvspan(0, 1, alpha=0.2)  # a highlighted band is not a bar
    >>> bars(ax)
    [('фото', 2.5), ('текст', 1.5)]
    >>> plt.close(fig)
    """
    return _drawn(ax)


def _drawn(ax) -> list[tuple[str, float]]:
    items = _bar_items(ax)
    if not items:
        return []
    horizontal = sum(i[3] == "horizontal" for i in items) > len(items) / 2
    if horizontal:
        items = sorted(items, key=lambda i: i[2], reverse=not bool(ax.yaxis_inverted()))
    else:
        items = sorted(items, key=lambda i: i[2], reverse=bool(ax.xaxis_inverted()))
    return [(label, length) for label, length, _, _ in items]


def chart(ax, name: str = "диаграмма", title: bool = True, xlabel: bool = True,
          ylabel: bool = True, source: bool = True, bars: int | None = None,
          bars_sorted: str | None = None, horizontal: bool | None = None,
          min_bars: int | None = None) -> None:
    """A chart read from its Axes: title, axis labels, source line, number, direction and order
    of the bars (only bars drawn by bar/barh count: bands, lines and legends do not).

    ``bars_sorted`` is "descending" or "ascending": the bar lengths must go that way (top to
    bottom for horizontal bars, left to right for vertical ones). ``horizontal`` asks for
    barh (True) or bar (False).
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
    items = _bar_items(ax)
    drawn = _drawn(ax)
    if min_bars is not None and len(drawn) < min_bars:
        raise AssertionError(f"{name}: на диаграмме нет столбцов. Нарисуйте их: ax.bar(подписи, "
                             f"высоты) или ax.barh(подписи, длины).")
    if bars is not None and len(drawn) != bars:
        raise AssertionError(
            f"{name}: должно быть {plural(bars, 'столбец', 'столбца', 'столбцов')}, "
            f"а на диаграмме {len(drawn)}. Считаются только столбцы, нарисованные ax.bar или ax.barh.")
    if horizontal is not None and items:
        is_horizontal = sum(i[3] == "horizontal" for i in items) > len(items) / 2
        if horizontal and not is_horizontal:
            raise AssertionError(f"{name}: нужны горизонтальные столбцы: ax.barh(подписи, длины).")
        if not horizontal and is_horizontal:
            raise AssertionError(f"{name}: нужны вертикальные столбцы: ax.bar(подписи, высоты).")
    if bars_sorted and drawn:
        lengths = [length for _, length in drawn]
        if lengths != sorted(lengths, reverse=(bars_sorted == "descending")):
            word = "по убыванию" if bars_sorted == "descending" else "по возрастанию"
            raise AssertionError(f"{name}: столбцы должны идти {word}. "
                                 f"Отсортируйте данные перед построением.")


def same_bars(ax, expected: pd.Series, name: str = "диаграмма", rel_tol: float = 1e-6,
              decimals: int | None = DECIMALS, hint: str = "") -> None:
    """Hidden check: each bar's label goes with its length, as in ``expected`` (label ->
    length). Labels are compared by :func:`label_key`; the order of bars is not checked here
    (``chart(bars_sorted=...)`` does that). Messages name the trainee's labels, never the
    expected lengths.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.bar(["ЦФО", "ПФО"], [3, 5])  # heights under the wrong labels
    >>> same_bars(ax, pd.Series({"цфо": 5, "пфо": 3}))
    Traceback (most recent call last):
    ...
    AssertionError: диаграмма: высота столбца «ЦФО» не совпадает с данными. Проверьте, что подписи и высоты взяты из одной таблицы и в одном порядке.
    >>> plt.close(fig)
    """
    drawn = _drawn(ax)
    want = {label_key(k): float(v) for k, v in expected.items()}
    got: dict[str, tuple[str, float]] = {}
    for label, length in drawn:
        key = label_key(label)
        if not key:
            raise AssertionError(f"{name}: у столбцов нет подписей. Передайте подписи первым "
                                 f"аргументом: ax.bar(подписи, высоты).")
        if key in got:
            raise AssertionError(f"{name}: подпись «{label}» стоит у нескольких столбцов. "
                                 f"Нужен один столбец на каждую подпись.")
        got[key] = (label, length)
    extra = [got[k][0] for k in got if k not in want]
    if extra:
        raise AssertionError(f"{name}: лишние столбцы или не те подписи: "
                             f"{', '.join('«' + e + '»' for e in extra[:5])}. {hint}".rstrip())
    if len(got) != len(want):
        raise AssertionError(f"{name}: не хватает столбцов: их {len(got)}, а в данных больше. "
                             f"{hint}".rstrip())
    word = "длина" if drawn and _bar_items(ax)[0][3] == "horizontal" else "высота"
    for key, length in want.items():
        label, drawn_length = got[key]
        if not _close(drawn_length, length, rel_tol, 1e-9, decimals):
            raise AssertionError(
                f"{name}: {word} столбца «{label}» не совпадает с данными. " + (hint or
                "Проверьте, что подписи и высоты взяты из одной таблицы и в одном порядке."))


# ---------------------------------------------------------------------------------------------
# A trainee's function

def _key_text(error: KeyError) -> str:
    """The missing key as the trainee wrote it, the same in the kernel and in the replay (where
    the error comes back as ``KeyError(str(original))``)."""
    key = error.args[0] if error.args else ""
    text = key if isinstance(key, str) else repr(key)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return text


def call(function, call_text: str, *args, **kwargs):
    """Call a trainee's function for a check; an error it raises becomes a Russian message
    that says what was called with what and what to look at (not a bare «KeyError: 0»).

    ``call_text`` names the call as the trainee would write it, e.g.
    ``"score_news(news.head(20))"``. An AssertionError (a check's own message) passes through.
    """
    try:
        return function(*args, **kwargs)
    except AssertionError:
        raise
    except NotImplementedError:
        raise AssertionError(f"{call_text}: функция пока пустая — замените заглушку "
                             f"raise NotImplementedError() своим кодом.") from None
    except KeyError as error:
        key = _key_text(error)
        if key.lstrip("-").isdigit():
            why = (f"Похоже, функция берёт столбец или строку по номеру, как в items[{key}]: "
                   f"столбец берут по названию (items[\"has_photo\"]), а строку по номеру — "
                   f"через .iloc (items.iloc[{key}]).")
        else:
            why = ("Такого столбца в таблице нет: проверьте, как он пишется (названия столбцов "
                   "показывает items.columns), и что функция берёт данные из своего аргумента, "
                   "а не из другой таблицы.")
        raise AssertionError(f"{call_text}: ошибка KeyError — нет ключа «{key}». {why}") from None
    except TypeError as error:
        raise AssertionError(
            f"{call_text}: ошибка TypeError ({error}). Проверьте, что функция принимает ровно "
            f"столько аргументов, сколько ей передают (здесь {len(args) + len(kwargs)}), и что в "
            f"одном действии не смешаны текст и числа.") from None
    except NameError as error:
        raise AssertionError(
            f"{call_text}: ошибка NameError ({error}). Внутри функции используется имя, которое "
            f"не задано: проверьте, как оно пишется, и работайте с аргументом функции.") from None
    except AttributeError as error:
        raise AssertionError(
            f"{call_text}: ошибка AttributeError ({error}). У значения нет такого метода или "
            f"свойства: проверьте, как оно пишется, и с чем вы его вызываете — с таблицей, "
            f"столбцом или отдельным числом.") from None
    except Exception as error:  # noqa: BLE001 - any error of the trainee's code
        raise AssertionError(
            f"{call_text}: функция завершилась с ошибкой {type(error).__name__} ({error}). "
            f"Вызовите её сами в отдельной ячейке на своих данных и посмотрите, в какой строке "
            f"ошибка.") from None
