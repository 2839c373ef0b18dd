"""The verdict comes from a process the trainee's code cannot reach (issue #8, item 1).

Cheap tests first: answers survive the trip through JSON with their types, dtypes and labels;
a chart comes back as an Axes the checks read the same way; the master copy of every ready module
passes its own replay (the rehearsal). Then one real grading run of module 00 with honest trainees
and the hostile notebooks of tests/corpus_verdict.py; and a sealed run of module 01 (without
nbgrader's gradebook) for a function that reads the expected values from the check's frame.
That the replay agrees with the kernel on every proof (wrong answers, other correct approaches)
is tested on the proofs' own kernel runs, in tests/test_proofs.py.
"""
from __future__ import annotations

import base64
import copy
import datetime as dt
import html
import json
import re
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import corpus_verdict  # noqa: E402
from conftest import (assignment_modules, fill_exercise, partial_replacements,  # noqa: E402
                      read_proofs, rehearsal)
from infowork import answers, checks, data, grading, style  # noqa: E402
from infowork.grading import report, verdict

MODULES = assignment_modules()


def _trip(value):
    """The value as the replay gets it: encoded in the kernel, sent as JSON, decoded."""
    node = json.loads(json.dumps(answers.record("x", value)))["node"]
    return answers.decode(node)


# ---------------------------------------------------------------------------------------------
# Round trips

@pytest.mark.parametrize("value", [
    None, True, 0, -7, 2**70, 0.1, float("nan"), float("inf"), "Профсоюз", "", [1, "a", None],
    (1, 2.5), {"a": 1, 2: [3]}, {1, 2}, frozenset({"x"}), np.int64(5), np.float32(0.5),
    np.bool_(True), np.datetime64("2026-10-01"), pd.Timestamp("2026-10-01 10:00"),
    pd.Timestamp("2026-10-01", tz="Europe/Moscow"), pd.Timedelta(hours=3), pd.NaT,
    dt.date(2026, 10, 1), dt.datetime(2026, 10, 1, 9, 30), dt.timedelta(days=2), 1 + 2j,
    pd.Period("2026-10", freq="M"),
], ids=repr)
def test_plain_values_keep_value_and_type(value):
    back = _trip(value)
    assert type(back) is type(value)
    if isinstance(value, float) and np.isnan(value):
        assert np.isnan(back)
    else:
        assert back == value or (value is pd.NaT and back is pd.NaT)


def _frames():
    orgs = data.load("organizations")
    posts = data.load("posts").head(300)
    yield "organizations", orgs
    yield "posts", posts
    yield "groupby_unstack", (posts.groupby(["rubric", "platform"])["views"].sum()
                              .unstack("platform"))
    yield "multiindex", posts.groupby(["rubric", "platform"])[["views", "likes"]].sum()
    yield "nullable", pd.DataFrame({"i": pd.array([1, None], dtype="Int64"),
                                    "b": pd.array([True, None], dtype="boolean"),
                                    "s": pd.array(["a", None], dtype="string"),
                                    "o": [{"k": 1}, None],
                                    "t": pd.to_datetime(["2026-10-01", None]),
                                    "z": pd.to_datetime(["2026-10-01", "2026-10-02"]).tz_localize(
                                        "Europe/Moscow"),
                                    "d": [pd.Timedelta(1, "D"), pd.NaT]},
                                   index=pd.Index(["x", "y"], name="ключ"))
    yield "categorical_cut", pd.cut(posts["views"], [0, 100, 1000, np.inf],
                                    labels=["мало", "средне", "много"]).to_frame()
    yield "duplicate_columns", pd.DataFrame([[1, 2]], columns=["a", "a"])
    yield "empty", orgs.iloc[0:0]


@pytest.mark.parametrize("name,frame", list(_frames()), ids=[n for n, _ in _frames()])
def test_frames_and_series_keep_dtypes_index_and_values(name, frame):
    back = _trip(frame)
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    column = frame.iloc[:, 0]
    pd.testing.assert_series_equal(_trip(column), column, check_exact=True)
    pd.testing.assert_index_equal(_trip(frame.index), frame.index, exact=True)


