"""The rules that find temporal expressions, and the TIMEX3 value each one gives.

A rule is a regex template, whose `@name` placeholders are fragments of the language's lexicon
(`timex_lexicon`), and a function that reads a match into a value. The rules of a language are
compiled once (`grammar`) and tried, in one left-to-right pass, wherever an expression may
start. At a given position the first rule that matches wins, so rules go from the most specific
to the most general, and the first ones claim numbers that are no dates (money, quantities,
ages) so that "10 000 soldats" or "Agé de 54 ans" never reach the year and duration rules.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from briefgen.extract import timex_calendar as cal
from briefgen.extract.timex_lexicon import Lexicon, fold, lexicon
from briefgen.model import DateKind

#: A number in digits ("30,4") or words ("dix-huit", "vingt et un").
NUMBER = r"(?:\d+(?:[.,]\d+)?(?![.,]?\d)|@numbers(?:(?:[-\u2011]|\s+@number_joiners\s+)@numbers)*)"
#: A zone after a time: "ET", "GMT +8", "(UTC+2)".
ZONE = (
    r"(?:@zones(?:\s?[+-]\s?\d{1,2}(?::?\d\d)?)?|\(\s?@zones(?:\s?[+-]\s?\d{1,2}(?::?\d\d)?)?\s?\))"
)
#: The day a time may be written with: "hier à 10 h", "12:00 UTC Monday".
DAY_WORD = r"(?:@relative_days|@weekdays)"
LEADING_DAY = rf"(?:(?P<dword>{DAY_WORD})\s+@at_)?"
TRAILING_DAY = rf"(?:\s+(?P<tday>{DAY_WORD}))?"
NOT_AFTER_NUMBER = r"(?<![\d.,:/])"
#: The edge of a period: "début", "la fin de", "mid-", "the end of".
EDGE = r"(?:(?:@articles_)?(?P<edge>@edges)(?:[-\u2011]|\s+)(?:@of_)?)?"
MODIFIER = r"(?:@last|@next|@past)"


@dataclass(frozen=True, slots=True)
class Reading:
    """What an expression means: its TIMEX3 value, its kind, and the calendar day it names
    (`day`), which later times and "le lendemain" count from."""

    value: str
    kind: DateKind
    day: datetime.date | None = None
    anchored: bool = False


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule needs beyond its match: the dates to count from, and the tense around it."""

    published: datetime.date
    anchor: datetime.date
    lexicon: Lexicon
    tense: Callable[[], int]


class Found:
    """The match of one rule, read by group name; a group the rule lacks reads as None.

    A resolver reads several groups, some of them more than once: they are all read at once.
    """

    __slots__ = ("_groups", "match")

    def __init__(self, match: re.Match[str]) -> None:
        self.match = match
        self._groups = match.groupdict()

    def __getitem__(self, name: str) -> str | None:
        return self._groups.get(name)

    def has(self, *names: str) -> bool:
        return any(self._groups.get(name) is not None for name in names)

    def span(self) -> tuple[int, int]:
        """The expression itself: the `span` group when the rule has one (prepositions such as
        "en 1962" stay outside), otherwise the whole match."""
        if self._groups.get("span") is not None:
            return self.match.span("span")
        return self.match.span()


Resolve = Callable[[Found, Context], Reading | None]


@dataclass(frozen=True, slots=True)
class Rule:
    """A pattern and how to read its matches; `opens` tells whether a match may start with a
    digit ("digit"), with anything else ("word"), or both ("either"), so that a position is
    only offered to the rules that can start there. A rule without `resolve` only claims its
    text ("10 000 soldats", "âgé de 54 ans"), so that no later rule reads a date in it."""

    name: str
    template: str
    resolve: Resolve | None
    opens: Literal["digit", "word", "either"] = "word"


#: Words that may open an expression before its head word ("à la fin de l'année dernière").
STARTING_WORDS = (
    "articles",
    "this",
    "same",
    "last",
    "next",
    "past",
    "edges",
    "approximations",
    "vague_quantities",
    "numbers",
    "ago_before",
    "ahead_before",
    "every",
    "per",
    "age_nouns",
    "year_prepositions",
    "season_prepositions",
    "month_prepositions",
    "time_prepositions",
    "age_before",
    "vague_unit_prepositions",
    "ordinals",
    "decade_words",
    "day_part_prepositions",
)
#: Words that may follow them before the head ("la fin de l'année", "vingt et un ans").
LINKING_WORDS = (*STARTING_WORDS, "of", "number_joiners", "halves", "at", "unit_adjectives")
#: Words of which every expression has at least one, after at most `PREFIX_REACH` prefix words.
HEAD_WORDS = (
    "any_months",
    "weekdays",
    "weekdays_plural",
    "units",
    "calendar_units",
    "relative_days",
    "anchored_days",
    "relative_day_parts",
    "frequencies",
    "duration_words",
    "day_parts",
    "seasons",
    "named_times",
    "references",
    "month_words",
    "year_words",
    "named_days",
)
PREFIX_REACH = 6


