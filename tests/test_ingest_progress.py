"""What a long ingest says off a terminal: a warning before a file over the web upload's limit, and progress lines.

`assistant ingest huge.md > log 2>&1` (3.2 MB, 3,000 sections) wrote nothing at all for 14 minutes, and the CLI took
the file the web refuses without a word (blind QA s8 §14)."""

from __future__ import annotations

import io

from assistant.retrieval.ingest_progress import MAX_BYTES, LineProgress
from tests.test_fault_injection import killed_ingest


def test_a_file_over_the_upload_limit_is_warned_about_with_an_estimate_before_embedding(tmp_path):
    section = "## {n}. 自动生成的问题{n}：什么是第{n}号技巧？\n\n" + "这是一段填充文字，用于测试大文件。" * 20 + "\n\n"
    big = tmp_path / "huge.md"
    big.write_text("".join(section.format(n=n) for n in range(1000, 3200)), encoding="utf-8")
    assert big.stat().st_size > MAX_BYTES
    # Stopped once its first batch is embedded: the warning must come before any of the minutes of embedding.
    stderr = killed_ingest(tmp_path / "home", big, "embedded")
    before = stderr.split("paused at embedded")[0]
    assert "warning: huge.md is 2.3 MB, more than the 2.0 MB the web app takes: 2,200 section(s) to embed, roughly" in before
    assert "min on this machine" in before


def test_progress_lines_come_every_period_with_counts_and_the_time_left():
    now = [0.0]
    out = io.StringIO()
    lines = LineProgress(1000, out=out, period=10.0, clock=lambda: now[0])
    for done in [*range(16, 1000, 16), 1000]:
        now[0] += 1.0  # a batch of 16 chunks a second
        lines.update(done)
    lines.finish()
    printed = out.getvalue().splitlines()
    assert len(printed) == 7  # one every 10 s of a 63 s ingest, and the closing line
    assert printed[0] == "embedding: 160/1,000 chunks (16%) in 10 s, about 52 s left"
    assert printed[-1] == "embedded 1,000/1,000 chunks in 63 s"


def test_a_quick_ingest_prints_no_progress_line():
    now = [0.0]
    out = io.StringIO()
    lines = LineProgress(32, out=out, clock=lambda: now[0])
    for done in (16, 32):
        now[0] += 2.0
        lines.update(done)
    lines.finish()
    assert out.getvalue() == ""
