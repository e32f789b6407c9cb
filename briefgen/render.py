"""The render stage: an assembled `Site` and a theme → the bytes of every page and asset.

    from briefgen.render import render_site
    rendered = render_site(site)        # rendered.files: {"index.html": b"...", ...}

A theme is data (`templates/`, `static/`, `i18n/`), found and read by `briefgen.theme`; the site's
own `themes/<name>/` overrides the packaged theme file by file. Templates are the only code a page
runs through: article text and YAML values reach them as data, escaped by Jinja2's autoescape or,
for an article, rendered and sanitized by `briefgen.sanitize` first. Nothing here writes to disk
(files go to the caller's sink: `write.StagedSite` for a build), and the same `Site` always gives
the same bytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import pickle
import re
import traceback
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    pass_context,
)
from jinja2.bccache import Bucket
from jinja2.runtime import Context
from markupsafe import Markup

from briefgen.errors import BuildFailed, Problem, errors_in, warning
from briefgen.feeds import site_files
from briefgen.fingerprint import (
    Digester,
    OutputRecord,
    OutputReuse,
    Verdict,
    code_fingerprint,
    field_values,
)
from briefgen.highlight import ArticleLinks, marked_article
from briefgen.model import (
    Actor,
    ActorRef,
    Briefing,
    Site,
    SiteConfig,
    TimelineEntry,
)
from briefgen.paths import (
    NOT_FOUND_PAGE,
    SEARCH_PAGE,
    absolute_url,
    briefing_path,
    rooted_url,
)
from briefgen.render_views import (
    BriefingRow,
    SiteRows,
    TimelineLayout,
    ViewPage,
    actor_image_files,
    site_view_pages,
    timeline_layout,
    view_globals,
)
from briefgen.sanitize import SafeHtml, url_scheme
from briefgen.search import SearchDocument, SearchIndex, SearchState, site_documents
from briefgen.structured_data import json_exports, json_ld_script
from briefgen.theme import (
    Catalogue,
    Theme,
    Translations,
    chronological,
    datetime_attribute,
    find_theme,
    read_translations,
    static_assets,
    theme_fingerprint,
)
from briefgen.workers import (
    Forked,
    ForkedFailed,
    can_fork,
    cores,
    in_two_processes,
    pickled_as_fields,
)


@dataclass(frozen=True, slots=True)
class RenderedSite:
    """Every output file, keyed by its POSIX path under the output root, and warnings.

    `files` holds the bytes of every file made by this build, unless they went to a sink as
    they were made (see `Renderer.render`). With a previous build's records (see `Renderer`),
    the files whose inputs did not change are not made again: their paths are in `kept`, to be
    taken from the previous output as they are. `names` lists every file of the site, made or
    kept; `records` says, for the next build, what each file was made from, and `search` where
    its search index is (`Renderer`).
    """

    files: dict[str, bytes]
    problems: list[Problem]
    kept: tuple[str, ...] = ()
    records: Mapping[str, OutputRecord] = field(default_factory=dict)
    names: tuple[str, ...] = ()
    search: SearchState = field(default_factory=SearchState)


def render_site(site: Site) -> RenderedSite:
    """Render every page of `site` with its theme, and copy the theme's static assets."""
    return Renderer().render(site)


@dataclass(frozen=True, slots=True)
class SiteChrome:
    """What every page knows of the site: its config (`site.config.title`…), nothing that grows
    with the archive, so that a page's inputs are exactly its own context."""

    config: SiteConfig


@dataclass(frozen=True, slots=True)
class Page:
    """One page to render: its template, its path in the output, and its own context.

    `key` is everything the page's bytes depend on beyond the theme and the config (compared
    with `==`, so only immutable values), or None when that is unknown and the page is always
    rendered. `finish` adds context that is costly to make (an article's HTML) and is a pure
    function of `key`: it runs only when the page is rendered.
    """

    template: str
    path: str
    context: Mapping[str, Any]
    key: object = None
    finish: Callable[[], Finished] | None = None


