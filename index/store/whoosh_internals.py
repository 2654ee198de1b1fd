"""Every use of Whoosh's private names, in one module (as Whoosh keeps its formats behind `codec/`).

The rest of newsarchive talks to Whoosh through its public API and through the names
defined here: a faster writer for the W3 format (codec, posting pool), the table of
contents and its generations (file names, reading a generation, hooks for the durable
commit of `durable.py`), block readers for posting lists and field lengths (the numpy
engine of `search/`), and the BM25F parameters. Written for Whoosh WRITTEN_FOR; a test
checks the installed version, since any of these names may change with it.
"""

from __future__ import annotations

import contextlib
import copyreg
import heapq
import io
import pickle
import re
import struct
import zlib

import numpy as np
import whoosh
from whoosh import scoring, writing
from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3FieldWriter, W3PostingsWriter, W3Segment, _lenfield
from whoosh.filedb import compound as _compound
from whoosh.filedb.filestore import FileStorage, StorageError
from whoosh.filedb.structfile import BufferFile
from whoosh.index import _CURRENT_TOC_VERSION, _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE, TOC, EmptyIndexError, FileIndex, IndexVersionError, ensure_schema
from whoosh.index import IndexError as WhooshIndexError
from whoosh.system import emptybytes
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from ..layout import builder_temporary_name

WRITTEN_FOR = "2.7.4"


def version_mismatch() -> str | None:
    """Why the installed Whoosh may not work with this module, or None when it is the version it was written for."""
    installed = whoosh.versionstring()
    if installed == WRITTEN_FOR:
        return None
    return (f"Whoosh {installed} is installed, but index/store/whoosh_internals.py was written for Whoosh {WRITTEN_FOR}: "
            "check each private name it uses against the new version, then update WRITTEN_FOR")


def file_storage(folder) -> FileStorage:
    """Whoosh's storage of an index folder."""
    return FileStorage(str(folder))


# --- writing the W3 format faster ------------------------------------------------------------

MIN_COMPRESSED_BLOCK = 16  # postings in a block below which zlib costs more time than it saves bytes


class ArchiveCodec(W3Codec):
    """Whoosh's W3 codec, faster to write: small blocks not compressed, field lengths read once, no per-posting assertions.

    Only writing changes: what it writes is the W3 format, read by W3's own readers. The
    class is named in each segment's metadata: when it moves, MOVED_MODULES maps the
    path older indexes name it by. Posting lists are never inlined in the
    term table (W3's default): W3's inline reader (ListMatcher) misjudges block quality
    and drops top hits from optimised searches.
    """

    def __init__(self) -> None:
        super().__init__(blocklimit=128, compression=3, inlinelimit=1)

    def new_segment(self, storage, indexname):
        # A builder may name the segment (new_segment_id): popped, so the codec pickled into the segment carries nothing of it.
        return W3Segment(self, indexname, segid=self.__dict__.pop("_next_segment_id", None))

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids, compression=self._compression, inlinelimit=self._inlinelimit)

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)


class _PostingsWriter(W3PostingsWriter):
    def add_posting(self, id_, weight, vbytes, length=None):
        # W3's version, without its per-posting type assertions.
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def _write_block(self, last=False):
        level = self._compression
        if len(self._ids) < MIN_COMPRESSED_BLOCK:
            self._compression = 0  # the block header records the level, so readers know
        try:
            super()._write_block(last)
        finally:
            self._compression = level


class _FieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        """W3's loop over sorted postings, with each field's lengths read once instead of once per posting."""
        count = lengths.doc_count_all() if lengths is not None else 0
        add_posting = None
        column: list = []
        lastfn = lasttext = None
        for fieldname, btext, docnum, weight, value in items:
            if lastfn is not None and fieldname < lastfn:
                raise OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
            if fieldname == lastfn and lasttext and btext < lasttext:
                raise OutOfOrderError(f"Term {lastfn}:{lasttext!r} .. {fieldname}:{btext!r}")
            if fieldname != lastfn:
                if lasttext is not None:
                    self.finish_term()
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                add_posting = self._postwriter.add_posting
                column = [lengths.doc_field_length(d, fieldname) for d in range(count)] if lengths is not None else []
                lastfn, lasttext = fieldname, None
            if docnum == -1:
                continue  # Whoosh's marker for spelling words, which W3 does not store
            if btext != lasttext:
                if lasttext is not None:
                    self.finish_term()
                self.start_term(btext)
                lasttext = btext
            length = column[docnum] if docnum < count else 0
            add_posting(docnum, weight, emptybytes if value is None else value, length)
        if lasttext is not None:
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


