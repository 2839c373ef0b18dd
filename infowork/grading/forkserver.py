"""Grading workers forked from one warm process.

Before its first trainee every grading worker imports nbgrader, pandas and matplotlib and
rehearses the master copy (:class:`infowork.grading.verdict.Judge`): ~1,6 s of CPU, the same in
every worker. With two workers on two cores the second copy cost the class ~0,8 s, and a worker
started again after a hostile notebook killed one paid it once more. Here one process does it
once (``python -m infowork.grading --workers ASSIGNMENT LIMITS``), then forks a worker whenever
:func:`infowork.grading.pipeline._run_slot` asks for one. A forked worker goes on as a worker
started afresh would: a session of its own, its own log, socket folder and zygote
(:mod:`infowork.grading.zygote`), the same resource limits.

The forking process never grades. It ends when the grading process closes its pipe or dies (it
is started with :func:`infowork.grading.sandbox.die_with_parent`); its workers die with it
(``PR_SET_PDEATHSIG``). When it cannot prepare (a master copy that does not run) or stops
answering, :func:`start` and :meth:`Forker.fork` return None and workers start as separate
processes, as before. ``INFOWORK_FORKSERVER=0`` turns it off.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from infowork.grading import relay

__all__ = ["Forker", "ForkedWorker", "start", "serve", "enabled", "SWITCH"]

#: The environment variable that turns forked workers off ("0").
SWITCH = "INFOWORK_FORKSERVER"
#: How long a worker request waits for the forking process (its imports and the rehearsal).
READY_TIMEOUT = 120.0


def enabled() -> bool:
    return os.environ.get(SWITCH, "1") != "0"


class ForkedWorker:
    """A worker forked by the forking process: what the grading process uses of a Popen."""

    def __init__(self, forker: "Forker", pid: int, sockets: str) -> None:
        self.forker, self.pid, self.returncode = forker, pid, None
        self.sockets = sockets  # its kernels' socket folder (a spare zygote's may differ)

    def _end(self, status: int) -> None:
        self.returncode = status

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        with self.forker._cond:
            if not self.forker._cond.wait_for(lambda: self.returncode is not None, timeout):
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
        return self.returncode


class Forker:
    """The grading process's handle on its forking process."""

    def __init__(self, proc: subprocess.Popen, commands: int, replies: int) -> None:
        self.proc = proc
        self._out = os.fdopen(commands, "w", encoding="utf-8", buffering=1)
        self._cond = threading.Condition()
        self._lock = threading.Lock()  # one request at a time
        self._replies: list[dict] = []
        self.workers: dict[int, ForkedWorker] = {}
        self.ready: bool | None = None  # None until it has prepared (or failed to)
        threading.Thread(target=self._read, args=(replies,), daemon=True).start()

    def _read(self, fd: int) -> None:
        for message in relay.messages(fd):
            with self._cond:
                if "exited" in message:
                    worker = self.workers.pop(message["exited"], None)
                    if worker is not None:
                        worker._end(message["status"])
                elif "ready" in message:
                    self.ready = bool(message["ready"])
                else:
                    self._replies.append(message)
                self._cond.notify_all()
        with self._cond:  # it is gone, and its workers with it (PR_SET_PDEATHSIG)
            self.ready = False
            for worker in self.workers.values():
                worker._end(-signal.SIGKILL)
            self.workers.clear()
            self._cond.notify_all()

    def fork(self, worker: str, logs: Path, sockets: str, students: list[str],
             log_path: Path) -> ForkedWorker | None:
        """A worker named ``worker`` (see :func:`infowork.grading.pipeline._worker`) writing
        its log to ``log_path``; None when the forking process cannot give one."""
        with self._lock, self._cond:
            if not self._cond.wait_for(lambda: self.ready is not None, READY_TIMEOUT) \
                    or not self.ready:
                return None
            self._replies.clear()
            try:
                self._out.write(json.dumps({"worker": worker, "logs": str(logs),
                                            "sockets": sockets, "students": students,
                                            "log": str(log_path)}) + "\n")
            except (OSError, ValueError):
                return None
            if not self._cond.wait_for(lambda: self._replies or not self.ready, 30) \
                    or not self._replies:
                return None
            answer = self._replies.pop(0)
            pid = answer.get("forked")
            if not isinstance(pid, int):
                return None
            forked = self.workers[pid] = ForkedWorker(self, pid, answer.get("sockets", sockets))
            return forked

    def close(self) -> None:
        """End the forking process (its pipe closes; a worker still running is killed)."""
        try:
            self._out.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start(course_root: Path, assignment: str, limits: str, jobs: int, env: dict,
          log_path: Path) -> Forker | None:
    """Start the forking process for a grading run in ``course_root`` (None when switched
    off). It prepares in the background; the first :meth:`Forker.fork` waits for it."""
    if not enabled():
        return None
    from infowork.grading import sandbox

    to_forker, commands = os.pipe()
    replies, from_forker = os.pipe()
    try:
        with open(log_path, "w", encoding="utf-8") as log:
            proc = subprocess.Popen(
                sandbox.die_with_parent([sys.executable, "-m", "infowork.grading", "--workers",
                                         assignment, limits, str(jobs), str(to_forker),
                                         str(from_forker)]),
                cwd=course_root, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, pass_fds=(to_forker, from_forker),
                start_new_session=True)
    except OSError:
        for fd in (to_forker, commands, replies, from_forker):
            os.close(fd)
        return None
    finally:
        for fd in (to_forker, from_forker):
            try:
                os.close(fd)
            except OSError:
                pass
    return Forker(proc, commands, replies)


