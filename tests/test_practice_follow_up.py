"""A follow-up after the fact: the session report, the Markdown export, the web card and the terminal summary keep the
answer's own verdict on each point, say what the follow-up made of it, and report the follow-up's own result."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from assistant.interview.cards import answer_cards
from assistant.interview.notebook import Notebook
from assistant.interview.report_md import render
from assistant.interview.session import Interview
from assistant.interview.session_report import session_report
from assistant.interview.store import Store
from assistant.notes.keypoints import outline
from assistant.web.interview_view import card_html
from tests.conftest import CORPUS
from tests.test_practice_session import PROMPTS, T0, LabelGrader


@pytest.fixture(scope="module")
def notebook():
    return Notebook.from_files([CORPUS])


def _at_question_28(tmp_path, notebook) -> tuple[Store, Interview, list]:
    """Questions 25–27 skipped: question 28 (five fixes) is asked; its outline points."""
    store = Store(tmp_path / "i.db")
    session = Interview.start(store, notebook, LabelGrader(), PROMPTS, topic="gradient-explosion", n=4, now=T0)
    while session.current.note.number != 28:
        session.skip(now=T0)
    return store, session, list(outline(session.reference(session.current.note).body).points)


def _summary(report, capsys) -> str:
    from assistant.cli.interview import _print_report

    _print_report(report)
    return capsys.readouterr().out


def test_a_point_the_answer_contradicted_keeps_its_mark_after_the_follow_up_covers_it(tmp_path, notebook, capsys):
    """Blind QA (第28题): "! 重新设计网络模型" became a plain "✓ … (in the follow-up)" once the follow-up put it right,
    so the candidate reading the report could not see the mistake."""
    store, session, points = _at_question_28(tmp_path, notebook)
    wrong = points[0].label
    session.answer("不" + "；".join(p.label for p in points), now=T0)  # the first point contradicted, the rest covered
    assert session.current.kind == "probe" and session.current.targets and len(session.current.targets) == 1
    assert session.answer(wrong, now=T0).score == 10.0  # the follow-up puts it right
    report = session_report(store, session.id)
    row = report.rows[-1]
    assert row["score"] == 10.0  # the answer's 4 of 5 (leniently 10) and the point recalled in the follow-up
    assert [(p["status"], p.get("follow_up")) for p in row["points"]][0] == ("contradicted", "covered")
    text = render(report, details=True)
    assert f"- ! {wrong} — then covered in the follow-up" in text and f"- ✓ {wrong}" not in text
    card = answer_cards(session, report)[-1]
    assert card.points[0].mark == "!" and card.points[0].later
    html = card_html(card)
    assert "— then covered in the follow-up" in html and 'class="qa-pt qa-contradicted"' in html
    assert "→ covered" in _summary(report, capsys)


def test_a_follow_up_that_covers_one_point_and_contradicts_another_is_reported_as_it_went(tmp_path, notebook, capsys):
    """Blind QA (第24题): the follow-up scored 5/10 with a "!", and the report said "follow-up … → covered" beside a
    checklist with the point ✗ and no word of the contradiction."""
    store, session, points = _at_question_28(tmp_path, notebook)
    session.answer("ok", now=T0)  # covers nothing: a hint, and the question again about every point
    assert session.current.kind == "probe" and len(session.current.targets) == 5
    live = session.answer(f"{points[0].label}；不{points[1].label}", now=T0)
    assert live.score == 2.0 and [r["status"] for r in live.points][:2] == ["covered", "contradicted"]
    report = session_report(store, session.id)
    row = report.rows[-1]
    assert row["probe"]["status"] == "partly covered" and row["score"] == 2.0
    outcome = "2/10: 1 of 5 points covered, 1 contradicts the notes"
    text = render(report, details=True)
    assert f"→ {outcome} |" in text and f"→ {outcome}" in text.split("#### 第28题")[1]
    assert f"- ✗ {points[0].label} — then covered in the follow-up" in text
    assert f"- ✗ {points[1].label} — then contradicted the notes in the follow-up" in text
    assert "→ covered" not in text
    assert f"→ {outcome}" in card_html(answer_cards(session, report)[-1])
    assert f"→ {outcome}" in _summary(report, capsys)


def test_a_follow_up_counted_before_verdicts_were_kept_gets_the_answers_mark_back(tmp_path, notebook):
    """Rows stored by the old merge (the contradicted point overwritten "covered", `later`) read with the answer's own
    verdict again: the answer's rows are still in the database."""
    store, session, points = _at_question_28(tmp_path, notebook)
    session.answer("不" + "；".join(p.label for p in points), now=T0)
    session.answer(points[0].label, now=T0)
    old = [{**r, "status": "covered", "later": True} if i == 0 else r
           for i, r in enumerate(store.answers(session.id)[-1]["points"])]
    for r in old:
        r.pop("follow_up", None)
    with store.db:
        store.db.execute("UPDATE probes SET points = ? WHERE session_id = ?", (json.dumps(old), session.id))
    text = render(session_report(store, session.id), details=True)
    assert f"- ! {points[0].label} — then covered in the follow-up" in text


