"""The judges: LLM judge against the scripted OpenAI stub (parsing, retry, cache) and the offline proxy."""

from __future__ import annotations

import json

import pytest

from assistant.config import Settings
from assistant.evals.claims import split_claims
from assistant.evals.llm_judge import LLMJudge, first_json, parse_verdicts
from tests.support.openai_stub import Reply, ScriptedOpenAI

CONTEXTS = {1: "梯度爆炸是指误差梯度累积成非常大的梯度，导致网络不稳定。", 2: "梯度截断把超过阈值的梯度设为阈值。"}
ANSWER = "梯度爆炸会让网络不稳定[1]。梯度截断把梯度设为阈值[2]。"
GOOD = json.dumps({"verdicts": [
    {"id": 1, "reason": "ok", "supported_by": [1], "evidence": "导致网络不稳定", "verdict": 1},
    {"id": 2, "reason": "wrong source", "supported_by": [], "evidence": "", "verdict": 0}]}, ensure_ascii=False)


@pytest.fixture
def stub():
    with ScriptedOpenAI() as server:
        yield server


def _judge(stub, home) -> LLMJudge:
    settings = Settings.from_env({}, home=home, openai_base_url=stub.base_url, openai_api_key="test", llm_retries=0)
    return LLMJudge(settings)


def test_first_json_tolerates_fences_and_chatter():
    assert first_json('Sure!\n```json\n{"verdicts": []}\n```') == {"verdicts": []}
    assert first_json("{broken [1, 2] tail") == [1, 2]
    assert first_json("no json here") is None
    assert parse_verdicts('[{"verdict": "yes"}, {"id": "2", "verdict": "0"}]', 2) == {
        1: {"verdict": True, "supported_by": [], "evidence": ""},
        2: {"verdict": False, "supported_by": [], "evidence": ""}}


def test_good_json_gives_verdicts_and_citation_support(stub, tmp_path):
    stub.script(Reply("```json\n" + GOOD + "\n```"))
    judge = _judge(stub, tmp_path)
    verdicts = judge.judge("什么是梯度爆炸？", split_claims(ANSWER), CONTEXTS)
    assert [v.supported for v in verdicts] == [True, False]
    assert verdicts[0].cited_support == {1: True} and verdicts[0].evidence == "导致网络不稳定"
    body = stub.chat_requests[0].body
    assert body["temperature"] == 0 and "梯度截断把超过阈值" in body["messages"][1]["content"]
    assert "严格的事实核查员" in body["messages"][0]["content"]  # the Chinese prompt for a Chinese answer


def test_broken_json_is_retried_once(stub, tmp_path):
    stub.script(Reply('{"verdicts": [{"id": 1, "verdict": '), Reply(GOOD))
    judge = _judge(stub, tmp_path)
    verdicts = judge.judge("q", split_claims(ANSWER), CONTEXTS)
    assert [v.supported for v in verdicts] == [True, False]
    assert len(stub.chat_requests) == 2 and judge.stats["retries"] == 1
    assert "无法把你的回复解析为 JSON" in stub.chat_requests[1].body["messages"][-1]["content"]


def test_unparseable_twice_is_counted_not_guessed(stub, tmp_path):
    stub.script(Reply("I think both are fine."), Reply("Still no JSON, sorry."))
    judge = _judge(stub, tmp_path)
    verdicts = judge.judge("q", split_claims(ANSWER), CONTEXTS)
    assert [v.supported for v in verdicts] == [None, None]
    assert judge.stats["unparseable_answers"] == 1 and judge.stats["unparseable_claims"] == 2


def test_rerun_is_served_from_the_cache(stub, tmp_path):
    stub.script(Reply(GOOD))
    first = _judge(stub, tmp_path).judge("q", split_claims(ANSWER), CONTEXTS)
    again = _judge(stub, tmp_path)  # a new judge, same home: reads judge-cache.sqlite
    second = again.judge("q", split_claims(ANSWER), CONTEXTS)
    assert [v.supported for v in second] == [v.supported for v in first]
    assert len(stub.chat_requests) == 1 and again.stats == {**again.stats, "requests": 0, "cache_hits": 1}
    assert (tmp_path / "judge-cache.sqlite").is_file()


