"""The capstone: evidence, essay checks, rubric, the draft (merged, never lost) and the export."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

import course_lib
from course_lib import capstone as cap
from course_lib import capstone_draft as drafts
from course_lib import capstone_export as cx
from course_lib import fileio
from course_lib.debounce import Debouncer
from course_lib.profile import load_profile
from course_lib.widgets.capstone_widget import capstone
from tests.conftest import HOSTILE


@pytest.fixture(scope="module")
def turns() -> pd.DataFrame:
    return course_lib.load_turns()


@pytest.fixture
def answers() -> Path:
    return Path(os.environ["PYONGYANG1963_ANSWERS"])


class Clock:
    """A fake monotonic clock and scheduler: nothing runs until the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.calls: list[list] = []

    def __call__(self) -> float:
        return self.now

    def schedule(self, delay, callback):
        entry = [self.now + delay, callback, False]
        self.calls.append(entry)

        class Handle:
            def cancel(self_inner) -> None:
                entry[2] = True

        return Handle()

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for entry in list(self.calls):
            due, callback, cancelled = entry
            if not cancelled and due <= self.now:
                self.calls.remove(entry)
                callback()


def build(turns, folder=None, clock=None):
    clock = clock or Clock()
    return capstone(turns, folder, clock=clock, schedule=clock.schedule)


def saved(folder: Path) -> dict:
    data = json.loads((folder / drafts.DRAFT_NAME).read_text(encoding="utf-8"))
    return {k: v["value"] for k, v in data["fields"].items()}


# --- pure functions -------------------------------------------------------------------------


def test_sentences_rebuild_the_turn(turns):
    for text in turns["text"]:
        parts = cap.sentences(text)
        assert parts
        assert " ".join(parts) == " ".join(text.split())
    assert cap.sentences(None) == []


def test_make_evidence_verbatim(turns):
    ev = cap.make_evidence(turns, 9, "As we arrived in [North] Korea today")
    assert ev == cap.Evidence(9, "Liu", "As we arrived in [North] Korea today")
    assert cap.format_evidence(ev) == "“As we arrived in [North] Korea today” (Minutes, turn 9)"
    whole = cap.make_evidence(turns, 4)
    assert whole.quote == "Thank you."
    assert cap.make_evidence(turns, "18", "  “We agree.” ").quote == "We agree."


@pytest.mark.parametrize(
    ("turn", "quote", "message"),
    [
        (9, "As we arrived in North Korea today", "not word for word in turn 9"),
        (55, None, "there is no turn 55"),
        ("x", None, "not a turn number"),
        (None, None, "not a turn number"),
        (9, "a" * 3000, "at most 2000"),
        (9, 42, "must be text"),
        (9, "<script>alert(1)</script>", "not word for word"),
    ],
)
def test_make_evidence_rejects(turns, turn, quote, message):
    with pytest.raises(ValueError, match=message):
        cap.make_evidence(turns, turn, quote)


def test_check_essay(turns):
    essay = (
        "Liu flattered his hosts: “As we arrived in [North] Korea today” (Minutes, turn 9). "
        "Kim agreed: “We agree” (Minutes, turn 18). "
        "He cut a quote: “Because new situations … we should consider new issues.” "
        "(Minutes, turn 41). A misquote: “we will never break” (Minutes, turn 42). "
        "And a ghost (Minutes, turn 99)."
    )
    report = cap.check_essay(essay, turns)
    assert report["cited_turns"] == [9, 18, 41, 42, 99]
    assert report["quotes_ok"] == 3
    problems = " ".join(report["problems"])
    assert "not word for word in turn 42" in problems
    assert "There is no turn 99" in problems
    assert "aim for 250" in problems
    assert cap.check_essay(None, turns)["words"] == 0
    assert cap.check_essay("", turns)["problems"] == []


def test_rubric_score():
    keys = [k for k, _ in cap.RUBRIC]
    assert cap.rubric_score({}) == (0, len(keys))
    assert cap.rubric_score({keys[0]: True, keys[1]: False, "bogus": True}) == (1, len(keys))


