"""Regenerate the trainees' copies (exercises/) from the master copies (solutions/) with nbgrader.

``make exercises`` calls :func:`main`; ``tests/test_exercises_sync.py`` calls :func:`generate` into
a temporary folder and compares the result with the committed exercises/. Both run nbgrader's own
``generate_assignment`` with the kit's nbgrader_config.py, so what is committed is exactly what
nbgrader gives. ``--no-db`` keeps this step free of side effects: the gradebook (under grading/)
is written only when work is graded.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from infowork import ROOT
from infowork.course import Module, load_manifest

__all__ = ["main", "generate", "assignment_modules", "nbgrader_command", "nbgrader_env",
           "GenerationError"]


class GenerationError(RuntimeError):
    """nbgrader could not generate an assignment; the message says why, in Russian."""


def nbgrader_command() -> list[str]:
    """The nbgrader command line of the running Python (the kit's virtualenv)."""
    return [sys.executable, "-m", "nbgrader"]


#: Set in the environment of every nbgrader process the kit starts.
GRADING_MARK = "INFOWORK_GRADING"


def nbgrader_env(course_root: Path | str | None = None) -> dict[str, str]:
    """Environment for nbgrader subprocesses.

    nbgrader calls the ``alembic`` script when it creates a gradebook, so the virtualenv's bin/
    must be on PATH even when the virtualenv is not activated (``.venv/bin/infowork ...``).
    With ``course_root`` (a folder prepared by infowork.grading), JUPYTER_PATH starts with its
    ``jupyter/`` folder, where the kit's kernelspec (the sandbox, infowork.grading.sandbox) lives.
    """
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    if course_root is not None:
        jupyter = str(Path(course_root) / "jupyter")
        env["JUPYTER_PATH"] = jupyter + (os.pathsep + env["JUPYTER_PATH"]
                                         if env.get("JUPYTER_PATH") else "")
    # Kernels that grade a notebook inherit this: `!infowork check` left in a trainee's
    # notebook must not start grading that notebook again (see grading.inside_grading).
    env[GRADING_MARK] = "1"
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def assignment_modules(module_ids: list[str] | None = None) -> list[Module]:
    """The modules to generate: the given ids, or every ready module that has an assignment.

    Raises KeyError (Russian message) for an unknown id and GenerationError for a module
    without an assignment or without its master copy in solutions/.
    """
    manifest = load_manifest()
    if not module_ids:
        return [m for m in manifest.ready_modules if m.assignment]
    modules = []
    for module_id in module_ids:
        module = manifest.module(module_id)
        if not module.assignment:
            raise GenerationError(f"У модуля {module_id} в course.yml нет задания (assignment).")
        if not module.solution_path().exists():
            raise GenerationError(f"Нет эталона задания: {module.solution_path().relative_to(ROOT)}.")
        modules.append(module)
    return modules


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def generate(module_id: str, release_root: Path | str | None = None,
             source_root: Path | str | None = None, timeout: float = 300) -> Path:
    """Run ``nbgrader generate_assignment MODULE --force --no-db`` and return the output folder.

    ``release_root`` defaults to exercises/ (the kit's release directory); the sync test passes
    a temporary folder. The folder ``release_root/MODULE`` is replaced as a whole, so files
    removed from solutions/MODULE disappear from the copy as well.
    """
    args = [*nbgrader_command(), "generate_assignment", module_id, "--force", "--no-db"]
    if release_root is not None:
        args.append(f"--CourseDirectory.release_directory={Path(release_root).resolve()}")
    if source_root is not None:
        args.append(f"--CourseDirectory.source_directory={Path(source_root).resolve()}")
    result = subprocess.run(args, cwd=ROOT, env=nbgrader_env(), capture_output=True, text=True,
                            timeout=timeout)
    out = Path(release_root).resolve() if release_root is not None else ROOT / "exercises"
    target = out / module_id
    failed = result.returncode != 0 or "[GenerateAssignmentApp | ERROR]" in result.stderr
    if failed or not any(target.glob("*.ipynb")):
        raise GenerationError(f"nbgrader не смог собрать задание {module_id}:\n"
                              f"{_tail(result.stderr + result.stdout)}")
    return target


def main(modules: list[str] | None = None) -> int:
    """``infowork exercises [MODULE ...]``: regenerate exercises/ and print progress in Russian."""
    try:
        selected = assignment_modules(modules)
    except (KeyError, GenerationError) as exc:
        print(exc.args[0] if exc.args else exc, file=sys.stderr)
        return 2
    if not selected:
        print("В course.yml нет готовых модулей с заданиями: собирать нечего.")
        return 0
    failed = 0
    for module in selected:
        print(f"Собираю exercises/{module.id} из solutions/{module.id} ...", flush=True)
        try:
            target = generate(module.id)
        except GenerationError as exc:
            print(exc, file=sys.stderr)
            failed += 1
            continue
        names = ", ".join(sorted(p.name for p in target.iterdir()))
        print(f"  готово: {names}")
    if failed:
        print(f"Не удалось собрать заданий: {failed}. Исправьте эталоны в solutions/ и повторите "
              f"make exercises.", file=sys.stderr)
        return 1
    print("Копии для слушателей обновлены. Не забудьте добавить exercises/ в git.")
    return 0
