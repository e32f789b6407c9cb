"""Safe YAML (and text) reading that remembers where every key and value came from.

Users write `briefgen.yaml` and `content/*.yaml` by hand, so every mistake must come back as
`path:line:col: message (what to do)`, all at once, never as a traceback. PyYAML's constructors
forget positions and accept things we refuse, so we only let PyYAML *compose* (scan, parse, build
a node graph with marks) and turn the nodes into plain Python values ourselves:

- nothing is ever constructed from a tag: only the standard scalar, list and mapping tags pass;
  `!!python/object/apply:os.system` and friends are refused with their position;
- nesting is limited to `MAX_DEPTH` levels while composing (PyYAML's composer recurses, so a
  100 000-deep `[[[[…` would otherwise end in RecursionError) and again while expanding aliases;
- values reached through aliases are counted, so a "billion laughs" stops after
  `MAX_ALIAS_VALUES` values instead of eating the memory;
- mapping keys are always strings, the key's text as written (`on:` stays "on", `2014:` stays
  "2014"): every key briefgen reads is a name; duplicate keys are errors naming both lines;
- timestamps become `datetime.date`/`datetime.datetime` (with a zone when one is written) only
  when they are real dates; `2024-13-45` stays the string it is, and validators report it.

Where PyYAML was built with libyaml, its C parser feeds the same composer (about six times
faster); PyYAML's own parser stays the reference. libyaml and it disagree on a few inputs (tabs,
a BOM inside the text, a text without a final line break, explicit tags, `?` or empty plain
scalars inside `[...]`/`{...}`, `|#`): such texts, and any text libyaml cannot compose, are read
by PyYAML's own parser, so values, positions and problems never depend on which parser ran.

Text files are decoded by `decode_text` for YAML and articles alike: a UTF-8 BOM is dropped and
CRLF/CR become LF, so such files give the same values and the same line numbers as plain files.
Positions are 1-based lines and columns (columns count characters).

`Fields` reads one mapping key by key for the validators in `config` and `load`: each accessor
returns a clean value (or a default) and records a `Problem` for anything wrong. Field labels
number list items from 1, as a reader counts them: `actors[2].kind` is the second actor's kind.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar, cast
from urllib.parse import urlsplit

import yaml

from briefgen.errors import Problem, Severity

MAX_DEPTH = 100
MAX_ALIAS_VALUES = 10_000

YamlValue = (
    None
    | bool
    | int
    | float
    | str
    | datetime.date
    | datetime.datetime
    | list["YamlValue"]
    | dict[str, "YamlValue"]
)
YamlPath = tuple[str | int, ...]
Choice = TypeVar("Choice", bound=str)

_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT = (
    f"{_TAG}{name}" for name in ("str", "null", "bool", "int", "float")
)
_TIMESTAMP, _VALUE, _MERGE = f"{_TAG}timestamp", f"{_TAG}value", f"{_TAG}merge"
_SEQ, _MAP = f"{_TAG}seq", f"{_TAG}map"
_UTF8_BOM = b"\xef\xbb\xbf"
#: What usually causes PyYAML's commonest complaints, said as what to do.
_SYNTAX_HINTS = {
    "mapping values are not allowed": "put a value that contains `: ` in quotes",
    "found unexpected end of stream": "a quote or bracket is not closed",
    "could not find expected ':'": "each line of a mapping needs `key: value`",
    "but found another document": "one document per file: remove the second `---`",
}

_TIMESTAMP_SHAPE = re.compile(
    r"""(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})
    (?:(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})
       (?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?)?
       (?:[ \t]*(?P<tz>[Zz]|(?P<tz_sign>[-+])(?P<tz_hour>[0-9]{1,2})
          (?::?(?P<tz_minute>[0-9]{2}))?))?
    )?""",
    re.VERBOSE,
)
#: Unicode's control characters (category Cc, a fixed set) other than tab and line feed.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


@dataclass(frozen=True, slots=True)
class Position:
    """A place in a text file: 1-based line and column."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A YAML file's plain value and the position of each of its keys and values.

    Paths address values the way code does: `("actors", 1, "kind")` is the second actor's kind.
    """

    path: Path | str
    value: YamlValue
    value_positions: Mapping[YamlPath, Position]
    key_positions: Mapping[YamlPath, Position]
    scalar_texts: Mapping[YamlPath, str]

    def get(self, path: YamlPath) -> YamlValue:
        """The value at `path`, or None when there is none."""
        value = self.value
        for step in path:
            if isinstance(step, str) and isinstance(value, dict):
                value = value.get(step)
            elif isinstance(step, int) and isinstance(value, list) and step < len(value):
                value = value[step]
            else:
                return None
        return value

    def position(self, path: YamlPath, *, key: bool = False) -> Position:
        """Where the value at `path` (or its key) is written; if absent, where its parent is."""
        for length in range(len(path), -1, -1):
            prefix = path[:length]
            if key and prefix in self.key_positions:
                return self.key_positions[prefix]
            if prefix in self.value_positions:
                return self.value_positions[prefix]
        return Position(1, 1)

    def scalar_text(self, path: YamlPath) -> str | None:
        """The text of the scalar at `path` exactly as written (`1.10`, `yes`), or None."""
        return self.scalar_texts.get(path)

    def problem(
        self,
        path: YamlPath,
        message: str,
        *,
        hint: str = "",
        severity: Severity = "error",
        key: bool = False,
    ) -> Problem:
        """A problem located at the value (or key) at `path`."""
        where = self.position(path, key=key)
        return Problem(self.path, message, where.line, where.column, hint, severity)


def decode_text(data: bytes, shown: Path | str) -> tuple[str | None, list[Problem]]:
    """UTF-8 bytes as text with LF line ends, BOM dropped; NUL or invalid bytes are problems."""
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    nul = data.find(b"\0")
    if nul >= 0:
        where = _byte_position(data, nul)
        message = f"NUL byte at line {where.line}: this looks like a binary file, not text"
        return None, [Problem(shown, message, where.line, where.column, "save it as UTF-8 text")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        where = _byte_position(data, error.start)
        message = f"invalid UTF-8: byte 0x{data[error.start]:02x} at line {where.line}"
        return None, [Problem(shown, message, where.line, where.column, "save the file as UTF-8")]
    return _normalise_line_ends(text), []


def read_text_file(path: Path, shown: Path | str) -> tuple[str | None, list[Problem]]:
    """The text of the file at `path` (see `decode_text`), or the problem that prevents it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(shown, "file not found")]
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return None, [Problem(shown, f"cannot read the file: {reason}")]
    return decode_text(data, shown)


