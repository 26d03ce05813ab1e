"""Web app: safe-rendering helpers, the page registry, the chat turn logic, and the `/ask` API of a live app.

The live app runs in-process on a free 127.0.0.1 port over the session index, and is driven
with gradio_client, including 20 simultaneous users whose sources must match their own question.
"""

from __future__ import annotations

import socket
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.answering.response import AnswerResult
from assistant.web import html
from tests.support.servers import close_app

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fake_hit(n: int = 28, title: str = "如何修复梯度爆炸问题？", body: str = "使用梯度截断。", source: str = "https://example.org/a"):
    """A retrieve.Hit-shaped object for rendering tests."""
    from assistant.retrieval.results import ChunkHit, Hit

    chunk = ChunkHit("c1", body, body, "", 0.5, 0.9)
    return Hit("notes.md", "notes-1", str(n), n, title, source, "原文", "text", 0.5, 0.9, [chunk], body)


# -- html.py -----------------------------------------------------------------------------


def test_escape_covers_markup_and_template_syntax():
    out = html.escape(XSS + " ${x} {{y}} `z`")
    assert "<" not in out and ">" not in out and '"' not in out
    assert "${" not in out and "{{" not in out and "`" not in out


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "./06-x.md", 'https://a.b/"onmouseover=x', ""])
def test_safe_url_rejects_non_web_urls(url):
    assert html.safe_url(url) == ""


def test_markdown_html_is_inert_and_shows_figure_placeholders():
    body = f'{XSS}\n\n<img src="_asset/RNN-01.png">\n\n![alt](http://evil/t.png)\n\n[x](javascript:alert(1)) `x>0`'
    out = html.markdown_html(body)
    assert "<script" not in out and "<img" not in out and "&lt;script&gt;" in out  # shown as text
    assert "figure not included: RNN-01.png" in out and "figure not included: t.png" in out
    assert "href=" not in out
    assert "<code>x&gt;0</code>" in out


def test_markdown_html_links_open_safely_and_local_notes_links_are_named():
    out = html.markdown_html("> [理解 LSTM](https://www.jianshu.com/p/9d)\n\n> [如何理解LSTM网络](./06-如何理解LSTM网络.md)")
    assert 'href="https://www.jianshu.com/p/9d"' in out and 'rel="noopener noreferrer"' in out
    assert "notes file not included: 06-如何理解LSTM网络.md" in out and "./06-" not in out


def test_chat_markdown_neutralises_tags_images_and_script_links():
    out = html.chat_markdown(XSS + ' <img src="_asset/a.png"> [j](javascript:alert(1)) [ok](https://a.b) `a<b`')
    assert "<script" not in out and "<img" not in out and "javascript:" not in out
    assert "[figure not included: a.png]" in out and "[ok](https://a.b)" in out and "`a<b`" in out


def test_chat_markdown_ends_a_bare_url_where_the_url_ends():
    """The chat's own autolinking ran a URL on into the Chinese after it ("…/1506.02640）又回到了" was one link)."""
    out = html.chat_markdown("YOLO（http://arxiv.org/abs/1506.02640）又回到了 regression，见 https://a.b/c。`http://code`")
    assert "[http://arxiv.org/abs/1506.02640](http://arxiv.org/abs/1506.02640)）又回到了" in out
    assert "[https://a.b/c](https://a.b/c)。" in out and "`http://code`" in out


@pytest.mark.parametrize(
    ("mode", "covered", "expected"),
    [
        ("extractive", True, "mode-extractive"),
        ("llm:stub-model", True, "Generated · llm:stub-model"),
        ("extractive (fallback from llm:stub-model)", True, "llm:stub-model failed"),
        ("extractive", False, "Not in the notes"),
    ],
)
def test_mode_badge(mode, covered, expected):
    assert expected in html.mode_badge(mode, covered)