def test_rubric_titles_cover_the_rubric():
    assert set(cap.RUBRIC_TITLES) == {k for k, _ in cap.RUBRIC}


def _state(turns) -> cap.CapstoneState:
    return cap.CapstoneState(
        essay="China paid court.\n\nKim <b>agreed</b> & went further.",
        evidence=[cap.make_evidence(turns, 15, "Khrushchev's revisionism")],
        checks={"claim": True},
        name="<script>Ann</script>",
    )


def test_markdown_and_html(turns):
    when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    state = _state(turns)
    md = cx.to_markdown(state, when, tz=UTC)
    assert "“Khrushchev's revisionism” (Minutes, turn 15)" in md
    assert "- [x] It opens with a clear answer" in md
    assert "Self-assessment (1 of 7)" in md
    assert "Exported 2 Jan 2026, 03:04 UTC" in md
    page = cx.to_html(state, when, tz=timezone(timedelta(hours=9)))
    assert "<script>" not in page
    assert "<b>agreed</b>" not in page
    assert "&lt;b&gt;agreed&lt;/b&gt; &amp; went further." in page
    assert page.count("<p>") >= 2
    assert "Exported 2 Jan 2026, 12:04" in page  # local time, readable
    assert 'href="https://digitalarchive.wilsoncenter.org/document/116542"' in page


def test_answers_dir_follows_the_store(tmp_path, monkeypatch):
    assert drafts.answers_dir({"PYONGYANG1963_ANSWERS": str(tmp_path)}) == tmp_path
    monkeypatch.chdir(tmp_path)  # not in a course folder: the home fallback
    home_default = Path.home() / ".pyongyang1963" / "answers"
    assert drafts.answers_dir({"PYONGYANG1963_ANSWERS": "  "}) == home_default


def test_export_is_named_like_every_hand_in_and_never_overwrites(turns, answers):
    when = datetime(2026, 12, 4, 14, 5, tzinfo=UTC)
    state = _state(turns)
    state.name = "Mina Park"
    first = cx.export(state, "md", when=when)
    assert first == answers / "exports" / "Mina-Park_lesson-05_2026-12-04_essay.md"
    assert "Khrushchev's revisionism" in first.read_text(encoding="utf-8")
    again = cx.export(state, "md", when=when)
    assert again.name == "Mina-Park_lesson-05_2026-12-04_essay-2.md"
    page = cx.export(state, "html", when=when)
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in (first, again, page))
    with pytest.raises(ValueError, match="unknown format"):
        cx.export(state, "pdf")


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "capstone.md"
    target.write_text("old", encoding="utf-8")

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "replace", boom)
    with pytest.raises(OSError, match="No space"):
        fileio.write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["capstone.md"]


# --- the draft: merged by field ---------------------------------------------------------------


def test_merge_keeps_the_newer_change_of_each_field():
    disk = {"essay": ("long essay", "2026-01-01T10:00:00Z"), "checks.claim": (False, "")}
    mine = {"essay": ("", ""), "checks.claim": (True, "2026-01-01T09:00:00.5Z")}
    merged = drafts.merge_fields(disk, mine)
    assert merged == {
        "essay": ("long essay", "2026-01-01T10:00:00Z"),
        "checks.claim": (True, "2026-01-01T09:00:00.5Z"),
    }
    assert drafts.merge_fields({}, mine) == mine
    tie = drafts.merge_fields(
        {"essay": ("a", "2026-01-01T10:00:00Z")}, {"essay": ("b", "2026-01-01T10:00:00Z")}
    )
    assert tie["essay"][0] == "b"


def test_draft_round_trip(turns, answers):
    state = _state(turns)
    drafts.save_draft(state)
    again = drafts.load_draft(turns=turns)
    assert again.essay == state.essay
    assert again.evidence == state.evidence
    assert again.checks["claim"] is True
    assert stat.S_IMODE((answers / drafts.DRAFT_NAME).stat().st_mode) == 0o600


