"""Faults done for real: SIGKILL mid-run, a second writer, a stale lock, searches during a run,
a full disk and a read-only index folder. The indexer always runs as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from newsarchive.index.extraction.metadata import article_id, normalize_url
from newsarchive.index.store.folder import open_index
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search.archive import Archive
from newsarchive.search.request import SearchRequest
from newsarchive.web import create_app

pytestmark = pytest.mark.slow

ARTICLES = 800


def _corpus(folder: Path, n: int = ARTICLES, longer_from: int | None = None) -> tuple[Path, set[str]]:
    """A JSON lines file of `n` French articles and the ids the index must end up with.

    From article `longer_from` on, the texts are ten times longer (bigger segments).
    """
    path = folder / "corpus.jsonl"
    ids = set()
    with open(path, "wb") as fh:
        for i in range(n):
            row = {
                "url": f"https://faults.test/article/{i}",
                "title": f"Délibération numéro {i} du conseil municipal",
                "date": f"2019-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                "text": f"Le conseil municipal a adopté la délibération {i} sur le budget des écoles. " * 15
                + (_filler(i) if longer_from is not None and i >= longer_from else ""),
            }
            line = json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n"
            fh.write(line)
            ids.add(article_id(normalize_url(row["url"]), line.strip()))
    return path, ids


def _filler(seed: int, words: int = 500) -> str:
    """Varied words (distinct terms, so that they do not compress away)."""
    return " ".join(f"annexe{(seed * 7919 + j * 104729) % 100_003}" for j in range(words))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, set[str]]:
    return _corpus(tmp_path_factory.mktemp("faults-corpus"))


def _index_cmd(index: Path, *inputs: Path, batch: int = 25, extra: tuple[str, ...] = ()) -> list[str]:
    return [sys.executable, "-m", "newsarchive.cli", "index", "--index", str(index), "--no-entities", "--workers", "1",
            "--batch-size", str(batch), "--json", *extra, *map(str, inputs)]


def _committed(index: Path) -> int:
    try:
        ix = open_index(index)
    except Exception:  # noqa: BLE001 - the index may not exist yet
        return 0
    with ix.searcher() as s:
        return s.doc_count()


def _live_ids(index: Path) -> list[str]:
    with open_index(index).searcher() as s:
        return [fields["id"] for fields in s.all_stored_fields()]


def _kill_when(proc: subprocess.Popen, index: Path, *, committed: int | None = None, after: float | None = None) -> int:
    """SIGKILL the indexer once `committed` articles are visible, or `after` seconds after its first commit."""
    while proc.poll() is None and after is not None and _committed(index) == 0:
        time.sleep(0.01)
    started = time.monotonic()
    while proc.poll() is None:
        if committed is not None and _committed(index) >= committed:
            break
        if after is not None and time.monotonic() - started >= after:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before the kill point; make the corpus bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return _committed(index)


@pytest.mark.parametrize(
    "kill_point",
    [{"committed": 25}, {"committed": 300}, {"committed": 600}, {"after": 0.05}, {"after": 0.3}, {"after": 0.6}],
    ids=lambda p: "-".join(f"{k}{v}" for k, v in p.items()),
)
def test_sigkill_mid_run_leaves_a_readable_index_and_a_rerun_completes(tmp_path, corpus, kill_point):
    path, expected = corpus
    index = tmp_path / "ix"
    proc = subprocess.Popen(_index_cmd(index, path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = _kill_when(proc, index, **kill_point)

    # The index opens and searches after the kill, with whole batches only.
    archive = Archive(index)
    total = archive.search(SearchRequest(query="délibération")).total
    assert total == seen == _committed(index)
    assert total % 25 == 0, "a crash loses at most the batch in progress, never part of a committed one"
    ids = _live_ids(index)
    assert len(ids) == len(set(ids)) and set(ids) <= expected

    rerun = subprocess.run(_index_cmd(index, path), capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["added"] == ARTICLES - total and report["unchanged"] == total and report["failed"] == 0
    ids = _live_ids(index)
    assert len(ids) == len(set(ids)) == ARTICLES, "no article missing or duplicated"
    assert set(ids) == expected


def test_killed_twice_then_rerun_still_gives_every_article_once(tmp_path, corpus):
    path, expected = corpus
    index = tmp_path / "ix"
    for after in (0.3, 0.1):
        proc = subprocess.Popen(_index_cmd(index, path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _kill_when(proc, index, after=after)
    rerun = subprocess.run(_index_cmd(index, path), capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert sorted(_live_ids(index)) == sorted(expected)


def test_a_torn_newest_table_of_contents_falls_back_to_the_previous_generation(tmp_path, corpus):
    path, _ = corpus
    index = tmp_path / "ix"
    subprocess.run(_index_cmd(index, path, batch=400), check=True, capture_output=True, timeout=120)
    tocs = sorted(index.glob("_MAIN_*.toc"), key=lambda p: int(p.stem.split("_")[-1]))
    assert len(tocs) == 2, "the previous generation is kept beside the newest"
    tocs[-1].write_bytes(tocs[-1].read_bytes()[:40])  # what a power cut during the write could leave
    assert Archive(index).search(SearchRequest(query="délibération")).total == 400
    rerun = subprocess.run(_index_cmd(index, path), capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert _committed(index) == ARTICLES


def test_a_second_indexer_is_told_who_holds_the_index(tmp_path, corpus):
    path, _ = corpus
    index = tmp_path / "ix"
    with ArchiveWriter(index):
        second = subprocess.run(_index_cmd(index, path), capture_output=True, text=True, timeout=60)
    assert second.returncode == 3
    assert f"index is being written by another process (pid {os.getpid()})" in second.stderr
    assert "Traceback" not in second.stderr


def test_a_stale_lock_left_by_a_killed_writer_is_taken_over(tmp_path, corpus):
    path, _ = corpus
    index = tmp_path / "ix"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import time; from newsarchive.index.store.writer import ArchiveWriter; ArchiveWriter({str(index)!r}).open(); "
         "print('locked', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    dead_pid = holder.pid
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (index / "newsarchive.lock").read_text() == str(dead_pid), "the killed writer left its pid behind"
    rerun = subprocess.run(_index_cmd(index, path), capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["added"] == ARTICLES


def test_searches_and_the_page_keep_answering_while_a_run_commits(tmp_path, corpus):
    path, _ = corpus
    index = tmp_path / "ix"
    proc = subprocess.Popen(_index_cmd(index, path, batch=50), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while _committed(index) == 0 and proc.poll() is None:
        time.sleep(0.02)
    archive = Archive(index)
    client = create_app({"INDEX": str(index)}).test_client()
    totals, errors = [], []
    while proc.poll() is None:
        try:
            totals.append(archive.search(SearchRequest(query="conseil municipal")).total)
            response = client.get("/api/search?q=budget&country=&limit=5")
            if response.status_code != 200:
                errors.append(response.status_code)
            page = client.get("/?q=d%C3%A9lib%C3%A9ration")
            if page.status_code != 200:
                errors.append(page.status_code)
        except Exception as exc:  # noqa: BLE001 - any failure here is the finding
            errors.append(repr(exc))
        time.sleep(0.01)
    assert proc.returncode == 0
    totals.append(archive.search(SearchRequest(query="conseil municipal")).total)
    assert errors == []
    assert totals == sorted(totals), "results only grow during a run"
    assert len(set(totals)) > 2, "searches saw the batches arrive"
    assert totals[-1] == ARTICLES


def _index_with_disk_filling_up(limit: int, *args: str) -> list[str]:
    """The real CLI in a process that can write no file larger than `limit` bytes once started.

    RLIMIT_FSIZE plays the full disk: the language model (which unpacks to a temporary
    file) is loaded first, then writes past the limit fail with EFBIG, as ENOSPC would.
    """
    script = (
        "import resource, signal, sys\n"
        "from newsarchive.index.extraction.metadata import detect_language\n"
        "detect_language('un article de presse en français')\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from newsarchive.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    return [sys.executable, "-c", script, *args]


def test_a_full_disk_is_a_clear_error_and_no_partial_batch_is_reported(tmp_path):
    # The first 400 articles make small segments; the next ones, with long texts, do not fit.
    path, expected = _corpus(tmp_path, longer_from=400)
    index = tmp_path / "ix"
    cmd = _index_with_disk_filling_up(300_000, *_index_cmd(index, path, batch=50)[3:])
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert run.returncode == 3, (run.returncode, run.stdout, run.stderr)
    assert "Error: cannot write the index" in run.stderr and "File too large" in run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == "", "no summary reports the failed run as a success"
    committed = _committed(index)
    # Whatever file hit the limit first (a segment, the duplicate groups), the index holds
    # whole batches: the ones committed before the failure, none of the failing one.
    assert 0 < committed < ARTICLES and committed % 50 == 0, committed
    assert Archive(index).search(SearchRequest(query="délibération")).total == committed
    rerun = subprocess.run(_index_cmd(index, path), capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert sorted(_live_ids(index)) == sorted(expected)


def _without_root_powers(cmd: list[str]) -> list[str]:
    """Root ignores file permissions; without CAP_DAC_OVERRIDE it obeys them like anyone."""
    if os.geteuid() != 0:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a folder read-only for this process")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--", *cmd]


def test_a_read_only_index_still_searches_and_indexing_says_why_it_cannot_write(corpus):
    path, _ = corpus
    base = Path(tempfile.mkdtemp(prefix="newsarchive-ro-"))
    try:
        os.chmod(base, 0o755)
        index = base / "ix"
        subprocess.run(_index_cmd(index, path, batch=400), check=True, capture_output=True, timeout=120)
        readable = shutil.copy(path, base / "corpus.jsonl")
        os.chmod(readable, 0o644)
        for p in [index, *index.rglob("*")]:
            os.chmod(p, 0o555 if p.is_dir() else 0o444)
        env = {**os.environ, "HOME": str(base)}
        cmd = _without_root_powers(_index_cmd(index, Path(readable)))
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
        assert run.returncode == 3, (run.stdout, run.stderr)
        assert "Error:" in run.stderr and "not writable" in run.stderr
        search = [sys.executable, "-m", "newsarchive.cli", "search", "--index", str(index), "--json", "délibération"]
        found = subprocess.run(_without_root_powers(search), capture_output=True, text=True, timeout=60, env=env)
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)["total"] == ARTICLES
    finally:
        for p in [base, *base.rglob("*")]:
            if not p.is_symlink():
                os.chmod(p, stat.S_IRWXU)
        shutil.rmtree(base)


def test_index_survives_concurrent_reader_threads(tmp_path, corpus):
    """Many threads searching one Archive while batches commit: each thread gets its own searcher."""
    path, _ = corpus
    index = tmp_path / "ix"
    subprocess.run(_index_cmd(index, path, batch=400, extra=()), check=True, capture_output=True, timeout=120)
    archive = Archive(index)
    errors: list[str] = []

    def worker() -> None:
        for _ in range(20):
            try:
                assert archive.search(SearchRequest(query="budget écoles", limit=5)).total == ARTICLES
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_killing_a_multi_process_run_does_not_leave_the_lock_with_its_workers(tmp_path, corpus):
    path, expected = corpus
    index = tmp_path / "ix"
    cmd = _index_cmd(index, path)
    cmd[cmd.index("--workers") + 1] = "2"
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _kill_when(proc, index, committed=200)
    # Right away, while orphaned workers may still be finishing: the lock died with the writer.
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert sorted(_live_ids(index)) == sorted(expected)
