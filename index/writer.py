"""Writing articles into the Whoosh index: one writer at a time, commits in batches."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import writing
from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PostingsWriter
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.system import emptybytes

from .analysis import fold
from .article import Article
from .dedup import DuplicateGroups
from .durable import ArchiveIndex
from .metadata import content_hash
from .originals import OriginalStore
from .schema import (
    FACET_COLUMN,
    SCHEMA_VERSION,
    TEXT_FIELDS,
    UNDATED_LAST,
    VALUE_SEPARATOR,
    FrenchTextField,
    analysis_key,
    build_schema,
    facet_terms,
    pack_article,
)

INDEX_NAME = "MAIN"
BATCH_SIZE = 2000  # articles per commit: a crash loses at most this many; larger batches write faster
MAX_SEGMENTS = 32  # segments allowed before the smallest are merged
LOCK_FILE = "newsarchive.lock"
META_FILE = "newsarchive.json"


class ArchiveIndexError(RuntimeError):
    """The index folder cannot be opened or written; the message says why."""


class IndexLockedError(ArchiveIndexError):
    """Another process is writing the index."""


def default_index_dir() -> Path:
    """`$NEWSARCHIVE_INDEX`, else ./newsarchive-index."""
    return Path(os.environ.get("NEWSARCHIVE_INDEX") or "newsarchive-index")


def index_exists(path: Path) -> bool:
    """True when `path` holds a newsarchive index."""
    # Any table of contents counts: ArchiveIndex falls back to an older generation if
    # the newest is unreadable, so whoosh.index.exists_in (which opens it) is not used.
    return path.is_dir() and any(path.glob(f"_{INDEX_NAME}_*.toc"))


def open_index(path: Path):
    """Open an existing index for reading; ArchiveIndexError with a helpful message if there is none."""
    if not path.exists():
        raise ArchiveIndexError(f"no index at {path}: create one with `newsarchive index --index {path} FILES...`")
    if not index_exists(path):
        raise ArchiveIndexError(f"{path} is not a newsarchive index (no {INDEX_NAME} table of contents found)")
    try:
        return ArchiveIndex.open(path, indexname=INDEX_NAME)
    except (OSError, ValueError, EOFError) as exc:
        raise ArchiveIndexError(f"cannot open the index at {path}: {exc}") from exc


MIN_COMPRESSED_BLOCK = 16  # postings in a block below which zlib costs more time than it saves bytes


class ArchiveCodec(W3Codec):
    """Whoosh's W3 codec, faster to write: small blocks not compressed, field lengths read once, no per-posting assertions.

    Only writing changes: what it writes is the W3 format, read by W3's own readers. The
    class is named in each segment's metadata, so it must stay importable here. Posting
    lists are never inlined in the term table (W3's default): W3's inline reader
    (ListMatcher) misjudges block quality and drops top hits from optimised searches.
    """

    def __init__(self) -> None:
        super().__init__(blocklimit=128, compression=3, inlinelimit=1)

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


def merge_policy(writer, segments: list) -> list:
    """Whoosh merge policy: no merging until MAX_SEGMENTS segments, then the smallest half merged into one.

    Merging rewrites every posting in Python, about as slowly as writing it the first
    time; Whoosh's default (MERGE_SMALL) did it at almost every commit of a bulk run.
    Searches hardly notice a few dozen segments (postings are read once per term into
    arrays), so merges wait until the count grows, and then take in the small segments.
    """
    from whoosh.reading import SegmentReader

    if len(segments) <= MAX_SEGMENTS:
        return segments
    ordered = sorted(segments, key=lambda s: s.doc_count_all())
    merged, kept = ordered[: len(ordered) - MAX_SEGMENTS // 2 + 1], ordered[len(ordered) - MAX_SEGMENTS // 2 + 1:]
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return kept


class _ProcessLock:
    """An exclusive lock held by the writing process; released by the OS if it dies."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_FILE
        self.fh = None

    def acquire(self) -> None:
        fh = open(self.path, "a+")  # noqa: SIM115 - held open for the whole run: the lock lives on it
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.seek(0)
            pid = fh.read().strip() or "unknown"
            fh.close()
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise IndexLockedError(f"index is being written by another process (pid {pid}): {self.path.parent}") from None
            raise
        # A lock file left by a killed writer holds a dead pid; flock() above already
        # succeeded, so it is stale by construction and we simply take it over.
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self.fh = fh

    def release(self) -> None:
        if self.fh is not None:
            fh, self.fh = self.fh, None
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            fh.close()


@dataclass
class WriteSummary:
    """What a run did to the index."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: int = 0  # articles made durable so far (added + updated in finished batches)
    ids: list[str] = field(default_factory=list)


def fingerprint(article: Article) -> str:
    """Hash of everything indexed about an article (not where it was read from)."""
    data = article.to_json()
    data.pop("origin", None)
    return content_hash(repr(sorted(data.items())))


def article_fields(article: Article, schema=None) -> dict:
    """The Whoosh document for an article; with `schema`, its text fields come analysed (Postings)."""
    doc = {
        "id": article.id,
        "fingerprint": fingerprint(article),
        "title": article.title or "",
        "body": article.text,
        "exact": f"{article.title}\n{article.text}",
        "article": pack_article(article.to_json()),
        # Written for every article, dated or not, so that every segment has both sort
        # columns (Whoosh falls back to the lexicon, which a column field lacks).
        "day_newest": 0,
        "day_oldest": UNDATED_LAST,
    }
    if article.date:
        doc["date"] = dt.datetime(article.date.year, article.date.month, article.date.day)
        doc["year"] = article.date.year
        doc["day_newest"] = doc["day_oldest"] = article.date.toordinal()
    if article.source:
        doc["source"] = article.source
    if article.url:
        doc["url"] = article.url
    if article.author:
        doc["author"] = article.author
    if article.language:
        doc["language"] = article.language
    names = [p.name.replace(VALUE_SEPARATOR, " ") for p in article.persons if fold(p.name)]
    if names:
        doc["person"] = VALUE_SEPARATOR.join(names)
        doc["person_form"] = VALUE_SEPARATOR.join(names)
    if article.countries:
        doc["country"] = VALUE_SEPARATOR.join(c.code for c in article.countries)
    if article.quotes:
        doc["has"] = "quote"
        doc["quote"] = "\n\n".join(q.text for q in article.quotes)
        speakers = [q.speaker.replace(VALUE_SEPARATOR, " ") for q in article.quotes if q.speaker and fold(q.speaker)]
        if speakers:
            doc["quote_by"] = VALUE_SEPARATOR.join(dict.fromkeys(speakers))
    if schema is not None:
        for name in TEXT_FIELDS:
            if name in schema and isinstance(schema[name], FrenchTextField) and isinstance(doc.get(name), str):
                doc[name] = schema[name].postings(doc[name])
    return doc


def prepare(article: Article, schema) -> Article:
    """Build the article's Whoosh document now (in a worker process), so the writing process only stores it."""
    article.prepared = (analysis_key(schema), article_fields(article, schema))
    return article


def index_schema(path: Path, stemmer: str | None = None):
    """The schema articles for the index at `path` must be analysed with (a new index's if there is none yet)."""
    if index_exists(Path(path)):
        try:
            return open_index(Path(path)).schema
        except ArchiveIndexError:
            pass  # the writer reports it when it opens the index
    return build_schema(stemmer) if stemmer else build_schema()


class ArchiveWriter:
    """Adds articles to an index (creating it if needed), committing every `batch_size`.

    A crash loses at most the articles of the batch being written; re-running the same
    command finds the committed ones unchanged and adds the rest.
    """

    def __init__(self, path: Path, batch_size: int = BATCH_SIZE, limitmb: int = 256, stemmer: str | None = None) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        self.limitmb = limitmb
        self.stemmer = stemmer  # only for a new index: an existing one keeps its own
        self.summary = WriteSummary()
        self._lock = _ProcessLock(self.path)
        self._ix = None
        self._writer = None
        self._searcher = None
        self._pending = 0
        self._seen: dict[str, str] = {}  # id -> fingerprint written during this run
        self._indexed_ids: set[str] | None = None  # ids in the index when the run began (deleted ones included)
        self.originals = OriginalStore(self.path)

    def __enter__(self) -> ArchiveWriter:
        self.open()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def open(self) -> None:
        """Create or open the index and take the writer lock."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveIndexError(f"cannot create the index folder {self.path}: {exc.strerror or exc}") from exc
        if not os.access(self.path, os.W_OK):
            raise ArchiveIndexError(f"the index folder {self.path} is not writable")
        self._lock.acquire()
        try:
            if index_exists(self.path):
                self._ix = ArchiveIndex.open(self.path, indexname=INDEX_NAME)
            else:
                schema = build_schema(self.stemmer) if self.stemmer else build_schema()
                self._ix = ArchiveIndex.create(FileStorage(str(self.path)), schema, indexname=INDEX_NAME)
            self._analysis_key = analysis_key(self._ix.schema)
            self._fieldnames = set(self._ix.schema.names())
            self.groups = DuplicateGroups(self.path)
            self._write_meta()
            self._begin()
        except Exception:
            self._lock.release()
            raise

    def _write_meta(self) -> None:
        import json

        meta = self.path / META_FILE
        tmp = meta.with_suffix(".tmp")
        tmp.write_text(json.dumps({"schema_version": SCHEMA_VERSION}), "utf-8")
        os.replace(tmp, meta)

    def _begin(self) -> None:
        try:
            self._writer = self._ix.writer(limitmb=self.limitmb, codec=ArchiveCodec(), poolclass=PostingPool)
        except LockError:
            raise IndexLockedError(f"index is being written by another process: {self.path}") from None
        self._searcher = self._ix.searcher()

    def status(self, article: Article) -> str:
        """Whether writing `article` would add, update, or change nothing."""
        return self._state(article.id, fingerprint(article))

    def _state(self, article_id: str, fp: str) -> str:
        if article_id in self._seen:
            return "unchanged" if self._seen[article_id] == fp else "updated"
        if self._indexed_ids is None:
            # One pass over the id lexicon: new articles then need no lookup in every segment.
            self._indexed_ids = {t.decode("utf-8") if isinstance(t, bytes) else t for t in self._searcher.reader().lexicon("id")}
        if article_id not in self._indexed_ids:
            return "added"
        stored = self._searcher.document(id=article_id)
        if stored is None:
            return "added"
        return "unchanged" if stored.get("fingerprint") == fp else "updated"

    def _document(self, article: Article) -> dict:
        """The article's Whoosh document: the one a worker prepared for this index's analysis, else built here."""
        prepared = article.prepared
        # A prepared document is used only if it was analysed like this index and the
        # article did not change since (the fingerprint covers everything indexed).
        if prepared is not None and prepared[0] == self._analysis_key and prepared[1]["fingerprint"] == fingerprint(article):
            return prepared[1]
        return article_fields(article)

    def add(self, article: Article) -> str:
        """Write one article; return "added", "updated" or "unchanged"."""
        doc = self._document(article)
        state = self._state(article.id, doc["fingerprint"])
        if state == "unchanged":
            self.summary.unchanged += 1
            return state
        if article.raw:
            key = self.originals.put(article.raw)  # before the index refers to it
            if key != article.original:
                article.original = key
                doc = article_fields(article)
        # Index-level facts, not the article's content (so not in its fingerprint).
        doc = {**doc, "dup_group": self.groups.assign(article.id, article.text, article.signature)}
        # An index made by an older version lacks the newer fields: leave them out.
        doc = {k: v for k, v in doc.items() if k in self._fieldnames}
        if FACET_COLUMN in self._fieldnames:
            doc[FACET_COLUMN] = facet_terms(self._ix.schema, doc)
        if state == "added":
            self._writer.add_document(**doc)
        else:
            if article.id in self._seen:
                # Whoosh deletes only committed copies: commit the batch holding the
                # earlier version first, or both versions would stay.
                self.commit()
            self._writer.update_document(**doc)
        self._seen[article.id] = doc["fingerprint"]
        setattr(self.summary, state, getattr(self.summary, state) + 1)
        self.summary.ids.append(article.id)
        self._pending += 1
        if self._pending >= self.batch_size:
            self.commit()
        return state

    def add_many(self, articles: Iterable[Article]) -> WriteSummary:
        """Write several articles; return the running summary."""
        for article in articles:
            self.add(article)
        return self.summary

    def commit(self) -> None:
        """Make everything written so far durable and visible to searches."""
        if self._writer is None:
            return
        if self._pending:
            self._searcher.close()
            self.groups.save()  # before the index: a crash then leaves groups for articles a re-run adds again
            self._writer.commit(mergetype=merge_policy)
            self.summary.committed += self._pending
            self._pending = 0
            self._begin()

    def close(self) -> None:
        """Commit what is pending and release the lock."""
        try:
            if self._writer is not None:
                if self._pending:
                    self._searcher.close()
                    self.groups.save()
                    self._writer.commit(mergetype=merge_policy)
                    self.summary.committed += self._pending
                    self._pending = 0
                else:
                    self._searcher.close()
                    self._writer.cancel()
                self._writer = None
        finally:
            self._lock.release()

    def abort(self) -> None:
        """Drop the batch being written (committed batches stay) and release the lock."""
        try:
            if self._writer is not None:
                writer, self._writer = self._writer, None
                # After a failed commit the searcher or writer may already be closed.
                with contextlib.suppress(Exception):
                    self._searcher.close()
                with contextlib.suppress(Exception):
                    writer.cancel()
        finally:
            self._lock.release()
