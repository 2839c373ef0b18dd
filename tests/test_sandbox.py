"""The kernel sandbox (infowork.grading.sandbox) through the real grading path.

ONE grading run of module 00 in a temporary course folder grades the hostile notebooks of
tests/corpus_sandbox.py beside an honest trainee: every probe must be blocked, every notebook
must still get the points its solution deserves, and nothing of the kit, the course folder or
the inbox may change. Two more short runs are killed (SIGKILL) while a kernel works, with and
without the sandbox: no worker and no kernel may outlive them.

Tests that need bubblewrap skip when it is missing or cannot run here (CI installs it).
"""
from __future__ import annotations

import hashlib
import html
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from infowork import ROOT, grading
from infowork.grading import sandbox
from infowork.grading.report import Report, format_table

import corpus_sandbox
from conftest import fill_exercise, host_processes

ASSIGNMENT = "00_intro"
SECRET_NAME, SECRET = "INFOWORK_TEST_SECRET", "instructor-secret-5c1d"
EXTRA = "extra-data-ok"
LIMITS = grading.Limits(timeout=60)
NO_BWRAP = "bubblewrap (bwrap) is not installed: apt-get install bubblewrap (CI installs it)"

needs_bwrap = pytest.mark.skipif(sandbox.find_bwrap() is None, reason=NO_BWRAP)
# CI must prove the sandbox itself (.ci/run installs bubblewrap): there a missing one fails.
if os.environ.get("CI") and sandbox.find_bwrap() is None:
    raise RuntimeError(f"CI without the sandbox: {NO_BWRAP}")


def _digest(paths) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def _descendants(pid: int) -> dict[int, str]:
    procs = host_processes()
    out, todo = {}, [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, _, cmdline) in procs.items():
            if ppid == parent and child not in out:
                out[child] = cmdline
                todo.append(child)
    return out


def _is_kernel(pid: int, cmdline: str) -> bool:
    """A kernel started from its command line, or one forked by a zygote (named ipykernel)."""
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        name = ""
    return "ipykernel_launcher" in cmdline or name == "ipykernel"


