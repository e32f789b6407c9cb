"""The search index: what finds what, what a query downloads, and that shards are data only."""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pytest

from briefgen import search as search_module
from briefgen.build import BuiltSite
from briefgen.search import (
    MANIFEST_PATH,
    SearchDocument,
    SearchIndex,
    javascript_order,
    search_files,
    words,
)

_SHARD = re.compile(r"__briefgenSearch\((\"[^\"]*\"),(.*)\);\n", re.DOTALL)


def _shard(files: Mapping[str, bytes], path: str) -> Any:
    match = _SHARD.fullmatch(files[path].decode("utf-8"))
    assert match, f"{path} is not one call of the search callback with JSON data"
    assert json.loads(match[1]) == path.removeprefix("search/").removesuffix(".js")
    return json.loads(match[2])


def _word_shard_path(files: Mapping[str, bytes], word: str) -> str:
    """What search.js does: the last shard whose first key sorts at or before the word."""
    shards = _shard(files, MANIFEST_PATH)["shards"]
    keys = [javascript_order(key) for key, _ in shards]
    number = max(n for n, key in enumerate(keys) if key <= javascript_order(word))
    return f"search/w/{number}.js"


def _ids(gaps: str) -> list[int]:
    ids, current = [], 0
    for gap in gaps.split(","):
        current += int(gap, 36)
        ids.append(current)
    return ids


def _find(files: Mapping[str, bytes], word: str) -> list[list[str]]:
    """The document records that hold `word`, as a reader's query gets them."""
    postings = _shard(files, _word_shard_path(files, word))
    if word not in postings:
        return []
    per_shard = _shard(files, MANIFEST_PATH)["perShard"]
    return [
        _shard(files, f"search/d/{i // per_shard}.js")[i % per_shard] for i in _ids(postings[word])
    ]


def _briefing(number: int, text: str, title: str = "") -> SearchDocument:
    return SearchDocument(
        "briefing",
        f"briefings/b{number}/index.html",
        title or f"Briefing {number}",
        text,
        "en",
        "2022-01-10",
        "Reuters",
    )


def test_accents_case_and_compatibility_forms_do_not_matter() -> None:
    assert words("Élysée ÉLYSÉE élysée l'OTAN ﬁn Straße") == ["elysee", "otan", "fin", "straße"]
    assert words("E\u0301lyse\u0301e \u212aelvin Kelvin") == ["elysee", "kelvin"], "as ASCII"


def test_one_letter_words_are_not_indexed() -> None:
    assert words("a l' d'Ukraine 5 G7") == ["ukraine", "g7"]


def test_a_word_finds_every_document_that_holds_it_with_what_a_result_shows() -> None:
    documents = [
        SearchDocument(
            "actor", "actors/putin/index.html", "Vladimir Putin", "Poutine", "", "", "person"
        ),
        _briefing(1, "Moscou et Kiev.", title="Poutine à Moscou"),
        _briefing(2, "Nothing about him."),
    ]
    files = search_files(documents)
    assert _find(files, "poutine") == [
        ["a", "actors/putin/", "Vladimir Putin", "", "", "person"],
        ["b", "briefings/b1/", "Poutine à Moscou", "en", "2022-01-10", "Reuters"],
    ]
    assert _find(files, "kiev") == [
        ["b", "briefings/b1/", "Poutine à Moscou", "en", "2022-01-10", "Reuters"]
    ]
    assert _find(files, "absent") == []


def test_shards_hold_data_only_so_no_text_can_break_out_of_a_script() -> None:
    hostile = '</script><script>alert(1)</script> "quoted" \u2028 <!-- & '
    files = search_files([_briefing(1, "body", title=hostile)])
    document_shard = files["search/d/0.js"].decode("utf-8")
    assert "<" not in document_shard and ">" not in document_shard and "&" not in document_shard
    assert "\u2028" not in document_shard
    assert _shard(files, "search/d/0.js")[0][2] == hostile


def test_the_words_of_all_shards_are_sorted_and_each_shard_starts_at_its_key() -> None:
    rng = random.Random(3)
    vocabulary = [
        "".join(rng.choices("abcdéfghijklmnoprstuvz", k=rng.randint(3, 9))) for _ in range(4000)
    ]
    documents = [_briefing(n, " ".join(rng.choices(vocabulary, k=60))) for n in range(300)]
    files = search_files(documents)
    shards = _shard(files, MANIFEST_PATH)["shards"]
    assert len(shards) > 3, "the test needs several word shards"
    previous_last = ""
    for number, (key, size) in enumerate(shards):
        shard_words = sorted(_shard(files, f"search/w/{number}.js"), key=javascript_order)
        assert size == len(files[f"search/w/{number}.js"])
        assert javascript_order(key) <= javascript_order(shard_words[0])
        assert javascript_order(previous_last) < javascript_order(key) or number == 0
        previous_last = shard_words[-1]
    assert all(_find(files, word) for word in words(documents[0].text))


def test_the_same_documents_give_the_same_bytes() -> None:
    documents = [_briefing(n, f"word{n} common text") for n in range(250)]
    assert search_files(documents) == search_files(list(documents))


