"""The chat while a slow or looping model answers, in a real browser (Debian's /usr/bin/chromium through Playwright).

Blind QA with SmolLM2 behind llama.cpp: no sign of work for minutes, questions sent meanwhile ignored without a word,
the fallback long past ASSISTANT_LLM_TIMEOUT, and a looping English answer kept under the green "Generated" badge.
No test is timed: each sets a one-second model timeout or a slow scripted stream and asserts what the page shows.
Screenshots (1280×800) go to /tmp/web-shots/qa-answering-*.png.

This module runs last among the browser modules, and the hanging-model test last in it: in whole-suite runs the
chats of the apps tested after it, in the same process, sometimes stopped showing new answer text for minutes while
their sources panels updated (stop 47's CI; fresh-clone runs of 07ac14c and 791d6a6). Cause not found.
"""

from __future__ import annotations

import pytest

from tests.test_web_browser import browser, shown_on  # noqa: F401  (the shared Chromium fixture)
from tests.test_web_chats_browser import _rows, _stub_app
from tests.test_web_qa_browser import shot

pytestmark = pytest.mark.slow
SLOW = "".join(f"第{i}点，梯度截断可以防止梯度爆炸，阈值按梯度范数设定 [1]。" for i in range(1, 9))
LAST_BOT = "() => (Array.from(document.querySelectorAll('#chatbot .bot')).pop()?.innerText || '')"
LOOP_EN = "It is a technique that is used to rescale the gradient of the gradient. " * 40


def _last_answer_has(page, text: str, timeout: float = 90_000) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"{LAST_BOT}.includes({text!r})", timeout=timeout)
    except PlaywrightTimeout:  # what the page showed instead, so a failure in CI can be diagnosed
        raise AssertionError(f"the last answer did not show {text!r} within {timeout / 1000:.0f} s; the page showed:\n"
                             f"{shown_on(page)}") from None


def _idle(page) -> None:
    page.wait_for_function("() => !document.querySelector('#send').disabled", timeout=60_000)


def test_send_is_greyed_while_answering_and_a_question_typed_meanwhile_waits(browser, built_home, tmp_path_factory):  # noqa: F811
    from tests.support.openai_stub import Reply

    with _stub_app(browser, built_home, tmp_path_factory, Reply(content=SLOW, chunk_delay=0.15)) as (_, page, db, ctx):
        box = page.locator("#question textarea")
        box.fill("如何修复梯度爆炸问题？")
        box.press("Enter")
        _last_answer_has(page, "阈值")
        send = page.locator("#send")
        assert send.is_disabled() and send.inner_text().strip() == "Answering…"
        assert page.locator("#stop").is_visible()
        box.fill("什么是梯度爆炸？")
        box.press("Enter")
        page.wait_for_function("() => (document.querySelector('#q-problem')?.innerText || '').includes('Still answering')")
        shot(page, "answering-1-busy")
        assert box.input_value() == "什么是梯度爆炸？"
        _last_answer_has(page, "第8点")
        _idle(page)
        assert send.inner_text().strip() == "Send" and not page.locator("#stop").is_visible()
        assert box.input_value() == "什么是梯度爆炸？"  # kept, to be sent now
        assert ctx.errors == []


def test_stop_drops_the_answer_and_gives_the_question_back(browser, built_home, tmp_path_factory):  # noqa: F811
    from tests.support.openai_stub import Reply

    with _stub_app(browser, built_home, tmp_path_factory, Reply(content=SLOW * 3, chunk_delay=0.3)) as (stub, page, db, ctx):
        box = page.locator("#question textarea")
        box.fill("如何修复梯度爆炸问题？")
        box.press("Enter")
        _last_answer_has(page, "阈值")
        page.click("#stop")
        _idle(page)
        page.wait_for_function("() => (document.querySelector('#q-problem')?.innerText || '').includes('Stopped')")
        shot(page, "answering-2-stopped")
        assert box.input_value() == "如何修复梯度爆炸问题？"
        assert page.locator("#chatbot .bot").count() == 0
        page.wait_for_timeout(3_000)  # past unfinished.STOP_WAIT: a kept answer would be saved by now
        assert _rows(db, "SELECT COUNT(*) FROM messages")[0][0] == 0
        assert ctx.errors == []


def test_an_uncited_answer_is_marked_unchecked(browser, built_home, tmp_path_factory):  # noqa: F811
    from tests.support.openai_stub import Reply

    with _stub_app(browser, built_home, tmp_path_factory, Reply(content="Bake it at 200 degrees.")) as (_, page, _, ctx):
        box = page.locator("#question textarea")
        box.fill("What is gradient clipping?")
        box.press("Enter")
        _last_answer_has(page, "cited none of the notes")
        _idle(page)
        page.wait_for_function("() => (document.querySelector('#sources .mode-badge')?.innerText || '').includes('Unchecked')")
        shot(page, "answering-5-unchecked")
        assert ctx.errors == []


def test_a_model_that_never_writes_falls_back_within_the_timeout(browser, built_home, tmp_path_factory):  # noqa: F811
    from tests.support.openai_stub import Reply

    hanging = Reply(content="太慢了 [1]。", delay=120)
    with _stub_app(browser, built_home, tmp_path_factory, hanging, changes={"llm_timeout": 1.0}) as (_, page, db, ctx):
        box = page.locator("#question textarea")
        box.fill("如何修复梯度爆炸问题？")
        box.press("Enter")
        # well before the stub's two minutes: the one-second deadline, not the reply, ends the wait
        _last_answer_has(page, "语言模型调用失败：模型在 1 秒内没有写出任何内容", timeout=30_000)
        _idle(page)
        shot(page, "answering-3-timeout")
        assert "Fallback" in page.locator("#sources .mode-badge").inner_text()
        assert ctx.errors == []
