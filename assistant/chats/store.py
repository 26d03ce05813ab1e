"""Conversations kept in the app database: a user's chats, their messages, and feedback on the answers.

The web page calls only this. A `ChatStore` belongs to one user (a login name under `--auth`,
else `browser:<random id>` kept in that browser) and every read and write is scoped to that
user's conversations, so a message or conversation id from anywhere else is simply not found.
Each exchange (question and answer) is committed in one transaction when the answer completes.
Regenerating keeps the old answer, marked as superseded by the new one; feedback is a log of
clicks (the latest is an answer's verdict), both kept for later evaluation. Deleting a
conversation deletes its messages and feedback (the user asked for it to be gone).
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from assistant.db.schema import open_app_database
from assistant.db.sqlite import as_json, now_iso
from assistant.errors import UserError

TITLE_CHARS = 80  # a title longer than this is cut (from a question) or refused (rename)
REASON_CHARS = 1000
RATINGS = ("up", "down", "none")
STAMP = "microseconds"  # row timestamps to the microsecond, so "most recently updated first" is exact within a second
_BROWSER_ID = re.compile(r"^[0-9a-f]{32}$")


class ChatError(UserError):
    """Input the store refuses (an empty title, an over-long reason); the message is one line for the user."""


def owner_of(username: str | None, browser_id: str | None) -> str | None:
    """Whose conversations these are: the login name under auth, else `browser:<id>` (None: no valid id yet).

    Gradio splits `user:pass` at the first ':' and login names never contain one, so the
    `browser:` prefix cannot collide with a login name.
    """
    if username:
        return username
    return f"browser:{browser_id}" if browser_id and _BROWSER_ID.match(browser_id) else None


def new_browser_id() -> str:
    """A random id for a browser without one (kept in its localStorage)."""
    return uuid.uuid4().hex


def title_from(question: str) -> str:
    """A conversation's first title: its first question on one line, cut to TITLE_CHARS."""
    text = " ".join((question or "").split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"


class ChatStore:
    """One user's conversations in the app database; use as a context manager (closes the connection)."""

    def __init__(self, path: Path, user: str) -> None:
        self.user = user
        self.db, self.notice = open_app_database(Path(path), "chat database")

    def __enter__(self) -> ChatStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    # -- conversations ------------------------------------------------------------------------
    def conversations(self, limit: int = 200) -> list[dict]:
        """This user's conversations, most recently updated first: id, title, created_at, updated_at."""
        rows = self.db.execute("SELECT id, title, created_at, updated_at FROM conversations WHERE user = ?"
                               " ORDER BY updated_at DESC, id DESC LIMIT ?", (self.user, limit))
        return [dict(r) for r in rows]

    def conversation(self, conversation_id: int | None) -> dict | None:
        """One of this user's conversations, or None (unknown, deleted, or someone else's)."""
        if conversation_id is None:
            return None
        row = self.db.execute("SELECT id, title, created_at, updated_at FROM conversations WHERE id = ? AND user = ?",
                              (int(conversation_id), self.user)).fetchone()
        return dict(row) if row else None

    def rename(self, conversation_id: int, title: str) -> str:
        """Give a conversation a new title (one line); returns it. Empty or too long is a ChatError."""
        text = " ".join((title or "").split())
        if not text:
            raise ChatError("A title cannot be empty.")
        if len(text) > TITLE_CHARS:
            raise ChatError(f"A title can have at most {TITLE_CHARS} characters (this one has {len(text)}).")
        with self.db:
            cur = self.db.execute("UPDATE conversations SET title = ?, updated_at = ? WHERE id = ? AND user = ?",
                                  (text, now_iso(STAMP), int(conversation_id), self.user))
        if not cur.rowcount:
            raise ChatError("This conversation no longer exists.")
        return text

    def delete(self, conversation_id: int) -> bool:
        """Delete a conversation with its messages and feedback; False when there was none to delete."""
        with self.db:
            cur = self.db.execute("DELETE FROM conversations WHERE id = ? AND user = ?",
                                  (int(conversation_id), self.user))
        return cur.rowcount > 0

    # -- messages -----------------------------------------------------------------------------
    def add_exchange(self, conversation_id: int | None, question: str, answer: str, record: dict,
                     standalone: str = "") -> tuple[int, int]:
        """Save a question and its finished answer together; returns (conversation id, answer message id).

        Without a conversation (or when it was deleted meanwhile, e.g. from another tab) a new
        one is started, titled by the question.
        """
        now = now_iso(STAMP)
        with self.db:
            if self.conversation(conversation_id) is None:
                # A conversation exists only with its first exchange: never an empty one in the list.
                cur = self.db.execute("INSERT INTO conversations (user, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
                                      (self.user, title_from(question) or "New chat", now, now))
                conversation_id = cur.lastrowid
            assert conversation_id is not None  # an INSERT always sets lastrowid
            self.db.execute("INSERT INTO messages (conversation_id, role, content, created_at) VALUES (?, 'user', ?, ?)",
                            (conversation_id, question, now))
            message_id = self._insert_answer(int(conversation_id), answer, record, standalone, now)
        return int(conversation_id), message_id

    def replace_answer(self, message_id: int, answer: str, record: dict, standalone: str = "") -> int:
        """Regenerate: a new answer takes the place of `message_id`, which is kept as superseded; returns the new id."""
        row = self._owned(message_id)
        if row is None or row["role"] != "assistant" or row["superseded_by"] is not None:
            raise ChatError("That answer can no longer be regenerated (it was replaced or deleted).")
        now = now_iso(STAMP)
        with self.db:
            new_id = self._insert_answer(row["conversation_id"], answer, record, standalone, now)
            self.db.execute("UPDATE messages SET superseded_by = ? WHERE id = ?", (new_id, message_id))
        return new_id

    def messages(self, conversation_id: int) -> list[dict]:
        """A conversation's current messages in order: role, content, and for answers their sources record,
        standalone question, mode and latest feedback (rating, reason). Empty for another user's conversation."""
        # The latest feedback row is the verdict: one join on it (feedback_message index) gives rating and reason.
        rows = self.db.execute(
            "SELECT m.*, f.rating, f.reason FROM messages m JOIN conversations c ON c.id = m.conversation_id"
            " LEFT JOIN feedback f ON f.id = (SELECT MAX(id) FROM feedback WHERE message_id = m.id)"
            " WHERE c.id = ? AND c.user = ? AND m.superseded_by IS NULL ORDER BY m.id",
            (int(conversation_id), self.user))
        return [{**dict(r), "sources": json.loads(r["sources"] or "{}"), "rating": r["rating"] or "none",
                 "reason": r["reason"] or ""} for r in rows]

    # -- feedback -----------------------------------------------------------------------------
    def rate(self, message_id: int, rating: str, reason: str = "") -> int:
        """Record a thumb on an answer ('up', 'down', or 'none' when taken back); returns the feedback row id."""
        if rating not in RATINGS:
            raise ChatError(f"Unknown rating {rating!r}.")
        reason = _reason(reason)
        row = self._owned(message_id)
        if row is None or row["role"] != "assistant":
            raise ChatError("That answer is not in your saved conversations.")
        with self.db:
            cur = self.db.execute("INSERT INTO feedback (message_id, rating, reason, created_at) VALUES (?, ?, ?, ?)",
                                  (message_id, rating, reason, now_iso(STAMP)))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def explain(self, message_id: int, reason: str) -> None:
        """Attach a reason to an answer's latest thumbs-down (recording one if it has none)."""
        reason = _reason(reason)
        latest = self.db.execute("SELECT id, rating FROM feedback WHERE message_id = ? ORDER BY id DESC LIMIT 1",
                                 (message_id,)).fetchone()
        if latest is None or latest["rating"] != "down" or self._owned(message_id) is None:
            self.rate(message_id, "down", reason)
            return
        with self.db:
            self.db.execute("UPDATE feedback SET reason = ? WHERE id = ?", (reason, latest["id"]))

    def feedback(self) -> list[dict]:
        """Every feedback row on this user's answers, oldest first, with the answer, its question and mode."""
        rows = self.db.execute(
            "SELECT f.id, f.rating, f.reason, f.created_at, m.id AS message_id, m.conversation_id, m.content AS answer,"
            " m.mode, m.standalone, m.superseded_by,"
            " (SELECT q.content FROM messages q WHERE q.conversation_id = m.conversation_id AND q.role = 'user'"
            "  AND q.id < m.id ORDER BY q.id DESC LIMIT 1) AS question"
            " FROM feedback f JOIN messages m ON m.id = f.message_id JOIN conversations c ON c.id = m.conversation_id"
            " WHERE c.user = ? ORDER BY f.id", (self.user,))
        return [dict(r) for r in rows]

    # -- helpers ------------------------------------------------------------------------------
    def _insert_answer(self, conversation_id: int, answer: str, record: dict, standalone: str, now: str) -> int:
        cur = self.db.execute(
            "INSERT INTO messages (conversation_id, role, content, sources, standalone, mode, created_at)"
            " VALUES (?, 'assistant', ?, ?, ?, ?, ?)",
            (conversation_id, answer, as_json(record), standalone, str(record.get("mode", "")), now))
        self.db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def _owned(self, message_id: int):
        return self.db.execute(
            "SELECT m.id, m.role, m.conversation_id, m.superseded_by FROM messages m"
            " JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ? AND c.user = ?",
            (int(message_id), self.user)).fetchone()


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if len(text) > REASON_CHARS:
        raise ChatError(f"A reason can have at most {REASON_CHARS:,} characters (this one has {len(text):,}).")
    return text
