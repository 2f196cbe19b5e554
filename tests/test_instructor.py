"""The instructor's side: collect() loses no one and runs nothing; summaries; the answer key.

Each defect found by crafting hand-in folders (issue 14, section 1) has a test here that fails on
the old merge: blank names in per-student folders, two students typing the same name, a forged
``9999-…`` time, NFC/NFD spellings, formula injection, links to devices and FIFOs, huge files and
bad lesson values.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime

import pandas as pd
import pytest

from course_lib.exports import guard_cell as store_guard
from course_lib.instructor import (
    ROW_COLUMNS,
    answer_key_markdown,
    collect,
    guard_cell,
    parse_export,
    per_question,
    per_student,
    unguard_cell,
)
from course_lib.instructor.csvsafe import GUARDED_START, frame_to_csv, rows_to_csv
from course_lib.instructor.reading import read_regular_file
from course_lib.instructor.synthetic import HOSTILE_ANSWERS
from course_lib.questions import load_bank
from tests.handins import LEGACY_COLUMNS, current_csv, current_records, legacy_csv

NOW = datetime(2026, 10, 1, tzinfo=UTC)
ID_A = "a" * 32
ID_B = "b" * 32
ID_C = "c" * 32


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def legacy(bank, learner, answers, saved_at="2026-09-01T10:00:00Z"):
    """An export in the older format (no learner id), built explicitly."""
    return legacy_csv(bank, learner, answers, saved_at)


def current(bank, learner_id, name, answers, saved_at="2026-09-01T10:00:00Z", **extra):
    """An export as the learner's own writer makes it today (learner id, name, extras)."""
    return current_csv(bank, learner_id, name, answers, saved_at, **extra)


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# ------------------------------------------------------------------ the crafted class


@pytest.fixture
def crafted(tmp_path, bank):
    """The hand-ins that lost six rows before: every one must now be kept."""
    root = tmp_path / "handed_in"
    # Blank names in per-student folders (they all used to become "answers").
    write(root / "carol" / "answers.csv", legacy(bank, "", {"L01-01": "b"}))
    write(root / "dave" / "answers.csv", legacy(bank, "", {"L01-01": "a"}))
    # Two students who typed "Kim" (one row survived between them).
    write(root / "kim1.csv", legacy(bank, "Kim", {"L01-01": "b", "L01-04": "b"}))
    write(root / "kim2.csv", legacy(bank, "Kim", {"L01-01": "c"}))
    # Ann, and a forger who types her name and a saved_at of 9999-... to replace her answer.
    write(root / "ann.csv", legacy(bank, "Ann", {"L01-01": "b"}))
    write(root / "zz.csv", legacy(bank, "Ann", {"L01-01": "d"}, saved_at="9999-12-31T00:00:00Z"))
    # NFC and NFD spellings of 박금철 (two different students, or one typed twice?).
    nfc = unicodedata.normalize("NFC", "박금철")
    nfd = unicodedata.normalize("NFD", "박금철")
    write(root / "pak_nfc.csv", legacy(bank, nfc, {"L01-01": "b"}))
    write(root / "pak_nfd.csv", legacy(bank, nfd, {"L01-04": "b"}))
    return root


def test_crafted_class_loses_no_row(crafted):
    result = collect(crafted, now=NOW)
    assert result.rows_handed_in == 9
    assert len(result.rows) == 9  # the old merge kept 6 of these 9 rows, and Ann's was forged
    assert len(result.answers) == 9  # every file is its own learner: nothing overrides
    assert list(result.rows.columns) == ROW_COLUMNS
    kept = set(zip(result.rows["source_file"], result.rows["line"], strict=True))
    assert ("carol/answers.csv", 2) in kept
    assert ("dave/answers.csv", 2) in kept
    assert "lost" in result.summary()
    assert "(0 lost)" in result.summary()


def test_blank_names_in_student_folders_stay_distinct(crafted):
    students = collect(crafted, now=NOW).students.set_index("label")
    assert {"carol", "dave"} <= set(students.index)
    assert students.loc["carol", "files"] == "carol/answers.csv"


