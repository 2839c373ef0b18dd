"""What a trainee's code printed must not carry the instructor's secrets into feedback.

:class:`infowork.grading.HideTestCode` hides how the checks check in the cells' *code*. A
trainee's own code may still *print* what it should not see: the instructor's environment
(``os.environ``: home folder, tokens, paths), or lines of the master copy it read from
solutions/ or from the gradebook (hidden tests, solutions, mark schemes). :class:`RedactOutputs`
removes those from every output, in the autograded copy (it runs in ``autograde`` after the
notebook is executed) and again in the feedback (``generate_feedback``, also formgrader's):

- any occurrence of the value of an environment variable of the grading process that is at
  least :data:`MIN_ENV_VALUE` characters long is replaced by «[скрыто]»;
- an output line that contains a line of the master copy's hidden tests, solution regions,
  written answers or mark schemes (stripped, at least :data:`MIN_SECRET_LINE` characters, not
  in the trainee's own copy of the exercise, and not typed by the trainee in their own cells)
  is replaced by a note; the line is also looked for as JSON and Python string literals
  write it (escaped quotes, ``\\n``), as printing a notebook file shows it;
- a text output longer than :data:`MAX_OUTPUT_CHARS` characters is cut (a single line of
  30 million characters would otherwise make a feedback page of that size).

Only the text of outputs is changed (streams, errors, text, HTML, Markdown, LaTeX, SVG), never
whether a cell has an error, so scores do not change. This is a safety net, not the protection:
the sandbox (infowork.grading.sandbox) keeps a kernel from seeing these files and variables at all.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Integer

__all__ = ["RedactOutputs", "secret_lines", "MIN_ENV_VALUE", "MIN_SECRET_LINE",
           "MAX_OUTPUT_CHARS", "ENV_PLACEHOLDER", "LINE_PLACEHOLDER", "CUT_MARK"]

MIN_ENV_VALUE = 8
MIN_SECRET_LINE = 12
MAX_OUTPUT_CHARS = 200_000
ENV_PLACEHOLDER = "[скрыто]"
LINE_PLACEHOLDER = "[строка скрыта: она из эталона задания]"
CUT_MARK = "… [вывод обрезан: слишком длинный вывод, {n} символов]"

_TEXT_MIME = ("text/plain", "text/html", "text/markdown", "text/latex", "image/svg+xml")
_REGIONS = {
    "hidden": re.compile(r"^[^\n]*BEGIN HIDDEN TESTS[^\n]*\n(.*?)^[^\n]*END HIDDEN TESTS",
                         re.MULTILINE | re.DOTALL),
    "solution": re.compile(r"^[^\n]*BEGIN SOLUTION[^\n]*\n(.*?)^[^\n]*END SOLUTION",
                           re.MULTILINE | re.DOTALL),
    "scheme": re.compile(r"^[^\n]*BEGIN MARK SCHEME[^\n]*\n(.*?)^[^\n]*END MARK SCHEME",
                         re.MULTILINE | re.DOTALL),
}


def _nbgrader(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell, dict) else None
    return meta if isinstance(meta, dict) else {}


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if len(line.strip()) >= MIN_SECRET_LINE}


def secret_lines(master, release=None) -> set[str]:
    """Lines of the master notebook a trainee must not see: hidden tests, solution regions,
    written answers (a manually graded Markdown answer is wholly the solution) and mark
    schemes; minus the lines the trainee's copy (``release``) shows anyway."""
    found: set[str] = set()
    for cell in master.cells:
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        for region in _REGIONS.values():
            for block in region.findall(source):
                found |= _lines(block)
        meta = _nbgrader(cell)
        if cell.cell_type == "markdown" and meta.get("solution"):
            found |= _lines(source)
    if release is not None:
        found -= {line for cell in release.cells for line in _lines(
            cell.source if isinstance(cell.source, str) else "".join(cell.source))}
    return found


