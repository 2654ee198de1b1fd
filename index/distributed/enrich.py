"""Enrichment on a Dask cluster: reading, extraction, entities, quotations and signatures, one partition per task.

When one machine is not enough, the expensive stages of indexing move to Dask
distributed (a scheduler and workers on as many machines as there are): each task
reads a partition of the inputs, runs the same worker pipeline `newsarchive index` runs
(`pipeline.Pipeline`, in the task's process) and writes the partition's enriched records
(inputs/enriched.py, partitions.py) to the output folder itself, atomically. Only a small summary goes back
through the scheduler, never the articles.

Partitions are decided here, on the client, from the inputs alone: files in order,
packed `partition_size` records to a partition, a big JSON-lines or WARC file cut into
record ranges. A partition's key hashes its ranges, the files' sizes and times and the
options, so a re-run finds the partitions already done (their part file and a marker
with the same key) and skips them; a partition of a killed worker is simply done again,
by the scheduler, on another worker. Inputs and the output folder must be at the same
paths on every worker (one machine, or a shared filesystem).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from ..article import Failure, RawRecord
from ..entities.aliases import Aliases
from ..errors import ArchiveIndexError
from ..indexing.pipeline import Pipeline, default_workers
from ..inputs.enriched import done_name, enriched_line, part_name
from ..inputs.readers import discover, file_kind, read, record_from_original
from .partitions import Partition, Slice, atomic_file, finish_folder, plan_partitions, prepare_folder, read_json, write_json

PARTITION_SIZE = 500  # records per task: a few seconds (no entities) to a minute (entities) of one core
CONNECT_TIMEOUT = 10  # seconds to reach a scheduler named by --scheduler

Progress = Callable[[int], None]


class SchedulerError(Exception):
    """The scheduler named by --scheduler cannot be reached (a usage error: exit code 2)."""


class EnrichedWriteError(ArchiveIndexError):
    """The output folder, or a partition, cannot be written (exit code 3, as an index that cannot be written)."""


# --- one task, on a worker ----------------------------------------------------------------------


_lock = threading.Lock()  # a worker started with several threads runs one partition at a time: spaCy is not thread-safe
_test_delay = 0.0  # seconds a partition pauses with its part file half-written (set_test_delay)


def set_test_delay(seconds: float) -> None:
    """Make this worker's partitions pause mid-write (tests: `client.run(set_test_delay, 30, workers=[...])`, then kill it)."""
    global _test_delay
    _test_delay = seconds


def _jsonl_range(path: Path, start: int, stop: int | None, offset: int | None) -> Iterator[RawRecord | Failure]:
    lineno = start
    try:
        with gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb") as fh:
            if offset is not None:
                fh.seek(offset)
            else:
                deque(islice(fh, start), maxlen=0)  # a gzip stream cannot seek: read up to the range, at C speed
            for lineno, line in enumerate(fh, start=start + 1):
                if stop is not None and lineno > stop:
                    return
                if line.strip():
                    yield record_from_original("fields", f"{path}:{lineno}", line)
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        yield Failure(f"{path}:{lineno + 1}", _reason(exc))


def _reason(exc: BaseException) -> str:
    """Why a file could not be read further, in the words `newsarchive index` uses."""
    if isinstance(exc, EOFError):
        return "compressed file is truncated"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return f"corrupt gzip data ({exc})"
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def _slice_records(part: Slice) -> Iterator[RawRecord | Failure]:
    path = Path(part.path)
    if part.start == 0 and part.stop is None:
        items = read(path)  # the whole file: exactly what `newsarchive index` reads
    elif file_kind(path) == "warc":
        items = islice(read(path), part.start, part.stop)  # one item per page, in order
    else:
        items = _jsonl_range(path, part.start, part.stop, part.offset)
    try:
        for item in items:
            # Origins as the user named the file, as a direct run reports them.
            if item.origin.startswith(part.path):
                item.origin = part.name + item.origin[len(part.path):]
            yield item
    except Exception as exc:  # noqa: BLE001 - one unreadable range must not stop the partition's other files
        yield Failure(part.name, f"read error: {type(exc).__name__}: {exc}")


def enrich_partition(partition: Partition, out_dir: str, with_entities: bool, aliases_text: str | None = None) -> dict:
    """Read, extract and annotate one partition; write DIR/part-NNNNN.jsonl.gz, then its marker. Runs in a Dask worker."""
    started = time.perf_counter()
    folder = Path(out_dir)
    aliases = Aliases.parse(aliases_text) if aliases_text else None
    articles, failures = 0, []
    # In the task's own process: the spaCy model the pipeline loads stays there for the worker's next partitions.
    with _lock, Pipeline(1, with_entities=with_entities, aliases=aliases) as pipeline, \
            atomic_file(folder / part_name(partition.number), compress=True) as fh:
        records = (item for part in partition.slices for item in _slice_records(part))
        time.sleep(_test_delay)
        for item in pipeline.run(records):
            fh.write(enriched_line(item))
            if isinstance(item, Failure):
                failures.append({"input": item.origin, "reason": item.reason})
            else:
                articles += 1
    summary = {"key": partition.key, "number": partition.number, "records": partition.records, "articles": articles,
               "failures": failures, "worker": _worker_address(), "seconds": round(time.perf_counter() - started, 3)}
    write_json(folder / done_name(partition.number), summary)  # after the part file: a marker always means a whole file
    return {k: v for k, v in summary.items() if k != "failures"}