def test_two_students_with_the_same_name_stay_two(crafted):
    result = collect(crafted, now=NOW)
    kims = result.students[result.students["name"] == "Kim"]
    assert len(kims) == 2
    assert kims["label"].is_unique
    assert kims["label"].str.startswith("Kim (").all()
    assert "same_name" in set(result.problems["kind"])


def test_a_forged_future_time_never_wins(crafted):
    result = collect(crafted, now=NOW)
    ann = result.answers[result.answers["source_file"] == "ann.csv"]
    assert ann["response"].tolist() == ["b"]  # Ann's own answer is untouched
    future = result.problems[result.problems["kind"] == "future_time"]
    assert future["file"].tolist() == ["zz.csv"]
    assert future["line"].tolist() == [2]
    assert "9999-12-31" in future["message"].iloc[0]
    forged = result.rows[result.rows["source_file"] == "zz.csv"]
    assert forged["saved_at"].isna().all()


def test_nfc_and_nfd_names_are_one_spelling(crafted):
    result = collect(crafted, now=NOW)
    pak = result.students[result.students["name"] == unicodedata.normalize("NFC", "박금철")]
    assert len(pak) == 2  # two files without a learner id: two learners, never merged
    assert all(unicodedata.is_normalized("NFC", n) for n in result.rows["learner_name"])
    assert any("박금철" in m for m in result.problems["message"])  # and the instructor is told


def test_every_anonymous_file_is_reported(crafted):
    problems = collect(crafted, now=NOW).problems
    anonymous = set(problems.loc[problems["kind"] == "anonymous", "file"])
    assert anonymous == {
        "carol/answers.csv",
        "dave/answers.csv",
        "kim1.csv",
        "kim2.csv",
        "ann.csv",
        "zz.csv",
        "pak_nfc.csv",
        "pak_nfd.csv",
    }
    assert list(problems.columns) == ["file", "line", "kind", "message"]


# ------------------------------------------------------------------ the current format


def test_current_format_keys_on_learner_id(tmp_path, bank):
    write(tmp_path / "x" / "answers.csv", current(bank, ID_A, "Kim", {"L01-01": "b"}))
    write(tmp_path / "y" / "answers.csv", current(bank, ID_B, "Kim", {"L01-01": "a"}))
    write(tmp_path / "z" / "answers.csv", current(bank, ID_C, "", {"L01-01": "c"}))
    result = collect(tmp_path, now=NOW)
    assert sorted(result.students["learner_id"]) == [ID_A, ID_B, ID_C]
    assert set(result.students["label"]) == {f"Kim ({ID_A[:6]})", f"Kim ({ID_B[:6]})", "z"}
    assert "anonymous" not in set(result.problems["kind"])


def test_one_learner_two_files_latest_by_real_time(tmp_path, bank):
    # As strings "2026-09-02T01:00:00Z" > "2026-09-01T23:30:00-05:00", but in time the second
    # is 2026-09-02T04:30Z, the later one.
    write(tmp_path / "a.csv", current(bank, ID_A, "Ann", {"L01-01": "a"}, "2026-09-02T01:00:00Z"))
    write(
        tmp_path / "b.csv", current(bank, ID_A, "Ann", {"L01-01": "b"}, "2026-09-01T23:30:00-05:00")
    )
    result = collect(tmp_path, now=NOW)
    assert len(result.rows) == 2
    assert len(result.answers) == 1
    used = result.answers.iloc[0]
    assert (used["source_file"], used["response"]) == ("b.csv", "b")
    assert used["saved_at"] == pd.Timestamp("2026-09-02T04:30:00Z")
    kinds = result.problems["kind"].tolist()
    assert kinds.count("duplicate") == 1
    assert kinds.count("conflict") == 1
    conflict = result.problems[result.problems["kind"] == "conflict"].iloc[0]
    assert "a.csv line 2" in conflict["message"]
    assert "b.csv line 2" in conflict["message"]


