"""One index generation as a search sees it, and the caches kept per generation.

A thread searches with its own Whoosh searcher (they are not thread-safe); the facet
arrays and posting arrays of a generation are built once and shared by every thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from whoosh.fields import Schema
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from .facets import FacetCache
from .postings import IndexArrays

T = TypeVar("T")


@dataclass
class Snapshot:
    """What a search of one generation needs: this thread's searcher, the generation's facets and arrays, the schema."""

    searcher: Searcher
    facets: FacetCache
    arrays: IndexArrays
    schema: Schema

    @property
    def reader(self) -> IndexReader:
        return self.searcher.reader()


def generation_of(searcher: Searcher) -> int:
    """The index generation a searcher reads (an identity for readers that have none)."""
    generation = searcher.reader().generation()
    return generation if generation is not None else id(searcher.reader())


class PerGeneration(Generic[T]):
    """The value `build(searcher)` made for the newest generation seen; built once under a lock, older ones dropped."""

    def __init__(self, build: Callable[[Searcher], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._current: tuple[int, T] | None = None  # one tuple, read and replaced atomically

    def get(self, searcher: Searcher) -> T:
        generation = generation_of(searcher)
        current = self._current
        if current is not None and current[0] == generation:
            return current[1]
        with self._lock:
            current = self._current
            if current is None or current[0] != generation:
                current = self._current = (generation, self._build(searcher))
            return current[1]
