"""Publish the built site to a GitHub Pages branch, through git plumbing only.

Tools that check out the Pages branch to commit to it (or stash the user's changes first) put the
user's work at risk: an interrupted run leaves the wrong branch checked out, a stash unapplied, an
index rewritten. Here the commit is made from a temporary index (`GIT_INDEX_FILE`), blobs written
with `hash-object`, the tree with `write-tree` and the commit with `commit-tree`: the user's work
tree, index, HEAD and stash are never read for writing, let alone changed.

History is kept: each publish is a child of the previous Pages commit, whether that lives only on
this machine or only on the remote. Every step that can fail runs before the push, and the push
is never forced unless asked, so a failure leaves the remote as it was.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefgen import __version__
from briefgen.build import build
from briefgen.errors import BriefgenError, Problem
from briefgen.model import SiteConfig
from briefgen.write import MARKER

#: Who signs the Pages commit when the repository has no identity configured; set for
#: `commit-tree` only, through its environment — git's configuration is never modified.
FALLBACK_NAME = "briefgen"
FALLBACK_EMAIL = "briefgen@localhost"

#: Every published file gets this mode: the site is data, nothing in it is meant to be executed.
FILE_MODE = "100644"

_NETWORK_COMMANDS = frozenset({"ls-remote", "fetch", "push"})


class PublishError(BriefgenError):
    """Publishing stopped; the remote branch is as it was."""


@dataclass(frozen=True, slots=True)
class PublishReport:
    """What a publish did, for the command line to tell the user.

    `commit` is the Pages branch's tip afterwards. `created` is false when the site was unchanged
    (no new commit); `pushed` is true when the remote branch was updated by this run. `cname` is
    the custom domain in the published tree; `cname_kept` says it came from the branch (set
    through GitHub's settings), not from the configuration.
    """

    branch: str
    remote: str
    commit: str
    created: bool
    pushed: bool
    files: int
    cname: str = ""
    cname_kept: bool = False
    remote_url: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class _Tree:
    """A tree object written for publishing, and what the report says about it."""

    sha: str
    files: int
    cname: str
    cname_kept: bool


@dataclass(frozen=True, slots=True)
class _Target:
    """A repository found fit to publish into: checked before anything is built or written."""

    repo: Path
    remote: str
    remote_url: str
    branch: str
    local_tip: str | None

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.branch}"

    @property
    def tracking_ref(self) -> str:
        return f"refs/remotes/{self.remote}/{self.branch}"


def publish(
    config: SiteConfig,
    *,
    remote: str = "origin",
    branch: str = "gh-pages",
    message: str | None = None,
    push: bool = True,
    force: bool = False,
    drafts: bool = False,
) -> PublishReport:
    """Build the site afresh and publish it; the report carries the URL where it will appear.

    The repository is checked first, so a missing remote is reported before a long build.
    Raises `BuildFailed` when the build does, `PublishError` when publishing cannot go on.
    """
    target = _inspect(config.root, remote, branch, push)
    build(config, drafts=drafts)
    report = _publish_to(
        target, config.output, message=message, push=push, force=force, cname=config.cname
    )
    url = config.base_url or pages_url(report.remote_url, report.cname)
    return dataclasses.replace(report, url=url)


def publish_directory(
    site_dir: Path,
    repo: Path,
    *,
    remote: str = "origin",
    branch: str = "gh-pages",
    message: str | None = None,
    push: bool = True,
    force: bool = False,
    cname: str = "",
) -> PublishReport:
    """Commit `site_dir` as the whole content of `branch` in `repo` and push it to `remote`.

    With `push=False` nothing leaves the machine: the commit stays on the local branch (its
    parent chosen from what is already known about the remote) until the next publish pushes it.
    """
    target = _inspect(repo, remote, branch, push)
    return _publish_to(target, site_dir, message=message, push=push, force=force, cname=cname)


def pages_url(remote_url: str, cname: str = "") -> str:
    """Where GitHub Pages serves the site: the custom domain, else derived from a GitHub remote.

    `https://<user>.github.io/<repo>/`, or `https://<user>.github.io/` for the repository named
    `<user>.github.io`; "" when the remote is not on GitHub and there is no custom domain.
    """
    if cname:
        return f"https://{cname}/"
    found = re.fullmatch(
        r"(?:https?://(?:[^@/]+@)?|ssh://(?:[^@/]+@)?|[^@/:]+@)github\.com[:/]"
        r"(?P<user>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?/?",
        remote_url.strip(),
    )
    if found is None:
        return ""
    user, repository = found["user"].lower(), found["repo"]
    if repository.lower() == f"{user}.github.io":
        return f"https://{user}.github.io/"
    return f"https://{user}.github.io/{repository}/"


def current_branch(repo: Path) -> str | None:
    """The branch checked out in `repo`, or None (detached HEAD, or not a git repository)."""
    try:
        found = _run(repo, "symbolic-ref", "-q", "--short", "HEAD")
    except PublishError:
        return None
    name = found.stdout.decode().strip()
    return name if found.returncode == 0 and name else None


# -- checks made before anything is built or written --------------------------------------------


def _inspect(repo: Path, remote: str, branch: str, push: bool) -> _Target:
    """Everything that can be checked locally and cheaply, in the order a user would fix it."""
    if _run(repo, "rev-parse", "--git-dir").returncode != 0:
        raise _error(
            repo,
            "not a git repository",
            "publish works in a clone of your site's repository; run `git init` and "
            "`git remote add origin <url>` first, or use `briefgen init-ci github`",
        )
    if _run(repo, "check-ref-format", f"refs/heads/{branch}").returncode != 0:
        raise _error(branch, "not a valid branch name", "choose another name with --branch")
    _refuse_checked_out(repo, branch)
    remote_url = _remote_url(repo, remote, required=push)
    local_tip = _branch_tip(repo, f"refs/heads/{branch}", f"the local branch '{branch}'")
    return _Target(repo, remote, remote_url, branch, local_tip)


def _refuse_checked_out(repo: Path, branch: str) -> None:
    """Publishing replaces the branch's content; in a work tree that would look like mass edits."""
    listing = _git(repo, "worktree", "list", "--porcelain").splitlines()
    worktree = ""
    for line in listing:
        if line.startswith("worktree "):
            worktree = line.removeprefix("worktree ")
        elif line == f"branch refs/heads/{branch}":
            raise _error(
                branch,
                f"the branch '{branch}' is checked out in {worktree}",
                "publishing replaces the whole branch; switch that work tree to your source "
                "branch, or publish to another branch with --branch",
            )


def _remote_url(repo: Path, remote: str, *, required: bool) -> str:
    found = _run(repo, "remote", "get-url", remote)
    if found.returncode == 0:
        return found.stdout.decode().strip()
    if not required:
        return ""
    raise _error(
        remote,
        f"no remote named '{remote}'",
        f"list remotes with `git remote -v`, add one with `git remote add {remote} <url>`, "
        "or publish locally with --no-push",
    )


def _branch_tip(repo: Path, ref: str, described: str) -> str | None:
    """The commit `ref` points to; None when it does not exist; an error when it is unreadable."""
    resolved = _run(repo, "rev-parse", "-q", "--verify", f"{ref}^{{commit}}")
    if resolved.returncode == 0:
        return resolved.stdout.decode().strip()
    listed = _run(repo, "for-each-ref", "--format=%(refname)", ref)
    if listed.returncode == 0 and not listed.stderr and ref not in listed.stdout.decode().split():
        return None
    ref_file = _git(repo, "rev-parse", "--git-path", ref)
    raise _error(
        ref,
        f"{described} is broken: it does not point to a readable commit",
        f"repair or delete {(repo / ref_file).resolve()} (or its line in packed-refs) if it "
        "holds nothing you need, then publish again",
    )


# -- the commit ------------------------------------------------------------------------------


def _publish_to(
    target: _Target,
    site_dir: Path,
    *,
    message: str | None,
    push: bool,
    force: bool,
    cname: str,
) -> PublishReport:
    """Commit, push, then move the local branch: each only once everything before it succeeded.

    The local branch moves after the push, so a rejected push leaves both branches as they were
    and publishing again starts from the same place.
    """
    files = _site_files(site_dir)
    remote_tip = _fetch_remote_tip(target) if push else _known_remote_tip(target)
    parent = _choose_parent(target, remote_tip, force=force)
    tree = _write_tree(target.repo, files, parent, cname.strip())
    if parent is not None and tree.sha == _git(target.repo, "rev-parse", f"{parent}^{{tree}}"):
        tip, created = parent, False
    else:
        tip, created = _commit(target.repo, tree.sha, parent, message), True
    pushed = push and tip != remote_tip
    if pushed:
        _push(target, tip, remote_tip, force=force)
    if tip != target.local_tip:
        old = target.local_tip or ""
        _git(target.repo, "update-ref", "-m", "briefgen publish", target.ref, tip, old)
    return PublishReport(
        branch=target.branch,
        remote=target.remote,
        commit=tip,
        created=created,
        pushed=pushed,
        files=tree.files,
        cname=tree.cname,
        cname_kept=tree.cname_kept,
        remote_url=target.remote_url,
    )


def _site_files(site_dir: Path) -> dict[str, Path]:
    """Every regular file of the built site by its path in the tree; links and oddities refused.

    A symlink is never followed: it could point anywhere on the machine (a key, a password
    file), and its target is not what the build produced.
    """
    if not site_dir.is_dir():
        raise _error(site_dir, "there is no built site here", "run `briefgen build` first")
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    pending = [site_dir]
    while pending:
        with os.scandir(pending.pop()) as entries:
            listed = list(entries)
        for entry in listed:
            path = Path(entry.path)
            refusal = _refusal(entry)
            if refusal is not None:
                problems.append(_problem(path, *refusal))
            elif entry.is_dir(follow_symlinks=False):
                pending.append(path)
            elif (name := path.relative_to(site_dir).as_posix()) != MARKER:
                files[name] = path
    if problems:
        raise PublishError(sorted(problems, key=lambda p: str(p.path)))
    return files


def _refusal(entry: os.DirEntry[str]) -> tuple[str, str] | None:
    """Why an entry of the output cannot be published (message, hint); None when it can."""
    if entry.is_symlink():
        return "is a symbolic link; publish never follows links", (
            "replace it with a copy of what it points to"
        )
    if entry.name == ".git":
        return "a .git entry cannot be published", "remove it from the output directory"
    if not (entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False)):
        return "is neither a file nor a directory", "remove it from the output directory"
    return None


