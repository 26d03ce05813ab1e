"""Pure scoring functions, RAGAS-style: verdicts in, numbers out; no models, no I/O.

faithfulness       = claims supported by the answer's cited contexts / judged claims (RAGAS)
citation precision = (claim, cited section) pairs where that section supports the claim / pairs
citation recall    = claims carrying at least one supporting citation / claims
Claims whose verdict could not be parsed (LLM judge) are left out of the ratios and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.evals.claims import Claim, normalise


@dataclass
class ClaimVerdict:
    """A judge's decision on one claim: overall support, support per cited section, evidence."""

    claim: Claim
    supported: bool | None  # None: the judge's output could not be parsed
    cited_support: dict[int, bool] = field(default_factory=dict)
    evidence: str = ""
    score: float | None = None

    def to_json(self) -> dict:
        """The `assistant judge --json` claim shape, plus the per-citation detail."""
        return {"claim": self.claim.text, "supported": self.supported, "evidence": self.evidence,
                "citations": self.claim.citations, "score": None if self.score is None else round(self.score, 4)}


def ratio(num: float, den: float) -> float | None:
    """num/den rounded to 4 places, None for an empty denominator (RAGAS returns NaN there)."""
    return round(num / den, 4) if den else None


def mean(values) -> float | None:
    """Mean of the non-None values, None when there are none."""
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 4) if values else None


def answer_scores(verdicts: list[ClaimVerdict]) -> dict:
    """Faithfulness, citation precision and recall of one answer."""
    judged = [v for v in verdicts if v.supported is not None]
    pairs = [ok for v in judged for ok in v.cited_support.values()]
    return {
        "claims": len(verdicts),
        "unparseable": len(verdicts) - len(judged),
        "faithfulness": ratio(sum(bool(v.supported) for v in judged), len(judged)),
        "citation_precision": ratio(sum(pairs), len(pairs)),
        "citation_recall": ratio(sum(any(v.cited_support.values()) for v in judged), len(judged)),
    }


def flagged_sentences(verdicts: list[ClaimVerdict]) -> list[str]:
    """The original sentences a judge marked unsupported."""
    return [v.claim.sentence for v in verdicts if v.supported is False]


def is_bad(sentence: str, bad_sentence: str | None) -> bool:
    """True when a claim's sentence is the labelled bad sentence (compared without whitespace)."""
    if not bad_sentence:
        return False
    a, b = normalise(sentence), normalise(bad_sentence)
    return bool(a) and (a == b or a in b or b in a)


def calibration(rows: list[dict]) -> dict:
    """Precision/recall of a judge at flagging the labelled bad sentences, overall and per error type.

    Each row: {"error_type", "bad_sentence", "flagged": [sentences]}. Sentence level: a flag on
    the bad sentence is a true positive, any other flag a false positive. Item level: an
    answer with any flag is called unfaithful. Per error type, precision counts the flags
    raised on items of that type (faithful items have no type: they appear as 'faithful').
    """
    def score(subset: list[dict]) -> dict:
        tp = sum(any(is_bad(s, r["bad_sentence"]) for s in r["flagged"]) for r in subset)
        flags = sum(len(r["flagged"]) for r in subset)
        bad = sum(bool(r["bad_sentence"]) for r in subset)
        called = [bool(r["flagged"]) for r in subset]
        truth = [bool(r["bad_sentence"]) for r in subset]
        item_tp = sum(c and t for c, t in zip(called, truth))
        return {"items": len(subset), "bad": bad, "flags": flags, "caught": tp,
                "precision": ratio(tp, flags), "recall": ratio(tp, bad),
                "item_precision": ratio(item_tp, sum(called)), "item_recall": ratio(item_tp, sum(truth))}

    out = {"overall": score(rows)}
    for kind in sorted({r["error_type"] or "faithful" for r in rows}):
        out[kind] = score([r for r in rows if (r["error_type"] or "faithful") == kind])
    return out


def best_threshold(scored: list[tuple[float, bool]]) -> tuple[float, float]:
    """(threshold, F1) maximising F1 of 'score < threshold means bad' over (score, is_bad) pairs."""
    best = (0.0, 0.0)
    for t in sorted({s for s, _ in scored}):
        t += 1e-6
        tp = sum(s < t and bad for s, bad in scored)
        fp = sum(s < t and not bad for s, bad in scored)
        fn = sum(s >= t and bad for s, bad in scored)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best[1]:
            best = (round(t, 4), round(f1, 4))
    return best


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a rate; (0, 1) when n is 0 (nothing is known)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)
