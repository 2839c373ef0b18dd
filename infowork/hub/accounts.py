"""Accounts of a seminar: passwords, Linux users, each trainee's copy of the lessons, and the
password sheet the instructor prints.

Accounts are kept in the seminar's ``hub/accounts.json`` (root only): a restart with the same
(or a longer) roster gives everybody the same login and password, so a printed sheet stays
valid for the whole seminar.
"""
from __future__ import annotations

import csv
import html
import json
import os
import pwd
import secrets
import shutil
import subprocess
from pathlib import Path

from infowork import ROOT
from infowork.hub.auth import password_hash
from infowork.hub.config import Seminar
from infowork.hub.roster import Trainee, assign_logins

__all__ = ["new_password", "load_accounts", "make_accounts", "create_users", "remove_users",
           "archive_homes", "write_sheet", "is_root"]

# No letters that look alike on paper (l, 1, I, O, 0): the sheet is printed and typed by hand.
_CONSONANTS = "bcdfghjkmnprstvz"
_VOWELS = "aeiuy"


def new_password() -> str:
    """A random password easy to type from paper: ``kadu-tepo-47`` (about 2^36 variants).

    >>> import re; bool(re.fullmatch(r"[a-z]{4}-[a-z]{4}-[2-9]{2}", new_password()))
    True
    """
    def word():
        return "".join(secrets.choice(_CONSONANTS) + secrets.choice(_VOWELS) for _ in range(2))
    return f"{word()}-{word()}-{secrets.choice('23456789')}{secrets.choice('23456789')}"


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def load_accounts(seminar: Seminar) -> list[dict]:
    if not seminar.accounts_file.exists():
        return []
    return json.loads(seminar.accounts_file.read_text(encoding="utf-8"))["accounts"]


def _record(login: str, role: str, trainee: Trainee | None, password: str) -> dict:
    salt = secrets.token_hex(16)
    return {"login": login, "role": role,
            "surname": trainee.surname if trainee else "Преподаватель",
            "name": trainee.name if trainee else "",
            "patronymic": trainee.patronymic if trainee else "",
            "organisation": trainee.organisation if trainee else "",
            "password": password, "salt": salt, "hash": password_hash(password, salt)}


def _system_users() -> set[str]:
    return {entry.pw_name for entry in pwd.getpwall()}


def make_accounts(seminar: Seminar, trainees: list[Trainee]) -> list[dict]:
    """The seminar's accounts: the saved ones kept as they are (login, password), new trainees
    of the roster added, the instructor's account first. Written to ``hub/accounts.json``."""
    saved = load_accounts(seminar)
    known = {" ".join(p for p in (r["surname"], r["name"], r["patronymic"]) if p): r["login"]
             for r in saved if r["role"] == "trainee"}
    ours = {r["login"] for r in saved}
    # A login that is already a Linux user of somebody else is never given to a trainee.
    taken = (_system_users() - ours) | {seminar.instructor}
    assign_logins(trainees, known, taken)
    by_login = {r["login"]: r for r in saved}
    records = [by_login.get(seminar.instructor)
               or _record(seminar.instructor, "instructor", None, new_password())]
    for trainee in trainees:
        record = by_login.get(trainee.login)
        if record is None:
            record = _record(trainee.login, "trainee", trainee, new_password())
        else:
            record["organisation"] = trainee.organisation or record["organisation"]
        records.append(record)
    # Trainees of an earlier roster who are not on this one keep their accounts (their work).
    listed = {r["login"] for r in records}
    records += [r for r in saved if r["login"] not in listed]
    seminar.hub.mkdir(parents=True, exist_ok=True)
    os.chmod(seminar.hub, 0o700)
    text = json.dumps({"group": seminar.group, "accounts": records}, ensure_ascii=False, indent=1)
    tmp = seminar.accounts_file.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(seminar.accounts_file)
    return records


def _copy_lessons(home: Path, uid: int, gid: int) -> None:
    """The course's lessons into ``~/courses`` (without the instructor notes, README.md): the
    trainee's own copy, kept between runs."""
    target = home / "courses"
    if target.exists():
        return
    shutil.copytree(ROOT / "courses", target,
                    ignore=shutil.ignore_patterns("README.md", ".ipynb_checkpoints", "out"))
    for path in [target, *target.rglob("*")]:
        os.chown(path, uid, gid)


