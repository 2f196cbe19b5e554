"""Speaker comparison: who speaks, how much, in what words, about what, and how they talk.

:func:`speaker_comparison` builds the widget; the ``*_html`` functions are the pure renderers its
callbacks call (DataFrames in, HTML out). Every piece of HTML comes from the autoescaping
templates ``course_lib/templates/speakers_*.html.j2``; the numbers come from
:mod:`course_lib.speakers` and :mod:`course_lib.text`.

Accessibility: every control has a visible ``description``; every chart is an inline SVG with
``role="img"`` and an ``aria-label``, next to a table that carries the same numbers; speakers are
told apart by position, pattern and a letter as well as by colour (Okabe-Ito marks; text and
lines take the JupyterLab theme's colours from the course stylesheet). Charts keep their size
(text stays at 11 px or more) and scroll sideways in a narrow notebook. In the Conversation tab
every chart points at passages: the turn list and the Previous/Next buttons open them by keyboard.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import ipywidgets as w
import pandas as pd

from course_lib import speakers as sp
from course_lib.data import is_missing, to_records
from course_lib.memo import Memo
from course_lib.source import insertion_spans
from course_lib.templating import Markup, render, style_tag
from course_lib.text import ALIASES, STOP_WORDS, count_words, find_term, kwic, parse_query
from course_lib.widgets._common import (
    OKABE_ITO,
    SPEAKER_COLOURS,
    SPEAKER_MARKS,
    Kit,
    clean_input,
)
from course_lib.widgets._front import SelectableSVG

__all__ = [
    "CONVERSATION_VIEWS",
    "MAX_KWIC_LINES",
    "agenda_html",
    "distinctive_html",
    "flow_html",
    "passage_html",
    "passage_segments",
    "shares_html",
    "speaker_comparison",
    "stance_html",
    "summary_html",
    "term_html",
    "terms_html",
    "themes_html",
    "uptake_html",
]

#: Keyword-in-context lines shown per speaker before "and N more".
MAX_KWIC_LINES = 40

#: The Conversation tab's views: value -> label of the "Show" list.
CONVERSATION_VIEWS: dict[str, str] = {
    "shares": "Who talks more, and how sure can we be?",
    "term": "A term: how often, where, and with what words",
    "stance": "Stance markers: hedges, agreement, titles, we and you",
    "uptake": "Uptake: whose words and framings come back",
    "agenda": "Agenda and initiative: topics, subject changes, questions",
}

#: Colour for a speaker the palette does not know (never the only cue: letters and position too).
_GREY = OKABE_ITO["black"]

_T = TypeVar("_T")

# Chart geometry (px). Every chart fits in 640 px, so it fits an 800 px notebook unscaled.
_CHART_W = 600


def _tpl(name: str, **context: Any) -> str:
    return render(f"speakers_{name}.html.j2", **context)


def _message(text: str) -> str:
    return _tpl("message", text=text)


def _colour(speaker: str) -> str:
    return SPEAKER_COLOURS.get(speaker, _GREY)


def _mark(speaker: str) -> str:
    return SPEAKER_MARKS.get(speaker, speaker[:1])


def _speaker_label(speaker: str) -> str:
    return f"{speaker} ({_mark(speaker)})"


def _n(count: int, noun: str) -> str:
    """``"1 turn"``, ``"5 turns"``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _num(value: float, digits: int = 2) -> str:
    return "–" if is_missing(value) else f"{value:,.{digits}f}"  # noqa: RUF001


def _interval(low: float, high: float, fmt: Callable[[float], str]) -> str:
    if is_missing(low) or is_missing(high):
        return "no interval"
    return f"{fmt(low)} to {fmt(high)}"


def _counting(include_insertions: bool) -> str:
    return (
        "counted as published, translators' [insertions] included"
        if include_insertions
        else "counting only what was said, translators' [insertions] left out"
    )


def _recipe(n: int, seed: int) -> str:
    return (
        f"How the intervals are made: each speaker's turns are drawn again at random, with "
        f"replacement, as many as he has, and the number is worked out again; this is done "
        f"{n:,} times (a bootstrap over whole turns, numpy's random generator with seed {seed}) "
        "and the middle 95% of the results is the interval. The chance baseline hands the same "
        f"turns out to the speakers again at random ({n:,} times, each keeping his number of "
        "turns) and counts how often that gives a gap at least as large as the real one."
    )


# --- pure renderers: the first four tabs ---------------------------------------------------------


def summary_html(summary: pd.DataFrame) -> str:
    """Render :func:`course_lib.speakers.speaker_summary` as a side-by-side table.

    Parameters
    ----------
    summary : DataFrame
        Index ``speaker``; the summary's columns.

    Returns
    -------
    str
        HTML; every value escaped.
    """
    if summary.empty:
        return _message("No turns to summarise.")
    speakers = [str(s) for s in summary.index]
    rows: list[tuple[str, str, Callable[[float], str]]] = [
        ("Turns", "turns", lambda v: f"{int(v)}"),
        ("Words (with insertions)", "words", lambda v: f"{int(v):,}"),
        ("Words (only what was said)", "words_spoken", lambda v: f"{int(v):,}"),
        ("Share of all words", "share_words", _pct),
        ("Mean turn (words)", "mean_turn", _fmt),
        ("Median turn (words)", "median_turn", _fmt),
        ("Longest turn (words)", "longest_turn", lambda v: f"{int(v)}"),
        ("Longest turn is turn no.", "longest_turn_no", lambda v: f"{int(v)}"),
        ("Question marks", "questions", lambda v: f"{int(v)}"),
        ("Translators' insertions", "insertions", lambda v: f"{int(v)}"),
        ("Insertions per 100 words", "insertions_per_100_words", _fmt),
    ]
    body = [(label, *(fmt(summary[col].loc[s]) for s in speakers)) for label, col, fmt in rows]
    return _tpl(
        "summary",
        header=["Measure", *(_speaker_label(s) for s in speakers)],
        rows=body,
        caption="How much each speaker says",
    )


def terms_html(
    frequency: pd.DataFrame,
    hits: pd.DataFrame,
    terms: tuple[str, ...],
    max_lines: int = MAX_KWIC_LINES,
) -> str:
    """Render a term's counts per speaker side by side, each above its keyword-in-context lines.

    Parameters
    ----------
    frequency : DataFrame
        From :func:`course_lib.speakers.term_frequency`.
    hits : DataFrame
        From :func:`course_lib.text.kwic`.
    terms : tuple of str
        The alias group searched for (shown to the learner).
    max_lines : int
        KWIC lines per speaker before the rest are summarised.

    Returns
    -------
    str
        HTML; every value escaped.
    """
    if not terms:
        hint = Markup(
            "Type a word or phrase, or pick a preset. Separate spellings that should count "
            "together with <code>|</code>, for example <code>CPSU | Soviet Party</code>."
        )
        return _tpl("terms", searched=False, hint=hint)
    by_speaker: dict[str, list[dict[str, Any]]] = {}
    for r in hits.to_dict("records"):
        by_speaker.setdefault(str(r["speaker"]), []).append(
            {
                "turn": int(r["turn"]),
                "left": r["left"],
                "match": r["match"],
                "right": r["right"],
                "inside": bool(r["inside_insertion"]),
            }
        )
    sections = []
    for speaker, row in zip(frequency.index, frequency.to_dict("records"), strict=True):
        mine = by_speaker.get(str(speaker), [])
        sections.append(
            {
                "label": _speaker_label(str(speaker)),
                "colour": _colour(str(speaker)),
                "header": ["Hits", "Words", "Per 1,000 words", "Turns with a hit"],
                "rows": [
                    (
                        int(row["hits"]),
                        f"{int(row['words']):,}",
                        _fmt(float(row["per_1000_words"]), 2),
                        int(row["turns_with_hits"]),
                    )
                ],
                "lines": mine[:max_lines],
                "more": max(0, len(mine) - max_lines),
            }
        )
    searched = Markup("Searching for: <strong>{}</strong>").format(" | ".join(terms))
    return _tpl("terms", searched=True, searched_message=searched, sections=sections)


