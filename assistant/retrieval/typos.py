"""Chinese typing slips read as the notes' words: 过你和 → 过拟合, 梯度接断 → 梯度截断, 击活函数 → 激活函数.

Chinese is typed through pinyin input methods, so the commonest typo is a homophone: the right syllables, the wrong
character taken from the candidate list (收脸 for 收敛, 预值 for 阈值, 问提 for 问题). Such a query loses the very word
that names its topic: BM25's bigrams and the coverage model's "do the notes use the question's words" see an unknown
word, and "怎么缓解模型过你和？" was declined. A pair of characters the notes never write is read as a pair they do write
when all of these hold (each rule was added for the false corrections the one before it made on the tuning queries):
- the two read the same: each character's commonest toneless reading (rare ones make false homophones: 给 also reads
  ji, so "会给训练" sounded like 集训);
- the pair typed is no word and the pair meant is one (the two-character words of jieba's dictionary), and neither
  typed character makes a word with its other neighbour: "知识蒸馏" is two words, not a slip for the notes' 指正;
- the pair meant runs on into a neighbour as the notes write it (过拟 + 合, 度 + 截断): two characters sound like
  some word of the notes by chance ("里用" like 利用), three rarely do.
One changed character is preferred to two, then the pair more sections use. On the tuning queries 26 of 2,399 were
respelled, all of them slips (eval/README.md). Readings: `readings.tsv` (scripts/make_readings.py, from pypinyin's
table); words: `words`, read only once some homophone of the notes is in sight. An acronym with two neighbouring
letters swapped (GUR for GRU, LTSM for LSTM) is read as the one acronym of the notes it can be (`Respeller._acronym`);
where names are checked it is not counted as unknown either (`answerable._known_latin`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path
from typing import Callable

from assistant.notes.terms import CJK_RE, neighbour_swaps

_READINGS = Path(__file__).with_name("readings.tsv")
# An acronym: three to five capitals, not inside a longer Latin word ("LTSM", not "LSTMs" or "ResNet").
_ACRONYM_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{3,5}(?![A-Za-z0-9])")


@lru_cache(maxsize=1)
def readings() -> tuple[dict[str, str], dict[str, str]]:
    """(character → its commonest toneless reading, reading → the characters it is commonest for), for the 6,763
    characters of GB 2312 (3 ms to read)."""
    first: dict[str, str] = {}
    group: dict[str, str] = {}
    for line in _READINGS.read_text(encoding="utf-8").splitlines():
        reading, _, chars = line.partition("\t")
        group[reading] = chars
        for char in chars:
            first[char] = reading
    return first, group


class Pairs:
    """A sorted run of two-character words, searched in place: reading 114,000 words into a set costs 20 ms (hashing
    them), bisecting the text costs microseconds for the few pairs a question asks about."""

    def __init__(self, text: str) -> None:
        self._text = text

    def __len__(self) -> int:
        return len(self._text) // 2

    def __getitem__(self, i: int) -> str:
        return self._text[2 * i: 2 * i + 2]

    def __contains__(self, pair: object) -> bool:
        i = bisect_left(self, pair)  # type: ignore[call-overload]
        return i < len(self) and self[i] == pair


@lru_cache(maxsize=2)
def words(cache_dir: Path | None = None) -> Pairs:
    """The two-character words of jieba's dictionary (114,000). Reading its 5 MB dict.txt takes 0.2 s, so they are
    kept in `cache_dir`, sorted in one line (1 ms to read back), keyed on the dictionary's size."""
    from importlib.util import find_spec

    spec = find_spec("jieba")  # where it is, without importing it (its package __init__ sets up logging and a cache)
    if spec is None or not spec.submodule_search_locations:
        return Pairs("")
    source = Path(spec.submodule_search_locations[0]) / "dict.txt"
    try:
        cached = cache_dir / f"words2-{source.stat().st_size}.txt" if cache_dir else None
        if cached is not None and cached.is_file():
            return Pairs(cached.read_text(encoding="utf-8"))
        with source.open(encoding="utf-8") as lines:
            text = "".join(sorted({w for w in (line.split(" ", 1)[0] for line in lines) if len(w) == 2}))
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(text, encoding="utf-8")
    except OSError:
        return Pairs("")
    return Pairs(text)


