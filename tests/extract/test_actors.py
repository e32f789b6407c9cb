"""Actors: names found, merged, typed and given roles, in French and English, rule by rule."""

from __future__ import annotations

import pytest

from briefgen.extract.actors import find_actors
from briefgen.extract.text import sentence_bounds
from briefgen.model import Actor


def actors_of(text: str, lang: str) -> list[Actor]:
    return find_actors(text, lang, sentence_bounds(text))


def actor(text: str, lang: str, name: str) -> Actor:
    found = {item.name: item for item in actors_of(text, lang)}
    assert name in found, sorted(found)
    return found[name]


def every_form(text: str, lang: str) -> set[str]:
    return {
        form
        for item in actors_of(text, lang)
        for form in (item.name, *item.aliases, *(mention.text for mention in item.mentions))
    }


def test_every_form_of_a_persons_name_is_one_actor_named_by_its_longest_form() -> None:
    text = (
        "Joe Biden spoke on Monday. Later, Biden said more. Mr. Biden left, and "
        "President Biden came back."
    )
    biden = actor(text, "en", "Joe Biden")
    assert biden.kind == "person"
    assert biden.aliases == ("Biden",)
    assert [mention.text for mention in biden.mentions] == ["Joe Biden", "Biden", "Biden", "Biden"]


def test_a_mention_leaves_out_the_honorific_and_the_title() -> None:
    text = "Mardi, M. Biden a parlé avec le président Poutine."
    for name, start in (("Biden", text.index("Biden")), ("Poutine", text.index("Poutine"))):
        mention = actor(text, "fr", name).mentions[0]
        assert (mention.start, mention.text) == (start, name)


def test_a_surname_after_an_honorific_joins_the_full_name_even_with_the_wrong_honorific() -> None:
    text = "Emily Horne a parlé. Mme Horne a précisé ensuite. Selon M. Horne, rien n'est fait."
    horne = actor(text, "fr", "Emily Horne")
    assert len(horne.mentions) == 3
    assert horne.aliases == ("Horne",)


def test_administration_biden_is_a_mention_of_biden() -> None:
    text = "M. Biden a appelé. Des responsables de l'administration Biden ont confirmé."
    assert len(actor(text, "fr", "Biden").mentions) == 2


def test_a_known_acronym_and_its_expansion_are_one_organisation_in_french() -> None:
    text = (
        "L'OTAN se réunit. Les États-Unis renforceront l'Organisation du traité de "
        "l'Atlantique Nord."
    )
    otan = actor(text, "fr", "Organisation du traité de l'Atlantique Nord")
    assert otan.kind == "organization"
    assert otan.aliases == ("OTAN",)


def test_a_known_acronym_and_its_expansion_are_one_organisation_in_english() -> None:
    text = "NATO allies met. The North Atlantic Treaty Organization said it would wait."
    assert actor(text, "en", "North Atlantic Treaty Organization").aliases == ("NATO",)


def test_an_acronym_in_brackets_after_a_name_is_that_names_acronym() -> None:
    text = "The Northern Grid Authority (NGA) raised prices. Critics said NGA had no choice."
    grid = actor(text, "en", "Northern Grid Authority")
    assert grid.aliases == ("NGA",)
    assert len(grid.mentions) == 3


def test_an_acronym_made_of_a_names_initials_is_that_name() -> None:
    text = "The Ministry of Rural Affairs published figures; according to the MRA, prices rose."
    assert actor(text, "en", "Ministry of Rural Affairs").aliases == ("MRA",)


def test_a_role_comes_from_an_apposition_after_the_name() -> None:
    text = (
        "Les dirigeants discuteront, a déclaré Emily Horne, porte-parole du Conseil de sécurité "
        "nationale de la Maison Blanche, dans un communiqué."
    )
    horne = actor(text, "fr", "Emily Horne")
    assert horne.role == "porte-parole du Conseil de sécurité nationale de la Maison Blanche"


def test_a_role_comes_from_an_english_apposition() -> None:
    text = "Sandy Angers, a Boeing spokeswoman, said the plan was delayed."
    assert actor(text, "en", "Sandy Angers").role == "Boeing spokeswoman"


