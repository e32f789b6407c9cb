"""The search index: briefings, actors and tags found by any word of their text, with no server.

A site of 10,000 briefings cannot hand its whole text to every reader who types a word, so the
index is cut into small files that a page loads only as it needs them:

- `search/manifest.js`: the word shards, each with the key where its run of words starts, and
  its size;
- `search/w/<n>.js`: a word shard, `{word: postings}`; postings are the ids of the documents that
  hold the word, ascending, written as base-36 gaps (`"0,1,a"` is ids 0, 1, 11);
- `search/d/<n>.js`: a document shard, `[kind, address, title, lang, date, detail]` for 16
  documents in id order. Actors come first, then tags, then briefings newest first, so results in
  id order read as a desk wants them.

Shards are JavaScript that hands data to `__briefgenSearch(name, data)`: a `<script>` element can
load them from disk (`file://`), where `fetch` cannot. They are data only, written by
`script_json`. The sorted words are cut into runs of about `SHARD_BYTES`, so no shard grows with
the size of the site except by the postings of one word (2 bytes per document at most, for a word
in every document), and a query loads one word shard per word (a few for the prefix being typed).

Words are found and normalised the same way here and in `static/search.js`: runs of letters and
digits, lower-cased, decomposed (NFKD), nonspacing marks dropped: "Élysée", "ELYSEE" and "élysée"
are one word, and "ﬁn" is "fin".
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from briefgen.highlight import ArticleLinks
from briefgen.model import Briefing, Site, SiteActor, Tag
from briefgen.paths import actor_path, briefing_path, page_address, tag_path
from briefgen.structured_data import script_json

SearchKind = Literal["briefing", "actor", "tag"]

#: The one-letter codes of the kinds in document shards.
KIND_CODES: Mapping[SearchKind, str] = {"briefing": "b", "actor": "a", "tag": "t"}

#: Words shorter than this are not indexed ("l'", "a"), nor searched for.
MIN_WORD_LENGTH = 2
#: Longer "words" are runs of digits or pasted junk, not something a reader types.
MAX_WORD_LENGTH = 32
#: About how many bytes a word shard holds (one very common word alone may take more).
SHARD_BYTES = 12_000
#: How many documents a document shard holds. Few: the results of a rare word are scattered
#: over the site, and showing the first 8 of them may take 8 document shards.
DOCUMENTS_PER_SHARD = 16
#: The global function every shard calls; `static/search.js` defines it.
CALLBACK = "__briefgenSearch"

MANIFEST_PATH = "search/manifest.js"

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """Something search can find: its page, what a result shows, and every word that finds it.

    `path` is the page's path in the output; `date` is an ISO day (briefings); `detail` is what a
    result shows under the title: a briefing's source, an actor's kind, a tag's briefing count.
    """

    kind: SearchKind
    path: str
    title: str
    text: str
    lang: str = ""
    date: str = ""
    detail: str = ""


def normalise(text: str) -> str:
    """`text` as search compares it: lower case, no accents, compatibility forms unfolded.

    ASCII text is only lowered: it has nothing to unfold nor any mark to drop, and most English
    articles are ASCII, which the translation would go through character by character."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return unicodedata.normalize("NFKD", lowered).translate(_WITHOUT_NONSPACING_MARKS)


