"""Sandboxed kernels forked from a warm process ("zygote"), one sandbox per grading worker.

A trainee's kernel used to start from nothing: bwrap, two Python start-ups, ipykernel's imports,
then the notebook's first cell importing pandas and matplotlib. About 0.9 s of CPU of the ~1.8 s
a trainee costs went to that, the same for a blank notebook as for a full one.

Here each grading worker starts ONE bubblewrap sandbox (the same one a kernel gets:
:func:`infowork.grading.sandbox._bwrap_argv`) whose first process, the zygote, imports what every
kernel needs and then only waits. For each kernel nbgrader asks for, the zygote

1. kills every other process of the sandbox (``kill(-1, SIGKILL)``: the previous trainee's kernel
   and anything it left running) and reaps them (it is their sub-reaper);
2. empties the writable places the previous kernel had (``/tmp``, ``/dev/shm``) and removes its
   SysV IPC objects, so nothing one trainee's code left behind is there for the next;
3. forks: the child links the files nbgrader put beside the notebook (:data:`STAGE`, bound
   read-only) into the empty working folder, writes the connection file and runs ipykernel as
   ``python -m ipykernel_launcher`` would, already imported.

The zygote never runs a trainee's code. It is the sandbox's pid 1 (``bwrap --as-pid-1``), so
its kernels cannot signal it (Linux drops every signal, SIGKILL too, sent to a pid namespace's
init from inside it, unless init handles it: the zygote handles only SIGCHLD); it is not dumpable
(no ptrace, no ``/proc/PID/mem`` from its children); it talks to the worker over two pipes its
children close; when it ends, the whole sandbox ends with it. Should it stop answering anyway,
the worker starts a fresh sandbox for the next kernel. POSIX message queues of the sandbox's IPC
namespace cannot be listed from inside it and are not removed; nothing of the grading reads them.

Only where the sandbox is on (:mod:`infowork.grading.sandbox`): without one, ``kill(-1)`` would
reach the instructor's own processes, so kernels then start as before. ``INFOWORK_ZYGOTE=0``
turns the zygote off (for comparisons).
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from infowork.grading import relay

__all__ = ["SWITCH", "STAGE", "GONE", "enabled", "settings_of", "Zygote", "KernelProcess",
           "zygote_for", "prestart", "spare", "adopt", "datasets_of", "serve", "WARM_MODULES"]

#: ``INFOWORK_ZYGOTE=0`` starts every kernel afresh (as before the zygote).
SWITCH = "INFOWORK_ZYGOTE"
#: Where the sandbox sees the files nbgrader put beside the current notebook (read-only).
STAGE = "/stage"
#: What every graded notebook's first cell imports (and ipykernel itself), imported once.
WARM_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel", "IPython.core.interactiveshell",
                # what a kernel imports as it starts and shows its first chart
                "ipykernel.debugger", "IPython.core.debugger", "IPython.core.completerlib",
                "IPython.core.oinspect", "IPython.core.pylabtools", "IPython.core.logger",
                "IPython.extensions.storemagic",
                "tornado.platform.asyncio", "tornado.locks", "tornado.queues",
                "zmq.utils.garbage", "PIL.BmpImagePlugin", "PIL.GifImagePlugin",
                "PIL.JpegImagePlugin", "PIL.PpmImagePlugin", "faulthandler",
                "numpy", "pandas", "matplotlib.pyplot", "infowork.checks", "infowork.data",
                "infowork.style", "infowork.answers", "infowork.answers_chart",
                "infowork.grading.stepcheck")
#: The exit status given to a kernel whose zygote ended under it (the sandbox ends with it):
#: :func:`infowork.grading.execution.describe_exit`.
GONE = -1000
#: How long a worker waits for the zygote to fork a kernel before it starts a fresh sandbox.
START_TIMEOUT = 30.0
#: The message a worker's log gets when the zygote is replaced.
_REPLACED = "infowork: процесс-заготовка ядер не ответил ({why}); запускается новый"


def enabled() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() not in ("0", "no", "off", "false")


def settings_of(argv: list[str]) -> str | None:
    """The sandbox settings file of a kernelspec's command line, when it is the kit's sandboxed
    kernel (``python -I -m infowork.grading.sandbox launch SETTINGS ...``) and the sandbox is on."""
    try:
        at = argv.index("infowork.grading.sandbox")
    except ValueError:
        return None
    if argv[at + 1:at + 2] != ["launch"] or len(argv) <= at + 2:
        return None
    path = argv[at + 2]
    try:
        mode = json.loads(Path(path).read_text(encoding="utf-8"))["mode"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return path if mode != "off" else None


# ---------------------------------------------------------------------------------------------
# Outside: the worker's side

class KernelProcess:
    """A kernel forked by the zygote, with the part of :class:`subprocess.Popen` that
    jupyter_client's provisioner and :mod:`infowork.grading.execution` use."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: "Zygote", pid: int) -> None:
        self.zygote, self.pid = zygote, pid
        self.returncode: int | None = None
        self._ended = threading.Event()

    def _end(self, status: int) -> None:
        if self.returncode is None:
            self.returncode = status
        self._ended.set()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            self.zygote.send({"op": "signal", "pid": self.pid, "sig": int(signum)})

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Zygote:
    """The worker's handle on its zygote sandbox (started on first use, replaced when it stops
    answering)."""

    def __init__(self, settings_path: str, sockets: str, datasets: tuple[str, ...] = (),
                 slot: int | None = None) -> None:
        self.settings_path, self.sockets, self.datasets = settings_path, sockets, datasets
        self.slot = slot  # a spare's (see sandbox._kernel_uid)
        self.settings = json.loads(Path(settings_path).read_text(encoding="utf-8"))
        self.proc: subprocess.Popen | None = None
        self.kernels: dict[int, KernelProcess] = {}
        self._replies: list[dict] = []
        self._cond = threading.Condition()
        self._lock = threading.Lock()  # one request at a time
        self.stage = ""

    # -- the sandbox

    def _start(self) -> None:
        self._attach(*self._spawn())

    def _spawn(self) -> tuple[subprocess.Popen, int, int]:
        """Start the sandbox and its zygote: (its bwrap, the pipe to write commands to, the
        pipe its replies come from)."""
        from infowork.grading import sandbox

        self.stage = self.stage or _fresh_stage()
        uid = sandbox._kernel_uid(self.slot) if self.settings["mode"] == "root" else None
        if os.stat(self.sockets).st_uid != (os.getuid() if uid is None else uid):
            os.chown(self.sockets, *((os.getuid(), os.getgid()) if uid is None else (uid, uid)))
        to_zygote, from_worker = os.pipe()
        to_worker, from_zygote = os.pipe()
        argv = sandbox._bwrap_argv(
            self.settings, None, None, self.sockets,
            sandbox._inner_command(self.settings, uid, "zygote", str(to_zygote),
                                   str(from_zygote), ",".join(self.datasets)), stage=self.stage)
        fds = tuple(int(argv[i + 1]) for i, a in enumerate(argv) if a == "--seccomp")
        try:
            # stdout and stderr are the worker's (its log), as a kernel's were
            proc = subprocess.Popen(argv, env={}, stdin=subprocess.DEVNULL,
                                    pass_fds=(to_zygote, from_zygote, *fds))
        except BaseException:
            for fd in (from_worker, to_worker):
                os.close(fd)
            raise
        finally:
            for fd in (to_zygote, from_zygote, *fds):
                os.close(fd)
        return proc, from_worker, to_worker

    def _attach(self, proc, commands: int, replies: int) -> None:
        self.proc = proc
        self._out = os.fdopen(commands, "w", encoding="utf-8", buffering=1)
        self._replies = []
        reader = threading.Thread(target=self._read, args=(proc, replies), daemon=True)
        reader.start()

    def _read(self, proc: subprocess.Popen, fd: int) -> None:
        for message in relay.messages(fd):
            with self._cond:
                if "exited" in message:
                    kernel = self.kernels.pop(message["exited"], None)
                    if kernel is not None:
                        kernel._end(message["status"])
                else:
                    self._replies.append(message)
                self._cond.notify_all()
        # the zygote is gone, and its kernels with it (PR_SET_PDEATHSIG)
        if isinstance(proc, Adopted):
            proc._end()
        with self._cond:
            if self.proc is proc:
                for kernel in self.kernels.values():
                    kernel._end(GONE)
                self.kernels.clear()
                self._replies.append({"gone": True})
            self._cond.notify_all()

    def _stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        with self._cond:
            for kernel in self.kernels.values():
                kernel._end(-signal.SIGKILL)
            self.kernels.clear()
        try:
            self._out.close()
        except OSError:
            pass
        if proc.poll() is None:
            proc.kill()  # bwrap: its sandbox (the zygote, the kernels) dies with it
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        self._stop()
        if self.stage:
            shutil.rmtree(self.stage, ignore_errors=True)

    def send(self, message: dict) -> None:
        try:
            self._out.write(json.dumps(message) + "\n")
        except (OSError, ValueError, AttributeError):
            pass  # the zygote is gone; the next start replaces it

    # -- kernels

    def start(self, connection: dict, cwd: str | None) -> KernelProcess:
        """Fork a kernel for ``connection`` (jupyter_client's connection info) in a clean
        sandbox; ``cwd`` is the notebook's folder (the files beside it are staged)."""
        names = self._stage(cwd)
        with self._lock:
            for attempt in (1, 2):
                if self.proc is None or self.proc.poll() is not None:
                    self._stop()
                    self._start()
                why = self._request({"op": "start", "connection": connection, "files": names})
                if isinstance(why, KernelProcess):
                    return why
                print(_REPLACED.format(why=why), file=sys.stderr, flush=True)
                self._stop()
        raise RuntimeError(f"the kernel zygote did not start a kernel: {why}")

    def _request(self, message: dict) -> KernelProcess | str:
        with self._cond:
            self._replies.clear()
        self.send(message)
        deadline = time.monotonic() + START_TIMEOUT
        with self._cond:
            while not self._replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    return f"нет ответа за {START_TIMEOUT:.0f} с"
                self._cond.wait(left)
            reply = self._replies.pop(0)
            if "started" in reply:
                kernel = KernelProcess(self, reply["started"])
                self.kernels[kernel.pid] = kernel
                return kernel
        return "процесс завершился" if reply.get("gone") else str(reply.get("error", reply))

    def _stage(self, cwd: str | None) -> list[str]:
        """Put what a kernel started in ``cwd`` gets beside it
        (:func:`infowork.grading.sandbox.beside_notebook`) in the stage folder; their names."""
        from infowork.grading import sandbox

        self.stage = self.stage or _fresh_stage()
        for entry in os.scandir(self.stage):
            _remove(entry.path)
        names = []
        for entry in sandbox.beside_notebook(self.settings, cwd):
            target = os.path.join(self.stage, entry.name)
            if entry.is_dir(follow_symlinks=False):
                shutil.copytree(entry.path, target, symlinks=True, copy_function=_link_or_copy)
            elif entry.is_file(follow_symlinks=False):
                _link_or_copy(entry.path, target)
            else:
                continue
            names.append(entry.name)
        return names


