"""Run the stages in order: load → extract → assemble → render → write.

The build is two-phase (GUIDE.md): every briefing is gathered and assembled before anything is
rendered, because the index and the cross-briefing pages depend on all of them. Problems are
collected across stages; if any is an error the build stops before writing, so the previous site
stays exactly as it was.

Extraction, the costly per-briefing step, is cached by content hash (`cache.py`) and, when many
briefings miss the cache, spread over the machine's cores in a process pool. A build keeps for the
next, in the cache folder, what it loaded from settled files, each briefing's reading, the search
documents' words and the site it replaced (the next build's staging folder). A build whose inputs
(`inputs_digest`) are those of the last build, into an output still as that build wrote it, does
nothing; otherwise the renderer remakes only the files whose inputs changed. None of this changes
a byte of the output: each shortcut gives exactly what the full computation would.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.assemble import Assembler, Naming, Reading, read_briefing
from briefgen.cache import (
    CACHE_DIR,
    SPARE_SITE,
    CastCache,
    ExtractionCache,
    PreviousBuild,
    ReadingCache,
    SearchCache,
    extraction_json,
    read_load_memo,
    read_previous_build,
    write_load_memo,
    write_previous_build,
)
from briefgen.errors import BuildFailed, Problem, errors_in, warning
from briefgen.extract import extract, supported_languages
from briefgen.extract.langdata import base_language
from briefgen.fingerprint import Digester, OutputRecord, code_fingerprint
from briefgen.load import LoadMemo, load_briefings
from briefgen.load_actors import load_actors
from briefgen.model import Briefing, CanonicalActor, Extraction, Published, SiteConfig
from briefgen.render import FileSink, Renderer, render_salt
from briefgen.search import SearchState
from briefgen.theme import find_theme, theme_fingerprint
from briefgen.workers import (
    Forked,
    ForkedFailed,
    can_fork,
    cores,
    in_two_processes,
    pickled_as_fields,
    worker_context,
)
from briefgen.write import StagedSite

#: Below this many cache misses a process pool costs more (start-up, imports) than it saves.
POOL_THRESHOLD = 150

#: `progress(done, total)` while extracting; the CLI draws a progress line from it.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a successful build did, for the one-line summary."""

    output: Path
    briefings: int
    pages: int
    files: int
    seconds: float
    warnings: tuple[Problem, ...] = field(default=())
    #: Files the previous build wrote that stayed as they were (their inputs did not change).
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class BuiltSite:
    """A built site: every output file by its POSIX path (when built in memory), the report,
    the config used.

    Built with the previous build's output records, the files that did not change are not in
    `files` but in `kept`, to be taken from the previous output; `records` and `search`
    are for the next build.
    """

    files: Mapping[str, bytes]
    report: BuildReport
    config: SiteConfig
    kept: tuple[str, ...] = ()
    records: Mapping[str, OutputRecord] = field(default_factory=dict)
    names: tuple[str, ...] = ()
    render_warnings: tuple[Problem, ...] = ()
    search: SearchState = field(default_factory=SearchState)


def build(
    config: SiteConfig,
    *,
    drafts: bool = False,
    progress: Progress | None = None,
    left: list[object] | None = None,
) -> BuildReport:
    """Build the site described by `config` and write it to `config.output`.

    Raises `BuildFailed` with every problem found (errors and warnings) when the input has
    errors; nothing is written then. What the previous build wrote and did not change is kept
    as it is (see `render.Renderer`), and when nothing it was made from changed, the output is
    left alone; either way it is the same as a build from scratch.

    What the build made (the briefings, their extractions, the site and what rendered it) is
    put in `left` when given, to live as long as that list: a process that ends right after
    the build ends without freeing it all, object by object (`cli.console`).
    """
    with collector_paused():
        return _build_and_write(config, drafts, progress, [] if left is None else left)


