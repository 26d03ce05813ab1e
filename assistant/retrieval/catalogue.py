"""The catalogue of indexed sections: every chunk row, section texts, the question list, BM25 and the vocabulary.

The retriever ranks; the catalogue knows what is indexed. It reads the chunk rows of the
primary collection once and rebuilds BM25 and the vocabulary only when the collection's
fingerprint changes (another process ingested), swapping everything at once so a
concurrent search never sees half-built state. What it builds is saved as a snapshot
keyed on that fingerprint (snapshot.py), so the next process start loads it instead of
reading every chunk from Chroma; section texts are indexed by section.

The rows are kept by column (`Rows`), not as one metadata dict per chunk: unpickling 25,000
small dicts was 70 of the 97 ms a cold start at 10,000 sections spent loading the snapshot,
and a search reads only the few dozen rows it ranks (issue 15: start-up independent of size).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any, Callable

from assistant.notes.terms import chinese_share, tokenize
from assistant.notes.text import LINK_RE, SENTENCE_END_RE
from assistant.retrieval.answerable import initialisms_of
from assistant.retrieval.lexical import Vocabulary
from assistant.retrieval.typos import Respeller

Row = tuple[str, dict]  # (chunk document, chunk metadata)


class _Absent:
    """Marks a metadata key a row does not have (older indexes lack some). The class itself is the marker:
    a class pickles by name, so it is still the same object after a snapshot is loaded."""


class Rows(Mapping[str, Row]):
    """Chunk id → (document, metadata), stored by column; a row's metadata dict is built when it is read."""

    def __init__(self, ids: list[str], docs: list[str], columns: dict[str, list]) -> None:
        self.ids, self.docs, self.columns = ids, docs, columns
        self._at = {cid: i for i, cid in enumerate(ids)}

    @classmethod
    def of(cls, rows: dict[str, Row]) -> "Rows":
        """From rows as Chroma returns them (or as snapshots kept them before the columns)."""
        keys = list(dict.fromkeys(k for _, meta in rows.values() for k in meta))
        return cls(list(rows), [doc for doc, _ in rows.values()],
                   {k: _shared([meta.get(k, _Absent) for _, meta in rows.values()]) for k in keys})

    def column(self, key: str, default: Any = None) -> list:
        """One metadata field of every row, in row order, without building the rows' dicts."""
        values = self.columns.get(key)
        return [default] * len(self.ids) if values is None else [default if v is _Absent else v for v in values]

    def __getitem__(self, cid: str) -> Row:
        i = self._at[cid]
        return self.docs[i], {k: v for k, col in self.columns.items() if (v := col[i]) is not _Absent}

    def __contains__(self, cid: object) -> bool:
        return cid in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getstate__(self) -> tuple:
        return self.ids, self.docs, self.columns  # the position index is rebuilt on load (3 ms at 25,000 rows)

    def __setstate__(self, state: tuple) -> None:
        self.__init__(*state)  # type: ignore[misc]


def _shared(column: list) -> list:
    """The column with equal strings as one object. Chroma returns a new string per row, and pickle writes each
    object once and then refers to it, so a file name, file key, title or kind shared by many chunks is unpickled
    once instead of once per chunk: at 10,000 sections the rows loaded in 0.015 s instead of 0.032 s."""
    seen: dict[str, str] = {}
    return [seen.setdefault(v, v) if isinstance(v, str) else v for v in column]