def test_offline_proxy_flags_invented_number_and_off_topic():
    from assistant.evals.judges import OfflineJudge
    from assistant.notes.parse import read_notes
    from tests.conftest import CORPUS

    section = next(q.body for q in read_notes(CORPUS / "dl-interview-21-40.md") if q.number == 25)
    answer = ("在深层网络中，误差梯度会在更新中累积成非常大的梯度[1]。"
              "当网络层之间的梯度值超过 10 时就会产生梯度爆炸[1]。"
              "Python lists are dynamic arrays that grow automatically [1].")
    verdicts = OfflineJudge().judge("什么是梯度爆炸？", split_claims(answer), {1: section})
    assert [v.supported for v in verdicts] == [True, False, False]


def test_offline_proxy_tells_a_moved_negation_from_an_added_one():
    """A paraphrase that moves the notes' own negation is faithful; a negation the notes lack is not."""
    from assistant.evals.judges import OfflineJudge
    from assistant.notes.parse import read_notes
    from tests.conftest import CORPUS

    sections = {q.number: q.body for q in read_notes(CORPUS / "dl-interview-21-40.md")}
    # Note 22: "我们可能从来没有找到过 “局部最优”，更别说全局最优" (a dev-set paraphrase; counting cues flagged it).
    moved = split_claims("“容易收敛到局部最优”很可能只是一种想象，实际上我们可能连局部最优都从来没找到过，更别说全局最优了[1]。")
    # Note 26: "…梯度爆炸会引起网络不稳定，最好的结果是无法从训练数据中学习，而最坏的结果是出现无法再更新的 NaN 权重值。"
    added = split_claims("在深度多层感知机网络中，梯度爆炸不会引起网络不稳定[1]。")  # its sentence negates another clause
    judge = OfflineJudge()
    assert judge.judge("q", moved, {1: sections[22]})[0].supported
    # The rules read "连局部最优都从来没找到过" as denying 局部最优 (polarity._NEG_AFTER): no nearby clause is needed.
    assert OfflineJudge(negation_near=0).judge("q", moved, {1: sections[22]})[0].supported
    assert not judge.judge("q", added, {1: sections[26]})[0].supported
    assert judge.nearest_clauses(moved[0].text, ["一，二三四五，最坏的结果是出现无法再更新的 NaN 权重值"]) == [
        "最坏的结果是出现无法再更新的 NaN 权重值", "二三四五"]


def test_offline_proxy_flags_a_claim_that_drops_the_notes_negation():
    """A claim with no negation cue can still deny the notes by dropping theirs; a negation elsewhere in the note
    sentence, about something else, does not count (its closest clauses decide)."""
    from assistant.evals.judges import OfflineJudge
    from assistant.notes.parse import read_notes
    from tests.conftest import CORPUS

    sections = {q.number: q.body for q in read_notes(CORPUS / "dl-interview-21-40.md")}
    # Note 21: "ReLU 在 x>0 时导数恒为 1，因此对于再大的正值也不会饱和。"
    dropped = split_claims("ReLU 在 x>0 时导数恒为 1，所以输入是很大的正值时也会饱和[1]。")
    kept = split_claims("ReLU 在 x>0 时导数恒为 1，所以输入是很大的正值时也不会饱和[1]。")
    judge = OfflineJudge()
    assert not judge.judge("q", dropped, {1: sections[21]})[0].supported
    assert judge.judge("q", kept, {1: sections[21]})[0].supported


def test_offline_proxy_flags_a_name_the_section_never_uses():
    """A claim naming a technical name its section never uses brings in something the notes do not say (as a new
    number does); the initials of the section's words (RPN), a glossary name in other spacing or case and a
    subscripted variable are no new names."""
    from assistant.evals.judges import OfflineJudge
    from assistant.notes.parse import read_notes
    from assistant.retrieval.answerable import names_not_in as _new_names
    from tests.conftest import CORPUS

    section = next(q.body for q in read_notes(CORPUS / "dl-interview-21-40.md") if q.number == 37)
    invented = split_claims("Faster-RCNN 把 Region proposal 也交给 CNN 来做，这一步是用 PyTorch 实现的[1]。")
    initials = split_claims("Faster-RCNN 把 Region proposal 也交给 CNN 来做，也就是 RPN[1]。")
    assert OfflineJudge(new_names=False).judge("q", invented, {1: section})[0].supported  # the rule is what flags it
    assert not OfflineJudge().judge("q", invented, {1: section})[0].supported
    assert OfflineJudge().judge("q", initials, {1: section})[0].supported
    assert _new_names("tanh 配合 Xavier初始化。", "tanh、sigmoid 配 Xavier 初始化。") == []
    assert _new_names("计算 s_0 时需要 s_{-1}。", "s_t = f(U x_t + W s_{t-1})") == []
    assert _new_names("RNN 能处理序列数据。", "RNNs 的目的是处理序列数据。") == []
    assert _new_names("cuDNN 会自动选择算法。", "tanh、sigmoid 配 Xavier 初始化。") == ["cudnn"]


