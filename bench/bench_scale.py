"""Scale: newsarchive against SQLite FTS5 at 10k, 40k, 100k and 250k articles, and the server's memory at each size.

    .venv/bin/python bench/bench_scale.py                       # make bench-scale (not in CI: about an hour on 2 cores)
    .venv/bin/python bench/bench_scale.py --sizes 10000,40000   # a shorter run

The OrangeSum corpus (36,152 articles) is extracted once; the first --annotated articles
get persons and countries from spaCy, the others reuse those annotations in rotation;
past the corpus, each article comes back under a new id with its sentences shuffled (as
bench_search.py's scale phase does). The index grows without entity extraction, size by
size; FTS5 gets the same articles in the same run. At each size:

- query p50 and p95, newsarchive (top 10 with snippets, every facet counted over the whole
  result set) and FTS5 (top 10 with a snippet and the total count), after a warm-up pass;
- long-query p95 (known-item headings) for both;
- index size, the time to open the index and the first query's;
- the segments, and the write amplification: bytes of segments written so far (merges
  included) over the bytes of the segments the archive holds;
- `newsarchive serve` (one process, 8 request threads) after the query list ran from 8
  client threads: its PSS and private memory from /proc/PID/smaps_rollup.

The last line is one `key=value` summary (figures of each size suffixed with it, in thousands).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import (  # the same corpus handling, queries and FTS5 side as the main bench
    DEFAULT_CORPUS,
    QUERIES,
    folder_mb,
    fts5_table,
    index_articles,
    index_records,
    known_items,
    mrr_fts5,
    mrr_newsarchive,
    read_records,
    run_queries,
    say,
    shuffled_copy,
    with_rotated_entities,
)
from load import fire, free_port, paths, server_memory, start_server, stop_server, wait_until_up

SIZES = (10_000, 40_000, 100_000, 250_000)


def extracted(records, workers: int) -> list:
    """Every record extracted (no entities, no index): the articles the index grows from."""
    from newsarchive.index.article import Article
    from newsarchive.index.indexing.pipeline import Pipeline

    with Pipeline(workers, with_entities=False) as pipeline:
        return [a for a in pipeline.run(records) if isinstance(a, Article)]


def grown(base: list, total: int):
    """`total` articles: the corpus, then shuffled copies of it under new ids, in a fixed order."""
    rng = random.Random(16)
    made = 0
    for copy in itertools.count():
        for article in base:
            if made >= total:
                return
            yield article if copy == 0 else shuffled_copy(article, copy, rng)
            made += 1


def segment_files(index: Path) -> tuple[int, int]:
    """The current generation's segments: how many, and the bytes of their files (arrays files included)."""
    from newsarchive.index.store.folder import open_index
    from newsarchive.index.store.whoosh_internals import files_of_segment

    with open_index(index).searcher() as searcher:
        ids = [leaf.segment().segment_id() for leaf, _ in searcher.reader().leaf_readers()]
    names = [p.name for p in index.iterdir()]
    sizes = sum((index / name).stat().st_size for i in ids for name in files_of_segment(names, i))
    return len(ids), sizes


