"""Regenerate everything in data/ that is derived from the source, and datapackage.json.

Usage: ``python scripts/build_data.py [--check]``

- ``data/turns.csv``, ``data/document.json`` and ``data/people.csv`` come from the source through
  :mod:`course_lib.source` (the only parser) and the editorial ``data/editorial/people_roles.csv``.
- ``data/datapackage.json`` is assembled from one resource descriptor per table in
  ``data/schemas/<name>.json`` (JSON Schemas named ``*.schema.json`` are not resources), with each
  file's size and sha256 added.

Before anything is written, every table (the derived ones as built, the hand-written ones as
they are) is checked against its schema with the loaders' own checks (:mod:`course_lib.data`:
types, required, unique, enum, pattern, ranges, primary and foreign keys), so a bad editorial row
stops the build with its file, line and rule instead of being sealed into the package's hashes.

The question bank (``data/questions.json``) is validated against its JSON Schema
(``data/schemas/questions.schema.json``) and the bank's consistency rules, too.

Nothing is written unless everything was built: outputs go to temporary files that replace the
old ones only at the end. ``--check`` writes nothing and exits 1 if a file would change.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_lib.data import (  # noqa: E402
    DataError,
    check_foreign_keys,
    parse_csv_text,
    read_csv_rows,
    rows_to_frame,
)
from course_lib.errors import decode_utf8, read_bytes  # noqa: E402
from course_lib.source import (  # noqa: E402
    Minutes,
    SourceFormatError,
    insertion_spans,
    parse_minutes,
    read_source,
)
from course_lib.text import count_words, strip_insertions  # noqa: E402

DATA = ROOT / "data"
SOURCE = DATA / "source" / "000_d1c0622de1735f17.txt"
EDITORIAL_PEOPLE = DATA / "editorial" / "people_roles.csv"

DATE_NOTE = (
    "The header dates the meeting 15 September 1963; the body's 'Time:' line says 5 September "
    "1963. Internal evidence favours the 15th: Liu says he arrived in Korea 'today', and the "
    "second commentary on the CPSU open letter, published on 13 September 1963, is already out. "
    "Both readings are kept as the source gives them."
)

TURN_COLUMNS = [
    "turn",
    "speaker",
    "speaker_name",
    "label",
    "text",
    "text_spoken",
    "words",
    "words_spoken",
    "insertions",
    "page_break_at",
    "source_line_start",
    "source_line_end",
]
PEOPLE_COLUMNS = [
    "id",
    "name",
    "alt_name",
    "country",
    "party",
    "role_at_meeting",
    "mentioned_in_turns",
    "role_1963",
    "role_source_title",
    "role_source_url",
    "role_source_2_title",
    "role_source_2_url",
    "note",
]


def turn_rows(minutes: Minutes) -> list[dict[str, Any]]:
    """One row per turn, with the derived columns."""
    rows = []
    for t in minutes.turns:
        spoken = strip_insertions(t.text)
        rows.append(
            {
                "turn": t.turn,
                "speaker": t.speaker,
                "speaker_name": minutes.speakers[t.speaker]["name"],
                "label": t.label,
                "text": t.text,
                "text_spoken": spoken,
                "words": count_words(t.text),
                "words_spoken": count_words(spoken),
                "insertions": len(insertion_spans(t.text)),
                "page_break_at": t.page_break_at,
                "source_line_start": t.source_line_start,
                "source_line_end": t.source_line_end,
            }
        )
    return rows


def document(minutes: Minutes) -> dict[str, Any]:
    """The header fields, the speakers and a note on the two dates."""
    doc = dict(minutes.header)
    doc["date_note"] = DATE_NOTE
    doc["speakers"] = minutes.speakers
    doc["turn_count"] = len(minutes.turns)
    return doc


_ROMANIZED = re.compile(r"^(?P<name>[^\[]+?)(?: \[(?P<alt>[^\]]+)\])?$")


def _split_romanization(entry: str) -> tuple[str, str]:
    m = _ROMANIZED.match(entry.strip())
    if not m:
        return entry.strip(), ""
    alt = m["alt"] or ""
    return m["name"].strip(), "" if alt == m["name"].strip() else alt


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _mentions(patterns: str, minutes: Minutes) -> str:
    found = []
    pats = [p for p in patterns.split("|") if p]
    for t in minutes.turns:
        if any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", t.text) for p in pats):
            found.append(str(t.turn))
    return "|".join(found)


def people_rows(minutes: Minutes, editorial: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Everyone the header names, merged with the editorial identifications."""
    h = minutes.header
    named: list[tuple[str, str]] = []  # (entry as printed, role at the meeting)
    for abbr, sp in minutes.speakers.items():
        side = "Chinese" if abbr == "Liu" else "Korean"
        named.append((sp["name"], f"speaker ({side} side)"))
    for side, names in h["participants"].items():
        named += [
            (n, f"participant ({'Chinese' if side == 'China' else 'Korean'} side)") for n in names
        ]
    for line, names in h["translators"].items():
        side = "Chinese" if "Chinese" in line else "Korean"
        named += [(n, f"interpreter ({side} side)") for n in names]
    named += [(n, "note-taker") for n in h["documentation"]]
    named.append((h["obtained_by"], "obtained the document (named in the citation)"))
    named += [
        (n, "translated the minutes into English (named in the citation)")
        for n in h["translated_by"]
    ]

    by_name = {row["name"]: row for row in editorial}
    rows: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for entry, role in named:
        name, alt = _split_romanization(entry)
        ed = by_name.get(name, {})
        pid = ed.get("id") or _slug(name)
        if pid in rows:
            rows[pid]["role_at_meeting"] += f"; {role}"
            continue
        rows[pid] = {
            "id": pid,
            "name": name,
            "alt_name": alt,
            "role_at_meeting": role,
            **_ed(ed, minutes),
        }
        order.append(pid)
    for ed in editorial:
        if ed["id"] in rows:
            continue
        rows[ed["id"]] = {
            "id": ed["id"],
            "name": ed["name"],
            "alt_name": ed.get("alt_name", ""),
            "role_at_meeting": "named in the talk",
            **_ed(ed, minutes),
        }
        order.append(ed["id"])
    return [rows[pid] for pid in order]


