"""Key facts and quotes: what a reader of the briefing must know, and who said what.

Key facts are sentences of the article, ranked: the lead first (news puts the main fact there),
then the sentences richest in actors, numbers and dates; each is shortened to one readable line by
cutting incidental clauses, never its subject, verb or object. Quotes are the direct quotations
(« … », “ … ”, "…"), with the speaker the text attributes them to ("a déclaré Emily Horne",
"selon un porte-parole", "Jobs said"). The words that attribute speech and the clauses that may
be cut are language data (`lang/<lang>.facts.yaml`).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from briefgen.extract.actor_lexicon import UPPER
from briefgen.extract.langdata import language_table
from briefgen.extract.text import shorten
from briefgen.model import Actor, DatedEvent, KeyFact, Quote

MIN_FACTS, MAX_FACTS = 3, 7
#: One key fact for every this many sentences of the article, within MIN_FACTS..MAX_FACTS.
_SENTENCES_PER_FACT = 3
_FACT_LIMIT = 200
#: A quotation needs this many words; a shorter one is a scare quote ("so-called").
_MIN_QUOTE_WORDS = 2
#: Sentences sharing more than this share of their words repeat each other.
_REPEAT = 0.6
_MIN_FACT_WORDS, _MAX_FACT_WORDS = 6, 70
#: How far around a quotation its attribution is looked for.
_ATTRIBUTION_WINDOW = 160
_MAX_SPEAKER_WORDS = 6

_OPENING = {"«": "»", "“": "”", "\u201e": "“", '"': '"'}
_QUOTE_MARK = re.compile(r'[«»“”\u201e"]')
_NUMBER = re.compile(r"\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_]{3,}")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
#: A heading: a line without final punctuation before a line that starts like a sentence.
_HEADING = re.compile(rf"[^\n.!?:;,]*[^\n.!?:;,\s][ \t]*\n(?=\s*[\"«“]?[{UPPER}0-9])")
_TOKEN = re.compile(r"\S+")
_SENTENCE_STOP = re.compile(r"[.!?\n]")
_SPACES = " \u00a0\u202f\t"
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:])")


@dataclass(frozen=True, slots=True)
class _FactsLanguage:
    """A language's attribution and clause patterns, compiled once."""

    speech_after: re.Pattern[str] | None
    subject_after: re.Pattern[str] | None
    speech_verbs: frozenset[str]
    speech_auxiliaries: frozenset[str]
    according_to: re.Pattern[str] | None
    speaker_stop: frozenset[str]
    incidental: re.Pattern[str] | None
    trailing: re.Pattern[str] | None


