"""Operate each course widget the way a person would, and say what changed.

Each function takes a Playwright locator for the area holding ONE widget (a notebook in
JupyterLab, or Voila's rendered cells), uses the mouse or keyboard on one control, waits for the
view to change, and returns ``(before, after)`` texts so the test can assert on them. They find
controls by their visible labels, as a learner (or a screen reader) would.
"""

from __future__ import annotations

from playwright.sync_api import Locator, expect

TIMEOUT = 30_000


def _text(loc: Locator) -> str:
    return loc.inner_text(timeout=TIMEOUT)


def _settled(loc: Locator, quiet_ms: int = 600, tries: int = 50) -> str:
    """The text once it has stopped changing (the kernel may still be sending updates)."""
    last = _text(loc)
    for _ in range(tries):
        loc.page.wait_for_timeout(quiet_ms)
        now = _text(loc)
        if now == last:
            return now
        last = now
    return last


def speakers_type_term(scope: Locator) -> tuple[str, str]:
    """Type a term in the speaker comparison's term box; the search and its counts change."""
    widget = scope.locator(".p63-speaker-comparison").first
    searching = widget.locator("p", has_text="Searching for").first
    expect(searching).to_be_visible(timeout=TIMEOUT)
    before = _text(widget)
    box = widget.get_by_label("Word or phrase:")
    box.click()
    box.fill("")
    box.press_sequentially("Stalin", delay=20)
    box.press("Enter")
    expect(searching).to_contain_text("Stalin", timeout=TIMEOUT)
    expect(widget).not_to_have_text(before, timeout=TIMEOUT)
    return before, _settled(widget)


def _expected_status(years: tuple[int, int] | None, hindsight: bool) -> str:
    """How many events the library keeps for this filter, as the status line starts."""
    import course_lib
    from course_lib import timeline as tl

    events = tl.prepare_events(course_lib.load_timeline())
    shown = tl.filter_events(events, years, hindsight=hindsight)
    return f"{len(shown)} of {len(events)} events shown"


def _timeline_status(scope: Locator) -> Locator:
    return scope.locator("p[role=status]", has_text="events shown")


def timeline_narrow_years(scope: Locator) -> tuple[str, str]:
    """Type 1958 into the focused "From year" list (type-ahead); the earlier events go."""
    status = _timeline_status(scope)
    expect(status).to_be_visible(timeout=TIMEOUT)
    before = _text(status)
    start = scope.get_by_label("From year", exact=True).first
    expect(start).to_be_visible(timeout=TIMEOUT)
    start.focus()
    start.press_sequentially("1958", delay=50)  # type-ahead picks the option "1958"
    start.press("Tab")  # leave the control, as a person would
    expect(start).to_have_js_property("selectedIndex", 8)
    expect(status).not_to_have_text(before, timeout=TIMEOUT)
    after = _settled(status)
    # Exactly the events the library keeps for 1958-1969 are shown.
    expected = _expected_status((1958, 1969), hindsight=False)
    assert after.startswith(expected), (after, expected)
    return before, after


def timeline_toggle_hindsight(scope: Locator) -> tuple[str, str]:
    """Tick "Only what was known on 15 September 1963"; later events disappear."""
    status = _timeline_status(scope)
    expect(status).to_be_visible(timeout=TIMEOUT)
    before = _text(status)
    scope.get_by_label("Only what was known on 15 September 1963").check()
    expect(status).not_to_have_text(before, timeout=TIMEOUT)
    after = _settled(status)
    expected = _expected_status(None, hindsight=True)
    assert after.startswith(expected), (after, expected)
    return before, after


def question_answer(scope: Locator) -> tuple[str, str]:
    """Choose an option of the first multiple-choice question and check it; feedback appears."""
    question = scope.locator(".p63-q").filter(has=scope.page.get_by_role("radio")).first
    expect(question).to_be_visible(timeout=TIMEOUT)
    retry = question.get_by_role("button", name="Try again")
    if retry.is_enabled():  # answered in an earlier session: a person presses "Try again"
        retry.click()
        expect(question.get_by_role("button", name="Check answer")).to_be_enabled(timeout=TIMEOUT)
    before = _text(question)
    question.get_by_role("radio").first.check()
    question.get_by_role("button", name="Check answer").click()
    feedback = question.locator(".p63-fb-ok, .p63-fb-no, .p63-fb-self").first
    expect(feedback).to_be_visible(timeout=TIMEOUT)
    return before, _settled(question)


def reader_hide_insertions(scope: Locator) -> tuple[str, str]:
    """Switch the reader's insertions from Marked to Hidden; the bracketed words go."""
    turn = scope.locator(".p63-reader").first
    expect(turn).to_be_visible(timeout=TIMEOUT)
    expect(turn.locator(".p63-ins").first).to_be_visible(timeout=TIMEOUT)
    before = _text(turn)
    scope.get_by_role("button", name="Hidden", exact=True).click()
    expect(turn.locator(".p63-ins")).to_have_count(0, timeout=TIMEOUT)
    return before, _settled(turn)


#: explorer view -> (what a person does, function)
ACTIONS = {
    "speakers": [("type a term", speakers_type_term)],
    "timeline": [
        ("narrow the years", timeline_narrow_years),
        ("toggle hindsight", timeline_toggle_hindsight),
    ],
    "questions": [("answer a question", question_answer)],
    "reader": [("hide insertions", reader_hide_insertions)],
}
