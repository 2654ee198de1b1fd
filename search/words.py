"""Mots caractéristiques: the words over-represented in a result set against the whole archive.

What Lexico and TXM call "spécificités" and Media Cloud "top words". Everything comes
from the index's own terms (the analysed, stemmed terms of titles and bodies), never from
the articles' texts read again.

The score
    Dunning's log-likelihood ratio G² (Dunning 1993; Rayson and Garside's "keyness")
    on document frequencies: for a word, the 2×2 table of the result set's articles
    with and without it against the rest of the archive's articles with and without it,
    G² = 2 Σ O ln(O / E). A word is listed when it is over-represented (its share of the
    result set's articles exceeds its share of the rest) and ranked by G².
    Why G²: it is a closed formula, computed with numpy over the whole vocabulary at
    once (tens of thousands of terms in a few milliseconds), and for the counts kept here
    (3 articles or more) it ranks words as Lafon's hypergeometric specificity of
    Lexico/TXM does (both are tests of the same table; G² is its asymptotic form):
    bench/eval_words.py finds 99% of the same top 30 words (docs/evaluation.md). Why
    articles rather than occurrences: a word repeated forty times in one article is one
    article's word, not the result set's (burstiness); and "in 120 of the 300 articles,
    against 400 of 40,000" is what a reader can check on the page.

What is left out, and what is marked
    - stop words: the analyzer already drops Snowball's French list; FUNCTION_WORDS adds
      the adverbs and prepositions it lacks ("plus", "selon", "après"...);
    - terms with a digit (years, figures, "covid-19"'s 19) and one-letter terms;
    - words in fewer than MIN_ARTICLES articles of the result set;
    - the query's own terms, trivially over-represented (the plan's terms to highlight);
    - names are kept but marked: a word of the name of one of the result set's most
      named persons or organisations carries `entity` ("person", "organisation"). Names
      have their own facets, but words like "union" or "conseil" are also plain words,
      and dropping them would hide them.

Cost
    Per segment, once (segments never change; only deletions are added, and those are
    masked per generation): every (document, term) pair of its titles and bodies, as
    rows of term numbers by document (LeafWords, index/store/word_rows.py; 4 bytes a
    pair, 25 MB for 40,000 articles). They are computed when the segment is written and
    mapped from its arrays file; a segment without one (an older index) has them read
    from its posting blocks, about 8 s for 40,000 articles. After a commit only the new
    segment is mapped.
    Per generation: the segments' terms numbered in one vocabulary and each term's count
    of live articles (WordCounts). Per search: one numpy bincount over the rows of the
    result set's articles, or of the rest of the archive when the result set is more
    than half of it, so at most half the archive's pairs are counted (a few milliseconds
    at 40,000 articles); the last REMEMBERED answers are kept. The readable form
    of each listed term is the form of the exact-form field (words as written,
    lower-cased) that analyses to it and is in most of the result set's articles.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.analysis import Analyzer
from whoosh.reading import IndexReader

from newsarchive.index.store.word_rows import LeafWords, read_leaf

from .facet_arrays import SegmentFiles
from .facets import exact_forms_starting
from .plan import Planner
from .ranking import matching
from .request import QueryError, SearchRequest
from .snapshot import Snapshot

DEFAULT_WORDS = 30
MAX_WORDS = 100
MIN_ARTICLES = 3  # a word in fewer articles of the result set is not listed
NAMES_LOOKED_AT = 30  # the result set's most named persons and organisations whose names' words are marked
FORMS_COUNTED = 4  # forms of a term (the archive's most frequent) counted in the result set for its readable form
REMEMBERED = 128  # answers kept per generation (the page asks for the words of the search it shows)
FORMS_REMEMBERED = 50_000  # terms whose written forms are kept across generations (cleared beyond)
FUNCTION_WORDS = (  # besides Snowball's stop words; none whose stem is also a content word's ("parce": parc, "notamment": note)
    "plus", "moins", "très", "trop", "peu", "beaucoup", "tout", "tous", "toute", "toutes", "autre", "autres", "même", "mêmes",
    "aussi", "ainsi", "alors", "donc", "car", "puis", "encore", "déjà", "toujours", "jamais", "bien", "comme", "comment", "quand",
    "lorsque", "si", "où", "dont", "selon", "après", "avant", "entre", "sous", "vers", "chez", "depuis", "pendant", "contre",
    "lors", "sans", "afin", "tandis", "cependant", "non", "oui", "ni", "rien", "chaque", "plusieurs", "certains", "certaines",
    "quelque", "quelques", "celui", "celle", "ceux", "celles", "elles", "cela", "ça", "être", "avoir", "fait", "faire", "peut",
    "doit", "dit", "ici", "là", "voici", "voilà",
)


@dataclass
class Word:
    """One characteristic word: how it is written, its articles in the result set and in the archive, its G²."""

    word: str
    term: str
    count: int
    archive_count: int
    score: float
    entity: str | None = None  # "person" or "organisation": a word of a name the result set often names

    def to_json(self) -> dict[str, Any]:
        return {"word": self.word, "term": self.term, "count": self.count, "archive_count": self.archive_count,
                "score": round(self.score, 2), "entity": self.entity}


@dataclass
class Words:
    """The characteristic words of a search's result set (`total` articles, of `archive_total`)."""

    query: str
    total: int
    archive_total: int
    words: list[Word]

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "total": self.total, "archive_total": self.archive_total,
                "words": [w.to_json() for w in self.words]}


