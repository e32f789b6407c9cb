"""Put a rendered site on disk, atomically: all of it, or none of it.

The site is written to a staging directory beside the output and swapped in only once every file
is there, so a failed or interrupted build leaves the previous site byte-for-byte as it was. A
marker file says "briefgen made this directory": briefgen never replaces or deletes a directory
that lacks it, so a mistyped `output:` cannot wipe someone's documents.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from briefgen.errors import OutputError, Problem

MARKER = ".briefgen-site"
_MARKER_TEXT = b"This directory is written by briefgen; it is replaced on every build.\n"


def write_site(files: Mapping[str, bytes], output: Path) -> None:
    """Replace `output` with exactly `files` (POSIX paths relative to it)."""
    _check_replaceable(output)
    staging = _sibling(output, "staging")
    retired = _sibling(output, "old")
    try:
        _write_tree(files, staging)
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
    for name in sorted(files):
        target = root / _safe_relative(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[name])


def _safe_relative(name: str) -> Path:
    """`name` as a path inside the output; a path that could leave it is a bug upstream."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or "\0" in name or not path.parts:
        raise ValueError(f"refusing to write outside the output directory: {name!r}")
    return Path(*path.parts)
