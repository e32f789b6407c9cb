"""What a language knows about names, compiled once per language for the actor extractor.

The knowledge itself lives in data files (`lang/<lang>.actors.yaml` for cues, titles and stop
words, `lang/<lang>.gazetteer.yaml` for known organisations, places and first names) and in
Babel's CLDR data (country, region, city, month and weekday names), so a new language is new
files. Everything here is turned into sets, dicts and compiled regexes once, because the
extractor runs on every article of every build and must stay far faster than the rest.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import babel
import babel.core
import babel.dates

from briefgen.extract.langdata import language_table
from briefgen.model import ACTOR_KINDS, ActorKind

#: Upper-case letters of the Latin, Greek and Cyrillic scripts, for character classes: Python's
#: `re` has no \p{Lu}, and a name starts with one of these.
UPPER = "".join(
    chr(code)
    for code in (*range(0x41, 0x250), *range(0x370, 0x530))
    if chr(code).isupper() and chr(code).isalpha()
)

#: Time-zone abbreviations are international codes, not words of a language: never actors.
_TIME_ZONE_CODES = frozenset(
    {
        *("ET", "EST", "EDT", "CT", "CST", "CDT", "MT", "MST", "MDT", "PT", "PST", "PDT"),
        *("AKST", "HST", "GMT", "UTC", "UT", "CET", "CEST", "WET", "WEST", "EET", "EEST"),
        *("BST", "IST", "JST", "KST", "MSK", "AEST", "AEDT", "HKT", "SGT"),
    }
)
#: CLDR territory codes that are not countries: unions, zones, pseudo-locales.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "001"})
#: CLDR codes whose names are organisations rather than territories.
_ORGANIZATION_TERRITORIES = frozenset({"EU", "UN"})

_ACCENTED_CAPITALS = str.maketrans("ÉÈÊËÀÂÎÏÔÛÙÇ", "EEEEAAIIOUUC")


@dataclass(frozen=True, slots=True)
class Entry:
    """A known actor: its canonical name and kind."""

    name: str
    kind: ActorKind


@dataclass(frozen=True, slots=True)
class Phrase:
    """A fixed phrase found by the capitalised word it contains (its anchor).

    `entry` is set for a known actor; otherwise the phrase is a title, demonym or honorific, never
    an actor itself (`is_honorific` tells which). `anchor_offset` is where the anchor starts in
    `text`; the text must match it case-insensitively but keep the capitals at `capitals`
    ("La Réunion" is not "la réunion", "Maison Blanche" may be "Maison blanche").
    """

    text: str
    folded: str
    anchor_offset: int
    capitals: tuple[int, ...]
    entry: Entry | None = None
    is_honorific: bool = False


@dataclass(frozen=True, slots=True)
class ActorLexicon:
    """Everything the actor extractor needs to know about one language, ready for fast lookups.

    Word sets hold case-folded forms unless their name says otherwise.
    """

    phrases: Mapping[str, tuple[Phrase, ...]]
    known: Mapping[str, Entry]
    honorifics: frozenset[str]
    not_names: frozenset[str]
    stop_words: frozenset[str]
    demonyms: frozenset[str]
    titles: frozenset[tuple[str, ...]]
    title_starts: frozenset[str]
    title_ends: frozenset[str]
    title_max_words: int
    cue_words: frozenset[str]
    title_modifiers: frozenset[str]
    determiners: frozenset[str]
    elisions: frozenset[str]
    name_particles: frozenset[str]
    abbreviations: frozenset[str]
    first_names: frozenset[str]
    organization_words: frozenset[str]
    organization_nouns: frozenset[str]
    place_words: frozenset[str]
    place_nouns: frozenset[str]
    place_prepositions: frozenset[str]
    person_nouns: frozenset[str]
    subject_verbs: frozenset[str]
    place_token_prefixes: tuple[str, ...]
    place_prefixes: frozenset[tuple[str, ...]]
    organization_prefixes: frozenset[tuple[str, ...]]
    prefix_ends: frozenset[str]
    prefix_links: frozenset[str]
    connector_gap: re.Pattern[str]
    dateline: re.Pattern[str]
    conjunctions: frozenset[str]
    unknown_kind: ActorKind


def fold(text: str) -> str:
    """The form words are compared in: case-folded, with one kind of apostrophe."""
    return text.casefold().replace("\u2019", "'")


@functools.cache
def actor_lexicon(lang: str) -> ActorLexicon:
    """The compiled lexicon of `lang`; a language without data files gets Babel's part, if any."""
    cues = language_table(lang, "actors")
    gazetteer = language_table(lang, "gazetteer")
    first_names = _with_plain_initials(_strings(gazetteer, "first_names"))
    stop_words = _with_plain_initials(_strings(cues, "stop_words"))
    demonyms = _inflected(_strings(cues, "demonyms"), cues.get("demonym_endings") or [])
    elisions = frozenset(fold(word) for word in _strings(cues, "elisions"))
    titles = _word_tuples(cues, "titles", elisions)
    conjunctions = frozenset(fold(word) for word in _strings(cues, "conjunctions"))
    known = _known_actors(lang, gazetteer, first_names)
    honorifics = _strings(cues, "honorifics")
    place_prefixes = _word_tuples(cues, "place_prefixes", elisions)
    organization_prefixes = _word_tuples(cues, "organization_prefixes", elisions)
    return ActorLexicon(
        phrases=_phrase_index(
            known,
            honorifics,
            [
                *_strings(cues, "titles"),
                *(demonym for demonym in demonyms if " " in demonym),
                *_strings(cues, "not_name_phrases"),
            ],
        ),
        known={fold(name): entry for name, entry in known.items()},
        honorifics=frozenset(fold(honorific) for honorific in honorifics),
        not_names=_not_names(lang, cues, honorifics),
        stop_words=stop_words,
        demonyms=_with_plain_initials(demonyms),
        titles=titles,
        title_starts=frozenset(title[0] for title in titles),
        title_ends=frozenset(title[-1] for title in titles),
        title_max_words=max((len(title) for title in titles), default=0),
        cue_words=_cue_words(cues, titles, demonyms, elisions),
        title_modifiers=frozenset(fold(word) for word in _strings(cues, "title_modifiers")),
        determiners=frozenset(fold(word) for word in _strings(cues, "determiners")),
        elisions=elisions,
        name_particles=frozenset(fold(word) for word in _strings(cues, "name_particles")),
        abbreviations=frozenset(fold(word) for word in _strings(cues, "abbreviations")),
        first_names=first_names,
        organization_words=_with_plain_initials(_strings(cues, "organization_words")),
        organization_nouns=frozenset(fold(w) for w in _strings(cues, "organization_nouns")),
        place_words=_with_plain_initials(_strings(cues, "place_words")),
        place_nouns=frozenset(fold(word) for word in _strings(cues, "place_nouns")),
        place_prepositions=frozenset(fold(w) for w in _strings(cues, "place_prepositions")),
        person_nouns=frozenset(fold(word) for word in _strings(cues, "person_nouns")),
        subject_verbs=frozenset(fold(word) for word in _strings(cues, "subject_verbs")),
        place_token_prefixes=tuple(fold(word) for word in _strings(cues, "place_token_prefixes")),
        place_prefixes=place_prefixes,
        organization_prefixes=organization_prefixes,
        prefix_ends=frozenset(
            prefix[-1] for prefix in place_prefixes | organization_prefixes if prefix
        ),
        prefix_links=frozenset(
            word
            for connector in _strings(cues, "connectors")
            for word in fold(connector).split()
            if word not in conjunctions
        ),
        connector_gap=_connector_gap(_strings(cues, "connectors")),
        dateline=_dateline(lang),
        conjunctions=conjunctions,
        unknown_kind=_actor_kind(cues.get("unknown_name_kind")),
    )


