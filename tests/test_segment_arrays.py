"""Per-document arrays written beside each segment at commit and mapped at open (index/store/segment_arrays.py).

The differential tests compare an index with its arrays files against the same index with
them removed (the path older indexes take: everything computed from the segments), on an
index of several segments with updated and deleted articles: the same hits, scores,
facets, dates, groups and words.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from newsarchive.index.article import Article
from newsarchive.index.indexing.pipeline import plan, process, records
from newsarchive.index.keeping.backup import backup
from newsarchive.index.keeping.check import Checker
from newsarchive.index.layout import segment_arrays_name
from newsarchive.index.store.folder import open_index
from newsarchive.index.store.manifest import parse_manifest
from newsarchive.index.store.segment_arrays import open_segment_arrays
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search.archive import Archive
from newsarchive.search.keeping import USER_FILE_READERS
from newsarchive.search.request import SearchRequest

from .conftest import DATA

REQUESTS = [
    SearchRequest(query=""), SearchRequest(query="coopération"), SearchRequest(query="russie OR canada"),
    SearchRequest(query='"coopération culturelle"'), SearchRequest(query="copie", sort="newest"),
    SearchRequest(query="copie", sort="oldest"), SearchRequest(query="copie", sort="added"),
    SearchRequest(query="person:lavrov"), SearchRequest(query="", countries=["RU"]), SearchRequest(query="mise à jour"),
    SearchRequest(query="copie", all_versions=True, limit=50), SearchRequest(query="", count="groups"),
]


def _copy(article: Article, n: int, extra: str = "") -> Article:
    return dataclasses.replace(article, id=f"{article.id}-{n}", url=f"{article.url}#{n}", persons=list(article.persons),
                               countries=list(article.countries), text=f"{article.text}\n\nCopie numéro {n}. {extra}".strip(),
                               raw=b"")


@pytest.fixture(scope="module")
def base_articles() -> list[Article]:
    return [a for a in process(records(plan([DATA / "mini.jsonl"]).files), workers=1) if isinstance(a, Article)]


@pytest.fixture(scope="module")
def segmented(tmp_path_factory, base_articles) -> Path:
    """Several segments, 4 articles updated (old copies deleted in their segments) and 3 deleted outright."""
    folder = tmp_path_factory.mktemp("arrays") / "ix"
    articles = [_copy(a, n) for n in range(4) for a in base_articles]
    with ArchiveWriter(folder, batch_size=5) as writer:
        writer.add_many(articles)
    with ArchiveWriter(folder, batch_size=5) as writer:
        writer.add_many([dataclasses.replace(a, text=f"{a.text} Mise à jour sur la coopération.") for a in articles[:4]])
    w = open_index(folder).writer()
    for article in articles[-3:]:
        w.delete_by_term("id", article.id)
    w.commit(merge=False)
    return folder


@pytest.fixture(scope="module")
def without_arrays(segmented, tmp_path_factory) -> Path:
    folder = Path(shutil.copytree(segmented, tmp_path_factory.mktemp("no-arrays") / "ix"))
    for path in folder.glob("*.arrays"):
        path.unlink()
    return folder


def segment_ids(folder: Path) -> list[str]:
    with open_index(folder).searcher() as s:
        return [leaf.segment().segment_id() for leaf, _ in s.reader().leaf_readers()]


def answers(folder: Path) -> list:
    archive = Archive(folder)
    found = []
    for request in REQUESTS:
        result = archive.search(request)
        data = result.to_json()
        data.pop("took_ms", None)
        found.append(data)
    found.append(archive.words(SearchRequest(query="copie")).to_json())
    found.append(archive.words(SearchRequest(query="coopération")).to_json())
    facets = archive.facet_cache()
    snap = archive.snapshot()
    found.append({"days": facets.days.tolist(), "added": facets.added.tolist(), "added_at": facets.added_at.tolist(),
                  "years": facets.years.tolist(), "groups": facets.groups.tolist(), "group_ids": list(facets.group_ids),
                  "live": snap.arrays.live.tolist(),
                  "lengths": {f: snap.arrays.lengths(snap.reader, f).tolist() for f in ("title", "body", "exact")}})
    found.append({kind: sorted(zip(facets.facet(kind).docs.tolist(), facets.facet(kind).vals.tolist(), strict=True))
                  for kind in ("person", "country", "source", "organisation")})
    found.append({kind: list(facets.facet(kind).values) for kind in ("person", "country", "source", "organisation")})
    return found


def test_every_segment_has_its_arrays_file_named_in_the_manifest(segmented):
    ids = segment_ids(segmented)
    assert len(ids) >= 4
    manifest = max(segmented.glob("_MAIN_*.manifest.json"), key=lambda p: int(p.name.split("_")[2].split(".")[0]))
    files = parse_manifest(manifest.read_bytes())
    with open_index(segmented).searcher() as s:
        for leaf, _ in s.reader().leaf_readers():
            segment_id = leaf.segment().segment_id()
            assert segment_arrays_name(segment_id) in files
            mapped = open_segment_arrays(segmented, segment_id, leaf.doc_count_all())
            assert mapped is not None and mapped.has_facets and mapped.column("day_newest") is not None


def test_the_index_has_deletions(segmented):
    with open_index(segmented).searcher() as s:
        reader = s.reader()
        assert reader.has_deletions() and any(leaf.has_deletions() for leaf, _ in reader.leaf_readers())


def test_the_arrays_answer_exactly_as_the_segments_read_without_them(segmented, without_arrays):
    assert not list(without_arrays.glob("*.arrays"))
    with_them, without = answers(segmented), answers(without_arrays)
    assert with_them[0]["total"] > 0 and with_them[0]["facets"]["person"]  # not vacuous
    for got, expected in zip(with_them, without, strict=True):
        assert got == expected


def test_the_search_maps_the_files_instead_of_reading_the_segments(segmented, monkeypatch):
    from newsarchive.search import facet_arrays, postings, words

    monkeypatch.setattr(facet_arrays, "_from_column", lambda leaf: pytest.fail("a segment's facet column was read"))
    monkeypatch.setattr(postings, "leaf_lengths", lambda *args: pytest.fail("a segment's lengths were read"))
    monkeypatch.setattr(words, "read_leaf", lambda leaf: pytest.fail("a segment's terms were read for the characteristic words"))
    archive = Archive(segmented)
    assert archive.search(SearchRequest(query="coopération")).total
    assert archive.words(SearchRequest(query="coopération")).words


def test_a_merge_gives_an_older_index_its_arrays(without_arrays, base_articles, tmp_path):
    folder = Path(shutil.copytree(without_arrays, tmp_path / "ix"))
    before = answers(folder)
    open_index(folder).writer().commit(optimize=True)
    ids = segment_ids(folder)
    assert len(ids) == 1
    assert (folder / segment_arrays_name(ids[0])).exists()
    after = answers(folder)
    # Deleted documents are gone and documents renumbered: totals and facet counts stay (scores and ties may move).
    for got, expected in zip(after[:len(REQUESTS)], before[:len(REQUESTS)], strict=True):
        assert (got["total"], got["facets"], got["groups"]) == (expected["total"], expected["facets"], expected["groups"])
    # And the merged segment's arrays answer as the merged segment read without them.
    bare = Path(shutil.copytree(folder, tmp_path / "bare"))
    for path in bare.glob("*.arrays"):
        path.unlink()
    assert answers(bare) == after


def test_a_damaged_or_missing_arrays_file_is_named_by_check_and_searches_still_answer(segmented, tmp_path):
    folder = Path(shutil.copytree(segmented, tmp_path / "ix"))
    expected = answers(segmented)
    first, second = sorted(folder.glob("*.arrays"))[:2]
    data = bytearray(first.read_bytes())
    data[-9] ^= 0x20
    first.write_bytes(bytes(data))
    second.unlink()
    with Checker(folder, USER_FILE_READERS) as checker:
        report = checker.run()
    problems = {p.file: p.problem for p in report.problems}
    assert problems.get(first.name) == "content differs from the manifest"
    assert problems.get(second.name) == "missing"
    # A truncated file is not mapped: the segment is read instead.
    first.write_bytes(first.read_bytes()[:100])
    assert answers(folder)[:len(REQUESTS)] == expected[:len(REQUESTS)]


def test_backup_copies_the_arrays_files(segmented, tmp_path):
    dest = tmp_path / "copy"
    backup(segmented, dest, USER_FILE_READERS)
    names = {p.name for p in segmented.glob("*.arrays")}
    assert names and names == {p.name for p in dest.glob("*.arrays")}
    with Checker(dest, USER_FILE_READERS) as checker:
        assert checker.run().ok


def test_a_commit_killed_after_writing_arrays_leaves_a_readable_index_and_the_next_commit_cleans(segmented, base_articles, tmp_path):
    folder = Path(shutil.copytree(segmented, tmp_path / "ix"))
    expected = answers(folder)
    corpus = tmp_path / "more.jsonl"
    corpus.write_text("\n".join(json.dumps({"url": f"https://kill.test/{i}", "title": f"Titre {i}", "date": "2020-01-02",
                                            "text": f"La coopération numéro {i} reprend. " * 10}) for i in range(3)), "utf-8")
    script = textwrap.dedent(f"""
        import os
        from newsarchive.index.indexing.pipeline import plan, process, records
        from newsarchive.index.article import Article
        from newsarchive.index.store import durable
        from newsarchive.index.store.writer import ArchiveWriter

        def killed(self, segments):  # the process dies after the arrays are written, before the table of contents
            os._exit(9)

        durable.SafeSegmentWriter.write_toc = killed
        articles = [a for a in process(records(plan([{str(corpus)!r}]).files), workers=1, with_entities=False) if isinstance(a, Article)]
        with ArchiveWriter({str(folder)!r}) as writer:
            writer.add_many(articles)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert run.returncode == 9, run.stderr
    known = set(segment_ids(folder))
    orphans = [p for p in folder.glob("*.arrays") if p.name.removesuffix(".arrays") not in known]
    assert orphans, "the killed commit wrote no arrays file"
    assert answers(folder) == expected
    with Checker(folder, USER_FILE_READERS) as checker:
        assert checker.run().ok
    with ArchiveWriter(folder) as writer:
        writer.add(dataclasses.replace(_copy(base_articles[0], 999)))
    assert not any(p.exists() for p in orphans)
    ids = segment_ids(folder)
    assert all((folder / segment_arrays_name(i)).exists() for i in ids)


def test_optimize_merges_every_segment_and_gives_an_older_index_its_arrays(without_arrays, tmp_path):
    from click.testing import CliRunner

    from newsarchive.cli import main

    folder = Path(shutil.copytree(without_arrays, tmp_path / "ix"))
    before = answers(folder)
    run = CliRunner().invoke(main, ["optimize", "--index", str(folder), "--json"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["segments_before"] >= 4 and json.loads(run.output)["segments_after"] == 1
    ids = segment_ids(folder)
    assert len(ids) == 1 and (folder / segment_arrays_name(ids[0])).exists()
    after = answers(folder)
    for got, expected in zip(after[:len(REQUESTS)], before[:len(REQUESTS)], strict=True):
        assert (got["total"], got["facets"], got["groups"]) == (expected["total"], expected["facets"], expected["groups"])
    with Checker(folder, USER_FILE_READERS) as checker:
        assert checker.run().ok
