"""Articles are data: hostile markup is neutralised and named, benign markup survives."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest

from briefgen.sanitize import markdown_to_html, plain_text_to_html, sanitize_html, url_scheme

#: Elements that must never reach a page from an article.
FORBIDDEN_ELEMENTS = {
    "script", "style", "iframe", "frame", "object", "embed", "form", "input", "button", "base",
    "meta", "link", "svg", "math", "img", "template", "textarea",
}  # fmt: skip


class _Markup(HTMLParser):
    """Every element and attribute of an HTML fragment, as a browser's parser reports them."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)


def _assert_harmless(fragment: str) -> None:
    markup = _Markup(fragment)
    assert not FORBIDDEN_ELEMENTS & set(markup.elements), markup.elements
    for tag, name, value in markup.attributes:
        assert not name.startswith("on"), (tag, name)
        assert name != "style", tag
        if name in {"href", "src", "action", "formaction", "data"}:
            browser_view = "".join(value.split()).lower()
            assert not browser_view.startswith(("javascript:", "vbscript:", "data:")), value


XSS_VECTORS = [
    ("<script>alert(1)</script>", "script"),
    ("<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", "script"),
    ("<img src=x onerror=alert(1)>", "onerror attribute"),
    ("[a](javascript:alert(1))", "javascript: URL"),
    ("[a](JaVaScRiPt:alert(1))", "javascript: URL"),
    ("[a](&#106;avascript:alert(1))", "javascript: URL"),
    ('<a href="&#106;avascript:alert(1)">a</a>', "javascript: URL"),
    ('<a href="&#x6A;avascript&colon;alert(1)">a</a>', "javascript: URL"),
    ('<a href="java&#9;script:alert(1)">a</a>', "javascript: URL"),
    ('<a href=" &#14; javascript:alert(1)">a</a>', "javascript: URL"),
    ("[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "data: URL"),
    ('<a href="vbscript:msgbox(1)">a</a>', "vbscript: URL"),
    ('<iframe src="https://evil.example/"></iframe>', "iframe"),
    ('<form action="https://evil.example/"><input name="q"><button>Go</button></form>', "form"),
    ('<base href="https://evil.example/">', "base"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "meta"),
    ("<svg onload=alert(1)><circle r=1 /></svg>", "svg"),
    ("<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>", "svg"),
    ('<object data="https://evil.example/x.swf"></object>', "object"),
    ('<embed src="https://evil.example/x.swf">', "embed"),
    ("<style>body { display: none }</style>", "style"),
    ('<p style="position:fixed;inset:0">cover</p>', "style attribute"),
    ('<details open ontoggle="alert(1)"><summary>x</summary></details>', "details"),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "math"),
]


@pytest.mark.parametrize(("markdown", "named"), XSS_VECTORS)
def test_hostile_markup_is_neutralised_and_named(markdown: str, named: str) -> None:
    result = markdown_to_html(f"Intro paragraph.\n\n{markdown}\n\nLast paragraph.")
    _assert_harmless(result.html)
    assert "alert(1)</" not in result.html
    assert named in result.removed
    assert "Intro paragraph." in result.html


def test_text_around_removed_markup_survives() -> None:
    result = markdown_to_html(
        "Before.\n\n<iframe src=x></iframe><script>x()</script>\n\nAfter <b onclick=y()>bold</b>."
    )
    assert "<p>Before.</p>" in result.html
    assert "After <b>bold</b>." in result.html


def test_script_content_is_dropped_not_shown_as_text() -> None:
    result = markdown_to_html("<script>stealCookies()</script>\n\nText.")
    assert "stealCookies" not in result.html


def test_each_removed_kind_is_named_once_in_document_order() -> None:
    result = markdown_to_html(
        "<script>a()</script><img src=x onerror=b()><script>c()</script><p onclick=d()>x</p>"
    )
    assert result.removed == ("script", "img", "onerror attribute", "onclick attribute")


def test_benign_markdown_survives_untouched() -> None:
    result = markdown_to_html(
        "Some *emphasis*, **strong** and `code`.\n\n"
        "- one\n- two\n\n"
        "1. first\n2. second\n\n"
        "> A quotation.\n\n"
        "| Country | Troops |\n|:--|--:|\n| Russia | 100 000 |\n\n"
        "```\nx < y\n```\n\n"
        "[Reuters](https://www.reuters.com/), [plain](http://example.org/a?b=1&c=2) and "
        "[mail](mailto:desk@example.org).\n"
    )
    assert result.removed == ()
    markup = _Markup(result.html)
    for element in ("em", "strong", "code", "ul", "ol", "li", "blockquote", "table", "th", "pre"):
        assert element in markup.elements
    hrefs = [value for tag, name, value in markup.attributes if name == "href"]
    assert hrefs == [
        "https://www.reuters.com/",
        "http://example.org/a?b=1&c=2",
        "mailto:desk@example.org",
    ]
    assert "x &lt; y" in result.html
    assert '<td align="right">100 000</td>' in result.html


def test_links_neither_leak_the_referrer_nor_hand_over_the_window() -> None:
    result = markdown_to_html("[source](https://example.org/)")
    assert 'rel="noopener noreferrer"' in result.html


@pytest.mark.parametrize(
    "article",
    ["# Background\n\n## Detail\n\ntext", "## Background\n\n### Detail\n\ntext"],
)
def test_article_headings_nest_below_the_page_sections_without_a_gap(article: str) -> None:
    markup = _Markup(markdown_to_html(article).html)
    assert markup.elements[:2] == ["h3", "h4"]


def test_anchor_links_inside_an_article_reach_its_headings() -> None:
    result = markdown_to_html("See [background](#background).\n\n# Background\n\ntext")
    assert 'href="#article-background"' in result.html
    assert 'id="article-background"' in result.html


def test_harmless_dropped_attributes_and_comments_raise_no_warning() -> None:
    result = sanitize_html('<p class="lead" id="x" data-x="1">Text<!-- note --></p>')
    assert result.html == "<p>Text</p>"
    assert result.removed == ()


def test_raw_html_that_is_benign_survives() -> None:
    result = markdown_to_html(
        '<p>Raw <em>emphasis</em> and <a href="https://example.org">a link</a></p>'
    )
    assert result.removed == ()
    assert "<em>emphasis</em>" in result.html
    assert 'href="https://example.org"' in result.html


def test_plain_text_makes_paragraphs_at_blank_lines_and_escapes_everything() -> None:
    text = "First <b>line</b>\nstill the first paragraph.\n\n\nSecond & last {{ 7*7 }}\n"
    assert plain_text_to_html(text) == (
        "<p>First &lt;b&gt;line&lt;/b&gt;\nstill the first paragraph.</p>\n"
        "<p>Second &amp; last {{ 7*7 }}</p>"
    )


def test_plain_text_treats_blank_lines_with_spaces_as_paragraph_breaks() -> None:
    assert plain_text_to_html("one\n  \t\ntwo") == "<p>one</p>\n<p>two</p>"


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("https://example.org", "https"),
        ("JaVaScRiPt:alert(1)", "javascript"),
        ("  java\tscr\nipt:alert(1)", "javascript"),
        ("\x01javascript:alert(1)", "javascript"),
        ("/relative/path:with-colon", ""),
        ("page.html#part", ""),
        ("?q=a:b", ""),
    ],
)
def test_url_scheme_is_read_the_way_a_browser_reads_it(url: str, scheme: str) -> None:
    assert url_scheme(html.unescape(url)) == scheme
