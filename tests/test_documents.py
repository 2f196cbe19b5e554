"""The corroboration set: schema and keys, sides, own-words summaries, and safe rendering."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter

import pandas as pd
import pytest

import course_lib
from course_lib.documents import (
    COLUMNS,
    RELATIONS,
    SIDES,
    cite_document,
    documents_for_turn,
    documents_html,
    format_date,
    load_document_links,
    load_documents,
    relation_counts,
)
from course_lib.templating import safe_url

from .conftest import HOSTILE, ROOT

DATA = ROOT / "data"
RUN = 8  # a shared run of this many words counts as copying


@pytest.fixture(scope="module")
def docs():
    return load_documents()


@pytest.fixture(scope="module")
def links():
    return load_document_links()


# --------------------------------------------------------------------------- the tables


def test_both_tables_are_resources_with_keys(root):
    pkg = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in pkg["resources"]}
    assert by_name["documents"]["schema"]["primaryKey"] == ["doc_id"]
    fks = by_name["document_links"]["schema"]["foreignKeys"]
    assert {fk["reference"]["resource"] for fk in fks} == {"documents", "turns"}
    side = next(f for f in by_name["documents"]["schema"]["fields"] if f["name"] == "side")
    assert side["constraints"]["enum"] == list(SIDES)
    rel = next(f for f in by_name["document_links"]["schema"]["fields"] if f["name"] == "relation")
    assert rel["constraints"]["enum"] == list(RELATIONS)


def test_columns_and_types(docs, links):
    assert list(docs.columns) == [
        "doc_id",
        "title",
        "date",
        "side",
        "author",
        "audience",
        "archive_ref",
        "url",
        "summary",
        "source",
    ]
    assert list(links.columns) == ["doc_id", "turn", "relation", "note"]
    assert str(links["turn"].dtype) == "Int64"
    assert docs.notna().all().all(), "every cell of documents.csv is required"
    assert links.notna().all().all()


def test_ids_unique_dates_iso_and_relations_known(docs, links):
    assert docs["doc_id"].is_unique
    assert docs["doc_id"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    for d in docs["date"]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", d), d
        assert "1950-01-01" <= d <= "1965-12-31", d
    assert set(links["relation"]) <= set(RELATIONS)
    assert not links.duplicated(["doc_id", "turn"]).any()
    assert links["turn"].between(1, 54).all()


def test_every_link_points_at_a_record_and_every_record_is_linked(docs, links):
    assert set(links["doc_id"]) <= set(docs["doc_id"])
    assert set(docs["doc_id"]) <= set(links["doc_id"])


def test_every_url_is_http(docs):
    for url in docs["url"]:
        assert url.startswith(("http://", "https://")), url
        assert safe_url(url) == url


def test_at_least_ten_records_from_at_least_four_sides(docs):
    assert len(docs) >= 10
    sides = Counter(docs["side"])
    assert len(sides) >= 4, sides
    for needed in ("Chinese", "North Korean", "US"):
        assert sides[needed] >= 1, needed
    assert sides["Soviet"] + sides["Soviet bloc"] >= 2


def test_the_issue_s_named_records_are_there(docs):
    urls = " ".join(docs["url"])
    for number in ("116537", "116546", "110111", "121091"):
        assert f"/document/{number}" in urls, number
    titles = " ".join(docs["title"])
    assert "Brief Report Two" in titles
    assert "Brief Report Three" in titles
    assert "Telegram from Czech Embassy in Pyongyang" in titles
    dates = set(docs["date"])
    assert {"1963-09-17", "1963-09-19", "1963-10-18", "1963-08-27", "1964-01-11"} <= dates


def test_the_people_s_daily_dating_evidence_is_in_the_set(docs, links):
    pd17 = docs.set_index("doc_id").loc["peoples_daily_1963_09_17"]
    pd27 = docs.set_index("doc_id").loc["peoples_daily_1963_09_27"]
    assert "17 September 1963, p. 1" in pd17["archive_ref"]
    assert "27 September 1963, p. 2" in pd27["archive_ref"]
    assert "twelve days" in pd27["summary"]
    on9 = set(links.loc[links["turn"] == 9, "doc_id"])
    assert {"peoples_daily_1963_09_17", "peoples_daily_1963_09_27"} <= on9


def test_summaries_and_notes_are_short(docs, links):
    for s in docs["summary"]:
        sentences = [x for x in re.split(r"(?<=[.!?])\s+", s.strip()) if x]
        assert 1 <= len(sentences) <= 3, s
    for n in links["note"]:
        assert "\n" not in n, n
        assert len(n) <= 200, n


# --------------------------------------------------------------------------- own words


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("\u2019", "'"))


def _shingles(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    w = _words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def _copied_runs(ours: str, theirs: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    return _shingles(ours) & theirs


@pytest.fixture(scope="module")
def minutes_shingles(source_text):
    turns = course_lib.load_turns()
    out: set[tuple[str, ...]] = set()
    for col in ("text", "text_spoken"):
        for t in turns[col]:
            out |= _shingles(str(t))
    return out | _shingles(source_text)


def test_no_summary_or_note_copies_the_minutes(docs, links, minutes_shingles):
    for doc_id, summary in zip(docs["doc_id"], docs["summary"], strict=True):
        assert not _copied_runs(summary, minutes_shingles), doc_id
    for row in links.itertuples():
        assert not _copied_runs(row.note, minutes_shingles), (row.doc_id, row.turn)


def test_the_copy_check_can_fail(minutes_shingles):
    copied = (
        "Liu asked: we recently published an article about Stalin; did Comrade Premier read it?"
    )
    assert _copied_runs(copied, minutes_shingles)
    assert not _copied_runs("Liu mentions a new article on Stalin.", minutes_shingles)


# --------------------------------------------------------------------------- the functions


def test_documents_for_turn_is_display_ready():
    frame = documents_for_turn(9)
    assert list(frame.columns) == list(COLUMNS)
    assert frame.index.name == "doc_id"
    assert len(frame) >= 3
    assert frame["Date"].iloc[0] == "17 September 1963"
    assert set(frame["Relation"]) <= {"Agrees", "Differs", "Adds", "Silent"}
    assert frame["link"].str.startswith("https://").all()
    dates = pd.to_datetime(frame["Date"], format="%d %B %Y")
    assert dates.is_monotonic_increasing


@pytest.mark.parametrize("turn", [1, 0, 55, 99, -3])
def test_documents_for_turn_without_links_is_empty(turn):
    frame = documents_for_turn(turn)
    assert frame.empty
    assert list(frame.columns) == list(COLUMNS)


@pytest.mark.parametrize("turn", ["abc", None, 2.5, True, [9], "9.0x"])
def test_documents_for_turn_rejects_non_turns_clearly(turn):
    with pytest.raises(ValueError, match="turn"):
        documents_for_turn(turn)


def test_documents_for_turn_accepts_numeric_strings_and_floats():
    assert list(documents_for_turn("9").index) == list(documents_for_turn(9).index)
    assert list(documents_for_turn(9.0).index) == list(documents_for_turn(9).index)


def test_relation_counts_by_side(links):
    counts = relation_counts()
    assert list(counts.columns) == [*RELATIONS, "total"]
    assert int(counts["total"].sum()) == len(links)
    assert set(counts.index) <= set(SIDES)
    assert list(counts.index) == [s for s in SIDES if s in counts.index]
    assert (counts[list(RELATIONS)].sum(axis=1) == counts["total"]).all()


def test_documents_html_lists_records_with_safe_links():
    html = documents_html(9)
    assert html.startswith('<section class="p63-docs"')
    assert "Other records on turn 9" in html
    assert html.count("<li>") == len(documents_for_turn(9))
    assert 'target="_blank" rel="noopener noreferrer"' in html


@pytest.mark.parametrize(
    ("turn", "needle"),
    [
        (1, "No other record"),
        (99, "There is no turn 99"),
        ("abc", "is not a turn number"),
        (None, "Choose a turn"),
        (True, "is not a turn number"),
    ],
)
def test_documents_html_without_records_gives_a_message(turn, needle):
    html = documents_html(turn)
    assert needle in html
    assert "<li>" not in html


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_turn_values_never_raise(hostile):
    html = documents_html(hostile)
    assert "<script" not in html
    assert "<img" not in html
    assert "<b>" not in html


def test_hostile_table_values_are_escaped():
    docs = pd.DataFrame(
        {
            "doc_id": ["evil"],
            "title": ["<script>alert(1)</script>"],
            "date": ["1963-09-15"],
            "side": ['"><img src=x onerror=alert(1)>'],
            "author": ["a"],
            "audience": ["b"],
            "archive_ref": ["c"],
            "url": ["javascript:alert(1)"],
            "summary": ["d"],
            "source": ["e"],
        }
    )
    links = pd.DataFrame(
        {"doc_id": ["evil"], "turn": [9], "relation": ["adds"], "note": ["&amp; <b>bold</b>"]}
    )
    html = documents_html(9, docs, links)
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "<img" not in html
    assert "<b>" not in html
    assert "href=" not in html  # a javascript: URL is shown as text, never linked


def test_cite_document():
    cite = cite_document("peoples_daily_1963_09_27")
    assert cite.startswith("Liu Shaoqi (speech), reported by Xinhua, ")
    assert '"Chairman Liu Shaoqi' in cite
    assert "27 September 1963" in cite
    assert cite.endswith("People's Daily (Renmin Ribao), 27 September 1963, p. 2")
    with pytest.raises(KeyError, match="no record 'nope'"):
        cite_document("nope")


def test_format_date():
    assert format_date("1964-01-11") == "11 January 1964"
    assert format_date(pd.NA) == ""
    assert format_date("1963") == "1963"


# --------------------------------------------------------------------------- bad data is caught


def _copy_package(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def _rewrite(path, fn):
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows = fn(rows)
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _fix_hashes(copy):
    import hashlib

    pkg_path = copy / "datapackage.json"
    pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
    for res in pkg["resources"]:
        content = (copy / res["path"]).read_bytes()
        res["bytes"] = len(content)
        res["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    pkg_path.write_text(json.dumps(pkg, indent=2), encoding="utf-8")


@pytest.mark.parametrize(
    ("table", "damage", "error"),
    [
        ("document_links.csv", lambda r: [*r, ["no_such_record", "9", "adds", "x"]], "foreign-key"),
        ("document_links.csv", lambda r: [*r, [r[1][0], "55", "adds", "x"]], "constraint"),
        ("document_links.csv", lambda r: [*r, [r[1][0], "1", "maybe", "x"]], "constraint"),
        (
            "documents.csv",
            lambda r: [r[0], [*r[1][:3], "Martian", *r[1][4:]], *r[2:]],
            "constraint",
        ),
        (
            "documents.csv",
            lambda r: [r[0], [*r[1][:7], "ftp://x", *r[1][8:]], *r[2:]],
            "constraint",
        ),
        ("documents.csv", lambda r: [*r, r[1]], "primary-key"),
    ],
)
def test_frictionless_catches_bad_rows(tmp_path, table, damage, error):
    from frictionless import validate

    copy = _copy_package(tmp_path)
    _rewrite(copy / table, damage)
    _fix_hashes(copy)
    report = validate(str(copy / "datapackage.json"))
    assert not report.valid
    types = {e[0] for e in report.flatten(["type"])}
    assert any(error in t for t in types), types
