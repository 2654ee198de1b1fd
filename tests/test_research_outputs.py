"""Outputs for the tools researchers use next: an Iramuteq corpus, a TXM zip and a GEXF network, each read back.

The network's counts are checked against counts made here from the stored articles, on a
hand-made corpus whose three versions of one wire story make a near-duplicate group.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from lxml import etree

from newsarchive.cli import main
from newsarchive.index.article import Agency, Article, Country, Organisation, Person
from newsarchive.index.entities.countries import country_label
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search import network as network_module
from newsarchive.search.archive import Archive
from newsarchive.search.lexicometry import TXM_ATTRIBUTES, TXM_FOLDER
from newsarchive.search.network import NetworkOptions
from newsarchive.search.request import QueryError, SearchRequest
from newsarchive.web import create_app

MODALITY = re.compile(r"[a-z0-9_-]+")
HEADER = re.compile(r"^\*\*\*\*( \*[a-z]+_\S+)+$")
HOSTILE_NAME = "<script>alert('nom')</script> Dupont"
WIRE = ("Le sommet franco-allemand s'est ouvert jeudi à Berlin, où Emmanuel Macron et Angela Merkel ont discuté du budget "
        "de la zone euro, de la défense commune et de la politique migratoire de l'Union, avant une conférence de presse "
        "commune prévue dans la soirée à la chancellerie, selon leurs services, qui évoquent des discussions franches et "
        "des points d'accord sur l'essentiel du programme de travail.")


def person(name: str) -> Person:
    return Person(name, [name])


def research_articles() -> list[Article]:
    """Five articles with "sommet" (three versions of one wire story), one without."""
    macron, merkel = person("Emmanuel Macron"), person("Angela Merkel")
    fr, de = Country("FR", "France"), Country("DE", "Allemagne")
    ue = Organisation("Union européenne", ["Union européenne"])
    return [
        Article(id="u" + "1" * 19, title="Sommet à Berlin", text=WIRE, date=dt.date(2018, 11, 17), url="https://www.lemonde.fr/a1",
                source="Le Monde", language="fr", author="Par Jean Dupont et Marie Martin (AFP)", persons=[macron, merkel],
                countries=[fr, de], agencies=[Agency("AFP", ["(AFP)"]), Agency("Reuters", ["(Reuters)"])]),
        Article(id="u" + "2" * 19, title="Le sommet de Berlin", text=WIRE, date=dt.date(2018, 11, 17), url="https://www.lefigaro.fr/a2",
                source="Le Figaro", language="fr", persons=[macron, merkel], countries=[fr, de], agencies=[Agency("AFP", ["(AFP)"])]),
        Article(id="u" + "3" * 19, title="Macron à Berlin pour un sommet", text=WIRE + " Mise à jour à 18 heures.",
                date=dt.date(2018, 11, 18), url="https://www.liberation.fr/a3", source="Libération", language="fr",
                persons=[macron], countries=[fr]),
        Article(id="u" + "4" * 19, title="Un sommet * piégé <b>gras</b>",
                text="**** *pub_pirate *annee_1900\n\n-*theme piège\n\nUn sommet avec des * étoiles\x0b et \x01 des contrôles.",
                url="https://exemple.test/a4", source="Exemple", language="fr", author="<b>Auteur</b>",
                persons=[macron, person(HOSTILE_NAME)], countries=[fr, Country("BE", "Belgique")],
                organisations=[ue, Organisation('Ligue des droits & "libertés"', ['Ligue des droits & "libertés"'])]),
        Article(id="u" + "5" * 19, title="Merkel après le sommet", text="Angela Merkel a défendu l'Union après le sommet.",
                date=dt.date(2019, 1, 2), url="https://www.dw.com/a5", source="DW", language="de", persons=[merkel], countries=[de],
                organisations=[ue]),
        Article(id="u" + "6" * 19, title="Autre chose", text="Donald Trump parle d'autre chose à Washington.", date=dt.date(2019, 2, 1),
                url="https://exemple.test/a6", source="Exemple", persons=[person("Donald Trump")], countries=[Country("US", "États-Unis")]),
    ]


@pytest.fixture(scope="module")
def research_index(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("research")
    with ArchiveWriter(folder) as writer:
        writer.add_many(research_articles())
    return folder


@pytest.fixture(scope="module")
def research(research_index) -> Archive:
    return Archive(research_index)


def read(output) -> bytes:
    return b"".join(output.chunks)


def iramuteq_texts(corpus: str) -> list[tuple[str, list[str]]]:
    """(header, body lines) of each text of an Iramuteq corpus."""
    texts: list[tuple[str, list[str]]] = []
    for line in corpus.splitlines():
        if line.startswith("****"):
            texts.append((line, []))
        elif line.strip():
            assert texts, f"a line before the first text: {line!r}"
            texts[-1][1].append(line)
    return texts


def variables(header: str) -> dict[str, str]:
    assert HEADER.match(header), header
    return dict(token[1:].split("_", 1) for token in header.split()[1:])


def txm_files(data: bytes) -> tuple[dict[str, etree._Element], list[dict[str, str]]]:
    """Each XML file of a TXM zip parsed with lxml (by file name without .xml), and the rows of metadata.csv."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    texts = {}
    for name in archive.namelist():
        if name.endswith(".xml"):
            assert name.startswith(f"{TXM_FOLDER}/")
            texts[name[len(TXM_FOLDER) + 1:-4]] = etree.fromstring(archive.read(name))
    rows = list(csv.DictReader(io.StringIO(archive.read(f"{TXM_FOLDER}/metadata.csv").decode("utf-8"), newline="")))
    return texts, rows


