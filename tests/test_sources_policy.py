"""The source policy (data/editorial/README.md) holds for every timeline, link, glossary, people and place row."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
DENYLIST = DATA / "editorial" / "source_denylist.txt"

# table -> (file, id columns, [(title column, url column), ...])
TABLES = {
    "timeline": (
        DATA / "timeline.csv",
        ("id",),
        [("source_title", "source_url"), ("source_2_title", "source_2_url")],
    ),
    "glossary": (
        DATA / "glossary.csv",
        ("term",),
        [("source_title", "source_url"), ("source_2_title", "source_2_url")],
    ),
    "people": (
        DATA / "editorial" / "people_roles.csv",
        ("id",),
        [("role_source_title", "role_source_url"), ("role_source_2_title", "role_source_2_url")],
    ),
    "event_links": (
        DATA / "event_links.csv",
        ("event_id", "turn", "quote"),
        [("source_title", "source_url")],
    ),
    "places": (
        DATA / "places.csv",
        ("id",),
        [("source_title", "source_url"), ("source_2_title", "source_2_url")],
    ),
}
URL = re.compile(r"^https?://\S+$")


def read_rules(path: Path = DENYLIST) -> list[tuple[str, str]]:
    """Parse the list: one ``KIND PATTERN`` a line, ``#`` starts a comment."""
    rules = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        kind, _, pattern = line.partition(" ")
        pattern = pattern.strip()
        if kind not in {"deny", "alone"} or not pattern or " " in pattern:
            raise ValueError(f"{path.name} line {n}: expected 'deny PATTERN' or 'alone PATTERN'")
        rules.append((kind, pattern))
    return rules


def classify(url: str, rules: list[tuple[str, str]]) -> str:
    """``deny``, ``alone`` or ``ok`` for one URL (``deny`` wins over ``alone``)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    found = set()
    for kind, pattern in rules:
        if "/" in pattern or "?" in pattern or "=" in pattern:
            hit = pattern in url
        else:
            hit = host == pattern or host.endswith("." + pattern)
        if hit:
            found.add(kind)
    return "deny" if "deny" in found else "alone" if "alone" in found else "ok"


def rows(table: str) -> list[dict[str, str]]:
    path = TABLES[table][0]
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def sources(table: str, row: dict[str, str]) -> list[tuple[str, str]]:
    return [(row.get(t, "") or "", row.get(u, "") or "") for t, u in TABLES[table][2]]


def row_id(table: str, row: dict[str, str]) -> str:
    return "/".join(row[c] for c in TABLES[table][1])


@pytest.fixture(scope="module")
def rules() -> list[tuple[str, str]]:
    return read_rules()


def test_the_list_parses_and_covers_each_kind_of_weak_source(rules):
    kinds = {k for k, _ in rules}
    assert kinds == {"deny", "alone"}
    assert classify("http://history.howstuffworks.com/korean-war/korean-war.htm", rules) == "deny"
    assert classify("https://newsfeed.time.com/2011/12/20/photos/slide/x/", rules) == "deny"
    assert classify("https://prisoncensorship.info/archive/etext/x.html", rules) == "deny"
    assert classify("https://digitalarchive.wilsoncenter.org/search?f%5B0%5D=x", rules) == "deny"
    assert classify("https://en.wikipedia.org/wiki/Zhu_De", rules) == "alone"
    assert classify("https://digitalarchive.wilsoncenter.org/document/116542", rules) == "ok"
    assert classify("https://cn.govopendata.com/renminribao/1963/9/17/1/", rules) == "ok"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://notwikipedia.org/x", "ok"),  # a suffix match must stop at a dot
        ("https://kids.britannica.com/students/article/x", "deny"),  # deny beats alone
        ("https://www.britannica.com/biography/x", "alone"),
        ("https://cia.gov/readingroom/document/cia-rdp79", "ok"),
    ],
)
def test_classify(rules, url, expected):
    assert classify(url, rules) == expected


def test_a_malformed_rule_is_reported_with_its_line(tmp_path):
    bad = tmp_path / "list.txt"
    bad.write_text("deny ok.example\nblock bad.example\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        read_rules(bad)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_titles_and_urls_come_in_pairs_and_urls_are_http(table):
    for row in rows(table):
        for title, url in sources(table, row):
            assert bool(title.strip()) == bool(url.strip()), (table, row_id(table, row), title, url)
            if url:
                assert URL.match(url), (table, row_id(table, row), url)
                assert len(title) > 10, (table, row_id(table, row), title)


@pytest.mark.parametrize("table", ["timeline", "glossary", "people", "places"])
def test_every_row_has_a_source(table):
    for row in rows(table):
        if table == "people" and not row["role_1963"].strip():
            # People with no verified 1963 role carry no role source; their note says so.
            assert not row["role_source_url"], row_id(table, row)
            continue
        assert any(url for _, url in sources(table, row)), (table, row_id(table, row))


def _effective(table: str, row: dict[str, str], events: dict[str, dict[str, str]]) -> list[str]:
    urls = [u for _, u in sources(table, row) if u]
    if table == "event_links":
        ev = events[row["event_id"]]
        urls += [u for _, u in sources("timeline", ev) if u]
    return urls


@pytest.mark.parametrize("table", sorted(TABLES))
def test_no_row_rests_only_on_denied_or_reference_sources(table, rules):
    events = {r["id"]: r for r in rows("timeline")}
    offenders = []
    for row in rows(table):
        urls = _effective(table, row, events)
        if not urls:
            continue  # people without a verified role (checked above)
        kinds = [classify(u, rules) for u in urls]
        if all(k == "deny" for k in kinds):
            offenders.append((row_id(table, row), "only denied sources"))
        elif all(k in {"deny", "alone"} for k in kinds):
            offenders.append((row_id(table, row), "only an encyclopedia, reference work or copy"))
    assert offenders == []


@pytest.mark.parametrize("table", ["timeline", "glossary", "people", "places"])
def test_no_first_source_is_denied(table, rules):
    # The first source is the one the widgets show; a denied site must never be it.
    for row in rows(table):
        _, url = sources(table, row)[0]
        if url:
            assert classify(url, rules) != "deny", (table, row_id(table, row), url)


def test_the_policy_check_catches_weak_rows(rules):
    events = {"e": {"source_title": "", "source_url": "", "source_2_title": "", "source_2_url": ""}}
    weak = {
        "source_title": "Korean War, HowStuffWorks",
        "source_url": "http://history.howstuffworks.com/k.htm",
    }
    assert [classify(u, rules) for u in _effective("glossary", weak, events)] == ["deny"]
    wiki = {"source_title": "X, Wikipedia", "source_url": "https://en.wikipedia.org/wiki/X"}
    assert [classify(u, rules) for u in _effective("glossary", wiki, events)] == ["alone"]
