"""Article text → HTML that is safe to put in a page, and a list of what had to be removed.

An article is data written by someone else (a wire story, a pasted web page): it may carry
scripts, event handlers or `javascript:` links, on purpose or by accident. Markdown passes raw HTML
through, so its output is cleaned by nh3 (the Rust `ammonia` sanitizer) with an allow-list: what is
not listed is removed. nh3 does not say what it removed, so the same allow-list drives a small
audit (`unsafe_markup`) that names it, for the build's warning. nh3 alone decides what reaches the
page; the audit only describes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.etree import ElementTree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.tables import TableExtension
from markdown.treeprocessors import Treeprocessor

#: Elements an article may keep: text structure, emphasis, lists, tables, quotes, code, links.
#: No images: the site makes no request to another host, and article files carry no assets.
ALLOWED_TAGS: frozenset[str] = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
)

#: Elements removed together with their content, whose text would be noise on the page.
DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    [
        "script",
        "style",
        "template",
        "iframe",
        "object",
        "embed",
        "noscript",
        "noembed",
        "noframes",
        "textarea",
        "title",
        "xmp",
        "select",
        "svg",
        "math",
    ]
)

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    **{heading: {"id"} for heading in _HEADINGS},
}

ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

#: Attributes a browser loads or follows as a URL, on any element.
_URL_ATTRIBUTES = frozenset(
    [
        "href",
        "src",
        "action",
        "formaction",
        "data",
        "poster",
        "background",
        "cite",
        "xlink:href",
        "srcset",
    ]
)

#: Heading ids from the article are namespaced so they never collide with the page's own ids.
ARTICLE_ID_PREFIX = "article-"

_C0_CONTROLS_AND_SPACE = "".join(chr(code) for code in range(0x21))
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_CODE_LANGUAGE_CLASS = re.compile(r"language-[\w+\-]+")


@dataclass(frozen=True, slots=True)
class SafeHtml:
    """HTML that is safe to put in a page, and what was removed from its source (in order)."""

    html: str
    removed: tuple[str, ...] = ()


def markdown_to_html(text: str) -> SafeHtml:
    """Render Markdown, then sanitize the result (raw HTML in Markdown is cleaned, not trusted)."""
    converter = markdown.Markdown(
        extensions=[
            "fenced_code",
            "sane_lists",
            "toc",
            TableExtension(use_align_attribute=True),
            _ArticleHeadingsExtension(),
        ]
    )
    return sanitize_html(converter.convert(text))


class _ArticleHeadingsExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_ArticleHeadings(md), "briefgen_article_headings", 10)


class _ArticleHeadings(Treeprocessor):
    """Moves the article's headings so its top level is `<h3>`, keeping their relative levels.

    On the page, the briefing's title is the `<h1>` and its sections ("Article") are `<h2>`; an
    article that starts at `#` or at `##` must nest below them without skipping a level.
    """

    def run(self, root: ElementTree.Element) -> None:
        headings = [element for element in root.iter() if element.tag in _HEADINGS]
        if not headings:
            return
        shift = 3 - min(int(element.tag[1]) for element in headings)
        for element in headings:
            element.tag = f"h{min(int(element.tag[1]) + shift, 6)}"


def sanitize_html(fragment: str) -> SafeHtml:
    """Keep only the allow-listed markup of `fragment`, and name what was not allowed."""
    cleaned = nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
        id_prefix=ARTICLE_ID_PREFIX,
    )
    return SafeHtml(cleaned, unsafe_markup(fragment))


def plain_text_to_html(text: str) -> str:
    """Paragraphs at blank lines, every character escaped.

    A single line break stays a line break in the source, which HTML shows as a space: hard-wrapped
    text reflows, as it would in Markdown.
    """
    paragraphs = (part.strip() for part in re.split(r"\n[ \t]*\n", text))
    return "\n".join(f"<p>{html.escape(part, quote=False)}</p>" for part in paragraphs if part)


def url_scheme(url: str) -> str:
    """The scheme a browser would see in `url` (lower case), or "" for a relative URL.

    Browsers ignore leading and trailing spaces and control characters, and tabs and line breaks
    anywhere, so `" java\\tscript:"` is `javascript:`. `url` must already be entity-decoded.
    """
    cleaned = re.sub(r"[\t\n\r]", "", url).strip(_C0_CONTROLS_AND_SPACE)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


def is_safe_link(url: str) -> bool:
    """True when `url` is relative or uses an allowed scheme (http, https, mailto)."""
    scheme = url_scheme(url)
    return not scheme or scheme in ALLOWED_URL_SCHEMES


def unsafe_markup(fragment: str) -> tuple[str, ...]:
    """What the allow-list removes from `fragment`, as a reader of the warning would name it.

    Named: elements that are not allowed (`script`), event handlers and styles (`onerror
    attribute`), links with a scheme that is not allowed (`javascript: URL`). Harmless attributes
    that are dropped (a class, a width) are not worth a warning.
    """
    audit = _MarkupAudit()
    audit.feed(fragment)
    audit.close()
    return tuple(dict.fromkeys(audit.findings))


class _MarkupAudit(HTMLParser):
    """Walks the markup and records every finding of `unsafe_markup`, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.findings.append(tag)
        self.findings.extend(_attribute_findings(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _attribute_findings(attrs: Iterable[tuple[str, str | None]]) -> list[str]:
    findings = []
    for name, value in attrs:
        if name.startswith("on") or name == "style":
            findings.append(f"{name} attribute")
        elif name in _URL_ATTRIBUTES and value is not None and not is_safe_link(value):
            findings.append(f"{url_scheme(value)}: URL")
    return findings


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep code-language classes only, and point in-article anchors at the prefixed ids."""
    if tag == "code" and attribute == "class":
        languages = _CODE_LANGUAGE_CLASS.findall(value)
        return " ".join(languages) if languages else None
    if tag == "a" and attribute == "href" and value.startswith("#") and len(value) > 1:
        return "#" + ARTICLE_ID_PREFIX + value[1:]
    return value
