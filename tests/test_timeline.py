"""The timeline data, its links to the minutes, and the pure query functions."""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest

from course_lib import load_table, load_timeline, load_turns
from course_lib import timeline as tl

ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# Events the conversation refers to or presupposes (issue 4), and what came after.
REQUIRED = {
    "korean_war_begins",
    "volunteers_cross_yalu",
    "soviet_air_cover_delayed",
    "korean_armistice",
    "stalin_dies",
    "secret_speech",
    "soviet_experts_recalled",
    "cpsu_22nd_congress",
    "stalin_removed_from_mausoleum",
    "albania_break",
    "czechoslovak_congress",
    "ccp_general_line_letter",
    "cpsu_open_letter",
    "test_ban_signed",
    "first_commentary",
    "second_commentary_stalin",
    "volunteers_withdraw",
    "repatriation_from_japan",
    "great_leap_forward",
    "great_famine",
    "liu_arrives_pyongyang",
    "aidit_in_pyongyang",
    "sino_soviet_treaty",
    "ussr_dprk_treaty",
    "prc_dprk_treaty",
    "khrushchev_ousted",
    "china_first_nuclear_test",
    "zhenbao_clashes",
    "choe_yong_geon_in_china",
    "soviet_debt_relief_1960",
}
# Events the talk alludes to: each must be linked to at least one passage.
ALLUDED = REQUIRED - {"khrushchev_ousted", "china_first_nuclear_test", "zhenbao_clashes"}


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_timeline()


@pytest.fixture(scope="module")
def prepared(events) -> pd.DataFrame:
    return tl.prepare_events(events)


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    return load_table("event_links")


@pytest.fixture(scope="module")
def turns() -> pd.DataFrame:
    return load_turns()


# --- the data --------------------------------------------------------------------------------


def test_loader_returns_typed_table(events):
    assert list(events.columns) == [
        "id",
        "date",
        "end_date",
        "title",
        "summary",
        "category",
        "actors",
        "source_title",
        "source_url",
        "source_2_title",
        "source_2_url",
    ]
    assert str(events["date"].dtype) == "string"
    assert events["id"].is_unique


def test_at_least_forty_events_between_1950_and_1969(prepared):
    assert len(prepared) >= 40
    assert prepared["year"].min() >= 1950
    assert prepared["year"].max() <= 1969


def test_required_events_present(events):
    assert set(events["id"]) >= REQUIRED


def test_every_event_sourced_and_validly_dated(events):
    for row in events.itertuples(index=False):
        assert ISO.match(row.date), row.id
        first, _ = tl.date_bounds(row.date)
        if isinstance(row.end_date, str) and row.end_date:
            assert tl.date_bounds(row.end_date)[1] >= first, row.id
        assert isinstance(row.source_title, str), row.id
        assert len(row.source_title) > 10, row.id
        assert re.match(r"^https?://\S+$", row.source_url), row.id
        assert row.category in tl.CATEGORIES, row.id


def test_summaries_are_one_to_three_sentences(events):
    for row in events.itertuples(index=False):
        sentences = [s for s in re.split(r"(?<=[a-z0-9')][.!?])\s+(?=[A-Z])", row.summary) if s]
        assert 1 <= len(sentences) <= 3, row.id


def test_key_dates(events):
    dates = dict(zip(events["id"], events["date"], strict=True))
    assert dates["korean_armistice"] == "1953-07-27"
    assert dates["ccp_general_line_letter"] == "1963-06-14"
    assert dates["cpsu_open_letter"] == "1963-07-14"
    assert dates["test_ban_signed"] == "1963-08-05"
    assert dates["first_commentary"] == "1963-09-06"
    assert dates["second_commentary_stalin"] == "1963-09-13"
    assert dates["khrushchev_ousted"] == "1964-10-14"
    # The decision to withdraw the Volunteers was public in February 1958 (joint statement of the
    # 19th); the last units left in October 1958 (the day is not fixed from an archival source).
    assert dates["volunteers_withdraw"] == "1958-02-19"
    assert (
        dict(zip(events["id"], events["end_date"], strict=True))["volunteers_withdraw"] == "1958-10"
    )
    assert dates["liu_arrives_pyongyang"] == "1963-09-15"
    assert dates["liu_kim_talks_16_17"] == "1963-09-16"


def test_schema_documents_the_categories(root):
    desc = json.loads((root / "data" / "schemas" / "timeline.json").read_text(encoding="utf-8"))
    field = next(f for f in desc["schema"]["fields"] if f["name"] == "category")
    assert field["constraints"]["enum"] == list(tl.CATEGORIES)
    for key in tl.CATEGORIES:
        assert key in field["description"]


