"""Per-document arrays written beside each segment at commit, memory-mapped by searches at open.

What the first search of a generation needs per document (the facet fields' (document,
value) pairs, the numeric columns of dates and additions, the field lengths BM25F scores
with) is computed once, when the durable commit (durable.py) publishes a new segment, a
merged one included, and written beside it as `<segment id>.arrays` (layout.py). A search
maps the file (numpy.memmap) instead of reading every document of the segment, so opening
an archive costs about the same at any size, and processes serving one index share the
pages through the page cache.

The arrays describe every document of the segment, deleted or not: a segment's file never
changes once written, and a search masks deleted documents with Whoosh's deletions.
The name starts with the segment's id, so everything that follows a segment's files
follows this one too: the fixity manifest hashes it, `check` verifies it, `backup` copies
it and the commit's cleaning deletes it with its segment.

The format, plain enough for any numpy to read:

    8 bytes      MAGIC
    8 bytes      the header's length in bytes, unsigned little-endian
    header       JSON: {"format", "segment", "docs", "arrays": {name: [dtype, count, offset]},
                        "values": {facet field: [value, ...]}}
    data         from the first multiple of ALIGN bytes after the header: each array at its
                 offset from there (a multiple of ALIGN), in its dtype (numpy's notation)

Arrays: `facet.<field>.docs` and `facet.<field>.vals` (int32: a document of the segment and
the number of its value in `values[field]`, values numbered in order of first appearance,
documents in order), `column.<name>` (int64, the numeric columns COLUMNS),
`length.<field>` (float64, the decoded one-byte length Whoosh keeps per scorable field), and
the (document, term) pairs of titles and bodies the characteristic words count
(word_rows.py): `words.starts` (int64, one more than the documents), `words.tids`
(int32) and `words.terms` (uint8: the terms in UTF-8, separated by newlines). A
part the segment lacks (a column or the facet column of an older schema) is left out, and
a search computes it from the segment as before. An index written before these files
opens and answers the same, computed from its segments; a merge (or `newsarchive
optimize`) gives it the files.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..layout import segment_arrays_name
from .schema import FACET_COLUMN, FACET_FIELDS, read_facet_terms
from .whoosh_internals import leaf_lengths
from .word_rows import WORD_FIELDS, LeafWords, decode_terms, encode_terms, read_leaf

MAGIC = b"NAARRAY1"
FORMAT = "newsarchive-segment-arrays/1"
ALIGN = 64
COLUMNS = ("day_newest", "added", "added_at")  # the numeric columns a search reads per document
_LENGTH = struct.Struct("<Q")


@dataclass
class SegmentArrays:
    """The arrays of one segment's file, mapped: nothing is read until used."""

    segment: str
    docs: int
    values: dict[str, list[str]]
    arrays: dict[str, np.ndarray]

    def facet(self, field: str) -> tuple[list[str], np.ndarray, np.ndarray] | None:
        """(values, documents, value numbers) of a facet field, None when the file has no facets."""
        docs, vals = self.arrays.get(f"facet.{field}.docs"), self.arrays.get(f"facet.{field}.vals")
        if docs is None or vals is None or field not in self.values:
            return None
        return self.values[field], docs, vals

    @property
    def has_facets(self) -> bool:
        return all(field in self.values for field in FACET_FIELDS)

    def column(self, name: str) -> np.ndarray | None:
        return self.arrays.get(f"column.{name}")

    def lengths(self, field: str) -> np.ndarray | None:
        return self.arrays.get(f"length.{field}")

    def words(self) -> LeafWords | None:
        """The (document, term) pairs of titles and bodies (word_rows.py), None when the file has none."""
        starts, tids, terms = (self.arrays.get(f"words.{part}") for part in ("starts", "tids", "terms"))
        if starts is None or tids is None or terms is None:
            return None
        return LeafWords(decode_terms(terms), starts, tids)


# -- writing (at commit) ----------------------------------------------------------------------


