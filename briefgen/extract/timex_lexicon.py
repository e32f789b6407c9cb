"""The words of temporal expressions in one language, as lookup tables and regex fragments.

`lang/<lang>.dates.yaml` lists the words (month names, units, relative words, zones…); this module
turns each list into a regex alternation that the rules of `timex_rules` splice into their
patterns, and into a table that maps a matched word back to what it means. A language without a
file gets empty lists, whose fragments never match, so only the language-independent rules run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from briefgen.extract.langdata import language_table

NEVER = "(?!)"
#: What follows a word: not a letter or digit; after an hour mark ("15h30"), not a letter.
WORD_END = r"(?!\w)"
LETTER_END = r"(?![^\W\d_])"
#: Zones every language knows; a language file adds its own.
UNIVERSAL_ZONES = {"UTC": "Z", "GMT": "Z"}

_FOLD_DROP = re.compile(r"[\s\-\u2011]+")
_UNIT_SPEC = re.compile(r"(T?)(\d+(?:\.\d+)?)([A-Z])")
#: Word lists of the language file that become fragments of the same name.
_WORD_LISTS = (
    "day_suffixes",
    "number_joiners",
    "halves",
    "vague_quantities",
    "approximations",
    "vague_unit_prepositions",
    "this_suffixes",
    "year_words",
    "month_words",
    "articles",
    "this",
    "same",
    "last",
    "next",
    "past",
    "edges",
    "of",
    "year_prepositions",
    "season_prepositions",
    "month_prepositions",
    "decade_words",
    "ago_before",
    "ago_after",
    "ahead_before",
    "every",
    "per",
    "hour_marks",
    "hour_words",
    "time_prepositions",
    "at",
    "am",
    "pm",
    "quantity_words",
    "age_before",
    "age_after",
    "age_units",
    "day_list_joiners",
    "ambiguous_months",
    "age_nouns",
    "unit_adjectives",
    "named_days",
    "plural_words",
    "habitual_articles",
    "day_part_prepositions",
)
#: Tables of the language file (word → meaning) whose keys become fragments of the same name.
_WORD_TABLES = (
    "numbers",
    "units",
    "calendar_units",
    "ordinals",
    "relative_days",
    "anchored_days",
    "relative_day_parts",
    "frequencies",
    "duration_words",
    "day_parts",
    "seasons",
    "named_times",
    "zones",
)


@functools.lru_cache(maxsize=8192)
def fold(word: str) -> str:
    """The lookup key of a word: lower case, straight apostrophe, no spaces or hyphens.

    The words a rule matches come from the lexicon and recur in every article, so each is
    folded once (a regex substitution) and then looked up.
    """
    return _FOLD_DROP.sub("", word.lower().replace("\u2019", "'"))


@dataclass(frozen=True, slots=True)
class Unit:
    """A duration unit: `count` times the ISO 8601 `designator` (a semester is 6 M)."""

    count: float
    designator: str
    is_time: bool


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the rules need to know about one language."""

    lang: str
    fragments: Mapping[str, str]
    word_lists: Mapping[str, tuple[tuple[str, ...], bool]]
    months: Mapping[str, int]
    weekdays: Mapping[str, int]
    numbers: Mapping[str, float]
    units: Mapping[str, Unit]
    calendar_units: Mapping[str, str]
    plural_calendar_units: frozenset[str]
    plural_units: frozenset[str]
    ordinals: Mapping[str, int]
    relative_days: Mapping[str, int]
    anchored_days: Mapping[str, int]
    relative_day_parts: Mapping[str, tuple[int, str]]
    frequencies: Mapping[str, str]
    duration_words: Mapping[str, str]
    day_parts: Mapping[str, str]
    seasons: Mapping[str, str]
    named_times: Mapping[str, str]
    zones: Mapping[str, str]
    references: Mapping[str, str]
    word_sets: Mapping[str, frozenset[str]]
    numeric_date_order: str
    lowercase_names: bool
    future_marker: re.Pattern[str] | None
    past_marker: re.Pattern[str] | None
    future_preposition: re.Pattern[str] | None

    def words_of(self, names: Iterable[str]) -> str:
        """One regex for the words of several lists and tables, for a look-ahead that asks
        whether any of them is here, not which one, at a place where a word may start.

        Unlike the fragments (whose words are tried longest first, as a rule's match depends
        on which one is taken), all the words share one trie, each with the end it needs
        (`WORD_END` after a letter or digit), so that the regex engine reads a word's first
        letters only once; and no word checks what comes before it.
        """
        words = [
            (word, capitalised)
            for name in names
            if name in self.word_lists
            for word, capitalised in _with_case(self.word_lists[name])
        ]
        if not words:
            return NEVER
        return _trie(
            [
                [_atom(char, keep_case) for char in word]
                + ([WORD_END] if word[-1].isalnum() else [])
                for word, keep_case in words
            ]
        )

    def has(self, category: str, word: str | None) -> bool:
        """Whether `word` (as matched in the text) belongs to the word list `category`."""
        return word is not None and fold(word) in self.word_sets.get(category, frozenset())

    def number(self, text: str) -> float | None:
        """The value of a number written in digits or words ("30,4", "dix-huit", "vingt et un")."""
        if text[0].isdigit():
            return float(text.replace(",", "."))
        joiners = self.word_sets.get("number_joiners", frozenset())
        words = [
            fold(part) for part in re.split(r"[\s\-\u2011]+", text) if fold(part) not in joiners
        ]
        return _sum_number_words(words, self.numbers)


