"""The ``infowork`` command line (all messages in Russian).

    infowork course                 карта курса и программы семинаров
    infowork datasets               список учебных наборов данных
    infowork exercises              пересобрать exercises/ из solutions/
    infowork grade 00_intro ПАПКА   проверить работы слушателей
    infowork report 00_intro        таблица и отзывы заново (после formgrader)
    infowork check 00_intro ФАЙЛ    самопроверка: проверить свой блокнот, как при сдаче
"""
from __future__ import annotations

import argparse
import sys

from infowork.grading.report import CSV_COLUMNS

CSV_HELP = ("куда записать оценки (по умолчанию grading/ЗАДАНИЕ_grades.csv, у группы - "
            "grading/groups/ГРУППА/ЗАДАНИЕ_grades.csv)")
GROUP_HELP = ("группа слушателей (семинар, город, дата; латиницей, например kazan-2026-03): "
              "её работы, журнал оценок, отзывы и CSV хранятся отдельно, в "
              "grading/groups/ГРУППА/; без --group - в grading/")

__all__ = ["main", "build_parser"]


class _RussianHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix if prefix is not None else "Использование: ")


def _russian_parser(**kwargs) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(formatter_class=_RussianHelpFormatter, add_help=False, **kwargs)
    parser.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")
    parser._positionals.title = "аргументы"
    parser._optionals.title = "параметры"
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _russian_parser(
        prog="infowork",
        description="Учебный комплект по информационной работе профсоюзов: "
                    "карта курса, данные, сборка и проверка заданий.",
    )
    sub = parser.add_subparsers(dest="command", title="команды", metavar="КОМАНДА",
                                parser_class=_russian_parser)

    p = sub.add_parser("course", help="карта курса и программы семинаров на 1, 3 и 5 дней",
                       description="Показать карту курса и программы семинаров из course.yml.")
    p.add_argument("--days", type=int, metavar="N",
                   help="показать только программу на N дней")
    p.add_argument("--first-lesson", action="store_true",
                   help="напечатать путь к первому уроку (для make lab)")
    p.add_argument("--markdown", action="store_true",
                   help="напечатать карту курса таблицей Markdown (для README.md)")

    sub.add_parser("datasets", help="список учебных наборов данных с описаниями",
                   description="Показать учебные наборы данных из datasets/.")

    p = sub.add_parser("exercises", help="пересобрать exercises/ из solutions/ (nbgrader)",
                       description="Пересобрать копии заданий для слушателей из эталонов "
                                   "в solutions/ командой nbgrader generate_assignment.")
    p.add_argument("modules", nargs="*", metavar="МОДУЛЬ",
                   help="модули (по умолчанию все готовые)")

    p = sub.add_parser(
        "grade", help="проверить папку с работами слушателей",
        description=(
            "Проверить работы слушателей, пришедшие по почте или на флешке.\n"
            "В папке - по одному файлу на слушателя с именем ФАМИЛИЯ_ЗАДАНИЕ.ipynb,\n"
            "например ivanov_00_intro.ipynb (фамилия латиницей, без пробелов;\n"
            "Иванов_00_intro (1).ipynb тоже поймём: кириллица переводится в латиницу).\n"
            "Файл, который не удалось сопоставить с заданием, попадёт в таблицу с причиной.\n"
            "Каждая работа проверяется отдельно: сломанная работа не мешает остальным.\n"
            "Итог - таблица на экране, CSV с оценками и HTML-отзывы без кода скрытых проверок.\n"
            "CSV: UTF-8 с BOM, разделитель «;», дробные баллы с запятой (для Excel);\n"
            f"столбцы: {', '.join(CSV_COLUMNS)}.\n"
            "Ответы для ручной проверки оцените в nbgrader formgrader, затем\n"
            "выполните infowork report ЗАДАНИЕ."))
    p.add_argument("assignment", metavar="ЗАДАНИЕ", help="модуль, например 00_intro")
    p.add_argument("folder", metavar="ПАПКА", help="папка с присланными блокнотами")
    p.add_argument("--csv", metavar="ФАЙЛ", help=CSV_HELP)
    p.add_argument("--feedback", metavar="ПАПКА",
                   help="куда сложить отзывы для слушателей (HTML)")
    p.add_argument("--jobs", metavar="N", type=int,
                   help="сколько работ проверять одновременно (по умолчанию - по числу ядер)")
    p.add_argument("--group", metavar="ГРУППА", help=GROUP_HELP)

    p = sub.add_parser(
        "report", help="таблица и отзывы заново — после ручной проверки в formgrader",
        description=(
            "После ручной проверки в nbgrader formgrader (make lab, меню Nbgrader → Formgrader):\n"
            "пересобрать HTML-отзывы слушателей с баллами и комментариями преподавателя\n"
            "и снова вывести таблицу и CSV. Код слушателей заново не выполняется;\n"
            "отзывы кладутся туда же, куда их положила infowork grade."))
    p.add_argument("assignment", metavar="ЗАДАНИЕ", help="модуль, например 01_content_planning")
    p.add_argument("--csv", metavar="ФАЙЛ", help=CSV_HELP)
    p.add_argument("--group", metavar="ГРУППА", help=GROUP_HELP)

    p = sub.add_parser(
        "check", help="самопроверка: проверить свой блокнот так же, как при сдаче",
        description=(
            "Самопроверка для тех, кто учится сам: проверить свой блокнот с заданием\n"
            "так же, как его проверит преподаватель (включая скрытые проверки значений).\n"
            "Для каждого шага будет сказано, засчитан ли он, а если нет - почему;\n"
            "код скрытых проверок не показывается. Ваш файл не меняется.\n"
            "Проверяется сохранённый файл: сначала сохраните блокнот (Ctrl+S).\n"
            "Проверка занимает до минуты.\n"
            "Пример: infowork check 00_intro exercises/00_intro/00_intro.ipynb"))
    p.add_argument("assignment", metavar="ЗАДАНИЕ", help="модуль, например 00_intro")
    p.add_argument("file", metavar="ФАЙЛ", nargs="?",
                   help="ваш блокнот .ipynb (по умолчанию exercises/ЗАДАНИЕ/ЗАДАНИЕ.ipynb)")
    return parser


