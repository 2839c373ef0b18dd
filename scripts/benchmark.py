"""Time the kit: loading every dataset (and the memory it takes), the generator's run, the size
of datasets/, and grading a class with `infowork grade`.

    make bench        (or: .venv/bin/python scripts/benchmark.py [--class-size N])

Prints figures in Russian; the goal is under 2 s to load every dataset. The grading figure tells
an instructor how long a class takes: N copies of the module 00 solution are graded in a
temporary folder (0 skips it), with the kernel sandbox (infowork.grading.sandbox) and without it.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infowork import data  # noqa: E402
from infowork.datagen import generate  # noqa: E402

LOAD_GOAL_SECONDS = 2.0


def _max_rss_mb(who: int) -> float:
    """Peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(who).ru_maxrss / 1024


def _grade_class(class_size: int, assignment: str, sandboxed: bool):
    """Grade ``class_size`` copies of the solution in a fresh temporary course folder:
    (seconds to prepare, seconds in all, the report)."""
    import os

    from infowork import grading
    from infowork.grading import sandbox

    solution = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    previous = os.environ.get(sandbox.SWITCH)
    os.environ[sandbox.SWITCH] = "1" if sandboxed else "0"
    try:
        with tempfile.TemporaryDirectory() as folder:
            inbox, course = Path(folder) / "inbox", Path(folder) / "course"
            inbox.mkdir()
            for k in range(class_size):
                shutil.copyfile(solution, inbox / f"trainee{k + 1:02d}_{assignment}.ipynb")
            start = time.perf_counter()
            grading.prepare_course(course.resolve(), assignment, grading.SOURCE_ROOT,
                                   grading.Limits())
            prepared = time.perf_counter() - start
            report = grading.grade_folder(assignment, inbox, course_root=course)
            seconds = time.perf_counter() - start
    finally:
        if previous is None:
            os.environ.pop(sandbox.SWITCH, None)
        else:
            os.environ[sandbox.SWITCH] = previous
    return prepared, seconds, report


def bench_grading(class_size: int, assignment: str = "00_intro") -> None:
    from infowork import grading
    from infowork.grading import sandbox

    print(f"Проверка группы (infowork grade {assignment}, {class_size} работ):")
    with tempfile.TemporaryDirectory() as folder:
        box = sandbox.detect(folder)
    runs = [("в песочнице", True)] if box.on else []
    if not box.on:
        print(f"  {box.note}")
    runs.append(("без песочницы (INFOWORK_SANDBOX=0)", False))
    totals = {}
    for label, sandboxed in runs:
        prepared, seconds, report = _grade_class(class_size, assignment, sandboxed)
        totals[sandboxed] = seconds
        full = sum(1 for r in report.results if r.graded and r.score == r.max_score)
        print(f"  {label}:")
        print(f"    подготовка задания  {prepared:6.1f} с")
        print(f"    всего               {seconds:6.1f} с, на одну работу "
              f"{(seconds - prepared) / class_size:.1f} с")
        print(f"    полный балл у {full} из {class_size} (эталон)")
    if len(totals) == 2:
        print(f"  песочница / без песочницы: {totals[True] / totals[False]:.2f}")
    print(f"  пик памяти процесса проверки и ядер: {_max_rss_mb(resource.RUSAGE_CHILDREN):.0f} МБ "
          f"(предел на процесс {grading.Limits().memory_mb} МБ)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Замеры комплекта")
    parser.add_argument("--class-size", type=int, default=10,
                        help="сколько работ проверить для замера (0 — не проверять)")
    args = parser.parse_args(argv)

    print("Загрузка наборов данных (первая загрузка, без кэша):")
    total = 0.0
    memory = 0
    for name in data.names():
        data._read_cached.cache_clear()
        start = time.perf_counter()
        frame = data.load(name)
        seconds = time.perf_counter() - start
        total += seconds
        megabytes = frame.memory_usage(deep=True).sum() / 1024 / 1024
        memory += megabytes
        print(f"  {name:<16} {len(frame):>7} строк  {seconds:6.3f} с  {megabytes:6.1f} МБ")
    verdict = "в пределах цели" if total <= LOAD_GOAL_SECONDS else "ДОЛЬШЕ цели"
    print(f"  {'всего':<16} {'':>7}        {total:6.3f} с  {memory:6.1f} МБ "
          f"({verdict}: {LOAD_GOAL_SECONDS:.0f} с)")
    print(f"Пик памяти процесса после загрузки всех наборов: "
          f"{_max_rss_mb(resource.RUSAGE_SELF):.0f} МБ")

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        paths = generate(folder)
        seconds = time.perf_counter() - start
    print(f"Генератор: {len(paths)} файлов за {seconds:.2f} с")

    size = sum(p.stat().st_size for p in data.DATASETS_DIR.rglob("*") if p.is_file())
    print(f"Размер папки datasets/: {size / 1024 / 1024:.1f} МБ (предел 25 МБ)")
    if args.class_size > 0:
        bench_grading(args.class_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
