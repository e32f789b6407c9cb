"""The site being previewed: the last good build in memory, and a token that moves when it changes.

Requests read a `Snapshot`, an immutable value replaced whole when a build finishes, so no request
ever sees half a site; while a build runs, requests wait for it (as `mkdocs serve` does). A failed
build keeps the last good files and adds its problems, which the pages then show on top of them.
Every change of what a browser would show gets a new token; open pages compare the token they were
served with against the current one to know they must reload.

An edit shows first where the user is looking: the briefing pages open in browsers (those
requested last) are made before the rest of the site and published at once in an early snapshot,
with the new token. A request for one of them gets it; any other request still waits for the
whole build, so no page is ever served stale after the token moved, and the finished build keeps
that token (open pages reload once) unless it made one of those pages differently: an early page
is made with the last build's links (`Renderer.render_early`), and the edit may have moved them.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from briefgen.build import BuildReport, BuiltSite
from briefgen.errors import BriefgenError, Problem
from briefgen.model import SiteConfig
from briefgen.paths import site_root_path
from briefgen.render import FileSink

logger = logging.getLogger(__name__)


class Builder(Protocol):
    """What the preview needs of `briefgen.build.SiteBuilder`: the site as it is now, handing
    the briefing pages among `first` to `early` as soon as they are made."""

    def build(self, first: Collection[str] = (), early: FileSink | None = None) -> BuiltSite: ...


#: How many of the pages requested last are made first after an edit.
OPEN_PAGES = 8


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the server shows at one moment.

    `files` is the last good site ({} until a build succeeds); `problems` are the errors of the
    latest build, () when it succeeded; `base_path` is the URL path the site lives under, taken
    from `base_url` as production would ("/repo/" for https://u.github.io/repo/).
    """

    token: str
    files: Mapping[str, bytes] = field(default_factory=dict)
    base_path: str = "/"
    problems: tuple[Problem, ...] = ()
    config: SiteConfig | None = None


@dataclass(frozen=True, slots=True)
class Rebuild:
    """What one rebuild did, for the terminal. `report` is None when the build failed.

    `problems` are the errors of a failed build, or the warnings of a successful one; `changed`
    says whether open pages were told to reload (a build giving the same bytes changes nothing).
    """

    report: BuildReport | None
    problems: tuple[Problem, ...]
    changed: bool
    seconds: float

    @property
    def succeeded(self) -> bool:
        return self.report is not None


def page_key(path: str, snapshot: Snapshot) -> str | None:
    """The file a request path names in `snapshot` (`/a/` is `a/index.html`), or None when the
    path is outside the site's base path."""
    if not path.startswith(snapshot.base_path):
        return None
    key = path.removeprefix(snapshot.base_path)
    return key + "index.html" if key == "" or key.endswith("/") else key


def base_path_of(base_url: str) -> str:
    """The URL path the site is served under (`site_root_path`), decoded as request paths are:
    "" and "https://x.org" give "/"."""
    return unquote(site_root_path(base_url))


