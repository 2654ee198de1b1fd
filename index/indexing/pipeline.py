"""The indexing pipeline without the index: files -> raw records -> articles with entities.

Reading happens in the calling process; extraction and entity recognition run in worker
processes (one spaCy model each) on chunks of records, and results come back in input
order. The same workers then write the index's segments (`submit`, store/segment_builds.py).
One bad record becomes a Failure and never stops the batch.
"""

from __future__ import annotations

import errno
import gc
import multiprocessing as mp
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from multiprocessing.pool import Pool
from pathlib import Path

from ..annotation.dedup import signature_values
from ..annotation.quotes import extract_quotes
from ..article import Article, Failure, RawRecord
from ..extraction.extract import extract
from ..extraction.metadata import detect_language
from ..inputs.enriched import KIND as ENRICHED
from ..inputs.enriched import article_of_record
from ..inputs.readers import count_records, discover, read
from ..store.segment_builds import InProcess

# Errors of the machine, not of an article: they stop a run (exit code 3), never mark articles failed.
MACHINE_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.ENOMEM}

CHUNK = 16  # records per task: big enough for spaCy batching, small enough for progress
IN_FLIGHT = 4  # chunks queued per worker at first: keeps workers busy while bounding memory
AHEAD_SECONDS = 4.0  # work queued per worker once chunk times are known: covers a commit's pause
MAX_IN_FLIGHT = 48  # chunks per worker, whatever the chunks cost (memory)
WORKER_NICENESS = 5
EXIT_WAIT = 60.0  # seconds a pipeline left early waits for the chunks its workers hold


@dataclass
class Inputs:
    """The files a run will read, the paths that failed, and how many records to expect."""

    files: list[Path]
    failures: list[Failure]
    expected: int


def plan(paths: Iterable[str | os.PathLike]) -> Inputs:
    """Resolve paths to files (recursively) and count the records they hold."""
    files: list[Path] = []
    failures: list[Failure] = []
    for item in discover(paths):
        if isinstance(item, Failure):
            failures.append(item)
        else:
            files.append(item)
    expected = sum(count_records(f) for f in files)
    return Inputs(files, failures, expected)


def records(files: Iterable[Path]) -> Iterator[RawRecord | Failure]:
    """Every raw record (or read failure) of the files, in order."""
    for path in files:
        yield from read(path)


_extractor = None
_with_entities = True
_aliases = None  # the index's alias file (merges and splits of persons)


def _init_pool_worker(*args) -> None:
    # The writer in the parent is the one serial stage, and searches may be served from this
    # machine meanwhile: both get the CPU before the workers, which take what is left.
    os.nice(WORKER_NICENESS)
    _init_worker(*args)


def _init_worker(with_entities: bool, aliases=None) -> None:
    global _with_entities, _aliases
    _with_entities = with_entities
    _aliases = aliases
    detect_language("chargement du modèle de langue")  # load it now: a failure is the machine's, not an article's


def _entity_extractor():
    """The entity extractor (spaCy), loaded by the first chunk that needs it and kept by the process for later runs.

    Not at start: a run of enriched records (`newsarchive enrich`) never needs it, and
    loading it costs each worker seconds and a gigabyte.
    """
    global _extractor
    if _extractor is None:
        from ..entities import EntityExtractor

        _extractor = EntityExtractor()
    _extractor.aliases = _aliases
    return _extractor


def _process_chunk(chunk: list[RawRecord | Failure]) -> list[Article | Failure]:
    results: list[Article | Failure] = []
    extracted: list[int] = []  # positions of the articles extracted here (enriched records come with entities and signature)
    for item in chunk:
        if isinstance(item, Failure):
            results.append(item)
            continue
        if item.kind == ENRICHED:
            results.append(article_of_record(item))
            continue
        extracted.append(len(results))
        try:
            results.append(extract(item))
        except OSError as exc:
            if exc.errno in MACHINE_ERRORS:
                raise  # a full or read-only disk fails every article: stop the run instead
            results.append(Failure(item.origin, f"extraction error: {type(exc).__name__}: {exc}"))
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop a batch
            results.append(Failure(item.origin, f"extraction error: {type(exc).__name__}: {exc}"))
    fresh = [results[i] for i in extracted]
    if _with_entities and fresh:
        _annotate_all(fresh)
    for i, result in zip(extracted, fresh, strict=True):
        results[i] = result
        if isinstance(result, Article):
            result.signature = signature_values(result.text)  # near-duplicate detection, done here not in the writer
    return results


def _annotate_all(results: list[Article | Failure]) -> None:
    """Persons, countries and quotations of the articles among `results` (a failing article becomes a Failure)."""
    articles = [r for r in results if isinstance(r, Article)]
    extractor = _entity_extractor()  # outside the try: a model that cannot load stops the run, it fails no article
    try:
        extractor.annotate(articles)
    except Exception:  # noqa: BLE001
        # Retry one by one so that only the article that breaks NER is reported.
        for i, result in enumerate(results):
            if isinstance(result, Article):
                try:
                    extractor.annotate([result])
                except Exception as exc:  # noqa: BLE001
                    results[i] = Failure(result.origin, f"entity recognition error: {type(exc).__name__}: {exc}")
    for article in (r for r in results if isinstance(r, Article)):
        article.quotes = extract_quotes(article.text, article.persons)


