"""What a trainee or an instructor reads is Russian: no English sentences in the notebooks'
markdown, the comments and docstrings of lessons and exercise stubs, the feedback pages and the
command line; counted nouns agree with their numbers in what the lessons print."""
import io
import os
import re
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import nbformat
import pytest

from infowork import ROOT, cli
from infowork.course import load_manifest
from infowork.russian import plural_word

from english_text import CYRILLIC, WORD, english_sentences

MANIFEST = load_manifest()
READY = MANIFEST.ready_modules
LESSONS = [p for m in READY for p in m.lesson_paths() if p.exists()]
EXERCISES = [m.exercise_path() for m in READY if m.assignment]
NOTEBOOKS = LESSONS + EXERCISES

def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- (a) no English a trainee or an instructor reads ---------------------------------------------
@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_notebook_markdown_is_russian(path):
    nb = nbformat.read(path, as_version=4)
    bad = [(n, s) for n, c in enumerate(nb.cells, 1) if c.cell_type == "markdown"
           for s in english_sentences(c.source)]
    assert not bad, f"English in markdown (cell, sentence): {bad[:5]}"


COMMENT = re.compile(r"(?:^|\s)#\s?(.*)$", re.M)
DOCSTRING = re.compile(r'"""(.*?)"""', re.S)


def _code_texts(cell) -> list[str]:
    source = re.sub(r"### (BEGIN|END) (SOLUTION|HIDDEN TESTS)", "", cell.source)
    source = re.sub(r"(['\"])(?:(?!\1).)*\1", "''", source.replace('"""', "\x00"))  # no strings
    comments = [m.group(1) for m in COMMENT.finditer(source)]
    return comments + DOCSTRING.findall(cell.source)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_comments_and_docstrings_in_lessons_and_stubs_are_russian(path):
    """Trainees read the code comments of lessons and the stubs and docstrings of exercises."""
    nb = nbformat.read(path, as_version=4)
    bad = []
    for number, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        for text in _code_texts(cell):
            words = WORD.findall(text)
            if len(words) >= 2 and not CYRILLIC.search(text):
                bad.append((number, text.strip()[:80]))
    assert not bad, f"English comments or docstrings (cell, text): {bad[:8]}"


def _cli(*argv) -> str:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            cli.main(list(argv))
        except SystemExit:
            pass
    return out.getvalue() + err.getvalue()


SUBCOMMANDS = sorted(cli.COMMANDS)


@pytest.mark.parametrize("argv", [["--help"], ["nosuch"], ["course", "--days", "три"],
                                  *[[c, "--help"] for c in SUBCOMMANDS],
                                  *[[c] for c in SUBCOMMANDS if c in ("grade", "report", "check",
                                                                      "copy")]],
                         ids=" ".join)
def test_command_line_help_and_errors_are_russian(argv):
    text = _cli(*argv)
    assert text.strip()
    for english in ("usage:", "the following arguments", "invalid choice", "positional arguments",
                    "options:", "show this help", "error:", "expected one argument",
                    "invalid int value"):
        assert english not in text, f"{english!r} in `infowork {' '.join(argv)}`:\n{text}"
    assert not english_sentences(text), text
    if argv[-1] != "--help":
        assert "ошибка" in text or "не хватает" in text, text


def test_argparse_messages_have_a_russian_form():
    """The messages argparse itself builds, as this Python words them, are all translated."""
    parser = cli.build_parser()
    for argv in (["grade"], ["nosuch"], ["course", "--days", "x"], ["course", "--days"],
                 ["course", "--wrong"]):
        err = io.StringIO()
        with redirect_stderr(err), pytest.raises(SystemExit):
            parser.parse_args(argv)
        last = err.getvalue().strip().splitlines()[-2]
        assert CYRILLIC.search(last.split("ошибка:", 1)[1]), last


def test_make_help_is_russian():
    # As a person types it: under `make test` the recursive make's own English
    # «Entering directory» lines would otherwise appear.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    result = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 0 and not english_sentences(result.stdout), result.stdout


