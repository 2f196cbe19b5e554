"""Ratio benchmark: p95 latency of each widget update, next to a no-op ipywidgets update.

Every number comes from one run in one process, so the ratio to the no-op update says how much
work an update adds on this machine; the absolute p95 is checked against the design's bar of
20 ms. Run it::

    .venv/bin/python -m benchmarks.bench_widgets            # all registered updates
    .venv/bin/python -m benchmarks.bench_widgets -k speakers --repeat 300

Other widgets join by registering a *setup* function: it builds the widget once and returns a
zero-argument callable that performs ONE update (it should change a control's value to a new
value each call, e.g. by alternating, so that observers really fire)::

    from benchmarks.bench_widgets import register

    @register("reader.search")
    def _reader_search():
        box = reader()
        values = itertools.cycle(["Stalin", "Khrushchev"])
        return lambda: setattr(box.controls["search"], "value", next(values))

The registry (:data:`UPDATES`) maps a name to its setup; :func:`run` measures the chosen ones
and :func:`markdown` prints the table. Updates cycle through a few values, so a widget that keeps
results per setting is mostly measured on cache hits; the "first, cold" column shows the one
update that had to compute.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

#: Target for every widget update at p95, in milliseconds (DESIGN.md, quality bars).
TARGET_MS = 20.0

Update = Callable[[], None]
Setup = Callable[[], Update]

#: Registered updates: name -> setup (builds the widget, returns one-update callable).
UPDATES: dict[str, Setup] = {}


def register(name: str) -> Callable[[Setup], Setup]:
    """Register a setup function under ``name`` (decorator).

    Parameters
    ----------
    name : str
        Shown in the table; use ``"<widget>.<control>"``.

    Returns
    -------
    callable
        The decorator; it returns the setup unchanged.
    """

    def deco(setup: Setup) -> Setup:
        UPDATES[name] = setup
        return setup

    return deco


def _cycle_setter(control: Any, values: Iterable[Any]) -> Update:
    cycle = itertools.cycle(list(values))

    def update() -> None:
        control.value = next(cycle)

    return update


def noop_update() -> Update:
    """The baseline: set an ipywidgets value that nothing observes."""
    import ipywidgets as w

    return _cycle_setter(w.IntText(value=0, description="n"), [1, 0])


# --- the speaker comparison (issue 3) ------------------------------------------------------------


def _speakers() -> Any:
    from course_lib.widgets import speaker_comparison

    box = speaker_comparison()
    # Tabs render when first opened: open each, as a learner clicking through them would, so
    # that an update measures a real re-render.
    for index in range(4):
        box.controls["tabs"].selected_index = index
    box.controls["tabs"].selected_index = 0
    return box


@register("speakers.term")
def _speakers_term() -> Update:
    box = _speakers()
    return _cycle_setter(box.controls["term"], ["Stalin | Lenin", "Korea", "war", "Khrushchev"])


@register("speakers.preset")
def _speakers_preset() -> Update:
    box = _speakers()
    return _cycle_setter(box.controls["preset"], ["Soviet party", "Volunteer Army", "debts"])


@register("speakers.insertions_toggle")
def _speakers_toggle() -> Update:
    box = _speakers()
    return _cycle_setter(box.controls["text"], [False, True])


@register("speakers.top_n")
def _speakers_top_n() -> Update:
    box = _speakers()
    return _cycle_setter(box.controls["top_n"], [5, 20, 30, 10])


@register("speakers.stop_words")
def _speakers_stop_words() -> Update:
    box = _speakers()
    return _cycle_setter(box.controls["stop_words"], [False, True])


@register("speakers.measure")
def _speakers_measure() -> Update:
    box = _speakers()
    return _cycle_setter(box.controls["measure"], ["share_words", "share_turns"])


@register("speakers.highlight")
def _speakers_highlight() -> Update:
    box = _speakers()
    return _cycle_setter(box.controls["highlight"], ["stalin", "war_memory", "debts_aid", ""])


# --- the speaker comparison's Conversation tab (issue 15) ---------------------------------------
# Results are kept per setting and per term (bootstrap intervals included), so after the first
# round these measure the cached path; the "first, cold" column shows one real computation.


def _conversation(view: str = "shares") -> Any:
    box = _speakers()
    box.controls["tabs"].selected_index = 4  # the tab is computed when first opened
    box.controls["conv_view"].value = view
    return box


@register("speakers.conv_view")
def _speakers_conv_view() -> Update:
    box = _conversation()
    return _cycle_setter(
        box.controls["conv_view"], ["term", "stance", "uptake", "agenda", "shares"]
    )


@register("speakers.conv_term")
def _speakers_conv_term() -> Update:
    box = _conversation("term")
    return _cycle_setter(box.controls["conv_term"], ["split", "debts", "Stalin", "revisionism"])


@register("speakers.conv_window")
def _speakers_conv_window() -> Update:
    box = _conversation("term")
    return _cycle_setter(box.controls["window"], [2, 8, 5])


@register("speakers.conv_marker")
def _speakers_conv_marker() -> Update:
    box = _conversation("stance")
    return _cycle_setter(box.controls["marker"], ["agreement", "honorific", "we", "hedge"])


@register("speakers.conv_turn")
def _speakers_conv_turn() -> Update:
    box = _conversation("term")
    return _cycle_setter(box.controls["turn"], [15, 20, 22, 1])


@register("speakers.conv_next")
def _speakers_conv_next() -> Update:
    box = _conversation("stance")
    return box.controls["next"].click


@register("speakers.conv_insertions_toggle")
def _speakers_conv_toggle() -> Update:
    box = _conversation("stance")
    return _cycle_setter(box.controls["text"], [False, True])


# --- the map of the conversation (issue 13, section 4) ------------------------------------------


def _map() -> Any:
    from course_lib.widgets import conversation_map

    return conversation_map()


@register("map.select_on_map")
def _map_select() -> Update:
    """A click (or Enter) on a mark: the browser sets the chart's ``selected``."""
    box = _map()
    chart = box.parts["chart"]
    cycle = itertools.cycle(["anju", "andong", "pyongyang", "moscow", "repatriation_route"])

    def update() -> None:
        chart.selected = next(cycle)

    return update


