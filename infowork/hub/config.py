"""A seminar's folder on disk and the configuration files the hub and nbgrader read from it.

``/srv/infowork/GROUP/`` (or ``--root``) holds everything a seminar keeps between runs:

    hub/        root only (0700): accounts.json (logins, passwords and their hashes),
                jupyterhub_config.py, jupyterhub.sqlite, the cookie secret, the API token, pids
    sheet/      root only (0700): passwords.html (one card per trainee, to print) and .csv
    exchange/   nbgrader's exchange (1777, sticky): outbound, inbound, feedback of the course
    course/     root only (0700): nbgrader's instructor folder of the exchange: submitted/,
                feedback/, collected/ (submissions laid out for ``infowork grade``)
    jupyter/    read by every server (0755): trainee/ and instructor/ Jupyter config folders

The gradebook of the seminar is the group's one, ``grading/groups/GROUP/`` of the kit, as for
any ``infowork grade --group GROUP``.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from infowork import ROOT

__all__ = ["Seminar", "VENV_BIN", "PRIVATE_TOP_LEVEL", "write_configs", "hide_masters",
           "DEFAULT_BASE", "SetupError", "private_modes", "closed_folders", "interpreter_paths"]

DEFAULT_BASE = Path("/srv/infowork")
VENV_BIN = Path(sys.executable).parent
#: Top-level folders of the kit a trainee's server must not open: master copies, the
#: gradebooks, tests with known answers, git's history (it holds solutions/ too), the lessons'
#: instructor notes (courses/*/README.md: expected answers; trainees get the lessons in their
#: home folder) and scripts. The Python environment, the package, datasets/ and exercises/ stay
#: readable: the trainees' kernels need them.
PRIVATE_TOP_LEVEL = ("solutions", "grading", "tests", ".git", "courses", "scripts", "mywork",
                     "out")


@dataclass
class Seminar:
    group: str
    root: Path
    instructor: str = "instructor"
    ip: str = "0.0.0.0"
    port: int = 8000

    @property
    def hub(self) -> Path:
        return self.root / "hub"

    @property
    def sheet(self) -> Path:
        return self.root / "sheet"

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def course(self) -> Path:
        return self.root / "course"

    @property
    def jupyter(self) -> Path:
        return self.root / "jupyter"

    @property
    def accounts_file(self) -> Path:
        return self.hub / "accounts.json"

    @property
    def token_file(self) -> Path:
        return self.hub / "api_token"

    @property
    def pid_file(self) -> Path:
        return self.hub / "jupyterhub.pid"

    @property
    def course_id(self) -> str:
        return self.group

    @property
    def grading_root(self) -> Path:
        from infowork.grading.pipeline import group_root

        return group_root(self.group)

    def url(self, host: str | None = None) -> str:
        shown = host or (self.ip if self.ip not in ("0.0.0.0", "", "::") else _local_address())
        return f"http://{shown}:{self.port}/"


def _local_address() -> str:
    """The machine's address in the room's network (the one its default route leaves by)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet is sent: only the route is chosen
            return probe.getsockname()[0]
        except OSError:
            return "АДРЕС-СЕРВЕРА"


def _mkdir(path: Path, mode: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, mode)


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)


def _api_token(seminar: Seminar) -> str:
    if seminar.token_file.exists():
        return seminar.token_file.read_text(encoding="ascii").strip()
    token = secrets.token_hex(32)
    _write(seminar.token_file, token + "\n", 0o600)
    return token


_HUB_CONFIG = '''\
# Written by `infowork hub` at each start; edits here are overwritten.
import sys
sys.path.insert(0, {kit!r})
from infowork.hub.config import pre_spawn_hook  # noqa: E402

c = get_config()  # noqa: F821
c.JupyterHub.ip = {ip!r}
c.JupyterHub.port = {port!r}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port!r}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
# The proxy of PyPI's configurable-http-proxy (pure Python, installed by requirements.txt):
# no Node.js needed on the seminar's machine; infowork.hub.proxy lets a whole room log in at once.
c.ConfigurableHTTPProxy.command = {proxy!r}
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.db_url = {db_url!r}
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.pid_file = {pid!r}
c.JupyterHub.authenticator_class = "infowork.hub.auth.SheetAuthenticator"
c.SheetAuthenticator.accounts_file = {accounts!r}
c.Authenticator.allowed_users = set({users!r})
c.Authenticator.admin_users = {{{instructor!r}}}
# Each user's server runs as that Linux user (file modes keep trainees apart).
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.pre_spawn_hook = pre_spawn_hook
c.Spawner.environment = {{"SHELL": "/bin/bash", "LANG": "C.UTF-8",
                         "PATH": {path!r}}}
c.JupyterHub.template_vars = {{"seminar": {group!r}}}
# The login page and «server starting» page in Russian (the kit's own templates first).
c.JupyterHub.template_paths = [{templates!r}]
# A token of the kit's own (hub/api_token): `infowork hub` and its test use the REST API.
c.JupyterHub.services = [{{"name": "infowork", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "infowork-service", "services": ["infowork"],
                            "scopes": ["admin:users", "admin:servers", "tokens",
                                       "access:servers", "list:users", "read:users"]}}]
'''