def test_arrays_keep_shape_and_dtype():
    for array in (np.arange(12).reshape(3, 4), np.array(["а", "бв"]), np.array([1.5, np.nan]),
                  np.array([1, "a", None], dtype=object), np.array([], dtype="float32")):
        back = _trip(array)
        assert back.dtype == array.dtype and back.shape == array.shape
        np.testing.assert_array_equal(back, array)


def test_subclasses_arrive_as_the_plain_value_they_hold():
    class Liar(float):
        def __eq__(self, other):
            return True

        def __float__(self):
            return 42.0

    class Loud(str):
        def __str__(self):
            return "верно"

    assert _trip(Liar(0.5)) == 0.5 and type(_trip(Liar(0.5))) is float
    assert _trip(Loud("ошибка")) == "ошибка" and type(_trip(Loud("x"))) is str


def test_what_cannot_be_sent_is_recorded_as_such():
    assert answers.record("x", object())["kind"] == "unsupported"
    assert answers.record("x", list(range(answers.MAX_ITEMS + 1)))["kind"] == "unsupported"
    deep = []
    for _ in range(5000):
        deep = [deep]
    assert answers.record("x", deep)["kind"] == "unsupported"
    assert answers.record("f", len)["kind"] == "function"


@pytest.mark.parametrize("node", [
    None, [], {"t": "frame", "columns": "x"}, {"t": "float", "v": "NaN-ish"},
    {"t": "int", "v": True}, {"t": "np", "dtype": "object", "v": 1},
    {"t": "series", "index": {"t": "range", "start": 0, "stop": 10 ** 12, "step": 1,
                              "names": [{"t": "none"}]}, "name": {"t": "none"},
     "data": {"kind": "num", "dtype": "int64", "v": [1]}},
    {"t": "axes", "figsize": "big"},
])
def test_malformed_records_are_refused_not_crashed_on(node):
    with pytest.raises(answers.NotTransferable):
        answers.decode(node)


def test_a_chart_comes_back_as_an_axes_that_checks_read_the_same():
    style.apply()
    fig, ax = plt.subplots(figsize=(8, 4))
    bars = ax.barh(["текст", "фото", "видео"], [1.5, 3.0, 2.0], color=style.PALETTE["синий"])
    ax.bar_label(bars, fmt="%.1f")
    ax.axvspan(0.5, 1.0, alpha=0.2)
    ax.plot([0, 1, 2], [1, 2, 3], label="тренд")
    ax.scatter([1, 2], [0.5, 0.7], label="точки")
    ax.legend(title="Легенда")
    style.title(ax, "Заголовок", subtitle="Подзаголовок")
    ax.set_xlabel("ER, %")
    ax.set_ylabel("формат")
    ax.invert_yaxis()
    style.source(fig, "учебные данные")
    back = _trip(ax)
    assert back is not ax and back.figure is not fig
    same = [lambda a: [(p.__class__.__name__, p.get_x(), p.get_y(), p.get_width(),
                        p.get_height()) for p in a.patches],
            lambda a: [[(p.get_x(), p.get_width()) for p in c] for c in a.containers],
            lambda a: (a.get_title(loc="left"), a.get_xlabel(), a.get_ylabel()),
            lambda a: (a.get_xlim(), a.get_ylim(), a.yaxis_inverted(), a.xaxis_inverted()),
            lambda a: [t.get_text() for t in a.get_yticklabels()],
            lambda a: list(a.get_yticks()),
            lambda a: [t.get_text() for t in a.texts],
            lambda a: [(line.get_label(), list(line.get_xdata()), list(line.get_ydata()))
                       for line in a.lines],
            lambda a: [c.get_offsets().tolist() for c in a.collections],
            lambda a: [t.get_text() for t in a.get_legend().get_texts()],
            lambda a: style.source_text(a.figure),
            lambda a: tuple(a.figure.get_size_inches()),
            lambda a: [p.get_facecolor() for p in a.patches]]
    for read in same:
        assert read(back) == read(ax)
    checks.chart(back, bars=3)  # only the bars count, not the axvspan band: as in the kernel
    with pytest.raises(AssertionError):
        checks.chart(back, bars=4)
    plt.close(fig)


