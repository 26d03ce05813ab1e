"""The constants of the offline (extractive) answerer, with the data each was chosen on.

Apart from `answering/extractive.py` so the answerer stays one concern; the shipped values are the
"answers.extractive" entry of tuned.json (`Settings.tuned.params`), the defaults here mirror them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerParams:
    """Extractive answer constants. e5_weight, central_quotes, list_supports and max_chars: grid on
    eval/dev/keypoints.jsonl (all 65 items; no held-out half: report says so); the rest set by hand."""

    # Quoting a clearly weaker second section mostly added off-target sentences: on the tuning queries
    # this cut (fused-score units) raised the share of quotes from a gold section from 0.79 to 0.87
    # (bench/tune_quotes.py); a second section is now also quoted only for terms the first lacks.
    second_source_gap: float = 2.5
    second_source_terms: int = 2  # question terms the first section lacks and the second has
    max_chars: int = 1100  # quoted characters before the rest is left to the "more in [n]" pointer
    max_points: int = 10  # bullets of a list-type answer
    central_quotes: int = 7  # quotes of a definition/why answer (5, then 6 with three dev key-point sets, 7 with four: tuned.json)
    second_quotes: int = 2  # quotes from a second section
    e5_weight: float = 0.6  # weight of a sentence's e5 z-score (question vs sentences of the section) in its rank
    prose_quotes: int = 8  # quotes of a list-type answer from a section without list markup (6 until the fourth dev set)
    list_supports: int = 3  # supporting sentences under each point of a list-type answer (2 until then)
    focus_margin: float = 0.03  # e5 lead of one `### N.M` group over the next that makes a question about it
    # Quotes added for each part of a multi-part question that the whole-question answer lacks: on the 65 dev
    # key-point items (13 multi-part), 0/1/2/3/4 gave 271/273/275/277/277 of 338 points, median length unchanged;
    # splitting English ", and what …" too: 280 → 281.
    part_quotes: int = 3
    # Quotes of a definition/why answer when the question is English prose and the section is not: its words
    # cannot overlap the Chinese sentences, so only e5 ranks them and the best sentences sit lower in the ranking.
    # 5/7/9/11 on the 26 English dev key-point items: 93/96/99/100 of 125 points (tuned.json has the lengths).
    central_quotes_cross: int = 9
    # Its quotes past central_quotes need an e5 z-score of at least this: a bold lead ranked high for its markup
    # alone ("**8. 参数少：**" for "why nonlinear?") stays out. 0 (no more remote than the section's average sentence):
    # English points 99 -> 100 of 125, median English answer 588 -> 571 chars; 0.5: 96, 529; 1.0: 93, 509; -0.5: 99, 587.
    cross_min_z: float = 0.0
    # A question that asks its section's own question (this share of its terms in the title: "卷积层和全连接层有什么
    # 区别？" of 第206题) wants the whole answer the notes give, not its five best sentences: central and prose
    # quotes times title_factor, still bounded by max_chars. On the two dev key-point sets (65 + 48 questions)
    # overlap 0.6 gave 289 -> 292 of 338 and 195 -> 199 of 258 points (median 507 -> 557, 491 -> 520 chars);
    # 0.8: 290 and 198; doubling only the central quotes: 289 and 197.
    title_overlap: float = 0.6
    title_factor: int = 2
    # Rank bonus of a sentence writing an equation when the question asks for a formula or how to compute something
    # ("How do you compute the output size…?" quoted everything about padding but the formula): tuned.json.
    formula_bonus: float = 1.0
    # A point a question is about that only names something (no supporting sentence, a lead of at most this many
    # Chinese characters and Latin words: "Dropout", "池化层，下采样") is quoted alone, with a line saying the notes
    # explain it no further (`focus.bare_points`).
    bare_max_words: int = 12
    bare_beyond: int = 1  # ... when the question's topic names at most this many terms beyond those points and the title
    focus_others: int = 2
    # A quoted sentence that points back ("这也是激活函数的意义所在。") brings up to this many sentences before it
    # (quotes.REFERS_BACK). On the four dev key-point sets 0/1: 985 -> 988 of 1,122 points (tuned.json).
    refer_back: int = 1
    # A one-fact question ("clipnorm 默认值是多少", "GRU 有几个门", "…是共享的吗", onefact.py) is answered with the sentence
    # that states it, then at most fact_support supporting sentences scoring at least support_share of it (what the
    # fact needs to be read, its point's lead or the sentence it points back to, comes first). fact_number_bonus: rank bonus of a
    # sentence holding a number when the question asks how many or how much. Chosen on eval/dev/onefact.jsonl with
    # bench/tune_onefact.py (tuned.json says how).
    fact_support: int = 2
    support_share: float = 0.7
    fact_number_bonus: float = 0.3
    fact_lead_bonus: float = 0.1  # a point's lead states the point: "**8. 参数少：** 大部分激活函数都是没有参数的。"
    # e5 z-scores span about ±2 while the share of the question's terms spans 0..1: at e5_weight (0.6) e5 decided
    # alone ("GRU 有几个门？" of a two-sentence section quoted "GRU 是 Gated Recurrent Units…" first).
    fact_e5_weight: float = 0.2
