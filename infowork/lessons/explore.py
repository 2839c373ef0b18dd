"""Charts and ipywidgets explorers that the module 01 lessons call in one line.

The lessons teach how ER is computed and why sparse cells and one outlier cell must not
decide a conclusion; the drawing itself (a heat map, a pair of scatter plots, a dropdown
explorer) is machinery and lives here. Nothing here answers an exercise of the assignment.

>>> import pandas as pd
>>> posts = pd.DataFrame({
...     "published_at": pd.to_datetime(["2025-03-03 09:10", "2025-03-03 09:40",
...                                     "2025-03-10 09:05", "2025-03-04 18:00"]),
...     "likes": [3, 1, 2, 5], "reposts": [0, 1, 0, 1], "comments": [1, 0, 0, 0],
...     "views": [100, 50, 50, 60]})
>>> grid, counts = er_grid(posts, min_posts=2)
>>> grid.shape, int(counts.loc["пн", 9]), round(float(grid.loc["пн", 9]), 1)
((7, 24), 3, 4.0)
>>> bool(grid.loc["вт", 18] != grid.loc["вт", 18])  # one post only: the cell stays empty
True
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from infowork import style
from infowork.russian import number, plural, plural_word

__all__ = ["WEEKDAYS", "SOURCE", "table", "er_grid", "colour_limits", "heatmap_figure", "heatmap",
           "heatmap_explorer", "size_charts", "frequency_figure", "frequency_explorer"]

#: Weekday labels, Monday first (pandas' ``dt.day_of_week``: 0 is Monday).
WEEKDAYS = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
#: The source line of the lessons' charts.
SOURCE = "статистика сообществ членских организаций"
ALL_RUBRICS = "все рубрики"
ALL_SIZES = "все размеры"
#: Fewest communities in a group before the frequency explorer draws a trend line.
MIN_FOR_TREND = 5


def _interactions(posts: pd.DataFrame) -> pd.Series:
    if "interactions" in posts:
        return posts["interactions"]
    return posts["likes"] + posts["reposts"] + posts["comments"]


def table(frame: pd.DataFrame, decimals: int = 2, gradient: str | None = None,
          axis: int | None = 0):
    """A table as a Russian editor prints it: decimal comma, thousands set off by a no-break
    space, an empty cell as «—»; ``gradient`` (a matplotlib colour map) shades the cells, ``axis=None`` over the
    whole table.

    >>> html = table(pd.DataFrame({"er": [4.5678], "posts": [12345]})).to_html()
    >>> "4,57" in html and "12\xa0345" in html
    True
    """
    styled = frame.style.format(precision=decimals, decimal=",", thousands="\u00a0",
                                na_rep="—")
    if gradient:
        styled = styled.background_gradient(cmap=gradient, axis=axis)
    return styled


def er_grid(posts: pd.DataFrame, min_posts: int = 20) -> tuple[pd.DataFrame, pd.DataFrame]:
    """ER by views (sum over sum, per cent) for each weekday × hour, and the post counts.

    Cells with fewer than ``min_posts`` posts are NaN in the ER grid: on a few posts ER jumps
    by chance. Rows are ``WEEKDAYS``, columns the hours 0-23.
    """
    when = pd.DataFrame({"weekday": posts["published_at"].dt.day_of_week,
                         "hour": posts["published_at"].dt.hour,
                         "interactions": _interactions(posts), "views": posts["views"]})
    sums = when.groupby(["weekday", "hour"])[["interactions", "views"]].sum()
    counts = when.groupby(["weekday", "hour"]).size()
    er = (sums["interactions"] / sums["views"] * 100).where(counts >= min_posts)
    shape = {"index": range(7), "columns": range(24)}
    grid = er.unstack("hour").reindex(**shape)
    counts = counts.unstack("hour").reindex(**shape).fillna(0).astype(int)
    grid.index = counts.index = WEEKDAYS
    return grid, counts


def colour_limits(values, low: float = 5, high: float = 95) -> tuple[float, float]:
    """The colour scale's ends: percentiles of the shown cells, so one outlier cell does not
    wash out all the others (the outlier simply gets the end colour).

    >>> colour_limits([1, 2, 3, 4, 100], low=0, high=75)
    (1.0, 4.0)
    """
    shown = np.asarray(values, dtype=float)
    shown = shown[~np.isnan(shown)]
    if shown.size == 0:
        return 0.0, 1.0
    return float(np.percentile(shown, low)), float(np.percentile(shown, high))


def heatmap_figure(posts: pd.DataFrame, heading: str, min_posts: int = 20):
    """The weekday × hour heat map of ER as a matplotlib Figure (grey: too few posts)."""
    grid, _ = er_grid(posts, min_posts)
    values = grid.to_numpy(dtype=float)
    vmin, vmax = colour_limits(values)
    fig, ax = plt.subplots(figsize=(10, 3.6))
    image = ax.imshow(values, aspect="auto", cmap="viridis", vmin=vmin, vmax=vmax)
    ax.set_facecolor("#dddddd")
    ax.set_yticks(range(7), WEEKDAYS)
    ax.set_xticks(range(0, 24, 2))
    ax.grid(False)
    fig.colorbar(image, ax=ax, label="ER, %", extend="both")
    # after «меньше» the genitive: меньше 21 поста, меньше 20 постов
    fewer = f"{min_posts} {plural_word(min_posts, 'поста', 'постов', 'постов')}"
    style.title(ax, heading, subtitle=f"ER по просмотрам; серым — меньше {fewer} в клетке")
    ax.set_xlabel("Час публикации")
    ax.set_ylabel("День недели")
    style.source(fig, SOURCE)
    return fig


def heatmap(posts: pd.DataFrame, heading: str, min_posts: int = 20) -> None:
    """Show the weekday × hour heat map of ER in the notebook (see ``heatmap_figure``)."""
    heatmap_figure(posts, heading, min_posts)
    plt.show()


def _heatmap_of(posts, platform, rubric, min_posts):
    chosen = posts[posts["platform"] == platform]
    if rubric != ALL_RUBRICS:
        chosen = chosen[chosen["rubric"] == rubric]
    label = ALL_RUBRICS if rubric == ALL_RUBRICS else f"рубрика «{rubric}»"
    count = plural(len(chosen), "пост", "поста", "постов")
    return heatmap_figure(chosen, f"{platform}: {label}, {count}", min_posts)


def _options(values: pd.Series) -> list[str]:
    """The choices of a dropdown: a categorical's categories in order, else sorted values."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [str(v) for v in values.cat.categories]
    return sorted(str(v) for v in values.dropna().unique())


