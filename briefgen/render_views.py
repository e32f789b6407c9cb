"""The site-wide pages — actors, timeline, tags — and what each of their templates receives.

`render.render_site` renders these beside the index and the briefing pages. The views
themselves (who is who, what happened when) are assembled in `briefgen.assemble`; this module
only shapes them for the page: actors grouped by kind, the timeline grouped by year and month,
and the geometry of the timeline's density chart, drawn at build time as inline SVG by
`timeline.html` (no chart library, no request). Nothing here formats text for a language: the
templates do that with the theme's filters.
"""

from __future__ import annotations

import copy
import datetime
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, TypeVar

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
from briefgen.paths import (
    ACTORS_PAGE,
    INDEX_PAGE,
    TAGS_PAGE,
    TIMELINE_FOLDER,
    TIMELINE_PAGE,
    actor_path,
    tag_path,
)

#: The density chart shows months over at most this many of the latest months with events; older
#: events appear in a second chart, by year.
MONTHS_IN_DETAIL = 24
#: How many actors a tag page lists as the most present in its briefings.
TAG_TOP_ACTORS = 12


class ViewPage(NamedTuple):
    """One site-wide page: its template, its output path, and its own context.

    A page whose context costs much to make and is seldom needed (most pages of a rebuild stay
    as they were) has, instead of a context, the `key` it is made from (compared with `==`,
    digested from one build to the next) and `make`, which makes it only when the page is.
    """

    template: str
    path: str
    context: Mapping[str, Any]
    key: object = None
    make: Callable[[], Mapping[str, Any]] | None = None


#: How many briefings a listing page shows (the index, a tag, an actor); more go to further
#: pages, so no page grows with the archive.
BRIEFINGS_PER_PAGE = 50
#: How many events a timeline page shows at most; a longer period goes on further pages.
EVENTS_PER_PAGE = 300
#: A year with more events than this gets one page per month (its year-only events stay on the
#: year's page, with the list of its months).
YEAR_PAGE_LIMIT = 300
#: How many of the latest events the timeline's front page shows under its chart.
LATEST_EVENTS = 100
#: How many of an actor's latest dated events its page shows (the timeline has them all).
ACTOR_EVENTS = 20
#: How many briefings an actor's page cites under each role.
ROLE_SOURCES = 3


# --- What listing pages show of a briefing, an actor, an event ----------------------------------


@dataclass(frozen=True, slots=True)
class BriefingRow:
    """What a list shows of a briefing: listing pages get these, never whole briefings, so a
    page's inputs are only what it shows (and an edited article re-renders no listing)."""

    slug: str
    title: str
    published: str
    published_day: datetime.date
    lang: str
    summary: str
    source: str
    tags: tuple[str, ...]
    actor_count: int
    date_count: int


def briefing_row(briefing: Briefing) -> BriefingRow:
    return BriefingRow(
        briefing.slug,
        briefing.title,
        briefing.published.isoformat(),
        briefing.published_day,
        briefing.lang,
        briefing.summary,
        briefing.source,
        briefing.tags,
        len(briefing.actors),
        len(briefing.dates),
    )


