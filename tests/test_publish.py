"""Publishing to a Pages branch with real git: a work repository and a bare `origin` in temp dirs.

Git's global and system configuration are replaced by an empty file in a temporary home, and the
identity comes from the environment, so the machine's own git setup never matters.
"""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from briefgen import __version__
from briefgen.errors import BuildFailed, Problem
from briefgen.model import SiteConfig
from briefgen.publish import (
    FALLBACK_EMAIL,
    FALLBACK_NAME,
    PublishError,
    PublishReport,
    pages_url,
    publish,
    publish_directory,
)
from briefgen.write import MARKER

IDENTITY = {
    "GIT_AUTHOR_NAME": "Ann Analyst",
    "GIT_AUTHOR_EMAIL": "ann@example.org",
    "GIT_COMMITTER_NAME": "Ann Analyst",
    "GIT_COMMITTER_EMAIL": "ann@example.org",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def ref_or_none(repo: Path, ref: str) -> str | None:
    done = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "-q", "--verify", ref],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or None


def published_tree(repo: Path, ref: str = "gh-pages") -> dict[str, tuple[str, bytes]]:
    """{path: (mode, content)} of every file in `ref`."""
    tree: dict[str, tuple[str, bytes]] = {}
    for line in git(repo, "ls-tree", "-r", "-z", ref).split("\0"):
        if line:
            meta, path = line.split("\t", 1)
            mode, _, blob = meta.split()
            content = subprocess.run(
                ["git", "-C", str(repo), "cat-file", "blob", blob], capture_output=True, check=True
            ).stdout
            tree[path] = (mode, content)
    return tree


def parents(repo: Path, commit: str) -> list[str]:
    return git(repo, "rev-list", "--parents", "-n", "1", commit).split()[1:]


@dataclass(frozen=True)
class Project:
    """A site's repository (branch main) with `origin`, and its built site in `_site`."""

    repo: Path
    origin: Path
    site: Path

    def build(self, files: dict[str, str]) -> None:
        """Stand in for `briefgen build`: the output directory holds exactly `files`."""
        shutil.rmtree(self.site, ignore_errors=True)
        for name, text in files.items():
            path = self.site / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        (self.site / MARKER).write_text("written by briefgen\n")

    def publish(self, **options: Any) -> PublishReport:
        return publish_directory(self.site, self.repo, **options)

    def someone_else_publishes(self, tmp_path: Path, files: dict[str, str]) -> str:
        """Another clone commits `files` on top of origin's gh-pages and pushes; its commit."""
        other = tmp_path / "other"
        shutil.rmtree(other, ignore_errors=True)
        git(tmp_path, "clone", "-q", "--branch", "gh-pages", str(self.origin), str(other))
        for name, text in files.items():
            (other / name).write_text(text)
        git(other, "add", "--all")
        git(other, "commit", "-q", "-m", "edited on github.com")
        git(other, "push", "-q", "origin", "gh-pages")
        return git(other, "rev-parse", "HEAD")


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for variable in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_SSH_COMMAND", "EMAIL"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in IDENTITY.items():
        monkeypatch.setenv(variable, value)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    repo = tmp_path / "work"
    git(tmp_path, "init", "-q", str(repo))
    (repo / ".gitignore").write_text("_site/\n")
    (repo / "notes.txt").write_text("first draft\n")
    git(repo, "add", ".gitignore", "notes.txt")
    git(repo, "commit", "-q", "-m", "start the briefings")
    git(repo, "remote", "add", "origin", str(origin))
    project = Project(repo, origin, repo / "_site")
    project.build({"index.html": "<h1>Briefings</h1>\n", "b/ukraine.html": "<p>Kyiv</p>\n"})
    return project


def problem_of(failure: pytest.ExceptionInfo[PublishError]) -> Problem:
    (problem,) = failure.value.problems
    return problem


# -- publishing ---------------------------------------------------------------------------


