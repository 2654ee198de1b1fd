"""The `newsarchive` command through click's CliRunner, on real files and real indexes."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata

import click
import pytest
from click.testing import CliRunner

from newsarchive.cli import main

from .conftest import DATA, SAMPLES, SEED, need_shared


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


# --- extract ----------------------------------------------------------------------------


def test_extract_json_on_the_seed_meets_expected(runner, seed_expected):
    """The seed's title, source, text, persons and countries are what expected.json says."""
    result = runner.invoke(main, ["extract", "--json", str(SEED)])
    assert result.exit_code == 0, result.output
    (article,) = _json_lines(result.stdout)
    assert article["title"] == seed_expected["title"]
    assert article["source"] == seed_expected["source"]
    for line in seed_expected["text_must_contain"]:
        assert line in article["text"]
    for line in seed_expected["text_must_not_contain"]:
        assert line not in article["text"]
    persons = {_fold(p["name"]) for p in article["persons"]}
    for name in seed_expected["persons_required"]:
        assert _fold(name) in persons, f"missing person {name}"
    for name in seed_expected["persons_forbidden"]:
        assert _fold(name) not in persons, f"wrong person {name}"
    codes = {c["code"] for c in article["countries"]}
    assert set(seed_expected["countries_required"]) <= codes
    assert not set(seed_expected["countries_forbidden"]) & codes
    assert codes <= set(seed_expected["countries_required"]) | set(seed_expected["countries_allowed"])


def test_extract_json_has_the_contract_fields_and_later_mentions(runner, seed_expected):
    result = runner.invoke(main, ["extract", "--json", str(SEED)])
    (article,) = _json_lines(result.stdout)
    for key in ("title", "date", "author", "source", "url", "language", "text", "persons", "countries"):
        assert key in article
    assert article["language"] == "fr"
    assert "\n\n" in article["text"], "paragraphs are separated by blank lines"
    lavrov = next(p for p in article["persons"] if p["name"] == "Sergueï Lavrov")
    assert "M. Lavrov" in lavrov["mentions"]
    russia = next(c for c in article["countries"] if c["code"] == "RU")
    assert russia["name"] == "Russie"
    assert "Moscou" in russia["mentions"]


def test_extract_keeps_input_order_across_files(runner, tmp_path):
    first = tmp_path / "b.txt"
    second = tmp_path / "a.txt"
    first.write_text("Premier titre\n\nLe premier article parle de la Belgique et de ses régions.", "utf-8")
    second.write_text("Second titre\n\nLe second article parle du Portugal et de Lisbonne.", "utf-8")
    result = runner.invoke(main, ["extract", "--json", str(first), str(second)])
    assert result.exit_code == 0, result.output
    titles = [a["title"] for a in _json_lines(result.stdout)]
    assert titles == ["Premier titre", "Second titre"]


