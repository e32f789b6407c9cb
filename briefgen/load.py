"""Find the briefings in `content/`, read each with its article, validate them into `Briefing`s.

Every `content/*.yaml` (and `*.yml`) is one briefing; files are read in name order and *all* their
problems are collected, so a user with three bad files sees three lines at once. Problems name
paths relative to the project root (`content/x.yaml`, `seeds/x.txt`), as the user types them.

Slugs become output paths (`briefings/<slug>/index.html`), so they are held to a safe shape:
lower-case letters, digits, `-` and `_`, starting with a letter or digit, at most 100 characters,
and never a Windows device name (`con`, `nul`, `com1`…). An explicit `slug:` outside that shape
is an error suggesting a safe one; a file name outside it is slugified (`Élection 2022.yaml` →
`election-2022`) with a warning. Two briefings with the same slug are an error naming both files.

A draft left out of the build (`draft: true` without `drafts=True`) is still read, but its
problems are reported as warnings: an unfinished draft must not stop the site from building.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import Problem, errors_in, warning
from briefgen.fingerprint import Digester
from briefgen.model import (
    ACTOR_KINDS,
    Actor,
    ActorKind,
    ArticleFormat,
    Briefing,
    DatedEvent,
    DateKind,
    KeyFact,
    Mention,
    Published,
    Quote,
    SiteConfig,
)
from briefgen.workers import can_fork, cores, in_two_processes, pickled_as_fields
from briefgen.yamlfile import Fields, Position, parse_timestamp, read_text_file, read_yaml

CONTENT_KEYS = (
    "slug",
    "title",
    "published",
    "lang",
    "source",
    "url",
    "tags",
    "summary",
    "article",
    "key_facts",
    "actors",
    "dates",
    "exclude_actors",
    "draft",
    "extract",
)
ACTOR_KEYS = ("name", "kind", "role", "aliases")
DATE_KEYS = ("date", "event")
ARTICLE_FORMATS: dict[str, ArticleFormat] = {".txt": "txt", ".md": "md", ".markdown": "md"}
DEFAULT_ARTICLE_SUFFIXES = (".txt", ".md")
MAX_SLUG_LENGTH = 100
WINDOWS_RESERVED_NAMES = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{n}" for n in range(1, 10)),
        *(f"lpt{n}" for n in range(1, 10)),
    }
)

_SAFE_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
_YEAR = re.compile(r"[0-9]{4}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_ACTOR_KINDS: dict[str, ActorKind] = {kind: kind for kind in ACTOR_KINDS}
_DATE_EXPECTED = "expected a day (2022-01-10), a month (2022-01), a year (2014) or a date and time"


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """What one content file gave: its briefing (None if it has errors) and its problems,
    whether it is a draft, and where its `slug:` is written."""

    shown: Path
    briefing: Briefing | None
    problems: list[Problem]
    draft: bool
    slug_position: Position


class LoadMemo:
    """What earlier loads of the same project read, so a rebuild re-reads only changed files.

    A file is trusted unchanged, without being read, when its inode, size, modification and
    change times are those it had when read, and it had not been touched for `SETTLED_NS`
    before that read (git's rule for "racily clean" files): a file written within the same
    clock tick as the read could change again without its times moving. A recently touched
    file is read again at each load; when it gives the same result, the earlier objects are
    returned, so that what later stages keep under their identity stays valid.
    """

    def __init__(self) -> None:
        self._config: SiteConfig | None = None
        self._entries: dict[Path, _Remembered] = {}
        #: Whether it trusts what an earlier process loaded (`adopt`), and how many files it
        #: read or forgot since.
        self.adopted = False
        self.changes = 0

    def known(self, path: Path, config: SiteConfig) -> LoadedFile | None:
        """What was loaded from `path` with `config`, when the file's stamps vouch that it
        still holds it; None when it is to be read (`remember` then keeps what it gave)."""
        if config != self._config:
            self._config, self._entries = config, {}
        entry = self._entries.get(path)
        if entry is not None and entry.settled and entry.stamps == _stamps(path, entry.loaded):
            return entry.loaded
        return None

    def remember(self, path: Path, loaded: LoadedFile, read_at: int) -> LoadedFile:
        """Keep `loaded`, read from `path` after `read_at` (`time.time_ns`), with the file's
        stamps; the earlier objects when it gave the same again."""
        self.changes += 1
        entry = self._entries.get(path)
        if loaded.briefing is None:
            self._entries.pop(path, None)
            return loaded
        digest = None
        if entry is not None and entry.loaded == loaded:
            loaded, digest = entry.loaded, entry.digest
        stamps = _stamps(path, loaded)
        self._entries[path] = _Remembered(loaded, stamps, _settled(stamps, read_at), digest)
        return loaded

    def digest(self, briefing: Briefing) -> str | None:
        """A digest of `briefing` as loaded, remembered with its file when it is the briefing
        this memo loaded from there: a rebuild's digest of all its inputs then hashes only the
        files that changed (`build.inputs_digest`), where pickling every article took 80 ms at
        5,000 briefings."""
        entry = self._entries.get(briefing.content_path)
        if entry is None or entry.loaded.briefing is not briefing:
            return _AS_LOADED(briefing)
        if entry.digest is None:
            entry = dataclasses.replace(entry, digest=_AS_LOADED(briefing))
            self._entries[briefing.content_path] = entry
        return entry.digest

    def retain(self, paths: list[Path]) -> None:
        """Forget files that are gone."""
        for path in self._entries.keys() - set(paths):
            del self._entries[path]
            self.changes += 1

    def settled(self) -> dict[Path, Settled]:
        """The files whose stamps vouch for what was loaded from them, with those stamps, what
        was loaded and its digest if one was asked for: what a later process may trust
        (`adopt`)."""
        return {
            path: (entry.stamps, entry.loaded, entry.digest)
            for path, entry in self._entries.items()
            if entry.settled
        }

    def adopt(self, config: SiteConfig, settled: Mapping[Path, Settled]) -> None:
        """Trust what an earlier process loaded with this config (`settled`), as if loaded here:
        each file is still read again as soon as its stamps moved."""
        self._config = config
        self._entries = {
            path: _Remembered(loaded, stamps, True, digest)
            for path, (stamps, loaded, digest) in settled.items()
        }
        self.adopted, self.changes = True, 0


#: The digest of a briefing as loaded (`LoadMemo.digest`): unsalted, the same in every process,
#: so that one process can keep it for the next.
_AS_LOADED = Digester(b"")

#: How long before being read a file must have been left untouched for its times to vouch for
#: its bytes: more than the coarsest file-system clock (FAT's two seconds).
SETTLED_NS = 3_000_000_000

#: What identifies one state of a file without reading it: device, inode, size, modification
#: and change times (None: missing).
Stamp = tuple[int, int, int, int, int] | None


#: A file a later process may trust: its stamps and its article's, what was loaded from them,
#: and the briefing's digest (`LoadMemo.digest`), if any.
Settled = tuple[tuple[Stamp, Stamp], LoadedFile, str | None]


@dataclass(frozen=True, slots=True)
class _Remembered:
    """A loaded content file, the stamps of it and its article, whether they were settled
    (untouched for `SETTLED_NS`) when read, and the briefing's digest once asked for."""

    loaded: LoadedFile
    stamps: tuple[Stamp, Stamp]
    settled: bool
    digest: str | None = None


def _stamps(path: Path, loaded: LoadedFile) -> tuple[Stamp, Stamp]:
    assert loaded.briefing is not None
    return file_stamp(path), file_stamp(loaded.briefing.article_path)


def file_stamp(path: str | Path) -> Stamp:
    """The file's `Stamp` now."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def _settled(stamps: tuple[Stamp, Stamp], read_at: int) -> bool:
    """Whether neither file was touched within `SETTLED_NS` before `read_at`."""
    return all(
        stamp is not None and max(stamp[3], stamp[4]) < read_at - SETTLED_NS for stamp in stamps
    )


def load_briefings(
    config: SiteConfig, *, drafts: bool = False, memo: LoadMemo | None = None
) -> tuple[list[Briefing], list[Problem]]:
    """Every valid briefing of the site, in file-name order, and every problem found.

    Drafts are left out unless `drafts`. The briefings of files with errors are left out too;
    the caller decides, from the errors among the problems, whether the build can go on.
    `memo`, kept across builds (by `serve`), skips re-reading files that did not change.
    """
    files, problems = _content_files(config)
    if memo is not None:
        memo.retain(files)
    known = {path: memo.known(path, config) for path in files} if memo is not None else {}
    read_at = time.time_ns()
    read = _load_files([path for path in files if known.get(path) is None], config)
    included: list[LoadedFile] = []
    for path in files:
        loaded = known.get(path)
        if loaded is None:
            loaded = memo.remember(path, read[path], read_at) if memo is not None else read[path]
        if loaded.draft and not drafts:
            problems += [dataclasses.replace(p, severity="warning") for p in loaded.problems]
            continue
        problems += loaded.problems
        included.append(loaded)
    unique, collisions = _without_collisions(included)
    problems += collisions
    return [loaded.briefing for loaded in unique if loaded.briefing is not None], problems


def _load_files(paths: list[Path], config: SiteConfig) -> dict[Path, LoadedFile]:
    """Each of `paths` loaded, in two processes when there are many: reading and checking
    5,000 files took a clean build a second on one core."""
    if len(paths) >= PARALLEL_LOADS and cores() >= 2 and can_fork():
        loaded = in_two_processes(lambda i: _load_file(paths[i], config), len(paths))
    else:
        loaded = [_load_file(path, config) for path in paths]
    return dict(zip(paths, loaded, strict=True))


#: Below this many files to read, a second process costs more than it saves.
PARALLEL_LOADS = 300


# What the forked worker of `_load_files` hands back.
pickled_as_fields(
    LoadedFile, Position, Problem, Briefing, Actor, Mention, DatedEvent, KeyFact, Quote
)


def slugify(text: str) -> str:
    """`text` as a safe slug: accents dropped, lower-case, runs of other characters as `-`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9_-]+", "-", ascii_text.lower())
    slug = re.sub(r"-{2,}", "-", slug)[:MAX_SLUG_LENGTH].strip("-_")
    if not slug:
        return "briefing"
    return f"{slug}-briefing" if slug in WINDOWS_RESERVED_NAMES else slug


