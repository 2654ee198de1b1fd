"""WARC and WARC.gz files (web archives): each HTML page a crawler saved is one article.

A `response` record with HTTP status 200 and an HTML content type is an article whose
URL is the record's WARC-Target-URI; requests, metadata, redirects, images and the like
are skipped. Records are read one at a time (a crawl can be many gigabytes), and a
record that cannot be read is a Failure for that record only.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from ..article import MAX_ARTICLE_BYTES, Failure, RawRecord
from .encoding import DecodeError, declared_charset, decode

HTML_TYPES = ("text/html", "application/xhtml+xml")


def _one_member_per_record(head: bytes) -> bool:
    # A WARC.gz as crawlers write it is one gzip member per record: the first member ends
    # early. A whole-file gzip (one member for all) is not read by warcio; gzip reads both.
    inflater = zlib.decompressobj(wbits=31)
    try:
        inflater.decompress(head)
    except zlib.error:
        return False
    return inflater.eof and bool(inflater.unused_data)  # another member follows the first


def _open(path: Path):
    with open(path, "rb") as probe:
        head = probe.read(1 << 20)
    if head[:2] == b"\x1f\x8b" and not _one_member_per_record(head):
        return gzip.open(path, "rb")
    # warcio reads gzip members one by one itself: a truncated file keeps its first records.
    return open(path, "rb")


def _invalid(record) -> str | None:
    # warcio is lenient: it reads any text as an old ARC record, and a header block without
    # WARC-Type as a record of no type. Neither is a record of a WARC file.
    if record.format != "warc":
        return "not a WARC record (no WARC/1.x header)"
    if not record.rec_type:
        return "not a valid WARC record (no WARC-Type)"
    return None


def _http_charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
    if not match:
        return None
    # Reuse the page-level rules (latin-1 labels read as windows-1252).
    return declared_charset(f'<meta charset="{match.group(1)}">'.encode("ascii", "ignore"))


def is_article(record) -> bool:
    """True for a response record holding an HTML page served with status 200."""
    if record.rec_type != "response" or record.http_headers is None:
        return False
    if record.http_headers.get_statuscode() != "200":
        return False
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return content_type.startswith(HTML_TYPES)


def page_record(origin: str, url: str | None, payload: bytes, http_charset: str | None = None) -> RawRecord | Failure:
    """The raw record of one archived HTML page (also used to re-extract it from its stored original)."""
    if not payload.strip():
        return Failure(origin, "empty HTTP response")
    try:
        text, _ = decode(payload, declared_charset(payload) or http_charset)
    except DecodeError as exc:
        return Failure(origin, str(exc))
    return RawRecord(origin=origin, kind="warc", content=text, fields={"url": url} if url else {}, raw=payload)


def _payload(record) -> bytes:
    # content_stream() undoes chunked transfer and gzip/deflate/brotli content encoding.
    data = record.content_stream().read(MAX_ARTICLE_BYTES + 1)
    if len(data) > MAX_ARTICLE_BYTES:
        raise ValueError(f"page larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB: too big to be one article")
    return data


def read_warc(path: Path) -> Iterator[RawRecord | Failure]:
    """Yield one raw record per HTML page of a WARC file, or a Failure per unreadable record."""
    from warcio.archiveiterator import ArchiveIterator

    number = pages = 0
    try:
        fh = _open(path)
    except OSError as exc:
        yield Failure(str(path), _reason(exc))
        return
    with fh:
        records = iter(ArchiveIterator(fh))
        while True:
            try:
                record = next(records)
            except StopIteration:
                if not pages:
                    yield Failure(str(path), "no HTML page in this web archive" if number else "empty file")
                return
            except Exception as exc:  # noqa: BLE001 - warcio raises several kinds on a broken archive
                # The archive's structure is broken here: later records cannot be found again.
                yield Failure(f"{path}#{number + 1}", _reason(exc))
                return
            number += 1
            if problem := _invalid(record):
                yield Failure(f"{path}#{number}", problem)
                return
            if not is_article(record):
                continue
            pages += 1
            origin = f"{path}#{number}"
            try:
                payload = _payload(record)
            except Exception as exc:  # noqa: BLE001 - a bad record (broken gzip body, bad chunking) must not stop the file
                yield Failure(origin, f"unreadable HTTP response: {type(exc).__name__}: {exc}")
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            yield page_record(origin, record.rec_headers.get_header("WARC-Target-URI"), payload, _http_charset(content_type))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "compressed file is truncated"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return f"corrupt gzip data ({exc})"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return f"not a valid WARC record: {exc}"


def count_pages(path: Path) -> int:
    """How many HTML pages `read_warc` will yield at most (reads record headers only)."""
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    try:
        with _open(path) as fh:
            for record in ArchiveIterator(fh):
                count += is_article(record)
    except Exception:  # noqa: BLE001 - only a progress estimate: reading reports the real problem
        pass
    return max(count, 1)
