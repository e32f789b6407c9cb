"""Golden output: the example site at the repository root, built and compared file by file.

Any change to what the example site looks like shows up here as a diff. When the change is
intended, regenerate deliberately and review the diff in git:

    BRIEFGEN_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from trees import file_tree

from briefgen.build import build
from briefgen.config import load_config

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "example-site"


def _tree(root: Path) -> dict[str, bytes]:
    """The generated files; `static/` is the theme's assets copied verbatim, checked elsewhere."""
    return {name: data for name, data in file_tree(root).items() if not name.startswith("static/")}


def test_the_example_site_matches_the_golden_files(tmp_path: Path) -> None:
    config, _ = load_config(ROOT / "briefgen.yaml", output=tmp_path / "site")
    build(config)
    built = _tree(tmp_path / "site")
    if os.environ.get("BRIEFGEN_REGENERATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(tmp_path / "site", GOLDEN, ignore=shutil.ignore_patterns("static"))
    golden = _tree(GOLDEN)
    assert sorted(built) == sorted(golden), "the set of output files changed"
    changed = [name for name in sorted(built) if built[name] != golden[name]]
    assert not changed, f"these files differ from tests/golden/example-site: {changed}"
