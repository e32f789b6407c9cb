"""Put a rendered site on disk, atomically: all of it, or none of it.

The site is written to a staging directory beside the output, file by file as the render stage
makes them (so a build never holds its whole output in memory), and swapped in only once every
file is there, so a failed or interrupted build leaves the previous site byte-for-byte as it was.
Files unchanged since the previous build are hard-linked from it, not written again. A
marker file says "briefgen made this directory": briefgen never replaces or deletes a directory
that lacks it, so a mistyped `output:` cannot wipe someone's documents.

The site a swap retires can be kept as a *spare* (in the cache folder) and be the next build's
staging directory: most of its files are then already the current output's (hard links to the
same files), its folders exist, and the next build updates it instead of making and deleting
ten thousand links and folders. Nothing in a spare is trusted: a file is kept only when it is
the current output's very file, every other is replaced or deleted, and anything that is not a
plain file or folder is removed before the build writes. Without a spare, a build that expects
to keep most of the current output has a forked process link it into the staging folder while
the build assembles the site (a *mirror*), which then serves as a spare would. A spare retired
by a build that made most of its files anew (a new theme, say) holds few of the output's files:
the next build has a forked process delete it, and a mirror made instead.

Files are never written into: a file of the staging folder may be a link to the current
output's very file, so a new one always replaces it.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from briefgen.errors import OutputError, Problem
from briefgen.workers import Forked, ForkedFailed, can_fork

MARKER = ".briefgen-site"
#: In a spare, says that the site that retired it made most of its files anew (see above).
_STALE = ".briefgen-stale"
_MARKER_TEXT = b"This directory is written by briefgen; it is replaced on every build.\n"


class StagedSite:
    """A new site written file by file beside `output`, which it replaces only on `commit`.

    Files can be added as soon as they are made, so a build need not hold its whole site in
    memory. Leaving the `with` block without `commit` (an error, an interruption) discards
    everything written, and `output` stays as it was. Another process may `add` files too (the
    staging folder is a plain folder; each file is written once); `commit` is then told their
    names. With a `spare` path, the retired site is kept there for the next build to update;
    with `mirror`, a build without a spare has the current output linked in meanwhile.

        with StagedSite(output) as staged:
            staged.add("index.html", html)
            staged.keep(["briefings/a/index.html"])   # unchanged: linked from the current output
            staged.commit()
    """

    def __init__(self, output: Path, spare: Path | None = None, *, mirror: bool = False) -> None:
        _check_replaceable(output)
        self.output = output
        self._spare = spare
        self._mirror = mirror
        #: The process linking the current output into the staging folder, until waited for.
        self._mirroring: Forked[tuple[dict[str, int], list[str]]] | None = None
        self._staging = _sibling(output, "staging")
        # Paths as strings below: a build links or writes ten thousand files, and pathlib's
        # objects cost more than the system calls.
        self._root = str(self._staging)
        self._folders: set[str] = set()
        #: The files of a reused spare or a mirror and their inodes, by POSIX path (none in a
        #: fresh folder).
        self._earlier: dict[str, int] = {}
        self._written: set[str] = set()
        self._kept = 0  # how many files were taken from the current output
        #: The process deleting a stale spare, until waited for.
        self._discarding: Forked[None] | None = None

    def __enter__(self) -> StagedSite:
        if self._claim_spare():
            self._take_inventory()
        else:
            self._staging.mkdir(parents=True)
            (self._staging / MARKER).write_bytes(_MARKER_TEXT)
            if self._mirror and (self.output / MARKER).is_file() and can_fork():
                self._mirroring = _start_mirror(self.output, self._staging)
        self._folders.add(self._root)
        return self

    def __exit__(self, *_: object) -> None:
        if self._mirroring is not None:  # not committed: the mirror is of no more use
            self._mirroring.close()
        if self._discarding is not None:
            with contextlib.suppress(ForkedFailed):
                self._discarding.result()
        if not self._staging.exists():
            return
        if self._spare is not None:
            with contextlib.suppress(OSError):
                self._staging.rename(self._spare)  # what it holds is checked on reuse anyway
                return
        shutil.rmtree(self._staging, ignore_errors=True)

    def add(self, name: str, data: bytes) -> None:
        """Write the file `name` (a POSIX path relative to the site) of the new site."""
        _write(self._target(_safe_relative(name)), data)
        self._written.add(name)

    def keep(self, names: Iterable[str]) -> None:
        """Take each file of `names` from the current output as it is: hard-linked (copied where
        the file system cannot link), so an unchanged file costs no writing."""
        self._settle()
        for name in names:
            self._written.add(name)
            self._kept += 1
            inode = self._earlier.get(name)
            # A name of the spare's is a path found inside it: safe to join as it is.
            if inode is not None and inode == _inode(os.path.join(self.output, name)):
                continue  # the spare's file is the current output's
            relative = _safe_relative(name)
            target, source = self._target(relative), os.path.join(self.output, relative)
            if inode is not None:
                _remove(target)
            try:
                os.link(source, target)
            except FileNotFoundError as error:
                problem = Problem(
                    Path(source), "removed while briefgen was building", hint="build again"
                )
                raise OutputError([problem]) from error
            except OSError:
                shutil.copy2(source, target)

    def commit(self, others: Iterable[str] = ()) -> None:
        """Swap the new site in for the current output; `others` are the files other processes
        added (a reused spare's files that are in neither are deleted first)."""
        self._settle()
        names = self._written.union(others)
        self._remove_stale(names)
        retired = None
        try:
            if self.output.exists():
                retired = self._retire_output()
            self._staging.rename(self.output)
        except BaseException:
            # Interrupted between the two renames: put the previous site back before cleaning up.
            if retired is not None and retired.exists() and not self.output.exists():
                retired.rename(self.output)
            raise
        finally:
            if retired is not None and retired != self._spare:
                shutil.rmtree(retired, ignore_errors=True)
        # A spare shares with the new site the files it kept: with few, it is stale.
        if retired is not None and retired == self._spare and self._kept * 2 < len(names):
            with contextlib.suppress(OSError):
                (retired / _STALE).write_bytes(b"")

    def _take_inventory(self) -> None:
        """Note the files a spare or a mirror holds, and its folders."""
        self._earlier, folders = _plain_files(self._staging)
        self._folders.update(folders)

    def _settle(self) -> None:
        """Wait for the mirror, if there is one, and take what it linked as a spare's files (or,
        should it have failed, the staging folder's inventory)."""
        if self._mirroring is None:
            return
        mirroring, self._mirroring = self._mirroring, None
        try:
            self._earlier, folders = mirroring.result()
        except ForkedFailed:
            self._take_inventory()
            return
        self._folders.update(folders)

    def _claim_spare(self) -> bool:
        """Make the spare, if there is one of briefgen's, this build's staging folder (a rename:
        of two builds at once, one gets it); unless it is stale and a forked process can delete
        it while the build goes on (`_discard`)."""
        if self._spare is None or not (self._spare / MARKER).is_file():
            return False
        if (self._spare / _STALE).is_file() and self._discard(self._spare):
            return False
        try:
            self._spare.rename(self._staging)
        except OSError:
            return False
        return True

    def _discard(self, spare: Path) -> bool:
        """Move the stale `spare` aside and start a process deleting it (and what an
        interrupted one left); whether it was moved aside. Updating it would replace all its
        files, one at a time, while the build waits: 1.5 s at 5,000 briefings."""
        if not can_fork():
            return False
        try:
            spare.rename(spare.with_name(f"{spare.name}.stale-{os.getpid()}"))
        except OSError:
            return False
        with contextlib.suppress(OSError):  # else left for a later build's process to delete
            self._discarding = Forked(functools.partial(_delete_all, spare.parent, spare.name))
        return True

    def _retire_output(self) -> Path:
        """Move the current output aside: to the spare place when it can (same file system,
        nothing there), else to a scratch folder deleted after the swap."""
        if self._spare is not None:
            try:
                self._spare.parent.mkdir(parents=True, exist_ok=True)
                self.output.rename(self._spare)
                return self._spare
            except OSError:
                pass
        retired = _sibling(self.output, "old")
        self.output.rename(retired)
        return retired

    def _remove_stale(self, names: set[str]) -> None:
        """Delete a reused spare's files that the new site does not have, and the folders
        they leave empty."""
        for name in self._earlier.keys() - names:
            path = self._staging / name
            if path.is_dir():
                continue  # a folder of the new site stands where the file was
            try:
                path.unlink()
            except (FileNotFoundError, NotADirectoryError):
                continue  # a file of the new site stands where one of its folders was
            for folder in path.parents:
                if folder == self._staging:
                    break
                try:
                    folder.rmdir()
                except OSError:
                    break

    def _target(self, relative: str) -> str:
        """Where the file at `relative` goes in the staging folder, its folder created (once
        per build)."""
        target = os.path.join(self._root, relative)
        folder = os.path.dirname(target)
        if folder not in self._folders:
            try:
                os.makedirs(folder, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                # A spare's file where the new site has a folder.
                parts = relative.split(os.sep)[:-1]
                for depth in range(1, len(parts) + 1):
                    if os.path.isfile(path := os.path.join(self._root, *parts[:depth])):
                        _remove(path)
                os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        return target


def _plain_files(folder: Path) -> tuple[dict[str, int], list[str]]:
    """The files under `folder` by POSIX path with their inodes (the marker aside), and its
    folders; anything but plain files and folders (a link planted in a spare, say) is removed,
    so that no write can follow it elsewhere."""
    found: dict[str, int] = {}
    folders = [str(folder)]
    for entry, name in _entries(folder):
        if entry.is_dir(follow_symlinks=False):
            folders.append(entry.path)
        elif entry.is_file(follow_symlinks=False):
            found[name] = entry.inode()
        else:
            os.unlink(entry.path)
    found.pop(MARKER, None)
    return found, folders


def _entries(folder: str | Path) -> Iterator[tuple[os.DirEntry[str], str]]:
    """Every entry under `folder` with its POSIX path there, each folder's before what it
    holds; folders are entered, links to them are not."""
    folders = [(str(folder), "")]
    for current, prefix in folders:
        with os.scandir(current) as entries:
            for entry in entries:
                yield entry, prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, f"{prefix}{entry.name}/"))


