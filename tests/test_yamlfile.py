"""Reading YAML safely, with the line and column of every key and value.

Every test runs twice: with libyaml's parser (PyYAML's own taking over where libyaml is unsure or
finds a problem) and with PyYAML's own parser alone; both must give the same values, positions
and problems.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import pytest

from briefgen import yamlfile
from briefgen.errors import Problem
from briefgen.yamlfile import (
    MAX_ALIAS_VALUES,
    Fields,
    Position,
    YamlDocument,
    decode_text,
    parse_timestamp,
    parse_yaml,
    read_yaml,
)


@pytest.fixture(autouse=True, params=["libyaml", "pure-python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which parser reads the YAML in this run of the test."""
    if request.param == "libyaml" and yamlfile._LIBYAML is None:
        pytest.skip("PyYAML was built without libyaml")
    if request.param == "pure-python":
        monkeypatch.setattr(yamlfile, "_LIBYAML", None)
    return str(request.param)


def _document(text: str) -> YamlDocument:
    document, problems = parse_yaml(text, "x.yaml")
    assert problems == []
    assert document is not None
    return document


def _problems(text: str) -> list[str]:
    document, problems = parse_yaml(text, "x.yaml")
    assert document is None
    return [str(problem) for problem in problems]


def test_values_come_back_as_plain_python_with_their_positions() -> None:
    document = _document(
        "title: Talks\n"
        "actors:\n"
        "  - name: NATO\n"
        "    kind: organization\n"
        "  - name: Joe Biden\n"
        "    kind:   person\n"
    )
    assert document.value == {
        "title": "Talks",
        "actors": [
            {"name": "NATO", "kind": "organization"},
            {"name": "Joe Biden", "kind": "person"},
        ],
    }
    assert document.position(("actors", 1, "kind")) == Position(6, 13)
    assert document.position(("actors", 1, "kind"), key=True) == Position(6, 5)
    assert document.position(("title",)) == Position(1, 8)


def test_flow_collections_block_scalars_and_wide_characters_keep_exact_positions() -> None:
    document = _document(
        "title: Étude 😀 sur l'été\n"
        "tags: [health, 'W H O', \"a\\tb\"]\n"
        "who: {name: NATO, kind: organization}\n"
        "summary: >\n"
        "  one\n"
        "  two\n"
        "\n"
        "  three\n"
        "note: |-\n"
        "  kept # not a comment\n"
        "plain: multi\n"
        "  line  # a comment\n"
    )
    assert document.value == {
        "title": "Étude 😀 sur l'été",
        "tags": ["health", "W H O", "a\tb"],
        "who": {"name": "NATO", "kind": "organization"},
        "summary": "one two\nthree\n",
        "note": "kept # not a comment",
        "plain": "multi line",
    }
    assert document.position(("title",)) == Position(1, 8)
    assert document.position(("tags", 2)) == Position(2, 25)
    assert document.position(("who", "kind")) == Position(3, 25)
    assert document.position(("who", "kind"), key=True) == Position(3, 19)
    assert document.position(("summary",)) == Position(4, 10)
    assert document.position(("plain",), key=True) == Position(11, 1)


@pytest.mark.parametrize(
    ("text", "value", "positions"),
    [
        ("a: {b: }\nc: [d, ]\n", {"a": {"b": None}, "c": ["d"]}, {("a", "b"): Position(1, 7)}),
        ("a: !\nb: ! 12\n", {"a": None, "b": 12}, {("b",): Position(2, 4)}),
        ("n: !!int '7'\n", {"n": 7}, {("n",): Position(1, 4)}),
        ("a:\n  ?", {"a": {"": None}}, {("a", ""): Position(2, 4)}),
    ],
)
def test_what_libyaml_reads_otherwise_reads_as_pyyaml_reads_it(
    text: str, value: object, positions: dict[tuple[str | int, ...], Position]
) -> None:
    document = _document(text)
    assert document.value == value
    assert {path: document.position(path) for path in positions} == positions


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "tags: [why?, so]\n",
            "x.yaml:1:11: invalid YAML: while parsing a flow sequence (line 1), "
            "expected ',' or ']', but got '?'",
        ),
        ("tags: [a,\tb]\n", "x.yaml:1:10: a tab is not allowed here (use spaces)"),
        (
            "a: x\n\ufeff\nb: y\n",
            "x.yaml:3:1: invalid YAML: while scanning a simple key (line 2), "
            "could not find expected ':' (each line of a mapping needs `key: value`)",
        ),
        (
            "summary: |#note\n  y\n",
            "x.yaml:1:11: invalid YAML: while scanning a block scalar (line 1), "
            "expected chomping or indentation indicators, but found '#'",
        ),
        (
            "title: \ud800\n",
            "x.yaml:1:8: the control character U+D800 is not allowed in YAML (remove it)",
        ),
    ],
)
def test_what_libyaml_accepts_otherwise_is_refused_as_pyyaml_refuses_it(
    text: str, problem: str
) -> None:
    assert _problems(text) == [problem]


