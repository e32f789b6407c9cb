"""Merge what the YAML curates over what the extractor found, and build the site-wide views.

Pure functions of their inputs (GUIDE.md): no I/O, so they are cheap to test and safe to cache.
The rule everywhere is "what the YAML says wins": a curated actor takes over the mentions of the
extracted actor it names, a curated date replaces an extracted one with the same value, and a
curated list of key facts replaces the extracted list.

The site-wide views: one `SiteActor` per person or organisation whatever name or language each
briefing uses (who is who is `briefgen.identity`'s job, helped by the site's `actors.yaml`), with
the roles, sentences, companions and events the briefings give it; the `timeline` of every dated
event; and the tags.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import heapq
import itertools
import operator
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from briefgen.extract.text import sentence_around, sentence_bounds, shorten
from briefgen.fingerprint import Digester
from briefgen.identity import Identity, Occurrence, identify_actors
from briefgen.kept import Kept
from briefgen.model import (
    Actor,
    ActorKind,
    ActorRef,
    ActorRole,
    Appearance,
    Briefing,
    CanonicalActor,
    Companion,
    DatedEvent,
    Extraction,
    Site,
    SiteActor,
    SiteConfig,
    Tag,
    TimelineEntry,
)
from briefgen.names import NameFinder, name_key, text_key, url_name

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
    if not curated and not dropped:
        return list(extracted)  # what the loop below gives, without keying every name
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
    left out here; the extractor's full result is still available to scripts. A curated date
    takes the place in the text of the extracted one it replaces, so the article can still
    show where it is written.
    """
    if curated:
        found_at = {d.value: d for d in reversed(extracted) if d.start is not None}
        curated_values = {d.value for d in curated}
        kept = [
            *(_placed(d, found_at.get(d.value)) for d in curated),
            *(d for d in extracted if d.value not in curated_values),
        ]
    else:
        kept = list(extracted)
    placed = [d for d in kept if date_sort_key(d.value) is not None]
    return sorted(placed, key=lambda d: (date_sort_key(d.value), d.start or 0))


def _placed(curated: DatedEvent, found: DatedEvent | None) -> DatedEvent:
    if found is None or curated.start is not None:
        return curated
    return replace(curated, text=found.text, start=found.start, end=found.end)


@functools.lru_cache(maxsize=1 << 16)
def date_sort_key(value: str) -> tuple[int, int, int, str] | None:
    """Where an ISO-like value sits in time: (year, month, day, rest), or None if it has no place.

    Less precise values sort before more precise ones of the same period (`2022` before
    `2022-01` before `2022-01-10`), which is how a timeline reads. Cached: a site places the
    same few thousand values many times (timeline, pages, charts, exports).
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


@functools.lru_cache(maxsize=1 << 14)
def tag_slug(name: str) -> str:
    """The URL name of a tag (`tags/<slug>/`): lower-case ASCII words joined by hyphens.

    Cached: every page that lists a briefing writes its tags' links."""
    return url_name(name, "tag")


def assemble_site(
    config: SiteConfig,
    briefings: Iterable[Briefing],
    canonical_actors: Sequence[CanonicalActor] = (),
) -> Site:
    """The whole site: briefings newest first, their tags, actors and timeline.

    `canonical_actors` are those of the site's `actors.yaml` (`briefgen.load_actors`).
    """
    return Assembler().assemble(config, briefings, canonical_actors)


#: For each briefing (by slug), the site actor each of its actors is, in the briefing's order.
ActorRefs = Mapping[str, Sequence[ActorRef | None]]
#: How many of the site actors' companions (other actors of the same briefings) a page lists.
MAX_COMPANIONS = 8
#: A timeline entry with the key that places it on the site's timeline.
PlacedEntry = tuple[tuple[tuple[int, int, int, str], tuple[str, str], int], TimelineEntry]


@dataclass(frozen=True, slots=True)
class Naming:
    """Where a briefing's article first names one of its actors: the offset (None when it never
    does), whether one of the actor's located mentions is there (else a search for its names
    found it), and the sentence there as an actor page quotes it."""

    first: int | None
    mentioned: bool
    sentence: str


