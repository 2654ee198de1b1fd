"""`newsarchive reindex`: re-extract every article from its stored original, without the input files."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.cli import main
from newsarchive.index.article import RawRecord
from newsarchive.index.extraction import boilerplate
from newsarchive.index.extraction.boilerplate import Rule
from newsarchive.index.extraction.extract import extract
from newsarchive.index.store.originals import OriginalStore
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search.archive import Archive

SIGN_OFF = "Bonne lecture à tous, et rendez-vous demain pour la suite de notre série."
PARAGRAPHS = [
    "Le conseil municipal de Québec a adopté mardi soir le budget de la ville pour l'année prochaine.",
    "La hausse des taxes foncières sera limitée à deux pour cent, a précisé le maire devant les élus.",
    SIGN_OFF,
]


def html_page(title: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>'


def write_inputs(folder: Path) -> int:
    """One input of each kind (text, HTML, JSON lines with text and with HTML, WARC); returns the article count."""
    folder.mkdir(parents=True)
    (folder / "budget.txt").write_text("\n\n".join(["Le budget de Québec adopté", *PARAGRAPHS]), "utf-8")
    (folder / "budget.html").write_text(html_page("Le budget de Québec, page HTML"), "utf-8")
    lines = [
        {"title": "Le budget, dépêche", "text": "\n\n".join(PARAGRAPHS), "url": "https://depeches.exemple.test/budget"},
        {"title": "Le budget, page", "html": html_page("Le budget, page"), "url": "https://journal.exemple.test/budget"},
    ]
    with gzip.open(folder / "depeches.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    with open(folder / "crawl.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        payload = io.BytesIO(html_page("Le budget, archive du Web").encode("utf-8"))
        writer.write_record(writer.create_warc_record("https://web.exemple.test/budget", "response", payload=payload, http_headers=http))
    return 5


def run(*args: str) -> tuple[int, dict | str]:
    result = CliRunner().invoke(main, list(args))
    out = result.stdout.strip()
    try:
        return result.exit_code, json.loads(out.splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return result.exit_code, out + result.stderr


def stored_articles(index: Path) -> dict:
    archive = Archive(index)
    try:
        return {a.id: a for a in (archive.article(d["id"]) for d in archive.searcher().documents())}
    finally:
        archive.close()


@pytest.fixture()
def indexed(tmp_path) -> Path:
    """An index of one input of each kind, whose input files are then deleted."""
    inputs, index = tmp_path / "inputs", tmp_path / "index"
    count = write_inputs(inputs)
    code, summary = run("index", "--index", str(index), "--workers", "1", "--no-entities", "--json", str(inputs))
    assert code == 0, summary
    assert summary["added"] == count
    shutil.rmtree(inputs)
    return index


@pytest.fixture()
def add_sign_off_rule(monkeypatch):
    """Call it to add a furniture rule (the series' sign-off line), as a later version would."""

    def add() -> None:
        rule = Rule("series_sign_off", "drop", SIGN_OFF, lambda line: line == SIGN_OFF)
        monkeypatch.setattr(boilerplate, "RULES", [*boilerplate.RULES, rule])

    return add


def test_articles_remember_how_their_input_was_read(indexed):
    kinds = sorted(a.kind for a in stored_articles(indexed).values())
    assert kinds == ["fields", "fields", "html", "text", "warc"]


def test_reindex_applies_a_new_rule_to_every_kind_of_input_without_the_files(indexed, add_sign_off_rule):
    before = stored_articles(indexed)
    assert all(SIGN_OFF in a.text for a in before.values())
    add_sign_off_rule()
    code, summary = run("reindex", "--index", str(indexed), "--workers", "1", "--no-entities", "--json")
    assert code == 0, summary
    assert (summary["articles"], summary["updated"], summary["unchanged"], summary["failed"]) == (5, 5, 0, 0)
    after = stored_articles(indexed)
    assert after.keys() == before.keys()  # updated in place: same ids, nothing added
    for article_id, article in after.items():
        assert SIGN_OFF not in article.text
        assert article.text == before[article_id].text.replace(f"\n\n{SIGN_OFF}", "")
        assert (article.title, article.url, article.origin) == (before[article_id].title, before[article_id].url, before[article_id].origin)


def test_reindex_with_the_same_rules_changes_nothing(indexed):
    code, summary = run("reindex", "--index", str(indexed), "--workers", "1", "--no-entities", "--json")
    assert code == 0, summary
    assert (summary["updated"], summary["unchanged"], summary["failed"]) == (0, 5, 0)


def test_missing_original_is_reported_and_its_article_kept(indexed, add_sign_off_rule):
    add_sign_off_rule()
    articles = stored_articles(indexed)
    victim = next(a for a in articles.values() if a.kind == "text")
    OriginalStore(indexed).path(victim.original).unlink()
    code, summary = run("reindex", "--index", str(indexed), "--workers", "1", "--no-entities", "--json")
    assert code == 1
    assert (summary["updated"], summary["failed"]) == (4, 1)
    (failure,) = summary["failures"]
    assert failure["input"] == victim.origin
    assert victim.id in failure["reason"] and "original" in failure["reason"]
    assert stored_articles(indexed)[victim.id].text == victim.text  # left as it was


def test_reindex_prints_a_summary(indexed):
    result = CliRunner().invoke(main, ["reindex", "--index", str(indexed), "--workers", "1", "--no-entities"])
    assert result.exit_code == 0
    assert "Re-extracted 5 articles" in result.stdout
    assert "0 updated, 5 unchanged, 0 failed" in result.stdout


def test_reindex_of_a_missing_index_exits_3(tmp_path):
    result = CliRunner().invoke(main, ["reindex", "--index", str(tmp_path / "nothing-here")])
    assert result.exit_code == 3
    assert "no index" in result.stderr


def test_articles_indexed_before_kinds_existed_are_reindexed_by_their_origin(tmp_path, add_sign_off_rule):
    index = tmp_path / "index"
    text = "\n\n".join(["Le budget de Québec adopté", *PARAGRAPHS])
    line = json.dumps({"title": "Le budget, dépêche", "text": "\n\n".join(PARAGRAPHS)}, ensure_ascii=False).encode("utf-8")
    old = [
        extract(RawRecord(origin="/archives/budget.txt", kind="text", content=text, raw=text.encode("utf-8"))),
        extract(RawRecord(origin="/archives/depeches.jsonl:7", kind="fields", fields=json.loads(line), raw=line)),
    ]
    with ArchiveWriter(index) as writer:
        for article in old:
            article.kind = None  # as written by a version without Article.kind
            writer.add(article)
    add_sign_off_rule()
    code, summary = run("reindex", "--index", str(index), "--workers", "1", "--no-entities", "--json")
    assert code == 0, summary
    assert summary["updated"] == 2
    after = stored_articles(index)
    assert sorted(a.kind for a in after.values()) == ["fields", "text"]
    assert all(SIGN_OFF not in a.text for a in after.values())


@pytest.mark.slow
def test_no_entities_keeps_the_stored_persons_and_a_full_reindex_recognises_them_again(tmp_path, add_sign_off_rule):
    inputs, index = tmp_path / "inputs", tmp_path / "index"
    inputs.mkdir()
    (inputs / "lavrov.txt").write_text(
        "Lavrov à Moscou\n\nSergueï Lavrov a reçu mardi à Moscou son homologue allemand pour parler de l'Ukraine.\n\n"
        f"M. Lavrov a dit espérer une reprise du dialogue.\n\n{SIGN_OFF}",
        "utf-8",
    )
    assert run("index", "--index", str(index), "--workers", "1", str(inputs))[0] == 0
    (before,) = stored_articles(index).values()
    assert "Sergueï Lavrov" in {p.name for p in before.persons}
    add_sign_off_rule()
    code, summary = run("reindex", "--index", str(index), "--workers", "1", "--no-entities", "--json")
    assert (code, summary["updated"]) == (0, 1)
    (after,) = stored_articles(index).values()
    assert SIGN_OFF not in after.text
    assert [p.name for p in after.persons] == [p.name for p in before.persons]
    assert [c.code for c in after.countries] == [c.code for c in before.countries]
    # Recognised again, persons come from the cleaned text only ("Bonne lecture" made a "Bonne").
    code, summary = run("reindex", "--index", str(index), "--workers", "1", "--json")
    assert (code, summary["failed"]) == (0, 0)
    (again,) = stored_articles(index).values()
    assert "Sergueï Lavrov" in {p.name for p in again.persons}
    assert all(mention in again.text for person in again.persons for mention in person.mentions)


# --- the same runs as functions, without click ------------------------------------------------


def test_index_files_reindex_and_reannotate_report_what_they_did(tmp_path):
    from newsarchive.index.indexing.pipeline import plan
    from newsarchive.index.indexing.runs import index_files, reannotate, reindex, stored_articles

    inputs, index = tmp_path / "inputs", tmp_path / "index"
    count = write_inputs(inputs)
    ticks = []
    first = index_files(index, plan([inputs]), workers=1, with_entities=False, progress=ticks.append)
    assert (first.counts, first.failures, sum(ticks)) == ({"added": count, "updated": 0, "unchanged": 0}, [], count)
    ids = {a.id for a in stored_articles(index)}
    assert first.to_json()["added"] == count and first.line.startswith(f"Indexed into {index}: {count} added")
    shutil.rmtree(inputs)
    again = reindex(index, workers=1, with_entities=False)
    assert again.counts == {"articles": count, "updated": 0, "unchanged": count} and not again.failures
    annotated = reannotate(index, workers=1)
    assert annotated.counts["articles"] == count and not annotated.failures
    assert {a.id for a in stored_articles(index)} == ids and len(ids) == count


def test_a_run_that_cannot_write_says_so_as_an_index_error(tmp_path, monkeypatch):
    from newsarchive.index.errors import ArchiveIndexError
    from newsarchive.index.indexing import runs
    from newsarchive.index.indexing.pipeline import plan

    inputs = tmp_path / "inputs"
    write_inputs(inputs)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(runs.ArchiveWriter, "add", full_disk)
    with pytest.raises(ArchiveIndexError, match=r"cannot write the index at .*No space left on device"):
        runs.index_files(tmp_path / "index", plan([inputs]), workers=1, with_entities=False)