@dataclass(frozen=True, slots=True)
class EventRow:
    """A timeline entry as a page shows it: `text` is the event's description (or its words),
    `briefing` the row of its briefing, `tags` the slugs of the briefing's tags (for filters)."""

    anchor: str
    value: str
    text: str
    briefing: BriefingRow
    actors: tuple[ActorRef, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where one page sits among the pages of a list: `paths` of every page, 1-based `number`.

    `links` are the page numbers a pager shows (the first, the last, and two either side of
    this one), with 0 where numbers are left out.
    """

    number: int
    paths: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.paths)

    @property
    def previous(self) -> str:
        return self.paths[self.number - 2] if self.number > 1 else ""

    @property
    def next(self) -> str:
        return self.paths[self.number] if self.number < self.count else ""

    @property
    def links(self) -> tuple[tuple[int, str], ...]:
        shown = sorted(
            {1, self.count, *range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)}
        )
        links: list[tuple[int, str]] = []
        for number in shown:
            if links and number > links[-1][0] + 1:
                links.append((0, ""))
            links.append((number, self.paths[number - 1]))
        return tuple(links)


def page_paths(first: str, count: int) -> tuple[str, ...]:
    """The paths of `count` pages of a list whose first page is `first`: `index.html`,
    `page/2/index.html`… beside it (`actors/x/index.html` → `actors/x/page/2/index.html`)."""
    folder = first.removesuffix(INDEX_PAGE)
    return (first, *(f"{folder}page/{n}/{INDEX_PAGE}" for n in range(2, count + 1)))


T = TypeVar("T")


def paginated(
    first: str, items: Sequence[T], per_page: int
) -> list[tuple[Pagination, Sequence[T]]]:
    """`items` cut into pages of `per_page` (one empty page when there are none)."""
    count = max(1, -(-len(items) // per_page))
    paths = page_paths(first, count)
    return [
        (Pagination(number, paths), items[(number - 1) * per_page : number * per_page])
        for number in range(1, count + 1)
    ]


# --- The pages ----------------------------------------------------------------------------------


class SiteRows:
    """The rows of one site, each made once: many pages list the same briefing or event.

    Made with the rows of the last build (`earlier`), a row whose briefing or timeline entry is
    the very same object is that row again, so that pages whose inputs did not change compare
    equal to last time's at the cost of an identity check.
    """

    def __init__(self, site: Site, layout: TimelineLayout, earlier: SiteRows | None = None) -> None:
        made_from = earlier._made_from if earlier else {}
        self._made_from: dict[str, Briefing] = {b.slug: b for b in site.briefings}
        self.briefings: dict[str, BriefingRow] = {
            b.slug: earlier.briefings[b.slug]
            if earlier and made_from.get(b.slug) is b
            else briefing_row(b)
            for b in site.briefings
        }
        self.tag_slugs = {
            b.slug: tuple(dict.fromkeys(tag_slug(name) for name in b.tags)) for b in site.briefings
        }
        self.layout = layout
        self._earlier_events = earlier._events if earlier else {}
        self._events: dict[str, tuple[TimelineEntry, EventRow]] = {}
        self._earlier_actors = earlier._actors if earlier else {}
        self._actors: dict[str, tuple[SiteActor, tuple[str, ...], list[ViewPage]]] = {}
        self._earlier_periods = earlier._periods if earlier else {}
        self._periods: dict[str, tuple[object, ViewPage]] = {}

    def event(self, entry: TimelineEntry) -> EventRow:
        known = self._events.get(entry.anchor) or self._earlier_events.get(entry.anchor)
        row = known[1] if known is not None and known[0] is entry else self._event(entry)
        self._events[entry.anchor] = (entry, row)
        return row

    def actor_pages(self, actor: SiteActor) -> list[ViewPage]:
        """`actor_pages` of `actor`, the last build's when the actor is the very same object
        (its briefings and events the same, so their rows too) and its events on the same
        timeline pages."""
        event_pages = _event_pages(actor, self.layout)
        known = self._actors.get(actor.slug) or self._earlier_actors.get(actor.slug)
        if known is not None and known[0] is actor and known[1] == event_pages:
            pages = known[2]
        else:
            pages = actor_pages(actor, self)
        self._actors[actor.slug] = (actor, event_pages, pages)
        return pages

    def period_page(
        self, period: PeriodPage, years: tuple[TimelinePeriod, ...], choices: TagChoices
    ) -> ViewPage:
        """`period_page`, the last build's when the period holds the very same entries and
        the years and tag choices are equal."""
        path = period.pagination.paths[period.pagination.number - 1]
        key = (period, years, choices.key)
        known = self._periods.get(path) or self._earlier_periods.get(path)
        page = known[1] if known is not None and known[0] == key else None
        page = page or period_page(period, years, choices, self)
        self._periods[path] = (key, page)
        return page

    def _event(self, entry: TimelineEntry) -> EventRow:
        slug = entry.briefing.slug
        event = entry.event
        return EventRow(
            entry.anchor,
            event.value,
            event.event or event.text,
            self.briefings[slug],
            entry.actors,
            self.tag_slugs[slug],
        )


def site_view_pages(
    site: Site, layout: TimelineLayout | None = None, rows: SiteRows | None = None
) -> list[ViewPage]:
    """The index, the actor index and pages, the timeline, the tag index and pages of `site`;
    `rows` are the site's rows when the caller keeps them (see `SiteRows`)."""
    layout = layout or timeline_layout(site.timeline)
    rows = rows or SiteRows(site, layout)
    pages = index_pages(site, rows)
    kinds = tuple(actors_by_kind(site.actors))
    pages.append(
        ViewPage("actors.html", ACTORS_PAGE, {"kinds": kinds, "actors_total": len(site.actors)})
    )
    for actor in site.actors:
        pages += rows.actor_pages(actor)
    pages += timeline_pages(site, rows)
    pages.append(ViewPage("tags.html", TAGS_PAGE, {"tags": site.tags}))
    briefings = {briefing.slug: briefing for briefing in site.briefings}
    present = actors_by_briefing(site.actors)
    for tag in site.tags:
        tagged = [briefings[slug] for slug in tag.briefings if slug in briefings]
        pages += tag_pages(tag, tagged, top_actors(tagged, present), rows)
    return pages


def index_pages(site: Site, rows: SiteRows) -> list[ViewPage]:
    """The briefings, newest first, `BRIEFINGS_PER_PAGE` a page."""
    every = [rows.briefings[b.slug] for b in site.briefings]
    return [
        ViewPage(
            "index.html",
            pagination.paths[pagination.number - 1],
            {"briefings": tuple(shown), "pagination": pagination, "total": len(every)},
        )
        for pagination, shown in paginated(INDEX_PAGE, every, BRIEFINGS_PER_PAGE)
    ]


def tag_pages(
    tag: Tag, tagged: Sequence[Briefing], actors: list[tuple[ActorRef, int]], rows: SiteRows
) -> list[ViewPage]:
    """A tag's briefings, newest first, paginated; the most present actors on its first page."""
    every = [rows.briefings[b.slug] for b in tagged]
    return [
        ViewPage(
            "tag.html",
            pagination.paths[pagination.number - 1],
            {
                "tag": Tag(tag.name, tag.slug),
                "briefings": tuple(shown),
                "total": len(every),
                "actors": tuple(actors) if pagination.number == 1 else (),
                "pagination": pagination,
            },
        )
        for pagination, shown in paginated(tag_path(tag), every, BRIEFINGS_PER_PAGE)
    ]


@dataclass(frozen=True, slots=True)
class RoleView:
    """A role an actor is given, in the language of its briefings, with its latest sources."""

    role: str
    lang: str
    sources: tuple[BriefingRow, ...]
    count: int


@dataclass(frozen=True, slots=True)
class ActorView:
    """What an actor's pages show of a `SiteActor` beyond the page's slice of briefings."""

    slug: str
    name: str
    kind: ActorKind
    description: str
    aliases: tuple[str, ...]
    image_path: str
    briefing_count: int
    event_count: int


@dataclass(frozen=True, slots=True)
class AppearanceRow:
    """A briefing on an actor's page, and the sentence that names the actor in it."""

    briefing: BriefingRow
    sentence: str


def actor_pages(actor: SiteActor, rows: SiteRows) -> list[ViewPage]:
    """An actor's pages: its briefings paginated; roles, companions and latest events on the
    first page (each bounded, so an actor of thousands of briefings still has light pages)."""
    view = ActorView(
        actor.slug,
        actor.name,
        actor.kind,
        actor.description,
        actor.aliases,
        actor_image_path(actor),
        len(actor.appearances),
        len(actor.events),
    )
    appearances = [
        AppearanceRow(rows.briefings[a.briefing.slug], a.sentence or a.briefing.summary)
        for a in actor.appearances
    ]
    first_page = {
        "roles": tuple(
            RoleView(
                role.role,
                role.lang,
                tuple(rows.briefings[b.slug] for b in role.briefings[:ROLE_SOURCES]),
                len(role.briefings),
            )
            for role in actor.roles
        ),
        "companions": actor.companions,
        "events": tuple(rows.event(e) for e in actor.events[-ACTOR_EVENTS:]),
        "event_pages": _event_pages(actor, rows.layout),
    }
    later_pages = {"roles": (), "companions": (), "events": (), "event_pages": ()}
    return [
        ViewPage(
            "actor.html",
            pagination.paths[pagination.number - 1],
            {
                "actor": view,
                "appearances": tuple(shown),
                "pagination": pagination,
                **(first_page if pagination.number == 1 else later_pages),
            },
        )
        for pagination, shown in paginated(actor_path(actor), appearances, BRIEFINGS_PER_PAGE)
    ]


def _event_pages(actor: SiteActor, layout: TimelineLayout) -> tuple[str, ...]:
    """The timeline pages of the latest events an actor's page shows."""
    return tuple(layout.page_of(e.anchor) for e in actor.events[-ACTOR_EVENTS:])


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
class ActorCard:
    """What the actor index shows of an actor: `role` (in `role_lang`) stands in for a
    description the site's `actors.yaml` does not give; `filter_text` is what the filter box
    matches."""

    slug: str
    name: str
    kind: ActorKind
    description: str
    briefing_count: int
    role: str
    role_lang: str
    filter_text: str


def actor_card(actor: SiteActor) -> ActorCard:
    first_role = actor.roles[0] if actor.roles else None
    return ActorCard(
        actor.slug,
        actor.name,
        actor.kind,
        actor.description,
        len(actor.appearances),
        first_role.role if first_role else "",
        first_role.lang if first_role else "",
        filter_text(actor),
    )


@dataclass(frozen=True, slots=True)
class KindGroup:
    """The actors of one kind, by name."""

    kind: ActorKind
    actors: tuple[ActorCard, ...]


def actors_by_kind(actors: Iterable[SiteActor]) -> list[KindGroup]:
    """Actors grouped by kind (people first, as `ACTOR_KINDS` orders them), each group by name."""
    grouped: dict[ActorKind, list[SiteActor]] = {}
    for actor in actors:
        grouped.setdefault(actor.kind, []).append(actor)
    return [
        KindGroup(
            kind,
            tuple(
                actor_card(a)
                for a in sorted(grouped[kind], key=lambda a: (name_key(a.name), a.slug))
            ),
        )
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
        ref = actor.ref
        for appearance in actor.appearances:
            present.setdefault(appearance.briefing.slug, []).append(ref)
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
    entries: tuple[EventRow, ...]


@dataclass(frozen=True, slots=True)
class TimelineYear:
    """The events of one year: those dated only by the year, then its months."""

    year: int
    entries: tuple[EventRow, ...]
    months: tuple[TimelineMonth, ...]

    @property
    def value(self) -> str:
        return f"{self.year:04d}"


def timeline_years(entries: Iterable[EventRow]) -> list[TimelineYear]:
    """Chronological entries grouped by year and month, each at the precision it has."""
    years: dict[int, tuple[list[EventRow], dict[int, list[EventRow]]]] = {}
    for entry in entries:
        when = date_sort_key(entry.value)
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


@dataclass(frozen=True, slots=True)
class TimelinePeriod:
    """A year or a month that has a page of its own: its ISO value, its page, and how many
    events it has (None where a page lists it without: see `timeline_pages`)."""

    value: str
    path: str
    count: int | None


@dataclass(frozen=True, slots=True)
class PeriodPage:
    """One page of a period's events (chronological), with the period's months when the year
    is split into month pages."""

    value: str
    pagination: Pagination
    entries: tuple[TimelineEntry, ...]
    total: int
    months: tuple[TimelinePeriod, ...] = ()


class TimelineLayout:
    """Which page of the timeline holds each event.

    A year has one page (`timeline/2022/`), or, past `YEAR_PAGE_LIMIT` events, one per month
    (`timeline/2022/03/`) while its page keeps the events dated by the year alone and lists its
    months; any of these pages past `EVENTS_PER_PAGE` events continues on `page/2/`. Events stay
    on their period's page as the archive grows, so a link to one keeps working.
    """

    def __init__(self, timeline: Sequence[TimelineEntry]) -> None:
        self._timeline = timeline
        self._placed: tuple[tuple[str, str], ...] | None = None
        self._charts: list[DensityChart] | None = None
        # Each event's year and month (0: none) are read once: the layout walks every event.
        by_year: dict[int, list[tuple[TimelineEntry, int]]] = {}
        for entry in timeline:
            when = date_sort_key(entry.event.value)
            if when is not None:
                by_year.setdefault(when[0], []).append((entry, when[1]))
        self.pages: list[PeriodPage] = []
        self.years: list[TimelinePeriod] = []
        self.period_links: dict[str, str] = {}
        self._page_of: dict[str, str] = {}
        for year, dated in by_year.items():
            self._lay_out_year(year, dated)

    @property
    def placed(self) -> tuple[tuple[str, str], ...]:
        """What the layout depends on: each event's anchor and value, in order (worked out
        when asked: only a later layout of the same preview compares it)."""
        if self._placed is None:
            self._placed = _placed(self._timeline)
        return self._placed

    def _lay_out_year(self, year: int, dated: list[tuple[TimelineEntry, int]]) -> None:
        value = f"{year:04d}"
        year_path = f"{TIMELINE_FOLDER}{value}/{INDEX_PAGE}"
        entries = [entry for entry, _ in dated]
        self.years.append(TimelinePeriod(value, year_path, len(entries)))
        self.period_links[f"y{value}"] = f"{year_path}#y{value}"
        months = dict.fromkeys(month for _, month in dated if month)  # in order of appearance
        if len(entries) <= YEAR_PAGE_LIMIT:
            for month in months:
                self.period_links[f"m{value}-{month:02d}"] = f"{year_path}#m{value}-{month:02d}"
            self._add_pages(value, year_path, entries)
            return
        by_month: dict[int, list[TimelineEntry]] = {month: [] for month in months}
        own: list[TimelineEntry] = []
        for entry, month in dated:
            (by_month[month] if month else own).append(entry)
        periods = tuple(
            TimelinePeriod(
                f"{value}-{month:02d}",
                f"{TIMELINE_FOLDER}{value}/{month:02d}/{INDEX_PAGE}",
                len(found),
            )
            for month, found in by_month.items()
        )
        self._add_pages(value, year_path, own, periods)
        for period, found in zip(periods, by_month.values(), strict=True):
            self.period_links[f"m{period.value}"] = period.path
            self._add_pages(period.value, period.path, found)

    def _add_pages(
        self,
        value: str,
        path: str,
        entries: Sequence[TimelineEntry],
        months: tuple[TimelinePeriod, ...] = (),
    ) -> None:
        for pagination, shown in paginated(path, entries, EVENTS_PER_PAGE):
            page_path = pagination.paths[pagination.number - 1]
            self.pages.append(PeriodPage(value, pagination, tuple(shown), len(entries), months))
            self._page_of.update(dict.fromkeys((entry.anchor for entry in shown), page_path))

    def charts(self) -> list[DensityChart]:
        """`density_charts` of the timeline, made once (they depend on its values only)."""
        if self._charts is None:
            self._charts = density_charts(self._timeline)
        return self._charts

    def holding(self, timeline: Sequence[TimelineEntry]) -> TimelineLayout | None:
        """This layout for `timeline`, whose events have the anchors and values of this one's
        (`placed`): its pages hold `timeline`'s entries, and a page whose entries are all the
        same objects stays itself. None when anchors repeat (no entry can then be told apart)."""
        current = {entry.anchor: entry for entry in timeline}
        if len(current) != len(timeline):
            return None
        layout = copy.copy(self)
        layout._timeline, layout._placed = timeline, self._placed
        layout.pages = [
            page
            if all(current[entry.anchor] is entry for entry in page.entries)
            else replace(page, entries=tuple(current[entry.anchor] for entry in page.entries))
            for page in self.pages
        ]
        return layout

    def page_of(self, anchor: str) -> str:
        """The page that holds the event `anchor` (`TimelineEntry.anchor`)."""
        return self._page_of.get(anchor, TIMELINE_PAGE)

    def event_path(self, anchor: str) -> str:
        """The event's place on the timeline, to link to: its page and its id there."""
        return f"{self.page_of(anchor)}#{anchor}"


def timeline_layout(
    timeline: Sequence[TimelineEntry], earlier: TimelineLayout | None = None
) -> TimelineLayout:
    """The layout of `timeline`; `earlier`'s again (see `TimelineLayout.holding`) when every
    event keeps its anchor and value: checking them costs far less than placing them."""
    if earlier is not None and earlier.placed == _placed(timeline):
        kept = earlier.holding(timeline)
        if kept is not None:
            return kept
    return TimelineLayout(timeline)


def _placed(timeline: Sequence[TimelineEntry]) -> tuple[tuple[str, str], ...]:
    return tuple((entry.anchor, entry.event.value) for entry in timeline)


def timeline_pages(site: Site, rows: SiteRows) -> list[ViewPage]:
    """The timeline's front page (chart, years, latest events) and the pages of its periods."""
    layout = rows.layout
    choices = TagChoices(site.tags)
    latest = [rows.event(entry) for entry in site.timeline[-LATEST_EVENTS:]]
    front = {
        "heading": "",
        "charts": tuple(layout.charts()),
        "period_links": layout.period_links,
        "periods": tuple(layout.years),
        "months": (),
        "pagination": None,
        "event_count": len(site.timeline),
        **_timeline_entries(latest, choices),
    }
    pages = [ViewPage("timeline.html", TIMELINE_PAGE, front)]
    # A period's page lists the years without their counts, which the front page shows: an
    # event added to one year would otherwise change the page of every other (at 5,000
    # briefings, an article's edit made 700 timeline pages anew instead of a few).
    years = tuple(replace(year, count=None) for year in layout.years)
    pages += [rows.period_page(period, years, choices) for period in layout.pages]
    return pages


def period_page(
    period: PeriodPage, years: tuple[TimelinePeriod, ...], choices: TagChoices, rows: SiteRows
) -> ViewPage:
    """The page of one period of the timeline (or one of its pages), its context made only when
    the page is: it is a pure function of the period, the years and the tag choices."""
    path = period.pagination.paths[period.pagination.number - 1]
    make = functools.partial(_period_context, period, years, choices, rows)
    return ViewPage("timeline.html", path, {}, (period, years, choices.key), make)


def _period_context(
    period: PeriodPage, years: tuple[TimelinePeriod, ...], choices: TagChoices, rows: SiteRows
) -> dict[str, Any]:
    shown = [rows.event(entry) for entry in period.entries]
    return {
        "heading": period.value,
        "charts": (),
        "period_links": {},
        "periods": years,
        "months": period.months,
        "pagination": period.pagination,
        "event_count": period.total,
        **_timeline_entries(shown, choices),
    }


class TagChoices:
    """The site's tags as a timeline page's filter offers them (name and slug), in the site's
    order: each page picks those of its events without going through every tag."""

    def __init__(self, tags: Sequence[Tag]) -> None:
        self._by_slug = {
            tag.slug: (index, Tag(tag.name, tag.slug)) for index, tag in enumerate(tags)
        }
        #: Everything the choices depend on, to compare with another build's.
        self.key = tuple((tag.slug, tag.name) for tag in tags)

    def among(self, slugs: Iterable[str]) -> tuple[Tag, ...]:
        """The tags of `slugs` that the site has, in the site's order."""
        found = sorted(self._by_slug[slug] for slug in set(slugs) if slug in self._by_slug)
        return tuple(tag for _, tag in found)


def _timeline_entries(shown: Sequence[EventRow], tags: TagChoices) -> dict[str, Any]:
    """The grouped events of one timeline page, and the choices of its filters."""
    actors = {ref.slug: ref for entry in shown for ref in entry.actors}
    return {
        "years": tuple(timeline_years(shown)),
        "filter_actors": tuple(sorted(actors.values(), key=lambda r: (name_key(r.name), r.slug))),
        "filter_tags": tags.among(slug for entry in shown for slug in entry.tags),
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
