"""Characteristic words: does Dunning's G² (search/words.py) list the words Lafon's hypergeometric specificity would?

    .venv/bin/python bench/eval_words.py --index /tmp/newsarchive-bench-index    # the index `make bench` keeps

For each query of bench_search.QUERIES without facet filters, every over-represented word
(the candidates search/words.py scores: 3 articles or more of the result set, stop words,
figures and the query's own words left out) is scored twice on the same article counts:
G², and Lafon's specificity as Lexico and TXM compute it, -log10 P(X >= a) for X
hypergeometric (a result set of n articles drawn from the archive's N, K of which have
the word). Printed: the share of G²'s top words that are also the hypergeometric's top
words, and Spearman's rank correlation over all candidates. Needs scipy (not a
dependency of the project; the bench only).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv: list[str] | None = None) -> int:
    """Compare the two scores query by query; the last line is a key=value summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/newsarchive-bench-index"), help="an index (make bench keeps one)")
    parser.add_argument("--top", type=int, default=30, help="words compared at the top of each list")
    args = parser.parse_args(argv)
    from bench_search import QUERIES
    from scipy.stats import hypergeom, spearmanr

    from newsarchive.search import words
    from newsarchive.search.archive import Archive
    from newsarchive.search.ranking import matching
    from newsarchive.search.request import SearchRequest

    archive = Archive(args.index)
    snap = archive.snapshot()
    counts = words.WordCounts(snap.reader, snap.arrays.live, words.WordStore())
    analyzer = snap.schema["body"].analyzer
    overlaps, correlations = [], []
    for text, persons, countries in QUERIES:
        if persons or countries:
            continue
        plan = archive.planner.plan(SearchRequest(query=text), snap.reader, snap.facets, snap.arrays)
        docs, _ = matching(plan, snap)
        within = counts.count_within(np.asarray(docs, dtype=np.int64))
        scored = words.top_terms(counts, within, int(docs.size), plan.terms | words.function_terms(analyzer), 10**9)
        if len(scored) < args.top:
            continue
        ids = np.array([t for t, _ in scored])
        lafon = -hypergeom.logsf(within[ids] - 1, counts.live_count, counts.archive[ids], int(docs.size)) / np.log(10)
        by_lafon = ids[np.lexsort((ids, -lafon))][: args.top]
        overlaps.append(len({t for t, _ in scored[: args.top]} & set(by_lafon.tolist())) / args.top)
        correlations.append(float(spearmanr([s for _, s in scored], lafon).statistic))
        print(f"{text[:30]:30s} {int(docs.size):6d} articles, {len(scored):6d} candidates: top {args.top} shared {overlaps[-1]:.2f}, "
              f"Spearman {correlations[-1]:.3f}", flush=True)
    print(f"queries={len(overlaps)} top={args.top} mean_shared={np.mean(overlaps):.3f} min_shared={min(overlaps):.3f} "
          f"mean_spearman={np.mean(correlations):.3f} min_spearman={min(correlations):.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
