"""Soak test (#17): an indexer killed at random, searches without pause, a check a minute and a backup, for 20 minutes.

    make soak                                   # 20 minutes
    .venv/bin/python bench/soak.py --minutes 5

An indexing loop over OrangeSum (../shared/data/corpus/orangesum.jsonl.gz) in parts of
--part lines, --parts-per-run parts per `newsarchive index` run, is killed with SIGKILL
at random moments every 1-3 minutes and restarted on the same parts (a re-run adds the
rest). 8 clients search the server (`newsarchive serve`, a subprocess) without pause; one
`check` runs every minute and one `backup` at mid-time. At the end a last run completes
the parts begun, and the index must hold every input article of them exactly once.
Reports requests, 5xx, p95, check failures, the article count against the inputs, and
the server's memory (PSS and private, /proc/PID/smaps_rollup, sampled every 10 s) after
warm-up (--warm-up seconds of searching once the index holds every input) and at the
end, then one key=value line. Only 127.0.0.1 is contacted; every loop is bounded in
time and count, and every process started here is ended here. Not run in CI.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "orangesum.jsonl.gz"
CLI = [sys.executable, "-m", "newsarchive.cli"]
QUERIES = ["gouvernement", "santé", "Macron", "grève", "\"réforme des retraites\"", "police OR gendarmerie", "économie SAUF bourse",
           "coronavirus", "élections municipales", "football", "tribunal", "Paris", "climat", "hôpital", "Trump", "école", "impôts",
           "le gouvernement a annoncé une enveloppe de plusieurs milliards pour les soignants", "gilets jaunes", ""]
MAX_REQUESTS_PER_CLIENT = 1_000_000
TARGET_MEMORY_GROWTH = 0.20


def split_corpus(work: Path, part_lines: int, limit: int | None) -> list[Path]:
    """OrangeSum (its first `limit` lines) in JSON lines files of `part_lines` lines each."""
    folder = work / "inputs"
    folder.mkdir()
    parts, out = [], None
    with gzip.open(CORPUS, "rb") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                break
            if n % part_lines == 0:
                if out:
                    out.close()
                parts.append(folder / f"part-{len(parts) + 1:05d}.jsonl")
                out = open(parts[-1], "wb")  # noqa: SIM115 - closed when the next part starts
            out.write(line)
    out.close()
    return parts


def expected_ids(parts: list[Path], failed: set[str]) -> list[str]:
    """The article id of every input line of `parts` that did not fail (OrangeSum has no URLs: ids come from the bytes)."""
    from newsarchive.index.extraction.metadata import article_id

    ids = []
    for part in parts:
        for n, line in enumerate(part.read_bytes().splitlines(), start=1):
            if line.strip() and f"{part}:{n}" not in failed:
                ids.append(article_id(None, line.strip()))
    return ids


class Soak:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.work = args, work
        self.index = work / "index"
        self.rng = random.Random(args.seed)
        self.deadline = time.monotonic() + args.minutes * 60
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.client_errors = 0
        self.checks: list[dict] = []
        self.backup: dict | None = None
        self.kills = self.runs = 0
        self.started_parts: list[Path] = []
        self.procs: list[subprocess.Popen] = []
        self.memory_samples: list[dict] = []

    def spawn(self, cmd: list[str], **kwargs) -> subprocess.Popen:
        proc = subprocess.Popen(cmd, start_new_session=True, **kwargs)  # its own process group: a kill takes its workers too
        self.procs.append(proc)
        return proc

    def end(self, proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
            proc.wait()

    def index_cmd(self, parts: list[Path]) -> list[str]:
        return [*CLI, "index", "--index", str(self.index), "--no-entities", "--workers", "1", "--batch-size", str(self.args.batch),
                "--json", *map(str, parts)]

    def indexing_loop(self, parts: list[Path]) -> None:
        """Index groups of parts, one run after another; SIGKILL the running one every 1-3 minutes, then run it again."""
        at = 0
        next_kill = time.monotonic() + self.rng.uniform(60, 180)
        while not self.stop.is_set():
            group = parts[at:at + self.args.parts_per_run] or parts[:self.args.parts_per_run]  # past the end: again from the start
            self.started_parts += [p for p in group if p not in self.started_parts]
            proc = self.spawn(self.index_cmd(group), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.runs += 1
            while proc.poll() is None and time.monotonic() < next_kill and not self.stop.is_set():
                time.sleep(0.1)
            if proc.poll() is None:
                self.end(proc)
                if not self.stop.is_set():
                    self.kills += 1
                next_kill = time.monotonic() + self.rng.uniform(60, 180)
                continue  # the same parts again: the re-run adds the rest
            at = (at + self.args.parts_per_run) % len(parts)

    def client(self, port: int) -> None:
        """Search without pause until told to stop (or MAX_REQUESTS_PER_CLIENT)."""
        rng = random.Random(self.rng.random())
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if self.stop.is_set():
                break
            url = f"/api/search?q={quote(rng.choice(QUERIES))}&limit=10" + rng.choice(["", "&sort=newest", "&page=2"])
            started = time.perf_counter()
            try:
                conn.request("GET", url)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.client_errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            with self.lock:
                self.latencies.append(time.perf_counter() - started)
                self.statuses[status] = self.statuses.get(status, 0) + 1
        conn.close()

    def check(self, originals: bool = False) -> dict:
        cmd = [*CLI, "check", "--index", str(self.index), "--json", *(["--originals"] if originals else [])]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        report = json.loads(run.stdout) if run.stdout.strip().startswith("{") else {"stderr": run.stderr[-2000:]}
        return {"returncode": run.returncode, **report}

    def memory_loop(self, pid: int) -> None:
        """The server's memory and the index's size every 10 s: when the index stops growing is known afterwards."""
        while not self.stop.wait(10):
            try:
                sample = {"t": time.monotonic(), **memory(pid), "articles": doc_count(self.index)}
            except (OSError, ValueError):
                continue  # the server ended, or a generation went away while counting: the next sample counts
            with self.lock:
                self.memory_samples.append(sample)

    def checks_loop(self) -> None:
        """A check every minute, and the backup once, at mid-time."""
        backup_at = time.monotonic() + (self.deadline - time.monotonic()) / 2
        next_check = time.monotonic() + 60
        while not self.stop.wait(1):
            if self.backup is None and time.monotonic() >= backup_at:
                cmd = [*CLI, "backup", "--index", str(self.index), str(self.work / "backup"), "--json"]
                run = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
                self.backup = {"returncode": run.returncode, **(json.loads(run.stdout) if run.stdout.strip().startswith("{") else {})}
            if time.monotonic() >= next_check:
                self.checks.append(self.check())
                next_check = time.monotonic() + 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory(pid: int) -> dict[str, float]:
    """PSS and private memory of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) / 1024
    return {"pss": fields["Pss"], "private": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)}


