"""Segments written by the indexing workers: each batch's documents and each merge, away from the coordinator.

Lucene does not funnel documents through one writer: each indexing thread fills its own
segment and the commit only publishes the new segments. Here the coordinating writer
(writer.py) decides what must be decided in one place (an article's state, its duplicate
group, the generation that adds it, deletions) and hands each batch's ready documents, in
a few parts, to the workers: each part becomes a segment, written, given its arrays file
and flushed to disk in the worker (`build_segment`). Merges chosen by merge_policy.py run
the same way (`merge_segments`). The coordinator then publishes the new generation.

A task returns a BuiltSegment, never an open file: the segment object is plain data
(Whoosh pickles it into the table of contents anyway). A killed or failed task leaves
files no table of contents names; the next commit's cleaning removes them, so a run
killed at any point leaves the last generation readable.

`Tasks` is where the writer sends this work: the indexing pipeline's worker pool
(indexing/pipeline.py), or `InProcess` (one worker, tests, `optimize`), which runs it at
once in this process. Both run the same functions, so one worker and several build the
same documents, postings and facets (tests/test_segment_builds.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..layout import INDEX_NAME
from .documents import analysed
from .durable import finish_segment
from .originals import OriginalStore
from .whoosh_internals import SegmentBuilder, file_storage, segment_reader

LIMIT_MB = 256  # posting memory (Whoosh's estimate) of one build before it spills a sorted run to disk: a batch of 2,000 articles fits


@dataclass
class BuiltSegment:
    """A segment a task wrote, ready to publish: the segment, its live documents and the bytes its files take."""

    segment: Any  # a Whoosh W3Segment
    documents: int
    bytes_written: int


def build_segment(folder: str, schema, documents: list[dict], originals: list[bytes], limitmb: int = LIMIT_MB) -> BuiltSegment:
    """One new segment of `documents` (Whoosh documents) in the index at `folder`.

    Titles and bodies are analysed here unless they come analysed: the text crosses from
    the writer as strings, which pickle far faster than postings. The originals are stored
    first: the segment, once published, refers to them.
    """
    store = OriginalStore(Path(folder))
    for raw in originals:
        store.put(raw)
    storage = file_storage(folder)
    builder = SegmentBuilder(storage, schema, INDEX_NAME, limitmb=limitmb)
    try:
        for document in documents:
            builder.add_document(**analysed(document, schema))
        segment = builder.finish()
    except BaseException:
        builder.abandon()
        raise
    return BuiltSegment(segment, segment.doc_count(), finish_segment(storage, schema, segment))


def merge_segments(folder: str, schema, segments: list, limitmb: int = LIMIT_MB, segid: str | None = None) -> BuiltSegment:
    """One segment (named `segid` if given) holding the live documents of `segments`, in their order (deleted ones left out).

    Document d of segments[k] becomes document (live documents of segments[:k]) + (live
    documents of segments[k] before d): the writer maps deletions made meanwhile that way.
    """
    storage = file_storage(folder)
    builder = SegmentBuilder(storage, schema, INDEX_NAME, limitmb=limitmb, segid=segid)
    readers = [segment_reader(storage, schema, segment) for segment in segments]
    try:
        builder.add_segments(readers)
        merged = builder.finish()
    except BaseException:
        builder.abandon()
        raise
    finally:
        for reader in readers:
            reader.close()
    return BuiltSegment(merged, merged.doc_count(), finish_segment(storage, schema, merged))


class Result(Protocol):
    """A task's outcome, as multiprocessing's AsyncResult gives it."""

    def get(self, timeout: float | None = None) -> Any: ...

    def ready(self) -> bool: ...


class Tasks(Protocol):
    """Somewhere to run segment builds: `submit(function, *args)` returns a Result."""

    workers: int

    def submit(self, function: Callable[..., Any], *args: Any) -> Result: ...


class _Done:
    """A task run already: its value, or the exception it raised (raised again by get, as AsyncResult does)."""

    def __init__(self, function: Callable[..., Any], args: tuple) -> None:
        self.value: Any = None
        self.error: BaseException | None = None
        try:
            self.value = function(*args)
        except Exception as exc:  # noqa: BLE001 - handed to whoever waits for the result
            self.error = exc

    def ready(self) -> bool:
        return True

    def get(self, timeout: float | None = None) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


class InProcess:
    """Tasks run at once, in this process: one worker."""

    workers = 1

    def submit(self, function: Callable[..., Any], *args: Any) -> Result:
        return _Done(function, args)