def test_two_widgets_never_erase_each_others_work(turns, answers):
    """Issue 11 §2: a second widget on the same folder saved its whole stale state over the essay."""
    clock = Clock()
    a = build(turns, clock=clock).controls
    b = build(turns, clock=clock).controls  # a re-run cell: built before anything was typed
    essay = "Liu courted Kim: “We agree.” (Minutes, turn 18). " * 20
    a["essay"].value = essay
    clock.advance(0.2)
    b["rubric"]["claim"].value = True
    b["rubric"]["exact"].value = True
    clock.advance(0.2)
    b["turn"].value = 18
    b["add"].click()
    clock.advance(2)
    a["rubric"]["limits"].value = True  # a's rubric view is stale, but only "limits" changed
    clock.advance(2)
    on_disk = saved(answers)
    lost = [
        what
        for what, ok in {
            "essay": on_disk.get("essay") == essay,
            "claim": on_disk.get("checks.claim") is True,
            "exact": on_disk.get("checks.exact") is True,
            "limits": on_disk.get("checks.limits") is True,
            "evidence": [e["turn"] for e in on_disk.get("evidence", [])] == [18],
        }.items()
        if not ok
    ]
    assert lost == []  # the figure for the issue: 0 fields lost
    # Each widget now shows the other's work too, and a third one loads all of it.
    assert a["rubric"]["claim"].value is True
    assert b["essay"].value == essay
    c = build(turns).controls
    assert c["essay"].value == essay
    assert [c["rubric"][k].value for k in ("claim", "exact", "limits")] == [True, True, True]
    assert "(Minutes, turn 18)" in c["copy"].value


def test_two_widgets_with_no_fcntl(turns, answers, monkeypatch):
    monkeypatch.setattr(fileio, "fcntl", None)
    a, b = build(turns).controls, build(turns).controls
    a["essay"].value = "typed in a"
    b["rubric"]["claim"].value = True
    on_disk = saved(answers)
    assert (on_disk["essay"], on_disk["checks.claim"]) == ("typed in a", True)
    assert not (answers / ".capstone.lock.excl").exists()


# --- the draft: damaged files -----------------------------------------------------------------

GOOD = {
    "v": 2,
    "fields": {
        "essay": {"value": "Mon essai: Kim était prudent. " * 10, "at": "2026-01-01T00:00:00Z"},
        "checks.claim": {"value": True, "at": "2026-01-01T00:00:00Z"},
        "evidence": {
            "value": [{"turn": 18, "speaker": "Kim", "quote": "We agree."}],
            "at": "2026-01-01T00:00:00Z",
        },
    },
}
GOOD_BYTES = json.dumps(GOOD, ensure_ascii=False).encode("utf-8")
DAMAGED = {
    "truncated JSON": GOOD_BYTES[: GOOD_BYTES.index(b"prudent. Mon") + 5],
    "Latin-1": json.dumps(GOOD, ensure_ascii=False).encode("latin-1"),
    "a JSON list": b"[" + GOOD_BYTES + b"]",
    "truncated in an escape": b'{"v": 2, "fields": {"essay": {"value": "abc\\u00',
    "not a draft": b'{"hello": 1}',
    "binary": b"\x00\x01\x02\xff",
    "wrong kinds": json.dumps(
        {"essay": 5, "evidence": [{"turn": 9, "quote": "invented"}, "x"], "checks": []}
    ).encode(),
}


@pytest.mark.parametrize("why", list(DAMAGED))
def test_an_unreadable_draft_is_kept_byte_for_byte(turns, answers, why):
    raw = DAMAGED[why]
    answers.mkdir(parents=True, exist_ok=True)
    (answers / drafts.DRAFT_NAME).write_bytes(raw)
    draft = drafts.read_draft(answers, turns)
    kept = list(answers.glob(drafts.DRAFT_NAME + ".corrupt-*"))
    assert len(kept) == 1
    assert kept[0].read_bytes() == raw
    assert draft.kept_as == kept[0]
    assert "could not be read as it was" in draft.message()
    assert kept[0].name in draft.message()
    # The draft is repaired, so the next load is clean and makes no second copy.
    again = drafts.read_draft(answers, turns)
    assert again.problem == ""
    assert again.state == draft.state
    assert len(list(answers.glob(drafts.DRAFT_NAME + ".corrupt-*"))) == 1


