"""Screenshots the browser tests save for a person to look at: /tmp/web-shots/<prefix>-<name>.png."""

from __future__ import annotations

from pathlib import Path

SHOTS = Path("/tmp/web-shots")


def save_shot(page, prefix: str, name: str, full_page: bool = False) -> Path:
    """A screenshot of the page (the viewport unless `full_page`), its path printed for the test log."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{prefix}-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"screenshot: {path}")
    return path
