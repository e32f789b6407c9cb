"""The public `extract()` on the seed article, against its hand annotation (seed_gold.yaml)."""

from __future__ import annotations

import datetime
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefgen.extract import extract
from briefgen.model import Actor, Extraction

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
NOT_ACTORS = ("Mme", "M.", "M", "ET", "GMT", "Mardi", "Oui", "Je", "Lorsque", "Cette")
NOT_ACTORS_EITHER = ("Le", "La", "Mais", "Selon", "américain", "ukrainien")


@functools.cache
def gold() -> dict[str, Any]:
    loaded = yaml.safe_load((HERE / "seed_gold.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@functools.cache
def article() -> str:
    return (ROOT / str(gold()["article"])).read_text(encoding="utf-8")


@functools.cache
def extraction() -> Extraction:
    published = gold()["published"]
    assert isinstance(published, datetime.date)
    return extract(article(), gold()["lang"], published)


def locate(snippet: str) -> tuple[int, int]:
    """Offsets of the bracketed words of a snippet that occurs once in the article."""
    plain = snippet.replace("[", "").replace("]", "")
    text = article()
    assert text.count(plain) == 1, f"snippet not found once: {snippet!r}"
    found = text.index(plain)
    opening = snippet.find("[")
    closing = snippet.find("]")
    start = found + opening if opening >= 0 else found
    end = found + closing - (1 if opening >= 0 else 0) if closing >= 0 else found + len(plain)
    return start, end


def actor_named(name: str) -> Actor:
    matches = [actor for actor in extraction().actors if actor.name == name]
    assert len(matches) == 1, f"{name!r}: {[actor.name for actor in extraction().actors]}"
    return matches[0]


GOLD_ACTORS = [entry["name"] for entry in gold()["actors"]]


@pytest.mark.parametrize("name", GOLD_ACTORS)
def test_every_named_actor_is_found_with_its_kind_role_and_other_names(name: str) -> None:
    expected = next(entry for entry in gold()["actors"] if entry["name"] == name)
    actor = actor_named(name)
    assert (actor.kind, actor.role) == (expected["kind"], expected["role"])
    assert sorted(actor.aliases) == sorted(expected["aliases"])


@pytest.mark.parametrize("name", GOLD_ACTORS)
def test_every_mention_of_every_actor_is_found_at_its_place(name: str) -> None:
    expected = next(entry for entry in gold()["actors"] if entry["name"] == name)
    found = [(mention.start, mention.end) for mention in actor_named(name).mentions]
    assert found == sorted(locate(snippet) for snippet in expected["mentions"])


def test_no_actor_is_found_beyond_the_annotated_ones() -> None:
    assert sorted(actor.name for actor in extraction().actors) == sorted(GOLD_ACTORS)


def test_honorifics_time_zones_weekdays_and_sentence_openers_are_never_actors() -> None:
    names = {
        form
        for actor in extraction().actors
        for form in (actor.name, *actor.aliases, *(mention.text for mention in actor.mentions))
    }
    assert names.isdisjoint(NOT_ACTORS + NOT_ACTORS_EITHER)


def test_actors_come_in_the_annotated_order_of_salience() -> None:
    assert [actor.name for actor in extraction().actors] == GOLD_ACTORS


def test_every_date_has_its_annotated_value_and_kind() -> None:
    found = {(date.start, date.end): (date.value, date.kind) for date in extraction().dates}
    for expected in gold()["dates"]:
        assert found.get(locate(expected["at"])) == (expected["value"], expected["kind"]), expected


def test_every_quotation_is_found_with_the_speaker_its_sentence_gives() -> None:
    quotes = [(quote.start, quote.end, quote.speaker) for quote in extraction().quotes]
    expected = [
        (locate(entry["starts"])[0], locate(entry["ends"])[1], entry["speaker"])
        for entry in gold()["quotes"]
    ]
    assert quotes == expected


def test_key_facts_are_three_to_seven_one_line_statements_led_by_the_lead() -> None:
    facts = extraction().key_facts
    assert 3 <= len(facts) <= 7
    assert facts[0].start == 0
    for fact in facts:
        assert "\n" not in fact.text and len(fact.text) <= 200
        assert fact.start is not None and fact.end is not None
        source = article()[fact.start : fact.end]
        assert fact.text.split()[:3] == source.split()[:3]
