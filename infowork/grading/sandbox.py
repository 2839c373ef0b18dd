"""A sandbox for the kernels that run trainees' code while their work is graded.

On Linux with bubblewrap (``bwrap``; Debian/Ubuntu: ``sudo apt-get install bubblewrap``) every
kernel nbgrader starts for ``infowork grade`` and ``infowork check`` runs in its own namespaces:

- its file system is built from a whitelist, all read-only: the Python installation(s) and the
  virtualenv, the kit's ``infowork/`` package and ``datasets/``, ``/usr`` and the few files of
  ``/etc`` the dynamic linker and time zones need, matplotlib's font cache (built once per course
  folder, inside the sandbox). Nothing else exists there: not solutions/, tests/, the gradebook,
  the course folder, other trainees' work, the instructor's inbox, /root, /home, the host's /proc
  or /sys;
- the one writable place is a size-capped tmpfs at ``/tmp`` (HOME, and the working directory
  ``/tmp/work``, where the files nbgrader put beside the notebook are bound read-only, so
  relative paths such as ``out/chart.png`` work) and a small ``/dev/shm``; the rest of the root
  is read-only;
- no network (a new network namespace: not even loopback to the host), a new pid namespace
  (the kernel sees only its own processes, and all of them die with it: ``--die-with-parent``),
  a clean environment (no instructor variables), a seccomp filter that forbids new user
  namespaces (which would allow mounting an uncapped tmpfs);
- the kernel inherits the grading worker's limits (memory, CPU time with the hard limit equal to
  the soft one, file size), and gets a cap on processes (RLIMIT_NPROC). When ``infowork grade``
  runs as root, bwrap keeps only CAP_SETUID/CAP_SETGID and the kernel gives them up at once by
  becoming an unprivileged uid of its own (Linux does not apply RLIMIT_NPROC to root).

Without bubblewrap (or where the system forbids namespaces, or with ``INFOWORK_SANDBOX=0``)
kernels run as before, with the limits and a clean environment but without isolation, and the
grade table says so.

Files in a course folder, written by :func:`prepare`::

    jupyter/kernels/infowork/kernel.json   the kernelspec nbgrader runs (JUPYTER_PATH)
    jupyter/kernels/infowork/sandbox.json  what the launcher binds, sets and limits
    jupyter/matplotlib/fontlist-*.json     matplotlib's font cache, bound read-only in kernels

A kernel starts as ``python -I -m infowork.grading.sandbox launch sandbox.json CONNECTION_FILE ...``
(trusted, outside), which execs ``bwrap ... python -m infowork.grading.sandbox inner ...`` (inside: the
process cap, giving up root), which execs ``python -m ipykernel_launcher``. A grading worker does
not take that path: it keeps one such sandbox whose first process, a zygote, forks a kernel for
each notebook after wiping what the previous one left (:mod:`infowork.grading.zygote`).
"""
from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Sandbox", "prepare", "configure", "detect", "find_bwrap", "die_with_parent",
           "jupyter_dir", "configured_mode", "KERNEL_NAME",
           "SWITCH", "SOCKETS", "INSTALL_COMMAND", "UNAVAILABLE"]

#: The kernelspec name the course folder's nbgrader config forces for every notebook.
KERNEL_NAME = "infowork"
#: ``INFOWORK_SANDBOX=0`` turns the sandbox off (for comparisons and tests).
SWITCH = "INFOWORK_SANDBOX"
#: The folder for the kernels' ipc sockets of one grading worker (set by infowork.grading).
SOCKETS = "INFOWORK_KERNEL_SOCKETS"
INSTALL_COMMAND = "sudo apt-get install bubblewrap"
UNAVAILABLE = "Песочница недоступна: код работ выполнялся без изоляции ({reason})."
INSTALL_HINT = f" Установите bubblewrap: {INSTALL_COMMAND}"

