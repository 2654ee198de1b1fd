"""An index written by an earlier release still opens, answers, checks clean and takes new articles.

tests/data/index-v0.1 was written by release 0.1 (before index/ was split into rooms) from
tests/data/mini.jsonl. Its tables of contents pickle the schema's classes under their old
paths (newsarchive.index.schema, newsarchive.index.whoosh_internals); the adapter maps them.
"""

from __future__ import annotations

import io
import pickle
import shutil
from pathlib import Path

import pytest

from newsarchive.index.article import Article
from newsarchive.index.keeping.check import Checker, CheckReport
from newsarchive.index.store import whoosh_internals
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search.archive import Archive
from newsarchive.search.keeping import USER_FILE_READERS
from newsarchive.search.request import SearchRequest

from .conftest import DATA

OLD_INDEX = DATA / "index-v0.1"


def check(folder: Path) -> CheckReport:
    with Checker(folder, USER_FILE_READERS) as checker:
        return checker.run()


@pytest.fixture()
def old_index(tmp_path) -> Path:
    """A copy of the old index: opening and writing it must not touch the fixture in the repository."""
    folder = tmp_path / "old"
    shutil.copytree(OLD_INDEX, folder)
    return folder


def test_the_fixture_still_names_the_old_class_paths():
    toc = (OLD_INDEX / "_MAIN_1.toc").read_bytes()
    assert b"newsarchive.index.schema" in toc and b"newsarchive.index.whoosh_internals" in toc
    assert b"newsarchive.index.store" not in toc


def test_an_index_of_the_earlier_release_answers_as_it_did(old_index):
    archive = Archive(old_index)
    assert archive.search(SearchRequest(query="coopération")).total == 4
    assert archive.search(SearchRequest(query="person:lavrov")).total == 2
    result = archive.search(SearchRequest(query="", persons=["Serguei Lavrov"]))
    assert result.total == 2
    assert {f["value"]: f["count"] for f in result.facets["person"]}["Sergueï Lavrov"] == 2


def test_an_index_of_the_earlier_release_checks_clean(old_index):
    report = check(old_index)
    assert report.ok, [p.line for p in report.problems]
    assert report.counts["articles"] == 6


def test_an_index_of_the_earlier_release_takes_new_articles(old_index):
    with ArchiveWriter(old_index) as writer:
        writer.add(Article(id="u" + "7" * 19, title="La coopération reprend", text="La coopération militaire reprend à Ottawa."))
    toc = max(old_index.glob("_MAIN_*.toc"), key=lambda p: int(p.name.split("_")[2].split(".")[0]))
    assert b"newsarchive.index.store.schema" in toc.read_bytes()  # the new generation names today's paths
    archive = Archive(old_index)
    assert archive.search(SearchRequest(query="coopération")).total == 5
    assert check(old_index).ok


@pytest.mark.parametrize("old", sorted(whoosh_internals.MOVED_MODULES))
def test_every_moved_class_path_resolves_to_a_module_of_today(old):
    new = whoosh_internals.MOVED_MODULES[old]
    # A pickle naming a class by its old module (protocol 0's GLOBAL), read as a table of contents is.
    name = "ArchiveCodec" if "whoosh_internals" in new else "FrenchTextField"
    found = whoosh_internals.unpickle(io.BytesIO(f"c{old}\n{name}\n.".encode()))
    assert found.__module__ == new and found.__name__ == name


def test_segments_are_written_as_whoosh_segments_and_read_without_copying(old_index):
    with ArchiveWriter(old_index) as writer:
        writer.add(Article(id="u" + "8" * 19, title="Un autre", text="Un autre texte."))
    tocs = sorted(old_index.glob("_MAIN_*.toc"))
    assert all(b"ArchiveSegment" not in p.read_bytes() for p in tocs)
    segments = whoosh_internals.read_toc(whoosh_internals.file_storage(old_index), "MAIN").segments
    assert segments and all(isinstance(s, whoosh_internals.ArchiveSegment) for s in segments)
    assert pickle.loads(pickle.dumps(segments[0])).__class__.__name__ == "W3Segment"
