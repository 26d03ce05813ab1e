"""A weak match: an answered question covered by less than `retrieval.weak_margin` over the coverage threshold says
the notes may not answer it exactly, in the question's language, in every front end (JSON, CLI, web, saved chats)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.tuned import write_user_entry

QUESTION = {"zh": "梯度爆炸会引发什么问题？", "en": "What problems do exploding gradients cause?"}
LINE = {"zh": "笔记可能没有直接回答这个问题", "en": "The notes may not answer this exactly"}


def _assistant(home):
    from assistant.config import Settings
    from assistant.service import Assistant

    return Assistant(Settings.from_env({}, home=home), progress=False)


def _margin_over_threshold(home, question: str) -> float:
    retriever = _assistant(home).retriever
    result = retriever.search(question)
    assert result.covered
    return result.coverage - retriever.coverage.threshold


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_answer_just_over_the_threshold_says_so_and_a_clear_one_does_not(built_copy, lang):
    over = _margin_over_threshold(built_copy, QUESTION[lang])
    write_user_entry(built_copy, "retrieval.weak_margin", over + 0.01, "test: just over")
    weak = _assistant(built_copy).ask(QUESTION[lang])
    assert weak.covered and weak.weak.startswith(LINE[lang]) and weak.to_json()["weak_match"] is True
    write_user_entry(built_copy, "retrieval.weak_margin", over - 0.01, "test: just under")
    clear = _assistant(built_copy).ask(QUESTION[lang])
    assert clear.covered and clear.weak == "" and clear.to_json()["weak_match"] is False
    assert clear.answer == weak.answer  # the line is beside the answer, not in it: quotes and citations are the same


def test_a_declined_question_is_never_a_weak_match(built_copy):
    write_user_entry(built_copy, "retrieval.weak_margin", 1000.0, "test: everything answered is weak")
    result = _assistant(built_copy).ask("帮我写一首关于春天的诗")
    assert not result.covered and result.weak == ""


def test_the_cli_the_web_chat_and_the_export_show_the_line(built_copy):
    from assistant.chats.export import markdown
    from assistant.chats.record import answer_record
    from assistant.cli import cli
    from assistant.web.chat import display

    write_user_entry(built_copy, "retrieval.weak_margin", 1000.0, "test: everything answered is weak")
    shown = CliRunner().invoke(cli, ["ask", QUESTION["zh"]])
    assert shown.exit_code == 0 and f"⚠ {LINE['zh']}" in shown.output
    assert json.loads(CliRunner().invoke(cli, ["search", "--json", QUESTION["zh"]]).output)["weak_match"] is True
    result = _assistant(built_copy).ask(QUESTION["zh"])
    record = answer_record(result)
    assert record["weak"] == result.weak
    history = [{"role": "user", "content": QUESTION["zh"]}, {"role": "assistant", "content": result.answer}]
    content = display(history, [{"asked": QUESTION["zh"], "standalone": result.standalone, "record": record}])[1]["content"]
    assert content.startswith(f"*⚠ {LINE['zh']}")
    exported = markdown({"id": 1, "title": "t"}, [{"role": "user", "content": QUESTION["zh"]},
                                                 {"role": "assistant", "content": result.answer, "sources": record}])
    assert f"> ⚠ {result.weak}" in exported
