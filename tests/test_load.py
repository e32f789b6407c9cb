"""Loading briefings: every field validated, every problem of every file reported with its place."""

from __future__ import annotations

import dataclasses
import datetime
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from briefgen import load as load_module
from briefgen.config import load_config
from briefgen.errors import Problem
from briefgen.load import LoadMemo, load_briefings, slugify
from briefgen.model import Actor, Briefing, DatedEvent, KeyFact, SiteConfig

MakeSite = Callable[[Mapping[str, str | bytes]], Path]

ARTICLE = "Joe Biden will speak with Vladimir Putin on Thursday.\n\nNATO is watching.\n"
MINIMAL = "title: Talks\npublished: 2021-12-29\n"


def _load(root: Path, *, drafts: bool = False) -> tuple[list[Briefing], list[Problem]]:
    config, _ = load_config(root / "briefgen.yaml")
    return load_briefings(config, drafts=drafts)


def _messages(make_site: MakeSite, files: Mapping[str, str | bytes]) -> list[str]:
    _, problems = _load(make_site(files))
    return [str(problem) for problem in problems]


def test_a_complete_briefing_loads_every_field(make_site: MakeSite) -> None:
    root = make_site(
        {
            "briefgen.yaml": "title: Site\nlanguage: en\n",
            "content/call.yaml": (
                "slug: biden-putin-call\n"
                "title: Biden and Putin to talk\n"
                "published: 2021-12-29 15:30:00-05:00\n"
                "lang: fr\n"
                "source: Reuters\n"
                "url: https://www.reuters.com/world/\n"
                "tags: [Russia, Ukraine, Russia]\n"
                "summary: >\n  The two leaders\n  will talk.\n"
                "article: seeds/call.md\n"
                "key_facts:\n  - The call is on Thursday.\n"
                "actors:\n"
                "  - name: Joe Biden\n    kind: Person\n    role: President\n"
                "    aliases: [Biden, M. Biden]\n"
                "dates:\n"
                "  - {date: 2022-01-10, event: Geneva talks}\n"
                "  - {date: 2022-01, event: Talks}\n"
                "  - {date: 2014, event: Crimea}\n"
                "  - {date: 2021-12-30 15:30:00-05:00, event: The call}\n"
                "exclude_actors: [Reuters]\n"
                "extract: false\n"
            ),
            "seeds/call.md": ARTICLE,
        }
    )
    briefings, problems = _load(root)
    assert problems == []
    assert briefings == [
        Briefing(
            slug="biden-putin-call",
            title="Biden and Putin to talk",
            published=datetime.datetime(
                2021, 12, 29, 15, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
            ),
            lang="fr",
            article_text=ARTICLE,
            article_format="md",
            content_path=root / "content/call.yaml",
            article_path=root / "seeds/call.md",
            source="Reuters",
            url="https://www.reuters.com/world/",
            tags=("Russia", "Ukraine"),
            summary="The two leaders will talk.",
            key_facts=(KeyFact("The call is on Thursday.", curated=True),),
            actors=(
                Actor("Joe Biden", "person", "President", ("Biden", "M. Biden"), curated=True),
            ),
            dates=(
                DatedEvent("2022-01-10", "date", "Geneva talks", curated=True),
                DatedEvent("2022-01", "date", "Talks", curated=True),
                DatedEvent("2014", "date", "Crimea", curated=True),
                DatedEvent("2021-12-30T15:30-05:00", "time", "The call", curated=True),
            ),
            exclude_actors=("Reuters",),
            extract=False,
        )
    ]


def test_defaults_come_from_the_file_name_and_the_site(make_site: MakeSite) -> None:
    root = make_site(
        {
            "briefgen.yaml": "title: Site\nlanguage: fr\n",
            "content/000_fee48bf4d28e4dfa.yaml": MINIMAL,
            "seeds/000_fee48bf4d28e4dfa.txt": ARTICLE,
        }
    )
    (briefing,) = _load(root)[0]
    assert (briefing.slug, briefing.lang, briefing.article_format) == (
        "000_fee48bf4d28e4dfa",
        "fr",
        "txt",
    )
    assert briefing.article_path == root / "seeds/000_fee48bf4d28e4dfa.txt"
    assert (briefing.draft, briefing.extract) == (False, True)


def test_a_markdown_article_is_found_by_default(make_site: MakeSite) -> None:
    root = make_site({"content/a.yaml": MINIMAL, "seeds/a.md": "# Title\n"})
    (briefing,) = _load(root)[0]
    assert briefing.article_format == "md"