def _actor_kind(value: Any) -> ActorKind:
    """The kind a data file names; "organization" when it names none or no valid one."""
    return next((kind for kind in ACTOR_KINDS if kind == value), "organization")


def _with_plain_initials(words: Iterable[str]) -> frozenset[str]:
    """The folded words, each also without the accent of its first letter: capitals often go
    without one in print ("Ecole", "Ile", "Etienne" for "École", "Île", "Étienne")."""
    folded = {fold(word) for word in words}
    return frozenset(
        folded | {unicodedata.normalize("NFD", word[:1])[:1] + word[1:] for word in folded}
    )


def _strings(table: Mapping[str, Any], key: str) -> list[str]:
    """The list of strings under `key`; a data file may leave any list out."""
    values = table.get(key) or []
    return [str(value) for value in values]


def _words_without_elision(text: str, elisions: frozenset[str]) -> tuple[str, ...]:
    """The folded words of `text`, each without an elided article ("d'État" → "état"), as the
    role finder reads the words around a name."""
    words = []
    for word in fold(text).split():
        head, apostrophe, tail = word.partition("'")
        words.append(tail if apostrophe and tail and head in elisions else word)
    return tuple(words)


def _cue_words(
    cues: Mapping[str, Any],
    titles: frozenset[tuple[str, ...]],
    demonyms: frozenset[str],
    elisions: frozenset[str],
) -> frozenset[str]:
    """Every word that may belong to the cue before a name: the words of titles and prefixes,
    honorifics, modifiers, particles, link words, prepositions and announcing nouns."""
    words = {word for title in titles for word in title} | set(demonyms)
    for key in ("place_prefixes", "organization_prefixes", "connectors"):
        words.update(word for phrase in _word_tuples(cues, key, elisions) for word in phrase)
    for key in (
        "honorifics",
        "title_modifiers",
        "determiners",
        "name_particles",
        "place_prepositions",
        "organization_nouns",
        "place_nouns",
    ):
        words.update(fold(word) for word in _strings(cues, key))
    return frozenset(words)


