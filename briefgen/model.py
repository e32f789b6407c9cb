"""The domain of briefgen: what a briefing is made of, and the site built from briefings.

Every type here is a frozen dataclass: stages hand values to each other and never mutate them,
which keeps `extract` and `assemble` pure, cacheable and safe in a worker pool. This module imports
nothing of briefgen's own (GUIDE.md: imports point one way, towards the model).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ActorKind = Literal["person", "organization", "country", "place", "group"]
ACTOR_KINDS: tuple[ActorKind, ...] = ("person", "organization", "country", "place", "group")

DateKind = Literal["date", "time", "duration", "set"]
DATE_KINDS: tuple[DateKind, ...] = ("date", "time", "duration", "set")

ArticleFormat = Literal["txt", "md"]

#: A publication date: a calendar day, or a moment (a datetime, with a zone when the YAML gave one).
Published = datetime.date | datetime.datetime


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The site, as `briefgen.yaml` describes it; paths are absolute."""

    root: Path
    title: str
    language: str = "en"
    base_url: str = ""
    theme: str = "default"
    output: Path = Path("_site")
    description: str = ""
    author: str = ""
    cname: str = ""
    config_path: Path | None = None

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def seeds_dir(self) -> Path:
        return self.root / "seeds"

    @property
    def themes_dir(self) -> Path:
        return self.root / "themes"


@dataclass(frozen=True, slots=True)
class Mention:
    """One place in the article text that names an actor; `str` offsets, end exclusive."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Actor:
    """A person, organisation, country, place or group that a briefing is about.

    `curated` is true when the actor comes from the YAML (it then wins over extraction).
    """

    name: str
    kind: ActorKind
    role: str = ""
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    curated: bool = False


@dataclass(frozen=True, slots=True)
class DatedEvent:
    """A temporal expression with its normalised ISO 8601 value and the event it anchors.

    `start`/`end` locate `text` in the article; curated dates have no place in the text (None).
    `value` examples: `2022-01-10`, `2021-12`, `2014`, `2021-12-29T15:30-05:00`, `2021-W52`, `P2M`.
    """

    value: str
    kind: DateKind
    event: str
    text: str = ""
    start: int | None = None
    end: int | None = None
    curated: bool = False


@dataclass(frozen=True, slots=True)
class KeyFact:
    """A statement a reader of the briefing needs; offsets locate its source sentence, if any."""

    text: str
    start: int | None = None
    end: int | None = None
    curated: bool = False


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation and who said it ("" when the text does not attribute it)."""

    text: str
    speaker: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the extractor draws from an article's text."""

    actors: tuple[Actor, ...] = ()
    dates: tuple[DatedEvent, ...] = ()
    key_facts: tuple[KeyFact, ...] = ()
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True, slots=True)
class Briefing:
    """One briefing: a content YAML file and the article it describes.

    After `load`, `actors`, `dates` and `key_facts` hold what the YAML curates; after `assemble`
    they hold the curated items merged over the extracted ones.
    """

    slug: str
    title: str
    published: Published
    lang: str
    article_text: str
    article_format: ArticleFormat
    content_path: Path
    article_path: Path
    source: str = ""
    url: str = ""
    tags: tuple[str, ...] = ()
    summary: str = ""
    key_facts: tuple[KeyFact, ...] = ()
    actors: tuple[Actor, ...] = ()
    dates: tuple[DatedEvent, ...] = ()
    quotes: tuple[Quote, ...] = ()
    exclude_actors: tuple[str, ...] = ()
    draft: bool = False
    extract: bool = True

    @property
    def published_day(self) -> datetime.date:
        """The calendar day of publication (a datetime's own day, in its own zone)."""
        if isinstance(self.published, datetime.datetime):
            return self.published.date()
        return self.published


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag and the slugs of the briefings that carry it, newest first."""

    name: str
    slug: str
    briefings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CanonicalActor:
    """An actor as the site's `actors.yaml` declares it: the one identity its names point to.

    `image` is the absolute path of a local picture (copied into the site), `slug` the name of
    the actor's page when the analyst chooses it ("" lets briefgen derive one from `name`).
    """

    name: str
    kind: ActorKind
    description: str = ""
    aliases: tuple[str, ...] = ()
    image: Path | None = None
    slug: str = ""


@dataclass(frozen=True, slots=True)
class ActorRef:
    """Enough of a site actor to link to its page (the views refer to each other this way)."""

    slug: str
    name: str
    kind: ActorKind


@dataclass(frozen=True, slots=True)
class ActorRole:
    """A role the briefings give an actor ("président russe"), written in their language, and
    the briefings that give it, newest first."""

    role: str
    briefings: tuple[Briefing, ...]

    @property
    def lang(self) -> str:
        return self.briefings[0].lang


@dataclass(frozen=True, slots=True)
class Appearance:
    """One briefing that names a site actor: its actors that are this one (usually one), and the
    sentence of the article that first mentions it ("" when the article never does)."""

    briefing: Briefing
    actors: tuple[Actor, ...]
    sentence: str = ""

    @property
    def name(self) -> str:
        """The name this briefing gives the actor."""
        return self.actors[0].name

    @property
    def mentions(self) -> int:
        return sum(len(actor.mentions) for actor in self.actors)


@dataclass(frozen=True, slots=True)
class Companion:
    """Another actor and the number of briefings the two appear in together."""

    actor: ActorRef
    briefings: int


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A dated event of one briefing on the site's timeline, with the actors it involves.

    `anchor` is unique in the site (`event-<briefing slug>-<n>`): the timeline page's id for it.
    """

    anchor: str
    event: DatedEvent
    briefing: Briefing
    actors: tuple[ActorRef, ...] = ()


@dataclass(frozen=True, slots=True)
class SiteActor:
    """One actor across the whole site, whatever language or name each briefing uses.

    `appearances` are newest first, `companions` most frequent first, `events` chronological.
    """

    slug: str
    name: str
    kind: ActorKind
    description: str = ""
    aliases: tuple[str, ...] = ()
    image: Path | None = None
    roles: tuple[ActorRole, ...] = ()
    appearances: tuple[Appearance, ...] = ()
    companions: tuple[Companion, ...] = ()
    events: tuple[TimelineEntry, ...] = ()

    @property
    def ref(self) -> ActorRef:
        return ActorRef(self.slug, self.name, self.kind)


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the theme renders: the config and every briefing, assembled, newest first.

    `actors` are sorted by name; `timeline` holds every dated event of every briefing, oldest
    first (a year before its months, a month before its days).
    """

    config: SiteConfig
    briefings: tuple[Briefing, ...]
    tags: tuple[Tag, ...] = field(default=())
    actors: tuple[SiteActor, ...] = field(default=())
    timeline: tuple[TimelineEntry, ...] = field(default=())
