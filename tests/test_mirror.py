"""The browser mirror: a copy of the learner's work in the browser, brought back in a new session.

The merging is pure (:mod:`course_lib.mirror`) and tested here with made-up records; the widget
(:mod:`course_lib.widgets._mirror`) is driven headlessly by handing it what the JavaScript would
send and catching what it sends back. ``tests/browser/test_returning.py`` does it in Chromium.
"""

from __future__ import annotations

import html
import json
import re
import stat
from pathlib import Path

import ipywidgets as w
import pytest

import course_lib
from course_lib import fileio
from course_lib import mirror as mr
from course_lib.capstone_draft import DRAFT_NAME, read_draft, save_fields
from course_lib.profile import load_profile, set_learner_name
from course_lib.questions import check_answer, load_bank
from course_lib.store import AnswerStore, make_record
from course_lib.widgets._mirror import BrowserMirror, is_shown
from course_lib.widgets.capstone_widget import capstone
from course_lib.widgets.questions import question, question_set
from tests.conftest import HOSTILE

ID_A = "a" * 32
ID_B = "b" * 32


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def rec(qid="L01-01", response="a", at="2026-01-01T10:00:00Z", **extra) -> dict:
    """A made-up answer record of the store's shape."""
    kind = "short_answer" if qid == "L05-01" else "single_choice"
    return {
        "v": 1,
        "qid": qid,
        "lesson": int(qid[1:3]),
        "skill": "sourcing",
        "type": kind,
        "response": response,
        "correct": False,
        "score": 0.0,
        "learner": "",
        "saved_at": at,
        **extra,
    }


def real(bank, qid: str, response) -> dict:
    return make_record(check_answer(bank.get(qid), response), bank.get(qid))


# ------------------------------------------------------------------ the storage key


def test_the_key_is_per_course_not_per_learner():
    assert mr.storage_key({}) == "pyongyang1963:v1:course"
    # A new Binder session has a new answers folder: the key must not name it.
    assert mr.storage_key({"PYONGYANG1963_ANSWERS": "/tmp/x"}) == "pyongyang1963:v1:course"


def test_the_key_names_the_hub_user_except_on_binder():
    assert mr.storage_key({"JUPYTERHUB_USER": "mina"}) == "pyongyang1963:v1:hub-user:mina"
    binder = {"JUPYTERHUB_USER": "gh-x-abc123", "BINDER_LAUNCH_HOST": "https://mybinder.org/"}
    assert mr.storage_key(binder) == "pyongyang1963:v1:course"
    hostile = mr.storage_key({"JUPYTERHUB_USER": 'a"b<c>\n' + "x" * 500})
    assert hostile.startswith("pyongyang1963:v1:hub-user:a_b_c__")
    assert len(hostile) < 150


# ------------------------------------------------------------------ reading what the browser sends


def test_a_copy_round_trips(bank):
    copy = mr.Copy(
        records=[real(bank, "L01-01", "a"), real(bank, "L01-03", ["a", "b"])],
        fields={"essay": ("Liu says 김일성 <b>", "2026-01-01T10:00:00.5Z")},
        learner_id=ID_A,
        name="Mina Park",
    )
    back, problems = mr.decode_copy(mr.encode_copy(copy), bank)
    assert problems == []
    assert back == copy


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (5, "not text"),
        ("not json", "not valid JSON"),
        ("[1, 2]", "not a copy"),
        ('{"v": 1, "course": "other"}', "not a copy"),
        ('{"v": 2, "course": "pyongyang1963"}', "not a copy"),
        ('{"v": 1, "course": "pyongyang1963", "records": [{"score": NaN}]}', "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ("x" * (mr.MAX_COPY_CHARS + 1), "too large"),
    ],
)
def test_an_unusable_copy_gives_nothing_and_says_why(text, problem, bank):
    copy, problems = mr.decode_copy(text, bank)
    assert copy.is_empty()
    assert len(problems) == 1
    assert problem in problems[0]


