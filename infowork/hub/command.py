"""``infowork hub``: the seminar's JupyterHub from one command, and the instructor's actions.

    infowork hub ROSTER.csv --group G [--port 8000] [--ip 0.0.0.0]   start (Ctrl+C stops)
    infowork hub stop --group G                                      stop a running hub
    infowork hub release 00_intro --group G                          hand out an assignment
    infowork hub collect 00_intro --group G                          collect, grade, feedback
    infowork hub feedback 01_content_planning --group G              feedback again (after
                                                                     formgrader and report)
    infowork hub close --group G                                     the seminar is over:
                                                                     homes archived, users gone
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from infowork.hub import accounts, config, exchange
from infowork.hub.config import DEFAULT_BASE, VENV_BIN, Seminar
from infowork.hub.roster import RosterError, read_roster

__all__ = ["main", "seminar_of", "ACTIONS"]

ACTIONS = ("stop", "close", "release", "collect", "feedback")


def seminar_of(group: str, root: str | Path | None = None, **options) -> Seminar:
    from infowork.grading.pipeline import group_root

    group_root(group)  # refuses a name that is not a plain ASCII folder name
    return Seminar(group=group, root=Path(root) if root else DEFAULT_BASE / group, **options)


def _saved(seminar: Seminar) -> Seminar:
    """The instructor's login, IP and port the seminar was started with."""
    import json

    path = seminar.hub / "seminar.json"
    if path.exists():
        saved = json.loads(path.read_text(encoding="utf-8"))
        seminar.instructor, seminar.ip, seminar.port = (saved["instructor"], saved["ip"],
                                                        saved["port"])
    return seminar


def _running_pid(seminar: Seminar) -> int | None:
    try:
        pid = int(seminar.pid_file.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def stop(seminar: Seminar, wait: float = 30) -> int:
    pid = _running_pid(seminar)
    if pid is None:
        print(f"JupyterHub семинара {seminar.group} не запущен.")
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and _running_pid(seminar) == pid:
        time.sleep(0.2)
    if _running_pid(seminar) == pid:
        os.kill(pid, signal.SIGKILL)
    print(f"JupyterHub семинара {seminar.group} остановлен. Работы, журнал оценок и учётные "
          f"записи сохранены в {seminar.root} и {seminar.grading_root}.")
    return 0


def close(seminar: Seminar) -> int:
    """The end of a seminar: every account's home folder is archived in the seminar's folder,
    then the Linux users are removed. Submissions, feedback and the gradebook stay."""
    if not accounts.is_root():
        print("Удалять пользователей Linux может только root: sudo .venv/bin/infowork hub "
              f"close --group {seminar.group}", file=sys.stderr)
        return 2
    if _running_pid(seminar) is not None:
        print(f"JupyterHub семинара {seminar.group} ещё работает; сначала остановите его: "
              f"infowork hub stop --group {seminar.group}", file=sys.stderr)
        return 2
    records = accounts.load_accounts(seminar)
    if not records:
        print(f"У семинара {seminar.group} нет учётных записей ({seminar.accounts_file}).",
              file=sys.stderr)
        return 2
    archives = accounts.archive_homes(seminar, records)
    accounts.remove_users(records)
    from infowork.russian import plural

    print(f"Семинар {seminar.group} закрыт. Удалено "
          f"{plural(len(records), 'пользователь', 'пользователя', 'пользователей')} Linux; "
          f"домашние папки — в {plural(len(archives), 'архиве', 'архивах', 'архивах')} в "
          f"{seminar.root / 'homes'}. Работы, отзывы и журнал оценок остались в "
          f"{seminar.root} и {seminar.grading_root}.")
    return 0


def prepare(seminar: Seminar, roster: Path | str, say=print) -> list[dict]:
    """Accounts, Linux users, the sheet, the config files and the file modes of a seminar."""
    import pwd

    trainees = read_roster(roster)
    closed = config.closed_folders(*config.interpreter_paths(), seminar.root)
    if closed:
        raise config.SetupError(
            "Серверы слушателей не смогут запустить Python комплекта или открыть папку "
            f"семинара {seminar.root}: в папку "
            f"{', '.join(map(str, closed))} другим пользователям нет доступа "
            f"(Python окружения — {os.path.realpath(sys.executable)}). Создайте .venv из "
            "системного Python (sudo apt install python3-venv; rm -rf .venv; make "
            "PYTHON=/usr/bin/python3) или откройте проход: chmod o+x "
            f"{' '.join(map(str, closed))}.")
    records = accounts.make_accounts(seminar, trainees)
    accounts.create_users(seminar, records, say=say)
    html_path, csv_path = accounts.write_sheet(seminar, records, seminar.url())
    config.write_configs(seminar, [r["login"] for r in records])
    instructor = pwd.getpwnam(seminar.instructor)
    config.hide_masters(instructor.pw_gid)
    seminar.grading_root.mkdir(parents=True, exist_ok=True)
    exchange._give_to_instructor(seminar)
    say(f"Слушателей: {sum(r['role'] == 'trainee' for r in records)}; лист с паролями для "
        f"печати — {html_path} (и {csv_path.name}), его может читать только root.")
    return records


def start(seminar: Seminar, roster: Path | str) -> int:
    if not accounts.is_root():
        print("JupyterHub семинара создаёт пользователей Linux и запускает их серверы: "
              "нужны права root. Запустите так: sudo .venv/bin/infowork hub ...",
              file=sys.stderr)
        return 2
    if _running_pid(seminar) is not None:
        print(f"JupyterHub семинара {seminar.group} уже запущен; остановить: "
              f"infowork hub stop --group {seminar.group}", file=sys.stderr)
        return 2
    try:
        prepare(seminar, roster)
    except (RosterError, config.SetupError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"JupyterHub семинара {seminar.group}: {seminar.url()} (логин преподавателя — "
          f"{seminar.instructor}). Остановить: Ctrl+C или infowork hub stop --group "
          f"{seminar.group}.", flush=True)
    process = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f",
                                str(seminar.hub / "jupyterhub_config.py")],
                               cwd=seminar.hub, start_new_session=True)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        print(f"\nОстановлено. Работы, журнал оценок и учётные записи сохранены: {seminar.root}.")
        return 0


