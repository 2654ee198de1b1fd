"""The co-occurrence network of a result set: persons, organisations and countries, linked when named in the same article.

The network is counted over the whole result set with the facet arrays, as the page's
co-occurrence strip and `newsarchive cooccur` count companions (facets.py), never by
reading articles again:

- **nodes** are the `nodes` most frequent persons, organisations and countries of the result
  set (150 by default, at most 400), with the names the result set's facets show (the
  archive-wide form of a name, a country's label), counted in articles or, with
  `count=groups`, in stories (near-duplicate groups counted once);
- **edges** join two nodes named in the same article, weighted by the number of such
  articles, or with `count=groups` by the number of stories where one article names both;
  edges lighter than `min_weight` are left out.

For each kind, the (document, value) pairs of the result set come from the facet's
by-document layout (`FieldFacet.pairs_of`). They are sorted by document (by story with
`count=groups`), and every pair of nodes within a document is made with numpy, a
bounded number of pairs at a time: memory depends on the nodes kept, not on the hits.
The graph is written with networkx's GEXF writer, which escapes every value as XML.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from newsarchive.index.text import fold

from .facets import FacetCache
from .plan import Planner
from .ranking import matching
from .request import QueryError, SearchRequest
from .research import DEFAULT_MIN_WEIGHT, DEFAULT_NODES, MAX_MIN_WEIGHT, MAX_NODES, Output
from .snapshot import Snapshot

KINDS = ("person", "organisation", "country")  # node types, in this order on ties
COLOURS = {"person": (31, 119, 180), "organisation": (255, 127, 14), "country": (44, 160, 44)}  # RGB, in Gephi and on the page
PAIRS_AT_ONCE = 2_000_000  # node pairs made in one numpy step (about 50 MB)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class NetworkOptions:
    """How many nodes to keep, and the lightest edge kept."""

    nodes: int = DEFAULT_NODES
    min_weight: int = DEFAULT_MIN_WEIGHT

    def validate(self) -> NetworkOptions:
        """The options when within their bounds; QueryError saying which is not."""
        if not 1 <= self.nodes <= MAX_NODES:
            raise QueryError(f"nodes must be between 1 and {MAX_NODES} ({self.nodes} asked)")
        if not 1 <= self.min_weight <= MAX_MIN_WEIGHT:
            raise QueryError(f"min_weight must be between 1 and {MAX_MIN_WEIGHT} ({self.min_weight} asked)")
        return self

    @classmethod
    def from_values(cls, get: Callable[[str], str | None], nodes: int = DEFAULT_NODES) -> NetworkOptions:
        """The options of URL parameters `nodes` and `min_weight` (`nodes` when absent); QueryError when one cannot be read."""

        def number(key: str, default: int) -> int:
            raw = (get(key) or "").strip()
            if not raw:
                return default
            try:
                return int(raw)
            except ValueError:
                raise QueryError(f"{key} must be a whole number, not {raw[:40]!r}") from None

        return cls(number("nodes", nodes), number("min_weight", DEFAULT_MIN_WEIGHT)).validate()


@dataclass
class Node:
    """A person, organisation or country of the network."""

    kind: str
    key: str  # the facet value: a folded name, a country code
    label: str  # as the facets show it
    articles: int
    stories: int

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def filter_value(self) -> str:
        """What the search page's filter of this kind takes: the name as shown, a country's code."""
        return self.key if self.kind == "country" else self.label


@dataclass
class Network:
    """The nodes (most frequent first), the edges (node index, node index, weight) and what they were counted over."""

    request: SearchRequest
    options: NetworkOptions
    nodes: list[Node]
    edges: list[tuple[int, int, int]]
    total: int  # articles in the result set
    stories: int  # near-duplicate groups among them
    candidates: int  # distinct persons, organisations and countries in the result set
    by_group: bool = False

    def size(self, node: Node) -> int:
        """What a node's size stands for: its articles, or its stories with count=groups."""
        return node.stories if self.by_group else node.articles

    def graph(self) -> Any:
        """The network as an undirected networkx graph, node attributes and sizes set for Gephi."""
        graph = nx.Graph(name=clean(f"newsarchive: {self.request.query or '*'} ({len(self.nodes)} of {self.candidates} entities)"))
        top = max((self.size(n) for n in self.nodes), default=1) or 1
        for node in self.nodes:
            r, g, b = COLOURS[node.kind]
            graph.add_node(node.id, label=clean(node.label), type=node.kind, value=clean(node.key), articles=node.articles,
                           stories=node.stories,
                           viz={"size": round(4 + 36 * math.sqrt(self.size(node) / top), 2), "color": {"r": r, "g": g, "b": b, "a": 1.0}})
        for a, b, weight in self.edges:
            graph.add_edge(self.nodes[a].id, self.nodes[b].id, weight=weight)
        return graph

    def gexf(self) -> bytes:
        """The network as GEXF 1.2 (networkx's writer: every label and attribute XML-escaped)."""
        buffer = io.BytesIO()
        nx.write_gexf(self.graph(), buffer, prettyprint=False)
        return buffer.getvalue()

    def output(self) -> Output:
        return Output("gexf", iter([self.gexf()]))