def _build_and_write(
    config: SiteConfig, drafts: bool, progress: Progress | None, left: list[object]
) -> BuildReport:
    started = time.perf_counter()
    cache_dir = config.root / CACHE_DIR
    previous = read_previous_build(cache_dir, config.output)
    memo = read_load_memo(cache_dir, config)
    left += (previous, memo)
    inputs = load_inputs(config, drafts=drafts, memo=memo)
    left.append(inputs)
    theme_key = theme_fingerprint(find_theme(config))
    digest = inputs_digest(config, inputs, memo, theme_key)
    write_load_memo(cache_dir, config, memo)
    if digest is not None and previous.inputs == digest and previous.is_intact(config.output):
        return _unchanged_report(config, inputs, previous, started)
    cache = ExtractionCache(cache_dir)
    sources = briefing_sources(inputs.briefings, cache, memo)
    search = SearchCache(cache_dir)
    salt = render_salt(theme_key, config).hex()
    # Another salt (a theme, config or briefgen changed) makes every file anew: no record of
    # the previous build can match, and the render is a fresh one (`Renderer._outcomes`).
    records = previous.records if salt == previous.salt else {}
    # Made here to be left in `left`: the site lives on in them (readings, views, links).
    assembler = Assembler()
    renderer = Renderer(previous=records, parallel=True, search=search.read())
    left += (cache, sources, assembler, renderer)
    # With no spare, a mirror of the output is worth making when most of it is to stay.
    mirror = bool(records)
    with StagedSite(config.output, spare=cache_dir / SPARE_SITE, mirror=mirror) as staged:
        built = _build_site(
            config,
            inputs,
            started=started,
            cache=cache,
            readings=ReadingCache(cache_dir),
            sources=sources,
            casts=CastCache(cache_dir),
            assembler=assembler,
            renderer=renderer,
            progress=progress,
            sink=staged.add,
        )
        staged.keep(built.kept)
        staged.commit(built.names)
    made = PreviousBuild(built.records, digest or "", built.render_warnings, built.names, salt)
    write_previous_build(cache_dir, config.output, made)
    search.write(built.search)
    return built.report


