"""Dates: the temporal expressions of an article, normalised against its publication date.

    find_dates(text, "fr", datetime.date(2021, 12, 29), sentence_bounds(text))

finds "mercredi" (2021-12-29), "15h30 ET" (2021-12-29T15:30-05:00), "le 10 janvier"
(2022-01-10), "au cours des deux derniers mois" (P2M)… The rules and their values live in
`timex_rules`, the words of each language in `lang/<lang>.dates.yaml`. This module runs the
rules over the text in one pass and supplies what a rule cannot see in its own match: the day a
bare time belongs to (the last day the text named), the tense around a bare weekday, and the
clause each date anchors, shortened to one line.

Conventions (TimeML/TIMEX3, as in the French TimeBank): "ces dernières semaines" and
"quelques semaines" are unspecified durations (PXW); "maintenant", "à présent", "actuel" are
PRESENT_REF, "bientôt" FUTURE_REF; "il y a deux ans" is the year 2019, counted back.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import re
from collections.abc import Sequence
from dataclasses import replace

from briefgen.extract.text import shorten
from briefgen.extract.timex_lexicon import Lexicon
from briefgen.extract.timex_rules import Context, Reading, grammar
from briefgen.model import DatedEvent, Published

#: A day named in the text dates the times that follow for this many sentences.
ANCHOR_REACH = 4
#: How far (characters) from a weekday a verb may be to tell its tense.
TENSE_REACH = 80
#: An event shorter than this many words takes in the neighbouring clause.
EVENT_WORDS = 6
#: The longest event, in characters (one line on the page).
EVENT_LIMIT = 160
#: Between a time and the day written just after it ("16:15 UTC, June 1st", "0 h 40, jeudi").
_TIME_THEN_DAY = re.compile(r"[\s,]{1,3}")
#: Where a clause ends: a semicolon, a colon, a bracket, or a comma or a dash before a space,
#: with the white space around it. It finds what `\s*(?:[;:()]|,(?=\s)|\s[–—-](?=\s))\s*`
#: finds, written so that a match opens with the one character it must open with (white space
#: or the mark, then checked by a look-behind): the regex engine then skips from one such
#: character to the next instead of trying every position of the sentence.
_CLAUSE_BREAK = re.compile(
    r"[\s;:(),]"
    r"(?:(?<=\s)(?:\s*(?:[;:()]|,(?=\s)|\s[\u2013\u2014-](?=\s))|[\u2013\u2014-](?=\s))"
    r"|(?<=[;:()])|(?<=,)(?=\s))\s*"
)
_EDGE_JUNK = " ,;:.!?\"'«»“”()\u2013\u2014-"
_PAIRS = (("(", ")"), ("«", "»"), ("“", "”"))


def find_dates(
    text: str, lang: str, published: Published, sentences: list[tuple[int, int]]
) -> list[DatedEvent]:
    """Every temporal expression of `text`, in text order, with its value and event."""
    article = _Article(text, sentences)
    published_day = published.date() if isinstance(published, datetime.datetime) else published
    readings = _date_times_by_following_day(text, _readings(article, lang, published_day))
    return [
        DatedEvent(
            reading.value, reading.kind, article.event(start, end), text[start:end], start, end
        )
        for start, end, reading in readings
    ]


def _readings(
    article: _Article, lang: str, published: datetime.date
) -> list[tuple[int, int, Reading]]:
    """Run the rules; a day a reading names becomes the anchor of the times that follow."""
    compiled = grammar(lang)
    readings: list[tuple[int, int, Reading]] = []
    anchor, anchor_sentence = published, -ANCHOR_REACH - 1
    # A match that dates nothing (an amount, an age) is left out: it could only have put the
    # anchor back to the publication date, which the next match does as well when it is due.
    for resolve, found in compiled.matches(article.text):
        start, end = found.span()
        sentence = article.sentence_index(start)
        if sentence - anchor_sentence > ANCHOR_REACH:
            anchor = published
        # Most rules never ask for the tense: it is only worked out when asked.
        tense = functools.partial(article.tense_at, compiled.lexicon, start, end)
        reading = resolve(found, Context(published, anchor, compiled.lexicon, tense))
        if reading is None:
            continue
        if reading.day is not None:
            anchor, anchor_sentence = reading.day, sentence
        readings.append((start, end, reading))
    return readings


def tense_at(words: Lexicon, text: str, sentence: tuple[int, int], start: int, end: int) -> int:
    """The tense of the clause around `text[start:end]` in its `sentence`: +2 future ("se
    tiendra mardi", "will meet on Monday", "until Friday"), -2 past ("a annoncé mardi"), 0 when
    nothing tells. The verb nearest the expression wins."""
    first, last = sentence
    before = words.future_preposition
    if before is not None and before.search(text, max(first, start - 20), start):
        return 2
    window = max(first, start - TENSE_REACH), min(last, end + TENSE_REACH)
    nearest = (TENSE_REACH + 1, 0)
    for marker, direction in ((words.past_marker, -2), (words.future_marker, 2)):
        if marker is None:
            continue
        for hit in marker.finditer(text, *window):
            if hit.end() <= start:
                nearest = min(nearest, (start - hit.end(), direction))
            elif hit.start() >= end:
                # Later hits of this marker are only farther: the rest is not read.
                nearest = min(nearest, (hit.start() - end, direction))
                break
    return nearest[1]


def _date_times_by_following_day(
    text: str, readings: Sequence[tuple[int, int, Reading]]
) -> list[tuple[int, int, Reading]]:
    """A time with no day of its own takes the day written right after it, if any."""
    dated = list(readings)
    for index, (start, end, reading) in enumerate(dated[:-1]):
        next_start, _, following = dated[index + 1]
        if (
            reading.anchored
            and following.day is not None
            and following.kind == "date"
            and _TIME_THEN_DAY.fullmatch(text, end, next_start)
        ):
            value = following.day.isoformat() + reading.value[10:]
            dated[index] = (start, end, replace(reading, value=value, day=following.day))
    return dated


class _Article:
    """The text with its sentences, and the clauses of each sentence, split once."""

    def __init__(self, text: str, sentences: list[tuple[int, int]]) -> None:
        self.text = text
        self.sentences = sentences
        self.starts = [start for start, _ in sentences]
        self._clauses: dict[int, list[tuple[int, int]]] = {}

    def sentence_index(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def sentence(self, offset: int) -> tuple[int, int]:
        """The sentence around `offset`; the offset alone when the sentences miss it."""
        return self._sentence_at(self.sentence_index(offset), offset)

    def _sentence_at(self, index: int, offset: int) -> tuple[int, int]:
        """`sentence(offset)`, given the index of the last sentence starting at or before it."""
        if index >= 0 and offset < self.sentences[index][1]:
            return self.sentences[index]
        return (offset, offset)

    def tense_at(self, words: Lexicon, start: int, end: int) -> int:
        """`tense_at` for the expression at `start`..`end` in its sentence."""
        return tense_at(words, self.text, self.sentence(start), start, end)

    def event(self, start: int, end: int) -> str:
        """The clause around `text[start:end]`, with its neighbours when it is too short to say
        anything ("dans un communiqué mercredi"), on one line."""
        clauses = self.clauses(start, end)
        here = next(
            (index for index, (first, last) in enumerate(clauses) if first <= start < last),
            len(clauses) - 1,
        )
        left = right = here
        # A date in brackets ("15h30 ET (2030 GMT)") belongs with what comes before it.
        rightwards = _last_visible(self.text, clauses[here][0]) != "("
        while self._words(clauses[left][0], clauses[right][1]) < EVENT_WORDS:
            if right + 1 < len(clauses) and (rightwards or left == 0):
                right += 1
            elif left > 0:
                left -= 1
            else:
                break
        return _one_line(self.text, clauses[left][0], clauses[right][1], start)

    def clauses(self, start: int, end: int) -> list[tuple[int, int]]:
        index = self.sentence_index(start)
        first, last = self._sentence_at(index, start)
        if first == last:
            return [(start, end)]
        if index not in self._clauses:
            self._clauses[index] = _clauses(self.text, first, last)
        return self._clauses[index]

    def _words(self, start: int, end: int) -> int:
        return len(self.text[start:end].split())


def _last_visible(text: str, end: int) -> str:
    """The last character before `end` that is not white space ("" when there is none)."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return text[end - 1] if end > 0 else ""


def _clauses(text: str, first: int, last: int) -> list[tuple[int, int]]:
    """The pieces of `text[first:last]` between commas, semicolons, colons, brackets and
    dashes."""
    clauses: list[tuple[int, int]] = []
    position = first
    for cut in _CLAUSE_BREAK.finditer(text, first, last):
        if cut.start() > position:
            clauses.append((position, cut.start()))
        position = cut.end()
    if position < last or not clauses:
        clauses.append((position, max(position, last)))
    return clauses


def _one_line(text: str, first: int, last: int, keep: int) -> str:
    """`text[first:last]` on one line within `EVENT_LIMIT`, cut so that offset `keep` (the
    date) stays in view, without unmatched brackets or quotes."""
    lead = ""
    if last - first > EVENT_LIMIT and keep - first > EVENT_LIMIT // 2:
        cut = text.find(" ", max(first, min(keep - EVENT_LIMIT // 3, last - EVENT_LIMIT)))
        if first < cut < keep:
            first, lead = cut + 1, "…"
    line = text[first:last].strip(_EDGE_JUNK)
    if text.startswith(")", last) and line.count("(") > line.count(")"):
        line += ")"
    for opening, closing in _PAIRS:
        if line.count(opening) != line.count(closing):
            line = line.replace(opening, "").replace(closing, "")
    if line.count('"') % 2:
        line = line.replace('"', "")
    return shorten(lead + line, EVENT_LIMIT)
