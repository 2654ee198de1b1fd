"""`newsarchive enrich` on a real Dask cluster: a scheduler and two workers on 127.0.0.1, started as `dask` processes.

The enriched records are indexed and compared with a direct `newsarchive index` of the
same inputs (ids, stored articles with their persons, countries and quotations, facets,
near-duplicate groups, the originals' bytes). A worker is killed with SIGKILL in the
middle of a run, and a client in the middle of another: the first run still completes,
the second is finished by a re-run that skips what was done. The test killing a worker
comes last: the module's cluster has one worker left after it.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

distributed = pytest.importorskip("distributed", reason="distributed is not installed (pip install -e '.[test]'): no Dask cluster to test")

from newsarchive.cli import main  # noqa: E402
from newsarchive.index.article import Failure, RawRecord  # noqa: E402
from newsarchive.index.distributed import enrich as enrich_module  # noqa: E402
from newsarchive.index.distributed.enrich import enrich_partition, plan_job, run_job, set_test_delay  # noqa: E402
from newsarchive.index.distributed.partitions import plan_partitions, read_json  # noqa: E402
from newsarchive.index.indexing.pipeline import plan  # noqa: E402
from newsarchive.index.indexing.runs import index_files, reindex, stored_articles  # noqa: E402
from newsarchive.index.inputs.enriched import KIND, done_name, is_enriched_line, part_files, part_name  # noqa: E402
from newsarchive.index.inputs.readers import discover, read  # noqa: E402
from newsarchive.search.archive import Archive  # noqa: E402
from newsarchive.search.opensearch import documents  # noqa: E402
from newsarchive.search.request import SearchRequest  # noqa: E402

from .conftest import DATA, SAMPLES  # noqa: E402
from .test_warc import Crawl, page  # noqa: E402

BIN = Path(sys.executable).parent
PERSONS = ["Emmanuel Macron", "Angela Merkel", "Sergueï Lavrov", "Christine Lagarde", "Jean Castex", "Ursula von der Leyen"]
CITIES = ["Paris", "Berlin", "Moscou", "Bruxelles", "Lyon", "Madrid"]
FILLER = ("Les discussions se poursuivront la semaine prochaine entre les délégations, qui doivent encore s'entendre sur le calendrier "
          "des mesures, leur financement et la manière d'en rendre compte devant les parlements nationaux avant la fin de l'année.")


def write_corpus(path: Path, n: int, broken: tuple[int, ...] = ()) -> Path:
    """`n` short news records (JSON lines, gzipped for .gz) naming persons and places, with quotations; every 9th
    repeats the one before under another URL, lightly edited (a wire story in two outlets). Lines in `broken` are not JSON."""
    lines = []
    for i in range(n):
        person, city = PERSONS[i % len(PERSONS)], CITIES[i % len(CITIES)]
        text = (f"{person} a déclaré mardi à {city} : « Nous ne céderons rien sur le dossier numéro {i} ». {FILLER}\n\n"
                f"La réunion de {city} a réuni une vingtaine de responsables. {FILLER}")
        if i % 9 == 8:
            text = lines[-1]["text"].replace("mardi", "mardi soir")
        lines.append({"url": f"https://journal.exemple.test/{i}", "date": f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}",
                      "title": f"{person} à {city}, épisode {i}", "source": "Le Journal d'exemple", "text": text})
    data = "".join("{broken\n" if i in broken else json.dumps(line, ensure_ascii=False) + "\n" for i, line in enumerate(lines))
    path.write_bytes(gzip.compress(data.encode("utf-8"), mtime=0) if path.suffix == ".gz" else data.encode("utf-8"))
    return path


def write_crawl(path: Path, pages: int) -> Path:
    crawl = Crawl(path)
    for i in range(pages):
        text = f"{PERSONS[i % 6]} était à {CITIES[i % 6]} le {i} mai. {FILLER}"
        crawl.response(f"https://quotidien.exemple.test/page-{i}", page(f"Page {i} du quotidien", text))
        if i % 5 == 0:
            crawl.request(f"https://quotidien.exemple.test/page-{i}")  # not a page: partitions count pages only
    return crawl.close()


class Cluster:
    """`dask scheduler` and `dask worker` processes on 127.0.0.1, each in its own process group, and a client to them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.processes: list[subprocess.Popen] = []
        info = folder / "scheduler.json"
        self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(info))
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.address = json.loads(info.read_text())["address"]
        for name in ("w0", "w1"):
            self._start("worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", name,
                        "--local-directory", str(folder / name), "--death-timeout", "30")
        self.client = distributed.Client(self.address, timeout=30)
        self.client.wait_for_workers(2, timeout=60)
        self.workers = {w["name"]: addr for addr, w in self.client.scheduler_info()["workers"].items()}

    def _start(self, *args: str) -> None:
        log = open(self.folder / f"{args[0]}-{len(self.processes)}.log", "wb")  # noqa: SIM115 - the process writes it until it ends
        self.processes.append(subprocess.Popen([str(BIN / "dask"), *args], stdout=log, stderr=subprocess.STDOUT, start_new_session=True))

    def kill(self, name: str) -> None:
        """SIGKILL a worker (its whole process group): what a machine that dies does."""
        os.killpg(self.processes[1 + ["w0", "w1"].index(name)].pid, signal.SIGKILL)

    def delay(self, seconds: float, *names: str) -> None:
        """Make partitions on these workers (all: none named) pause half-written for `seconds`."""
        workers = [self.workers[n] for n in names] or None
        self.client.run(set_test_delay, seconds, workers=workers)

    def close(self) -> None:
        self.client.close()
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    started = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        yield started
    finally:
        started.close()


