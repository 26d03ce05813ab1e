"""Saved conversations and per-user interview memory in the app database: migrations, scoping, feedback, export.

The store tests use fresh files; the page-level tests run the Chat tab's save path (no browser)
over the session index with their own database.
"""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest

from assistant.chats.export import file_name, markdown
from assistant.chats.store import ChatError, ChatStore, new_browser_id, owner_of
from assistant.db.schema import MIGRATIONS
from assistant.interview.grader import Grade
from assistant.interview.store import Store

NOTE = SimpleNamespace(key="f:25", number=25, title="什么是梯度爆炸？", topic="gradient-explosion")
RECORD = {"mode": "extractive", "covered": True, "notice": "", "invalid_citations": [], "retrieved": 2, "standalone": "",
          "sources": [{"n": 1, "question": 28, "title": "如何修复梯度爆炸问题？", "label": "第28题 如何修复梯度爆炸问题？",
                       "section": "使用梯度截断", "excerpt": "- 如果梯度超过阈值，就截断它们。\n", "relevance": 0.91,
                       "score": 1.2, "url": "https://example.org/28", "url_title": "原文", "file": "notes.md",
                       "note": "notes::28"}]}


def _old_m005_database(path):
    """A database as the app left it before conversations: one user-less session, answer, card, review, probe."""
    old = Store(path, upto="m005_probes_and_timing")
    assert old.applied()[-1] == "m005_probes_and_timing"
    db = old.db
    sid = db.execute("INSERT INTO sessions (started_at, topic, plan, grader) VALUES ('2025-01-01T00:00:00', 'gradient-explosion',"
                     " '[{\"key\": \"f:25\", \"prompt\": \"q\"}, {\"key\": \"f:26\", \"prompt\": \"q2\"}]', 'offline')").lastrowid
    db.execute("INSERT INTO answers (session_id, position, note_key, question, title, topic, prompt, answer, score, max_score,"
               " covered, missed, feedback, answered_at) VALUES (?, 0, 'f:25', 25, 't', 'gradient-explosion', 'q', '我的回答',"
               " 6.0, 10, '[]', '[]', 'f', '2025-01-01T00:01:00')", (sid,))
    db.execute("INSERT INTO reviews (note_key, box, due_at, last_score, seen) VALUES ('f:25', 2, 100.0, 6.0, 1)")
    db.execute("INSERT INTO cards (card_key, note_key, point, state, due_at, reps) VALUES ('q:f:25', 'f:25', NULL, 2, 100.0, 1)")
    db.execute("INSERT INTO probes (session_id, position, note_key, point, label, prompt, asked_at)"
               " VALUES (?, 0, 'f:25', 'p1', 'clip', 'probe?', '2025-01-01T00:01:00')", (sid,))
    db.commit()
    old.close()
    return sid


