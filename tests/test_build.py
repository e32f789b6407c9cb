"""`briefgen build` end to end, through the command line a user types.

Every bad input ends in one-line `path:line:col: message` errors, exit status 1, no traceback,
and the previous site left byte-for-byte as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from trees import file_tree

from briefgen.cli import main

MakeSite = Callable[[Mapping[str, str | bytes]], Path]

GOOD = {
    "content/talks.yaml": (
        "title: Talks in Geneva\n"
        "published: 2022-01-10\n"
        "lang: en\n"
        "tags: [Russia, diplomacy]\n"
        "summary: US and Russian officials meet.\n"
    ),
    "seeds/talks.txt": (
        "US and Russian officials met in Geneva on Monday, a State Department spokesperson "
        "said.\n\n"
        "The talks will continue on January 12 with NATO.\n"
    ),
}
LOCATED_ERROR = re.compile(r"^[\w./-]+:\d+:\d+: \S")



def _build(root: Path, *args: str) -> int:
    return main(["build", "--config", str(root / "briefgen.yaml"), *args])


@pytest.fixture
def built(make_site: MakeSite) -> Path:
    root = make_site(GOOD)
    assert _build(root) == 0
    return root


def test_a_build_writes_the_index_and_one_page_per_briefing(built: Path) -> None:
    site = built / "_site"
    assert "Talks in Geneva" in (site / "index.html").read_text()
    page = (site / "briefings" / "talks" / "index.html").read_text()
    assert "Talks in Geneva" in page and "Geneva" in page


def test_the_build_ends_with_a_one_line_summary(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site(GOOD)
    assert _build(root) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert re.match(
        r"Built 1 briefing: \d+ pages \(\d+ files\) in _site/, \d+ warnings?, [\d.]+ s", out[0]
    )


def test_building_twice_gives_identical_bytes(built: Path) -> None:
    first = file_tree(built / "_site")
    assert _build(built) == 0
    assert file_tree(built / "_site") == first


BROKEN = {
    "yaml syntax": (
        "content/talks.yaml",
        "title: [unclosed\npublished: 2022-01-10\n",
        "content/talks.yaml:",
    ),
    "tab indentation": (
        "content/talks.yaml",
        "title: T\npublished: 2022-01-10\ntags:\n\t- a\n",
        "content/talks.yaml:4:",
    ),
    "published is not a date": (
        "content/talks.yaml",
        "title: T\npublished: yesterday\n",
        "content/talks.yaml:2:12: published",
    ),
    "impossible date": (
        "content/talks.yaml",
        "title: T\npublished: 2024-13-45\n",
        "content/talks.yaml:2:12: published",
    ),
    "tags as a string": (
        "content/talks.yaml",
        'title: T\npublished: 2022-01-10\ntags: "a, b"\n',
        "content/talks.yaml:3:7: tags",
    ),
    "python tag": (
        "content/talks.yaml",
        "title: !!python/object/apply:os.system ['touch pwned']\npublished: 2022-01-10\n",
        "content/talks.yaml:1:8:",
    ),
    "duplicate key": (
        "content/talks.yaml",
        "title: A\ntitle: B\npublished: 2022-01-10\n",
        "content/talks.yaml:2:1:",
    ),
    "missing title": ("content/talks.yaml", "published: 2022-01-10\n", "content/talks.yaml:1:1:"),
    "invalid utf-8 in the article": (
        "seeds/talks.txt",
        b"Line one.\nCaf\x96 two.\n",
        "seeds/talks.txt:2:4:",
    ),
    "escaping slug": (
        "content/talks.yaml",
        "slug: ../../x\ntitle: T\npublished: 2022-01-10\n",
        "content/talks.yaml:1:7: slug",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_bad_input_is_one_located_line_and_the_previous_site_stays(
    built: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name, content, expected_start = BROKEN[case]
    before = file_tree(built / "_site")
    capsys.readouterr()
    path = built / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert _build(built) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if "warning:" not in line]
    assert errors and all(LOCATED_ERROR.match(line) for line in errors), err
    assert any(line.startswith(expected_start) for line in errors), err
    assert file_tree(built / "_site") == before
    assert not (built / "pwned").exists()


def test_every_bad_file_is_reported_in_one_build(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site(
        {
            **GOOD,
            "content/a.yaml": "title: A\npublished: yesterday\n",
            "content/b.yaml": "title: B\npublished: 2022-01-10\nurl: javascript:alert(1)\n",
            "content/c.yaml": "title: [\n",
        }
    )
    assert _build(root) == 1
    err = capsys.readouterr().err
    for name in ("content/a.yaml:2:", "content/b.yaml:3:", "content/c.yaml:"):
        assert name in err
    assert not (root / "_site").exists()


def test_two_briefings_with_the_same_page_name_both_named(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site(
        {
            **GOOD,
            "content/Talks.yaml": "title: O\npublished: 2022-01-11\narticle: seeds/talks.txt\n",
        }
    )
    assert _build(root) == 1
    err = capsys.readouterr().err
    assert "content/talks.yaml" in err and "content/Talks.yaml" in err


def test_drafts_are_built_only_on_request(make_site: MakeSite) -> None:
    root = make_site(
        {
            **GOOD,
            "content/draft.yaml": "title: Not yet\npublished: 2022-01-11\n"
            "draft: true\narticle: seeds/talks.txt\n",
        }
    )
    assert _build(root) == 0
    assert not (root / "_site" / "briefings" / "draft").exists()
    assert _build(root, "--drafts") == 0
    assert (root / "_site" / "briefings" / "draft" / "index.html").is_file()


def test_bom_and_crlf_build_exactly_like_plain_utf8(make_site: MakeSite, tmp_path: Path) -> None:
    plain = make_site(GOOD)
    assert _build(plain) == 0
    other = tmp_path / "other"
    for name, text in GOOD.items():
        path = other / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    (other / "briefgen.yaml").write_bytes((plain / "briefgen.yaml").read_bytes())
    assert _build(other) == 0
    assert file_tree(other / "_site") == file_tree(plain / "_site")


@pytest.mark.parametrize("output", [".", "content", "seeds", ".."])
def test_an_output_folder_that_holds_the_sources_is_refused(
    built: Path, output: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = file_tree(built / "content") | file_tree(built / "seeds")
    assert _build(built, "--output", str(built / output)) == 1
    assert "output" in capsys.readouterr().err
    assert file_tree(built / "content") | file_tree(built / "seeds") == sources


def test_a_hostile_markdown_article_renders_harmlessly_with_a_warning(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site(
        {
            "content/x.yaml": "title: X\npublished: 2022-01-10\n",
            "seeds/x.md": "Hello <script>alert(1)</script> *world* [a](javascript:alert(1))\n",
        }
    )
    assert _build(root) == 0
    page = (root / "_site" / "briefings" / "x" / "index.html").read_text()
    assert "<script>alert" not in page and "javascript:" not in page
    assert "<em>world</em>" in page
    assert "seeds/x.md" in capsys.readouterr().err


def test_template_syntax_in_articles_and_yaml_stays_literal(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/x.yaml": "title: '{{ 7*7 }} and {% raw %}'\npublished: 2022-01-10\n",
            "seeds/x.txt": "Text with {{ 7*7 }} inside.\n",
        }
    )
    assert _build(root) == 0
    page = (root / "_site" / "briefings" / "x" / "index.html").read_text()
    assert "{{ 7*7 }}" in page and "49" not in page