def test_what_can_be_read_is_loaded(turns, answers):
    answers.mkdir(parents=True, exist_ok=True)
    expected = GOOD["fields"]["essay"]["value"]
    for why in ("Latin-1", "a JSON list"):
        (answers / drafts.DRAFT_NAME).write_bytes(DAMAGED[why])
        state = drafts.read_draft(answers, turns).state
        assert state.essay == expected, why
        assert state.checks == {"claim": True}
        assert state.evidence == [cap.Evidence(18, "Kim", "We agree.")]
    (answers / drafts.DRAFT_NAME).write_bytes(DAMAGED["truncated JSON"])
    state = drafts.read_draft(answers, turns).state
    assert state.essay
    assert expected.startswith(state.essay)
    (answers / drafts.DRAFT_NAME).write_bytes(DAMAGED["wrong kinds"])
    state = drafts.read_draft(answers, turns).state
    assert state.essay == ""
    assert [(e.turn, e.quote) for e in state.evidence] == [(9, "invented")]  # kept, flagged
    assert "not word for word" in state.evidence[0].problem


def test_a_bom_draft_is_just_read(turns, answers):
    answers.mkdir(parents=True, exist_ok=True)
    (answers / drafts.DRAFT_NAME).write_bytes(b"\xef\xbb\xbf" + GOOD_BYTES)
    draft = drafts.read_draft(answers, turns)
    assert draft.problem == ""
    assert draft.kept_as is None
    assert draft.state.essay == GOOD["fields"]["essay"]["value"]
    assert list(answers.glob("*.corrupt-*")) == []


def test_an_old_flat_draft_is_read(turns, answers):
    answers.mkdir(parents=True, exist_ok=True)
    old = {
        "essay": "old essay",
        "evidence": [{"turn": 18, "speaker": "Kim", "quote": "We agree."}],
        "checks": {"claim": True, "gone": True},
        "name": "Su",
    }
    (answers / drafts.DRAFT_NAME).write_text(json.dumps(old), encoding="utf-8")
    draft = drafts.read_draft(answers, turns)
    assert draft.problem == ""
    assert (draft.state.essay, draft.state.checks, draft.state.name) == (
        "old essay",
        {"claim": True},
        "Su",
    )
    c = build(turns).controls  # the name moves to the profile
    assert c["name"].value == "Su"
    assert load_profile(answers).name == "Su"


def test_the_widget_tells_the_learner_and_keeps_working(turns, answers):
    answers.mkdir(parents=True, exist_ok=True)
    (answers / drafts.DRAFT_NAME).write_bytes(DAMAGED["truncated JSON"])
    c = build(turns).controls
    assert "could not be read as it was" in c["notice"].value
    assert c["essay"].value.startswith("Mon essai")
    c["essay"].value += " More."
    assert saved(answers)["essay"].endswith(" More.")


def test_evidence_no_longer_verbatim_is_kept_and_flagged(turns, answers):
    drafts.save_fields(
        {
            "evidence": (
                [
                    {"turn": 9, "speaker": "Liu", "quote": "As we left"},
                    {"turn": 18, "speaker": "Kim", "quote": "We agree."},
                    {"turn": 77, "speaker": "Kim", "quote": "x"},
                ],
                "",
            )
        },
        answers,
    )
    c = build(turns).controls
    assert c["copy"].value.count("\n") == 2  # three items, none dropped
    assert c["evidence"].value.count("Check this quotation") == 2
    assert "no longer match the minutes" in c["notice"].value
    page = cx.to_html(build(turns).state)
    assert page.count("Check this quotation") == 2
    c["remove"].click()  # the learner can still remove a flagged item
    assert [e["turn"] for e in saved(answers)["evidence"]] == [9, 18]


def test_a_symlinked_draft_is_refused(turns, answers, tmp_path):
    answers.mkdir(parents=True, exist_ok=True)
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"essay": "not mine"}), encoding="utf-8")
    (answers / drafts.DRAFT_NAME).symlink_to(outside)
    with pytest.raises(fileio.SymlinkError):
        drafts.read_draft(answers)
    c = build(turns).controls
    assert "symbolic link" in c["notice"].value
    c["essay"].value = "mine"
    assert "Could not save your draft" in c["saved"].value
    assert json.loads(outside.read_text(encoding="utf-8")) == {"essay": "not mine"}


