"""Person and country facet quality on French Wikinews (WiNER dev), project vs raw spaCy.

    .venv/bin/python bench/eval_entities.py [--limit N] [--winer PATH] [--gold PATH]
    .venv/bin/python bench/eval_entities.py --speed 1000 [--workers 2]   # articles/s on orangesum

Scoring follows ../shared/README.md:
- persons: per article, gold persons are the Person spans, a shorter mention merged into
  the longer one that contains its words; a predicted name is right when its folded form
  equals one of that person's mentions (each gold person matched at most once, so a
  person split in two facet values costs precision);
- countries (WiNER): gold codes from Location spans that are a CLDR French country name;
  scored as recall (that gold has no demonyms, capitals or regions);
- countries (hand): tests/data/countries_gold.jsonl, articles labelled by reading them
  (names, demonyms, capitals, cities, regions count; organisations, newspapers and
  persons named after a country do not); precision and recall, for each split: "dev"
  (50 articles, every 12th from the 6th, also used to find errors while writing the
  rules) and "heldout" (every 12th from the 12th, labelled after the rules were frozen).

The baseline is raw spaCy fr_core_news_sm: every PER span is a person (no cleaning, no
merging), and LOC spans that are a CLDR French country name are the countries.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from newsarchive.index.article import Article
from newsarchive.index.countries import country_labels
from newsarchive.index.entities import MODEL, annotate_from_spans, load_nlp, ner_spans
from newsarchive.index.text import fold

ROOT = Path(__file__).resolve().parents[1]
WINER = ROOT.parent / "shared" / "data" / "entities" / "winer-dev.jsonl"
ORANGESUM = ROOT.parent / "shared" / "data" / "corpus" / "orangesum.jsonl.gz"
HAND_GOLD = ROOT / "tests" / "data" / "countries_gold.jsonl"
BASELINE_MODEL = "fr_core_news_sm"

Span = tuple[int, int, str, str]


# --- gold ---------------------------------------------------------------------------------


def load_jsonl(path: Path) -> list[dict]:
    """The JSON objects of a JSON-lines file."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def gold_persons(doc: dict) -> list[set[str]]:
    """The article's persons, each as the set of its folded mentions (shorter merged into longer)."""
    names = {fold(e["text"]) for e in doc["entities"] if e["type"] == "Person"} - {""}
    persons: list[set[str]] = []
    heads: list[set[str]] = []  # the words of each person's longest mention
    for name in sorted(names, key=lambda n: (-len(n.split()), n)):
        words = set(name.split())
        for mentions, head in zip(persons, heads, strict=True):
            if words <= head:
                mentions.add(name)
                break
        else:
            persons.append({name})
            heads.append(words)
    return persons


def _country_names() -> dict[str, str]:
    # Folded CLDR French name -> code; a leading article in the span is tolerated ("la France").
    return {fold(name): code for code, name in country_labels().items()}


def codes_of_names(spans: Iterable[str]) -> set[str]:
    """The codes of the spans that are a CLDR French country name (folded equality)."""
    names = _country_names()
    found = set()
    for text in spans:
        key = fold(text)
        for article in ("la ", "le ", "les ", "l "):
            if key.startswith(article) and key[len(article):] in names:
                key = key[len(article):]
        if key in names:
            found.add(names[key])
    return found


def gold_countries(doc: dict) -> set[str]:
    """Codes of the Location spans that name a country."""
    return codes_of_names(e["text"] for e in doc["entities"] if e["type"] == "Location")


# --- scores -------------------------------------------------------------------------------


@dataclass
class Counts:
    """True positives, false positives and false negatives, summed over articles."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def person_counts(predicted: Sequence[str], gold: Sequence[set[str]]) -> tuple[int, int, int]:
    """(tp, fp, fn) of predicted names against gold persons, each gold person matched once."""
    unmatched = list(range(len(gold)))
    tp = 0
    for name in dict.fromkeys(fold(n) for n in predicted):
        hit = next((i for i in unmatched if name in gold[i]), None)
        if hit is not None:
            unmatched.remove(hit)
            tp += 1
    distinct = len(dict.fromkeys(fold(n) for n in predicted))
    return tp, distinct - tp, len(unmatched)


def set_counts(predicted: set[str], gold: set[str]) -> tuple[int, int, int]:
    """(tp, fp, fn) of two sets of codes."""
    return len(predicted & gold), len(predicted - gold), len(gold - predicted)


# --- systems ------------------------------------------------------------------------------


@dataclass
class Prediction:
    """One system's persons and country codes for one article."""

    persons: list[str] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)