def test_nothing_in_the_browser_is_no_problem(bank):
    assert mr.decode_copy(None, bank) == (mr.Copy(), [])
    assert mr.decode_copy("", bank) == (mr.Copy(), [])


def test_bad_records_are_checked_like_the_stores_and_left_out(bank):
    good = rec()
    bad = [
        rec(response=5),  # a choice's response must be text
        rec(response=[[1]]),
        rec(score=2),
        rec(correct="yes"),
        rec(response="z"),  # L01-01 has no option z
        rec(qid="L01-01", type="ordering", response=["a"]),
        rec(at="yesterday"),  # no usable time: it could not be ordered
        {k: v for k, v in rec().items() if k != "saved_at"},
        "a string",
        ["a", "list"],
        None,
        {"qid": ""},
    ]
    text = json.dumps({"v": 1, "course": "pyongyang1963", "records": [good, *bad]})
    copy, problems = mr.decode_copy(text, bank)
    assert copy.records == [good]
    assert problems == [f"{len(bad)} saved answers could not be used"]


def test_a_hostile_draft_profile_and_name_are_cleaned(bank):
    text = json.dumps(
        {
            "v": 1,
            "course": "pyongyang1963",
            "learner_id": "../../etc/passwd",
            "name": "  Mina \n\t Park " + "x" * 500,
            "draft": {
                "essay": {"value": 5, "at": "2026-01-01T10:00:00Z"},
                "checks.claim": {"value": True, "at": "not a time"},
                "evidence": {"value": [{"turn": 9}, "junk"], "at": "2026-01-01T10:00:00Z"},
            },
        }
    )
    copy, problems = mr.decode_copy(text, bank)
    assert copy.learner_id == ""
    assert copy.name.startswith("Mina Park x")
    assert len(copy.name) == 100
    assert "essay" not in copy.fields  # not text: left out
    assert copy.fields["checks.claim"] == (True, "")  # kept, its time unknown (the oldest)
    assert copy.fields["evidence"][0] == [{"turn": 9}]
    assert any("essay draft" in p for p in problems)
    assert any("learner id" in p for p in problems)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_raises(text, bank):
    copy, _problems = mr.decode_copy(text, bank)
    assert copy.records == []


# ------------------------------------------------------------------ planning a restore


def test_missing_answers_are_appended_oldest_first_and_duplicates_once():
    a1 = rec("L01-01", "a", "2026-01-01T10:00:00Z")
    a2 = rec("L01-01", "b", "2026-01-01T11:00:00Z")
    b1 = rec("L01-02", "c", "2026-01-01T09:00:00Z")
    browser = mr.Copy(records=[a2, a1, b1, dict(a1)])
    plan = mr.plan_restore(browser, [], {})
    assert plan.records == [b1, a1, a2]
    assert plan.older == 0


def test_answers_already_on_disk_are_not_appended_again():
    a1 = rec("L01-01", "a", "2026-01-01T10:00:00Z")
    a2 = rec("L01-02", "b", "2026-01-01T11:00:00Z")
    same_but_reordered = {k: a1[k] for k in reversed(list(a1))}
    plan = mr.plan_restore(mr.Copy(records=[a1, a2]), [same_but_reordered], {})
    assert plan.records == [a2]


def test_an_answer_older_than_the_folders_stays_in_the_browser_only():
    """The store's latest line wins: appending an older answer would make it the latest."""
    disk = [rec("L01-01", "b", "2026-01-02T10:00:00Z")]
    older = rec("L01-01", "a", "2026-01-01T10:00:00Z")
    newer_other = rec("L01-02", "a", "2026-01-01T10:00:00Z")
    plan = mr.plan_restore(mr.Copy(records=[older, newer_other]), disk, {})
    assert plan.records == [newer_other]
    assert plan.older == 1


