"""Hostile submissions against the kernel sandbox (infowork.grading.sandbox), for grading runs in tests.

Each notebook is the full solution of the assignment (so it deserves every autograded point)
with cells added that try what a hostile trainee would: read solutions/, tests/, the gradebook
and other trainees' folders; write into the kit, the course folder and the inbox; reach the
network; print the instructor's environment; leave a double-forked daemon behind; fill the disk;
raise their resource limits; fork a burst of processes.

The probes never harm the machine when nothing stops them (grading without the sandbox): a file
they manage to create is removed at once, an existing file is only opened for appending, the
disk filler removes what it wrote, the process burst is killed, the daemon sleeps
``SLEEPER_SECONDS`` and ends. Each probe prints one line ``SANDBOX <name>: blocked`` or
``SANDBOX <name>: LEAKED <detail>`` into the cell's output (:func:`probe_lines` reads them).

``submissions(release_dir)`` -> {file name: (notebook bytes, expected autograded points)};
``release_dir`` is the course folder's release copy of the assignment
(``COURSE/release/ASSIGNMENT``), from which the course folder's paths are known.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from infowork import ROOT

from conftest import fill_exercise, grade_meta, is_test_cell

#: In the command line of the daemon a probe leaves behind (tests look for it in /proc).
SLEEPER_MARK = "infowork-sandbox-sleeper"
SLEEPER_SECONDS = 300
#: How many processes the fork burst tries to start.
FORK_BURST = 200
#: What the disk filler tries to write, in MB.
DISK_FILL_MB = 2048

# The cells' code is filled in with str.format: braces of the code itself are doubled.

_COMMON = '''\
import os as _os
def _report(name, leaked, detail=""):
    print(f"SANDBOX {{name}}: {{'LEAKED' if leaked else 'blocked'}} {{detail}}".rstrip())
'''

_PROBE = _COMMON + '''\
import json, resource, socket, sys
KIT, COURSE, INBOX, PORT = {kit!r}, {course!r}, {inbox!r}, {port!r}

def _can_read(path):
    try:
        if _os.path.isdir(path):
            return bool(_os.listdir(path))
        with open(path, "rb") as fh:
            return bool(fh.read(64))
    except OSError:
        return False

for name, path in [("read-solutions", KIT + "/solutions"), ("read-tests", KIT + "/tests"),
                   ("read-kit-config", KIT + "/nbgrader_config.py"),
                   ("read-gradebook", COURSE + "/gradebook.db"),
                   ("read-course-config", COURSE + "/nbgrader_config.py"),
                   ("read-submitted", COURSE + "/submitted"),
                   ("read-feedback", COURSE + "/feedback"),
                   *([("read-inbox", INBOX)] if INBOX else [])]:
    _report(name, _can_read(path))

def _can_create(folder):
    probe = _os.path.join(folder, f".sandbox-probe-{{_os.getpid()}}")
    try:
        fd = _os.open(probe, _os.O_CREAT | _os.O_EXCL | _os.O_WRONLY)
    except OSError:
        return False
    _os.close(fd)
    _os.unlink(probe)
    return True

def _can_append(path):
    try:
        open(path, "ab").close()  # opened, nothing written
        return True
    except OSError:
        return False

import infowork
PACKAGE = _os.path.dirname(infowork.__file__)
for name, folder in [("write-kit", KIT), ("write-package", PACKAGE), ("write-course", COURSE),
                     ("write-submitted", COURSE + "/submitted"),
                     ("write-feedback", COURSE + "/feedback"), ("write-venv", sys.prefix),
                     *([("write-inbox", INBOX)] if INBOX else [])]:
    _report(name, _can_create(folder))
for name, path in [("append-checks", PACKAGE + "/checks.py"),
                   ("append-kit-config", KIT + "/nbgrader_config.py"),
                   ("append-gradebook", COURSE + "/gradebook.db")]:
    _report(name, _can_append(path))

# the network: the test's port on the host's 127.0.0.1, the outside world, the interfaces
reached = []
for host, port in [*([("127.0.0.1", PORT)] if PORT else []), ("1.1.1.1", 53)]:
    try:
        socket.create_connection((host, port), timeout=2).close()
        reached.append(f"{{host}}:{{port}}")
    except OSError:
        pass
interfaces = sorted(name for _, name in socket.if_nameindex())
_report("network", bool(reached) or interfaces != ["lo"], f"{{reached}} {{interfaces}}")

# the environment (the test puts a marker in the instructor's: it must not show up here)
print("ENV " + json.dumps(dict(_os.environ), ensure_ascii=False))

# the host's processes
seen = []
for pid in filter(str.isdigit, _os.listdir("/proc")):
    try:
        seen.append(open(f"/proc/{{pid}}/cmdline", "rb").read().replace(b"\\0", b" ").decode())
    except OSError:
        pass
_report("host-processes", any("--worker" in c or "nbgrader" in c for c in seen),
        f"{{len(seen)}} processes")

# limits a cell might try to raise
for name in ("RLIMIT_CPU", "RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_NPROC"):
    which = getattr(resource, name)
    soft, hard = resource.getrlimit(which)
    try:
        resource.setrlimit(which, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        raised = True
    except (ValueError, OSError):
        raised = False
    _report("raise-" + name, raised, f"{{soft}} {{hard}}")

# a user namespace of its own would let a cell mount an uncapped tmpfs (tried in a child)
import ctypes
child = _os.fork()
if child == 0:
    _os._exit(0 if ctypes.CDLL(None, use_errno=True).unshare(0x10000000) == 0 else 1)
_report("user-namespace", _os.waitpid(child, 0)[1] == 0)

# relative paths still work: a chart saved beside the notebook, data the assignment ships
from infowork import style
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
saved = style.save_card(fig, "out/probe.png")
plt.close(fig)
print(f"RELATIVE cwd={{_os.getcwd()}} saved={{_os.path.getsize(saved) > 0}} "
      f"extra={{_os.path.exists('extra.csv') and open('extra.csv').read().strip()}}")
'''

_DAEMON = _COMMON + '''\
import sys, time
pid = _os.fork()
if pid == 0:  # a daemon: double fork, a session of its own
    _os.setsid()
    if _os.fork() == 0:
        _os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep({seconds})",
                                   {mark!r}])
    _os._exit(0)
_os.waitpid(pid, 0)
print("SANDBOX daemon: started")

children, error = [], ""
try:
    for _ in range({burst}):
        child = _os.fork()
        if child == 0:
            time.sleep(30)
            _os._exit(0)
        children.append(child)
except OSError as exc:
    error = str(exc)
for child in children:
    _os.kill(child, 9)
    _os.waitpid(child, 0)
_report("fork-burst", len(children) >= {burst}, f"{{len(children)}} {{error}}")
'''

_DISK = '''\
import os
written, files = 0, []
try:
    for i in range({mb} // 64):
        files.append(f"hog-{{i}}.bin")
        with open(files[-1], "wb") as fh:
            for _ in range(4):
                fh.write(bytes(16 * 2**20))
                written += 16
finally:
    print(f"SANDBOX disk: wrote {{written}} MB")
    for name in files:
        try:
            os.remove(name)
        except OSError:
            pass
'''


def _notebook(release_dir: Path):
    release_dir = Path(release_dir)
    assignment = release_dir.name
    exercise = nbformat.read(release_dir / f"{assignment}.ipynb", as_version=4)
    solution = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb",
                             as_version=4)
    full = fill_exercise(exercise, solution)
    points = sum(float(grade_meta(c)["points"]) for c in full.cells if is_test_cell(c))
    return assignment, full, points


def _with_cells(nb, code: str, after_first_test: bool = False):
    nb = copy.deepcopy(nb)
    cell = nbformat.v4.new_code_cell(code)
    if after_first_test:
        index = next(i for i, c in enumerate(nb.cells) if is_test_cell(c)) + 1
        nb.cells.insert(index, cell)
    else:
        nb.cells.append(cell)
    return nb


def submissions(release_dir: Path | str, *, inbox: Path | str | None = None,
                port: int | None = None) -> dict[str, tuple[bytes, float]]:
    """The hostile notebooks and the autograded points each deserves (the solution's).

    ``inbox`` (the folder being graded) and ``port`` (a TCP port listening on the host's
    127.0.0.1) make the probes try those too.
    """
    release_dir = Path(release_dir).resolve()
    assignment, full, points = _notebook(release_dir)
    course = release_dir.parent.parent
    probe = _PROBE.format(kit=str(ROOT), course=str(course),
                          inbox=str(Path(inbox).resolve()) if inbox else None, port=port)
    daemon = _DAEMON.format(seconds=SLEEPER_SECONDS, mark=SLEEPER_MARK, burst=FORK_BURST)
    disk = _DISK.format(mb=DISK_FILL_MB)
    out = {}
    for name, nb in [("sbxprobe", _with_cells(full, probe)),
                     ("sbxdaemon", _with_cells(full, daemon)),
                     ("sbxdisk", _with_cells(full, disk, after_first_test=True))]:
        out[f"{name}_{assignment}.ipynb"] = (nbformat.writes(nb).encode("utf-8"), points)
    return out


_LINE = re.compile(r"^SANDBOX ([\w-]+): (blocked|LEAKED|started|wrote)(.*)$", re.MULTILINE)


def probe_lines(nb) -> dict[str, tuple[str, str]]:
    """{probe name: (verdict, detail)} from the outputs of a graded notebook."""
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for match in _LINE.finditer(output.get("text", "") or ""):
                found[match.group(1)] = (match.group(2), match.group(3).strip())
    return found