def _word_tuples(
    table: Mapping[str, Any], key: str, elisions: frozenset[str]
) -> frozenset[tuple[str, ...]]:
    """The phrases under `key` as tuples of words, in the form the role finder reads them."""
    return frozenset(_words_without_elision(phrase, elisions) for phrase in _strings(table, key))


def _inflected(bases: Iterable[str], endings: Iterable[Any]) -> frozenset[str]:
    """Every form of each demonym: `endings` pairs say how a base ending changes ("en"→"enne")."""
    rules = [(str(pair[0]), str(pair[1])) for pair in endings]
    forms: set[str] = set()
    for base in map(fold, bases):
        forms.add(base)
        for ending, replacement in rules:
            if base.endswith(ending):
                forms.add(base[: len(base) - len(ending)] + replacement)
    return frozenset(forms)


def _known_actors(
    lang: str, gazetteer: Mapping[str, Any], first_names: frozenset[str]
) -> dict[str, Entry]:
    """Every known name (with its spelling variants) → its actor; the data file wins over CLDR."""
    known: dict[str, Entry] = {}
    for name, kind in _babel_names(lang, gazetteer, first_names):
        known.setdefault(name, Entry(name, kind))
    kinds: tuple[tuple[str, ActorKind], ...] = (
        ("countries", "country"),
        ("organizations", "organization"),
        ("groups", "group"),
        ("places", "place"),
    )
    for key, kind in kinds:
        for names in gazetteer.get(key) or []:
            forms = [str(name) for name in (names if isinstance(names, list) else [names])]
            entry = known.get(forms[0]) or Entry(forms[0], kind)
            for form in forms:
                known[form] = entry
    for name in list(known):
        known.setdefault(name.translate(_ACCENTED_CAPITALS), known[name])
    return known


def _babel_names(
    lang: str, gazetteer: Mapping[str, Any], first_names: frozenset[str]
) -> list[tuple[str, ActorKind]]:
    """Countries, world regions and time-zone cities in `lang`, from Babel's CLDR data."""
    try:
        locale = babel.Locale.parse(lang)
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return []
    names: list[tuple[str, ActorKind]] = []
    for code, name in locale.territories.items():
        if code in _ORGANIZATION_TERRITORIES:
            names.append((name, "organization"))
        elif code not in _NOT_COUNTRIES:
            names.append((name, "place" if code.isdigit() else "country"))
    not_places = frozenset(_strings(gazetteer, "not_places"))
    for zone in babel.core.get_global("zone_territories"):
        parts = zone.split("/")
        if len(parts) != 2 or parts[0] in ("Antarctica", "Etc"):
            continue
        city = locale.time_zones.get(zone, {}).get("city") or parts[1].replace("_", " ")
        if city not in not_places and fold(city) not in first_names:
            names.append((city, "place"))
    return names