def read_yaml(
    path: Path, shown: Path | str, *, mapping: bool = True
) -> tuple[YamlDocument | None, list[Problem]]:
    """Read and parse a YAML file; see `parse_yaml`."""
    text, problems = read_text_file(path, shown)
    if text is None:
        return None, problems
    return parse_yaml(text, shown, mapping=mapping)


def parse_yaml(
    text: str, shown: Path | str, *, mapping: bool = True
) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML document; None and the problems when it has any.

    With `mapping`, the top level must be a mapping; an empty document reads as `{}`.
    """
    text = _normalise_line_ends(text)
    builder = _Builder(shown)
    try:
        root = _compose(text)
        value = None if root is None else builder.build(root, (), 1, None)
    except yaml.reader.ReaderError as error:
        return None, [_unacceptable_character(error, text, shown)]
    except _Refused as refusal:
        return None, [Problem(shown, refusal.message, refusal.line, refusal.column, refusal.hint)]
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_problem(error, text, shown)]
    if mapping and value is None:
        value = {}
    if mapping and not isinstance(value, dict):
        where = builder.value_positions.get((), Position(1, 1))
        message = f"the top level must be a mapping of keys to values, not {describe(value)}"
        hint = "write one `key: value` per line, like `title: ...`"
        builder.problems.append(Problem(shown, message, where.line, where.column, hint))
    if builder.problems:
        return None, builder.problems
    document = YamlDocument(
        shown, value, builder.value_positions, builder.key_positions, builder.scalar_texts
    )
    return document, []


def parse_timestamp(text: str) -> datetime.date | datetime.datetime:
    """`2021-12-29` as a date, `2021-12-29 15:30:00+01:00` as a datetime (aware when zoned).

    Raises ValueError saying what to fix (`month must be in 1..12`) for anything else. Accepts
    YAML's timestamps and ISO 8601 forms without seconds, so a quoted date reads like a plain one.
    """
    match = _TIMESTAMP_SHAPE.fullmatch(text.strip())
    if match is None:
        raise ValueError("write it as YYYY-MM-DD, with a time if needed: 2021-12-29 15:30:00+01:00")
    parts = match.groupdict()
    day = datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    if parts["hour"] is None:
        return day
    fraction = (parts["fraction"] or "")[:6].ljust(6, "0")
    clock = datetime.time(
        int(parts["hour"]), int(parts["minute"]), int(parts["second"] or 0), int(fraction)
    )
    return datetime.datetime.combine(day, clock, _zone(parts))


def describe(value: object) -> str:
    """How a user would name the kind of `value`: "a list", "a number", "true/false"…"""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


def is_http_url(text: str) -> bool:
    """Whether `text` is an absolute http(s) address with a host and no spaces."""
    parts = urlsplit(text)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and " " not in text


def is_language_code(text: str) -> bool:
    """Whether `text` looks like a language code such as `en`, `fr`, `pt-BR` or `fr_CA`."""
    return _LANGUAGE_CODE.fullmatch(text) is not None


def field_label(path: YamlPath) -> str:
    """A user's name for the value at `path`: `actors[2].kind` (items counted from 1)."""
    label = ""
    for step in path:
        if isinstance(step, int):
            label += f"[{step + 1}]"
        else:
            label += f".{step}" if label else step
    return label