def build_in_memory(
    config: SiteConfig,
    *,
    drafts: bool = False,
    cache: ExtractionCache | None = None,
    memo: LoadMemo | None = None,
    assembler: Assembler | None = None,
    renderer: Renderer | None = None,
    first: Collection[str] = (),
    early: FileSink | None = None,
) -> BuiltSite:
    """Every stage but `write`: the site as `{path: bytes}`, for serving or for comparing.

    The briefing pages among `first` go to `early` as soon as they can be made
    (`Renderer.render_early`).
    """
    started = time.perf_counter()
    inputs = load_inputs(config, drafts=drafts, memo=memo)
    return _build_site(
        config,
        inputs,
        started=started,
        cache=cache,
        assembler=assembler,
        renderer=renderer,
        first=first,
        early=early,
    )


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a site is made from, as loaded: its briefings, the actors of `actors.yaml`, and the
    warnings loading them gave."""

    briefings: tuple[Briefing, ...]
    canonical_actors: tuple[CanonicalActor, ...]
    warnings: tuple[Problem, ...]


def load_inputs(
    config: SiteConfig, *, drafts: bool = False, memo: LoadMemo | None = None
) -> Inputs:
    """The load stage; raises `BuildFailed` with every problem when any is an error."""
    briefings, problems = load_briefings(config, drafts=drafts, memo=memo)
    canonical_actors, actor_problems = load_actors(config)
    problems += actor_problems
    if errors_in(problems):
        raise BuildFailed(problems)
    problems += _language_warnings(briefings)
    return Inputs(tuple(briefings), tuple(canonical_actors), tuple(problems))


def inputs_digest(
    config: SiteConfig, inputs: Inputs, memo: LoadMemo, theme_key: bytes
) -> str | None:
    """A digest of everything the site is made from: the config, the briefings as loaded (their
    text, language and date are all their extraction depends on, with the extractor's code),
    the actors of `actors.yaml` and their pictures, the theme (`theme_key`, its fingerprint),
    briefgen's code and libraries. Two builds with the same digest write the same site.

    Each briefing stands in it as its own digest, which `memo` keeps with its file from one
    build to the next (`LoadMemo.digest`).
    """
    pictures = [actor.image.read_bytes() for actor in inputs.canonical_actors if actor.image]
    code = code_fingerprint(Path(__file__).parent).encode()
    digester = Digester(code, shared=[Briefing])
    for briefing in inputs.briefings:
        if (digest := memo.digest(briefing)) is not None:
            digester.vouch(briefing, digest)
    everything = (
        config,
        inputs.briefings,
        inputs.canonical_actors,
        pictures,
        theme_key,
    )
    return digester(everything)


def _unchanged_report(
    config: SiteConfig, inputs: Inputs, previous: PreviousBuild, started: float
) -> BuildReport:
    """The report of a build that found its output already made from the very same inputs."""
    return BuildReport(
        output=config.output,
        briefings=len(inputs.briefings),
        pages=sum(1 for name in previous.names if name.endswith(".html")),
        files=len(previous.names),
        seconds=time.perf_counter() - started,
        warnings=inputs.warnings + previous.warnings,
        unchanged=len(previous.names),
    )


def _build_site(
    config: SiteConfig,
    inputs: Inputs,
    *,
    started: float,
    cache: ExtractionCache | None = None,
    readings: ReadingCache | None = None,
    sources: Mapping[str, str] | None = None,
    casts: CastCache | None = None,
    assembler: Assembler | None = None,
    renderer: Renderer | None = None,
    progress: Progress | None = None,
    sink: FileSink | None = None,
    first: Collection[str] = (),
    early: FileSink | None = None,
    update_kept: bool = True,
) -> BuiltSite:
    """Every stage after `load` but `write`; with a `sink`, the files go there as made.

    `sources` are the `briefing_sources` of a build, from one process to the next: with
    `readings`, each briefing's reading is kept under its source, and the renderer digests
    that instead of the merged briefing; with `casts`, who is who is kept too (unless
    `update_kept` is False: the first build of a preview reads them, and leaves them as they
    are). A preview keeps all of it in memory instead, under the briefings' identity.
    """
    briefings = inputs.briefings
    cache = cache or ExtractionCache()
    extractions = extract_all(briefings, cache, progress)
    assembler = assembler or Assembler()
    renderer = renderer or Renderer()
    assembled = [assembler.merge(b, e) for b, e in zip(briefings, extractions, strict=True)]
    if early is not None and first:
        renderer.render_early(config, assembled, first, early)
    # Kept on disk now: a build that fails later (on a theme's error, say) keeps them.
    cache.save()
    sources = sources or {}
    known = readings.read(sources) if readings is not None else None
    if known is not None:
        known.update(_readings_of_the_rest(assembled, known))
    kept_cast = casts.read() if casts is not None else None
    site = assembler.assemble(config, assembled, inputs.canonical_actors, known, kept_cast)
    if readings is not None and update_kept:
        readings.write(sources, assembler.readings)
    if casts is not None and update_kept:
        casts.write(assembler.cast_record())
    rendered = renderer.render(site, sink, sources)
    report = BuildReport(
        output=config.output,
        briefings=len(briefings),
        pages=sum(1 for name in rendered.names if name.endswith(".html")),
        files=len(rendered.names),
        seconds=time.perf_counter() - started,
        warnings=inputs.warnings + tuple(rendered.problems),
        unchanged=len(rendered.kept),
    )
    return BuiltSite(
        rendered.files,
        report,
        config,
        rendered.kept,
        rendered.records,
        rendered.names,
        tuple(rendered.problems),
        rendered.search,
    )


def briefing_sources(
    briefings: Iterable[Briefing], cache: ExtractionCache, memo: LoadMemo
) -> dict[str, str]:
    """For each briefing (by slug), a digest of what its merged form is made from, salted with
    briefgen's code: the briefing as loaded (its digest, which `memo` keeps), and its
    extraction's key."""
    digest = Digester(code_fingerprint(Path(__file__).parent).encode())
    sources = {}
    for briefing in briefings:
        loaded = memo.digest(briefing)
        source = digest((loaded, cache.key_of(briefing))) if loaded is not None else None
        if source is not None:
            sources[briefing.slug] = source
    return sources


class SiteBuilder:
    """Builds the same project again and again (for `serve`), reading the config afresh each time.

    `load_config` is called on every build, so an edited `briefgen.yaml` takes effect. What
    earlier builds read and extracted is kept, so a rebuild redoes only what changed. The
    first build starts from what the last `build` left (`_first_build`).
    """

    def __init__(self, load_config: Callable[[], SiteConfig], *, drafts: bool = False) -> None:
        self._load_config = load_config
        self._drafts = drafts
        self._assembler = Assembler()
        # The memo, cache and renderer of the project, made by the first build.
        self._memo: LoadMemo | None = None
        self._cache: ExtractionCache | None = None
        self._renderer: Renderer | None = None
        self._built = False  # until a first build succeeded

    def build(self, first: Collection[str] = (), early: FileSink | None = None) -> BuiltSite:
        """The site as it is now; raises `BriefgenError` subclasses on bad input.

        The briefing pages among `first` go to `early` as soon as they are made.
        """
        config = self._load_config()
        with collector_paused():
            if not self._built:
                built = self._first_build(config)
            else:
                built = build_in_memory(
                    config,
                    drafts=self._drafts,
                    cache=self._cache,
                    memo=self._memo,
                    assembler=self._assembler,
                    renderer=self._renderer,
                    first=first,
                    early=early,
                )
            # Cycles the build left are collected once, then what the memos keep is frozen: it
            # lives on from build to build, and no later collection need walk it again. Before
            # the collector is back on: it would first walk everything the build made (0.3 s
            # more of every rebuild of a 5,000-briefing preview).
            gc.collect()
            gc.freeze()
        self._built = True
        return built

    def _first_build(self, config: SiteConfig) -> BuiltSite:
        """The first build, from what the last `build` left in the cache folder, as a `build`
        would (but for extractions, a preview writes nothing there): what it loaded, the
        readings, who is who, the search index, and the files of its output whose inputs are
        unchanged, read instead of made (see `Renderer`). After a build of 5,000 briefings, a
        preview opened in 6.5 s, against 31 s when it made every page in its one process."""
        started = time.perf_counter()
        cache_dir = config.root / CACHE_DIR
        self._cache = ExtractionCache(cache_dir)
        self._memo = read_load_memo(cache_dir, config)
        previous = read_previous_build(cache_dir, config.output)
        inputs = load_inputs(config, drafts=self._drafts, memo=self._memo)
        sources = briefing_sources(inputs.briefings, self._cache, self._memo)
        salt = render_salt(theme_fingerprint(find_theme(config)), config).hex()
        # Without records that can match (no build, or one with another theme, config or
        # briefgen), the files' inputs are not even digested.
        records = previous.records if previous.records and salt == previous.salt else None
        # It forks helpers where it can: for a preview, before it starts its threads.
        self._renderer = Renderer(
            records,
            parallel=True,
            search=SearchCache(cache_dir).read(),
            read_previous=functools.partial(previous.read, config.output),
        )
        return _build_site(
            config,
            inputs,
            started=started,
            cache=self._cache,
            readings=ReadingCache(cache_dir),
            sources=sources,
            casts=CastCache(cache_dir),
            assembler=self._assembler,
            renderer=self._renderer,
            update_kept=False,
        )


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the duration of a build.

    A build allocates millions of objects that live until it ends and hold no cycles worth
    collecting (frozen dataclasses, tuples, strings), and every pass of the collector walks all
    of them: left on, it took a fifth of a one-briefing rebuild at 5,000 briefings, and most of
    the preview's link tables at 10,000.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def extract_all(
    briefings: Sequence[Briefing], cache: ExtractionCache, progress: Progress | None = None
) -> list[Extraction]:
    """The extraction of every briefing, in order: from the cache, else computed (and cached).

    What the cache lacks is set going first (`_extracting`), and the cache read meanwhile: a
    rebuild after an edit reads thousands of kept extractions while a helper makes the edited
    briefing's, which costs it a quarter of a second (the date grammar is compiled first)."""
    keys = [cache.key_of(b) for b in briefings]
    missing = [i for i, key in enumerate(keys) if key and not cache.holds(key)]
    with _extracting([_job(briefings[i]) for i in missing]) as made:
        found = [cache.get(key) if key else Extraction() for key in keys]
        done = len(briefings) - len(missing)
        for index, result in zip(missing, made, strict=True):
            found[index] = _kept(cache, keys[index], result)
            done += 1
            if progress is not None:
                progress(done, len(briefings))
    extractions = [
        extraction or _kept(cache, key, extract(*_job(briefing)))  # a damaged kept entry
        for briefing, key, extraction in zip(briefings, keys, found, strict=True)
    ]
    cache.retain(set(keys))
    return extractions


