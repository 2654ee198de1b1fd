"""Extraction quality on real French news pages: the project's extractor vs plain trafilatura.

    .venv/bin/python bench/eval_extraction.py [--limit N] [--workers N] [--data DIR]

Scoring follows ../shared/README.md:
- body: bag-of-words precision / recall / F1 of the extracted body against the gold body
  (lower-cased `\\w+` tokens, counted with multiplicity), averaged over pages. The gold
  body is `heading` + `article` of gold.jsonl: the heading is the standfirst the page
  prints as the article's first paragraph (both extractors keep it); the gold `title` is
  scored on its own, so it is not part of the body for either side. A page an extractor
  returns nothing for scores 0;
- title: exact match with the gold title after whitespace normalisation only (runs of
  spaces collapsed, ends stripped; case, accents and punctuation must match);
- date: the publication date equals the gold date of dates-fr (gold_dates_fr.json).

Both sides read the same bytes: the project through `readers.read` + `extract.extract`
(what `newsarchive index` does, without entities), trafilatura through
`trafilatura.extract(bytes)` for the body, `bare_extraction` for the title and
`htmldate.find_date` (trafilatura's date finder, its defaults) for the date. Neither is
given the gold URL: an archived .html file does not come with one.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "extraction"
PAGES = "orangesum-dev"
DATES = "dates-fr"

_TOKEN = re.compile(r"\w+")


# --- scoring ------------------------------------------------------------------------------


def bag(text: str | None) -> Counter:
    """The lower-cased `\\w+` tokens of a text, with their counts."""
    return Counter(_TOKEN.findall((text or "").lower()))


def prf(predicted: str | None, gold: str | None) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 of `predicted` against `gold` (multiset overlap)."""
    pred, ref = bag(predicted), bag(gold)
    overlap = sum((pred & ref).values())
    p = overlap / sum(pred.values()) if pred else 0.0
    r = overlap / sum(ref.values()) if ref else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def same_title(predicted: str | None, gold: str | None) -> bool:
    """Exact title match after whitespace normalisation only."""
    return " ".join((predicted or "").split()) == " ".join((gold or "").split())


def gold_body(row: dict) -> str:
    """The gold body of an orangesum-dev page: heading, then article."""
    return "\n".join(part for part in (row.get("heading"), row.get("article")) if part)


# --- one page, both extractors ------------------------------------------------------------


@dataclass
class PageScore:
    """Scores of one page for the project and for plain trafilatura."""

    file: str
    project: tuple[float, float, float]
    trafilatura: tuple[float, float, float]
    project_title: bool
    trafilatura_title: bool
    suffixed_gold_title: bool  # the gold is the project's title plus a site suffix (the page's <title>)


def project_article(path: Path):
    """What `newsarchive index` makes of a file (first record), without entities; None on failure."""
    from newsarchive.index.article import Article, RawRecord
    from newsarchive.index.extraction.extract import extract
    from newsarchive.index.inputs.readers import read

    record = next(iter(read(path)), None)
    if not isinstance(record, RawRecord):
        return None
    article = extract(record)
    return article if isinstance(article, Article) else None


def trafilatura_plain(data: bytes) -> tuple[str | None, str | None]:
    """Plain trafilatura on the page's bytes: (body from `extract`, title from `bare_extraction`)."""
    import trafilatura

    body = trafilatura.extract(data)
    doc = trafilatura.bare_extraction(data, with_metadata=True)
    title = getattr(doc, "title", None) if doc is not None else None
    return body, title


def read_bytes(path: Path) -> bytes:
    """The bytes of a page file, gunzipped if its name ends in .gz."""
    import gzip

    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def score_page(args: tuple[str, dict]) -> PageScore:
    """Score one orangesum-dev page for both extractors."""
    folder, row = args
    path = Path(folder) / row["file"]
    gold = gold_body(row)
    article = project_article(path)
    body, title = trafilatura_plain(read_bytes(path))
    return PageScore(
        file=row["file"],
        project=prf(article.text if article else None, gold),
        trafilatura=prf(body, gold),
        project_title=same_title(article.title if article else None, row["title"]),
        trafilatura_title=same_title(title, row["title"]),
        suffixed_gold_title=bool(article and article.title) and _has_site_suffix(row["title"], article.title),
    )


def _has_site_suffix(gold: str, title: str) -> bool:
    # "Carlos Sainz reçoit sa McLaren : actualité automobile, infos, scoop" for "Carlos Sainz reçoit sa McLaren"
    gold, title = " ".join(gold.split()), " ".join(title.split())
    return gold != title and gold.startswith(title) and gold[len(title):].lstrip().startswith((":", "|", "-", "–"))


# --- dates ----------------------------------------------------------------------------------


@dataclass
class DateScore:
    """Date of one dates-fr page: gold, the project's, and plain htmldate's."""

    file: str
    gold: str
    project: str | None
    htmldate: str | None


def score_date(args: tuple[str, str, str]) -> DateScore:
    """The project's and plain htmldate's date for one dates-fr page."""
    from htmldate import find_date

    folder, file, gold = args
    path = Path(folder) / file
    article = project_article(path)
    project = article.date.isoformat() if article and article.date else None
    try:
        plain = find_date(read_bytes(path))
    except Exception:  # noqa: BLE001 - a library failure on one page counts as a miss
        plain = None
    return DateScore(file, gold, project, plain)


# --- runs -----------------------------------------------------------------------------------


