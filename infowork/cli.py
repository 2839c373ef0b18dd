"""The ``infowork`` command line (all messages in Russian).

    infowork course                 карта курса и программы семинаров
    infowork datasets               список учебных наборов данных
    infowork exercises              пересобрать exercises/ из solutions/
    infowork grade 00_intro ПАПКА   проверить работы слушателей
    infowork report 00_intro        таблица и отзывы заново (после formgrader)
    infowork copy 00_intro          своя копия задания в mywork/ (для самостоятельной работы)
    infowork check 00_intro [ФАЙЛ]  самопроверка: проверить свой блокнот, как при сдаче
    infowork open-report ORG01      открытый отчёт организации: HTML, PDF и JSON
    infowork hub СПИСОК.csv --group Г  JupyterHub семинара с выдачей и сбором заданий
"""
from __future__ import annotations

import argparse
import re
import sys

from infowork.grading.report import CSV_COLUMNS

CSV_HELP = ("куда записать оценки (по умолчанию grading/ЗАДАНИЕ_grades.csv, у группы - "
            "grading/groups/ГРУППА/ЗАДАНИЕ_grades.csv)")
GROUP_HELP = ("группа слушателей (семинар, город, дата; латиницей, например kazan-2026-03): "
              "её работы, журнал оценок, отзывы и CSV хранятся отдельно, в "
              "grading/groups/ГРУППА/; без --group - в grading/")

__all__ = ["main", "build_parser", "russian_argparse_message", "MYWORK"]

# Self-study learners work on their own copy here, not on exercises/ (which `make exercises`
# regenerates); `infowork check ЗАДАНИЕ` checks this copy when it exists.
MYWORK = "mywork"


class _RussianHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix if prefix is not None else "Использование: ")


# argparse's own messages (Python 3.11-3.13) and their Russian; the first pattern that matches wins.
_ARGPARSE_MESSAGES = [
    (r"the following arguments are required: (.*)", r"не хватает обязательных аргументов: \1"),
    (r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.*)\)",
     r"аргумент \1: нет варианта «\2» (есть: \3)"),
    (r"invalid choice: '?(.*?)'? \(choose from (.*)\)", r"нет варианта «\1» (есть: \2)"),
    (r"unrecognized arguments: (.*)", r"непонятные аргументы: \1"),
    (r"argument (\S+): invalid (\w+) value: '?(.*?)'?$",
     r"аргумент \1: «\3» — не \2"),
    (r"argument (\S+): expected one argument", r"после \1 нужно указать значение"),
    (r"argument (\S+): expected at least one argument", r"после \1 нужно указать значение"),
    (r"argument (\S+): ignored explicit argument '?(.*?)'?$",
     r"аргумент \1 не принимает значения (указано «\2»)"),
    (r"ambiguous option: (\S+) could match (.*)", r"неоднозначный параметр \1: подходят \2"),
    (r"argument (\S+): (.*)", r"аргумент \1: \2"),
]
_TYPE_NAMES = {"int": "целое число", "float": "число"}


def russian_argparse_message(message: str) -> str:
    """argparse's English error message in Russian (unknown messages are returned as they are).

    >>> russian_argparse_message("the following arguments are required: ЗАДАНИЕ, ПАПКА")
    'не хватает обязательных аргументов: ЗАДАНИЕ, ПАПКА'
    >>> russian_argparse_message("argument --days: invalid int value: 'три'")
    'аргумент --days: «три» — не целое число'
    """
    for pattern, russian in _ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message, flags=re.S)
        if match:
            text = match.expand(russian)
            for english, name in _TYPE_NAMES.items():
                text = text.replace(f"— не {english}", f"— не {name}")
            return text.replace("'", "")
    return message


class _RussianParser(argparse.ArgumentParser):
    """An ArgumentParser whose help, usage and errors are in Russian."""

    def __init__(self, **kwargs):
        kwargs.setdefault("formatter_class", _RussianHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(**kwargs)
        self.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")
        self._positionals.title = "аргументы"
        self._optionals.title = "параметры"

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: ошибка: {russian_argparse_message(message)}\n"
                     f"Справка: {self.prog} --help\n")


def russian_parser(**kwargs) -> argparse.ArgumentParser:
    """An ArgumentParser whose help headings and errors are Russian (also for scripts/)."""
    return _RussianParser(**kwargs)


_russian_parser = russian_parser