@dataclass(frozen=True, slots=True)
class Reading:
    """What assembling learns from one briefing alone, whatever the rest of the site: for each
    of its dated events that has a place in time (in the briefing's order), the indices of its
    actors the event involves (`_involved`); and for each of its actors, its `Naming`.

    A pure function of the briefing (`read_briefing`), so a build can keep it for the next
    (`cache.ReadingCache`): working it out was most of assembling a site, and quoting each
    actor's first sentence was a third of what remained.
    """

    involved: tuple[tuple[int, ...], ...]
    namings: tuple[Naming, ...]

    def fits(self, briefing: Briefing) -> bool:
        """Whether it can be this briefing's reading (a kept one could be damaged)."""
        actors = len(briefing.actors)
        return (
            len(self.namings) == actors
            and len(self.involved) == len(_dated(briefing))
            and all(0 <= index < actors for indices in self.involved for index in indices)
        )


def read_briefing(briefing: Briefing) -> Reading:
    """The `Reading` of `briefing`."""
    sentences = sentence_bounds(briefing.article_text)
    events = [event for _, event, _ in _dated(briefing)]
    involved = tuple(_involved(events, briefing.actors, sentences))
    return Reading(involved, tuple(_naming_of(briefing, a, sentences) for a in briefing.actors))


@dataclass(frozen=True, slots=True)
class _Cast:
    """Who is who across the site: the identities, the page of each (`refs[i]` for
    `identities[i]`), each briefing's actors' pages (`ref_of`), and each actor's companions."""

    identities: list[Identity]
    refs: list[ActorRef]
    ref_of: dict[str, tuple[ActorRef | None, ...]]
    companions: dict[str, list[Companion]]


@dataclass(frozen=True, slots=True)
class CastRecord:
    """Who is who as plain values, for a later process to take back (`Assembler.assemble`),
    with `key`, a digest of everything it was worked out from (`_cast_key`).

    `identities`: each one's canonical actor (its index, -1 for none) and its occurrences (their
    indices among the site's actors, briefing after briefing in site order, each briefing's in
    its own order); `refs`: each one's page (slug, name, kind); `companions`: each one's
    companions (identity index, shared briefings).
    """

    key: str
    identities: tuple[tuple[int, tuple[int, ...]], ...]
    refs: tuple[tuple[str, str, ActorKind], ...]
    companions: tuple[tuple[tuple[int, int], ...], ...]


@dataclass(frozen=True, slots=True)
class _Chronology:
    """The timeline made of each briefing's placed events (`sources`), and each actor's events."""

    sources: tuple[list[PlacedEntry], ...]
    timeline: tuple[TimelineEntry, ...]
    events: dict[str, list[TimelineEntry]]


