"""Merges that run in the workers while indexing goes on, and their place in the archive once done.

The writer (writer.py) asks at each commit: which merges have finished (`install`), and
which may start (`start`, choosing with merge_policy.py among segments no merge holds).
A merge works on the segments as they were when it started; the archive keeps serving
them meanwhile, and an update may delete one of their documents before the merge is
done. Lucene carries such deletions over to the merged segment, and so does `install`:
document d of the k-th merged segment became (live documents of the segments before it)
+ (live documents of its own before d), counting as of the merge's start
(segment_builds.merge_segments). A merge's segment is named before it starts, so a
commit meanwhile never takes its files for stale ones (`in_progress`).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from ..layout import INDEX_NAME
from .merge_policy import MAX_MERGES, SegmentSize, merges
from .segment_builds import BuiltSegment, Result, Tasks, merge_segments
from .whoosh_internals import new_segment_id, segment_id


@dataclass
class _Running:
    """A merge handed to a worker."""

    sources: list[str]  # ids of the segments merged, in order
    deleted: list[list[int]]  # each one's deleted documents when the merge started, sorted
    counts: list[int]  # each one's documents, deleted ones included
    name: str  # the merged segment's id
    result: Result


class MergeScheduler:
    """The merges running for one writer: started by the policy, installed when done."""

    def __init__(self, tasks: Tasks, folder: str, schema, limitmb: int) -> None:
        self.tasks, self.folder, self.schema, self.limitmb = tasks, folder, schema, limitmb
        self.running: list[_Running] = []

    def busy(self) -> set[str]:
        """Ids of the segments some merge is reading."""
        return {source for merge in self.running for source in merge.sources}

    def in_progress(self) -> set[str]:
        """Ids of the segments being written by merges."""
        return {merge.name for merge in self.running}

    def start(self, segments: list, at_end: bool = False) -> None:
        """Start the merges the policy chooses among `segments` no merge holds (at most MAX_MERGES at once; `at_end`: see merges())."""
        busy = self.busy()
        free = [SegmentSize(s.segment_id(), s.doc_count()) for s in segments if s.segment_id() not in busy]
        by_id = {s.segment_id(): s for s in segments}
        for group in merges(free, at_end)[: max(0, MAX_MERGES - len(self.running))]:
            members = [by_id[i] for i in group]
            segid = new_segment_id()
            result = self.tasks.submit(merge_segments, self.folder, self.schema, members, self.limitmb, segid)
            self.running.append(_Running(group, [sorted(s.deleted_docs()) for s in members], [s.doc_count_all() for s in members],
                                         segment_id(INDEX_NAME, segid), result))

    def install(self, segments: list, wait: bool = False) -> tuple[list, list[BuiltSegment]]:
        """`segments` with every finished merge (every running one with `wait`) in place of its sources; and those merges."""
        done: list[BuiltSegment] = []
        for merge in list(self.running):
            if not (wait or merge.result.ready()):
                continue
            self.running.remove(merge)
            built: BuiltSegment = merge.result.get()
            by_id = {s.segment_id(): s for s in segments}
            self._carry_deletions(merge, [by_id[i] for i in merge.sources], built.segment)
            first = min(segments.index(by_id[i]) for i in merge.sources)
            segments = [s for s in segments if s.segment_id() not in merge.sources]
            segments.insert(min(first, len(segments)), built.segment)
            done.append(built)
        return segments, done

    @staticmethod
    def _carry_deletions(merge: _Running, sources: list, merged) -> None:
        """Delete in the merged segment what was deleted in its sources after the merge started."""
        base = 0
        for before, count, source in zip(merge.deleted, merge.counts, sources, strict=True):
            for docnum in sorted(set(source.deleted_docs()) - set(before)):
                merged.delete_document(base + docnum - bisect_left(before, docnum))
            base += count - len(before)
