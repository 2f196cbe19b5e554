"""Read the course's data package into pandas.

The data package (``datapackage.json`` and its tables) ships inside the installed package as
``course_lib/_data``; in a source checkout (or an editable install) it is the top-level ``data/``
folder. :func:`data_dir` finds it; nothing here depends on the working directory.

Reading is split in two: the ``read_*`` functions only do I/O and return raw rows; the pure
``*_frame`` functions turn rows into typed DataFrames using the table's schema. Every problem is
a :class:`DataError` naming the file and, where there is one, the line.
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from course_lib.errors import LocatedError, read_utf8

__all__ = [
    "DataError",
    "data_dir",
    "load_document",
    "load_glossary",
    "load_people",
    "load_questions",
    "load_table",
    "load_timeline",
    "load_turns",
    "read_csv_rows",
    "read_json",
    "resource",
    "rows_to_frame",
]


class DataError(LocatedError):
    """A data file is missing or malformed.

    Parameters
    ----------
    message : str
        What is wrong.
    path : str or Path, optional
        The file.
    line : int, optional
        The 1-based line.
    """

    default_where = "<data>"


def data_dir() -> Path:
    """Return the folder that holds ``datapackage.json``.

    Returns
    -------
    Path
        ``course_lib/_data`` in an installed package, else the checkout's ``data/`` folder.

    Raises
    ------
    DataError
        If neither exists.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "datapackage.json").is_file():
            return candidate
    raise DataError("the course's data package was not found", here / "_data" / "datapackage.json")


def _read_text(path: Path) -> str:
    text = read_utf8(path, DataError)
    if not text.strip():
        raise DataError("the file is empty", path, 1)
    return text


def read_json(path: str | Path) -> Any:
    """Read a JSON file.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    object
        The decoded JSON.

    Raises
    ------
    DataError
        Missing, empty, not UTF-8, or not valid JSON (the line is named).
    """
    path = Path(path)
    text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc.msg}", path, exc.lineno) from None


def read_csv_rows(path: str | Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Read a CSV file into its header and rows, each row with its line number.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    header : list of str
    rows : list of (line, values)
        ``line`` is the 1-based line where the row starts.

    Raises
    ------
    DataError
        Missing, empty, not UTF-8, an unterminated quote, or a row whose number of values differs
        from the header's (a truncated file).
    """
    path = Path(path)
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    start = 1
    try:
        for values in reader:
            if header is None:
                header = values
            elif values:
                if len(values) != len(header):
                    raise DataError(
                        f"expected {len(header)} values, found {len(values)} "
                        "(is the file truncated?)",
                        path,
                        start,
                    )
                rows.append((start, values))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"malformed CSV ({exc}); is the file truncated?", path, start) from None
    assert header is not None  # the text is not blank, so there is a first row
    return header, rows


_DTYPES = {
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "string": "string",
}


def _cast(value: str, kind: str) -> Any:
    if value == "":
        return pd.NA
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        if value in ("true", "True", "1"):
            return True
        if value in ("false", "False", "0"):
            return False
        raise ValueError(value)
    return value


def rows_to_frame(
    header: list[str],
    rows: list[tuple[int, list[str]]],
    schema: dict[str, Any],
    path: str | Path | None = None,
) -> pd.DataFrame:
    """Build a typed DataFrame from CSV rows and a Frictionless table schema.

    Parameters
    ----------
    header : list of str
        The CSV header; it must list the schema's fields in order.
    rows : list of (line, values)
    schema : dict
        A Table Schema (``fields`` with ``name`` and ``type``).
    path : str or Path, optional
        Named in errors.

    Returns
    -------
    DataFrame
        One column per field, with pandas' nullable dtypes (``Int64``, ``Float64``, ``boolean``,
        ``string``); empty cells are missing values.

    Raises
    ------
    DataError
        Wrong header (line 1) or a value that does not fit its field's type (its line).
    """
    fields = schema.get("fields", [])
    names = [f["name"] for f in fields]
    if header != names:
        raise DataError(
            f"wrong header: expected {','.join(names)!r}, found {','.join(header)!r}", path, 1
        )
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for line, values in rows:
        for field, value in zip(fields, values, strict=True):
            kind = field.get("type", "string")
            try:
                columns[field["name"]].append(_cast(value, kind))
            except ValueError:
                raise DataError(
                    f"column {field['name']!r}: {value!r} is not a valid {kind}", path, line
                ) from None
    return pd.DataFrame(
        {
            f["name"]: pd.array(columns[f["name"]], dtype=_DTYPES.get(f.get("type"), "string"))
            for f in fields
        }
    )


@cache
def _package(folder: str) -> dict[str, Any]:
    return read_json(Path(folder) / "datapackage.json")


def resource(name: str) -> tuple[Path, dict[str, Any]]:
    """Find a resource of the data package by name.

    Parameters
    ----------
    name : str

    Returns
    -------
    path : Path
        The resource's file.
    descriptor : dict
        Its descriptor from ``datapackage.json``.

    Raises
    ------
    DataError
        If there is no such resource.
    """
    folder = data_dir()
    for res in _package(str(folder)).get("resources", []):
        if res.get("name") == name:
            return folder / res["path"], res
    raise DataError(f"no resource named {name!r}", folder / "datapackage.json")


def load_table(name: str) -> pd.DataFrame:
    """Load a tabular resource of the data package as a typed DataFrame.

    Parameters
    ----------
    name : str
        The resource's name (``"turns"``, ``"people"``, ...).

    Returns
    -------
    DataFrame
    """
    path, descriptor = resource(name)
    header, rows = read_csv_rows(path)
    return rows_to_frame(header, rows, descriptor.get("schema", {}), path)


def load_turns() -> pd.DataFrame:
    """The 54 turns of talk, one row each (see ``data/schemas/turns.json`` for the columns).

    Returns
    -------
    DataFrame
    """
    return load_table("turns")


def load_people() -> pd.DataFrame:
    """Everyone the minutes name, with their role at the meeting and in September 1963.

    Returns
    -------
    DataFrame
    """
    return load_table("people")


def load_timeline() -> pd.DataFrame:
    """Events of the Sino-Soviet split, 1950-1969, each with its source.

    Returns
    -------
    DataFrame
    """
    return load_table("timeline")


def load_glossary() -> pd.DataFrame:
    """Terms a student meets in the minutes, defined with a source.

    Returns
    -------
    DataFrame
    """
    return load_table("glossary")


def load_document() -> dict[str, Any]:
    """The source's header fields and the meeting's particulars.

    Returns
    -------
    dict
    """
    path, _ = resource("document")
    return read_json(path)


def load_questions() -> Any:
    """The question bank, validated against its JSON Schema.

    Returns
    -------
    object
        Whatever :func:`course_lib.questions.load_bank` returns.
    """
    from course_lib.questions import load_bank

    return load_bank()