def _alive(pids) -> dict[int, str]:
    procs = host_processes()
    return {pid: procs[pid][2] for pid in pids if pid in procs and procs[pid][1] != "Z"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The corpus and an honest trainee, graded once in a sandbox."""
    tmp = tmp_path_factory.mktemp("sandbox")
    source = tmp / "solutions"
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, source / ASSIGNMENT)
    (source / ASSIGNMENT / "extra.csv").write_text(EXTRA + "\n", encoding="utf-8")
    course = tmp / "course"
    box = grading.prepare_course(course.resolve(), ASSIGNMENT, source, LIMITS)
    if not box.on:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the sandbox, but it cannot run here: {box.note}")
        pytest.skip(f"the sandbox cannot run here: {box.note}")
    inbox = tmp / "inbox"
    inbox.mkdir()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    # The daemon's sleeper carries a mark of this run only: test_hostile_class grades the same
    # corpus, maybe at this very moment on another pytest-xdist worker, and its sleepers are not
    # this run's leftovers.
    shared_mark = corpus_sandbox.SLEEPER_MARK
    mark = f"{shared_mark}-{uuid.uuid4().hex}"
    corpus_sandbox.SLEEPER_MARK = mark
    try:
        corpus = corpus_sandbox.submissions(course / "release" / ASSIGNMENT, inbox=inbox,
                                            port=listener.getsockname()[1])
    finally:
        corpus_sandbox.SLEEPER_MARK = shared_mark
    for name, (data, _) in corpus.items():
        (inbox / name).write_bytes(data)
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    honest = fill_exercise(nbformat.read(release, 4),
                           nbformat.read(source / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4))
    nbformat.write(honest, inbox / f"honest_{ASSIGNMENT}.ipynb")
    watched = [ROOT / "nbgrader_config.py", *sorted((ROOT / "infowork").glob("*.py")),
               course / "nbgrader_config.py", *sorted(inbox.iterdir())]
    before = _digest(watched)
    os.environ[SECRET_NAME] = SECRET
    try:
        report = grading.grade_folder(ASSIGNMENT, inbox, course_root=course, source_root=source,
                                      feedback_dir=tmp / "feedback", limits=LIMITS)
    finally:
        del os.environ[SECRET_NAME]
        listener.close()
    left = {pid: cmd for pid, (_, state, cmd) in host_processes().items()
            if state != "Z" and (mark in cmd or str(course) in cmd)}
    notebooks = {r.student: nbformat.read(course / "autograded" / r.student / ASSIGNMENT /
                                          f"{ASSIGNMENT}.ipynb", 4)
                 for r in report.results if r.graded}
    return {"report": report, "corpus": corpus, "course": course, "inbox": inbox, "tmp": tmp,
            "before": before, "after": _digest(watched), "left": left, "notebooks": notebooks,
            "probes": {s: corpus_sandbox.probe_lines(nb) for s, nb in notebooks.items()}}


def _probe(graded, student: str, prefix: str) -> dict[str, tuple[str, str]]:
    lines = {k: v for k, v in graded["probes"][student].items() if k.startswith(prefix)}
    assert lines, f"the {prefix}* probes of {student} did not run: {graded['probes'][student]}"
    return lines


@needs_bwrap
def test_hostile_work_scores_what_its_solution_deserves(graded):
    report = graded["report"]
    assert not report.notes, "the sandbox ran: the table has no note about it"
    for name, (_, points) in graded["corpus"].items():
        result = report.result(name.split("_", 1)[0])
        assert result.graded and result.score == points, (name, result)
    honest = report.result("honest")
    assert honest.score == honest.max_score > 0


@needs_bwrap
def test_solutions_tests_gradebook_and_other_trainees_cannot_be_read(graded):
    reads = _probe(graded, "sbxprobe", "read-")
    assert {"read-solutions", "read-tests", "read-gradebook", "read-submitted",
            "read-inbox"} <= set(reads)
    assert all(verdict == "blocked" for verdict, _ in reads.values()), reads
    hidden = _probe(graded, "sbxprobe", "host-processes")
    assert all(verdict == "blocked" for verdict, _ in hidden.values()), hidden


@needs_bwrap
def test_nothing_of_the_kit_the_course_folder_or_the_inbox_can_be_written(graded):
    writes = {**_probe(graded, "sbxprobe", "write-"), **_probe(graded, "sbxprobe", "append-")}
    assert {"write-kit", "write-package", "write-course", "write-submitted", "write-inbox",
            "append-checks", "append-gradebook"} <= set(writes)
    assert all(verdict == "blocked" for verdict, _ in writes.values()), writes
    assert graded["after"] == graded["before"]
    for folder in (ROOT, ROOT / "infowork", graded["course"], graded["inbox"]):
        assert not list(folder.glob(".sandbox-probe-*")), folder


@needs_bwrap
def test_no_network(graded):
    verdict, detail = _probe(graded, "sbxprobe", "network")["network"]
    assert verdict == "blocked", detail


@needs_bwrap
def test_the_instructor_environment_is_not_visible(graded):
    texts = [nbformat.writes(nb) for nb in graded["notebooks"].values()]
    texts += [html.unescape(p.read_text(encoding="utf-8"))  # as the trainee reads the page
              for p in (graded["tmp"] / "feedback").glob("*.html")]
    assert texts and all(SECRET not in text and SECRET_NAME not in text for text in texts)
    assert any('"HOME": "/tmp"' in text for text in texts), "the probe printed its environment"


@needs_bwrap
def test_no_process_outlives_grading(graded):
    assert _probe(graded, "sbxdaemon", "daemon")["daemon"][0] == "started"
    assert not graded["left"], graded["left"]


@needs_bwrap
def test_limits_cannot_be_raised_and_processes_are_capped(graded):
    raised = _probe(graded, "sbxprobe", "raise-")
    assert set(raised) == {"raise-RLIMIT_CPU", "raise-RLIMIT_AS", "raise-RLIMIT_FSIZE",
                           "raise-RLIMIT_NPROC"}
    assert all(verdict == "blocked" for verdict, _ in raised.values()), raised
    assert _probe(graded, "sbxprobe", "user-namespace")["user-namespace"][0] == "blocked"
    verdict, detail = _probe(graded, "sbxdaemon", "fork-burst")["fork-burst"]
    assert verdict == "blocked" and int(detail.split()[0]) < LIMITS.processes, detail


@needs_bwrap
def test_the_disk_cap_stops_a_cell_and_the_others_are_graded(graded):
    written = int(_probe(graded, "sbxdisk", "disk")["disk"][1].split()[0])
    assert written <= LIMITS.disk_mb < corpus_sandbox.DISK_FILL_MB
    errors = [o for c in graded["notebooks"]["sbxdisk"].cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert [e["ename"] for e in errors] == ["OSError"] and "No space left" in errors[0]["evalue"]
    assert graded["report"].result("sbxdisk").score == graded["report"].result("sbxdisk").max_score


@needs_bwrap
def test_relative_paths_work_in_the_kernel_working_folder(graded):
    line = next(o["text"] for c in graded["notebooks"]["sbxprobe"].cells
                for o in c.get("outputs", []) if "RELATIVE" in o.get("text", ""))
    assert f"cwd={sandbox.WORKDIR} saved=True extra={EXTRA}" in line


# ---------------------------------------------------------------------------------------------
# Killing `infowork grade`

_GRADE = ("import sys\nfrom infowork import grading\n"
          "grading.grade_folder(sys.argv[1], sys.argv[2], course_root=sys.argv[3], "
          "source_root=sys.argv[4])\n")


@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandbox", "no-sandbox"])
def test_killing_grading_kills_its_worker_and_kernel(graded_or_prepared, tmp_path, sandboxed):
    if sandboxed and sandbox.find_bwrap() is None:
        pytest.skip(NO_BWRAP)
    course, source = graded_or_prepared
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    nb = fill_exercise(release, nbformat.read(source / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4))
    nb.cells.insert(0, nbformat.v4.new_code_cell("import time\ntime.sleep(50)"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nbformat.write(nb, inbox / f"sleeper_{ASSIGNMENT}.ipynb")
    env = dict(os.environ) | {sandbox.SWITCH: "1" if sandboxed else "0"}
    log = tmp_path / "grade.log"
    with open(log, "wb") as out:
        run = subprocess.Popen([sys.executable, "-c", _GRADE, ASSIGNMENT, str(inbox),
                                str(course), str(source)], env=env, stdout=out,
                               stderr=subprocess.STDOUT)
    started, seen = time.monotonic(), {}
    try:
        while time.monotonic() - started < 120 and run.poll() is None:
            seen |= _descendants(run.pid)
            if any(_is_kernel(pid, cmd) for pid, cmd in seen.items()):
                break
            time.sleep(0.2)
        assert any(_is_kernel(pid, cmd) for pid, cmd in seen.items()), (
            f"no kernel started: {seen}\n{log.read_text(errors='replace')[-3000:]}")
        assert any("--worker" in cmd for cmd in seen.values())
        assert any("bwrap" in cmd for cmd in seen.values()) == sandboxed, seen
        run.send_signal(signal.SIGKILL)
        run.wait()
        deadline = time.monotonic() + 15
        while _alive(seen) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(seen), _alive(seen)
    finally:
        if run.poll() is None:
            run.kill()
        for pid in _alive(seen):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def graded_or_prepared(request, tmp_path_factory):
    """A course folder with the assignment registered: the sandbox run's, or (without bwrap) a
    fresh one."""
    if sandbox.find_bwrap() is not None:
        try:
            graded = request.getfixturevalue("graded")
            return graded["course"], graded["tmp"] / "solutions"
        except pytest.skip.Exception:
            pass
    tmp = tmp_path_factory.mktemp("prepared")
    grading.prepare_course((tmp / "course").resolve(), ASSIGNMENT, grading.SOURCE_ROOT, LIMITS)
    return tmp / "course", grading.SOURCE_ROOT


# ---------------------------------------------------------------------------------------------
# Without a sandbox

def test_the_grade_table_says_once_when_there_is_no_sandbox(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "find_bwrap", lambda: None)
    box = sandbox.prepare(tmp_path)
    assert not box.on and "sudo apt-get install bubblewrap" in box.note
    spec = (tmp_path / "jupyter" / "kernels" / sandbox.KERNEL_NAME / "sandbox.json").read_text()
    assert '"mode": "off"' in spec
    table = format_table(Report(ASSIGNMENT, [], [], tmp_path, notes=[box.note]))
    assert table.count("Песочница недоступна: код работ выполнялся без изоляции") == 1

    monkeypatch.setenv(sandbox.SWITCH, "0")
    off = sandbox.prepare(tmp_path)
    assert not off.on and sandbox.SWITCH in off.note and "apt-get" not in off.note


def test_hard_limits_equal_the_soft_ones(tmp_path):
    code = ("import resource\nfrom infowork.grading import Limits\nLimits().apply()\n"
            "for name in ('RLIMIT_CPU', 'RLIMIT_AS', 'RLIMIT_FSIZE'):\n"
            "    soft, hard = resource.getrlimit(getattr(resource, name))\n"
            "    assert soft == hard != resource.RLIM_INFINITY, (name, soft, hard)\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)
