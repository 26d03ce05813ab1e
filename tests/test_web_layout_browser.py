"""Layout fixes from a blind QA run, in a real browser: Playwright driving Debian's /usr/bin/chromium (never a downloaded browser).

What the run found, one test each (each fails on the page as it was): the interview history empty until Refresh was
pressed; the chat box squeezed to 290 px beside two large buttons (on a phone 200 px, "New chat" alone below); the
Settings model panel unpadded with its presets drawn as plain text; the score chart showing one line where six series
were listed, with every other session named; and on a phone the sidebar toggle cut by the screen edge, an empty
260 px "Download" area before any export, long topic names cut off in the Topic box.

The app is a returning user's: five finished interviews, one topic each, stored before the page opens. Screenshots
(desktop 1280×800, phone 390×844) go to /tmp/web-shots/layout-*.png.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from tests.support.homes import private_assistant
from tests.support.servers import close_app
from tests.support.shots import SHOTS, save_shot
from tests.test_web_browser import _open, browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.slow
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SEEDED = ["gradient-explosion", "rnn", "activation", "overfitting", "cnn"]  # one interview per topic, in this order
LONG_TOPIC = "RNN, LSTM and GRU (循环神经网络（RNN/LSTM/GRU）)"
PORTS = range(7880, 7900)  # the ports this machine leaves to test servers


def _port() -> int:
    """A free port in PORTS."""
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def shot(page, name: str) -> Path:
    """A full-page screenshot in /tmp/web-shots/."""
    return save_shot(page, "layout", name, full_page=True)


@pytest.fixture(scope="module")
def returning(built_home, tmp_path_factory):
    """The URL of an app over a private copy of the index whose user has finished five interviews, one topic each."""
    from assistant.interview.kit import InterviewKit
    from assistant.interview.store import Store
    from assistant.web.app import launch

    settings, assistant = private_assistant(built_home, tmp_path_factory, "layout")
    kit, store = InterviewKit.build(settings, assistant), Store(settings.db_path)
    try:
        for topic in SEEDED:
            session = kit.start(store, topic, 1)
            while not session.done:  # the question, and its follow-up if one is asked
                session.answer("梯度截断；使用 ReLU 激活函数；使用 LSTM；权重正则化；dropout。")
    finally:
        store.close()
    demo, url = launch(settings, port=_port(), block=False, assistant=assistant)
    yield url
    close_app(demo)


def _watched_tab(chromium, viewport: dict):
    """A page of its own context with its script errors collected (`tab.errors`), and the context to close."""
    context = chromium.new_context(**viewport)
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    return context, tab


@pytest.fixture
def desktop(browser):  # noqa: F811
    context, tab = _watched_tab(browser, DESKTOP)
    yield tab
    context.close()


@pytest.fixture
def phone(browser):  # noqa: F811
    context, tab = _watched_tab(browser, PHONE)
    yield tab
    context.close()


def _box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


def _tab(page, url: str, name: str):
    _open(page, url)
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(500)  # leaving Chat, the page slides back over the sidebar's room (0.3 s)


def _answered(page) -> list[str]:
    """The sessions table's "answered" cells ("1/1"), newest first (the grid is virtual: read from its text)."""
    return re.findall(r"^\d+/\d+$", page.inner_text("#iv-sessions"), flags=re.M)


# -- E1: the history is there without pressing Refresh -------------------------------------------------------------

def test_history_shows_when_opened_and_follows_each_answer(desktop, returning):
    page = desktop
    _tab(page, returning, "Interview")
    page.get_by_role("button", name="History and review schedule").click()  # opened; Refresh is not pressed
    page.wait_for_function("() => /^\\d+\\/\\d+$/m.test(document.querySelector('#iv-sessions')?.innerText || '')",
                           timeout=15_000)
    assert len(_answered(page)) == len(SEEDED)
    page.wait_for_function("() => (document.querySelector('#iv-topic-chart')?.innerText || '').includes('RNN, LSTM and GRU')",
                           timeout=15_000)
    assert page.locator("#iv-topic-chart svg").count() >= 1
    assert "第" in page.inner_text("#iv-schedule")  # the review schedule lists the answered questions
    # Blind web QA: at 1280 px the "weakest point" column was cut after a few characters behind a horizontal scroll.
    # Every column fits now, and a long point wraps.
    cut = page.evaluate("""() => { const box = document.querySelector('#iv-schedule').getBoundingClientRect();
        return [...document.querySelectorAll('#iv-schedule th, #iv-schedule td')]
          .filter(c => c.innerText.trim() && (c.getBoundingClientRect().right > box.right + 1
                                             || c.scrollWidth > c.clientWidth + 1))
          .map(c => c.innerText.trim()); }""")
    assert cut == [], cut
    shot(page, "1-history-opened")
    # A graded answer updates the open history: the new session, then its answer, with no Refresh.
    page.locator("#iv-n input[type=number]").fill("1")
    page.click("#iv-start")
    page.wait_for_function("(n) => (document.querySelector('#iv-sessions').innerText.match(/^\\d+\\/\\d+$/gm) || []).length > n",
                           arg=len(SEEDED), timeout=30_000)
    assert _answered(page)[0] == "0/1"
    page.fill("#iv-answer textarea", "梯度截断可以防止梯度爆炸。")
    page.click("#iv-submit")
    page.wait_for_function("() => (document.querySelector('#iv-sessions').innerText.match(/^\\d+\\/\\d+$/gm) || [])[0] === '1/1'",
                           timeout=60_000)
    assert _answered(page)[0] == "1/1"
    assert page.errors == []