def entity_sets(archive: Archive, ids: list[str]) -> list[set[tuple[str, str]]]:
    """Each article's persons, organisations and countries as (type, label), read from the stored article."""
    found = []
    for article_id in ids:
        article = archive.article(article_id)
        assert article is not None
        found.append({("person", archive.person_name(p.name)) for p in article.persons if p.facet}
                     | {("organisation", archive.label("organisation", o.name)) for o in article.organisations}
                     | {("country", country_label(c.code)) for c in article.countries})
    return found


def result_ids(archive: Archive, request: SearchRequest) -> list[str]:
    return [row["id"] for row in archive.export(request, 1000).rows]


def graph_of(data: bytes) -> nx.Graph:
    return nx.read_gexf(io.BytesIO(data))


# --- Iramuteq -------------------------------------------------------------------------------------


def test_iramuteq_corpus_has_one_starred_line_per_article_with_clean_modalities(mini_index):
    archive = Archive(mini_index)
    corpus = read(archive.research_output(SearchRequest(), "iramuteq")).decode("utf-8")
    texts = iramuteq_texts(corpus)
    assert len(texts) == corpus.count("\n****") + corpus.startswith("****") == archive.search(SearchRequest()).total == 6
    for header, body in texts:
        found = variables(header)
        assert list(found) == ["pub", "date", "annee", "mois", "langue", "agence", "auteur"]
        assert all(MODALITY.fullmatch(m) for m in found.values()), header
        assert body and not any("*" in line for line in body)
    hostile = next(v for h, _ in texts if (v := variables(h))["date"] == "2019-01-15")
    assert hostile == {"pub": "b_source_b_piegee", "date": "2019-01-15", "annee": "2019", "mois": "2019-01", "langue": "fr",
                       "agence": "nd", "auteur": "nd"}  # "<img src=x ...>" signs no journalist
    undated = next(v for h, b in texts if (v := variables(h)) and b[0] == "Une étude sur les abeilles sans date")
    assert undated["date"] == undated["annee"] == undated["mois"] == undated["pub"] == "nd"


