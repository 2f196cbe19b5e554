"""Pyongyang 1963: helpers for a course built on one primary source.

The minutes of the conversation between Liu Shaoqi and Kim Il Sung (15 September 1963, Wilson
Center Digital Archive document 116542) as data, analysis and widgets.

Loaders are imported eagerly (they need only pandas); the widget builders live in
:mod:`course_lib.widgets` and are imported on first use, so ``import course_lib`` stays light.
"""

from __future__ import annotations

from course_lib.data import (
    DataError,
    load_document,
    load_glossary,
    load_people,
    load_questions,
    load_table,
    load_timeline,
    load_turns,
)
from course_lib.source import SourceFormatError

__all__ = [
    "DataError",
    "SourceFormatError",
    "__version__",
    "load_document",
    "load_glossary",
    "load_people",
    "load_questions",
    "load_table",
    "load_timeline",
    "load_turns",
]

__version__ = "0.1.0"