def distinctive_html(top: pd.DataFrame, speakers: list[str]) -> str:
    """Render each speaker's most distinctive words side by side, with a bar per z-score.

    Parameters
    ----------
    top : DataFrame
        From :func:`course_lib.speakers.distinctive_words`.
    speakers : list of str
        Speakers in display order.

    Returns
    -------
    str
        HTML; the tables carry every number the bars show.
    """
    if top.empty:
        return _message("No words to compare.")
    z_max = max(float(top["z"].max()), 1.96)
    sections = []
    for speaker in speakers:
        mine = top[top["speaker"] == speaker]
        rows = [
            {
                "rank": int(r["rank"]),
                "word": r["word"],
                "count": int(r["count"]),
                "count_other": int(r["count_other"]),
                "z": _fmt(float(r["z"]), 2),
                "width": max(2, round(100 * float(r["z"]) / z_max)),
            }
            for r in to_records(mine)
        ]
        sections.append(
            {
                "speaker": speaker,
                "label": _speaker_label(speaker),
                "colour": _colour(speaker),
                "rows": rows,
            }
        )
    return _tpl("distinctive", sections=sections)


def _patterns(speakers: list[str], prefix: str) -> tuple[list[dict[str, str]], dict[str, str]]:
    """SVG fills per speaker: solid for the first, hatched after (pattern, not colour alone)."""
    patterns, fills = [], {}
    for k, s in enumerate(speakers):
        if k == 0:
            fills[s] = _colour(s)
        else:
            pid = f"{prefix}-hatch-{k}"
            patterns.append({"id": pid, "colour": _colour(s)})
            fills[s] = f"url(#{pid})"
    return patterns, fills


def themes_html(
    shares: pd.DataFrame, firsts: pd.DataFrame, speakers: list[str], measure: str = "share_turns"
) -> str:
    """Render theme shares as a paired bar chart (SVG) plus a table with the same numbers.

    Parameters
    ----------
    shares : DataFrame
        From :func:`course_lib.speakers.theme_shares`.
    firsts : DataFrame
        From :func:`course_lib.speakers.theme_firsts`.
    speakers : list of str
    measure : {"share_turns", "share_words"}
        Which share the bars show; anything else falls back to ``"share_turns"``.

    Returns
    -------
    str
        HTML.
    """
    if measure not in ("share_turns", "share_words"):
        measure = "share_turns"
    if shares.empty:
        return _message("No themes coded.")
    what = "turns" if measure == "share_turns" else "words"
    first_of = {r["theme"]: r for r in to_records(firsts)}
    themes = list(dict.fromkeys(shares["theme"]))
    themes.sort(key=lambda t: first_of[t]["first_turn"] if t in first_of else 10**6)
    labels = dict(zip(shares["theme"], shares["label"], strict=True))
    value = {(r["theme"], r["speaker"]): float(r[measure]) for r in to_records(shares)}
    bar_h, gap, left, width = 12, 8, 260, 280
    top = max(max(value.values(), default=0.0), 0.01)
    patterns, fills = _patterns(speakers, "p63-th")
    chart = []
    y = 24
    for theme in themes:
        bars = []
        for s in speakers:
            v = value.get((theme, s), 0.0)
            bars.append(
                {
                    "y": y,
                    "w": round(width * min(v / top, 1.0)),
                    "fill": fills[s],
                    "text": f"{_mark(s)} {_pct(v)}",
                }
            )
            y += bar_h
        chart.append(
            {"y": y - bar_h * len(speakers), "label": labels.get(theme, theme), "bars": bars}
        )
        y += gap
    legend = [
        {"x": left + 110 * k, "fill": fills[s], "label": _speaker_label(s)}
        for k, s in enumerate(speakers)
    ]
    rows = []
    for theme in themes:
        f = first_of.get(theme)
        rows.append(
            (
                labels.get(theme, theme),
                *(_pct(value.get((theme, s), 0.0)) for s in speakers),
                f["first_turn"] if f is not None else "",
                f["raised_by"] if f is not None else "",
            )
        )
    return _tpl(
        "themes",
        aria=(
            f"Bar chart: share of each speaker's {what} coded with each theme, themes in the "
            "order they are first raised. The table below gives the same numbers."
        ),
        width=left + width + 60,
        height=y + 6,
        left=left,
        bar_h=bar_h,
        patterns=patterns,
        legend=legend,
        themes=chart,
        header=[
            "Theme",
            *(f"{_speaker_label(s)}: share of {what}" for s in speakers),
            "First raised in turn",
            "by",
        ],
        rows=rows,
        caption=f"Themes by share of each speaker's {what}, in order of first appearance",
    )


def flow_html(
    flow: pd.DataFrame,
    speakers: list[str],
    highlight: str = "",
    labels: Mapping[str, str] | None = None,
) -> str:
    """Render the conversation turn by turn: bars for length, the first speaker above the axis.

    Parameters
    ----------
    flow : DataFrame
        From :func:`course_lib.speakers.conversation_flow`.
    speakers : list of str
        The first is drawn above the axis, the second below.
    highlight : str
        A theme id: turns coded with it are drawn solid, the others pale; ``""`` for none.
    labels : mapping, optional
        Theme id to label.

    Returns
    -------
    str
        HTML: the SVG, a sentence saying who introduces new themes, and the full table.
    """
    labels = dict(labels or {})
    if flow.empty:
        return _message("No turns.")
    n = len(flow)
    bar_w, gap, mid, half = 9, 1, 136, 110
    top_len = max(int(flow["words"].max()), 1)
    first = speakers[0] if speakers else ""
    valid = highlight in labels or highlight in {t for ts in flow["themes"] for t in ts}
    bars = []
    for k, r in enumerate(to_records(flow)):
        x = 40 + k * (bar_w + gap)
        h = max(1, round(half * int(r["words"]) / top_len))
        above = r["speaker"] == first
        y = mid - h if above else mid
        on = (not highlight) or (not valid) or (highlight in r["themes"])
        themes = ", ".join(labels.get(t, t) for t in r["themes"]) or "no theme"
        bars.append(
            {
                "x": x,
                "y": y,
                "h": h,
                "colour": _colour(str(r["speaker"])),
                "opacity": "1" if on else "0.25",
                "title": f"Turn {int(r['turn'])}, {r['speaker']}: {int(r['words'])} words; {themes}",
                "star": bool(r["new_themes"]),
                "star_y": y - 4 if above else y + h + 12,
                "number": int(r["turn"]) if int(r["turn"]) % 5 == 0 else "",
            }
        )
    width = 40 + n * (bar_w + gap) + 20
    aria = (
        f"Bar chart of the {n} turns in order; bar height is the number of words; "
        f"{speakers[0] if speakers else ''} above the line"
        + (f", {speakers[1]} below" if len(speakers) > 1 else "")
        + "; a star marks a turn that raises a theme for the first time."
        + (f" Highlighted: {labels.get(highlight, highlight)}." if highlight and valid else "")
        + " The table below lists every turn."
    )
    intro = flow[flow["new_themes"].map(len) > 0]
    counts = {
        s: int(intro.loc[intro["speaker"] == s, "new_themes"].map(len).sum()) for s in speakers
    }
    total_new = sum(counts.values())
    rows = [
        (
            int(r["turn"]),
            r["speaker"],
            int(r["words"]),
            ", ".join(labels.get(t, t) for t in r["themes"]),
            ", ".join(labels.get(t, t) for t in r["new_themes"]),
            _pct(float(r["cumulative_share"])),
        )
        for r in to_records(flow)
    ]
    return _tpl(
        "flow",
        aria=aria,
        width=width,
        height=mid + half + 34,
        mid=mid,
        bar_w=bar_w,
        number_y=mid + half + 28,
        bars=bars,
        letters=[
            {"y": mid - 50 if k == 0 else mid + 60, "text": _mark(s)}
            for k, s in enumerate(speakers[:2])
        ],
        legend=[
            {"colour": _colour(s), "label": _speaker_label(s), "where": where}
            for s, where in zip(speakers[:2], ("above the line", "below"), strict=False)
        ],
        who="; ".join(f"{s}: {c} of {total_new}" for s, c in counts.items()),
        header=[
            "Turn",
            "Speaker",
            "Words",
            "Themes",
            "New themes",
            "Speaker's share of words so far",
        ],
        rows=rows,
        caption="The conversation turn by turn (the chart's data)",
    )


