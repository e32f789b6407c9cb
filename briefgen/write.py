"""Put a rendered site on disk, atomically: all of it, or none of it.

The site is written to a staging directory beside the output, file by file as the render stage
makes them (so a build never holds its whole output in memory), and swapped in only once every
file is there, so a failed or interrupted build leaves the previous site byte-for-byte as it was.
Files unchanged since the previous build are hard-linked from it, not written again. A
marker file says "briefgen made this directory": briefgen never replaces or deletes a directory
that lacks it, so a mistyped `output:` cannot wipe someone's documents.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from briefgen.errors import OutputError, Problem

MARKER = ".briefgen-site"
_MARKER_TEXT = b"This directory is written by briefgen; it is replaced on every build.\n"


class StagedSite:
    """A new site written file by file beside `output`, which it replaces only on `commit`.

    Files can be added as soon as they are made, so a build need not hold its whole site in
    memory. Leaving the `with` block without `commit` (an error, an interruption) discards
    everything written, and `output` stays as it was. Another process may `add` files too (the
    staging folder is a plain folder; each file is written once).

        with StagedSite(output) as staged:
            staged.add("index.html", html)
            staged.keep(["briefings/a/index.html"])   # unchanged: linked from the current output
            staged.commit()
    """

    def __init__(self, output: Path) -> None:
        _check_replaceable(output)
        self.output = output
        self._staging = _sibling(output, "staging")
        self._folders: set[Path] = set()

    def __enter__(self) -> StagedSite:
        self._staging.mkdir(parents=True)
        self._folders.add(self._staging)
        (self._staging / MARKER).write_bytes(_MARKER_TEXT)
        return self

    def __exit__(self, *_: object) -> None:
        shutil.rmtree(self._staging, ignore_errors=True)

    def add(self, name: str, data: bytes) -> None:
        """Write the file `name` (a POSIX path relative to the site) of the new site."""
        self._target(name).write_bytes(data)

    def keep(self, names: Iterable[str]) -> None:
        """Take each file of `names` from the current output as it is: hard-linked (copied where
        the file system cannot link), so an unchanged file costs no writing."""
        for name in names:
            target = self._target(name)
            source = self.output / target.relative_to(self._staging)
            try:
                os.link(source, target)
            except FileNotFoundError as error:
                problem = Problem(source, "removed while briefgen was building", hint="build again")
                raise OutputError([problem]) from error
            except OSError:
                shutil.copy2(source, target)

    def commit(self) -> None:
        """Swap the new site in for the current output."""
        retired = _sibling(self.output, "old")
        try:
            if self.output.exists():
                self.output.rename(retired)
            self._staging.rename(self.output)
        except BaseException:
            # Interrupted between the two renames: put the previous site back before cleaning up.
            if retired.exists() and not self.output.exists():
                retired.rename(self.output)
            raise
        finally:
            shutil.rmtree(retired, ignore_errors=True)

    def _target(self, name: str) -> Path:
        """Where `name` goes in the staging folder, its folder created (once per build)."""
        target = self._staging / _safe_relative(name)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target


def _sibling(output: Path, purpose: str) -> Path:
    """A scratch directory next to `output` (same file system, so renames are atomic)."""
    return output.parent / f".{output.name}.{purpose}-{os.getpid()}"


def _check_replaceable(output: Path) -> None:
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise OutputError(
            [
                Problem(
                    output,
                    "output exists and is not a directory",
                    hint="choose another `output` in briefgen.yaml",
                )
            ]
        )
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise OutputError(
            [
                Problem(
                    output,
                    "output directory was not created by briefgen and is not empty; "
                    "refusing to replace it",
                    hint="remove it yourself or choose another `output`; "
                    f"briefgen marks its own with {MARKER}",
                )
            ]
        )


def _safe_relative(name: str) -> Path:
    """`name` as a path inside the output; a path that could leave it is a bug upstream."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or "\0" in name or not path.parts:
        raise ValueError(f"refusing to write outside the output directory: {name!r}")
    return Path(*path.parts)
