"""Headless tests of question() and question_set(): set values, click, read what is shown."""

from __future__ import annotations

import base64
import re

import ipywidgets as w
import pytest

from course_lib.questions import load_bank
from course_lib.store import AnswerStore
from course_lib.widgets import question, question_set
from course_lib.widgets.questions import (
    download_link_html,
    feedback_html,
    initial_order,
    option_label,
    progress_text,
)

BINDER = {"BINDER_LAUNCH_HOST": "https://mybinder.org/"}


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def html_of(box) -> str:
    """Every HTML string a container shows, children first to last."""
    out = []
    for child in box.children:
        if isinstance(child, w.HTML):
            out.append(child.value)
        elif isinstance(child, w.Box):
            out.append(html_of(child))
    return "\n".join(out)


def decode_link(html: str) -> str:
    m = re.search(r"base64,([A-Za-z0-9+/=]+)", html)
    assert m, html[:200]
    return base64.b64decode(m.group(1)).decode("utf-8")


# ------------------------------------------------------------------ pure helpers


def test_pure_helpers(bank):
    assert progress_text(7, 12) == "7 of 12 answered"
    ev = bank.get("L05-02")
    assert option_label(ev, ev["options"][0]).startswith("Turn 24 (Kim): “the main thing")
    order = bank.get("L03-01")
    assert initial_order(order) != order["correct_order"]
    assert sorted(initial_order(order)) == sorted(order["correct_order"])
    assert initial_order(order) == initial_order(order)  # stable across sessions
    link = download_link_html("<b>é</b>", 'a"b.html', "text/html", "<Save>")
    assert 'download="a_b.html"' in link  # no quote (or folder) survives in a file name
    assert "&lt;Save&gt;" in link
    assert decode_link(link) == "<b>é</b>"


def test_feedback_html_escapes_everything(bank):
    q = dict(bank.get("L01-01"))
    q["options"] = [dict(o, text="<img src=x onerror=alert(1)>") for o in q["options"]]
    result = {
        "correct": False,
        "message": "<script>",
        "feedback": [{"option": "a", "text": "<i>", "correct": False, "feedback": "<b>no</b>"}],
        "missed": ["b"],
        "explanation": "<u>why</u>",
    }
    html = feedback_html(q, result)
    assert "<script>" not in html
    assert "<img" not in html
    assert "<b>no</b>" not in html
    assert "&lt;u&gt;why&lt;/u&gt;" in html


# ------------------------------------------------------------------ one question


def test_single_choice_check_save_and_try_again(tmp_path, bank):
    box = question("L01-01", folder=tmp_path)
    v = box.view
    assert isinstance(v.control, w.RadioButtons)
    assert v.control.description
    v.check_button.click()  # nothing chosen
    assert "Choose an option first" in v.feedback.value
    assert not (tmp_path / "answers.jsonl").exists()
    v.control.value = "a"
    v.check_button.click()
    assert "Not yet" in v.feedback.value
    assert "It tells us the talk took place" in v.feedback.value
    assert v.control.disabled
    assert v.check_button.disabled
    assert not v.retry_button.disabled
    assert "Saved" in v.saved.value
    v.retry_button.click()
    assert v.feedback.value == ""
    assert not v.control.disabled
    v.control.value = "b"
    v.check_button.click()
    assert "Correct" in v.feedback.value
    report = AnswerStore(tmp_path).load()
    assert [r["response"] for r in report.records] == ["a", "b"]


def test_answer_is_restored_when_reopened(tmp_path, bank):
    first = question("L01-03", folder=tmp_path).view
    first.boxes[0].value = True
    first.boxes[2].value = True
    first.check_button.click()
    again = question("L01-03", folder=tmp_path).view
    assert [b.value for b in again.boxes] == [True, False, True, False, False]
    assert "Restored" in again.saved.value
    assert "Not yet" in again.feedback.value
    assert again.check_button.disabled


def test_hints_then_no_more(tmp_path, bank):
    v = question("L01-01", folder=tmp_path).view
    n = len(bank.get("L01-01")["hints"])
    for _ in range(n):
        assert not v.hint_button.disabled
        v.hint_button.click()
    assert v.hints.value.count("<li>") == n
    assert v.hint_button.disabled
    assert v.hint_button.description == "No more hints"


def test_evidence_checkboxes_are_labelled_with_turns(tmp_path):
    v = question("L02-01", folder=tmp_path).view
    assert all(b.description.startswith("Turn ") for b in v.boxes)
    assert "Claim." in v.prompt.value
    for b, o in zip(v.boxes, v.question["options"], strict=True):
        b.value = o["correct"]
    v.check_button.click()
    assert "Correct" in v.feedback.value


def test_ordering_with_move_buttons(tmp_path, bank):
    v = question("L05-04", folder=tmp_path).view
    target = bank.get("L05-04")["correct_order"]
    v.control.value = None
    v.move_up.click()
    assert "Select an item" in v.feedback.value
    # selection sort using only the buttons a keyboard user has
    for pos, item in enumerate(target):
        v.control.value = item
        while v.response().index(item) > pos:
            v.move_up.click()
    assert v.response() == target
    v.control.value = target[0]
    v.move_down.click()
    assert v.response()[:2] == [target[1], target[0]]
    v.move_up.click()
    v.check_button.click()
    assert "Correct" in v.feedback.value
    assert "<ol" in v.order_view.value


@pytest.mark.parametrize(
    "text", ["<script>alert(1)</script>", "[", "(((", "김일성 刘少奇", "x" * 5_000]
)
def test_short_answer_hostile_text_is_saved_and_never_rendered_raw(tmp_path, text):
    box = question("L01-09", folder=tmp_path)
    v = box.view
    v.control.value = text
    v.check_button.click()
    assert "Model answer" in v.feedback.value
    assert "<script>" not in html_of(box)
    assert AnswerStore(tmp_path).load().answers["L01-09"]["response"] == text