def test_an_m005_database_upgrades_and_keeps_its_data(tmp_path):
    path = tmp_path / "assistant.db"
    sid = _old_m005_database(path)
    with ChatStore(path, "alice") as chats:  # the chat page may be the first to open the old file
        assert chats.conversations() == [] and chats.notice == ""
    store = Store(path)  # the local user ('') owns everything that was there
    assert store.applied() == [name for name, _ in MIGRATIONS]
    assert store.applied()[5:] == ["m006_interview_user", "m007_conversations", "m008_feedback", "m009_answer_elsewhere",
                                   "m010_follow_up_counts"]
    assert store.latest_unfinished() == sid and [s["answered"] for s in store.sessions_summary()] == [1]
    assert [(a["answer"], a["elsewhere"], a["score"]) for a in store.answers(sid)] == [("我的回答", "", 6.0)]
    assert store.sessions_summary()[0]["mean"] == 6.0  # a probe with no count (m010) leaves the answer's score
    assert store.reviews()["f:25"]["box"] == 2 and store.cards()["q:f:25"]["reps"] == 1
    assert store.probes(sid)[0]["prompt"] == "probe?" and store.topic_progress()[0]["answers"] == 1
    other = Store(path, user="bob")
    assert other.sessions_summary() == [] and other.latest_unfinished() is None and other.session(sid) is None
    assert other.cards() == {} and other.reviews() == {} and other.topic_progress() == []
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_interview_memory_is_per_user(tmp_path):
    path = tmp_path / "a.db"
    alice, bob = Store(path, user="alice"), Store(path, user="bob")
    sid = alice.create_session([{"key": "f:25", "prompt": "q"}], None, "offline")
    grade = Grade(25, 8.0, ["a"], [], "feedback", ["[1] 第25题"])
    alice.record_answer(sid, 0, NOTE, "q", "answer", grade, (2, 50.0), cards={"q:f:25": {"note_key": "f:25", "state": 2, "due_at": 50.0}})
    bob_sid = bob.create_session([{"key": "f:25", "prompt": "q"}], None, "offline")
    bob.record_answer(bob_sid, 0, NOTE, "q", "wrong", Grade(25, 1.0, [], ["a"], "f", []), (1, 0.0),
                      cards={"q:f:25": {"note_key": "f:25", "state": 1, "due_at": 0.0}})
    assert [s["id"] for s in alice.sessions_summary()] == [sid] and alice.latest_unfinished() == sid
    assert alice.reviews()["f:25"]["box"] == 2 and bob.reviews()["f:25"]["box"] == 1  # one note, two schedules
    assert alice.cards()["q:f:25"]["state"] == 2 and bob.cards("f:25")["q:f:25"]["state"] == 1
    assert alice.answered_topics() == {"f:25": "gradient-explosion"}
    assert [t["mean"] for t in alice.topic_progress()] == [8.0] and [t["mean"] for t in bob.topic_progress()] == [1.0]
    assert bob.session(sid) is None and Store(path).sessions_summary() == []  # the CLI's local user sees neither


def test_conversations_are_saved_per_user_newest_first(tmp_path):
    path = tmp_path / "a.db"
    with ChatStore(path, "alice") as alice, ChatStore(path, "browser:" + "0" * 32) as other:
        first, m1 = alice.add_exchange(None, "  什么是梯度爆炸？\n", "梯度爆炸是…… [1]", RECORD, "什么是梯度爆炸？")
        second, _ = alice.add_exchange(None, "什么是RNN？" * 20, "RNN 是…… [1]", RECORD)
        assert [c["title"] for c in alice.conversations()][1] == "什么是梯度爆炸？"
        assert alice.conversations()[0]["id"] == second and len(alice.conversations()[0]["title"]) == 80
        again, m2 = alice.add_exchange(first, "那怎么解决它？", "用梯度截断 [1]", RECORD, "梯度爆炸 那怎么解决它？")
        assert again == first and alice.conversations()[0]["id"] == first  # the one updated last comes first
        msgs = alice.messages(first)
        assert [m["role"] for m in msgs] == ["user", "assistant", "user", "assistant"]
        assert msgs[3]["sources"]["sources"][0]["label"] == "第28题 如何修复梯度爆炸问题？"
        assert msgs[3]["standalone"] == "梯度爆炸 那怎么解决它？" and msgs[3]["mode"] == "extractive"
        assert other.conversations() == [] and other.messages(first) == [] and other.conversation(first) is None
        with pytest.raises(ChatError):
            other.rename(first, "mine now")
        with pytest.raises(ChatError):
            other.rate(m1, "down")
        assert other.delete(first) is False and alice.conversation(first) is not None
        assert other.add_exchange(first, "q", "a", {})[0] != first  # someone else's id starts a new conversation
        assert alice.rename(first, "  梯度爆炸\n复习 ") == "梯度爆炸 复习"
        for bad in ("   ", "x" * 81):
            with pytest.raises(ChatError):
                alice.rename(first, bad)
        assert alice.conversation(first)["title"] == "梯度爆炸 复习"
        assert m2 > m1


