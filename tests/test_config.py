"""Settings from environment and flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import ConfigError, Settings


def test_defaults_and_env():
    s = Settings.from_env({"ASSISTANT_HOME": "/tmp/x", "ASSISTANT_K": "6", "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": "9000"})
    assert s.home == Path("/tmp/x") and s.k == 6 and s.chroma_host == "127.0.0.1" and s.chroma_port == 9000
    assert s.answer_mode == "extractive" and s.recipe_parts == ["e5", "use", "bm25"] and s.dense_models == ["e5", "use"]


def test_flags_override_env():
    s = Settings.from_env({"ASSISTANT_K": "6"}, k=2, model=None)
    assert s.k == 2 and s.model == "gpt-4o-mini"


def test_llm_mode_when_an_endpoint_is_configured():
    assert Settings.from_env({"OPENAI_BASE_URL": "http://127.0.0.1:1/v1"}).answer_mode == "llm"
    assert Settings.from_env({"OPENAI_API_KEY": "k", "ASSISTANT_MODE": "extractive"}).answer_mode == "extractive"


@pytest.mark.parametrize("env, message", [
    ({"ASSISTANT_MODE": "magic"}, "ASSISTANT_MODE must be"),
    ({"ASSISTANT_RECIPE": "bm25"}, "at least one dense"),
    ({"ASSISTANT_RECIPE": "e5+foo"}, "ASSISTANT_RECIPE must combine"),
    ({"ASSISTANT_K": "0"}, r"ASSISTANT_K \(k\) must be between"),
    ({"ASSISTANT_MIN_SCORE": "high"}, "ASSISTANT_MIN_SCORE must be a number"),  # the variable the user set
    ({"ASSISTANT_CHUNK_CHARS": "-5"}, "ASSISTANT_CHUNK_CHARS must be at least 20, not -5"),
    ({"ASSISTANT_LLM_TIMEOUT": "-1"}, "ASSISTANT_LLM_TIMEOUT must be at least 0.1, not -1"),
    ({"ASSISTANT_LLM_RETRIES": "-2"}, "ASSISTANT_LLM_RETRIES must be at least 0"),
    ({"OPENAI_BASE_URL": "not a url"}, "OPENAI_BASE_URL 'not a url' is not an http"),  # from the env as from the web
    ({"ASSISTANT_MODE": "llm"}, "needs OPENAI_BASE_URL"),
    ({"ASSISTANT_TEMPERATURE": "9"}, "ASSISTANT_TEMPERATURE must be between 0 and 2, not 9"),  # every request failed
    ({"ASSISTANT_ANSWER_TOKENS": "0"}, "ASSISTANT_ANSWER_TOKENS must be at least 16"),
])
def test_invalid_values_are_rejected(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_describe_masks_the_key():
    rows = dict((env, value) for env, value, _ in Settings.from_env({"OPENAI_API_KEY": "sk-abcdef"}).describe())
    assert rows["OPENAI_API_KEY"] == "sk-…"


def test_readme_settings_table_is_generated_from_settings():
    """The README lists every setting exactly as `assistant config --markdown` prints it."""
    from assistant.config import Settings
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- settings:start -->\n", "\n<!-- settings:end -->"
    assert start in readme and end in readme, "README lacks the settings markers"
    table = readme.split(start, 1)[1].split(end, 1)[0]
    assert table == Settings.markdown_table()
    assert table.count("\n| `") == len(Settings.__dataclass_fields__)
