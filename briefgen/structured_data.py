"""The site for machines: JSON-LD in each briefing page, and the JSON exports beside the pages.

- `json_ld_script(briefing, site)`: the `NewsArticle` a search engine or a newsroom tool reads in
  the page's `<head>`;
- `json_exports(site)`: `briefings.json` (an index of every briefing),
  `briefings/<slug>/briefing.json` (everything the page shows, each item marked curated or
  extracted), `timeline.json` (the latest dated events) and `timeline/<year>/timeline.json`
  (every event of the year), in TimelineJS3's format.

Addresses are absolute when `base_url` is set, otherwise relative to the site root (the folder
that holds `briefings.json`). Every JSON that goes inside a `<script>` goes through `script_json`,
so no article text can close the element or start another one.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from markupsafe import Markup

from briefgen.assemble import date_sort_key
from briefgen.feeds import FileMemo, no_memo
from briefgen.highlight import ArticleLinks
from briefgen.model import (
    Actor,
    ActorKind,
    ActorRef,
    Briefing,
    DatedEvent,
    Site,
    SiteConfig,
    TimelineEntry,
)
from briefgen.paths import (
    absolute_url,
    actor_path,
    briefing_json_path,
    briefing_path,
    page_address,
)
from briefgen.render_views import TimelineLayout
from briefgen.sanitize import url_scheme

#: The site actor a briefing's actor is (`ArticleLinks.actor` for one briefing), if it has a page.
ActorPage = Callable[[Actor], ActorRef | None]

#: Bumped when a JSON export changes shape in a way its readers must know about.
EXPORT_VERSION = 1

#: schema.org types for actor kinds: countries and places are `Place`s, groups `Organization`s.
SCHEMA_TYPES: Mapping[ActorKind, str] = {
    "person": "Person",
    "organization": "Organization",
    "group": "Organization",
    "country": "Place",
    "place": "Place",
}

#: How many of the most-mentioned actors a briefing is `about` when the analyst named none.
ABOUT_WHEN_UNCURATED = 3

#: Characters that could end a `<script>` element, open a comment or an entity, or (U+2028/9)
#: end a line inside a JavaScript string in older engines.
_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_UNSAFE_PATTERN = re.compile("[<>&\u2028\u2029]")


def script_json(value: object) -> str:
    """`value` as compact JSON that is safe inside a `<script>` element and in a `.js` file.

    `<`, `>`, `&`, U+2028 and U+2029 are written as `\\u` escapes, which every JSON and
    JavaScript reader decodes to the same characters: no text can write `</script>` or `<!--`.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _SCRIPT_UNSAFE_PATTERN.sub(lambda match: _SCRIPT_UNSAFE[match[0]], text)


