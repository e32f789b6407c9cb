"""Build one corpus with briefgen and with Pelican, MkDocs and Hugo, and write the results.

    python bench/run.py --n 1000 [--runs 5] [--peers pelican,mkdocs,hugo] [--latency [TOOLS]]
                        [--extraction] [--out bench/RESULTS.md]
    python bench/run.py --n 1000,5000 --runs 3,2 --latency --latency-n 1000 --extraction

For each size in `--n` (comma-separated: `--n 1000,5000`), the runner writes the corpus
(`corpus.py`) under `--corpus-root`, then runs rounds: briefgen (clean output and empty cache;
then a warm rebuild with no change; then a warm rebuild after one briefing's title changed;
then one after a sentence with a date and a person was added to that article's text), Pelican,
MkDocs, Hugo (clean output), in that order, `--runs` times (one number, or one per
size), after `--warmup` unrecorded rounds. Ratios briefgen/peer are taken within each round,
then their median is reported.
`--latency` measures edit → updated page through each tool's preview server; `--extraction`
the words per second of `briefgen.extract.extract` on one core. Failures are reported in the
results, and the exit status is 1 if anything failed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import os
import random
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from corpus import (
    PROJECTS,
    Article,
    extended,
    make_articles,
    manifest,
    retitled,
    write_corpus,
    write_files,
)
from measure import (
    BuildKey,
    ExtractionSpeed,
    Latency,
    Sample,
    SizeResult,
    run_measured,
    stop_process,
)
from report import render_report
from tools import BRIEFGEN, PEERS, TOOLS, Tool, compile_briefgen

POLL_INTERVAL = 0.01
#: Pause before each edit: twice the previous latency (a full rebuild may write the page long
#: before it ends, and an edit made during a rebuild can be lost: Pelican's are), plus a draw in
#: this range, random so that edits do not fall in step with a watcher's polling or batching
#: period (Hugo's is 0.5 s).
SETTLE = (1.0, 1.6)
#: At most this long an extra wait before the first edit (see `_latency_samples`).
FIRST_EDIT_WAIT = 30.0
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# --- builds ------------------------------------------------------------------------------------


def run_builds(
    corpus: Path,
    tools: Sequence[Tool],
    probe: Article,
    rounds: int,
    warmup: int,
    timeout: float,
    trash: Trash,
) -> tuple[tuple[Mapping[BuildKey, Sample], ...], dict[str, int]]:
    """`warmup` unrecorded rounds, then `rounds` recorded ones; the probe article is edited."""
    results = []
    try:
        for index in range(warmup + rounds):
            label = f"warm-up {index + 1}" if index < warmup else f"round {index - warmup + 1}"
            measured = _round(corpus, tools, probe, index, timeout, label, trash)
            if index >= warmup:
                results.append(measured)
    finally:
        rewrite_article(corpus, BRIEFGEN, probe)
    pages = {tool.name: _count_pages(corpus / tool.name / tool.output) for tool in tools}
    return tuple(results), pages


def _round(
    corpus: Path,
    tools: Sequence[Tool],
    probe: Article,
    index: int,
    timeout: float,
    label: str,
    trash: Trash,
) -> dict[BuildKey, Sample]:
    measured: dict[BuildKey, Sample] = {}
    for tool in tools:
        project = corpus / tool.name
        trash.take(project, tool.clean)
        measured[tool.name, "clean"] = _build(tool, project, probe, "", timeout, label)
        if tool is BRIEFGEN:
            measured[tool.name, "warm"] = _build(tool, project, probe, "", timeout, label)
            marker = f"bench-edit-{index}"
            edited = retitled(probe, f"{probe.title} ({marker})")
            rewrite_article(corpus, tool, edited)
            measured[tool.name, "warm-edit"] = _build(tool, project, probe, marker, timeout, label)
            marker = f"bench-text-{index}"
            rewrite_article(corpus, tool, extended(edited, marker))
            measured[tool.name, "warm-text"] = _build(tool, project, probe, marker, timeout, label)
            # As it was: the next round's title edit must change the title alone.
            rewrite_article(corpus, tool, probe)
    return measured


def _build(
    tool: Tool, project: Path, probe: Article, marker: str, timeout: float, label: str
) -> Sample:
    """One timed build; a build that exits 0 without the probe's (updated) page failed too.

    The disk is settled first (`os.sync`): the previous build's files, and the output deleted
    for a clean build, would otherwise be written back while this build runs, slowing it by
    however much the tool before it wrote or the deleted output weighed."""
    os.sync()
    sample = _checked(
        run_measured(tool.command(tool.build), project, timeout), tool, project, probe, marker
    )
    outcome = f"{sample.wall:6.2f} s" if sample.ok else f"FAILED: {sample.error[-300:]}"
    progress(f"{label}: {tool.name}{' edited' if marker else ''}: {outcome}")
    return sample


def _checked(sample: Sample, tool: Tool, project: Path, probe: Article, marker: str) -> Sample:
    if not sample.ok:
        return sample
    page = project / tool.output / page_file(tool.page(probe))
    if not page.is_file():
        return replace(sample, error=f"exit status 0 but no page {page}")
    if marker and marker.encode() not in page.read_bytes():
        return replace(sample, error=f"{page} does not show the edited title ({marker})")
    return sample


def page_file(url_path: str) -> str:
    """The file a URL path is served from: `/a/` → `a/index.html`."""
    relative = url_path.lstrip("/")
    return relative + "index.html" if relative.endswith("/") or not relative else relative


def rewrite_article(corpus: Path, tool: Tool, article: Article) -> None:
    """Write `article` into the tool's project, touching only files whose bytes change."""
    project = corpus / tool.name
    changed = {
        relative: text
        for relative, text in PROJECTS[tool.name].article_files(article).items()
        if not (project / relative).is_file() or (project / relative).read_text() != text
    }
    write_files(project, changed)


