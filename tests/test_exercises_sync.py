"""The committed trainee copies (exercises/) are exactly what nbgrader generates from solutions/."""
from __future__ import annotations

import json

import pytest

from infowork import ROOT, exercises
from infowork.course import load_manifest

from conftest import assignment_modules

MODULES = assignment_modules()
FIX = "Выполните make exercises и добавьте exercises/ в git."


def _files(folder):
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts}


def _cells_differ(got: dict, want: dict) -> list[str]:
    """Human-readable differences between two notebooks (as JSON dicts)."""
    problems = []
    if len(got["cells"]) != len(want["cells"]):
        problems.append(f"число ячеек: в exercises/ {len(got['cells'])}, "
                        f"а nbgrader даёт {len(want['cells'])}")
    for number, (a, b) in enumerate(zip(got["cells"], want["cells"]), start=1):
        for key in ("cell_type", "source", "metadata", "id", "outputs"):
            if a.get(key) != b.get(key):
                grade_id = b.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
                problems.append(f"ячейка №{number} {grade_id}: отличается {key}")
    for key in ("metadata", "nbformat", "nbformat_minor"):
        if got.get(key) != want.get(key):
            problems.append(f"отличается {key} блокнота")
    return problems


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_committed_exercises_match_generated(module, tmp_path):
    generated = exercises.generate(module.id, release_root=tmp_path)
    committed = ROOT / "exercises" / module.id
    assert committed.is_dir(), f"Нет папки exercises/{module.id}. {FIX}"
    want, got = _files(generated), _files(committed)
    assert sorted(got) == sorted(want), (
        f"exercises/{module.id}: файлы {sorted(got)}, а nbgrader даёт {sorted(want)}. {FIX}")
    for name, path in want.items():
        if name.endswith(".ipynb"):
            # Compared as JSON: nothing volatile is written by generate_assignment (no dates),
            # so any difference is a real one.
            problems = _cells_differ(json.loads(got[name].read_text(encoding="utf-8")),
                                     json.loads(path.read_text(encoding="utf-8")))
            assert not problems, (f"exercises/{module.id}/{name} устарел:\n  "
                                  + "\n  ".join(problems[:10]) + f"\n{FIX}")
        else:
            assert got[name].read_bytes() == path.read_bytes(), \
                f"exercises/{module.id}/{name} отличается от solutions/. {FIX}"


def test_every_ready_assignment_has_exercises():
    """A ready module's assignment is generated (the sync test above cannot see a missing one)."""
    missing = [m.id for m in load_manifest().ready_modules
               if m.assignment and not m.exercise_path().exists()]
    assert not missing, f"Нет копий для слушателей: {', '.join(missing)}. {FIX}"


def test_exercises_command_refuses_unknown_module(capsys):
    assert exercises.main(["99_nothing"]) == 2
    assert "99_nothing" in capsys.readouterr().err