def test_first_publish_pushes_exactly_the_site_and_nojekyll(project: Project) -> None:
    report = project.publish()

    assert report.created and report.pushed
    assert published_tree(project.origin) == {
        ".nojekyll": ("100644", b""),
        "b/ukraine.html": ("100644", b"<p>Kyiv</p>\n"),
        "index.html": ("100644", b"<h1>Briefings</h1>\n"),
    }
    assert ref_or_none(project.origin, "gh-pages") == report.commit
    assert ref_or_none(project.repo, "refs/heads/gh-pages") == report.commit
    assert parents(project.origin, report.commit) == []
    assert report.files == 3


def test_second_publish_is_a_child_of_the_first_and_drops_files_the_build_no_longer_has(
    project: Project,
) -> None:
    first = project.publish()
    project.build({"index.html": "<h1>Briefings, updated</h1>\n"})

    second = project.publish()

    assert parents(project.origin, second.commit) == [first.commit]
    assert published_tree(project.origin) == {
        ".nojekyll": ("100644", b""),
        "index.html": ("100644", b"<h1>Briefings, updated</h1>\n"),
    }


def test_publishing_an_unchanged_site_makes_no_new_commit(project: Project) -> None:
    first = project.publish()

    again = project.publish()

    assert not again.created and not again.pushed
    assert again.commit == first.commit
    assert ref_or_none(project.origin, "gh-pages") == first.commit


def test_commit_message_names_briefgen_and_the_source_commit(project: Project) -> None:
    report = project.publish()

    message = git(project.repo, "log", "-1", "--format=%B", report.commit)
    assert message.startswith(f"Publish site (briefgen {__version__})")
    assert git(project.repo, "rev-parse", "main") in message
    assert git(project.repo, "log", "-1", "--format=%an <%ae>", report.commit) == (
        "Ann Analyst <ann@example.org>"
    )


def test_given_message_is_the_commit_message(project: Project) -> None:
    report = project.publish(message="Evening edition")

    assert git(project.repo, "log", "-1", "--format=%B", report.commit) == "Evening edition"