class PostingPool(writing.PostingPool):
    """Whoosh's posting pool, grouped by field and term as postings arrive.

    Whoosh keeps one tuple per posting and sorts them all at commit; documents arrive in
    document order, so grouping by (field, term) leaves only the distinct terms to sort
    (a tenth of the postings). Beyond `limitmb` a sorted run goes to disk, as in Whoosh.
    """

    def __init__(self, tempstore, segment, limitmb: int = 128, **kwargs) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self._fields: dict[str, dict[bytes, list]] = {}

    def add(self, item):
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        postings = terms.get(tbytes)
        if postings is None:
            terms[tbytes] = [(docnum, weight, vbytes)]
        else:
            postings.append((docnum, weight, vbytes))
        # Whoosh's estimate of the posting's memory, which decides when a run goes to disk.
        self.currentsize += 150 + len(fieldname) + 2 * len(tbytes) + len(vbytes or b"")
        if self.currentsize > self.limit:
            self.save()

    def _sorted(self):
        fields, self._fields = self._fields, {}
        for fieldname in sorted(fields):
            terms = fields[fieldname]
            for tbytes in sorted(terms):
                postings = terms[tbytes]
                postings.sort(key=_docnum)  # already in order but for merged segments: one pass
                for docnum, weight, vbytes in postings:
                    yield fieldname, tbytes, docnum, weight, vbytes

    def save(self):
        if self._fields:
            path, f = self._new_run()
            self._write_run(f, self._sorted())
            self._add_run(path)
        self.currentsize = 0

    def items(self, maxfiles=128):
        if not self.runs:
            return self._sorted()
        self.save()
        if maxfiles < len(self.runs):
            self.reduce_to(maxfiles, maxfiles)
        runs, self.runs = self.runs, []
        return self._merge_runs(runs)


def _docnum(posting: tuple) -> int:
    return posting[0]


# --- reading compound segments without copying them ----------------------------------------------


class _ViewReader:
    """A read-only file over a memoryview that copies only what is read.

    Whoosh opens each file inside a compound segment as `BufferFile(memoryview of the
    segment's mmap)`, and BufferFile wraps it in `io.BytesIO`, which copies the whole view:
    every reader (one per request thread) then held a private copy of every posting file,
    hundreds of MB per thread on a mid-sized archive. Over the mmap itself the pages are
    the page cache's, shared by every thread and process.
    """

    __slots__ = ("_pos", "_view")

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, n: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._view) if n is None or n < 0 else min(len(self._view), start + n)
        if end <= start:
            return b""  # at or past the end (a seek may go past it, as with io.BytesIO)
        self._pos = end
        return self._view[start:end].tobytes()

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, limit: int = -1) -> bytes:
        end = len(self._view) if limit is None or limit < 0 else min(len(self._view), self._pos + limit)
        if end <= self._pos:
            return b""
        chunk = self._view[self._pos:end].tobytes()
        cut = chunk.find(b"\n")
        line = chunk if cut == -1 else chunk[: cut + 1]
        self._pos += len(line)
        return line

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._view = memoryview(b"")


class _ZeroCopyBufferFile(BufferFile):
    def __init__(self, buf, name=None, onclose=None) -> None:
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _ViewReader(buf if isinstance(buf, memoryview) else memoryview(buf))


