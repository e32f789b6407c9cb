"""What the preview answers to a request path: a file of the built site, a redirect, or an error.

The answer comes from the in-memory site only (a dict lookup), never from the disk, so `..`,
symlinks and stray files cannot reach anything else; malformed paths are still refused early with
400, so that no odd path ever reaches the lookup. HTML answers get the reload script, and the
build's errors while the latest build is broken; both are added here, at answer time, never to
the built files themselves.
"""

from __future__ import annotations

import html
import mimetypes
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import PurePosixPath
from urllib.parse import quote, unquote

from briefgen.serve.live import Snapshot, page_key

#: The preview's own URLs, outside any site (a site's paths never start with a double underscore).
OWN_PREFIX = "/__briefgen__/"
EVENTS_PATH = OWN_PREFIX + "events"
SCRIPT_PATH = OWN_PREFIX + "reload.js"

HTML_TYPE = "text/html; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"

#: Types a browser must get right for a site to work; anything else is left to `mimetypes`,
#: whose answers vary with the system's tables.
_CONTENT_TYPES = {
    ".html": HTML_TYPE,
    ".htm": HTML_TYPE,
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".txt": TEXT_TYPE,
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/vnd.microsoft.icon",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
}

#: Reloads the page when the server says the site changed. It listens only while the page is
#: visible: a browser opens at most six connections to one host over HTTP/1.1, and a stream per
#: background tab would use them up; a tab coming back into view reconnects, and reloads at once
#: if the site changed meanwhile (the token it was served with is no longer current).
RELOAD_SCRIPT = b"""\
// Added by `briefgen serve` while previewing; the built site does not contain it.
(() => {
  const since = document.currentScript.dataset.since;
  const url = "/__briefgen__/events?since=" + encodeURIComponent(since);
  let source = null;
  const listen = () => {
    if (document.visibilityState === "hidden") {
      if (source) { source.close(); source = null; }
    } else if (!source) {
      source = new EventSource(url);
      source.addEventListener("reload", () => location.reload());
    }
  };
  document.addEventListener("visibilitychange", listen);
  listen();
})();
"""

_PANEL_STYLE = """\
#briefgen-build-errors{position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:100vh;
overflow:auto;margin:0;padding:1rem 1.5rem;background:#2b0b0e;color:#ffe9ea;
font:15px/1.5 system-ui,sans-serif;box-shadow:0 4px 24px rgba(0,0,0,.5);text-align:left}
#briefgen-build-errors summary{cursor:pointer;font-weight:700;font-size:1.1rem}
#briefgen-build-errors ol{margin:.75rem 0;padding-left:1.5rem}
#briefgen-build-errors li{margin:.35rem 0}
#briefgen-build-errors code{font:13px/1.5 ui-monospace,monospace;white-space:pre-wrap;
word-break:break-word;color:#fff}
#briefgen-build-errors .warning code{color:#ffd98a}
#briefgen-build-errors p{margin:.25rem 0;color:#f3b6bb}
"""


class BadRequest(ValueError):
    """A request target that no file of any site could have; answered with 400."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A complete response: status, body, type, and where to go for a redirect."""

    status: HTTPStatus
    body: bytes
    content_type: str = HTML_TYPE
    location: str = ""


def request_path(target: str) -> tuple[str, str]:
    """The decoded path and the raw query of a request target, or `BadRequest`.

    Refused: targets that are not a path (absolute URLs, `*`), NUL and control characters,
    backslashes, `.` and `..` segments and empty ones, in any encoding; bytes that are not UTF-8
    (overlong forms such as `%c0%ae` included, which strict decoding rejects). Percent-encoding
    is undone once: a doubly encoded `%252e` stays the literal `%2e`, which names no file.
    """
    if not target.startswith("/"):
        raise BadRequest("the request target is not a path")
    raw_path, _, query = target.partition("?")
    raw_path = raw_path.partition("#")[0]
    try:
        path = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        raise BadRequest("the path is not UTF-8") from None
    if any(ord(char) < 0x20 or char in "\x7f\\" for char in path):
        raise BadRequest("the path holds a control character or a backslash")
    segments = path.split("/")[1:]
    if any(segment in (".", "..") for segment in segments) or "" in segments[:-1]:
        raise BadRequest("the path has a '.', '..' or empty segment")
    return path, query


