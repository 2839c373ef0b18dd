"""Numbers and counted words as a Russian editor writes them.

>>> plural(174, "строка", "строки", "строк")
'174 строки'
>>> plural(11, "строка", "строки", "строк"), plural(21, "строка", "строки", "строк")
('11 строк', '21 строка')
>>> number(73177)
'73\\xa0177'
>>> number(0.2784, 1, percent=True)
'27,8\\xa0%'
>>> number(-1234.5, 1)
'−1\\xa0234,5'
"""
from __future__ import annotations

__all__ = ["plural", "plural_word", "number"]

NBSP = "\u00a0"


def plural_word(n: int, one: str, few: str, many: str) -> str:
    """The form of a counted word that goes with ``n``: 1 строка, 2 строки, 5 строк."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def plural(n: int, one: str, few: str, many: str) -> str:
    """``n`` with its counted word, the thousands set off by a no-break space."""
    return f"{number(n)} {plural_word(n, one, few, many)}"


def number(value: float, decimals: int = 0, percent: bool = False) -> str:
    """A number with a decimal comma, no-break spaces between thousands and a true minus;
    ``percent=True`` takes a share (0.278) and writes per cent (27,8 %)."""
    if percent:
        value = value * 100
    text = f"{abs(value):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    if value < 0 and text.strip("0,\u00a0"):
        text = "−" + text
    return text + (f"{NBSP}%" if percent else "")
