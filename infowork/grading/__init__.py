"""The instructor's grading pipeline: trainees' notebooks in; grades, a table, a CSV and
Russian feedback out. nbgrader is the engine; this package makes it safe to run on a class.

- :mod:`~infowork.grading.pipeline`: ``infowork grade`` and ``infowork report`` — the steps
  and the worker processes that run nbgrader trainee by trainee;
- :mod:`~infowork.grading.submissions`: reading a folder of files, archives and odd notebooks,
  matching them to trainees and repairing what nbgrader cannot read;
- :mod:`~infowork.grading.sandbox`: kernels in a bubblewrap sandbox where the system has one;
- :mod:`~infowork.grading.forkserver`: the workers forked from one process that prepared once
  (nbgrader's imports, the master's rehearsal);
- :mod:`~infowork.grading.zygote`: a worker's sandboxed kernels forked from one warm process,
  the sandbox wiped between them;
- :mod:`~infowork.grading.relay`: the JSON-lines pipes between a process and the one that
  forks for it (the zygote, the forking process);
- :mod:`~infowork.grading.limits`: the resource limits of the workers and their kernels;
- :mod:`~infowork.grading.execution`: a cell that kills or hangs its kernel costs only itself;
- :mod:`~infowork.grading.verdict`: the hidden checks replayed outside the kernel from the
  answers it sent out as plain data (:mod:`infowork.answers`);
- :mod:`~infowork.grading.gradebook`: the gradebook checked against the master copy and
  guarded during a run; values formgrader did not write are flagged;
- :mod:`~infowork.grading.redaction`: feedback shows only what a trainee may see;
- :mod:`~infowork.grading.feedback`: the feedback page's exporter (nbconvert's, without its
  slow second pass);
- :mod:`~infowork.grading.report`: the class table, CSV and the saved class report;
- :mod:`~infowork.grading.selfcheck`: ``infowork check`` for a self-study learner;
- :mod:`~infowork.grading.cache`: what is made from a master copy once, kept in the user's
  cache folder (a new course folder's gradebook, the master check's scratch gradebook, the
  master's answers on the class report).

The pipeline's names are available from the package itself (``grading.grade_folder``); they
are loaded on first use, so the sandbox launcher (``python -m infowork.grading.sandbox``) does
not pay for nbgrader's imports.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys

# jsonschema's format checker imports rfc3987_syntax when it is installed (~1 s: it builds a
# grammar), in every process that imports nbformat; nothing here validates IRIs. Without it
# jsonschema only skips the "iri" formats. Not for notebooks: this package is the grader's.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

__all__ = ["main", "main_report", "grade_folder", "refresh", "inside_grading",
           "format_table", "write_csv", "Limits", "Report", "TraineeResult",
           "HideTestCode", "GradingError", "CSV_COLUMNS", "DEFAULT_COURSE_ROOT", "SOURCE_ROOT",
           "group_root", "default_jobs"]


def __getattr__(name: str):
    """``grading.X`` is the pipeline's ``X`` (imported on first use), or this package's module
    ``X`` (``from infowork.grading import relay`` asks for the name before it imports the
    module: without this it would import the pipeline, and nbgrader with it, ~0.7 s)."""
    if name.startswith("__"):
        raise AttributeError(name)
    if importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    pipeline = importlib.import_module("infowork.grading.pipeline")
    try:
        return getattr(pipeline, name)
    except AttributeError:
        raise AttributeError(f"module 'infowork.grading' has no attribute {name!r}") from None