class Renderer:
    """Renders the same project again and again, reusing what did not change.

    In one process (for `serve`), each page's bytes are kept with the key of its inputs
    (`Page.key`); a page whose key is equal to last time's is not rendered again. Across
    processes (for `build`), `previous` holds the records of the files the previous build wrote
    (`RenderedSite.records`): a file whose inputs have the same digest is not made again but
    listed in `RenderedSite.kept`, and `search` where the previous build's search index was
    (`RenderedSite.search`). A preview can start from a build's output too: given `previous`
    and `read_previous` (the bytes of a file of that output, while it is still as written), its
    first render reads such a file instead of making it, then forgets them both, its memory
    holding every file; with `search`, its index starts from the build's. A change of theme
    file, label, config or briefgen itself forgets everything. The output is always
    byte-identical to a fresh `render_site`.

        renderer = Renderer()
        rendered = renderer.render(site)    # after each build, with the newly assembled site
    """

    def __init__(
        self,
        previous: Mapping[str, OutputRecord] | None = None,
        *,
        parallel: bool = False,
        search: SearchState | None = None,
        read_previous: Callable[[str], bytes | None] | None = None,
    ) -> None:
        self._previous = previous
        self._read_previous = read_previous
        self._parallel = parallel
        self._kept_search = search
        self._search_state = SearchState()
        self._theme_key = b""
        self._translations: tuple[Translations, list[Problem]] = ({}, [])
        self._config: SiteConfig | None = None
        self._environment: Environment | None = None
        self._pages: Memo[tuple[bytes, tuple[Problem, ...]]] = Memo()
        self._files: Memo[bytes] = Memo()
        self._reuse: OutputReuse | None = None
        self._records: dict[str, OutputRecord] = {}
        self._remembers = True
        # A preview's index, from one build to the next (from `search`, if given, at first):
        # made when a render first remembers its files, so that a build holds no copy of it.
        self._search: SearchIndex | None = None
        self._rows: SiteRows | None = None
        self._layout: TimelineLayout | None = None
        self._last: _LastRender | None = None
        self.rendered_pages = 0

    def render(
        self,
        site: Site,
        sink: FileSink | None = None,
        sources: Mapping[str, str] | None = None,
    ) -> RenderedSite:
        """Every output file of `site`; pages whose inputs are unchanged come from memory.

        With a `sink`, each file made is handed to it as soon as it is made, and not kept in
        `RenderedSite.files`: a build then never holds its whole output in memory. `sources`
        are digests of what each briefing (by slug) is made from, so that comparing a page's
        inputs with the previous build's digests the sources of its briefings, not the merged
        briefings, many times larger (`Digester.vouch`).
        """
        theme = find_theme(site.config)
        theme_key = theme_fingerprint(theme)
        if theme_key != self._theme_key:
            self._translations = read_translations(theme)
        translations, problems = self._translations[0], list(self._translations[1])
        if errors_in(problems):
            raise BuildFailed(problems)
        if theme_key != self._theme_key or site.config != self._config:
            self._theme_key, self._config = theme_key, site.config
            self._pages, self._files = Memo(), Memo()
            self._environment = None
        if self._previous is not None:
            digester = _digester(theme_key, site.config)
            for briefing in site.briefings:
                if (source := (sources or {}).get(briefing.slug)) is not None:
                    digester.vouch(briefing, source)
            self._reuse = OutputReuse(self._previous, digester)
        self._records = {}
        # Bytes handed to a sink are not kept: remembering them would hold the whole output.
        self._remembers = sink is None
        # With no previous output to keep, every page is made: see `_outcomes`.
        self._fresh = not self._previous
        with contextlib.ExitStack() as forked:
            # A rebuild's search process starts now, while the pages are prepared; a fresh
            # render's once they are (`_search_ahead`).
            searching = None if self._fresh else self._search_ahead(site, sink, forked)
            return self._render(
                site, theme, theme_key, translations, problems, sink, searching, forked
            )

    def _render(
        self,
        site: Site,
        theme: Theme,
        theme_key: bytes,
        translations: Translations,
        problems: list[Problem],
        sink: FileSink | None,
        searching: Forked[_Searched] | None,
        forked: contextlib.ExitStack,
    ) -> RenderedSite:
        """The rest of `render`, while `searching` (if any) makes the search index; what it
        forks is ended with `forked`."""
        catalogue = Catalogue(translations)
        if self._environment is None:
            self._environment = make_environment(theme, catalogue)
        self._layout = layout = timeline_layout(site.timeline, self._layout)
        self._rows = rows = SiteRows(site, layout, self._rows)
        links = ArticleLinks(site, layout.event_path)
        every_page = {
            "site": SiteChrome(site.config),
            "labels": catalogue.labels(site.config.language),
        }
        self._last = _LastRender(site.config, theme_key, links, catalogue, every_page)
        pages = [briefing_page(b, links, catalogue, site.config.root) for b in site.briefings]
        pages += site_wide_pages(site.config, theme)
        pages += [
            _view_page(view)
            for view in site_view_pages(site, layout, rows)
            if theme.has_template(view.template)
        ]
        out = _Output(sink)
        if self._fresh:
            searching = self._search_ahead(site, sink, forked, links)

        def other_files() -> Iterator[None]:
            yield from out.adding(self._as_they_are(static_assets(theme)))
            yield from out.adding(self._as_they_are(actor_image_files(site)))
            yield from out.adding(json_exports(site, links, layout, self._file))

        def search_files() -> None:
            if searching is not None:
                with contextlib.suppress(ForkedFailed):
                    searched = searching.result()
                    out.names.extend(searched.names)
                    out.kept.extend(searched.kept)
                    self._records.update(searched.records)
                    self._search_state = searched.state
                    return
            out.add_all(self._as_they_are(self._search_files(site_documents(site, links))))

        # Pages not remembered live on nowhere: their garbage can go as they are made.
        collecting = contextlib.nullcontext() if self._remembers else _page_garbage_collected()
        with collecting:
            self._render_pages(
                pages,
                every_page,
                theme,
                site.config.root,
                problems,
                out,
                _Others(other_files, search_files, searching),
            )
        feeds, feed_problems = site_files(site, sorted(out.names), self._file)
        out.add_all(feeds.items())
        self._files.sweep()
        self._reuse = None
        if self._remembers:  # every file is in memory now, to be reused from there
            self._previous = self._read_previous = None
        return RenderedSite(
            out.files,
            problems + feed_problems,
            tuple(out.kept),
            self._records,
            tuple(out.names),
            self._search_state,
        )

    def _search_ahead(
        self,
        site: Site,
        sink: FileSink | None,
        forked: contextlib.ExitStack,
        links: ArticleLinks | None = None,
    ) -> Forked[_Searched] | None:
        """The search index, made by a forked process while this one prepares or makes the
        pages (when the render forks at all, `_forks`): it writes the index's files whose bytes
        changed to `sink` and hands back what it did (`_Searched`); `forked` ends it if its
        result is not asked for.

        A rebuild starts it before preparing the pages, when the other core had nothing to
        do. A fresh render starts it once they are prepared, with their `links`, and makes the
        index's documents here: the process then reads them alone, not the briefings and actors
        they are made from, scattered all over the site's memory, which it copied (140 MB of it
        at 5,000 briefings; see `_outcomes`)."""
        count = len(site.briefings) + len(site.actors) + len(site.tags)
        if sink is None or not self._forks(count):
            return None
        documents = None if links is None else site_documents(site, links)
        try:
            task = Forked(functools.partial(self._search_to, site, documents, sink))
        except OSError:  # no process or no temporary file to be had: made here instead
            return None
        forked.callback(task.close)
        return task

    def _search_to(
        self, site: Site, documents: Sequence[SearchDocument] | None, sink: FileSink
    ) -> _Searched:
        out = _Output(sink)
        made = site_documents(site) if documents is None else documents
        out.add_all(self._as_they_are(self._search_files(made)))
        return _Searched(out.names, out.kept, dict(self._records), self._search_state)

    def _as_they_are(self, files: Mapping[str, bytes]) -> Iterator[tuple[str, bytes | None]]:
        """Each of `files` with its bytes, or None when the previous output holds these very
        bytes (see `_file`): files made whole every time (the theme's assets, the search
        index's shards) are written again only when they change, so a deploy that compares
        files by time sends only what changed."""
        for name, data in files.items():
            yield name, self._file(name, data, functools.partial(_same, data))

    def _forks(self, items: int) -> bool:
        """Whether work on this many items is worth a forked process."""
        return self._parallel and items >= PARALLEL_PAGES and cores() >= 2 and can_fork()

    def _search_files(self, documents: Sequence[SearchDocument]) -> dict[str, bytes]:
        """The search index: kept in memory from build to build where bytes are too (the
        preview), else made from where the previous build's index was (`search`)."""
        if self._remembers:
            if self._search is None:
                self._search = SearchIndex(self._kept_search)
            return self._search.files(documents)
        index = SearchIndex(self._kept_search)
        files = index.files(documents)
        if self._kept_search is not None:
            self._search_state = index.state()
        return files

    def render_early(
        self,
        config: SiteConfig,
        briefings: Iterable[Briefing],
        first: Collection[str],
        early: FileSink,
    ) -> None:
        """The pages of `briefings` among `first` (the pages a preview has open), made before
        the site is even assembled and handed to `early`: a preview shows an edited briefing
        before the listings, the timeline and the actor pages are remade.

        A briefing page depends on the briefing and on where its actors and dates lead; those
        are taken from the last render, by equality (`ArticleLinks`). That is a guess: when the
        edit moved an actor's page or a date's place, the full render differs, and the preview
        then shows that too. Nothing is made early without a last render of the same config and
        theme. What is made is remembered, so the full render does not make it again when it
        turns out equal; a page whose template fails is left for the full render to report.
        """
        last = self._last
        if last is None or last.config != config:
            return
        if theme_fingerprint(find_theme(config)) != last.theme_key:
            return
        for briefing in briefings:
            if briefing_path(briefing) not in first:
                continue
            page = briefing_page(briefing, last.links, last.catalogue, config.root)

            def render(page: Page = page) -> tuple[bytes, tuple[Problem, ...]]:
                made = self._render_page(page, last.every_page)
                self.rendered_pages += 1
                return made

            try:
                html, _ = self._pages.get(page.path, page.key, render)
            except TemplateError:
                continue
            early(page.path, html)

    def _render_pages(
        self,
        pages: Sequence[Page],
        every_page: Mapping[str, Any],
        theme: Theme,
        root: Path,
        problems: list[Problem],
        out: _Output,
        others: _Others,
    ) -> None:
        """Every page to `out`, made anew or kept from the previous output; the warnings of
        their making go to `problems`. A theme error on any page fails the build, naming each.
        The `others` put the rest in `out` too: the files that are not pages, and the search
        index's."""
        errors: list[Problem] = []
        make = functools.partial(self._page_outcome, every_page=every_page, theme=theme, root=root)
        for page, outcome in zip(pages, self._outcomes(pages, make, out, others), strict=True):
            if outcome.error is not None:
                errors.append(outcome.error)
                continue
            if outcome.kept:
                out.keep(outcome.path)
            elif outcome.html is None:
                out.names.append(outcome.path)  # already given to the sink
            else:
                if self._remembers:  # made here, or by a helper, whose memory is gone
                    self._pages.put(page.path, page.key, (outcome.html, outcome.warnings))
                out.add(outcome.path, outcome.html)
            self.rendered_pages += outcome.rendered
            problems.extend(outcome.warnings)
            if outcome.record is not None:
                self._records[outcome.path] = outcome.record
        if errors:
            raise BuildFailed(dict.fromkeys(errors))
        self._pages.sweep()

    def _outcomes(
        self,
        pages: Sequence[Page],
        make: Callable[[Page], PageOutcome],
        out: _Output,
        others: _Others,
    ) -> Iterable[PageOutcome]:
        """`make` of every page, in order, with `others` putting the files that are not pages
        and the search index's files in `out`.

        With `parallel`, the pages are shared with forked helpers (`workers.in_two_processes`)
        while this process makes the other files first; each process hands what it makes to
        the sink itself (without one, for a preview's first build that has no build's output to
        read from, the helpers hand the pages back, and this process remembers them).

        A rebuild keeps most pages, and the digests that tell which are quickly made: one
        helper takes pages of every kind from the start (forking again and again would cost
        it more than it saves).

        A fresh render makes every page, and most of the memory of a build goes to what its
        forked processes copy of the site: every page of memory either of two processes writes
        to while both live is copied, and reading an object writes its reference count. So
        its helpers come one at a time, once the search index's process ended, each on an
        eighth of the pages (`PAGE_HELPERS`), what it copied freed as it ends; and the pages
        that read from all over the site (`READ_SITE_WIDE`: the timeline's, whose events come
        from every briefing) are made here. At 5,000 briefings, a clean build's peak went from
        860-1,060 MiB to about 660: one helper on pages of every kind copied 360 MB by the
        end.
        """
        sink = out.sink
        # Without a sink, helpers hand their pages' bytes back: worth it for pages they make,
        # not for a preview's pages read from a build's output (twice as long at 5,000) nor
        # for those it remembers, which the helpers would hand back all the same.
        if not self._forks(len(pages)) or (sink is None and (not self._fresh or self._pages)):
            for _ in others.files():
                pass
            others.search_files()
            return map(make, pages)  # one at a time: each goes to the sink before the next

        def made(index: int) -> PageOutcome:
            outcome = make(pages[index])
            if outcome.html is None or sink is None:
                return outcome
            sink(outcome.path, outcome.html)
            return dataclasses.replace(outcome, html=None)

        def meanwhile() -> Iterator[None]:
            yield from others.files()
            if others.searching is None:  # no search process: the index is made here too
                others.search_files()
                yield

        if self._fresh:
            shared = [i for i, page in enumerate(pages) if page.template not in READ_SITE_WIDE]
            outcomes = in_two_processes(
                made,
                len(pages),
                meanwhile(),
                shared=shared,
                after=others.searching,
                per_helper=-(-len(shared) // PAGE_HELPERS),
            )
        else:
            outcomes = in_two_processes(made, len(pages), meanwhile())
        if others.searching is not None:
            others.search_files()
        return outcomes

    def _page_outcome(
        self, page: Page, *, every_page: Mapping[str, Any], theme: Theme, root: Path
    ) -> PageOutcome:
        verdict = self._verdict(page.path, page.key)
        if verdict.kept is not None and not self._remembers:
            return PageOutcome(page.path, None, verdict.kept.warnings, verdict.kept, kept=True)
        rendered: list[Page] = []

        def render() -> tuple[bytes, tuple[Problem, ...]]:
            if verdict.kept is not None and (held := self._held(page.path)) is not None:
                return held, verdict.kept.warnings
            rendered.append(page)
            return self._render_page(page, every_page)

        try:
            if self._remembers:
                html, warnings = self._pages.get(page.path, page.key, render)
            else:
                html, warnings = render()
        except TemplateError as error:
            problem = _template_problem(error, theme, root)
            return PageOutcome(page.path, None, (), None, error=problem)
        return PageOutcome(page.path, html, warnings, verdict.record(warnings), bool(rendered))

    def _render_page(
        self, page: Page, every_page: Mapping[str, Any]
    ) -> tuple[bytes, tuple[Problem, ...]]:
        assert self._environment is not None
        template = self._environment.get_template(page.template)
        finished = page.finish() if page.finish else Finished({})
        own = {**page.context, **finished.context}
        html = template.render(page_path=page.path, **every_page, **own)
        return html.encode("utf-8"), finished.problems

    def _verdict(self, name: str, key: object) -> Verdict:
        """Whether the previous output's `name` can stay (never, without a previous build)."""
        return self._reuse.verdict(name, key) if self._reuse else Verdict(None, None)

    def _file(self, name: str, key: object, make: Callable[[], bytes]) -> bytes | None:
        """A `FileMemo`: the file's bytes, or None when the previous output's can stay."""
        verdict = self._verdict(name, key)
        if (record := verdict.record()) is not None:
            self._records[name] = record
        if not self._remembers:
            return None if verdict.kept is not None else make()
        if verdict.kept is None:
            return self._files.get(name, key, make)
        return self._files.get(name, key, lambda: self._held(name) or make())

    def _held(self, name: str) -> bytes | None:
        """The previous output's `name`, read for a preview's memory (see `Renderer`)."""
        return None if self._read_previous is None else self._read_previous(name)


@contextlib.contextmanager
def _page_garbage_collected() -> Iterator[None]:
    """The cycle collector on while pages are made, for their garbage only.

    A build pauses the collector (`build.collector_paused`), but each rendered page leaves
    cycles behind (Jinja's macros imported `with context` and their contexts), and they hold
    the page's whole context: at 5,000 briefings, 150 MB more in the forked worker. What
    exists before is frozen (never walked, in this process nor in the worker forked from it),
    so a collection walks only what the pages made; a high first threshold lets most of that
    die by reference counting before any walk.
    """
    was_enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.freeze()
    gc.set_threshold(PAGE_GARBAGE_THRESHOLD, 20, 1000)
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()
        gc.set_threshold(*thresholds)
        gc.unfreeze()


#: Objects allocated (net) between two collections of page garbage.
PAGE_GARBAGE_THRESHOLD = 20_000


def _view_page(view: ViewPage) -> Page:
    """The page to render for a view: keyed by its context, or by its key when its context is
    made only as the page is rendered."""
    if view.make is None:
        return Page(view.template, view.path, view.context, view.context)
    make = view.make
    return Page(view.template, view.path, {}, view.key, lambda: Finished(make()))


@dataclass(frozen=True, slots=True)
class _LastRender:
    """What the last render's briefing pages were made with, for `Renderer.render_early`."""

    config: SiteConfig
    theme_key: bytes
    links: ArticleLinks
    catalogue: Catalogue
    every_page: Mapping[str, Any]


#: Where a build's files go as they are made (`write.StagedSite.add`).
FileSink = Callable[[str, bytes], None]


class _Output:
    """The files of one render: in `files`, or handed to `sink`; `names` lists them all and
    `kept` those the previous output keeps."""

    def __init__(self, sink: FileSink | None) -> None:
        self.sink = sink
        self.files: dict[str, bytes] = {}
        self.names: list[str] = []
        self.kept: list[str] = []

    def add(self, name: str, data: bytes) -> None:
        self.names.append(name)
        if self.sink is None:
            self.files[name] = data
        else:
            self.sink(name, data)

    def keep(self, name: str) -> None:
        self.names.append(name)
        self.kept.append(name)

    def add_all(self, files: Iterable[tuple[str, bytes | None]]) -> None:
        """Add each `(name, bytes)` as it comes; None stands for a file the previous output
        keeps (see `FileMemo`)."""
        for _ in self.adding(files):
            pass

    def adding(self, files: Iterable[tuple[str, bytes | None]]) -> Iterator[None]:
        """`add_all`, a step per file: the caller may do something else between two."""
        for name, data in files:
            if data is None:
                self.keep(name)
            else:
                self.add(name, data)
            yield


#: Below this many pages, a second process costs more (forking, sending pages back) than it saves.
PARALLEL_PAGES = 200
#: Into how many parts a fresh render's helpers take the pages they share, one after another
#: (`Renderer._outcomes`): more would copy less at a time, and cost more forks.
PAGE_HELPERS = 8
#: The templates of the pages that read from all over the site, which a fresh render makes in
#: its own process (`Renderer._outcomes`).
READ_SITE_WIDE = frozenset({"timeline.html"})


@dataclass(frozen=True, slots=True)
class _Others:
    """What a render does besides its pages: `files` puts the files that are not pages in the
    output, a step per file; `search_files`, the search index's (made by the `searching`
    process, if any)."""

    files: Callable[[], Iterator[None]]
    search_files: Callable[[], None]
    searching: Forked[_Searched] | None


def _same(data: bytes) -> bytes:
    return data


@dataclass(frozen=True, slots=True)
class _Searched:
    """What the forked search process did (`Renderer._search_ahead`): the index's files (as
    `_Output` lists them: all, and those the previous output keeps as they are), their records,
    and the index."""

    names: list[str]
    kept: list[str]
    records: dict[str, OutputRecord]
    state: SearchState


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What became of one page: its bytes, or None when kept from the previous output (or when
    its template failed: `error`); the warnings of its making, its record for the next build,
    and whether it was rendered now (not kept, nor remembered from the last build). A page
    already handed to the sink has no `html` here."""

    path: str
    html: bytes | None
    warnings: tuple[Problem, ...]
    record: OutputRecord | None
    rendered: bool = False
    kept: bool = False
    error: Problem | None = None


# What a forked worker hands back for each page (`in_two_processes`).
pickled_as_fields(PageOutcome, OutputRecord, Problem)


def render_salt(theme_key: bytes, config: SiteConfig) -> bytes:
    """What every output depends on: the theme (`theme_fingerprint`), the config, and
    briefgen's own code (its templates' filters, its JSON writers). Every digest of a file's
    inputs is salted with it, so a build with another salt keeps nothing of the last one's."""
    salt = hashlib.blake2b(theme_key)
    salt.update(code_fingerprint(Path(__file__).parent).encode())
    salt.update(pickle.dumps(config, protocol=5))
    return salt.digest()