@dataclass(frozen=True, slots=True)
class Grammar:
    """The rules of one language, compiled once.

    `scan` is one pattern searched through the text: a look-ahead that checks, cheaply, that an
    expression may start here (a run of prefix words ending at a head word or a digit), then
    one alternation of all the rules, each guarded by what it may start with (a digit, anything
    else, or either). One search finds the next match of the first rule that matches, with no
    Python step per position. The alternation keeps no groups (hundreds of groups would slow
    every step of the regex engine), so the rule that matched is matched again alone to read
    its groups (`sources`, compiled on first use).
    """

    lexicon: Lexicon
    scan: re.Pattern[str]
    rules: tuple[Rule, ...]
    sources: tuple[str, ...]

    def matches(self, text: str) -> Iterator[tuple[Resolve, Found]]:
        """Each match of a rule that may date something in `text`, with the rule's resolver,
        left to right, never overlapping (nor overlapping the text other rules claim)."""
        position = 0
        while (match := self.scan.search(text, position)) is not None:
            start = match.start()
            # An empty match must not be found again at the same place.
            position = max(match.end(), start + 1)
            index = match.lastindex or 0
            resolve = self.rules[index - 1].resolve
            if resolve is None:
                continue
            found = _rule_pattern(self.sources[index - 1]).match(text, start)
            if found is not None:
                yield resolve, Found(found)


@functools.cache
def grammar(lang: str) -> Grammar:
    """The compiled grammar of `lang`, built once per process."""
    words = lexicon(lang)
    sources = tuple(_expand(rule.template, words.fragments) for rule in RULES)
    branches = "|".join(
        f"({_OPENS[rule.opens]}{_UNNAMED.sub('(?:', source)})"
        for rule, source in zip(RULES, sources, strict=True)
    )
    scan = re.compile(rf"(?<!\w)(?={_expression_start(words)})(?:{branches})")
    return Grammar(words, scan, RULES, sources)


#: What a rule may start with, as a guard on its branch.
_OPENS = {"digit": r"(?=\d)", "word": r"(?!\d)", "either": ""}
_UNNAMED = re.compile(r"\(\?P<\w+>")


@functools.cache
def _rule_pattern(source: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{source})")


def _expand(template: str, fragments: Mapping[str, str]) -> str:
    return re.sub(r"@(\w+)", lambda match: fragments[match.group(1)], template)


def _expression_start(words: Lexicon) -> str:
    """A run of prefix words ending at a head word or a digit, for the look-ahead of `scan`.

    It only ever starts where a word may start, and each separator ends with a character that
    is no letter or digit, so the words need no check of what comes before them (see
    `Lexicon.words_of`)."""
    starting = words.words_of(STARTING_WORDS)
    linking = words.words_of(LINKING_WORDS)
    head = rf"(?:{words.words_of(HEAD_WORDS)}|\d|[$€£¥#]|['\u2019]\d)"
    separator = r"(?:\s+|(?<=['\u2019])\s*|[-\u2011]|,\s*)"
    run = rf"{starting}{separator}(?:{linking}{separator}){{0,{PREFIX_REACH - 1}}}"
    return rf"(?:{run})?{head}"


# --- reading helpers ------------------------------------------------------------------------


def _direction(found: Found, words: Lexicon, *names: str) -> int:
    """-1 for "dernier"/"last"/"past", +1 for "prochain"/"next", 0 when none is there."""
    for name in names:
        if words.has("last", found[name]) or words.has("past", found[name]):
            return -1
        if words.has("next", found[name]):
            return 1
    return 0


def _two_digit_year(digits: str, reference: datetime.date) -> int:
    """ "98" → 1998, "07" → 2007: the century that does not put the year far in the future."""
    year = reference.year // 100 * 100 + int(digits)
    return year - 100 if year > reference.year + 10 else year


def _year(text: str, reference: datetime.date) -> int:
    digits = text.lstrip("'\u2019")
    return int(digits) if len(digits) == 4 else _two_digit_year(digits, reference)


