"""Spreadsheet-safe CSV: every cell the instructor side writes is guarded against formulas.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some treat a leading
tab or carriage return the same way) as a formula: ``=HYPERLINK("http://…","click")`` typed as an
answer would become a live link in the instructor's spreadsheet (OWASP, "CSV Injection"). So every
cell we write, in every column, header included, goes through :func:`guard_cell`.

The escaping is reversible, so an answer that really begins with ``'=`` comes back unchanged:

* **guard**: a cell whose text starts with one of ``= + - @ TAB CR '`` gets one apostrophe in
  front; anything else is written as it is;
* **unguard**: a cell that starts with an apostrophe *followed by* one of those seven characters
  loses that one apostrophe; anything else is read as it is.

``unguard_cell(guard_cell(t)) == t`` for every text ``t`` (the apostrophe itself is in the set, so
a real leading apostrophe is doubled on the way out and halved on the way in). The rule is
:mod:`course_lib.exports`'s, which the learner's export (:func:`course_lib.exports.records_to_csv`)
follows too, so its files round-trip exactly. Exports from older versions of the course guarded
``= + - @ TAB CR`` but not a leading apostrophe: in those an answer that truly began with ``'=``
cannot be told from a guarded ``=`` and is read as ``=`` (the reader needs no flag for either).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from course_lib import exports
from course_lib.exports import FORMULA_START

__all__ = [
    "GUARDED_START",
    "frame_to_csv",
    "guard_cell",
    "rows_to_csv",
    "unguard_cell",
    "write_csv",
]

#: A cell whose text starts with one of these is written with a leading apostrophe: the one rule
#: of :mod:`course_lib.exports`, which the learner's exports follow too.
GUARDED_START = frozenset(FORMULA_START)


def _text(value: Any) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(value, list | tuple):
        return "; ".join(_text(v) for v in value)
    return str(value)


def guard_cell(value: Any) -> str:
    """The text of one cell, safe to open in a spreadsheet (pure).

    Parameters
    ----------
    value : object
        Missing values become ``""``; booleans ``true``/``false``; datetimes ISO 8601.

    Returns
    -------
    str

    Examples
    --------
    >>> guard_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> guard_cell("'=1+1")
    "''=1+1"
    >>> guard_cell("Kim")
    'Kim'
    """
    return exports.guard_cell(_text(value))


def unguard_cell(text: str) -> str:
    """Undo :func:`guard_cell` (and the learner export's older guard) on one cell (pure).

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> unguard_cell("'=1+1")
    '=1+1'
    >>> unguard_cell("''=1+1")
    "'=1+1"
    >>> unguard_cell("'tis")
    "'tis"
    """
    return exports.unguard_cell(text)


def rows_to_csv(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text with every cell guarded, header included (pure).

    Parameters
    ----------
    header : sequence
    rows : iterable of sequences

    Returns
    -------
    str
        ``\\n`` line ends; fields quoted where CSV needs it.
    """
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([guard_cell(h) for h in header])
    for row in rows:
        writer.writerow([guard_cell(v) for v in row])
    return buf.getvalue()


def frame_to_csv(frame: pd.DataFrame, index: bool = False) -> str:
    """A DataFrame as guarded CSV text (pure); use this instead of ``DataFrame.to_csv``.

    Parameters
    ----------
    frame : DataFrame
    index : bool
        Write the index as the first column.

    Returns
    -------
    str
    """
    data = frame.reset_index() if index else frame
    columns = list(data.columns)
    values = data.astype(object).itertuples(index=False, name=None)
    return rows_to_csv(columns, values)


def write_csv(frame: pd.DataFrame, path: str | Path, index: bool = False) -> Path:
    """Write a DataFrame as guarded CSV, atomically and readable by the owner only (0600).

    Parameters
    ----------
    frame : DataFrame
    path : str or Path
    index : bool

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OSError
        If the folder cannot be written; an existing file is left intact.
    """
    from course_lib.fileio import write_atomic

    return write_atomic(Path(path).expanduser(), frame_to_csv(frame, index=index))
