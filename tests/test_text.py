"""course_lib.text: words, insertions, term search, keyword in context, aliases."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from course_lib import load_turns
from course_lib.text import (
    ALIASES,
    KWIC_COLUMNS,
    MAX_TERM_CHARS,
    STOP_WORDS,
    count_words,
    find_term,
    fold,
    inside_insertion,
    kwic,
    parse_query,
    strip_insertions,
    term_pattern,
    tokenize,
)
from tests.conftest import HOSTILE


@pytest.fixture(scope="module")
def turns() -> pd.DataFrame:
    return load_turns()


# --- words -------------------------------------------------------------------------------------


def test_tokenize_lowercases_and_keeps_inner_apostrophes_and_hyphens():
    assert tokenize("Khrushchev's post-war [North] Korea.") == [
        "khrushchev's",
        "post-war",
        "north",
        "korea",
    ]


def test_a_number_with_a_thousands_separator_is_one_word():
    assert tokenize("there are 80,000 Korean nationals") == [
        "there",
        "are",
        "80,000",
        "korean",
        "nationals",
    ]
    assert tokenize("pay 25 million Rubles, [or]") == ["pay", "25", "million", "rubles", "or"]


@pytest.mark.parametrize("bad", [None, 3, float("nan"), pd.NA])
def test_text_helpers_accept_non_strings(bad):
    assert tokenize(bad) == []
    assert count_words(bad) == 0
    assert strip_insertions(bad) == ""
    assert find_term(bad, "Stalin") == []


def test_hand_counted_short_turns(turns):
    # Counted by hand from the source, lines 50 and 54.
    t3 = turns.loc[turns.turn == 3].iloc[0]
    assert count_words(t3.text) == 18  # "It has been my wish ... of your country."
    t5 = turns.loc[turns.turn == 5].iloc[0]
    assert count_words(t5.text) == 16  # "[already]" and "[but]" included ...
    assert count_words(strip_insertions(t5.text)) == 14  # ... and left out


def test_words_per_speaker_match_an_independent_count(turns):
    # Independent rule: whitespace-separated tokens with at least one letter or digit.
    def independent(text: str) -> int:
        return sum(1 for tok in text.split() if re.search(r"[^\W_]", tok))

    for speaker, expected in (("Liu", 1750), ("Kim", 1670)):
        texts = turns.loc[turns.speaker == speaker, "text"]
        assert sum(independent(t) for t in texts) == expected
        assert sum(count_words(t) for t in texts) == expected


def test_strip_insertions_removes_brackets_and_tidies_spaces():
    assert strip_insertions("As we arrived in [North] Korea today.") == (
        "As we arrived in Korea today."
    )
    assert strip_insertions("We also have achievements, [but] also weaknesses [and errors].") == (
        "We also have achievements, also weaknesses."
    )


def test_strip_insertions_handles_the_unbalanced_bracket_of_turn_33(turns):
    t33 = turns.loc[turns.turn == 33, "text"].iloc[0]
    spoken = strip_insertions(t33)
    assert "[" not in spoken
    assert "]" not in spoken
    assert "communist" not in spoken


# --- the stop-word list --------------------------------------------------------------------------


def test_stop_words_are_lowercase_function_words_and_keep_content_words():
    assert all(w == w.lower() and tokenize(w) == [w] for w in STOP_WORDS)
    assert {"the", "and", "we", "they", "of"} <= STOP_WORDS
    assert not {"people", "party", "split", "stalin", "khrushchev", "afraid"} & STOP_WORDS


# --- term search -------------------------------------------------------------------------------


def test_find_term_is_case_insensitive_and_whole_word():
    text = "Stalin's article; stalin; STALIN. Stalinism, anti-Stalin"
    hits = [text[s:e] for s, e in find_term(text, "Stalin")]
    assert hits == ["Stalin", "stalin", "STALIN", "Stalin"]


def test_find_term_matches_a_phrase_across_any_whitespace():
    assert find_term("the Soviet\n\n  Union", "soviet union") == [(4, 19)]


def test_regex_metacharacters_are_literal():
    assert find_term("a.b axb", "a.b") == [(0, 3)]
    assert find_term("Soviet [Communist] Party", "Soviet [Communist] Party") == [(0, 24)]
    assert find_term("price (half)", "(half)") == [(6, 12)]
    assert find_term("aaa", "a*") == []
    assert find_term("x|y", "x|y") == [(0, 3)]  # a string is one term, "|" included


def test_alias_group_prefers_the_longest_spelling_and_does_not_overlap():
    text = "the Soviet Union and the Soviets and the USSR"
    hits = [text[s:e] for s, e in find_term(text, ALIASES["Soviet Union"])]
    assert hits == ["Soviet Union", "Soviets", "USSR"]


def test_parse_query_presets_and_pipes():
    assert parse_query("SOVIET PARTY") == ALIASES["Soviet party"]
    # A typed spelling of a preset group brings in the whole group, typed terms first.
    got = parse_query(" CPSU |  | soviet   party | cpsu ")
    assert got[:2] == ("CPSU", "soviet party")
    assert {fold(t) for t in got} >= {fold(t) for t in ALIASES["Soviet party"]}
    assert len(parse_query("y" * 5000)[0]) == MAX_TERM_CHARS


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_terms_never_raise(bad, turns):
    for query in (bad, parse_query(bad)):
        assert isinstance(find_term("Kim: [Our] affinity runs deep.", query), list)
        frame = kwic(turns, query)
        assert list(frame.columns) == KWIC_COLUMNS


def test_empty_queries_find_nothing(turns):
    for q in ("", "   ", None, 12, ["", "  "], parse_query("|"), parse_query(" | ")):
        assert term_pattern(q) is None
        assert kwic(turns, q).empty


def test_a_lone_bracket_is_searched_literally(turns):
    hits = kwic(turns, "[")
    assert len(hits) == sum(t.count("[") for t in turns.text)


def test_korean_and_chinese_terms_match_when_present():
    assert find_term("회담 김일성 동지", "김일성") == [(3, 6)]
    # Chinese is written without spaces, so there is no word boundary to insist on.
    assert find_term("刘少奇同志", "刘少奇") == [(0, 3)]


# --- keyword in context --------------------------------------------------------------------------


def test_khrushchev_per_speaker(turns):
    # Counted by hand in the source: Liu in turns 15 (x3), 29, 35, 37, 41, 49 (x2), 51; Kim in
    # turns 14, 22, 38, 42, 50. "Khrushchev's" and "anti-Khrushchev" count.
    hits = kwic(turns, "Khrushchev")
    assert hits.groupby("speaker").size().to_dict() == {"Kim": 5, "Liu": 10}
    assert hits.loc[hits.speaker == "Kim", "turn"].tolist() == [14, 22, 38, 42, 50]


def test_kwic_flags_a_hit_inside_an_insertion(turns):
    hits = kwic(turns, "Khrushchev", width=30)
    inside = hits[hits.inside_insertion]
    assert inside.turn.tolist() == [15]
    row = inside.iloc[0]
    assert row.left.endswith("[to respond to ")
    assert row.right.startswith("]")
    # Leaving insertions out loses exactly that hit.
    spoken = kwic(turns, "Khrushchev", include_insertions=False)
    assert len(spoken) == len(hits) - 1
    assert not spoken.inside_insertion.any()


def test_kwic_context_and_offsets(turns):
    hits = kwic(turns, "Pravda", width=12)
    t33 = turns.loc[turns.turn == 33, "text"].iloc[0]
    first = hits.iloc[0]
    assert first.turn == 33
    assert t33[first.start : first.end] == "Pravda"
    assert len(first.left) <= 12
    assert len(first.right) <= 12


def test_kwic_soviet_party_with_and_without_insertions(turns):
    with_ins = kwic(turns, ALIASES["Soviet party"])
    without = kwic(turns, ALIASES["Soviet party"], include_insertions=False)
    assert "Soviet [Communist] Party" in with_ins["match"].tolist()
    assert "Soviet Party" in without["match"].tolist()
    assert len(with_ins) == len(without) == 5


def test_korean_place_in_both_romanizations(turns):
    hits = kwic(turns, ALIASES["Taedong / Daedong"])
    assert hits["match"].tolist() == ["Daedong", "Taedong"]
    assert hits["inside_insertion"].tolist() == [False, True]


def test_kwic_rejects_a_table_without_text():
    with pytest.raises(ValueError, match="text"):
        kwic(pd.DataFrame({"turn": [1], "speaker": ["Liu"]}), "x")
    with pytest.raises(ValueError, match="DataFrame"):
        kwic("not a table", "x")  # type: ignore[arg-type]


def test_kwic_copes_with_odd_widths_and_missing_text(turns):
    frame = pd.DataFrame({"turn": [1, 2], "speaker": ["Liu", "Kim"], "text": ["Stalin", None]})
    assert len(kwic(frame, "stalin", width=-5)) == 1
    assert kwic(frame, "stalin", width=-5).iloc[0].left == ""
    assert len(kwic(frame, "stalin", width="wide")) == 1  # type: ignore[arg-type]


def test_inside_insertion():
    assert inside_insertion(3, 5, [(0, 10)])
    assert not inside_insertion(3, 12, [(0, 10)])
    assert not inside_insertion(3, 5, [])