@dataclass(frozen=True, slots=True)
class Fields:
    """One mapping (or list) of a YAML document, read key by key into clean values.

    Every accessor records what is wrong in `problems` and returns a usable default, so one pass
    over a file reports all its mistakes. `at` is the mapping's own path in the document; keys
    are names in a mapping, indexes in a list.
    """

    document: YamlDocument
    at: YamlPath
    problems: list[Problem]

    @property
    def keys(self) -> list[str]:
        value = self.document.get(self.at)
        return list(value) if isinstance(value, dict) else []

    def value(self, key: str | int) -> YamlValue:
        return self.document.get((*self.at, key))

    def has(self, key: str) -> bool:
        """Whether `key` is written with a value (`key:` or `key: ""` counts as absent)."""
        value = self.value(key)
        return value is not None and not (isinstance(value, str) and not value.strip())

    def report(
        self,
        key: str | int | None,
        message: str,
        hint: str = "",
        *,
        severity: Severity = "error",
        at_key: bool = False,
    ) -> None:
        """Record a problem at `key`'s value (or key), or at the mapping itself when key is None."""
        path = self.at if key is None else (*self.at, key)
        label = field_label(path)
        text = f"{label}: {message}" if label else message
        self.problems.append(
            self.document.problem(path, text, hint=hint, severity=severity, key=at_key)
        )

    def got(self, key: str | int) -> str:
        """How the value of `key` is shown after "got": `"yesterday"`, `12`, `a list`."""
        value = self.value(key)
        if isinstance(value, str):
            return f'"{value}"'
        text = self.document.scalar_text((*self.at, key))
        return text if text is not None else describe(value)

    def check_keys(self, known: Sequence[str]) -> None:
        """Warn about each unknown key, suggesting the nearest known one."""
        for key in self.keys:
            if key in known:
                continue
            nearest = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean `{nearest[0]}`?" if nearest else "known keys: " + ", ".join(known)
            label = field_label(self.at)
            message = f"{label}: unknown key `{key}`" if label else f"unknown key `{key}`"
            path = (*self.at, key)
            self.problems.append(
                self.document.problem(path, message, hint=hint, severity="warning", key=True)
            )

    def require(self, key: str, example: str) -> bool:
        """Whether `key` has a value; if not, an error asking for one like `example`."""
        if self.has(key):
            return True
        if key in self.keys:
            self.report(key, "is empty", f"write it like `{key}: {example}`")
        else:
            self.report(None, f"missing required key `{key}`", f"add `{key}: {example}`")
        return False

    def text(self, key: str | int, default: str = "") -> str:
        """The text of `key`; a number, date or yes/no is taken as written (`title: 1984`)."""
        value = self.value(key)
        if value is None:
            return default
        if isinstance(value, list | dict):
            self.report(key, f"expected text, got {describe(value)}")
            return default
        written = self.document.scalar_text((*self.at, key))
        text = (value if isinstance(value, str) else written or str(value)).strip()
        control = _CONTROL_CHARACTER.search(text)
        if control is not None:
            code = ord(control.group())
            self.report(key, f"contains the control character U+{code:04X}", "remove it")
            return default
        return text

    def flag(self, key: str, default: bool) -> bool:
        """The true/false value of `key`."""
        value = self.value(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.report(key, f"expected true or false, got {self.got(key)}")
            return default
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        """A list of texts, without repeats; a single text is an error with a hint to list it."""
        value = self.value(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            example = _list_example(value)
            self.report(key, f"expected a list, got {self.got(key)}", f"write `{key}: {example}`")
            return ()
        items = Fields(self.document, (*self.at, key), self.problems)
        texts = []
        for index, item in enumerate(value):
            if item is None or isinstance(item, list | dict):
                items.report(index, f"expected text, got {describe(item)}")
            else:
                texts.append(items.text(index))
        return tuple(dict.fromkeys(text for text in texts if text))

    def entries(self, key: str) -> list[Fields]:
        """The mappings listed under `key` (e.g. each actor), each read with its own Fields."""
        value = self.value(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.report(key, f"expected a list, got {describe(value)}", "start each item with `- `")
            return []
        found = []
        for index, item in enumerate(value):
            entry = Fields(self.document, (*self.at, key, index), self.problems)
            if isinstance(item, dict):
                found.append(entry)
            else:
                entry.report(None, f"expected a mapping (like `name: ...`), got {describe(item)}")
        return found

    def choice(self, key: str, options: Mapping[str, Choice]) -> Choice | None:
        """One of `options` (matched without regard to case), or None with a suggestion."""
        text = self.text(key).lower()
        if not text:
            return None
        if text in options:
            return options[text]
        nearest = difflib.get_close_matches(text, list(options), n=1)
        hint = f"did you mean `{nearest[0]}`?" if nearest else ""
        self.report(key, f"expected one of {', '.join(options)}, got {self.got(key)}", hint)
        return None

    def http_url(self, key: str) -> str:
        """An absolute http(s) URL, or "" (with an error for anything else)."""
        text = self.text(key)
        if not text:
            return ""
        if not is_http_url(text):
            message = f"expected a web address like https://example.org/, got {self.got(key)}"
            self.report(key, message, "only http:// and https:// addresses are allowed")
            return ""
        return text

    def language(self, key: str, default: str) -> str:
        """A language code such as `en` or `fr`."""
        text = self.text(key)
        if not text:
            return default
        if not is_language_code(text):
            hint = "a language code like `en`, `fr` or `pt-BR`"
            self.report(key, f"expected a language code, got {self.got(key)}", hint)
            return default
        return text


class _Refused(Exception):
    """Stops reading a document that must not be read further (too deep, too many aliases)."""

    def __init__(self, mark: yaml.Mark | None, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.line = mark.line + 1 if mark else 1
        self.column = mark.column + 1 if mark else 1
        self.message = message
        self.hint = hint


class _AliasNode(yaml.Node):
    """An alias (`*name`) kept as itself, so expansions are counted and placed where written."""

    def __init__(self, target: yaml.Node, mark: yaml.Mark) -> None:
        super().__init__(target.tag, target, mark, mark)
        self.target = target


def _too_deep(mark: yaml.Mark | None) -> _Refused:
    hint = "briefgen files need only a few levels"
    return _Refused(mark, f"nesting deeper than {MAX_DEPTH} levels", hint)


class _Unsure(Exception):
    """libyaml met something PyYAML's own parser may read differently; that parser reads it."""


class _Composing(yaml.composer.Composer):
    """PyYAML's composer, limited in depth and keeping aliases visible, over either parser."""

    depth = 0
    check_event: Callable[..., bool]
    peek_event: Callable[[], yaml.Event]

    def _next_mark(self) -> yaml.Mark:
        # libyaml's marks are another class with the same `line`, `column` and `index`.
        return cast(yaml.Mark, self.peek_event().start_mark)

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self._next_mark()
            target = super().compose_node(parent, index)
            return None if target is None else _AliasNode(target, mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _too_deep(self._next_mark())
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(_Composing, yaml.SafeLoader):
    """PyYAML's own scanner and parser: the reference, and the one that words every problem."""


class _Parsing(Protocol):
    """A loader as `_compose` uses it: `_Loader` or, with libyaml, `_LibyamlLoader`."""

    def get_single_node(self) -> yaml.Node | None: ...

    def dispose(self) -> None: ...


#: libyaml's parser under our composer, where PyYAML was built with it; None otherwise.
_LIBYAML: Callable[[str], _Parsing] | None = None
if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _LibyamlLoader(_Composing, CParser, yaml.resolver.Resolver):
        """libyaml's scanner and parser; `_Unsure` where PyYAML's own may read otherwise."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
            if _read_otherwise(self.peek_event(), parent):
                raise _Unsure
            return super().compose_node(parent, index)

    _LIBYAML = _LibyamlLoader

#: Texts libyaml and PyYAML's own parser read differently (tabs, a BOM not at the start, `|#`);
#: surrogates cannot even be handed to libyaml. So is the end of a text without a final line
#: break (an empty value there is placed differently): `_compose` checks that separately.
_LIBYAML_UNSURE = re.compile(r"[\t\ufeff\ud800-\udfff]|[|>][-+0-9]*#")


def _read_otherwise(event: yaml.Event, parent: yaml.Node | None) -> bool:
    """Whether PyYAML's own parser may read the node that starts with libyaml's `event` otherwise.

    Found by comparing both parsers' events on generated texts: an explicit tag can be read
    differently (`a: !` is null to PyYAML's parser, "" to libyaml), and inside `[...]`/`{...}`
    so can a plain scalar containing `?` (PyYAML's parser rejects it) and an empty one (placed
    one column apart).
    """
    if isinstance(event, yaml.CollectionStartEvent | yaml.ScalarEvent) and event.tag is not None:
        return True
    if not isinstance(event, yaml.ScalarEvent) or event.style:
        return False
    in_flow = isinstance(parent, yaml.CollectionNode) and bool(parent.flow_style)
    return in_flow and (not event.value or "?" in event.value)


def _compose(text: str) -> yaml.Node | None:
    """The node graph of `text`: composed from libyaml's events where they are sure to be right.

    Any trouble on the libyaml side (a syntax error, a refusal, `_Unsure`) sends the text to
    PyYAML's own parser, so a problem is found and worded exactly as without libyaml (which is
    also why a refusal raised while composing is not kept: PyYAML's reader checks every
    character first, so a control character further on would be reported instead).
    """
    if _LIBYAML is not None and text.endswith("\n") and _LIBYAML_UNSURE.search(text) is None:
        loader: _Parsing = _LIBYAML(text)
        try:
            return loader.get_single_node()
        except (yaml.YAMLError, _Refused, _Unsure):
            pass
        finally:
            loader.dispose()
    loader = _Loader(text)  # checks every character before anything is parsed
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


class _Builder:
    """Turns composed nodes into plain values, recording positions and problems as it goes."""

    def __init__(self, shown: Path | str) -> None:
        self.shown = shown
        self.value_positions: dict[YamlPath, Position] = {}
        self.key_positions: dict[YamlPath, Position] = {}
        self.scalar_texts: dict[YamlPath, str] = {}
        self.problems: list[Problem] = []
        self.alias_values = 0
        self.open_collections: set[int] = set()

    def build(
        self, node: yaml.Node, path: YamlPath, depth: int, alias: yaml.Mark | None
    ) -> YamlValue:
        """The value of `node` at `path`; `alias` marks the alias being expanded, if any."""
        if isinstance(node, _AliasNode):
            return self._expand(node, path, depth, alias)
        if depth > MAX_DEPTH:
            raise _too_deep(alias)
        if alias is not None:
            self.alias_values += 1
            if self.alias_values > MAX_ALIAS_VALUES:
                message = f"aliases expand to more than {MAX_ALIAS_VALUES} values"
                raise _Refused(alias, message, "is this an alias bomb? write the values out")
        self.value_positions[path] = _position(node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        self.open_collections.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
                return [
                    self.build(item, (*path, index), depth + 1, alias)
                    for index, item in enumerate(node.value)
                ]
            if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
                return self._mapping(node, path, depth, alias)
            self._refuse_tag(node)
            return None
        finally:
            self.open_collections.discard(id(node))

    def _expand(
        self, node: _AliasNode, path: YamlPath, depth: int, alias: yaml.Mark | None
    ) -> YamlValue:
        if id(node.target) in self.open_collections:
            message = "this alias refers to the list or mapping that contains it"
            raise _Refused(node.start_mark, message, "an alias must not contain itself")
        value = self.build(node.target, path, depth, alias or node.start_mark)
        self.value_positions[path] = _position(node.start_mark)
        return value

    def _mapping(
        self, node: yaml.MappingNode, path: YamlPath, depth: int, alias: yaml.Mark | None
    ) -> dict[str, YamlValue]:
        mapping: dict[str, YamlValue] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            if key is None:
                continue
            child = (*path, key)
            where = _position(key_node.start_mark)
            if key in mapping:
                first = self.key_positions[child]
                message = f"duplicate key `{key}`: it is already set on line {first.line}"
                self._problem(where, message, "remove one of them")
                continue
            self.key_positions[child] = where
            mapping[key] = self.build(value_node, child, depth + 1, alias)
        return mapping

    def _key(self, node: yaml.Node) -> str | None:
        target = node.target if isinstance(node, _AliasNode) else node
        where = _position(node.start_mark)
        if not isinstance(target, yaml.ScalarNode):
            self._problem(where, "a key must be a plain name, not a list or mapping")
            return None
        if target.tag == _MERGE:
            self._problem(where, "merge keys (`<<`) are not supported", "write the keys out")
            return None
        if target.tag not in _SCALAR_TAGS:
            self._refuse_tag(target)
            return None
        return str(target.value)

    def _scalar(self, node: yaml.ScalarNode, path: YamlPath) -> YamlValue:
        text: str = node.value
        self.scalar_texts[path] = text
        if node.tag in (_STR, _VALUE):
            return text
        if node.tag == _NULL:
            return None
        if node.tag == _TIMESTAMP:
            try:
                return parse_timestamp(text)
            except ValueError:
                return text
        construct = _SCALAR_CONSTRUCTORS.get(node.tag)
        if construct is None:
            self._refuse_tag(node)
            return None
        try:
            return construct(node)
        except (ValueError, KeyError, IndexError):
            kind = node.tag.removeprefix(_TAG)
            self._problem(_position(node.start_mark), f"`{text}` is not a valid {kind}")
            return None

    def _refuse_tag(self, node: yaml.Node) -> None:
        tag = node.tag.replace(_TAG, "!!", 1) if node.tag.startswith(_TAG) else node.tag
        message = f"the YAML tag `{tag}` is not allowed"
        hint = "briefgen reads plain data only; remove the tag"
        self._problem(_position(node.start_mark), message, hint)

    def _problem(self, where: Position, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.shown, message, where.line, where.column, hint))


_SAFE_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS: dict[str, Callable[[yaml.ScalarNode], YamlValue]] = {
    _BOOL: _SAFE_CONSTRUCTOR.construct_yaml_bool,
    _INT: _SAFE_CONSTRUCTOR.construct_yaml_int,
    _FLOAT: _SAFE_CONSTRUCTOR.construct_yaml_float,
}
_SCALAR_TAGS = frozenset({_STR, _VALUE, _NULL, _TIMESTAMP, *_SCALAR_CONSTRUCTORS})


def _position(mark: yaml.Mark | None) -> Position:
    return Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)


def _zone(parts: dict[str, str | None]) -> datetime.timezone | None:
    if parts["tz"] is None:
        return None
    if parts["tz_sign"] is None:
        return datetime.UTC
    offset = datetime.timedelta(
        hours=int(parts["tz_hour"] or 0), minutes=int(parts["tz_minute"] or 0)
    )
    return datetime.timezone(-offset if parts["tz_sign"] == "-" else offset)


def _normalise_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _byte_position(data: bytes, offset: int) -> Position:
    """The line and column of byte `offset`, counting lines as the decoded text will."""
    before = _normalise_line_ends(data[:offset].decode("utf-8", errors="replace"))
    line_start = before.rfind("\n") + 1
    return Position(before.count("\n") + 1, len(before) - line_start + 1)


def _text_position(text: str, index: int) -> Position:
    line_start = text.rfind("\n", 0, index) + 1
    return Position(text.count("\n", 0, index) + 1, index - line_start + 1)


def _unacceptable_character(
    error: yaml.reader.ReaderError, text: str, shown: Path | str
) -> Problem:
    where = _text_position(text, error.position)
    code = error.character if isinstance(error.character, int) else ord(error.character)
    message = f"the control character U+{code:04X} is not allowed in YAML"
    return Problem(shown, message, where.line, where.column, "remove it")


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, shown: Path | str) -> Problem:
    """A parser error as a Problem; tabs, the commonest cause, get a message of their own."""
    mark = error.problem_mark or error.context_mark
    where = _position(mark)
    tab = _tab_near(text, mark)
    if tab is not None:
        indentation, where = tab
        message = (
            "tabs are not allowed for indentation" if indentation else "a tab is not allowed here"
        )
        return Problem(shown, message, where.line, where.column, "use spaces")
    message = f"invalid YAML: {error.problem or error.context}"
    if error.context and error.problem and error.context_mark:
        message = (
            f"invalid YAML: {error.context} (line {error.context_mark.line + 1}), {error.problem}"
        )
    hint = next((hint for cause, hint in _SYNTAX_HINTS.items() if cause in message), "")
    return Problem(shown, message, where.line, where.column, hint)


def _tab_near(text: str, mark: yaml.Mark | None) -> tuple[bool, Position] | None:
    """Whether a tab caused the error at `mark`: (is it indentation?, where the tab is)."""
    if mark is None:
        return None
    line_start = text.rfind("\n", 0, mark.index) + 1
    line_end = text.find("\n", line_start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    indentation = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indentation:
        return True, Position(mark.line + 1, indentation.index("\t") + 1)
    if mark.index < len(text) and text[mark.index] == "\t":
        return False, Position(mark.line + 1, mark.column + 1)
    return None


def _list_example(value: YamlValue) -> str:
    """`[a, b]` for the text "a, b": what a user who wrote a text meant as a list."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.split(",") if part.strip()]
        return "[" + ", ".join(parts) + "]"
    return "[...]"