def _day_reading(day: datetime.date | None) -> Reading | None:
    return Reading(cal.day_value(day), "date", day) if day else None


def _named_day(word: str, ctx: Context) -> datetime.date:
    """The day of "hier", "today" or a weekday written next to a time."""
    offset = ctx.lexicon.relative_days.get(fold(word))
    if offset is not None:
        return ctx.published + datetime.timedelta(days=offset)
    return cal.weekday_date(ctx.lexicon.weekdays[fold(word)], ctx.published, ctx.tense())


def _zone(text: str | None, ctx: Context) -> str:
    if not text:
        return ""
    name = text.strip("() ")
    letters = re.match(r"[^\d+-]+", name)
    zone = ctx.lexicon.zones.get(fold(letters.group() if letters else name), "")
    offset = name[letters.end() :] if letters else ""
    return cal.numeric_offset(offset) if offset.strip() else zone


def _count(found: Found, ctx: Context, name: str = "n") -> float | None:
    """The number in group `name`; None when it is vague ("quelques") or unreadable."""
    text = found[name]
    if text is None or ctx.lexicon.has("vague_quantities", text):
        return None
    count = ctx.lexicon.number(text)
    if count is not None and found.has("h1", "h2"):
        count += 0.5
    return count


# --- resolvers ------------------------------------------------------------------------------


def _iso_datetime(found: Found, ctx: Context) -> Reading | None:
    day = cal.valid_day(int(found["y"] or 0), int(found["mo"] or 0), int(found["d"] or 0))
    if day is None:
        return None
    zone = found["z"] or ""
    zone = "Z" if zone in ("z", "Z") else cal.numeric_offset(zone) if zone else ""
    second = int(found["s"] or 0)
    value = cal.time_value(day, int(found["h"] or 0), int(found["mi"] or 0), second, zone)
    return Reading(value, "time", day)


def _iso_date(found: Found, ctx: Context) -> Reading | None:
    return _day_reading(
        cal.valid_day(int(found["y"] or 0), int(found["mo"] or 0), int(found["d"] or 0))
    )


def _numeric_date(found: Found, ctx: Context) -> Reading | None:
    order = ctx.lexicon.numeric_date_order
    first, second = int(found["a"] or 0), int(found["b"] or found["b2"] or 0)
    year_text = found["c"] or ""
    if order not in ("DMY", "MDY"):
        return None
    day, month = (first, second) if order == "DMY" else (second, first)
    return _day_reading(cal.valid_day(_year(year_text, ctx.published), month, day))


def _clock(found: Found, ctx: Context) -> Reading | None:
    """ "15h30", "18:00 UTC", "6 p.m.", "à dix heures du soir"."""
    hour_number = ctx.lexicon.number(found["h"] or "0")
    if hour_number is None or not hour_number.is_integer() or not 0 <= hour_number <= 24:
        return None
    hour, minute = int(hour_number) % 24, int(found["mi"] or 0)
    meridiem = found["ap"]
    if meridiem and ctx.lexicon.has("pm", meridiem) and hour < 12:
        hour += 12
    elif meridiem and hour == 12:
        hour = 0
    return _time_of(hour, minute, found, ctx)


def _named_time(found: Found, ctx: Context) -> Reading | None:
    hour, minute = ctx.lexicon.named_times[fold(found["nt"] or "")].split(":")
    return _time_of(int(hour), int(minute), found, ctx)


def _time_of(hour: int, minute: int, found: Found, ctx: Context) -> Reading:
    """A time on the day written with it, or else on the last day the text named."""
    word = found["dword"] or found["tday"]
    day = _named_day(word, ctx) if word else ctx.anchor
    value = cal.time_value(day, hour, minute, 0, _zone(found["z"], ctx))
    return Reading(value, "time", day, anchored=word is None)


def _decade(found: Found, ctx: Context) -> Reading | None:
    digits = found["d"] or found["d2"] or ""
    year = int(digits) if len(digits) == 4 else _two_digit_year(digits, ctx.published)
    if year > ctx.published.year and len(digits) == 2:
        year -= 100
    return Reading(f"{year // 10:03d}", "date")


def _day_month(found: Found, ctx: Context) -> Reading | None:
    words = ctx.lexicon
    day, month = int(found["d"] or 0), words.months[fold(found["mo"] or "")]
    if found["y"]:
        return _day_reading(cal.valid_day(_year(found["y"], ctx.published), month, day))
    weekday = words.weekdays.get(fold(found["wd"] or ""), 0)
    direction = _direction(found, words, "mod")
    return _day_reading(cal.nearest_day(month, day, ctx.published, direction, weekday))


