"""Digests that say "the same inputs as last time", from one process to the next.

A warm build keeps what it can from the previous one: extractions (`cache.py`) and output files
whose inputs did not change (`render.Renderer` with a previous build's records). Both need a
digest of their inputs that is equal in two processes exactly when the inputs are equal, and that
is cheap to compute. Inputs are frozen dataclasses, tuples, strings and dates; they are serialised
with pickle's C pickler, only ever *written* and hashed, never loaded (a cache directory is data,
and loading it must not run code).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import io
import operator
import pickle
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.errors import Problem

#: The libraries whose behaviour shows in the output (templates, Markdown, sanitizing, dates).
LIBRARIES = ("jinja2", "markupsafe", "markdown", "nh3", "babel", "pyyaml")


@functools.cache
def code_fingerprint(folder: Path, suffixes: tuple[str, ...] = (".py", ".yaml")) -> str:
    """briefgen's version, Python's and its libraries', and the name, size and mtime of every
    file of `folder` with one of `suffixes`: an upgraded or edited briefgen (or library) never
    trusts what an older one made."""
    digest = hashlib.sha256(f"{__version__} {sys.version}".encode())
    for library in LIBRARIES:
        digest.update(f";{library} {_version_of(library)}".encode())
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in suffixes:
            stat = path.stat()
            digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


def _version_of(library: str) -> str:
    try:
        return importlib.metadata.version(library)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


#: A function giving the values that stand for an object's fields in a digest.
FieldValues = Callable[[Any], tuple[object, ...]]
#: A function giving how an object is pickled for a digest: a callable and its arguments.
Reduction = Callable[[Any], tuple[Callable[..., Any], tuple[Any, ...]]]


class Digester:
    """Digests of values, salted (with a theme and config, say) so that a change of salt changes
    every digest.

    Values are pickled in "fast" mode, in which pickle adds nothing to its memo, so the bytes
    depend only on the values and not on which parts happen to be shared objects (an extraction
    read from the cache shares fewer strings than a fresh one). The memo holds classes only, put
    there beforehand under an index made from each one's name (`_remember_class`): a reference
    to it costs a fifth of writing the class by name, which pickle would do for every
    dataclass instance. Instances of `shared` types, which many keys hold (a briefing is in its
    page's key, its JSON file's, the feeds'...), are serialised once and stand in every later
    key as their digest. A value pickle refuses (a function, say) has no digest: what depends
    on it is always made afresh.
    """

    def __init__(
        self,
        salt: bytes,
        shared: Iterable[type] = (),
        flat: Mapping[type, FieldValues] | None = None,
    ) -> None:
        self._salt = salt
        self.shared = frozenset(shared)
        #: Types pickled as the tuple their function gives, which holds every field of theirs
        #: and of what they hold, as plain values where it can (one call, where each nested
        #: dataclass would cost one).
        self.flat = dict(flat or {})
        # By id, with the object itself, so that the id cannot be reused while it is remembered.
        self._known: dict[int, tuple[object, str]] = {}
        self._reductions = _Reductions(self)
        #: The classes written as memo references, by id: (index, class).
        self._memo: dict[int, tuple[int, object]] = {}
        self._remember_class(str)  # what a shared value's stand-in is made with
        #: The value being digested: of a shared type, it is pickled in full, not stood in for.
        self._whole: object = None

    def __call__(self, value: object) -> str | None:
        try:
            return self._digest(value, self._salt)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return None

    def _digest(self, value: object, salt: bytes) -> str:
        """Pickle `value` (again when it held a class first met meanwhile, which that pickling
        wrote by name) and hash the bytes."""
        classes = -1
        while classes != len(self._memo):
            classes = len(self._memo)
            buffer = io.BytesIO()
            pickler = pickle.Pickler(buffer, protocol=5)
            pickler.fast = True  # the memo holds classes only: see above
            pickler.memo = self._memo
            pickler.dispatch_table = self._reductions
            outer, self._whole = self._whole, value
            try:
                pickler.dump(value)
            finally:
                self._whole = outer
        digest = hashlib.blake2b(salt, digest_size=20)
        digest.update(buffer.getbuffer())
        return digest.hexdigest()

    def vouch(self, value: object, source: str) -> None:
        """Let `value`, of a `shared` type, stand in keys for `source`, a digest of what it is
        made from, instead of its own digest: for a value that is a pure function of that
        (and of briefgen's code) and far larger, a merged briefing made from its loaded file
        and its extraction's key, say. Equal sources give equal values, so keys stay true; the
        prefix keeps such a digest from ever equalling a digest of the value itself."""
        self._known[id(value)] = (value, "from " + source)

    def stand_in(self, value: object) -> str:
        """The digest that stands for a value of a `shared` type inside other keys."""
        known = self._known.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        digest = self._digest(value, b"")
        self._known[id(value)] = (value, digest)
        return digest

    def reduction(self, cls: type) -> Reduction:
        """How instances of `cls` are pickled: a dataclass as its class and the tuple of its
        fields (or its `flat` tuple), an instance of a `shared` type as its stand-in digest
        unless it is the whole value; anything else as pickle does it (and its class, which
        that names, a memo reference)."""
        self._remember_class(cls)
        fields = self.flat.get(cls) or _fields_of(cls)
        if fields is None:
            return operator.methodcaller("__reduce_ex__", 5)
        if cls not in self.shared:
            return lambda obj: (cls, fields(obj))

        def stand_in_or_whole(obj: object) -> tuple[Callable[..., Any], tuple[Any, ...]]:
            if obj is self._whole:
                return cls, fields(obj)
            return str, (self.stand_in(obj),)

        return stand_in_or_whole

    def _remember_class(self, cls: type) -> None:
        """Have `cls` written as a reference to the memo, at an index made from its name (the
        same in every process); on the rare clash of two names' indices, the later class is
        still written by name, which costs time only."""
        name = f"{cls.__module__}.{cls.__qualname__}".encode()
        index = int.from_bytes(hashlib.blake2b(name, digest_size=4).digest(), "big")
        if all(known != index for known, _ in self._memo.values()):
            self._memo[id(cls)] = (index, cls)


class _Reductions(dict[type, Reduction]):
    """A pickler's `dispatch_table` for a `Digester`: each type's reduction, found the first
    time an instance is pickled. Pickle then calls one Python function per object, and none
    for the classes it writes (`reducer_override` would be called for both)."""

    def __init__(self, digester: Digester) -> None:
        super().__init__()
        self._digester = digester

    def __missing__(self, cls: type) -> Reduction:
        reduction = self[cls] = self._digester.reduction(cls)
        return reduction


def _fields_of(cls: type) -> FieldValues | None:
    """A function giving the tuple of field values of a dataclass `cls`, or None for others."""
    return field_values(cls) if dataclasses.is_dataclass(cls) else None


def field_values(cls: type) -> FieldValues:
    """A function giving the tuple of the field values of an instance of dataclass `cls`
    (attrgetter, in C, for two fields or more)."""
    names = [field.name for field in dataclasses.fields(cls)]
    if len(names) < 2:
        return lambda obj: tuple(getattr(obj, name) for name in names)
    getter: FieldValues = operator.attrgetter(*names)
    return getter


@dataclass(frozen=True, slots=True)
class OutputRecord:
    """What a build knows of one output file it wrote: the digest of the inputs it was made
    from, and the warnings making it gave (a file kept as it is gives them again)."""

    digest: str
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an output file can stay as the previous build wrote it.

    `kept` is the previous record when it can; `digest` is that of the file's inputs, or None
    when they have none (the file is then always made, and not recorded).
    """

    kept: OutputRecord | None
    digest: str | None

    def record(self, warnings: tuple[Problem, ...] = ()) -> OutputRecord | None:
        """What the next build is to know of the file, kept or made with these warnings."""
        if self.kept is not None:
            return self.kept
        return None if self.digest is None else OutputRecord(self.digest, warnings)


class OutputReuse:
    """Which output files of the previous build can stay as they are: those made last time
    from inputs whose digest is that of their key now."""

    def __init__(self, previous: Mapping[str, OutputRecord], digest: Digester) -> None:
        self._previous = previous
        self._digest = digest

    def verdict(self, name: str, key: object) -> Verdict:
        digest = None if key is None else self._digest(key)
        previous = self._previous.get(name)
        if digest is not None and previous is not None and previous.digest == digest:
            return Verdict(previous, digest)
        return Verdict(None, digest)
