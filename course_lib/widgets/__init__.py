"""Widget builders. Each returns an ipywidgets container and never calls ``display()``.

Imported lazily: ``from course_lib.widgets import reader`` loads only the module it needs.
"""

from __future__ import annotations

import importlib
from typing import Any

_BUILDERS = {
    "reader": "course_lib.widgets.reader",
    "speaker_comparison": "course_lib.widgets.speakers",
    "timeline": "course_lib.widgets.timeline",
    "question": "course_lib.widgets.questions",
    "question_set": "course_lib.widgets.questions",
    "document_card": "course_lib.widgets.document",
    "capstone": "course_lib.widgets.capstone",
}

__all__ = sorted(_BUILDERS)


def __getattr__(name: str) -> Any:
    module = _BUILDERS.get(name)
    if module is None:
        raise AttributeError(f"module 'course_lib.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    # A builder may share its module's name (``timeline``): importing the submodule binds the
    # module to this package's attribute, so bind the builder over it.
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
