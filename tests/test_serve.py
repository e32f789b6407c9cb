"""`briefgen serve`, talked to over real sockets: the server on a scripted builder (answers,
safety, reload stream, build errors), then on real projects edited on disk as editors do.

Nothing here sleeps to wait: every wait reads a socket or a queue with a deadline.
"""

from __future__ import annotations

import http.client
import logging
import queue
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from briefgen.assemble import Assembler
from briefgen.build import BuildReport, BuiltSite, build_in_memory
from briefgen.config import load_config
from briefgen.errors import BuildFailed, ConfigError, Problem
from briefgen.model import SiteConfig
from briefgen.render import FileSink
from briefgen.serve.live import LiveSite, Snapshot
from briefgen.serve.preview import Notice, Preview, serve
from briefgen.serve.server import HostPolicy, PreviewServer
from briefgen.serve.watch import QUIET_SECONDS

if TYPE_CHECKING:
    from playwright.sync_api import Browser

#: How long any single wait may take before the test fails (never reached when all is well).
DEADLINE = 30.0  # generous: a loaded 2-core machine may take seconds to start a subprocess

SCRIPT_TAG = re.compile(rb'<script src="/__briefgen__/reload\.js" data-since="[^"]*"></script>')

PAGE = b"<!doctype html><html><body><h1>First</h1></body></html>\n"
SITE = {
    "index.html": PAGE,
    "briefings/alpha/index.html": b"<!doctype html><html><body><h1>Alpha</h1></body></html>",
    "static/style.css": b"h1 { color: navy }\n",
    "feed.json": b'{"items": []}',
}


# --- Talking to the server ------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: bytes