def test_iramuteq_takes_the_first_agency_and_the_first_journalist_signing(research):
    texts = iramuteq_texts(read(research.research_output(SearchRequest(query="sommet", sort="oldest"), "iramuteq")).decode("utf-8"))
    first = variables(texts[0][0])
    assert first == {"pub": "le_monde", "date": "2018-11-17", "annee": "2018", "mois": "2018-11", "langue": "fr", "agence": "afp",
                     "auteur": "jean_dupont"}
    assert texts[0][1][0] == "Sommet à Berlin"  # the title, then the text
    assert variables(texts[2][0])["pub"] == "liberation"  # accents folded


def test_iramuteq_texts_cannot_open_a_text_or_a_thematic_section(research):
    corpus = read(research.research_output(SearchRequest(query="sommet"), "iramuteq")).decode("utf-8")
    texts = iramuteq_texts(corpus)
    assert len(texts) == 5
    body = next(b for _, b in texts if b[0].startswith("Un sommet"))
    assert body[0] == "Un sommet piégé <b>gras</b>"
    assert "pub_pirate annee_1900" in body[1] and "-theme piège" in body
    for line in corpus.splitlines():
        assert not line.startswith("-*")
        assert HEADER.match(line) if line.startswith("****") else "*" not in line
    assert not re.search(r"[\x00-\x09\x0b-\x1f]", corpus)


def test_corpus_follows_the_search_order_and_its_limit(research):
    request = SearchRequest(query="sommet", sort="newest")
    ids = result_ids(research, request)
    _, rows = txm_files(read(research.research_output(request, "txm", limit=2)))
    assert [row["id"] for row in rows] == ids[:2]
    assert [row["textorder"] for row in rows] == ["000001", "000002"]
    cut = research.research_output(request, "iramuteq", limit=2)
    assert cut.cut_message == "export cut at 2 texts of 5: ask for up to 100000 with limit"
    assert len(iramuteq_texts(read(cut).decode("utf-8"))) == 2
    assert research.research_output(request, "iramuteq", limit=5).cut_message is None


# --- TXM ------------------------------------------------------------------------------------------


def test_txm_zip_holds_one_xml_text_per_article_and_matching_metadata(mini_index):
    archive = Archive(mini_index)
    texts, rows = txm_files(read(archive.research_output(SearchRequest(), "txm")))
    assert len(texts) == len(rows) == archive.search(SearchRequest()).total
    assert [row["id"] for row in rows] == list(texts)  # the first column names each file, in the same order
    assert list(rows[0]) == list(TXM_ATTRIBUTES)
    for file_id, root in texts.items():
        assert root.tag == "text" and root.get("id") == file_id
        assert all(re.fullmatch(r"[a-z]+", name) for name in root.attrib)
        row = next(r for r in rows if r["id"] == file_id)
        assert dict(root.attrib) == row
        assert root[0].tag == "head" and {child.tag for child in root[1:]} == {"p"}
    hostile = next(root for root in texts.values() if root.get("date") == "2019-01-15")
    assert hostile.get("titre") == "Titre piégé <script>alert('titre')</script>"  # kept as text, escaped in the file
    assert hostile.get("pub") == "<b>Source</b> piégée"
    assert hostile.findall(".//script") == [] and hostile.findall(".//img") == []
    assert "<script>alert('corps')</script>" in hostile.findtext("p")


def test_txm_text_drops_characters_xml_cannot_hold(research):
    texts, _ = txm_files(read(research.research_output(SearchRequest(query="sommet"), "txm")))
    hostile = next(root for root in texts.values() if root.findtext("head").startswith("Un sommet"))
    paragraphs = [p.text for p in hostile.findall("p")]
    assert paragraphs == ["**** *pub_pirate *annee_1900", "-*theme piège", "Un sommet avec des * étoiles et des contrôles."]
    assert hostile.get("date") == hostile.get("annee") == hostile.get("auteur") == "nd"
    wire = texts["u" + "1" * 19]
    assert (wire.get("pub"), wire.get("agence"), wire.get("auteur"), wire.get("mois")) == ("Le Monde", "AFP", "Jean Dupont", "2018-11")
    assert wire.get("groupe") == texts["u" + "2" * 19].get("groupe") == texts["u" + "3" * 19].get("groupe")