def find_quotes(text: str, lang: str, actors: list[Actor]) -> list[Quote]:
    """The direct quotations of `text` with their speakers ("" when the text names none); a
    speaker who is one of `actors` is given by the actor's name."""
    language = _facts_language(lang)
    mentions = _mention_index(actors)
    quotes: list[Quote] = []
    for start, end in quotation_spans(text):
        if len(text[start:end].split()) < _MIN_QUOTE_WORDS:
            continue
        speaker = _speaker(text, start, end, language, mentions)
        quotes.append(Quote(text=text[start:end], speaker=speaker, start=start, end=end))
    return quotes


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the words inside each outermost pair of quotation marks, in text order
    and never overlapping.

    A straight quote opens after a space or an opening bracket and before a word, and closes
    otherwise; a quotation inside another one stays part of it; a quotation left open ends at
    its last closing mark in the paragraph, or at the paragraph's end.
    """
    spans: list[tuple[int, int]] = []
    expected: list[str] = []
    start = last_close = -1
    for mark in _QUOTE_MARK.finditer(text):
        position, character = mark.start(), mark.group()
        if expected and "\n\n" in text[start:position]:
            spans.append(_left_open(text, start, last_close))
            expected.clear()
        straight_opens = character == '"' and _straight_quote_opens(text, position)
        if expected and character == expected[-1] and not straight_opens:
            expected.pop()
            last_close = position
            if not expected:
                spans.append(_stripped(text, start, position))
        elif character in _OPENING and (character != '"' or straight_opens):
            if not expected:
                start, last_close = position + 1, -1
            expected.append(_OPENING[character])
    if expected:
        spans.append(_left_open(text, start, last_close))
    return [span for span in spans if span[0] < span[1]]


def _straight_quote_opens(text: str, position: int) -> bool:
    """A straight quote opens when it starts the text or follows a space or an opening bracket,
    and a word follows it."""
    before = text[position - 1] if position > 0 else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    return (before.isspace() or before in "([") and not after.isspace()


def _left_open(text: str, start: int, last_close: int) -> tuple[int, int]:
    """A quotation left open ends at its last closing mark, or at the end of its paragraph."""
    paragraph_end = text.find("\n\n", start)
    end = paragraph_end if paragraph_end >= 0 else len(text)
    if start <= last_close < end:
        end = last_close
    return _stripped(text, start, end)


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_key_facts(
    text: str,
    lang: str,
    actors: list[Actor],
    dates: list[DatedEvent],
    sentences: list[tuple[int, int]],
) -> list[KeyFact]:
    """The 3 to 7 statements a reader needs, the lead first, each on one readable line."""
    language = _facts_language(lang)
    statements = [s for s in _statements(text, sentences) if _is_statement(text, *s)]
    if not statements:
        return []
    wanted = min(MAX_FACTS, max(MIN_FACTS, round(len(statements) / _SENTENCES_PER_FACT)))
    quoted = quotation_spans(text)
    score = _Scorer(text, actors, dates, quoted)
    vocabulary = _Vocabulary(text)
    lead, *rest = statements
    ranked = [lead, *sorted(rest, key=lambda s: (-score(s), s[0]))]
    chosen: list[tuple[int, int]] = []
    for sentence in ranked:
        if len(chosen) == wanted:
            break
        worth_telling = score(sentence) > 0 or sentence is lead
        if worth_telling and not any(vocabulary.repeats(sentence, other) for other in chosen):
            chosen.append(sentence)
    return [KeyFact(_one_line(text, s, language), s[0], s[1]) for s in chosen]


def _statements(text: str, sentences: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences, with a heading line (no final punctuation) split off its first sentence."""
    statements: list[tuple[int, int]] = []
    for start, end in sentences:
        # A heading ends its line: a sentence without a line break needs no regex.
        has_break = text.find("\n", start, end) >= 0
        heading = _HEADING.match(text, start, end) if has_break else None
        if heading is not None and heading.end() < end:
            statements.append((start, heading.end() - 1))
            start = heading.end()
        statements.append((start, end))
    return statements


def _is_statement(text: str, start: int, end: int) -> bool:
    """A sentence a fact can be: not a heading, a question or a fragment, nor too long."""
    sentence = text[start:end]
    words = len(sentence.split())
    if not _MIN_FACT_WORDS <= words <= _MAX_FACT_WORDS:
        return False
    return not sentence.rstrip('"»” ').endswith("?") and sentence.rstrip()[-1:] in '.!"»”…'


class _Scorer:
    """How much a sentence tells: its actors (the salient ones count more), numbers and dates;
    a sentence that is mostly a quotation tells less as a fact than as a quote."""

    def __init__(
        self,
        text: str,
        actors: Sequence[Actor],
        dates: Sequence[DatedEvent],
        quoted: Sequence[tuple[int, int]],
    ) -> None:
        self._text = text
        most = max((len(actor.mentions) for actor in actors), default=1)
        self._mentions = sorted(
            (mention.start, 1.0 + len(actor.mentions) / most, actor.name)
            for actor in actors
            for mention in actor.mentions
        )
        self._mention_starts = [start for start, _, _ in self._mentions]
        self._dates = sorted(date.start for date in dates if date.start is not None)
        self._quoted = quoted
        self._quote_ends = [end for _, end in quoted]
        self._cache: dict[tuple[int, int], float] = {}

    def __call__(self, sentence: tuple[int, int]) -> float:
        score = self._cache.get(sentence)
        if score is None:
            score = self._cache[sentence] = self._score(*sentence)
        return score

    def _score(self, start: int, end: int) -> float:
        first = bisect.bisect_left(self._mention_starts, start)
        last = bisect.bisect_left(self._mention_starts, end)
        actors = {name: weight for _, weight, name in self._mentions[first:last]}
        dates = bisect.bisect_left(self._dates, end) - bisect.bisect_left(self._dates, start)
        numbers = len(_NUMBER.findall(self._text, start, end))
        share_quoted = self._quoted_characters(start, end) / max(1, end - start)
        return sum(actors.values()) + 1.5 * dates + 0.75 * numbers - 4.0 * share_quoted

    def _quoted_characters(self, start: int, end: int) -> int:
        """How many characters of `start`..`end` are quoted. The quotations are in text order
        and never overlap, so only those from the first one ending after `start` are read,
        not all of them for every sentence."""
        quoted = 0
        for quote_start, quote_end in self._quoted[bisect.bisect_right(self._quote_ends, start) :]:
            if quote_start >= end:
                break
            quoted += min(end, quote_end) - max(start, quote_start)
        return quoted


