"""The files a site has beside its pages: Atom feeds, `sitemap.xml` and `robots.txt`.

`feed.xml` carries the latest briefings; `tags/<slug>/feed.xml` the latest of one tag, so a desk
can follow "Ukraine" alone. Atom (RFC 4287) wants an absolute IRI for every `id`, and the sitemap
protocol wants absolute `loc`s: both need `base_url`. Without it they are not written, and the
build says so once (a feed with made-up addresses would be worse than none: readers would keep
it). `robots.txt` is always written; it names the sitemap when there is one.

Output is deterministic: `updated` is the newest briefing's publication, never the build time.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from xml.etree import ElementTree

from briefgen.errors import Problem, warning
from briefgen.model import Briefing, Site, SiteConfig
from briefgen.paths import (
    NOT_FOUND_PAGE,
    SEARCH_PAGE,
    absolute_url,
    briefing_path,
    tag_feed_path,
    tag_path,
)

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_PATH = "feed.xml"
SITEMAP_PATH = "sitemap.xml"
ROBOTS_PATH = "robots.txt"

#: How many briefings a feed carries: a reader that polls daily misses none, and the file stays
#: small on a site of thousands.
FEED_ENTRIES = 50

#: Pages a search engine should not list: the search page shows nothing without a query, and
#: the 404 page is no page at all.
UNLISTED_PAGES = frozenset({NOT_FOUND_PAGE, SEARCH_PAGE})

#: Characters XML 1.0 cannot carry at all, even escaped; a stray one in a YAML title would make
#: the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: The `updated` of a feed with no entry yet: a fixed value, so that empty builds are identical.
_EPOCH = "1970-01-01T00:00:00Z"


#: Keeps a file's bytes from one build to the next: `memo(name, key, make)` gives the bytes
#: kept under `name` when `key` equals the one they were made from, else `make()`; or None when
#: the file the previous build wrote under `name` can stay as it is (`render.Renderer`).
FileMemo = Callable[[str, object, Callable[[], bytes]], bytes | None]


def no_memo(name: str, key: object, make: Callable[[], bytes]) -> bytes | None:
    """The `FileMemo` that keeps nothing: every file is made afresh."""
    return make()


def site_files(
    site: Site, page_paths: Iterable[str], memo: FileMemo = no_memo
) -> tuple[dict[str, bytes | None], list[Problem]]:
    """The feeds, the sitemap of `page_paths` (the site's HTML pages) and `robots.txt`.

    Without a `base_url`, only `robots.txt`, and a warning that says what is missing and why.
    A feed is made again only when the briefings it carries changed, `robots.txt` when its
    bytes do (see `memo`).
    """
    config = site.config
    robots = robots_txt(config)
    robots_file = memo(ROBOTS_PATH, robots, lambda: robots)
    if not config.base_url:
        return {ROBOTS_PATH: robots_file}, [_no_base_url_warning(config)]
    files: dict[str, bytes | None] = {
        FEED_PATH: _feed(config, site.briefings, FEED_PATH, "index.html", config.title, memo)
    }
    by_slug = {briefing.slug: briefing for briefing in site.briefings}
    for tag in site.tags:
        tagged = [by_slug[slug] for slug in tag.briefings if slug in by_slug]
        title = f"{config.title} · {tag.name}"
        feed_path = tag_feed_path(tag)
        files[feed_path] = _feed(config, tagged, feed_path, tag_path(tag), title, memo)
    lastmod = {briefing_path(b): b.published_day.isoformat() for b in site.briefings}
    listed = tuple(page_paths)
    files[SITEMAP_PATH] = memo(
        SITEMAP_PATH,
        (config, listed, tuple(lastmod.items())),
        lambda: sitemap_xml(config, listed, lastmod),
    )
    files[ROBOTS_PATH] = robots_file
    return files, []


def _feed(
    config: SiteConfig,
    briefings: Sequence[Briefing],
    path: str,
    page: str,
    title: str,
    memo: FileMemo,
) -> bytes | None:
    """`atom_feed`, kept under the briefings it carries (their publication written out: equal
    moments in two zones are written differently)."""
    shown = tuple(briefings[:FEED_ENTRIES])
    key = (config, shown, tuple(b.published.isoformat() for b in shown), page, title)
    return memo(path, key, lambda: atom_feed(config, shown, path, page, title))


def _no_base_url_warning(config: SiteConfig) -> Problem:
    return warning(
        config.config_path or config.root / "briefgen.yaml",
        "base_url is empty: feed.xml, the tag feeds and sitemap.xml are not written",
        hint="they need absolute addresses: set base_url in briefgen.yaml, "
        "or build with --base-url https://…",
    ).relative_to(config.root)


# --- Atom -------------------------------------------------------------------------------------


def atom_feed(
    config: SiteConfig, briefings: Sequence[Briefing], path: str, page: str, title: str
) -> bytes:
    """An Atom feed of the newest `briefings`, published at `path`, about the HTML page `page`."""
    base = config.base_url
    entries = list(briefings[:FEED_ENTRIES])
    feed = ElementTree.Element("feed", {"xmlns": ATOM_NAMESPACE, "xml:lang": config.language})
    _text(feed, "id", absolute_url(base, page))
    _text(feed, "title", title)
    if config.description:
        _text(feed, "subtitle", config.description)
    _text(feed, "updated", rfc3339(entries[0].published) if entries else _EPOCH)
    _link(feed, "self", "application/atom+xml", absolute_url(base, path))
    _link(feed, "alternate", "text/html", absolute_url(base, page))
    author = ElementTree.SubElement(feed, "author")
    _text(author, "name", config.author or config.title)
    _text(feed, "generator", "briefgen")
    for briefing in entries:
        feed.append(_entry(config, briefing))
    return _xml_document(feed)


def _entry(config: SiteConfig, briefing: Briefing) -> ElementTree.Element:
    entry = ElementTree.Element("entry", {"xml:lang": briefing.lang})
    page = absolute_url(config.base_url, briefing_path(briefing))
    _text(entry, "id", page)
    _text(entry, "title", briefing.title)
    _link(entry, "alternate", "text/html", page)
    published = rfc3339(briefing.published)
    _text(entry, "published", published)
    _text(entry, "updated", published)
    if briefing.summary:
        _text(entry, "summary", briefing.summary)
    for tag in briefing.tags:
        ElementTree.SubElement(entry, "category", {"term": _xml_text(tag)})
    if briefing.key_facts:
        content = ElementTree.SubElement(entry, "content", {"type": "xhtml"})
        facts = ElementTree.SubElement(content, "div", {"xmlns": "http://www.w3.org/1999/xhtml"})
        facts = ElementTree.SubElement(facts, "ul")
        for fact in briefing.key_facts:
            _text(facts, "li", fact.text)
    return entry


def _text(parent: ElementTree.Element, tag: str, text: str) -> None:
    ElementTree.SubElement(parent, tag).text = _xml_text(text)


def _link(parent: ElementTree.Element, rel: str, media_type: str, href: str) -> None:
    ElementTree.SubElement(parent, "link", {"rel": rel, "type": media_type, "href": href})


def _xml_document(root: ElementTree.Element) -> bytes:
    ElementTree.indent(root)
    document: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def rfc3339(published: datetime.date | datetime.datetime) -> str:
    """A publication as an RFC 3339 date-time, as Atom requires: a bare day is its midnight UTC,
    and a moment the YAML gave without a zone is taken as UTC."""
    if not isinstance(published, datetime.datetime):
        return f"{published.isoformat()}T00:00:00Z"
    moment = published if published.tzinfo else published.replace(tzinfo=datetime.UTC)
    return moment.isoformat().replace("+00:00", "Z")


# --- Sitemap and robots.txt -------------------------------------------------------------------


def sitemap_xml(config: SiteConfig, page_paths: Iterable[str], lastmod: Mapping[str, str]) -> bytes:
    """The sitemap of every listed HTML page; `lastmod` gives a day for the pages that have one."""
    listed = sorted(
        {path for path in page_paths if path.endswith(".html") and path not in UNLISTED_PAGES},
        key=lambda path: (path != "index.html", path),
    )
    urlset = ElementTree.Element("urlset", {"xmlns": SITEMAP_NAMESPACE})
    for path in listed:
        url = ElementTree.SubElement(urlset, "url")
        _text(url, "loc", absolute_url(config.base_url, path))
        if path in lastmod:
            _text(url, "lastmod", lastmod[path])
    return _xml_document(urlset)


def robots_txt(config: SiteConfig) -> bytes:
    """Every page may be crawled; the sitemap is named when there is one.

    Crawlers read `robots.txt` only at a host's root: under a sub-path (a GitHub Pages project
    site) this file is there for whoever serves the site from its own host.
    """
    lines = ["User-agent: *", "Allow: /"]
    if config.base_url:
        lines.append(f"Sitemap: {absolute_url(config.base_url, SITEMAP_PATH)}")
    return ("\n".join(lines) + "\n").encode("utf-8")
