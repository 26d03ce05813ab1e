"""Terms of a text: Chinese character bigrams and Latin words, and which language a text is in.

Chinese has no spaces, and jieba's dictionary takes 0.5–1.5 s to load (too slow for a
cold `assistant ask`), so Chinese text is cut into character bigrams; Latin text into
lower-cased words and numbers. The same terms serve BM25, the extractive answerer's
overlap score, the grader's term match and the coverage vocabulary check, so every layer
agrees on what a "word" of the notes is.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

LATIN_RE = re.compile(r"[a-z0-9]+(?:[_\-.][a-z0-9]+)*")
# A hyphen between letters is spelling, not meaning: notes write "RCNN", "Fast-RCNN" and "R-CNN" for one method.
_HYPHEN_RE = re.compile(r"(?<=[a-z])-(?=[a-z])")
CJK_RE = re.compile(r"[\u3400-\u9fff]+")
# Function characters and English stop words carry no topic: a query's "的/吗/what/the"
# always appear in the notes and would make any question look covered.
_FUNCTION_CHARS = frozenset("的了吗呢吧啊么是在和与或及就都也还要会能可以有没个这那些什怎哪为啥如何样呀嘛")
FUNCTION_CHARS = _FUNCTION_CHARS  # for the one-fact ranking (answering/onefact.py), which keeps bigrams with one of them
STOP_WORDS = frozenset(
    "the a an of in on to and or is are was were be been do does did what how why which when where who whom "
    "whose that this these those it its for with as by from at can could would should will you your i my me we "
    "our they their there here about into than then so if not no yes more most very just also like such use "
    "used using get make between vs one two only".split()
)


def inverse_frequency(count: int, total: int) -> float:
    """How rare a term used by `count` of `total` texts is (a term no text uses is the rarest): BM25's smoothed idf,
    which the retrieval vocabulary (sections) and the cause rule (a section's sentences) both weigh terms by."""
    return math.log((total + 1) / (count + 0.5))


def tokenize(text: str) -> list[str]:
    """BM25 terms: lower-cased Latin words and numbers, Chinese character bigrams (unigrams for 1-char runs).
    Traditional characters are folded to Simplified (`to_simplified`), as every query is: notes a user writes in
    Traditional Chinese then share their terms with a question in either script (注意力機制 ↔ 注意力机制)."""
    text = to_simplified(text.lower())
    tokens = latin_words(text)
    for run in CJK_RE.findall(text):
        if len(run) == 1:
            tokens.append(run)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def latin_words(lowered: str) -> list[str]:
    """The Latin words and numbers of a lower-cased text, hyphens between letters dropped ("r-cnn" → "rcnn")."""
    return [_HYPHEN_RE.sub("", w) for w in LATIN_RE.findall(lowered)]


def has_cjk(text: str) -> bool:
    """True when the text contains Chinese characters."""
    return bool(CJK_RE.search(text))


def content_terms(text: str) -> tuple[list[str], list[str]]:
    """Topic-bearing terms of a text: (Latin words of 2+ letters, Chinese bigrams without function characters),
    Traditional characters folded to Simplified as in `tokenize`."""
    text = to_simplified(text.lower())
    latin = [w for w in latin_words(text) if len(w) > 1 and w not in STOP_WORDS and not w[0].isdigit()]
    cjk = [
        run[i : i + 2]
        for run in CJK_RE.findall(text)
        for i in range(len(run) - 1)
        if run[i] not in _FUNCTION_CHARS and run[i + 1] not in _FUNCTION_CHARS
    ]
    return latin, cjk


# A technical name in any language: a Latin token with two capitals (LSTM, ReLU), a capital after a small letter
# (PyTorch) or a digit (ReLU6, L2, VOC2007). Title-case words (What, Keras, Adam) are left out: an English
# sentence capitalises its first word.
_NAME_RE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z][A-Za-z0-9_-]*")
_IS_NAME = re.compile(r"[A-Z].*[A-Z]|[a-z][A-Z]|\d")


