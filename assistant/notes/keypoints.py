"""A section's outline: the points it makes, each a short verbatim lead plus the sentences that support it.

Answers, grading and judging all work point by point, so they must agree on what the points of
a section are. The outline is derived from the section text alone, deterministically, and cached
by the text's hash: re-ingest cannot leave a stale outline behind, and nothing is stored twice.

Structure first, in the author's own markup:
- `### N.M` subsections; inside each one (or the whole section when there are none) the most
  frequent item marker with at least two items: numbered lines (`1. 重新设计网络模型`), bold lead
  phrases (`**1. 非线性：** …`) or bullets (`- **Bagging：** …`). Each item is a point; the lines
  up to the next item support it; a list of another marker right after a sentence ending in a colon
  is nested: its items support the point above. Unindented prose after the last item of a numbered or
  bulleted list (Markdown ends the list there) is a point of its own, led by its first sentence. A
  subsection is led by its heading: a point with the prose before its list (or all its prose) as support.
- Prose without such markup: the most central sentences (term overlap with the other sentences,
  bold and first-sentence bonuses) are the points, each supported by the sentence after it.
Lead-in filler ("本节列举了一些…", "as follows") is never a point.
Every `lead`/`support` string is verbatim: a substring of `strip_footnotes(section)`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.notes.terms import STOP_WORDS, tokenize
from assistant.notes.text import (
    BULLET_RE,
    IMG_RE,
    QUOTE_MARK_RE,
    SOURCE_RE,
    SUBSECTION_RE,
    Fences,
    plain_text,
    split_sentences,
    strip_footnotes,
)

_NUMBERED = re.compile(r"^ ?(\d{1,2})[.)、](?!\d)\s*\S")
_BULLETED = re.compile(r"^ ?[-*+•]\s+\S")
_BOLD_LEAD = re.compile(r"^\*\*([^*]{1,40}?)\*\*")
_FILLER = re.compile(r"本节|列举|如下|以下几|下面(?:几|介绍|列)|有很多方法|as follows|listed below|the following", re.I)
_LETTERED = re.compile(r"^[a-z][)）]")  # "a）圆圈…": an item of a lettered list, never a marker of its own
_NO_CLAIM = re.compile(r"^(?:\W*$|[—–-]{1,2})")  # empty or an attribution line ("——《深度学习》，2016.")


@dataclass(frozen=True)
class OutlineParams:
    """Outline constants; set by hand reading the outlines of corpus/ and eval/dev/notes/ (no search yet)."""

    central_points: int = 4  # points of an unstructured section (most central sentences)
    long_intro: int = 4  # a list preceded by this many sentences of prose also gets central points from them
    central_intro_points: int = 2  # ... this many
    min_central_chars: int = 10  # shorter sentences ("以 FaceBook DeepFace 为例") are never central
    min_items: int = 2  # items of one marker needed before a list counts as structure


@dataclass(frozen=True)
class Point:
    """One point of a section: its lead (verbatim, short), supporting sentences (verbatim), and origin."""

    lead: str
    support: tuple[str, ...]
    kind: str  # 'item' | 'bold' | 'bullet' | 'heading' | 'central'
    group: str = ""  # the `### N.M` title the point sits under, if any

    @property
    def label(self) -> str:
        """The lead as plain text, for checklists: '非线性：', '重新设计网络模型'."""
        bold = _BOLD_LEAD.match(self.lead)
        text = bold.group(1) if bold and self.kind in ("bold", "bullet") else self.lead
        return re.sub(r"^\d{1,2}[.)、]\s*", "", plain_text(text)).strip(" ：:")

    @property
    def names(self) -> tuple[str, ...]:
        """What the point is called, for matching a question: the label and its parenthesised parts
        ('填充（padding）' → '填充（padding）', '填充', 'padding'); empty for sentence-long leads."""
        label = self.label
        if self.kind == "central" or len(label) > 30:
            return ()
        parts = [label, *re.split(r"[（(）)，,、/]", label)]
        return tuple(dict.fromkeys(x.strip().lower() for x in parts if len(x.strip()) >= 2))

    @property
    def sentences(self) -> tuple[str, ...]:
        """The lead and its support, in reading order."""
        return (self.lead, *self.support)

    @property
    def text(self) -> str:
        """Lead and support as one plain string (for matching and embedding)."""
        return plain_text(" ".join(self.sentences))


@dataclass(frozen=True)
class Outline:
    """A section's points in reading order, the intro sentences before them, and whether markup gave them."""

    points: tuple[Point, ...]
    intro: tuple[str, ...]
    structured: bool

    def sentences(self) -> list[str]:
        """Every quotable sentence of the outline (intro first), each once."""
        out = list(self.intro) + [s for p in self.points for s in p.sentences]
        return list(dict.fromkeys(out))


