"""Articles read per second from a press-database export, beside the same articles as JSON lines.

The first N OrangeSum articles are written twice: as one Europresse export in the current
(rdp__) layout, with its furniture (cover, header, illustrations, certificate, copyright),
and as JSON lines. Each file is then read and extracted (no entities, no index) as
`newsarchive index` does, alternating the two for `--rounds` rounds; the figures are the
medians. Splitting an export and parsing its HTML is the cost this measures.

    .venv/bin/python bench/bench_exports.py [--articles 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from newsarchive.index.article import Article
from newsarchive.index.extraction.extract import extract
from newsarchive.index.inputs.readers import read

ORANGESUM = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus" / "orangesum.jsonl.gz"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre")


def records(path: Path, n: int) -> list[dict]:
    found = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("article") and row.get("title"):
                found.append(row)
            if len(found) == n:
                break
    return found


def europresse_article(i: int, row: dict) -> str:
    e = html.escape
    day = dt.date.fromisoformat(str(row.get("date") or "2019-01-01")[:10])
    header = f"Actualité, {day.day} {MONTHS[day.month - 1]} {day.year} {len(row['article'].split())} mots, p. {1 + i % 30}"
    paragraphs = "".join(f"<p>{e(p)}</p>" for p in row["article"].split("\n") if p.strip())
    return f"""<article>
  <header>
    <div class="rdp__DocPublicationName"><span class="DocPublicationName">Orange Actualités, no. {40000 + i}</span></div>
    <div class="rdp__DocHeader"><span class="DocHeader">{e(header)}</span></div>
    <div class="titreArticle"><p class="sm-margin-TopNews titreArticleVisu rdp__articletitle">{e(row["title"])}</p>
      <p class="sm-margin-TopNews rdp__subtitle">{e(row.get("heading") or "")}</p></div>
    <p class="sm-margin-bottomNews">Par la rédaction</p>
  </header>
  <section><div class="DocText clearfix"><div class="docOcurrContainer">{paragraphs}</div></div></section>
  <aside><div class="rdp__illustrations"><p class="sm-margin-bottomNews">Illustration(s) :</p><p>Photo d'illustration.</p></div></aside>
  <footer>
    <div class="Doc-LegalInfo"><small>© {day.year} Orange. Tous droits réservés.</small></div>
    <div class="publiC-lblNodoc">news·{day:%Y%m%d}·OR·{1000000 + i}</div>
    <div class="publiC-lblCertificatIssued">Certificat émis le 5 avril 2023 à UNIVERSITE-EXEMPLE à des fins de visualisation personnelle et temporaire.</div>
  </footer>
</article>
"""


def write_inputs(rows: list[dict], folder: Path) -> tuple[Path, Path]:
    export = folder / "export.HTML"
    cover = (f'<div class="rdp__cover"><div class="rdp__cover-title">Documents sauvegardés</div>'
             f'<div class="rdp__cover-count">{len(rows)} documents</div></div>')
    export.write_text('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Europresse.com</title></head><body>\n'
                      + cover + "".join(europresse_article(i, r) for i, r in enumerate(rows)) + "</body></html>\n", "utf-8")
    lines = folder / "articles.jsonl"
    lines.write_text("".join(json.dumps({"title": r["title"], "heading": r.get("heading"), "text": r["article"], "date": r.get("date"),
                                         "source": "Orange Actualités", "author": "Par la rédaction"}, ensure_ascii=False) + "\n"
                             for r in rows), "utf-8")
    return export, lines


def read_rate(path: Path) -> tuple[int, float]:
    """(articles, articles per second of CPU) reading and extracting one file."""
    started = time.process_time()
    articles = sum(isinstance(extract(record), Article) for record in read(path) if not hasattr(record, "reason"))
    return articles, articles / max(time.process_time() - started, 1e-9)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ORANGESUM)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"{args.corpus} is absent: nothing to measure", file=sys.stderr)
        return 0
    rows = records(args.corpus, args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        export, lines = write_inputs(rows, Path(tmp))
        rates: dict[str, list[float]] = {"europresse": [], "jsonl": []}
        counts = {}
        for _ in range(args.rounds):
            for name, path in (("europresse", export), ("jsonl", lines)):
                counts[name], rate = read_rate(path)
                rates[name].append(rate)
        size = export.stat().st_size / 1e6
    print(f"exports: {len(rows)} OrangeSum articles as one Europresse export ({size:.1f} MB) and as JSON lines, "
          f"read and extracted (no entities), median of {args.rounds} alternating rounds, CPU time")
    for name in rates:
        print(f"  {name:<10} {counts[name]:>5} articles  {statistics.median(rates[name]):7.1f} articles/s "
              f"(rounds {min(rates[name]):.1f}-{max(rates[name]):.1f})")
    ratio = statistics.median(rates["europresse"]) / statistics.median(rates["jsonl"])
    print(f"  europresse / jsonl: {ratio:.2f}")
    return 0 if counts["europresse"] == counts["jsonl"] == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
