"""The write stage: the site appears whole or not at all, and nothing else is ever deleted."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from trees import file_tree

from briefgen import write as write_module
from briefgen.errors import OutputError
from briefgen.write import MARKER, StagedSite, _link_tree


def write_site(files: dict[str, bytes], output: Path, kept: tuple[str, ...] = ()) -> None:
    """What `build` does with a site: every file, then the kept ones, then the swap."""
    with StagedSite(output) as staged:
        for name, data in files.items():
            staged.add(name, data)
        staged.keep(kept)
        staged.commit()


def test_writes_every_file_and_the_marker(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"index.html": b"<p>hi</p>", "briefings/a/index.html": b"a"}, out)
    assert file_tree(out) == {
        "index.html": b"<p>hi</p>",
        "briefings/a/index.html": b"a",
        MARKER: (out / MARKER).read_bytes(),
    }


def test_a_second_build_replaces_the_first_without_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"old.html": b"old", "index.html": b"1"}, out)
    write_site({"index.html": b"2"}, out)
    assert set(file_tree(out)) == {"index.html", MARKER}
    assert (out / "index.html").read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_a_failed_write_leaves_the_previous_site_intact(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"index.html": b"good"}, out)
    before = file_tree(out)
    with pytest.raises(ValueError):
        write_site({"index.html": b"new", "../escape.html": b"x"}, out)
    assert file_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_refuses_to_replace_a_directory_briefgen_did_not_create(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"years of work")
    with pytest.raises(OutputError, match="not created by briefgen"):
        write_site({"index.html": b"x"}, out)
    assert (out / "thesis.docx").read_bytes() == b"years of work"


def test_an_empty_existing_directory_may_become_the_site(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    out.mkdir()
    write_site({"index.html": b"x"}, out)
    assert (out / "index.html").read_bytes() == b"x"


@pytest.mark.parametrize("name", ["/etc/passwd", "a/../../x", "a\\..\\x", "nul\0byte"])
def test_paths_that_leave_the_output_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        write_site({name: b"x"}, tmp_path / "_site")
    assert not (tmp_path / "_site").exists()


def test_an_interruption_during_the_swap_puts_the_previous_site_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "_site"
    write_site({"index.html": b"good"}, out)
    before = file_tree(out)
    real_rename = Path.rename

    def interrupted(self: Path, target: Path) -> Path:
        if self.name.startswith(".") and "staging" in self.name:
            raise KeyboardInterrupt  # Ctrl-C after the old site was moved aside
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_site({"index.html": b"new"}, out)
    monkeypatch.undo()
    assert file_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_kept_files_are_the_previous_files_themselves(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"index.html": b"1", "briefings/a/index.html": b"a"}, out)
    kept_inode = (out / "briefings/a/index.html").stat().st_ino
    write_site({"index.html": b"2"}, out, kept=("briefings/a/index.html",))
    assert file_tree(out) == {"index.html": b"2", "briefings/a/index.html": b"a", MARKER: ANY}
    assert (out / "briefings/a/index.html").stat().st_ino == kept_inode


def test_keeping_a_file_that_is_gone_fails_and_leaves_the_site(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"index.html": b"1"}, out)
    before = file_tree(out)
    with pytest.raises(OutputError, match="removed while briefgen was building"):
        write_site({"index.html": b"2"}, out, kept=("gone.html",))
    assert file_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_a_staged_site_left_without_commit_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"index.html": b"good"}, out)
    before = file_tree(out)
    with StagedSite(out) as staged:
        staged.add("index.html", b"half-built")
    assert file_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def write_with_spare(
    files: dict[str, bytes], output: Path, spare: Path, kept: tuple[str, ...] = ()
) -> None:
    """`write_site` keeping the retired site as a spare, as `build` does."""
    with StagedSite(output, spare=spare) as staged:
        for name, data in files.items():
            staged.add(name, data)
        staged.keep(kept)
        staged.commit()


def test_a_spare_site_is_updated_into_the_next_site_exactly(tmp_path: Path) -> None:
    out, spare = tmp_path / "_site", tmp_path / "cache" / "spare"
    write_with_spare({"index.html": b"1", "a/index.html": b"a", "gone.html": b"g"}, out, spare)
    write_with_spare({"index.html": b"2", "a/index.html": b"a2", "b/index.html": b"b"}, out, spare)
    assert file_tree(spare) == {
        "index.html": b"1",
        "a/index.html": b"a",
        "gone.html": b"g",
        MARKER: ANY,
        ".briefgen-stale": b"",  # the second site made every file anew
    }, "the first site, retired whole"
    kept_inode = (out / "b/index.html").stat().st_ino
    write_with_spare({"index.html": b"3", "c/index.html": b"c"}, out, spare, kept=("b/index.html",))
    assert file_tree(out) == {
        "index.html": b"3",
        "b/index.html": b"b",
        "c/index.html": b"c",
        MARKER: ANY,
    }
    assert (out / "b/index.html").stat().st_ino == kept_inode
    assert not (out / "a").exists(), "folders the new site lacks are gone"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "cache"]


def test_writing_into_a_spare_never_changes_the_current_site(tmp_path: Path) -> None:
    out, spare = tmp_path / "_site", tmp_path / "spare"
    write_with_spare({"index.html": b"1", "a.html": b"a"}, out, spare)
    write_with_spare({"index.html": b"2"}, out, spare, kept=("a.html",))
    write_with_spare({"index.html": b"3"}, out, spare, kept=("a.html",))
    assert (spare / "a.html").samefile(out / "a.html"), "the spare shares the unchanged file"
    with StagedSite(out, spare=spare) as staged:
        staged.add("a.html", b"changed")
        assert (out / "a.html").read_bytes() == b"a", "before the swap, the site is as it was"
        staged.add("index.html", b"4")
    assert file_tree(out) == {"index.html": b"3", "a.html": b"a", MARKER: ANY}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "spare"]


def test_a_spare_whose_files_and_folders_trade_places_gives_the_new_site(tmp_path: Path) -> None:
    out, spare = tmp_path / "_site", tmp_path / "spare"
    write_with_spare({"x": b"file", "y/index.html": b"folder"}, out, spare)
    write_with_spare({"index.html": b"1"}, out, spare)
    write_with_spare({"x/index.html": b"now a folder", "y": b"now a file"}, out, spare)
    assert file_tree(out) == {"x/index.html": b"now a folder", "y": b"now a file", MARKER: ANY}


def test_a_link_planted_in_a_spare_is_removed_not_followed(tmp_path: Path) -> None:
    out, spare, elsewhere = tmp_path / "_site", tmp_path / "spare", tmp_path / "elsewhere"
    write_with_spare({"index.html": b"1", "a/index.html": b"a"}, out, spare)
    write_with_spare({"index.html": b"2"}, out, spare)
    elsewhere.mkdir()
    (spare / "a" / "index.html").unlink()
    (spare / "a").rmdir()
    (spare / "a").symlink_to(elsewhere, target_is_directory=True)
    write_with_spare({"index.html": b"3", "a/index.html": b"new"}, out, spare)
    assert list(elsewhere.iterdir()) == []
    assert file_tree(out) == {"index.html": b"3", "a/index.html": b"new", MARKER: ANY}


def test_a_folder_at_the_spare_place_that_briefgen_did_not_make_is_left_alone(
    tmp_path: Path,
) -> None:
    out, spare = tmp_path / "_site", tmp_path / "spare"
    spare.mkdir()
    (spare / "notes.txt").write_bytes(b"mine")
    write_with_spare({"index.html": b"1"}, out, spare)
    write_with_spare({"index.html": b"2"}, out, spare)
    assert file_tree(spare) == {"notes.txt": b"mine"}
    assert file_tree(out) == {"index.html": b"2", MARKER: ANY}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "spare"]


@pytest.fixture(autouse=True)
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mirror is made by a forked process, which briefgen refuses with other threads running,
    as other tests may have left; these tests run nothing that forking would upset."""
    monkeypatch.setattr(write_module, "can_fork", lambda: True)


