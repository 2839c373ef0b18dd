"""A matplotlib Axes as plain data (:func:`snapshot`) and back as a real Axes (:func:`rebuild`).

The snapshot keeps what checks of a chart read: the titles, axis labels, scales, limits (and so
an inverted axis), tick positions and labels; every patch in order (rectangles with their
position, size, colour and label; bar containers with their orientation and bars; wedges of a
pie; other patches as polygons); lines with their data and labels; scatter points; texts and
annotations of the Axes; the figure's size, suptitle and texts (the source line that
``infowork.style.source`` adds); the legend's labels and title. The rebuilt Axes lives on a
figure made without pyplot, so it needs no display and is never shown.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from infowork import answers, style
>>> fig, ax = plt.subplots()
>>> _ = ax.barh(["текст", "фото"], [1.5, 2.5])
>>> _ = ax.set_title("ER по форматам", loc="left"), ax.set_xlabel("ER, %"), ax.invert_yaxis()
>>> style.source(fig, "учебные данные")
>>> copy = answers.decode(answers.encode(ax))
>>> [(round(b.get_width(), 2), b.get_y()) for b in copy.patches] == [
...     (round(b.get_width(), 2), b.get_y()) for b in ax.patches]
True
>>> copy.get_title(loc="left"), bool(copy.yaxis_inverted()), style.source_text(copy.figure)
('ER по форматам', True, 'Источник: учебные данные')
>>> [t.get_text() for t in copy.get_yticklabels()]
['текст', 'фото']

The bars a check reads (:func:`infowork.checks.bars`: bar containers paired with their tick
labels, an ``axvspan`` band left out) are the same in the copy:

>>> from infowork import checks
>>> _ = ax.axvspan(0, 1, alpha=0.2)
>>> checks.bars(answers.decode(answers.encode(ax))) == checks.bars(ax) == [
...     ("текст", 1.5), ("фото", 2.5)]
True
>>> plt.close(fig)
"""
from __future__ import annotations

from typing import Any

__all__ = ["snapshot", "rebuild"]

_MAX_ARTISTS = 5_000


def _num(x) -> float | str:
    from infowork.answers import _float

    return _float(float(x))


def _nums(values) -> list:
    return [_num(v) for v in values]


def _coords(artist, ax) -> str:
    """Which coordinates an artist of ``ax`` is placed in."""
    transform = artist.get_transform()
    for name, known in (("data", ax.transData), ("axes", ax.transAxes),
                        ("xaxis", ax.get_xaxis_transform()), ("yaxis", ax.get_yaxis_transform()),
                        ("figure", ax.figure.transFigure)):
        try:
            if transform == known:
                return name
        except (TypeError, ValueError):
            continue
    return "other"


def _color(artist, getter: str = "get_facecolor") -> list | None:
    try:
        import matplotlib.colors as mcolors

        return _nums(mcolors.to_rgba(getattr(artist, getter)()))
    except (ValueError, TypeError, AttributeError):
        return None


def _text(t, ax=None) -> dict:
    x, y = t.get_position()
    x, y = (_plain(x, ax and ax.xaxis), _plain(y, ax and ax.yaxis))
    out = {"text": t.get_text(), "x": _num(x), "y": _num(y), "gid": t.get_gid(),
           "ha": t.get_horizontalalignment(), "va": t.get_verticalalignment(),
           "fontsize": _num(t.get_fontsize()), "color": _color(t, "get_color"),
           "coords": _coords(t, ax) if ax is not None else "figure"}
    if t.__class__.__name__ == "Annotation":
        out["cls"] = "Annotation"
        out["xy"] = [_num(_plain(v, axis)) for v, axis in zip(t.xy, (ax.xaxis, ax.yaxis))]
    return out


def _plain(v, axis=None) -> float:
    """A coordinate as a number (a date or a category as its axis places it)."""
    from infowork.answers import NotTransferable

    try:
        return float(v)
    except (TypeError, ValueError):
        pass
    try:
        if axis is not None:
            return float(axis.convert_units(v))
        import matplotlib.dates as mdates

        return float(mdates.date2num(v))
    except Exception:  # noqa: BLE001 - any odd coordinate
        raise NotTransferable("координата подписи на диаграмме") from None