def _write_tree(repo: Path, files: Mapping[str, Path], parent: str | None, cname: str) -> _Tree:
    """Write the site, `.nojekyll` and `CNAME` as a tree object, through a temporary index.

    The custom domain is the configuration's, else the site's own `CNAME` file, else the one
    already on the branch: a domain set through GitHub's settings is never lost.
    """
    names = sorted(files)
    blobs = dict(zip(names, _hash_files(repo, [files[n] for n in names]), strict=True))
    blobs[".nojekyll"] = _hash_bytes(repo, b"")
    kept = False
    if cname:
        blobs["CNAME"] = _hash_bytes(repo, f"{cname}\n".encode())
    elif "CNAME" not in blobs and parent is not None:
        previous = _run(repo, "rev-parse", "-q", "--verify", f"{parent}:CNAME")
        if previous.returncode == 0:
            blobs["CNAME"] = previous.stdout.decode().strip()
            kept = True
    domain = _git(repo, "cat-file", "blob", blobs["CNAME"]) if "CNAME" in blobs else ""
    with tempfile.TemporaryDirectory(prefix="briefgen-publish-") as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        entries = b"".join(
            f"{FILE_MODE} {blob}\t".encode() + os.fsencode(name) + b"\0"
            for name, blob in blobs.items()
        )
        _git(repo, "update-index", "-z", "--index-info", stdin=entries, env=index)
        sha = _git(repo, "write-tree", env=index)
    return _Tree(sha, len(blobs), domain, kept and domain != "")


