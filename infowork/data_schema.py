"""The one schema of the bundled datasets.

Everything that needs to know a dataset's columns takes them from here: the generator
(``infowork.datagen``) writes and validates the CSV files by it, ``infowork.data.load`` parses
dtypes by it, and the data dictionary ``datasets/README.md`` is written from it (a test checks
that the committed dictionary is the one this schema produces).

Column kinds: ``int`` (int64), ``float`` (float64, written with ``decimals`` places), ``bool``,
``str`` (pandas ``str``), ``category`` (``values`` are the allowed values, in order),
``datetime`` and ``date`` (datetime64, written with ``fmt``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Column", "Dataset", "SCHEMA", "DATETIME_FMT", "DATE_FMT",
    "FEDERAL_DISTRICTS", "REGIONS", "SECTORS", "ORG_TYPES", "AGE_GROUPS", "PLATFORMS",
    "RUBRICS", "FORMATS", "CALENDAR_KINDS", "NEWS_TOPICS", "PRIORITY_TOPICS", "SURVEY_SECTORS",
    "GENDERS", "ROLES", "SURVEY_CHANNELS", "NEWS_FREQUENCIES", "SURVEY_TOPICS", "UTM_SOURCES",
    "UTM_MEDIUMS", "LANDING_PAGES", "DEVICES", "REQUEST_CHANNELS", "REQUEST_TOPICS", "CONTESTS",
    "NOMINATIONS", "CRITERIA", "JURORS",
]

DATETIME_FMT = "%Y-%m-%d %H:%M"
DATE_FMT = "%Y-%m-%d"

FEDERAL_DISTRICTS = ["ЦФО", "СЗФО", "ЮФО", "СКФО", "ПФО", "УФО", "СФО", "ДФО"]

#: Real Russian regions used by the fictional organisations, with their federal districts.
REGIONS = {
    "Москва": "ЦФО", "Московская область": "ЦФО", "Воронежская область": "ЦФО",
    "Ярославская область": "ЦФО", "Тульская область": "ЦФО", "Калужская область": "ЦФО",
    "Белгородская область": "ЦФО", "Тверская область": "ЦФО",
    "Санкт-Петербург": "СЗФО", "Ленинградская область": "СЗФО", "Архангельская область": "СЗФО",
    "Вологодская область": "СЗФО", "Республика Карелия": "СЗФО", "Мурманская область": "СЗФО",
    "Краснодарский край": "ЮФО", "Ростовская область": "ЮФО", "Волгоградская область": "ЮФО",
    "Астраханская область": "ЮФО",
    "Ставропольский край": "СКФО", "Республика Дагестан": "СКФО",
    "Кабардино-Балкарская Республика": "СКФО",
    "Республика Татарстан": "ПФО", "Республика Башкортостан": "ПФО",
    "Нижегородская область": "ПФО", "Самарская область": "ПФО", "Пермский край": "ПФО",
    "Саратовская область": "ПФО", "Удмуртская Республика": "ПФО", "Оренбургская область": "ПФО",
    "Свердловская область": "УФО", "Челябинская область": "УФО", "Тюменская область": "УФО",
    "Курганская область": "УФО", "Ханты-Мансийский автономный округ - Югра": "УФО",
    "Новосибирская область": "СФО", "Омская область": "СФО", "Томская область": "СФО",
    "Кемеровская область - Кузбасс": "СФО", "Красноярский край": "СФО", "Алтайский край": "СФО",
    "Иркутская область": "СФО",
    "Приморский край": "ДФО", "Хабаровский край": "ДФО", "Амурская область": "ДФО",
    "Республика Саха (Якутия)": "ДФО", "Сахалинская область": "ДФО",
}

ORG_TYPES = ["отраслевая", "территориальная"]
SECTORS = ["образование", "здравоохранение", "связь", "транспорт", "энергетика", "культура",
           "госучреждения", "АПК", "промышленность", "торговля", "строительство",
           "межотраслевая"]
AGE_GROUPS = ["до 35", "35-54", "55 и старше"]
PLATFORMS = ["ВКонтакте", "Одноклассники", "Telegram"]
RUBRICS = ["Новости", "Правовая помощь", "Охрана труда", "Колдоговор", "Молодёжь",
           "Спорт и культура", "Поздравления", "Акции и кампании"]
FORMATS = ["текст", "фото", "видео", "опрос", "лонгрид"]
CALENDAR_KINDS = ["профсоюзная дата", "профессиональный праздник", "государственный праздник",
                  "семинар", "конкурс", "кампания"]
NEWS_TOPICS = ["заработная плата", "охрана труда", "коллективный договор", "молодёжь",
               "спорт и культура", "правовая помощь", "поздравления", "соцпартнёрство"]
SURVEY_SECTORS = SECTORS[:-1]
GENDERS = ["женский", "мужской"]
ROLES = ["член профсоюза", "профгрупорг", "член профкома", "председатель первичной организации",
         "штатный работник профсоюза"]
SURVEY_CHANNELS = ["ВКонтакте", "Одноклассники", "Telegram", "сайт", "газета",
                   "стенд на работе", "собрания"]
NEWS_FREQUENCIES = ["ежедневно", "несколько раз в неделю", "раз в неделю", "раз в месяц",
                    "реже раза в месяц", "не читаю"]
SURVEY_TOPICS = ["заработная плата", "охрана труда", "правовая помощь", "коллективный договор",
                 "льготы и оздоровление", "спорт и культура", "молодёжная политика",
                 "новости отрасли"]
UTM_SOURCES = ["vk", "ok", "telegram", "yandex", "google", "email", "(direct)", "(referral)"]
UTM_MEDIUMS = ["social", "organic", "cpc", "email", "(none)", "referral"]
LANDING_PAGES = ["/", "/news", "/legal-help", "/join", "/contest", "/youth", "/safety",
                 "/documents"]
DEVICES = ["компьютер", "смартфон", "планшет"]
REQUEST_CHANNELS = ["телефон", "сайт", "e-mail", "ВКонтакте", "Telegram", "личный приём"]
REQUEST_TOPICS = ["заработная плата", "увольнение", "отпуск", "рабочее время", "охрана труда",
                  "больничный и пособия", "пенсия", "коллективный договор", "другое"]
CONTESTS = ["Профсоюзный репортёр", "Профсоюзный фотофакт"]
NOMINATIONS = ["публикация", "фоторепортаж", "видеосюжет", "публикация в соцсетях"]
CRITERIA = ["актуальность", "оригинальность", "мастерство", "оформление", "отклик аудитории"]
JURORS = [f"J{i}" for i in range(1, 8)]

#: Topics the federation's stated news-selection rule gives 2 points.
PRIORITY_TOPICS = ["заработная плата", "охрана труда", "коллективный договор", "молодёжь"]

_REGION_VALUES = sorted(REGIONS)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str
    unit: str = ""
    values: tuple = ()
    ordered: bool = False
    decimals: int = 2
    fmt: str = ""

    def __post_init__(self):
        if self.kind not in {"int", "float", "bool", "str", "category", "datetime", "date"}:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")
        if self.kind == "category" and not self.values:
            raise ValueError(f"{self.name}: a category needs its values")
        if self.kind in {"datetime", "date"} and not self.fmt:
            object.__setattr__(self, "fmt", DATETIME_FMT if self.kind == "datetime" else DATE_FMT)


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    row: str
    purpose: str
    columns: tuple[Column, ...] = field(default=())
    notes: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _c(name, kind, description, unit="", values=(), **kw):
    return Column(name, kind, description, unit, tuple(values), **kw)


_ORG_ID = _c("org_id", "str", "код членской организации, ссылка на organizations", "",
             ["ORG01 … ORG56"])
_REGION = _c("region", "str", "субъект Российской Федерации (полное название)")
_DISTRICT = _c("federal_district", "category", "федеральный округ", values=FEDERAL_DISTRICTS)

_DATASETS = [
    Dataset(
        "organizations",
        "Членские организации федерации: отрасль, регион, численность, каналы связи",
        "одна членская организация (отраслевая или территориальная)",
        "Справочник организаций: к нему присоединяются все остальные таблицы по org_id.",
        (
            _c("org_id", "str", "код организации", values=["ORG01 … ORG56"]),
            _c("name", "str", "название организации (вымышленное)"),
            _c("org_type", "category", "тип организации", values=ORG_TYPES),
            _c("sector", "category", "отрасль; у территориальных организаций - «межотраслевая»",
               values=SECTORS),
            _REGION, _DISTRICT,
            _c("members", "int", "члены профсоюза на 31 декабря 2025 года", "человек"),
            _c("info_staff", "int", "работники, ведущие информационную работу", "человек"),
            _c("has_website", "bool", "есть свой сайт"),
            _c("has_vk", "bool", "есть сообщество ВКонтакте"),
            _c("has_ok", "bool", "есть группа в Одноклассниках"),
            _c("has_telegram", "bool", "есть Telegram-канал"),
            _c("vk_subscribers", "int", "подписчики сообщества ВКонтакте на 31 декабря 2025 "
               "года; 0, если сообщества нет", "человек"),
        ),
    ),
    Dataset(
        "membership",
        "Численность членов профсоюза по годам и возрастным группам",
        "одна организация в одном году в одной возрастной группе",
        "Динамика членства: сколько состоит, сколько вступило и вышло за год.",
        (
            _ORG_ID,
            _c("year", "int", "год", "год"),
            _c("age_group", "category", "возрастная группа", values=AGE_GROUPS, ordered=True),
            _c("members", "int", "члены профсоюза на 31 декабря", "человек"),
            _c("joined", "int", "вступили за год", "человек"),
            _c("left", "int", "вышли за год (увольнение, выход на пенсию, заявление)", "человек"),
        ),
        notes=("Численность на конец года = численность на конец прошлого года + вступили - "
               "вышли. Сумма `members` последнего года по организации равна `members` в "
               "organizations."),
    ),
    Dataset(
        "posts",
        "Публикации в сообществах членских организаций ВКонтакте, в Одноклассниках и Telegram",
        "одна публикация в одном сообществе",
        "Что, где и когда публикуют организации и как на это откликается аудитория.",
        (
            _c("post_id", "int", "номер публикации"),
            _ORG_ID,
            _c("platform", "category", "площадка", values=PLATFORMS),
            _c("published_at", "datetime", "дата и время публикации (местное время организации)"),
            _c("rubric", "category", "рубрика", values=RUBRICS),
            _c("format", "category", "формат публикации", values=FORMATS),
            _c("text_length", "int", "длина текста", "знаков"),
            _c("hashtags", "str", "хештеги через пробел; пустая строка, если их нет"),
            _c("views", "int", "просмотры", "просмотров"),
            _c("likes", "int", "отметки «Нравится» (реакции)", "шт."),
            _c("reposts", "int", "репосты (пересылки)", "шт."),
            _c("comments", "int", "комментарии", "шт."),
            _c("subscribers", "int", "подписчики сообщества в день публикации", "человек"),
        ),
    ),
    Dataset(
        "calendar",
        "Календарь: профсоюзные и профессиональные даты, праздники, семинары, конкурсы, кампании",
        "одно событие или памятная дата",
        "Опорные даты для контент-плана.",
        (
            _c("date", "date", "дата события (для многодневных - первый день)"),
            _c("title", "str", "название"),
            _c("kind", "category", "вид события", values=CALENDAR_KINDS),
        ),
    ),
    Dataset(
        "campaigns",
        "Информационные кампании федерации: сроки, цели, каналы, бюджет",
        "одна кампания",
        "Кампании, их UTM-метки и сроки: по ним сверяют посты и посещения сайта.",
        (
            _c("campaign_id", "str", "код кампании", values=["CMP01 …"]),
            _c("name", "str", "название кампании"),
            _c("utm_campaign", "str", "значение метки utm_campaign в ссылках кампании "
               "(латиница)"),
            _c("start_date", "date", "первый день кампании"),
            _c("end_date", "date", "последний день кампании"),
            _c("goal", "str", "цель кампании"),
            _c("channels", "str", "каналы через точку с запятой", "",
               ["ВКонтакте", "Одноклассники", "Telegram", "сайт", "газета", "рассылка"]),
            _c("budget_rub", "int", "бюджет", "руб."),
        ),
    ),
    Dataset(
        "news_items",
        "Новости, присланные членскими организациями в пресс-службу федерации",
        "одна присланная новость",
        "Какие новости организаций федерация публикует на своём сайте и в сообществах.",
        (
            _c("item_id", "int", "номер новости"),
            _ORG_ID,
            _REGION,
            _c("event_date", "date", "дата события, о котором новость"),
            _c("received_at", "datetime", "когда новость пришла в пресс-службу"),
            _c("topic", "category", "тема", values=NEWS_TOPICS),
            _c("has_photo", "bool", "к новости приложены фотографии"),
            _c("has_quote", "bool", "в тексте есть прямая речь (цитата)"),
            _c("length_chars", "int", "длина текста", "знаков"),
            _c("timeliness_days", "int", "оперативность: полных дней от события до получения "
               "(received_at минус event_date)", "дней"),
            _c("published", "bool", "новость опубликована федерацией"),
        ),
        notes=(
            "**Правило отбора новостей, утверждённое федерацией.** Каждая присланная новость "
            "получает баллы:\n\n"
            "| Признак | Баллы |\n|---|---|\n"
            "| есть фотографии (`has_photo`) | 2 |\n"
            "| есть прямая речь (`has_quote`) | 1 |\n"
            "| оперативность (`timeliness_days`): не больше 1 дня / 2-3 дня / дольше | "
            "2 / 1 / 0 |\n"
            "| длина текста (`length_chars`) от 800 до 2500 знаков включительно | 1 |\n"
            "| приоритетная тема (`topic`): заработная плата, охрана труда, коллективный "
            "договор, молодёжь | 2 |\n\n"
            "Новость рекомендуется к публикации, если она набрала **5 баллов и больше**. "
            "Столбец `published` показывает, что редакторы сделали на самом деле."
        ),
    ),
    Dataset(
        "survey",
        "Анонимный опрос членов профсоюза: кто они, где читают новости, чему доверяют",
        "один анонимный участник опроса",
        "Портрет аудитории: возраст, отрасль, роль в профсоюзе, каналы, интересы, доверие.",
        (
            _c("respondent_id", "int", "номер анкеты"),
            _c("age", "int", "возраст", "лет"),
            _c("age_group", "category", "возрастная группа", values=AGE_GROUPS, ordered=True),
            _c("gender", "category", "пол", values=GENDERS),
            _REGION, _DISTRICT,
            _c("sector", "category", "отрасль, в которой работает участник",
               values=SURVEY_SECTORS),
            _c("role", "category", "роль в профсоюзе", values=ROLES),
            _c("channels", "str", "откуда узнаёт новости профсоюза: все отмеченные варианты "
               "через точку с запятой", "", SURVEY_CHANNELS),
            _c("main_channel", "category", "главный канал (один вариант)",
               values=SURVEY_CHANNELS),
            _c("news_frequency", "category", "как часто читает новости профсоюза",
               values=NEWS_FREQUENCIES, ordered=True),
            _c("topics", "str", "интересные темы: все отмеченные через точку с запятой", "",
               SURVEY_TOPICS),
            _c("trust", "int", "доверие к информации профсоюза", "балл от 1 до 5"),
            _c("satisfaction", "int", "удовлетворённость работой профсоюза",
               "балл от 1 до 10"),
        ),
    ),
    Dataset(
        "web_sessions",
        "Посещения сайта федерации: откуда пришли, на какую страницу, с какого устройства",
        "одно посещение (сессия) сайта",
        "Отчёт веб-аналитики: источники трафика, UTM-метки, посадочные страницы, цели.",
        (
            _c("session_id", "int", "номер посещения"),
            _c("started_at", "datetime", "начало посещения (московское время)"),
            _c("utm_source", "category", "источник перехода (метка utm_source; "
               "(direct) - прямой заход, (referral) - ссылка с другого сайта)",
               values=UTM_SOURCES),
            _c("utm_medium", "category", "тип трафика (метка utm_medium)", values=UTM_MEDIUMS),
            _c("utm_campaign", "str", "кампания (метка utm_campaign, см. campaigns); пустая "
               "строка - ссылка без метки кампании"),
            _c("landing_page", "category", "посадочная страница - первая страница посещения",
               values=LANDING_PAGES),
            _c("device", "category", "устройство", values=DEVICES),
            _c("pages_viewed", "int", "просмотрено страниц", "страниц"),
            _c("duration_sec", "int", "длительность посещения", "секунд"),
            _c("goal_reached", "bool", "достигнута цель посадочной страницы: заявка в правовую "
               "службу, заявление о вступлении, работа на конкурс, подписка на рассылку"),
        ),
        notes=("Каждая заявка, отправленная с посадочной страницы /legal-help, попадает в "
               "requests как обращение с каналом «сайт»."),
    ),
    Dataset(
        "monitoring",
        "Ежегодный мониторинг информационной работы членских организаций",
        "одна организация в одном году (анкета мониторинга)",
        "Из анкет мониторинга складывают рейтинг информационной работы организаций.",
        (
            _ORG_ID,
            _c("year", "int", "год, за который заполнена анкета", "год"),
            _c("info_staff", "int", "работники, ведущие информационную работу", "человек"),
            _c("trained_staff", "int", "из них прошли обучение за год (семинары, вебинары)",
               "человек"),
            _c("has_info_plan", "bool", "утверждён план информационной работы на год"),
            _c("has_newspaper", "bool", "есть своя газета или вкладка в газете"),
            _c("site_updates_per_month", "int", "обновлений сайта в месяц в среднем; 0 - сайта "
               "нет", "раз в месяц"),
            _c("social_posts_per_month", "int", "публикаций во всех соцсетях в месяц в среднем",
               "публикаций"),
            _c("news_sent", "int", "новостей отправлено в пресс-службу федерации за год",
               "новостей"),
            _c("media_mentions", "int", "упоминаний организации в СМИ за год", "публикаций"),
            _c("info_budget_rub", "int", "расходы на информационную работу за год", "руб."),
            _c("has_open_report", "bool", "опубликован открытый (публичный) отчёт за год"),
        ),
        notes=("За 2024 и 2025 годы `social_posts_per_month` и `news_sent` сходятся с "
               "таблицами posts и news_items (публикации за год / 12, новости по дате "
               "получения)."),
    ),
    Dataset(
        "requests",
        "Обращения на горячую линию правовой помощи (выгрузка из CRM)",
        "одно обращение члена профсоюза",
        "С чем и как люди обращаются за правовой помощью и как быстро получают ответ.",
        (
            _c("request_id", "int", "номер обращения"),
            _c("received_at", "datetime", "когда обращение поступило (московское время)"),
            _c("channel", "category", "канал обращения", values=REQUEST_CHANNELS),
            _c("topic", "category", "тема обращения", values=REQUEST_TOPICS),
            _c("age_group", "category", "возрастная группа обратившегося",
               values=AGE_GROUPS, ordered=True),
            _ORG_ID,
            _c("resolved", "bool", "вопрос решён (по отметке юриста)"),
            _c("days_to_answer", "int", "дней от обращения до первого ответа юриста", "дней"),
        ),
    ),
    Dataset(
        "podcast",
        "Подкаст федерации: выпуски, прослушивания и удержание слушателей по минутам",
        "один выпуск подкаста в одну минуту записи",
        "Сколько людей слушает каждый выпуск и на какой минуте они уходят.",
        (
            _c("episode", "int", "номер выпуска"),
            _c("title", "str", "название выпуска"),
            _c("published_at", "date", "дата выхода выпуска"),
            _c("duration_min", "int", "длительность выпуска", "минут"),
            _c("listens", "int", "начали слушать выпуск (за 60 дней после выхода)",
               "прослушиваний"),
            _c("avg_share_listened", "float", "средняя доля выпуска, которую прослушали",
               "доля от 0 до 1", decimals=3),
            _c("minute", "int", "минута записи (1 - первая минута)", "минута"),
            _c("listeners", "int", "слушатели, которые дослушали до начала этой минуты",
               "человек"),
        ),
        notes=("В первую минуту `listeners` равно `listens`. "
               "`avg_share_listened` = сумма `listeners` по всем минутам выпуска / "
               "(`listens` × `duration_min`)."),
    ),
    Dataset(
        "contest_scores",
        "Оценки жюри медиаконкурсов федерации",
        "оценка одного члена жюри одной конкурсной работы по одному критерию",
        "Протоколы жюри: из них считают итоговые баллы и проверяют согласованность оценок.",
        (
            _c("contest", "category", "конкурс", values=CONTESTS),
            _c("year", "int", "год конкурса", "год"),
            _c("entry_id", "str", "код конкурсной работы", "", ["R25-01 …", "F25-01 …"]),
            _ORG_ID,
            _DISTRICT,
            _c("nomination", "category", "номинация", values=NOMINATIONS),
            _c("juror", "category", "член жюри (код)", values=JURORS),
            _c("criterion", "category", "критерий оценки", values=CRITERIA),
            _c("score", "int", "оценка", "балл от 1 до 10"),
        ),
        notes=("Каждый член жюри оценивает каждую работу своего конкурса по каждому "
               "критерию. Итоговый балл работы - сумма или среднее всех её оценок."),
    ),
]

#: name -> Dataset, in the order of the data dictionary.
SCHEMA: dict[str, Dataset] = {d.name: d for d in _DATASETS}