def _sum_number_words(words: list[str], numbers: Mapping[str, float]) -> float | None:
    """Add number words, taking the longest known run first ("quatre-vingt-dix" is 80 + 10)."""
    total = current = 0.0
    index = 0
    while index < len(words):
        for stop in range(len(words), index, -1):
            value = numbers.get("".join(words[index:stop]))
            if value is not None:
                break
        else:
            return None
        if value >= 100:
            current = max(current, 1.0) * value
            if value >= 1000:
                total, current = total + current, 0.0
        else:
            current += value
        index = stop
    return total + current


@functools.cache
def lexicon(lang: str) -> Lexicon:
    """The lexicon of `lang`, built once per process."""
    table = language_table(lang, "dates")
    months = {**_table(table, "months"), **_table(table, "month_abbreviations")}
    weekdays = _table(table, "weekdays")
    zones = {
        **UNIVERSAL_ZONES,
        **{key: str(value) for key, value in _table(table, "zones").items()},
    }
    references = {
        str(word): str(value)
        for value, words in _table(table, "references").items()
        for word in words or ()
    }
    calendar_units = _folded(_table(table, "calendar_units"), str)
    units = _folded(_table(table, "units"), _unit)
    lists = _word_lists(table, zones, references)
    return Lexicon(
        lang=lang,
        fragments=with_trailing_space(_fragments(lists, table)),
        word_lists=lists,
        months=_folded(months, int),
        weekdays=_folded(weekdays, int),
        numbers=_folded(_table(table, "numbers"), float),
        units=units,
        calendar_units=calendar_units,
        plural_calendar_units=_plurals(calendar_units),
        plural_units=_plurals(units),
        ordinals=_folded(_table(table, "ordinals"), int),
        relative_days=_folded(_table(table, "relative_days"), int),
        anchored_days=_folded(_table(table, "anchored_days"), int),
        relative_day_parts=_folded(
            _table(table, "relative_day_parts"), lambda pair: (int(pair[0]), str(pair[1]))
        ),
        frequencies=_folded(_table(table, "frequencies"), str),
        duration_words=_folded(_table(table, "duration_words"), str),
        day_parts=_folded(_table(table, "day_parts"), str),
        seasons=_folded(_table(table, "seasons"), str),
        named_times=_folded(_table(table, "named_times"), str),
        zones=_folded(zones, str),
        references=_folded(references, str),
        word_sets={name: frozenset(map(fold, _list(table, name))) for name in _WORD_LISTS},
        lowercase_names=bool(table.get("lowercase_names")),
        numeric_date_order=str(table.get("numeric_date_order", "")),
        future_marker=_marker(_list(table, "future_words"), _list(table, "future_endings")),
        future_preposition=_ending_with(_list(table, "future_prepositions")),
        past_marker=_marker(
            _list(table, "past_words"),
            _list(table, "past_endings"),
            _list(table, "past_endings_not_after"),
        ),
    )


def _word_lists(
    table: Mapping[str, Any], zones: Mapping[str, str], references: Mapping[str, str]
) -> dict[str, tuple[tuple[str, ...], bool]]:
    """The words of every list and table, with whether they keep their case."""
    capitalised = bool(table.get("capitalised_names"))
    lists = {name: (tuple(map(str, _list(table, name))), False) for name in _WORD_LISTS}
    lists |= {name: (tuple(_table(table, name)), False) for name in _WORD_TABLES}
    months = tuple(_table(table, "months"))
    weekdays = tuple(_table(table, "weekdays"))
    lists |= {
        "zones": (tuple(zones), False),
        "references": (tuple(references), False),
        "months": (months, capitalised),
        "any_months": ((*months, *_table(table, "month_abbreviations")), capitalised),
        "weekdays": (weekdays, capitalised),
        "weekdays_plural": (tuple(f"{day}s" for day in weekdays), capitalised),
    }
    return lists


def _fragments(
    lists: Mapping[str, tuple[tuple[str, ...], bool]], table: Mapping[str, Any]
) -> dict[str, str]:
    """The regex fragment of every word list and table, by name."""
    fragments = {name: merged_alternation([words]) for name, words in lists.items()}
    fragments |= {
        "month_first_months": fragments["any_months"] if table.get("month_before_day") else NEVER,
        # Written right after a number: "1er", "15h30", "6pm".
        "day_suffixes": merged_alternation([lists["day_suffixes"]], start=False),
        "hour_marks": merged_alternation([lists["hour_marks"]], start=False, end=LETTER_END),
        "am": merged_alternation([lists["am"]], start=False),
        "pm": merged_alternation([lists["pm"]], start=False),
    }
    return fragments