def test_draft_fields_come_back_only_where_the_browsers_are_newer():
    browser = mr.Copy(
        fields={
            "essay": ("long essay", "2026-01-01T10:00:00Z"),
            "checks.claim": (True, "2026-01-01T09:00:00Z"),
            "checks.evidence": (True, "2026-01-01T09:00:00Z"),
            "evidence": ([], "2026-01-01T08:00:00Z"),
        }
    )
    disk = {
        "essay": ("", "2026-01-01T09:00:00Z"),
        "checks.claim": (False, "2026-01-01T10:00:00Z"),
        "evidence": ([], "2026-01-01T07:00:00Z"),  # older, but the same value: nothing to write
    }
    plan = mr.plan_restore(browser, [], disk)
    assert plan.fields == {
        "essay": ("long essay", "2026-01-01T10:00:00Z"),
        "checks.evidence": (True, "2026-01-01T09:00:00Z"),
    }


def test_the_learner_id_comes_back_only_into_a_folder_without_work():
    browser = mr.Copy(records=[rec()], learner_id=ID_A, name="Mina")
    assert mr.plan_restore(browser, [], {}, ID_B, "").learner_id == ID_A
    assert mr.plan_restore(browser, [], {}, "", "").learner_id == ID_A
    with_answers = mr.plan_restore(browser, [rec("L01-02")], {}, ID_B, "")
    assert with_answers.learner_id == ""
    with_draft = mr.plan_restore(browser, [], {"essay": ("x", "")}, ID_B, "")
    assert with_draft.learner_id == ""
    assert mr.plan_restore(browser, [], {}, ID_A, "").learner_id == ""  # already the same
    assert mr.plan_restore(browser, [], {}, ID_B, "Ines").name == ""  # the folder's name stays
    assert mr.plan_restore(browser, [], {}, ID_B, "").name == "Mina"


def test_merging_copies_loses_nothing_of_either():
    browser = mr.Copy(
        records=[rec("L01-01", "a", "2026-01-01T10:00:00Z"), rec("L01-02", "a")],
        fields={"essay": ("old", "2026-01-01T10:00:00Z"), "checks.claim": (True, "")},
        learner_id=ID_A,
        name="Mina",
    )
    disk = mr.Copy(
        records=[rec("L01-02", "a"), rec("L01-03", "b", "2026-01-01T08:00:00Z")],
        fields={"essay": ("new", "2026-01-01T11:00:00Z")},
        learner_id=ID_B,
        name="",
    )
    merged = mr.merge_copies(browser, disk)
    keys = [mr.record_key(r) for r in merged.records]
    assert len(keys) == len(set(keys)) == 3
    assert {mr.record_key(r) for r in browser.records + disk.records} == set(keys)
    assert merged.records[0]["qid"] == "L01-03"  # oldest first
    assert merged.fields == {
        "essay": ("new", "2026-01-01T11:00:00Z"),
        "checks.claim": (True, ""),
    }
    assert (merged.learner_id, merged.name) == (ID_B, "Mina")
    assert mr.merge_copies(mr.Copy(), mr.Copy(learner_id=ID_A)).learner_id == ID_A


def test_a_slim_copy_keeps_the_latest_answer_to_each_question():
    records = [
        rec("L01-01", "a", "2026-01-01T10:00:00Z"),
        rec("L01-01", "b", "2026-01-01T12:00:00Z"),
        rec("L01-02", "c", "2026-01-01T11:00:00Z"),
    ]
    slim = mr.slim_copy(mr.Copy(records=records, learner_id=ID_A))
    assert [r["response"] for r in slim.records] == ["c", "b"]
    assert slim.learner_id == ID_A


def test_the_notice_says_what_came_back():
    result = mr.RestoreResult
    assert mr.restore_message(result()) == ""
    assert (
        mr.restore_message(result(answers=3, records=5, fields=["essay"], essay_chars=9))
        == "Restored 3 answers (and your essay draft) from this browser."
    )
    assert (
        mr.restore_message(result(answers=1, records=1, name="Mina Park"), rerun=True)
        == "Restored 1 answer from this browser, saved by Mina Park. Run this cell again "
        "(or Run All) to show it here."
    )
    assert (
        mr.restore_message(result(fields=["checks.claim"]))
        == "Restored your capstone draft from this browser."
    )