def _digester(theme_key: bytes, config: SiteConfig) -> Digester:
    """Digests of page and file inputs, salted with `render_salt`."""
    salt = render_salt(theme_key, config)
    return Digester(salt, (Briefing, BriefingRow), {TimelineEntry: entry_fields})


_REF_FIELDS = field_values(ActorRef)


def entry_fields(entry: TimelineEntry) -> tuple[object, ...]:
    """A timeline entry's anchor, briefing and actors, its actors as plain tuples: what a digest
    of the many keys holding thousands of entries pickles without a call for each actor
    (`fingerprint.Digester`'s `flat` types).

    The event is left out: the entry `event-<slug>-<n>` shows its briefing's `n`th date
    (`assemble._briefing_events`), so the briefing, which a digest covers whole or through
    the digest of its sources, stands for it. Pickling the events was a third of the digests
    of the timeline's pages and exports.
    """
    return (entry.anchor, entry.briefing, tuple(map(_REF_FIELDS, entry.actors)))


T = TypeVar("T")


class Memo(Generic[T]):
    """Values kept by name with the key of their inputs, from one build to the next.

    `get` gives the value kept under `name` when its key is equal (`==`) to `key`, else makes
    it anew (a value made earlier in the same build counts too); a None key is never trusted.
    `sweep` then forgets the names this build did not ask for, so a long preview does not keep
    removed pages.
    """

    def __init__(self) -> None:
        self._kept: dict[str, tuple[object, T]] = {}
        self._asked: dict[str, tuple[object, T]] = {}

    def get(self, name: str, key: object, make: Callable[[], T]) -> T:
        known = self._asked.get(name) or self._kept.get(name)
        trusted = key is not None and known is not None and known[0] == key
        value = known[1] if trusted and known is not None else make()
        self._asked[name] = (key, value)
        return value

    def __bool__(self) -> bool:
        """Whether anything is kept."""
        return bool(self._kept or self._asked)

    def put(self, name: str, key: object, value: T) -> None:
        """Keep `value`, made from `key` (by another process, say), as `get` would."""
        self._asked[name] = (key, value)

    def sweep(self) -> None:
        self._kept, self._asked = self._asked, {}