# --- GEXF -----------------------------------------------------------------------------------------


def expected_network(archive: Archive, request: SearchRequest, by_group: bool = False) -> tuple[Counter, Counter]:
    """Node and edge counts made from the stored articles: articles, or distinct groups with `by_group`."""
    ids = result_ids(archive, request)
    groups = {row["id"]: row["group"] for row in archive.export(request, 1000).rows}
    nodes: dict[tuple[str, str], set[str]] = {}
    edges: dict[frozenset, set[str]] = {}
    for article_id, entities in zip(ids, entity_sets(archive, ids), strict=True):
        unit = groups[article_id] if by_group else article_id
        for entity in entities:
            nodes.setdefault(entity, set()).add(unit)
        for a, b in combinations(sorted(entities), 2):
            edges.setdefault(frozenset((a[1], b[1])), set()).add(unit)
    return Counter({k: len(v) for k, v in nodes.items()}), Counter({k: len(v) for k, v in edges.items()})


def read_network(data: bytes) -> tuple[Counter, Counter, nx.Graph]:
    graph = graph_of(data)
    nodes = Counter({(d["type"], d["label"]): d["articles"] for _, d in graph.nodes(data=True)})
    labels = {n: d["label"] for n, d in graph.nodes(data=True)}
    edges = Counter({frozenset((labels[a], labels[b])): int(d["weight"]) for a, b, d in graph.edges(data=True)})
    return nodes, edges, graph


def test_gexf_nodes_and_weights_equal_counts_made_from_the_articles(research, mini_index):
    for archive, request in ((research, SearchRequest(query="sommet")), (Archive(mini_index), SearchRequest())):
        nodes, edges, _ = read_network(read(archive.research_output(request, "gexf")))
        expected_nodes, expected_edges = expected_network(archive, request)
        assert nodes == expected_nodes
        assert edges == expected_edges
    assert "Donald Trump" not in {d["label"] for _, d in graph_of(read(research.research_output(SearchRequest(query="sommet"),
                                                                                                       "gexf"))).nodes(data=True)}


def test_gexf_with_count_groups_counts_each_story_once(research):
    request = SearchRequest(query="sommet", count="groups")
    graph = graph_of(read(research.research_output(request, "gexf")))
    expected_nodes, expected_edges = expected_network(research, request, by_group=True)
    labels = {n: d["label"] for n, d in graph.nodes(data=True)}
    assert Counter({frozenset((labels[a], labels[b])): int(d["weight"]) for a, b, d in graph.edges(data=True)}) == expected_edges
    sizes = {d["label"]: (d["articles"], d["stories"], d["viz"]["size"]) for _, d in graph.nodes(data=True)}
    assert sizes["Emmanuel Macron"][:2] == (4, 2) and expected_nodes[("person", "Emmanuel Macron")] == 2
    assert expected_edges[frozenset(("Emmanuel Macron", "France"))] == 2  # four articles, two stories
    assert sizes["Emmanuel Macron"][2] == max(s for _, _, s in sizes.values())


def test_gexf_node_types_colours_and_the_names_the_facets_show(research):
    graph = graph_of(read(research.research_output(SearchRequest(query="sommet"), "gexf")))
    types = {d["label"]: d["type"] for _, d in graph.nodes(data=True)}
    assert types["Emmanuel Macron"] == "person" and types["Union européenne"] == "organisation" and types["Belgique"] == "country"
    assert types[HOSTILE_NAME] == "person" and types['Ligue des droits & "libertés"'] == "organisation"
    facets = research.search(SearchRequest(query="sommet", facet_limit=100)).facets
    assert {d["label"] for _, d in graph.nodes(data=True)} == {f.get("label") or f["value"] for k in ("person", "organisation", "country")
                                                               for f in facets[k]}
    colours = {d["type"]: tuple(d["viz"]["color"][c] for c in "rgb") for _, d in graph.nodes(data=True)}
    assert len(set(colours.values())) == 3