def test_one_id_two_names_is_kept_apart_and_reported(tmp_path, bank):
    write(tmp_path / "a.csv", current(bank, ID_A, "Ann", {"L01-01": "a"}))
    write(tmp_path / "b.csv", current(bank, ID_A, "Bo", {"L01-01": "b"}))
    result = collect(tmp_path, now=NOW)
    assert len(result.students) == 2
    assert len(result.answers) == 2
    assert "shared_id" in set(result.problems["kind"])


def test_nfd_name_under_one_id_is_one_learner(tmp_path, bank):
    nfd = unicodedata.normalize("NFD", "박금철")
    write(tmp_path / "a.csv", current(bank, ID_A, "박금철", {"L01-01": "a"}))
    write(tmp_path / "b.csv", current(bank, ID_A, nfd, {"L01-04": "b"}))
    result = collect(tmp_path, now=NOW)
    assert len(result.students) == 1
    assert "shared_id" not in set(result.problems["kind"])


def test_extra_columns_are_read(tmp_path, bank):
    data = current(
        bank,
        ID_A,
        "Ann",
        {"L01-01": "a"},
        revealed=True,
        attempts=3,
        hints_used=1,
        first_try_correct=False,
    )
    write(tmp_path / "a.csv", data)
    row = collect(tmp_path, now=NOW).answers.iloc[0]
    assert (row["revealed"], row["attempts"], row["hints_used"], row["first_try_correct"]) == (
        True,
        3,
        1,
        False,
    )


def test_absent_columns_are_unknown(bank):
    rows, _, has_ids = parse_export("old.csv", legacy(bank, "Ann", {"L01-01": "a"}), NOW)
    assert not has_ids
    assert rows[0]["revealed"] is None
    assert rows[0]["attempts"] is None


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("²", "lesson '²' is not a whole number"),
        ("7x", "lesson '7x' is not a whole number"),
        ("٣", "lesson '٣' is not a whole number"),  # an Arabic-Indic digit: isdigit() says yes
    ],
)
def test_bad_lesson_names_file_and_line(value, needle):
    data = f"learner_id,learner_name,qid,lesson\n{ID_A},Ann,L01-01,1\n{ID_A},Ann,L01-04,{value}\n"
    rows, problems, _ = parse_export("x/answers.csv", data.encode(), NOW)
    assert len(rows) == 2
    assert rows[1]["lesson"] is None
    message = next(p.message for p in problems if p.kind == "bad_value")
    assert message.startswith("x/answers.csv, line 3: ")
    assert needle in message


@pytest.mark.parametrize(
    ("saved_at", "kind", "needle"),
    [
        ("9999-12-31T23:59:59Z", "future_time", "in the future"),
        ("9999-12-31T23:00:00-05:00", "bad_time", "out of range"),
        ("2026-09-01 10:00", "bad_time", "no time zone"),
        ("yesterday", "bad_time", "not an ISO 8601 time"),
        ("0001-01-01T00:00:00Z", "bad_time", "before 1990"),
        ("", "bad_time", "no saved_at"),
    ],
)
def test_bad_times_are_reported_and_never_win(saved_at, kind, needle):
    data = (
        "learner_id,learner_name,qid,response,saved_at\n"
        f"{ID_A},Ann,L01-01,b,2026-09-01T10:00:00Z\n"
        f'{ID_A},Ann,L01-01,a,"{saved_at}"\n'
    )
    from course_lib.instructor import collect_files
    from course_lib.instructor.reading import HandInFile

    result = collect_files([HandInFile("t.csv", data.encode())], now=NOW)
    assert result.answers["response"].tolist() == ["b"]
    found = result.problems[result.problems["kind"] == kind]
    assert any(needle in m and "t.csv, line 3" in m for m in found["message"])


