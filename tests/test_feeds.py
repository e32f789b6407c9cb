"""Feeds, sitemap, robots.txt and the 404 page, read back as a feed reader or a crawler would."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from briefgen.build import BuiltSite, build_in_memory
from briefgen.config import load_config
from briefgen.feeds import atom_feed, rfc3339
from briefgen.model import Briefing, SiteConfig

MakeSite = Callable[[Mapping[str, str | bytes]], Path]
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE_URL = "https://desk.example.org/briefings/"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def _xml(files: Mapping[str, bytes], path: str) -> ElementTree.Element:
    return ElementTree.fromstring(files[path])


def _file_of(url: str, files: Mapping[str, bytes]) -> str:
    """The built file a public address serves, as a static host finds it."""
    assert url.startswith(BASE_URL), url
    path = url.removeprefix(BASE_URL)
    path = path + "index.html" if path.endswith("/") or not path else path
    assert path in files, f"{url} serves nothing"
    return path


def _check_atom(feed: ElementTree.Element, files: Mapping[str, bytes]) -> None:
    """The RFC 4287 rules a reader relies on (section 4.1.1 and 4.1.2)."""
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{required}")) == 1, required
    assert RFC3339.fullmatch(feed.findtext(f"{ATOM}updated", ""))
    self_links = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(self_links) == 1
    _file_of(self_links[0].get("href", ""), files)
    has_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    ids = set()
    for entry in feed.findall(f"{ATOM}entry"):
        entry_id = entry.findtext(f"{ATOM}id", "")
        assert entry_id.startswith(BASE_URL) and entry_id not in ids
        ids.add(entry_id)
        assert entry.findtext(f"{ATOM}title")
        assert RFC3339.fullmatch(entry.findtext(f"{ATOM}updated", ""))
        assert has_author or entry.find(f"{ATOM}author") is not None
        [alternate] = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert _file_of(alternate.get("href", ""), files).startswith("briefings/")


def test_the_site_feed_is_valid_atom_with_absolute_addresses_newest_first(
    built_multi_site: BuiltSite,
) -> None:
    files = built_multi_site.files
    feed = _xml(files, "feed.xml")
    _check_atom(feed, files)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == built_multi_site.report.briefings == 7
    published = [
        datetime.datetime.fromisoformat(e.findtext(f"{ATOM}published", "")) for e in entries
    ]
    assert published == sorted(published, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")
    langs = {e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in entries}
    assert langs == {"fr", "en"}


def test_each_tag_has_a_feed_of_its_own_briefings(built_multi_site: BuiltSite) -> None:
    files = built_multi_site.files
    tag_feeds = sorted(path for path in files if re.fullmatch(r"tags/[^/]+/feed\.xml", path))
    assert tag_feeds
    for path in tag_feeds:
        feed = _xml(files, path)
        _check_atom(feed, files)
        tag_page = path.removesuffix("feed.xml") + "index.html"
        page = files[tag_page].decode("utf-8")
        for entry in feed.findall(f"{ATOM}entry"):
            slug = entry.findtext(f"{ATOM}id", "").removeprefix(BASE_URL + "briefings/")
            assert f"briefings/{slug}" in page, f"{path} lists {slug}, its tag page does not"


def test_the_sitemap_lists_every_page_but_search_and_404_by_its_address(
    built_multi_site: BuiltSite,
) -> None:
    files = built_multi_site.files
    urlset = _xml(files, "sitemap.xml")
    assert urlset.tag == f"{SITEMAP}urlset"
    locs = [url.findtext(f"{SITEMAP}loc", "") for url in urlset.findall(f"{SITEMAP}url")]
    listed = {_file_of(loc, files) for loc in locs}
    pages = {path for path in files if path.endswith(".html")}
    assert listed == pages - {"404.html", "search/index.html"}
    assert locs[0] == BASE_URL
    lastmods = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in urlset.findall(f"{SITEMAP}url")
    }
    assert lastmods[BASE_URL + "briefings/geneva-strategic-talks/"] == "2022-01-10"


def test_robots_txt_allows_everything_and_names_the_sitemap(built_multi_site: BuiltSite) -> None:
    robots = built_multi_site.files["robots.txt"].decode("utf-8").splitlines()
    assert robots == ["User-agent: *", "Allow: /", f"Sitemap: {BASE_URL}sitemap.xml"]


def test_pages_announce_the_feed(built_multi_site: BuiltSite) -> None:
    index = built_multi_site.files["index.html"].decode("utf-8")
    assert '<link rel="alternate" type="application/atom+xml"' in index
    assert 'href="feed.xml"' in index


def test_without_base_url_feeds_and_sitemap_are_left_out_with_one_warning(
    make_site: MakeSite,
) -> None:
    root = make_site(
        {
            "content/one.yaml": (
                "title: One\npublished: 2022-01-10\nlang: en\narticle: seeds/one.txt\n"
            ),
            "seeds/one.txt": "Talks resumed in Geneva on Monday.",
        }
    )
    config, _ = load_config(root / "briefgen.yaml")
    built = build_in_memory(config)
    assert not {"feed.xml", "sitemap.xml"} & set(built.files)
    assert built.files["robots.txt"] == b"User-agent: *\nAllow: /\n"
    warnings = [str(w) for w in built.report.warnings if "base_url" in w.message]
    assert warnings == [
        "briefgen.yaml: base_url is empty: feed.xml, the tag feeds and sitemap.xml are not "
        "written (they need absolute addresses: set base_url in briefgen.yaml, or build with "
        "--base-url https://…)"
    ]
    assert b"application/atom+xml" not in built.files["index.html"]


def test_a_control_character_in_a_title_does_not_break_the_feed(tmp_path: Path) -> None:
    config = SiteConfig(root=tmp_path, title="Desk\x0b", base_url=BASE_URL)
    briefing = Briefing(
        slug="one",
        title="Talks\x00 resume\x1f",
        published=datetime.date(2022, 1, 10),
        lang="en",
        article_text="",
        article_format="txt",
        content_path=tmp_path / "one.yaml",
        article_path=tmp_path / "one.txt",
    )
    feed = ElementTree.fromstring(
        atom_feed(config, [briefing], "feed.xml", "index.html", "Desk\x0b")
    )
    assert feed.findtext(f"{ATOM}entry/{ATOM}title") == "Talks resume"


def test_publication_times_are_rfc_3339_with_a_zone() -> None:
    paris = datetime.timezone(datetime.timedelta(hours=1))
    assert rfc3339(datetime.date(2022, 1, 10)) == "2022-01-10T00:00:00Z"
    assert rfc3339(datetime.datetime(2022, 1, 10, 19, 45)) == "2022-01-10T19:45:00Z"
    assert (
        rfc3339(datetime.datetime(2022, 1, 10, 19, 45, tzinfo=paris)) == "2022-01-10T19:45:00+01:00"
    )


class _Links(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        linking = ("href", "src", "action", "data-search-root")
        self.urls += [value or "" for name, value in attrs if name in linking]


def test_the_404_page_links_from_the_site_root_so_it_works_at_any_depth(
    built_multi_site: BuiltSite,
) -> None:
    page = built_multi_site.files["404.html"].decode("utf-8")
    urls = _Links(page).urls
    local = [url for url in urls if not url.startswith(("#", "data:", "https:"))]
    assert local and all(url.startswith("/briefings/") for url in local), local
    assert "/briefings/static/style.css" in local
    assert "/briefings/search/" in local
    assert '<meta name="robots" content="noindex">' in page


def test_building_again_gives_the_same_feeds_sitemap_and_exports(
    built_multi_site: BuiltSite,
) -> None:
    again = build_in_memory(built_multi_site.config).files
    machine_files = [
        path for path in built_multi_site.files if path.endswith((".xml", ".json", ".txt", ".js"))
    ]
    assert len(machine_files) > 20
    assert all(again[path] == built_multi_site.files[path] for path in machine_files)