def create_users(seminar: Seminar, records: list[dict], say=print) -> list[str]:
    """Linux users for the accounts that have none yet (a home folder of mode 0700, no password,
    no login shell); each trainee's home gets the lessons. Returns the logins created."""
    created = []
    existing = _system_users()
    for record in records:
        login = record["login"]
        if login not in existing:
            subprocess.run(["useradd", "--create-home", "--shell", "/usr/sbin/nologin",
                            "--comment", f"infowork {seminar.group}", login],
                           check=True, capture_output=True)
            created.append(login)
        entry = pwd.getpwnam(login)
        home = Path(entry.pw_dir)
        home.mkdir(parents=True, exist_ok=True)
        os.chown(home, entry.pw_uid, entry.pw_gid)
        os.chmod(home, 0o700)
        if record["role"] == "trainee":
            _copy_lessons(home, entry.pw_uid, entry.pw_gid)
    if created:
        say(f"Созданы пользователи Linux: {', '.join(created)}")
    return created


def remove_users(records: list[dict]) -> None:
    """Remove the accounts' Linux users and their home folders (the end of a seminar, tests)."""
    existing = _system_users()
    for record in records:
        if record["login"] in existing:
            subprocess.run(["userdel", "--remove", record["login"]], capture_output=True)


def archive_homes(seminar: Seminar, records: list[dict]) -> list[Path]:
    """Each account's home folder (their notebooks, submitted or not) packed into the seminar's
    ``homes/LOGIN.tar.gz`` (root only), before the Linux users go. Returns the archives."""
    import tarfile

    folder = seminar.root / "homes"
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    existing = _system_users()
    archives = []
    for record in records:
        if record["login"] not in existing:
            continue
        home = Path(pwd.getpwnam(record["login"]).pw_dir)
        if not home.is_dir():
            continue
        target = folder / f"{record['login']}.tar.gz"
        with tarfile.open(target.with_suffix(".tmp"), "w:gz") as archive:
            archive.add(home, arcname=record["login"])
        os.chmod(target.with_suffix(".tmp"), 0o600)
        target.with_suffix(".tmp").replace(target)
        archives.append(target)
    return archives


_SHEET_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 1cm; }
h1 { font-size: 16pt; }
.cards { display: grid; grid-template-columns: repeat(2, 1fr); gap: 0.5cm; }
.card { border: 1px dashed #555; padding: 0.4cm 0.5cm; break-inside: avoid; font-size: 12pt; }
.card .who { font-weight: bold; font-size: 13pt; }
.card .org { color: #444; font-size: 10pt; margin-bottom: 0.2cm; }
.card code { font-size: 14pt; font-family: "DejaVu Sans Mono", monospace; }
.note { font-size: 9pt; color: #444; margin-top: 0.2cm; }
@media print { h1, p.hint { display: none; } }
"""


def write_sheet(seminar: Seminar, records: list[dict], url: str) -> tuple[Path, Path]:
    """``sheet/passwords.html`` (one card per person, to print and cut) and ``passwords.csv``
    (UTF-8 with BOM, «;»: opens in Excel), in a folder only root reads."""
    seminar.sheet.mkdir(parents=True, exist_ok=True)
    os.chmod(seminar.sheet, 0o700)
    cards = []
    for r in records:
        who = " ".join(p for p in (r["surname"], r["name"], r["patronymic"]) if p)
        org = r["organisation"] or ("учётная запись преподавателя: Formgrader"
                                    if r["role"] == "instructor" else "")
        cards.append(
            f'<div class="card"><div class="who">{html.escape(who)}</div>'
            f'<div class="org">{html.escape(org)}</div>'
            f'Адрес: <code>{html.escape(url)}</code><br>'
            f'Логин: <code>{html.escape(r["login"])}</code><br>'
            f'Пароль: <code>{html.escape(r["password"])}</code>'
            f'<div class="note">Откройте адрес в браузере, введите логин и пароль. Задания — '
            f'в меню Nbgrader → Assignment List.</div></div>')
    page = (f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
            f'<title>Пароли семинара {html.escape(seminar.group)}</title>'
            f'<style>{_SHEET_CSS}</style></head><body>'
            f'<h1>Семинар {html.escape(seminar.group)}: логины и пароли</h1>'
            f'<p class="hint">Распечатайте и разрежьте по пунктиру: каждому слушателю — его '
            f'карточка. Лист не оставляйте на виду.</p>'
            f'<div class="cards">{"".join(cards)}</div></body></html>')
    html_path = seminar.sheet / "passwords.html"
    html_path.write_text(page, encoding="utf-8")
    csv_path = seminar.sheet / "passwords.csv"
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Фамилия", "Имя", "Отчество", "Организация", "Логин", "Пароль", "Адрес"])
        for r in records:
            writer.writerow([r["surname"], r["name"], r["patronymic"], r["organisation"],
                             r["login"], r["password"], url])
    for path in (html_path, csv_path):
        os.chmod(path, 0o600)
    return html_path, csv_path