# -- the (document, term) pairs of the index -------------------------------------------------


def _pairs_of(leaf: LeafWords, docs: np.ndarray) -> np.ndarray:
    """The term numbers of these documents of the segment, one per (document, term)."""
    first = leaf.starts[docs]
    sizes = leaf.starts[docs + 1] - first
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int32)
    # Positions first[i] .. first[i] + sizes[i] - 1 of every document, without a Python loop.
    shift = np.repeat(first - (np.cumsum(sizes) - sizes), sizes)
    return leaf.tids[np.arange(total) + shift]


def leaf_words(leaf: IndexReader, segments: SegmentFiles | None) -> LeafWords:
    """A segment's (document, term) pairs: mapped from its arrays file, else read from its posting blocks."""
    mapped = segments.get(leaf) if segments is not None else None
    words = mapped.words() if mapped is not None else None
    return words if words is not None else read_leaf(leaf)


def segment_id(leaf: IndexReader) -> str:
    """What names a segment's unchanging content (its postings; deletions are masked apart)."""
    return str(leaf.segment().segid) if hasattr(leaf, "segment") else str(id(leaf))


class WordStore:
    """What an Archive keeps across index generations, by segment: each segment's LeafWords, and the written forms
    of the terms looked up so far (a commit adds a segment; only that one is read)."""

    def __init__(self) -> None:
        self.leaves: dict[str, LeafWords] = {}
        self.forms: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}  # term -> (segments looked in, its forms)
        self.lock = threading.Lock()

    def written_forms(self, reader: IndexReader, segments: frozenset[str], term: str, analyzer: Analyzer) -> tuple[str, ...]:
        """The forms of the exact-form field (as written, lower-cased) that analyse to `term`, in the reader's `segments`."""
        with self.lock:
            looked, forms = self.forms.get(term, (frozenset(), ()))
        if segments <= looked:
            return forms
        # A stem keeps its first letters once folded (Snowball and the light stemmer change endings only): only forms
        # starting like it can analyse to it. The whole index is looked in at once the first time, then new segments.
        prefix = term[:4] if len(term) > 4 else term[:3]
        found = set(forms)
        parts = [leaf for leaf, _ in reader.leaf_readers() if segment_id(leaf) not in looked] if looked else [reader]
        for part in parts:
            found.update(f for f in exact_forms_starting(part, prefix) if f.isalpha() and [t.text for t in analyzer(f)] == [term])
        forms = tuple(sorted(found))
        with self.lock:
            if len(self.forms) >= FORMS_REMEMBERED:
                self.forms.clear()
            self.forms[term] = (looked | segments, forms)
        return forms


