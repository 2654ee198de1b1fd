"""spaCy's spans of a corpus, kept in a file, so the entity rules can be re-run and timed without the model.

    .venv/bin/python bench/span_cache.py build CORPUS OUT [--limit N]   # extraction + spaCy NER, once (~45 ms/article)
    .venv/bin/python bench/span_cache.py time OUT [--limit 1000]        # the rules alone (annotate_from_spans), ms/article

The model is the slow part of the entity stage (about 45 ms an article on one core,
against 8 to 9 ms for every rule after it): a change to the person, organisation or
country rules need not pay for it again. `build` reads CORPUS as `newsarchive index`
does (extraction without entities), runs the model on the text indexing gives it (title
and body) and writes each article's metadata, that text and its spans to OUT (pickle,
gzipped). `time` runs `annotate_from_spans`, the rules indexing runs, over the kept
spans and prints the time per article, the best of three passes. `articles` gives the
annotated articles back, for scripts that read what the rules make of a corpus.
"""

from __future__ import annotations

import argparse
import gzip
import pickle
import sys
import time
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path

from newsarchive.index.article import Article
from newsarchive.index.entities import annotate_from_spans

Span = tuple[int, int, str, str]


def build(corpus: Path, out: Path, limit: int | None = None) -> int:
    """Extract the corpus's articles, run spaCy's NER on each, and keep (article without entities, text, spans); returns the count."""
    from newsarchive.index.entities import load_nlp, ner_spans
    from newsarchive.index.entities.ner import ner_text
    from newsarchive.index.indexing.pipeline import process, records

    articles = [a for a in process(islice(records([corpus]), limit), workers=1, with_entities=False) if isinstance(a, Article)]
    texts = [ner_text(a) for a in articles]
    nlp = load_nlp()
    kept = []
    for article, text, doc in zip(articles, texts, nlp.pipe(texts, batch_size=32), strict=True):
        article.raw, article.signature = b"", None
        kept.append((article, text, ner_spans(doc)))
    with gzip.open(out, "wb") as f:
        pickle.dump(kept, f, protocol=pickle.HIGHEST_PROTOCOL)
    return len(kept)


def load(path: Path, limit: int | None = None) -> list[tuple[Article, str, list[Span]]]:
    """The kept (article, text, spans) triples, the first `limit` of them."""
    with gzip.open(path, "rb") as f:
        return pickle.load(f)[:limit]  # a file this script wrote


def articles(path: Path, limit: int | None = None) -> Iterator[Article]:
    """The kept articles with the current rules' persons, countries and organisations."""
    for article, text, spans in load(path, limit):
        annotate_from_spans(article, text, spans)
        yield article


def time_rules(path: Path, limit: int = 1000, passes: int = 3) -> float:
    """Milliseconds per article of `annotate_from_spans` over the kept spans: the best of `passes` passes."""
    kept = load(path, limit)
    for article, text, spans in kept[:20]:
        annotate_from_spans(article, text, spans)  # word lists and gazetteers load on first use
    best = float("inf")
    for _ in range(passes):
        started = time.process_time()
        for article, text, spans in kept:
            annotate_from_spans(article, text, spans)
        best = min(best, time.process_time() - started)
    return 1000 * best / max(1, len(kept))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("build", help="extract a corpus and keep its spaCy spans")
    make.add_argument("corpus", type=Path)
    make.add_argument("out", type=Path)
    make.add_argument("--limit", type=int, default=None, help="only the first N records")
    timing = sub.add_parser("time", help="time the rules over kept spans")
    timing.add_argument("cache", type=Path)
    timing.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.command == "build":
        started = time.perf_counter()
        n = build(args.corpus, args.out, args.limit)
        print(f"{n} articles kept in {args.out} ({time.perf_counter() - started:.0f} s)")
        return 0
    ms = time_rules(args.cache, args.limit)
    print(f"rules (annotate_from_spans), {min(args.limit, len(load(args.cache)))} articles: {ms:.2f} ms/article (CPU, best of 3)")
    print(f"rules_ms_per_article={ms:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