def _annotate_chunk(chunk: list[Article]) -> list[Article | Failure]:
    results: list[Article | Failure] = list(chunk)
    _annotate_all(results)
    for article in (r for r in results if isinstance(r, Article)):
        article.signature = signature_values(article.text)
    return results


def _timed(task, chunk: list) -> tuple[float, list]:
    started = time.perf_counter()
    results = task(chunk)
    return time.perf_counter() - started, results


def window(workers: int, seconds_per_chunk: float | None) -> int:
    """How many chunks may be queued to `workers` workers, given what a chunk takes.

    The writer pauses the reading of results while it commits a batch (seconds); a fixed
    window of a few chunks then leaves workers idle when chunks are cheap (no entities).
    Sizing it by time keeps them busy through the pause, and keeps the work to finish
    on an early exit (the same few seconds) and the results held in memory bounded.
    """
    if not seconds_per_chunk:
        return IN_FLIGHT * workers
    ahead = int(AHEAD_SECONDS / seconds_per_chunk)
    return workers * max(IN_FLIGHT, min(MAX_IN_FLIGHT, ahead))


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(items, size)):
        yield chunk


class Pipeline:
    """Extraction and entity workers, started before the caller takes any lock.

    Worker processes are forked when the pipeline is entered, so they never inherit
    the index lock a writer takes afterwards: if the writer is killed, its lock dies
    with it even while workers finish their last chunk.
    """

    def __init__(self, workers: int = 1, with_entities: bool = True, aliases=None) -> None:
        self.workers = workers
        self.with_entities = with_entities
        self.aliases = aliases  # the index's alias file, applied to the persons found
        self._pool: Pool | None = None
        self._pending: deque = deque()  # chunks handed to the workers, results not yet read
        self._submitted: list = []  # tasks given with submit(), perhaps not finished

    def __enter__(self) -> Pipeline:
        if self.workers > 1:
            ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
            # The workers inherit every object of this process; frozen, the workers' garbage
            # collections skip them instead of walking (and copying) them again and again.
            gc.freeze()
            try:
                self._pool = ctx.Pool(self.workers, initializer=_init_pool_worker, initargs=(self.with_entities, self.aliases))
            finally:
                gc.unfreeze()
        else:
            _init_worker(self.with_entities, self.aliases)
        return self

    def __exit__(self, *exc) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # Pool.terminate() can deadlock while its task thread is blocked writing a chunk
        # to workers it is killing (a CPython Pool hazard), so the pool is closed instead:
        # the few chunks already handed out (bounded by IN_FLIGHT) finish, then the
        # workers exit. A worker that hangs past the deadline is killed.
        pool.close()
        deadline = time.monotonic() + EXIT_WAIT
        for result in [*self._pending, *self._submitted]:
            result.wait(max(0.0, deadline - time.monotonic()))
        self._pending.clear()
        self._submitted.clear()
        if time.monotonic() < deadline:
            pool.join()
        else:
            for process in pool._pool:  # type: ignore[attr-defined]  # no public way to reach the workers (typeshed lists none)
                process.kill()

    def submit(self, function, *args):
        """Run `function(*args)` in a worker (segment builds and merges, store/segment_builds.py); a result to `get()`.

        The task queues behind the chunks already handed out, a few seconds of work at most
        (window()). Without a pool it runs at once, here.
        """
        if self._pool is None:
            return InProcess().submit(function, *args)
        result = self._pool.apply_async(function, args)
        self._submitted = [r for r in self._submitted if not r.ready()] + [result]
        return result

    def run(self, items: Iterable[RawRecord | Failure]) -> Iterator[Article | Failure]:
        """Extract (and annotate) records, in input order."""
        return self._map(_process_chunk, items)

    def annotate(self, articles: Iterable[Article]) -> Iterator[Article | Failure]:
        """Recognise persons, countries and quotations again in articles already extracted, in order."""
        if not self.with_entities:
            raise ValueError("Pipeline.annotate needs with_entities=True")
        return self._map(_annotate_chunk, articles)

    def _map(self, task, items: Iterable) -> Iterator:
        chunks = _chunks(iter(items), CHUNK)
        if self._pool is None:
            _init_worker(self.with_entities, self.aliases)
            for chunk in chunks:
                yield from task(chunk)
            return
        # A bounded number of chunks in flight (see window()): Pool.imap would read the whole
        # input ahead and pile results up in memory whenever the writer is the slower side.
        pending = self._pending
        seconds = None  # running mean of a chunk's time in a worker
        for chunk in chunks:
            pending.append(self._pool.apply_async(_timed, (task, chunk)))
            while len(pending) >= window(self.workers, seconds):
                took, results = pending.popleft().get()
                seconds = took if seconds is None else 0.8 * seconds + 0.2 * took
                yield from results
        while pending:
            yield from pending.popleft().get()[1]


def process(items: Iterable[RawRecord | Failure], *, workers: int = 1, with_entities: bool = True) -> Iterator[Article | Failure]:
    """Extract (and annotate) records in order, with `workers` processes when > 1."""
    with Pipeline(workers, with_entities) as pipeline:
        yield from pipeline.run(items)


def default_workers() -> int:
    """One worker per core (spaCy is single-threaded per process)."""
    return max(1, os.cpu_count() or 1)