def _month_year(found: Found, ctx: Context) -> Reading | None:
    month = ctx.lexicon.months[fold(found["mo"] or "")]
    return Reading(cal.month_value(_year(found["y"] or "", ctx.published), month), "date")


def _part_of_year(found: Found, ctx: Context) -> Reading | None:
    """ "Le premier trimestre 2021", "the third quarter of this year", "third-quarter"."""
    words = ctx.lexicon
    designator = words.calendar_units.get(fold(found["u"] or ""))
    number = words.ordinals.get(fold(found["ord"] or ""), 0)
    if designator not in ("Q", "H") or not number:
        return None
    number = min(number, 4 if designator == "Q" else 2)
    if found["y"]:
        return Reading(f"{found['y']}-{designator}{number}", "date")
    if found["yrel"]:
        year = ctx.published.year + _direction(found, words, "ypre", "ypost")
        return Reading(f"{year:04d}-{designator}{number}", "date")
    return Reading(cal.nearest_part(designator, number, ctx.published), "date")


def _year_phrase(found: Found, ctx: Context) -> Reading | None:
    return Reading(found["y"] or "", "date")


def _ago(sign: int) -> Resolve:
    """ "Il y a deux ans", "two years ago" (-1); "dans deux semaines" (+1)."""

    def resolve(found: Found, ctx: Context) -> Reading | None:
        unit = ctx.lexicon.units[fold(found["u"] or "")]
        count = _count(found, ctx)
        if count is None:  # "il y a quelques mois": French TimeBank gives the duration, PXM
            return Reading(cal.duration_value(None, unit), "duration")
        value = cal.ago_value(count, unit, ctx.published, sign)
        day = datetime.date.fromisoformat(value) if len(value) == 10 else None
        return Reading(value, "date", day)

    return resolve


def _duration(found: Found, ctx: Context) -> Reading | None:
    """ "Deux derniers mois" (P2M), "30,4 secondes" (PT30.4S), "quelques semaines" (PXW)."""
    unit = ctx.lexicon.units[fold(found["u"] or "")]
    if found["n"] is None:  # "the past year"
        return Reading(cal.duration_value(1, unit), "duration")
    count = _count(found, ctx)
    if count is None and not ctx.lexicon.has("vague_quantities", found["n"]):
        return None
    return Reading(cal.duration_value(count, unit), "duration")


def _vague_units(found: Found, ctx: Context) -> Reading | None:
    """ "For years", "over the years": a plural unit alone is an unspecified duration."""
    word = fold(found["u"] or "")
    if not word.endswith("s"):
        return None
    return Reading(cal.duration_value(None, ctx.lexicon.units[word]), "duration")


def _duration_word(found: Found, ctx: Context) -> Reading | None:
    return Reading(ctx.lexicon.duration_words[fold(found["dw"] or "")], "duration")


def _calendar(found: Found, ctx: Context) -> Reading | None:
    """ "La semaine dernière", "this year", "le week-end dernier", "en début de semaine";
    "ces dernières semaines", "recent years" (unspecified durations, PXW, PXY)."""
    words = ctx.lexicon
    word = fold(found["u"] or found["u2"] or "")
    designator = words.calendar_units.get(word)
    direction = _direction(found, words, "pre", "post")
    plural = word in words.plural_calendar_units or word in words.plural_units
    if plural or any(words.has("plural_words", found[name]) for name in ("det", "pre", "post")):
        if not direction:
            return None
        unit = words.units.get(word)
        vague = {"WE": "W", "H": "M"}.get(designator or "", designator)
        return Reading(cal.duration_value(None, unit) if unit else f"PX{vague}", "duration")
    if designator is None:
        return None
    if words.has("past", found["pre"]) and designator != "WE":  # "the past year"
        return Reading(f"P1{designator}", "duration")
    this = words.has("this", found["det"]) or found.has("ci")
    if designator == "WE" and not direction and (this or found.has("det")):
        tense = ctx.tense() or (0 if this else -2)
        if tense:  # "ce week-end" in a past- or future-tense clause, "over the weekend"
            return Reading(cal.tense_weekend(ctx.published, tense), "date")
    if not (direction or this or found.has("edge")):
        return None
    value = cal.calendar_value(designator, ctx.published, direction)
    return Reading(value, "date") if value else None


