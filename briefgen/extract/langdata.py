"""Language knowledge as data: `extract/lang/<lang>.<part>.yaml`, read once per process.

Adding a language is adding files (`es.dates.yaml`, `es.actors.yaml`, …); nothing in the
extractor's code names a language. A language without files gets an empty table, so the
language-independent rules (ISO dates, numbers) still run.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml


def base_language(lang: str) -> str:
    """The primary language subtag: `fr-CA` and `fr_ca` use the `fr` tables."""
    return lang.replace("_", "-").split("-", 1)[0].lower()


@functools.cache
def language_table(lang: str, part: str) -> dict[str, Any]:
    """The `part` table of `lang` (e.g. `fr`, `dates`), or {} when the language has none."""
    lang = base_language(lang)
    resource = resources.files("briefgen.extract").joinpath("lang", f"{lang}.{part}.yaml")
    if not resource.is_file():
        return {}
    # libyaml's C loader, where installed, reads these tables ~20x faster than pure Python; they
    # are the package's own trusted files, so no line numbers are needed.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    table = yaml.load(resource.read_text(encoding="utf-8"), Loader=loader)
    return table if isinstance(table, dict) else {}


@functools.cache
def supported_languages() -> frozenset[str]:
    """Languages with at least one data file."""
    folder = resources.files("briefgen.extract").joinpath("lang")
    return frozenset(
        entry.name.split(".", 1)[0] for entry in folder.iterdir() if entry.name.endswith(".yaml")
    )