@pytest.mark.parametrize(
    ("data", "kind", "needle"),
    [
        (b"", "empty", "empty"),
        (b"\xff\xfe\x00\x01", "not_export", "not UTF-8"),
        (b"name,grade\nAnn,A\n", "not_export", "no qid column"),
        (b"qid,qid\nL01-01,x\n", "not_export", "appears twice"),
        (b"learner,qid,correct\nAnn,L01-01,maybe\n", "bad_value", "line 2: correct 'maybe'"),
        (b"learner,qid,score\nAnn,L01-01,2\n", "bad_value", "not between 0 and 1"),
        (b"learner,qid,score\nAnn,L01-01,nan\n", "bad_value", "not between 0 and 1"),
        (b"learner,qid,attempts\nAnn,L01-01,-1\n", "bad_value", "attempts '-1'"),
        (b"learner,qid\nAnn,\n", "bad_value", "question id is empty"),
        (b"learner,qid,correct\nAnn,L01-01\n", "bad_value", "2 values for 3 columns"),
        (b"learner,qid\nAnn,L01-01,x\n", "bad_value", "extra values are not read"),
        (b'learner,qid\n"Ann,L01-01\n', "bad_value", "malformed CSV"),
        (b"learner_id,qid\nnot-an-id,L01-01\n", "bad_value", "not 32 hexadecimal digits"),
    ],
)
def test_bad_files_and_values_are_named(data, kind, needle):
    _, problems, _ = parse_export("f.csv", data, NOW)
    messages = [p.message for p in problems if p.kind == kind]
    assert any(needle in m for m in messages), problems
    assert all(m.startswith("f.csv") for m in messages)


# ------------------------------------------------------------------ formula injection


def test_guard_round_trips_every_text():
    for text in [*HOSTILE_ANSWERS, "", "'", "''", "'tis", "-", "=", "\t=1", "\r+1", "plain"]:
        assert unguard_cell(guard_cell(text)) == text
        assert guard_cell(text)[:1] not in GUARDED_START - {"'"}


def test_reader_accepts_the_stores_guard():
    for text in ("=1+1", "+cmd", "-2", "@SUM(A1)", "\t=x", "plain", "'tis", "'=1+1", "''"):
        assert unguard_cell(store_guard(text)) == text
    # The learner's export and the instructor's tables follow one rule.
    assert store_guard("'=1+1") == guard_cell("'=1+1") == "''=1+1"


def test_real_leading_apostrophe_round_trips_in_the_current_format(tmp_path, bank):
    write(tmp_path / "a.csv", current(bank, ID_A, "Ann", {"L01-09": "'=1+1 is how I'd write it"}))
    answer = collect(tmp_path, now=NOW).answers.iloc[0]
    assert answer["response"] == "'=1+1 is how I'd write it"


def _cells(text):
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_every_table_the_instructor_writes_is_guarded(tmp_path, bank):
    hostile = {
        "learner_name": '=HYPERLINK("http://x","y")',
        "skill": "=cmd|' /C calc'!A0",
        "type": "+1",
        "saved_at": "@SUM(1)",
    }
    header = ["learner_id", "learner_name", "qid", "skill", "type", "response", "answer_text"]
    values = [ID_A, hostile["learner_name"], "L01-09", hostile["skill"], hostile["type"]]
    data = rows_to_csv([*header, "saved_at"], [[*values, "-1", "-2", hostile["saved_at"]]])
    write(tmp_path / "in" / "a.csv", data.encode())
    for i, text in enumerate(HOSTILE_ANSWERS):
        write(
            tmp_path / "in" / f"s{i}" / "answers.csv",
            current(bank, f"{i:032x}", text, {"L01-09": text}),
        )
    result = collect(tmp_path / "in", now=NOW)
    assert result.answers["response"].isin(HOSTILE_ANSWERS).sum() == len(HOSTILE_ANSWERS)
    assert (result.rows["learner_name"] == hostile["learner_name"]).any()
    written = result.write_tables(tmp_path / "out")
    live = 0
    for path in written:
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        text = path.read_text(encoding="utf-8")
        live += sum(1 for c in _cells(text) if c[:1] in GUARDED_START - {"'"})
        if path.name == "answers.csv":
            back = [unguard_cell(c) for c in _cells(text)]
            assert all(t in back for t in HOSTILE_ANSWERS)
    assert live == 0


def test_frame_to_csv_guards_header_and_index():
    frame = pd.DataFrame({"=a": ["-1", "x"]}, index=["@i", "j"])
    cells = _cells(frame_to_csv(frame, index=True))
    assert cells[:2] == ["index", "'=a"]
    assert "'@i" in cells
    assert "'-1" in cells