class _NonspacingMarks(dict[int, int | None]):
    """A `str.translate` table that drops nonspacing marks (category Mn, as `search.js` drops
    `\\p{Mn}`), filled as characters are met: the translation runs in C, where a test of every
    character of every article in Python was a second of each build."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Mn" else code
        self[code] = kept
        return kept


_WITHOUT_NONSPACING_MARKS = _NonspacingMarks()


def words(text: str) -> list[str]:
    """The searchable words of `text`, normalised, each once, in order of first appearance."""
    found = dict.fromkeys(_WORD.findall(normalise(text)))  # each once first: half the words
    return [w for w in found if MIN_WORD_LENGTH <= len(w) <= MAX_WORD_LENGTH]


# --- What is searchable -----------------------------------------------------------------------


def site_documents(site: Site, links: ArticleLinks | None = None) -> list[SearchDocument]:
    """Every actor, tag and briefing of `site`, in id order (see the module's docstring)."""
    actors = [_actor_document(actor) for actor in site.actors]
    tags = [_tag_document(tag) for tag in site.tags]
    names = _site_actor_names(site, links or ArticleLinks(site))
    briefings = [_briefing_document(briefing, names(briefing)) for briefing in site.briefings]
    return [*actors, *tags, *briefings]


def _site_actor_names(site: Site, links: ArticleLinks) -> Callable[[Briefing], list[str]]:
    """For a briefing, the names and aliases of its site actors in every language, so that
    "OTAN" finds the English briefings about NATO."""
    by_slug = {actor.slug: actor for actor in site.actors}

    def names(briefing: Briefing) -> list[str]:
        refs = (links.actor(briefing, actor) for actor in briefing.actors)
        actors = [by_slug[ref.slug] for ref in refs if ref is not None and ref.slug in by_slug]
        return [name for actor in actors for name in (actor.name, *actor.aliases)]

    return names


def _actor_document(actor: SiteActor) -> SearchDocument:
    roles = [role.role for role in actor.roles]
    text = "\n".join([*actor.aliases, actor.description, *roles])
    return SearchDocument("actor", actor_path(actor), actor.name, text, detail=actor.kind)


def _briefing_document(briefing: Briefing, site_actor_names: list[str]) -> SearchDocument:
    text = "\n".join(
        [
            briefing.summary,
            briefing.source,
            *briefing.tags,
            *(fact.text for fact in briefing.key_facts),
            *(name for actor in briefing.actors for name in (actor.name, *actor.aliases)),
            *site_actor_names,
            briefing.article_text,
        ]
    )
    return SearchDocument(
        "briefing",
        briefing_path(briefing),
        briefing.title,
        text,
        briefing.lang,
        briefing.published_day.isoformat(),
        briefing.source,
    )


def _tag_document(tag: Tag) -> SearchDocument:
    return SearchDocument("tag", tag_path(tag), tag.name, "", detail=str(len(tag.briefings)))


# --- The index files --------------------------------------------------------------------------


def search_files(documents: Sequence[SearchDocument]) -> dict[str, bytes]:
    """The manifest, word shards and document shards for `documents` (ids are list positions)."""
    return SearchIndex().files(documents)


@dataclass(frozen=True, slots=True)
class SearchState:
    """What an index is made of, for a later one to start from (`SearchIndex`): each document's
    page, a digest of its text and its words joined by spaces, in id order; and the postings of
    every word (`_gaps`)."""

    paths: tuple[str, ...] = ()
    digests: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    postings: Mapping[str, str] = field(default_factory=dict)


class SearchIndex:
    """The search files of one project from one build to the next, in one process (`serve`) or
    from one process to the next (`state`).

    A document's words are found again only when its text changed. When the documents are the
    same pages in the same order, only the postings of the words that came or went are made
    again; otherwise they are gathered from every document. Either way the files are those
    `search_files` writes.
    """

    def __init__(self, state: SearchState | None = None) -> None:
        """`state`: where an earlier index (of another process, say) left off."""
        state = state or SearchState()
        self._paths = state.paths
        self._digests = list(state.digests)
        # One string a document, where a list held a string for each of its words.
        self._words = list(state.words)
        self._postings = dict(state.postings)

    def files(self, documents: Sequence[SearchDocument]) -> dict[str, bytes]:
        """Every file of the index of `documents`."""
        texts = [f"{document.title}\n{document.text}" for document in documents]
        digests = list(map(_text_digest, texts))
        paths = tuple(document.path for document in documents)
        if paths == self._paths:
            self._patch(texts, digests)
        else:
            self._gather(paths, texts, digests)
        return _index_files(documents, self._postings)

    def state(self) -> SearchState:
        """Where this index is now."""
        return SearchState(
            self._paths, tuple(self._digests), tuple(self._words), dict(self._postings)
        )

    def _gather(self, paths: tuple[str, ...], texts: list[str], digests: list[str]) -> None:
        """Index these documents, taking the words of any text met before from there."""
        known = dict(zip(self._digests, self._words, strict=True))
        self._words = [
            found if (found := known.get(digest)) is not None else " ".join(words(text))
            for text, digest in zip(texts, digests, strict=True)
        ]
        self._paths, self._digests = paths, digests
        self._postings = {word: _gaps(ids) for word, ids in _ids(self._words).items()}

    def _patch(self, texts: list[str], digests: list[str]) -> None:
        """Move the documents whose text changed to the postings of their new words: each
        word that came or went has its postings read, changed and written once."""
        gone: dict[str, list[int]] = {}
        came: dict[str, list[int]] = {}
        for number, digest in enumerate(digests):
            if digest == self._digests[number]:
                continue
            before, after = set(self._words[number].split()), words(texts[number])
            for word in before.difference(after):
                gone.setdefault(word, []).append(number)
            for word in set(after).difference(before):
                came.setdefault(word, []).append(number)
            self._digests[number], self._words[number] = digest, " ".join(after)
        for word in sorted(gone.keys() | came.keys()):  # the same state in every process
            ids = set(_from_gaps(self._postings.get(word, "")))
            ids.difference_update(gone.get(word, ()))
            ids.update(came.get(word, ()))
            if ids:
                self._postings[word] = _gaps(sorted(ids))
            else:
                del self._postings[word]


def _text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _index_files(
    documents: Sequence[SearchDocument], postings: Mapping[str, str]
) -> dict[str, bytes]:
    shards = list(_word_shards(postings))
    files: dict[str, bytes] = {}
    sizes: list[tuple[str, int]] = []
    for number, (prefix, shard_words) in enumerate(shards):
        name = f"w/{number}"
        content = _shard_script(name, {word: postings[word] for word in shard_words})
        files[f"search/{name}.js"] = content
        sizes.append((prefix, len(content)))
    for start in range(0, len(documents), DOCUMENTS_PER_SHARD):
        name = f"d/{start // DOCUMENTS_PER_SHARD}"
        records = [_record(doc) for doc in documents[start : start + DOCUMENTS_PER_SHARD]]
        files[f"search/{name}.js"] = _shard_script(name, records)
    manifest = {
        "documents": len(documents),
        "perShard": DOCUMENTS_PER_SHARD,
        "minWord": MIN_WORD_LENGTH,
        "shards": sizes,
    }
    files[MANIFEST_PATH] = _shard_script("manifest", manifest)
    return dict(sorted(files.items()))


def _ids(found: Sequence[str]) -> dict[str, list[int]]:
    """Every word → the ids (positions in `found`, words joined by spaces) of the documents
    that hold it, ascending."""
    ids: dict[str, list[int]] = {}
    for number, document_words in enumerate(found):
        for word in document_words.split():
            ids.setdefault(word, []).append(number)
    return ids


def _gaps(ascending: Iterable[int]) -> str:
    previous = 0
    gaps = []
    for number in ascending:
        gaps.append(number - previous)
        previous = number
    return ",".join(map(_base36, gaps))


def _from_gaps(postings: str) -> Iterator[int]:
    """The ids `_gaps` wrote ("" for none)."""
    return itertools.accumulate(int(gap, 36) for gap in postings.split(",") if gap)


_BASE36_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


@functools.lru_cache(maxsize=1 << 12)
def _base36(number: int) -> str:
    """`number` in base 36; cached, as most gaps between postings are small numbers."""
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = _BASE36_DIGITS[digit] + text
        if number == 0:
            return text


def _word_shards(postings: Mapping[str, str]) -> Iterator[tuple[str, list[str]]]:
    """(first key, words) for each shard: the words in sorted order, cut into consecutive runs of
    about `SHARD_BYTES`.

    A shard holds every word from its key up to the next shard's key, so the words that start
    with a prefix sit in consecutive shards. A key is the shortest start of the shard's first word
    that sorts after the previous shard's last word; the first shard's key is "".
    """
    run: list[str] = []
    size = 0
    previous_last = ""
    for word in sorted(postings, key=javascript_order):
        word_size = len(word) + len(postings[word]) + 6
        if run and size + word_size > SHARD_BYTES:
            yield _separator(previous_last, run[0]), run
            previous_last, run, size = run[-1], [], 0
        run.append(word)
        size += word_size
    if run:
        yield _separator(previous_last, run[0]), run


def javascript_order(word: str) -> bytes:
    """The sort key under which Python orders strings as JavaScript's `<` does (UTF-16 units)."""
    return word.encode("utf-16-be")


def _separator(previous_last: str, first: str) -> str:
    if not previous_last:
        return ""
    return next(
        first[:length]
        for length in range(1, len(first) + 1)
        if javascript_order(first[:length]) > javascript_order(previous_last)
    )


def _record(document: SearchDocument) -> list[str]:
    return [
        KIND_CODES[document.kind],
        page_address(document.path),
        document.title,
        document.lang,
        document.date,
        document.detail,
    ]


def _shard_script(name: str, data: object) -> bytes:
    return f"{CALLBACK}({script_json(name)},{script_json(data)});\n".encode()
