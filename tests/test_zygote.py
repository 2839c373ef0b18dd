"""Kernels forked from a grading worker's zygote (infowork.grading.zygote).

The kernels here are started exactly as a grading worker starts them (the course folder's
kernelspec, jupyter_client through infowork's kernel manager): one trainee's kernel leaves
everything it can behind, and the next kernel of the same worker must find none of it.
"""
from __future__ import annotations

import asyncio
import json
import os
import uuid
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from traitlets.config import Config

from infowork import grading
from infowork.grading import sandbox, zygote
from infowork.grading.execution import PromptKernelManager, describe_exit

from conftest import host_processes

NO_BWRAP = "bubblewrap (bwrap) is not installed: apt-get install bubblewrap (CI installs it)"
pytestmark = pytest.mark.skipif(sandbox.find_bwrap() is None and not os.environ.get("CI"),
                                reason=NO_BWRAP)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("zygote")
    course = (tmp / "course").resolve()
    box = grading.prepare_course(course, "00_intro", grading.SOURCE_ROOT, grading.Limits())
    if not box.on:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the sandbox, but it cannot run here: {box.note}")
        pytest.skip(f"the sandbox cannot run here: {box.note}")
    sockets = Path("/tmp") / f"iw-zt-{uuid.uuid4().hex[:8]}"  # a socket path has <108 bytes
    sockets.mkdir()
    saved = {k: os.environ.get(k) for k in ("JUPYTER_PATH", sandbox.SOCKETS)}
    os.environ[sandbox.SOCKETS] = str(sockets)
    config = Config()
    sandbox.configure(config, str(sandbox.jupyter_dir(course)))
    zygote.prestart(course, ("organizations",))  # as a worker grading an assignment does
    yield course, config
    for key in [k for k in zygote._zygotes if k[1] == str(sockets)]:
        zygote._zygotes.pop(key).close()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    for entry in sockets.iterdir():
        entry.unlink()
    sockets.rmdir()


