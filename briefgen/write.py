"""Put a rendered site on disk, atomically: all of it, or none of it.

The site is written to a staging directory beside the output and swapped in only once every file
is there, so a failed or interrupted build leaves the previous site byte-for-byte as it was. A
marker file says "briefgen made this directory": briefgen never replaces or deletes a directory
that lacks it, so a mistyped `output:` cannot wipe someone's documents.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from briefgen.errors import OutputError, Problem

MARKER = ".briefgen-site"
_MARKER_TEXT = b"This directory is written by briefgen; it is replaced on every build.\n"


def write_site(files: Mapping[str, bytes], output: Path, kept: Iterable[str] = ()) -> None:
    """Replace `output` with exactly `files` (POSIX paths relative to it) and the `kept` files
    of the current output, unchanged."""
    _check_replaceable(output)
    staging = _sibling(output, "staging")
    retired = _sibling(output, "old")
    try:
        _write_tree(files, staging)
        _keep_files(kept, output, staging)
        try:
            if output.exists():
                output.rename(retired)
            staging.rename(output)
        except BaseException:
            # Interrupted between the two renames: put the previous site back before cleaning up.
            if retired.exists() and not output.exists():
                retired.rename(output)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)


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


def _write_tree(files: Mapping[str, bytes], root: Path) -> None:
    root.mkdir(parents=True)
    (root / MARKER).write_bytes(_MARKER_TEXT)
    made: set[Path] = {root}
    for name in sorted(files):
        target = root / _safe_relative(name)
        _make_parent(target, made)
        target.write_bytes(files[name])


def _keep_files(names: Iterable[str], output: Path, root: Path) -> None:
    """Hard-link each file of `names` from `output` into `root` (copy it where the file system
    cannot link): an unchanged file costs no rendering and no writing."""
    made: set[Path] = {root}
    for name in names:
        relative = _safe_relative(name)
        target = root / relative
        _make_parent(target, made)
        try:
            os.link(output / relative, target)
        except FileNotFoundError as error:
            raise OutputError(
                [Problem(output / relative, "removed while briefgen was building",
                         hint="build again")]
            ) from error
        except OSError:
            shutil.copy2(output / relative, target)


def _make_parent(target: Path, made: set[Path]) -> None:
    """Create `target`'s folder once per build (`made` holds those already there)."""
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)


def _safe_relative(name: str) -> Path:
    """`name` as a path inside the output; a path that could leave it is a bug upstream."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or "\0" in name or not path.parts:
        raise ValueError(f"refusing to write outside the output directory: {name!r}")
    return Path(*path.parts)
