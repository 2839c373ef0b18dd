"""Measure a post the way an editor checks it before publishing: length, first line, paragraphs,
hashtags, links, emoji and stock bureaucratic phrases (канцелярит). Used in module 01 to compare
the VK and Telegram versions of one announcement.

>>> post = '''Как писать о профсоюзе так, чтобы читали?
...
... 20 марта в 11:00 — вебинар для информационных работников. Регистрация до 18 марта:
... https://example.org/webinar ➡
...
... #профсоюз #информработа'''
>>> facts = measure(post)
>>> facts["знаков"], facts["абзацев"], facts["хештегов"], facts["ссылок"], facts["эмодзи"]
(180, 3, 2, 1, 1)
>>> facts["первая строка"]
'Как писать о профсоюзе так, чтобы читали?'
>>> measure("В целях повышения правовой грамотности принять участие в мероприятии.")["штампы"]
'в целях, принять участие, мероприятие'
"""
from __future__ import annotations

import re

import pandas as pd

__all__ = ["STOCK_PHRASES", "measure", "compare"]

#: Stock phrases of official prose that make a post read like a memo (a short list, not a
#: judge of style: the editor reads the text anyway): the phrase shown -> its pattern.
STOCK_PHRASES = {
    "информируем": r"\bинформируем\b",
    "в целях": r"\bв целях\b", "с целью": r"\bс целью\b", "в рамках": r"\bв рамках\b",
    "принять участие": r"\bпринять участие\b", "мероприятие": r"\bмероприяти[а-я]*",
    "осуществлять": r"\bосуществл[а-я]*", "данный": r"\bданн(ый|ого|ому|ым|ом|ая|ой|ую|ое)\b",
    "является": r"\bявля[а-я]*тся\b", "состоится проведение": r"\bсостоится проведение\b",
    "надлежащий": r"\bнадлежащ[а-я]*",
}

_HASHTAG = re.compile(r"#\w+")
_LINK = re.compile(r"https?://\S+|t\.me/\S+")
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2B55\u25B6]")


def measure(text: str) -> pd.Series:
    """The editor's facts about one post (a Series): length in characters, first line and its
    length, paragraphs, hashtags, links, emoji, and the stock phrases found."""
    text = text.strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    paragraphs = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
    lowered = text.lower()
    stock = [phrase for phrase, pattern in STOCK_PHRASES.items() if re.search(pattern, lowered)]
    return pd.Series({
        "знаков": len(text),
        "первая строка": first,
        "знаков в первой строке": len(first),
        "абзацев": len(paragraphs),
        "хештегов": len(_HASHTAG.findall(text)),
        "ссылок": len(_LINK.findall(text)),
        "эмодзи": len(_EMOJI.findall(text)),
        "штампы": ", ".join(stock) if stock else "нет",
    }, name="пост")


def compare(posts: dict) -> pd.DataFrame:
    """``measure`` of several posts side by side: a column per post (named by the dict's keys).

    >>> compare({"ВКонтакте": "Первая строка\\n\\nВторой абзац #профсоюз", "Telegram": "Коротко"})
    ... # doctest: +NORMALIZE_WHITESPACE
                                ВКонтакте Telegram
    знаков                             37        7
    первая строка           Первая строка  Коротко
    знаков в первой строке             13        7
    абзацев                             2        1
    хештегов                            1        0
    ссылок                              0        0
    эмодзи                              0        0
    штампы                            нет      нет
    """
    return pd.DataFrame({name: measure(text) for name, text in posts.items()})
