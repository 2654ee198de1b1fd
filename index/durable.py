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

Readers open the newest generation that reads back cleanly. The Whoosh internals this
needs (TOC names, reading a generation, the commit hook) are in whoosh_internals.py.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .errors import CommitVerificationError
from .whoosh_internals import (
    GenerationIndex,
    PublishingWriter,
    file_storage,
    generation_reader,
    generations,
    read_toc,
    stale_files,
    toc_filename,
)


def _fsync_path(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ArchiveIndex(GenerationIndex):
    """A Whoosh index that opens the newest generation that reads back cleanly."""

    @classmethod
    def open(cls, path: Path, indexname: str = "MAIN") -> ArchiveIndex:
        """Open the index in `path` (its newest readable generation)."""
        return cls(file_storage(path), indexname=indexname)

    def current_toc(self):
        errors = []
        for gen in generations(self.storage, self.indexname):
            try:
                return read_toc(self.storage, self.indexname, gen, self.given_schema)
            except Exception as exc:  # noqa: BLE001 - a torn TOC can fail in many ways
                errors.append(f"generation {gen}: {type(exc).__name__}: {exc}")
        raise OSError("no readable generation of the index" + (f" ({'; '.join(errors)})" if errors else ""))

    def latest_generation(self) -> int:
        # Searchers ask before every search whether they are up to date; reading and
        # unpickling the TOC each time costs more than the search itself. The answer can
        # only change when the set of TOC files does, which a directory listing shows.
        names = tuple(generations(self.storage, self.indexname))
        cached = getattr(self, "latest_seen", None)
        if cached is not None and cached[0] == names:
            return cached[1]
        generation = self.current_toc().generation
        self.latest_seen = (names, generation)
        return generation

    def writer(self, **kwargs) -> SafeSegmentWriter:
        return SafeSegmentWriter(self, **kwargs)


class SafeSegmentWriter(PublishingWriter):
    """Whoosh's SegmentWriter with the durable, verified commit described above."""

    def __init__(self, ix: ArchiveIndex, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.quarantine_unreadable(self.generation - 1)
        self.previous_generation = self.generation - 1
        self.previous_segments = list(self.segments)
        self.folder = Path(self.storage.folder)

    def publish(self, segments) -> None:
        old_ids = {s.segment_id() for s in self.previous_segments}
        for segment in segments:
            if segment.segment_id() not in old_ids:
                for name in self.segment_files(segment.segment_id()):
                    _fsync_path(self.folder / name)
        toc_path = self.folder / self.write_toc(segments)
        _fsync_path(toc_path)
        _fsync_path(self.folder, directory=True)
        try:
            self.verify(segments)
        except Exception as exc:
            toc_path.unlink(missing_ok=True)
            raise CommitVerificationError(f"the new index generation {self.generation} did not read back ({exc}); kept the previous one") from exc
        keep = {s.segment_id() for s in segments} | old_ids
        for name in stale_files(self.storage, self.indexname, {self.generation, self.previous_generation}, keep):
            with contextlib.suppress(OSError):  # a reader may hold it open; the next commit retries
                self.storage.delete_file(name)

    def quarantine_unreadable(self, current: int) -> None:
        """Move aside any TOC newer than the generation we read: it did not read back."""
        folder = Path(self.storage.folder)
        for gen in generations(self.storage, self.indexname):
            if gen > current:
                name = toc_filename(self.indexname, gen)
                os.replace(folder / name, folder / f"{name}.unreadable")

    def cancel(self) -> None:
        """Drop what was written since the last commit, including the new segment's files."""
        super().cancel()
        for name in self.segment_files(self.newsegment.segment_id()):
            with contextlib.suppress(OSError):
                self.storage.delete_file(name)

    def segment_files(self, segment_id: str) -> list[str]:
        return [name for name in self.storage.list() if name.startswith(segment_id + ".") or name.startswith(segment_id + "_")]

    def verify(self, segments) -> None:
        """Read the new generation back: every segment opens and the document count adds up."""
        toc = read_toc(self.storage, self.indexname, self.generation)
        expected = sum(s.doc_count() for s in segments)
        reader = generation_reader(self.storage, toc)
        try:
            if reader.doc_count() != expected:
                raise ValueError(f"{reader.doc_count()} documents readable, {expected} written")
        finally:
            reader.close()