def snapshot(ax, budget) -> dict:
    """The chart of ``ax`` as a JSON tree (``{"t": "axes", ...}``)."""
    from infowork.answers import NotTransferable, encode

    fig = ax.figure
    artists = len(ax.patches) + len(ax.lines) + len(ax.texts) + len(ax.collections)
    if artists > _MAX_ARTISTS:
        raise NotTransferable(f"на диаграмме больше {_MAX_ARTISTS} элементов")
    budget.take(artists)
    patches = []
    for p in ax.patches:
        kind = p.__class__.__name__
        item = {"cls": kind, "label": str(p.get_label()), "fc": _color(p),
                "ec": _color(p, "get_edgecolor"), "coords": _coords(p, ax)}
        if kind == "Rectangle":
            item.update(x=_num(p.get_x()), y=_num(p.get_y()), w=_num(p.get_width()),
                        h=_num(p.get_height()), angle=_num(p.get_angle()))
        elif kind == "Wedge":
            item.update(center=_nums(p.center), r=_num(p.r), theta1=_num(p.theta1),
                        theta2=_num(p.theta2), width=None if p.width is None else _num(p.width))
        else:
            verts = p.get_patch_transform().transform(p.get_path().vertices)
            budget.take(len(verts))
            item["verts"] = [_nums(v) for v in verts]
        patches.append(item)
    index = {id(p): i for i, p in enumerate(ax.patches)}
    containers = []
    for c in ax.containers:
        if c.__class__.__name__ != "BarContainer":
            continue
        containers.append({"orientation": c.orientation, "label": str(c.get_label()),
                           "patches": [index[id(p)] for p in c.patches if id(p) in index],
                           "datavalues": None if c.datavalues is None else
                           _nums(_plain(v) for v in c.datavalues)})
    lines = []
    for line in ax.lines:
        x, y = line.get_xdata(orig=True), line.get_ydata(orig=True)
        lines.append({"x": encode(_array(x), budget), "y": encode(_array(y), budget),
                      "label": str(line.get_label()), "color": _color(line, "get_color"),
                      "ls": str(line.get_linestyle()), "marker": str(line.get_marker()),
                      "coords": _coords(line, ax)})
    collections = []
    for col in ax.collections:
        offsets = col.get_offsets()
        budget.take(len(offsets))
        collections.append({"cls": col.__class__.__name__, "label": str(col.get_label()),
                            "offsets": [_nums(o) for o in offsets]})
    legend = ax.get_legend()
    suptitle = getattr(fig, "_suptitle", None)
    xticks, yticks = ax.get_xticks(), ax.get_yticks()
    return {
        "t": "axes",
        "figsize": _nums(fig.get_size_inches()), "dpi": _num(fig.dpi),
        "suptitle": suptitle.get_text() if suptitle is not None else None,
        "fig_texts": [_text(t) for t in fig.texts],
        "titles": {loc: ax.get_title(loc=loc) for loc in ("left", "center", "right")},
        "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
        "xscale": ax.get_xscale(), "yscale": ax.get_yscale(),
        "xlim": _nums(ax.get_xlim()), "ylim": _nums(ax.get_ylim()),
        "xticks": {"pos": _nums(xticks), "labels": [t.get_text() for t in ax.get_xticklabels()]},
        "yticks": {"pos": _nums(yticks), "labels": [t.get_text() for t in ax.get_yticklabels()]},
        "patches": patches, "containers": containers, "lines": lines,
        "collections": collections, "texts": [_text(t, ax) for t in ax.texts],
        "legend": None if legend is None else {
            "labels": [t.get_text() for t in legend.get_texts()],
            "title": legend.get_title().get_text()},
    }


def _array(values):
    """Line data as numpy (a list of numbers or dates becomes an array)."""
    import numpy as np

    arr = np.asarray(values)
    return arr if arr.dtype != object else np.array(list(values), dtype=object)


def _transform(ax, coords: str):
    return {"data": ax.transData, "axes": ax.transAxes, "xaxis": ax.get_xaxis_transform(),
            "yaxis": ax.get_yaxis_transform(), "figure": ax.figure.transFigure}.get(
        coords, ax.transData)


def _f(v) -> float:
    return float(v)