# --- pure renderers: the Conversation tab --------------------------------------------------------


def _interval_chart(
    rows: list[tuple[str, str, float, float, float]],
    fmt: Callable[[float], str],
    aria: str,
    floor_max: float = 0.0,
) -> dict[str, Any]:
    """Geometry for a point-and-interval chart: rows of (label, speaker, value, low, high)."""
    x0, x1 = 190, _CHART_W - 90
    finite = [v for r in rows for v in r[2:] if not is_missing(v)]
    top = max([*finite, floor_max, 1e-9])
    scale = (x1 - x0) / top
    row_h = 24
    out = []
    for k, (label, speaker, value, low, high) in enumerate(rows):
        y = 16 + k * row_h
        has = not (is_missing(low) or is_missing(high))
        out.append(
            {
                "y": y,
                "label": label,
                "colour": _colour(speaker),
                "x_value": round(x0 + scale * (0.0 if is_missing(value) else value), 1),
                "x_low": round(x0 + scale * (low if has else 0.0), 1),
                "x_high": round(x0 + scale * (high if has else 0.0), 1),
                "has_interval": has,
                "text": fmt(value) if not is_missing(value) else "–",  # noqa: RUF001
            }
        )
    axis_y = 16 + len(rows) * row_h - 8
    ticks = [{"x": round(x0 + (x1 - x0) * f, 1), "label": fmt(top * f)} for f in (0, 0.5, 1)]
    return {
        "aria": aria,
        "width": _CHART_W,
        "height": axis_y + 20,
        "x0": x0,
        "x1": x1,
        "axis_y": axis_y,
        "ticks": ticks,
        "rows": out,
    }


def _comparison(cmp: pd.DataFrame, fmt: Callable[[float], str], unit: str) -> dict[str, str]:
    if cmp.empty:
        return {}
    c = cmp.iloc[0]
    gap = (
        f"{c['first']} minus {c['second']}: {fmt(c['difference'])} {unit} "
        f"(95% interval {_interval(c['low'], c['high'], fmt)})."
    )
    return {"verdict": str(c["verdict"]), "gap": gap, "warning": str(c["warning"])}


def shares_html(
    intervals: pd.DataFrame,
    comparison: pd.DataFrame,
    arithmetic: pd.DataFrame,
    distinct: pd.DataFrame,
    include_insertions: bool = True,
    n_resamples: int = sp.DEFAULT_RESAMPLES,
    seed: int = sp.DEFAULT_SEED,
) -> str:
    """Render word shares with intervals and the chance baseline, and distinctive words vs chance.

    Parameters
    ----------
    intervals, comparison, arithmetic : DataFrame
        From :func:`course_lib.speakers.word_share_intervals`, ``word_share_comparison`` and
        ``share_arithmetic``.
    distinct : DataFrame
        From :func:`course_lib.speakers.distinctive_uncertainty`.
    include_insertions : bool
        How the words were counted (said in the view).
    n_resamples, seed : int
        As used (said in the recipe).

    Returns
    -------
    str
        HTML.
    """
    if intervals.empty:
        return _message("No turns.")
    rows = [
        (_speaker_label(r["speaker"]), r["value"], r["low"], r["high"], r["speaker"])
        for r in to_records(intervals)
    ]
    chart = _interval_chart(
        [(label, s, v, lo, hi) for label, v, lo, hi, s in rows],
        lambda v: f"{v:.0%}",
        "Dot-and-line chart of each speaker's share of the words with its 95% interval; the "
        "table below gives the same numbers.",
        floor_max=1.0,
    )
    table = [
        (label, f"{v:.1%}", _interval(lo, hi, lambda x: f"{x:.1%}")) for label, v, lo, hi, _ in rows
    ]
    d_rows = [
        (
            _speaker_label(str(r["speaker"])),
            r["word"],
            f"{int(r['count'])} / {int(r['count_other'])}",
            _fmt(float(r["z"]), 2),
            _interval(r["z_low"], r["z_high"], lambda x: _fmt(x, 2)),
            f"{r['p_word']:.0%}",
            f"{r['p_top']:.0%}",
            r["verdict"],
        )
        for r in to_records(distinct)
    ]
    return _tpl(
        "conv_shares",
        counting=_counting(include_insertions),
        chart=chart,
        header=["Speaker", "Share of the words", "95% interval"],
        rows=table,
        cmp=_comparison(comparison, lambda v: f"{v * 100:+.1f}", "percentage points"),
        ar_header=["Speaker", "His words", "All words", "Share", "Turns"],
        ar_rows=[
            (
                _speaker_label(r["speaker"]),
                f"{r['count']:,}",
                f"{r['base']:,}",
                r["sum"],
                r["turns"],
            )
            for r in to_records(arithmetic)
        ],
        recipe=_recipe(n_resamples, seed),
        d_header=[
            "Speaker",
            "Word",
            "Uses (his / the other's)",
            "z",
            "95% interval of z",
            "Shuffles: this word as high",
            "Shuffles: some word as high",
            "Verdict",
        ],
        d_rows=d_rows or [("", "No word stands out.", "", "", "", "", "", "")],
        d_note=(
            "A z of 1.96 is the usual bar for one word chosen in advance. These words were not "
            "chosen in advance: they are the top of a list of about a thousand, and the top of "
            "such a list clears 1.5 in most random re-assignments of the turns. A word can also "
            "rest on a single turn: then its interval reaches 0, because a resample without that "
            "turn has none of it."
        ),
    )


def _strip(where: pd.DataFrame, per_turn: pd.DataFrame, speakers: list[str]) -> dict[str, Any]:
    """Geometry of the dispersion strip: one lane per speaker, a stroke per use."""
    x0, inner, lane_h = 60, 500, 22
    total = max(int(per_turn["words"].sum()), 1)
    lanes = {s: 6 + k * (lane_h + 4) for k, s in enumerate(speakers)}
    bottom = 6 + len(speakers) * (lane_h + 4)
    bounds, offset = [], 0
    for words in per_turn["words"]:
        offset += int(words)
        if offset < total:
            bounds.append(round(x0 + inner * offset / total, 1))
    hits = [
        {
            "x": round(x0 + inner * int(r["word_index"]) / total, 1),
            "y0": lanes.get(str(r["speaker"]), 6) + 2,
            "y1": lanes.get(str(r["speaker"]), 6) + lane_h - 2,
            "colour": _colour(str(r["speaker"])),
            "title": f"Turn {int(r['turn'])}, {r['speaker']}: {r['match']}",
            "turn": int(r["turn"]),
        }
        for r in to_records(where)
    ]
    step = 500 if total > 1500 else 100
    ticks = [
        {"x": round(x0 + inner * k / total, 1), "label": f"{k:,}"}
        for k in range(0, total + 1, step)
    ]
    return {
        "aria": (
            f"Dispersion strip: the {len(where)} uses of the term placed along the whole talk "
            f"({total:,} words), one lane per speaker. The table below lists them by turn."
        ),
        "width": x0 + inner + 30,
        "height": bottom + 20,
        "x0": x0,
        "inner": inner,
        "lane_h": lane_h,
        "top": 6,
        "bottom": bottom,
        "bounds": bounds,
        "lanes": [{"y": y, "label": _speaker_label(s)} for s, y in lanes.items()],
        "hits": hits,
        "ticks": ticks,
    }


