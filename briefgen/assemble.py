"""Merge what the YAML curates over what the extractor found, and build the site-wide views.

Pure functions of their inputs (GUIDE.md): no I/O, so they are cheap to test and safe to cache.
The rule everywhere is "what the YAML says wins": a curated actor takes over the mentions of the
extracted actor it names, a curated date replaces an extracted one with the same value, and a
curated list of key facts replaces the extracted list.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace

from briefgen.model import Actor, Briefing, DatedEvent, Extraction, Site, SiteConfig, Tag

_CALENDAR_VALUE = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})(?:-(?P<day>\d{2}))?|W(?P<week>\d{2})))?"
    r"(?P<rest>.*)$"
)


def merge_briefing(briefing: Briefing, extraction: Extraction) -> Briefing:
    """`briefing` with its curated items merged over `extraction`."""
    return replace(
        briefing,
        actors=tuple(merge_actors(briefing.actors, extraction.actors, briefing.exclude_actors)),
        dates=tuple(merge_dates(briefing.dates, extraction.dates)),
        key_facts=briefing.key_facts or extraction.key_facts,
        quotes=extraction.quotes,
    )


def name_key(name: str) -> str:
    """A comparison key for names: case, accents and spacing do not tell two actors apart."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[’'`.\-]", " ", letters).split())


def _names(actor: Actor) -> set[str]:
    return {name_key(n) for n in (actor.name, *actor.aliases)}


def merge_actors(
    curated: Sequence[Actor], extracted: Sequence[Actor], excluded: Iterable[str] = ()
) -> list[Actor]:
    """Curated actors first (in the analyst's order), then the other extracted ones by salience.

    An extracted actor that shares a name or alias with a curated one is absorbed by it: the
    curated actor gains its mentions, its aliases, and its role when the YAML gives none.
    """
    dropped = {name_key(n) for n in excluded}
    merged = list(curated)
    unmatched: list[Actor] = []
    for found in extracted:
        if _names(found) & dropped:
            continue
        index = next((i for i, a in enumerate(merged) if _names(a) & _names(found)), None)
        if index is None:
            unmatched.append(found)
        else:
            merged[index] = _absorb(merged[index], found)
    return merged + unmatched


def _absorb(curated: Actor, found: Actor) -> Actor:
    known = _names(curated)
    new_aliases = [n for n in (found.name, *found.aliases) if name_key(n) not in known]
    return replace(
        curated,
        role=curated.role or found.role,
        aliases=tuple(dict.fromkeys((*curated.aliases, *new_aliases))),
        mentions=tuple(sorted({*curated.mentions, *found.mentions}, key=lambda m: m.start)),
    )


def merge_dates(curated: Sequence[DatedEvent], extracted: Sequence[DatedEvent]) -> list[DatedEvent]:
    """The dates a timeline can place, in chronological order; curated ones win on equal values.

    Durations, sets and vague references ("P2M", "PAST_REF") have no place on a timeline and are
    left out here; the extractor's full result is still available to scripts.
    """
    curated_values = {d.value for d in curated}
    kept = [*curated, *(d for d in extracted if d.value not in curated_values)]
    placed = [d for d in kept if date_sort_key(d.value) is not None]
    return sorted(placed, key=lambda d: (date_sort_key(d.value), d.start or 0))


def date_sort_key(value: str) -> tuple[int, int, int, str] | None:
    """Where an ISO-like value sits in time: (year, month, day, rest), or None if it has no place.

    Less precise values sort before more precise ones of the same period (`2022` before
    `2022-01` before `2022-01-10`), which is how a timeline reads.
    """
    match = _CALENDAR_VALUE.match(value)
    if match is None:
        return None
    year = int(match["year"])
    if match["week"]:
        try:
            monday = datetime.date.fromisocalendar(year, int(match["week"]), 1)
        except ValueError:
            return None
        return (monday.year, monday.month, monday.day, "W" + match["rest"])
    return (year, int(match["month"] or 0), int(match["day"] or 0), match["rest"])


def publication_sort_key(briefing: Briefing) -> tuple[str, str]:
    """Sort key for "newest first": the publication instant, then the slug for stable ties."""
    published = briefing.published
    if isinstance(published, datetime.datetime):
        moment = published.astimezone(datetime.UTC) if published.tzinfo else published
        return (moment.strftime("%Y-%m-%dT%H:%M:%S"), briefing.slug)
    return (published.isoformat() + "T00:00:00", briefing.slug)


def tag_slug(name: str) -> str:
    """The URL name of a tag: lower-case ASCII words joined by hyphens."""
    return "-".join(re.findall(r"[a-z0-9]+", name_key(name))) or "tag"


def assemble_site(config: SiteConfig, briefings: Iterable[Briefing]) -> Site:
    """The whole site: briefings newest first, and the tags that group them."""
    ordered = sorted(briefings, key=publication_sort_key, reverse=True)
    return Site(config=config, briefings=tuple(ordered), tags=tuple(_tags(ordered)))


def _tags(briefings: Sequence[Briefing]) -> list[Tag]:
    by_slug: dict[str, tuple[str, list[str]]] = {}
    for briefing in briefings:
        for slug in dict.fromkeys(tag_slug(name) for name in briefing.tags):
            name = next(n for n in briefing.tags if tag_slug(n) == slug)
            by_slug.setdefault(slug, (name, []))[1].append(briefing.slug)
    return [Tag(name, slug, tuple(slugs)) for slug, (name, slugs) in sorted(by_slug.items())]
