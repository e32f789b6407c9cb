"""Quotes with their speakers, and key facts: ranked, lead first, one readable line each."""

from __future__ import annotations

import datetime
import itertools

import pytest

from briefgen.extract import extract
from briefgen.extract.actors import find_actors
from briefgen.extract.facts import find_quotes, quotation_spans
from briefgen.extract.text import sentence_bounds
from briefgen.model import KeyFact, Quote


def quotes_of(text: str, lang: str) -> list[Quote]:
    sentences = sentence_bounds(text)
    return find_quotes(text, lang, find_actors(text, lang, sentences))


def facts_of(text: str, lang: str) -> list[KeyFact]:
    return list(extract(text, lang, datetime.date(2021, 12, 29)).key_facts)


@pytest.mark.parametrize(
    ("text", "lang", "quoted", "speaker"),
    [
        (
            '"Nous sommes à un moment de crise", a déclaré l\'un des responsables, qui a refusé '
            "d'être nommé.",
            "fr",
            "Nous sommes à un moment de crise",
            "l'un des responsables",
        ),
        (
            "« Il faudra un haut niveau d'engagement », a déclaré Emily Horne mercredi.",
            "fr",
            "Il faudra un haut niveau d'engagement",
            "Emily Horne",
        ),
        (
            'Il a exprimé "un soutien inébranlable à l\'Ukraine", selon un porte-parole.',
            "fr",
            "un soutien inébranlable à l'Ukraine",
            "un porte-parole",
        ),
        (
            'Mardi, M. Biden a répondu "nous verrons" lorsqu\'on lui a demandé.',
            "fr",
            "nous verrons",
            "Biden",
        ),
        (
            "“We have reduced our design effort,” said Sandy Angers, a Boeing spokeswoman.",
            "en",
            "We have reduced our design effort,",
            "Sandy Angers",
        ),
        (
            'Steve Jobs spoke first. "It is a great day for Apple," Jobs said.',
            "en",
            "It is a great day for Apple,",
            "Steve Jobs",
        ),
        (
            'The official said: "We will see what happens next."',
            "en",
            "We will see what happens next.",
            "The official",
        ),
        (
            '"Prices will rise," according to a spokesman for the company.',
            "en",
            "Prices will rise,",
            "a spokesman",
        ),
    ],
)
def test_a_quotation_is_found_with_the_speaker_its_sentence_names(
    text: str, lang: str, quoted: str, speaker: str
) -> None:
    quotes = quotes_of(text, lang)
    assert [(quote.text, quote.speaker) for quote in quotes] == [(quoted, speaker)]
    assert text[quotes[0].start : quotes[0].end] == quoted


def test_a_quotation_without_attribution_has_no_speaker() -> None:
    text = 'La journée fut longue. "Nous verrons bien demain."'
    assert [quote.speaker for quote in quotes_of(text, "fr")] == [""]


def test_a_quotation_inside_a_quotation_stays_part_of_it() -> None:
    text = (
        '"Lorsque le président Poutine a dit : "Je suis intéressé par un appel", le '
        'président Biden a dit oui."'
    )
    quotes = quotes_of(text, "fr")
    assert len(quotes) == 1
    assert quotes[0].text.startswith("Lorsque") and quotes[0].text.endswith("a dit oui.")


def test_quotations_come_in_text_order_and_never_overlap() -> None:
    text = (
        '« Nous verrons “demain” », a-t-il dit. Puis "rien" ne change. « Sans fin\n\n'
        "Nouveau paragraphe « ouvert » ici."
    )

    spans = quotation_spans(text)

    assert [text[start:end] for start, end in spans] == [
        "Nous verrons “demain”",
        "rien",
        "Sans fin",
        "ouvert",
    ]
    assert all(end <= following for (_, end), (following, _) in itertools.pairwise(spans))


def test_a_single_quoted_word_is_not_a_quotation() -> None:
    assert quotes_of('Le plan dit "historique" par ses auteurs a échoué.', "fr") == []