def compute(leaf, schema) -> tuple[dict[str, list[str]], dict[str, np.ndarray]]:
    """(facet values, arrays) of every document of a segment, deleted ones included."""
    count = leaf.doc_count_all()
    values: dict[str, list[str]] = {}
    arrays: dict[str, np.ndarray] = {}
    if FACET_COLUMN in schema and leaf.has_column(FACET_COLUMN):
        column = leaf.column_reader(FACET_COLUMN)
        indexes: list[dict[str, int]] = [{} for _ in FACET_FIELDS]
        docs: list[list[int]] = [[] for _ in FACET_FIELDS]
        vals: list[list[int]] = [[] for _ in FACET_FIELDS]
        for docnum in range(count):
            for i, terms in enumerate(read_facet_terms(column[docnum])):
                index = indexes[i]
                for term in terms:
                    docs[i].append(docnum)
                    vals[i].append(index.setdefault(term, len(index)))
        for i, field in enumerate(FACET_FIELDS):
            values[field] = list(indexes[i])
            arrays[f"facet.{field}.docs"] = np.array(docs[i], dtype=np.int32)
            arrays[f"facet.{field}.vals"] = np.array(vals[i], dtype=np.int32)
    for name in COLUMNS:
        if name in schema and leaf.has_column(name):
            column = leaf.column_reader(name)
            arrays[f"column.{name}"] = np.fromiter((column[i] for i in range(count)), dtype=np.int64, count=count)
    for name in schema.names():
        if schema[name].scorable:
            arrays[f"length.{name}"] = np.asarray(leaf_lengths(leaf, name, count), dtype=np.float64)
    if all(name in schema for name in WORD_FIELDS):
        words = read_leaf(leaf)
        arrays["words.starts"], arrays["words.tids"], arrays["words.terms"] = words.starts, words.tids, encode_terms(words.terms)
    return values, arrays


def encode(segment: str, docs: int, values: dict[str, list[str]], arrays: dict[str, np.ndarray]) -> bytes:
    """The file's bytes."""
    table: dict[str, list] = {}
    offset = 0
    for name, array in arrays.items():
        table[name] = [array.dtype.str, int(array.size), offset]
        offset += _aligned(array.nbytes)
    header = {"format": FORMAT, "segment": segment, "docs": docs, "arrays": table, "values": values}
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    out = bytearray(MAGIC + _LENGTH.pack(len(text)) + text)
    out += bytes(_aligned(len(out)) - len(out))
    for array in arrays.values():
        out += np.ascontiguousarray(array).tobytes()
        out += bytes(_aligned(array.nbytes) - array.nbytes)
    return bytes(out)


def write_segment_arrays(folder: Path, leaf, schema, segment_id: str) -> str:
    """Write a segment's arrays file beside it (not flushed: the commit flushes its segments' files); its name."""
    values, arrays = compute(leaf, schema)
    name = segment_arrays_name(segment_id)
    (Path(folder) / name).write_bytes(encode(segment_id, leaf.doc_count_all(), values, arrays))
    return name


def _aligned(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


# -- reading (at open) ------------------------------------------------------------------------


def open_segment_arrays(folder: Path, segment_id: str, docs: int) -> SegmentArrays | None:
    """A segment's arrays mapped, or None when it has no sound file of them (an older index, or damage: `check` names it)."""
    path = Path(folder) / segment_arrays_name(segment_id)
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        return _mapped(path, segment_id, docs)
    return None


def _mapped(path: Path, segment_id: str, docs: int) -> SegmentArrays | None:
    with open(path, "rb") as fh:
        head = fh.read(len(MAGIC) + _LENGTH.size)
        if len(head) < len(MAGIC) + _LENGTH.size or head[:len(MAGIC)] != MAGIC:
            return None
        (length,) = _LENGTH.unpack_from(head, len(MAGIC))
        header = json.loads(fh.read(length).decode("utf-8"))
        size = os.fstat(fh.fileno()).st_size
    if header.get("format") != FORMAT or header.get("segment") != segment_id or header.get("docs") != docs:
        return None
    table = header["arrays"]
    start = _aligned(len(MAGIC) + _LENGTH.size + length)
    if any(offset % ALIGN or start + offset + count * np.dtype(dtype).itemsize > size for dtype, count, offset in table.values()):
        return None  # a truncated file
    whole = np.memmap(path, dtype=np.uint8, mode="r")[start:]
    arrays = {name: whole[offset:offset + count * np.dtype(dtype).itemsize].view(np.dtype(dtype))
              for name, (dtype, count, offset) in table.items()}
    values = header.get("values") or {}
    for name, array in arrays.items():
        if name.startswith(("column.", "length.")) and array.size != docs:
            return None
    if "words.starts" in arrays and arrays["words.starts"].size != docs + 1:
        return None
    return SegmentArrays(segment_id, docs, {k: list(v) for k, v in values.items()}, arrays)
