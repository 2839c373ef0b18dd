"""The kit's chart style: one call in a notebook's first code cell, ``style.apply()``.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> apply()
>>> fig, ax = plt.subplots()
>>> title(ax, "Молодёжь растёт", subtitle="Члены профсоюза до 35 лет")
>>> source(fig, "опрос членов профсоюза, 2026")
>>> source_text(fig)
'Источник: опрос членов профсоюза, 2026'
>>> plt.close(fig)

Numbers on a chart are written the Russian way: decimal comma, a no-break space between
thousands.

>>> fig, ax = plt.subplots()
>>> bars = ax.barh(["телефон", "сайт"], [1807, 18.94])
>>> [t.get_text() for t in bar_labels(ax, decimals=1)]
['1\xa0807,0', '18,9']
>>> axis_numbers(ax, "x")
>>> ax.xaxis.get_major_formatter()(12500, 0)
'12\xa0500'
>>> plt.close(fig)
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.ticker import FuncFormatter

from infowork.russian import number

__all__ = ["STYLE_PATH", "PALETTE", "SIZES", "apply", "title", "source", "source_text",
           "save_card", "bar_labels", "axis_numbers"]

STYLE_PATH = Path(__file__).with_name("infowork.mplstyle")

#: Okabe-Ito colours, safe for colour-blind readers; the same order as the style's cycle.
PALETTE = {
    "синий": "#0072B2", "оранжевый": "#E69F00", "зелёный": "#009E73", "красный": "#D55E00",
    "сиреневый": "#CC79A7", "голубой": "#56B4E9", "жёлтый": "#F0E442", "чёрный": "#000000",
}

#: Picture sizes in pixels for social-network cards.
SIZES = {
    "square": (1080, 1080),    # пост ВКонтакте и Одноклассников
    "portrait": (1080, 1350),  # вертикальный пост ВКонтакте
    "wide": (1280, 720),       # картинка к посту в Telegram, обложка статьи
    "story": (1080, 1920),     # истории и клипы
}

_SOURCE_TAG = "infowork-source"


def apply() -> None:
    """Use the kit's style (DejaVu Sans, Okabe-Ito palette, light grid) for all later charts."""
    plt.style.use(STYLE_PATH)


def title(ax, text: str, subtitle: str | None = None) -> None:
    """Put a headline on the chart and, under it, a smaller subtitle (what and where measured)."""
    if subtitle:
        ax.set_title(f"{text}\n", loc="left")
        ax.text(0, 1.02, subtitle, transform=ax.transAxes, fontsize=10, color="#555555",
                ha="left", va="bottom")
    else:
        ax.set_title(text, loc="left")


def source(fig, text: str) -> None:
    """Write the source line at the bottom left of the figure: «Источник: …»."""
    label = text if text.startswith("Источник") else f"Источник: {text}"
    for old in [t for t in fig.texts if t.get_gid() == _SOURCE_TAG]:
        old.remove()
    fig.text(0.01, -0.02, label, fontsize=9, color="#555555", ha="left", va="top",
             gid=_SOURCE_TAG)


def source_text(fig) -> str | None:
    """The source line of a figure, or None when it has none (used by the exercise checks)."""
    for t in fig.texts:
        if t.get_gid() == _SOURCE_TAG or t.get_text().startswith("Источник"):
            return t.get_text()
    return None


def save_card(fig, path: str | Path, size: str = "square") -> Path:
    """Save a figure at the pixel size of a social-network card (see SIZES)."""
    if size not in SIZES:
        raise ValueError(f"Неизвестный размер «{size}». Есть: {', '.join(SIZES)}.")
    width, height = SIZES[size]
    dpi = 150
    fig.set_size_inches(width / dpi, height / dpi)
    # A card has an exact size, so nothing may hang outside the figure: the source line moves
    # inside, above the bottom edge, and the axes make room for it.
    for text in fig.texts:
        if text.get_gid() == _SOURCE_TAG:
            text.set_y(0.015)
            text.set_va("bottom")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    if _wrap_wide_titles(fig):
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with plt.rc_context({"savefig.bbox": "standard"}):
        fig.savefig(path, dpi=dpi)
    return path


def _wrap_wide_titles(fig) -> bool:
    """Break a headline that runs past the figure's right edge into lines that fit (the headline
    starts at the axes' left edge, so long bar names push it out of a card). True if any was."""
    canvas = fig.canvas if hasattr(fig.canvas, "get_renderer") else FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()  # a figure already shown inline has a bare canvas
    limit = fig.bbox.width * 0.98
    wrapped = False
    for ax in fig.axes:
        for loc in ("left", "center", "right"):
            text = ax.get_title(loc=loc)
            if not text.strip():
                continue
            title = ax.set_title(text, loc=loc)  # the title's Text object, unchanged
            head, *rest = text.split("\n")
            box = title.get_window_extent(renderer)
            if box.x1 > limit and box.width > 0:
                chars = max(10, int(len(head) * (limit - box.x0) / box.width))
                title.set_text("\n".join(textwrap.wrap(head, chars) + rest))
                wrapped = True
    return wrapped


def bar_labels(ax, decimals: int = 0, suffix: str = "", **kwargs) -> list:
    """Write each bar's value at its end, the Russian way (``number``: 1 807; 18,9); ``suffix``
    goes after the number (" %"). Returns the label texts; ``kwargs`` go to ``ax.bar_label``."""
    texts = []
    suffix = suffix.replace(" ", "\u00a0")  # «12 %» never breaks between number and sign
    for container in ax.containers:
        if not hasattr(container, "datavalues"):
            continue
        labels = [f"{number(value, decimals)}{suffix}" for value in container.datavalues]
        texts += ax.bar_label(container, labels=labels, padding=3, **kwargs)
        # room for the labels past the longest bar, so they stay inside the axes
        if getattr(container, "orientation", "vertical") == "horizontal":
            ax.margins(x=0.15)
        else:
            ax.margins(y=0.12)
    return texts


def axis_numbers(ax, axis: str = "y", decimals: int = 0, suffix: str = "") -> None:
    """Write the tick labels of ``axis`` ("x" or "y") the Russian way: 12 500, 2,5."""
    formatter = FuncFormatter(lambda value, _: f"{number(value, decimals)}{suffix}")
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)
