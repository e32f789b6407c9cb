"""The extraction cache and the worker pool change speed, never a byte of the output."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from trees import file_tree

from briefgen import build as build_module
from briefgen.build import SiteBuilder, build, build_in_memory, extract_all
from briefgen.cache import CACHE_DIR, ExtractionCache, extraction_key
from briefgen.config import load_config
from briefgen.extract import extract
from briefgen.load import load_briefings
from briefgen.model import SiteConfig

MakeSite = Callable[[Mapping[str, str | bytes]], Path]

ARTICLES = {
    "geneva": (
        "en",
        "US and Russian officials met in Geneva on Monday, a State Department "
        "spokesperson said. NATO will meet Russia on January 12, Jens Stoltenberg said.",
    ),
    "otan": (
        "fr",
        "Mardi, M. Biden a répondu « nous verrons ». La Russie et l'OTAN doivent tenir "
        "des discussions le 12 janvier, a déclaré Emily Horne, porte-parole.",
    ),
    "vienna": (
        "en",
        "The OSCE met in Vienna last week. Antony Blinken spoke with Volodymyr "
        "Zelenskiy on Wednesday, a spokesperson said.",
    ),
}


def _project(make_site: MakeSite) -> Path:
    files: dict[str, str | bytes] = {}
    for slug, (lang, text) in ARTICLES.items():
        files[f"content/{slug}.yaml"] = f"title: {slug}\npublished: 2021-12-29\nlang: {lang}\n"
        files[f"seeds/{slug}.txt"] = text + "\n"
    return make_site(files)


def _config(root: Path, output: str = "_site") -> SiteConfig:
    return load_config(root / "briefgen.yaml", output=root / output)[0]



def test_a_build_from_a_warm_cache_equals_a_build_without_cache(make_site: MakeSite) -> None:
    root = _project(make_site)
    build(_config(root, "cold"))
    assert any((root / CACHE_DIR).rglob("*.json")), "the first build filled the cache"
    build(_config(root, "warm"))
    uncached = build_in_memory(_config(root, "memory")).files
    assert file_tree(root / "cold") == file_tree(root / "warm")
    assert {k: v for k, v in file_tree(root / "warm").items() if k != ".briefgen-site"} == dict(
        uncached
    )


def test_a_corrupt_or_hostile_cache_entry_is_a_miss(make_site: MakeSite) -> None:
    root = _project(make_site)
    build(_config(root))
    for entry in (root / CACHE_DIR).rglob("*.json"):
        entry.write_bytes(b"\x80\x04cos\nsystem\n(S'touch pwned'\ntR.")  # a pickle payload
    before = file_tree(root / "_site")
    build(_config(root))
    assert file_tree(root / "_site") == before
    assert not (root / "pwned").exists() and not Path("pwned").exists()


def test_the_key_changes_with_text_language_and_date() -> None:
    day = datetime.date(2021, 12, 29)
    keys = {
        extraction_key("Mardi, Biden.", "fr", day),
        extraction_key("Mardi, Biden!", "fr", day),
        extraction_key("Mardi, Biden.", "en", day),
        extraction_key("Mardi, Biden.", "fr", datetime.date(2021, 12, 30)),
    }
    assert len(keys) == 4


def test_cached_entries_round_trip_exactly(tmp_path: Path) -> None:
    text, lang = ARTICLES["otan"][1], "fr"
    day = datetime.date(2021, 12, 29)
    fresh = extract(text, lang, day)
    ExtractionCache(tmp_path).put("k" * 64, fresh)
    entry = next(tmp_path.rglob("*.json"))
    assert json.loads(entry.read_text())  # plain JSON, readable by anyone
    assert ExtractionCache(tmp_path).get("k" * 64) == fresh


def test_the_worker_pool_gives_the_same_extractions_in_order(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(make_site)
    briefings, _ = load_briefings(_config(root))
    serial = extract_all(briefings, ExtractionCache())
    monkeypatch.setattr(build_module, "POOL_THRESHOLD", 1)
    pooled = extract_all(briefings, ExtractionCache())
    assert pooled == serial


def test_a_rebuild_rereads_an_edited_article(make_site: MakeSite) -> None:
    root = _project(make_site)
    builder = SiteBuilder(lambda: _config(root))
    first = builder.build()
    (root / "seeds" / "vienna.txt").write_text("Talks in Warsaw with Donald Tusk.\n")
    second = builder.build()
    page = "briefings/vienna/index.html"
    assert b"Warsaw" in second.files[page] and b"Warsaw" not in first.files[page]
    assert dict(second.files) == dict(build_in_memory(_config(root)).files)