def test_published_yesterday_is_named_with_line_and_column(make_site: MakeSite) -> None:
    messages = _messages(
        make_site, {"content/x.yaml": "title: Talks\npublished: yesterday\n", "seeds/x.txt": "a"}
    )
    assert messages == [
        'content/x.yaml:2:12: published: expected a date like 2021-12-29, got "yesterday" '
        "(write it as YYYY-MM-DD, with a time if needed: 2021-12-29 15:30:00+01:00)"
    ]


def test_an_impossible_publication_date_says_why(make_site: MakeSite) -> None:
    messages = _messages(
        make_site, {"content/x.yaml": "title: Talks\npublished: 2024-13-45\n", "seeds/x.txt": "a"}
    )
    assert messages == [
        'content/x.yaml:2:12: published: expected a date like 2021-12-29, got "2024-13-45" '
        "(month must be in 1..12)"
    ]


def test_a_quoted_publication_date_is_a_date(make_site: MakeSite) -> None:
    root = make_site(
        {"content/x.yaml": "title: T\npublished: '2021-12-29T15:30Z'\n", "seeds/x.txt": "a"}
    )
    (briefing,) = _load(root)[0]
    assert briefing.published == datetime.datetime(2021, 12, 29, 15, 30, tzinfo=datetime.UTC)


def test_missing_required_fields_are_named(make_site: MakeSite) -> None:
    assert _messages(make_site, {"content/x.yaml": "source: Reuters\n", "seeds/x.txt": "a"}) == [
        "content/x.yaml:1:1: missing required key `title` (add `title: What happened`)",
        "content/x.yaml:1:1: missing required key `published` (add `published: 2021-12-29`)",
    ]


def test_tags_written_as_text_get_a_hint_to_make_a_list(make_site: MakeSite) -> None:
    messages = _messages(
        make_site, {"content/x.yaml": MINIMAL + 'tags: "a, b"\n', "seeds/x.txt": "a"}
    )
    assert messages == [
        'content/x.yaml:3:7: tags: expected a list, got "a, b" (write `tags: [a, b]`)'
    ]


def test_wrong_types_are_reported_field_by_field(make_site: MakeSite) -> None:
    text = MINIMAL + "summary: [a]\ndraft: maybe\nurl: javascript:alert(1)\n"
    assert _messages(make_site, {"content/x.yaml": text, "seeds/x.txt": "a"}) == [
        "content/x.yaml:3:10: summary: expected text, got a list",
        'content/x.yaml:4:8: draft: expected true or false, got "maybe"',
        "content/x.yaml:5:6: url: expected a web address like https://example.org/, "
        'got "javascript:alert(1)" (only http:// and https:// addresses are allowed)',
    ]


def test_unknown_keys_warn_with_the_nearest_valid_key(make_site: MakeSite) -> None:
    text = MINIMAL + "publishd: 2021\nactors:\n  - {name: NATO, kind: organization, rol: x}\n"
    briefings, problems = _load(make_site({"content/x.yaml": text, "seeds/x.txt": "a"}))
    assert len(briefings) == 1
    assert [(str(p), p.severity) for p in problems] == [
        ("content/x.yaml:3:1: unknown key `publishd` (did you mean `published`?)", "warning"),
        ("content/x.yaml:5:38: actors[1]: unknown key `rol` (did you mean `role`?)", "warning"),
    ]


def test_actors_need_a_name_and_a_known_kind(make_site: MakeSite) -> None:
    text = MINIMAL + "actors:\n  - name: Joe Biden\n    kind: persn\n  - name: NATO\n  - Putin\n"
    assert _messages(make_site, {"content/x.yaml": text, "seeds/x.txt": "a"}) == [
        "content/x.yaml:5:11: actors[1].kind: expected one of person, organization, country, "
        'place, group, got "persn" (did you mean `person`?)',
        "content/x.yaml:6:5: actors[2]: missing required key `kind` (add `kind: person`)",
        "content/x.yaml:7:5: actors[3]: expected a mapping (like `name: ...`), got text",
    ]


def test_dates_must_be_a_day_a_month_a_year_or_a_moment(make_site: MakeSite) -> None:
    text = MINIMAL + "dates:\n  - {date: 2022-13, event: a}\n  - {date: soon, event: b}\n"
    assert _messages(make_site, {"content/x.yaml": text, "seeds/x.txt": "a"}) == [
        "content/x.yaml:4:12: dates[1].date: expected a day (2022-01-10), a month (2022-01), "
        'a year (2014) or a date and time, got "2022-13" (month must be in 1..12)',
        "content/x.yaml:5:12: dates[2].date: expected a day (2022-01-10), a month (2022-01), "
        'a year (2014) or a date and time, got "soon" '
        "(write it as YYYY-MM-DD, with a time if needed: 2021-12-29 15:30:00+01:00)",
    ]


