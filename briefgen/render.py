"""The render stage: an assembled `Site` and a theme → the bytes of every page and asset.

    from briefgen.render import render_site
    rendered = render_site(site)        # rendered.files: {"index.html": b"...", ...}

A theme is data (`templates/`, `static/`, `i18n/`); the site's own `themes/<name>/` overrides the
packaged theme file by file. Templates are the only code a page runs through: article text and
YAML values reach them as data, escaped by Jinja2's autoescape or, for an article, rendered and
sanitized by `briefgen.sanitize` first. Nothing here writes to disk (that is `write`'s job), and
the same `Site` always gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import pickle
import re
import traceback
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.units import format_unit
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateRuntimeError,
    TemplateSyntaxError,
    pass_context,
)
from jinja2.runtime import Context
from markupsafe import Markup

import briefgen
from briefgen.errors import BuildFailed, ConfigError, Problem, errors_in, warning
from briefgen.feeds import site_files
from briefgen.fingerprint import Digester, OutputRecord, OutputReuse, Verdict, code_fingerprint
from briefgen.highlight import ArticleLinks, marked_article
from briefgen.model import (
    Actor,
    ActorRef,
    Briefing,
    DatedEvent,
    Published,
    Site,
    SiteConfig,
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
    actor_image_files,
    site_view_pages,
    timeline_layout,
    view_globals,
)
from briefgen.sanitize import SafeHtml, url_scheme
from briefgen.search import SearchIndex, site_documents
from briefgen.structured_data import json_exports, json_ld_script
from briefgen.workers import can_fork, cores, in_two_processes

#: The language whose labels fill in for any label (or whole language) a theme does not translate.
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class RenderedSite:
    """Every output file, keyed by its POSIX path under the output root, and warnings.

    `files` holds the bytes of every file made by this build, unless they went to a sink as
    they were made (see `Renderer.render`). With a previous build's records (see `Renderer`),
    the files whose inputs did not change are not made again: their paths are in `kept`, to be
    taken from the previous output as they are. `names` lists every file of the site, made or
    kept; `records` says, for the next build, what each file was made from.
    """

    files: dict[str, bytes]
    problems: list[Problem]
    kept: tuple[str, ...] = ()
    records: Mapping[str, OutputRecord] = field(default_factory=dict)
    names: tuple[str, ...] = ()


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
    listed in `RenderedSite.kept`. A change of theme file, label, config or briefgen itself
    forgets everything. The output is always byte-identical to a fresh `render_site`.

        renderer = Renderer()
        rendered = renderer.render(site)    # after each build, with the newly assembled site
    """

    def __init__(
        self, previous: Mapping[str, OutputRecord] | None = None, *, parallel: bool = False
    ) -> None:
        self._previous = previous
        self._parallel = parallel
        self._theme_key = b""
        self._translations: tuple[Translations, list[Problem]] = ({}, [])
        self._config: SiteConfig | None = None
        self._environment: Environment | None = None
        self._pages: Memo[tuple[bytes, tuple[Problem, ...]]] = Memo()
        self._files: Memo[bytes] = Memo()
        self._reuse: OutputReuse | None = None
        self._records: dict[str, OutputRecord] = {}
        self._remembers = True
        self._search = SearchIndex()
        self._rows: SiteRows | None = None
        self._layout: TimelineLayout | None = None
        self.rendered_pages = 0

    def render(
        self,
        site: Site,
        sink: FileSink | None = None,
        *,
        first: Collection[str] = (),
        early: FileSink | None = None,
    ) -> RenderedSite:
        """Every output file of `site`; pages whose inputs are unchanged come from memory.

        With a `sink`, each file made is handed to it as soon as it is made, and not kept in
        `RenderedSite.files`: a build then never holds its whole output in memory.

        The briefing pages among `first` (the pages a preview has open) are rendered before
        anything else and handed to `early`, as they will be in the result: a preview can show
        an edited briefing before the listings, the timeline and the actor pages are remade.
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
            self._reuse = OutputReuse(self._previous, _digester(theme_key, site.config))
        self._records = {}
        # Bytes handed to a sink are not kept: remembering them would hold the whole output.
        self._remembers = sink is None
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
        if early is not None and first:
            self._render_first(site, links, catalogue, every_page, first, early)
        pages = [briefing_page(b, links, catalogue, site.config.root) for b in site.briefings]
        pages += site_wide_pages(site.config, theme)
        pages += [
            Page(v.template, v.path, v.context, v.context)
            for v in site_view_pages(site, layout, rows)
            if theme.has_template(v.template)
        ]
        out = _Output(sink)

        def other_files() -> None:
            out.add_all(static_assets(theme))
            out.add_all(actor_image_files(site))
            out.add_all(json_exports(site, links, layout, self._file))
            # Kept from build to build only where bytes are remembered too (the preview).
            search = self._search if self._remembers else SearchIndex()
            out.add_all(search.files(site_documents(site, links)))

        self._render_pages(pages, every_page, theme, site.config.root, problems, out, other_files)
        feeds, feed_problems = site_files(site, sorted(out.names), self._file)
        out.add_all(feeds)
        self._files.sweep()
        self._reuse = None
        return RenderedSite(
            out.files, problems + feed_problems, tuple(out.kept), self._records, tuple(out.names)
        )

    def _render_first(
        self,
        site: Site,
        links: ArticleLinks,
        catalogue: Catalogue,
        every_page: Mapping[str, Any],
        first: Collection[str],
        early: FileSink,
    ) -> None:
        """The briefing pages among `first`, to `early`; remembered, so not rendered twice.
        A page whose template fails is left for the whole render to report."""
        root = site.config.root
        for briefing in site.briefings:
            if briefing_path(briefing) not in first:
                continue
            page = briefing_page(briefing, links, catalogue, root)

            def render(page: Page = page) -> tuple[bytes, tuple[Problem, ...]]:
                made = self._render_page(page, every_page)
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
        meanwhile: Callable[[], None],
    ) -> None:
        """Every page to `out`, made anew or kept from the previous output; the warnings of
        their making go to `problems`. A theme error on any page fails the build, naming each.
        `meanwhile` is other work, done while a forked worker renders pages."""
        errors: list[Problem] = []
        make = functools.partial(self._page_outcome, every_page=every_page, theme=theme, root=root)
        for outcome in self._outcomes(pages, make, out, meanwhile):
            if outcome.error is not None:
                errors.append(outcome.error)
                continue
            if outcome.kept:
                out.keep(outcome.path)
            elif outcome.html is None:
                out.names.append(outcome.path)  # already given to the sink
            else:
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
        meanwhile: Callable[[], None],
    ) -> Iterable[PageOutcome]:
        """`make` of every page, in order, after `meanwhile`; with `parallel`, shared with a
        forked worker (`workers.in_two_processes`) that hands its pages to the sink itself."""
        if not self._parallel or len(pages) < PARALLEL_PAGES or cores() < 2 or not can_fork():
            meanwhile()
            return map(make, pages)  # one at a time: each goes to the sink before the next

        def made(index: int) -> PageOutcome:
            outcome = make(pages[index])
            if out.sink is None or outcome.html is None:
                return outcome
            out.sink(outcome.path, outcome.html)
            return dataclasses.replace(outcome, html=None)

        return in_two_processes(made, len(pages), meanwhile)

    def _page_outcome(
        self, page: Page, *, every_page: Mapping[str, Any], theme: Theme, root: Path
    ) -> PageOutcome:
        verdict = self._reuse.verdict(page.path, page.key) if self._reuse else Verdict(None, None)
        if verdict.kept is not None:
            return PageOutcome(page.path, None, verdict.kept.warnings, verdict.kept, kept=True)
        rendered: list[Page] = []

        def render() -> tuple[bytes, tuple[Problem, ...]]:
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

    def _file(self, name: str, key: object, make: Callable[[], bytes]) -> bytes | None:
        """A `FileMemo`: the file's bytes, or None when the previous output's can stay."""
        verdict = self._reuse.verdict(name, key) if self._reuse else Verdict(None, None)
        if (record := verdict.record()) is not None:
            self._records[name] = record
        if verdict.kept is not None:
            return None
        return self._files.get(name, key, make) if self._remembers else make()



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

    def add_all(self, files: Mapping[str, bytes | None]) -> None:
        """Add each file; None stands for one the previous output keeps (see `FileMemo`)."""
        for name, data in files.items():
            if data is None:
                self.keep(name)
            else:
                self.add(name, data)


#: Below this many pages, a second process costs more (forking, sending pages back) than it saves.
PARALLEL_PAGES = 200


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


def _digester(theme_key: bytes, config: SiteConfig) -> Digester:
    """Digests of page and file inputs, salted with everything every output depends on: the
    theme, the config, and briefgen's own code (its templates' filters, its JSON writers)."""
    salt = hashlib.blake2b(theme_key)
    salt.update(code_fingerprint(Path(__file__).parent).encode())
    salt.update(pickle.dumps(config, protocol=5))
    return Digester(salt.digest(), shared=(Briefing, BriefingRow))


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


def theme_fingerprint(theme: Theme) -> bytes:
    """A digest of every file of the theme's folders (templates, static files, labels): any
    edit to the theme re-renders every page."""
    digest = hashlib.blake2b(theme.name.encode())
    for folder in theme.folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.digest()


# --- Themes -----------------------------------------------------------------------------------


def packaged_themes_dir() -> Path:
    """The folder of the themes that ship with briefgen.

    An installed wheel carries the repository's top-level `themes/` inside the package, as
    `briefgen/themes/` (pyproject maps it there). A source checkout or an editable install has no
    such folder: the themes are where the repository keeps them, one level above the package.
    """
    package_dir = Path(briefgen.__file__).parent
    inside_package = package_dir / "themes"
    return inside_package if inside_package.is_dir() else package_dir.parent / "themes"


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme's folders, the site's own first: a file found in an earlier folder wins."""

    name: str
    folders: tuple[Path, ...]

    def subfolders(self, name: str) -> list[Path]:
        return [folder / name for folder in self.folders if (folder / name).is_dir()]

    def has_template(self, name: str) -> bool:
        """Whether one of the theme's folders has template `name` (pages some themes omit)."""
        return any((folder / name).is_file() for folder in self.subfolders("templates"))


