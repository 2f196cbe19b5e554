"""The conversation measures in course_lib.speakers: hand-computed values, the minutes, bad input.

Small made-up conversations are worked out by hand in the comments; the minutes are checked
against counts found by reading (turn numbers are the course's, 1-54).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from course_lib import load_table, load_turns
from course_lib import speakers as sp
from tests.conftest import HOSTILE


@pytest.fixture(scope="module")
def turns() -> pd.DataFrame:
    return load_turns()


@pytest.fixture(scope="module")
def themes() -> pd.DataFrame:
    return load_table("themes")


@pytest.fixture(scope="module")
def codebook() -> pd.DataFrame:
    return load_table("theme_codebook")


@pytest.fixture(scope="module")
def lexicon() -> pd.DataFrame:
    return load_table("stance_lexicon")


def talk(*texts: str, speakers: str = "AB") -> pd.DataFrame:
    """A made-up conversation: speakers alternate A, B, A, ..."""
    return pd.DataFrame(
        {
            "turn": list(range(1, len(texts) + 1)),
            "speaker": [speakers[k % len(speakers)] for k in range(len(texts))],
            "text": list(texts),
        }
    )


# --- per-turn counts, rates and their uncertainty ------------------------------------------------


def war_talk() -> pd.DataFrame:
    # A: "war war peace" (3 words, 2 hits), "bread" (1, 0); B: "peace and bread" (3, 0), "war" (1, 1)
    return talk("war war peace", "peace and bread", "bread", "war")


def test_per_turn_counts_by_hand():
    counts = sp.per_turn_counts(war_talk(), "war")
    assert list(counts["words"]) == [3, 3, 1, 1]
    assert list(counts["hits"]) == [2, 0, 0, 1]
    assert "hits" not in sp.per_turn_counts(war_talk()).columns


def test_rate_intervals_by_hand():
    counts = sp.per_turn_counts(war_talk(), "war")
    rates = sp.rate_intervals(counts, per=1).set_index("speaker")
    assert rates.loc["A", "value"] == pytest.approx(2 / 4)
    assert rates.loc["B", "value"] == pytest.approx(1 / 4)
    assert rates.loc["A", "count"] == 2
    assert rates.loc["A", "base"] == 4
    assert rates.loc["A", "turns_with"] == 1
    # A's two turns drawn again with replacement: (1, 1) -> 4/6, (1, 3) -> 2/4, (3, 3) -> 0/2, with
    # chances 1/4, 1/2, 1/4. A quarter of the resamples are 0 and a quarter 2/3, so the middle
    # 95% runs from exactly 0 to exactly 2/3.
    assert rates.loc["A", "low"] == pytest.approx(0.0)
    assert rates.loc["A", "high"] == pytest.approx(2 / 3)


def test_rate_comparison_by_hand():
    counts = sp.per_turn_counts(war_talk(), "war")
    row = sp.rate_comparison(counts, per=1).iloc[0]
    assert (row["first"], row["second"]) == ("A", "B")
    assert row["difference"] == pytest.approx(0.25)
    # The six ways of giving two of the four turns to A, with the gap A - B:
    # {1,2}: 2/6 - 1/2 = -1/6; {1,3}: 0.25 (the real one); {1,4}: 3/4 - 0 = 0.75;
    # {2,3}: 0 - 3/4; {2,4}: 1/4 - 2/4; {3,4}: 1/2 - 2/6 = 1/6. Four of six have |gap| >= 0.25.
    assert row["as_large"] / row["resamples"] == pytest.approx(4 / 6, abs=0.05)
    assert row["p_value"] == (row["as_large"] + 1) / (row["resamples"] + 1)
    assert row["warning"].startswith("Only 3 hits, from 2 turns")
    assert row["verdict"].startswith("Too few to tell.")
    assert row["seed"] == sp.DEFAULT_SEED


def test_word_share_of_equal_turns_is_certain_and_no_difference():
    # Every turn has two words: every resample gives each speaker exactly half.
    counts = sp.per_turn_counts(talk("a b", "c d", "e f", "g h"))
    shares = sp.word_share_intervals(counts)
    assert list(shares["value"]) == [0.5, 0.5]
    assert list(shares["low"]) == [0.5, 0.5]
    assert list(shares["high"]) == [0.5, 0.5]
    row = sp.word_share_comparison(counts).iloc[0]
    assert row["difference"] == 0
    assert row["as_large"] == row["resamples"]  # every re-assignment gives a gap of 0, as large
    assert row["verdict"].startswith("Could easily be chance")


def test_word_shares_of_the_minutes(turns):
    counts = sp.per_turn_counts(turns)
    shares = sp.word_share_intervals(counts).set_index("speaker")
    assert shares.loc["Liu", "value"] == pytest.approx(1750 / 3420)
    assert shares.loc["Liu", "count"] == 1750
    assert shares.loc["Liu", "low"] < 0.5 < shares.loc["Liu", "high"]
    assert shares.loc["Liu", "low"] == pytest.approx(1 - shares.loc["Kim", "high"])
    row = sp.word_share_comparison(counts).iloc[0]
    assert row["difference"] == pytest.approx((1750 - 1670) / 3420)
    assert row["p_value"] > 0.2  # an 80-word gap is what shuffling the turns gives all the time
    assert row["verdict"].startswith("Could easily be chance in a text this short")


def test_term_rate_of_the_minutes(turns):
    counts = sp.per_turn_counts(turns, "Khrushchev")
    rates = sp.rate_intervals(counts).set_index("speaker")
    assert rates.loc["Liu", "value"] == pytest.approx(10 * 1000 / 1750)
    assert rates.loc["Kim", "value"] == pytest.approx(5 * 1000 / 1670)
    assert (rates["low"] <= rates["value"]).all()
    assert (rates["value"] <= rates["high"]).all()


def test_the_bootstrap_is_seeded_and_reproducible(turns):
    counts = sp.per_turn_counts(turns, "Khrushchev")
    first = sp.rate_comparison(counts)
    sp._plan.cache_clear()  # draw the resamples afresh: the seed alone must fix them
    sp._rate_arrays.cache_clear()
    again = sp.rate_comparison(counts)
    pd.testing.assert_frame_equal(first, again)
    other = sp.rate_comparison(counts, seed=sp.DEFAULT_SEED + 1)
    assert (other["low"].iloc[0], other["high"].iloc[0]) != (
        first["low"].iloc[0],
        first["high"].iloc[0],
    )
    more = sp.rate_intervals(counts, n_resamples=2000)
    assert not more.equals(sp.rate_intervals(counts))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_resamples": 5}, "n_resamples"),
        ({"n_resamples": "many"}, "whole numbers"),
        ({"seed": -1}, "seed"),
        ({"confidence": 1.5}, "confidence"),
        ({"confidence": None}, "confidence"),
    ],
)
def test_bad_resampling_settings_are_refused(kwargs, message):
    counts = sp.per_turn_counts(war_talk(), "war")
    with pytest.raises(ValueError, match=message):
        sp.rate_intervals(counts, **kwargs)


def test_bad_per_turn_tables_are_refused():
    with pytest.raises(ValueError, match="hits"):
        sp.rate_intervals(pd.DataFrame({"turn": [1], "speaker": ["A"], "words": [3]}))
    with pytest.raises(ValueError, match="DataFrame"):
        sp.rate_comparison("turns")  # type: ignore[arg-type]
    bad = sp.per_turn_counts(war_talk(), "war")
    bad.loc[0, "hits"] = -1
    with pytest.raises(ValueError, match="negative"):
        sp.rate_intervals(bad)


def test_one_speaker_or_none():
    alone = sp.per_turn_counts(talk("war", "war peace", speakers="A"), "war")
    assert list(sp.rate_intervals(alone)["speaker"]) == ["A"]
    assert sp.rate_comparison(alone).empty
    assert sp.word_share_comparison(alone).empty
    empty = sp.per_turn_counts(talk(), "war")
    assert sp.rate_intervals(empty).empty
    assert sp.word_share_intervals(empty).empty


def test_a_speaker_with_no_words_gets_no_rate_not_an_error():
    counts = sp.per_turn_counts(talk("war", "", "war", ""), "war")
    rates = sp.rate_intervals(counts).set_index("speaker")
    assert math.isnan(rates.loc["B", "value"])
    assert math.isnan(rates.loc["B", "low"])


@pytest.mark.parametrize(
    ("k", "start"),
    [
        (0, "Very unlikely to be chance alone"),
        (30, "Unlikely to be chance alone"),
        (100, "A weak hint, no more"),
        (500, "Could easily be chance in a text this short"),
    ],
)
def test_plain_verdict_thresholds(k, start):
    verdict = sp.plain_verdict(k, 1000)
    assert verdict.startswith(start)
    assert f"{k:,} of 1,000" in verdict
    assert sp.plain_verdict(k, 1000, "Only 2 hits").startswith("Too few to tell.")


@pytest.mark.parametrize(
    ("hits", "turns_with", "expected"),
    [
        (10, 5, ""),
        (9, 5, "Only 9 hits, from 5 turns"),
        (10, 4, "Only 10 hits, from 4 turns"),
        (1, 1, "Only 1 hit, from 1 turn:"),
        (0, 0, "No hits at all"),
    ],
)
def test_low_count_warning(hits, turns_with, expected):
    warning = sp.low_count_warning(hits, turns_with)
    assert warning.startswith(expected) if expected else warning == ""


def test_show_the_arithmetic():
    counts = sp.per_turn_counts(war_talk(), "war")
    sums = sp.rate_arithmetic(counts, per=1000).set_index("speaker")
    assert sums.loc["A", "sum"] == "2 ÷ 4 × 1,000 = 500.00"  # noqa: RUF001
    assert sums.loc["A", "turns"] == "1 (×2)"  # noqa: RUF001
    assert sums.loc["B", "turns"] == "4"
    shares = sp.share_arithmetic(counts).set_index("speaker")
    assert shares.loc["A", "sum"] == "4 ÷ 8 = 50.0%"
    assert shares.loc["B", "turns"] == 2


def test_show_the_arithmetic_on_the_minutes(turns):
    sums = sp.rate_arithmetic(sp.per_turn_counts(turns, "revisionism")).set_index("speaker")
    assert sums.loc["Liu", "sum"] == "1 ÷ 1,750 × 1,000 = 0.57"  # noqa: RUF001
    assert sums.loc["Kim", "turns"] == "20, 22 (×4)"  # noqa: RUF001
    shares = sp.share_arithmetic(sp.per_turn_counts(turns)).set_index("speaker")
    assert shares.loc["Kim", "sum"] == "1,670 ÷ 3,420 = 48.8%"


# --- distinctive words with uncertainty ----------------------------------------------------------


def test_distinctive_uncertainty_of_a_perfectly_split_talk():
    # Ten turns each; A always says "alpha", B always "beta". Resampling A's identical turns
    # changes nothing, so the interval is a point; a random re-assignment splits the turns this
    # cleanly in 2 of C(20, 10) = 184,756 cases, so nearly every shuffle falls short.
    frame = talk(*(["alpha gamma", "beta gamma"] * 10))
    out = sp.distinctive_uncertainty(frame, n=1, stop_words=())
    a = out[out["speaker"] == "A"].iloc[0]
    assert a["word"] == "alpha"
    assert a["z_low"] == pytest.approx(a["z"])
    assert a["z_high"] == pytest.approx(a["z"])
    assert a["p_word"] < 0.01
    assert a["p_top"] < 0.01
    assert a["verdict"].startswith("Stands out")


def test_distinctive_uncertainty_of_the_minutes(turns):
    out = sp.distinctive_uncertainty(turns, n=8)
    plain = sp.distinctive_words(turns, n=8)
    pd.testing.assert_frame_equal(out[plain.columns], plain)  # same words, same z as log_odds
    assert (out["p_top"] >= out["p_word"]).all()  # the best of all words beats any one word
    assert ((out["p_word"] > 0) & (out["p_top"] <= 1)).all()
    # No word of the minutes stands out against the best word of a shuffled conversation.
    assert (out["p_top"] > 0.2).all()
    assert not out["verdict"].str.startswith("Stands out").any()
    kim = out[out["speaker"] == "Kim"].set_index("word")
    # "together": six uses, all in turn 10; dropping that turn from a resample leaves z at 0.
    assert kim.loc["together", "z_low"] == 0


def test_distinctive_uncertainty_is_reproducible(turns):
    a = sp.distinctive_uncertainty(turns, n=3, n_resamples=200)
    b = sp.distinctive_uncertainty(turns, n=3, n_resamples=200)
    pd.testing.assert_frame_equal(a, b)
    assert sp.distinctive_uncertainty(talk("a b", speakers="A")).empty


# --- agenda and initiative -----------------------------------------------------------------------


def themed_talk() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = talk("one", "two", "three", "four", "five")  # A B A B A
    coding = pd.DataFrame({"turn": [1, 2, 3, 4, 5, 5], "theme": ["x", "x", "y", "x", "x", "y"]})
    return frame, coding


def test_theme_runs_by_hand():
    frame, coding = themed_talk()
    runs = sp.theme_runs(frame, coding)
    got = [(r.theme, r.start_turn, r.end_turn, r.opened_by, r.closed_by) for r in runs.itertuples()]
    assert got == [
        ("x", 1, 2, "A", "B"),
        ("y", 3, 3, "A", "A"),
        ("x", 4, 5, "B", "A"),
        ("y", 5, 5, "A", "A"),
    ]
    assert list(runs["run"]) == [1, 1, 2, 2]
    assert list(runs["turns"]) == [2, 1, 2, 1]
    assert list(runs["turns_A"]) == [1, 1, 1, 1]


def test_subject_changes_and_initiative_by_hand():
    frame, coding = themed_talk()
    changes = sp.subject_changes(frame, coding)
    assert list(changes["changes_subject"]) == [False, False, True, True, False]
    assert changes.loc[4, "brought_in"] == ("y",)
    assert changes.loc[4, "shared"] == ("x",)
    lead = sp.initiative(frame, coding)
    assert lead.loc["A", "themes_opened"] == 2
    assert lead.loc["A", "runs_opened"] == 3
    assert lead.loc["B", "runs_opened"] == 1
    assert lead.loc["A", "subject_changes"] == lead.loc["B", "subject_changes"] == 1
    assert lead.loc["A", "themes_brought_in"] == 2  # y in turn 3 and again in turn 5
    assert lead.loc["B", "themes_brought_in"] == 1


def test_agenda_and_initiative_in_the_minutes(turns, themes, codebook):
    changes = sp.subject_changes(turns, themes, codebook)
    moved = changes[changes["changes_subject"]]
    # Turn 13 (Liu) leaves Stalin and Aidit for the polemic; 41 (Liu) leaves the agenda for the
    # question of breaking relations; 52 (Kim) leaves hardship for the agenda.
    assert list(zip(moved["turn"], moved["speaker"], strict=True)) == [
        (13, "Liu"),
        (41, "Liu"),
        (52, "Kim"),
    ]
    runs = sp.theme_runs(turns, themes, codebook)
    agenda = runs[runs["theme"] == "agenda"]
    assert list(
        zip(agenda["start_turn"], agenda["end_turn"], agenda["opened_by"], strict=True)
    ) == [
        (39, 40, "Liu"),
        (49, 49, "Liu"),
        (52, 54, "Kim"),
    ]
    first = runs[runs["theme"] == "protocol_friendship"].iloc[0]
    assert (first["start_turn"], first["end_turn"], first["turns"]) == (1, 11, 11)
    lead = sp.initiative(turns, themes, codebook)
    assert lead.loc["Liu", "themes_opened"] == 6
    assert lead.loc["Kim", "themes_opened"] == 4
    assert lead.loc["Liu", "questions"] == 4
    assert lead.loc["Kim", "questions"] == 2


def test_question_answers_by_hand():
    frame = talk("Did you eat rice? I did.", "I ate rice.", "Why rice?")
    qa = sp.question_answers(frame)
    assert list(qa["question"]) == ["Did you eat rice?", "Why rice?"]
    first = qa.iloc[0]
    assert (first["answer_turn"], first["answerer"]) == (2, "B")
    assert first["shared"] == ("rice",)  # "eat" is not "ate"; "did" and "you" are stop words
    assert first["taken_up"]
    last = qa.iloc[1]
    assert pd.isna(last["answer_turn"])  # nobody answers the last question
    assert not last["taken_up"]


def test_question_answers_in_the_minutes(turns):
    qa = sp.question_answers(turns)
    assert list(qa["turn"]) == [10, 11, 29, 41, 41, 42]
    assert list(qa["answer_turn"]) == [11, 12, 30, 42, 42, 43]
    read = qa[qa["turn"] == 11].iloc[0]
    assert read["question"] == "Did Comrade Premier read it yet?"
    assert read["answer"] == "I have not yet read it."
    assert "read" in read["shared"]
    breaking = qa[qa["question"].str.startswith("Is it beneficial")].iloc[0]
    assert breaking["shared"] == ("break", "relations")
    text = dict(zip(turns["turn"], turns["text"], strict=True))
    for row in qa.itertuples():
        assert row.question in text[row.turn]  # verbatim
        assert row.answer in text[row.answer_turn]


# --- stance markers ------------------------------------------------------------------------------


def small_lexicon() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": ["agreement", "agreement", "hedge"],
            "term": ["Good", "I agree", "I think"],
            "position": ["sentence_start", "anywhere", "anywhere"],
        }
    )


def test_stance_hits_by_hand():
    frame = talk("Good. I think so.", "That is not good. I agree.", "[I think] fine")
    hits = sp.stance_hits(frame, small_lexicon())
    got = list(zip(hits["category"], hits["entry"], hits["turn"], strict=True))
    # "good" in turn 2 is not at the start of a sentence; turn 3's "I think" is the translators'.
    # Categories come in display order (hedges first), then turns.
    assert got == [("hedge", "I think", 1), ("agreement", "Good", 1), ("agreement", "I agree", 2)]
    with_insertions = sp.stance_hits(frame, small_lexicon(), include_insertions=True)
    assert (3, "I think") in set(
        zip(with_insertions["turn"], with_insertions["entry"], strict=True)
    )


def test_stance_rates_by_hand():
    frame = talk("Good. I think so.", "That is not good. I agree.", "[I think] fine")
    rates = sp.stance_rates(frame, small_lexicon())
    agree = rates[rates["category"] == "agreement"].set_index("speaker")
    # A says 4 + 1 = 5 words (insertion left out), B 6; one agreement marker each.
    assert agree.loc["A", "words"] == 5
    assert agree.loc["A", "per_100_words"] == pytest.approx(100 / 5)
    assert agree.loc["B", "per_100_words"] == pytest.approx(100 / 6)
    comparison = sp.stance_comparison(frame, small_lexicon())
    assert list(comparison["category"]) == ["hedge", "agreement"]  # display order
    assert comparison["warning"].str.startswith("Only").all()


def test_bad_lexicons(turns):
    with pytest.raises(ValueError, match="category and term"):
        sp.stance_hits(turns, pd.DataFrame({"word": ["x"]}))
    odd = pd.DataFrame({"category": ["hedge", "hedge", None], "term": ["", None, "x"]})
    assert sp.stance_hits(turns, odd).empty
    assert sp.stance_rates(turns, odd).empty


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_lexicon_terms_are_searched_literally(value, turns):
    lexicon = pd.DataFrame({"category": ["hedge"], "term": [value], "position": ["anywhere"]})
    hits = sp.stance_hits(turns, lexicon)
    assert len(hits) <= 1  # none of these occurs in the minutes, except by accident once
    assert len(sp.stance_rates(turns, lexicon)) in (0, 2)


def test_stance_markers_in_the_minutes(turns, lexicon):
    hits = sp.stance_hits(turns, lexicon)
    found = {
        c: sorted(zip(part["turn"], part["speaker"], strict=True))
        for c, part in hits.groupby("category")
    }
    # Found by reading (see the justifications in data/stance_lexicon.csv).
    assert found["agreement"] == [
        (7, "Liu"), (11, "Liu"), (17, "Liu"), (18, "Kim"), (23, "Liu"), (26, "Kim"),
        (40, "Kim"), (52, "Kim"), (54, "Kim"),
    ]  # fmt: skip
    assert found["honorific"] == [(1, "Liu"), (2, "Kim"), (8, "Kim"), (11, "Liu"), (11, "Liu")]
    assert found["gratitude"] == [(2, "Kim"), (4, "Kim")]
    assert [t for t, s in found["hedge"] if s == "Kim"] == [10, 14, 30, 32, 32, 32, 42]
    # "our Party" is counted once, as itself, not also as "our".
    we = hits[hits["category"] == "we"]
    assert (we["entry"] == "our Party").sum() == 9
    rates = sp.stance_rates(turns, lexicon).set_index(["category", "speaker"])
    assert rates.loc[("agreement", "Kim"), "hits"] == 5
    assert rates.loc[("agreement", "Kim"), "words"] == 1536  # only what was said
    assert rates.loc[("agreement", "Kim"), "per_100_words"] == pytest.approx(500 / 1536)


def test_every_lexicon_entry_is_justified_by_what_the_minutes_contain(turns, lexicon):
    """An entry that claims to be absent is absent; every other entry is found at least once."""
    for row in lexicon.itertuples(index=False):
        one = pd.DataFrame(
            {"category": [row.category], "term": [row.term], "position": [row.position]}
        )
        n = len(sp.stance_hits(turns, one))
        if "never occurs" in row.justification:
            assert n == 0, row.term
        else:
            assert n > 0, row.term


def test_lexicon_rows_are_sourced_and_quote_the_minutes_verbatim(turns, lexicon):
    body = " ".join(" ".join(t.split()) for t in turns["text"])
    quoted = 0
    for row in lexicon.itertuples(index=False):
        assert row.category in sp.STANCE_CATEGORIES
        assert re.match(r"^https?://\S+$", row.source_url)
        assert len(row.justification) > 30
        # Double quotes are for the minutes' words only; a word merely named takes single quotes.
        for quote in re.findall(r'"([^"]+)"', row.justification):
            quoted += 1
            assert " ".join(quote.split()) in body, quote
    assert quoted > 25
    assert not lexicon.duplicated(["category", "term"]).any()


# --- uptake and framing --------------------------------------------------------------------------


def test_uptake_per_turn_by_hand():
    frame = talk("the war was long", "long war indeed", "indeed peace")
    up = sp.uptake_per_turn(frame)
    assert pd.isna(up.loc[0, "from_turn"])
    assert up.loc[1, "words_taken"] == ("long", "war")  # in turn 2's order
    assert up.loc[1, "new_to_speaker"] == ("long", "war")
    assert up.loc[1, "phrases_taken"] == ()  # "war was" has a stop word
    assert up.loc[2, "from_turn"] == 2
    assert up.loc[2, "words_taken"] == ("indeed",)
    assert up.loc[2, "new_to_speaker"] == ("indeed",)
    summary = sp.uptake(frame).set_index("speaker")
    assert summary.loc["A", "content_words"] == 4
    assert summary.loc["A", "share_taken"] == pytest.approx(1 / 4)
    assert summary.loc["B", "share_taken"] == pytest.approx(2 / 3)


def test_uptake_phrases_and_own_words():
    frame = talk("break relations now", "we break relations", "relations matter")
    up = sp.uptake_per_turn(frame)
    assert up.loc[1, "phrases_taken"] == ("break relations",)
    # A used "relations" in turn 1, so taking it back from B in turn 3 is not new to him.
    assert up.loc[2, "words_taken"] == ("relations",)
    assert up.loc[2, "new_to_speaker"] == ()


def test_uptake_in_the_minutes(turns):
    up = sp.uptake_per_turn(turns).set_index("turn")
    assert {"break", "relations"} <= set(up.loc[42, "words_taken"])
    assert "break relations" in up.loc[42, "phrases_taken"]
    assert "read" in up.loc[12, "words_taken"]
    summary = sp.uptake(turns).set_index("speaker")
    assert summary["turns"].tolist() == [27, 27]
    assert (summary["low"] <= summary["share_taken"]).all()


def test_framing_by_hand():
    frame = talk("revisionism is bad", "no", "revisionists again", "[revisionism] yes revisionism")
    uses = sp.framing_uptake(frame, "revisionism")
    assert list(uses["turn"]) == [1, 3, 4]
    assert list(uses["first_use"]) == [True, False, False]
    assert pd.isna(uses.loc[1, "picks_up_from"])  # B has not used it yet
    assert uses.loc[2, "picks_up_from"] == 3
    assert uses.loc[2, "turns_later"] == 1
    assert uses.loc[2, "hits"] == 1  # the bracketed one is the translators'
    summary = sp.framing_summary(frame, ["revisionism", "peace"]).set_index("term")
    assert summary.loc["revisionism", "taken_up_turn"] == 4
    assert summary.loc["revisionism", "turns_later"] == 3
    assert summary.loc["revisionism", "hits_A"] == 2
    assert pd.isna(summary.loc["peace", "first_turn"])


def test_framing_in_the_minutes(turns):
    summary = sp.framing_summary(turns).set_index("term")
    # Liu introduces all three framings; Kim takes each up.
    assert summary.loc["revisionism", ["first_turn", "first_by", "taken_up_turn"]].tolist() == [
        15,
        "Liu",
        20,
    ]
    assert summary.loc["split", ["first_turn", "taken_up_turn", "taken_up_by"]].tolist() == [
        15,
        22,
        "Kim",
    ]
    assert summary.loc["debts", ["first_turn", "taken_up_turn", "turns_later"]].tolist() == [
        47,
        48,
        1,
    ]
    assert summary.loc["revisionism", "hits_Kim"] == 3
    assert summary.loc["split", "hits_Liu"] == 5


# --- where a term falls --------------------------------------------------------------------------


def test_dispersion_by_hand():
    frame = talk("a b war", "war c")
    where = sp.dispersion(frame, "war")
    assert list(where["word_in_turn"]) == [2, 0]
    assert list(where["word_index"]) == [2, 3]
    assert list(where["position"]) == pytest.approx([2 / 5, 3 / 5])
    # DP: hits 1/2 and 1/2 against turn shares 3/5 and 2/5 -> 0.5 * (0.1 + 0.1)
    assert sp.dispersion_dp(sp.per_turn_counts(frame, "war")) == pytest.approx(0.1)
    assert math.isnan(sp.dispersion_dp(sp.per_turn_counts(frame, "peace")))


def test_dispersion_of_a_phrase_points_at_its_first_word():
    where = sp.dispersion(talk("the Soviet Union and us"), "Soviet Union")
    assert list(where["word_in_turn"]) == [1]
    assert list(where["match"]) == ["Soviet Union"]


def test_dispersion_in_the_minutes(turns):
    where = sp.dispersion(turns, "Stalin")
    assert len(where) == 15
    assert where["word_index"].is_monotonic_increasing
    assert list(where["turn"][:3]) == [11, 35, 35]
    counts = sp.per_turn_counts(turns, "Stalin")
    v = counts["hits"] / counts["hits"].sum()
    s = counts["words"] / counts["words"].sum()
    assert sp.dispersion_dp(counts) == pytest.approx(0.5 * float((v - s).abs().sum()))
    assert 0.7 < sp.dispersion_dp(counts) < 0.9  # bunched into turns 35-38


def test_collocates_by_hand():
    frame = talk("alpha beta war gamma delta war epsilon", "omega war")
    one = sp.collocates(frame, "war", window=1, stop_words=()).set_index("word")
    assert set(one.index) == {"beta", "gamma", "delta", "epsilon", "omega"}
    assert one.loc["omega", "left"] == 1
    assert one.loc["omega", "turns"] == (2,)
    two = sp.collocates(frame, "war", window=2, stop_words=()).set_index("word")
    # gamma and delta sit between the two hits: each counts once, not once per hit.
    assert two.loc["gamma", "together"] == 1
    assert two.loc["delta", "together"] == 1
    assert "war" not in two.index
    assert {"alpha", "epsilon"} <= set(two.index)
    assert (two["together"] <= two["total"]).all()


def test_collocates_in_the_minutes(turns):
    near = sp.collocates(turns, "Stalin").set_index("word")
    assert near.loc["article", "turns"] == (11, 35, 37)
    assert (near["together"] <= near["total"]).all()
    assert not set(near.index) & sp.STOP_WORDS


@pytest.mark.parametrize("window", [0, -4, 10**6, "five", None])
def test_collocate_window_is_clamped(window, turns):
    assert not sp.collocates(turns, "Stalin", window=window).empty  # type: ignore[arg-type]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_terms_are_safe_everywhere(value, turns):
    counts = sp.per_turn_counts(turns, value)
    assert (counts["hits"] >= 0).all()
    comparison = sp.rate_comparison(counts, n_resamples=50)
    assert comparison["verdict"].str.len().gt(0).all()
    assert len(sp.dispersion(turns, value)) == counts["hits"].sum()
    sp.collocates(turns, value)
    sp.framing_uptake(turns, value)
    assert np.isfinite(sp.dispersion_dp(counts)) or counts["hits"].sum() == 0


def test_turns_out_of_order_or_incomplete_are_put_in_order():
    frame = pd.DataFrame(
        {
            "turn": [3, 1, None, 2],
            "speaker": ["A", "A", "B", "B"],
            "text": ["war", "war war", "war", None],
        }
    )
    counts = sp.per_turn_counts(frame, "war")
    assert list(counts["turn"]) == [1, 2, 3]  # the row without a turn number is left out
    assert list(counts["hits"]) == [2, 0, 1]
    assert list(counts["words"]) == [2, 0, 1]


def test_framing_uptake_accepts_its_counts_ready_made(turns):
    counts = sp.per_turn_counts(turns, "split", include_insertions=False)
    pd.testing.assert_frame_equal(
        sp.framing_uptake(turns, "split"), sp.framing_uptake(turns, "split", per_turn=counts)
    )
