"""How many reviews a synthetic learner needs to hold 90 % of all key points: Leitner vs FSRS per question vs FSRS per point.

The material is the shipped corpus's askable questions and their real outlines (`notes/keypoints.py`).
The learner remembers each point with exponential forgetting, R = exp(-Δt / S): a point never seen is
recalled with probability PRIOR; after any review the notes are shown, so a failed point is relearned
(S back to its own initial stability), and a recalled point's stability grows, more when it was nearly
forgotten (the spacing effect). One practice session a day for 30 days; each session answers every due
turn (the scheduler's own `plan`/`pick`) plus up to NEW_PER_DAY new questions. A question turn reviews
all its points and is graded 10 × recalled share; a targeted turn (per-point FSRS) reviews only the due
points. Reported per scheduler over several seeds: turns (and point recalls) answered until the mean
recall of all points, measured before a day's session, first reaches 90 %; turns in 30 days; final recall.
Usage: python bench/simulate_learning.py [--seeds 10] [--days 30]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.interview import schedule  # noqa: E402
from assistant.interview.plan import plan  # noqa: E402
from assistant.interview.srs import POINT_RATING, point_card, question_card, rating_for, review  # noqa: E402

DAY = 86400.0
T0 = 1_700_000_000.0
PRIOR = 0.3  # chance of recalling a point never studied (general knowledge)
NEW_PER_DAY = 5
TARGET = 0.9


def material() -> list[tuple[str, int]]:
    """(question key, number of key points) of every askable question of the shipped corpus."""
    from assistant.interview.notebook import Notebook
    from assistant.notes.keypoints import outline

    nb = Notebook.from_files([ROOT / "corpus"])
    return [(n.key, len(outline(nb.body_of(n.file_key, n.uid)).points)) for n in nb.askable()]


class Learner:
    """Per-point memory: stability S (days), last study time, initial stability S0 (point difficulty)."""

    def __init__(self, questions: list[tuple[str, int]], rng: random.Random) -> None:
        self.rng = rng
        self.s0 = {(q, i): rng.lognormvariate(math.log(1.0), 0.5) for q, n in questions for i in range(n)}
        self.s: dict = {}
        self.last: dict = {}

    def recall(self, point, now: float) -> float:
        """Probability of recalling the point at `now`."""
        if point not in self.s:
            return PRIOR
        return math.exp(-(now - self.last[point]) / DAY / self.s[point])

    def review(self, point, now: float) -> bool:
        """Answer (recalled or not), then see the notes: stability grows on success, resets on failure."""
        r = self.recall(point, now)
        ok = self.rng.random() < r
        base = self.s0[point]
        if point not in self.s or not ok:
            self.s[point] = base
        else:
            self.s[point] *= 1.6 + 3.0 * (1.0 - r)
        self.last[point] = now
        return ok

    def mean_recall(self, now: float) -> float:
        """Mean recall probability over all points."""
        return sum(self.recall(p, now) for p in self.s0) / len(self.s0)


def run(kind: str, questions: list[tuple[str, int]], seed: int, days: int) -> dict:
    """One learner under one scheduler; returns turns/point recalls to 90 % and the 30-day totals."""
    rng = random.Random(seed)
    learner = Learner(questions, rng)
    notes = [SimpleNamespace(key=q) for q, _ in questions]
    sizes = dict(questions)
    pids = {q: [str(i) for i in range(n)] for q, n in questions}
    leitner: dict[str, dict] = {}
    cards: dict[str, dict] = {}
    turns = recalls = 0
    reached = None
    introduced: set[str] = set()
    for day in range(days):
        now = T0 + day * DAY
        if reached is None and learner.mean_recall(now) >= TARGET:
            reached = (turns, recalls, day)
        if kind == "leitner":
            due = [n for n in schedule.pick(notes, leitner, len(notes), now) if n.key in leitner and leitner[n.key]["due_at"] <= now]
            slots = [(n, ()) for n in due]
        else:
            ranked = plan(notes, cards, len(notes), now, lambda n: pids[n.key] if kind == "fsrs-point" else [])
            slots = [(s.note, s.targets) for s in ranked if question_card(s.note.key) in cards and
                     (s.targets or cards[question_card(s.note.key)]["due_at"] <= now)]
        fresh = [n for n in notes if n.key not in introduced][:NEW_PER_DAY]
        slots += [(n, ()) for n in fresh]
        for note, targets in slots:
            introduced.add(note.key)
            asked = [int(t) for t in targets] if targets else list(range(sizes[note.key]))
            results = [learner.review((note.key, i), now) for i in asked]
            turns += 1
            recalls += len(asked)
            score = 10.0 * sum(results) / len(results)
            if kind == "leitner":
                box, due_at = schedule.review_after(leitner.get(note.key, {}).get("box"), score, now)
                leitner[note.key] = {"box": box, "due_at": due_at}
                continue
            if not targets:
                key = question_card(note.key)
                cards[key] = review(cards.get(key), rating_for(score), now)
            if kind == "fsrs-point":
                for i, ok in zip(asked, results):
                    key = point_card(note.key, str(i))
                    cards[key] = {**review(cards.get(key), POINT_RATING["covered" if ok else "missed"], now),
                                  "note_key": note.key}
    end = T0 + days * DAY
    return {"reached": reached, "turns": turns, "recalls": recalls, "final": learner.mean_recall(end)}


def summary(values: list[float]) -> str:
    """'mean ± sd' (or '—' when empty)."""
    if not values:
        return "—"
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.0f} ± {sd:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    questions = material()
    print(f"{len(questions)} questions, {sum(n for _, n in questions)} key points, {args.days} days, {args.seeds} seeds")
    print("| scheduler | reached 90 % | turns to 90 % | point recalls to 90 % | day reached | turns in "
          f"{args.days} d | recall at day {args.days} |")
    print("|---|---|---|---|---|---|---|")
    for kind in ("leitner", "fsrs-question", "fsrs-point"):
        runs = [run(kind, questions, seed, args.days) for seed in range(args.seeds)]
        hit = [r["reached"] for r in runs if r["reached"]]
        print(f"| {kind} | {len(hit)}/{len(runs)} | {summary([h[0] for h in hit])} | {summary([h[1] for h in hit])} | "
              f"{summary([h[2] for h in hit])} | {summary([r['turns'] for r in runs])} | "
              f"{statistics.mean(r['final'] for r in runs):.1%} |")


if __name__ == "__main__":
    main()