def doc_count(index: Path) -> int:
    from newsarchive.index.store.folder import open_index

    with open_index(index).searcher() as s:
        return s.doc_count()


def live_ids(index: Path) -> list[str]:
    from newsarchive.index.store.folder import open_index

    with open_index(index).searcher() as s:
        return [f["id"] for f in s.all_stored_fields()]


def warmed_up(samples: list[dict], final_articles: int, warm_up: float) -> dict | None:
    """The memory the end is compared with: `warm_up` seconds of searching after the index reached its final size.

    While the index grows, so does what the server maps of it (PSS counts the pages of the
    segments it reads): comparing a 2,000-article index with a 6,000-article one measures the
    index, not a leak. None when the index grew until the end (the run was too short).
    """
    full = next((s["t"] for s in samples if s["articles"] >= final_articles), None)
    if full is None:
        return None
    return next((s for s in samples if s["t"] >= full + warm_up), None)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run(args: argparse.Namespace, work: Path) -> int:
    soak = Soak(args, work)
    parts = split_corpus(work, args.part, args.limit or None)
    threads: list[threading.Thread] = []
    try:
        indexer = threading.Thread(target=soak.indexing_loop, args=(parts,), daemon=True)
        indexer.start()
        while not list(soak.index.glob("_MAIN_*.toc")):
            time.sleep(0.2)
        port = free_port()
        server = soak.spawn([*CLI, "serve", "--index", str(soak.index), "--port", str(port), "--workers", "8"], stderr=subprocess.DEVNULL)
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        threads = [threading.Thread(target=soak.client, args=(port,), daemon=True) for _ in range(args.clients)]
        threads.append(threading.Thread(target=soak.checks_loop, daemon=True))
        threads.append(threading.Thread(target=soak.memory_loop, args=(server.pid,), daemon=True))
        for t in threads:
            t.start()
        while time.monotonic() < soak.deadline:
            time.sleep(1)
        final_memory = {**memory(server.pid), "articles": doc_count(soak.index)}
        first = {**soak.memory_samples[0]} if soak.memory_samples else dict(final_memory)
        warm = warmed_up(soak.memory_samples, final_memory["articles"], args.warm_up) or first
        soak.stop.set()
        for t in threads:
            t.join(timeout=1200)
        indexer.join(timeout=60)
        soak.end(server, signal.SIGTERM)
        # The last run, never killed, completes every part begun; then every input must be there exactly once.
        last = subprocess.run(soak.index_cmd(soak.started_parts), capture_output=True, text=True, timeout=3600)
        report = json.loads(last.stdout)
        final_check = soak.check(originals=True)
    finally:
        soak.stop.set()
        for proc in soak.procs:
            soak.end(proc)
    expected = expected_ids(soak.started_parts, {f["input"] for f in report["failures"]})
    found = live_ids(soak.index)
    missing, unexpected = len(set(expected) - set(found)), len(set(found) - set(expected))
    duplicates = len(found) - len(set(found))
    requests = sum(soak.statuses.values())
    errors_5xx = sum(n for status, n in soak.statuses.items() if status >= 500)
    p50, p95 = percentile(soak.latencies, 0.5) * 1000, percentile(soak.latencies, 0.95) * 1000
    check_failures = sum(1 for c in soak.checks if c["returncode"] != 0) + (final_check["returncode"] != 0)
    backup_ok = soak.backup is not None and soak.backup["returncode"] == 0
    growth = final_memory["pss"] / warm["pss"] - 1
    print(f"soak: {args.minutes} min, {soak.runs} indexing runs, {soak.kills} killed with SIGKILL, {len(soak.started_parts)} parts of {args.part} lines")
    print(f"searches: {requests} requests ({requests / (args.minutes * 60):.0f}/s), {errors_5xx} 5xx, {soak.client_errors} connection errors, "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, statuses {dict(sorted(soak.statuses.items()))}")
    print(f"checks: {len(soak.checks) + 1} (the last with --originals), {check_failures} failed")
    for c in [*soak.checks, final_check]:
        for p in c.get("problems", []):
            print(f"  generation {c.get('generation')}: {p['file']}: {p['problem']} (expected {p['expected']}, found {p['found']})")
    if soak.backup:
        b = soak.backup
        print(f"backup: exit {b['returncode']}, generation {b.get('generation')}, copied {b.get('copied')}, copy checked "
              f"{'clean' if (b.get('check') or {}).get('ok') else 'NOT clean'}")
    print(f"articles: {len(found)} in the index, {len(set(expected))} distinct inputs expected ({len(expected)} lines), "
          f"{missing} missing, {duplicates} duplicated, {unexpected} unexpected")
    peak = max((m["pss"] for m in soak.memory_samples), default=final_memory["pss"])
    print(f"server memory: PSS {first['pss']:.0f} MB at the first sample ({first['articles']} articles); "
          f"{warm['pss']:.0f} MB after warm-up at the final size, {final_memory['pss']:.0f} MB at the end ({growth * 100:+.1f}%), "
          f"peak {peak:.0f} MB; private {warm['private']:.0f} -> {final_memory['private']:.0f} MB; the index then held "
          f"{warm['articles']} and {final_memory['articles']} articles"
          + ("" if warm is not first else " (it grew until the end: compared with the first sample)"))
    ok = (errors_5xx == 0 and check_failures == 0 and backup_ok and missing == duplicates == unexpected == 0
          and growth <= TARGET_MEMORY_GROWTH and requests > 0)
    print(f"soak minutes={args.minutes} requests={requests} errors_5xx={errors_5xx} connection_errors={soak.client_errors} "
          f"p95_ms={p95:.1f} kills={soak.kills} checks={len(soak.checks) + 1} check_failures={check_failures} backup_ok={int(backup_ok)} "
          f"articles={len(found)} expected={len(set(expected))} missing={missing} duplicates={duplicates} "
          f"pss_start_mb={warm['pss']:.0f} pss_end_mb={final_memory['pss']:.0f} private_start_mb={warm['private']:.0f} "
          f"private_end_mb={final_memory['private']:.0f} memory_growth={growth:.3f} articles_start={warm['articles']} "
          f"articles_end={final_memory['articles']} pss_first_mb={first['pss']:.0f} pss_peak_mb={peak:.0f} ok={int(ok)}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--part", type=int, default=1000, help="Input lines per part file.")
    parser.add_argument("--parts-per-run", type=int, default=1, help="Parts per `newsarchive index` run.")
    parser.add_argument("--batch", type=int, default=500, help="--batch-size of the indexer (articles per commit).")
    parser.add_argument("--limit", type=int, default=6000,
                        help="Only the first N lines of OrangeSum (0: all of it): once all are in, runs find them unchanged and the index stops growing "
                             "(so that the memory comparison measures the server, not the index's size).")
    parser.add_argument("--warm-up", type=float, default=60,
                        help="Seconds of searching, once the index holds every input, before the memory the end is compared with is taken.")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--work", type=Path, default=None, help="Working folder (default: a temporary one, removed at the end).")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"{CORPUS} is absent: the soak test needs OrangeSum", file=sys.stderr)
        return 2
    if args.work:
        args.work.mkdir(parents=True, exist_ok=False)
        return run(args, args.work)
    with tempfile.TemporaryDirectory(prefix="newsarchive-soak-") as work:
        return run(args, Path(work))


if __name__ == "__main__":
    sys.exit(main())
