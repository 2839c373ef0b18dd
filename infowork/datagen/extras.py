"""The yearly monitoring, the podcast and the media contests' jury scores."""
from __future__ import annotations

import numpy as np
import pandas as pd

from infowork.data_schema import CRITERIA, JURORS
from infowork.datagen.common import rng

__all__ = ["monitoring", "podcast", "contest_scores", "MONITORING_YEARS"]

MONITORING_YEARS = [2023, 2024, 2025]


def monitoring(orgs: pd.DataFrame, posts: pd.DataFrame, news: pd.DataFrame,
               mentions: pd.DataFrame) -> pd.DataFrame:
    """One questionnaire per organisation and year; 2024-2025 agree with posts, news_items and
    media_mentions."""
    r = rng("monitoring")
    post_counts = posts.groupby([posts["org_id"], posts["published_at"].dt.year]).size()
    news_counts = news.groupby([news["org_id"], news["received_at"].dt.year]).size()
    mention_counts = mentions.groupby([mentions["org_id"],
                                       mentions["published_at"].dt.year]).size()
    rows = []
    for org in orgs.itertuples(index=False):
        size = np.log10(org.members)
        plan_bias = r.normal(0, 0.8)
        newspaper = r.random() < np.clip(0.15 + 0.2 * (size - 3.5), 0.05, 0.7)
        for t, year in enumerate(MONITORING_YEARS):
            staff = max(0, org.info_staff - (1 if t == 0 and r.random() < 0.3 else 0))
            trained = int(r.binomial(staff, min(0.95, 0.35 + 0.15 * t)))
            if year in (2024, 2025):
                per_month = round(post_counts.get((org.org_id, year), 0) / 12)
                sent = int(news_counts.get((org.org_id, year), 0))
                mentioned = int(mention_counts.get((org.org_id, year), 0))
            else:
                per_month = round(post_counts.get((org.org_id, 2024), 0) / 12
                                  * r.uniform(0.7, 0.95))
                sent = int(r.poisson(news_counts.get((org.org_id, 2024), 0) * 0.85))
                mentioned = int(r.poisson(mention_counts.get((org.org_id, 2024), 0) * 0.85))
            site = int(r.poisson(1.5 + 1.8 * staff)) if org.has_website else 0
            logit = -0.6 + 0.7 * t + 0.5 * staff - 1.0 + plan_bias
            rows.append({
                "org_id": org.org_id, "year": year, "info_staff": staff,
                "trained_staff": trained,
                "has_info_plan": r.random() < 1 / (1 + np.exp(-logit)),
                "has_newspaper": newspaper if t < 2 or r.random() > 0.1 else not newspaper,
                "site_updates_per_month": site, "social_posts_per_month": int(per_month),
                "news_sent": sent,
                "media_mentions": mentioned,
                "info_budget_rub": int(round(r.lognormal(np.log(60000 * (org.members / 3000) ** 0.6), 0.5)
                                             * (1 + 0.06 * t), -3)),
                "has_open_report": r.random() < np.clip(0.2 + 0.15 * t + 0.1 * (size - 4),
                                                         0.05, 0.9),
            })
    return pd.DataFrame(rows)


_EPISODES = [
    "Зачем профсоюзу подкаст", "Коллективный договор простыми словами",
    "Отпуск: права и подводные камни", "Уполномоченный по охране труда — кто это",
    "Зарплата «в конверте»: чем рискует работник", "Как вступить в профсоюз за 10 минут",
    "Молодёжный совет: с чего начать", "Сверхурочная работа и как её считать",
    "Больничный: что должен знать каждый", "История одной победы: спор о премии",
    "Профсоюзный репортёр: как пишут победители", "Увольнение по сокращению: шаг за шагом",
    "Дистанционная работа и права работника", "Как читать расчётный листок",
    "Спорт и культура в профсоюзе", "Наставничество на производстве",
    "Вредные условия труда и спецоценка", "Правовая инспекция: как она работает",
    "Переговоры с работодателем: советы практиков", "Итоги года: что удалось профсоюзу",
    "Пенсия: что изменилось", "Первичная организация с нуля",
]


