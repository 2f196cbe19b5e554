"""The parser: structure, fidelity to every character, and clear errors on bad input."""

from __future__ import annotations

import re

import pytest

from course_lib.source import (
    SourceFormatError,
    insertion_spans,
    parse_minutes,
    read_source,
    render_body,
)
from course_lib.text import count_words, strip_insertions

from .conftest import SHARED_SOURCE, SOURCE


def test_the_shipped_source_is_the_shared_one_byte_for_byte():
    if not SHARED_SOURCE.exists():
        pytest.skip("no ../shared/source beside this checkout")
    assert SOURCE.read_bytes() == SHARED_SOURCE.read_bytes()


def test_54_alternating_turns(minutes):
    assert len(minutes.turns) == 54
    assert [t.turn for t in minutes.turns] == list(range(1, 55))
    assert [t.speaker for t in minutes.turns] == ["Liu", "Kim"] * 27


def test_full_labels_define_the_speakers(minutes):
    assert minutes.speakers["Liu"]["name"] == "Liu Shaoqi"
    assert minutes.speakers["Kim"]["name"] == "Kim Il Sung"
    assert minutes.turns[0].label == "Chairman Liu [Shaoqi] (to be abbreviated as Liu)"
    assert minutes.turns[2].label == "Liu"


def test_page_breaks_rejoined(minutes):
    broken = {t.turn: t for t in minutes.turns if t.page_break_at is not None}
    assert sorted(broken) == [10, 24, 35]
    assert "together during the period of post-war reconstruction" in broken[10].text
    assert broken[24].text.endswith("We are already prepared for this.")
    assert "there have been people who have begun to support him" in broken[35].text
    assert (broken[10].source_line_start, broken[10].source_line_end) == (64, 66)


def test_body_reproduced_character_for_character(minutes, source_text):
    body = render_body(minutes)
    assert source_text.endswith(body)
    # Everything before the body is the header, which ends at the Documentation line.
    assert (
        source_text[: -len(body)]
        .rstrip()
        .endswith("Documentation: Wang Fei and Kim So-seong [Kim So Song]")
    )


def test_turns_joined_equal_body_up_to_page_break_whitespace(minutes, source_text):
    joined = render_body(minutes, restore_page_breaks=False)
    body = source_text[source_text.index("Chairman Liu [Shaoqi]") :]
    assert joined == re.sub(r"(?<=\w)\n\n(?=[a-z])", " ", body)


def test_turn_33_unbalanced_bracket_preserved(minutes):
    text = minutes.turns[32].text
    assert "[communist [parties] in Eastern Europe" in text
    spans = [text[a:b] for a, b in insertion_spans(text)]
    assert "[communist [parties]" in spans


def test_header_fields(minutes):
    h = minutes.header
    assert h["title"] == "Minutes of Conversation between Liu Shaoqi and Kim Il Sung"
    assert (h["date_header_iso"], h["date_body_iso"]) == ("1963-09-15", "1963-09-05")
    assert h["classification"] == "Top Secret"
    assert h["document_number"] == "Document 731"
    assert h["archive_reference"] == "PRC FMA 203-00566-05"
    assert h["archive_pages"] == "91-100"
    assert h["obtained_by"] == "Shen Zihua"
    assert h["translated_by"] == ["Jeffrey Wang", "Charles Kraus"]
    assert h["url"] == "https://digitalarchive.wilsoncenter.org/document/116542"
    assert h["time"] == "5:00 p.m.-7:00 p.m."
    assert len(h["participants"]["China"]) == 10
    assert "Pak Geum-cheol [Pak Kum Chol]" in h["participants"]["Korea"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", []),
        ("[a] b [c]", ["[a]", "[c]"]),
        ("x [a [b] c] y", ["[a [b] c]"]),
        ("x [open [inner] then [later]", ["[open [inner]", "[later]"]),
        ("stray ] close", []),
        ("never [closed", ["["]),
        ("", []),
    ],
)
def test_insertion_spans(text, expected):
    assert [text[a:b] for a, b in insertion_spans(text)] == expected


def test_strip_insertions_and_words():
    assert strip_insertions("We [the Chinese] agree [, too].") == "We agree."
    assert count_words("Khrushchev's post-war [North] Korea, 25 million") == 6
    assert count_words("김일성 and 刘少奇") == 3


# --- bad input: each a SourceFormatError naming the file and the line -------------------------


def _write(tmp_path, content: bytes | str):
    p = tmp_path / "minutes.txt"
    p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return p


def _header(source_text: str) -> str:
    return source_text[: source_text.index("Chairman Liu [Shaoqi]")]


def test_missing_file(tmp_path):
    with pytest.raises(SourceFormatError, match=r"minutes\.txt: file not found"):
        read_source(tmp_path / "minutes.txt")


def test_empty_file(tmp_path):
    p = _write(tmp_path, "\n\n")
    with pytest.raises(SourceFormatError, match=r"minutes.txt, line 1: the file is empty"):
        parse_minutes(read_source(p), p)


def test_not_utf8_names_the_line(tmp_path, source_text):
    raw = source_text.encode("utf-8").replace(b"Kim: Thank you.", b"Kim: Thank you \xff.", 1)
    p = _write(tmp_path, raw)
    with pytest.raises(SourceFormatError, match=r"line 52: byte 0xff"):
        read_source(p)


def test_unknown_speaker_label(tmp_path, source_text):
    text = source_text.replace("Kim: We agree.", "Zhou: We agree.", 1)
    with pytest.raises(SourceFormatError, match=r"line 82: unknown speaker label 'Zhou'"):
        parse_minutes(text, "minutes.txt")


def test_text_before_first_label(tmp_path, source_text):
    head = _header(source_text)
    text = head + "A stray paragraph.\n\n" + source_text[len(head) :]
    with pytest.raises(SourceFormatError, match=r"line 46: text before the first speaker label"):
        parse_minutes(text, "minutes.txt")


def test_truncated_header(source_text):
    text = source_text[: source_text.index("Time:")]
    with pytest.raises(SourceFormatError, match=r"particulars line 'Time:' is missing"):
        parse_minutes(text, "minutes.txt")


def test_bad_date(source_text):
    with pytest.raises(SourceFormatError, match=r"line 3: cannot read 'Septober 15, 1963'"):
        parse_minutes(source_text.replace("September 15, 1963", "Septober 15, 1963", 1), "m.txt")


def test_short_label_before_definition(source_text):
    head = _header(source_text)
    with pytest.raises(SourceFormatError, match="unknown speaker label 'Liu'"):
        parse_minutes(head + "Liu: Hello.\n", "m.txt")
