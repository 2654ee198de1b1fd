"""Indexing with one worker and with several: the speed-up, the indexes equal, and entities against spaCy alone.

    .venv/bin/python bench/bench_workers.py                      # 8,000 OrangeSum articles, 1,000 with entities
    .venv/bin/python bench/bench_workers.py --limit 2000 --entities-limit 200

1. Without entities, the same articles indexed end to end (`newsarchive index` as a
   library: read, extract, analyse, build segments, merge, commit) with 1 worker (all in
   this process) and with --workers; the rates, their ratio, and whether the two indexes
   hold the same documents, postings and facet counts (compared by article id: document
   numbers depend on how batches were cut into segments).
2. With entities, --entities-limit articles indexed with --workers, against spaCy's NER
   alone over the same texts (`ner_text`, the same model and components) in as many
   processes: what the rest of the indexing costs next to the model. Both include loading
   the model in each process.

The last line is one `key=value` summary for scripts.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import DEFAULT_CORPUS, index_records, read_records, say


def index_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of an index's stored documents, of its postings and of its facet counts, each keyed by article id."""
    from newsarchive.index.store.folder import open_index
    from newsarchive.search.archive import Archive
    from newsarchive.search.request import SearchRequest

    stored, postings = hashlib.sha256(), hashlib.sha256()
    with open_index(folder).searcher() as searcher:
        reader = searcher.reader()
        ids = {d: searcher.stored_fields(d)["id"] for d in reader.all_doc_ids()}
        for fields in sorted((dict(searcher.stored_fields(d)) for d in ids), key=lambda f: f["id"]):
            fields.pop("added_at", None)  # the clock time of a commit
            stored.update(repr(sorted(fields.items())).encode())
        for fieldname in sorted(set(reader.indexed_field_names()) - {"added_at"}):
            for term in reader.lexicon(fieldname):
                matcher = reader.postings(fieldname, term)
                rows = []
                while matcher.is_active():
                    if matcher.id() in ids:
                        rows.append((ids[matcher.id()], matcher.weight(), matcher.value()))
                    matcher.next()
                postings.update(repr((fieldname, term, sorted(rows))).encode())
    facets = Archive(folder).search(SearchRequest(query="gouvernement")).facets
    return {"documents": stored.hexdigest(), "postings": postings.hexdigest(), "facets": hashlib.sha256(repr(facets).encode()).hexdigest()}


_nlp = None


def _load_model() -> None:
    global _nlp
    from newsarchive.index.entities.ner import load_nlp

    _nlp = load_nlp()


def _ner(texts: list[str]) -> int:
    from newsarchive.index.entities.ner import ner_spans

    return sum(len(ner_spans(doc)) for doc in _nlp.pipe(texts, batch_size=32))


def ner_alone(texts: list[str], workers: int, chunk: int = 16) -> float:
    """Seconds spaCy's NER takes over `texts` in `workers` processes (loading the model included), chunks as the pipeline's."""
    started = time.perf_counter()
    with mp.get_context("fork").Pool(workers, initializer=_load_model) as pool:
        list(pool.imap(_ner, [texts[i:i + chunk] for i in range(0, len(texts), chunk)]))
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=8000, help="articles indexed without entities")
    parser.add_argument("--entities-limit", type=int, default=1000, help="articles indexed with entities")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        say(f"corpus not found: {args.corpus}")
        return 2
    from newsarchive.index.entities.ner import ner_text

    work = Path(tempfile.mkdtemp(prefix="newsarchive-workers-"))
    say(f"newsarchive bench-workers: {args.limit} articles, {args.entities_limit} with entities, 1 and {args.workers} workers, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    records = read_records(args.corpus, args.limit)
    summary: dict[str, object] = {}
    try:
        _, one = index_records(records, work / "one", workers=1, entities=False, batch=args.batch_size)
        _, many = index_records(records, work / "many", workers=args.workers, entities=False, batch=args.batch_size)
        equal = index_digest(work / "one") == index_digest(work / "many")
        say(f"[1] without entities: 1 worker {one.rate:.0f} articles/s, {args.workers} workers {many.rate:.0f} articles/s: "
            f"x{many.rate / one.rate:.2f}; the two indexes {'hold the same documents, postings and facets' if equal else 'DIFFER'}")
        summary.update({"one_worker_aps": round(one.rate), "workers_aps": round(many.rate), "speedup": round(many.rate / one.rate, 2),
                        "indexes_equal": equal})

        subset = records[: args.entities_limit]
        articles, with_entities = index_records(subset, work / "entities", workers=args.workers, entities=True, batch=args.batch_size)
        seconds = ner_alone([ner_text(a) for a in articles], args.workers)
        ner_rate = len(articles) / seconds
        say(f"[2] with entities, {args.workers} workers: indexing {with_entities.rate:.1f} articles/s; spaCy NER alone over the same "
            f"texts in {args.workers} processes {ner_rate:.1f} articles/s: indexing at {with_entities.rate / ner_rate:.0%} of the model")
        summary.update({"entities_aps": round(with_entities.rate, 1), "ner_alone_aps": round(ner_rate, 1),
                        "entities_share_of_ner": round(with_entities.rate / ner_rate, 2)})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(" ".join(f"{k}={v}" for k, v in summary.items()), flush=True)
    return 0 if summary.get("indexes_equal") else 1


if __name__ == "__main__":
    sys.exit(main())
