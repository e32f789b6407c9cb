"""Reading `briefgen.yaml`: defaults, checks with positions, and a safe output folder."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from briefgen.config import find_config, load_config
from briefgen.errors import ConfigError
from briefgen.model import SiteConfig

MakeSite = Callable[[Mapping[str, str | bytes]], Path]


def _config(make_site: MakeSite, text: str) -> tuple[SiteConfig, list[str]]:
    root = make_site({"briefgen.yaml": text})
    config, warnings = load_config(root / "briefgen.yaml")
    return config, [str(warning) for warning in warnings]


def _errors(make_site: MakeSite, text: str) -> list[str]:
    root = make_site({"briefgen.yaml": text})
    with pytest.raises(ConfigError) as raised:
        load_config(root / "briefgen.yaml")
    return [str(problem) for problem in raised.value.problems]


def test_a_title_alone_gives_the_defaults(make_site: MakeSite) -> None:
    config, warnings = _config(make_site, "title: Briefings\n")
    root = config.root
    assert warnings == []
    assert config == SiteConfig(
        root=root,
        title="Briefings",
        language="en",
        base_url="",
        theme="default",
        output=root / "_site",
        config_path=root / "briefgen.yaml",
    )


def test_every_key_is_read(make_site: MakeSite) -> None:
    config, _ = _config(
        make_site,
        "title: Briefings\nlanguage: fr\nbase_url: https://user.github.io/repo\ntheme: sober\n"
        "output: public\ndescription: Daily notes\nauthor: A. Analyst\n"
        "cname: Briefings.Example.org\n",
    )
    assert (config.language, config.theme, config.description, config.author) == (
        "fr",
        "sober",
        "Daily notes",
        "A. Analyst",
    )
    assert config.base_url == "https://user.github.io/repo/"
    assert config.output == config.root / "public"
    assert config.cname == "briefings.example.org"


def test_a_missing_title_is_an_error(make_site: MakeSite) -> None:
    assert _errors(make_site, "language: fr\n") == [
        "briefgen.yaml:1:1: missing required key `title` (add `title: My briefings`)"
    ]


def test_unknown_keys_warn_with_the_nearest_valid_key(make_site: MakeSite) -> None:
    _, warnings = _config(make_site, "title: Briefings\nlangauge: fr\n")
    assert warnings == ["briefgen.yaml:2:1: unknown key `langauge` (did you mean `language`?)"]


@pytest.mark.parametrize("url", ["ftp://example.org/", "javascript:alert(1)", "example.org"])
def test_base_url_must_be_http_or_https(make_site: MakeSite, url: str) -> None:
    assert _errors(make_site, f"title: Briefings\nbase_url: {url}\n") == [
        "briefgen.yaml:2:11: base_url: expected a web address like https://example.org/, "
        f'got "{url}" (only http:// and https:// addresses are allowed)'
    ]


def test_base_url_cannot_carry_a_query(make_site: MakeSite) -> None:
    (error,) = _errors(make_site, "title: Briefings\nbase_url: https://example.org/?a=1\n")
    assert error.startswith("briefgen.yaml:2:11: base_url: a site's address cannot have a query")


def test_language_theme_and_cname_are_checked(make_site: MakeSite) -> None:
    errors = _errors(
        make_site, "title: B\nlanguage: French!\ntheme: ../../etc\ncname: https://x.org/\n"
    )
    assert errors == [
        'briefgen.yaml:2:11: language: expected a language code, got "French!" '
        "(a language code like `en`, `fr` or `pt-BR`)",
        'briefgen.yaml:3:8: theme: expected a theme name, got "../../etc" '
        "(a folder name under themes/, like `default`)",
        'briefgen.yaml:4:8: cname: expected a domain name, got "https://x.org/" '
        "(write only the domain, like `briefings.example.org`)",
    ]


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        (".", "is the project folder"),
        ("..", "contains the project folder"),
        ("content", "is the content/ folder"),
        ("seeds/", "is the seeds/ folder"),
        ("themes/default/out", "is inside the themes/ folder"),
        ("briefgen.yaml", "is a file, not a folder"),
    ],
)
def test_an_output_folder_over_the_sources_is_refused(
    make_site: MakeSite, output: str, reason: str
) -> None:
    assert _errors(make_site, f"title: B\noutput: {output}\n") == [
        f'briefgen.yaml:2:9: output: "{output}" {reason} '
        "(a build replaces its whole output folder; use a folder of its own, like `_site`)"
    ]


def test_a_symlink_cannot_hide_the_sources_from_the_output_check(make_site: MakeSite) -> None:
    root = make_site({"seeds/a.txt": "text"})
    (root / "out").symlink_to(root / "seeds")
    (root / "briefgen.yaml").write_text("title: B\noutput: out\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is the seeds/ folder"):
        load_config(root / "briefgen.yaml")


def test_an_output_given_on_the_command_line_is_checked_too(make_site: MakeSite) -> None:
    root = make_site({})
    config, _ = load_config(root / "briefgen.yaml", output=root / "public")
    assert config.output == root / "public"
    with pytest.raises(ConfigError) as raised:
        load_config(root / "briefgen.yaml", output=root / "content")
    assert [str(p) for p in raised.value.problems] == [
        f"{root / 'content'}: the output folder is the content/ folder "
        "(a build replaces its whole output folder; use a folder of its own, like `_site`)"
    ]


def test_warnings_travel_with_the_errors(make_site: MakeSite) -> None:
    assert _errors(make_site, "titel: B\n") == [
        "briefgen.yaml:1:1: unknown key `titel` (did you mean `title`?)",
        "briefgen.yaml:1:1: missing required key `title` (add `title: My briefings`)",
    ]


def test_a_broken_config_file_raises_with_its_position(make_site: MakeSite) -> None:
    assert _errors(make_site, "title: B\n\tlanguage: fr\n") == [
        "briefgen.yaml:2:1: tabs are not allowed for indentation (use spaces)"
    ]


def test_find_config_looks_in_the_folder_and_above(make_site: MakeSite) -> None:
    root = make_site({"content/a.yaml": "title: A\n"})
    assert find_config(root / "content") == root / "briefgen.yaml"
    assert find_config(root) == root / "briefgen.yaml"


def test_find_config_says_what_to_do_when_there_is_none(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        find_config(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path}: no briefgen.yaml in this folder or any folder above it "
        "(run briefgen in your site's folder, or give the path of its briefgen.yaml)"
    )
