"""Find article files on disk and read them into raw records, one failure at a time.

A page, a text or a Word file is one article, unless its content is a press-database
export (exports/), which is split into its articles: `<file>#<n>` is the n-th.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..article import MAX_ARTICLE_BYTES, Failure, RawRecord
from . import exports
from .encoding import DecodeError, declared_charset, decode, repair_mojibake
from .enriched import is_enriched_line, record_of_line, skipped_when_reading
from .warc import count_pages, page_record, read_warc

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc"}
WORD_SUFFIXES = {".docx"}
# An export of a thousand articles is tens of MB; anything larger than one article must prove to be one.
MAX_EXPORT_BYTES = 512 * 1024 * 1024


def file_kind(path: Path) -> str | None:
    """The reader for a file name ("html", "text", "jsonl", "warc", "docx"), or None when unsupported."""
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
    if last in WARC_SUFFIXES:
        return "warc"
    if last in WORD_SUFFIXES:
        return "docx"
    return None


def discover(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Failure]:
    """Yield the supported files under `paths` (recursively, sorted) or a Failure per bad path.

    Named pipes, sockets and device files are never opened (reading a named pipe waits
    forever): each is a Failure; inside a folder, those with a supported name (the others
    are skipped, like any unsupported file).
    """

    def not_a_file(mode: int) -> str | None:
        if stat.S_ISFIFO(mode):
            return "a named pipe, not a file: skipped"
        if stat.S_ISSOCK(mode):
            return "a socket, not a file: skipped"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            return "a device file, not a file: skipped"
        return None if stat.S_ISREG(mode) else "not a regular file: skipped"

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
                    if file_kind(child) is None:
                        continue
                    try:
                        special = not_a_file(child.stat().st_mode)
                    except OSError:
                        special = None  # a broken link: reading it reports why
                    yield child if special is None else Failure(str(child), special)
        elif path.is_file():
            if file_kind(path) is None:
                yield Failure(str(path), "unsupported file type (expected .html, .htm, .txt, .docx, .jsonl, .warc, optionally .gz)")
            else:
                yield path
        elif path.is_symlink() and not path.exists():
            yield Failure(str(path), "broken or looping symbolic link")
        elif not path.exists():
            yield Failure(str(path), "no such file or directory")
        else:
            yield Failure(str(path), not_a_file(path.stat().st_mode) or "not a regular file or directory")


def _open(path: Path):
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")
    return open(path, "rb")


def _read_whole(path: Path) -> bytes:
    with _open(path) as fh:
        data = fh.read(MAX_EXPORT_BYTES + 1)
    if len(data) > MAX_EXPORT_BYTES:
        raise ValueError(f"file larger than {MAX_EXPORT_BYTES // (1024 * 1024)} MB: too big to be read")
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
        if not skipped_when_reading(path):
            yield from _read_jsonl(path)
        return
    if kind == "warc":
        yield from read_warc(path)
        return
    try:
        data = _read_whole(path)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        yield Failure(origin, _io_reason(exc))
        return
    if not data.strip():
        yield Failure(origin, "empty file")
        return
    fmt = exports.recognise(data)
    if fmt is not None:
        yield from _export_records(origin, fmt, data)
    elif len(data) > MAX_ARTICLE_BYTES:
        yield Failure(origin, f"file larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB: too big to be one article")
    elif kind == "docx":
        yield _word_record(origin, data)
    else:
        yield _file_record(origin, "html" if kind == "html" else "text", data)


def _export_records(origin: str, fmt: exports.ExportFormat, data: bytes) -> Iterator[RawRecord | Failure]:
    """One record per article of an export, a failure per article that could not be read; never one giant article."""
    articles = 0
    cuts: list[str] = []
    for item in fmt.split(data):
        if isinstance(item, exports.Cut):
            cuts.append(item.reason)
            yield Failure(f"{origin}#{item.number}", item.reason)
        else:
            articles += 1
            yield _press_record(f"{origin}#{articles + len(cuts)}", fmt, item)
    if not articles and not cuts:
        yield Failure(origin, f"looks like a {fmt.NAME} export, but holds no article")


def _press_record(origin: str, fmt: exports.ExportFormat, article: exports.PressArticle) -> RawRecord:
    return RawRecord(origin=origin, kind=fmt.NAME, fields=article.fields(), raw=article.part)


def _word_record(origin: str, data: bytes) -> RawRecord | Failure:
    """A Word file that is no export: its paragraphs are one article, read as a text file is."""
    try:
        paragraphs = exports.nexis_docx.paragraphs(data)
    except ValueError as exc:
        return Failure(origin, f"not a readable Word file ({exc})")
    return RawRecord(origin=origin, kind="docx", content="\n\n".join(paragraphs), raw=data)


def _file_record(origin: str, kind: str, data: bytes) -> RawRecord | Failure:
    try:
        text, _ = decode(data, declared_charset(data) if kind == "html" else None)
    except DecodeError as exc:
        return Failure(origin, str(exc))
    return RawRecord(origin=origin, kind=kind, content=text, raw=data)


def _line_record(origin: str, line: bytes) -> RawRecord | Failure:
    if is_enriched_line(line):
        return record_of_line(origin, line)  # a complete article from `newsarchive enrich`: parsed in a worker
    try:
        obj = json.loads(repair_mojibake(line.decode("utf-8-sig")))
    except UnicodeDecodeError:
        return Failure(origin, "line is not valid UTF-8 (JSON lines must be UTF-8)")
    except json.JSONDecodeError as exc:
        return Failure(origin, f"invalid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(obj, dict):
        return Failure(origin, f"expected a JSON object per line, got {type(obj).__name__}")
    return RawRecord(origin=origin, kind="fields", fields=obj, raw=line.strip())


def guess_kind(origin: str) -> str:
    """How an input was read, from its origin alone (for articles indexed before Article.kind existed)."""
    if re.search(r"#\d+$", origin) and file_kind(Path(origin.rsplit("#", 1)[0])) == "warc":
        return "warc"
    if re.search(r":\d+$", origin) and file_kind(Path(origin.rsplit(":", 1)[0])) == "jsonl":
        return "fields"
    return "html" if file_kind(Path(origin)) == "html" else "text"


def record_from_original(kind: str, origin: str, raw: bytes, url: str | None = None) -> RawRecord | Failure:
    """Rebuild the raw record an article was read from (`kind` = Article.kind) from its stored original bytes."""
    # A WARC page's URL came from the archive, not from its bytes: the caller passes the stored one.
    if kind in ("html", "text"):
        return _file_record(origin, kind, raw)
    if kind == "fields":
        return _line_record(origin, raw)
    if kind == "warc":
        return page_record(origin, url, raw)
    if kind == "docx":
        return _word_record(origin, raw)
    fmt = exports.by_name(kind)
    if fmt is not None:  # an article of an export: its own part of the export, read alone
        found = next((a for a in fmt.split(raw) if isinstance(a, exports.PressArticle)), None)
        return _press_record(origin, fmt, found) if found else Failure(origin, f"the stored part of a {kind} export holds no article")
    return Failure(origin, f"unknown input kind {kind!r}")


def _read_jsonl(path: Path) -> Iterator[RawRecord | Failure]:
    lineno = 0
    seen_content = False
    try:
        with _open(path) as fh:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                seen_content = True
                yield _line_record(f"{path}:{lineno}", line)
    except (OSError, EOFError, zlib.error) as exc:
        where = f"{path}:{lineno + 1}" if lineno else str(path)
        yield Failure(where, _io_reason(exc))
        return
    if not seen_content:
        yield Failure(str(path), "empty file")


def count_records(path: Path) -> int:
    """How many records `read` will yield at most (lines for JSON lines, pages for WARC, else 1)."""
    kind = file_kind(path)
    if kind == "warc":
        return count_pages(path)
    if kind != "jsonl":
        try:
            data = _read_whole(path)
        except (OSError, EOFError, zlib.error, ValueError):
            return 1
        fmt = exports.recognise(data)
        return max(1, fmt.count(data)) if fmt else 1
    count = 0
    try:
        with _open(path) as fh:
            for line in fh:
                if line.strip():
                    count += 1
    except (OSError, EOFError, zlib.error):
        count = max(count, 1)
    return count