# -- E3: the question box has the row ------------------------------------------------------------------------------

PLACEHOLDER_FITS = """() => { const t = document.querySelector('#question textarea'), cs = getComputedStyle(t);
  const c = document.createElement('canvas').getContext('2d'); c.font = cs.fontSize + ' ' + cs.fontFamily;
  return c.measureText(t.placeholder).width <= t.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight); }"""
ROW_WIDTH = "() => document.querySelector('#question').closest('.row').getBoundingClientRect().width"


def test_the_question_box_takes_most_of_the_row(desktop, phone, returning):
    _open(desktop, returning)
    box, send, new = (_box(desktop, s) for s in ("#question textarea", "#send", "#new-chat"))
    assert box["width"] >= 0.6 * desktop.evaluate(ROW_WIDTH), box  # was 290 of 550 px
    assert abs(send["y"] - box["y"]) < 8 and abs(new["y"] - box["y"]) < 8  # the buttons beside it, compact
    assert desktop.evaluate(PLACEHOLDER_FITS), "the placeholder wraps"
    shot(desktop, "2-chat-desktop")
    _open(phone, returning)
    box, send, new = (_box(phone, s) for s in ("#question textarea", "#send", "#new-chat"))
    assert box["width"] >= 0.9 * phone.evaluate(ROW_WIDTH), box  # a line of its own (was 200 px beside Send)
    assert phone.evaluate(PLACEHOLDER_FITS), "the placeholder wraps"
    assert send["y"] >= box["y"] + box["height"] and abs(send["y"] - new["y"]) < 2  # both buttons on the next line
    assert new["x"] > send["x"] + send["width"] - 1 and new["x"] + new["width"] <= 390
    shot(phone, "3-chat-phone")
    assert desktop.errors == [] and phone.errors == []


# -- E4: the language-model panel ----------------------------------------------------------------------------------

def test_the_language_model_panel_is_padded_and_its_presets_are_buttons(desktop, returning):
    page = desktop
    _tab(page, returning, "Settings")
    panel, heading = _box(page, "#settings-llm"), _box(page, "#settings-llm h3")
    assert heading["x"] - panel["x"] >= 8, (panel, heading)  # the heading touched the panel's edge
    for preset in ("#preset-openai", "#preset-ollama"):
        box = _box(page, preset)
        assert box["width"] <= 0.25 * panel["width"] and box["height"] >= 24, box  # each was half the panel wide
        looks = page.evaluate("""([b, p]) => { const s = getComputedStyle(document.querySelector(b));
            const q = getComputedStyle(document.querySelector(p));
            return {radius: parseFloat(s.borderTopLeftRadius), differs: s.backgroundColor !== q.backgroundColor}; }""",
                              [preset, "#settings-llm"])
        assert looks["radius"] > 0 and looks["differs"], looks  # a rounded button, not text on the panel's grey
    page.click("#preset-ollama")  # and it still fills the form
    page.wait_for_function("() => document.querySelector('#llm-base-url input, #llm-base-url textarea').value.includes('11434')")
    shot(page, "4-settings")
    assert page.errors == []


# -- E5: every series of the score chart shows, every session is named ---------------------------------------------

def test_the_score_chart_shows_single_point_topics_and_names_every_session(desktop, returning):
    page = desktop
    _tab(page, returning, "Interview")
    chart = page.locator("#progress-chart svg")
    chart.wait_for(timeout=15_000)
    chart.scroll_into_view_if_needed()
    assert page.locator("#progress-chart .pc-legend li").count() == 1 + len(SEEDED)
    # Each point is on top where it is drawn: under "all topics" a one-session topic was invisible.
    hidden = page.evaluate("""() => [...document.querySelectorAll('#progress-chart circle')].filter((c) => {
        const r = c.getBoundingClientRect(), top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return !top || top.closest('circle') !== c; }).map((c) => c.textContent)""")
    assert hidden == [], hidden
    # One per session and series: the test of E1 may have added a session (this module's app is shared).
    sessions = page.locator("#progress-chart table tr").first.locator("th[scope=col]").count()
    assert sessions >= len(SEEDED) and page.locator("#progress-chart circle").count() >= 2 * len(SEEDED)
    ticks = page.evaluate("""() => [...document.querySelectorAll('#progress-chart text.pc-tick')]
        .map((t) => t.firstChild.nodeValue).filter((t) => t.startsWith('#'))""")  # "#3" (its date is the next line)
    assert ticks == [f"#{i}" for i in range(1, sessions + 1)], ticks  # was #1, #3, #5
    page.locator("#progress-chart").screenshot(path=str(SHOTS / "layout-5-chart.png"))
    assert page.errors == []