# --- saving while typing ----------------------------------------------------------------------


def test_debouncer_is_at_most_one_delay_behind():
    clock, saves = Clock(), []
    d = Debouncer(lambda: saves.append(clock.now), 1.0, clock=clock, schedule=clock.schedule)
    d.touch()
    assert saves == [1000.0]  # the first change after a pause is saved at once
    for _ in range(9):  # a burst of typing: 9 changes in 0.9 s
        clock.advance(0.1)
        d.touch()
    assert saves == [1000.0]
    assert len([c for c in clock.calls if not c[2]]) == 1  # one flush waiting, not nine
    clock.advance(0.1)
    assert saves == [1000.0, pytest.approx(1001.0)]  # a second behind, no more
    assert d.flush() is False  # nothing pending
    d.touch()
    d.touch()
    assert d.flush() is True  # "blur": save now
    assert clock.calls == [] or all(c[2] for c in clock.calls)


def test_debouncer_keeps_a_timer_error_for_later():
    clock = Clock()

    def fail():
        raise OSError("disk gone")

    d = Debouncer(fail, 1.0, clock=clock, schedule=clock.schedule)
    d._last = clock.now
    d.touch()
    clock.advance(1.0)
    assert isinstance(d.error, OSError)


def test_the_essay_is_saved_while_typing(turns, answers):
    """Issue 11 §2: the essay was saved only when the box lost focus; a reload lost it."""
    clock = Clock()
    box = build(turns, clock=clock)
    c = box.controls
    assert c["essay"].continuous_update is True
    c["essay"].value = "F"
    assert saved(answers)["essay"] == "F"  # the first key press is saved at once
    clock.advance(0.4)
    c["essay"].value = "First sentence."
    assert saved(answers)["essay"] == "F"  # not on every key press...
    clock.advance(0.6)
    assert saved(answers)["essay"] == "First sentence."  # ...but within a second
    clock.advance(5)
    c["essay"].value = "First sentence. Second"
    clock.advance(0.1)
    c["essay"].value = "First sentence. Second one."
    c["rubric"]["claim"].value = True  # another control used: the box lost focus, save now
    assert saved(answers)["essay"] == "First sentence. Second one."
    assert "Draft saved" in c["saved"].value
    # a reload (a new widget, as after a kernel restart) shows it
    assert build(turns).controls["essay"].value == "First sentence. Second one."


# --- the widget -------------------------------------------------------------------------------


def test_widget_picks_evidence_by_sentence(turns, answers):
    c = build(turns).controls
    c["turn"].value = 41
    labels = [label for label, _ in c["sentence"].options]
    assert labels[0] == "(the whole turn)"
    assert labels[1].startswith("1. Because new situations have emerged")
    c["sentence"].value = 0
    c["add"].click()
    assert "Added:" in c["picker_status"].value
    line = (
        "“Because new situations have emerged, we should consider new issues.” (Minutes, turn 41)"
    )
    assert c["copy"].value == line
    assert "(Minutes, turn 41)" in c["evidence"].value
    c["add"].click()
    assert "Already in your evidence" in c["picker_status"].value
    assert saved(answers)["evidence"][0]["turn"] == 41


def test_widget_quote_span_and_bad_quote(turns):
    c = build(turns).controls
    c["turn"].value = 48
    c["quote"].value = "Mikoyan came to specifically ask [for repayment] and we refused"
    c["add"].click()
    assert "(Minutes, turn 48)" in c["copy"].value
    c["quote"].value = "Mikoyan asked and we paid"
    c["add"].click()
    assert "Not added" in c["picker_status"].value
    assert c["copy"].value.count("\n") == 0


@pytest.mark.parametrize("raw", HOSTILE)
def test_widget_hostile_inputs(turns, raw):
    c = build(turns).controls
    c["quote"].value = raw
    c["add"].click()
    c["essay"].value = raw
    c["name"].value = raw
    for part in ("picker_status", "evidence", "check", "export_status", "download", "portfolio"):
        assert "<script>" not in c[part].value
        assert "<img" not in c[part].value
    c["export"].click()
    assert "Saved a copy as" in c["export_status"].value


