"""The question bank as data: its JSON Schema, validation, loading and the quotation check.

The bank lives in ``data/questions.json`` and is validated against
``data/schemas/questions.schema.json`` (JSON Schema 2020-12) plus a few rules a schema cannot
express (unique ids, an ordering's answer being a permutation of its items).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from course_lib.data import DataError, data_dir, read_json, resource
from course_lib.questions.registry import question_type

__all__ = [
    "SKILLS",
    "QuestionBank",
    "bank_from_data",
    "check_quotes",
    "load_bank",
    "load_schema",
]

SKILLS = ("sourcing", "contextualization", "corroboration", "close_reading")


def _schema_path(folder: Path | None = None) -> Path:
    return (folder or data_dir()) / "schemas" / "questions.schema.json"


@cache
def _cached_schema(path: str) -> dict[str, Any]:
    schema = read_json(path)
    if not isinstance(schema, dict):
        raise DataError("expected a JSON object (a JSON Schema)", path, 1, rule="type")
    return schema


def load_schema(path: str | Path | None = None) -> dict[str, Any]:
    """Read the bank's JSON Schema.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``schemas/questions.schema.json`` in the data package.

    Returns
    -------
    dict

    Raises
    ------
    DataError
        If the file cannot be read, is not JSON, or is not a JSON object.
    """
    return _cached_schema(str(Path(path) if path is not None else _schema_path()))


@dataclass(frozen=True)
class QuestionBank:
    """A validated question bank.

    Attributes
    ----------
    questions : tuple of dict
        The questions in file order.
    version : int
    title : str
    path : str
        The file it came from (``"<memory>"`` when built from data).
    """

    questions: tuple[dict[str, Any], ...]
    version: int = 1
    title: str = ""
    path: str = "<memory>"
    _index: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({q["id"]: q for q in self.questions})

    def __len__(self) -> int:
        return len(self.questions)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.questions)

    def __contains__(self, qid: object) -> bool:
        # Anything a learner's cell passes: ids are strings, and a list is not one.
        return isinstance(qid, str) and qid in self._index

    @property
    def ids(self) -> list[str]:
        """Question ids in file order."""
        return [q["id"] for q in self.questions]

    def get(self, qid: str) -> dict[str, Any]:
        """Return one question.

        Parameters
        ----------
        qid : str

        Returns
        -------
        dict

        Raises
        ------
        KeyError
            With a message listing a few valid ids.
        """
        try:
            return self._index[qid]
        except (KeyError, TypeError):
            sample = ", ".join(self.ids[:3])
            raise KeyError(
                f"no question {qid!r} in the bank (ids look like {sample}, ...)"
            ) from None

    def for_lesson(self, lesson: int | None = None) -> list[dict[str, Any]]:
        """Questions of one lesson (1-5), or all of them when ``lesson`` is ``None``.

        Parameters
        ----------
        lesson : int, optional

        Returns
        -------
        list of dict

        Raises
        ------
        ValueError
            If ``lesson`` is not ``None`` or an integer with questions.
        """
        if lesson is None:
            return list(self.questions)
        if isinstance(lesson, bool) or not isinstance(lesson, int):
            raise ValueError(f"lesson must be a whole number such as 1, not {lesson!r}")
        found = [q for q in self.questions if q["lesson"] == lesson]
        if not found:
            lessons = sorted({q["lesson"] for q in self.questions})
            raise ValueError(f"no questions for lesson {lesson}; lessons with questions: {lessons}")
        return found

    def to_frame(self) -> Any:
        """One row per question: id, lesson, skill, type, prompt, turns.

        Returns
        -------
        pandas.DataFrame
        """
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "id": q["id"],
                    "lesson": q["lesson"],
                    "skill": q["skill"],
                    "type": q["type"],
                    "prompt": q["prompt"],
                    "turns": ",".join(str(t) for t in q["turns"]),
                }
                for q in self.questions
            ]
        ).astype({"lesson": "Int64"})


def _where(error: Any, data: Any) -> str:
    """Describe a jsonschema error's location, naming the question id when there is one."""
    path = list(error.absolute_path)
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        try:
            qid = data["questions"][path[1]].get("id", f"#{path[1] + 1}")
        except (AttributeError, IndexError, KeyError, TypeError):
            qid = f"#{path[1] + 1}"
        rest = "/".join(str(p) for p in path[2:])
        return f"question {qid}" + (f", {rest}" if rest else "")
    return "/".join(str(p) for p in path) or "top level"


