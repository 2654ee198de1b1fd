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

from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from .analysis import fold
from .article import Article
from .durable import ArchiveIndex
from .metadata import content_hash
from .originals import OriginalStore
from .schema import SCHEMA_VERSION, UNDATED_LAST, VALUE_SEPARATOR, build_schema, pack_article

INDEX_NAME = "MAIN"
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


def article_fields(article: Article) -> dict:
    """The Whoosh document for an article."""
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
    return doc


class ArchiveWriter:
    """Adds articles to an index (creating it if needed), committing every `batch_size`.

    A crash loses at most the articles of the batch being written; re-running the same
    command finds the committed ones unchanged and adds the rest.
    """

    def __init__(self, path: Path, batch_size: int = 500, limitmb: int = 256) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        self.limitmb = limitmb
        self.summary = WriteSummary()
        self._lock = _ProcessLock(self.path)
        self._ix = None
        self._writer = None
        self._searcher = None
        self._pending = 0
        self._seen: dict[str, str] = {}  # id -> fingerprint written during this run
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
                self._ix = ArchiveIndex.create(FileStorage(str(self.path)), build_schema(), indexname=INDEX_NAME)
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
            self._writer = self._ix.writer(limitmb=self.limitmb)
        except LockError:
            raise IndexLockedError(f"index is being written by another process: {self.path}") from None
        self._searcher = self._ix.searcher()

    def status(self, article: Article) -> str:
        """Whether writing `article` would add, update, or change nothing."""
        fp = fingerprint(article)
        if article.id in self._seen:
            return "unchanged" if self._seen[article.id] == fp else "updated"
        stored = self._searcher.document(id=article.id)
        if stored is None:
            return "added"
        return "unchanged" if stored.get("fingerprint") == fp else "updated"

    def add(self, article: Article) -> str:
        """Write one article; return "added", "updated" or "unchanged"."""
        state = self.status(article)
        if state == "unchanged":
            self.summary.unchanged += 1
            return state
        if article.raw:
            article.original = self.originals.put(article.raw)  # before the index refers to it
        doc = article_fields(article)
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
            self._writer.commit()
            self.summary.committed += self._pending
            self._pending = 0
            self._begin()

    def close(self) -> None:
        """Commit what is pending and release the lock."""
        try:
            if self._writer is not None:
                if self._pending:
                    self._searcher.close()
                    self._writer.commit()
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