@pytest.mark.parametrize(
    ("text", "lang", "name", "role"),
    [
        (
            "Le secrétaire d'État américain Antony Blinken s'est entretenu avec lui.",
            "fr",
            "Antony Blinken",
            "secrétaire d'État américain",
        ),
        (
            "M. Biden parlera avec le président ukrainien Volodymyr Zelenskiy.",
            "fr",
            "Volodymyr Zelenskiy",
            "président ukrainien",
        ),
        ("Lorsque le président Biden a demandé à parler.", "fr", "Biden", "président"),
        (
            "Biden will call Ukrainian President Volodymyr Zelenskiy soon.",
            "en",
            "Volodymyr Zelenskiy",
            "Ukrainian President",
        ),
    ],
)
def test_a_role_comes_from_the_title_before_the_name(
    text: str, lang: str, name: str, role: str
) -> None:
    found = actor(text, lang, name)
    assert (found.kind, found.role) == ("person", role)


def test_the_most_specific_role_stated_wins() -> None:
    text = (
        "Selon M. Horne, le porte-parole de la Maison Blanche, rien n'est décidé. "
        "Emily Horne, porte-parole du Conseil de sécurité nationale de la Maison Blanche, l'a dit."
    )
    role = actor(text, "fr", "Emily Horne").role
    assert role == "porte-parole du Conseil de sécurité nationale de la Maison Blanche"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Mardi, M. Dupont a appelé Mme Durand. L'appel aura lieu à 15h30 ET (2030 GMT) "
            "en Janvier.",
            "fr",
        ),
        ("On Tuesday, Mr. Smith said the call is at 10:00 UTC in January, or 5 a.m. ET.", "en"),
    ],
)
def test_honorifics_weekdays_months_and_time_zones_are_not_actors(text: str, lang: str) -> None:
    assert every_form(text, lang) in ({"Dupont", "Durand"}, {"Smith"})


def test_capitalised_words_opening_a_sentence_are_not_actors() -> None:
    text = (
        '"Lorsque le président a dit : "Je suis prêt", il a dit oui. Oui, parlons-en. Cette '
        "personne a déclaré que tout allait bien. Mais selon lui, rien. Selon elle, tout. Le "
        "temps passe. La nuit tombe."
    )
    assert every_form(text, "fr") == set()


def test_a_sentence_opening_word_the_text_also_writes_in_lower_case_is_not_an_actor() -> None:
    text = "Markets fell sharply on Monday. Analysts blamed the markets' fear of Boeing."
    assert every_form(text, "en") == {"Boeing"}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Des responsables américains et russes, les Ukrainiens aussi, se réuniront.", "fr"),
        ("Officials met, and American and Russian negotiators agreed with the Ukrainians.", "en"),
    ],
)
def test_demonyms_are_not_actors(text: str, lang: str) -> None:
    assert every_form(text, lang) == set()


@pytest.mark.parametrize(
    ("text", "lang", "name", "kind"),
    [
        ("La Maison Blanche a précisé l'heure.", "fr", "Maison Blanche", "organization"),
        ("The White House said so.", "en", "White House", "organization"),
        ("La Russie nie avoir l'intention d'attaquer.", "fr", "Russie", "country"),
        ("Les États-Unis prendront des mesures.", "fr", "États-Unis", "country"),
        ("Troops moved towards Ukraine.", "en", "Ukraine", "country"),
        ("Une réunion incluant Moscou aura lieu.", "fr", "Moscou", "place"),
        ("Les troupes de Kiev reculent.", "fr", "Kiev", "place"),
        ("Officials in Washington disagreed.", "en", "Washington", "place"),
        ("La situation tendue en Europe inquiète.", "fr", "Europe", "place"),
        ("Des élus se sont réunis à Hennebont hier.", "fr", "Hennebont", "place"),
        ("Les ouvriers de la société Farvel sont en grève.", "fr", "Farvel", "organization"),
        ("Le tramway passait rue de Paris.", "fr", "rue de Paris", "place"),
        ("Les marins de Saint-Quay sont rentrés.", "fr", "Saint-Quay", "place"),
        ("Shares of Northrop Grumman Corp. rose.", "en", "Northrop Grumman Corp.", "organization"),
        (
            "Jusman Djamal, the Indonesian transport minister, spoke.",
            "en",
            "Jusman Djamal",
            "person",
        ),
    ],
)
def test_an_actor_gets_the_kind_its_name_or_context_tells(
    text: str, lang: str, name: str, kind: str
) -> None:
    assert actor(text, lang, name).kind == kind


def test_a_name_followed_by_a_model_number_is_a_product_not_an_actor() -> None:
    text = "Shares in Airbus rose after Emirates ordered the Airbus A380 and the Boeing 787."
    assert [mention.start for mention in actor(text, "en", "Airbus").mentions] == [10]
    assert "Boeing" not in every_form(text, "en")


