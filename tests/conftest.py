"""Shared fixtures: paths, the parsed source, and an isolated Jupyter environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "source" / "000_d1c0622de1735f17.txt"
SHARED_SOURCE = ROOT.parent / "shared" / "source" / "000_d1c0622de1735f17.txt"

#: Hostile learner input every function and widget control must survive: empty, blank, huge,
#: markup, regex metacharacters, Korean and Chinese text, entities.
HOSTILE = [
    "",
    "   ",
    "\n\t",
    "x" * 5000,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "&amp; <b>bold</b>",
    "[",
    "(((",
    "Stalin) | (",
    "김일성",
    "刘少奇",
]

# Keep Jupyter away from the real home: its path-migration warning breaks filterwarnings=error.
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def minutes(source_text):
    from course_lib.source import parse_minutes

    return parse_minutes(source_text, SOURCE)


@pytest.fixture(autouse=True)
def _answers_in_tmp(tmp_path, monkeypatch):
    """Never let a test write learners' answers into the real home folder."""
    monkeypatch.setenv("PYONGYANG1963_ANSWERS", str(tmp_path / "answers"))


@pytest.fixture(scope="session")
def playwright_session():
    """The one Playwright (sync API) of a test session.

    Playwright's sync API cannot be started twice in one thread, so every browser a test needs is
    launched from this one instance (tests/browser's ``browser``, the hub test's, the dashboard's
    and the export tests').
    """
    from playwright.sync_api import sync_playwright

    manager = sync_playwright()
    pw = manager.start()
    try:
        yield pw
    finally:
        pw.stop()


def pytest_collection_modifyitems(config, items):
    """Run the tests that drive a real browser last, in their collected order.

    Playwright's sync API leaves its event loop registered as the thread's running loop while it
    is started, and code that schedules work on a running loop (the capstone's debounced save)
    would then wait for a loop that never turns. Starting the session's one Playwright only after
    every other test keeps those tests in the world they are written for.
    """
    items[:] = sorted(items, key=lambda item: item.get_closest_marker("browser") is not None)
