"""Consistent backups (#17): while an indexer writes, incrementally, and as a BagIt bag that validates."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import bagit
import pytest

from newsarchive.index.errors import ArchiveIndexError
from newsarchive.index.keeping.backup import backup
from newsarchive.index.store.folder import open_index
from newsarchive.search.archive import Archive
from newsarchive.search.keeping import USER_FILE_READERS
from newsarchive.search.request import SearchRequest

from .test_fixity import index_into, write_corpus

pytestmark = pytest.mark.slow

QUERY = "délibération budget"


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("backup-source")
    folder = base / "ix"
    index_into(folder, write_corpus(base / "corpus.jsonl", 120))
    (folder / "aliases.txt").write_text("Emmanuel Macron = Macron Emmanuel\n", "utf-8")
    (folder / "saved.json").write_text(json.dumps({"searches": {}}), "utf-8")
    return folder


def ids(folder: Path) -> list[str]:
    with open_index(folder).searcher() as s:
        return sorted(f["id"] for f in s.all_stored_fields())


def answer(folder: Path) -> list[tuple[str, float | None]]:
    result = Archive(folder).search(SearchRequest(query=QUERY, limit=50))
    return [(h.id, h.score) for h in result.hits]


def test_backup_during_an_indexing_run_passes_check_and_answers_as_the_source_did_then(tmp_path):
    index, dest = tmp_path / "ix", tmp_path / "copy"
    corpus = write_corpus(tmp_path / "corpus.jsonl", 800)
    cmd = [sys.executable, "-m", "newsarchive.cli", "index", "--index", str(index), "--no-entities", "--workers", "1",
           "--batch-size", "25", "--json", str(corpus)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        while len(list(index.glob("_MAIN_*.toc"))) < 2 and proc.poll() is None:
            time.sleep(0.02)
        report = backup(index, dest, USER_FILE_READERS)
        assert proc.poll() is None, "the indexer was still writing during the backup"
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert report.check.ok, [p.line for p in report.check.problems]
    copied = ids(dest)
    assert copied and len(copied) % 25 == 0, "whole batches only: one committed generation"
    # The source at that generation held the first n articles of the corpus: index them alone and compare.
    n = len(copied)
    reference = tmp_path / "reference"
    index_into(reference, write_corpus(tmp_path / "first.jsonl", n), batch=n)
    assert copied == ids(reference)
    assert [i for i, _ in answer(dest)] == [i for i, _ in answer(reference)]
    # Once the run is over, a second backup brings the copy level with the source, and both answer the same.
    second = backup(index, dest, USER_FILE_READERS)
    assert second.check.ok and second.generation > report.generation
    assert answer(dest) == answer(index) and ids(dest) == ids(index)


def test_a_second_backup_copies_only_what_changed_and_removes_older_generations(source, tmp_path):
    index = Path(shutil.copytree(source, tmp_path / "ix"))
    dest = tmp_path / "copy"
    first = backup(index, dest, USER_FILE_READERS)
    assert first.check.ok and first.copied["originals"] == 120 and first.skipped == {"index_files": 0, "originals": 0, "user_files": 0}
    first_segments = {p.name for p in dest.glob("MAIN_*.*")}  # segments and their arrays files

    unchanged = backup(index, dest, USER_FILE_READERS)
    assert unchanged.copied == {"index_files": 0, "bytes": 0, "originals": 0, "user_files": 0}
    assert unchanged.removed == []

    index_into(index, write_corpus(tmp_path / "more.jsonl", 30, start=5000), batch=100)
    (index / "aliases.txt").unlink()
    third = backup(index, dest, USER_FILE_READERS)
    new_segments = {p.name for p in index.glob("MAIN_*.*")} - first_segments
    assert third.copied["index_files"] == len(new_segments) + 2  # and the manifest and the TOC of the new generation
    assert third.copied["originals"] == 30 and third.skipped["originals"] == 120
    assert third.copied["user_files"] == 1 and third.skipped["user_files"] == 2  # dedup.pkl changed; saved.json, newsarchive.json did not
    assert "aliases.txt" in third.removed and not (dest / "aliases.txt").exists()
    assert len(list(dest.glob("_MAIN_*.toc"))) == 1 and len(list(dest.glob("_MAIN_*.manifest.json"))) == 1
    assert {p.name for p in dest.glob("MAIN_*.*")} == {n for n in segment_names(index, third.generation)}
    assert {p.suffix for p in dest.glob("MAIN_*.*")} == {".seg", ".arrays"}
    assert third.check.ok and answer(dest) == answer(index)


def segment_names(index: Path, generation: int) -> set[str]:
    manifest = json.loads((index / f"_MAIN_{generation}.manifest.json").read_text())
    return {n for n in manifest["files"] if n.startswith("MAIN_")}


def test_the_copy_is_a_working_index_for_the_command_line(source, tmp_path):
    dest = tmp_path / "copy"
    run = subprocess.run([sys.executable, "-m", "newsarchive.cli", "backup", "--index", str(source), str(dest)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "copied:" in run.stdout and "skipped (already there):" in run.stdout and ": clean" in run.stdout

    def search(folder: Path) -> dict:
        cmd = [sys.executable, "-m", "newsarchive.cli", "search", "--index", str(folder), "--json", QUERY]
        data = json.loads(subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout)
        data.pop("took_ms", None)
        return data

    assert search(dest) == search(source)


def test_a_bagit_backup_validates_and_still_validates_after_an_incremental_one(source, tmp_path):
    index = Path(shutil.copytree(source, tmp_path / "ix"))
    dest = tmp_path / "bag"
    first = backup(index, dest, USER_FILE_READERS, bag=True)
    assert first.check.ok and first.index == dest / "data"
    bag = bagit.Bag(str(dest))
    bag.validate()
    assert f"_MAIN_{first.generation}.toc" in {Path(p).name for p in bag.payload_files()}

    index_into(index, write_corpus(tmp_path / "more.jsonl", 10, start=7000), batch=100)
    second = backup(index, dest, USER_FILE_READERS)  # DEST is a bag: it stays one
    assert second.bag and second.copied["originals"] == 10 and second.skipped["originals"] == 120
    bagit.Bag(str(dest)).validate()
    assert answer(dest / "data") == answer(index)


def test_a_bag_with_a_changed_payload_no_longer_validates(source, tmp_path):
    dest = tmp_path / "bag"
    backup(source, dest, USER_FILE_READERS, bag=True)
    original = sorted((dest / "data" / "originals").glob("*/*.gz"))[0]
    original.write_bytes(original.read_bytes() + b"\0")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(dest)).validate()


def test_backup_never_writes_into_a_folder_holding_other_files_nor_into_the_index(source, tmp_path):
    dest = tmp_path / "photos"
    dest.mkdir()
    (dest / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(ArchiveIndexError, match="not writing a backup into it"):
        backup(source, dest, USER_FILE_READERS)
    assert [p.name for p in dest.iterdir()] == ["holiday.jpg"]
    for inside in (source, source / "backup"):
        with pytest.raises(ArchiveIndexError, match="the index itself or inside it"):
            backup(source, inside, USER_FILE_READERS)


def test_a_backup_of_an_index_without_manifest_gives_the_copy_one(source, tmp_path):
    index = Path(shutil.copytree(source, tmp_path / "ix"))
    for manifest in index.glob("*.manifest.json"):
        manifest.unlink()
    report = backup(index, tmp_path / "copy", USER_FILE_READERS)
    assert report.check.ok and report.check.manifest
    assert any("computed from the copied files" in note for note in report.notes)