def slug_trouble(slug: str) -> str | None:
    """Why `slug` cannot name an output folder, or None when it can."""
    if not slug:
        return "is empty"
    if any(char in slug for char in "/\\%\0") or slug.startswith(".") or ".." in slug:
        return f"`{slug}` could lead outside the output folder"
    if slug.split(".")[0].lower() in WINDOWS_RESERVED_NAMES:
        return f"`{slug}` is a reserved file name on Windows"
    if len(slug) > MAX_SLUG_LENGTH:
        return f"is longer than {MAX_SLUG_LENGTH} characters"
    if _SAFE_SLUG.fullmatch(slug) is None:
        return f"`{slug}` may only use lower-case letters a-z, digits, `-` and `_`"
    return None


def _content_files(config: SiteConfig) -> tuple[list[Path], list[Problem]]:
    """The briefing files, by name; dot-files (editor backups, macOS `._x.yaml`) are skipped."""
    folder = config.content_dir
    if not folder.is_dir():
        hint = "create content/ with one YAML file per briefing"
        return [], [warning("content/", "no content/ folder: the site has no briefings", hint=hint)]
    with os.scandir(folder) as entries:  # d_type answers is_file(): no stat per file
        files = [
            Path(entry.path)
            for entry in entries
            if os.path.splitext(entry.name)[1].lower() in (".yaml", ".yml")
            and not entry.name.startswith(".")
            and entry.is_file()
        ]
    return sorted(files, key=lambda path: path.name), []


