"""`briefgen init-ci github`: the GitHub Actions workflow that builds and deploys the site."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefgen import __version__, ci
from briefgen.ci import write_pages_workflow
from briefgen.errors import BriefgenError

#: The real `ci.installed_from`, which every test but one replaces.
INSTALLED_FROM = ci.installed_from


@pytest.fixture(autouse=True)
def from_the_package_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """briefgen as a user installs it: from PyPI (the suite's own is installed from a folder)."""
    monkeypatch.setattr(ci, "installed_from", lambda: None)


def steps_of(workflow: dict[Any, Any], job: str) -> list[dict[Any, Any]]:
    steps: list[dict[Any, Any]] = workflow["jobs"][job]["steps"]
    return steps


def step_using(workflow: dict[Any, Any], job: str, action: str) -> dict[Any, Any]:
    (step,) = [s for s in steps_of(workflow, job) if s.get("uses", "").startswith(action + "@")]
    return step


def load(path: Path) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def test_workflow_builds_with_the_pages_base_url_and_deploys_with_the_pages_actions(
    tmp_path: Path,
) -> None:
    written = write_pages_workflow(tmp_path, branch="main")

    assert written == tmp_path / ".github" / "workflows" / "pages.yml"
    workflow = load(written)
    # YAML 1.1 reads the bare key `on` as true; GitHub reads it as "on".
    assert workflow[True]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    pages = step_using(workflow, "build", "actions/configure-pages")
    runs = [s["run"] for s in steps_of(workflow, "build") if "run" in s]
    assert f"pip install briefgen=={__version__}" in runs
    assert f'briefgen build --base-url "${{{{ steps.{pages["id"]}.outputs.base_url }}}}/"' in runs
    assert step_using(workflow, "build", "actions/upload-pages-artifact")["with"] == {
        "path": "_site"
    }
    deploy = step_using(workflow, "deploy", "actions/deploy-pages")
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    assert workflow["jobs"]["deploy"]["environment"]["url"] == (
        f"${{{{ steps.{deploy['id']}.outputs.page_url }}}}"
    )


def test_the_build_restores_the_latest_extraction_cache_before_building(tmp_path: Path) -> None:
    workflow = load(write_pages_workflow(tmp_path, branch="main"))

    cache = step_using(workflow, "build", "actions/cache")
    assert cache["with"]["path"].split() == [
        ".briefgen-cache",
        "!.briefgen-cache/loaded.json",  # stamps of files on the machine that wrote it
        "!.briefgen-cache/output.json",
        "!.briefgen-cache/spare-site",
    ]
    assert cache["with"]["key"] == "briefgen-${{ github.sha }}"  # saved anew after each build
    assert cache["with"]["restore-keys"] == "briefgen-"  # the latest one is restored
    steps = steps_of(workflow, "build")
    build = next(s for s in steps if s.get("run", "").startswith("briefgen build"))
    assert steps.index(cache) < steps.index(build)


def test_an_output_directory_inside_the_project_is_uploaded(tmp_path: Path) -> None:
    written = write_pages_workflow(tmp_path, output=tmp_path / "public site", branch="main")

    upload = step_using(load(written), "build", "actions/upload-pages-artifact")
    assert upload["with"] == {"path": "public site"}


def test_an_output_directory_outside_the_project_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BriefgenError) as failure:
        write_pages_workflow(tmp_path / "project", output=tmp_path / "elsewhere")

    assert "outside the project" in failure.value.problems[0].message
    assert not (tmp_path / "project" / ".github").exists()


