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

from tests.support.servers import close_app
from tests.support.shots import SHOTS
from tests.test_web import XSS, free_port

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
# True once the last answer's text (not the "…" placeholder) reads the same four times in a row (see _ask).
SETTLED_JS = """() => { const bots = document.querySelectorAll('#chatbot .bot');
    const text = bots.length ? bots[bots.length - 1].innerText.trim() : ''; const s = window.__settled;
    if (text && text !== '…' && text === s.text) { s.same += 1; } else { s.text = text; s.same = 0; }
    return s.same >= 3; }"""
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
    close_app(demo)


@pytest.fixture
def page(browser):
    """A fresh tab that records page errors; window.__xss must never be set."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    # Requests still open, for `shown_on`: whether a stuck chat waits on a script chunk its Markdown renderer imports
    # (a chat left on "…" while the panel was final turned out to be Gradio's visibility updates: web/base.py OFF).
    tab.pending = set()  # the Request objects themselves: an id() could be reused once a finished one is collected
    tab.on("request", lambda r: tab.pending.add(r))  # lambdas: Playwright cannot wrap a builtin method
    tab.on("requestfinished", lambda r: tab.pending.discard(r))
    tab.on("requestfailed", lambda r: tab.pending.discard(r))
    tab.console = []  # console errors, shown on a timeout only (page.errors is what tests assert)
    tab.on("console", lambda m: tab.console.append(m.text[:200]) if m.type == "error" else None)
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
    """Send a question; wait until this turn's sources panel is final and mentions `expect`, and the answer has settled."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    turns = page.locator("#chatbot .user").count()
    box = page.locator("#question textarea")
    box.fill(question)
    # The turn's first update adds the user message, empties the box and resets the panel in one go. Enter is
    # ignored while the previous turn is still saving (Gradio runs one submit at a time per page), so, as a
    # person would, press it again while the question is still in the box.
    for attempt in range(int(timeout // 5_000)):
        if attempt == 0 or box.input_value() == question:
            box.press("Enter")
        try:
            page.wait_for_function("(n) => document.querySelectorAll('#chatbot .user').length > n", arg=turns,
                                   timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    else:
        raise AssertionError(f"{question!r} was not sent within {timeout / 1000:.0f} s")
    try:
        page.wait_for_function(
            "(t) => { const s = document.querySelector('#sources').innerText;"
            " return s.includes(t) && !s.includes('Answering') && !s.includes('appear here'); }",
            arg=expect, timeout=timeout)
        # The panel is plain HTML; the chatbot renders its Markdown asynchronously, so on a loaded machine the panel
        # can be final while the chat still shows "…" or the first line (CI, 2026-12-05). Wait until the last
        # answer's text has stopped changing (four equal readings 0.25 s apart), as a reader would.
        page.evaluate("() => { window.__settled = {text: null, same: 0}; }")
        page.wait_for_function(SETTLED_JS, timeout=timeout, polling=250)
    except PlaywrightTimeout:  # say what the page showed instead, so a failure in CI can be diagnosed
        raise AssertionError(f"no settled answer citing {expect!r} within {timeout / 1000:.0f} s; the page showed:\n"
                             f"{shown_on(page)}") from None


def shown_on(page) -> str:
    """The end of the sources panel, the problem line and the chat, as text, and the page's errors: what a failed
    wait saw."""
    shown = page.evaluate("""() => ['#sources', '#q-problem', '#chatbot'].map(
        (s) => s + ': ' + (document.querySelector(s)?.innerText || '').slice(-400)).join('\\n')""")
    errors = getattr(page, "errors", None) or getattr(page.context, "errors", None) or []
    pending = sorted({request.url for request in getattr(page, "pending", ())})
    return (f"{shown}\npage errors: {errors}\nconsole errors: {getattr(page, 'console', [])[-5:]}"
            f"\nrequests still open: {pending}\n{_busy_threads()}")


def _busy_threads() -> str:
    """Where the app's threads (it runs in this process) are: the stack ends of every thread inside assistant/, so a
    stuck answer shows what its generator waits on."""
    import sys
    import traceback

    out = []
    for ident, frame in sys._current_frames().items():
        stack = traceback.extract_stack(frame)
        if any("/assistant/" in f.filename for f in stack):
            ends = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in stack[-8:]]
            out.append(f"thread {ident}: " + " <- ".join(reversed(ends)))
    return "threads in assistant/: " + ("\n".join(out) if out else "none")


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
    _ask(page, "dropout 的比例一般设多少？", "do not answer")  # just under the coverage line
    bot = page.locator("#chatbot .bot").last.inner_text()
    assert "最接近的章节" in bot and "第38题" in bot
    sources = "#sources .src-item:not(.src-pointer)"
    assert page.locator(sources).count() == 0  # pointers, not sources: listed to read on, nothing cited
    assert "第38题" in page.locator("#sources .src-pointer").first.inner_text()
    shots(page, "2b-chat-near-miss")
    _ask(page, "SELU 有什么特点", "do not answer")  # declined, but the notes name SELU once: that sentence is shown
    bot = page.locator("#chatbot .bot").last
    assert "提到了「SELU」" in bot.inner_text() and "第21题" in bot.inner_text()
    assert "对应的激活函数是 SELU" in bot.locator("blockquote").inner_text()  # quoted, set apart from the reply
    assert page.locator(sources).count() == 0
    pointer = page.locator("#sources .src-pointer").first
    assert "第21题" in pointer.inner_text() and "SELU" in pointer.inner_text()
    shots(page, "2c-chat-mention")
    pointer.locator(".src-open").click()  # where the notes name it, opened in the Notes tab
    page.wait_for_function("() => (document.querySelector('#note-view')?.innerText || '').includes('SELU')", timeout=30_000)


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
            assert "语言模型调用失败" in tab.locator("#chatbot .bot").last.inner_text()
            assert tab.inner_text("body").count("语言模型调用失败") == 1  # in the answer, not again beside it
            assert tab.locator("#chatbot .pending, #chatbot [aria-label*='typing' i]").count() == 0
            assert tab.locator("#question textarea").is_editable()
            shots(tab, "7-llm-fallback")
        finally:
            context.close()
            close_app(demo)


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


# -- issue 13: interpreted-as, linked citations, input limits, accessibility ----------------------------------

CONTRAST_JS = """(sel) => {
  const el = document.querySelector(sel); if (!el) return null;
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  let bg = null;
  for (let n = el; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { bg = c; break; } }
  const fg = rgb(getComputedStyle(el).color), a = lum(fg), b = lum(bg || [255, 255, 255]);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_citations_link_to_per_message_sources_and_open_in_notes(page, app_url, shots):
    _open(page, app_url)
    _ask(page, "梯度爆炸怎么解决？", "第28题")
    first = page.locator("#chatbot .bot").last
    assert "Interpreted as" not in first.inner_text()  # nothing was rewritten
    card = page.locator("#sources .src-item").first
    assert card.get_attribute("id") == "src-0-1" and "relevance 0." in card.inner_text()
    _ask(page, "那怎么检测它？", "第2")
    bot = page.locator("#chatbot .bot").last.inner_text()
    assert "Interpreted as:" in bot and "梯度爆炸" in bot.split("Interpreted as:")[1]
    assert page.locator("#sources .src-panel").get_attribute("data-msg") == "1"
    shots(page, "9-chat-interpreted-as")
    # [1] of the FIRST answer shows the first answer's sources and highlights its card.
    page.locator("#chatbot .bot").first.locator('a[href="#src-0-1"]').first.click()
    page.wait_for_selector("#sources .src-panel[data-msg='0'] #src-0-1.src-target", timeout=15_000)
    assert "第28题" in page.locator("#src-0-1").inner_text()
    assert "answer 1 of 2" in page.locator("#sources").inner_text()
    shots(page, "10-chat-old-citation")
    # Open in Notes: the Notes tab with that section selected.
    page.locator("#src-0-1 .src-open").click()
    page.wait_for_function("() => (document.querySelector('#note-view')?.innerText || '').includes('如何修复梯度爆炸')", timeout=15_000)
    assert page.get_by_role("tab", name="Notes").get_attribute("aria-selected") == "true"
    assert "28." in page.locator("#notes-list label:has(input:checked)").inner_text()
    assert page.errors == []


def test_question_limit_is_enforced_before_sending(page, app_url, shots):
    page.set_viewport_size({"width": 1280, "height": 800})  # a laptop screen: the counter sits near the fold
    _open(page, app_url)
    box = page.locator("#question textarea")
    box.fill("梯度" * 1200)
    page.wait_for_function("() => document.querySelector('#q-count-text').innerText.includes('2,400 / 2,000')")
    assert "too long" in page.locator("#q-count-text").inner_text()
    box.press("Enter")
    assert page.locator("#send").get_attribute("aria-disabled") == "true"
    # ... and looks it: dimmed (once Gradio's transition has run), with a not-allowed cursor
    page.wait_for_function("() => { const s = getComputedStyle(document.getElementById('send'));"
                           " return parseFloat(s.opacity) < 0.6 && s.cursor === 'not-allowed'; }", timeout=5000)
    page.click("#send", force=True)
    page.wait_for_timeout(1500)
    assert page.locator("#chatbot .user").count() == 0  # nothing was sent
    assert len(box.input_value()) == 2400  # the text is kept
    # ... and why is on screen (it sat below the fold at 1280×800)
    assert page.evaluate("() => document.getElementById('q-count-text').getBoundingClientRect().bottom <= window.innerHeight + 1")
    shots(page, "11-chat-too-long")
    box.fill("什么是梯度爆炸？")
    page.wait_for_function("() => document.querySelector('#q-count-text').innerText.startsWith('8 / 2,000')")
    _ask(page, "什么是梯度爆炸？", "第25题")
    assert page.errors == []


def test_accessibility_contrast_labels_lang_live_region(page, app_url):
    _open(page, app_url)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.get_by_label("Your question").count() == 1
    sources = page.locator("#sources")
    assert sources.get_attribute("aria-live") == "polite" and sources.get_attribute("role") == "region"
    _ask(page, "什么是梯度爆炸？", "第25题")
    for sel in ["#send", "#sources .src-n", '#chatbot a[href^="#src-"]', "#sources .src-sub", "#q-count-text"]:
        ratio = page.evaluate(CONTRAST_JS, sel)
        assert ratio is not None and ratio >= 4.5, (sel, ratio)


def test_page_load_and_time_to_first_token(page, app_url):
    """Figures from the browser: page ready, and Enter → first answer text (extractive, warm index)."""
    import time

    start = time.perf_counter()
    _open(page, app_url)
    load = time.perf_counter() - start
    page.fill("#question textarea", "如何修复梯度爆炸问题？")
    t0 = time.perf_counter()
    page.keyboard.press("Enter")
    page.wait_for_function("() => { const b = document.querySelector('#chatbot .bot'); return b && b.innerText.trim().length > 1; }")
    ttft = time.perf_counter() - t0
    print(f"browser figures: page ready {load:.2f} s, time to first token {ttft:.2f} s")
    assert load < 15 and ttft < 15


def test_settings_connect_an_llm_without_restart(browser, built_home, tmp_path, shots):
    """Presets, a failing and a working connection test, Save: key file 0600, never echoed, answers switch to the LLM."""
    from assistant.config import Settings
    from assistant.service import Assistant
    from tests.support.openai_stub import Reply, ScriptedOpenAI

    home = tmp_path / "home"
    shutil.copytree(built_home, home)
    settings = Settings.from_env({}, home=home)
    demo, url = _serve(settings, Assistant(settings, progress=False))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    try:
        with ScriptedOpenAI() as stub:
            stub.default(Reply(content="ok"))
            _open(tab, url)
            tab.get_by_role("tab", name="Settings").click()
            assert tab.locator("#settings-k").is_hidden()  # extractive: k cannot matter, and the page says why
            assert "Number of sources: extractive answers quote" in tab.locator("#settings-k-note").inner_text()
            assert tab.evaluate(CONTRAST_JS, "#settings-k-note .settings-note") >= 4.5
            tab.click("#preset-ollama")
            tab.wait_for_function("() => document.querySelector('#llm-base-url input, #llm-base-url textarea').value.includes('11434')")
            tab.get_by_label("Base URL").fill(f"http://127.0.0.1:{free_port()}/v1")  # nothing listens there
            tab.click("#llm-test")
            tab.wait_for_selector("#llm-status .settings-test.bad", timeout=30_000)
            failed = tab.locator("#llm-status").inner_text()
            assert "Could not reach" in failed and "\n" not in failed.strip() and "Error" not in failed.split(":")[0]
            tab.get_by_label("Base URL").fill(stub.base_url)
            tab.get_by_label("API key").fill("sk-secret-123")
            tab.get_by_label("Model").fill("stub-model")
            tab.click("#llm-test")
            tab.wait_for_selector("#llm-status .settings-test.ok", timeout=30_000)
            assert "stub-model replied: ok" in tab.locator("#llm-status").inner_text()
            tab.click("#llm-save")
            tab.wait_for_function("() => document.querySelector('#llm-status').innerText.includes('Saved')", timeout=30_000)
            assert tab.get_by_label("API key").input_value() == ""  # never echoed back
            assert "sk-secret-123" not in tab.content()
            assert (home / "llm.key").stat().st_mode & 0o777 == 0o600
            assert "stub-model" in (home / "llm.json").read_text() and "sk-secret" not in (home / "llm.json").read_text()
            assert tab.locator("#settings-k").is_visible()
            shots(tab, "12-settings-llm")
            stub.default(Reply(content="梯度截断可以防止梯度爆炸 [1]。"))
            tab.get_by_role("tab", name="Chat").click()
            _ask(tab, "如何修复梯度爆炸问题？", "第28题")
            assert "llm:stub-model" in tab.locator("#sources .mode-badge").first.inner_text()
            # After a reload the saved model is still shown and used (the page once showed the model at server start).
            tab.reload()
            tab.get_by_role("tab", name="Settings").click()
            tab.wait_for_function("(u) => document.querySelector('#llm-base-url input, #llm-base-url textarea').value === u",
                                  arg=stub.base_url, timeout=30_000)
            assert "llm:stub-model" in tab.inner_text("#settings-summary") and tab.locator("#settings-k").is_visible()
            tab.get_by_role("tab", name="Chat").click()
            _ask(tab, "梯度截断怎么用？", "第28题")  # (with a model, a follow-up is condensed by it: the stub's reply)
            # Waited for, not read at once: both answers cite 第28题, so the panel may still show the first one's
            # sources when _ask returns (a flaky failure: 'answer 2 of 2' not yet in the panel).
            tab.wait_for_function("() => document.querySelector('#sources').innerText.includes('answer 2 of 2')",
                                  timeout=30_000)
            assert "llm:stub-model" in tab.locator("#sources .mode-badge").first.inner_text()
    finally:
        context.close()
        close_app(demo)


def _phone(browser):
    """A browser context the size of a phone (390×844, touch)."""
    return browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


def test_notes_full_text_search_links_and_phone_layout(browser, app_url, shots):
    context = _phone(browser)
    tab = context.new_page()
    try:
        _open(tab, app_url)
        tab.get_by_role("tab", name="Notes").click()
        search = tab.get_by_label("Search the notes")
        assert search.count() == 1
        search.fill("clipnorm")  # only in the body of question 28
        tab.wait_for_function("() => document.querySelectorAll('#notes-list label').length === 1", timeout=15_000)
        assert "28." in tab.locator("#notes-list label").first.inner_text()
        search.fill("ReLU")
        tab.wait_for_function("() => document.querySelectorAll('#notes-list label').length >= 2", timeout=15_000)
        search.fill("")
        tab.wait_for_function("() => document.querySelectorAll('#notes-list label').length >= 20", timeout=15_000)
        shots(tab, "13-notes-phone-list")
        tab.locator("#notes-list label", has_text="28. 如何修复梯度爆炸问题").click()
        tab.wait_for_function("() => (document.querySelector('#note-view')?.innerText || '').includes('clipnorm')", timeout=15_000)
        tab.wait_for_timeout(800)
        box = tab.locator("#note-view").bounding_box()
        assert box is not None and box["y"] < 844 and box["y"] + box["height"] > 0, box  # the section is on screen
        assert tab.locator("#note-view a[href='https://keras.io/optimizers/']").count() == 1  # a bare URL became a link
        tab.screenshot(path=str(SHOTS / "14-notes-phone-selected.png"))
    finally:
        context.close()


def test_phone_chat_screenshot(browser, app_url, shots):
    context = _phone(browser)
    tab = context.new_page()
    try:
        _open(tab, app_url)
        _ask(tab, "什么是梯度爆炸？", "第25题")
        shots(tab, "15-chat-phone")
        tab.get_by_role("tab", name="Settings").click()
        tab.wait_for_selector("#llm-base-url")
        shots(tab, "16-settings-phone")
    finally:
        context.close()
