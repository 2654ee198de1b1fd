"""The search page under load: `newsarchive serve` (waitress) against concurrent API clients.

    .venv/bin/python bench/load.py --index /tmp/newsarchive-bench-index

Starts `newsarchive serve --workers N --processes P` on a free port, waits until it
answers, warms each process up with one pass over the benchmark queries, then fires
--requests GET /api/search requests (a mix of bench_search.py's queries, with their
person and country filters) from --clients threads, each on its own keep-alive
connection. Prints throughput, latency percentiles and status counts; exits 1 on any
5xx answer or connection error. Ends with one `key=value` summary line.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import QUERIES, percentile  # the bench's query list, shared

ROOT = Path(__file__).resolve().parents[1]
SLOWEST = 5  # requests listed by name, to tell a slow query from a stalled server


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def paths() -> list[str]:
    """One /api/search URL per benchmark query."""
    urls = []
    for text, persons, countries in QUERIES:
        params = [("q", text), *(("person", p) for p in persons), *(("country", c) for c in countries), ("limit", "10")]
        urls.append("/api/search?" + urlencode(params))
    return urls


def start_server(index: Path, port: int, threads: int, processes: int) -> subprocess.Popen:
    """`newsarchive serve` in its own process group (stopped as a group, children included)."""
    command = [str(ROOT / ".venv" / "bin" / "newsarchive"), "serve", "--index", str(index), "--port", str(port),
               "--workers", str(threads), "--processes", str(processes)]
    if not Path(command[0]).exists():
        command = [sys.executable, "-m", "newsarchive.cli", *command[1:]]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to the server's process group, SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def smaps(pid: int) -> dict[str, int]:
    """Pss, private (clean + dirty) and Rss of one process, in MB, from /proc/PID/smaps_rollup."""
    found = {"pss": 0, "private": 0, "rss": 0}
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            kb = int(value.split()[0]) if value.split() and value.split()[0].isdigit() else 0
            if key == "Pss":
                found["pss"] += kb
            elif key in ("Private_Clean", "Private_Dirty"):
                found["private"] += kb
            elif key == "Rss":
                found["rss"] += kb
    return {k: v // 1024 for k, v in found.items()}


def server_memory(server: subprocess.Popen) -> dict[str, int]:
    """The memory of `newsarchive serve` and of the server processes it forked, summed (MB)."""
    pids = [server.pid]
    with contextlib.suppress(OSError):
        for name in os.listdir("/proc"):
            if name.isdigit():
                with contextlib.suppress(OSError), open(f"/proc/{name}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == server.pid:
                        pids.append(int(name))
    totals = {"pss": 0, "private": 0, "rss": 0}
    for pid in pids:
        with contextlib.suppress(OSError):
            for key, value in smaps(pid).items():
                totals[key] += value
    return totals


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    """Poll until the API answers (the index opens on the first request)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited: {server.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/search?q=test")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


class Client(threading.Thread):
    """One client: a keep-alive connection, requests taken from a shared counter until none are left."""

    def __init__(self, port: int, urls: list[str], counter, total: int) -> None:
        super().__init__(daemon=True)
        self.port, self.urls, self.counter, self.total = port, urls, counter, total
        self.latencies: list[float] = []
        self.slowest: list[tuple[float, float, str]] = []  # (ms, seconds into the run, url)
        self.statuses: collections.Counter = collections.Counter()

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while (n := next(self.counter)) < self.total:
            url = self.urls[n % len(self.urls)]
            started = time.perf_counter()
            try:
                conn.request("GET", url)
                response = conn.getresponse()
                response.read()
                self.statuses[response.status] += 1
            except (OSError, http.client.HTTPException) as exc:
                self.statuses[f"error {type(exc).__name__}"] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                continue
            ms = (time.perf_counter() - started) * 1000
            self.latencies.append(ms)
            self.slowest = sorted([*self.slowest, (ms, started, url)], reverse=True)[:SLOWEST]
        conn.close()


def fire(port: int, urls: list[str], requests: int, clients: int) -> tuple[float, list[float], collections.Counter, list]:
    """`requests` requests from `clients` threads; (seconds, latencies in ms, status counts, slowest requests)."""
    import itertools

    counter = itertools.count()
    threads = [Client(port, urls, counter, requests) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies = [ms for t in threads for ms in t.latencies]
    statuses = sum((t.statuses for t in threads), collections.Counter())
    slowest = sorted(((ms, at - started, url) for t in threads for ms, at, url in t.slowest), reverse=True)[:SLOWEST]
    return elapsed, latencies, statuses, slowest


def main(argv: list[str] | None = None) -> int:
    """Start the server, load it, report, stop it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="the index to serve (e.g. bench_search.py --keep-index DIR)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=8, help="request threads per server process")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1, help="server processes")
    args = parser.parse_args(argv)
    port = free_port()
    urls = paths()
    server = start_server(args.index, port, args.workers, args.processes)
    try:
        wait_until_up(port, server)
        fire(port, urls, len(urls) * args.processes, args.clients)  # warm-up: every process opens the index and its caches
        elapsed, latencies, statuses, slowest = fire(port, urls, args.requests, args.clients)
        memory = server_memory(server)
    finally:
        stop_server(server)
    server_errors = sum(n for status, n in statuses.items() if isinstance(status, int) and status >= 500)
    failures = sum(n for status, n in statuses.items() if not isinstance(status, int))
    throughput = len(latencies) / elapsed if elapsed else 0.0
    print(f"load: {args.requests} requests, {args.clients} clients, {args.processes} processes x {args.workers} threads, "
          f"{len(urls)} distinct queries; load average {os.getloadavg()[0]:.1f}")
    print(f"  throughput {throughput:.1f} requests/s;  latency p50 {percentile(latencies, 50):.1f} ms  p95 {percentile(latencies, 95):.1f} ms  "
          f"max {max(latencies, default=0):.1f} ms")
    for ms, at, url in slowest:
        print(f"  slow: {ms:.0f} ms at {at:.1f} s  {url[:120]}")
    print("  statuses: " + ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items(), key=str)))
    print(f"  server memory after the run (smaps_rollup, all processes): PSS {memory['pss']} MB, private {memory['private']} MB, "
          f"RSS {memory['rss']} MB")
    print(f"load_requests={args.requests} load_rps={throughput:.1f} load_p50_ms={percentile(latencies, 50):.1f} "
          f"load_p95_ms={percentile(latencies, 95):.1f} load_5xx={server_errors} load_errors={failures} "
          f"server_pss_mb={memory['pss']} server_private_mb={memory['private']}")
    return 1 if server_errors or failures else 0


if __name__ == "__main__":
    sys.exit(main())
