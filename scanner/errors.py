"""Errors that end a run, each carrying its exit code and, where it has one, a file and line."""

from __future__ import annotations


class GovscanError(Exception):
    """Base of the errors the CLI reports; `exit_code` is what the process returns."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class UsageError(GovscanError):
    """Wrong options or arguments (exit 2)."""


class PolicyError(GovscanError):
    """A policy file that is malformed or loosens the baseline (exit 2)."""


class CatalogError(GovscanError):
    """A check or framework file that is malformed (exit 2)."""


class PluginError(GovscanError):
    """A provider or report plugin that cannot be loaded (exit 2)."""


class ScanIncomplete(GovscanError):
    """The scan could not complete (exit 3)."""

    exit_code = 3