def _cmd_course(args) -> int:
    from infowork import course

    manifest = course.load_manifest()
    if args.first_lesson:
        first = next((m for m in manifest.ready_modules if m.lessons), None)
        if first is None:
            print("В course.yml нет готовых модулей с уроками.", file=sys.stderr)
            return 1
        print(first.lesson_paths()[0].relative_to(course.ROOT))
        return 0
    if args.markdown:
        print(course.markdown_course_map(manifest))
        return 0
    programmes = [p for p in manifest.programmes if args.days in (None, p.days)]
    if args.days is not None and not programmes:
        known = ", ".join(str(p.days) for p in manifest.programmes)
        print(f"Программы на {args.days} дн. нет. Есть программы на: {known}.", file=sys.stderr)
        return 1
    if args.days is None:
        print(course.format_course_map(manifest))
        print()
    for programme in programmes:
        print(course.format_programme(manifest, programme))
        print()
    return 0


def _cmd_datasets(args) -> int:
    from infowork import data

    table = data.catalog()
    for row in table.itertuples(index=False):
        print(f"{row.name:<16} {row.description}")
    return 0


def _cmd_exercises(args) -> int:
    from infowork import exercises

    return exercises.main(args.modules)


def _cmd_grade(args) -> int:
    from infowork import grading

    return grading.main(args.assignment, args.folder, csv_path=args.csv,
                        feedback_dir=args.feedback, jobs=args.jobs, group=args.group)


def _cmd_report(args) -> int:
    from infowork import grading

    return grading.main_report(args.assignment, csv_path=args.csv,
                               group=getattr(args, "group", None))


def _cmd_check(args) -> int:
    from infowork.grading import selfcheck

    return selfcheck.main(args.assignment, args.file)


COMMANDS = {"course": _cmd_course, "datasets": _cmd_datasets,
            "exercises": _cmd_exercises, "grade": _cmd_grade, "report": _cmd_report,
            "check": _cmd_check}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