def test_a_follow_up_about_some_points_says_its_score_is_about_those_points(tmp_path, notebook):
    """Blind QA: after a follow-up about one point, "Score 10/10: you covered every key point of the notes" while 3 of
    the question's 9 points were still missed."""
    _, session, points = _at_question_28(tmp_path, notebook)
    session.answer("不" + "；".join(p.label for p in points), now=T0)
    one = session.answer(points[0].label, now=T0)  # the follow-up asked about the contradicted point only
    assert one.score == 10.0 and one.feedback.startswith("得分 10/10：问到的这个要点覆盖到了（[1] 第28题")
    assert "笔记中的要点都覆盖到了" not in one.feedback

    _, again, points = _at_question_28(tmp_path / "more", notebook)
    again.answer(f"{points[0].label}；{points[3].label}", now=T0)  # "还有别的办法吗？" about the other three
    assert again.current.prompt == "还有别的办法吗？"
    three = again.answer("；".join(p.label for p in (points[1], points[2], points[4])), now=T0)
    assert three.feedback.startswith("得分 10/10：问到的 3 个要点都覆盖到了")

    _, third, points = _at_question_28(tmp_path / "part", notebook)
    third.answer(f"{points[0].label}；{points[3].label}", now=T0)
    part = third.answer(points[1].label, now=T0)
    assert part.feedback.startswith("得分 3.3/10（只算问到的 3 个要点，覆盖了 1 个；[1] 第28题")
    assert "笔记（" not in part.feedback  # not "the notes' 3 points", as if the question had only those


def test_an_english_follow_up_about_one_point_says_so_in_english(notebook):
    from assistant.interview.practice import restrict

    note = notebook.by_number(29)
    ref = notebook.reference(note)
    answer = "The memory cell chooses to remember or forget what the recurrence accumulated."
    graded = LabelGrader().grade(ref, answer)
    rows = [{**r, "status": "covered" if i == 6 else "missed"} for i, r in enumerate(graded.points)]
    one = restrict(replace(graded, points=rows), PROMPTS, ref, answer, [6])
    assert one.feedback.startswith("Score 10/10: you covered the point asked about ([1] 第29题")


def _points(notebook, number: int) -> tuple[str, list]:
    note = notebook.by_number(number)
    return note.title, list(outline(notebook.reference(note).body).points)