class LiveSite:
    """The current `Snapshot`, rebuilt on demand; thread-safe.

    `root` is the project folder: problems are shown with paths relative to it, as users type them.
    """

    def __init__(self, builder: Builder, root: Path) -> None:
        self._builder = builder
        self._root = root
        self._instance = secrets.token_hex(4)
        self._generation = 0
        self._state = threading.Condition()
        self._one_build_at_a_time = threading.Lock()
        self._snapshot = Snapshot(token=self._next_token())
        self._early: Snapshot | None = None
        self._early_pages: set[str] = set()
        self._open_pages: dict[str, None] = {}
        self._building = False
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def rebuild(self) -> Rebuild:
        """Build the site again and publish the result; requests wait meanwhile.

        Never raises for a failed build: bad input and even a crashing build become problems
        shown to the user, and the last good site stays served.
        """
        with self._one_build_at_a_time:
            with self._state:
                self._building = True
                first = tuple(self._open_pages)
            started = time.perf_counter()
            try:
                built, problems = self._build(first)
                changed = self._publish(built, problems)
            finally:
                with self._state:
                    self._building = False
                    self._early, self._early_pages = None, set()
                    self._state.notify_all()
            report = built.report if built is not None else None
            return Rebuild(report, problems, changed, time.perf_counter() - started)

    def current(self, path: str | None = None) -> Snapshot:
        """The snapshot to answer a request for `path` with: once any build in progress has
        finished, or at once if the build already published that page early."""
        with self._state:
            self._state.wait_for(
                lambda: not self._building or self._closed or self._early_has(path)
            )
            snapshot = self._early if self._building and self._early_has(path) else None
            snapshot = snapshot or self._snapshot
            self._note_open(path, snapshot)
            return snapshot

    def next_change(self, token: str, timeout: float) -> Snapshot | None:
        """The current snapshot as soon as its token is not `token` (at once if it already
        differs; an early snapshot counts); None if `timeout` seconds pass first or the site
        is closed."""
        with self._state:
            moved = self._state.wait_for(lambda: self._moved_from(token) is not None, timeout)
            return self._moved_from(token) if moved and not self._closed else None

    def _moved_from(self, token: str) -> Snapshot | None:
        if self._closed:
            return self._snapshot
        if self._building:
            return self._early if self._early and self._early.token != token else None
        return self._snapshot if self._snapshot.token != token else None

    def _early_has(self, path: str | None) -> bool:
        """Whether the build in progress already published the page `path` asks for."""
        key = None if path is None or self._early is None else page_key(path, self._early)
        return key in self._early_pages

    def _note_open(self, path: str | None, snapshot: Snapshot) -> None:
        """Remember `path` among the pages open in browsers, if it is a page of the site."""
        key = None if path is None else page_key(path, snapshot)
        if key is None or not key.endswith(".html") or key not in snapshot.files:
            return
        self._open_pages.pop(key, None)
        self._open_pages[key] = None
        while len(self._open_pages) > OPEN_PAGES:
            del self._open_pages[next(iter(self._open_pages))]

    def _publish_early(self, name: str, page: bytes) -> None:
        """Show the freshly made `page` at once, under the token the whole build will have."""
        with self._state:
            base = self._early or self._snapshot
            if base.files.get(name) == page:
                return
            token = base.token if self._early else self._next_token()
            files = {**base.files, name: page}
            self._early = replace(base, token=token, files=files, problems=())
            self._early_pages.add(name)
            self._state.notify_all()

    def close(self) -> None:
        """Release every waiting request (the server is stopping)."""
        with self._state:
            self._closed = True
            self._state.notify_all()

    def _build(self, first: Collection[str]) -> tuple[BuiltSite | None, tuple[Problem, ...]]:
        try:
            built = self._builder.build(first, self._publish_early)
        except BriefgenError as failure:
            return None, tuple(p.relative_to(self._root) for p in failure.problems)
        except Exception as bug:
            logger.debug("the build crashed", exc_info=True)
            hint = "a bug in briefgen; `briefgen build --debug` shows where"
            return None, (Problem("briefgen", f"internal error in the build: {bug!r}", hint=hint),)
        return built, tuple(p.relative_to(self._root) for p in built.report.warnings)

    def _publish(self, built: BuiltSite | None, problems: tuple[Problem, ...]) -> bool:
        """Swap in what the build gave; True if a browser would now show something else."""
        old = self._snapshot
        if built is None:
            new = replace(old, problems=problems)
        else:
            # A copy, so that a builder reusing its mapping cannot change what is being served.
            files = dict(built.files)
            new = Snapshot(old.token, files, base_path_of(built.config.base_url), (), built.config)
        changed = (new.files, new.base_path, new.problems) != (
            old.files,
            old.base_path,
            old.problems,
        )
        if changed:
            # The token an early snapshot announced, when the build went on to succeed with the
            # very pages it showed: pages that reloaded then already show them. A page made
            # early on a guess that turned out wrong gets a new token, so that they reload again.
            early = self._early if built is not None else None
            if early is not None and any(
                new.files.get(name) != early.files[name] for name in self._early_pages
            ):
                early = None
            token = early.token if early is not None else self._next_token()
            new = replace(new, token=token)
        with self._state:
            self._snapshot = new
        return changed

    def _next_token(self) -> str:
        """A token unique to this server and this change: a page served by an earlier run of
        `briefgen serve` reloads too when it reconnects."""
        self._generation += 1
        return f"{self._instance}-{self._generation}"
