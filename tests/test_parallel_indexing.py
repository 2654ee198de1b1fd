"""Indexing fast without changing the index: documents analysed in workers, the codec, the posting pool, the stemmer setting."""

from __future__ import annotations

import itertools
import json
import os

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from newsarchive.index.analysis import FrenchAnalyzer, analyze
from newsarchive.index.article import Article
from newsarchive.index.indexing.pipeline import (
    AHEAD_SECONDS,
    CHUNK,
    IN_FLIGHT,
    MAX_IN_FLIGHT,
    WORKER_NICENESS,
    Pipeline,
    plan,
    process,
    records,
    window,
)
from newsarchive.index.store.documents import article_fields
from newsarchive.index.store.folder import open_index
from newsarchive.index.store.schema import build_schema, schema_stemmer
from newsarchive.index.store.whoosh_internals import ArchiveCodec, PostingPool
from newsarchive.index.store.writer import ArchiveWriter

from .conftest import DATA


@pytest.fixture(scope="module")
def mini_articles_extracted() -> list[Article]:
    return [a for a in process(records(plan([DATA / "mini.jsonl"]).files), workers=1, with_entities=False) if isinstance(a, Article)]


def postings_of(folder) -> dict:
    """Every (field, term) -> [(article id, weight, value bytes)] of an index: its whole inverted content."""
    ix = open_index(folder) if (folder / "newsarchive.json").exists() else whoosh_index.open_dir(str(folder))
    found = {}
    with ix.searcher() as s:
        reader = s.reader()
        ids = {d: s.stored_fields(d)["id"] for d in reader.all_doc_ids()}
        for fieldname in ("title", "body", "exact", "person", "country"):
            if fieldname not in reader.indexed_field_names():
                continue
            for term in reader.lexicon(fieldname):
                m = reader.postings(fieldname, term)
                rows = []
                while m.is_active():
                    rows.append((ids[m.id()], m.weight(), m.value()))
                    m.next()
                found[(fieldname, term)] = sorted(rows)
    return found


def test_segments_built_in_workers_index_like_segments_built_in_the_writing_process(tmp_path, mini_articles_extracted):
    serial = tmp_path / "serial"
    with ArchiveWriter(serial) as writer:
        writer.add_many([Article.from_json(a.to_json()) for a in mini_articles_extracted])
    parallel = tmp_path / "parallel"
    with Pipeline(2, with_entities=False) as pipeline, ArchiveWriter(parallel, batch_size=2, tasks=pipeline) as writer:
        writer.add_many([Article.from_json(a.to_json()) for a in mini_articles_extracted])
    assert postings_of(serial) == postings_of(parallel)


def test_the_index_own_stemmer_analyses_what_the_workers_write(tmp_path, mini_articles_extracted):
    article = Article.from_json(mini_articles_extracted[1].to_json())
    folder = tmp_path / "light"
    with Pipeline(2, with_entities=False) as pipeline, ArchiveWriter(folder, stemmer="light", tasks=pipeline) as writer:
        writer.add(article)
    terms = {term.decode() for (field, term) in postings_of(folder) if field == "body"}
    assert terms == set(analyze(article.text, FrenchAnalyzer("light")))
    assert terms != set(analyze(article.text, FrenchAnalyzer("snowball")))


def test_the_archive_codec_writes_what_whoosh_codec_writes(tmp_path, mini_articles_extracted):
    folders = {}
    for name, codec in (("w3", W3Codec()), ("archive", ArchiveCodec())):
        folder = folders[name] = tmp_path / name
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), build_schema())
        for part in (mini_articles_extracted[:3], mini_articles_extracted[3:]):  # two segments, merged by Whoosh's policy
            writer = ix.writer(codec=codec)
            for article in part:
                writer.add_document(**article_fields(article))
            writer.commit()
    assert postings_of(folders["w3"]) == postings_of(folders["archive"])


