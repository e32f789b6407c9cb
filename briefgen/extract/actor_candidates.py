"""Candidate names in a text: capitalised word sequences and known names, with what they look like.

The scan is language-independent (a name is a run of capitalised words joined by spaces, hyphens
or connector words); the lexicon of the language says which capitalised words are not names
(honorifics, titles, stop words, months…), which names are known, and which cues tell a person
from an organisation or a place. A candidate carries its kind and how sure that kind is; the
merge in `actors.py` then lets the surest mention of an actor decide for all of them.

Only capitalised words are visited, and every lookup is a dict or set access, so the scan costs a
few microseconds per name whatever the size of the lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from briefgen.extract.actor_lexicon import UPPER, ActorLexicon, Entry, Phrase, fold
from briefgen.extract.actor_roles import Word, apposition_role, title_before, words_before
from briefgen.model import ActorKind

#: How sure a candidate's kind is, weakest first.
UNKNOWN, CONTEXT, SHAPE, PERSON_CUE, KNOWN = range(5)

#: A capitalised word ("U.S." or a name); a circumflex between letters is a misread accent
#: ("Lann^ion"), kept in. The pattern opens with the capital itself, not a look-behind, so that
#: the regex engine skips straight from one capital to the next.
_TOKEN = re.compile(
    rf"[{UPPER}](?<![^\W_].)(?:\.(?:[{UPPER}]\.)+"
    rf"|[^\W_]*(?:\^[^\W_]+)*(?:&[{UPPER}][^\W_]*)*(?:['\u2019][{UPPER}][^\W_]*)?"
    rf"(?:[-\u2010][^\W_]+)*)"
)
_ACRONYM = re.compile(rf"[{UPPER}]{{2,}}|(?:[{UPPER}]\.){{2,}}")
#: A shorter word, or one without a vowel ("Xbrt"), is a name by itself only when it is an
#: acronym or a first name: otherwise it is misread letters.
_SHORTEST_NAME = 3
_VOWEL = re.compile(r"[aeiouyAEIOUYàâäéèêëîïôöùûüÿæœÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÆŒáíóúñåøÁÍÓÚÅØ]")
#: A lone capital letter or Roman numeral is an initial or an ordinal, never a name by itself.
_NEVER_ALONE = re.compile(r"[A-Z]|[IVXLC]+")
_LONGEST_ACRONYM = 6
#: Two words in capitals side by side make a heading when one is this long or a stop word
#: ("PETITES ANNONCES", "VENTE AUX ENCHÈRES"); shorter pairs are acronyms ("UK RAF").
_SHORTEST_SHOUT = 4
#: "US$40", "Airbus A380", "Boeing 787": a name followed by money or a model number is part of
#: an amount or a product, not an actor.
_AMOUNT_OR_MODEL = re.compile(r"[$€£¥]| ?[A-Z]{1,3}-?[0-9]| [0-9]{3}")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span of text that may name an actor.

    `canonical` is the known actor's name ("" when unknown); `role` the title stated next to
    it ("président ukrainien"); `doubtful` marks a name whose capital proves nothing: a single
    word opening a sentence, or a name after an article, with no other evidence.
    """

    start: int
    end: int
    text: str
    kind: ActorKind
    evidence: int
    canonical: str = ""
    role: str = ""
    doubtful: bool = False


