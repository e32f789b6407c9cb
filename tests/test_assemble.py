"""Assembling: what the YAML says wins over extraction; the site is ordered as readers expect."""

from __future__ import annotations

import datetime
from pathlib import Path

from briefgen.assemble import assemble_site, date_sort_key, merge_briefing
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
