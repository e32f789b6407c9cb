"""The live preview behind `briefgen serve`: see `briefgen.serve.preview`.

The package itself holds only the preview's defaults, so that the command line can show them
without importing the server.
"""

from __future__ import annotations

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
