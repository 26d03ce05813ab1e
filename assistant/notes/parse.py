"""Notes parsing: Markdown `## N. question` sections become Question records (chunks.py cuts them into chunks).

The notes are plain Markdown, one `## N. title` section per interview question, with
optional `### N.M` subsections, `> [title](url)` source lines, `<img>` references whose
files are not shipped, and links to other notes files. Parsing is line based so that
every body line of a question lands in exactly one chunk (property-tested): quotes in
answers can then be checked verbatim against the chunk they cite.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import UserError
from assistant.notes.text import FENCE_RE, IMG_RE, SOURCE_RE, SUBSECTION_RE, Fences, plain_text

# "## 21. title", and the numberings Chinese notes also use: "21、", "21．", "21）", "21：", "第21题", "Q21:". Not "21.1":
# a numbered subsection written at the wrong level is reported (Skipped), not read as question 21.
_NUMBERED = r"^##\s+(?:第\s*)?(?:Q\s*)?"  # a question heading up to its number
# 题 ends the number of "第21题" but not of "21 题目" (a heading saying "question text", which is not one).
QUESTION_RE = re.compile(_NUMBERED + r"(\d+)\s*(?:[.．、:：)）]|题(?!目))(?![\d.．])\s*(.+?)\s*#*\s*$", re.I)
H2_RE = re.compile(r"^##\s")
NUMBERED_RE = re.compile(_NUMBERED + r"\d", re.I)  # a heading that looks like a question's


def question_label(number, title: str) -> str:
    """How a citation names a question section, e.g. '第28题 如何修复梯度爆炸问题？' (one format everywhere)."""
    return f"第{number}题 {title}"


def section_key(file_key: str, uid) -> str:
    """How the app names one section of one notes file, '<file_key>::<uid>': saved sources, the Notes tab's
    list and "Open in Notes" buttons all use it, so a key from one opens the section in another."""
    return f"{file_key}::{uid}"


class CorpusError(UserError, ValueError):
    """A notes file cannot be used; the message names the file."""


@dataclass(frozen=True)
class Skipped:
    """A numbered `##` heading that is not read as a question ("## 2 什么是欠拟合", "## 3.1 …"): its text is not indexed.

    Lines under a heading that is no question belong to no section, like a preamble. For "## Index" that is right;
    for a numbered heading it is a section the user wrote and would silently never find, so ingest names it."""

    file: str
    line: int  # 1-based
    heading: str

    def __str__(self) -> str:
        return (f"{self.file}:{self.line}: '{self.heading[:60]}' is not read as a question (write '## N. question'), "
                "so the text under it is not indexed")


HASH_CHARS = 16  # of a section's content hash (stored in each chunk's metadata as the start of `qhash`)


@dataclass(frozen=True)
class Link:
    """A `[title](url)` reference found in a question."""

    title: str
    url: str

    @property
    def is_notes_file(self) -> bool:
        """True for links to other local notes files (not shipped with this corpus)."""
        return not re.match(r"^[a-z]+://", self.url) and self.url.split("#")[0].endswith(".md")


@dataclass(frozen=True)
class Subsection:
    """A `### N.M title` subsection and the body lines (indexes into Question.lines) it spans."""

    number: str
    title: str
    start: int
    end: int


@dataclass
class Question:
    """One `## N. title` section of a notes file."""

    file: str
    file_key: str
    number: int
    title: str
    lines: list[str]
    uid: str = ""
    subsections: list[Subsection] = field(default_factory=list)
    sources: list[Link] = field(default_factory=list)
    notes_links: list[Link] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The section body exactly as written (heading excluded)."""
        return "\n".join(self.lines).strip("\n")

    @property
    def text_lines(self) -> list[str]:
        """Body lines that carry prose (not blank, not links, images or fences)."""
        return [ln for ln in self.lines if is_prose(ln)]

    @property
    def has_content(self) -> bool:
        """False for link-only or image-only sections, which have no reference answer."""
        return bool(self.text_lines)

    @property
    def kind(self) -> str:
        """'text', 'link-only', 'image-only' or 'empty' (a heading with nothing under it yet: it was listed as
        link-only, with no links)."""
        if self.has_content:
            return "text"
        if not (self.images or self.sources or self.notes_links):
            return "empty"
        return "image-only" if self.images and not (self.sources or self.notes_links) else "link-only"

    @property
    def label(self) -> str:
        """How a citation names this section, e.g. '第28题 如何修复梯度爆炸问题？'."""
        return question_label(self.number, self.title)

    @property
    def content_hash(self) -> str:
        """Hash of the heading and body; unchanged sections are skipped on re-ingest."""
        return hashlib.sha256(f"{self.number}\n{self.title}\n{self.body}".encode()).hexdigest()[:HASH_CHARS]

    def subsection_at(self, line_index: int) -> Subsection | None:
        """The subsection containing a body line, if any."""
        for sub in self.subsections:
            if sub.start <= line_index < sub.end:
                return sub
        return None


