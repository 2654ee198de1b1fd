"""Press-database exports indexed end to end: one article per article of the export, never one per file.

The fixtures under tests/data/exports/ are our own small exports, modelled on the structure
public parsers document (each folder's README says which). Here they go through the real
CLI into a real index: counts, fields, ids that survive re-runs and overlapping exports,
cut exports, exports with no article, and `reindex` from each article's own part.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive.cli import main
from newsarchive.search.archive import Archive
from newsarchive.search.request import SearchRequest

from .conftest import DATA

EXPORTS = DATA / "exports"
EUROPRESSE, FACTIVA, NEXIS = EXPORTS / "europresse", EXPORTS / "factiva", EXPORTS / "nexis"


def index(folder: Path, *paths: Path) -> dict:
    result = CliRunner().invoke(main, ["index", "--index", str(folder), "--no-entities", "--workers", "1", "--json", *map(str, paths)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def articles(folder: Path) -> dict[str, dict]:
    """Every stored article by title (what a user sees of it)."""
    archive = Archive(folder)
    try:
        found = [archive.article(d["id"]) for d in archive.searcher().documents()]
        return {a.title: {"id": a.id, "date": a.date and a.date.isoformat(), "source": a.source, "author": a.author,
                          "text": a.text, "database": a.database, "kind": a.kind, "origin": a.origin} for a in found}
    finally:
        archive.close()


@pytest.mark.parametrize(("export", "expected"), [
    (EUROPRESSE / "article_2016.HTML", 4),
    (EUROPRESSE / "rdp_2023.html", 5),
    (EUROPRESSE / "table_2012.htm", 3),
    (FACTIVA / "export_normal.htm", 4),
    (FACTIVA / "export_two_tables_cp1252.htm", 3),
    (NEXIS / "nexis_en.TXT", 3),
    (NEXIS / "nexis_fr.TXT", 2),
    (NEXIS / "nexis_uni.DOCX", 3),
], ids=lambda v: v.name if isinstance(v, Path) else str(v))
def test_an_export_becomes_one_article_per_article(tmp_path, export, expected):
    summary = index(tmp_path / "ix", export)
    assert summary["added"] == expected and summary["failed"] == 0
    stored = articles(tmp_path / "ix")
    assert len(stored) == expected
    for title, article in stored.items():
        assert title and article["text"] and article["source"], title
        assert article["database"]["id"] and article["id"].startswith("d")
        assert article["origin"].startswith(str(export) + "#")
        assert len(article["text"]) < 20_000  # an article, not the export glued together


def test_europresse_fields_reach_the_index(tmp_path):
    index(tmp_path / "ix", EUROPRESSE / "rdp_2023.html")
    stored = articles(tmp_path / "ix")
    sources = {a["source"] for a in stored.values()}
    assert not any("no." in s or "n°" in s for s in sources), sources  # the issue number is no part of the publication
    assert all(a["date"] for a in stored.values())
    for article in stored.values():
        assert "<mark>" not in article["text"] and "Tous droits réservés" not in article["text"]
        assert "Certificat émis" not in article["text"]


def test_the_same_export_twice_changes_nothing(tmp_path):
    folder = tmp_path / "ix"
    first = index(folder, FACTIVA / "export_normal.htm")
    again = index(folder, FACTIVA / "export_normal.htm")
    assert first["added"] == 4 and again["added"] == 0 and again["updated"] == 0 and again["unchanged"] == 4


def test_overlapping_exports_add_each_article_once(tmp_path):
    # nexis_cut.TXT's first article is nexis_en.TXT's second; nexis_uni.DOCX's first is nexis_fr.TXT's first.
    folder = tmp_path / "ix"
    index(folder, NEXIS / "nexis_en.TXT", NEXIS / "nexis_fr.TXT")
    before = articles(folder)
    summary = index(folder, NEXIS / "nexis_cut.TXT")
    assert summary["added"] == 1 and summary["updated"] + summary["unchanged"] == 1
    after = articles(folder)
    assert len(after) == len(before) + 1


def test_a_cut_export_indexes_its_complete_articles_and_reports_the_cut_one(tmp_path):
    summary = index(tmp_path / "ix", EUROPRESSE / "cut_2023.HTML", FACTIVA / "export_cut.htm")
    assert summary["added"] == 2 + 2
    failed = {f["input"]: f["reason"] for f in summary["failures"]}
    assert set(failed) == {f"{EUROPRESSE / 'cut_2023.HTML'}#3", f"{FACTIVA / 'export_cut.htm'}#2", f"{FACTIVA / 'export_cut.htm'}#4"}


def test_an_export_holding_no_article_is_a_failure_not_an_article(tmp_path):
    summary = index(tmp_path / "ix", FACTIVA / "export_no_article.htm")
    assert summary["added"] == 0
    [failure] = summary["failures"]
    assert "factiva" in failure["reason"] and "no article" in failure["reason"]


def test_a_word_file_that_is_no_export_is_one_article(tmp_path):
    summary = index(tmp_path / "ix", NEXIS / "ordinary.DOCX")
    assert summary["added"] == 1
    [article] = articles(tmp_path / "ix").values()
    assert article["kind"] == "docx" and article["database"] is None


def test_extract_prints_one_json_line_per_article_of_an_export(tmp_path):
    result = CliRunner().invoke(main, ["extract", "--json", "--no-entities", str(FACTIVA / "export_normal.htm")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 4 and len({line["id"] for line in lines}) == 4
    assert all(line["database"]["name"] == "factiva" for line in lines)


def test_reindex_reads_each_article_from_its_own_part_of_the_export(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(EXPORTS, inputs)
    folder = tmp_path / "ix"
    index(folder, inputs)
    before = articles(folder)
    shutil.rmtree(inputs)  # the exports are gone: only the stored parts remain
    result = CliRunner().invoke(main, ["reindex", "--index", str(folder), "--no-entities", "--workers", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert articles(folder) == before


def test_a_url_with_a_date_dates_a_record_without_one(tmp_path):
    line = {"url": "https://www.lapresse.ca/actualites/2018/11/17/manifestation.php", "title": "Manifestation à Québec",
            "text": "Des manifestants vêtus de gilets jaunes ont défilé samedi dans les rues de Québec."}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", "utf-8")
    result = CliRunner().invoke(main, ["extract", "--json", "--no-entities", str(path)])
    data = json.loads(result.stdout.splitlines()[0])
    assert data["date"] == "2018-11-17" and data["derived"]["date"] == "url"


def test_a_search_finds_an_article_of_an_export_by_its_words(tmp_path):
    index(tmp_path / "ix", FACTIVA / "export_normal.htm")
    stored = articles(tmp_path / "ix")
    title = next(iter(stored))
    word = max(title.split(), key=len)
    assert Archive(tmp_path / "ix").search(SearchRequest(query=f'title:"{word}"')).total >= 1