class Trash:
    """Where the runner puts what it deletes (a clean build's output and cache, an old corpus)
    until the run is over.

    On a file system like this machine's (ext4 without a journal), making a file skips, one by
    one, the inodes freed in the last minute: right after an output of 6,000 files and folders
    was deleted, each new one cost 0.3–0.8 ms instead of 0.04. Deleting an output just before
    each clean build made every tool pay for it, in proportion to the square of the files it
    writes: briefgen (2,000 folders and 3,800 files at 1,000 briefings) 1 s of its 6 s. Moved
    aside, nothing is freed while anything is measured. Emptied at the end of the run; the next
    run waits out the minute that follows (the folder's time says when it was emptied).
    """

    QUIET = 61.0  # seconds after inodes were freed before the next measurement

    def __init__(self, root: Path) -> None:
        self.root = root
        self._count = 0

    def wait_for_quiet(self) -> None:
        """Wait until the last emptying (by this run or one before) is a minute old."""
        with contextlib.suppress(FileNotFoundError):
            left = self.root.stat().st_mtime + self.QUIET - time.time()
            if left > 0:
                progress(f"waiting {left:.0f} s: inodes freed less than a minute ago")
                time.sleep(left)

    def take(self, project: Path, names: Sequence[str] = ("",)) -> None:
        """Move each of `names` under `project` (or `project` itself) out of the way."""
        self.root.mkdir(parents=True, exist_ok=True)
        for name in names:
            path = project / name
            if path.exists() or path.is_symlink():
                self._count += 1
                path.rename(self.root / f"{os.getpid()}-{self._count}")

    def empty(self) -> None:
        """Delete what was moved aside; the folder stays, its time saying when."""
        if self.root.is_dir():
            for path in self.root.iterdir():
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()


def _count_pages(output: Path) -> int:
    return sum(1 for _ in output.rglob("*.html")) if output.is_dir() else 0


# --- preview latency ---------------------------------------------------------------------------


def measure_latency(
    corpus: Path, tool: Tool, probe: Article, samples: int, timeout: float, trash: Trash
) -> Latency:
    """Start the tool's server, then `samples` times: change the probe's title and poll its page
    until the new title is served; the time runs from just before the write."""
    trash.take(corpus / tool.name, tool.clean)
    try:
        with _serving(corpus, tool, probe) as (url, started, server):
            return _latency_samples(corpus, tool, probe, url, samples, timeout, started, server)
    except OSError as failure:
        return Latency(tool.name, error=f"cannot start: {failure}")
    finally:
        rewrite_article(corpus, tool, probe)


def measure_restart(
    corpus: Path, tool: Tool, probe: Article, timeout: float
) -> tuple[float | None, str]:
    """A build, one edit of the probe's title, then the server: the time from its start to the
    edited page (what a user waits to preview a change to a site built before), or None with
    what went wrong."""
    built = run_measured(tool.command(tool.build), corpus / tool.name, timeout)
    if not built.ok:
        return None, f"build failed: {built.error[-300:]}"
    marker = "bench-restart"
    rewrite_article(corpus, tool, retitled(probe, f"{probe.title} ({marker})"))
    try:
        with _serving(corpus, tool, probe) as (url, started, server):
            if _poll(url, marker.encode(), started + timeout, server):
                return time.perf_counter() - started, ""
            why = "exited" if server.poll() is not None else f"served no edit in {timeout:.0f} s"
            return None, f"server {why} (see {corpus / tool.name}-serve.log)"
    except OSError as failure:
        return None, f"cannot start: {failure}"
    finally:
        rewrite_article(corpus, tool, probe)


