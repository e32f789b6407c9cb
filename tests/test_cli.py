"""The commands as a user types them: output on stdout, one-line problems on stderr, exit codes."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
import yaml

from briefgen import cli
from briefgen.cli import main
from briefgen.serve import preview

MakeSite = Callable[[Mapping[str, str | bytes]], Path]
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_fee48bf4d28e4dfa.txt"


def test_extract_prints_content_yaml_ready_to_paste(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SEED), "--lang", "fr", "--published", "2021-12-29"]) == 0
    fields = yaml.safe_load(capsys.readouterr().out)
    assert fields["published"] == "2021-12-29" and fields["lang"] == "fr"
    assert 3 <= len(fields["key_facts"]) <= 7
    horne = next(a for a in fields["actors"] if a["name"] == "Emily Horne")
    assert horne["role"] == "porte-parole du Conseil de sécurité nationale de la Maison Blanche"
    assert {"2022-01-10", "2022-01-12", "2022-01-13", "2021-12-28"} <= {
        d["date"] for d in fields["dates"]
    }


def test_extract_as_json_carries_offsets_and_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["extract", str(SEED), "--lang", "fr", "--published", "2021-12-29", "--format", "json"]
        )
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    text = SEED.read_text(encoding="utf-8")
    mention = document["actors"][0]["mentions"][0]
    assert text[mention["start"] : mention["end"]] == mention["text"]
    assert document["quotes"]


def test_extract_write_creates_a_content_file_once(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"seeds/talks.txt": "NATO met Russia in Brussels on January 12, 2022.\n"})
    seed = str(root / "seeds" / "talks.txt")
    assert main(["extract", seed, "--published", "2022-01-12", "--write"]) == 0
    created = root / "content" / "talks.yaml"
    assert created.is_file()
    before = created.read_bytes()
    assert main(["build", "--config", str(root / "briefgen.yaml")]) == 0, "the file it wrote builds"
    capsys.readouterr()
    assert main(["extract", seed, "--published", "2022-01-12", "--write"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert created.read_bytes() == before


def test_extract_of_a_bad_file_is_one_located_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "bad.txt"
    article.write_bytes(b"Fine line.\nCaf\x96 here.\n")
    assert main(["extract", str(article)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and ":2:4:" in err and "0x96" in err


def test_a_bad_published_option_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SEED), "--published", "yesterday"]) == 1
    assert "--published: expected a date like 2021-12-29" in capsys.readouterr().err


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def git_project(make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for variable, value in {
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.org",
    }.items():
        monkeypatch.setenv(variable, value)
    root = make_site(
        {
            "briefgen.yaml": "title: Desk\nbase_url: https://desk.example.org/\n",
            "content/talks.yaml": "title: Talks\npublished: 2022-01-10\nlang: en\n",
            "seeds/talks.txt": "Officials met in Geneva on Monday.\n",
            ".gitignore": "_site/\n.briefgen-cache/\n",
        }
    )
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "-q", "--bare", str(origin))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "start")
    _git(root, "remote", "add", "origin", str(origin))
    monkeypatch.chdir(root)
    return root


def test_publish_pushes_the_built_site_and_says_where_it_appears(
    git_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = _git(git_project, "status", "--porcelain")
    assert main(["publish"]) == 0
    out = capsys.readouterr().out
    assert "Published" in out and "origin/gh-pages" in out
    assert "Site: https://desk.example.org/" in out
    files = _git(git_project.parent / "origin.git", "ls-tree", "-r", "--name-only", "gh-pages")
    assert "briefings/talks/index.html" in files.splitlines() and ".nojekyll" in files
    assert _git(git_project, "status", "--porcelain") == status
    assert main(["publish"]) == 0
    assert "Site unchanged, no new commit" in capsys.readouterr().out


def test_publish_of_a_broken_site_pushes_nothing(
    git_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (git_project / "content" / "talks.yaml").write_text("title: Talks\npublished: yesterday\n")
    assert main(["publish"]) == 1
    assert "content/talks.yaml:2:12: published" in capsys.readouterr().err
    assert _git(git_project.parent / "origin.git", "branch", "--list") == ""


def test_init_ci_writes_the_workflow_once(
    git_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The suite's briefgen is installed from a folder, out of GitHub's reach: the project says
    # what its runner installs.
    assert main(["init-ci", "github"]) == 1
    (problem,) = capsys.readouterr().err.splitlines()
    assert problem.startswith("requirements.txt: briefgen was installed from ")
    assert not (git_project / ".github").exists()
    (git_project / "requirements.txt").write_text("briefgen\n")
    assert main(["init-ci", "github"]) == 0
    workflow = git_project / ".github" / "workflows" / "pages.yml"
    assert "actions/deploy-pages" in workflow.read_text()
    assert main(["init-ci", "github"]) == 1
    assert "pages.yml" in capsys.readouterr().err


def test_python_dash_m_runs_the_same_command_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "--version"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
        cwd=tmp_path,
    )
    assert result.returncode == 0 and result.stdout.startswith("briefgen ")


def test_a_missing_config_is_one_line_with_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no briefgen.yaml" in err


#: The environment of a process whose output is written only when its buffer is flushed.
_BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}

#: Run in a fresh process: `console` with a command that prints, leaves something that says
#: when it is freed, and returns 3.
_ENDED = """
import gc
from briefgen import cli