def _load_file(path: Path, config: SiteConfig) -> LoadedFile:
    shown = path.relative_to(config.root)
    document, problems = read_yaml(path, shown)
    if document is None:
        return LoadedFile(shown, None, problems, False, Position(1, 1))
    fields = Fields(document, (), problems)
    fields.check_keys(CONTENT_KEYS)
    draft = fields.flag("draft", False)
    briefing = _briefing(fields, path, config, draft)
    problems.sort(key=lambda problem: (problem.line or 0, problem.column or 0))
    return LoadedFile(shown, briefing, problems, draft, document.position(("slug",), key=True))


def _briefing(fields: Fields, path: Path, config: SiteConfig, draft: bool) -> Briefing | None:
    """The briefing the fields describe; None when any of them (or its article) is wrong.

    Every field is read before deciding, so that all of a file's problems are reported.
    """
    slug = _slug(fields, path.stem)
    title = fields.text("title") if fields.require("title", "What happened") else ""
    published = _published(fields)
    lang = fields.language("lang", config.language)
    source, url, summary = fields.text("source"), fields.http_url("url"), fields.text("summary")
    tags, exclude_actors = fields.text_list("tags"), fields.text_list("exclude_actors")
    key_facts, actors, dates = _key_facts(fields), _actors(fields), _dates(fields)
    extract = fields.flag("extract", True)
    article = _article(fields, config, slug)
    if slug is None or published is None or article is None or errors_in(fields.problems):
        return None
    article_path, article_text, article_format = article
    return Briefing(
        slug=slug,
        title=title,
        published=published,
        lang=lang,
        article_text=article_text,
        article_format=article_format,
        content_path=path,
        article_path=article_path,
        source=source,
        url=url,
        tags=tags,
        summary=summary,
        key_facts=key_facts,
        actors=actors,
        dates=dates,
        exclude_actors=exclude_actors,
        draft=draft,
        extract=extract,
    )