def test_libyaml_reads_sound_files_alone_and_leaves_problems_to_pyyaml(
    parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_by_pyyaml: list[str] = []

    class RecordingLoader(yamlfile._Loader):
        def __init__(self, text: str) -> None:
            read_by_pyyaml.append(text)
            super().__init__(text)

    monkeypatch.setattr(yamlfile, "_Loader", RecordingLoader)
    sound = "title: Talks\ntags: [a, b]\nactors:\n  - name: NATO\nsummary: |\n  Text.\n"
    broken = "title: Talks\nsummary: one: two\n"
    _document(sound)
    _problems(broken)
    assert read_by_pyyaml == ([broken] if parser == "libyaml" else [sound, broken])


def test_position_of_a_missing_value_is_where_its_parent_is() -> None:
    document = _document("title: Talks\nactors:\n  - name: NATO\n")
    assert document.position(("actors", 0, "kind")) == Position(3, 5)


def test_problem_at_a_path_reads_path_line_column_message() -> None:
    document = _document("title: Talks\npublished: yesterday\n")
    problem = document.problem(("published",), "published: expected a date")
    assert str(problem) == "x.yaml:2:12: published: expected a date"


def test_keys_are_names_as_written_so_on_and_years_stay_text() -> None:
    document = _document("on: yes\n2014: annexation\n")
    assert document.value == {"on": True, "2014": "annexation"}


def test_scalar_text_is_kept_as_written() -> None:
    document = _document("version: 1.10\n")
    assert document.value == {"version": 1.1}
    assert document.scalar_text(("version",)) == "1.10"


def test_timestamps_become_dates_and_zoned_datetimes() -> None:
    document = _document("day: 2021-12-29\nmoment: 2021-12-29 15:30:00-05:00\n")
    assert document.value == {
        "day": datetime.date(2021, 12, 29),
        "moment": datetime.datetime(
            2021, 12, 29, 15, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
        ),
    }


def test_an_impossible_date_stays_text_for_validators_to_report() -> None:
    assert _document("published: 2024-13-45\n").value == {"published": "2024-13-45"}


def test_parse_timestamp_accepts_iso_forms_and_says_what_is_wrong() -> None:
    utc = datetime.UTC
    assert parse_timestamp("2021-12-29T15:30Z") == datetime.datetime(
        2021, 12, 29, 15, 30, tzinfo=utc
    )
    assert parse_timestamp("2021-12-29") == datetime.date(2021, 12, 29)
    with pytest.raises(ValueError, match=r"month must be in 1\.\.12"):
        parse_timestamp("2024-13-45")
    with pytest.raises(ValueError, match="day is out of range"):
        parse_timestamp("2023-02-29")


def test_syntax_errors_name_line_and_column() -> None:
    assert _problems("title: Talks\nsummary: one: two\n") == [
        "x.yaml:2:13: invalid YAML: mapping values are not allowed here "
        "(put a value that contains `: ` in quotes)"
    ]


def test_an_unclosed_quote_names_where_it_started() -> None:
    assert _problems("title: 'Talks\nsummary: x\n") == [
        "x.yaml:3:1: invalid YAML: while scanning a quoted scalar (line 1), "
        "found unexpected end of stream (a quote or bracket is not closed)"
    ]


def test_tab_indentation_gets_a_message_of_its_own() -> None:
    assert _problems("actors:\n\t- name: NATO\n") == [
        "x.yaml:2:1: tabs are not allowed for indentation (use spaces)"
    ]
    assert _problems("actors:\n  \t- name: NATO\n") == [
        "x.yaml:2:3: tabs are not allowed for indentation (use spaces)"
    ]


def test_duplicate_keys_name_both_lines() -> None:
    assert _problems("title: One\nlang: fr\ntitle: Two\n") == [
        "x.yaml:3:1: duplicate key `title`: it is already set on line 1 (remove one of them)"
    ]


def test_python_tags_are_refused_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (
        f"title: !!python/object/apply:os.system ['touch {marker}']\n"
        f"summary: !!python/object/apply:pathlib.Path.touch [{marker}]\n"
    )
    assert _problems(text) == [
        "x.yaml:1:8: the YAML tag `!!python/object/apply:os.system` is not allowed "
        "(briefgen reads plain data only; remove the tag)",
        "x.yaml:2:10: the YAML tag `!!python/object/apply:pathlib.Path.touch` is not allowed "
        "(briefgen reads plain data only; remove the tag)",
    ]
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/name:os.system x\n", "!!python/name:os.system"),
        ("!!python/name:os.system : x\n", "!!python/name:os.system"),
        ("a: !!set {x}\n", "!!set"),
        ("a: !custom 1\n", "!custom"),
    ],
)
def test_every_non_standard_tag_is_refused(text: str, tag: str) -> None:
    (problem,) = _problems(text)
    assert f"the YAML tag `{tag}` is not allowed" in problem


