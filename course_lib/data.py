"""Read the course's data package into pandas, checking it as it is read.

The data package (``datapackage.json`` and its tables) ships inside the installed package as
``course_lib/_data``; in a source checkout (or an editable install) it is the top-level ``data/``
folder. :func:`data_dir` finds it; nothing here depends on the working directory.

Reading is split in two: the ``read_*`` functions only do I/O and return raw rows; the pure
``*_frame`` and ``check_*`` functions turn rows into typed DataFrames and check them against the
table's schema. Every problem is a :class:`DataError` naming the file, the line where there is
one, and the rule that failed.

The first time a resource is loaded in a process, its bytes are checked against the sha256 (and
size) that ``datapackage.json`` records, and a table's rows against every constraint its schema
declares: ``required``, ``unique``, ``enum``, ``pattern``, ``minimum``/``maximum``,
``minLength``/``maxLength``, the primary key and the foreign keys (within the table or to another
resource, which is then loaded and checked too). Integers are strict: ASCII digits with an
optional minus sign, nothing else. The checked table is kept, so later loads cost a copy; a file
that changes on disk is checked again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import pandas as pd

from course_lib.errors import LocatedError, decode_utf8, read_bytes, read_utf8

__all__ = [
    "DataError",
    "Record",
    "check_foreign_keys",
    "check_resource",
    "data_dir",
    "is_missing",
    "load_document",
    "load_glossary",
    "load_people",
    "load_questions",
    "load_table",
    "load_timeline",
    "load_turns",
    "parse_csv_text",
    "read_csv_rows",
    "read_json",
    "resource",
    "rows_to_frame",
    "to_records",
]


class DataError(LocatedError):
    """A data file is missing, malformed, or breaks a rule of its schema.

    Parameters
    ----------
    message : str
        What is wrong.
    path : str or Path, optional
        The file.
    line : int, optional
        The 1-based line.
    rule : str, optional
        The rule that failed (``"hash"``, ``"type"``, ``"required"``, ``"unique"``, ``"enum"``,
        ``"pattern"``, ``"minimum"``, ``"foreignKey"``, ...); named at the end of the message.

    Attributes
    ----------
    rule : str or None
    """

    default_where = "<data>"

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        rule: str | None = None,
    ):
        self.rule = rule
        super().__init__(f"{message} (rule: {rule})" if rule else message, path, line)


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
    return _find_data_dir()


#: One row of a table as a dict: column name -> cell, of whatever type the column's dtype gives.
Record = dict[str, Any]


def to_records(frame: pd.DataFrame) -> list[Record]:
    """The rows of a table as dicts (much faster to loop over than ``iterrows``).

    Parameters
    ----------
    frame : DataFrame
        A table whose column names are strings, as every table of the course is.

    Returns
    -------
    list of dict
    """
    return cast(list[Record], frame.to_dict("records"))


def is_missing(value: object) -> bool:
    """Whether one cell is a missing value (``None``, NaN, ``pd.NA``, ``NaT``).

    Parameters
    ----------
    value : object
        Any cell; a list-like of more than one item is never one missing value.

    Returns
    -------
    bool
    """
    if value is None:
        return True
    try:
        # pandas.isna takes any object; its stubs list only scalars and containers.
        return bool(pd.isna(cast(Any, value)))
    except (TypeError, ValueError):  # list-likes: not a single missing value
        return False


@cache
def _find_data_dir() -> Path:
    """The search behind :func:`data_dir`, done once per process (a failure is not cached)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "datapackage.json").is_file():
            return candidate
    raise DataError("the course's data package was not found", here / "_data" / "datapackage.json")


def _empty_check(text: str, path: Path) -> str:
    if not text.strip():
        raise DataError("the file is empty", path, 1, rule="empty file")
    return text


def _read_text(path: Path) -> str:
    return _empty_check(read_utf8(path, DataError), path)


def _json_from_text(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc.msg}", path, exc.lineno, rule="json") from None


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
    return _json_from_text(_read_text(path), path)


