"""The most frequent organisation values of an index, with what was merged into each, for a person to judge.

    .venv/bin/python bench/org_values.py --index /tmp/gj-index [-n 150] [--forms] [--tsv]

Each line is one value of the organisation facet as the search page shows it: its rank,
the number of articles it counts (after the archive-level merges), its label, and after
"<-" the values folded into it, each with the articles it had on its own and why it was
folded (org_archive.py: acronym, known names, spelling, ministry, short form, alias
file). `--forms` adds the written forms of the value's own key ("Les Echos", "Les Échos").
`--tsv` prints the same as tab-separated columns with an empty `judgement` column, to
fill in by hand (docs/evaluation.md says how the figures of a hand read are counted).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from newsarchive.index.text import fold
from newsarchive.search.archive import Archive


def values(index: Path, n: int = 150) -> list[dict]:
    """The `n` most frequent organisation values: label, articles, folded values (name, articles, why) and written forms."""
    snap = Archive(index).snapshot()
    facets = snap.facets
    names = facets.names["organisation"]
    reasons = facets.organisation_merge_reasons
    forms: dict[str, list[tuple[str, int]]] = defaultdict(list)
    if "organisation_form" in snap.reader.indexed_field_names():
        for term, info in snap.reader.iter_field("organisation_form"):
            form = term.decode("utf-8") if isinstance(term, bytes) else term
            forms[fold(form)].append((form, info.doc_frequency()))
    rows = []
    for key, articles in facets.top("organisation", None, n):
        members = sorted(names.members.get(key, []), key=lambda k: -names.counts_before_merges.get(k, 0))
        rows.append({
            "label": names.name(key),
            "articles": articles,
            "merged": [{"name": names.name(k), "articles": names.counts_before_merges.get(k, 0), "why": reasons.get(k, "")}
                       for k in members if names.counts_before_merges.get(k, 0)],
            "forms": sorted(forms.get(key, []), key=lambda fc: -fc[1]),
        })
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="an index folder (newsarchive index --index ...)")
    parser.add_argument("-n", "--top", type=int, default=150, help="how many values (default 150)")
    parser.add_argument("--forms", action="store_true", help="also the written forms of each value's own key")
    parser.add_argument("--tsv", action="store_true", help="tab-separated, with an empty judgement column to fill in")
    args = parser.parse_args(argv)
    rows = values(args.index, args.top)
    if args.tsv:
        print("rank\tarticles\tvalue\tmerged\tjudgement")
    for rank, row in enumerate(rows, start=1):
        merged = ", ".join(f"{m['name']} ({m['articles']}, {m['why']})" for m in row["merged"])
        if args.tsv:
            print(f"{rank}\t{row['articles']}\t{row['label']}\t{merged}\t")
            continue
        line = f"{rank:4} {row['articles']:6}  {row['label']}" + (f"  <- {merged}" if merged else "")
        if args.forms and len(row["forms"]) > 1:
            line += "  [forms: " + ", ".join(f"{f} ({c})" for f, c in row["forms"]) + "]"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
