"""Widget builders. Each returns an ipywidgets container and never calls ``display()``.

Every lesson imports builders the same way, ``from course_lib.widgets import reader``. The map
of the conversation is ``conversation_map`` (a builder named ``map`` would hide Python's
built-in ``map`` in every lesson that imported it). The
package loads a builder's module only when the builder is first asked for, so importing one
builder does not import the others. No module here shares its builder's name
(``reader_widget.py`` holds ``reader``), so a builder is always a plain function.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what static checkers see; at run time __getattr__ imports on first use
    from course_lib.widgets.capstone_widget import capstone
    from course_lib.widgets.document import document_card
    from course_lib.widgets.map_widget import conversation_map
    from course_lib.widgets.questions import question, question_set
    from course_lib.widgets.reader_widget import reader
    from course_lib.widgets.speakers import speaker_comparison
    from course_lib.widgets.timeline_widget import timeline

_BUILDERS = {
    "capstone": "course_lib.widgets.capstone_widget",
    "conversation_map": "course_lib.widgets.map_widget",
    "document_card": "course_lib.widgets.document",
    "question": "course_lib.widgets.questions",
    "question_set": "course_lib.widgets.questions",
    "reader": "course_lib.widgets.reader_widget",
    "speaker_comparison": "course_lib.widgets.speakers",
    "timeline": "course_lib.widgets.timeline_widget",
}

__all__ = [
    "capstone",
    "conversation_map",
    "document_card",
    "question",
    "question_set",
    "reader",
    "speaker_comparison",
    "timeline",
]


def __getattr__(name: str) -> Any:
    module = _BUILDERS.get(name)
    if module is None:
        raise AttributeError(f"module 'course_lib.widgets' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
