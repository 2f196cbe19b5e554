"""The answer store: round trip, damaged and ill-typed lines, locks, symlinks, exports."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import stat
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from course_lib import fileio
from course_lib.exports import (
    CSV_COLUMNS,
    export_name,
    guard_cell,
    learner_slug,
    records_to_csv,
    unguard_cell,
)
from course_lib.portfolio import portfolio_html
from course_lib.profile import load_profile, set_learner_name
from course_lib.questions import check_answer, load_bank
from course_lib.store import (
    ANSWERS_ENV,
    AnswerStore,
    StoreError,
    course_root,
    default_folder,
    describe_folder,
    encode_record,
    latest_by_question,
    make_record,
    on_binder,
    parse_lines,
    record_problem,
)

ROOT = Path(__file__).resolve().parents[1]
TZ = timezone(timedelta(hours=9), "KST")


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def record(bank, qid, response, learner="Ann", saved_at="2024-01-01T00:00:00Z", **extra):
    q = bank.get(qid)
    return make_record(check_answer(q, response), q, learner, saved_at, **extra)


def line(obj) -> bytes:
    return (json.dumps(obj) + "\n").encode()


def answer_of(bank, qtype):
    q = next(q for q in bank if q["type"] == qtype)
    if qtype == "short_answer":
        return q, "My answer."
    if qtype == "ordering":
        return q, list(q["correct_order"])
    if qtype == "single_choice":
        return q, q["options"][0]["id"]
    return q, [q["options"][0]["id"]]


def make_course(tmp_path) -> Path:
    root = tmp_path / "course"
    (root / "lessons").mkdir(parents=True)
    (root / "lessons" / "00_start_here.ipynb").write_text("{}", encoding="utf-8")
    return root


# ------------------------------------------------------------------ where answers go


def test_default_folder_is_my_answers_in_the_course(tmp_path, monkeypatch):
    root = make_course(tmp_path)
    assert default_folder({}, cwd=root / "lessons") == root / "my_answers"
    assert default_folder({}, cwd=root) == root / "my_answers"
    assert course_root(root / "lessons") == root
    # the environment variable still wins
    assert default_folder({ANSWERS_ENV: str(tmp_path / "x")}, cwd=root) == tmp_path / "x"
    monkeypatch.chdir(root / "lessons")
    assert default_folder({}) == root / "my_answers"


def test_default_folder_falls_back_to_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    home = tmp_path / "home" / ".pyongyang1963" / "answers"
    assert default_folder({}, cwd=tmp_path) == home  # not in a course
    assert default_folder({ANSWERS_ENV: "  "}, cwd=tmp_path) == home
    root = make_course(tmp_path)
    monkeypatch.setattr("course_lib.store.os.access", lambda *_a, **_k: False)
    assert default_folder({}, cwd=root / "lessons") == home  # the course cannot be written
    monkeypatch.undo()
    (root / "my_answers").symlink_to(tmp_path)  # a planted link is never the answers folder
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_folder({}, cwd=root) == home


def test_describe_folder_is_what_the_file_browser_shows(tmp_path, monkeypatch):
    root = make_course(tmp_path)
    monkeypatch.chdir(root / "lessons")
    assert describe_folder(root / "my_answers") == "my_answers/"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert describe_folder(tmp_path / "home" / ".pyongyang1963" / "answers").startswith("~/")
    assert describe_folder("/srv/x") == "/srv/x/"


def test_my_answers_is_ignored_by_git():
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "my_answers/" in lines


def test_tests_never_write_to_the_real_home(tmp_path):
    # conftest points the variable at tmp_path; the store must follow it.
    assert AnswerStore().folder == tmp_path / "answers"


def test_on_binder():
    assert on_binder({"BINDER_LAUNCH_HOST": "https://mybinder.org/"})
    assert on_binder({"BINDER_SERVICE_HOST": "10.0.0.1"})
    assert not on_binder({})
    assert not on_binder({"BINDER_LAUNCH_HOST": ""})


# ------------------------------------------------------------------ records


def test_record_is_one_line_even_with_newlines_and_unicode(bank):
    r = record(bank, "L01-09", "line one\nline two 김일성 刘少奇", learner="  Kim  \n Su ")
    encoded = encode_record(r)
    assert encoded.endswith(b"\n")
    assert encoded.count(b"\n") == 1
    assert json.loads(encoded)["response"] == "line one\nline two 김일성 刘少奇"
    assert r["learner"] == "Kim Su"


def test_make_record_takes_the_attempt_keys(bank):
    r = record(
        bank,
        "L01-01",
        "b",
        learner_id="ab" * 16,
        revealed=True,
        attempts=3,
        hints_used=2,
        first_try_correct=False,
    )
    assert (r["revealed"], r["attempts"], r["hints_used"], r["first_try_correct"]) == (
        True,
        3,
        2,
        False,
    )
    assert r["learner_id"] == "ab" * 16
    assert "revealed" not in record(bank, "L01-01", "b")  # absent unless given
    q = bank.get("L01-01")
    from_result = make_record({**check_answer(q, "b"), "attempts": 2}, q)
    assert from_result["attempts"] == 2


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("attempts", -1),
        ("attempts", 1.5),
        ("attempts", True),
        ("hints_used", "2"),
        ("revealed", "yes"),
        ("first_try_correct", 1),
        ("learner_id", 5),
    ],
)
def test_make_record_refuses_bad_attempt_keys(bank, key, value):
    with pytest.raises(ValueError, match=key):
        record(bank, "L01-01", "b", **{key: value})


# Valid JSON lines that are not usable answers (issue 11, section 5).
ILL_TYPED = {
    "a number for a choice": {"response": 5},
    "a list in a list": {"response": [[1]]},
    "NaN score": "NaN",
    "a string for a list": {"response": "abc"},
    "a dict response": {"response": {"a": 1}},
    "a null response": {"response": None},
    "infinite score": {"score": 1e400},
    "score above 1": {"score": 2},
    "text score": {"score": "1"},
    "correct as text": {"correct": "yes"},
    "lesson as text": {"lesson": "1"},
    "learner as a list": {"learner": ["x"]},
    "negative attempts": {"attempts": -2},
}


def ill_typed_lines(bank):
    """For each question type, every ill-typed variant of a valid record, as raw lines."""
    out = []
    for qtype in ("single_choice", "multiple_choice", "ordering", "evidence", "short_answer"):
        q, response = answer_of(bank, qtype)
        good = make_record(check_answer(q, response), q, "Ann", "2024-01-01T00:00:00Z")
        for why, change in ILL_TYPED.items():
            if change == "NaN":
                raw = encode_record(good).replace(b'"score":', b'"score":NaN,"x":', 1)
                if qtype == "short_answer":
                    raw = encode_record(good).replace(b'"score":null', b'"score":NaN', 1)
            else:
                if qtype == "short_answer" and why == "a string for a list":
                    change = {"response": ["abc"]}
                raw = line({**good, **change}).replace(b"Infinity", b"1e400")
            out.append((f"{qtype}: {why}", raw))
    out += [("a JSON string", b'"abc"\n'), ("a JSON list", b"[1, 2]\n"), ("null", b"null\n")]
    return out


def test_record_problem_names_what_is_wrong(bank):
    q, response = answer_of(bank, "multiple_choice")
    good = make_record(check_answer(q, response), q)
    assert record_problem(good, bank) == ""
    assert "list of options" in record_problem({**good, "response": 5})
    assert "score" in record_problem({**good, "score": float("nan")})
    assert "not question" in record_problem({**good, "type": "short_answer"}, bank)
    assert record_problem("abc") == "not an answer record"
    assert record_problem({"qid": "", "response": "a"}).startswith("not an answer record")


def test_parse_lines_sorts_good_from_bad(bank):
    good = encode_record(record(bank, "L01-01", "a"))
    data = good + b"{not json\n" + b"[1, 2]\n" + b"\xff\xfe\n" + b"\n" + good.rstrip(b"\n")
    ok, bad = parse_lines(data)
    assert [n for n, _, _ in ok] == [1, 6]
    assert [n for n, _, _ in bad] == [2, 3, 4]
    assert "UTF-8" in bad[2][2]


def test_every_ill_typed_line_is_set_aside(bank):
    cases = ill_typed_lines(bank)
    assert len(cases) == 5 * len(ILL_TYPED) + 3
    for why, raw in cases:
        ok, bad = parse_lines(raw, bank)
        assert ok == [], why
        assert len(bad) == 1, why
        assert bad[0][1] == raw, why


def test_a_bom_on_the_first_line_is_read(bank):
    good = encode_record(record(bank, "L01-01", "a"))
    ok, bad = parse_lines(b"\xef\xbb\xbf" + good + good)
    assert bad == []
    assert len(ok) == 2
    ok, bad = parse_lines(good + b"\xef\xbb\xbf" + good)  # only the first line may carry one
    assert [n for n, _, _ in bad] == [2]


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
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


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
    assert "moved, unchanged, to" in report.message()
    assert set(report.answers) == {"L01-01", "L01-04"}
    assert store.corrupt_path.read_bytes() == b'{"qid": "L01-04", "resp\n'
    assert b"resp\n" not in store.path.read_bytes()
    again = store.load()
    assert again.corrupt == []
    assert len(again.records) == 2


def test_ill_typed_records_never_break_an_export(tmp_path, bank):
    """Issue 11 §5: 16 of 45 such lines crashed the CSV or HTML export; now none does."""
    cases = ill_typed_lines(bank)
    crashed = []
    for i, (why, raw) in enumerate(cases):
        store = AnswerStore(tmp_path / str(i), bank=bank)
        store.append(record(bank, "L01-01", "b"))
        with store.path.open("ab") as fh:
            fh.write(raw)
        try:
            report = store.load()
            store.export_csv(bank)
            store.export_html(bank)
            portfolio_html(report.records, bank)
            records_to_csv(report.records, bank)
        except Exception as exc:
            crashed.append((why, exc))
            continue
        assert len(report.corrupt) == 1, why
        assert report.answers.keys() == {"L01-01"}, why
        assert store.corrupt_path.read_bytes() == raw, why
    assert crashed == []


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


# ------------------------------------------------------------------ no fcntl (Pyodide)


def test_the_store_works_without_fcntl(tmp_path, bank, monkeypatch):
    monkeypatch.setattr(fileio, "fcntl", None)
    store = AnswerStore(tmp_path)
    n = 150

    def write(tag):
        for i in range(n):
            store.append({"v": 1, "qid": f"{tag}-{i}", "response": tag * 40})

    threads = [threading.Thread(target=write, args=(t,)) for t in "AB"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = store.load()
    assert len(report.records) == 2 * n
    assert report.corrupt == []
    assert not (tmp_path / ".answers.lock.excl").exists()  # released
    assert not (tmp_path / ".answers.lock").exists()  # fcntl's lock file never made


def test_fallback_lock_takes_over_a_stale_lock_and_waits_for_a_live_one(tmp_path, monkeypatch):
    import socket

    monkeypatch.setattr(fileio, "fcntl", None)
    lock = tmp_path / ".answers.lock.excl"
    dead = 2**22 + 12345  # above any pid_max default: no such process
    lock.write_text(f"{socket.gethostname()} {dead}", encoding="utf-8")
    with fileio.locked(tmp_path):
        assert lock.read_text(encoding="utf-8").endswith(f" {os.getpid()}")
    assert not lock.exists()
    lock.write_text("another-host 1", encoding="utf-8")
    old = lock.stat().st_mtime - 3600
    os.utime(lock, (old, old))  # a lock from another machine, an hour old
    with fileio.locked(tmp_path):
        pass
    lock.write_text(f"{socket.gethostname()} {os.getpid()}", encoding="utf-8")  # held, alive
    with (
        pytest.raises(fileio.LockTimeout, match="still saving"),
        fileio.locked(tmp_path, wait=0.05),
    ):
        pass
    assert lock.exists()  # a live holder's lock is never removed


# ------------------------------------------------------------------ symlinks


def test_a_planted_symlink_is_never_followed(tmp_path, bank):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious", encoding="utf-8")
    store = AnswerStore(tmp_path / "answers")
    store.folder.mkdir()
    store.path.symlink_to(outside)
    with pytest.raises(StoreError, match="symbolic link"):
        store.append(record(bank, "L01-01", "a"))
    with pytest.raises(StoreError, match="symbolic link"):
        store.load()
    assert outside.read_text(encoding="utf-8") == "precious"


def test_symlinked_exports_folder_and_names_are_refused(tmp_path, bank):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    store = AnswerStore(tmp_path / "answers")
    store.append(record(bank, "L01-01", "a"))
    store.exports.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(StoreError, match="symbolic link"):
        store.export_csv(bank)
    assert list(elsewhere.iterdir()) == []
    store.exports.unlink()
    store.exports.mkdir()
    taken = store.exports / export_name("answers", "csv", "", load_profile(store.folder).learner_id)
    taken.symlink_to(tmp_path / "outside.csv")
    path = store.export_csv(bank)
    assert path.name.endswith("_answers-2.csv")  # the link's name is skipped, not written through
    assert not (tmp_path / "outside.csv").exists()


def test_symlinked_corrupt_file_is_refused(tmp_path, bank):
    store = AnswerStore(tmp_path)
    store.append(record(bank, "L01-01", "a"))
    with store.path.open("ab") as fh:
        fh.write(b"{bad\n")
    store.corrupt_path.symlink_to(tmp_path / "outside")
    with pytest.raises(StoreError, match="symbolic link"):
        store.load()
    assert not (tmp_path / "outside").exists()
    assert b"{bad" in store.path.read_bytes()  # nothing was lost either


# ------------------------------------------------------------------ the formula guard


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain",
        "=1+1",
        "'=1+1",
        "''=x",
        "'",
        "+49 30",
        "-5",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "a'b",
        "'hello",
        '=HYPERLINK("http://x") 김일성',
    ],
)
def test_the_guard_is_exactly_reversible(text):
    guarded = guard_cell(text)
    assert unguard_cell(guarded) == text
    assert not guarded.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_an_answer_that_begins_with_a_quote_round_trips(bank):
    answer = "'=SUM(A1:A3) is what I would type"
    text = records_to_csv([record(bank, "L01-09", answer, learner="=evil")], bank)
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["response"] == "''=SUM(A1:A3) is what I would type"
    assert {k: unguard_cell(v) for k, v in row.items()}["response"] == answer
    assert row["learner"] == "'=evil"
    assert unguard_cell(row["learner_name"]) == "=evil"


# ------------------------------------------------------------------ exports


def test_csv_export(tmp_path, bank):
    store = AnswerStore(tmp_path)
    set_learner_name("Ann Lee", tmp_path)
    profile = load_profile(tmp_path)
    store.append(record(bank, "L01-04", "b"))
    store.append(record(bank, "L01-01", "a"))
    store.append(
        record(
            bank, "L01-01", "b", attempts=2, hints_used=1, revealed=False, first_try_correct=False
        )
    )
    store.append(record(bank, "L01-09", '=HYPERLINK("http://x") 김일성'))
    store.append(record(bank, "L02-02", "a"))
    when = datetime(2026, 12, 4, 14, 5, tzinfo=UTC)
    path = store.export_csv(bank, when=when)
    assert path.parent == tmp_path / "exports"
    assert path.name == "Ann-Lee_course_2026-12-04_answers.csv"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert list(rows[0]) == CSV_COLUMNS
    assert [r["qid"] for r in rows] == ["L01-01", "L01-04", "L01-09", "L02-02"]
    first = rows[0]
    assert (first["learner"], first["learner_name"], first["learner_id"]) == (
        "Ann Lee",
        "Ann Lee",
        profile.learner_id,
    )
    assert (first["attempts"], first["hints_used"], first["revealed"]) == ("2", "1", "false")
    assert first["first_try_correct"] == "false"
    assert rows[1]["attempts"] == ""  # not recorded
    assert first["correct"] == "true"
    assert first["answer_text"].startswith("Turns 11 and 13")
    assert rows[2]["response"].startswith("'=HYPERLINK")  # formula neutralised
    lesson = store.export_csv(bank, lesson=1, when=when)
    assert lesson.name == "Ann-Lee_lesson-01_2026-12-04_answers.csv"
    assert "L02-02" not in lesson.read_text(encoding="utf-8")


def test_csv_without_bank_keeps_raw_responses(bank):
    text = records_to_csv([record(bank, "L01-03", ["a", "c"], learner="+evil")])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["response"] == '["a", "c"]'
    assert row["learner"] == "'+evil"


def test_exports_never_overwrite_and_lessons_do_not_collide(tmp_path, bank):
    """Issue 11 §3: lessons 1 and 5 both wrote portfolio_Mina_Park.html; the CSV answers.csv."""
    store = AnswerStore(tmp_path)
    set_learner_name("Mina Park", tmp_path)
    store.append(record(bank, "L01-01", "b"))
    when = datetime(2026, 12, 4, 14, 5, tzinfo=UTC)
    one = store.export_html(bank, lesson=1, when=when)
    five = store.export_html(bank, lesson=5, when=when)
    course = store.export_html(bank, when=when)
    again = store.export_html(bank, lesson=1, when=when)
    names = [p.name for p in (one, five, course, again)]
    assert names == [
        "Mina-Park_lesson-01_2026-12-04_portfolio.html",
        "Mina-Park_lesson-05_2026-12-04_portfolio.html",
        "Mina-Park_course_2026-12-04_portfolio.html",
        "Mina-Park_lesson-01_2026-12-04_portfolio-2.html",
    ]
    assert len(set(p.read_bytes() for p in (one, five))) == 2
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in (one, five, course, again))


def test_a_failed_export_leaves_the_old_file_whole(tmp_path, bank, monkeypatch):
    store = AnswerStore(tmp_path)
    store.append(record(bank, "L01-01", "b"))
    target = tmp_path / "mine.html"
    store.export_html(bank, path=target)
    before = target.read_bytes()
    assert len(before) > 4096

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "replace", boom)
    with pytest.raises(StoreError, match="No space"):
        store.export_html(bank, path=target, learner="Someone else")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_export_name_and_slug():
    when = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    assert export_name("essay", "md", "김 일성", lesson=5, when=when).startswith(
        "김-일성_lesson-05_"
    )
    assert learner_slug("<script>/../x", "") == "script-x"
    assert learner_slug("", "") == "learner"
    assert "/" not in export_name("x/../y", "h/tml", "a/b")


# ------------------------------------------------------------------ the portfolio


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
    assert "Not correct." in html
    assert "L02-01" not in html


def test_portfolio_for_everything(bank):
    html = portfolio_html([], bank, generated_at="2024-01-01T00:00:00Z", tz=UTC)
    assert f"0 of {len(bank)} questions answered" in html
    assert "(no name given)" in html
    assert "Whole course" in html
    assert html.startswith("<!DOCTYPE html>")
    assert "Generated 1 Jan 2024, 00:00 UTC" in html


def test_portfolio_times_are_local_and_readable(bank):
    records = [record(bank, "L01-01", "b", saved_at="2026-12-04T05:05:00Z")]
    html = portfolio_html(records, bank, "Ann", "2026-12-04T05:06:00Z", lesson=1, tz=TZ)
    assert "saved 4 Dec 2026, 14:05" in html
    assert "Generated 4 Dec 2026, 14:06" in html
    assert "2026-12-04T05:05:00Z" not in html


def test_portfolio_says_what_the_feedback_said(bank):
    q = next(q for q in bank if q["type"] == "ordering")
    wrong = list(reversed(q["correct_order"]))
    result = check_answer(q, wrong)
    html = portfolio_html([make_record(result, q)], bank, lesson=q["lesson"])
    assert result["message"].rstrip(".") in html  # "1 of 5 items in the right place (score 20%)"
    # No second, differently worded score beside the feedback's own.
    section = html.split(q["id"], 2)[-1].split("Explanation")[0]
    assert section.count("score") == result["message"].count("score")


def test_portfolio_shows_how_the_answer_was_reached(bank):
    records = [record(bank, "L01-01", "b", attempts=3, hints_used=2, revealed=True)]
    html = portfolio_html(records, bank, lesson=1)
    assert "Checked 3 times; 2 hints used; the answer was shown on request." in html


def test_course_portfolio_carries_every_lesson_and_the_essay(tmp_path, bank):
    from course_lib.capstone import CapstoneState

    essay = CapstoneState(essay="My <b>claim</b>.", checks={"claim": True})
    records = [record(bank, "L01-01", "b"), record(bank, "L05-01", "a")]
    course = portfolio_html(records, bank, "Ann", capstone=essay)
    assert all(f"Lesson 0{n}" in course for n in range(1, 6))
    assert "Capstone essay" in course
    assert "My &lt;b&gt;claim&lt;/b&gt;." in course
    one = portfolio_html(records, bank, "Ann", lesson=1, capstone=essay)
    assert "Capstone essay" not in one
    assert "Lesson 02" not in one


def test_without_fcntl_a_writer_waits_for_the_lock(tmp_path, bank, monkeypatch):
    monkeypatch.setattr(fileio, "fcntl", None)
    store = AnswerStore(tmp_path)
    started, done = threading.Event(), threading.Event()

    def write():
        started.set()
        store.append(record(bank, "L01-01", "a"))
        done.set()

    with fileio.locked(tmp_path, ".answers.lock"):
        worker = threading.Thread(target=write)
        worker.start()
        started.wait()
        assert not done.wait(0.3)  # held out while another notebook holds the folder
        assert not store.path.exists()
    worker.join()
    assert done.is_set()
    assert len(store.load().records) == 1


def test_a_symlinked_answers_folder_is_refused(tmp_path, bank):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    with pytest.raises(StoreError, match="symbolic link"):
        AnswerStore(tmp_path / "link").append(record(bank, "L01-01", "a"))
    assert list(real.iterdir()) == []
    # a link further up the path is fine (a home folder on another disk)
    store = AnswerStore(tmp_path / "link" / "answers")
    store.append(record(bank, "L01-01", "a"))
    assert (real / "answers" / "answers.jsonl").exists()