def write_mirrored(files: dict[str, bytes], output: Path, kept: tuple[str, ...] = ()) -> None:
    """`write_site` as `build` does it without a spare, when most of the output stays."""
    with StagedSite(output, mirror=True) as staged:
        for name, data in files.items():
            staged.add(name, data)
        staged.keep(kept)
        staged.commit()


def _failing_mirror(source: str, target: str) -> None:
    """A mirror that fails after linking, before telling what: the staging folder is read."""
    _link_tree(source, target)
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("mirror", ["whole", "failing after linking"])
def test_a_mirrored_build_gives_the_new_site_and_never_writes_into_the_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mirror: str
) -> None:
    if mirror != "whole":
        monkeypatch.setattr(write_module, "_link_tree", _failing_mirror)
    out = tmp_path / "_site"
    write_site({"index.html": b"1", "a/index.html": b"a", "b/gone.html": b"g"}, out)
    held = tmp_path / "held"
    os.link(out / "index.html", held)  # the first site's file, whatever becomes of its name
    kept_inode = (out / "a/index.html").stat().st_ino
    write_mirrored({"index.html": b"2", "c/index.html": b"c"}, out, kept=("a/index.html",))
    assert file_tree(out) == {
        "index.html": b"2",
        "a/index.html": b"a",
        "c/index.html": b"c",
        MARKER: ANY,
    }
    assert held.read_bytes() == b"1", "the changed file was replaced, not written into"
    assert (out / "a/index.html").stat().st_ino == kept_inode, "the kept file is linked"
    assert not (out / "b").exists(), "folders the new site lacks are gone"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "held"]


