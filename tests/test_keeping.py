"""Saved searches with feeds, collections and batch search: real index, real HTTP, real feed parser."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import feedparser
import pytest
from click.testing import CliRunner

from newsarchive.cli import main
from newsarchive.index.article import Article, Country, Person
from newsarchive.index.store.userfiles import write_atomic
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search.archive import Archive
from newsarchive.search.keeping import Collections, SavedSearches
from newsarchive.search.request import QueryError, SearchRequest
from newsarchive.web import create_app


def article(n: int, text: str, day: dt.date, persons=("Philippe Martinez",)) -> Article:
    return Article(id=f"u{n:019d}", title=f"Article {n}", text=text, date=day, url=f"https://journal.test/{n}", source="Le Journal",
                   persons=[Person(p, [p]) for p in persons], countries=[Country("FR", "France", ["France"])])


def add(folder, *articles) -> None:
    with ArchiveWriter(folder) as writer:
        writer.add_many(list(articles))


@pytest.fixture()
def folder(tmp_path):
    folder = tmp_path / "ix"
    add(folder, *(article(n, f"La grève des cheminots continue, épisode {n}.", dt.date(2019, 1, n)) for n in range(1, 6)),
        article(9, "Le budget de la ville est voté.", dt.date(2019, 1, 9), persons=()))
    return folder


def run(*args):
    return CliRunner().invoke(main, list(args))


def client_and_token(folder, **config):
    client = create_app({"INDEX": str(folder), **config}).test_client()
    page = client.get("/?q=grève").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return client, token.group(1) if token else None


# --- saved searches ---------------------------------------------------------------------------


def test_a_saved_search_counts_what_is_indexed_after_it_was_checked(folder):
    assert run("saved", "add", "--index", str(folder), "--person", "Philippe Martinez", "grèves", "grève").exit_code == 0
    listing = json.loads(run("saved", "list", "--index", str(folder), "--json").stdout)
    assert listing == [{"name": "grèves", "params": {"q": "grève", "person": "Philippe Martinez"}, "new": 0, "checked": listing[0]["checked"]}]
    add(folder, article(20, "La grève reprend après un mois.", dt.date(2018, 6, 1)))  # published long before: still new
    add(folder, article(21, "Le marché de Noël ouvre.", dt.date(2019, 12, 1), persons=()))  # new, but no match
    assert json.loads(run("saved", "list", "--index", str(folder), "--json").stdout)[0]["new"] == 1
    assert run("saved", "check", "--index", str(folder), "grèves").exit_code == 0
    assert json.loads(run("saved", "list", "--index", str(folder), "--json").stdout)[0]["new"] == 0


def test_updating_an_article_does_not_make_it_new(folder):
    archive = Archive(folder)
    saved = archive.saved.add("grèves", SearchRequest(query="grève"), archive.generation())
    add(folder, article(1, "La grève des cheminots continue, épisode 1, corrigé.", dt.date(2019, 1, 1)))
    assert Archive(folder).new_since(saved) == 0


def test_saved_searches_survive_reindex_and_a_corrupt_file_is_named_not_reset(folder):
    SavedSearches(folder).add("grèves", SearchRequest(query="grève"), 1)
    assert run("reindex", "--index", str(folder), "--workers", "1", "--no-entities").exit_code in (0, 1)
    assert [s.name for s in SavedSearches(folder).all()] == ["grèves"]
    (folder / "saved.json").write_text("{not json", "utf-8")
    result = run("saved", "list", "--index", str(folder))
    assert result.exit_code == 2 and "saved.json is not valid JSON" in result.stderr
    assert (folder / "saved.json").read_text("utf-8") == "{not json"  # left for the user to fix
    client = create_app({"INDEX": str(folder)}).test_client()
    assert client.get("/saved").status_code == 503 and "saved.json" in client.get("/api/saved").get_json()["error"]


def test_an_interrupted_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "saved.json"
    write_atomic(path, '{"searches": {}}\n')
    monkeypatch.setattr("os.replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(OSError):
        write_atomic(path, '{"searches": {"x": 1}}\n')
    assert path.read_text("utf-8") == '{"searches": {}}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["saved.json"]  # no temporary file left behind


def test_names_are_checked_and_escaped_never_paths(folder):
    with pytest.raises(QueryError):
        SavedSearches(folder).add("a\x00b", SearchRequest(), 1)
    SavedSearches(folder).add("../<script>alert(1)</script>", SearchRequest(query="grève"), 1)
    client = create_app({"INDEX": str(folder)}).test_client()
    for url in ("/saved", "/saved/../<script>alert(1)</script>.atom"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "&lt;script&gt;" in body
    assert sorted(p.name for p in folder.iterdir() if "script" in p.name) == []


# --- feeds ------------------------------------------------------------------------------------


def test_a_search_feed_parses_with_stable_ids_dates_and_the_newest_first(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    first = feedparser.parse(client.get("/feed.atom?q=grève").data)
    assert first.bozo == 0 and first.version == "atom10"
    ids = [e.id for e in first.entries]
    assert len(ids) == 5 == len(set(ids)) and all(i.startswith("urn:newsarchive:article:u") for i in ids)
    assert all(e.published_parsed and e.updated_parsed for e in first.entries)
    assert {t.term for e in first.entries for t in e.tags} >= {"Philippe Martinez", "France"}
    assert first.entries[0].link.startswith("http://localhost/articles/")
    add(folder, article(30, "La grève gagne les raffineries.", dt.date(2017, 3, 3)))
    second = feedparser.parse(client.get("/feed.atom?q=grève").data)
    assert second.entries[0].id == "urn:newsarchive:article:u" + "0" * 17 + "30"  # received last: first, whatever its date
    assert [e.id for e in second.entries[1:]] == ids  # the same ids again
    updated = [e.updated_parsed for e in second.entries]
    assert updated == sorted(updated, reverse=True)
    html = client.get("/?q=grève").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in html and 'class="feed-link"' in html


def test_a_saved_search_has_its_feed_and_the_new_article_appears_in_it(folder):
    SavedSearches(folder).add("grèves", SearchRequest(query="grève"), Archive(folder).generation())
    client = create_app({"INDEX": str(folder)}).test_client()
    assert len(feedparser.parse(client.get("/saved/grèves.atom").data).entries) == 5
    add(folder, article(31, "La grève continue au port.", dt.date(2019, 2, 2)))
    feed = feedparser.parse(client.get("/saved/grèves.atom").data)
    assert feed.entries[0].title == "Article 31" and len(feed.entries) == 6
    assert client.get("/saved/nothing.atom").status_code == 404


# --- collections ------------------------------------------------------------------------------


def test_a_collection_is_a_filter_a_facet_and_a_feed_and_survives_reindex(folder):
    first, second = "u" + "0" * 18 + "1", "u" + "0" * 18 + "9"
    assert run("collection", "add", "--index", str(folder), "à lire", first, "--note", "la première").exit_code == 0
    assert run("collection", "add", "--index", str(folder), "à lire", second).exit_code == 0
    assert run("collection", "add", "--index", str(folder), "à lire", "u" + "f" * 19).exit_code == 2  # not in the index
    archive = Archive(folder)
    assert archive.search(SearchRequest(collections=["à lire"])).total == 2
    assert archive.search(SearchRequest(query="grève", collections=["à lire"])).total == 1
    assert archive.search(SearchRequest(query="grève")).facets["collection"] == [{"value": "à lire", "count": 1}]
    with pytest.raises(QueryError, match="no collection"):
        archive.search(SearchRequest(collections=["inconnue"]))
    run("reindex", "--index", str(folder), "--workers", "1", "--no-entities")
    assert Archive(folder).search(SearchRequest(collections=["à lire"])).total == 2
    shown = json.loads(run("collection", "show", "--index", str(folder), "à lire", "--json").stdout)
    assert [(r["id"], r["note"]) for r in shown] == [(first, "la première"), (second, "")]
    client = create_app({"INDEX": str(folder)}).test_client()
    assert len(feedparser.parse(client.get("/collections/à lire.atom").data).entries) == 2
    rows = client.get("/api/export?collection=à+lire&format=jsonl").get_data(as_text=True).splitlines()
    assert {json.loads(r)["id"] for r in rows} == {first, second}
    assert run("collection", "rm", "--index", str(folder), "à lire", first).exit_code == 0
    assert Collections(folder).ids("à lire") == [second]


def test_the_article_page_keeps_an_article_with_a_post_and_its_token(folder):
    client, token = client_and_token(folder)
    article_id = "u" + "0" * 18 + "2"
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert 'class="collect"' in page
    assert client.post("/collections/add", data={"id": article_id, "name": "dossier"}).status_code == 403  # no token
    response = client.post("/collections/add", data={"csrf_token": token, "id": article_id, "name": "dossier", "note": "à relire"})
    assert response.status_code == 303 and Collections(folder).ids("dossier") == [article_id]
    assert "Gardé dans" in client.get(f"/articles/{article_id}").get_data(as_text=True)


# --- writes: CSRF and read-only ---------------------------------------------------------------


def test_a_post_without_the_cookie_or_with_another_token_is_refused(folder):
    client, token = client_and_token(folder)
    assert client.post("/saved", data={"csrf_token": "forged", "params": "q=grève", "name": "x"}).status_code == 403
    other = create_app({"INDEX": str(folder)}).test_client()  # another browser: no cookie
    assert other.post("/saved", data={"csrf_token": token, "params": "q=grève", "name": "x"}).status_code == 403
    assert client.post("/saved", data={"csrf_token": token, "params": "q=grève", "name": "x"}).status_code == 303
    assert client.get("/saved?name=y").status_code == 200 and [s.name for s in SavedSearches(folder).all()] == ["x"]  # GET changes nothing
    assert client.post("/api/saved", data={"name": "y"}).status_code == 403  # the API takes JSON only
    assert client.post("/api/saved", json={"name": "y", "params": {"q": "grève"}}).status_code == 201


def test_read_only_hides_every_write_and_refuses_them(folder):
    client, token = client_and_token(folder, READ_ONLY=True)
    assert token is None  # no form that writes on the search page
    assert 'class="save-search"' not in client.get("/?q=grève").get_data(as_text=True)
    assert 'class="collect"' not in client.get("/articles/u" + "0" * 18 + "1").get_data(as_text=True)
    assert client.post("/api/saved", json={"name": "y", "params": {}}).status_code == 403
    assert client.post("/saved", data={"name": "y"}).status_code == 403
    assert client.post("/api/batch", json={"lines": ["grève"]}).status_code == 200  # a batch changes nothing
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert "--read-only" in result.stdout


# --- batch ------------------------------------------------------------------------------------


def test_a_batch_gives_one_result_per_line_in_order_with_errors_in_place(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    data = client.post("/api/batch?country=FR", json={"lines": ["grève", "article:x", "Philippe Martinez", "", "budget"]}).get_json()
    lines = data["results"]
    assert [r["line"] for r in lines] == [1, 2, 3, 4, 5]
    assert (lines[0]["total"], lines[0]["stories"], lines[0]["first_date"], lines[0]["last_date"]) == (5, 5, "2019-01-01", "2019-01-05")
    assert "not a searchable field" in lines[1]["error"] and lines[3]["error"] == "empty line"
    assert lines[2]["top_person"] is None and lines[0]["top_person"] == "Philippe Martinez"
    assert (lines[0]["as"], lines[2]["as"], lines[2]["total"]) == ("query", "person", 5)
    assert lines[4]["total"] == 1 and lines[0]["params"] == [["q", "grève"], ["country", "FR"]]
    cli = CliRunner().invoke(main, ["batch", "--index", str(folder), "--json", "--country", "FR", str(_write(folder.parent, "grève\narticle:x\n"))])
    assert json.loads(cli.stdout)["results"][0]["total"] == 5 and "error" in json.loads(cli.stdout)["results"][1]


def test_a_batch_reads_a_csv_column_and_refuses_what_is_too_big(folder):
    client, token = client_and_token(folder)
    upload = {"csrf_token": token, "column": "nom", "file": (io.BytesIO("id;nom\n1;grève\n2;budget\n".encode()), "noms.csv")}
    page = client.post("/batch", data=upload, content_type="multipart/form-data").get_data(as_text=True)
    assert page.count("<tr") == 3 and ">grève</a>" in page
    too_many = client.post("/api/batch", json={"lines": ["grève"] * 1001})
    assert too_many.status_code == 400 and "at most 1000 lines" in too_many.get_json()["error"]
    huge = {"file": (io.BytesIO(b"x" * (5 * 1024 * 1024)), "gros.txt")}
    response = client.post("/api/batch", data=huge, content_type="multipart/form-data")
    assert response.status_code == 413 and response.get_json()["status"] == 413
    csv_download = client.post("/batch", data={"csrf_token": token, "lines": "grève\nbudget", "format": "csv"})
    assert csv_download.get_data(as_text=True).splitlines()[0] == "line,query,as,total,stories,first_date,last_date,top_person,top_source,error"


def _write(folder, text: str):
    path = folder / "lines.txt"
    path.write_text(text, "utf-8")
    return path

