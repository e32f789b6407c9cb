"""`briefgen extract`: show what briefgen draws from an article, as content YAML to paste or keep.

An analyst starting a briefing wants the extracted actors, dates and key facts in the shape of
`content/<slug>.yaml`, to correct rather than type. `--write` creates that file for a seed that
has none; it never overwrites one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import BriefgenError, Problem, errors_in
from briefgen.extract import extract
from briefgen.extract.text import sentence_bounds, shorten
from briefgen.load import slugify
from briefgen.model import Extraction, Published
from briefgen.yamlfile import parse_timestamp, read_text_file


class ScaffoldError(BriefgenError):
    """The seed cannot be read, or its content file already exists."""


@dataclass(frozen=True, slots=True)
class SeedExtraction:
    """An article, what was extracted from it, and how it was asked for."""

    article: Path
    text: str
    lang: str
    published: Published
    extraction: Extraction


def extract_seed(article: Path, *, lang: str, published: Published) -> SeedExtraction:
    """Read `article` (UTF-8, any line ends) and extract from it; bad bytes raise ScaffoldError."""
    text, problems = read_text_file(article, article)
    if text is None or errors_in(problems):
        raise ScaffoldError(problems)
    return SeedExtraction(article, text, lang, published, extract(text, lang, published))


def content_fields(seed: SeedExtraction, article_field: str) -> dict[str, Any]:
    """The `content/<slug>.yaml` fields for `seed`: title, dates and all, ready to correct."""
    found = seed.extraction
    first_sentence = next(iter(sentence_bounds(seed.text)), (0, 0))
    return {
        "title": shorten(seed.text[first_sentence[0]:first_sentence[1]], 90),
        "published": seed.published.isoformat(),
        "lang": seed.lang,
        "article": article_field,
        "key_facts": [fact.text for fact in found.key_facts],
        "actors": [
            {"name": a.name, "kind": a.kind}
            | ({"role": a.role} if a.role else {})
            | ({"aliases": list(a.aliases)} if a.aliases else {})
            for a in found.actors
        ],
        "dates": [{"date": d.value, "event": d.event} for d in found.dates if d.kind != "set"],
    }


def as_yaml(fields: dict[str, Any]) -> str:
    """YAML an analyst reads and edits: keys in content order, accents as they are."""
    return yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=100)


def as_json(seed: SeedExtraction) -> str:
    """Everything extracted, offsets and quotes included, for scripts."""
    document = {
        "article": str(seed.article),
        "lang": seed.lang,
        "published": seed.published.isoformat(),
        **asdict(seed.extraction),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def write_content_file(content_dir: Path, seed: SeedExtraction, article_field: str) -> Path:
    """Create `content/<slug>.yaml` for the seed; refuse when it exists (never overwrite)."""
    target = content_dir / f"{slugify(seed.article.stem)}.yaml"
    if target.exists():
        raise ScaffoldError([Problem(target, "a content file for this seed already exists",
                                     hint="edit it, or remove it to start again")])
    content_dir.mkdir(parents=True, exist_ok=True)
    header = f"# Extracted by briefgen from {article_field}; correct what is wrong.\n"
    with target.open("x", encoding="utf-8") as file:
        file.write(header + as_yaml(content_fields(seed, article_field)))
    return target


def parse_published(text: str) -> Published:
    """`--published`: a date or date-time, read as a content file's `published:` is."""
    try:
        return parse_timestamp(text)
    except ValueError as reason:
        message = f"expected a date like 2021-12-29, got {text!r}"
        raise ScaffoldError([Problem("--published", message, hint=str(reason))]) from None