def test_invalid_utf8_in_an_article_names_byte_line_and_column(make_site: MakeSite) -> None:
    article = b"".join(b"line %d\n" % n for n in range(1, 12)) + b"abcd\x96efg\n"
    messages = _messages(make_site, {"content/x.yaml": MINIMAL, "seeds/x.txt": article})
    assert messages == [
        "seeds/x.txt:12:5: invalid UTF-8: byte 0x96 at line 12 (save the file as UTF-8)"
    ]


def test_a_nul_byte_in_an_article_is_refused(make_site: MakeSite) -> None:
    messages = _messages(make_site, {"content/x.yaml": MINIMAL, "seeds/x.txt": b"ab\ncd\x00"})
    assert messages == [
        "seeds/x.txt:2:3: NUL byte at line 2: this looks like a binary file, not text "
        "(save it as UTF-8 text)"
    ]


def test_a_missing_default_article_names_the_paths_tried(make_site: MakeSite) -> None:
    assert _messages(make_site, {"content/x.yaml": MINIMAL}) == [
        "content/x.yaml:1:1: article not found: tried seeds/x.txt, seeds/x.md "
        "(add it, or set `article:`)"
    ]


def test_a_missing_named_article_is_reported_at_the_article_key(make_site: MakeSite) -> None:
    messages = _messages(make_site, {"content/x.yaml": MINIMAL + "article: seeds/y.txt\n"})
    assert messages == [
        "content/x.yaml:3:10: article: article not found: tried seeds/y.txt "
        "(paths are relative to the project folder)"
    ]


@pytest.mark.parametrize(
    ("article", "message"),
    [
        ("seeds/x.docx", "`seeds/x.docx` is not a .txt or .md file"),
        ("seeds/..", "`seeds/..` is not a .txt or .md file"),
        ("../outside.txt", "`../outside.txt` is outside the project folder"),
        ("/etc/passwd.txt", "`/etc/passwd.txt` is outside the project folder"),
    ],
)
def test_articles_must_be_text_or_markdown_inside_the_project(
    make_site: MakeSite, article: str, message: str
) -> None:
    (problem,) = _messages(make_site, {"content/x.yaml": MINIMAL + f"article: {article}\n"})
    assert problem.startswith(f"content/x.yaml:3:10: article: {message}")


@pytest.mark.parametrize("slug", ["../../x", "/etc/x", "%2e%2e/x", "..\\\\x", ".hidden", "a/b"])
def test_slugs_that_could_escape_the_output_folder_are_refused(
    make_site: MakeSite, slug: str
) -> None:
    text = f'slug: "{slug}"\n' + MINIMAL
    shown = slug.replace("\\\\", "\\")
    assert _messages(make_site, {"content/x.yaml": text, "seeds/x.txt": "a"}) == [
        f"content/x.yaml:1:7: slug: `{shown}` could lead outside the output folder "
        f"(use a slug like `{slugify(shown)}`)"
    ]


@pytest.mark.parametrize("slug", ["con", "NUL", "Aux.txt", "com1", "lpt9"])
def test_windows_reserved_slugs_are_refused(make_site: MakeSite, slug: str) -> None:
    text = f"slug: {slug}\n" + MINIMAL
    assert _messages(make_site, {"content/x.yaml": text, "seeds/x.txt": "a"}) == [
        f"content/x.yaml:1:7: slug: `{slug}` is a reserved file name on Windows "
        f"(use a slug like `{slugify(slug)}`)"
    ]
    assert slugify(slug).endswith(("-briefing", "-txt"))


def test_a_slug_with_capitals_or_spaces_gets_a_safe_suggestion(make_site: MakeSite) -> None:
    text = "slug: Élection Présidentielle\n" + MINIMAL
    assert _messages(make_site, {"content/x.yaml": text, "seeds/x.txt": "a"}) == [
        "content/x.yaml:1:7: slug: `Élection Présidentielle` may only use lower-case letters "
        "a-z, digits, `-` and `_` (use a slug like `election-presidentielle`)"
    ]


def test_an_unsafe_file_name_is_slugified_with_a_warning(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/Élection 2022.yaml": MINIMAL,
            "seeds/election-2022.txt": "a",
            "content/con.yaml": MINIMAL,
            "seeds/con-briefing.txt": "b",
        }
    )
    briefings, problems = _load(root)
    assert [b.slug for b in briefings] == ["con-briefing", "election-2022"]
    assert [(str(p), p.severity) for p in problems] == [
        (
            "content/con.yaml:1:1: the file name `con` is not a safe URL name, so the slug is "
            "`con-briefing` (set `slug:` to choose another)",
            "warning",
        ),
        (
            "content/Élection 2022.yaml:1:1: the file name `Élection 2022` is not a safe URL "
            "name, so the slug is `election-2022` (set `slug:` to choose another)",
            "warning",
        ),
    ]


