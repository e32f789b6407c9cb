"""Problems in user input, and the exceptions that carry them.

A build collects problems instead of stopping at the first one (GUIDE.md), so a user with three
bad files sees three lines at once. Every problem names its file and, where one exists, the line
and column, formatted the way editors and terminals make clickable: `path:line:col: message`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (error) or suspicious (warning) in one input file."""

    path: Path | str
    message: str
    line: int | None = None
    column: int | None = None
    hint: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def relative_to(self, root: Path) -> Problem:
        """The same problem with its path shown relative to `root`, as users type it."""
        path = Path(self.path)
        try:
            shown: Path | str = path.relative_to(root)
        except ValueError:
            shown = path
        return Problem(shown, self.message, self.line, self.column, self.hint, self.severity)


def warning(
    path: Path | str,
    message: str,
    line: int | None = None,
    column: int | None = None,
    hint: str = "",
) -> Problem:
    """A problem that does not stop the build."""
    return Problem(path, message, line, column, hint, "warning")


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop a build."""
    return [p for p in problems if p.severity == "error"]


class BriefgenError(Exception):
    """Base of every error briefgen reports to a user as one-line messages, never a traceback."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(BriefgenError):
    """`briefgen.yaml` (or the command line) is unusable."""


class BuildFailed(BriefgenError):
    """The build found errors in its input; the previous site was left as it was."""


class OutputError(BriefgenError):
    """The output directory cannot be written safely."""