LONG_ARTICLE = (
    "Les deux dirigeants discuteront d'une série de sujets, a déclaré Emily Horne, porte-parole "
    "de la Maison Blanche, dans un communiqué mercredi.\n\n"
    "L'appel aura lieu à 15h30 (2030 GMT), a précisé la Maison Blanche.\n\n"
    "Moscou a massé des dizaines de milliers de soldats près de l'Ukraine au cours des deux "
    "derniers mois, après la prise de la Crimée en 2014.\n\n"
    "La Russie nie avoir l'intention d'attaquer l'Ukraine.\n\n"
    "Les inquiétudes des États-Unis ne se sont pas apaisées, selon un haut responsable, qui a "
    "refusé d'être nommé.\n\n"
    "La Russie et l'OTAN doivent tenir des discussions le 12 janvier à Genève, à Bruxelles et "
    "à Vienne, tandis qu'une réunion plus large incluant Moscou et Washington est prévue pour le "
    "13 janvier, avec les pays européens.\n\n"
    "Il fait froid.\n\n"
    "Le secrétaire d'État américain Antony Blinken s'est entretenu avec le dirigeant ukrainien "
    "mercredi.\n\n"
    "Le ciel était bleu et la ville calme ce jour-là, sans rien de particulier à signaler.\n\n"
    "Poutine a comparé les tensions actuelles à la crise des missiles de Cuba en 1962."
)


def test_key_facts_are_three_to_seven_and_the_lead_comes_first() -> None:
    facts = facts_of(LONG_ARTICLE, "fr")
    assert 3 <= len(facts) <= 7
    assert facts[0].start == 0
    assert facts[0].text.startswith("Les deux dirigeants discuteront")


def test_key_facts_prefer_sentences_rich_in_actors_numbers_and_dates() -> None:
    texts = [fact.text for fact in facts_of(LONG_ARTICLE, "fr")]
    assert any(text.startswith("La Russie et l'OTAN doivent") for text in texts)
    assert not any(text.startswith(("Il fait froid", "Le ciel était bleu")) for text in texts)


def test_a_key_fact_is_one_line_without_its_parentheses_and_incidental_clauses() -> None:
    text = (
        "Les deux dirigeants se parleront mercredi,\nselon un communiqué de la Maison Blanche.\n\n"
        "L'appel aura lieu à 15h30 (2030 GMT), a précisé la Maison Blanche.\n\n"
        "Les inquiétudes des États-Unis demeurent, selon un haut responsable, qui a refusé "
        "d'être nommé."
    )
    assert [fact.text for fact in facts_of(text, "fr")] == [
        "Les deux dirigeants se parleront mercredi, selon un communiqué de la Maison Blanche.",
        "L'appel aura lieu à 15h30, a précisé la Maison Blanche.",
        "Les inquiétudes des États-Unis demeurent, selon un haut responsable.",
    ]


def test_a_key_fact_too_long_for_one_line_loses_its_trailing_clauses_not_its_subject() -> None:
    fact = next(
        fact for fact in facts_of(LONG_ARTICLE, "fr") if fact.text.startswith("La Russie et")
    )
    assert len(fact.text) <= 200
    assert fact.text.startswith("La Russie et l'OTAN doivent tenir des discussions le 12 janvier")


def test_a_key_fact_points_at_its_source_sentence() -> None:
    for fact in facts_of(LONG_ARTICLE, "fr"):
        assert fact.start is not None and fact.end is not None
        source = LONG_ARTICLE[fact.start : fact.end]
        assert source.split()[:2] == fact.text.split()[:2]


def test_a_short_article_gives_as_many_facts_as_it_has_statements() -> None:
    text = (
        "Boeing said on Monday that it would cut 5,000 jobs in Seattle.\n\n"
        "The company reported a loss of $2 billion for the year."
    )
    facts = facts_of(text, "en")
    assert [fact.start for fact in facts] == [0, text.index("The company")]


def test_english_key_facts_drop_incidental_clauses() -> None:
    text = (
        "Apple, which makes the iPhone, reported record sales of $90 billion on Tuesday. "
        "Analysts in New York had expected $85 billion. Shares rose 3% in late trading. "
        "Tim Cook, the chief executive, said demand was strong in China and Europe."
    )
    facts = facts_of(text, "en")
    assert facts[0].text == "Apple, reported record sales of $90 billion on Tuesday."
