"""The machinery of module 03, lessons 3-5: a social-network card with a size and colour
explorer, the spread of the legal hotline's answer times (strip and box plots, day buckets a lay
reader understands, an outlier slider for mean vs median) and a pre-publication check of a
picture's rights.

>>> import pandas as pd
>>> days = pd.Series([0, 0, 1, 2, 5, 40])
>>> day_buckets(days).value_counts(sort=False).tolist()
[2, 2, 1, 0, 1]
>>> days_text(2.27), days_text(1), days_text(5), days_text(1.0, 1)
('2,3 дня', '1 день', '5 дней', '1,0 дня')
>>> picture_problems(own=False, licence=False)
['Нет прав на снимок: нужен свой снимок, лицензия фотобанка или свободная лицензия.']
>>> picture_problems(own=True, person_main=True, consent=True, child=True)
['Ребёнок в кадре: нужно согласие родителя или другого законного представителя.']
"""
from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from PIL import Image

from infowork import style
from infowork.russian import number, plural, plural_word

__all__ = ["SIZE_NAMES", "BUCKETS", "TOOLS", "card_figure", "card_explorer", "png_size",
           "day_buckets", "days_text", "spread_figure", "spread_explorer", "outlier_explorer",
           "picture_problems", "picture_checklist", "tools_table"]

#: The card sizes of style.SIZES as the lesson names them.
SIZE_NAMES = {
    "square": "квадрат 1080×1080 — ВКонтакте, Одноклассники",
    "portrait": "вертикаль 1080×1350 — лента ВКонтакте",
    "wide": "горизонталь 1280×720 — Telegram, обложка статьи",
    "story": "история 1080×1920 — истории и клипы",
}

#: Answer-time buckets for a lay reader: (upper bound in days, label); the last is open.
BUCKETS = [(0, "в тот же день"), (2, "1–2 дня"), (7, "3–7 дней"), (30, "8–30 дней"),
           (np.inf, "больше 30 дней")]

#: Free tools for charts and cards (lesson 5). Terms change: the lesson says to check them.
TOOLS = [
    ("Datawrapper", "диаграммы, карты, таблицы в браузере",
     "бесплатный тариф; под графиком подпись сервиса", "данные загружаются на чужой сервер"),
    ("Flourish", "анимированные и интерактивные диаграммы",
     "бесплатно — только публичные проекты", "проект видят все, у кого есть ссылка"),
    ("Редакторы шаблонов (как Canva)", "карточки, обложки, афиши по шаблону",
     "часть шаблонов и картинок платная", "лицензия картинок шаблона: не всё можно везде"),
    ("Яндекс DataLens", "дашборды и диаграммы из таблиц",
     "бесплатная версия", "нужен аккаунт; для одной карточки тяжеловат"),
    ("Таблицы (LibreOffice, Яндекс, Google)", "быстрый график из таблицы",
     "бесплатно", "точный размер и оформление карточки — вручную"),
    ("Этот набор (Python, style.save_card)", "карточка точного размера из данных",
     "бесплатно, работает без интернета", "нужно написать несколько строк кода"),
]


def days_text(value: float, decimals: int = 1) -> str:
    """Days with the right word: «1 день», «5 дней» for a whole number (an int, or
    ``decimals=0``), and «2,3 дня» with a fraction."""
    if isinstance(value, (int, np.integer)):
        decimals = 0
    text = number(value, decimals)
    word = plural_word(round(value), "день", "дня", "дней") if decimals == 0 else "дня"
    return f"{text} {word}"


def card_figure(values: pd.Series, headline: str, subtitle: str | None = None,
                source: str | None = None, color: str = style.PALETTE["синий"],
                highlight: str | None = None, highlight_color: str = style.PALETTE["красный"],
                decimals: int = 0, suffix: str = "", size: str = "square"):
    """A card: horizontal bars (largest on top) with values at their ends, the headline and
    subtitle above, the source line below; the bar ``highlight`` in ``highlight_color``."""
    width, height = style.SIZES[size]
    fig, ax = plt.subplots(figsize=(width / 150, height / 150))
    ordered = values.sort_values()
    colors = [highlight_color if label == highlight else color for label in ordered.index]
    ax.barh(ordered.index.astype(str), ordered.to_numpy(), color=colors)
    style.bar_labels(ax, decimals=decimals, suffix=suffix)
    style.axis_numbers(ax, "x", decimals=0)
    ax.grid(False)
    ax.set_xticks([])
    ax.spines[["bottom"]].set_visible(False)
    style.title(ax, headline, subtitle=subtitle)
    if source:
        style.source(fig, source)
    return fig


