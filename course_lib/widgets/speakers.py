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


_NO_COLLOCATE = ("(choose a word near the term)", "")


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
    return _Comparison(turns, themes, codebook, lexicon, term).box


def _stance_categories(lexicon: pd.DataFrame) -> list[str]:
    """The lexicon's marker categories: the known ones in their usual order, then any others."""
    found = (
        list(dict.fromkeys(str(c) for c in lexicon["category"])) if "category" in lexicon else []
    )
    return [c for c in sp.STANCE_CATEGORIES if c in found] + [
        c for c in found if c not in sp.STANCE_CATEGORIES
    ]


#: What the Conversation tab's views point at: turns, what is highlighted, and where.
_Marked = tuple[list[int], str, dict[int, list[tuple[int, int]]]]


class _Comparison:
    """The speaker comparison's wiring: its controls, one method per view and per callback.

    Every ``show_*`` method renders one view from the controls' values through the pure
    ``*_html`` renderers; results (frames and rendered HTML) are kept per setting in the course's
    one bounded memo cache, about 50 terms' worth besides the fixed views. Build it with
    :func:`speaker_comparison`.
    """

    def __init__(
        self,
        turns: pd.DataFrame,
        themes: pd.DataFrame,
        codebook: pd.DataFrame,
        lexicon: pd.DataFrame,
        term: str,
    ) -> None:
        self.turns, self.themes, self.codebook, self.lexicon = turns, themes, codebook, lexicon
        self.speakers = sp.speaker_order(turns) if not turns.empty else []
        self.labels = dict(
            zip(codebook["theme"].astype(str), codebook["label"].astype(str), strict=True)
        )
        ordered = turns.sort_values("turn", kind="stable")
        self.turn_info = {
            int(t): (str(s), x if isinstance(x, str) else "")
            for t, s, x in zip(ordered["turn"], ordered["speaker"], ordered["text"], strict=True)
        }
        self.memo = Memo(limit=700)
        self.kit = Kit()  # shared layouts and styles: no callback below changes one
        self.opened = False
        # Tabs other than the first are rendered when first opened (most learners open one or
        # two), which keeps the builder cheap in a lesson's kernel.
        self.seen_tabs = {0}
        self.marked: list[int] = []
        self.what = ""
        self.marks: dict[int, list[tuple[int, int]]] = {}
        self.collocate_turns: dict[str, list[int]] = {}
        self.syncing_collocate = False
        self._make_tab_controls(term)
        self._make_conversation_controls()
        self._wire()
        for show in (self.show_summary, self.show_terms):
            show()
        for view in (self.distinctive_view, self.themes_view, self.flow_view):
            view.value = _message("Working out this view …")
        self.passage_view.value = passage_html(
            None, "", "", [], "Open the Conversation tab to compute its measures."
        )
        self.box = self._layout()

    def cached(self, key: tuple[Any, ...], make: Callable[[], _T]) -> _T:
        """The value kept under ``key``, computed by ``make()`` the first time."""
        return self.memo.get(key, make)

    # --- controls ---

    def _make_tab_controls(self, term: str) -> None:
        kit = self.kit
        self.text_mode = kit.make(
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
        self.summary_view = kit.html()
        self.preset = kit.make(
            w.Dropdown,
            options=[("(type your own)", "")] + [(name, name) for name in ALIASES],
            value="",
            description="Preset:",
        )
        self.term_box = kit.make(
            w.Text,
            value=clean_input(term),
            description="Word or phrase:",
            placeholder="e.g. Khrushchev, or CPSU | Soviet Party",
            continuous_update=False,
            style={"description_width": "initial"},
            layout={"width": "32em"},
        )
        self.terms_view = kit.html()
        self.top_n = kit.make(
            w.IntSlider,
            value=10,
            min=5,
            max=30,
            step=1,
            description="Words per speaker:",
            style={"description_width": "initial"},
            layout={"width": "26em"},
        )
        self.stop_box = kit.make(
            w.Checkbox, value=True, description="Leave out common words (stop list)", indent=False
        )
        self.distinctive_view = kit.html()
        self.measure = kit.make(
            w.Dropdown,
            options=[("Share of turns", "share_turns"), ("Share of words", "share_words")],
            value="share_turns",
            description="Measure:",
        )
        self.themes_view = kit.html()
        self.highlight = kit.make(
            w.Dropdown,
            options=[("(none)", "")] + [(label, theme) for theme, label in self.labels.items()],
            value="",
            description="Highlight theme:",
            style={"description_width": "initial"},
        )
        self.flow_view = kit.html()

    def _make_conversation_controls(self) -> None:
        kit = self.kit
        self.conv_view = kit.make(
            w.Dropdown,
            options=[(label, key) for key, label in CONVERSATION_VIEWS.items()],
            value="shares",
            description="Show:",
            layout={"width": "34em"},
        )
        self.conv_term = kit.make(
            w.Text,
            value="revisionism",
            description="Term:",
            placeholder="e.g. revisionism, split, debts",
            continuous_update=False,
        )
        self.window = kit.make(
            w.IntSlider,
            value=5,
            min=1,
            max=10,
            step=1,
            description="Words either side:",
            style={"description_width": "initial"},
            layout={"width": "26em"},
        )
        # Collocates lead to their passage: choosing a word near the term opens the first turn
        # where they stand together (the turn list then steps through the term's turns).
        self.collocate = kit.make(
            w.Dropdown,
            options=[_NO_COLLOCATE],
            value="",
            description="Open a word near it:",
            style={"description_width": "initial"},
        )
        categories = _stance_categories(self.lexicon)
        self.marker = kit.make(
            w.Dropdown,
            options=[(sp.STANCE_CATEGORIES.get(c, c), c) for c in categories]
            or [("(no lexicon)", "")],
            value=categories[0] if categories else "",
            description="Marker:",
        )
        # The dispersion strip, whose strokes open their passage (mouse or keyboard); its own
        # layout, as it is hidden outside the term view.
        self.strip_chart = SelectableSVG(layout=w.Layout(display="none"))
        self.turn_pick = kit.make(
            w.Dropdown,
            options=[(_turn_option(t, s, x), t) for t, (s, x) in self.turn_info.items()],
            value=next(iter(self.turn_info), None),
            description="Show turn:",
            layout={"width": "34em"},
        )
        self.previous_btn = kit.make(
            w.Button,
            description="◀ Previous marked turn",
            tooltip="Go to the previous turn the view above points at",
            layout={"width": "auto"},
        )
        self.next_btn = kit.make(
            w.Button,
            description="Next marked turn ▶",
            tooltip="Go to the next turn the view above points at",
            layout={"width": "auto"},
        )
        self.conversation_view = kit.html()
        self.passage_view = kit.html()

    def _wire(self) -> None:
        self.text_mode.observe(self.on_mode, names="value")
        self.preset.observe(self.apply_preset, names="value")
        self.term_box.observe(self.show_terms, names="value")
        self.top_n.observe(self.show_distinctive, names="value")
        self.stop_box.observe(self.show_distinctive, names="value")
        self.measure.observe(self.show_themes, names="value")
        self.highlight.observe(self.show_flow, names="value")
        for control in (self.conv_view, self.conv_term, self.window, self.marker):
            control.observe(self.show_conversation, names="value")
        self.turn_pick.observe(self.show_passage, names="value")
        self.strip_chart.observe(self.pick_stroke, names="selected")
        self.collocate.observe(self.pick_collocate, names="value")
        self.previous_btn.on_click(lambda _: self.step(-1))
        self.next_btn.on_click(lambda _: self.step(+1))

    def _layout(self) -> w.VBox:
        column, row = self._column, self._row
        self.tabs = self.kit.make(
            w.Tab,
            children=[
                column(row(self.preset, self.term_box), self.terms_view),
                column(row(self.top_n, self.stop_box), self.distinctive_view),
                column(self.measure, self.themes_view),
                column(self.highlight, self.flow_view),
                column(
                    self.conv_view,
                    row(self.conv_term, self.window, self.marker),
                    self.conversation_view,
                    self.collocate,
                    self.strip_chart,
                    row(self.turn_pick, self.previous_btn, self.next_btn),
                    self.passage_view,
                ),
            ],
        )
        for k, title in enumerate(
            ["Words and terms", "Distinctive words", "Themes", "Flow", "Conversation"]
        ):
            self.tabs.set_title(k, title)
        self.tabs.observe(self.on_tab, names="selected_index")
        box = column(
            self.kit.html(style_tag()),
            self.kit.guard(),
            self.kit.html("<h3>Who speaks, and how</h3>"),
            self.text_mode,
            self.summary_view,
            self.tabs,
        )
        box.add_class("p63")
        box.add_class("p63-speaker-comparison")
        box.controls = self._controls()
        box.views = {
            "summary": self.summary_view,
            "terms": self.terms_view,
            "distinctive": self.distinctive_view,
            "themes": self.themes_view,
            "flow": self.flow_view,
            "conversation": self.conversation_view,
            "passage": self.passage_view,
            "strip": self.strip_chart,
        }
        return box

    def _controls(self) -> dict[str, w.Widget]:
        return {
            "text": self.text_mode,
            "preset": self.preset,
            "term": self.term_box,
            "top_n": self.top_n,
            "stop_words": self.stop_box,
            "measure": self.measure,
            "highlight": self.highlight,
            "tabs": self.tabs,
            "conv_view": self.conv_view,
            "conv_term": self.conv_term,
            "collocate": self.collocate,
            "window": self.window,
            "marker": self.marker,
            "turn": self.turn_pick,
            "previous": self.previous_btn,
            "next": self.next_btn,
        }

    def _column(self, *children: Any) -> w.VBox:
        return self.kit.make(w.VBox, children=children)

    def _row(self, *children: Any) -> w.HBox:
        return self.kit.make(w.HBox, children=children)

    # --- the first four tabs ---

    @property
    def inc(self) -> bool:
        """Whether the translators' insertions are counted."""
        return bool(self.text_mode.value)

    def show_summary(self, *_: Any) -> None:
        """Render the side-by-side summary."""
        inc = self.inc
        self.summary_view.value = self.cached(
            ("summary_html", inc), lambda: summary_html(sp.speaker_summary(self.turns, inc))
        )

    def show_terms(self, *_: Any) -> None:
        """Render the term's counts and keyword-in-context lines."""
        inc = self.inc
        terms = parse_query(clean_input(self.term_box.value))
        words = self.cached(("words", inc), lambda: sp.words_per_speaker(self.turns, inc))
        hits = kwic(self.turns, terms, width=50, include_insertions=inc)
        self.terms_view.value = terms_html(sp.frequency_from_hits(hits, words), hits, terms)

    def show_distinctive(self, *_: Any) -> None:
        """Render each speaker's most distinctive words (once its tab has been opened)."""
        if 1 not in self.seen_tabs:
            return
        inc, stops = self.inc, bool(self.stop_box.value)

        def make() -> pd.DataFrame:
            stop_words = STOP_WORDS if stops else frozenset()
            return sp.distinctive_words(
                self.turns, n=30, include_insertions=inc, stop_words=stop_words
            )

        top = self.cached(("distinctive", inc, stops), make)
        n = int(self.top_n.value)
        self.distinctive_view.value = self.cached(
            ("distinctive_html", inc, stops, n),
            lambda: distinctive_html(top[top["rank"] <= n], self.speakers),
        )

    def show_themes(self, *_: Any) -> None:
        """Render the theme shares (once its tab has been opened)."""
        if 2 not in self.seen_tabs:
            return
        turns, themes, codebook = self.turns, self.themes, self.codebook
        shares = self.cached(("shares",), lambda: sp.theme_shares(turns, themes, codebook))
        firsts = self.cached(("firsts",), lambda: sp.theme_firsts(turns, themes, codebook))
        what = str(self.measure.value)
        self.themes_view.value = self.cached(
            ("themes_html", what), lambda: themes_html(shares, firsts, self.speakers, what)
        )

    def show_flow(self, *_: Any) -> None:
        """Render the conversation's flow, turn by turn (once its tab has been opened)."""
        if 3 not in self.seen_tabs:
            return
        inc = self.inc
        flow = self.cached(
            ("flow", inc), lambda: sp.conversation_flow(self.turns, self.themes, inc)
        )
        chosen = str(self.highlight.value or "")
        self.flow_view.value = self.cached(
            ("flow_html", inc, chosen),
            lambda: flow_html(flow, self.speakers, chosen, self.labels),
        )

    def apply_preset(self, change: dict[str, Any]) -> None:
        """Put a preset's spellings in the term box."""
        name = change.get("new") or ""
        if name in ALIASES:
            self.term_box.value = " | ".join(ALIASES[name])

    def on_mode(self, *_: Any) -> None:
        """Counting with or without insertions changes every view but the themes."""
        self.show_summary()
        self.show_terms()
        self.show_distinctive()
        self.show_flow()
        self.show_conversation()

    # --- the Conversation tab: results and renderings ---

    def conv_terms(self) -> tuple[str, ...]:
        """The Conversation tab's term, as an alias group."""
        return parse_query(clean_input(self.conv_term.value))

    def term_results(self, terms: tuple[str, ...], inc: bool) -> dict[str, Any]:
        """A term's per-turn counts, rates, intervals, dispersion and framing."""
        turns = self.turns

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

        return self.cached(("term:results", terms, inc), make)

    def render_shares(self, inc: bool) -> str:
        """The word shares with their intervals."""
        turns = self.turns

        def make() -> str:
            per_turn = sp.per_turn_counts(turns, include_insertions=inc)
            return shares_html(
                sp.word_share_intervals(per_turn),
                sp.word_share_comparison(per_turn),
                sp.share_arithmetic(per_turn),
                sp.distinctive_uncertainty(turns, n=5, include_insertions=inc),
                inc,
            )

        return self.cached(("conv_shares", inc), make)

    def render_term(self, inc: bool) -> str:
        """The term view: rates, where it falls, collocates and framing."""
        terms = self.conv_terms()
        size = int(self.window.value)

        def make() -> str:
            if not terms:
                empty = pd.DataFrame()
                return term_html((), empty, empty, empty, empty, empty, empty, empty)
            r = self.term_results(terms, inc)
            near = sp.collocates(self.turns, terms, size, include_insertions=inc)
            return term_html(
                terms, r["per_turn"], r["intervals"], r["comparison"], r["arithmetic"],
                r["where"], near, r["framing"], size, inc, inline_chart=False,
            )  # fmt: skip

        return self.cached(("term:html", terms, inc, size), make)

    def stance_results(self, inc: bool) -> dict[str, Any]:
        """Stance-marker hits, per-turn counts, rates and the comparison."""
        turns, lexicon = self.turns, self.lexicon

        def make() -> dict[str, Any]:
            hits = sp.stance_hits(turns, lexicon, inc)
            per_turn = sp.stance_per_turn(turns, lexicon, inc, hits=hits)
            return {
                "rates": sp.stance_rates(turns, lexicon, inc, per_turn=per_turn),
                "comparison": sp.stance_comparison(turns, lexicon, inc, per_turn=per_turn),
                "hits": hits,
                "per_turn": per_turn,
            }

        return self.cached(("stance", inc), make)

    def render_stance(self, inc: bool) -> str:
        """The stance view for the chosen marker."""
        chosen = str(self.marker.value or "")

        def make() -> str:
            r = self.stance_results(inc)
            return stance_html(
                r["rates"], r["comparison"], r["hits"], self.lexicon, chosen, r["per_turn"], inc
            )

        return self.cached(("stance_html", inc, chosen), make)

    def render_uptake(self, inc: bool) -> str:
        """The uptake view: whose words come back, and the framing of the presets and the term."""
        terms = self.conv_terms()
        turns = self.turns

        def make() -> str:
            per = self.cached(("uptake_turns", inc), lambda: sp.uptake_per_turn(turns, inc))
            summary = self.cached(("uptake", inc), lambda: sp.uptake(turns, inc))
            comparison = self.cached(
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

        return self.cached(("term:uptake_html", terms, inc), make)

    def render_agenda(self) -> str:
        """The agenda view: initiative, theme runs, subject changes, questions."""
        turns, themes, codebook = self.turns, self.themes, self.codebook

        def make() -> str:
            return agenda_html(
                sp.initiative(turns, themes, codebook),
                sp.theme_runs(turns, themes, codebook),
                sp.subject_changes(turns, themes, codebook),
                sp.question_answers(turns),
                self.speakers,
                len(self.turn_info),
            )

        return self.cached(("agenda_html",), make)

    # --- the Conversation tab: which turns a view points at ---

    def marked_turns(self, view: str, inc: bool) -> _Marked:
        """The turns the current view points at, what is highlighted, and where (published)."""
        terms = self.conv_terms()
        if view in ("term", "uptake") and terms:
            return self._marked_by_term(terms, inc)
        if view == "stance" and self.marker.value:
            return self._marked_by_stance(str(self.marker.value), inc)
        if view == "agenda":
            return self._marked_by_agenda(), "", {}
        return list(self.turn_info), "", {}

    def _marked_by_term(self, terms: tuple[str, ...], inc: bool) -> _Marked:
        per_turn = self.term_results(terms, inc)["per_turn"]
        marked = [int(t) for t in per_turn.loc[per_turn["hits"] > 0, "turn"]]
        spans = {t: find_term(self.turn_info[t][1], terms) for t in marked}
        return marked, f"uses of {' | '.join(terms)}", spans

    def _marked_by_stance(self, category: str, inc: bool) -> _Marked:
        hits = self.stance_results(inc)["hits"]
        mine = hits[hits["category"] == category]
        marked = sorted({int(t) for t in mine["turn"]})
        label = sp.STANCE_CATEGORIES.get(category, category)
        published = self.cached(
            ("stance_pub",), lambda: sp.stance_hits(self.turns, self.lexicon, True, width=0)
        )
        pub = published[published["category"] == category]
        spans: dict[int, list[tuple[int, int]]] = {}
        for t, start, end in zip(pub["turn"], pub["start"], pub["end"], strict=True):
            spans.setdefault(int(t), []).append((int(start), int(end)))
        return marked, f"{label} markers", spans

    def _marked_by_agenda(self) -> list[int]:
        turns, themes, codebook = self.turns, self.themes, self.codebook
        qa = self.cached(("qa",), lambda: sp.question_answers(turns))
        changes = self.cached(("changes",), lambda: sp.subject_changes(turns, themes, codebook))
        return sorted(
            set(changes.loc[changes["changes_subject"], "turn"].astype(int))
            | set(qa["turn"].astype(int))
        )

    # --- the Conversation tab: callbacks ---

    def _passage_status(self, turn: int, speaker: str, spans: tuple[Any, ...]) -> str:
        marked, total = self.marked, len(self.turn_info)
        where = ""
        if len(marked) < total:
            where = (
                f"marked turn {marked.index(turn) + 1} of {len(marked)}"
                if turn in marked
                else "not one of the marked turns"
            )
        status = f"Turn {turn} of {total}, {speaker}" + (f": {where}" if where else "")
        if spans and self.what:
            status += f"; {len(spans)} highlighted"
        return status + "."

    def show_passage(self, *_: Any) -> None:
        """Show the chosen turn, its marked words highlighted."""
        turn = self.turn_pick.value
        if turn is None or turn not in self.turn_info:
            self.passage_view.value = passage_html(None, "", "", [], "No turn to show.")
            return
        what = self.what
        spans = tuple(self.marks.get(turn, ()))

        def make() -> str:
            speaker, text = self.turn_info[turn]
            status = self._passage_status(turn, speaker, spans)
            return passage_html(turn, speaker, text, spans, status, what)

        self.passage_view.value = self.cached(
            ("term:passage", turn, tuple(self.marked), what, spans), make
        )

    def _render_view(self, view: str, inc: bool) -> str:
        if view == "agenda":
            return self.render_agenda()
        render = {
            "shares": self.render_shares,
            "term": self.render_term,
            "stance": self.render_stance,
            "uptake": self.render_uptake,
        }[view]
        return render(inc)

    def _show_strip(self, view: str, inc: bool, terms: tuple[str, ...]) -> None:
        strip = ""
        if view == "term" and terms:
            r = self.term_results(terms, inc)
            strip = self.cached(
                ("term:strip", terms, inc),
                lambda: strip_svg(r["where"], r["per_turn"], self.speakers),
            )
        self.strip_chart.svg = strip
        self.strip_chart.layout.display = None if strip else "none"

    def show_conversation(self, *_: Any) -> None:
        """Render the chosen Conversation view, its strip, and the turns it points at."""
        if not self.opened:
            return
        inc = self.inc
        view = str(self.conv_view.value)
        self.conv_term.disabled = view not in ("term", "uptake")
        self.window.disabled = view != "term"
        self.marker.disabled = view != "stance"
        self.conversation_view.value = self._render_view(view, inc)
        terms = self.conv_terms()
        self._show_strip(view, inc, terms)
        self._show_collocates(view, inc, terms)
        key = (view, inc, terms, str(self.marker.value or "")) if view != "agenda" else (view,)
        self.marked, self.what, self.marks = self.cached(
            ("term:marked", *key), lambda: self.marked_turns(view, inc)
        )
        self.show_passage()

    def _show_collocates(self, view: str, inc: bool, terms: tuple[str, ...]) -> None:
        """The words near the term, each leading to the first turn where they stand together."""
        options: list[tuple[str, str]] = [_NO_COLLOCATE]
        self.collocate_turns = {}
        if view == "term" and terms:
            size = int(self.window.value)
            near = self.cached(
                ("term:near", terms, inc, size),
                lambda: sp.collocates(self.turns, terms, size, include_insertions=inc),
            )
            for row in to_records(near):
                word, turns = str(row["word"]), [int(t) for t in row["turns"]]
                self.collocate_turns[word] = turns
                where = ", ".join(str(t) for t in turns[:6])
                options.append((f"{word} ({int(row['together'])}x; turn {where})", word))
        self.syncing_collocate = True
        try:
            self.collocate.options = options
            self.collocate.value = ""
        finally:
            self.syncing_collocate = False
        self.collocate.disabled = len(options) == 1

    def pick_collocate(self, change: dict[str, Any]) -> None:
        """A word chosen near the term opens the first turn where they stand together."""
        if self.syncing_collocate:
            return
        turns = self.collocate_turns.get(str(change.get("new") or ""), [])
        if turns and turns[0] in self.turn_info:
            self.turn_pick.value = turns[0]

    def step(self, delta: int) -> None:
        """Go to the next (``delta > 0``) or previous marked turn, wrapping round."""
        marked = self.marked or list(self.turn_info)
        current = self.turn_pick.value
        if delta > 0:
            after = [t for t in marked if current is None or t > current]
            target = after[0] if after else marked[0]
        else:
            before = [t for t in marked if current is None or t < current]
            target = before[-1] if before else marked[-1]
        if target == current:
            self.show_passage()
        else:
            self.turn_pick.value = target

    def on_tab(self, change: dict[str, Any]) -> None:
        """Compute a tab the first time it is opened."""
        index = change.get("new")
        lazy = {1: self.show_distinctive, 2: self.show_themes, 3: self.show_flow}
        if index in lazy and index not in self.seen_tabs:
            self.seen_tabs.add(index)
            lazy[index]()
        if index == 4 and not self.opened:
            self.opened = True
            # Shown while the resampling runs (a second or so, once).
            self.conversation_view.value = _message("Working out the measures …")
            self.show_conversation()

    def pick_stroke(self, change: dict[str, Any]) -> None:
        """A stroke picked in the dispersion strip opens its turn."""
        chosen = str(change.get("new") or "")
        if chosen.isdigit() and int(chosen) in self.turn_info:
            self.turn_pick.value = int(chosen)