# ------------------------------------------------------------------ links, FIFOs, size


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_links_fifos_and_huge_files_are_refused(tmp_path, bank):
    write(tmp_path / "ok" / "answers.csv", current(bank, ID_A, "Ann", {"L01-01": "b"}))
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    (tmp_path / "other.csv").symlink_to(tmp_path / "ok" / "answers.csv")
    (tmp_path / "loop").symlink_to(tmp_path)
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "huge.csv").write_bytes(b"learner,qid\n" + b"Ann,L01-01\n" * 200_000)
    result = collect(tmp_path, max_bytes=1_000_000, now=NOW)
    assert len(result.answers) == 1
    problems = result.problems.set_index("file")
    assert problems.loc["zero.csv", "kind"] == "not_regular"
    assert problems.loc["other.csv", "kind"] == "not_regular"
    assert problems.loc["loop", "kind"] == "not_regular"
    assert problems.loc["pipe.csv", "kind"] == "not_regular"
    assert "named pipe" in problems.loc["pipe.csv", "message"]
    assert problems.loc["huge.csv", "kind"] == "too_large"
    assert problems.loc["huge.csv", "message"].startswith("huge.csv: larger than 1,000,000")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_read_regular_file_refuses_special_files(tmp_path):
    from course_lib.instructor.reading import HandInReadError

    os.mkfifo(tmp_path / "p")
    for path, kind in [("/dev/zero", "not_regular"), (tmp_path / "p", "not_regular")]:
        with pytest.raises(HandInReadError) as info:
            read_regular_file(path)
        assert info.value.kind == kind
        assert str(path) in str(info.value)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 11)
    with pytest.raises(HandInReadError, match="larger than 10 bytes"):
        read_regular_file(big, max_bytes=10)
    assert read_regular_file(big, max_bytes=11) == b"x" * 11


def test_missing_or_empty_folder(tmp_path):
    missing = collect(tmp_path / "nope")
    assert missing.problems["kind"].tolist() == ["unreadable"]
    assert "no such folder" in missing.problems["message"].iloc[0]
    empty = collect(tmp_path)
    assert empty.answers.empty
    assert "no .csv, .html or .md files" in empty.problems["message"].iloc[0]


def test_other_files_are_reported_as_skipped(tmp_path, bank):
    from course_lib.store import portfolio_html

    write(tmp_path / "a" / "answers.csv", current(bank, ID_A, "Ann", {"L01-01": "b"}))
    (tmp_path / "a" / "portfolio.html").write_text(portfolio_html([], bank, "Ann"))
    (tmp_path / "README.md").write_text("# notes\n")
    (tmp_path / ".hidden.csv").write_text("x")
    problems = collect(tmp_path, now=NOW).problems
    skipped = problems[problems["kind"] == "skipped"].set_index("file")["message"]
    assert "portfolio" in skipped["a/portfolio.html"]
    assert "README.md" in skipped.index
    assert ".hidden.csv" not in set(problems["file"])


# ------------------------------------------------------------------ capstones


def _capstone(name="", essay="", evidence=()):
    from course_lib.capstone import CapstoneState, Evidence

    return CapstoneState(
        essay=essay,
        name=name,
        evidence=[Evidence(t, "Liu", q) for t, q in evidence],
        checks={"claim": True},
    )


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_capstone_parsed_and_tied_to_its_folder(tmp_path, bank, fmt):
    from course_lib.capstone_export import export

    essay = (
        "China courted Korea. Liu says “As we arrived in [North] Korea today” (Minutes, "
        "turn 9).\n\n## Evidence\n\nA second paragraph with <b>markup</b> & a “quote”."
    )
    state = _capstone("", essay, [(9, "As we arrived in [North] Korea today")])
    write(tmp_path / "carol" / "answers.csv", current(bank, ID_A, "", {"L01-01": "b"}))
    export(state, fmt, tmp_path / "carol", when=datetime(2026, 9, 30, 12, 0))
    result = collect(tmp_path, now=NOW)
    caps = result.capstones
    assert len(caps) == 1
    cap = caps.iloc[0]
    assert cap["student"] == ID_A
    assert cap["student_label"] == "carol"
    assert cap["evidence"] == [(9, "As we arrived in [North] Korea today")]
    assert "<b>markup</b> & a “quote”" in cap["essay"]
    assert cap["ticked"] == 1
    assert cap["rubric_total"] == 7


