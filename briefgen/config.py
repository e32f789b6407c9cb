"""Read and validate `briefgen.yaml`, the site's settings, into a `SiteConfig`.

The project root is the folder that holds `briefgen.yaml`; every path in the site is relative to
it. `load_config` returns the config with its warnings (unknown keys and the like) and raises
`ConfigError` carrying every problem, warnings included, as soon as there is one error: a build
must not start on a config it cannot trust.

The output folder gets special care: a build replaces it wholesale, so a folder that is, holds or
sits inside the sources (the project root, `content/`, `seeds/`, `themes/`) is refused before
anything is written.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from briefgen.errors import ConfigError, Problem, errors_in
from briefgen.model import SiteConfig
from briefgen.yamlfile import Fields, is_http_url, read_yaml

CONFIG_FILE = "briefgen.yaml"
CONFIG_KEYS = ("title", "language", "base_url", "theme", "output", "description", "author", "cname")

_THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_DOMAIN_NAME = re.compile(r"(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_BASE_URL_HINT = "write it like https://user.github.io/repo/"
_OUTPUT_HINT = "a build replaces its whole output folder; use a folder of its own, like `_site`"


def find_config(start: Path) -> Path:
    """The `briefgen.yaml` in `start` or in the nearest folder above it, as git finds a repo.

    Raises ConfigError when there is none, so `briefgen build` run from `content/` still works
    and run elsewhere says what to do.
    """
    start = start.absolute()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder / CONFIG_FILE, *(parent / CONFIG_FILE for parent in folder.parents)):
        if candidate.is_file():
            return candidate
    message = f"no {CONFIG_FILE} in this folder or any folder above it"
    hint = f"run briefgen in your site's folder, or give the path of its {CONFIG_FILE}"
    raise ConfigError([Problem(folder, message, hint=hint)])


def load_config(
    path: Path, *, output: Path | None = None, base_url: str | None = None
) -> tuple[SiteConfig, list[Problem]]:
    """The site described by the `briefgen.yaml` at `path`, and the warnings about it.

    `output`, when given (e.g. by `--output`), replaces the file's `output` and is checked the
    same way; a relative one is taken from the current folder, as a command-line path is.
    `base_url` (e.g. `--base-url` in a CI workflow) likewise replaces the file's `base_url`.
    Raises ConfigError with every problem (warnings included) if any of them is an error.
    """
    path = path.absolute()
    root = path.parent.resolve()
    document, problems = read_yaml(path, path.name)
    if document is None:
        raise ConfigError(problems)
    fields = Fields(document, (), problems)
    fields.check_keys(CONFIG_KEYS)
    title = fields.text("title") if fields.require("title", "My briefings") else ""
    if output is None:
        output_folder = _configured_output(fields, root)
    else:
        output_folder = output.expanduser().absolute()
        conflict = output_conflict(root, output_folder)
        if conflict:
            problems.append(Problem(output, f"the output folder {conflict}", hint=_OUTPUT_HINT))
    config = SiteConfig(
        root=root,
        title=title,
        language=fields.language("language", "en"),
        base_url=_base_url(fields) if base_url is None else _given_base_url(base_url, problems),
        theme=_theme(fields),
        output=output_folder,
        description=fields.text("description"),
        author=fields.text("author"),
        cname=_cname(fields),
        config_path=path,
    )
    if errors_in(problems):
        raise ConfigError(problems)
    return config, problems


def output_conflict(root: Path, output: Path) -> str | None:
    """Why `output` must not be the output folder of the project at `root`, or None if it may.

    The reason reads after the folder's name: "is the seeds/ folder". Paths are compared
    resolved, so a symlink cannot smuggle the sources into the output.
    """
    output = output.resolve()
    if output.exists() and not output.is_dir():
        return "is a file, not a folder"
    protected = {
        "the project folder": root.resolve(),
        "the content/ folder": (root / "content").resolve(),
        "the seeds/ folder": (root / "seeds").resolve(),
        "the themes/ folder": (root / "themes").resolve(),
    }
    for name, folder in protected.items():
        if output == folder:
            return f"is {name}"
        if folder.is_relative_to(output):
            return f"contains {name}"
        if name != "the project folder" and output.is_relative_to(folder):
            return f"is inside {name}"
    return None


def _configured_output(fields: Fields, root: Path) -> Path:
    """The `output` folder of the file, absolute; the default `_site` when none is given."""
    written = fields.text("output", "_site")
    output = (root / Path(written).expanduser()).absolute()
    conflict = output_conflict(root, output)
    if conflict:
        fields.report("output", f'"{written}" {conflict}', _OUTPUT_HINT)
    return output


def _base_url(fields: Fields) -> str:
    """The site's public address ending in `/`, so page URLs can be joined onto it."""
    url = fields.http_url("base_url")
    if url and _has_query_or_fragment(url):
        message = "a site's address cannot have a query (`?…`) or a fragment (`#…`)"
        fields.report("base_url", message, _BASE_URL_HINT)
        return ""
    return _with_trailing_slash(url)


def _given_base_url(url: str, problems: list[Problem]) -> str:
    """A `base_url` from the command line, held to the same rules as the file's."""
    if url and (not is_http_url(url) or _has_query_or_fragment(url)):
        message = f"expected an http(s) address, got {url!r}"
        problems.append(Problem("--base-url", message, hint=_BASE_URL_HINT))
        return ""
    return _with_trailing_slash(url)


def _has_query_or_fragment(url: str) -> bool:
    """A site's address is a folder: a query or fragment would end up inside every page URL."""
    parts = urlsplit(url)
    return bool(parts.query or parts.fragment)


def _with_trailing_slash(url: str) -> str:
    """`url` ending in `/` (or still ""), so page paths can be joined onto it."""
    return url if not url or url.endswith("/") else url + "/"


def _theme(fields: Fields) -> str:
    """The theme's name: a plain folder name under `themes/`, never a path."""
    theme = fields.text("theme", "default")
    if _THEME_NAME.fullmatch(theme) is None or ".." in theme:
        hint = "a folder name under themes/, like `default`"
        fields.report("theme", f"expected a theme name, got {fields.got('theme')}", hint)
        return "default"
    return theme


def _cname(fields: Fields) -> str:
    """The custom domain for publishing (GitHub Pages' CNAME), lower-case."""
    cname = fields.text("cname").lower()
    if cname and _DOMAIN_NAME.fullmatch(cname) is None:
        hint = "write only the domain, like `briefings.example.org`"
        fields.report("cname", f"expected a domain name, got {fields.got('cname')}", hint)
        return ""
    return cname
