"""Find article files on disk and read them into raw records, one failure at a time."""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from .article import Failure, RawRecord
from .encoding import DecodeError, declared_charset, decode

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}

# One article is never this big; a file that is, is a dump or a mistake, not an article.
MAX_ARTICLE_BYTES = 20 * 1024 * 1024


def file_kind(path: Path) -> str | None:
    """The reader for a file name ("html", "text", "jsonl"), or None when unsupported."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if not suffixes:
        return None
    last = suffixes[-1]
    if last in HTML_SUFFIXES:
        return "html"
    if last in TEXT_SUFFIXES:
        return "text"
    if last in JSONL_SUFFIXES:
        return "jsonl"
    return None


def discover(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Failure]:
    """Yield the supported files under `paths` (recursively, sorted) or a Failure per bad path."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            # followlinks=False: a symlinked folder pointing at an ancestor cannot loop us.
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    child = Path(root) / name
                    if file_kind(child) is not None:
                        yield child
        elif path.is_file():
            if file_kind(path) is None:
                yield Failure(str(path), "unsupported file type (expected .html, .htm, .txt, .jsonl, optionally .gz)")
            else:
                yield path
        elif path.is_symlink():
            yield Failure(str(path), "broken or looping symbolic link")
        elif not path.exists():
            yield Failure(str(path), "no such file or directory")
        else:
            yield Failure(str(path), "not a regular file or directory")


def _open(path: Path):
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")
    return open(path, "rb")


def _read_whole(path: Path) -> bytes:
    with _open(path) as fh:
        data = fh.read(MAX_ARTICLE_BYTES + 1)
    if len(data) > MAX_ARTICLE_BYTES:
        raise ValueError(f"file larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB: too big to be one article")
    return data


def _io_reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "compressed file is truncated"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return f"corrupt gzip data ({exc})"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def read(path: Path) -> Iterator[RawRecord | Failure]:
    """Yield the raw records of one file; anything unreadable becomes a Failure."""
    kind = file_kind(path)
    origin = str(path)
    if kind == "jsonl":
        yield from _read_jsonl(path)
        return
    try:
        data = _read_whole(path)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        yield Failure(origin, _io_reason(exc))
        return
    if not data.strip():
        yield Failure(origin, "empty file")
        return
    try:
        text, _ = decode(data, declared_charset(data) if kind == "html" else None)
    except DecodeError as exc:
        yield Failure(origin, str(exc))
        return
    yield RawRecord(origin=origin, kind="html" if kind == "html" else "text", content=text, raw=data)


def _read_jsonl(path: Path) -> Iterator[RawRecord | Failure]:
    lineno = 0
    seen_content = False
    try:
        with _open(path) as fh:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                seen_content = True
                origin = f"{path}:{lineno}"
                try:
                    obj = json.loads(line.decode("utf-8-sig"))
                except UnicodeDecodeError:
                    yield Failure(origin, "line is not valid UTF-8 (JSON lines must be UTF-8)")
                    continue
                except json.JSONDecodeError as exc:
                    yield Failure(origin, f"invalid JSON: {exc.msg} at column {exc.colno}")
                    continue
                if not isinstance(obj, dict):
                    yield Failure(origin, f"expected a JSON object per line, got {type(obj).__name__}")
                    continue
                yield RawRecord(origin=origin, kind="fields", fields=obj, raw=line.strip())
    except (OSError, EOFError, zlib.error) as exc:
        where = f"{path}:{lineno + 1}" if lineno else str(path)
        yield Failure(where, _io_reason(exc))
        return
    if not seen_content:
        yield Failure(str(path), "empty file")


def count_records(path: Path) -> int:
    """How many records `read` will yield at most (lines for JSON lines, else 1); cheap."""
    if file_kind(path) != "jsonl":
        return 1
    count = 0
    try:
        with _open(path) as fh:
            for line in fh:
                if line.strip():
                    count += 1
    except (OSError, EOFError, zlib.error):
        count = max(count, 1)
    return count