@dataclass(frozen=True, slots=True)
class _Scan:
    """One text being scanned: its capitalised tokens, each token's word and folded word (read
    many times per token, so cut and folded once), and memos of the per-token answers."""

    text: str
    lexicon: ActorLexicon
    tokens: list[tuple[int, int]]
    sentence_starts: frozenset[int]
    words: list[str] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)
    group_ends: dict[int, int] = field(default_factory=dict)
    separators: dict[int, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.words.extend(self.text[start:end] for start, end in self.tokens)
        self.folded.extend(map(fold, self.words))


def find_candidates(
    text: str, lexicon: ActorLexicon, sentences: list[tuple[int, int]]
) -> list[Candidate]:
    """Every candidate name in `text`, in text order, never overlapping."""
    scan = _Scan(text, lexicon, _tokens(text, lexicon), frozenset(s for s, _ in sentences))
    candidates: list[Candidate] = []
    index = 0
    while index < len(scan.tokens):
        index = _candidate_at(scan, index, candidates)
    return _typed_by_coordination(text, candidates, lexicon)


def _typed_by_coordination(
    text: str, candidates: list[Candidate], lexicon: ActorLexicon
) -> list[Candidate]:
    """ "la gare de Lannion et Morlaix": a name nothing types, coordinated with the name before
    it, is of the same kind."""
    typed: list[Candidate] = []
    for candidate in candidates:
        previous = typed[-1] if typed else None
        if (
            previous is not None
            and candidate.evidence == UNKNOWN
            and previous.evidence >= CONTEXT
            and not previous.doubtful
            and _coordinates(text[previous.end : candidate.start], lexicon)
        ):
            candidate = replace(candidate, kind=previous.kind, evidence=CONTEXT, doubtful=False)
        typed.append(candidate)
    return typed


def _coordinates(gap: str, lexicon: ActorLexicon) -> bool:
    """Whether the text between two names is a conjunction alone (a comma may as well open an
    apposition: "le maire de Trégastel, Durand")."""
    return fold(gap.strip()) in lexicon.conjunctions and gap.startswith(" ") and gap.endswith(" ")


def _tokens(text: str, lexicon: ActorLexicon) -> list[tuple[int, int]]:
    """Capitalised words, without an elided article ("L'Ukraine" → "Ukraine") or a lower-case
    hyphenated tail ("EADS-led" → "EADS"), with the dot of an abbreviation ("Inc.")."""
    tokens: list[tuple[int, int]] = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        word = match.group()
        # Most words have no apostrophe and no hyphen: they skip the slower checks.
        if "'" in word or "\u2019" in word:
            apostrophe = max(word.find("'"), word.find("\u2019"))
            if apostrophe > 0 and fold(word[:apostrophe]) in lexicon.elisions:
                start += apostrophe + 1
        if _inside_word(text, start, lexicon):
            continue
        if "-" in word:
            end = _without_lowercase_tail(text, start, end)
        if text.startswith(".", end) and fold(text[start : end + 1]) in lexicon.abbreviations:
            end += 1
        if start < end:
            tokens.append((start, end))
    return tokens


def _without_lowercase_tail(text: str, start: int, end: int) -> int:
    """Where the word `text[start:end]` ends without its lower-case hyphenated tail."""
    while "-" in text[start:end]:
        head, _, tail = text[start:end].rpartition("-")
        if not tail.islower():
            break
        end = start + len(head)
    return end


def _inside_word(text: str, start: int, lexicon: ActorLexicon) -> bool:
    """Whether a capital at `start` follows an apostrophe inside a word that is no elided
    article ("cha'Pitre", a misread word, but not "d'Auray" or "qu'Albert")."""
    if start < 2 or text[start - 1] not in "'\u2019" or not text[start - 2].isalpha():
        return False
    word_start = start - 2
    while word_start > 0 and text[word_start - 1].isalpha():
        word_start -= 1
    return fold(text[word_start : start - 1]) not in lexicon.elisions


def _candidate_at(scan: _Scan, index: int, candidates: list[Candidate]) -> int:
    """Read the name (if any) that starts at token `index`; return the next token to read."""
    start = scan.tokens[index][0]
    phrase = _phrase_at(scan, start, scan.words[index])
    if phrase is not None and (phrase.entry is not None or _is_fixed_phrase(phrase)):
        begin = start - phrase.anchor_offset
        finish = begin + len(phrase.text)
        if phrase.entry is not None and not _AMOUNT_OR_MODEL.match(scan.text, finish):
            return _known_candidate(scan, index, phrase.entry, (begin, finish), candidates)
        return _index_after(scan, index, finish)
    if _is_separator(scan, index):
        return index + 1
    last = _group_end(scan, index)
    candidate = _unknown_candidate(scan, index, last)
    if candidate is not None:
        candidates.append(candidate)
    return last + 1


def _is_fixed_phrase(phrase: Phrase) -> bool:
    """An honorific, or a title or demonym of several words ("Prime Minister", "secrétaire
    d'État", "North American"); a one-word title is judged by what follows it."""
    return phrase.entry is None and (phrase.is_honorific or " " in phrase.text)


def _phrase_at(scan: _Scan, start: int, word: str) -> Phrase | None:
    """The longest known phrase (actor, title, honorific) around the token at `start`."""
    text = scan.text
    for phrase in scan.lexicon.phrases.get(word, ()):
        begin = start - phrase.anchor_offset
        finish = begin + len(phrase.text)
        if begin < 0 or finish > len(text):
            continue
        if begin > 0 and text[begin - 1].isalnum():
            continue
        if finish < len(text) and text[finish].isalnum() and text[finish - 1].isalnum():
            continue
        if fold(text[begin:finish]) == phrase.folded and all(
            text[begin + offset].isupper() for offset in phrase.capitals
        ):
            return phrase
    return None


def _index_after(scan: _Scan, index: int, offset: int) -> int:
    """The first token at or after `offset`, searching from `index`."""
    while index < len(scan.tokens) and scan.tokens[index][0] < offset:
        index += 1
    return index


def _known_candidate(
    scan: _Scan,
    index: int,
    entry: Entry,
    span: tuple[int, int],
    candidates: list[Candidate],
) -> int:
    """A known name; a longer organisation name it opens wins ("Singapore Airlines"), unless
    the rest is a known name too ("U.S. Federal Reserve" is a country and an organisation). A
    town's name after an honorific or a title is a person's ("le colonel Denver")."""
    begin, finish = span
    after = _index_after(scan, index, finish)
    last = _group_end(scan, index)
    if last >= after and _has_organization_word(scan, after, last):
        rest = scan.text[scan.tokens[after][0] : scan.tokens[last][1]]
        if fold(rest) not in scan.lexicon.known:
            candidate = _unknown_candidate(scan, index, last)
            if candidate is not None:
                candidates.append(candidate)
            return last + 1
    text = scan.text
    # Only a place's or a country's name is read in its context: a known person's or
    # organisation's stays what it is, and most known names are of those.
    if entry.kind in ("place", "country"):
        candidate = _place_in_context(scan, entry, span)
        if candidate is not None:
            candidates.append(candidate)
            return after
    candidates.append(Candidate(begin, finish, text[begin:finish], entry.kind, KNOWN, entry.name))
    return after


def _place_in_context(scan: _Scan, entry: Entry, span: tuple[int, int]) -> Candidate | None:
    """A known place or country that its context makes something else: the name of a street or
    a building ("rue de Paris"), or a person's after a title ("le colonel Denver")."""
    text, (begin, finish) = scan.text, span
    before = words_before(text, begin, scan.lexicon)
    prefixed = _prefixed_kind(before, scan.lexicon)
    if prefixed is not None:
        kind, prefix_start = prefixed
        return Candidate(prefix_start, finish, text[prefix_start:finish], kind, SHAPE)
    if entry.kind != "place":
        return None
    honorific, role = title_before(before, text, scan.lexicon)
    if honorific or role:
        return Candidate(begin, finish, text[begin:finish], "person", PERSON_CUE, role=role)
    return None


def _is_separator(scan: _Scan, index: int) -> bool:
    """True for a capitalised word that never belongs to a name (stop word, month, demonym…),
    and for a title in front of a person's name ("President Biden", but not "General Motors")."""
    known = scan.separators.get(index)
    if known is None:
        known = scan.separators[index] = _separates(scan, index)
    return known


def _separates(scan: _Scan, index: int) -> bool:
    """See `_is_separator`; a word in capitals shaped like a place ("SAINT-NAZAIRE") stays a
    name even in a heading."""
    word = scan.folded[index]
    lexicon = scan.lexicon
    if _is_initial(scan, index):
        return False
    if word in lexicon.not_names or word in lexicon.stop_words:
        return True
    if any(map(str.isdigit, word)):
        return True
    if not word.startswith(lexicon.place_token_prefixes) and (
        _is_shouted(scan.words[index]) or _in_heading(scan, index)
    ):
        return True
    if word in lexicon.demonyms:
        return not (
            _demonym_opens_organization(scan, index) or _demonym_ends_organization(scan, index)
        )
    if (word,) in lexicon.titles:
        return _title_precedes_person(scan, index)
    return False


def _is_shouted(word: str) -> bool:
    """A long word in capitals is a heading or an emphasis ("GYMNASTIQUE", "DEMANDE"), not an
    acronym: acronyms are short (NATO, UNESCO, JSTARS)."""
    return word.isupper() and sum(character.isalpha() for character in word) > _LONGEST_ACRONYM


def _in_heading(scan: _Scan, index: int) -> bool:
    """A word in capitals next to another word in capitals is part of a heading or a notice
    ("PETITES ANNONCES", "FAITS DIVERS", "VENTE AUX ENCHÈRES"), not an acronym; known names
    in capitals ("TOULOUSE") are matched before this is asked."""
    if not _is_capitals(scan.words[index], 2):
        return False
    start, end = scan.tokens[index]
    return any(
        _is_capitals(word, _SHORTEST_SHOUT) or fold(word) in scan.lexicon.stop_words
        for word in (_word_before(scan.text, start), _word_after(scan.text, end))
        if _is_capitals(word, 1)
    )


def _word_before(text: str, start: int) -> str:
    """The word ending at `start` or one space before it ("l'" of "l'Opéra", "AUX" of "AUX
    ENCHÈRES")."""
    end = start - 1 if text[start - 1 : start] == " " else start
    return text[text.rfind(" ", 0, end) + 1 : end]


def _word_after(text: str, end: int) -> str:
    """The word one space after `end`, up to the next space ("" when no space follows)."""
    if not text.startswith(" ", end):
        return ""
    following = text.find(" ", end + 1)
    return text[end + 1 : following if following >= 0 else len(text)]


def _is_capitals(word: str, shortest: int) -> bool:
    """A word of at least `shortest` letters, all capitals (maybe hyphenated: "SAINT-NAZAIRE")."""
    return len(word) >= shortest and word.isupper() and word.replace("-", "").isalpha()


def _demonym_opens_organization(scan: _Scan, index: int) -> bool:
    """ "Swiss National Bank", "American Airlines": a demonym that starts an organisation name."""
    if index + 1 >= len(scan.tokens) or not _joins(scan, index, index + 1):
        return False
    last = _group_end(scan, index + 1)
    return _has_organization_word(scan, last, last)


def _demonym_ends_organization(scan: _Scan, index: int) -> bool:
    """ "Compagnie Française", "Crédit Lyonnais": a demonym right after an organisation word
    belongs to its name."""
    previous = index - 1
    if previous < 0 or scan.text[scan.tokens[previous][1] : scan.tokens[index][0]] != " ":
        return False
    return _has_organization_word(scan, previous, previous)


def _title_precedes_person(scan: _Scan, index: int) -> bool:
    """A capitalised title is a title, not part of a name, unless a name follows it closely that
    does not look like a person's: "President Biden", "Chancellor Angela Merkel" and "CEO of
    Boeing" are titles, "General Motors" is a name."""
    following = index + 1
    if following >= len(scan.tokens) or not _joins(scan, index, following):
        return True
    if scan.text[scan.tokens[index][1] : scan.tokens[following][0]] != " ":
        return True
    if _is_first_name(scan, following):
        return True
    last = _group_end(scan, following)
    return last == following and not _has_organization_word(scan, following, following)


def _is_first_name(scan: _Scan, index: int) -> bool:
    """Whether token `index` is a capitalised (not all-capitals) first name: "Ana", not "ANA"."""
    return not scan.words[index].isupper() and scan.folded[index] in scan.lexicon.first_names


def _joins(scan: _Scan, left: int, right: int) -> bool:
    """Whether tokens `left` and `right` may belong to one name, judging by the text between."""
    left_end = scan.tokens[left][1]
    right_start = scan.tokens[right][0]
    if _is_initial(scan, left):
        return True
    if right_start in scan.sentence_starts:
        return False
    # Matched in place: the text between two tokens is mostly long, and seldom a connector.
    if scan.lexicon.connector_gap.fullmatch(scan.text, left_end, right_start) is None:
        return False
    gap = scan.text[left_end:right_start]
    if gap == " " and _is_compound_place(scan, left):
        return False
    if fold(gap.strip()) in scan.lexicon.conjunctions:
        if _has_organization_word(scan, left, left):
            return False
        last = _group_end(scan, right)
        return _has_organization_word(scan, last, last)
    return not (_is_first_name(scan, right) and _ends_name(scan, left))


def _is_compound_place(scan: _Scan, index: int) -> bool:
    """ "Saint-Georges", "Port-Louis": a place name joined by hyphens is whole; a capitalised
    word right after it starts another name ("quartier Saint-Georges Durand, commissaire")."""
    word = scan.folded[index]
    return "-" in word and word.startswith(scan.lexicon.place_token_prefixes)


def _is_initial(scan: _Scan, index: int) -> bool:
    """A single capital with a dot right before another capitalised word ("J. Dupont"): the dot
    does not end the sentence, and the letter is no elided "J'"."""
    start, end = scan.tokens[index]
    following = index + 1
    return (
        end - start == 1
        and following < len(scan.tokens)
        and scan.text[end : scan.tokens[following][0]] == ". "
    )


def _ends_name(scan: _Scan, index: int) -> bool:
    """Whether token `index` closes an organisation name ("Apple Inc. Steve Jobs" is two)."""
    return _has_organization_word(scan, index, index)


def _group_end(scan: _Scan, index: int) -> int:
    """The last token of the name that starts at token `index`."""
    known = scan.group_ends.get(index)
    if known is not None:
        return known
    last = index
    while last + 1 < len(scan.tokens) and _joins(scan, last, last + 1):
        following = last + 1
        start = scan.tokens[following][0]
        phrase = _phrase_at(scan, start, scan.words[following])
        if phrase is not None and _is_fixed_phrase(phrase):
            break
        if _is_separator(scan, following):
            break
        last = following
        if scan.folded[following] in scan.lexicon.demonyms and not (
            _demonym_opens_organization(scan, following)
        ):
            break
    scan.group_ends[index] = last
    return last


def _has_organization_word(scan: _Scan, first: int, last: int) -> bool:
    """Whether a token between `first` and `last` (inclusive) is an organisation word."""
    words = scan.lexicon.organization_words
    return any(scan.folded[index].rstrip(".") in words for index in range(first, last + 1))


def _unknown_candidate(scan: _Scan, first: int, last: int) -> Candidate | None:
    """A candidate for tokens `first`..`last`, typed by its shape and its context."""
    text, lexicon = scan.text, scan.lexicon
    start, end = scan.tokens[first][0], scan.tokens[last][1]
    name = text[start:end]
    if _AMOUNT_OR_MODEL.match(text, end):
        return None
    entry = lexicon.known.get(fold(name))
    if entry is not None:
        return Candidate(start, end, name, entry.kind, KNOWN, entry.name)
    if first == last and _is_not_a_name_alone(scan, first):
        return None
    if first < last and _opens_with_common_word(scan, first):
        return _unknown_candidate(scan, first + 1, last)
    before = words_before(text, start, lexicon)
    prefixed = _prefixed_kind(before, lexicon)
    if prefixed is not None:
        kind, prefix_start = prefixed
        return Candidate(prefix_start, end, text[prefix_start:end], kind, SHAPE)
    person = _person_cue(text, before, (start, end), lexicon)
    if person is not None:
        person_start, role = person
        return Candidate(person_start, end, text[person_start:end], "person", PERSON_CUE, role=role)
    kind, evidence = _kind_from_shape(scan, first, last)
    if evidence == UNKNOWN:
        kind, evidence = _kind_from_context(scan, before, last, kind, evidence)
    initial = first == last and evidence < CONTEXT and _opens_sentence(scan, start)
    if initial and _is_subject(scan, last):
        return Candidate(start, end, name, lexicon.unknown_kind, CONTEXT)
    after_article = evidence == UNKNOWN and _follows_article(before, lexicon)
    return Candidate(start, end, name, kind, evidence, doubtful=initial or after_article)


def _follows_article(before: list[Word], lexicon: ActorLexicon) -> bool:
    """ "la Dame aux camélias", "les Misérables": an article before a name that no cue types is
    the article of a title or a common noun, seldom of an actor."""
    return bool(before) and before[-1][2].rstrip("'") in lexicon.determiners


def _is_subject(scan: _Scan, index: int) -> bool:
    """Whether a sentence-opening word is the subject of the verb right after it ("Dupont a
    été conduit…", "Dupont vint", "Dupont n'a rien dit"), stands before a title ("Dupont,
    commissaire…" without its comma) or is joined to a name ("Dupont et Durand"): where nouns
    take a determiner, as in French, a bare one is a name. Languages whose data file lists no
    such verbs never ask."""
    lexicon = scan.lexicon
    if not lexicon.subject_verbs or scan.folded[index] in lexicon.title_modifiers:
        return False
    end = scan.tokens[index][1]
    following = _word_after(scan.text, end)
    if fold(following) in lexicon.subject_verbs or (fold(following),) in lexicon.titles:
        return True
    elision = following.find("'")
    if 0 < elision < len(following) - 1 and fold(following[: elision + 1]) in lexicon.subject_verbs:
        return True
    if fold(following) not in lexicon.conjunctions or index + 1 >= len(scan.tokens):
        return False
    after = scan.tokens[index + 1][0]
    return after == end + len(following) + 2 and not _is_separator(scan, index + 1)


def _is_not_a_name_alone(scan: _Scan, index: int) -> bool:
    """A lone initial, Roman numeral, title ("CEO") or generic noun ("Conseil", "Union"), or a
    sentence-opening word the text also writes in lower case ("Stock markets… the stock"); a
    word of one or two letters or without a vowel that is no acronym and no first name ("Ja",
    "Ic": misread letters), the first half of a word broken at a line's end ("Bre- tagne")."""
    word = scan.words[index]
    if _NEVER_ALONE.fullmatch(word):
        return True
    misread = len(word) < _SHORTEST_NAME or _VOWEL.search(word) is None
    if misread and not word.isupper() and not _is_first_name(scan, index):
        return True
    if scan.text.startswith("- ", scan.tokens[index][1]):
        return True
    folded = scan.folded[index].rstrip(".")
    lexicon = scan.lexicon
    if (folded,) in lexicon.titles:
        return True
    if folded in lexicon.organization_words:
        return not _names_an_institution(scan, index)
    if folded in lexicon.place_words:
        return True
    start, end = scan.tokens[index]
    return _opens_sentence(scan, start) and _written_lowercase(scan.text, start, end)


def _names_an_institution(scan: _Scan, index: int) -> bool:
    """ "le Parlement", "l'Opéra", "the Commission": a capitalised organisation word after an
    article, inside a sentence, names the institution the reader knows."""
    start = scan.tokens[index][0]
    if _opens_sentence(scan, start):
        return False
    return fold(_word_before(scan.text, start)).rstrip("'") in scan.lexicon.determiners


def _opens_with_common_word(scan: _Scan, first: int) -> bool:
    """ "Shares of Northrop Grumman": a sentence-opening word linked to a name by a connector,
    that is not itself the head of a name ("Bank of America", "University of Texas")."""
    start, end = scan.tokens[first]
    if not _opens_sentence(scan, start) or scan.text[end : scan.tokens[first + 1][0]] == " ":
        return False
    folded = scan.folded[first]
    lexicon = scan.lexicon
    return not (
        scan.words[first].isupper()
        or folded in lexicon.organization_words
        or folded in lexicon.place_words
        or _is_first_name(scan, first)
    )


def _person_cue(
    text: str, before: list[Word], span: tuple[int, int], lexicon: ActorLexicon
) -> tuple[int, str] | None:
    """Where a person's name starts and its role, when an honorific or a title precedes it
    (`before` are the words before the name; "M. de Falla" starts at "de", after an honorific
    only) or an apposition with a title follows it."""
    particle = bool(before) and before[-1][2] in lexicon.name_particles
    if particle and title_before(before[:-1], text, lexicon)[0]:
        return before[-1][0], ""
    honorific, role = title_before(before, text, lexicon)
    if honorific or role:
        return span[0], role
    apposition = apposition_role(text, span[1], lexicon)
    return (span[0], apposition) if apposition else None


def _written_lowercase(text: str, start: int, end: int) -> bool:
    """Whether the word at `start`..`end` also occurs in lower case as a whole word in `text`."""
    lowered = text[start:end].lower()
    if text[start + 1 : end] != lowered[1:]:
        return False
    position = text.find(lowered)
    while position >= 0:
        before = text[position - 1] if position > 0 else " "
        after_index = position + len(lowered)
        after = text[after_index] if after_index < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        position = text.find(lowered, position + 1)
    return False


def _opens_sentence(scan: _Scan, start: int) -> bool:
    """Whether the word at `start` opens a sentence, a line, a quotation or a heading."""
    if start in scan.sentence_starts:
        return True
    position = start - 1
    text = scan.text
    while position >= 0 and text[position] in " \t\"«“\u2018'(\u2014\u2013-*#>":
        position -= 1
    return position < 0 or text[position] in ".!?:…\n"


def _prefixed_kind(before: list[Word], lexicon: ActorLexicon) -> tuple[ActorKind, int] | None:
    """A lower-case noun that opens the name, maybe with a link word ("rue de Paris", "hôpital
    de la Pitié", "boulevard Haussmann"): the kind and where the name then starts."""
    position = len(before)
    while (
        position > 0
        and len(before) - position < 2
        and before[position - 1][2] in lexicon.prefix_links
    ):
        position -= 1
    # Every prefix ends with the word right before the name (or its link word): most words
    # there end none, and no prefix needs to be looked up.
    if position == 0 or before[position - 1][2] not in lexicon.prefix_ends:
        return None
    for size in range(min(3, position), 0, -1):
        words = tuple(word for _, _, word in before[position - size : position])
        if words in lexicon.place_prefixes:
            return "place", before[position - size][0]
        if words in lexicon.organization_prefixes:
            return "organization", before[position - size][0]
    return None


def _kind_from_shape(scan: _Scan, first: int, last: int) -> tuple[ActorKind, int]:
    """The kind the words themselves suggest: the head word ("… Airport", "Banque de …"), an
    organisation word anywhere, a first name or an initial ("J. Dupont"), an acronym; the
    language's kind for a bare name otherwise, with no evidence (the merge may still overrule
    it)."""
    lexicon = scan.lexicon
    words = [scan.words[index] for index in range(first, last + 1)]
    folded = [scan.folded[index].rstrip(".") for index in range(first, last + 1)]
    for head in (folded[-1].rsplit("-", 1)[-1], folded[0].split("-", 1)[0]):
        if head in lexicon.organization_words:
            return "organization", SHAPE
        if head in lexicon.place_words:
            return "place", SHAPE
    if _has_organization_word(scan, first, last):
        return "organization", SHAPE
    if folded[0].startswith(lexicon.place_token_prefixes):
        return "place", SHAPE
    if _is_first_name(scan, first):
        return "person", SHAPE if len(words) > 1 else CONTEXT
    if len(words) > 1 and _is_initial(scan, first):
        return "person", SHAPE
    if len(words) == 1 and _ACRONYM.fullmatch(words[0]):
        return "organization", CONTEXT
    return lexicon.unknown_kind, UNKNOWN


def _kind_from_context(
    scan: _Scan, words: list[Word], last: int, kind: ActorKind, evidence: int
) -> tuple[ActorKind, int]:
    """The kind the words around suggest (`words` are those before the name, a determiner
    between them and the name left aside): "à Lannion", "sur les bords de la Marne", "la
    société Renault", "the city of Craiova", "Mobile, Alabama", a dateline ("Rouen, 2 janvier");
    but "le père de Dupont" is a person."""
    lexicon = scan.lexicon
    if _followed_by_place(scan, last) or lexicon.dateline.match(scan.text, scan.tokens[last][1]):
        return "place", CONTEXT
    while words and words[-1][2].rstrip("'") in lexicon.determiners:
        words = words[:-1]
    if not words:
        return kind, evidence
    previous = words[-1][2]
    if previous in lexicon.place_prepositions:
        if len(words) > 1 and words[-2][2] in lexicon.person_nouns:
            return "person", CONTEXT
        return "place", CONTEXT
    if previous in lexicon.organization_nouns:
        return "organization", CONTEXT
    if previous in lexicon.place_nouns or (len(words) > 1 and words[-2][2] in lexicon.place_nouns):
        return "place", CONTEXT
    return kind, evidence


def _followed_by_place(scan: _Scan, last: int) -> bool:
    """ "Mobile, Alabama": a name followed by a comma and a known place or country."""
    following = last + 1
    if following >= len(scan.tokens):
        return False
    start = scan.tokens[following][0]
    if scan.text[scan.tokens[last][1] : start] != ", ":
        return False
    phrase = _phrase_at(scan, start, scan.words[following])
    entry = phrase.entry if phrase is not None else None
    return entry is not None and entry.kind in ("place", "country")
