"""HTML comes only from autoescaping templates: no Python string builds markup (issue #10).

Every piece of HTML used to be an f-string that was safe only because an escape call was never
forgotten. This test walks the library's syntax trees: an f-string that writes a tag, or any string
with an inline ``style=`` or a hand-made ``role="status"``, fails it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "course_lib").rglob("*.py"))
_TAGS = (
    "a|abbr|article|b|blockquote|br|button|caption|circle|cite|code|desc|details|div|em|figure|g|"
    "h[1-6]|header|i|img|input|label|li|line|main|mark|nav|ol|p|path|polygon|rect|script|section|"
    "small|span|strong|style|summary|svg|table|tbody|td|text|th|thead|time|title|tr|ul"
)
TAG = re.compile(rf"<\s*/?\s*(?:{_TAGS})[\s>/]", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def problems_in(source: str) -> list[str]:
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
            if TAG.search(text):
                found.append(f"line {node.lineno}: an f-string writes HTML")
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        ):
            if 'style="' in node.value or "style='" in node.value:
                found.append(f"line {node.lineno}: an inline style attribute")
            if 'role="status"' in node.value:
                found.append(f"line {node.lineno}: a hand-made live region")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_builds_html_by_hand(path):
    assert problems_in(path.read_text(encoding="utf-8")) == []


def test_the_check_can_fail():
    bad = 'def f(x):\n    return f"<p>{x}</p>" + \'<div style="color:red">\' + \'<p role="status">\'\n'
    assert len(problems_in(bad)) == 3
    assert problems_in('def f():\n    """Returns ``<a href="...">``."""\n') == []
