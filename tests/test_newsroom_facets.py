"""Publications, languages, organisations and agencies as facets, and entity pages, on a hand-made archive.

The articles carry their entities as written here (no NER), so every count below is known.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from newsarchive.cli import main
from newsarchive.index.article import Agency, Article, Country, Organisation, Person
from newsarchive.index.extraction.sources import FILE, Sources, SourcesError, source_key
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search.archive import Archive
from newsarchive.search.request import QueryError, SearchRequest
from newsarchive.web import create_app

OTAN = Organisation("Organisation du traité de l'Atlantique nord", ["Organisation du traité de l'Atlantique nord", "OTAN"])
CGT = Organisation("CGT", ["CGT"])


def article(n: int, host: str, name: str | None, language: str = "fr", orgs=(), agencies=(), persons=(), countries=(),
            month: int = 1) -> Article:
    return Article(
        id=f"u{n:019d}", title=f"Article {n} sur la grève", text=f"Les syndicats appellent à la grève, numéro {n}.",
        url=f"https://{host}/article-{n}", source=name or host.removeprefix("www."), language=language,
        date=dt.date(2019, month, 1 + n % 27), organisations=list(orgs), agencies=[Agency(a, [f"({a})"]) for a in agencies],
        persons=[Person(p, [p]) for p in persons], countries=[Country(c, c) for c in countries],
    )


ARTICLES = [
    article(1, "www.lepoint.fr", "Le Point", orgs=[CGT], agencies=["AFP"], persons=["Philippe Martinez"], countries=["FR"]),
    article(2, "www.lepoint.fr", "Le Point", orgs=[CGT, OTAN], agencies=["AFP"], persons=["Philippe Martinez"], month=2),
    article(3, "lepoint.fr", None, orgs=[Organisation("OTAN", ["OTAN"])], countries=["FR", "BE"], month=2),
    article(4, "www.ledevoir.com", "Le Devoir", agencies=["La Presse Canadienne"], countries=["CA"], month=3),
    article(5, "www.ledevoir.com", "Le Devoir", language="en", agencies=["La Presse Canadienne", "AFP"], month=3),
    article(6, "www.lesoir.be", "Le Soir", orgs=[CGT], agencies=["Belga"], persons=["Philippe Martinez"], countries=["BE"], month=3),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("newsroom")
    with ArchiveWriter(folder) as writer:
        writer.add_many(ARTICLES)
    return folder


@pytest.fixture(scope="module")
def archive(folder) -> Archive:
    return Archive(folder)


def search(archive: Archive, **kw):
    return archive.search(SearchRequest(**kw))


def values(result, facet: str) -> dict:
    return {f["value"]: f["count"] for f in result.facets[facet]}


# --- publications -----------------------------------------------------------------------------


def test_a_publication_is_its_host_without_www():
    assert source_key("https://www.lepoint.fr/politique/x") == source_key("http://lepoint.fr/y") == "lepoint.fr"
    assert source_key(None, "La DH") == "la dh"
    assert source_key(None, "www.dhnet.be") == "dhnet.be"


def test_the_source_facet_counts_hosts_and_shows_the_name_the_articles_give(archive):
    result = search(archive)
    assert values(result, "source") == {"lepoint.fr": 3, "ledevoir.com": 2, "lesoir.be": 1}
    labels = {f["value"]: f["label"] for f in result.facets["source"]}
    assert labels == {"lepoint.fr": "Le Point", "ledevoir.com": "Le Devoir", "lesoir.be": "Le Soir"}
    assert {h.source for h in result.hits} == {"Le Point", "Le Devoir", "Le Soir"}


@pytest.mark.parametrize("value", ["lepoint.fr", "www.lepoint.fr", "Le Point", "le point"])
def test_a_publication_is_chosen_by_host_or_name(archive, value):
    assert search(archive, sources=[value]).total == 3


def test_several_publications_mean_any_of_them_and_keep_each_others_counts(archive):
    result = search(archive, sources=["lepoint.fr", "lesoir.be"])
    assert result.total == 4
    assert values(result, "source") == {"lepoint.fr": 3, "ledevoir.com": 2, "lesoir.be": 1}  # multi-select: the others stay
    assert values(result, "agency") == {"AFP": 2, "Belga": 1}


def test_the_source_query_field_takes_a_host_or_a_name(archive):
    assert search(archive, query="source:lepoint.fr").total == 3
    assert search(archive, query='source:"Le Devoir" grève').total == 2


def test_the_sources_file_relabels_and_merges_publications(tmp_path):
    folder = tmp_path / "ix"
    with ArchiveWriter(folder) as writer:
        writer.add_many(ARTICLES)
    (folder / FILE).write_text("ledevoir.com = Le Devoir (Montréal)\nwww.lesoir.be = Le Devoir (Montréal)\n", "utf-8")
    result = Archive(folder).search(SearchRequest())
    assert {f["value"]: (f["label"], f["count"]) for f in result.facets["source"]} == {
        "lepoint.fr": ("Le Point", 3), "ledevoir.com": ("Le Devoir (Montréal)", 3)}
    assert Archive(folder).search(SearchRequest(sources=["Le Devoir (Montréal)"])).total == 3


def test_a_broken_sources_file_names_its_line():
    with pytest.raises(SourcesError, match=r"sources\.txt:2"):
        Sources.parse("lepoint.fr = Le Point\nLe Devoir\n")


# --- languages, organisations, agencies -------------------------------------------------------


def test_language_facet_and_filter_by_code_or_name(archive):
    assert values(search(archive), "language") == {"fr": 5, "en": 1}
    assert {f["label"] for f in search(archive).facets["language"]} == {"français", "anglais"}
    for value in ("en", "anglais", "English"):
        assert search(archive, languages=[value]).total == 1
    with pytest.raises(QueryError, match="unknown language"):
        search(archive, languages=["klingon"])


def test_organisations_are_a_facet_filter_and_query_field(archive):
    result = search(archive)
    assert values(result, "organisation")["CGT"] == 3
    assert search(archive, organisations=["CGT"]).total == 3
    assert search(archive, organisations=["cgt"]).total == 3
    assert search(archive, query="org:CGT").total == search(archive, query="organisation:cgt").total == 3
    assert search(archive, organisations=["CGT", "OTAN"]).total == 1  # all of them


def test_agencies_are_a_facet_and_a_filter(archive):
    assert values(search(archive), "agency") == {"AFP": 3, "La Presse Canadienne": 2, "Belga": 1}
    assert search(archive, agencies=["afp"]).total == 3
    assert search(archive, agencies=["AFP", "Belga"]).total == 4
    assert search(archive, query="agence:Belga").total == 1


def test_equal_counts_are_ordered_by_label_not_by_code(archive):
    countries = search(archive).facets["country"]
    assert [c["label"] for c in countries] == ["Belgique", "France", "Canada"]


def test_the_api_and_the_cli_filter_the_same_way(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    api = client.get("/api/search?source=lepoint.fr&agency=AFP&language=fr").get_json()
    assert api["total"] == 2 and set(api["facets"]) >= {"source", "language", "organisation", "agency"}
    cli = CliRunner().invoke(main, ["search", "--index", str(folder), "--json", "--source", "lepoint.fr", "--agency", "AFP",
                                    "--language", "fr", ""])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout)["total"] == 2
    assert client.get("/api/search?language=klingon").status_code == 400


def test_the_page_shows_every_facet_with_chips_for_chosen_values(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    html = client.get("/?source=lepoint.fr&organisation=CGT").get_data(as_text=True)
    for kind in ("person", "organisation", "country", "source", "language", "agency"):
        assert f'data-facet="{kind}"' in html
    assert 'class="chip" href="/?organisation=CGT"' in html  # removing the source chip keeps the organisation
    assert "Publications" in html and "Agences de presse" in html


# --- entity pages -----------------------------------------------------------------------------


def test_a_person_page_gives_months_companions_and_latest_articles(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    data = client.get("/api/persons/Philippe Martinez").get_json()
    assert data["name"] == "Philippe Martinez" and data["articles"] == 3
    assert [m["count"] for m in data["months"]] == [1, 1, 1] and data["months"][0]["period"] == "2019-01"
    assert {o["value"] for o in data["organisation"]} == {"CGT", "Organisation du traité de l'Atlantique nord"}
    assert len(data["latest"]) == 3 and data["latest"][0]["date"] >= data["latest"][-1]["date"]
    html = client.get("/persons/Philippe%20Martinez").get_data(as_text=True)
    assert "<h1>Philippe Martinez</h1>" in html and "<table" in html and 'href="/?person=Philippe+Martinez"' in html


def test_an_organisation_and_a_country_have_pages(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    assert client.get("/api/organisations/cgt").get_json()["articles"] == 3
    country = client.get("/api/countries/be").get_json()
    assert (country["name"], country["articles"]) == ("Belgique", 2)
    assert client.get("/countries/Belgique").status_code == 200


def test_an_unknown_name_is_a_404_with_a_search_link_and_never_echoes_markup(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    response = client.get("/persons/<script>alert(1)</script>")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'class="search-instead"' in html
    assert client.get("/api/organisations/Nobody").status_code == 404


def test_facet_values_and_tags_link_to_their_pages(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    html = client.get("/").get_data(as_text=True)
    assert 'href="/persons/Philippe%20Martinez"' in html
    assert 'href="/organisations/CGT"' in html
    assert 'href="/countries/BE"' in html


# --- names kept out of stemming ---------------------------------------------------------------


@pytest.fixture(scope="module")
def names_archive(tmp_path_factory) -> Archive:
    folder = tmp_path_factory.mktemp("names")
    macron, melenchon = Person("Emmanuel Macron", ["Emmanuel Macron"]), Person("Jean-Luc Mélenchon", ["Jean-Luc Mélenchon"])
    rows = [
        Article(id="u" + "1" * 19, title="Emmanuel Macron à Bruxelles", text="Emmanuel Macron a rencontré ses homologues.", persons=[macron]),
        Article(id="u" + "2" * 19, title="Macron et la réforme", text="Le président Macron défend sa réforme.", persons=[macron]),
        Article(id="u" + "3" * 19, title="La macronie divisée", text="Les macronistes doutent de la ligne du parti."),
        Article(id="u" + "4" * 19, title="Jean-Luc Mélenchon en meeting", text="Jean-Luc Mélenchon a parlé longtemps.", persons=[melenchon]),
        Article(id="u" + "5" * 19, title="Mélenchon critique", text="Jean-Luc Mélenchon critique le budget.", persons=[melenchon]),
        Article(id="u" + "6" * 19, title="Les mélenchonistes", text="Les mélenchonistes se réunissent."),
    ]
    with ArchiveWriter(folder) as writer:
        writer.add_many(rows)
    return Archive(folder)


def test_a_capitalised_surname_finds_the_person_not_the_words_stemmed_like_it(names_archive):
    assert {h.title for h in search(names_archive, query="Macron").hits} == {"Emmanuel Macron à Bruxelles", "Macron et la réforme"}
    assert search(names_archive, query="macronie").total == 3  # a word typed as a word keeps its stemmed family
    assert search(names_archive, query="Melenchon").total == 2  # typed without its accent


def test_names_as_written_score_the_same_on_both_paths(names_archive):
    from newsarchive.search.engine import evaluate

    snap = names_archive.snapshot()
    planned = names_archive.planner.plan(SearchRequest(query="(Macron réforme) OR Mélenchon").validate(), snap.reader, snap.facets)
    ours = evaluate(planned.scored, snap.arrays, snap.reader, names_archive.schema)
    theirs = {hit.docnum: hit.score for hit in snap.searcher.search(planned.scored, limit=None)}
    assert dict(zip(ours.docs.tolist(), ours.scores.tolist(), strict=True)) == pytest.approx(theirs)
    assert len(theirs) == 3
