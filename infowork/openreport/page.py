"""The open report's sections: Russian prose generated from the figures, and the charts.

The report notebook (``open_report.ipynb``) calls one method per section; each returns
Markdown (a string) or shows a chart, so the notebook's cells stay one line long.

>>> report = Report("ORG01", 2025)
>>> report.header().splitlines()[0]
'# Открытый отчёт об информационной работе: Профсоюз связистов «Парус»'
>>> "1-е место из 56" in report.rating_text()
True
"""
from __future__ import annotations

import datetime as dt

from infowork import data
from infowork.openreport import charts, figures
from infowork.openreport.indicators import DEFAULT_WEIGHTS, INDICATORS, indicators, rating
from infowork.russian import number, plural, plural_word

__all__ = ["Report", "signed", "yes_no"]


def signed(value: float, decimals: int = 0) -> str:
    """A change with its sign: +7, −16, 0."""
    return ("+" if value > 0 else "") + number(value, decimals)


def yes_no(flag: bool) -> str:
    return "да" if flag else "нет"


def _people(n: int) -> str:
    return plural(n, "человек", "человека", "человек")


class Report:
    """The figures of one organisation and year, and the report's sections made from them."""

    def __init__(self, org_id: str, year: int, vk_export=None):
        self.key = figures.key_figures(org_id, year, vk_export=vk_export)
        self.org_id, self.year = org_id, int(year)
        org = data.load("organizations").set_index("org_id").loc[org_id]
        self.region, self.sector = str(org["region"]), str(org["sector"])
        self.district = str(org["federal_district"])
        self.answers = figures.monitoring_answers(org_id, year)

    # ---- sections (Markdown) -----------------------------------------------------------
    def header(self) -> str:
        k = self.key
        today = dt.date.today().strftime("%d.%m.%Y")
        return (f"# Открытый отчёт об информационной работе: {k['name']}\n\n"
                f"**{self.year} год** · {self.region} ({self.district}) · отрасль: {self.sector}\n\n"
                f"Отчёт составлен {today} по данным мониторинга информационной работы "
                f"организаций федерации, учёта членов профсоюза и мониторинга СМИ.")

    def summary(self) -> str:
        k = self.key
        change = k["members_change"]
        if change:
            moved = "больше" if change > 0 else "меньше"
            members = (f"на {_people(abs(change))} {moved}, чем в {self.year - 1} году")
        else:
            members = f"столько же, сколько в {self.year - 1} году"
        rows = [
            ("Члены профсоюза", f"{number(k['members'])} ({members})"),
            ("Публикации в соцсетях за год на 1 000 членов", number(k["posts_per_1000"], 1)),
            ("Новости в пресс-службу федерации на 1 000 членов", number(k["news_per_1000"], 1)),
            ("Упоминания в СМИ на 1 000 членов", number(k["mentions_per_1000"], 1)),
            ("Место в рейтинге федерации", f"{k['rank']}-е из {k['rated']} "
                                           f"({number(k['score'], 1)} из 100 баллов)"),
            ("Упоминания в СМИ за год", self._mentions_summary()),
        ]
        table = "\n".join(f"| {name} | {value} |" for name, value in rows)
        return "## Главное\n\n| Показатель | Значение |\n|:--|:--|\n" + table

    def _mentions_summary(self) -> str:
        k = self.key
        if not k["mentions"]:
            return "нет в мониторинге СМИ"
        return (f"{number(k['mentions'])}, по инициативе пресс-службы — "
                f"{number(k['initiated_share'], 1)}\u00a0%, позитивных — "
                f"{number(k['positive_share'], 1)}\u00a0%")

    def members_text(self) -> str:
        history = figures.members_history(self.org_id, self.year)
        first, last = history.iloc[0], history[history["year"] == self.year].iloc[0]
        change = int(last["members"] - first["members"])
        trend = ("выросла" if change > 0 else "сократилась") if change else "не изменилась"
        text = (f"## Численность\n\nНа конец {self.year} года в организации "
                f"{plural(int(last['members']), 'член', 'члена', 'членов')} профсоюза. "
                f"С {int(first['year'])} года численность {trend}")
        if change:
            text += f": {signed(change)} ({signed(change / first['members'] * 100, 1)}\u00a0%)"
        return text + "."

    def members_chart(self):
        return charts.members_chart(figures.members_history(self.org_id, self.year),
                                    self.key["name"])

    def indicators_text(self) -> str:
        table = figures.indicator_comparison(self.org_id, self.year)
        counted = table[~table["is_flag"]]
        above = [row.label for row in counted.itertuples() if row.value > row.median]
        lines = [f"## Показатели информационной работы\n\nПоказатели посчитаны на 1 000 членов "
                 f"профсоюза, чтобы большие и малые организации можно было сравнить. Медиана — "
                 f"значение посередине: у половины организаций федерации показатель выше, "
                 f"у половины — ниже.\n\n| Показатель | Организация | Медиана федерации |\n"
                 f"|:--|--:|--:|"]
        for row in counted.itertuples():
            lines.append(f"| {row.label} | {number(row.value, 1)} | {number(row.median, 1)} |")
        n_above = len(above)
        lines.append(f"\nВыше медианы — {n_above} "
                     f"{plural_word(n_above, 'показатель', 'показателя', 'показателей')} "
                     f"из {len(counted)}.")
        return "\n".join(lines)

    def indicators_chart(self):
        return charts.indicators_chart(figures.indicator_comparison(self.org_id, self.year),
                                       self.year)

    def rating_text(self) -> str:
        k = self.key
        weights = "\n".join(f"- {INDICATORS[name]} — {number(w * 100)}\u00a0%"
                            for name, w in DEFAULT_WEIGHTS.items())
        table = indicators(data.load("monitoring"), data.load("membership"))
        table = table[table["year"] == self.year]
        equal = rating(table, {name: 1 for name in INDICATORS})
        equal_rank = int(equal.loc[equal["org_id"] == self.org_id, "rank"].iloc[0])
        places = []
        for name in INDICATORS:
            one = rating(table, {name: 1})
            places.append(int(one.loc[one["org_id"] == self.org_id, "rank"].iloc[0]))
        return (f"## Место в рейтинге федерации\n\nВ рейтинге {self.year} года организация "
                f"занимает **{k['rank']}-е место из {k['rated']}** "
                f"({number(k['score'], 1)} из 100 баллов). Каждый показатель переведён в "
                f"шкалу от 0 (худшее значение года) до 1 (лучшее), баллы — взвешенная сумма "
                f"с весами федерации:\n\n{weights}\n\n"
                f"**Место зависит от весов.** С равными весами всех шести показателей "
                f"организация была бы на {equal_rank}-м месте, а по каждому показателю "
                f"отдельно её места — от {min(places)}-го до {max(places)}-го. Сравнивайте "
                f"места только при одних и тех же весах.")

    def mentions_text(self) -> str:
        k = self.key
        if not k["mentions"]:
            return (f"## Организация в СМИ\n\nВ {self.year} году в мониторинге СМИ нет "
                    f"упоминаний организации.")
        table = figures.mentions_table(self.org_id, self.year)
        levels = table.sum(axis=1)
        parts = ", ".join(f"{level} — {number(int(levels[level]))}" for level in levels.index)
        return (f"## Организация в СМИ\n\nВ {self.year} году СМИ упомянули организацию "
                f"{plural(k['mentions'], 'раз', 'раза', 'раз')}. Издания по уровню: {parts}. "
                f"Позитивных упоминаний — {number(k['positive_share'], 1)}\u00a0%, "
                f"негативных — {number(table['негативная'].sum())}. "
                f"По инициативе пресс-службы (пресс-релиз, приглашение журналистов) появилось "
                f"{number(k['initiated_share'], 1)}\u00a0% упоминаний.")

    def mentions_chart(self):
        if not self.key["mentions"]:
            return None
        return charts.mentions_chart(figures.mentions_table(self.org_id, self.year), self.year)

    def monitoring_text(self) -> str:
        a = self.answers
        rows = [
            ("План информационной работы", yes_no(a["has_info_plan"])),
            ("Своя газета или страница в газете", yes_no(a["has_newspaper"])),
            ("Открытый отчёт выборного органа опубликован", yes_no(a["has_open_report"])),
            ("Информационных работников (из них обучены)",
             f"{number(a['info_staff'])} ({number(a['trained_staff'])})"),
            ("Обновлений сайта в месяц", number(a["site_updates_per_month"])),
            ("Публикаций в соцсетях в месяц", number(a["social_posts_per_month"])),
            ("Новостей направлено в пресс-службу федерации", number(a["news_sent"])),
            ("Бюджет информационной работы, руб.", number(a["info_budget_rub"])),
        ]
        table = "\n".join(f"| {name} | {value} |" for name, value in rows)
        return (f"## Ответы на анкету мониторинга {self.year} года\n\n| Вопрос | Ответ |\n"
                f"|:--|--:|\n{table}")

    def vk_text(self) -> str:
        vk = self.key.get("vk")
        if not vk:
            return ""
        return (f"## Сообщество ВКонтакте\n\nПо выгрузке статистики сообщества "
                f"(файл {vk['file']}, {vk['first_day']} — {vk['last_day']}): подписчиков было "
                f"{number(vk['subscribers_start'])}, стало {number(vk['subscribers_end'])} "
                f"({signed(vk['subscribers_growth'])}, "
                f"{signed(vk['subscribers_growth_pct'], 1)}\u00a0%). Сумма дневных охватов — "
                f"{number(vk['reach'])}, просмотров — {number(vk['views'])}. Вовлечённость по "
                f"охвату (отметки «Мне нравится», репосты и комментарии на 100 охваченных) — "
                f"{number(vk['er_reach'], 2)}\u00a0%." + self._vk_period_note(vk))

    def _vk_period_note(self, vk: dict) -> str:
        years = {int(vk["first_day"][-4:]), int(vk["last_day"][-4:])}
        if years == {self.year}:
            return ""
        return (f" Обратите внимание: выгрузка охватывает не {self.year} год, а "
                f"{vk['first_day']} — {vk['last_day']}.")

    def vk_chart(self):
        return charts.vk_chart(self.key["vk"]) if self.key.get("vk") else None

    def footer(self) -> str:
        return ("---\n\nИсточники: мониторинг информационной работы организаций федерации, "
                "учёт членов профсоюза, мониторинг упоминаний в СМИ. Показатели и рейтинг "
                "посчитаны по единой методике федерации (учебный комплект infowork, "
                "модуль 05). Данные учебные.")