def enrich_on(cluster: Cluster, paths, out: Path, **options):
    return run_job(plan_job(paths, out, **options), cluster.client)


def lines_of(out: Path) -> list[dict]:
    return [json.loads(line) for path in part_files(out) for line in gzip.open(path, "rt", encoding="utf-8")]


def index_state(folder: Path) -> dict:
    """What a reader of an index sees: stored articles by id, facets, near-duplicate groups, originals' bytes."""
    archive = Archive(folder)
    result = archive.search(SearchRequest(facet_limit=1000, all_versions=True)).to_json()
    state = {
        "articles": {a.id: a.to_json() for a in stored_articles(folder)},
        "facets": result["facets"],
        "groups": {doc["id"]: doc["group"] for doc in documents(archive)},
        "originals": {str(p.relative_to(folder)): p.read_bytes() for p in sorted((folder / "originals").rglob("*.gz"))},
    }
    archive.close()
    return state


# --- without a cluster: the plan, one partition, the reader -------------------------------------------


def test_big_files_are_cut_into_record_ranges_that_cover_every_record_once(tmp_path):
    files = [write_corpus(tmp_path / "a.jsonl", 23), write_corpus(tmp_path / "b.jsonl.gz", 17), write_crawl(tmp_path / "c.warc.gz", 12),
             DATA / "mini.jsonl"]
    partitions = plan_partitions(files, 10)
    assert [p.records for p in partitions] == [10, 10, 10, 10, 10, 8]
    assert len({p.key for p in partitions}) == len(partitions)
    assert plan_partitions(files, 10) == partitions  # the same inputs make the same plan: a re-run finds its partitions
    # Uncompressed JSON lines are entered at a byte offset; a gzip stream cannot be.
    first_b = next(s for p in partitions for s in p.slices if s.name.endswith("b.jsonl.gz") and s.start)
    assert first_b.offset is None and all(s.offset is not None for p in partitions for s in p.slices if s.name.endswith("a.jsonl"))
    direct = [r.origin for f in files for r in read(f)]
    from newsarchive.index.distributed.enrich import _slice_records

    assert [r.origin for p in partitions for s in p.slices for r in _slice_records(s)] == direct