def build_parser() -> argparse.ArgumentParser:
    parser = _russian_parser(
        prog="infowork",
        description="Учебный комплект по информационной работе профсоюзов: "
                    "карта курса, данные, сборка и проверка заданий.",
    )
    sub = parser.add_subparsers(dest="command", title="команды", metavar="КОМАНДА",
                                parser_class=_RussianParser)

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
            "В папке — по одному файлу на слушателя с именем ФАМИЛИЯ_ЗАДАНИЕ.ipynb,\n"
            "например ivanov_00_intro.ipynb (фамилия латиницей, без пробелов;\n"
            "Иванов_00_intro (1).ipynb тоже поймём: кириллица переводится в латиницу).\n"
            "Файл, который не удалось сопоставить с заданием, попадёт в таблицу с причиной.\n"
            "Каждая работа проверяется отдельно: сломанная работа не мешает остальным.\n"
            "Итог — таблица на экране, CSV с оценками и HTML-отзывы без кода скрытых проверок.\n"
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
                   help="сколько работ проверять одновременно (по умолчанию — по числу ядер)")
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
        "copy", help="своя копия задания для самостоятельной работы (в папке mywork/)",
        description=(
            "Скопировать задание модуля в папку mywork/ и работать в копии.\n"
            "Файлы в exercises/ пересобираются командой make exercises, и решение в них\n"
            "может пропасть; копию в mywork/ никто не трогает. Если копия уже есть, она\n"
            "не перезаписывается. Проверка копии: infowork check ЗАДАНИЕ.\n"
            "Пример: infowork copy 00_intro"))
    p.add_argument("assignment", metavar="ЗАДАНИЕ", help="модуль, например 00_intro")

    p = sub.add_parser(
        "check", help="самопроверка: проверить свой блокнот так же, как при сдаче",
        description=(
            "Самопроверка для тех, кто учится сам: проверить свой блокнот с заданием\n"
            "так же, как его проверит преподаватель (включая скрытые проверки значений).\n"
            "Для каждого шага будет сказано, засчитан ли он, а если нет — почему;\n"
            "код скрытых проверок не показывается. Ваш файл не меняется.\n"
            "Проверяется сохранённый файл: сначала сохраните блокнот (Ctrl+S).\n"
            "Проверка занимает до минуты.\n"
            "Пример: infowork check 00_intro mywork/00_intro.ipynb"))
    p.add_argument("assignment", metavar="ЗАДАНИЕ", help="модуль, например 00_intro")
    p.add_argument("file", metavar="ФАЙЛ", nargs="?",
                   help="ваш блокнот .ipynb (по умолчанию ваша копия mywork/ЗАДАНИЕ.ipynb, "
                        "а если её нет — exercises/ЗАДАНИЕ/ЗАДАНИЕ.ipynb)")

    p = sub.add_parser(
        "open-report", help="открытый отчёт организации: HTML, PDF и JSON с главными цифрами",
        description=(
            "Открытый отчёт об информационной работе организации за год: страница HTML\n"
            "(без кода, с графиками, готова к печати на A4), PDF и JSON с главными цифрами.\n"
            "Файлы: ПАПКА/ORG_ID.html, .pdf, .json; по умолчанию ПАПКА — out/open_reports/ГОД/.\n"
            "С --all — отчёты всех организаций и сводка федерации summary.json и summary.csv.\n"
            "Для PDF нужен Chromium: sudo apt install chromium (без него будут HTML и JSON).\n"
            "Пример: infowork open-report ORG01 ORG02 --year 2025"))
    p.add_argument("orgs", nargs="*", metavar="ORG_ID",
                   help="коды организаций из набора organizations, например ORG01")
    p.add_argument("--year", type=int, metavar="ГОД",
                   help="год мониторинга (по умолчанию последний год в данных)")
    p.add_argument("--all", action="store_true", dest="all_orgs",
                   help="отчёты всех организаций и сводка федерации")
    p.add_argument("--out", metavar="ПАПКА",
                   help="куда записать отчёты (по умолчанию out/open_reports/ГОД/)")
    p.add_argument("--vk-export", metavar="ФАЙЛ",
                   help="выгрузка статистики сообщества ВКонтакте (CSV или Excel): "
                        "в отчёт добавится раздел о сообществе; файл не меняется")
    p.add_argument("--no-pdf", action="store_true", help="не делать PDF (только HTML и JSON)")
    p.add_argument("--jobs", metavar="N", type=int,
                   help="сколько отчётов делать одновременно (по умолчанию — по числу ядер)")
    p = sub.add_parser(
        "hub", help="JupyterHub семинара: слушатели работают в браузере, задания — через nbgrader",
        description=(
            "JupyterHub для семинара на одном компьютере с Linux (нужны права root).\n"
            "  infowork hub СПИСОК.csv --group ГРУППА   запустить (Ctrl+C — остановить)\n"
            "  infowork hub stop --group ГРУППА          остановить запущенный\n"
            "  infowork hub release 00_intro --group ГРУППА   выдать задание\n"
            "  infowork hub collect 00_intro --group ГРУППА   собрать, проверить, выдать отзывы\n"
            "  infowork hub feedback 00_intro --group ГРУППА  выдать отзывы заново (после\n"
            "      ручной проверки в Formgrader и infowork report ЗАДАНИЕ --group ГРУППА)\n"
            "  infowork hub close --group ГРУППА         семинар окончен: домашние папки —\n"
            "      в архив в папке семинара, пользователи Linux удаляются\n"
            "СПИСОК.csv — список слушателей (cp1251 или UTF-8, разделитель «;» или «,»)\n"
            "со столбцами «Фамилия», «Имя» и, если есть, «Отчество», «Организация».\n"
            "Каждому слушателю создаётся пользователь Linux с логином латиницей\n"
            "(ivanov_p, однофамильцам — ivanov_p2) и пароль; лист с паролями для печати —\n"
            "/srv/infowork/ГРУППА/sheet/passwords.html. Повторный запуск сохраняет логины,\n"
            "пароли, работы и журнал оценок (grading/groups/ГРУППА/)."))
    p.add_argument("target", metavar="СПИСОК.csv|stop|close|release|collect|feedback",
                   help="список слушателей для запуска или действие")
    p.add_argument("assignment", metavar="ЗАДАНИЕ", nargs="?",
                   help="задание для release, collect и feedback, например 00_intro")
    p.add_argument("--group", metavar="ГРУППА", required=True, help=GROUP_HELP)
    p.add_argument("--port", type=int, default=8000, metavar="ПОРТ",
                   help="порт для браузеров слушателей (по умолчанию 8000; заняты ещё два следующих)")
    p.add_argument("--ip", default="0.0.0.0", metavar="АДРЕС",
                   help="на каком адресе принимать подключения (по умолчанию 0.0.0.0 — все сети)")
    p.add_argument("--root", metavar="ПАПКА",
                   help="папка семинара (по умолчанию /srv/infowork/ГРУППА)")
    p.add_argument("--instructor", default="instructor", metavar="ЛОГИН",
                   help="логин преподавателя в JupyterHub (по умолчанию instructor)")
    p.add_argument("--jobs", metavar="N", type=int,
                   help="collect: сколько работ проверять одновременно")
    return parser


