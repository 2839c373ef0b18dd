"""JSON lines on pipes between a grading process and a process that forks for it.

Two processes fork on request: the zygote, inside a worker's sandbox, forks kernels
(:mod:`infowork.grading.zygote`); the forking process forks the workers
(:mod:`infowork.grading.forkserver`). Each reads requests from one pipe and answers on
another, one JSON object per line, and tells its requester when a child it forked has ended.
"""
from __future__ import annotations

import atexit
import json
import os
import select
import signal
import sys
from typing import Callable, Iterator

__all__ = ["messages", "Requests", "reap", "end_process"]


def _decode(line: str | bytes) -> dict | None:
    try:
        message = json.loads(line)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


def messages(fd: int) -> Iterator[dict]:
    """The JSON objects read from the pipe ``fd`` until it closes (a line that is not one is
    skipped); the pipe is closed at the end."""
    with os.fdopen(fd, encoding="utf-8") as lines:
        for line in lines:
            message = _decode(line)
            if message is not None:
                yield message


def end_process(code: int) -> None:
    """End this process now with ``code``: its exit handlers run and its output is flushed, but
    not the interpreter's teardown (in a forked child it would also run the parent's)."""
    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def reap(ended: Callable[[int, int], None]) -> None:
    """Collect the children that have ended, telling ``ended(pid, exit status)`` of each (as
    :class:`subprocess.Popen` gives it: negative for a signal)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        ended(pid, os.waitstatus_to_exitcode(status))


class Requests:
    """The requests read from ``commands``, one dict at a time, until the requester closes the
    pipe; between them, ended children are collected (:func:`reap` with ``ended``) as soon as
    they end. ``reply`` writes an answer to ``replies``. A forked child closes :attr:`fds`."""

    def __init__(self, commands: int, replies: int, ended: Callable[[int, int], None]) -> None:
        self.commands, self.ended = commands, ended
        self._out = os.fdopen(replies, "w", encoding="utf-8", buffering=1)
        self._wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(wake_write)
        self.fds = (commands, self._out.fileno(), self._wake_read, wake_write)

    def reply(self, message: dict) -> None:
        self._out.write(json.dumps(message) + "\n")

    def __iter__(self) -> Iterator[dict]:
        pending = b""
        while True:
            ready, _, _ = select.select([self.commands, self._wake_read], [], [])
            if self._wake_read in ready:
                os.read(self._wake_read, 4096)
                reap(self.ended)
            if self.commands not in ready:
                continue
            chunk = os.read(self.commands, 65536)
            if not chunk:
                return  # the requester is done, or gone
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                message = _decode(line)
                if message is not None:
                    yield message

    @staticmethod
    def in_child(fds: tuple[int, ...]) -> None:
        """In a child just forked: no wake-ups, the default SIGCHLD, the pipes closed."""
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in fds:
            os.close(fd)
