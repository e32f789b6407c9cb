"""Names as briefgen compares them and as they appear in URLs.

`name_key` decides when two written names are the same name ("Poutine", "poutine", "POUTINE");
`url_name` turns a name into a safe, stable folder name for a page (`actors/joe-biden/`).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable

from briefgen.load import WINDOWS_RESERVED_NAMES

MAX_URL_NAME_LENGTH = 80

#: Latin letters that Unicode does not decompose into a base letter and an accent.
_LATIN_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d"})


@functools.lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """A comparison key for names: case, accents and spacing do not tell two actors apart.

    Cached: assembling a site compares the same few thousand names hundreds of thousands of
    times. Text seen once (an event's description, which assembling searches for names) goes
    to `text_key`, the same key uncached: a hundred thousand sentences would fill the cache,
    push the names out of it and stay in memory for the whole build.
    """
    return text_key(name)


def text_key(text: str) -> str:
    """`name_key` of `text`, not cached. ASCII text, most of it, has no accent to take off and
    skips the decomposition."""
    letters = text.casefold()
    if not letters.isascii():
        letters = unicodedata.normalize("NFKD", letters).translate(_WITHOUT_COMBINING)
    return " ".join(_NAME_PUNCTUATION.sub(" ", letters).split())


class _CombiningMarks(dict[int, int | None]):
    """A `str.translate` table that drops combining marks, filled as characters are met: the
    translation runs in C, where a test of every character in Python was the cost of assembly."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_WITHOUT_COMBINING = _CombiningMarks()
_NAME_PUNCTUATION = re.compile(r"[\u2019'`.\-]")


def url_name(name: str, fallback: str) -> str:
    """`name` as lower-case ASCII words joined by hyphens: `Jonas Gahr Støre` → `jonas-gahr-store`.

    A name with no Latin letter (`Путин`) becomes `<fallback>-<8 hex digits>`, a hash of the
    name, so it is still unique and the same in every build; a Windows device name (`Con`)
    gets `-<fallback>` appended.
    """
    key = name_key(name).translate(_LATIN_LETTERS)
    slug = "-".join(re.findall(r"[a-z0-9]+", key))[:MAX_URL_NAME_LENGTH].strip("-")
    if not slug:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
        return f"{fallback}-{digest}"
    return f"{slug}-{fallback}" if slug in WINDOWS_RESERVED_NAMES else slug


class NameFinder:
    """Finds any of some names in a text as whole words, left to right, never overlapping; where
    several start at one place, the longest ("Joe Biden" wins over "Biden").

    What a regular expression of the names' alternation finds, found with `str.find` instead:
    every briefing has its own set of names, and compiling a pattern for each took a sixth of
    the time it takes to render a briefing page.
    """

    def __init__(self, names: Iterable[str]) -> None:
        stripped = {name.strip() for name in names}
        stripped.discard("")
        self._names = sorted(stripped, key=lambda name: (-len(name), name))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """`(start, end)` of each name found in `text`."""
        longest: dict[int, int] = {}
        for name in self._names:
            start = text.find(name)
            while start >= 0:
                end = start + len(name)
                if start not in longest and _whole_word(text, start, end):
                    longest[start] = end
                start = text.find(name, start + 1)
        spans = []
        reached = 0
        for start in sorted(longest):
            if start >= reached:
                reached = longest[start]
                spans.append((start, reached))
        return spans


def _whole_word(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` has no word character (a regular expression's `\\w`) on
    either side."""
    before = text[start - 1 : start]
    after = text[end : end + 1]
    return not (_is_word(before) or _is_word(after))


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"
