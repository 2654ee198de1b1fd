"""The original input of every article, compressed and content-addressed beside the index.

Keeping the bytes an article was extracted from lets a reader see the page as archived
and lets the archive be re-extracted later with better rules without the original files.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path

from ..layout import ORIGINALS

FOLDER = ORIGINALS


def digest(raw: bytes) -> str:
    """The content address of some bytes (SHA-1, hex)."""
    return hashlib.sha1(raw).hexdigest()


class OriginalStore:
    """originals/ab/abcdef….gz files under an index folder."""

    def __init__(self, index_dir: Path) -> None:
        self.root = Path(index_dir) / FOLDER

    def path(self, key: str) -> Path:
        """Where the original with this address lives."""
        if len(key) != 40 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError(f"not an original's address: {key!r}")
        return self.root / key[:2] / f"{key}.gz"

    def put(self, raw: bytes) -> str:
        """Store `raw` (once: same bytes, same file) and return its address."""
        key = digest(raw)
        target = self.path(key)
        if target.exists():
            return key
        # Write beside, then rename: a crash never leaves a truncated original behind.
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        except FileNotFoundError:  # the first original in this folder (a mkdir every time costs more)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=6, mtime=0) as gz:
                gz.write(raw)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> bytes | None:
        """The stored bytes, or None when this address is not stored."""
        try:
            target = self.path(key)
        except ValueError:
            return None
        if not target.exists():
            return None
        with gzip.open(target, "rb") as fh:
            return fh.read()
