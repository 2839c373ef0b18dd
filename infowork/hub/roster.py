"""A seminar's roster: Russian names from a CSV -> trainees with ASCII Linux logins.

Logins are transliterated by the kit's one scheme, the one ``infowork grade`` uses for the
names of submitted files (:func:`infowork.grading.submissions.student_id`): «Щукина Ёлка» ->
``shchukina_e``, so a name is spelt in Latin letters the same way everywhere in the kit. A login is the
surname and the initial of the first name; a namesake gets a number (``ivanov_p2``), in
the order of the roster. Logins once given are kept: ``known`` (the seminar's saved accounts,
name -> login) wins over a fresh transliteration, so a restart or a roster with a new trainee
in the middle never renames anybody.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from infowork.grading.submissions import student_id

__all__ = ["Trainee", "RosterError", "read_roster", "assign_logins",
           "MAX_LOGIN"]

#: Linux allows 32 characters in a user name; a short login is easier to type on a phone.
MAX_LOGIN = 24

#: Column names a roster may use for each field (compared in lower case, «ё» as «е»).
_COLUMNS = {
    "surname": ("фамилия", "surname", "last name", "last_name"),
    "name": ("имя", "name", "first name", "first_name"),
    "patronymic": ("отчество", "patronymic", "middle name"),
    "organisation": ("организация", "организация (профсоюз)", "профсоюз", "organisation",
                     "organization"),
    "full": ("фио", "ф.и.о.", "слушатель", "full name"),
}


class RosterError(ValueError):
    """A roster that cannot be read; the message is Russian and names the file."""


@dataclass
class Trainee:
    surname: str
    name: str
    organisation: str = ""
    patronymic: str = ""
    login: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.surname, self.name, self.patronymic) if part)


def _base_login(trainee: Trainee) -> str:
    surname = student_id(trainee.surname) or "user"
    initial = re.sub(r"[^a-z]", "", student_id(trainee.name))[:1]
    if not surname[0].isalpha():
        surname = "u" + surname
    login = surname[:MAX_LOGIN - 4].rstrip("_")
    return f"{login}_{initial}" if initial else login


def assign_logins(trainees: list[Trainee], known: dict[str, str] | None = None,
                  taken: set[str] = frozenset()) -> list[Trainee]:
    """Give each trainee a unique login: the one in ``known`` (full name -> login) if any, else
    the transliteration, with 2, 3… for namesakes and logins in ``taken`` (the instructor's).

    >>> people = [Trainee("Иванов", "Пётр"), Trainee("Иванов", "Павел"), Trainee("Ёлкина", "Анна")]
    >>> [t.login for t in assign_logins(people)]
    ['ivanov_p', 'ivanov_p2', 'elkina_a']
    >>> [t.login for t in assign_logins([Trainee("Иванов", "Павел")], {"Иванов Павел": "ivanov_p2"})]
    ['ivanov_p2']
    """
    known = dict(known or {})
    used = set(taken) | set(known.values())
    for trainee in trainees:
        if trainee.full_name in known:
            trainee.login = known[trainee.full_name]
            continue
        base = _base_login(trainee)
        login, number = base, 1
        while login in used:
            number += 1
            login = f"{base}{number}"
        trainee.login = login
        used.add(login)
        known[trainee.full_name] = login
    return trainees


def _column(frame, field: str):
    wanted = {name.replace("ё", "е") for name in _COLUMNS[field]}
    for column in frame.columns:
        if str(column).strip().lower().replace("ё", "е") in wanted:
            return column
    return None


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def read_roster(path: Path | str) -> list[Trainee]:
    """Trainees of a roster CSV or Excel file (cp1251 or UTF-8, «;» or «,»): columns «Фамилия»,
    «Имя», optional «Отчество» and «Организация», or one column «ФИО». Blank rows are skipped;
    a row without a surname is refused with its number."""
    from infowork.data import DataError, read_table

    path = Path(path)
    try:
        frame = read_table(path, convert=False)
    except DataError as exc:
        raise RosterError(str(exc)) from exc
    except OSError as exc:
        raise RosterError(f"Не удалось прочитать список слушателей {path}: {exc.strerror}.") from exc
    columns = {field: _column(frame, field) for field in _COLUMNS}
    if columns["surname"] is None and columns["full"] is None:
        raise RosterError(f"В списке слушателей {path} нет столбца «Фамилия» (или «ФИО»); "
                          f"есть: {', '.join(map(str, frame.columns))}.")
    trainees = []
    for number, row in enumerate(frame.to_dict("records"), start=2):
        values = {field: _text(row[col]) if col is not None else "" for field, col in columns.items()}
        if not any(values.values()):
            continue
        surname, name, patronymic = values["surname"], values["name"], values["patronymic"]
        if not surname and values["full"]:
            parts = values["full"].split()
            surname, name, patronymic = (parts + ["", ""])[0], (parts + ["", ""])[1], " ".join(parts[2:])
        if not surname:
            raise RosterError(f"{path}, строка {number}: не указана фамилия слушателя.")
        trainees.append(Trainee(surname, name, values["organisation"], patronymic))
    if not trainees:
        raise RosterError(f"В списке слушателей {path} нет ни одного слушателя.")
    return trainees
