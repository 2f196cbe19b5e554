"""The corroboration set: records from every side, and what each says about a turn.

``data/documents.csv`` lists records made around Liu Shaoqi's visit and the Sino-Soviet split by
Chinese, North Korean, Soviet, Soviet-bloc and US authors; ``data/document_links.csv`` ties them
to turns of the minutes, each link marked *agrees*, *differs*, *adds* or *silent* with a one-line
note. Both are resources of the data package (see their descriptors in ``data/schemas/``).

Everything here is pure except the two loaders: :func:`documents_for_turn`,
:func:`relation_counts`, :func:`documents_html` and :func:`cite_document` take the tables as
arguments and fall back to the shipped ones when they are not given.

Examples
--------
>>> from course_lib.documents import cite_document
>>> print(cite_document("song_kim_1963_10_18"))  # doctest: +NORMALIZE_WHITESPACE
Song Renqiong (CCP Northeast Bureau), "Report on Conversation between Song Renqiong and Kim Il
Sung", 18 October 1963, PRC FMA 106-00719-06, 49-54; Wilson Center Digital Archive doc 116546
"""

from __future__ import annotations

import datetime as _dt
from functools import cache
from typing import SupportsIndex, SupportsInt

import pandas as pd

from course_lib.data import load_table
from course_lib.templating import render

__all__ = [
    "COLUMNS",
    "RELATIONS",
    "SIDES",
    "cite_document",
    "documents_for_turn",
    "documents_html",
    "format_date",
    "load_document_links",
    "load_documents",
    "relation_counts",
]

#: How a record relates to a turn, in display order.
RELATIONS = ("agrees", "differs", "adds", "silent")
#: The sides a record can come from, in display order.
SIDES = ("Chinese", "North Korean", "Soviet", "Soviet bloc", "US", "Other")
#: The columns of :func:`documents_for_turn`.
COLUMNS = ("Document", "Date", "Side", "Relation", "Note", "link")

_TURNS = range(1, 55)
_RELATION_WORDS = {
    "agrees": "Agrees",
    "differs": "Differs",
    "adds": "Adds",
    "silent": "Silent",
}


def load_documents() -> pd.DataFrame:
    """The records of the corroboration set, one row each (``data/documents.csv``).

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``title``, ``date`` (ISO), ``side``, ``author``, ``audience``,
        ``archive_ref``, ``url``, ``summary``, ``source``.
    """
    return load_table("documents")


def load_document_links() -> pd.DataFrame:
    """What each record says about a turn (``data/document_links.csv``).

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``turn`` (``Int64``), ``relation``, ``note``.
    """
    return load_table("document_links")


@cache
def _shipped() -> tuple[pd.DataFrame, pd.DataFrame]:
    return load_documents(), load_document_links()


