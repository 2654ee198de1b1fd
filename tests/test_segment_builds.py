"""Segments built by the workers: one worker and two build the same index, and a kill leaves it readable.

The documents, postings, facets and search results of an index are compared by article id
(document numbers depend on how batches were cut into segments), over several segments,
merges, updates, an article twice in one run, and a run killed in the middle.
"""

from __future__ import annotations

import json
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsarchive.index.indexing.pipeline import plan
from newsarchive.index.indexing.runs import index_files
from newsarchive.index.store import merge_policy
from newsarchive.index.store.folder import open_index
from newsarchive.index.store.schema import unpack_article
from newsarchive.index.store.segment_builds import InProcess, build_segment
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search.archive import Archive
from newsarchive.search.request import SearchRequest

pytestmark = pytest.mark.slow

TOPICS = ["budget des écoles", "réforme des retraites", "grève des transports", "prix du carburant", "élections municipales"]
QUERIES = ("conseil", "retraites Paris", '"budget des écoles"', "vote reporté", '"délibération 14"', "séance 7")
PLACES = ["Paris", "Lyon", "Marseille", "Québec", "Bruxelles", "Genève"]


def _row(i: int, version: int = 0) -> dict:
    topic, place = TOPICS[i % len(TOPICS)], PLACES[(i // 3) % len(PLACES)]
    text = (f"À {place}, le conseil a débattu du {topic} (séance {i}). "
            f"Les élus ont voté la délibération {i * 7 % 101} après une longue discussion sur le {topic}. ") * (2 + i % 4)
    if version:
        text += f"Mise à jour {version} : le vote a été reporté à {place}."
    return {"url": f"https://segments.test/{i}", "title": f"Conseil de {place} : {topic} ({i})", "date": f"2019-{i % 12 + 1:02d}-{i % 27 + 1:02d}",
            "source": ["Le Monde", "La Presse", "Le Soir"][i % 3], "text": text}


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("segment-corpora")
    first = _write(folder / "first.jsonl", [_row(i) for i in range(260)])
    # A second run: 50 articles changed (updates of stored copies, in several segments), 40 new,
    # and one article twice in the same file, changed both times.
    second = [_row(i, version=1) for i in range(0, 250, 5)] + [_row(i) for i in range(260, 300)] + [_row(7, version=2), _row(7, version=3)]
    return first, _write(folder / "second.jsonl", second)


def _index(folder: Path, corpora: tuple[Path, Path], workers: int) -> list[dict]:
    reports = []
    for corpus in corpora:
        report = index_files(folder, plan([corpus]), workers=workers, batch_size=30, with_entities=False)
        reports.append(report.counts)
    return reports


def index_content(folder: Path) -> dict:
    """Everything an index holds, by article id: stored fields, every posting, search results and facets."""
    found: dict = {"stored": {}, "postings": {}}
    with open_index(folder).searcher() as searcher:
        reader = searcher.reader()
        ids = {d: searcher.stored_fields(d)["id"] for d in reader.all_doc_ids()}
        for fields in searcher.all_stored_fields():
            fields.pop("added_at", None)  # the clock time of the commit
            found["stored"][fields["id"]] = fields
        for fieldname in sorted(set(reader.indexed_field_names()) - {"added_at"}):
            for term in reader.lexicon(fieldname):
                matcher = reader.postings(fieldname, term)
                rows = []
                while matcher.is_active():
                    if matcher.id() in ids:
                        rows.append((ids[matcher.id()], matcher.weight(), matcher.value()))
                    matcher.next()
                if rows:
                    found["postings"][(fieldname, term)] = sorted(rows)
        found["segments"] = len(reader.leaf_readers())
    archive = Archive(folder)
    for query in QUERIES:
        result = archive.search(SearchRequest(query=query))
        # Hits as a set: scores count documents deleted but not yet merged away (as Lucene's
        # do), which depends on how the batches were cut, so ties may rank differently.
        found[query] = (result.total, sorted(h.id for h in result.hits) if result.total <= 10 else None, result.facets)
    return found


@pytest.fixture(scope="module")
def one_and_two_workers(tmp_path_factory, corpora):
    patch = pytest.MonkeyPatch()
    patch.setattr(merge_policy, "FLOOR", 10)  # batches of 30 cut in two: segments of 15 merge at once
    patch.setattr(merge_policy, "FACTOR", 4)
    try:
        folder = tmp_path_factory.mktemp("one-and-two")
        one_reports = _index(folder / "one", corpora, workers=1)
        two_reports = _index(folder / "two", corpora, workers=2)
        return (folder / "one", one_reports), (folder / "two", two_reports)
    finally:
        patch.undo()


def test_two_workers_report_the_same_counts_as_one(one_and_two_workers):
    (_, one), (_, two) = one_and_two_workers
    assert one == two
    assert one[0] == {"added": 260, "updated": 0, "unchanged": 0}
    assert one[1] == {"added": 40, "updated": 52, "unchanged": 0}  # 50 changed, and article 7 twice


def test_two_workers_store_the_same_documents_postings_and_facets_as_one(one_and_two_workers):
    (one, _), (two, _) = one_and_two_workers
    a, b = index_content(one), index_content(two)
    assert a["stored"].keys() == b["stored"].keys() and len(a["stored"]) == 300
    assert a["stored"] == b["stored"]
    assert a["postings"] == b["postings"]
    for query in QUERIES:
        assert a[query] == b[query], query
    assert b["vote reporté"][0] >= 50  # the updated versions are the ones found


def test_an_index_built_in_parts_has_several_segments_and_one_copy_of_each_article(one_and_two_workers):
    (_, _), (two, _) = one_and_two_workers
    content = index_content(two)
    assert content["segments"] > 1
    with open_index(two).searcher() as searcher:
        ids = [f["id"] for f in searcher.all_stored_fields()]
        assert len(ids) == len(set(ids)) == 300
        stored = unpack_article(searcher.document(url="https://segments.test/7")["article"])
    assert "Mise à jour 3" in stored["text"]  # the last of the two versions


def test_a_segment_a_task_builds_is_not_visible_until_published(tmp_path):
    folder = tmp_path / "ix"
    with ArchiveWriter(folder) as writer:
        schema = writer._schema
    built = InProcess().submit(build_segment, str(folder), schema, [], []).get()
    assert built.documents == 0
    with open_index(folder).searcher() as searcher:
        assert searcher.doc_count() == 0
    # The next commit cleans the files no table of contents names.
    rows = _write(tmp_path / "one.jsonl", [_row(1)])
    index_files(folder, plan([rows]), workers=1, with_entities=False)
    assert not [p for p in folder.iterdir() if p.name.startswith(built.segment.segment_id())]


def _cli(index: Path, *inputs: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "newsarchive.cli", "index", "--index", str(index), "--no-entities", "--workers", str(workers),
            "--batch-size", "40", "--json", *map(str, inputs)]


def test_a_two_worker_run_killed_in_the_middle_reruns_to_the_index_one_worker_builds(tmp_path, corpora):
    first, second = corpora
    index = tmp_path / "killed"
    proc = subprocess.Popen(_cli(index, first, workers=2), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with open_index(index).searcher() as searcher:
                if searcher.doc_count() >= 40:
                    break
        except Exception:  # noqa: BLE001 - not created yet
            pass
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before the kill point"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with open_index(index).searcher() as searcher:
        kept = searcher.doc_count()
    assert kept % 40 == 0 and 0 < kept < 260  # whole batches only
    for corpus in (first, second):
        rerun = subprocess.run(_cli(index, corpus, workers=2), capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stderr
    assert not list(index.glob("MAIN.*.tmp")), "the killed run's temporary folders are cleaned"
    reference = tmp_path / "reference"
    for corpus in (first, second):
        subprocess.run(_cli(reference, corpus, workers=1), capture_output=True, text=True, timeout=300, check=True)
    a, b = index_content(index), index_content(reference)
    assert a["stored"].keys() == b["stored"].keys()
    # The killed run committed in other batches: only the generation that added an article differs.
    assert {key: rows for key, rows in a["postings"].items() if key[0] != "added"} == {key: rows for key, rows in b["postings"].items() if key[0] != "added"}
    check = subprocess.run([sys.executable, "-m", "newsarchive.cli", "check", "--index", str(index), "--json"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


class _Later:
    """A worker pool that has not got round to a task yet: its arguments are copied when it is handed out (as a
    pool pickles them), and it runs, for real, only when someone waits for it."""

    workers = 2

    def __init__(self) -> None:
        self.handed = 0

    def submit(self, function, *args):
        self.handed += 1
        return _Waiting(function, pickle.loads(pickle.dumps(args)))


class _Waiting:
    def __init__(self, function, args) -> None:
        self.function, self.args, self.done, self.value = function, args, False, None

    def ready(self) -> bool:
        return self.done

    def get(self, timeout=None):
        if not self.done:
            self.value, self.done = self.function(*self.args), True
        return self.value


def test_an_update_made_while_its_segment_is_being_merged_is_carried_into_the_merged_segment(tmp_path, monkeypatch):
    from newsarchive.index.inputs.readers import read

    monkeypatch.setattr(merge_policy, "FLOOR", 1)
    monkeypatch.setattr(merge_policy, "FACTOR", 2)
    rows = _write(tmp_path / "rows.jsonl", [_row(i) for i in range(12)])
    changed = _write(tmp_path / "changed.jsonl", [_row(3, version=9)])
    from newsarchive.index.indexing.pipeline import Pipeline

    folder = tmp_path / "ix"
    tasks = _Later()
    with Pipeline(1, with_entities=False) as pipeline, ArchiveWriter(folder, batch_size=4, tasks=tasks) as writer:
        for article in pipeline.run(read(rows)):
            writer.add(article)
        writer._flush(wait=True)  # every batch published; merges started, none finished
        assert writer._merges.running, "a merge should be waiting in the workers"
        merging = writer._merges.busy()
        with open_index(folder).searcher() as searcher:
            old = searcher.document(url="https://segments.test/3")
            holder = next(leaf for leaf, _ in searcher.reader().leaf_readers() if any(
                leaf.stored_fields(d)["id"] == old["id"] for d in leaf.all_doc_ids()))
        assert holder.segment().segment_id() in merging, "the article to update sits in a segment being merged"
        for article in pipeline.run(read(changed)):
            assert writer.add(article) == "updated"
        # close() publishes the update (deleting the copy in the segment being merged), then installs the merge
    with open_index(folder).searcher() as searcher:
        ids = [f["id"] for f in searcher.all_stored_fields()]
        assert len(ids) == len(set(ids)) == 12
        assert "Mise à jour 9" in unpack_article(searcher.document(url="https://segments.test/3")["article"])["text"]
    archive = Archive(folder)
    assert archive.search(SearchRequest(query='"séance 3"')).total == 1
    assert archive.search(SearchRequest(query='"Mise à jour 9"')).total == 1


def test_merging_segments_term_by_term_gives_what_whoosh_own_merge_gives(tmp_path, corpora, monkeypatch):
    """The fast merge (a k-way merge of sorted postings) against Whoosh's add_reader, on segments with deletions."""
    import shutil

    monkeypatch.setattr(merge_policy, "FACTOR", 1000)  # no merge while indexing: many segments, deletions in them
    base = tmp_path / "ix"
    _index(base, corpora, workers=1)
    with open_index(base).searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) > 5 and searcher.reader().has_deletions()
    whoosh_merged, ours = Path(shutil.copytree(base, tmp_path / "whoosh")), Path(shutil.copytree(base, tmp_path / "ours"))
    open_index(whoosh_merged).writer().commit(optimize=True)
    with ArchiveWriter(ours) as writer:
        before, after = writer.optimize()
    assert after == 1 < before
    expected, got = index_content(whoosh_merged), index_content(ours)
    assert got["segments"] == expected["segments"] == 1
    assert got["stored"] == expected["stored"]
    assert got["postings"] == expected["postings"]
    for query in QUERIES:
        assert got[query] == expected[query], query


def test_a_killed_runs_temporary_folders_are_removed_by_the_next_writer(tmp_path):
    folder = tmp_path / "ix"
    index_files(folder, plan([_write(tmp_path / "one.jsonl", [_row(1)])]), workers=1, with_entities=False)
    leftover = folder / "MAIN.k1ll3d.tmp"  # as a segment writer killed mid-segment leaves it
    leftover.mkdir()
    (leftover / "run-0").write_bytes(b"postings spilled to disk")
    index_files(folder, plan([_write(tmp_path / "two.jsonl", [_row(2)])]), workers=1, with_entities=False)
    assert not leftover.exists()