def parse_csv_text(
    text: str, path: str | Path | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Parse CSV text into its header and rows, each row with its line number.

    Parameters
    ----------
    text : str
        The whole file.
    path : str or Path, optional
        Named in errors.

    Returns
    -------
    header : list of str
    rows : list of (line, values)
        ``line`` is the 1-based line where the row starts.

    Raises
    ------
    DataError
        Empty, an unterminated quote, or a row whose number of values differs from the header's.
    """
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
                        rule="row length",
                    )
                rows.append((start, values))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(
            f"malformed CSV ({exc}); is the file truncated?", path, start, rule="csv"
        ) from None
    if header is None:
        raise DataError("the file is empty", path, 1, rule="empty file")
    return header, rows


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
    return parse_csv_text(_read_text(path), path)


# --- types and constraints ---------------------------------------------------------------------

_DTYPES = {
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "string": "string",
}
# Strict ASCII syntax: no '1_000', no Arabic-Indic digits, no surrounding spaces, no '+'.
_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", re.ASCII)
_TRUE = frozenset({"true", "True", "TRUE", "1"})
_FALSE = frozenset({"false", "False", "FALSE", "0"})


def _cast(value: str, kind: str) -> Any:
    """Parse one non-empty cell; ``ValueError`` if it is not of its field's type."""
    if kind == "integer":
        if not _INTEGER.fullmatch(value):
            raise ValueError(value)
        return int(value)
    if kind == "number":
        if not _NUMBER.fullmatch(value):
            raise ValueError(value)
        return float(value)
    if kind == "boolean":
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError(value)
    return value


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _field_rules(field: dict[str, Any], primary: bool, path: Path | None) -> dict[str, Any]:
    """A field's constraints, checked and prepared once per table."""
    name = field.get("name")
    kind = field.get("type", "string")
    if kind not in _DTYPES:
        raise DataError(
            f"field {name!r} has type {kind!r}, which the loader does not read "
            f"(it reads {', '.join(_DTYPES)})",
            path,
            rule="schema",
        )
    c = field.get("constraints", {})
    rules: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "required": bool(c.get("required")) or primary,
        "unique": bool(c.get("unique")),
    }
    if "enum" in c:
        try:
            rules["enum"] = {_cast(str(v), kind) for v in c["enum"]}
        except ValueError:
            raise DataError(
                f"field {name!r}: an enum value is not a {kind}", path, rule="schema"
            ) from None
        rules["enum_text"] = ", ".join(str(v) for v in c["enum"])
    if "pattern" in c:
        rules["pattern"] = _pattern(c["pattern"])
    for key in ("minimum", "maximum", "minLength", "maxLength"):
        if key in c:
            rules[key] = c[key]
    return rules


def _first(flags: Sequence[bool]) -> int:
    """Index of the first true flag (called only once a check has failed)."""
    return next(i for i, flag in enumerate(flags) if flag)


def _first_repeat(values: Sequence[Any]) -> tuple[int, int]:
    """``(index, index of its first occurrence)`` for the first value seen before."""
    seen: dict[Any, int] = {}
    for i, v in enumerate(values):
        first = seen.setdefault(v, i)
        if first != i:
            return i, first
    raise AssertionError("no repeat")  # pragma: no cover - called only after a repeat was seen


_Problem = tuple[int, DataError]


@dataclass(frozen=True)
class _Cells:
    """A column's non-empty cells as text and as typed values, and where each one came from.

    ``rows[j]`` is the row of ``text[j]`` (and of ``typed[j]``); ``lines[row]`` is its line.
    """

    name: str
    path: str | Path | None
    lines: Sequence[int]
    rows: Sequence[int]
    text: list[str]
    typed: list[Any]

    def problem(self, j: int, message: str, rule: str) -> _Problem:
        """The problem at cell ``j``, located by its row."""
        return _column_problem(self.name, self.path, self.lines, self.rows[j], message, rule)


def _column_problem(
    name: str, path: str | Path | None, lines: Sequence[int], i: int, message: str, rule: str
) -> _Problem:
    return i, DataError(f"column {name!r}{message}", path, lines[i], rule=rule)


