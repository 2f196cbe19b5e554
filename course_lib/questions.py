"""The question bank: load and validate it, and check a learner's answer of any type.

The bank lives in ``data/questions.json`` and is validated against
``data/schemas/questions.schema.json`` (JSON Schema 2020-12) plus a few rules a schema cannot
express (unique ids, an ordering's answer being a permutation of its items).

Answer checking is pure: :func:`check_answer` takes a question (a ``dict`` from the bank) and a
response and returns a plain ``dict`` the widgets render and the answer store saves. The store
itself is :mod:`course_lib.store`.

Response shapes, by question type:

==================  ===================================================================
``single_choice``   one option id (``"b"``), or a one-item list
``multiple_choice`` a list (or set) of option ids; an empty list is a valid, wrong answer
``evidence``        a list of option ids (``"t22"``, ...), one per chosen turn
``ordering``        the list of every item id, in the learner's order
``short_answer``    the learner's text
==================  ===================================================================
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

from course_lib.data import DataError, data_dir, read_json, resource

__all__ = [
    "MAX_ANSWER_CHARS",
    "SKILLS",
    "TYPES",
    "AnswerError",
    "QuestionBank",
    "bank_from_data",
    "check_answer",
    "check_quotes",
    "describe_response",
    "load_bank",
    "load_schema",
    "normalize_response",
]

SKILLS = ("sourcing", "contextualization", "corroboration", "close_reading")
TYPES = ("single_choice", "multiple_choice", "ordering", "evidence", "short_answer")
#: The longest short answer accepted (characters); longer text is refused with a clear message.
MAX_ANSWER_CHARS = 10_000
CHOICE_TYPES = ("single_choice", "multiple_choice", "evidence")


class AnswerError(ValueError):
    """A response that cannot be checked (unknown option, wrong shape, empty text...)."""


def _schema_path(folder: Path | None = None) -> Path:
    return (folder or data_dir()) / "schemas" / "questions.schema.json"


@cache
def _cached_schema(path: str) -> dict[str, Any]:
    return read_json(path)


def load_schema(path: str | Path | None = None) -> dict[str, Any]:
    """Read the bank's JSON Schema.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``schemas/questions.schema.json`` in the data package.

    Returns
    -------
    dict
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
        return qid in self._index

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
        if q["type"] == "ordering" and sorted(q["correct_order"]) != sorted(option_ids):
            problems.append(f"question {qid}: correct_order must list every item id exactly once")
        if q["type"] == "evidence":
            for o in q["options"]:
                if o["id"] != f"t{o['turn']}":
                    problems.append(
                        f"question {qid}: option {o['id']} should be named t{o['turn']}"
                    )
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


# --------------------------------------------------------------------------- answers


def normalize_response(question: Mapping[str, Any], response: Any) -> Any:
    """Turn a raw response into its canonical form, or explain why it cannot be checked (pure).

    Parameters
    ----------
    question : dict
    response : object
        See the module docstring for the shape each type expects.

    Returns
    -------
    str or list of str
        An option id (single choice), a sorted list of ids (multiple choice, evidence), the
        ordered list of ids (ordering), or the stripped text (short answer).

    Raises
    ------
    AnswerError
        With a message a learner can act on.
    """
    qtype = question["type"]
    option_ids = [o["id"] for o in question.get("options", [])]
    if qtype == "short_answer":
        if not isinstance(response, str):
            raise AnswerError("Please type your answer as text.")
        text = response.strip()
        if not text:
            raise AnswerError("Your answer is empty. Write a few sentences first.")
        if len(text) > MAX_ANSWER_CHARS:
            raise AnswerError(
                f"Your answer is {len(text):,} characters long; the limit is {MAX_ANSWER_CHARS:,}. "
                "Please shorten it."
            )
        return text
    if isinstance(response, str) or response is None:
        items = [] if response is None or response == "" else [response]
    elif isinstance(response, Iterable) and not isinstance(response, Mapping | bytes):
        items = list(response)
    else:
        raise AnswerError(f"Cannot read this answer ({type(response).__name__}).")
    for item in items:
        if not isinstance(item, str) or item not in option_ids:
            raise AnswerError(f"{str(item)[:40]!r} is not one of this question's options.")
    if qtype == "single_choice":
        if len(items) != 1:
            raise AnswerError("Choose exactly one option." if items else "Choose an option first.")
        return items[0]
    if qtype in ("multiple_choice", "evidence"):
        if len(set(items)) != len(items):
            raise AnswerError("An option was chosen twice.")
        return sorted(items, key=option_ids.index)
    if qtype == "ordering":
        if sorted(items) != sorted(option_ids):
            raise AnswerError("Put every item in order, each exactly once.")
        return items
    raise AnswerError(f"Unknown question type {qtype!r}.")