def _variants(line: str) -> set[str]:
    """The ways a line shows up when a file holding it is printed: as it is, inside a JSON
    string (a notebook file), inside a Python string literal (a repr of the source)."""
    forms = {line, json.dumps(line, ensure_ascii=False)[1:-1], json.dumps(line)[1:-1],
             repr(line)[1:-1]}
    return {f for f in forms if len(f) >= MIN_SECRET_LINE}


class RedactOutputs(Preprocessor):
    """nbconvert preprocessor (autograde and feedback): remove the instructor's environment and
    lines of the master copy from the outputs a trainee's code printed; cut huge outputs."""

    enabled = Bool(True).tag(config=True)  # nbconvert registers extra preprocessors disabled
    max_chars = Integer(MAX_OUTPUT_CHARS).tag(config=True)

    _cache: dict[tuple, frozenset] = {}

    def preprocess(self, nb, resources):
        self._env = sorted({v for v in os.environ.values() if len(v) >= MIN_ENV_VALUE},
                           key=len, reverse=True)
        own = {line.strip() for cell in nb.cells if self._trainee_cell(cell)
               for line in str(cell.get("source", "")).splitlines()}
        secrets = self._secrets(resources) - own
        self._patterns = sorted({v for line in secrets for v in _variants(line)}, key=len,
                                reverse=True)
        return super().preprocess(nb, resources)

    @staticmethod
    def _trainee_cell(cell) -> bool:
        """A cell whose source the trainee wrote: an answer cell or a cell of their own."""
        meta = _nbgrader(cell)
        return bool(meta.get("solution")) or not meta.get("grade_id")

    def _secrets(self, resources) -> frozenset:
        """Secret lines of this notebook's master copy (cached per file and its mtime)."""
        info = (resources or {}).get("nbgrader", {})
        assignment, notebook = info.get("assignment"), info.get("notebook")
        if not assignment or not notebook:
            return frozenset()
        try:
            from nbgrader.coursedir import CourseDirectory

            coursedir = CourseDirectory(config=self.config)
            master = Path(coursedir.format_path(coursedir.source_directory, ".", assignment),
                          f"{notebook}.ipynb")
            release = Path(coursedir.format_path(coursedir.release_directory, ".", assignment),
                           f"{notebook}.ipynb")
            key = (str(master), master.stat().st_mtime_ns,
                   release.stat().st_mtime_ns if release.exists() else 0)
        except (OSError, ValueError, ImportError):
            return frozenset()
        if key not in self._cache:
            import nbformat

            release_nb = nbformat.read(release, as_version=4) if release.exists() else None
            RedactOutputs._cache[key] = frozenset(
                secret_lines(nbformat.read(master, as_version=4), release_nb))
        return self._cache[key]

    def preprocess_cell(self, cell, resources, index):
        if cell.get("cell_type") != "code":
            return cell, resources
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream" and isinstance(output.get("text"), str):
                output["text"] = self._clean(output["text"])
            elif kind == "error":
                output["evalue"] = self._clean(str(output.get("evalue", "")))
                output["traceback"] = [self._clean(str(line))
                                       for line in output.get("traceback", [])]
            elif kind in ("display_data", "execute_result"):
                data = output.get("data", {})
                for mime in _TEXT_MIME:
                    value = data.get(mime)
                    if isinstance(value, list):
                        value = "".join(str(v) for v in value)
                    if isinstance(value, str):
                        data[mime] = self._clean(value)
        return cell, resources

    def _clean(self, text: str) -> str:
        if len(text) > self.max_chars:
            text = text[:self.max_chars] + CUT_MARK.format(n=len(text))
        for value in self._env:
            if value in text:
                text = text.replace(value, ENV_PLACEHOLDER)
        if self._patterns and any(p in text for p in self._patterns):
            text = "".join(LINE_PLACEHOLDER + ("\n" if line.endswith("\n") else "")
                           if any(p in line for p in self._patterns) else line
                           for line in text.splitlines(keepends=True))
        return text
