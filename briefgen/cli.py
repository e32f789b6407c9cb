"""The command line: parse arguments, call one function, turn problems into one-line messages.

This is the only module that talks to the terminal (GUIDE.md). Every user-facing error arrives
here as a `BriefgenError` carrying `Problem`s and leaves as `path:line:col: message` lines on
stderr with exit status 1; a traceback appears only with `--debug`.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime
import gc
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from briefgen import __version__
from briefgen.build import BuildReport, build
from briefgen.config import find_config, load_config
from briefgen.errors import BriefgenError, ConfigError, Problem
from briefgen.model import SiteConfig
from briefgen.serve import DEFAULT_HOST, DEFAULT_PORT

# The modules of `publish`, `init-ci`, `extract` and `serve` are imported by their commands
# alone: with their own imports (a web server, git, the extractor), they took 30 ms of each
# build, a tenth of a rebuild that finds nothing changed.

#: Without --verbose, a build lists this many warnings and counts the rest.
WARNINGS_SHOWN = 20

EXIT_OK, EXIT_PROBLEMS, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 130
#: The status of a process whose output could not be written at its end (Python's).
EXIT_UNWRITTEN = 120

Command = Callable[[argparse.Namespace], int]


def console() -> NoReturn:
    """The `briefgen` command as a process (`python -m briefgen` too): `main`, with Python's
    cycle collector off, then the end of the process as soon as its output is written.

    A build holds millions of objects, and a collection after it, or the interpreter's last
    one at exit, walked them all for nothing (0.7 s of a rebuild at 5,000 briefings); freeing
    them one by one cost 0.2-0.3 s more. So a command leaves what it made in a list that lives
    to the end (`build`'s `left`), and the process ends without the interpreter's clean-up:
    the system takes its memory back at once. `serve`, which lives on, turns the collector
    back on.
    """
    gc.disable()
    large_blocks_given_back()
    left: list[object] = []
    end_process(main(left=left))


def end_process(status: int) -> NoReturn:
    """End this process with `status` once what it printed is written, skipping the
    interpreter's clean-up (everything is written by then: a command returns only when it is
    done). Output that can no longer be written makes a success a failure, status 120, as at
    the end of Python's own exit."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None where the process has no console to write to
                stream.flush()
        except (OSError, ValueError):
            status = status or EXIT_UNWRITTEN
    os._exit(status)


#: Blocks of memory at least this large are mapped on their own (see `large_blocks_given_back`).
LARGE_BLOCK = 1 << 20
#: glibc's `mallopt` parameter for that size.
_M_MMAP_THRESHOLD = -3


def large_blocks_given_back() -> None:
    """Have the C library map each block of `LARGE_BLOCK` or more on its own, so that the
    system gets it back as soon as it is freed.

    By default glibc raises that threshold to the largest block freed so far (up to 32 MiB):
    once a build has freed one large buffer (a digest of every input, 20 MB at 5,000
    briefings), later ones come from the heap, and stay with the process when freed, stuck
    behind smaller objects made meanwhile: 40 MiB more at the peak of a build of 5,000
    briefings, in each of its processes. Other C libraries are left as they are.
    """
    if on_glibc():
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK)


def on_glibc() -> bool:
    """Whether this process runs on glibc, whose allocator `large_blocks_given_back` tunes."""
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