def test_a_partition_is_written_whole_with_its_marker_and_bad_records_in_place(tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl", 12, broken=(3,))
    job = plan_job([corpus], tmp_path / "out", with_entities=False, partition_size=5)
    for partition in job.todo:
        enrich_partition(partition, str(job.out), False)
    rows = lines_of(job.out)
    assert len(rows) == 12 and [r.get("failure", {}).get("input") for r in rows][3] == f"{corpus}:4"
    assert all(r["newsarchive_enriched"] == 1 for r in rows)
    assert all(r["raw"] and len(r["signature"]) == 128 for r in rows if "failure" not in r)  # originals and near-duplicate signatures
    marker = read_json(job.out / done_name(1))
    assert marker["key"] == job.partitions[0].key and marker["articles"] == 4 and marker["failures"][0]["reason"].startswith("invalid JSON")
    assert not list(job.out.glob(".*"))  # no temporary file left behind


def test_a_partition_that_dies_mid_write_leaves_no_part_file(tmp_path, monkeypatch):
    job = plan_job([write_corpus(tmp_path / "c.jsonl", 6)], tmp_path / "out", with_entities=False)
    calls = []

    def dies_after_two(item):
        calls.append(item)
        if len(calls) > 2:
            raise KeyboardInterrupt  # what a killed task looks like from inside
        return b"{}\n"

    monkeypatch.setattr(enrich_module, "enriched_line", dies_after_two)
    with pytest.raises(KeyboardInterrupt):
        enrich_partition(job.partitions[0], str(job.out), False)
    assert sorted(p.name for p in job.out.iterdir()) == ["_manifest.json"]


def test_enriched_lines_are_read_as_enriched_records_and_failures_jsonl_is_no_input(tmp_path):
    job = plan_job([write_corpus(tmp_path / "c.jsonl", 4, broken=(1,))], tmp_path / "out", with_entities=False)
    enrich_partition(job.partitions[0], str(job.out), False)
    (job.out / "failures.jsonl").write_text('{"input": "x", "reason": "y"}\n')
    assert [p.name for p in discover([job.out]) if not isinstance(p, Failure)] == ["failures.jsonl", part_name(1)]
    items = [r for f in discover([job.out]) for r in read(f)]
    assert [type(r) for r in items] == [RawRecord] * 4 and {r.kind for r in items} == {KIND}
    with gzip.open(job.out / part_name(1), "rb") as fh:
        assert all(is_enriched_line(line) for line in fh)


# --- on the cluster ---------------------------------------------------------------------------------


def test_enriched_index_matches_a_direct_index_persons_quotes_facets_groups_originals(cluster, tmp_path):
    inputs = [SAMPLES, DATA / "mini.jsonl", write_corpus(tmp_path / "gen.jsonl", 40, broken=(7,))]
    report = enrich_on(cluster, inputs, tmp_path / "enriched", partition_size=30)
    assert report.partitions == 7 and report.skipped == 0 and report.workers == 2
    assert [(f.origin, f.reason[:12]) for f in report.failures] == [(f"{inputs[2]}:8", "invalid JSON")]
    assert json.loads((tmp_path / "enriched" / "failures.jsonl").read_text())["input"] == f"{inputs[2]}:8"
    workers = {read_json(tmp_path / "enriched" / done_name(p))["worker"] for p in range(1, 8)}
    assert workers == set(cluster.workers.values())  # both workers took partitions

    enriched = index_files(tmp_path / "from-enriched", plan([tmp_path / "enriched"]), workers=1)
    direct = index_files(tmp_path / "direct", plan(inputs), workers=1)
    assert enriched.counts == direct.counts and [f.origin for f in enriched.failures] == [f.origin for f in direct.failures]
    a, b = index_state(tmp_path / "from-enriched"), index_state(tmp_path / "direct")
    assert a["articles"] == b["articles"]  # ids, persons, countries, organisations, quotations, origins: all stored fields
    assert any(art["quotes"] and art["persons"] for art in a["articles"].values())
    assert a["facets"] == b["facets"] and a["groups"] == b["groups"] and a["originals"] == b["originals"]
    assert len(set(a["groups"].values())) < len(a["groups"])  # the repeated stories are grouped


def test_ranges_of_gzip_json_lines_and_web_archives_index_as_the_files_do(cluster, tmp_path):
    inputs = [write_corpus(tmp_path / "gen.jsonl.gz", 70, broken=(20,)), write_crawl(tmp_path / "crawl.warc.gz", 30)]
    report = enrich_on(cluster, inputs, tmp_path / "enriched", partition_size=20, with_entities=False)
    assert report.partitions == 5 and report.articles == 99
    enriched = index_files(tmp_path / "a", plan([tmp_path / "enriched"]), workers=1, with_entities=False)
    direct = index_files(tmp_path / "b", plan(inputs), workers=1, with_entities=False)
    assert enriched.counts == direct.counts == {"added": 99, "updated": 0, "unchanged": 0}
    a, b = index_state(tmp_path / "a"), index_state(tmp_path / "b")
    assert a["articles"] == b["articles"] and a["originals"] == b["originals"] and a["groups"] == b["groups"]
    # The originals came through the enriched records: re-extracting from them finds every article unchanged.
    assert reindex(tmp_path / "a", workers=1, with_entities=False).counts == {"articles": 99, "updated": 0, "unchanged": 99}


def test_a_rerun_after_the_client_is_killed_skips_the_finished_partitions(cluster, tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl", 300)
    out = tmp_path / "enriched"
    cluster.delay(0.6)
    run = subprocess.Popen([str(BIN / "newsarchive"), "enrich", str(corpus), "--out", str(out), "--scheduler", cluster.address,
                            "--partition-size", "30", "--no-entities"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        finished = wait_for_markers(out, 3)
        run.kill()
    finally:
        run.wait()
    cluster.delay(0)
    before = {n: os.stat(out / part_name(n)) for n in finished}
    report = run_job(plan_job([corpus], out, with_entities=False, partition_size=30), cluster.client)
    assert report.partitions == 10 and report.skipped >= len(finished) and report.skipped < 10
    assert {n: (st.st_ino, st.st_mtime_ns) for n, st in before.items()} == {
        n: (os.stat(out / part_name(n)).st_ino, os.stat(out / part_name(n)).st_mtime_ns) for n in finished}
    assert [r["origin"] for r in lines_of(out)] == [f"{corpus}:{i}" for i in range(1, 301)]
    assert read_json(out / "_manifest.json")["complete"] is True


def test_cli_on_a_local_cluster_reports_and_exits_as_index_does(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c.jsonl", 8, broken=(2,))
    result = CliRunner().invoke(main, ["enrich", str(corpus), "--out", str(tmp_path / "out"), "--workers", "1", "--no-entities", "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["articles"] == 7 and report["failures"][0]["input"] == f"{corpus}:3" and report["workers"] == 1
    assert CliRunner().invoke(main, ["enrich", str(tmp_path / "none"), "--out", str(tmp_path / "o2")]).exit_code == 2
    assert not (tmp_path / "o2").exists()
    assert CliRunner().invoke(main, ["enrich", str(corpus), "--out", str(corpus / "sub")]).exit_code == 3  # under a file
    monkeypatch.setattr(enrich_module, "CONNECT_TIMEOUT", 1)
    unreachable = CliRunner().invoke(main, ["enrich", str(corpus), "--out", str(tmp_path / "o3"), "--scheduler", "tcp://127.0.0.1:9"])
    assert unreachable.exit_code == 2 and "cannot reach the Dask scheduler" in unreachable.output


def test_a_worker_killed_mid_run_leaves_every_article_exactly_once(cluster, tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl", 600)
    out = tmp_path / "enriched"
    cluster.delay(60, "w0")  # w0 holds its first partition half-written until it is killed
    cluster.delay(0.3, "w1")
    run = subprocess.Popen([str(BIN / "newsarchive"), "enrich", str(corpus), "--out", str(out), "--scheduler", cluster.address,
                            "--partition-size", "50", "--no-entities", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_markers(out, 3)
        assert list(out.glob(".part-*")), "w0 is writing a partition"
        cluster.kill("w0")
        stdout, stderr = run.communicate(timeout=120)
    finally:
        run.kill()
    assert run.returncode == 0, stderr.decode()
    assert json.loads(stdout)["articles"] == 600
    markers = [read_json(out / done_name(n)) for n in range(1, 13)]
    assert {m["worker"] for m in markers} == {cluster.workers["w1"]}  # w0's partition was done again, on w1
    assert [r["origin"] for r in lines_of(out)] == [f"{corpus}:{i}" for i in range(1, 601)]  # each article once, in order
    assert not list(out.glob(".part-*"))  # w0's half-written file is gone
    cluster.delay(0, "w1")


def wait_for_markers(out: Path, count: int, timeout: float = 90) -> set[int]:
    """The partitions finished once at least `count` are."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = {int(p.name[5:10]) for p in out.glob("part-*.done")} if out.exists() else set()
        if len(done) >= count:
            return done
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} partitions finished in {timeout} s")
