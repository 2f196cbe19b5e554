"""Every lesson keeps the course's shape (the Reading Like a Historian pattern) and its limits.

- a lesson whose number has questions in the bank shows them: ``question_set(lesson=N)``;
- at most 1,500 words of markdown prose per lesson and 200 per markdown cell, counted as
  ``re.findall(r"\\w+", ...)`` over the markdown cells (the same count as the project's hook);
- every code cell that builds a widget runs on its own: it imports the builder from
  ``course_lib`` itself and uses no name it does not define, so a returning student who runs that
  one cell sees the widget, not a ``NameError``;
- the first cell states the central question, the time and the objectives; lessons 1-5 have a
  background, guiding questions (3 to 5 in each block), a discussion, key points and a next step;
- every link to a file next to the lessons points to a file that exists.
"""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import nbformat
import pytest

from course_lib.questions import load_bank
from course_lib.widgets import __all__ as BUILDERS

ROOT = Path(__file__).resolve().parents[1]
LESSON_DIR = ROOT / "lessons"
LESSONS = sorted(LESSON_DIR.glob("[0-9][0-9]_*.ipynb"))

MAX_LESSON_WORDS = 1500
MAX_CELL_WORDS = 200
GUIDING = "**Guiding questions**"


def words(text: str) -> int:
    """Words as the project's hook counts them."""
    return len(re.findall(r"\w+", text))


def lesson_number(path: Path) -> int:
    return int(path.name[:2])


def markdown_cells(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def code_cells(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def word_problems(cells: list[str]) -> list[str]:
    """What breaks the word limits (empty if nothing)."""
    out = []
    total = sum(words(c) for c in cells)
    if total > MAX_LESSON_WORDS:
        out.append(f"{total} words of prose (limit {MAX_LESSON_WORDS})")
    for i, cell in enumerate(cells):
        if words(cell) > MAX_CELL_WORDS:
            out.append(f"markdown cell {i} has {words(cell)} words (limit {MAX_CELL_WORDS})")
    return out


def _bound_names(tree: ast.AST) -> set[str]:
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                bound.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
    return bound


def widget_cell_problems(source: str) -> list[str]:
    """Why a code cell that builds a widget would not run on its own (empty if it would)."""
    tree = ast.parse(source)
    called = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in BUILDERS
    }
    if not called:
        return []
    imported = {
        alias.asname or alias.name
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "course_lib"
        for alias in n.names
    }
    out = [
        f"calls {b}() without importing it from course_lib in the same cell"
        for b in sorted(called - imported)
    ]
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    free = used - _bound_names(tree) - set(dir(builtins))
    out += [f"uses {name!r}, defined in another cell" for name in sorted(free)]
    return out


def guiding_blocks(cells: list[str]) -> list[int]:
    """The number of questions in each guiding-questions block."""
    counts = []
    for cell in cells:
        for block in cell.split(GUIDING)[1:]:
            block = re.split(r"\n#", block, maxsplit=1)[0]
            counts.append(len(re.findall(r"^\d+\.\s", block, flags=re.MULTILINE)))
    return counts


# --- the checkers can fail ----------------------------------------------------------------------


def test_word_checker_catches_long_cells_and_lessons():
    assert word_problems(["word " * 200]) == []
    assert word_problems(["word " * 201]) == ["markdown cell 0 has 201 words (limit 200)"]
    assert word_problems(["word " * 200] * 8) == ["1600 words of prose (limit 1500)"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "reader()",
            [
                "calls reader() without importing it from course_lib in the same cell",
                "uses 'reader', defined in another cell",
            ],
        ),
        ("import course_lib\n\ncourse_lib.widgets.reader()", []),
        (
            "from course_lib.widgets import reader\n\nreader(start=n)",
            ["uses 'n', defined in another cell"],
        ),
        (
            "from course_lib.widgets import reader\n\nreader(turns)",
            ["uses 'turns', defined in another cell"],
        ),
        ("from course_lib.widgets import question_set\n\nquestion_set(lesson=3)", []),
        (
            "from course_lib import load_turns\nfrom course_lib.widgets import reader\n\n"
            "turns = load_turns()\nreader(turns, start=len(turns))",
            [],
        ),
        ("print(1)", []),
    ],
)
def test_widget_cell_checker(source, expected):
    assert widget_cell_problems(source) == expected


