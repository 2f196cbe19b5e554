"""The capstone: evidence picking, essay checks, rubric, draft and export (headless)."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import course_lib
from course_lib import capstone as cap
from course_lib.widgets.capstone_widget import capstone


@pytest.fixture(scope="module")
def turns() -> pd.DataFrame:
    return course_lib.load_turns()


@pytest.fixture
def answers() -> Path:
    return Path(os.environ["PYONGYANG1963_ANSWERS"])


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


def _state(turns) -> cap.CapstoneState:
    return cap.CapstoneState(
        essay="China paid court.\n\nKim <b>agreed</b> & went further.",
        evidence=[cap.make_evidence(turns, 15, "Khrushchev's revisionism")],
        checks={"claim": True},
        name="<script>Ann</script>",
    )


def test_markdown_and_html(turns):
    when = datetime(2026, 1, 2, 3, 4)
    state = _state(turns)
    md = cap.to_markdown(state, when)
    assert "“Khrushchev's revisionism” (Minutes, turn 15)" in md
    assert "- [x] It opens with a clear answer" in md
    assert "Self-assessment (1 of 7)" in md
    page = cap.to_html(state, when)
    assert "<script>" not in page
    assert "<b>agreed</b>" not in page
    assert "&lt;b&gt;agreed&lt;/b&gt; &amp; went further." in page
    assert page.count("<p>") >= 2
    assert "Exported 2026-01-02 03:04" in page


def test_answers_dir_respects_env(tmp_path):
    assert cap.answers_dir({"PYONGYANG1963_ANSWERS": str(tmp_path)}) == tmp_path
    home_default = Path.home() / ".pyongyang1963" / "answers"
    assert cap.answers_dir({"PYONGYANG1963_ANSWERS": "  "}) == home_default
    assert cap.answers_dir({}) == home_default


def test_export_writes_atomically(turns, answers):
    path = cap.export(_state(turns), "md")
    assert path == answers / "capstone.md"
    assert "Khrushchev's revisionism" in path.read_text(encoding="utf-8")
    path = cap.export(_state(turns), "html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in answers.iterdir()) == ["capstone.html", "capstone.md"]
    with pytest.raises(ValueError, match="unknown format"):
        cap.export(_state(turns), "pdf")


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "capstone.md"
    target.write_text("old", encoding="utf-8")

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cap.Path, "replace", boom)
    with pytest.raises(OSError, match="No space"):
        cap.write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["capstone.md"]


def test_draft_round_trip_and_corruption(turns, answers):
    state = _state(turns)
    cap.save_draft(state)
    again = cap.load_draft(turns=turns)
    assert again.essay == state.essay
    assert again.evidence == state.evidence
    assert again.checks == {"claim": True}
    (answers / cap.DRAFT_NAME).write_text("{not json", encoding="utf-8")
    assert cap.load_draft(turns=turns) == cap.CapstoneState()
    bad = {"essay": 5, "evidence": [{"turn": 9, "quote": "invented words"}, "x"], "checks": []}
    (answers / cap.DRAFT_NAME).write_text(json.dumps(bad), encoding="utf-8")
    assert cap.load_draft(turns=turns) == cap.CapstoneState()


# --- the widget ----------------------------------------------------------------------------


def test_widget_picks_evidence_by_sentence(turns, answers):
    box = capstone(turns)
    c = box.controls
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
    # the draft was saved
    saved = json.loads((answers / cap.DRAFT_NAME).read_text(encoding="utf-8"))
    assert saved["evidence"][0]["turn"] == 41


def test_widget_quote_span_and_bad_quote(turns):
    c = capstone(turns).controls
    c["turn"].value = 48
    c["quote"].value = "Mikoyan came to specifically ask [for repayment] and we refused"
    c["add"].click()
    assert "(Minutes, turn 48)" in c["copy"].value
    c["quote"].value = "Mikoyan asked and we paid"
    c["add"].click()
    assert "Not added" in c["picker_status"].value
    assert c["copy"].value.count("\n") == 0


@pytest.mark.parametrize(
    "raw", ["", "   ", "x" * 5000, "<script>alert(1)</script>", "[", "(((", "김일성", "刘少奇"]
)
def test_widget_hostile_inputs(turns, raw):
    c = capstone(turns).controls
    c["quote"].value = raw
    c["add"].click()
    c["essay"].value = raw
    c["name"].value = raw
    for part in ("picker_status", "evidence", "check", "export_status"):
        assert "<script>" not in c[part].value
    c["export"].click()
    assert "Saved to" in c["export_status"].value


def test_widget_essay_check_insert_and_remove(turns):
    c = capstone(turns).controls
    c["turn"].value = 18
    c["add"].click()
    c["insert"].click()
    assert c["essay"].value == "“We agree.” (Minutes, turn 18)"
    assert "quotations checked word for word: 1" in c["check"].value
    c["remove"].click()
    assert c["copy"].value == ""
    c["remove"].click()
    assert "no evidence to remove" in c["picker_status"].value


def test_widget_rubric_export_and_restore(turns, answers):
    box = capstone(turns)
    c = box.controls
    c["essay"].value = "My claim."
    c["rubric"]["claim"].value = True
    c["rubric"]["exact"].value = True
    assert "2 of 7" in c["score"].value
    c["format"].value = "md"
    c["export"].click()
    assert str(answers / "capstone.md") in c["export_status"].value
    assert 'download="capstone.md"' in c["download"].value
    text = (answers / "capstone.md").read_text(encoding="utf-8")
    assert "- [x] Every quotation is word for word" in text
    # a new widget (a reopened notebook) restores the draft
    again = capstone(turns).controls
    assert again["essay"].value == "My claim."
    assert again["rubric"]["claim"].value is True
    assert "2 of 7" in again["score"].value


def test_widget_reports_unwritable_folder(turns, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    c = capstone(turns, folder=str(blocker / "sub")).controls
    c["essay"].value = "text"
    assert "Could not save your draft" in c["export_status"].value
    c["export"].click()
    assert "Not saved" in c["export_status"].value


def test_widget_warns_on_binder(turns, monkeypatch):
    monkeypatch.delenv("BINDER_LAUNCH_HOST", raising=False)
    monkeypatch.delenv("BINDER_SERVICE_HOST", raising=False)
    assert "On Binder" not in capstone(turns).controls["binder_note"].value
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    assert "On Binder" in capstone(turns).controls["binder_note"].value


def test_rubric_titles_cover_the_rubric():
    assert set(cap.RUBRIC_TITLES) == {k for k, _ in cap.RUBRIC}


def _new_widgets(build):
    """The ipywidgets objects (each one a comm message) that ``build()`` creates."""
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    result = build()
    return result, [_instances[k] for k in set(_instances) - before]


def test_widget_shares_layouts_and_styles(turns):
    box, made = _new_widgets(lambda: capstone(turns))
    kinds = [type(x).__name__ for x in made]
    # One Layout per look and one Style per kind of control (131 objects, 47 Layouts before).
    assert kinds.count("Layout") <= 9
    assert sum(k.endswith("Style") for k in kinds) <= 7
    assert len(made) <= 70
    c = box.controls
    rubric = list(c["rubric"].values())
    assert len({id(r.layout) for r in rubric}) == 1
    assert len({id(r.style) for r in rubric}) == 1
    assert rubric[0].layout.width == "12em"
    assert c["copy"].layout.height == "6em"
    assert c["essay"].layout.height == "18em"
    assert box.layout.border == "1px solid #ccc"
    # Sharing does not leak state: ticking one criterion leaves the others as they were.
    before = [r.value for r in rubric]
    rubric[0].value = not before[0]
    assert [r.value for r in rubric[1:]] == before[1:]
