"""Would a learned re-ranker over the retriever's own signals rank the gold section first more often? (issue 12)

Every in-scope tuning query (bench/tuning_data.py, never the frozen test set) is searched once as the
chat does (condensed with its history) with the re-ranker off; each of its top-8 sections becomes the
feature row the retriever computes at run time (`rerank.section_features`). A conditional logit
(softmax over a query's sections, L2) is fitted on the searches it is applied to (answered, as asked)
and scored by leave-one-set-out cross-validation: each tuning set is ranked by a model fitted on the
others, so the figure is one no model saw. Prints hit@1 before and after, with wins and losses, per L2.
Usage: python bench/tune_ranker.py CACHE.pkl [--build] [--l2=1,10] [--features=a,b,...] [--english] [--by-index] [--write | --ship]
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.retrieval.rerank import FEATURES, Reranker  # noqa: E402


def group(item_id: str) -> str:
    """The tuning set an item id belongs to (its prefix: r4-001 → r4)."""
    return re.sub(r"[-_.]?\d+(\.\d+)?$", "", item_id)


def build(out: Path) -> None:
    """Search every in-scope tuning query with the re-ranker off and keep its top-8 sections' features."""
    import tuning_data

    from assistant.answering.turn_search import _condensed_search
    from assistant.notes.terms import mostly_latin, to_simplified
    from assistant.retrieval.embeddings import embed_query
    from assistant.retrieval.rerank import section_features

    rows = []
    for name, items in tuning_data.items().items():
        retriever = tuning_data.retriever_for(tuning_data.NOTES[name])
        retriever.reranker = None
        for item in items:
            if not item.get("gold"):
                continue
            read, result = _condensed_search(retriever, item["query"], item.get("history", []))
            if not result.hits:
                continue
            q = result.query
            x = section_features(q, result.hits, embed_query(retriever.embedders["e5"], q), retriever.title_vectors)
            # As asked, or read with the conversation's words (the re-ranker is not applied to those: condense.py).
            # And only to an answered search (retriever.py).
            own = read == to_simplified(item["query"]) and result.covered
            rows.append({"id": item["id"], "group": group(item["id"]), "index": name, "english": mostly_latin(q), "own": own,
                         "query": q, "gold": list(item["gold"]), "questions": [h.question for h in result.hits],
                         "x": x})
        print(f"{name}: {sum(r['index'] == name for r in rows)} queries", file=sys.stderr)
    out.write_bytes(pickle.dumps(rows))