def _delete_all(folder: Path, name: str) -> None:
    """Delete the stale spares named after `name` in `folder` (`StagedSite._discard`)."""
    for trash in folder.glob(f"{name}.stale-*"):
        shutil.rmtree(trash, ignore_errors=True)


def _start_mirror(output: Path, staging: Path) -> Forked[tuple[dict[str, int], list[str]]] | None:
    """A forked process that hard-links every plain file of `output` into `staging` (its folders
    made alike, nothing that is there already replaced) and hands back what it linked (see
    `_link_tree`); None when it cannot start.

    Linking is system calls, which a thread would make one per switch of the interpreter's lock
    while the build holds it; a process makes them all at once, on the other core. What it
    linked comes back with it: taking the staging folder's inventory again cost a tenth of a
    second at 5,000 briefings."""
    try:
        return Forked(functools.partial(_link_tree, str(output), str(staging)))
    except OSError:
        return None


def _link_tree(source: str, target: str) -> tuple[dict[str, int], list[str]]:
    """Hard-link the plain files under `source` to the same places under `target`, skipping
    any place already taken; stops at the first link the file system refuses. The files it
    linked, by POSIX path with their inodes, and the folders under `target` it made or found."""
    linked: dict[str, int] = {}
    folders: list[str] = []
    for entry, name in _entries(source):
        destination = os.path.join(target, name)
        try:
            if entry.is_dir(follow_symlinks=False):
                with contextlib.suppress(FileExistsError):
                    os.mkdir(destination)
                folders.append(destination)
            elif entry.is_file(follow_symlinks=False):
                os.link(entry.path, destination)
                linked[name] = entry.inode()
        except (FileExistsError, FileNotFoundError, NotADirectoryError):
            continue  # the build put something there first, or the source is gone
    return linked, folders


