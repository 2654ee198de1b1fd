"""Fixity (#17): each commit's manifest, and `newsarchive check` naming every damaged file of a real index."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsarchive.index.article import Article
from newsarchive.index.indexing.pipeline import plan, process, records
from newsarchive.index.keeping.check import Checker
from newsarchive.index.store import durable
from newsarchive.index.store.folder import open_index
from newsarchive.index.store.manifest import parse_manifest
from newsarchive.index.store.schema import unpack_article
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search.keeping import USER_FILE_READERS

pytestmark = pytest.mark.slow


def write_corpus(path: Path, n: int, start: int = 0) -> Path:
    """A JSON lines file of `n` short French articles, numbered from `start`."""
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            row = {"url": f"https://fixity.test/article/{i}", "title": f"Délibération numéro {i} du conseil municipal",
                   "date": f"2019-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                   "text": f"Le conseil municipal a adopté la délibération {i} sur le budget des écoles. " * 12}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def index_into(folder: Path, corpus: Path, batch: int = 40) -> None:
    """Index `corpus` through the real pipeline, committing every `batch` articles."""
    articles = [a for a in process(records(plan([corpus]).files), workers=1, with_entities=False) if isinstance(a, Article)]
    with ArchiveWriter(folder, batch_size=batch) as writer:
        writer.add_many(articles)


@pytest.fixture(scope="module")
def clean_index(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("fixity")
    folder = base / "ix"
    index_into(folder, write_corpus(base / "corpus.jsonl", 200))
    (folder / "aliases.txt").write_text("Emmanuel Macron = Macron Emmanuel\n", "utf-8")
    (folder / "sources.txt").write_text("fixity.test = Fixity Gazette\n", "utf-8")
    (folder / "saved.json").write_text(json.dumps({"searches": {"budget": {"params": [["q", "budget"]], "created": "2024-01-01T00:00:00+00:00",
                                                                             "checked": "2024-01-01T00:00:00+00:00", "checked_generation": 3}}}))
    (folder / "collections.json").write_text(json.dumps({"collections": {"à lire": {"created": "x", "articles": [{"id": "u0123456789abcdef0123"}]}}}))
    return folder


@pytest.fixture()
def index(clean_index, tmp_path) -> Path:
    """A copy of the clean index to damage."""
    return Path(shutil.copytree(clean_index, tmp_path / "ix"))


def check(folder: Path, originals: bool = True):
    with Checker(folder, USER_FILE_READERS, originals=originals) as checker:
        return checker.run()


def cli_check(folder: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "newsarchive.cli", "check", "--index", str(folder), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def current_toc(folder: Path) -> Path:
    return max(folder.glob("_MAIN_*.toc"), key=lambda p: int(p.stem.split("_")[-1]))


def flip_byte(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 if at is None else at] ^= 0x20
    path.write_bytes(bytes(data))


def named(report, file: str) -> list[str]:
    return [p.line for p in report.problems if p.file == file]


def test_a_clean_index_checks_clean_and_exits_0(clean_index):
    run = cli_check(clean_index, "--originals", "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["ok"] and report["problems"] == [] and report["manifest"] is True
    assert report["counts"]["articles"] == 200 and report["counts"]["originals"] == 200
    assert report["counts"]["user_files"] == 6  # aliases, sources, saved, collections, dedup.pkl, newsarchive.json


def test_each_commit_writes_the_manifest_of_its_generation_and_keeps_two(clean_index):
    manifests = sorted(clean_index.glob("_MAIN_*.manifest.json"))
    tocs = sorted(clean_index.glob("_MAIN_*.toc"))
    assert [m.name.split(".")[0] for m in manifests] == [t.stem for t in tocs] and len(tocs) == 2
    toc = current_toc(clean_index)
    files = parse_manifest((clean_index / f"{toc.stem}.manifest.json").read_bytes(), int(toc.stem.split("_")[-1]))
    segments = {p.name for p in clean_index.glob("MAIN_*.seg")}
    arrays = {p.name for p in clean_index.glob("MAIN_*.arrays")}  # each segment's per-document arrays, hashed like it
    assert toc.name in files and {n for n in files if n != toc.name} == segments | arrays
    assert {n.removesuffix(".arrays") for n in arrays} == {n.removesuffix(".seg") for n in segments}
    for name, entry in files.items():
        assert (clean_index / name).stat().st_size == entry["size"]


def test_a_commit_hashes_only_the_files_it_adds(index, tmp_path, monkeypatch):
    before = {p.name for p in index.glob("MAIN_*.*")}
    hashed: list[str] = []
    real = durable.hash_path
    monkeypatch.setattr(durable, "hash_path", lambda path: hashed.append(Path(path).name) or real(path))
    index_into(index, write_corpus(tmp_path / "more.jsonl", 10, start=1000), batch=100)
    added = {p.name for p in index.glob("MAIN_*.*")} - before
    assert len(added) == 2 and {Path(n).suffix for n in added} == {".seg", ".arrays"}  # the new segment and its arrays
    assert sorted(hashed) == sorted([*added, *(n for n in hashed if ".toc." in n)]) and len(hashed) == 3, hashed
    assert check(index).ok


@pytest.mark.parametrize("where", ["segment", "toc", "original", "manifest"])
def test_a_flipped_byte_is_named_with_its_file(index, where):
    toc = current_toc(index)
    target = {"segment": lambda: sorted(index.glob("MAIN_*.seg"))[0], "toc": lambda: toc,
              "original": lambda: sorted(index.glob("originals/*/*.gz"))[3],
              "manifest": lambda: index / f"{toc.stem}.manifest.json"}[where]()
    flip_byte(target, at=40 if where == "toc" else None)
    run = cli_check(index, "--originals")
    assert run.returncode == 4, run.stdout + run.stderr
    name = f"originals/{target.parent.name}/{target.name}" if where == "original" else target.name
    assert f"  {name}: " in run.stdout, run.stdout
    assert "DAMAGED" in run.stdout


@pytest.mark.parametrize("where", ["segment", "toc", "original"])
def test_a_truncated_file_is_named_with_its_file(index, where):
    toc = current_toc(index)
    target = {"segment": lambda: sorted(index.glob("MAIN_*.seg"))[-1], "toc": lambda: toc,
              "original": lambda: sorted(index.glob("originals/*/*.gz"))[0]}[where]()
    os.truncate(target, target.stat().st_size // 2)
    report = check(index)
    name = f"originals/{target.parent.name}/{target.name}" if where == "original" else target.name
    assert not report.ok and named(report, name), [p.line for p in report.problems]
    if where == "segment":
        assert any("size differs from the manifest" in line for line in named(report, name))
    if where == "toc":  # readers fall back to the previous generation, which check then verifies
        assert "readers use generation" in named(report, name)[0] and report.generation == int(toc.stem.split("_")[-1]) - 1


def _originals_by_segment(index: Path) -> dict[str, set[str]]:
    """The originals the articles of each segment refer to, by segment file name."""
    refs: dict[str, set[str]] = {}
    with open_index(index).searcher() as searcher:
        for leaf, _ in searcher.leaf_searchers():
            name = f"MAIN_{leaf.reader().segment().segid}.seg"
            refs[name] = {unpack_article(f["article"])["original"] for f in leaf.reader().all_stored_fields()}
    return refs


def test_a_missing_segment_and_a_missing_original_are_named(index):
    segment = sorted(index.glob("MAIN_*.seg"))[1]
    refs = _originals_by_segment(index)
    # An original that only articles of the kept segments refer to: check reads those articles and names it.
    key = sorted(set().union(*(r for name, r in refs.items() if name != segment.name)) - refs[segment.name])[5]
    original = index / "originals" / key[:2] / f"{key}.gz"
    segment.unlink()
    original.unlink()
    report = check(index)
    assert any("missing" in line for line in named(report, segment.name))
    assert any("missing: an article refers to it" in line for line in named(report, f"originals/{original.parent.name}/{original.name}"))


def test_damage_stays_reported_after_later_commits(index, tmp_path):
    segment = sorted(index.glob("MAIN_*.seg"))[0]
    flip_byte(segment)
    index_into(index, write_corpus(tmp_path / "more.jsonl", 20, start=2000), batch=10)
    report = check(index)
    assert any("content differs from the manifest" in line for line in named(report, segment.name))


def test_an_index_without_manifest_is_reported_as_such_and_the_rest_is_checked(index):
    for manifest in index.glob("*.manifest.json"):
        manifest.unlink()
    run = cli_check(index, "--originals")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "has no manifest" in run.stdout and "200 articles" in run.stdout and "200 originals" in run.stdout
    original = sorted(index.glob("originals/*/*.gz"))[0]
    original.write_bytes(gzip.compress(b"not what was stored"))
    run = cli_check(index, "--originals", "--json")
    assert run.returncode == 4
    report = json.loads(run.stdout)
    assert report["manifest"] is False
    assert [p["file"] for p in report["problems"]] == [f"originals/{original.parent.name}/{original.name}"]
    assert report["problems"][0]["problem"] == "content differs from its address"


@pytest.mark.parametrize(("name", "text", "says"), [
    ("aliases.txt", "Emmanuel Macron\n", "aliases.txt:1"),
    ("sources.txt", "= nothing\n", "sources.txt:1"),
    ("saved.json", '{"searches": {"x": {"params": "q=budget"}}}', "lacks its fields"),
    ("collections.json", '{"collections": {"x": {"articles": [{"note": "no id"}]}}}', "without its id"),
    ("saved.json", '{"searches": ', "not valid JSON"),
    ("dedup.pkl", "not a pickle", "does not read back"),
])
def test_a_damaged_user_file_is_named(index, name, text, says):
    (index / name).write_text(text, "utf-8")
    report = check(index, originals=False)
    lines = named(report, name)
    assert lines and says in lines[0], [p.line for p in report.problems]


def test_check_while_a_writer_commits_reports_no_damage(tmp_path):
    index = tmp_path / "ix"
    corpus = write_corpus(tmp_path / "corpus.jsonl", 600)
    cmd = [sys.executable, "-m", "newsarchive.cli", "index", "--index", str(index), "--no-entities", "--workers", "1",
           "--batch-size", "10", "--json", str(corpus)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        while not list(index.glob("_MAIN_*.toc")) and proc.poll() is None:
            time.sleep(0.02)
        reports = []
        while proc.poll() is None:
            reports.append(check(index))
        assert proc.returncode == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert [p.line for r in reports for p in r.problems] == []
    assert len({r.generation for r in reports}) > 2, "checks ran on several generations as the writer committed"
    assert all(r.manifest for r in reports[1:])
