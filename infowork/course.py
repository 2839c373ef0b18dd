"""The course manifest (course.yml): modules, their files and the seminar programmes.

>>> m = load_manifest()
>>> m.modules[0].id
'00_intro'
>>> m.module("00_intro").total_minutes > 0
True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from infowork import ROOT
from infowork.russian import plural

__all__ = ["Module", "Programme", "Manifest", "load_manifest", "schedule", "format_course_map",
           "format_programme", "markdown_course_map", "day_timetable", "MANIFEST_PATH"]

MANIFEST_PATH = ROOT / "course.yml"
STATUSES = ("ready", "planned")


@dataclass(frozen=True)
class Module:
    """One module of the course, as course.yml describes it."""

    id: str
    title: str
    status: str
    objectives: tuple[str, ...]
    lessons: tuple[str, ...]
    assignment: str | None
    datasets: tuple[str, ...]
    teaching_minutes: int
    exercise_minutes: int

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    @property
    def total_minutes(self) -> int:
        return self.teaching_minutes + self.exercise_minutes

    def lesson_paths(self, root: Path = ROOT) -> list[Path]:
        return [root / "courses" / self.id / name for name in self.lessons]

    def solution_path(self, root: Path = ROOT) -> Path | None:
        return root / "solutions" / self.id / self.assignment if self.assignment else None

    def exercise_path(self, root: Path = ROOT) -> Path | None:
        return root / "exercises" / self.id / self.assignment if self.assignment else None


@dataclass(frozen=True)
class Programme:
    """A seminar programme: which modules, over how many days."""

    days: int
    title: str
    minutes_per_day: int
    modules: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    title: str
    modules: tuple[Module, ...]
    programmes: tuple[Programme, ...] = field(default_factory=tuple)

    def module(self, module_id: str) -> Module:
        for m in self.modules:
            if m.id == module_id:
                return m
        known = ", ".join(m.id for m in self.modules)
        raise KeyError(f"В course.yml нет модуля «{module_id}». Есть: {known}.")

    @property
    def ready_modules(self) -> tuple[Module, ...]:
        return tuple(m for m in self.modules if m.ready)


class ManifestError(ValueError):
    """course.yml is malformed; the message says where, in Russian."""


def _module(raw: dict, index: int) -> Module:
    where = f"course.yml, модуль №{index + 1}"
    try:
        minutes = raw["minutes"]
        module = Module(
            id=str(raw["id"]),
            title=str(raw["title"]),
            status=str(raw["status"]),
            objectives=tuple(raw.get("objectives") or ()),
            lessons=tuple(raw.get("lessons") or ()),
            assignment=raw.get("assignment"),
            datasets=tuple(raw.get("datasets") or ()),
            teaching_minutes=int(minutes["teaching"]),
            exercise_minutes=int(minutes["exercises"]),
        )
    except KeyError as exc:
        raise ManifestError(f"{where}: нет обязательного поля {exc}.") from None
    if module.status not in STATUSES:
        raise ManifestError(f"{where} ({module.id}): статус «{module.status}», "
                            f"а допустимы только {', '.join(STATUSES)}.")
    return module


def load_manifest(path: Path | str = MANIFEST_PATH) -> Manifest:
    """Read course.yml into a :class:`Manifest`."""
    path = Path(path)
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    modules = tuple(_module(m, i) for i, m in enumerate(raw.get("modules") or ()))
    programmes = tuple(
        Programme(days=int(p["days"]), title=str(p["title"]),
                  minutes_per_day=int(p["minutes_per_day"]), modules=tuple(p["modules"]))
        for p in raw.get("programmes") or ()
    )
    return Manifest(title=str(raw.get("title", "")), modules=modules, programmes=programmes)


# Seminar day: teaching in sessions of SESSION minutes, a break after each (see BREAKS).
DAY_START = 10 * 60
SESSION = 90
BREAKS = (("кофе-брейк", 15), ("обед", 60), ("кофе-брейк", 15))
NEAR_EMPTY = 1 / 3   # a last day with less than this share of the busiest day is rebalanced
STEP = 15            # day lengths are tried in steps of a quarter of an hour
TAIL = 15            # a session may run this much longer than SESSION to finish a block
MIN_PIECE = 20       # no piece of a lesson or practice shorter than this before a break or a new day

Day = list[tuple[str, str, int]]


def _pack(blocks: list[tuple[str, list[tuple[str, int]]]], budget: int,
          max_days: int) -> list[Day]:
    """Place the modules' blocks in order into days of ``budget`` minutes.

    A module that does not fit the rest of a day but fits a whole day starts the next day, so
    its lesson and its practice stay on one day, as long as the time this leaves unused still
    lets everything fit in ``max_days``; otherwise (and for a module longer than a day) a block
    that does not fit is split and its remainder opens the next day.
    """
    days: list[Day] = [[]]
    free = budget
    slack = max_days * budget - sum(m for _, parts in blocks for _, m in parts)
    for module_id, parts in blocks:
        need = sum(minutes for _, minutes in parts)
        if days[-1] and free < need <= budget and free <= slack:
            days.append([])
            slack -= free
            free = budget
        for kind, minutes in parts:
            while minutes > 0:
                # A sliver at the end of a day goes to the next day, if the days allow it.
                if free == 0 or (free < MIN_PIECE < minutes and free <= slack):
                    slack -= free
                    days.append([])
                    free = budget
                part = min(minutes, free)
                days[-1].append((module_id, kind, part))
                free -= part
                minutes -= part
    return days


def _load(day: Day) -> int:
    return sum(minutes for _, _, minutes in day)


def schedule(manifest: Manifest, programme: Programme) -> list[Day]:
    """Lay a programme's modules out day by day.

    Each module gives two blocks, its lessons and its exercises, placed in order; a module's
    lesson and practice stay on one day where they fit (a module that would not fit the rest of
    a day starts the next one, unless that makes the programme longer than its days). A block
    that does not fit a day is split, and its remainder opens the next day. A near-empty last
    day is avoided by shortening the days. Returns one list per day of
    ``(module_id, kind, minutes)`` where kind is "урок" or "практика". Raises ManifestError when
    the modules need more days than the programme has.

    >>> m = load_manifest()
    >>> days = schedule(m, m.programmes[0])
    >>> sum(minutes for day in days for _, _, minutes in day) == sum(
    ...     m.module(i).total_minutes for i in m.programmes[0].modules)
    True
    """
    blocks = []
    for module_id in programme.modules:
        module = manifest.module(module_id)
        blocks.append((module_id, [(kind, minutes) for kind, minutes in (
            ("урок", module.teaching_minutes), ("практика", module.exercise_minutes))
            if minutes > 0]))
    budget = programme.minutes_per_day
    days = _pack(blocks, budget, programme.days)
    if len(days) > programme.days:
        need = sum(_load(day) for day in days)
        raise ManifestError(
            f"Программа «{programme.title}»: модулям нужно {plural(need, 'минута', 'минуты', 'минут')}, "
            f"а в {plural(programme.days, 'день', 'дня', 'дней')} по "
            f"{plural(budget, 'минута', 'минуты', 'минут')} помещается "
            f"{plural(programme.days * budget, 'минута', 'минуты', 'минут')}.")
    if len(days) > 1 and _load(days[-1]) < NEAR_EMPTY * max(map(_load, days)):
        best = days
        for shorter in range(budget - STEP, 0, -STEP):
            trial = _pack(blocks, shorter, len(days))
            if len(trial) > len(days):
                break
            if min(map(_load, trial)) > min(map(_load, best)):
                best = trial
        days = best
    return days


def day_timetable(day: Day, start: int = DAY_START) -> list[tuple[int, int, str, str | None]]:
    """One day on the clock: ``(start, end, module_id or break title, kind or None)`` rows in
    minutes from midnight, with a break after every SESSION minutes of work (none at the end).
    A session runs up to TAIL minutes longer rather than leave a sliver after its break."""
    rows: list[tuple[int, int, str, str | None]] = []
    clock, since_break, breaks = start, 0, iter(BREAKS)
    for index, (module_id, kind, minutes) in enumerate(day):
        while minutes > 0:
            room = max(SESSION - since_break, 0)
            if since_break and room < MIN_PIECE and minutes - room > TAIL:
                room = 0  # no sliver before the break: the break comes a little earlier
            part = minutes if minutes - room <= TAIL else room
            if part == 0:
                title, length = next(breaks, ("перерыв", 15))
                rows.append((clock, clock + length, title, None))
                clock, since_break = clock + length, 0
                continue
            rows.append((clock, clock + part, module_id, kind))
            clock, since_break, minutes = clock + part, since_break + part, minutes - part
            if since_break >= SESSION and (minutes > 0 or index < len(day) - 1):
                title, length = next(breaks, ("перерыв", 15))
                rows.append((clock, clock + length, title, None))
                clock, since_break = clock + length, 0
    return rows


def format_course_map(manifest: Manifest) -> str:
    """The course map as text: each module with its status, minutes and objectives."""
    lines = [manifest.title, ""]
    for m in manifest.modules:
        mark = "готов" if m.ready else "в плане"
        lines.append(f"{m.id}  {m.title}  [{mark}]  "
                     f"урок {m.teaching_minutes} мин + практика {m.exercise_minutes} мин")
        for objective in m.objectives:
            lines.append(f"    - {objective}")
    return "\n".join(lines)


def _clock(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def format_programme(manifest: Manifest, programme: Programme) -> str:
    """One seminar programme as a day-by-day timetable: start at 10:00, coffee breaks, lunch,
    the end of each day; a module that is not ready yet is marked so."""
    days = schedule(manifest, programme)
    lines = [f"{programme.title} ({plural(programme.days, 'день', 'дня', 'дней')}, "
             f"начало в {_clock(DAY_START)})"]
    for number, day in enumerate(days, start=1):
        rows = day_timetable(day)
        lines.append(f"  День {number}: {_clock(rows[0][0])}–{_clock(rows[-1][1])}")
        for begin, end, what, kind in rows:
            span = f"    {_clock(begin)}–{_clock(end)}  "
            if kind is None:
                lines.append(span + what)
                continue
            module = manifest.module(what)
            mark = "" if module.ready else " — модуль ещё не готов"
            lines.append(f"{span}{module.id} «{module.title}»: {kind}, "
                         f"{plural(end - begin, 'минута', 'минуты', 'минут')}{mark}")
    if len(days) < programme.days:
        lines.append(f"  Модулям программы хватает {plural(len(days), 'дня', 'дней', 'дней')}"
                     f" из {programme.days}: остальное время — на повторение и вопросы.")
    planned = [m for m in map(manifest.module, programme.modules) if not m.ready]
    if planned:
        ids = ", ".join(m.id for m in planned)
        lines.append(f"  Не готовы (в course.yml «planned»): {ids} — уроков и заданий пока нет,"
                     f" время в программе для них только зарезервировано.")
    return "\n".join(lines)


def markdown_course_map(manifest: Manifest) -> str:
    """The course map as a Markdown table, as the README shows it between its markers."""
    lines = ["| Модуль | Тема | Статус | Урок, мин | Практика, мин | Данные |",
             "|---|---|---|---|---|---|"]
    for m in manifest.modules:
        mark = "готов" if m.ready else "в плане"
        datasets = ", ".join(f"`{d}`" for d in m.datasets)
        lines.append(f"| `{m.id}` | {m.title} | {mark} | {m.teaching_minutes} | "
                     f"{m.exercise_minutes} | {datasets} |")
    return "\n".join(lines)