def test_without_an_identity_the_commit_is_signed_by_briefgen_and_config_is_untouched(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in IDENTITY:
        monkeypatch.delenv(variable)
    global_config = Path(os.environ["GIT_CONFIG_GLOBAL"])
    global_config.write_text("[user]\n\tuseConfigOnly = true\n")
    local_config = (project.repo / ".git" / "config").read_bytes()

    report = project.publish()

    signed = git(project.repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", report.commit)
    fallback = f"{FALLBACK_NAME} <{FALLBACK_EMAIL}>"
    assert signed == f"{fallback}|{fallback}"
    assert global_config.read_text() == "[user]\n\tuseConfigOnly = true\n"
    assert (project.repo / ".git" / "config").read_bytes() == local_config


def test_file_modes_are_normalised_and_the_build_marker_is_not_published(
    project: Project,
) -> None:
    script = project.site / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)

    project.publish()

    tree = published_tree(project.origin)
    assert tree["run.sh"] == ("100644", b"#!/bin/sh\n")
    assert MARKER not in tree


def test_file_bytes_are_published_as_built_despite_gitattributes(project: Project) -> None:
    (project.repo / ".gitattributes").write_text("* text=auto eol=lf\n")
    (project.site / "data.txt").write_bytes(b"one\r\ntwo\r\n")

    project.publish()

    assert published_tree(project.origin)["data.txt"] == ("100644", b"one\r\ntwo\r\n")


def test_unusual_file_names_are_published_verbatim(project: Project) -> None:
    (project.site / '"quoted" name.html').write_text("q\n")
    (project.site / "back\\slash.html").write_text("b\n")

    project.publish()

    tree = published_tree(project.origin)
    assert tree['"quoted" name.html'] == ("100644", b"q\n")
    assert tree["back\\slash.html"] == ("100644", b"b\n")


# -- CNAME --------------------------------------------------------------------------------


def test_cname_from_the_config_is_written(project: Project) -> None:
    report = project.publish(cname="news.example.org")

    assert published_tree(project.origin)["CNAME"] == ("100644", b"news.example.org\n")
    assert report.cname == "news.example.org" and not report.cname_kept
    assert report.files == 4


def test_cname_set_on_github_is_kept_when_the_config_has_none(
    project: Project, tmp_path: Path
) -> None:
    project.publish()
    project.someone_else_publishes(tmp_path, {"CNAME": "news.example.org"})
    project.build({"index.html": "<h1>New edition</h1>\n"})

    report = project.publish()

    assert published_tree(project.origin)["CNAME"] == ("100644", b"news.example.org")
    assert report.cname == "news.example.org" and report.cname_kept


def test_cname_in_the_config_replaces_the_one_on_the_branch(
    project: Project, tmp_path: Path
) -> None:
    project.publish()
    project.someone_else_publishes(tmp_path, {"CNAME": "old.example.org"})

    report = project.publish(cname="new.example.org")

    assert published_tree(project.origin)["CNAME"] == ("100644", b"new.example.org\n")
    assert not report.cname_kept


# -- the user's work ----------------------------------------------------------------------


def snapshot(repo: Path) -> dict[str, object]:
    """Everything of the user's that publishing must leave as it was (the build output aside)."""
    return {
        "status": git(repo, "--no-optional-locks", "status", "--porcelain", "--untracked=all"),
        "index": (repo / ".git" / "index").read_bytes(),
        "HEAD": (repo / ".git" / "HEAD").read_text(),
        "head commit": git(repo, "rev-parse", "HEAD"),
        "stash": git(repo, "stash", "list", "--format=%H %gs"),
        "files": {
            path.relative_to(repo).as_posix(): path.read_bytes()
            for path in sorted(repo.rglob("*"))
            if path.is_file() and not {".git", "_site"} & set(path.relative_to(repo).parts)
        },
    }


def test_working_tree_index_head_branch_and_stash_are_untouched(project: Project) -> None:
    repo = project.repo
    (repo / "notes.txt").write_text("stashed edit\n")
    git(repo, "stash", "-q")
    (repo / "notes.txt").write_text("unstaged edit\n")
    (repo / "staged.txt").write_text("staged, never committed\n")
    git(repo, "add", "staged.txt")
    (repo / "untracked.txt").write_text("untracked\n")
    before = snapshot(repo)

    project.publish()
    project.build({"index.html": "<h1>Second</h1>\n"})
    project.publish()

    assert snapshot(repo) == before
    assert set(published_tree(project.origin)) == {".nojekyll", "index.html"}


def test_publishing_to_the_checked_out_branch_is_refused(project: Project) -> None:
    with pytest.raises(PublishError) as failure:
        project.publish(branch="main")

    assert "checked out" in problem_of(failure).message
    assert ref_or_none(project.origin, "main") is None


def test_publishing_to_a_branch_checked_out_in_another_worktree_is_refused(
    project: Project, tmp_path: Path
) -> None:
    project.publish()
    git(project.repo, "worktree", "add", "-q", str(tmp_path / "pages"), "gh-pages")

    with pytest.raises(PublishError) as failure:
        project.publish()

    assert str(tmp_path / "pages") in problem_of(failure).message


# -- history ------------------------------------------------------------------------------


def test_a_newer_remote_commit_becomes_the_parent(project: Project, tmp_path: Path) -> None:
    project.publish()
    theirs = project.someone_else_publishes(tmp_path, {"extra.html": "theirs\n"})
    project.build({"index.html": "<h1>Ours</h1>\n"})

    report = project.publish()

    assert parents(project.origin, report.commit) == [theirs]
    assert ref_or_none(project.repo, "refs/heads/gh-pages") == report.commit


def test_a_local_only_commit_is_kept_as_the_parent(project: Project) -> None:
    project.publish()
    project.build({"index.html": "<h1>Not pushed yet</h1>\n"})
    local_only = project.publish(push=False)
    project.build({"index.html": "<h1>Pushed</h1>\n"})

    report = project.publish()

    assert local_only.created and not local_only.pushed
    assert parents(project.origin, report.commit) == [local_only.commit]


def test_no_push_leaves_the_remote_alone(project: Project) -> None:
    first = project.publish()
    project.build({"index.html": "<h1>Local</h1>\n"})

    report = project.publish(push=False)

    assert ref_or_none(project.origin, "gh-pages") == first.commit
    assert ref_or_none(project.repo, "refs/heads/gh-pages") == report.commit


def test_an_unchanged_site_pushes_a_commit_that_was_only_local(project: Project) -> None:
    local = project.publish(push=False)

    report = project.publish()

    assert not report.created and report.pushed
    assert ref_or_none(project.origin, "gh-pages") == local.commit


def diverge(project: Project, tmp_path: Path) -> tuple[str, str]:
    """Origin and the local branch each get a commit the other lacks: (theirs, ours)."""
    project.publish()
    theirs = project.someone_else_publishes(tmp_path, {"extra.html": "theirs\n"})
    project.build({"index.html": "<h1>Ours, not pushed</h1>\n"})
    ours = project.publish(push=False).commit
    project.build({"index.html": "<h1>Ours, now</h1>\n"})
    return theirs, ours


def test_diverged_branches_are_refused_without_force(project: Project, tmp_path: Path) -> None:
    theirs, ours = diverge(project, tmp_path)

    with pytest.raises(PublishError) as failure:
        project.publish()

    problem = problem_of(failure)
    assert "diverged" in problem.message and "--force" in problem.hint
    assert ref_or_none(project.origin, "gh-pages") == theirs
    assert ref_or_none(project.repo, "refs/heads/gh-pages") == ours


def test_force_publishes_on_the_local_branch_over_a_diverged_remote(
    project: Project, tmp_path: Path
) -> None:
    _, ours = diverge(project, tmp_path)

    report = project.publish(force=True)

    assert report.pushed
    assert ref_or_none(project.origin, "gh-pages") == report.commit
    assert parents(project.origin, report.commit) == [ours]


def test_a_push_racing_someone_elses_is_rejected_as_non_fast_forward(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone pushes between our look at the remote and our push; the push must not win."""
    import briefgen.publish as publish_module

    first = project.publish()
    theirs = project.someone_else_publishes(tmp_path, {"extra.html": "theirs\n"})
    monkeypatch.setattr(publish_module, "_fetch_remote_tip", lambda target: first.commit)
    project.build({"index.html": "<h1>Ours</h1>\n"})

    for force in (False, True):
        with pytest.raises(PublishError) as failure:
            project.publish(force=force)
        assert "non-fast-forward" in problem_of(failure).message
        assert ref_or_none(project.origin, "gh-pages") == theirs
        assert ref_or_none(project.repo, "refs/heads/gh-pages") == first.commit


# -- failures -----------------------------------------------------------------------------


def test_a_rejecting_hook_shows_the_remote_message_and_leaves_the_remote_unchanged(
    project: Project,
) -> None:
    first = project.publish()
    hook = project.origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'site frozen until Monday' >&2\nexit 1\n")
    hook.chmod(0o755)
    project.build({"index.html": "<h1>Rejected</h1>\n"})

    with pytest.raises(PublishError) as failure:
        project.publish()

    problem = problem_of(failure)
    assert problem.message == "the remote rejected the push: site frozen until Monday"
    assert problem.path == "origin"
    assert ref_or_none(project.origin, "gh-pages") == first.commit
    assert ref_or_none(project.repo, "refs/heads/gh-pages") == first.commit


def test_authentication_failure_is_reported_without_prompting(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_ssh = tmp_path / "fake-ssh"
    fake_ssh.write_text(
        "#!/bin/sh\necho 'git@example.invalid: Permission denied (publickey).' >&2\nexit 255\n"
    )
    fake_ssh.chmod(0o755)
    monkeypatch.setenv("GIT_SSH_COMMAND", str(fake_ssh))
    git(project.repo, "remote", "set-url", "origin", "git@example.invalid:ann/site.git")

    with pytest.raises(PublishError) as failure:
        project.publish()

    problem = problem_of(failure)
    assert problem.message == "authentication failed for git@example.invalid:ann/site.git"
    assert ref_or_none(project.repo, "refs/heads/gh-pages") is None


class _PasswordProtected(http.server.BaseHTTPRequestHandler):
    """An HTTPS-style Git host that wants a password for everything."""

    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="git"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


def test_a_host_asking_for_a_password_fails_at_once_instead_of_prompting(
    project: Project,
) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PasswordProtected)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/ann/site.git"
    git(project.repo, "remote", "set-url", "origin", url)
    try:
        with pytest.raises(PublishError) as failure:
            project.publish()
    finally:
        server.shutdown()
        server.server_close()

    assert problem_of(failure).message == f"authentication failed for {url}"


def test_an_unreachable_remote_is_reported(project: Project) -> None:
    git(project.repo, "remote", "set-url", "origin", "http://127.0.0.1:9/ann/site.git")

    with pytest.raises(PublishError) as failure:
        project.publish()

    problem = problem_of(failure)
    assert problem.message.startswith("git ls-remote failed: unable to access")
    assert "git ls-remote origin" in problem.hint


def test_symlinks_in_the_output_are_refused_and_nothing_is_published(project: Project) -> None:
    secret = project.repo.parent / "secret.txt"
    secret.write_text("password\n")
    (project.site / "b" / "leak.html").symlink_to(secret)

    with pytest.raises(PublishError) as failure:
        project.publish()

    problem = problem_of(failure)
    assert problem.path == project.site / "b" / "leak.html"
    assert "symbolic link" in problem.message
    assert ref_or_none(project.origin, "gh-pages") is None
    assert ref_or_none(project.repo, "refs/heads/gh-pages") is None


def test_every_unpublishable_entry_is_reported_at_once(project: Project) -> None:
    (project.site / "assets").symlink_to(project.repo)
    os.mkfifo(project.site / "pipe")
    (project.site / "b" / ".git").mkdir()

    with pytest.raises(PublishError) as failure:
        project.publish()

    refused = {Path(problem.path).relative_to(project.site) for problem in failure.value.problems}
    assert refused == {Path("assets"), Path("pipe"), Path("b/.git")}
    assert ref_or_none(project.repo, "refs/heads/gh-pages") is None


def test_a_broken_local_branch_is_reported(project: Project) -> None:
    first = project.publish()
    (project.repo / ".git" / "refs" / "heads" / "gh-pages").write_text("garbage\n")
    project.build({"index.html": "<h1>Blocked</h1>\n"})

    with pytest.raises(PublishError) as failure:
        project.publish()

    problem = problem_of(failure)
    assert "the local branch 'gh-pages' is broken" in problem.message
    assert str(project.repo / ".git" / "refs" / "heads" / "gh-pages") in problem.hint
    assert ref_or_none(project.origin, "gh-pages") == first.commit


def test_a_missing_remote_is_reported(project: Project) -> None:
    with pytest.raises(PublishError) as failure:
        project.publish(remote="upstream")

    problem = problem_of(failure)
    assert problem.message == "no remote named 'upstream'"
    assert "--no-push" in problem.hint
    assert ref_or_none(project.repo, "refs/heads/gh-pages") is None


def test_a_directory_that_is_not_a_repository_is_reported(project: Project, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()

    with pytest.raises(PublishError) as failure:
        publish_directory(project.site, plain)

    assert problem_of(failure).message == "not a git repository"


def test_missing_git_is_reported(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    with pytest.raises(PublishError) as failure:
        project.publish()

    assert problem_of(failure).message == "git is not installed (no `git` on PATH)"


def test_a_missing_output_directory_is_reported(project: Project) -> None:
    shutil.rmtree(project.site)

    with pytest.raises(PublishError) as failure:
        project.publish()

    assert "briefgen build" in problem_of(failure).hint


# -- where the site appears ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote_url", "cname", "url"),
    [
        ("https://github.com/ann/briefings.git", "", "https://ann.github.io/briefings/"),
        ("https://github.com/Ann/briefings", "", "https://ann.github.io/briefings/"),
        ("git@github.com:ann/briefings.git", "", "https://ann.github.io/briefings/"),
        ("ssh://git@github.com/ann/briefings.git", "", "https://ann.github.io/briefings/"),
        ("https://token@github.com/ann/briefings.git", "", "https://ann.github.io/briefings/"),
        ("git@github.com:ann/ann.github.io.git", "", "https://ann.github.io/"),
        ("git@github.com:ann/briefings.git", "news.example.org", "https://news.example.org/"),
        ("https://gitlab.com/ann/briefings.git", "", ""),
        ("/srv/git/briefings.git", "", ""),
    ],
)
def test_pages_url_follows_github_conventions(remote_url: str, cname: str, url: str) -> None:
    assert pages_url(remote_url, cname) == url


# -- build and publish --------------------------------------------------------------------


def site_config(project: Project, base_url: str = "", cname: str = "") -> SiteConfig:
    """A one-briefing site in the project's repository, built into `_site`."""
    (project.repo / "seeds").mkdir()
    (project.repo / "seeds" / "call.txt").write_text(
        "WASHINGTON, Dec 29 - Joe Biden and Vladimir Putin will speak by phone on Thursday.\n"
    )
    (project.repo / "content").mkdir()
    (project.repo / "content" / "call.yaml").write_text(
        "title: Biden and Putin to speak by phone\n"
        "published: 2021-12-29\n"
        "lang: en\n"
        "article: seeds/call.txt\n"
    )
    shutil.rmtree(project.site)
    return SiteConfig(
        root=project.repo, title="Briefings", output=project.site, base_url=base_url, cname=cname
    )


def test_publish_builds_the_site_and_says_where_it_will_appear(project: Project) -> None:
    config = site_config(project)
    git(project.repo, "remote", "set-url", "origin", "git@github.com:ann/briefings.git")

    report = publish(config, push=False)

    assert report.url == "https://ann.github.io/briefings/"
    tree = published_tree(project.repo)
    assert {"index.html", ".nojekyll"} <= set(tree)
    assert tree["index.html"][1] == (project.site / "index.html").read_bytes()


@pytest.mark.parametrize(
    ("settings", "url"),
    [
        ({"base_url": "https://briefings.example.org/fr/"}, "https://briefings.example.org/fr/"),
        ({"cname": "news.example.org"}, "https://news.example.org/"),
    ],
)
def test_the_site_url_comes_from_base_url_or_the_custom_domain(
    project: Project, settings: dict[str, str], url: str
) -> None:
    report = publish(site_config(project, **settings), push=False)

    assert report.url == url


def test_a_failing_build_publishes_nothing(project: Project) -> None:
    config = site_config(project)
    (project.repo / "content" / "broken.yaml").write_text("title: [never closed\n")

    with pytest.raises(BuildFailed):
        publish(config)

    assert ref_or_none(project.repo, "refs/heads/gh-pages") is None
    assert ref_or_none(project.origin, "gh-pages") is None


def test_the_repository_is_checked_before_the_site_is_built(project: Project) -> None:
    config = site_config(project)

    with pytest.raises(PublishError):
        publish(config, remote="upstream")

    assert not project.site.exists()