class _Vocabulary:
    """The words of each sentence, read once: every candidate fact is compared with every
    fact already chosen."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._words: dict[tuple[int, int], set[str]] = {}

    def repeats(self, sentence: tuple[int, int], other: tuple[int, int]) -> bool:
        """Whether two sentences share most of their words (the second repeats the first)."""
        words, others = self._words_of(sentence), self._words_of(other)
        shared = len(words & others)
        return bool(words and others) and shared / min(len(words), len(others)) > _REPEAT

    def _words_of(self, sentence: tuple[int, int]) -> set[str]:
        words = self._words.get(sentence)
        if words is None:
            text = self._text[sentence[0] : sentence[1]].casefold()
            words = self._words[sentence] = set(_WORD.findall(text))
        return words


def _one_line(text: str, sentence: tuple[int, int], language: _FactsLanguage) -> str:
    """The sentence without its parentheses and incidental clauses, on one line of at most
    _FACT_LIMIT characters: a longer one loses its trailing subordinate clause, then its last
    clauses."""
    line = " ".join(text[sentence[0] : sentence[1]].split())
    line = _PARENTHESES.sub("", line)
    if language.incidental is not None:
        line = language.incidental.sub("", line)
    line = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", line).replace(",.", ".")
    if len(line) > _FACT_LIMIT and language.trailing is not None:
        line = language.trailing.sub(".", line)
    return shorten(_cut_at_clause(line), _FACT_LIMIT)


def _cut_at_clause(line: str) -> str:
    """A line too long for one line, cut at its last comma that fits and keeps enough words."""
    if len(line) <= _FACT_LIMIT:
        return line
    cut = line.rfind(", ", 0, _FACT_LIMIT)
    if cut < 0 or len(line[:cut].split()) < _MIN_FACT_WORDS:
        return line
    return line[:cut] + "."


def _mention_index(actors: Iterable[Actor]) -> list[tuple[int, int, str]]:
    """Every mention as (start, end, actor name), sorted, for finding the actor of a span."""
    return sorted(
        (mention.start, mention.end, actor.name) for actor in actors for mention in actor.mentions
    )


def _speaker(
    text: str,
    start: int,
    end: int,
    language: _FactsLanguage,
    mentions: list[tuple[int, int, str]],
) -> str:
    """Who the text says spoke the quotation `text[start:end]`: after it ("…", a déclaré X;
    "…", X said; selon X) or before it (X a répondu "…"; X said: "…")."""
    after = _past_closing_mark(text, end)
    window_end = _clause_end(text, after)
    for pattern in (language.speech_after, language.according_to, language.subject_after):
        match = pattern.match(text, after, window_end) if pattern is not None else None
        if match is not None:
            return _speaker_name(text, match.span("speaker"), language, mentions, from_end=False)
    subject = _subject_before(text, _opening_mark(text, start), language)
    return _speaker_name(text, subject, language, mentions, from_end=True) if subject else ""


def _subject_before(text: str, quote: int, language: _FactsLanguage) -> tuple[int, int] | None:
    """The words before a speech verb that ends the text before the quotation mark at `quote`
    ("M. Biden a répondu "…", "Jobs said: "…"); read as words, not searched with a regex, as a
    regex anchored at the end would be tried at every position of the window."""
    window_start = max(0, quote - _ATTRIBUTION_WINDOW)
    words = [match.span() for match in _TOKEN.finditer(text, window_start, quote)]
    folded = [text[a:b].casefold().rstrip(":") for a, b in words]
    while folded and not folded[-1]:
        words.pop()
        folded.pop()
    verb = _phrase_ending(folded, len(folded), language.speech_verbs)
    if verb is None:
        return None
    subject_end = _phrase_ending(folded, verb, language.speech_auxiliaries)
    last = (verb if subject_end is None else subject_end) - 1
    if last < 0:
        return None
    return words[max(0, last - _MAX_SPEAKER_WORDS + 1)][0], words[last][1]


def _phrase_ending(folded: list[str], end: int, phrases: frozenset[str]) -> int | None:
    """Where the phrase of `phrases` (one or two words) ending before `folded[end]` starts."""
    for size in (2, 1):
        if end - size >= 0 and " ".join(folded[end - size : end]) in phrases:
            return end - size
    return None


def _past_closing_mark(text: str, end: int) -> int:
    """Where the text goes on after the mark closing a quotation that ends at `end` ("… »")."""
    while end < len(text) and text[end] in _SPACES:
        end += 1
    return end + 1 if end < len(text) and _QUOTE_MARK.match(text, end) else end


def _opening_mark(text: str, start: int) -> int:
    """Where the mark opening a quotation that starts at `start` stands ("« …")."""
    start -= 1
    while start > 0 and text[start] in _SPACES:
        start -= 1
    return max(0, start)


def _clause_end(text: str, position: int) -> int:
    """The end of the sentence that goes on after a quotation, within the attribution window."""
    limit = min(len(text), position + _ATTRIBUTION_WINDOW)
    stop = _SENTENCE_STOP.search(text, position + 2, limit)
    return stop.start() if stop else limit


def _speaker_name(
    text: str,
    span: tuple[int, int],
    language: _FactsLanguage,
    mentions: list[tuple[int, int, str]],
    from_end: bool,
) -> str:
    """The speaker phrase next to the verb: its words up to one that ends it ("un responsable,
    qui…", "Jobs in a statement"), read from the verb; an actor's name when it names one."""
    words = [match.span() for match in _TOKEN.finditer(text, *span)]
    if from_end:
        words.reverse()
    kept: list[tuple[int, int]] = []
    for word_start, word_end in words[:_MAX_SPEAKER_WORDS]:
        word = text[word_start:word_end]
        if word.casefold() in language.speaker_stop:
            break
        if from_end and (word[-1] in ',;!?"»”' or (word[-1] == "." and len(word) > 4)):
            break
        kept.append((word_start, word_end))
    if not kept:
        return ""
    phrase_start = min(kept)[0]
    phrase_end = max(kept)[1]
    index = bisect.bisect_left(mentions, (phrase_start,))
    for mention_start, mention_end, name in mentions[max(0, index - 1) : index + 4]:
        if mention_start < phrase_end and phrase_start < mention_end:
            return name
    return text[phrase_start:phrase_end]


@functools.cache
def _facts_language(lang: str) -> _FactsLanguage:
    table = language_table(lang, "facts")
    determiners = _alternation(language_table(lang, "actors").get("determiners"))
    verbs = _alternation(table.get("speech_verbs"))
    auxiliaries = _alternation(table.get("speech_auxiliaries"))
    according = _alternation(table.get("according_to"))
    speaker = r"(?P<speaker>[^,.;:!?\"«»“”\n]{1,80})"
    opening = rf"(?:[{UPPER}]|(?:{determiners})\b)" if determiners else rf"[{UPPER}]"
    subject = rf"(?P<speaker>{opening}[^,.;:!?\"«»“”\n]{{0,50}}?)"
    auxiliary = rf"(?:(?:{auxiliaries})\s+)?" if auxiliaries else ""
    lead = r"\s*[,.]?\s*"
    return _FactsLanguage(
        speech_after=_compiled(verbs, rf"{lead}{auxiliary}(?:{verbs})\s+{speaker}"),
        subject_after=_compiled(verbs, rf"{lead}{subject}\s+{auxiliary}(?:{verbs})\b"),
        speech_verbs=_folded_phrases(table.get("speech_verbs")),
        speech_auxiliaries=_folded_phrases(table.get("speech_auxiliaries")),
        according_to=_compiled(according, rf"{lead}(?:{according})\s+{speaker}"),
        speaker_stop=frozenset(str(w).casefold() for w in table.get("speaker_stop_words") or []),
        incidental=_compiled(
            _alternation(table.get("incidental_openers")),
            r",\s*(?:{words})\b[^,;.]*(?=[,;.]|$)",
        ),
        trailing=_compiled(_alternation(table.get("trailing_openers")), r",\s*(?:{words})\b.*$"),
    )


def _folded_phrases(words: object) -> frozenset[str]:
    """`words` case-folded, with single spaces, for lookups of the words read from a text."""
    if not isinstance(words, list):
        return frozenset()
    return frozenset(" ".join(str(word).casefold().split()) for word in words)


def _alternation(words: object) -> str:
    """A case-insensitive regex alternation of `words`, longest first, a space in a word
    matching any whitespace; "" when there are none."""
    if not isinstance(words, list) or not words:
        return ""
    escaped = (re.escape(str(word)).replace(r"\ ", r"\s+") for word in words)
    return "(?i:" + "|".join(sorted(set(escaped), key=len, reverse=True)) + ")"


def _compiled(words: str, pattern: str) -> re.Pattern[str] | None:
    """`pattern` compiled, or None when the language lacks the words it needs."""
    if not words:
        return None
    return re.compile(pattern.replace("{words}", words))
