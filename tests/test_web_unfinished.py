"""An unfinished answer's saved record and sources panel (web/unfinished.py, chats/record.py), without a browser.

QA: an answer whose page went away mid-stream was saved with no sources (the chain reports citations only when it
ends), so its panel said "The answer cites no section of the notes". The browser test is in
tests/test_web_send_browser.py; these cover each state the stream can be cut in.
"""

from __future__ import annotations

from assistant.answering.response import AnswerResult
from assistant.chats.record import interrupted_record
from assistant.web.html import sources_panel
from tests.test_web import fake_hit


def _partial(answer: str, mode: str = "llm:m") -> AnswerResult:
    return AnswerResult("q", answer, mode=mode, covered=True, standalone="q", hits=[fake_hit(28), fake_hit(25, "什么是梯度爆炸？")])


def test_an_interrupted_answer_shows_the_sections_its_text_cites_so_far():
    record = interrupted_record(_partial("梯度截断可以防止梯度爆炸 [2]。第二点"), retrieved=True)
    assert record["interrupted"] and [s["n"] for s in record["sources"]] == [2] and "uncited" not in record
    panel = sources_panel(record)
    assert "interrupted" in panel and "cites no section" not in panel
    assert 'id="src-0-2"' in panel and "第25题" in panel and "第28题" not in panel  # its [2] links to that card
    assert "mode-llm" in panel


def test_an_answer_interrupted_before_citing_lists_the_sections_it_was_given():
    for mode in ("llm:m", "extractive"):
        record = interrupted_record(_partial("梯度截断可以", mode), retrieved=True)
        panel = sources_panel(record)
        assert record["sources"] == [] and "cites no section" not in panel
        assert "before it cited a section" in panel and "第28题" in panel and "第25题" in panel and "src-pointer" in panel


def test_an_answer_interrupted_before_retrieval_says_so():
    record = interrupted_record(AnswerResult(""), retrieved=False)
    panel = sources_panel(record)
    assert "before its sources were found" in panel
    assert "do not cover" not in panel and "Not in the notes" not in panel and "mode-badge" not in panel


def test_an_unfinished_answer_saved_before_the_fix_says_it_was_interrupted():
    """Kept with the pending record (no sources, no sections given): not "cites no section" either."""
    from assistant.chats.record import answer_record

    panel = sources_panel({**answer_record(_partial("梯度截断可以"), pending=True), "interrupted": True})
    assert "interrupted" in panel and "before it cited a section" in panel and "cites no section" not in panel
