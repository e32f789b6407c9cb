"""The site-wide pages — actors, timeline, tags — and what each of their templates receives.

`render.render_site` renders these beside the index and the briefing pages. The views
themselves (who is who, what happened when) are assembled in `briefgen.assemble`; this module
only shapes them for the page: actors grouped by kind, the timeline grouped by year and month,
and the geometry of the timeline's density chart, drawn at build time as inline SVG by
`timeline.html` (no chart library, no request). Nothing here formats text for a language: the
templates do that with the theme's filters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from briefgen.assemble import date_sort_key, tag_slug
from briefgen.model import (
    ACTOR_KINDS,
    ActorKind,
    ActorRef,
    Briefing,
    Site,
    SiteActor,
    Tag,
    TimelineEntry,
)
from briefgen.names import name_key
from briefgen.paths import ACTORS_PAGE, TAGS_PAGE, TIMELINE_PAGE, actor_path, tag_path

#: The density chart shows months over at most this many of the latest months with events; older
#: events appear in a second chart, by year.
MONTHS_IN_DETAIL = 24
#: How many actors a tag page lists as the most present in its briefings.
TAG_TOP_ACTORS = 12


class ViewPage(NamedTuple):
    """One site-wide page: its template, its output path, and its own context."""

    template: str
    path: str
    context: Mapping[str, Any]


def site_view_pages(site: Site) -> list[ViewPage]:
    """The actor index and pages, the timeline, the tag index and pages of `site`."""
    briefings = {briefing.slug: briefing for briefing in site.briefings}
    pages = [ViewPage("actors.html", ACTORS_PAGE, {"kinds": actors_by_kind(site.actors)})]
    pages += [ViewPage("actor.html", actor_path(a), {"actor": a}) for a in site.actors]
    pages.append(ViewPage("timeline.html", TIMELINE_PAGE, timeline_context(site)))
    pages.append(ViewPage("tags.html", TAGS_PAGE, {}))
    present = actors_by_briefing(site.actors)
    for tag in site.tags:
        tagged = [briefings[slug] for slug in tag.briefings if slug in briefings]
        context = {"tag": tag, "briefings": tagged, "actors": top_actors(tagged, present)}
        pages.append(ViewPage("tag.html", tag_path(tag), context))
    return pages


def view_globals() -> dict[str, Any]:
    """The functions every template may use to link to the site-wide pages."""
    return {
        "actor_path": actor_path,
        "actor_image_path": actor_image_path,
        "filter_text": filter_text,
        "tag_name_path": tag_name_path,
        "tag_path": tag_path,
        "actors_page": ACTORS_PAGE,
        "tags_page": TAGS_PAGE,
        "timeline_page": TIMELINE_PAGE,
    }


def tag_name_path(name: str) -> str:
    """The page of the tag written `name` (a briefing's tags are names)."""
    return tag_path(Tag(name, tag_slug(name)))


def actor_image_path(actor: SiteActor) -> str:
    """Where the actor's image is copied, beside its page; "" when it has none."""
    if actor.image is None:
        return ""
    return f"actors/{actor.slug}/{actor.slug}{actor.image.suffix.lower()}"


def actor_image_files(site: Site) -> dict[str, bytes]:
    """The images of `actors.yaml`, for the actors that have a page (load checked them)."""
    return {
        actor_image_path(actor): actor.image.read_bytes()
        for actor in site.actors
        if actor.image is not None
    }


# --- Actors -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KindGroup:
    """The actors of one kind, by name."""

    kind: ActorKind
    actors: tuple[SiteActor, ...]


def actors_by_kind(actors: Iterable[SiteActor]) -> list[KindGroup]:
    """Actors grouped by kind (people first, as `ACTOR_KINDS` orders them), each group by name."""
    grouped: dict[ActorKind, list[SiteActor]] = {}
    for actor in actors:
        grouped.setdefault(actor.kind, []).append(actor)
    return [
        KindGroup(kind, tuple(sorted(grouped[kind], key=lambda a: (name_key(a.name), a.slug))))
        for kind in ACTOR_KINDS
        if kind in grouped
    ]


def filter_text(actor: SiteActor) -> str:
    """What the actor index's filter box matches: every name, without case or accents."""
    return " ".join(dict.fromkeys(name_key(n) for n in (actor.name, *actor.aliases)))


def actors_by_briefing(actors: Iterable[SiteActor]) -> dict[str, list[ActorRef]]:
    """The site actors each briefing names, by briefing slug."""
    present: dict[str, list[ActorRef]] = {}
    for actor in actors:
        for appearance in actor.appearances:
            present.setdefault(appearance.briefing.slug, []).append(actor.ref)
    return present


def top_actors(
    briefings: Sequence[Briefing], present: Mapping[str, Sequence[ActorRef]]
) -> list[tuple[ActorRef, int]]:
    """The actors most present in `briefings`, with the number of them each appears in;
    `present` is `actors_by_briefing` of the site."""
    counted = Counter(ref for briefing in briefings for ref in present.get(briefing.slug, ()))
    ranked = sorted(counted.items(), key=lambda item: (-item[1], name_key(item[0].name)))
    return ranked[:TAG_TOP_ACTORS]


# --- Timeline ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineMonth:
    """The events of one month: those dated only by the month first, then day by day."""

    value: str
    entries: tuple[TimelineEntry, ...]


@dataclass(frozen=True, slots=True)
class TimelineYear:
    """The events of one year: those dated only by the year, then its months."""

    year: int
    entries: tuple[TimelineEntry, ...]
    months: tuple[TimelineMonth, ...]

    @property
    def value(self) -> str:
        return f"{self.year:04d}"


def timeline_years(entries: Iterable[TimelineEntry]) -> list[TimelineYear]:
    """Chronological entries grouped by year and month, each at the precision it has."""
    years: dict[int, tuple[list[TimelineEntry], dict[int, list[TimelineEntry]]]] = {}
    for entry in entries:
        when = date_sort_key(entry.event.value)
        if when is None:
            continue
        year, month = when[0], when[1]
        own, months = years.setdefault(year, ([], {}))
        if month:
            months.setdefault(month, []).append(entry)
        else:
            own.append(entry)
    return [
        TimelineYear(
            year,
            tuple(own),
            tuple(
                TimelineMonth(f"{year:04d}-{month:02d}", tuple(found))
                for month, found in months.items()
            ),
        )
        for year, (own, months) in years.items()
    ]


def timeline_context(site: Site) -> dict[str, Any]:
    """What `timeline.html` gets: the grouped events, the charts, and the filters' choices."""
    actors = {ref.slug: ref for entry in site.timeline for ref in entry.actors}
    entry_tags = {
        entry.anchor: tuple(dict.fromkeys(tag_slug(name) for name in entry.briefing.tags))
        for entry in site.timeline
    }
    present = {slug for slugs in entry_tags.values() for slug in slugs}
    return {
        "years": timeline_years(site.timeline),
        "charts": density_charts(site.timeline),
        "filter_actors": sorted(actors.values(), key=lambda r: (name_key(r.name), r.slug)),
        "filter_tags": [tag for tag in site.tags if tag.slug in present],
        "entry_tags": entry_tags,
    }


@dataclass(frozen=True, slots=True)
class DensityBar:
    """One period of a density chart: its ISO value, its events, and its bar in chart units.

    `tick` says whether the axis names the period, `year_tick` whether it also shows the year
    (a month chart shows it under January and under its first month).
    """

    value: str
    count: int
    x: float
    height: float
    anchor: str
    tick: bool = False
    year_tick: bool = False


@dataclass(frozen=True, slots=True)
class DensitySpan:
    """Events dated only by a year, drawn under the months of that year in a month chart."""

    value: str
    count: int
    x: float
    width: float
    anchor: str


@dataclass(frozen=True, slots=True)
class DensityChart:
    """A bar per period (`unit` is "month" or "year"); the chart is `len(bars)` units wide and
    `BAR_AREA` high, plus a band for `spans` below when there are any."""

    unit: str
    bars: tuple[DensityBar, ...]
    spans: tuple[DensitySpan, ...]
    total: int

    BAR_AREA = 100

    @property
    def width(self) -> int:
        return len(self.bars)

    @property
    def height(self) -> int:
        return self.BAR_AREA + (14 if self.spans else 0)

    @property
    def first(self) -> str:
        return self.bars[0].value

    @property
    def last(self) -> str:
        return self.bars[-1].value


def density_charts(entries: Sequence[TimelineEntry]) -> list[DensityChart]:
    """The timeline's density: by month from the first to the last month that have events
    dated by month or day, over at most the latest `MONTHS_IN_DETAIL` months; and by year over
    the whole span when events reach further back (or are dated by year only)."""
    periods = [(w[0], w[1]) for e in entries if (w := date_sort_key(e.event.value)) is not None]
    if not periods:
        return []
    monthly = [year * 12 + month - 1 for year, month in periods if month]
    charts = []
    first = last = 0
    if monthly:
        last = max(monthly)
        first = min(month for month in monthly if month > last - MONTHS_IN_DETAIL)
        charts.append(_month_chart(periods, first, last))
    if not monthly or any(year * 12 + max(month - 1, 0) < first for year, month in periods):
        charts.append(_year_chart(periods))
    return charts


def _month_chart(periods: Sequence[tuple[int, int]], first: int, last: int) -> DensityChart:
    """Months `first`..`last` (counted as year * 12 + month - 1); a year-only event sits under
    its year's months, never in a month of its own."""
    counts = dict.fromkeys(range(first, last + 1), 0)
    years: dict[int, int] = {}
    for year, month in periods:
        if month and year * 12 + month - 1 in counts:
            counts[year * 12 + month - 1] += 1
        elif not month and year * 12 <= last and year * 12 + 11 >= first:
            years[year] = years.get(year, 0) + 1
    months = [(f"{i // 12:04d}-{i % 12 + 1:02d}", count) for i, count in counts.items()]
    every = 1 if len(months) <= 12 else 3
    bars = tuple(
        replace(
            bar,
            tick=(index % 12) % every == 0,
            year_tick=index % 12 == 0 or bar.x == 0,
        )
        for index, bar in zip(counts, _bars([(v, n, f"m{v}") for v, n in months]), strict=True)
    )
    spans = []
    for year, count in sorted(years.items()):
        start, end = max(year * 12, first), min(year * 12 + 11, last)
        spans.append(
            DensitySpan(f"{year:04d}", count, start - first, end - start + 1, f"y{year:04d}")
        )
    return DensityChart("month", bars, tuple(spans), sum(counts.values()) + sum(years.values()))


def _year_chart(periods: Sequence[tuple[int, int]]) -> DensityChart:
    counts = {year: 0 for year in range(min(y for y, _ in periods), max(y for y, _ in periods) + 1)}
    for year, _ in periods:
        counts[year] += 1
    every = next((step for step in (1, 5, 10, 25, 50) if len(counts) <= step * 12), 100)
    bars = tuple(
        replace(bar, tick=year % every == 0)
        for year, bar in zip(
            counts, _bars([(f"{y:04d}", n, f"y{y:04d}") for y, n in counts.items()]), strict=True
        )
    )
    return DensityChart("year", bars, (), len(periods))


def _bars(periods: Sequence[tuple[str, int, str]]) -> tuple[DensityBar, ...]:
    """Bars scaled to the busiest period; a period with one event still shows a visible bar."""
    busiest = max((count for _, count, _ in periods), default=0) or 1
    area = DensityChart.BAR_AREA
    return tuple(
        DensityBar(value, count, index, max(area * count / busiest, 4.0) if count else 0.0, anchor)
        for index, (value, count, anchor) in enumerate(periods)
    )
