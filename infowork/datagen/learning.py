"""The distance-learning centre: webinars, video and audio lectures of 2024-2025."""
from __future__ import annotations

import numpy as np
import pandas as pd

from infowork.data_schema import WEBINAR_AUDIENCES, WEBINAR_FORMATS
from infowork.datagen.common import rng

__all__ = ["webinars", "WEBINAR_YEARS"]

WEBINAR_YEARS = (2024, 2025)

#: Titles of each topic's classes (the same class may run again or be recorded as a lecture).
_TITLES = {
    "соцсети и контент": [
        "Контент-план сообщества на месяц", "Посты, которые читают: заголовок и первый абзац",
        "Профсоюзный Telegram-канал с нуля", "Фото и видео со смартфона для соцсетей",
        "Как отвечать на комментарии и не бояться критики", "Сообщество первички ВКонтакте",
    ],
    "инфографика и дизайн": [
        "Инфографика без дизайнера", "Карточки для соцсетей в бесплатных редакторах",
        "Диаграмма, которая не врёт", "Фирменный стиль организации: шаблоны и палитра",
    ],
    "подкасты и видео": [
        "Подкаст профсоюза: с чего начать", "Короткое видео: сценарий за 15 минут",
        "Интервью с профлидером: подготовка и запись", "Монтаж видео на телефоне",
    ],
    "аналитика и отчёты": [
        "Статистика сообщества: охват, ER и что с ними делать", "UTM-метки и отчёт о сайте",
        "Открытый отчёт организации: итоги года", "Мониторинг информационной работы: анкета",
    ],
    "трудовое право": [
        "Трудовой договор: что проверить", "Отпуск и его перенос", "Сверхурочная работа",
        "Увольнение по сокращению штата", "Дистанционная работа и права работника",
        "Расчётный листок: как его читать",
    ],
    "охрана труда": [
        "Уполномоченный по охране труда: права и обязанности", "Расследование несчастного случая",
        "Специальная оценка условий труда", "Средства индивидуальной защиты",
        "Проверка рабочего места: чек-лист уполномоченного",
    ],
    "коллективный договор": [
        "Коллективный договор: подготовка к переговорам", "Контроль выполнения колдоговора",
        "Отраслевое соглашение и колдоговор", "Переговоры с работодателем: практикум",
    ],
    "мотивация членства": [
        "Как рассказать о пользе профсоюза за минуту", "Вовлечение молодёжи в профсоюз",
        "Профсоюзные послы: как работать с активом", "Встреча с новым коллективом",
    ],
}
_TOPIC_P = {"соцсети и контент": 0.2, "инфографика и дизайн": 0.09, "подкасты и видео": 0.08,
            "аналитика и отчёты": 0.09, "трудовое право": 0.18, "охрана труда": 0.14,
            "коллективный договор": 0.11, "мотивация членства": 0.11}
#: How many sign up for a topic, relative to the others.
_TOPIC_DEMAND = {"соцсети и контент": 1.2, "инфографика и дизайн": 1.0, "подкасты и видео": 0.8,
                 "аналитика и отчёты": 0.8, "трудовое право": 1.4, "охрана труда": 1.0,
                 "коллективный договор": 0.9, "мотивация членства": 0.9}
#: Which audiences each topic is for (weights of WEBINAR_AUDIENCES).
_AUDIENCE_P = {
    "соцсети и контент": [0.15, 0.55, 0.3, 0.0],
    "инфографика и дизайн": [0.1, 0.65, 0.25, 0.0],
    "подкасты и видео": [0.05, 0.6, 0.35, 0.0],
    "аналитика и отчёты": [0.35, 0.6, 0.05, 0.0],
    "трудовое право": [0.55, 0.1, 0.2, 0.15],
    "охрана труда": [0.2, 0.0, 0.05, 0.75],
    "коллективный договор": [0.8, 0.05, 0.1, 0.05],
    "мотивация членства": [0.45, 0.15, 0.4, 0.0],
}
_AUDIENCE_SIZE = {"председатели первичных организаций": 210, "информационные работники": 120,
                  "молодёжный актив": 150, "уполномоченные по охране труда": 170}
_FORMAT_P = [0.5, 0.32, 0.18]
#: Share of registrants who come (live) or start (recordings).
_SHOW_UP = {"вебинар": 0.47, "видеолекция": 0.72, "аудиолекция": 0.62}
#: A class ends in a test and a certificate; on occupational safety the certificate counts for
#: the safety representatives' yearly training, so they see it through.
_TOPIC_KEEP = {"соцсети и контент": 0.95, "инфографика и дизайн": 1.0, "подкасты и видео": 0.92,
               "аналитика и отчёты": 0.9, "трудовое право": 1.0, "охрана труда": 1.75,
               "коллективный договор": 0.95, "мотивация членства": 0.88}