def test_sources_panel_lists_cited_sections_with_escaped_content():
    hit = fake_hit(title=XSS, body=f"正文 {XSS}", source="javascript:alert(1)")
    result = AnswerResult("q", "a [1]", mode="llm:m", covered=True, standalone="q", hits=[hit], citations=[1])
    out = html.sources_panel(result)
    assert "[1]" in out and "第28题" in out and "正文" in out
    assert "<script" not in out and "<img" not in out and "href=" not in out


def test_sources_panel_states():
    assert "appear here" in html.sources_panel(None)
    uncovered = AnswerResult("q", "笔记中没有涉及", covered=False)
    assert "do not cover" in html.sources_panel(uncovered) and "src-item" not in html.sources_panel(uncovered)
    notice = AnswerResult("q", "x", mode="extractive (fallback from llm:m)", covered=True, hits=[fake_hit()],
                          citations=[1], notice="（语言模型调用失败：APIError）", invalid_citations=[7])
    out = html.sources_panel(notice)
    assert "[7]" in out and "mode-fallback" in out
    # the notice is in the answer (the chain writes it there): the panel does not repeat it (blind QA: shown twice)
    assert "src-notice" not in out and "语言模型调用失败" not in out


def test_note_html_link_only_and_image_only():
    link_only = html.note_html({"question": 33, "title": "如何理解LSTM网络", "kind": "link-only", "file": "/x/n.md"},
                               "> [理解 LSTM 网络](https://www.jianshu.com/p/9d) - 简书")
    assert "follow the links" in link_only and 'href="https://www.jianshu.com/p/9d"' in link_only
    image_only = html.note_html({"question": 23, "title": "CNN", "kind": "image-only", "file": "n.md"}, '<img src="_asset/CNN常用模型.png">')
    assert "figure not included: CNN常用模型.png" in image_only and "<img" not in image_only


# -- registry and chat turn logic -------------------------------------------------------


def test_app_lists_every_page_in_tab_order():
    from assistant.web.app import PAGES

    assert [cls.title for cls in PAGES] == ["Chat", "Notes", "Interview", "Settings"]


def test_the_app_loads_the_models_and_the_chain_before_the_first_visitor(offline_settings):
    from assistant.service import Assistant
    from assistant.web.app import build_app

    assistant = Assistant(offline_settings, progress=False)
    assert assistant._chains is None
    build_app(offline_settings, assistant=assistant)
    assert assistant._chains is not None and assistant.retriever.knows("lstm")


class _FailingAssistant:
    modes = ["extractive"]

    def stream(self, question, history, k, mode):
        from assistant.answering.response import AnswerStream

        def chunks():
            yield {"question": question, "standalone": question, "hits": [], "covered": True, "mode": "extractive"}
            yield {"answer": "partial "}
            raise RuntimeError("index went away")

        return AnswerStream(chunks())


def test_respond_ends_visibly_when_the_core_fails(offline_settings):
    from assistant.web.base import WebContext
    from assistant.web.chat import ChatPage

    ctx = WebContext(offline_settings)
    ctx.assistant = _FailingAssistant()
    updates = list(ChatPage(ctx).respond("什么是梯度爆炸？", [], 4, "extractive"))
    chat = updates[-1][1]
    assert chat[-1]["role"] == "assistant" and "Could not answer" in chat[-1]["content"] and "partial" in chat[-1]["content"]
    assert updates[-1][3] == []  # the failed turn is not added to the session history
    assert updates[-1][0] == "什么是梯度爆炸？"  # the typed question is back in the box
    assert "index went away" not in updates[-1][5] and "RuntimeError" not in chat[-1]["content"]