class Assembler:
    """Assembles the same project again and again (for `serve`), redoing only what changed.

    Unchanged files give the very same `Briefing` and `Extraction` objects (the loader's memo,
    the extraction cache), so a briefing's own work (merging, sentences, dated events, its
    actors' entries) is kept under those objects; the site-wide steps reuse their last result
    when everything they read compares equal. The result always equals `assemble_site`'s.

        assembler = Assembler()
        merged = [assembler.merge(b, e) for b, e in zip(briefings, extractions)]
        site = assembler.assemble(config, merged, canonical_actors)
    """

    def __init__(self) -> None:
        self._merged: Kept[Briefing] = Kept()
        self._readings: Kept[Reading] = Kept()
        self._events: Kept[list[PlacedEntry]] = Kept()
        self._site_actors: Kept[SiteActor] = Kept()
        self._cast: tuple[object, _Cast] | None = None
        #: What the last cast is worked out from: `_cast_key`'s inputs, and its digest once made.
        self._cast_inputs: tuple[str, Sequence[CanonicalActor], Sequence[Briefing]] | None = None
        self._cast_key: str | None = None
        self._chronology = _Chronology((), (), {})
        #: The reading of each briefing of the last `assemble`, by slug.
        self.readings: dict[str, Reading] = {}

    def merge(self, briefing: Briefing, extraction: Extraction) -> Briefing:
        """`merge_briefing`, kept while `briefing` and `extraction` are the same objects."""
        return self._merged.get(
            (briefing, extraction), functools.partial(merge_briefing, briefing, extraction)
        )

    def assemble(
        self,
        config: SiteConfig,
        briefings: Iterable[Briefing],
        canonical_actors: Sequence[CanonicalActor] = (),
        known: Mapping[str, Reading] | None = None,
        kept_cast: CastRecord | None = None,
    ) -> Site:
        """`assemble_site` of these briefings, reusing what earlier calls made.

        `known` holds readings kept by an earlier process, by slug: each is that of the very
        briefing of that slug given now (the caller keys them by what the briefing is made
        from); one that does not fit its briefing is worked out again. `kept_cast` is who was
        who in an earlier process (`cast_record`), taken back when its key is that of these
        briefings and it holds together.
        """
        ordered = sorted(briefings, key=publication_sort_key, reverse=True)
        cast = self._who_is_who(ordered, canonical_actors, config.language, kept_cast)
        self.readings = {
            b.slug: self._readings.get((b,), functools.partial(_reading, b, known or {}))
            for b in ordered
        }
        chronology = self._chronicle(ordered, cast.ref_of)
        actors = [
            self._site_actors.get(
                (identity,),
                functools.partial(
                    _site_actor,
                    identity,
                    ref,
                    cast.companions.get(ref.slug, []),
                    chronology.events.get(ref.slug, []),
                    self.readings,
                ),
                (ref, cast.companions.get(ref.slug), chronology.events.get(ref.slug)),
            )
            for identity, ref in zip(cast.identities, cast.refs, strict=True)
        ]
        for kept in (self._merged, self._readings, self._events, self._site_actors):
            kept.sweep()
        return Site(
            config=config,
            briefings=tuple(ordered),
            tags=tuple(_tags(ordered)),
            actors=tuple(sorted(actors, key=lambda a: (name_key(a.name), a.slug))),
            timeline=chronology.timeline,
        )

    def cast_record(self) -> CastRecord:
        """Who is who in the last `assemble`, for a later process (`assemble`'s `kept_cast`)."""
        assert self._cast is not None and self._cast_inputs is not None
        if self._cast_key is None:
            self._cast_key = _cast_key(*self._cast_inputs)
        _, canonical, ordered = self._cast_inputs
        return _cast_record(self._cast_key, self._cast[1], canonical, ordered)

    def _who_is_who(
        self,
        ordered: Sequence[Briefing],
        canonical: Sequence[CanonicalActor],
        language: str,
        kept: CastRecord | None,
    ) -> _Cast:
        """The site's cast; the last one (with these briefings in it) when every input of
        `identify_actors` and of the pages' names is equal to last time's, else the `kept` one
        when its key is theirs."""
        signature = (language, tuple(canonical), tuple((b.slug, b.lang, b.actors) for b in ordered))
        key = _cast_key(language, canonical, ordered) if kept is not None else None
        if self._cast is not None and self._cast[0] == signature:
            known = self._cast[1]
            cast = replace(known, identities=_with_briefings(known.identities, ordered))
        elif kept is not None and kept.key == key and (taken := _taken(kept, canonical, ordered)):
            cast = taken
        else:
            earlier = {ref: ref for ref in self._cast[1].refs} if self._cast else {}
            cast = _cast(ordered, canonical, language, earlier)
        self._cast = (signature, cast)
        self._cast_inputs, self._cast_key = (language, canonical, ordered), key
        return cast

    def _chronicle(self, ordered: Sequence[Briefing], ref_of: ActorRefs) -> _Chronology:
        """The timeline, each briefing's events made again only when it or its actors' pages
        changed, and sorted again only when one of them was."""
        sources = tuple(
            self._events.get(
                (b,),
                functools.partial(
                    _briefing_events, b, ref_of[b.slug], self.readings[b.slug].involved
                ),
                ref_of[b.slug],
            )
            for b in ordered
        )
        known = self._chronology
        if len(sources) != len(known.sources) or not all(map(operator.is_, sources, known.sources)):
            self._chronology = _chronology(sources)
        return self._chronology


