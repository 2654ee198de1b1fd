"""The tiered merge policy, as a function of segment sizes."""

from __future__ import annotations

import math

from newsarchive.index.store.merge_policy import FACTOR, FLOOR, MAX_MERGED_DOCS, MAX_MERGES, SegmentSize, level, merges


def sizes(*docs: int) -> list[SegmentSize]:
    return [SegmentSize(f"s{i}", n) for i, n in enumerate(docs)]


def test_segments_of_one_level_merge_once_factor_of_them_gathered():
    assert merges(sizes(*[1000] * (FACTOR - 1))) == []
    assert merges(sizes(*[1000] * FACTOR)) == [[f"s{i}" for i in range(FACTOR)]]


def test_levels_grow_by_the_factor():
    assert level(1) == level(FLOOR) == level(FLOOR * FACTOR - 1) == 0
    assert level(FLOOR * FACTOR) == 1
    assert level(FLOOR * FACTOR**2) == 2


def test_a_large_segment_is_not_merged_with_small_ones():
    big = [SegmentSize("big", 50_000)]
    small = sizes(*[1000] * FACTOR)
    groups = merges(big + small)
    assert groups == [[s.id for s in small]]


def test_no_merge_makes_a_segment_past_the_limit():
    near_limit = sizes(*[MAX_MERGED_DOCS // FACTOR + 1] * FACTOR)
    assert merges(near_limit) == []


def test_merges_per_commit_are_bounded_and_lowest_levels_go_first():
    many = sizes(*([1000] * FACTOR * 3 + [20_000] * FACTOR))
    groups = merges(many)
    assert len(groups) == MAX_MERGES
    assert all(next(s.docs for s in many if s.id == i) == 1000 for g in groups for i in g)


def test_empty_segments_are_left_to_the_writer():
    assert merges(sizes(0, 0, 0, *[1000] * (FACTOR - 1))) == []


def test_growing_archive_rewrites_each_article_about_once_per_level():
    """Simulate 250,000 articles arriving as segments of 1,000: write amplification and segment count stay bounded."""
    segments: list[SegmentSize] = []
    written = 0
    made = 0
    for batch in range(250):
        segments.append(SegmentSize(f"b{batch}", 1000))
        written += 1000
        for group in merges(segments):
            members = [s for s in segments if s.id in group]
            segments = [s for s in segments if s.id not in group]
            made += 1
            segments.append(SegmentSize(f"m{made}", sum(s.docs for s in members)))
            written += sum(s.docs for s in members)
        assert len(segments) <= (FACTOR - 1) * 4 + MAX_MERGES
    amplification = written / 250_000
    assert amplification <= 1 + math.log(250, FACTOR) + 0.5
    assert sum(s.docs for s in segments) == 250_000


def test_a_run_does_not_end_waiting_for_a_merge_unless_segments_pile_up():
    assert merges(sizes(*[1000] * FACTOR), at_end=True) == []
    assert len(merges(sizes(*[1000] * (2 * FACTOR)), at_end=True)) == 1