def _missing_cells(raws: Sequence[str], r: dict[str, Any]) -> list[bool] | None:
    """Which cells are empty (blank counts for a required string), or None if none is."""
    blank_counts = r["kind"] == "string" and r["required"]
    if "" not in raws and not (blank_counts and any(map(str.isspace, raws))):
        return None
    return [not v or (blank_counts and v.isspace()) for v in raws]


def _typed_values(present: list[str], kind: str) -> tuple[list[Any], tuple[int, str] | None]:
    """Cast the cells to ``kind``; or ``[]`` and the first bad cell ``(index, message)``."""
    if kind == "string":
        return present, None
    syntax = {"integer": _INTEGER, "number": _NUMBER}.get(kind)
    ok = (
        list(map(bool, map(syntax.fullmatch, present)))
        if syntax
        else [v in _TRUE or v in _FALSE for v in present]
    )
    if not all(ok):
        j = ok.index(False)
        return [], (j, f": {present[j]!r} is not a valid {kind}")
    try:
        if kind == "integer":
            return list(map(int, present)), None
        if kind == "number":
            return list(map(float, present)), None
        return [v in _TRUE for v in present], None
    except ValueError:  # a well-formed integer past Python's digit limit (4300)
        j = _first([len(v) > 4000 for v in present])
        return [], (j, f": a {len(present[j])}-digit {kind} is too long")


def _enum_problem(c: _Cells, r: dict[str, Any]) -> _Problem | None:
    if "enum" in r and not set(c.typed) <= r["enum"]:
        j = _first([v not in r["enum"] for v in c.typed])
        return c.problem(j, f": {c.text[j]!r} is not one of {r['enum_text']}", "enum")
    return None


def _pattern_problem(c: _Cells, r: dict[str, Any]) -> _Problem | None:
    if "pattern" in r and not all(map(r["pattern"].fullmatch, c.text)):
        j = _first([not r["pattern"].fullmatch(v) for v in c.text])
        return c.problem(j, f": {c.text[j]!r} does not match {r['pattern'].pattern}", "pattern")
    return None


def _minimum_problem(c: _Cells, r: dict[str, Any]) -> _Problem | None:
    if c.typed and "minimum" in r and min(c.typed) < r["minimum"]:
        j = _first([v < r["minimum"] for v in c.typed])
        return c.problem(j, f": {c.text[j]} is less than the minimum {r['minimum']}", "minimum")
    return None


def _maximum_problem(c: _Cells, r: dict[str, Any]) -> _Problem | None:
    if c.typed and "maximum" in r and max(c.typed) > r["maximum"]:
        j = _first([v > r["maximum"] for v in c.typed])
        return c.problem(j, f": {c.text[j]} is more than the maximum {r['maximum']}", "maximum")
    return None


def _min_length_problem(c: _Cells, r: dict[str, Any]) -> _Problem | None:
    if c.text and "minLength" in r and min(map(len, c.text)) < r["minLength"]:
        j = _first([len(v) < r["minLength"] for v in c.text])
        message = f": {len(c.text[j])} characters, fewer than {r['minLength']}"
        return c.problem(j, message, "minLength")
    return None


def _max_length_problem(c: _Cells, r: dict[str, Any]) -> _Problem | None:
    if c.text and "maxLength" in r and max(map(len, c.text)) > r["maxLength"]:
        j = _first([len(v) > r["maxLength"] for v in c.text])
        message = f": {len(c.text[j])} characters, more than {r['maxLength']}"
        return c.problem(j, message, "maxLength")
    return None


def _unique_problem(c: _Cells, r: dict[str, Any]) -> _Problem | None:
    if r["unique"] and len(set(c.typed)) != len(c.typed):
        j, first = _first_repeat(c.typed)
        line = c.lines[c.rows[first]]
        return c.problem(j, f": {c.text[j]!r} already appears on line {line}", "unique")
    return None


