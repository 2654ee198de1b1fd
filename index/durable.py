"""A crash-safe Whoosh index: durable commits, a previous generation to fall back on.

Whoosh writes a commit as new segment files plus a new table of contents (TOC), renamed
into place, then deletes every older TOC and unreferenced segment at once; nothing is
fsynced. A crash can then leave a TOC whose segments never reached the disk, with no
older generation left. Here a commit is:

1. the new segment files are flushed to disk (fsync);
2. the TOC is written to a temporary file, flushed, renamed into place, and the folder
   entry flushed: the switch to the new generation is one atomic rename;
3. the new generation is read back and checked (every segment opens, the document count
   adds up) before anything old is removed; if the check fails, the new TOC is removed
   and the previous generation stays current;
4. only then are files older than the previous generation deleted: the previous TOC and
   its segments stay, so a reader can fall back to it if the newest TOC is unreadable.

Readers open the newest generation that reads back cleanly.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex
from whoosh.writing import SegmentWriter


class CommitVerificationError(RuntimeError):
    """A freshly written generation did not read back; it was discarded."""


def _generations(storage, indexname: str) -> list[int]:
    pattern = TOC._pattern(indexname)
    gens = []
    for name in storage.list():
        match = pattern.match(name)
        if match:
            gens.append(int(match.group(1)))
    return sorted(gens, reverse=True)


def _fsync_path(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ArchiveIndex(FileIndex):
    """A Whoosh FileIndex that opens the newest generation that reads back cleanly."""

    def __init__(self, storage, schema=None, indexname: str = "MAIN") -> None:
        self.storage = storage
        self._schema = schema
        self.indexname = indexname
        self._read_toc()  # fail now, with the reason, if no generation is readable

    @classmethod
    def create(cls, storage, schema, indexname: str = "MAIN") -> ArchiveIndex:
        TOC.create(storage, schema, indexname)
        return cls(storage, schema, indexname)

    @classmethod
    def open(cls, path: Path, indexname: str = "MAIN") -> ArchiveIndex:
        """Open the index in `path` (its newest readable generation)."""
        return cls(FileStorage(str(path)), indexname=indexname)

    def _read_toc(self):
        errors = []
        for gen in _generations(self.storage, self.indexname):
            try:
                return TOC.read(self.storage, self.indexname, gen=gen, schema=self._schema)
            except Exception as exc:  # noqa: BLE001 - a torn TOC can fail in many ways
                errors.append(f"generation {gen}: {type(exc).__name__}: {exc}")
        raise OSError("no readable generation of the index" + (f" ({'; '.join(errors)})" if errors else ""))

    def latest_generation(self) -> int:
        # Searchers ask before every search whether they are up to date; reading and
        # unpickling the TOC each time costs more than the search itself. The answer can
        # only change when the set of TOC files does, which a directory listing shows.
        names = tuple(_generations(self.storage, self.indexname))
        cached = getattr(self, "_latest", None)
        if cached is not None and cached[0] == names:
            return cached[1]
        generation = self._read_toc().generation
        self._latest = (names, generation)
        return generation

    def writer(self, **kwargs) -> SafeSegmentWriter:
        return SafeSegmentWriter(self, **kwargs)


class SafeSegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter with the durable, verified commit described above."""

    def __init__(self, ix: ArchiveIndex, poolclass=None, limitmb: int = 128, **kwargs) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        if poolclass is not None:  # Whoosh accepts the argument but never uses it
            self.pool = poolclass(self._tempstorage, self.newsegment, limitmb=limitmb)
        self._ix = ix
        self._quarantine_unreadable(self.generation - 1)
        self._previous_generation = self.generation - 1
        self._previous_segments = list(self.segments)
        self._folder = Path(self.storage.folder)

    def _commit_toc(self, segments) -> None:
        old_ids = {s.segment_id() for s in self._previous_segments}
        for segment in segments:
            if segment.segment_id() not in old_ids:
                for name in self._segment_files(segment.segment_id()):
                    _fsync_path(self._folder / name)
        toc = TOC(self.schema, segments, self.generation)
        toc.write(self.storage, self.indexname)
        toc_path = self._folder / TOC._filename(self.indexname, self.generation)
        _fsync_path(toc_path)
        _fsync_path(self._folder, directory=True)
        try:
            self._verify(segments)
        except Exception as exc:
            toc_path.unlink(missing_ok=True)
            raise CommitVerificationError(f"the new index generation {self.generation} did not read back ({exc}); kept the previous one") from exc
        self._clean(segments)

    def _quarantine_unreadable(self, current: int) -> None:
        """Move aside any TOC newer than the generation we read: it did not read back."""
        folder = Path(self.storage.folder)
        for gen in _generations(self.storage, self.indexname):
            if gen > current:
                name = TOC._filename(self.indexname, gen)
                os.replace(folder / name, folder / f"{name}.unreadable")

    def cancel(self) -> None:
        """Drop what was written since the last commit, including the new segment's files."""
        super().cancel()
        for name in self._segment_files(self.newsegment.segment_id()):
            with contextlib.suppress(OSError):
                self.storage.delete_file(name)

    def _segment_files(self, segment_id: str) -> list[str]:
        return [name for name in self.storage.list() if name.startswith(segment_id + ".") or name.startswith(segment_id + "_")]

    def _verify(self, segments) -> None:
        toc = TOC.read(self.storage, self.indexname, gen=self.generation)
        expected = sum(s.doc_count() for s in segments)
        reader = FileIndex._reader(self.storage, toc.schema, toc.segments, toc.generation)
        try:
            if reader.doc_count() != expected:
                raise ValueError(f"{reader.doc_count()} documents readable, {expected} written")
        finally:
            reader.close()

    def _clean(self, segments) -> None:
        keep_gens = {self.generation, self._previous_generation}
        keep_ids = {s.segment_id() for s in segments} | {s.segment_id() for s in self._previous_segments}
        tocpattern = TOC._pattern(self.indexname)
        segpattern = TOC._segment_pattern(self.indexname)
        temp_toc = re.compile(rf"^_{re.escape(self.indexname)}_\d+\.toc\.[\d.]+$")
        for name in self.storage.list():
            toc_match = tocpattern.match(name)
            seg_match = segpattern.match(name)
            stale = (
                (toc_match and int(toc_match.group(1)) not in keep_gens)
                or (seg_match and seg_match.group(1) not in keep_ids)
                or temp_toc.match(name)  # a TOC a killed writer never renamed into place
            )
            if stale:
                with contextlib.suppress(OSError):  # a reader may hold it open; the next commit retries
                    self.storage.delete_file(name)