# ---------------------------------------------------------------------------------------------
# The forking process

def serve(assignment: str, limits: str, jobs: int, commands: int, replies: int) -> int:
    """Start a zygote for each of the first ``jobs`` workers, prepare as a worker does, tell the
    grading process, then fork a worker for each request read from ``commands`` (JSON lines),
    reporting each one's pid and, when it ends, its exit status to ``replies``."""
    from infowork.grading import zygote
    from infowork.grading.limits import Limits

    # The limits first (the zygotes' kernels inherit them); the zygotes import beside the
    # preparation below, as a worker's zygote does beside the worker's.
    limited = Limits(**json.loads(limits)).apply()
    spares = [s for s in (zygote.spare(Path.cwd(), zygote.datasets_of(assignment), slot)
                          for slot in range(jobs)) if s is not None]
    requests = relay.Requests(commands, replies,
                              lambda pid, status: requests.reply({"exited": pid,
                                                                  "status": status}))
    from infowork.grading import pipeline

    try:
        prepared = pipeline._prepare_worker(assignment)
    except BaseException as exc:  # noqa: BLE001 - workers started afresh will say what failed
        print(f"infowork: the forking process could not prepare: {exc!r}", flush=True)
        requests.reply({"ready": False})
        for left in spares:
            left.discard()
        return 1
    requests.reply({"ready": True})
    for request in requests:
        mine = spares.pop(0) if spares else None
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            for other in spares:
                other.release()
            _worker(request, prepared, limited, assignment, mine, requests.fds)
        print(f"infowork: forked worker {request.get('worker')} (pid {pid})", flush=True)
        if mine is not None:
            mine.release()
        requests.reply({"forked": pid,
                        "sockets": mine.zygote.sockets if mine else request.get("sockets")})
    for left in spares:  # the grading process is done (or gone): its workers die with this one
        left.discard()
    return 0


def _worker(request: dict, prepared, limited: bool, assignment: str, spare,
            fds: tuple[int, ...]) -> None:
    """In the forked child: become the worker ``request`` names; never return."""
    code = 1
    try:
        relay.Requests.in_child(fds)
        os.setsid()  # the grading process kills a worker's whole session
        from infowork.grading import zygote

        zygote._prctl(zygote.PR_SET_PDEATHSIG, signal.SIGKILL)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        if not limited:
            print("Ограничения ресурсов недоступны в этой системе: проверка идёт без них.")
        sockets = spare.zygote.sockets if spare is not None else request["sockets"]
        from infowork.grading import pipeline, sandbox

        os.environ[sandbox.SOCKETS] = sockets
        if spare is not None:
            zygote.adopt(spare)
        code = pipeline._grade_trainees(prepared, assignment, request["logs"],
                                        request["worker"], request["students"], sockets)
    except BaseException:  # noqa: BLE001 - said in the worker's log; the slot reports it
        import traceback

        traceback.print_exc()
    finally:
        relay.end_process(code)
