"""The interview page that teaches and notes added from the browser: mastery, trend rows, weak-question sessions,
answer cards, and checking, saving and ingesting an uploaded notes file (the core under the web tabs)."""

from __future__ import annotations

import pytest

from assistant.interview import mastery, progress
from assistant.interview.notebook import Notebook
from assistant.interview.session import Interview, InterviewError
from assistant.interview.srs import AGAIN, GOOD, HARD, review
from assistant.interview.store import Store
from assistant.notes.keypoints import outline
from tests.conftest import CORPUS, ROOT
from tests.test_practice_session import PROMPTS, LabelGrader

T0 = 1_700_000_000.0
DAY = 86400.0


def _card(rating: int, note_key: str = "n:1", point: str | None = None, at: float = T0) -> dict:
    return {**review(None, rating, at), "note_key": note_key, "point": point, "label": f"第1题 {note_key}"}


# -- mastery --------------------------------------------------------------------------------------------------


def test_card_strength_is_the_last_rating_times_recall_now():
    good, hard, again = _card(GOOD), _card(HARD), _card(AGAIN)
    assert mastery.card_strength(again, T0 + 60) == 0.0
    assert mastery.card_strength(good, T0 + 60) > 0.95
    assert mastery.card_strength(hard, T0 + 60) == pytest.approx(0.5 * mastery.card_strength(good, T0 + 60), abs=0.05)
    assert mastery.card_strength(good, T0 + 30 * DAY) < mastery.card_strength(good, T0 + DAY)  # recall fades


def test_question_mastery_comes_from_its_point_cards_and_ranks_weakest_first():
    cards = {
        "q:a": _card(GOOD, "a"), "p:a#1": _card(GOOD, "a", "1"), "p:a#2": _card(GOOD, "a", "2"),
        "q:b": _card(HARD, "b"), "p:b#1": _card(GOOD, "b", "1"), "p:b#2": _card(AGAIN, "b", "2"),
        "q:c": _card(AGAIN, "c"),  # a grader without point verdicts: the question card counts
    }
    history = [{"session_id": 1, "position": i, "note_key": k, "question": i + 1, "title": k, "topic": t,
                "score": s, "max_score": 10, "answered_at": "2026-12-01T10:00:00+00:00"}
               for i, (k, t, s) in enumerate([("a", "rnn", 9.0), ("b", "rnn", 5.0), ("c", "cnn", 1.0), ("b", "rnn", 6.0)])]
    rows = mastery.questions(cards, history, now=T0 + 60)
    assert [r.note_key for r in rows] == ["c", "b", "a"]
    c, b, a = rows
    assert c.mastery == 0.0 and c.level == "weak" and c.points == 0 and c.last_score == 1.0
    assert b.mastery == pytest.approx(0.5, abs=0.02) and b.points_known == 1 and b.points == 2
    assert b.attempts == 2 and b.last_score == 6.0  # the latest answer, not the first
    assert a.level == "strong" and a.points_known == 2
    topics = mastery.topics(rows, {"rnn": ["a", "b", "d", "e"], "cnn": ["c"], "gan": ["x"]})
    by = {t.topic: t for t in topics}
    assert by["rnn"].questions == 4 and by["rnn"].practised == 2
    assert by["rnn"].mastery == pytest.approx((a.mastery + b.mastery) / 4)  # unpractised questions count 0
    assert by["gan"].level == "new" and topics[-1].topic == "gan"  # never practised: listed last
    assert by["rnn"].mean_last == pytest.approx(7.5)


def test_level_names():
    assert [mastery.level(x) for x in (None, 0.0, 0.49, 0.5, 0.8, 1.0)] == ["new", "weak", "weak", "fair", "strong", "strong"]


# -- trend rows -----------------------------------------------------------------------------------------------


def _answer(session: int, topic: str, score: float, at: str) -> dict:
    return {"session_id": session, "position": 0, "note_key": f"k{session}{topic}", "question": 1, "title": "t",
            "topic": topic, "score": score, "max_score": 10, "answered_at": at}