def _ed(ed: dict[str, str], minutes: Minutes) -> dict[str, Any]:
    return {
        "country": ed.get("country", ""),
        "party": ed.get("party", ""),
        "mentioned_in_turns": _mentions(ed.get("mention_patterns", ""), minutes),
        "role_1963": ed.get("role_1963", ""),
        "role_source_title": ed.get("role_source_title", ""),
        "role_source_url": ed.get("role_source_url", ""),
        "role_source_2_title": ed.get("role_source_2_title", ""),
        "role_source_2_url": ed.get("role_source_2_url", ""),
        "note": ed.get("note", ""),
    }


def read_editorial_people(path: Path) -> list[dict[str, str]]:
    """Read the hand-written identifications (an absent file means none yet)."""
    if not path.exists():
        return []
    header, rows = read_csv_rows(path)
    return [dict(zip(header, values, strict=True)) for _, values in rows]


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    """Serialise rows deterministically (UTF-8, LF, minimal quoting, empty for missing)."""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in columns})
    return buf.getvalue().encode("utf-8")


def to_json(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def package(files: dict[Path, bytes]) -> bytes:
    """Assemble datapackage.json from the descriptors, hashing each resource's file."""
    resources = []
    for desc_path in sorted((DATA / "schemas").glob("*.json")):
        if desc_path.name.endswith(".schema.json"):
            continue
        desc = json.loads(desc_path.read_text(encoding="utf-8"))
        target = DATA / desc["path"]
        content = files.get(target)
        if content is None:
            if not target.exists():
                raise DataError(f"resource {desc['name']!r} points at a missing file", desc_path)
            content = target.read_bytes()
        desc["bytes"] = len(content)
        desc["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
        resources.append(desc)
    order = ["source", "turns", "document", "people"]
    resources.sort(key=lambda r: (order.index(r["name"]) if r["name"] in order else 99, r["name"]))
    pkg = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "pyongyang-1963",
        "title": "Pyongyang 1963: the Liu Shaoqi - Kim Il Sung conversation as data",
        "description": (
            "The minutes of the conversation between Liu Shaoqi and Kim Il Sung (15 September "
            "1963, Wilson Center Digital Archive document 116542) as verified tables, with the "
            "course's editorial tables (timeline, glossary, themes, questions), each row sourced."
        ),
        "version": "1.0.0",
        "homepage": "https://digitalarchive.wilsoncenter.org/document/116542",
        "sources": [
            {
                "title": "Wilson Center Digital Archive, document 116542",
                "path": "https://digitalarchive.wilsoncenter.org/document/116542",
            }
        ],
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0 (our editorial tables)",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
        "resources": resources,
    }
    return to_json(pkg)


def check_tables(files: dict[Path, bytes]) -> None:
    """Check every table of the package about to be written, as the loaders will check it.

    Raises
    ------
    DataError
        The first problem, naming the file, the line and the rule.
    """
    pkg = json.loads(files[DATA / "datapackage.json"])
    descriptors = {r["name"]: r for r in pkg["resources"]}
    frames: dict[str, Any] = {}

    def table(name: str) -> Any:
        if name not in frames:
            if name not in descriptors or "schema" not in descriptors[name]:
                raise DataError(f"a foreign key refers to {name!r}, which is not a table")
            desc = descriptors[name]
            path = DATA / desc["path"]
            content = files.get(path)
            raw = content if content is not None else read_bytes(path, DataError)
            text = decode_utf8(raw, path, DataError)
            header, rows = parse_csv_text(text, path)
            frame = rows_to_frame(header, rows, desc["schema"], path)
            check_foreign_keys(frame, [line for line, _ in rows], desc["schema"], table, path)
            frames[name] = frame
        return frames[name]

    for name, desc in descriptors.items():
        if "schema" in desc:
            table(name)


def check_bank() -> None:
    """Validate the question bank against its JSON Schema and consistency rules.

    Raises
    ------
    DataError
        Naming the bank and each problem with its question id.
    """
    from course_lib.data import read_json
    from course_lib.questions import bank_from_data, load_schema

    path = DATA / "questions.json"
    schema = load_schema(DATA / "schemas" / "questions.schema.json")
    bank_from_data(read_json(path), path, schema, validate=True)


def build() -> dict[Path, bytes]:
    """Build every derived file in memory."""
    minutes = parse_minutes(read_source(SOURCE), SOURCE)
    files = {
        DATA / "turns.csv": to_csv(turn_rows(minutes), TURN_COLUMNS),
        DATA / "document.json": to_json(document(minutes)),
        DATA / "people.csv": to_csv(
            people_rows(minutes, read_editorial_people(EDITORIAL_PEOPLE)), PEOPLE_COLUMNS
        ),
    }
    files[DATA / "datapackage.json"] = package(files)
    check_tables(files)
    return files


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary sibling, then move them all into place."""
    staged = []
    try:
        for path, content in files.items():
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            staged.append((Path(tmp), path))
        for tmp, path in staged:
            Path(tmp).replace(path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    try:
        files = build()
        check_bank()
    except (SourceFormatError, DataError) as exc:
        print(f"build_data: {exc}", file=sys.stderr)
        return 2
    if args.check:
        stale = [p for p, c in files.items() if not p.exists() or p.read_bytes() != c]
        for p in stale:
            print(f"stale: {p.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    write_all(files)
    for p in files:
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
