"""The answer store: round trip, damaged lines, concurrent writers, exports."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
from pathlib import Path

import pytest

from course_lib.questions import check_answer, load_bank
from course_lib.store import (
    ANSWERS_ENV,
    CSV_COLUMNS,
    AnswerStore,
    StoreError,
    default_folder,
    encode_record,
    latest_by_question,
    make_record,
    on_binder,
    parse_lines,
    portfolio_html,
    records_to_csv,
)


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def record(bank, qid, response, learner="Ann", saved_at="2024-01-01T00:00:00Z"):
    q = bank.get(qid)
    return make_record(check_answer(q, response), q, learner, saved_at)


# ------------------------------------------------------------------ where answers go


def test_default_folder(tmp_path, monkeypatch):
    assert default_folder({ANSWERS_ENV: str(tmp_path)}) == tmp_path
    assert default_folder({ANSWERS_ENV: "  "}).parts[-2:] == (".pyongyang1963", "answers")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_folder({}) == tmp_path / ".pyongyang1963" / "answers"


def test_tests_never_write_to_the_real_home(tmp_path):
    # conftest points the variable at tmp_path; the store must follow it.
    assert AnswerStore().folder == tmp_path / "answers"


def test_on_binder():
    assert on_binder({"BINDER_LAUNCH_HOST": "https://mybinder.org/"})
    assert on_binder({"BINDER_SERVICE_HOST": "10.0.0.1"})
    assert not on_binder({})
    assert not on_binder({"BINDER_LAUNCH_HOST": ""})


# ------------------------------------------------------------------ pure helpers


def test_record_is_one_line_even_with_newlines_and_unicode(bank):
    r = record(bank, "L01-09", "line one\nline two 김일성 刘少奇", learner="  Kim  \n Su ")
    line = encode_record(r)
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert json.loads(line)["response"] == "line one\nline two 김일성 刘少奇"
    assert r["learner"] == "Kim Su"


def test_parse_lines_sorts_good_from_bad(bank):
    good = encode_record(record(bank, "L01-01", "a"))
    data = good + b"{not json\n" + b"[1, 2]\n" + b"\xff\xfe\n" + b"\n" + good.rstrip(b"\n")
    ok, bad = parse_lines(data)
    assert [n for n, _, _ in ok] == [1, 6]
    assert [(n, why.split(" ")[0]) for n, _, why in bad] == [(2, "not"), (3, "not"), (4, "not")]
    assert "UTF-8" in bad[2][2]


def test_latest_answer_wins(bank):
    records = [
        record(bank, "L01-01", "a"),
        record(bank, "L01-04", "b"),
        record(bank, "L01-01", "b"),
    ]
    latest = latest_by_question(records)
    assert latest["L01-01"]["response"] == "b"
    assert set(latest) == {"L01-01", "L01-04"}


# ------------------------------------------------------------------ the store on disk


def test_round_trip_and_reopen(tmp_path, bank):
    store = AnswerStore(tmp_path / "a")
    assert store.load().records == []
    store.append(record(bank, "L01-01", "a"))
    store.append(record(bank, "L01-03", ["a", "b"]))
    store.append(record(bank, "L01-01", "b"))
    reopened = AnswerStore(tmp_path / "a").load()
    assert len(reopened.records) == 3
    assert reopened.answers["L01-01"]["response"] == "b"
    assert reopened.answers["L01-03"]["response"] == ["a", "b"]
    assert reopened.corrupt == []
    assert reopened.message() == ""


def test_corrupt_line_is_moved_aside_and_reported(tmp_path, bank):
    store = AnswerStore(tmp_path)
    store.append(record(bank, "L01-01", "a"))
    with store.path.open("ab") as fh:
        fh.write(b'{"qid": "L01-04", "resp\n')
    store.append(record(bank, "L01-04", "b"))
    report = store.load()
    assert [c["line"] for c in report.corrupt] == [2]
    assert "not valid JSON" in report.corrupt[0]["reason"]
    assert report.moved_to == store.corrupt_path
    assert "moved to" in report.message()
    assert set(report.answers) == {"L01-01", "L01-04"}
    assert store.corrupt_path.read_bytes() == b'{"qid": "L01-04", "resp\n'
    assert b"resp\n" not in store.path.read_bytes()
    again = store.load()
    assert again.corrupt == []
    assert len(again.records) == 2


def test_half_written_last_line_does_not_swallow_the_next_answer(tmp_path, bank):
    store = AnswerStore(tmp_path)
    store.append(record(bank, "L01-01", "a"))
    with store.path.open("ab") as fh:
        fh.write(b'{"qid": "L01-0')  # a crash mid-write: no newline
    store.append(record(bank, "L01-04", "b"))
    report = store.load()
    assert set(report.answers) == {"L01-01", "L01-04"}
    assert len(report.corrupt) == 1


def _writer(folder: str, tag: str, n: int) -> None:
    store = AnswerStore(folder)
    for i in range(n):
        store.append({"v": 1, "qid": f"{tag}-{i:04d}", "response": tag * 50, "saved_at": str(i)})


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    n = 300
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), tag, n)) for tag in ("A", "B")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    report = AnswerStore(tmp_path).load()
    assert report.corrupt == []
    assert len(report.records) == 2 * n
    assert {r["qid"] for r in report.records} == {f"{t}-{i:04d}" for t in "AB" for i in range(n)}


def test_unusable_folder_is_a_clear_error(tmp_path, bank):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = AnswerStore(blocker / "answers")
    with pytest.raises(StoreError, match="answers folder"):
        store.append(record(bank, "L01-01", "a"))


# ------------------------------------------------------------------ exports


def test_csv_export(tmp_path, bank):
    store = AnswerStore(tmp_path)
    store.append(record(bank, "L01-04", "b"))
    store.append(record(bank, "L01-01", "a"))
    store.append(record(bank, "L01-01", "b"))
    store.append(record(bank, "L01-09", '=HYPERLINK("http://x") 김일성'))
    path = store.export_csv(bank, learner="Ann")
    assert path == tmp_path / "exports" / "answers.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert list(rows[0]) == CSV_COLUMNS
    assert [r["qid"] for r in rows] == ["L01-01", "L01-04", "L01-09"]  # bank order, latest only
    assert rows[0]["correct"] == "true"
    assert rows[0]["response"] == "b"
    assert rows[0]["answer_text"].startswith("Turns 11 and 13")
    assert rows[2]["correct"] == ""
    assert rows[2]["response"].startswith("'=HYPERLINK")  # formula neutralised
    assert rows[2]["response"].endswith("김일성")


def test_csv_without_bank_keeps_raw_responses(bank):
    text = records_to_csv([record(bank, "L01-03", ["a", "c"], learner="+evil")])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["response"] == '["a", "c"]'
    assert row["learner"] == "'+evil"


def test_portfolio_is_escaped_and_complete(tmp_path, bank):
    store = AnswerStore(tmp_path)
    store.append(record(bank, "L01-09", "<script>alert(1)</script> & 刘少奇", learner="<b>Ann</b>"))
    store.append(record(bank, "L01-01", "a", learner="<b>Ann</b>"))
    html = store.export_html(bank, lesson=1).read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 刘少奇" in html
    assert "&lt;b&gt;Ann&lt;/b&gt;" in html
    assert "2 of 11 questions answered" in html
    assert html.count("Not answered.") == 9
    assert "Not correct (score 0%)" in html
    assert "L02-01" not in html


def test_portfolio_for_everything(bank):
    html = portfolio_html([], bank, generated_at="2024-01-01")
    assert f"0 of {len(bank)} questions answered" in html
    assert "(no name given)" in html
    assert html.startswith("<!DOCTYPE html>")


def test_export_to_a_chosen_path(tmp_path, bank):
    store = AnswerStore(tmp_path / "store")
    out = store.export_html(bank, path=tmp_path / "mine" / "p.html")
    assert out == tmp_path / "mine" / "p.html"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert Path(store.export_csv(path=tmp_path / "x.csv")).read_text().startswith("learner,qid")