def _hash_files(repo: Path, paths: Sequence[Path]) -> list[str]:
    """Store the files' exact bytes as blobs (no `.gitattributes` filter, no line-ending change)."""
    if not paths:
        return []
    listing = b"".join(_c_quoted(os.fsencode(path.resolve())) + b"\n" for path in paths)
    return _git(repo, "hash-object", "-w", "--no-filters", "--stdin-paths", stdin=listing).split()


def _hash_bytes(repo: Path, content: bytes) -> str:
    return _git(repo, "hash-object", "-w", "--no-filters", "--stdin", stdin=content)


def _c_quoted(path: bytes) -> bytes:
    """A path as `hash-object --stdin-paths` reads it whatever it contains (C-style quoting)."""
    escaped = path.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    return b'"' + escaped.replace(b"\n", b"\\n").replace(b"\r", b"\\r") + b'"'


def _commit(repo: Path, tree: str, parent: str | None, message: str | None) -> str:
    parents = ["-p", parent] if parent else []
    text = message or _default_message(repo)
    return _git(repo, "commit-tree", tree, *parents, stdin=text.encode(), env=_identity(repo))


def _default_message(repo: Path) -> str:
    """Say which briefgen made the commit, and from which source commit, for `git log`."""
    head = _run(repo, "rev-parse", "-q", "--verify", "HEAD^{commit}").stdout.decode().strip()
    source = f"\n\nBuilt from {head} ({current_branch(repo) or 'detached HEAD'}).\n" if head else ""
    return f"Publish site (briefgen {__version__}){source}"


