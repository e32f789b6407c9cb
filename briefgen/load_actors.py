"""Read the site's optional `actors.yaml`: the canonical actors every briefing's names point to.

    actors:
      - name: Vladimir Putin
        kind: person
        description: President of the Russian Federation.
        aliases: [Vladimir Poutine, Poutine, Putin]
        image: images/putin.jpg

A canonical actor gives one page to a person named differently across briefings and languages.
Every mistake comes back as `actors.yaml:line:col: message` with the others, never one at a time.
A name or alias that two entries claim would make the matching ambiguous, so it is an error; an
image must be a picture inside the project (PNG, JPEG, GIF, WebP or AVIF — not SVG, which can
carry scripts that would run on the site's own address when the file is opened).
"""

from __future__ import annotations

import os
from pathlib import Path

from briefgen.errors import Problem
from briefgen.load import slug_trouble, slugify
from briefgen.model import ACTOR_KINDS, ActorKind, CanonicalActor, SiteConfig
from briefgen.names import name_key
from briefgen.yamlfile import Fields, field_label, read_yaml

ACTORS_FILE = "actors.yaml"
ACTOR_FILE_KEYS = ("actors",)
CANONICAL_ACTOR_KEYS = ("name", "kind", "description", "aliases", "image", "slug")

#: What each picture format's file starts with: an image is checked, not trusted by its name.
IMAGE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".avif": (b"ftypavif",),
}
_SIGNATURE_OFFSET = {".avif": 4}
_KINDS: dict[str, ActorKind] = {kind: kind for kind in ACTOR_KINDS}


def load_actors(config: SiteConfig) -> tuple[tuple[CanonicalActor, ...], list[Problem]]:
    """The canonical actors of `actors.yaml` at the site root (none if there is no such file)."""
    path = config.root / ACTORS_FILE
    if not path.is_file():
        return (), []
    document, problems = read_yaml(path, ACTORS_FILE)
    if document is None:
        return (), problems
    fields = Fields(document, (), problems)
    fields.check_keys(ACTOR_FILE_KEYS)
    actors: list[CanonicalActor] = []
    claimed: dict[str, str] = {}
    for entry in fields.entries("actors"):
        actor = _canonical_actor(entry, config.root)
        if actor is not None and _claim_names(entry, actor, claimed):
            actors.append(actor)
    problems.sort(key=lambda problem: (problem.line or 0, problem.column or 0))
    return tuple(actors), problems


def _canonical_actor(entry: Fields, root: Path) -> CanonicalActor | None:
    entry.check_keys(CANONICAL_ACTOR_KEYS)
    name = entry.text("name") if entry.require("name", "Vladimir Putin") else ""
    kind = entry.choice("kind", _KINDS) if entry.require("kind", "person") else None
    description, aliases = entry.text("description"), entry.text_list("aliases")
    image = _image(entry, root)
    slug = entry.text("slug")
    trouble = slug_trouble(slug) if slug else None
    if trouble is not None:
        entry.report("slug", trouble, f"use a slug like `{slugify(slug)}`")
    if not name or kind is None or trouble is not None or (image is None and entry.has("image")):
        return None
    return CanonicalActor(name, kind, description, aliases, image, slug)


def _claim_names(entry: Fields, actor: CanonicalActor, claimed: dict[str, str]) -> bool:
    """Record the actor's names and slug; one another entry already claims is an error here."""
    owner = f"{actor.name} ({field_label(entry.at)})"
    hint = "a name, alias or slug may belong to one actor only"
    clear = True
    if actor.slug:
        first = claimed.setdefault("slug:" + actor.slug.casefold(), owner)
        if first != owner:
            entry.report("slug", f"slug `{actor.slug}` is already the slug of {first}", hint)
            clear = False
    aliases = Fields(entry.document, (*entry.at, "aliases"), entry.problems)
    names = [(None, actor.name), *enumerate(actor.aliases)]
    for index, name in names:
        first = claimed.setdefault(name_key(name), owner)
        if first == owner:
            continue
        clear = False
        if index is None:
            entry.report("name", f"`{name}` already names {first}", hint)
        else:
            aliases.report(index, f"`{name}` already names {first}", hint)
    return clear


def _image(entry: Fields, root: Path) -> Path | None:
    """The image's absolute path; None without one or (reported) when it is unusable."""
    written = entry.text("image")
    if not written:
        return None
    shown = Path(os.path.normpath(written))
    if shown.is_absolute() or shown.parts[:1] == ("..",):
        entry.report("image", f"`{written}` is outside the project folder", "put it in images/")
        return None
    suffix = shown.suffix.lower()
    if suffix not in IMAGE_SIGNATURES:
        hint = "use a .png, .jpg, .gif, .webp or .avif picture"
        entry.report("image", f"`{written}` is not a picture briefgen copies", hint)
        return None
    path = root / shown
    try:
        head = path.read_bytes()[:16]
    except OSError:
        entry.report("image", f"image not found: {written}", "paths are relative to the project")
        return None
    start = _SIGNATURE_OFFSET.get(suffix, 0)
    if not any(head[start:].startswith(magic) for magic in IMAGE_SIGNATURES[suffix]):
        entry.report("image", f"`{written}` is not a {suffix[1:].upper()} file", "re-export it")
        return None
    return path