def test_a_mirrored_build_left_without_commit_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"index.html": b"good", "a/index.html": b"a"}, out)
    before = file_tree(out)
    with pytest.raises(RuntimeError), StagedSite(out, mirror=True) as staged:
        staged.add("index.html", b"half-built")
        raise RuntimeError("a theme error, say")
    assert file_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_a_mirrored_build_whose_files_and_folders_trade_places_gives_the_new_site(
    tmp_path: Path,
) -> None:
    out = tmp_path / "_site"
    write_site({"x": b"file", "y/index.html": b"folder", "z/index.html": b"z"}, out)
    write_mirrored({"x/index.html": b"now a folder", "y": b"now a file"}, out, ("z/index.html",))
    assert file_tree(out) == {
        "x/index.html": b"now a folder",
        "y": b"now a file",
        "z/index.html": b"z",
        MARKER: ANY,
    }


def test_a_mirror_leaves_what_the_build_wrote_first(tmp_path: Path) -> None:
    """The mirror links while the build writes: a place the build took is the build's."""
    out, staging = tmp_path / "_site", tmp_path / "staging"
    write_site({"index.html": b"old", "a/index.html": b"old a", "a/b.html": b"b"}, out)
    (staging / "a").mkdir(parents=True)
    (staging / "a" / "index.html").write_bytes(b"new a")
    _link_tree(str(out), str(staging))
    assert file_tree(staging) == {
        "index.html": b"old",
        "a/index.html": b"new a",
        "a/b.html": b"b",
        MARKER: ANY,
    }
    assert (staging / "a/b.html").samefile(out / "a/b.html")


def test_a_spare_retired_by_a_site_made_anew_is_deleted_not_updated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a build that made every file anew (a new theme, say), the retired site shares no
    file with the output: the next build has it deleted aside and a mirror made, instead of
    replacing each of its files while the build waits."""
    out, cache = tmp_path / "_site", tmp_path / "cache"
    spare = cache / "spare"
    pages = {f"p{number}/index.html": b"1" for number in range(10)}
    write_with_spare(pages, out, spare)
    write_with_spare({name: b"2" for name in pages}, out, spare)  # every file anew
    (cache / "spare.stale-1").mkdir()  # what an interrupted deletion left
    (cache / "spare.stale-1" / "index.html").write_bytes(b"0")
    replaced: list[str] = []
    remove = write_module._remove

    def remove_noted(path: str | Path) -> None:
        replaced.append(str(path))
        remove(path)

    monkeypatch.setattr(write_module, "_remove", remove_noted)
    with StagedSite(out, spare=spare, mirror=True) as staged:
        staged.add("p0/index.html", b"3")
        staged.keep(name for name in pages if name != "p0/index.html")
        staged.commit()
    assert file_tree(out) == {**{name: b"2" for name in pages}, "p0/index.html": b"3", MARKER: ANY}
    assert [path for path in replaced if not path.endswith("p0/index.html")] == [], (
        "no file of the stale spare was replaced"
    )
    assert sorted(p.name for p in cache.iterdir()) == ["spare"], "stale spares deleted"
    assert (spare / "p1/index.html").samefile(out / "p1/index.html"), "a spare that shares"


def test_a_stale_spare_is_updated_where_no_process_can_delete_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write_module, "can_fork", lambda: False)
    out, spare = tmp_path / "_site", tmp_path / "cache" / "spare"
    write_with_spare({"index.html": b"1", "a/index.html": b"a"}, out, spare)
    write_with_spare({"index.html": b"2", "a/index.html": b"a2"}, out, spare)
    write_with_spare({"index.html": b"3"}, out, spare, kept=("a/index.html",))
    assert file_tree(out) == {"index.html": b"3", "a/index.html": b"a2", MARKER: ANY}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "cache"]


def test_a_folder_filled_while_it_is_deleted_is_deleted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mirror may link into a folder of the staging area while the build deletes it to
    write a file there: the folder is not empty when its turn comes, and is deleted again."""
    out, spare = tmp_path / "_site", tmp_path / "spare"
    write_with_spare({"x/index.html": b"x", "kept.html": b"k"}, out, spare)
    write_with_spare({"x/index.html": b"x2"}, out, spare, kept=("kept.html",))
    real = shutil.rmtree
    attempts: list[Path] = []

    def raced(path: Path, *args: Any, **kwargs: Any) -> None:
        attempts.append(Path(path))
        if len(attempts) == 1:  # emptied, then a link comes in before the folder goes
            real(path)
            Path(path).mkdir()
            (Path(path) / "late.html").write_bytes(b"linked meanwhile")
            raise OSError(errno.ENOTEMPTY, "Directory not empty", str(path))
        real(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", raced)
    write_with_spare({"x": b"now a file"}, out, spare, kept=("kept.html",))
    assert file_tree(out) == {"x": b"now a file", "kept.html": b"k", MARKER: ANY}
    assert attempts[:2] == [attempts[0]] * 2, "the same folder, deleted twice"