_TRAINEE_NBGRADER = '''\
# nbgrader's exchange of the seminar {group!r}, for the Assignments tab of each trainee.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {group!r}
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = False
'''

_INSTRUCTOR_NBGRADER = '''\
# The instructor's formgrader works on the group's grading folder, the one `infowork grade
# --group` writes (the kit's settings, the group's folders; not the group's own config file,
# whose sandbox settings are for grading runs, not for formgrader).
c = get_config()  # noqa: F821
load_subconfig({kit_config!r})  # noqa: F821
c.CourseDirectory.root = {grading!r}
c.CourseDirectory.source_directory = {source!r}
{folders}
c.CourseDirectory.db_url = {db_url!r}
c.CourseDirectory.course_id = {course_id!r}
'''

_COURSE_NBGRADER = '''\
# nbgrader's instructor folder of the seminar {group!r}: release, collect, release feedback.
c = get_config()  # noqa: F821
c.CourseDirectory.root = {course!r}
c.CourseDirectory.course_id = {group!r}
c.CourseDirectory.source_directory = {source!r}
c.CourseDirectory.release_directory = {release!r}
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = {db_url!r}
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = False
'''


def write_configs(seminar: Seminar, logins: list[str], hub_port: int | None = None,
                  proxy_api_port: int | None = None) -> Path:
    """The seminar's folders (with their modes) and config files; the hub's config path."""
    _mkdir(seminar.root, 0o711)
    _mkdir(seminar.hub, 0o700)
    _mkdir(seminar.sheet, 0o700)
    _mkdir(seminar.exchange, 0o1777)
    _mkdir(seminar.course, 0o700)
    _mkdir(seminar.jupyter, 0o755)
    for who in ("trainee", "instructor"):
        _mkdir(seminar.jupyter / who, 0o755)
    values = {"group": seminar.group, "exchange": str(seminar.exchange)}
    _write(seminar.jupyter / "trainee" / "nbgrader_config.py", _TRAINEE_NBGRADER.format(**values))
    # A trainee has no course folder of their own: formgrader and «создать задание» are off.
    _write(seminar.jupyter / "trainee" / "jupyter_server_config.json", json.dumps({
        "ServerApp": {"jpserver_extensions": {
            "nbgrader.server_extensions.formgrader": False,
            "nbgrader.server_extensions.course_list": False}}}, indent=2))
    from infowork.grading.pipeline import COURSE_FOLDERS, COURSE_ID, SOURCE_ROOT

    # ...and JupyterLab shows them no menu items of the instructor's (Nbgrader → Formgrader,
    # Course List, Create assignment): only Assignment List and Validate.
    _mkdir(seminar.jupyter / "trainee" / "labconfig", 0o755)
    _write(seminar.jupyter / "trainee" / "labconfig" / "page_config.json", json.dumps({
        "disabledExtensions": {f"@jupyter/nbgrader:{name}": True
                               for name in ("formgrader", "course-list", "create-assignment")}},
        indent=2))
    _write(seminar.jupyter / "instructor" / "nbgrader_config.py", _INSTRUCTOR_NBGRADER.format(
        kit_config=str(ROOT / "nbgrader_config.py"), grading=str(_instructor_link(seminar)),
        source=str(SOURCE_ROOT), course_id=COURSE_ID, folders=COURSE_FOLDERS,
        db_url="sqlite:///" + str(seminar.grading_root / "gradebook.db")))
    _write(seminar.course / "nbgrader_config.py", _COURSE_NBGRADER.format(
        course=str(seminar.course), source=str(ROOT / "solutions"),
        release=str(ROOT / "exercises"),
        db_url="sqlite:///" + str(seminar.course / "exchange.db"), **values), 0o600)
    hub_port = hub_port or seminar.port + 2
    proxy_api_port = proxy_api_port or seminar.port + 1
    config = seminar.hub / "jupyterhub_config.py"
    _write(config, _HUB_CONFIG.format(
        kit=str(ROOT), ip=seminar.ip, port=seminar.port, hub_port=hub_port,
        proxy_api_port=proxy_api_port, proxy=[sys.executable, "-m", "infowork.hub.proxy"],
        proxy_pid=str(seminar.hub / "proxy.pid"),
        db_url="sqlite:///" + str(seminar.hub / "jupyterhub.sqlite"),
        cookie=str(seminar.hub / "jupyterhub_cookie_secret"), pid=str(seminar.pid_file),
        accounts=str(seminar.accounts_file), users=sorted(logins),
        instructor=seminar.instructor, singleuser=str(VENV_BIN / "jupyterhub-singleuser"),
        path=f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin", group=seminar.group,
        token=_api_token(seminar), templates=str(Path(__file__).parent / "templates")), 0o600)
    _write(seminar.hub / "seminar.json", json.dumps({
        "group": seminar.group, "instructor": seminar.instructor, "ip": seminar.ip,
        "port": seminar.port, "jupyter": str(seminar.jupyter),
        "grading": str(seminar.grading_root)}, ensure_ascii=False, indent=2), 0o600)
    return config