# ------------------------------------------------------------------ restoring into a folder


def test_restore_into_a_fresh_folder_brings_everything_back(tmp_path, bank):
    old = tmp_path / "session-a"
    store = AnswerStore(old)
    for qid, response in (("L01-01", "b"), ("L01-03", ["a", "c"]), ("L01-01", "a")):
        store.append(real(bank, qid, response))
    save_fields({"essay": ("My essay, 김일성.", "2026-01-01T10:00:00.1Z")}, old)
    set_learner_name("Mina Park", old)
    text = mr.encode_copy(mr.snapshot(old))

    new = tmp_path / "session-b"
    result = mr.restore(new, mr.decode_copy(text, bank)[0])
    assert (result.answers, result.records, result.fields) == (2, 3, ["essay"])
    assert result.essay_chars == len("My essay, 김일성.")
    assert result.profile
    assert AnswerStore(new).load().records == AnswerStore(old).load().records
    assert read_draft(new).state.essay == "My essay, 김일성."
    assert load_profile(new) == load_profile(old)
    for name in ("answers.jsonl", DRAFT_NAME, "learner.json"):
        assert stat.S_IMODE((new / name).stat().st_mode) == 0o600
    # A second restore of the same copy writes nothing.
    again = mr.restore(new, mr.decode_copy(text, bank)[0])
    assert not again.restored()
    assert len(AnswerStore(new).load().records) == 3


def test_restore_keeps_the_folders_own_id_when_it_has_work(tmp_path, bank):
    AnswerStore(tmp_path).append(real(bank, "L01-02", "a"))
    own = load_profile(tmp_path).learner_id
    browser = mr.Copy(records=[real(bank, "L01-01", "a")], learner_id=ID_A, name="Mina")
    result = mr.restore(tmp_path, browser)
    assert result.records == 1
    assert not result.profile
    assert load_profile(tmp_path) == course_lib.profile.Profile(own, "Mina")


def test_restore_without_fcntl(tmp_path, bank, monkeypatch):
    monkeypatch.setattr(fileio, "fcntl", None)
    result = mr.restore(tmp_path, mr.Copy(records=[real(bank, "L01-01", "a")], learner_id=ID_A))
    assert result.records == 1
    assert load_profile(tmp_path).learner_id == ID_A


def test_restore_refuses_a_symlinked_answers_file(tmp_path, bank):
    target = tmp_path / "elsewhere.txt"
    target.write_text("", encoding="utf-8")
    (tmp_path / "answers.jsonl").symlink_to(target)
    with pytest.raises(OSError, match="link"):
        mr.restore(tmp_path, mr.Copy(records=[real(bank, "L01-01", "a")]))
    assert target.read_text(encoding="utf-8") == ""


# ------------------------------------------------------------------ the widget, headless


class Browser:
    """Stands in for mirror.js: catches what a mirror sends, answers as the browser would."""

    def __init__(self) -> None:
        self.storage: dict[str, str] = {}

    def attach(self, mirror: BrowserMirror) -> list[dict]:
        sent: list[dict] = []

        def send(content, buffers=None):
            sent.append(content)
            key = mirror.key
            if content["kind"] == "store":
                self.storage[key] = content["text"]
                mirror._on_msg(mirror, {"kind": "stored", "ok": True})
            elif content["kind"] == "forget":
                self.storage.pop(key, None)
                mirror._on_msg(mirror, {"kind": "forgotten", "ok": True})
            elif content["kind"] == "keep":
                self.storage[key + content["suffix"]] = self.storage.get(key, "")
                mirror._on_msg(mirror, {"kind": "kept", "ok": True})

        mirror.send = send
        return sent

    def open(self, mirror: BrowserMirror) -> list[dict]:
        """The widget is shown: the JavaScript sends what this browser keeps."""
        sent = self.attach(mirror)
        mirror._on_msg(mirror, {"kind": "copy", "text": self.storage.get(mirror.key)})
        return sent

    def copy(self, bank) -> mr.Copy:
        return mr.decode_copy(self.storage[mr.storage_key()], bank)[0]


