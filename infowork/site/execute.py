"""Execute the lessons for the site, each once per change (a cache of executed copies), two at
a time (threads: the kernels do the work).

An executed copy is kept under the hash of the lesson's text and of what its outputs depend on
(datasets, the infowork package: :func:`infowork.site.source.execution_key`), so a rebuild runs
only changed lessons. Kernels talk over local sockets (IPC), not TCP ports: on a busy machine a
port taken by another program between choosing and binding it left a build waiting for ever.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

__all__ = ["LessonFailed", "execute_all"]


class LessonFailed(RuntimeError):
    """A lesson raised or timed out; args: (lesson file name, Russian reason)."""


def _key(path: Path, extra: str) -> str:
    return hashlib.sha256(path.read_bytes() + extra.encode()).hexdigest()[:20]


def _run(source: str, target: str, timeout: int) -> str | None:
    """Execute one notebook into ``target``; None, or the error's last line (in a worker thread:
    the work is done by the kernel process)."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    nb = nbformat.read(source, as_version=4)
    with tempfile.TemporaryDirectory(prefix="infowork-site-") as work:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(work) / "kernel"))
        client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3",
                                store_widget_state=True, resources={"metadata": {"path": work}})
        try:
            client.execute()
        except (CellExecutionError, CellTimeoutError) as error:
            lines = [line for line in str(error).splitlines() if line.strip()]
            return lines[-1] if lines else type(error).__name__
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
    tmp = Path(target + ".part")
    nbformat.write(nb, str(tmp))
    tmp.replace(target)
    return None


def execute_all(lessons: list[tuple[Path, Path]], cache: Path, extra: str, timeout: int,
                jobs: int = 2) -> list[str]:
    """Write an executed copy of each ``(lesson, target)``, from the cache where possible.

    Returns the names of the lessons executed now. Raises :class:`LessonFailed` for the first
    lesson that fails (the others still finish)."""
    cache.mkdir(parents=True, exist_ok=True)
    todo = []
    for lesson, target in lessons:
        cached = cache / f"{lesson.stem}-{_key(lesson, extra)}.ipynb"
        todo.append((lesson, target, cached))
    missing = [(lesson, cached) for lesson, _, cached in todo if not cached.is_file()]
    failures = []
    if missing:
        workers = max(1, min(jobs, len(missing), os.cpu_count() or 1))
        # Agg (set for scripts and tests) would drop the inline charts: kernels must not inherit it.
        backend = os.environ.pop("MPLBACKEND", None)
        try:
            with ThreadPoolExecutor(workers) as pool:
                futures = [(lesson, pool.submit(_run, str(lesson), str(cached), timeout))
                           for lesson, cached in missing]
                for lesson, future in futures:
                    error = future.result()
                    if error:
                        failures.append((lesson.name, error))
        finally:
            if backend is not None:
                os.environ["MPLBACKEND"] = backend
    if failures:
        raise LessonFailed(*failures[0])
    for lesson, target, cached in todo:
        data = cached.read_bytes()
        if not (target.is_file() and target.read_bytes() == data):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    # Older executed copies of these lessons go.
    current = {cached.name for _, _, cached in todo}
    stems = {lesson.stem for lesson, _, _ in todo}
    for old in cache.glob("*.ipynb"):
        if old.name not in current and old.name.rsplit("-", 1)[0] in stems:
            old.unlink()
    return [lesson.name for lesson, _ in missing]