@dataclass(frozen=True, slots=True)
class Finished:
    """The costly part of a page's context, and the warnings making it gave."""

    context: Mapping[str, Any]
    problems: tuple[Problem, ...] = ()


def briefing_page(
    briefing: Briefing, links: ArticleLinks, catalogue: Catalogue, root: Path
) -> Page:
    """A briefing's page: its key is the briefing itself (its publication written out, since
    equal moments in two zones read differently) and where its actors and dates link to."""
    targets = links.targets(briefing)
    key = (briefing, briefing.published.isoformat(), targets)
    actor_pages = ActorPages(briefing.actors, targets[0])

    def finish() -> Finished:
        article = render_article(briefing, links)
        context = briefing_context(briefing, article, catalogue, actor_pages)
        if not article.removed:
            return Finished(context)
        return Finished(context, (_unsafe_markup_warning(briefing, article.removed, root),))

    return Page("briefing.html", briefing_path(briefing), {}, key, finish)


@dataclass(frozen=True, slots=True)
class ActorPages:
    """The site actor each of a briefing's actors is (`refs[i]` for `actors[i]`), for
    `actor_ref(actor)` in `briefing.html` and the JSON-LD."""

    actors: tuple[Actor, ...]
    refs: tuple[ActorRef | None, ...]

    def __call__(self, actor: Actor) -> ActorRef | None:
        for own, ref in zip(self.actors, self.refs, strict=True):
            if own == actor:
                return ref
        return None


