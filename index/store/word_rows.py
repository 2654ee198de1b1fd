"""The (document, term) pairs of a segment's titles and bodies: what characteristic words count (search/words.py).

Read once per segment from its posting blocks, when the segment is written (its arrays
file, segment_arrays.py, keeps them) or, for a segment without that file, at the first
characteristic-words request.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .whoosh_internals import leaf_term_documents

WORD_FIELDS = ("title", "body")
_SEPARATOR = "\n"  # between terms in the arrays file: an analysed term never holds one


@dataclass
class LeafWords:
    """The terms of one segment's titles and bodies by document: document d's term numbers are tids[starts[d]:starts[d + 1]]."""

    terms: list[str]
    starts: np.ndarray
    tids: np.ndarray


def countable(term: str) -> bool:
    """Whether a term can be a characteristic word: two characters or more, no digit."""
    return len(term) > 1 and not any(ch.isdigit() for ch in term)


def read_leaf(leaf) -> LeafWords:
    """Every (document, term) pair of a segment's titles and bodies (deleted documents included), each pair once."""
    ndocs = leaf.doc_count_all()
    terms: dict[str, int] = {}
    docs: list[np.ndarray] = []
    sizes: list[int] = []
    numbers: list[int] = []
    fields = set(leaf.indexed_field_names())
    for fieldname in WORD_FIELDS:
        if fieldname not in fields:
            continue
        for btext, ids in leaf_term_documents(leaf, fieldname):
            term = btext.decode("utf-8")
            if ids.size and countable(term):
                numbers.append(terms.setdefault(term, len(terms)))
                docs.append(ids)
                sizes.append(ids.size)
    if not docs:
        return LeafWords([], np.zeros(ndocs + 1, dtype=np.int64), np.zeros(0, dtype=np.int32))
    # One key per pair, sorted: by document, then term; a term in the title and the body is one pair.
    keys = np.unique(np.concatenate(docs) * len(terms) + np.repeat(np.asarray(numbers, dtype=np.int64), sizes))
    rows = keys // len(terms)
    starts = np.searchsorted(rows, np.arange(ndocs + 1))
    return LeafWords(list(terms), starts, (keys % len(terms)).astype(np.int32))


def encode_terms(terms: list[str]) -> np.ndarray:
    """The terms as one array of UTF-8 bytes (for the arrays file)."""
    return np.frombuffer(_SEPARATOR.join(terms).encode("utf-8"), dtype=np.uint8)


def decode_terms(data: np.ndarray) -> list[str]:
    """The terms back from encode_terms."""
    return data.tobytes().decode("utf-8").split(_SEPARATOR) if data.size else []