# The constraint checks in the order their problems are reported when two fall on one row.
_CONSTRAINT_CHECKS: tuple[Callable[[_Cells, dict[str, Any]], _Problem | None], ...] = (
    _enum_problem,
    _pattern_problem,
    _minimum_problem,
    _maximum_problem,
    _min_length_problem,
    _max_length_problem,
    _unique_problem,
)


def _check_column(
    raws: Sequence[Any], lines: Sequence[int], r: dict[str, Any], path: str | Path | None
) -> tuple[list[Any], tuple[int, DataError] | None]:
    """Type and check one column; return its values and its first problem ``(row, error)``.

    Every check runs over the whole column at C speed (``map``, ``set``, ``min``); a row is
    looked for only when a check has failed, and the earliest failing row is the one reported.
    """
    name = r["name"]
    if set(map(type, raws)) - {str}:
        i = _first([type(v) is not str for v in raws])
        return [], _column_problem(name, path, lines, i, f": {raws[i]!r} is not text", "type")
    missing = _missing_cells(raws, r)
    if missing is not None and r["required"]:
        return [], _column_problem(name, path, lines, _first(missing), " is empty", "required")
    rows = range(len(raws)) if missing is None else [i for i, m in enumerate(missing) if not m]
    present = list(raws) if missing is None else [raws[i] for i in rows]
    values, bad = _typed_values(present, r["kind"])
    cells = _Cells(name, path, lines, rows, present, values)
    if bad is not None:
        return [], cells.problem(*bad, "type")
    problems = [p for check in _CONSTRAINT_CHECKS if (p := check(cells, r)) is not None]
    if problems:
        return [], min(problems, key=lambda p: p[0])
    if missing is not None:
        it = iter(values)
        values = [pd.NA if m else next(it) for m in missing]
    return values, None


def _primary_key(schema: dict[str, Any]) -> list[str]:
    key = schema.get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def rows_to_frame(
    header: list[str],
    rows: Sequence[tuple[int, Sequence[Any]]],
    schema: dict[str, Any],
    path: str | Path | None = None,
) -> pd.DataFrame:
    """Build a typed DataFrame from CSV rows and a Frictionless table schema, checking each row.

    Parameters
    ----------
    header : list of str
        The CSV header; it must list the schema's fields in order.
    rows : list of (line, values)
        Every value must be a ``str`` (as the CSV reader gives them).
    schema : dict
        A Table Schema: ``fields`` (``name``, ``type``, ``constraints``) and ``primaryKey``.
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
        Wrong header (line 1); a value that is not text, not of its field's type, or breaks a
        constraint (``required``, ``unique``, ``enum``, ``pattern``, ``minimum``, ``maximum``,
        ``minLength``, ``maxLength``); or a repeated primary key (each at its line). A required
        text that is only spaces counts as empty. Foreign keys are checked by
        :func:`check_foreign_keys`.
    """
    where = Path(path) if path is not None else None
    fields = schema.get("fields", [])
    names = [f["name"] for f in fields]
    if header != names:
        raise DataError(
            f"wrong header: expected {','.join(names)!r}, found {','.join(header)!r}",
            path,
            1,
            rule="header",
        )
    key = _primary_key(schema)
    # Primary-key fields are required, and a one-field key is unique.
    rules = [_field_rules(f, f["name"] in key, where) for f in fields]
    if len(key) == 1 and key[0] in names:
        rules[names.index(key[0])]["unique"] = True
    lines = [line for line, _ in rows]
    if set(map(len, (v for _, v in rows))) - {len(fields)}:
        bad = next(i for i, (_, v) in enumerate(rows) if len(v) != len(fields))
        raise DataError(
            f"expected {len(fields)} values, found {len(rows[bad][1])}",
            path,
            lines[bad],
            rule="row length",
        )
    raw_columns = list(zip(*(v for _, v in rows), strict=True)) if rows else [()] * len(fields)
    columns: list[list[Any]] = []
    problems: list[tuple[int, int, DataError]] = []
    for pos, (r, raws) in enumerate(zip(rules, raw_columns, strict=True)):
        values, problem = _check_column(raws, lines, r, path)
        columns.append(values)
        if problem:
            problems.append((problem[0], pos, problem[1]))
    if problems:
        raise min(problems, key=lambda p: (p[0], p[1]))[2]
    if len(key) > 1 and all(k in names for k in key):
        keys = list(zip(*(columns[names.index(k)] for k in key), strict=True))
        if len(set(keys)) != len(keys):
            j, first = _first_repeat(keys)
            raise DataError(
                f"the key ({', '.join(key)}) = {keys[j]!r} already appears on line {lines[first]}",
                path,
                lines[j],
                rule="primaryKey",
            )
    return pd.DataFrame(
        {
            f["name"]: pd.Series(col, dtype=_DTYPES[r["kind"]])
            for f, r, col in zip(fields, rules, columns, strict=True)
        }
    )


