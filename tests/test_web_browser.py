"""The web app in a real browser: Playwright driving Debian's /usr/bin/chromium (never a downloaded browser).

One app serves the shipped notes plus an XSS fixture file; a second one answers through the
scripted OpenAI stub whose stream is cut, to see the fallback. Screenshots go to a temp folder
and are copied to /tmp/web-shots/ for people to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.test_web import XSS, free_port

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOTS = Path("/tmp/web-shots")
XSS_NOTES = f"""## 91. 什么是量子梯度魔法{XSS}？

量子梯度魔法是一种虚构的训练技巧{XSS}，用于测试网页是否安全地显示笔记内容。量子梯度魔法不会执行任何脚本。
"""


@pytest.fixture(scope="module")
def browser():
    """Chromium through Playwright; skipped locally (failed in CI) when the system browser is missing."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run scripts/browser-deps.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Save a full-page screenshot under a temp folder and /tmp/web-shots/; prints the path."""
    folder = tmp_path_factory.mktemp("web-shots")
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shutil.copy(path, SHOTS / path.name)
        print(f"screenshot: {path} (copy in {SHOTS / path.name})")
        return path

    return take


def _serve(settings, assistant):
    from assistant.web.app import launch

    return launch(settings, port=free_port(), block=False, assistant=assistant)


@pytest.fixture(scope="module")
def app_url(built_home, tmp_path_factory):
    """The app over a copy of the session index plus the XSS fixture notes file."""
    from assistant.config import Settings
    from assistant.retrieval.ingest import ingest
    from assistant.service import Assistant
    from tests.conftest import CORPUS

    root = tmp_path_factory.mktemp("xss-home")
    home = root / "home"
    shutil.copytree(built_home, home)
    notes = root / "xss-notes.md"
    notes.write_text(XSS_NOTES, encoding="utf-8")
    settings = Settings.from_env({}, home=home, corpus=(CORPUS, notes))
    assert ingest(settings, [notes], progress=False).errors == []
    demo, url = _serve(settings, Assistant(settings, progress=False))
    yield url
    demo.close()


@pytest.fixture
def page(browser):
    """A fresh tab that records page errors; window.__xss must never be set."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    assert tab.evaluate("typeof window.__xss") == "undefined"
    context.close()


def _open(page, url):
    page.goto(url)
    page.wait_for_selector("#question textarea")
    # Count every distinct text of the latest bot message, to see the answer arrive in pieces.
    page.evaluate("""() => { window.__seen = new Set(); new MutationObserver(() => {
        const bots = document.querySelectorAll('#chatbot .bot'); const last = bots[bots.length - 1];
        if (last) window.__seen.add(last.innerText); }).observe(document.body, {subtree: true, childList: true, characterData: true}); }""")


def _ask(page, question: str, expect: str, timeout: float = 60_000):
    """Send a question and wait until this turn's sources panel is final and mentions `expect`."""
    turns = page.locator("#chatbot .user").count()
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    # The turn's first update adds the user message and resets the panel in one go.
    page.wait_for_function("(n) => document.querySelectorAll('#chatbot .user').length > n", arg=turns, timeout=timeout)
    page.wait_for_function(
        "(t) => { const s = document.querySelector('#sources').innerText;"
        " return s.includes(t) && !s.includes('Answering') && !s.includes('appear here'); }",
        arg=expect, timeout=timeout)


def test_chat_streams_a_cited_answer_and_follows_up(page, app_url, shots):
    _open(page, app_url)
    shots(page, "0-chat-empty")
    _ask(page, "什么是梯度爆炸？", "第25题")
    bot = page.locator("#chatbot .bot").last.inner_text()
    assert "[1]" in bot and "梯度爆炸" in bot
    assert page.locator("#sources .src-item").first.inner_text().startswith("[1]")
    assert "Extractive" in page.locator("#sources .mode-badge").first.inner_text()
    assert page.evaluate("window.__seen.size") >= 2, "the answer did not stream"
    _ask(page, "那怎么解决它？", "第28题")
    shots(page, "1-chat-follow-up")
    page.click("#new-chat")
    page.wait_for_function("() => document.querySelector('#sources').innerText.includes('appear here')")
    assert page.locator("#chatbot .bot").count() == 0
    page.get_by_text("如何修复梯度爆炸问题？").first.click()  # an example question
    page.wait_for_function("() => document.querySelector('#sources').innerText.includes('第28题')", timeout=60_000)
    assert page.errors == []