class Catalogue:
    """What the primary collection holds, cached by its fingerprint."""

    def __init__(self, collection: Callable[[], Any], bm25: bool, snapshot: Path | None = None,
                 cache_dir: Path | None = None) -> None:
        self._collection = collection  # a getter: the handle changes when the collection is reopened
        self._with_bm25 = bm25
        self._snapshot = snapshot  # where the built state is saved, keyed on the fingerprint (None: never)
        self.sections: dict[tuple[str, str], list[str]] = {}  # (file_key, uid) → chunk ids in chunk order
        self._key: str | None = None
        self.rows = Rows([], [], {})
        self.ids: list[str] = []
        self.chinese: dict[str, float] = {}  # chunk id → how much of it is Chinese (retriever.py, cross-lingual shift)
        self.bm25: Any = None
        self.vocabulary = Vocabulary(frozenset())
        # What is derived from the rows on first need (folded docs, prose terms, initialisms, the respeller): name →
        # (the index version it was built for, the value), see `_per_version`.
        self._derived: dict[str, tuple[str | None, Any]] = {}
        self._cache_dir = cache_dir  # where typos.words keeps its word list (None: read from jieba each process)
        self._lock = threading.Lock()  # web sessions share one catalogue

    def invalidate(self) -> None:
        """Forget the cached rows (the collection was reopened)."""
        self._key = None

    def refresh(self) -> None:
        """Re-read the rows when the primary collection changed since the last read."""
        from assistant.retrieval.store import fingerprint

        primary = self._collection()
        key = fingerprint(primary)
        if key == self._key:
            return
        with self._lock:
            if key == self._key:
                return
            state = self._load(key) or self._build(primary, key)
            self.rows, self.bm25, self.vocabulary = state["rows"], state["bm25"], state["vocabulary"]
            self.ids, self.chinese, self.sections = self.rows.ids, state["chinese"], state["sections"]
            self._key = key

    def _load(self, key: str) -> dict | None:
        from assistant.retrieval import snapshot

        if self._snapshot is None:
            return None
        state = snapshot.load(self._snapshot, key)
        if not isinstance(state, dict) or state.get("bm25_built") != self._with_bm25:
            return None
        if not isinstance(state["rows"], Rows):  # written before the columns: converted once, and kept
            rows = Rows.of(state["rows"])
            state |= {"rows": rows, "chinese": _chinese_shares(rows), "sections": _sections(rows)}
            snapshot.save(self._snapshot, key, state)
        return state

    def _build(self, primary, key: str) -> dict:
        from assistant.retrieval import snapshot

        data = primary.get(include=["documents", "metadatas"])
        rows = Rows.of({cid: (doc, meta) for cid, doc, meta in zip(data["ids"], data["documents"], data["metadatas"])})
        bm25 = None
        if self._with_bm25 and rows:
            import bm25s

            bm25 = bm25s.BM25()
            bm25.index([tokenize(doc) or ["∅"] for doc in rows.docs], show_progress=False)
        state = {"rows": rows, "bm25": bm25, "vocabulary": Vocabulary.of_sections(_section_texts(rows)),
                 "bm25_built": self._with_bm25, "chinese": _chinese_shares(rows), "sections": _sections(rows)}
        if self._snapshot is not None and snapshot.trusted(key):
            snapshot.save(self._snapshot, key, state)
        return state

    def uses(self, phrase: str) -> bool:
        """Whether some chunk of the notes contains the phrase as written (a scan: asked only for a glossary name
        whose words the vocabulary knows), in any case. Notes in Traditional Chinese are read folded to Simplified, like
        questions."""
        phrase = phrase.lower()  # "batch normalization" names the notes' "Batch Normalization"
        return any(phrase in doc for doc in self._folded_docs())

    def together(self, *pieces: str) -> bool:
        """Whether one sentence of the notes writes every piece, in any case, folded to Simplified like `uses` (a scan:
        asked only for a glossary name the notes never write whole, `answerable._in_pieces`)."""
        sentences = self._per_version("sentences", lambda: tuple(
            s for doc in self._folded_docs() for line in doc.splitlines() for s in SENTENCE_END_RE.split(line) if s.strip()))
        return any(all(p.lower() in sentence for p in pieces) for sentence in sentences)

    def writes(self, word: str) -> bool:
        """Whether some chunk of the notes writes the word as given, case and all, not inside a longer Latin word (a
        scan: asked only for an acronym typed with two letters swapped, `typos.Respeller._acronym`)."""
        pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])")
        return any(pattern.search(doc) for doc in self.rows.docs)

    def _folded_docs(self) -> tuple[str, ...]:
        """Every chunk lower-cased and folded to Simplified, built on first need per index version."""
        from assistant.notes.terms import to_simplified

        return self._per_version("folded", lambda: tuple(to_simplified(doc.lower()) for doc in self.rows.docs))

    def prose_terms(self) -> frozenset[str]:
        """The terms of the notes outside their links (title and address), built on first need per index version: a
        name the notes write only in a link's title ("[完全图解RNN、RNN变体、Seq2Seq、Attention机制](…)") points to
        reading elsewhere; the notes do not explain it (`answerable.linked_only`)."""
        return self._per_version("prose", lambda: frozenset(t for doc in self.rows.docs for t in tokenize(LINK_RE.sub(" ", doc))))

    def respell(self, text: str) -> str:
        """The text with its Chinese typing slips read as the notes' words (typos.py), per index version."""
        from assistant.retrieval.typos import words

        speller = self._per_version("respeller", lambda: Respeller(
            self.vocabulary.terms, self.vocabulary.section_counts, partial(words, self._cache_dir), self.uses, self.writes))
        return speller.respell(text)

    def by_number(self, text: str) -> str:
        """A question that only names a section by its number ("第28题", "讲讲第28题", "Q28", "question 28") asked as
        that section's title ("第28题 如何修复梯度爆炸问题？"), so it is answered from it and shown "interpreted as" it;
        searched as written, "第28题" matched whichever title was nearest (or was declined). Any other text as it is."""
        named = numbered(text, self.questions())
        return f"第{named[0]['question']}题 {named[0]['title']}" if named else text

    def initialisms(self) -> frozenset[str]:
        """The initials of every run of two to four Latin words in the notes ("region proposal network" → "rpn"),
        built on first need per index version: only a question naming an unknown technical name asks."""
        return self._per_version("initialisms", lambda: initialisms_of(self.rows.docs))

    def _per_version(self, name: str, build: Callable[[], Any]) -> Any:
        """The value `build` derives from the rows, built once per index version (the collection's fingerprint)."""
        key, value = self._derived.get(name, (None, None))
        if key is None or key != self._key:
            value = build()
            self._derived[name] = (self._key, value)
        return value

    def section_text(self, file_key: str, uid: str) -> str:
        """The whole body of a question section, reassembled from its chunks in order."""
        rows = self.rows
        return "\n\n".join(chunk_body(*rows[cid]) for cid in self.sections.get((file_key, uid), ()) if cid in rows)

    def questions(self) -> list[dict]:
        """Every indexed question (file, number, title, kind), for listing and the interview."""
        rows, found = self.rows, []
        for cids in self.sections.values():  # one row per section: its metadata names the section
            meta = rows[cids[0]][1]
            found.append({k: meta[k] for k in ("file", "file_key", "uid", "question", "title", "kind", "source")})
        return sorted(found, key=lambda m: (m["file"], m["question"], m["uid"]))