def test_widget_essay_check_insert_and_remove(turns):
    c = build(turns).controls
    c["turn"].value = 18
    c["add"].click()
    c["insert"].click()
    assert c["essay"].value == "“We agree.” (Minutes, turn 18)"
    assert "quotations checked word for word: 1" in c["check"].value
    c["remove"].click()
    assert c["copy"].value == ""
    c["remove"].click()
    assert "no evidence to remove" in c["picker_status"].value


def decode(link: str) -> str:
    m = re.search(r'href="data:[^;]+;charset=utf-8;base64,([A-Za-z0-9+/=]+)"', link)
    assert m, link[:200]
    return base64.b64decode(m.group(1)).decode("utf-8")


def test_widget_rubric_download_export_and_restore(turns, answers):
    c = build(turns).controls
    c["name"].value = "Mina Park"
    c["essay"].value = "My claim."
    c["rubric"]["claim"].value = True
    c["rubric"]["exact"].value = True
    assert "2 of 7" in c["score"].value
    # one click: the download is a real link, styled as a button, carrying the current essay
    link = c["download"].value
    assert link.startswith('<a class="p63-button p63-download" download="Mina-Park_lesson-05_')
    assert "downloads the file Mina-Park_lesson-05_" in link
    assert "Download your essay (HTML page)" in link
    assert "My claim." in decode(link)
    c["format"].value = "md"
    assert "- [x] Every quotation is word for word" in decode(c["download"].value)
    c["export"].click()
    files = list((answers / "exports").glob("Mina-Park_lesson-05_*_essay.md"))
    assert len(files) == 1
    assert files[0].name in c["export_status"].value
    # the course portfolio is offered too, with the essay in it
    assert "Download the whole course&#39;s portfolio (HTML)" in c["portfolio"].value
    # a new widget (a reopened notebook) restores the draft and the name
    again = build(turns).controls
    assert again["essay"].value == "My claim."
    assert again["rubric"]["claim"].value is True
    assert again["name"].value == "Mina Park"
    assert "2 of 7" in again["score"].value


def test_the_name_is_typed_once_for_the_course(turns, answers):
    from course_lib.widgets import question_set

    c = build(turns).controls
    qs = question_set(1, folder=answers, env={}).view
    c["name"].value = "Su Kim"
    assert load_profile(answers).name == "Su Kim"
    assert qs.name.value == "Su Kim"  # shown in the other widget at once
    qs.name.value = "Su-jin Kim"
    assert c["name"].value == "Su-jin Kim"
    assert build(turns).controls["name"].value == "Su-jin Kim"  # after a restart