def main(argv: Sequence[str] | None = None, *, left: list[object] | None = None) -> int:
    """The command line; returns the exit status. What a build made goes to `left` when given
    (see `console`)."""
    parser = _parser()
    parser.set_defaults(left=left)
    args = parser.parse_args(argv)
    command: Command = args.command
    try:
        return command(args)
    except BriefgenError as failure:
        _print_problems(failure.problems)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("briefgen: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as bug:
        if args.debug:
            raise
        print(
            f"briefgen: internal error: {bug!r} (run again with --debug for details)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefgen", description="Build briefing sites from news articles."
    )
    parser.add_argument("--version", action="version", version=f"briefgen {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build the site into the output directory")
    _add_site_options(build)
    build.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    build.add_argument("--verbose", "-v", action="store_true", help="list every warning in full")
    build.set_defaults(command=_build)

    extract = commands.add_parser(
        "extract", help="print what briefgen extracts from an article, as content YAML"
    )
    extract.add_argument("article", type=Path, help="the article file (.txt or .md)")
    extract.add_argument("--lang", default=None, help="its language (default: the site's, or en)")
    extract.add_argument("--published", default=None,
                         help="its publication date, e.g. 2021-12-29 (default: today)")
    extract.add_argument("--format", choices=("yaml", "json"), default="yaml")
    extract.add_argument("--write", action="store_true",
                         help="create content/<slug>.yaml for it (never overwrites)")
    extract.add_argument("--config", "-c", type=Path, default=None, help="path of briefgen.yaml")
    extract.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    extract.set_defaults(command=_extract)

    preview = commands.add_parser(
        "serve", help="preview the site: rebuild on every save and reload the browser"
    )
    preview.add_argument("--host", default=DEFAULT_HOST,
                         help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)")
    preview.add_argument("--port", "-p", type=int, default=DEFAULT_PORT,
                         help=f"port to listen on (default: {DEFAULT_PORT}; 0 picks a free one)")
    preview.add_argument("--open", action="store_true", help="open the site in the web browser")
    preview.add_argument("--poll", action="store_true",
                         help="poll files for changes (for network and WSL file systems)")
    preview.add_argument("--drafts", action="store_true", help="include briefings marked draft")
    preview.add_argument("--config", "-c", type=Path, default=None,
                         help="path of briefgen.yaml (default: look in this folder and above)")
    preview.add_argument("--base-url", default=None,
                         help="preview under the path of this URL instead of base_url's")
    preview.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    preview.set_defaults(command=_serve, output=None)  # a preview writes nothing

    publish = commands.add_parser("publish", help="build, commit the site to gh-pages and push it")
    _add_site_options(publish)
    publish.add_argument("--remote", default="origin", help="git remote to push to (origin)")
    publish.add_argument("--branch", default="gh-pages", help="Pages branch (gh-pages)")
    publish.add_argument("--message", "-m", default=None, help="commit message")
    publish.add_argument("--no-push", dest="push", action="store_false",
                         help="commit locally only; the next publish pushes it")
    publish.add_argument("--force", action="store_true",
                         help="publish over a diverged remote branch (never over unseen commits)")
    publish.set_defaults(command=_publish)

    init_ci = commands.add_parser("init-ci", help="write a CI workflow that builds and deploys")
    init_ci.add_argument("provider", choices=("github",), help="where the workflow runs")
    init_ci.add_argument("--config", "-c", type=Path, default=None, help="path of briefgen.yaml")
    init_ci.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    init_ci.set_defaults(command=_init_ci)
    return parser


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that builds the site."""
    parser.add_argument(
        "--config",
        "-c",
        type=Path,
        default=None,
        help="path of briefgen.yaml (default: look in this folder and above)",
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        default=None,
        help="output directory (default: `output` in briefgen.yaml, or _site)",
    )
    parser.add_argument(
        "--base-url", default=None, help="public URL of the site, e.g. https://user.github.io/repo/"
    )
    parser.add_argument("--drafts", action="store_true", help="include briefings marked draft")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def _site_config(args: argparse.Namespace) -> SiteConfig:
    """The config named by `--config` (or found from the current folder), with overrides."""
    path = args.config if args.config is not None else find_config(Path.cwd())
    config, warnings = load_config(path, output=args.output, base_url=args.base_url)
    _print_problems(warnings, relative_to=config.root)
    return config


def _build(args: argparse.Namespace) -> int:
    config = _site_config(args)
    progress = _ProgressLine() if not args.quiet and sys.stderr.isatty() else None
    try:
        report = build(config, drafts=args.drafts, progress=progress, left=args.left)
    finally:
        if progress is not None:
            progress.clear()
    if not args.quiet:
        shown = report.warnings if args.verbose else report.warnings[:WARNINGS_SHOWN]
        _print_problems(shown, relative_to=config.root)
        if len(shown) < len(report.warnings):
            hidden = len(report.warnings) - len(shown)
            print(f"… and {_count(hidden, 'more warning')} (--verbose lists them all)",
                  file=sys.stderr)
        print(_summary(report, config.root))
    return EXIT_OK


def _publish(args: argparse.Namespace) -> int:
    from briefgen.publish import publish

    config = _site_config(args)
    report = publish(config, remote=args.remote, branch=args.branch, message=args.message,
                     push=args.push, force=args.force, drafts=args.drafts)
    target = f"{report.remote}/{report.branch}" if report.pushed else f"local {report.branch}"
    if report.created:
        print(f"Published {_count(report.files, 'file')} to {target} ({report.commit[:7]})")
    else:
        print("Site unchanged, no new commit" + (f"; pushed it to {target}" if report.pushed
                                                  else ""))
    if report.cname_kept:
        print(f"Kept the custom domain {report.cname} already on {report.branch}")
    if report.url:
        print(f"Site: {report.url}")
    return EXIT_OK


def _init_ci(args: argparse.Namespace) -> int:
    from briefgen.ci import write_pages_workflow

    path = args.config if args.config is not None else find_config(Path.cwd())
    config, _ = load_config(path)
    try:
        written = write_pages_workflow(config.root, output=config.output)
    except BriefgenError as failure:  # its files named as users type them, from the project
        raise BriefgenError(p.relative_to(config.root) for p in failure.problems) from None
    print(f"Wrote {written.relative_to(config.root)}; in the repository's Settings → Pages, "
          "choose GitHub Actions as the source")
    return EXIT_OK


def _extract(args: argparse.Namespace) -> int:
    from briefgen.scaffold import (
        as_json,
        as_yaml,
        content_fields,
        extract_seed,
        parse_published,
        write_content_file,
    )

    config = _optional_site_config(args.config, args.article)
    lang = args.lang or (config.language if config else "en")
    published = parse_published(args.published) if args.published else datetime.date.today()
    seed = extract_seed(args.article, lang=lang, published=published)
    root = config.root if config else Path.cwd()
    article = args.article.absolute()
    article_field = article.relative_to(root).as_posix() if article.is_relative_to(root) else \
        str(article)
    if args.write:
        if config is None:
            find_config(args.article)  # raises the "no briefgen.yaml" problem
        target = write_content_file(root / "content", seed, article_field)
        print(f"Wrote {target.relative_to(root)}")
    elif args.format == "json":
        print(as_json(seed))
    else:
        print(as_yaml(content_fields(seed, article_field)), end="")
    return EXIT_OK


def _optional_site_config(config_path: Path | None, near: Path) -> SiteConfig | None:
    """The site the article belongs to, when there is one; `extract` also works on loose files."""
    try:
        path = config_path if config_path is not None else find_config(near.absolute().parent)
    except ConfigError:
        return None
    return load_config(path)[0]


class _ProgressLine:
    """`Extracting 350/1000 briefings (180/s)` on one rewritten terminal line, for big builds."""

    MINIMUM = 200  # smaller builds finish before a progress line could be read

    def __init__(self) -> None:
        self._started = time.perf_counter()
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if total < self.MINIMUM or (done % 25 and done != total):
            return
        rate = done / max(time.perf_counter() - self._started, 1e-6)
        sys.stderr.write(f"\rExtracting {done}/{total} briefings ({rate:.0f}/s)\x1b[K")
        sys.stderr.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _summary(report: BuildReport, root: Path) -> str:
    output = report.output
    if output.is_relative_to(root):
        output = output.relative_to(root)
    unchanged = f", {report.unchanged} unchanged" if report.unchanged else ""
    return (
        f"Built {_count(report.briefings, 'briefing')}: {_count(report.pages, 'page')} "
        f"({_count(report.files, 'file')}{unchanged}) in {output}/, "
        f"{_count(len(report.warnings), 'warning')}, {report.seconds:.2f} s"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _print_problems(problems: Iterable[Problem], relative_to: Path | None = None) -> None:
    """One line per problem on stderr; warnings say so after their location, like compilers."""
    for problem in problems:
        if relative_to is not None:
            problem = problem.relative_to(relative_to)
        if problem.severity == "warning":
            problem = replace(problem, message=f"warning: {problem.message}")
        print(problem, file=sys.stderr)


def _serve(args: argparse.Namespace) -> int:
    """Preview until Ctrl-C, which is how a preview ends (status 0). Config warnings are shown
    once, at the start; every build reads the config afresh, so edits to it apply."""
    from briefgen.serve.preview import Notice, serve

    gc.enable()  # a preview lives on: its garbage must be collected (see `console`)
    config = _site_config(args)
    path = config.config_path or config.root / "briefgen.yaml"

    def current_config() -> SiteConfig:
        return load_config(path, base_url=args.base_url)[0]

    def show(notice: Notice) -> None:
        prefix = "warning: " if notice.level == "warning" else ""
        text = f"{datetime.datetime.now():%H:%M:%S} {prefix}{notice.text}"
        print(text, file=sys.stdout if notice.level == "info" else sys.stderr, flush=True)
        _print_problems(notice.problems)

    serve(current_config, host=args.host, port=args.port, drafts=args.drafts, poll=args.poll,
          open_browser=args.open, notify=show)
    print("stopped")
    return EXIT_OK
