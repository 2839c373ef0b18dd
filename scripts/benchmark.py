"""Time the kit: loading every dataset (and the memory it takes), the generator's run, the size
of datasets/, and grading a class: stock `nbgrader autograde`, `infowork grade --jobs 1` and
`infowork grade` with every core on the same class.

    make bench        (or: .venv/bin/python scripts/benchmark.py [--class-size N])

Prints figures in Russian; the goal is under 2 s to load every dataset. The grading figure tells
an instructor how long a class takes: N trainees of module 01 (full, partial and blank work in
turn) are graded three ways in temporary folders (0 skips it), with the ratios, whether the
scores are identical and the physical floor (the trainees' own cell time over the cores).
The open report (`infowork open-report`) is timed for one organisation alone and for N
organisations in one call with every core (`--reports N`; 56, every organisation, is `--all`,
as `make bench` runs it; the default 0 skips it), with the PDF's pages and size.
The per-step self-check in the notebook (`check_step`, infowork.grading.stepcheck) is timed
over every step of every assignment (`--stepcheck` times only it): the first check of a module
(it starts the separate process) and the median and maximum of the others; the goal is 2 s.
"""
from __future__ import annotations

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
from infowork.cli import russian_parser  # noqa: E402
from infowork.russian import plural_word  # noqa: E402

LOAD_GOAL_SECONDS = 2.0


def _ru(value: float, spec: str) -> str:
    """A figure formatted by ``spec`` with the decimal comma a Russian reader expects."""
    return format(value, spec).replace(".", ",")


