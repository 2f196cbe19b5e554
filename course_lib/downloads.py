"""One-click downloads: a real link that carries its file, styled as a button (pure HTML).

A browser downloads a ``<a download="name" href="data:...">`` link on one click, with no server
round trip and no second "now click the link" step. The link is rendered from
``templates/download.html.j2``: it looks like a button (class ``p63-button``), shows its label in
full, and its accessible name says that it downloads a file and which one.

:func:`handin_panel` puts together what a learner hands in from a question set: this lesson's
portfolio, the course portfolio (every lesson and the capstone essay) and the answers as CSV,
each named by :func:`course_lib.exports.export_name`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from course_lib.templating import Markup, render

if TYPE_CHECKING:
    from course_lib.capstone import CapstoneState
    from course_lib.questions import QuestionBank

__all__ = ["MIME_TYPES", "download_link", "handin_panel", "safe_filename"]

#: The only file types offered for download.
MIME_TYPES = frozenset({"text/html", "text/csv", "text/markdown", "text/plain", "application/json"})


def safe_filename(filename: object) -> str:
    """A file name with no folder part and only letters, digits, ``-``, ``_`` and ``.``.

    Parameters
    ----------
    filename : object

    Returns
    -------
    str

    Examples
    --------
    >>> safe_filename('../a"b<c>.html')
    'a_b_c_.html'
    """
    name = str(filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.-]", "_", name).lstrip(".")
    return name[:150] or "download"


def download_link(data: bytes | str, filename: str, label: str, mime: str) -> str:
    """A link that downloads ``data`` as a file on one click (pure).

    Parameters
    ----------
    data : bytes or str
        The file; ``str`` is saved as UTF-8.
    filename : str
        Cleaned by :func:`safe_filename`.
    label : str
        The visible text (escaped), for example ``"Download your portfolio (HTML)"``.
    mime : str
        One of :data:`MIME_TYPES`.

    Returns
    -------
    str
        ``<a class="p63-button p63-download" download="..." href="data:...;base64,...">``.

    Raises
    ------
    ValueError
        An unknown MIME type.
    """
    if mime not in MIME_TYPES:
        raise ValueError(f"cannot offer a {mime!r} file; use one of {sorted(MIME_TYPES)}")
    blob = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    charset = ";charset=utf-8" if mime.startswith("text/") or mime.endswith("json") else ""
    href = f"data:{mime}{charset};base64,{base64.b64encode(blob).decode('ascii')}"
    return render("download.html.j2", filename=safe_filename(filename), href=href, label=label)


def handin_panel(
    records: Iterable[Mapping[str, Any]],
    bank: QuestionBank,
    *,
    learner: str = "",
    learner_id: str = "",
    lesson: int | None = None,
    capstone: CapstoneState | None = None,
    when: datetime | None = None,
    note: str = "",
) -> str:
    """Download links for everything a learner hands in (pure).

    Parameters
    ----------
    records : iterable of dict
        Every saved answer.
    bank : QuestionBank
    learner, learner_id : str
        From :mod:`course_lib.profile`.
    lesson : int, optional
        Adds this lesson's portfolio and limits the CSV to it; ``None`` offers the course only.
    capstone : CapstoneState, optional
        Included in the course portfolio (and lesson 5's).
    when : datetime, optional
        The date in the file names (default today).
    note : str
        A line under the links (where the answers are kept).

    Returns
    -------
    str
    """
    from course_lib.exports import export_name, records_to_csv
    from course_lib.portfolio import portfolio_html

    records = list(records)
    links = []
    scopes = [lesson, None] if lesson is not None else [None]
    for scope in scopes:
        page = portfolio_html(
            records, bank, learner, lesson=scope, learner_id=learner_id, capstone=capstone
        )
        what = (
            "the whole course's portfolio" if scope is None else f"lesson {scope:02d}'s portfolio"
        )
        name = export_name("portfolio", "html", learner, learner_id, scope, when)
        links.append(Markup(download_link(page, name, f"Download {what} (HTML)", "text/html")))
    table = records_to_csv(records, bank, learner, learner_id=learner_id, lesson=lesson)
    what = "the course's answers" if lesson is None else f"lesson {lesson:02d}'s answers"
    name = export_name("answers", "csv", learner, learner_id, lesson, when)
    links.append(Markup(download_link(table, name, f"Download {what} (CSV)", "text/csv")))
    return render("download_panel.html.j2", title="Hand in", links=links, note=note)
