"""Sentences: the unit of a key fact, of a date's clause and of the cues around a name."""

from __future__ import annotations

from briefgen.extract.text import sentence_around, sentence_bounds


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_bounds(text)]


def test_an_honorific_a_title_or_an_initial_does_not_end_a_sentence() -> None:
    assert sentences("Le président a reçu M. Dupont hier. Il a parlé.") == [
        "Le président a reçu M. Dupont hier.",
        "Il a parlé.",
    ]
    assert sentences("Prof. Dupont est venu. Le Dr. Martin aussi.") == [
        "Prof. Dupont est venu.",
        "Le Dr. Martin aussi.",
    ]


def test_an_abbreviation_ending_a_long_sentence_does_not_end_it() -> None:
    text = "Les troupes ont quitté la base des U.S. Le lendemain, tout a changé."

    assert sentences(text) == [text]


def test_a_word_ending_in_a_capital_is_no_initial() -> None:
    assert sentences("Il a acheté de la RAM. Puis il est parti.") == [
        "Il a acheté de la RAM.",
        "Puis il est parti.",
    ]


def test_a_closing_quote_stays_with_the_sentence_it_closes() -> None:
    assert sentences('He said "it is over." Then he left.') == [
        'He said "it is over."',
        "Then he left.",
    ]


def test_a_line_before_a_blank_line_is_a_sentence_of_its_own() -> None:
    text = "Grève à Paris\n\nLes syndicats appellent à manifester. Le trafic sera perturbé."

    assert sentences(text) == [
        "Grève à Paris",
        "Les syndicats appellent à manifester.",
        "Le trafic sera perturbé.",
    ]


def test_the_sentence_around_an_offset_is_the_one_holding_it_or_none() -> None:
    text = "  First one. Second one!\n\nThird.  "
    bounds = sentence_bounds(text)
    assert [text[s:e] for s, e in bounds] == ["First one.", "Second one!", "Third."]
    for offset in range(len(text)):
        holding = [(s, e) for s, e in bounds if s <= offset < e]
        assert sentence_around(bounds, offset) == (holding[0] if holding else (offset, offset))
