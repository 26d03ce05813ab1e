"""A private copy of the built test index for a browser test module: the same index without its database, so the
module's chats and interviews start empty and touch no other module's (test_web_layout_browser,
test_web_small_fixes_browser)."""

from __future__ import annotations

import shutil


def private_assistant(built_home, tmp_path_factory, name: str):
    """(settings, Assistant) over a fresh copy of `built_home` without its assistant.db."""
    from assistant.config import Settings
    from assistant.service import Assistant

    home = tmp_path_factory.mktemp(name) / "home"
    shutil.copytree(built_home, home, ignore=shutil.ignore_patterns("assistant.db*"))
    settings = Settings.from_env({}, home=home)
    return settings, Assistant(settings, progress=False)