# -- E6: phone sidebar toggle, the export's download box, long topic names -----------------------------------------

def test_the_phone_sidebar_toggle_is_whole_and_clear_of_the_title(phone, returning):
    page = phone
    _open(page, returning)
    page.wait_for_function("() => !document.getElementById('chat-sidebar').classList.contains('open')", timeout=15_000)
    page.wait_for_timeout(400)  # the slide-out
    toggle, title = _box(page, "#chat-sidebar .toggle-button"), _box(page, "#app-header h2")
    assert toggle["x"] >= 4 and toggle["width"] >= 32 and toggle["height"] >= 32, toggle  # was glued to x = 0
    assert page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('#chat-sidebar .toggle-button')).borderLeftWidth)") >= 1
    assert toggle["x"] + toggle["width"] <= title["x"], (toggle, title)  # it does not cover the heading
    page.screenshot(path=str(SHOTS / "layout-6-phone-toggle.png"))
    page.locator("#chat-sidebar .toggle-button").click()
    page.wait_for_function("() => document.getElementById('chat-sidebar').classList.contains('open')")
    assert page.errors == []


def test_an_export_downloads_with_one_click(desktop, returning):
    """Blind web QA: an export took two clicks (a button that made a file box, then its link). The buttons now hold
    their files once the accordion is open. No session is open here: the report is the latest session's."""
    page = desktop
    _tab(page, returning, "Interview")
    page.locator("#iv-export > button").first.click()
    page.wait_for_selector("#iv-export-md:not([disabled])", timeout=30_000)
    with page.expect_download() as download:
        page.click("#iv-export-md")
    assert download.value.suggested_filename.endswith(".md")
    assert "Overall" in Path(download.value.path()).read_text(encoding="utf-8")
    assert page.locator("#iv-download").count() == 0  # no blank 260 px file box either
    shot(page, "7-export")
    assert page.errors == []


def test_long_topic_names_fit_the_topic_box(desktop, phone, returning):
    _tab(desktop, returning, "Interview")
    desktop.locator("#iv-topic input").click()
    desktop.locator("#iv-topic ul li", has_text="RNN, LSTM").click()
    desktop.wait_for_function("(t) => document.querySelector('#iv-topic input').value === t", arg=LONG_TOPIC)
    fits = "() => { const i = document.querySelector('#iv-topic input'); return i.scrollWidth <= i.clientWidth; }"
    assert desktop.evaluate(fits), "the topic name is cut off at 1280 px"
    _tab(phone, returning, "Interview")
    # On a phone the box has a line of its own (it was half of one: 104 px for the name).
    topic = _box(phone, "#iv-topic")
    row = phone.evaluate("() => document.querySelector('#iv-topic').closest('.row').getBoundingClientRect().width")
    assert topic["width"] >= 0.9 * row, (topic, row)
    assert desktop.errors == [] and phone.errors == []


ANSWER_TOP = """() => { const bots = document.querySelectorAll("#chatbot .bot"), last = bots[bots.length - 1];
  let box = last.parentElement;
  while (box && !(box.scrollHeight > box.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(box).overflowY)))
    box = box.parentElement;
  return {offset: last.getBoundingClientRect().top - box.getBoundingClientRect().top,
          tall: last.getBoundingClientRect().height > box.clientHeight}; }"""


def test_a_long_answer_is_shown_from_its_start_on_a_phone(phone, returning):
    """Blind web QA: on a phone the chat followed the end of 第28题's long answer, so the user landed on its last
    method and had to scroll up to read it. Once written, an answer taller than the chat box is shown from its start."""
    from tests.test_web_browser import _ask

    _open(phone, returning)
    _ask(phone, "如何修复梯度爆炸问题？", "第28题")
    # Its first line at the top of the chat box, and still there once the chat has settled.
    phone.wait_for_function(f"() => {{ const w = ({ANSWER_TOP})(); return w.tall && w.offset >= -2 && w.offset <= 40; }}",
                            timeout=10_000)
    phone.wait_for_timeout(2500)
    where = phone.evaluate(ANSWER_TOP)
    assert where["tall"] and -2 <= where["offset"] <= 40, where
    shot(phone, "8-long-answer-phone")
    assert phone.errors == []
