"""The resource limits of grading: the worker processes and every kernel they start."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True)
class Limits:
    """Resource limits for grading: the grading process and every kernel it starts (a kernel
    inherits them) each get at most this much memory, CPU time and file size; hard limits equal
    the soft ones, so a trainee's code cannot raise them. In the sandbox
    (:mod:`infowork.grading.sandbox`) a kernel also writes at most ``disk_mb`` in all and runs at most
    ``processes`` processes and threads."""

    memory_mb: int = 2048       # address space of each process
    cpu_seconds: int = 600      # CPU time of each process (a stuck kernel dies at this)
    file_mb: int = 256          # largest file a process may write
    timeout: int | None = None  # per-cell timeout; None keeps nbgrader_config.py's value
    disk_mb: int = 512          # the sandboxed kernel's writable space (a tmpfs, in memory)
    processes: int = 64         # the sandboxed kernel's processes and threads (RLIMIT_NPROC)

    def apply(self) -> bool:
        """Limit the current process (the worker calls this before it imports nbgrader, so
        no preexec_fn is needed and threads in the parent are safe). False where the OS has
        no such limits (Windows): grading still runs, only without them."""
        try:
            import resource
        except ImportError:
            return False
        mb = 1024 * 1024
        for name, value in (("RLIMIT_AS", self.memory_mb * mb), ("RLIMIT_CPU", self.cpu_seconds),
                            ("RLIMIT_FSIZE", self.file_mb * mb), ("RLIMIT_CORE", 0)):
            which = getattr(resource, name, None)
            if which is None:
                continue
            hard = resource.getrlimit(which)[1]
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value))
        return True