def baseline_prediction(spans: Sequence[Span]) -> Prediction:
    """Raw spaCy: PER spans as persons, LOC spans that are country names as countries."""
    persons = [text for _, _, label, text in spans if label == "PER"]
    countries = codes_of_names(text for _, _, label, text in spans if label == "LOC")
    return Prediction(persons, countries)


def project_prediction(doc: dict, text: str, spans: Sequence[Span]) -> Prediction:
    """The project's entity stage (the same function indexing runs) on one article."""
    article = Article(id=doc["id"], title="", text=text)
    annotate_from_spans(article, text, spans)
    return Prediction([p.name for p in article.persons], {c.code for c in article.countries})


def run_ner(nlp, texts: Sequence[str]) -> list[list[Span]]:
    """NER spans of each text, in batches."""
    return [ner_spans(doc) for doc in nlp.pipe(texts, batch_size=32)]


# --- report -------------------------------------------------------------------------------


SPLITS = ("dev", "heldout")


@dataclass
class Report:
    """Every figure of one system."""

    persons: Counts = field(default_factory=Counts)
    winer_countries: Counts = field(default_factory=Counts)
    hand: dict[str, Counts] = field(default_factory=lambda: {split: Counts() for split in SPLITS})
    seconds: float = 0.0


def evaluate(docs: Sequence[dict], hand: dict[str, tuple[str, set[str]]], model: str = MODEL, with_baseline: bool = True) -> dict[str, Report]:
    """Score the project (and the raw spaCy baseline) on WiNER docs and the hand-labelled codes."""
    texts = [d["text"] for d in docs]
    reports = {"project": Report()}
    started = time.perf_counter()
    project_spans = run_ner(load_nlp(model), texts)
    reports["project"].seconds = time.perf_counter() - started
    baseline_spans = project_spans
    if with_baseline:
        reports["baseline"] = Report()
        if model != BASELINE_MODEL:
            started = time.perf_counter()
            baseline_spans = run_ner(load_nlp(BASELINE_MODEL), texts)
            reports["baseline"].seconds = time.perf_counter() - started
        else:
            reports["baseline"].seconds = reports["project"].seconds
    for doc, text, p_spans, b_spans in zip(docs, texts, project_spans, baseline_spans, strict=True):
        persons, countries = gold_persons(doc), gold_countries(doc)
        predictions = {"project": project_prediction(doc, text, p_spans)}
        if with_baseline:
            predictions["baseline"] = baseline_prediction(b_spans)
        for name, pred in predictions.items():
            report = reports[name]
            report.persons.add(*person_counts(pred.persons, persons))
            report.winer_countries.add(*set_counts(pred.countries, countries))
            if doc["id"] in hand:
                split, codes = hand[doc["id"]]
                report.hand[split].add(*set_counts(pred.countries, codes))
    return reports


def load_hand_gold(path: Path = HAND_GOLD) -> dict[str, tuple[str, set[str]]]:
    """Article id -> (split, country codes), from the hand-labelled fixture."""
    return {row["id"]: (row["split"], set(row["countries"])) for row in load_jsonl(path)}


def table(reports: dict[str, Report], n_docs: int, n_hand: dict[str, int]) -> str:
    """A readable table of the figures, one column per system."""
    names = list(reports)
    rows = [
        ("person precision", lambda r: r.persons.precision),
        ("person recall", lambda r: r.persons.recall),
        ("person F1", lambda r: r.persons.f1),
        ("country recall (WiNER names)", lambda r: r.winer_countries.recall),
    ]
    for split in SPLITS:
        rows += [
            (f"country precision (hand {split}, {n_hand[split]} art.)", lambda r, s=split: r.hand[s].precision),
            (f"country recall (hand {split}, {n_hand[split]} art.)", lambda r, s=split: r.hand[s].recall),
        ]
    lines = [f"WiNER dev: {n_docs} articles", f"{'':44}" + "".join(f"{n:>12}" for n in names)]
    lines += [f"{label:44}" + "".join(f"{get(reports[n]):12.3f}" for n in names) for label, get in rows]
    lines.append(f"{'NER seconds (wall)':44}" + "".join(f"{reports[n].seconds:12.1f}" for n in names))
    return "\n".join(lines)


