"""The enriched folder `newsarchive enrich` writes: its plan of partitions, and its files written atomically.

The client cuts the inputs into partitions (`plan_partitions`, a key per partition from
the inputs and options), `prepare_folder` keeps the part files of this plan that are
done and removes the rest, the workers write their part files (`atomic_file`) and
markers, and `finish_folder` writes the failures and the manifest. The line format and
reading the folder back are inputs/enriched.py's.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import secrets
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..article import Failure
from ..inputs.enriched import FAILURES, FORMAT, MANIFEST, MARKER, PART_GLOB, done_name, part_name
from ..inputs.readers import file_kind
from ..inputs.warc import count_pages


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
def atomic_file(path: Path, compress: bool = False) -> Iterator[io.BufferedIOBase]:
    """Write `path` through a dot-file beside it, fsync it, then rename it over `path` (and fsync the folder).

    Readers, and a re-run deciding what is done, see the old file or the whole new one.
    """
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}"
    # Created with mode 0o666 for the kernel to apply the process's umask: an ordinary file of the folder.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
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