def test_gexf_keeps_the_most_frequent_nodes_and_drops_light_edges(research):
    request = SearchRequest(query="sommet")
    graph = graph_of(read(research.research_output(request, "gexf", options=NetworkOptions(nodes=4, min_weight=2))))
    assert sorted(d["label"] for _, d in graph.nodes(data=True)) == ["Allemagne", "Angela Merkel", "Emmanuel Macron", "France"]
    assert min(int(d["weight"]) for _, _, d in graph.edges(data=True)) >= 2
    assert graph.number_of_edges() == 6  # every pair of the four is named together in at least two articles


def test_network_weights_do_not_depend_on_how_many_pairs_are_made_at_once(research, monkeypatch):
    request = SearchRequest(query="sommet")
    whole = research.network(request).edges
    monkeypatch.setattr(network_module, "PAIRS_AT_ONCE", 3)
    assert research.network(request).edges == whole
    grouped = research.network(SearchRequest(query="sommet", count="groups")).edges
    monkeypatch.undo()
    assert research.network(SearchRequest(query="sommet", count="groups")).edges == grouped


def test_network_of_a_real_archive_counts_as_its_facets_do(sample_index):
    archive = Archive(sample_index)
    request = SearchRequest(query="France", facet_limit=1000)
    net = archive.network(request, NetworkOptions(nodes=400))
    facets = archive.search(request).facets
    shown = {(k, f.get("label") or f["value"]): f["count"] for k in ("person", "organisation", "country") for f in facets[k]}
    assert net.nodes and all(shown[(n.kind, n.label)] == n.articles for n in net.nodes)
    top = sorted(shown.values(), reverse=True)[:len(net.nodes)]
    assert sorted((n.articles for n in net.nodes), reverse=True) == top
    assert all(w <= min(net.nodes[a].articles, net.nodes[b].articles) for a, b, w in net.edges)


def test_bad_network_options_are_query_errors(research):
    for options in (NetworkOptions(nodes=0), NetworkOptions(nodes=401), NetworkOptions(min_weight=0)):
        with pytest.raises(QueryError):
            research.network(SearchRequest(), options)
    with pytest.raises(QueryError, match="nodes must be a whole number"):
        NetworkOptions.from_values({"nodes": "beaucoup"}.get)


