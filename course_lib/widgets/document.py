"""The document's card: what the source is, where it comes from, and who was in the room."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from course_lib.templating import render
from course_lib.widgets._common import Kit

__all__ = ["document_card", "document_card_html"]


def document_card_html(doc: dict[str, Any]) -> str:
    """Render the document's header as an HTML card (every value escaped).

    Parameters
    ----------
    doc : dict
        As returned by :func:`course_lib.load_document`.

    Returns
    -------
    str
    """
    participants = doc.get("participants", {})
    rows = [
        ("Title", doc.get("title")),
        ("Date (header)", doc.get("date_header")),
        ("Date (body, 'Time:' line)", doc.get("time_line")),
        ("Location", doc.get("location")),
        ("Classification", doc.get("classification_line")),
        (
            "Archive reference",
            f"{doc.get('archive_reference', '')}, pp. {doc.get('archive_pages', '')}",
        ),
        ("Original language", doc.get("original_language")),
        ("Contents", doc.get("contents")),
        ("Obtained by", doc.get("obtained_by")),
        ("Translated by", ", ".join(doc.get("translated_by", []))),
        ("Chinese side", ", ".join(participants.get("China", []))),
        ("Korean side", ", ".join(participants.get("Korea", []))),
        ("Note-takers", ", ".join(doc.get("documentation", []))),
        ("Turns of talk", doc.get("turn_count")),
    ]
    return render(
        "document_card.html.j2",
        title=doc.get("title", ""),
        rows=rows,
        date_note=doc.get("date_note", ""),
        citation=doc.get("citation", ""),
        url=doc.get("url", ""),
    )


def document_card(doc: dict[str, Any] | None = None) -> w.VBox:
    """Build the document's card.

    Parameters
    ----------
    doc : dict, optional
        The document's header; loaded with :func:`course_lib.load_document` if not given.

    Returns
    -------
    ipywidgets.VBox
        A course widget root holding the card (its ``card`` attribute is the HTML widget).
    """
    if doc is None:
        from course_lib.data import load_document

        doc = load_document()
    kit = Kit()
    card = kit.html(document_card_html(doc))
    box = kit.root([card], "document")
    box.card = card
    return box