class _ZeroCopyCompoundStorage(_compound.CompoundStorage):
    """Whoosh's CompoundStorage whose files over the segment's mmap are read in place (_ViewReader)."""

    def open_file(self, name, *args, **kwargs):
        if self._source is None:  # not memory-mapped: Whoosh's sub-file reads copy only what they read
            return super().open_file(name, *args, **kwargs)
        if self.is_closed:
            raise StorageError("Storage was closed")
        offset, length = self.range(name)
        return _ZeroCopyBufferFile(memoryview(self._source)[offset:offset + length], name=name)


class ArchiveSegment(W3Segment):
    """A W3 segment whose compound file is read without copying.

    Each table of contents read here gives its W3 segments this class (READ_AS), so every
    reader of an archive reads in place and nothing of Whoosh is patched. Tables of
    contents hold Whoosh's own W3Segment, and never this class's name.
    """

    def open_compound_file(self, storage):
        dbfile = storage.open_file(self.make_filename(self.COMPOUND_EXT))
        return _ZeroCopyCompoundStorage(dbfile, use_mmap=storage.supports_mmap)

    def __reduce_ex__(self, protocol):
        # Written back as the W3Segment it was read as: a table of contents never names this class.
        return copyreg._reconstructor, (W3Segment, object, None), self.__dict__


# --- the table of contents and its generations ------------------------------------------------


def generations(storage, indexname: str) -> list[int]:
    """The generations whose table of contents is in the folder, newest first."""
    pattern = TOC._pattern(indexname)
    found = (pattern.match(name) for name in storage.list())
    return sorted((int(m.group(1)) for m in found if m), reverse=True)


def toc_filename(indexname: str, generation: int) -> str:
    """The file name of a generation's table of contents."""
    return TOC._filename(indexname, generation)


# Whoosh pickles the schema (its fields and analyzers) and each segment's codec into every
# table of contents by import path. When a class moves, the path an earlier release wrote
# is mapped here to where the class lives now, so an index written then still opens.
MOVED_MODULES: dict[str, str] = {
    # index/ split into rooms (release 0.2): the schema and the codec moved to index/store/.
    "newsarchive.index.schema": "newsarchive.index.store.schema",
    "newsarchive.index.whoosh_internals": "newsarchive.index.store.whoosh_internals",
    # Before whoosh_internals.py existed, segments named their codec newsarchive.index.writer.ArchiveCodec.
    "newsarchive.index.writer": "newsarchive.index.store.whoosh_internals",
}


# Classes a table of contents is read into instead of the one it names.
READ_AS = {("whoosh.codec.whoosh3", "W3Segment"): ArchiveSegment}


class _MovedClassUnpickler(pickle.Unpickler):
    """Unpickles a table of contents: classes an earlier release pickled under MOVED_MODULES' old paths found, READ_AS applied."""

    def find_class(self, module: str, name: str):
        return READ_AS.get((module, name)) or super().find_class(MOVED_MODULES.get(module, module), name)


def unpickle(stream):
    """An object pickled in a table of contents, with MOVED_MODULES and READ_AS applied."""
    return _MovedClassUnpickler(stream).load()


def read_toc(storage, indexname: str, generation: int | None = None, schema=None) -> TOC:
    """One generation's table of contents (its schema, segments and number), the newest without `generation`.

    Whoosh's own TOC.read, for the current format only, with classes found through
    MOVED_MODULES. With `schema`, the pickled one is skipped (as Whoosh does).
    """
    if generation is None:
        found = generations(storage, indexname)
        if not found:
            raise EmptyIndexError(f"Index {indexname!r} does not exist in {storage!r}")
        generation = found[0]
    stream = storage.open_file(TOC._filename(indexname, generation))
    try:
        for what, size in (("int", _INT_SIZE), ("long", _LONG_SIZE), ("float", _FLOAT_SIZE)):
            if stream.read_varint() != size:
                raise WhooshIndexError(f"Index was created on a different architecture (size of {what})")
        if stream.read_int() != -12345:
            raise WhooshIndexError("Number misread: byte order problem")
        version = stream.read_int()
        release = (stream.read_varint(), stream.read_varint(), stream.read_varint())
        if version != _CURRENT_TOC_VERSION:
            raise IndexVersionError(f"Can't read format {version}", version)
        if schema:
            stream.skip_string()
        else:
            schema = unpickle(io.BytesIO(stream.read_string()))
        schema = ensure_schema(schema)
        if stream.read_int() != generation:
            raise WhooshIndexError(f"table of contents {generation} names another generation")
        stream.read_int()  # unused by Whoosh
        segments = unpickle(stream.file)
    finally:
        stream.close()
    return TOC(schema, segments, generation, version=version, release=release)


