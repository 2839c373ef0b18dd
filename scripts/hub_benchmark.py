"""Load benchmark of the seminar's JupyterHub (`infowork hub`): N simulated trainees at once.

    make bench-hub    (or, as root: .venv/bin/python scripts/hub_benchmark.py --users 30 --batch 10)

A hub is started in a temporary seminar folder with a roster of N trainees (real Linux users, so
root is needed, as for `infowork hub` itself). Trainees come in batches of --batch at a time:
each one's server is started through the hub's REST API, an API token is made for them, the
lesson courses/00_intro/00_intro_pandas.ipynb is opened from their ~/courses (contents API) and
every code cell is run in a kernel of their server (sessions API + the kernel's websocket, as
JupyterLab does). Printed in Russian: time to the first cell's result (from the server's start
request), time to run the whole lesson, memory per trainee (resident memory of their server and
kernel, from /proc: the figure a per-user memory limit is sized from), the total, and how many
trainees succeeded. The kernels stay alive until every batch is done, as in a seminar where
nobody closes the notebook. Users, folders and the kit's folder modes are put back afterwards.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infowork.cli import russian_parser  # noqa: E402
from infowork.russian import number, plural  # noqa: E402

LESSON = "courses/00_intro/00_intro_pandas.ipynb"
SURNAMES = ["Иванова", "Петров", "Сидорова", "Кузнецов", "Смирнова", "Попов", "Соколова",
            "Лебедев", "Козлова", "Новиков", "Морозова", "Волков"]
NAMES = ["Анна", "Пётр", "Юлия", "Олег", "Мария", "Илья", "Елена", "Роман"]


def roster_text(users: int) -> str:
    """A roster of ``users`` distinct Russian names (surname × name), as an instructor's CSV."""
    rows = [f"{SURNAMES[k % len(SURNAMES)]};{NAMES[k // len(SURNAMES) % len(NAMES)]};"
            f"Профсоюз № {k + 1}" for k in range(users)]
    return "Фамилия;Имя;Организация\n" + "\n".join(rows) + "\n"


def rss_mb(uid: int) -> float:
    """Resident memory of every process of the Linux user ``uid`` (server and kernels), MB."""
    total_kb = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("Uid", "-1").split()[0]) == uid and "VmRSS" in fields:
            total_kb += int(fields["VmRSS"].split()[0])
    return total_kb / 1024


def pid_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the hub started by `infowork hub`, its proxy)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += children.get(current, [])
    return tree


def available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _message(msg_type: str, content: dict, channel: str = "shell") -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "bench",
                       "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
            "buffers": []}


def run_lesson(hub, login: str, started: float, cell_timeout: float = 300) -> dict:
    """Open the lesson in ``login``'s server and run its code cells one by one in a kernel of
    that server; the moments of the first cell's reply and of the last, and the errors."""
    import nbformat
    import websocket

    r = hub.user("GET", login, f"/api/contents/{LESSON}", params={"content": "1"})
    r.raise_for_status()
    notebook = nbformat.from_dict(r.json()["content"])
    r = hub.user("POST", login, "/api/sessions",
                 json={"path": LESSON, "name": Path(LESSON).name, "type": "notebook",
                       "kernel": {"name": "python3"}})
    r.raise_for_status()
    kernel = r.json()["kernel"]["id"]
    url = hub.base.replace("http", "ws", 1) + f"/user/{login}/api/kernels/{kernel}/channels"
    ws = websocket.create_connection(url, timeout=cell_timeout,
                                     header=[f"Authorization: token {hub.tokens[login]}"])
    errors, first = [], None
    try:
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            request = _message("execute_request", {
                "code": cell.source, "silent": False, "store_history": True,
                "user_expressions": {}, "allow_stdin": False, "stop_on_error": False})
            ws.send(json.dumps(request))
            while True:
                reply = json.loads(ws.recv())
                if (reply.get("channel") == "shell"
                        and reply["parent_header"].get("msg_id") == request["header"]["msg_id"]):
                    break
            if reply["content"].get("status") != "ok":
                errors.append(f"{reply['content'].get('ename')}: {cell.source[:40]!r}")
            if first is None:
                first = time.monotonic() - started
    finally:
        ws.close()
    return {"first": first, "lesson": time.monotonic() - started, "errors": errors}


def _short(exc: Exception) -> str:
    """One line of an error: the heading of the hub's error page, not the whole page."""
    text = str(exc)
    heading = re.search(r"<h1>\s*(.*?)\s*</h1>", text, re.S)
    return f"{type(exc).__name__}: {heading.group(1) if heading else text.strip()[:200]}"