def find_theme(config: SiteConfig) -> Theme:
    """The theme `briefgen.yaml` names: the site's own `themes/<name>/` over the packaged one."""
    candidates = [config.themes_dir / config.theme, packaged_themes_dir() / config.theme]
    is_folder_name = (
        re.fullmatch(r"[\w.-]+", config.theme) is not None and config.theme.strip(".") != ""
    )
    folders = tuple(folder for folder in candidates if is_folder_name and folder.is_dir())
    if not folders:
        packaged = packaged_themes_dir()
        available = (
            sorted(p.name for p in packaged.iterdir() if p.is_dir()) if packaged.is_dir() else []
        )
        raise ConfigError(
            [
                Problem(
                    config.config_path or config.root / "briefgen.yaml",
                    f"theme: unknown theme {config.theme!r}",
                    hint=f"looked in {candidates[0]} and {candidates[1]}; "
                    f"briefgen ships: {', '.join(available) or 'none found'}",
                )
            ]
        )
    return Theme(config.theme, folders)


def static_assets(theme: Theme) -> dict[str, bytes]:
    """Every file under the theme's `static/` folders, the site's own copy winning, by path."""
    assets: dict[str, Path] = {}
    for static_dir in reversed(theme.subfolders("static")):
        for path in static_dir.rglob("*"):
            relative = path.relative_to(static_dir)
            if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                assets[f"static/{relative.as_posix()}"] = path
    return {output: assets[output].read_bytes() for output in sorted(assets)}


