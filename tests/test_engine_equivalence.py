"""The numpy engine against Whoosh itself, on an index of several segments with updated and deleted articles.

Per segment, the engine reads postings with segment-local document numbers, adds the
segment's offset and masks deleted documents by array: a wrong offset or a forgotten
deletion would give other documents or other scores than Whoosh. Every comparison here
runs on an index where both can go wrong, and two tests break them on purpose to show
the comparison notices.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from newsarchive.index.article import Article
from newsarchive.index.indexing.pipeline import plan, process, records
from newsarchive.index.store.folder import open_index
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search import ranking
from newsarchive.search.archive import Archive
from newsarchive.search.engine import Matches, Unsupported, evaluate, top
from newsarchive.search.postings import IndexArrays
from newsarchive.search.request import SearchRequest

from .conftest import DATA

QUERIES = [
    "coopération", "lavrov", "coopération russie", "russie OR canada", "coopération NOT lavrov", "titre:merkel",
    "exact:coopérations", '"coopération culturelle"', "États-Unis", "person:lavrov", "pays:DE", "abeilles OU pesticides",
    "(coopération OR sanctions) ET russie", "copie", "copie AND russie", "NOT copie", "le la les", "zzzz",
]
DELETED = 3
UPDATED = 4


def _copy(article: Article, n: int, extra: str = "") -> Article:
    """A distinct article with the same facets: another id and URL, a marker word, maybe more text."""
    return dataclasses.replace(article, id=f"{article.id}-{n}", url=f"{article.url}#{n}", persons=list(article.persons),
                               countries=list(article.countries), text=f"{article.text}\n\nCopie numéro {n}. {extra}".strip(),
                               raw=b"")


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> dict:
    """An index of 31 articles in several segments, 4 of them updated (old copies deleted) and 3 deleted outright."""
    folder = tmp_path_factory.mktemp("segmented")
    base = [a for a in process(records(plan([DATA / "mini.jsonl"]).files), workers=1) if isinstance(a, Article)]
    articles = [_copy(a, n) for n in range(4) for a in base]
    twins = [_copy(base[0], 100), _copy(base[0], 101)]  # the same words: equal scores, ties broken by document number
    twins[1].text = twins[0].text
    with ArchiveWriter(folder, batch_size=5) as writer:
        writer.add_many([*articles, *twins])
    with ArchiveWriter(folder, batch_size=5) as writer:  # same ids, new text: the old copies are deleted in their segments
        writer.add_many([dataclasses.replace(a, text=f"{a.text} Mise à jour sur la coopération.") for a in articles[:UPDATED]])
        assert writer.summary.updated == UPDATED
    deleted = [a.id for a in articles[-DELETED:]]
    ix = open_index(folder)
    w = ix.writer()
    for article_id in deleted:
        w.delete_by_term("id", article_id)
    w.commit(merge=False)
    return {"folder": folder, "deleted": deleted, "count": len(articles) + len(twins) - DELETED}


@pytest.fixture(scope="module")
def archive(segmented) -> Archive:
    return Archive(segmented["folder"])


def test_the_index_has_several_segments_updates_and_deletions(archive, segmented):
    reader = archive.searcher().reader()
    assert len(reader.leaf_readers()) >= 4
    assert reader.has_deletions()
    assert reader.doc_count() == segmented["count"] < reader.doc_count_all()
    for article_id in segmented["deleted"]:
        assert archive.article(article_id) is None


def differences(archive: Archive, text: str, reader=None, arrays: IndexArrays | None = None) -> list[str]:
    """Where the engine and Whoosh disagree on `text`: documents, then scores (empty when they agree)."""
    snap = archive.snapshot()
    q = archive.planner.parse(text)
    if q is None:
        return []
    reader = reader or snap.reader
    ours = evaluate(q, arrays or IndexArrays(snap.reader, snap.searcher.weighting), reader, archive.schema)
    theirs = {hit.docnum: hit.score for hit in snap.searcher.search(q, limit=None)}
    if sorted(ours.docs.tolist()) != sorted(theirs):
        return [f"{text}: documents {sorted(ours.docs.tolist())} != {sorted(theirs)}"]
    return [f"{text}: document {d} scores {s} != {theirs[d]}" for d, s in zip(ours.docs.tolist(), ours.scores.tolist(), strict=True)
            if s != pytest.approx(theirs[d], rel=1e-9)]


@pytest.mark.parametrize("text", QUERIES)
def test_engine_matches_and_scores_like_whoosh_across_segments(archive, text):
    assert differences(archive, text) == []


def test_a_cache_too_small_for_the_queries_evicts_and_answers_the_same(archive, monkeypatch):
    """With room for a few postings only, every term read pushes older ones out: answers must not change."""
    from newsarchive.search import postings

    snap = archive.snapshot()
    monkeypatch.setattr(postings, "POSTINGS_BUDGET", 40)
    arrays = IndexArrays(snap.reader, snap.searcher.weighting)
    for text in QUERIES * 2:  # the second pass reads again what the first evicted
        assert differences(archive, text, arrays=arrays) == []
        assert arrays._cached == sum(postings._size(v) for v in arrays._postings.values())
        assert arrays._cached <= 40 or len(arrays._postings) == 1


def test_a_term_read_by_two_threads_at_once_is_kept_and_counted_once(archive):
    """Two threads missing the same term both read it; the cache must keep one copy and count it once."""
    from newsarchive.search import postings

    snap = archive.snapshot()
    term = next(t.text for t in archive.schema["body"].analyzer("coopération"))
    first = IndexArrays(snap.reader, snap.searcher.weighting).postings(snap.reader, "body", term)
    arrays = IndexArrays(snap.reader, snap.searcher.weighting)

    def read_while_another_thread_stores():  # the other thread's read ends first, inside this one's
        arrays.postings(snap.reader, "body", term)
        return tuple(a.copy() for a in first)

    got = arrays._cached_read(("body", term), read_while_another_thread_stores)
    assert got is arrays.postings(snap.reader, "body", term)
    assert len(arrays._postings) == 1
    assert arrays._cached == postings._size(got) == first[0].size > 0


class _ZeroOffsets:
    """A reader whose segments all claim to start at document 0: what a lost offset looks like."""

    def __init__(self, reader) -> None:
        self._reader = reader

    def leaf_readers(self):
        return [(leaf, 0) for leaf, _ in self._reader.leaf_readers()]

    def __getattr__(self, name):
        return getattr(self._reader, name)


def _noticed(archive: Archive, **broken) -> list[str]:
    """The differences over every query, a crash of the broken engine counting as one."""
    found = []
    for text in QUERIES:
        try:
            found += differences(archive, text, **broken)
        except (IndexError, ValueError) as exc:
            found.append(f"{text}: {type(exc).__name__}")
    return found


def test_the_comparison_notices_a_lost_segment_offset(archive):
    snap = archive.snapshot()
    broken = _ZeroOffsets(snap.reader)
    assert _noticed(archive, reader=broken, arrays=IndexArrays(broken, snap.searcher.weighting)), "a lost segment offset went unnoticed"


def test_the_comparison_notices_a_forgotten_deletion(archive):
    snap = archive.snapshot()
    arrays = IndexArrays(snap.reader, snap.searcher.weighting)
    arrays.live[:] = True  # as if nothing had been deleted
    arrays.live_docs = np.flatnonzero(arrays.live)
    assert _noticed(archive, arrays=arrays), "deleted documents went unnoticed"


def test_engine_ranks_ties_by_document_number_like_whoosh(archive):
    snap = archive.snapshot()
    q = archive.planner.parse("copie")
    ours = evaluate(q, snap.arrays, snap.reader, archive.schema)
    scores = ours.scores.tolist()
    assert len(scores) != len(set(scores)), "the fixture should hold equal scores"
    theirs = [hit.docnum for hit in snap.searcher.search(q, limit=len(scores))]
    assert ours.docs[top(ours, len(scores))].tolist() == theirs


def test_top_breaks_ties_by_document_number():
    m = Matches(np.array([3, 5, 8, 9]), np.array([1.0, 2.0, 2.0, 0.5]))
    assert m.docs[top(m, 3)].tolist() == [5, 8, 3]


DATE_REQUESTS = [
    {"date_from": dt.date(2017, 1, 1), "date_to": dt.date(2017, 12, 31)},
    {"date_from": dt.date(2018, 1, 1)},
    {"date_to": dt.date(2016, 12, 31)},
    {"date_from": dt.date(2017, 2, 16), "date_to": dt.date(2017, 2, 16)},
]


@pytest.mark.parametrize("dates", DATE_REQUESTS)
@pytest.mark.parametrize("text", ["", "coopération", "lavrov OR trudeau", "copie NOT russie"])
def test_date_filters_select_the_same_documents_on_both_paths(archive, text, dates):
    snap = archive.snapshot()
    request = SearchRequest(query=text, **dates).validate()
    planned = archive.planner.plan(request, snap.reader, snap.facets)
    fast = ranking.engine_matches(planned, snap)
    slow = sorted(snap.searcher.docs_for_query(planned.whole))
    assert fast is not None
    assert fast.docs.tolist() == slow


def _unsupported(*args, **kwargs):
    raise Unsupported("forced")


@pytest.mark.parametrize("text", ["coopération", "coopération russie", '"coopération culturelle"', "russie OR canada", "copie", ""])
@pytest.mark.parametrize("extra", [{}, {"date_from": dt.date(2017, 1, 1)}, {"countries": ["DE"]}, {"sort": "newest"}, {"all_versions": True}])
def test_the_page_does_not_depend_on_the_path_taken(archive, monkeypatch, text, extra):
    """Wildcards, ranges and phrases with a slop go to Whoosh; hits, totals and facets must not change with the path."""
    fast = archive.search(SearchRequest(query=text, limit=5, **extra))
    monkeypatch.setattr(ranking, "evaluate", _unsupported)
    slow = archive.search(SearchRequest(query=text, limit=5, **extra))
    assert [h.id for h in fast.hits] == [h.id for h in slow.hits]
    assert (fast.total, fast.groups, fast.facets) == (slow.total, slow.groups, slow.facets)