def file_key(path: Path) -> str:
    """A stable id prefix per notes file, so two files may both have a question 21."""
    resolved = str(Path(path).resolve())
    return f"{slug(Path(path).stem)}-{hashlib.sha1(resolved.encode()).hexdigest()[:8]}"


def read_notes(path: Path, skipped: list[Skipped] | None = None) -> list[Question]:
    """Parse one notes file; raises CorpusError for undecodable files or files with no `## N.` heading.
    Numbered headings that are not read as questions are added to `skipped`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return parse_notes_bytes(data, path, str(path), skipped)


def parse_notes_bytes(data: bytes, path: Path, name: str, skipped: list[Skipped] | None = None) -> list[Question]:
    """Parse a notes file's bytes (stored as `path`); errors name the file as `name` (an upload's own name)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{name}: not valid UTF-8 (byte {exc.start}); save it as UTF-8 and ingest again") from None
    unread: list[Skipped] = []
    questions = parse_notes(text, file=str(path), key=file_key(path), skipped=unread)
    if not questions:
        near = f" (line {unread[0].line}, '{unread[0].heading[:40]}', is not one)" if unread else ""
        raise CorpusError(f"{name}: no '## N. question' headings found{near}; is this a notes file?")
    if skipped is not None:
        skipped.extend(unread)
    return questions


def parse_notes(text: str, file: str = "<text>", key: str = "text", skipped: list[Skipped] | None = None) -> list[Question]:
    """Split Markdown text into questions; lines outside any question (preamble, TOC) are skipped, and numbered
    headings that are not questions are added to `skipped`."""
    questions: list[Question] = []
    current: Question | None = None
    fences = Fences()
    for n, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        line = raw.rstrip().lstrip("\ufeff")  # a BOM left by concatenated files must not hide a heading
        if not fences.step(line) and not fences.inside and H2_RE.match(line):
            match = QUESTION_RE.match(line)
            current = Question(file, key, int(match.group(1)), match.group(2).strip(), []) if match else None
            if current is not None:
                questions.append(current)
            elif skipped is not None and NUMBERED_RE.match(line):
                skipped.append(Skipped(file, n, line))
            continue
        if current is not None:
            current.lines.append(line)
    seen: dict[int, int] = {}
    for q in questions:
        _trim_blank_edges(q)
        _annotate(q)
        # A repeated number keeps both sections; the second gets its own id ("21~2").
        seen[q.number] = seen.get(q.number, 0) + 1
        q.uid = str(q.number) if seen[q.number] == 1 else f"{q.number}~{seen[q.number]}"
    return questions


def find_notes(paths) -> list[Path]:
    """Expand files and folders into the Markdown files to ingest, sorted; raises CorpusError for missing paths."""
    found: list[Path] = []
    for p in paths:
        p = Path(p).expanduser()
        if p.is_dir():
            found.extend(sorted(x for x in p.rglob("*.md") if x.is_file() and not x.name.startswith(".")))
        elif p.is_file():
            found.append(p)
        else:
            raise CorpusError(f"{p}: no such file or folder")
    return found


def _annotate(q: Question) -> None:
    subs: list[tuple[int, str, str]] = []
    fences = Fences()
    for i, line in enumerate(q.lines):
        if fences.step(line) or fences.inside:
            continue
        m = SUBSECTION_RE.match(line)
        if m:
            subs.append((i, m.group(1), m.group(2)))
        src = SOURCE_RE.match(line)
        if src:
            link = Link(src.group(1).strip(), src.group(2).strip())
            (q.notes_links if link.is_notes_file else q.sources).append(link)
        for m_img in IMG_RE.finditer(line):
            q.images.append(m_img.group(1) or m_img.group(2))
    for n, (i, number, title) in enumerate(subs):
        end = subs[n + 1][0] if n + 1 < len(subs) else len(q.lines)
        q.subsections.append(Subsection(number, title, i, end))


def _trim_blank_edges(q: Question) -> None:
    while q.lines and not q.lines[-1].strip():
        q.lines.pop()
    while q.lines and not q.lines[0].strip():
        q.lines.pop(0)


def is_prose(line: str) -> bool:
    """Whether a body line carries prose: not blank, not a `> [source](url)` line, a fence, or only links or images."""
    stripped = line.strip()
    if not stripped or SOURCE_RE.match(stripped) or FENCE_RE.match(stripped):
        return False
    return bool(plain_text(stripped).strip(" -•|"))


def same_file(path: str, name: str) -> bool:
    """True when `name` (a file name, stem or path, as `--file NAME` takes it) names notes file `path`, compared as
    `file_key` names a file: "my notes.md", "my-notes" and a path to it are one file."""
    return slug(Path(path).stem) == slug(Path(name).stem)


def slug(text: str) -> str:
    """A file stem as file keys write it: letters, digits and CJK, the rest one hyphen."""
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", text).strip("-")[:40] or "notes"
