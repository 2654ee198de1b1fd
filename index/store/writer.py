"""Writing articles into the Whoosh index: one coordinating writer at a time, segments built by the workers.

The writer decides, article by article, what only one process can decide: whether the
article is new, changed or already there (by id and fingerprint), its duplicate group,
the generation that adds it, which stored copy an update deletes. Ready documents gather
into a batch; a full batch goes to the workers in a few parts, each written as a segment
of its own (segment_builds.py), while the writer goes on with the next batch. When the
next batch is full, or at the end, the built segments are published as one durable
generation (durable.py), with the deletions of the batch's updates and the merges
merge_policy.py chooses, which the workers run too. A crash loses at most the batches
not yet published; re-running the same command finds the published ones unchanged and
adds the rest.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from whoosh.index import LockError
from whoosh.searching import Searcher

from ..annotation.dedup import DuplicateGroups
from ..article import Article
from ..errors import ArchiveIndexError, IndexLockedError
from ..layout import BUILDER_TEMPORARY_GLOB, INDEX_NAME, LOCK, META
from .documents import article_fields
from .durable import ArchiveIndex, SafeSegmentWriter
from .folder import index_exists
from .merging import MergeScheduler
from .originals import OriginalStore, digest
from .schema import FACET_COLUMN, SCHEMA_VERSION, build_schema, facet_terms
from .segment_builds import BuiltSegment, InProcess, Result, Tasks, build_segment, merge_segments
from .userfiles import write_json
from .whoosh_internals import ArchiveCodec, PostingPool, file_storage

BATCH_SIZE = 2000  # articles per commit: a crash loses at most this many; larger batches write faster


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
    committed: int = 0  # articles made durable so far (added + updated in published batches)
    segments_written: int = 0  # segments built from batches
    merges: int = 0  # segments built by merging others
    bytes_written: int = 0  # bytes of every segment written (merged ones too): the write amplification's numerator


@dataclass
class _Batch:
    """Documents decided, not yet handed to the workers."""

    documents: list[dict] = field(default_factory=list)
    originals: list[bytes] = field(default_factory=list)  # raw inputs to store before the documents refer to them
    deletes: list[str] = field(default_factory=list)  # ids whose stored copy the batch replaces


@dataclass
class _Building:
    """A batch in the workers' hands: one result per segment."""

    results: list[Result]
    deletes: list[str]
    count: int


