"""Every page type in a real browser: accessibility (axe-core), keyboard, weight, own-host only,
search, and screenshots at phone and desktop widths (kept in test-artifacts/screenshots/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from conftest import ServedSite
    from playwright.sync_api import Browser, BrowserContext, Page, Route

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WIDTHS = {"phone": 390, "desktop": 1280}
ENGLISH_BRIEFING = "briefings/geneva-strategic-talks/index.html"
FRENCH_BRIEFING = "briefings/invasion-ukraine/index.html"


def _first(files: list[str], pattern: str) -> str | None:
    matching = sorted(path for path in files if re.fullmatch(pattern, path))
    return matching[0] if matching else None


def page_types(site: ServedSite) -> dict[str, str | None]:
    """Each page type → the address of one page of that type (None when it is not built)."""
    files = list(site.files)

    def built(path: str | None) -> str | None:
        return path if path in site.files else None

    return {
        "index": built("index.html"),
        "briefing": built(ENGLISH_BRIEFING),
        "briefing-fr": built(FRENCH_BRIEFING),
        "actors": built("actors/index.html"),
        "actor": _first(files, r"actors/vladimir-putin/index\.html")
        or _first(files, r"actors/[^/]+/index\.html"),
        "timeline": built("timeline/index.html"),
        "tags": built("tags/index.html"),
        "tag": _first(files, r"tags/ukraine/index\.html")
        or _first(files, r"tags/[^/]+/index\.html"),
        "search": "search/index.html?q=ukraine" if "search/index.html" in files else None,
        "404": "no/such/page/" if "404.html" in files else None,
    }


PAGE_TYPES = [
    "index",
    "briefing",
    "briefing-fr",
    "actors",
    "actor",
    "timeline",
    "tags",
    "tag",
    "search",
    "404",
]


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "file" or parts.hostname == "127.0.0.1"


class Requests:
    """Every request a browser context makes; any to another host is refused and kept."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def route(self, route: Route) -> None:
        url = route.request.url
        self.urls.append(url)
        if _local(url):
            route.continue_()
        else:
            route.abort()

    def elsewhere(self) -> list[str]:
        return [url for url in self.urls if not _local(url)]


@pytest.fixture
def context(browser: Browser) -> Iterator[tuple[BrowserContext, Requests]]:
    opened = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
    requests = Requests()
    opened.route("**/*", requests.route)
    yield opened, requests
    opened.close()


def _open(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    return page


def _serious_violations(page: Page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_every_page_type_is_built(served_site: ServedSite) -> None:
    missing = [name for name, path in page_types(served_site).items() if path is None]
    assert not missing, f"page types not built: {missing}"


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_each_page_type_passes_axe_works_by_keyboard_and_stays_on_its_host(
    page_type: str,
    served_site: ServedSite,
    context: tuple[BrowserContext, Requests],
    axe_source: str,
) -> None:
    path = page_types(served_site)[page_type]
    if path is None:
        pytest.skip(f"no {page_type} page is built yet")
    browser_context, requests = context
    page = _open(browser_context, served_site.url(path))
    if page_type == "search":
        page.wait_for_selector("#search-page-results .search-result")
    for name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{page_type}-{name}-{width}.png", full_page=True)
    assert _serious_violations(page, axe_source) == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert requests.elsewhere() == []


def test_the_404_page_is_styled_and_links_home_at_any_depth(
    served_site: ServedSite, context: tuple[BrowserContext, Requests]
) -> None:
    browser_context, _ = context
    page = browser_context.new_page()
    response = page.goto(served_site.url("a/b/c/d/missing.html"), wait_until="networkidle")
    assert response is not None and response.status == 404
    stylesheet_rules = page.evaluate("document.styleSheets[0].cssRules.length")
    assert stylesheet_rules > 50
    page.get_by_role("link", name=re.compile("latest briefings", re.I)).click()
    page.wait_for_load_state()
    assert page.url == served_site.root_url


def test_a_briefing_page_with_its_assets_weighs_under_100_kb(
    served_site: ServedSite, context: tuple[BrowserContext, Requests]
) -> None:
    browser_context, _ = context
    page = browser_context.new_page()
    sizes: dict[str, int] = {}
    page.on("response", lambda response: sizes.update({response.url: len(response.body())}))
    page.goto(served_site.url(ENGLISH_BRIEFING), wait_until="networkidle")
    assert any(url.endswith(".css") for url in sizes) and any(url.endswith(".js") for url in sizes)
    assert sum(sizes.values()) < 100_000, sizes


def _results(page: Page, query: str) -> list[tuple[str, str]]:
    """Type `query` in the masthead's box and return the results as (text, address)."""
    status = "document.querySelector('#site-search-results .search-status').textContent"
    page.fill("#site-search-input", "")
    page.wait_for_function(f"{status} === ''")
    page.fill("#site-search-input", query)
    page.wait_for_function(f"{status} !== ''")
    links = page.locator("#site-search-results .search-result a")
    return [
        (links.nth(i).inner_text(), links.nth(i).get_attribute("href") or "")
        for i in range(links.count())
    ]


def test_search_finds_briefings_actors_and_tags_loading_only_a_few_shards(
    served_site: ServedSite, context: tuple[BrowserContext, Requests], axe_source: str
) -> None:
    browser_context, requests = context
    page = _open(browser_context, served_site.url("index.html"))
    body_word = "ironclad"  # only in the article text of the Geneva briefing
    found = _results(page, body_word)
    assert any(href.endswith("briefings/geneva-strategic-talks/") for _, href in found), found
    found = _results(page, "STOLTENBERG")
    assert any("/actors/" in href for _, href in found), found
    found = _results(page, "sanctions")
    assert any("/tags/" in href for _, href in found), found
    found = _results(page, "ukraïne")
    assert len(found) > 3
    assert _serious_violations(page, axe_source) == [], "the open results must be accessible"
    word_shards = {url for url in requests.urls if "/search/w/" in url}
    all_word_shards = [path for path in served_site.files if path.startswith("search/w/")]
    assert len(all_word_shards) > 10, "the fixture index must be cut into many shards"
    assert 0 < len(word_shards) <= 8 < len(all_word_shards), sorted(word_shards)


def test_the_search_form_works_by_submitting_and_shows_all_results(
    served_site: ServedSite, context: tuple[BrowserContext, Requests]
) -> None:
    browser_context, _ = context
    page = _open(browser_context, served_site.url(FRENCH_BRIEFING))
    page.fill("#site-search-input", "Russia")
    page.press("#site-search-input", "Enter")
    page.wait_for_url(re.compile(r"search/index\.html\?q=Russia"))
    page.wait_for_selector("#search-page-results .search-result")
    assert page.input_value("#search-page-input") == "Russia"
    assert page.locator("#search-page-results .search-result").count() >= 3


def test_search_works_from_the_disk_without_a_server(
    served_site: ServedSite, context: tuple[BrowserContext, Requests], tmp_path: Path
) -> None:
    for path, content in served_site.files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    browser_context, _ = context
    page = browser_context.new_page()
    page.goto((tmp_path / ENGLISH_BRIEFING).as_uri())
    found = _results(page, "Ryabkov")
    assert any(href.endswith("briefings/geneva-strategic-talks/") for _, href in found), found
    assert all(href.startswith("file://") for _, href in found)