def test_offline_proxy_checks_a_count_against_every_clause_about_its_subject():
    """"GRU有三个门" sits nearest 第40题's definition of GRU, not its gate counts; the count is checked against every
    clause counting gates about GRU ("GRU 只有两个门"), not against LSTM's ("LSTM 有三个门")."""
    from assistant.evals.judges import OfflineJudge
    from assistant.notes.parse import read_notes
    from assistant.notes.quantities import count_mismatch
    from tests.conftest import CORPUS

    section = next(q.body for q in read_notes(CORPUS / "dl-interview-21-40.md") if q.number == 40)
    judge = OfflineJudge()
    wrong = judge.judge("GRU有几个门", split_claims("GRU有三个门[1]。"), {1: section})[0]
    assert not wrong.supported and "两个门" in wrong.evidence  # the clause that says otherwise, shown as the evidence
    assert judge.judge("GRU有几个门", split_claims("GRU有两个门[1]。"), {1: section})[0].supported
    assert judge.judge("LSTM有几个门", split_claims("LSTM有三个门[1]。"), {1: section})[0].supported
    units = ["GRU 只有两个门（update 和 reset）", "LSTM 有三个门（forget", "GRU 直接将 hidden state 传给下一个单元"]
    assert count_mismatch("LSTM 只有两个门", units) == ("2门≠3门", "LSTM 有三个门（forget")
    assert count_mismatch("LSTM 有三个门，GRU 只有两个门", units) == ("", "")  # each count has a clause that states it
    assert count_mismatch("这个模型有三个门", units) == ("", "")  # about no subject the clauses name


LINKS_ONLY = ("> [Batch Normalization 详解](https://zhuanlan.zhihu.com/p/123456) - 知乎\n\n"
              "> [BN 是怎么工作的](./12-BN是怎么工作的.md)")


def test_offline_proxy_judges_a_links_only_section_by_what_it_points_to():
    """A section of links alone states nothing: a claim that says so, or says where the links go, is faithful (by e5
    against the link titles such claims scored 0); a claim giving the wrong host, a file number or a count it does not
    have, a technical name the links do not carry, or saying there are no references, is not; a claim about the topic
    itself is not supported by links. `references=False` is the judge before this rule."""
    from assistant.evals.judges import OfflineJudge
    from assistant.evals.references import references

    judge, before = OfflineJudge(), OfflineJudge(references=False)

    def supported(text: str, j: OfflineJudge = judge) -> bool:
        return j.judge("BN 是什么？", split_claims(text), {1: LINKS_ONLY})[0].supported

    faithful = ["笔记这一题没有在正文里展开，只给了两条参考链接[1]。",
                "The notes don't explain BN in prose; they link a Zhihu article and a notes file numbered 12 [1]."]
    for claim in faithful:
        assert supported(claim) and not supported(claim, before)
    assert not supported("它链接的是简书上的一篇文章[1]。")  # the link goes to Zhihu
    assert not supported("详细内容在编号 13 的笔记文件里[1]。")
    assert not supported("笔记给了三条参考链接[1]。")
    assert not supported("笔记也没有给出任何参考链接[1]。")
    assert not supported("The linked article explains BN with PyTorch code [1].")
    assert not supported("BN 会把每层的输入归一化到零均值、单位方差[1]。")
    assert references("BN 把输入归一化。\n\n" + LINKS_ONLY) is None  # prose: judged as before
    assert references("<img src=\"_asset/bn.png\">").images == 1
