"""course_lib type-checks clean: mypy, strict, with the configuration in pyproject.toml.

``make lint`` runs the same check; this test makes a new type error fail the test suite too, for
whoever runs ``pytest`` without ``make lint``. A cold mypy run over the package takes tens of
seconds (its cache, ``.mypy_cache``, makes a second run quick), hence ``slow``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_mypy_finds_no_error_in_course_lib():
    proc = _mypy()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = re.search(r"Success: no issues found in (\d+) source files", proc.stdout)
    assert found, proc.stdout
    # Every module is checked: the configuration's `files` leaves none out.
    assert int(found.group(1)) == len(list((ROOT / "course_lib").rglob("*.py")))


def test_the_configuration_is_strict_enough_to_catch_the_errors_we_fixed(tmp_path: Path):
    """The same settings, on a module with the kinds of error course_lib had, report each."""
    bad = tmp_path / "bad_module.py"
    bad.write_text(
        "import pandas as pd\n"
        "\n"
        "def untyped(x):\n"  # strict: every function annotated
        "    return x\n"
        "\n"
        "def turn(value: object) -> int:\n"
        "    return int(value)\n"  # int(object): the reader's old pattern
        "\n"
        "def first(frame: pd.DataFrame) -> list[dict[str, object]]:\n"
        '    return frame.to_dict("records")\n'  # pandas-stubs: keys are Hashable, not str
        "\n"
        "def text(value: str) -> str:\n"
        '    return value if isinstance(value, str) else ""\n',  # redundant-expr
        encoding="utf-8",
    )
    proc = _mypy("--config-file", str(ROOT / "pyproject.toml"), str(bad))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    codes = set(re.findall(r"error: .*\[([a-z-]+)\]$", proc.stdout, re.MULTILINE))
    assert {"no-untyped-def", "call-overload", "return-value", "redundant-expr"} <= codes, (
        proc.stdout
    )