def test_an_index_kept_across_edits_gives_the_files_of_a_fresh_one() -> None:
    documents = list(_synthetic_corpus(200))
    index = SearchIndex()
    assert index.files(documents) == search_files(documents)
    edits: list[Callable[[list[SearchDocument]], list[SearchDocument]]] = [
        lambda docs: [*docs[:3], replace(docs[3], text="entirely new words here"), *docs[4:]],
        lambda docs: [replace(docs[0], title="Zwölf fresh"), *docs[1:]],
        lambda docs: [*docs[:5], replace(docs[5], text=""), *docs[6:]],
        lambda docs: [*docs[:7], replace(docs[7], text=docs[8].text), *docs[8:]],
        lambda docs: docs[1:],
        lambda docs: [*docs, _briefing(999, "a late arrival")],
    ]
    for edit in edits:
        documents = edit(documents)
        assert index.files(documents) == search_files(documents)


def test_words_kept_by_another_process_give_the_files_of_a_fresh_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    documents = list(_synthetic_corpus(50))
    kept = SearchIndex()
    kept.files(documents)
    edited = [replace(documents[0], text="entirely new words here"), *documents[1:]]
    found: list[str] = []
    real = search_module.words

    def counting(text: str) -> list[str]:
        found.append(text)
        return real(text)

    monkeypatch.setattr(search_module, "words", counting)
    files = SearchIndex(kept.state()).files(edited)
    assert found == [f"{edited[0].title}\n{edited[0].text}"], "only the edited one read anew"
    monkeypatch.undo()
    assert files == search_files(edited)


def test_an_index_started_from_another_s_state_gives_the_files_of_a_fresh_one() -> None:
    documents = list(_synthetic_corpus(120))
    state = SearchIndex().state()
    edits: list[Callable[[list[SearchDocument]], list[SearchDocument]]] = [
        lambda docs: docs,
        lambda docs: [*docs[:3], replace(docs[3], text="entirely new words here"), *docs[4:]],
        lambda docs: [
            d if n % 3 else replace(d, text=f"{d.text} more") for n, d in enumerate(docs)
        ],
        lambda docs: [*docs[:5], replace(docs[5], text=""), *docs[6:]],
        lambda docs: [docs[1], docs[0], *docs[2:]],
        lambda docs: docs[1:],
        lambda docs: [*docs, _briefing(999, "a late arrival")],
    ]
    for edit in edits:
        documents = edit(documents)
        index = SearchIndex(state)
        assert index.files(documents) == search_files(documents)
        state = index.state()


def _synthetic_corpus(count: int) -> Sequence[SearchDocument]:
    """Small briefings in a Zipf-like vocabulary: a few words in most of them, most words rare."""
    rng = random.Random(10_000)
    vocabulary = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyzéèàç", k=rng.randint(3, 11)))
        for _ in range(30_000)
    ]
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))
    return [
        _briefing(n, " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=120)))
        for n in range(count)
    ]


@pytest.fixture(scope="module")
def ten_thousand_briefings() -> tuple[Sequence[SearchDocument], dict[str, bytes]]:
    documents = _synthetic_corpus(10_000)
    return documents, search_files(documents)


QUERY_BUDGET = 50_000


def test_on_ten_thousand_briefings_no_search_file_exceeds_50_kb(
    ten_thousand_briefings: tuple[Sequence[SearchDocument], dict[str, bytes]],
) -> None:
    _, files = ten_thousand_briefings
    largest = max(files, key=lambda path: len(files[path]))
    assert len(files[largest]) < QUERY_BUDGET, largest
    assert sum(len(content) for content in files.values()) > 20 * QUERY_BUDGET, (
        "the corpus must be much larger than what one query loads, or the test proves nothing"
    )


def test_on_ten_thousand_briefings_a_one_word_query_loads_under_50_kb(
    ten_thousand_briefings: tuple[Sequence[SearchDocument], dict[str, bytes]],
) -> None:
    """The box on every page shows 8 results; the search page adds 20 at a time."""
    documents, files = ten_thousand_briefings
    per_shard = _shard(files, MANIFEST_PATH)["perShard"]
    first_words = words(documents[0].text)
    commonest = max(first_words, key=lambda word: len(_find_postings(files, word)))
    rarest = min(first_words, key=lambda word: len(_find_postings(files, word)))
    for word in (commonest, rarest):
        ids = _ids(_find_postings(files, word))
        for shown in (ids[:8], ids[8:28]):
            document_shards = {f"search/d/{i // per_shard}.js" for i in shown}
            loaded = [MANIFEST_PATH, _word_shard_path(files, word), *document_shards]
            assert sum(len(files[path]) for path in loaded) < QUERY_BUDGET, (word, loaded)


def _find_postings(files: Mapping[str, bytes], word: str) -> str:
    postings: str = _shard(files, _word_shard_path(files, word))[word]
    return postings


def test_the_fixture_site_finds_actors_tags_and_briefings_by_any_word(
    built_multi_site: BuiltSite,
) -> None:
    files = built_multi_site.files
    kinds = {record[0] for word in ("ukraine", "sanctions") for record in _find(files, word)}
    assert kinds >= {"b", "t"}
    body_only = "thursday"
    assert any(record[0] == "b" for record in _find(files, body_only))
    actors = _find(files, "stoltenberg")
    assert actors and actors[0][0] == "a" and actors[0][1].startswith("actors/")