# --- Languages --------------------------------------------------------------------------------

LabelValue = str | dict[str, str]
Translations = dict[str, dict[str, LabelValue]]


class Labels:
    """The words of one language, for templates: `labels.key_facts`, `labels.kinds.person`.

    Only item access, no public attribute: Jinja2 looks up `labels.x` as an attribute first, so a
    label named like a method (`items`, `update`) would otherwise be shadowed.
    """

    __slots__ = ("_entries",)

    def __init__(self, entries: Mapping[str, LabelValue]) -> None:
        self._entries = dict(entries)

    def __getitem__(self, key: str) -> LabelValue:
        return self._entries[key]


def language_key(lang: str) -> str:
    """`fr_FR`, `fr-fr` and `FR-FR` all name the same i18n file: `fr-fr`."""
    return lang.replace("_", "-").lower()


def read_translations(theme: Theme) -> tuple[Translations, list[Problem]]:
    """Every i18n file of the theme, the site's own entries merged over the packaged ones."""
    translations: Translations = {}
    problems: list[Problem] = []
    for i18n_dir in reversed(theme.subfolders("i18n")):
        for path in sorted(i18n_dir.glob("*.yaml")):
            entries, file_problems = read_labels_file(path)
            problems.extend(file_problems)
            _merge_labels(translations.setdefault(language_key(path.stem), {}), entries)
    return translations, problems


