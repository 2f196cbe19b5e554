"""Who speaks, how much, in what words and about what, and how: pure functions over the turns.

Every function takes DataFrames (as :func:`course_lib.load_turns` and
``course_lib.load_table("themes")`` return them) and returns a new DataFrame (or one number);
nothing here reads files or touches widgets. Speakers are reported in the order they first speak
(Liu, then Kim).

The second half reads the talk as a conversation: intervals from resampling whole turns and a
"no real difference" baseline from random re-assignments of turns to speakers, for word shares
(:func:`word_share_intervals`), term rates (:func:`rate_intervals`) and distinctive words
(:func:`distinctive_uncertainty`), each with a plain verdict and the arithmetic behind it;
initiative (:func:`theme_runs`, :func:`subject_changes`, :func:`question_answers`,
:func:`initiative`); stance markers from the course's lexicon (:func:`stance_rates`); uptake of
the other's words and framings (:func:`uptake`, :func:`framing_summary`); and where a term falls
(:func:`dispersion`, :func:`dispersion_dp`, :func:`collocates`). With about 1,600 words a
speaker, most differences are within what chance gives: the functions say so.

Two switches recur:

``include_insertions``
    True counts the text as published, translators' ``[insertions]`` included; False counts only
    what was said (see :func:`course_lib.text.strip_insertions`).
``stop_words``
    Words left out of vocabulary comparisons (default :data:`course_lib.text.STOP_WORDS`); pass
    an empty set to keep every word.
"""

from __future__ import annotations

import itertools
import math
import re
import warnings
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, SupportsFloat, SupportsIndex, SupportsInt

import numpy as np
import pandas as pd

from course_lib.data import to_records
from course_lib.source import insertion_spans
from course_lib.text import (
    STOP_WORDS,
    WORD_RE,
    _spoken,
    count_words,
    find_term,
    kwic,
    parse_query,
    require_columns,
    strip_insertions,
    tokenize,
)

__all__ = [
    "DEFAULT_CONFIDENCE",
    "DEFAULT_PRIOR_STRENGTH",
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "LOW_HITS",
    "LOW_TURNS",
    "STANCE_CATEGORIES",
    "collocates",
    "conversation_flow",
    "dispersion",
    "dispersion_dp",
    "distinctive_uncertainty",
    "distinctive_words",
    "framing_summary",
    "framing_uptake",
    "frequency_from_hits",
    "initiative",
    "log_odds",
    "low_count_warning",
    "per_turn_counts",
    "plain_verdict",
    "question_answers",
    "rate_arithmetic",
    "rate_comparison",
    "rate_intervals",
    "share_arithmetic",
    "speaker_order",
    "speaker_summary",
    "stance_comparison",
    "stance_hits",
    "stance_per_turn",
    "stance_rates",
    "subject_changes",
    "term_frequency",
    "theme_firsts",
    "theme_runs",
    "theme_shares",
    "uptake",
    "uptake_per_turn",
    "word_counts",
    "word_share_comparison",
    "word_share_intervals",
    "words_per_speaker",
]

#: Total weight (pseudo-words) of the informative Dirichlet prior in :func:`log_odds`.
DEFAULT_PRIOR_STRENGTH = 500.0


def speaker_order(turns: pd.DataFrame) -> list[str]:
    """The speakers in the order they first speak.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn`` and ``speaker``.

    Returns
    -------
    list of str
    """
    require_columns(turns, ("turn", "speaker"))
    ordered = turns.sort_values("turn", kind="stable")["speaker"].dropna().astype(str)
    return list(dict.fromkeys(ordered))


def _texts(turns: pd.DataFrame, include_insertions: bool) -> pd.Series:
    texts = turns["text"].map(lambda t: t if isinstance(t, str) else "")
    if include_insertions:
        return texts
    return texts.map(_spoken)


# Memoised by text (the same 54 turns are counted again on every widget update); pure.
_count = lru_cache(maxsize=2048)(count_words)


@lru_cache(maxsize=1024)
def _word_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """Every word of a text with its character span, lower-cased (memoised; pure)."""
    return tuple((m.start(), m.end(), m.group(0).lower()) for m in WORD_RE.finditer(text))


def speaker_summary(turns: pd.DataFrame, include_insertions: bool = True) -> pd.DataFrame:
    """How much each speaker says.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text`` (verbatim, insertions included).
    include_insertions : bool, default True
        Whether the turn-length statistics (mean, median, longest) and ``share_words`` count the
        translators' insertions.

    Returns
    -------
    DataFrame
        One row per speaker (index ``speaker``) with columns:

        - ``turns`` -- number of turns;
        - ``words`` -- words as published, insertions included;
        - ``words_spoken`` -- words with insertions removed;
        - ``share_words`` -- this speaker's share of all words (0-1), counted as chosen;
        - ``mean_turn``, ``median_turn``, ``longest_turn`` -- turn length in words;
        - ``longest_turn_no`` -- which turn is the longest (the first, if tied);
        - ``questions`` -- question marks in what was said (each usually ends one question;
          rhetorical questions count too);
        - ``insertions`` -- translators' bracketed insertions;
        - ``insertions_per_100_words`` -- insertions per 100 published words.

    Raises
    ------
    ValueError
        If a needed column is missing.
    """
    require_columns(turns, ("turn", "speaker", "text"))
    columns = [
        "turns",
        "words",
        "words_spoken",
        "share_words",
        "mean_turn",
        "median_turn",
        "longest_turn",
        "longest_turn_no",
        "questions",
        "insertions",
        "insertions_per_100_words",
    ]
    if turns.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="speaker"))
    raw = _texts(turns, include_insertions=True)
    spoken = raw.map(strip_insertions)
    frame = pd.DataFrame(
        {
            "turn": turns["turn"].astype("int64").to_numpy(),
            "speaker": turns["speaker"].astype(str).to_numpy(),
            "words": raw.map(count_words).to_numpy(),
            "words_spoken": spoken.map(count_words).to_numpy(),
            "questions": spoken.map(lambda t: t.count("?")).to_numpy(),
            "insertions": raw.map(lambda t: len(insertion_spans(t))).to_numpy(),
        }
    )
    length = "words" if include_insertions else "words_spoken"
    total = frame[length].sum()
    rows = []
    for speaker in speaker_order(turns):
        part = frame[frame["speaker"] == speaker]
        longest = part.iloc[int(part[length].to_numpy().argmax())]  # the first, if tied
        words = int(part["words"].sum())
        rows.append(
            {
                "speaker": speaker,
                "turns": len(part),
                "words": words,
                "words_spoken": int(part["words_spoken"].sum()),
                "share_words": float(part[length].sum() / total) if total else 0.0,
                "mean_turn": float(part[length].mean()),
                "median_turn": float(part[length].median()),
                "longest_turn": int(longest[length]),
                "longest_turn_no": int(longest["turn"]),
                "questions": int(part["questions"].sum()),
                "insertions": int(part["insertions"].sum()),
                "insertions_per_100_words": (
                    float(part["insertions"].sum() * 100 / words) if words else 0.0
                ),
            }
        )
    return pd.DataFrame(rows).set_index("speaker")[columns]


def term_frequency(
    turns: pd.DataFrame, term: str | Iterable[str], include_insertions: bool = True
) -> pd.DataFrame:
    """How often each speaker uses a word, a phrase or an alias group.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    term : str or iterable of str
        A string is read with :func:`course_lib.text.parse_query` (a preset name such as
        ``"Soviet party"``, or terms separated by ``|``); an iterable is an alias group as is.
    include_insertions : bool, default True
        Count hits and words in the published text (True) or only in what was said (False).

    Returns
    -------
    DataFrame
        One row per speaker (index ``speaker``): ``hits``, ``words`` (the denominator, counted
        the same way), ``per_1000_words``, and ``turns_with_hits``.
    """
    require_columns(turns, ("turn", "speaker", "text"))
    terms = parse_query(term) if isinstance(term, str) else term
    hits = kwic(turns, terms, width=0, include_insertions=include_insertions)
    return frequency_from_hits(hits, words_per_speaker(turns, include_insertions))


def words_per_speaker(turns: pd.DataFrame, include_insertions: bool = True) -> dict[str, int]:
    """Total words per speaker, in speaking order.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    include_insertions : bool, default True

    Returns
    -------
    dict
        Speaker to word count.
    """
    require_columns(turns, ("turn", "speaker", "text"))
    totals: dict[str, int] = dict.fromkeys(speaker_order(turns) if not turns.empty else [], 0)
    texts = _texts(turns, include_insertions)
    for speaker, text in zip(turns["speaker"].astype(str), texts, strict=True):
        if speaker in totals:
            totals[speaker] += _count(text)
    return totals


def frequency_from_hits(hits: pd.DataFrame, words: Mapping[str, int]) -> pd.DataFrame:
    """Per-speaker counts and rates from keyword-in-context hits.

    Parameters
    ----------
    hits : DataFrame
        From :func:`course_lib.text.kwic` (columns ``speaker`` and ``turn`` at least).
    words : mapping
        Speaker to the number of words searched (the denominator), in display order.

    Returns
    -------
    DataFrame
        One row per speaker in ``words`` (index ``speaker``): ``hits``, ``words``,
        ``per_1000_words``, ``turns_with_hits``.
    """
    columns = ["hits", "words", "per_1000_words", "turns_with_hits"]
    n_hits: Counter[str] = Counter()
    turns_hit: dict[str, set[int]] = {}
    for speaker, turn in zip(hits["speaker"], hits["turn"], strict=True):
        n_hits[str(speaker)] += 1
        turns_hit.setdefault(str(speaker), set()).add(int(turn))
    rows = [
        {
            "speaker": speaker,
            "hits": n_hits[speaker],
            "words": int(n),
            "per_1000_words": n_hits[speaker] * 1000 / n if n else 0.0,
            "turns_with_hits": len(turns_hit.get(speaker, ())),
        }
        for speaker, n in words.items()
    ]
    if not rows:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="speaker"))
    return pd.DataFrame(rows).set_index("speaker")[columns]


def word_counts(
    turns: pd.DataFrame,
    include_insertions: bool = False,
    stop_words: Iterable[str] = STOP_WORDS,
) -> pd.DataFrame:
    """Count every word for every speaker.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    include_insertions : bool, default False
        Vocabulary comparisons default to what was said, not what the translators added.
    stop_words : iterable of str
        Lower-case words to leave out.

    Returns
    -------
    DataFrame
        Index ``word`` (sorted), one integer column per speaker (first speaker first).
    """
    require_columns(turns, ("turn", "speaker", "text"))
    stops = frozenset(stop_words)
    texts = _texts(turns, include_insertions)
    counts: dict[str, Counter[str]] = {s: Counter() for s in speaker_order(turns)}
    for speaker, text in zip(turns["speaker"].astype(str), texts, strict=True):
        if speaker in counts:
            counts[speaker].update(w for w in tokenize(text) if w not in stops)
    frame = pd.DataFrame(counts).fillna(0).astype("int64")
    frame.index.name = "word"
    return frame.sort_index()