class ArchiveWriter:
    """Adds articles to an index (creating it if needed), publishing every `batch_size`.

    `tasks` is where segments are built (the indexing pipeline's workers); without it
    they are built in this process. A crash loses at most the batches not yet published.
    """

    def __init__(self, path: Path, batch_size: int = BATCH_SIZE, limitmb: int = 256, stemmer: str | None = None,
                 tasks: Tasks | None = None) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        self.limitmb = limitmb
        self.stemmer = stemmer  # only for a new index: an existing one keeps its own
        self.tasks: Tasks = tasks or InProcess()
        self.summary = WriteSummary()
        self._lock = _ProcessLock(self.path)
        self._ix: ArchiveIndex | None = None
        self._writer: SafeSegmentWriter | None = None
        self._searcher: Searcher | None = None
        self._batch = _Batch()
        self._building: _Building | None = None
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
            for leftover in self.path.glob(BUILDER_TEMPORARY_GLOB):  # a killed run's segment writers: none runs without the lock
                shutil.rmtree(leftover, ignore_errors=True)
            if index_exists(self.path):
                self._ix = ArchiveIndex.open(self.path, indexname=INDEX_NAME)
            else:
                schema = build_schema(self.stemmer) if self.stemmer else build_schema()
                self._ix = ArchiveIndex.create_first(file_storage(self.path), schema, indexname=INDEX_NAME)
            self._schema = self._ix.schema  # read once: every read of it reads the table of contents
            self._fieldnames = set(self._schema.names())
            self.groups = DuplicateGroups(self.path)
            self._merges = MergeScheduler(self.tasks, str(self.path), self._schema, self.limitmb)
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

    def add(self, article: Article) -> str:
        """Decide and queue one article; return "added", "updated" or "unchanged"."""
        doc = article_fields(article)  # text fields as text: the worker building the segment analyses them
        state = self._state(article.id, doc["fingerprint"])
        if state == "unchanged":
            self.summary.unchanged += 1
            return state
        if article.id in self._seen:
            # Only a published copy can be deleted: publish the batch holding the earlier
            # version first, or both versions would stay.
            self._flush(wait=True)
        if article.raw:
            key = digest(article.raw)  # the worker building the segment stores the bytes under this address
            if key != article.original:
                article.original = key
                doc = article_fields(article)
            self._batch.originals.append(article.raw)
        # Index-level facts, not the article's content (so not in its fingerprint).
        doc = {**doc, "dup_group": self.groups.assign(article.id, article.text, article.signature)}
        # An index made by an older version lacks the newer fields: leave them out.
        doc = {k: v for k, v in doc.items() if k in self._fieldnames}
        if FACET_COLUMN in self._fieldnames:
            doc[FACET_COLUMN] = facet_terms(self._schema, doc)
        if "added" in self._fieldnames:
            doc["added"], doc["added_at"] = self._first_commit(article.id, state)
        if state == "updated":
            self._batch.deletes.append(article.id)
        self._batch.documents.append(doc)
        self._seen[article.id] = doc["fingerprint"]
        setattr(self.summary, state, getattr(self.summary, state) + 1)
        if len(self._batch.documents) >= self.batch_size:
            self._flush(wait=False)
        return state

    def _first_commit(self, article_id: str, state: str) -> tuple[int | None, int]:
        """The generation that first committed the article, and when; None for a new one (its batch's, set when it leaves)."""
        if article_id in self._first_added:
            return self._first_added[article_id]
        stored = self._searcher.document(id=article_id) if state == "updated" else None
        if stored and stored.get("added"):
            first: tuple[int | None, int] = (stored["added"], stored.get("added_at") or int(time.time()))
        else:
            first = (None, int(time.time()))
        return first

    def add_many(self, articles: Iterable[Article]) -> WriteSummary:
        """Write several articles; return the running summary."""
        for article in articles:
            self.add(article)
        return self.summary

    def commit(self) -> None:
        """Make everything written so far durable and visible to searches (running merges finished and installed)."""
        if self._writer is not None:
            self._flush(wait=True, final=True)

    def _flush(self, wait: bool, final: bool = False) -> None:
        """Publish the batch the workers are building, hand them the current one, and publish that too if built or `wait`.

        `final` also waits for the merges running, so that nothing is left in the workers.
        """
        if self._batch.documents:
            if self._building is not None:
                self._publish()
            self._building = self._dispatch(self._batch)
            self._batch = _Batch()
        if self._building is not None and (wait or all(result.ready() for result in self._building.results)):
            self._publish(final)  # built already (in this process): nothing to overlap with
        elif final and self._merges.running:
            self._publish(final)

    def _dispatch(self, batch: _Batch) -> _Building:
        """The batch's documents, in one part per worker, to be built into segments; new ones take this generation."""
        generation = self._writer.generation  # the batch is published by the next commit, whatever it merges
        for doc in batch.documents:
            if doc.get("added", 0) is None:
                doc["added"] = generation
                self._first_added[doc["id"]] = (generation, doc["added_at"])
        parts = max(1, min(self.tasks.workers, len(batch.documents)))
        size = -(-len(batch.documents) // parts)
        originals = [batch.originals[i::parts] for i in range(parts)]  # any split will do: each is stored before publishing
        results = [self.tasks.submit(build_segment, str(self.path), self._schema, batch.documents[i * size:(i + 1) * size],
                                     originals[i], self.limitmb)
                   for i in range(parts)]
        return _Building(results, batch.deletes, len(batch.documents))

    def _publish(self, final: bool = False) -> None:
        """Commit the batch being built (waiting for it), its deletions, and the merges done; start the merges the policy asks for."""
        building, self._building = self._building, None
        built: list[BuiltSegment] = [result.get() for result in building.results] if building else []
        self._searcher.close()
        self.groups.save()  # before the index: a crash then leaves groups for articles a re-run adds again
        writer = self._writer
        if building and building.deletes:
            with writer.searcher() as searcher:
                for article_id in building.deletes:
                    writer.delete_by_term("id", article_id, searcher=searcher)
        busy = self._merges.busy()
        segments = [s for s in writer.segments if s.doc_count() > 0 or s.segment_id() in busy] + [b.segment for b in built]
        segments, merged = self._merges.install(segments, wait=final)
        self._merges.start(segments, at_end=final)
        segments, more = self._merges.install(segments, wait=final)  # merges already done (in this process), or waited for
        merged += more
        writer.finished |= {b.segment.segment_id() for b in built + merged}
        writer.in_progress = self._merges.in_progress()
        self.summary.segments_written += len(built)
        self.summary.merges += len(merged)
        self.summary.bytes_written += sum(b.bytes_written for b in built + merged)
        writer.commit(mergetype=lambda _writer, _segments: segments)
        self.summary.committed += building.count if building else 0
        self._begin()

    def optimize(self) -> tuple[int, int]:
        """Publish what is pending, then merge every segment into one; (segments before, after).

        For an archive that is done growing: one segment holds no deleted documents, and a
        search reads one posting list per term. The merged segment gets its arrays file
        (segment_arrays.py), which gives an index written before those files all of them.
        Merging rewrites every posting, about as slowly as indexing without entities.
        """
        self.commit()
        writer = self._writer
        segments = [s for s in writer.segments if s.doc_count() > 0]
        before = len(writer.segments)
        if before <= 1 and not writer.has_deletions():
            return before, before
        self._searcher.close()
        final = []
        if segments:
            merged: BuiltSegment = self.tasks.submit(merge_segments, str(self.path), self._schema, segments, self.limitmb).get()
            writer.finished.add(merged.segment.segment_id())
            self.summary.merges += 1
            self.summary.bytes_written += merged.bytes_written
            final = [merged.segment]
        writer.commit(mergetype=lambda _writer, _segments: final)
        self._begin()
        return before, len(final)

    def close(self) -> None:
        """Publish what is pending and release the lock."""
        try:
            if self._writer is not None:
                self._flush(wait=True, final=True)
                self._searcher.close()
                self._writer.cancel()  # the writer begun after the last publish: nothing left for it
                self._writer = None
        finally:
            self._lock.release()

    def abort(self) -> None:
        """Drop the batches not yet published (published ones stay) and release the lock.

        Segments a worker is still building are left to finish: no table of contents names
        them, and the next commit's cleaning removes their files.
        """
        try:
            if self._writer is not None:
                writer, self._writer = self._writer, None
                self._building = None
                # After a failed commit the searcher or writer may already be closed.
                with contextlib.suppress(Exception):
                    self._searcher.close()
                with contextlib.suppress(Exception):
                    writer.cancel()
        finally:
            self._lock.release()