def test_the_projects_requirements_install_briefgen_when_present(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("briefgen==0.1.0\n")

    written = write_pages_workflow(tmp_path, branch="main")

    runs = [s["run"] for s in steps_of(load(written), "build") if "run" in s]
    assert "pip install -r requirements.txt" in runs


def _installs(root: Path) -> list[str]:
    """What the workflow's install step hands pip, as the runner's shell splits it."""
    (step,) = [
        s for s in steps_of(load(root / ci.WORKFLOW_PATH), "build") if "pip" in s.get("run", "")
    ]
    return shlex.split(step["run"])[2:]


SHA = "4f1c2d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e"


def test_a_briefgen_installed_from_git_is_installed_from_the_same_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = {
        "url": "https://github.com/desk/briefgen",
        "vcs_info": {"vcs": "git", "commit_id": SHA},
    }
    monkeypatch.setattr(ci, "installed_from", lambda: origin)
    write_pages_workflow(tmp_path, branch="main")
    assert _installs(tmp_path) == [f"briefgen @ git+https://github.com/desk/briefgen@{SHA}"]


def test_a_briefgen_installed_from_an_archive_url_is_installed_from_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "https://example.org/dist/briefgen-0.1.0-py3-none-any.whl"
    monkeypatch.setattr(ci, "installed_from", lambda: {"url": url, "archive_info": {}})
    write_pages_workflow(tmp_path, branch="main")
    assert _installs(tmp_path) == [f"briefgen @ {url}"]


def test_the_example_site_of_briefgens_own_source_installs_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = {"url": tmp_path.as_uri(), "dir_info": {"editable": True}}
    monkeypatch.setattr(ci, "installed_from", lambda: origin)
    write_pages_workflow(tmp_path, branch="main")
    assert _installs(tmp_path) == ["."]


@pytest.mark.parametrize(
    ("origin", "shown"),
    [
        ({"url": "file:///home/analyst/briefgen", "dir_info": {}}, "/home/analyst/briefgen"),
        (
            {"url": "file:///srv/git/briefgen", "vcs_info": {"vcs": "git", "commit_id": SHA}},
            "/srv/git/briefgen",
        ),
        (
            {
                "url": "ssh://git@github.com/desk/briefgen",
                "vcs_info": {"vcs": "git", "commit_id": SHA},
            },
            "ssh://git@github.com/desk/briefgen",
        ),
        ({}, "a source tree"),
    ],
)
def test_a_briefgen_out_of_the_runners_reach_asks_for_requirements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, origin: dict[str, object], shown: str
) -> None:
    monkeypatch.setattr(ci, "installed_from", lambda: origin)
    with pytest.raises(BriefgenError) as raised:
        write_pages_workflow(tmp_path, branch="main")
    (problem,) = raised.value.problems
    assert problem.path == tmp_path / "requirements.txt"
    assert (
        problem.message
        == f"briefgen was installed from {shown}, which GitHub's runner cannot reach"
    )
    assert not (tmp_path / ".github").exists(), "no workflow that would fail on GitHub"
    (tmp_path / "requirements.txt").write_text(f"briefgen=={__version__}\n")
    write_pages_workflow(tmp_path, branch="main")
    assert _installs(tmp_path) == ["-r", "requirements.txt"]


def test_where_the_running_briefgen_was_installed_from_is_read_from_pip() -> None:
    origin = INSTALLED_FROM()  # the README's test command installs the checkout, editable
    assert origin is not None and origin["dir_info"] == {"editable": True}
    assert str(origin["url"]).startswith("file:///")


def test_deploys_from_the_checked_out_branch_by_default(tmp_path: Path) -> None:
    subprocess.run(
        ["git", "init", "-q", "-b", "trunk", str(tmp_path)], check=True, capture_output=True
    )

    written = write_pages_workflow(tmp_path)

    assert load(written)[True]["push"]["branches"] == ["trunk"]


def test_deploys_from_main_outside_a_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))

    written = write_pages_workflow(tmp_path)

    assert load(written)[True]["push"]["branches"] == ["main"]


def test_an_existing_workflow_is_never_overwritten(tmp_path: Path) -> None:
    existing = tmp_path / ".github" / "workflows" / "pages.yml"
    existing.parent.mkdir(parents=True)
    existing.write_text("# the team's own workflow\n")

    with pytest.raises(BriefgenError) as failure:
        write_pages_workflow(tmp_path)

    (problem,) = failure.value.problems
    assert problem.path == existing and "already exists" in problem.message
    assert existing.read_text() == "# the team's own workflow\n"