def fetch(port: int, path: str, *, method: str = "GET", **headers: str) -> Reply:
    """One request as a browser would send it (Host: 127.0.0.1:port unless given)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def raw_answer(port: int, request: bytes) -> bytes:
    """The answer to exactly these bytes (for requests that no client library sends)."""
    with socket.create_connection(("127.0.0.1", port), timeout=DEADLINE) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def raw_status(port: int, request: bytes) -> tuple[int, bytes]:
    head, _, body = raw_answer(port, request).partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def get_target(port: int, target: bytes) -> tuple[int, bytes]:
    host = f"127.0.0.1:{port}".encode()
    return raw_status(
        port, b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"
    )


class ReloadStream:
    """The reload stream a served page opens, with the token the page was served with."""

    def __init__(self, port: int, since: str, **headers: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
        self.connection.request("GET", f"/__briefgen__/events?since={since}", headers=headers)
        self.response = self.connection.getresponse()

    def next_reload(self) -> str:
        """The token of the next reload event; none within `DEADLINE` fails the test (the
        server's keep-alive comments would otherwise keep the wait going)."""
        deadline = time.monotonic() + DEADLINE
        while line := self.response.readline():
            if line == b"event: reload\n":
                return self.response.readline().decode().removeprefix("data: ").strip()
            if time.monotonic() > deadline:
                raise AssertionError("no reload event came")
        raise EOFError("the reload stream ended without a reload")

    def close(self) -> None:
        self.connection.close()


def token_of(page: bytes) -> str:
    found = re.search(rb'data-since="([^"]+)"', page)
    assert found, "the page has no reload script"
    return found.group(1).decode()


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


# --- The server on a scripted builder --------------------------------------------------------


class ScriptedBuilder:
    """Builds whatever the test last set: a site, or an exception; can hold a build until told."""

    def __init__(self, root: Path, files: Mapping[str, bytes]) -> None:
        self.root = root
        self.outcome: Mapping[str, bytes] | Exception = files
        self.base_url = "https://user.github.io/repo/"
        self.hold: threading.Event | None = None
        self.started = threading.Event()
        self.first: tuple[str, ...] = ()
        #: What the pages made early are, when not those of `outcome` (a wrong guess).
        self.guessed: Mapping[str, bytes] | None = None

    def build(self, first: Collection[str] = (), early: FileSink | None = None) -> BuiltSite:
        """The outcome; with `early`, its pages among `first` go there before any hold."""
        self.first = tuple(first)
        if early is not None and not isinstance(self.outcome, Exception):
            made_early = self.guessed or self.outcome
            for name in first:
                if name in made_early:
                    early(name, made_early[name])
        self.started.set()
        if self.hold is not None:
            assert self.hold.wait(DEADLINE)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        config = SiteConfig(root=self.root, title="Scripted", base_url=self.base_url)
        files = dict(self.outcome)
        report = BuildReport(config.output, 1, len(files), len(files), 0.0)
        return BuiltSite(files, report, config)


@dataclass
class Served:
    port: int
    builder: ScriptedBuilder
    live: LiveSite


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    builder = ScriptedBuilder(tmp_path, SITE)
    live = LiveSite(builder, tmp_path)
    live.rebuild()
    server = PreviewServer(live, "127.0.0.1", 0)
    server.start()
    try:
        yield Served(server.port, builder, live)
    finally:
        live.close()
        server.stop()


def test_the_root_redirects_to_the_base_path_of_base_url(served: Served) -> None:
    for path in ("/", "/repo"):
        reply = fetch(served.port, path)
        assert (reply.status, reply.headers["Location"]) == (302, "/repo/")


def test_pages_are_served_under_the_base_path_with_their_types(served: Served) -> None:
    index = fetch(served.port, "/repo/")
    assert index.status == 200
    assert index.headers["Content-Type"] == "text/html; charset=utf-8"
    assert index.headers["Cache-Control"] == "no-store"
    assert SCRIPT_TAG.sub(b"", index.body) == PAGE
    css = fetch(served.port, "/repo/static/style.css")
    assert (css.headers["Content-Type"], css.body) == (
        "text/css; charset=utf-8",
        SITE["static/style.css"],
    )
    assert fetch(served.port, "/repo/feed.json").headers["Content-Type"] == "application/json"
    assert fetch(served.port, "/index.html").status == 404  # outside the base path


def test_a_folder_without_its_slash_redirects_to_its_page(served: Served) -> None:
    reply = fetch(served.port, "/repo/briefings/alpha")
    assert (reply.status, reply.headers["Location"]) == (302, "/repo/briefings/alpha/")
    assert b"<h1>Alpha</h1>" in fetch(served.port, "/repo/briefings/alpha/").body


def test_head_gives_the_headers_of_get_and_no_body(served: Served) -> None:
    get = fetch(served.port, "/repo/static/style.css")
    head = fetch(served.port, "/repo/static/style.css", method="HEAD")
    assert head.status == 200
    assert head.body == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


def test_the_reload_script_is_added_to_html_answers_only_never_to_the_site(
    served: Served,
) -> None:
    page = fetch(served.port, "/repo/").body
    assert len(SCRIPT_TAG.findall(page)) == 1
    assert page.index(b"<script src=") < page.index(b"</body>")
    assert b"reload.js" not in fetch(served.port, "/repo/static/style.css").body
    assert served.live.current().files == SITE
    script = fetch(served.port, "/__briefgen__/reload.js")
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"EventSource" in script.body


def test_a_missing_page_is_a_404_with_the_sites_own_404_page_if_any(served: Served) -> None:
    plain = fetch(served.port, "/repo/no-such-page/")
    assert plain.status == 404
    assert SCRIPT_TAG.search(plain.body), "a 404 page reloads once the page exists"
    served.builder.outcome = {**SITE, "404.html": b"<html><body>Lost?</body></html>"}
    served.live.rebuild()
    own = fetch(served.port, "/repo/no-such-page/")
    assert (own.status, SCRIPT_TAG.sub(b"", own.body)) == (404, b"<html><body>Lost?</body></html>")


SECRET = b"the-secret-outside-the-site"

HOSTILE_TARGETS = [
    b"/../secret.txt",
    b"/repo/../secret.txt",
    b"/repo/../../../../etc/passwd",
    b"/repo/%2e%2e/secret.txt",
    b"/repo/%2E%2E/%2E%2E/etc/passwd",
    b"/repo/.%2e/secret.txt",
    b"/repo/..%2fsecret.txt",
    b"/repo/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    b"/repo/..%5csecret.txt",
    b"/repo/%5c..%5c..%5cetc%5cpasswd",
    b"/repo/..\\secret.txt",
    b"/repo/%252e%252e/secret.txt",
    b"/repo/%252e%252e%252fsecret.txt",
    b"/repo/%c0%ae%c0%ae/secret.txt",
    b"/repo/%c0%ae%c0%ae%c0%afsecret.txt",
    b"/repo/%e0%80%ae%e0%80%ae/secret.txt",
    b"/repo/%ff/secret.txt",
    b"/repo/index.html%00.css",
    b"/repo/%00",
    b"/repo/index.html\x00.css",
    b"/etc/passwd",
    b"//etc/passwd",
    b"/repo//etc/passwd",
    b"/repo/./index.html",
    b"/repo/%2e/index.html",
    b"C:\\Windows\\win.ini",
    b"http://127.0.0.1/etc/passwd",
    b"*",
]


@pytest.mark.parametrize(
    "target", HOSTILE_TARGETS, ids=[t.decode("latin-1") for t in HOSTILE_TARGETS]
)
def test_hostile_paths_are_refused_and_reach_nothing_outside_the_site(
    served: Served, target: bytes
) -> None:
    (served.builder.root / "secret.txt").write_bytes(SECRET)
    status, body = get_target(served.port, target)
    assert status in (400, 404)
    assert SECRET not in body
    assert b"root:" not in body


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "127.0.0.1:1",
        "localhost",
        "127.0.0.1.nip.io:{port}",
        "user@127.0.0.1:{port}",
        "127.0.0.1:{port}:80",
    ],
)
def test_requests_naming_another_host_are_refused(served: Served, host: str) -> None:
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1."""
    reply = fetch(served.port, "/repo/", Host=host.format(port=served.port))
    assert reply.status == 403
    assert b"<h1>" not in reply.body


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "LOCALHOST:{port}"]
)
def test_the_loopback_names_of_the_server_are_accepted(served: Served, host: str) -> None:
    assert fetch(served.port, "/repo/", Host=host.format(port=served.port)).status == 200


@pytest.mark.parametrize(
    ("bound", "header", "allowed"),
    [
        ("192.0.2.10", "192.0.2.10:8000", True),
        ("192.0.2.10", "localhost:8000", False),
        ("192.0.2.10", "rebound.example:8000", False),
        ("0.0.0.0", "198.51.100.3:8000", True),
        ("0.0.0.0", "[2001:db8::1]:8000", True),
        ("0.0.0.0", "rebound.example:8000", False),
        ("localhost", "127.0.0.1:8000", True),
        ("127.0.0.1", "127.0.0.1:8001", False),
    ],
)
def test_the_accepted_host_names_depend_on_the_address_listened_on(
    bound: str, header: str, allowed: bool
) -> None:
    assert HostPolicy(bound, 8000).allows_host(header) is allowed


def test_requests_without_a_host_or_with_two_are_refused(served: Served) -> None:
    assert raw_status(served.port, b"GET /repo/ HTTP/1.0\r\n\r\n")[0] == 403
    host = f"Host: 127.0.0.1:{served.port}\r\n".encode()
    twice = b"GET /repo/ HTTP/1.1\r\n" + host + host + b"Connection: close\r\n\r\n"
    assert raw_status(served.port, twice)[0] == 403


def test_reload_streams_from_a_foreign_origin_are_refused(served: Served) -> None:
    token = served.live.current().token
    for origin in ("http://evil.example", "null", f"https://127.0.0.1:{served.port}"):
        stream = ReloadStream(served.port, token, Origin=origin)
        assert stream.response.status == 403
        stream.close()
    own = ReloadStream(served.port, token, Origin=f"http://localhost:{served.port}")
    assert own.response.getheader("Content-Type") == "text/event-stream"
    own.close()


def test_malformed_requests_get_400_and_other_methods_501(served: Served) -> None:
    # A request line without a version is HTTP/0.9, whose answers have no status line.
    assert b"Error code: 400" in raw_answer(served.port, b"NONSENSE\r\n\r\n")
    host = f"Host: 127.0.0.1:{served.port}\r\nConnection: close\r\n".encode()
    assert raw_status(served.port, b"DELETE /repo/ HTTP/1.1\r\n" + host + b"\r\n")[0] == 501


def test_a_rebuild_that_changes_the_site_tells_every_open_page_to_reload(served: Served) -> None:
    token = token_of(fetch(served.port, "/repo/").body)
    streams = [ReloadStream(served.port, token) for _ in range(3)]
    served.builder.outcome = {**SITE, "index.html": b"<html><body>Second</body></html>"}
    assert served.live.rebuild().changed
    new_tokens = {stream.next_reload() for stream in streams}
    assert new_tokens == {served.live.current().token} != {token}
    assert b"Second" in fetch(served.port, "/repo/").body


def test_a_page_that_connects_after_the_rebuild_still_reloads(served: Served) -> None:
    token = token_of(fetch(served.port, "/repo/").body)
    served.builder.outcome = {**SITE, "index.html": b"<html><body>Second</body></html>"}
    served.live.rebuild()
    assert ReloadStream(served.port, token).next_reload() == served.live.current().token


def test_a_rebuild_giving_the_same_bytes_keeps_pages_as_they_are(served: Served) -> None:
    token = served.live.current().token
    outcome = served.live.rebuild()
    assert (outcome.succeeded, outcome.changed) == (True, False)
    assert served.live.current().token == token


def fetch_once_asked(served: Served, path: str) -> tuple[threading.Thread, list[Reply]]:
    """GET `path` in a thread; returns once the server has asked for the snapshot to answer with
    (the reply lands in the list when the thread ends)."""
    asked = threading.Event()
    original_current = served.live.current

    def current_noting_the_request(path: str | None = None) -> Snapshot:
        asked.set()
        return original_current(path)

    served.live.current = current_noting_the_request  # type: ignore[method-assign]
    replies: list[Reply] = []
    requesting = threading.Thread(target=lambda: replies.append(fetch(served.port, path)))
    requesting.start()
    assert asked.wait(DEADLINE)
    return requesting, replies


def test_requests_during_a_rebuild_wait_for_it_and_get_the_new_site(served: Served) -> None:
    served.builder.hold = threading.Event()
    served.builder.started.clear()
    served.builder.outcome = {**SITE, "index.html": b"<html><body>Rebuilt</body></html>"}
    rebuilding = threading.Thread(target=served.live.rebuild)
    rebuilding.start()
    assert served.builder.started.wait(DEADLINE)
    requesting, replies = fetch_once_asked(served, "/repo/")
    served.builder.hold.set()
    rebuilding.join(DEADLINE)
    requesting.join(DEADLINE)
    assert b"Rebuilt" in replies[0].body


def test_an_open_page_shows_its_edit_before_the_rest_of_the_site_is_built(
    served: Served,
) -> None:
    fetch(served.port, "/repo/briefings/alpha/")  # the page the browser has open
    token = served.live.current().token
    stream = ReloadStream(served.port, token)
    served.builder.hold = threading.Event()
    served.builder.outcome = {
        **SITE,
        "briefings/alpha/index.html": b"<html><body>Alpha, edited</body></html>",
        "index.html": b"<html><body>Index, edited</body></html>",
    }
    rebuilding = threading.Thread(target=served.live.rebuild)
    rebuilding.start()
    try:
        early_token = stream.next_reload()
        assert early_token != token
        assert served.builder.first == ("briefings/alpha/index.html",)
        assert b"Alpha, edited" in fetch(served.port, "/repo/briefings/alpha/").body
        other, replies = fetch_once_asked(served, "/repo/")
        assert served.builder.hold is not None
        served.builder.hold.set()
        other.join(DEADLINE)
        assert b"Index, edited" in replies[0].body, "any other page waited for the whole build"
    finally:
        served.builder.hold.set()
        rebuilding.join(DEADLINE)
        stream.close()
    assert served.live.current().token == early_token, "open pages reload once per edit"


def test_an_open_page_made_early_on_a_wrong_guess_reloads_again_with_the_final_page(
    served: Served,
) -> None:
    fetch(served.port, "/repo/briefings/alpha/")
    stream = ReloadStream(served.port, served.live.current().token)
    served.builder.hold = threading.Event()
    served.builder.guessed = {"briefings/alpha/index.html": b"<html><body>Guess</body></html>"}
    final = b"<html><body>Final</body></html>"
    served.builder.outcome = {**SITE, "briefings/alpha/index.html": final}
    rebuilding = threading.Thread(target=served.live.rebuild)
    rebuilding.start()
    try:
        stream.next_reload()
        guess = fetch(served.port, "/repo/briefings/alpha/").body
        assert b"Guess" in guess
        stream.close()
        stream = ReloadStream(served.port, token_of(guess))  # as the reloaded page does
    finally:
        served.builder.hold.set()
        rebuilding.join(DEADLINE)
    try:
        stream.next_reload()
    finally:
        stream.close()
    assert b"Final" in fetch(served.port, "/repo/briefings/alpha/").body


def test_build_errors_show_escaped_over_the_last_good_pages_until_fixed(served: Served) -> None:
    hostile = Problem(
        served.builder.root / "content/a.yaml",
        "title: <script>alert(1)</script>",
        3,
        7,
        hint="quote & fix",
    )
    served.builder.outcome = BuildFailed([hostile])
    outcome = served.live.rebuild()
    assert not outcome.succeeded
    assert [str(p) for p in outcome.problems] == [
        "content/a.yaml:3:7: title: <script>alert(1)</script> (quote & fix)"
    ]
    page = fetch(served.port, "/repo/briefings/alpha/")
    assert page.status == 200
    assert b"<h1>Alpha</h1>" in page.body, "the last good page stays"
    assert (
        b"content/a.yaml:3:7: title: &lt;script&gt;alert(1)&lt;/script&gt; (quote &amp; fix)"
        in (page.body)
    )
    assert b"<script>alert(1)" not in page.body
    assert SCRIPT_TAG.search(page.body), "the error page keeps listening for reloads"
    assert fetch(served.port, "/repo/static/style.css").body == SITE["static/style.css"]
    served.builder.outcome = SITE
    assert served.live.rebuild().changed
    assert b"briefgen-build-errors" not in fetch(served.port, "/repo/briefings/alpha/").body


def test_without_any_good_build_every_page_is_the_error_page(tmp_path: Path) -> None:
    builder = ScriptedBuilder(tmp_path, SITE)
    builder.outcome = BuildFailed([Problem(tmp_path / "briefgen.yaml", "title: missing", 1, 1)])
    live = LiveSite(builder, tmp_path)
    live.rebuild()
    server = PreviewServer(live, "127.0.0.1", 0)
    server.start()
    try:
        for path in ("/", "/repo/", "/repo/briefings/alpha/"):
            reply = fetch(server.port, path)
            assert reply.status == 500
            assert b"briefgen.yaml:1:1: title: missing" in reply.body
            assert SCRIPT_TAG.search(reply.body)
    finally:
        live.close()
        server.stop()


def test_a_crashing_build_is_one_line_and_the_site_stays_served(served: Served) -> None:
    served.builder.outcome = RuntimeError("something broke")
    outcome = served.live.rebuild()
    assert [p.message for p in outcome.problems] == [
        "internal error in the build: RuntimeError('something broke')"
    ]
    assert fetch(served.port, "/repo/briefings/alpha/").status == 200


def test_many_open_reload_streams_do_not_hold_up_pages(served: Served) -> None:
    token = served.live.current().token
    streams = [ReloadStream(served.port, token) for _ in range(40)]
    assert all(stream.response.status == 200 for stream in streams)
    assert fetch(served.port, "/repo/").status == 200
    served.builder.outcome = {**SITE, "index.html": b"<html><body>Next</body></html>"}
    served.live.rebuild()
    assert {stream.next_reload() for stream in streams} == {served.live.current().token}


def test_a_client_leaving_mid_answer_leaves_no_traceback(
    served: Served, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    served.builder.outcome = {**SITE, "big.txt": b"x" * 8_000_000}
    served.live.rebuild()
    caplog.set_level(logging.DEBUG)
    before = threading.active_count()
    with socket.create_connection(("127.0.0.1", served.port)) as connection:
        host = f"Host: 127.0.0.1:{served.port}\r\n".encode()
        connection.sendall(b"GET /repo/big.txt HTTP/1.1\r\n" + host + b"\r\n")
        assert connection.recv(1024).startswith(b"HTTP/1.1 200")
        # Close with a reset, as a browser tab that is closed mid-download does.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    stream = ReloadStream(served.port, served.live.current().token)
    stream.close()
    served.builder.outcome = SITE
    served.live.rebuild()  # the closed stream is written to
    wait_until(lambda: threading.active_count() <= before, "the answering threads ended")
    assert fetch(served.port, "/repo/").status == 200
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "Traceback" not in capfd.readouterr().err


def test_a_busy_port_is_one_clear_problem(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError) as raised:
            PreviewServer(LiveSite(ScriptedBuilder(tmp_path, SITE), tmp_path), "127.0.0.1", port)
    [problem] = raised.value.problems
    assert str(problem) == (
        f"--port: port {port} is already in use on 127.0.0.1 (stop the program using it, "
        "or choose another port; --port 0 picks a free one)"
    )


# --- Real projects, edited on disk -----------------------------------------------------------

BRIEFING = "title: {title}\npublished: 2024-03-01\nlang: en\nextract: false\n"


def project_files(**titles: str) -> dict[str, str]:
    files = {"briefgen.yaml": "title: Preview\nbase_url: https://user.github.io/repo/\n"}
    for slug, title in titles.items():
        files[f"content/{slug}.yaml"] = BRIEFING.format(title=title)
        files[f"seeds/{slug}.txt"] = f"The article about {title}.\n"
    return files


class Session:
    """A running preview of a project, with the notices it gave."""

    def __init__(self, preview: Preview, notices: queue.Queue[Notice], root: Path) -> None:
        self.preview = preview
        self.notices = notices
        self.root = root
        self.port = urlsplit(preview.url).port or 80

    def get(self, path: str) -> Reply:
        return fetch(self.port, path)

    def next_rebuild(self) -> Notice:
        """The next notice about a rebuild caused by a change (a queue timeout fails the test)."""
        while True:
            notice = self.notices.get(timeout=DEADLINE)
            if notice.changed:
                return notice

    def edit(self, name: str, text: str) -> None:
        (self.root / name).write_text(text, encoding="utf-8")

    def served_equals_a_fresh_build(self) -> bool:
        fresh = build_in_memory(load_config(self.root / "briefgen.yaml")[0]).files
        return self.preview.live.current().files == fresh


@contextmanager
def previewing(root: Path, **options: Any) -> Iterator[Session]:
    notices: queue.Queue[Notice] = queue.Queue()
    with Preview(
        lambda: load_config(root / "briefgen.yaml")[0], port=0, notify=notices.put, **options
    ) as preview:
        yield Session(preview, notices, root)


@pytest.fixture
def session(make_site: Callable[[Mapping[str, str]], Path]) -> Iterator[Session]:
    with previewing(make_site(project_files(alpha="Alpha", beta="Beta"))) as running:
        yield running


def title_on(session: Session, slug: str) -> str:
    found = re.search(rb"<h1[^>]*>(.*?)</h1>", session.get(f"/repo/briefings/{slug}/").body)
    return found.group(1).decode() if found else ""


def test_the_preview_prints_the_site_url_and_a_summary(session: Session) -> None:
    built, serving = session.notices.get_nowait(), session.notices.get_nowait()
    assert re.fullmatch(r"built in \d+\.\d\d s: 2 briefings, \d+ pages", built.text)
    assert serving.text == f"serving http://127.0.0.1:{session.port}/repo/ (Ctrl-C to stop)"


def test_a_save_made_during_the_first_build_is_built_right_after_it(
    make_site: Callable[[Mapping[str, str]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first build runs before the watcher (so that it can fork helpers): what was saved
    meanwhile is found by the files' stamps."""
    root = make_site(project_files(alpha="Alpha", beta="Beta"))
    real = Assembler.assemble

    def saving_meanwhile(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(Assembler, "assemble", real)  # once
        (root / "content/alpha.yaml").write_text(BRIEFING.format(title="Alpha, saved meanwhile"))
        return real(*args, **kwargs)

    monkeypatch.setattr(Assembler, "assemble", saving_meanwhile)
    with previewing(root) as session:
        notice = session.next_rebuild()
        assert notice.changed == (root / "content/alpha.yaml",)
        assert title_on(session, "alpha") == "Alpha, saved meanwhile"


def test_an_edit_reloads_open_pages_with_the_new_content(session: Session) -> None:
    token = token_of(session.get("/repo/briefings/alpha/").body)
    stream = ReloadStream(session.port, token)
    session.edit("content/alpha.yaml", BRIEFING.format(title="Alpha, revised"))
    stream.next_reload()
    assert title_on(session, "alpha") == "Alpha, revised"
    notice = session.next_rebuild()
    assert notice.changed == (session.root / "content/alpha.yaml",)
    assert notice.text.startswith("rebuilt in ")


def test_after_a_sequence_of_edits_the_served_site_equals_a_fresh_build(session: Session) -> None:
    session.edit("content/alpha.yaml", BRIEFING.format(title="Alpha 2"))
    session.edit("seeds/beta.txt", "A new article about Beta.\n")
    (session.root / "content/gamma.yaml").write_text(BRIEFING.format(title="Gamma"))
    (session.root / "seeds/gamma.txt").write_text("Gamma's article.\n")
    session.next_rebuild()
    (session.root / "content/beta.yaml").unlink()
    session.edit(
        "briefgen.yaml", "title: Preview, renamed\nbase_url: https://user.github.io/repo/\n"
    )
    wait_until(session.served_equals_a_fresh_build, "the served site matches a fresh build")
    fresh = build_in_memory(load_config(session.root / "briefgen.yaml")[0]).files
    for name, content in fresh.items():
        assert SCRIPT_TAG.sub(b"", session.get(f"/repo/{name}").body) == content, name
    assert session.get("/repo/briefings/beta/").status == 404


def test_a_broken_file_shows_its_error_then_the_page_recovers_by_itself(session: Session) -> None:
    stream = ReloadStream(session.port, session.preview.live.current().token)
    session.edit("content/alpha.yaml", "title: [unclosed\npublished: 2024-03-01\n")
    stream.next_reload()
    failed = session.next_rebuild()
    assert failed.level == "error"
    assert failed.problems and str(failed.problems[0]).startswith("content/alpha.yaml:")
    page = session.get("/repo/briefings/alpha/")
    assert str(failed.problems[0]).encode() in page.body.replace(b"&#x27;", b"'")
    assert b"briefgen-build-errors" in page.body
    stream = ReloadStream(session.port, token_of(page.body))
    session.edit("content/alpha.yaml", BRIEFING.format(title="Alpha, fixed"))
    stream.next_reload()
    assert session.next_rebuild().level == "info"
    page = session.get("/repo/briefings/alpha/")
    assert b"briefgen-build-errors" not in page.body
    assert title_on(session, "alpha") == "Alpha, fixed"


def causes_of_rebuilds(session: Session) -> list[tuple[Path, ...]]:
    """What caused the next rebuild and every one after it, up to that of a marker edit made
    once the first is done: when the marker's rebuild is announced, every earlier event was
    handled. A clean save gives `[(the file,), (the marker,)]`."""
    marker = session.root / "seeds/beta.txt"
    causes: list[tuple[Path, ...]] = []
    while not causes or marker not in causes[-1]:
        notice = session.next_rebuild()
        assert notice.level == "info", notice
        causes.append(notice.changed)
        if len(causes) == 1:
            marker.write_text(f"Marker {time.monotonic_ns()}.\n", encoding="utf-8")
    return causes


def test_vim_swap_files_and_rename_write_delete_give_one_clean_rebuild(session: Session) -> None:
    content = session.root / "content"
    swap = content / ".alpha.yaml.swp"
    swap.write_bytes(b"\x00vim swap")
    (content / "4913").write_text("")
    (content / "4913").unlink()
    (content / "alpha.yaml").rename(content / "alpha.yaml~")
    (content / "alpha.yaml").write_text(BRIEFING.format(title="Alpha from Vim"))
    (content / "alpha.yaml~").unlink()
    swap.unlink()
    assert causes_of_rebuilds(session) == [
        (content / "alpha.yaml",),
        (session.root / "seeds/beta.txt",),
    ]
    assert title_on(session, "alpha") == "Alpha from Vim"


def test_jetbrains_safe_write_gives_one_clean_rebuild(session: Session) -> None:
    seeds = session.root / "seeds"
    (seeds / "alpha.txt___jb_tmp___").write_text("Written by a JetBrains IDE.\n")
    (seeds / "alpha.txt").rename(seeds / "alpha.txt___jb_old___")
    (seeds / "alpha.txt___jb_tmp___").rename(seeds / "alpha.txt")
    (seeds / "alpha.txt___jb_old___").unlink()
    assert causes_of_rebuilds(session) == [(seeds / "alpha.txt",), (seeds / "beta.txt",)]
    assert b"Written by a JetBrains IDE." in session.get("/repo/briefings/alpha/").body


@pytest.mark.parametrize("name", ["content/alpha.yaml", "seeds/alpha.txt"])
def test_truncate_then_write_is_built_once_never_half_written(session: Session, name: str) -> None:
    """VS Code empties the file, then writes it; a slow write leaves it empty for a while."""
    path = session.root / name
    new_text = (
        BRIEFING.format(title="Alpha from VS Code")
        if name.endswith(".yaml")
        else "Alpha from VS Code.\n"
    )
    with path.open("w", encoding="utf-8") as file:
        file.flush()
        time.sleep(QUIET_SECONDS * 1.5)  # the editor's pause, longer than the quiet period
        file.write(new_text)
    assert causes_of_rebuilds(session) == [(path,), (session.root / "seeds/beta.txt",)]
    assert b"Alpha from VS Code" in session.get("/repo/briefings/alpha/").body


def test_a_file_in_the_sites_theme_folder_is_watched_and_served(session: Session) -> None:
    extra = session.root / "themes/default/static/extra.css"
    extra.parent.mkdir(parents=True)
    extra.write_text("body { margin: 0 }\n")
    wait_until(lambda: session.get("/repo/static/extra.css").status == 200, "extra.css served")
    assert session.get("/repo/static/extra.css").body == b"body { margin: 0 }\n"


def test_editing_base_url_moves_the_site_and_the_root_follows(session: Session) -> None:
    session.edit("briefgen.yaml", "title: Preview\nbase_url: https://user.github.io/other/\n")
    wait_until(lambda: session.preview.live.current().base_path == "/other/", "the site moved")
    assert session.get("/").headers["Location"] == "/other/"
    assert session.get("/other/briefings/alpha/").status == 200


def test_polling_sees_edits_too(make_site: Callable[[Mapping[str, str]], Path]) -> None:
    with previewing(make_site(project_files(alpha="Alpha")), poll=True) as polled:
        polled.edit("content/alpha.yaml", BRIEFING.format(title="Alpha, polled"))
        assert polled.next_rebuild().changed == (polled.root / "content/alpha.yaml",)
        assert title_on(polled, "alpha") == "Alpha, polled"


def test_listening_on_every_address_warns_and_accepts_ip_addresses(
    make_site: Callable[[Mapping[str, str]], Path],
) -> None:
    with previewing(make_site(project_files(alpha="Alpha")), host="0.0.0.0") as exposed:
        warning = exposed.notices.get_nowait()
        assert warning.level == "warning"
        assert warning.text.startswith("listening on 0.0.0.0: other machines on the network")
        assert fetch(exposed.port, "/repo/", Host=f"192.0.2.7:{exposed.port}").status == 200
        assert fetch(exposed.port, "/repo/", Host=f"evil.example:{exposed.port}").status == 403


def test_serve_opens_the_site_in_the_browser_and_ctrl_c_ends_it_quietly(
    make_site: Callable[[Mapping[str, str]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(project_files(alpha="Alpha"))
    opened: list[Reply] = []

    def open_then_press_ctrl_c(url: str) -> bool:
        parts = urlsplit(url)
        opened.append(fetch(parts.port or 80, parts.path))
        raise KeyboardInterrupt

    monkeypatch.setattr(webbrowser, "open", open_then_press_ctrl_c)
    notices: list[Notice] = []
    serve(
        lambda: load_config(root / "briefgen.yaml")[0],
        port=0,
        open_browser=True,
        notify=notices.append,
    )
    assert [reply.status for reply in opened] == [200]
    port = urlsplit(notices[-1].text.split()[1]).port
    with socket.socket() as again:
        again.bind(("127.0.0.1", port or 80))  # the port was released


# --- The command ----------------------------------------------------------------------------


class Command:
    """`python -m briefgen serve ...` in a project; its output is read as it comes."""

    def __init__(self, root: Path, *arguments: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefgen", "serve", *arguments],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.errors: list[str] = []
        self.readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.lines.put)),
            threading.Thread(target=self._read, args=(self.process.stderr, self.errors.append)),
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream: IO[str], keep: Callable[[str], None]) -> None:
        for line in stream:
            keep(line)

    def line_matching(self, pattern: str) -> re.Match[str]:
        while not (found := re.search(pattern, self.lines.get(timeout=DEADLINE))):
            pass
        return found

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C; the exit status and everything written to stderr."""
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(DEADLINE)
        for reader in self.readers:
            reader.join(DEADLINE)
        return status, "".join(self.errors)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def test_the_command_prints_the_url_and_stops_cleanly_on_ctrl_c(
    make_site: Callable[[Mapping[str, str]], Path],
) -> None:
    root = make_site(project_files(alpha="Alpha"))
    before = sorted(root.parent.rglob("*"))
    command = Command(root, "--port", "0")
    try:
        url = command.line_matching(r"serving (http://127\.0\.0\.1:\d+/repo/) ").group(1)
        port = urlsplit(url).port or 80
        assert b"<h1" in fetch(port, "/repo/briefings/alpha/").body
        status, errors = command.interrupt()
    finally:
        command.kill()
    assert status == 0, errors
    assert "Traceback" not in errors
    assert command.line_matching("stopped")
    assert sorted(root.parent.rglob("*")) == before, "a preview writes nothing"


def test_the_command_reports_a_busy_port_in_one_line(
    make_site: Callable[[Mapping[str, str]], Path],
) -> None:
    root = make_site(project_files(alpha="Alpha"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "briefgen", "serve", "--port", str(port)],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=DEADLINE,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.startswith(f"--port: port {port} is already in use on 127.0.0.1 (")
    assert "Traceback" not in result.stderr


# --- In a real browser ----------------------------------------------------------------------


@pytest.mark.browser
def test_a_browser_page_follows_edits_shows_errors_and_recovers_untouched(
    make_site: Callable[[Mapping[str, str]], Path], browser: Browser
) -> None:
    from playwright.sync_api import expect

    with previewing(make_site(project_files(alpha="Alpha"))) as session:
        page = browser.new_page()
        try:
            page.goto(session.preview.url + "briefings/alpha/")
            title = page.locator("#briefing-title")
            expect(title).to_have_text("Alpha")
            session.edit("content/alpha.yaml", BRIEFING.format(title="Alpha, live"))
            expect(title).to_have_text("Alpha, live")
            session.edit("content/alpha.yaml", "title: [unclosed\npublished: 2024-03-01\n")
            errors = page.locator("#briefgen-build-errors")
            expect(errors).to_contain_text("content/alpha.yaml:2:")
            session.edit("content/alpha.yaml", BRIEFING.format(title="Alpha, fixed"))
            expect(errors).to_have_count(0)
            expect(title).to_have_text("Alpha, fixed")
        finally:
            page.close()
