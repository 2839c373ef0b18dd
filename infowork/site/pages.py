"""The Russian pages of the site written from course.yml: home page, module pages, exercises.

Each function returns a MyST Markdown page; the lessons themselves are the notebooks.
"""
from __future__ import annotations

from infowork.course import Manifest, Module, Programme, _clock, day_timetable, schedule
from infowork.russian import plural

__all__ = ["home_page", "module_page", "exercise_page", "module_folder"]


def module_folder(module: Module) -> str:
    return f"modules/{module.id}"


def _minutes(n: int) -> str:
    return plural(n, "минута", "минуты", "минут")


def _programme(manifest: Manifest, programme: Programme) -> list[str]:
    lines = [f"### {programme.title}", "",
             f"{plural(programme.days, 'день', 'дня', 'дней')}, начало в 10:00.", ""]
    for number, day in enumerate(schedule(manifest, programme), start=1):
        rows = day_timetable(day)
        lines.append(f"**День {number}**, {_clock(rows[0][0])}–{_clock(rows[-1][1])}:")
        lines.append("")
        for begin, end, what, kind in rows:
            span = f"{_clock(begin)}–{_clock(end)}"
            if kind is None:
                lines.append(f"- {span} — {what}")
            else:
                module = manifest.module(what)
                lines.append(f"- {span} — [{module.title}]({module_folder(module)}/index.md): "
                             f"{kind}, {_minutes(end - begin)}")
        lines.append("")
    return lines


def home_page(manifest: Manifest, modules: list[Module], widget_note: str) -> str:
    """The home page: what the course is, for whom, how to study alone, modules, programmes."""
    lines = [f"# {manifest.title}", "",
             "Учебный курс для информационных работников профсоюзов: пресс-секретарей, "
             "редакторов профсоюзных газет и сайтов, администраторов групп ВКонтакте, страниц "
             "в Одноклассниках и Telegram-каналов, активистов молодёжных советов.", "",
             "На учебных данных профсоюза вы научитесь планировать контент, изучать аудиторию, "
             "делать инфографику и оценивать результаты информационной работы. Программировать "
             "уметь не нужно: каждый урок объясняет по одной идее и сразу даёт попробовать самому.",
             "", "Все данные курса вымышленные: организации, люди и цифры придуманы, совпадения "
             "случайны (см. [словарь данных](data.md)).", "",
             "## Как учиться самостоятельно", "",
             "1. Читайте уроки по порядку: на этом сайте они показаны уже выполненными — с "
             "таблицами, диаграммами и виджетами. Чтобы менять код и запускать ячейки самому, "
             "откройте тот же урок в JupyterLab (папка `courses/` комплекта).",
             "2. В конце модуля скачайте его задание (ссылка на странице модуля) и решайте его в "
             "JupyterLab: под каждым шагом есть подсказка и проверка формы ответа, а "
             "`check_step(\"имя_шага\")` в новой ячейке сразу скажет, засчитан ли шаг.",
             "3. Проверьте всё задание командой `infowork check` — она скажет про каждый шаг "
             "«засчитано» или «не засчитано» и почему, как при проверке у преподавателя.",
             "4. Сверьтесь с эталонным решением в папке `solutions/` комплекта — лучше после того, "
             "как решили сами.", "",
             "Как поставить комплект: на Windows — Anaconda или Miniconda "
             "(`conda env create -f environment.yml`), в Linux и macOS — команда `make lab`; на "
             "семинаре — JupyterHub, который даёт преподаватель. Подробно — в README.md комплекта.",
             ""]
    if widget_note:
        lines += ["```{note}", widget_note, "```", ""]
    lines += ["## Модули", "",
              "| Модуль | Уроков | Урок | Практика |", "|---|---|---|---|"]
    for m in modules:
        lines.append(f"| [{m.title}]({module_folder(m)}/index.md) | {len(m.lessons)} | "
                     f"{_minutes(m.teaching_minutes)} | {_minutes(m.exercise_minutes)} |")
    lines += ["", "## Программы семинаров", "",
              "Те же модули преподаватель проводит очно; расписание собрано из минут модулей.", ""]
    shown = {m.id for m in modules}
    for programme in manifest.programmes:
        if set(programme.modules) <= shown:
            lines += _programme(manifest, programme)
    lines += ["```{toctree}", ":hidden:", ":maxdepth: 2", ""]
    lines += [f"{module_folder(m)}/index" for m in modules]
    lines += ["data", "```", ""]
    return "\n".join(lines)


def module_page(module: Module, lessons: list[str]) -> str:
    """A module: objectives, minutes, data, its lessons and its exercise."""
    lines = [f"# {module.title}", "",
             f"Модуль `{module.id}`: уроки — {_minutes(module.teaching_minutes)}, практика — "
             f"{_minutes(module.exercise_minutes)}.", "", "## Чему вы научитесь", ""]
    lines += [f"- {objective}" for objective in module.objectives]
    if module.datasets:
        names = ", ".join(f"[`{d}`](../../data.md#{d})" for d in module.datasets)
        lines += ["", f"Данные модуля: {names}."]
    lines += ["", "## Уроки", "", "```{toctree}", ":maxdepth: 1", ""]
    lines += [name.removesuffix(".ipynb") for name in lessons]
    if module.assignment:
        lines.append("exercise")
    lines += ["```", ""]
    return "\n".join(lines)


def exercise_page(module: Module) -> str:
    """How to download a module's exercise, work on it and check it."""
    name = module.assignment
    return "\n".join([
        f"# Задание модуля «{module.title}»", "",
        f"{{download}}`Скачать задание {name} <../../files/{module.id}/{name}>`", "",
        f"На задание отведено {_minutes(module.exercise_minutes)}. Оно проверяется "
        "автоматически; письменные ответы оценивает преподаватель по схеме, которая есть в "
        "самом задании.", "",
        "## Как работать над заданием", "",
        "Задание — блокнот Jupyter. Он берёт данные и проверки из комплекта курса, поэтому "
        "работает только внутри комплекта (на этом сайте его нельзя выполнить).", "",
        "1. Поставьте комплект: на Windows — Anaconda или Miniconda "
        "(`conda env create -f environment.yml`, затем `conda activate infowork-kit` и "
        "`jupyter lab`), в Linux и macOS — `make lab`. На семинаре войдите в JupyterHub "
        "преподавателя: там всё уже установлено.",
        f"2. Сделайте себе копию задания: в терминале JupyterLab выполните "
        f"`infowork copy {module.id}` — копия появится в папке `mywork/`. Скачанный здесь файл "
        f"тот же, что `exercises/{module.id}/{name}` в комплекте: его можно положить в `mywork/`.",
        "3. Решайте шаг за шагом. Под каждым шагом есть подсказка («Подсказка» — нажмите, чтобы "
        "раскрыть) и ячейка проверки: она сразу говорит, что не так с формой ответа.", "",
        "## Как проверить себя", "",
        "Сохраните блокнот (Ctrl+S) и выполните в терминале JupyterLab", "",
        "```bash", f"infowork check {module.id}", "```", "",
        "Для каждого шага будет сказано «засчитано» или «не засчитано» и почему, затем итог "
        "в баллах — так же, как при проверке у преподавателя. Код скрытых проверок не "
        "показывается, ваш файл не меняется. В семинаре с оценками работу проверяет "
        "преподаватель.", ""])
