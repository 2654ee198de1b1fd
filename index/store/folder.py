"""An index folder: where it is, whether it holds an index, and opening it for reading.

Reading needs nothing of the writer (index/store/writer.py): the web and the searches import
this module only.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ArchiveIndexError
from ..layout import INDEX_NAME, META
from .durable import ArchiveIndex
from .userfiles import UserFileError, read_json


def default_index_dir() -> Path:
    """`$NEWSARCHIVE_INDEX`, else ./newsarchive-index."""
    return Path(os.environ.get("NEWSARCHIVE_INDEX") or "newsarchive-index")


def index_exists(path: Path) -> bool:
    """True when `path` holds a newsarchive index."""
    # Any table of contents counts: ArchiveIndex falls back to an older generation if
    # the newest is unreadable, so whoosh.index.exists_in (which opens it) is not used.
    return path.is_dir() and any(path.glob(f"_{INDEX_NAME}_*.toc"))


def open_index(path: Path) -> ArchiveIndex:
    """Open an existing index for reading; ArchiveIndexError with a helpful message if there is none."""
    path = Path(path)
    if not path.exists():
        raise ArchiveIndexError(f"no index at {path}: create one with `newsarchive index --index {path} FILES...`")
    if not index_exists(path):
        raise ArchiveIndexError(f"{path} is not a newsarchive index (no {INDEX_NAME} table of contents found)")
    try:
        return ArchiveIndex.open(path, indexname=INDEX_NAME)
    except (OSError, ValueError, EOFError) as exc:
        raise ArchiveIndexError(f"cannot open the index at {path}: {exc}") from exc


def read_meta(folder: Path) -> dict:
    """The index's metadata (newsarchive.json: its schema version, written by the writer); UserFileError when unsound."""
    meta = read_json(Path(folder) / META, {})
    if not isinstance(meta, dict) or not isinstance(meta.get("schema_version"), int):
        raise UserFileError(f"{Path(folder) / META} holds no schema_version")
    return meta