def strip_svg(where: pd.DataFrame, per_turn: pd.DataFrame, speakers: list[str]) -> str:
    """The dispersion strip alone, each stroke selectable by its turn (pure).

    Parameters
    ----------
    where : DataFrame
        From :func:`course_lib.speakers.dispersion`.
    per_turn : DataFrame
        From :func:`course_lib.speakers.per_turn_counts`.
    speakers : list of str

    Returns
    -------
    str
        SVG for :class:`course_lib.widgets._front.SelectableSVG`; ``""`` when the term is not
        used.
    """
    if where.empty:
        return ""
    return render("speakers_strip.svg.j2", strip=_strip(where, per_turn, speakers))


def term_html(
    terms: tuple[str, ...],
    per_turn: pd.DataFrame,
    intervals: pd.DataFrame,
    comparison: pd.DataFrame,
    arithmetic: pd.DataFrame,
    where: pd.DataFrame,
    near: pd.DataFrame,
    framing: pd.DataFrame,
    window: int = 5,
    include_insertions: bool = True,
    inline_chart: bool = True,
    n_resamples: int = sp.DEFAULT_RESAMPLES,
    seed: int = sp.DEFAULT_SEED,
    max_collocates: int = 15,
) -> str:
    """Render a term's rates with intervals, its dispersion strip, collocates and framing uptake.

    Parameters
    ----------
    terms : tuple of str
        The alias group searched for.
    per_turn : DataFrame
        From :func:`course_lib.speakers.per_turn_counts` with the term.
    intervals, comparison, arithmetic : DataFrame
        ``rate_intervals``, ``rate_comparison`` and ``rate_arithmetic`` of ``per_turn``.
    where : DataFrame
        From :func:`course_lib.speakers.dispersion`.
    near : DataFrame
        From :func:`course_lib.speakers.collocates`.
    framing : DataFrame
        From :func:`course_lib.speakers.framing_uptake`.
    window, include_insertions, n_resamples, seed
        As used (said in the view).
    max_collocates : int
        Rows of the collocate table.

    inline_chart : bool, default True
        Draw the dispersion strip inside the HTML; the widget draws it as a chart whose strokes
        can be chosen instead (:func:`strip_svg`).

    Returns
    -------
    str
        HTML.
    """
    if not terms:
        return _tpl("conv_term", searched="")
    speakers = list(dict.fromkeys(per_turn["speaker"].astype(str)))
    chart = _interval_chart(
        [
            (_speaker_label(r["speaker"]), r["speaker"], r["value"], r["low"], r["high"])
            for r in to_records(intervals)
        ],
        lambda v: _fmt(v, 2),
        "Dot-and-line chart of each speaker's uses per 1,000 words with its 95% interval; the "
        "table below gives the same numbers.",
    )
    rows = [
        (
            _speaker_label(r["speaker"]),
            int(r["count"]),
            f"{int(r['base']):,}",
            _num(r["value"]),
            _interval(r["low"], r["high"], lambda x: _fmt(x, 2)),
            int(r["turns_with"]),
        )
        for r in to_records(intervals)
    ]
    hits_by_turn = per_turn[per_turn["hits"] > 0]
    dp = sp.dispersion_dp(per_turn)
    dp_text = (
        f"Spread (Gries's DP): {dp:.2f}, where 0 is spread evenly over the turns in proportion to "
        "their length and values near 1 mean bunched into a few turns."
        if not is_missing(dp)
        else ""
    )
    uses = framing
    if uses.empty:
        framing_text = "Nobody uses it."
    else:
        first = uses.iloc[0]
        later = uses[uses["speaker"] != first["speaker"]]
        framing_text = f"{first['speaker']} uses it first, in turn {int(first['turn'])}."
        if later.empty:
            framing_text += " The other speaker never uses it."
        else:
            pick = later.iloc[0]
            framing_text += (
                f" {pick['speaker']} first uses it in turn {int(pick['turn'])}, "
                f"{_n(int(pick['turn']) - int(first['turn']), 'turn')} later."
            )
    framing_rows = [
        (
            int(r["turn"]),
            r["speaker"],
            int(r["hits"]),
            "first use" if r["first_use"] else "",
            "" if is_missing(r["picks_up_from"]) else int(r["picks_up_from"]),
            "" if is_missing(r["turns_later"]) else int(r["turns_later"]),
        )
        for r in to_records(uses)
    ]
    return _tpl(
        "conv_term",
        searched=" | ".join(terms),
        counting=_counting(include_insertions),
        chart=chart,
        header=["Speaker", "Uses", "Words", "Per 1,000 words", "95% interval", "Turns with a use"],
        rows=rows,
        cmp=_comparison(comparison, lambda v: f"{v:+.2f}", "uses per 1,000 words"),
        ar_header=["Speaker", "Uses", "Words", "Per 1,000 words", "Turns (uses)"],
        ar_rows=[
            (_speaker_label(r["speaker"]), r["count"], f"{r['base']:,}", r["sum"], r["turns"])
            for r in to_records(arithmetic)
        ],
        recipe=_recipe(n_resamples, seed),
        strip=_strip(where, per_turn, speakers) if not where.empty else None,
        inline_chart=inline_chart,
        dp_text=dp_text,
        hit_header=["Turn", "Speaker", "Uses", "Words in the turn"],
        hit_rows=[
            (int(r["turn"]), r["speaker"], int(r["hits"]), int(r["words"]))
            for r in to_records(hits_by_turn)
        ],
        window=int(window),
        coll_header=["Word", "Near it", "Before", "After", "In the whole talk", "Turns"],
        coll_rows=[
            (
                r["word"],
                int(r["together"]),
                int(r["left"]),
                int(r["right"]),
                int(r["total"]),
                ", ".join(map(str, r["turns"])),
            )
            for r in to_records(near.head(max_collocates))
        ],
        framing_text=framing_text,
        framing_header=[
            "Turn",
            "Speaker",
            "Uses",
            "First?",
            "Picks it up from turn",
            "Turns later",
        ],
        framing_rows=framing_rows,
    )


def stance_html(
    rates: pd.DataFrame,
    comparison: pd.DataFrame,
    hits: pd.DataFrame,
    lexicon: pd.DataFrame,
    category: str,
    per_turn: pd.DataFrame,
    include_insertions: bool = False,
    n_resamples: int = sp.DEFAULT_RESAMPLES,
    seed: int = sp.DEFAULT_SEED,
) -> str:
    """Render stance markers per 100 words with intervals, and every hit of one kind in context.

    Parameters
    ----------
    rates, comparison : DataFrame
        From :func:`course_lib.speakers.stance_rates` and ``stance_comparison``.
    hits : DataFrame
        From :func:`course_lib.speakers.stance_hits`.
    lexicon : DataFrame
        The stance lexicon (its entries of ``category`` are listed with their justification).
    category : str
        The kind of marker whose hits are shown; an unknown one shows the first kind.
    per_turn : DataFrame
        From :func:`course_lib.speakers.stance_per_turn` (for the arithmetic).
    include_insertions, n_resamples, seed
        As used (said in the view).

    Returns
    -------
    str
        HTML.
    """
    if rates.empty:
        return _message("No stance markers to count.")
    categories = list(dict.fromkeys(rates["category"]))
    if category not in categories:
        category = categories[0]
    speakers = list(dict.fromkeys(rates["speaker"]))
    label = sp.STANCE_CATEGORIES.get(category, category)
    chart = _interval_chart(
        [
            (
                f"{r['label'].split(' (')[0]}: {_mark(r['speaker'])}",
                r["speaker"],
                r["per_100_words"],
                r["low"],
                r["high"],
            )
            for r in to_records(rates)
        ],
        lambda v: _fmt(v, 2),
        "Dot-and-line chart of stance markers per 100 words for each kind and speaker, with 95% "
        "intervals; the table below gives the same numbers.",
    )
    by = rates.set_index(["category", "speaker"])
    cmp = comparison.set_index("category") if not comparison.empty else None
    rows = []
    for c in categories:
        cells = [sp.STANCE_CATEGORIES.get(c, c)]
        for s in speakers:
            r = by.loc[(c, s)]
            cells.append(
                f"{_num(r['per_100_words'])} ({_interval(r['low'], r['high'], lambda x: _fmt(x, 2))}); "
                f"{int(r['hits'])} in {_n(int(r['turns_with']), 'turn')}"
            )
        cells.append(str(cmp.loc[c, "verdict"]) if cmp is not None else "")
        rows.append(cells)
    mine = hits[hits["category"] == category]
    sections = []
    for s in speakers:
        part = mine[mine["speaker"] == s]
        sections.append(
            {
                "label": _speaker_label(s),
                "colour": _colour(s),
                "count": len(part),
                "lines": [
                    {
                        "turn": int(r["turn"]),
                        "left": r["left"],
                        "match": r["match"],
                        "right": r["right"],
                        "inside": False,
                    }
                    for r in to_records(part)
                ],
            }
        )
    entries = [
        {
            "term": r["term"],
            "position": "only at the start of a sentence"
            if r["position"] == "sentence_start"
            else "anywhere",
            "why": r["justification"],
            "source": r["source_title"],
            "url": r["source_url"],
        }
        for r in to_records(lexicon[lexicon["category"] == category])
    ]
    arithmetic = sp.rate_arithmetic(per_turn, category, "words", 100.0)
    return _tpl(
        "conv_stance",
        counting=_counting(include_insertions),
        include_insertions=include_insertions,
        chart=chart,
        header=[
            "Kind of marker",
            *(f"{_speaker_label(s)}: per 100 words (95% interval)" for s in speakers),
            "Chance baseline",
        ],
        rows=rows,
        label=label,
        sections=sections,
        ar_header=["Speaker", "Markers", "Words", "Per 100 words", "Turns (markers)"],
        ar_rows=[
            (_speaker_label(r["speaker"]), r["count"], f"{r['base']:,}", r["sum"], r["turns"])
            for r in to_records(arithmetic)
        ],
        recipe=_recipe(n_resamples, seed),
        entries=entries,
    )


