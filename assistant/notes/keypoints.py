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
  Two or more short lines ending in a colon, each heading a list ("学习率过大的表现：" …, "学习率过小的表现：" …),
  part the section like headings: the items are points of that part (`Point.group`, the line itself).
How the Markdown is read (parts, markers, items, sentences) is `markup.py`; this module makes the points.
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

from assistant.notes.disbelief import reported_view
from assistant.notes.glossary import initials
from assistant.notes.glossary import names_in as glossary_names
from assistant.notes.markup import BOLD_LEAD, DISCLAIMER, FILLER, list_items, list_marker, section_parts, sentences_of
from assistant.notes.terms import STOP_WORDS, tokenize
from assistant.notes.text import plain_text, readable

_USE = re.compile(r"^\s*(?:使用|采用|利用|引入|加入|添加|应用)\s*")
# A sentence that only introduces what follows (a figure, an example, a list): "以 FaceBook DeepFace 为例：",
# "…最直观的困难就是有很多局部极值，如". It says nothing without what it introduces, so it is never a central point.
# Wider than answering/quotes.INTRODUCES (a colon at the end), which decides that a quote brings its next sentence:
# "…，如" is followed by a figure in the notes, not by a sentence to quote.
_LEADS_INTO = re.compile(r"(?:[：:]|[，,]\s*(?:如|例如|比如)|为例[：:]?|such as|for example|e\.g\.)\s*$", re.I)


@dataclass(frozen=True)
class OutlineParams:
    """Outline constants; set by hand reading the outlines of corpus/ and eval/dev/notes/ (no search yet)."""

    central_points: int = 4  # points of an unstructured section (most central sentences)
    long_intro: int = 4  # a list preceded by this many sentences of prose also gets central points from them
    central_intro_points: int = 2  # ... this many
    min_central_chars: int = 10  # shorter sentences are never central (an introducing one never is: _LEADS_INTO)
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
        """The lead as plain text, for checklists, probes and cards: '非线性：', '重新设计网络模型'. The gaps plain text
        leaves where bold marks stood are closed ("…更新网络权重 。" reads "…更新网络权重。")."""
        bold = BOLD_LEAD.match(self.lead)
        text = bold.group(1) if bold and self.kind in ("bold", "bullet") else self.lead
        # As the notes write it (`readable`): "(n_samples, dim_input)" keeps its underscores, which plain text drops.
        return re.sub(r"^\d{1,2}[.)、]\s*", "", readable(text)).strip(" ：:")

    @property
    def names(self) -> tuple[str, ...]:
        """What the point is called, for matching a question: the label and its parenthesised parts
        ('填充（padding）' → '填充（padding）', '填充', 'padding'); empty for sentence-long leads."""
        label = self.label
        if self.kind == "central" or len(label) > 30:
            return ()
        parts = [label, *re.split(r"[（(）)，,、/]", label)]
        # A remedy's label opens with its verb ("使用长短期记忆网络"): a question names the thing ("长短期记忆网络").
        # Over the 1,717 covered tuning searches 9 answers changed, 5 of them now quoting the one remedy asked about
        # instead of the whole list ("梯度截断是怎么做的？": 21 quotes → 9); dev grades and key-point answers unchanged.
        parts += [_USE.sub("", x) for x in parts if _USE.match(x)]
        # A property named by its negation ("非饱和性") is asked about by what it negates ("激活函数的饱和性是什么意思？").
        parts += [x[1:] for x in parts if x.startswith(("非", "不", "无")) and len(x.strip()) >= 4]
        english = [e for x in parts for e in _english_names(x.strip())]
        return tuple(dict.fromkeys(x.strip().lower() for x in [*parts, *english] if len(x.strip()) >= 2))

    @property
    def sentences(self) -> tuple[str, ...]:
        """The lead and its support, in reading order."""
        return (self.lead, *self.support)

    @property
    def text(self) -> str:
        """Lead and support as one plain string (for matching and embedding)."""
        return plain_text(" ".join(self.sentences))


@lru_cache(maxsize=4096)
def _english_names(part: str) -> tuple[str, ...]:
    """The English names, with their abbreviations, of a glossary technical name that makes up most of a part of a
    label: "长短期记忆网络" → "long short-term memory", "lstm" (a question says "LSTM 为什么能缓解梯度爆炸？"). A name
    inside a longer phrase is not what the point is called: "…可以放心微调全部或大部分层" is no "fine-tuning" point
    (without that condition a small-data fine-tuning question was answered with the large-data item alone). Over the
    1,717 covered tuning searches 16 answers changed: LSTM questions now quote 第28题's LSTM point, Huber questions the
    Huber point, Nesterov questions the Nesterov point; dev key points 991 → 992 of 1,122, dev grades unchanged."""
    out: list[str] = []
    for term, row in glossary_names(part):
        if len(term) >= 0.5 * len(part):
            out += [row.english, initials(row.english)]
    return tuple(x for x in out if len(x) >= 3)


