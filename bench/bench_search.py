"""Speed and relevance of newsarchive against SQLite FTS5, measured in the same run.

    .venv/bin/python bench/bench_search.py                 # first 10,000 OrangeSum articles
    .venv/bin/python bench/bench_search.py --limit 0       # all 36,152

Phases (each can be sized by a flag):

1. indexing with entity extraction (spaCy in worker processes), end to end, on the
   first --entities-limit articles;
2. indexing without entities, end to end, on --limit articles (the light-stemmer index);
3. the same articles into a Snowball-stemmer index (analysis in workers), to compare
   the two stemmers on relevance;
4. the query index: the --limit articles with persons and countries (the first
   --entities-limit from phase 1's NER, the others reusing those annotations in
   rotation, so facet arrays have their full size) and an FTS5 table (unicode61
   remove_diacritics 2) over the same titles, bodies, persons and countries;
5. a fixed list of French queries, newsarchive (top 10 with snippets, person, country
   and year facets over the whole result set) against FTS5 (top 10 with a snippet and
   the total count): one warm-up pass, then --reps measured passes;
6. known-item search: for --known-items articles with a unique heading of 10+ words,
   the heading lower-cased without accents is the query and the article the one
   relevant result; MRR@10 and recall@10 for both stemmers and FTS5 (OR of the words,
   bm25), and newsarchive's latency on these long queries;
7. the scale check: the query index grown --scale times (each article re-added under a
   new id with its sentences shuffled and its entities kept), the same queries again,
   and their characteristic words (search/words.py);
8. the first search's growth: indexes of --growth-sizes articles (the query index's
   articles, then shuffled copies), and the first faceted query after opening each in a
   fresh process (imports excluded), with the segments' arrays files (mapped) and
   without them (every segment read, as before those files and for older indexes).

The last line is one `key=value` summary for scripts. Timings on a shared machine are
noisy; ratios against FTS5 come from the same run and are the robust figures.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import itertools
import os
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "orangesum.jsonl.gz"

# (query, persons, countries): single words, several words, phrases, operators, filters.
QUERIES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("santé", (), ()),
    ("gouvernement", (), ()),
    ("police", (), ()),
    ("coronavirus", (), ()),
    ("incendie", (), ()),
    ("économie", (), ()),
    ("école", (), ()),
    ("climat", (), ()),
    ("justice", (), ()),
    ("football", (), ()),
    ("emmanuel macron", (), ()),
    ("réforme des retraites", (), ()),
    ("élections municipales", (), ()),
    ("grève sncf", (), ()),
    ("violences policières", (), ()),
    ("chômage partiel", (), ()),
    ("masques hôpital", (), ()),
    ("union européenne", (), ()),
    ('"président de la république"', (), ()),
    ('"état d\'urgence sanitaire"', (), ()),
    ('"premier ministre"', (), ()),
    ('"gilets jaunes"', (), ()),
    ('"assemblée nationale"', (), ()),
    ('"conseil constitutionnel"', (), ()),
    ("police OR gendarmerie", (), ()),
    ("coronavirus NOT chine", (), ()),
    ("", ("Emmanuel Macron",), ()),
    ("gouvernement", ("Edouard Philippe",), ()),
    ("élection", (), ("US",)),
    ("coronavirus", (), ("CN",)),
    ("", (), ("DE",)),
    ("économie", ("Emmanuel Macron",), ("FR",)),
    ("sanctions", (), ("RU",)),
    ("santé", ("Olivier Véran",), ()),
    ("immigration", (), ("IT",)),
    ('"premier ministre"', (), ("GB",)),
]


# -- small helpers -------------------------------------------------------------------------


def say(*parts) -> None:
    print(*parts, flush=True)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def folder_mb(path: Path) -> float:
    """Size on disk of everything under `path`, in MB."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1_048_576


def peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest reaped child (ru_maxrss), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def cpu_seconds() -> float:
    """CPU time of this process and its reaped children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def without_accents(text: str) -> str:
    """Lower-cased, accents removed: how people type a query."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


@dataclass
class Timing:
    """How long an indexing phase took, and what it cost in CPU."""

    articles: int
    seconds: float
    cpu: float
    bytes_written: int = 0  # segment bytes the writer wrote (merges included)
    merges: int = 0

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