def _identity(repo: Path) -> dict[str, str]:
    """The repository's own identity when git has one; a clearly-briefgen one otherwise."""
    configured = all(
        _run(repo, "var", variable).returncode == 0
        for variable in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT")
    )
    if configured:
        return {}
    return {
        "GIT_AUTHOR_NAME": FALLBACK_NAME,
        "GIT_AUTHOR_EMAIL": FALLBACK_EMAIL,
        "GIT_COMMITTER_NAME": FALLBACK_NAME,
        "GIT_COMMITTER_EMAIL": FALLBACK_EMAIL,
    }


# -- history: which commit the new one follows ----------------------------------------------------


def _known_remote_tip(target: _Target) -> str | None:
    """The remote branch as last fetched (no network: this is the --no-push route)."""
    if not target.remote_url:
        return None
    return _branch_tip(target.repo, target.tracking_ref, f"'{target.remote}/{target.branch}'")


def _fetch_remote_tip(target: _Target) -> str | None:
    """The remote branch as it is now, its commits fetched so that they can be parents."""
    advertised = _network(target, "ls-remote", "--heads", target.remote, target.ref)
    tip = next(
        (
            sha
            for sha, _, ref in (line.partition("\t") for line in advertised.splitlines())
            if ref == target.ref
        ),
        None,
    )
    if tip is not None:
        _network(
            target, "fetch", "--no-tags", target.remote, f"+{target.ref}:{target.tracking_ref}"
        )
    return tip


def _choose_parent(target: _Target, remote_tip: str | None, *, force: bool) -> str | None:
    """The newer of the local and remote Pages commits; refuse when neither contains the other.

    A local-only commit (an earlier `--no-push`) is never silently dropped; with `force` the
    local branch wins and the remote's own commits are overwritten at push time.
    """
    local = target.local_tip
    if local is None or remote_tip is None or local == remote_tip:
        return local or remote_tip
    if _is_ancestor(target.repo, local, remote_tip):
        return remote_tip
    if _is_ancestor(target.repo, remote_tip, local) or force:
        return local
    raise _error(
        target.branch,
        f"the local branch '{target.branch}' ({local[:7]}) and "
        f"'{target.remote}/{target.branch}' ({remote_tip[:7]}) have diverged",
        "publishing would drop the commits of one of them; reconcile them with git, or pass "
        "--force to publish on top of the local branch and overwrite the remote's",
    )


