"""The machinery of module 04, lessons 1-2: a UTM link builder on ipywidgets, the Wilson
interval of a conversion rate, and interval bars of conversion by landing page × device with a
page selector.

>>> utm_params("https://fnpr.example/join", source="vk", medium="social", campaign="права 2025")
'https://fnpr.example/join?utm_source=vk&utm_medium=social&utm_campaign=%D0%BF%D1%80%D0%B0%D0%B2%D0%B0+2025'
>>> low, high = wilson(12, 1013)
>>> round(low * 100, 2), round(high * 100, 2)
(0.68, 2.06)
>>> [round(x, 3) for x in wilson(0, 20)]
[0.0, 0.161]
"""
from __future__ import annotations

from statistics import NormalDist
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from infowork import style
from infowork.russian import number, plural

__all__ = ["UTM_FIELDS", "utm_params", "utm_builder", "wilson", "with_interval",
           "interval_bars", "interval_explorer"]

#: UTM parameters in the order links carry them, with the Russian label of the builder.
UTM_FIELDS = {
    "utm_source": "Источник (source)",
    "utm_medium": "Канал (medium)",
    "utm_campaign": "Кампания (campaign)",
    "utm_content": "Объявление (content)",
    "utm_term": "Ключевое слово (term)",
}


def utm_params(url: str, **parts: str) -> str:
    """Add ``utm_<name>`` parameters to ``url``; empty parts are left out.

    Parameters already in the link are kept; the text is encoded by :func:`urllib.parse.urlencode`
    (Cyrillic as ``%D0%BF…``, a space as ``+``).

    >>> utm_params("https://site.example/news?id=5", source="telegram", content="")
    'https://site.example/news?id=5&utm_source=telegram'
    """
    scheme, netloc, path, query, fragment = urlsplit(url.strip())
    pairs = parse_qsl(query, keep_blank_values=True)
    pairs += [(f"utm_{name}", value.strip()) for name, value in parts.items() if value.strip()]
    return urlunsplit((scheme, netloc, path or "/", urlencode(pairs), fragment))


def utm_builder(url: str = "https://fnpr.example/join", source: str = "vk",
                medium: str = "social", campaign: str = "права 2025") -> widgets.VBox:
    """Text boxes for the link and its UTM parts; below them the finished link, its length and
    the parameters read back from it (what a Metrica report will show)."""
    start = {"utm_source": source, "utm_medium": medium, "utm_campaign": campaign,
             "utm_content": "", "utm_term": ""}
    layout = widgets.Layout(width="560px")
    style_ = {"description_width": "190px"}
    address = widgets.Text(value=url, description="Адрес страницы", layout=layout, style=style_)
    boxes = {key: widgets.Text(value=start[key], description=label, layout=layout, style=style_)
             for key, label in UTM_FIELDS.items()}
    out = widgets.Output()

    def show(_=None):
        link = utm_params(address.value, **{k[4:]: box.value for k, box in boxes.items()})
        out.clear_output()
        with out:
            print("Ссылка:", link)
            print("Длина:", plural(len(link), "знак", "знака", "знаков"))
            print("Что увидит отчёт:")
            for key, value in parse_qsl(urlsplit(link).query):
                if key in UTM_FIELDS:
                    print(f"  {UTM_FIELDS[key]}: {value}")

    for box in [address, *boxes.values()]:
        box.observe(show, names="value")
    show()
    return widgets.VBox([address, *boxes.values(), out])


def wilson(successes, n, confidence: float = 0.95):
    """The Wilson score interval of a share ``successes / n``: a pair ``(low, high)`` of shares.

    Works on numbers or on pandas Series / numpy arrays of equal length. With ``z`` the normal
    quantile (1,96 for 95 %) and ``p = successes / n``::

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z / (1 + z²/n) · sqrt(p(1 − p)/n + z²/4n²)

    >>> [round(x, 4) for x in wilson(5, 10)]
    [0.2366, 0.7634]
    >>> low, high = wilson(np.array([41, 7]), np.array([687, 98]))
    >>> (high - low).round(3).tolist()
    [0.036, 0.105]
    """
    n = np.asarray(n, dtype=float)
    if np.any(n <= 0):
        raise ValueError("n must be positive")
    p = np.asarray(successes, dtype=float) / n
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z / denominator * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    # at p = 0 or p = 1 the bound is exactly 0 or 1; rounding must not move it
    low = np.where(p == 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(p == 1, 1.0, np.clip(centre + half, 0, 1))
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def with_interval(table: pd.DataFrame, goals: str = "goals", visits: str = "visits",
                  confidence: float = 0.95) -> pd.DataFrame:
    """A copy of ``table`` with ``conversion``, ``low`` and ``high`` in per cent (Wilson).

    >>> t = pd.DataFrame({"goals": [41, 7], "visits": [687, 98]}, index=["компьютер", "планшет"])
    >>> with_interval(t).round(1).to_dict("list")["high"]
    [8.0, 14.0]
    """
    out = table.copy()
    low, high = wilson(out[goals], out[visits], confidence)
    out["conversion"] = out[goals] / out[visits] * 100
    out["low"], out["high"] = low * 100, high * 100
    return out


def interval_bars(table: pd.DataFrame, title: str = "", ax=None):
    """Horizontal bars of ``conversion`` with the interval ``low``–``high`` as a black line and
    the number of visits after each label (a table made by :func:`with_interval`)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.5 * len(table) + 1.5))
    labels = [f"{' · '.join(map(str, name)) if isinstance(name, tuple) else name}"
              f" ({plural(int(v), 'визит', 'визита', 'визитов')})"
              for name, v in zip(table.index, table["visits"])]
    y = np.arange(len(table))
    ax.barh(y, table["conversion"], color=style.PALETTE["синий"])
    errors = [table["conversion"] - table["low"], table["high"] - table["conversion"]]
    ax.errorbar(table["conversion"], y, xerr=errors, fmt="none", ecolor="black", capsize=4)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("конверсия, % (линия — 95-процентный интервал)")
    ax.set_xlim(0, max(table["high"].max() * 1.1, 1))
    style.axis_numbers(ax, "x")
    if title:
        style.title(ax, title)
    return ax


def interval_explorer(sessions: pd.DataFrame, by: str = "device",
                      group: str = "landing_page") -> widgets.VBox:
    """A dropdown of landing pages; for the page chosen, bars of conversion by ``by`` with
    Wilson intervals. ``sessions`` needs ``goal_reached`` and the two columns."""
    pages = list(sessions[group].value_counts().index)
    choice = widgets.Dropdown(options=pages, value=pages[0], description="Страница")
    out = widgets.Output()

    def show(_=None):
        part = sessions[sessions[group] == choice.value]
        table = part.groupby(by, observed=True)["goal_reached"].agg(goals="sum", visits="size")
        out.clear_output(wait=True)
        with out:
            ax = interval_bars(with_interval(table), f"Конверсия страницы {choice.value}")
            plt.show()
            plt.close(ax.figure)

    choice.observe(show, names="value")
    show()
    return widgets.VBox([choice, out])
