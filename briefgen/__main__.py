"""`python -m briefgen` runs the command line."""

from __future__ import annotations

import sys

from briefgen.cli import console

sys.exit(console())
