"""Display-ready views: what a lesson shows a student instead of a raw pandas object.

A lesson cell that ends in a DataFrame or a Series shows code-shaped output: an index column,
``Name: 21, dtype: object``, ``True``/``False``, tuples such as ``(war_memory,)``. :func:`table`
turns a DataFrame (or a Series) into a :class:`Table`: readable headings, no index, ``yes``/``no``
for booleans, lists joined with commas, numbers rounded. A :class:`Table` shows itself as an
escaped HTML table in JupyterLab and Voilà (through the course's ``table`` template macro) and as
an aligned plain-text table elsewhere; both are deterministic, so nbval can compare them.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"speaker": ["Liu", "Kim"], "words": [1750, 1670]})
>>> print(table(frame, {"speaker": "Speaker", "words": "Words"}))
Speaker  Words
-------  -----
Liu       1750
Kim       1670
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Table", "cell_text", "heading", "table", "turns_by_theme"]

#: A format for one column: a ``str.format`` pattern (``"{:.0%}"``) or a function of the value.
Format = str | Callable[[Any], object]

_NUMERIC = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")


def cell_text(value: object) -> str:
    """One value as a student should read it.

    Parameters
    ----------
    value : object
        A cell of a table.

    Returns
    -------
    str
        ``""`` for a missing value, ``"yes"``/``"no"`` for a boolean, the items joined by ``", "``
        for a list, tuple or set, a whole number without decimals, other numbers to two
        decimals, anything else as ``str``.

    Examples
    --------
    >>> [cell_text(v) for v in (True, ("war_memory", "stalin"), 47.0, 2.857143, None, "Liu")]
    ['yes', 'war_memory, stalin', '47', '2.86', '', 'Liu']
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ", ".join(cell_text(v) for v in items)
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        number = float(value)
        if math.isnan(number):
            return ""
        if math.isinf(number):
            return "infinite" if number > 0 else "minus infinite"
        if number.is_integer():
            return str(int(number))
        return f"{number:.2f}"
    return str(value)


def heading(column: object) -> str:
    """A column name as a heading: ``"words_spoken"`` becomes ``"Words spoken"``.

    Parameters
    ----------
    column : object

    Returns
    -------
    str
    """
    text = str(column).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


