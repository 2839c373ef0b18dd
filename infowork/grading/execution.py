"""Running a trainee's notebook so that one cell costs only itself.

nbgrader's ``Execute`` (nbclient underneath) handles a cell that runs too long by interrupting
the kernel (SIGINT) and recording a ``CellTimeoutError``; the notebook goes on. Two cases defeat
that and cost the trainee the whole notebook:

- the kernel does not answer the interrupt (an endless loop that ignores SIGINT, or one stuck in
  C code): nbclient waits for the kernel to go idle, gives up and raises ``CellTimeoutError``
  ("Timeout waiting for IOPub output"), and nbgrader abandons the notebook;
- the kernel dies (``os._exit`` in a cell, the memory limit's SIGKILL, a crash in C code):
  nbclient raises ``DeadKernelError``.

A restarted kernel has lost every variable of the cells before, so "restart and go on" would fail
every later step too. :class:`SkipFatalCells` instead runs the notebook again from the top in a
fresh kernel, with that one cell not executed: it gets an error output saying in Russian what
happened (its step scores 0, as a failed check does), and every other cell runs as usual. It
repeats for a further fatal cell, up to :attr:`SkipFatalCells.max_skipped` cells. How the kernel
ended is told from its exit status: a normal exit (``os._exit``, ``exit()`` from the kernel) is
the trainee's code ending the process; SIGKILL is what a memory limit sends; another signal is a
crash; a kernel forked by a zygote (:mod:`infowork.grading.zygote`) that ended under it ended
with it.

The class is nbgrader's Execute with these additions, configured in the kit's
nbgrader_config.py (``c.Autograde.autograde_preprocessors``); the kit's other additions to
Execute (infowork.grading.verdict) are mixed into it, so it works at the level of single executions
(:meth:`SkipFatalCells.async_execute_cell`), which every path uses.

Its kernels are started and stopped without jupyter_client's idle waits
(:class:`PromptKernelManager`): a class of 20 spends 20 kernel starts and stops, and each
waited ~0.3 s doing nothing.
"""
from __future__ import annotations

import asyncio
import copy
import json
import pathlib
import signal
import subprocess
import time
import uuid
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_client.utils import ensure_async
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
import zmq
import zmq.asyncio
from traitlets import Integer, Unicode, default

from infowork.grading import zygote

__all__ = ["SkipFatalCells", "PromptKernelManager", "PromptKernelClient", "ZygoteProvisioner",
           "FATAL_ENAMES", "describe_exit"]

#: enames of the error output a skipped cell gets (infowork.grading reads them for the table).
EXITED, KILLED, CRASHED, STUCK = "KernelExited", "KernelKilled", "KernelDied", "KernelStuck"
FATAL_ENAMES = (EXITED, KILLED, CRASHED, STUCK)
_TAIL = "ячейка пропущена, остальные ячейки проверены"


def describe_exit(status: int | None) -> tuple[str, str]:
    """(ename, Russian description) for a kernel that ended with exit status ``status``
    (Popen's: negative for a signal; a sandbox's bwrap reports a signal as 128 + its number).

    >>> describe_exit(3)
    ('KernelExited', 'работа завершила процесс Python (os._exit / sys.exit), код 3')
    >>> describe_exit(-9)[0], describe_exit(137)[0]
    ('KernelKilled', 'KernelKilled')
    """
    if status is None:
        return CRASHED, "ядро Python аварийно завершилось"
    if status == zygote.GONE:
        return CRASHED, "процесс, запустивший ядро Python, завершился, и ядро вместе с ним"
    number = -status if status < 0 else status - 128 if status > 128 else None
    if number is None:
        return EXITED, f"работа завершила процесс Python (os._exit / sys.exit), код {status}"
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"сигнал {number}"
    if number == signal.SIGKILL:
        return KILLED, ("ядро Python остановлено сигналом SIGKILL — так система останавливает "
                        "процесс, которому не хватило памяти")
    return CRASHED, f"ядро Python аварийно завершилось ({name})"