def generation_reader(storage, toc):
    """A reader over the segments of a table of contents."""
    return FileIndex._reader(storage, toc.schema, toc.segments, toc.generation)


def segment_reader(storage, schema, segment):
    """A reader of one segment (its deleted documents as the segment records them)."""
    from whoosh.reading import SegmentReader

    return SegmentReader(storage, schema, segment)


def stale_files(storage, indexname: str, keep_generations: set[int], keep_segments: set[str]) -> list[str]:
    """Index files that belong to no kept generation or segment, and tables of contents a killed writer never renamed."""
    tocs = TOC._pattern(indexname)
    segments = TOC._segment_pattern(indexname)
    unrenamed = re.compile(rf"^_{re.escape(indexname)}_\d+\.toc\.[\d.]+$")
    stale = []
    for name in storage.list():
        toc, segment = tocs.match(name), segments.match(name)
        if (toc and int(toc.group(1)) not in keep_generations) or (segment and segment.group(1) not in keep_segments) or unrenamed.match(name):
            stale.append(name)
    return stale


class GenerationIndex(FileIndex):
    """A Whoosh FileIndex whose current table of contents is the one `current_toc()` (a subclass's) chooses."""

    def __init__(self, storage, schema=None, indexname: str = "MAIN") -> None:
        self.storage = storage
        self._schema = schema
        self.indexname = indexname
        self.current_toc()  # fail now, with the reason, if no generation is readable

    def _read_toc(self):
        return self.current_toc()

    @property
    def given_schema(self):
        """The schema the index was created with in this process, if any (else each TOC has its own)."""
        return self._schema

    @classmethod
    def create_first(cls, storage, schema, indexname: str = "MAIN"):
        """A new, empty index (generation 0) in `storage`."""
        TOC.create(storage, schema, indexname)
        return cls(storage, schema, indexname)

    def current_toc(self):
        """Whoosh's choice, the newest generation (durable.ArchiveIndex falls back to older ones)."""
        return read_toc(self.storage, self.indexname, schema=self._schema)


class PublishingWriter(SegmentWriter):
    """Whoosh's SegmentWriter whose commit hands the final segment list to `publish(segments)` (a subclass's).

    `poolclass` is honoured (Whoosh accepts the argument but never uses it).
    """

    def __init__(self, ix, poolclass=None, limitmb: int = 128, **kwargs) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        if poolclass is not None:
            self.pool = poolclass(self._tempstorage, self.newsegment, limitmb=limitmb)

    def _commit_toc(self, segments) -> None:
        self.publish(segments)

    def publish(self, segments) -> None:
        """Whoosh's commit: the new table of contents, then every older file deleted (durable.SafeSegmentWriter does better)."""
        from whoosh.index import clean_files

        self.write_toc(segments)
        clean_files(self.storage, self.indexname, self.generation, segments)

    def write_toc(self, segments) -> str:
        """Write this generation's table of contents (renamed into place by Whoosh); return its file name."""
        TOC(self.schema, segments, self.generation).write(self.storage, self.indexname)
        return toc_filename(self.indexname, self.generation)


def _field_and_term(posting: tuple) -> tuple:
    return posting[0], posting[1]


def _renumbered_postings(reader, schema, basedoc: int, docmap: dict | None):
    """A segment's postings of live documents as (field, term, new document, weight, value), sorted by field then term."""
    for fieldname in sorted(f for f in reader.indexed_field_names() if f in schema):
        for btext in reader.lexicon(fieldname):
            matcher = reader.postings(fieldname, btext)
            while matcher.is_active():
                docnum = matcher.id()
                yield fieldname, btext, docmap[docnum] if docmap is not None else basedoc + docnum, matcher.weight(), matcher.value()
                matcher.next()


