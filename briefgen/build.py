"""Run the stages in order: load → extract → assemble → render → write.

The build is two-phase (GUIDE.md): every briefing is gathered and assembled before anything is
rendered, because the index and the cross-briefing pages depend on all of them. Problems are
collected across stages; if any is an error the build stops before writing, so the previous site
stays exactly as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.assemble import assemble_site, merge_briefing
from briefgen.errors import BuildFailed, Problem, errors_in, warning
from briefgen.extract import extract, supported_languages
from briefgen.extract.langdata import base_language
from briefgen.load import load_briefings
from briefgen.load_actors import load_actors
from briefgen.model import Briefing, Extraction, SiteConfig
from briefgen.render import render_site
from briefgen.write import write_site


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a successful build did, for the one-line summary."""

    output: Path
    briefings: int
    pages: int
    files: int
    seconds: float
    warnings: tuple[Problem, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class BuiltSite:
    """A built site in memory: every output file by its POSIX path, the report, the config used."""

    files: Mapping[str, bytes]
    report: BuildReport
    config: SiteConfig


def build(config: SiteConfig, *, drafts: bool = False) -> BuildReport:
    """Build the site described by `config` and write it to `config.output`.

    Raises `BuildFailed` with every problem found (errors and warnings) when the input has
    errors; nothing is written then.
    """
    built = build_in_memory(config, drafts=drafts)
    write_site(built.files, config.output)
    return built.report


def build_in_memory(config: SiteConfig, *, drafts: bool = False) -> BuiltSite:
    """Every stage but `write`: the site as `{path: bytes}`, for writing or for serving."""
    started = time.perf_counter()
    briefings, problems = load_briefings(config, drafts=drafts)
    canonical_actors, actor_problems = load_actors(config)
    problems += actor_problems
    if errors_in(problems):
        raise BuildFailed(problems)
    problems += _language_warnings(config, briefings)
    assembled = [merge_briefing(b, extract_briefing(b)) for b in briefings]
    rendered = render_site(assemble_site(config, assembled, canonical_actors))
    problems += rendered.problems
    report = BuildReport(
        output=config.output,
        briefings=len(briefings),
        pages=sum(1 for name in rendered.files if name.endswith(".html")),
        files=len(rendered.files),
        seconds=time.perf_counter() - started,
        warnings=tuple(problems),
    )
    return BuiltSite(rendered.files, report, config)


class SiteBuilder:
    """Builds the same project again and again (for `serve`), reading the config afresh each time.

    `load_config` is called on every build, so an edited `briefgen.yaml` takes effect.
    """

    def __init__(self, load_config: Callable[[], SiteConfig], *, drafts: bool = False) -> None:
        self._load_config = load_config
        self._drafts = drafts

    def build(self) -> BuiltSite:
        """The site as it is now; raises `BriefgenError` subclasses on bad input."""
        return build_in_memory(self._load_config(), drafts=self._drafts)


def extract_briefing(briefing: Briefing) -> Extraction:
    """What the article text says, unless the briefing turned extraction off."""
    if not briefing.extract:
        return Extraction()
    return extract(briefing.article_text, briefing.lang, briefing.published)


def _language_warnings(config: SiteConfig, briefings: Sequence[Briefing]) -> list[Problem]:
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