class Noted:
    def __del__(self):
        print("freed", flush=True)

def command(left):
    print("collector off" if not gc.isenabled() else "collector on")
    left.append(Noted())
    return 3

cli.main = command
cli.console()
"""


def test_a_command_runs_with_the_collector_off_and_ends_without_cleaning_up() -> None:
    run = subprocess.run(
        [sys.executable, "-c", _ENDED], capture_output=True, text=True, env=_BUFFERED
    )
    assert run.returncode == 3
    assert run.stdout == "collector off\n", "its output written, what it made never freed"


def test_a_summary_that_cannot_be_written_fails_the_build(make_site: MakeSite) -> None:
    root = make_site({})
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads: the summary, written once the build is over, is lost
    try:
        command = [sys.executable, "-m", "briefgen", "build"]
        run = subprocess.run(command, cwd=root, stdout=writer, env=_BUFFERED)
    finally:
        os.close(writer)
    assert run.returncode == cli.EXIT_UNWRITTEN


#: Run in a fresh process: how much of a large block freed mid-build the system gets back.
_FREED_BLOCK = """
import os, sys
from briefgen.cli import large_blocks_given_back

def resident():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

if sys.argv[1] == "given back":
    large_blocks_given_back()
first = b"x" * (16 << 20)
del first  # by default, glibc now keeps blocks up to this size on its heap
block = b"x" * (12 << 20)
made_meanwhile = [str(i) * 50 for i in range(20_000)]
before = resident()
del block
print(before - resident())
"""


@pytest.mark.skipif(not cli.on_glibc(), reason="the C library's allocator is glibc's only on glibc")
def test_a_large_block_freed_during_a_build_goes_back_to_the_system() -> None:
    def given_back(how: str) -> int:
        run = subprocess.run(
            [sys.executable, "-c", _FREED_BLOCK, how], capture_output=True, text=True, check=True
        )
        return int(run.stdout)

    assert given_back("as glibc does") < 1 << 20, "without it, the block stays in the process"
    assert given_back("given back") >= 11 << 20


def test_a_preview_turns_the_collector_on(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site({})
    enabled: list[bool] = []
    monkeypatch.setattr(preview, "serve", lambda *args, **kwargs: enabled.append(gc.isenabled()))
    gc.disable()
    try:
        assert main(["serve", "--config", str(root / "briefgen.yaml")]) == 0
    finally:
        gc.enable()
    assert enabled == [True], "a preview lives on: its garbage must be collected"