def test_the_folder_is_shown_as_the_file_browser_shows_it(turns, tmp_path, monkeypatch):
    root = tmp_path / "course"
    (root / "lessons").mkdir(parents=True)
    (root / "lessons" / "00_start_here.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(root / "lessons")
    monkeypatch.delenv("PYONGYANG1963_ANSWERS")
    c = build(turns).controls
    assert "<code>my_answers/capstone_draft.json</code>" in c["binder_note"].value
    c["essay"].value = "x"
    assert (root / "my_answers" / drafts.DRAFT_NAME).exists()


def test_saved_times_are_local(turns, answers, monkeypatch):
    import time as _time

    monkeypatch.setenv("TZ", "Asia/Seoul")
    _time.tzset()
    try:
        c = build(turns).controls
        c["essay"].value = "x"
        assert re.search(r"Draft saved \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d\.", c["saved"].value)
        assert "UTC" not in c["saved"].value
    finally:
        monkeypatch.undo()
        _time.tzset()


def test_widget_reports_unwritable_folder(turns, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    c = build(turns, folder=str(blocker / "sub")).controls
    c["essay"].value = "text"
    assert "Could not save your draft" in c["saved"].value
    c["export"].click()
    assert "Not saved" in c["export_status"].value


def test_widget_warns_on_binder(turns, monkeypatch):
    monkeypatch.delenv("BINDER_LAUNCH_HOST", raising=False)
    monkeypatch.delenv("BINDER_SERVICE_HOST", raising=False)
    assert "On Binder" not in build(turns).controls["binder_note"].value
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    assert "On Binder" in build(turns).controls["binder_note"].value


def _new_widgets(build_it):
    """The ipywidgets objects (each one a comm message) that ``build_it()`` creates."""
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    result = build_it()
    return result, [_instances[k] for k in set(_instances) - before]


def test_widget_shares_layouts_and_styles(turns):
    box, made = _new_widgets(lambda: build(turns))
    kinds = [type(x).__name__ for x in made]
    assert kinds.count("Layout") <= 10  # 9, and the record picker's
    assert sum(k.endswith("Style") for k in kinds) <= 7
    assert (
        len(made) <= 76
    )  # 70, the keyboard guard and the record picker (a row, two controls, a style)
    c = box.controls
    rubric = list(c["rubric"].values())
    assert len({id(r.layout) for r in rubric}) == 1
    assert len({id(r.style) for r in rubric}) == 1
    assert rubric[0].layout.width == "12em"
    assert c["copy"].layout.height == "6em"
    assert c["essay"].layout.height == "18em"
    assert "p63" in box._dom_classes
    before = [r.value for r in rubric]
    rubric[0].value = not before[0]
    assert [r.value for r in rubric[1:]] == before[1:]


def test_a_draft_cut_anywhere_gives_back_a_prefix_of_the_essay():
    essay = 'He said "yes" \\ then “no”; é. ' * 3
    whole = json.dumps(
        {
            "v": 2,
            "fields": {
                "checks.claim": {"value": True, "at": ""},
                "essay": {"value": essay, "at": ""},
            },
        },
        ensure_ascii=False,
    ).encode("utf-8")
    recovered = 0
    for cut in range(len(whole)):
        fields, problems = drafts.decode_draft(whole[:cut])
        got = fields.get("essay", ("", ""))[0]
        assert essay.startswith(got), cut
        assert problems or cut == 0, cut
        recovered += bool(got)
    assert recovered > len(essay.encode("utf-8")) // 2  # most cuts inside the essay keep text
    assert drafts.decode_draft(whole) == ({"checks.claim": (True, ""), "essay": (essay, "")}, [])


def test_without_threads_or_a_loop_a_change_is_saved_at_once(monkeypatch):
    import threading as _threading

    from course_lib import debounce

    def no_threads(*_a, **_k):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(_threading.Timer, "start", no_threads)
    ran = []
    debounce.default_schedule(1.0, lambda: ran.append(1))
    assert ran == [1]
    clock, saves = Clock(), []
    d = Debouncer(lambda: saves.append(clock.now), 1.0, clock=clock)
    for _ in range(3):  # every change is saved, none is left waiting
        d.touch()
        clock.now += 0.1
    assert len(saves) == 3
    assert d.pending is False


def test_the_picker_cites_other_records_of_the_corroboration_set(tmp_path):
    from course_lib.documents import cite_document, load_documents

    box = capstone(folder=tmp_path)
    c = box.controls
    c["cite"].click()
    assert "Choose a record" in c["picker_status"].value
    doc_id = str(load_documents()["doc_id"].iloc[0])
    assert doc_id in [v for _, v in c["record"].options]
    c["record"].value = doc_id
    c["cite"].click()
    assert c["essay"].value.endswith(f"({cite_document(doc_id)})")


def test_the_check_line_follows_the_typing_before_the_save(turns, tmp_path):
    """Typing updates the word count and quotation check at once; only saving is debounced."""
    clock = Clock()
    c = build(turns, tmp_path, clock).controls
    c["essay"].value = "One"  # the first change is saved at once
    before = c["check"].value
    c["essay"].value = "One two three four five six seven."
    draft = (tmp_path / "capstone_draft.json").read_text(encoding="utf-8")
    assert "seven" not in draft  # not saved yet: within the second, the save waits
    assert c["check"].value != before
    assert "7" in c["check"].value