def _fresh_stage() -> str:
    folder = tempfile.mkdtemp(prefix="infowork-stage-")
    os.chmod(folder, 0o755)  # the kernel's unprivileged uid (grading as root) reads it
    return folder


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    os.chmod(target, 0o644)


_zygotes: dict[tuple[str, str], Zygote] = {}


def prestart(course_root: Path | str, datasets: tuple[str, ...] = ()) -> None:
    """Start this worker's zygote for a course folder now (when its kernels use one), so that
    its imports run beside the worker's own start-up rather than before the first kernel.
    ``datasets`` (the assignment's, from course.yml) are read once in the zygote: a kernel's
    ``data.load`` then copies the parsed table instead of reading the file again."""
    settings = _course_settings(course_root)
    if settings is not None and enabled():
        box = zygote_for(settings, datasets)
        with box._lock:
            if box.proc is None:
                box._start()


def datasets_of(assignment: str) -> tuple[str, ...]:
    """The datasets course.yml lists for ``assignment`` (none for an assignment it lacks): what
    a zygote for it reads ahead."""
    from infowork.course import load_manifest

    try:
        return load_manifest().module(assignment).datasets
    except (KeyError, OSError, ValueError):
        return ()


def _course_settings(course_root: Path | str) -> str | None:
    """The sandbox settings of a course folder's kernelspec when its kernels use a zygote."""
    from infowork.grading import sandbox

    spec = sandbox.jupyter_dir(course_root) / "kernels" / sandbox.KERNEL_NAME / "kernel.json"
    try:
        return settings_of(json.loads(spec.read_text(encoding="utf-8"))["argv"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def zygote_for(settings_path: str, datasets: tuple[str, ...] = ()) -> Zygote:
    """This worker's zygote for a course folder's sandbox settings (``datasets``: what it
    reads once, when it is made here)."""
    from infowork.grading import sandbox

    sockets = sandbox._sockets_dir()
    key = (os.path.realpath(settings_path), sockets)
    return _zygotes.get(key) or _keep(Zygote(settings_path, sockets, datasets))


def _keep(box: Zygote) -> Zygote:
    """``box`` is this worker's zygote for its settings and socket folder; closed at exit."""
    if not _zygotes:
        atexit.register(lambda: [z.close() for z in _zygotes.values()])
    _zygotes[(os.path.realpath(box.settings_path), box.sockets)] = box
    return box


class Adopted:
    """The bwrap of a zygote started before this worker was forked from its starter
    (:mod:`infowork.grading.forkserver`): not this process's child, so its end is seen when its
    reply pipe closes."""

    def __init__(self, pid: int) -> None:
        self.pid, self.returncode = pid, None
        self._ended = threading.Event()

    def _end(self) -> None:
        self.returncode = -signal.SIGKILL if self.returncode is None else self.returncode
        self._ended.set()

    def poll(self) -> int | None:
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def wait(self, timeout: float | None = None) -> int | None:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired(f"zygote {self.pid}", timeout or 0)
        return self.returncode


class Spare:
    """A zygote started for a worker not forked yet: its sandbox imports while the forking
    process prepares (:func:`spare`, :func:`adopt`)."""

    def __init__(self, zygote: Zygote, pid: int, commands: int, replies: int) -> None:
        self.zygote, self.pid, self.fds = zygote, pid, (commands, replies)

    def release(self) -> None:
        """In the process that started it, once a worker has it: its pipes are the worker's."""
        for fd in self.fds:
            os.close(fd)

    def discard(self) -> None:
        """In the process that started it, when no worker took it."""
        self.release()  # its command pipe closes: the zygote ends, and its sandbox
        shutil.rmtree(self.zygote.sockets, ignore_errors=True)
        shutil.rmtree(self.zygote.stage, ignore_errors=True)


def spare(course_root: Path | str, datasets: tuple[str, ...] = (), slot: int = 0
          ) -> Spare | None:
    """A zygote for the worker to be forked later into ``slot``, with a socket folder and (as
    root) a kernel uid of its own; None when the course folder's kernels use no zygote."""
    settings = _course_settings(course_root)
    if settings is None or not enabled():
        return None
    box = Zygote(settings, tempfile.mkdtemp(prefix="infowork-k-"), datasets, slot)
    proc, commands, replies = box._spawn()
    return Spare(box, proc.pid, commands, replies)


def adopt(spare: Spare) -> None:
    """In the forked worker: ``spare`` becomes this worker's zygote (its socket folder is
    this worker's, set in the environment before)."""
    _keep(spare.zygote)._attach(Adopted(spare.pid), *spare.fds)


# ---------------------------------------------------------------------------------------------
# Inside the sandbox: the zygote

def _prctl(option: int, value: int) -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NAME, PR_SET_CHILD_SUBREAPER = 1, 4, 15, 36


def _set_name(name: bytes) -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_NAME, ctypes.c_char_p(name), 0, 0, 0)


def serve(commands: int, replies: int, datasets: str = "") -> None:
    """The zygote's life: import (and read ``datasets``, comma-separated), then fork a kernel
    for each ``start`` read from ``commands`` (JSON lines), reporting to ``replies`` each
    kernel's pid and, when it ends, its exit status (as :class:`subprocess.Popen` gives it)."""
    from infowork.grading import sandbox

    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)  # it is pid 1 in the sandbox; not, if started by hand
    # Signals without a handler do not reach a namespace's init from inside: drop Python's
    # SIGINT handler (KeyboardInterrupt), so only SIGCHLD (below) is handled.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # what ipykernel sets before a kernel's first import of matplotlib (kernelapp.init_gui_pylab)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    import importlib

    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception as exc:  # a kernel imports it again and shows the error where it belongs
            print(f"infowork: zygote could not import {name}: {exc!r}", file=sys.stderr)
    for name in filter(None, datasets.split(",")):
        try:  # infowork.data keeps the parsed table; each load() returns a copy of it
            importlib.import_module("infowork.data").load(name)
        except Exception as exc:  # a kernel's own load() shows the error where it belongs
            print(f"infowork: zygote could not read dataset {name}: {exc!r}", file=sys.stderr)
    _spare_kernels_repeated_work()
    kernel: int | None = None

    def ended(pid: int, status: int) -> None:
        nonlocal kernel
        if pid == kernel:
            kernel = None
            requests.reply({"exited": pid, "status": status})

    requests = relay.Requests(commands, replies, ended)
    for message in requests:
        if message.get("op") == "signal":
            if message.get("pid") == kernel:
                try:
                    os.kill(kernel, int(message["sig"]))
                except (ProcessLookupError, ValueError, OverflowError):
                    pass
        elif message.get("op") == "start":
            _sweep(ended)
            try:
                _stage_workdir(message.get("files", []), sandbox)
            except OSError as exc:
                requests.reply({"error": f"рабочая папка ядра: {exc}"})
                continue
            pid = os.fork()
            if pid == 0:
                _kernel(message["connection"], requests.fds, sandbox)
            kernel = pid
            requests.reply({"started": pid})