def _with_briefings(identities: Sequence[Identity], ordered: Sequence[Briefing]) -> list[Identity]:
    """The same identities, their occurrences in `ordered`'s briefing objects (which hold equal
    actors at the same positions); an identity whose briefings are all the same stays itself."""
    current = {b.slug: b for b in ordered}
    fresh = []
    for identity in identities:
        if all(current[o.briefing.slug] is o.briefing for o in identity.occurrences):
            fresh.append(identity)
            continue
        occurrences = []
        for occurrence in identity.occurrences:
            briefing = current[occurrence.briefing.slug]
            position = occurrence.position
            occurrences.append(Occurrence(briefing, briefing.actors[position], position))
        fresh.append(Identity(identity.canonical, tuple(occurrences)))
    return fresh


def _cast(
    ordered: Sequence[Briefing],
    canonical: Sequence[CanonicalActor],
    language: str,
    earlier: Mapping[ActorRef, ActorRef],
) -> _Cast:
    """Who is who; refs equal to `earlier` ones are those very objects, so that what is keyed
    on them compares fast."""
    identities = identify_actors(ordered, canonical)
    refs = [earlier.get(ref, ref) for ref in _actor_refs(identities, language)]
    ref_of = _refs_of_briefings(ordered, identities, refs)
    return _Cast(identities, refs, ref_of, _companions(ref_of.values()))


def _refs_of_briefings(
    ordered: Sequence[Briefing], identities: Sequence[Identity], refs: Sequence[ActorRef]
) -> dict[str, tuple[ActorRef | None, ...]]:
    """Each briefing's actors' pages, by slug: `refs[i]` for the occurrences of
    `identities[i]`, None for an actor no identity holds."""
    ref_of: dict[str, list[ActorRef | None]] = {b.slug: [None] * len(b.actors) for b in ordered}
    for identity, ref in zip(identities, refs, strict=True):
        for occurrence in identity.occurrences:
            ref_of[occurrence.briefing.slug][occurrence.position] = ref
    return {slug: tuple(found) for slug, found in ref_of.items()}


def _cast_key(
    language: str, canonical: Sequence[CanonicalActor], ordered: Sequence[Briefing]
) -> str:
    """A digest of everything who is who is worked out from: the site's language, its canonical
    actors, and each briefing's slug, language and actors' names, kinds and aliases, in site
    order (`identify_actors`, `Identity.name`, `_actor_refs`, `_companions` read nothing else)."""
    actors = [(b.slug, b.lang, [(a.name, a.kind, a.aliases) for a in b.actors]) for b in ordered]
    digest = Digester(b"cast")((language, tuple(canonical), actors))
    assert digest is not None  # strings, tuples and a dataclass of them always pickle
    return digest


def _cast_record(
    key: str, cast: _Cast, canonical: Sequence[CanonicalActor], ordered: Sequence[Briefing]
) -> CastRecord:
    first_of, count = {}, 0
    for briefing in ordered:  # where each briefing's actors start among the site's actors
        first_of[briefing.slug], count = count, count + len(briefing.actors)
    canonical_index = {actor: index for index, actor in reversed(list(enumerate(canonical)))}
    ref_index = {ref.slug: index for index, ref in enumerate(cast.refs)}
    return CastRecord(
        key,
        tuple(
            (
                -1 if identity.canonical is None else canonical_index[identity.canonical],
                tuple(first_of[o.briefing.slug] + o.position for o in identity.occurrences),
            )
            for identity in cast.identities
        ),
        tuple((ref.slug, ref.name, ref.kind) for ref in cast.refs),
        tuple(
            tuple((ref_index[c.actor.slug], c.briefings) for c in cast.companions.get(r.slug, ()))
            for r in cast.refs
        ),
    )


