"""Near-duplicate articles (the same wire story in several outlets), grouped at indexing time.

Each article's text becomes a MinHash signature over word 5-shingles (folded words, so
that accents, case and punctuation changes between outlets do not matter); locality-
sensitive hashing (datasketch's MinHashLSH) finds the already indexed articles whose
estimated Jaccard similarity passes THRESHOLD, and the new article joins the group of
the most similar one, or starts its own. A group is named by its first article's id.
The signatures and groups live beside the index (dedup.pkl), rewritten atomically.
"""

from __future__ import annotations

import os
import pickle
import re
import tempfile
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from ..layout import DEDUP
from ..text import fold

THRESHOLD = 0.7  # estimated Jaccard of 5-shingle sets: same story, lightly edited
NUM_PERM = 128
SHINGLE = 5
MIN_WORDS = 40  # shorter texts share too few shingles to be judged
FILE = DEDUP
SCHEME = "affine32"  # datasketch's hashing scheme, fixed so stored signatures stay comparable


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """The set of `size`-word shingles of the folded text."""
    words = fold(re.sub(r"\s+", " ", text)).split()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(max(0, len(words) - size + 1))}


_permutations = None  # datasketch draws them anew for every MinHash; they depend only on the seed


def _minhash(values: np.ndarray | None = None) -> MinHash:
    global _permutations
    if _permutations is None:
        _permutations = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations
    return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=values, permutations=_permutations, scheme=SCHEME)


def signature(text: str) -> MinHash | None:
    """The MinHash of a text, or None when it is too short to compare."""
    if len(text.split()) < MIN_WORDS:
        return None
    m = _minhash()
    m.update_batch(list(shingles(text)))
    return m


def signature_values(text: str) -> np.ndarray | None:
    """The MinHash values of a text (what a worker process hands to the writer), or None."""
    m = signature(text)
    return None if m is None else m.hashvalues


class DuplicateGroups:
    """Signatures and group of every indexed article, with an LSH index over them."""

    def __init__(self, folder: Path | None = None) -> None:
        self.path = Path(folder) / FILE if folder else None
        self.lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self.signatures: dict[str, np.ndarray] = {}
        self.groups: dict[str, str] = {}
        if self.path and self.path.exists():
            with open(self.path, "rb") as fh:
                state = pickle.load(fh)
            self.lsh, self.signatures, self.groups = state["lsh"], state["signatures"], state["groups"]

    def assign(self, article_id: str, text: str, values: np.ndarray | None = None) -> str:
        """The group of an article (joining the most similar indexed one, if similar enough).

        `values` are the text's MinHash values when a worker already computed them.
        """
        if article_id in self.groups:
            self.remove(article_id)
        m = _minhash(values) if values is not None else signature(text)
        if m is None:
            self.groups[article_id] = article_id
            return article_id
        best, best_score = None, THRESHOLD
        for other in self.lsh.query(m):
            score = float(np.mean(self.signatures[other] == m.hashvalues))
            if score >= best_score:
                best, best_score = other, score
        group = self.groups[best] if best else article_id
        self.lsh.insert(article_id, m)
        self.signatures[article_id] = m.hashvalues.copy()
        self.groups[article_id] = group
        return group

    def remove(self, article_id: str) -> None:
        """Forget an article (before it is re-added with new text)."""
        if article_id in self.signatures:
            self.lsh.remove(article_id)
            del self.signatures[article_id]
        self.groups.pop(article_id, None)

    def save(self) -> None:
        """Write the state beside the index, atomically."""
        if self.path is None:
            return
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".dedup-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump({"lsh": self.lsh, "signatures": self.signatures, "groups": self.groups}, fh, protocol=pickle.HIGHEST_PROTOCOL)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
