"""The LLM judge: RAGAS's NLI step with our prompts, defensive parsing, one retry and a cache.

One request per answer: the cited sections and the numbered claims go in, one verdict per
claim comes out (`verdict`, `supported_by`, `evidence`). Small models break JSON, so the
reply is searched for its first JSON object or array (code fences tolerated); an unreadable
reply is retried once with a reminder, and claims still without a verdict are counted as
unparseable rather than guessed. Final replies are cached in `home/judge-cache.sqlite`
under sha256(model, messages): reruns are reproducible and cost no requests.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

from assistant.answering.llm import first_json, openai_client
from assistant.answering.prompts import Prompts
from assistant.errors import UserError, first_line
from assistant.evals.claims import Claim
from assistant.evals.metrics import ClaimVerdict
from assistant.notes.terms import language_of


class JudgeError(UserError, RuntimeError):
    """The judge model could not be reached; the message is shown as one line."""


class JudgeCache:
    """sha256 key → final raw reply, in SQLite (one file, safe across runs)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS judge (key TEXT PRIMARY KEY, reply TEXT NOT NULL)")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)

    def get(self, key: str) -> str | None:
        """The cached reply for a key, or None."""
        with self._db() as db:
            row = db.execute("SELECT reply FROM judge WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, reply: str) -> None:
        """Store (or replace) a reply."""
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO judge (key, reply) VALUES (?, ?)", (key, reply))


def cache_key(model: str, messages: list[dict]) -> str:
    """sha256 of the model and the full rendered messages (prompt text and inputs)."""
    blob = json.dumps({"model": model, "messages": messages}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def parse_verdicts(text: str, n_claims: int) -> dict[int, dict] | None:
    """claim id (1-based) → {"verdict": bool, "supported_by": [n], "evidence": str}; None if unreadable."""
    data = first_json(text)
    entries = data.get("verdicts", data.get("statements")) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        return None
    out: dict[int, dict] = {}
    for pos, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            continue
        verdict = _truth(entry.get("verdict"))
        cid = _int(entry.get("id"), pos)
        if verdict is None or not 1 <= cid <= n_claims:
            continue
        cited = entry.get("supported_by") or []
        cited = [_int(n, 0) for n in (cited if isinstance(cited, list) else [cited])]
        out[cid] = {"verdict": verdict, "supported_by": [n for n in cited if n > 0],
                    "evidence": str(entry.get("evidence") or "")}
    return out or None


def _truth(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value >= 1
    text = str(value or "").strip().lower()
    return {"1": True, "yes": True, "true": True, "是": True, "0": False, "no": False, "false": False, "否": False}.get(text)


def _int(value, default: int) -> int:
    match = re.search(r"\d+", str(value)) if value is not None else None
    return int(match.group(0)) if match else default


class LLMJudge:
    """Faithfulness verdicts from the configured OpenAI-compatible chat model."""

    name = "llm"

    def __init__(self, settings, prompts: Prompts | None = None, client=None, cache: JudgeCache | None = None) -> None:
        self.settings = settings
        self.prompts = prompts or Prompts(settings.prompts_path)
        self.client = client
        self.cache = cache or JudgeCache(settings.home / "judge-cache.sqlite")
        self.stats = {"requests": 0, "cache_hits": 0, "retries": 0, "unparseable_answers": 0, "unparseable_claims": 0}

    def judge(self, question: str, claims: list[Claim], contexts: dict[int, str]) -> list[ClaimVerdict]:
        """One verdict per claim, or supported=None for claims the model gave no readable verdict."""
        if not claims:
            return []
        lang = language_of(" ".join(c.text for c in claims))
        cited = sorted({n for c in claims for n in c.citations if n in contexts}) or sorted(contexts)
        sources = "\n\n".join(f"[{n}]\n{contexts[n]}" for n in cited)
        statements = "\n".join(f"{i}. {c.text} {''.join(f'[{n}]' for n in c.citations)}".rstrip()
                               for i, c in enumerate(claims, start=1))
        messages = [
            {"role": "system", "content": self.prompts.render("judge_system", lang)},
            {"role": "user", "content": self.prompts.render("judge_user", lang, question=question,
                                                             sources=sources, statements=statements)},
        ]
        parsed = parse_verdicts(self._reply(messages, lang, len(claims)), len(claims))
        if parsed is None:
            self.stats["unparseable_answers"] += 1
            parsed = {}
        out = []
        for i, claim in enumerate(claims, start=1):
            v = parsed.get(i)
            if v is None:
                self.stats["unparseable_claims"] += 1
                out.append(ClaimVerdict(claim, None))
                continue
            own = {n: v["verdict"] and n in v["supported_by"] for n in claim.citations}
            out.append(ClaimVerdict(claim, v["verdict"], own, v["evidence"]))
        return out

    def _reply(self, messages: list[dict], lang: str, n_claims: int) -> str:
        key = cache_key(self.settings.model, messages)
        cached = self.cache.get(key)
        if cached is not None:
            self.stats["cache_hits"] += 1
            return cached
        reply = self._complete(messages)
        if parse_verdicts(reply, n_claims) is None:  # one retry, reminding the model of the format
            self.stats["retries"] += 1
            retry = messages + [{"role": "assistant", "content": reply},
                                {"role": "user", "content": self.prompts.render("judge_retry", lang)}]
            reply = self._complete(retry)
        self.cache.put(key, reply)  # the final reply, readable or not: a rerun gives the same result
        return reply

    def _complete(self, messages: list[dict]) -> str:
        import openai

        if self.client is None:
            self.client = openai_client(self.settings)
        self.stats["requests"] += 1
        try:
            response = self.client.chat.completions.create(model=self.settings.model, messages=messages, temperature=0)
        except openai.OpenAIError as exc:
            raise JudgeError(f"judge model request failed: {type(exc).__name__}: {first_line(exc, limit=160)}") from None
        return response.choices[0].message.content or ""