def test_an_uncited_generated_answer_lists_the_sections_it_was_given(offline_settings, openai_stub):
    """Blind QA: the notice said "compare it with the sections retrieved below" and the panel showed none."""
    from assistant.service import Assistant
    from tests.support.openai_stub import Reply

    openai_stub.script(Reply(content="梯度截断就是把梯度设成阈值。"))
    settings = offline_settings.replace(openai_base_url=openai_stub.base_url, openai_api_key="k", model="stub-model",
                                        llm_retries=0)
    result = Assistant(settings, progress=False).ask("如何修复梯度爆炸问题？")
    panel = html.sources_panel(result)
    assert "cites no section" in panel and "src-pointer" in panel and "第28题" in panel and 'data-note="' in panel
    assert "src-pointer" not in html.sources_panel(Assistant(offline_settings, progress=False).ask("如何修复梯度爆炸问题？"))


def test_respond_shows_llm_failure_notice_and_fallback(offline_settings):
    from assistant.service import Assistant
    from assistant.web.base import WebContext
    from assistant.web.chat import ChatPage
    from tests.support.openai_stub import Reply, ScriptedOpenAI

    with ScriptedOpenAI() as stub:
        stub.default(Reply(content="梯度截断可以防止梯度爆炸 [1]。" * 5, cut_after=3))
        settings = offline_settings.replace(openai_base_url=stub.base_url, openai_api_key="k", model="stub-model", llm_retries=0)
        ctx = WebContext(settings)
        ctx.assistant = Assistant(settings, progress=False)
        updates = list(ChatPage(ctx).respond("如何修复梯度爆炸问题？", [], 4, "llm"))
    _, chat, panel, history, turns, _ = updates[-1]
    assert turns[-1]["panel"] == panel
    assert "mode-fallback" in panel and "src-item" in panel
    assert "语言模型调用失败" in chat[-1]["content"] and history[-1]["role"] == "assistant"
    assert "语言模型调用失败" not in panel  # said once, in the answer
    assert "梯度截断可以防止" not in chat[-1]["content"]  # the cut text streamed before the failure is withdrawn


# -- live app through gradio_client -----------------------------------------------------


@pytest.fixture(scope="module")
def live_url(offline_settings, offline_assistant):
    """The app served in-process on a free 127.0.0.1 port (closed after the module)."""
    from assistant.web.app import launch

    demo, url = launch(offline_settings, port=free_port(), block=False, assistant=offline_assistant)
    assert url.startswith("http://127.0.0.1:")
    yield url
    close_app(demo)


def test_ask_api_answers_with_sources(live_url):
    from gradio_client import Client

    client = Client(live_url, verbose=False)
    answer, sources = client.predict("什么是梯度爆炸？", [], api_name="/ask")
    assert "[1]" in answer and sources["covered"] and sources["citations"][0]["question"] == 25
    history = [{"role": "user", "content": "什么是梯度爆炸？"}, {"role": "assistant", "content": answer}]
    _, follow = client.predict("那怎么解决它？", history, api_name="/ask")
    assert 28 in [c["question"] for c in follow["citations"]]
    not_covered, empty = client.predict("如何烤一个巧克力蛋糕？", [], api_name="/ask")
    assert not empty["covered"] and empty["citations"] == [] and "笔记中没有涉及" in not_covered


QUESTIONS = [
    "什么是梯度爆炸？", "如何修复梯度爆炸问题？", "GRU对LSTM做了哪些改动？", "什么是RNN？", "简单说下 sigmoid 激活函数",
    "在神经网络中，有哪些办法防止过拟合？", "CNN是什么，CNN关键的层有哪些？", "如何确定是否出现梯度爆炸？",
    "梯度爆炸会引发什么问题？", "rcnn、fast-rcnn 和 faster-rcnn 三者的区别是什么",
]


