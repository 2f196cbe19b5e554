"""Who speaks, how much, in what words and about what: pure functions over the turns table.

Every function takes DataFrames (as :func:`course_lib.load_turns` and
``course_lib.load_table("themes")`` return them) and returns a new DataFrame; nothing here reads
files or touches widgets. Speakers are reported in the order they first speak (Liu, then Kim).

Two switches recur:

``include_insertions``
    True counts the text as published, translators' ``[insertions]`` included; False counts only
    what was said (see :func:`course_lib.text.strip_insertions`).
``stop_words``
    Words left out of vocabulary comparisons (default :data:`course_lib.text.STOP_WORDS`); pass
    an empty set to keep every word.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

import pandas as pd

from course_lib.source import insertion_spans
from course_lib.text import (
    STOP_WORDS,
    _spoken,
    count_words,
    kwic,
    parse_query,
    require_columns,
    strip_insertions,
    tokenize,
)

__all__ = [
    "DEFAULT_PRIOR_STRENGTH",
    "conversation_flow",
    "distinctive_words",
    "frequency_from_hits",
    "log_odds",
    "speaker_order",
    "speaker_summary",
    "term_frequency",
    "theme_firsts",
    "theme_shares",
    "word_counts",
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
        longest = part.loc[part[length].idxmax()]
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
    if not isinstance(counts, pd.DataFrame) or counts.shape[1] < 2:
        raise ValueError("log_odds needs a word-count table with a column for each of 2+ speakers")
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
    if not isinstance(themes, pd.DataFrame) or not {"turn", "theme"} <= set(themes.columns):
        raise ValueError("the themes table needs the columns turn and theme")
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
        for turn, part in data.groupby("turn", sort=True):
            coded[int(turn)] = tuple(part["theme"].astype(str))
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