def _season(found: Found, ctx: Context) -> Reading | None:
    words = ctx.lexicon
    code = words.seasons[fold(found["s"] or "")]
    if found["y"]:
        return Reading(f"{found['y']}-{code}", "date")
    if not found.has("edge", "prep", "det", "pre", "post"):
        return None
    direction = _direction(found, words, "pre", "post")
    middle = {"SP": 4, "SU": 7, "FA": 10, "WI": 1}[code]
    year, _ = cal.nearest_month(middle, ctx.published, direction)
    return Reading(f"{year - (code == 'WI'):04d}-{code}", "date")


def _weekday(found: Found, ctx: Context) -> Reading | None:
    """A weekday: "mardi" (the last Tuesday, or the next one in a future-tense clause),
    "vendredi dernier", "ce dimanche", "tous les jeudis" (a set), "mardi soir" (a time)."""
    words = ctx.lexicon
    written = fold(found["wd"] or "")
    plural = written not in words.weekdays
    weekday = words.weekdays[written[:-1] if plural else written]
    direction = _direction(found, words, "pre", "post")
    habitual = words.has("habitual_articles", found["det"]) and not direction and not found["same"]
    if found.has("every") or plural or habitual:
        return Reading(f"XXXX-WXX-{weekday}", "set")
    if not direction:
        direction = 0 if words.has("this", found["det"]) else ctx.tense() or -2
    day = cal.weekday_date(weekday, ctx.published, direction)
    return _with_part(day, found, ctx)


def _with_part(day: datetime.date, found: Found, ctx: Context) -> Reading:
    part = found["part"]
    if part:
        return Reading(f"{day.isoformat()}T{ctx.lexicon.day_parts[fold(part)]}", "time", day)
    return Reading(cal.day_value(day), "date", day)


def _relative_day(found: Found, ctx: Context) -> Reading | None:
    """ "Hier", "demain matin", "aujourd'hui vendredi", "yesterday"."""
    offset = ctx.lexicon.relative_days[fold(found["rd"] or "")]
    return _with_part(ctx.published + datetime.timedelta(days=offset), found, ctx)


def _relative_day_part(found: Found, ctx: Context) -> Reading | None:
    offset, part = ctx.lexicon.relative_day_parts[fold(found["rdp"] or "")]
    day = ctx.published + datetime.timedelta(days=offset)
    return Reading(f"{day.isoformat()}T{part}", "time", day)


def _anchored_day(found: Found, ctx: Context) -> Reading | None:
    """ "Le lendemain", "ce jour-là": counted from the last day the text named."""
    offset = ctx.lexicon.anchored_days[fold(found["ad"] or "")]
    return _day_reading(ctx.anchor + datetime.timedelta(days=offset))


def _day_part(found: Found, ctx: Context) -> Reading | None:
    """ "Ce matin" (the publication day), "la nuit dernière" (the night before it), "la nuit de
    mardi", "la nuit", "le matin même" (the day last named)."""
    code = ctx.lexicon.day_parts[fold(found["part"] or "")]
    if found["wd"]:
        weekday = ctx.lexicon.weekdays[fold(found["wd"])]
        return _with_part(cal.weekday_date(weekday, ctx.published, ctx.tense() or -2), found, ctx)
    if found["post"]:
        before = _direction(found, ctx.lexicon, "post") < 0
        day = ctx.published - datetime.timedelta(days=int(before))
    elif found["this"]:
        day = ctx.published
    elif code == "DT":
        return None
    else:
        return Reading(f"{ctx.anchor.isoformat()}T{code}", "time", ctx.anchor, anchored=True)
    return Reading(f"{day.isoformat()}T{code}", "time", day)


def _month(found: Found, ctx: Context) -> Reading | None:
    """A month alone: the one nearest the publication date, or the last/next one."""
    words = ctx.lexicon
    written = fold(found["mo"] or "")
    if _capitalised_inside_sentence(found, words):  # "la planète Mars"
        return None
    context = found.has("edge", "prep", "det", "pre", "post", "mw")
    if written in words.word_sets.get("ambiguous_months", frozenset()) and not context:
        return None
    direction = _direction(found, words, "pre", "post")
    if not direction and not words.has("this", found["det"]):
        direction = ctx.tense()
    year, month = cal.nearest_month(words.months[written], ctx.published, direction)
    return Reading(cal.month_value(year, month), "date")


