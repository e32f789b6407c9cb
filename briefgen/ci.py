"""`briefgen init-ci github`: the other route to GitHub Pages, building on GitHub's machines.

Instead of pushing a built site from the analyst's machine (`briefgen publish`), a workflow
builds the site on every push and deploys it with GitHub's own Pages actions. The Pages URL is
asked from `actions/configure-pages` and given to the build, so links are right whether the site
lives under `https://<user>.github.io/<repo>/` or on a custom domain.
"""

from __future__ import annotations

import importlib.metadata
import json
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from briefgen import __version__
from briefgen.cache import CACHE_DIR, LOADED, OUTPUT_RECORDS, SPARE_SITE
from briefgen.errors import Problem
from briefgen.publish import PublishError, current_branch

WORKFLOW_PATH = Path(".github/workflows/pages.yml")

_WORKFLOW = """\
# Build the briefgen site and deploy it to GitHub Pages.
# Written by `briefgen init-ci github`; yours to edit. For it to deploy, set
# Settings > Pages > Build and deployment > Source to "GitHub Actions".
name: Publish site

on:
  push:
    branches: [{branch}]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time; a running one is allowed to finish.
concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - id: pages
        uses: actions/configure-pages@v5
      - name: Install briefgen
        run: {install}
      # Extractions, readings and search words are kept by content hash: a build reuses those
      # of every unchanged article. What is tied to files on disk (their stamps, the last
      # output) cannot hold after a fresh checkout, and is left out.
      - name: Restore briefgen's cache
        uses: actions/cache@v4
        with:
          path: |
{cache}
          key: briefgen-${{{{ github.sha }}}}
          restore-keys: briefgen-
      - name: Build
        run: briefgen build --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: {output}

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def write_pages_workflow(
    root: Path, *, output: Path = Path("_site"), branch: str | None = None
) -> Path:
    """Write `.github/workflows/pages.yml` under `root`; the path written.

    `output` is the site's output directory (relative to `root`, or absolute inside it);
    `branch` the branch whose pushes deploy, by default the one checked out (else `main`).
    briefgen is installed from the project's `requirements.txt` when it has one (pin it there),
    else as the briefgen writing the workflow was (`_requirement`). An existing workflow is
    never overwritten.
    """
    workflow = _WORKFLOW.format(
        branch=json.dumps(branch or current_branch(root) or "main"),
        install=_install_command(root),
        cache=_cache_paths(),
        output=json.dumps(_relative_output(root, output)),
    )
    target = root / WORKFLOW_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as written:
            written.write(workflow)
    except FileExistsError:
        raise PublishError(
            [
                Problem(
                    target,
                    "a Pages workflow already exists",
                    hint="edit it, or delete it to have briefgen write a fresh one",
                )
            ]
        ) from None
    return target


def _cache_paths() -> str:
    """The cache folder, without what only holds on the machine that wrote it (a YAML block's
    lines, indented for the workflow's `path:`)."""
    machine_bound = (LOADED, OUTPUT_RECORDS, SPARE_SITE)
    lines = [CACHE_DIR, *(f"!{CACHE_DIR}/{name}" for name in machine_bound)]
    return "\n".join(f"            {line}" for line in lines)


def _install_command(root: Path) -> str:
    if (root / "requirements.txt").is_file():
        return "pip install -r requirements.txt"
    return "pip install " + shlex.quote(_requirement(root, installed_from()))


def installed_from() -> dict[str, Any] | None:
    """Where this briefgen was installed from, as its installer recorded it (`direct_url.json`,
    PEP 610): None when from a package index; `{}` when it is no installed package at all.

    Only an installed distribution counts (one with an `INSTALLER` record): run from its source
    folder, Python also finds the `briefgen.egg-info` that building it left there, which says
    nothing of where it was installed from.
    """
    installed = [
        found
        for found in importlib.metadata.distributions(name="briefgen")
        if found.read_text("INSTALLER") is not None
    ]
    if not installed:
        return {}
    recorded = installed[0].read_text("direct_url.json")
    if recorded is None:
        return None
    try:
        origin = json.loads(recorded)
    except ValueError:
        return {}
    return origin if isinstance(origin, dict) else {}


def _requirement(root: Path, origin: dict[str, Any] | None) -> str:
    """What GitHub's runner is to install for the workflow to build with this very briefgen:
    this version from the package index it came from, the commit of the repository or the
    archive it was installed from, or the checkout itself when the project is briefgen's own
    source (this repository's example site). A briefgen installed from a folder of this
    machine is out of the runner's reach: the project must say what to install."""
    if origin is None:
        return f"briefgen=={__version__}"
    url = str(origin.get("url", ""))
    if url.startswith(("https://", "http://")):  # what the runner can fetch without a key
        vcs = origin.get("vcs_info")
        if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
            return f"briefgen @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
        return f"briefgen @ {url}"
    folder = Path(unquote(urlsplit(url).path)) if url.startswith("file://") else None
    if folder is not None and folder.resolve() == root.resolve():
        return "."
    where = str(folder) if folder is not None else url or "a source tree"
    raise PublishError(
        [
            Problem(
                root / "requirements.txt",
                f"briefgen was installed from {where}, which GitHub's runner cannot reach",
                hint="write there what the runner should install, such as "
                f"`briefgen=={__version__}` or `briefgen @ git+https://…`, and run this again",
            )
        ]
    )


def _relative_output(root: Path, output: Path) -> str:
    """The output directory as the workflow sees it: relative to the repository checkout."""
    if not output.is_absolute():
        return output.as_posix()
    try:
        return output.relative_to(root).as_posix()
    except ValueError:
        raise PublishError(
            [
                Problem(
                    output,
                    "the output directory is outside the project",
                    hint="a workflow can only upload what it builds inside the repository; "
                    "set `output:` in briefgen.yaml to a directory inside it",
                )
            ]
        ) from None