def test_two_briefings_with_one_slug_are_both_named(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/a.yaml": "slug: talks\n" + MINIMAL,
            "content/b.yaml": MINIMAL + "slug: talks\n",
            "seeds/talks.txt": "a",
        }
    )
    briefings, problems = _load(root)
    assert [str(p) for p in problems] == [
        "content/b.yaml:3:1: slug `talks` is already the slug of content/a.yaml: both would be "
        "written to briefings/talks/ (give one of them another `slug:`)"
    ]
    assert [b.content_path.name for b in briefings] == ["a.yaml"]


def test_slugs_differing_only_in_case_collide(make_site: MakeSite) -> None:
    root = make_site(
        {"content/Gaza.yaml": MINIMAL, "content/gaza.yml": MINIMAL, "seeds/gaza.txt": "a"}
    )
    errors = [str(p) for p in _load(root)[1] if p.severity == "error"]
    assert errors == [
        "content/gaza.yml:1:1: slug `gaza` is already the slug of content/Gaza.yaml: both would "
        "be written to briefings/gaza/ (give one of them another `slug:`)"
    ]


def _briefing_from(make_site: MakeSite, yaml_text: bytes, article: bytes) -> Briefing:
    root = make_site({"content/x.yaml": yaml_text, "seeds/x.txt": article})
    (briefing,) = _load(root)[0]
    return dataclasses.replace(briefing, content_path=Path("x"), article_path=Path("x"))


@pytest.mark.parametrize(
    "convert",
    [
        lambda data: b"\xef\xbb\xbf" + data,
        lambda data: data.replace(b"\n", b"\r\n"),
        lambda data: data.replace(b"\n", b"\r"),
        lambda data: b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"),
    ],
    ids=["bom", "crlf", "cr", "bom+crlf"],
)
def test_bom_crlf_and_cr_build_exactly_like_plain_utf8(
    make_site: MakeSite, tmp_path: Path, convert: Callable[[bytes], bytes]
) -> None:
    yaml_text = (
        "title: Appel Biden \u2013 Poutine\npublished: 2021-12-29\n"
        "summary: |\n  Deux lignes\n  ici\n"
        "key_facts:\n  - L'appel aura lieu jeudi.\n"
    ).encode()
    article = "Première ligne.\n\nDeuxième paragraphe.\n".encode()
    plain = _briefing_from(make_site, yaml_text, article)
    (tmp_path / "site").rename(tmp_path / "plain")
    assert _briefing_from(make_site, convert(yaml_text), convert(article)) == plain
    assert plain.article_text == "Première ligne.\n\nDeuxième paragraphe.\n"


def test_bad_yaml_line_numbers_survive_crlf(make_site: MakeSite) -> None:
    text = 'title: Talks\r\npublished: 2021-12-29\r\n\r\ntags: "a, b"\r\n'
    messages = _messages(make_site, {"content/x.yaml": text, "seeds/x.txt": "a"})
    assert messages == [
        'content/x.yaml:4:7: tags: expected a list, got "a, b" (write `tags: [a, b]`)'
    ]


def test_every_bad_file_is_reported_not_just_the_first(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/a.yaml": "title: A\n\tpublished: 2021-12-29\n",
            "content/b.yaml": "title: B\ntitle: C\npublished: 2021-12-29\n",
            "content/c.yaml": "title: C\npublished: yesterday\n",
            "content/d.yaml": "title: D\npublished: !!python/object/apply:os.getcwd []\n",
            "content/e.yaml": MINIMAL,
            "seeds/c.txt": "c",
            "seeds/e.txt": "e",
        }
    )
    briefings, problems = _load(root)
    assert [b.slug for b in briefings] == ["e"]
    assert [f"{p.path}:{p.line}:{p.column}" for p in problems] == [
        "content/a.yaml:2:1",
        "content/b.yaml:2:1",
        "content/c.yaml:2:12",
        "content/d.yaml:2:12",
    ]


def test_drafts_are_left_out_unless_asked_for(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/a.yaml": MINIMAL + "draft: true\n",
            "content/b.yaml": MINIMAL,
            "seeds/a.txt": "a",
            "seeds/b.txt": "b",
        }
    )
    assert [b.slug for b in _load(root)[0]] == ["b"]
    assert [b.slug for b in _load(root, drafts=True)[0]] == ["a", "b"]