def _capitalised_inside_sentence(found: Found, words: Lexicon) -> bool:
    """A month name with a capital inside a sentence, in a language that writes months in
    lower case (French): a name, not a month."""
    name = found["mo"] or ""
    if not (name[:1].isupper() and words.lowercase_names):
        return False
    start = found.match.start("mo")
    before = found.match.string[max(0, start - 20) : start].rstrip()
    return bool(before) and before[-1] not in '.!?:;«"\n'


def _every(found: Found, ctx: Context) -> Reading | None:
    """ "Chaque jour" (P1D), "tous les deux ans" (P2Y), "par semestre" (P6M)."""
    unit = ctx.lexicon.units[fold(found["u"] or "")]
    count = _count(found, ctx) if found["n"] else 1
    return Reading(cal.duration_value(count or 1, unit), "set")


def _frequency(found: Found, ctx: Context) -> Reading | None:
    return Reading(ctx.lexicon.frequencies[fold(found["freq"] or "")], "set")


def _bare_year(found: Found, ctx: Context) -> Reading | None:
    """A number alone is a year from 1900 to 2099, or any year after "en", "in", "since"…"""
    text = found["y"] or ""
    if text[0] in "'\u2019":
        return Reading(f"{_year(text, ctx.published):04d}", "date") if found["prep"] else None
    year = int(text)
    if not (1900 <= year <= 2099 or (year >= 1000 and found.has("prep", "edge"))):
        return None
    return Reading(text, "date")


def _reference(found: Found, ctx: Context) -> Reading | None:
    return Reading(ctx.lexicon.references[fold(found["ref"] or "")], "date")


