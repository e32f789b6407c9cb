"""`briefgen serve`: build the site, serve it, watch its sources, and reload open pages.

The pieces (a `LiveSite`, its `PreviewServer`, a `SourceWatcher` feeding a `Debouncer`) start and
stop together in a `Preview`; `serve` runs one until Ctrl-C. Nothing is written to disk: the site
is built and served in memory, so stopping at any moment leaves no trace behind. What the person
running the preview should read arrives as `Notice`s through a callback, for the CLI to print.
"""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from briefgen.build import SiteBuilder
from briefgen.errors import Problem
from briefgen.model import SiteConfig
from briefgen.serve import DEFAULT_HOST, DEFAULT_PORT
from briefgen.serve.live import LiveSite, Rebuild
from briefgen.serve.server import PreviewServer, is_loopback
from briefgen.serve.watch import (
    Debouncer,
    SourceWatcher,
    changed_between,
    source_stamps,
    watch_targets,
)

Level = Literal["info", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Notice:
    """One message for the terminal, with the build's problems that go with it (one line each,
    paths relative to the project, warnings marked by their severity) and, for a rebuild, the
    changed files that caused it. `level` is "error" for a failed build, "warning" for advice
    about the command line (an address reachable from the network), "info" otherwise."""

    text: str
    level: Level = "info"
    problems: tuple[Problem, ...] = ()
    changed: tuple[Path, ...] = ()


def _ignore(notice: Notice) -> None:
    """The default listener: a library does not print."""


class Preview:
    """A running preview, as a context manager: on entry the port is bound, the site built and
    served, and the sources watched; on exit all of it stops. `url` is the site's address.

    `load_config` is called for every build, so edits to `briefgen.yaml` apply; its first call
    (on entry) must succeed, as the project folder to watch comes from it. A bad config raises
    `ConfigError`, as does an address that cannot be listened on.
    """

    def __init__(
        self,
        load_config: Callable[[], SiteConfig],
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        drafts: bool = False,
        poll: bool = False,
        notify: Callable[[Notice], None] = _ignore,
    ) -> None:
        self._load_config = load_config
        self._host, self._port = host, port
        self._drafts, self._poll = drafts, poll
        self._notify = notify
        self._stack = ExitStack()
        self._announced_warnings: tuple[Problem, ...] = ()

    @property
    def url(self) -> str:
        """The site's address, under its base path: `http://127.0.0.1:8000/repo/`."""
        return self._server.url + self.live.current().base_path.removeprefix("/")

    @property
    def live(self) -> LiveSite:
        return self._live

    def __enter__(self) -> Preview:
        self._first_config = config = self._load_config()
        self._root = config.root
        self._live = LiveSite(SiteBuilder(self._load_config, drafts=self._drafts), config.root)
        with ExitStack() as stack:
            self._server = PreviewServer(self._live, self._host, self._port)
            stack.callback(self._server.stop)
            stack.callback(self._live.close)
            self._debouncer = Debouncer(self._rebuild_after)
            self._watcher = SourceWatcher(self._debouncer.changed, poll=self._poll)
            if not is_loopback(self._host):
                self._notify(Notice(_EXPOSED.format(host=self._host or "every address"), "warning"))
            # The first build runs before any thread is started, so that it can fork helpers
            # (`workers.can_fork`); the files saved meanwhile are found by their stamps, and
            # rebuilt right after it.
            targets = watch_targets(config)
            before = source_stamps(targets)
            self._announce(self._live.rebuild(), frozenset())
            self._watch_sources()
            self._watcher.start()
            stack.callback(self._watcher.stop)
            for path in changed_between(before, source_stamps(targets)):
                self._debouncer.changed(path)
            self._debouncer.start()
            stack.callback(self._debouncer.stop)
            self._server.start()
            self._notify(Notice(f"serving {self.url} (Ctrl-C to stop)"))
            self._stack = stack.pop_all()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stack.close()

    def _rebuild_after(self, changed: frozenset[Path]) -> None:
        """One burst of saves: watch any folder that appeared, rebuild, then watch what the
        config now names (another theme, say)."""
        self._watch_sources()
        outcome = self._live.rebuild()
        self._watch_sources()
        self._announce(outcome, changed)

    def _watch_sources(self) -> None:
        """Watch the sources of the last good config (the first one until a build succeeds)."""
        self._watcher.watch(watch_targets(self._live.current().config or self._first_config))

    def _announce(self, outcome: Rebuild, changed: frozenset[Path]) -> None:
        paths = tuple(sorted(changed))
        cause = _describe(paths, self._root)
        if outcome.report is None:
            self._announced_warnings = ()
            text = f"the build failed{cause}; the browser shows why until it is fixed"
            self._notify(Notice(text, "error", outcome.problems, paths))
            return
        report = outcome.report
        what = f"{_count(report.briefings, 'briefing')}, {_count(report.pages, 'page')}"
        if not outcome.changed:
            what = "no page changed"
        verb = "rebuilt" if changed else "built"
        warnings = () if outcome.problems == self._announced_warnings else outcome.problems
        self._announced_warnings = outcome.problems
        text = f"{verb} in {outcome.seconds:.2f} s{cause}: {what}"
        self._notify(Notice(text, "info", warnings, paths))


_EXPOSED = (
    "listening on {host}: other machines on the network can open this preview; "
    "it is meant for this machine (the default, 127.0.0.1)"
)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _describe(changed: tuple[Path, ...], root: Path) -> str:
    """`" after content/x.yaml changed"`, for the rebuild line."""
    names = [str(path.relative_to(root) if path.is_relative_to(root) else path) for path in changed]
    if not names:
        return ""
    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
    return f" after {names[0]}{more} changed"


def serve(
    load_config: Callable[[], SiteConfig],
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    drafts: bool = False,
    poll: bool = False,
    open_browser: bool = False,
    notify: Callable[[Notice], None] = _ignore,
) -> None:
    """Preview the site until Ctrl-C, which is the normal way to stop and returns quietly.

    Raises `ConfigError` when the config cannot be read or the address cannot be listened on.
    """
    try:
        with Preview(
            load_config, host=host, port=port, drafts=drafts, poll=poll, notify=notify
        ) as preview:
            if open_browser:
                webbrowser.open(preview.url)
            threading.Event().wait()
    except KeyboardInterrupt:
        return
