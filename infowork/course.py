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

__all__ = ["Module", "Programme", "Manifest", "load_manifest", "schedule", "format_course_map",
           "format_programme", "markdown_course_map", "MANIFEST_PATH"]

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


def schedule(manifest: Manifest, programme: Programme) -> list[list[tuple[str, str, int]]]:
    """Lay a programme's modules out day by day.

    Each module gives two blocks, its lessons and its exercises, placed in order. A block that
    does not fit the rest of a day is split, and its remainder opens the next day. Returns one list
    per day of ``(module_id, kind, minutes)`` where kind is "урок" or "практика". Raises
    ManifestError when the modules need more days than the programme has.

    >>> m = load_manifest()
    >>> days = schedule(m, m.programmes[0])
    >>> sum(minutes for day in days for _, _, minutes in day) == sum(
    ...     m.module(i).total_minutes for i in m.programmes[0].modules)
    True
    """
    days: list[list[tuple[str, str, int]]] = [[]]
    free = programme.minutes_per_day
    for module_id in programme.modules:
        module = manifest.module(module_id)
        for kind, minutes in (("урок", module.teaching_minutes),
                              ("практика", module.exercise_minutes)):
            while minutes > 0:
                if free == 0:
                    days.append([])
                    free = programme.minutes_per_day
                part = min(minutes, free)
                days[-1].append((module_id, kind, part))
                free -= part
                minutes -= part
    if len(days) > programme.days:
        need = sum(m for day in days for _, _, m in day)
        raise ManifestError(
            f"Программа «{programme.title}»: модулям нужно {need} мин, "
            f"а в {programme.days} дн. по {programme.minutes_per_day} мин помещается "
            f"{programme.days * programme.minutes_per_day} мин.")
    return days


def _clock(minutes_from_start: int, start_hour: int = 10) -> str:
    total = start_hour * 60 + minutes_from_start
    return f"{total // 60:02d}:{total % 60:02d}"


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


def format_programme(manifest: Manifest, programme: Programme) -> str:
    """One seminar programme as a day-by-day timetable starting at 10:00."""
    lines = [f"{programme.title} ({programme.days} дн., до {programme.minutes_per_day} мин в день)"]
    for number, day in enumerate(schedule(manifest, programme), start=1):
        lines.append(f"  День {number}")
        elapsed = 0
        for module_id, kind, minutes in day:
            title = manifest.module(module_id).title
            lines.append(f"    {_clock(elapsed)}-{_clock(elapsed + minutes)}  "
                         f"{module_id} {title}: {kind} ({minutes} мин)")
            elapsed += minutes
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
