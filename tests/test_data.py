"""The data package: rebuilt from the source byte for byte, valid, and loaded with proper types."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import course_lib
from course_lib.data import DataError, read_csv_rows, read_json, rows_to_frame

from .conftest import ROOT

DATA = ROOT / "data"


def test_rebuilding_reproduces_committed_files_byte_for_byte():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_data
    finally:
        sys.path.pop(0)
    for path, content in build_data.build().items():
        assert path.read_bytes() == content, f"{path.name} is stale: run `make data`"


def test_frictionless_validates_the_package():
    from frictionless import validate

    report = validate(str(DATA / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_notices_a_tampered_file(tmp_path):
    """The validation above is not vacuous: a changed byte breaks the recorded hash."""
    from frictionless import validate

    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    turns = copy / "turns.csv"
    turns.write_bytes(turns.read_bytes().replace(b"Thank you.", b"Thank you!", 1))
    assert not validate(str(copy / "datapackage.json")).valid


def test_every_resource_has_schema_sources_licence_and_hash():
    pkg = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    for res in pkg["resources"]:
        assert res.get("sources"), res["name"]
        assert res.get("licenses"), res["name"]
        digest = hashlib.sha256((DATA / res["path"]).read_bytes()).hexdigest()
        assert res["hash"] == f"sha256:{digest}", res["name"]
        if res["path"].endswith(".csv"):
            assert res["schema"]["fields"], res["name"]


def test_source_copy_hash_recorded():
    pkg = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    src = next(r for r in pkg["resources"] if r["name"] == "source")
    assert (
        src["hash"]
        == "sha256:" + hashlib.sha256((ROOT / "data" / src["path"]).read_bytes()).hexdigest()
    )


def test_turns_dtypes_and_content(minutes):
    turns = course_lib.load_turns()
    assert len(turns) == 54
    assert str(turns["turn"].dtype) == "Int64"
    assert str(turns["text"].dtype) == "string"
    assert turns["turn"].tolist() == list(range(1, 55))
    assert turns["text"].tolist() == [t.text for t in minutes.turns]
    assert turns.loc[turns["turn"] == 33, "text"].item().count("[communist [parties]") == 1
    assert turns["page_break_at"].notna().sum() == 3
    assert (turns["words_spoken"] <= turns["words"]).all()
    assert not turns["text_spoken"].str.contains(r"[\[\]]").any()


def test_every_character_of_the_body_survives(source_text):
    """Joining the turns' labels and texts gives back the body (page breaks as one space)."""
    turns = course_lib.load_turns()
    joined = "\n\n".join(
        f"{lab}: {txt}" for lab, txt in zip(turns["label"], turns["text"], strict=True)
    )
    body = source_text[source_text.index("Chairman Liu [Shaoqi]") :]
    assert (
        body.replace("during the\n\nperiod", "during the period")
        .replace("already\n\nprepared", "already prepared")
        .replace("have been\n\npeople", "have been people")
        == joined
    )


def test_turn_lines_point_at_the_source(source_text):
    lines = source_text.split("\n")
    for row in course_lib.load_turns().itertuples():
        assert lines[row.source_line_start - 1].startswith(f"{row.label}: ")
        assert lines[row.source_line_end - 1].strip()


def test_document_keeps_both_dates_and_every_header_field():
    doc = course_lib.load_document()
    for key in (
        "title",
        "date_header",
        "date_body",
        "date_note",
        "time",
        "location",
        "classification",
        "archive_reference",
        "citation",
        "obtained_by",
        "translated_by",
        "credits",
        "summary",
        "original_language",
        "contents",
        "url",
        "participants",
        "translators",
        "documentation",
    ):
        assert doc.get(key), key
    assert doc["date_header_iso"] == "1963-09-15"
    assert doc["date_body_iso"] == "1963-09-05"
    assert "15 September" in doc["date_note"]
    assert "5 September" in doc["date_note"]


def test_people_cover_every_named_person(minutes):
    people = course_lib.load_people()
    assert people["id"].is_unique
    header_names = [
        n.split(" [")[0] for side in minutes.header["participants"].values() for n in side
    ]
    header_names += [
        n.split(" [")[0] for names in minutes.header["translators"].values() for n in names
    ]
    header_names += [n.split(" [")[0] for n in minutes.header["documentation"]]
    for name in header_names:
        assert name in set(people["name"]), name
    for name in (
        "Mao Zedong",
        "Zhou Enlai",
        "Zhu De",
        "Deng Xiaoping",
        "Nikita Khrushchev",
        "Anastas Mikoyan",
        "Joseph Stalin",
        "Vladimir Lenin",
    ):
        assert name in set(people["name"]), name
    assert people.loc[people["name"] == "Pak Geum-cheol", "alt_name"].item() == "Pak Kum Chol"


def test_people_roles_are_sourced_or_left_empty():
    people = course_lib.load_people()
    has_role = people["role_1963"].notna()
    assert people.loc[has_role, "role_source_url"].notna().all()
    assert people.loc[has_role, "role_source_title"].notna().all()


def test_people_mentions_are_real(minutes):
    people = course_lib.load_people().set_index("id")
    khrushchev = people.loc[people["name"] == "Nikita Khrushchev"].iloc[0]
    turns = [int(t) for t in khrushchev["mentioned_in_turns"].split("|")]
    expected = [t.turn for t in minutes.turns if "Khrushchev" in t.text]
    assert turns == expected