def test_trend_rows_per_session_day_and_answer_overall_and_by_topic():
    history = [_answer(1, "rnn", 4.0, "2026-12-01T09:00:00+00:00"), _answer(1, "cnn", 6.0, "2026-12-01T09:05:00+00:00"),
               _answer(2, "rnn", 8.0, "2026-12-03T09:00:00+00:00")]
    used, rows = progress.trend(history, "session", {"rnn": "RNN"})
    assert used == "session"
    overall = [(r["when"], r["score"], r["answers"]) for r in rows if r["series"] == progress.ALL]
    assert [s for _, s, _ in overall] == [5.0, 8.0] and [n for _, _, n in overall] == [2, 1]
    assert overall[0][0].startswith("#1 · ") and overall[1][0].startswith("#2 · ")
    assert {r["series"] for r in rows} == {progress.ALL, "RNN", "cnn"}  # display names where known
    assert [r["score"] for r in rows if r["series"] == "RNN"] == [4.0, 8.0]
    used, rows = progress.trend(history, "day")
    assert used == "day" and len([r for r in rows if r["series"] == progress.ALL]) == 2
    used, rows = progress.trend(history, "answer")
    assert [r["when"] for r in rows if r["series"] == progress.ALL] == ["answer 1", "answer 2", "answer 3"]


def test_trend_falls_back_to_a_finer_grouping_for_a_line():
    one_session = [_answer(1, "rnn", 3.0, "2026-12-01T09:00:00+00:00"), _answer(1, "rnn", 7.0, "2026-12-01T09:01:00+00:00")]
    used, rows = progress.trend(one_session, "day")
    assert used == "answer" and [r["score"] for r in rows if r["series"] == progress.ALL] == [3.0, 7.0]
    assert progress.trend([], "session") == ("answer", [])
    with pytest.raises(ValueError):
        progress.trend(one_session, "week")


def test_progress_chart_is_escaped_svg_with_a_point_per_group_and_series():
    from assistant.web.progress_chart import chart_html

    history = [_answer(1, "rnn", 4.0, "2026-12-01T09:00:00+00:00"), _answer(2, "<b>x</b>", 6.0, "2026-12-02T09:00:00+00:00"),
               _answer(3, "rnn", 8.0, "2026-12-03T09:00:00+00:00")]
    used, rows = progress.trend(history, "session")
    out = chart_html(rows, used)
    assert out.count("<circle") == 3 + 2 + 1 and out.count("<polyline") == 2  # all topics, rnn: lines; <b>x</b>: a point
    assert "<b>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out and "8/10 (1 answer)" in out
    assert 'role="img"' in out and '<table class="sr-only">' in out
    assert "appear here" in chart_html([], "session")
    # One session so far: the chart falls back to one point per answer and its caption says why.
    used, rows = progress.trend(history[:1] + [{**history[0], "question": 2}], "session")
    assert used == "answer" and "per answer (only one session so far)" in chart_html(rows, used, "session")
    assert "so far" not in chart_html(rows, used, "answer")


# -- weak-question sessions and answer cards ------------------------------------------------------------------


@pytest.fixture(scope="module")
def notebook():
    return Notebook.from_files([CORPUS])


def test_practise_weak_starts_with_the_weakest_answered_question(tmp_path, notebook):
    store = Store(tmp_path / "i.db")
    with pytest.raises(InterviewError, match="no answered questions"):
        Interview.start(store, notebook, LabelGrader(), PROMPTS, n=3, now=T0, weak=True)
    first = Interview.start(store, notebook, LabelGrader(), PROMPTS, topic="gradient-explosion", n=2, now=T0)
    note = first.current.note
    first.answer("，".join(p.label for p in outline(first.reference(note).body).points), now=T0)  # every point
    assert first.current.kind == "question"  # nothing missed: no probe
    first.skip(now=T0 + 1)  # the second question: nothing
    weak = Interview.start(store, notebook, LabelGrader(), PROMPTS, n=5, now=T0 + 120, weak=True)
    practised = mastery.questions(store.cards(), store.answer_history(), T0 + 120)
    assert [n.key for n, _ in weak.plan] == [m.note_key for m in practised]  # only answered ones, weakest first
    assert len(weak.plan) == 2 and weak.plan[0][0].key != note.key and weak.plan[1][0].key == note.key


