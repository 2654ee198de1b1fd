"""Writing the index: stable ids, updates without duplicates, one writer at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from newsarchive.index.article import Article, Country, Person
from newsarchive.index.errors import ArchiveIndexError, IndexLockedError
from newsarchive.index.store.folder import open_index
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search.archive import Archive
from newsarchive.search.request import SearchRequest


def article(id_: str = "u1", text: str = "Un article sur la coopération.", **kw) -> Article:
    return Article(id=id_, title=kw.pop("title", "Un titre"), text=text, **kw)


def count(folder) -> int:
    ix = open_index(folder)
    with ix.searcher() as s:
        return s.doc_count()


def test_adding_the_same_article_twice_leaves_one_copy(tmp_path):
    with ArchiveWriter(tmp_path) as w:
        assert w.add(article()) == "added"
    with ArchiveWriter(tmp_path) as w:
        assert w.add(article()) == "unchanged"
    assert count(tmp_path) == 1


def test_a_changed_article_is_updated_in_place(tmp_path):
    with ArchiveWriter(tmp_path) as w:
        w.add(article(text="Première version du texte."))
    with ArchiveWriter(tmp_path) as w:
        assert w.add(article(text="Seconde version du texte.")) == "updated"
        assert w.summary.updated == 1
    assert count(tmp_path) == 1
    archive = Archive(tmp_path)
    assert archive.search(SearchRequest(query="seconde")).total == 1
    assert archive.search(SearchRequest(query="première")).total == 0


def test_the_same_id_twice_in_one_batch_keeps_only_the_last_version(tmp_path):
    with ArchiveWriter(tmp_path, batch_size=100) as w:
        w.add(article(text="Version une."))
        assert w.add(article(text="Version deux.")) == "updated"
    assert count(tmp_path) == 1
    assert Archive(tmp_path).article("u1").text == "Version deux."


def test_where_an_article_was_read_from_does_not_make_it_changed(tmp_path):
    with ArchiveWriter(tmp_path) as w:
        w.add(article(origin="a/file.txt"))
    with ArchiveWriter(tmp_path) as w:
        assert w.add(article(origin="moved/file.txt")) == "unchanged"


def test_new_entities_update_the_article(tmp_path):
    with ArchiveWriter(tmp_path) as w:
        w.add(article())
    with ArchiveWriter(tmp_path) as w:
        better = article(persons=[Person("Rex Tillerson", ["Rex Tillerson"])], countries=[Country("US", "États-Unis", ["Washington"])])
        assert w.add(better) == "updated"
    assert Archive(tmp_path).search(SearchRequest(persons=["Rex Tillerson"], countries=["US"])).total == 1


def test_batches_are_committed_as_they_fill(tmp_path):
    with ArchiveWriter(tmp_path, batch_size=2) as w:
        for i in range(5):
            w.add(article(id_=f"u{i}", text=f"Texte numéro {i}."))
            if i == 2:
                assert w.summary.committed == 2
                assert count(tmp_path) == 2  # readers already see the first batch
    assert count(tmp_path) == 5


def test_an_aborted_run_keeps_committed_batches_only(tmp_path):
    with pytest.raises(RuntimeError), ArchiveWriter(tmp_path, batch_size=2) as w:
        for i in range(3):
            w.add(article(id_=f"u{i}", text=f"Texte numéro {i}."))
        raise RuntimeError("interrupted")
    assert count(tmp_path) == 2


def test_a_second_writer_gets_a_clear_locked_error(tmp_path):
    with ArchiveWriter(tmp_path), pytest.raises(IndexLockedError, match=r"index is being written by another process \(pid \d+\)"):
        ArchiveWriter(tmp_path).open()
    with ArchiveWriter(tmp_path) as w:  # the lock is released afterwards
        w.add(article())


def test_dates_persons_and_countries_round_trip(tmp_path):
    original = article(
        date=dt.date(2017, 2, 16),
        author="Jean Dupont",
        source="HuffPost Québec",
        url="https://example.org/a",
        language="fr",
        persons=[Person("Sergueï Lavrov", ["Sergueï Lavrov", "M. Lavrov"])],
        countries=[Country("RU", "Russie", ["Moscou"])],
    )
    with ArchiveWriter(tmp_path) as w:
        w.add(original)
    stored = Archive(tmp_path).article("u1")
    assert stored == original


def test_an_unwritable_index_folder_is_a_clear_error(tmp_path):
    target = tmp_path / "file-not-folder"
    target.write_text("x")
    with pytest.raises(ArchiveIndexError, match="cannot create the index folder"):
        ArchiveWriter(target / "ix").open()


def test_opening_a_folder_that_is_not_an_index(tmp_path):
    with pytest.raises(ArchiveIndexError, match="is not a newsarchive index"):
        open_index(tmp_path)
