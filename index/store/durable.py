"""A crash-safe Whoosh index: durable commits, a previous generation to fall back on.

Whoosh writes a commit as new segment files plus a new table of contents (TOC), renamed
into place, then deletes every older TOC and unreferenced segment at once; nothing is
fsynced. A crash can then leave a TOC whose segments never reached the disk, with no
older generation left. Here a commit is:

1. each new segment (a merged one too) gets its per-document arrays written beside it
   (segment_arrays.py), and the new segment files are flushed to disk (fsync);
2. the TOC is written to a temporary file; the generation's manifest (manifest.py: name,
   size and SHA-256 of the TOC and of every segment file) is written beside it, flushed
   and renamed into place; then the TOC is renamed into place and flushed, and the
   folder entry flushed: the switch to the new generation is one atomic rename, and no
   generation is without its manifest;
3. the new generation is read back and checked (every segment opens, the document count
   adds up) before anything old is removed; if the check fails, the new TOC is removed
   and the previous generation stays current;
4. only then are files older than the previous generation deleted (their manifests too):
   the previous TOC and its segments stay, so a reader can fall back to it if the newest
   TOC is unreadable.

Readers open the newest generation that reads back cleanly. The Whoosh internals this
needs (TOC names, reading a generation, the commit hook) are in whoosh_internals.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import CommitVerificationError
from ..layout import INDEX_NAME
from .manifest import ManifestError, entry, hash_path, manifest_bytes, manifest_filename, manifest_generation, parse_manifest
from .segment_arrays import write_segment_arrays
from .whoosh_internals import (
    GenerationIndex,
    PublishingWriter,
    file_storage,
    files_of_segment,
    generation_reader,
    generations,
    read_toc,
    segment_reader,
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
    def open(cls, path: Path, indexname: str = INDEX_NAME) -> ArchiveIndex:
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

    storage: Any  # Whoosh's storage (an untyped library's), wrapped in a _BeforeRename while publish() writes the TOC

    def __init__(self, ix: ArchiveIndex, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.quarantine_unreadable(self.generation - 1)
        self.previous_generation = self.generation - 1
        self.previous_segments = list(self.segments)
        self.folder = Path(self.storage.folder)
        self.finished: set[str] = set()  # ids of new segments a builder already gave their arrays and flushed (segment_builds.py)
        self.in_progress: set[str] = set()  # ids of segments still being written (merges): their files are not stale

    def publish(self, segments) -> None:
        old_ids = {s.segment_id() for s in self.previous_segments}
        files = []
        for segment in segments:
            if segment.segment_id() not in old_ids | self.finished:
                finish_segment(self.storage, self.schema, segment)
            files += self.segment_files(segment.segment_id())
        toc_name = toc_filename(self.indexname, self.generation)
        # Whoosh writes the TOC to a temporary file and renames it: the manifest goes in between.
        storage = self.storage
        self.storage = _BeforeRename(storage, toc_name, lambda written: self.write_manifest(files, written))
        try:
            toc_path = self.folder / self.write_toc(segments)
        finally:
            self.storage = storage
        _fsync_path(toc_path)
        _fsync_path(self.folder, directory=True)
        try:
            self.verify(segments)
        except Exception as exc:
            toc_path.unlink(missing_ok=True)
            (self.folder / manifest_filename(self.indexname, self.generation)).unlink(missing_ok=True)
            raise CommitVerificationError(f"the new index generation {self.generation} did not read back ({exc}); kept the previous one") from exc
        keep = {s.segment_id() for s in segments} | old_ids | self.in_progress
        generations_kept = {self.generation, self.previous_generation}
        stale = stale_files(self.storage, self.indexname, generations_kept, keep) + stale_manifests(self.storage.list(), self.indexname, generations_kept)
        for name in stale:
            with contextlib.suppress(OSError):  # a reader may hold it open; the next commit retries
                self.storage.delete_file(name)

    def write_manifest(self, segment_files: list[str], toc_written: str) -> None:
        """This generation's manifest, flushed: the files it adds hashed, the others' entries carried over from the previous manifest.

        A carried entry is kept even if its file changed since: the manifest records what
        was stored, so `check` goes on reporting damage instead of a commit adopting it.
        """
        toc_name = toc_filename(self.indexname, self.generation)
        try:
            previous_name = manifest_filename(self.indexname, self.previous_generation)
            previous = parse_manifest((self.folder / previous_name).read_bytes(), self.previous_generation)
        except (OSError, ManifestError):
            previous = {}  # an index older than manifests, or a damaged one: hash every file once
        files = {name: previous.get(name) or entry(*hash_path(self.folder / name)) for name in segment_files}
        files[toc_name] = entry(*hash_path(self.folder / toc_written))
        _write_fsynced(self.folder, manifest_filename(self.indexname, self.generation), manifest_bytes(self.indexname, self.generation, files))

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
        return files_of_segment(self.storage.list(), segment_id)

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


def finish_segment(storage, schema, segment) -> int:
    """Step 1 of a commit for one new segment: its per-document arrays written beside it, its files flushed; their size in bytes."""
    folder = Path(storage.folder)
    reader = segment_reader(storage, schema, segment)
    try:
        write_segment_arrays(folder, reader, schema, segment.segment_id())
    finally:
        reader.close()
    written = 0
    for name in files_of_segment(storage.list(), segment.segment_id()):
        _fsync_path(folder / name)
        written += (folder / name).stat().st_size
    return written


class _BeforeRename:
    """The index's storage as Whoosh's TOC writer sees it: `before(temporary name)` runs just before the TOC is renamed into place."""

    def __init__(self, storage, toc_name: str, before: Callable[[str], None]) -> None:
        self.wrapped, self.toc_name, self.before = storage, toc_name, before

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        if newname == self.toc_name:
            self.before(oldname)
        self.wrapped.rename_file(oldname, newname, safe=safe)

    def __getattr__(self, name: str):
        return getattr(self.wrapped, name)


def _write_fsynced(folder: Path, name: str, data: bytes) -> None:
    """`name` written through a temporary file, flushed, renamed into place, the folder entry flushed."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_path(folder, directory=True)


def stale_manifests(names: list[str], indexname: str, keep_generations: set[int]) -> list[str]:
    """Manifests of generations not kept, and the temporary files of manifests a killed writer never renamed."""
    unrenamed = re.compile(rf"^\._{re.escape(indexname)}_\d+\.manifest\.json\..+\.tmp$")
    stale = []
    for name in names:
        generation = manifest_generation(indexname, name)
        if (generation is not None and generation not in keep_generations) or unrenamed.match(name):
            stale.append(name)
    return stale
