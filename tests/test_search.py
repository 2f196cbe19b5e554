"""The one search engine (course_lib.text): folding, aliases, modes, suggestions, KWIC contexts.

These are the searches issue #13 found broken, each checked on the minutes themselves.
"""

from __future__ import annotations

import unicodedata

import pytest

from course_lib.text import (
    find_term,
    fold,
    kwic,
    parse_query,
    suggest,
    term_pattern,
    vocabulary,
)
from tests.conftest import HOSTILE


@pytest.fixture(scope="module")
def turns():
    import course_lib

    return course_lib.load_turns()


@pytest.fixture(scope="module")
def vocab(turns):
    return vocabulary(turns["text"])


def _turns_found(turns, query, mode="word"):
    return sorted(set(kwic(turns, parse_query(query), mode=mode)["turn"]))


@pytest.mark.parametrize(
    "query", ["Kim Il Sung", "Kim Il-sung", "kim il-song", "김일성", "金日成", "Premier Kim"]
)
def test_every_spelling_of_kim_finds_the_same_turns(turns, query):
    assert _turns_found(turns, query) == _turns_found(turns, "Kim Il Sung")
    assert _turns_found(turns, query)  # not empty


@pytest.mark.parametrize("query", ["Choe Yong-gon", "Choe Yong-geon", "최용건"])
def test_choe_yong_geon_is_found_as_chairman_choe_in_turn_38(turns, query):
    assert 38 in _turns_found(turns, query)


def test_word_start_mode_finds_korean_for_korea(turns):
    whole = kwic(turns, "korea")
    start = kwic(turns, "korea", mode="start")
    assert len(start) > len(whole)
    assert "Korean" in set(start["match"])
    assert "Korean" not in set(whole["match"])


def test_whole_word_mode_keeps_stalinism_apart():
    assert find_term("Stalinism and Stalin's", "Stalin") == [(14, 20)]
    assert find_term("Stalinism", "Stalin", mode="start") == [(0, 9)]


def test_unknown_mode_is_a_clear_error():
    with pytest.raises(ValueError, match="mode"):
        find_term("x", "x", mode="fuzzy")


def test_misspelling_gets_a_suggestion_from_the_minutes(vocab):
    assert suggest("Khruschev", vocab)[0] == "Khrushchev"
    assert suggest("revisionsm", vocab)[0] == "revisionism"
    assert suggest("Khrushchev", vocab) == []  # a known word needs no suggestion
    assert suggest("", vocab) == []


def test_nfc_and_nfd_spellings_are_one():
    nfd = unicodedata.normalize("NFD", "박금철")
    assert nfd != "박금철"
    assert fold(nfd) == fold("박금철")
    assert find_term("동지 박금철 말했다", nfd) == [(3, 6)]
    assert find_term(unicodedata.normalize("NFD", "Ch'ŏngch'ŏn"), "Ch'ongch'on")


def test_accents_apostrophes_and_hyphens_fold():
    text = "to the Ch\u2019ongch\u2019on River, Kim Il Sung said"
    assert find_term(text, "Chongchon") == [(7, 18)]
    assert find_term(text, "Kim Il-sung") == [(26, 37)]
    assert find_term("P\u02bcyŏngyang", "Pyongyang")


def test_offsets_point_into_the_original_text(turns):
    for _, row in kwic(turns, parse_query("Khrushchev")).iterrows():
        text = turns.loc[turns["turn"] == row["turn"], "text"].iloc[0]
        assert text[row["start"] : row["end"]] == row["match"]


def test_kwic_context_breaks_at_word_boundaries(turns):
    hits = kwic(turns, "Stalin", width=30)
    assert len(hits) > 5
    texts = dict(zip(turns["turn"], turns["text"], strict=True))
    for row in hits.itertuples():
        text = " ".join(texts[row.turn].split())
        left, right = row.left.strip(), row.right.strip()
        if left:
            at = text.find(left + " " + row.match) if row.left.endswith(" ") else text.find(left)
            assert at != -1
            assert at == 0 or text[at - 1] == " ", (left, text[max(0, at - 5) : at])
        if right:
            at = text.find(right)
            end = at + len(right)
            assert end == len(text) or text[end] == " ", (right, text[end : end + 5])


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_queries_never_fail(turns, value, vocab):
    parse_query(value)
    term_pattern(value)
    suggest(value, vocab)
    kwic(turns, parse_query(value), mode="start")


def test_regex_metacharacters_are_literal():
    assert find_term("a (((b", "(((") == [(2, 5)]
    assert find_term("abc", ".*") == []


def test_offsets_are_right_in_decomposed_text_too():
    text = unicodedata.normalize("NFD", "Ch'ŏngch'ŏn 강 and 박금철 said")
    for term in ("Chongchon", "박금철", "said"):
        spans = find_term(text, term)
        assert len(spans) == 1, term
        start, end = spans[0]
        assert fold(text[start:end]).replace("'", "") == fold(term).replace("'", "")
