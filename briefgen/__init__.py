"""briefgen: a static site generator for briefings on current events."""

from __future__ import annotations

__version__ = "0.1.0"
