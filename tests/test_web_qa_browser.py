"""Blind-QA web fixes in a real browser (Debian's /usr/bin/chromium through Playwright, never a downloaded browser).

Each test is one QA report and fails on the code before its fix: the opened note scrolled into view, the
conversation list keeping its selection, the LLM-failure notice shown once (on the page and in the Markdown export),
a question sent before the page finished loading kept in the list, and an interrupted regenerate saved like an
interrupted answer.
Screenshots (1280×800 viewport) go to /tmp/web-shots/qa-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.servers import close_app
from tests.support.shots import save_shot
from tests.test_web_browser import browser  # noqa: F401  (the shared Chromium fixture)
from tests.test_web_chats_browser import _ask, _new_context, _open, _rows, _serve, _stub_app, _tab, _titles

pytestmark = pytest.mark.slow
# The chat scrolls inside its own box (the page does not): for a screenshot of an answer's first lines.
SCROLL_CHAT_TO_TOP = """(el) => { for (let n = el.parentElement; n; n = n.parentElement)
    if (n.scrollHeight > n.clientHeight + 2 && getComputedStyle(n).overflowY !== 'visible') { n.scrollTop = 0; break; }
  window.scrollTo(0, 0); }"""


def shot(page, name: str) -> Path:
    """A viewport screenshot in /tmp/web-shots/qa-<name>.png."""
    return save_shot(page, "qa", name)


@pytest.fixture(scope="module")
def app(built_home, tmp_path_factory):
    """(url, database path) of an extractive app over its own copy of the session index."""
    demo, url, db = _serve(built_home, tmp_path_factory)
    yield url, db
    close_app(demo)


@pytest.fixture
def page(browser, app):  # noqa: F811
    ctx = _new_context(browser)
    tab = _tab(ctx)
    _open(tab, app[0])
    yield tab
    assert ctx.errors == []
    ctx.close()


def test_open_in_notes_scrolls_the_opened_question_into_view(page):
    """QA: "Open in Notes" on 第40题 selected it in the Notes list, but the list stayed at its top (21–32 shown)."""
    _ask(page, "GRU对LSTM做了哪些改动？", "第40题")
    page.locator("#sources .src-item", has_text="第40题").first.locator(".src-open").click()
    page.wait_for_function("() => (document.querySelector('#note-view')?.innerText || '').includes('GRU')", timeout=15_000)
    assert "40." in page.locator("#notes-list label:has(input:checked)").inner_text()
    in_view = """() => { const el = document.querySelector('#notes-list label:has(input:checked)');
        const list = document.getElementById('notes-list').getBoundingClientRect(), r = el.getBoundingClientRect();
        return r.top >= list.top - 1 && r.bottom <= list.bottom + 1 && r.top >= 0 && r.bottom <= window.innerHeight; }"""
    page.wait_for_function(in_view, timeout=5_000)
    # the section it opened is still in view beside the list
    assert page.locator("#note-view h2").bounding_box()["y"] >= 0
    shot(page, "1-open-in-notes-scrolled")


def test_the_llm_failure_notice_is_shown_once(browser, built_home, tmp_path_factory):  # noqa: F811
    """QA: with the LLM endpoint failing, "（语言模型调用失败…以下改为笔记原文摘录。）" was in the answer and again in the
    sources panel. It stays in the answer; the panel keeps its "Fallback" badge."""
    from tests.support.openai_stub import Reply

    with _stub_app(browser, built_home, tmp_path_factory, Reply(status=500, error={"message": "boom"})) as (_, page, _, ctx):
        _ask(page, "如何修复梯度爆炸问题？", "第28题")
        assert "语言模型调用失败" in page.locator("#chatbot .bot").last.inner_text()
        assert "failed → extractive quotes" in page.locator("#sources .mode-fallback").inner_text()
        assert page.inner_text("body").count("语言模型调用失败") == 1
        page.locator("#chatbot .bot").last.evaluate(SCROLL_CHAT_TO_TOP)  # the notice opens the answer
        shot(page, "3-llm-failure-notice-once")
        page.reload()  # a reopened conversation renders the saved record the same way
        _open(page)
        page.wait_for_function("() => document.querySelectorAll('#chatbot .bot').length === 1", timeout=15_000)
        page.wait_for_selector("#sources .mode-fallback")
        assert page.inner_text("body").count("语言模型调用失败") == 1
        with page.expect_download() as download:  # and the Markdown export has it once too (it was quoted again)
            page.click("#chat-export")
        assert Path(download.value.path()).read_text(encoding="utf-8").count("语言模型调用失败") == 1
        assert ctx.errors == []


def test_a_question_sent_before_the_page_finished_loading_stays_listed(browser, built_home, tmp_path_factory,  # noqa: F811
                                                                        monkeypatch):
    """QA: a question sent before the first page load finished was answered and saved, but the load (which gave the
    new browser its own id) then emptied the chat and list, and after a reload the conversation was not listed:
    it was saved under the id the question's event had made. One id per page load now, and a late load leaves the
    chat to the question (web/page_sessions.py)."""
    import time

    from assistant.web.conversations import Conversations
    from tests.test_web_browser import _ask as ask_until_sourced

    on_load = Conversations.on_load

    def slow_load(self, *args, **kwargs):  # a busy server: the page's load event finishes after the answer
        time.sleep(4)
        return on_load(self, *args, **kwargs)

    monkeypatch.setattr(Conversations, "on_load", slow_load)
    demo, url, db = _serve(built_home, tmp_path_factory)
    ctx = _new_context(browser)
    try:
        page = _tab(ctx)
        page.goto(url)
        page.wait_for_selector("#question textarea", timeout=30_000)  # the page shows; its load event still runs
        ask_until_sourced(page, "什么是梯度爆炸？", "第25题")
        page.wait_for_timeout(5_000)  # the load has finished by now
        assert page.locator("#chatbot .bot").count() == 1  # its empty chat did not replace the answer
        page.wait_for_function("() => document.querySelector('#chat-list input:checked') !== null", timeout=10_000)
        assert _titles(page) == ["什么是梯度爆炸？"]
        shot(page, "4-asked-before-load")
        page.reload()
        _open(page)
        page.wait_for_function("() => document.querySelectorAll('#chatbot .bot').length === 1", timeout=20_000)
        assert _titles(page) == ["什么是梯度爆炸？"] and page.locator("#chat-list input:checked").count() == 1
        assert len(_rows(db, "SELECT DISTINCT user FROM conversations")) == 1
        assert ctx.errors == []
    finally:
        ctx.close()
        close_app(demo)


def test_a_reload_while_regenerating_keeps_the_new_answer_finished(browser, built_home, tmp_path_factory,  # noqa: F811
                                                                  monkeypatch):
    """QA: reloading while "Retry" streamed a new answer dropped it: the page had shown the new answer half-written,
    the reloaded chat showed the old one, and the model's work was lost. It is now kept and finished on the server
    as an interrupted answer is (web/unfinished.py): the old answer superseded, then the finished new one."""
    import sys

    from tests.support.openai_stub import Reply

    unraisable: list = []  # what Python prints as "Exception ignored in: …"
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    # Eight different sentences (one repeated line would be a looping model, which falls back to quotes).
    second = "".join(f"第二版第{i}点，梯度截断可以防止梯度爆炸，阈值按梯度范数设定 [1]。" for i in range(1, 9))
    first = Reply(content="第一版：梯度截断可以防止梯度爆炸 [1]。")
    with _stub_app(browser, built_home, tmp_path_factory, Reply(content=second, chunk_delay=0.12), first) as (
            _, page, db, ctx):
        _ask(page, "如何修复梯度爆炸问题？", "第28题")
        page.locator("#chatbot button[aria-label='Retry']").click()
        page.wait_for_function("() => (Array.from(document.querySelectorAll('#chatbot .bot')).pop()?.innerText || '')"
                               ".includes('第二版第2点')", timeout=60_000)
        page.reload()  # mid-stream
        _open(page)
        current = "SELECT content FROM messages WHERE role = 'assistant' AND superseded_by IS NULL"
        for _ in range(300):  # the server finishes the new answer after its page went away
            if _rows(db, current) == [(second,)]:
                break
            page.wait_for_timeout(100)
        assert _rows(db, current) == [(second,)]
        old = [r[0] for r in _rows(db, "SELECT content FROM messages WHERE superseded_by IS NOT NULL ORDER BY id")]
        # the old answer, then what the new one had when the page went away, marked unfinished
        assert len(old) == 2 and old[0].startswith("第一版") and "第二版第2点" in old[1] and "Unfinished" in old[1]
        page.reload()
        _open(page)
        page.wait_for_function("() => document.querySelectorAll('#chatbot .bot').length === 1", timeout=15_000)
        page.wait_for_function("() => document.querySelector('#chatbot .bot').innerText.includes('第二版第8点')",
                               timeout=15_000)
        bot = page.locator("#chatbot .bot").inner_text()
        assert "第一版" not in bot and "Unfinished" not in bot and bot.count("阈值按梯度范数设定") == 8
        shot(page, "5-regenerate-finished-after-reload")
        assert ctx.errors == []
    assert unraisable == []
