"""Sentences and one-line shortening: the text geometry every extractor shares."""

from __future__ import annotations

import re

# A sentence ends at . ! ? … (optionally followed by closing quotes) before whitespace and an
# upper-case letter, a digit or an opening quote; or at a paragraph break.
_SENTENCE_END = re.compile(r"""(?<=[.!?…])["»”’)]*(?=\s+["«“(]?[A-ZÀ-ÖØ-Þ0-9])|\n\s*\n""")
# Abbreviations whose final dot does not end a sentence.
_ABBREVIATION = re.compile(
    r"(?:\b(?:M|Mme|Mlle|MM|Dr|Pr|Mr|Mrs|Ms|St|Sr|Jr|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|Prof|"
    r"No|Nos|Inc|Corp|Ltd|Co|vs|etc|av|J\.-C|U\.S|U\.K|U\.N)|\b[A-Z])\.$"
)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """`(start, end)` of each sentence of `text`, stripped of surrounding whitespace."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        if match.group().strip() == "" and _ABBREVIATION.search(text[start:end]):
            continue
        append_stripped(text, start, end, bounds)
        start = end
    append_stripped(text, start, len(text), bounds)
    return bounds


def append_stripped(text: str, start: int, end: int, bounds: list[tuple[int, int]]) -> None:
    """Append `text[start:end]` without its surrounding whitespace to `bounds`, unless empty."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        bounds.append((start, end))


def sentence_around(bounds: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The sentence (from `sentence_bounds`) that contains `offset`."""
    for start, end in bounds:
        if start <= offset < end:
            return start, end
    return (offset, offset)


def shorten(text: str, limit: int = 160) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters (with …)."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return cut + "…"