def test_feedback_regenerate_and_delete(tmp_path):
    path = tmp_path / "a.db"
    with ChatStore(path, "alice") as chats:
        conv, answer = chats.add_exchange(None, "什么是梯度爆炸？", "旧回答 [1]", RECORD)
        chats.rate(answer, "up")
        chats.rate(answer, "down")
        chats.explain(answer, "引用的题号不对")
        with pytest.raises(ChatError):
            chats.explain(answer, "太长" * 600)  # refused in one line; the saved reason stays
        new = chats.replace_answer(answer, "新回答 [1]", RECORD)
        assert [m["content"] for m in chats.messages(conv)] == ["什么是梯度爆炸？", "新回答 [1]"]
        assert chats.messages(conv)[1]["rating"] == "none"
        chats.rate(new, "up")
        chats.rate(new, "none")  # the thumb taken back
        rows = chats.feedback()
        assert [(r["message_id"], r["rating"], r["reason"]) for r in rows] == [
            (answer, "up", ""), (answer, "down", "引用的题号不对"), (new, "up", ""), (new, "none", "")]
        assert rows[1]["question"] == "什么是梯度爆炸？" and rows[1]["answer"] == "旧回答 [1]" and rows[1]["superseded_by"] == new
        with pytest.raises(ChatError):
            chats.replace_answer(answer, "again", RECORD)  # an answer already replaced
        raw = sqlite3.connect(path)  # another process sees exactly this
        assert raw.execute("SELECT rating, reason FROM feedback WHERE message_id = ? ORDER BY id", (answer,)).fetchall() == [
            ("up", ""), ("down", "引用的题号不对")]
        assert chats.delete(conv) is True
        assert raw.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 0
        assert raw.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == 0
        raw.close()


def test_owner_of_prefers_the_login_and_checks_the_browser_id():
    bid = new_browser_id()
    assert owner_of("alice", bid) == "alice" and owner_of(None, bid) == f"browser:{bid}"
    assert owner_of("", "../../etc") is None and owner_of(None, "") is None and owner_of(None, bid.upper()) is None


def test_markdown_export_lists_each_answers_citations(tmp_path):
    with ChatStore(tmp_path / "a.db", "alice") as chats:
        llm = {**RECORD, "mode": "llm:gpt-4o-mini"}
        conv, answer = chats.add_exchange(None, "梯度爆炸怎么办？", "用梯度截断 [1]。", llm, "如何修复梯度爆炸问题？")
        chats.rate(answer, "down")
        chats.explain(answer, "太短")
        text = markdown(chats.conversation(conv), chats.messages(conv))
        name = file_name(chats.conversation(conv))
    assert text.startswith("# 梯度爆炸怎么办？\n") and "## 1. 梯度爆炸怎么办？" in text and "用梯度截断 [1]。" in text
    assert "*Interpreted as: 如何修复梯度爆炸问题？*" in text and "*Answer mode: llm:gpt-4o-mini*" in text
    assert "- [1] 第28题 如何修复梯度爆炸问题？ (matched: 使用梯度截断, relevance 0.91)" in text
    assert "  - original: <https://example.org/28>" in text and "  > 如果梯度超过阈值，就截断它们。" in text
    assert "*Your feedback: 👎 not helpful: 太短*" in text
    assert name == f"chat-{conv}-梯度爆炸怎么办.md"


def test_markdown_export_shows_an_answers_notice_once(tmp_path):
    """QA: an LLM-failure notice was in the exported answer (the chain writes it there) and again as a quoted line."""
    from assistant.answering.prompts import Prompts
    from assistant.config import Settings

    prompts = Prompts(Settings.from_env({}, home=tmp_path).prompts_path)
    failed = prompts.render("llm_fallback", "zh", reason="HTTP 500")
    notes = [prompts.render("llm_length", "zh"), prompts.render("llm_uncited", "zh")]  # the chain's words for each
    with ChatStore(tmp_path / "a.db", "alice") as chats:
        conv, _ = chats.add_exchange(None, "梯度爆炸怎么办？", f"{failed}\n\n- 如果梯度超过阈值，就截断它们 [1]。",
                                     {**RECORD, "mode": "extractive (fallback from llm:m)", "notice": failed}, "")
        chats.add_exchange(conv, "再说说？", "用梯度截断。" + "".join(f"\n\n{n}" for n in notes),
                           {**RECORD, "mode": "llm:m", "notice": " ".join(notes)}, "")
        chats.add_exchange(conv, "还有呢？", "用梯度截断 [1]。", {**RECORD, "mode": "llm:m", "notice": notes[1]}, "")
        text = markdown(chats.conversation(conv), chats.messages(conv))
    assert text.count("语言模型调用失败") == 1 and text.count("长度上限") == 1
    assert text.count("没有引用任何笔记章节") == 2  # the last answer does not carry its notice: it is quoted under it
    assert text.count("> ⚠") == 1

# -- the Chat tab's save path, without a browser ---------------------------------------------------