Job = tuple[str, str, Published]


def _job(briefing: Briefing) -> Job:
    return briefing.article_text, briefing.lang, briefing.published


def _kept(cache: ExtractionCache, key: str, made: Extraction | str) -> Extraction:
    """`made` (an extraction, or the JSON a worker handed back) kept in the cache under `key`."""
    if isinstance(made, str):
        return cache.put_json(key, made)
    cache.put(key, made)
    return made


@contextlib.contextmanager
def _extracting(jobs: list[Job]) -> Iterator[Iterator[Extraction | str]]:
    """The extractions of `jobs`, in order, started now in other processes where that pays:
    a process pool for many, a forked helper for a few; otherwise made here as they are asked
    for. Workers hand each back as the JSON the cache keeps (`cache.extraction_json`): cheaper
    to make and to pass than the objects pickled, and written to the cache as it is. What no
    worker made (none could start, or one died) is made here."""
    handed: Iterable[str] = ()
    with contextlib.ExitStack() as workers:
        with contextlib.suppress(OSError):  # no worker could start
            if len(jobs) >= POOL_THRESHOLD and cores() >= 2:
                pool = ProcessPoolExecutor(min(cores(), 4), mp_context=worker_context())
                handed = workers.enter_context(pool).map(_extract_job, jobs, chunksize=16)
            elif jobs and cores() >= 2 and can_fork():
                helper = Forked(functools.partial(_extract_jobs, jobs))
                workers.callback(helper.close)
                handed = _handed_back(helper)
        yield _and_the_rest(handed, jobs)