def check_foreign_keys(
    frame: pd.DataFrame,
    lines: Sequence[int],
    schema: dict[str, Any],
    resolve: Callable[[str], pd.DataFrame],
    path: str | Path | None = None,
) -> None:
    """Check a table's foreign keys: every non-empty key must exist in the table it refers to.

    Parameters
    ----------
    frame : DataFrame
        The table, as :func:`rows_to_frame` returns it.
    lines : sequence of int
        The line of each row (for errors).
    schema : dict
        Its Table Schema, with ``foreignKeys`` (``fields``; ``reference``: ``resource``, an empty
        name meaning this table, and ``fields``).
    resolve : callable
        Gives the referenced table by resource name.
    path : str or Path, optional
        Named in errors.

    Raises
    ------
    DataError
        At the line of the first row whose key is not found (rule ``foreignKey``).
    """
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"]
        fields = [fields] if isinstance(fields, str) else list(fields)
        ref = fk.get("reference", {})
        target_name = ref.get("resource", "")
        target_fields = ref.get("fields", [])
        target_fields = [target_fields] if isinstance(target_fields, str) else list(target_fields)
        target = frame if target_name == "" else resolve(target_name)
        missing = [f for f in target_fields if f not in target.columns]
        if missing or len(target_fields) != len(fields):
            raise DataError(
                f"a foreign key refers to {target_name or 'this table'}.{','.join(target_fields)}"
                ", which does not exist",
                path,
                rule="schema",
            )
        allowed = set(zip(*(target[f].tolist() for f in target_fields), strict=True))
        for line, key in zip(
            lines, zip(*(frame[f].tolist() for f in fields), strict=True), strict=True
        ):
            if any(v is pd.NA for v in key) or key in allowed:
                continue
            shown = key[0] if len(key) == 1 else key
            raise DataError(
                f"{', '.join(fields)} = {shown!r} is not a {target_name or 'row of this table'}"
                f" {','.join(target_fields)}",
                path,
                line,
                rule="foreignKey",
            )


# --- the data package ----------------------------------------------------------------------

_HASH = re.compile(r"sha256:[0-9a-f]{64}", re.ASCII)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


@cache
def _package_at(folder: str, stamp: tuple[int, int]) -> dict[str, Any]:
    path = Path(folder) / "datapackage.json"
    pkg = read_json(path)
    if not isinstance(pkg, dict) or not isinstance(pkg.get("resources"), list):
        raise DataError("not a data package (no list of resources)", path, rule="datapackage")
    for i, res in enumerate(pkg["resources"]):
        if not (isinstance(res, dict) and isinstance(res.get("name"), str)):
            raise DataError(f"resource {i + 1} has no name", path, rule="datapackage")
        rel = res.get("path")
        if not isinstance(rel, str) or rel.startswith(("/", "\\")) or ".." in Path(rel).parts:
            raise DataError(
                f"resource {res['name']!r}: path {rel!r} is not a relative path inside the package",
                path,
                rule="path",
            )
        if not isinstance(res.get("hash"), str) or not _HASH.fullmatch(res["hash"]):
            raise DataError(
                f"resource {res['name']!r}: hash {res.get('hash')!r} is not 'sha256:' and 64 "
                "hex digits",
                path,
                rule="hash",
            )
    return pkg


