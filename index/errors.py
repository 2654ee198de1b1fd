"""The errors of an index folder; the CLI maps each to its exit code, the web to its status (503)."""

from __future__ import annotations


class ArchiveIndexError(RuntimeError):
    """The index folder cannot be opened or written; the message says why."""


class IndexLockedError(ArchiveIndexError):
    """Another process is writing the index."""


class CommitVerificationError(ArchiveIndexError):
    """A freshly written generation did not read back; it was discarded and the previous one stays."""