def _taken(
    kept: CastRecord, canonical: Sequence[CanonicalActor], ordered: Sequence[Briefing]
) -> _Cast | None:
    """The cast `kept` records, of these briefings; None when it does not hold together (its
    key is right, but the file it came from could be damaged)."""
    occurrences = [Occurrence(b, a, i) for b in ordered for i, a in enumerate(b.actors)]
    count = len(kept.identities)
    members = [index for _, indices in kept.identities for index in indices]
    if (
        sorted(members) != list(range(len(occurrences)))
        or len(kept.refs) != count
        or len(kept.companions) != count
        or not all(-1 <= index < len(canonical) for index, _ in kept.identities)
        or not all(0 <= other < count for pairs in kept.companions for other, _ in pairs)
    ):
        return None
    identities = [
        Identity(canonical[index] if index >= 0 else None, tuple(occurrences[i] for i in indices))
        for index, indices in kept.identities
    ]
    refs = [ActorRef(slug, name, kind) for slug, name, kind in kept.refs]
    companions = {
        ref.slug: [Companion(refs[other], count) for other, count in pairs]
        for ref, pairs in zip(refs, kept.companions, strict=True)
        if pairs
    }
    return _Cast(identities, refs, _refs_of_briefings(ordered, identities, refs), companions)


def _chronology(sources: tuple[list[PlacedEntry], ...]) -> _Chronology:
    """Every dated event of every briefing that has a place in time, oldest first, from each
    briefing's `_briefing_events`; and each actor's events, by slug.

    Events of the same period keep the order of their briefings' publication, then the order
    of the briefing's own list.
    """
    placed = [item for source in sources for item in source]
    placed.sort(key=lambda item: item[0])
    timeline = tuple(entry for _, entry in placed)
    events: dict[str, list[TimelineEntry]] = {}
    for entry in timeline:
        for involved in entry.actors:
            events.setdefault(involved.slug, []).append(entry)
    return _Chronology(sources, timeline, events)


def _actor_refs(identities: Sequence[Identity], site_language: str) -> list[ActorRef]:
    """A unique, stable page name for each identity; chosen slugs first, then by name."""
    names = [identity.name(site_language) for identity in identities]
    kinds = [identity.kind for identity in identities]
    slugs: dict[int, str] = {}
    taken: set[str] = set()
    for index, identity in enumerate(identities):
        if identity.canonical is not None and identity.canonical.slug:
            slugs[index] = identity.canonical.slug
            taken.add(identity.canonical.slug)
    rest = sorted(
        (i for i in range(len(identities)) if i not in slugs),
        key=lambda i: (identities[i].canonical is None, name_key(names[i]), kinds[i]),
    )
    for index in rest:
        base = url_name(names[index], "actor")
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        slugs[index] = slug
        taken.add(slug)
    return [ActorRef(slugs[i], names[i], kinds[i]) for i in range(len(identities))]


def _reading(briefing: Briefing, known: Mapping[str, Reading]) -> Reading:
    reading = known.get(briefing.slug)
    return reading if reading is not None and reading.fits(briefing) else read_briefing(briefing)


def _dated(briefing: Briefing) -> list[tuple[int, DatedEvent, tuple[int, int, int, str]]]:
    """The briefing's events that have a place in time: index, event, place."""
    return [
        (index, event, when)
        for index, event in enumerate(briefing.dates)
        if (when := date_sort_key(event.value)) is not None
    ]


def _briefing_events(
    briefing: Briefing, refs: Sequence[ActorRef | None], involved: Sequence[tuple[int, ...]]
) -> list[PlacedEntry]:
    """The briefing's events that have a place in time, each with its place on the timeline
    and the site actors it involves; `refs[i]` is `briefing.actors[i]`'s page, `involved` the
    actors of each event (`Reading.involved`)."""
    published = publication_sort_key(briefing)
    return [
        (
            (when, published, index),
            TimelineEntry(
                f"event-{briefing.slug}-{index + 1}",
                event,
                briefing,
                tuple(dict.fromkeys(ref for i in indices if (ref := refs[i]) is not None)),
            ),
        )
        for (index, event, when), indices in zip(_dated(briefing), involved, strict=True)
    ]


