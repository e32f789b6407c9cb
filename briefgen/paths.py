"""Where things live in the built site, and the addresses that point at them.

One place for the layout of the output, so that the pages, the feeds, the sitemap, the JSON
exports and the search index all agree on it. Paths are POSIX paths from the output root
(`briefings/<slug>/index.html`); a page's *address* drops the `index.html`, as web servers do
(`briefings/<slug>/`).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from briefgen.model import ActorRef, Briefing, SiteActor, Tag

INDEX_PAGE = "index.html"
NOT_FOUND_PAGE = "404.html"
SEARCH_PAGE = "search/index.html"
ACTORS_PAGE = "actors/index.html"
TAGS_PAGE = "tags/index.html"
TIMELINE_FOLDER = "timeline/"
TIMELINE_PAGE = TIMELINE_FOLDER + INDEX_PAGE


def briefing_path(briefing: Briefing) -> str:
    """Where a briefing's page lives in the output."""
    return f"briefings/{briefing.slug}/index.html"


def briefing_json_path(briefing: Briefing) -> str:
    """Where a briefing's JSON export lives: beside its page."""
    return f"briefings/{briefing.slug}/briefing.json"


def tag_path(tag: Tag) -> str:
    """Where a tag's page lives in the output."""
    return f"tags/{tag.slug}/index.html"


def actor_path(actor: SiteActor | ActorRef) -> str:
    """Where an actor's page lives in the output."""
    return f"actors/{actor.slug}/index.html"


def tag_feed_path(tag: Tag) -> str:
    """Where a tag's Atom feed lives: beside its page."""
    return f"tags/{tag.slug}/feed.xml"


def page_address(path: str) -> str:
    """A page's address relative to the site root: `briefings/x/index.html` → `briefings/x/`.

    The site's own index is `""`: the root itself.
    """
    folder = path.removesuffix(INDEX_PAGE) if path.rsplit("/", 1)[-1] == INDEX_PAGE else path
    return quote(folder, safe="/")


def absolute_url(base_url: str, path: str) -> str:
    """The public address of output `path` on the site at `base_url` (which ends with `/`)."""
    return base_url + page_address(path)


def site_root_path(base_url: str) -> str:
    """The URL path the site is served under, with a slash at both ends: `/repo/`, or `/`.

    Pages that are served at any depth (GitHub Pages answers every missing path with
    `/404.html`) cannot use relative links, and use this prefix instead.
    """
    path = urlsplit(base_url).path.strip("/")
    return f"/{path}/" if path else "/"


def rooted_url(base_url: str, target: str) -> str:
    """The URL of output path `target` from the root of the host: `/repo/static/style.css`.

    For pages served at any depth (see `site_root_path`); `target` may carry a `#part`.
    """
    path, _, fragment = target.partition("#")
    url = site_root_path(base_url) + page_address(path)
    return url + ("#" + quote(fragment, safe="") if fragment else "")
