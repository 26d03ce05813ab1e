"""Tuned values in one place: every weight and threshold the system learned from data, with its provenance.

The shipped `tuned.json` holds each value next to the script and data set that chose it.
A user who refits on their own notes (the bench scripts with `--write`) gets a
`tuned.json` in their ASSISTANT_HOME that overrides single entries; the installed package
is never edited. Code reads values through `Settings.tuned`, and tuning scripts pass
candidate values in as arguments instead of patching module globals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from assistant.errors import UserError

P = TypeVar("P")
SHIPPED = Path(__file__).with_name("tuned.json")
USER_FILE = "tuned.json"


@dataclass(frozen=True)
class Tuned:
    """Tuned entries: name → {"value", "source"}; the user's file wins entry by entry."""

    entries: dict[str, dict]

    def __getitem__(self, name: str) -> Any:
        try:
            return self.entries[name]["value"]
        except KeyError:
            raise UserError(f"no tuned value {name!r} in {SHIPPED.name}") from None

    def params(self, name: str, cls: type[P]) -> P:
        """A parameters dataclass filled from one entry (an unknown or missing field is an error)."""
        try:
            return cls(**self[name])
        except TypeError as exc:
            raise UserError(f"tuned value {name!r} does not fit {cls.__name__}: {exc}") from None

    def source(self, name: str) -> str:
        """Where a value came from (script and data set), for `assistant config` and reports."""
        return self.entries.get(name, {}).get("source", "")


def load_tuned(home: Path) -> Tuned:
    """The shipped values, overridden by `home/tuned.json` when it exists."""
    user = home / USER_FILE
    stamp = user.stat().st_mtime_ns if user.is_file() else None
    return _load(str(user), stamp)


@lru_cache(maxsize=8)
def _load(user: str, stamp: int | None) -> Tuned:
    entries = {k: v for k, v in _read(SHIPPED).items() if not k.startswith("_")}
    if stamp is not None:
        entries.update({k: v for k, v in _read(Path(user)).items() if not k.startswith("_")})
    return Tuned(entries)


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read tuned values from {path}: {exc}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path} must hold a JSON object of tuned values")
    return data


def write_user_entry(home: Path, name: str, value: Any, source: str) -> Path:
    """Store a refitted value in the user's tuned.json (what `--write` of the bench scripts does)."""
    path = home / USER_FILE
    data = _read(path) if path.is_file() else {}
    data[name] = {"value": value, "source": source}
    home.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