@register("map.place_list")
def _map_place_list() -> Update:
    box = _map()
    return _cycle_setter(box.parts["place"], ["jeongju", "cheongcheon", "daedong_bridge", None])


# --- measuring -----------------------------------------------------------------------------------


def measure(update: Update, repeat: int = 200, warmup: int = 5) -> list[float]:
    """Time ``repeat`` calls of ``update`` (after ``warmup`` untimed calls), in seconds.

    Parameters
    ----------
    update : callable
    repeat : int
    warmup : int

    Returns
    -------
    list of float
    """
    for _ in range(warmup):
        update()
    samples = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            update()
            samples.append(time.perf_counter() - start)
    finally:
        if gc_was_enabled:
            gc.enable()
    return samples


def p95(samples: list[float]) -> float:
    """The 95th percentile (inclusive method) of the samples.

    Parameters
    ----------
    samples : list of float

    Returns
    -------
    float
    """
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def run(names: Iterable[str] | None = None, repeat: int = 200) -> list[dict[str, Any]]:
    """Measure the no-op baseline and the chosen updates in this process.

    Parameters
    ----------
    names : iterable of str, optional
        Registered names (default: all).
    repeat : int
        Timed updates per name.

    Returns
    -------
    list of dict
        One per update: ``name``, ``p95_ms``, ``max_ms``, ``first_ms`` (the first, cold
        update), ``noop_p95_ms``, ``ratio``, ``ok`` (p95 within :data:`TARGET_MS`).
    """
    chosen = list(UPDATES) if names is None else list(names)
    unknown = [n for n in chosen if n not in UPDATES]
    if unknown:
        raise KeyError(f"unknown update(s): {', '.join(unknown)}; known: {', '.join(UPDATES)}")
    noop = p95(measure(noop_update(), repeat=max(repeat, 200))) * 1000
    results = []
    for name in chosen:
        update = UPDATES[name]()
        start = time.perf_counter()
        update()
        first = (time.perf_counter() - start) * 1000
        samples = [s * 1000 for s in measure(update, repeat=repeat)]
        value = p95(samples)
        results.append(
            {
                "name": name,
                "p95_ms": value,
                "max_ms": max(samples),
                "first_ms": first,
                "noop_p95_ms": noop,
                "ratio": value / noop if noop else float("inf"),
                "ok": value <= TARGET_MS,
            }
        )
    return results


def markdown(results: list[dict[str, Any]]) -> str:
    """Format results as a markdown table.

    Parameters
    ----------
    results : list of dict
        From :func:`run`.

    Returns
    -------
    str
    """
    lines = [
        f"| update | p95 (ms) | max (ms) | first, cold (ms) | no-op p95 (ms) | ratio to no-op "
        f"| p95 ≤ {TARGET_MS:g} ms |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['p95_ms']:.2f} | {r['max_ms']:.2f} | {r['first_ms']:.2f} "
            f"| {r['noop_p95_ms']:.3f} | {r['ratio']:.0f}x | {'yes' if r['ok'] else 'NO'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: print the table; exit 1 if any update misses the target.

    Parameters
    ----------
    argv : list of str, optional

    Returns
    -------
    int
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="only updates whose name contains this")
    parser.add_argument("--repeat", type=int, default=200, help="timed updates per name")
    args = parser.parse_args(argv)
    names = [n for n in UPDATES if args.k in n]
    if not names:
        print(f"no registered update matches {args.k!r}", file=sys.stderr)
        return 2
    results = run(names, repeat=max(20, args.repeat))
    print(markdown(results))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