def read_labels_file(path: Path) -> tuple[dict[str, LabelValue], list[Problem]]:
    """One i18n file: a mapping of label → text, or label → {variant: text} (kinds, plurals).

    The YAML is composed, not constructed: every value stays the text it was written as (`no`
    stays "no"), and every problem gets its line.
    """
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return {}, [Problem(path, f"i18n: cannot read labels: {error}", line)]
    if root is None:
        return {}, []
    if not isinstance(root, yaml.MappingNode):
        return {}, [Problem(path, "i18n: expected a mapping of labels", root.start_mark.line + 1)]
    entries: dict[str, LabelValue] = {}
    problems = []
    for key_node, value_node in root.value:
        value = _label_value(value_node)
        if value is None:
            problems.append(
                Problem(
                    path,
                    f"i18n: label {key_node.value!r} must be text or a mapping of texts",
                    value_node.start_mark.line + 1,
                    value_node.start_mark.column + 1,
                )
            )
        else:
            entries[str(key_node.value)] = value
    return entries, problems


def _label_value(node: yaml.Node) -> LabelValue | None:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.MappingNode) and all(
        isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode) for k, v in node.value
    ):
        return {str(k.value): str(v.value) for k, v in node.value}
    return None


def _merge_labels(into: dict[str, LabelValue], entries: Mapping[str, LabelValue]) -> None:
    for key, value in entries.items():
        current = into.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            into[key] = {**current, **value}
        else:
            into[key] = value