def _worker_address() -> str | None:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return None  # called outside a worker (tests, a plain function call)


# --- the run, on the client -------------------------------------------------------------------------


@dataclass
class EnrichReport:
    """What a run did, as `end_run` prints it (a line and the failures, or JSON)."""

    out: Path
    partitions: int
    skipped: int
    articles: int
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    records: int = 0  # records enriched by this run (not those of skipped partitions)
    workers: int = 0
    heading: str | None = "Failed:"

    @property
    def rate(self) -> float:
        return round(self.records / self.seconds, 2) if self.seconds > 0 else 0.0

    @property
    def line(self) -> str:
        return (f"Enriched into {self.out}: {self.partitions} partitions ({self.skipped} done before, skipped), {self.articles} articles, "
                f"{len(self.failures)} failed ({self.seconds:.1f} s, {self.rate:.1f} records/s on {self.workers} workers)")

    def to_json(self) -> dict:
        return {"out": str(self.out), "partitions": self.partitions, "skipped": self.skipped, "articles": self.articles,
                "failed": len(self.failures), "failures": [{"input": f.origin, "reason": f.reason} for f in self.failures],
                "records": self.records, "seconds": round(self.seconds, 2), "records_per_second": self.rate, "workers": self.workers}


@dataclass
class Job:
    """A planned run: the partitions, those already done in the output folder, and the paths that failed."""

    out: Path
    partitions: list[Partition]
    done: set[int]
    failures: list[Failure]
    options: dict
    started: float = field(default_factory=time.perf_counter)

    @property
    def todo(self) -> list[Partition]:
        return [p for p in self.partitions if p.number not in self.done]


def plan_job(paths: Iterable[str | os.PathLike], out_dir: Path, *, with_entities: bool = True, partition_size: int = PARTITION_SIZE,
             aliases_text: str | None = None) -> Job:
    """Find the inputs, cut them into partitions and see which are done already in `out_dir` (created if needed)."""
    files: list[Path] = []
    failures: list[Failure] = []
    for item in discover(paths):
        if isinstance(item, Failure):
            failures.append(item)
        else:
            files.append(item)
    options = {"entities": with_entities, "aliases": aliases_text}
    partitions = plan_partitions(files, partition_size, json.dumps(options))
    out = Path(out_dir).resolve()
    if not partitions and failures:
        return Job(out, partitions, set(), failures, options)  # nothing to read: a usage error, and no folder made for it
    try:
        done = prepare_folder(out, partitions, options)
    except OSError as exc:
        raise EnrichedWriteError(f"cannot write the enriched records at {out}: {exc.strerror or exc}") from exc
    return Job(out, partitions, done, failures, options)


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None):
    """A Dask client: of the scheduler at `scheduler`, else of a local cluster (processes, one per core, one thread each)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        with client:
            yield client
        return
    with LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                      silence_logs=logging.WARNING) as cluster, Client(cluster) as client:
        yield client


def run_job(job: Job, client, progress: Progress | None = None) -> EnrichReport:
    """Enrich the partitions not done yet on the cluster of `client`; every worker writes its own part files."""
    from distributed import as_completed

    errors: list[str] = []
    futures = {client.submit(enrich_partition, p, str(job.out), job.options["entities"], job.options["aliases"],
                             key=f"newsarchive-enrich-{p.key}"): p for p in job.todo}
    for future in as_completed(futures):
        partition = futures[future]
        if future.status == "error":  # an exception in the task (a lost worker is not one: its tasks are rescheduled)
            exc = future.exception()
            errors.append(f"{part_name(partition.number)}: {type(exc).__name__}: {exc}")
        elif future.status != "finished":  # cancelled: the scheduler went away, or dropped the task
            errors.append(f"{part_name(partition.number)}: {future.status}")
        if progress is not None:
            progress(partition.records)
    # The folder, not the futures, says what is done: a partition is done when its marker is there, with its key.
    markers = [read_json(job.out / done_name(p.number)) or {} for p in job.partitions]
    missing = [p for p, m in zip(job.partitions, markers, strict=True) if m.get("key") != p.key]
    errors += [f"{part_name(p.number)}: not written" for p in missing if not any(e.startswith(part_name(p.number)) for e in errors)]
    failures = job.failures + [Failure(f["input"], f["reason"]) for m in markers for f in m.get("failures", [])]
    try:
        finish_folder(job.out, job.partitions, job.options, failures, complete=not missing)
    except OSError as exc:
        raise EnrichedWriteError(f"cannot write the enriched records at {job.out}: {exc.strerror or exc}") from exc
    if errors:
        raise EnrichedWriteError(f"{len(errors)} partitions could not be enriched into {job.out} (run again to retry them): " + "; ".join(errors))
    return EnrichReport(job.out, len(job.partitions), len(job.done), sum(m.get("articles", 0) for m in markers), failures,
                        time.perf_counter() - job.started, sum(p.records for p in job.todo), len(client.scheduler_info().get("workers", {})))


def enrich(paths: Iterable[str | os.PathLike], out_dir: Path, *, scheduler: str | None = None, workers: int | None = None,
           progress: Progress | None = None, **options) -> EnrichReport:
    """Plan and run in one call (`options`: those of `plan_job`)."""
    job = plan_job(paths, out_dir, **options)
    with connect(scheduler, workers) as client:
        return run_job(job, client, progress)