def test_a_follow_up_names_the_point_by_its_label_cut_at_a_clause(notebook):
    """Blind QA: 「xt 表示第 t」, "Can you say more about "可以将…"?", 「网络层之间的梯度…」 did not say which point was
    meant: a phrase of the point cut at a comma or a few characters."""
    from assistant.interview.probe import choose

    title, points = _points(notebook, 29)
    answer = "For an RNN the input is a 3-D tensor (time_steps, n_samples, dim_input)."
    rows = [{"point": p.label, "status": "missed" if i == 6 else "covered"} for i, p in enumerate(points)]
    probe = choose(points, rows, title, answer, "en", PROMPTS)
    assert probe.prompt == 'Can you say more about "可以将 Recurrent 的横向操作视为累积已发生的事情…"?'
    title, points = _points(notebook, 30)
    rows = [{"point": p.label, "status": "missed" if i == 2 else "covered"} for i, p in enumerate(points)]
    probe = choose(points, rows, title, "RNN 处理序列数据", "zh", PROMPTS)
    assert probe.prompt == "能再展开说说「xt 表示第 t,t=1,2,3...步(step)的输入」这一点吗？"
    title, points = _points(notebook, 25)
    rows = [{"point": p.label, "status": "contradicted" if i == 3 else "covered", "statement": "", "note": ""}
            for i, p in enumerate(points)]
    probe = choose(points, rows, title, "梯度小于 1 连乘才会爆炸", "zh", PROMPTS)
    assert probe.prompt.startswith("你对「网络层之间的梯度（值大于 1.0）重复相乘…」这一点的说法和笔记不一致")


def test_a_recall_turn_cues_each_point_without_the_notes_numbering(notebook):
    """Blind QA: "你上次没提到的一个要点是什么？（第 4 点，共 9 点）" expected the candidate to know the notes' numbering."""
    from assistant.interview.practice import recall_prompt
    from assistant.interview.srs import point_id

    note = notebook.by_number(38)
    _, points = _points(notebook, 38)
    text = recall_prompt(PROMPTS, note, points, (point_id(points[2].lead),), "zh")
    assert text.endswith("你上次没提到的一种方法是什么？（提示：「B____」）") and "第 3 点" not in text
    note = notebook.by_number(29)
    _, points = _points(notebook, 29)
    text = recall_prompt(PROMPTS, note, points, (point_id(points[3].lead), point_id(points[6].lead)), "en")
    assert text.endswith('Which 2 points did you leave out last time? (hints: "输出张量形状：____"; "可以将____")')
    assert "BatchNormalization" not in recall_prompt(PROMPTS, notebook.by_number(38), _points(notebook, 38)[1],
                                                    (point_id(_points(notebook, 38)[1][2].lead),), "en")


@pytest.mark.parametrize("give_up", ["I don't know", None])
def test_giving_up_on_a_follow_up_after_an_english_answer_is_told_in_english(tmp_path, notebook, give_up):
    """Blind QA: after an English answer, "I don't know" to the follow-up got "已跳过（计 0 分）…"; a bare /skip has no
    words to tell the language by, so it takes the language the candidate has been answering in."""
    store = Store(tmp_path / "i.db")
    session = Interview.start(store, notebook, LabelGrader(), PROMPTS, topic="overfitting", n=1, now=T0)
    assert session.current.note.number == 38  # a Chinese question
    first = session.answer("Dropout and BatchNormalization both help", now=T0)
    assert first.feedback.startswith("Score ") and session.current.kind == "probe"
    skipped = session.answer(give_up, now=T0) if give_up else session.skip(now=T0)
    assert skipped.feedback.startswith("Skipped (scored 0)"), skipped.feedback


def test_an_unpractised_question_does_not_make_a_topic_weak():
    """Blind QA: "Activation functions 44% · weak · … mean last score 8.8/10": the unpractised question, counting 0,
    made the topic "weak" beside a strong answer."""
    from assistant.interview import mastery
    from assistant.interview.srs import GOOD, review
    from assistant.web.interview_view import topic_mastery_html

    cards = {f"p:a#{i}": {**review(None, GOOD, T0), "note_key": "a", "point": str(i), "label": "x"} for i in (1, 2)}
    history = [{"session_id": 1, "position": 0, "note_key": "a", "question": 21, "title": "t", "topic": "activation",
                "score": 8.8, "max_score": 10, "answered_at": "2026-12-01T10:00:00+00:00"}]
    rows = mastery.topics(mastery.questions(cards, history, now=T0 + 60), {"activation": ["a", "b", "c"]})
    assert rows[0].mastery < 0.5 and rows[0].level == "strong" and rows[0].unpractised == 2
    html = topic_mastery_html(rows, {"activation": "Activation functions"})
    assert "weak" not in html and "strong on the 1 practised · 2 not yet practised" in html