def _page(offline_settings, offline_assistant, tmp_path):
    from assistant.web.base import WebContext
    from assistant.web.chat import ChatPage
    from assistant.web.conversations import Conversations

    ctx = WebContext(offline_settings.replace(home=tmp_path / "home"))
    ctx.assistant = offline_assistant
    page = ChatPage(ctx)
    return page, Conversations(page), ctx.settings.db_path


def _last(updates: list, i: int):
    """The last real value an event's updates gave output `i` (gr.skip() leaves it as it was)."""
    return [u[i] for u in updates if not isinstance(u[i], dict) or u[i].get("__type__") != "update" or "value" in u[i]][-1]


def test_each_exchange_is_saved_when_its_answer_completes(offline_settings, offline_assistant, tmp_path):
    page, saved, db_path = _page(offline_settings, offline_assistant, tmp_path)
    browser = {"id": new_browser_id(), "open": None}
    updates = list(saved.exchange("什么是梯度爆炸？", [], 4, "extractive", [], None, browser))
    conv, browser, turns, history = _last(updates, 6), _last(updates, 7), _last(updates, 4), _last(updates, 3)
    assert isinstance(conv, int) and browser["open"] == conv and turns[-1]["id"] is not None and len(history) == 2
    with ChatStore(db_path, f"browser:{browser['id']}") as chats:
        msgs = chats.messages(conv)
    assert msgs[1]["sources"]["sources"][0]["question"] == 25 and msgs[1]["sources"] == turns[-1]["record"]
    follow = list(saved.exchange("那怎么解决它？", history, 4, "extractive", turns, conv, browser))
    assert _last(follow, 6) == conv
    # reopening rebuilds the same turns: same sources panel HTML, same standalone question
    view = saved.open(conv, browser)
    assert [t["panel"] for t in view[2]] == [t["panel"] for t in _last(follow, 4)]
    assert view[2][1]["standalone"] == _last(follow, 4)[1]["standalone"] != "" and len(view[1]) == 4
    # a refused turn is not saved; regenerating an extractive answer gives the same sentences: the saved answer is
    # kept (no superseding copy) and a note says why (the LLM path's replacement: test_web_chats_browser)
    list(saved.exchange("   ", view[1], 4, "extractive", view[2], conv, browser))
    again = list(saved.regenerate(view[1], view[2], conv, 4, "extractive", browser))
    assert _last(again, 4)[-1]["id"] == view[2][-1]["id"] and "Same answer" in _last(again, 5)
    shown = _last(again, 1)["value"][-1]["content"]
    assert '(#src-1-1)' in shown or 'href="#src-1-1"' in shown, "the kept answer's [1] still links to its source card"
    with ChatStore(db_path, f"browser:{browser['id']}") as chats:
        assert len(chats.messages(conv)) == 4 and chats.messages(conv)[3]["id"] == view[2][-1]["id"]
        assert chats.db.execute("SELECT COUNT(*) FROM messages WHERE superseded_by IS NOT NULL").fetchone()[0] == 0


def test_a_browser_given_its_id_by_a_question_gets_it_with_the_first_update(offline_settings, offline_assistant,
                                                                            tmp_path):
    """A question sent before the page's load finished makes the browser's id: it goes out with the first update, so
    a reload before the answer completes still lists the conversation saved under it (CI, 2026-12-05)."""
    import gradio as gr

    page, saved, db_path = _page(offline_settings, offline_assistant, tmp_path)
    updates = list(saved.exchange("什么是梯度爆炸？", [], 4, "extractive", [], None, {"id": "", "open": None}, "", "load-1"))
    made = saved.sessions.browser_id("load-1")
    assert updates[0][7]["id"] == made and all(u[7] != gr.skip() for u in updates)
    with ChatStore(db_path, f"browser:{made}") as chats:
        assert chats.conversation(_last(updates, 6)) is not None
    known = {"id": made, "open": _last(updates, 6)}  # a browser that has its id: the state is sent only once saved
    later = list(saved.exchange("那怎么解决它？", _last(updates, 3), 4, "extractive", _last(updates, 4), known["open"], known))
    assert all(u[7] == gr.skip() for u in later[:-1]) and later[-1][7]["id"] == made


