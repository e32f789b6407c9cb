"""The extraction cache and the worker pool change speed, never a byte of the output."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from trees import file_tree

from briefgen import assemble as assemble_module
from briefgen import build as build_module
from briefgen import cache as cache_module
from briefgen import load as load_module
from briefgen import render as render_module
from briefgen import write as write_module
from briefgen.build import SiteBuilder, build, build_in_memory, extract_all
from briefgen.cache import (
    CACHE_DIR,
    CAST,
    EXTRACTIONS,
    LOADED,
    READINGS,
    SEARCH_INDEX,
    SPARE_SITE,
    ExtractionCache,
    extraction_key,
    read_load_memo,
)
from briefgen.config import load_config
from briefgen.errors import BuildFailed
from briefgen.extract import extract
from briefgen.fingerprint import Digester
from briefgen.load import load_briefings
from briefgen.model import Briefing, SiteConfig

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
    kept = (root / CACHE_DIR / EXTRACTIONS).read_text().splitlines()
    assert len(kept) == len(ARTICLES), "the first build kept every extraction"
    build(_config(root, "warm"))
    uncached = build_in_memory(_config(root, "memory")).files
    assert file_tree(root / "cold") == file_tree(root / "warm")
    assert {k: v for k, v in file_tree(root / "warm").items() if k != ".briefgen-site"} == dict(
        uncached
    )


def test_a_corrupt_or_hostile_cache_entry_is_a_miss(make_site: MakeSite) -> None:
    root = _project(make_site)
    build(_config(root))
    for entry in (root / CACHE_DIR).glob("*.json*"):
        entry.write_bytes(b"\x80\x04cos\nsystem\n(S'touch pwned'\ntR.")  # a pickle payload
    before = file_tree(root / "_site")
    build(_config(root))
    assert file_tree(root / "_site") == before
    assert not (root / "pwned").exists() and not Path("pwned").exists()
    kept = (root / CACHE_DIR / EXTRACTIONS).read_text().splitlines()
    assert len(kept) == len(ARTICLES), "a kept file that holds nothing usable is written again"


def test_the_old_extraction_of_an_edited_article_leaves_the_cache(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(make_site)
    monkeypatch.setattr(cache_module, "REWRITE_SLACK", 0)  # kept files follow every edit

    def entries() -> set[str]:
        lines = (root / CACHE_DIR / EXTRACTIONS).read_text().splitlines()
        return {line.partition("\t")[0] for line in lines}

    first, after = _before_and_after_an_article_edit(root, entries)
    assert len(first) == len(after) == len(ARTICLES)
    assert len(first & after) == len(ARTICLES) - 1, "only the edited article's entry changed"


def test_an_edited_article_s_extraction_is_appended_and_never_made_again(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(make_site)
    kept = root / CACHE_DIR / EXTRACTIONS

    def entries() -> set[str]:
        return {kept.read_text()}

    (first,), (after,) = _before_and_after_an_article_edit(root, entries)
    assert after.startswith(first), "one edit of three articles leaves the kept lines as they were"
    assert len(after.splitlines()) == len(ARTICLES) + 1, "and appends the new extraction"
    fresh = dict(build_in_memory(_config(root)).files)
    built = file_tree(root / "_site")
    assert {name: data for name, data in built.items() if name != ".briefgen-site"} == fresh

    @contextlib.contextmanager
    def extract_nothing(jobs: list[object]) -> Iterator[list[object]]:
        assert not jobs, "every extraction is in the kept file"
        yield []

    monkeypatch.setattr(build_module, "_extracting", extract_nothing)
    (root / "content" / "geneva.yaml").write_text("title: Talks\npublished: 2021-12-29\n")
    build(_config(root))
    previewed = dict(SiteBuilder(lambda: _config(root)).build().files)
    built = file_tree(root / "_site")
    assert {name: data for name, data in built.items() if name != ".briefgen-site"} == previewed


def test_an_append_cut_short_costs_one_extraction(make_site: MakeSite) -> None:
    root = _project(make_site)
    kept = root / CACHE_DIR / EXTRACTIONS
    build(_config(root))
    lines = kept.read_text().splitlines(keepends=True)
    kept.write_text("".join(lines[:-1]) + lines[-1][:40])  # an interrupted append
    (root / "content" / "geneva.yaml").write_text("title: Talks\npublished: 2021-12-29\n")
    build(_config(root))
    healed = kept.read_text().splitlines(keepends=True)
    assert healed[: len(lines) - 1] == lines[:-1]
    assert healed[-1] == lines[-1], "the damaged line's extraction made again, on a line of its own"
    assert file_tree(root / "_site") == file_tree(_clean_build(root))


def test_a_damaged_kept_extraction_is_made_again(make_site: MakeSite) -> None:
    root = _project(make_site)
    kept = root / CACHE_DIR / EXTRACTIONS
    build(_config(root))
    lines = kept.read_text().splitlines(keepends=True)
    key = lines[0].partition("\t")[0]
    kept.write_text("".join([f'{key}\t{{"actors": 7}}\n', *lines[1:]]))
    (root / "content" / "geneva.yaml").write_text("title: Talks\npublished: 2021-12-29\n")
    build(_config(root))
    assert kept.read_text().splitlines(keepends=True)[-1] == lines[0], "made again, appended"
    assert file_tree(root / "_site") == file_tree(_clean_build(root))


def test_an_earlier_briefgen_s_extraction_files_are_removed(make_site: MakeSite) -> None:
    root = _project(make_site)
    earlier = root / CACHE_DIR / "extract" / "ab" / f"{'ab' * 32}.json"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("{}")
    build(_config(root))
    assert not earlier.parent.parent.exists()
    assert (root / CACHE_DIR / EXTRACTIONS).is_file()


def _before_and_after_an_article_edit(
    root: Path, entries: Callable[[], set[str]]
) -> tuple[set[str], set[str]]:
    """`entries()` after a build, and again after an edit of one article and another build."""
    build(_config(root))
    first = entries()
    (root / "seeds" / "vienna.txt").write_text("The OSCE met in Vienna on Monday.\n")
    build(_config(root))
    return first, entries()


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
    cache = ExtractionCache(tmp_path)
    cache.put("k" * 64, fresh)
    cache.retain({"k" * 64})
    cache.save()
    key, _, entry = (tmp_path / EXTRACTIONS).read_text().partition("\t")
    assert key == "k" * 64 and json.loads(entry)  # plain JSON, readable by anyone
    assert ExtractionCache(tmp_path).get("k" * 64) == fresh


def test_the_worker_pool_gives_the_same_extractions_in_order(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(make_site)
    briefings, _ = load_briefings(_config(root))
    caches = {name: ExtractionCache(root / name) for name in ("serial", "pooled")}
    serial = extract_all(briefings, caches["serial"])
    monkeypatch.setattr(build_module, "POOL_THRESHOLD", 1)
    pooled = extract_all(briefings, caches["pooled"])
    assert pooled == serial
    for cache in caches.values():
        cache.save()
    kept = {name: (root / name / EXTRACTIONS).read_text() for name in caches}
    assert kept["pooled"] == kept["serial"], "the workers' JSON is the cache's, byte for byte"


def _dying_extraction(job: object) -> str:
    """An extraction job whose worker ends, as one the system killed would (found by name)."""
    os._exit(1)


class _RefusedPool:
    """A process pool the system will not start."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")


