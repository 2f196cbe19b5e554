"""The glossary: required terms, sources, and the turns computed from the aliases."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from course_lib import load_glossary, load_turns
from course_lib import timeline as tl

REQUIRED_TERMS = {
    "revisionism",
    "CPSU",
    "Pravda",
    "first and second echelon",
    "tripartite treaty",
    "Volunteer Army",
    "22nd Congress",
    "open letter",
    "Central Committee",
    "Supreme People's Assembly",
    "38th parallel",
    "Marxism",
    "Korean Workers' Party",
    "Sino-Soviet split",
    "ad hominem",
}


@pytest.fixture(scope="module")
def glossary() -> pd.DataFrame:
    return load_glossary()


@pytest.fixture(scope="module")
def occurrences(glossary) -> pd.DataFrame:
    return tl.term_turns(glossary, load_turns())


def test_loader_columns(glossary):
    assert list(glossary.columns) == [
        "term",
        "definition",
        "aliases",
        "source_title",
        "source_url",
        "source_2_title",
        "source_2_url",
    ]
    assert glossary["term"].is_unique


def test_required_terms_present(glossary):
    assert set(glossary["term"]) >= REQUIRED_TERMS


def test_every_entry_sourced(glossary):
    for row in glossary.itertuples(index=False):
        assert len(row.definition) > 40, row.term
        assert len(row.source_title) > 10, row.term
        assert re.match(r"^https?://\S+$", row.source_url), row.term


def test_every_term_occurs_in_the_minutes(occurrences):
    for row in occurrences.itertuples(index=False):
        assert row.turns, f"{row.term}: no alias found in any turn"


def test_every_alias_occurs_verbatim(glossary):
    text = "\n".join(load_turns()["text"]).casefold()
    for row in glossary.itertuples(index=False):
        for alias in row.aliases.split("|"):
            assert alias.casefold() in text, (row.term, alias)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("ad hominem", [16]),
        ("first and second echelon", [27, 29]),
        ("tripartite treaty", [35]),
        ("22nd Congress", [38]),
        ("Pravda", [33]),
        ("revisionism", [15, 20, 22]),
    ],
)
def test_computed_turns(occurrences, term, expected):
    row = occurrences[occurrences["term"] == term].iloc[0]
    assert row["turns"] == expected


def test_whole_word_matching_does_not_overmatch():
    gl = pd.DataFrame({"term": ["x"], "aliases": ["Party"], "definition": ["d"]})
    turns = pd.DataFrame({"turn": [1, 2], "text": ["the Party line", "Partying hard"]})
    assert tl.term_turns(gl, turns).iloc[0]["turns"] == [1]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("echelon", {"first and second echelon"}),
        ("PRAVDA", {"Pravda"}),
        ("homonym", {"ad hominem"}),
    ],
)
def test_lookup(glossary, query, expected):
    assert set(tl.lookup_terms(glossary, query)["term"]) == expected


@pytest.mark.parametrize("query", ["", "   ", None, 42, "<script>", "(((", "김일성", "x" * 5000])
def test_lookup_hostile_input_finds_nothing(glossary, query):
    assert tl.lookup_terms(glossary, query).empty


def test_lookup_bracket_is_matched_literally(glossary):
    found = tl.lookup_terms(glossary, "[")
    assert not found.empty
    assert found["aliases"].str.contains("[", regex=False).all()


def test_lookup_bracket_alias_literally(glossary):
    assert "letter of 14 June 1963" in set(tl.lookup_terms(glossary, "[The letter]")["term"])


def _naive_term_turns(glossary: pd.DataFrame, turns: pd.DataFrame) -> list[list[int]]:
    """One search per alias per turn: the definition that ``term_turns`` must reproduce."""
    found = []
    for aliases in glossary["aliases"]:
        words = [a.strip() for a in aliases.split("|") if a.strip()]
        pats = [re.compile(rf"(?<!\w){re.escape(a)}(?!\w)", re.IGNORECASE) for a in words]
        found.append(
            sorted(
                int(n)
                for n, text in zip(turns["turn"], turns["text"], strict=True)
                if any(p.search(text) for p in pats)
            )
        )
    return found


def test_term_turns_matches_naive_search_on_the_real_data(glossary, occurrences):
    expected = _naive_term_turns(glossary, load_turns())
    assert list(occurrences["turns"]) == expected
    assert sum(map(len, expected)) > len(expected)  # the comparison covers real matches


def test_term_turns_alternation_and_turn_edges():
    # "Party" fails the whole-word test in "Partying" but the longer alias matches there;
    # a match never runs across two turns, and the first and last characters of a turn count.
    gl = pd.DataFrame(
        {"term": ["a", "b", "c"], "aliases": ["Party|Partying", "line Partying", "hard|the"]}
    )
    turns = pd.DataFrame({"turn": [1, 2, 3], "text": ["the Party line", "Partying hard", "x"]})
    out = tl.term_turns(gl, turns)
    assert list(out["turns"]) == [[1, 2], [], [1, 2]]
    assert list(out["turns"]) == _naive_term_turns(gl, turns)