def _spare_kernels_repeated_work() -> None:
    """Work every kernel would repeat, done once here, or faster, or skipped where nothing reads
    it; what a notebook gets (outputs, tracebacks, file names) is unchanged:

    - a traceback looks up each frame's module (``inspect.getmodule``), and the first lookup
      reads the path of every one of ~1 600 modules: here, once;
    - IPython 9 formats each error twice, for the output and again for the history (read only
      by the ``%notebook`` magic): the history's copy gets Python's plain format;
    - a first error is formatted here (:func:`_format_a_traceback`).
    """
    import inspect

    try:
        inspect.getmodule(compile("", "<infowork-zygote>", "exec"))
    except Exception:  # noqa: BLE001 - only a head start
        pass
    try:
        from IPython.core.interactiveshell import InteractiveShell
    except ImportError:
        return
    InteractiveShell._format_exception_for_storage = _exception_for_history
    _format_a_traceback()


def _format_a_traceback() -> None:
    """Format one error as a kernel formats a cell's: the modules a traceback needs are
    imported and the syntax colouring's patterns compiled (each kernel did it again for its
    first error)."""
    import linecache

    from IPython.core import ultratb
    from IPython.core.interactiveshell import InteractiveShell

    name = "<infowork-zygote>"
    source = "def share(part, whole):\n    return part / whole\n\nshare(1, 0)\n"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    try:
        exec(compile(source, name, "exec"), {})  # noqa: S102 - the constant above
    except ZeroDivisionError as exc:
        try:
            ultratb.AutoFormattedTB(mode="Context", theme_name=InteractiveShell.colors.default(),
                                    tb_offset=1).structured_traceback(type(exc), exc,
                                                                      exc.__traceback__)
        except Exception:  # noqa: BLE001 - only a head start
            pass
    finally:
        linecache.cache.pop(name, None)


