"""Throughput of `newsarchive enrich` on a local Dask cluster of 1 and then 2 workers, on the same inputs.

    .venv/bin/python bench/bench_enrich.py                      # 2,000 OrangeSum records without entities, 300 with
    .venv/bin/python bench/bench_enrich.py --plain 500 --entities 100

For each size of cluster: the cluster is started (timed apart: a real cluster is
started once for many runs), each worker loads what it needs (spaCy, the language
model) in a warm-up, then the run is timed from planning to the last part file, as
`newsarchive enrich` runs it, with the CPU time the workers spent on it (per record:
what does not depend on the machine's load). The same records, the same partition size. The speed-up
is the 2-worker rate over the 1-worker rate; on 2 cores the ideal is 2.0, less the
client's and scheduler's share. The machine's load average is printed, and how many
cores the workers kept busy (their CPU time over the run's time): on a shared machine
other processes take cores too, and a speed-up below 2 with fewer than 2 cores busy is
the machine's, not the cluster's.

The last line is one `key=value` summary for scripts.
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "orangesum.jsonl.gz"


def _warm(with_entities: bool) -> int:
    """Load the worker pipeline's models in this worker process (they stay loaded for the runs)."""
    from newsarchive.index.indexing.pipeline import Pipeline

    with Pipeline(1, with_entities=with_entities) as pipeline:
        list(pipeline.run([]))
    return os.getpid()


def _cpu() -> float:
    """CPU seconds this worker process has used (user + system): the load-independent cost."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(records: Path, workers: int, with_entities: bool, partition_size: int, work: Path) -> dict:
    """One timed enrichment of `records` on a fresh local cluster of `workers` workers."""
    from newsarchive.index.distributed.enrich import connect, plan_job, run_job

    started = time.perf_counter()
    with connect(None, workers) as client:
        startup = time.perf_counter() - started
        client.run(_warm, with_entities)
        out = work / f"out-{workers}-{int(with_entities)}"
        cpu = sum(client.run(_cpu).values())
        began = time.perf_counter()
        report = run_job(plan_job([records], out, with_entities=with_entities, partition_size=partition_size), client)
        seconds = time.perf_counter() - began
        cpu = sum(client.run(_cpu).values()) - cpu
    return {"workers": workers, "startup": startup, "seconds": seconds, "rate": report.records / seconds, "articles": report.articles,
            "cpu_ms": 1000 * cpu / report.records, "cores": cpu / seconds, "bytes": sum(p.stat().st_size for p in out.glob("part-*.jsonl.gz"))}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.corpus.exists():
        print(f"{args.corpus} is absent (the evaluation data lives beside the project in CI)", file=sys.stderr)
        return 2
    summary: dict[str, object] = {"bench": "enrich"}
    with tempfile.TemporaryDirectory(prefix="bench-enrich-") as tmp:
        work = Path(tmp)
        for label, count, with_entities in (("plain", args.plain, False), ("entities", args.entities, True)):
            if not count:
                continue
            records = work / f"{label}.jsonl"
            with gzip.open(args.corpus, "rb") as src:
                records.write_bytes(b"".join(islice(src, count)))
            size = max(1, count // args.partitions)
            print(f"{label}: {count} records, {args.partitions} partitions of {size}, load average {os.getloadavg()[0]:.1f}", flush=True)
            results = [run(records, workers, with_entities, size, work) for workers in (1, 2)]
            for r in results:
                print(f"  {r['workers']} worker(s): {r['rate']:7.1f} records/s ({r['seconds']:.1f} s, {r['cpu_ms']:.1f} ms worker CPU each, "
                      f"{r['cores']:.2f} cores busy; cluster start {r['startup']:.1f} s; {r['articles']} articles, "
                      f"{r['bytes'] / count / 1024:.1f} KiB each gzipped)", flush=True)
            speedup = results[1]["rate"] / results[0]["rate"]
            print(f"  speed-up with 2 workers: {speedup:.2f}x", flush=True)
            summary |= {f"{label}_rate_1": round(results[0]["rate"], 1), f"{label}_rate_2": round(results[1]["rate"], 1),
                        f"{label}_speedup": round(speedup, 2), f"{label}_cpu_ms": round(results[0]["cpu_ms"], 1),
                        f"{label}_cores_2": round(results[1]["cores"], 2), f"{label}_kib_per_article": round(results[1]["bytes"] / count / 1024, 2)}
    summary["load_avg"] = round(os.getloadavg()[0], 1)
    print(" ".join(f"{k}={v}" for k, v in summary.items()), flush=True)
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSON lines corpus (OrangeSum), gzipped")
    parser.add_argument("--plain", type=int, default=2000, help="records enriched without entities (0: skip)")
    parser.add_argument("--entities", type=int, default=300, help="records enriched with entities (0: skip)")
    parser.add_argument("--partitions", type=int, default=20, help="partitions the records are cut into")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
