"""The user's cache folder: what the kit makes from a master copy is made once per master
copy, not once per run.

``$XDG_CACHE_HOME/infowork/`` (by default ``~/.cache/infowork/``) holds

- ``prepared/``: what nbgrader's ``generate_assignment`` makes in a new course folder, the
  gradebook and the release copy (:func:`infowork.grading.pipeline.prepare_course`): a new
  group's first grading copies them instead of running nbgrader (~2 s);
- ``master/``: the scratch gradebook the master-copy check compares with
  (:func:`infowork.grading.gradebook.check_master`) and the master's answers the class report
  shows (:mod:`infowork.grading.class_report`);
- ``selfcheck/``: the prepared course folders of ``infowork check``;
- ``stepcheck/``: the master copy's probes for the step checks in a lesson.

An entry is named by a :func:`fingerprint` of what it is made from, so a changed master copy,
kit config or nbgrader version gets a new entry and an old one is never used for it. Entries
are written whole or not at all (:func:`publish`): several gradings may run at once. The
folder is the instructor's and out of the sandboxed kernels' reach (they see only the
whitelist of :mod:`infowork.grading.sandbox`).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path

from infowork import ROOT

__all__ = ["folder", "fingerprint", "publish"]


def folder(name: str) -> Path | None:
    """``$XDG_CACHE_HOME/infowork/NAME`` (by default under ``~/.cache``); None when there is
    no absolute cache folder to use (the caller then makes everything afresh)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "infowork" / name if os.path.isabs(base) else None


def fingerprint(master: Path, *parts: str) -> str:
    """SHA-256 (hex) of ``parts``, nbgrader's version, the kit's nbgrader_config.py and every
    file of the master copy's folder ``master`` (names and contents)."""
    from importlib.metadata import version

    digest = hashlib.sha256("\0".join([*parts, version("nbgrader")]).encode("utf-8"))
    digest.update((ROOT / "nbgrader_config.py").read_bytes())
    for path in sorted(p for p in Path(master).rglob("*") if p.is_file()):
        digest.update(b"\0" + path.relative_to(master).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def publish(made: Path, entry: Path) -> None:
    """Copy the file or folder ``made`` to ``entry``, whole or not at all: a partial copy is
    never seen under the entry's name, and an entry another run published first is kept.
    A cache that cannot be written is skipped (the next run makes it afresh)."""
    partial = entry.with_name(f".{entry.name}.{uuid.uuid4().hex}.part")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        if made.is_dir():
            shutil.copytree(made, partial)
            try:
                partial.rename(entry)  # fails when another run's entry is there: keep that one
            except OSError:
                shutil.rmtree(partial, ignore_errors=True)
        else:
            shutil.copyfile(made, partial)
            partial.replace(entry)
    except OSError:
        if partial.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.unlink(missing_ok=True)