#: How a file is opened to be written: made anew, never an existing one written into.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _write(path: str, data: bytes) -> None:
    """Write `data` as a new file at `path`; what is there (a spare's or a mirror's file, maybe
    a link to the current output's very file, or a folder) is removed first. A mirror puts
    something at each place once, so once that is removed the place stays free."""
    try:
        descriptor = os.open(path, _NEW_FILE, 0o666)
    except FileExistsError:
        _remove(path)
        descriptor = os.open(path, _NEW_FILE, 0o666)
    # Written with the descriptor alone: a file object would cost four more system calls
    # per file, and a build from scratch writes thousands of files.
    try:
        rest = memoryview(data)
        while rest:
            rest = rest[os.write(descriptor, rest) :]
    finally:
        os.close(descriptor)


def _inode(path: str | Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def _remove(path: str | Path) -> None:
    """Delete a file or a folder of the staging area, if it is there.

    A mirror may still be linking into a folder being deleted (`_link_tree`), which then is
    not empty when its turn comes: it is deleted again. Once gone it stays gone, as the mirror
    makes each place once, so a few attempts do.
    """
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):
        for _ in range(_FOLDER_ATTEMPTS - 1):
            try:
                shutil.rmtree(path)
                return
            except FileNotFoundError:
                return
            except OSError as error:
                if error.errno != errno.ENOTEMPTY:
                    raise
        shutil.rmtree(path)


#: How many times a folder of the staging area is deleted before its failure is the build's.
_FOLDER_ATTEMPTS = 100


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


def _safe_relative(name: str) -> str:
    """`name` (a POSIX path) as this system's path inside the output; a path that could leave
    it is a bug upstream."""
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if name.startswith("/") or ".." in parts or "\\" in name or "\0" in name or not parts:
        raise ValueError(f"refusing to write outside the output directory: {name!r}")
    return os.path.join(*parts)