def measure_server(index: Path, reps: int = 2) -> dict:
    """`newsarchive serve` (1 process x 8 threads): the query list from 8 clients, then its memory."""
    port = free_port()
    urls = paths()
    server = start_server(index, port, threads=8, processes=1)
    try:
        wait_until_up(port, server, timeout=600)
        fire(port, urls, len(urls), 8)
        elapsed, latencies, statuses, _ = fire(port, urls, len(urls) * reps * 8, 8)
        memory = server_memory(server)
    finally:
        stop_server(server)
    errors = sum(n for s, n in statuses.items() if not isinstance(s, int) or s >= 500)
    return {**memory, "errors": errors, "rps": len(latencies) / elapsed if elapsed else 0.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES), help="index sizes to measure, ascending")
    parser.add_argument("--annotated", type=int, default=1000, help="articles whose persons and countries come from spaCy")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--reps", type=int, default=3, help="measured passes over the query list")
    parser.add_argument("--known-items", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--workdir", help="keep the index here")
    parser.add_argument("--corpus-limit", type=int, default=0, help="read only this many records of the corpus (0: all; for a quick run)")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        say(f"corpus not found: {args.corpus}")
        return 2
    from newsarchive.search.archive import Archive
    from newsarchive.search.request import SearchRequest

    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="newsarchive-scale-"))
    index = work / "scale-index"
    shutil.rmtree(index, ignore_errors=True)
    started = time.perf_counter()
    say(f"newsarchive bench-scale: sizes {sizes}, {args.workers} workers, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    records = read_records(args.corpus, args.corpus_limit)
    annotated, _ = index_records(records[: args.annotated], work / "entities-index", workers=args.workers, entities=True, batch=args.batch_size)
    shutil.rmtree(work / "entities-index", ignore_errors=True)
    base = with_rotated_entities(extracted(records, args.workers), annotated)
    items = known_items(records, base, args.known_items)
    say(f"corpus: {len(base)} articles extracted, {len(annotated)} annotated, {len(items)} known items ({time.perf_counter() - started:.0f} s)")
    db = sqlite3.connect(":memory:")
    articles = grown(base, max(sizes))
    indexed: list = []
    summary: dict[str, float] = {}
    written, merges, indexing = 0, 0, 0.0
    for size in sizes:
        batch = list(itertools.islice(articles, size - len(indexed)))
        growth = index_articles(batch, index, workers=args.workers, batch=args.batch_size, fresh=not indexed)
        indexing += growth.seconds
        indexed += batch
        written, merges = written + growth.bytes_written, merges + growth.merges
        segments, live_bytes = segment_files(index)
        fts5_table(db, indexed)
        t0 = time.perf_counter()
        archive = Archive(index)
        archive.searcher()
        opened = time.perf_counter() - t0
        archive.search(SearchRequest(query="gouvernement"))
        first = time.perf_counter() - t0 - opened
        _, warm, fts = run_queries(archive, db, args.reps)
        _, _, long_ours = mrr_newsarchive(archive, items)
        _, _, long_fts = mrr_fts5(db, items)
        del archive
        server = measure_server(index)
        k = f"{size // 1000}k"
        say(f"[{k}] {size} articles (grown at {growth.rate:.0f} articles/s), index {folder_mb(index):.0f} MB; open {opened:.2f} s, "
            f"first query {first:.2f} s")
        say(f"    {segments} segments; written {written / 1e6:.0f} MB for {live_bytes / 1e6:.0f} MB of segments: write amplification "
            f"{written / max(1, live_bytes):.2f} ({merges} merges so far)")
        say(f"    newsarchive p50 {warm.p50:.1f} ms  p95 {warm.p95:.1f} ms   FTS5 p50 {fts.p50:.1f} ms  p95 {fts.p95:.1f} ms   "
            f"ratio p50 {warm.p50 / fts.p50:.2f}")
        say(f"    long queries p95: newsarchive {long_ours.p95:.1f} ms, FTS5 {long_fts.p95:.1f} ms")
        say(f"    server (8 threads, after {len(QUERIES)} queries x {2 * 8} from 8 clients): PSS {server['pss']} MB, "
            f"private {server['private']} MB, RSS {server['rss']} MB, {server['rps']:.0f} requests/s, {server['errors']} errors")
        summary.update({f"p50_ms_{k}": round(warm.p50, 2), f"p95_ms_{k}": round(warm.p95, 2), f"fts5_p50_ms_{k}": round(fts.p50, 2),
                        f"fts5_p95_ms_{k}": round(fts.p95, 2), f"long_p95_ms_{k}": round(long_ours.p95, 1),
                        f"fts5_long_p95_ms_{k}": round(long_fts.p95, 1), f"index_mb_{k}": round(folder_mb(index)),
                        f"open_s_{k}": round(opened, 2), f"first_query_s_{k}": round(first, 2), f"server_pss_mb_{k}": server["pss"],
                        f"server_private_mb_{k}": server["private"], f"index_aps_{k}": round(growth.rate), f"errors_{k}": server["errors"],
                        f"segments_{k}": segments, f"write_amplification_{k}": round(written / max(1, live_bytes), 2),
                        f"indexing_minutes_{k}": round(indexing / 60, 1)})
    summary["minutes"] = round((time.perf_counter() - started) / 60, 1)
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    print(" ".join(f"{k}={v}" for k, v in summary.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