def answer(path: str, snapshot: Snapshot) -> Answer:
    """The response to GET `path` (already checked by `request_path`) on `snapshot`."""
    if path == SCRIPT_PATH:
        return Answer(HTTPStatus.OK, RELOAD_SCRIPT, content_type_of(SCRIPT_PATH))
    if not snapshot.files and snapshot.problems:
        return Answer(HTTPStatus.INTERNAL_SERVER_ERROR, _error_document(snapshot))
    base = snapshot.base_path
    if path in ("/", base.rstrip("/")) and path != base:
        return _redirect(base)
    key = page_key(path, snapshot)
    if key is None:
        return _not_found(snapshot)
    if key in snapshot.files:
        return _file(key, snapshot)
    if f"{key}/index.html" in snapshot.files:
        return _redirect(path + "/")
    return _not_found(snapshot)


def content_type_of(name: str) -> str:
    """The Content-Type of a file, by its extension; unknown ones are plain bytes."""
    known = _CONTENT_TYPES.get(PurePosixPath(name).suffix.lower()) or mimetypes.guess_type(name)[0]
    return known or "application/octet-stream"


def with_reload(page: bytes, snapshot: Snapshot) -> bytes:
    """`page` with the reload script, and the build's errors if the latest build failed,
    inserted before its last `</body>` (or appended, for a page without one)."""
    addition = _problems_panel(snapshot).encode("utf-8") + _script_tag(snapshot)
    end = page.lower().rfind(b"</body>")
    at = end if end >= 0 else len(page)
    return page[:at] + addition + page[at:]


def _file(key: str, snapshot: Snapshot) -> Answer:
    kind = content_type_of(key)
    body = snapshot.files[key]
    if kind == HTML_TYPE:
        body = with_reload(body, snapshot)
    return Answer(HTTPStatus.OK, body, kind)


def _redirect(path: str) -> Answer:
    """A temporary redirect: the base path moves when `base_url` is edited."""
    location = quote(path)
    body = f'<!doctype html><a href="{html.escape(location)}">{html.escape(location)}</a>\n'
    return Answer(HTTPStatus.FOUND, body.encode("utf-8"), location=location)


def _not_found(snapshot: Snapshot) -> Answer:
    """The site's own `404.html` if it has one (as GitHub Pages would serve), else a plain one;
    both reload by themselves, so a page being created appears once it is built."""
    page = snapshot.files.get("404.html")
    if page is None:
        site_link = html.escape(quote(snapshot.base_path))
        page = (
            '<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>Not found</title>\n'
            f"<body><h1>Not found</h1><p>No page of the site has this address. "
            f'<a href="{site_link}">Go to the site</a>.</p></body></html>\n'
        ).encode()
    return Answer(HTTPStatus.NOT_FOUND, with_reload(page, snapshot))


def _error_document(snapshot: Snapshot) -> bytes:
    """The whole page while there is no good build at all: the errors, and the reload script."""
    page = (
        '<!doctype html>\n<html lang="en"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Build failed · briefgen</title>\n<body></body></html>\n"
    )
    return with_reload(page.encode(), snapshot)


def _problems_panel(snapshot: Snapshot) -> str:
    """The build's problems, escaped, in a panel over the page that can be folded away."""
    if not snapshot.problems:
        return ""
    errors = sum(1 for p in snapshot.problems if p.severity == "error")
    items = "".join(
        f'<li class="{p.severity}"><code>{html.escape(str(p))}</code></li>'
        for p in snapshot.problems
    )
    underneath = (
        "The page underneath is the last good build."
        if snapshot.files
        else "There is no good build to show yet."
    )
    return (
        f'<details id="briefgen-build-errors" open role="alert"><style>{_PANEL_STYLE}</style>'
        f"<summary>briefgen: the build failed ({errors} error{'s' if errors != 1 else ''})"
        f"</summary><ol>{items}</ol><p>{underneath} Fix the file and save: this page reloads "
        "by itself.</p></details>"
    )


def _script_tag(snapshot: Snapshot) -> bytes:
    since = html.escape(snapshot.token)
    return f'<script src="{SCRIPT_PATH}" data-since="{since}"></script>'.encode()