# --- the command ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["iramuteq", "txm", "gexf"])
def test_cli_search_writes_each_research_format(research_index, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(main, ["search", "--index", str(research_index), "--format", fmt, "--all", "sommet", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "iramuteq":
        assert len(iramuteq_texts(data.decode("utf-8"))) == 5
    elif fmt == "txm":
        assert len(txm_files(data)[1]) == 5
    else:
        assert graph_of(data).number_of_nodes() == 8


def test_cli_says_on_stderr_when_a_corpus_was_cut_and_refuses_bad_options(research_index, tmp_path):
    out = tmp_path / "cut.txt"
    result = CliRunner().invoke(main, ["search", "--index", str(research_index), "--format", "iramuteq", "--all", "--max-rows", "2",
                                       "sommet", "-o", str(out)])
    assert result.exit_code == 0 and "export cut at 2 texts of 5" in result.stderr
    bad = CliRunner().invoke(main, ["search", "--index", str(research_index), "--format", "gexf", "--nodes", "0", "sommet"])
    assert bad.exit_code == 2 and "nodes must be between 1 and 400" in bad.stderr
    unknown = CliRunner().invoke(main, ["search", "--index", str(research_index), "--format", "alceste", "sommet"])
    assert unknown.exit_code == 2


# --- the web --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(research_index):
    return create_app({"INDEX": str(research_index), "TESTING": True}).test_client()


@pytest.mark.parametrize(("fmt", "content_type", "filename"), [
    ("iramuteq", "text/plain; charset=utf-8", "newsarchive-iramuteq.txt"),
    ("txm", "application/zip", "newsarchive-txm.zip"),
    ("gexf", "application/gexf+xml", "newsarchive-network.gexf"),
])
def test_api_export_serves_each_research_format(client, fmt, content_type, filename):
    response = client.get(f"/api/export?q=sommet&format={fmt}")
    assert response.status_code == 200
    assert response.content_type == content_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "X-Export-Cut" not in response.headers
    if fmt == "iramuteq":
        assert len(iramuteq_texts(response.get_data(as_text=True))) == 5
    elif fmt == "txm":
        assert len(txm_files(response.data)[0]) == 5
    else:
        assert graph_of(response.data).number_of_nodes() == 8


def test_api_export_says_in_a_header_when_a_corpus_was_cut(client):
    response = client.get("/api/export?q=sommet&format=iramuteq&limit=3")
    assert response.headers["X-Export-Cut"] == "export cut at 3 texts of 5: ask for up to 100000 with limit"
    assert len(iramuteq_texts(response.get_data(as_text=True))) == 3


@pytest.mark.parametrize("query", ["format=alceste", "format=gexf&nodes=0", "format=gexf&nodes=401", "format=gexf&nodes=dix",
                                   "format=gexf&min_weight=0", "format=txm&sort=pertinence", "format=iramuteq&from=2019-13"])
def test_bad_export_parameters_are_a_400_with_the_message(client, query):
    response = client.get(f"/api/export?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_network_page_draws_the_search_as_svg_with_escaped_labels(client):
    response = client.get("/network?q=sommet")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    assert svg.count("<circle") == 8 and svg.count("<line") == len(research_network_edges(client))
    assert "&lt;script&gt;alert(&#39;nom&#39;)&lt;/script&gt; Dupont" in svg
    assert "<script>alert" not in html and "Ligue des droits &amp; &#34;libertés&#34;" in html
    assert 'class="gexf-link" href="/api/export?q=sommet&amp;format=gexf&amp;nodes=80&amp;min_weight=1"' in html
    assert "Télécharger pour Gephi (GEXF)" in html
    etree.fromstring(svg.encode("utf-8"))  # the drawing is well-formed XML
    assert client.get("/network?q=sommet").get_data(as_text=True) == html  # a fixed seed: the same picture each time


def research_network_edges(client) -> list:
    return list(graph_of(client.get("/api/export?q=sommet&format=gexf&nodes=80").data).edges)


def test_network_nodes_link_to_the_search_with_their_filter(client):
    html = client.get("/network?q=sommet&count=groups&lang=en").get_data(as_text=True)
    assert 'href="/?q=sommet&amp;count=groups&amp;lang=en&amp;country=BE"' in html
    assert 'href="/?q=sommet&amp;count=groups&amp;lang=en&amp;person=Emmanuel+Macron"' in html
    assert "Co-occurrence network" in html and "Download for Gephi (GEXF)" in html and "stories naming them" in html


def test_network_page_refuses_bad_parameters_and_shows_an_empty_network(client):
    assert client.get("/network?q=sommet&nodes=1000").status_code == 400
    assert client.get("/network?q=sommet&sort=pertinence").status_code == 400
    empty = client.get("/network?q=introuvable")
    assert empty.status_code == 200 and "Aucune personne, organisation ni aucun pays" in empty.get_data(as_text=True)


def test_search_page_offers_the_formats_and_the_network(client):
    html = client.get("/?q=sommet").get_data(as_text=True)
    for fmt in ("iramuteq", "txm", "gexf"):
        assert f'<option value="{fmt}">' in html
    assert '<a class="network-link" href="/network?q=sommet">Réseau</a>' in html
    strip = client.get("/?q=sommet&person=Angela+Merkel").get_data(as_text=True)
    companions = strip[strip.index('<p class="companions">'):]
    assert '<a class="network-link" href="/network?q=sommet&amp;person=Angela+Merkel">Réseau</a>' in companions[:companions.index("</p>")]
    assert strip.count('class="network-link"') == 1
