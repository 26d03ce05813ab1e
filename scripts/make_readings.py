"""Write assistant/retrieval/readings.tsv: the toneless pinyin readings of the common Chinese characters.

`retrieval/typos.py` reads a Chinese typing slip (过你合, 梯度接断) as the notes' word that sounds the same; it
needs each character's readings. They come from pypinyin's single-character table (MIT licence), taken at
development time so that asking a question neither imports pypinyin (0.14 s with its phrase table) nor parses
its 42,000-character table (0.06 s): the 6,763 characters of GB 2312 cover what pinyin input methods offer first.
Only each character's first (commonest) reading is kept: rare ones make false homophones (给 also reads ji).
One line per reading: `reading<TAB>characters`. tests/test_typos.py checks the file against pypinyin when it is
installed (the test extras install it). Usage: `python scripts/make_readings.py [OUT]`.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "assistant" / "retrieval" / "readings.tsv"


def toneless(reading: str) -> str:
    """'lǜ' → 'lv', 'nǐ' → 'ni': tone marks dropped, ü written v (as input methods type it)."""
    plain = unicodedata.normalize("NFD", reading.replace("ü", "v"))
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


def common(char: str) -> bool:
    """A character of GB 2312 (Simplified Chinese's common set)."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def table() -> str:
    """The file's text: readings sorted, characters in code-point order."""
    from pypinyin.pinyin_dict import pinyin_dict

    first: dict[str, set[str]] = {}
    for code, readings in pinyin_dict.items():
        char = chr(code)
        if "\u4e00" <= char <= "\u9fff" and common(char):
            first.setdefault(toneless(readings.split(",")[0]), set()).add(char)
    return "".join(f"{r}\t{''.join(sorted(chars))}\n" for r, chars in sorted(first.items()))


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.write_text(table(), encoding="utf-8")
    print(f"wrote {out}")
