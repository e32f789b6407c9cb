"""`briefgen init-ci github`: the GitHub Actions workflow that builds and deploys the site."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefgen import __version__
from briefgen.ci import write_pages_workflow
from briefgen.errors import BriefgenError


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