WORKDIR = "/tmp/work"
MPLDIR = "/tmp/matplotlib"
CONNECTION = "/tmp/.kernel-connection.json"
#: Environment of a kernel (nothing else of the instructor's environment gets through).
KERNEL_ENV = {
    "HOME": "/tmp", "TMPDIR": "/tmp", "USER": "trainee", "LOGNAME": "trainee",
    "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
    "PYTHONDONTWRITEBYTECODE": "1", "MPLCONFIGDIR": MPLDIR,
    # one thread per numerical library: several kernels share the cores, and threads count
    # against the process cap
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1", "JUPYTER_PLATFORM_DIRS": "1",
    # the kernel's parent is the sandbox's pid 1: no parent polling (bwrap's --die-with-parent
    # does that), and no «Ctrl-C will not work» banner in the worker's log
    "JPY_PARENT_PID": "1",
    # the kit's own mark: a kernel that grades knows it (infowork.grading.inside_grading)
    "INFOWORK_GRADING": "1",
}
#: Variables kept from the instructor's environment when there is no sandbox (the kernel then
#: runs in the instructor's home and needs its PATH); everything else is dropped.
FALLBACK_KEEP = ("HOME", "PATH", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "JPY_PARENT_PID",
                 "SYSTEMROOT",
                 "USERPROFILE", "APPDATA", "LOCALAPPDATA", "TEMP", "TMP")
#: Files of /etc a Python kernel uses (the dynamic linker's cache, time zone, MIME types).
ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
             "/etc/timezone", "/etc/alternatives", "/etc/mime.types")
#: uids for kernels when grading runs as root: far above any real account's.
UID_BASE = 2_000_000_000


@dataclass
class Sandbox:
    """How kernels of a course folder run: ``mode`` is ``root`` (bwrap run by root, the kernel
    drops to an unprivileged uid), ``user`` (bwrap in a user namespace) or ``off``; ``reason``
    says in Russian why it is off."""

    mode: str
    reason: str = ""
    bwrap: str | None = None
    installable: bool = True   # False when the instructor turned it off on purpose

    @property
    def on(self) -> bool:
        return self.mode != "off"

    @property
    def note(self) -> str | None:
        """The line the grade table shows once when the sandbox is off."""
        if self.on:
            return None
        return UNAVAILABLE.format(reason=self.reason) + (INSTALL_HINT if self.installable else "")


# ---------------------------------------------------------------------------------------------
# Preparing a course folder

def jupyter_dir(course_root: Path | str) -> Path:
    """The folder put on JUPYTER_PATH for the grading of this course folder."""
    return Path(course_root) / "jupyter"


def _spec_dir(course_root: Path | str) -> Path:
    return jupyter_dir(course_root) / "kernels" / KERNEL_NAME


def configured_mode(course_root: Path | str) -> str:
    """The mode the kernels of a prepared course folder run in (``off`` when unknown)."""
    settings = _spec_dir(course_root) / "sandbox.json"
    try:
        return json.loads(settings.read_text(encoding="utf-8"))["mode"]
    except (OSError, ValueError, KeyError, TypeError):
        return "off"


def configure(c, jupyter: str) -> None:
    """Called by the course folder's nbgrader_config.py: every notebook runs in the kit's kernel
    (whatever kernelspec it names), found on JUPYTER_PATH, over ipc sockets when sandboxed
    (TCP cannot cross the kernel's own network namespace; a socket file in a bound folder can)."""
    paths = os.environ.get("JUPYTER_PATH", "")
    if jupyter not in paths.split(os.pathsep):
        os.environ["JUPYTER_PATH"] = jupyter + (os.pathsep + paths if paths else "")
    c.Execute.kernel_name = KERNEL_NAME
    if configured_mode(Path(jupyter).parent) != "off":
        c.KernelManager.transport = "ipc"
        c.KernelManager.ip = os.path.join(_sockets_dir(), "k")


