"""The interviewer's model-written parts through the real openai client against the scripted server:
a probe must stay on the notes' points, paraphrases must still find their section, failures fall back."""

from __future__ import annotations

from assistant.answering.llm import build_llm
from assistant.answering.prompts import Prompts
from assistant.interview.probe import choose, llm_wording
from assistant.interview.variants import llm_variants
from assistant.notes.keypoints import outline
from assistant.notes.parse import read_notes
from tests.conftest import ROOT
from tests.support.openai_stub import Reply


def _section(number: int):
    q = next(q for q in read_notes(ROOT / "corpus" / "dl-interview-21-40.md") if q.number == number)
    return q.title, q.body


def _llm(offline_settings, stub):
    return build_llm(offline_settings.replace(openai_base_url=stub.base_url, openai_api_key="k", model="stub-model",
                                              llm_retries=0, llm_timeout=10))


def test_a_model_probe_is_kept_only_when_it_asks_about_the_targeted_points(offline_settings, openai_stub):
    prompts = Prompts(ROOT / "prompts")
    title, body = _section(28)
    points = list(outline(body).points)
    rows = [{"status": "covered"}] + [{"status": "missed"}] * (len(points) - 1)
    probe = choose(points, rows, title, "可以重新设计网络，用更少的层。", "zh", prompts)
    assert probe is not None and probe.points  # offline: asks for the missed ways
    llm = _llm(offline_settings, openai_stub)
    focus_word = "梯度截断"
    openai_stub.script(Reply(content=f"那{focus_word}具体是怎么缓解梯度爆炸的？"))
    assert llm_wording(llm, prompts, probe, points, title, "可以重新设计网络。") == f"那{focus_word}具体是怎么缓解梯度爆炸的？"
    openai_stub.script(Reply(content="你周末喜欢做什么？"))  # off the notes: the offline wording stays
    assert llm_wording(llm, prompts, probe, points, title, "可以重新设计网络。") is None
    openai_stub.script(Reply(status=500, error={"message": "boom"}))
    assert llm_wording(llm, prompts, probe, points, title, "可以重新设计网络。") is None
    sent = openai_stub.requests[0].body["messages"]
    assert sent[0]["role"] == "system" and title in sent[1]["content"]


def test_model_paraphrases_must_retrieve_the_same_section(offline_settings, openai_stub):
    prompts = Prompts(ROOT / "prompts")
    llm = _llm(offline_settings, openai_stub)
    openai_stub.script(Reply(content="1. 梯度爆炸该怎么处理？\n2. 今天吃什么好？\n3. 如何修复梯度爆炸问题？"))
    kept = llm_variants(llm, prompts, "如何修复梯度爆炸问题？", "zh", same_section=lambda text: "梯度爆炸" in text)
    assert kept == ["梯度爆炸该怎么处理？"]  # the off-topic line fails the check, the title itself is not a variant
    openai_stub.script(Reply(status=503, error={"message": "down"}))
    assert llm_variants(llm, prompts, "如何修复梯度爆炸问题？", "zh", same_section=lambda text: True) == []