def test_answer_cards_hold_the_answer_and_each_point_with_the_notes_words(tmp_path, notebook):
    from assistant.interview.cards import answer_cards
    from assistant.web.interview_view import card_html

    store = Store(tmp_path / "i.db")
    session = Interview.start(store, notebook, LabelGrader(), PROMPTS, topic="gradient-explosion", n=4, now=T0)
    while session.current.note.number != 28:
        session.skip(now=T0)
    answer = "重新设计网络模型，使用梯度截断（Gradient Clipping）<script>x</script>"
    session.answer(answer, now=T0)
    cards = answer_cards(session)
    card = cards[-1]
    assert card.answer == answer and card.score == 5.0 and card.label.startswith("第28题")
    assert card.prompt == "如何修复梯度爆炸问题？", "the card shows the question, not the interviewer's lead-in"
    assert card.citation == "[1] 第28题 如何修复梯度爆炸问题？" and card.note_key.endswith("::28")
    statuses = [p.status for p in card.points]
    assert statuses.count("covered") == 2 and statuses.count("missed") == 3
    missed = [p for p in card.points if p.status == "missed"]
    assert all(p.support for p in missed) and all(p.mark == "✗" for p in missed)
    assert card.probe is not None and card.probe["status"] is None  # the follow-up is asked next
    out = card_html(card)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count('class="qa-pt qa-missed"') == 3 and "the notes: " in out and "Open in Notes" in out
    assert "2 of 5 key points covered" in out and 'class="qa-score qa-fair"' in out
    assert [c.skipped for c in cards[:-1]] == [True] * (len(cards) - 1)
    # The follow-up answered with what it asked about: those points keep the answer's ✗ and read "then covered in the
    # follow-up".
    asked = card.probe["label"].split("、")
    session.answer("；".join(asked), now=T0)
    card = answer_cards(session)[-1]
    later = [p.point for p in card.points if p.later]
    assert later and set(later) <= set(asked) and all(p.mark == "✗" for p in card.points if p.later)
    # The follow-up's grade counts for the same points (README): each recalled point adds its share (10 / 5).
    assert card.probe["status"] == "covered" and card.score == min(10.0, 5.0 + 2 * len(later))
    out = card_html(card)
    assert f"2 of 5 key points covered, {len(later)} more in the follow-up" in out
    assert out.count("— then covered in the follow-up") == len(later)


def test_a_card_shows_the_question_without_the_interviewers_lead_in(notebook):
    from assistant.interview.cards import card_prompt

    note = notebook.by_number(28)
    assert card_prompt(f"下一题：{note.title}", "question", note) == note.title
    assert card_prompt(f"我们聊聊这个问题：{note.title} 请尽量完整地回答。", "question", note) == note.title
    assert card_prompt("遇到梯度爆炸你会怎么办？", "question", note) == "遇到梯度爆炸你会怎么办？"  # a paraphrase stays
    recall = f"回忆一下「{note.title}」：上次漏掉的两点是什么？"
    assert card_prompt(recall, "recall", note) == recall  # a recall turn says what it asks for


def test_an_answer_to_another_question_says_so_on_its_card_after_the_session(tmp_path, notebook):
    from assistant.interview.cards import answer_cards
    from assistant.interview.grader import OfflineGrader
    from assistant.web.interview_view import card_html

    grader = OfflineGrader(PROMPTS, cache_dir=tmp_path / "kp", sections=notebook.references)  # as the kit builds it
    session = Interview.start(Store(tmp_path / "i.db"), notebook, grader, PROMPTS, topic=notebook.by_number(21).topic,
                              n=5, now=T0)
    while session.current.note.number != 21:
        session.skip(now=T0)
    grade = session.answer("梯度截断：梯度超过阈值就截断。激活函数换成ReLU。用LSTM。加L2权重正则化。", now=T0)
    assert grade.elsewhere == "第28题 如何修复梯度爆炸问题？"
    reopened = Interview(Store(tmp_path / "i.db"), notebook, grader, session.id)  # read back from SQLite
    card = answer_cards(reopened)[-1]
    assert card.elsewhere == grade.elsewhere and card.score <= 3
    assert "this answer is about 第28题 如何修复梯度爆炸问题？" in card_html(card)
    assert {p.status for p in card.points} == {"missed"}, "the feedback says it covers none of 21's points"
    assert "还有别的" not in (card.probe or {}).get("prompt", ""), "no 'any others?' probe: nothing was named"