def uptake_html(
    summary: pd.DataFrame,
    comparison: pd.DataFrame,
    per_turn: pd.DataFrame,
    framing: pd.DataFrame,
    include_insertions: bool = False,
) -> str:
    """Render how much each speaker takes up from the other, and who picks up which framing.

    Parameters
    ----------
    summary : DataFrame
        From :func:`course_lib.speakers.uptake`.
    comparison : DataFrame
        :func:`course_lib.speakers.rate_comparison` of the per-turn uptake (``taken`` over
        ``content_words``).
    per_turn : DataFrame
        From :func:`course_lib.speakers.uptake_per_turn`.
    framing : DataFrame
        From :func:`course_lib.speakers.framing_summary`.
    include_insertions : bool
        As used (said in the view).

    Returns
    -------
    str
        HTML.
    """
    if summary.empty:
        return _message("No turns.")
    speakers = list(summary["speaker"])
    chart = _interval_chart(
        [
            (_speaker_label(r["speaker"]), r["speaker"], r["share_taken"], r["low"], r["high"])
            for r in to_records(summary)
        ],
        lambda v: f"{v:.0%}",
        "Dot-and-line chart of the share of each speaker's words taken up from the other's "
        "previous turn, with 95% intervals; the table below gives the same numbers.",
    )
    rows = [
        (
            _speaker_label(r["speaker"]),
            f"{int(r['taken'])} of {int(r['content_words'])}",
            f"{r['share_taken']:.1%}",
            _interval(r["low"], r["high"], lambda x: f"{x:.1%}"),
            int(r["new_to_speaker"]),
        )
        for r in to_records(summary)
    ]

    def who(value: Any) -> str:
        return "" if is_missing(value) else str(value)

    framing_rows = [
        (
            r["term"],
            ""
            if is_missing(r["first_turn"])
            else f"{who(r['first_by'])}, turn {int(r['first_turn'])}",
            "never"
            if is_missing(r["taken_up_turn"])
            else f"{who(r['taken_up_by'])}, turn {int(r['taken_up_turn'])} "
            f"({_n(int(r['turns_later']), 'turn')} later)",
            *(f"{int(r[f'hits_{s}'])} in {_n(int(r[f'turns_{s}']), 'turn')}" for s in speakers),
        )
        for r in to_records(framing)
    ]
    turn_rows = [
        (
            int(r["turn"]),
            r["speaker"],
            "" if is_missing(r["from_turn"]) else int(r["from_turn"]),
            ", ".join(r["words_taken"]),
            ", ".join(r["new_to_speaker"]),
            ", ".join(r["phrases_taken"]),
        )
        for r in to_records(per_turn)
    ]
    return _tpl(
        "conv_uptake",
        counting=_counting(include_insertions),
        chart=chart,
        header=["Speaker", "Words taken up", "Share", "95% interval", "Of them new to him"],
        rows=rows,
        cmp=_comparison(comparison, lambda v: f"{v * 100:+.1f}", "percentage points"),
        framing_header=[
            "Word",
            "First used by",
            "Taken up by",
            *(f"{_speaker_label(s)}: uses" for s in speakers),
        ],
        framing_rows=framing_rows,
        turn_header=[
            "Turn",
            "Speaker",
            "From turn",
            "Words taken up",
            "New to him",
            "Phrases taken up",
        ],
        turn_rows=turn_rows,
    )


def agenda_html(
    lead: pd.DataFrame,
    runs: pd.DataFrame,
    changes: pd.DataFrame,
    questions: pd.DataFrame,
    speakers: list[str],
    n_turns: int,
) -> str:
    """Render initiative counts, the runs of each theme (chart and table), subject changes, Q&A.

    Parameters
    ----------
    lead : DataFrame
        From :func:`course_lib.speakers.initiative`.
    runs : DataFrame
        From :func:`course_lib.speakers.theme_runs`.
    changes : DataFrame
        From :func:`course_lib.speakers.subject_changes`.
    questions : DataFrame
        From :func:`course_lib.speakers.question_answers`.
    speakers : list of str
    n_turns : int
        Turns in the talk (the chart's width).

    Returns
    -------
    str
        HTML.
    """
    if lead.empty:
        return _message("No turns.")
    measures = [
        ("Themes he raises first", "themes_opened"),
        ("Runs of a theme he opens", "runs_opened"),
        ("Turns that change the subject", "subject_changes"),
        ("Themes he brings in", "themes_brought_in"),
        ("Questions he asks", "questions"),
        ("… taken up in the reply", "questions_taken_up"),
    ]
    lead_rows = [(label, *(int(lead[col].loc[s]) for s in speakers)) for label, col in measures]
    patterns, fills = _patterns(speakers, "p63-rn")
    x0, step = 8, 10
    order = list(dict.fromkeys(runs["theme"]))
    labels = dict(zip(runs["theme"], runs["label"], strict=True))
    chart_rows = []
    for k, theme in enumerate(order):
        part = runs[runs["theme"] == theme]
        chart_rows.append(
            {
                "y": 24 + k * 30,
                "label": labels[theme],
                "bars": [
                    {
                        "x": x0 + (int(r["start_turn"]) - 1) * step,
                        "w": int(r["turns"]) * step,
                        "fill": fills.get(str(r["opened_by"]), _GREY),
                        "title": f"{labels[theme]}: turns {int(r['start_turn'])}-{int(r['end_turn'])}, opened by {r['opened_by']}",
                    }
                    for r in to_records(part)
                ],
            }
        )
    height = 24 + len(order) * 30 + 18
    runs_chart = {
        "aria": (
            "Chart of the themes over the turns: each bar is a run of consecutive turns with the "
            "theme, solid when the first speaker opens it and hatched when the second does. The "
            "table below lists every run."
        ),
        "width": x0 + n_turns * step + 20,
        "height": height,
        "x0": x0,
        "patterns": patterns,
        "legend": [
            {"x": 200 + 150 * k, "fill": fills[s], "label": f"opened by {_speaker_label(s)}"}
            for k, s in enumerate(speakers)
        ],
        "ticks": [
            {"x": x0 + (t - 1) * step + step / 2, "label": t} for t in range(5, n_turns + 1, 5)
        ],
        "rows": chart_rows,
    }
    moved = changes[changes["changes_subject"]]
    counts = {s: int((moved["speaker"] == s).sum()) for s in speakers}
    change_text = (
        f"{len(moved)} turns share no theme with the turn before: "
        + "; ".join(f"{s} {c}" for s, c in counts.items())
        + ". Most turns carry on with at least one theme of the turn before."
    )
    return _tpl(
        "conv_agenda",
        lead_header=["Measure", *(_speaker_label(s) for s in speakers)],
        lead_rows=lead_rows,
        runs=runs_chart,
        run_header=["Theme", "Turns", "How many", "Opened by", "Closed by"],
        run_rows=[
            (
                r["label"],
                f"{int(r['start_turn'])}-{int(r['end_turn'])}",
                int(r["turns"]),
                r["opened_by"],
                r["closed_by"],
            )
            for r in to_records(runs)
        ],
        change_text=change_text,
        change_header=["Turn", "Speaker", "Leaves", "For"],
        change_rows=[
            (
                int(r["turn"]),
                r["speaker"],
                ", ".join(changes.loc[changes["turn"] == int(r["turn"]) - 1, "themes"].iloc[0])
                if (changes["turn"] == int(r["turn"]) - 1).any()
                else "",
                ", ".join(r["themes"]),
            )
            for r in to_records(moved)
        ],
        qa_header=[
            "Turn",
            "Asks",
            "Question",
            "Reply (turn)",
            "Reply begins",
            "Words that come back",
        ],
        qa_rows=[
            (
                int(r["turn"]),
                r["asker"],
                r["question"],
                ""
                if is_missing(r["answer_turn"])
                else f"{r['answerer']} ({int(r['answer_turn'])})",
                r["answer"],
                ", ".join(r["shared"]) or "none",
            )
            for r in to_records(questions)
        ],
    )