def test_loaders_work_from_another_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(course_lib.load_turns()) == 54
    assert course_lib.load_document()["turn_count"] == 54


# --- bad input: a DataError naming the file and the line, never a traceback wall -------------

SCHEMA = {"fields": [{"name": "turn", "type": "integer"}, {"name": "text", "type": "string"}]}


def _load(path):
    header, rows = read_csv_rows(path)
    return rows_to_frame(header, rows, SCHEMA, path)


def test_missing_csv(tmp_path):
    with pytest.raises(DataError, match=r"t\.csv: file not found"):
        _load(tmp_path / "t.csv")


def test_empty_csv(tmp_path):
    (tmp_path / "t.csv").write_text("")
    with pytest.raises(DataError, match=r"t\.csv, line 1: the file is empty"):
        _load(tmp_path / "t.csv")


def test_truncated_csv_row(tmp_path):
    (tmp_path / "t.csv").write_text('turn,text\n1,"one"\n2\n')
    with pytest.raises(DataError, match=r"t\.csv, line 3: expected 2 values, found 1"):
        _load(tmp_path / "t.csv")


def test_truncated_csv_inside_quotes(tmp_path):
    (tmp_path / "t.csv").write_text('turn,text\n1,"one"\n2,"cut off in the mid')
    with pytest.raises(DataError, match=r"t\.csv, line 3: malformed CSV"):
        _load(tmp_path / "t.csv")


def test_wrong_header(tmp_path):
    (tmp_path / "t.csv").write_text("turn,words\n1,2\n")
    with pytest.raises(DataError, match=r"t\.csv, line 1: wrong header"):
        _load(tmp_path / "t.csv")


def test_bad_integer_names_the_line(tmp_path):
    (tmp_path / "t.csv").write_text('turn,text\n1,"a\nb"\nthree,c\n')
    with pytest.raises(
        DataError, match=r"t\.csv, line 4: column 'turn': 'three' is not a valid integer"
    ):
        _load(tmp_path / "t.csv")


def test_csv_not_utf8(tmp_path):
    (tmp_path / "t.csv").write_bytes(b"turn,text\n1,ok\n2,caf\xe9\n")
    with pytest.raises(DataError, match=r"t\.csv, line 3: byte 0xe9"):
        _load(tmp_path / "t.csv")


def test_json_syntax_error_names_the_line(tmp_path):
    (tmp_path / "d.json").write_text('{\n  "a": 1,\n  "b": \n}\n')
    with pytest.raises(DataError, match=r"d\.json, line 4: not valid JSON"):
        read_json(tmp_path / "d.json")


def test_good_csv_loads_with_nullable_types(tmp_path):
    (tmp_path / "t.csv").write_text('turn,text\n1,"a, quoted\nline"\n,김일성 刘少奇\n')
    df = _load(tmp_path / "t.csv")
    assert df["turn"].tolist()[0] == 1
    assert pd.isna(df["turn"].tolist()[1])
    assert df["text"].tolist() == ["a, quoted\nline", "김일성 刘少奇"]


def _run_build(tmp_root):
    return subprocess.run(
        [sys.executable, str(tmp_root / "scripts" / "build_data.py")],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def repo_copy(tmp_path):
    dst = tmp_path / "repo"
    for part in ("course_lib", "scripts", "data"):
        shutil.copytree(
            ROOT / part, dst / part, ignore=shutil.ignore_patterns("__pycache__", "_data")
        )
    return dst


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda s: b"", "line 1: the file is empty"),
        (
            lambda s: s.replace(b"Kim: We agree.", b"Zhou: We agree."),
            "line 82: unknown speaker label 'Zhou'",
        ),
        (lambda s: s.replace(b"Okay.", b"Okay \xc3."), "line 158: byte 0xc3"),
    ],
)
def test_build_with_bad_source_writes_nothing(repo_copy, damage, message):
    src = repo_copy / "data" / "source" / "000_d1c0622de1735f17.txt"
    src.write_bytes(damage(src.read_bytes()))
    before = {p: p.read_bytes() for p in (repo_copy / "data").glob("*.*")}
    result = _run_build(repo_copy)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in (repo_copy / "data").glob("*.*")} == before
    assert not list((repo_copy / "data").glob(".*.csv.*"))


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "timeline.csv",
            b",polemic,",
            b",economy,",
            r"timeline\.csv, line \d+: column 'category': 'economy' is not one of .*\(rule: enum\)",
        ),
        (
            "event_links.csv",
            b"liu_arrives_pyongyang,3,",
            b"liu_arrives_pyongyan,3,",
            r"event_links\.csv, line 2: event_id = 'liu_arrives_pyongyan' is not a timeline id "
            r"\(rule: foreignKey\)",
        ),
    ],
)
def test_build_refuses_a_bad_editorial_row_and_writes_nothing(repo_copy, file, old, new, message):
    """A bad hand-written row stops the build; it is never sealed into the package's hashes."""
    target = repo_copy / "data" / file
    raw = target.read_bytes()
    assert old in raw
    target.write_bytes(raw.replace(old, new, 1))
    before = {p: p.read_bytes() for p in (repo_copy / "data").glob("*.*")}
    result = _run_build(repo_copy)
    assert result.returncode == 2, result.stderr
    assert re.search(message, result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in (repo_copy / "data").glob("*.*")} == before