@contextlib.contextmanager
def _serving(
    corpus: Path, tool: Tool, probe: Article
) -> Iterator[tuple[str, float, subprocess.Popen[bytes]]]:
    """The tool's preview server on a free port, stopped on exit: the probe's address, the
    time it was started, the process. Its output goes to `<tool>-serve.log`."""
    port = free_port()
    with (corpus / f"{tool.name}-serve.log").open("wb") as log:
        started = time.perf_counter()
        server = subprocess.Popen(
            tool.command(tool.serve, port),
            cwd=corpus / tool.name,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            yield f"http://127.0.0.1:{port}{tool.page(probe)}", started, server
        finally:
            stop_process(server)


def _latency_samples(
    corpus: Path,
    tool: Tool,
    probe: Article,
    url: str,
    samples: int,
    timeout: float,
    started: float,
    server: subprocess.Popen[bytes],
) -> Latency:
    if not _poll(url, b"", started + timeout, server):
        why = "exited" if server.poll() is not None else f"served nothing in {timeout:.0f} s"
        return Latency(tool.name, error=f"server {why} (see {corpus / tool.name}-serve.log)")
    startup = time.perf_counter() - started
    measured: list[float] = []
    pauses = random.Random(f"latency:{tool.name}")
    front_page = urllib.parse.urljoin(url, "/")
    for index in range(samples):
        # A briefgen preview serves the edited page before its rebuild is over; any other page
        # waits for the end of it, and an edit made meanwhile would wait too.
        _poll(front_page, b"", time.perf_counter() + timeout, server)
        # Before the first edit, as long again as the start took: `pelican --autoreload` serves
        # the old output while its first build runs, and watches files only after it.
        waited = measured[-1] * 2 if measured else min(startup, FIRST_EDIT_WAIT)
        time.sleep(pauses.uniform(*SETTLE) + waited)
        marker = f"bench-latency-{index}"
        edit_started = time.perf_counter()
        rewrite_article(corpus, tool, retitled(probe, f"{probe.title} ({marker})"))
        if not _poll(url, marker.encode(), edit_started + timeout, server):
            return Latency(
                tool.name,
                startup,
                tuple(measured),
                error=f"edit {index + 1} not served within {timeout:.0f} s",
            )
        measured.append(time.perf_counter() - edit_started)
    return Latency(tool.name, startup, tuple(measured))


def _poll(url: str, wanted: bytes, deadline: float, server: subprocess.Popen[bytes]) -> bool:
    """Fetch `url` until a 200 response contains `wanted`; False at the deadline or if the
    server exits."""
    while time.perf_counter() < deadline and server.poll() is None:
        try:
            with LOCAL.open(url, timeout=10) as response:
                if wanted in response.read():
                    return True
        except (OSError, http.client.HTTPException):
            pass  # not up yet, rebuilding, or cut off mid-response: ask again
        time.sleep(POLL_INTERVAL)
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- extraction --------------------------------------------------------------------------------


def measure_extraction(articles: Sequence[Article], runs: int) -> ExtractionSpeed:
    """Extraction throughput on one core: every article's text, `runs` times, in this process."""
    words = sum(len(article.body.split()) for article in articles)
    speed = ExtractionSpeed(len(articles), words)
    try:
        from briefgen.extract import extract
    except ImportError as missing:
        return replace(speed, error=f"briefgen.extract is not importable: {missing}")
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        for article in articles:
            try:
                extract(article.body, article.lang, article.yaml_published)
            except Exception as failure:  # a bug in extract is a result to report, not a crash
                return replace(speed, error=f"extract failed on {article.slug}: {failure!r}")
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return replace(speed, walls=tuple(walls), cpus=tuple(cpus))


# --- the command -------------------------------------------------------------------------------


def progress(message: str) -> None:
    print(f"[bench {datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def select_tools(names: str, install: bool) -> tuple[list[Tool], list[str]]:
    """briefgen and the named peers that are (or can be) installed; notes on those left out."""
    tools, notes = [BRIEFGEN], []
    if not compile_briefgen():
        notes.append("briefgen: its modules could not all be byte-compiled; runs compile them")
    for name in filter(None, (n.strip() for n in names.split(","))):
        if name not in PEERS:
            raise SystemExit(f"run: unknown peer {name!r} (known: {', '.join(PEERS)})")
        peer = PEERS[name]
        if install and not peer.is_installed():
            progress(f"installing {name} into {peer.venv}")
            try:
                peer.install()
            except (subprocess.CalledProcessError, OSError) as failure:
                notes.append(f"{name}: installation failed ({failure}); not measured")
                continue
        if peer.is_installed():
            tools.append(peer)
        else:
            notes.append(f"{name}: not installed in {peer.venv} (--no-install); not measured")
    return tools, notes


def latency_tools(choice: str | None, tools: Sequence[Tool]) -> list[Tool]:
    if choice is None:
        return []
    if choice == "all":
        return list(tools)
    wanted = {n.strip() for n in choice.split(",")}
    unknown = wanted - set(TOOLS)
    if unknown:
        raise SystemExit(f"run: unknown tool(s) for --latency: {', '.join(sorted(unknown))}")
    return [tool for tool in tools if tool.name in wanted]


def measure_size(
    n: int, runs: int, args: argparse.Namespace, tools: Sequence[Tool], trash: Trash
) -> SizeResult:
    """Everything asked for on the corpus of `n` articles; latency only where `--latency-n` says."""
    corpus = args.corpus_root / f"n{n}-seed{args.seed}"
    progress(f"writing the corpus of {n} articles to {corpus}")
    articles = make_articles(n, args.seed)
    write_corpus(articles, corpus, args.seed, discard=trash.take)
    probe = articles[n // 2]
    rounds, pages = run_builds(corpus, tools, probe, runs, args.warmup, args.timeout, trash)
    latency = []
    timed = latency_tools(args.latency, tools) if n in args.latency_sizes else []
    for tool in timed:
        progress(f"latency: {tool.name} serve, {args.latency_samples} edits")
        latency.append(
            measure_latency(corpus, tool, probe, args.latency_samples, args.latency_timeout, trash)
        )
        measured = latency[-1]
        progress(
            f"latency: {tool.name}: {[round(t, 3) for t in measured.samples]} s {measured.error}"
        )
        progress(f"restart: {tool.name} build, one edit, serve")
        restart, why = measure_restart(corpus, tool, probe, args.latency_timeout)
        latency[-1] = replace(measured, restart=restart, restart_error=why)
        progress(f"restart: {tool.name}: {why or f'{restart:.2f} s'}")
    extraction = None
    if args.extraction:
        progress(f"extraction: {n} articles x {runs}")
        extraction = measure_extraction(articles, runs)
    return SizeResult(
        n, corpus, manifest(articles, args.seed), rounds, pages, tuple(latency), extraction
    )


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", default="1000", help="corpus size(s), comma-separated")
    parser.add_argument(
        "--runs", default="5", help="recorded rounds: one number, or one per size (`3,2`)"
    )
    parser.add_argument("--warmup", type=int, default=1, help="unrecorded rounds first")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--peers", default="pelican,mkdocs,hugo", help="peers, comma-separated")
    parser.add_argument(
        "--no-install",
        dest="install",
        action="store_false",
        help="skip peers not installed yet instead of installing them",
    )
    parser.add_argument(
        "--latency",
        nargs="?",
        const="all",
        default=None,
        metavar="TOOLS",
        help="measure edit → page latency (all tools, or those named)",
    )
    parser.add_argument(
        "--latency-n", default="", help="sizes to measure latency on (default: every size)"
    )
    parser.add_argument("--latency-samples", type=int, default=5)
    parser.add_argument("--latency-timeout", type=float, default=120.0)
    parser.add_argument("--extraction", action="store_true", help="measure extraction speed")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per build")
    parser.add_argument("--corpus-root", type=Path, default=Path("/tmp/bench-corpus"))
    parser.add_argument("--out", type=Path, default=Path("bench/RESULTS.md"))
    args = parser.parse_args(argv)
    args.sizes = _numbers(parser, "--n", args.n)
    runs = _numbers(parser, "--runs", args.runs)
    args.runs = runs * len(args.sizes) if len(runs) == 1 else runs
    args.latency_sizes = _numbers(parser, "--latency-n", args.latency_n or args.n)
    if len(args.runs) != len(args.sizes):
        parser.error("--runs: give one number, or one per size in --n")
    if min(*args.sizes, *args.runs, args.latency_samples) < 1 or args.warmup < 0:
        parser.error("--n, --runs and --latency-samples must be positive, --warmup >= 0")
    return args


def _numbers(parser: argparse.ArgumentParser, option: str, text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        parser.error(f"{option}: not a comma-separated list of numbers: {text!r}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    command = shlex.join(["python", "bench/run.py", *(sys.argv[1:] if argv is None else argv)])
    tools, notes = select_tools(args.peers, args.install)
    started = datetime.datetime.now(datetime.UTC)
    trash = Trash(args.corpus_root / ".trash")
    trash.wait_for_quiet()
    try:
        results = [
            measure_size(n, runs, args, tools, trash)
            for n, runs in zip(args.sizes, args.runs, strict=True)
        ]
    finally:
        trash.empty()
    report = render_report(command, started, tools, results, notes, args.warmup)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    progress(f"results written to {args.out}")
    return 1 if any(result.failed for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