def key_terms(text: str) -> frozenset[str]:
    """Matching terms of a text: Latin words and numbers (no stop words) and Chinese bigrams."""
    return frozenset(t for t in tokenize(plain_text(text)) if t not in STOP_WORDS and (len(t) > 1 or not t.isascii()))


def outline(section: str, params: OutlineParams | None = None) -> Outline:
    """The outline of a section body; cached by the text's hash (the same text always gives the same outline)."""
    p = params or OutlineParams()
    return _cached(hashlib.sha1(section.encode()).hexdigest(), section, p)


@lru_cache(maxsize=512)
def _cached(digest: str, section: str, params: OutlineParams) -> Outline:
    groups = _groups(section)
    points: list[Point] = []
    intro: list[str] = []
    structured = False
    for title, lines in groups:
        kind = _marker(lines, params.min_items)
        if kind:
            structured = True
            pre, items = _items(lines, kind)
            prose = [s for s in _sentences(pre) if not _FILLER.search(s)]
            if title:
                # A `### N.M` part with a list: its heading leads the prose before the list, then the items follow.
                # Central points of that prose left the rest of it out of the outline ("其中 `r_0 = 1`…" of a
                # receptive-field formula, the Decoder of seq2seq).
                if prose:
                    points.append(Point(title, tuple(prose), "heading", title))
                points.extend(Point(lead, tuple(sup), k, title) for k, lead, sup in items)
                continue
            if len(prose) >= params.long_intro:  # a list inside prose: the prose makes points too
                lead_in = _central(prose, params, params.central_intro_points).points
                points.extend(Point(p.lead, p.support, p.kind, title) for p in lead_in)
            intro.extend(s for s in _sentences(pre) if not _FILLER.search(s))
            points.extend(Point(lead, tuple(sup), k) for k, lead, sup in items)
        elif title:
            structured = True
            sentences = _sentences(lines)
            if sentences:
                points.append(Point(title, tuple(sentences), "heading", title))
        else:
            intro.extend(_sentences(lines))
    if not structured:
        return _central(intro, params)
    return Outline(tuple(points), tuple(intro), True)


def _groups(section: str) -> list[tuple[str, list[str]]]:
    """(subsection title or '', prose lines) in order; fences, sources and images dropped."""
    groups: list[tuple[str, list[str]]] = [("", [])]
    fences = Fences()
    for line in section.split("\n"):
        if fences.step(line) or fences.inside or SOURCE_RE.match(line) or IMG_RE.search(line):
            continue
        heading = SUBSECTION_RE.match(line)
        if heading:
            groups.append((heading.group(2).strip(), []))
        elif line.strip():
            groups[-1][1].append(strip_footnotes(line))
    return [g for g in groups if g[0] or g[1]]


def _line_kind(line: str) -> str:
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 1:
        return ""  # indented: content of the item above
    if _BULLETED.match(line):
        return "bullet"
    if _NUMBERED.match(line):
        return "item"
    if _BOLD_LEAD.match(stripped) and len(_sentences([stripped])) > 1 or re.match(r"^\*\*\d{1,2}[.)、]", stripped):
        return "bold"
    return ""


def _marker(lines: list[str], min_items: int) -> str:
    """The item marker of the outermost list: of the markers used min_items times or more, the first one used."""
    kinds = [_line_kind(ln) for ln in lines]
    for kind in kinds:
        if kind and kinds.count(kind) >= min_items:
            return kind
    return ""


