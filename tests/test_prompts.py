"""Prompts are files; missing files and wrong variables are errors."""

from __future__ import annotations

import pytest

from assistant.answering.prompts import PromptError, Prompts
from assistant.config import package_data_dir
from assistant.notes.terms import language_of


def test_shipped_prompts_render():
    p = Prompts(package_data_dir("prompts"))
    system = p.render("answer_system", n_sources=3, language="English", not_covered="N/A")
    assert "1 to 3" in system
    assert p.render("not_covered", "zh").startswith("笔记中没有涉及")
    assert p.get("answer_user").variables == {"sources", "question", "language"}


def test_missing_file_and_variables(tmp_path):
    (tmp_path / "t.md").write_text("Hello {name}, {{literal}}")
    p = Prompts(tmp_path)
    assert p.render("t", name="x") == "Hello x, {literal}"
    with pytest.raises(PromptError, match="missing"):
        p.render("t")
    with pytest.raises(PromptError, match="unexpected"):
        p.render("t", name="x", other=1)
    with pytest.raises(PromptError, match="is missing"):
        p.get("absent")


def test_language_detection():
    assert language_of("什么是 RNN?") == "zh" and language_of("What is an RNN?") == "en"
    # Full-width punctuation alone is Chinese typing ("？？？" was answered in English, blind CLI QA); with a Latin
    # letter it is not.
    assert language_of("？？？") == "zh" and language_of("???") == "en" and language_of("RNN？") == "en"