def files_of_segment(names: list[str], segment_id: str) -> list[str]:
    """Which of `names` belong to a segment: its compound file, and every file named after it (its arrays file)."""
    return [name for name in names if name.startswith(segment_id + ".") or name.startswith(segment_id + "_")]


def new_segment_id() -> str:
    """A fresh segment's random part of its name, chosen before it is built (so that its files can be told apart meanwhile)."""
    return W3Segment._random_id()


def segment_id(indexname: str, segid: str) -> str:
    """The name a segment's files start with."""
    return f"{indexname}_{segid}"


class _OwnTemporaryFolder:
    """An index's storage whose temporary folder is one builder's own: Whoosh names it after the index, shared by every writer."""

    def __init__(self, storage, name: str) -> None:
        self.wrapped, self.name = storage, name

    def temp_storage(self, name=None):
        return self.wrapped.temp_storage(self.name)

    def __getattr__(self, name: str):
        return getattr(self.wrapped, name)


class _SchemaOnly:
    """What a SegmentWriter reads of its index, for a writer that builds one segment and publishes nothing."""

    def __init__(self, storage, schema, indexname: str) -> None:
        self.storage, self.schema, self.indexname = storage, schema, indexname

    def _read_toc(self):
        return TOC(self.schema, [], 0)


class SegmentBuilder(SegmentWriter):
    """A Whoosh segment writer that only writes one new segment: no lock, no table of contents.

    Several run at once beside one index (one per indexing worker, as Whoosh's own
    multiprocessing writer runs its sub-writers), each in its own temporary folder; the
    coordinating writer publishes the segments they return.
    """

    def __init__(self, storage, schema, indexname: str, limitmb: int = 128, segid: str | None = None) -> None:
        temporary = builder_temporary_name(random_name())
        codec = ArchiveCodec()
        if segid is not None:
            codec._next_segment_id = segid  # read once by new_segment
        super().__init__(_SchemaOnly(_OwnTemporaryFolder(storage, temporary), schema, indexname), _lk=False, codec=codec, limitmb=limitmb)
        self.pool = PostingPool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def add_segments(self, readers: list) -> None:
        """Merge whole segments in, in order, deleted documents left out: stored fields, columns and lengths
        document by document (Whoosh's write_per_doc), postings term by term.

        Whoosh's add_reader pours every posting into the posting pool, which sorts them all
        again and, past its memory limit, pickles them to disk and back; each segment's
        postings are sorted already, so a k-way merge by (field, term) is enough (documents
        stay in order within a term: segments come in document order). The readers must
        stay open until finish().
        """
        streams = []
        for reader in readers:
            basedoc = self.docnum
            fieldnames = set(self.schema.names()) | {f for f in reader.indexed_field_names() if f in self.schema}
            docmap = self.write_per_doc(fieldnames, reader)
            streams.append(_renumbered_postings(reader, self.schema, basedoc, docmap))
        self._merged_postings = heapq.merge(*streams, key=_field_and_term)
        self._added = True

    def _flush_segment(self):
        merged = getattr(self, "_merged_postings", None)
        if merged is None:
            return super()._flush_segment()
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, merged)
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()
        return None

    def finish(self):
        """Write the segment's postings, assemble its compound file, and return the segment (picklable)."""
        segment = self._finalize_segment()
        self._finish()
        return segment

    def abandon(self) -> None:
        """Stop, removing what was written of the segment."""
        self.cancel()
        for name in files_of_segment(self.storage.list(), self.newsegment.segment_id()):
            with contextlib.suppress(OSError):
                self.storage.delete_file(name)


# --- reading postings and lengths a block at a time (search/postings.py) -----------------------

BYTE_TO_LENGTH = np.array([0.0] + [byte_to_length(b) for b in range(1, 256)])


def leaf_lengths(leaf, fieldname: str, count: int) -> np.ndarray:
    """A segment's field lengths: its one-byte length column decoded at once (W3 layout), else document by document."""
    try:
        column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return np.zeros(count)
        raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        codes = np.zeros(count, dtype=np.uint8)
        codes[:raw.size] = raw[:count]
        return BYTE_TO_LENGTH[codes]
    except AttributeError:  # another codec: ask Whoosh for each document
        return np.array([leaf.doc_field_length(d, fieldname, 1) or 0 for d in range(count)], dtype=np.float64)


