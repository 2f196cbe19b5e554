"""The document's card: what the source is, where it comes from, and who was in the room."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from course_lib.widgets._common import esc

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
    body = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in rows)
    url = esc(doc.get("url", ""))
    return (
        '<section aria-label="The document" class="p63-card">'
        f"<h3>{esc(doc.get('title', ''))}</h3>"
        f"<table>{body}</table>"
        f"<p><strong>Two dates.</strong> {esc(doc.get('date_note', ''))}</p>"
        f"<p><strong>Cite as:</strong> {esc(doc.get('citation', ''))} "
        f'<a href="{url}" target="_blank" rel="noopener">{url}</a></p>'
        "</section>"
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
    return w.HTML(document_card_html(doc))
