"""course_lib.speakers and the hand-coded themes: hand-checked values and hostile input."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from course_lib import load_table, load_turns
from course_lib.speakers import (
    conversation_flow,
    distinctive_words,
    log_odds,
    speaker_order,
    speaker_summary,
    term_frequency,
    theme_firsts,
    theme_shares,
    word_counts,
)
from course_lib.text import ALIASES, STOP_WORDS
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


def tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "turn": [1, 2, 3, 4],
            "speaker": ["A", "B", "A", "B"],
            "text": ["Peace [and] bread?", "Bread, bread.", "Why war? Why?", "[Yes] war war war"],
        }
    )


# --- the coded themes (data) ---------------------------------------------------------------------


def test_every_turn_has_a_theme_and_every_theme_is_in_the_codebook(themes, codebook):
    assert set(themes["turn"]) == set(range(1, 55))
    assert set(themes["theme"]) <= set(codebook["theme"])
    assert set(codebook["theme"]) == set(themes["theme"])  # no unused theme
    assert not themes.duplicated(["turn", "theme"]).any()


def test_codebook_rows_are_complete_and_sourced(codebook):
    assert codebook["label"].str.strip().str.len().gt(3).all()
    for col in ("definition", "inclusion_rule", "exclusion_rule", "source_title"):
        assert codebook[col].str.strip().str.len().gt(20).all(), col
    assert codebook["source_url"].str.match(r"^https?://\S+$").all()


def test_quotations_in_justifications_are_verbatim(themes, turns):
    text = dict(zip(turns["turn"], turns["text"], strict=True))
    quoted = 0
    for row in themes.itertuples(index=False):
        for quote in re.findall(r'"([^"]+)"', row.justification):
            quoted += 1
            assert quote in text[row.turn], (row.turn, quote)
    assert quoted > 50  # the check really runs


def test_justifications_are_one_line_and_sourced(themes):
    assert not themes["justification"].str.contains("\n").any()
    assert themes["source_url"].str.match(r"^https?://\S+$").all()


# --- summary -------------------------------------------------------------------------------------


def test_speaker_summary_hand_checked(turns):
    s = speaker_summary(turns)
    assert list(s.index) == ["Liu", "Kim"]
    assert s.loc["Liu", "turns"] == s.loc["Kim", "turns"] == 27
    # Words: see tests/test_text.py for the independent count.
    assert s.loc["Liu", "words"] == 1750
    assert s.loc["Kim", "words"] == 1670
    assert s.loc["Liu", "share_words"] == pytest.approx(1750 / 3420)
    # Longest turns: Kim on the doubting intellectuals (turn 22), Liu on hardship (turn 49).
    assert s.loc["Kim", "longest_turn_no"] == 22
    assert s.loc["Liu", "longest_turn_no"] == 49
    # Question marks, found by reading: Liu in turns 11, 29 and 41 (two); Kim in 10 and 42.
    assert s.loc["Liu", "questions"] == 4
    assert s.loc["Kim", "questions"] == 2
    assert s.loc["Liu", "insertions_per_100_words"] == pytest.approx(
        s.loc["Liu", "insertions"] * 100 / 1750
    )


def test_summary_matches_the_data_package_columns(turns):
    s = speaker_summary(turns)
    by = turns.groupby("speaker")[["words", "words_spoken", "insertions"]].sum()
    for speaker in ("Liu", "Kim"):
        assert s.loc[speaker, "words"] == by.loc[speaker, "words"]
        assert s.loc[speaker, "words_spoken"] == by.loc[speaker, "words_spoken"]
        assert s.loc[speaker, "insertions"] == by.loc[speaker, "insertions"]


def test_summary_without_insertions_uses_spoken_lengths(turns):
    s = speaker_summary(turns, include_insertions=False)
    kim = turns.loc[turns.speaker == "Kim", "words_spoken"]
    assert s.loc["Kim", "median_turn"] == float(kim.median())
    assert s.loc["Kim", "longest_turn"] == int(kim.max())


def test_summary_tiny_table():
    s = speaker_summary(tiny())
    assert s.loc["A", "words"] == 6
    assert s.loc["A", "words_spoken"] == 5
    assert s.loc["A", "questions"] == 3
    assert s.loc["B", "insertions"] == 1
    assert s["share_words"].sum() == pytest.approx(1.0)


def test_summary_of_nothing():
    empty = tiny().iloc[0:0]
    assert speaker_summary(empty).empty


# --- term frequency ------------------------------------------------------------------------------


def test_term_frequency_khrushchev(turns):
    f = term_frequency(turns, "Khrushchev")
    assert f.loc["Liu", "hits"] == 10
    assert f.loc["Kim", "hits"] == 5
    assert f.loc["Liu", "per_1000_words"] == pytest.approx(10 * 1000 / 1750)
    spoken = term_frequency(turns, "Khrushchev", include_insertions=False)
    assert spoken.loc["Liu", "hits"] == 9  # one is inside "[to respond to Khrushchev]"
    assert spoken.loc["Liu", "words"] == 1642


def test_term_frequency_preset_name_and_alias_group_agree(turns):
    by_name = term_frequency(turns, "Soviet party")
    by_group = term_frequency(turns, ALIASES["Soviet party"])
    pd.testing.assert_frame_equal(by_name, by_group)
    assert by_name.loc["Liu", "hits"] == 5
    assert by_name.loc["Kim", "hits"] == 0


def test_term_frequency_pipe_query(turns):
    f = term_frequency(turns, "Stalin | Lenin")
    # Independent count of whole words.
    expected = sum(len(re.findall(r"\b(?:Stalin|Lenin)\b", t)) for t in turns.text)
    assert f["hits"].sum() == expected == 17


@pytest.mark.parametrize("bad", HOSTILE)
def test_term_frequency_hostile(bad, turns):
    f = term_frequency(turns, bad)
    assert list(f.index) == ["Liu", "Kim"]
    assert (f["hits"] >= 0).all()


# --- distinctive vocabulary ----------------------------------------------------------------------


def test_word_counts_leave_out_stop_words_and_insertions():
    counts = word_counts(tiny())
    assert "and" not in counts.index  # a stop word, and only inside an insertion anyway
    assert counts.loc["war", "B"] == 3
    assert "yes" not in counts.index  # only inside an insertion
    with_ins = word_counts(tiny(), include_insertions=True, stop_words=())
    assert with_ins.loc["yes", "B"] == 1
    assert with_ins.loc["and", "A"] == 1


def test_log_odds_against_a_hand_computation():
    counts = pd.DataFrame({"A": [3, 1], "B": [1, 3]}, index=pd.Index(["x", "y"], name="word"))
    out = log_odds(counts, prior_strength=4)
    row = out[(out.word == "x") & (out.speaker == "A")].iloc[0]
    # pooled x = 4 of n = 8, so a_x = 4 * 4 / 8 = 2; n_A = n_B = 4; a0 = 4.
    delta = math.log((3 + 2) / (4 + 4 - 3 - 2)) - math.log((1 + 2) / (4 + 4 - 1 - 2))
    var = 1 / (3 + 2) + 1 / (1 + 2)
    assert row["delta"] == pytest.approx(delta)
    assert row["variance"] == pytest.approx(var)
    assert row["z"] == pytest.approx(delta / math.sqrt(var))
    # Symmetry: B's score for x is A's with the sign flipped.
    other = out[(out.word == "x") & (out.speaker == "B")].iloc[0]
    assert other["z"] == pytest.approx(-row["z"])


@pytest.mark.parametrize("prior", [0, -1, float("nan"), "strong", None])
def test_log_odds_rejects_a_bad_prior(prior):
    counts = pd.DataFrame({"A": [1], "B": [2]}, index=["x"])
    with pytest.raises(ValueError, match="prior_strength"):
        log_odds(counts, prior_strength=prior)  # type: ignore[arg-type]


def test_log_odds_rejects_bad_tables():
    with pytest.raises(ValueError, match="2\\+ speakers"):
        log_odds(pd.DataFrame({"A": [1]}, index=["x"]))
    with pytest.raises(ValueError, match="negative"):
        log_odds(pd.DataFrame({"A": [-1], "B": [2]}, index=["x"]))
    assert log_odds(pd.DataFrame({"A": [0], "B": [0]}, index=["x"])).empty


def test_distinctive_words_for_the_minutes(turns):
    top = distinctive_words(turns, n=10)
    assert set(top["speaker"]) == {"Liu", "Kim"}
    assert top.groupby("speaker").size().max() <= 10
    assert (top["z"] > 0).all()
    assert not set(top["word"]) & STOP_WORDS
    kim = top[top.speaker == "Kim"]
    assert {"together", "war"} <= set(kim["word"])  # Kim's memories of the war (turn 10)
    liu = top[top.speaker == "Liu"]
    assert {"article", "views"} <= set(liu["word"])
    assert list(kim["rank"]) == list(range(1, len(kim) + 1))


def test_distinctive_words_stop_list_can_be_switched_off(turns):
    top = distinctive_words(turns, n=30, stop_words=())
    assert set(top["word"]) & STOP_WORDS


@pytest.mark.parametrize("n", [0, -3, 10**6, "ten", None])
def test_distinctive_words_odd_n(n, turns):
    top = distinctive_words(turns, n=n)  # type: ignore[arg-type]
    assert not top.empty


def test_distinctive_words_one_speaker_only():
    one = tiny()[tiny().speaker == "A"]
    assert distinctive_words(one).empty


# --- themes --------------------------------------------------------------------------------------


def test_theme_shares_hand_checked(turns, themes, codebook):
    s = theme_shares(turns, themes, codebook)
    row = s[(s.theme == "domestic_dissent") & (s.speaker == "Kim")].iloc[0]
    assert row["turns"] == 3  # turns 22, 32, 50
    assert row["share_turns"] == pytest.approx(3 / 27)
    liu = s[(s.theme == "domestic_dissent") & (s.speaker == "Liu")].iloc[0]
    assert liu["turns"] == 0
    assert list(dict.fromkeys(s["theme"])) == list(codebook["theme"])
    assert (s["share_words"] <= 1).all()


def test_theme_firsts_hand_checked(turns, themes, codebook):
    f = theme_firsts(turns, themes, codebook).set_index("theme")
    assert f.loc["protocol_friendship", "first_turn"] == 1
    assert f.loc["protocol_friendship", "raised_by"] == "Liu"
    assert f.loc["war_memory", "raised_by"] == "Kim"  # turn 10
    assert f.loc["stalin", "first_turn"] == 11
    assert f.loc["polemic_cpsu", "raised_by"] == "Liu"  # turn 13
    assert f.loc["debts_aid", "raised_by"] == "Kim"  # turn 24, the "small trade relationship"
    assert f.loc["agenda", "first_turn"] == 39
    assert list(f["first_turn"]) == sorted(f["first_turn"])


def test_theme_functions_reject_a_bad_theme_table(turns):
    with pytest.raises(ValueError, match="turn and theme"):
        theme_shares(turns, pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="turn and theme"):
        theme_firsts(turns, "themes")  # type: ignore[arg-type]


def test_theme_rows_for_unknown_turns_are_ignored(turns):
    odd = pd.DataFrame({"turn": [1, 999, "x"], "theme": ["a", "b", "c"]})
    f = theme_firsts(turns, odd)
    assert list(f["theme"]) == ["a"]


# --- flow ----------------------------------------------------------------------------------------


def test_conversation_flow(turns, themes):
    flow = conversation_flow(turns, themes)
    assert list(flow["turn"]) == list(range(1, 55))
    assert list(flow["speaker"][:2]) == ["Liu", "Kim"]
    assert flow.loc[0, "new_themes"] == ("protocol_friendship",)
    assert flow.loc[1, "new_themes"] == ()
    assert "war_memory" in flow.loc[9, "new_themes"]
    introduced = [t for ts in flow["new_themes"] for t in ts]
    assert sorted(introduced) == sorted(set(themes["theme"]))
    assert flow.loc[0, "cumulative_share"] == 1.0
    assert flow["words"].sum() == 3420
    assert conversation_flow(turns, themes, include_insertions=False)["words"].sum() == 1642 + 1536


def test_conversation_flow_without_themes(turns):
    flow = conversation_flow(turns)
    assert (flow["themes"].map(len) == 0).all()


def test_speaker_order_and_bad_tables():
    assert speaker_order(tiny()) == ["A", "B"]
    for fn in (speaker_summary, conversation_flow, word_counts):
        with pytest.raises(ValueError, match="text"):
            fn(pd.DataFrame({"turn": [1], "speaker": ["A"]}))
        with pytest.raises(ValueError, match="DataFrame"):
            fn(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="text"):
        term_frequency(pd.DataFrame({"turn": [1], "speaker": ["A"]}), "x")


def test_missing_text_counts_as_empty():
    frame = tiny()
    frame.loc[0, "text"] = None
    s = speaker_summary(frame)
    assert s.loc["A", "words"] == 3


# --- lesson 02 -----------------------------------------------------------------------------------


def test_lesson_02_quotations_are_verbatim(root, turns):
    import json

    nb = json.loads((root / "lessons" / "02_who_speaks.ipynb").read_text(encoding="utf-8"))
    body = " ".join(" ".join(t.split()) for t in turns["text"])
    quotes = [
        " ".join(q.split())
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
        for q in re.findall(r"\u201c([^\u201d]+)\u201d", "".join(cell["source"]))
    ]
    assert len(quotes) >= 10
    for quote in quotes:
        assert quote in body, quote
