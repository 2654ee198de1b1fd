"""Outputs for the tools researchers use next, from any search: what they share.

Three formats beside the tables of export.py:

- `iramuteq`: an Iramuteq (ALCESTE) corpus, one text per article (lexicometry.py);
- `txm`: a zip of one XML file per article and `metadata.csv`, for TXM's "XTZ + CSV" import (lexicometry.py);
- `gexf`: the co-occurrence network of persons, organisations and countries, for Gephi (network.py).

Each is produced as an `Output`: its bytes as they are written, and what to say when the
export was cut at its limit (an Iramuteq corpus or a TXM folder has no place for a note,
so the web says it in a header and the command on stderr).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

FORMATS = ("iramuteq", "txm", "gexf")
MEDIA_TYPES = {
    "iramuteq": "text/plain; charset=utf-8",
    "txm": "application/zip",
    "gexf": "application/gexf+xml",
}
EXTENSIONS = {"iramuteq": "txt", "txm": "zip", "gexf": "gexf"}
# The network's bounds (network.py), here so that the command's options name them without loading networkx.
DEFAULT_NODES = 150
MAX_NODES = 400  # networkx lays out fewer than 500 nodes with numpy alone; more would not be readable either
DEFAULT_MIN_WEIGHT = 1
MAX_MIN_WEIGHT = 1_000_000


@dataclass
class Output:
    """A research output: its format, its bytes (produced as they are read), and the note when it was cut."""

    fmt: str
    chunks: Iterator[bytes]
    cut_message: str | None = None

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]

    @property
    def filename(self) -> str:
        """The download's name: newsarchive-iramuteq.txt, newsarchive-txm.zip, newsarchive-network.gexf."""
        return f"newsarchive-{'network' if self.fmt == 'gexf' else self.fmt}.{EXTENSIONS[self.fmt]}"