def podcast() -> pd.DataFrame:
    """Episodes with listening by minute; intros were shortened from episode 11 on."""
    r = rng("podcast")
    rows = []
    published = pd.Timestamp("2024-02-06")
    for e, title in enumerate(_EPISODES, start=1):
        duration = int(r.integers(18, 46))
        listens = int(r.lognormal(np.log(380 * (1 + 0.05 * e)), 0.35))
        intro_loss = 0.22 if e <= 10 else 0.09
        decay = 0.018 + 0.0006 * duration + r.normal(0, 0.003)
        listeners = [listens]
        for minute in range(2, duration + 1):
            loss = intro_loss if minute in (2, 3) else max(0.004, decay)
            if minute == duration:  # closing credits
                loss += 0.1
            listeners.append(int(r.binomial(listeners[-1], 1 - loss)))
        share = sum(listeners) / (listens * duration)
        for minute, count in enumerate(listeners, start=1):
            rows.append({"episode": e, "title": title, "published_at": published,
                         "duration_min": duration, "listens": listens,
                         "avg_share_listened": round(share, 3), "minute": minute,
                         "listeners": count})
        published = published + pd.Timedelta(days=int(r.integers(26, 38)))
    return pd.DataFrame(rows)


_CONTESTS = {  # contest: (code, nominations and weights, entries per year)
    "Профсоюзный репортёр": ("R", {"публикация": 0.45, "видеосюжет": 0.25,
                                    "публикация в соцсетях": 0.3}, 34),
    "Профсоюзный фотофакт": ("F", {"фоторепортаж": 1.0}, 22),
}
_CRITERION_SHIFT = {"актуальность": 0.4, "оригинальность": -0.3, "мастерство": 0.0,
                    "оформление": 0.1, "отклик аудитории": -0.2}
_JUROR_SEVERITY = {"J1": 0.4, "J2": -0.9, "J3": 0.0, "J4": 1.0, "J5": -0.1, "J6": -1.2,
                   "J7": 0.6}
#: The juror who favours entries from one district (not said anywhere a trainee reads).
BIASED_JUROR, FAVOURED_DISTRICT, BIAS = "J5", "ПФО", 2.2
#: Jurors who score each entry (a panel drawn from the whole jury for each entry).
PANEL_SIZE = 4


def contest_scores(orgs: pd.DataFrame) -> pd.DataFrame:
    """Scores of entries by panels of PANEL_SIZE jurors: a strict or lenient panel moves an
    entry's total, so adjusting for severity can change the winners."""
    r = rng("contest_scores")
    rows = []
    for year in (2024, 2025):
        for contest, (code, nominations, n_entries) in _CONTESTS.items():
            entry_orgs = orgs.iloc[r.choice(len(orgs), size=n_entries)]
            noms = r.choice(list(nominations), size=n_entries, p=list(nominations.values()))
            for k, (org, nomination) in enumerate(zip(entry_orgs.itertuples(index=False), noms)):
                quality = r.normal(6.3, 1.3)
                entry_id = f"{code}{year % 100}-{k + 1:02d}"
                panel = sorted(r.choice(len(JURORS), size=PANEL_SIZE, replace=False))
                for juror in [JURORS[j] for j in panel]:
                    for criterion in CRITERIA:
                        score = (quality + _CRITERION_SHIFT[criterion] + _JUROR_SEVERITY[juror]
                                 + r.normal(0, 0.8))
                        if juror == BIASED_JUROR and org.federal_district == FAVOURED_DISTRICT:
                            score += BIAS
                        rows.append({"contest": contest, "year": year, "entry_id": entry_id,
                                     "org_id": org.org_id,
                                     "federal_district": org.federal_district,
                                     "nomination": nomination, "juror": juror,
                                     "criterion": criterion,
                                     "score": int(np.clip(np.round(score), 1, 10))})
    return pd.DataFrame(rows)