class WordCounts:
    """One generation's terms: a vocabulary over its segments and each term's count of live articles.

    `store` keeps each segment's LeafWords across generations (by segment id); segments
    gone are forgotten.
    """

    def __init__(self, reader: IndexReader, live: np.ndarray, store: WordStore, segments: SegmentFiles | None = None) -> None:
        self.store = store
        self.live = live
        self.live_count = int(live.sum())
        vocabulary: dict[str, int] = {}
        self.parts: list[tuple[int, LeafWords, np.ndarray]] = []  # (first document, segment, its term numbers in the vocabulary)
        kept: dict[str, LeafWords] = {}
        for leaf, offset in reader.leaf_readers() if live.size else []:
            segid = segment_id(leaf)
            words = kept[segid] = store.leaves.get(segid) or leaf_words(leaf, segments)
            ids = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in words.terms), dtype=np.int64, count=len(words.terms))
            self.parts.append((offset, words, ids))
        store.leaves.clear()
        store.leaves.update(kept)
        self.segments = frozenset(kept)
        self._forms: dict[str, tuple[str, ...]] = {}  # term -> its most frequent written forms in this generation
        self.terms = list(vocabulary)
        self.term_numbers = vocabulary  # term -> its number in `terms`
        self.archive = self.count(np.flatnonzero(live))
        self._answers: OrderedDict[tuple[Any, ...], Words] = OrderedDict()
        self._lock = threading.Lock()

    def count(self, docs: np.ndarray) -> np.ndarray:
        """For each term, how many of these documents (sorted, live) have it in their title or body."""
        total = np.zeros(len(self.terms), dtype=np.int64)
        for offset, leaf, ids in self.parts:
            lo, hi = np.searchsorted(docs, (offset, offset + leaf.starts.size - 1))
            if hi > lo:
                counts = np.bincount(_pairs_of(leaf, docs[lo:hi] - offset), minlength=len(leaf.terms))
                total[ids] += counts
        return total

    def count_within(self, docs: np.ndarray) -> np.ndarray:
        """count(docs), counted over the rest of the archive instead when that is smaller."""
        if docs.size * 2 <= self.live_count:
            return self.count(docs)
        rest = self.live.copy()
        rest[docs] = False
        return self.archive - self.count(np.flatnonzero(rest))

    def forms_of(self, reader: IndexReader, term: str, analyzer: Analyzer) -> tuple[str, ...]:
        """The FORMS_COUNTED written forms of a term with the most articles in the archive (Whoosh's counts), most first."""
        found = self._forms.get(term)
        if found is None:
            forms = self.store.written_forms(reader, self.segments, term, analyzer)
            found = tuple(sorted(forms, key=lambda f: (-reader.doc_frequency("exact", f), f))[:FORMS_COUNTED])
            if len(self._forms) >= FORMS_REMEMBERED:
                self._forms.clear()
            self._forms[term] = found
        return found

    def remembered(self, key: tuple[Any, ...]) -> Words | None:
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
            return found

    def remember(self, key: tuple[Any, ...], words: Words) -> None:
        with self._lock:
            self._answers[key] = words
            while len(self._answers) > REMEMBERED:
                self._answers.popitem(last=False)


# -- the score -------------------------------------------------------------------------------


