"""The README's two commands: idempotent install, JupyterLab opened on the first lesson."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infowork import ROOT

from conftest import kit_grading_turn

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


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(not IN_KIT_VENV, reason="runs only inside the kit's own .venv (make test)")
def test_make_lab_serves_the_first_lesson_and_formgrader(tmp_path, tmp_path_factory):
    """`make lab` really starts JupyterLab (as root too), redirects to the first lesson, and
    nbgrader's formgrader loads with the kit's nbgrader_config.py (manual grading needs it).
    Formgrader opens the kit's own gradebook: one it had to create is removed afterwards."""
    with kit_grading_turn(tmp_path_factory) as grading:
        gradebook = grading / "gradebook.db"
        had_gradebook = gradebook.exists()
        try:
            _serve_lab(tmp_path)
        finally:
            if not had_gradebook:
                gradebook.unlink(missing_ok=True)


def _serve_lab(tmp_path):
    import json
    import os
    import signal
    import time
    import urllib.error
    import urllib.request

    port, token = _free_port(), "kit-test-token"
    args = (f"LAB_ARGS=--no-browser --port={port} --IdentityProvider.token={token} "
            f"--ServerApp.open_browser=False --ServerApp.port_retries=0")
    log = open(tmp_path / "lab.log", "w+", encoding="utf-8")
    proc = subprocess.Popen(["make", "lab", args], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **kw):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        location = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                opener.open(f"{base}/?token={token}", timeout=5)
            except urllib.error.HTTPError as exc:
                if exc.code in (301, 302):
                    location = exc.headers["Location"]
                    break
            except OSError:
                time.sleep(0.5)
        log.seek(0)
        assert location, f"JupyterLab did not answer:\n{log.read()[-3000:]}"
        first = subprocess.run([sys.executable, "-m", "infowork.cli", "course", "--first-lesson"],
                               capture_output=True, text=True, cwd=ROOT).stdout.strip()
        assert location.split("?")[0].endswith(f"/lab/tree/{first}"), location
        with urllib.request.urlopen(f"{base}/formgrader/api/assignments?token={token}",
                                    timeout=30) as response:
            names = {a["name"] for a in json.load(response)}
        assert "00_intro" in names
        log.seek(0)
        assert "formgrader | extension failed" not in log.read()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_benchmark_prints_its_figures():
    """The figures the README and the notes quote come from this script; it must keep running."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "benchmark.py"),
                             "--class-size", "0"], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "posts" in out and "всего" in out and "МБ" in out
    assert "Генератор:" in out and "Размер папки datasets/" in out
    assert "Проверка группы" not in out, "--class-size 0 skips the grading run"
