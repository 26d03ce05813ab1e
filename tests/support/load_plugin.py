"""Pytest plugin keeping `@pytest.mark.load` tests out of the normal run.

Load tests take minutes and saturate the machine, so CI skips them; run them with
``pytest --run-load -m load`` or ``RUN_LOAD=1 pytest -m load`` (or through ``bench/load.py``).
Registered from tests/conftest.py with ``pytest_plugins = ["tests.support.load_plugin"]``.
"""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser):
    """Add --run-load."""
    parser.addoption("--run-load", action="store_true", default=False, help="also run tests marked 'load'")


def load_enabled(config) -> bool:
    """True when load tests were asked for (--run-load or RUN_LOAD=1)."""
    return bool(config.getoption("--run-load")) or os.environ.get("RUN_LOAD") == "1"


def pytest_collection_modifyitems(config, items):
    """Skip every 'load' test unless load tests were asked for."""
    if load_enabled(config):
        return
    skip = pytest.mark.skip(reason="load test: pass --run-load or set RUN_LOAD=1")
    for item in items:
        if "load" in item.keywords:
            item.add_marker(skip)
