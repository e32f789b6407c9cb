"""The benchmark in bench/ runs end to end on a tiny corpus, so that it cannot rot unnoticed.

Peers (Pelican, MkDocs, Hugo) are measured only where `bench/run.py` installed them before
(`--no-install`: a test never downloads); briefgen itself must always build, extract and serve.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
PEERS = ("pelican", "mkdocs", "hugo")
NUMBER = r"\d[\d,]*\.\d+"


def bench(script: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / script), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_corpus_is_byte_identical_for_the_same_seed_and_differs_for_another(
    tmp_path: Path,
) -> None:
    for name, seed in (("first", "1"), ("again", "1"), ("other", "2")):
        generated = bench("corpus.py", "--n", "12", "--out", str(tmp_path / name), "--seed", seed)
        assert generated.returncode == 0, generated.stderr
    assert tree(tmp_path / "first") == tree(tmp_path / "again")
    assert tree(tmp_path / "first") != tree(tmp_path / "other")


def test_corpus_writes_the_same_articles_as_four_projects(tmp_path: Path) -> None:
    assert bench("corpus.py", "--n", "20", "--out", str(tmp_path)).returncode == 0
    briefings = sorted((tmp_path / "briefgen" / "content").glob("*.yaml"))
    slugs = [path.stem for path in briefings]
    assert len(slugs) == 20
    articles = [tmp_path / "briefgen" / "seeds" / f"{slug}.txt" for slug in slugs]
    assert all(2000 <= article.stat().st_size <= 5000 for article in articles)
    assert {slug.split("-")[3] for slug in slugs} == {"en", "fr"}
    assert sorted(p.stem for p in (tmp_path / "pelican" / "content").glob("*.md")) == slugs
    assert sorted(p.stem for p in (tmp_path / "hugo" / "content" / "posts").glob("*.md")) == slugs
    docs = sorted(p.stem for p in (tmp_path / "mkdocs" / "docs").glob("*.md"))
    assert docs == sorted([*slugs, "index"])
    for config in (
        "briefgen/briefgen.yaml",
        "pelican/pelicanconf.py",
        "mkdocs/mkdocs.yml",
        "hugo/hugo.toml",
        "hugo/layouts/_default/single.html",
    ):
        assert (tmp_path / config).is_file(), config


def test_benchmark_builds_with_briefgen_and_installed_peers_and_reports_ratios(
    tmp_path: Path,
) -> None:
    results = tmp_path / "RESULTS.md"
    ran = bench(
        "run.py",
        "--n",
        "20",
        "--runs",
        "1",
        "--warmup",
        "0",
        "--no-install",
        "--peers",
        ",".join(PEERS),
        "--extraction",
        "--corpus-root",
        str(tmp_path),
        "--out",
        str(results),
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    report = results.read_text()
    assert "## Machine" in report and "## 20 briefings" in report
    for scenario in (
        "clean build, empty cache",
        "rebuild, warm cache, no change",
        "rebuild, warm cache, one briefing changed",
        "rebuild, warm cache, one article's text changed",
    ):
        assert re.search(rf"\| briefgen \| {scenario} \| {NUMBER}", report), scenario
    for peer in PEERS:
        measured = re.search(rf"\| {peer} \| clean build, empty cache \| {NUMBER}", report)
        skipped = f"{peer}: not installed" in report
        assert measured or skipped, peer
        if measured:
            assert re.search(rf"\| clean build, empty cache \| wall \|.*{NUMBER}", report)
    assert re.search(rf"\| 20 \| [\d,]+ \| 1 \| {NUMBER} \| {NUMBER} \| [\d,]+ \|", report)
    # Clean builds moved the outputs aside; the run deleted them once over.
    assert list((tmp_path / ".trash").iterdir()) == []
    assert (tmp_path / "n20-seed1" / "briefgen" / "_site" / "index.html").is_file()


def test_benchmark_measures_the_edit_to_page_latency_of_briefgen_serve(tmp_path: Path) -> None:
    has_serve = (
        subprocess.run(
            [sys.executable, "-m", "briefgen", "serve", "--help"], capture_output=True, check=False
        ).returncode
        == 0
    )
    if not has_serve:
        pytest.skip("`briefgen serve` does not exist yet")
    results = tmp_path / "RESULTS.md"
    ran = bench(
        "run.py",
        "--n",
        "20",
        "--runs",
        "1",
        "--warmup",
        "0",
        "--peers",
        "",
        "--latency",
        "briefgen",
        "--latency-samples",
        "1",
        "--corpus-root",
        str(tmp_path),
        "--out",
        str(results),
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert re.search(
        rf"\| briefgen \| {NUMBER} \| {NUMBER} \| 1 \| {NUMBER} \|", results.read_text()
    )
