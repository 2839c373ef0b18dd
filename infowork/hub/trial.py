"""A throwaway seminar hub on 127.0.0.1, for the kit's own hub test and load benchmark.

    with trial_hub(roster_bytes, purpose="hubtest", instructor="instr1") as hub:
        hub.start_server(login)
        hub.user("GET", login, "/api/contents")

It runs the real ``infowork hub`` (real Linux users: root only) in a temporary seminar folder
and drives it through JupyterHub's REST API (:class:`HubClient`). On the way out everything is
put back: the hub and any server it left running are stopped, the Linux users removed, the
kit's folder modes restored and the temporary folders deleted.

One trial hub runs on a machine at a time (a lock file): each one opens folders shared by every
copy of the kit (the Python under /root) and closes them again when it ends, which would stop
another trial hub's servers from starting.
"""
from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from infowork import ROOT
from infowork.hub import accounts, config
from infowork.hub.command import seminar_of
from infowork.hub.config import Seminar

__all__ = ["HubClient", "TrialHubError", "trial_hub", "free_port", "LOCK_FILE",
           "TRIAL_GROUP_PREFIX"]

INFOWORK = [sys.executable, "-m", "infowork.cli"]
LOCK_FILE = Path(tempfile.gettempdir()) / "infowork-trial-hub.lock"
#: A trial hub's group (``trial-PURPOSE-PID``) starts so: its grading folder in the kit's
#: grading/groups/ is a test's, removed when the hub ends (other tests may skip it).
TRIAL_GROUP_PREFIX = "trial-"


class TrialHubError(RuntimeError):
    """The trial hub could not start; the message says, in Russian, why."""


class HubClient:
    """JupyterHub's REST API as the hub's admin, and each user's server with their own token."""

    def __init__(self, seminar: Seminar, token: str, process: subprocess.Popen):
        self.seminar = seminar
        self.process = process
        self.base = f"http://127.0.0.1:{seminar.port}"
        self.admin = {"Authorization": f"token {token}"}
        self.tokens: dict[str, str] = {}

    def api(self, method: str, path: str, **kwargs):
        import requests

        return requests.request(method, f"{self.base}/hub/api{path}", headers=self.admin,
                                timeout=60, **kwargs)

    def start_server(self, user: str, seconds: float = 90) -> None:
        """Start ``user``'s server, wait until it is ready and make an API token for it."""
        r = self.api("POST", f"/users/{user}/server")
        if r.status_code not in (201, 202):
            raise TrialHubError(f"сервер {user} не запущен: {r.status_code} {r.text[:300]}")
        deadline = time.monotonic() + seconds
        while not self.api("GET", f"/users/{user}").json()["servers"].get("", {}).get("ready"):
            if time.monotonic() > deadline:
                raise TrialHubError(f"сервер {user} не запустился за {seconds:.0f} с")
            time.sleep(0.3)
        self.tokens[user] = self.api("POST", f"/users/{user}/tokens",
                                     json={"note": "trial hub"}).json()["token"]

    def user(self, method: str, user: str, path: str, **kwargs):
        """A request to ``user``'s own server (``/user/LOGIN/...``) with their token."""
        import requests

        return requests.request(method, f"{self.base}/user/{user}{path}", timeout=120,
                                headers={"Authorization": f"token {self.tokens[user]}"},
                                **kwargs)

    def action(self, user: str, action: str, assignment: str) -> list[dict]:
        """An action of JupyterLab's Assignments tab (fetch, submit, fetch_feedback)."""
        r = self.user("POST", user, f"/assignments/{action}",
                      data={"course_id": self.seminar.course_id, "assignment_id": assignment})
        answer = r.json() if r.status_code == 200 else {"success": False, "value": r.text}
        if not answer["success"]:
            raise TrialHubError(f"{action} у {user}: {str(answer['value'])[:500]}")
        return answer["value"]

    def log(self) -> str:
        return (self.seminar.root.parent / "hub.log").read_text(errors="replace")


