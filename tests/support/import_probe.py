"""Run one `assistant` command and write the top-level modules it imported, for the cold-path import test.

Usage: python -m tests.support.import_probe OUT.json -- ARGS...  (the command's own exit code is kept)
"""

from __future__ import annotations

import atexit
import json
import sys


def _dump(out: str) -> None:
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(sorted({name.split(".")[0] for name in sys.modules}), fh)


if __name__ == "__main__":
    out, args = sys.argv[1], sys.argv[3:]
    atexit.register(_dump, out)
    sys.argv = ["assistant", *args]
    from assistant.cli import main

    main()