def test_twenty_simultaneous_users_get_their_own_sources(live_url, offline_assistant):
    from gradio_client import Client

    questions = (QUESTIONS * 2)[:20]
    expected = {q: [c["question"] for c in offline_assistant.ask(q).to_json()["citations"]] for q in QUESTIONS}
    clients = [Client(live_url, verbose=False) for _ in questions]

    def one(pair):
        client, q = pair
        start = time.perf_counter()
        try:
            _, sources = client.predict(q, [], api_name="/ask")
        except Exception as exc:  # counted and reported below, not raised from a worker thread
            sources = {"error": repr(exc)}
        return q, sources, time.perf_counter() - start

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, zip(clients, questions)))
    wall = time.perf_counter() - start
    latencies = sorted(r[2] for r in results)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    errors = [s["error"] for _, s, _ in results if "error" in s]
    print(f"\n20 users: wall {wall:.1f}s, p50 {statistics.median(latencies):.2f}s, p95 {p95:.2f}s, errors {len(errors)}")
    assert errors == []
    for q, sources, _ in results:
        assert sources["question"] == q
        assert [c["question"] for c in sources["citations"]] == expected[q], q


def test_settings_page_shows_the_doctor_status(built_copy):
    """Healthy on a fresh index; after a chunk is lost from one collection, the same line `assistant doctor` prints."""
    from assistant.config import Settings
    from assistant.retrieval.store import client, get_collection
    from assistant.web.base import WebContext
    from assistant.web.settings import SettingsPage

    settings = Settings.from_env({}, home=built_copy)
    page = SettingsPage(WebContext(settings))
    assert page.health().startswith('<div class="settings-health ok"><p>Index health: healthy: 20 section(s)')
    use = get_collection(client(settings), settings, "use")
    lost = sorted(use.get(include=[])["ids"])[0]
    use.delete(ids=[lost])
    shown = page.health()
    assert 'class="settings-health bad"' in shown and "1 problem(s)" in shown and "assistant doctor --repair" in shown
    assert "notes-use: missing section" in shown or "notes-use: half-written section" in shown


def test_settings_summary_names_the_answer_mode_of_this_session(offline_settings):
    """Blind QA: with "Extractive" chosen, the summary still said only "Model llm:…"."""
    from assistant.service import Assistant
    from assistant.web.base import WebContext
    from assistant.web.settings import SettingsPage

    settings = offline_settings.replace(openai_base_url="http://127.0.0.1:9/v1", model="stub-model")
    ctx = WebContext(settings)
    ctx.assistant = Assistant(settings, progress=False)
    page = SettingsPage(ctx)
    assert "generated by llm:stub-model" in page.summary() and "chosen above" in page.summary("extractive")
    ctx.assistant = Assistant(offline_settings, progress=False)
    assert "no model connected" in page.summary("extractive")


def test_a_page_loaded_while_notes_are_being_indexed_gets_the_saved_model_and_the_index_state(built_copy, tmp_path):
    """QA: while an upload was being embedded, a new session's Settings load waited on the ingest lock (the health
    check), so the load's answer modes, saved model and health never arrived: the page kept the server's start state
    ("Model none", "healthy: 20 section(s)") and the chat answered extractively, "no language model configured"."""
    pytest.importorskip("gradio")
    import threading

    from assistant import llmsetup
    from assistant.config import Settings
    from assistant.service import Assistant
    from assistant.web.base import WebContext
    from assistant.web.notes import NotesPage
    from assistant.web.settings import SettingsPage
    from tests.support.gen_notes import write_notes
    from tests.support.openai_stub import ScriptedOpenAI

    with ScriptedOpenAI() as stub:
        llmsetup.save(built_copy, stub.base_url, "stub-model", "k")
        settings = llmsetup.apply(Settings.from_env({}, home=built_copy))
        ctx = WebContext(settings)
        ctx.assistant = Assistant(settings, progress=False)
        notes = next(write_notes(tmp_path / "upload", files=1, per_file=4, seed=5).glob("*.md"))
        embedding, loaded = threading.Event(), threading.Event()

        def progress(fraction, desc=""):
            if desc.startswith("Embedding"):  # the ingest holds its lock: another browser opens the app now
                embedding.set()
                loaded.wait(30)  # bounded: the old code waited for this ingest, and must end (and fail), not hang

        upload = threading.Thread(target=NotesPage(ctx).on_upload, args=(str(notes), progress))
        upload.start()
        try:
            assert embedding.wait(120), "the upload never started embedding"
            mode, _, _, base_url, model, _, summary, health = SettingsPage(ctx).on_load()
        finally:
            loaded.set()
            upload.join()
        assert mode["value"] == "llm" and "llm" in [value for _, value in mode["choices"]]
        assert base_url == stub.base_url and model == "stub-model" and "llm:stub-model" in summary
        assert "the index is being updated" in health and 'class="settings-health ok"' in health
        assert "healthy: 24 section(s)" in SettingsPage(ctx).on_load()[-1]  # checked again once the upload is in