@pytest.mark.parametrize("limitmb", [256, 0.001])  # in memory, and spilled to sorted runs on disk
def test_posting_pool_gives_postings_sorted_by_field_term_and_document(tmp_path, limitmb):
    from whoosh.filedb.filestore import FileStorage

    pool = PostingPool(FileStorage(str(tmp_path)), None, limitmb=limitmb)
    items = [(f, t, d, 1.0, b"v") for d in range(30) for f in ("body", "title") for t in (b"b", b"a", b"c") if (d + len(t)) % 3]
    for item in items:
        pool.add(item)
    assert list(pool.items()) == sorted(items)
    assert pool.fieldnames == {"body", "title"}


def test_pipeline_reads_only_a_few_chunks_ahead_of_the_writer():
    taken = itertools.count()
    first = next(records(plan([DATA / "mini.jsonl"]).files))
    raw = (first for _ in range(2000) if next(taken) >= 0)
    with Pipeline(2, with_entities=False) as pipeline:
        results = pipeline.run(raw)
        next(results)
        consumed = next(taken)
    assert consumed <= (IN_FLIGHT * 2 + 1) * CHUNK + 1


def test_cheap_chunks_are_queued_deeper_so_workers_keep_busy_while_the_writer_commits():
    assert window(2, None) == 2 * IN_FLIGHT  # nothing measured yet: the safe few
    slow = window(2, 1.0)  # entity recognition: about a second a chunk
    cheap = window(2, 0.08)  # extraction only
    assert slow == 2 * IN_FLIGHT
    assert cheap > 4 * slow
    assert cheap / 2 * 0.08 <= AHEAD_SECONDS  # what an early exit waits for stays bounded
    assert window(2, 1e-6) == 2 * MAX_IN_FLIGHT  # and so does memory


def test_worker_processes_yield_the_cpu_but_the_calling_process_keeps_its_priority():
    before = os.nice(0)
    assert list(process(records(plan([DATA / "mini.jsonl"]).files), workers=1, with_entities=False))
    assert os.nice(0) == before  # in-process extraction must not lower the caller (a server, a test run)
    with Pipeline(2, with_entities=False) as pipeline:
        assert pipeline._pool.apply(os.nice, (0,)) == min(19, before + WORKER_NICENESS)
    assert os.nice(0) == before


def test_the_stemmer_is_chosen_when_the_index_is_created_and_kept(tmp_path, mini_articles_extracted):
    folder = tmp_path / "snowball"
    with ArchiveWriter(folder, stemmer="snowball") as writer:
        writer.add(Article.from_json(mini_articles_extracted[0].to_json()))
    with ArchiveWriter(folder, stemmer="light") as writer:  # an existing index keeps its own
        writer.add(Article.from_json(mini_articles_extracted[1].to_json()))
    assert schema_stemmer(open_index(folder).schema) == "snowball"
    assert json.loads((folder / "newsarchive.json").read_text())["schema_version"] >= 3


def test_small_segments_are_merged_level_by_level_and_nothing_is_lost(tmp_path, mini_articles_extracted, monkeypatch):
    from newsarchive.index.store import merge_policy

    monkeypatch.setattr(merge_policy, "FACTOR", 3)
    monkeypatch.setattr(merge_policy, "FLOOR", 1)
    folder = tmp_path / "segments"
    counts = []
    with ArchiveWriter(folder, batch_size=1) as writer:  # one segment per article
        for article in mini_articles_extracted:
            writer.add(Article.from_json(article.to_json()))
            with open_index(folder).searcher() as s:
                counts.append(len(s.reader().leaf_readers()))
        summary = writer.summary
    assert counts[:3] == [1, 2, 1]  # the third segment of level 0 makes one of level 1
    assert max(counts) <= 2 * 3  # at most FACTOR - 1 segments per level
    assert summary.merges >= len(mini_articles_extracted) // 3
    with open_index(folder).searcher() as s:
        assert s.doc_count() == len(mini_articles_extracted)
        assert sorted(s.stored_fields(d)["id"] for d in s.reader().all_doc_ids()) == sorted(a.id for a in mini_articles_extracted)
