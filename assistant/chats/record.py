"""What is kept of an answer: its sources as plain JSON, enough to show them again without the index.

An answer's sources panel used to be built from live retrieval hits; a saved conversation must
show the same panel after a restart, a re-ingest, or with the notes gone. So the panel, the
Markdown export and the database all read one record made here from the `AnswerResult`: mode,
coverage, notice, removed citations, and per cited section its label, matched subsection,
relevance, the excerpt shown (the quoted sentences for an extractive answer) and the original link.
"""

from __future__ import annotations

from typing import Any

from assistant.notes.parse import section_key


def answer_record(result, pending: bool = False) -> dict[str, Any]:
    """The JSON record of an answer's sources; `pending` (retrieval done, text still streaming) skips excerpts."""
    record: dict[str, Any] = {
        "mode": result.mode or "extractive", "covered": bool(result.covered), "notice": result.notice or "",
        "invalid_citations": list(result.invalid_citations or []), "retrieved": len(result.hits),
        "standalone": result.standalone or "", "sources": [], "weak": result.weak or "",
        "pointers": list(getattr(result, "pointers", None) or []),
    }
    if pending:
        return record
    if result.uncited:  # the sections a generated answer was given and cites none of, to check it against
        record["uncited"] = _given(result.hits)
    excerpts, subsections = _excerpts(result), result.subsections()
    for n, hit in result.cited_hits():
        record["sources"].append({
            "n": n, "question": hit.question, "title": hit.title, "label": hit.label,
            "section": subsections.get(n, ""), "excerpt": excerpts.get(n, ""),
            "relevance": round(float(hit.cosine), 4), "score": round(float(hit.score), 4),
            "url": hit.source or "", "url_title": hit.source_title or "", "file": hit.file,
            "note": section_key(hit.file_key, hit.uid),
        })
    return record


def interrupted_record(partial, retrieved: bool) -> dict[str, Any]:
    """The record of an answer cut off while it was written (its page went away; web/unfinished.py), from the stream's
    `snapshot()`. The chain reports an answer's citations only when it ends, so a partial's record listed none and
    its panel said it cited nothing (QA): here they are read from its text, already checked by the chain's filter.
    Cited nothing yet, it keeps the sections it was given (`uncited`); `retrieving`: cut off before they were found."""
    from dataclasses import replace

    from assistant.answering.citations import check_citations

    _, used, _ = check_citations(partial.answer, len(partial.hits))
    record = answer_record(replace(partial, citations=used))
    record["interrupted"] = True
    if not retrieved:
        record["retrieving"] = True
    elif not used and partial.hits:
        record["uncited"] = _given(partial.hits)
    return record


def _given(hits) -> list[dict[str, str]]:
    """Sections an answer was given, named without being cited (shown as pointers, as a declined question's are)."""
    return [{"label": h.label, "note": section_key(h.file_key, h.uid), "sentence": ""} for h in hits]


def _excerpts(result) -> dict[int, str]:
    """Per cited source, the excerpt to show: the quoted sentences (extractive), else the best chunk; a link-only or
    image-only section, all of it (its best chunk was its first link alone: blind QA, 第36题's second link was missing)."""
    out: dict[int, str] = {}
    if (result.mode or "").startswith("extractive"):
        from assistant.answering.extractive import select_quotes

        # The chain quotes select_quotes(standalone, hits); recomputing it is deterministic and cheap.
        for q in select_quotes(result.standalone or result.question, result.hits):
            out[q.n] = out.get(q.n, "") + f"- {q.text}\n"
    for n, hit in result.cited_hits():
        if n not in out:
            out[n] = hit.section if hit.kind != "text" and hit.section else hit.chunks[0].body if hit.chunks else ""
    return out
