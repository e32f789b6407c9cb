"""Mark the actors and dates of an article, each linked to its page on the site.

On a briefing page, every name of an actor becomes a link to the actor's page and every date a
link to its place on the site's timeline (the theme lets the reader switch the marks off). The
article is data, so the marked HTML is built from escaped text and tags of our own, never by
pasting article text into markup:

- a **plain-text** article is marked where the extractor located each mention and date (`str`
  offsets into `article_text`), plus wherever the text writes an actor's name or alias as a whole
  word (curated actors may have no located mention); it is split into paragraphs exactly as
  `briefgen.sanitize.plain_text_to_html` splits it;
- a **Markdown** article is rendered and sanitized first, and its offsets no longer point into
  the HTML; so the marks are found again in the text of the sanitized HTML by the phrases they
  stand for (actors' names and aliases, the mentions' and dates' own words), never inside a link,
  code or a heading. A phrase is thus marked wherever it is written, even where the extractor did
  not locate it.

Where two marks overlap, the one that starts first (then the longer one) wins.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from briefgen.extract.text import append_stripped
from briefgen.model import Actor, ActorRef, Briefing, DatedEvent, Site
from briefgen.names import NameFinder
from briefgen.paths import TIMELINE_PAGE, actor_path
from briefgen.sanitize import SafeHtml, markdown_to_html

#: Elements whose text is never marked: a link inside a link is invalid, code is literal, and a
#: heading stays a heading.
UNMARKED_ELEMENTS = frozenset({"a", "code", "pre", "kbd", "h1", "h2", "h3", "h4", "h5", "h6"})
_VOID_ELEMENTS = frozenset({"br", "hr", "img", "wbr"})
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True, slots=True)
class Mark:
    """One marked phrase: where it is (plain text), its words (Markdown), what it links to."""

    start: int
    end: int
    text: str
    target: str
    classes: str


#: Where a briefing's actors and dates lead (`ArticleLinks.targets`).
Targets = tuple[tuple[ActorRef | None, ...], tuple[str, ...]]


def front_page_event(anchor: str) -> str:
    """An event's place on the timeline's front page, for callers that know no other layout."""
    return f"{TIMELINE_PAGE}#{anchor}"


class ArticleLinks:
    """Where each briefing's actors and dates lead on the site, looked up once per build.

    `event_path` gives a timeline event's place (page and id) from its anchor: the timeline is
    cut into pages, and only the renderer knows which holds an event.
    """

    def __init__(self, site: Site, event_path: Callable[[str], str] = front_page_event) -> None:
        # Actors are looked up by identity first (the site's appearances hold the briefings' own
        # actor objects): hashing an actor hashes all its mentions, and a site has thousands.
        self._actors: dict[str, dict[int, tuple[Actor, ActorRef]]] = {}
        for site_actor in site.actors:
            ref = site_actor.ref
            for appearance in site_actor.appearances:
                own = self._actors.setdefault(appearance.briefing.slug, {})
                for actor in appearance.actors:
                    own[id(actor)] = (actor, ref)
        self._timeline = site.timeline
        self._event_path = event_path
        self._events: dict[str, dict[int, tuple[DatedEvent, str]]] | None = None
        self._targets: dict[str, tuple[Briefing, Targets]] = {}

    def actor(self, briefing: Briefing, actor: Actor) -> ActorRef | None:
        """The site actor a briefing's actor is (the same or an equal one), if it has a page."""
        own = self._actors.get(briefing.slug, {})
        known = own.get(id(actor))
        if known is not None and known[0] is actor:
            return known[1]
        return next((ref for kept, ref in own.values() if kept == actor), None)

    def event(self, briefing: Briefing, event: DatedEvent) -> str | None:
        """The timeline place (page and id) of a briefing's event (the same or an equal one),
        if it is on the timeline."""
        return self._place(self._events_by_briefing().get(briefing.slug, {}), event)

    def _place(self, own: dict[int, tuple[DatedEvent, str]], event: DatedEvent) -> str | None:
        """`event`'s timeline place, among `own` (a briefing's, from `_events_by_briefing`)."""
        known = own.get(id(event))
        if known is None or known[0] is not event:
            known = next(((kept, anchor) for kept, anchor in own.values() if kept == event), None)
        return None if known is None else self._event_path(known[1])

    def _events_by_briefing(self) -> dict[str, dict[int, tuple[DatedEvent, str]]]:
        """Each briefing's timeline events by identity, with their anchors; made on first use
        only. The search index asks for actors alone, and in its forked process, going
        through the whole timeline copied 90 MB of the site at 5,000 briefings (reading an
        object writes its reference count, which copies its page of memory)."""
        if self._events is None:
            self._events = {}
            for entry in self._timeline:
                own_events = self._events.setdefault(entry.briefing.slug, {})
                own_events[id(entry.event)] = (entry.event, entry.anchor)
        return self._events

    def targets(self, briefing: Briefing) -> Targets:
        """Everything the briefing's marks depend on beyond the briefing itself: the site actor
        of each of its actors, and the timeline place of each of its dates ("" for none).

        Found once per briefing: its page and its JSON export both ask."""
        known = self._targets.get(briefing.slug)
        if known is not None and known[0] is briefing:
            return known[1]
        # The briefing's events are looked up once: a site has a hundred thousand of them.
        own_events = self._events_by_briefing().get(briefing.slug, {})
        targets = (
            tuple(self.actor(briefing, actor) for actor in briefing.actors),
            tuple(self._place(own_events, event) or "" for event in briefing.dates),
        )
        self._targets[briefing.slug] = (briefing, targets)
        return targets

    def marks(self, briefing: Briefing) -> list[Mark]:
        """Every actor and date mark of the briefing's article, in text order, not overlapping."""
        marks = [*self._actor_marks(briefing), *self._date_marks(briefing)]
        return without_overlaps(m for m in marks if _fits(m, briefing.article_text))

    def _actor_marks(self, briefing: Briefing) -> Iterator[Mark]:
        """Located mentions, then every whole-word name or alias (the first actor of the
        briefing to claim a name keeps it)."""
        by_name: dict[str, tuple[str, str]] = {}
        for actor in briefing.actors:
            ref = self.actor(briefing, actor)
            if ref is None:
                continue
            target, classes = actor_path(ref), f"mention mention-actor kind-{ref.kind}"
            for mention in actor.mentions:
                yield Mark(mention.start, mention.end, mention.text, target, classes)
            for name in (actor.name, *actor.aliases):
                by_name.setdefault(name.strip(), (target, classes))
        text = briefing.article_text
        for start, end in NameFinder(by_name).spans(text):
            target, classes = by_name[text[start:end]]
            yield Mark(start, end, text[start:end], target, classes)

    def _date_marks(self, briefing: Briefing) -> Iterator[Mark]:
        for event, target in zip(briefing.dates, self.targets(briefing)[1], strict=True):
            if not target or event.start is None or event.end is None or not event.text:
                continue
            yield Mark(event.start, event.end, event.text, target, "mention mention-date")