# --- URLs -------------------------------------------------------------------------------------


def relative_url(target: str, from_page: str) -> str:
    """The URL of `target` as written in `from_page`; both are paths from the output root.

    Every internal link is relative, so one build works opened from disk, served at `/`, or
    served under a sub-path (`/repo/`). `target` may end with `/` (a folder) or carry a `#part`.
    """
    return _relative_url(target, _page_folder(from_page))


@functools.lru_cache(maxsize=1 << 12)
def _page_folder(page: str) -> tuple[str, ...]:
    return tuple(_parts(page)[:-1])


@functools.lru_cache(maxsize=1 << 10)
def _relative_url(target: str, page_folder: tuple[str, ...]) -> str:
    """`relative_url` from a page in `page_folder`. Remembered: a page of a large site writes
    hundreds of links, most of them to the same few pages (its actors, the site's sections).
    Those repeats are all there is to catch: a cache 64 times larger caught no more of them at
    1,000 briefings, and held 27 MB more in each process that renders."""
    path, _, fragment = target.partition("#")
    if not path:
        return "#" + quote(fragment, safe="")
    target_parts = _parts(path)
    shared = 0
    for ours, theirs in zip(page_folder, target_parts, strict=False):
        if ours != theirs:
            break
        shared += 1
    steps = "/".join([".."] * (len(page_folder) - shared) + target_parts[shared:])
    url = (steps if _URL_SAFE.fullmatch(steps) else quote(steps, safe="/")) or "."
    if path.endswith("/") and not url.endswith("/"):
        url += "/"
    return url + ("#" + quote(fragment, safe="") if fragment else "")


