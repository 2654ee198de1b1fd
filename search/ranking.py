"""Which documents a plan matches, with their scores, and the requested page of them in order.

Two evaluation paths give the same documents and scores: the numpy engine (engine.py)
for words, AND/OR/NOT and phrases, and Whoosh itself for the rest (wildcards, ranges,
phrases with a slop). tests/test_engine_equivalence.py compares them.
"""

from __future__ import annotations

import numpy as np
from whoosh import query

from newsarchive.index.store.schema import UNDATED_LAST, unpack_article
from newsarchive.index.text import fold

from .engine import Matches, Unsupported, evaluate, restrict, top
from .plan import Plan
from .query import shared_pairs, word_pairs
from .snapshot import Snapshot

RERANKED = 30  # free-text candidates re-ordered by the word pairs they share with the query
PROXIMITY_WEIGHT = 2.0  # score x (1 + weight x share of the query's word pairs found in sequence)
# One hit per near-duplicate group leaves fewer hits than documents: the first window
# takes this many documents per wanted hit, and each retry this many times more.
COLLAPSE_WINDOW = 3
WINDOW_GROWTH = 4


def matching(plan: Plan, snap: Snapshot) -> tuple[np.ndarray, Matches | None]:
    """Document numbers matching the plan, and their scores when the numpy engine could compute them."""
    matches = engine_matches(plan, snap)
    if matches is not None:
        docnums = matches.docs
    elif plan.whole is query.NullQuery:
        docnums = np.zeros(0, np.int64)
    else:
        docnums = np.fromiter(snap.searcher.docs_for_query(plan.whole), dtype=np.int64)
    if plan.speakers and plan.terms and docnums.size:
        # Words said by these speakers: an article where they are quoted and the words
        # appear only in someone else's quotation does not count.
        keep = np.array([_said_by(snap, int(d), plan.speakers, plan.terms) for d in docnums], dtype=bool)
        docnums = docnums[keep]
        if matches is not None:
            matches = Matches(matches.docs[keep], matches.scores[keep])
    return docnums, matches


def engine_matches(plan: Plan, snap: Snapshot) -> Matches | None:
    """Matches and scores from the numpy engine, or None when the query needs Whoosh (wildcards...)."""
    request = plan.request
    try:
        matches = evaluate(plan.scored, snap.arrays, snap.reader, snap.schema)
        for part in plan.filters:
            if isinstance(part, query.DateRange) and part.fieldname == "date":
                continue  # from the day array below: a Whoosh date range is a tree of numeric terms
            matches = restrict(matches, evaluate(part, snap.arrays, snap.reader, snap.schema).docs)
    except Unsupported:
        return None
    if request.date_from or request.date_to:
        days = snap.facets.days[matches.docs]
        low = request.date_from.toordinal() if request.date_from else 1
        high = request.date_to.toordinal() if request.date_to else UNDATED_LAST
        keep = (days >= low) & (days <= high)
        matches = Matches(matches.docs[keep], matches.scores[keep])
    return matches


def whoosh_matches(plan: Plan, snap: Snapshot, docnums: np.ndarray) -> Matches:
    """Scores from Whoosh for the documents of queries the numpy engine does not run."""
    whole = plan.whole
    if isinstance(whole, query.Every) or not docnums.size:
        return Matches(docnums, np.zeros(docnums.size))
    scores = {hit.docnum: hit.score for hit in snap.searcher.search(whole, limit=None, scored=True)}
    return Matches(docnums, np.array([scores.get(int(d), 0.0) for d in docnums]))


def _said_by(snap: Snapshot, docnum: int, speakers: set[str], terms: set[str]) -> bool:
    """True when one of the article's quotations by `speakers` contains one of `terms`."""
    article = unpack_article(snap.searcher.stored_fields(docnum).get("article"))
    analyzer = snap.schema["quote"].analyzer if "quote" in snap.schema else snap.schema["body"].analyzer
    return any(q.get("speaker") and fold(q["speaker"]) in speakers and terms & {t.text for t in analyzer(q["text"])}
               for q in article.get("quotes") or [])


def ranked_page(plan: Plan, snap: Snapshot, matches: Matches, collapsed: bool) -> list[tuple[int, float]]:
    """(document number, score) of the requested page, in the requested order (one per group when `collapsed`)."""
    request = plan.request
    pairs = word_pairs(request.query, snap.schema["body"].analyzer) if plan.free_text and request.sort == "relevance" else None
    first = (request.page - 1) * request.limit
    wanted = first + request.limit
    size = matches.docs.size
    n = min(size, wanted * COLLAPSE_WINDOW if collapsed else wanted)
    groups = snap.facets.groups
    reranked: dict[tuple[int, ...], np.ndarray] = {}  # a growing window keeps the same best candidates: re-ordered once
    while True:
        order = _order(plan, snap, matches, pairs or None, n, reranked)
        if collapsed:
            # The best-placed version of each near-duplicate group stands for the group.
            _, firsts = np.unique(groups[matches.docs[order]], return_index=True)
            order = order[np.sort(firsts)]
        if len(order) >= wanted or n >= size:
            break
        n = min(size, n * WINDOW_GROWTH)
    order = order[first:wanted]
    return [(int(matches.docs[i]), float(matches.scores[i])) for i in order]


def _order(plan: Plan, snap: Snapshot, matches: Matches, pairs: set[tuple[str, str]] | None, n: int,
           reranked: dict[tuple[int, ...], np.ndarray]) -> np.ndarray:
    """Indexes into `matches` of its first `n` in the requested order (`reranked` remembers the proximity re-ranking)."""
    sort = plan.request.sort
    days = snap.facets.days
    if sort == "newest" or (sort == "relevance" and isinstance(plan.scored, query.Every)):
        return np.lexsort((matches.docs, -days[matches.docs]))[:n]  # undated (0) last
    if sort == "oldest":
        found = days[matches.docs]
        return np.lexsort((matches.docs, np.where(found > 0, found, UNDATED_LAST)))[:n]
    if sort == "added":
        facets = snap.facets
        return np.lexsort((matches.docs, -days[matches.docs], -facets.added_at[matches.docs], -facets.added[matches.docs]))[:n]
    order = top(matches, max(n, RERANKED if pairs else 0))
    if pairs:
        head = tuple(order[:RERANKED].tolist())
        if head not in reranked:
            reranked[head] = _proximity_rerank(snap, matches, order[:RERANKED], pairs)
        order = np.concatenate([reranked[head], order[RERANKED:]])
    return order[: max(n, 1)]


def _proximity_rerank(snap: Snapshot, matches: Matches, head: np.ndarray, pairs: set[tuple[str, str]]) -> np.ndarray:
    """The best candidates (`head`) re-ordered with a bonus for the query's word pairs they contain in sequence.

    BM25 ignores word order; an article that contains the pasted sentence itself
    shares most of its consecutive word pairs and goes first.
    """
    analyzer = snap.schema["body"].analyzer
    boosted = np.empty(head.size)
    for k, i in enumerate(head):
        article = unpack_article(snap.searcher.stored_fields(int(matches.docs[i])).get("article"))
        shared = shared_pairs(f"{article.get('title') or ''}\n\n{article.get('text') or ''}", pairs, analyzer)
        boosted[k] = matches.scores[i] * (1 + PROXIMITY_WEIGHT * len(shared) / len(pairs))
    return head[np.lexsort((matches.docs[head], -boosted))]