def _sockets_dir() -> str:
    """The worker's socket folder, or (nbgrader run by hand) one per user under the temp dir."""
    folder = os.environ.get(SOCKETS)
    if not folder:
        folder = os.path.join(tempfile.gettempdir(), f"infowork-kernels-{os.getuid()}")
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if os.lstat(folder).st_uid != os.getuid() and os.getuid() != 0:
            folder = tempfile.mkdtemp(prefix="infowork-kernels-")  # not ours: a fresh one
    return folder


def prepare(course_root: Path | str, disk_mb: int = 512, processes: int = 64,
            shm_mb: int = 64) -> Sandbox:
    """Write the kernelspec of a course folder and decide whether kernels are sandboxed.

    The sandbox is tried (a full trial run that also builds matplotlib's font cache inside it)
    once per course folder and setup; later runs only check that bwrap still starts.
    """
    course_root = Path(course_root).resolve()
    spec = _spec_dir(course_root)
    spec.mkdir(parents=True, exist_ok=True)
    sandbox = detect(course_root)
    settings = _settings(sandbox, course_root, disk_mb, processes, shm_mb)
    _write(spec / "sandbox.json", json.dumps(settings, ensure_ascii=False, indent=1))
    launcher = [sys.executable, "-I", "-m", "infowork.grading.sandbox", "launch",
                str(spec / "sandbox.json"), "{connection_file}"]
    if os.name != "posix":  # no exec there: the kernel as Jupyter starts it
        launcher = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": launcher,
              "display_name": "Python 3 (проверка infowork)", "language": "python",
              # bwrap does not pass signals on: an interrupt goes as a message
              "interrupt_mode": "message" if sandbox.on else "signal",
              "metadata": {"debugger": False}}
    _write(spec / "kernel.json", json.dumps(kernel, ensure_ascii=False, indent=1))
    return sandbox


def detect(course_root: Path | str) -> Sandbox:
    """Is there a bubblewrap that works here? Tries it (root: first without a user namespace,
    then with one), building the course folder's font cache on the first success."""
    if os.environ.get(SWITCH, "").strip().lower() in ("0", "no", "off", "false"):
        return Sandbox("off", f"отключена переменной {SWITCH}=0", installable=False)
    if sys.platform != "linux":
        return Sandbox("off", "работает только в Linux")
    bwrap = find_bwrap()
    if bwrap is None:
        return Sandbox("off", "не установлен bubblewrap")
    reasons = []
    for mode in (["root", "user"] if os.geteuid() == 0 else ["user"]):
        sandbox = Sandbox(mode, bwrap=bwrap)
        problem = _try(sandbox, Path(course_root))
        if problem is None:
            return sandbox
        reasons.append(problem)
    return Sandbox("off", "bubblewrap не запускается: " + reasons[-1][:300])


def find_bwrap() -> str | None:
    """bubblewrap's path, also where PATH is short (a service, cron)."""
    return shutil.which("bwrap") or next(
        (p for p in ("/usr/bin/bwrap", "/usr/local/bin/bwrap") if os.access(p, os.X_OK)), None)


def _fontlist_name() -> str:
    from matplotlib.font_manager import FontManager

    return f"fontlist-v{FontManager.__version__}.json"