class Respeller:
    """Homophone corrections against one vocabulary of the notes (`lexical.Vocabulary`): built on first need."""

    def __init__(self, terms: frozenset[str], section_counts: dict[str, int],
                 dictionary: Callable[[], Pairs] = words, uses: Callable[[str], bool] | None = None,
                 capitals: Callable[[str], bool] | None = None) -> None:
        self.terms = terms
        self.counts = section_counts
        self._uses = uses  # whether the notes contain a phrase as written (Catalogue.uses); None: not checked
        self._capitals = capitals  # whether the notes write a word in these capitals (Catalogue.writes); None: not checked
        self._dictionary = dictionary  # called once, when some pair of a question sounds like a pair of the notes
        self._words: Pairs | None = None

    @staticmethod
    def _sounds_like(char: str) -> str:
        """The characters that read like `char` (itself included), by their commonest readings. Not narrowed to the
        notes' characters: collecting those costs 40 ms at 10,000 sections, checking a few hundred pairs far less."""
        first, group = readings()
        return group.get(first.get(char, ""), char)

    def respell(self, text: str) -> str:
        """The text with its slips read as the notes' words (see the module docstring), and its acronyms with two
        neighbouring letters swapped read as the one acronym of the notes they can be (`_acronym`)."""
        if not self.terms:
            return text
        return _ACRONYM_RE.sub(lambda m: self._acronym(m.group()), CJK_RE.sub(lambda m: self._run(m.group()), text))

    def _acronym(self, name: str) -> str:
        """An acronym the notes never use ("LTSM", "GUR") as the one acronym they do use with two neighbouring letters
        swapped back (LSTM, GRU), else as typed. The commonest slip of a short acronym; read only as the notes' word,
        so "LTSM 的输入输出" reaches 第29题's words and "GUR 和 LTSM 有什么区别" is no longer declined (blind CLI QA).
        Two letters alike ("LLM") or two candidates: as typed. The notes must write the acronym in capitals: on the
        tuning queries "开了 AMP 之后显存…" was read as the "mAP" of notes on detection."""
        lowered = name.lower()
        if lowered in self.terms:
            return name
        meant = {v.upper() for v in neighbour_swaps(lowered) if v in self.terms}
        meant = {v for v in meant if self._capitals is None or self._capitals(v)}
        return meant.pop() if len(meant) == 1 else name

    def _run(self, run: str) -> str:
        chars = list(run)
        for i in range(len(chars) - 1):
            if chars[i] + chars[i + 1] not in self.terms:
                best = self._best(chars, i)
                if best:
                    chars[i], chars[i + 1] = best[0], best[1]
        return "".join(chars)

    def _best(self, chars: list[str], i: int) -> str:
        """The pair of the notes meant by chars[i:i+2], or '' (the rules of the module docstring)."""
        a, b = chars[i], chars[i + 1]
        options = [((x != a) + (y != b), -self.counts.get(x + y, 0), x + y)
                   for x in self._sounds_like(a) for y in self._sounds_like(b) if x + y != a + b and x + y in self.terms]
        if not options:
            return ""
        if self._words is None:
            self._words = self._dictionary()
        words_ = self._words
        if a + b in words_:
            return ""
        # A character that makes a word with its other neighbour puts the pair across two words ("卷积和一个").
        if (i > 0 and chars[i - 1] + a in words_) or (i + 2 < len(chars) and b + chars[i + 2] in words_):
            return ""
        options = [o for o in options if o[2] in words_]
        for _, _, pair in sorted(options):
            if self._uses is None or (i > 0 and self._uses(chars[i - 1] + pair)) or \
                    (i + 2 < len(chars) and self._uses(pair + chars[i + 2])):
                return pair
        return ""
