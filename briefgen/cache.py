"""A content-hash cache of extraction results, in memory and in `.briefgen-cache/`.

Extraction is the costly per-briefing step and a pure function of the article text, its language
and its publication date, so its result can be kept under a hash of exactly those inputs. The key
also covers briefgen's version and a fingerprint of the extractor's own files, so an upgraded or
edited extractor never serves stale results. Entries are JSON, never pickle: a cache directory
that arrives with a cloned repository is data, and loading it must not run code. A corrupt or
foreign entry is treated as a miss. Deleting the directory is always safe.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.model import Actor, DatedEvent, Extraction, KeyFact, Mention, Published, Quote

CACHE_DIR = ".briefgen-cache"


@functools.cache
def extractor_fingerprint() -> str:
    """The version and the size/mtime of every file of the extractor, hashed once per process."""
    folder = Path(__file__).parent / "extract"
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml"):
            stat = path.stat()
            digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


def extraction_key(text: str, lang: str, published: Published) -> str:
    """The hash that names one extraction: same inputs and same extractor, same key."""
    digest = hashlib.sha256(extractor_fingerprint().encode())
    digest.update(f"\0{lang}\0{published.isoformat()}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class ExtractionCache:
    """Extractions by key; kept in memory, and on disk under `folder` when one is given."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._memory: dict[str, Extraction] = {}

    def get(self, key: str) -> Extraction | None:
        found = self._memory.get(key)
        if found is None and self._folder is not None:
            found = self._read(key)
            if found is not None:
                self._memory[key] = found
        return found

    def put(self, key: str, extraction: Extraction) -> None:
        self._memory[key] = extraction
        if self._folder is not None:
            self._write(key, extraction)

    def retain(self, keys: set[str]) -> None:
        """Forget in-memory entries not in `keys` (a long preview must not grow without end)."""
        for key in self._memory.keys() - keys:
            del self._memory[key]

    def _path(self, key: str) -> Path:
        assert self._folder is not None
        return self._folder / "extract" / key[:2] / f"{key}.json"

    def _read(self, key: str) -> Extraction | None:
        try:
            return extraction_from_json(json.loads(self._path(key).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def _write(self, key: str, extraction: Extraction) -> None:
        """Write through a temporary file and rename, so a reader never sees half an entry."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(extraction_to_json(extraction)), encoding="utf-8")
            temporary.replace(path)
        except OSError:
            return  # a read-only or full disk costs speed, never the build


def extraction_to_json(extraction: Extraction) -> dict[str, Any]:
    """Plain JSON data for an extraction."""
    return {
        "actors": [
            [a.name, a.kind, a.role, list(a.aliases),
             [[m.start, m.end, m.text] for m in a.mentions]]
            for a in extraction.actors
        ],
        "dates": [[d.value, d.kind, d.event, d.text, d.start, d.end] for d in extraction.dates],
        "key_facts": [[f.text, f.start, f.end] for f in extraction.key_facts],
        "quotes": [[q.text, q.speaker, q.start, q.end] for q in extraction.quotes],
    }


def extraction_from_json(data: dict[str, Any]) -> Extraction:
    """The extraction `extraction_to_json` wrote; malformed data raises ValueError/TypeError."""
    return Extraction(
        actors=tuple(
            Actor(str(name), kind, str(role), tuple(map(str, aliases)),
                  tuple(Mention(int(s), int(e), str(t)) for s, e, t in mentions))
            for name, kind, role, aliases, mentions in data["actors"]
        ),
        dates=tuple(
            DatedEvent(str(value), kind, str(event), str(text), start, end)
            for value, kind, event, text, start, end in data["dates"]
        ),
        key_facts=tuple(KeyFact(str(t), s, e) for t, s, e in data["key_facts"]),
        quotes=tuple(Quote(str(t), str(sp), int(s), int(e)) for t, sp, s, e in data["quotes"]),
    )