def test_an_alias_bomb_is_refused_at_its_first_expanding_alias() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    problems = _problems("\n".join(lines) + "\n")
    assert problems == [
        f"x.yaml:5:8: aliases expand to more than {MAX_ALIAS_VALUES} values "
        "(is this an alias bomb? write the values out)"
    ]


def test_a_few_aliases_are_fine() -> None:
    document = _document("base: &who {name: NATO, kind: organization}\nagain: *who\n")
    assert document.get(("again", "name")) == "NATO"
    assert document.position(("again",)) == Position(2, 8)


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    assert _problems("a: &loop [1, *loop]\n") == [
        "x.yaml:1:14: this alias refers to the list or mapping that contains it "
        "(an alias must not contain itself)"
    ]


def test_deep_flow_nesting_is_refused_without_recursion_error() -> None:
    limit = sys.getrecursionlimit()
    problems = _problems("a: " + "[" * 200_000 + "]" * 200_000 + "\n")
    assert problems == [
        "x.yaml:1:103: nesting deeper than 100 levels (briefgen files need only a few levels)"
    ]
    assert sys.getrecursionlimit() == limit


def test_deep_block_nesting_is_refused() -> None:
    text = "".join("  " * depth + "k:\n" for depth in range(2000))
    assert _problems(text) == [
        "x.yaml:100:199: nesting deeper than 100 levels (briefgen files need only a few levels)"
    ]


def test_aliases_cannot_nest_deeper_than_the_limit() -> None:
    text = "a: &a " + "[" * 60 + "]" * 60 + "\nb: " + "[" * 60 + "*a" + "]" * 60 + "\n"
    (problem,) = _problems(text)
    assert problem.startswith("x.yaml:2:64: nesting deeper than 100 levels")


def test_the_top_level_must_be_a_mapping() -> None:
    assert _problems("- title: One\n- title: Two\n") == [
        "x.yaml:1:1: the top level must be a mapping of keys to values, not a list "
        "(write one `key: value` per line, like `title: ...`)"
    ]


def test_any_top_level_is_accepted_when_no_mapping_is_required() -> None:
    document, problems = parse_yaml("- a\n- b\n", "x.yaml", mapping=False)
    assert problems == []
    assert document is not None and document.value == ["a", "b"]


def test_an_empty_file_is_an_empty_mapping() -> None:
    assert _document("# nothing yet\n").value == {}