def run_kernel(config, code: str, ends: bool = False
               ) -> tuple[str, int | None, PromptKernelManager]:
    """Start a kernel as a grading worker does, run ``code``; (its printout, the kernel's exit
    status when the code ``ends`` it, else None, the manager). The kernel is then killed."""

    async def go():
        km = PromptKernelManager(config=config, kernel_name=sandbox.KERNEL_NAME)
        await km.start_kernel(cwd="/tmp")
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        out: list[str] = []

        def keep(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                out.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

        try:
            await kc.execute_interactive(code, output_hook=keep, timeout=2 if ends else 30)
        except TimeoutError:  # the code ended the kernel before it could reply
            pass
        for _ in range(200 if ends else 0):
            if not await km.is_alive():
                break
            await asyncio.sleep(0.05)
        status = km.provisioner.process.poll() if km.provisioner.process else None
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
        return "".join(out), status, km

    return asyncio.run(go())


def test_kernels_of_a_sandboxed_course_come_from_the_zygote(course):
    _, config = course
    out, _, km = run_kernel(config, "import os\nprint(os.getppid(), open('/proc/self/comm').read(),"
                                    " 'zygote' in open('/proc/1/cmdline').read().split(chr(0)))")
    assert type(km.provisioner).__name__ == "ZygoteProvisioner"
    assert out.split() == ["1", "ipykernel", "True"], out  # the zygote is the sandbox's init


def test_the_next_kernel_finds_nothing_the_previous_one_left(course):
    _, config = course
    mark = f"zygote-leftover-{uuid.uuid4().hex}"
    leave = (
        "import ctypes, subprocess, sys\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)  # {mark}'],\n"
        "                 start_new_session=True)\n"
        "open('/tmp/work/numpy.py', 'w').write('raise SystemExit(\"planted\")')\n"
        "open('/tmp/left.txt', 'w').write('x')\n"
        "open('/dev/shm/left', 'w').write('x')\n"
        "print('shm', ctypes.CDLL(None).shmget(4242, 4096, 0o1000 | 0o600))\n")
    out, _, _ = run_kernel(config, leave)
    assert "shm" in out and "shm -1" not in out, out  # the segment was made
    look = (
        "import ctypes, json, os\n"
        "import numpy\n"
        "print(json.dumps({'procs': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),\n"
        "                  'me': os.getpid(), 'parent': os.getppid(),\n"
        "                  'work': os.listdir('/tmp/work'), 'tmp': os.listdir('/tmp'),\n"
        "                  'shm': os.listdir('/dev/shm'),\n"
        "                  'sysv': ctypes.CDLL(None).shmget(4242, 0, 0),\n"
        "                  'numpy': numpy.__file__}))\n")
    out, _, _ = run_kernel(config, look)
    seen = json.loads(out)
    assert set(seen["procs"]) <= {1, seen["parent"], seen["me"]}, seen
    assert seen["work"] == [] and "left.txt" not in seen["tmp"] and seen["shm"] == [], seen
    assert seen["sysv"] == -1, seen
    assert seen["numpy"].startswith(str(Path(grading.SOURCE_ROOT).parent / ".venv")) or \
        "site-packages" in seen["numpy"], seen
    assert not [p for p, (_, state, cmd) in host_processes().items()
                if mark in cmd and state != "Z"]


def test_a_kernel_cannot_trace_or_read_its_zygote(course):
    _, config = course
    code = ("import ctypes, os\n"
            "zygote = os.getppid()\n"
            "try:\n"
            "    open(f'/proc/{zygote}/mem', 'rb').read(1)\n"
            "    mem = 'read'\n"
            "except OSError as exc:\n"
            "    mem = type(exc).__name__\n"
            "libc = ctypes.CDLL(None, use_errno=True)\n"
            "print(mem, libc.ptrace(16, zygote, 0, 0),  # PTRACE_ATTACH\n"
            "      os.stat(f'/proc/{zygote}/mem').st_uid == os.getuid())\n")
    out, _, _ = run_kernel(config, code)
    # not dumpable: its /proc files are not the kernel's, whatever ptrace_scope (Yama) says
    assert out.split() == ["PermissionError", "-1", "False"], out


def test_a_kernel_cannot_kill_or_interrupt_its_zygote(course):
    _, config = course
    code = ("import os, signal, time\n"
            "for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGSTOP):\n"
            "    os.kill(1, sig)\n"
            "time.sleep(0.5)\n"
            "print(open('/proc/1/stat').read().split(')')[1].split()[0])\n")
    out, status, _ = run_kernel(config, code)
    assert out.split() == ["S"] and status is None, (out, status)  # asleep in select, alive
    out, _, _ = run_kernel(config, "print(6 * 7)")
    assert out.strip() == "42"


def test_a_kernel_whose_zygote_ends_is_told_apart_from_a_memory_kill():
    ename, what = describe_exit(zygote.GONE)
    assert "процесс, запустивший ядро Python, завершился" in what and "памят" not in what


def test_a_kernel_finds_the_datasets_read_and_each_load_is_its_own_copy(course):
    _, config = course
    code = ("from infowork import data\n"
            "warm = data._read_cached.cache_info().currsize\n"
            "a = data.load('organizations')\n"
            "a.iloc[0, 0] = 'изменено'\n"
            "b = data.load('organizations')\n"
            "fresh = data._read_cached.__wrapped__('organizations',"
            " str(data.path('organizations')), 0)\n"
            "print(warm, b.equals(fresh), a.equals(b))\n")
    out, _, _ = run_kernel(config, code)
    assert out.split() == ["1", "True", "False"], out


def run_notebook(config, cells: list[str]) -> list[list[dict]]:
    """Each cell's outputs, the notebook run by nbclient as nbgrader's autograde runs it."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(nb, config=config, kernel_name=sandbox.KERNEL_NAME,
                            kernel_manager_class=PromptKernelManager, allow_errors=True,
                            timeout=60, resources={"metadata": {"path": "/tmp"}})
    client.execute()
    return [json.loads(json.dumps(cell.outputs)) for cell in nb.cells]


def test_a_notebook_gets_the_same_outputs_from_a_zygote_kernel_as_from_a_fresh_one(
        course, monkeypatch):
    """The zygote imports ahead and spares kernels some repeated work: none of it may show. A
    chart, a table, printing and errors (one raised two calls deep) come out as from a kernel
    started afresh, byte for byte."""
    _, config = course
    cells = ["import matplotlib.pyplot as plt\n"
             "fig, ax = plt.subplots(figsize=(3, 2))\n"
             "ax.bar(['ВК', 'ОК'], [120, 340])\n"
             "ax.set_title('Охват')",
             "import pandas as pd\npd.DataFrame({'охват': [120, 340]})",
             "def share(part, whole):\n    return part / whole\n\nshare(1, 0)",
             "assert 2024 == 2025, 'ожидался 2025 год'",
             "print('Привет')\nfig2, ax2 = plt.subplots()\nraise NotImplementedError()"]
    forked = run_notebook(config, cells)
    monkeypatch.setenv(zygote.SWITCH, "0")
    fresh = run_notebook(config, cells)
    kinds = [[o["output_type"] for o in outputs] for outputs in forked]
    assert kinds == [["execute_result", "display_data"], ["execute_result"], ["error"], ["error"],
                     ["stream", "error", "display_data"]], kinds
    assert "image/png" in forked[0][1]["data"] and "image/png" in forked[4][2]["data"]
    assert len(forked[2][0]["traceback"]) > 3  # the cell's frame and the function's
    assert forked == fresh


def test_only_the_kits_sandboxed_kernels_use_a_zygote(tmp_path):
    settings = tmp_path / "sandbox.json"
    argv = ["python", "-I", "-m", "infowork.grading.sandbox", "launch", str(settings), "{cf}"]
    settings.write_text(json.dumps({"mode": "root"}))
    assert zygote.settings_of(argv) == str(settings)
    settings.write_text(json.dumps({"mode": "off"}))  # without a sandbox kill(-1) would reach
    assert zygote.settings_of(argv) is None           # the instructor's own processes
    assert zygote.settings_of(["python", "-m", "ipykernel_launcher", "-f", "{cf}"]) is None
