"""The document's card: what the source is, where it comes from, and who was in the room."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from course_lib.templating import render, style_tag

__all__ = ["document_card", "document_card_html"]


def document_card_html(doc: dict[str, Any]) -> str:
    """Render the document's header as an HTML card (``document_card.html.j2``, autoescaped).

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
        title=doc.get("title"),
        rows=rows,
        date_note=doc.get("date_note"),
        citation=doc.get("citation"),
        url=doc.get("url"),
    )


def document_card(doc: dict[str, Any] | None = None) -> w.HTML:
    """Build the document's card.

    Parameters
    ----------
    doc : dict, optional
        The document's header; loaded with :func:`course_lib.load_document` if not given.

    Returns
    -------
    ipywidgets.HTML
    """
    if doc is None:
        from course_lib.data import load_document

        doc = load_document()
    card = w.HTML(style_tag() + document_card_html(doc))
    # A course widget root: the stylesheet's rules (and the browser tests) apply to it.
    card.add_class("p63")
    card.add_class("p63-document-card")
    return card