def test_a_function_answer_records_its_calls_and_the_stub_answers_only_those():
    calls = []
    wrapped = answers.Recorded("double", lambda frame: frame * 2)
    answers._publish, saved = calls.append, answers._publish
    try:
        frame = pd.DataFrame({"a": [1, 2]})
        wrapped(frame)
        with pytest.raises(ZeroDivisionError):
            answers.Recorded("boom", lambda: 1 / 0)()
    finally:
        answers._publish = saved
    stub = verdict._Recorded([{"name": "double", "kind": "function"}, *calls]).answer("double")
    pd.testing.assert_frame_equal(stub(pd.DataFrame({"a": [1, 2]})), frame * 2)
    with pytest.raises(AssertionError, match="не вызывалась"):
        stub(pd.DataFrame({"a": [1, 3]}))
    boom = verdict._Recorded([{"name": "boom", "kind": "function"}, *calls]).answer("boom")
    with pytest.raises(ZeroDivisionError):
        boom()


def test_answer_sends_records_only_while_grading(monkeypatch):
    sent = []
    monkeypatch.setattr(answers, "_publish", sent.append)
    monkeypatch.delenv(answers.GRADING_MARK, raising=False)
    assert checks.answer("x", {"x": 3}) == 3 and not sent
    monkeypatch.setenv(answers.GRADING_MARK, "1")
    assert checks.answer("x", {"x": 3}) == 3
    assert sent == [{"name": "x", "kind": "int", "node": {"t": "int", "v": 3}}]


def test_grading_mark_is_the_one_the_kit_sets():
    from infowork.exercises import GRADING_MARK

    assert answers.GRADING_MARK == GRADING_MARK


# ---------------------------------------------------------------------------------------------
# The rehearsal: every module's checks, written once, pass their replay on the solution

@pytest.fixture(scope="module")
def rehearsals():
    return {m.id: rehearsal(m.id) for m in MODULES}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_the_master_passes_its_own_replay(module, rehearsals):
    r = rehearsals[module.id]
    assert not r.errors, r.errors
    assert not r.failures, r.failures
    assert r.sources, "the assignment has test cells"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_test_cells_follow_the_rules_of_the_replay(module):
    """Answers come through checks.answer in the visible part, which runs on its own."""
    nb = nbformat.read(module.solution_path(), as_version=4)
    for cell in nb.cells:
        if not verdict.is_test_cell(cell):
            continue
        visible, hidden = verdict.split_hidden(cell.source)
        compile(visible, "visible", "exec")
        asked = set(re.findall(r"checks\.answer\(\"(\w+)\"", cell.source))
        assert asked, f"{cell.metadata.nbgrader.grade_id}: no checks.answer"
        assert asked <= set(re.findall(r"checks\.answer\(\"(\w+)\"", visible)), (
            f"{cell.metadata.nbgrader.grade_id}: an answer first asked for in the hidden part")


def test_replay_fails_a_wrong_answer_and_a_missing_one(rehearsals):
    r = rehearsals["00_intro"]
    key = ("00_intro", "test_overview")
    orgs = data.load("organizations")
    right = [answers.record("n_orgs", len(orgs)),
             answers.record("total_members", int(orgs["members"].sum()))]
    wrong = [right[0], answers.record("total_members", int(orgs["members"].sum()) + 10_000)]
    base = r.base["00_intro"]
    assert verdict.replay_cell(r.sources[key], right, base) is None
    assert "значение неверное" in verdict.replay_cell(r.sources[key], wrong, base)
    assert "не передан" in verdict.replay_cell(r.sources[key], right[:1], base)
    changed = right + [answers.record("n_orgs", len(orgs) + 1)]
    assert "менялся" in verdict.replay_cell(r.sources[key], changed, base)