def _slug(fields: Fields, stem: str) -> str | None:
    """The briefing's slug: `slug:` if it is safe, else the file name, slugified if it must be."""
    if fields.has("slug"):
        slug = fields.text("slug")
        trouble = slug_trouble(slug)
        if trouble is None:
            return slug
        fields.report("slug", trouble, f"use a slug like `{slugify(slug)}`")
        return None
    if slug_trouble(stem) is None:
        return stem
    slug = slugify(stem)
    message = f"the file name `{stem}` is not a safe URL name, so the slug is `{slug}`"
    fields.report(None, message, "set `slug:` to choose another", severity="warning")
    return slug


def _published(fields: Fields) -> Published | None:
    """The publication date: a day, or a date and time (with its zone when one is written)."""
    if not fields.require("published", "2021-12-29"):
        return None
    value = fields.value("published")
    if isinstance(value, datetime.date):
        return value
    hint = ""
    if isinstance(value, str):
        try:
            return parse_timestamp(value)
        except ValueError as reason:
            hint = str(reason)
    fields.report(
        "published", f"expected a date like 2021-12-29, got {fields.got('published')}", hint
    )
    return None


def _article(
    fields: Fields, config: SiteConfig, slug: str | None
) -> tuple[Path, str, ArticleFormat] | None:
    """The article's path, text and format: `article:`, or else `seeds/<slug>.txt` or `.md`."""
    if fields.has("article"):
        written = fields.text("article")
        return _read_article(fields, config, [written], "article") if written else None
    if slug is None:
        return None
    candidates = [f"seeds/{slug}{suffix}" for suffix in DEFAULT_ARTICLE_SUFFIXES]
    return _read_article(fields, config, candidates, None)