def test_capstone_tied_by_unique_name_or_reported(tmp_path, bank):
    from course_lib.capstone_export import to_html

    write(tmp_path / "answers" / "ann.csv", current(bank, ID_A, "Ann Lee", {"L01-01": "b"}))
    write(tmp_path / "essays" / "ann.html", to_html(_capstone("Ann Lee", "x")).encode())
    write(tmp_path / "essays" / "who.html", to_html(_capstone("Nobody", "y")).encode())
    result = collect(tmp_path, now=NOW)
    caps = result.capstones.set_index("file")
    assert caps.loc["essays/ann.html", "student"] == ID_A
    assert caps.loc["essays/who.html", "student"] == "capstone:essays/who.html"
    assert "Nobody" in set(result.students["label"])  # shown, not lost
    assert "capstone" in set(result.problems["kind"])


# ------------------------------------------------------------------ summaries


def test_per_question_and_per_student(tmp_path, bank):
    write(tmp_path / "a.csv", current(bank, ID_A, "Ann", {"L01-01": "b", "L01-03": ["a"]}))
    write(tmp_path / "b.csv", current(bank, ID_B, "Bo", {"L01-01": "a", "L01-09": "김일성"}))
    answers = collect(tmp_path, now=NOW).answers
    summary = per_question(answers, bank).set_index("qid")
    assert len(summary) == len(bank)
    assert summary.loc["L01-01", "answered"] == 2
    assert summary.loc["L01-01", "share_correct"] == pytest.approx(0.5)
    assert pd.isna(summary.loc["L01-09", "share_correct"])
    table = per_student(answers, total=len(bank)).set_index("student")
    assert table.loc["Ann", "answered"] == 2
    assert table.loc["Bo", "short_answers"] == 1


# ------------------------------------------------------------------ the answer key


def test_answer_key_is_in_sync_with_the_bank(root, bank):
    on_disk = (root / "instructor" / "answer_key.md").read_text(encoding="utf-8")
    assert on_disk == answer_key_markdown(bank), "run: python scripts/build_answer_key.py"


