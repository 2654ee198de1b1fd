"""Which segments to merge at a commit: a tiered (logarithmic) policy for archives that grow.

Every batch of articles becomes a few small segments (one per indexing worker). Merging
keeps the number of segments a search visits bounded, but every merge rewrites the
postings it takes in, so the policy decides how often an article is written again (the
write amplification `make bench-scale` reports). Lucene's LogMergePolicy answers with
levels: segments of similar size sit on one level, and when FACTOR of them have
gathered they become one segment of the next level. An article is then rewritten about
once per level, log_FACTOR(archive / FLOOR) times, and an archive keeps at most
FACTOR - 1 segments per level. No merge makes a segment past MAX_MERGED_DOCS: large
segments are left alone (merging them would rewrite most of the archive for little gain); `newsarchive optimize` still merges
everything for an archive that is done growing. At most MAX_MERGES merges run at once,
each in a worker while indexing goes on (merging.py).

The policy sees sizes only (live documents, deleted ones excluded), never the segments
themselves: it is a pure function, tested as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FACTOR = 10  # segments of one level merged together
FLOOR = 1000  # live documents: segments smaller than this are all level 0
MAX_MERGED_DOCS = 200_000  # a segment this large is never merged again (but by optimize)
MAX_MERGES = 2  # merges running at once: one per worker of a two-core machine


@dataclass(frozen=True)
class SegmentSize:
    """A segment as the policy sees it: its id and its live documents."""

    id: str
    docs: int


def level(docs: int) -> int:
    """The level of a segment of `docs` live documents: 0 below FLOOR * FACTOR, one more per factor of FACTOR."""
    if docs < FLOOR * FACTOR:
        return 0
    return int(math.log(docs / FLOOR, FACTOR))


def merges(segments: list[SegmentSize], at_end: bool = False) -> list[list[str]]:
    """Groups of segment ids to merge, each into one segment: at most MAX_MERGES groups, lowest level first.

    A group is the FACTOR smallest segments of a level, merged only if the result stays
    within MAX_MERGED_DOCS. `at_end` (the last commit of a run): a level is merged only
    once it holds twice FACTOR segments, so that a run does not end waiting for a merge
    that the next run does while it indexes, and segments still cannot pile up over many
    small runs. Segments without a live document are not the policy's: the writer drops
    them from the archive.
    """
    by_level: dict[int, list[SegmentSize]] = {}
    for segment in segments:
        if segment.docs > 0:
            by_level.setdefault(level(segment.docs), []).append(segment)
    groups: list[list[str]] = []
    for lvl in sorted(by_level):
        members = sorted(by_level[lvl], key=lambda s: (s.docs, s.id))
        while len(members) >= (2 * FACTOR if at_end else FACTOR) and len(groups) < MAX_MERGES:
            group, members = members[:FACTOR], members[FACTOR:]
            if sum(s.docs for s in group) > MAX_MERGED_DOCS:
                break
            groups.append([s.id for s in group])
    return groups