def _tables(
    documents: pd.DataFrame | None, links: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    if documents is None or links is None:
        shipped_docs, shipped_links = _shipped()
        documents = shipped_docs if documents is None else documents
        links = shipped_links if links is None else links
    return documents, links


def format_date(iso: object) -> str:
    """``"1963-09-17"`` as ``"17 September 1963"`` (anything unreadable is returned as text).

    Parameters
    ----------
    iso : object

    Returns
    -------
    str

    Examples
    --------
    >>> format_date("1963-09-17")
    '17 September 1963'
    >>> format_date("sometime")
    'sometime'
    """
    text = "" if iso is None or iso is pd.NA else str(iso)
    try:
        day = _dt.date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _turn_number(turn: object) -> int:
    """The turn as an int, or a ValueError a learner can read."""
    if isinstance(turn, bool):
        raise ValueError(f"{turn!r} is not a turn number; give a whole number from 1 to 54")
    try:
        if not isinstance(turn, str | bytes | bytearray | SupportsInt | SupportsIndex):
            raise TypeError  # what int() would raise
        number = int(turn)
    except (TypeError, ValueError):
        raise ValueError(
            f"{str(turn)[:40]!r} is not a turn number; give a whole number from 1 to 54"
        ) from None
    if number != turn and not (isinstance(turn, str) and turn.strip() == str(number)):
        raise ValueError(f"{turn!r} is not a whole turn number; give one from 1 to 54")
    return number


def documents_for_turn(
    turn: object,
    documents: pd.DataFrame | None = None,
    links: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """What the other records say about one turn, ready to display (pure).

    Parameters
    ----------
    turn : int
        The turn's number (1-54). A turn no record mentions, or a number outside 1-54, gives an
        empty frame.
    documents, links : DataFrame, optional
        As from :func:`load_documents` and :func:`load_document_links`; the shipped tables when
        omitted.

    Returns
    -------
    DataFrame
        Index ``doc_id``; columns ``Document`` (title), ``Date`` ("17 September 1963"),
        ``Side``, ``Relation`` ("Agrees", "Differs", "Adds", "Silent"), ``Note`` and ``link``
        (the record's URL), ordered by date.

    Raises
    ------
    ValueError
        If ``turn`` is not a whole number.
    """
    number = _turn_number(turn)
    documents, links = _tables(documents, links)
    mine = links[links["turn"] == number]
    merged = mine.merge(documents, on="doc_id", how="inner").sort_values(["date", "doc_id"])
    frame = pd.DataFrame(
        {
            "Document": merged["title"].astype("string"),
            "Date": [format_date(d) for d in merged["date"]],
            "Side": merged["side"].astype("string"),
            "Relation": [_RELATION_WORDS.get(str(r), str(r)) for r in merged["relation"]],
            "Note": merged["note"].astype("string"),
            "link": merged["url"].astype("string"),
        },
        columns=list(COLUMNS),
    )
    frame.index = pd.Index(merged["doc_id"].astype("string"), name="doc_id")
    return frame.astype({"Date": "string", "Relation": "string"})


def relation_counts(
    documents: pd.DataFrame | None = None, links: pd.DataFrame | None = None
) -> pd.DataFrame:
    """How many links of each kind every side has (pure).

    Parameters
    ----------
    documents, links : DataFrame, optional
        The shipped tables when omitted.

    Returns
    -------
    DataFrame
        One row per side that has links (in :data:`SIDES` order), one column per relation
        (:data:`RELATIONS`) plus ``total``; integer counts.
    """
    documents, links = _tables(documents, links)
    merged = links.merge(documents[["doc_id", "side"]], on="doc_id", how="inner")
    table = pd.crosstab(merged["side"].astype(str), merged["relation"].astype(str))
    table = table.reindex(columns=list(RELATIONS), fill_value=0)
    order = [s for s in SIDES if s in table.index] + [s for s in table.index if s not in SIDES]
    table = table.reindex(order).fillna(0).astype(int)
    table["total"] = table.sum(axis=1)
    table.index.name = "side"
    table.columns.name = None
    return table


def documents_html(
    turn: object,
    documents: pd.DataFrame | None = None,
    links: pd.DataFrame | None = None,
) -> str:
    """The records that speak to a turn, as escaped HTML for the reader's turn view (pure).

    Parameters
    ----------
    turn : object
        The turn's number. Anything that is not a turn with links gives a short message, never
        an error.
    documents, links : DataFrame, optional
        The shipped tables when omitted.

    Returns
    -------
    str
        A ``<section class="p63-docs">`` rendered from ``documents_for_turn.html.j2``: a list of
        records (relation, linked title, side and date, note), or a message saying there are
        none.
    """
    frame = None
    number: int | None = None
    message = ""
    if turn is None:
        message = "Choose a turn to see what other records say about it."
    else:
        try:
            number = _turn_number(turn)
        except ValueError as exc:
            text = str(exc)
            message = text[:1].upper() + text[1:] + "."
    if number is not None:
        frame = documents_for_turn(number, documents, links)
        message = (
            f"No other record in the course's set speaks to turn {number}."
            if number in _TURNS
            else f"There is no turn {number}: the minutes have turns 1 to 54."
        )
    rows = []
    if frame is not None:
        for relation, row in zip(frame["Relation"], frame.itertuples(index=False), strict=True):
            rows.append(
                {
                    "relation": relation,
                    "title": row.Document,
                    "url": row.link,
                    "side": row.Side,
                    "date": row.Date,
                    "note": row.Note,
                }
            )
    return render("documents_for_turn.html.j2", turn=number, rows=rows, message=message)


def cite_document(doc_id: str, documents: pd.DataFrame | None = None) -> str:
    """A citation of one record: author, title, date, archive reference (pure).

    Parameters
    ----------
    doc_id : str
        The record's id (``documents.doc_id``).
    documents : DataFrame, optional
        The shipped table when omitted.

    Returns
    -------
    str
        ``'Author, "Title", 17 September 1963, archive reference'``.

    Raises
    ------
    KeyError
        If there is no such record (the message names a few valid ids).
    """
    documents = _shipped()[0] if documents is None else documents
    match = documents[documents["doc_id"] == doc_id]
    if match.empty:
        sample = ", ".join(str(d) for d in list(documents["doc_id"])[:3])
        raise KeyError(
            f"no record {str(doc_id)[:60]!r} in the corroboration set (ids look like {sample}, ...)"
        )
    row = match.iloc[0]
    return f'{row["author"]}, "{row["title"]}", {format_date(row["date"])}, {row["archive_ref"]}'