def _parts(path: str) -> list[str]:
    """The names of a POSIX path, as `PurePosixPath(path).parts` has them for a relative path
    (empty names and `.` dropped), or `[""]`-free for an empty one."""
    return [part for part in path.split("/") if part and part != "."]


_URL_SAFE = re.compile(r"[A-Za-z0-9_.~/-]*")


@pass_context
def _url_from_page(context: Context, target: str) -> str:
    return relative_url(target, str(context["page_path"]))


@pass_context
def _public_url(context: Context, target: str) -> str:
    """The absolute address of output path `target`, or "" when the site has no `base_url`."""
    base_url = context["site"].config.base_url
    return absolute_url(base_url, target) if base_url else ""


# --- Pages ------------------------------------------------------------------------------------


def make_environment(theme: Theme, catalogue: Catalogue) -> Environment:
    """The Jinja2 environment of one build: templates compiled once, strict and escaping."""
    environment = Environment(
        loader=FileSystemLoader([str(folder) for folder in theme.subfolders("templates")]),
        bytecode_cache=compiled_templates(),
        autoescape=True,
        undefined=StrictUndefined,
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        localdate=catalogue.format_date,
        plural=catalogue.plural,
        language_name=catalogue.language_name,
        short_month=catalogue.short_month,
    )
    environment.globals.update(
        url=_url_from_page,
        labels_for=catalogue.labels,
        briefing_path=briefing_path,
        datetime_attribute=datetime_attribute,
        public_url=_public_url,
        json_ld=json_ld_script,
        **view_globals(),
    )
    return environment


class CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, in the private folder Jinja makes for the user in
    the system's temporary folder (checked to be theirs alone): compiling the default theme's
    templates took a tenth of a second of every build. Never in `.briefgen-cache/`, whose
    files are data that may arrive with a repository, while these are code.

    Each is kept under its file, its source (Jinja checks it) and briefgen's code fingerprint,
    which covers Jinja's version and how briefgen compiles templates (the environment's
    options, which filters take the context). Damaged or unreadable entries are compiled
    again, and a cache that cannot be written is no error.
    """

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        compiler = code_fingerprint(Path(__file__).parent)
        return super().get_cache_key(f"{name}\0{compiler}", filename)

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # whatever a damaged entry raises, it is one to compile again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_templates() -> CompiledTemplates | None:
    """A `CompiledTemplates`, or None when Jinja's folder cannot be had (or is not safe)."""
    try:
        return CompiledTemplates()
    except (OSError, RuntimeError):
        return None


def site_wide_pages(config: SiteConfig, theme: Theme) -> list[Page]:
    """The search page, and the 404 page whose links start at the root of `base_url`'s path,
    because a host serves it in place of any missing page, at whatever depth.

    Neither reads anything beyond the config and the theme (their key is empty). Both are
    optional: a theme of the site's own that has no `search.html` or `404.html` gets
    no such page (its own pages have no search box to send readers there).
    """
    rooted = functools.partial(rooted_url, config.base_url)
    pages = [
        Page("search.html", SEARCH_PAGE, {}, key=()),
        Page("404.html", NOT_FOUND_PAGE, {"url": rooted}, key=()),
    ]
    return [page for page in pages if theme.has_template(page.template)]