@dataclass(frozen=True)
class Outline:
    """A section's points in reading order, the intro sentences before them, and whether markup gave them."""

    points: tuple[Point, ...]
    intro: tuple[str, ...]
    structured: bool

    def sentences(self) -> list[str]:
        """Every quotable sentence of the outline (intro first), each once. An author's disclaimer ("理解不对的地方还请
        指正", `markup.DISCLAIMER`) is not quotable, though it stays in the points the grader reads."""
        out = list(self.intro) + [s for p in self.points for s in p.sentences]
        return [s for s in dict.fromkeys(out) if not DISCLAIMER.search(s)]


def key_terms(text: str) -> frozenset[str]:
    """Matching terms of a text: Latin words and numbers (no stop words) and Chinese bigrams."""
    return frozenset(t for t in tokenize(plain_text(text)) if t not in STOP_WORDS and (len(t) > 1 or not t.isascii()))


def own_terms(points: list[Point], question: str) -> list[frozenset[str]]:
    """Each point's own key terms: those of its sentences that the question and the other points' leads do not use.
    (A section of one point has no neighbours to tell it from: every term but the question's is its own.)"""
    terms = [frozenset().union(*(key_terms(s) for s in point.sentences)) for point in points]
    leads = [key_terms(point.sentences[0]) for point in points]
    asked = key_terms(question)
    return [mine - asked - frozenset().union(*(lead for k, lead in enumerate(leads) if k != i))
            | (_name_terms(points[i]) - asked) for i, mine in enumerate(terms)]


def _name_terms(point: Point) -> frozenset[str]:
    """The terms of a point's short name (a label of at most 8 characters), which stay its own whatever its neighbours
    say: "非线性" of 第21题, although another property's lead says "非线性函数有很多" (blind QA: an answer naming it was ✗)."""
    return key_terms(point.label) if point.names and len(point.label) <= 8 else frozenset()


def outline(section: str, params: OutlineParams | None = None) -> Outline:
    """The outline of a section body; cached by the text's hash (the same text always gives the same outline)."""
    p = params or OutlineParams()
    return _cached(hashlib.sha1(section.encode()).hexdigest(), section, p)


@lru_cache(maxsize=512)
def _cached(digest: str, section: str, params: OutlineParams) -> Outline:
    groups = section_parts(section)
    points: list[Point] = []
    intro: list[str] = []
    structured = False
    for title, lines in groups:
        kind = list_marker(lines, params.min_items)
        if kind:
            structured = True
            pre, items = list_items(lines, kind)
            prose = [s for s in sentences_of(pre) if not FILLER.search(s)]
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
            intro.extend(s for s in sentences_of(pre) if not FILLER.search(s))
            points.extend(Point(lead, tuple(sup), k) for k, lead, sup in items)
        elif title:
            structured = True
            sentences = sentences_of(lines)
            if sentences:
                points.append(Point(title, tuple(sentences), "heading", title))
        elif structured:  # untitled prose after lists headed by lead-in lines (`_lead_in_parts`): a point of its own
            sentences = [s for s in sentences_of(lines) if not FILLER.search(s)]
            if sentences:
                points.append(Point(sentences[0], tuple(sentences[1:]), "central"))
        else:
            intro.extend(sentences_of(lines))
    if not structured:
        return _central(intro, params)
    return Outline(tuple(points), tuple(intro), True)


def _central(sentences: list[str], params: OutlineParams, n_points: int | None = None) -> Outline:
    """Unstructured prose: the most central sentences become points, each supported by the next sentence."""
    candidates = [s for s in dict.fromkeys(sentences)
                  if not FILLER.search(s) and len(plain_text(s)) >= params.min_central_chars]
    if not candidates:
        return Outline((), tuple(sentences), False)
    terms = [key_terms(s) for s in candidates]
    scores = []
    for i, t in enumerate(terms):
        overlap = sum(len(t & u) / ((len(t) * len(u)) ** 0.5 or 1) for j, u in enumerate(terms) if j != i)
        scores.append(overlap / max(1, len(terms) - 1) + 0.15 * ("**" in candidates[i]) + 0.1 * (i == 0))
    # Nor is a view the notes report in order to refute it ("人们直观的想象，…局部极值会更多", `disbelief.reported_view`).
    eligible = [i for i in range(len(candidates)) if not _LEADS_INTO.search(plain_text(candidates[i]).strip())
                and not reported_view(plain_text(candidates[i]))]
    top = sorted(sorted(eligible, key=lambda i: -scores[i])[: n_points or params.central_points])
    points = []
    for i in top:
        nxt = i + 1
        support = (candidates[nxt],) if nxt < len(candidates) and nxt not in top else ()
        points.append(Point(candidates[i], support, "central"))
    return Outline(tuple(points), tuple(candidates), False)