def _max_rss_mb(who: int) -> float:
    """Peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(who).ru_maxrss / 1024


def _class_notebooks(assignment: str, class_size: int) -> list[tuple[str, object]]:
    """A realistic class: full, partial (every other answer left blank) and blank work, in
    turn: (student id, notebook)."""
    import nbformat

    full = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", 4)
    blank = nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", 4)
    blanks = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in blank.cells
              if c.metadata.get("nbgrader", {}).get("solution")}
    partial = nbformat.from_dict(full)
    answers = [c for c in partial.cells if c.metadata.get("nbgrader", {}).get("solution")]
    for cell in answers[1::2]:
        cell.source = blanks.get(cell.metadata["nbgrader"]["grade_id"], cell.source)
    kinds = [("full", full), ("partial", partial), ("blank", blank)]
    return [(f"trainee{k + 1:02d}{kinds[k % 3][0]}", kinds[k % 3][1])
            for k in range(class_size)]


def _cell_seconds(course: Path, assignment: str) -> float:
    """The trainees' own cell time: each executed cell's start to idle, over the class."""
    import datetime

    import nbformat

    total = 0.0
    for path in course.glob(f"autograded/*/{assignment}/*.ipynb"):
        for cell in nbformat.read(path, 4).cells:
            times = cell.get("metadata", {}).get("execution") or {}
            if "iopub.execute_input" in times and "iopub.status.idle" in times:
                begin, end = (datetime.datetime.fromisoformat(times[k].replace("Z", "+00:00"))
                              for k in ("iopub.execute_input", "iopub.status.idle"))
                total += (end - begin).total_seconds()
    return total


def bench_grading(class_size: int, assignment: str = "01_content_planning") -> None:
    """Grade one class three ways: stock ``nbgrader autograde`` over the whole class,
    ``infowork grade --jobs 1`` and ``infowork grade`` with every core."""
    import os
    import subprocess

    import nbformat

    from infowork import grading
    from infowork.exercises import nbgrader_command, nbgrader_env
    from infowork.grading import gradebook, zygote

    cores = grading.default_jobs()
    print(f"Проверка группы ({assignment}, {class_size} работ: полные, частичные, пустые; "
          f"ядер: {cores}):")
    scores, seconds = {}, {}
    with tempfile.TemporaryDirectory() as folder:
        inbox = Path(folder) / "inbox"
        inbox.mkdir()
        work = _class_notebooks(assignment, class_size)
        for student, nb in work:
            nbformat.write(nb, inbox / f"{student}_{assignment}.ipynb")

        # Stock nbgrader: the same course folder set-up, every trainee in one autograde run,
        # each kernel started afresh as nbgrader does (no zygote: infowork.grading.zygote).
        stock = (Path(folder) / "stock").resolve()
        grading.prepare_course(stock, assignment, grading.SOURCE_ROOT, grading.Limits())
        for student, nb in work:
            target = stock / "submitted" / student / assignment
            target.mkdir(parents=True)
            nbformat.write(nb, target / f"{assignment}.ipynb")
        start = time.perf_counter()
        subprocess.run([*nbgrader_command(), "autograde", assignment, "--force"], cwd=stock,
                       env=nbgrader_env(stock) | {zygote.SWITCH: "0"}, capture_output=True,
                       text=True, check=False)
        seconds["stock"] = time.perf_counter() - start
        from nbgrader.api import Gradebook
        with Gradebook("sqlite:///" + str(stock / "gradebook.db"), grading.COURSE_ID) as gb:
            scores["stock"] = {s.student_id: s.score for s in
                               gb.find_assignment(assignment).submissions}

        for label, jobs in (("jobs1", 1), ("all", cores)):
            course = (Path(folder) / label).resolve()
            grading.prepare_course(course, assignment, grading.SOURCE_ROOT, grading.Limits())
            # The master-copy check's scratch gradebook is cached per master copy; made here, so
            # that neither timed run pays for it (the stock run does no such check).
            gradebook.check_master(course, assignment, grading.SOURCE_ROOT)
            start = time.perf_counter()
            report = grading.grade_folder(assignment, inbox, course_root=course, jobs=jobs)
            seconds[label] = time.perf_counter() - start
            scores[label] = {r.student: r.score for r in report.results}
            if label == "jobs1":
                cells = _cell_seconds(course, assignment)
    print(f"  nbgrader autograde (весь класс)      {_ru(seconds['stock'], '7.1f')} с")
    print(f"  infowork grade --jobs 1              {_ru(seconds['jobs1'], '7.1f')} с  "
          f"({_ru(seconds['jobs1'] / seconds['stock'], '.2f')} от nbgrader)")
    print(f"  infowork grade (--jobs {cores})            {_ru(seconds['all'], '7.1f')} с  "
          f"({_ru(seconds['all'] / seconds['stock'], '.2f')} от nbgrader, "
          f"{_ru(seconds['all'] / seconds['jobs1'], '.2f')} от --jobs 1)")
    same = scores["jobs1"] == scores["all"]
    print(f"  баллы --jobs 1 и --jobs {cores}: {'совпадают' if same else 'РАЗЛИЧАЮТСЯ'}; "
          f"с nbgrader: {'совпадают' if scores['stock'] == scores['all'] else 'РАЗЛИЧАЮТСЯ'}")
    floor = cells / cores
    print(f"  физический предел: время ячеек слушателей {_ru(cells, '.1f')} с / "
          f"{cores} {plural_word(cores, 'ядро', 'ядра', 'ядер')} = "
          f"{_ru(floor, '.1f')} с; проверка со всеми ядрами медленнее его в "
          f"{_ru(seconds['all'] / floor if floor else float('inf'), '.1f')} раза")
    print(f"  пик памяти процесса проверки и ядер: {_ru(_max_rss_mb(resource.RUSAGE_CHILDREN), '.0f')} МБ "
          f"(предел на процесс {grading.Limits().memory_mb} МБ)")


def main(argv: list[str] | None = None) -> int:
    parser = russian_parser(prog="scripts/benchmark.py", description="Замеры комплекта")
    parser.add_argument("--class-size", type=int, default=20,
                        help="сколько работ проверить для замера (0 — не проверять)")
    parser.add_argument("--reports", type=int, default=0, metavar="N",
                        help="сколько открытых отчётов сделать для замера (56 — все, как --all; "
                             "по умолчанию 0 — не делать; make bench делает все)")
    parser.add_argument("--selfcheck", action="store_true",
                        help="замерить только самопроверку infowork check (первую и повторные)")
    parser.add_argument("--stepcheck", action="store_true",
                        help="замерить только проверку шага в блокноте (check_step)")
    args = parser.parse_args(argv)
    if args.selfcheck:
        return bench_selfcheck()
    if args.stepcheck:
        return bench_stepcheck()

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
        rows = plural_word(len(frame), "строка", "строки", "строк")
        print(f"  {name:<16} {len(frame):>7} {rows:<6} {_ru(seconds, '6.3f')} с  {_ru(megabytes, '6.1f')} МБ")
    verdict = "в пределах цели" if total <= LOAD_GOAL_SECONDS else "ДОЛЬШЕ цели"
    print(f"  {'всего':<16} {'':>7}        {_ru(total, '6.3f')} с  {_ru(memory, '6.1f')} МБ "
          f"({verdict}: {_ru(LOAD_GOAL_SECONDS, '.0f')} с)")
    print(f"Пик памяти процесса после загрузки всех наборов: "
          f"{_ru(_max_rss_mb(resource.RUSAGE_SELF), '.0f')} МБ")

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        paths = generate(folder)
        seconds = time.perf_counter() - start
    print(f"Генератор: {len(paths)} файлов за {_ru(seconds, '.2f')} с")

    size = sum(p.stat().st_size for p in data.DATASETS_DIR.rglob("*") if p.is_file())
    print(f"Размер папки datasets/: {_ru(size / 1024 / 1024, '.1f')} МБ (предел 25 МБ)")
    bench_stepcheck()
    if args.class_size > 0:
        bench_grading(args.class_size)
    if args.reports > 0:
        bench_open_report(args.reports)
    return 0


def bench_open_report(count: int, year: int = 2025) -> None:
    """``infowork open-report`` as an instructor runs it: one organisation alone, then
    ``count`` organisations (every one: ``--all``) in one call with every core."""
    import os
    import subprocess

    from infowork.openreport import build, figures
    from infowork.russian import plural

    codes = figures.org_ids()
    count = min(count, len(codes))
    command = [str(Path(sys.executable).parent / "infowork"), "open-report", "--year", str(year)]
    pdf = build.find_chromium() is not None
    cores = os.cpu_count() or 1
    print(f"Открытые отчёты за {year} год (HTML, JSON{', PDF' if pdf else '; PDF нет: не найден Chromium'}; "
          f"ядер: {cores}):")
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        one = subprocess.run([*command, codes[0], "--out", f"{folder}/one", "--jobs", "1"],
                             capture_output=True, text=True)
        alone = time.perf_counter() - start
        print(f"  одна организация ({codes[0]})        {_ru(alone, '7.1f')} с (код {one.returncode})")
        which = ["--all"] if count == len(codes) else codes[:count]
        start = time.perf_counter()
        many = subprocess.run([*command, *which, "--out", f"{folder}/many"],
                              capture_output=True, text=True)
        total = time.perf_counter() - start
        made = len(list(Path(folder, "many").glob("ORG*.html")))
        print(f"  {plural(count, 'организация', 'организации', 'организаций')} "
              f"({' '.join(which) if count == len(codes) else 'по ' + str(cores) + ' сразу'}): "
              f"{_ru(total, '.1f')} с, на одну — {_ru(total / count, '.1f')} с; "
              f"отчётов: {made} (код {many.returncode})")
        pdfs = sorted(Path(folder, "many").glob("ORG*.pdf"))
        if pdfs:
            from pypdf import PdfReader

            pages = [len(PdfReader(p).pages) for p in pdfs]
            sizes = [p.stat().st_size / 1024 for p in pdfs]
            spread = (lambda low, high, text: text(low) if text(low) == text(high)
                      else f"от {text(low)} до {text(high)}")
            print(f"  PDF: страниц {spread(min(pages), max(pages), str)}, размер "
                  f"{spread(min(sizes), max(sizes), lambda v: _ru(v, '.0f'))} КБ; HTML: "
                  f"{_ru(sum(p.stat().st_size for p in Path(folder, 'many').glob('ORG*.html')) / 1024 / made, '.0f')} КБ в среднем")


def bench_selfcheck(assignment: str = "01_content_planning", repeats: int = 2) -> int:
    """`infowork check` as a learner runs it (the command line, a process of its own): the first
    check with an empty cache folder (the course folder is prepared) and the next ones."""
    import os
    import subprocess

    files = [("решение", ROOT / "solutions" / assignment / f"{assignment}.ipynb"),
             ("заготовка", ROOT / "exercises" / assignment / f"{assignment}.ipynb")]
    print(f"Самопроверка infowork check {assignment} (цель — не больше 10 с):")
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, XDG_CACHE_HOME=cache)
        for run in range(1 + repeats):
            for label, path in files[:1] if run == 0 else files:
                cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                done = subprocess.run([str(Path(sys.executable).parent / "infowork"), "check",
                                       assignment, str(path)], env=env, capture_output=True)
                seconds = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                busy = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
                when = "первая (пустой кэш)" if run == 0 else f"повторная {run}"
                print(f"  {when:<20} {label:<10} {_ru(seconds, '6.2f')} с, процессор {_ru(busy, '5.2f')} с "
                      f"(код {done.returncode})")
    return 0


STEP_GOAL_SECONDS = 2.0


def bench_stepcheck() -> int:
    """``check_step`` as a learner runs it: each module's master copy runs in a namespace (as
    in the notebook), then every step is checked through the separate process, with an empty
    cache folder: the module's first check starts that process (and finds the probes)."""
    import builtins
    import contextlib
    import io
    import os
    import statistics

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import nbformat

    from infowork.course import load_manifest
    from infowork.grading import stepcheck

    print(f"Проверка шага в блокноте, check_step (цель — не больше "
          f"{_ru(STEP_GOAL_SECONDS, '.0f')} с):")
    worst = 0.0
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as work, \
            contextlib.chdir(work):
        saved = os.environ.get("XDG_CACHE_HOME")
        os.environ["XDG_CACHE_HOME"] = cache
        try:
            for module in load_manifest().modules:
                if not module.assignment or not module.solution_path().exists():
                    continue
                stepcheck._WORKER.stop()
                namespace = {"__name__": "__main__", "__builtins__": builtins}
                times, passed = [], 0
                for cell in nbformat.read(module.solution_path(), as_version=4).cells:
                    meta = cell.metadata.get("nbgrader", {}) if cell.cell_type == "code" else {}
                    if cell.cell_type != "code":
                        continue
                    if meta.get("grade") and not meta.get("solution"):
                        start = time.perf_counter()
                        verdict = stepcheck.step_verdict(meta["grade_id"], namespace, module.id)
                        times.append(time.perf_counter() - start)
                        passed += verdict.passed
                    else:
                        with contextlib.redirect_stdout(io.StringIO()):
                            exec(compile(cell.source, "<cell>", "exec"), namespace)  # noqa: S102
                plt.close("all")
                rest = times[1:] or times
                worst = max(worst, *times)
                print(f"  {module.id:<22} шагов: {len(times):>2}, засчитано: {passed:>2}; первая "
                      f"{_ru(times[0], '.2f')} с, остальные: медиана "
                      f"{_ru(statistics.median(rest), '.3f')} с, максимум {_ru(max(rest), '.3f')} с")
        finally:
            stepcheck._WORKER.stop()
            if saved is None:
                os.environ.pop("XDG_CACHE_HOME", None)
            else:
                os.environ["XDG_CACHE_HOME"] = saved
    print(f"  самая долгая проверка шага: {_ru(worst, '.2f')} с "
          f"({'в пределах цели' if worst <= STEP_GOAL_SECONDS else 'ДОЛЬШЕ цели'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