class Catalogue:
    """Labels, dates, numbers and plurals in every language, for the templates' filters.

    A language is looked up as written (`fr-ca`), then by its primary tag (`fr`), then in English,
    label by label: a theme adds a language by adding one i18n file, even a partial one.
    """

    def __init__(self, translations: Translations) -> None:
        self._translations = translations
        self._labels: dict[str, Labels] = {}
        self._dates: dict[tuple[str, type, str], str] = {}
        self._plurals: dict[tuple[int, str, str], str] = {}

    def labels(self, lang: str) -> Labels:
        key = language_key(lang)
        if key not in self._labels:
            merged: dict[str, LabelValue] = {}
            for candidate in dict.fromkeys([FALLBACK_LANGUAGE, key.split("-")[0], key]):
                _merge_labels(merged, self._translations.get(candidate, {}))
            self._labels[key] = Labels(merged)
        return self._labels[key]

    def _entry(self, lang: str, key: str) -> LabelValue:
        """Label `key`, or a template error that names it (a bare KeyError would not)."""
        try:
            return self.labels(lang)[key]
        except KeyError:
            raise TemplateRuntimeError(f"no label {key!r} in the theme's i18n files") from None

    def format_date(self, value: str | Published, lang: str) -> str:
        """`value` (an ISO 8601 string or a date) as a reader of `lang` writes it.

        Remembered: a site writes the same days on many pages, and Babel is slow. The key
        writes a moment out, since equal moments in two zones are written differently.
        """
        key = (value if isinstance(value, str) else value.isoformat(), type(value), lang)
        written = self._dates.get(key)
        if written is None:
            written = self._dates[key] = self._format_date(value, lang)
        return written

    def _format_date(self, value: str | Published, lang: str) -> str:
        locale = babel_locale(lang)
        if isinstance(value, datetime.datetime | datetime.date):
            return format_moment(value, locale)
        week_label = str(self._entry(lang, "week_of_year"))
        period = _PERIOD.fullmatch(value)
        if period is not None:
            return self._format_period(period, locale, lang)
        return format_iso_value(value, locale, week_label) or value

    def _format_period(self, period: re.Match[str], locale: Locale, lang: str) -> str:
        """TIMEX3's named periods: a day's part, a week-end, a season, a quarter, a half-year.

        CLDR has no words for most of them, so they are labels of the theme (`periods`).
        """
        names = self._entry(lang, "periods")
        assert isinstance(names, dict)
        head, code = period["head"], period["code"]
        if period["day"]:
            day = format_date(datetime.date.fromisoformat(head), "long", locale=locale)
            return str(names["day_part"]).format(day=day, part=names[code])
        if period["week"]:
            return str(names["weekend"]).format(week=int(period["week"]), year=period["year"])
        return str(names["of_year"]).format(period=names[code], year=period["year"])

    def plural(self, count: int, key: str, lang: str) -> str:
        """The `{count}` text of label `key` in the plural form `lang` uses for `count`."""
        remembered = (count, key, lang)
        text = self._plurals.get(remembered)
        if text is None:
            text = self._plurals[remembered] = self._plural(count, key, lang)
        return text

    def _plural(self, count: int, key: str, lang: str) -> str:
        locale = babel_locale(lang)
        forms = self._entry(lang, key)
        if isinstance(forms, str):
            text = forms
        elif "other" in forms:
            text = forms.get(locale.plural_form(count), forms["other"])
        else:
            raise TemplateRuntimeError(f"label {key!r} has no 'other' plural form")
        return text.replace("{count}", format_decimal(count, locale=locale))

    def language_name(self, code: str, lang: str) -> str:
        """The name of language `code`, written in `lang` ("français", "French")."""
        try:
            name = Locale.parse(code.replace("-", "_")).get_display_name(babel_locale(lang))
        except (ValueError, UnknownLocaleError):
            return code
        return name or code

    def short_month(self, value: str, lang: str) -> str:
        """The abbreviated month of ISO `value` in `lang` ("2022-01" → "Jan", "janv."), for a
        chart's axis; `value` as written when it names no month."""
        anchor = anchor_of(value)
        if anchor is None or anchor.precision == 0:
            return value
        return format_skeleton("MMM", anchor.first_day, locale=babel_locale(lang))


