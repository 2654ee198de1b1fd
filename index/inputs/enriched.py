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
import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..article import Article, Failure, RawRecord
from ..store.originals import digest

MARKER = "newsarchive_enriched"
FORMAT = 1  # the marker's value: the version of this line format
KIND = "enriched"  # RawRecord.kind of an enriched line (never an Article.kind: articles keep their input's kind)
MANIFEST = "_manifest.json"
FAILURES = "failures.jsonl"
PART_GLOB = "part-*.jsonl.gz"

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