def _cmd_open_report(args) -> int:
    from infowork.openreport import batch

    return batch.main(args.orgs, args.year, all_orgs=args.all_orgs, out=args.out,
                      vk_export=args.vk_export, pdf=not args.no_pdf, jobs=args.jobs)


def _cmd_hub(args) -> int:
    from infowork.hub import command

    return command.main(args.target, args.assignment, args.group, root=args.root, ip=args.ip,
                        port=args.port, instructor=args.instructor, jobs=args.jobs)


def _cmd_course(args) -> int:
    from infowork import course
    from infowork.russian import plural

    try:
        return _print_course(args, course, course.load_manifest(), plural)
    except course.ManifestError as exc:
        print(exc, file=sys.stderr)
        return 1


def _print_course(args, course, manifest, plural) -> int:
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
        known = [p.days for p in manifest.programmes]
        listed = ", ".join(map(str, known[:-1])) + (" и " if len(known) > 1 else "")
        print(f"Программы на {plural(args.days, 'день', 'дня', 'дней')} нет. Есть программы на "
              f"{listed}{plural(known[-1], 'день', 'дня', 'дней')}.", file=sys.stderr)
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


def _learner_copy(assignment: str):
    from infowork import ROOT

    return ROOT / MYWORK / f"{assignment}.ipynb"


def _cmd_copy(args) -> int:
    import shutil

    from infowork import ROOT
    from infowork.course import load_manifest

    try:
        module = load_manifest().module(args.assignment)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 2
    source = module.exercise_path()
    if source is None or not source.exists():
        print(f"У модуля {module.id} пока нет задания.", file=sys.stderr)
        return 2
    target = _learner_copy(module.id)
    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    if target.exists():
        print(f"Копия уже есть: {shown} — она не перезаписана. Продолжайте работу в ней.")
    else:
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
        print(f"Ваша копия задания: {shown}. Откройте её в JupyterLab (папка {MYWORK}) и "
              f"решайте в ней: make exercises её не перезапишет.")
    print(f"Проверить себя: infowork check {module.id}")
    return 0


def _cmd_check(args) -> int:
    from infowork.grading import selfcheck

    path = args.file
    if path is None and _learner_copy(args.assignment).exists():
        path = _learner_copy(args.assignment)
    return selfcheck.main(args.assignment, path)


COMMANDS = {"course": _cmd_course, "datasets": _cmd_datasets,
            "exercises": _cmd_exercises, "grade": _cmd_grade, "report": _cmd_report,
            "copy": _cmd_copy, "check": _cmd_check, "open-report": _cmd_open_report,
            "hub": _cmd_hub}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
