"""The user's files beside the index (saved searches, collections, the sources and alias templates): written atomically.

A write goes to a temporary file in the same folder, is flushed to disk, then renamed over
the old file (and the folder entry flushed): a crash leaves the old file or the new one,
never half of one. Read-modify-write runs under an OS file lock, so two processes (the
server and the CLI) never lose each other's changes. A file that cannot be read is
reported by name with the reason, and is never replaced by an empty one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class UserFileError(ValueError):
    """A user file of the index cannot be read; the message names it and says why."""


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) in one rename, flushed to disk."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def read_json(path: Path, default: Any) -> Any:
    """The JSON in `path` (`default` when the file does not exist); UserFileError when it is not valid JSON."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return default
    except (OSError, UnicodeDecodeError) as exc:
        raise UserFileError(f"{path} cannot be read ({exc}); fix or remove it") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserFileError(f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); fix or remove it") from exc


def write_json(path: Path, data: Any) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for a read-modify-write of `path` (a `.lock` file beside it; released if the process dies)."""
    lock = Path(path).with_name(Path(path).name + ".lock")
    with open(lock, "a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