def json_file(value: object) -> bytes:
    """`value` as a compact UTF-8 JSON file (keys in the order given, one final newline): the
    exports are read by programs, and indentation made the site's largest files a third larger."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def site_url(config: SiteConfig, path: str) -> str:
    """The address of output `path`: absolute with a `base_url`, else from the site root."""
    return _address(config.base_url, path)


def _address(base_url: str, path: str) -> str:
    return absolute_url(base_url, path) if base_url else page_address(path)


def published_value(briefing: Briefing) -> str:
    """The publication day or moment in ISO 8601, as the YAML gave it (zone only if given)."""
    return briefing.published.isoformat()


# --- JSON-LD ----------------------------------------------------------------------------------


def json_ld_script(briefing: Briefing, site: Site, actor_page: ActorPage) -> Markup:
    """The JSON-LD `NewsArticle` of `briefing`, ready to go between `<script>` tags."""
    return Markup(script_json(briefing_json_ld(briefing, site.config, actor_page)))


def briefing_json_ld(
    briefing: Briefing, config: SiteConfig, actor_page: ActorPage
) -> dict[str, Any]:
    """The briefing as a schema.org `NewsArticle`.

    `about` holds the actors the analyst curated (they chose what the briefing is about) or, when
    there are none, the most-mentioned extracted ones; `mentions` holds every other actor. An
    actor with a page on the site links to it, when the site has a `base_url`.
    """
    about, mentioned = _about_and_mentions(briefing.actors)
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": briefing.title,
        "datePublished": published_value(briefing),
        "inLanguage": briefing.lang,
    }
    if config.base_url:
        page = absolute_url(config.base_url, briefing_path(briefing))
        article.update(url=page, mainEntityOfPage=page)
    if briefing.summary:
        article["description"] = briefing.summary
    if briefing.tags:
        article["keywords"] = list(briefing.tags)
    article["publisher"] = {"@type": "Organization", "name": config.title}
    if config.author:
        article["author"] = {"@type": "Organization", "name": config.author}
    if briefing.source or _web_address(briefing.url):
        article["isBasedOn"] = _source_article(briefing)
    if about:
        article["about"] = [_schema_thing(actor, config, actor_page) for actor in about]
    if mentioned:
        article["mentions"] = [_schema_thing(actor, config, actor_page) for actor in mentioned]
    return article


def _about_and_mentions(actors: tuple[Actor, ...]) -> tuple[list[Actor], list[Actor]]:
    curated = [actor for actor in actors if actor.curated]
    if curated:
        about = curated
    else:
        by_mentions = sorted(actors, key=lambda actor: -len(actor.mentions))
        about = by_mentions[:ABOUT_WHEN_UNCURATED]
    return about, [actor for actor in actors if actor not in about]


def _schema_thing(actor: Actor, config: SiteConfig, actor_page: ActorPage) -> dict[str, Any]:
    thing: dict[str, Any] = {"@type": SCHEMA_TYPES[actor.kind], "name": actor.name}
    if actor.aliases:
        thing["alternateName"] = list(actor.aliases)
    if actor.role:
        thing["description"] = actor.role
    page = actor_page(actor)
    if page is not None and config.base_url:
        thing["url"] = absolute_url(config.base_url, actor_path(page))
    return thing


def _source_article(briefing: Briefing) -> dict[str, Any]:
    """The wire story the briefing is built from."""
    source: dict[str, Any] = {"@type": "NewsArticle"}
    if _web_address(briefing.url):
        source["url"] = briefing.url
    if briefing.source:
        source["publisher"] = {"@type": "Organization", "name": briefing.source}
    return source


def _web_address(url: str) -> bool:
    return url_scheme(url) in ("http", "https")


# --- JSON exports -----------------------------------------------------------------------------


#: How many of the latest events `timeline.json` holds: TimelineJS3 shows one slide per event,
#: and a reader cannot page through thousands; each year's file holds all of its events.
TIMELINE_JS_LATEST = 500


def json_exports(
    site: Site,
    links: ArticleLinks | None = None,
    layout: TimelineLayout | None = None,
    memo: FileMemo = no_memo,
) -> Iterator[tuple[str, bytes | None]]:
    """`briefings.json`, each `briefings/<slug>/briefing.json`, `timeline.json` (the latest
    events) and `timeline/<year>/timeline.json` (every event of each year), as `(path, bytes)`.

    One at a time: the exports of 5,000 briefings weigh 150 MB, all held at once when they
    came as one mapping."""
    config = site.config
    links = links or ArticleLinks(site)
    layout = layout or TimelineLayout(site.timeline)
    publications = tuple(published_value(b) for b in site.briefings)
    made_index = functools.partial(_index_file, site)
    yield "briefings.json", memo("briefings.json", (site.briefings, publications), made_index)
    for briefing in site.briefings:
        refs = links.targets(briefing)[0]
        path = briefing_json_path(briefing)
        made = functools.partial(_briefing_file, briefing, config, refs)
        yield path, memo(path, (briefing, briefing.published.isoformat(), refs), made)
    latest = list(site.timeline[-TIMELINE_JS_LATEST:])
    made_latest = functools.partial(_timeline_file, config, latest)
    yield "timeline.json", memo("timeline.json", tuple(latest), made_latest)
    periods: dict[str, list[TimelineEntry]] = {}
    for page in layout.pages:
        first = page.pagination.paths[0]
        periods.setdefault(first.removesuffix("index.html") + "timeline.json", []).extend(
            page.entries
        )
    for path, entries in periods.items():
        # The entries themselves: those of unchanged briefings are the very same objects from
        # one build to the next, so comparing them costs an identity check each.
        key = tuple(entries)
        yield path, memo(path, key, functools.partial(_timeline_file, config, entries))


def _index_file(site: Site) -> bytes:
    return json_file(briefings_index(site))


def _briefing_file(
    briefing: Briefing, config: SiteConfig, refs: tuple[ActorRef | None, ...]
) -> bytes:
    actor_page = dict(zip(briefing.actors, refs, strict=True)).get
    return json_file(briefing_export(briefing, config, actor_page))


def _timeline_file(config: SiteConfig, entries: list[TimelineEntry]) -> bytes:
    return json_file(timeline_document(config, [_timeline_event(config, e) for e in entries]))


def briefings_index(site: Site) -> dict[str, Any]:
    """Every briefing, newest first, with what a list shows and where its full export is: the
    title, date, language, summary and tags (actors, facts and text are in each export)."""
    config = site.config
    return {
        "version": EXPORT_VERSION,
        "title": config.title,
        "language": config.language,
        "description": config.description,
        "base_url": config.base_url,
        "briefings": [
            {
                "slug": briefing.slug,
                "title": briefing.title,
                "published": published_value(briefing),
                "lang": briefing.lang,
                "summary": briefing.summary,
                "tags": list(briefing.tags),
                "url": site_url(config, briefing_path(briefing)),
                "json": site_url(config, briefing_json_path(briefing)),
            }
            for briefing in site.briefings
        ],
    }


def briefing_export(
    briefing: Briefing, config: SiteConfig, actor_page: ActorPage
) -> dict[str, Any]:
    """Everything the briefing's page shows, with `curated` true where the analyst wrote it.

    Offsets (`start`, `end`) count Unicode code points in `article.text`, end exclusive. An
    actor's `page` is the address of its page on the site ("" when it has none).
    """
    return {
        "version": EXPORT_VERSION,
        "slug": briefing.slug,
        "title": briefing.title,
        "published": published_value(briefing),
        "lang": briefing.lang,
        "url": site_url(config, briefing_path(briefing)),
        "source": briefing.source,
        "source_url": briefing.url if _web_address(briefing.url) else "",
        "summary": briefing.summary,
        "tags": list(briefing.tags),
        "key_facts": [
            {"text": fact.text, "curated": fact.curated, "start": fact.start, "end": fact.end}
            for fact in briefing.key_facts
        ],
        "actors": [_actor_export(actor, config, actor_page(actor)) for actor in briefing.actors],
        "dates": [_date_export(event) for event in briefing.dates],
        "quotes": [
            {
                "text": quote.text,
                "speaker": quote.speaker,
                "curated": False,
                "start": quote.start,
                "end": quote.end,
            }
            for quote in briefing.quotes
        ],
        "article": {"format": briefing.article_format, "text": briefing.article_text},
    }


def _actor_export(actor: Actor, config: SiteConfig, page: ActorRef | None) -> dict[str, Any]:
    return {
        "name": actor.name,
        "page": site_url(config, actor_path(page)) if page is not None else "",
        "kind": actor.kind,
        "role": actor.role,
        "aliases": list(actor.aliases),
        "curated": actor.curated,
        "mentions": [
            {"start": mention.start, "end": mention.end, "text": mention.text}
            for mention in actor.mentions
        ],
    }


def _date_export(event: DatedEvent) -> dict[str, Any]:
    return {
        "value": event.value,
        "kind": event.kind,
        "event": event.event,
        "text": event.text,
        "curated": event.curated,
        "start": event.start,
        "end": event.end,
    }


# --- TimelineJS3 ------------------------------------------------------------------------------

_TIME_OF_DAY = re.compile(r"T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?")


def timeline_document(config: SiteConfig, events: list[dict[str, Any]]) -> dict[str, Any]:
    """A TimelineJS3 document of `events` (from `_timeline_event`), titled with the site.

    TimelineJS shows `headline` and `text` as HTML, so both are escaped here. An event known only
    to the year or month has only those fields, and sits at that precision.
    """
    return {
        "title": {
            "text": {
                "headline": html.escape(config.title),
                "text": html.escape(config.description),
            }
        },
        "events": events,
    }


def _timeline_event(config: SiteConfig, entry: TimelineEntry) -> dict[str, Any]:
    event, briefing = entry.event, entry.briefing
    links = [_html_link(config, briefing_path(briefing), briefing.title)]
    links += [_html_link(config, actor_path(actor), actor.name) for actor in entry.actors]
    return {
        "unique_id": entry.anchor,
        "start_date": timeline_date(event.value),
        "text": {
            "headline": html.escape(event.event or event.text or event.value),
            "text": f"<p>{' · '.join(links)}</p>",
        },
    }


def _html_link(config: SiteConfig, path: str, text: str) -> str:
    return _html_link_at(config.base_url, path, text)


@functools.lru_cache(maxsize=1 << 14)
def _html_link_at(base_url: str, path: str, text: str) -> str:
    """Remembered: the timeline files link the same actors from thousands of events."""
    return f'<a href="{html.escape(_address(base_url, path))}">{html.escape(text)}</a>'


def timeline_date(value: str) -> dict[str, Any]:
    """A TimelineJS3 date for an ISO value a timeline can place (see `date_sort_key`)."""
    key = date_sort_key(value)
    if key is None:
        raise ValueError(f"{value!r} has no place on a timeline")
    year, month, day, rest = key
    date: dict[str, Any] = {"year": year}
    if month:
        date["month"] = month
    if day:
        date["day"] = day
    if time_of_day := _TIME_OF_DAY.match(rest.removeprefix("W")):
        date.update(
            {
                unit: int(amount)
                for unit, amount in time_of_day.groupdict().items()
                if amount is not None
            }
        )
    if rest.startswith("W"):
        date["display_date"] = value
    return date
