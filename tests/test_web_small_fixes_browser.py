"""Small web fixes from a blind QA run, in a real browser (Playwright driving Debian's /usr/bin/chromium).

One test per finding, each failing on the page as it was: the interview card's follow-up notes wrapped two letters a
line at 1280 px and the report table broke "score" as "sco/re"; every saved conversation was a Tab stop before the
question box; an empty question did nothing and said nothing; k was 4 again after a reload; the Notes search listed
matches without a snippet and did not mark the word in the section. Screenshots at 1280×800 and 390×844 go to
/tmp/web-shots/small-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.homes import private_assistant
from tests.support.servers import close_app
from tests.support.shots import save_shot
from tests.test_web import free_port
from tests.test_web_browser import browser  # noqa: F401  (the shared Chromium fixture)
from tests.test_web_chats_browser import _ask, _new_context, _open, _stub_app, _tab

pytestmark = pytest.mark.slow
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _context(chromium, viewport: str):
    """A browser context at desktop size or at phone size ("phone")."""
    return _new_context(chromium, **(PHONE if viewport == "phone" else {}))


def shot(page, name: str, full_page: bool = False) -> Path:
    return save_shot(page, "small", name, full_page=full_page)


@pytest.fixture(scope="module")
def served(built_home, tmp_path_factory):
    """(URL, settings, Assistant) of an extractive app over its own copy of the index."""
    from assistant.web.app import launch

    settings, assistant = private_assistant(built_home, tmp_path_factory, "small")
    demo, url = launch(settings, port=free_port(), block=False, assistant=assistant)
    yield url, settings, assistant
    close_app(demo)


@pytest.fixture
def app(served):
    """The app's URL, with its user halfway through a new two-question interview: the first question answered in
    part, its follow-up answered off the point (so its card says what the follow-up made of each point)."""
    from assistant.interview.kit import InterviewKit
    from assistant.interview.store import Store

    url, settings, assistant = served
    kit, store = InterviewKit.build(settings, assistant), Store(settings.db_path)
    try:
        session = kit.start(store, "gradient-explosion", 2, seed=3)
        session.answer("用梯度截断。")
        if session.current and session.current.kind == "probe":  # its follow-up
            session.answer("卷积层负责局部特征，池化层做下采样。")
    finally:
        store.close()
    return url


def _interview(page, url: str):
    _open(page, url)
    page.get_by_role("tab", name="Interview").click()
    page.click("#iv-resume")
    page.wait_for_selector("#answer-cards .qa-later", timeout=30_000)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_follow_up_notes_and_report_headers_keep_their_words_whole(browser, app, viewport):  # noqa: F811
    ctx = _context(browser, viewport)
    page = _tab(ctx)
    try:
        _interview(page, app)
        notes = page.locator("#answer-cards .qa-later")
        for i in range(notes.count()):
            box, line = notes.nth(i).bounding_box(), notes.nth(i).evaluate("(e) => parseFloat(getComputedStyle(e).lineHeight) || 20")
            text_box = notes.nth(i).evaluate_handle("(e) => e.closest('.qa-pt').querySelector('.qa-pt-text')").bounding_box()
            # In the point's text column (as wide as the text above it), not the 1.4em mark column.
            assert box["width"] >= 0.8 * text_box["width"] and box["height"] <= 3.2 * line, (box, text_box)
        notes.first.scroll_into_view_if_needed()
        shot(page, f"1-follow-up-notes-{viewport}")
        while page.locator("#iv-report table").count() == 0:  # skip to the end: the report table
            page.click("#iv-skip")
            page.wait_for_timeout(1500)
        heads = page.locator("#iv-report th")
        for i in range(heads.count()):
            h = heads.nth(i)
            one_line = h.evaluate("(e) => { const r = document.createRange(); r.selectNodeContents(e); "
                                  "return r.getClientRects().length; }")
            assert one_line == 1, h.inner_text()  # "score" and "time" were broken as "sco/re", "tim/e"
        page.locator("#iv-report").scroll_into_view_if_needed()
        shot(page, f"2-report-table-{viewport}")
        assert ctx.errors == []
    finally:
        ctx.close()


def test_the_conversation_list_is_one_tab_stop_and_an_empty_question_says_so(browser, app):  # noqa: F811
    ctx = _new_context(browser)
    page = _tab(ctx)
    try:
        _open(page, app)
        for i, (question, expect) in enumerate([("梯度爆炸是什么？", "第25题"), ("clipnorm 怎么设置？", "第28题"),
                                                ("GRU 和 LSTM 有什么不同？", "第40题")]):
            if i:
                page.click("#new-chat")
                page.wait_for_function("() => document.querySelectorAll('#chatbot .bot').length === 0")
            _ask(page, question, expect)
        page.wait_for_function("() => document.querySelectorAll('#chat-list input[type=radio]').length === 3")
        page.focus("#theme-toggle")
        stops = []
        for _ in range(40):
            page.keyboard.press("Tab")
            stops.append(page.evaluate("() => { const a = document.activeElement; "
                                       "return a.closest('#chat-list') ? 'list' : a.closest('#question') ? 'question' : a.tagName; }"))
            if stops[-1] == "question":
                break
        assert stops[-1] == "question" and stops.count("list") == 1, stops
        # The arrow keys move within the list (and open the conversation moved to).
        page.focus("#chat-list input:checked")
        before = page.eval_on_selector("#chat-list input:checked", "(e) => e.value")
        page.keyboard.press("ArrowDown")
        page.wait_for_function("(v) => document.querySelector('#chat-list input:checked')?.value !== v", arg=before)
        # An empty or blank question is not sent, and the counter says why.
        users = page.locator("#chatbot .user").count()
        page.locator("#question textarea").fill("   ")
        page.locator("#question textarea").press("Enter")
        page.wait_for_function("() => document.getElementById('q-count-text').innerText.includes('Type a question first')")
        page.wait_for_timeout(500)
        assert page.locator("#chatbot .user").count() == users
        shot(page, "3-empty-question-hint")
        page.locator("#question textarea").fill("梯度")  # typing puts the counter back
        assert "Type a question" not in page.inner_text("#q-count-text")
        assert ctx.errors == []
    finally:
        ctx.close()


def test_k_set_in_settings_is_kept_on_reload(browser, built_home, tmp_path_factory):  # noqa: F811
    from tests.support.openai_stub import Reply

    with _stub_app(browser, built_home, tmp_path_factory, Reply(content="ok [1]")) as (_, page, _, ctx):
        page.get_by_role("tab", name="Settings").click()
        number = page.locator("#settings-k input[type=number]")
        number.fill("2")
        number.press("Enter")
        page.wait_for_timeout(1000)
        page.reload()
        _open(page)
        page.get_by_role("tab", name="Settings").click()
        page.wait_for_function("() => document.querySelector('#settings-k input[type=number]')?.value === '2'",
                               timeout=15_000)
        shot(page, "4-k-kept-after-reload")
        assert ctx.errors == []


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_notes_search_shows_a_snippet_and_marks_the_word(browser, app, viewport):  # noqa: F811
    ctx = _context(browser, viewport)
    page = _tab(ctx)
    try:
        _open(page, app)
        page.get_by_role("tab", name="Notes").click()
        page.locator("#notes-filter textarea, #notes-filter input").first.fill("clipvalue")
        # the snippet, on its own line under the question
        page.wait_for_function("() => ((document.querySelector('#notes-list label')?.innerText || '').split('\\n')[1] || '')"
                               ".includes('clipvalue')")
        entry = page.locator("#notes-list label").first
        entry.scroll_into_view_if_needed()
        shot(page, f"5-notes-list-{viewport}")
        entry.click()
        page.wait_for_selector("#note-view mark.hl")
        assert page.locator("#note-view mark.hl").first.inner_text().lower() == "clipvalue"
        page.locator("#note-view mark.hl").first.scroll_into_view_if_needed()
        shot(page, f"6-notes-marked-{viewport}")
        assert ctx.errors == []
    finally:
        ctx.close()