def test_two_documents_in_one_file_are_refused() -> None:
    (problem,) = _problems("title: One\n---\ntitle: Two\n")
    assert problem.startswith("x.yaml:2:1: invalid YAML: expected a single document")


def test_control_characters_are_refused_with_their_position() -> None:
    assert _problems("title: ok\nsummary: bell \x07\n") == [
        "x.yaml:2:15: the control character U+0007 is not allowed in YAML (remove it)"
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbftitle: Talks\r\nlang: fr\r\n\r\nsummary: |\r\n  one\r\n  two\r\n",
        b"title: Talks\rlang: fr\r\rsummary: |\r  one\r  two\r",
        b"\xef\xbb\xbftitle: Talks\rlang: fr\r\n\nsummary: |\n  one\r\n  two\n",
    ],
)
def test_bom_crlf_and_cr_read_exactly_like_plain_lf(tmp_path: Path, data: bytes) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_bytes(b"title: Talks\nlang: fr\n\nsummary: |\n  one\n  two\n")
    variant = tmp_path / "variant.yaml"
    variant.write_bytes(data)
    expected, _ = read_yaml(plain, "x.yaml")
    document, problems = read_yaml(variant, "x.yaml")
    assert problems == []
    assert document == expected
    assert document is not None and document.get(("summary",)) == "one\ntwo\n"


def test_invalid_utf8_is_named_by_byte_line_and_column() -> None:
    text, problems = decode_text(b"line one\r\nline two\n\xe9t\xe9 \x96 here\n", "seeds/x.txt")
    assert text is None
    assert [str(problem) for problem in problems] == [
        "seeds/x.txt:3:1: invalid UTF-8: byte 0xe9 at line 3 (save the file as UTF-8)"
    ]
    _, problems = decode_text("été ".encode() + b"\x96\n", "seeds/x.txt")
    assert [str(problem) for problem in problems] == [
        "seeds/x.txt:1:5: invalid UTF-8: byte 0x96 at line 1 (save the file as UTF-8)"
    ]


def test_nul_bytes_are_refused_with_their_position() -> None:
    text, problems = decode_text(b"title: x\nsum\x00mary: y\n", "x.yaml")
    assert text is None
    assert [str(problem) for problem in problems] == [
        "x.yaml:2:4: NUL byte at line 2: this looks like a binary file, not text "
        "(save it as UTF-8 text)"
    ]


def test_a_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    document, problems = read_yaml(tmp_path / "nope.yaml", "content/nope.yaml")
    assert document is None
    assert problems == [Problem("content/nope.yaml", "file not found")]


def _fields(text: str) -> tuple[Fields, list[Problem]]:
    problems: list[Problem] = []
    return Fields(_document(text), (), problems), problems


def test_fields_take_numbers_and_dates_as_written_text() -> None:
    fields, problems = _fields("title: 1984\nversion: 1.10\nrole: yes\n")
    assert [fields.text(key) for key in ("title", "version", "role")] == ["1984", "1.10", "yes"]
    assert problems == []


def test_fields_refuse_control_characters_from_escapes() -> None:
    fields, problems = _fields('title: "a\\0b"\n')
    assert fields.text("title") == ""
    assert [str(p) for p in problems] == [
        "x.yaml:1:8: title: contains the control character U+0000 (remove it)"
    ]


def test_fields_suggest_the_nearest_known_key() -> None:
    fields, problems = _fields("titel: Talks\nzzz: 1\n")
    fields.check_keys(["title", "published"])
    assert [str(p) for p in problems] == [
        "x.yaml:1:1: unknown key `titel` (did you mean `title`?)",
        "x.yaml:2:1: unknown key `zzz` (known keys: title, published)",
    ]
    assert {p.severity for p in problems} == {"warning"}


def test_fields_number_list_items_from_one() -> None:
    fields, problems = _fields("tags:\n  - one\n  - [two]\n")
    assert fields.text_list("tags") == ("one",)
    assert [str(p) for p in problems] == ["x.yaml:3:5: tags[2]: expected text, got a list"]
