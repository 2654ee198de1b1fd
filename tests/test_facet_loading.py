"""Facet arrays loaded from the per-document facet column, segment by segment, and from the postings of older indexes."""

from __future__ import annotations

import dataclasses

import pytest

from newsarchive.index.article import Article
from newsarchive.index.store import writer as writer_module
from newsarchive.index.store.folder import open_index
from newsarchive.index.store.schema import FACET_FIELDS
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search import facet_arrays as facets
from newsarchive.search import facets as facet_cache
from newsarchive.search.archive import Archive
from newsarchive.search.request import SearchRequest

from .conftest import DATA, build_index


@pytest.fixture(scope="module")
def mini_articles_annotated(tmp_path_factory) -> list[Article]:
    return build_index(tmp_path_factory.mktemp("facets-source"), DATA / "mini.jsonl")


def copies(articles: list[Article]) -> list[Article]:
    return [Article.from_json(a.to_json()) for a in articles]


def pairs(facet) -> set[tuple[int, str]]:
    return {(int(d), facet.values[int(v)]) for d, v in zip(facet.docs, facet.vals, strict=True)}


def facet_summary(folder) -> dict:
    result = Archive(folder).search(SearchRequest(query="", limit=1))
    return {name: {f["value"]: f["count"] for f in result.facets[name]} for name in ("person", "country", "year")}


def test_the_facet_column_holds_what_the_postings_hold(tmp_path, mini_articles_annotated):
    with ArchiveWriter(tmp_path, batch_size=2) as writer:  # several segments
        writer.add_many(copies(mini_articles_annotated))
    with open_index(tmp_path).searcher() as searcher:
        leaves = searcher.reader().leaf_readers()
        assert len(leaves) > 1
        for leaf, _ in leaves:
            from_column = facets.load_leaf(leaf)
            for name in FACET_FIELDS:
                from_postings = facets._from_postings(leaf, name)
                assert pairs(from_column[name]) == pairs(from_postings), name
        assert any(pairs(facets.load_leaf(leaf)["person"]) for leaf, _ in leaves)  # not vacuous: persons are there


def test_an_index_without_the_facet_column_counts_the_same(tmp_path, mini_articles_annotated, monkeypatch):
    current = tmp_path / "current"
    with ArchiveWriter(current) as writer:
        writer.add_many(copies(mini_articles_annotated))
    older = tmp_path / "older"
    build_schema = writer_module.build_schema

    def schema_of_an_older_version(*args):
        schema = build_schema(*args)
        schema.remove("facet_terms")
        return schema

    monkeypatch.setattr(writer_module, "build_schema", schema_of_an_older_version)
    with ArchiveWriter(older) as writer:
        writer.add_many(copies(mini_articles_annotated))
    assert "facet_terms" not in open_index(older).schema
    summary = facet_summary(current)
    assert summary["person"] and summary["country"]
    assert facet_summary(older) == summary


def test_after_a_commit_only_the_new_segment_is_read_and_replaced_versions_are_not_counted(tmp_path, mini_articles_annotated, monkeypatch):
    first, second = mini_articles_annotated[:3], mini_articles_annotated[3:]
    with ArchiveWriter(tmp_path) as writer:
        writer.add_many(copies(first))
    archive = Archive(tmp_path)
    before = archive.search(SearchRequest(query="", limit=1)).facets
    loaded = []
    real_load = facets.load_leaf
    monkeypatch.setattr(facet_cache, "load_leaf", lambda leaf, mapped=None: loaded.append(leaf) or real_load(leaf, mapped))
    with ArchiveWriter(tmp_path) as writer:
        writer.add_many(copies(second))
    archive.search(SearchRequest(query="", limit=1))
    assert len(loaded) == 1  # the new segment; the first one's pairs were kept
    # An article indexed again without its persons: its old version is deleted, not counted.
    changed = next(a for a in first if a.persons)
    changed_again = dataclasses.replace(Article.from_json(changed.to_json()), persons=[])
    with ArchiveWriter(tmp_path) as writer:
        writer.add(changed_again)
    final = [changed_again if a.id == changed.id else a for a in mini_articles_annotated]
    with ArchiveWriter(tmp_path / "fresh") as writer:
        writer.add_many(copies(final))
    assert facet_summary(tmp_path) == facet_summary(tmp_path / "fresh")
    assert facet_summary(tmp_path)["person"] != {f["value"]: f["count"] for f in before["person"]}


def _reference_count(field, mask, groups=None):
    # Pair by pair, in Python: what a count over the selected documents means.
    seen, counts = set(), [0] * len(field.values)
    for doc, val in zip(field.docs.tolist(), field.vals.tolist(), strict=True):
        if mask is not None and not mask[doc]:
            continue
        key = (groups[doc] if groups is not None else doc, val)
        if key not in seen:
            seen.add(key)
            counts[val] += 1
    return counts


@pytest.mark.parametrize("share", [0.0, 0.01, 0.2, 0.49, 0.51, 1.0])
def test_counts_over_a_small_or_large_selection_equal_counting_pair_by_pair(share):
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(7)
    ndocs, nvalues = 500, 40
    docs = np.sort(rng.integers(0, ndocs, 3000)).astype(np.int32)  # some documents have no value, some many
    vals = rng.integers(0, nvalues, docs.size).astype(np.int32)
    pairs = np.unique(docs.astype(np.int64) * nvalues + vals)
    order = rng.permutation(pairs.size)  # pairs come segment by segment, not sorted by document
    field = facets.FieldFacet([f"v{i}" for i in range(nvalues)], (pairs // nvalues).astype(np.int32)[order],
                              (pairs % nvalues).astype(np.int32)[order], ndocs)
    mask = rng.random(ndocs) < share
    groups = rng.integers(0, ndocs // 3, ndocs)
    assert field.count(mask).tolist() == _reference_count(field, mask)
    assert field.count(mask, groups).tolist() == _reference_count(field, mask, groups)
    field.remap({"v1": "v2", "v3": "new"})  # the layout is rebuilt after a merge of values
    assert field.count(mask).tolist() == _reference_count(field, mask)
    assert field.count(mask, groups).tolist() == _reference_count(field, mask, groups)
