"""Claims about a section that holds only references or a figure: judged against what it points to, not by e5.

Interview notes often answer a question with links alone ("> [理解 LSTM 网络](https://www.jianshu.com/p/…)",
"> [如何理解LSTM网络](./06-如何理解LSTM网络.md)") or one image, and the extractive answer says so ("笔记中这一题只有
参考链接或图片"). A faithful generated answer says the same in its own words: "The notes give no inline explanation;
they point to an article on Jianshu and to a separate notes file numbered 06." Compared with the section's sentences
(link titles) by e5, such claims scored 0 (ten of the 32 faithful answers of eval/dev/answers3.jsonl were flagged).
So, for a section without prose (`references` is None otherwise), a claim is read as one of three:
- it says the notes explain nothing in text ("没有在正文里展开", "only provides references"): supported;
- it says they give no references ("也没有给出任何参考链接") while they do: contradicted;
- it says what they point to (it speaks of links, articles, files, figures, or restates the link titles): supported
  when it names no number, no
  host (知乎 for a Jianshu link) and no technical name that the references do not carry (their titles, targets, hosts
  and how many there are: `answerable.names_not_in`). Anything else is not supported: the section states nothing about
  the topic itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.notes.quantities import new_numbers
from assistant.notes.terms import term_set
from assistant.notes.text import IMG_RE, LINK_RE
from assistant.retrieval.answerable import names_not_in

# Where a link goes, in the words a claim uses for it (lower-cased host fragment → names).
_HOSTS = {"jianshu": ("简书", "jianshu"), "zhihu": ("知乎", "zhihu"), "csdn": ("csdn",), "github": ("github",),
          "arxiv": ("arxiv",), "cnblogs": ("博客园", "cnblogs"), "medium": ("medium",), "wikipedia": ("维基", "wikipedia")}
_HOST_WORDS = re.compile("|".join(re.escape(w) for names in _HOSTS.values() for w in names), re.I)
# The notes explain nothing in text: "没有在正文里展开", "并没有逐个介绍", "只放了一张图片", "no inline explanation",
# "don't walk through …", "only provides references", "consists of a single image", "defers … to outside material".
_NO_TEXT = re.compile(
    r"(?:没有|并没有|未|不)(?:在)?(?:正文|文字|直接|逐[个步一]|具体|展开|讲解|说明|解释|写)|只(?:有|给|放|提供|通过|列|是)|仅(?:有|给|提供)"
    r"|(?:\b(?:no|not|without)\b|n't\b)[^.;]*\b(?:inline|prose|text|explanation|explain|walk|spell|describe|detail|list|answer)"
    r"|\bonly\b[^.;]*\b(?:references?|links?|image|figure|picture|pointers?)\b|\bconsists? of\b|\bdefers?\b", re.I)
# ...and none of it is a reference: "也没有给出任何参考链接或延伸阅读", "gives no links".
_NO_REFERENCES = re.compile(r"(?:没有|并没有|未|不)[^，。；,;]*(?:链接|参考|延伸阅读|引用|出处)"
                            r"|(?:\b(?:no|not|without)\b|n't\b)[^.;]*\b(?:links?|references?|further reading|sources?)\b", re.I)
# A claim about what the section points to speaks of it.
# ("笔记" and "section" are not enough: "笔记说 BN 会…" is about BN.)
_ABOUT_REFERENCES = re.compile(r"链接|参考|引用|文章|博客|文件|图片|图|资料|\b(?:links?|linked|refers?|referred|articles?|"
                               r"posts?|blogs?|files?|images?|figures?|pictures?|materials?|sources?)\b", re.I)


_TITLE_SHARE = 0.6  # share of a claim's terms found in the link titles that makes it a restatement of them


@dataclass(frozen=True)
class References:
    """What a section without prose points to: its links (title, target) and how many images it shows."""

    links: tuple[tuple[str, str], ...]
    images: int

    @property
    def material(self) -> str:
        """Everything a claim about the references may name: titles, targets and their hosts' names."""
        hosts = [name for _, target in self.links for key, names in _HOSTS.items() if key in target.lower()
                 for name in names]
        return "\n".join([t for link in self.links for t in link] + hosts)

    def verdict(self, claim: str, question: str = "") -> tuple[bool, str]:
        """(supported, evidence) of one claim (see the module docstring); the question may name the topic too."""
        evidence = "\n".join(f"[{title}]({target})" for title, target in self.links) or "(image)"
        no_text, no_references = bool(_NO_TEXT.search(claim)), bool(_NO_REFERENCES.search(claim))
        if self.links and no_references and not no_text:
            return False, evidence
        if no_text and not no_references:
            return self._names_only_material(claim, question), evidence
        titles = term_set(" ".join(title for title, _ in self.links))
        terms = term_set(claim)
        # Speaking of references, or restating their titles ("这一节涉及的方法有 R-CNN、Fast R-CNN … 五种").
        if not (_ABOUT_REFERENCES.search(claim) or len(terms & titles) >= _TITLE_SHARE * len(terms) > 0):
            return False, evidence
        return self._names_only_material(claim, question) and bool(self.links or self.images), evidence

    def _names_only_material(self, claim: str, question: str) -> bool:
        """No number, host or technical name in the claim that the references (or the question) do not carry."""
        material = self.material
        counted = {float(len(self.links)), float(self.images), 1.0} - {0.0}
        if new_numbers(claim, material) - counted:
            return False
        lowered = material.lower()
        if any(host.lower() not in lowered for host in _HOST_WORDS.findall(claim)):
            return False
        return not names_not_in(claim, f"{question}\n{material}")


@lru_cache(maxsize=64)
def references(section: str) -> References | None:
    """The references of a section that has no prose (only links, images and `> [source](url)` lines, as
    `Question.kind` reads them); None when it has prose. Cached: every claim of an answer asks of every section."""
    from assistant.notes.parse import is_prose

    lines = section.splitlines()
    if any(is_prose(line) for line in lines):
        return None
    # A source line's attribution ("> [理解 LSTM 网络](https://www.jianshu.com/p/…) - 简书") goes with its link.
    links = tuple((title.strip(" 《》"), f"{target} {LINK_RE.sub(' ', line).strip(' >-')}".strip())
                  for line in lines for title, target in LINK_RE.findall(line))
    images = len(IMG_RE.findall(section))
    return References(links, images) if links or images else None