def _card_records(path, size: str | None, square_values=None) -> list[dict]:
    """The records a kernel sends for 03_infographics step 8: ax_card, and card_path after the
    card was saved at ``size`` (None: not saved at all)."""
    requests = data.load("requests")
    slow = ((requests["days_to_answer"] > 7).groupby(requests["channel"], observed=True).mean()
            * 100).sort_values()
    fig, ax = plt.subplots()
    ax.barh(slow.index.astype(str), square_values if square_values is not None else slow.values)
    style.title(ax, "По e-mail ответа ждут дольше")
    style.source(fig, "горячая линия")
    if size is not None:
        style.save_card(fig, path, size=size)
    records = [answers.record("card_path", path), answers.record("ax_card", ax)]
    plt.close(fig)
    return json.loads(json.dumps(records))


@pytest.mark.parametrize("module", [m for m in MODULES if m.id == "03_infographics"],
                         ids=lambda m: m.id)
def test_a_saved_card_is_measured_outside_the_kernel(module, rehearsals, tmp_path, monkeypatch):
    """The card's file travels as its bytes; the replay reads the picture size from them."""
    r = rehearsals[module.id]
    key, base = (module.id, "test_card"), r.base[module.id]
    monkeypatch.chdir(tmp_path)  # the kernel's folder: out/card.png is relative to it
    card = Path("out") / "card.png"

    right = _card_records(card, "square")
    assert right[0]["kind"] == "file" and "width" not in right[0]["node"]  # no size from the kernel
    assert verdict.replay_cell(r.sources[key], right, base) is None

    card.unlink()  # the replay does not look at the disk: the record holds the bytes
    assert verdict.replay_cell(r.sources[key], right, base) is None

    missing = _card_records(card, None)
    assert "файла out/card.png нет" in verdict.replay_cell(r.sources[key], missing, base)

    wide = _card_records(card, "wide")
    assert "1280×720" in verdict.replay_cell(r.sources[key], wide, base)

    forged = copy.deepcopy(right)  # a PNG header that says 1080×1080 over a cut-off file
    raw = base64.b64decode(forged[0]["node"]["data"])
    forged[0]["node"]["data"] = base64.b64encode(raw[:200]).decode("ascii")
    assert "не картинка PNG" in verdict.replay_cell(r.sources[key], forged, base)

    text = copy.deepcopy(right)
    text[0] = json.loads(json.dumps(answers.record("card_path", "out/card.png")))
    assert "путь к файлу карточки" in verdict.replay_cell(r.sources[key], text, base)

    wrong_bars = _card_records(card, "square", square_values=[1, 2, 3, 4, 5, 6])
    assert "не совпадает с данными" in verdict.replay_cell(r.sources[key], wrong_bars, base)


# ---------------------------------------------------------------------------------------------
# One class graded by nbgrader: honest trainees and the hostile corpus

HONEST = {"honest_solution": 12.0, "honest_alternatives": 12.0, "honest_blank": 0.0}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory, prepared_course):
    module = next(m for m in MODULES if m.id == corpus_verdict.ASSIGNMENT)
    exercise = nbformat.read(module.exercise_path(), as_version=4)
    solution = nbformat.read(module.solution_path(), as_version=4)
    proofs = read_proofs(module.id)
    inbox = tmp_path_factory.mktemp("inbox")
    expected = {}
    for name, (raw, points) in corpus_verdict.submissions(module.exercise_path().parent).items():
        (inbox / name).write_bytes(raw)
        expected[name.removesuffix(f"_{module.id}.ipynb")] = points
    alternatives = {}
    for entry in proofs["alternatives"]:
        alternatives.setdefault(entry["step"], entry["code"])
    honest = {"honest_solution": fill_exercise(exercise, solution),
              "honest_alternatives": fill_exercise(exercise, solution, alternatives),
              "honest_blank": copy.deepcopy(exercise),
              "honest_partial": fill_exercise(exercise, solution, partial_replacements(proofs))}
    for name, nb in honest.items():
        nbformat.write(nb, inbox / f"{name}_{module.id}.ipynb")
    expected |= HONEST | {"honest_partial": float(proofs["partial"]["score"])}
    course = tmp_path_factory.mktemp("course")
    prepared_course(course, module.id, grading.Limits(timeout=30))
    started = time.monotonic()
    result = grading.grade_folder(module.id, inbox, course_root=course,
                                  feedback_dir=course / "out", limits=grading.Limits(timeout=30))
    return module, result, expected, course, time.monotonic() - started