def _try(sandbox: Sandbox, course_root: Path) -> str | None:
    """None when kernels can run in this sandbox, else what went wrong.

    The first try builds matplotlib's font cache inside the sandbox (a kernel then finds it
    ready, read-only); it is kept in the course folder and, for the next course folders (say,
    the temporary one of each ``infowork check``), in the user's cache folder. Once tried with
    this very setup, only a quick start of bwrap is checked.
    """
    cache = jupyter_dir(course_root) / "matplotlib"
    fontlist = cache / _fontlist_name()
    key = hashlib.sha256(json.dumps([sandbox.mode, sandbox.bwrap, os.stat(sandbox.bwrap).st_mtime,
                                     sys.executable, _ro_binds(), fontlist.name]).encode())
    key = key.hexdigest()
    stamp = cache / f"tried-{sandbox.mode}.sha256"
    shared = _user_cache() / key[:32] / fontlist.name if _user_cache() else None
    tried = fontlist.exists() and stamp.exists() and stamp.read_text() == key
    if not tried and shared is not None and shared.exists():
        _write(fontlist, shared.read_text(encoding="utf-8"))
        _write(stamp, key)
        tried = True
    settings = _settings(sandbox, course_root, 64, 256, 16, fonts=False)
    if tried:
        code, _, error = _run(_bwrap_argv(settings, None, None, None, ["/bin/true"]), 30)
        return None if code == 0 else error
    uid = _kernel_uid() if sandbox.mode == "root" else None
    code, out, error = _run(_bwrap_argv(settings, None, None, None,
                                        _inner_command(settings, uid, "probe")), 300)
    if code != 0 or _PROBE_MARK not in out:
        return error
    _write(fontlist, out.split(_PROBE_MARK, 1)[1])
    _write(stamp, key)
    if shared is not None:
        try:
            _write(shared, out.split(_PROBE_MARK, 1)[1])
        except OSError:
            pass  # no cache folder to write: the next course folder tries again
    return None


def _write(path: Path, text: str) -> None:
    """Write a file whole or not at all (several gradings may prepare at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _user_cache() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "infowork" / "sandbox" if os.path.isabs(base) else None


def _run(argv: list[str], timeout: float) -> tuple[int, str, str]:
    """Run a bwrap command line; (exit code, stdout, the last line of stderr)."""
    fds = tuple(int(argv[i + 1]) for i, a in enumerate(argv) if a == "--seccomp")
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env={},
                                pass_fds=fds)
    except (OSError, subprocess.SubprocessError) as exc:
        return -1, "", str(exc)
    finally:
        for fd in fds:
            os.close(fd)
    return result.returncode, result.stdout, (result.stderr.strip().splitlines() or
                                              [f"код {result.returncode}"])[-1]


def _ro_binds() -> list[str]:
    """What a kernel sees (read-only): the Python installation(s), the virtualenv, the kit's
    package and datasets, /usr and a few files of /etc. Never the kit's folder itself."""
    import infowork
    from infowork import ROOT, data

    root = ROOT.resolve()
    package = Path(infowork.__file__).resolve().parent  # infowork/, not this grading/ folder
    paths = {"/usr", *ETC_FILES, sys.prefix, sys.base_prefix, sys.exec_prefix,
             sys.base_exec_prefix, os.path.dirname(os.path.realpath(sys.executable)),
             str(package), str(Path(data.DATASETS_DIR).resolve())}
    venv = Path(sys.prefix).resolve()
    for entry in _clean_sys_path():
        if not entry or not os.path.isdir(entry):
            continue
        real = Path(entry).resolve()
        # not the kit (nor a folder above it); inside the kit only its virtualenv
        if real == root or root.is_relative_to(real) or (
                real.is_relative_to(root) and not real.is_relative_to(venv)):
            continue
        paths.add(str(real))
    for path in list(paths):
        real = os.path.realpath(path)
        paths.add(real)
    out = []
    for path in sorted(p for p in paths if os.path.exists(p)):
        if not any(path != other and path.startswith(other.rstrip("/") + "/")
                   for other in paths if os.path.exists(other) and os.path.isdir(other)
                   and not os.path.islink(other)):
            out.append(path)
    return out


@functools.lru_cache(maxsize=None)
def _clean_sys_path() -> tuple[str, ...]:
    """sys.path of a kernel: the interpreter's own, without the current folder, the running
    script's folder or PYTHONPATH (``-I``), which could be anywhere (a course folder)."""
    try:
        out = subprocess.run([sys.executable, "-I", "-c", "import sys; print(repr(sys.path))"],
                             capture_output=True, text=True, timeout=60, check=True).stdout
        return tuple(str(p) for p in ast.literal_eval(out.strip()))
    except (OSError, subprocess.SubprocessError, ValueError, SyntaxError):
        return ()


