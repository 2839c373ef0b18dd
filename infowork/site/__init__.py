"""The course as an offline static website (`make site`): Sphinx + myst-nb + sphinx-book-theme.

One module a job: ``source`` writes the Sphinx source tree from course.yml into a build folder,
``pages`` writes the Russian pages (home, modules, exercises), ``execute`` runs the lessons (two
at a time, cached: a second build re-executes only changed lessons; a lesson that fails stops
the build with its name), ``widgets`` serves the widget script from the site itself.
:func:`build` runs Sphinx (myst-nb shows the executed notebooks).
"""
from __future__ import annotations

import io
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from infowork import ROOT
from infowork.course import load_manifest
from infowork.site import execute, source, widgets

__all__ = ["SITE", "BUILD", "SiteError", "Built", "build", "widget_cache"]

SITE = ROOT / "out" / "site"          # the built site: open index.html or copy the folder
BUILD = ROOT / "out" / "site-build"   # generated sources, Sphinx's doctrees, caches
TIMEOUT = 300                         # seconds a lesson may take to execute


def widget_cache() -> Path:
    """Where the fetched widget script is kept between builds and clones: the user's cache
    folder (``$XDG_CACHE_HOME/infowork/site``, by default ``~/.cache/infowork/site``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "infowork" / "site"


class SiteError(RuntimeError):
    """The site could not be built; the message says why, in Russian."""


@dataclass
class Built:
    site: Path
    pages: int
    seconds: float
    widget_note: str
    warnings: str
    executed: list[str]


def build(site: Path = SITE, build_dir: Path = BUILD, only: dict[str, list[str]] | None = None,
          fresh: bool = False, quiet: bool = True, jobs: int = 2) -> Built:
    """Build the site into ``site``.

    ``only`` maps module ids to the lesson files to show (a subset, for tests); by default every
    ready module with all its lessons. ``fresh`` drops Sphinx's saved state (not the executed
    lessons). ``jobs`` lessons are executed at a time."""
    from sphinx.application import Sphinx

    started = time.perf_counter()
    manifest = load_manifest()
    if only is None:
        chosen = [(m, list(m.lessons)) for m in manifest.ready_modules]
    else:
        chosen = [(manifest.module(mid), list(lessons)) for mid, lessons in only.items()]
    src, doctrees = build_dir / "src", build_dir / "doctrees"
    cache = build_dir / "cache"
    if fresh:
        shutil.rmtree(doctrees, ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
    src.mkdir(parents=True, exist_ok=True)
    widgets_js, note = widgets.install_embed(widget_cache(), src / "_static")
    lessons = source.write_tree(manifest, chosen, src, widgets_js, note)
    try:
        executed = execute.execute_all(lessons, cache / "executed", source.execution_key(),
                                       TIMEOUT, jobs=jobs)
    except execute.LessonFailed as exc:
        name, why = exc.args
        raise SiteError(f"Урок {name} не выполнился при сборке сайта ({why}). Исправьте его: "
                        f".venv/bin/python -m pytest -p no:cacheprovider -n 0 courses/*/{name} "
                        f"покажет ячейку с ошибкой.") from None
    warnings = io.StringIO()
    app = Sphinx(str(src), str(src), str(site), str(doctrees), "html",
                 status=None if quiet else sys.stdout, warning=warnings, freshenv=False,
                 keep_going=False, parallel=1)
    app.build()
    if app.statuscode:
        raise SiteError(f"Sphinx завершился с кодом {app.statuscode}:\n{warnings.getvalue()}")
    pages = sum(1 for _ in site.rglob("*.html"))
    return Built(site, pages, time.perf_counter() - started, note, warnings.getvalue(), executed)
