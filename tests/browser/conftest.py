"""A real browser on the built fixture site: Debian's chromium driven by Playwright.

The fixture site is built with a `base_url` on this machine (`http://127.0.0.1:<port>/repo/`) and
served from memory under `/repo/`, as GitHub Pages serves a project site: a missing path gets the
site's `404.html` with status 404. No browser is ever downloaded: Playwright drives
`/usr/bin/chromium`. Where chromium (or Playwright, or axe-core) is missing the tests are skipped
with the reason, except in CI (`CI=true`), where that is a failure.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pytest

from briefgen import search
from briefgen.build import build_in_memory
from briefgen.config import load_config

if TYPE_CHECKING:
    pass

MULTI_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "multi"
SITE_PATH = "/repo/"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class ServedSite:
    """The built fixture site, served on 127.0.0.1 under `/repo/`."""

    root_url: str
    files: Mapping[str, bytes]

    def url(self, path: str) -> str:
        return self.root_url + path


class _Handler(BaseHTTPRequestHandler):
    files: Mapping[str, bytes] = {}

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(SITE_PATH):
            self._answer(HTTPStatus.NOT_FOUND, "404.html")
            return
        name = path.removeprefix(SITE_PATH)
        if name == "" or name.endswith("/"):
            name += "index.html"
        if name in self.files:
            self._answer(HTTPStatus.OK, name)
        else:
            self._answer(HTTPStatus.NOT_FOUND, "404.html")

    def _answer(self, status: HTTPStatus, name: str) -> None:
        body = self.files[name]
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPES.get(PurePosixPath(name).suffix, ""))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests look at what the browser asked for, not at a log."""


@pytest.fixture(scope="module")
def served_site() -> Iterator[ServedSite]:
    """The fixture site with a search index cut into many small shards, as on a big site.

    The seven briefings would fit in one shard; with small shards the browser exercises what a
    site of thousands does: finding the shard of a word, loading a few, never all.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    root_url = f"http://127.0.0.1:{server.server_address[1]}{SITE_PATH}"
    config, _ = load_config(MULTI_SITE / "briefgen.yaml", base_url=root_url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_BYTES", 600)
        patch.setattr(search, "DOCUMENTS_PER_SHARD", 4)
        files = dict(build_in_memory(config).files)
    _Handler.files = files
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ServedSite(root_url, files)
    server.shutdown()
    server.server_close()
    thread.join()