def said(mirror: BrowserMirror) -> str:
    """The notice as a learner reads it."""
    return html.unescape(re.sub(r"<[^>]+>", "", mirror.notice.value))


def mirrors(box) -> list[BrowserMirror]:
    found = []

    def walk(widget) -> None:
        if isinstance(widget, BrowserMirror):
            found.append(widget)
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(box)
    return found


def first_choice(view) -> None:
    q = view.question
    if q["type"] == "single_choice":
        view.control.set(q["options"][0]["id"])
    elif q["type"] == "multiple_choice":
        view.control.set([q["options"][0]["id"]])


def test_every_course_widget_with_answers_holds_one_hidden_mirror(tmp_path):
    turns = course_lib.load_turns()
    for box in (question_set(1, tmp_path), question("L01-01", tmp_path), capstone(turns, tmp_path)):
        (mirror,) = mirrors(box)
        assert not is_shown(mirror)
        assert not is_shown(mirror.panel)
        assert mirror.key == "pyongyang1963:v1:course"
        assert "p63-mirror-panel" in mirror.panel._dom_classes


def test_nothing_is_sent_before_the_browsers_copy_was_read(tmp_path, bank):
    box = question_set(1, tmp_path)
    (mirror,) = mirrors(box)
    sent = Browser().attach(mirror)
    first_choice(box.view.views[0])
    box.view.views[0].check()
    assert sent == []  # the browser's copy must never be replaced before it has been read


def test_answers_are_mirrored_as_they_are_saved(tmp_path, bank):
    browser = Browser()
    box = question_set(1, tmp_path)
    (mirror,) = mirrors(box)
    sent = browser.open(mirror)
    assert [s["kind"] for s in sent] == ["store"]
    assert browser.copy(bank).records == []
    assert browser.copy(bank).learner_id == load_profile(tmp_path).learner_id
    for view in box.view.views[:3]:
        first_choice(view)
        view.check()
    assert len(browser.copy(bank).records) == 3
    assert browser.copy(bank).records == AnswerStore(tmp_path).load().records
    box.view.name.value = "Mina Park"  # the name box saves the profile and tells the mirror
    assert browser.copy(bank).name == "Mina Park"


def test_a_single_question_mirrors_its_answer(tmp_path, bank):
    browser = Browser()
    box = question("L01-01", tmp_path)
    browser.open(mirrors(box)[0])
    box.view.control.set("a")
    box.view.check()
    assert [r["qid"] for r in browser.copy(bank).records] == ["L01-01"]


def test_a_single_question_on_binder_mirrors_and_refreshes_its_link(tmp_path, bank):
    browser = Browser()
    box = question("L01-01", tmp_path, env={"BINDER_LAUNCH_HOST": "https://mybinder.org/"})
    browser.open(mirrors(box)[0])
    box.view.control.set("a")
    box.view.check()
    assert [r["qid"] for r in browser.copy(bank).records] == ["L01-01"]


def test_the_essay_is_mirrored_as_it_is_saved(tmp_path, bank):
    from tests.test_capstone import Clock

    browser = Browser()
    clock = Clock()
    box = capstone(course_lib.load_turns(), tmp_path, clock=clock, schedule=clock.schedule)
    browser.open(mirrors(box)[0])
    box.controls["essay"].value = "Kim answers Liu."
    clock.advance(2)
    assert browser.copy(bank).fields["essay"][0] == "Kim answers Liu."