def _option_feedback(option: Mapping[str, Any], chosen: bool) -> dict[str, Any]:
    return {
        "option": option["id"],
        "text": option["text"],
        "turn": option.get("turn"),
        "chosen": chosen,
        "correct": bool(option.get("correct", False)),
        "feedback": option["feedback"],
    }


def check_answer(question: Mapping[str, Any], response: Any) -> dict[str, Any]:
    """Check a response to a question (pure).

    Parameters
    ----------
    question : dict
        A question from the bank.
    response : object
        See :func:`normalize_response`.

    Returns
    -------
    dict
        ``qid``, ``type``, ``response`` (canonical), ``correct`` (bool, or ``None`` for a short
        answer, which the learner assesses against the rubric), ``score`` (0-1, or ``None``),
        ``feedback`` (a list with one entry per chosen option, or per item for ordering),
        ``missed`` (correct options not chosen), ``message`` (one sentence), ``explanation``,
        and for short answers ``model_answer`` and ``rubric``.

    Raises
    ------
    AnswerError
        If the response cannot be checked.

    Notes
    -----
    Multiple choice and evidence score ``(right picks - wrong picks) / number of right
    options``, floored at 0. Ordering scores the share of item pairs in the right relative
    order. Only a perfect answer counts as correct.
    """
    value = normalize_response(question, response)
    qtype = question["type"]
    result: dict[str, Any] = {
        "qid": question["id"],
        "type": qtype,
        "response": value,
        "correct": None,
        "score": None,
        "feedback": [],
        "missed": [],
        "message": "",
        "explanation": question["explanation"],
    }
    options = question.get("options", [])
    if qtype == "short_answer":
        result["model_answer"] = question["model_answer"]
        result["rubric"] = [dict(r) for r in question["rubric"]]
        result["message"] = "Saved. Compare your answer with the model answer and the rubric below."
        return result
    if qtype == "single_choice":
        chosen = next(o for o in options if o["id"] == value)
        result["correct"] = bool(chosen["correct"])
        result["score"] = 1.0 if chosen["correct"] else 0.0
        result["feedback"] = [_option_feedback(chosen, True)]
        result["message"] = (
            "That is the best answer." if chosen["correct"] else "That is not the best answer."
        )
        return result
    if qtype in ("multiple_choice", "evidence"):
        picked = set(value)
        right = {o["id"] for o in options if o["correct"]}
        hits = len(picked & right)
        wrong = len(picked - right)
        result["score"] = round(max(0.0, (hits - wrong) / len(right)), 4)
        result["correct"] = picked == right
        result["feedback"] = [_option_feedback(o, True) for o in options if o["id"] in picked]
        result["missed"] = [o["id"] for o in options if o["correct"] and o["id"] not in picked]
        if result["correct"]:
            result["message"] = "Correct: you chose exactly the right options."
        else:
            result["message"] = (
                f"{hits} of {len(right)} right options chosen"
                + (f", {wrong} wrong" if wrong else "")
                + "."
            )
        return result
    # ordering
    target = list(question["correct_order"])
    rank = {item: i for i, item in enumerate(value)}
    pairs = list(combinations(target, 2))
    good = sum(1 for a, b in pairs if rank[a] < rank[b])
    result["score"] = round(good / len(pairs), 4)
    result["correct"] = value == target
    by_id = {o["id"]: o for o in options}
    result["feedback"] = [
        {**_option_feedback(by_id[item], True), "correct": value[i] == target[i], "position": i + 1}
        for i, item in enumerate(value)
    ]
    placed = sum(1 for i in range(len(target)) if value[i] == target[i])
    result["message"] = (
        "Correct: every item is in its place."
        if result["correct"]
        else f"{placed} of {len(target)} items in the right place."
    )
    return result


def describe_response(question: Mapping[str, Any], response: Any) -> str:
    """A readable rendering of a saved response, for exports and portfolios (pure).

    Parameters
    ----------
    question : dict
    response : object
        A canonical response as stored.

    Returns
    -------
    str
        Option texts joined by ``"; "`` (ordering: numbered), or the text of a short answer.
        Unknown ids are shown as they are.
    """
    if question["type"] == "short_answer":
        return "" if response is None else str(response)
    by_id = {o["id"]: o for o in question.get("options", [])}
    items = [response] if isinstance(response, str) else list(response or [])

    def label(item: Any) -> str:
        o = by_id.get(item)
        if o is None:
            return str(item)
        return (
            f"Turn {o['turn']}: {o['text']}"
            if "turn" in o and question["type"] == "evidence"
            else o["text"]
        )

    if question["type"] == "ordering":
        return " ".join(f"{i}. {label(item)}" for i, item in enumerate(items, 1))
    return "; ".join(label(item) for item in items)
