"""Person, organisation and country quality on French Wikinews (WiNER dev), project vs raw spaCy md and sm.

    .venv/bin/python bench/eval_entities.py [--limit N] [--winer PATH] [--gold PATH]
    .venv/bin/python bench/eval_entities.py --speed 1000 [--workers 2]   # articles/s on orangesum

Scoring follows ../shared/README.md:
- persons: per article, gold persons are the Person spans, a shorter mention merged into
  the longer one that contains its words; a predicted name is right when its folded form
  equals one of that person's mentions (each gold person matched at most once, so a
  person split in two facet values costs precision);
- organisations: the same on the Organization spans; a predicted organisation is right
  when its name or one of its mentions, folded, is a gold mention, so an acronym merged
  with its long form is one prediction (and finds both gold organisations, which WiNER
  does not join); figures for all of WiNER dev and for each half (even and odd article
  index: the rules were written looking at the even half's errors only);
- countries (WiNER): gold codes from Location spans that are a CLDR French country name;
  scored as recall (that gold has no demonyms, capitals or regions);
- countries (hand): tests/data/countries_gold.jsonl, articles labelled by reading them
  (names, demonyms, capitals, cities, regions count; organisations, newspapers and
  persons named after a country do not); precision and recall, for each split: "dev"
  (50 articles, every 12th from the 6th, also used to find errors while writing the
  rules) and "heldout" (every 12th from the 12th, labelled after the rules were frozen).

The baselines are raw spaCy fr_core_news_md (the project's model, its spans before the
rules) and fr_core_news_sm: every PER span is a person and every ORG span an
organisation (no cleaning, no merging), and LOC spans that are a CLDR French country
name are the countries.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from newsarchive.index.article import Article
from newsarchive.index.entities import MODEL, annotate_from_spans, load_nlp, ner_spans
from newsarchive.index.entities.countries import country_labels
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
    return gold_entities(doc, "Person")


def gold_organisations(doc: dict) -> list[set[str]]:
    """The article's organisations, each as the set of its folded mentions (shorter merged into longer)."""
    return gold_entities(doc, "Organization")


def gold_entities(doc: dict, kind: str) -> list[set[str]]:
    """The article's spans of one WiNER type, grouped: a mention whose words are all in a longer one joins it."""
    names = {fold(e["text"]) for e in doc["entities"] if e["type"] == kind} - {""}
    groups: list[set[str]] = []
    heads: list[set[str]] = []  # the words of each group's longest mention
    for name in sorted(names, key=lambda n: (-len(n.split()), n)):
        words = set(name.split())
        for mentions, head in zip(groups, heads, strict=True):
            if words <= head:
                mentions.add(name)
                break
        else:
            groups.append({name})
            heads.append(words)
    return groups


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


def gold_organisation_gaps(docs: Sequence[dict]) -> tuple[int, int]:
    """How consistent WiNER's Organization gold is: (pairs, untagged).

    `pairs` counts the (name, article) pairs where a name the gold tags as an
    Organization in some article (3 characters or more) is written, as a whole word;
    `untagged` those where the article never tags it as one (not even inside a longer
    Organization span). A prediction right by the name's other articles is wrong there.
    """
    names = {e["text"] for d in docs for e in d["entities"] if e["type"] == "Organization" and len(e["text"]) >= 3}
    pairs = untagged = 0
    for name in names:
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
        for doc in docs:
            found = list(pattern.finditer(doc["text"]))
            if not found:
                continue
            pairs += 1
            spans = [(e["start"], e["end"]) for e in doc["entities"] if e["type"] == "Organization"]
            untagged += not any(s <= m.start() and m.end() <= e for m in found for s, e in spans)
    return pairs, untagged


# --- scores -------------------------------------------------------------------------------