def _exception_for_history(self, exception, filename=None, running_compiled_code=False) -> dict:
    """What IPython keeps of an error in its history: Python's own traceback."""
    import traceback

    try:
        evalue, lines = str(exception), traceback.format_exception(exception)
    except Exception:  # noqa: BLE001 - an exception whose str() fails
        evalue, lines = "", [type(exception).__name__]
    return {"ename": type(exception).__name__, "evalue": evalue, "traceback": lines}


def _kernel(connection: dict, fds: tuple[int, ...], sandbox) -> None:
    """In the forked child: become ``python -m ipykernel_launcher -f CONNECTION``; never return."""
    code = 1
    try:
        relay.Requests.in_child(fds)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as in any Python process
        _prctl(PR_SET_DUMPABLE, 1)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        _set_name(b"ipykernel")  # what ps and top show for it (its command line is the zygote's)
        os.setpgid(0, 0)
        with open(sandbox.CONNECTION, "w", encoding="utf-8") as fh:
            json.dump(connection, fh)
        os.chmod(sandbox.CONNECTION, 0o444)
        os.chdir(sandbox.WORKDIR)
        import importlib

        importlib.invalidate_caches()  # the working folder's files are new since the imports
        sys.argv = [sys.executable, "-f", sandbox.CONNECTION]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        relay.end_process(code)


