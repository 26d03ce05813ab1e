"""Opening a SQLite file the way every store of the app needs it: durable, migrated, recovered when damaged.

Kept apart from the stores so the interview memory and the saved conversations share one
tested path. Schema changes are named, ordered migrations recorded in a `migrations` table
(the simonw/llm pattern): a database is upgraded by applying the ones it has not seen, so an
old file keeps its history. The file is in WAL mode with FULL sync, so a committed row is on
disk before the caller shows it. A file that is not a database (or is damaged) is moved aside
to `<name>.corrupt-<timestamp>` and recreated, with a one-line notice saying so; any other
failure (locked, read-only, unopenable, full) leaves the file alone and is a `DatabaseError`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from assistant.errors import UserError

Migration = Callable[[sqlite3.Connection], None]
_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class DatabaseError(UserError, OSError):
    """The database exists but cannot be used right now; the message is shown as is."""


class Migrations(list):
    """An ordered registry of (name, function) pairs; `register` is the `@migration` decorator."""

    def register(self, fn: Migration) -> Migration:
        """Register a migration; they run in definition order, each once per database."""
        self.append((fn.__name__, fn))
        return fn


def open_database(path: Path, migrations: Migrations, what: str = "database",
                  upto: str | None = None) -> tuple[sqlite3.Connection, str]:
    """(connection, notice): the file opened durable and migrated (up to and including `upto`).

    `what` names the database in messages ("the interview database …"). The notice is '' unless
    a damaged file was moved aside. A WAL file in a read-only folder is opened read-only.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # e.g. the data directory is under a regular file: one line, like every other failure
        raise DatabaseError(f"cannot use the {what} {path} ({exc.strerror or exc})") from None
    try:
        return _open(path, migrations, upto), ""
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_CANTOPEN and path.exists() and not os.access(path.parent, os.W_OK):
            # A WAL database in a read-only folder cannot create its -shm file: read it as an immutable file.
            return _open(path, migrations, upto, read_only=True), ""
        if code not in _DAMAGED:
            # Locked, read-only, unopenable or full: the file may be healthy, so never move it aside.
            raise DatabaseError(f"cannot use the {what} {path} ({exc})") from None
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        path.replace(aside)
        for suffix in ("-wal", "-shm", "-journal"):  # stale side files belong to the damaged database
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        notice = f"the {what} was unreadable ({exc}); moved it to {aside.name} and started a new one"
        return _open(path, migrations, upto), notice


def _open(path: Path, migrations: Migrations, upto: str | None, read_only: bool = False) -> sqlite3.Connection:
    target = f"{path.resolve().as_uri()}?immutable=1" if read_only else str(path)
    db = sqlite3.connect(target, timeout=10, check_same_thread=False, uri=read_only)
    db.row_factory = sqlite3.Row
    try:
        db.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            durable(db)
        db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        migrate(db, migrations, upto)
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def applied(db: sqlite3.Connection) -> list[str]:
    """Names of the migrations applied to this database, in order."""
    return [r[0] for r in db.execute("SELECT name FROM migrations ORDER BY rowid")]


def migrate(db: sqlite3.Connection, migrations: Migrations, upto: str | None = None) -> list[str]:
    """Apply the migrations this database has not seen (up to and including `upto`); returns their names."""
    done = {r[0] for r in db.execute("SELECT name FROM migrations")}
    newly = []
    for name, fn in migrations:
        if name not in done:
            # One explicit transaction per migration (DDL included): a failure leaves the previous version intact.
            # IMMEDIATE takes the write lock first, so a process migrating at the same time is waited for
            # and its work seen, instead of both applying the same migration.
            db.execute("BEGIN IMMEDIATE")
            try:
                if db.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone() is None:
                    fn(db)
                    db.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, now_iso()))
                    newly.append(name)
            except BaseException:
                db.rollback()
                raise
            db.commit()
        if name == upto:
            break
    return newly


def durable(db: sqlite3.Connection) -> None:
    """WAL journal with FULL sync: a committed row is in the log on disk before the caller shows it.

    The journal mode is a property of the file, not of the schema, so it is set on open
    rather than in a migration. A read-only file or folder keeps its mode (and is still read).
    """
    deadline = time.monotonic() + 10.0
    while db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc) or "read-only" in str(exc):
                break
            # Switching a new file to WAL needs it to itself, and SQLite does not wait (no busy handler there):
            # when several sessions open a new database at once, retry until the first one has switched it.
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    db.execute("PRAGMA synchronous = FULL")


def script(db: sqlite3.Connection, sql: str) -> None:
    """Run ';'-separated statements inside the caller's transaction (executescript would commit first)."""
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


def now_iso(timespec: str = "seconds") -> str:
    """UTC timestamp for rows: seconds by default; the chat store asks for "microseconds", so its
    "most recently updated first" order is exact within a second."""
    return datetime.now(timezone.utc).isoformat(timespec=timespec)


def as_json(value) -> str:
    """A JSON column's text: UTF-8 as written (ensure_ascii=False), so Chinese notes stay readable in the file."""
    return json.dumps(value, ensure_ascii=False)