def test_answer_key_script_check_mode(root):
    proc = subprocess.run(
        [sys.executable, str(root / "scripts" / "build_answer_key.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_answer_key_content(bank):
    key = answer_key_markdown(bank)
    assert key.count("\n### ") == len(bank)
    assert "✔ `b` Turns 11 and 13" in key
    assert "**Correct order:**" in key
    assert "**Model answer:**" in key
    assert "## Lesson 05" in key


def test_answer_key_changes_when_the_bank_changes(bank):
    from course_lib.questions import QuestionBank

    q = dict(bank.get("L01-01"), prompt="A | changed prompt")
    key = answer_key_markdown(QuestionBank(questions=(q,)))
    assert "A \\| changed prompt" in key
    assert key != answer_key_markdown(bank)


# ------------------------------------------------------------------ the learner's real hand-ins


def _learner(folder, bank, name, answers, lessons=(None,), essay=None, when=None):
    """One learner's answers folder, written by the course's own code: profile, store, exports."""
    from course_lib import capstone_export
    from course_lib.profile import load_profile, set_learner_name
    from course_lib.store import AnswerStore

    profile = set_learner_name(name, folder) if name else load_profile(folder)
    store = AnswerStore(folder)
    for record in current_records(bank, profile.learner_id, name, answers, attempts=1):
        store.append(record)
    when = when or datetime(2026, 9, 30, 12, 0, tzinfo=UTC)
    files = [store.export_csv(bank, lesson=lesson, when=when) for lesson in lessons]
    if essay is not None:
        essay.name = name
        for fmt in ("html", "md"):
            files.append(capstone_export.export(essay, fmt, folder, when, profile.learner_id))
    return profile, files


def test_the_learners_own_exports_are_collected_whole(tmp_path, bank):
    """The round trip: what the store and the capstone export write is what collect() reads."""
    hub = tmp_path / "hub"  # an instructor's copy of each learner's answers folder
    kim1, files1 = _learner(
        hub / "u1" / "my_answers",
        bank,
        "Kim",
        {"L01-01": "b", "L01-03": ["a", "c"], "L02-01": ["t11"]},
        lessons=(1, 2),
        essay=_capstone(essay="x", evidence=[(9, "As we arrived in [North] Korea today")]),
    )
    kim2, files2 = _learner(hub / "u2" / "my_answers", bank, "Kim", {"L01-01": "c"})
    anon, files3 = _learner(
        hub / "u3" / "my_answers", bank, "", {"L01-09": "=SUM(A1) is my answer"}
    )
    handed = [f for fs in (files1, files2, files3) for f in fs]
    assert {f.name.split("_")[-1] for f in handed} == {"answers.csv", "essay.html", "essay.md"}
    assert "learner-" in files3[0].name  # no name typed: the file is named by the id
    result = collect(hub, now=NOW)
    # Every row handed in is read, and every value means what the learner's side wrote.
    assert len(result.rows) == result.rows_handed_in == 5
    assert result.students.set_index("learner_id").loc[kim1.learner_id, "questions"] == 3
    ids = sorted([kim1.learner_id, kim2.learner_id, anon.learner_id])
    assert sorted(result.students["learner_id"]) == ids
    assert not result.students["anonymous"].any()
    row = result.answers.set_index(["learner_id", "qid"]).loc[(kim1.learner_id, "L01-03")]
    assert (row["learner_name"], row["response"], row["lesson"]) == ("Kim", '["a", "c"]', 1)
    assert (row["attempts"], row["skill"], row["type"]) == (1, "sourcing", "multiple_choice")
    assert row["saved_at"] == pd.Timestamp("2026-09-01T10:00:00Z")
    assert pd.isna(row["revealed"])  # not recorded: unknown, not false
    assert pd.isna(row["first_try_correct"])
    mark = result.answers.set_index("learner_id").loc[anon.learner_id]
    assert mark["response"] == "=SUM(A1) is my answer"  # the guard undone exactly
    assert mark["student_label"] == "u3"  # no name: the learner's folder
    # Both essays are tied to their writer by the id they carry, not by folder or name.
    caps = result.capstones
    assert len(caps) == 2
    assert set(caps["student"]) == {kim1.learner_id}
    assert set(caps["learner_id"]) == {kim1.learner_id}
    assert caps["used"].sum() == 1
    # Two learners named Kim; per-lesson files that do not overlap are not duplicates.
    assert set(result.problems["kind"]) == {"same_name"}


def test_a_blank_learner_id_in_todays_format_is_anonymous(tmp_path, bank):
    write(tmp_path / "x" / "a.csv", current(bank, "", "Ann", {"L01-01": "b", "L01-04": "a"}))
    write(tmp_path / "y" / "a.csv", current(bank, "", "Ann", {"L01-01": "c"}))
    result = collect(tmp_path, now=NOW)
    assert len(result.rows) == 3
    assert len(result.students) == 2  # never merged by name
    problems = result.problems
    assert sorted(problems.loc[problems["kind"] == "anonymous", "file"]) == ["x/a.csv", "y/a.csv"]
    assert "2 of its 2 rows carry no learner id" in problems["message"].iloc[0]
    assert "bad_value" not in set(problems["kind"])  # blank is not malformed


def test_legacy_fixture_is_the_older_format(bank):
    header = legacy(bank, "Ann", {"L01-01": "a"}).decode().splitlines()[0]
    assert header.split(",") == LEGACY_COLUMNS
    assert "learner_id" not in header


def test_one_learner_overlapping_files_are_duplicates_disjoint_are_not(tmp_path, bank):
    write(tmp_path / "l1.csv", current(bank, ID_A, "Ann", {"L01-01": "b"}))
    write(tmp_path / "l2.csv", current(bank, ID_A, "Ann", {"L02-01": ["t11"]}))
    assert "duplicate" not in set(collect(tmp_path, now=NOW).problems["kind"])
    write(tmp_path / "all.csv", current(bank, ID_A, "Ann", {"L01-01": "b", "L02-01": ["t11"]}))
    result = collect(tmp_path, now=NOW)
    duplicates = result.problems[result.problems["kind"] == "duplicate"]
    assert len(duplicates) == 2  # all.csv repeats both l1.csv and l2.csv
    assert len(result.rows) == 4
    assert len(result.answers) == 2


def test_an_essay_is_tied_by_its_id_even_in_a_shared_folder(tmp_path, bank):
    from course_lib.capstone_export import to_markdown

    write(tmp_path / "inbox" / "ann.csv", current(bank, ID_A, "Ann", {"L01-01": "b"}))
    write(tmp_path / "inbox" / "bo.csv", current(bank, ID_B, "Bo", {"L01-01": "a"}))
    write(tmp_path / "inbox" / "e.md", to_markdown(_capstone("", "z"), learner_id=ID_B).encode())
    write(tmp_path / "inbox" / "c.md", to_markdown(_capstone("", "c"), learner_id=ID_C).encode())
    result = collect(tmp_path, now=NOW)
    caps = result.capstones.set_index("file")
    assert caps.loc["inbox/e.md", "student"] == ID_B
    assert caps.loc["inbox/c.md", "student"] == ID_C  # an essay without answers: still theirs
    students = result.students.set_index("learner_id")
    assert not bool(students.loc[ID_C, "anonymous"])
    capstone = result.problems[result.problems["kind"] == "capstone"]
    assert capstone["file"].tolist() == ["inbox/c.md"]


def test_the_latest_essay_is_chosen_by_time_not_by_text(tmp_path, bank):
    from course_lib.capstone_export import to_html

    write(tmp_path / "a.csv", current(bank, ID_A, "Ann", {"L01-01": "b"}))
    early, late = datetime(2026, 12, 4, 14, 5, tzinfo=UTC), datetime(2026, 12, 10, 9, tzinfo=UTC)
    for label, when in (("early", early), ("late", late)):
        page = to_html(_capstone("Ann", label), when, tz=UTC, learner_id=ID_A)
        write(tmp_path / f"{label}.html", page.encode())
    caps = collect(tmp_path, now=datetime(2027, 1, 1, tzinfo=UTC)).capstones
    used = caps[caps["used"]].iloc[0]
    assert used["file"] == "late.html"  # as text "4 Dec…" sorts after "10 Dec…"
    assert used["exported_at"] == pd.Timestamp("2026-12-10 09:00")


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize(
    "name", ["Mina Park", "박금철 (Pak Kum Chol)", "Learner id: 0000", "**Name:** x", "<b>&"]
)
def test_the_essays_learner_lines_read_back(fmt, name):
    from course_lib.capstone_export import to_html, to_markdown
    from course_lib.instructor.capstones import parse_capstone

    render = to_html if fmt == "html" else to_markdown
    when = datetime(2026, 12, 4, 14, 5, tzinfo=UTC)
    cap = parse_capstone(f"e.{fmt}", render(_capstone(name, "Essay."), when, UTC, ID_A))
    assert (cap.name, cap.learner_id) == (unicodedata.normalize("NFC", name), ID_A)
    assert cap.exported == "4 Dec 2026, 14:05 UTC"
    assert cap.essay == "Essay."
    bare = parse_capstone(f"e.{fmt}", render(_capstone("", "Essay."), when, UTC))
    assert (bare.name, bare.learner_id) == ("", "")


def test_export_times_read_back_as_the_learner_side_prints_them():
    from datetime import timedelta, timezone

    from course_lib.instructor.capstones import parse_exported
    from course_lib.localtime import readable

    for when in (
        datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
    ):
        for tz in (UTC, timezone(timedelta(hours=9))):
            local = when.astimezone(tz).replace(tzinfo=None)
            assert parse_exported(readable(when, tz)) == local
    assert parse_exported("2026-09-30 12:00") == datetime(2026, 9, 30, 12, 0)  # older essays
    assert parse_exported("31 Feb 2026, 12:00") is None
    assert parse_exported("4 Dec 2026") is None