def _is_ancestor(repo: Path, older: str, newer: str) -> bool:
    return _run(repo, "merge-base", "--is-ancestor", older, newer).returncode == 0


def _push(target: _Target, tip: str, remote_tip: str | None, *, force: bool) -> None:
    """Push `tip`; forcing only over the remote commit this run saw, never over a newer one."""
    lease = [f"--force-with-lease={target.ref}:{remote_tip or ''}"] if force else []
    _network(target, "push", *lease, target.remote, f"{tip}:{target.ref}")


# -- running git ---------------------------------------------------------------------------


def _git(
    repo: Path, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None
) -> str:
    """Run a local git command that is expected to succeed; its output, stripped."""
    done = _run(repo, *args, stdin=stdin, env=env)
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace")
        raise _error(repo, f"git {args[0]} failed: {_last_line(stderr)}")
    return done.stdout.decode(errors="replace").strip()


def _network(target: _Target, *args: str) -> str:
    """Run a git command that talks to the remote; failures become one explained problem."""
    done = _run(target.repo, *args)
    if done.returncode != 0:
        raise PublishError([_remote_problem(target, args[0], done.stderr.decode(errors="replace"))])
    return done.stdout.decode(errors="replace")


def _run(
    repo: Path, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run git without a terminal: it can never stop to ask for a password or a host key.

    `LC_ALL=C` keeps git's messages in English so failures can be recognised;
    `GIT_OPTIONAL_LOCKS=0` stops read-only commands from refreshing the user's index.
    """
    environment = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_OPTIONAL_LOCKS": "0",
        "LC_ALL": "C",
        **(env or {}),
    }
    try:
        return subprocess.run(
            ["git", "-C", str(repo), *args],
            input=stdin,
            stdin=subprocess.DEVNULL if stdin is None else None,
            capture_output=True,
            env=environment,
            check=False,
            start_new_session=args[0] in _NETWORK_COMMANDS,
        )
    except FileNotFoundError:
        raise _error(
            "git", "git is not installed (no `git` on PATH)", "install git, then publish again"
        ) from None


def _remote_problem(target: _Target, command: str, stderr: str) -> Problem:
    """Name what went wrong with the remote in the words a user can act on."""
    remote, branch = target.remote, target.branch
    said = "; ".join(
        line.removeprefix("remote:").strip()
        for line in stderr.splitlines()
        if line.startswith("remote:") and line.removeprefix("remote:").strip()
    )
    unchanged = "nothing was changed, here or on the remote"
    if re.search(r"\(non-fast-forward\)|\(fetch first\)|\(stale info\)", stderr):
        return _problem(
            remote,
            f"'{remote}/{branch}' has commits this publish did not build on (non-fast-forward)",
            "someone published in the meantime; publish again to build on top of their commit, "
            f"or pass --force to overwrite it; {unchanged}",
        )
    if "[remote rejected]" in stderr or "pre-receive hook declined" in stderr:
        return _problem(
            remote,
            f"the remote rejected the push: {said or _last_line(stderr)}",
            f"a hook or rule on the remote declined it; {unchanged}",
        )
    if re.search(
        r"Authentication failed|could not read (Username|Password)|Permission denied"
        r"|terminal prompts disabled|returned error: 40[13]|Invalid username or password",
        stderr,
    ):
        return _problem(
            remote,
            f"authentication failed for {target.remote_url}",
            "publish never asks for a password: set up an SSH key, a credential helper or a "
            f"token, and check with `git ls-remote {remote}`",
        )
    return _problem(
        remote,
        f"git {command} failed: {said or _last_line(stderr)}",
        f"check that {target.remote_url} is reachable with `git ls-remote {remote}`",
    )


def _last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1].removeprefix("fatal: ").removeprefix("error: ") if lines else "no message"


def _problem(path: Path | str, message: str, hint: str = "") -> Problem:
    return Problem(path, message, hint=hint)


def _error(path: Path | str, message: str, hint: str = "") -> PublishError:
    return PublishError([_problem(path, message, hint)])
