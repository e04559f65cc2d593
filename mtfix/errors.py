"""The error family of mtfix and the exit statuses of its commands."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit codes (contract: see ARCHITECTURE.md)."""

    SUCCESS = 0
    FINDINGS = 1
    BAD_INPUT = 2


class MtfixError(Exception):
    """Bad input or usage: one clear message naming the file and line.

    Attributes:
        message: What is wrong, in a sentence.
        path: The file at fault, if any.
        line: The 1-based line in that file, if known.
    """

    exit_status = ExitStatus.BAD_INPUT

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.message}" if where else self.message


class GlossaryError(MtfixError):
    """A glossary file that cannot be read or whose rules fail their examples."""


class FormatError(MtfixError):
    """A document or memory file that is not what its format says it is."""
