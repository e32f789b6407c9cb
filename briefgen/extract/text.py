"""Sentences and one-line shortening: the text geometry every extractor shares."""

from __future__ import annotations

import bisect
import math
import re

# A sentence ends after . ! ? … (and any closing quotes) before whitespace and an upper-case
# letter, a digit or an opening quote; or at a paragraph break. The pattern starts with the
# punctuation itself rather than a look-behind, so that the regex engine skips straight to the
# few characters that may end a sentence instead of trying every position.
_SENTENCE_END = re.compile(r"""[.!?…]["»”’)]*(?=\s+["«“(]?[A-ZÀ-ÖØ-Þ0-9])|\n\s*\n""")
# Abbreviations whose final dot does not end a sentence.
_ABBREVIATION = re.compile(
    r"(?:\b(?:M|Mme|Mlle|MM|Dr|Pr|Mr|Mrs|Ms|St|Sr|Jr|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|Prof|"
    r"No|Nos|Inc|Corp|Ltd|Co|vs|etc|av|J\.-C|U\.S|U\.K|U\.N)|\b[A-Z])\.$"
)
#: More characters than the longest abbreviation with its dot: only this tail of a sentence is
#: searched for one, and a match cannot start at the tail's first character, whose `\b` would
#: otherwise ignore the character before it.
_ABBREVIATION_REACH = 8


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """`(start, end)` of each sentence of `text`, stripped of surrounding whitespace."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        paragraph_break = match.group()[0] == "\n"
        end = match.start() if paragraph_break else match.end()
        # Only a dot right before the end (no closing quote) may be an abbreviation's.
        if (paragraph_break or end - match.start() == 1) and _ends_with_abbreviation(
            text, start, end
        ):
            continue
        append_stripped(text, start, end, bounds)
        start = end
    append_stripped(text, start, len(text), bounds)
    return bounds


def _ends_with_abbreviation(text: str, start: int, end: int) -> bool:
    """Whether the sentence `text[start:end]` ends with an abbreviation's dot ("M.", "U.S.")."""
    return _ABBREVIATION.search(text[max(start, end - _ABBREVIATION_REACH) : end]) is not None


def append_stripped(text: str, start: int, end: int, bounds: list[tuple[int, int]]) -> None:
    """Append `text[start:end]` without its surrounding whitespace to `bounds`, unless empty."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        bounds.append((start, end))


def sentence_around(bounds: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The sentence (from `sentence_bounds`: ordered, not overlapping) that contains `offset`,
    found by bisection: an actor page looks up the sentence of every appearance."""
    index = bisect.bisect_right(bounds, (offset, math.inf)) - 1
    if index >= 0 and offset < bounds[index][1]:
        return bounds[index]
    return (offset, offset)


def shorten(text: str, limit: int = 160) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters (with …)."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return cut + "…"