def trainee(hub, login: str) -> dict:
    import pwd

    started = time.monotonic()
    try:
        hub.start_server(login)
        server = time.monotonic() - started
        result = run_lesson(hub, login, started)
        result.update(login=login, server=server, rss=rss_mb(pwd.getpwnam(login).pw_uid),
                      ok=not result["errors"])
    except Exception as exc:  # one trainee's failure is a figure, not the end of the run
        result = {"login": login, "ok": False, "errors": [_short(exc)]}
    return result


def _seconds(values: list[float]) -> str:
    return (f"медиана {number(statistics.median(values), 1)} с, "
            f"максимум {number(max(values), 1)} с")


def report(results: list[dict], users: int, batch: int, hub_mb: float, drop_mb: float,
           wall: float) -> None:
    good = [r for r in results if r["ok"]]
    timed = [r for r in results if r.get("first") is not None]
    who = plural(users, "слушатель", "слушателя", "слушателей")
    cores = plural(os.cpu_count() or 1, "ядро", "ядра", "ядер")
    print(f"\nНагрузка на JupyterHub семинара: {who}, по {batch} одновременно, {cores}, "
          f"урок {LESSON}.")
    if timed:
        print(f"  Запуск сервера слушателя: {_seconds([r['server'] for r in timed])}.")
        print(f"  До результата первой ячейки (от входа): {_seconds([r['first'] for r in timed])}.")
        print(f"  Весь урок (от входа до последней ячейки): "
              f"{_seconds([r['lesson'] for r in timed])}.")
    measured = [r["rss"] for r in results if r.get("rss")]
    if measured:
        print(f"  Память на слушателя (сервер + ядро, RSS): медиана "
              f"{number(statistics.median(measured))} МБ, максимум {number(max(measured))} МБ.")
        print(f"  Память всего: слушатели {number(sum(measured) / 1024, 1)} ГБ, хаб, прокси "
              f"и infowork hub {number(hub_mb)} МБ; свободной памяти машины стало меньше на "
              f"{number(drop_mb / 1024, 1)} ГБ (в сумме RSS общие библиотеки посчитаны у каждого "
              f"процесса).")
    print(f"  Успешно: {len(good)} из {users}. Общее время замера: {number(wall, 1)} с.")
    for r in results:
        if not r["ok"]:
            print(f"  {r['login']}: {'; '.join(r['errors'][:3])}")


def main(argv: list[str] | None = None) -> int:
    parser = russian_parser(prog="hub_benchmark.py",
                            description="Нагрузочный замер JupyterHub семинара (нужен root).")
    parser.add_argument("--users", type=int, default=30, help="сколько слушателей (30)")
    parser.add_argument("--batch", type=int, default=10,
                        help="сколько слушателей входят одновременно (10)")
    parser.add_argument("--log", metavar="ФАЙЛ",
                        help="сохранить журнал JupyterHub в этот файл (для разбора ошибок)")
    args = parser.parse_args(argv)
    if args.users < 1 or args.batch < 1:
        parser.error("--users и --batch — целые числа от 1")
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        print("Замер создаёт пользователей Linux и запускает их серверы: нужны права root "
              "(sudo .venv/bin/python scripts/hub_benchmark.py).", file=sys.stderr)
        return 2
    from infowork.hub import accounts
    from infowork.hub.trial import TrialHubError, trial_hub

    wall = time.monotonic()
    before = available_mb()
    results: list[dict] = []
    try:
        with trial_hub(roster_text(args.users).encode("utf-8"), purpose="hubbench",
                       instructor=f"bench{os.getpid() % 100000}") as hub:
            try:
                logins = [r["login"] for r in accounts.load_accounts(hub.seminar)
                          if r["role"] == "trainee"]
                lock = threading.Lock()
                for first in range(0, len(logins), args.batch):
                    chunk = logins[first:first + args.batch]
                    with ThreadPoolExecutor(len(chunk)) as pool:
                        for result in pool.map(lambda login: trainee(hub, login), chunk):
                            with lock:
                                results.append(result)
                    done = sum(r["ok"] for r in results)
                    print(f"Вошли {len(results)} из {args.users}, урок пройден у {done}.",
                          flush=True)
                hub_mb = sum(pid_rss_mb(pid) for pid in process_tree(hub.process.pid)
                             if os.stat(f"/proc/{pid}").st_uid == 0)
                report(results, args.users, args.batch, hub_mb, before - available_mb(),
                       time.monotonic() - wall)
            finally:
                if args.log:
                    Path(args.log).write_text(hub.log(), encoding="utf-8")
    except TrialHubError as error:
        print(error, file=sys.stderr)
        return 2
    return 0 if results and all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
