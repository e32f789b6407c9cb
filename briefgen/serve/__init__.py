"""The live preview behind `briefgen serve`: see `briefgen.serve.preview`."""

from __future__ import annotations

from briefgen.serve.preview import Notice, Preview, serve
from briefgen.serve.server import DEFAULT_HOST, DEFAULT_PORT

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "Notice", "Preview", "serve"]
