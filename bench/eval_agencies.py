"""Agency detection (the `agency` facet) against hand labels on the gilets-jaunes corpus.

    .venv/bin/python bench/eval_agencies.py        # table for dev, heldout and all, with the baseline
    .venv/bin/python bench/eval_agencies.py -v     # and every error, with its evidence and the gold note

The gold, tests/data/agencies_gold.jsonl, holds 137 records of
../shared/data/corpus/gilets-jaunes.jsonl.gz (every 36th from the 7th), each labelled by
reading its text: the agencies whose copy it carries, as its credit lines say (see
index/extraction/agencies.py for what counts). Records at even sample positions are "dev" (used to
find the rules' errors), the others "heldout" (labelled after the rules were frozen).

Each gold record is read and extracted exactly as `newsarchive index` does it
(`readers.read` on the corpus file, then `extract.extract`), and the names of
`article.agencies` are compared with the gold: micro precision, recall and F1 over
(article, agency) pairs. The baseline, in the same run, credits every agency whose name
(any written form of the module's table) appears anywhere in the record's title or text.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "gilets-jaunes.jsonl.gz"
GOLD = ROOT / "tests" / "data" / "agencies_gold.jsonl"
SPLITS = ("dev", "heldout")


@dataclass
class Score:
    """Micro counts over (article, agency) pairs."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[str], gold: set[str]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        # No prediction at all is no error: precision 1.0 (the recall says what was missed).
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Judged:
    """One gold record and what each side found."""

    gold: dict
    project: set[str]
    baseline: set[str]
    evidence: dict[str, list[str]] = field(default_factory=dict)


def load_gold(path: Path = GOLD) -> list[dict]:
    """The gold rows, in file order."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def baseline_agencies(text: str) -> set[str]:
    """Naive: every agency whose name appears anywhere in the text (citations and photo credits included)."""
    from newsarchive.index.extraction.agencies import AGENCIES

    found = set()
    for label, variants in AGENCIES:
        if re.search(rf"(?<![\w@-])(?:{'|'.join(variants)})(?![\w-])", text):
            found.add(label)
    return found


def judge(gold: list[dict], corpus: Path = CORPUS) -> list[Judged]:
    """Read the corpus as `newsarchive index` does and judge each gold record."""
    from newsarchive.index.article import Article, RawRecord
    from newsarchive.index.extraction.extract import extract
    from newsarchive.index.inputs.readers import read

    wanted = {row["record"]: row for row in gold}
    judged: dict[int, Judged] = {}
    for record in read(corpus):
        if not isinstance(record, RawRecord):
            continue
        index = int(record.origin.rsplit(":", 1)[1]) - 1  # origin is "<file>:<line number>"
        row = wanted.get(index)
        if row is None:
            continue
        if row.get("url") and record.fields.get("url") != row["url"]:
            raise SystemExit(f"gold record {index} is {row['url']} but the corpus has {record.fields.get('url')} there")
        article = extract(record)
        agencies = article.agencies if isinstance(article, Article) else []
        raw_text = f"{record.fields.get('title') or ''}\n{record.fields.get('text') or ''}"
        judged[index] = Judged(row, {a.name for a in agencies}, baseline_agencies(raw_text), {a.name: a.evidence for a in agencies})
    missing = sorted(set(wanted) - set(judged))
    if missing:
        raise SystemExit(f"gold records not found in {corpus}: {missing[:10]}")
    return [judged[row["record"]] for row in gold]


def scores(judged: list[Judged], side: str) -> dict[str, Score]:
    """Scores of one side ("project" or "baseline") for each split and for all."""
    result = {name: Score() for name in (*SPLITS, "all")}
    for j in judged:
        predicted, gold = getattr(j, side), set(j.gold["agencies"])
        result[j.gold["split"]].add(predicted, gold)
        result["all"].add(predicted, gold)
    return result


def report(judged: list[Judged], seconds: float, verbose: bool) -> str:
    """The table, the errors with -v, and one closing key=value line."""
    project, baseline = scores(judged, "project"), scores(judged, "baseline")
    counts = {name: sum(1 for j in judged if name == "all" or j.gold["split"] == name) for name in (*SPLITS, "all")}
    pairs = {name: project[name].tp + project[name].fn for name in project}
    lines = [f"gilets-jaunes agency gold: {counts['all']} articles, {pairs['all']} credited (article, agency) pairs",
             f"{'':28}{'precision':>10}{'recall':>9}{'F1':>9}   {'baseline P':>10}{'R':>7}{'F1':>7}"]
    for name in (*SPLITS, "all"):
        p, b = project[name], baseline[name]
        label = f"{name} ({counts[name]} art., {pairs[name]} pairs)"
        lines.append(f"{label:28}{p.precision:10.3f}{p.recall:9.3f}{p.f1:9.3f}   {b.precision:10.3f}{b.recall:7.3f}{b.f1:7.3f}")
    errors = [j for j in judged if j.project != set(j.gold["agencies"])]
    lines.append(f"errors: {len(errors)} articles")
    if verbose:
        for j in errors:
            g = j.gold
            lines.append(f"  [{g['split']}] record {g['record']} {g.get('url') or ''} ({g['source']})")
            lines.append(f"      gold {sorted(g['agencies'])}, found {sorted(j.project)}; note: {g['note']}")
            for name in sorted(j.project - set(g["agencies"])):
                lines.append(f"      evidence for {name}: {j.evidence.get(name)}")
    a, b = project["all"], baseline["all"]
    figures = {
        "agency_precision": a.precision, "agency_recall": a.recall, "agency_f1": a.f1,
        "dev_precision": project["dev"].precision, "dev_recall": project["dev"].recall,
        "heldout_precision": project["heldout"].precision, "heldout_recall": project["heldout"].recall,
        "base_precision": b.precision, "base_recall": b.recall, "base_f1": b.f1,
    }
    lines += ["", " ".join([*(f"{k}={v:.3f}" for k, v in figures.items()), f"articles={counts['all']}", f"seconds={seconds:.1f}"])]
    return "\n".join(lines)


def main() -> int:
    """Run the evaluation; exit 2 when the corpus is absent."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every article the project gets wrong")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--gold", type=Path, default=GOLD)
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"{args.corpus} is absent (the evaluation data lives in ../shared/data beside the project); nothing to score", file=sys.stderr)
        return 2
    started = time.perf_counter()
    judged = judge(load_gold(args.gold), args.corpus)
    print(report(judged, time.perf_counter() - started, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