def _fits(mark: Mark, text: str) -> bool:
    """Whether the mark's offsets hold its words (stale or foreign offsets are ignored)."""
    return 0 <= mark.start < mark.end <= len(text) and text[mark.start : mark.end] == mark.text


def without_overlaps(marks: Iterator[Mark] | Sequence[Mark]) -> list[Mark]:
    """The marks in text order, dropping each that overlaps one kept before it."""
    kept: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.start, -m.end, m.target)):
        if not kept or mark.start >= kept[-1].end:
            kept.append(mark)
    return kept


def marked_article(
    briefing: Briefing, marks: Sequence[Mark], href: Callable[[str], str]
) -> SafeHtml:
    """The article as safe HTML with `marks` linked; `href` turns an output path into a URL."""
    if briefing.article_format == "md":
        rendered = markdown_to_html(briefing.article_text)
        if not marks:
            return rendered
        return SafeHtml(mark_html(rendered.html, marks, href), rendered.removed)
    return SafeHtml(mark_plain_text(briefing.article_text, marks, href))


def mark_plain_text(text: str, marks: Sequence[Mark], href: Callable[[str], str]) -> str:
    """Plain text as escaped paragraphs (as `plain_text_to_html` makes them), marks linked.

    A mark that crosses a paragraph break is left out.
    """
    ordered = without_overlaps(marks)
    paragraphs = []
    for start, end in paragraph_bounds(text):
        inside = [m for m in ordered if start <= m.start and m.end <= end]
        paragraphs.append(f"<p>{_marked(text, start, end, inside, href)}</p>")
    return "\n".join(paragraphs)


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """`(start, end)` of each paragraph: split at blank lines, stripped, empty ones dropped."""
    breaks = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(text)]
    bounds: list[tuple[int, int]] = []
    start = 0
    for end, after in [*breaks, (len(text), len(text))]:
        append_stripped(text, start, end, bounds)
        start = after
    return bounds


def _marked(
    text: str, start: int, end: int, marks: Sequence[Mark], href: Callable[[str], str]
) -> str:
    pieces = []
    position = start
    for mark in marks:
        pieces.append(html.escape(text[position : mark.start], quote=False))
        pieces.append(_link(text[mark.start : mark.end], mark, href))
        position = mark.end
    pieces.append(html.escape(text[position:end], quote=False))
    return "".join(pieces)


def _link(words: str, mark: Mark, href: Callable[[str], str]) -> str:
    return (
        f'<a class="{html.escape(mark.classes)}" href="{html.escape(href(mark.target))}">'
        f"{html.escape(words, quote=False)}</a>"
    )


def mark_html(safe_html: str, marks: Sequence[Mark], href: Callable[[str], str]) -> str:
    """Sanitized HTML with every phrase of `marks` linked where its text is written.

    Tags are copied as the sanitizer wrote them; text is decoded, marked and escaped again.
    """
    by_phrase: dict[str, Mark] = {}
    for mark in marks:
        if mark.text.strip():
            by_phrase.setdefault(mark.text.strip(), mark)
    marker = _HtmlMarker(NameFinder(by_phrase), by_phrase, href)
    marker.feed(safe_html)
    marker.close()
    return "".join(marker.output)


class _HtmlMarker(HTMLParser):
    """Copies HTML, marking phrases in the text outside `UNMARKED_ELEMENTS`."""

    def __init__(
        self, phrases: NameFinder, by_phrase: dict[str, Mark], href: Callable[[str], str]
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.phrases = phrases
        self.by_phrase = by_phrase
        self.href = href
        self.open: list[str] = []
        self.output: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.output.append(self.get_starttag_text() or "")
        if tag not in _VOID_ELEMENTS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.output.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]
        self.output.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if UNMARKED_ELEMENTS.intersection(self.open):
            self.output.append(html.escape(data, quote=False))
            return
        position = 0
        for start, end in self.phrases.spans(data):
            self.output.append(html.escape(data[position:start], quote=False))
            self.output.append(_link(data[start:end], self.by_phrase[data[start:end]], self.href))
            position = end
        self.output.append(html.escape(data[position:], quote=False))