def test_every_trainee_scores_what_their_honest_work_deserves(graded_class):
    _, result, expected, _, _ = graded_class
    got = {r.student: r.score for r in result.results}
    assert got == expected
    assert all(r.graded and not r.problems for r in result.results), \
        [(r.student, r.problems) for r in result.results if r.problems]


def test_steps_passed_only_in_the_kernel_are_flagged_in_the_table(graded_class):
    _, result, _, _, _ = graded_class
    flagged = {r.student: set(r.mismatched) for r in result.results if r.mismatched}
    assert flagged == corpus_verdict.FLAGGED
    table = grading.format_table(result)
    for line in table.splitlines():
        hostile = line.split()[1:2] and line.split()[1] in corpus_verdict.FLAGGED
        assert (report.MISMATCH in line) == bool(hostile), line


def test_gradebook_and_feedback_show_the_independent_score(graded_class):
    from nbgrader.api import Gradebook

    module, result, _, course, _ = graded_class
    with Gradebook(grading._db_url(course), grading.COURSE_ID) as gb:
        for student, steps in corpus_verdict.FLAGGED.items():
            for step in steps:
                grade = gb.find_grade(step, module.id, module.id, student)
                assert grade.auto_score == 0 and grade.score == 0
    page = (course / "out" / f"verdict_disarm_{module.id}.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "AssertionError: независимая проверка: n_orgs: значение неверное" in text
    assert "(баллы: 7 / 12)" in text


def test_answer_records_never_reach_feedback(graded_class):
    module, result, _, course, _ = graded_class
    pages = sorted((course / "out").glob("honest_*.html"))  # the others print fakes themselves
    assert len(pages) == 4
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert answers.MIME not in text and '"node"' not in text, page.name
    autograded = nbformat.read(course / "autograded" / "honest_solution" / module.id /
                               f"{module.id}.ipynb", as_version=4)
    records = [verdict.records_of(c.outputs) for c in autograded.cells
               if verdict.is_test_cell(c)]
    assert all(records), "every test cell of the honest solution sent its answers"


def test_grading_time_of_the_class(graded_class):
    _, result, _, course, seconds = graded_class
    logs = [json.loads(p.read_text(encoding="utf-8")) for p in (course / "logs").glob("*.json")
            if not p.name.startswith(("worker", corpus_verdict.ASSIGNMENT))]
    replay = [log["verdict"]["seconds"] for log in logs if "verdict" in log]
    assert replay and max(replay) < 10, replay
    print(f"\n{len(result.results)} notebooks graded in {seconds:.0f} s; replay per trainee "
          f"{sum(replay) / len(replay):.2f} s on average, at most {max(replay):.2f} s")


# ---------------------------------------------------------------------------------------------
# Module 01 sealed: a function that reads the expected values from the check's frame

STEAL = '''
import sys as _sys
def score_news(items):
    frame = _sys._getframe(1)
    while frame is not None:
        for name in ("_want", "_ref"):
            if name in frame.f_locals and len(frame.f_locals[name]) == len(items):
                return frame.f_locals[name].copy()
        frame = frame.f_back
    return pd.Series(0, index=items.index)
'''


@pytest.mark.parametrize("module", [m for m in MODULES if m.id == "01_content_planning"],
                         ids=lambda m: m.id)
def test_a_function_cannot_copy_the_expected_values_from_the_hidden_check(module, tmp_path,
                                                                         monkeypatch):
    from nbgrader.preprocessors import Execute
    from traitlets.config import Config

    exercise = nbformat.read(module.exercise_path(), as_version=4)
    solution = nbformat.read(module.solution_path(), as_version=4)
    judge_rehearsal = verdict.rehearse({module.id: solution})
    masters = {verdict._grade_id(c): c.source for c in solution.cells if verdict.is_test_cell(c)}
    stolen = fill_exercise(exercise, solution, {"answer_score_news": STEAL})
    honest = fill_exercise(exercise, solution)
    sealed_cls = type("SealedExecute", (verdict.SealedExecution, Execute), {})
    monkeypatch.setattr(verdict.SealedExecution, "probes", dict(judge_rehearsal.probes))
    outcome = {}
    for name, nb in (("honest", honest), ("stolen", stolen)):
        for cell in nb.cells:  # as nbgrader's autograde does: the master test cells run
            if verdict.is_test_cell(cell):
                cell.source = masters[verdict._grade_id(cell)]
        verdict.SealedExecution.store = {}
        executor = sealed_cls(config=Config({"Execute": {"timeout": 60}}))
        executor.preprocess(nb, {"metadata": {"path": str(module.solution_path().parent)},
                                 "nbgrader": {"notebook": module.id}})
        kernel_ok = not any(o.output_type == "error" for c in nb.cells
                            if verdict.is_test_cell(c) for o in c.outputs)
        key = (module.id, "test_score_news")
        replay = verdict.replay_cell(judge_rehearsal.sources[key],
                                     verdict.SealedExecution.store.get(key, []),
                                     judge_rehearsal.base[module.id])
        outcome[name] = (kernel_ok, replay)
    assert outcome["honest"] == (True, None)
    assert outcome["stolen"][0], "the stolen values pass in the kernel"
    assert outcome["stolen"][1] and "score_news" in outcome["stolen"][1]


def test_probes_reach_the_kernel_packed_and_give_the_same_records(monkeypatch):
    """The probe cell's code is what a kernel hashes, tokenizes and parses in pure Python: the
    calls travel packed (module 01's were 0,37 MB as JSON), and the trainee's function is called
    on exactly the same inputs."""
    module = next(m for m in MODULES if m.id == "01_content_planning")
    solution = nbformat.read(module.solution_path(), as_version=4)
    calls = verdict.rehearse({module.id: solution}).probes[(module.id, "test_score_news")]
    packed = answers.pack_calls(calls)
    assert len(packed) * 5 < len(json.dumps(calls))
    assert not set(packed) & set("'\"\\\n")  # safe inside the cell's string literal
    seen = []
    monkeypatch.setattr(answers, "_functions", {"score_news": lambda *a, **k: len(a[0])})
    monkeypatch.setattr(answers, "_publish", seen.append)
    answers.probe(calls)
    plain, seen[:] = list(seen), []
    answers.probe_packed(packed)
    assert seen == plain and len(plain) == len(calls)


def test_the_hostile_notebooks_are_valid_python():
    module = next(m for m in MODULES if m.id == corpus_verdict.ASSIGNMENT)
    for name, (raw, _) in corpus_verdict.submissions(module.exercise_path().parent).items():
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                compile(cell.source.replace("get_ipython()", "globals()"), name, "exec")


def test_self_check_applies_the_same_replay(tmp_path):
    from infowork.grading import selfcheck

    module = next(m for m in MODULES if m.id == corpus_verdict.ASSIGNMENT)
    raw, points = corpus_verdict.submissions(module.exercise_path().parent)[
        f"verdict_disarm_{module.id}.ipynb"]
    path = tmp_path / "моя работа.ipynb"
    path.write_bytes(raw)
    outcome = selfcheck.check(module.id, path, limits=grading.Limits(timeout=30))
    assert outcome.score == points
    lines = "\n".join(outcome.lines())
    assert report.MISMATCH in lines
    shown = report.step_titles(nbformat.read(module.solution_path(), as_version=4)).get(
        "test_overview", "шаг overview")  # as the learner's notebook names the step
    assert f"✗ {shown} — не засчитано: независимая проверка: n_orgs: значение неверное" in lines
    assert path.read_bytes() == raw