# The whole question is a reference to a section number, with at most a request around it.
_REFERENCE = r"(?:第\s*(\d+)\s*[题道问]|Q\s*(\d+)|(?:question|no\.?)\s*(\d+)|#\s*(\d+))"
_NUMBER_ONLY = re.compile(r"^\s*(?:请|麻烦)?(?:讲讲|说说|讲一下|说一下|解释一下|回答一下|回答|看看)?\s*" + _REFERENCE +
                          r"\s*(?:是什么|讲的是什么|怎么答|怎么回答)?\s*[?？。.!！]*\s*$", re.I)


def numbered(text: str, questions: list[dict]) -> list[dict]:
    """The sections of `questions` (`Catalogue.questions()` rows) that a question only naming a number ("第21题")
    names, in the order `assistant notes` lists them: several when notes files share the number (a file's own repeat,
    N~2, is not question N). `by_number` answers the first, so the list and the answer agree; the CLI names the
    others (cli/render.py). [] for any other text."""
    match = _NUMBER_ONLY.match(text)
    if not match:
        return []
    number = int(next(g for g in match.groups() if g))
    return [q for q in questions if int(q["question"]) == number and "~" not in str(q["uid"])]


def missing_number(text: str, questions: Callable[[], list[dict]]) -> str:
    """The reference as written ("第99题", "Q99") when a question only names a section number no notes file uses, else
    '': it is told so, not shown the nearest titles of a search for "第99题" (blind CLI QA, 2026-12-06)."""
    if not _NUMBER_ONLY.match(text) or numbered(text, questions()):  # the questions only for a number-only question
        return ""
    found = re.search(_REFERENCE, text, re.I)
    return re.sub(r"\s+", " ", found.group()) if found else ""


def _chinese_shares(rows: Rows) -> dict[str, float]:
    """How much of each chunk, as embedded (title lines included), is Chinese: once per fingerprint with the rest."""
    return {cid: chinese_share(doc) for cid, doc in zip(rows.ids, rows.docs)}


def section_uid(meta: dict) -> str:
    """The section id a chunk belongs to (older indexes stored only the question number)."""
    return str(meta.get("uid", meta["question"]))


def chunk_body(text: str, meta: dict) -> str:
    """A chunk's text without the title lines prefixed for embedding."""
    return _body(text, meta.get("head", 1))


def _body(text: str, head: Any) -> str:
    return text.split("\n", int(head))[-1]


def _section_keys(rows: Rows) -> list[tuple[str, str]]:
    """Each row's (file_key, section uid), read from the columns (as `section_uid` reads one row)."""
    return [(fk, str(question if uid is None else uid))
            for fk, uid, question in zip(rows.column("file_key"), rows.column("uid"), rows.column("question"))]


def _sections(rows: Rows) -> dict[tuple[str, str], list[str]]:
    """Chunk ids by section, in chunk order."""
    by_section: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for key, chunk, cid in zip(_section_keys(rows), rows.column("chunk"), rows.ids):
        by_section.setdefault(key, []).append((int(chunk), cid))
    return {key: [cid for _, cid in sorted(parts)] for key, parts in by_section.items()}


def _section_texts(rows: Rows) -> list[str]:
    """Each section's chunks joined (chunks carry the title line), for section-level term counts."""
    by_section: dict[tuple[str, str], list[str]] = {}
    for key, doc in zip(_section_keys(rows), rows.docs):
        by_section.setdefault(key, []).append(doc)
    return ["\n".join(docs) for docs in by_section.values()]
