"""The answer controls, one kind per ``QuestionType.control``: radio, checkboxes, order, text.

A control shows a question's options in the order the learner is meant to see them, reads the
response in the shape :func:`course_lib.questions.check_answer` expects, shows a saved
response again and locks while feedback is shown. Every control is operable from the keyboard:
radio buttons and checkboxes natively, an ordering question through one "Move to position" list
per row (one choice moves an item to any place), the short answer through its text box.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, ClassVar

import ipywidgets as w

from course_lib.questions import option_label, question_type
from course_lib.templating import status_html
from course_lib.widgets._common import Kit
from course_lib.widgets.questions.parts import order_row_html

__all__ = [
    "CONTROLS",
    "CheckboxControl",
    "Control",
    "OrderControl",
    "RadioControl",
    "TextControl",
    "make_control",
]

_WIDE = {"width": "100%"}
_LABELLED = {"description_width": "initial"}


class Control:
    """Base of the answer controls.

    Attributes
    ----------
    widget : ipywidgets.Widget
        What the question shows.
    inputs : list of ipywidgets.Widget
        What locks while feedback is shown.
    """

    #: The ``QuestionType.control`` value this class serves.
    kind: ClassVar[str] = ""

    def __init__(self, question: Mapping[str, Any], order: Sequence[str], kit: Kit) -> None:
        self.question = question
        self.order = list(order)
        self.labels = {o["id"]: option_label(question, o) for o in question.get("options", [])}
        self.widget: Any = None
        self.inputs: list[Any] = []

    def value(self) -> Any:
        """The learner's current response."""
        raise NotImplementedError

    def set(self, response: Any) -> None:
        """Show a (checked, canonical) response."""
        raise NotImplementedError

    def lock(self, locked: bool) -> None:
        """Disable (or enable) every input."""
        for widget in self.inputs:
            widget.disabled = locked


class RadioControl(Control):
    """One choice among the options."""

    kind = "radio"

    def __init__(self, question: Mapping[str, Any], order: Sequence[str], kit: Kit) -> None:
        super().__init__(question, order, kit)
        self.widget = kit.make(
            w.RadioButtons,
            options=[(self.labels[i], i) for i in self.order],
            value=None,
            description="Your answer:",
            style=_LABELLED,
            layout=_WIDE,
        )
        self.inputs = [self.widget]

    def value(self) -> Any:
        return self.widget.value

    def set(self, response: Any) -> None:
        if response in self.labels:
            self.widget.value = response


class CheckboxControl(Control):
    """Any number of options, one checkbox each."""

    kind = "checkboxes"

    def __init__(self, question: Mapping[str, Any], order: Sequence[str], kit: Kit) -> None:
        super().__init__(question, order, kit)
        #: Option id to its checkbox.
        self.boxes = {
            i: kit.make(
                w.Checkbox, value=False, description=self.labels[i], indent=False, layout=_WIDE
            )
            for i in self.order
        }
        self.widget = kit.make(w.VBox, children=[self.boxes[i] for i in self.order])
        self.inputs = list(self.widget.children)

    def value(self) -> list[str]:
        return [i for i in self.order if self.boxes[i].value]

    def set(self, response: Any) -> None:
        chosen = set(response or [])
        for i, box in self.boxes.items():
            box.value = i in chosen


class OrderControl(Control):
    """Items in rows; each row has a "Move to position" list that moves its item in one step.

    The rows stay where they are (so keyboard focus stays put); what changes is the text in
    each row and the position its list shows. A live region says what moved where.
    """

    kind = "order"

    def __init__(self, question: Mapping[str, Any], order: Sequence[str], kit: Kit) -> None:
        super().__init__(question, order, kit)
        positions = [(str(k), k) for k in range(1, len(self.order) + 1)]
        self.texts = [kit.html() for _ in self.order]
        self.moves = [
            kit.make(
                w.Dropdown,
                options=positions,
                value=k,
                description="Move to position",
                tooltip="Choose a position to move this item there",
                style=_LABELLED,
            )
            for _label, k in positions
        ]
        rows = []
        for text, move in zip(self.texts, self.moves, strict=True):
            row = kit.make(w.HBox, children=[text, move])
            row.add_class("p63-q-order-row")
            rows.append(row)
        self.status = kit.html()
        self.widget = kit.make(w.VBox, children=[*rows, self.status])
        self.widget.add_class("p63-q-order")
        self.inputs = list(self.moves)
        self._syncing = False
        for row, move in enumerate(self.moves):
            move.observe(partial(self._on_move, row), names="value")
        self._sync()

    def _on_move(self, row: int, change: Mapping[str, Any]) -> None:
        if not self._syncing and change["new"] != row + 1:
            self.move(self.order[row], int(change["new"]))

    def move(self, item: str, position: int) -> None:
        """Move one item to a position (1 = first), shifting the others, and say so.

        Parameters
        ----------
        item : str
            An item id.
        position : int
        """
        if item not in self.order or not 1 <= position <= len(self.order):
            return
        self.order.remove(item)
        self.order.insert(position - 1, item)
        self._sync()
        self.status.value = status_html(f"Moved “{self.labels[item]}” to position {position}.")

    def _sync(self) -> None:
        self._syncing = True
        try:
            for row, (item, text, move) in enumerate(
                zip(self.order, self.texts, self.moves, strict=True), start=1
            ):
                text.value = order_row_html(row, self.labels[item])
                move.value = row
        finally:
            self._syncing = False

    def value(self) -> list[str]:
        return list(self.order)

    def set(self, response: Any) -> None:
        items = list(response or [])
        if sorted(items) == sorted(self.labels):
            self.order = items
            self._sync()
            self.status.value = ""


class TextControl(Control):
    """A text box for a short answer."""

    kind = "text"

    def __init__(self, question: Mapping[str, Any], order: Sequence[str], kit: Kit) -> None:
        super().__init__(question, order, kit)
        self.widget = kit.make(
            w.Textarea,
            value="",
            description="Your answer:",
            placeholder="Write your answer here.",
            rows=8,
            style=_LABELLED,
            layout=_WIDE,
        )
        self.inputs = [self.widget]

    def value(self) -> Any:
        return self.widget.value

    def set(self, response: Any) -> None:
        self.widget.value = "" if response is None else str(response)


#: Control kind (``QuestionType.control``) to the class that builds it.
CONTROLS: dict[str, type[Control]] = {
    cls.kind: cls for cls in (RadioControl, CheckboxControl, OrderControl, TextControl)
}


def make_control(question: Mapping[str, Any], order: Sequence[str], kit: Kit) -> Control:
    """The control a question's type asks for, options in the learner's order.

    Parameters
    ----------
    question : dict
    order : sequence of str
        From :func:`course_lib.questions.option_order`.
    kit : Kit

    Returns
    -------
    Control

    Raises
    ------
    KeyError
        If the type names a control kind nobody defined.
    """
    kind = question_type(question).control
    try:
        cls = CONTROLS[kind]
    except KeyError:
        raise KeyError(
            f"no control of kind {kind!r} for question type {question['type']!r}"
        ) from None
    return cls(question, order, kit)
