"""The offline grader's constants, each with where its value came from (overridden by assistant/tuned.json)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GraderParams:
    """Offline grader constants. lo..raw_full were tuned on the even questions of eval/grading.jsonl
    (calibrate.py). The point-level ones (align_min and below) were set by hand while writing the rules,
    looking at per-answer output on ALL of eval/dev/grading.jsonl (not only its fit half), and checked
    with bench/tune_points.py; no script has searched them yet, and the held-out half is not pristine.
    support_weight: small grid on the fit half of eval/dev/grading.jsonl and on eval/grading.jsonl (round 2).
    flip_min, denial_ratio, denial_min (round 3): small sweeps on both dev grading sets and eval/grading.jsonl,
    after a blind-written dev set showed half of its correct answers graded ≤ 3 by the cue-count negation rule."""

    lo: float = 0.85  # e5 passage cosine at which a point starts to count as covered
    hi: float = 0.95  # ...and at which it counts fully
    cross_lingual_shift: float = 0.07  # English answer vs Chinese notes: cosines run ~0.07 lower
    term_weight: float = 0.35  # share of key-term overlap in a point's coverage
    precision_weight: float = 0.3  # how much off-topic answer sentences pull the score down
    covered_at: float = 0.5  # coverage at which a point is listed as covered
    raw_floor: float = 0.15  # raw score mapped to 0 ...
    raw_full: float = 0.75  # ... and to MAX_SCORE
    # The raw score of a full mark for an answer in another language than the notes (an English answer to Chinese
    # notes): its cosines and key terms come through translation, so the same content reaches a lower raw score (dev
    # correct answers averaged 6.51/10 in English against 8.39 in Chinese). Swept with bench/sweep_grader.py
    # (tuned.json): 0.65 lifts English correct answers to 7.49 on average and keeps complete > partial > wrong on the old
    # tuning set; a lower full mark or a higher floor for them tied partial answers with complete or wrong ones.
    raw_full_cross: float = 0.65
    align_min: float = 0.86  # cosine at which an answer segment is taken to be about a note sentence
    align_top: int = 3  # ... and how many of the closest note sentences must all disagree with it
    contradiction_weight: float = 0.6  # raw score lost when every point the answer touches is contradicted
    keyword_cap: float = 0.5  # most a point can be covered by a bare keyword list ("partial, not full")
    keyword_max_chars: int = 14  # list items this short (median) with no sentence among them make a keyword list
    # A segment's match with a point counts only by how far it beats the segment's own cosine with the section's
    # question (less this margin) where that is above lo: a sentence that restates the topic ("梯度爆炸就是梯度变得非常大")
    # sits at 0.92-0.96 from every point of its section and ticked 3 of 4 of them (7.3/10). -1 switches it off.
    # Swept -1 (off) to 0.06 on the dev grading sets with eval/dev/vague.jsonl (tuned.json, eval/README.md, 2026-12-04).
    topic_margin: float = -0.05
    # A point is ticked only when the answer uses at least own_terms_min of the point's own terms (terms of its
    # sentences that are neither in the question nor in another point's lead); else its coverage stays at most
    # own_terms_cap. e5 puts a section's points within 0.04 of each other, so an answer about one point ticked its
    # neighbours as well. An answer in another language than the notes is held to the terms it can write (below).
    # Swept cap 0.3/0.4/0.45/0.49 x min 1/2/3 on the dev grading sets (eval/README.md, 2026-12-04).
    own_terms_min: int = 2
    own_terms_cap: float = 0.45
    # An answer in another language than the notes (English for Chinese notes) is held to the own terms it can write
    # (`glossary.english_writable`: Latin words, numbers, the glossary's Chinese): it must use cross_own_terms_min of
    # them (0: no check). Without it "An RNN processes sequence data; the hidden state depends on the previous hidden
    # state." ticked four tensor-shape points of 第29题 (7.8/10, blind CLI QA). Swept 0/1/2 with bench/sweep_grader.py
    # (tuned.json, eval/README.md, 2026-12-07).
    cross_own_terms_min: int = 1
    # ... and a point's own terms leave out those of the own_distinct_from sections with the nearest questions (its lead's
    # terms stay): swept 0/3/4/5/6/8 on the dev grading sets, retired blind set 2 and their correct answers given to
    # the neighbouring sections (tuned.json "interview.grader", eval/README.md, 2026-12-06).
    own_distinct_from: int = 5
    # An answer using this share of a point's lead terms says that point, whatever its own terms: bigrams across words
    # ("模型损失" gives 型损) left "训练过程中损失变成NaN" ✗ against "训练过程中，模型损失变成 NaN" (blind CLI QA, 2026-12-06).
    # Swept 1.0/0.8/0.7 with bench/sweep_grader.py: 0.8 moved no dev rate, 0.7 took antonym ≤ 3 from 45 to 44 of 65.
    lead_share: float = 0.8
    support_weight: float = 0.5  # how much a match with a supporting sentence (not the lead) counts towards a point
    flip_min: float = 0.01  # a negated segment contradicts when, un-negated, its best note cosine rises by this much
    denial_ratio: float = 4.0  # an answer this many times denser in negation cues than its section denies it:
    # then (and only then) a negated segment aligned with a note sentence counts against it by cue count alone
    denial_min: float = 0.01  # ... and at least this dense (cues per character): one cue in 100 characters
    # English takes about twice the characters of Chinese to say the same, so an English answer's density is doubled
    # before it is compared with a Chinese section's (swept 1/2/3 on the four dev grading sets: tuned.json).
    cross_lingual_density: float = 2.0
    # The most an answer that covers none of the points can score, so the score agrees with a checklist of ✗
    # ("不太清楚，大概和学习率有关" was 4/10 beside "0 of 3 key points covered"). Swept 10/4/3/2 with
    # bench/tune_points.py vague on eval/dev/vague.jsonl + both dev grading sets: 3 takes vague ≤ 3 from 22 to 23
    # of 45 and moves nothing else (correct ≤ 3 7/66, partial > wrong 132/178, minimal correct ≥ 4 11/15).
    none_covered_max: float = 3.0
    # Share of its coverage a point below covered_at (✗ in the checklist) still earns. Swept on the dev sets
    # (bench/tune_points.py vague, with opposite_min on): 0.5 takes vague answers ≤ 3 from 0.49 to 0.80 (n=45)
    # but partial > wrong from 0.73 to 0.65 (n=178 pairs); no value won on both, so it stays 1.
    partial_credit: float = 1.0
    # A segment that names the point it is about is checked against that point's sentences only (subjects.py), and
    # a negation of its closest sentences elsewhere is charged to that point. On the four dev grading sets (n=390):
    # negated ≤ 3 60 → 61 of 73, partial > wrong 178 → 179 of 218, the rest unchanged (scoping without the negation
    # fallback: 61, 178, a wrong answer 0 → 5.8).
    subject_scope: bool = True
    opposite_min: float = 0.01  # a segment contradicts when a minimal opposite edit of it matches the notes this much better
    # Segments shorter than this (letters and characters) get no negation/opposite edit test: e5 moves short texts
    # by chance ("速度很慢" read as contradicting "大大提高了速度"). Swept 0/5/6/8/10 on both dev grading sets
    # (bench/tune_points.py vague): 5-8 take correct ≤ 3 from 4 to 3 of 66 and move nothing else; 10 loses a negated answer.
    edit_min_chars: int = 6
    # An answer about another section (`topicality.py`): a sentence is elsewhere when one of the elsewhere_rivals
    # sections with the nearest questions has a unit closer to it by elsewhere_margin; the answer is, when at least
    # elsewhere_share of its sentences (weighed by length) are. Swept on the four dev grading sets plus their correct
    # answers given to another question (eval/README.md, 2026-12-03 twelfth session).
    elsewhere_margin: float = 0.02
    elsewhere_share: float = 0.5
    # ... or when at least elsewhere_low_share of it is, and the answer as a whole is nearer that section's question
    # than the asked one's by elsewhere_title_margin (e5 cosines with the titles). Swept on eval/dev/grading4.jsonl,
    # answers to neighbouring sections, with the older dev sets (bench/tune_elsewhere.py, 2026-12-04).
    elsewhere_low_share: float = 0.25
    elsewhere_title_margin: float = 0.02
    elsewhere_rivals: int = 3
    # Section titles are embedded at ingest; when more than this many are not (notes parsed from files, a cache
    # switched off) the check is skipped rather than hold up a grade: e5 embeds about 74 titles a second here.
    elsewhere_max_embedded: int = 200
    # Padding (`padding.py`: sentences said three times or more, or sharing no term with the section) at or above this
    # share of an answer's characters multiplies its raw score by the share left. Set by design, not swept: no
    # correct or partial Chinese dev answer has any padding (0 of 126), and a pasted section followed by forty lines
    # of small talk is 32 % padding.
    padding_min: float = 0.25