def _settings(sandbox: Sandbox, course_root: Path, disk_mb: int, processes: int, shm_mb: int,
              fonts: bool = True) -> dict:
    fontlist = jupyter_dir(course_root) / "matplotlib" / _fontlist_name() if sandbox.on else None
    return {"mode": sandbox.mode, "bwrap": sandbox.bwrap, "python": sys.executable,
            "ro_binds": _ro_binds() if sandbox.on else [],
            "top_links": {name: os.readlink(f"/{name}") for name in ("bin", "lib", "lib64",
                                                                     "lib32", "sbin")
                          if os.path.islink(f"/{name}")},
            "env": KERNEL_ENV, "disk_mb": disk_mb, "shm_mb": shm_mb, "processes": processes,
            "autograded": str(Path(course_root).resolve() / "autograded"),
            "fontlist": str(fontlist) if fonts and fontlist and fontlist.exists() else None}


# ---------------------------------------------------------------------------------------------
# The bwrap command line

def _kernel_uid(slot: int | None = None) -> int:
    """An unprivileged uid of its own for the kernels of one grading process when grading runs
    as root (RLIMIT_NPROC counts a uid's processes: one trainee's fork burst must not starve
    another worker's kernel). ``slot``: the zygotes a forking process starts for the workers it
    will fork (:func:`infowork.grading.zygote.spare`) each get one of their own."""
    if slot is None:
        return UID_BASE + os.getpid() % 1_000_000
    return UID_BASE + 1_000_000 + (os.getpid() * 16 + slot % 16) % 1_000_000


def _bwrap_argv(settings: dict, connection_fd: int | None, cwd: str | None,
                sockets: str | None, command: list[str], stage: str | None = None) -> list[str]:
    """bwrap's command line. Mounts are applied in order: the tmpfs at /tmp comes before the
    binds, so a Python or a kit that lives under /tmp stays visible. ``stage``: a zygote's
    folder of the files beside the current notebook (:mod:`infowork.grading.zygote`)."""
    argv = [settings["bwrap"]]
    if settings["mode"] == "root":
        # No user namespace: root may make the others itself, and the kernel can then become an
        # unprivileged uid, to which RLIMIT_NPROC applies.
        argv += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--unshare-cgroup-try", "--cap-drop", "ALL",
                 "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        argv += ["--unshare-all"]
        if os.geteuid() == 0:
            argv += ["--cap-drop", "ALL"]
    argv += ["--die-with-parent", "--new-session", "--clearenv"]
    for name, value in settings["env"].items():
        argv += ["--setenv", name, value]
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(settings["shm_mb"] * 1024 * 1024), "--tmpfs", "/dev/shm",
             "--remount-ro", "/dev",
             "--size", str(settings["disk_mb"] * 1024 * 1024), "--perms", "1777", "--tmpfs", "/tmp",
             "--perms", "1777", "--dir", WORKDIR, "--perms", "1777", "--dir", MPLDIR]
    for name, target in settings["top_links"].items():
        argv += ["--symlink", target, f"/{name}"]
    # bwrap would make the folders above a bind readable by root only (0700): the kernel, an
    # unprivileged uid when grading runs as root, could not reach what is bound
    for folder in _parents([*settings["ro_binds"], *([sockets] if sockets else [])]):
        argv += ["--perms", "0755", "--dir", folder]
    for path in settings["ro_binds"]:
        argv += ["--ro-bind", path, path]
    if settings.get("fontlist"):
        font = settings["fontlist"]
        argv += ["--ro-bind", font, f"{MPLDIR}/{os.path.basename(font)}"]
    for entry in beside_notebook(settings, cwd):
        argv += ["--ro-bind", entry.path, f"{WORKDIR}/{entry.name}"]
    if stage:
        from infowork.grading.zygote import STAGE

        # the zygote is the sandbox's init: its kernels cannot signal it (not even SIGKILL)
        argv += ["--as-pid-1", "--ro-bind", stage, STAGE]
    if sockets:
        argv += ["--bind", sockets, sockets]
    if connection_fd is not None:
        argv += ["--perms", "0444", "--ro-bind-data", str(connection_fd), CONNECTION]
    seccomp = _seccomp_fd()
    if seccomp is not None:
        argv += ["--seccomp", str(seccomp)]
    argv += ["--remount-ro", "/", "--chdir", WORKDIR, "--"]
    return argv + command