def render_article(briefing: Briefing, links: ArticleLinks | None = None) -> SafeHtml:
    """The article as safe HTML: Markdown rendered then sanitized, plain text escaped; with
    `links`, its actors and dates link to their pages (see `briefgen.highlight`)."""
    page = briefing_path(briefing)
    marks = links.marks(briefing) if links else []
    return marked_article(briefing, marks, lambda target: relative_url(target, page))


def briefing_context(
    briefing: Briefing,
    article: SafeHtml,
    catalogue: Catalogue,
    actor_pages: Callable[[Actor], ActorRef | None] | None = None,
) -> dict[str, Any]:
    """What `briefing.html` gets beyond every page's context (see themes/default/README.md)."""
    timeline, other_dates = chronological(briefing.dates)
    return {
        "actor_ref": actor_pages or ActorPages(briefing.actors, (None,) * len(briefing.actors)),
        "briefing": briefing,
        "briefing_labels": catalogue.labels(briefing.lang),
        "article_html": Markup(article.html),
        "timeline": timeline,
        "other_dates": other_dates,
        "source_url": briefing.url if url_scheme(briefing.url) in ("http", "https") else "",
    }


def _unsafe_markup_warning(briefing: Briefing, removed: Sequence[str], root: Path) -> Problem:
    found = ", ".join(removed)
    return warning(
        briefing.article_path,
        f"article: removed unsafe markup ({found})",
        hint="the page shows the article without it",
    ).relative_to(root)


def _template_problem(error: TemplateError, theme: Theme, root: Path) -> Problem:
    """A theme error as `template.html:line: message`, found in Jinja2's rewritten traceback."""
    message = f"template: {error.message or error}"
    if isinstance(error, TemplateNotFound):
        folders = " and ".join(str(folder) for folder in theme.subfolders("templates"))
        return Problem(
            theme.folders[0], f"template: {error.name!r} not found", hint=f"looked in {folders}"
        ).relative_to(root)
    if isinstance(error, TemplateSyntaxError) and error.filename:
        return Problem(Path(error.filename), message, error.lineno).relative_to(root)
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.endswith(".html")
    ]
    where = Path(frames[-1].filename) if frames else theme.folders[0]
    line = frames[-1].lineno if frames else None
    return Problem(where, message, line).relative_to(root)
