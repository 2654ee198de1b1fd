"""Enriched records: complete articles in JSON lines, as `newsarchive enrich` writes them, and the folder that holds them.

An enriched line is `Article.to_json()` plus what indexing needs and extraction alone
does not give: the MinHash values of the text (near-duplicate groups) and the original
input's bytes (base64, so the index stores the same originals a direct run would). Its
first field is the marker, so a reader recognises the line before parsing it:

    {"newsarchive_enriched": 1, "id": ..., "persons": [...], "quotes": [...], "signature": [...], "raw": "PGh0..."}
    {"newsarchive_enriched": 1, "failure": {"input": "crawl.warc.gz#12", "reason": "..."}}

A record that could not be read or extracted is kept as a failure line in its place, so
indexing the folder reports the same failures indexing the inputs does. The folder:

    DIR/_manifest.json          the plan: partitions, their keys and records (written by the client)
    DIR/part-00042.jsonl.gz     one partition's lines, in input order (written by the worker that made it)
    DIR/part-00042.done         its marker: key, articles, failures (written after the part file)
    DIR/failures.jsonl          every failure of the folder, for people (the part files hold them too)

Every file is written beside its name, fsynced, then renamed: a killed worker or client
leaves a dot-file, never a truncated part file that looks finished.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import gzip
import hashlib
import json
import os
import re
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from ..article import Article, Failure, RawRecord
from ..inputs.warc import count_pages
from ..store.originals import digest

MARKER = "newsarchive_enriched"
FORMAT = 1  # the marker's value: the version of this line format
KIND = "enriched"  # RawRecord.kind of an enriched line (never an Article.kind: articles keep their input's kind)
MANIFEST = "_manifest.json"
FAILURES = "failures.jsonl"
PART_GLOB = "part-*.jsonl.gz"

_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once, at import: os.umask is the only way to read it
# Matched on the raw bytes, before any decoding or JSON parsing: reading an enriched folder
# must cost no more than reading a JSON-lines file.
_MARKED = re.compile(rb'\s*\{\s*"' + MARKER.encode() + rb'"\s*:\s*' + str(FORMAT).encode() + rb"\b")


def part_name(number: int) -> str:
    """The part file of partition `number` (numbered from 1)."""
    return f"part-{number:05d}.jsonl.gz"


def done_name(number: int) -> str:
    """The marker saying partition `number` is finished."""
    return f"part-{number:05d}.done"


def is_enriched_line(line: bytes) -> bool:
    """True for a line written by `enriched_line` (checked on the bytes, without parsing)."""
    return _MARKED.match(line) is not None


def is_enriched_folder(folder: Path) -> bool:
    """True for a folder `newsarchive enrich` wrote (it has the manifest)."""
    return (Path(folder) / MANIFEST).is_file()


def skipped_when_reading(path: Path) -> bool:
    """Files of an enriched folder that are no input: failures.jsonl repeats the failure lines of the part files."""
    return path.name == FAILURES and is_enriched_folder(path.parent)


def enriched_line(item: Article | Failure) -> bytes:
    """One JSON line (with its newline) for an article, as the worker pipeline made it, or for a failure."""
    if isinstance(item, Failure):
        data: dict[str, Any] = {MARKER: FORMAT, "failure": {"input": item.origin, "reason": item.reason}}
    else:
        signature = None if item.signature is None else [int(v) for v in item.signature]
        data = {MARKER: FORMAT, **item.to_json(), "signature": signature, "raw": base64.b64encode(item.raw).decode("ascii")}
    # UTF-8 as is: the reader parses these lines directly, without the mojibake repair of foreign JSON lines.
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def record_of_line(origin: str, line: bytes) -> RawRecord:
    """The raw record of an enriched line: parsed later, in a worker (`article_of_record`), not in the reading process."""
    return RawRecord(origin=origin, kind=KIND, content=line.decode("utf-8", "replace"))


def article_of_record(record: RawRecord) -> Article | Failure:
    """The Article an enriched record holds (with its original bytes and signature), or the failure it records."""
    try:
        data = json.loads(record.content)
        if "failure" in data:
            return Failure(str(data["failure"]["input"]), str(data["failure"]["reason"]))
        article = Article.from_json(data)
        article.raw = base64.b64decode(data.get("raw") or "", validate=True)
        signature = data.get("signature")
        article.signature = None if signature is None else np.array(signature, dtype=np.uint64)
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        return Failure(record.origin, f"broken enriched record: {type(exc).__name__}: {exc}")
    # The original's address is its hash: a record whose bytes do not match would store a wrong original.
    if article.raw and article.original != digest(article.raw):
        return Failure(record.origin, "broken enriched record: its original bytes do not match its address")
    return article


def part_files(folder: Path) -> list[Path]:
    """The part files of an enriched folder, in partition order."""
    return sorted(Path(folder).glob(PART_GLOB))


def read_folder(folder: Path) -> Iterator[Article | Failure]:
    """Every article (and recorded failure) of an enriched folder, in input order, without a Whoosh index."""
    for path in part_files(folder):
        with gzip.open(path, "rb") as fh:
            for lineno, line in enumerate(fh, start=1):
                if line.strip():
                    record = record_of_line(f"{path}:{lineno}", line)
                    yield article_of_record(record) if is_enriched_line(line) else Failure(record.origin, "not an enriched record")


# --- partitions: the plan of a folder, made by the client from the inputs alone ----------------


@dataclass(frozen=True)
class Slice:
    """Records of one file: [start, stop) physical lines of JSON lines, pages of a WARC; (0, None) is the whole file."""

    path: str  # absolute: where the workers read it
    name: str  # as the user gave it: the origin articles report, as `newsarchive index` would
    start: int = 0
    stop: int | None = None
    offset: int | None = None  # byte offset of line `start` in an uncompressed file: the worker seeks instead of reading up to it


@dataclass(frozen=True)
class Partition:
    """One task: its number (part file), its slices, how many records they hold, and its key."""

    number: int
    slices: tuple[Slice, ...]
    records: int
    key: str


def _positions(path: Path) -> Iterator[tuple[int, int | None]]:
    """(record position, byte offset or None) of each record: physical line of JSON lines, page of a WARC; at least one."""
    from ..inputs.readers import file_kind  # readers imports this module (to recognise enriched lines)

    kind = file_kind(path)
    if kind == "warc":
        yield from ((i, None) for i in range(count_pages(path)))
        return
    if kind != "jsonl":
        yield 0, None
        return
    plain = path.suffix.lower() != ".gz"
    seen = False
    try:
        with gzip.open(path, "rb") if not plain else open(path, "rb") as fh:
            offset = 0
            for lineno, line in enumerate(fh):
                if line.strip():
                    seen = True
                    yield lineno, offset if plain else None
                offset += len(line)
    except (OSError, EOFError, ValueError, zlib.error):
        pass  # the worker reading the file's last range reports what is wrong with it, as `index` would
    if not seen:
        yield 0, None


def plan_partitions(files: Iterable[Path], partition_size: int, options: str = "") -> list[Partition]:
    """Cut the inputs into partitions of `partition_size` records, in input order (`options` enters every key)."""
    partitions: list[Partition] = []
    slices: list[Slice] = []
    count = 0

    def close() -> None:
        nonlocal slices, count
        stats = sorted({s.path for s in slices})
        described = [FORMAT, options, [(s.path, s.name, s.start, s.stop) for s in slices], [_stat(p) for p in stats]]
        key = hashlib.sha1(json.dumps(described).encode("utf-8")).hexdigest()
        partitions.append(Partition(len(partitions) + 1, tuple(slices), count, key))
        slices, count = [], 0

    for given in files:
        path, name = str(Path(given).resolve()), str(given)
        begun: tuple[int, int | None] | None = None  # where the current slice of this file starts
        first = True
        for position, offset in _positions(Path(given)):
            if count == partition_size:  # the partition is full: this record begins the next one
                if begun is not None:
                    slices.append(Slice(path, name, begun[0], position, begun[1]))
                close()
                begun = None
            if begun is None:
                # A file's first slice starts at its beginning (blank lines before its first record included).
                begun = (0, 0 if offset is not None else None) if first else (position, offset)
                first = False
            count += 1
        if begun is not None:
            slices.append(Slice(path, name, begun[0], None, begun[1]))
    if slices:
        close()
    return partitions


def _stat(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


# --- writing: atomic files -------------------------------------------------------------------


@contextlib.contextmanager
def atomic_file(path: Path, compress: bool = False) -> Iterator[IO[bytes]]:
    """Write `path` through a dot-file beside it, fsync it, then rename it over `path` (and fsync the folder).

    Readers, and a re-run deciding what is done, see the old file or the whole new one.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as raw:
            if compress:
                # mtime=0: the same records make the same bytes, whichever worker wrote them.
                with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz:
                    yield gz
            else:
                yield raw
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes it private; the folder's files are ordinary ones
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def write_json(path: Path, data: Any) -> None:
    """A small JSON file (manifest, marker), atomically."""
    with atomic_file(path) as fh:
        fh.write((json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def read_json(path: Path) -> Any:
    """A small JSON file, or None when it is missing or unreadable (an unfinished or foreign file)."""
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _fsync_folder(folder: Path) -> None:
    # The rename itself is durable only once the folder is synced (POSIX); not every filesystem allows it.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- the folder --------------------------------------------------------------------------------


def prepare_folder(out: Path, partitions: list, options: dict) -> set[int]:
    """Create the folder, remove the part files the plan does not have, write the manifest; return the partitions done already.

    A partition is done when its part file exists and its marker has the partition's key.
    Part files of another plan (other inputs, options or partition size) would be indexed
    with these: they are removed before anything is written. A part file of this plan
    without its marker yet is left alone: a task of an interrupted run may still be
    finishing it, and this run's task rewrites it whole anyway.
    """
    out.mkdir(parents=True, exist_ok=True)
    keys = {p.number: p.key for p in partitions}
    markers = {p.number: (read_json(out / done_name(p.number)) or {}).get("key") for p in partitions}
    done = {n for n, key in keys.items() if markers[n] == key and (out / part_name(n)).is_file()}
    stale = {n for n, key in markers.items() if key is not None and key != keys[n]}
    for path in [*out.glob(PART_GLOB), *out.glob("part-*.done")]:
        number = int(path.name[5:10]) if path.name[5:10].isdigit() else None
        if number not in keys or number in stale:
            path.unlink()
    write_json(out / MANIFEST, _manifest(partitions, options, complete=False))
    return done


def finish_folder(out: Path, partitions: list, options: dict, failures: list[Failure], complete: bool) -> None:
    """Write DIR/failures.jsonl (every failure of the folder) and the manifest, saying whether every partition is done."""
    with atomic_file(out / FAILURES) as fh:
        for f in failures:
            fh.write((json.dumps({"input": f.origin, "reason": f.reason}, ensure_ascii=False) + "\n").encode("utf-8"))
    write_json(out / MANIFEST, _manifest(partitions, options, complete))
    if complete:
        # Dot-files of workers that died mid-partition: every partition of the plan is whole now.
        for leftover in out.glob(".part-*"):
            leftover.unlink(missing_ok=True)


def _manifest(partitions: list, options: dict, complete: bool) -> dict:
    return {MARKER: FORMAT, "complete": complete, "entities": options["entities"], "aliases": bool(options.get("aliases")),
            "partitions": [{"number": p.number, "file": part_name(p.number), "key": p.key, "records": p.records,
                            "inputs": [{"file": s.name, "start": s.start, "stop": s.stop} for s in p.slices]} for p in partitions]}