def test_after_an_answer_to_another_question_the_interviewer_asks_this_one_again(tmp_path, notebook):
    from assistant.interview.grader import OfflineGrader

    grader = OfflineGrader(PROMPTS, cache_dir=tmp_path / "kp", sections=notebook.references)
    session = Interview.start(Store(tmp_path / "i.db"), notebook, grader, PROMPTS, topic=notebook.by_number(25).topic,
                              n=5, now=T0)
    while session.current.note.number != 25:
        session.skip(now=T0)
    grade = session.answer("梯度截断：梯度超过阈值就截断。还可以把激活函数换成 ReLU。", now=T0)
    assert grade.elsewhere.startswith("第28题")
    probe = session.current
    assert probe.kind == "probe" and probe.prompt == "那我们回到这道题：什么是梯度爆炸？"
    assert len(probe.targets) == len(outline(notebook.body_of(probe.note.file_key, probe.note.uid)).points)
    again = session.answer("梯度爆炸就是误差梯度在更新中不断累积变得非常大，导致权重大幅更新、网络不稳定，严重时溢出成 NaN。",
                           now=T0 + 60)
    assert 0 < again.score < 10 and sum(r["status"] == "covered" for r in again.points) >= 2


# -- uploads --------------------------------------------------------------------------------------------------


NEW_NOTES = """# 我的笔记

## 61. 什么是知识蒸馏（Knowledge Distillation）？

知识蒸馏用一个大的教师模型的软标签训练一个小的学生模型，使学生模型在更小的体积下接近教师模型的效果。
温度参数让软标签更平滑，学生模型能学到类别之间的相似关系。
"""


@pytest.mark.parametrize(("name", "data", "needle"), [
    ("notes.pdf", b"%PDF-1.4", "notes.pdf: not a Markdown file"),
    ("big.md", b"## 1. x\n" + b"a" * (2 * 1024 * 1024), "big.md: too big (2.0 MB; the limit is 2.0 MB)"),
    ("latin.md", (ROOT / "tests/fixtures/bad-encoding.md.bin").read_bytes(), "latin.md: not valid UTF-8"),
    ("plain.md", (ROOT / "tests/fixtures/no-headings.md.txt").read_bytes(), "plain.md: no '## N. question' headings"),
    ("empty.md", b"", "empty.md: no '## N. question' headings"),
])
def test_bad_uploads_get_one_line_naming_the_file(name, data, needle):
    from assistant.notes.parse import CorpusError
    from assistant.retrieval.uploads import check

    with pytest.raises(CorpusError) as exc:
        check(name, data)
    assert str(exc.value).startswith(needle) and "\n" not in str(exc.value)


def test_safe_names_keep_the_base_name():
    from assistant.retrieval.uploads import safe_name

    assert safe_name("../../etc/我的 笔记.md") == "我的-笔记.md"
    assert safe_name("C:\\Users\\x\\notes.MARKDOWN") == "notes.markdown"
    assert safe_name("...") == "notes.md" and not safe_name(".hidden.md").startswith(".")


