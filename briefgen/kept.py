"""Values kept from one build to the next under the identity of the objects they were made from.

Between two builds of a preview, an unchanged file gives the very same objects (the loader's
memo, the extraction cache), so what was made from them can be reused after an identity check,
where comparing them by value would cost as much as making the value again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    """Values under the identity of their `owners` (held alive here, so an id is never another
    object's), and an `extra` input compared with `==`. `sweep` forgets what was not asked for
    since the last sweep, so that a long preview does not grow without end."""

    def __init__(self) -> None:
        self._kept: dict[tuple[int, ...], tuple[tuple[object, ...], object, V]] = {}
        self._asked: dict[tuple[int, ...], tuple[tuple[object, ...], object, V]] = {}

    def get(self, owners: tuple[object, ...], make: Callable[[], V], extra: object = None) -> V:
        key = tuple(map(id, owners))
        known = self._asked.get(key) or self._kept.get(key)
        value = known[2] if known is not None and known[1] == extra else make()
        self._asked[key] = (owners, extra, value)
        return value

    def sweep(self) -> None:
        self._kept, self._asked = self._asked, {}
