"""Fixtures shared by the test modules: small projects written into a temporary folder."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from briefgen.build import BuiltSite, build_in_memory
from briefgen.config import load_config

#: The smallest valid `briefgen.yaml`; `make_site` writes it unless the files bring their own.
MINIMAL_CONFIG = "title: Test briefings\n"


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """A function writing a small project from `{relative path: content}`; it returns the root.

    Text is written as UTF-8 byte for byte (no newline translation), and bytes as they are, so a
    test can write BOMs, CRLF line ends or invalid UTF-8. Calling it again adds to the project.
    """
    root = tmp_path / "site"

    def make(files: Mapping[str, str | bytes]) -> Path:
        if not (root / "briefgen.yaml").exists():
            files = {"briefgen.yaml": MINIMAL_CONFIG, **files}
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return root

    return make


#: The shared multi-briefing site: seven briefings in French and English about the same actors.
MULTI_SITE = Path(__file__).resolve().parent / "fixtures" / "multi"


@pytest.fixture(scope="session")
def built_multi_site() -> BuiltSite:
    """The fixture site in `tests/fixtures/multi`, built in memory once for the whole run."""
    config, _ = load_config(MULTI_SITE / "briefgen.yaml")
    return build_in_memory(config)
