"""Shared pieces for the widget builders: escaping, the palette, labelled controls, shared parts.

Everything that reaches an HTML widget from data or from a learner goes through :func:`esc`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

import ipywidgets as w

from course_lib.data import is_missing
from course_lib.templating import render, status_html

__all__ = [
    "MAX_INPUT",
    "OKABE_ITO",
    "SPEAKER_COLOURS",
    "SPEAKER_MARKS",
    "Kit",
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
    if is_missing(value):
        return ""
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
    """A small accessible HTML table with every cell escaped (the ``table`` macro).

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
    return render(
        "table.html.j2", header=list(header), rows=[list(r) for r in rows], caption=caption
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
    return w.HTML(status_html(message))


class Kit:
    """Makes widgets that share their ``Layout`` and ``Style`` objects.

    Every ipywidgets object is a comm the kernel opens with its full state, and every control
    otherwise brings a fresh ``Layout`` and ``Style`` of its own: often half of a builder's
    objects, and most of the time a lesson spends showing it. Widgets that look alike share one
    instance of each instead (ipywidgets allows it). Use one kit per builder call, so that two
    widget trees never share an object and closing one never closes the other's layouts.

    A widget whose layout or style a callback changes later (``citation.layout.display =
    "none"``) must not share it: build that widget without the kit.

    Examples
    --------
    >>> kit = Kit()
    >>> a = kit.make(w.Button, description="A", layout={"width": "auto"})
    >>> b = kit.make(w.Button, description="B", layout={"width": "auto"})
    >>> a.layout is b.layout and a.style is b.style
    True
    """

    def __init__(self) -> None:
        self._layouts: dict[tuple[tuple[str, Any], ...], w.Layout] = {}
        self._styles: dict[tuple[Any, ...], Any] = {}

    def layout(self, **kwargs: Any) -> w.Layout:
        """The kit's ``Layout(**kwargs)``: one instance per distinct set of keywords.

        Parameters
        ----------
        **kwargs
            Layout traits (``width="auto"``, ``border="1px solid #ccc"`` ...).

        Returns
        -------
        ipywidgets.Layout
        """
        key = tuple(sorted(kwargs.items()))
        if key not in self._layouts:
            self._layouts[key] = w.Layout(**kwargs)
        return self._layouts[key]

    def style(self, kind: type[Any], **kwargs: Any) -> Any:
        """The kit's ``kind(**kwargs)`` style: one instance per style class and keywords.

        Parameters
        ----------
        kind : type
            A style class (``ipywidgets.CheckboxStyle`` ...).
        **kwargs
            Style traits (``description_width="initial"`` ...).

        Returns
        -------
        ipywidgets.Style
        """
        key = (kind, *sorted(kwargs.items()))
        if key not in self._styles:
            self._styles[key] = kind(**kwargs)
        return self._styles[key]

    def make(
        self,
        cls: type[Any],
        *,
        layout: w.Layout | Mapping[str, Any] | None = None,
        style: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """``cls(**kwargs)`` with the kit's layout and the kit's style of its kind.

        Parameters
        ----------
        cls : type
            An ipywidgets widget class (``w.Button``, ``w.VBox`` ...).
        layout : Layout or mapping, optional
            A mapping names the kit's shared layout with those keywords; a ``Layout`` is used
            as given; ``None`` means the kit's plain layout.
        style : mapping, optional
            Style keywords; the widget gets the kit's style of its class with them.
        **kwargs
            Passed on to ``cls``.

        Returns
        -------
        ipywidgets.DOMWidget
        """
        traits = cls.class_traits()
        if "style" in traits:
            kwargs["style"] = self.style(traits["style"].klass, **(style or {}))
        elif style:
            raise TypeError(f"{cls.__name__} has no style")
        if not isinstance(layout, w.Layout):
            layout = self.layout(**(layout or {}))
        return cls(layout=layout, **kwargs)

    def html(self, value: str = "") -> w.HTML:
        """An HTML widget with the kit's plain layout and shared style.

        Parameters
        ----------
        value : str
            Its HTML, already escaped where it holds data or input.

        Returns
        -------
        ipywidgets.HTML
        """
        return self.make(w.HTML, value=value)

    def guard(self) -> w.Widget:
        """The hidden keyboard guard every course widget root holds (see ``_front.KeyGuard``).

        Returns
        -------
        ipywidgets.Widget
        """
        from course_lib.widgets._front import KeyGuard

        return KeyGuard(layout=self.layout(display="none"))

    def root(self, children: Iterable[w.Widget], name: str, **layout: Any) -> w.VBox:
        """The root box of a course widget: the stylesheet, the keyboard guard, the children.

        Every course widget is built on one: it carries the class ``p63`` (which the stylesheet
        and the keyboard guard look for) and ``p63-<name>``.

        Parameters
        ----------
        children : iterable of widgets
        name : str
            The widget's name (``"reader"``), for its CSS class.
        **layout
            Layout traits of the root box.

        Returns
        -------
        ipywidgets.VBox
        """
        from course_lib.templating import style_tag
        from course_lib.widgets._front import KeyGuard

        box = self.make(
            w.VBox,
            children=[
                self.html(style_tag()),
                KeyGuard(layout=self.layout(display="none")),
                *children,
            ],
            layout=layout,
        )
        box.add_class("p63")
        box.add_class(f"p63-{name}")
        return box
