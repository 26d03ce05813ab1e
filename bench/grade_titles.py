"""What comparing an answer with the other sections costs as the notes grow (interview/topicality.py).

The grader finds the sections whose questions are nearest to an answer from one e5 vector per
section title. Ingest embeds the titles into the data directory's vector cache
(`vector_cache.note_vectors(home, "titles")`); a grade reads them. Per size, on generated varied notes
(tests/support/gen_notes.py, as bench/scale.py): the titles embedded as ingest does (its added
cost), a new process's first read of them from the cache, the notebook listing every section (done
on each grade) and a warm `Titles.nearest` (one matrix product and a sort). Prints a table.
Usage: python bench/grade_titles.py [--sizes 20,1000,10000] [--work DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose bench.py would shadow the bench package

import numpy as np  # noqa: E402

from bench.procs import notes_for  # noqa: E402


def measure(sections: int, work: Path) -> dict:
    from assistant.interview.grades import Reference
    from assistant.interview.notebook import Notebook
    from assistant.interview.topicality import Titles
    from assistant.retrieval.vector_cache import VectorCache
    from assistant.runtime import e5_passages, e5_version

    book = Notebook.from_files([notes_for(work, sections)])
    start = time.perf_counter()
    listed = book.references()  # what the grader lists on every grade
    list_ms = 1000 * (time.perf_counter() - start)
    # The generated notes repeat their 22 topics' questions; a user's titles are all different, and the cost is
    # one embedding per distinct title, so each title here names its section.
    refs = [Reference(r.number, f"{r.title}（第{i + 1}题）", "") for i, r in enumerate(listed)]
    path = work / f"titles-{sections}.sqlite"
    path.unlink(missing_ok=True)
    titles = [r.title for r in refs]
    start = time.perf_counter()
    VectorCache(path, e5_version()).fill(titles, e5_passages)  # what ingest adds (retrieval/ingest.py)
    embed_s = time.perf_counter() - start
    fresh = Titles(lambda: refs, e5_passages, VectorCache(path, e5_version()))  # a new process's grader
    start = time.perf_counter()
    assert fresh.vectors(refs, limit=0) is not None, "every title was in the cache"
    read_s = time.perf_counter() - start
    sentences = e5_passages(["梯度爆炸时可以用梯度截断。", "Dropout 在推理时关闭。", "学习率预热让训练更稳定。"])
    times = []
    for _ in range(30):
        start = time.perf_counter()
        fresh.nearest(refs[0], sentences, 3, limit=0)
        times.append(time.perf_counter() - start)
    return {"sections": len(refs), "embed_s": embed_s, "per_s": len(titles) / embed_s, "read_s": read_s,
            "list_ms": list_ms, "nearest_ms": 1000 * statistics.median(times),
            "nearest_p95_ms": 1000 * float(np.percentile(times, 95))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,1000,10000")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="grade-titles-"))
    print(f"{'sections':>9} {'embed titles (ingest)':>22} {'titles/s':>9} {'first read':>11} {'list refs':>10} "
          f"{'nearest p50':>12} {'p95':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        r = measure(size, work)
        print(f"{r['sections']:>9} {r['embed_s']:>20.1f} s {r['per_s']:>9.0f} {r['read_s']:>9.3f} s "
              f"{r['list_ms']:>7.1f} ms {r['nearest_ms']:>9.1f} ms {r['nearest_p95_ms']:>5.1f} ms", flush=True)


if __name__ == "__main__":
    main()
