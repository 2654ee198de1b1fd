"""Bylines as a facet: each journalist a byline signs is one value ("Signatures"), a filter (`--author`) and a column."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from newsarchive.cli import main
from newsarchive.index.extraction.signatures import DROPS, signatures
from newsarchive.search.archive import Archive
from newsarchive.search.request import SearchRequest

from .conftest import build_index


@pytest.mark.parametrize(("byline", "names"), [
    ("Par Jean Dupont", ["Jean Dupont"]),
    ("Jean Dupont et Marie Martin", ["Jean Dupont", "Marie Martin"]),
    ("Par Jean Dupont, Marie Martin et Luc Bernard (AFP)", ["Jean Dupont", "Marie Martin", "Luc Bernard"]),
    ("JEAN-PIERRE DURAND", ["Jean-Pierre Durand"]),
    ("Jean Dupont, envoyé spécial à Kiev", ["Jean Dupont"]),
    ("Anne de La Tour jdelatour@exemple.fr", ["Anne de La Tour"]),
    ("By John Smith and Jane Doe", ["John Smith", "Jane Doe"]),
    ("Jean Dupont / Marie Martin", ["Jean Dupont", "Marie Martin"]),
    ("Jean Dupont et jean dupont", ["Jean Dupont"]),
])
def test_a_byline_signs_each_of_its_journalists_once(byline, names):
    assert signatures(byline) == names


@pytest.mark.parametrize("byline", ["La rédaction", "AFP", "Agence France-Presse", "", None, "mis à jour le 12 mars 2019 à 10h02",
                                    "Avec agences", "un texte qui ne signe personne"])
def test_a_byline_that_names_no_journalist_has_no_signature(byline):
    assert signatures(byline) == []


def test_each_drop_rule_fixes_its_own_example():
    for drop in DROPS:
        before, after = drop.example.split(" -> ")
        assert signatures(before) == [after], drop.name
        assert drop.pattern.sub("", before).strip() != before, drop.name


@pytest.fixture(scope="module")
def signed_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signed")
    rows = [
        {"url": "https://exemple.test/a", "date": "2019-01-05", "title": "Les gilets jaunes à Paris", "author": "Par Jean Dupont et Marie Martin",
         "text": "Les gilets jaunes ont manifesté samedi à Paris. La mobilisation reste forte selon les organisateurs."},
        {"url": "https://exemple.test/b", "date": "2019-01-12", "title": "Les gilets jaunes à Lyon", "author": "JEAN DUPONT",
         "text": "Les gilets jaunes ont manifesté samedi à Lyon. La préfecture a compté plusieurs milliers de personnes."},
        {"url": "https://exemple.test/c", "date": "2019-01-19", "title": "Le budget voté", "author": "Luc Bernard (AFP)",
         "text": "Le budget a été voté mardi par les députés après un long débat à l'Assemblée."},
        {"url": "https://exemple.test/d", "date": "2019-01-20", "title": "Sans signature",
         "text": "Un article sans signature sur le budget et les gilets jaunes, écrit par la rédaction."},
    ]
    path = folder.parent / "signed.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    build_index(folder, path, with_entities=False)
    return folder


def test_signatures_are_a_facet_counted_per_journalist(signed_index):
    result = Archive(signed_index).search(SearchRequest(query=""))
    counts = {v["value"]: v["count"] for v in result.facets["signature"]}
    assert counts == {"Jean Dupont": 2, "Marie Martin": 1, "Luc Bernard": 1}


def test_the_author_filter_finds_a_journalist_whatever_the_case(signed_index):
    archive = Archive(signed_index)
    assert archive.search(SearchRequest(query="", authors=["jean dupont"])).total == 2
    assert archive.search(SearchRequest(query="", authors=["Marie Martin", "Luc Bernard"])).total == 2  # any of them
    assert archive.search(SearchRequest(query="signature:dupont")).total == 2  # a surname names the journalist, as person:lavrov does
    assert archive.search(SearchRequest(query='signature:"Jean Dupont"')).total == 2
    assert archive.search(SearchRequest(query="author:dupont")).total == 2  # the byline's words


def test_the_cli_author_option_and_the_export_column(signed_index):
    runner = CliRunner()
    found = runner.invoke(main, ["search", "--index", str(signed_index), "--json", "--author", "Jean Dupont", "gilets"])
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)["total"] == 2
    exported = runner.invoke(main, ["search", "--index", str(signed_index), "--format", "csv", "--all", "gilets"])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert {r["author"] for r in rows} >= {"Par Jean Dupont et Marie Martin", "JEAN DUPONT"}


def test_the_page_shows_the_signatures_facet_and_links(signed_index):
    from newsarchive.web import create_app

    app = create_app({"INDEX": str(signed_index), "TESTING": True})
    page = app.test_client().get("/?q=gilets")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Signatures" in html
    assert "signature=Jean+Dupont" in html