def _instructor_link(seminar: Seminar) -> Path:
    """``~instructor/GROUP``, a link to the group's grading folder: formgrader wants the course
    inside the server's root folder."""
    import pwd

    try:
        entry = pwd.getpwnam(seminar.instructor)
    except KeyError:
        return seminar.grading_root
    link = Path(entry.pw_dir) / seminar.group
    if not link.is_symlink() and Path(entry.pw_dir).is_dir():
        link.symlink_to(seminar.grading_root)
        os.lchown(link, entry.pw_uid, entry.pw_gid)
    return link


def pre_spawn_hook(spawner) -> None:
    """Trainees get the exchange's config (and no formgrader); the instructor's, formgrader on
    the group's grading folder (``~/GROUP``)."""
    seminar = json.loads((Path(spawner.authenticator.accounts_file).parent / "seminar.json")
                         .read_text(encoding="utf-8"))
    instructor = spawner.user.name == seminar["instructor"]
    who = "instructor" if instructor else "trainee"
    spawner.environment["JUPYTER_CONFIG_PATH"] = str(Path(seminar["jupyter"]) / who)
    if instructor:
        Path(seminar["grading"]).mkdir(parents=True, exist_ok=True)


def private_modes() -> dict[str, tuple]:
    """The present (mode, group) of the kit's private folders, for :func:`hide_masters`'s undo."""
    return {name: ((ROOT / name).stat().st_mode & 0o7777, (ROOT / name).stat().st_gid)
            for name in PRIVATE_TOP_LEVEL if (ROOT / name).exists()}


def hide_masters(instructor_gid: int | None = None, undo: dict[str, tuple] | None = None
                 ) -> dict[str, tuple]:
    """Take other users' access away from the kit's private folders (PRIVATE_TOP_LEVEL); they
    stay open to root and, read-only, to the instructor's group. Returns the old modes (for
    ``undo``, which puts them back: used by tests)."""
    old = {}
    for name in PRIVATE_TOP_LEVEL:
        path = ROOT / name
        if not path.exists():
            continue
        status = path.stat()
        old[name] = (status.st_mode & 0o7777, status.st_gid)
        if undo is not None:
            if name in undo:
                os.chown(path, -1, undo[name][1])
                os.chmod(path, undo[name][0])
            continue
        if instructor_gid is not None and name in ("solutions", "grading"):
            os.chown(path, -1, instructor_gid)
            os.chmod(path, (status.st_mode & 0o700) | 0o050)
        else:
            os.chmod(path, status.st_mode & 0o770)
    return old


class SetupError(RuntimeError):
    """The machine is not ready for the seminar's hub; the message says, in Russian, why."""


def closed_folders(*paths: Path) -> list[Path]:
    """Folders on the way to ``paths`` (the kit, the real Python of .venv) that other users
    cannot pass through (no ``o+x``): trainees' servers could not start from there. A .venv
    made from a Python under /root (pyenv) is the usual case, or a seminar folder under a
    private one."""
    closed = []
    for path in paths:
        for folder in reversed(Path(os.path.realpath(path)).parents):
            if folder.exists() and not folder.stat().st_mode & 0o001 and folder not in closed:
                closed.append(folder)
    return closed


def interpreter_paths() -> list[Path]:
    return [ROOT, Path(os.path.realpath(sys.executable))]