def _stage_workdir(files: list[str], sandbox) -> None:
    """The fresh working folder: links to the staged files beside the notebook."""
    os.makedirs(sandbox.WORKDIR, exist_ok=True)
    for name in files:
        if "/" not in name and name not in ("", ".", ".."):
            os.symlink(os.path.join(STAGE, name), os.path.join(sandbox.WORKDIR, name))


def _sweep(ended) -> None:
    """Kill every process of the sandbox but its init and this one, and empty what they could
    write: ``/tmp`` (but its mount points), ``/dev/shm`` and the SysV IPC objects."""
    me = os.getpid()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass  # nobody left to signal
        relay.reap(ended)  # this process is their sub-reaper
        if not [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]:
            break
        time.sleep(0.001)
    mounts = _mount_points()
    for top in ("/tmp", "/dev/shm"):
        for entry in os.scandir(top):
            _remove(entry.path, keep=mounts)
    _remove_sysv_ipc()


def _mount_points() -> set[str]:
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as fh:
            return {line.split()[4].replace("\\040", " ") for line in fh}
    except OSError:
        return set()


def _remove(path: str, keep: set[str] = frozenset()) -> None:
    """Remove ``path`` and what is below it without following links; mount points (and the
    folders above them) stay."""
    if path in keep:
        return
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            try:
                os.chmod(path, 0o700)
            except OSError:
                pass
            for entry in os.scandir(path):
                _remove(entry.path, keep)
            if not any(m.startswith(path.rstrip("/") + "/") for m in keep):
                os.rmdir(path)
        else:
            os.unlink(path)
    except OSError:
        pass


def _remove_sysv_ipc() -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    IPC_RMID = 0
    for kind, remove in (("shm", lambda i: libc.shmctl(i, IPC_RMID, None)),
                         ("sem", lambda i: libc.semctl(i, 0, IPC_RMID)),
                         ("msg", lambda i: libc.msgctl(i, IPC_RMID, None))):
        try:
            with open(f"/proc/sysvipc/{kind}", encoding="utf-8") as fh:
                rows = fh.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 1 and fields[1].isdigit():
                remove(int(fields[1]))