def is_name(word: str) -> bool:
    """Whether a Latin word is written as a technical name: two capitals, a capital after a small letter, or a
    digit ("SELU", "ReLU", "VOC2007"); "Dropout" and "model" are not."""
    return bool(_IS_NAME.search(word))


def is_latin_word(term: str) -> bool:
    """Whether a lower-cased term (a `content_terms` token) is a Latin word of two or more characters that starts with a
    letter ("sigmoid", "xavier", "l2"), not a number ("1.0") or a Chinese bigram."""
    return bool(_LATIN_WORD.fullmatch(term))


_LATIN_WORD = re.compile(r"[a-z][a-z0-9_\-.]+")


def technical_names(text: str) -> list[str]:
    """The technical names of a text, lower-cased like the BM25 terms ("PyTorch", "ReLU6" → "pytorch", "relu6")."""
    return [name.lower() for name in _NAME_RE.findall(text) if is_name(name)]


def neighbour_swaps(word: str) -> set[str]:
    """The word with two different neighbouring letters swapped: the commonest typo of a short acronym (GUR for GRU)."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1) if word[i] != word[i + 1]}


def term_set(text: str) -> set[str]:
    """`content_terms` as one set (Latin words and Chinese bigrams together), for overlap tests."""
    latin, cjk = content_terms(text)
    return set(latin) | set(cjk)


# Full-width punctuation ("？？？", "。。。"): Chinese typing, in a text without a letter of either script.
_FULLWIDTH = re.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]")


def language_of(text: str) -> str:
    """'zh' when the text contains Chinese characters, or only full-width punctuation and no Latin letter ("？？？" was
    answered in English, blind CLI QA), else 'en'."""
    if has_cjk(text):
        return "zh"
    return "zh" if _FULLWIDTH.search(text) and not re.search(r"[A-Za-z]", text) else "en"


def mostly_latin(text: str) -> bool:
    """True for prose written mostly in a Latin script (an English quote inside Chinese notes, an English
    query): more Latin letters than twice its Chinese characters, and English function words in it. A
    Chinese sentence with English terms is not, nor a list of terms ("Dropout、BatchNormalization")."""
    # Capitals are not counted (LATIN_RE is lower-case): "LSTM" adds nothing. That is how every threshold built on
    # this test was tuned, so it stays.
    latin, cjk = _script_lengths(text)
    return latin > 2 * cjk and len(_FUNCTION_WORDS.findall(text)) >= 2


def chinese_share(text: str) -> float:
    """How much of a text is Chinese, from 0 (only Latin letters) to 1 (no Latin letters): a character counts as two
    letters, about what it says (as in `mostly_latin`). Chunks of Chinese notes quote English in every amount."""
    latin, cjk = _script_lengths(text.lower())
    return 2 * cjk / (latin + 2 * cjk) if latin + cjk else 1.0


# A run of three or more Latin words with nothing Chinese between them ("a sequence of vectors").
_ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*(?:[\s,;:()/-]+[A-Za-z0-9][A-Za-z0-9'’-]*){2,}")


_PROSE_WORDS = re.compile(r"\b(?:at|by|so|be|as|from|them|this|these|those|not|no|into|than|has|have|its|their|we|you)\b", re.I)


@lru_cache(maxsize=8192)  # the grader asks it of every unit of the asked section and its rivals, for every answer
def english_share(text: str) -> float:
    """How much of a text is English prose, from 0 to 1: its runs of three or more Latin words holding an English
    function word (or of five or more), against everything (a character counting as two letters, as in `chinese_share`). Names are not prose:
    "Dropout", "加L1/L2正则化", "RBG 借鉴 Kaiming He 的 SPP-net" score 0; "所以你可能更愿意理解为一串向量 a sequence of
    vectors" about 0.4."""
    latin, cjk = _script_lengths(text.lower())
    if not latin + cjk:
        return 0.0
    if not cjk and len(re.findall(r"[a-z]{3,}", text.lower())) >= 3:  # no Chinese: "Default hyperparameters: lr = 0.001"
        return 1.0  # (a formula, "b + w1 x1 + w2 x2", is no prose)
    prose = sum(len(w) for run in _ENGLISH_RUN.findall(text)
                if _FUNCTION_WORDS.search(run) or _PROSE_WORDS.search(run) or len(run.split()) >= 5
                for w in LATIN_RE.findall(run.lower()))
    return min(1.0, prose / (latin + 2 * cjk))