def test_a_new_session_gets_every_answer_and_the_essay_back(tmp_path, bank):
    from tests.test_capstone import Clock

    browser = Browser()
    turns = course_lib.load_turns()
    a, b = tmp_path / "session-a", tmp_path / "session-b"
    qset = question_set(1, a)
    browser.open(mirrors(qset)[0])
    for view in qset.view.views[:4]:
        first_choice(view)
        view.check()
    clock = Clock()
    cap = capstone(turns, a, clock=clock, schedule=clock.schedule)
    browser.open(mirrors(cap)[0])
    cap.controls["essay"].value = "An essay that must come back."
    clock.advance(2)
    learner_id = load_profile(a).learner_id

    # A new session: a fresh folder, the same browser. The capstone is shown first.
    clock_b = Clock()
    cap_b = capstone(turns, b, clock=clock_b, schedule=clock_b.schedule)
    qset_b = question_set(1, b)
    assert cap_b.controls["essay"].value == ""
    (mirror_b,) = mirrors(cap_b)
    browser.open(mirror_b)
    assert cap_b.controls["essay"].value == "An essay that must come back."  # shown at once
    assert read_draft(b).state.essay == "An essay that must come back."
    assert AnswerStore(b).load().records == AnswerStore(a).load().records
    assert load_profile(b).learner_id == learner_id
    assert mirror_b.result.answers == 4
    assert "Restored 4 answers (and your essay draft) from this browser." in said(mirror_b)
    assert "Run this cell again" not in said(mirror_b)  # the capstone shows it itself
    assert is_shown(mirror_b.panel)
    assert is_shown(mirror_b.forget_button)
    # The question set, built before the restore, asks to be run again, and keeps asking after
    # its own turn finds nothing more to restore.
    (mirror_q,) = mirrors(qset_b)
    rerun = "Answers kept in this browser were put back into your answers folder. Run this cell"
    assert said(mirror_q).startswith(rerun)
    browser.open(mirror_q)
    assert not mirror_q.result.restored()
    assert said(mirror_q).startswith(rerun)
    assert is_shown(mirror_q.panel)
    assert not is_shown(mirror_q.forget_button)
    # Run again, the question set shows the answers, in the learner's own order.
    again = question_set(1, b)
    assert [v.order for v in again.view.views] == [v.order for v in qset.view.views]
    assert sum(v.locked for v in again.view.views) == 4


def test_a_question_set_that_restores_asks_to_be_run_again(tmp_path, bank):
    browser = Browser()
    first = question("L01-02", tmp_path / "a")
    browser.open(mirrors(first)[0])
    first.view.control.set("b")
    first.view.check()
    box = question_set(1, tmp_path / "b")
    (mirror,) = mirrors(box)
    browser.open(mirror)
    assert "Restored 1 answer from this browser. Run this cell again" in said(mirror)
    assert 'role="status"' in mirror.notice.value  # announced by screen readers


def test_forget_deletes_the_copy_and_stops_mirroring(tmp_path, bank):
    browser = Browser()
    a = question_set(1, tmp_path / "a")
    browser.open(mirrors(a)[0])
    first_choice(a.view.views[0])
    a.view.views[0].check()
    box = question_set(1, tmp_path / "b")
    (mirror,) = mirrors(box)
    sent = browser.open(mirror)
    mirror.forget_button.click()
    assert sent[-1] == {"kind": "forget"}
    assert mr.storage_key() not in browser.storage
    assert "Deleted this browser's copy" in said(mirror)
    assert not is_shown(mirror.forget_button)
    first_choice(box.view.views[1])
    box.view.views[1].check()
    assert mr.storage_key() not in browser.storage  # nothing copied again from this kernel


def test_a_copy_with_bad_parts_is_kept_aside_before_it_is_replaced(tmp_path, bank):
    browser = Browser()
    key = mr.storage_key()
    text = json.dumps(
        {"v": 1, "course": "pyongyang1963", "records": [rec(), rec("L01-02", response=5)]}
    )
    browser.storage[key] = text
    box = question_set(1, tmp_path)
    (mirror,) = mirrors(box)
    sent = browser.open(mirror)
    assert [s["kind"] for s in sent] == ["keep", "store"]
    (aside,) = [k for k in browser.storage if k.startswith(key + ":set-aside:")]
    assert browser.storage[aside] == text  # unchanged
    assert "1 saved answer could not be used" in said(mirror)
    assert "kept aside in this browser" in said(mirror)
    assert [r["qid"] for r in AnswerStore(tmp_path).load().records] == ["L01-01"]