# --- the rules, most specific first ---------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule(
        "quantity",
        r"(?<![\w.,])\d{1,3}(?:[\u00a0\u202f .,]\d{3})+(?!\d)"
        r"|[$€£¥#]\s?\d[\d.,]*"
        r"|\d+(?:[.,]\d+)?\s?(?:%|@quantity_words)",
        None,
        opens="either",
    ),
    Rule(
        "age",
        rf"@age_before_(?:@approximations_)?{NUMBER}\s+@units"
        rf"|@age_nouns\s+@of_{NUMBER}\s+@age_units"
        rf"|{NUMBER}\s*@age_after"
        rf"|(?<=[,(]\s){NUMBER}\s+@age_units",
        None,
        opens="either",
    ),
    Rule("named day", r"(?:@articles_)?@named_days", None),
    Rule(
        "iso date-time",
        r"(?<![\d-])(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)[Tt\s](?P<h>[01]\d|2[0-3]):(?P<mi>[0-5]\d)"
        r"(?::(?P<s>[0-5]\d)(?:\.\d+)?)?(?P<z>[Zz]|[+-]\d\d(?::?\d\d)?)?(?![\w:])",
        _iso_datetime,
        opens="digit",
    ),
    Rule(
        "iso date",
        r"(?<![\d-])(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)(?![\d-])",
        _iso_date,
        opens="digit",
    ),
    Rule(
        "numeric date",
        r"(?<![\d./-])(?P<a>[0-3]?\d)(?:/(?P<b>[0-3]?\d)/|\.(?P<b2>[0-3]?\d)\.)(?P<c>\d{4}|\d\d)"
        r"(?!\d|[./-]\d)",
        _numeric_date,
        opens="digit",
    ),
    Rule(
        "military time",
        rf"{NOT_AFTER_NUMBER}(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)\s?(?P<z>@zones)",
        _clock,
        opens="digit",
    ),
    Rule(
        "clock",
        rf"{LEADING_DAY}{NOT_AFTER_NUMBER}(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?!\d)"
        rf"(?:\s?(?P<ap>@am|@pm))?(?:\s?(?P<z>{ZONE}))?{TRAILING_DAY}",
        _clock,
        opens="either",
    ),
    Rule(
        "hour mark",
        rf"{LEADING_DAY}{NOT_AFTER_NUMBER}(?P<h>[01]?\d|2[0-3])\s?@hour_marks"
        rf"(?:\s?(?P<mi>[0-5]\d))?(?!\d)(?:\s+(?P<ap>@am|@pm))?(?:\s?(?P<z>{ZONE}))?{TRAILING_DAY}",
        _clock,
        opens="either",
    ),
    Rule(
        "am pm",
        rf"{LEADING_DAY}{NOT_AFTER_NUMBER}(?P<h>1[0-2]|0?[1-9])\s?(?P<ap>@am|@pm)"
        rf"(?:\s?(?P<z>{ZONE}))?{TRAILING_DAY}",
        _clock,
        opens="either",
    ),
    Rule(
        "hour word",
        rf"@time_prepositions_(?P<span>(?P<h>{NUMBER})\s+@hour_words(?:\s+(?P<mi>[0-5]\d))?"
        rf"(?!\d)(?:\s+(?P<ap>@am|@pm))?(?:\s?(?P<z>{ZONE}))?)",
        _clock,
    ),
    Rule(
        "named time",
        rf"(?:(?P<dword>{DAY_WORD})\s+(?:@at_)?)?(?P<nt>@named_times)",
        _named_time,
    ),
    Rule(
        "decade",
        r"@decade_words_(?P<d>(?:1[5-9]|20)?\d0)(?!\d)"
        r"|['\u2019]?(?P<d2>(?:1[5-9]|20)?\d0)['\u2019]?[sS](?!\w)",
        _decade,
        opens="either",
    ),
    Rule(
        "day month",
        r"(?:@articles_)?(?:(?P<wd>@weekdays),?\s+)?(?<![\d.,])(?P<d>[0-3]?\d)(?:@day_suffixes)?"
        r"(?!\d)\s+(?:@of_)?(?P<mo>@any_months)"
        r"(?:,?\s+(?:@of_)?(?P<y>\d{4}(?!\d)|['\u2019]\d\d(?!\w)|\d\d(?=\s*[^\w\s]|\s*$)))?"
        r"(?:\s+(?P<mod>@last|@next))?",
        _day_month,
        opens="either",
    ),
    Rule(
        "day list",
        r"(?:@articles_)?(?<![\d.,])(?P<d>[0-3]?\d)(?:@day_suffixes)?(?=\s*(?:,|[-\u2013]|@day_list_joiners)"
        r"\s*(?:@articles_)?[0-3]?\d(?:@day_suffixes)?\s+(?:@of_)?(?P<mo>@any_months)"
        r"(?:,?\s+(?P<y>\d{4})(?!\d))?(?:\s+(?P<mod>@last|@next))?)",
        _day_month,
        opens="either",
    ),
    Rule(
        "month day",
        r"(?:(?P<wd>@weekdays),?\s+)?(?P<mo>@month_first_months)\s+(?P<d>[0-3]?\d)(?:@day_suffixes)?"
        r"(?![\d:]|[.,]\d|\s*(?:%|@units|@quantity_words))(?:,?\s+(?P<y>\d{4})(?!\d))?",
        _day_month,
    ),
    Rule(
        "month year",
        rf"{EDGE}(?P<mo>@any_months)(?:\s+@of)?\s+"
        r"(?P<y>\d{4}(?!\d)|['\u2019]?\d\d(?=\s*[^\w\s]|\s*$))(?!\s*(?:%|@quantity_words))",
        _month_year,
    ),
    Rule(
        "quarter",
        r"(?:@articles_)?(?P<ord>@ordinals)[-\u2011\s]+(?P<u>@calendar_units)(?:\s+(?:@of_)?"
        r"(?:(?P<y>\d{4})(?!\d)|(?P<yrel>(?:@articles_|@this_)?(?:(?P<ypre>@last|@next)\s+)?"
        r"@year_words(?:\s+(?P<ypost>@last|@next))?)))?",
        _part_of_year,
        opens="either",
    ),
    Rule(
        "year phrase",
        rf"{EDGE}(?:@articles_|@this_)?@year_words\s+(?P<y>\d{{4}})(?!\d)",
        _year_phrase,
    ),
    Rule(
        "ago before",
        rf"@ago_before_(?:@approximations_)?(?P<n>{NUMBER}|@vague_quantities)\s+(?P<u>@units)",
        _ago(-1),
    ),
    Rule(
        "ago after",
        rf"(?:@approximations_)?(?P<n>{NUMBER}|@vague_quantities)[-\u2011\s]+(?P<u>@units)\s+@ago_after",
        _ago(-1),
        opens="either",
    ),
    Rule(
        "ahead",
        rf"@ahead_before_(?:@approximations_)?(?P<n>{NUMBER})\s+(?P<u>@units)",
        _ago(1),
    ),
    Rule(
        "number list",
        rf"(?<![-\u2011/])(?P<n>{NUMBER})(?=\s*(?:@day_list_joiners)\s*{NUMBER}\s+"
        r"(?:@unit_adjectives\s+)?(?P<u>@units))",
        _duration,
        opens="either",
    ),
    Rule(
        "duration",
        rf"(?:@approximations_)?(?:@articles_|@this_)?(?:{MODIFIER}\s+)?(?<![-\u2011/])"
        rf"(?P<n>{NUMBER}|@vague_quantities)(?:\s+(?P<h1>@halves))?(?:[-\u2011]|\s+)"
        rf"(?:{MODIFIER}\s+)?(?:@unit_adjectives\s+)?(?P<u>@units)(?:\s+(?P<h2>@halves))?"
        r"(?:\s+@unit_adjectives)?",
        _duration,
        opens="either",
    ),
    Rule("past unit", r"(?:@articles_)?@past\s+(?P<u>@units)", _duration),
    Rule(
        "vague units",
        r"@vague_unit_prepositions_(?P<span>(?:@approximations_)?(?P<u>@units))",
        _vague_units,
    ),
    Rule("duration word", r"(?P<dw>@duration_words)", _duration_word),
    Rule("anchored day", r"(?P<ad>@anchored_days)", _anchored_day),
    Rule(
        "recent units",
        r"(?:@articles_|@this_)?(?:(?P<pre>@last|@next)\s+(?P<u>@units)"
        r"|(?P<u2>@units)\s+(?P<post>@last|@next))",
        _calendar,
    ),
    Rule(
        "calendar",
        rf"{EDGE}(?:(?P<det>@articles_|@this_))?(?:(?P<pre>{MODIFIER})\s+)?"
        r"(?P<u>@calendar_units)"
        r"(?P<ci>@this_suffixes)?(?:\s+(?P<post>@last|@next))?",
        _calendar,
    ),
    Rule(
        "season",
        r"(?P<prep>@season_prepositions_)?(?P<span>(?:(?P<edge>@edges)(?:[-\u2011]|\s+)(?:@of_)?)?"
        r"(?:(?P<det>@articles_|@this_))?(?:(?P<pre>@last|@next)\s+)?(?P<s>@seasons)"
        r"(?:\s+(?:@of_)?(?P<y>\d{4})(?!\d)|\s+(?P<post>@last|@next))?)",
        _season,
    ),
    Rule(
        "weekday",
        r"(?P<every>@every_)?(?P<det>@articles_|@this_)?(?P<same>@same_)?"
        r"(?:(?P<pre>@last|@next)\s+)?(?P<wd>@weekdays_plural|@weekdays)"
        r"(?:\s+(?P<post>@last|@next))?(?:\s+(?P<part>@day_parts))?",
        _weekday,
    ),
    Rule(
        "relative day",
        r"(?P<rd>@relative_days)(?:\s+(?P<wd>@weekdays))?(?:\s+(?P<part>@day_parts))?",
        _relative_day,
    ),
    Rule("relative day part", r"(?P<rdp>@relative_day_parts)", _relative_day_part),
    Rule(
        "day part",
        r"(?:(?P<this>@this_)|@articles_|@day_part_prepositions_|@edges(?:[-\u2011]|\s+)(?:@of_)?)"
        r"(?:@same_)?(?P<part>@day_parts)(?:\s+@same)?"
        r"(?:\s+@of_(?P<wd>@weekdays)|\s+(?P<post>@last|@next))?",
        _day_part,
    ),
    Rule(
        "month",
        r"(?P<prep>@month_prepositions_)?(?P<span>(?:(?P<edge>@edges)(?:[-\u2011]|\s+)(?:@of_)?)?"
        r"(?P<det>@articles_|@this_)?(?:(?P<pre>@last|@next)\s+)?"
        r"(?:(?P<mw>@month_words)\s+(?:@of_)?)?(?P<mo>@months)(?!\s+(?:@of_)?\d)"
        r"(?:\s+(?P<post>@last|@next))?)",
        _month,
    ),
    Rule("every", rf"@every_(?:(?P<n>{NUMBER})\s+)?(?P<u>@units)", _every),
    Rule("per", r"@per_(?P<u>@units)", _every),
    Rule("frequency", r"(?P<freq>@frequencies)", _frequency),
    Rule(
        "year",
        r"(?P<prep>@year_prepositions_)?(?P<span>(?:(?P<edge>@edges)(?:[-\u2011]|\s+)(?:@of_)?"
        r"|(?<![\w$€£#.,:'\u2019-]))(?P<y>\d{4}|(?<=\s)['\u2019]\d\d)"
        r"(?![\w%$€£'\u2019]|[.,:-]\d|\s?%|\s*(?:@quantity_words)))",
        _bare_year,
        opens="either",
    ),
    Rule("reference", r"(?P<ref>@references)(?![-\u2011]\w)", _reference),
)