def png_size(path: str | Path) -> tuple[int, int]:
    """Width and height in pixels of a saved picture, read from the file itself."""
    with Image.open(path) as picture:
        return picture.size


def card_explorer(values: pd.Series, headline: str, subtitle: str | None = None,
                  source: str | None = None, folder: str | Path = "out", decimals: int = 0,
                  suffix: str = ""):
    """Pick the card's size, bar colour and headline; «Сохранить» writes the PNG to ``folder``
    and reads its pixel size back from the file."""
    size = widgets.Dropdown(options=[(name, key) for key, name in SIZE_NAMES.items()],
                            description="Размер", layout=widgets.Layout(width="480px"))
    colour = widgets.Dropdown(options=list(style.PALETTE), value="синий", description="Цвет")
    text = widgets.Text(value=headline, description="Заголовок",
                        layout=widgets.Layout(width="640px"))
    save = widgets.Button(description="Сохранить карточку", button_style="success")
    saved = widgets.HTML()
    preview = widgets.Output()

    def _figure():
        return card_figure(values, text.value, subtitle, source, style.PALETTE[colour.value],
                           decimals=decimals, suffix=suffix, size=size.value)

    def _draw(_=None):
        saved.value = ""
        with preview:
            preview.clear_output(wait=True)
            fig = _figure()
            plt.show()
            plt.close(fig)

    def _save(_):
        fig = _figure()
        path = style.save_card(fig, Path(folder) / f"card_{size.value}.png", size.value)
        plt.close(fig)
        width, height = png_size(path)
        saved.value = f"Сохранено: <code>{path}</code>, {width}×{height} пикселей."

    for control in (size, colour, text):
        control.observe(_draw, names="value")
    save.on_click(_save)
    _draw()
    return widgets.VBox([widgets.HBox([size, colour]), text, save, saved, preview])


def day_buckets(days: pd.Series) -> pd.Series:
    """Each answer time in a bucket a lay reader understands («в тот же день», «1–2 дня», …)."""
    edges = [-np.inf] + [upper for upper, _ in BUCKETS]
    return pd.cut(days, bins=edges, labels=[label for _, label in BUCKETS])


def spread_figure(frame: pd.DataFrame, by: str = "channel", value: str = "days_to_answer",
                  kind: str = "точки", clip: int = 30):
    """Each group's values as jittered points («точки») or a box plot («ящик»), with the mean
    (a diamond) and the median (a bar) marked; values above ``clip`` are drawn at ``clip``."""
    groups = frame.groupby(by, observed=True)[value]
    medians = groups.median().sort_values()
    names = list(medians.index)
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(names) + 1.8))
    rng = np.random.default_rng(1)
    series = [groups.get_group(name).clip(upper=clip) for name in names]
    if kind == "ящик":
        ax.boxplot(series, vert=False, widths=0.5, showfliers=True, medianprops={"color": "black"},
                   flierprops={"markersize": 3, "alpha": 0.3})
    else:
        for i, values in enumerate(series, start=1):
            ax.scatter(values + rng.uniform(-0.3, 0.3, len(values)),
                       i + rng.uniform(-0.25, 0.25, len(values)), s=4, alpha=0.15,
                       color=style.PALETTE["голубой"])
    positions = np.arange(1, len(names) + 1)
    ax.scatter(medians.to_numpy(), positions, marker="|", s=400, linewidths=3,
               color=style.PALETTE["чёрный"], label="медиана", zorder=3)
    ax.scatter(groups.mean()[names].to_numpy(), positions, marker="D", s=40,
               color=style.PALETTE["красный"], label="среднее", zorder=3)
    ax.set_yticks(positions, [str(name) for name in names])
    ax.set_xlim(-1, clip + 1)
    ax.set_xlabel(f"дней до ответа (больше {clip} — у правого края)")
    ax.grid(axis="x")
    ax.legend(loc="lower right")
    return fig


