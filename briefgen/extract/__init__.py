"""Extraction: article text → actors, dates, key facts and quotes, as pure functions.

    from briefgen.extract import extract
    result = extract(text, lang="fr", published=datetime.date(2021, 12, 29))

Offsets in the result are `str` indices into `text`. Nothing here reads files other than the
package's own language tables (`extract/lang/`), and nothing is downloaded, ever.
"""

from __future__ import annotations

from briefgen.extract.langdata import base_language, supported_languages
from briefgen.extract.text import sentence_bounds
from briefgen.model import Extraction, Published

__all__ = ["extract", "supported_languages"]


def extract(text: str, lang: str, published: Published) -> Extraction:
    """Everything briefgen can draw from `text`, written in `lang` and published on `published`.

    A regional tag (`fr-CA`) uses its language's tables (`fr`).
    """
    # Imported on the first call: a rebuild whose extractions are all cached never calls it,
    # and importing the finders (their vocabularies and patterns) takes a tenth of a second.
    from briefgen.extract.actors import find_actors
    from briefgen.extract.dates import find_dates
    from briefgen.extract.facts import find_key_facts, find_quotes

    lang = base_language(lang)
    sentences = sentence_bounds(text)
    actors = find_actors(text, lang, sentences)
    dates = find_dates(text, lang, published, sentences)
    quotes = find_quotes(text, lang, actors)
    key_facts = find_key_facts(text, lang, actors, dates, sentences)
    return Extraction(
        actors=tuple(actors), dates=tuple(dates), key_facts=tuple(key_facts), quotes=tuple(quotes)
    )