def test_guiding_block_counter():
    cell = f"{GUIDING}\n\n1. One?\n2. Two,\n   continued?\n3. Three?\n\n## 2. Next section\n\n1. not a question"
    assert guiding_blocks([cell]) == [3]
    assert guiding_blocks([f"{GUIDING}\n\n1. Only one?"]) == [1]


# --- the lessons --------------------------------------------------------------------------------


def test_there_are_lessons():
    assert len(LESSONS) >= 6, [p.name for p in LESSONS]


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def test_every_lesson_with_questions_shows_them(bank):
    by_number = {lesson_number(p): p for p in LESSONS}
    missing = []
    for number in range(100):
        try:
            questions = bank.for_lesson(number)
        except ValueError:
            continue
        if not questions:
            continue
        path = by_number.get(number)
        if path is None:
            missing.append(f"lesson {number} has questions but no notebook")
            continue
        code = "\n".join(code_cells(nbformat.read(path, as_version=4)))
        if not re.search(rf"\bquestion_set\(\s*lesson\s*=\s*{number}\s*\)", code):
            missing.append(f"{path.name} does not call question_set(lesson={number})")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_word_limits(path):
    problems = word_problems(markdown_cells(nbformat.read(path, as_version=4)))
    assert not problems, f"{path.name}: " + "; ".join(problems)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_widget_cells_run_on_their_own(path):
    nb = nbformat.read(path, as_version=4)
    problems = [
        f"code cell {i}: {p}"
        for i, source in enumerate(code_cells(nb))
        for p in widget_cell_problems(source)
    ]
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_first_cell_states_question_time_and_objectives(path):
    first = markdown_cells(nbformat.read(path, as_version=4))[0]
    for label in ("Central question", "Time", "Objectives"):
        assert re.search(rf"^\*\*{label}[^*]*:\*\*", first, flags=re.MULTILINE), (
            f"{path.name}: the first cell has no **{label}:** line"
        )


@pytest.mark.parametrize(
    "path", [p for p in LESSONS if lesson_number(p) >= 1], ids=lambda p: p.name
)
def test_lesson_has_the_reading_like_a_historian_shape(path):
    cells = markdown_cells(nbformat.read(path, as_version=4))
    text = "\n".join(cells)
    headings = re.findall(r"^##\s+(.+)$", text, flags=re.MULTILINE)
    for needed in ("Background", "Discussion", "Key points", "Next"):
        assert any(h.startswith(needed) for h in headings), f"{path.name}: no '## {needed}' section"
    order = [
        next(i for i, h in enumerate(headings) if h.startswith(n))
        for n in ("Background", "Discussion", "Key points", "Next")
    ]
    assert order == sorted(order), f"{path.name}: sections out of order: {headings}"
    blocks = guiding_blocks(cells)
    assert len(blocks) >= 2, f"{path.name}: fewer than two blocks of guiding questions"
    assert all(3 <= n <= 5 for n in blocks), (
        f"{path.name}: guiding-question blocks of sizes {blocks}"
    )


def test_lesson_2_statistics_are_an_optional_extension_after_the_main_path():
    path = next(p for p in LESSONS if lesson_number(p) == 2)
    cells = markdown_cells(nbformat.read(path, as_version=4))
    text = "\n".join(cells)
    optional = re.search(r"^## Optional extension", text, flags=re.MULTILINE)
    assert optional, "lesson 2 has no '## Optional extension' section"
    assert text.index("## Key points") < optional.start()
    assert "z-score" not in text[: optional.start()], "the main path still explains z-scores"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_local_links_point_to_files_that_exist(path):
    text = "\n".join(markdown_cells(nbformat.read(path, as_version=4)))
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    missing = [t for t in local if not (LESSON_DIR / t).exists()]
    assert not missing, f"{path.name} links to missing files: {missing}"