def matrices(rows: list[dict], names: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per query: its sections' feature matrix (the named columns) and which of them are gold."""
    cols = [FEATURES.index(n) for n in names]
    return [(r["x"][:, cols], np.array([q in r["gold"] for q in r["questions"]])) for r in rows]


def fit(data: list[tuple[np.ndarray, np.ndarray]], l2: float) -> Reranker:
    """Conditional logit weights (on standardised features) by damped Newton steps; queries without a gold section
    in their top 8 carry no information and are skipped. Several gold sections: the likelihood of any of them."""
    usable = [(x, y) for x, y in data if y.any() and len(y) > 1]
    allx = np.vstack([x for x, _ in usable])
    mu, sd = allx.mean(0), allx.std(0) + 1e-9
    zs = [((x - mu) / sd, y) for x, y in usable]

    def loss(w: np.ndarray) -> float:
        total = 0.5 * l2 * float(w @ w)
        for z, y in zs:
            s = z @ w
            m = s.max()
            total += m + math.log(np.exp(s - m).sum()) - (s[y].max() + math.log(np.exp(s[y] - s[y].max()).sum()))
        return total

    w = np.zeros(allx.shape[1])
    current = loss(w)
    for _ in range(100):
        grad, hess = l2 * w, l2 * np.eye(len(w))
        for z, y in zs:
            s = z @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            sg = np.where(y, s, -np.inf)
            pg = np.exp(sg - sg.max())
            pg /= pg.sum()
            mean = p @ z
            grad -= pg @ z - mean
            hess += (z * p[:, None]).T @ z - np.outer(mean, mean)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-4 and (new := loss(w - t * step)) > current:
            t /= 2
        if t <= 1e-4:
            break
        w, gain, current = w - t * step, current - new, new
        if gain < 1e-7:
            break
    return Reranker(tuple(w.tolist()), tuple(mu.tolist()), tuple(sd.tolist()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cache")
    parser.add_argument("--build", action="store_true", help="search the tuning queries again (else read CACHE)")
    parser.add_argument("--l2", default="1", help="L2 penalties to compare (comma-separated); the first is shipped")
    parser.add_argument("--features", default=",".join(FEATURES), help="a subset of rerank.FEATURES")
    parser.add_argument("--english", action="store_true", help="fit and score queries in English prose instead")
    parser.add_argument("--by-index", action="store_true",
                        help="hold out one index's queries at a time (notes no model was fitted on) instead of one set")
    parser.add_argument("--ship", action="store_true", help="store the model (first L2, all tuning queries) in the package's tuned.json")
    parser.add_argument("--write", action="store_true", help="store it in $ASSISTANT_HOME/tuned.json (overrides the shipped one)")
    args = parser.parse_args()
    cache = Path(args.cache)
    if args.build or not cache.exists():
        build(cache)
    rows = [r for r in pickle.loads(cache.read_bytes()) if r["english"] == args.english]
    if args.by_index:
        rows = [{**r, "group": r["index"]} for r in rows]
    names = args.features.split(",")
    data = matrices(rows, names)
    groups = sorted({r["group"] for r in rows})
    print(f"{len(rows)} in-scope tuning queries {'in' if args.english else 'not in'} English prose "
          f"({sum(r['own'] for r in rows)} answered as asked; the rest, declined or read with the conversation's words, keep the fused order), "
          f"leave-one-{'index' if args.by_index else 'set'}-out over {len(groups)}; features {','.join(names)}")
    for l2 in (float(v) for v in args.l2.split(",")):
        before = after = won = lost = 0
        for g in groups:
            model = fit([d for d, r in zip(data, rows) if r["group"] != g and r["own"]], l2)
            for (x, y), r in zip(data, rows):
                if r["group"] == g:
                    old = bool(y[0])
                    new = bool(y[model.order(x)[0]]) if r["own"] else old
                    before, after, won, lost = before + old, after + new, won + (new and not old), lost + (old and not new)
        n = len(rows)
        print(f"l2 {l2:g}: hit@1 {before}/{n} = {before / n:.3f} -> {after}/{n} = {after / n:.3f} (won {won}, lost {lost})")
    model = fit([d for d, r in zip(data, rows) if r["own"]], float(args.l2.split(",")[0]))
    print("weights (standardised, all queries):", ", ".join(f"{n} {v:+.2f}" for n, v in zip(names, model.weights)))
    if args.ship or args.write:
        if names != list(FEATURES) or args.english:
            raise SystemExit("--ship/--write store a model of every feature of rerank.FEATURES fitted on non-English queries")
        store(model, f"{after}/{n}", f"{before}/{n}", float(args.l2.split(",")[0]), len(groups), args.ship)


def store(model: Reranker, after: str, before: str, l2: float, sets: int, ship: bool) -> None:
    """The model as the "retrieval.rerank" entry: in the package's tuned.json (--ship) or the user's (--write)."""
    from assistant.config import Settings
    from assistant.tuned import SHIPPED, write_user_entry

    value = {"recipe": Settings.__dataclass_fields__["recipe"].default,  # the recipe the tuning indexes use
             "features": list(FEATURES), "weights": [round(v, 4) for v in model.weights],
             "mean": [round(v, 4) for v in model.mean], "sd": [round(v, 4) for v in model.sd]}
    source = (f"bench/tune_ranker.py (L2 {l2:g}), fitted on the in-scope tuning queries not in English prose "
              f"(bench/tuning_data.py); leave-one-set-out over {sets} tuning sets: hit@1 {before} -> {after}")
    if not ship:
        print(f"wrote {write_user_entry(Settings.from_env().home, 'retrieval.rerank', value, source)}")
        return
    entries = json.loads(SHIPPED.read_text(encoding="utf-8"))
    entries["retrieval.rerank"] = {"value": value, "source": source}
    SHIPPED.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {SHIPPED}")


if __name__ == "__main__":
    main()