def _involved(
    events: Sequence[DatedEvent], actors: Sequence[Actor], sentences: list[tuple[int, int]]
) -> list[tuple[int, ...]]:
    """For each of a briefing's events, the indices of the briefing's actors that its
    description names or that its sentence in the article mentions, in the briefing's order.

    Worked out for all the events at once: each name is searched once through every
    description (`_naming`), and an event's sentence finds its mentions by bisection in their
    sorted offsets. Testing every actor against every event was the largest part of assembling
    a site.
    """
    names = [(f" {key} ", i) for i, actor in enumerate(actors) for key in _names(actor)]
    described = [f" {text_key(event.event or event.text)} " for event in events]
    involving = _naming(described, names)
    mentions = sorted((m.start, i) for i, actor in enumerate(actors) for m in actor.mentions)
    starts = [start for start, _ in mentions]
    for event, found in zip(events, involving, strict=True):
        if event.start is not None:
            start, end = sentence_around(sentences, event.start)
            first = bisect.bisect_left(starts, start)
            found.update(i for _, i in mentions[first : bisect.bisect_left(starts, end, first)])
    return [tuple(sorted(found)) for found in involving]


def _naming(texts: Sequence[str], names: Iterable[tuple[str, int]]) -> list[set[int]]:
    """For each of `texts`, the owners of the `(name, owner)` pairs whose name it contains.

    The texts are joined and each name is searched through them all at once, a search in C
    where a test of every (text, name) pair in Python cost more. A name holds no line break
    (the joint), so each match lies within one text.
    """
    joined = "\n".join(texts)
    text_starts = list(itertools.accumulate((len(t) + 1 for t in texts), initial=0))
    owners: list[set[int]] = [set() for _ in texts]
    for name, owner in names:
        at = joined.find(name)
        while at >= 0:
            index = bisect.bisect_right(text_starts, at) - 1
            owners[index].add(owner)
            at = joined.find(name, text_starts[index + 1])
    return owners


def _companions(present: Iterable[Sequence[ActorRef | None]]) -> dict[str, list[Companion]]:
    """For each actor (by slug), the actors it shares most briefings with, most first.

    Only the first `MAX_COMPANIONS` of each are made and kept: an actor shares briefings with
    hundreds of others.
    """
    refs: dict[str, ActorRef] = {}
    together: dict[str, Counter[str]] = {}
    for briefing_refs in present:
        named = {ref.slug: ref for ref in briefing_refs if ref is not None}
        refs.update(named)
        for slug in named:
            together.setdefault(slug, Counter()).update(named.keys())
    order = {slug: (name_key(ref.name), slug) for slug, ref in refs.items()}
    shared: dict[str, list[Companion]] = {}
    for slug, counts in together.items():
        del counts[slug]
        first = heapq.nsmallest(
            MAX_COMPANIONS, counts.items(), key=lambda item: (-item[1], order[item[0]])
        )
        if first:
            shared[slug] = [Companion(refs[other], count) for other, count in first]
    return shared


def _site_actor(
    identity: Identity,
    ref: ActorRef,
    companions: Sequence[Companion],
    events: Sequence[TimelineEntry],
    readings: Mapping[str, Reading],
) -> SiteActor:
    canonical = identity.canonical
    by_briefing: dict[str, list[Occurrence]] = {}
    for occurrence in identity.occurrences:
        by_briefing.setdefault(occurrence.briefing.slug, []).append(occurrence)
    roles: dict[tuple[str, str], tuple[str, list[Briefing]]] = {}
    for occurrences in by_briefing.values():
        briefing = occurrences[0].briefing
        actors = [o.actor for o in reversed(occurrences)]
        for role in {name_key(a.role): a.role for a in actors if a.role}.values():
            roles.setdefault((name_key(role), briefing.lang), (role, []))[1].append(briefing)
    return SiteActor(
        slug=ref.slug,
        name=ref.name,
        kind=ref.kind,
        description=canonical.description if canonical else "",
        aliases=tuple(n for n in identity.names() if name_key(n) != name_key(ref.name)),
        image=canonical.image if canonical else None,
        roles=tuple(ActorRole(role, tuple(sources)) for role, sources in roles.values()),
        appearances=tuple(
            _appearance(occurrences, readings[slug].namings)
            for slug, occurrences in by_briefing.items()
        ),
        companions=tuple(companions),
        events=tuple(events),
    )