def _leaf_matcher(leaf, fieldname: str, btext: bytes):
    matcher = leaf.postings(fieldname, btext)
    return getattr(matcher, "child", matcher)  # without the deletion filter: callers mask deleted documents by array


def leaf_postings(leaf, fieldname: str, btext: bytes) -> tuple[list, list]:
    """Every (id, weight) of a term in one segment, deleted documents included, a block at a time."""
    matcher = _leaf_matcher(leaf, fieldname, btext)
    ids: list = []
    weights: list = []
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):  # W3LeafMatcher: blocks on disk
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
        return ids, weights
    while matcher.is_active():  # inline posting lists (ListMatcher) and anything else
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def leaf_positions(leaf, fieldname: str, btext: bytes, decode) -> tuple[list, list]:
    """Every (id, positions) of a term in one segment, deleted documents included, a block at a time when the codec allows."""
    matcher = _leaf_matcher(leaf, fieldname, btext)
    ids: list = []
    positions: list = []
    if hasattr(matcher, "_read_values") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_values()
            ids.extend(matcher._ids)
            positions.extend(decode(v) for v in matcher._values)
            matcher._next_block()
        return ids, positions
    while matcher.is_active():
        ids.append(matcher.id())
        positions.append(matcher.value_as("positions"))
        matcher.next()
    return ids, positions


_BLOCK_LENGTH = struct.Struct("!i")  # W3: a block's byte length, negative for a term's last block


def leaf_term_documents(leaf, fieldname: str):
    """(term bytes, document numbers) of every term of a field in one segment, deleted documents included.

    For reading a whole field (search/words.py): W3 posting lists are parsed straight from
    the postings file, the term table walked once, a term's bytes read at once and each
    block's ids un-delta-encoded with numpy, about 12 µs a term instead of the 80 µs of a
    matcher per term. Another codec falls back to the matchers (`leaf_postings`).
    """
    terms = getattr(leaf, "_terms", None)
    postfile = getattr(terms, "_postfile", None)
    for btext, info in leaf.iter_field(fieldname):
        if postfile is None or not hasattr(info, "extent"):
            ids, _ = leaf_postings(leaf, fieldname, btext)
            yield btext, np.asarray(ids, dtype=np.int64)
        elif info.is_inlined():
            yield btext, np.asarray(info.inlined_postings()[0], dtype=np.int64)
        else:
            offset, length = info.extent()
            length = length[0] if isinstance(length, tuple) else length  # W3TermInfo.from_bytes leaves it a 1-tuple
            yield btext, _block_ids(postfile.get(offset, length))


def _block_ids(data: bytes) -> np.ndarray:
    # W3's layout (W3PostingsWriter._write_block): a 4-byte magic, then per block its signed
    # length, a pickled info tuple (count, last id, max weight, compression, lengths) and the
    # data: a pickled (ids delta-encoded from 0 in each block, weights, values), zlib'd if compressed.
    stream = io.BytesIO(data)
    blocks = []
    position = 4
    while True:
        length = _BLOCK_LENGTH.unpack_from(data, position)[0]
        position += _INT_SIZE
        end = position + abs(length)
        stream.seek(position)
        info = pickle.load(stream)
        block = data[stream.tell():end]
        deltas = pickle.loads(zlib.decompress(block) if info[3] else block)[0]
        blocks.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))
        if length < 0:
            break
        position = end
    return blocks[0] if len(blocks) == 1 else np.concatenate(blocks)


def bm25f_parameters(weighting) -> tuple[float, float]:
    """(B, K1) of a BM25F weighting, the only one the numpy engine reproduces (one B for every field)."""
    if type(weighting) is not scoring.BM25F or weighting._field_B:
        raise TypeError("the numpy engine reproduces Whoosh's BM25F with one B for every field only")
    return weighting.B, weighting.K1
