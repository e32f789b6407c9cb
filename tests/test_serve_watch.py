"""What the preview's watcher takes for a change of the site's sources, and how it groups them."""

from __future__ import annotations

import queue
from pathlib import Path

import pytest
from watchdog.events import (
    DirModifiedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
    FileSystemEvent,
)

from briefgen.model import SiteConfig
from briefgen.serve.watch import Debouncer, SourceWatcher, is_scratch_name, watch_targets
from briefgen.theme import packaged_themes_dir

DEADLINE = 10.0


@pytest.mark.parametrize(
    "name",
    [
        ".alpha.yaml.swp",
        ".alpha.yaml.swo",
        ".alpha.yaml.swpx",
        "alpha.yaml.swp",
        "4913",
        "5036",
        "alpha.yaml~",
        "alpha.yaml___jb_tmp___",
        "alpha.yaml___jb_old___",
        "#alpha.yaml#",
        ".#alpha.yaml",
        ".DS_Store",
        ".goutputstream-X1Y2Z3",
        "alpha.yaml.tmp",
        "alpha.txt.crswap",
        "sedHsT0sU",
    ],
)
def test_editor_scratch_files_are_not_content(name: str) -> None:
    assert is_scratch_name(name)


@pytest.mark.parametrize(
    "name",
    ["alpha.yaml", "2024-elections.yaml", "000_fee48bf4d28e4dfa.txt", "style.css", "fr.yaml"],
)
def test_ordinary_names_are_content(name: str) -> None:
    assert not is_scratch_name(name)


@pytest.fixture
def project(tmp_path: Path) -> SiteConfig:
    for folder in ("content", "seeds", "_site", ".git"):
        (tmp_path / folder).mkdir()
    return SiteConfig(root=tmp_path, title="t", config_path=tmp_path / "briefgen.yaml")


def relayed(project: SiteConfig, *events: FileSystemEvent) -> list[Path]:
    changes: list[Path] = []
    watcher = SourceWatcher(changes.append)
    watcher.watch(watch_targets(project))
    try:
        for event in events:
            watcher.relay(event)
    finally:
        watcher.stop()
    return changes


def test_writing_moving_and_deleting_sources_are_changes(project: SiteConfig) -> None:
    root = project.root
    assert relayed(
        project,
        FileModifiedEvent(str(root / "briefgen.yaml")),
        FileCreatedEvent(str(root / "content/a.yaml")),
        FileClosedEvent(str(root / "seeds/a.txt")),
        FileDeletedEvent(str(root / "seeds/b.txt")),
        FileMovedEvent(str(root / "content/a.yaml"), str(root / "content/a.yaml~")),
        FileModifiedEvent(str(root / "themes/default/templates/base.html")),
        FileModifiedEvent(str(root / "actors.yaml")),
    ) == [
        root / "briefgen.yaml",
        root / "content/a.yaml",
        root / "seeds/a.txt",
        root / "seeds/b.txt",
        root / "content/a.yaml",
        root / "themes/default/templates/base.html",
        root / "actors.yaml",
    ]


def test_reading_files_as_the_build_does_is_no_change(project: SiteConfig) -> None:
    """Otherwise every build would set off the next one."""
    path = str(project.root / "content/a.yaml")
    assert relayed(project, FileOpenedEvent(path), FileClosedNoWriteEvent(path)) == []


def test_files_outside_the_sources_and_scratch_files_are_no_change(project: SiteConfig) -> None:
    root = project.root
    assert (
        relayed(
            project,
            FileCreatedEvent(str(root / "_site/index.html")),
            FileModifiedEvent(str(root / ".git/index")),
            FileModifiedEvent(str(root / "notes.txt")),
            FileCreatedEvent(str(root / "content/.a.yaml.swp")),
            FileCreatedEvent(str(root / "content/4913")),
            FileCreatedEvent(str(root / "themes/default/.cache/x")),
            DirModifiedEvent(str(root / "content")),
        )
        == []
    )


def test_existing_folders_are_watched_whole_and_missing_ones_from_their_parent(
    project: SiteConfig,
) -> None:
    root = project.root
    schedules = watch_targets(project).schedules()
    assert (root / "content", True) in schedules
    assert (root / "seeds", True) in schedules
    assert (root, False) in schedules, "briefgen.yaml, and themes/ once it is created"
    assert (packaged_themes_dir() / "default", True) in schedules
    assert not any(folder.is_relative_to(root / "_site") for folder, _ in schedules)


def test_a_burst_of_changes_is_handed_over_once_it_is_quiet(tmp_path: Path) -> None:
    bursts: queue.Queue[frozenset[Path]] = queue.Queue()
    debouncer = Debouncer(bursts.put, quiet=0.05)
    debouncer.start()
    try:
        names = [tmp_path / f"{index}.yaml" for index in range(20)]
        for path in names:
            path.write_text("title: x\n")
            debouncer.changed(path)
        assert bursts.get(timeout=DEADLINE) == frozenset(names)
        (tmp_path / "late.yaml").write_text("title: y\n")
        debouncer.changed(tmp_path / "late.yaml")
        assert bursts.get(timeout=DEADLINE) == {tmp_path / "late.yaml"}
    finally:
        debouncer.stop()