def heatmap_explorer(posts: pd.DataFrame, min_posts: int = 20) -> None:
    """Dropdowns for platform and rubric and a slider for the minimum posts per cell above the
    heat map. Without widgets call ``heatmap(...)`` on a selection of posts instead."""
    import ipywidgets as widgets
    from IPython.display import display

    def draw(platform, rubric, min_posts):
        _heatmap_of(posts, platform, rubric, min_posts)
        plt.show()

    display(widgets.interactive(
        draw,
        platform=widgets.Dropdown(options=_options(posts["platform"]),
                                  description="Площадка"),
        rubric=widgets.Dropdown(options=[ALL_RUBRICS] + _options(posts["rubric"]),
                                description="Рубрика"),
        min_posts=widgets.IntSlider(value=min_posts, min=1, max=50, description="Мин. постов"),
    ))


def size_charts(communities: pd.DataFrame, subtitle: str = "ВКонтакте, 2024–2025") -> None:
    """Two scatter plots side by side: subscribers against posts a week, and against ER."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    pairs = [("per_week", "Постов в неделю", "оранжевый", "Большие сообщества публикуют чаще"),
             ("er", "ER, % от просмотров", "зелёный", "…и у них ниже ER")]
    for ax, (column, label, colour, heading) in zip(axes, pairs):
        ax.scatter(communities["subscribers"], communities[column], color=style.PALETTE[colour])
        ax.set_xscale("log")
        ax.set_xlabel("Подписчиков (логарифмическая шкала)")
        ax.set_ylabel(label)
        style.title(ax, heading)
    style.source(fig, f"{SOURCE}, {subtitle}")
    fig.tight_layout()
    plt.show()


def frequency_figure(communities: pd.DataFrame, platform: str, size: str, bins, labels):
    """Scatter of posts a week against ER for one platform and size group, with a trend line
    when the group has at least ``MIN_FOR_TREND`` communities."""
    chosen = communities[communities["platform"] == platform]
    if size != ALL_SIZES:
        groups = pd.cut(chosen["subscribers"], bins=bins, labels=labels)
        chosen = chosen[groups == size]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.scatter(chosen["per_week"], chosen["er"], color=style.PALETTE["синий"])
    if len(chosen) >= MIN_FOR_TREND:
        slope, intercept = np.polyfit(chosen["per_week"], chosen["er"], deg=1)
        xs = np.linspace(chosen["per_week"].min(), chosen["per_week"].max(), 50)
        ax.plot(xs, intercept + slope * xs, color=style.PALETTE["красный"])
        trend = f"тренд: {number(slope, 2)} п. п. ER на каждый пост в неделю"
    else:
        trend = f"меньше {MIN_FOR_TREND} сообществ — тренд не рисуем"
    count = plural(len(chosen), "сообщество", "сообщества", "сообществ")
    style.title(ax, f"{platform}, {size}: {count}", subtitle=trend)
    ax.set_xlabel("Постов в неделю")
    ax.set_ylabel("ER, % от просмотров")
    style.source(fig, f"{SOURCE}, 2024–2025")
    return fig


def frequency_explorer(communities: pd.DataFrame, bins, labels) -> None:
    """Dropdown for the platform and buttons for the size group above the frequency scatter."""
    import ipywidgets as widgets
    from IPython.display import display

    def draw(platform, size):
        frequency_figure(communities, platform, size, bins, labels)
        plt.show()

    display(widgets.interactive(
        draw,
        platform=widgets.Dropdown(options=_options(communities["platform"]),
                                  description="Площадка"),
        size=widgets.ToggleButtons(options=[ALL_SIZES] + list(labels), description="Размер"),
    ))