def _and_the_rest(made: Iterable[str], jobs: Sequence[Job]) -> Iterator[Extraction | str]:
    """What workers `made`, then the extractions of the jobs they left, made here."""
    done = 0
    with contextlib.suppress(BrokenProcessPool):  # a worker died (short of memory, say)
        for extraction in made:
            yield extraction
            done += 1
    yield from (extract(*job) for job in jobs[done:])


def _handed_back(helper: Forked[list[str]]) -> Iterator[str]:
    """What the helper made, waited for once asked for (after the cache was read)."""
    try:
        made = helper.result()
    except ForkedFailed:
        return
    yield from made


def _extract_jobs(jobs: Sequence[Job]) -> list[str]:
    return [_extract_job(job) for job in jobs]


def _extract_job(job: Job) -> str:
    return extraction_json(extract(*job))


def _readings_of_the_rest(
    briefings: Sequence[Briefing], known: Mapping[str, Reading]
) -> dict[str, Reading]:
    """The readings of the briefings `known` lacks, by slug, worked out in two processes when
    there are many (a clean build lacks them all, and reading 5,000 briefings takes two
    seconds); none when there are few, which assembling works out itself."""
    rest = [briefing for briefing in briefings if briefing.slug not in known]
    if len(rest) < POOL_THRESHOLD or cores() < 2 or not can_fork():
        return {}
    made = in_two_processes(lambda index: read_briefing(rest[index]), len(rest))
    return {briefing.slug: reading for briefing, reading in zip(rest, made, strict=True)}


# What the forked worker of `_readings_of_the_rest` hands back.
pickled_as_fields(Reading, Naming)


def _language_warnings(briefings: Sequence[Briefing]) -> list[Problem]:
    known = supported_languages()
    return [
        warning(
            b.content_path,
            f"lang: briefgen has no extraction rules for {b.lang!r}",
            hint="only language-independent extraction runs (ISO dates, numbers); "
            f"supported: {', '.join(sorted(known))}",
        )
        for b in briefings
        if b.extract and base_language(b.lang) not in known
    ]