@dataclass
class Latencies:
    """Per-query wall times in milliseconds."""

    ms: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.ms.append(seconds * 1000)

    @property
    def p50(self) -> float:
        return percentile(self.ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.ms, 95)


# -- reading the corpus ------------------------------------------------------------------


def read_records(corpus: Path, limit: int):
    """The corpus's first `limit` raw records (all for 0), through the project's reader."""
    from newsarchive.index.inputs.readers import read

    records = read(corpus)
    return list(itertools.islice(records, limit) if limit else records)


# -- indexing phases -----------------------------------------------------------------------


def index_records(records, folder: Path, *, workers: int, entities: bool, batch: int, stemmer: str | None = None):
    """Extract, annotate (if `entities`) and index records end to end, as `newsarchive index` does."""
    from newsarchive.index.article import Article
    from newsarchive.index.indexing.pipeline import Pipeline
    from newsarchive.index.store.writer import ArchiveWriter

    shutil.rmtree(folder, ignore_errors=True)
    articles: list[Article] = []
    started, cpu = time.perf_counter(), cpu_seconds()
    with (Pipeline(workers, with_entities=entities) as pipeline,
          ArchiveWriter(folder, batch_size=batch, stemmer=stemmer, tasks=pipeline) as writer):
        for item in pipeline.run(records):
            if isinstance(item, Article):
                writer.add(item)
                articles.append(clean_copy(item))
    return articles, Timing(len(articles), time.perf_counter() - started, cpu_seconds() - cpu)


def index_articles(articles, folder: Path, *, workers: int, batch: int, stemmer: str | None = None, fresh: bool = True) -> Timing:
    """Index already extracted articles (analysed and written in the workers' segment builds), as a re-index would."""
    from newsarchive.index.indexing.pipeline import Pipeline
    from newsarchive.index.store.writer import ArchiveWriter

    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
    count = 0
    started, cpu = time.perf_counter(), cpu_seconds()
    with Pipeline(workers, with_entities=False) as pipeline, ArchiveWriter(folder, batch_size=batch, stemmer=stemmer, tasks=pipeline) as writer:
        for article in articles:
            writer.add(article)
            count += 1
    return Timing(count, time.perf_counter() - started, cpu_seconds() - cpu, writer.summary.bytes_written, writer.summary.merges)


def clean_copy(article):
    """A copy of the article to hand out again (the writer sets an article's original address)."""
    return replace(article)


