"""Fixtures shared by the test modules: small projects written into a temporary folder."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from briefgen.build import BuiltSite, build_in_memory
from briefgen.config import load_config

if TYPE_CHECKING:
    from playwright.sync_api import Browser

#: Debian's chromium, started so that it asks no outside host for anything.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

#: The smallest valid `briefgen.yaml`; `make_site` writes it unless the files bring their own.
MINIMAL_CONFIG = "title: Test briefings\n"


@pytest.fixture(autouse=True, scope="session")
def own_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The suite's own temporary folder, for this process and the commands it starts, removed
    with pytest's: builds keep their compiled templates in the system's
    (`render.CompiledTemplates`), and each run of the suite, with its test sites' own
    templates, left some fifty there."""
    folder = str(tmp_path_factory.mktemp("tmp"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", folder)
        patch.setattr(tempfile, "tempdir", folder)
        yield


@pytest.fixture(autouse=True, scope="module")
def no_thread_left_running() -> Iterator[None]:
    """briefgen forks its workers only while one thread runs (`workers.can_fork`): a thread a
    test module left running would quietly make every later build of the suite serial, and the
    forked paths untested."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while (left := [t.name for t in threading.enumerate() if t not in before]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert not left, f"threads left running: {left}"


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


def unavailable(reason: str) -> NoReturn:
    """Skip where the browser cannot run; in CI, where it must, fail instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless chromium, launched once per test module.

    Not once per session: Playwright's sync API runs an event loop while it is open, and another
    module's own Playwright (tests/test_serve.py) cannot start while one is.
    """
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).is_file():
        unavailable("no chromium on this machine (apt-get install chromium)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Error as error:
            unavailable(f"chromium does not start: {error.message.splitlines()[0]}")
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core, as shipped inside the `axe-playwright-python` package (no download)."""
    try:
        return (resources.files("axe_playwright_python") / "axe.min.js").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        unavailable("axe-core is missing (pip install -e '.[test]' brings axe-playwright-python)")
