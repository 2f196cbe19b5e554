"""Shared pieces for the widget builders: escaping, the palette, labelled controls.

Everything that reaches an HTML widget from data or from a learner goes through :func:`esc`.
"""

from __future__ import annotations

import html
import sys
import types
from collections.abc import Callable, Iterable
from typing import Any

import ipywidgets as w

__all__ = [
    "MAX_INPUT",
    "OKABE_ITO",
    "SPEAKER_COLOURS",
    "SPEAKER_MARKS",
    "callable_module",
    "clean_input",
    "esc",
    "html_table",
    "status",
]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
#: One colour per speaker, and a second cue (a letter) so colour is never the only signal.
SPEAKER_COLOURS = {"Liu": OKABE_ITO["vermillion"], "Kim": OKABE_ITO["blue"]}
SPEAKER_MARKS = {"Liu": "L", "Kim": "K"}

#: Longest text a learner's input box is allowed to pass on (characters).
MAX_INPUT = 200


def esc(value: object) -> str:
    """Escape any value for HTML (quotes included); ``None`` and missing values become ``""``.

    Parameters
    ----------
    value : object

    Returns
    -------
    str
    """
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def clean_input(text: object, limit: int = MAX_INPUT) -> str:
    """Normalise a learner's typed input: a string, stripped, at most ``limit`` characters.

    Parameters
    ----------
    text : object
    limit : int

    Returns
    -------
    str
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return " ".join(text.split())[:limit]


def html_table(
    header: Iterable[object], rows: Iterable[Iterable[object]], caption: str = ""
) -> str:
    """A small accessible HTML table with every cell escaped.

    Parameters
    ----------
    header : iterable
        Column headings.
    rows : iterable of iterables
        Cell values.
    caption : str
        Read by screen readers and shown above the table.

    Returns
    -------
    str
    """
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (
        f'<table class="p63-table">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def status(message: str = "") -> w.HTML:
    """A live region for short messages ("3 matches"), announced by screen readers.

    Parameters
    ----------
    message : str
        Plain text; it is escaped.

    Returns
    -------
    ipywidgets.HTML
    """
    return w.HTML(f'<p role="status" aria-live="polite">{esc(message)}</p>')


def callable_module(module_name: str, builder: Callable[..., Any]) -> None:
    """Make a widget module callable as its builder.

    ``course_lib.widgets`` exports builders lazily; a builder that shares its module's name
    (``reader``, ``timeline``, ``capstone``) is shadowed by the module as soon as the submodule is
    imported, because importing binds the submodule on the package. Calling the module then calls
    the builder, so ``from course_lib.widgets import timeline; timeline()`` works in any order.

    Parameters
    ----------
    module_name : str
        The module's ``__name__``.
    builder : callable
        The builder to call.
    """

    class _CallableModule(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return builder(*args, **kwargs)

    sys.modules[module_name].__class__ = _CallableModule