@dataclass
class Counts:
    """True positives, false positives and false negatives, summed over articles.

    `found` counts the gold entities matched, for recall, when it differs from the right
    predictions (one organisation predicted with its acronym and its long form finds the
    two gold organisations WiNER keeps apart); None means the same as `tp`.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    found: int | None = None

    def add(self, tp: int, fp: int, fn: int, found: int | None = None) -> None:
        if found is not None or self.found is not None:
            self.found = (self.tp if self.found is None else self.found) + (tp if found is None else found)
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        found = self.tp if self.found is None else self.found
        return found / (found + self.fn) if found + self.fn else 1.0

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


def organisation_counts(predicted: Sequence[Sequence[str]], gold: Sequence[set[str]]) -> tuple[int, int, int, int]:
    """(tp, fp, fn, found) of predicted organisations, each given as its name and mentions.

    A prediction is right when one of its forms, folded, is a mention of a gold
    organisation not matched yet; it then matches every such gold organisation its forms
    name (an acronym merged with its long form is one prediction finding both). Two
    predictions of one gold organisation: the second is wrong. `found` is the number of
    gold organisations matched, `fn` of those left.
    """
    unmatched = list(range(len(gold)))
    tp = fp = 0
    seen: set[tuple[str, ...]] = set()
    for forms in predicted:
        folded = tuple(dict.fromkeys(f for f in map(fold, forms) if f))
        if not folded or folded in seen:
            continue  # the same prediction twice (raw spans repeated) is one prediction
        seen.add(folded)
        hits = [i for i in unmatched if any(f in gold[i] for f in folded)]
        if hits:
            tp += 1
            unmatched = [i for i in unmatched if i not in hits]
        else:
            fp += 1
    return tp, fp, len(unmatched), len(gold) - len(unmatched)


def set_counts(predicted: set[str], gold: set[str]) -> tuple[int, int, int]:
    """(tp, fp, fn) of two sets of codes."""
    return len(predicted & gold), len(predicted - gold), len(gold - predicted)


# --- systems ------------------------------------------------------------------------------


@dataclass
class Prediction:
    """One system's persons and country codes for one article."""

    persons: list[str] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)
    organisations: list[list[str]] = field(default_factory=list)  # each: name, then mentions


def baseline_prediction(spans: Sequence[Span]) -> Prediction:
    """Raw spaCy: PER spans as persons, ORG spans as organisations, LOC spans that are country names as countries."""
    persons = [text for _, _, label, text in spans if label == "PER"]
    countries = codes_of_names(text for _, _, label, text in spans if label == "LOC")
    organisations = [[text] for _, _, label, text in spans if label == "ORG"]
    return Prediction(persons, countries, organisations)


def project_prediction(doc: dict, text: str, spans: Sequence[Span]) -> Prediction:
    """The project's entity stage (the same function indexing runs) on one article."""
    article = Article(id=doc["id"], title="", text=text)
    annotate_from_spans(article, text, spans)
    return Prediction(
        [p.name for p in article.persons],  # with first names alone (facet=False): the article still names them
        {c.code for c in article.countries},
        [[o.name, *o.mentions] for o in article.organisations],
    )


def run_ner(nlp, texts: Sequence[str]) -> list[list[Span]]:
    """NER spans of each text, in batches."""
    return [ner_spans(doc) for doc in nlp.pipe(texts, batch_size=32)]


# --- report -------------------------------------------------------------------------------


SPLITS = ("dev", "heldout")
# Halves of WiNER dev by article index (0-based, file order): the organisation rules and the
# person rules added with them were written looking at the errors of the even half only;
# the odd half is scored the same way and was not read, so the gap between them shows how
# much the rules fit the examples they were written on.
HALVES = ("even", "odd")
SYSTEMS = {"project": "", "spacy_md": "md_", "spacy_sm": "base_"}  # report name -> summary prefix


def half(index: int) -> str:
    """The half of WiNER dev an article (by its 0-based index) belongs to."""
    return HALVES[index % 2]


def _by_half() -> dict[str, Counts]:
    return {name: Counts() for name in ("all", *HALVES)}


@dataclass
class Report:
    """Every figure of one system."""

    persons: dict[str, Counts] = field(default_factory=_by_half)
    organisations: dict[str, Counts] = field(default_factory=_by_half)
    winer_countries: Counts = field(default_factory=Counts)
    hand: dict[str, Counts] = field(default_factory=lambda: {split: Counts() for split in SPLITS})
    seconds: float = 0.0