# --- (b) counted nouns agree with their numbers in what the lessons print --------------------------
# The nouns lessons count, in three forms: 1 пост, 2 поста, 5 постов.
NOUNS = [
    ("пост", "поста", "постов"), ("неделя", "недели", "недель"),
    ("сообщество", "сообщества", "сообществ"), ("строка", "строки", "строк"),
    ("организация", "организации", "организаций"), ("слушатель", "слушателя", "слушателей"),
    ("балл", "балла", "баллов"), ("шаг", "шага", "шагов"), ("день", "дня", "дней"),
    ("час", "часа", "часов"), ("минута", "минуты", "минут"),
    ("публикация", "публикации", "публикаций"), ("подписчик", "подписчика", "подписчиков"),
    ("новость", "новости", "новостей"), ("кампания", "кампании", "кампаний"),
    ("рубрика", "рубрики", "рубрик"), ("человек", "человека", "человек"),
]
FORMS = {form: forms for forms in NOUNS for form in forms}
# After these words a number takes the genitive (из 21 поста): such counts are not judged.
GENITIVE = {"из", "до", "от", "около", "более", "менее", "свыше", "больше", "меньше", "с", "со",
            "≤", "≥", "<", ">"}
COUNT = re.compile(r"(?:(\w+|[≤≥<>])[ \u00a0])?(?<![\d,.:/\-–])(\d{1,3}(?:[\u00a0\u202f ]\d{3})+|\d+)"
                   r"(,\d+)?[ \u00a0](" + "|".join(sorted(FORMS, key=len, reverse=True)) +
                   r")(?![а-яё])", re.I)


def wrong_counts(text: str) -> list[str]:
    """«N noun» pairs in ``text`` whose noun has the wrong form for N.

    >>> wrong_counts("104 недель, 23 поста, 51 сообществ, 1 234 строки, 2,5 часа, из 21 поста, ≤ 1 дня")
    ['104 недель', '51 сообществ']
    """
    bad = []
    for match in COUNT.finditer(text):
        before, digits, fraction, noun = match.groups()
        if before and before.lower() in GENITIVE:
            continue
        one, few, many = FORMS[noun.lower()]
        n = int(re.sub(r"\D", "", digits))
        expected = few if fraction else plural_word(n, one, few, many)
        if noun.lower() != expected:
            bad.append(match.group(0)[len(before) + 1 if before else 0:])
    return bad


def printed_texts(outputs) -> list[str]:
    """Every text a cell's ``outputs`` printed or displayed as text (not HTML tables or images)."""
    found = []
    for output in outputs:
        if output.get("output_type") == "stream":
            text = output.get("text", "")
        elif output.get("output_type") in ("execute_result", "display_data"):
            data = output.get("data", {})
            text = data.get("text/markdown") or data.get("text/plain") or ""
        else:
            continue
        found.append("".join(text) if isinstance(text, list) else text)
    return found


# What the lessons print is checked on nbval's own run of each lesson (one run, not two): the
# hook in tests/conftest.py gives every lesson cell's outputs to conftest.lesson_output_problems,
# which applies wrong_counts to printed_texts. The tests below prove that chain can fail, and
# check the lessons' markdown, which needs no run.
def test_a_wrong_plural_printed_by_a_lesson_cell_fails_it():
    from conftest import lesson_output_problems

    outputs = [{"output_type": "stream", "name": "stdout", "text": "Всего 104 недель.\n"},
               {"output_type": "execute_result", "data": {"text/plain": "'21 постов'"}},
               {"output_type": "display_data", "data": {"text/plain": ["51 ", "сообществ"]}},
               {"output_type": "display_data", "data": {"text/html": "<b>5 пост</b>"}}]
    assert LESSONS
    assert lesson_output_problems(LESSONS[0], outputs) == [
        "неверная форма слова: «104 недель»", "неверная форма слова: «21 постов»",
        "неверная форма слова: «51 сообществ»"]
    right = [{"output_type": "stream", "name": "stdout", "text": "104 недели, 21 пост"}]
    assert lesson_output_problems(LESSONS[0], right) == []
    assert lesson_output_problems(ROOT / "solutions" / "x.ipynb", outputs) == [], \
        "only lessons are judged, as before"


def test_every_lesson_cell_is_checked_when_nbval_runs_it(request):
    """The hook is on for the lessons nbval collects in this run (when it runs them)."""
    import conftest

    lesson_cells = [i for i in request.session.items if Path(str(i.path)).resolve() in LESSONS]
    if not lesson_cells:
        pytest.skip("no lesson is run in this pytest run (e.g. a single test file)")
    for item in lesson_cells:
        assert item.runtest.__qualname__.startswith(conftest._checked_cell.__name__), item.nodeid


@pytest.mark.parametrize("path", LESSONS, ids=rel)
def test_lesson_markdown_counts_have_the_right_plural(path):
    nb = nbformat.read(path, as_version=4)
    bad = [(n, w) for n, c in enumerate(nb.cells, 1) if c.cell_type == "markdown"
           for w in wrong_counts(c.source)]
    assert not bad, f"wrong plural forms (cell, text): {bad[:10]}"