def test_extract_reports_a_bad_file_and_still_prints_the_good_one(runner, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Un titre\n\nUn paragraphe d'article sur la Grèce.", "utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(main, ["extract", "--json", str(empty), str(good)])
    assert result.exit_code == 1
    assert len(_json_lines(result.stdout)) == 1
    assert f"{empty}: empty file" in result.stderr


def test_extract_readable_output_shows_title_persons_and_countries(runner):
    need_shared(SEED)
    result = runner.invoke(main, ["extract", str(SEED)])
    assert result.exit_code == 0, result.output
    assert "Pas de coopération militaire" in result.stdout
    assert "persons: " in result.stdout and "Rex Tillerson" in result.stdout
    assert "countries: " in result.stdout and "RU Russie" in result.stdout


# --- index ------------------------------------------------------------------------------


def test_index_then_reindex_changes_nothing(runner, tmp_path):
    folder = tmp_path / "ix"
    first = runner.invoke(main, ["index", "--index", str(folder), "--workers", "1", "--json", str(DATA / "mini.jsonl")])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert (report["added"], report["updated"], report["unchanged"], report["failed"]) == (6, 0, 0, 0)
    again = runner.invoke(main, ["index", "--index", str(folder), "--workers", "1", "--json", str(DATA / "mini.jsonl")])
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert (report["added"], report["updated"], report["unchanged"]) == (0, 0, 6)
    stats = runner.invoke(main, ["stats", "--index", str(folder), "--json"])
    assert json.loads(stats.stdout)["articles"] == 6


def test_index_summary_lists_failures_with_reasons_and_exits_1(runner, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.txt").write_text("Titre correct\n\nUn article correct sur la Norvège et Oslo.", "utf-8")
    (docs / "empty.html").write_bytes(b"")
    (docs / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with gzip.open(docs / "broken.jsonl.gz", "wb") as fh:
        fh.write(b'{"title": "ok", "text": "Un texte sur le Chili."}\n{not json}\n')
    result = runner.invoke(main, ["index", "--index", str(tmp_path / "ix"), "--workers", "1", str(docs)])
    assert result.exit_code == 1, result.output
    assert "2 added" in result.stdout
    assert "3 failed" in result.stdout
    assert "empty.html: empty file" in result.stdout
    assert "image.html: not a text file: PNG image" in result.stdout
    assert "broken.jsonl.gz:2: invalid JSON" in result.stdout


def test_index_with_only_missing_paths_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["index", "--index", str(tmp_path / "ix"), str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such file or directory" in result.stderr


def test_index_defaults_to_the_environment_variable(runner, tmp_path, monkeypatch):
    folder = tmp_path / "from-env"
    monkeypatch.setenv("NEWSARCHIVE_INDEX", str(folder))
    result = runner.invoke(main, ["index", "--workers", "1", "--no-entities", str(DATA / "mini.jsonl")])
    assert result.exit_code == 0, result.output
    assert (folder / "newsarchive.json").exists()
    stats = runner.invoke(main, ["stats", "--json"])
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.stdout)["index"] == str(folder)


def test_index_with_two_workers_gives_the_same_articles(runner, tmp_path):
    one = runner.invoke(main, ["index", "--index", str(tmp_path / "a"), "--workers", "1", "--json", str(DATA / "mini.jsonl")])
    two = runner.invoke(main, ["index", "--index", str(tmp_path / "b"), "--workers", "2", "--json", str(DATA / "mini.jsonl")])
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    search = ["search", "--json", "--limit", "100", ""]
    hits_a = json.loads(runner.invoke(main, [*search[:1], "--index", str(tmp_path / "a"), *search[1:]]).stdout)
    hits_b = json.loads(runner.invoke(main, [*search[:1], "--index", str(tmp_path / "b"), *search[1:]]).stdout)
    assert sorted(h["id"] for h in hits_a["hits"]) == sorted(h["id"] for h in hits_b["hits"])
    assert hits_a["facets"] == hits_b["facets"]


# --- search and stats -------------------------------------------------------------------


def test_search_json_shape(runner, mini_index):
    result = runner.invoke(main, ["search", "--index", str(mini_index), "--json", "Lavrov"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["query"] == "Lavrov"
    assert data["total"] == 2
    assert data["page"] == 1
    hit = data["hits"][0]
    assert set(hit) == {"id", "title", "date", "source", "source_key", "language", "url", "snippet", "persons", "countries", "organisations", "title_derived",
                        "agencies", "author", "signatures", "group", "versions"}
    assert "<mark>Lavrov</mark>" in hit["snippet"]
    assert set(data["facets"]) == {"person", "organisation", "country", "source", "language", "agency", "signature", "collection", "year"}
    assert {"value": "Sergueï Lavrov", "count": 2} in data["facets"]["person"]
    assert {"value": "RU", "label": "Russie", "count": 2} in data["facets"]["country"]


def test_search_filters_by_person_country_and_dates(runner, mini_index):
    args = ["search", "--index", str(mini_index), "--json", "--person", "serguei lavrov", "--country", "Allemagne", "--from", "2017", "--to", "2017-12"]
    data = json.loads(runner.invoke(main, args).stdout)
    assert data["total"] == 1
    assert data["hits"][0]["title"] == "Sergueï Lavrov et Rex Tillerson se rencontrent à Bonn"


def test_search_readable_output(runner, mini_index):
    result = runner.invoke(main, ["search", "--index", str(mini_index), "coopération"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("4 results")
    assert "Persons:" in result.stdout and "Countries:" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--country", "Narnia", "x"], "unknown country 'Narnia'"),
        (["--from", "demain", "x"], "cannot read the date 'demain'"),
        (["--from", "2018", "--to", "2017", "x"], "is after the end date"),
        (["a*"], "wildcard needs at least"),
        (["--page", "0", "x"], "page must be between"),
        (["x" * 1001], "the query is too long"),
        (["date:demain"], "cannot read the query"),
    ],
)
def test_search_errors_are_clear_messages_with_exit_2(runner, mini_index, args, message):
    result = runner.invoke(main, ["search", "--index", str(mini_index), *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_search_without_an_index_says_how_to_create_one(runner, tmp_path):
    result = runner.invoke(main, ["search", "--index", str(tmp_path / "none"), "x"])
    assert result.exit_code == 3
    assert "newsarchive index --index" in result.stderr


def test_stats_json(runner, mini_index):
    result = runner.invoke(main, ["stats", "--index", str(mini_index), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["articles"] == 6
    assert data["date_from"] == "2016-05-10"
    assert data["date_to"] == "2019-01-15"
    assert data["persons"] >= 5  # one value for both spellings of Lavrov
    assert data["countries"] >= 4
    assert data["size_bytes"] > 0


def test_the_group_help_lists_every_command(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for name, command in main.commands.items():
        assert re.search(rf"^  {name}\s+\S", result.stdout, re.M), f"{name} is not listed with its summary"
        assert command.get_short_help_str(limit=300).split()[0] in result.stdout


@pytest.mark.parametrize("name", sorted(main.commands))
def test_each_command_explains_itself_and_every_option(runner, name):
    command = main.commands[name]
    result = runner.invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    first_line = command.help.strip().splitlines()[0]
    assert " ".join(first_line.split()) in " ".join(result.stdout.split())
    for param in command.params:
        if isinstance(param, click.Option):
            assert any(flag in result.stdout for flag in param.opts), f"{name} --help does not show {param.opts}"
            assert param.help, f"{name} {param.opts[0]} has no help text"


def test_samples_folder_indexes_without_failures(runner, tmp_path):
    result = runner.invoke(main, ["index", "--index", str(tmp_path / "ix"), "--json", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] >= 151 and report["failed"] == 0


def test_serve_refuses_nothing_but_warns_off_loopback(monkeypatch, tmp_path):
    """`serve --host 0.0.0.0` warns; the server itself is replaced so the test returns."""
    import waitress

    calls = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.update(kw))
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path), "--host", "0.0.0.0", "--port", "5999"])
    assert result.exit_code == 0, result.output
    assert "Warning: listening on 0.0.0.0" in result.stderr
    assert calls["port"] == 5999 and calls["host"] == "0.0.0.0"


def test_serve_on_loopback_does_not_warn(monkeypatch, tmp_path):
    import waitress

    monkeypatch.setattr(waitress, "serve", lambda app, **kw: None)
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr
