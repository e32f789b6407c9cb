"""Assembling: what the YAML says wins over extraction; the site is ordered as readers expect."""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path

from briefgen.assemble import Assembler, Reading, assemble_site, date_sort_key, merge_briefing
from briefgen.model import Actor, Briefing, DatedEvent, Extraction, KeyFact, Mention, SiteConfig


def _briefing(slug: str = "b", **fields: object) -> Briefing:
    base: dict[str, object] = {
        "slug": slug,
        "title": slug,
        "published": datetime.date(2021, 12, 29),
        "lang": "fr",
        "article_text": "",
        "article_format": "txt",
        "content_path": Path(f"content/{slug}.yaml"),
        "article_path": Path(f"seeds/{slug}.txt"),
    }
    base.update(fields)
    return Briefing(**base)  # type: ignore[arg-type]


BIDEN_FOUND = Actor(
    "Biden",
    "person",
    role="président",
    aliases=("M. Biden",),
    mentions=(Mention(10, 15, "Biden"), Mention(40, 45, "Biden")),
)


def test_a_curated_actor_takes_over_the_mentions_of_the_extracted_one_it_names() -> None:
    curated = Actor(
        "Joe Biden", "person", role="président américain", aliases=("Biden",), curated=True
    )
    merged = merge_briefing(_briefing(actors=(curated,)), Extraction(actors=(BIDEN_FOUND,)))
    assert len(merged.actors) == 1
    biden = merged.actors[0]
    assert (biden.name, biden.role, biden.curated) == ("Joe Biden", "président américain", True)
    assert [m.start for m in biden.mentions] == [10, 40]
    assert "M. Biden" in biden.aliases


def test_curated_actor_without_role_keeps_the_role_the_text_gives() -> None:
    curated = Actor("Biden", "person", curated=True)
    merged = merge_briefing(_briefing(actors=(curated,)), Extraction(actors=(BIDEN_FOUND,)))
    assert merged.actors[0].role == "président"


def test_names_match_across_case_and_accents() -> None:
    curated = Actor("Etats-Unis", "country", curated=True)
    found = Actor("États-Unis", "country", mentions=(Mention(0, 10, "États-Unis"),))
    merged = merge_briefing(_briefing(actors=(curated,)), Extraction(actors=(found,)))
    assert [a.name for a in merged.actors] == ["Etats-Unis"]
    assert len(merged.actors[0].mentions) == 1


def test_excluded_actors_are_dropped() -> None:
    junk = Actor("Oui", "person", mentions=(Mention(0, 3, "Oui"),))
    merged = merge_briefing(
        _briefing(exclude_actors=("oui",)), Extraction(actors=(BIDEN_FOUND, junk))
    )
    assert [a.name for a in merged.actors] == ["Biden"]


def test_curated_dates_win_and_the_timeline_is_chronological() -> None:
    curated = DatedEvent("2022-01-10", "date", "Discussions de sécurité", curated=True)
    found = (
        DatedEvent("2022-01-10", "date", "phrase extraite", "10 janvier", 5, 15),
        DatedEvent("2014", "date", "Crimée", "2014", 1, 5),
        DatedEvent("2021-12-29T15:30-05:00", "time", "L'appel", "15h30 ET", 20, 28),
        DatedEvent("P2M", "duration", "deux mois", "deux derniers mois", 30, 40),
        DatedEvent("2021-W52", "date", "JSTARS", "en début de semaine", 50, 60),
    )
    merged = merge_briefing(_briefing(dates=(curated,)), Extraction(dates=found))
    assert [d.value for d in merged.dates] == [
        "2014",
        "2021-W52",
        "2021-12-29T15:30-05:00",
        "2022-01-10",
    ]  # a week sits at its Monday (27 December)
    assert merged.dates[-1].event == "Discussions de sécurité"


def test_less_precise_dates_sort_before_more_precise_ones_of_the_same_period() -> None:
    values = ["2022-01-10", "2022", "2022-01", "2021-12-31T23:00Z"]
    assert sorted(values, key=date_sort_key) == [
        "2021-12-31T23:00Z",
        "2022",
        "2022-01",
        "2022-01-10",
    ]


def test_curated_key_facts_replace_extracted_ones() -> None:
    curated = (KeyFact("Le fait choisi", curated=True),)
    merged = merge_briefing(
        _briefing(key_facts=curated), Extraction(key_facts=(KeyFact("extrait", 0, 7),))
    )
    assert merged.key_facts == curated
    assert (
        merge_briefing(_briefing(), Extraction(key_facts=(KeyFact("extrait", 0, 7),)))
        .key_facts[0]
        .text
        == "extrait"
    )


def test_site_lists_briefings_newest_first_and_groups_tags(tmp_path: Path) -> None:
    zone = datetime.timezone(datetime.timedelta(hours=-5))
    briefings = [
        _briefing("old", published=datetime.date(2020, 1, 1), tags=("OTAN", "Russie")),
        _briefing(
            "new", published=datetime.datetime(2021, 12, 29, 22, 0, tzinfo=zone), tags=("otan",)
        ),
        _briefing("mid", published=datetime.date(2021, 12, 30)),
    ]
    site = assemble_site(SiteConfig(root=tmp_path, title="t"), briefings)
    assert [b.slug for b in site.briefings] == ["new", "mid", "old"]
    assert [(t.slug, t.briefings) for t in site.tags] == [
        ("otan", ("new", "old")),
        ("russie", ("old",)),
    ]


def _mentioned(name: str, text: str, kind: str = "person") -> Actor:
    """An actor with a mention at each place `text` writes `name`."""
    starts = [i for i in range(len(text)) if text.startswith(name, i)]
    mentions = tuple(Mention(i, i + len(name), name) for i in starts)
    return Actor(name, kind, mentions=mentions)  # type: ignore[arg-type]


def _timeline(tmp_path: Path, *briefings: Briefing) -> dict[str, list[str]]:
    """The names of the actors of each timeline event, by the event's description."""
    site = assemble_site(SiteConfig(root=tmp_path, title="t"), briefings)
    return {e.event.event: [a.name for a in e.actors] for e in site.timeline}


def test_an_event_involves_the_actors_mentioned_in_its_sentence_and_no_others(
    tmp_path: Path,
) -> None:
    text = "Biden a appelé Poutine le 10 janvier. Macron attend le 12 janvier."
    call = DatedEvent("2022-01-10", "date", "l'appel", "10 janvier", 26, 36)
    wait = DatedEvent("2022-01-12", "date", "l'attente", "12 janvier", 55, 65)
    actors = tuple(_mentioned(name, text) for name in ("Biden", "Poutine", "Macron"))
    briefing = _briefing(article_text=text, actors=actors, dates=(call, wait))
    assert _timeline(tmp_path, briefing) == {
        "l'appel": ["Biden", "Poutine"],
        "l'attente": ["Macron"],
    }


def test_an_event_involves_the_actors_its_description_names_as_whole_words(
    tmp_path: Path,
) -> None:
    actors = (
        Actor("Élysée", "organization"),
        Actor("Bide", "person"),
        Actor("Kyiv", "place", aliases=("Kiev",)),
    )
    summit = DatedEvent("2022-02-07", "date", "Sommet de l'ELYSEE avec Biden à KIEV")
    briefing = _briefing(actors=actors, dates=(summit,))
    assert _timeline(tmp_path, briefing) == {summit.event: ["Élysée", "Kyiv"]}


def test_an_event_names_each_actor_once_in_the_order_the_briefing_first_involves_it(
    tmp_path: Path,
) -> None:
    text = "Poutine hésite. Macron a reçu Vladimir Poutine le 7 février."
    visit = DatedEvent("2022-02-07", "date", "la visite", "7 février", 50, 59)
    putin = Actor("Poutine", "person", mentions=(Mention(0, 7, "Poutine"),))
    actors = (putin, *(_mentioned(name, text) for name in ("Macron", "Vladimir Poutine")))
    briefing = _briefing(article_text=text, actors=actors, dates=(visit,))
    # "Poutine" (first in the list, but mentioned in another sentence) and "Vladimir Poutine"
    # are one page, which comes after Macron's as Macron is listed before "Vladimir Poutine".
    assert _timeline(tmp_path, briefing) == {"la visite": ["Macron", "Vladimir Poutine"]}


def test_an_actor_lists_eight_companions_those_it_shares_most_briefings_with_first(
    tmp_path: Path,
) -> None:
    others = [f"Acteur {letter}" for letter in "KJIHGFEDCB"]
    casts = [("A", others[0]), ("A", others[0]), ("A", others[0], others[1]), ("A", others[1])]
    casts += [("A", other) for other in others[2:]]
    briefings = [
        _briefing(f"b{i}", actors=tuple(Actor(name, "person") for name in cast))
        for i, cast in enumerate(casts)
    ]
    site = assemble_site(SiteConfig(root=tmp_path, title="t"), briefings)
    actor = next(a for a in site.actors if a.name == "A")
    assert [(c.actor.name, c.briefings) for c in actor.companions] == [
        ("Acteur K", 3),
        ("Acteur J", 2),
        *((f"Acteur {letter}", 1) for letter in "BCDEFG"),
    ]


def test_readings_kept_from_another_process_give_the_same_site(tmp_path: Path) -> None:
    text = "Biden a appelé Poutine le 10 janvier. Macron attend le 12 janvier."
    call = DatedEvent("2022-01-10", "date", "l'appel", "10 janvier", 26, 36)
    wait = DatedEvent("2022-01-12", "date", "l'attente", "12 janvier", 55, 65)
    actors = tuple(_mentioned(name, text) for name in ("Biden", "Poutine", "Macron"))
    briefing = _briefing(article_text=text, actors=actors, dates=(call, wait))
    config = SiteConfig(root=tmp_path, title="t")
    first = Assembler()
    expected = first.assemble(config, [briefing])
    kept = first.readings["b"]
    assert kept.involved == ((0, 1), (2,))
    damaged = [
        Reading(((0, 1),), kept.namings),  # an event short
        Reading(((0, 1), (7,)), kept.namings),  # an actor the briefing lacks
        Reading(kept.involved, kept.namings[:2]),  # an actor's naming short
    ]
    for known in [kept, *damaged]:
        assert Assembler().assemble(config, [briefing], known={"b": known}) == expected


def test_who_is_who_kept_from_another_process_gives_the_same_site(tmp_path: Path) -> None:
    config = SiteConfig(root=tmp_path, title="t")

    def site(*names: tuple[str, ...]) -> list[Briefing]:
        return [
            _briefing(f"b{n}", published=datetime.date(2021, 12, 20 + n), actors=actors)
            for n, actors in enumerate(
                tuple(Actor(name, "person", aliases=aliases[1:]) for name in aliases[:1])
                + tuple(Actor(other, "country") for other in ("France", "Italie"))
                for aliases in names
            )
        ]

    before = site(("Joe Biden", "Biden"), ("Biden",), ("Hunter Biden",))
    first = Assembler()
    first.assemble(config, before)
    kept = first.cast_record()
    retitled = [replace(before[0], title="Another title"), *before[1:]]
    hunter = Actor("Hunter Biden", "person")  # the second briefing's Biden is Hunter now
    renamed = [before[0], replace(before[1], actors=(hunter, *before[1].actors[1:])), before[2]]
    for briefings in (before, retitled, renamed):
        expected = assemble_site(config, briefings)
        assert Assembler().assemble(config, briefings, kept_cast=kept) == expected
    damaged = [
        replace(kept, identities=kept.identities[1:]),  # an occurrence nobody's
        replace(kept, identities=((0, (0,)), *kept.identities)),  # an actors.yaml's it lacks
        replace(kept, refs=kept.refs[1:]),
        replace(kept, companions=(((99, 1),), *kept.companions[1:])),  # no such identity
    ]
    for record in damaged:
        assert Assembler().assemble(config, before, kept_cast=record) == assemble_site(
            config, before
        )
