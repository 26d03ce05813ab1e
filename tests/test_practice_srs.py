"""FSRS scheduling: grade → rating, a month of reviews on a fixed clock, Leitner rows converted by the migration, the schedule view."""

from __future__ import annotations

from assistant.interview.schedule_view import schedule_rows
from assistant.interview.srs import AGAIN, EASY, GOOD, HARD, rating_for, retrievability, review
from assistant.interview.store import MIGRATIONS, Store

DAY = 86400.0
T0 = 1_700_000_000.0


def test_grade_maps_to_rating_and_time_limit_caps_it():
    assert [rating_for(s) for s in (0, 4.9, 5, 6.9, 7, 8.9, 9, 10)] == [AGAIN, AGAIN, HARD, HARD, GOOD, GOOD, EASY, EASY]
    assert rating_for(9.5, over_time=True) == HARD and rating_for(2, over_time=True) == AGAIN


def test_a_month_of_reviews_on_a_fixed_clock():
    """Review whenever due for 30 days: Good stretches the interval, a lapse shortens it, recall at due ≈ 90 %."""
    now, state, log = T0, None, []
    ratings = iter([GOOD, GOOD, AGAIN, GOOD, GOOD, GOOD, GOOD, GOOD, GOOD, GOOD])
    while now < T0 + 30 * DAY:
        rating = next(ratings)
        if state is not None:
            log.append((rating, round(retrievability(state, now), 3)))
        new = review(state, rating, now)
        interval = new["due_at"] - now
        if state is not None and state["state"] == 2 and rating == GOOD:
            assert interval > state["due_at"] - state["last_review"], "a successful review spaces the next one further"
        if rating == AGAIN:
            assert interval == 600 and new["lapses"] == 1, "a lapse comes back in ten minutes"
        state, now = new, new["due_at"]
    review_recalls = [r for rating, r in log if rating == GOOD and r < 0.99]
    assert review_recalls and all(0.88 <= r <= 0.92 for r in review_recalls), log
    assert state["reps"] >= 5 and state["lapses"] == 1 and state["stability"] > 5
    assert retrievability(state, state["last_review"]) == 1.0
    assert retrievability(None, now) == 0.0


def test_migration_converts_leitner_rows_to_cards(tmp_path):
    path = tmp_path / "old.db"
    old = Store(path, upto="m003_llm_grade_details")
    old.db.executemany("INSERT INTO reviews (note_key, box, due_at, last_score, seen) VALUES (?, ?, ?, ?, ?)",
                       [("f:25", 1, T0, 2.0, 1), ("f:26", 3, T0 + 3 * DAY, 8.0, 3)])
    old.db.commit()
    old.close()
    new = Store(path)
    assert new.applied() == [name for name, _ in MIGRATIONS] and new.applied()[3:5] == ["m004_fsrs_cards", "m005_probes_and_timing"]
    cards = new.cards()
    weak, strong = cards["q:f:25"], cards["q:f:26"]
    assert weak["state"] == 1 and weak["due_at"] == T0 and weak["point"] is None
    assert strong["state"] == 2 and strong["stability"] == 3.0 and strong["last_review"] == T0 and strong["reps"] == 3
    assert abs(retrievability(strong, T0 + 3 * DAY) - 0.9) < 0.01, "a Leitner interval is when recall fades to 90 %"
    assert review(strong, GOOD, T0 + 3 * DAY)["stability"] > 3.0, "converted cards keep being scheduled by FSRS"


def test_schedule_rows_show_due_and_how_well_known():
    q = {**review(None, GOOD, T0), "note_key": "f:28", "label": "第28题 如何修复梯度爆炸问题？", "point": None}
    p1 = {**review(None, AGAIN, T0), "note_key": "f:28", "label": "使用 ReLU 激活函数", "point": "a"}
    p2 = {**review(None, GOOD, T0), "note_key": "f:28", "label": "梯度截断", "point": "b"}
    rows = schedule_rows({"q:f:28": q, "p:f:28#a": p1, "p:f:28#b": p2}, {"f:28": "gradient-explosion"}, now=T0 + 3600)
    (row,) = rows
    assert row["due"] == "due now" and row["points_due"] == 1 and row["points"] == 2
    assert 0.45 < row["known"] <= 0.5 and row["weakest"] == "使用 ReLU 激活函数 (0%)"  # one point of two known