def test_an_answer_whose_page_goes_away_mid_stream_is_kept_and_finished(offline_settings, tmp_path, monkeypatch):
    """QA: a reload while an LLM answer streamed lost the question and the answer (the exchange was saved only when
    it completed), and the abandoned stream printed an "Exception ignored … Connection error" traceback. Gradio
    closes the event's generator when its page goes away: closed here mid-stream the same way."""
    import gc
    import sys
    import threading

    from assistant.service import Assistant
    from assistant.web.base import WebContext
    from assistant.web.chat import ChatPage
    from assistant.web.conversations import Conversations
    from assistant.web.unfinished import UNFINISHED
    from tests.support.openai_stub import Reply, ScriptedOpenAI

    unraisable: list = []  # what Python prints as "Exception ignored in: …"
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    answer = "".join(f"第{i}条，梯度截断可以防止梯度爆炸 [1]。" for i in range(1, 13))  # one line repeated is a loop (replies.py)
    with ScriptedOpenAI() as stub:
        stub.default(Reply(content=answer, chunk_delay=0.02))
        llm = offline_settings.replace(openai_base_url=stub.base_url, openai_api_key="k", model="stub-model", llm_retries=0)
        ctx = WebContext(llm.replace(home=tmp_path / "home"))  # the index of the session, a database of its own
        ctx.assistant = Assistant(llm, progress=False)
        saved = Conversations(ChatPage(ctx))
        browser = {"id": new_browser_id(), "open": None}
        updates = saved.exchange("如何修复梯度爆炸问题？", [], 4, "llm", [], None, browser)
        for update in updates:  # until the answer is partly written
            chat = update[1].get("value") if isinstance(update[1], dict) else None
            if chat and "梯度截断" in chat[-1]["content"]:
                break
        updates.close()  # the page was reloaded
        for thread in threading.enumerate():
            if thread.name == "finish-answer":
                thread.join(120)
        gc.collect()
    with ChatStore(ctx.settings.db_path, f"browser:{browser['id']}") as chats:
        [conv] = chats.conversations()
        messages = chats.messages(conv["id"])
        kept = chats.db.execute("SELECT content, sources FROM messages WHERE superseded_by IS NOT NULL").fetchall()
    assert [m["role"] for m in messages] == ["user", "assistant"] and messages[0]["content"] == "如何修复梯度爆炸问题？"
    assert messages[1]["content"].startswith(answer.strip()[:40]) and UNFINISHED not in messages[1]["content"]
    assert messages[1]["sources"]["mode"].startswith("llm") and messages[1]["sources"]["sources"]
    # what was written when the page went away was saved at once, marked unfinished, and is kept as superseded
    assert len(kept) == 1 and UNFINISHED in kept[0][0] and '"interrupted": true' in kept[0][1]
    # with the sections its text cited so far, or else those it was given (web/unfinished.py), for its panel
    assert '"sources": []' not in kept[0][1] or '"uncited"' in kept[0][1]
    assert unraisable == []


def test_interview_tab_opens_the_signed_in_users_store(offline_settings, tmp_path):
    """The Interview tab passes the login through to the store (the CLI and an app without auth use '')."""
    from assistant.web.base import WebContext
    from assistant.web.interview import InterviewPage

    page = InterviewPage(WebContext(offline_settings.replace(home=tmp_path / "home")))
    assert page._store(SimpleNamespace(username="alice")).user == "alice"
    assert page._store(SimpleNamespace(username=None)).user == "" and page._store(None).user == ""


def test_an_unusable_database_is_one_line_and_the_answer_still_shows(offline_settings, offline_assistant, tmp_path):
    from assistant.web.base import WebContext
    from assistant.web.chat import ChatPage
    from assistant.web.conversations import Conversations

    (tmp_path / "file").write_text("x")
    ctx = WebContext(offline_settings.replace(home=tmp_path / "file" / "home"))  # no database can live there
    ctx.assistant = offline_assistant
    saved = Conversations(ChatPage(ctx))
    updates = list(saved.exchange("什么是梯度爆炸？", [], 4, "extractive", [], None, {}))
    problem = _last(updates, 5)
    assert "This answer could not be saved: cannot use the chat database" in problem and "Not a directory" in problem
    assert len(_last(updates, 3)) == 2 and "[1]" in _last(updates, 3)[1]["content"]  # the answer is there
    status = saved.open(None, {})[-1]
    assert "cannot use the chat database" in status and "\n" not in status