class _RefusedFork:
    """A forked helper the system will not start."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")


@pytest.mark.parametrize("workers", ["a pool", "a forked helper"])
@pytest.mark.parametrize("trouble", ["a worker dies", "no worker starts"])
def test_extractions_the_workers_leave_are_made_here(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, trouble: str, workers: str
) -> None:
    root = _project(make_site)
    briefings, _ = load_briefings(_config(root))
    serial = extract_all(briefings, ExtractionCache())
    if workers == "a pool":
        monkeypatch.setattr(build_module, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(build_module, "cores", lambda: 2)
    if trouble == "a worker dies":
        monkeypatch.setattr(build_module, "_extract_job", _dying_extraction)
    elif workers == "a pool":
        monkeypatch.setattr(build_module, "ProcessPoolExecutor", _RefusedPool)
    else:
        monkeypatch.setattr(build_module, "Forked", _RefusedFork)
    assert extract_all(briefings, ExtractionCache()) == serial


def test_an_edited_article_is_extracted_by_a_helper_while_the_kept_ones_are_read(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(make_site)
    build(_config(root))
    (root / "seeds" / "vienna.txt").write_text("The OSCE met in Vienna on Monday.\n")
    briefings, _ = load_briefings(_config(root))
    serial = extract_all(briefings, ExtractionCache())
    kept = ExtractionCache(root / CACHE_DIR)
    started: list[int] = []

    class Helper(build_module.Forked[list[str]]):
        def __init__(self, task: Callable[[], list[str]]) -> None:
            started.append(len(kept._unread or ()))  # the kept lines not read yet
            super().__init__(task)

    monkeypatch.setattr(build_module, "cores", lambda: 2)
    monkeypatch.setattr(build_module, "Forked", Helper)
    assert extract_all(briefings, kept) == serial
    assert started == [len(ARTICLES)], "one helper, started before any kept line was read"


def test_a_rebuild_rereads_an_edited_article(make_site: MakeSite) -> None:
    root = _project(make_site)
    builder = SiteBuilder(lambda: _config(root))
    first = builder.build()
    (root / "seeds" / "vienna.txt").write_text("Talks in Warsaw with Donald Tusk.\n")
    second = builder.build()
    page = "briefings/vienna/index.html"
    assert b"Warsaw" in second.files[page] and b"Warsaw" not in first.files[page]
    assert dict(second.files) == dict(build_in_memory(_config(root)).files)


# --- A rebuild keeps the output files whose inputs did not change ------------------------------


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*.html")}


def _without_marker(tree: Mapping[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in tree.items() if name != ".briefgen-site"}


def test_a_rebuild_without_change_rewrites_no_page(make_site: MakeSite) -> None:
    root = _project(make_site)
    first = build(_config(root))
    before, inodes = file_tree(root / "_site"), _inodes(root / "_site")
    second = build(_config(root))
    assert first.unchanged == 0 and second.unchanged >= second.pages
    assert file_tree(root / "_site") == before
    assert _inodes(root / "_site") == inodes, "every page is the very file written before"


def test_a_rebuild_after_an_edit_equals_a_clean_build(make_site: MakeSite) -> None:
    root = _project(make_site)
    build(_config(root))
    inodes = _inodes(root / "_site")
    (root / "content" / "vienna.yaml").write_text(
        "title: Vienna talks\npublished: 2021-12-29\nlang: en\ntags: [osce]\n"
    )
    report = build(_config(root))
    assert file_tree(root / "_site") == file_tree(_clean_build(root))
    after = _inodes(root / "_site")
    assert after["briefings/vienna/index.html"] != inodes["briefings/vienna/index.html"]
    assert after["index.html"] != inodes["index.html"], "the index lists the new title"
    assert after["briefings/geneva/index.html"] == inodes["briefings/geneva/index.html"]
    assert 0 < report.unchanged < report.files


@pytest.mark.parametrize("processes", [1, 2])
def test_a_rebuild_after_an_edit_writes_only_the_files_whose_bytes_changed(
    make_site: MakeSite, processes: int
) -> None:
    """The files made whole on every build (the theme's assets, `robots.txt`, the search
    index's shards) stay the previous output's very files when their bytes are the same, as
    pages whose inputs did not change do: a deploy that compares files by their times sends
    only what changed. In two processes, the search index is made by a forked one."""
    root = _project(make_site)
    output = root / ("_site" if processes == 1 else "parallel")

    def rebuild() -> None:
        if processes == 1:
            build(_config(root))
            return
        script = [sys.executable, "-c", PARALLEL_BUILD, str(root), "forked"]
        subprocess.run(script, capture_output=True, check=True)

    rebuild()
    before, inodes = file_tree(output), _all_inodes(output)
    (root / "content" / "vienna.yaml").write_text(
        "title: Vienna talks\npublished: 2021-12-29\nlang: en\ntags: [osce]\n"
    )
    rebuild()
    after, now = file_tree(output), _all_inodes(output)
    made_whole = [
        name
        for name, data in after.items()
        if before.get(name) == data
        and (name == "robots.txt" or name.startswith(("static/", "search/")))
    ]
    assert "robots.txt" in made_whole
    assert [name for name in made_whole if name.startswith("static/")]
    assert [name for name in made_whole if name.startswith("search/")]
    rewritten = [name for name in made_whole if now[name] != inodes[name]]
    assert rewritten == [], "files written again with the very bytes they had"


def _all_inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*")}


def _clean_build(root: Path) -> Path:
    """The project built from scratch, without any cache, into a folder of its own."""
    built = build_in_memory(_config(root, "clean"))
    folder = root / "clean"
    for name, data in built.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / ".briefgen-site").write_bytes((root / "_site" / ".briefgen-site").read_bytes())
    return folder


def test_an_output_file_changed_by_hand_is_made_again(make_site: MakeSite) -> None:
    root = _project(make_site)
    build(_config(root))
    expected = file_tree(root / "_site")
    (root / "_site" / "briefings" / "geneva" / "index.html").write_text("edited by hand")
    (root / "_site" / "index.html").unlink()
    build(_config(root))
    assert file_tree(root / "_site") == expected


def test_a_theme_edit_remakes_every_page(make_site: MakeSite) -> None:
    root = _project(make_site)
    build(_config(root))
    make_site({"themes/default/static/site.css": "body { color: black }\n"})
    report = build(_config(root))
    assert report.unchanged == 0


def test_a_build_that_makes_every_file_anew_links_nothing_of_the_output(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a theme edit nothing of the output stays: a rebuild without a spare has no
    mirror made, whose every link the build would only replace."""
    monkeypatch.setattr(write_module, "can_fork", lambda: True)
    root = _project(make_site)
    build(_config(root))
    mirrors = _first_arguments(monkeypatch, write_module, "_start_mirror")
    make_site({"themes/default/static/site.css": "body { color: black }\n"})
    assert build(_config(root)).unchanged == 0
    assert mirrors == []
    assert _without_marker(file_tree(root / "_site")) == _without_marker(
        file_tree(_clean_build(root))
    )
    (root / "content" / "geneva.yaml").write_text("title: Geneva\npublished: 2021-12-29\n")
    shutil.rmtree(root / CACHE_DIR / SPARE_SITE)
    assert build(_config(root)).unchanged > 0
    assert mirrors == [root / "_site"], "an edit with the same theme has it mirrored"


def test_a_build_that_fails_on_its_theme_keeps_its_extractions(make_site: MakeSite) -> None:
    root = _project(make_site)
    make_site({"themes/default/templates/index.html": "ok\n{% if %}\n"})
    with pytest.raises(BuildFailed):
        build(_config(root))
    kept = (root / CACHE_DIR / EXTRACTIONS).read_text().splitlines()
    assert len(kept) == len(ARTICLES), "the extraction work is not lost with the build"


def test_the_warnings_of_an_unchanged_page_are_given_again(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/unsafe.yaml": "title: Unsafe\npublished: 2021-12-29\narticle: seeds/x.md\n",
            "seeds/x.md": "Talks in Geneva.\n\n<script>alert(1)</script>\n",
        }
    )
    first = build(_config(root))
    second = build(_config(root))
    assert second.unchanged > 0
    assert [str(w) for w in second.warnings] == [str(w) for w in first.warnings]
    assert any("unsafe" in str(w) for w in second.warnings)