#: The calendar's webinars for information workers (see social._SEMINARS): title -> topic.
_CALENDAR_TOPIC = {
    "Контент-план на год: профсоюзный календарь": "соцсети и контент",
    "Подкаст профсоюза: с чего начать": "подкасты и видео",
    "Инфографика без дизайнера": "инфографика и дизайн",
    "Авторское право: фото и тексты в соцсетях": "соцсети и контент",
    "Открытый отчёт организации: итоги года": "аналитика и отчёты",
}
_MONTH_CLASSES = [5, 8, 9, 8, 7, 6, 3, 3, 8, 9, 9, 7]  # classes a month (besides the calendar's)


def _duration(fmt: str, r: np.random.Generator) -> int:
    if fmt == "вебинар":
        return int(r.choice([60, 90, 120, 150], p=[0.35, 0.35, 0.2, 0.1]))
    if fmt == "видеолекция":
        return int(r.integers(8, 46))
    return int(r.integers(15, 56))


def _completion(fmt: str, duration: int, topic: str) -> float:
    """Expected share of those who came (started) that finish the class and its test."""
    if fmt == "вебинар":
        base = 0.55 * np.exp(-(duration - 60) / 90)
    elif fmt == "видеолекция":
        base = 0.82 * np.exp(-(duration - 10) / 90)
    else:
        base = 0.68 * np.exp(-(duration - 15) / 90)
    return float(min(0.96, base * _TOPIC_KEEP[topic]))


def webinars(calendar: pd.DataFrame) -> pd.DataFrame:
    """One row per class of 2024-2025; the calendar's webinars are among them, same date."""
    r = rng("webinars")
    classes = []  # (date, title, topic, format, audience)
    seminars = calendar[(calendar["kind"] == "семинар")
                        & calendar["date"].dt.year.isin(WEBINAR_YEARS)
                        & calendar["title"].str.startswith("Вебинар «")]
    for row in seminars.itertuples(index=False):
        title = row.title.removeprefix("Вебинар «").removesuffix("»")
        classes.append((row.date, title, _CALENDAR_TOPIC[title], "вебинар",
                        "информационные работники"))
    topics = list(_TOPIC_P)
    topic_p = np.array(list(_TOPIC_P.values()))
    for year in WEBINAR_YEARS:
        for month, count in enumerate(_MONTH_CLASSES, start=1):
            days = pd.date_range(f"{year}-{month:02d}-01", periods=31, freq="D")
            days = days[(days.month == month) & days.dayofweek.isin([1, 2, 3])]
            if month == 1:
                days = days[days.day >= 10]  # the New Year holidays
            for day in np.sort(r.choice(days, size=count, replace=False)):
                topic = str(r.choice(topics, p=topic_p / topic_p.sum()))
                fmt = str(r.choice(WEBINAR_FORMATS, p=_FORMAT_P))
                audience = str(r.choice(WEBINAR_AUDIENCES, p=_AUDIENCE_P[topic]))
                title = str(r.choice(_TITLES[topic]))
                classes.append((pd.Timestamp(day), title, topic, fmt, audience))
    classes.sort(key=lambda c: (c[0], c[1]))

    rows = []
    for k, (day, title, topic, fmt, audience) in enumerate(classes, start=1):
        duration = _duration(fmt, r)
        season = 0.65 if day.month in (7, 8) else 1.0
        growth = 1.15 if day.year == 2025 else 1.0
        format_demand = {"вебинар": 1.0, "видеолекция": 0.8, "аудиолекция": 0.5}[fmt]
        mean = (_AUDIENCE_SIZE[audience] * _TOPIC_DEMAND[topic] * format_demand * season
                * growth * r.lognormal(0, 0.35))
        registrations = max(12, int(r.poisson(mean)))
        show_up = _SHOW_UP[fmt] * (1 - 0.1 * (duration >= 120)) * r.lognormal(0, 0.12)
        attended = int(r.binomial(registrations, min(0.95, show_up)))
        keep = _completion(fmt, duration, topic) * r.lognormal(0, 0.12)
        completed = int(r.binomial(attended, min(0.97, keep)))
        # Those who stay to the end rate the class; a few who leave early rate it too.
        raters = int(r.binomial(completed, 0.6)) + int(r.binomial(attended - completed, 0.05))
        score = (4.25 + 0.15 * (fmt == "вебинар") + 0.1 * (duration >= 90)
                 + r.normal(0, 0.18))
        rows.append({
            "webinar_id": f"W{k:03d}", "date": day, "title": title, "topic": topic,
            "format": fmt, "audience": audience, "duration_min": duration,
            "registrations": registrations, "attended": attended, "completed": completed,
            "ratings": max(1, raters),
            "feedback_score": round(float(np.clip(score, 3.0, 5.0)), 2),
        })
    return pd.DataFrame(rows)