def log_odds(counts: pd.DataFrame, prior_strength: float = DEFAULT_PRIOR_STRENGTH) -> pd.DataFrame:
    """Weighted log-odds ratios with an informative Dirichlet prior ("Fightin' Words").

    For each word *w* and each speaker *i* against everyone else *j* (Monroe, Colaresi & Quinn
    2008, eq. 16-22)::

        delta_w = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w))
                - log((y_jw + a_w) / (n_j + a0 - y_jw - a_w))
        var_w   = 1 / (y_iw + a_w) + 1 / (y_jw + a_w)
        z_w     = delta_w / sqrt(var_w)

    where the prior ``a_w = a0 * (y_w / n)`` spreads ``a0 = prior_strength`` pseudo-words over
    the vocabulary in proportion to how often each word occurs in the whole conversation (the
    pooled counts are the background corpus, because we have no larger one). A z-score beyond
    about 1.96 marks a word that one speaker uses noticeably more than the other, *given how
    little text there is*; it is a pointer for reading, not proof.

    Parameters
    ----------
    counts : DataFrame
        As from :func:`word_counts`: index ``word``, one non-negative integer column per
        speaker (at least two).
    prior_strength : float, default :data:`DEFAULT_PRIOR_STRENGTH`
        ``a0``; must be positive. Larger values shrink rare words' scores more.

    Returns
    -------
    DataFrame
        Columns ``word``, ``speaker``, ``count`` (this speaker), ``count_other``, ``delta``,
        ``variance``, ``z``; one row per word and speaker, sorted by speaker (first speaker
        first) then ``z`` descending then word.

    Raises
    ------
    ValueError
        Fewer than two speakers, negative counts, or a non-positive prior strength.

    References
    ----------
    Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). Fightin' Words: Lexical Feature
    Selection and Evaluation for Identifying the Content of Political Conflict. *Political
    Analysis* 16(4), 372-403. https://doi.org/10.1093/pan/mpn018
    """
    columns = ["word", "speaker", "count", "count_other", "delta", "variance", "z"]
    wrong = "log_odds needs a word-count table with a column for each of 2+ speakers"
    if not isinstance(counts, pd.DataFrame):  # a notebook may pass anything
        raise ValueError(wrong)
    if counts.shape[1] < 2:
        raise ValueError(wrong)
    try:
        a0 = float(prior_strength)
    except (TypeError, ValueError):
        raise ValueError("prior_strength must be a positive number") from None
    if not math.isfinite(a0) or a0 <= 0:
        raise ValueError("prior_strength must be a positive number")
    numeric = counts.apply(pd.to_numeric, errors="coerce").fillna(0)
    if (numeric < 0).to_numpy().any():
        raise ValueError("word counts cannot be negative")
    numeric = numeric[numeric.sum(axis=1) > 0]
    if numeric.empty:
        return pd.DataFrame(columns=columns)
    pooled = numeric.sum(axis=1)
    n = float(pooled.sum())
    alpha = a0 * pooled / n
    frames = []
    for speaker in numeric.columns:
        y_i = numeric[speaker]
        y_j = pooled - y_i
        n_i = float(y_i.sum())
        n_j = n - n_i
        delta = (((y_i + alpha) / (n_i + a0 - y_i - alpha)).map(math.log)) - (
            ((y_j + alpha) / (n_j + a0 - y_j - alpha)).map(math.log)
        )
        variance = 1 / (y_i + alpha) + 1 / (y_j + alpha)
        frames.append(
            pd.DataFrame(
                {
                    "word": numeric.index.astype(str),
                    "speaker": str(speaker),
                    "count": y_i.astype("int64").to_numpy(),
                    "count_other": y_j.astype("int64").to_numpy(),
                    "delta": delta.to_numpy(),
                    "variance": variance.to_numpy(),
                    "z": (delta / variance.map(math.sqrt)).to_numpy(),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    order = {s: k for k, s in enumerate(map(str, numeric.columns))}
    out["_order"] = out["speaker"].map(order)
    out = out.sort_values(["_order", "z", "word"], ascending=[True, False, True], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)[columns]


def distinctive_words(
    turns: pd.DataFrame,
    n: int = 10,
    include_insertions: bool = False,
    stop_words: Iterable[str] = STOP_WORDS,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
) -> pd.DataFrame:
    """Each speaker's most distinctive words: the top ``n`` by log-odds z-score.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    n : int, default 10
        Words per speaker (clipped to 1..200).
    include_insertions : bool, default False
    stop_words : iterable of str, default :data:`course_lib.text.STOP_WORDS`
    prior_strength : float, default :data:`DEFAULT_PRIOR_STRENGTH`

    Returns
    -------
    DataFrame
        Columns ``speaker``, ``rank`` (1 = most distinctive), ``word``, ``count``,
        ``count_other``, ``z``. Only words with a positive z for that speaker are listed, so a
        speaker may get fewer than ``n``. Empty when there are fewer than two speakers.
    """
    columns = ["speaker", "rank", "word", "count", "count_other", "z"]
    counts = word_counts(turns, include_insertions=include_insertions, stop_words=stop_words)
    if counts.shape[1] < 2:
        return pd.DataFrame(columns=columns)
    try:
        n = max(1, min(200, int(n)))
    except (TypeError, ValueError):
        n = 10
    scores = log_odds(counts, prior_strength=prior_strength)
    scores = scores[scores["z"] > 0]
    top = scores.groupby("speaker", sort=False).head(n).copy()
    top["rank"] = top.groupby("speaker", sort=False).cumcount() + 1
    return top[columns].reset_index(drop=True)


def _theme_table(turns: pd.DataFrame, themes: pd.DataFrame) -> pd.DataFrame:
    require_columns(turns, ("turn", "speaker", "text"))
    wrong = "the themes table needs the columns turn and theme"
    if not isinstance(themes, pd.DataFrame):  # a notebook may pass anything
        raise ValueError(wrong)
    if not {"turn", "theme"} <= set(themes.columns):
        raise ValueError(wrong)
    lengths = pd.DataFrame(
        {
            "turn": turns["turn"].astype("int64").to_numpy(),
            "speaker": turns["speaker"].astype(str).to_numpy(),
            "words": _texts(turns, True).map(count_words).to_numpy(),
        }
    )
    coded = pd.DataFrame(
        {
            "turn": pd.to_numeric(themes["turn"], errors="coerce"),
            "theme": themes["theme"].astype("string"),
        }
    ).dropna()
    coded["turn"] = coded["turn"].astype("int64")
    return coded.merge(lengths, on="turn", how="inner").drop_duplicates(["turn", "theme"])


def _labels(codebook: pd.DataFrame | None) -> dict[str, str]:
    if isinstance(codebook, pd.DataFrame) and {"theme", "label"} <= set(codebook.columns):
        return dict(zip(codebook["theme"].astype(str), codebook["label"].astype(str), strict=True))
    return {}


def theme_shares(
    turns: pd.DataFrame, themes: pd.DataFrame, codebook: pd.DataFrame | None = None
) -> pd.DataFrame:
    """How much of each speaker's talk goes to each theme.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    themes : DataFrame
        The hand coding: columns ``turn`` and ``theme`` (one row per turn and theme).
    codebook : DataFrame, optional
        With columns ``theme`` and ``label``; adds labels and fixes the theme order (codebook
        order). Without it, themes are ordered by first appearance.

    Returns
    -------
    DataFrame
        One row per theme and speaker: ``theme``, ``label``, ``speaker``, ``turns`` (turns coded
        with the theme), ``share_turns`` (of the speaker's turns), ``words`` (published words in
        those turns), ``share_words`` (of the speaker's words). A turn with several themes counts
        in full for each, so shares across themes add up to more than 1.

    Raises
    ------
    ValueError
        If a needed column is missing.
    """
    data = _theme_table(turns, themes)
    speakers = speaker_order(turns) if not turns.empty else []
    labels = _labels(codebook)
    order = list(labels) or list(dict.fromkeys(data.sort_values("turn")["theme"]))
    order += [t for t in dict.fromkeys(data["theme"]) if t not in order]
    totals_turns = turns["speaker"].astype(str).value_counts()
    words_all = _texts(turns, True).map(count_words)
    totals_words = words_all.groupby(turns["speaker"].astype(str).to_numpy()).sum()
    rows = []
    for theme in order:
        for speaker in speakers:
            part = data[(data["theme"] == theme) & (data["speaker"] == speaker)]
            n_turns = int(totals_turns.get(speaker, 0))
            n_words = int(totals_words.get(speaker, 0))
            rows.append(
                {
                    "theme": theme,
                    "label": labels.get(theme, theme),
                    "speaker": speaker,
                    "turns": len(part),
                    "share_turns": len(part) / n_turns if n_turns else 0.0,
                    "words": int(part["words"].sum()),
                    "share_words": int(part["words"].sum()) / n_words if n_words else 0.0,
                }
            )
    columns = ["theme", "label", "speaker", "turns", "share_turns", "words", "share_words"]
    return pd.DataFrame(rows, columns=columns)


def theme_firsts(
    turns: pd.DataFrame, themes: pd.DataFrame, codebook: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Who raises each theme first, and how often each side comes back to it.

    Parameters
    ----------
    turns, themes, codebook : DataFrame
        As for :func:`theme_shares`.

    Returns
    -------
    DataFrame
        One row per theme that occurs, in order of first appearance: ``theme``, ``label``,
        ``first_turn``, ``raised_by``, then one ``turns_<speaker>`` column per speaker.
    """
    data = _theme_table(turns, themes).sort_values(["turn", "theme"])
    speakers = speaker_order(turns) if not turns.empty else []
    labels = _labels(codebook)
    rows = []
    for theme, part in data.groupby("theme", sort=False):
        first = part.iloc[0]
        row = {
            "theme": str(theme),
            "label": labels.get(str(theme), str(theme)),
            "first_turn": int(first["turn"]),
            "raised_by": str(first["speaker"]),
        }
        for speaker in speakers:
            row[f"turns_{speaker}"] = int((part["speaker"] == speaker).sum())
        rows.append(row)
    columns = ["theme", "label", "first_turn", "raised_by"] + [f"turns_{s}" for s in speakers]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["first_turn", "theme"], kind="stable").reset_index(drop=True)


def conversation_flow(
    turns: pd.DataFrame,
    themes: pd.DataFrame | None = None,
    include_insertions: bool = True,
) -> pd.DataFrame:
    """The talk in sequence: each turn's length and themes, and which themes it introduces.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    themes : DataFrame, optional
        The hand coding (columns ``turn`` and ``theme``); without it the theme columns are empty.
    include_insertions : bool, default True
        Whether ``words`` counts the translators' insertions.

    Returns
    -------
    DataFrame
        One row per turn in order: ``turn``, ``speaker``, ``words``, ``themes`` (a tuple, in the
        coding's order), ``new_themes`` (themes no earlier turn had), ``cumulative_share``
        (this speaker's share of all words so far, 0-1).
    """
    require_columns(turns, ("turn", "speaker", "text"))
    ordered = turns.sort_values("turn", kind="stable")
    words = _texts(ordered, include_insertions).map(count_words)
    coded: dict[int, tuple[str, ...]] = {}
    if themes is not None:
        data = _theme_table(turns, themes)
        for row in to_records(data.sort_values("turn", kind="stable")):
            number = int(row["turn"])
            coded[number] = (*coded.get(number, ()), str(row["theme"]))
    seen: set[str] = set()
    said: Counter[str] = Counter()
    total = 0
    rows = []
    for turn, speaker, n in zip(
        ordered["turn"].astype("int64"), ordered["speaker"].astype(str), words, strict=True
    ):
        mine = coded.get(int(turn), ())
        new = tuple(t for t in mine if t not in seen)
        seen.update(mine)
        said[speaker] += int(n)
        total += int(n)
        rows.append(
            {
                "turn": int(turn),
                "speaker": speaker,
                "words": int(n),
                "themes": mine,
                "new_themes": new,
                "cumulative_share": said[speaker] / total if total else 0.0,
            }
        )
    columns = ["turn", "speaker", "words", "themes", "new_themes", "cumulative_share"]
    return pd.DataFrame(rows, columns=columns)


# =================================================================================================
# The talk as a conversation: uncertainty, initiative, stance, uptake, where a term falls.
#
# Everything below works from a *per-turn* table (one row per turn, in turn order) so that the
# unit of resampling is the turn: a turn is what a speaker says in one go, and words within a turn
# are not independent of each other. Two resampling schemes recur:
#
# - bootstrap intervals: draw each speaker's own turns again, with replacement, as many as he
#   has (27 for each man in the minutes), recompute the number, and repeat DEFAULT_RESAMPLES
#   times; the middle 95% of the results is the interval (percentile bootstrap; Efron &
#   Tibshirani, *An Introduction to the Bootstrap*, 1993, ch. 13);
# - a "no real difference" baseline: hand the same turns out to the speakers again at random
#   (each keeps his number of turns), recompute the gap between them, and count how often a
#   random re-assignment gives a gap at least as large as the real one (a permutation test;
#   the p-value is (k + 1) / (n + 1), Phipson & Smyth 2010, so it is never exactly 0).
#
# Both use numpy's default Generator seeded with DEFAULT_SEED, so the same call gives the same
# numbers every time; a different seed moves them a little, which is the honest size of the
# resampling noise.
# =================================================================================================


#: Seed of every resampling here (numpy's ``default_rng``): same seed, same intervals.
DEFAULT_SEED = 1963
#: Bootstrap resamples and random re-assignments per result.
DEFAULT_RESAMPLES = 1000
#: Coverage of the bootstrap intervals (the middle 95% of the resampled values).
DEFAULT_CONFIDENCE = 0.95
#: A rate rests on too little when there are fewer hits than this in all ...
LOW_HITS = 10
#: ... or when the hits come from fewer turns than this (one long turn can make a "difference").
LOW_TURNS = 5

#: The stance categories of ``data/stance_lexicon.csv``: id -> label, in display order.
#: Left out of the lexicon on purpose: "Right" (its one occurrence, "Right now" in turn 20, is
#: not agreement) and bare "agree" (in turns 15 and 24 it reports what third parties agree with).
STANCE_CATEGORIES: dict[str, str] = {
    "hedge": "Hedges (softening a claim)",
    "booster": "Boosters (hardening a claim)",
    "agreement": "Deference and agreement",
    "honorific": "Titles for the other speaker",
    "gratitude": "Thanks",
    "we": "We / our (party)",
    "you": "You / your",
    "i": "I / me / my",
}


# --- per-turn counts -----------------------------------------------------------------------------


def _ordered(turns: pd.DataFrame) -> pd.DataFrame:
    """The turns in order, with clean types: an int ``turn``, str ``speaker`` and ``text``."""
    require_columns(turns, ("turn", "speaker", "text"))
    numbers = pd.to_numeric(turns["turn"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    keep = np.flatnonzero(~np.isnan(numbers))
    order = keep[np.argsort(numbers[keep], kind="stable")]
    speakers = turns["speaker"].to_numpy(dtype=object)
    texts = turns["text"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "turn": numbers[order].astype(np.int64),
            "speaker": [str(speakers[k]) for k in order],
            "text": [texts[k] if isinstance(texts[k], str) else "" for k in order],
        }
    )


def per_turn_counts(
    turns: pd.DataFrame, term: str | Iterable[str] | None = None, include_insertions: bool = True
) -> pd.DataFrame:
    """One row per turn: who speaks, how many words, and (optionally) how often a term occurs.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    term : str or iterable of str, optional
        Read as in :func:`term_frequency`; ``None`` leaves out the ``hits`` column.
    include_insertions : bool, default True
        Count words and hits in the published text (True) or only in what was said (False).

    Returns
    -------
    DataFrame
        Columns ``turn``, ``speaker``, ``words`` and, with a term, ``hits``; in turn order.
    """
    frame = _ordered(turns)
    texts = _texts(frame, include_insertions)
    out = pd.DataFrame(
        {
            "turn": frame["turn"].to_numpy(),
            "speaker": frame["speaker"].to_numpy(),
            "words": texts.map(_count).astype("int64").to_numpy(),
        }
    )
    if term is not None:
        terms = parse_query(term) if isinstance(term, str) else tuple(term)
        hits = kwic(frame, terms, width=0, include_insertions=include_insertions)
        per = hits["turn"].value_counts()
        out["hits"] = out["turn"].map(per).fillna(0).astype("int64")
    return out


# --- the resampling engine -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """Pre-drawn resamples for one sequence of speakers (turn order), seed and size."""

    speakers: tuple[str, ...]
    codes: np.ndarray  # (T,) speaker index of each turn
    boot: np.ndarray  # (S, n, T): how often bootstrap sample k draws turn t for speaker s
    perm: np.ndarray  # (S, n, T): 1 where random re-assignment k gives turn t to speaker s


#: What int() and float() take (anything else makes them raise TypeError).
_WHOLE = (str, bytes, bytearray, SupportsInt, SupportsIndex)
_REAL = (str, bytes, bytearray, SupportsFloat, SupportsIndex)


def _check_resampling(
    n_resamples: object, seed: object, confidence: object
) -> tuple[int, int, float]:
    try:
        if not isinstance(n_resamples, _WHOLE) or not isinstance(seed, _WHOLE):
            raise TypeError  # what int() would raise
        if not isinstance(confidence, _REAL):
            raise TypeError  # what float() would raise
        n = int(n_resamples)
        s = int(seed)
        c = float(confidence)
    except (TypeError, ValueError):
        raise ValueError(
            "n_resamples and seed must be whole numbers, confidence a number"
        ) from None
    if not 10 <= n <= 100_000:
        raise ValueError("n_resamples must be between 10 and 100,000")
    if s < 0:
        raise ValueError("seed must be zero or positive")
    if not 0.5 <= c < 1:
        raise ValueError("confidence must be at least 0.5 and below 1 (for example 0.95)")
    return n, s, c


@lru_cache(maxsize=32)
def _plan(labels: tuple[str, ...], n: int, seed: int) -> _Plan:
    speakers = tuple(dict.fromkeys(labels))
    codes = np.array([speakers.index(s) for s in labels], dtype=np.int64)
    n_turns = len(labels)
    rng = np.random.default_rng(seed)
    boot = np.zeros((len(speakers), n, n_turns))
    for k in range(len(speakers)):
        cols = np.flatnonzero(codes == k)
        m = len(cols)
        draws = rng.integers(0, m, size=(n, m))
        flat = (draws + np.arange(n)[:, None] * m).ravel()
        boot[k][:, cols] = np.bincount(flat, minlength=n * m).reshape(n, m)
    shuffled = rng.permuted(np.tile(codes, (n, 1)), axis=1)
    perm = np.stack([(shuffled == k) for k in range(len(speakers))]).astype(float)
    return _Plan(speakers, codes, boot, perm)


def _quantiles(draws: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval per column, ignoring NaN draws; NaN where a column has no values."""
    tail = (1 - confidence) / 2
    lo = np.full(draws.shape[1:], np.nan)
    hi = np.full(draws.shape[1:], np.nan)
    missing = np.isnan(draws)
    if not missing.any():  # the usual case, and much faster than nanquantile
        q = np.quantile(draws, [tail, 1 - tail], axis=0)
        return q[0], q[1]
    ok = ~missing.all(axis=0)
    if ok.any():
        q = np.nanquantile(draws[:, ok], [tail, 1 - tail], axis=0)
        lo[ok], hi[ok] = q[0], q[1]
    return lo, hi


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)


def _as_large(null: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """How many null draws give a gap at least as large (two-sided) as the observed one."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        counts: np.ndarray = (np.abs(null) >= np.abs(observed) - 1e-12).sum(axis=0)
        return counts


def _columns(per_turn: pd.DataFrame, counts: str | Sequence[str], base: str) -> list[str]:
    names = [counts] if isinstance(counts, str) else list(counts)
    if not isinstance(per_turn, pd.DataFrame):
        raise ValueError(f"expected a per-turn DataFrame, got {type(per_turn).__name__}")
    missing = [c for c in ("turn", "speaker", base, *names) if c not in per_turn.columns]
    if missing:
        raise ValueError(f"the per-turn table lacks the column(s) {', '.join(missing)}")
    return names


def _rate_core(
    per_turn: pd.DataFrame,
    counts: str | Sequence[str],
    base: str,
    per: float,
    n_resamples: int,
    seed: int,
    confidence: float,
) -> dict[str, Any]:
    names = _columns(per_turn, counts, base)
    n, seed, confidence = _check_resampling(n_resamples, seed, confidence)
    frame = per_turn.sort_values("turn", kind="stable")
    labels = tuple(frame["speaker"].astype(str))
    num = frame[names].apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy(dtype=float)
    den = pd.to_numeric(frame[base], errors="coerce").fillna(0).to_numpy(dtype=float)
    if (num < 0).any() or (den < 0).any():
        raise ValueError("counts and word totals cannot be negative")
    # Keyed by content, so rate_intervals and rate_comparison of one table resample only once.
    key = (labels, num.shape, num.tobytes(), den.tobytes(), float(per), n, seed, confidence)
    return {"names": names, **_rate_arrays(*key)}


@lru_cache(maxsize=64)
def _rate_arrays(
    labels: tuple[str, ...],
    shape: tuple[int, ...],
    num_bytes: bytes,
    den_bytes: bytes,
    per: float,
    n: int,
    seed: int,
    confidence: float,
) -> dict[str, Any]:
    num = np.frombuffer(num_bytes, dtype=float).reshape(shape)
    den = np.frombuffer(den_bytes, dtype=float)
    core: dict[str, Any] = {"labels": labels, "num": num, "den": den, "n": n}
    if not labels:
        core["speakers"] = ()
        return core
    plan = _plan(labels, n, seed)
    s_count = len(plan.speakers)
    observed = (
        np.stack(
            [
                _ratio(num[plan.codes == k].sum(0), np.array(den[plan.codes == k].sum()))
                for k in range(s_count)
            ]
        )
        * per
    )  # (S, K)
    boot = (
        np.stack(
            [_ratio(plan.boot[k] @ num, (plan.boot[k] @ den)[:, None]) for k in range(s_count)]
        )
        * per
    )
    low, high = zip(*(_quantiles(boot[k], confidence) for k in range(s_count)), strict=True)
    core.update(
        speakers=plan.speakers, plan=plan, observed=observed, low=np.stack(low), high=np.stack(high)
    )
    if s_count >= 2:
        diff_boot = boot[0] - boot[1]
        d_low, d_high = _quantiles(diff_boot, confidence)
        null = (
            np.stack([_ratio(plan.perm[k] @ num, (plan.perm[k] @ den)[:, None]) for k in range(2)])
            * per
        )
        diff = observed[0] - observed[1]
        core.update(
            diff=diff, d_low=d_low, d_high=d_high, as_large=_as_large(null[0] - null[1], diff)
        )
    return core


def low_count_warning(hits: int, turns_with_hits: int, what: str = "hits") -> str:
    """A plain warning when a comparison rests on very few occurrences, else ``""``.

    Parameters
    ----------
    hits : int
        Occurrences in all (both speakers).
    turns_with_hits : int
        How many turns they come from.
    what : str
        What is counted, for the message ("hits", "markers").

    Returns
    -------
    str

    Examples
    --------
    >>> low_count_warning(3, 2)
    'Only 3 hits, from 2 turns: too few to compare the speakers. Read the passages instead.'
    >>> low_count_warning(40, 12)
    ''
    """
    hits, turns_with_hits = int(hits), int(turns_with_hits)
    if hits >= LOW_HITS and turns_with_hits >= LOW_TURNS:
        return ""
    if hits == 0:
        return f"No {what} at all: there is nothing to compare."
    noun = what if hits != 1 else what.rstrip("s")
    turns_word = "turn" if turns_with_hits == 1 else "turns"
    return (
        f"Only {hits} {noun}, from {turns_with_hits} {turns_word}: too few to compare the "
        "speakers. Read the passages instead."
    )


def plain_verdict(as_large: int, resamples: int, warning: str = "") -> str:
    """Say in plain words what a random re-assignment baseline means for one difference.

    Parameters
    ----------
    as_large : int
        How many of the random re-assignments of turns to speakers gave a gap at least as large
        as the real one.
    resamples : int
        How many re-assignments were made.
    warning : str
        A low-count warning (see :func:`low_count_warning`); when given, the verdict says so first.

    Returns
    -------
    str
        One sentence; the thresholds are p < 0.01, p < 0.05 and p < 0.2, with
        ``p = (as_large + 1) / (resamples + 1)``.

    Examples
    --------
    >>> plain_verdict(412, 1000)[:45]
    'Could easily be chance in a text this short: '
    """
    k, n = int(as_large), int(resamples)
    p = (k + 1) / (n + 1)
    share = f"{k:,} of {n:,} random re-assignments of the turns to the speakers give a gap at least this large"
    if warning:
        return f"Too few to tell. {share}."
    if p < 0.01:
        return f"Very unlikely to be chance alone: {share}."
    if p < 0.05:
        return f"Unlikely to be chance alone: {share}."
    if p < 0.2:
        return f"A weak hint, no more: {share}."
    return f"Could easily be chance in a text this short: {share}."


_INTERVAL_COLUMNS = [
    "measure",
    "speaker",
    "turns",
    "turns_with",
    "count",
    "base",
    "value",
    "low",
    "high",
]
_COMPARISON_COLUMNS = [
    "measure",
    "first",
    "second",
    "value_first",
    "value_second",
    "difference",
    "low",
    "high",
    "as_large",
    "resamples",
    "p_value",
    "seed",
    "warning",
    "verdict",
]


def rate_intervals(
    per_turn: pd.DataFrame,
    counts: str | Sequence[str] = "hits",
    base: str = "words",
    per: float = 1000.0,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Each speaker's rate (count per ``per`` words) with a bootstrap interval over whole turns.

    The rate is the speaker's total count divided by his total words, times ``per``. The
    interval comes from drawing each speaker's turns again with replacement (as many as he has),
    ``n_resamples`` times with ``seed``; it is the middle ``confidence`` of the resampled rates.

    Parameters
    ----------
    per_turn : DataFrame
        One row per turn with ``turn``, ``speaker``, ``base`` and the count column(s), as from
        :func:`per_turn_counts`.
    counts : str or sequence of str, default "hits"
        The column(s) to count; several give one row per column and speaker.
    base : str, default "words"
        The denominator column.
    per : float, default 1000
        Rate per this many words (100 for "per 100 words").
    n_resamples : int, default :data:`DEFAULT_RESAMPLES`
    seed : int, default :data:`DEFAULT_SEED`
    confidence : float, default :data:`DEFAULT_CONFIDENCE`

    Returns
    -------
    DataFrame
        Columns ``measure`` (the count column), ``speaker``, ``turns``, ``turns_with`` (turns with
        a count above 0), ``count``, ``base``, ``value`` (the rate), ``low``, ``high``. Speakers in
        speaking order.

    Raises
    ------
    ValueError
        Missing columns, negative counts, or resampling settings out of range.
    """
    core = _rate_core(per_turn, counts, base, per, n_resamples, seed, confidence)
    rows = []
    codes = core["plan"].codes if core["speakers"] else np.array([], dtype=np.int64)
    for j, name in enumerate(core["names"]):
        for k, speaker in enumerate(core["speakers"]):
            mine = codes == k
            rows.append(
                {
                    "measure": name,
                    "speaker": speaker,
                    "turns": int(mine.sum()),
                    "turns_with": int((core["num"][mine, j] > 0).sum()),
                    "count": float(core["num"][mine, j].sum()),
                    "base": float(core["den"][mine].sum()),
                    "value": float(core["observed"][k, j]),
                    "low": float(core["low"][k, j]),
                    "high": float(core["high"][k, j]),
                }
            )
    out = pd.DataFrame(rows, columns=_INTERVAL_COLUMNS)
    for col in ("count", "base"):
        if not out.empty and (out[col] == out[col].round()).all():
            out[col] = out[col].astype("int64")
    return out


def rate_comparison(
    per_turn: pd.DataFrame,
    counts: str | Sequence[str] = "hits",
    base: str = "words",
    per: float = 1000.0,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
    what: str = "hits",
) -> pd.DataFrame:
    """The gap between the first two speakers' rates, its interval, and the chance baseline.

    Parameters
    ----------
    per_turn, counts, base, per, n_resamples, seed, confidence
        As for :func:`rate_intervals`.
    what : str, default "hits"
        The thing counted, for the low-count warning.

    Returns
    -------
    DataFrame
        One row per count column: ``measure``, ``first``, ``second`` (speakers), ``value_first``,
        ``value_second``, ``difference`` (first minus second), ``low``, ``high`` (bootstrap
        interval of the difference), ``as_large`` (random re-assignments of turns with a gap at
        least as large), ``resamples``, ``p_value`` (``(as_large + 1) / (resamples + 1)``),
        ``seed``, ``warning`` (see :func:`low_count_warning`; empty if none) and ``verdict``
        (see :func:`plain_verdict`). Empty with fewer than two speakers.
    """
    core = _rate_core(per_turn, counts, base, per, n_resamples, seed, confidence)
    if len(core["speakers"]) < 2:
        return pd.DataFrame(columns=_COMPARISON_COLUMNS)
    first, second = core["speakers"][:2]
    rows = []
    n = core["n"]
    for j, name in enumerate(core["names"]):
        column = core["num"][:, j]
        warning = low_count_warning(round(float(column.sum())), int((column > 0).sum()), what)
        k = int(core["as_large"][j])
        rows.append(
            {
                "measure": name,
                "first": first,
                "second": second,
                "value_first": float(core["observed"][0, j]),
                "value_second": float(core["observed"][1, j]),
                "difference": float(core["diff"][j]),
                "low": float(core["d_low"][j]),
                "high": float(core["d_high"][j]),
                "as_large": k,
                "resamples": n,
                "p_value": (k + 1) / (n + 1),
                "seed": int(seed),
                "warning": warning,
                "verdict": plain_verdict(k, n, warning),
            }
        )
    return pd.DataFrame(rows, columns=_COMPARISON_COLUMNS)


def _share_core(
    per_turn: pd.DataFrame, base: str, n_resamples: int, seed: int, confidence: float
) -> dict[str, Any]:
    _columns(per_turn, (), base)
    n, seed, confidence = _check_resampling(n_resamples, seed, confidence)
    frame = per_turn.sort_values("turn", kind="stable")
    labels = tuple(frame["speaker"].astype(str))
    words = pd.to_numeric(frame[base], errors="coerce").fillna(0).to_numpy(dtype=float)
    if (words < 0).any():
        raise ValueError("word totals cannot be negative")
    core: dict[str, Any] = {"labels": labels, "words": words, "n": n, "seed": seed}
    if not labels:
        core["speakers"] = ()
        return core
    plan = _plan(labels, n, seed)
    s_count = len(plan.speakers)
    totals = np.array([words[plan.codes == k].sum() for k in range(s_count)])
    observed = _ratio(totals, np.array(totals.sum()))
    drawn = np.stack([plan.boot[k] @ words for k in range(s_count)], axis=1)  # (n, S)
    boot = _ratio(drawn, drawn.sum(axis=1, keepdims=True))
    low, high = _quantiles(boot, confidence)
    core.update(
        speakers=plan.speakers, plan=plan, totals=totals, observed=observed, low=low, high=high
    )
    if s_count >= 2:
        null_words = np.stack([plan.perm[k] @ words for k in range(s_count)], axis=1)
        null = _ratio(null_words, null_words.sum(axis=1, keepdims=True))
        diff = observed[0] - observed[1]
        d_low, d_high = _quantiles((boot[:, 0] - boot[:, 1])[:, None], confidence)
        core.update(
            diff=diff,
            d_low=float(d_low[0]),
            d_high=float(d_high[0]),
            as_large=int(_as_large((null[:, 0] - null[:, 1])[:, None], np.array([diff]))[0]),
        )
    return core


def word_share_intervals(
    per_turn: pd.DataFrame,
    base: str = "words",
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Each speaker's share of all words, with a bootstrap interval over whole turns.

    Parameters
    ----------
    per_turn : DataFrame
        From :func:`per_turn_counts` (``turn``, ``speaker`` and the ``base`` column).
    base : str, default "words"
    n_resamples, seed, confidence
        As for :func:`rate_intervals`.

    Returns
    -------
    DataFrame
        Columns as :func:`rate_intervals` (``measure`` is ``"share_words"``; ``count`` is the
        speaker's words and ``base`` all words; ``value``, ``low`` and ``high`` are shares 0-1).
    """
    core = _share_core(per_turn, base, n_resamples, seed, confidence)
    rows = []
    total = float(core["words"].sum())
    for k, speaker in enumerate(core["speakers"]):
        mine = core["plan"].codes == k
        rows.append(
            {
                "measure": "share_words",
                "speaker": speaker,
                "turns": int(mine.sum()),
                "turns_with": int((core["words"][mine] > 0).sum()),
                "count": round(float(core["totals"][k])),
                "base": round(total),
                "value": float(core["observed"][k]),
                "low": float(core["low"][k]),
                "high": float(core["high"][k]),
            }
        )
    return pd.DataFrame(rows, columns=_INTERVAL_COLUMNS)


def word_share_comparison(
    per_turn: pd.DataFrame,
    base: str = "words",
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """The gap between the first two speakers' shares of the words, and the chance baseline.

    Parameters
    ----------
    per_turn, base, n_resamples, seed, confidence
        As for :func:`word_share_intervals`.

    Returns
    -------
    DataFrame
        One row, columns as :func:`rate_comparison` (``measure`` is ``"share_words"``; the
        difference is in shares, 0-1). No low-count warning applies to word totals.
    """
    core = _share_core(per_turn, base, n_resamples, seed, confidence)
    if len(core["speakers"]) < 2:
        return pd.DataFrame(columns=_COMPARISON_COLUMNS)
    n, k = core["n"], core["as_large"]
    row = {
        "measure": "share_words",
        "first": core["speakers"][0],
        "second": core["speakers"][1],
        "value_first": float(core["observed"][0]),
        "value_second": float(core["observed"][1]),
        "difference": float(core["diff"]),
        "low": core["d_low"],
        "high": core["d_high"],
        "as_large": k,
        "resamples": n,
        "p_value": (k + 1) / (n + 1),
        "seed": core["seed"],
        "warning": "",
        "verdict": plain_verdict(k, n),
    }
    return pd.DataFrame([row], columns=_COMPARISON_COLUMNS)


# --- "show the arithmetic" -----------------------------------------------------------------------


def _turn_list(turn_numbers: Iterable[int], counts: Iterable[float]) -> str:
    parts = []
    for turn, c in zip(turn_numbers, counts, strict=True):
        if c > 0:
            parts.append(
                f"{int(turn)}" if c == 1 else f"{int(turn)} (×{int(c) if c == int(c) else c})"  # noqa: RUF001
            )
    return ", ".join(parts) or "none"


def rate_arithmetic(
    per_turn: pd.DataFrame, counts: str = "hits", base: str = "words", per: float = 1000.0
) -> pd.DataFrame:
    """The real counts behind a rate, written out as a sum a learner can check.

    Parameters
    ----------
    per_turn : DataFrame
        From :func:`per_turn_counts`.
    counts, base, per
        As for :func:`rate_intervals` (one count column).

    Returns
    -------
    DataFrame
        One row per speaker: ``speaker``, ``count``, ``base``, ``value`` (the rate), ``sum`` (the
        arithmetic written out: the count, divided by the words, times ``per``, equals the rate)
        and ``turns`` (the turns with a count, with the count where it is above 1).
    """
    names = _columns(per_turn, counts, base)
    frame = per_turn.sort_values("turn", kind="stable")
    who = frame["speaker"].astype(str).to_numpy()
    turn_numbers = frame["turn"].to_numpy()
    numerator = pd.to_numeric(frame[names[0]], errors="coerce").fillna(0).to_numpy(dtype=float)
    denominator = pd.to_numeric(frame[base], errors="coerce").fillna(0).to_numpy(dtype=float)
    rows = []
    for speaker in dict.fromkeys(who):
        mine = who == speaker
        c, b = float(numerator[mine].sum()), float(denominator[mine].sum())
        value = c * per / b if b else float("nan")
        shown = f"{value:,.2f}" if b else "undefined (no words)"
        rows.append(
            {
                "speaker": speaker,
                "count": int(c) if c == int(c) else c,
                "base": int(b) if b == int(b) else b,
                "value": value,
                "sum": f"{c:,.0f} ÷ {b:,.0f} × {per:,.0f} = {shown}",  # noqa: RUF001
                "turns": _turn_list(turn_numbers[mine], numerator[mine]),
            }
        )
    return pd.DataFrame(rows, columns=["speaker", "count", "base", "value", "sum", "turns"])


def share_arithmetic(per_turn: pd.DataFrame, base: str = "words") -> pd.DataFrame:
    """The real counts behind each speaker's share of the words.

    Parameters
    ----------
    per_turn : DataFrame
        From :func:`per_turn_counts`.
    base : str, default "words"

    Returns
    -------
    DataFrame
        One row per speaker: ``speaker``, ``count`` (his words), ``base`` (all words), ``value``
        (the share), ``sum`` (``"1,750 ÷ 3,420 = 51.2%"``) and ``turns`` (how many turns).
    """
    _columns(per_turn, (), base)
    frame = per_turn.sort_values("turn", kind="stable")
    words = pd.to_numeric(frame[base], errors="coerce").fillna(0)
    total = float(words.sum())
    rows = []
    for speaker in dict.fromkeys(frame["speaker"].astype(str)):
        mine = (frame["speaker"].astype(str) == speaker).to_numpy()
        c = float(words[mine].sum())
        value = c / total if total else float("nan")
        shown = f"{value:.1%}" if total else "undefined (no words)"
        rows.append(
            {
                "speaker": speaker,
                "count": int(c),
                "base": int(total),
                "value": value,
                "sum": f"{c:,.0f} ÷ {total:,.0f} = {shown}",
                "turns": int(mine.sum()),
            }
        )
    return pd.DataFrame(rows, columns=["speaker", "count", "base", "value", "sum", "turns"])


# --- distinctive words, with uncertainty ---------------------------------------------------------


def _z_scores(
    y: np.ndarray, pooled: np.ndarray, n_i: np.ndarray, total: np.ndarray, a0: float
) -> np.ndarray:
    """Log-odds z as :func:`log_odds` computes it, vectorised over resamples.

    ``y`` (..., S', W) holds some speakers' counts of some words; ``pooled`` (..., 1, W) the
    words' counts over all speakers; ``n_i`` (..., S', 1) those speakers' totals over the whole
    vocabulary and ``total`` (..., 1, 1) everyone's. A word nobody uses scores 0.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = a0 * pooled / total
        y_j = pooled - y
        n_j = total - n_i
        delta = np.log((y + alpha) / (n_i + a0 - y - alpha)) - np.log(
            (y_j + alpha) / (n_j + a0 - y_j - alpha)
        )
        z = delta / np.sqrt(1 / (y + alpha) + 1 / (y_j + alpha))
    return np.where((pooled > 0) & np.isfinite(z), z, 0.0)


def distinctive_uncertainty(
    turns: pd.DataFrame,
    n: int = 10,
    include_insertions: bool = False,
    stop_words: Iterable[str] = STOP_WORDS,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Each speaker's most distinctive words, with how far chance alone would get.

    The z-scores are those of :func:`log_odds` (same prior, same words). For each listed word:

    - ``z_low``, ``z_high``: a bootstrap interval over whole turns (each speaker's turns drawn
      again with replacement);
    - ``p_word``: the share of random re-assignments of turns to speakers ("shuffles") in which
      this word scores at least this high for this speaker;
    - ``p_top``: the share of random re-assignments in which *some* word scores at least this
      high. With about a thousand words, chance alone usually lifts one of them to a z near 2,
      so this is the fair baseline for the top of a list.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    n, include_insertions, stop_words, prior_strength
        As for :func:`distinctive_words`.
    n_resamples, seed, confidence
        As for :func:`rate_intervals`.

    Returns
    -------
    DataFrame
        The columns of :func:`distinctive_words` plus ``z_low``, ``z_high``, ``p_word``,
        ``p_top`` and ``verdict`` (one plain sentence).
    """
    columns = ["speaker", "rank", "word", "count", "count_other", "z", "z_low", "z_high"]
    columns += ["p_word", "p_top", "verdict"]
    top = distinctive_words(turns, n, include_insertions, stop_words, prior_strength)
    if top.empty:
        return pd.DataFrame(columns=columns)
    reps, seed, confidence = _check_resampling(n_resamples, seed, confidence)
    a0 = float(prior_strength)
    frame = _ordered(turns)
    matrix, index = _word_matrix(_texts(frame, include_insertions), frozenset(stop_words))
    plan = _plan(tuple(frame["speaker"]), reps, seed)
    s_of = {s: k for k, s in enumerate(plan.speakers)}
    chosen = [(s_of[str(r.speaker)], index[str(r.word)]) for r in top.itertuples(index=False)]
    z_obs = _observed_z(plan, matrix, chosen, a0)
    lows, highs = _bootstrap_z_intervals(plan, matrix, chosen, a0, confidence)
    beat_word, beat_top = _shuffle_beats(plan, matrix, chosen, z_obs, reps, a0)
    out = top.copy()
    out["z_low"] = lows
    out["z_high"] = highs
    out["p_word"] = (beat_word + 1) / (reps + 1)
    out["p_top"] = (beat_top + 1) / (reps + 1)
    out["verdict"] = [
        _word_verdict(pw, pt) for pw, pt in zip(out["p_word"], out["p_top"], strict=True)
    ]
    return out[columns].reset_index(drop=True)


def _word_matrix(texts: Iterable[str], stops: frozenset[str]) -> tuple[np.ndarray, dict[str, int]]:
    """Turns x words counts (stop words left out), and each word's column."""
    per_turn = [Counter(w for w in tokenize(t) if w not in stops) for t in texts]
    vocab = sorted(set().union(*per_turn))
    index = {w: i for i, w in enumerate(vocab)}
    matrix = np.zeros((len(per_turn), len(vocab)))
    for row, counter in enumerate(per_turn):
        for word, c in counter.items():
            matrix[row, index[word]] = c
    return matrix, index


def _observed_z(
    plan: _Plan, matrix: np.ndarray, chosen: list[tuple[int, int]], a0: float
) -> np.ndarray:
    """The chosen (speaker, word) pairs' z-scores in the real conversation (log_odds' z)."""
    y_obs = np.stack([matrix[plan.codes == k].sum(0) for k in range(len(plan.speakers))])
    n_obs = y_obs.sum(axis=1, keepdims=True)
    z_all = _z_scores(y_obs, y_obs.sum(0, keepdims=True), n_obs, n_obs.sum(0, keepdims=True), a0)
    return np.array([z_all[s, v] for s, v in chosen])


def _bootstrap_z_intervals(
    plan: _Plan,
    matrix: np.ndarray,
    chosen: list[tuple[int, int]],
    a0: float,
    confidence: float,
) -> tuple[list[float], list[float]]:
    """Bootstrap intervals of the chosen pairs' z-scores, each speaker's turns drawn again.

    z is computed only for the listed words; the prior and the totals still come from the whole
    vocabulary of the resample.
    """
    s_count = len(plan.speakers)
    rowsum = matrix.sum(axis=1)
    words = sorted({v for _, v in chosen})
    col = {v: j for j, v in enumerate(words)}
    drawn = np.stack([plan.boot[k] @ matrix[:, words] for k in range(s_count)], axis=1)
    n_i = np.stack([plan.boot[k] @ rowsum for k in range(s_count)], axis=1)[:, :, None]
    pooled = np.stack([plan.boot[k] for k in range(s_count)]).sum(0) @ matrix[:, words]
    boot_z = _z_scores(drawn, pooled[:, None, :], n_i, n_i.sum(axis=1, keepdims=True), a0)
    lows, highs = [], []
    for s, v in chosen:
        lo, hi = _quantiles(boot_z[:, s, col[v]][:, None], confidence)
        lows.append(float(lo[0]))
        highs.append(float(hi[0]))
    return lows, highs


def _shuffle_beats(
    plan: _Plan,
    matrix: np.ndarray,
    chosen: list[tuple[int, int]],
    z_obs: np.ndarray,
    reps: int,
    a0: float,
) -> tuple[np.ndarray, np.ndarray]:
    """How many random re-assignments of turns reach each observed z, for that word and for any.

    Computed in blocks to keep memory small. With two speakers the second's z is minus the
    first's, so only one is computed.
    """
    s_count = len(plan.speakers)
    rowsum = matrix.sum(axis=1)
    needed = [0] if s_count == 2 else list(range(s_count))
    pooled_all = matrix.sum(axis=0)[None, None, :]
    beat_word = np.zeros(len(chosen))
    beat_top = np.zeros(len(chosen))
    for start in range(0, reps, 250):
        perm = plan.perm[:, start : start + 250]
        y = np.stack([perm[k] @ matrix for k in needed], axis=1)
        n_k = np.stack([perm[k] @ rowsum for k in needed], axis=1)[:, :, None]
        z = _z_scores(y, pooled_all, n_k, np.full((1, 1, 1), rowsum.sum()), a0)
        if s_count == 2:
            z = np.concatenate([z, -z], axis=1)
        best = z.max(axis=2)
        for j, (s, v) in enumerate(chosen):
            beat_word[j] += (z[:, s, v] >= z_obs[j] - 1e-12).sum()
            beat_top[j] += (best[:, s] >= z_obs[j] - 1e-12).sum()
    return beat_word, beat_top


def _word_verdict(p_word: float, p_top: float) -> str:
    if p_top < 0.05:
        return "Stands out: fewer than 1 in 20 shuffles give any word a score this high."
    if p_word < 0.05:
        return (
            f"Unusual for this word, but {p_top:.0%} of shuffles give some word a score this high."
        )
    return f"Could easily be chance: {p_word:.0%} of shuffles give this word a score this high."


# --- agenda and initiative -----------------------------------------------------------------------


def theme_runs(
    turns: pd.DataFrame, themes: pd.DataFrame, codebook: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Stretches of consecutive turns that keep to one theme: who opens each, how long it runs.

    Parameters
    ----------
    turns, themes, codebook : DataFrame
        As for :func:`theme_shares`.

    Returns
    -------
    DataFrame
        One row per run, in order of the run's first turn: ``theme``, ``label``, ``run`` (1 for
        the theme's first run, 2 for its second ...), ``start_turn``, ``end_turn``, ``turns``
        (how many turns it runs), ``opened_by`` and ``closed_by`` (speakers of its first and
        last turns), and one ``turns_<speaker>`` column per speaker.
    """
    data = _theme_table(turns, themes).sort_values(["turn", "theme"])
    ordered = _ordered(turns)
    position = {int(t): k for k, t in enumerate(ordered["turn"])}
    speaker_of = dict(zip(ordered["turn"], ordered["speaker"], strict=True))
    speakers = speaker_order(turns) if not turns.empty else []
    labels = _labels(codebook)
    rows = []
    for theme, part in data.groupby("theme", sort=False):
        run: list[int] = []
        count = 0

        def close(run: list[int], count: int, theme: str = str(theme)) -> None:
            row = {
                "theme": theme,
                "label": labels.get(theme, theme),
                "run": count,
                "start_turn": run[0],
                "end_turn": run[-1],
                "turns": len(run),
                "opened_by": speaker_of[run[0]],
                "closed_by": speaker_of[run[-1]],
            }
            for s in speakers:
                row[f"turns_{s}"] = sum(speaker_of[t] == s for t in run)
            rows.append(row)

        for turn in sorted(int(t) for t in part["turn"]):
            if run and position[turn] != position[run[-1]] + 1:
                count += 1
                close(run, count)
                run = []
            run.append(turn)
        if run:
            count += 1
            close(run, count)
    columns = ["theme", "label", "run", "start_turn", "end_turn", "turns", "opened_by", "closed_by"]
    columns += [f"turns_{s}" for s in speakers]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["start_turn", "theme"], kind="stable").reset_index(drop=True)


def subject_changes(
    turns: pd.DataFrame, themes: pd.DataFrame, codebook: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Turn by turn: does the speaker stay with the previous turn's themes, or change the subject?

    A turn *changes the subject* when it has themes and shares none with the turn before it; it
    *brings in* a theme when it has one the turn before did not (it may continue others). Both
    rest on the hand coding, so they are only as good as the codebook.

    Parameters
    ----------
    turns, themes, codebook : DataFrame
        As for :func:`theme_shares`.

    Returns
    -------
    DataFrame
        One row per turn: ``turn``, ``speaker``, ``themes`` (labels, a tuple), ``shared`` (labels
        shared with the previous turn), ``brought_in`` (labels the previous turn did not have),
        ``changes_subject`` (bool; never for the first turn).
    """
    data = _theme_table(turns, themes)
    labels = _labels(codebook)
    coded: dict[int, list[str]] = {}
    for turn, theme in zip(data["turn"], data["theme"].astype(str), strict=True):
        coded.setdefault(int(turn), []).append(theme)
    ordered = _ordered(turns)
    rows = []
    previous: list[str] | None = None
    for turn, speaker in zip(ordered["turn"], ordered["speaker"], strict=True):
        mine = coded.get(int(turn), [])
        before = previous or []
        shared = [t for t in mine if t in before]
        brought = [t for t in mine if t not in before] if previous is not None else []
        rows.append(
            {
                "turn": int(turn),
                "speaker": speaker,
                "themes": tuple(labels.get(t, t) for t in mine),
                "shared": tuple(labels.get(t, t) for t in shared),
                "brought_in": tuple(labels.get(t, t) for t in brought),
                "changes_subject": bool(previous is not None and mine and not shared),
            }
        )
        previous = mine
    columns = ["turn", "speaker", "themes", "shared", "brought_in", "changes_subject"]
    return pd.DataFrame(rows, columns=columns)


# Closing quotes and brackets that may follow a full stop: " \u201d \u2019 ' ) ].
_CLOSERS = "\"\u201d\u2019')\\]"
_SENTENCE_END = re.compile(rf"(?<=[.!?])[{_CLOSERS}]*\s+")


def _sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text (split after . ! ? and white space)."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.start()].strip():
            spans.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def question_answers(turns: pd.DataFrame, stop_words: Iterable[str] = STOP_WORDS) -> pd.DataFrame:
    """Questions and the turns that take them up.

    A question is a sentence that ends with a question mark (in the English translation;
    rhetorical questions count too). Its answer is the next turn by another speaker. The words
    of the question (stop words left out, translators' insertions removed) that come back in the
    answer show whether the answer takes the question up, or turns elsewhere.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    stop_words : iterable of str, default :data:`course_lib.text.STOP_WORDS`

    Returns
    -------
    DataFrame
        One row per question: ``turn``, ``asker``, ``question`` (the sentence, verbatim),
        ``answer_turn`` and ``answerer`` (missing if nobody answers), ``answer`` (the answer's
        first sentence, verbatim), ``shared`` (question words that recur in the answer, a tuple)
        and ``taken_up`` (bool: at least one does).
    """
    stops = frozenset(stop_words)
    ordered = _ordered(turns)
    records = list(zip(ordered["turn"], ordered["speaker"], ordered["text"], strict=True))
    rows = []
    for k, (turn, speaker, text) in enumerate(records):
        for start, end in _sentences(text):
            sentence = text[start:end].strip()
            if not sentence.rstrip("\"\u201d\u2019')] ").endswith("?"):
                continue
            reply = next(((t, s, x) for t, s, x in records[k + 1 :] if s != speaker), None)
            row: dict[str, Any] = {
                "turn": int(turn),
                "asker": speaker,
                "question": sentence,
                "answer_turn": pd.NA,
                "answerer": pd.NA,
                "answer": "",
                "shared": (),
                "taken_up": False,
            }
            if reply is not None:
                asked = dict.fromkeys(w for w in tokenize(_spoken(sentence)) if w not in stops)
                said = set(tokenize(_spoken(reply[2])))
                shared = tuple(w for w in asked if w in said)
                first = _sentences(reply[2])
                row.update(
                    answer_turn=int(reply[0]),
                    answerer=reply[1],
                    answer=reply[2][first[0][0] : first[0][1]].strip() if first else "",
                    shared=shared,
                    taken_up=bool(shared),
                )
            rows.append(row)
    columns = [
        "turn",
        "asker",
        "question",
        "answer_turn",
        "answerer",
        "answer",
        "shared",
        "taken_up",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out["answer_turn"] = out["answer_turn"].astype("Int64")
    return out


def initiative(
    turns: pd.DataFrame, themes: pd.DataFrame, codebook: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Who leads, counted several ways: themes opened, runs opened, subject changes, questions.

    Parameters
    ----------
    turns, themes, codebook : DataFrame
        As for :func:`theme_shares`.

    Returns
    -------
    DataFrame
        One row per speaker (index ``speaker``): ``themes_opened`` (themes he raises first),
        ``runs_opened`` (stretches of a theme he opens, see :func:`theme_runs`),
        ``subject_changes`` and ``themes_brought_in`` (see :func:`subject_changes`),
        ``questions`` (question sentences he asks) and ``questions_taken_up`` (of those, how many
        the other's next turn takes up, see :func:`question_answers`).
    """
    speakers = speaker_order(turns) if not turns.empty else []
    firsts = theme_firsts(turns, themes, codebook)
    runs = theme_runs(turns, themes, codebook)
    changes = subject_changes(turns, themes, codebook)
    questions = question_answers(turns)
    rows = []
    for s in speakers:
        mine_q = questions[questions["asker"] == s]
        rows.append(
            {
                "speaker": s,
                "themes_opened": int((firsts["raised_by"] == s).sum()),
                "runs_opened": int((runs["opened_by"] == s).sum()),
                "subject_changes": int(
                    changes.loc[changes["speaker"] == s, "changes_subject"].sum()
                ),
                "themes_brought_in": int(
                    changes.loc[changes["speaker"] == s, "brought_in"].map(len).sum()
                ),
                "questions": len(mine_q),
                "questions_taken_up": int(mine_q["taken_up"].sum()),
            }
        )
    columns = ["themes_opened", "runs_opened", "subject_changes", "themes_brought_in"]
    columns += ["questions", "questions_taken_up"]
    if not rows:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="speaker"))
    return pd.DataFrame(rows).set_index("speaker")[columns]


# --- stance markers ------------------------------------------------------------------------------


def _lexicon(lexicon: pd.DataFrame) -> list[tuple[str, tuple[str, ...], dict[str, str]]]:
    """(category, terms, {folded term: position}) per category, in display order."""
    wrong = "the stance lexicon needs the columns category and term"
    if not isinstance(lexicon, pd.DataFrame):  # a notebook may pass anything
        raise ValueError(wrong)
    if not {"category", "term"} <= set(lexicon.columns):
        raise ValueError(wrong)
    positions = (
        lexicon["position"]
        if "position" in lexicon.columns
        else pd.Series("anywhere", index=lexicon.index)
    )
    groups: dict[str, dict[str, str]] = {}
    for category, term, position in zip(
        lexicon["category"], lexicon["term"], positions, strict=True
    ):
        if not isinstance(term, str) or not term.strip() or not isinstance(category, str):
            continue
        key = " ".join(term.split())
        groups.setdefault(category, {})[key.casefold()] = (
            position if position in ("anywhere", "sentence_start") else "anywhere"
        )
    order = [c for c in STANCE_CATEGORIES if c in groups] + [
        c for c in groups if c not in STANCE_CATEGORIES
    ]
    out = []
    for category in order:
        entries = groups[category]
        terms = tuple(
            " ".join(t.split())
            for t, c in zip(lexicon["term"], lexicon["category"], strict=True)
            if c == category and isinstance(t, str) and t.strip()
        )
        out.append((category, tuple(dict.fromkeys(terms)), entries))
    return out


_SENTENCE_OPEN = re.compile(rf"(?:^|[.!?:;][{_CLOSERS}]*)[\s\"\u201c\u2018(\[]*$")


def _at_sentence_start(text: str, start: int) -> bool:
    return bool(_SENTENCE_OPEN.search(text[:start]))


def stance_hits(
    turns: pd.DataFrame, lexicon: pd.DataFrame, include_insertions: bool = False, width: int = 50
) -> pd.DataFrame:
    """Every stance marker in the talk, with its context.

    Each category's entries are searched together with :func:`course_lib.text.kwic` (whole
    words, any case; where two entries overlap, the longer wins, so "our Party" is not also
    "our"). Entries whose ``position`` is ``sentence_start`` count only at the start of a
    sentence ("Very good." opening a reply, not "not very good").

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    lexicon : DataFrame
        ``load_table("stance_lexicon")``: columns ``category``, ``term`` and ``position``.
    include_insertions : bool, default False
        Markers inside the translators' [insertions] are not the speaker's; by default they are
        left out.
    width : int, default 50
        Characters of context either side.

    Returns
    -------
    DataFrame
        Columns ``category``, ``label``, ``entry`` (the lexicon term), ``turn``, ``speaker``,
        ``left``, ``match``, ``right``, ``inside_insertion`` (the marker lies inside a
        translators' insertion; only possible with ``include_insertions``), ``start`` and ``end``
        (character offsets in the text searched, as :func:`course_lib.text.kwic` gives them); in
        category then turn order.
    """
    frame = _ordered(turns)
    texts = dict(zip(frame["turn"], _texts(frame, include_insertions), strict=True))
    rows = []
    for category, terms, entries in _lexicon(lexicon):
        hits = kwic(frame, terms, width=width, include_insertions=include_insertions)
        for r in to_records(hits):
            entry = " ".join(str(r["match"]).split()).casefold()
            position = entries.get(entry, "anywhere")
            if position == "sentence_start" and not _at_sentence_start(
                texts[int(r["turn"])], int(r["start"])
            ):
                continue
            spelled = next((t for t in terms if t.casefold() == entry), str(r["match"]))
            rows.append(
                {
                    "category": category,
                    "label": STANCE_CATEGORIES.get(category, category),
                    "entry": spelled,
                    "turn": int(r["turn"]),
                    "speaker": str(r["speaker"]),
                    "left": str(r["left"]),
                    "match": str(r["match"]),
                    "right": str(r["right"]),
                    "inside_insertion": bool(r["inside_insertion"]),
                    "start": int(r["start"]),
                    "end": int(r["end"]),
                }
            )
    columns = ["category", "label", "entry", "turn", "speaker", "left", "match", "right"]
    columns += ["inside_insertion", "start", "end"]
    return pd.DataFrame(rows, columns=columns)


def stance_per_turn(
    turns: pd.DataFrame,
    lexicon: pd.DataFrame,
    include_insertions: bool = False,
    hits: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Stance markers per turn: one count column per category, beside the turn's words.

    Parameters
    ----------
    turns, lexicon, include_insertions
        As for :func:`stance_hits`.
    hits : DataFrame, optional
        :func:`stance_hits` of the same arguments, if already computed.

    Returns
    -------
    DataFrame
        Columns ``turn``, ``speaker``, ``words`` (counted as chosen) and one integer column per
        category (``hedge``, ``booster`` ...).
    """
    base = per_turn_counts(turns, include_insertions=include_insertions)
    if hits is None:
        hits = stance_hits(turns, lexicon, include_insertions, width=0)
    for category, _, _ in _lexicon(lexicon):
        per = hits.loc[hits["category"] == category, "turn"].value_counts()
        base[category] = base["turn"].map(per).fillna(0).astype("int64")
    return base


def stance_rates(
    turns: pd.DataFrame,
    lexicon: pd.DataFrame,
    include_insertions: bool = False,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
    per_turn: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Stance markers per 100 words for each speaker and category, with bootstrap intervals.

    These count the English translators' words: the talk was held in Chinese and Korean through
    interpreters, minuted by the Chinese side and translated into English for the archive.

    Parameters
    ----------
    turns, lexicon, include_insertions
        As for :func:`stance_hits`.
    n_resamples, seed, confidence
        As for :func:`rate_intervals`.
    per_turn : DataFrame, optional
        :func:`stance_per_turn` of the same arguments, if already computed.

    Returns
    -------
    DataFrame
        Columns ``category``, ``label``, ``speaker``, ``hits``, ``words``, ``turns_with``,
        ``per_100_words``, ``low``, ``high``.
    """
    if per_turn is None:
        per_turn = stance_per_turn(turns, lexicon, include_insertions)
    categories = [c for c, _, _ in _lexicon(lexicon)]
    columns = ["category", "label", "speaker", "hits", "words", "turns_with", "per_100_words"]
    columns += ["low", "high"]
    if not categories:
        return pd.DataFrame(columns=columns)
    out = rate_intervals(per_turn, categories, "words", 100.0, n_resamples, seed, confidence)
    out = out.rename(
        columns={"measure": "category", "count": "hits", "base": "words", "value": "per_100_words"}
    )
    out["label"] = out["category"].map(lambda c: STANCE_CATEGORIES.get(c, c))
    return out[columns]


def stance_comparison(
    turns: pd.DataFrame,
    lexicon: pd.DataFrame,
    include_insertions: bool = False,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
    per_turn: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per category: the gap between the speakers' rates per 100 words, and the chance baseline.

    Parameters
    ----------
    turns, lexicon, include_insertions, n_resamples, seed, confidence, per_turn
        As for :func:`stance_rates`.

    Returns
    -------
    DataFrame
        The columns of :func:`rate_comparison` with ``category`` and ``label`` in place of
        ``measure``.
    """
    if per_turn is None:
        per_turn = stance_per_turn(turns, lexicon, include_insertions)
    categories = [c for c, _, _ in _lexicon(lexicon)]
    columns = ["category", "label", *_COMPARISON_COLUMNS[1:]]
    if not categories:
        return pd.DataFrame(columns=columns)
    out = rate_comparison(
        per_turn, categories, "words", 100.0, n_resamples, seed, confidence, "markers"
    )
    out = out.rename(columns={"measure": "category"})
    out["label"] = out["category"].map(lambda c: STANCE_CATEGORIES.get(c, c))
    return out[columns]


# --- uptake --------------------------------------------------------------------------------------


def _bigrams(tokens: list[str], stops: frozenset[str]) -> list[str]:
    return [f"{a} {b}" for a, b in itertools.pairwise(tokens) if a not in stops and b not in stops]


def uptake_per_turn(
    turns: pd.DataFrame, include_insertions: bool = False, stop_words: Iterable[str] = STOP_WORDS
) -> pd.DataFrame:
    """What each turn takes up from the other speaker's previous turn.

    A word is *taken up* when it is in this turn and in the other speaker's latest turn before
    it (stop words left out). A two-word phrase is taken up when both turns contain it (neither
    word a stop word). A taken-up word is *new to the speaker* when he has not used it in any
    earlier turn: then he is plainly borrowing the other's word. Repetition across turns is
    what conversation analysts call resonance; it shows attention to the other's words, not
    agreement with them.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    include_insertions : bool, default False
        The translators' insertions are not the speaker's words; by default they are left out.
    stop_words : iterable of str, default :data:`course_lib.text.STOP_WORDS`

    Returns
    -------
    DataFrame
        One row per turn: ``turn``, ``speaker``, ``from_turn`` (the other's previous turn; missing
        for the first), ``content_words`` (distinct words in this turn), ``taken`` (how many of
        them are taken up), ``words_taken``, ``new_to_speaker`` and ``phrases_taken`` (tuples, in
        the order this turn uses them).
    """
    stops = frozenset(stop_words)
    frame = _ordered(turns)
    tokens = [tokenize(t) for t in _texts(frame, include_insertions)]
    used: dict[str, set[str]] = {}
    last: dict[str, int] = {}
    rows = []
    for k, (turn, speaker) in enumerate(zip(frame["turn"], frame["speaker"], strict=True)):
        mine = list(dict.fromkeys(w for w in tokens[k] if w not in stops))
        others = [j for s, j in last.items() if s != speaker]
        prev = max(others) if others else None
        if prev is not None:
            theirs = set(tokens[prev])
            taken = [w for w in mine if w in theirs]
            their_pairs = set(_bigrams(tokens[prev], stops))
            phrases = [p for p in dict.fromkeys(_bigrams(tokens[k], stops)) if p in their_pairs]
        else:
            taken, phrases = [], []
        own = used.setdefault(speaker, set())
        rows.append(
            {
                "turn": int(turn),
                "speaker": speaker,
                "from_turn": int(frame["turn"].iloc[prev]) if prev is not None else pd.NA,
                "content_words": len(mine),
                "taken": len(taken),
                "words_taken": tuple(taken),
                "new_to_speaker": tuple(w for w in taken if w not in own),
                "phrases_taken": tuple(phrases),
            }
        )
        own.update(tokens[k])
        last[speaker] = k
    columns = ["turn", "speaker", "from_turn", "content_words", "taken", "words_taken"]
    columns += ["new_to_speaker", "phrases_taken"]
    out = pd.DataFrame(rows, columns=columns)
    out["from_turn"] = out["from_turn"].astype("Int64")
    return out


def uptake(
    turns: pd.DataFrame,
    include_insertions: bool = False,
    stop_words: Iterable[str] = STOP_WORDS,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """How much each speaker takes up from the other's previous turn, with bootstrap intervals.

    Parameters
    ----------
    turns, include_insertions, stop_words
        As for :func:`uptake_per_turn`.
    n_resamples, seed, confidence
        As for :func:`rate_intervals`.

    Returns
    -------
    DataFrame
        One row per speaker: ``speaker``, ``turns``, ``content_words`` (summed over his turns),
        ``taken``, ``share_taken`` (taken / content words, 0-1) with ``low`` and ``high``, and
        ``new_to_speaker`` (taken-up words he had not used before).
    """
    per = uptake_per_turn(turns, include_insertions, stop_words)
    columns = ["speaker", "turns", "content_words", "taken", "share_taken", "low", "high"]
    columns += ["new_to_speaker"]
    if per.empty:
        return pd.DataFrame(columns=columns)
    per = per.assign(new=per["new_to_speaker"].map(len))
    rates = rate_intervals(
        per, ["taken", "new"], "content_words", 1.0, n_resamples, seed, confidence
    )
    taken = rates[rates["measure"] == "taken"].set_index("speaker")
    new = rates[rates["measure"] == "new"].set_index("speaker")
    out = pd.DataFrame(
        {
            "speaker": taken.index,
            "turns": taken["turns"].to_numpy(),
            "content_words": taken["base"].to_numpy(),
            "taken": taken["count"].to_numpy(),
            "share_taken": taken["value"].to_numpy(),
            "low": taken["low"].to_numpy(),
            "high": taken["high"].to_numpy(),
            "new_to_speaker": new.loc[taken.index, "count"].to_numpy(),
        }
    )
    return out[columns]


def framing_uptake(
    turns: pd.DataFrame,
    term: str | Iterable[str],
    include_insertions: bool = False,
    per_turn: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Who uses a framing word first, and where the other speaker picks it up.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    term : str or iterable of str
        Read as in :func:`term_frequency` (``"revisionism"`` is a preset that also finds
        "revisionist(s)").
    include_insertions : bool, default False
        A word the translators added is not the speaker's framing; by default it is left out.
    per_turn : DataFrame, optional
        :func:`per_turn_counts` of the same term and switch, if already computed.

    Returns
    -------
    DataFrame
        One row per turn that uses the term: ``turn``, ``speaker``, ``hits``, ``first_use``
        (bool: nobody used it before), ``picks_up_from`` (the other speaker's latest earlier turn
        with it; missing if none) and ``turns_later`` (how many turns after that one).
    """
    counts = per_turn if per_turn is not None else per_turn_counts(turns, term, include_insertions)
    used = counts[counts["hits"] > 0]
    rows = []
    latest: dict[str, int] = {}
    for turn, speaker, hits in zip(used["turn"], used["speaker"], used["hits"], strict=True):
        others = [t for s, t in latest.items() if s != speaker]
        source = max(others) if others else None
        rows.append(
            {
                "turn": int(turn),
                "speaker": speaker,
                "hits": int(hits),
                "first_use": not latest,
                "picks_up_from": source if source is not None else pd.NA,
                "turns_later": int(turn) - source if source is not None else pd.NA,
            }
        )
        latest[speaker] = int(turn)
    columns = ["turn", "speaker", "hits", "first_use", "picks_up_from", "turns_later"]
    out = pd.DataFrame(rows, columns=columns)
    for col in ("picks_up_from", "turns_later"):
        out[col] = out[col].astype("Int64")
    return out


def framing_summary(
    turns: pd.DataFrame,
    terms: Iterable[str] = ("revisionism", "split", "debts"),
    include_insertions: bool = False,
) -> pd.DataFrame:
    """For each framing word: who introduces it, when the other takes it up, who uses it more.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    terms : iterable of str, default ("revisionism", "split", "debts")
        Each read as in :func:`term_frequency` (preset names bring their spellings).
    include_insertions : bool, default False

    Returns
    -------
    DataFrame
        One row per term: ``term``, ``first_turn``, ``first_by``, ``taken_up_turn`` and
        ``taken_up_by`` (the other speaker's first use; missing if he never uses it),
        ``turns_later``, then ``turns_<speaker>`` and ``hits_<speaker>`` per speaker.
    """
    speakers = speaker_order(turns) if not turns.empty else []
    rows = []
    for term in terms:
        uses = framing_uptake(turns, term, include_insertions)
        row: dict[str, Any] = {"term": str(term)}
        if uses.empty:
            row.update(
                first_turn=pd.NA,
                first_by=pd.NA,
                taken_up_turn=pd.NA,
                taken_up_by=pd.NA,
                turns_later=pd.NA,
            )
        else:
            first = uses.iloc[0]
            later = uses[uses["speaker"] != first["speaker"]]
            row.update(
                first_turn=int(first["turn"]),
                first_by=str(first["speaker"]),
                taken_up_turn=int(later.iloc[0]["turn"]) if not later.empty else pd.NA,
                taken_up_by=str(later.iloc[0]["speaker"]) if not later.empty else pd.NA,
                turns_later=int(later.iloc[0]["turn"]) - int(first["turn"])
                if not later.empty
                else pd.NA,
            )
        for s in speakers:
            mine = uses[uses["speaker"] == s]
            row[f"turns_{s}"] = len(mine)
            row[f"hits_{s}"] = int(mine["hits"].sum())
        rows.append(row)
    columns = ["term", "first_turn", "first_by", "taken_up_turn", "taken_up_by", "turns_later"]
    columns += [f"{k}_{s}" for s in speakers for k in ("turns", "hits")]
    out = pd.DataFrame(rows, columns=columns)
    for col in ("first_turn", "taken_up_turn", "turns_later"):
        out[col] = out[col].astype("Int64")
    return out


# --- where a term falls --------------------------------------------------------------------------


def dispersion(
    turns: pd.DataFrame, term: str | Iterable[str], include_insertions: bool = True
) -> pd.DataFrame:
    """Where each occurrence of a term falls in the running text (AntConc's "Plot").

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    term : str or iterable of str
        Read as in :func:`term_frequency`.
    include_insertions : bool, default True

    Returns
    -------
    DataFrame
        One row per occurrence, in order: ``turn``, ``speaker``, ``match`` (as spelled),
        ``word_in_turn`` (0-based index of its first word within the turn), ``word_index``
        (0-based, counted through the whole conversation) and ``position`` (``word_index``
        divided by all words, 0-1).
    """
    frame = _ordered(turns)
    terms = parse_query(term) if isinstance(term, str) else tuple(term)
    texts = _texts(frame, include_insertions)
    rows = []
    offset = 0
    for turn, speaker, text in zip(frame["turn"], frame["speaker"], texts, strict=True):
        starts = [start for start, _, _ in _word_spans(text)]
        for start, end in find_term(text, terms):
            k = bisect_right(starts, start) - 1 if starts and starts[0] <= start else 0
            rows.append(
                {
                    "turn": int(turn),
                    "speaker": speaker,
                    "match": text[start:end],
                    "word_in_turn": max(k, 0),
                    "word_index": offset + max(k, 0),
                }
            )
        offset += len(starts)
    out = pd.DataFrame(rows, columns=["turn", "speaker", "match", "word_in_turn", "word_index"])
    out["position"] = out["word_index"] / offset if offset else 0.0
    return out


def dispersion_dp(per_turn: pd.DataFrame, counts: str = "hits", base: str = "words") -> float:
    """Gries's DP ("deviation of proportions"): how unevenly a term is spread over the turns.

    ``DP = 0.5 * sum(|v_i - s_i|)``, where ``s_i`` is turn *i*'s share of all words and ``v_i``
    its share of the term's occurrences. 0 means spread exactly as the turns' lengths would
    predict; values near 1 mean bunched into a few turns (Gries, S. Th. 2008, "Dispersions and
    adjusted frequencies in corpora", *International Journal of Corpus Linguistics* 13(4)).

    Parameters
    ----------
    per_turn : DataFrame
        From :func:`per_turn_counts` with a term.
    counts, base : str
        Column names.

    Returns
    -------
    float
        NaN when the term never occurs or there are no words.
    """
    _columns(per_turn, counts, base)
    v = pd.to_numeric(per_turn[counts], errors="coerce").fillna(0).to_numpy(dtype=float)
    s = pd.to_numeric(per_turn[base], errors="coerce").fillna(0).to_numpy(dtype=float)
    if v.sum() <= 0 or s.sum() <= 0:
        return float("nan")
    return float(0.5 * np.abs(v / v.sum() - s / s.sum()).sum())


def collocates(
    turns: pd.DataFrame,
    term: str | Iterable[str],
    window: int = 5,
    include_insertions: bool = False,
    stop_words: Iterable[str] = STOP_WORDS,
) -> pd.DataFrame:
    """Words that occur near a term: within ``window`` words either side, inside the same turn.

    Parameters
    ----------
    turns : DataFrame
        With columns ``turn``, ``speaker`` and ``text``.
    term : str or iterable of str
        Read as in :func:`term_frequency`.
    window : int, default 5
        Words either side (clipped to 1..20).
    include_insertions : bool, default False
    stop_words : iterable of str, default :data:`course_lib.text.STOP_WORDS`
        Left out as collocates.

    Returns
    -------
    DataFrame
        One row per collocate: ``word``, ``together`` (how many of its occurrences fall in a
        window; one that is near two hits counts once), ``left`` and
        ``right`` (of those, before and after the term), ``total`` (its count in the whole talk,
        counted the same way) and ``turns`` (the turns where it falls near the term, a tuple);
        sorted by ``together`` (most first), then ``total`` (rarest first), then ``word``.
    """
    try:
        window = max(1, min(20, int(window)))
    except (TypeError, ValueError):
        window = 5
    stops = frozenset(stop_words)
    frame = _ordered(turns)
    terms = parse_query(term) if isinstance(term, str) else tuple(term)
    together: Counter[str] = Counter()
    left: Counter[str] = Counter()
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    where: dict[str, dict[int, None]] = {}
    for turn, text in zip(frame["turn"], _texts(frame, include_insertions), strict=True):
        spans = _word_spans(text)
        total.update(w for _, _, w in spans if w not in stops)
        hits = find_term(text, terms)
        if not hits:
            continue
        starts = [s for s, _, _ in spans]
        ends = [e for _, e, _ in spans]
        inside: set[int] = set()
        windows = []
        for start, end in hits:
            first = bisect_right(ends, start)  # first word that ends after the hit starts
            last = bisect_left(starts, end) - 1  # last word that starts before the hit ends
            inside.update(range(first, last + 1))
            windows.append((first, last))
        counted: set[int] = set()  # a word near two hits counts once
        for first, last in windows:
            before = [(k, "L") for k in range(max(0, first - window), first)]
            after = [(k, "R") for k in range(last + 1, min(len(spans), last + 1 + window))]
            for k, side in before + after:
                word = spans[k][2]
                if k in inside or k in counted or word in stops:
                    continue
                counted.add(k)
                together[word] += 1
                (left if side == "L" else right)[word] += 1
                where.setdefault(word, {})[int(turn)] = None
    rows = [
        {
            "word": w,
            "together": c,
            "left": left[w],
            "right": right[w],
            "total": total[w],
            "turns": tuple(where[w]),
        }
        for w, c in together.items()
    ]
    out = pd.DataFrame(rows, columns=["word", "together", "left", "right", "total", "turns"])
    out = out.sort_values(
        ["together", "total", "word"], ascending=[False, True, True], kind="stable"
    )
    return out.reset_index(drop=True)
