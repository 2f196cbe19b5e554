"""Every piece of HTML the course shows comes from here: autoescaping Jinja2 templates.

Templates live in ``course_lib/templates/`` (``*.html.j2``) and are rendered with autoescaping on,
so a value from the data or from a learner is escaped unless a template marks it safe on purpose
(``|safe`` only ever on markup that another template produced). Links go through
:func:`safe_url`, which lets only ``http`` and ``https`` through. The one stylesheet,
``course_lib/static/course.css``, takes every colour from JupyterLab's theme variables, so the
widgets follow the Light and Dark themes in JupyterLab and Voilà.

Jinja2 is imported on the first render, not with :mod:`course_lib`, to keep ``import course_lib``
light.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from markupsafe import Markup

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "TEMPLATES",
    "Markup",
    "render",
    "render_macro",
    "safe_url",
    "status_html",
    "style_tag",
    "stylesheet",
]

#: Folder of the templates.
TEMPLATES = Path(__file__).with_name("templates")
_STYLESHEET = Path(__file__).with_name("static") / "course.css"
_SCHEMES = frozenset({"http", "https"})


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute ``http(s)`` link with a host, else ``None``.

    Parameters
    ----------
    url : object
        Anything; only a string can pass.

    Returns
    -------
    str or None
        The stripped URL, or ``None`` for ``javascript:``, ``data:``, relative, empty or missing
        values (templates then show the text without a link).

    Examples
    --------
    >>> safe_url(" https://digitalarchive.wilsoncenter.org/document/116542 ")
    'https://digitalarchive.wilsoncenter.org/document/116542'
    >>> safe_url("javascript:alert(1)") is None
    True
    """
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not text or any(ord(c) < 0x20 or c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not parts.netloc or parts.username is not None:
        return None
    return text


def _blank(value: object) -> object:
    """``None`` and NaN-like values become ``""`` (the ``blank`` filter)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return value


def _bytecode_cache(jinja2: Any) -> jinja2.BytecodeCache | None:
    try:
        return jinja2.FileSystemBytecodeCache()  # type: ignore[no-any-return]
    except (OSError, RuntimeError):  # no usable temp folder: compile in memory, as before
        return None


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        # Compiled templates are kept between kernels (Jinja's own cache: a folder in the temp
        # directory owned by this user, mode 0700, checked by Jinja before use), so a lesson's
        # kernel does not compile the same templates again (about 0.1-0.25 s).
        bytecode_cache=_bytecode_cache(jinja2),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["safe_url"] = safe_url
    env.filters["blank"] = _blank
    env.globals["safe_url"] = safe_url
    return env


def render(name: str, /, **context: Any) -> str:
    """Render a template with autoescaping.

    Parameters
    ----------
    name : str
        Template file name under ``course_lib/templates`` (``"status.html.j2"``).
    **context
        Values for the template; strings are escaped unless they are :class:`Markup`.

    Returns
    -------
    str
        HTML, with surrounding white space stripped.
    """
    return _environment().get_template(name).render(**context).strip()


def render_macro(name: str, macro: str, /, *args: Any, **kwargs: Any) -> str:
    """Call one macro of a template file (``render_macro("_macros.html.j2", "status", "Saved")``).

    Parameters
    ----------
    name : str
        Template file that defines the macro.
    macro : str
        The macro's name.
    *args, **kwargs
        The macro's arguments.

    Returns
    -------
    str
    """
    module = _environment().get_template(name).module
    return str(getattr(module, macro)(*args, **kwargs)).strip()


def status_html(message: object = "", *, live: str = "polite", css: str = "") -> str:
    """The one live region: a short message announced by screen readers ("3 matches").

    Parameters
    ----------
    message : object
        Plain text (escaped) or :class:`Markup` made by a template.
    live : {"polite", "assertive", "off"}
        How urgently a screen reader announces a change.
    css : str
        Extra class names (``"p63-fb-ok"``).

    Returns
    -------
    str
    """
    if live not in {"polite", "assertive", "off"}:
        raise ValueError(f"live must be polite, assertive or off, not {live!r}")
    return render_macro("_macros.html.j2", "status", _blank(message), live=live, css=css)


@functools.cache
def stylesheet() -> str:
    """The course's one stylesheet (``course_lib/static/course.css``).

    Returns
    -------
    str
    """
    return _STYLESHEET.read_text(encoding="utf-8")


def style_tag() -> str:
    """The stylesheet in a ``<style>`` element, for an HTML widget that carries it into the page.

    Returns
    -------
    str
    """
    return render("style.html.j2", css=Markup(stylesheet()))