def clean(text: str) -> str:
    """A value without the characters XML 1.0 cannot hold (the writers escape the rest)."""
    return _NOT_XML.sub("", text)


def build_network(snap: Snapshot, planner: Planner, request: SearchRequest, options: NetworkOptions | None = None) -> Network:
    """The co-occurrence network of the request's whole result set (see the module's docstring)."""
    options = (options or NetworkOptions()).validate()
    request.validate()
    facets = snap.facets
    plan = planner.plan(request, snap.reader, facets, snap.arrays)
    docnums, _ = matching(plan, snap)
    total = int(docnums.size)
    by_group = request.count == "groups"
    mask = facets.mask(docnums)
    groups = facets.groups
    # Every kind's most frequent values, as the facets rank them; then the most frequent of all kinds.
    candidates = 0
    ranked: list[tuple[int, str, int, str, int]] = []  # (-count, folded label, kind order, kind, value number)
    counts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for order, kind in enumerate(KINDS):
        facet = facets.facet(kind)
        articles, stories = facet.count(mask), facet.count(mask, groups)
        counts[kind] = (articles, stories)
        chosen = stories if by_group else articles
        candidates += int(np.count_nonzero(chosen))
        index = facet.index
        for value, _ in facets.top(kind, mask, options.nodes, by_group):
            i = index[value]
            ranked.append((-int(chosen[i]), fold(facets.label(kind, value)), order, kind, i))
    ranked.sort()
    nodes: list[Node] = []
    number_of: dict[str, np.ndarray] = {kind: np.full(len(facets.facet(kind).values), -1, dtype=np.int64) for kind in KINDS}
    for _, _, _, kind, i in ranked[:options.nodes]:
        value = facets.facet(kind).values[i]
        number_of[kind][i] = len(nodes)
        articles, stories = counts[kind]
        nodes.append(Node(kind, value, facets.label(kind, value), int(articles[i]), int(stories[i])))
    edges = _edges(facets, mask, number_of, len(nodes), groups if by_group else None, options.min_weight) if nodes else []
    stories_total = int(np.unique(groups[docnums]).size) if total else 0
    return Network(request, options, nodes, edges, total, stories_total, candidates, by_group)


def _edges(facets: FacetCache, mask: np.ndarray, number_of: dict[str, np.ndarray], n: int, groups: np.ndarray | None,
           min_weight: int) -> list[tuple[int, int, int]]:
    """(a, b, weight) for every pair of nodes named in one article, a < b, weight >= min_weight, heaviest first."""
    docs_parts, node_parts = [], []
    for kind in KINDS:
        docs, vals = facets.facet(kind).pairs_of(mask)
        nodes = number_of[kind][vals] if vals.size else vals.astype(np.int64)
        kept = nodes >= 0
        docs_parts.append(docs[kept].astype(np.int64))
        node_parts.append(nodes[kept])
    docs, nodes = np.concatenate(docs_parts), np.concatenate(node_parts)
    units = groups[docs] if groups is not None else docs  # what a weight counts: articles, or stories
    order = np.lexsort((nodes, docs, units))
    docs, nodes, units = docs[order], nodes[order], units[order]
    weights = np.zeros(n * n, dtype=np.int64)
    for start, end in _chunks(docs, units):
        first, second = _pairs_within(docs[start:end])
        a, b = nodes[start:end][first], nodes[start:end][second]
        codes = np.minimum(a, b) * n + np.maximum(a, b)
        if groups is not None:  # a story counts once, however many of its articles name both
            codes = np.unique(units[start:end][first] * (n * n) + codes) % (n * n)
        weights += np.bincount(codes, minlength=n * n)
    found = np.flatnonzero(weights >= min_weight)
    ordered = found[np.lexsort((found, -weights[found]))]
    return [(int(c // n), int(c % n), int(weights[c])) for c in ordered]


def _partners(docs: np.ndarray) -> np.ndarray:
    """For each entry of `docs` (sorted), how many entries after it belong to the same document."""
    if docs.size == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
    ends = np.r_[starts[1:], docs.size]
    return np.repeat(ends, ends - starts) - np.arange(docs.size) - 1


def _pairs_within(docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j), i < j, of entries of the same document: two aligned arrays of positions in `docs` (sorted)."""
    partners = _partners(docs)
    total = int(partners.sum())
    first = np.repeat(np.arange(docs.size), partners)
    offsets = np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners)
    return first, first + 1 + offsets


def _chunks(docs: np.ndarray, units: np.ndarray) -> Iterator[tuple[int, int]]:
    """Ranges of entries that start at a unit (an article, a story) and make about PAIRS_AT_ONCE pairs (a larger unit alone)."""
    if docs.size == 0:
        return
    before = np.r_[0, np.cumsum(_partners(docs))]  # pairs made by the entries before each one
    unit_starts = np.flatnonzero(np.r_[True, units[1:] != units[:-1]])
    marks = np.arange(0, int(before[-1]) + 1, PAIRS_AT_ONCE)
    bounds = np.unique(unit_starts[np.searchsorted(before[unit_starts], marks, side="right") - 1])
    ends = np.r_[bounds[1:], docs.size]
    yield from zip(bounds.tolist(), ends.tolist(), strict=True)