def log_likelihood(a: np.ndarray, k: np.ndarray, n: int, total: int) -> np.ndarray:
    """Dunning's G² of each word: in `a` of the `n` articles of the result set, in `k` of the archive's `total`."""
    a = a.astype(np.float64)
    k = k.astype(np.float64)
    observed = (a, n - a, k - a, (total - n) - (k - a))
    expected = (n * k / total, n * (total - k) / total, (total - n) * k / total, (total - n) * (total - k) / total)
    g2 = np.zeros(a.shape, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for o, e in zip(observed, expected, strict=True):
            g2 += np.where(o > 0, o * np.log(np.where(o > 0, o, 1) / np.where(e > 0, e, 1)), 0.0)
    return 2 * g2


def top_terms(counts: WordCounts, within: np.ndarray, n: int, excluded: set[str], limit: int) -> list[tuple[int, float]]:
    """(term number, G²) of the `limit` most over-represented terms, best first; equal scores in term order."""
    if n < MIN_ARTICLES or n >= counts.live_count:
        return []
    candidates = np.flatnonzero(within >= MIN_ARTICLES)
    a, k = within[candidates], counts.archive[candidates]
    over = a * counts.live_count > k * n  # a share of the result set above the share of the whole archive
    candidates, a, k = candidates[over], a[over], k[over]
    scores = log_likelihood(a, k, n, counts.live_count)
    numbers = [counts.term_numbers[t] for t in excluded if t in counts.term_numbers]
    if numbers:
        keep = ~np.isin(candidates, numbers)
        candidates, scores = candidates[keep], scores[keep]
    if candidates.size > limit:
        threshold = np.partition(scores, candidates.size - limit)[candidates.size - limit]
        at_least = scores >= threshold
        candidates, scores = candidates[at_least], scores[at_least]
    ranked = sorted(zip(candidates.tolist(), scores.tolist(), strict=True), key=lambda ts: (-ts[1], counts.terms[ts[0]]))
    return ranked[:limit]


# -- a search's words --------------------------------------------------------------------------


def characteristic_words(snap: Snapshot, planner: Planner, counts: WordCounts, request: SearchRequest, limit: int = DEFAULT_WORDS) -> Words:
    """The words whose articles are most over-represented in the request's result set against the whole archive."""
    if not 1 <= limit <= MAX_WORDS:
        raise QueryError(f"limit must be between 1 and {MAX_WORDS}")
    request.validate()
    key = (tuple((k, v) for k, v in request.to_values() if k not in ("page", "limit", "sort", "facet_limit")), limit)
    found = counts.remembered(key)
    if found is not None:
        return found
    plan = planner.plan(request, snap.reader, snap.facets, snap.arrays)
    docs, _ = matching(plan, snap)
    docs = np.unique(np.asarray(docs, dtype=np.int64))  # sorted (Whoosh's path gives them segment by segment)
    analyzer = snap.schema["body"].analyzer
    excluded = plan.terms | function_terms(analyzer)
    within = counts.count_within(docs)
    ranked = top_terms(counts, within, int(docs.size), excluded, limit)
    names = name_terms(snap, docs, analyzer) if ranked else {}
    words = []
    for number, score in ranked:
        term = counts.terms[number]
        words.append(Word(readable_form(snap, counts, term, docs, analyzer), term, int(within[number]), int(counts.archive[number]), score,
                          names.get(term)))
    found = Words(request.query, int(docs.size), counts.live_count, words)
    counts.remember(key, found)
    return found


def function_terms(analyzer: Analyzer) -> frozenset[str]:
    """The terms FUNCTION_WORDS analyse to (stop words are dropped by the analyzer itself; its word cache makes this cheap)."""
    return frozenset(t.text for w in FUNCTION_WORDS for t in analyzer(w))


def name_terms(snap: Snapshot, docs: np.ndarray, analyzer: Analyzer) -> dict[str, str]:
    """The terms of the names of the result set's most named persons and organisations: term -> "person" or "organisation"."""
    facets = snap.facets
    mask = facets.mask(docs)
    found: dict[str, str] = {}
    for kind in ("organisation", "person"):  # a word of both kinds of name is marked a person's
        for value, _ in facets.top(kind, mask, NAMES_LOOKED_AT):
            for token in analyzer(facets.label(kind, value)):
                found[token.text] = kind
    return found


def readable_form(snap: Snapshot, counts: WordCounts, term: str, docs: np.ndarray, analyzer: Analyzer) -> str:
    """How the result set writes a term most often: of the exact-form field's forms that analyse to it (the archive's
    FORMS_COUNTED most frequent), the one in most of the result set's articles; the term itself when none does."""
    best, most = term, 0
    for form in counts.forms_of(snap.reader, term, analyzer):
        with_form, _ = snap.arrays.postings(snap.reader, "exact", form)
        n = int(np.count_nonzero(_members(with_form, docs)))
        if n > most or (n == most and n and form < best):
            best, most = form, n
    return best


def _members(values: np.ndarray, sorted_docs: np.ndarray) -> np.ndarray:
    """A mask of the `values` that are in `sorted_docs`."""
    if sorted_docs.size == 0:
        return np.zeros(values.size, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_docs, values), sorted_docs.size - 1)
    return sorted_docs[at] == values
