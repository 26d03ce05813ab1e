"""Chat sending and interrupted answers in a real browser (Debian's /usr/bin/chromium through Playwright).

QA reports, each test failing on the code before its fix: Send clicked while an answer streamed started a second
answer beside it (Enter was ignored then, the button was not), and an interrupted answer's sources panel said it
cited nothing. Screenshots (1280×800 viewport) go to /tmp/web-shots/qa-send-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_web_browser import browser  # noqa: F401  (the shared Chromium fixture)
from tests.test_web_chats_browser import _ask, _rows, _stub_app
from tests.test_web_qa_browser import shot

pytestmark = pytest.mark.slow
# Eight different sentences: one line repeated is a looping model, which falls back to quotes (answering/replies.py).
SLOW = "".join(f"第{i}点，梯度截断可以防止梯度爆炸，阈值按梯度范数设定 [1]。" for i in range(1, 9))
LAST_BOT = "() => (Array.from(document.querySelectorAll('#chatbot .bot')).pop()?.innerText || '')"


def _streaming(page, text: str = "阈值"):
    """Wait until the last answer on the page is being written (shows `text`)."""
    page.wait_for_function(f"{LAST_BOT}.includes({text!r})", timeout=60_000)


def _answers(db: Path) -> list[str]:
    return [r[0] for r in _rows(db, "SELECT content FROM messages WHERE role = 'assistant' ORDER BY id")]


@pytest.mark.parametrize("start, then", [("enter", "send"), ("send", "enter")])
def test_one_question_is_answered_at_a_time(browser, built_home, tmp_path_factory, start, then):  # noqa: F811
    """QA: Send clicked while an answer streamed started a second answer at the same time (Enter was ignored in that
    state, the button was not): the chat showed the two mixed up and extra answer rows were saved. Now Enter and
    Send are one event: while an answer streams, either is ignored and the new question waits in the box."""
    from tests.support.openai_stub import Reply

    with _stub_app(browser, built_home, tmp_path_factory, Reply(content=SLOW, chunk_delay=0.12)) as (_, page, db, ctx):
        box = page.locator("#question textarea")
        box.fill("如何修复梯度爆炸问题？")
        box.press("Enter") if start == "enter" else page.click("#send")
        _streaming(page)
        box.fill("什么是梯度爆炸？")
        # Send is greyed while an answer is written (web/busy.py): a click on it, forced, does nothing
        box.press("Enter") if then == "enter" else page.click("#send", force=True)
        page.wait_for_timeout(1_500)  # a second answer, if one were started, would be on the page by now
        assert page.locator("#chatbot .user").all_inner_texts() == ["如何修复梯度爆炸问题？"]
        assert page.locator("#chatbot .bot").count() == 1
        assert box.input_value() == "什么是梯度爆炸？"  # kept, to be sent when the answer is done
        if then == "send":
            shot(page, "send-1-while-streaming-ignored")
        page.wait_for_function(f"{LAST_BOT}.includes('第8点')", timeout=60_000)
        page.wait_for_function("() => document.querySelector('#chat-list input:checked') !== null", timeout=30_000)
        page.wait_for_timeout(1_000)
        assert page.locator("#chatbot .user").all_inner_texts() == ["如何修复梯度爆炸问题？"]
        assert page.locator("#chatbot .bot").count() == 1
        assert _answers(db) == [SLOW]
        # the waiting question is answered once the first is done
        _ask(page, "什么是梯度爆炸？", "第25题")
        assert page.locator("#chatbot .user").all_inner_texts() == ["如何修复梯度爆炸问题？", "什么是梯度爆炸？"]
        assert len(_answers(db)) == 2
        assert ctx.errors == []



def test_an_interrupted_answer_shows_the_sources_it_had(browser, built_home, tmp_path_factory):  # noqa: F811
    """QA: an answer whose page was reloaded mid-stream is kept, marked unfinished, until the server finishes it; its
    sources panel said "The answer cites no section of the notes", as the saved partial had no sources yet (the
    chain reports them at the end). It says the answer was interrupted and shows the sources its text cites so far."""
    from tests.support.openai_stub import Reply
    from tests.test_web_chats_browser import _open, _slow_answer_in_a_new_chat

    quick = Reply(content="梯度爆炸是梯度范数随层数指数增长 [1]。")  # its save gives this browser its id
    slow = Reply(content=SLOW, chunk_delay=0.4)  # 50 pieces: about 20 s, so it is still unfinished when reopened
    with _stub_app(browser, built_home, tmp_path_factory, slow, quick) as (_, page, db, ctx):
        _slow_answer_in_a_new_chat(page, "[1]")  # its first section cited
        page.reload()  # mid-stream: the server keeps what was written, marked unfinished, and finishes it
        unfinished = "SELECT COUNT(*) FROM messages WHERE content LIKE '%Unfinished%' AND superseded_by IS NULL"
        for _ in range(100):  # it notices the page went away on its next write, maybe after the page loaded again
            if _rows(db, unfinished)[0][0]:
                break
            page.wait_for_timeout(100)
        page.reload()
        _open(page)
        page.wait_for_function("() => document.querySelectorAll('#chat-list label').length === 2", timeout=15_000)
        page.locator("#chat-list label").first.click()
        page.wait_for_function(f"{LAST_BOT}.includes('Unfinished')", timeout=15_000)
        panel = page.locator("#sources").inner_text()
        assert "cites no section" not in panel
        assert "interrupted" in panel and "第28题" in panel  # the section its text cites so far
        shot(page, "send-2-interrupted-answer-sources")
        assert ctx.errors == []