def _phrase_index(
    known: Mapping[str, Entry], honorifics: Iterable[str], fixed: Iterable[str]
) -> dict[str, tuple[Phrase, ...]]:
    """Phrases keyed by their first capitalised word, longest first, so a scan finds them by
    looking up the token it stands on (no big alternation regex tried at every position).
    `fixed` phrases (titles, demonyms of several words, decorations and eras) are never actors
    themselves."""
    index: dict[str, list[Phrase]] = {}
    for name, entry in known.items():
        for spelling in _spellings(name):
            _add_phrase(index, spelling, entry=entry)
    for honorific in honorifics:
        _add_phrase(index, honorific, is_honorific=True)
    for phrase in fixed:
        for variant in {phrase, phrase[:1].upper() + phrase[1:]}:
            for spelling in _spellings(variant):
                _add_phrase(index, spelling)
    return {
        anchor: tuple(sorted(phrases, key=lambda phrase: -len(phrase.text)))
        for anchor, phrases in index.items()
    }


_ELIDED = re.compile(r"(['\u2019])(?=\w)")


def _spellings(phrase: str) -> set[str]:
    """A phrase as written, and with a space after each elided article ("Légion d' honneur"),
    as text rebuilt from tokens or from OCR spells it."""
    return {phrase, _ELIDED.sub(r"\1 ", phrase)}


_ANCHOR = re.compile(rf"[{UPPER}][^\W_]*(?:[-\u2010][^\W_]+)*")


def _add_phrase(
    index: dict[str, list[Phrase]],
    text: str,
    entry: Entry | None = None,
    is_honorific: bool = False,
) -> None:
    """Index `text` under its first capitalised word; a phrase without one is not indexed. Only
    the first letter of each of its capitalised words must be a capital in the article (a
    lower-case word of the phrase may be capitalised there: "Conseil de Sécurité")."""
    anchor = _ANCHOR.search(text)
    if anchor is None:
        return
    capitals = tuple(match.start() for match in _ANCHOR.finditer(text))
    phrase = Phrase(text, fold(text), anchor.start(), capitals, entry, is_honorific)
    index.setdefault(anchor.group(), []).append(phrase)


def _not_names(lang: str, cues: Mapping[str, Any], honorifics: Iterable[str]) -> frozenset[str]:
    """Capitalised words that are never a name on their own: months, weekdays, time zones,
    honorifics and the language's own list."""
    words = set(_TIME_ZONE_CODES) | set(_strings(cues, "not_names"))
    words.update(honorific.rstrip(".") for honorific in honorifics)
    words.update(_calendar_words(lang))
    return _with_plain_initials(words)


def _calendar_words(lang: str) -> set[str]:
    """Month and weekday names (wide and abbreviated) in `lang`, from Babel."""
    try:
        locale = babel.Locale.parse(lang)
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return set()
    words: set[str] = set()
    for width in ("wide", "abbreviated"):
        words.update(babel.dates.get_month_names(width, locale=locale).values())
        words.update(babel.dates.get_day_names(width, locale=locale).values())
    return {unicodedata.normalize("NFC", word).rstrip(".") for word in words}


def _dateline(lang: str) -> re.Pattern[str]:
    """What follows the place of a dateline: ", 2 janvier", ", le 31 décembre", ", Jan. 5"."""
    try:
        locale = babel.Locale.parse(lang)
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return re.compile(r"(?!)")
    months = {
        unicodedata.normalize("NFC", name).rstrip(".")
        for width in ("wide", "abbreviated")
        for name in babel.dates.get_month_names(width, locale=locale).values()
    }
    month = "|".join(re.escape(name) for name in sorted(months, key=len, reverse=True))
    day = r"\d{1,2}(?:er|st|nd|rd|th)?"
    return re.compile(
        rf" ?, ?(?:\w+ )?(?:{day} (?:{month})\b|(?:{month})\.? {day}\b)", re.IGNORECASE
    )


def _connector_gap(connectors: list[str]) -> re.Pattern[str]:
    """The text allowed between two capitalised words of one name: a space or a hyphen, or a
    connector word ("of", "de la", "d'") between spaces."""
    words = "|".join(re.escape(word) for word in sorted(connectors, key=len, reverse=True))
    if not words:
        return re.compile(r"[ \u00a0]|-")
    return re.compile(rf"[ \u00a0]|-|[ \u00a0](?:{words})(?:[ \u00a0]|(?<=['\u2019]))")