def alternation(
    words: Iterable[Any], capitalised: bool = False, start: bool = True, end: str = WORD_END
) -> str:
    """A regex matching any of `words`, longest first; never matches if there are none.

    Letters match in either case, except in a word written in capitals (a zone such as ET must
    not match "et") and in all words when `capitalised` (English months: "May", not "may").
    A space matches any white space, an apostrophe either apostrophe, a hyphen a hyphen, a space
    or nothing. A word must start a word unless `start` is false ("1er", "6pm"), and be
    followed by `end`.
    """
    return merged_alternation([(words, capitalised)], start, end)


def merged_alternation(
    groups: Iterable[tuple[Iterable[Any], bool]], start: bool = True, end: str = WORD_END
) -> str:
    """One alternation for several word lists, each with its `capitalised` flag.

    The words are merged into a trie of character classes rather than listed one by one: the
    regex engine then rejects a position on its first character, which keeps the scan over an
    article fast.
    """
    tries: dict[tuple[bool, bool], list[list[str]]] = {}
    for word, keep_case in (pair for group in groups for pair in _with_case(group)):
        bounded = (start and word[0].isalnum(), word[-1].isalnum())
        tries.setdefault(bounded, []).append([_atom(char, keep_case) for char in word])
    branches = [
        (r"(?<!\w)" if bounded_start else "") + _trie(atoms) + (end if bounded_end else "")
        for (bounded_start, bounded_end), atoms in sorted(tries.items(), reverse=True)
    ]
    if not branches:
        return NEVER
    return "(?:" + "|".join(branches) + ")"


def _with_case(group: tuple[Iterable[Any], bool]) -> Iterator[tuple[str, bool]]:
    """Each word of a list with whether it keeps its case: all of them when the list is
    `capitalised`, otherwise the words written in capitals (a zone such as ET)."""
    words, capitalised = group
    for word in map(str, words):
        yield word, capitalised or (len(word) > 1 and word.isupper())


def with_trailing_space(fragments: Mapping[str, str]) -> dict[str, str]:
    """Each fragment, plus `<name>_`: the same followed by the space that separates it from
    the next word (none needed after an elided word such as "l'")."""
    spaced = {
        f"{name}_": NEVER if pattern == NEVER else f"(?:{pattern})(?:(?<=['\u2019])\\s*|\\s+)"
        for name, pattern in fragments.items()
    }
    return {**fragments, **spaced}


def _atom(char: str, keep_case: bool) -> str:
    if char.isspace():
        return r"\s+"
    if char in "'\u2019":
        return "['\u2019]"
    if char in "-\u2011":
        return r"[-\u2011\s]?"
    upper, lower = char.upper(), char.lower()
    if keep_case or upper == lower or len(upper) != 1:
        return re.escape(char)
    return f"[{lower}{upper}]"


def _trie(words: list[list[str]]) -> str:
    """One regex for words given as lists of atoms, sharing their prefixes; longer first."""
    root: dict[str, Any] = {}
    for atoms in words:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}
    return _trie_pattern(root)


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [atom + _trie_pattern(child) for atom, child in node.items() if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _marker(
    words: list[Any], endings: list[Any], not_after: Iterable[Any] = ()
) -> re.Pattern[str] | None:
    """A regex finding tense markers: whole words, or words with one of the endings that do
    not follow one of the words `not_after` ("been completed" is no past tense)."""
    parts = [alternation(words)] if words else []
    if endings:
        guards = "".join(f"(?<!\\b{re.escape(str(word))}\\s)" for word in not_after)
        parts.append(rf"(?<!\w){guards}\w+" + alternation(endings, start=False))
    return re.compile("|".join(parts)) if parts else None


def _ending_with(words: list[Any]) -> re.Pattern[str] | None:
    """A regex for a text that ends with one of `words` ("jusqu'à", "until")."""
    return re.compile(alternation(words) + r"\s*\Z") if words else None


def _plurals(words: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(word for word in words if word.endswith("s") and word[:-1] in words)


def _unit(spec: Any) -> Unit:
    match = _UNIT_SPEC.fullmatch(str(spec))
    if match is None:
        raise ValueError(f"unit {spec!r} is not like 1D, 6M or T1H")
    time_mark, count, designator = match.groups()
    return Unit(float(count), designator, bool(time_mark))


def _table(table: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = table.get(name)
    return {str(key): item for key, item in value.items()} if isinstance(value, dict) else {}


def _list(table: Mapping[str, Any], name: str) -> list[Any]:
    value = table.get(name)
    return list(value) if isinstance(value, list) else []


def _folded(entries: Mapping[str, Any], convert: Any) -> dict[str, Any]:
    return {fold(key): convert(value) for key, value in entries.items()}
