"""Is a text a trainee reads English where it should be Russian? Shared by the checks of the
lessons and exercises (test_russian_text.py) and of the feedback pages (test_grading_roundtrip.py).
"""
from __future__ import annotations

import re

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
WORD = re.compile(r"(?<![\w./\\-])[A-Za-z][a-z]+(?![\w/\\(-])")
# English a Russian text may quote: JupyterLab's own menu and button names (its interface is in
# English) and names of products.
ALLOWED = [
    "Restart Kernel and Run All Cells", "Run All Cells", "Restart Kernel", "Run Selected Cell",
    "File → New → Terminal", "Run All", "Manual grading", "New Launcher", "Open With", "File Browser", "Save Notebook",
    "Change Kernel", "Jupyter Lab", "Google Sheets", "Google Analytics", "Yandex Metrica",
    "Creative Commons", "Microsoft Excel", "Open Sans", "DejaVu Sans",
]


def english_sentences(text: str) -> list[str]:
    """Sentences (or lines) of ``text`` with three or more English words and no Russian one.
    Code spans, fenced code, links' targets, HTML tags and the ALLOWED names do not count.

    >>> english_sentences("Нажмите **Run All**. Then save the notebook.")
    ['Then save the notebook.']
    >>> english_sentences("Меню `Kernel → Restart Kernel and Run All Cells`, затем Ctrl+S.")
    []
    """
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"<[^>\n]+>", " ", text)
    for name in ALLOWED:
        text = text.replace(name, " ")
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        if not CYRILLIC.search(sentence) and len(WORD.findall(sentence)) >= 3:
            found.append(sentence.strip())
    return found
