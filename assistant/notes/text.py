"""Line-level Markdown text helpers shared by the parser, the quoter, the grader and the eval.

Regexes for fences, images, links and source lines; sentence splitting that never cuts inside
**bold** or after a list number; plain text for embedding; the notes' own footnote markers.
One definition each, so quoting, grading and judging agree on what a sentence is.
"""

from __future__ import annotations

import re

FENCE_RE = re.compile(r"^\s*(```|~~~)")
SOURCE_RE = re.compile(r"^\s*>\s*\[([^\]]+)\]\(([^)\s]+)\)")
IMG_RE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"'][^>]*>|!\[[^\]]*\]\(([^)\s]+)[^)]*\)", re.I)
LINK_RE = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
FOOTNOTE_RE = re.compile(r" ?(?:\[\d{1,2}\])+")
# A Latin full stop ends a sentence before a space, except after a digit ("1. item"), an initial ("Ross B.
# Girshick") or a usual abbreviation ("e.g.", "i.e.", "et al.", "vs.", "Fig.").
_LATIN_END = r"(?<=[^\d\s]\.)(?<!\b[A-Z]\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bal\.)(?<!\bvs\.)(?<!\bFig\.)(?<!\bEq\.)(?=\s)"
SENTENCE_END_RE = re.compile(r"(?<=[。！？；!?;])|" + _LATIN_END)
SENTENCE_END_NO_SEMICOLON_RE = re.compile(r"(?<=[。！？!?])|" + _LATIN_END)
SUBSECTION_RE = re.compile(r"^###\s+(\d+(?:\.\d+)*)\.?\s*(.*?)\s*#*\s*$")
LIST_NUMBER_RE = re.compile(r"^\s*(?:\*\*)?\d+[.)、]\s*", re.M)  # "1. ", "**2、" at a line start
QUOTE_MARK_RE = re.compile(r"^\s*(?:>\s*)+")  # a Markdown blockquote marker: not part of what is quoted
CLAUSE_BREAK_RE = re.compile(r"[，,、：:；;]")  # inside a sentence: commas, enumeration commas, colons, semicolons
BULLET_RE = re.compile(r"^\s*(?:[-*+•]\s+|\d+[.)、](?!\d)\s*|[a-z][)）]\s*)")  # not the "1." of "1.0"


class Fences:
    """Tracks fenced code blocks line by line: opened by ``` or ~~~ and closed only by the same marker."""

    def __init__(self) -> None:
        self.marker: str | None = None

    def step(self, line: str) -> bool:
        """Feed the next line; True when it opens or closes a block."""
        m = FENCE_RE.match(line)
        if not m or (self.marker is not None and m.group(1) != self.marker):
            return False  # a ~~~ line inside a ``` block is just content
        self.marker = None if self.marker else m.group(1)
        return True

    @property
    def inside(self) -> bool:
        """True while inside a block (after the last line fed)."""
        return self.marker is not None


def word_chars(text: str) -> int:
    """Letters, digits and CJK characters of a text, without spaces and punctuation: how much it says."""
    return len(_NON_WORD.sub("", text))


_NON_WORD = re.compile(r"[\W_]+")


def clauses(text: str, min_chars: int = 4) -> list[str]:
    """The clauses of a sentence (cut at ，、：；) with at least `min_chars` characters: a short key point or a
    moved negation is matched against a clause, not a long sentence (grader and judge)."""
    return [c.strip() for c in CLAUSE_BREAK_RE.split(text) if len(c.strip()) >= min_chars]


def split_sentences(text: str, semicolons: bool = True) -> list[str]:
    """Split prose into sentences on Chinese and Western end punctuation and line breaks.

    With `semicolons=False` a '；' or ';' does not end a sentence (answers cite per full sentence).
    """
    splitter = SENTENCE_END_RE if semicolons else SENTENCE_END_NO_SEMICOLON_RE
    out: list[str] = []
    for line in text.split("\n"):
        pieces: list[str] = []
        for piece in splitter.split(line):
            # Never cut inside **bold**: quotes must stay verbatim and balanced.
            if pieces and pieces[-1].count("**") % 2 == 1:
                pieces[-1] += piece
            else:
                pieces.append(piece)
        out.extend(p.strip() for p in pieces if p.strip())
    return out


def squeezed(text: str) -> str:
    """The text lower-cased with its whitespace removed: how "小 batch" and "小batch", "Xavier 初始化" and "xavier初始化"
    are told to be the same words."""
    return re.sub(r"\s+", "", text.lower())


def strip_footnotes(text: str) -> str:
    """Remove the notes' own reference markers ("… 影响 [1]。", "[5][4]"), whose reference lists are
    not in the notes: left in a quote they would read as the assistant's `[n]` citations."""
    return FOOTNOTE_RE.sub("", text)


def unlinked(markdown: str) -> str:
    """Markdown with links as their text and images and bare URLs gone."""
    text = LINK_RE.sub(lambda m: m.group(1), IMG_RE.sub(" ", markdown))
    return re.sub(r"https?://\S+", " ", text)


def plain_text(markdown: str) -> str:
    """Markdown reduced to readable text for embedding and matching: no images, URLs or emphasis marks."""
    text = re.sub(r"[*_`>#]+", " ", unlinked(markdown))
    return re.sub(r"[ \t]+", " ", text).strip()


# No space belongs between two Han characters, nor beside full-width punctuation.
_HAN, _WIDE_PUNCT = r"[\u4e00-\u9fff]", r"[\u3000-\u303f\uff00-\uffef]"
_WIDE_GAP = re.compile(rf"(?<={_HAN})[ \t]+(?={_HAN})|(?<={_WIDE_PUNCT})[ \t]+|[ \t]+(?={_WIDE_PUNCT})")


def close_gaps(text: str) -> str:
    """The text without spaces between Chinese characters or beside full-width punctuation: for showing a point's
    label, whose plain text keeps a gap where a bold mark stood ("…更新网络权重 。")."""
    return _WIDE_GAP.sub("", text)


def readable(markdown: str) -> str:
    """A note sentence as a reader should see it quoted in feedback: links as their text, no images, URLs, bold or
    code marks, no blockquote or heading marker, and no space between Chinese characters or beside full-width
    punctuation ("取平方，**对异常值非常敏感**，" reads "取平方，对异常值非常敏感，"). Unlike `plain_text` (for matching),
    it keeps what a formula says: "`x>0`" stays "x>0", "s_t" stays "s_t"; a space beside a Latin word stays."""
    text = re.sub(r"\*\*|__|`+", "", unlinked(markdown))
    text = re.sub(r"^[ \t]*(?:>[ \t]*)+|^[ \t]*#+[ \t]+", "", text, flags=re.M)
    return close_gaps(re.sub(r"[ \t]+", " ", text).strip())


def candidate_sentences(body: str) -> list[str]:
    """Quotable sentences of a chunk body: prose only, list bullets and the notes' footnote markers
    stripped, verbatim otherwise (a quote is a substring of `strip_footnotes(section)`)."""
    out: list[str] = []
    fences = Fences()
    for line in body.split("\n"):
        if fences.step(line) or fences.inside or SOURCE_RE.match(line) or SUBSECTION_RE.match(line) or IMG_RE.search(line):
            continue
        line = BULLET_RE.sub("", QUOTE_MARK_RE.sub("", strip_footnotes(line).strip()))
        for sentence in split_sentences(line):
            if len(plain_text(sentence)) >= 6:
                out.append(sentence)
    return out