def _package(folder: Path) -> dict[str, Any]:
    return _package_at(str(folder), _stamp(folder / "datapackage.json"))


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
        If there is no such resource, or ``datapackage.json`` itself is malformed.
    """
    folder = data_dir()
    for res in _package(folder)["resources"]:
        if res["name"] == name:
            return folder / res["path"], res
    raise DataError(f"no resource named {name!r}", folder / "datapackage.json")


def _checked_bytes(path: Path, descriptor: dict[str, Any]) -> bytes:
    """The file's bytes, if they are the ones ``datapackage.json`` records."""
    raw = read_bytes(path, DataError)
    size = descriptor.get("bytes")
    if isinstance(size, int) and len(raw) != size:
        raise DataError(
            f"the file has {len(raw)} bytes, datapackage.json records {size}; it was changed "
            "without rebuilding the package (python scripts/build_data.py)",
            path,
            rule="bytes",
        )
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    if digest != descriptor["hash"]:
        raise DataError(
            f"the file's {digest} differs from datapackage.json's; it was changed without "
            "rebuilding the package (python scripts/build_data.py)",
            path,
            rule="hash",
        )
    return raw


def check_resource(name: str) -> Path:
    """Check a resource's bytes against the size and sha256 that ``datapackage.json`` records.

    Parameters
    ----------
    name : str

    Returns
    -------
    Path
        The resource's file.

    Raises
    ------
    DataError
        If the file is missing or differs (rule ``bytes`` or ``hash``).
    """
    path, descriptor = resource(name)
    _checked_bytes(path, descriptor)
    return path


_TABLES: dict[tuple[str, str], tuple[tuple[Any, ...], pd.DataFrame]] = {}
_LOADING: set[tuple[str, str]] = set()


def _table(name: str) -> pd.DataFrame:
    """The checked table (shared; callers copy), checked again only if its file changed."""
    folder = data_dir()
    path, descriptor = resource(name)
    stamp = (_stamp(folder / "datapackage.json"), _stamp(path))
    key = (str(folder), name)
    cached = _TABLES.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    schema = descriptor.get("schema")
    if not isinstance(schema, dict):
        raise DataError(f"resource {name!r} is not a table (it has no schema)", path, rule="schema")
    if key in _LOADING:
        raise DataError(f"the foreign keys of {name!r} form a cycle", path, rule="foreignKey")
    _LOADING.add(key)
    try:
        text = _empty_check(decode_utf8(_checked_bytes(path, descriptor), path, DataError), path)
        header, rows = parse_csv_text(text, path)
        frame = rows_to_frame(header, rows, schema, path)
        check_foreign_keys(frame, [line for line, _ in rows], schema, _table, path)
    finally:
        _LOADING.discard(key)
    _TABLES[key] = (stamp, frame)
    return frame


def load_table(name: str) -> pd.DataFrame:
    """Load a tabular resource of the data package as a typed, checked DataFrame.

    Parameters
    ----------
    name : str
        The resource's name (``"turns"``, ``"people"``, ...).

    Returns
    -------
    DataFrame
        A new copy each call; change it freely.

    Raises
    ------
    DataError
        If the file differs from the sha256 that ``datapackage.json`` records, or a row breaks
        its schema (see :func:`rows_to_frame` and :func:`check_foreign_keys`).
    """
    return _table(name).copy()


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


# document.json: the header fields every reader of it relies on, and their kinds.
_DOCUMENT_TEXT = (
    "title",
    "date_header",
    "date_header_iso",
    "date_body",
    "date_body_iso",
    "date_note",
    "time",
    "time_line",
    "location",
    "classification",
    "classification_line",
    "archive_reference",
    "archive_pages",
    "citation",
    "obtained_by",
    "credits",
    "summary",
    "original_language",
    "contents",
    "url",
)
_DOCUMENT_LISTS = ("translated_by", "documentation")
_DOCUMENT_GROUPS = ("participants", "translators")


