"""What a folder holds, for tests that compare sites and prove a previous output untouched."""

from __future__ import annotations

from pathlib import Path


def file_tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` by its POSIX path relative to it, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
