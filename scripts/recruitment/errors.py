"""The one exception base of the library: a problem the person running a command must fix.

Every library error a contributor can cause (no package here, a refused ``--out``, a ref
that is not there, a refused article, a bump or release that cannot be made) is a
:class:`RecruitmentError` subclass. It carries the exit code and the line the command
prints; ``cli.py`` maps it once, for every command, so no command wraps calls of its own.
Anything else that escapes a command is a bug, reported as one (never a traceback).
"""

from __future__ import annotations

EXIT_INVALID = 1
"""The data (or a built dist/) is invalid: the findings or the message say what to fix."""
EXIT_USAGE = 2
"""A usage or I/O problem: the command could not do its work."""


class RecruitmentError(Exception):
    """A problem for the person running the command, not a bug in the pipeline."""

    exit_code = EXIT_USAGE
    param: str | None = None
    """The command-line parameter at fault (shown as click shows a bad parameter), if any."""

    def message(self) -> str:
        """The line the command prints on stderr."""
        return f"error: {self}"
