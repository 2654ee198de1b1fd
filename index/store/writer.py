"""Writing articles into the Whoosh index: one writer at a time, commits in batches."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from whoosh.index import LockError
from whoosh.searching import Searcher

from ..annotation.dedup import DuplicateGroups
from ..article import Article
from ..entities.organisations import acronym_links
from ..errors import ArchiveIndexError, IndexLockedError
from ..extraction.metadata import content_hash
from ..extraction.signatures import signatures
from ..extraction.sources import source_key
from ..layout import INDEX_NAME, LOCK, META
from ..text import fold
from .durable import ArchiveIndex, SafeSegmentWriter
from .folder import index_exists, open_index
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
from .userfiles import write_json
from .whoosh_internals import ArchiveCodec, PostingPool, file_storage

BATCH_SIZE = 2000  # articles per commit: a crash loses at most this many; larger batches write faster
MAX_SEGMENTS = 32  # segments allowed before the smallest are merged


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
        self.path = folder / LOCK
        self.fh: TextIO | None = None

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


def fingerprint(article: Article) -> str:
    """Hash of everything indexed about an article (not where it was read from)."""
    data = article.to_json()
    data.pop("origin", None)
    return content_hash(repr(sorted(data.items())))


def article_fields(article: Article, schema=None) -> dict:
    """The Whoosh document for an article; with `schema`, its text fields come analysed (Postings)."""
    title = "" if "title" in article.derived else article.title or ""
    doc = {
        "id": article.id,
        "fingerprint": fingerprint(article),
        # A title made from the first sentence is shown, not indexed: the sentence is in the body already.
        "title": title,
        "body": article.text,
        "exact": f"{title}\n{article.text}",
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
    source = source_key(article.url, article.source)
    if source:
        doc["source"] = source
        doc["source_name"] = article.source or source
    if article.url:
        doc["url"] = article.url
    if article.author:
        doc["author"] = article.author
        if names := [n.replace(VALUE_SEPARATOR, " ") for n in signatures(article.author)]:
            doc["signature"] = doc["signature_form"] = VALUE_SEPARATOR.join(names)
    if article.language:
        doc["language"] = article.language
    names = [p.name.replace(VALUE_SEPARATOR, " ") for p in article.persons if p.facet and fold(p.name)]
    if names:
        doc["person"] = VALUE_SEPARATOR.join(names)
        doc["person_form"] = VALUE_SEPARATOR.join(names)
    if article.countries:
        doc["country"] = VALUE_SEPARATOR.join(c.code for c in article.countries)
    organisations = [o for o in article.organisations if fold(o.name)]
    if organisations:
        doc["organisation"] = doc["organisation_form"] = VALUE_SEPARATOR.join(o.name.replace(VALUE_SEPARATOR, " ") for o in organisations)
        joined = {f"{fold(o.name)}|{acronym}" for o in organisations for acronym in acronym_links(o)}
        if joined:
            doc["organisation_mention"] = VALUE_SEPARATOR.join(sorted(joined))
    if article.agencies:
        doc["agency"] = VALUE_SEPARATOR.join(a.name for a in article.agencies)
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
        self._ix: ArchiveIndex | None = None
        self._writer: SafeSegmentWriter | None = None
        self._searcher: Searcher | None = None
        self._pending = 0
        self._seen: dict[str, str] = {}  # id -> fingerprint written during this run
        self._first_added: dict[str, tuple[int, int]] = {}  # id -> generation that first committed it, and when
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
                self._ix = ArchiveIndex.create_first(file_storage(self.path), schema, indexname=INDEX_NAME)
            self._analysis_key = analysis_key(self._ix.schema)
            self._fieldnames = set(self._ix.schema.names())
            self.groups = DuplicateGroups(self.path)
            self._write_meta()
            self._begin()
        except Exception:
            self._lock.release()
            raise

    def _write_meta(self) -> None:
        write_json(self.path / META, {"schema_version": SCHEMA_VERSION})

    def _begin(self) -> None:
        try:
            self._writer = self._ix.writer(limitmb=self.limitmb, codec=ArchiveCodec(), poolclass=PostingPool)
        except LockError:
            raise IndexLockedError(f"index is being written by another process: {self.path}") from None
        self._searcher = self._ix.searcher()

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
        if "added" in self._fieldnames:
            doc["added"], doc["added_at"] = self._first_commit(article.id, state)
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
        self._pending += 1
        if self._pending >= self.batch_size:
            self.commit()
        return state

    def _first_commit(self, article_id: str, state: str) -> tuple[int, int]:
        """The generation that first committed the article, and when: the batch being written for a new one, else the stored ones."""
        if article_id in self._first_added:
            return self._first_added[article_id]
        stored = self._searcher.document(id=article_id) if state == "updated" else None
        if stored and stored.get("added"):
            first = (stored["added"], stored.get("added_at") or int(time.time()))
        else:
            first = (self._writer.generation, int(time.time()))
        self._first_added[article_id] = first
        return first

    def add_many(self, articles: Iterable[Article]) -> WriteSummary:
        """Write several articles; return the running summary."""
        for article in articles:
            self.add(article)
        return self.summary

    def commit(self) -> None:
        """Make everything written so far durable and visible to searches."""
        if self._writer is not None and self._commit_pending():
            self._begin()

    def _commit_pending(self) -> bool:
        """Commit the batch being written, if any; True when something was committed."""
        if not self._pending:
            return False
        self._searcher.close()
        self.groups.save()  # before the index: a crash then leaves groups for articles a re-run adds again
        self._writer.commit(mergetype=merge_policy)
        self.summary.committed += self._pending
        self._pending = 0
        return True

    def optimize(self) -> tuple[int, int]:
        """Commit what is pending, then merge every segment into one; (segments before, after).

        For an archive that is done growing: one segment holds no deleted documents, and a
        search reads one posting list per term. The merged segment gets its arrays file
        (segment_arrays.py), which gives an index written before those files all of them.
        Merging rewrites every posting, about as slowly as indexing without entities.
        """
        self._commit_pending()
        self._searcher.close()
        before = self._segment_count()
        self._writer.commit(optimize=True)
        self._begin()
        return before, self._segment_count()

    def _segment_count(self) -> int:
        with self._ix.searcher() as searcher:
            return len(searcher.reader().leaf_readers()) if searcher.reader().doc_count_all() else 0

    def close(self) -> None:
        """Commit what is pending and release the lock."""
        try:
            if self._writer is not None:
                if not self._commit_pending():
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
