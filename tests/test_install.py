"""An installed briefgen works outside this repository: the wheel carries the theme and the
language data, and `briefgen build` in an empty folder produces a complete site."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with briefgen installed from a freshly built wheel.

    Its dependencies come from this test environment (PYTHONPATH), so the test needs no network;
    briefgen itself is imported from the new environment only.
    """
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(work / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next((work / "dist").glob("briefgen-*.whl"))
    env_dir = work / "env"
    venv.create(env_dir, with_pip=False)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(env_dir / "bin" / "python"),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return env_dir


def _run_installed(env_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    return subprocess.run(
        [str(env_dir / "bin" / "briefgen"), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_wheel_builds_a_site_in_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "briefgen.yaml").write_text("title: Morning briefing\nlanguage: en\n")
    (tmp_path / "content").mkdir()
    (tmp_path / "seeds").mkdir()
    (tmp_path / "content" / "talks.yaml").write_text(
        "title: Talks in Geneva\npublished: 2022-01-10\n"
    )
    (tmp_path / "seeds" / "talks.txt").write_text(
        "US and Russian officials met in Geneva on Monday, a spokesperson said.\n"
    )
    result = _run_installed(installed, tmp_path, "build")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "_site" / "briefings" / "talks" / "index.html").read_text()
    assert "Talks in Geneva" in page and "January 10, 2022" in page
    stylesheets = list((tmp_path / "_site").rglob("*.css"))
    assert stylesheets, "the packaged theme's assets are copied"
    python = installed / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import briefgen; print(briefgen.__file__)"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(installed) in where, "briefgen was imported from the installed wheel"
