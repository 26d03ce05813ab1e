"""The one base class for errors whose message is meant for the user, and how an error becomes one line.

Every layer raises a subclass of `UserError` when the user can act on the message (a bad
setting, a notes file that cannot be parsed, an index that cannot be opened). The CLI and
the web app show such a message as is, in one line; any other exception is a bug and is
shown with its type name (or with a traceback under ASSISTANT_DEBUG=1).
"""

from __future__ import annotations


class UserError(Exception):
    """An error whose message the user can act on; shown as one line, as is."""


def first_line(exc: BaseException, limit: int = 200) -> str:
    """The first line of an exception's message (at most `limit` characters), or its type name when empty."""
    text = str(exc).strip()
    return text.splitlines()[0][:limit] if text else type(exc).__name__