def beside_notebook(settings: dict, cwd: str | None) -> list[os.DirEntry]:
    """What a kernel started in ``cwd`` gets in its working folder: the files nbgrader put
    beside the notebook (data of the assignment), not notebooks nor hidden files; only in a
    trainee's own autograded folder (a kernel started elsewhere gets nothing)."""
    if not cwd or not Path(cwd).resolve().is_relative_to(settings["autograded"]):
        return []
    return [entry for entry in sorted(os.scandir(cwd), key=lambda e: e.name)
            if not entry.name.endswith(".ipynb") and not entry.name.startswith(".")]


def _parents(paths: list[str]) -> list[str]:
    """The folders above ``paths`` (not / nor /tmp, which exist), outermost first."""
    out: set[str] = set()
    for path in paths:
        parent = os.path.dirname(path.rstrip("/"))
        while parent not in ("/", "", "/tmp"):
            out.add(parent)
            parent = os.path.dirname(parent)
    return sorted(out, key=lambda p: (p.count("/"), p))


def _inner_command(settings: dict, uid: int | None, *args: str) -> list[str]:
    """The first command inside the sandbox: :func:`_inner` with the process cap and the uid."""
    return [settings["python"], "-m", "infowork.grading.sandbox", "inner", str(settings["processes"]),
            str(uid if uid is not None else -1), *args]


# seccomp: refuse new user namespaces (a trainee could mount an uncapped tmpfs in one) and
# clone3 (whose flags a filter cannot read; glibc then falls back to clone).
_AUDIT_ARCH = {"x86_64": (0xC000003E, 272, 56, 435), "aarch64": (0xC00000B7, 97, 220, 435)}
_CLONE_NEWUSER = 0x10000000


def _seccomp_program() -> bytes | None:
    arch = _AUDIT_ARCH.get(platform.machine())
    if arch is None:
        return None
    audit, unshare, clone, clone3 = arch
    allow, eperm, enosys = 0x7FFF0000, 0x00050000 | 1, 0x00050000 | 38
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    program = [
        (ld, 0, 0, 4),                  # 0: arch
        (jeq, 0, 9, audit),             # 1: another ABI -> 11 (EPERM)
        (ld, 0, 0, 0),                  # 2: syscall number
        (jge, 8, 0, 0x40000000),        # 3: x32 ABI -> 12 (ENOSYS)
        (jeq, 7, 0, clone3),            # 4: clone3 -> 12 (ENOSYS)
        (jeq, 2, 0, unshare),           # 5: -> 8
        (jeq, 1, 0, clone),             # 6: -> 8
        (ret, 0, 0, allow),             # 7
        (ld, 0, 0, 16),                 # 8: low half of the flags (first argument)
        (jset, 1, 0, _CLONE_NEWUSER),   # 9: -> 11
        (ret, 0, 0, allow),             # 10
        (ret, 0, 0, eperm),             # 11
        (ret, 0, 0, enosys),            # 12
    ]
    return b"".join(struct.pack("<HBBI", *op) for op in program)


def _seccomp_fd() -> int | None:
    """A pipe holding the seccomp program, for ``bwrap --seccomp FD`` (inherited by bwrap)."""
    program = _seccomp_program()
    if program is None:
        return None
    read, write = os.pipe()
    os.write(write, program)
    os.close(write)
    os.set_inheritable(read, True)
    return read


# ---------------------------------------------------------------------------------------------
# Process lifetime

_DIE_WITH_PARENT = (
    "import ctypes, os, sys\n"
    "try:\n"
    "    ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL\n"
    "except (AttributeError, OSError):\n"
    "    pass\n"
    "if os.getppid() != int(sys.argv[1]):\n"
    "    os._exit(1)  # the parent is already gone\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n")


