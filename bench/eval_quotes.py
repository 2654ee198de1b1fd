"""Speaker attribution of quotations, checked by hand on real articles.

    .venv/bin/python bench/eval_quotes.py            # precision against the hand judgements
    .venv/bin/python bench/eval_quotes.py --sample   # print a fresh sample to judge

The sample is drawn (fixed seed) from the attributed quotations the indexer finds in
../shared/data/corpus/gilets-jaunes.jsonl.gz. Each was read in its article by a person
and judged right or wrong; the judgements live in tests/data/quotes_judged.jsonl
(article URL, the quotation's first words, the speaker given, right or wrong). This
script re-runs the extraction and reports precision over the judged quotations that
the current code still attributes the same way, and lists any that changed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "gilets-jaunes.jsonl.gz"
JUDGED = ROOT / "tests" / "data" / "quotes_judged.jsonl"


def attributed_quotes(limit: int) -> list[dict]:
    """Every attributed quotation in the first `limit` articles of the corpus, with context."""
    from newsarchive.index.annotation.quotes import extract_quotes
    from newsarchive.index.article import Article, RawRecord
    from newsarchive.index.entities import EntityExtractor
    from newsarchive.index.extraction.extract import extract

    rows = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= limit:
                break
            raw = line.strip().encode("utf-8")
            article = extract(RawRecord(origin=f"{CORPUS.name}:{i + 1}", kind="fields", fields=json.loads(line), raw=raw))
            if isinstance(article, Article):
                rows.append(article)
    EntityExtractor().annotate(rows)
    found = []
    for article in rows:
        for q in extract_quotes(article.text, article.persons):
            if q.speaker:
                at = article.text.find(q.text[:40])
                found.append({
                    "url": article.url,
                    "starts": " ".join(q.text.split()[:8]),
                    "speaker": q.speaker,
                    "context": article.text[max(0, at - 300): at + len(q.text) + 200],
                })
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", action="store_true", help="print a sample of quotations to judge")
    parser.add_argument("--articles", type=int, default=1500, help="articles of the corpus to read")
    parser.add_argument("--size", type=int, default=60)
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"{CORPUS} is absent", file=sys.stderr)
        return 2
    found = attributed_quotes(args.articles)
    print(f"articles read: {args.articles}; attributed quotations found: {len(found)}")
    if args.sample:
        random.Random(7).shuffle(found)
        for q in found[: args.size]:
            print(json.dumps({"url": q["url"], "starts": q["starts"], "speaker": q["speaker"]}, ensure_ascii=False))
            print("    ", q["context"].replace("\n", " "))
        return 0
    judged = [json.loads(line) for line in JUDGED.read_text("utf-8").splitlines() if line.strip()]
    now = {(q["url"], q["starts"]): q["speaker"] for q in found}
    same = [j for j in judged if now.get((j["url"], j["starts"])) == j["speaker"]]
    judged_now = {(j["url"], j["starts"]) for j in same}
    # A quotation may carry several judgements (it was re-judged when the rules changed);
    # list only the ones whose current attribution nobody has judged yet.
    changed = [j for j in judged if (j["url"], j["starts"]) not in judged_now]
    changed = list({(j["url"], j["starts"]): j for j in changed}.values())
    right = sum(j["correct"] for j in same)
    precision = right / len(same) if same else 0.0
    print(f"judgements: {len(judged)}; quotations attributed as judged today: {len(same)}; right: {right}")
    for j in changed:
        print(f"  changed since judged: {j['starts']!r}: was {j['speaker']!r}, now {now.get((j['url'], j['starts']))!r}")
    print(f"quotes_judged={len(same)} quotes_right={right} quote_precision={precision:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
