"""The interview page that teaches, notes upload and dark mode, in a real browser (Debian's /usr/bin/chromium).

Each app serves a private copy of the session index (its own interview database and notes
folder). Screenshots (desktop 1280×800, phone 390×844) go to /tmp/web-shots/ as `teach-*.png`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.support.servers import close_app
from tests.test_web_browser import CONTRAST_JS, _ask, _open, _phone, _serve, browser, shots  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow
GOOD_28 = "重新设计网络模型；使用 ReLU 激活函数；使用长短期记忆网络；使用梯度截断；使用权重正则化。"
DISTILL = """## 61. 什么是知识蒸馏（Knowledge Distillation）？

知识蒸馏用一个大的教师模型的软标签训练一个小的学生模型，使学生模型在更小的体积下接近教师模型的效果。
温度参数让软标签更平滑，学生模型能学到类别之间的相似关系。
"""


def _app(built_home, root, tuned: dict | None = None):
    from assistant.config import Settings
    from assistant.service import Assistant
    from assistant.tuned import write_user_entry

    home = root / "home"
    shutil.copytree(built_home, home, ignore=shutil.ignore_patterns("assistant.db*"))  # a fresh database: other tests chat over built_home
    for name, value in (tuned or {}).items():  # the user's own tuned values, read when the app starts
        write_user_entry(home, name, value, "test")
    settings = Settings.from_env({}, home=home)
    demo, url = _serve(settings, Assistant(settings, progress=False))
    return demo, url, home


@pytest.fixture(scope="module")
def teach_app(built_home, tmp_path_factory):
    """(url, home) of an app over a private copy of the index; interviews in this module share its database."""
    demo, url, home = _app(built_home, tmp_path_factory.mktemp("teach"))
    yield url, home
    close_app(demo)


@pytest.fixture
def desktop(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


def _interview(page, url, topic: str = "Gradient explosion (梯度爆炸)", n: int = 2):
    _open(page, url)
    page.get_by_role("tab", name="Interview").click()
    page.locator("#iv-start").wait_for()
    if topic:
        page.get_by_label("Topic").click()
        page.get_by_role("option", name=topic).click()
    page.locator("#iv-n input[type=number]").fill(str(n))
    page.keyboard.press("Tab")
    page.click("#iv-start")


def _wait_question(page, text: str = "[1/"):
    page.wait_for_function("(t) => (document.querySelector('#iv-question')?.innerText || '').includes(t)", arg=text,
                           timeout=60_000)


def _submit(page, answer: str, cards_before: int):
    """Answer the current turn; wait until the question changes and there are more cards (or a probe is shown)."""
    before = page.inner_text("#iv-question")
    # The last update clears the box; let it land before typing, or it may clear the new answer.
    page.wait_for_function("() => document.querySelector('#iv-answer textarea').value === ''")
    page.wait_for_timeout(200)
    page.fill("#iv-answer textarea", answer)
    page.wait_for_function("(a) => document.querySelector('#iv-answer textarea').value === a", arg=answer)
    page.click("#iv-submit")
    page.wait_for_function(
        "([q, n]) => document.querySelector('#iv-question').innerText !== q"
        " && document.querySelectorAll('#answer-cards .qa-card').length >= n",
        arg=[before, cards_before], timeout=120_000)


def _sides(page, card: str = "#answer-cards .qa-card:last-child"):
    """The question/answer side and the feedback side of a card, measured in one go (the page may be scrolling)."""
    return page.evaluate("""(sel) => { const c = document.querySelector(sel);
        const r = (x) => { const b = c.querySelector(x).getBoundingClientRect(); return {x: b.x, y: b.y, width: b.width, height: b.height}; };
        return [r('.qa-you'), r('.qa-feedback'), c.getBoundingClientRect().width]; }""", card)


def _skip_probe(page):
    if page.inner_text("#iv-question").startswith("Follow-up"):
        before = page.inner_text("#iv-question")
        page.click("#iv-skip")
        page.wait_for_function("(q) => document.querySelector('#iv-question').innerText !== q", arg=before, timeout=60_000)


def test_an_answer_becomes_a_card_with_its_feedback_beside_it(desktop, teach_app, shots):  # noqa: F811
    url, _ = teach_app
    page = desktop
    _interview(page, url)
    _wait_question(page)
    assert page.locator("#answer-cards .qa-card").count() == 0
    _submit(page, GOOD_28 if "修复" in page.inner_text("#iv-question") else "梯度爆炸就是梯度变得非常大。", 1)
    card = page.locator("#answer-cards .qa-card").first
    assert "梯度" in card.locator(".qa-answer").first.inner_text()  # the user's answer is kept, in the card
    assert card.locator(".qa-pt").count() >= 2 and card.locator(".qa-score").inner_text().endswith("/10")
    assert "[1] 第" in card.locator(".qa-cite").inner_text()
    you, feedback, _ = _sides(page)
    assert feedback["x"] > you["x"] + you["width"] - 1 and abs(feedback["y"] - you["y"]) < 2  # side by side
    marks = card.locator(".qa-pt .qa-mark").all_inner_texts()
    assert set(marks) <= {"✓", "✗", "!"}
    for sel in ["#answer-cards .qa-pt-text", "#answer-cards .qa-h", "#answer-cards .qa-cite", "#answer-cards .qa-score",
                "#answer-cards .qa-why", "#answer-cards .qa-answer", "#iv-question"]:
        if page.locator(sel).count():
            ratio = page.evaluate(CONTRAST_JS, sel)
            assert ratio is not None and ratio >= 4.5, (sel, ratio)
    # The next question (or the follow-up) is below the card.
    assert page.evaluate("() => document.querySelector('#iv-question').getBoundingClientRect().top"
                         " > document.querySelector('#answer-cards .qa-card').getBoundingClientRect().bottom")
    _skip_probe(page)
    _submit(page, "不太清楚，大概和学习率有关。", 2)
    assert page.locator("#answer-cards .qa-card").count() == 2
    # Mastery and the chart after two answers.
    page.wait_for_function("() => document.querySelectorAll('#topic-mastery .m-row').length >= 1")
    assert "practised" in page.inner_text("#topic-mastery") and "梯度爆炸" in page.inner_text("#topic-mastery")
    page.wait_for_function("() => (document.querySelector('#question-mastery')?.innerText.match(/第\\d+题/g) || []).length >= 2",
                           timeout=15_000)
    page.wait_for_function("() => (document.querySelector('#progress-chart')?.innerText || '').includes('all topics')",
                           timeout=15_000)
    assert page.locator("#progress-chart canvas, #progress-chart svg").count() >= 1
    page.wait_for_timeout(500)
    shots(page, "teach-1-interview-desktop")
    # The progress is stored: a reload shows it at once, not only after the next answer.
    page.reload()
    page.get_by_role("tab", name="Interview").click()
    page.wait_for_function("() => (document.querySelector('#topic-mastery')?.innerText || '').includes('梯度爆炸')",
                           timeout=30_000)
    assert page.errors == []


def test_a_timed_interview_counts_down_and_says_when_over(desktop, teach_app, shots):  # noqa: F811
    url, _ = teach_app
    page = desktop
    _open(page, url)
    page.get_by_role("tab", name="Interview").click()
    page.locator("#iv-start").wait_for()
    page.get_by_label("Time limit per question (s, 0 = none)").fill("3")
    page.keyboard.press("Tab")
    page.click("#iv-start")
    _wait_question(page)
    timer = page.locator("#iv-question .iv-timer")
    timer.wait_for()
    page.wait_for_function("() => /^0:0[0-2] left$/.test(document.querySelector('#iv-question .iv-timer').innerText)",
                           timeout=5_000)  # counting down, as m:ss
    page.wait_for_function("() => document.querySelector('#iv-question .iv-timer').classList.contains('over')",
                           timeout=10_000)
    assert "over the time limit by 0:0" in timer.inner_text() and "rated at most Hard" in timer.inner_text()
    ratio = page.evaluate(CONTRAST_JS, "#iv-question .iv-timer")
    assert ratio is not None and ratio >= 4.5, ratio
    shots(page, "teach-timer-over")
    _submit(page, "梯度爆炸就是梯度变得非常大。", 1)
    assert "over the time limit" in page.locator("#answer-cards .qa-card .qa-time").last.inner_text()
    assert page.errors == []


def test_phone_stacks_the_card(browser, teach_app, shots):  # noqa: F811
    url, _ = teach_app
    context = _phone(browser)
    page = context.new_page()
    try:
        _interview(page, url, topic="", n=1)
        _wait_question(page)
        _submit(page, "用 Dropout 和 L2 正则化。", 1)
        you, feedback, width = _sides(page)
        assert feedback["y"] >= you["y"] + you["height"] - 1 and width <= 390  # stacked, within the screen
        shots(page, "teach-2-interview-phone")
    finally:
        context.close()


def test_practise_weak_starts_with_the_weakest_question(desktop, teach_app, shots):  # noqa: F811
    from assistant.interview import mastery
    from assistant.interview.store import Store

    url, home = teach_app
    page = desktop
    _interview(page, url, topic="", n=2)  # all topics; answered questions exist from the tests above, two more here
    _wait_question(page)
    _submit(page, GOOD_28, 1)
    _skip_probe(page)
    if "Interview finished" not in page.inner_text("#iv-question"):
        before = page.inner_text("#iv-question")
        page.click("#iv-skip")
        page.wait_for_function("(q) => document.querySelector('#iv-question').innerText !== q", arg=before, timeout=60_000)
    store = Store(home / "assistant.db")
    weakest = mastery.questions(store.cards(), store.answer_history())[0]
    first_listed = re.search(r"第\d+题", page.inner_text("#question-mastery"))
    assert first_listed and weakest.label.startswith(first_listed.group(0))  # the table lists the weakest first too
    page.click("#iv-weak")
    page.wait_for_function("() => document.querySelectorAll('#answer-cards .qa-card').length === 0", timeout=60_000)
    _wait_question(page)
    session = store.session(store.sessions_summary(1)[0]["id"])
    assert session["plan"][0]["key"] == weakest.note_key
    assert session["plan"][0]["prompt"].split("：")[-1][:4] in page.inner_text("#iv-question")
    shots(page, "teach-3-weak-session")
    store.close()


@pytest.fixture
def upload_app(built_home, tmp_path):
    demo, url, home = _app(built_home, tmp_path)
    yield url, home
    close_app(demo)


def _upload(page, path):
    page.get_by_role("tab", name="Notes").click()
    if not page.locator("#notes-upload").is_visible():  # the "Add notes" panel stays open after an upload
        page.get_by_text("Add notes").click()
    page.locator("#notes-upload input[type=file]").set_input_files(str(path))


def test_uploaded_notes_are_answered_in_chat(desktop, upload_app, tmp_path, shots):  # noqa: F811
    url, home = upload_app
    page = desktop
    notes = tmp_path / "distill-notes.md"
    notes.write_text(DISTILL, encoding="utf-8")
    _open(page, url)
    _upload(page, notes)
    page.wait_for_selector("#notes-upload-status .upload-status.ok", timeout=120_000)
    status = page.inner_text("#notes-upload-status")
    assert "Added distill-notes.md: 1 question(s)" in status and "\n" not in status.strip()
    assert (home / "notes" / "distill-notes.md").read_text(encoding="utf-8") == DISTILL
    page.wait_for_function("() => (document.querySelector('#note-view')?.innerText || '').includes('知识蒸馏')")
    assert "61." in page.locator("#notes-list label:has(input:checked)").inner_text()
    shots(page, "teach-4-notes-upload-desktop")
    page.get_by_role("tab", name="Chat").click()
    _ask(page, "什么是知识蒸馏？", "第61题")
    assert "[1]" in page.locator("#chatbot .bot").last.inner_text()
    assert "第61题" in page.locator("#sources .src-item").first.inner_text()
    copy = tmp_path / "distill-copy.md"  # the same notes under another name: said so, and listed once
    copy.write_text(DISTILL, encoding="utf-8")
    _upload(page, copy)
    page.wait_for_function("() => document.querySelector('#notes-upload-status').innerText.includes('Added distill-copy.md')",
                           timeout=120_000)
    assert "1 already in your notes word for word (e.g. distill-notes.md), so kept once" in page.inner_text(
        "#notes-upload-status")
    assert page.locator("#notes-list label", has_text="61.").count() == 1
    assert "distill-notes · 61." in page.locator("#notes-list label:has(input:checked)").inner_text()  # the kept copy
    shots(page, "teach-4b-notes-repeated-upload")
    # A reload (or another browser) lists the uploaded notes too, not the list the server rendered at start.
    page.reload()
    page.get_by_role("tab", name="Notes").click()
    page.wait_for_function("() => (document.querySelector('#notes-list')?.innerText || '').includes('61.')", timeout=30_000)
    assert page.locator("#notes-list label", has_text="61.").count() == 1
    page.fill("#notes-filter textarea, #notes-filter input", "蒸馏")
    page.wait_for_function("() => /^\\d+ of \\d+ questions/.test(document.querySelector('#notes-list')?.innerText || '')",
                           timeout=30_000)
    assert page.errors == []


def test_a_bad_upload_shows_one_line(browser, upload_app, tmp_path, shots):  # noqa: F811
    from tests.conftest import ROOT

    url, home = upload_app
    context = _phone(browser)
    page = context.new_page()
    try:
        _open(page, url)
        bad = tmp_path / "latin.md"
        bad.write_bytes((ROOT / "tests/fixtures/bad-encoding.md.bin").read_bytes())
        _upload(page, bad)
        page.wait_for_selector("#notes-upload-status .upload-status.bad", timeout=60_000)
        line = page.inner_text("#notes-upload-status").strip()
        assert line.startswith("✗ latin.md: not valid UTF-8") and "\n" not in line and "Traceback" not in line
        pdf = tmp_path / "paper.pdf"
        pdf.write_bytes(b"%PDF-1.4 ...")
        page.locator("#notes-upload input[type=file]").set_input_files(str(pdf))
        page.wait_for_function("() => document.querySelector('#notes-upload-status').innerText.includes('paper.pdf')",
                               timeout=60_000)
        assert "not a Markdown file" in page.inner_text("#notes-upload-status")
        assert not (home / "notes").exists() or not any((home / "notes").iterdir())  # nothing saved
        assert page.evaluate(CONTRAST_JS, "#notes-upload-status .upload-status") >= 4.5
        shots(page, "teach-5-notes-bad-upload-phone")
        # A numbered heading that is not read as a question: the file is added, and the line says which heading
        mixed = tmp_path / "mixed.md"
        mixed.write_text("## 71. 什么是混合精度训练？\n用 FP16 计算、FP32 保存主权重。\n\n## 72 什么是损失缩放？\n放大损失防止下溢。\n",
                         encoding="utf-8")
        _upload(page, mixed)
        page.wait_for_function("() => document.querySelector('#notes-upload-status').innerText.includes('Added mixed.md')",
                               timeout=120_000)
        line = page.inner_text("#notes-upload-status").strip()
        assert line.startswith("✓ Added mixed.md: 1 question(s)") and "\n" not in line
        assert "1 numbered heading(s) not read as questions, e.g. line 4 '## 72 什么是损失缩放？': write '## N. question'" in line
        shots(page, "teach-5b-notes-unread-heading-phone")
    finally:
        context.close()


def test_a_weak_match_says_so_above_the_answer(desktop, built_home, tmp_path, shots):  # noqa: F811
    demo, url, _ = _app(built_home, tmp_path, tuned={"retrieval.weak_margin": 1000.0})  # every answer a weak match
    try:
        page = desktop
        _open(page, url)
        _ask(page, "梯度爆炸会引发什么问题？", "第26题")
        answer = page.locator("#chatbot .bot").last
        assert answer.inner_text().startswith("⚠ 笔记可能没有直接回答这个问题") and "[1]" in answer.inner_text()
        shots(page, "teach-9-weak-match-desktop")
        assert page.errors == []
    finally:
        close_app(demo)


def test_dark_mode_toggles_persists_and_stays_readable(desktop, teach_app, browser, shots):  # noqa: F811
    url, _ = teach_app
    page = desktop
    _open(page, url)
    toggle = page.locator("#theme-toggle")
    assert toggle.get_attribute("aria-pressed") == "false" and not page.evaluate("document.body.classList.contains('dark')")
    toggle.click()
    page.wait_for_function("() => document.body.classList.contains('dark')")
    assert toggle.get_attribute("aria-pressed") == "true"
    page.reload()
    page.wait_for_selector("#question textarea")
    page.wait_for_function("() => document.body.classList.contains('dark')")  # remembered across reloads
    page.wait_for_timeout(500)
    assert page.evaluate("document.body.classList.contains('dark')")
    _ask(page, "什么是梯度爆炸？", "第25题")
    checks = ["#send", "#sources .src-n", '#chatbot a[href^="#src-"]', "#sources .src-sub", "#q-count-text",
              "#sources .mode-badge", "#sources .src-open", "#theme-toggle", "#sources .src-title"]
    for sel in checks:
        ratio = page.evaluate(CONTRAST_JS, sel)
        assert ratio is not None and ratio >= 4.5, (sel, ratio)
    shots(page, "teach-6-dark-chat-desktop")
    page.get_by_role("tab", name="Interview").click()
    page.click("#iv-resume")
    page.wait_for_timeout(300)
    page.click("#iv-start")
    _wait_question(page)
    _submit(page, "梯度截断可以防止梯度爆炸。", 1)
    for sel in ["#answer-cards .qa-pt-text", "#answer-cards .qa-h", "#answer-cards .qa-why", "#answer-cards .qa-cite",
                "#answer-cards .qa-score", "#answer-cards .qa-answer", "#topic-mastery .m-pct", "#iv-question"]:
        if page.locator(sel).count():
            ratio = page.evaluate(CONTRAST_JS, sel)
            assert ratio is not None and ratio >= 4.5, (sel, ratio)
    shots(page, "teach-7-dark-interview-desktop")
    phone = _phone(browser)
    tab = phone.new_page()
    try:
        tab.goto(url + "?__theme=dark")
        tab.wait_for_selector("#question textarea")
        _ask(tab, "如何修复梯度爆炸问题？", "第28题")
        shots(tab, "teach-8-dark-chat-phone")
    finally:
        phone.close()
    toggle = page.locator("#theme-toggle")
    toggle.click()
    page.wait_for_function("() => !document.body.classList.contains('dark')")
    page.reload()
    page.wait_for_selector("#question textarea")
    page.wait_for_timeout(800)
    assert not page.evaluate("document.body.classList.contains('dark')")
    assert page.errors == []


def test_interview_downloads_work_with_a_data_directory_gradio_does_not_serve(built_home, tmp_path, monkeypatch,
                                                                                 desktop):  # noqa: F811
    # Gradio serves files only from the working directory, the system temp folder or allowed_paths. Here the
    # system temp folder is a sibling of the data directory, as ~/.local/share and /tmp are for a real user.
    import tempfile

    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    demo, url, home = _app(built_home, tmp_path)
    try:
        page = desktop
        _interview(page, url, n=1)
        _wait_question(page)
        _submit(page, GOOD_28, 1)
        _skip_probe(page)
        page.locator("#iv-export > button").first.click()  # open the Export accordion
        page.wait_for_selector("#iv-export-md:not([disabled])", timeout=30_000)
        with page.expect_download() as download:  # one click (it was a button that made a file box to click)
            page.click("#iv-export-md")
        text = open(download.value.path(), encoding="utf-8").read()
        assert "第" in text and "Overall" in text  # the session's report
        with page.expect_download() as deck:
            page.click("#iv-export-anki:not([disabled])")
        assert deck.value.suggested_filename.endswith(".apkg") and Path(deck.value.path()).stat().st_size > 1000
        assert page.locator(".toast-body.error, .toast-wrap .error").count() == 0
        assert not any(home.rglob("interview-*.md"))  # nothing written where Gradio would refuse to serve it
        assert page.errors == []
    finally:
        close_app(demo)
