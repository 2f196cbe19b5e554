"""The loaders check the data package when they read it: hashes, types and every constraint.

Each case copies the data package to a temporary folder, damages one file, and (unless the case is
about the hash itself) records the damaged file's new sha256 in the copy's ``datapackage.json``,
as if someone had rebuilt the package around a bad edit: so the schema's rules, not the hash, must
catch it. Loading must then raise a :class:`DataError` that names the file, the line and the rule.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import course_lib
from course_lib import data
from course_lib.data import DataError, rows_to_frame

from .conftest import ROOT


@pytest.fixture
def pkg(tmp_path, monkeypatch) -> Path:
    """A private copy of the data package that the loaders read instead of the real one."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    monkeypatch.setattr(data, "data_dir", lambda: folder)
    return folder


def rehash(folder: Path, rel: str) -> None:
    """Record ``rel``'s current size and sha256 in the copy's datapackage.json."""
    pkg_path = folder / "datapackage.json"
    pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
    raw = (folder / rel).read_bytes()
    for res in pkg["resources"]:
        if res["path"] == rel:
            res["bytes"] = len(raw)
            res["hash"] = "sha256:" + hashlib.sha256(raw).hexdigest()
    pkg_path.write_text(json.dumps(pkg, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[list[str]]) -> list[int]:
    """Write rows as CSV; return the line each row starts on (independently of the loader)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    starts = []
    for row in rows:
        starts.append(buf.getvalue().count("\n") + 1)
        writer.writerow(row)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return starts


def set_cell(path: Path, row: int, column: str, value: str) -> int:
    """Set one cell (``row`` 1 = the first data row); return that row's line."""
    rows = _rows(path)
    rows[row][rows[0].index(column)] = value
    return _write(path, rows)[row]


def copy_row(path: Path, src: int, dst: int) -> int:
    """Overwrite data row ``dst`` with a copy of row ``src``; return ``dst``'s line."""
    rows = _rows(path)
    rows[dst] = list(rows[src])
    return _write(path, rows)[dst]


def cell(path: Path, row: int, column: str) -> str:
    rows = _rows(path)
    return rows[row][rows[0].index(column)]


def _find_row(path: Path, column: str, value: str) -> int:
    rows = _rows(path)
    i = rows[0].index(column)
    return next(n for n, r in enumerate(rows) if n and r[i] == value)


# --- the cases ------------------------------------------------------------------------------
# Each damage function gets the package folder and returns the line it expects to be named.


def cell_case(file: str, row: int, column: str, value: str) -> Callable[[Path], int]:
    return lambda f: set_cell(f / file, row, column, value)


def _replace_bytes(file: str, old: bytes, new: bytes, line: int | None) -> Callable[[Path], int]:
    def damage(f: Path) -> int | None:
        raw = (f / file).read_bytes()
        assert old in raw
        (f / file).write_bytes(raw.replace(old, new, 1))
        return line

    return damage


def _write_text(file: str, text: str, line: int | None) -> Callable[[Path], int | None]:
    def damage(f: Path) -> int | None:
        (f / file).write_text(text, encoding="utf-8")
        return line

    return damage


def _short_row(f: Path) -> int:
    """Insert a row with one value before turn 54 (a truncated line)."""
    rows = _rows(f / "turns.csv")
    rows.insert(54, ["54"])
    return _write(f / "turns.csv", rows)[54]


def _bad_byte(f: Path) -> int:
    raw = (f / "turns.csv").read_bytes()
    at = raw.index(b"Thank you.")
    (f / "turns.csv").write_bytes(raw[:at] + b"Thank you\xc3" + raw[at + 10 :])
    return raw[:at].count(b"\n") + 1


def _turn_without_last_row(f: Path) -> int:
    """Drop the last turn that an event link cites (turns.csv stays valid); the link breaks."""
    links = _rows(f / "event_links.csv")
    col = links[0].index("turn")
    last = max(int(r[col]) for r in links[1:])
    turns = _rows(f / "turns.csv")
    _write(f / "turns.csv", [r for r in turns if r[0] != str(last)])
    rehash(f, "turns.csv")
    return _write(f / "event_links.csv", links)[_find_row(f / "event_links.csv", "turn", str(last))]


def _drop_codebook_theme(f: Path) -> int:
    """Remove a theme from the codebook that themes.csv uses; themes.csv's row breaks."""
    rows = _rows(f / "theme_codebook.csv")
    gone = rows[1][0]
    _write(f / "theme_codebook.csv", [rows[0], *rows[2:]])
    rehash(f, "theme_codebook.csv")
    return _write(f / "themes.csv", _rows(f / "themes.csv"))[
        _find_row(f / "themes.csv", "theme", gone)
    ]


def _json_field(key: str, value: object) -> Callable[[Path], int]:
    def damage(f: Path) -> int:
        doc = json.loads((f / "document.json").read_text(encoding="utf-8"))
        doc[key] = value
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        (f / "document.json").write_text(text, encoding="utf-8")
        return text[: text.index(f'"{key}"')].count("\n") + 1

    return damage


def _package_edit(edit: Callable[[dict], None]) -> Callable[[Path], None]:
    def damage(f: Path) -> None:
        p = f / "datapackage.json"
        pkg = json.loads(p.read_text(encoding="utf-8"))
        edit(pkg)
        p.write_text(json.dumps(pkg, indent=2), encoding="utf-8")

    return damage


def _res(pkg: dict, name: str) -> dict:
    return next(r for r in pkg["resources"] if r["name"] == name)


# (id, damage, file damaged, loader (resource), file named in the error, rule, rehash?)
# The expected line comes from the damage function (None: the error names no line).
CASES = [
    # bytes and hashes: no rehash, the recorded sha256 must catch it
    (
        "hash-one-byte",
        _replace_bytes("turns.csv", b"Thank you.", b"Thank you!", None),
        "turns",
        "turns.csv",
        "hash",
        False,
    ),
    (
        "hash-size",
        _replace_bytes("turns.csv", b"Thank you.", b"Thank you..", None),
        "turns",
        "turns.csv",
        "bytes",
        False,
    ),
    (
        "hash-json-resource",
        _replace_bytes("document.json", b"Top Secret", "Top Secr\u0435t".encode(), None),
        "document",
        "document.json",
        "bytes",
        False,
    ),
    (
        "hash-malformed",
        _package_edit(lambda p: _res(p, "turns").update(hash="md5:abc")),
        "turns",
        "datapackage.json",
        "hash",
        False,
    ),
    (
        "path-escapes",
        _package_edit(lambda p: _res(p, "turns").update(path="../../etc/passwd")),
        "turns",
        "datapackage.json",
        "path",
        False,
    ),
    (
        "file-missing",
        lambda f: (f / "glossary.csv").unlink(),
        "glossary",
        "glossary.csv",
        None,
        False,
    ),
    (
        "package-not-json",
        _write_text("datapackage.json", '{"resources": [\n', 2),
        "turns",
        "datapackage.json",
        "json",
        False,
    ),
    # turns.csv: integers are strict, turns are 1..54 and unique, speakers known, text present
    (
        "turn-duplicate",
        lambda f: set_cell(f / "turns.csv", 2, "turn", "1"),
        "turns",
        "turns.csv",
        "unique",
        True,
    ),
    ("turn-zero", cell_case("turns.csv", 1, "turn", "0"), "turns", "turns.csv", "minimum", True),
    (
        "turn-negative",
        cell_case("turns.csv", 5, "turn", "-5"),
        "turns",
        "turns.csv",
        "minimum",
        True,
    ),
    ("turn-55", cell_case("turns.csv", 54, "turn", "55"), "turns", "turns.csv", "maximum", True),
    (
        "int-underscore",
        cell_case("turns.csv", 3, "words", "1_000"),
        "turns",
        "turns.csv",
        "type",
        True,
    ),
    (
        "int-arabic-indic",
        cell_case("turns.csv", 5, "turn", "\u0665"),
        "turns",
        "turns.csv",
        "type",
        True,
    ),
    ("int-spaces", cell_case("turns.csv", 7, "turn", " 7 "), "turns", "turns.csv", "type", True),
    (
        "int-decimal",
        cell_case("turns.csv", 4, "insertions", "2.0"),
        "turns",
        "turns.csv",
        "type",
        True,
    ),
    (
        "int-plus",
        cell_case("turns.csv", 4, "source_line_start", "+40"),
        "turns",
        "turns.csv",
        "type",
        True,
    ),
    ("turn-empty", cell_case("turns.csv", 9, "turn", ""), "turns", "turns.csv", "required", True),
    (
        "speaker-unknown",
        cell_case("turns.csv", 6, "speaker", "Zhou"),
        "turns",
        "turns.csv",
        "enum",
        True,
    ),
    (
        "speaker-name-unknown",
        cell_case("turns.csv", 6, "speaker_name", "Kim Jong Il"),
        "turns",
        "turns.csv",
        "enum",
        True,
    ),
    ("text-empty", cell_case("turns.csv", 10, "text", ""), "turns", "turns.csv", "required", True),
    (
        "text-blank",
        cell_case("turns.csv", 11, "text", "   "),
        "turns",
        "turns.csv",
        "required",
        True,
    ),
    (
        "words-negative",
        cell_case("turns.csv", 12, "words", "-1"),
        "turns",
        "turns.csv",
        "minimum",
        True,
    ),
    (
        "wrong-header",
        _replace_bytes("turns.csv", b"turn,speaker,", b"turn,who,", 1),
        "turns",
        "turns.csv",
        "header",
        True,
    ),
    ("truncated-row", _short_row, "turns", "turns.csv", "row length", True),
    ("not-utf8", _bad_byte, "turns", "turns.csv", "UTF-8", True),
    ("empty-file", _write_text("turns.csv", "", 1), "turns", "turns.csv", "empty file", True),
    # timeline.csv
    (
        "event-id-duplicate",
        lambda f: set_cell(f / "timeline.csv", 3, "id", cell(f / "timeline.csv", 1, "id")),
        "timeline",
        "timeline.csv",
        "unique",
        True,
    ),
    (
        "event-id-pattern",
        cell_case("timeline.csv", 2, "id", "Bad Id"),
        "timeline",
        "timeline.csv",
        "pattern",
        True,
    ),
    (
        "category-enum",
        cell_case("timeline.csv", 4, "category", "economy"),
        "timeline",
        "timeline.csv",
        "enum",
        True,
    ),
    (
        "date-pattern",
        cell_case("timeline.csv", 5, "date", "1963-13-01"),
        "timeline",
        "timeline.csv",
        "pattern",
        True,
    ),
    (
        "url-javascript",
        cell_case("timeline.csv", 6, "source_url", "javascript:alert(1)"),
        "timeline",
        "timeline.csv",
        "pattern",
        True,
    ),
    (
        "title-empty",
        cell_case("timeline.csv", 7, "title", ""),
        "timeline",
        "timeline.csv",
        "required",
        True,
    ),
    (
        "actors-empty-item",
        cell_case("timeline.csv", 8, "actors", "China||USSR"),
        "timeline",
        "timeline.csv",
        "pattern",
        True,
    ),
    # event_links.csv: links to unknown events and turns
    (
        "link-unknown-event",
        cell_case("event_links.csv", 3, "event_id", "no_such_event"),
        "event_links",
        "event_links.csv",
        "foreignKey",
        True,
    ),
    (
        "link-turn-out-of-range",
        cell_case("event_links.csv", 4, "turn", "99"),
        "event_links",
        "event_links.csv",
        "maximum",
        True,
    ),
    (
        "link-turn-removed",
        _turn_without_last_row,
        "event_links",
        "event_links.csv",
        "foreignKey",
        True,
    ),
    (
        "link-duplicate",
        lambda f: copy_row(f / "event_links.csv", 1, 2),
        "event_links",
        "event_links.csv",
        "primaryKey",
        True,
    ),
    # themes.csv and the codebook
    (
        "theme-unknown",
        cell_case("themes.csv", 5, "theme", "no_such_theme"),
        "themes",
        "themes.csv",
        "foreignKey",
        True,
    ),
    (
        "theme-codebook-row-removed",
        _drop_codebook_theme,
        "themes",
        "themes.csv",
        "foreignKey",
        True,
    ),
    (
        "theme-turn-zero",
        cell_case("themes.csv", 6, "turn", "0"),
        "themes",
        "themes.csv",
        "minimum",
        True,
    ),
    (
        "theme-duplicate",
        lambda f: copy_row(f / "themes.csv", 1, 2),
        "themes",
        "themes.csv",
        "primaryKey",
        True,
    ),
    (
        "codebook-label-duplicate",
        lambda f: set_cell(
            f / "theme_codebook.csv", 2, "label", cell(f / "theme_codebook.csv", 1, "label")
        ),
        "theme_codebook",
        "theme_codebook.csv",
        "unique",
        True,
    ),
    # glossary.csv and people.csv
    (
        "term-duplicate",
        lambda f: set_cell(f / "glossary.csv", 4, "term", cell(f / "glossary.csv", 2, "term")),
        "glossary",
        "glossary.csv",
        "unique",
        True,
    ),
    (
        "person-id-pattern",
        cell_case("people.csv", 3, "id", "Lin Feng"),
        "people",
        "people.csv",
        "pattern",
        True,
    ),
    (
        "person-party-enum",
        cell_case("people.csv", 3, "party", "KMT"),
        "people",
        "people.csv",
        "enum",
        True,
    ),
    (
        "person-mentions-pattern",
        cell_case("people.csv", 1, "mentioned_in_turns", "2|x"),
        "people",
        "people.csv",
        "pattern",
        True,
    ),
    # document.json
    (
        "document-not-json",
        _replace_bytes("document.json", b'",\n', b'"\n', 3),
        "document",
        "document.json",
        "json",
        True,
    ),
    (
        "document-title-number",
        _json_field("title", 1963),
        "document",
        "document.json",
        "type",
        True,
    ),
    (
        "document-summary-empty",
        _json_field("summary", ""),
        "document",
        "document.json",
        "required",
        True,
    ),
    (
        "document-url-javascript",
        _json_field("url", "javascript:alert(1)"),
        "document",
        "document.json",
        "pattern",
        True,
    ),
    (
        "document-names-not-text",
        _json_field("translated_by", ["Jeffrey Wang", 7]),
        "document",
        "document.json",
        "type",
        True,
    ),
]


def _load(name: str) -> object:
    return course_lib.load_document() if name == "document" else course_lib.load_table(name)


@pytest.mark.parametrize(
    ("damage", "loader", "named", "rule", "rehash_after"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_damage_is_a_data_error_naming_file_line_and_rule(
    pkg, damage, loader, named, rule, rehash_after
):
    damaged_before = {p: p.read_bytes() for p in pkg.rglob("*") if p.is_file()}
    line = damage(pkg)
    if rehash_after:
        for p, old in damaged_before.items():
            if p.exists() and p.read_bytes() != old and p.name != "datapackage.json":
                rehash(pkg, p.relative_to(pkg).as_posix())
    with pytest.raises(DataError) as info:
        _load(loader)
    err = info.value
    assert err.path is not None
    assert Path(err.path).name == named, str(err)
    assert err.line == line, str(err)
    if rule is None:
        assert "file not found" in str(err)
    elif rule == "UTF-8":
        assert "is not valid UTF-8" in str(err)
    else:
        assert err.rule == rule, str(err)
        assert f"(rule: {rule})" in str(err)
    assert "Traceback" not in str(err)


def test_there_are_enough_kinds_of_damage():
    assert len(CASES) >= 37
    assert len({c[0] for c in CASES}) == len(CASES)


def test_the_real_package_passes_every_check(pkg):
    """The same loaders, on the undamaged copy: the cases above fail only because of damage."""
    for name in ("turns", "people", "timeline", "glossary", "event_links", "themes"):
        assert len(_load(name)) > 0
    assert _load("document")["turn_count"] == 54
    for res in json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))["resources"]:
        assert data.check_resource(res["name"]) == pkg / res["path"]


def test_a_rehash_alone_changes_nothing(pkg):
    """The helper that re-records hashes leaves a clean package clean."""
    before = (pkg / "datapackage.json").read_bytes()
    for rel in ("turns.csv", "timeline.csv", "document.json"):
        rehash(pkg, rel)
    assert json.loads((pkg / "datapackage.json").read_bytes()) == json.loads(before)


def test_checks_run_once_and_again_after_a_change(pkg):
    first = course_lib.load_turns()
    first.loc[0, "text"] = "changed by the caller"
    assert course_lib.load_turns().loc[0, "text"] != "changed by the caller", "a copy each call"
    set_cell(pkg / "turns.csv", 2, "turn", "1")
    rehash(pkg, "turns.csv")
    with pytest.raises(DataError, match=r"turns\.csv, line 3: .*\(rule: unique\)"):
        course_lib.load_turns()


def test_a_tampered_question_bank_is_refused(pkg):
    bank = pkg / "questions.json"
    bank.write_bytes(bank.read_bytes().replace(b'"version"', b' "version"', 1))
    with pytest.raises(DataError, match=r"questions\.json: .*\(rule: (bytes|hash)\)"):
        course_lib.load_questions()


# --- rows_to_frame on its own: values that are not text ---------------------------------------

SCHEMA = {
    "fields": [
        {"name": "turn", "type": "integer", "constraints": {"required": True}},
        {"name": "text", "type": "string", "constraints": {"required": True, "minLength": 2}},
    ]
}


@pytest.mark.parametrize("value", [None, 7, 1.5, b"x", ["a"]])
def test_a_value_that_is_not_text_is_a_data_error(value):
    with pytest.raises(DataError, match=r"t\.csv, line 2: column 'text': .* is not text"):
        rows_to_frame(["turn", "text"], [(2, ["1", value])], SCHEMA, "t.csv")


def test_min_length_and_a_field_type_the_loader_cannot_read():
    with pytest.raises(DataError, match=r"line 3: column 'text': 1 characters.*minLength"):
        rows_to_frame(["turn", "text"], [(3, ["1", "a"])], SCHEMA, "t.csv")
    odd = {"fields": [{"name": "d", "type": "date"}]}
    with pytest.raises(DataError, match=r"type 'date', which the loader does not read"):
        rows_to_frame(["d"], [(2, ["1963-09-15"])], odd, "t.csv")


def test_an_integer_too_long_to_read_is_a_data_error():
    with pytest.raises(DataError, match=r"line 2: column 'turn': a 5000-digit integer.*type"):
        rows_to_frame(["turn", "text"], [(2, ["9" * 5000, "ok"])], SCHEMA, "t.csv")