def _semantic_problems(data: dict[str, Any]) -> list[str]:
    """Rules the schema cannot express."""
    problems = []
    seen: set[str] = set()
    for q in data["questions"]:
        qid = q["id"]
        if qid in seen:
            problems.append(f"question {qid}: the id is used twice")
        seen.add(qid)
        if int(qid[2]) != q["lesson"]:
            problems.append(
                f"question {qid}: the id says lesson {qid[2]} but lesson is {q['lesson']}"
            )
        option_ids = [o["id"] for o in q.get("options", [])]
        if len(set(option_ids)) != len(option_ids):
            problems.append(f"question {qid}: two options share an id")
        problems += [f"question {qid}: {p}" for p in question_type(q).problems(q)]
    return problems


def bank_from_data(
    data: Any, path: str | Path = "<memory>", schema: Any = None, *, validate: bool = True
) -> QuestionBank:
    """Validate decoded JSON and build a :class:`QuestionBank` (pure).

    Parameters
    ----------
    data : object
        The decoded ``questions.json``.
    path : str or Path
        Named in error messages.
    schema : dict, optional
        Defaults to the data package's schema.
    validate : bool
        Check the schema and the consistency rules (default). Only :func:`load_bank` turns this
        off, for the shipped bank whose checksum matches the data package.

    Returns
    -------
    QuestionBank

    Raises
    ------
    DataError
        Naming the file and every problem found (up to ten), each with its question id.
    """
    if not validate:
        return QuestionBank(
            questions=tuple(data["questions"]),
            version=data["version"],
            title=data["title"],
            path=str(path),
        )
    import jsonschema  # imported here: it takes about two seconds (rfc3987-syntax's grammar)

    schema = load_schema() if schema is None else schema
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = [f"{_where(e, data)}: {e.message[:300]}" for e in errors[:10]]
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        raise DataError(
            "the question bank does not match its schema" + more + ":\n  " + "\n  ".join(lines),
            path,
        )
    problems = _semantic_problems(data)
    if problems:
        raise DataError("the question bank is inconsistent:\n  " + "\n  ".join(problems), path)
    return QuestionBank(
        questions=tuple(data["questions"]),
        version=data["version"],
        title=data["title"],
        path=str(path),
    )


def _is_shipped_bank(path: Path) -> bool:
    """Whether ``path`` is the data package's bank, byte for byte as the package records it.

    The test suite validates that file against the schema, and the package records its sha256,
    so a file with that checksum need not be validated again: this spares every lesson the two
    seconds that importing jsonschema costs. Any other file, or an edited one, is validated.
    """
    try:
        shipped, descriptor = resource("questions")
        if shipped.resolve() != path.resolve():
            return False
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except (DataError, OSError):
        return False
    return descriptor.get("hash") == f"sha256:{digest}"


@cache
def _cached_bank(path: str, mtime_ns: int) -> QuestionBank:
    return bank_from_data(read_json(path), path, validate=not _is_shipped_bank(Path(path)))


def load_bank(path: str | Path | None = None) -> QuestionBank:
    """Load and validate the question bank.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``questions.json`` in the data package.

    Returns
    -------
    QuestionBank

    Raises
    ------
    DataError
        If the file is missing, not UTF-8, not valid JSON (the line is named) or not valid
        against the schema (the question ids are named).
    """
    p = Path(path) if path is not None else data_dir() / "questions.json"
    try:
        mtime = p.stat().st_mtime_ns
    except FileNotFoundError:
        raise DataError("file not found", p) from None
    except OSError as exc:
        raise DataError(f"cannot read the file ({exc.strerror})", p) from None
    return _cached_bank(str(p), mtime)


def check_quotes(
    bank: Iterable[Mapping[str, Any]], turn_texts: Mapping[int, str], header: str
) -> list[str]:
    """List every quotation in the bank that is not verbatim in its turn or the header (pure).

    Also checks that evidence options and ordering items tied to a turn quote it verbatim.

    Parameters
    ----------
    bank : iterable of dict
        Questions.
    turn_texts : mapping of int to str
        Turn number to the turn's verbatim text.
    header : str
        The source's header (everything before the first turn).

    Returns
    -------
    list of str
        One message per problem; empty when every quotation is verbatim.
    """
    problems = []
    for q in bank:
        for quote in q.get("quotes", []):
            text = quote["text"]
            if "turn" in quote:
                if text not in turn_texts.get(quote["turn"], ""):
                    problems.append(f"{q['id']}: {text!r} is not in turn {quote['turn']}")
            elif text not in header:
                problems.append(f"{q['id']}: {text!r} is not in the header")
        for o in q.get("options", []):
            if "turn" in o and o["text"] not in turn_texts.get(o["turn"], ""):
                problems.append(f"{q['id']}: option {o['id']} does not quote turn {o['turn']}")
    return problems