def main(target: str, assignment: str | None, group: str, root: str | None = None,
         ip: str = "0.0.0.0", port: int = 8000, instructor: str = "instructor",
         jobs: int | None = None) -> int:
    # nbgrader's gradebook runs the `alembic` command of the environment, whatever PATH says.
    os.environ["PATH"] = f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    try:
        seminar = seminar_of(group, root, instructor=instructor, ip=ip, port=port)
    except Exception as exc:  # GradingError: a bad group name
        print(exc, file=sys.stderr)
        return 2
    if target not in ACTIONS:
        if assignment is not None:
            print(f"Лишний аргумент «{assignment}»: запуск — infowork hub СПИСОК.csv --group "
                  f"{group}", file=sys.stderr)
            return 2
        return start(seminar, target)
    seminar = _saved(seminar)
    if target == "stop":
        return stop(seminar)
    if target == "close":
        return close(seminar)
    if assignment is None:
        print(f"Укажите задание: infowork hub {target} 00_intro --group {group}",
              file=sys.stderr)
        return 2
    from infowork.grading.pipeline import known_assignment

    if not known_assignment(assignment):
        return 2
    if not (seminar.course / "nbgrader_config.py").exists():
        print(f"Семинар {group} ещё не запускался: infowork hub СПИСОК.csv --group {group}",
              file=sys.stderr)
        return 2
    if target == "release":
        path = exchange.release(seminar, assignment)
        print(f"Задание {assignment} выдано: слушатели увидят его на вкладке Assignments "
              f"(кнопка «Fetch»). Копия в обменной папке: {path}")
        return 0
    if target == "feedback":
        logins = sorted(p.parent.name for p in (seminar.course / "submitted").glob(
            f"*/{assignment}") if p.is_dir())
        released = exchange.release_feedback(seminar, assignment, logins)
        print(f"Отзывы выданы заново: {len(released)} из {len(logins)} (кнопка «Fetch Feedback» "
              f"на вкладке Assignments).")
        return 0
    return exchange.collect_and_grade(seminar, assignment, jobs=jobs)
