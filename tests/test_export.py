"""`newsarchive export --format opensearch`: a valid index definition and complete _bulk files."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from newsarchive.cli import main
from newsarchive.index.analysis import french_stop_words
from newsarchive.index.text import ELIDED_PREFIXES
from newsarchive.search import opensearch as export_module
from newsarchive.search.archive import Archive
from newsarchive.search.opensearch import STEMMER_NAMES, export_opensearch, index_definition


def bulk_pairs(files) -> list[tuple[dict, dict]]:
    """(action, document) pairs of _bulk NDJSON files; fails on anything that is not one JSON object per line."""
    pairs = []
    for path in files:
        lines = path.read_text("utf-8").split("\n")
        assert lines[-1] == "", "a _bulk body ends with a newline"
        objects = [json.loads(line) for line in lines[:-1]]
        assert len(objects) % 2 == 0
        pairs += list(zip(objects[::2], objects[1::2], strict=True))
    return pairs


@pytest.fixture(scope="module")
def exported(mini_index, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    return export_opensearch(mini_index, out, name="archives"), out


def test_every_article_is_exported_once_with_its_facets(exported, mini_index, mini_articles):
    summary, _ = exported
    pairs = bulk_pairs(summary.files)
    assert summary.articles == len(pairs) == len(mini_articles)
    assert all(action == {"index": {"_index": "archives", "_id": doc["id"]}} for action, doc in pairs)
    assert len({doc["id"] for _, doc in pairs}) == len(pairs)
    docs = {doc["title"]: doc for _, doc in pairs}
    assert set(docs) == set(mini_articles)
    lavrov = docs["Sergueï Lavrov et Rex Tillerson se rencontrent à Bonn"]
    assert "Sergueï Lavrov" in lavrov["persons"]
    assert {"RU", "US", "DE"} <= set(lavrov["countries"])
    assert lavrov["date"] == "2017-02-16" and lavrov["source"] == "Le Quotidien d'exemple"
    assert lavrov["text"].startswith("Le ministre russe")
    assert "date" not in docs["Une étude sur les abeilles sans date"]


def test_exported_fields_are_the_mapped_fields(exported):
    summary, out = exported
    mapped = set(json.loads((out / "index.json").read_text("utf-8"))["mappings"]["properties"])
    for _, doc in bulk_pairs(summary.files):
        assert set(doc) <= mapped  # "dynamic": "strict" would reject anything else


def test_person_facet_values_are_the_archive_display_forms(exported, mini_index):
    summary, _ = exported
    cache = Archive(mini_index)
    searcher = cache.searcher()
    names = {name for _, doc in bulk_pairs(summary.files) for name in doc.get("persons", [])}
    assert names == {cache.facet_cache(searcher).person_name(n) for n in names}
    assert "Serguei Lavrov" not in names  # one spelling per person, as in the facets


def test_definition_mirrors_the_french_chain(exported, mini_index):
    summary, out = exported
    definition = json.loads((out / "index.json").read_text("utf-8"))
    analysis = definition["settings"]["analysis"]
    chain = analysis["analyzer"]["newsarchive_french"]["filter"]
    assert chain == ["newsarchive_elision", "lowercase", "asciifolding", "newsarchive_stop", "newsarchive_stemmer"]
    assert analysis["filter"]["newsarchive_elision"]["articles"] == list(ELIDED_PREFIXES)
    assert set(analysis["filter"]["newsarchive_stop"]["stopwords"]) >= french_stop_words() | {"ete", "meme"}
    assert analysis["filter"]["newsarchive_stemmer"]["language"] == STEMMER_NAMES[summary.stemmer]
    for name in ("persons", "countries", "source"):
        assert definition["mappings"]["properties"][name]["type"] == "keyword"  # terms aggregations
    assert definition["mappings"]["properties"]["date"]["type"] == "date"


@pytest.mark.parametrize(("stemmer", "name"), [("light", "light_french"), ("snowball", "french")])
def test_stemmer_maps_to_the_elasticsearch_filter_of_the_same_algorithm(stemmer, name):
    assert index_definition(stemmer)["settings"]["analysis"]["filter"]["newsarchive_stemmer"]["language"] == name


def test_large_archives_are_split_into_several_bulk_files(mini_index, tmp_path, monkeypatch):
    monkeypatch.setattr(export_module, "BULK_ARTICLES", 4)
    summary = export_opensearch(mini_index, tmp_path / "out")
    assert [p.name for p in summary.files] == ["articles-00001.ndjson", "articles-00002.ndjson"]
    assert len(bulk_pairs(summary.files)) == summary.articles == 6


def test_cli_export_writes_the_files_and_says_so(mini_index, tmp_path):
    result = CliRunner().invoke(main, ["export", "--index", str(mini_index), "--format", "opensearch", str(tmp_path / "os")])
    assert result.exit_code == 0, result.output
    assert "Exported 6 articles" in result.output
    assert (tmp_path / "os" / "index.json").exists() and (tmp_path / "os" / "articles-00001.ndjson").exists()


def test_cli_export_without_an_index_fails_clearly(tmp_path):
    result = CliRunner().invoke(main, ["export", "--index", str(tmp_path / "none"), "--format", "opensearch", str(tmp_path / "os")])
    assert result.exit_code == 3
    assert "no index" in result.output
