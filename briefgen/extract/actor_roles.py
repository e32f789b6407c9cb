"""Roles the text states for a person: a title before the name or an apposition after it.

"le secrétaire d'État américain Antony Blinken" → "secrétaire d'État américain";
"Ukrainian President Volodymyr Zelenskiy" → "Ukrainian President";
"Emily Horne, porte-parole du Conseil de sécurité nationale de la Maison Blanche, …" → the
apposition. Role nouns, modifiers (demonyms, "ancien", "adjoint") and determiners come from the
language's data file; the words around a name are read as a few folded words, not with a big
regex tried at every position, which keeps this cheap enough to run for every candidate.
"""

from __future__ import annotations

import re

from briefgen.extract.actor_lexicon import ActorLexicon, fold

_WORD = re.compile(r"\S+")
#: How far back the title and honorific of a name are looked for, and how far an apposition
#: may run after it.
_CUE_WINDOW = 90
_MAX_WORDS_BEFORE = 10
_SPACES = " \u00a0\t"
_APPOSITION_WINDOW = 160
#: Punctuation that closes a clause: a title never spans it.
_CLAUSE_END = frozenset(',;:()"«»“”!?')
_APPOSITION_END = re.compile(r"[,;:.()\"«»“”!?\n]")
#: A word may carry an elided article ("l'ancien") of at most this many letters.
_ELISION_MAX = 7

Word = tuple[int, int, str]


def title_before(words: list[Word], text: str, lexicon: ActorLexicon) -> tuple[bool, str]:
    """Whether an honorific ends `words` (the words right before a name), and the title stated
    there, if any: "le secrétaire d'État américain Antony Blinken" → "secrétaire d'État
    américain"."""
    if not words:
        return False, ""
    last = len(words) - 1
    honorific = words[last][2] in lexicon.honorifics
    if honorific:
        last -= 1
    title = _title_with_modifiers(words, last, text, lexicon)
    if title is None:
        return honorific, ""
    return honorific, text[words[title[0]][0] : words[title[1]][1]]


def apposition_role(text: str, end: int, lexicon: ActorLexicon) -> str:
    """The role in an apposition right after a name: ", porte-parole de la Maison Blanche," or
    ", Apple's chief executive,"; "" when the words after the comma do not start with a title."""
    comma = end + 1 if text.startswith(" ,", end) else end
    if not text.startswith(",", comma):
        return ""
    segment_start = comma + 1
    stop = _APPOSITION_END.search(text, segment_start, segment_start + _APPOSITION_WINDOW)
    segment_end = stop.start() if stop else min(len(text), segment_start + _APPOSITION_WINDOW)
    words = [
        _word(*match.span(), match.group(), lexicon)
        for match in _WORD.finditer(text, segment_start, segment_end)
    ]
    first = 1 if words and words[0][2] in lexicon.determiners else 0
    title = _title_after(words, first, text, lexicon)
    if title is None:
        return ""
    if stop is None or stop.group() not in ",.;)":
        return text[words[first][0] : words[title][1]]
    return text[words[first][0] : words[-1][1]]


def words_before(text: str, start: int, lexicon: ActorLexicon) -> list[Word]:
    """The last words of the clause before `start` (at most _MAX_WORDS_BEFORE), as (start, end,
    folded form without an elided article). They are read backwards with `rfind` and only as
    long as they may belong to a cue (a title, an honorific, a link word…), because this runs
    for every candidate name and the rest of the clause is never needed."""
    words: list[Word] = []
    floor = max(0, start - _CUE_WINDOW)
    end = start
    while len(words) < _MAX_WORDS_BEFORE:
        while end > floor and text[end - 1] in _SPACES:
            end -= 1
        if end <= floor or text[end - 1] == "\n":
            break
        begin = text.rfind(" ", floor, end) + 1
        raw = text[begin:end]
        if "\n" in raw or "\u00a0" in raw or "\t" in raw:
            other_break = max(raw.rfind("\n"), raw.rfind("\u00a0"), raw.rfind("\t"))
            begin += other_break + 1
            raw = raw[other_break + 1 :]
        if (begin == floor > 0) or raw[-1] in _CLAUSE_END or (raw[-1] == "." and len(raw) > 4):
            break
        word = _word(begin, end, raw, lexicon)
        words.append(word)
        if (begin > 0 and text[begin - 1] == "\n") or word[2] not in lexicon.cue_words:
            break
        end = begin
    words.reverse()
    return words


def _word(start: int, end: int, raw: str, lexicon: ActorLexicon) -> Word:
    """A word as (start, end, folded), its elided article ("l'", "d'") left out."""
    folded = fold(raw)
    apostrophe = folded.find("'")
    elided = 0 < apostrophe < min(_ELISION_MAX, len(folded) - 1)
    if elided and folded[:apostrophe] in lexicon.elisions:
        return start + apostrophe + 1, end, folded[apostrophe + 1 :]
    return start, end, folded


def _title_with_modifiers(
    words: list[Word], last: int, text: str, lexicon: ActorLexicon
) -> tuple[int, int] | None:
    """First and last word of a title ending at `words[last]`, with up to two modifiers after it
    and two before it, which may be names ("président ukrainien", "Ukrainian President", "U.S.
    Secretary of State", "Apple CEO")."""
    position = last
    while position >= 0 and last - position < 2 and _is_modifier(words[position][2], lexicon):
        position -= 1
    title_first = _title_ending_at(words, position, lexicon)
    if title_first is None:
        title_first = _title_ending_at(words, last, lexicon)
    if title_first is None:
        return None
    first = title_first
    while first > 0 and title_first - first < 2 and _opens_title(words[first - 1], text, lexicon):
        first -= 1
    return first, last


def _title_after(words: list[Word], first: int, text: str, lexicon: ActorLexicon) -> int | None:
    """The last word of a title that starts at `words[first]`, after up to two modifiers, which
    may be names ("a Boeing spokeswoman", "Apple's chief executive")."""
    position = first
    while (
        position < len(words)
        and position - first < 2
        and _opens_title(words[position], text, lexicon)
    ):
        position += 1
    if position >= len(words) or words[position][2] not in lexicon.title_starts:
        return None
    for size in range(min(lexicon.title_max_words, len(words) - position), 0, -1):
        if tuple(word for _, _, word in words[position : position + size]) in lexicon.titles:
            return position + size - 1
    return None


def _opens_title(word: Word, text: str, lexicon: ActorLexicon) -> bool:
    """A word that may stand before a title: a modifier, or a capitalised name (not a
    capitalised article or honorific: "Le secrétaire d'État", "M. le ministre")."""
    if _is_modifier(word[2], lexicon):
        return True
    folded = word[2]
    return (
        text[word[0]].isupper()
        and folded not in lexicon.stop_words
        and folded not in lexicon.determiners
        and folded not in lexicon.honorifics
    )


def _is_modifier(word: str, lexicon: ActorLexicon) -> bool:
    """A word that may stand beside a title: a demonym, "ancien", "adjoint", "former", or an
    English possessive ("Apple's chief executive")."""
    return word in lexicon.demonyms or word in lexicon.title_modifiers or word.endswith("'s")


def _title_ending_at(words: list[Word], last: int, lexicon: ActorLexicon) -> int | None:
    """The first word of the longest title whose last word is `words[last]`."""
    if last < 0 or words[last][2] not in lexicon.title_ends:
        return None
    for size in range(min(lexicon.title_max_words, last + 1), 0, -1):
        if tuple(word for _, _, word in words[last - size + 1 : last + 1]) in lexicon.titles:
            return last - size + 1
    return None