def passage_segments(text: object, marks: Iterable[tuple[int, int]]) -> list[dict[str, str]]:
    """Cut a turn's text into pieces for display: plain, marked, inside an insertion, or both.

    Parameters
    ----------
    text : str
        The turn as published; anything else (a missing cell) gives no pieces.
    marks : iterable of (int, int)
        Half-open character spans to highlight (overlaps are merged).

    Returns
    -------
    list of dict
        ``{"kind": "text" | "mark" | "ins" | "mark_ins", "text": ...}`` in order; the pieces'
        texts join up to ``text``.
    """
    if not isinstance(text, str) or not text:
        return []
    n = len(text)
    marked = _merge((max(0, int(a)), min(n, int(b))) for a, b in marks)
    inside = _merge(insertion_spans(text))
    cuts = sorted({0, n, *(x for span in marked + inside for x in span)})
    kinds = {
        (False, False): "text",
        (True, False): "mark",
        (False, True): "ins",
        (True, True): "mark_ins",
    }
    pieces: list[dict[str, str]] = []
    for a, b in itertools.pairwise(cuts):
        if a >= b:
            continue
        kind = kinds[(_covers(marked, a), _covers(inside, a))]
        if pieces and pieces[-1]["kind"] == kind:
            pieces[-1]["text"] += text[a:b]
        else:
            pieces.append({"kind": kind, "text": text[a:b]})
    return pieces


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(s for s in spans if s[0] < s[1]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _covers(spans: list[tuple[int, int]], k: int) -> bool:
    return any(a <= k < b for a, b in spans)


def passage_html(
    turn: int | None,
    speaker: str,
    text: str,
    marks: Iterable[tuple[int, int]],
    status: str,
    what: str = "",
) -> str:
    """Render one turn in full, with the chosen hits marked and the insertions shown.

    Parameters
    ----------
    turn : int or None
        ``None`` shows only the status line.
    speaker, text : str
        The turn's speaker and text as published.
    marks : iterable of (int, int)
        Spans to highlight.
    status : str
        The live-region message ("Turn 22, Kim: 3 uses of revisionism").
    what : str
        What the highlights are, for the legend.

    Returns
    -------
    str
        HTML.
    """
    legend = (
        f"Highlighted: {what}. " if what else ""
    ) + "Dotted underline: the translators' [insertions], which are not what was said."
    return _tpl(
        "passage",
        status=status,
        turn=turn,
        speaker=speaker,
        words=count_words(text),
        segments=passage_segments(text, marks),
        legend=legend,
    )


# --- the widget ----------------------------------------------------------------------------------


def _load(turns: Any, themes: Any, codebook: Any, lexicon: Any) -> tuple[pd.DataFrame, ...]:
    from course_lib.data import load_table, load_turns

    return (
        load_turns() if turns is None else turns,
        load_table("themes") if themes is None else themes,
        load_table("theme_codebook") if codebook is None else codebook,
        load_table("stance_lexicon") if lexicon is None else lexicon,
    )


def _turn_option(turn: int, speaker: str, text: str) -> str:
    words = str(text).split()
    opening = " ".join(words[:7]) + (" …" if len(words) > 7 else "")
    return f"Turn {turn} · {speaker} · {opening}"


def speaker_comparison(
    turns: pd.DataFrame | None = None,
    themes: pd.DataFrame | None = None,
    codebook: pd.DataFrame | None = None,
    term: str = "Khrushchev",
    lexicon: pd.DataFrame | None = None,
) -> w.VBox:
    """Build the speaker-comparison widget.

    Parameters
    ----------
    turns : DataFrame, optional
        Defaults to :func:`course_lib.load_turns`.
    themes, codebook : DataFrame, optional
        Default to the data package's ``themes`` and ``theme_codebook`` tables.
    term : str, default "Khrushchev"
        The term searched for at first.
    lexicon : DataFrame, optional
        The stance lexicon; defaults to the data package's ``stance_lexicon``.

    Returns
    -------
    ipywidgets.VBox
        The widget. ``.controls`` maps names to its input controls (``text``, ``preset``,
        ``term``, ``top_n``, ``stop_words``, ``measure``, ``highlight``, ``tabs``, and for the
        Conversation tab ``conv_view``, ``conv_term``, ``window``, ``marker``, ``turn``,
        ``previous``, ``next``) and ``.views`` to its HTML outputs (``summary``, ``terms``,
        ``distinctive``, ``themes``, ``flow``, ``conversation``, ``passage``), for tests and for
        instructors who want to drive it from code. The Conversation tab is computed the first
        time it is opened.
    """
    turns, themes, codebook, lexicon = _load(turns, themes, codebook, lexicon)
    speakers = sp.speaker_order(turns) if not turns.empty else []
    labels = dict(zip(codebook["theme"].astype(str), codebook["label"].astype(str), strict=True))
    ordered = turns.sort_values("turn", kind="stable")
    turn_info = {
        int(t): (str(s), x if isinstance(x, str) else "")
        for t, s, x in zip(ordered["turn"], ordered["speaker"], ordered["text"], strict=True)
    }
    # Results (frames and rendered HTML) are kept per setting in the course's one bounded memo
    # cache: about 50 terms' worth besides the fixed views.
    memo = Memo(limit=700)

    def cached(key: tuple[Any, ...], make: Callable[[], _T]) -> _T:
        return memo.get(key, make)

    kit = Kit()  # shared layouts and styles: no callback below changes one
    text_mode = kit.make(
        w.ToggleButtons,
        options=[("As published, with [insertions]", True), ("Only what was said", False)],
        value=True,
        description="Count:",
        tooltips=[
            "Count the translators' bracketed insertions as part of the text",
            "Leave out the translators' bracketed insertions",
        ],
        style={"description_width": "initial", "button_width": "auto"},
    )
    summary_view = kit.html()

    preset = kit.make(
        w.Dropdown,
        options=[("(type your own)", "")] + [(name, name) for name in ALIASES],
        value="",
        description="Preset:",
    )
    term_box = kit.make(
        w.Text,
        value=clean_input(term),
        description="Word or phrase:",
        placeholder="e.g. Khrushchev, or CPSU | Soviet Party",
        continuous_update=False,
        style={"description_width": "initial"},
        layout={"width": "32em"},
    )
    terms_view = kit.html()

    top_n = kit.make(
        w.IntSlider,
        value=10,
        min=5,
        max=30,
        step=1,
        description="Words per speaker:",
        style={"description_width": "initial"},
        layout={"width": "26em"},
    )
    stop_box = kit.make(
        w.Checkbox, value=True, description="Leave out common words (stop list)", indent=False
    )
    distinctive_view = kit.html()

    measure = kit.make(
        w.Dropdown,
        options=[("Share of turns", "share_turns"), ("Share of words", "share_words")],
        value="share_turns",
        description="Measure:",
    )
    themes_view = kit.html()

    highlight = kit.make(
        w.Dropdown,
        options=[("(none)", "")] + [(label, theme) for theme, label in labels.items()],
        value="",
        description="Highlight theme:",
        style={"description_width": "initial"},
    )
    flow_view = kit.html()

    # --- the Conversation tab's controls ---
    conv_view = kit.make(
        w.Dropdown,
        options=[(label, key) for key, label in CONVERSATION_VIEWS.items()],
        value="shares",
        description="Show:",
        layout={"width": "34em"},
    )
    conv_term = kit.make(
        w.Text,
        value="revisionism",
        description="Term:",
        placeholder="e.g. revisionism, split, debts",
        continuous_update=False,
    )
    window = kit.make(
        w.IntSlider,
        value=5,
        min=1,
        max=10,
        step=1,
        description="Words either side:",
        style={"description_width": "initial"},
        layout={"width": "26em"},
    )
    categories = (
        list(dict.fromkeys(str(c) for c in lexicon["category"])) if "category" in lexicon else []
    )
    categories = [c for c in sp.STANCE_CATEGORIES if c in categories] + [
        c for c in categories if c not in sp.STANCE_CATEGORIES
    ]
    marker = kit.make(
        w.Dropdown,
        options=[(sp.STANCE_CATEGORIES.get(c, c), c) for c in categories] or [("(no lexicon)", "")],
        value=categories[0] if categories else "",
        description="Marker:",
    )
    # The dispersion strip, whose strokes open their passage (mouse or keyboard); its own layout,
    # as it is hidden outside the term view.
    strip_chart = SelectableSVG(layout=w.Layout(display="none"))
    turn_pick = kit.make(
        w.Dropdown,
        options=[(_turn_option(t, s, x), t) for t, (s, x) in turn_info.items()],
        value=next(iter(turn_info), None),
        description="Show turn:",
        layout={"width": "34em"},
    )
    previous_btn = kit.make(
        w.Button,
        description="◀ Previous marked turn",
        tooltip="Go to the previous turn the view above points at",
        layout={"width": "auto"},
    )
    next_btn = kit.make(
        w.Button,
        description="Next marked turn ▶",
        tooltip="Go to the next turn the view above points at",
        layout={"width": "auto"},
    )
    conversation_view = kit.html()
    passage_view = kit.html()
    state: dict[str, Any] = {"opened": False, "marked": [], "what": "", "marks": {}}

    # --- callbacks: the first four tabs ---

    def show_summary(*_: Any) -> None:
        inc = bool(text_mode.value)
        summary_view.value = cached(
            ("summary_html", inc), lambda: summary_html(sp.speaker_summary(turns, inc))
        )

    def show_terms(*_: Any) -> None:
        inc = bool(text_mode.value)
        terms = parse_query(clean_input(term_box.value))
        words = cached(("words", inc), lambda: sp.words_per_speaker(turns, inc))
        hits = kwic(turns, terms, width=50, include_insertions=inc)
        terms_view.value = terms_html(sp.frequency_from_hits(hits, words), hits, terms)

    def show_distinctive(*_: Any) -> None:
        inc, stops = bool(text_mode.value), bool(stop_box.value)

        def make() -> pd.DataFrame:
            stop_words = STOP_WORDS if stops else frozenset()
            return sp.distinctive_words(turns, n=30, include_insertions=inc, stop_words=stop_words)

        top = cached(("distinctive", inc, stops), make)
        n = int(top_n.value)
        distinctive_view.value = cached(
            ("distinctive_html", inc, stops, n),
            lambda: distinctive_html(top[top["rank"] <= n], speakers),
        )

    def show_themes(*_: Any) -> None:
        shares = cached(("shares",), lambda: sp.theme_shares(turns, themes, codebook))
        firsts = cached(("firsts",), lambda: sp.theme_firsts(turns, themes, codebook))
        what = str(measure.value)
        themes_view.value = cached(
            ("themes_html", what), lambda: themes_html(shares, firsts, speakers, what)
        )

    def show_flow(*_: Any) -> None:
        inc = bool(text_mode.value)
        flow = cached(("flow", inc), lambda: sp.conversation_flow(turns, themes, inc))
        chosen = str(highlight.value or "")
        flow_view.value = cached(
            ("flow_html", inc, chosen), lambda: flow_html(flow, speakers, chosen, labels)
        )

    # --- callbacks: the Conversation tab ---

    def conv_terms() -> tuple[str, ...]:
        return parse_query(clean_input(conv_term.value))

    def term_results(terms: tuple[str, ...], inc: bool) -> dict[str, Any]:
        def make() -> dict[str, Any]:
            per_turn = sp.per_turn_counts(turns, terms, inc)
            return {
                "per_turn": per_turn,
                "intervals": sp.rate_intervals(per_turn),
                "comparison": sp.rate_comparison(per_turn),
                "arithmetic": sp.rate_arithmetic(per_turn),
                "where": sp.dispersion(turns, terms, inc),
                "framing": sp.framing_uptake(turns, terms, inc, per_turn=per_turn),
            }

        return cached(("term:results", terms, inc), make)

    def render_shares(inc: bool) -> str:
        def make() -> str:
            per_turn = sp.per_turn_counts(turns, include_insertions=inc)
            return shares_html(
                sp.word_share_intervals(per_turn),
                sp.word_share_comparison(per_turn),
                sp.share_arithmetic(per_turn),
                sp.distinctive_uncertainty(turns, n=5, include_insertions=inc),
                inc,
            )

        return cached(("conv_shares", inc), make)

    def render_term(inc: bool) -> str:
        terms = conv_terms()
        size = int(window.value)

        def make() -> str:
            if not terms:
                empty = pd.DataFrame()
                return term_html((), empty, empty, empty, empty, empty, empty, empty)
            r = term_results(terms, inc)
            near = sp.collocates(turns, terms, size, include_insertions=inc)
            return term_html(
                terms, r["per_turn"], r["intervals"], r["comparison"], r["arithmetic"],
                r["where"], near, r["framing"], size, inc, inline_chart=False,
            )  # fmt: skip

        return cached(("term:html", terms, inc, size), make)

    def stance_results(inc: bool) -> dict[str, Any]:
        def make() -> dict[str, Any]:
            hits = sp.stance_hits(turns, lexicon, inc)
            per_turn = sp.stance_per_turn(turns, lexicon, inc, hits=hits)
            return {
                "rates": sp.stance_rates(turns, lexicon, inc, per_turn=per_turn),
                "comparison": sp.stance_comparison(turns, lexicon, inc, per_turn=per_turn),
                "hits": hits,
                "per_turn": per_turn,
            }

        return cached(("stance", inc), make)

    def render_stance(inc: bool) -> str:
        chosen = str(marker.value or "")

        def make() -> str:
            r = stance_results(inc)
            return stance_html(
                r["rates"], r["comparison"], r["hits"], lexicon, chosen, r["per_turn"], inc
            )

        return cached(("stance_html", inc, chosen), make)

    def render_uptake(inc: bool) -> str:
        terms = conv_terms()

        def make() -> str:
            per = cached(("uptake_turns", inc), lambda: sp.uptake_per_turn(turns, inc))
            summary = cached(("uptake", inc), lambda: sp.uptake(turns, inc))
            comparison = cached(
                ("uptake_cmp", inc),
                lambda: sp.rate_comparison(
                    per, "taken", "content_words", 1.0, what="words taken up"
                ),
            )
            presets = ["revisionism", "split", "debts"]
            known = [parse_query(p) for p in presets]
            extra = [" | ".join(terms)] if terms and terms not in known else []
            framing = sp.framing_summary(turns, presets + extra, inc)
            return uptake_html(summary, comparison, per, framing, inc)

        return cached(("term:uptake_html", terms, inc), make)

    def render_agenda() -> str:
        def make() -> str:
            return agenda_html(
                sp.initiative(turns, themes, codebook),
                sp.theme_runs(turns, themes, codebook),
                sp.subject_changes(turns, themes, codebook),
                sp.question_answers(turns),
                speakers,
                len(turn_info),
            )

        return cached(("agenda_html",), make)

    def marked_turns(
        view: str, inc: bool
    ) -> tuple[list[int], str, dict[int, list[tuple[int, int]]]]:
        """The turns the current view points at, what is highlighted, and where (published text)."""
        terms = conv_terms()
        if view in ("term", "uptake") and terms:
            per_turn = term_results(terms, inc)["per_turn"]
            marked = [int(t) for t in per_turn.loc[per_turn["hits"] > 0, "turn"]]
            spans = {t: find_term(turn_info[t][1], terms) for t in marked}
            return marked, f"uses of {' | '.join(terms)}", spans
        if view == "stance" and marker.value:
            hits = stance_results(inc)["hits"]
            mine = hits[hits["category"] == marker.value]
            marked = sorted({int(t) for t in mine["turn"]})
            label = sp.STANCE_CATEGORIES.get(str(marker.value), str(marker.value))
            published = cached(
                ("stance_pub",), lambda: sp.stance_hits(turns, lexicon, True, width=0)
            )
            pub = published[published["category"] == marker.value]
            spans = {
                t: list(zip(part["start"], part["end"], strict=True))
                for t, part in pub.groupby("turn")
            }
            return marked, f"{label} markers", spans
        if view == "agenda":
            qa = cached(("qa",), lambda: sp.question_answers(turns))
            changes = cached(("changes",), lambda: sp.subject_changes(turns, themes, codebook))
            marked = sorted(
                set(changes.loc[changes["changes_subject"], "turn"].astype(int))
                | set(qa["turn"].astype(int))
            )
            return marked, "", {}
        return list(turn_info), "", {}

    def show_passage(*_: Any) -> None:
        turn = turn_pick.value
        if turn is None or turn not in turn_info:
            passage_view.value = passage_html(None, "", "", [], "No turn to show.")
            return
        marked, what = state["marked"], state["what"]
        spans = tuple(state["marks"].get(turn, ()))

        def make() -> str:
            speaker, text = turn_info[turn]
            where = (
                f"marked turn {marked.index(turn) + 1} of {len(marked)}"
                if turn in marked and len(marked) < len(turn_info)
                else ("not one of the marked turns" if len(marked) < len(turn_info) else "")
            )
            status = f"Turn {turn} of {len(turn_info)}, {speaker}" + (f": {where}" if where else "")
            if spans and what:
                status += f"; {len(spans)} highlighted"
            return passage_html(turn, speaker, text, spans, status + ".", what)

        passage_view.value = cached(("term:passage", turn, tuple(marked), what, spans), make)

    def show_conversation(*_: Any) -> None:
        if not state["opened"]:
            return
        inc = bool(text_mode.value)
        view = str(conv_view.value)
        conv_term.disabled = view not in ("term", "uptake")
        window.disabled = view != "term"
        marker.disabled = view != "stance"
        render = {
            "shares": lambda: render_shares(inc),
            "term": lambda: render_term(inc),
            "stance": lambda: render_stance(inc),
            "uptake": lambda: render_uptake(inc),
            "agenda": render_agenda,
        }[view]
        conversation_view.value = render()
        terms = conv_terms()
        strip = ""
        if view == "term" and terms:
            r = term_results(terms, inc)
            strip = cached(
                ("term:strip", terms, inc),
                lambda: strip_svg(r["where"], r["per_turn"], speakers),
            )
        strip_chart.svg = strip
        strip_chart.layout.display = None if strip else "none"
        key = (view, inc, terms, str(marker.value or "")) if view != "agenda" else (view,)
        state["marked"], state["what"], state["marks"] = cached(
            ("term:marked", *key), lambda: marked_turns(view, inc)
        )
        show_passage()

    def step(delta: int) -> None:
        marked = state["marked"] or list(turn_info)
        current = turn_pick.value
        if delta > 0:
            after = [t for t in marked if current is None or t > current]
            target = after[0] if after else marked[0]
        else:
            before = [t for t in marked if current is None or t < current]
            target = before[-1] if before else marked[-1]
        if target == current:
            show_passage()
        else:
            turn_pick.value = target

    def on_tab(change: dict[str, Any]) -> None:
        if change.get("new") == 4 and not state["opened"]:
            state["opened"] = True
            # Shown while the resampling runs (a second or so, once).
            conversation_view.value = _message("Working out the measures …")
            show_conversation()

    def apply_preset(change: dict[str, Any]) -> None:
        name = change.get("new") or ""
        if name in ALIASES:
            term_box.value = " | ".join(ALIASES[name])

    def on_mode(*_: Any) -> None:
        show_summary()
        show_terms()
        show_distinctive()
        show_flow()
        show_conversation()

    text_mode.observe(on_mode, names="value")
    preset.observe(apply_preset, names="value")
    term_box.observe(show_terms, names="value")
    top_n.observe(show_distinctive, names="value")
    stop_box.observe(show_distinctive, names="value")
    measure.observe(show_themes, names="value")
    highlight.observe(show_flow, names="value")
    for control in (conv_view, conv_term, window, marker):
        control.observe(show_conversation, names="value")
    turn_pick.observe(show_passage, names="value")

    def pick_stroke(change: dict[str, Any]) -> None:
        chosen = str(change.get("new") or "")
        if chosen.isdigit() and int(chosen) in turn_info:
            turn_pick.value = int(chosen)

    strip_chart.observe(pick_stroke, names="selected")
    previous_btn.on_click(lambda _: step(-1))
    next_btn.on_click(lambda _: step(+1))

    for show in (show_summary, show_terms, show_distinctive, show_themes, show_flow):
        show()
    passage_view.value = passage_html(
        None, "", "", [], "Open the Conversation tab to compute its measures."
    )

    def column(*children: Any) -> w.VBox:
        return kit.make(w.VBox, children=children)

    def row(*children: Any) -> w.HBox:
        return kit.make(w.HBox, children=children)

    tabs = kit.make(
        w.Tab,
        children=[
            column(row(preset, term_box), terms_view),
            column(row(top_n, stop_box), distinctive_view),
            column(measure, themes_view),
            column(highlight, flow_view),
            column(
                conv_view,
                row(conv_term, window, marker),
                conversation_view,
                strip_chart,
                row(turn_pick, previous_btn, next_btn),
                passage_view,
            ),
        ],
    )
    for k, title in enumerate(
        ["Words and terms", "Distinctive words", "Themes", "Flow", "Conversation"]
    ):
        tabs.set_title(k, title)
    tabs.observe(on_tab, names="selected_index")

    box = column(
        kit.html(style_tag()),
        kit.guard(),
        kit.html("<h3>Who speaks, and how</h3>"),
        text_mode,
        summary_view,
        tabs,
    )
    box.add_class("p63")
    box.add_class("p63-speaker-comparison")
    box.controls = {
        "text": text_mode,
        "preset": preset,
        "term": term_box,
        "top_n": top_n,
        "stop_words": stop_box,
        "measure": measure,
        "highlight": highlight,
        "tabs": tabs,
        "conv_view": conv_view,
        "conv_term": conv_term,
        "window": window,
        "marker": marker,
        "turn": turn_pick,
        "previous": previous_btn,
        "next": next_btn,
    }
    box.views = {
        "summary": summary_view,
        "terms": terms_view,
        "distinctive": distinctive_view,
        "themes": themes_view,
        "flow": flow_view,
        "conversation": conversation_view,
        "passage": passage_view,
        "strip": strip_chart,
    }
    return box