def _script_lengths(text: str) -> tuple[int, int]:
    """(Latin letters and digits, Chinese characters) of a text."""
    return sum(len(w) for w in LATIN_RE.findall(text)), sum(len(run) for run in CJK_RE.findall(text))


_FUNCTION_WORDS = re.compile(r"\b(?:the|a|an|is|are|was|of|to|in|on|and|or|that|it|for|with|can|do|does|how|what|why|which)\b",
                             re.I)


def to_simplified(text: str) -> str:
    """Traditional Chinese folded to Simplified (the shipped notes are Simplified), other text unchanged.

    A query in Traditional characters shares almost no bigrams with Simplified notes and
    embeds further from them; folding it first makes 確定是否出現梯度爆炸 the same search as
    确定是否出现梯度爆炸. OpenCC's t2s tables (opencc-purepy, pure Python, tables in the wheel)
    convert by longest match, and a few characters are Traditional in one word and Simplified in
    another: t2s turns 顯著 into 显著 by a phrase but the Simplified 显著 into 显着 by the character 著.
    The Simplified forms of such phrases are therefore kept as they are, so folding is idempotent and a
    Simplified question ("效果显著吗") keeps the words the notes use.
    """
    if not has_cjk(text):
        return text
    tables = _t2s_keys()
    if tables is None:
        return _t2s().convert(text)
    chars, phrases, kept = tables

    def fold(part: str) -> str:
        if chars.isdisjoint(part) and not any(p in part for p in phrases):
            return part  # no table entry that changes anything occurs: what the conversion returns, without loading it
        return _t2s().convert(part)

    if kept is None or not kept.search(text):
        return fold(text)
    # Fold around the kept Simplified phrases (re.split with a group puts them at the odd positions).
    return "".join(part if i % 2 else fold(part) for i, part in enumerate(kept.split(text)))


@lru_cache(maxsize=1)
def _t2s():
    from opencc_purepy import OpenCC  # 45-70 ms to load its tables (a 2.5 MB JSON of every conversion)

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _t2s_keys() -> tuple[frozenset[str], tuple[str, ...], re.Pattern[str] | None] | None:
    """The characters (4,000) and phrases (500) that t2s converts to something else, and a pattern of the
    Simplified phrases its character table would break (200: 显著, 著名, 乾坤); 2 ms to read.

    Most questions are in Simplified already, and OpenCC converts by longest match over these
    tables, leaving everything else as it is: a text in which none of them occurs comes back
    unchanged, so a cold `assistant ask` need not load the tables. Read from the wheel's source
    tables (TSCharacters.txt, TSPhrases.txt), which its JSON is built from; anything unexpected
    means None, and then every text is converted. tests/test_lexical.py checks them against the JSON.
    """
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("opencc_purepy")  # where it is, without importing it (its package __init__ loads the engine)
    if spec is None or not spec.submodule_search_locations:
        return None
    dicts = Path(spec.submodule_search_locations[0]) / "dicts"
    found: list[dict[str, str]] = [{}, {}]
    try:
        for n, name in enumerate(("TSCharacters.txt", "TSPhrases.txt")):
            for line in (dicts / name).read_text(encoding="utf-8").splitlines():
                key, _, values = line.partition("\t")
                value = values.split(" ")[0].strip()
                if key and not key.startswith("#") and value != key:
                    found[n][key] = value
    except (OSError, ValueError):
        return None
    chars, phrases = found
    if not chars or any(len(c) != 1 for c in chars):
        return None
    # A phrase's Simplified form that the character table would change (显著 -> 显着) is kept whole.
    kept = sorted({v for v in phrases.values() if any(chars.get(c, c) != c for c in v)}, key=len, reverse=True)
    pattern = re.compile("(" + "|".join(map(re.escape, kept)) + ")") if kept else None
    return frozenset(chars), tuple(sorted(phrases)), pattern