def test_an_upload_is_saved_ingested_and_answered_without_restart(built_copy):
    from assistant.config import Settings
    from assistant.notes.parse import CorpusError
    from assistant.service import Assistant

    settings = Settings.from_env({}, home=built_copy)
    assistant = Assistant(settings, progress=False)
    assert not assistant.ask("什么是知识蒸馏？").covered
    seen: list[tuple[int, int]] = []
    generation = assistant.generation
    path, report, questions = assistant.add_notes("我的 笔记.md", NEW_NOTES.encode(), on_progress=lambda d, t: seen.append((d, t)))
    assert path == settings.notes_dir / "我的-笔记.md" and path.read_text(encoding="utf-8") == NEW_NOTES
    assert report.added == 1 and [q.number for q in questions] == [61]
    assert seen and seen[-1][0] == seen[-1][1] > 0  # progress reached the end
    assert assistant.generation > generation  # the web Interview tab rebuilds its question list from this
    result = assistant.ask("什么是知识蒸馏？")  # the same Assistant: no restart
    assert result.covered and result.to_json()["citations"][0]["question"] == 61
    assert any(n["question"] == 61 for n in assistant.notes())
    again = assistant.add_notes("我的 笔记.md", NEW_NOTES.encode())[1]
    assert again.added == 0 and again.unchanged == 1  # the same file again: nothing embedded
    twin = assistant.add_notes("copy.md", NEW_NOTES.encode())[1]  # the same notes under another name
    assert (twin.added, twin.questions, [r.kept_file for r in twin.repeats]) == (0, 0, [str(path)])
    assert [n["question"] for n in assistant.notes()].count(61) == 1
    # "62、" is read as question 62; "## 63 …" is not read, and the report says so (the Notes tab shows its line).
    mixed = assistant.add_notes("more.md", "## 62、什么是温度？\n温度让软标签更平滑。\n\n## 63 什么是学生模型？\n小模型。\n".encode())
    assert [q.number for q in mixed[2]] == [62] and [(s.line, s.heading) for s in mixed[1].skipped] == [(4, "## 63 什么是学生模型？")]
    with pytest.raises(CorpusError):
        assistant.add_notes("我的 笔记.md", b"no headings at all")
    assert path.read_text(encoding="utf-8") == NEW_NOTES  # a bad replacement leaves the saved file as it was
    restarted = Assistant(settings, progress=False)  # a restart keeps the uploaded notes
    assert restarted.ask("什么是知识蒸馏？").covered


def test_point_cards_of_points_no_longer_in_the_outline_are_left_out_of_mastery_and_the_schedule(notebook):
    from assistant.interview.schedule_view import schedule_rows
    from assistant.interview.srs import point_card, question_card

    note = notebook.by_number(28)
    ids = notebook.point_ids(note)
    card = lambda pid, rating: {**review(None, rating, T0), "note_key": note.key, "point": pid,  # noqa: E731
                                "label": f"point {pid}"}
    cards = {question_card(note.key): {**review(None, GOOD, T0), "note_key": note.key, "point": None,
                                       "label": note.label},
             **{point_card(note.key, pid): card(pid, GOOD) for pid in ids},
             point_card(note.key, "gone000000"): card("gone000000", AGAIN)}  # a point the note no longer makes
    live = notebook.live_cards(cards)
    assert set(cards) - set(live) == {point_card(note.key, "gone000000")}
    (m,) = mastery.questions(live, [], now=T0 + 60)
    assert (m.points_known, m.points) == (len(ids), len(ids)) and m.mastery > 0.9  # not "4/5 known", not dragged down
    (row,) = schedule_rows(live, {}, now=T0 + 60)
    assert row["points"] == len(ids) and "gone000000" not in row["weakest"]
    other = {"q:elsewhere:1": {**cards[question_card(note.key)], "note_key": "elsewhere:1"},
             "p:elsewhere:1#x": {**cards[point_card(note.key, "gone000000")], "note_key": "elsewhere:1"}}
    assert notebook.live_cards(other) == other  # a question not in these notes: its cards as stored


def test_a_card_with_a_contradicted_point_says_each_contradiction_costs_points():
    """Blind CLI QA: "3 of 5 covered" beside 0.4/10 read as unexplained; the card's summary says why."""
    from assistant.interview.cards import AnswerCard, PointLine
    from assistant.web.interview_view import card_html

    points = [PointLine("covered", "使用梯度截断"), PointLine("contradicted", "使用 ReLU 激活函数", said="应该用 sigmoid",
                                                              note="使用 ReLU 激活函数可以减少梯度爆炸")]
    card = AnswerCard(0, 1, "question", "如何修复梯度爆炸问题？", "…", 0.4, 10, "第28题", "[1] 第28题", "", points)
    assert "1 of 2 key points covered, 1 contradicting the notes (each costs points)" in card_html(card)
    assert "contradicting" not in card_html(AnswerCard(0, 1, "question", "q", "…", 5.0, 10, "第28题", "[1] 第28题", "",
                                                       points[:1]))
