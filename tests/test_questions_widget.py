"""Headless tests of question() and question_set(): set values, click, read what is shown."""

from __future__ import annotations

import base64
import html
import json
import re
from html.parser import HTMLParser

import ipywidgets as w
import pytest

from course_lib.profile import PROFILE_NAME, load_profile
from course_lib.questions import (
    Attempts,
    QuestionBank,
    check_answer,
    load_bank,
    option_order,
    score_percent,
)
from course_lib.store import AnswerStore, portfolio_html
from course_lib.widgets import question, question_set
from course_lib.widgets.questions import (
    download_link_html,
    feedback_html,
    learner_key,
    option_label,
    progress_text,
)
from course_lib.widgets.questions.controls import CheckboxControl, OrderControl, RadioControl

BINDER = {"BINDER_LAUNCH_HOST": "https://mybinder.org/"}
ID_A = "0123456789abcdef0123456789abcdef"
ID_B = "fedcba9876543210fedcba9876543210"


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def as_learner(folder, learner_id):
    """An answers folder whose profile holds a fixed learner id."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / PROFILE_NAME).write_text(json.dumps({"learner_id": learner_id, "name": ""}))
    return folder


def html_of(box) -> str:
    """Every HTML string a container shows, children first to last."""
    out = []
    for child in box.children:
        if isinstance(child, w.HTML):
            out.append(child.value)
        elif isinstance(child, w.Box):
            out.append(html_of(child))
    return "\n".join(out)


class _Text(HTMLParser):
    """Text as a reader sees it: block elements on their own lines."""

    BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "details", "summary", "h3", "h4"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def text_of(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def decode_link(markup: str) -> str:
    m = re.search(r"base64,([A-Za-z0-9+/=]+)", markup)
    assert m, markup[:200]
    return base64.b64decode(m.group(1)).decode("utf-8")


def saved(folder):
    return AnswerStore(folder).load().records


def made_up_bank() -> QuestionBank:
    """Questions with fields the shipped bank may lack or add: no hints, three hints, pins."""
    options = [
        {"id": c, "text": f"Option {c.upper()}.", "correct": c == "c", "feedback": f"About {c}."}
        for c in "abcd"
    ]
    options.append(
        {
            "id": "all",
            "text": "All of the above.",
            "correct": False,
            "pin": True,
            "feedback": "Only one is right.",
        }
    )
    base = {"lesson": 9, "skill": "sourcing", "turns": [], "quotes": [], "sources": []}
    return QuestionBank(
        questions=(
            {
                **base,
                "id": "L09-01",
                "type": "single_choice",
                "prompt": "Which option is right (made up)?",
                "options": options,
                "explanation": "Option C is right because the test says so.",
                "hints": ["Method first.", "Then a nudge.", "Then a bigger nudge."],
            },
            {
                **base,
                "id": "L09-02",
                "type": "multiple_choice",
                "prompt": "Which options are right (made up, no hints key)?",
                "options": [
                    {"id": "x", "text": "X", "correct": True, "feedback": "x is right"},
                    {"id": "y", "text": "Y", "correct": True, "feedback": "y is right"},
                    {"id": "z", "text": "Z", "correct": False, "feedback": "z is wrong"},
                ],
                "explanation": "X and Y, as the made-up bank says.",
            },
        ),
        title="made up",
    )


# ------------------------------------------------------------------ pure helpers


def test_pure_helpers(bank):
    assert progress_text(7, 12) == "7 of 12 answered"
    ev = bank.get("L05-02")
    assert option_label(ev, ev["options"][0]).startswith("Turn 24 (Kim): “the main thing")
    link = download_link_html("<b>é</b>", 'a"b.html', "text/html", "<Save>")
    assert 'download="a_b.html"' in link  # no quote (or folder) survives in a file name
    assert "&lt;Save&gt;" in link
    assert "p63-button" in link  # looks like a button
    assert decode_link(link) == "<b>é</b>"


def test_feedback_html_escapes_everything(bank):
    q = dict(bank.get("L01-01"))
    q["options"] = [dict(o, text="<img src=x onerror=alert(1)>") for o in q["options"]]
    q["explanation"] = "<u>why</u>"
    q["sources"] = [{"title": "<i>t</i>", "url": "javascript:alert(1)"}]
    result = {
        "correct": False,
        "message": "<script>",
        "feedback": [{"option": "a", "text": "<i>", "correct": False, "feedback": "<b>no</b>"}],
        "missed": ["b"],
    }
    markup = feedback_html(q, result, Attempts().checked(result).reveal())
    assert "<script>" not in markup
    assert "<img" not in markup
    assert "<b>no</b>" not in markup
    assert "javascript:" not in markup.split("href=")[-1] or "href" not in markup
    assert "&lt;u&gt;why&lt;/u&gt;" in markup


def test_widget_html_comes_from_templates_only(root):
    """No f-string HTML, inline style or hand-written live region in the question modules."""
    for path in [
        *(root / "course_lib" / "widgets" / "questions").glob("*.py"),
        *(root / "course_lib" / "questions").glob("*.py"),
    ]:
        text = path.read_text(encoding="utf-8")
        assert 'role="status"' not in text, path.name
        assert not re.search(r'(?<!_)style="', text), path.name
        assert not re.search(r"<(p|div|a|li|ul|ol|span|h\d|strong|em)[ >]", text), path.name
    for path in (root / "course_lib" / "templates").glob("question_*.html.j2"):
        text = path.read_text(encoding="utf-8")
        assert "style=" not in text, path.name
        assert 'role="status"' not in text, path.name
        assert "|safe" not in text, path.name


# ------------------------------------------------------------------ fair questions


def test_root_is_themed_and_carries_the_stylesheet_once(tmp_path):
    box = question("L01-01", folder=tmp_path)
    assert "p63" in box._dom_classes
    assert "p63-q" in box._dom_classes
    assert html_of(box).count("<style>") == 1
    sbox = question_set(1, folder=tmp_path, env={})
    assert "p63" in sbox._dom_classes
    assert html_of(sbox).count("<style>") == 1
    assert "/* questions */" in html_of(sbox)


def test_options_are_shown_in_the_learners_stable_order(tmp_path, bank):
    a = as_learner(tmp_path / "a", ID_A)
    v = question("L01-01", folder=a).view
    assert v.order == option_order(bank.get("L01-01"), ID_A)
    assert [i for _label, i in v.control.widget.options] == v.order
    again = question("L01-01", folder=a).view  # a reload does not reshuffle
    assert [i for _label, i in again.control.widget.options] == v.order
    assert learner_key(a) == ID_A == load_profile(a).learner_id


def test_two_learners_see_different_orders_and_the_key_is_unchanged(tmp_path, bank):
    a = question_set(1, folder=as_learner(tmp_path / "a", ID_A), env={}).view
    b = question_set(1, folder=as_learner(tmp_path / "b", ID_B), env={}).view
    assert [v.order for v in a.views] != [v.order for v in b.views]
    va = next(v for v in a.views if v.question["id"] == "L01-03")
    vb = next(v for v in b.views if v.question["id"] == "L01-03")
    right = ["a", "b", "c"]
    for view in (va, vb):
        for i in right:
            view.control.boxes[i].value = True
        view.check_button.click()
        assert "Correct." in view.feedback.value
    assert saved(tmp_path / "a")[-1]["response"] == right == saved(tmp_path / "b")[-1]["response"]


def test_a_fresh_folder_gets_a_profile_and_keeps_its_order(tmp_path):
    first = question("L02-01", folder=tmp_path).view
    assert (tmp_path / PROFILE_NAME).exists()
    assert question("L02-01", folder=tmp_path).view.order == first.order


def test_pinned_option_stays_and_missing_hints_are_fine(tmp_path):
    made_up = made_up_bank()
    for i in range(8):
        folder = as_learner(tmp_path / str(i), f"{i:032x}")
        v = question("L09-01", folder=folder, bank=made_up).view
        assert v.order[-1] == "all"
        assert v.control.widget.options[-1] == ("All of the above.", "all")
        m = question("L09-02", folder=folder, bank=made_up).view
        assert m.hint_button is None  # no hints: no hint button
        assert isinstance(m.control, CheckboxControl)


def test_unwritable_folder_still_gives_a_stable_order(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    key = learner_key(blocker / "sub")
    assert key == learner_key(blocker / "sub")
    v = question("L01-01", folder=blocker / "sub").view
    assert v.order == question("L01-01", folder=blocker / "sub").view.order


# ------------------------------------------------------------------ feedback that teaches


def test_single_choice_check_save_and_try_again(tmp_path, bank):
    box = question("L01-01", folder=tmp_path)
    v = box.view
    assert isinstance(v.control, RadioControl)
    assert v.control.widget.description
    v.check_button.click()  # nothing chosen
    assert "Choose an option first" in v.feedback.value
    assert not (tmp_path / "answers.jsonl").exists()
    v.control.widget.value = "a"
    v.check_button.click()
    assert "Not yet." in v.feedback.value
    assert "It tells us the talk took place" in v.feedback.value
    assert v.control.widget.disabled
    assert v.check_button.disabled
    assert not v.retry_button.disabled
    assert "Saved" in v.saved.value
    v.retry_button.click()
    assert v.feedback.value == ""
    assert not v.control.widget.disabled
    v.control.widget.value = "b"
    v.check_button.click()
    assert "Correct." in v.feedback.value
    assert [r["response"] for r in saved(tmp_path)] == ["a", "b"]


def test_wrong_first_attempt_says_what_is_wrong_and_not_what_is_right(tmp_path, bank):
    v = question("L01-01", folder=tmp_path).view
    v.control.widget.value = "a"
    v.check_button.click()
    text = text_of(v.feedback.value)
    right = bank.get("L01-01")["options"][1]["text"]
    assert "It tells us the talk took place on the day of arrival" in text
    assert right not in text
    assert "Why" not in text
    assert "Sources" not in text
    assert "Try again" in text
    assert "2 more tries" in text


def test_explanation_appears_after_three_tries(tmp_path, bank):
    v = question("L01-04", folder=tmp_path).view
    explanation = html.escape(bank.get("L01-04")["explanation"], quote=True)
    for n, pick in enumerate(["a", "c", "d"], start=1):
        v.control.widget.value = pick
        v.check_button.click()
        shown = v.feedback.value.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")
        assert (explanation in shown) is (n == 3), n
        assert v.reveal_button.disabled is (n == 3)
        if n < 3:
            v.retry_button.click()
    assert "After 3 tries" in v.feedback.value
    assert "Words added by the translators" in v.feedback.value  # the right answer, now
    last = saved(tmp_path)[-1]
    assert (last["attempts"], last["revealed"], last["first_try_correct"]) == (3, False, False)


def test_explanation_appears_when_right(tmp_path, bank):
    v = question("L01-04", folder=tmp_path).view
    v.control.widget.value = "b"
    v.check_button.click()
    assert "Why" in text_of(v.feedback.value)
    assert v.reveal_button.disabled
    last = saved(tmp_path)[-1]
    assert (last["attempts"], last["first_try_correct"], last["revealed"]) == (1, True, False)


def test_show_the_answer_is_recorded(tmp_path, bank):
    v = question("L01-04", folder=tmp_path).view
    assert v.reveal_button.disabled  # try once first
    v.hint_button.click()
    v.control.widget.value = "a"
    v.check_button.click()
    v.retry_button.click()
    v.control.widget.value = "c"  # changed but not checked
    v.reveal_button.click()
    assert "You asked to see the answer." in v.feedback.value
    assert "Why" in text_of(v.feedback.value)
    assert v.control.widget.value == "a"  # the answer the feedback is about
    assert v.reveal_button.disabled
    last = saved(tmp_path)[-1]
    assert last["revealed"] is True
    assert last["response"] == "a"
    assert (last["attempts"], last["hints_used"], last["first_try_correct"]) == (1, 1, False)
    # reopened: the explanation stays, the hint is shown again, and the portfolio can say so
    again = question("L01-04", folder=tmp_path).view
    assert again.state.revealed
    assert "Why" in text_of(again.feedback.value)
    assert f"Hint 1 of {len(again.question['hints'])}." in again.hints.value


def test_hints_one_at_a_time(tmp_path, bank):
    v = question("L09-01", folder=tmp_path, bank=made_up_bank()).view
    assert v.hint_button.description == "Hint (1 of 3)"
    assert v.hints.value == ""
    for n in (1, 2, 3):
        v.hint_button.click()
        assert text_of(v.hints.value).count("Hint ") == n
        assert f"Hint {n} of 3." in v.hints.value
        assert v.hints.value.count('role="status"') == 1  # only the newest is announced
    assert [line.split(". ", 1)[1] for line in text_of(v.hints.value).splitlines()] == [
        "Method first.",
        "Then a nudge.",
        "Then a bigger nudge.",
    ]
    assert v.hint_button.disabled
    assert v.hint_button.description == "No more hints"
    v.control.widget.value = "a"
    v.check_button.click()
    assert saved(tmp_path)[-1]["hints_used"] == 3
    assert "ask for a hint" not in v.feedback.value  # none left to ask for
    real = question("L01-01", folder=tmp_path).view
    assert real.hint_button.description == f"Hint (1 of {len(bank.get('L01-01')['hints'])})"


def test_answer_is_restored_when_reopened(tmp_path, bank):
    first = question("L01-03", folder=tmp_path).view
    first.control.boxes["a"].value = True
    first.control.boxes["c"].value = True
    first.check_button.click()
    again = question("L01-03", folder=tmp_path).view
    assert {i for i, b in again.control.boxes.items() if b.value} == {"a", "c"}
    assert [b.description for b in again.control.widget.children] == [
        first.control.labels[i] for i in first.order
    ]
    assert "Restored" in again.saved.value
    assert "Not yet." in again.feedback.value
    assert again.check_button.disabled
    assert again.state.attempts == 1


def test_evidence_checkboxes_are_labelled_with_turns(tmp_path):
    v = question("L02-01", folder=tmp_path).view
    assert all(b.description.startswith("Turn ") for b in v.control.widget.children)
    assert "p63-q-claim" not in v.prompt.value  # the prompt already states it: not twice
    for o in v.question["options"]:
        v.control.boxes[o["id"]].value = o["correct"]
    v.check_button.click()
    assert "Correct." in v.feedback.value


def test_multiple_choice_wrong_attempt_counts_and_never_names_missed(tmp_path, bank):
    v = question("L01-03", folder=tmp_path).view
    v.control.boxes["a"].value = True
    v.control.boxes["d"].value = True
    v.check_button.click()
    text = text_of(v.feedback.value)
    assert "You chose 1 of the 3 right options and 1 wrong one (score 0%)." in text
    q = bank.get("L01-03")
    chosen_wrong = next(o for o in q["options"] if o["id"] in ("a", "d") and not o["correct"])
    chosen_right = next(o for o in q["options"] if o["id"] in ("a", "d") and o["correct"])
    for o in q["options"]:
        if o["id"] not in ("a", "d"):
            assert o["text"] not in text
    assert "left out" not in text
    # what is wrong with the choice made, and only that: the right pick is not confirmed yet
    assert chosen_wrong["feedback"] in text
    assert chosen_right["text"] not in text
    v.retry_button.click()
    v.check_button.click()
    v.retry_button.click()
    v.check_button.click()  # third try: now everything is explained
    text = text_of(v.feedback.value)
    assert q["options"][0]["text"] in text
    assert "The right options" in text


# ------------------------------------------------------------------ ordering


def test_ordering_moves_an_item_anywhere_in_one_action(tmp_path, bank):
    v = question("L03-01", folder=tmp_path).view
    target = bank.get("L03-01")["correct_order"]
    control = v.control
    assert isinstance(control, OrderControl)
    assert v.response() != target  # never starts solved
    assert all(m.description == "Move to position" for m in control.moves)
    # one action per misplaced item: choose the item's row, pick its place
    actions = 0
    for pos, item in enumerate(target, start=1):
        row = v.response().index(item)
        if row + 1 != pos:
            control.moves[row].value = pos  # what a keyboard user does in the list
            actions += 1
            assert v.response()[pos - 1] == item
            assert f"to position {pos}." in control.status.value
    assert v.response() == target
    assert actions <= len(target) - 1
    # the last item straight to the top: one action, not seven clicks
    last = target[-1]
    control.moves[len(target) - 1].value = 1
    assert v.response()[0] == last
    assert v.response()[1:] == target[:-1]
    assert [m.value for m in control.moves] == list(range(1, len(target) + 1))
    assert "1." in control.texts[0].value
    assert "role" not in control.texts[0].value
    control.move(last, len(target))
    v.check_button.click()
    assert "Correct." in v.feedback.value
    assert all(m.disabled for m in control.moves)


def test_ordering_feedback_and_portfolio_say_the_same_score(tmp_path, bank):
    v = question("L03-01", folder=tmp_path).view
    v.check_button.click()  # the shuffled order, as shown
    result = v.result
    pct = score_percent(result["score"])
    assert f"(score {pct}%)" in text_of(v.feedback.value)
    page = portfolio_html(saved(tmp_path), bank, lesson=3)
    assert f"score {pct}%" in page
    # before the explanation is due, the items' notes (which tell where they go) stay hidden
    notes = [o["feedback"] for o in bank.get("L03-01")["options"]]
    assert not any(html.escape(n) in v.feedback.value for n in notes)


# ------------------------------------------------------------------ the whole bank


GLUED = re.compile(r"[.!?;:,][\"”\u2019)\]]*\s*[.;:,]")
REPEATED = re.compile(r"\b(\w+(?:\s+\w+){0,2})[.,:;!?]?\s+\1\b", re.IGNORECASE)


def every_feedback(bank):
    """(qid, what was done, feedback text) for every option of every question, in each state."""
    for q in bank:
        first = [q["options"][0]["id"]] if q.get("options") else []
        if q["type"] == "short_answer":
            responses = ["My own answer, citing turn 13."]
        elif q["type"] == "single_choice":
            responses = [o["id"] for o in q["options"]]
        elif q["type"] == "ordering":
            target = q["correct_order"]
            responses = [target, list(reversed(target)), option_order(q, "k")]
        else:
            responses = [[o["id"]] for o in q["options"]]
            responses += [[o["id"] for o in q["options"] if o["correct"]], [], first]
        for response in responses:
            result = check_answer(q, response)
            states = {
                "first try": Attempts().checked(result),
                "third try": Attempts().checked(result).checked(result).checked(result),
                "shown": Attempts().checked(result).reveal(),
            }
            for name, state in states.items():
                yield q["id"], f"{response} {name}", feedback_html(q, result, state)


def test_no_doubled_words_or_glued_punctuation_in_any_feedback(bank):
    count = 0
    for qid, what, markup in every_feedback(bank):
        text = text_of(markup)
        assert not GLUED.search(text), (qid, what, GLUED.search(text).group(0), text)
        for line in text.splitlines():
            hit = REPEATED.search(line)
            assert not hit, (qid, what, hit.group(0), line)
        for bad in ("Saved. Saved", "Correct. Correct", "Why.", "left out a right option"):
            assert bad not in text, (qid, what)
        count += 1
    assert count > 600


def test_no_wrong_first_attempt_anywhere_names_a_right_option(bank):
    checked = 0
    for q in bank:
        if q["type"] not in ("single_choice", "multiple_choice", "evidence"):
            continue
        right = [o for o in q["options"] if o["correct"]]
        candidates = [[o["id"]] for o in q["options"]] + [[o["id"] for o in right[:-1]]]
        for response in candidates if q["type"] != "single_choice" else candidates[:-1]:
            result = check_answer(q, response if q["type"] != "single_choice" else response[0])
            if result["correct"]:
                continue
            text = text_of(feedback_html(q, result, Attempts().checked(result)))
            for o in right:
                if o["id"] not in response:
                    assert option_label(q, o) not in text, (q["id"], response, o["id"])
                    assert o["text"] not in text, (q["id"], response, o["id"])
            checked += 1
    assert checked > 100


# ------------------------------------------------------------------ text answers and errors


@pytest.mark.parametrize(
    "text", ["<script>alert(1)</script>", "[", "(((", "김일성 刘少奇", "x" * 5_000]
)
def test_short_answer_hostile_text_is_saved_and_never_rendered_raw(tmp_path, text):
    box = question("L01-09", folder=tmp_path)
    v = box.view
    assert v.reveal_button is None  # nothing to reveal: the model answer follows the answer
    v.control.widget.value = text
    v.check_button.click()
    assert "Model answer" in v.feedback.value
    assert "Saved." in v.feedback.value
    assert "<script>" not in html_of(box)
    assert AnswerStore(tmp_path).load().answers["L01-09"]["response"] == text


@pytest.mark.parametrize(
    ("text", "needle"), [("", "empty"), ("   ", "empty"), ("y" * 20_001, "limit")]
)
def test_short_answer_refusals(tmp_path, text, needle):
    v = question("L01-09", folder=tmp_path).view
    v.control.widget.value = text
    v.check_button.click()
    assert needle in v.feedback.value
    assert not v.control.widget.disabled
    assert not (tmp_path / "answers.jsonl").exists()


def test_save_failure_is_shown_not_raised(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    box = question("L01-01", folder=blocker / "sub")
    v = box.view
    v.control.widget.value = "b"
    v.check_button.click()
    assert "Correct." in v.feedback.value
    assert "could not be saved" in v.saved.value
    assert 'role="alert"' in v.saved.value


def test_unknown_question_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no question"):
        question("<script>", folder=tmp_path)
    with pytest.raises(ValueError, match="L01-01"):
        question(None, folder=tmp_path)


def test_a_saved_answer_that_no_longer_fits_is_explained(tmp_path):
    AnswerStore(tmp_path).append({"qid": "L01-01", "response": "zz", "correct": False})
    v = question("L01-01", folder=tmp_path).view
    assert "no longer fits" in v.saved.value
    assert not v.check_button.disabled


def test_binder_warning_and_one_click_portfolio(tmp_path):
    box = question("L01-01", folder=tmp_path, env=BINDER)
    assert "You are on Binder" in html_of(box)
    assert "Download your portfolio" in html_of(box)
    box.view.control.widget.value = "b"
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
    s.views[0].control.widget.value = "b"
    s.views[0].check_button.click()
    s.views[3].control.widget.value = "a"
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
    # One Layout per look (plain, full width) and one Style per kind of control, instead of a
    # fresh Layout and Style for each of some 140 controls.
    # The plain layout and the hidden one of the keyboard guard.
    assert kinds.count("Layout") == 3
    assert sum(k.endswith("Style") for k in kinds) <= 8
    assert len(made) < 220
    s = box.view
    buttons = [b for v in s.views for b in (v.check_button, v.retry_button)]
    assert len({id(b.layout) for b in buttons}) == 1
    assert len({id(b.style) for b in buttons}) == 1
    # Sharing does not leak state: one question's buttons change, the others' do not.
    s.views[0].control.widget.value = "b"
    s.views[0].check_button.click()
    assert s.views[0].check_button.disabled
    assert not s.views[1].check_button.disabled
    assert all("p63-q" in v.box._dom_classes for v in s.views)  # the card comes from the CSS


def test_question_set_restores_progress_and_name(tmp_path):
    first = question_set(2, folder=tmp_path, learner="Su", env={}).view
    first.views[1].control.widget.value = "a"
    first.views[1].check_button.click()
    again = question_set(2, folder=tmp_path, env={}).view
    assert "1 of 8 answered" in again.progress.value
    assert again.name.value == "Su"
    assert again.views[1].control.widget.value == "a"


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
    first = s.views[0]
    first.control.set(first.question["correct_order"])
    first.check_button.click()
    assert "1 of 10 answered" in s.progress.value
    assert "1 of 10 questions answered" in decode_link(s.binder_link.value)
