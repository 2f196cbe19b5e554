"""The README's launch links are well formed and open files that exist.

- The nbgitpuller link ("Running the course on a JupyterHub") pulls this repository's ``main``
  branch and opens a lesson inside the folder nbgitpuller clones into (the repository's name,
  unless ``targetpath`` says otherwise, as in nbgitpuller's own handler).
- The Binder badge opens ``lessons/00_start_here.ipynb`` from the same repository.
- Any Voila link opens an explorer view that exists.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BINDER = re.compile(r"https://mybinder\.org/v2/gh/[^\s)\]]+")


def _section(title: str) -> str:
    match = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#+ |\Z)", README, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def _hub_link() -> str:
    links = re.findall(
        r"https://\S*/hub/user-redirect/git-pull\?\S+",
        _section("Running the course on a JupyterHub"),
    )
    assert len(links) == 1, links
    return links[0]


def _binder_links() -> list[str]:
    return BINDER.findall(README)


def _github_repo() -> tuple[str, str]:
    """Owner and name of the repository, as the Binder badge gives them."""
    badge = _binder_links()[0]
    parts = urlsplit(badge).path.split("/")  # /v2/gh/<owner>/<repo>/<ref>
    assert parts[1:3] == ["v2", "gh"], badge
    return parts[3], parts[4]


def _single(query: dict[str, list[str]], key: str) -> str:
    values = query.get(key)
    assert len(values or []) == 1, f"{key}: {values}"
    return values[0]


def test_hub_link_is_well_formed():
    link = _hub_link()
    parts = urlsplit(link.replace("<your-hub>", "hub.example.edu"))
    assert parts.scheme == "https"
    assert parts.path == "/hub/user-redirect/git-pull"
    assert not parts.fragment
    query = parse_qs(parts.query, strict_parsing=True)
    assert set(query) <= {"repo", "branch", "urlpath", "targetpath", "depth"}, set(query)
    # Values are percent-encoded exactly once: re-encoding the decoded value gives the raw text.
    for raw in parts.query.split("&"):
        key, _, value = raw.partition("=")
        assert quote(unquote(value), safe="") == value, f"{key} is not encoded as a URL component"

    owner, name = _github_repo()
    assert _single(query, "repo") == f"https://github.com/{owner}/{name}"
    assert _single(query, "branch") == "main"


def test_hub_link_opens_an_existing_lesson():
    query = parse_qs(urlsplit(_hub_link()).query)
    repo = _single(query, "repo")
    target = query.get("targetpath", [repo.rstrip("/").split("/")[-1]])[0]
    urlpath = _single(query, "urlpath")
    prefix = f"lab/tree/{target}/"
    assert urlpath.startswith(prefix), urlpath
    opened = ROOT / urlpath.removeprefix(prefix)
    assert opened.is_file(), opened
    assert opened.relative_to(ROOT).as_posix() == "lessons/00_start_here.ipynb"


def test_hub_section_says_how_to_make_a_link():
    section = _section("Running the course on a JupyterHub")
    assert "nbgitpuller" in section
    assert "<your-hub>" in section


def test_binder_badge_opens_start_here():
    badges = [b for b in _binder_links() if "urlpath=lab" in b]
    assert badges, "README has no Binder badge that opens JupyterLab"
    query = parse_qs(urlsplit(badges[0]).query)
    urlpath = unquote(_single(query, "urlpath"))
    assert urlpath == "lab/tree/lessons/00_start_here.ipynb"
    assert (ROOT / urlpath.removeprefix("lab/tree/")).is_file()


@pytest.mark.parametrize(
    "link", [b for b in BINDER.findall(README) if "voila" in b] or [None], ids=str
)
def test_binder_voila_links_open_existing_views(link):
    if link is None:
        pytest.skip("README has no Voila link yet")
    query = parse_qs(urlsplit(link).query)
    urlpath = unquote(_single(query, "urlpath"))
    assert urlpath.startswith("voila/render/"), urlpath
    view = ROOT / urlpath.removeprefix("voila/render/")
    assert view.suffix == ".ipynb"
    assert view.is_file(), view
    assert view.parent == ROOT / "explorer"
