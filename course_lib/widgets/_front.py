"""Front-end helpers built on anywidget (a maintained widget toolkit; no hand-wired comms).

- :class:`KeyGuard` sits in every course widget and keeps JupyterLab's notebook shortcuts off the
  widget's controls, so a focused dropdown or radio group takes its own arrow keys.
- :class:`SelectableSVG` shows an SVG chart (made by a template) whose marks carrying
  ``data-select="<id>"`` can be chosen with the mouse or the keyboard; the choice arrives in
  Python as :attr:`SelectableSVG.selected`.

The JavaScript is one file shipped with the package (``course_lib/static/front.js``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import anywidget
import traitlets

__all__ = ["KeyGuard", "SelectableSVG", "front_js"]

_JS = Path(__file__).resolve().parent.parent / "static" / "front.js"


@functools.cache
def front_js() -> str:
    """The ESM source of the front-end helpers.

    Returns
    -------
    str
    """
    return _JS.read_text(encoding="utf-8")


class _Front(anywidget.AnyWidget):
    _esm = traitlets.Unicode(front_js()).tag(sync=True)
    kind = traitlets.Unicode("keyguard").tag(sync=True)


class KeyGuard(_Front):
    """An invisible helper: put one in a widget tree whose root has the class ``p63``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("layout", {"display": "none"})
        super().__init__(kind="keyguard", **kwargs)


class SelectableSVG(_Front):
    """An SVG whose ``[data-select]`` marks can be chosen by mouse or keyboard.

    Parameters
    ----------
    svg : str
        SVG markup from an autoescaping template.
    selected : str
        The chosen mark's id (``""`` for none).
    """

    svg = traitlets.Unicode("").tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)

    def __init__(self, svg: str = "", selected: str = "", **kwargs: Any) -> None:
        super().__init__(kind="svg", svg=svg, selected=selected, **kwargs)

    @property
    def value(self) -> str:
        """The markup shown, read like an ``HTML`` widget's ``value``."""
        return str(self.svg)