class PromptKernelClient(AsyncKernelClient):
    """jupyter_client's client, ready as soon as the kernel answers.

    Its ``wait_for_ready`` ends by waiting until IOPub has been silent for 0.2 s, to drop the
    start-up messages; nbclient reads only the messages of the request it sent, so they are
    dropped here without waiting."""

    def _context_default(self) -> zmq.asyncio.Context:
        # A new kernel binds its sockets ~0.05 s after it is forked; a channel that connected
        # before retries every 0.1 s (ZeroMQ's default), and the kernel's first answer waited
        # for that retry.
        context = super()._context_default()
        context.setsockopt(zmq.RECONNECT_IVL, 5)
        return context

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # IOPub is connected once the kernel's status for this request arrives
                    await ensure_async(self.iopub_channel.get_msg(timeout=0.2))
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:  # what IOPub holds now, without waiting for more
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=0))
            except Empty:
                break


class ZygoteProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner whose kernel is forked by the worker's zygote
    (:mod:`infowork.grading.zygote`) instead of started from its kernelspec's command line."""

    settings = Unicode(help="The sandbox settings file of the kernelspec.")

    async def launch_kernel(self, cmd: list[str], **kwargs) -> dict:
        km = self.parent
        connection = json.loads(pathlib.Path(km.connection_file).read_text(encoding="utf-8"))
        cwd = kwargs.get("cwd") or str(pathlib.Path.cwd())
        self.process = zygote.zygote_for(self.settings).start(connection, cwd)
        self.pid, self.pgid, self.cwd = self.process.pid, None, cwd
        return self.connection_info


class PromptKernelManager(AsyncKernelManager):
    """jupyter_client's manager that notices a killed kernel has ended within milliseconds
    (its own check comes every 0.1 s: a stop cost 0.1-0.2 s), and whose sandboxed kernels come
    from the worker's zygote (:class:`ZygoteProvisioner`)."""

    @default("client_factory")
    def _prompt_client(self) -> type:
        return PromptKernelClient

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None and zygote.enabled():
            settings = zygote.settings_of(self.kernel_spec.argv)
            if settings is not None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = ZygoteProvisioner(kernel_id=self.kernel_id,
                                                     kernel_spec=self.kernel_spec, parent=self,
                                                     settings=settings)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        while await self._async_is_alive():
            await asyncio.sleep(0.005)


class SkipFatalCells(Execute):
    """nbgrader's Execute that survives a cell which kills or hangs the kernel: the notebook runs
    again in a fresh kernel with that cell skipped (see the module docstring)."""

    max_skipped = Integer(
        4, help="How many cells that kill or hang the kernel are skipped before the notebook "
                "is given up.").tag(config=True)

    def __init__(self, *args, **kwargs):
        # nbgrader's Execute sets jupyter_client's AsyncKernelManager unless told another.
        kwargs.setdefault("kernel_manager_class", PromptKernelManager)
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        original = copy.deepcopy(nb)
        self._skipped: dict[int, tuple[str, str]] = {}
        while True:
            self._fatal_index = None
            self._exit_status = None
            try:
                return super().preprocess(copy.deepcopy(original), resources, km)
            except (DeadKernelError, CellTimeoutError) as exc:
                index = self._fatal_index
                if index is None or index in self._skipped or \
                        len(self._skipped) >= self.max_skipped:
                    raise
                if isinstance(exc, DeadKernelError):
                    ename, what = describe_exit(self._exit_status)
                else:
                    ename, what = STUCK, (f"ячейка выполнялась дольше {self.timeout} с и не "
                                          f"ответила на прерывание (бесконечный цикл?): ядро "
                                          f"Python перезапущено")
                self.log.warning("Cell %s stopped the kernel (%s): running the notebook again "
                                 "without it", index, ename)
                self._skipped[index] = (ename, what)

    async def async_execute_cell(self, cell, cell_index, execution_count=None,
                                 store_history=True):
        skipped = getattr(self, "_skipped", {}).get(cell_index)
        if skipped is not None:
            ename, what = skipped
            cell.outputs = [new_output("error", ename=ename, evalue=f"{what}; {_TAIL}",
                                       traceback=[f"{ename}: {what}; {_TAIL}"])]
            cell.execution_count = None
            return cell
        self._fatal_index = cell_index
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count,
                                                    store_history)
        except DeadKernelError:
            self._exit_status = self._kernel_status()
            raise

    execute_cell = run_sync(async_execute_cell)

    def _kernel_status(self) -> int | None:
        """The dead kernel's exit status, or None when it cannot be told."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is None:
            return None
        try:
            return process.wait(timeout=2)
        except (subprocess.TimeoutExpired, OSError):
            return None