def _json_line(text: str, key: str) -> int | None:
    at = text.find(f'"{key}"')
    return text.count("\n", 0, at) + 1 if at >= 0 else None


# A problem with one field of document.json: (field, what is wrong, rule).
_Fault = tuple[str, str, str]


def _text_fault(doc: dict[str, Any], key: str) -> _Fault | None:
    value = doc.get(key)
    if value is None or value == "":
        return key, "is missing or empty", "required"
    if not isinstance(value, str):
        return key, f"is {type(value).__name__}, not text", "type"
    if not value.strip():
        return key, "is missing or empty", "required"
    return None


def _text_fields_fault(doc: dict[str, Any]) -> _Fault | None:
    """The first header text that is missing, not text, or not in its form."""
    for key in _DOCUMENT_TEXT:
        if fault := _text_fault(doc, key):
            return fault
    if not re.fullmatch(r"https?://\S+", doc["url"]):
        return "url", f"{doc['url']!r} is not an http(s) address", "pattern"
    for key in ("date_header_iso", "date_body_iso"):
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", doc[key], re.ASCII):
            return key, f"{doc[key]!r} is not YYYY-MM-DD", "pattern"
    return None


def _names_fault(key: str, values: Any) -> _Fault | None:
    if not isinstance(values, list) or not values:
        return key, "must be a non-empty list of names", "type"
    for v in values:
        if not isinstance(v, str) or not v.strip():
            return key, f"has {v!r}, not a name", "type"
    return None


def _name_fields_fault(doc: dict[str, Any]) -> _Fault | None:
    """The first list of names, or side's list in a group, that is empty or holds a non-name."""
    for key in _DOCUMENT_LISTS:
        if fault := _names_fault(key, doc.get(key)):
            return fault
    for key in _DOCUMENT_GROUPS:
        groups = doc.get(key)
        if not isinstance(groups, dict) or not groups:
            return key, "must map each side to its list of names", "type"
        for names in groups.values():
            if fault := _names_fault(key, names):
                return fault
    return None


def _turn_count_fault(doc: dict[str, Any]) -> _Fault | None:
    count = doc.get("turn_count")
    if type(count) is not int or count < 1:
        return "turn_count", f"is {count!r}, not a positive whole number", "type"
    return None


def _check_document(doc: Any, text: str, path: Path) -> None:
    if not isinstance(doc, dict):
        raise DataError("expected a JSON object", path, 1, rule="type")
    fault = _text_fields_fault(doc) or _name_fields_fault(doc) or _turn_count_fault(doc)
    if fault is not None:
        key, message, rule = fault
        raise DataError(f"field {key!r} {message}", path, _json_line(text, key), rule=rule)


@cache
def _document_at(path: str, stamp: tuple[Any, ...]) -> str:
    _, descriptor = resource("document")
    p = Path(path)
    text = _empty_check(decode_utf8(_checked_bytes(p, descriptor), p, DataError), p)
    _check_document(_json_from_text(text, p), text, p)
    return text


def load_document() -> dict[str, Any]:
    """The source's header fields and the meeting's particulars.

    Returns
    -------
    dict
        A new copy each call.

    Raises
    ------
    DataError
        If ``document.json`` differs from its recorded sha256, is not valid JSON, or a header
        field is missing, empty or of the wrong kind (the field and its line are named).
    """
    path, _ = resource("document")
    text = _document_at(str(path), (_stamp(data_dir() / "datapackage.json"), _stamp(path)))
    document: dict[str, Any] = json.loads(text)  # an object: _document_at checked it
    return document


def load_questions() -> Any:
    """The question bank, checked against its recorded sha256 and validated.

    Returns
    -------
    object
        Whatever :func:`course_lib.questions.load_bank` returns.

    Raises
    ------
    DataError
        If ``questions.json`` differs from the sha256 that ``datapackage.json`` records, or
        :func:`course_lib.questions.load_bank` rejects it.
    """
    from course_lib.questions import load_bank

    check_resource("questions")
    return load_bank()