def evaluate(docs: Sequence[dict], hand: dict[str, tuple[str, set[str]]], model: str = MODEL, with_baseline: bool = True) -> dict[str, Report]:
    """Score the project and, with `with_baseline`, raw spaCy md and sm on WiNER docs and the hand-labelled codes.

    `docs` are in WiNER dev's order: an article's half is its index there.
    """
    texts = [d["text"] for d in docs]
    spans: dict[str, list[list[Span]]] = {}
    reports: dict[str, Report] = {}
    models = {"project": model}
    if with_baseline:
        models.update(spacy_md=MODEL, spacy_sm=BASELINE_MODEL)
    for name, system_model in models.items():
        reports[name] = Report()
        known = next((n for n, m in models.items() if m == system_model and n in spans), None)
        if known:  # the same model's spans: run it once
            spans[name], reports[name].seconds = spans[known], reports[known].seconds
            continue
        started = time.perf_counter()
        spans[name] = run_ner(load_nlp(system_model), texts)
        reports[name].seconds = time.perf_counter() - started
    for index, (doc, text) in enumerate(zip(docs, texts, strict=True)):
        persons, countries, organisations = gold_persons(doc), gold_countries(doc), gold_organisations(doc)
        for name, report in reports.items():
            pred = project_prediction(doc, text, spans[name][index]) if name == "project" else baseline_prediction(spans[name][index])
            person, organisation = person_counts(pred.persons, persons), organisation_counts(pred.organisations, organisations)
            for part in ("all", half(index)):
                report.persons[part].add(*person)
                report.organisations[part].add(*organisation)
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
        ("person precision", lambda r: r.persons["all"].precision),
        ("person recall", lambda r: r.persons["all"].recall),
        ("person F1", lambda r: r.persons["all"].f1),
        ("person F1 (even half / odd half)", lambda r: (r.persons["even"].f1, r.persons["odd"].f1)),
        ("organisation precision", lambda r: r.organisations["all"].precision),
        ("organisation recall", lambda r: r.organisations["all"].recall),
        ("organisation F1", lambda r: r.organisations["all"].f1),
    ]
    rows += [(f"organisation P / R / F1 ({h} half)", lambda r, h=h: _prf(r.organisations[h])) for h in HALVES]
    rows += [("country recall (WiNER names)", lambda r: r.winer_countries.recall)]
    for split in SPLITS:
        rows += [
            (f"country precision (hand {split}, {n_hand[split]} art.)", lambda r, s=split: r.hand[s].precision),
            (f"country recall (hand {split}, {n_hand[split]} art.)", lambda r, s=split: r.hand[s].recall),
        ]
    lines = [f"WiNER dev: {n_docs} articles", f"{'':44}" + "".join(f"{n:>24}" for n in names)]
    lines += [f"{label:44}" + "".join(f"{_cell(get(reports[n])):>24}" for n in names) for label, get in rows]
    lines.append(f"{'NER seconds (wall)':44}" + "".join(f"{reports[n].seconds:24.1f}" for n in names))
    return "\n".join(lines)


def _prf(counts: Counts) -> tuple[float, float, float]:
    return counts.precision, counts.recall, counts.f1


def _cell(value: float | tuple[float, ...]) -> str:
    return " / ".join(f"{v:.3f}" for v in value) if isinstance(value, tuple) else f"{value:.3f}"


def summary(reports: dict[str, Report]) -> str:
    """One line of key=value pairs: the project's figures, then raw spaCy md's prefixed `md_` and sm's `base_`.

    Organisations: `org_*` on all of WiNER dev, `org_even_f1` and `org_odd_f1` per half.
    """
    parts = []
    for name, prefix in SYSTEMS.items():
        if name not in reports:
            continue
        r = reports[name]
        persons, organisations = r.persons["all"], r.organisations["all"]
        parts += [
            f"{prefix}person_p={persons.precision:.3f}",
            f"{prefix}person_r={persons.recall:.3f}",
            f"{prefix}person_f1={persons.f1:.3f}",
            f"{prefix}org_p={organisations.precision:.3f}",
            f"{prefix}org_r={organisations.recall:.3f}",
            f"{prefix}org_f1={organisations.f1:.3f}",
            f"{prefix}org_even_f1={r.organisations['even'].f1:.3f}",
            f"{prefix}org_odd_f1={r.organisations['odd'].f1:.3f}",
            f"{prefix}country_recall={r.winer_countries.recall:.3f}",
        ]
        for split in SPLITS:
            parts += [f"{prefix}hand_{split}_p={r.hand[split].precision:.3f}", f"{prefix}hand_{split}_r={r.hand[split].recall:.3f}"]
    return " ".join(parts)


# --- speed --------------------------------------------------------------------------------


def speed(n: int, workers: int, corpus: Path = ORANGESUM) -> str:
    """Articles per second of extraction with entities (`newsarchive extract`'s work) on the first n articles."""
    from newsarchive.index.entities import EntityExtractor
    from newsarchive.index.indexing.pipeline import process, records

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
    pairs, untagged = gold_organisation_gaps(docs)
    print(f"gold consistency: {untagged} of {pairs} (name, article) pairs where an organisation the gold tags elsewhere is written "
          f"are not tagged there ({untagged / max(1, pairs):.1%})")
    print(summary(reports) + f" gold_org_untagged_share={untagged / max(1, pairs):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