def test_notes_search_counts_what_it_found_and_says_when_nothing_matches(offline_assistant, tmp_path):
    pytest.importorskip("gradio")
    from assistant.web.base import WebContext
    from assistant.web.notes import NotesPage

    ctx = WebContext(offline_assistant.settings)
    ctx.assistant = offline_assistant
    page = NotesPage(ctx)
    total = len(offline_assistant.notes())
    assert page.on_filter("")["label"] == f"{total} questions"
    found = page.on_filter("clipnorm")
    assert found["label"] == f"{len(found['choices'])} of {total} questions" and 0 < len(found["choices"]) < total
    none = page.on_filter("zzzzqqq")
    assert none["choices"] == [] and none["label"].startswith("No question mentions 'zzzzqqq'")


def test_settings_refuse_a_base_url_that_is_not_http_and_keep_the_connection(built_copy):
    pytest.importorskip("gradio")
    from assistant import llmsetup
    from assistant.config import Settings
    from assistant.web.base import WebContext
    from assistant.web.settings import SettingsPage

    settings = Settings.from_env({}, home=built_copy)
    page = SettingsPage(WebContext(settings))
    for bad in ("not a url", "127.0.0.1:11434/v1", "ftp://example.com/v1"):
        status, *_ = page.on_save(bad, "m", "")
        assert "Not saved" in status and f"The base URL &#x27;{bad}&#x27; is not an http(s) URL" in status
        assert "OPENAI_BASE_URL" not in status  # the form's name for it, not the environment variable's (blind web QA)
        assert f"The base URL &#x27;{bad}&#x27; is not an http(s) URL" in page.on_test(bad, "m", "")
    assert llmsetup.saved(built_copy) == {} or not llmsetup.saved(built_copy).get("base_url")
    (built_copy / "llm.json").write_text('{"base_url": "not a url", "model": "m"}')  # saved by an older version
    assert llmsetup.apply(settings).openai_base_url is None  # ignored: the app still starts, answers stay extractive


def test_saving_an_empty_base_url_removes_the_language_model_and_its_key(built_copy):
    """Blind QA: clearing the Base URL and saving said "answers now use smollm2 at None." and kept the key, so every
    answer went to the client's default endpoint and failed."""
    pytest.importorskip("gradio")
    from assistant import llmsetup
    from assistant.config import Settings
    from assistant.web.base import WebContext
    from assistant.web.settings import SettingsPage

    page = SettingsPage(WebContext(Settings.from_env({}, home=built_copy)))
    llmsetup.save(built_copy, "http://127.0.0.1:9/v1", "m", "secret-key")
    status, *_ = page.on_save("", "m", "")
    assert "no endpoint set" in status and "None" not in status
    assert llmsetup.saved(built_copy) == {} and llmsetup.saved_key(built_copy) == ""
    assert page.ctx.settings.openai_base_url is None and page.ctx.settings.openai_api_key is None


def test_a_declined_question_the_notes_name_points_to_its_section_in_the_sources_panel(offline_assistant):
    from assistant.chats.record import answer_record
    from assistant.web.html import sources_panel

    result = offline_assistant.ask("SELU 有什么特点？")
    assert not result.covered and result.pointers
    first = result.pointers[0]
    assert first["label"].startswith("第21题") and "SELU" in first["sentence"] and first["note"].endswith("::21")
    panel = sources_panel(answer_record(result))
    assert "Where to read on" in panel and f'data-note="{first["note"]}"' in panel and "no sources" not in panel
    assert result.to_json()["pointers"] == result.pointers


