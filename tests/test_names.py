"""NameFinder finds what a regular expression of the names' alternation finds."""

from __future__ import annotations

import random
import re

import pytest

from briefgen.names import NameFinder


def _regex_spans(names: list[str], text: str) -> list[tuple[int, int]]:
    """The reference: an alternation of the names, longest first, as whole words."""
    alternatives = sorted({n.strip() for n in names if n.strip()}, key=lambda n: (-len(n), n))
    if not alternatives:
        return []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")
    return [match.span() for match in pattern.finditer(text)]


@pytest.mark.parametrize(
    ("names", "text", "found"),
    [
        (["Biden", "Joe Biden"], "Joe Biden met Biden.", ["Joe Biden", "Biden"]),
        (["UN"], "UNESCO and the UN, UN_x, 2UN, ÉUN, UN.", ["UN", "UN"]),
        (["U.S."], "The U.S. and U.S.A.", ["U.S."]),
        (["Paris", "Paris Match"], "Paris Matches Paris Match", ["Paris", "Paris Match"]),
        (["  Macron "], "Emmanuel Macron", ["Macron"]),
        (["", " "], "anything", []),
    ],
)
def test_finds_whole_names_longest_first(names: list[str], text: str, found: list[str]) -> None:
    spans = NameFinder(names).spans(text)
    assert [text[start:end] for start, end in spans] == found
    assert spans == _regex_spans(names, text)


def test_agrees_with_the_regular_expression_on_random_texts() -> None:
    generator = random.Random(7)
    pieces = ["Li", "Li Wei", "Wei", "é", "É", "_", "3", "-", ".", " ", " ", "ab", "Liè", "Wei Li"]
    for _ in range(2000):
        names = ["".join(generator.choices(pieces, k=generator.randint(1, 3))) for _ in range(4)]
        text = "".join(generator.choices(pieces, k=generator.randint(0, 30)))
        assert NameFinder(names).spans(text) == _regex_spans(names, text), (names, text)
