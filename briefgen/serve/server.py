"""The HTTP side of the preview: a threaded stdlib server answering from the `LiveSite`.

Each connection gets its own daemon thread, so open reload streams never hold up an ordinary
request, nor Ctrl-C. Requests must name this server in `Host` (a page on another site that
rebinds its DNS name to 127.0.0.1 gets nothing), and must not come from a foreign `Origin`. A
browser that goes away mid-response is routine for a preview, not an error worth a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import socket
import socketserver
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from briefgen.errors import ConfigError, Problem
from briefgen.serve import DEFAULT_HOST, DEFAULT_PORT
from briefgen.serve.live import LiveSite
from briefgen.serve.pages import (
    EVENTS_PATH,
    TEXT_TYPE,
    Answer,
    BadRequest,
    answer,
    request_path,
)

logger = logging.getLogger(__name__)


#: How often an idle reload stream says it is alive; a write is how a server learns that a
#: browser went away, so this also bounds how long a closed tab holds a thread.
KEEPALIVE_SECONDS = 15.0

_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostPolicy:
    """The `Host` and `Origin` headers this server accepts: its own names, on its own port.

    DNS rebinding needs a domain name that the attacker controls, so on a wildcard address every
    IP address is fine, and so are this machine's own names; on a loopback address the usual
    names of loopback are (localhost, 127.0.0.1, [::1]); on another address, that address.
    """

    def __init__(self, host: str, port: int) -> None:
        self._port = port
        self._any_address = host in _WILDCARD_HOSTS
        names = {host.lower()}
        if self._any_address or is_loopback(host):
            names |= _LOOPBACK_NAMES
        if self._any_address:
            machine = socket.gethostname().lower()
            names |= {machine, f"{machine}.local"}
        self._names = frozenset(names)

    def allows_host(self, header: str) -> bool:
        return self._is_own_authority(header)

    def allows_origin(self, header: str | None) -> bool:
        """No `Origin` is fine (same-origin GETs send none); one must be this server."""
        if header is None:
            return True
        scheme, _, authority = header.partition("://")
        return scheme == "http" and self._is_own_authority(authority)

    def _is_own_authority(self, authority: str) -> bool:
        if not authority or any(char in authority for char in "@/?#\\ "):
            return False
        try:
            parts = urlsplit(f"//{authority}")
            name, port = parts.hostname, parts.port or 80
        except ValueError:
            return False
        if name is None or port != self._port:
            return False
        return name in self._names or (self._any_address and _is_ip_address(name))


class PreviewServer:
    """Listens at once (so a busy port is reported before any build), serves from a thread."""

    def __init__(self, live: LiveSite, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
        self._httpd = _bind(live, host, port)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._httpd.port

    @property
    def url(self) -> str:
        """The root URL to open, `http://127.0.0.1:8000/` (a wildcard shows as loopback)."""
        return self._httpd.root_url

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop answering and release the port; open reload streams end with the `LiveSite`."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Closing must not wait for open connections: a reload stream lasts as long as its tab.
    block_on_close = False

    def __init__(self, address: tuple[str, int], family: socket.AddressFamily, live: LiveSite):
        self.address_family = family
        self.live = live
        self.host = address[0]
        super().__init__(address, PreviewHandler)
        self.port: int = self.socket.getsockname()[1]
        self.policy = HostPolicy(self.host, self.port)
        shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        self.root_url = f"http://{f'[{shown}]' if ':' in shown else shown}:{self.port}/"

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host's name up in DNS, which can take seconds and is
        # not needed: the handler never uses it.
        socketserver.TCPServer.server_bind(self)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        logger.error("answering %s failed: %r", client_address, error)
        logger.debug("traceback", exc_info=True)


def _bind(live: LiveSite, host: str, port: int) -> _HTTPServer:
    """A listening server, or a `ConfigError` saying what to change on the command line."""
    if not 0 <= port <= 65535:
        problem = Problem("--port", f"{port} is not a port number", hint="use 0 to 65535")
        raise ConfigError([problem])
    try:
        family = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)[0][0]
        return _HTTPServer((host, port), family, live)
    except OSError as error:
        raise ConfigError([_bind_problem(error, host, port)]) from None


def _bind_problem(error: OSError, host: str, port: int) -> Problem:
    if error.errno == errno.EADDRINUSE:
        return Problem(
            "--port",
            f"port {port} is already in use on {host}",
            hint="stop the program using it, or choose another port; --port 0 picks a free one",
        )
    if error.errno == errno.EACCES:
        return Problem(
            "--port",
            f"not allowed to listen on port {port}",
            hint="ports below 1024 need administrator rights; the default is 8000",
        )
    reason = error.strerror or str(error)
    return Problem(
        "--host",
        f"cannot listen on {host!r}: {reason}",
        hint="use an address of this machine; the default, 127.0.0.1, is this machine only",
    )


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD on the site and on the reload stream; everything else is 501."""

    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "briefgen"
    # A connection that sends nothing for this long is dropped (the reload stream writes more
    # often than this, so it is never cut).
    timeout = 2 * KEEPALIVE_SECONDS

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError):
            super().handle()

    def finish(self) -> None:
        with contextlib.suppress(ConnectionError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def _answer(self, *, with_body: bool) -> None:
        refusal = self._refusal()
        if refusal is not None:
            self._send(Answer(HTTPStatus.FORBIDDEN, refusal.encode(), TEXT_TYPE), with_body)
            return
        try:
            path, query = request_path(self.path)
        except BadRequest as bad:
            self._send(Answer(HTTPStatus.BAD_REQUEST, f"{bad}\n".encode(), TEXT_TYPE), with_body)
            return
        if path == EVENTS_PATH:
            self._stream_events(query, with_body)
            return
        self._send(answer(path, self.server.live.current(path)), with_body)

    def _refusal(self) -> str | None:
        """Why this request is refused, or None: only this server's own pages may ask."""
        policy = self.server.policy
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not policy.allows_host(hosts[0]):
            return (
                f"refused: Host {', '.join(hosts) or '(none)'!r} is not this server "
                f"(a protection against DNS rebinding); open {self.server.root_url}\n"
            )
        origin = self.headers.get("Origin")
        if not policy.allows_origin(origin):
            return f"refused: requests from {origin!r} are not allowed\n"
        return None

    def _send(self, reply: Answer, with_body: bool) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if reply.location:
            self.send_header("Location", reply.location)
        self.end_headers()
        if with_body:
            self.wfile.write(reply.body)

    def _stream_events(self, query: str, with_body: bool) -> None:
        """Server-Sent Events: one `reload` as soon as the site differs from the page's token,
        then the stream ends (the page reloads and opens a new one)."""
        live = self.server.live
        since = parse_qs(query).get("since", [""])[0] or live.current().token
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if not with_body:
            return
        self.wfile.write(b"retry: 1000\n\n")
        while True:
            changed = live.next_change(since, KEEPALIVE_SECONDS)
            if live.closed:
                return
            if changed is not None:
                self.wfile.write(f"event: reload\ndata: {changed.token}\n\n".encode())
                return
            self.wfile.write(b": waiting for a change\n\n")