def _appearance(occurrences: Sequence[Occurrence], namings: Sequence[Naming]) -> Appearance:
    """The briefing's use of the actor (`occurrences` of it in one briefing): its name, its
    mentions, and the sentence first naming it: where its first located mention is, else where
    the article first writes one of its names (`namings` are the briefing's, by position)."""
    own = [namings[o.position] for o in occurrences]
    mentioned = [(n.first, n.sentence) for n in own if n.mentioned and n.first is not None]
    firsts = mentioned or [(n.first, n.sentence) for n in own if n.first is not None]
    sentence = min(firsts)[1] if firsts else ""
    return Appearance(occurrences[0].briefing, tuple(o.actor for o in occurrences), sentence)


def _naming_of(briefing: Briefing, actor: Actor, sentences: list[tuple[int, int]]) -> Naming:
    """Where the article first names `actor` (see `Naming`), and the sentence there."""
    first = min((m.start for m in actor.mentions), default=None)
    mentioned = first is not None
    if first is None:
        first = first_name_at(briefing.article_text, [actor])
    if first is None:
        return Naming(None, False, "")
    start, end = sentence_around(sentences, first)
    text = readable_text(excerpt(briefing.article_text, start, end, first), briefing)
    return Naming(first, mentioned, text)


#: The longest sentence an actor page quotes whole; longer ones are cut around the mention.
EXCERPT_LIMIT = 240


def excerpt(text: str, start: int, end: int, focus: int) -> str:
    """`text[start:end]` on one line, cut to `EXCERPT_LIMIT` characters around `focus` (with …)
    so that a long sentence still shows the words at `focus`."""
    if end - start <= EXCERPT_LIMIT:
        return shorten(text[start:end], EXCERPT_LIMIT)
    begin = max(start, focus - EXCERPT_LIMIT // 3)
    if begin > start:
        space = text.find(" ", begin, focus)
        begin = space + 1 if space >= 0 else begin
    cut = shorten(text[begin:end], EXCERPT_LIMIT - (begin > start))
    return ("…" if begin > start else "") + cut


def first_name_at(text: str, actors: Sequence[Actor]) -> int | None:
    """Where `text` first writes one of the actors' names or aliases, as a whole word."""
    names = [n for actor in actors for n in (actor.name, *actor.aliases)]
    spans = NameFinder(names).spans(text) if names else []
    return spans[0][0] if spans else None


def readable_text(fragment: str, briefing: Briefing) -> str:
    """A piece of the article as a reader sees it: Markdown's marks removed, text kept."""
    if briefing.article_format != "md":
        return fragment
    unlinked = _MARKDOWN_LINK.sub(r"\1", fragment)
    return _MARKDOWN_MARKS.sub("", unlinked).strip()


_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)|\*\*|__|`|~~")


def _tags(briefings: Sequence[Briefing]) -> list[Tag]:
    by_slug: dict[str, tuple[str, list[str]]] = {}
    for briefing in briefings:
        for slug in dict.fromkeys(tag_slug(name) for name in briefing.tags):
            name = next(n for n in briefing.tags if tag_slug(n) == slug)
            by_slug.setdefault(slug, (name, []))[1].append(briefing.slug)
    return [Tag(name, slug, tuple(slugs)) for slug, (name, slugs) in sorted(by_slug.items())]