def _items(lines: list[str], kind: str) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    """(prose before the first item, [(kind, lead, support)]): every unindented marked line starts a point (a
    section may hold two lists, e.g. the steps and then the caveats); other lines support the point above.
    Unindented prose after the last item of a list (`_list_ends`: no item follows, or the next one starts its
    numbering again) is a 'central' point of its own: Markdown ends the list there, and that prose
    is not about the last item (the hidden state of an RNN was "support" of "时间序列问题。")."""
    pre: list[str] = []
    items: list[tuple[str, str, list[str]]] = []
    nested = ""
    ends = _list_ends(lines, kind)
    in_prose = False
    for i, line in enumerate(lines):
        if i in ends:  # prose after a list: a point of its own, its first sentence the lead, in reading order
            sentences = [s for s in _sentences([line]) if not _FILLER.search(s)]
            if in_prose:
                items[-1][2].extend(sentences)
            elif sentences:
                items.append(("central", sentences[0], sentences[1:]))
                in_prose = True
            continue
        in_prose = False
        line_kind = _line_kind(line)
        if line_kind and line_kind != kind and items and (line_kind == nested or _introduces(items[-1])):
            nested, line_kind = line_kind, ""  # a nested list ("作用主要有两个：" then 1. 2.): it supports the point above
        elif line_kind:
            nested = ""
        if line_kind and (items or line_kind == kind):
            sentences = _sentences([line], min_chars=2)
            if sentences:
                items.append((line_kind, sentences[0], sentences[1:]))
                continue
        (items[-1][2] if items else pre).extend(_sentences([line]))
    return pre, items


def _list_ends(lines: list[str], kind: str) -> set[int]:
    """Indexes of the unindented prose lines that follow the last item of a list of `kind` (see `_items`), up to
    the next marked line of any kind (another list's items still start points). A list whose items are followed
    by paragraphs of their own ("1. **学习率不能太大**", a paragraph, "2. …", a paragraph) keeps its last one too."""
    if kind == "bold":
        return set()  # bold leads head paragraphs: what follows them is theirs
    kinds = [_line_kind(ln) for ln in lines]
    prose = [not k and len(ln) - len(ln.lstrip(" ")) <= 1 and not _LETTERED.match(ln.lstrip())
             for k, ln in zip(kinds, lines)]
    starts = [i for i, k in enumerate(kinds) if k == kind]
    runs: list[list[int]] = []
    for i in starts:  # one run per list: a numbered list that starts again at 1 is another list
        if runs and not (kind == "item" and _number(lines[i]) <= _number(lines[runs[-1][-1]])):
            runs[-1].append(i)
        else:
            runs.append([i])
    out: set[int] = set()
    for run in runs:
        if any(prose[j] for a, b in zip(run, run[1:]) for j in range(a + 1, b)):
            continue
        end = next((s for s in starts if s > run[-1]), len(lines))
        first = next((j for j in range(run[-1] + 1, end) if prose[j]), None)
        if first is not None:
            out.update(range(first, next((j for j in range(first, end) if kinds[j]), end)))
    return out


def _number(line: str) -> int:
    """The number of a numbered item (0 for any other line)."""
    m = _NUMBERED.match(line)
    return int(m.group(1)) if m else 0


def _introduces(item: tuple[str, str, list[str]]) -> bool:
    """True when a point's last sentence ends with a colon: it announces the list that follows."""
    last = (item[2] or [item[1]])[-1]
    return plain_text(last).rstrip().endswith(("：", ":"))


def _sentences(lines: list[str], min_chars: int = 6) -> list[str]:
    out = []
    for line in lines:
        text = BULLET_RE.sub("", QUOTE_MARK_RE.sub("", line.strip()))
        for s in split_sentences(text):
            plain = plain_text(s).strip(" -•|：:")
            if len(plain) >= min_chars and not _NO_CLAIM.match(plain):
                out.append(s)
    return out


def _central(sentences: list[str], params: OutlineParams, n_points: int | None = None) -> Outline:
    """Unstructured prose: the most central sentences become points, each supported by the next sentence."""
    candidates = [s for s in dict.fromkeys(sentences)
                  if not _FILLER.search(s) and len(plain_text(s)) >= params.min_central_chars]
    if not candidates:
        return Outline((), tuple(sentences), False)
    terms = [key_terms(s) for s in candidates]
    scores = []
    for i, t in enumerate(terms):
        overlap = sum(len(t & u) / ((len(t) * len(u)) ** 0.5 or 1) for j, u in enumerate(terms) if j != i)
        scores.append(overlap / max(1, len(terms) - 1) + 0.15 * ("**" in candidates[i]) + 0.1 * (i == 0))
    top = sorted(sorted(range(len(candidates)), key=lambda i: -scores[i])[: n_points or params.central_points])
    points = []
    for i in top:
        nxt = i + 1
        support = (candidates[nxt],) if nxt < len(candidates) and nxt not in top else ()
        points.append(Point(candidates[i], support, "central"))
    return Outline(tuple(points), tuple(candidates), False)
