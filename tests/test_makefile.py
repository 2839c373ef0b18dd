"""The README's two commands: idempotent install, JupyterLab opened on the first lesson."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infowork import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
IN_KIT_VENV = Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()


def make(*args) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not IN_KIT_VENV, reason="runs only inside the kit's own .venv (make test)")
def test_second_run_installs_nothing():
    # -q: exit 0 when the install stamp is newer than requirements.txt and pyproject.toml.
    assert make("-q", ".venv/.installed").returncode == 0


def test_install_step_depends_on_the_pins_and_the_package():
    plan = make("-n", "-B", ".venv/.installed").stdout
    assert "-r requirements.txt" in plan and "-e ." in plan


def test_lab_opens_the_first_lesson():
    plan = make("-n", "lab").stdout
    assert "jupyter lab" in plan and "--first-lesson" in plan


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make lab" in readme
    assert "\nmake test\n" in ci