def test_if_the_copy_cannot_be_kept_aside_it_is_never_replaced(tmp_path):
    box = question_set(1, tmp_path)
    (mirror,) = mirrors(box)
    sent: list[dict] = []
    mirror.send = lambda content, buffers=None: sent.append(content)
    mirror._on_msg(mirror, {"kind": "copy", "text": "{broken"})
    mirror._on_msg(mirror, {"kind": "kept", "ok": False, "error": "no room"})
    first_choice(box.view.views[0])
    box.view.views[0].check()
    assert [s["kind"] for s in sent] == ["keep"]
    assert "could not be kept aside (no room)" in said(mirror)


def test_a_browser_without_storage_is_told_once(tmp_path):
    boxes = [question_set(1, tmp_path), question("L01-01", tmp_path)]
    notices = []
    for box in boxes:
        (mirror,) = mirrors(box)
        sent = Browser().attach(mirror)
        mirror._on_msg(mirror, {"kind": "copy", "text": None, "error": "SecurityError: denied"})
        assert sent == []
        notices.append(said(mirror))
    assert "This browser keeps no copy of your answers (SecurityError: denied)" in notices[0]
    assert notices[1] == ""


def test_a_full_browser_gets_a_slimmer_copy_then_is_told(tmp_path, bank):
    box = question_set(1, tmp_path)
    (mirror,) = mirrors(box)
    sent: list[dict] = []
    mirror.send = lambda content, buffers=None: sent.append(content)
    mirror._on_msg(mirror, {"kind": "copy", "text": None})
    view = box.view.views[0]
    for response in ("a", "b"):  # two attempts at one question
        view.try_again()
        view.control.set(response)
        view.check()
    assert len(mr.decode_copy(sent[-1]["text"], bank)[0].records) == 2
    msg = "this browser has no room left for the copy"
    mirror._on_msg(mirror, {"kind": "stored", "ok": False, "error": msg})
    slim = mr.decode_copy(sent[-1]["text"], bank)[0]
    assert [r["response"] for r in slim.records] == ["b"]  # the latest answer only
    assert not is_shown(mirror.panel)
    mirror._on_msg(mirror, {"kind": "stored", "ok": False, "error": msg})
    assert msg in said(mirror)
    assert is_shown(mirror.panel)


@pytest.mark.parametrize(
    "content",
    [None, 5, "copy", [], {}, {"kind": 5}, {"kind": "copy", "text": 5}, {"kind": "stored"}],
)
def test_nonsense_from_the_page_never_raises(tmp_path, content):
    box = question_set(1, tmp_path)
    (mirror,) = mirrors(box)
    Browser().attach(mirror)
    mirror._on_msg(mirror, content)


def test_a_folder_that_cannot_be_used_keeps_the_copy_in_the_browser(tmp_path, bank):
    """A symlinked draft is refused whoever runs the test (root too)."""
    browser = Browser()
    a = question_set(1, tmp_path / "a")
    browser.open(mirrors(a)[0])
    first_choice(a.view.views[0])
    a.view.views[0].check()
    b = tmp_path / "b"
    box = question_set(1, b)
    (b / "capstone_draft.json").symlink_to(tmp_path / "nowhere.json")
    (mirror,) = mirrors(box)
    browser.open(mirror)
    assert "could not be put back" in said(mirror)
    assert len(browser.copy(bank).records) == 1  # still in the browser


def test_the_mirror_panel_is_a_box_of_plain_widgets(tmp_path):
    (mirror,) = mirrors(question_set(1, tmp_path))
    assert isinstance(mirror.panel, w.VBox)
    assert mirror.forget_button.description == "Forget this browser's copy"
    assert Path(course_lib.__file__).parent.joinpath("static", "mirror.js").is_file()


def test_binder_can_still_save_a_notebook_when_its_server_is_gone():
    root = Path(course_lib.__file__).resolve().parents[1]
    pins = (root / "binder" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "jupyter_offlinenotebook==0.3.2" in pins
    assert "jupyter-offlinenotebook" in (root / "Makefile").read_text(encoding="utf-8")
