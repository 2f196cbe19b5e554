"""Bar charts for the class dashboard: SVG from a template, each with its table (pure).

Every chart is a ``<figure>``: a caption, an SVG (``role="img"``, titled and described) and a
``<details>`` holding the same numbers as a table, the chart's text alternative. Text and lines
take their colours from JupyterLab's theme (``course.css``); bars are Okabe-Ito category marks,
named in a legend and repeated in the table, so colour is never the only cue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from course_lib.templating import render

__all__ = ["OKABE_ITO", "Bar", "ChartRow", "bar_chart"]

#: Okabe & Ito (2008) colour-blind-safe palette (the same values as the widgets').
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

_WIDTH = 760  # fits a notebook at 800 px
_LABEL_RIGHT = 226
_AXIS_X = 232
_BAR_WIDTH = 400
_TOP = 24
_MAX_LABEL = 34


@dataclass(frozen=True)
class Bar:
    """One segment of a row: a value and the series it belongs to (an index into ``series``)."""

    value: float
    series: int = 0
    colour: str | None = None


@dataclass
class ChartRow:
    """One row of a chart.

    Attributes
    ----------
    label : str
    bars : list of Bar
        Drawn side by side (``stacked=False``) or end to end (``stacked=True``).
    value : str
        Printed after the bars.
    """

    label: str
    bars: list[Bar] = field(default_factory=list)
    value: str = ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "chart"


def _short(text: str) -> str:
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1] + "…"


def _ticks(maximum: float, share: bool) -> list[tuple[float, str]]:
    if share:
        return [(v / 100, f"{v}%") for v in (0, 25, 50, 75, 100)]
    if maximum <= 0:
        return [(0.0, "0")]
    step = 10 ** math.floor(math.log10(maximum))
    for mult in (1, 2, 5, 10):
        if maximum / (step * mult) <= 6:
            step *= mult
            break
    count = math.floor(maximum / step)
    return [(i * step, f"{i * step:g}") for i in range(count + 1)]


def bar_chart(
    title: str,
    rows: Sequence[ChartRow],
    *,
    series: Sequence[tuple[str, str]],
    header: Sequence[str],
    table_rows: Sequence[Sequence[Any]],
    description: str,
    share: bool = True,
    stacked: bool = False,
    maximum: float | None = None,
    chart_id: str | None = None,
) -> str:
    """A horizontal bar chart with its table (pure).

    Parameters
    ----------
    title : str
        The caption (also the table's caption).
    rows : sequence of ChartRow
    series : sequence of (name, colour)
        The legend; a bar's ``series`` indexes it (a bar's own ``colour`` overrides).
    header, table_rows
        The table shown as the chart's text alternative.
    description : str
        What the chart shows, for screen readers.
    share : bool
        Values are shares (0-1) drawn against 0-100 %; else counts against ``maximum``.
    stacked : bool
        Draw a row's bars end to end (parts of a whole) instead of side by side.
    maximum : float, optional
        The value at the right end of the axis (default: 1 for shares, else the largest).
    chart_id : str, optional
        The figure's HTML id (default from the title).

    Returns
    -------
    str
        HTML (a ``<figure>``), every text escaped.
    """
    if maximum is None:
        if share:
            maximum = 1.0
        elif stacked:
            maximum = max((sum(b.value for b in r.bars) for r in rows), default=0.0)
        else:
            maximum = max((b.value for r in rows for b in r.bars), default=0.0)
    maximum = maximum if maximum and maximum > 0 else 1.0
    n_series = max(1, len(series))
    row_h = 20 if stacked or n_series == 1 else 8 * n_series + 8
    bar_h = 14 if stacked or n_series == 1 else 7
    legend = []
    x, y = 8, 4
    for name, colour in series if len(series) > 1 or stacked else []:
        step = 28 + 7 * len(name)
        if x + step > _WIDTH:
            x, y = 8, y + 18
        legend.append({"x": x, "y": y, "colour": colour, "text": name})
        x += step
    top = _TOP + (y - 4)
    drawn = []
    scale = _BAR_WIDTH / maximum
    for i, row in enumerate(rows):
        y0 = top + 6 + i * row_h
        bars = []
        left = float(_AXIS_X)
        for j, bar in enumerate(row.bars):
            value = max(0.0, float(bar.value)) if math.isfinite(bar.value) else 0.0
            w = min(value, maximum) * scale
            name, colour = series[bar.series] if bar.series < len(series) else ("", "#000000")
            shown = f"{value:.0%}" if share else f"{value:g}"
            y = y0 + (0 if stacked or n_series == 1 else j * (bar_h + 1))
            bars.append(
                {
                    "x": round(left if stacked else _AXIS_X, 1),
                    "y": round(y, 1),
                    "w": round(w, 1),
                    "h": bar_h,
                    "colour": bar.colour or colour,
                    "tip": f"{row.label}: {name + ' ' if name else ''}{shown}",
                }
            )
            if stacked:
                left += w
        drawn.append(
            {
                "label": _short(row.label),
                "tip": row.label + (f": {row.value}" if row.value else ""),
                "text_y": round(y0 + min(row_h - 6, 12), 1),
                "bars": bars,
                "value": row.value,
                "value_x": _AXIS_X + _BAR_WIDTH + 6,
            }
        )
    bottom = top + 6 + len(rows) * row_h + 2
    ticks = [
        {"x": round(_AXIS_X + v * scale, 1), "text": text} for v, text in _ticks(maximum, share)
    ]
    chart = {
        "id": chart_id or "p63-dash-" + _slug(title),
        "title": title,
        "description": description,
        "width": _WIDTH,
        "height": bottom + 22,
        "top": top,
        "bottom": bottom,
        "axis_x": _AXIS_X,
        "label_right": _LABEL_RIGHT,
        "legend": legend,
        "ticks": ticks,
        "rows": drawn,
        "header": list(header),
        "table_rows": [list(r) for r in table_rows],
        "table_summary": f"The numbers as a table ({len(table_rows)} rows)",
    }
    return render("dashboard_chart.html.j2", chart=chart)