def with_rotated_entities(articles, annotated):
    """`articles` where those past the annotated ones take the persons and countries of annotated[i % n]."""
    ready = {a.id: a for a in annotated}
    out = []
    for i, article in enumerate(articles):
        source = ready.get(article.id) or annotated[i % len(annotated)]
        out.append(replace(clean_copy(article), persons=list(source.persons), countries=list(source.countries)))
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?…»])\s*(?=[A-ZÀ-ÝŒ«\"])")


def shuffled_copy(article, copy: int, rng: random.Random):
    """The article under a new id, its sentences in another order, same title and entities."""
    sentences = [s for s in _SENTENCE_END.split(article.text.replace("\n\n", " ")) if s.strip()]
    rng.shuffle(sentences)
    return replace(clean_copy(article), id=f"{article.id}x{copy}", url=None, text=" ".join(sentences), raw=b"", original=None)


# -- the first search after a start ------------------------------------------------------------

FIRST_QUERY = """
import sys, time
from newsarchive.search.archive import Archive
from newsarchive.search.request import SearchRequest
started = time.perf_counter()
result = Archive(sys.argv[1]).search(SearchRequest(query="gouvernement"))
print(time.perf_counter() - started, result.total)
"""


def first_query_seconds(index: Path, runs: int = 3) -> float:
    """The median over `runs` fresh processes of opening the index and running one faceted search (imports excluded)."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", FIRST_QUERY, str(index)], capture_output=True, text=True, check=True).stdout
        times.append(float(out.split()[0]))
    return sorted(times)[len(times) // 2]


def first_query_growth(articles, work: Path, sizes: list[int], *, workers: int, batch: int) -> dict[int, tuple[float, float]]:
    """For each size: (first query with the arrays files, without them), on an index of that many articles."""
    rng = random.Random(8)
    found = {}
    for size in sizes:
        chosen = list(articles[:size])
        copy = 1
        while len(chosen) < size:
            chosen += [shuffled_copy(a, copy, rng) for a in articles[: size - len(chosen)]]
            copy += 1
        folder = work / f"growth-{size}"
        index_articles(chosen, folder, workers=workers, batch=batch)
        mapped = first_query_seconds(folder)
        for path in folder.glob("*.arrays"):
            path.unlink()  # the fallback: what an index written before these files costs
        found[size] = (mapped, first_query_seconds(folder))
        shutil.rmtree(folder, ignore_errors=True)
    return found


# -- FTS5 ----------------------------------------------------------------------------------


def fts5_table(db: sqlite3.Connection, articles) -> Timing:
    """(Re)fill the FTS5 table with the articles: title, body, then persons and countries as filter columns."""
    from newsarchive.index.text import fold

    started, cpu = time.perf_counter(), cpu_seconds()
    db.execute("DROP TABLE IF EXISTS t")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, persons, countries, tokenize='unicode61 remove_diacritics 2')")
    rows = ((i, a.title, a.text, " | ".join(fold(p.name) for p in a.persons), " ".join(c.code for c in a.countries)) for i, a in enumerate(articles))
    db.executemany("INSERT INTO t(rowid, title, body, persons, countries) VALUES (?, ?, ?, ?, ?)", rows)
    db.commit()
    return Timing(len(articles), time.perf_counter() - started, cpu_seconds() - cpu)


_FTS_TOKEN = re.compile(r'"[^"]*"|\S+')


def fts5_query(text: str, persons: tuple[str, ...], countries: tuple[str, ...]) -> str:
    """The same search in FTS5 syntax: words quoted (FTS5 barewords reject apostrophes), phrases, OR/NOT, column filters."""
    from newsarchive.index.text import fold

    parts = []
    for token in _FTS_TOKEN.findall(text):
        if token in ("OR", "NOT", "AND") or token.startswith('"'):
            parts.append(token)
        else:
            parts.append(f'"{token}"')
    # Words are looked for in titles and bodies only, as newsarchive does (not in the filter columns).
    expression = "{title body} : (" + " ".join(parts) + ")" if parts else ""
    filters = [f'persons:"{fold(p)}"' for p in persons] + [f'countries:"{c}"' for c in countries]
    return " AND ".join([expression, *filters] if expression else filters)


def fts5_search(db: sqlite3.Connection, expression: str) -> tuple[int, list]:
    """Top 10 by bm25 with a highlighted body snippet, and the total count: what a result page needs."""
    hits = db.execute(
        "SELECT rowid, title, snippet(t, 1, '<mark>', '</mark>', '…', 24) FROM t WHERE t MATCH ? ORDER BY rank LIMIT 10", (expression,)
    ).fetchall()
    total = db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()[0]
    return total, hits


# -- query latency -------------------------------------------------------------------------


def run_queries(archive, db, reps: int) -> tuple[Latencies, Latencies, Latencies]:
    """Warm-up pass (reported as cold), then `reps` measured passes for newsarchive and FTS5."""
    from newsarchive.search.request import SearchRequest

    def ours(text, persons, countries):
        return archive.search(SearchRequest(query=text, persons=list(persons), countries=list(countries), limit=10))

    cold, warm, fts = Latencies(), Latencies(), Latencies()
    expressions = [fts5_query(*q) for q in QUERIES]
    for q, expression in zip(QUERIES, expressions, strict=True):
        started = time.perf_counter()
        ours(*q)
        cold.add(time.perf_counter() - started)
        fts5_search(db, expression)  # FTS5's warm-up: its pages in SQLite's cache
    for _ in range(reps):
        for q, expression in zip(QUERIES, expressions, strict=True):
            started = time.perf_counter()
            ours(*q)
            warm.add(time.perf_counter() - started)
            started = time.perf_counter()
            fts5_search(db, expression)
            fts.add(time.perf_counter() - started)
    return cold, warm, fts


def query_table(archive, db) -> None:
    """Hits per query, both systems: the two should broadly agree (FTS5 does not stem)."""
    from newsarchive.search.request import SearchRequest

    for text, persons, countries in QUERIES:
        ours = archive.search(SearchRequest(query=text, persons=list(persons), countries=list(countries), limit=10))
        total, _ = fts5_search(db, fts5_query(text, persons, countries))
        label = text + "".join(f" [person {p}]" for p in persons) + "".join(f" [country {c}]" for c in countries)
        say(f"    {label[:60]:60s} newsarchive {ours.total:6d}  fts5 {total:6d}")


# -- where an article's time goes ------------------------------------------------------------


def stage_costs(corpus: Path, count: int, entities: int) -> dict[str, float]:
    """CPU milliseconds per article of each indexing stage, in this process, on the corpus's first `count` records
    (entities on the first `entities`): what the workers do (read, extract, entities, quotes, signatures; then
    build: analyse titles and bodies and write the segment with its arrays) and what the writing process does
    (decide: state, duplicate group, document fields)."""
    from newsarchive.index.annotation.dedup import signature_values
    from newsarchive.index.annotation.quotes import extract_quotes
    from newsarchive.index.article import Article
    from newsarchive.index.entities import EntityExtractor
    from newsarchive.index.extraction.extract import extract
    from newsarchive.index.inputs.readers import read
    from newsarchive.index.store.writer import ArchiveWriter

    costs: dict[str, float] = {}

    def timed(name: str, n: int, work):
        started = time.process_time()
        result = work()
        costs[name] = (time.process_time() - started) * 1000 / max(1, n)
        return result

    records = timed("read", count, lambda: list(itertools.islice(read(corpus), count)))
    extract(records[0])  # loads the language model: a worker does it once
    articles = timed("extract", count, lambda: [a for a in map(extract, records) if isinstance(a, Article)])
    extractor = EntityExtractor()
    timed("entities", entities, lambda: extractor.annotate(articles[:entities]))
    timed("quotes", len(articles), lambda: [extract_quotes(a.text, a.persons) for a in articles])
    for article, values in zip(articles, timed("signatures", len(articles), lambda: [signature_values(a.text) for a in articles]), strict=True):
        article.signature = values
    folder = Path(tempfile.mkdtemp(prefix="newsarchive-stages-"))
    writer = ArchiveWriter(folder, batch_size=len(articles) + 1)
    writer.open()
    timed("decide", len(articles), lambda: [writer.add(a) for a in articles])
    timed("build", len(articles), writer.close)
    shutil.rmtree(folder, ignore_errors=True)
    return costs


# -- trends and exports ------------------------------------------------------------------------


TREND_SERIES = ["coronavirus", "Macron", "grève", "élections", "police", ""]  # the last: everything, with a country filter


def run_trends(archive, reps: int) -> Latencies:
    """A monthly trend of six series (words, and one of them a country filter), after one warm-up."""
    from newsarchive.search.request import SearchRequest
    from newsarchive.search.trends import Series

    series = [Series(q or "FR", SearchRequest(query=q, countries=[] if q else ["FR"])) for q in TREND_SERIES]
    archive.trend(series, "month")
    times = Latencies()
    for _ in range(reps):
        started = time.perf_counter()
        archive.trend(series, "month")
        times.add(time.perf_counter() - started)
    return times


def run_words(archive, reps: int) -> tuple[float, Latencies, Latencies]:
    """The characteristic words (search/words.py) of each bench query: the first call's seconds (it reads every segment's
    terms), a first pass over the queries (cold posting and word-form caches), then `reps` passes."""
    from newsarchive.search import words
    from newsarchive.search.request import SearchRequest

    words.REMEMBERED = 0  # answers are kept per generation; measure the computation, not the lookup
    requests = [SearchRequest(query=q, persons=list(p), countries=list(c)) for q, p, c in QUERIES]
    started = time.perf_counter()
    archive.words(SearchRequest(query="bench"))
    build = time.perf_counter() - started
    cold, warm = Latencies(), Latencies()
    for n in range(reps + 1):
        for request in requests:
            started = time.perf_counter()
            archive.words(request)
            (cold if n == 0 else warm).add(time.perf_counter() - started)
    return build, cold, warm


def run_batch(archive, lines: int = 1000) -> tuple[int, float]:
    """A batch of the archive's most frequent person names (as a user pastes a list of names): lines and seconds."""
    from newsarchive.search.request import SearchRequest

    names = [f["value"] for f in archive.search(SearchRequest(limit=1, facet_limit=lines)).facets["person"]]
    started = time.perf_counter()
    archive.batch(names, SearchRequest())
    return len(names), time.perf_counter() - started


