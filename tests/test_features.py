"""Who said what, wire-story duplicates, who appears with whom, editable merges, matched word forms:
from the CLI, the JSON API and the page, on real indexes."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from newsarchive.cli import main
from newsarchive.search.archive import Archive
from newsarchive.search.request import SearchRequest
from newsarchive.web import create_app

from .conftest import DATA, SEED, build_index, need_shared

WIRE = (
    "La préfète du Cher a annoncé vendredi l'interdiction de tout rassemblement de gilets jaunes à Bourges samedi, "
    "où des milliers de manifestants sont attendus pour une nouvelle journée de mobilisation nationale. Les autorités "
    "craignent des violences comparables à celles des semaines précédentes à Paris et dans plusieurs grandes villes, "
    "et ont demandé aux commerçants du centre-ville de fermer leurs boutiques par précaution pendant toute la journée."
)


@pytest.fixture(scope="module")
def quotes_index(tmp_path_factory):
    """The seed and a short article whose words appear outside any quotation."""
    need_shared(SEED)
    folder = tmp_path_factory.mktemp("quotes-index")
    docs = tmp_path_factory.mktemp("quotes-docs")
    shutil.copy(SEED, docs / SEED.name)
    (docs / "sanctions.txt").write_text(
        "Les sanctions contre Moscou\n\nLes sanctions européennes contre la Russie ont été prolongées de six mois, "
        "a annoncé Bruxelles, sans que Sergueï Lavrov ne réagisse.", "utf-8")
    build_index(folder, docs)
    return folder


@pytest.fixture(scope="module")
def wire_index(tmp_path_factory):
    """The same wire story in two outlets, and another story."""
    folder = tmp_path_factory.mktemp("wire-index")
    rows = [
        {"url": "https://journal-a.test/gilets", "source": "Journal A", "date": "2018-12-07", "title": "Bourges interdit les gilets jaunes", "text": WIRE},
        {"url": "https://journal-b.test/cher", "source": "Journal B", "date": "2018-12-07", "title": "Manifestations interdites à Bourges",
         "text": WIRE.replace("samedi", "ce samedi") + " (Avec AFP)"},
        {"url": "https://journal-c.test/retraites", "source": "Journal C", "date": "2018-12-08", "title": "Les syndicats de Bourges manifestent",
         "text": "Les syndicats ont manifesté à Bourges contre la réforme des retraites, sans lien avec les gilets jaunes du Cher."},
    ]
    path = tmp_path_factory.mktemp("wire-docs") / "wire.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    build_index(folder, path)
    return folder


# --- quotations --------------------------------------------------------------------------


def test_search_inside_quotations_by_speaker_from_the_cli(quotes_index):
    result = CliRunner().invoke(main, ["search", "--index", str(quotes_index), "--quote-by", "Sergueï Lavrov", "--json", "sanctions"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"] == 1, "the article where Lavrov is only mentioned near 'sanctions' does not count"
    (hit,) = data["hits"]
    assert [q["speaker"] for q in hit["quotes"]] == ["Sergueï Lavrov"]
    assert "<mark>sanctions</mark>" in hit["quotes"][0]["html"]


def test_within_quotes_ignores_words_outside_quotations(quotes_index):
    archive = Archive(quotes_index)
    assert archive.search(SearchRequest(query="prolongées")).total == 1
    assert archive.search(SearchRequest(query="prolongées", within="quotes")).total == 0
    inside = archive.search(SearchRequest(query="planète", within="quotes"))
    assert inside.total == 1 and inside.hits[0].quotes[0]["speaker"] is None  # "a commenté le chef du Pentagone": no name


def test_quotes_tab_and_speaker_filter_on_the_page_and_api(quotes_index):
    client = create_app({"INDEX": str(quotes_index)}).test_client()
    api = client.get("/api/search?q=sanctions&quote_by=Lavrov").get_json()
    assert api["total"] == 1 and api["within"] == "quotes"
    html = client.get("/?q=sanctions&within=quotes").get_data(as_text=True)
    assert '<a href="/?q=sanctions&amp;within=quotes" aria-current="page">Citations</a>' in html
    assert "<blockquote>« Nous ne discutons pas des <mark>sanctions</mark>" in html
    assert 'href="/?q=sanctions&amp;within=quotes&amp;quote_by=Sergue%C3%AF+Lavrov">Sergueï Lavrov</a>' in html


def test_article_page_lists_its_quotations_with_speakers(quotes_index):
    client = create_app({"INDEX": str(quotes_index)}).test_client()
    hit = client.get("/api/search?q=Tillerson+Minsk").get_json()["hits"][0]
    html = client.get(f"/articles/{hit['id']}").get_data(as_text=True)
    section = html[html.index('id="quotes-h"'):]
    assert "« Les États-Unis considéreront travailler avec la Russie" in section
    assert ">Rex Tillerson</a>" in section and "locuteur non identifié" in section


# --- near-duplicates -----------------------------------------------------------------------


def test_one_result_per_wire_story_with_its_other_versions(wire_index):
    archive = Archive(wire_index)
    result = archive.search(SearchRequest(query="Bourges"))
    assert result.total == 3 and result.groups == 2 and result.collapsed
    assert len(result.hits) == 2
    story = next(h for h in result.hits if h.versions)
    assert story.versions == 1
    every = archive.search(SearchRequest(query="Bourges", all_versions=True))
    assert len(every.hits) == 3
    group = archive.search(SearchRequest(group=story.group))
    assert sorted(h.source for h in group.hits) == ["Journal A", "Journal B"]


def test_facets_can_count_groups_instead_of_articles(wire_index):
    archive = Archive(wire_index)
    by_article = {f["value"]: f["count"] for f in archive.search(SearchRequest(query="Bourges")).facets["country"]}
    by_group = {f["value"]: f["count"] for f in archive.search(SearchRequest(query="Bourges", count="groups")).facets["country"]}
    assert by_article["FR"] == 3 and by_group["FR"] == 2


def test_other_versions_link_on_the_page(wire_index):
    client = create_app({"INDEX": str(wire_index)}).test_client()
    html = client.get("/?q=Bourges").get_data(as_text=True)
    assert "2 dépêches distinctes" in html
    assert "1 autre(s) version(s) de cette dépêche" in html
    link = html.split('<p class="versions"><a href="')[1].split('"')[0].replace("&amp;", "&")
    versions = client.get(link).get_data(as_text=True)
    assert "Toutes les versions de cette dépêche" in versions and "Journal A" in versions and "Journal B" in versions


def test_the_cli_shows_versions_and_accepts_group(wire_index):
    result = CliRunner().invoke(main, ["search", "--index", str(wire_index), "Bourges"])
    assert result.exit_code == 0, result.output
    assert "3 results, 2 stories" in result.stdout and "1 other version(s): --group " in result.stdout


# --- who appears with whom -----------------------------------------------------------------


def test_cooccurrence_from_api_cli_and_page(mini_index):
    client = create_app({"INDEX": str(mini_index)}).test_client()
    data = client.get("/api/cooccurrence?with_person=Serguei+Lavrov").get_json()
    assert data["with"] == {"person": "Sergueï Lavrov"} and data["articles"] == 2
    assert {"value": "Rex Tillerson", "count": 1} in data["persons"]
    assert all(p["value"] != "Sergueï Lavrov" for p in data["persons"])
    assert {"value": "RU", "label": "Russie", "count": 2} in data["countries"]
    assert client.get("/api/cooccurrence").status_code == 400
    cli = CliRunner().invoke(main, ["cooccur", "--index", str(mini_index), "--country", "Allemagne"])
    assert cli.exit_code == 0, cli.output
    assert "With Allemagne (2 articles)" in cli.stdout and "Angela Merkel (1)" in cli.stdout
    html = client.get("/?person=Angela+Merkel").get_data(as_text=True)
    assert "<strong>Avec Angela Merkel :</strong>" in html and ">Emmanuel Macron</a> (1)" in html


# --- merges a user can correct -------------------------------------------------------------


def test_aliases_lists_merges_and_the_alias_file_corrects_them(tmp_path):
    folder = tmp_path / "ix"
    build_index(folder, DATA / "mini.jsonl")
    runner = CliRunner()
    listed = runner.invoke(main, ["aliases", "--index", str(folder), "--json"])
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    lavrov = next(p for p in data["persons"] if p["name"] == "Sergueï Lavrov")
    assert {"form": "Serguei Lavrov", "count": 1} in lavrov["spellings"]
    assert (folder / "aliases.txt").exists(), "a commented template is written for the user"

    with open(folder / "aliases.txt", "a", encoding="utf-8") as fh:
        fh.write("Angela Dorothea Merkel = Angela Merkel\n")
    redo = runner.invoke(main, ["reindex", "--index", str(folder), "--entities", "--workers", "1", "--json"])
    assert redo.exit_code == 0, redo.output
    assert json.loads(redo.stdout)["updated"] >= 1
    archive = Archive(folder)
    persons = {f["value"] for f in archive.search(SearchRequest(query="Berlin")).facets["person"]}
    assert "Angela Dorothea Merkel" in persons and "Angela Merkel" not in persons


def test_a_broken_alias_file_is_a_clear_error(tmp_path):
    folder = tmp_path / "ix"
    build_index(folder, DATA / "mini.jsonl", with_entities=False)
    (folder / "aliases.txt").write_text("Vladimir Poutine\n", "utf-8")
    result = CliRunner().invoke(main, ["index", "--index", str(folder), "--no-entities", str(DATA / "mini.jsonl")])
    assert result.exit_code == 2
    assert "aliases.txt:1: expected 'Name = Other Name'" in result.stderr


# --- which words matched -------------------------------------------------------------------


def test_matched_word_forms_from_api_cli_and_page(mini_index):
    client = create_app({"INDEX": str(mini_index)}).test_client()
    forms = client.get("/api/forms?q=coop%C3%A9rations").get_json()["matched_forms"]
    assert forms[0]["term"] and {f["form"] for f in forms[0]["forms"]} >= {"coopération", "coopérations"}
    html = client.get("/?q=coop%C3%A9rations").get_data(as_text=True)
    assert "a trouvé : " in html and "coopérations" in html
    assert 'href="/?q=coop%C3%A9rations&amp;within=exact">chercher seulement la forme exacte</a>' in html
    exact = client.get("/api/search?q=coop%C3%A9rations&within=exact").get_json()
    assert exact["total"] == 1
    cli = CliRunner().invoke(main, ["search", "--index", str(mini_index), "--forms", "coopérations"])
    assert "matched: coopération" in cli.stdout
