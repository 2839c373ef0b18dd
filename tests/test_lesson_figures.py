"""The figures and facts that lessons and instructor notes quote match the bundled data.

tests/lesson_figures.yml lists each quoted figure (with the pandas expression that computes it and
how the text writes it) and each statement about the data (with an expression that is true while
the statement is). Regenerate the data, and this test names the file and the text that went stale.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from infowork import ROOT

SPEC_PATH = Path(__file__).with_name("lesson_figures.yml")
SPEC = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
FIGURES = SPEC.get("figures") or []
FACTS = SPEC.get("facts") or []
_SPACE = re.compile(r"[ \t\r\n]+")  # not U+00A0 / U+202F: those are part of a number's format


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text)


def _file_text(relative: str) -> str:
    """The text a reader sees: a notebook's cell sources (markdown and code), or the file."""
    path = ROOT / relative
    if path.suffix == ".ipynb":
        cells = nbformat.read(path, as_version=4).cells
        return _squash("\n\n".join(cell.source for cell in cells))
    return _squash(path.read_text(encoding="utf-8"))


def render(value, spec: str, decimal: str = ",", thousands: str = "\u00a0",
           minus: str = "-") -> str:
    """Write one value as the text does: '{:.1f}' of 27.83 -> '27,8', '{:,}' of 1800 -> '1 800'."""
    if isinstance(value, str):
        return spec.format(value)
    text = spec.format(value.item() if hasattr(value, "item") else value)
    text = text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
    return text.replace("-", minus)


@pytest.fixture(scope="module")
def namespace() -> dict:
    names: dict = {}
    exec(compile(SPEC["setup"], str(SPEC_PATH), "exec"), names)  # noqa: S102 - our own spec
    return names


def _evaluate(expression: str, names: dict, entry: dict):
    try:
        return eval(expression, names)  # noqa: S307 - our own spec
    except Exception as error:  # the message should name the entry, not only the traceback
        pytest.fail(f"{SPEC_PATH.name}, «{entry['name']}»: выражение {expression!r} не "
                    f"вычисляется: {type(error).__name__}: {error}")


def _cases(entries):
    return [pytest.param(entry, quote, id=f"{entry['name']} @ {Path(quote['file']).name}")
            for entry in entries for quote in entry["quotes"]]


def _found_instead(text: str, template: str) -> str:
    """What the file says where the template's first placeholder should be."""
    prefix = template.split("{}")[0]
    if prefix.strip() and prefix in text:
        start = text.index(prefix)
        return f"в файле: «{text[start:start + len(template) + 20]}…»"
    return f"в файле нет даже начала «{prefix}»: текст переписан? поправьте {SPEC_PATH.name}"


def test_spec_is_well_formed():
    assert FIGURES and FACTS
    for entry in FIGURES + FACTS:
        assert entry.get("name") and entry.get("quotes"), entry
        assert ("value" in entry) != ("check" in entry), f"{entry['name']}: value or check"
        for quote in entry["quotes"]:
            assert (ROOT / quote["file"]).exists(), f"{entry['name']}: no file {quote['file']}"
            # a figure's text has a place for each value; a fact's text holds no placeholder
            assert ("{}" in quote["text"]) == ("value" in entry), entry["name"]


@pytest.mark.parametrize("entry, quote", _cases(FIGURES))
def test_quoted_figure_matches_the_data(entry, quote, namespace):
    value = _evaluate(entry["value"], namespace, entry)
    values = list(value) if isinstance(value, (tuple, list)) else [value]
    template = _squash(quote["text"])
    assert template.count("{}") == len(values), (
        f"{entry['name']}: в тексте {template.count('{}')} мест для чисел, а значений {len(values)}")
    formats = entry["format"] if isinstance(entry["format"], list) else [entry["format"]] * len(values)
    options = {key: entry[key] for key in ("decimal", "thousands", "minus") if key in entry}
    rendered = [render(v, spec, **options) for v, spec in zip(values, formats)]
    expected = template.format(*rendered)
    text = _file_text(quote["file"])
    assert expected in text, (
        f"{quote['file']}: число «{entry['name']}» не сходится с данными. По данным должно быть "
        f"«{expected}» (значение: {', '.join(repr(getattr(v, 'item', lambda: v)()) for v in values)}); "
        f"{_found_instead(text, template)}")


@pytest.mark.parametrize("entry, quote", _cases(FACTS))
def test_quoted_fact_holds_for_the_data(entry, quote, namespace):
    text = _file_text(quote["file"])
    quoted = _squash(quote["text"])
    assert quoted in text, (
        f"{quote['file']}: нет текста «{quoted}» — утверждение переписано? "
        f"Поправьте запись «{entry['name']}» в {SPEC_PATH.name}.")
    holds = _evaluate(entry["check"], namespace, entry)
    detail = _evaluate(entry["show"], namespace, entry) if entry.get("show") else ""
    assert bool(holds), (
        f"{quote['file']}: утверждение «{quoted}» не верно для данных "
        f"(проверка «{entry['name']}»). Данные: {detail}")
