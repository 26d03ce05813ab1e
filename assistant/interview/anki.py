"""Anki export: one note per key point, so the spaced-repetition tool people already use drills what the notes say.

Front: the question and the point's cue (its place in the outline, its subsection, a first-character
hint); back: the point verbatim (lead and supporting sentences) with its citation. Ids are stable:
the model and deck ids are hashes of fixed names, and each note's GUID is a hash of the file, the
section and the point's lead, so importing a re-export updates the notes instead of duplicating
them. `genanki` is imported only when exporting.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from assistant.interview.srs import point_id
from assistant.notes.keypoints import Point, outline
from assistant.notes.terms import language_of
from assistant.notes.text import unlinked

DECK_NAME = "DL interview notes"
FIELDS = ("Question", "Cue", "Point", "Citation")
_CSS = ".card { font-family: sans-serif; font-size: 18px; } .cue { color: #666; font-size: 15px; } .cite { color: #888; font-size: 13px; margin-top: 1em; }"


def stable_id(*parts: str) -> int:
    """A positive 31-bit id from names (Anki model and deck ids must be fixed across exports)."""
    return int(hashlib.sha1("/".join(parts).encode()).hexdigest()[:8], 16) & 0x7FFFFFFF


def cue(point: Point, index: int, total: int, lang: str) -> str:
    """The front's hint: which point of how many, its subsection, and its first character."""
    parts = [f"要点 {index}/{total}" if lang == "zh" else f"point {index} of {total}"]
    if point.group and point.group != point.label:
        parts.append(point.group)
    if point.kind != "central" and len(point.label) > 2:
        parts.append(f"提示：{point.label[0]}…" if lang == "zh" else f"starts with “{point.label[0]}…”")
    return " · ".join(parts)


def as_html(sentence: str) -> str:
    """A note sentence for an Anki field, which shows HTML: escaped, its bold and code as <b> and <code> (escaped
    Markdown showed the asterisks: "**1. 非线性：**"), a link as its text, no image or bare URL (`text.unlinked`, as
    feedback quotes show them); a formula's "x>0" stays."""
    text = html.escape(unlinked(sentence), quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def cards(notebook, topic: str | None = None) -> list[dict]:
    """Every key point of the askable questions (of one topic) as note fields plus its GUID parts."""
    out = []
    for note in notebook.askable(topic):
        points = outline(notebook.body_of(note.file_key, note.uid)).points
        lang = language_of(note.title)
        for i, point in enumerate(points, start=1):
            out.append({
                "guid": (note.file_key, note.uid, point_id(point.lead)),
                "topic": note.topic,
                "fields": (html.escape(note.title), html.escape(cue(point, i, len(points), lang)),
                           "<br>".join(as_html(s) for s in point.sentences),
                           html.escape(f"[1] {note.label}")),
            })
    return out


def write_apkg(notebook, path: Path, topic: str | None = None) -> int:
    """Write the .apkg (one sub-deck per topic, named as the notebook names it); returns the number of notes."""
    import genanki

    model = genanki.Model(
        stable_id("dl-interview-assistant", "key-point-model", "v1"), "DL interview key point",
        fields=[{"name": f} for f in FIELDS],
        templates=[{"name": "Recall the point",
                    "qfmt": "{{Question}}<div class=cue>{{Cue}}</div>",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Point}}<div class=cite>{{Citation}}</div>"}],
        css=_CSS)
    decks: dict[str, object] = {}
    rows = cards(notebook, topic)
    for row in rows:
        name = f"{DECK_NAME}::{notebook.topic(row['topic']).display}"
        if name not in decks:
            decks[name] = genanki.Deck(stable_id("dl-interview-assistant", "deck", name), name)
        note = genanki.Note(model=model, fields=list(row["fields"]), guid=genanki.guid_for(*row["guid"]),
                            tags=[row["topic"]])
        decks[name].add_note(note)  # type: ignore[attr-defined]
    path = Path(path)
    genanki.Package(list(decks.values())).write_to_file(str(path))
    return len(rows)