def test_hostile_output_records_are_ignored(make_site: MakeSite) -> None:
    root = _project(make_site)
    build(_config(root))
    expected = file_tree(root / "_site")
    records = root / CACHE_DIR / "output.json"
    for hostile in (b"\x80\x04cos\nsystem\n(S'touch pwned'\ntR.", b'{"output": 1}', b"[]"):
        records.write_bytes(hostile)
        report = build(_config(root))
        assert report.unchanged == 0
        assert file_tree(root / "_site") == expected
    assert not (root / "pwned").exists()


def test_records_hold_from_one_process_to_the_next(make_site: MakeSite) -> None:
    """Digests must not depend on the process (string hashing is salted per process)."""
    root = _project(make_site)
    for seed in ("1", "2"):
        finished = subprocess.run(
            [sys.executable, "-m", "briefgen", "build"],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
    summary = re.search(r"(\d+) pages \(\d+ files, (\d+) unchanged\)", finished.stdout)
    assert summary, finished.stdout
    pages, unchanged = map(int, summary.groups())
    assert unchanged >= pages, "every page of the first process kept by the second"


#: A build rendering in two processes, run in a fresh interpreter: forking is only done (and only
#: safe) with one thread, and a test session may have others running. With "fail", the process
#: forked to make the search index fails; with "no-temporary-file", it cannot be started; with
#: "rebuild", the build is made, a title edited, and the build made again, keeping the rest.
PARALLEL_BUILD = """
import sys
from pathlib import Path
from briefgen import build as build_module, load, render
from briefgen.build import build
from briefgen.config import load_config
render.PARALLEL_PAGES, render.cores = 1, lambda: 2  # fork even for a small site, on any machine
build_module.POOL_THRESHOLD, build_module.cores = 1, lambda: 2
load.PARALLEL_LOADS, load.cores = 1, lambda: 2
from briefgen import cache
cache.REWRITE_SLACK = 0  # every kept file written again when anything in it changed
shared, forked = [], []
def counted(*args, **kwargs):
    shared.append(args[1])
    return in_two_processes(*args, **kwargs)
in_two_processes = render.in_two_processes
render.in_two_processes = build_module.in_two_processes = load.in_two_processes = counted
def forking(task):
    forked.append(task)
    return Forked(task)
Forked, render.Forked = render.Forked, forking
if sys.argv[2] == "fail":
    render.Renderer._search_to = lambda *args: 1 / 0
if sys.argv[2] == "no-temporary-file":
    import briefgen.workers
    def refused(*args, **kwargs):
        raise OSError(28, "No space left on device")
    briefgen.workers.tempfile.TemporaryFile = refused
root = Path(sys.argv[1])
config = load_config(root / "briefgen.yaml", output=root / "parallel")[0]
if sys.argv[2] == "rebuild":
    build(config)
    edited = root / "content" / "geneva.yaml"
    edited.write_text(edited.read_text().replace("Geneva talks", "Geneva talks resume"))
    shared.clear(); forked.clear()
report = build(config)
print(shared, report.unchanged, len(forked))
"""


@pytest.mark.parametrize(
    "search", ["forked", "fail", "no-temporary-file", "from scratch", "rebuild"]
)
def test_building_in_two_processes_gives_the_same_site(make_site: MakeSite, search: str) -> None:
    """Made in forked processes, a fresh render spreads its pages over helpers one at a time,
    a rebuild over one helper (`Renderer._outcomes`): either way, the same site."""
    root = _project(make_site)
    serial = build(_config(root, "serial"))
    (root / CACHE_DIR / READINGS).unlink()
    (root / CACHE_DIR / LOADED).unlink()
    if search == "from scratch":  # no kept index to bring up to date
        (root / CACHE_DIR / SEARCH_INDEX).unlink()
    (root / "content" / "geneva.yaml").write_text("title: Geneva talks\npublished: 2021-12-29\n")
    finished = subprocess.run(
        [sys.executable, "-c", PARALLEL_BUILD, str(root), search],
        capture_output=True,
        text=True,
        check=True,
    )
    shared, unchanged, forked = finished.stdout.strip().rsplit(" ", 2)
    briefings = len(ARTICLES)
    if search == "rebuild":
        assert shared.endswith(f", {serial.pages}]"), "every page went through it"
        assert int(unchanged) > serial.pages // 2, "most of the output kept"
    else:
        assert shared == f"[{briefings}, {briefings}, {serial.pages}]", (
            "every file to load, reading and page went through it"
        )
        assert unchanged == "0"
    assert forked == "1", "the search index was made by a process of its own"
    fresh = root.parent / "fresh"  # the edited project, built from scratch
    fresh.mkdir()
    for name in ("briefgen.yaml", "content", "seeds"):
        (shutil.copytree if (root / name).is_dir() else shutil.copy)(root / name, fresh / name)
    build(_config(fresh))
    assert file_tree(root / "parallel") == file_tree(fresh / "_site")
    roots = (root, fresh)
    index, fresh_index = (json.loads((r / CACHE_DIR / SEARCH_INDEX).read_text()) for r in roots)
    assert index == fresh_index, "the parallel build kept the index a fresh one makes"
    # Readings are kept under digests of their briefings' files, whose paths differ here.
    readings = [
        sorted(map(json.dumps, json.loads((r / CACHE_DIR / READINGS).read_text()).values()))
        for r in roots
    ]
    assert readings[0] == readings[1], "and the readings"


#: A preview's first build, in a fresh interpreter with no thread (as `serve` makes it, before
#: its threads start), forking even for a small site; a second build, still without threads;
#: then a third once a thread runs. It writes the first build's files under argv[2] and prints
#: what went through the helpers by the end of the first and the second build, the pages the
#: third rendered, and whether it gave the same site.
PARALLEL_PREVIEW = """
import json, sys, threading
from pathlib import Path
from briefgen import build as build_module, load, render
from briefgen.build import SiteBuilder
from briefgen.config import load_config
render.PARALLEL_PAGES, render.cores = 1, lambda: 2
build_module.POOL_THRESHOLD, build_module.cores = 1, lambda: 2
load.PARALLEL_LOADS, load.cores = 1, lambda: 2
shared = []
def counted(*args, **kwargs):
    shared.append(args[1])
    return in_two_processes(*args, **kwargs)
in_two_processes = render.in_two_processes
render.in_two_processes = build_module.in_two_processes = load.in_two_processes = counted
root, out = Path(sys.argv[1]), Path(sys.argv[2])
builder = SiteBuilder(lambda: load_config(root / "briefgen.yaml")[0])
first = builder.build()
after_first = list(shared)
builder.build()
threading.Thread(target=threading.Event().wait, daemon=True).start()
rendered = []
real = render.Renderer._render_page
def noted(renderer, page, *rest):
    rendered.append(page.path)
    return real(renderer, page, *rest)
render.Renderer._render_page = noted
second = builder.build()
for name, data in first.files.items():
    (out / name).parent.mkdir(parents=True, exist_ok=True)
    (out / name).write_bytes(data)
print(json.dumps([after_first, shared, rendered, dict(second.files) == dict(first.files)]))
"""


def test_a_preview_s_first_build_shares_its_pages_with_helpers_and_remembers_them(
    make_site: MakeSite,
) -> None:
    """Before its threads start, a preview's first build forks as a build does (its helpers hand
    the pages back); what they made is remembered, so no later build makes it again, nor shares
    pages it would only hand back."""
    root = _project(make_site)
    out = root.parent / "previewed"
    finished = subprocess.run(
        [sys.executable, "-c", PARALLEL_PREVIEW, str(root), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    shared, later, rendered, same = json.loads(finished.stdout)
    serial = build_in_memory(_config(root, "serial"))
    assert shared == [len(ARTICLES), len(ARTICLES), serial.report.pages], (
        "every file to load, reading and page of the first build went through them"
    )
    assert file_tree(out) == dict(serial.files)
    assert serial.report.pages not in later[len(shared) :], "nor did the second build"
    assert rendered == [] and same, "the third took every page from memory"


def test_a_render_that_forks_nothing_makes_the_search_documents_once(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a forked search process is handed documents made ahead: a preview's render, or a
    small site's, makes them once, for the index it makes itself."""
    root = _project(make_site)
    made = _first_arguments(monkeypatch, render_module, "site_documents")
    SiteBuilder(lambda: _config(root)).build()
    assert len(made) == 1
    build(_config(root, "small"))
    assert len(made) == 2


def test_a_build_leaves_the_cycle_collector_as_it_found_it(make_site: MakeSite) -> None:
    """The render collects its pages' garbage with what came before frozen (`render`); a
    program that builds must get its collector back as it was, nothing left frozen."""
    root = _project(make_site)
    before = (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())
    build(_config(root))
    assert (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()) == before


def test_a_rebuild_with_nothing_changed_writes_nothing(make_site: MakeSite) -> None:
    root = _project(make_site)
    first = build(_config(root))
    marker = (root / "_site" / ".briefgen-site").stat()
    second = build(_config(root))
    again = (root / "_site" / ".briefgen-site").stat()
    assert (again.st_ino, again.st_mtime_ns) == (marker.st_ino, marker.st_mtime_ns)
    assert (second.pages, second.files) == (first.pages, first.files)
    assert second.unchanged == second.files


def test_a_file_added_to_the_output_by_hand_is_removed(make_site: MakeSite) -> None:
    root = _project(make_site)
    build(_config(root))
    expected = file_tree(root / "_site")
    (root / "_site" / "stray.html").write_text("not briefgen's")
    build(_config(root))
    assert file_tree(root / "_site") == expected


def test_a_new_picture_for_an_actor_is_copied(make_site: MakeSite) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    root = _project(make_site)
    make_site(
        {
            "actors.yaml": "actors:\n- name: Jens Stoltenberg\n  kind: person\n"
            "  image: images/js.png\n",
            "images/js.png": png,
        }
    )
    build(_config(root))
    (root / "images" / "js.png").write_bytes(png + b"\1")
    build(_config(root))
    pictures = [p for p in (root / "_site").rglob("*.png")]
    assert [p.read_bytes() for p in pictures] == [png + b"\1"]


def test_readings_are_kept_for_the_briefings_that_did_not_change(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "REWRITE_SLACK", 0)  # rewritten at the first stale one
    root = _project(make_site)

    def kept() -> set[str]:
        return set(json.loads((root / CACHE_DIR / READINGS).read_text()))

    first, after = _before_and_after_an_article_edit(root, kept)
    assert len(first) == len(after) == len(ARTICLES)
    assert len(first & after) == len(ARTICLES) - 1, "only the edited briefing's reading changed"
    assert file_tree(root / "_site") == file_tree(_clean_build(root))


def test_damaged_readings_are_worked_out_again(make_site: MakeSite) -> None:
    root = _project(make_site)
    build(_config(root))
    path = root / CACHE_DIR / READINGS
    kept = json.loads(path.read_text())
    damages = [
        [[], [[5, "yes", "a sentence"]]],  # not a naming
        [[[0, 1]], []],  # namings short
        [[[99]], [[None, False, ""]]],  # an actor the briefing lacks
        [[], [["5", True, "a sentence"]], "more"],
        "reading",
    ]
    path.write_text(json.dumps(dict(zip(kept, damages, strict=False))))
    (root / "content" / "geneva.yaml").write_text("title: Geneva talks\npublished: 2021-12-29\n")
    build(_config(root))
    assert file_tree(root / "_site") == file_tree(_clean_build(root))


def test_a_damaged_search_index_is_made_again(make_site: MakeSite) -> None:
    root = _project(make_site)
    build(_config(root))
    path = root / CACHE_DIR / SEARCH_INDEX
    kept = json.loads(path.read_text())
    damages = [
        {**kept, "words": kept["words"][1:]},  # a column short
        {**kept, "postings": {**kept["postings"], "talks": 7}},
        {**kept, "paths": None},
        [kept],
    ]
    for damage in damages:
        path.write_text(json.dumps(damage))
        (root / "content" / "geneva.yaml").write_text(
            f"title: Geneva talks {damages.index(damage)}\npublished: 2021-12-29\n"
        )
        build(_config(root))
        assert file_tree(root / "_site") == file_tree(_clean_build(root))


def test_who_is_who_is_worked_out_again_only_when_names_change(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(make_site)
    build(_config(root))
    geneva = root / "content" / "geneva.yaml"

    def worked_out_again(content: str) -> bool:
        """Whether a build after `content` is written to geneva.yaml works out who is who."""
        calls = _first_arguments(monkeypatch, assemble_module, "identify_actors")
        geneva.write_text(content)
        build(_config(root))
        monkeypatch.undo()
        assert file_tree(root / "_site") == file_tree(_clean_build(root))
        return bool(calls)

    dated = "published: 2021-12-29\n"
    assert not worked_out_again(f"title: Geneva talks\n{dated}"), "a title changes no name"
    sherman = "actors:\n  - {name: Wendy Sherman, kind: person}\n"
    assert worked_out_again(f"title: Geneva talks\n{dated}{sherman}"), "a new actor"
    path = root / CACHE_DIR / CAST
    kept = json.loads(path.read_text())
    damages = [
        {**kept, "refs": [[slug, name, "alien"] for slug, name, _ in kept["refs"]]},
        {
            **kept,
            "identities": [[i, [str(m) for m in members]] for i, members in kept["identities"]],
        },
        {**kept, "identities": kept["identities"][1:]},
        {**kept, "key": None},
    ]
    for number, damage in enumerate(damages):
        path.write_text(json.dumps(damage))
        assert worked_out_again(f"title: Geneva talks {number}\n{dated}{sherman}")


RICH_BRIEFING = (
    "slug: biden-putin-call\n"
    "title: Biden and Putin to talk\n"
    "published: 2021-12-29 15:30:00-05:00\n"
    "lang: fr\n"
    "source: Reuters\n"
    "tags: [Russia, Ukraine]\n"
    "key_facts:\n  - The call is on Thursday.\n"
    "actors:\n  - {name: Joe Biden, kind: person, role: President, aliases: [Biden]}\n"
    "dates:\n  - {date: 2022-01-10, event: Geneva talks}\n"
    "  - {date: 2021-12-30 15:30:00-05:00, event: The call}\n"
    "exclude_actors: [Reuters]\n"
    "colour: blue\n"  # an unknown key: a warning, given again from the kept load
)


def _settled_project(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project with one more, richer briefing, its files looking long settled."""
    root = _project(make_site)
    (root / "content" / "call.yaml").write_text(RICH_BRIEFING)
    (root / "seeds" / "biden-putin-call.txt").write_text("Joe Biden will speak with Putin.\n")
    real = time.time_ns
    monkeypatch.setattr(time, "time_ns", lambda: real() + 60_000_000_000)
    return root


def _parsed_files(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    return _first_arguments(monkeypatch, load_module, "_load_file")


def _first_arguments(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[object]:
    """The first argument of each call of `module.name` from now on (which still does its work)."""
    calls: list[object] = []
    real = getattr(module, name)

    def noted(first: object, *rest: object) -> object:
        calls.append(first)
        return real(first, *rest)

    monkeypatch.setattr(module, name, noted)
    return calls


def test_what_a_build_loaded_is_trusted_by_the_next_process(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _settled_project(make_site, monkeypatch)
    config = _config(root)
    build(config)
    fresh = load_briefings(config)
    parsed = _parsed_files(monkeypatch)
    kept = load_briefings(config, memo=read_load_memo(root / CACHE_DIR, config))
    assert parsed == [], "no content file read again"
    assert kept == fresh
    assert len(kept[1]) == 1 and kept[1] == fresh[1], "the warning of the unknown key, again"
    digest = Digester(b"")
    assert [digest(b) for b in kept[0]] == [digest(b) for b in fresh[0]], "digests hold too"
    (root / "seeds" / "otan.txt").write_text("La Russie et l'OTAN se parlent.\n")
    load_briefings(config, memo=read_load_memo(root / CACHE_DIR, config))
    assert parsed == [root / "content" / "otan.yaml"], "only the briefing whose article moved"


def test_a_rebuild_hashes_only_the_briefings_whose_files_changed(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _settled_project(make_site, monkeypatch)
    build(_config(root))
    hashed: list[str] = []
    real = Digester.__call__

    def spying(self: Digester, value: object) -> str | None:
        if isinstance(value, Briefing):
            hashed.append(value.slug)
        return real(self, value)

    monkeypatch.setattr(Digester, "__call__", spying)
    build(_config(root))
    assert hashed == [], "nothing changed: every briefing's digest kept with its file"
    (root / "seeds" / "otan.txt").write_text("La Russie et l'OTAN se parlent.\n")
    report = build(_config(root))
    assert hashed == ["otan"] and report.unchanged < report.files
    assert file_tree(root / "_site") == file_tree(_clean_build(root))


def test_a_kept_load_is_not_trusted_with_another_config(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _settled_project(make_site, monkeypatch)
    build(_config(root))
    parsed = _parsed_files(monkeypatch)
    other = dataclasses.replace(_config(root), language="fr")
    load_briefings(other, memo=read_load_memo(root / CACHE_DIR, other))
    assert len(parsed) == len(ARTICLES) + 1


def test_kept_files_are_rewritten_only_when_many_of_their_entries_are_stale(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _settled_project(make_site, monkeypatch)
    kept = [root / CACHE_DIR / name for name in (LOADED, SEARCH_INDEX, READINGS)]
    build(_config(root))
    written = [path.stat().st_mtime_ns for path in kept]
    words = json.loads(kept[1].read_text())["words"]
    assert len(words) >= len(ARTICLES) + 1, "every document's words, actors' and tags' too"

    (root / "content" / "geneva.yaml").write_text("title: Geneva talks\npublished: 2021-12-29\n")
    build(_config(root))
    assert [path.stat().st_mtime_ns for path in kept] == written, "one stale entry each: kept"
    assert file_tree(root / "_site") == file_tree(_clean_build(root))

    monkeypatch.setattr(cache_module, "REWRITE_SLACK", 0)
    (root / "content" / "vienna.yaml").write_text("title: Vienna talks\npublished: 2021-12-29\n")
    build(_config(root))
    rewritten = [path.stat().st_mtime_ns for path in kept]
    assert all(after != before for after, before in zip(rewritten, written, strict=True))
    assert json.loads(kept[1].read_text())["words"] != words
    assert file_tree(root / "_site") == file_tree(_clean_build(root))


# --- A preview starts from what the last build left ---------------------------------------------


def _rendered_pages(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The pages rendered from now on (each still rendered)."""
    rendered: list[object] = []
    real = render_module.Renderer._render_page

    def noted(renderer: render_module.Renderer, page: render_module.Page, *rest: object) -> object:
        rendered.append(page.path)
        return real(renderer, page, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(render_module.Renderer, "_render_page", noted)
    return rendered


def test_an_event_added_to_one_year_leaves_the_timeline_pages_of_the_others_as_they_were(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The years' counts are on the timeline's front page only: on every period's page, an
    article's edit made all of them anew (700 pages at 5,000 briefings)."""
    root = _project(make_site)
    (root / "content" / "kyiv.yaml").write_text("title: Kyiv\npublished: 2022-01-03\n")
    kyiv = root / "seeds" / "kyiv.txt"
    kyiv.write_text("Talks resume in Kyiv on January 20.\n")
    build(_config(root))
    front, year_2021 = (root / "_site" / "timeline" / p for p in ("index.html", "2021/index.html"))
    assert b'2022 <span class="period-count">3</span>' in front.read_bytes()
    kyiv.write_text("Talks resume in Kyiv on January 20. A summit follows on February 4.\n")
    rendered = _rendered_pages(monkeypatch)
    build(_config(root))
    assert {"timeline/index.html", "timeline/2022/index.html"} <= set(rendered)
    assert "timeline/2021/index.html" not in rendered
    assert b'2022 <span class="period-count">4</span>' in front.read_bytes()
    assert b"period-count" not in year_2021.read_bytes().split(b"timeline-periods")[1]
    assert file_tree(root / "_site") == file_tree(_clean_build(root))


def test_a_preview_after_a_build_renders_no_page_of_its_first_site(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It reads the build's files (at 5,000 briefings: open in 7 s, not 27), the same bytes."""
    root = _project(make_site)
    build(_config(root))
    rendered = _rendered_pages(monkeypatch)
    previewed = SiteBuilder(lambda: _config(root)).build()
    assert rendered == []
    assert _without_marker(file_tree(root / "_site")) == dict(previewed.files)


def test_a_preview_that_opens_on_an_error_starts_from_the_build_once_it_is_fixed(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(make_site)
    build(_config(root))
    source = root / "content" / "geneva.yaml"
    good = source.read_text()
    source.write_text("title: [unclosed\n")
    builder = SiteBuilder(lambda: _config(root))
    with pytest.raises(BuildFailed):
        builder.build()
    source.write_text(good)
    rendered = _rendered_pages(monkeypatch)
    assert dict(builder.build().files) == _without_marker(file_tree(root / "_site"))
    assert rendered == []


def test_a_preview_renders_what_changed_since_the_last_build(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(make_site)
    build(_config(root))
    (root / "content" / "vienna.yaml").write_text("title: Vienna talks\npublished: 2021-12-29\n")
    rendered = _rendered_pages(monkeypatch)
    previewed = SiteBuilder(lambda: _config(root)).build()
    assert "briefings/vienna/index.html" in rendered and "index.html" in rendered
    assert "briefings/geneva/index.html" not in rendered
    monkeypatch.undo()
    assert dict(previewed.files) == dict(build_in_memory(_config(root, "fresh")).files)


def test_a_preview_never_takes_an_output_file_touched_since_the_build(
    make_site: MakeSite,
) -> None:
    """Each file is checked as it is read (inode, size, time): one edited, replaced or removed,
    even while the preview starts, is made again."""
    root = _project(make_site)
    build(_config(root))
    site = root / "_site"
    (site / "briefings" / "geneva" / "index.html").write_text("edited by hand")
    (site / "index.html").unlink()
    previous = cache_module.read_previous_build(root / CACHE_DIR, site)
    assert previous.read(site, "briefings/vienna/index.html") is not None
    replaced = site / "briefings" / "vienna" / "index.html"
    replaced.with_name("new.html").write_bytes(replaced.read_bytes())
    replaced.with_name("new.html").replace(replaced)  # as a build running meanwhile would
    assert previous.read(site, "briefings/vienna/index.html") is None
    previewed = SiteBuilder(lambda: _config(root)).build()
    assert dict(previewed.files) == dict(build_in_memory(_config(root, "fresh")).files)


def test_a_preview_holds_its_site_without_the_output_after_its_first_build(
    make_site: MakeSite,
) -> None:
    root = _project(make_site)
    build(_config(root))
    builder = SiteBuilder(lambda: _config(root))
    builder.build()
    shutil.rmtree(root / "_site")
    (root / "content" / "otan.yaml").write_text("title: OTAN\npublished: 2021-12-30\nlang: fr\n")
    second = builder.build()
    assert dict(second.files) == dict(build_in_memory(_config(root, "fresh")).files)


@pytest.mark.parametrize("before", ["no build", "a build with another config"])
def test_a_preview_with_nothing_to_take_makes_every_page_without_digesting_it(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, before: str
) -> None:
    root = _project(make_site)
    if before != "no build":
        build(_config(root))
        (root / "briefgen.yaml").write_text("title: Another title\n")
    rendered = _rendered_pages(monkeypatch)
    compared = _first_arguments(monkeypatch, render_module, "OutputReuse")
    previewed = SiteBuilder(lambda: _config(root)).build()
    assert len(rendered) == previewed.report.pages
    assert compared == [], "no record could match: no file's inputs digested"
    assert (root / "_site").exists() == (before != "no build"), "a preview writes no output"