def test_a_known_country_opening_a_longer_organisation_name_is_part_of_it() -> None:
    text = "Singapore Airlines flew from Singapore to London."
    names = {item.name: item.kind for item in actors_of(text, "en")}
    assert names == {
        "Singapore Airlines": "organization",
        "Singapore": "country",
        "London": "place",
    }


def test_actors_are_ranked_by_mentions_then_by_first_mention() -> None:
    text = "Paris et Lyon. Lyon encore. Berlin puis Lyon, puis Paris."
    assert [item.name for item in actors_of(text, "fr")] == ["Lyon", "Paris", "Berlin"]


def test_mention_offsets_locate_their_text() -> None:
    text = "L'appel, selon l'OTAN et M. Biden, a eu lieu à Washington avec Emily Horne."
    for item in actors_of(text, "fr"):
        for mention in item.mentions:
            assert text[mention.start : mention.end] == mention.text


@pytest.mark.parametrize("lang", ["xx", "de"])
def test_an_unsupported_language_still_gets_capitalised_names(lang: str) -> None:
    text = "Gestern hat Angela Merkel in der Stadt gesprochen."
    assert "Angela Merkel" in {item.name for item in actors_of(text, lang)}


def test_an_empty_text_has_no_actors() -> None:
    assert actors_of("", "fr") == []


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("Les chasseurs de Quimperlé sont arrivés.", "Quimperlé", "place"),
        ("On signale des combats sur les bords de la Vilaine.", "Vilaine", "place"),
        ("Les troupes avancent dans l'Argoat.", "Argoat", "place"),
        ("Le père de Kervella est venu le chercher.", "Kervella", "person"),
        ("La gare de Quimperlé et Bannalec sera fermée.", "Bannalec", "place"),
        ("Bannalec, 2 janvier. Un incendie a éclaté cette nuit.", "Bannalec", "place"),
        ("Il habite dans la maison de Karl Schmidt.", "Karl Schmidt", "person"),
        ("Le vote de P. Kervella a surpris.", "P. Kervella", "person"),
        ("Le texte voté par le Parlement s'applique.", "Parlement", "organization"),
        ("Il est entré à l'Ecole en octobre.", "Ecole", "organization"),
        (
            "Il travaille pour la Compagnie Bretonne de Lorient.",
            "Compagnie Bretonne",
            "organization",
        ),
    ],
)
def test_a_french_name_gets_the_kind_its_cues_tell(text: str, name: str, kind: str) -> None:
    assert actor(text, "fr", name).kind == kind


def test_a_surname_its_context_made_a_place_still_joins_the_person_it_shortens() -> None:
    text = "Le président Emmanuel Macron a reçu M. Scholz. Les propos de Macron ont surpris."
    macron = actor(text, "fr", "Emmanuel Macron")
    assert (macron.kind, macron.aliases, len(macron.mentions)) == ("person", ("Macron",), 2)


@pytest.mark.parametrize(
    "text",
    [
        "Kervella a été conduit au commissariat.",
        "Kervella n'a rien dit.",
        "Kervella et Morvan sont attendus ce soir.",
        "Kervella commissaire du quartier, a signé.",
    ],
)
def test_a_french_sentence_opening_name_before_its_verb_is_a_person(text: str) -> None:
    assert actor(text, "fr", "Kervella").kind == "person"


def test_a_name_after_an_article_with_no_other_cue_is_not_an_actor() -> None:
    text = "On jouait la Traviata et les Troyens hier soir à Rennes."
    assert every_form(text, "fr") == {"Rennes"}


def test_a_hyphenated_place_ends_before_the_next_name() -> None:
    text = "Il a vu le commissaire du quartier Saint-Georges Kervella, hier."
    kinds = {item.name: item.kind for item in actors_of(text, "fr")}
    assert kinds == {"quartier Saint-Georges": "place", "Kervella": "person"}


@pytest.mark.parametrize(
    "text",
    [
        "PETITES ANNONCES VENTE AUX ENCHÈRES demain à Rennes.",
        "Il passa sur Ja ligne de Rennes ; Xbrt cha'Pitre et Bre- tagne.",
        "Il fut fait officier de la Légion d' honneur à Rennes.",
    ],
)
def test_headings_misread_letters_and_decorations_are_not_actors(text: str) -> None:
    assert every_form(text, "fr") == {"Rennes"}