def die_with_parent(argv: list[str]) -> list[str]:
    """``argv`` wrapped so that the process is killed (SIGKILL) when the calling process ends,
    however it ends (Linux; elsewhere ``argv`` as is). The caller must start it from a thread that
    lives as long as the process should (Linux ties this to the creating thread)."""
    if sys.platform != "linux":
        return argv
    return [sys.executable, "-I", "-S", "-c", _DIE_WITH_PARENT, str(os.getpid()), *argv]


def _set_pdeathsig() -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, 9)
    except (AttributeError, OSError):
        pass


# ---------------------------------------------------------------------------------------------
# Starting a kernel

def launch(settings_path: str, connection_file: str, *extra: str) -> None:
    """Outside the sandbox, in the grading worker's place: exec the kernel (sandboxed or not)."""
    settings = json.loads(Path(settings_path).read_text(encoding="utf-8"))
    python = settings["python"]
    kernel = [python, "-m", "ipykernel_launcher", "-f", connection_file, *extra]
    if settings["mode"] == "off":
        _set_pdeathsig()  # the kernel dies with the worker
        env = {k: v for k, v in os.environ.items() if k in FALLBACK_KEEP}
        env.update({k: v for k, v in settings["env"].items() if k not in (
            "HOME", "TMPDIR", "USER", "LOGNAME", "PATH", "MPLCONFIGDIR", "JPY_PARENT_PID")})
        os.execve(python, kernel, env)
    with open(connection_file, encoding="utf-8") as fh:
        info = json.load(fh)
    sockets = os.path.dirname(info["ip"]) if info.get("transport") == "ipc" else None
    uid = _kernel_uid() if settings["mode"] == "root" else None
    if sockets and os.stat(sockets).st_uid != (os.getuid() if uid is None else uid):
        # the kernel creates its sockets there (a folder reused from a run in another mode)
        os.chown(sockets, *((os.getuid(), os.getgid()) if uid is None else (uid, uid)))
    read, write = os.pipe()
    os.write(write, json.dumps(info).encode())
    os.close(write)
    os.set_inheritable(read, True)
    argv = _bwrap_argv(settings, read, os.getcwd(), sockets,
                       _inner_command(settings, uid, "kernel", "-f", CONNECTION, *extra))
    os.execve(settings["bwrap"], argv, {})


def _inner(processes: str, uid: str, *command: str) -> None:
    """Inside the sandbox: cap processes, give up root, exec the kernel (or run the probe, or
    become a zygote that forks kernels: :mod:`infowork.grading.zygote`)."""
    import resource

    nproc = int(processes)
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    if int(uid) >= 0 and os.getuid() == 0:
        os.setgroups([])
        os.setgid(int(uid))
        os.setuid(int(uid))
    if command[0] == "probe":
        _probe()
        return
    if command[0] == "zygote":
        from infowork.grading import zygote

        zygote.serve(int(command[1]), int(command[2]), *command[3:4])
        return
    python = sys.executable
    os.execv(python, [python, "-m", "ipykernel_launcher", *command[1:]])


_PROBE_MARK = "\n--- fontlist ---\n"


def _probe() -> None:
    """The trial run: what a kernel imports works, and matplotlib's font cache is built."""
    import ipykernel.kernelapp  # noqa: F401
    import matplotlib.font_manager as fm

    from infowork import data, style  # noqa: F401

    data.load("organizations")
    path = Path(os.environ["MPLCONFIGDIR"]) / f"fontlist-v{fm.FontManager.__version__}.json"
    sys.stdout.write(_PROBE_MARK + path.read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    if argv[:1] == ["launch"] and len(argv) >= 3:
        launch(*argv[1:])
    elif argv[:1] == ["inner"] and len(argv) >= 4:
        _inner(*argv[1:])
    else:
        print("infowork.grading.sandbox запускается проверкой (infowork grade), а не вручную.",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
