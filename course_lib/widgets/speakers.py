"""Speaker comparison: who speaks, how much, in what words and about what.

:func:`speaker_comparison` builds the widget; the ``*_html`` functions are the pure renderers its
callbacks call (DataFrames in, an HTML string out, every value escaped). The numbers come from
:mod:`course_lib.speakers` and :mod:`course_lib.text`.

Accessibility: every control has a visible ``description``; every chart is an inline SVG with
``role="img"`` and an ``aria-label``, followed by a table that carries the same numbers; speakers
are told apart by position, pattern and a letter as well as by colour (Okabe-Ito palette).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w
import pandas as pd

from course_lib import speakers as sp
from course_lib.text import ALIASES, kwic, parse_query
from course_lib.widgets._common import (
    OKABE_ITO,
    SPEAKER_COLOURS,
    SPEAKER_MARKS,
    Kit,
    clean_input,
    esc,
    html_table,
)

__all__ = [
    "MAX_KWIC_LINES",
    "distinctive_html",
    "flow_html",
    "speaker_comparison",
    "summary_html",
    "terms_html",
    "themes_html",
]

#: Keyword-in-context lines shown per speaker before "and N more".
MAX_KWIC_LINES = 40

#: Colour for a speaker the palette does not know (never the only cue: letters and position too).
_GREY = OKABE_ITO["black"]
# The last rule darkens the labels of the inactive tabs: Voila's theme draws them #6d6d6d on
# #eeeeee (4.45:1, below WCAG's 4.5:1). It lives in every view's <style>, and the summary view,
# which sits outside the Tab, is always rendered, so the rule is in the page whenever the tabs are.
_STYLE = """<style>
.p63-sc table{border-collapse:collapse;margin:.3em 0}
.p63-sc th,.p63-sc td{border:1px solid #bbb;padding:.15em .45em;text-align:left;vertical-align:top}
.p63-sc .p63-side{display:flex;flex-wrap:wrap;gap:1.2em}
.p63-sc .p63-side>section{flex:1 1 20em;min-width:16em}
.p63-sc .p63-kwic{font-family:monospace;font-size:.92em;list-style:none;padding-left:0}
.p63-sc .p63-kwic li{margin:.15em 0}
.p63-sc mark{background:#F0E442;color:#000;font-weight:bold}
.p63-sc .p63-ins{border-bottom:2px dotted #000}
.p63-sc .p63-note{font-size:.92em}
.p63-speaker-comparison .jupyter-widgets.widget-tab>.lm-TabBar .lm-TabBar-tab,
.p63-speaker-comparison .jupyter-widgets.widget-tab>.lm-TabBar .lm-TabBar-tabLabel{
color:var(--jp-ui-font-color1,#1a1a1a)}
</style>"""


def _speaker_label(speaker: str) -> str:
    mark = SPEAKER_MARKS.get(speaker, speaker[:1])
    return f"{speaker} ({mark})"


def _swatch(speaker: str) -> str:
    colour = SPEAKER_COLOURS.get(speaker, _GREY)
    return (
        f'<span aria-hidden="true" style="display:inline-block;width:.8em;height:.8em;'
        f'background:{esc(colour)};margin-right:.3em"></span>'
    )


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _wrap(body: str) -> str:
    return f'{_STYLE}<div class="p63-sc">{body}</div>'


# --- pure renderers ------------------------------------------------------------------------------


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
        return _wrap("<p>No turns to summarise.</p>")
    speakers = [str(s) for s in summary.index]
    rows = [
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
    body = [(label, *(fmt(summary.loc[s, col]) for s in speakers)) for label, col, fmt in rows]
    table = html_table(
        ["Measure", *(_speaker_label(s) for s in speakers)],
        body,
        caption="How much each speaker says",
    )
    return _wrap(table)


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
        return _wrap(
            '<p role="status">Type a word or phrase, or pick a preset. Separate spellings that '
            "should count together with <code>|</code>, for example "
            "<code>CPSU | Soviet Party</code>.</p>"
        )
    searched = " | ".join(terms)
    parts = [f'<p role="status">Searching for: <strong>{esc(searched)}</strong></p>']
    by_speaker: dict[str, list[dict[str, Any]]] = {}
    for r in hits.to_dict("records"):
        by_speaker.setdefault(str(r["speaker"]), []).append(r)
    sections = []
    for speaker, row in zip(frequency.index, frequency.to_dict("records"), strict=True):
        mine = by_speaker.get(str(speaker), [])
        counts = html_table(
            ["Hits", "Words", "Per 1,000 words", "Turns with a hit"],
            [
                (
                    int(row["hits"]),
                    f"{int(row['words']):,}",
                    _fmt(float(row["per_1000_words"]), 2),
                    int(row["turns_with_hits"]),
                )
            ],
            caption="Counts",
        )
        lines = []
        for r in mine[:max_lines]:
            flag = (
                ' <span class="p63-ins">(inside a translators\' insertion)</span>'
                if r["inside_insertion"]
                else ""
            )
            lines.append(
                f"<li>Turn {int(r['turn'])}: …{esc(r['left'])}<mark>{esc(r['match'])}</mark>"
                f"{esc(r['right'])}…{flag}</li>"
            )
        more = len(mine) - max_lines
        if more > 0:
            lines.append(f"<li>… and {more} more</li>")
        if not lines:
            lines.append("<li>No hits.</li>")
        label = _speaker_label(str(speaker))
        sections.append(
            f'<section aria-label="{esc(label)}">'
            f"<h4>{_swatch(str(speaker))}{esc(label)}</h4>"
            f'{counts}<ul class="p63-kwic">{"".join(lines)}</ul></section>'
        )
    parts.append(f'<div class="p63-side">{"".join(sections)}</div>')
    return _wrap("".join(parts))


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
        return _wrap("<p>No words to compare.</p>")
    z_max = max(float(top["z"].max()), 1.96)
    sections = []
    for speaker in speakers:
        mine = top[top["speaker"] == speaker]
        colour = SPEAKER_COLOURS.get(speaker, _GREY)
        other = "the other speaker"
        rows = []
        for r in mine.itertuples(index=False):
            width = max(2, round(100 * float(r.z) / z_max))
            bar = (
                f'<span aria-hidden="true" style="display:inline-block;height:.7em;'
                f'width:{width}px;background:{esc(colour)}"></span>'
            )
            rows.append(
                f"<tr><td>{int(r.rank)}</td><td>{esc(r.word)}</td><td>{int(r.count)}</td>"
                f'<td>{int(r.count_other)}</td><td style="white-space:nowrap">'
                f"{_fmt(float(r.z), 2)} {bar}</td></tr>"
            )
        if not rows:
            rows.append('<tr><td colspan="5">No word stands out.</td></tr>')
        label = _speaker_label(speaker)
        sections.append(
            f'<section aria-label="{esc(label)}"><table><caption>{_swatch(speaker)}'
            f"Words {esc(label)} uses more</caption><thead><tr>"
            '<th scope="col">Rank</th><th scope="col">Word</th>'
            f'<th scope="col">{esc(speaker)} uses it</th><th scope="col">{other} uses it</th>'
            '<th scope="col">z-score</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></section>"
        )
    note = (
        '<p class="p63-note">The z-score compares how often each speaker uses a word, allowing '
        "for how rare the word is (weighted log-odds with an informative Dirichlet prior; "
        "Monroe, Colaresi &amp; Quinn 2008). Beyond about 1.96 a difference is unlikely to be "
        "chance; with about 1,600 words per speaker few words get there. Treat the list as a "
        "pointer to passages worth reading, not as a finding.</p>"
    )
    return _wrap(f'<div class="p63-side">{"".join(sections)}</div>{note}')


def _bar_pattern(speaker: str, index: int) -> tuple[str, str]:
    """SVG <pattern> definition and fill for a speaker: solid for the first, hatched after."""
    colour = esc(SPEAKER_COLOURS.get(speaker, _GREY))
    if index == 0:
        return "", colour
    pid = f"p63-hatch-{index}"
    defs = (
        f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<rect width="3" height="6" fill="{colour}"/></pattern>'
    )
    return defs, f"url(#{pid})"


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
        return _wrap("<p>No themes coded.</p>")
    what = "turns" if measure == "share_turns" else "words"
    first_of = {r.theme: r for r in firsts.itertuples(index=False)}
    themes = list(dict.fromkeys(shares["theme"]))
    themes.sort(key=lambda t: first_of[t].first_turn if t in first_of else 10**6)
    labels = dict(zip(shares["theme"], shares["label"], strict=True))
    value = {(r.theme, r.speaker): float(getattr(r, measure)) for r in shares.itertuples()}
    bar_h, gap, left, width = 11, 8, 260, 300
    top = max(max(value.values(), default=0.0), 0.01)
    height = len(themes) * (bar_h * len(speakers) + gap) + 30
    defs, fills = [], {}
    for k, s in enumerate(speakers):
        d, fills[s] = _bar_pattern(s, k)
        defs.append(d)
    parts = []
    y = 22
    for theme in themes:
        parts.append(
            f'<text x="{left - 6}" y="{y + bar_h}" text-anchor="end" font-size="11">'
            f"{esc(labels.get(theme, theme))}</text>"
        )
        for s in speakers:
            v = value.get((theme, s), 0.0)
            wpx = round(width * min(v / top, 1.0))
            parts.append(
                f'<rect x="{left}" y="{y}" width="{wpx}" height="{bar_h - 1}" '
                f'fill="{fills[s]}" stroke="#000" stroke-width=".5"/>'
                f'<text x="{left + wpx + 4}" y="{y + bar_h - 2}" font-size="10">'
                f"{esc(SPEAKER_MARKS.get(s, s[:1]))} {_pct(v)}</text>"
            )
            y += bar_h
        y += gap
    legend = "".join(
        f'<rect x="{left + 110 * k}" y="4" width="12" height="10" fill="{fills[s]}" '
        f'stroke="#000" stroke-width=".5"/><text x="{left + 110 * k + 16}" y="13" '
        f'font-size="11">{esc(_speaker_label(s))}</text>'
        for k, s in enumerate(speakers)
    )
    aria = (
        f"Bar chart: share of each speaker's {what} coded with each theme, themes in the order "
        "they are first raised. The table below gives the same numbers."
    )
    svg = (
        f'<svg role="img" aria-label="{esc(aria)}" width="{left + width + 60}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><defs>{"".join(defs)}</defs>'
        f"{legend}{''.join(parts)}</svg>"
    )
    header = ["Theme", *(f"{_speaker_label(s)}: share of {what}" for s in speakers)]
    header += ["First raised in turn", "by"]
    rows = []
    for theme in themes:
        f = first_of.get(theme)
        rows.append(
            (
                labels.get(theme, theme),
                *(_pct(value.get((theme, s), 0.0)) for s in speakers),
                f.first_turn if f is not None else "",
                f.raised_by if f is not None else "",
            )
        )
    table = html_table(
        header,
        rows,
        caption=f"Themes by share of each speaker's {what}, in order of first appearance",
    )
    note = (
        '<p class="p63-note">Themes are our hand coding (data/themes.csv, with a codebook). '
        "A turn can carry several themes, so shares add up to more than 100%.</p>"
    )
    return _wrap(svg + table + note)


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
        return _wrap("<p>No turns.</p>")
    n = len(flow)
    bar_w, gap, mid, half = 10, 3, 130, 110
    top_len = max(int(flow["words"].max()), 1)
    parts = []
    first = speakers[0] if speakers else ""
    valid = highlight in labels or highlight in {t for ts in flow["themes"] for t in ts}
    for k, r in enumerate(flow.itertuples(index=False)):
        x = 40 + k * (bar_w + gap)
        h = max(1, round(half * int(r.words) / top_len))
        above = r.speaker == first
        y = mid - h if above else mid
        colour = esc(SPEAKER_COLOURS.get(str(r.speaker), _GREY))
        on = (not highlight) or (not valid) or (highlight in r.themes)
        opacity = "1" if on else "0.25"
        themes = ", ".join(labels.get(t, t) for t in r.themes) or "no theme"
        parts.append(
            f'<rect x="{x}" y="{y}" width="{bar_w}" height="{h}" fill="{colour}" '
            f'fill-opacity="{opacity}" stroke="#000" stroke-width=".5">'
            f"<title>Turn {int(r.turn)}, {esc(r.speaker)}: {int(r.words)} words; "
            f"{esc(themes)}</title></rect>"
        )
        if r.new_themes:
            ty = y - 4 if above else y + h + 9
            parts.append(
                f'<text x="{x + bar_w / 2}" y="{ty}" text-anchor="middle" font-size="9" '
                f'aria-hidden="true">★</text>'
            )
        if int(r.turn) % 5 == 0:
            parts.append(
                f'<text x="{x + bar_w / 2}" y="{mid + half + 24}" text-anchor="middle" '
                f'font-size="9">{int(r.turn)}</text>'
            )
    width = 40 + n * (bar_w + gap) + 20
    axis = f'<line x1="36" y1="{mid}" x2="{width - 16}" y2="{mid}" stroke="#000"/>'
    marks = "".join(
        f'<text x="4" y="{mid - 50 if k == 0 else mid + 60}" font-size="12" '
        f'font-weight="bold">{esc(SPEAKER_MARKS.get(s, s[:1]))}</text>'
        for k, s in enumerate(speakers[:2])
    )
    aria = (
        f"Bar chart of the {n} turns in order; bar height is the number of words; "
        f"{speakers[0] if speakers else ''} above the line"
        + (f", {speakers[1]} below" if len(speakers) > 1 else "")
        + "; a star marks a turn that raises a theme for the first time."
        + (f" Highlighted: {labels.get(highlight, highlight)}." if highlight and valid else "")
        + " The table below lists every turn."
    )
    svg = (
        f'<svg role="img" aria-label="{esc(aria)}" width="{width}" height="{mid + half + 30}" '
        f'xmlns="http://www.w3.org/2000/svg">{axis}{marks}{"".join(parts)}</svg>'
    )
    intro = flow[flow["new_themes"].map(len) > 0]
    counts = {
        s: int(intro.loc[intro["speaker"] == s, "new_themes"].map(len).sum()) for s in speakers
    }
    total_new = sum(counts.values())
    who = "; ".join(f"{s}: {c} of {total_new}" for s, c in counts.items())
    sentence = f"<p>Themes raised for the first time ★ — {esc(who)}.</p>"
    legend = (
        f'<p class="p63-note">{_swatch(speakers[0]) if speakers else ""}'
        f"{esc(_speaker_label(speakers[0]) if speakers else '')} above the line"
        + (
            f", {_swatch(speakers[1])}{esc(_speaker_label(speakers[1]))} below"
            if len(speakers) > 1
            else ""
        )
        + ". Turn numbers run along the bottom.</p>"
    )
    rows = [
        (
            int(r.turn),
            r.speaker,
            int(r.words),
            ", ".join(labels.get(t, t) for t in r.themes),
            ", ".join(labels.get(t, t) for t in r.new_themes),
            _pct(float(r.cumulative_share)),
        )
        for r in flow.itertuples(index=False)
    ]
    table = html_table(
        ["Turn", "Speaker", "Words", "Themes", "New themes", "Speaker's share of words so far"],
        rows,
        caption="The conversation turn by turn (the chart's data)",
    )
    details = f"<details><summary>Table: every turn (text alternative)</summary>{table}</details>"
    return _wrap(svg + legend + sentence + details)


# --- the widget ----------------------------------------------------------------------------------


def _load(turns: Any, themes: Any, codebook: Any) -> tuple[pd.DataFrame, ...]:
    from course_lib.data import load_table, load_turns

    return (
        load_turns() if turns is None else turns,
        load_table("themes") if themes is None else themes,
        load_table("theme_codebook") if codebook is None else codebook,
    )


def speaker_comparison(
    turns: pd.DataFrame | None = None,
    themes: pd.DataFrame | None = None,
    codebook: pd.DataFrame | None = None,
    term: str = "Khrushchev",
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

    Returns
    -------
    ipywidgets.VBox
        The widget. ``.controls`` maps names to its input controls (``text``, ``preset``,
        ``term``, ``top_n``, ``stop_words``, ``measure``, ``highlight``, ``tabs``) and
        ``.views`` to its HTML outputs (``summary``, ``terms``, ``distinctive``, ``themes``,
        ``flow``), for tests and for instructors who want to drive it from code.
    """
    turns, themes, codebook = _load(turns, themes, codebook)
    speakers = sp.speaker_order(turns) if not turns.empty else []
    labels = dict(zip(codebook["theme"].astype(str), codebook["label"].astype(str), strict=True))
    # Everything but the term search depends only on a few switches, so results (frames and
    # rendered HTML) are kept per setting: a bounded set (2 x 2 x 26 + 2 + 2 x 11 entries at most).
    cache: dict[tuple[Any, ...], Any] = {}

    def cached(key: tuple[Any, ...], make: Any) -> Any:
        if key not in cache:
            cache[key] = make()
        return cache[key]

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
            stop_words = sp.STOP_WORDS if stops else frozenset()
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

    def apply_preset(change: dict[str, Any]) -> None:
        name = change.get("new") or ""
        if name in ALIASES:
            term_box.value = " | ".join(ALIASES[name])

    def on_mode(*_: Any) -> None:
        show_summary()
        show_terms()
        show_distinctive()
        show_flow()

    text_mode.observe(on_mode, names="value")
    preset.observe(apply_preset, names="value")
    term_box.observe(show_terms, names="value")
    top_n.observe(show_distinctive, names="value")
    stop_box.observe(show_distinctive, names="value")
    measure.observe(show_themes, names="value")
    highlight.observe(show_flow, names="value")

    for show in (show_summary, show_terms, show_distinctive, show_themes, show_flow):
        show()

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
        ],
    )
    for k, title in enumerate(["Words and terms", "Distinctive words", "Themes", "Flow"]):
        tabs.set_title(k, title)

    box = column(kit.html("<h3>Who speaks, and how</h3>"), text_mode, summary_view, tabs)
    box.add_class("p63-speaker-comparison")
    box.controls = {  # type: ignore[attr-defined]
        "text": text_mode,
        "preset": preset,
        "term": term_box,
        "top_n": top_n,
        "stop_words": stop_box,
        "measure": measure,
        "highlight": highlight,
        "tabs": tabs,
    }
    box.views = {  # type: ignore[attr-defined]
        "summary": summary_view,
        "terms": terms_view,
        "distinctive": distinctive_view,
        "themes": themes_view,
        "flow": flow_view,
    }
    return box