def test_a_left_out_draft_warns_instead_of_failing_the_build(make_site: MakeSite) -> None:
    root = make_site({"content/a.yaml": "title: A\npublished: soon\ndraft: yes\n"})
    _, problems = _load(root)
    assert {p.severity for p in problems} == {"warning"}
    _, problems = _load(root, drafts=True)
    assert {p.severity for p in problems} == {"error"}
    assert len(problems) == 2


def test_only_yaml_files_in_content_are_read_in_name_order(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/b.yml": MINIMAL,
            "content/a.yaml": MINIMAL,
            "content/.#a.yaml": "not: [yaml",
            "content/notes.txt": "ignored",
            "seeds/a.txt": "a",
            "seeds/b.txt": "b",
        }
    )
    briefings, problems = _load(root)
    assert ([b.slug for b in briefings], problems) == (["a", "b"], [])


def test_a_site_without_content_folder_warns_and_has_no_briefings(make_site: MakeSite) -> None:
    briefings, problems = _load(make_site({}))
    assert briefings == []
    assert [(str(p), p.severity) for p in problems] == [
        (
            "content/: no content/ folder: the site has no briefings "
            "(create content/ with one YAML file per briefing)",
            "warning",
        )
    ]


def test_an_empty_required_field_is_named(make_site: MakeSite) -> None:
    text = 'title: ""\npublished:\nactors:\n  - {name: NATO, kind: " "}\n'
    assert _messages(make_site, {"content/x.yaml": text, "seeds/x.txt": "a"}) == [
        "content/x.yaml:1:8: title: is empty (write it like `title: What happened`)",
        "content/x.yaml:2:11: published: is empty (write it like `published: 2021-12-29`)",
        "content/x.yaml:4:24: actors[1].kind: is empty (write it like `kind: person`)",
    ]


# --- LoadMemo: a rebuild reads only what changed -------------------------------------------


def _memo_site(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Callable[[], list[Briefing]], list[Path]]:
    """A two-briefing site, a function loading it through one memo, and the files each load
    actually parsed."""
    root = make_site(
        {
            "briefgen.yaml": "title: Site\n",
            "content/a.yaml": MINIMAL,
            "content/b.yaml": MINIMAL,
            "seeds/a.txt": ARTICLE,
            "seeds/b.txt": ARTICLE,
        }
    )
    config, _ = load_config(root / "briefgen.yaml")
    memo, parsed = LoadMemo(), []
    real = load_module._load_file

    def counting(path: Path, config: SiteConfig) -> object:
        parsed.append(path)
        return real(path, config)

    def load() -> list[Briefing]:
        briefings, problems = load_briefings(config, memo=memo)
        assert problems == []
        return briefings

    monkeypatch.setattr(load_module, "_load_file", counting)
    return root, load, parsed


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Make the loader's clock run `seconds` ahead: files written now look long settled."""
    real = time.time_ns
    monkeypatch.setattr(time, "time_ns", lambda: real() + int(seconds * 1e9))


def test_settled_unchanged_files_are_not_read_again(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, load, parsed = _memo_site(make_site, monkeypatch)
    _later(monkeypatch, 60)
    first = load()
    parsed.clear()
    again = load()
    assert parsed == []
    assert [a is b for a, b in zip(first, again, strict=True)] == [True, True]


def test_an_edit_in_the_same_clock_tick_is_not_missed(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, load, _ = _memo_site(make_site, monkeypatch)
    load()
    article = root / "seeds/a.txt"
    times = article.stat()
    article.write_text(ARTICLE.replace("Joe", "Jim"))  # same size
    os.utime(article, ns=(times.st_atime_ns, times.st_mtime_ns))  # same modification time
    assert load()[0].article_text.startswith("Jim Biden")


def test_a_recent_file_read_again_unchanged_keeps_its_objects(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, load, parsed = _memo_site(make_site, monkeypatch)
    first = load()
    parsed.clear()
    again = load()
    assert len(parsed) == 2  # just written: their times cannot vouch for them yet
    assert [a is b for a, b in zip(first, again, strict=True)] == [True, True]


def test_an_edited_settled_file_is_read_again(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, load, parsed = _memo_site(make_site, monkeypatch)
    _later(monkeypatch, 60)
    load()
    parsed.clear()
    (root / "content/b.yaml").write_text(MINIMAL.replace("Talks", "Peace talks"))
    briefings = load()
    assert parsed == [root / "content/b.yaml"]
    assert [b.title for b in briefings] == ["Talks", "Peace talks"]