def test_the_schedule_says_the_mastery_the_question_list_shows():
    # Over the time limit every point was covered: the question card is rated Hard, the points Good. The list said
    # "100% · 2/2 key points known" while the schedule said "known now 50%".
    from assistant.interview import mastery

    q = {**review(None, HARD, T0), "note_key": "f:24", "label": "第24题", "point": None}
    points = {f"p:f:24#{k}": {**review(None, GOOD, T0), "note_key": "f:24", "label": k, "point": k} for k in "ab"}
    cards = {"q:f:24": q, **points}
    (row,) = schedule_rows(cards, {}, now=T0 + 60)
    (m,) = mastery.questions(cards, [], now=T0 + 60)
    assert row["known"] == m.mastery > 0.99


def test_a_question_just_failed_reads_not_known_not_predicted_recall_100():
    # FSRS predicts 100 % recall right after any review; the schedule showed that beside a 0/10 answer.
    q = {**review(None, AGAIN, T0), "note_key": "f:28", "label": "第28题 如何修复梯度爆炸问题？", "point": None}
    assert retrievability(q, T0 + 1) > 0.99
    (row,) = schedule_rows({"q:f:28": q}, {}, now=T0 + 1)
    assert row["known"] == 0.0 and row["weakest"] == "-"


def test_the_schedule_and_the_mastery_table_say_the_same_next_review():
    from assistant.interview import mastery

    q = {**review(None, GOOD, T0), "note_key": "f:25", "label": "第25题 什么是梯度爆炸？", "point": None}
    missed = {**review(None, AGAIN, T0), "note_key": "f:25", "label": "误差梯度", "point": "a"}
    assert missed["due_at"] < q["due_at"]  # a missed point's relearning step comes back first
    cards = {"q:f:25": q, "p:f:25#a": missed}
    (row,) = schedule_rows(cards, {"f:25": "gradient-explosion"}, now=T0 + 60)
    (m,) = mastery.questions(cards, [], now=T0 + 60)
    assert row["due_at"] == m.due_at == missed["due_at"] and row["due"] == m.due and row["due"] != "due now"


def test_points_covered_in_a_thin_answer_are_a_hard_review_not_good():
    """Blind web QA (2026-12-06): "2 of 2 points covered" at 5.8/10 made the question 100 % "strong". A covered point
    is rated no higher than the answer as a whole (but at least Hard); missed and contradicted points stay Again."""
    from types import SimpleNamespace

    from assistant.interview import mastery
    from assistant.interview.grades import Grade
    from assistant.interview.practice import card_updates
    from assistant.notes.keypoints import Point

    note = SimpleNamespace(key="n:24", label="第24题")
    points = [Point("先做两次卷积加一次池化", (), "central"), Point("人脸不同区域特征不同", (), "central")]

    def rated(score: float, statuses: list[str]) -> list[int]:
        rows = [{"point": p.lead, "status": s} for p, s in zip(points, statuses)]
        grade = Grade(24, score, [], [], "", [], points=rows)
        cards = card_updates(note, points, grade, {}, T0)
        return [c["last_rating"] for c in cards.values() if c["point"]]

    assert rated(5.8, ["covered", "covered"]) == [HARD, HARD]
    assert rated(2.0, ["covered", "missed"]) == [HARD, AGAIN]
    assert rated(8.0, ["covered", "contradicted"]) == [GOOD, AGAIN]
    assert rated(9.5, ["covered", "covered"]) == [GOOD, GOOD]  # Easy for the question, Good for each point
    cards = card_updates(note, points, Grade(24, 5.8, [], [], "", [], points=[
        {"point": p.lead, "status": "covered"} for p in points]), {}, T0)
    (m,) = mastery.questions(cards, [], now=T0 + 60)
    assert m.level != "strong"