EXPORT_SCRIPT = r"""
import sys, time
from newsarchive.search.archive import Archive
from newsarchive.search.export import chunks
from newsarchive.search.request import SearchRequest
started = time.perf_counter()
pieces = 0
with open("/dev/null", "wb") as out:
    for chunk in chunks(Archive(sys.argv[1]).export(SearchRequest(), int(sys.argv[2])), "csv"):
        out.write(chunk)
        pieces += 1  # one per row, and the last
# VmHWM, not ru_maxrss: Linux carries the forking parent's peak into ru_maxrss across exec,
# so the bench process's 1.8 GB would be reported as the export's.
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(pieces - 1, time.perf_counter() - started, peak_kb / 1024)
"""


def export_memory(index: Path, rows: int) -> dict:
    """Rows, seconds and peak RSS (MB) of a CSV export of every article, in a fresh process (this one holds the bench's data)."""
    out = subprocess.run([sys.executable, "-c", EXPORT_SCRIPT, str(index), str(rows)], capture_output=True, text=True, check=True)
    written, seconds, peak = out.stdout.split()
    return {"rows": int(written), "seconds": float(seconds), "peak_mb": float(peak)}


# -- known-item search ---------------------------------------------------------------------


def known_items(records, articles, count: int) -> list[tuple[str, str, int]]:
    """(query, article id, FTS5 rowid): headings of 10+ words that, like the article's opening, are unique in the corpus slice."""
    by_origin = {a.origin: (i, a) for i, a in enumerate(articles)}
    headings = collections.Counter((r.fields or {}).get("heading") for r in records)
    openings = collections.Counter(((r.fields or {}).get("article") or "")[:300] for r in records)
    items = []
    for record in records:
        fields = record.fields or {}
        heading = fields.get("heading") or ""
        found = by_origin.get(record.origin)
        if found is None or len(heading.split()) < 10:
            continue
        if headings[heading] > 1 or openings[(fields.get("article") or "")[:300]] > 1:
            continue  # duplicates: no system can tell which copy is "the" article
        items.append((without_accents(heading), found[1].id, found[0]))
        if len(items) == count:
            break
    return items


