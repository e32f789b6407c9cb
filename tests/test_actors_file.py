"""`actors.yaml`: canonical actors read with every mistake located as `actors.yaml:line:col`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from briefgen.config import load_config
from briefgen.load_actors import load_actors
from briefgen.model import CanonicalActor

MakeSite = Callable[[Mapping[str, str | bytes]], Path]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)


def _read(
    make_site: MakeSite, actors_yaml: str, **files: str | bytes
) -> tuple[tuple[CanonicalActor, ...], list[str]]:
    root = make_site({"actors.yaml": actors_yaml, **files})
    config, _ = load_config(root / "briefgen.yaml")
    actors, problems = load_actors(config)
    return actors, [str(problem) for problem in problems]


def test_a_site_without_actors_yaml_has_no_canonical_actors(make_site: MakeSite) -> None:
    root = make_site({})
    config, _ = load_config(root / "briefgen.yaml")
    assert load_actors(config) == ((), [])


def test_canonical_actors_are_read_with_their_aliases_description_and_image(
    make_site: MakeSite,
) -> None:
    actors, problems = _read(
        make_site,
        "actors:\n"
        "  - name: Vladimir Putin\n"
        "    kind: person\n"
        "    description: President of Russia.\n"
        "    aliases: [Vladimir Poutine, Poutine]\n"
        "    image: images/putin.png\n"
        "  - name: NATO\n"
        "    kind: organization\n"
        "    aliases: [OTAN]\n"
        "    slug: alliance\n",
        **{"images/putin.png": PNG},
    )
    assert problems == []
    putin, nato = actors
    assert (putin.name, putin.kind, putin.description) == (
        "Vladimir Putin",
        "person",
        "President of Russia.",
    )
    assert putin.aliases == ("Vladimir Poutine", "Poutine")
    assert putin.image is not None and putin.image.name == "putin.png"
    assert (nato.aliases, nato.slug, nato.image) == (("OTAN",), "alliance", None)


def test_each_mistake_is_reported_at_its_line_and_column(make_site: MakeSite) -> None:
    actors, problems = _read(
        make_site,
        "actors:\n"
        "  - name: Vladimir Putin\n"
        "    kind: persn\n"
        "  - kind: person\n"
        "  - name: NATO\n"
        "    kind: organization\n"
        "    colour: blue\n",
    )
    assert problems == [
        "actors.yaml:3:11: actors[1].kind: expected one of person, organization, country, "
        'place, group, got "persn" (did you mean `person`?)',
        "actors.yaml:4:5: actors[2]: missing required key `name` (add `name: Vladimir Putin`)",
        "actors.yaml:7:5: actors[3]: unknown key `colour` (known keys: name, kind, description, "
        "aliases, image, slug)",
    ]
    assert [actor.name for actor in actors] == ["NATO"]


def test_a_name_claimed_by_two_actors_is_an_error_naming_the_first(make_site: MakeSite) -> None:
    _, problems = _read(
        make_site,
        "actors:\n"
        "  - name: Vladimir Putin\n"
        "    kind: person\n"
        "    aliases: [Poutine]\n"
        "  - name: Poutine\n"
        "    kind: person\n"
        "  - name: Vladimir Vladimirovich\n"
        "    kind: person\n"
        "    aliases: [Putin, vladimir   PUTIN]\n",
    )
    assert problems == [
        "actors.yaml:5:11: actors[2].name: `Poutine` already names Vladimir Putin (actors[1]) "
        "(a name, alias or slug may belong to one actor only)",
        "actors.yaml:9:22: actors[3].aliases[2]: `vladimir   PUTIN` already names Vladimir Putin "
        "(actors[1]) (a name, alias or slug may belong to one actor only)",
    ]


def test_images_must_be_pictures_inside_the_project(make_site: MakeSite) -> None:
    _, problems = _read(
        make_site,
        "actors:\n"
        "  - {name: A, kind: person, image: ../outside.png}\n"
        "  - {name: B, kind: person, image: images/b.svg}\n"
        "  - {name: C, kind: person, image: images/missing.png}\n"
        "  - {name: D, kind: person, image: images/fake.png}\n"
        "  - {name: E, kind: person, image: images/..}\n",
        **{"images/b.svg": "<svg onload='alert(1)'/>", "images/fake.png": "<html>"},
    )
    assert [p.split(": ", 1)[0] for p in problems] == [
        "actors.yaml:2:36",
        "actors.yaml:3:36",
        "actors.yaml:4:36",
        "actors.yaml:5:36",
        "actors.yaml:6:36",
    ]
    assert "outside the project folder" in problems[0]
    assert "not a picture briefgen copies" in problems[1]
    assert "image not found" in problems[2]
    assert "is not a PNG file" in problems[3]
    assert "not a picture briefgen copies" in problems[4]


def test_an_unsafe_or_repeated_slug_is_refused(make_site: MakeSite) -> None:
    _, problems = _read(
        make_site,
        "actors:\n"
        "  - {name: A, kind: person, slug: ../../etc}\n"
        "  - {name: B, kind: person, slug: bee}\n"
        "  - {name: C, kind: person, slug: bee}\n",
    )
    assert problems[0].startswith("actors.yaml:2:35: actors[1].slug: `../../etc` could lead")
    assert problems[1].startswith("actors.yaml:4:35: actors[3].slug: slug `bee` is already")


def test_a_broken_file_is_one_located_problem(make_site: MakeSite) -> None:
    actors, problems = _read(make_site, "actors:\n  - name: [unclosed\n")
    assert actors == ()
    assert len(problems) == 1 and problems[0].startswith("actors.yaml:3:1: invalid YAML")