def load_gold(folder: Path, limit: int | None = None, every: int = 1) -> list[dict]:
    """The gold rows of orangesum-dev (every `every`-th one, at most `limit`), in file order."""
    rows = [json.loads(line) for line in (folder / "gold.jsonl").read_text("utf-8").splitlines() if line.strip()]
    rows = sorted(rows, key=lambda r: r["file"])[::every]
    return rows[:limit] if limit else rows


def load_date_gold(folder: Path) -> list[tuple[str, str]]:
    """(file, gold date) of the dates-fr pages."""
    gold = json.loads((folder / "gold_dates_fr.json").read_text("utf-8"))
    return sorted((entry["file"], entry["date"]) for entry in gold.values())


def _map(function, items: Sequence, workers: int) -> list:
    if workers <= 1 or len(items) < 8:
        return [function(item) for item in items]
    # fork: workers inherit the imported modules instead of importing them again.
    with get_context("fork").Pool(workers) as pool:
        return pool.map(function, items, chunksize=4)


def evaluate_pages(folder: Path, rows: Sequence[dict], workers: int = 1) -> list[PageScore]:
    """Score every page of `rows` for both extractors."""
    return _map(score_page, [(str(folder), row) for row in rows], workers)


def evaluate_dates(folder: Path, workers: int = 1) -> list[DateScore]:
    """The project's and htmldate's date on every dates-fr page."""
    return _map(score_date, [(str(folder), file, date) for file, date in load_date_gold(folder)], workers)


def mean(values: Iterable[float]) -> float:
    """The arithmetic mean (0 for nothing)."""
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def summarize(pages: Sequence[PageScore], dates: Sequence[DateScore]) -> dict[str, float]:
    """The figures the issue asks for, as a flat dict of key -> value."""
    figures: dict[str, float] = {"pages": len(pages)}
    for side in ("project", "trafilatura"):
        for i, name in enumerate(("p", "r", "f1")):
            figures[f"{side}_{name}"] = mean(getattr(s, side)[i] for s in pages)
        figures[f"{side}_title"] = mean(float(getattr(s, f"{side}_title")) for s in pages)
    figures["f1_ratio"] = figures["project_f1"] / figures["trafilatura_f1"] if figures["trafilatura_f1"] else 0.0
    figures["date_pages"] = len(dates)
    figures["project_date"] = mean(float(d.project == d.gold) for d in dates)
    figures["htmldate_date"] = mean(float(d.htmldate == d.gold) for d in dates)
    return figures


def report(figures: dict[str, float], pages: Sequence[PageScore], dates: Sequence[DateScore], seconds: float, verbose: bool) -> str:
    """A readable table, optional per-page detail, and one closing line of key=value pairs."""
    f = figures
    lines = [
        f"orangesum-dev: {f['pages']} pages   dates-fr: {f['date_pages']} pages",
        "",
        f"{'':24}{'project':>10}{'trafilatura':>13}{'ratio':>8}",
        f"{'body precision':24}{f['project_p']:>10.4f}{f['trafilatura_p']:>13.4f}{_ratio(f['project_p'], f['trafilatura_p']):>8}",
        f"{'body recall':24}{f['project_r']:>10.4f}{f['trafilatura_r']:>13.4f}{_ratio(f['project_r'], f['trafilatura_r']):>8}",
        f"{'body F1':24}{f['project_f1']:>10.4f}{f['trafilatura_f1']:>13.4f}{_ratio(f['project_f1'], f['trafilatura_f1']):>8}",
        f"{'title exact match':24}{f['project_title']:>10.4f}{f['trafilatura_title']:>13.4f}{_ratio(f['project_title'], f['trafilatura_title']):>8}",
        f"{'date accuracy (dates-fr)':24}{f['project_date']:>10.4f}{f['htmldate_date']:>13.4f}{_ratio(f['project_date'], f['htmldate_date']):>8}",
        "  (the date column for trafilatura is plain htmldate.find_date, which trafilatura calls)",
    ]
    misses = [s for s in pages if not s.project_title]
    suffixed = sum(s.suffixed_gold_title for s in misses)
    lines.append(f"  title misses: {len(misses)}, of which {suffixed} are a gold title = the headline + a site suffix (the page's <title>)")
    if verbose:
        worst = sorted(pages, key=lambda s: s.project[2] - s.trafilatura[2])[:15]
        lines += ["", "pages where the project trails trafilatura most (file: project F1 / trafilatura F1):"]
        lines += [f"  {s.file}: {s.project[2]:.3f} / {s.trafilatura[2]:.3f}" for s in worst]
        lines += ["", "dates the project gets wrong (file: gold / project / htmldate):"]
        lines += [f"  {d.file}: {d.gold} / {d.project} / {d.htmldate}" for d in dates if d.project != d.gold]
    lines += ["", " ".join(f"{k}={_fmt(v)}" for k, v in {**f, "seconds": seconds}.items())]
    return "\n".join(lines)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "-"


def _fmt(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:.4f}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation and print the table; exit 2 when the data is absent."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder holding orangesum-dev/ and dates-fr/")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N orangesum-dev pages")
    parser.add_argument("--every", type=int, default=1, help="score every N-th page (a fixed, spread subset)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list the worst pages and the wrong dates")
    args = parser.parse_args(argv)
    if not (args.data / PAGES / "gold.jsonl").is_file() or not (args.data / DATES / "gold_dates_fr.json").is_file():
        print(f"evaluation data absent under {args.data} (it lives in ../shared/data/extraction beside the project)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    pages = evaluate_pages(args.data / PAGES, load_gold(args.data / PAGES, args.limit, args.every), args.workers)
    dates = evaluate_dates(args.data / DATES, args.workers)
    seconds = round(time.perf_counter() - started, 1)
    print(report(summarize(pages, dates), pages, dates, seconds, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