def mrr_newsarchive(archive, items) -> tuple[float, float, Latencies]:
    """MRR@10 and recall@10 of the default query handling, and the latency of each query."""
    from newsarchive.search.request import SearchRequest

    reciprocal, found, times = 0.0, 0, Latencies()
    for text, target, _ in items:
        started = time.perf_counter()
        result = archive.search(SearchRequest(query=text, limit=10))
        times.add(time.perf_counter() - started)
        ids = [h.id for h in result.hits]
        if target in ids:
            reciprocal += 1 / (ids.index(target) + 1)
            found += 1
    return reciprocal / len(items), found / len(items), times


def mrr_fts5(db, items) -> tuple[float, float, Latencies]:
    """MRR@10 and recall@10 of FTS5: OR of the query's words, ranked by bm25."""
    reciprocal, found, times = 0.0, 0, Latencies()
    for text, _, rowid in items:
        expression = "{title body} : (" + " OR ".join(f'"{w}"' for w in re.findall(r"\w+", text)) + ")"
        started = time.perf_counter()
        rows = [r[0] for r in db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT 10", (expression,))]
        times.add(time.perf_counter() - started)
        if rowid in rows:
            reciprocal += 1 / (rows.index(rowid) + 1)
            found += 1
    return reciprocal / len(items), found / len(items), times


# -- the run -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run every phase and print the figures, the summary line last."""
    args = parse_args(argv)
    if not args.corpus.exists():
        say(f"corpus not found: {args.corpus}")
        return 2
    from newsarchive.index.entities import MODEL
    from newsarchive.index.store.folder import open_index
    from newsarchive.index.store.schema import schema_stemmer
    from newsarchive.search.archive import Archive

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="newsarchive-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    query_index = Path(args.keep_index) if args.keep_index else work / "query-index"
    bench_started = time.perf_counter()
    say(f"newsarchive bench: {args.corpus.name}, limit {args.limit or 'all'}, entities on {args.entities_limit}, "
        f"{args.workers} workers, batch {args.batch_size}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")

    records = read_records(args.corpus, args.limit)
    say(f"read {len(records)} records")

    # 1. with entity extraction
    ents_records = records[: args.entities_limit] if args.entities_limit else records
    annotated, with_entities = index_records(ents_records, work / "entities-index", workers=args.workers, entities=True, batch=args.batch_size)
    say(f"[1] indexing with entities ({MODEL}): {with_entities.articles} articles in {with_entities.seconds:.1f} s = "
        f"{with_entities.rate:.1f} articles/s ({with_entities.cpu / max(1, with_entities.articles) * 1000:.0f} ms CPU per article)")
    shutil.rmtree(work / "entities-index", ignore_errors=True)

    # 2. without entities, default (light) stemmer
    articles, no_entities = index_records(records, work / "light-index", workers=args.workers, entities=False, batch=args.batch_size)
    indexing_peak = peak_mb()[0]  # before the bench keeps copies, FTS5 tables and query caches in this process
    light_mb = folder_mb(work / "light-index")
    originals_mb = folder_mb(work / "light-index" / "originals")
    say(f"[2] indexing without entities: {no_entities.articles} articles in {no_entities.seconds:.1f} s = {no_entities.rate:.1f} articles/s "
        f"({no_entities.cpu / max(1, no_entities.articles) * 1000:.1f} ms CPU per article); index {light_mb:.1f} MB "
        f"(of which {originals_mb:.1f} MB archived originals); peak memory so far {indexing_peak:.0f} MB")

    # 2b. where the time goes, stage by stage (this process only: no worker, no waiting)
    costs = stage_costs(args.corpus, min(2000, len(records)), min(200, args.entities_limit or 200))
    say("[2b] CPU ms per article, by stage: " + ", ".join(f"{k} {v:.2f}" for k, v in costs.items())
        + f"; without entities {sum(v for k, v in costs.items() if k != 'entities'):.1f} ms, with them {sum(costs.values()):.1f} ms")

    # 3. the other stemmer, for relevance
    other = "snowball" if schema_stemmer(open_index(work / "light-index").schema) == "light" else "light"
    other_timing = index_articles(articles, work / f"{other}-index", workers=args.workers, batch=args.batch_size, stemmer=other)
    say(f"[3] {other} index from extracted articles: {other_timing.rate:.1f} articles/s")

    # 4. query index with persons and countries, and FTS5 over the same articles
    facet_articles = with_rotated_entities(articles, annotated)
    facet_timing = index_articles(facet_articles, query_index, workers=args.workers, batch=args.batch_size)
    db = sqlite3.connect(":memory:")
    fts_timing = fts5_table(db, facet_articles)
    say(f"[4] query index with entities: {facet_timing.rate:.1f} articles/s, {folder_mb(query_index):.1f} MB; "
        f"FTS5 table: {fts_timing.rate:.0f} articles/s")
    del annotated

    # 5. queries
    archive = Archive(query_index)
    cold, warm, fts = run_queries(archive, db, args.reps)
    say(f"[5] {len(QUERIES)} queries x {args.reps} passes (after a warm-up pass), {len(facet_articles)} articles:")
    say(f"    newsarchive p50 {warm.p50:.1f} ms  p95 {warm.p95:.1f} ms   (first pass, cold caches: p50 {cold.p50:.1f} ms  p95 {cold.p95:.1f} ms)")
    say(f"    FTS5        p50 {fts.p50:.1f} ms  p95 {fts.p95:.1f} ms   ratio p50 {warm.p50 / fts.p50:.2f}  p95 {warm.p95 / fts.p95:.2f}")
    if args.verbose:
        query_table(archive, db)

    # 6. known items
    items = known_items(records, facet_articles, args.known_items)
    light_mrr, light_recall, long_times = mrr_newsarchive(archive, items)
    other_mrr, other_recall, _ = mrr_newsarchive(Archive(work / f"{other}-index"), items)
    fts_mrr, fts_recall, fts_long = mrr_fts5(db, items)
    default = schema_stemmer(archive.schema)
    mrr = {default: (light_mrr, light_recall), other: (other_mrr, other_recall)}
    say(f"[6] known-item search, {len(items)} headings (10+ words, unique), {len(facet_articles)} articles:")
    for name in ("light", "snowball"):
        say(f"    newsarchive {name:8s} MRR@10 {mrr[name][0]:.3f}  recall@10 {mrr[name][1]:.3f}" + ("   (default)" if name == default else ""))
    say(f"    FTS5 (OR, bm25)      MRR@10 {fts_mrr:.3f}  recall@10 {fts_recall:.3f}")
    say(f"    long queries: newsarchive p50 {long_times.p50:.1f} ms  p95 {long_times.p95:.1f} ms;  FTS5 p50 {fts_long.p50:.1f} ms  p95 {fts_long.p95:.1f} ms")

    # 7. scale
    scaled = {}
    if args.scale > 1:
        rng = random.Random(6)
        copies = [shuffled_copy(a, k, rng) for k in range(1, args.scale) for a in facet_articles]
        grow = index_articles(copies, query_index, workers=args.workers, batch=args.batch_size, fresh=False)
        fts5_table(db, facet_articles + copies)
        archive = Archive(query_index)
        cold4, warm4, fts4 = run_queries(archive, db, args.reps)
        _, _, long4 = mrr_newsarchive(archive, items[: max(1, len(items) // 5)])
        total = len(facet_articles) + len(copies)
        scaled = {"p50": warm4.p50, "p95": warm4.p95, "fts_p50": fts4.p50, "fts_p95": fts4.p95, "long_p95": long4.p95, "articles": total}
        say(f"[7] scale x{args.scale}: {total} articles (grown at {grow.rate:.1f} articles/s), index {folder_mb(query_index):.1f} MB")
        say(f"    newsarchive p50 {warm4.p50:.1f} ms  p95 {warm4.p95:.1f} ms   (cold p50 {cold4.p50:.1f}  p95 {cold4.p95:.1f})  "
            f"growth of p95 x{warm4.p95 / warm.p95:.2f}")
        say(f"    FTS5        p50 {fts4.p50:.1f} ms  p95 {fts4.p95:.1f} ms   ratio p50 {warm4.p50 / fts4.p50:.2f}")
        say(f"    long queries ({max(1, len(items) // 5)}): p95 {long4.p95:.1f} ms")
        del copies
        trend_times = run_trends(archive, args.reps * 4)
        scaled["trend_p95"] = trend_times.p95
        say(f"    6-series monthly trend: p50 {trend_times.p50:.1f} ms  p95 {trend_times.p95:.1f} ms")
        words_build, words_cold, words_warm = run_words(archive, args.reps)
        scaled.update({"words_p50": words_warm.p50, "words_p95": words_warm.p95, "words_build": words_build})
        say(f"    characteristic words, {len(QUERIES)} queries x {args.reps}: p50 {words_warm.p50:.1f} ms  p95 {words_warm.p95:.1f} ms   "
            f"(first pass p50 {words_cold.p50:.1f}  p95 {words_cold.p95:.1f}; first call, every segment's terms read: {words_build:.1f} s)")
        names, batch_seconds = run_batch(archive)
        scaled["batch_seconds"], scaled["batch_lines"] = batch_seconds, names
        say(f"    batch of {names} person names: {batch_seconds:.1f} s")
        export_big, export_small = export_memory(query_index, total), export_memory(query_index, max(1, total // 10))
        scaled.update({"export_rows": export_big["rows"], "export_seconds": export_big["seconds"], "export_peak_mb": export_big["peak_mb"],
                       "export_small_peak_mb": export_small["peak_mb"]})
        say(f"    CSV export of {export_big['rows']} rows: {export_big['seconds']:.1f} s, peak RSS {export_big['peak_mb']:.0f} MB "
            f"(of {export_small['rows']} rows: {export_small['peak_mb']:.0f} MB; a fresh process, as `newsarchive search --format csv --all`)")

    # 8. the first search after a start, at two sizes
    growth = first_query_growth(facet_articles, work, args.growth_sizes, workers=args.workers, batch=args.batch_size) if args.growth_sizes else {}
    if growth:
        small, large = min(growth), max(growth)
        say("[8] first faceted query after opening (fresh process, imports excluded), median of 3:")
        for size, (mapped, read) in sorted(growth.items()):
            say(f"    {size} articles: {mapped:.3f} s with the segments' arrays files, {read:.3f} s reading the segments (without them)")
        if large != small:
            say(f"    growth {large}/{small}: x{growth[large][0] / growth[small][0]:.2f} with the arrays files (target at most x1.6), "
                f"x{growth[large][1] / growth[small][1]:.2f} without")

    own, children = peak_mb()
    say(f"peak memory (ru_maxrss): bench process {own:.0f} MB at the end (it holds every article, the FTS5 tables and the query "
        f"caches), {indexing_peak:.0f} MB after indexing; largest worker {children:.0f} MB; total time {time.perf_counter() - bench_started:.0f} s")
    summary = {
        "articles": len(facet_articles),
        "index_aps": round(with_entities.rate, 1),
        "entities_articles": with_entities.articles,
        "index_aps_no_entities": round(no_entities.rate, 1),
        "cpu_ms_per_article_no_entities": round(no_entities.cpu / max(1, no_entities.articles) * 1000, 2),
        **{f"stage_{k}_ms": round(v, 2) for k, v in costs.items()},
        "index_mb": round(light_mb, 1),
        "index_peak_mb": round(indexing_peak),
        "peak_mb": round(own),
        "worker_peak_mb": round(children),
        "p50_ms": round(warm.p50, 2),
        "p95_ms": round(warm.p95, 2),
        "cold_p95_ms": round(cold.p95, 2),
        "fts5_p50_ms": round(fts.p50, 2),
        "fts5_p95_ms": round(fts.p95, 2),
        "p50_ratio": round(warm.p50 / fts.p50, 2),
        "mrr10": round(mrr[default][0], 3),
        "mrr10_light": round(mrr["light"][0], 3),
        "mrr10_snowball": round(mrr["snowball"][0], 3),
        "fts5_mrr10": round(fts_mrr, 3),
        "long_p95_ms": round(long_times.p95, 1),
        "fts5_long_p95_ms": round(fts_long.p95, 1),
    }
    for size, (mapped, read) in sorted(growth.items()):
        summary[f"first_query_{size // 1000}k_s"] = round(mapped, 3)
        summary[f"first_query_{size // 1000}k_no_arrays_s"] = round(read, 3)
    if len(growth) > 1:
        summary["first_query_growth"] = round(growth[max(growth)][0] / growth[min(growth)][0], 2)
        summary["first_query_growth_no_arrays"] = round(growth[max(growth)][1] / growth[min(growth)][1], 2)
    if scaled:
        summary.update({
            "scale_articles": scaled["articles"],
            "scale_p50_ms": round(scaled["p50"], 2),
            "scale_p95_ms": round(scaled["p95"], 2),
            "scale_fts5_p50_ms": round(scaled["fts_p50"], 2),
            "scale_long_p95_ms": round(scaled["long_p95"], 1),
            "trend6_p95_ms": round(scaled["trend_p95"], 1),
            "words_p50_ms": round(scaled["words_p50"], 1),
            "words_p95_ms": round(scaled["words_p95"], 1),
            "words_build_s": round(scaled["words_build"], 1),
            "batch_lines": scaled["batch_lines"],
            "batch_s": round(scaled["batch_seconds"], 1),
            "export_rows": scaled["export_rows"],
            "export_peak_mb": round(scaled["export_peak_mb"]),
            "export_small_peak_mb": round(scaled["export_small_peak_mb"]),
        })
    summary["load_avg"] = round(os.getloadavg()[0], 1)
    if not args.workdir:
        for name in ("light-index", f"{other}-index"):
            shutil.rmtree(work / name, ignore_errors=True)
        if not args.keep_index:
            shutil.rmtree(work, ignore_errors=True)
    print(" ".join(f"{k}={v}" for k, v in summary.items()), flush=True)
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The bench's flags: corpus, sizes, phases."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSON lines corpus (OrangeSum)")
    parser.add_argument("--limit", type=int, default=10_000, help="articles to index (0: all)")
    parser.add_argument("--entities-limit", type=int, default=2_000, help="articles indexed with entity extraction (0: all)")
    parser.add_argument("--known-items", type=int, default=500, help="known-item queries")
    parser.add_argument("--reps", type=int, default=5, help="measured passes over the query list")
    parser.add_argument("--scale", type=int, default=4, help="grow the query index this many times (1: skip)")
    parser.add_argument("--growth-sizes", type=lambda v: [int(x) for x in v.split(",") if x], default=[2_000, 16_000],
                        help="index sizes at which the first query after opening is timed (empty: skip)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--batch-size", type=int, default=2000, help="articles per commit (as `newsarchive index`)")
    parser.add_argument("--workdir", help="keep every index here instead of a temporary folder")
    parser.add_argument("--keep-index", help="build the query index here and keep it (for bench/load.py)")
    parser.add_argument("--verbose", action="store_true", help="hits per query for both systems")
    return parser.parse_args(argv)


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