def rebuild(node: dict) -> Any:
    """A real matplotlib Axes (on a figure without pyplot) equal to the snapshot for checks."""
    import matplotlib.patches as mpatches
    from matplotlib.container import BarContainer
    from matplotlib.figure import Figure

    from infowork.answers import _decode

    fig = Figure(figsize=[_f(v) for v in node["figsize"]], dpi=_f(node["dpi"]))
    ax = fig.add_subplot()
    if node.get("suptitle"):
        fig.suptitle(str(node["suptitle"]))
    for t in node["fig_texts"]:
        fig.text(_f(t["x"]), _f(t["y"]), str(t["text"]), gid=t.get("gid"),
                 ha=t.get("ha", "left"), va=t.get("va", "baseline"))
    ax.set_xscale(node["xscale"])
    ax.set_yscale(node["yscale"])
    made = []
    for p in node["patches"]:
        style = {"label": str(p.get("label", "")), "transform": _transform(ax, p["coords"])}
        if p.get("fc"):
            style["facecolor"] = [_f(v) for v in p["fc"]]
        if p.get("ec"):
            style["edgecolor"] = [_f(v) for v in p["ec"]]
        if p["cls"] == "Rectangle":
            patch = mpatches.Rectangle((_f(p["x"]), _f(p["y"])), _f(p["w"]), _f(p["h"]),
                                       angle=_f(p.get("angle", 0)), **style)
        elif p["cls"] == "Wedge":
            patch = mpatches.Wedge([_f(v) for v in p["center"]], _f(p["r"]), _f(p["theta1"]),
                                   _f(p["theta2"]),
                                   width=None if p["width"] is None else _f(p["width"]), **style)
        else:
            patch = mpatches.Polygon([[_f(a), _f(b)] for a, b in p["verts"]], closed=True,
                                     **style)
        ax.add_patch(patch)
        made.append(patch)
    for c in node["containers"]:
        bars = [made[int(i)] for i in c["patches"]]
        values = None if c["datavalues"] is None else [_f(v) for v in c["datavalues"]]
        container = BarContainer(bars, orientation=c["orientation"], datavalues=values,
                                 label=str(c["label"]))
        ax.add_container(container)
    for line in node["lines"]:
        x, y = _decode(line["x"]), _decode(line["y"])
        kwargs = {"label": str(line["label"]), "linestyle": line["ls"], "marker": line["marker"]}
        if line.get("color"):
            kwargs["color"] = [_f(v) for v in line["color"]]
        ax.plot(x, y, **kwargs)
    for col in node["collections"]:
        offsets = [[_f(a), _f(b)] for a, b in col["offsets"]]
        ax.scatter([o[0] for o in offsets], [o[1] for o in offsets], label=str(col["label"]))
    for t in node["texts"]:
        transform = _transform(ax, t.get("coords", "data"))
        if t.get("cls") == "Annotation":
            ax.annotate(str(t["text"]), xy=[_f(v) for v in t["xy"]],
                        xytext=(_f(t["x"]), _f(t["y"])), xycoords="data",
                        textcoords="offset points" if t.get("coords") == "other" else "data",
                        ha=t.get("ha", "left"), va=t.get("va", "baseline"))
        else:
            ax.text(_f(t["x"]), _f(t["y"]), str(t["text"]), transform=transform,
                    gid=t.get("gid"), ha=t.get("ha", "left"), va=t.get("va", "baseline"))
    for loc, text in node["titles"].items():
        if text:
            ax.set_title(str(text), loc=loc)
    ax.set_xlabel(str(node["xlabel"]))
    ax.set_ylabel(str(node["ylabel"]))
    for axis in ("x", "y"):
        ticks = node[f"{axis}ticks"]
        pos, labels = [_f(v) for v in ticks["pos"]], [str(v) for v in ticks["labels"]]
        setter = getattr(ax, f"set_{axis}ticks")
        setter(pos, labels=labels) if len(labels) == len(pos) else setter(pos)
    if node.get("legend") is not None:
        handles = [mpatches.Patch(label=str(label)) for label in node["legend"]["labels"]]
        ax.legend(handles=handles, title=str(node["legend"]["title"]) or None)
    ax.set_xlim(*[_f(v) for v in node["xlim"]])
    ax.set_ylim(*[_f(v) for v in node["ylim"]])
    return ax
