"""What one build keeps for the next in `.briefgen-cache/`: extractions, the briefings' readings,
what it loaded from settled files, the search index, output records, and the site
the last build replaced (`SPARE_SITE`, see `write.StagedSite`).

Extraction is the costly per-briefing step and a pure function of the article text, its language
and its publication date, so its result can be kept under a hash of exactly those inputs. The key
also covers briefgen's version and a fingerprint of the extractor's own files, so an upgraded or
edited extractor never serves stale results. Entries are JSON, never pickle: a cache directory
that arrives with a cloned repository is data, and loading it must not run code. A corrupt or
foreign entry is treated as a miss. Deleting the directory is always safe.

The output records say which inputs each file of the last build's output was made from, so that
the next build keeps the files whose inputs did not change (see `render.Renderer`). The other
kept files save work the next build would otherwise redo; each is written again only when more
than a few of its entries are stale (`_worth_rewriting`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import hashlib
import itertools
import json
import os
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.assemble import CastRecord, Naming, Reading
from briefgen.errors import Problem
from briefgen.extract.langdata import base_language
from briefgen.fingerprint import Digester, OutputRecord, code_fingerprint
from briefgen.kept import Kept
from briefgen.load import LoadedFile, LoadMemo, Settled, Stamp
from briefgen.model import (
    ACTOR_KINDS,
    DATE_KINDS,
    Actor,
    Briefing,
    DatedEvent,
    Extraction,
    KeyFact,
    Mention,
    Published,
    Quote,
    SiteConfig,
)
from briefgen.search import SearchState
from briefgen.write import MARKER
from briefgen.yamlfile import Position

CACHE_DIR = ".briefgen-cache"
#: Where, in the cache folder, a build leaves the site it replaced, for the next to update.
SPARE_SITE = "spare-site"


def extraction_key(text: str, lang: str, published: Published) -> str:
    """The hash that names one extraction: same inputs and same extractor, same key."""
    digest = hashlib.sha256(code_fingerprint(Path(__file__).parent / "extract").encode())
    digest.update(f"\0{lang}\0{published.isoformat()}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _extraction_key_of(briefing: Briefing) -> str:
    lang = base_language(briefing.lang)
    return extraction_key(briefing.article_text, lang, briefing.published)


#: The kept extractions (`ExtractionCache`): a line for each, its key, a tab, and its JSON.
EXTRACTIONS = "extractions.jsonl"
#: Where an earlier briefgen kept each extraction in a file of its own.
_EXTRACTION_FILES = "extract"


class ExtractionCache:
    """Extractions by key; kept in memory, and on disk in `folder` when one is given.

    On disk they are one file, a line each, read once and parsed line by line as they are asked
    for: a file per extraction cost a clean build of 5,000 briefings 5,000 file creations, each
    waiting on the file system's journal. Extractions made since the file was read are
    appended to it (`save`): extracting again would cost the next process more than the article
    (the date grammar is compiled on a process's first extraction, a quarter of a second). The
    file is written again only when more than a few of its lines are no longer needed
    (`_worth_rewriting`), or when it holds none of those that are.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._memory: dict[str, Extraction] = {}
        self._texts: dict[str, str] = {}  # extractions as JSON a worker handed, until saved
        self._keys: Kept[str] = Kept()
        self._retained: set[str] | None = None
        self._unread: dict[str, bytes] | None = None  # lines of the file not asked for yet
        self._on_disk: set[str] = set()  # the keys the file holds
        self._torn = False  # whether the file ends in the middle of a line

    def key_of(self, briefing: Briefing) -> str:
        """The key of the briefing's extraction ("" for a briefing not to extract), remembered
        for the same object: a preview's loader gives the same objects for unchanged files, and
        hashing every article again would cost a tenth of a second at 10,000 briefings."""
        if not briefing.extract:
            return ""
        return self._keys.get((briefing,), functools.partial(_extraction_key_of, briefing))

    def holds(self, key: str) -> bool:
        """Whether an extraction is kept under `key` (read from the file on `get`, where a
        damaged line is found missing after all)."""
        return key in self._memory or (self._folder is not None and key in self._lines())

    def get(self, key: str) -> Extraction | None:
        found = self._memory.get(key)
        if found is None and self._folder is not None:
            line = self._lines().pop(key, None)
            found = _extraction_from_line(line) if line is not None else None
            if found is not None:
                self._memory[key] = found
            elif line is not None:
                self._on_disk.discard(key)  # damaged: to be written again
        return found

    def put(self, key: str, extraction: Extraction) -> None:
        self._memory[key] = extraction

    def put_json(self, key: str, text: str) -> Extraction:
        """Keep the extraction written as `text` (`extraction_json`, by a worker process, say),
        and the text itself for `save` to write as it is."""
        extraction = extraction_from_json(json.loads(text))
        self._memory[key] = extraction
        self._texts[key] = text
        return extraction

    def retain(self, keys: set[str]) -> None:
        """Forget in-memory entries not in `keys`, and the keys of briefings not asked about
        since the last call (a long preview must not grow without end)."""
        for key in self._memory.keys() - keys:
            del self._memory[key]
        for key in self._texts.keys() - keys:
            del self._texts[key]
        self._keys.sweep()
        self._retained = keys

    def save(self) -> None:
        """Keep the extractions of the last `retain` on disk for the next process: those the
        file lacks are appended to it; it is written again with them alone when it holds none
        of them, or when more than a few of its lines are no longer needed (each edit of an
        article leaves its old extraction behind, and an archive edited every day would
        otherwise grow without end)."""
        if self._folder is None or self._retained is None:
            return
        self._lines()
        path = self._folder / EXTRACTIONS
        kept = self._retained & self._memory.keys()
        missing, unused = kept - self._on_disk, self._on_disk - kept
        if self._on_disk & kept and not _worth_rewriting(len(unused), len(kept)):
            if missing and _append_text(path, "\n" * self._torn + self._as_lines(sorted(missing))):
                self._on_disk |= missing
                self._torn = False
        elif missing or unused:
            if _write_text(path, self._as_lines(sorted(kept))):
                self._on_disk, self._torn = kept, False
            shutil.rmtree(self._folder / _EXTRACTION_FILES, ignore_errors=True)
        self._texts.clear()  # written, or not to be: a preview need not hold them

    def _as_lines(self, keys: Iterable[str]) -> str:
        return "".join(
            f"{key}\t{self._texts.get(key) or extraction_json(self._memory[key])}\n" for key in keys
        )

    def _lines(self) -> dict[str, bytes]:
        """The file's lines not asked for yet, by key (read on first use)."""
        if self._unread is None:
            assert self._folder is not None
            try:
                data = (self._folder / EXTRACTIONS).read_bytes()
            except OSError:
                data = b""
            self._unread = {}
            self._torn = not data.endswith(b"\n") and bool(data)
            for line in data.splitlines():
                key, _, entry = line.partition(b"\t")
                self._unread[key.decode("ascii", "replace")] = entry
            self._on_disk = set(self._unread)
        return self._unread


def _extraction_from_line(line: bytes) -> Extraction | None:
    """The extraction of one line of the kept file, or None when the line is damaged."""
    try:
        return extraction_from_json(json.loads(line))
    except (ValueError, TypeError, KeyError):
        return None


def _append_text(path: Path, text: str) -> bool:
    """Add `text` at the end of the file at `path`; whether it was written. An append cut short
    leaves a damaged last line, which a reader takes for a missing entry."""
    try:
        with path.open("a", encoding="utf-8") as file:
            file.write(text)
    except OSError:
        return False
    return True


def _write_json(path: Path, data: object) -> None:
    _write_text(path, json.dumps(data))


def _write_text(path: Path, text: str) -> bool:
    """Write through a temporary file and rename, so a reader never sees half a file; whether
    it was written (a read-only or full disk costs speed, never the build)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError:
        return False
    return True


def _read_kept(path: Path) -> dict[str, Any] | None:
    """The JSON object at `path` if this very briefgen wrote it (`_write_kept`), else None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and data.get("code") == code_fingerprint(Path(__file__).parent):
        return data
    return None


def _write_kept(path: Path, value: SearchState | CastRecord) -> bool:
    """Write the fields of `value` as a JSON object marked with briefgen's code fingerprint
    (`_read_kept`); whether it was written."""
    fields = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    data = {"code": code_fingerprint(Path(__file__).parent), **fields}
    return _write_text(path, json.dumps(data))


def extraction_json(extraction: Extraction) -> str:
    """An extraction as the JSON text of a line of the kept file."""
    return json.dumps(extraction_to_json(extraction))


def extraction_to_json(extraction: Extraction) -> dict[str, Any]:
    """Plain JSON data for an extraction."""
    return {
        "actors": [_actor_to_json(a) for a in extraction.actors],
        "dates": [_date_to_json(d) for d in extraction.dates],
        "key_facts": [[f.text, f.start, f.end] for f in extraction.key_facts],
        "quotes": [_quote_to_json(q) for q in extraction.quotes],
    }


def extraction_from_json(data: dict[str, Any]) -> Extraction:
    """The extraction `extraction_to_json` wrote; malformed data raises ValueError/TypeError.

    Names, kinds and roles are interned: a site holds thousands of extractions that repeat the
    same few hundred of them, and a string read from JSON is a new copy each time.
    """
    return Extraction(
        actors=tuple(map(_actor_from_json, data["actors"])),
        dates=tuple(map(_date_from_json, data["dates"])),
        key_facts=tuple(KeyFact(str(t), s, e) for t, s, e in data["key_facts"]),
        quotes=tuple(map(_quote_from_json, data["quotes"])),
    )


def _actor_to_json(actor: Actor) -> list[Any]:
    mentions = [[m.start, m.end, m.text] for m in actor.mentions]
    return [actor.name, actor.kind, actor.role, list(actor.aliases), mentions]


def _actor_from_json(data: Any, curated: bool = False) -> Actor:
    name, kind, role, aliases, mentions = data
    if kind not in ACTOR_KINDS:
        raise ValueError(f"unknown actor kind {kind!r}")
    return Actor(
        _word(name),
        kind,
        _word(role),
        tuple(map(_word, aliases)),
        tuple(Mention(int(s), int(e), _word(t)) for s, e, t in mentions),
        curated,
    )


def _date_to_json(date: DatedEvent) -> list[Any]:
    return [date.value, date.kind, date.event, date.text, date.start, date.end]


def _date_from_json(data: Any, curated: bool = False) -> DatedEvent:
    value, kind, event, text, start, end = data
    if kind not in DATE_KINDS:
        raise ValueError(f"unknown date kind {kind!r}")
    return DatedEvent(_word(value), kind, str(event), str(text), start, end, curated)


def _quote_to_json(quote: Quote) -> list[Any]:
    return [quote.text, quote.speaker, quote.start, quote.end]


def _quote_from_json(data: Any) -> Quote:
    text, speaker, start, end = data
    return Quote(str(text), _word(speaker), int(start), int(end))


#: A string read from JSON as a shared one (see `extraction_from_json`); anything but a string
#: raises TypeError, so a damaged entry is a miss.
_word = sys.intern


#: The readings of the last build's briefings (`ReadingCache`).
READINGS = "readings.json"


class ReadingCache:
    """The `assemble.Reading` of each briefing of the last build, kept under the digest of what
    the briefing is made from (`build.briefing_sources`, salted with briefgen's code), in one
    JSON file rewritten when the site's briefings change. A reading costs more to work out than
    to read back; a damaged entry is left out (worked out again)."""

    def __init__(self, folder: Path) -> None:
        self._path = folder / READINGS
        self._found: dict[str, list[Any]] = {}

    def read(self, sources: Mapping[str, str]) -> dict[str, Reading]:
        """The kept reading of each briefing, by slug, from each one's source digest."""
        try:
            kept = json.loads(self._path.read_text(encoding="utf-8"))
            self._found = kept if isinstance(kept, dict) else {}
        except (OSError, ValueError):
            self._found = {}
        readings = {}
        for slug, source in sources.items():
            entry = self._found.get(source)
            reading = _reading_from_json(entry) if entry is not None else None
            if reading is not None:
                readings[slug] = reading
        return readings

    def write(self, sources: Mapping[str, str], readings: Mapping[str, Reading]) -> None:
        """Keep these readings (by slug, under `sources[slug]`) for the next build, and only
        these; unless all but a few are the ones read (see `_worth_rewriting`)."""
        kept = [slug for slug in readings if slug in sources]
        stale = sum(1 for slug in kept if sources[slug] not in self._found)
        if self._found and not _worth_rewriting(stale, len(kept)):
            return
        entries = {sources[slug]: _reading_to_json(readings[slug]) for slug in kept}
        _write_json(self._path, entries)
        self._found = entries


def _reading_to_json(reading: Reading) -> list[Any]:
    namings = [[n.first, n.mentioned, n.sentence] for n in reading.namings]
    return [list(map(list, reading.involved)), namings]


def _reading_from_json(data: Any) -> Reading | None:
    """The reading `_reading_to_json` wrote, or None when `data` is not one."""
    try:
        involved, namings = data
        events = tuple(tuple(indices) for indices in involved)
        if not all(type(i) is int for indices in events for i in indices):
            return None
        found = tuple(Naming(first, mentioned, sentence) for first, mentioned, sentence in namings)
        if not all(_is_naming(naming) for naming in found):
            return None
        return Reading(events, found)
    except (TypeError, ValueError):
        return None


def _is_naming(naming: Naming) -> bool:
    return (
        (naming.first is None or type(naming.first) is int)
        and type(naming.mentioned) is bool
        and type(naming.sentence) is str
    )


#: Who was who in the last build (`assemble.CastRecord`).
CAST = "cast.json"


class CastCache:
    """Who was who in the last build (`assemble.CastRecord`), in one JSON file with briefgen's
    code fingerprint, written again only when it changed. The next build takes it back when
    nobody's names changed (the record's key says so), where working it out again was a
    quarter of assembling a site."""

    def __init__(self, folder: Path) -> None:
        self._path = folder / CAST
        self._key = ""

    def read(self) -> CastRecord | None:
        """The kept record, if this briefgen kept one and it is whole."""
        data = _read_kept(self._path)
        try:
            record = _cast_from_json(data) if data is not None else None
        except (ValueError, TypeError, KeyError):
            record = None
        self._key = record.key if record is not None else ""
        return record

    def write(self, record: CastRecord) -> None:
        """Keep `record` for the next build, unless it is the one kept already."""
        if record.key == self._key:
            return
        if _write_kept(self._path, record):
            self._key = record.key


def _cast_from_json(data: dict[str, Any]) -> CastRecord:
    """The record `CastCache.write` wrote; TypeError or ValueError when it is not whole (it may
    still not hold together: `assemble` checks that)."""
    identities = tuple((index, tuple(members)) for index, members in data["identities"])
    refs = tuple((slug, name, kind) for slug, name, kind in data["refs"])
    companions = tuple(
        tuple((other, count) for other, count in pairs) for pairs in data["companions"]
    )
    numbers = itertools.chain(
        (index for index, _ in identities),
        (member for _, members in identities for member in members),
        (number for pairs in companions for pair in pairs for number in pair),
    )
    if not all(type(number) is int for number in numbers):
        raise TypeError("not a number")
    if type(data["key"]) is not str or not all(type(s) is str for r in refs for s in r[:2]):
        raise TypeError("not text")
    if not all(kind in ACTOR_KINDS for _, _, kind in refs):
        raise ValueError("not an actor kind")
    return CastRecord(data["key"], identities, refs, companions)


#: Where the last build's search index was (`search.SearchState`).
SEARCH_INDEX = "search-index.json"
#: What an earlier briefgen kept instead: the words alone.
_SEARCH_WORDS = "search-words.json"

#: How many entries a kept file may lack before it is written again (see `_worth_rewriting`).
REWRITE_SLACK = 32


def _worth_rewriting(stale: int, total: int) -> bool:
    """Whether to write a kept file again, now that `stale` of its `total` entries would have to
    be worked out again by each build: writing it costs about as much as working out thousands
    of them, so a rebuild after a few edits leaves it as it is."""
    return stale > max(REWRITE_SLACK, total // 50)


class SearchCache:
    """Where the last build's search index was (`search.SearchState`: its documents' pages,
    text digests and words, and its postings), in one JSON file with briefgen's code
    fingerprint: the next build finds again only the words of the documents whose text changed,
    and makes again only the postings of the words that came or went."""

    def __init__(self, folder: Path) -> None:
        self._path = folder / SEARCH_INDEX
        self._found = SearchState()

    def read(self) -> SearchState:
        """The kept index, if this briefgen kept one and it is whole; else an empty one."""
        data = _read_kept(self._path)
        try:
            self._found = _search_state_from_json(data) if data is not None else SearchState()
        except (ValueError, TypeError, KeyError):
            self._found = SearchState()
        return self._found

    def write(self, state: SearchState) -> None:
        """Keep `state` for the next build, unless all but a few of its documents are as the
        kept one has them (the next build then brings those few up to date again)."""
        if not state.paths:
            return
        kept = self._found
        if kept.paths == state.paths:
            changed = sum(1 for a, b in zip(kept.digests, state.digests, strict=True) if a != b)
            if not _worth_rewriting(changed, len(state.paths)):
                return
        if _write_kept(self._path, state):
            self._found = state
            with contextlib.suppress(OSError):
                (self._path.parent / _SEARCH_WORDS).unlink()


def _search_state_from_json(data: dict[str, Any]) -> SearchState:
    """The state `SearchCache.write` wrote; TypeError or ValueError when it is not whole."""
    paths, digests, words = (tuple(data[name]) for name in ("paths", "digests", "words"))
    postings = dict(data["postings"])
    if not len(paths) == len(digests) == len(words):
        raise ValueError("columns of different lengths")
    strings = itertools.chain(paths, digests, words, postings, postings.values())
    if not all(type(value) is str for value in strings):
        raise TypeError("not text")
    return SearchState(paths, digests, words, postings)


#: What the last build loaded from the content files whose stamps vouch for it (`LoadMemo`).
LOADED = "loaded.json"


def read_load_memo(folder: Path, config: SiteConfig) -> LoadMemo:
    """A `LoadMemo` that trusts what the last build loaded with this config and this briefgen
    (`write_load_memo`), each file as long as its stamps have not moved; an empty one when
    there is nothing of the kind, or it is damaged."""
    memo = LoadMemo()
    try:
        data = json.loads((folder / LOADED).read_text(encoding="utf-8"))
        if data["config"] != _config_key(config):
            return memo
        memo.adopt(config, {Path(path): _settled_from_json(e) for path, e in data["files"].items()})
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return LoadMemo()
    return memo


def write_load_memo(folder: Path, config: SiteConfig, memo: LoadMemo) -> None:
    """Keep what `memo` may vouch for (`LoadMemo.settled`) for the next build, unless it holds
    what `read_load_memo` gave but for a few files (which the next build reads again)."""
    settled = memo.settled()
    if memo.adopted and not _worth_rewriting(memo.changes, len(settled)):
        return
    files = {
        str(path): [[list(s) if s else None for s in stamps], _loaded_to_json(loaded), digest]
        for path, (stamps, loaded, digest) in settled.items()
    }
    _write_json(folder / LOADED, {"config": _config_key(config), "files": files})


def _config_key(config: SiteConfig) -> str:
    """What a kept load is valid for: this config, and this briefgen (its loader's code)."""
    return Digester(code_fingerprint(Path(__file__).parent).encode())(config) or ""


def _settled_from_json(data: Any) -> Settled:
    (content, article), loaded, digest = data
    stamps = _stamp_from_json(content), _stamp_from_json(article)
    return stamps, _loaded_from_json(loaded), None if digest is None else _text(digest)


def _stamp_from_json(data: Any) -> Stamp:
    if data is None:
        return None
    device, inode, size, modified, changed = map(_integer, data)
    return device, inode, size, modified, changed


def _loaded_to_json(loaded: LoadedFile) -> list[Any]:
    position = loaded.slug_position
    return [
        str(loaded.shown),
        None if loaded.briefing is None else _briefing_to_json(loaded.briefing),
        [_problem_to_json(p) for p in loaded.problems],
        loaded.draft,
        [position.line, position.column],
    ]


def _loaded_from_json(data: Any) -> LoadedFile:
    shown, briefing, problems, draft, (line, column) = data
    return LoadedFile(
        Path(shown),
        None if briefing is None else _briefing_from_json(briefing),
        [_problem_from_json(p) for p in problems],
        _flag(draft),
        Position(_integer(line), _integer(column)),
    )


def _briefing_to_json(b: Briefing) -> list[Any]:
    published = [b.published.isoformat(), isinstance(b.published, datetime.datetime)]
    return [
        *(b.slug, b.title, published, b.lang, b.article_text, b.article_format),
        *(str(b.content_path), str(b.article_path), b.source, b.url, list(b.tags), b.summary),
        [[f.text, f.start, f.end, f.curated] for f in b.key_facts],
        [[*_actor_to_json(a), a.curated] for a in b.actors],
        [[*_date_to_json(d), d.curated] for d in b.dates],
        [_quote_to_json(q) for q in b.quotes],
        *(list(b.exclude_actors), b.draft, b.extract),
    ]


def _briefing_from_json(data: Any) -> Briefing:
    slug, title, (published, moment), lang, text, article_format, *rest = data
    content_path, article_path, source, url, tags, summary, *rest = rest
    key_facts, actors, dates, quotes, excluded, draft, extract = rest
    if article_format not in ("txt", "md"):
        raise ValueError(f"unknown article format {article_format!r}")
    return Briefing(
        slug=_text(slug),
        title=_text(title),
        published=(datetime.datetime if moment else datetime.date).fromisoformat(published),
        lang=_text(lang),
        article_text=_text(text),
        article_format=article_format,
        content_path=Path(content_path),
        article_path=Path(article_path),
        source=_text(source),
        url=_text(url),
        tags=tuple(map(_text, tags)),
        summary=_text(summary),
        key_facts=tuple(KeyFact(_text(t), s, e, _flag(c)) for t, s, e, c in key_facts),
        actors=tuple(_actor_from_json(a[:-1], curated=_flag(a[-1])) for a in actors),
        dates=tuple(_date_from_json(d[:-1], curated=_flag(d[-1])) for d in dates),
        quotes=tuple(map(_quote_from_json, quotes)),
        exclude_actors=tuple(map(_text, excluded)),
        draft=_flag(draft),
        extract=_flag(extract),
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _integer(value: object) -> int:
    if type(value) is not int:
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


#: What the last build wrote, for the next one to keep what did not change (`render.Renderer`).
OUTPUT_RECORDS = "output.json"


@dataclass(frozen=True, slots=True)
class PreviousBuild:
    """What the last build left for this one.

    `records` hold for the files still exactly as it wrote them, and `identities` tell those
    files (`_identity_of`). `inputs` is the digest of everything it made the site from,
    `warnings` those its render stage gave, `names` every file it wrote, `salt` the salt of its
    files' digests (`render.render_salt`, in hex); `is_intact` says whether the output is still
    exactly that site, file for file.
    """

    records: Mapping[str, OutputRecord] = field(default_factory=dict)
    inputs: str = ""
    warnings: tuple[Problem, ...] = ()
    names: tuple[str, ...] = ()
    salt: str = ""
    identities: Mapping[str, list[int]] = field(default_factory=dict)

    def is_intact(self, output: Path) -> bool:
        """Whether every file it wrote is still there as written, and no other (a walk of the
        output: asked only when nothing else changed)."""
        return bool(self.names) and len(self.records) == len(self.names) == _count_files(output)

    def read(self, output: Path, name: str) -> bytes | None:
        """The bytes of `output`'s file `name` (a POSIX path the site has), while it is the
        very file this build wrote; None when it is not, or cannot be read. Checked on the open
        file: a build running meanwhile replaces files, never writes into them."""
        identity = self.identities.get(name)
        if identity is None:
            return None
        try:
            with open(os.path.join(output, name), "rb") as file:
                if _identity(os.fstat(file.fileno())) != identity:
                    return None
                return file.read()
        except OSError:
            return None


def read_previous_build(folder: Path, output: Path) -> PreviousBuild:
    """What the last build into `output` left in the cache `folder`; nothing when it is gone.

    A file is trusted only while it is the very file that build wrote (same inode, size and
    modification time): a file edited, replaced or deleted since, or an output folder swapped
    for another, is made again.
    """
    try:
        data = json.loads((folder / OUTPUT_RECORDS).read_text(encoding="utf-8"))
        if data["output"] != str(output):
            return PreviousBuild()
        records = {}
        identities = {}
        for name, (digest, identity, warnings) in data["files"].items():
            if _identity_of(os.path.join(output, name)) == identity:
                records[name] = OutputRecord(
                    str(digest), tuple(_problem_from_json(w) for w in warnings)
                )
                identities[name] = identity
        names = tuple(map(str, data["files"]))
        warnings = tuple(_problem_from_json(w) for w in data["warnings"])
        salt = str(data["salt"])
        return PreviousBuild(records, str(data["inputs"]), warnings, names, salt, identities)
    except (OSError, ValueError, TypeError, KeyError):
        return PreviousBuild()


def write_previous_build(
    folder: Path,
    output: Path,
    build: PreviousBuild,
) -> None:
    """Keep what this build wrote to `output` for the next one, with the identity of each file."""
    files = {}
    for name in build.names:
        identity = _identity_of(os.path.join(output, name))
        if identity is not None:
            record = build.records.get(name, OutputRecord(""))
            files[name] = [record.digest, identity, [_problem_to_json(w) for w in record.warnings]]
    data = {
        "output": str(output),
        "inputs": build.inputs,
        "salt": build.salt,
        "warnings": [_problem_to_json(w) for w in build.warnings],
        "files": files,
    }
    _write_json(folder / OUTPUT_RECORDS, data)


def _identity_of(path: str) -> list[int] | None:
    """Inode, size and modification time: what changes when anyone touches the file. (A path
    string: a build asks this of every output file twice, and pathlib's objects cost more than
    the stat.)"""
    try:
        return _identity(os.stat(path))
    except OSError:
        return None


def _identity(stat: os.stat_result) -> list[int]:
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]


def _count_files(folder: Path) -> int:
    """The files under `folder`, briefgen's marker aside."""
    return sum(len(files) for _, _, files in os.walk(folder)) - (folder / MARKER).is_file()


def _problem_to_json(problem: Problem) -> list[Any]:
    return [
        str(problem.path),
        isinstance(problem.path, Path),
        problem.message,
        problem.line,
        problem.column,
        problem.hint,
        problem.severity,
    ]


def _problem_from_json(data: list[Any]) -> Problem:
    path, is_path, message, line, column, hint, severity = data
    if severity not in ("error", "warning"):
        raise ValueError(f"unknown severity {severity!r}")
    return Problem(
        Path(path) if is_path else str(path), str(message), line, column, str(hint), severity
    )
