"""Hybrid retrieval over the notes: dense embedders and BM25, fused by weighted z-scores, collapsed to questions.

Each dense embedder of the recipe queries its own Chroma collection; BM25 runs in memory
over the same chunks (rebuilt only when the collection's fingerprint changes). Each
retriever's scores are standardised per query (z-scores over its candidate pool) and
added with per-retriever weights; chunks are collapsed back to question sections (a
section scores by its best chunk), so a citation always names a whole `## N.` question,
and a section whose title asks the same kind of thing as the query gets a small bonus
(intent.py). z-scores replaced reciprocal-rank fusion because they keep how far ahead a
match is, not just its place. Weights (weights.py) were chosen on the tuning queries by
bench/tune_retrieval.py (hit@1 / MRR there: RRF 0.844 / 0.909 → 0.901 / 0.945).
Coverage ("do the notes answer this at all?") is the calibrated decision of coverage.py, returned
with the hits as one `SearchResult`; what is indexed (rows, section texts, BM25) is the `Catalogue`'s.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from assistant.config import Settings
from assistant.notes.glossary import chinese_tokens
from assistant.notes.terms import mostly_latin, to_simplified, tokenize
from assistant.retrieval.adjust import known_names, rare_bonus, section_terms
from assistant.retrieval.answerable import lacking, linked_only, never_named, spelled_nowhere, unknown_names
from assistant.retrieval.catalogue import Catalogue, chunk_body, missing_number, section_uid
from assistant.retrieval.coverage import Calibration, features, load_calibration, top_features
from assistant.retrieval.fusion import on_scale, zscores
from assistant.retrieval.intent import agreement, intents
from assistant.retrieval.lexical import lexical_features
from assistant.retrieval.mentions import Mention, catalogue_sections, find_mentions
from assistant.retrieval.rerank import Reranker, applies
from assistant.retrieval.results import ChunkHit, Hit, SearchResult
from assistant.retrieval.weights import Weights

CANDIDATES = 40  # chunks per retriever that may be returned
POOL = 200  # chunks per dense retriever whose cosines define the z-scores (and the coverage signals)


class Retriever:
    """Searches the notes; one instance per process, reused across questions."""

    def __init__(self, settings: Settings, chroma, weights: Weights | None = None) -> None:
        from assistant.retrieval import snapshot
        from assistant.retrieval.embeddings import embedder
        from assistant.retrieval.store import collection_name, get_collection

        self.settings = settings
        self.chroma = chroma
        self.weights = weights or Weights(**settings.tuned["retrieval.weights"])
        # How far under the coverage threshold (logit units) a declined query still gets pointers to the closest sections.
        self.near_miss_margin = float(settings.tuned["retrieval.near_miss_margin"])
        self.followup_margin = float(settings.tuned["retrieval.followup_margin"])  # answering/turn_search.py
        self.part_margin = float(settings.tuned["retrieval.part_margin"])  # answering/parts.py
        # How far under the coverage threshold (logit units) a part declined alone is said to be missing (parts.py).
        self.part_missing_margin = float(settings.tuned["retrieval.part_missing_margin"])
        self.english_part_ease = float(settings.tuned["retrieval.english_part_ease"])  # parts.py: English parts' bar
        # An answered query covered by less than this over the threshold is a weak match: about two in five such
        # answers on the tuning searches are out of scope or from the wrong section (tuned.json says which figures).
        self.weak_margin = float(settings.tuned["retrieval.weak_margin"])
        self.reranker = Reranker.from_tuned(settings.tuned["retrieval.rerank"], settings.recipe)
        self.models = settings.dense_models
        self.collections = {m: get_collection(chroma, settings, m) for m in self.models}
        self.embedders = {m: embedder(m, settings) for m in self.models}
        self.catalogue = Catalogue(lambda: self.collections[self.models[0]], bm25="bm25" in settings.recipe_parts,
                                   snapshot=snapshot.path(settings.home, collection_name(settings, self.models[0]), "lexical"),
                                   cache_dir=settings.home / "cache")

    def never_named(self, query: str) -> list[str]:
        """The technical names of `query` that the notes never use, in any spelling (`answerable.never_named`)."""
        c = self.catalogue
        return never_named(query, c.vocabulary.terms, c.initialisms, c.uses, c.together)

    def search(self, query: str, k: int | None = None, rerank: bool = True, point: bool = True) -> SearchResult:
        """The top-k question sections for a query, best first, with the coverage decision. `rerank=False` keeps the
        fused order: for a follow-up read with the conversation's words (answering/condense.py), whose share of
        the query's terms a section uses measures the earlier topic, not the question (tuning follow-ups 288 → 285).
        A declined query also gets the sentences naming what it asks about (`mentions`), unless `point=False`: a
        caller that searches several readings and shows one points that one only (turn_search.condensed_search)."""
        result = self._guard(lambda: self._search(query, k, rerank))
        if point and not result.covered:
            result.mentions = self.mentions(result, query)
        return result

    def mentions(self, result: SearchResult, asked: str) -> list[Mention]:
        """Where the notes name what a declined question asks about (mentions.py): pointers, not an answer. `asked`
        is the question as the user wrote it; `result.query` may add the conversation's words to it."""
        return find_mentions(asked, catalogue_sections(self.catalogue, result.hits), result.query)

    def reopen(self) -> None:
        """Look the collections up again and forget the catalogue, after this process ingested through other handles
        (a handle keeps the metadata it was opened with, so the new fingerprint is only seen on a fresh one)."""
        from assistant.retrieval.store import get_collection

        self.collections = {m: get_collection(self.chroma, self.settings, m, create=False) for m in self.models}
        self.catalogue.invalidate()

    def _guard(self, call):
        """Run Chroma calls; reopen the collections once if they were rebuilt elsewhere; else raise IndexStoreError.

        A collection that was deleted and re-created (another process ingested after the data
        was wiped) has a new id, so the handles opened at start-up must be looked up again.
        """
        from assistant.retrieval.store import index_error, is_missing

        try:
            return call()
        except Exception as exc:
            if not is_missing(exc):
                raise index_error(self.settings, exc) from None
        try:
            self.reopen()
            return call()
        except Exception as exc:
            raise index_error(self.settings, exc) from None

    def _search(self, query: str, k: int | None, rerank: bool) -> SearchResult:
        from assistant.retrieval.embeddings import embed_query

        k = k or self.settings.k
        query = to_simplified(query)
        catalogue = self.catalogue
        catalogue.refresh()
        if not catalogue.ids:
            return SearchResult(query)
        if missing := missing_number(query, catalogue.questions):  # "第99题" in notes numbered 21–40
            return SearchResult(query, lacks="number", unknown=[missing])
        query = catalogue.respell(catalogue.by_number(query))  # 过你合 → 过拟合: the query searched, and shown as "interpreted as"
        pool = min(POOL, len(catalogue.ids))
        standardised: list[tuple[dict[str, float], float, float]] = []  # (z-score by chunk, floor, weight)
        english = mostly_latin(query)
        candidates: set[str] = set()
        cosines: dict[str, float] = {}
        dense: dict[str, np.ndarray] = {}
        vectors: dict[str, np.ndarray] = {}
        pooled: dict[str, tuple[list[str], np.ndarray]] = {}
        for model in self.models:
            vectors[model] = embed_query(self.embedders[model], query)
            res = self.collections[model].query(query_embeddings=[vectors[model]], n_results=pool, include=["distances"])
            pooled[model] = res["ids"][0], 1.0 - np.asarray(res["distances"][0], dtype=np.float64)
            dense[model] = pooled[model][1]  # the coverage signals read raw cosines, over the pool
            candidates.update(pooled[model][0][:CANDIDATES])
        # BM25 also looks for the Chinese terms of a question's English glossary phrases ("exploding gradients" →
        # 梯度爆炸): its own words are not in Chinese notes (tuning hit@1 in English 192 → 200 of 220). Any question
        # writing English terms too ("overfitting 有哪些常见的缓解方法？", "Ways to reduce overfitting?", too short for prose):
        # tuning hit@1 2,421 → 2,425 of 2,656, out-of-scope declined 856 → 857 of 970 (eval/README.md, 2026-12-07).
        bm25 = None
        if catalogue.bm25 is not None and (terms := tokenize(query) + chinese_tokens(query)):
            scores = np.asarray(catalogue.bm25.get_scores(terms), dtype=np.float64)
            bm25 = zscores(catalogue.ids, scores)
            candidates.update(catalogue.ids[i] for i in np.argsort(-scores)[:CANDIDATES] if scores[i] > 0)
        for n, model in enumerate(self.models):
            ids, cos = self._with_candidates(model, vectors[model], *pooled[model], candidates)
            level = self._level(english, ids, cos)
            # candidates outside the pool (ids[pool:]) go on the pool's scale: its mean and spread
            z, floor = zscores(ids[:pool], level[:pool])
            z |= on_scale(ids[pool:], level[pool:], level[:pool])
            standardised.append((z, floor, self.weights.of(model)))
            if n == 0:
                cosines = dict(zip(ids, cos.tolist()))
        if bm25 is not None:
            standardised.append((*bm25, self.weights.bm25))
        # A chunk outside one retriever's pool counts as that retriever's worst pooled score.
        fused = {cid: sum(w * z.get(cid, floor) for z, floor, w in standardised) for cid in candidates}
        bonus = rare_bonus(query, english, catalogue, self.weights.rare, self.weights.rare_sections, fused)
        for cid, extra in bonus.items():
            fused[cid] += extra
        # The absent malus is for queries with Chinese in them (adjust.py says why).
        names = known_names(query, catalogue.vocabulary) if self.weights.absent and not english else set()
        hits = self._collapse(fused, cosines, k, intents(query), names, bonus)
        # Coverage is decided on the ranking without the lexical adjustments (top_features): they reorder the
        # sections of a covered query, and do not make a query covered.
        signals = features(dense, lexical_features(query, catalogue.vocabulary)) | top_features(query, hits, catalogue.vocabulary)
        calibration = self.coverage
        score = calibration.score(signals)
        covered = bool(hits) and score >= calibration.threshold
        near = hits[:2] if hits and not covered and score >= calibration.threshold - self.near_miss_margin else []
        # On the notes' topic but asking for what its best section does not hold (answerable.py): declined, that section named.
        if lacks := (lacking(query, hits[0].section, hits[0].title) if covered else ""):
            covered, near = False, hits[:1]
        # Or naming something the notes never mention ("AdamW"): declined, the closest section named.
        unknown = (unknown_names(query, catalogue.vocabulary.terms, catalogue.initialisms, catalogue.uses, catalogue.together)
                   if covered else [])
        if unknown:  # said missing ("never mention …") only when the notes use no other spelling of it either
            covered, near, lacks = False, hits[:1], "name"
            unknown = spelled_nowhere(unknown, catalogue.vocabulary.terms, catalogue.uses)
        elif covered and linked_only(query, catalogue.vocabulary.terms, catalogue.prose_terms):
            # Named only in a link's title (answerable.linked_only): declined, the section holding the link pointed to.
            covered, near, lacks = False, hits[:1], "name"
        # The learned order (rerank.py) comes last and only for an answered query: what the query is declined for is
        # judged on the fused ranking the coverage model and those checks were tuned on (judged on the re-ranked best
        # section, 3 more of the 717 out-of-scope tuning queries were answered: a formula question whose new best
        # section has one), and a declined follow-up's reading in context is compared with its fused best section
        # (condense.py; re-ranked, one more out-of-scope follow-up was answered).
        if rerank and covered and self.reranker is not None and applies(english, hits):
            hits = self.reranker.reorder(query, hits, vectors.get("e5"), self.title_vectors)
        weak = covered and score < calibration.threshold + self.weak_margin
        return SearchResult(query, hits, score, covered, near, signals, lacks, unknown, weak=weak)

    def _with_candidates(self, model: str, vector: np.ndarray, ids: list[str], cos: np.ndarray,
                         candidates: set[str]) -> tuple[list[str], np.ndarray]:
        """The pool's ids and cosines, then those of the other retrievers' candidates outside it, computed from their
        stored vectors. With notes of thousands of chunks, a question the words of one section answer (BM25 finds it)
        may be outside the dense pool: scored at the pool's floor and with a cosine of 0, it was declined (a 3,000-
        section file of near-identical "参数量是多少" sections pushed "Adam 的默认超参数是多少？" out of both pools).
        Notes smaller than the pool (every eval index) have nothing outside it, so nothing changes for them."""
        missing = sorted(candidates.difference(ids))
        if not missing:
            return ids, cos
        got = self.collections[model].get(ids=missing, include=["embeddings"])
        vectors = np.asarray(got["embeddings"], dtype=np.float64)
        if not len(vectors):
            return ids, cos
        query = np.asarray(vector, dtype=np.float64)
        extra = vectors @ query / np.maximum(np.linalg.norm(vectors, axis=1) * np.linalg.norm(query), 1e-12)
        return list(ids) + list(got["ids"]), np.concatenate([cos, extra])

    @cached_property
    def title_vectors(self):
        """The e5 vectors of the section titles, kept by ingest in the data directory (read by the re-ranker)."""
        from assistant.retrieval.vector_cache import note_vectors

        return note_vectors(self.settings.home, "titles")

    def _level(self, english: bool, ids: list[str], cos: np.ndarray) -> np.ndarray:
        """Cosines with the cross-lingual shift: for a query in English prose, chunks move up by how Chinese they are."""
        if not self.weights.cross_lingual or not english:
            return cos
        # Only for a query in a Latin script: the reverse (lifting English quotes for Chinese queries) was
        # measured too and drew Chinese queries to them (tuning hit@1 zh 0.927 → 0.857 at 0.03).
        # In proportion: a chunk half English terms ("Feedforward 的输入输出…") is already half as close to an English
        # question as English prose is (tuning English hit@1 0.897 → 0.921 over a shift for all but English prose).
        other = np.array([self.catalogue.chinese.get(cid, 1.0) for cid in ids], dtype=np.float64)
        return cos + self.weights.cross_lingual * other

    @cached_property
    def coverage(self) -> Calibration:
        """The calibrated coverage model for this recipe (see coverage.py), built once per retriever."""
        recipes = self.settings.tuned["coverage"]["recipes"]
        return load_calibration(recipes, self.settings.recipe_parts, self.settings.min_score)

    def knows(self, term: str) -> bool:
        """Whether the indexed notes use a term (a lower-cased Latin word or a Chinese bigram)."""
        self._guard(self.catalogue.refresh)
        return term in self.catalogue.vocabulary.terms

    def section_text(self, file_key: str, uid: str) -> str:
        """The whole body of a question section, reassembled from its chunks in order."""
        self._guard(self.catalogue.refresh)
        return self.catalogue.section_text(file_key, uid)

    def questions(self) -> list[dict]:
        """Every indexed question (file, number, title, kind), for listing and the interview."""
        self._guard(self.catalogue.refresh)
        return self.catalogue.questions()

    def _collapse(self, fused: dict[str, float], cosines: dict[str, float], k: int, asks: frozenset[str],
                  names: set[str], bonus: dict[str, float]) -> list[Hit]:
        rows = self.catalogue.rows
        hits: dict[tuple[str, str], Hit] = {}
        for cid, score in sorted(fused.items(), key=lambda kv: -kv[1]):
            if cid not in rows:
                continue
            text, meta = rows[cid]
            key = (meta["file_key"], section_uid(meta))
            hit = hits.get(key)
            if hit is None:
                hit = hits[key] = Hit(
                    meta["file"], meta["file_key"], key[1], int(meta["question"]), meta["title"],
                    meta.get("source", ""), meta.get("source_title", ""), meta.get("kind", "text"), 0.0, 0.0,
                )
            hit.chunks.append(ChunkHit(cid, text, chunk_body(text, meta), meta.get("subsection", ""), score, cosines.get(cid, 0.0)))
            # A section scores by its best chunk only: summing chunks favoured long sections (measured).
            hit.score = hit.chunks[0].fused + self.weights.intent * agreement(asks, intents(hit.title), self.weights.clash)
            hit.cosine = max(hit.cosine, cosines.get(cid, 0.0))
        for key, hit in hits.items():
            # What the rare bonus added: the best chunk's score over the best the section had without it.
            hit.adjust = hit.chunks[0].fused - max(c.fused - bonus.get(c.id, 0.0) for c in hit.chunks) if bonus else 0.0
            if names and not names <= section_terms(self.catalogue.sections.get(key, ()), rows):
                hit.score -= self.weights.absent
                hit.adjust -= self.weights.absent
            if hit.kind != "text":
                hit.score -= self.weights.no_text
                hit.adjust -= self.weights.no_text
        ranked = sorted(hits.values(), key=lambda h: -h.score)[:k]
        for h in ranked:
            h.section = self.catalogue.section_text(h.file_key, h.uid)
        return ranked