@functools.lru_cache(maxsize=64)
def babel_locale(lang: str) -> Locale:
    """Babel's locale for `lang`, or its primary language, or English when Babel knows neither.

    Cached: every date and count on every page asks, and a site uses a handful of languages.
    """
    for candidate in (lang, lang.replace("_", "-").split("-")[0], FALLBACK_LANGUAGE):
        try:
            return Locale.parse(candidate.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            continue
    raise AssertionError("Babel always knows English")


# --- Dates ------------------------------------------------------------------------------------

_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
#: `2022-02-24TEV` (evening), `2021-W51-WE` (week-end), `2008-FA` (autumn), `2009-Q4`, `2010-H1`.
_PERIOD = re.compile(
    r"(?P<head>(?P<year>\d{4})(?:-(?P<day>\d{2}-\d{2})|-W(?P<week>\d{2}))?)"
    r"(?:T|-)(?P<code>MO|AF|EV|NI|DT|WE|SP|SU|FA|WI|Q[1-4]|H[12])"
)
_TIME_OF_DAY = re.compile(r"T(\d{2}:\d{2}(?::\d{2})?)")
_DURATION = re.compile(
    r"P(?:(?P<year>\d+)Y)?(?:(?P<month>\d+)M)?(?:(?P<week>\d+)W)?(?:(?P<day>\d+)D)?"
    r"(?:T(?:(?P<hour>\d+)H)?(?:(?P<minute>\d+)M)?(?:(?P<second>\d+)S)?)?"
)


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where an ISO value sits in time: its first day, and how precise it is (a year is 0)."""

    first_day: datetime.date
    precision: int
    moment: datetime.datetime | None = None


def anchor_of(value: str) -> Anchor | None:
    """The place of `value` on a timeline, or None for a duration, a recurrence, or garbage."""
    try:
        if match := _YEAR.fullmatch(value):
            return Anchor(datetime.date(int(match[1]), 1, 1), 0)
        if match := _MONTH.fullmatch(value):
            return Anchor(datetime.date(int(match[1]), int(match[2]), 1), 1)
        if match := _WEEK.fullmatch(value):
            return Anchor(datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1), 2)
        if "T" not in value:
            return Anchor(datetime.date.fromisoformat(value), 3)
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return Anchor(moment.date(), 4, moment)


def chronological(dates: Iterable[DatedEvent]) -> tuple[list[DatedEvent], list[DatedEvent]]:
    """The events that sit on a timeline, oldest first, and the others (durations, recurrences).

    A month comes before the days in it, and a year before its months: the wider period opens.
    """
    anchored: list[tuple[Anchor, DatedEvent]] = []
    unanchored: list[DatedEvent] = []
    for event in dates:
        anchor = anchor_of(event.value)
        if anchor is None:
            unanchored.append(event)
        else:
            anchored.append((anchor, event))
    anchored.sort(key=lambda item: (item[0].first_day, item[0].precision, item[1].value))
    return [event for _, event in anchored], unanchored


def format_iso_value(value: str, locale: Locale, week_label: str) -> str | None:
    """An ISO 8601 value as `locale` writes it, or None when `value` is not one briefgen reads.

    `week_label` is the theme's "week {week} of {year}": CLDR has no ISO-week format.
    """
    if _YEAR.fullmatch(value):
        return value
    if match := _WEEK.fullmatch(value):
        return week_label.replace("{week}", str(int(match[2]))).replace("{year}", match[1])
    if match := _TIME_OF_DAY.fullmatch(value):
        return format_time(datetime.time.fromisoformat(match[1]), "short", locale=locale)
    if match := _DURATION.fullmatch(value):
        return format_duration(match.groupdict(), locale)
    anchor = anchor_of(value)
    if anchor is None:
        return None
    if anchor.precision == 1:
        return format_skeleton("yMMMM", anchor.first_day, locale=locale)
    return format_moment(anchor.moment or anchor.first_day, locale)


def format_moment(moment: Published, locale: Locale) -> str:
    """A day in the locale's long form; a date-time adds the short time and, if known, the zone.

    The zone is the offset the source gave ("UTC-05:00"), never converted: a reader compares it
    with the article's own "15h30 ET". A zero offset reads as the locale's "UTC"/"GMT".
    """
    if not isinstance(moment, datetime.datetime):
        return format_date(moment, "long", locale=locale)
    time_pattern = str(locale.time_formats["short"].pattern)
    if moment.utcoffset() == datetime.timedelta(0):
        time_pattern += " '" + str(locale.zone_formats["gmt"] % "").replace("'", "''") + "'"
    elif moment.tzinfo is not None:
        time_pattern += " ZZZZ"
    pattern = (
        str(locale.datetime_formats["long"])
        .replace("{1}", str(locale.date_formats["long"].pattern))
        .replace("{0}", time_pattern)
    )
    return format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=locale)


def format_duration(parts: Mapping[str, str | None], locale: Locale) -> str | None:
    """`{"month": "2"}` → "2 months" / "2 mois"; None for an empty duration (`P`)."""
    units = [
        format_unit(int(amount), f"duration-{unit}", length="long", locale=locale)
        for unit, amount in parts.items()
        if amount is not None
    ]
    return format_list(units, locale=locale) if units else None


def datetime_attribute(value: str | Published) -> str:
    """The value for `<time datetime>`: ISO for what HTML accepts there, "" for the rest."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if anchor_of(value) is not None or _TIME_OF_DAY.fullmatch(value):
        return value.removeprefix("T")
    if period := _PERIOD.fullmatch(value):
        return period["head"]  # the day, ISO week or year the named period lies in
    return ""


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


@functools.lru_cache(maxsize=1 << 16)
def _relative_url(target: str, page_folder: tuple[str, ...]) -> str:
    """`relative_url` from a page in `page_folder`. Remembered: a page of a large site writes
    hundreds of links, most of them to the same few pages (its actors, the site's sections)."""
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
