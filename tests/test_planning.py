"""The module 01 machinery the lessons call in one line: the content-plan checker
(infowork.lessons.planning), the post measures (infowork.lessons.writing) and the copyright quiz (infowork.lessons.quiz)."""
import pandas as pd
import pytest

from infowork.lessons import planning, quiz, writing

EVENTS = pd.DataFrame({"date": pd.to_datetime(["2026-04-21", "2026-04-28"]),
                       "title": ["Семинар информационных работников ПФО", "Всемирный день охраны труда"]})


def _plan(rows):
    return pd.DataFrame(rows, columns=["date", "rubric", "format", "event"]).assign(
        date=lambda frame: pd.to_datetime(frame["date"]))


def test_check_plan_names_each_broken_rule(capsys):
    plan = _plan([("2026-04-20", "Новости", "текст", "Семинар информационных работников ПФО"),
                  ("2026-04-27", "Новости", "текст", ""), ("2026-04-27", "Молодёжь", "фото", ""),
                  ("2026-04-27", "Охрана труда", "фото", "")])
    per_week = planning.check_plan(plan, EVENTS, "2026-04")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Не больше 2 постов в день: нет (максимум — 3)"
    assert out[1].startswith("Не меньше 3 постов в каждой неделе: нет (мало постов в неделях: 30.03–05.04")
    assert "20.04–26.04" in out[1] and "27.04–03.05" not in out[1]
    assert out[2] == ("Все события месяца — в день события или накануне: нет, без поста: "
                      "«Всемирный день охраны труда» (28.04)")
    assert per_week.to_dict() == {"30.03–05.04": 0, "06.04–12.04": 0, "13.04–19.04": 0,
                                  "20.04–26.04": 1, "27.04–03.05": 3}


def test_an_event_post_two_days_early_does_not_count(capsys):
    plan = _plan([("2026-04-26", "Охрана труда", "фото", "Всемирный день охраны труда")])
    planning.check_plan(plan, EVENTS.tail(1), "2026-04")
    assert "без поста: «Всемирный день охраны труда»" in capsys.readouterr().out


def test_weeks_with_fewer_than_three_working_days_are_not_checked():
    # May 2026 starts on a Friday: 01.05-03.05 holds one working day and is not checked
    assert [str(week.start_time.date()) for week in planning.checked_weeks("2026-05")][0] == "2026-05-04"


def test_fill_short_weeks_makes_the_week_rule_hold_without_breaking_the_day_rule(capsys):
    plan = _plan([("2026-04-01", "Охрана труда", "фото", ""), ("2026-04-03", "Молодёжь", "опрос", "")])
    filled = planning.fill_short_weeks(plan, "2026-04")
    per_week = planning.check_plan(filled, EVENTS.iloc[:0], "2026-04")
    assert (per_week >= 3).all()
    assert filled.groupby("date").size().max() == 1
    assert set(filled["rubric"]) - set(plan["rubric"]) == {"Спорт и культура"}
    assert filled["date"].is_monotonic_increasing
    assert "Добавлено 13 постов" in capsys.readouterr().out


def test_calendar_grid_keeps_weeks_in_date_order_across_the_month_boundary():
    plan = _plan([("2026-04-06", "Правовая помощь", "текст", ""), ("2026-04-01", "Охрана труда", "фото", ""),
                  ("2026-04-01", "Новости", "текст", "")])
    grid = planning.calendar_grid(plan)
    assert list(grid.index) == ["30.03", "06.04"]
    assert list(grid.columns) == planning.WEEKDAYS
    assert grid.loc["30.03", "ср"] == "1: Охрана труда / 1: Новости"


def test_measure_counts_what_an_editor_checks():
    facts = writing.measure("Коротко о главном\n\nВторой абзац # не хештег #профсоюз "
                            "https://example.org t.me/channel ➡\n\n#молодёжь")
    assert facts["первая строка"] == "Коротко о главном"
    assert (facts["абзацев"], facts["хештегов"], facts["ссылок"], facts["эмодзи"]) == (3, 2, 2, 1)
    assert facts["штампы"] == "нет"


@pytest.mark.parametrize("text, found", [
    ("Цель данного мероприятия — принять участие", "принять участие, мероприятие, данный"),
    ("Данные опроса показали рост", "нет"),
    ("Мероприятия не будет", "мероприятие"),
])
def test_stock_phrases_are_found_by_form_not_by_any_substring(text, found):
    assert writing.measure(text)["штампы"] == found


def test_every_quiz_question_has_exactly_one_right_option_with_a_comment():
    for text, options in quiz.COPYRIGHT:
        assert text.endswith("?")
        assert sum(correct for _, correct, _ in options) == 1
        assert all(comment for _, _, comment in options)


def test_print_quiz_gives_the_letter_of_the_right_option(capsys):
    quiz.print_quiz(quiz.COPYRIGHT, answers=True)
    answers = [line.split(".")[0].split()[-1] for line in capsys.readouterr().out.splitlines()
               if line.strip().startswith("Ответ:")]
    assert answers == ["в", "б", "а", "а", "б", "в"]


def test_quiz_button_shows_the_comment_of_the_chosen_option():
    box = quiz.quiz(quiz.COPYRIGHT[:1]).children[0]
    _, choice, button, feedback = box.children
    button.click()
    assert feedback.value == "Сначала выберите вариант."
    choice.value = 0
    button.click()
    assert feedback.value.startswith("<b style='color:#D55E00'>Не совсем.</b>")
    choice.value = 2
    button.click()
    assert "Верно." in feedback.value