def test_not_covered_question_is_friendly(page, app_url, shots):
    _open(page, app_url)
    _ask(page, "如何烤一个巧克力蛋糕？", "do not cover")
    assert "笔记中没有涉及" in page.locator("#chatbot .bot").last.inner_text()
    assert page.locator("#sources .src-item").count() == 0
    shots(page, "2-chat-not-covered")
    _ask(page, "dropout 的比例一般设多少？", "do not cover")  # just under the coverage line
    bot = page.locator("#chatbot .bot").last.inner_text()
    assert "最接近的章节" in bot and "第38题" in bot
    assert page.locator("#sources .src-item").count() == 0  # pointers, not sources
    shots(page, "2b-chat-near-miss")


def test_notes_show_figure_placeholders_and_links(page, app_url, shots):
    _open(page, app_url)
    page.get_by_role("tab", name="Notes").click()
    page.locator("#notes-list label", has_text="22. 梯度下降法").click()
    placeholder = page.locator("#note-view .fig-missing").first
    placeholder.wait_for(timeout=15_000)
    assert "figure not included: 局部最优问题-01.png" in placeholder.inner_text()
    assert page.locator("#note-view img").count() == 0
    shots(page, "3-notes-figure")
    page.locator("#notes-list label", has_text="33. 如何理解LSTM网络").click()
    page.wait_for_selector("#note-view a[href='https://www.jianshu.com/p/9dc9f41f0b29/']")
    assert "notes file not included" in page.locator("#note-view").inner_text()


def test_xss_payloads_stay_inert(page, app_url, shots):
    _open(page, app_url)
    _ask(page, "什么是量子梯度魔法？", "量子梯度魔法")
    assert "<script>" in page.locator("#sources .src-title").first.inner_text()  # shown as text
    _ask(page, f"量子梯度魔法 {XSS} 是什么？", "量子梯度魔法")
    assert "<script>" in page.locator("#chatbot .user").last.inner_text()
    shots(page, "4-xss-chat")
    page.get_by_role("tab", name="Notes").click()
    page.locator("#notes-list label", has_text="91.").click()
    page.wait_for_function("() => document.querySelector('#note-view').innerText.includes('虚构的训练技巧')")
    assert page.locator("#note-view script, #note-view img, #sources img").count() == 0
    shots(page, "5-xss-notes")
    page.get_by_role("tab", name="Settings").click()
    page.wait_for_selector("#settings-summary dl")
    shots(page, "6-settings")


def test_llm_failure_mid_stream_shows_notice_and_finishes(browser, offline_settings, shots):
    from assistant.service import Assistant
    from tests.support.openai_stub import Reply, ScriptedOpenAI

    with ScriptedOpenAI() as stub:
        stub.default(Reply(content="梯度截断可以防止梯度爆炸 [1]，权重正则化也有帮助 [1]。", chunk_delay=0.15, cut_after=6))
        settings = offline_settings.replace(openai_base_url=stub.base_url, openai_api_key="k", model="stub-model", llm_retries=0)
        demo, url = _serve(settings, Assistant(settings, progress=False))
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        try:
            _open(tab, url)
            _ask(tab, "如何修复梯度爆炸问题？", "第28题")
            assert tab.evaluate("window.__seen.size") >= 3, "the LLM answer did not stream"
            assert "failed" in tab.locator("#sources .mode-fallback").inner_text()
            assert "语言模型调用失败" in tab.locator("#sources .src-notice").inner_text()
            assert "语言模型调用失败" in tab.locator("#chatbot .bot").last.inner_text()
            assert tab.locator("#chatbot .pending, #chatbot [aria-label*='typing' i]").count() == 0
            assert tab.locator("#question textarea").is_editable()
            shots(tab, "7-llm-fallback")
        finally:
            context.close()
            demo.close()


def test_interview_tab_asks_grades_and_reports(page, app_url, shots):
    _open(page, app_url)
    page.get_by_role("tab", name="Interview").click()
    page.get_by_role("button", name="Start interview").click()
    page.wait_for_function("() => !document.body.innerText.includes('Press Start interview')", timeout=60_000)
    page.wait_for_function("() => /第\\d+题|？|\\?/.test(document.body.innerText)", timeout=60_000)
    page.get_by_label("Your answer").fill("梯度截断：如果梯度超过阈值就截断；也可以使用 ReLU 激活函数和 LSTM，加 L2 权重正则化。")
    page.get_by_role("button", name="Submit answer").click()
    page.wait_for_function("() => /\\d+(\\.\\d)?\\/10/.test(document.body.innerText)", timeout=90_000)
    body = page.inner_text("body")
    assert "/10" in body and "[1] 第" in body  # a score and feedback citing the section
    assert page.locator("img[src=\"x\"]").count() == 0  # the XSS <img> from the notes is shown as text
    shots(page, "8-interview")
    assert page.errors == []
