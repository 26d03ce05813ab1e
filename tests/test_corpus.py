"""Notes parser and chunker: structure of the shipped notes, error cases, and no text lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.notes.chunks import chunk_question
from assistant.notes.parse import CorpusError, Skipped, file_key, find_notes, parse_notes, read_notes
from assistant.notes.text import plain_text, split_sentences

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "corpus" / "dl-interview-21-40.md"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def shipped():
    return read_notes(NOTES)


def assert_partition(question, chunks):
    """Chunks cover the body lines contiguously, each line exactly once, and keep them verbatim."""
    assert chunks[0].start == 0 and chunks[-1].end == len(question.lines)
    for a, b in zip(chunks, chunks[1:]):
        assert a.end == b.start
    for c in chunks:
        assert c.body == "\n".join(question.lines[c.start:c.end]).strip("\n")
        assert c.text.startswith(question.label)


def test_shipped_notes_structure(shipped):
    assert [q.number for q in shipped] == list(range(21, 41))
    by_number = {q.number: q for q in shipped}
    assert by_number[28].title == "如何修复梯度爆炸问题？"
    assert by_number[23].kind == "image-only"
    assert {n for n, q in by_number.items() if q.kind == "link-only"} == {33, 34, 35, 36}
    assert [s.number for s in by_number[31].subsections] == ["31.1", "31.2", "31.3", "31.4", "31.5"]
    assert by_number[21].sources[0].url == "https://www.zhihu.com/question/67366051"
    assert by_number[33].notes_links[0].url == "./06-如何理解LSTM网络.md"
    assert "_asset/RNN-01.png" in by_number[30].images
    assert by_number[29].has_content and "```python" in by_number[29].body


def test_every_shipped_line_lands_in_exactly_one_chunk(shipped):
    for q in shipped:
        for size in (80, 150, 300, 1000):
            assert_partition(q, chunk_question(q, size))


def test_long_questions_are_split_and_keep_subsection(shipped):
    q31 = next(q for q in shipped if q.number == 31)
    chunks = chunk_question(q31, 150)
    assert len(chunks) > 5
    assert any(c.subsection.startswith("31.5") for c in chunks)
    assert all(c.metadata()["question"] == 31 for c in chunks)
    assert len({c.id for c in chunks}) == len(chunks)


def test_chunk_does_not_cross_subsections(shipped):
    q31 = next(q for q in shipped if q.number == 31)
    for c in chunk_question(q31, 10_000):
        subs = {q31.subsection_at(i).number for i in range(c.start, c.end) if q31.subsection_at(i)}
        assert len(subs) <= 1


def test_fixture_notes(tmp_path):
    qs = read_notes(FIXTURES / "small-notes.md")
    assert [q.number for q in qs] == [1, 2, 3, 4]
    assert qs[1].sources[0].title == "Gradient clipping explained"
    assert qs[2].kind == "link-only" and qs[3].kind == "image-only"
    assert qs[1].subsections[0].title == "Why it helps"


def test_invalid_utf8_names_the_file(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_bytes((FIXTURES / "bad-encoding.md.bin").read_bytes())
    with pytest.raises(CorpusError, match="bad.md: not valid UTF-8"):
        read_notes(bad)


def test_file_without_headings_is_rejected(tmp_path):
    f = tmp_path / "plain.md"
    f.write_text((FIXTURES / "no-headings.md.txt").read_text())
    with pytest.raises(CorpusError, match="plain.md: no '## N. question' headings"):
        read_notes(f)


def test_the_numberings_chinese_notes_use_are_questions_and_other_numbered_headings_are_reported():
    text = ("## 目录\nskip\n## 1. 一\na\n## 2、二\nb\n## ３．三\nc\n## 第4题 四\nd\n## Q5: five\ne\n## 6）六\nf\n"
            "## 7 七\ng\n## 8.1 八\nh\n## 9.ReLU\ni\n")
    skipped: list[Skipped] = []
    qs = parse_notes(text, "mine.md", skipped=skipped)
    assert [(q.number, q.title, q.body) for q in qs] == [
        (1, "一", "a"), (2, "二", "b"), (3, "三", "c"), (4, "四", "d"), (5, "five", "e"), (6, "六", "f"), (9, "ReLU", "i")]
    # "## 目录" is no question and looks like none; a numbered heading that is not read is named with its line.
    assert [(s.line, s.heading) for s in skipped] == [(15, "## 7 七"), (17, "## 8.1 八")]
    assert str(skipped[0]).startswith("mine.md:15: '## 7 七' is not read as a question")


def test_a_heading_that_says_question_text_is_not_a_question_numbered_by_it():
    skipped: list[Skipped] = []
    qs = parse_notes("## 1. 一\na\n## 105 题目 什么是空洞卷积？\nb\n## 106题 什么是分组卷积？\nc\n", "m.md", skipped=skipped)
    assert [(q.number, q.title) for q in qs] == [(1, "一"), (106, "什么是分组卷积？")]
    assert [(s.line, s.heading) for s in skipped] == [(3, "## 105 题目 什么是空洞卷积？")]


def test_a_file_whose_numbered_headings_are_all_unread_says_which_line(tmp_path):
    f = tmp_path / "mine.md"
    f.write_text("intro\n\n## 1 第一题\ntext\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"mine.md: no '## N. question' headings found \(line 3, '## 1 第一题', is not one\)"):
        read_notes(f)


def test_missing_path_is_reported(tmp_path):
    with pytest.raises(CorpusError, match="no such file or folder"):
        find_notes([tmp_path / "nope"])


def test_duplicate_numbers_keep_both_sections():
    qs = parse_notes("## 1. A\n\nfirst\n\n## 1. B\n\nsecond\n")
    assert [q.uid for q in qs] == ["1", "1~2"]
    ids = [c.id for q in qs for c in chunk_question(q)]
    assert len(set(ids)) == 2


def test_same_file_name_in_two_folders_gets_two_keys(tmp_path):
    a, b = tmp_path / "a" / "n.md", tmp_path / "b" / "n.md"
    assert file_key(a) != file_key(b)


def test_headings_inside_code_fences_do_not_split():
    qs = parse_notes("## 1. Q\n\n```\n## 2. not a heading\n```\nafter\n")
    assert len(qs) == 1 and "after" in qs[0].body


def test_sentences_and_plain_text():
    assert split_sentences("第一句。第二句！Third one. Fourth?") == ["第一句。", "第二句！", "Third one.", "Fourth?"]
    assert plain_text('**粗体** [链接](http://x.y) <img src="a.png">') == "粗体 链接"


line = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40),
    st.sampled_from(["", "```", "### 1.1 sub", "> [src](http://a.b)", "<img src=\"x.png\">", "- item", "**bold**。"]),
    st.builds(lambda n, t: f"## {n}. {t}", st.integers(1, 99), st.text(min_size=1, max_size=10).filter(lambda s: s.strip() and "\n" not in s and "\r" not in s)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(line, max_size=40), st.integers(min_value=10, max_value=400))
def test_no_text_lost_property(lines, size):
    text = "\n".join(lines)
    for q in parse_notes(text):
        chunks = chunk_question(q, size)
        assert_partition(q, chunks)
        bodies = "\n".join(c.body for c in chunks)
        for body_line in q.lines:
            if body_line.strip():
                assert body_line in bodies


def test_a_fence_closes_only_with_its_own_marker():
    qs = parse_notes("## 1. Q\n\n```\n~~~\n## 2. still code\n```\nafter\n\n## 3. R\n\ntext\n")
    assert [q.number for q in qs] == [1, 3]
    assert "## 2. still code" in qs[0].body and "after" in qs[0].body


def test_a_heading_with_nothing_under_it_is_empty_not_link_only():
    """"## 103. 空章节" with no text, links or figures was listed and refused as "link-only" (blind QA)."""
    kinds = {q.number: q.kind for q in parse_notes("## 1. 空章节\n\n## 2. 链接\n\n> [原文](https://example.com/a)\n\n"
                                                  "## 3. 有字\n\n正文一句。\n", "x.md")}
    assert kinds == {1: "empty", 2: "link-only", 3: "text"}


def test_a_paragraph_repeated_in_a_section_is_indexed_once(tmp_path):
    """Blind QA: a section repeating one paragraph 2,728 times filled every search's vector pool with copies (the
    vector index loses recall among thousands of identical vectors), and covered questions were declined."""
    from assistant.notes.corpus import Corpus

    para = "这是一个很长的段落，用来测试超长章节的处理能力，包括梯度和损失。" * 8
    notes = tmp_path / "big.md"
    notes.write_text("## 1. 什么是超长章节？\n\n" + f"{para}\n\n" * 300 + "最后一段不同。\n\n" + f"{para}\n", encoding="utf-8")
    chunks = Corpus.read([notes]).chunks(150)
    assert [c.body for c in chunks] == [para, "最后一段不同。"]
    assert len({c.id for c in chunks}) == 2
    shipped = Corpus.read([NOTES]).chunks(150)
    assert len(shipped) == sum(len(chunk_question(q, 150)) for q in read_notes(NOTES))  # distinct notes: every chunk