def test_progress_chart_keeps_one_session_topics_visible_and_names_every_session():
    """Five sessions of one topic each: every topic's single point equalled the overall one and was drawn under it
    (one visible line, a legend of six), and the axis named only #1, #3 and #5."""
    import re

    from assistant.interview import progress
    from assistant.web.progress_chart import chart_html, labelled

    topics = ["rnn", "cnn", "activation", "overfitting", "detection"]
    history = [{"session_id": i + 1, "position": 0, "note_key": f"k{i}", "question": i, "title": "t", "topic": t,
                "score": float(2 * i), "max_score": 10, "answered_at": f"2026-12-0{i + 1}T09:00:00+00:00"}
               for i, t in enumerate(topics)]
    used, rows = progress.trend(history, "session")
    out = chart_html(rows, used)
    dots = re.findall(r'<circle class="pc-dot (pc-s\d)" cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', out)
    assert len(dots) == 5 + 5  # "all topics" at each session, each topic once
    # No point lies under another: the markers of a session are at least a marker apart.
    for i, (_, x1, y1, r1) in enumerate(dots):
        for _, x2, y2, r2 in dots[i + 1:]:
            assert abs(float(x1) - float(x2)) + abs(float(y1) - float(y2)) >= max(float(r1), float(r2)), (x1, y1, x2, y2)
    # Markers are drawn after (above) every line.
    assert out.rindex("<polyline") < out.index("<circle")
    ticks = re.findall(r'<text class="pc-tick"[^>]*text-anchor="middle"[^>]*>#(\d)<tspan', out)
    assert ticks == ["1", "2", "3", "4", "5"]
    assert labelled([f"answer {i}" for i in range(1, 41)], 400 / 39)[-1] == 39  # many: thinned, the newest named
    assert len(labelled([f"answer {i}" for i in range(1, 41)], 400 / 39)) < 10


def test_an_answers_closing_update_sends_the_whole_chat_and_the_browser_state_again():
    """Gradio streams outputs as edits and sends whole values only in the closing message (the last update): the chat
    and the browser id go in it again, so a page that missed an edit still ends on the final answer (web/busy.py)."""
    import gradio as gr

    from assistant.web.busy import ANSWERING, SEND, while_answering

    skip = gr.skip()
    final_chat = gr.update(value=[{"role": "assistant", "content": "answer [1]\n\n(notice)"}])
    updates = [("", [{"role": "assistant", "content": "…"}], "panel", skip, skip, skip, skip, skip),
               (skip, final_chat, skip, skip, skip, skip, 3, {"id": "b1", "open": 3}),
               (skip, skip, skip, skip, skip, skip, skip, skip)]
    out = list(while_answering(iter(updates), 8))
    assert [u[8]["value"] for u in out] == [ANSWERING] * 3 + [SEND]
    closing = out[-1]
    assert closing[1] == final_chat and closing[7] == {"id": "b1", "open": 3}
    assert all(closing[i] == skip for i in (0, 2, 3, 4, 5, 6))


def test_page_sessions_give_one_browser_id_per_page_load():
    """A page's load and a question sent before it finished make one id, not two (web/page_sessions.py)."""
    from assistant.chats.store import owner_of
    from assistant.web.page_sessions import PageSessions

    pages = PageSessions(limit=2)
    first = pages.browser_id("page-a")
    assert pages.browser_id("page-a") == first and owner_of("", first) is not None
    assert pages.browser_id("page-b") != first and pages.browser_id("") != pages.browser_id("")
    assert not pages.has_asked("page-a")
    pages.asked("page-a")
    assert pages.has_asked("page-a") and not pages.has_asked("page-b") and not pages.has_asked("")
    pages.browser_id("page-c")
    pages.browser_id("page-d")  # over the limit: the least recently used pages are forgotten
    assert not pages.has_asked("page-a") and pages.browser_id("page-a") != first