def spread_explorer(frame: pd.DataFrame, by: str = "channel", value: str = "days_to_answer"):
    """Switch between points and box plots, and print each group's mean and median."""
    kind = widgets.ToggleButtons(options=["точки", "ящик"], description="Вид")
    out = widgets.Output()

    def _draw(_=None):
        with out:
            out.clear_output(wait=True)
            fig = spread_figure(frame, by=by, value=value, kind=kind.value)
            plt.show()
            plt.close(fig)

    kind.observe(_draw, names="value")
    _draw()
    return widgets.VBox([kind, out])


def outlier_explorer(days: pd.Series):
    """A slider adds one request that waited N days; the mean moves, the median hardly does."""
    extra = widgets.IntSlider(value=0, min=0, max=365, step=5,
                              description="Ждал дней", continuous_update=False)
    out = widgets.HTML()

    def _show(_=None):
        values = days if extra.value == 0 else pd.concat([days, pd.Series([extra.value])])
        added = ("без добавленного обращения" if extra.value == 0
                 else f"плюс одно обращение, ждавшее {days_text(extra.value, 0)}")
        out.value = (f"<p>{plural(len(values), 'обращение', 'обращения', 'обращений')}, {added}:<br>"
                     f"среднее — <b>{days_text(values.mean(), 2)}</b>, "
                     f"медиана — <b>{days_text(values.median(), 1)}</b></p>")

    extra.observe(_show, names="value")
    _show()
    return widgets.VBox([extra, out])


def picture_problems(own: bool = True, licence: bool = False, person_main: bool = False,
                     consent: bool = False, child: bool = False, music: bool = False,
                     music_licence: bool = False) -> list[str]:
    """What stands between a picture (or clip) and publication; an empty list means nothing."""
    problems = []
    if not own and not licence:
        problems.append("Нет прав на снимок: нужен свой снимок, лицензия фотобанка "
                        "или свободная лицензия.")
    if person_main and not consent:
        problems.append("Человек — основной объект снимка: нужно его согласие "
                        "(ст. 152.1 ГК РФ).")
    if child:
        problems.append("Ребёнок в кадре: нужно согласие родителя или другого законного "
                        "представителя.")
    if music and not music_licence:
        problems.append("Музыка охраняется (и автор, и исполнитель): нужна лицензия "
                        "или свободная музыка.")
    return problems


def picture_checklist():
    """Checkboxes about a picture before publication and what still has to be done."""
    boxes = {
        "own": widgets.Checkbox(value=True, description="снимок наш (снимали сами или служебный)"),
        "licence": widgets.Checkbox(description="есть лицензия фотобанка или свободная лицензия"),
        "person_main": widgets.Checkbox(description="в кадре крупно один узнаваемый человек"),
        "consent": widgets.Checkbox(description="у нас есть его согласие"),
        "child": widgets.Checkbox(description="в кадре узнаваемый ребёнок"),
        "music": widgets.Checkbox(description="в ролике звучит музыка"),
        "music_licence": widgets.Checkbox(description="музыка свободная или по лицензии"),
    }
    for box in boxes.values():
        box.layout = widgets.Layout(width="520px")
        box.style = {"description_width": "initial"}
    out = widgets.HTML()

    def _show(_=None):
        problems = picture_problems(**{key: box.value for key, box in boxes.items()})
        if problems:
            items = "".join(f"<li>{problem}</li>" for problem in problems)
            out.value = f"<b>Пока публиковать нельзя:</b><ul>{items}</ul>"
        else:
            out.value = "<b>Препятствий не видно.</b> Подпишите автора снимка."

    for box in boxes.values():
        box.observe(_show, names="value")
    _show()
    return widgets.VBox([*boxes.values(), out])


def tools_table() -> pd.DataFrame:
    """The free tools of lesson 5 as a table."""
    return pd.DataFrame(TOOLS, columns=["инструмент", "что делает", "бесплатно", "на что смотреть"]
                        ).set_index("инструмент")
