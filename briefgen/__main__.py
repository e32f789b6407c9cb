"""`python -m briefgen` runs the command line."""

from __future__ import annotations

from briefgen.cli import console

console()