def test_package_validates_with_frictionless(root):
    frictionless = pytest.importorskip("frictionless")
    package = frictionless.Package(str(root / "data" / "datapackage.json"))
    for name in ("timeline", "event_links", "glossary"):
        report = package.get_resource(name).validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])


# --- links -----------------------------------------------------------------------------------


def test_every_quote_is_verbatim_in_its_turn(links, turns):
    texts = dict(zip(turns["turn"], turns["text"], strict=True))
    for row in links.itertuples(index=False):
        assert row.quote in texts[row.turn], (row.event_id, row.turn, row.quote)


def test_link_problems_finds_nothing(links, turns, events):
    assert tl.link_problems(links, turns, events) == []


def test_link_problems_catches_a_paraphrase(links, turns, events):
    bad = links.head(1).copy()
    bad["quote"] = "Stalin was burned by the 22nd Congress."
    bad["event_id"] = "no_such_event"
    problems = tl.link_problems(bad, turns, events)
    assert any("not verbatim" in p for p in problems)
    assert any("unknown event" in p for p in problems)


def test_every_alluded_event_is_linked(links):
    assert set(links["event_id"]) >= ALLUDED


def test_corrected_links(links, events):
    """The reviewed links say what the turn says and what the sources support."""
    aidit = links[(links["event_id"] == "aidit_in_pyongyang") & (links["turn"] == 12)].iloc[0]
    assert "only source" not in aidit["note"]  # Aidit's own speech from the visit is in print
    assert aidit["source_url"].startswith("http")
    row = events[events["id"] == "aidit_in_pyongyang"].iloc[0]
    assert "only source" not in row["summary"]
    one_million = links[(links["event_id"] == "volunteers_cross_yalu") & (links["turn"] == 11)]
    assert "far below" not in one_million.iloc[0]["note"]
    assert set(links.loc[links["event_id"] == "soviet_air_cover_delayed", "turn"]) >= {43, 45, 46}
    assert set(links.loc[links["event_id"] == "soviet_debt_relief_1960", "turn"]) == {48}


def test_bracketed_quotes_keep_their_brackets(links):
    assert any("[" in q for q in links["quote"])
    aidit = links[links["event_id"] == "aidit_in_pyongyang"].iloc[0]
    assert aidit["quote"] == "Because Comrade [Dipa Nusantara] Aidit has only just left"


# --- dates and the known-on rule -------------------------------------------------------------


def test_date_bounds_at_each_precision():
    assert tl.date_bounds("1958") == (date(1958, 1, 1), date(1958, 12, 31))
    assert tl.date_bounds("1963-09") == (date(1963, 9, 1), date(1963, 9, 30))
    assert tl.date_bounds("1960-02") == (date(1960, 2, 1), date(1960, 2, 29))
    assert tl.date_bounds("1963-09-15") == (date(1963, 9, 15), date(1963, 9, 15))


@pytest.mark.parametrize(
    "bad", ["", " ", "1963-13", "1963-02-30", "15 September 1963", "<script>", None, 1963, "(((["]
)
def test_date_bounds_rejects_bad_input(bad):
    with pytest.raises(ValueError, match="date"):
        tl.date_bounds(bad)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("1963-09-15", "known"),  # the meeting day itself
        ("1963-09-13", "known"),
        ("1963-09-16", "after"),
        ("1963-08", "known"),
        ("1963-09", "ambiguous"),  # straddles the meeting
        ("1963", "ambiguous"),
        ("1962", "known"),
        ("1964", "after"),
    ],
)
def test_knowledge_status(value, status):
    assert tl.knowledge_status(value) == status


def test_is_known_and_ambiguity_switch():
    assert tl.is_known("1963-09")
    assert not tl.is_known("1963-09", include_ambiguous=False)
    assert not tl.is_known("1964-10-16")
    assert tl.is_known("1964-10-16", cutoff=date(1965, 1, 1))


def test_format_date():
    assert tl.format_date("1963-09-15") == "15 September 1963"
    assert tl.format_date("1963-09") == "September 1963"
    assert tl.format_date("1958") == "1958"
    assert tl.format_date("1963-02-30") == ""
    assert tl.format_date(pd.NA) == ""


def test_prepare_events_rejects_an_inverted_range(events):
    bad = events.head(1).copy()
    bad["date"] = "1960-01-02"
    bad["end_date"] = "1959"
    with pytest.raises(ValueError, match="before it starts"):
        tl.prepare_events(bad)


def test_prepare_events_sorts_and_flags(prepared):
    assert list(prepared["start"]) == sorted(prepared["start"])
    status = dict(zip(prepared["id"], prepared["status"], strict=True))
    assert status["aidit_in_pyongyang"] == "ambiguous"
    assert status["liu_arrives_pyongyang"] == "known"
    assert status["liu_kim_talks_16_17"] == "after"
    assert status["third_commentary"] == "after"