@pytest.mark.parametrize(
    ("text", "needle"), [("", "empty"), ("   ", "empty"), ("y" * 20_001, "limit")]
)
def test_short_answer_refusals(tmp_path, text, needle):
    v = question("L01-09", folder=tmp_path).view
    v.control.value = text
    v.check_button.click()
    assert needle in v.feedback.value
    assert not v.control.disabled
    assert not (tmp_path / "answers.jsonl").exists()


def test_save_failure_is_shown_not_raised(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    box = question("L01-01", folder=blocker / "sub")
    v = box.view
    v.control.value = "b"
    v.check_button.click()
    assert "Correct" in v.feedback.value
    assert "could not be saved" in v.saved.value


def test_unknown_question_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no question"):
        question("<script>", folder=tmp_path)
    with pytest.raises(ValueError, match="L01-01"):
        question(None, folder=tmp_path)


def test_binder_warning_and_one_click_portfolio(tmp_path):
    box = question("L01-01", folder=tmp_path, env=BINDER)
    assert "You are on Binder" in html_of(box)
    assert "Download your portfolio" in html_of(box)
    box.view.control.value = "b"
    box.view.check_button.click()
    portfolio = decode_link(html_of(box))
    assert "1 of 48 questions answered" in portfolio
    quiet = question("L01-01", folder=tmp_path, env={})
    assert "Binder" not in html_of(quiet)


# ------------------------------------------------------------------ a set


def test_question_set_progress_and_exports(tmp_path):
    box = question_set(1, folder=tmp_path, env={})
    s = box.view
    assert len(s.views) == 11
    assert "0 of 11 answered" in s.progress.value
    s.views[0].control.value = "b"
    s.views[0].check_button.click()
    s.views[3].control.value = "a"
    s.views[3].check_button.click()
    s.views[0].retry_button.click()
    s.views[0].check_button.click()  # answering again does not count twice
    assert "2 of 11 answered" in s.progress.value
    s.name.value = "<script>Ann</script>"
    path = s.export_csv()
    assert path.exists()
    assert path.name.startswith("script-Ann-script_lesson-01_")  # learner, lesson, date
    assert f"Save {path.name}" in s.downloads.value
    csv_text = decode_link(s.downloads.value)
    row = csv_text.splitlines()[1]
    assert row.startswith("<script>Ann</script>,")
    assert ",L01-01," in row
    s.html_button.click()
    page = decode_link(s.downloads.value)
    assert "&lt;script&gt;Ann&lt;/script&gt;" in page
    assert "<script>" not in page
    assert len(list((tmp_path / "exports").glob("*_lesson-01_*_portfolio.html"))) == 1
    assert s.csv_text().startswith("learner,learner_id,learner_name,qid")


def _new_widgets(build):
    """The ipywidgets objects (each one a comm message) that ``build()`` creates."""
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    result = build()
    return result, [_instances[k] for k in set(_instances) - before]


def test_question_set_shares_layouts_and_styles(tmp_path):
    box, made = _new_widgets(lambda: question_set(1, folder=tmp_path, env={}))
    kinds = [type(x).__name__ for x in made]
    # One Layout per look (plain, full width, the card) and one Style per kind of control,
    # instead of a fresh Layout and Style for each of some 140 controls.
    assert kinds.count("Layout") == 3
    assert sum(k.endswith("Style") for k in kinds) <= 6
    assert len(made) < 200
    s = box.view
    buttons = [b for v in s.views for b in (v.check_button, v.hint_button, v.retry_button)]
    assert len({id(b.layout) for b in buttons}) == 1
    assert len({id(b.style) for b in buttons}) == 1
    # Sharing does not leak state: one question's buttons change, the others' do not.
    s.views[0].control.value = "b"
    s.views[0].check_button.click()
    assert s.views[0].check_button.disabled
    assert not s.views[1].check_button.disabled
    assert all(v.box.layout.border == "1px solid #ccc" for v in s.views)


def test_question_set_restores_progress_and_name(tmp_path):
    first = question_set(2, folder=tmp_path, learner="Su", env={}).view
    first.views[1].control.value = "a"
    first.views[1].check_button.click()
    again = question_set(2, folder=tmp_path, env={}).view
    assert "1 of 8 answered" in again.progress.value
    assert again.name.value == "Su"
    assert again.views[1].control.value == "a"


def test_question_set_all_and_bad_lesson(tmp_path):
    assert "0 of 48 answered" in question_set(folder=tmp_path).view.progress.value
    with pytest.raises(ValueError, match="lesson"):
        question_set(9, folder=tmp_path)
    with pytest.raises(ValueError, match="whole number"):
        question_set("1", folder=tmp_path)


def test_question_set_on_binder_reports_damage_and_offers_portfolio(tmp_path):
    (tmp_path / "answers.jsonl").write_bytes(b"{oops\n")
    box = question_set(3, folder=tmp_path, env=BINDER)
    shown = html_of(box)
    assert "You are on Binder" in shown
    assert "damaged line" in shown
    assert "Download your portfolio (HTML) now" in shown
    s = box.view
    s.views[0].control.options = [
        (label, i)
        for i, label in ((i, s.views[0].labels[i]) for i in s.views[0].question["correct_order"])
    ]
    s.views[0].check_button.click()
    assert "1 of 10 answered" in s.progress.value
    assert "1 of 10 questions answered" in decode_link(s.binder_link.value)