class Table:
    """A small table ready to show: headings and rows of text, with an optional caption.

    Parameters
    ----------
    header : sequence of str
        Column headings.
    rows : iterable of sequences
        One sequence of cell texts per row, as long as ``header``.
    caption : str
        A title read by screen readers and shown above the table.

    Raises
    ------
    ValueError
        If a row does not have one cell per heading.
    """

    __slots__ = ("caption", "header", "rows")

    def __init__(self, header: Sequence[str], rows: Iterable[Sequence[str]], caption: str = ""):
        self.header = [str(h) for h in header]
        self.rows = [[str(c) for c in row] for row in rows]
        self.caption = str(caption)
        for i, row in enumerate(self.rows, start=1):
            if len(row) != len(self.header):
                raise ValueError(
                    f"row {i} has {len(row)} cells but the table has {len(self.header)} headings"
                )

    def __len__(self) -> int:
        return len(self.rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        return (self.header, self.rows, self.caption) == (other.header, other.rows, other.caption)

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame of text, headings as column names.

        Returns
        -------
        DataFrame
        """
        return pd.DataFrame(self.rows, columns=self.header)

    def _repr_html_(self) -> str:
        from course_lib.templating import render_macro

        return render_macro("_macros.html.j2", "table", self.header, self.rows, self.caption)

    def __str__(self) -> str:
        columns = list(zip(self.header, *self.rows, strict=True)) if self.header else []
        widths = [max(len(c) for c in col) for col in columns]
        numeric = [
            bool(self.rows) and all(_NUMERIC.match(r[i]) or not r[i] for r in self.rows)
            for i in range(len(self.header))
        ]

        def line(cells: Sequence[str]) -> str:
            parts = [
                c.rjust(w) if num else c.ljust(w)
                for c, w, num in zip(cells, widths, numeric, strict=True)
            ]
            return "  ".join(parts).rstrip()

        out = [self.caption] if self.caption else []
        out.append(line(self.header))
        out.append("  ".join("-" * w for w in widths))
        out.extend(line(r) for r in self.rows)
        if not self.rows:
            out.append("(no rows)")
        return "\n".join(out)

    def __repr__(self) -> str:
        return str(self)


def _as_frame(data: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """A DataFrame whose meaningful index (a name, or not 0..n-1) has become a column."""
    if isinstance(data, pd.Series):
        name = data.name if data.name is not None else "value"
        index = data.index.name if data.index.name is not None else "item"
        frame = data.to_frame(name)
        frame.index = data.index.rename(index)
        return frame.reset_index()
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"table() needs a pandas DataFrame or Series, not {type(data).__name__}")
    if any(n is not None for n in data.index.names):
        return data.reset_index()
    return data.reset_index(drop=True)


def table(
    data: pd.DataFrame | pd.Series,
    columns: Mapping[str, str] | Sequence[str] | None = None,
    *,
    caption: str = "",
    formats: Mapping[str, Format] | None = None,
) -> Table:
    """A DataFrame or Series as a :class:`Table` a student can read.

    Parameters
    ----------
    data : DataFrame or Series
        The result to show. A named index (``groupby`` results, ``set_index("speaker")``) becomes
        an ordinary first column; an unnamed 0..n-1 index is dropped.
    columns : mapping or sequence of str, optional
        Which columns to show, in order. A mapping gives each its heading
        (``{"words_spoken": "Words said"}``); a sequence keeps the names, made readable by
        :func:`heading`. Default: every column.
    caption : str
        A title above the table.
    formats : mapping, optional
        Per column, a ``str.format`` pattern (``{"share": "{:.0%}"}``) or a function; applied
        before :func:`cell_text`. Missing values stay blank.

    Returns
    -------
    Table

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame or Series.
    ValueError
        If a column named in ``columns`` or ``formats`` is not in the data, or a format fails.
    """
    frame = _as_frame(data)
    if columns is None:
        names = [str(c) for c in frame.columns]
        headings = [heading(c) for c in names]
    elif isinstance(columns, Mapping):
        names = [str(c) for c in columns]
        headings = [str(columns[c]) for c in columns]
    else:
        names = [str(c) for c in columns]
        headings = [heading(c) for c in names]
    available = {str(c): c for c in frame.columns}
    formats = dict(formats or {})
    missing = [c for c in [*names, *formats] if c not in available]
    if missing:
        raise ValueError(
            f"no column {missing[0]!r} in the table; its columns are: "
            + ", ".join(repr(c) for c in available)
        )
    rows = []
    for values in frame[[available[c] for c in names]].itertuples(index=False, name=None):
        row = []
        for name, value in zip(names, values, strict=True):
            fmt = formats.get(name)
            if fmt is not None and cell_text(value) != "":
                try:
                    value = fmt.format(value) if isinstance(fmt, str) else fmt(value)
                except (ValueError, TypeError, KeyError, IndexError) as exc:
                    raise ValueError(f"cannot format {value!r} in column {name!r}: {exc}") from exc
            row.append(cell_text(value))
        rows.append(row)
    return Table(headings, rows, caption)


def turns_by_theme(
    themes: pd.DataFrame,
    codebook: pd.DataFrame | None = None,
    *,
    only: Sequence[str] | None = None,
) -> Table:
    """Which turns carry each theme of the course's hand coding.

    Parameters
    ----------
    themes : DataFrame
        The coding (``load_table("themes")``): columns ``turn`` and ``theme``.
    codebook : DataFrame, optional
        ``load_table("theme_codebook")``: columns ``theme`` and ``label``. Gives each theme its
        label and the codebook's order; without it themes are named by id, in order of their first
        turn.
    only : sequence of str, optional
        Theme ids to show, in this order.

    Returns
    -------
    Table
        Columns *Theme*, *Turns* (how many) and *Which turns* (``"10, 11, 42"``).

    Raises
    ------
    ValueError
        If a needed column is missing or ``only`` names a theme that is not coded.
    """
    for name, frame, needed in (
        ("themes", themes, ("turn", "theme")),
        ("codebook", codebook, ("theme", "label")),
    ):
        if frame is not None and not set(needed) <= set(frame.columns):
            raise ValueError(f"{name} needs the columns {', '.join(needed)}")
    coded = themes[["turn", "theme"]].dropna().drop_duplicates()
    coded = coded.assign(turn=coded["turn"].astype(int), theme=coded["theme"].astype(str))
    turns = coded.sort_values("turn").groupby("theme", sort=False)["turn"].apply(list)
    labels: dict[str, str] = {}
    if codebook is not None:
        labels = dict(
            zip(codebook["theme"].astype(str), codebook["label"].astype(str), strict=True)
        )
    if only is not None:
        unknown = [t for t in only if t not in turns.index]
        if unknown:
            raise ValueError(
                f"no turn is coded with the theme {unknown[0]!r}; coded themes: "
                + ", ".join(sorted(turns.index))
            )
        order = list(only)
    else:
        order = [t for t in labels if t in turns.index]
        order += [t for t in turns.index if t not in order]
    rows = [[labels.get(t, t), str(len(turns[t])), cell_text(turns[t])] for t in order]
    return Table(["Theme", "Turns", "Which turns"], rows)