# --- queries ---------------------------------------------------------------------------------


def test_filter_by_years_and_categories(prepared):
    part = tl.filter_events(prepared, (1963, 1963), ["polemic"])
    assert not part.empty
    assert set(part["category"]) == {"polemic"}
    assert set(part["year"]) == {1963}
    assert tl.filter_events(prepared, (1969, 1950)).shape == prepared.shape  # swapped bounds
    assert tl.filter_events(prepared, categories=[]).empty
    assert tl.filter_events(prepared, categories=["<script>"]).empty


@pytest.mark.parametrize(
    ("years", "categories", "hindsight"),
    [
        (None, None, False),
        ((1963, 1963), ["polemic"], False),
        ((1969, 1950), None, True),
        ((1955, 1962), ["korea", "nuclear", "<script>"], True),
        (None, [], False),
    ],
)
def test_filter_records_selects_what_filter_events_selects(prepared, years, categories, hindsight):
    records = prepared.to_dict("records")
    got = tl.filter_records(records, years, categories, hindsight)
    expected = tl.filter_events(prepared, years, categories, hindsight)
    assert [r["id"] for r in got] == list(expected["id"])


def test_event_table_rows_match_the_event_table(prepared):
    part = tl.filter_events(prepared, (1958, 1964), hindsight=True)
    rows = tl.event_table_rows(part.to_dict("records"))
    table = tl.event_table(part)
    assert list(table.columns) == list(tl.TABLE_COLUMNS)
    assert [tuple(r) for r in table.itertuples(index=False)] == rows
    assert "uncertain (date not precise enough)" in {r[3] for r in rows}


@pytest.mark.parametrize(
    ("first", "last", "expected", "says"),
    [
        (1950, 1969, (1950, 1969), ""),
        (1958, 1963, (1958, 1963), ""),
        (1963, 1963, (1963, 1963), ""),
        ("1955", " 1960 ", (1955, 1960), ""),
        (1965, 1960, (1960, 1965), "“From year” (1965) is after “To year” (1960)"),
        (1900, 1960, (1950, 1960), "“From year” 1900 is outside 1950-1969, so 1950 is used."),
        (1955, 2100, (1955, 1969), "“To year” 2100 is outside 1950-1969, so 1969 is used."),
        (None, 1960, (1950, 1960), "“From year” is not a year, so 1950 is used."),
        ("<script>", "(((", (1950, 1969), "“To year” is not a year, so 1969 is used."),
        (True, 1960, (1950, 1960), "not a year"),
        ("김일성", "刘少奇", (1950, 1969), "not a year"),
    ],
)
def test_year_range_makes_the_choice_valid_and_says_why(first, last, expected, says):
    years, message = tl.year_range(first, last)
    assert years == expected
    if says:
        assert says in message
    else:
        assert message == ""


def test_year_range_covers_the_data(prepared):
    assert (prepared["year"].min(), prepared["year"].max()) == (tl.FIRST_YEAR, tl.LAST_YEAR)


def test_hindsight_drops_what_came_later(prepared):
    known = tl.filter_events(prepared, hindsight=True)
    assert "khrushchev_ousted" not in set(known["id"])
    assert "second_commentary_stalin" in set(known["id"])
    assert "aidit_in_pyongyang" in set(known["id"])  # ambiguous, kept and flagged
    assert (known["status"] != "after").all()


def test_events_for_turn(links, prepared):
    found = tl.events_for_turn(links, prepared, 38)
    assert {"cpsu_22nd_congress", "stalin_removed_from_mausoleum"} <= set(found["id"])
    assert list(found.columns) == ["id", "when", "title", "category", "status", "quote", "note"]
    assert tl.events_for_turn(links, prepared, "38").equals(found)
    for bad in (None, "<script>", 0, 999, True, "(((", 3.5):
        assert tl.events_for_turn(links, prepared, bad).empty


def test_turns_for_event(links, turns):
    found = tl.turns_for_event(links, turns, "volunteers_withdraw")
    assert list(found["turn"]) == sorted(found["turn"])
    assert set(found["speaker"]) == {"Kim"}
    assert tl.turns_for_event(links, turns, "nope").empty
    assert tl.turns_for_event(links, turns, None).empty


def test_event_table_is_sorted_text_alternative(prepared):
    table = tl.event_table(prepared)
    assert list(table.columns) == ["Date", "Event", "Category", "Known on 15 Sep 1963"]
    assert len(table) == len(prepared)
    assert table.iloc[0]["Event"].startswith("Sino-Soviet Treaty")
    assert set(table["Known on 15 Sep 1963"]) <= set(tl.STATUS_LABELS.values())