def summary(reports: dict[str, Report]) -> str:
    """One line of key=value pairs (project figures, then baseline figures prefixed `base_`)."""
    parts = []
    for name, prefix in (("project", ""), ("baseline", "base_")):
        if name not in reports:
            continue
        r = reports[name]
        parts += [
            f"{prefix}person_p={r.persons.precision:.3f}",
            f"{prefix}person_r={r.persons.recall:.3f}",
            f"{prefix}person_f1={r.persons.f1:.3f}",
            f"{prefix}country_recall={r.winer_countries.recall:.3f}",
        ]
        for split in SPLITS:
            parts += [f"{prefix}hand_{split}_p={r.hand[split].precision:.3f}", f"{prefix}hand_{split}_r={r.hand[split].recall:.3f}"]
    return " ".join(parts)


# --- speed --------------------------------------------------------------------------------


def speed(n: int, workers: int, corpus: Path = ORANGESUM) -> str:
    """Articles per second of extraction with entities (`newsarchive extract`'s work) on the first n articles."""
    from newsarchive.index.entities import EntityExtractor
    from newsarchive.index.pipeline import process, records

    articles = [a for a in process(islice(records([corpus]), n), workers=1, with_entities=False) if isinstance(a, Article)]
    extractor = EntityExtractor()
    extractor.annotate(articles[:8])  # warm up: the first batch pays for lazy loading
    cpu, wall = time.process_time(), time.perf_counter()
    extractor.annotate(articles)
    entity_cpu, entity_wall = time.process_time() - cpu, time.perf_counter() - wall
    started = time.perf_counter()
    done = sum(1 for a in process(islice(records([corpus]), n), workers=workers) if isinstance(a, Article))
    pipeline_wall = time.perf_counter() - started
    words = sum(len(a.text.split()) for a in articles) / max(1, len(articles))
    return (
        f"orangesum: {len(articles)} articles, {words:.0f} words each on average\n"
        f"entity stage alone, 1 process: {len(articles) / entity_wall:.1f} articles/s wall, {len(articles) / entity_cpu:.1f} per CPU-second\n"
        f"extract with entities, {workers} process(es) (model loading included): {done / pipeline_wall:.1f} articles/s\n"
        f"speed_entity_cpu={len(articles) / entity_cpu:.1f} speed_extract_wall={done / pipeline_wall:.1f} workers={workers}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation and print the table and the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--winer", type=Path, default=WINER)
    parser.add_argument("--gold", type=Path, default=HAND_GOLD, help="hand-labelled countries (JSON lines: id, countries)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--model", default=MODEL)
    parser.add_argument("--speed", type=int, metavar="N", help="instead, time extraction with entities on the first N orangesum articles")
    parser.add_argument("--workers", type=int, default=2, help="processes for --speed (default 2)")
    args = parser.parse_args(argv)
    if args.speed:
        if not ORANGESUM.is_file():
            print(f"{ORANGESUM} is absent", file=sys.stderr)
            return 2
        print(speed(args.speed, args.workers))
        return 0
    if not args.winer.is_file():
        print(f"{args.winer} is absent (the evaluation data lives in ../shared beside the project)", file=sys.stderr)
        return 2
    docs = load_jsonl(args.winer)[: args.limit]
    hand = load_hand_gold(args.gold) if args.gold.is_file() else {}
    reports = evaluate(docs, hand, model=args.model)
    n_hand = {split: sum(1 for d in docs if hand.get(d["id"], ("",))[0] == split) for split in SPLITS}
    print(table(reports, len(docs), n_hand))
    print(summary(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
