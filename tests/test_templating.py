"""The HTML layer: autoescaping templates, the http(s)-only link rule, the one stylesheet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course_lib.templating import (
    TEMPLATES,
    Markup,
    render,
    render_macro,
    safe_url,
    status_html,
    style_tag,
    stylesheet,
)
from tests.conftest import HOSTILE

BAD_URLS = [
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "/relative/path",
    "https://",
    "https://user:pw@evil.example/",
    "https://a b.example/",
    "",
    None,
    5,
    float("nan"),
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_safe_url_refuses_everything_but_http_and_https(url):
    assert safe_url(url) is None


@pytest.mark.parametrize(
    "url",
    ["https://digitalarchive.wilsoncenter.org/document/116542", "http://example.org/a?b=1&c=2"],
)
def test_safe_url_keeps_web_links(url):
    assert safe_url(url) == url


@pytest.mark.parametrize("url", BAD_URLS[:-3])
def test_link_macro_never_writes_a_bad_href(url):
    out = render_macro("_macros.html.j2", "link", url, "the source")
    assert "href" not in out
    assert "the source" in out


def test_link_macro_escapes_a_good_href():
    out = render_macro("_macros.html.j2", "link", "https://x.org/?a=1&b=2", "x")
    assert 'href="https://x.org/?a=1&amp;b=2"' in out
    assert 'rel="noopener noreferrer"' in out


@pytest.mark.parametrize("value", HOSTILE)
def test_status_escapes_whatever_it_is_given(value):
    out = status_html(value)
    inner = re.sub(r"^<p [^>]*>|</p>$", "", out)
    assert "<" not in inner
    assert 'role="status"' in out
    assert 'aria-live="polite"' in out


def test_status_keeps_markup_made_by_a_template():
    assert "<strong>3</strong>" in status_html(Markup("<strong>3</strong> matches"))


def test_status_rejects_an_unknown_politeness():
    with pytest.raises(ValueError, match="polite"):
        status_html("x", live="loud")


@pytest.mark.parametrize("value", HOSTILE)
def test_table_escapes_every_cell_and_caption(value):
    out = render("table.html.j2", header=[value], rows=[[value, None]], caption=value)
    assert "<script" not in out.lower()
    assert out.count("<td>") == 2


def test_missing_template_variables_fail_loudly():
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        render("table.html.j2", header=[])


def test_stylesheet_takes_its_colours_from_the_theme():
    css = stylesheet()
    assert style_tag().startswith("<style>")
    # Every literal colour is a fallback inside var(--jp-..., fallback), or an Okabe-Ito category
    # colour (with black or white text on it) for marks.
    from course_lib.widgets._common import OKABE_ITO

    allowed = {c.lower() for c in OKABE_ITO.values()} | {"#ffffff", "#000000"}
    outside = re.sub(r"var\(--jp-[a-z0-9-]+,\s*[^)]*\)+", "", css)
    assert not re.search(r"rgba?\(", outside)
    literal = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{3,8}\b", outside)}
    assert literal <= allowed, literal - allowed


def test_every_template_autoescapes():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    for path in TEMPLATES.glob("*.j2"):
        env.parse(path.read_text(encoding="utf-8"))  # parses
        assert "autoescape false" not in path.read_text(encoding="utf-8")


def test_compiled_templates_are_cached_between_processes_in_a_private_folder():
    import jinja2

    from course_lib import templating

    cache = templating._environment().bytecode_cache
    assert isinstance(cache, jinja2.FileSystemBytecodeCache)
    folder = Path(cache.directory)
    assert folder.is_dir()
    assert folder.stat().st_mode & 0o077 == 0  # only this user can read or plant templates