def _read_article(
    fields: Fields, config: SiteConfig, candidates: list[str], key: str | None
) -> tuple[Path, str, ArticleFormat] | None:
    """The first of `candidates` that exists, read; problems are reported at `key`."""
    for written in candidates:
        shown = Path(os.path.normpath(written))
        if shown.is_absolute() or shown.parts[:1] == ("..",):
            hint = "articles live in the project folder, e.g. in seeds/"
            fields.report(key, f"`{written}` is outside the project folder", hint)
            return None
        article_format = ARTICLE_FORMATS.get(shown.suffix.lower())
        if article_format is None:
            hint = "articles are plain text (.txt) or Markdown (.md)"
            fields.report(key, f"`{written}` is not a .txt or .md file", hint)
            return None
        path = config.root / shown
        if path.is_file():
            text, problems = read_text_file(path, shown)
            fields.problems.extend(problems)
            return None if text is None else (path, text, article_format)
    tried = ", ".join(candidates)
    hint = "paths are relative to the project folder" if key else "add it, or set `article:`"
    fields.report(key, f"article not found: tried {tried}", hint)
    return None


def _key_facts(fields: Fields) -> tuple[KeyFact, ...]:
    return tuple(KeyFact(text, curated=True) for text in fields.text_list("key_facts"))


def _actors(fields: Fields) -> tuple[Actor, ...]:
    actors = []
    for entry in fields.entries("actors"):
        entry.check_keys(ACTOR_KEYS)
        name = entry.text("name") if entry.require("name", "Emmanuel Macron") else ""
        kind = entry.choice("kind", _ACTOR_KINDS) if entry.require("kind", "person") else None
        role, aliases = entry.text("role"), entry.text_list("aliases")
        if name and kind:
            actors.append(Actor(name, kind, role, aliases, curated=True))
    return tuple(actors)


def _dates(fields: Fields) -> tuple[DatedEvent, ...]:
    dates = []
    for entry in fields.entries("dates"):
        entry.check_keys(DATE_KEYS)
        when = _date_value(entry) if entry.require("date", "2022-01-10") else None
        event = entry.text("event") if entry.require("event", "what happened that day") else ""
        if when and event:
            dates.append(DatedEvent(when[0], when[1], event, curated=True))
    return tuple(dates)


def _date_value(entry: Fields) -> tuple[str, DateKind] | None:
    """A curated date as an ISO 8601 value: `2022-01-10`, `2022-01`, `2014` or a date-time."""
    value = entry.value("date")
    hint = ""
    if isinstance(value, str) and not _YEAR.fullmatch(value) and not _MONTH.fullmatch(value):
        try:
            value = parse_timestamp(value)
        except ValueError as reason:
            hint = str(reason)
    if isinstance(value, datetime.datetime):
        return _iso_moment(value), "time"
    if isinstance(value, datetime.date):
        return value.isoformat(), "date"
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999:
        return f"{value:04d}", "date"
    if isinstance(value, str) and _YEAR.fullmatch(value):
        return value, "date"
    month = _MONTH.fullmatch(value) if isinstance(value, str) else None
    if month:
        if 1 <= int(month[2]) <= 12:
            return f"{month[1]}-{int(month[2]):02d}", "date"
        hint = "month must be in 1..12"
    entry.report("date", f"{_DATE_EXPECTED}, got {entry.got('date')}", hint)
    return None


def _iso_moment(moment: datetime.datetime) -> str:
    """A date-time in ISO 8601, to the minute unless it has seconds: `2021-12-29T15:30-05:00`."""
    exact = moment.second or moment.microsecond
    return moment.isoformat(timespec="seconds" if exact else "minutes")


def _without_collisions(loaded: list[LoadedFile]) -> tuple[list[LoadedFile], list[Problem]]:
    """The files whose slugs are free, and an error for each one that takes a slug already taken.

    Slugs are compared case-insensitively: on macOS and Windows `Gaza` and `gaza` are one folder.
    """
    owners: dict[str, LoadedFile] = {}
    problems = []
    for item in loaded:
        if item.briefing is None:
            continue
        slug = item.briefing.slug
        owner = owners.setdefault(slug.casefold(), item)
        if owner is item:
            continue
        where = item.slug_position
        message = (
            f"slug `{slug}` is already the slug of {owner.shown}: "
            f"both would be written to briefings/{slug}/"
        )
        hint = "give one of them another `slug:`"
        problems.append(Problem(item.shown, message, where.line, where.column, hint))
    return list(owners.values()), problems