def free_port() -> int:
    """A port with the two after it free too (the proxy's API and the hub's own)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 65000 and all(_free(port + i) for i in (1, 2)):
            return port
    raise TrialHubError("нет свободных портов на 127.0.0.1")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextmanager
def _machine_lock(wait: float) -> Iterator[None]:
    with open(LOCK_FILE, "a") as lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TrialHubError(
                        "На этой машине уже работает другой пробный JupyterHub (тест или замер "
                        f"нагрузки; замок {LOCK_FILE}). Дождитесь его конца и запустите снова."
                    ) from None
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _kill_processes_of(uids: list[int]) -> None:
    """Servers the hub did not stop in time (their Linux users must go): ended by pid."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid in uids:
                    os.kill(int(entry), 9)
            except OSError:
                pass


@contextmanager
def trial_hub(roster: bytes, purpose: str, instructor: str, wait_for_lock: float = 0,
              start_seconds: float = 120) -> Iterator[HubClient]:
    """Run ``infowork hub`` on 127.0.0.1 for ``roster`` (a roster CSV's bytes) as the group
    ``trial-PURPOSE-PID`` and yield a :class:`HubClient`; everything is undone on the way out
    (see the module's docstring)."""
    import pwd

    import requests

    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        raise TrialHubError("Пробный JupyterHub создаёт пользователей Linux: нужны права root.")
    with _machine_lock(wait_for_lock):
        # A seminar's hub of this kit already running has closed the kit's private folders; the
        # modes saved here would be the closed ones and the kit would stay closed after us.
        hidden = [name for name, (mode, _) in config.private_modes().items() if not mode & 0o005]
        if hidden:
            raise TrialHubError(
                f"Папки комплекта {', '.join(hidden)} закрыты для других пользователей: похоже, "
                "уже работает JupyterHub семинара. Остановите его (infowork hub stop --group "
                "ГРУППА) и запустите снова.")
        group = f"{TRIAL_GROUP_PREFIX}{purpose}-{os.getpid()}"
        # Not under a private temporary folder (0700): the trainees' servers open the exchange.
        folder = Path(tempfile.mkdtemp(prefix="infowork-hub-"))
        os.chmod(folder, 0o711)
        (folder / "roster.csv").write_bytes(roster)
        seminar = seminar_of(group, folder / "seminar", ip="127.0.0.1", port=free_port(),
                             instructor=instructor)
        private = config.private_modes()
        # A .venv made from a Python under /root (pyenv, as on CI machines) is opened for the
        # trainees' servers while the hub runs, and closed again after it.
        closed = {p: p.stat().st_mode
                  for p in config.closed_folders(*config.interpreter_paths())}
        for path, mode in closed.items():
            os.chmod(path, mode | 0o001)
        log = open(folder / "hub.log", "wb")
        process = subprocess.Popen(
            INFOWORK + ["hub", str(folder / "roster.csv"), "--group", group, "--root",
                        str(seminar.root), "--port", str(seminar.port), "--ip", "127.0.0.1",
                        "--instructor", instructor],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        uids: list[int] = []
        try:
            deadline = time.monotonic() + start_seconds
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise TrialHubError("JupyterHub не запустился:\n" + (folder / "hub.log")
                                        .read_text(errors="replace")[-3000:])
                try:
                    if requests.get(f"{seminar.url('127.0.0.1')}hub/api/", timeout=2).ok:
                        break
                except requests.ConnectionError:
                    pass
                time.sleep(0.3)
            uids = [pwd.getpwnam(r["login"]).pw_uid for r in accounts.load_accounts(seminar)]
            yield HubClient(seminar, seminar.token_file.read_text().strip(), process)
        finally:
            subprocess.run(INFOWORK + ["hub", "stop", "--group", group, "--root",
                                       str(seminar.root)], cwd=ROOT, capture_output=True)
            if process.poll() is None:
                process.terminate()
                process.wait(30)
            log.close()
            _kill_processes_of(uids)
            accounts.remove_users(accounts.load_accounts(seminar))
            config.hide_masters(undo=private)
            for path, mode in closed.items():
                os.chmod(path, mode)
            subprocess.run(["rm", "-rf", str(seminar.grading_root), str(folder)])
