"""The instructor's side: collecting a class's exports, summaries, and the answer key."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from course_lib.instructor import (
    COLUMNS,
    answer_key_markdown,
    collect,
    merge_exports,
    parse_export,
    per_question,
    per_student,
)
from course_lib.questions import check_answer, load_bank
from course_lib.store import make_record, records_to_csv


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def export(bank, learner, answers, saved_at="2024-05-01T10:00:00Z"):
    records = []
    for qid, response in answers.items():
        q = bank.get(qid)
        records.append(make_record(check_answer(q, response), q, learner, saved_at))
    return records_to_csv(records, bank).encode("utf-8")


@pytest.fixture
def handed_in(tmp_path, bank):
    (tmp_path / "ann.csv").write_bytes(export(bank, "Ann", {"L01-01": "b", "L01-03": ["a"]}))
    (tmp_path / "group2").mkdir()
    (tmp_path / "group2" / "bo.csv").write_bytes(
        export(bank, "", {"L01-01": "a", "L01-09": "<script>x</script> 김일성"})
    )
    (tmp_path / "notes.csv").write_text("name,grade\nAnn,A\n", encoding="utf-8")
    (tmp_path / "broken.csv").write_bytes(b"learner,qid,correct,score\nAnn,L01-01,maybe,1\n")
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x01")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "readme.txt").write_text("not a csv")
    return tmp_path


def test_collect_merges_good_files_and_names_bad_ones(handed_in):
    result = collect(handed_in)
    assert list(result.answers.columns) == COLUMNS
    assert sorted(result.answers["student"].unique()) == ["Ann", "bo"]  # file name if no learner
    assert len(result.answers) == 4
    problems = "\n".join(result.problems)
    for name in ("notes.csv", "broken.csv", "binary.csv", "empty.csv"):
        assert name in problems
    assert "readme.txt" not in problems
    assert "line 2" in problems  # broken.csv names the line
    assert str(result.answers["correct"].dtype) == "boolean"
    short = result.answers.loc[result.answers["qid"] == "L01-09"].iloc[0]
    assert short["answer_text"] == "<script>x</script> 김일성"
    assert pd.isna(short["correct"])


def test_collect_missing_or_empty_folder(tmp_path):
    assert collect(tmp_path / "nope").problems == [f"{tmp_path / 'nope'}: no such folder"]
    result = collect(tmp_path)
    assert result.answers.empty
    assert "no .csv files" in result.problems[0]


def test_latest_submission_wins(bank):
    old = export(bank, "Ann", {"L01-01": "a"}, saved_at="2024-05-01T10:00:00Z")
    new = export(bank, "Ann", {"L01-01": "b"}, saved_at="2024-05-02T10:00:00Z")
    merged, problems = merge_exports([("new.csv", new), ("old.csv", old)])
    assert problems == []
    assert merged["response"].tolist() == ["b"]


def test_formula_guard_round_trips(bank):
    data = export(bank, "=cmd|x", {"L01-09": "-1 is my answer"})
    frame = parse_export("x.csv", data)
    assert frame["student"].iloc[0] == "=cmd|x"
    assert frame["response"].iloc[0] == "-1 is my answer"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"learner,qid,correct,score\nA,L01-01,true,2\n", "between 0 and 1"),
        (b"learner,qid,correct,score\nA,L01-01,true,lots\n", "not a number"),
        (b"learner,qid,correct,score\nA,,true,1\n", "question id is empty"),
        (b"learner,qid,correct,score\nA,L01-01,true\n", "wrong number"),
        (b"learner,qid,correct,score,lesson\nA,L01-01,true,1,one\n", "lesson"),
        (b'learner,qid,correct,score\n"A,L01-01,true,1\n', "x.csv"),
    ],
)
def test_bad_rows_name_file_and_line(data, needle):
    with pytest.raises(ValueError, match=needle):
        parse_export("x.csv", data)


def test_per_question_summary(handed_in, bank):
    answers = collect(handed_in).answers
    summary = per_question(answers, bank)
    assert len(summary) == len(bank)
    row = summary.set_index("qid").loc["L01-01"]
    assert row["answered"] == 2
    assert row["correct"] == 1
    assert row["share_correct"] == pytest.approx(0.5)
    short = summary.set_index("qid").loc["L01-09"]
    assert short["answered"] == 1
    assert str(short["share_correct"]) == "<NA>"  # self-assessed, never auto-marked
    assert summary.set_index("qid").loc["L05-06", "answered"] == 0
    assert list(per_question(answers)["qid"]) == ["L01-01", "L01-03", "L01-09"]


def test_per_student_summary(handed_in, bank):
    answers = collect(handed_in).answers
    table = per_student(answers, total=len(bank)).set_index("student")
    assert table.loc["Ann", "answered"] == 2
    assert table.loc["Ann", "correct"] == 1
    assert table.loc["bo", "short_answers"] == 1
    assert table.loc["Ann", "share_answered"] == pytest.approx(2 / len(bank))
    assert per_student(answers.iloc[0:0]).empty


def test_summaries_are_pure(handed_in, bank):
    answers = collect(handed_in).answers
    before = answers.copy()
    per_question(answers, bank)
    per_student(answers, len(bank))
    assert answers.equals(before)


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
