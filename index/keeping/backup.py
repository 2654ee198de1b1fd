"""Consistent backups of an index while it serves and is written (`newsarchive backup`).

A backup copies one committed generation, held open as `check` holds it (held.py): its
table of contents, manifest and segment files; then the originals and the user's files.
The folder it writes is a working index. Copies go through a temporary file renamed into
place, and the TOC goes last, after everything it refers to is on disk: a backup that is
interrupted leaves the previous backup's generation readable, and a re-run completes it.

Incremental rule: segment files are immutable once written and uniquely named, and
originals are named by their content, so a file already in DEST under the same name (and,
for a segment, the same size) is skipped; user files are compared byte for byte. Files of
generations DEST no longer holds are removed once the new TOC is in place. The copy is
then checked (check.Checker, originals included): damage in DEST is reported, and a
damaged file removed from DEST is copied again by the next backup.

BagIt (RFC 8493): with `bag`, DEST is a bag made with the Library of Congress `bagit`
package, the index in DEST/data. A bag's manifest covers its whole payload, so an
incremental backup copies only what changed into DEST/data and then regenerates the bag's
manifests (`Bag.save(manifests=True)`: every payload file is hashed again).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ArchiveIndexError, IndexLockedError
from ..layout import INDEX_NAME, LOCK, META, USER_FILES
from ..store.durable import stale_manifests
from ..store.folder import index_exists
from ..store.manifest import entry, hash_fd, hash_path, manifest_bytes
from ..store.originals import FOLDER
from ..store.whoosh_internals import file_storage, stale_files
from .check import Checker, CheckReport, FileReader
from .held import HeldGeneration

CHUNK = 1 << 20
BAG_TAG = "bagit.txt"


@dataclass
class BackupReport:
    """What a backup copied, skipped and removed, and what checking the copy found."""

    source: Path
    dest: Path
    index: Path  # the copied index: DEST, or DEST/data in a bag
    generation: int
    bag: bool
    copied: dict[str, int] = field(default_factory=lambda: {"index_files": 0, "bytes": 0, "originals": 0, "user_files": 0})
    skipped: dict[str, int] = field(default_factory=lambda: {"index_files": 0, "originals": 0, "user_files": 0})
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    check: CheckReport | None = None

    @property
    def lines(self) -> list[str]:
        c, s = self.copied, self.skipped
        where = f" (a BagIt bag, the index in {self.index})" if self.bag else ""
        return [f"Backed up generation {self.generation} of {self.source} to {self.dest}{where}",
                f"  copied: {c['index_files']} index files ({c['bytes'] / 1e6:.1f} MB), {c['originals']} originals, {c['user_files']} user files",
                f"  skipped (already there): {s['index_files']} index files, {s['originals']} originals, {s['user_files']} user files",
                f"  removed: {len(self.removed)} files the source no longer has (older generations, deleted user files)",
                *(f"  note: {n}" for n in self.notes)]

    def to_json(self) -> dict:
        return {"source": str(self.source), "dest": str(self.dest), "index": str(self.index), "generation": self.generation,
                "bag": self.bag, "copied": self.copied, "skipped": self.skipped, "removed": self.removed, "notes": self.notes,
                "check": self.check.to_json() if self.check else None}


def backup(source: Path, dest: Path, readers: Mapping[str, FileReader], bag: bool = False) -> BackupReport:
    """Copy the index at `source` into `dest` (incrementally), optionally as a BagIt bag, then check the copy (`readers` as for Checker)."""
    source, dest = Path(source), Path(dest)
    if not index_exists(source):
        raise ArchiveIndexError(f"no index at {source} to back up")
    if dest.resolve() == source.resolve() or source.resolve() in dest.resolve().parents:
        raise ArchiveIndexError(f"{dest} is the index itself or inside it: back it up elsewhere")
    is_bag = (dest / BAG_TAG).exists()
    target = dest / "data" if is_bag else dest
    _refuse_foreign(target)
    target.mkdir(parents=True, exist_ok=True)
    with _locked(target), HeldGeneration(source, INDEX_NAME) as held:
        report = BackupReport(source, dest, dest / "data" if bag or is_bag else dest, held.generation, bag or is_bag)
        if is_bag and not bag:
            report.notes.append("DEST is a BagIt bag: kept as one (its manifests regenerated)")
        _copy_index(held, target, report)
        _copy_originals(source / FOLDER, target / FOLDER, report)
        _copy_user_files(source, target, report)
        os.sync()  # what the new TOC refers to reaches the disk before the TOC does (an fsync per original costs minutes)
        _put_manifest(held, target, report)
        _copy_index(held, target, report, [held.toc_name])  # last: the switch to the new generation
        _fsync_dir(target)
        report.removed += _remove_other_generations(held, target)
        _fsync_dir(target)
        if report.bag:
            _make_bag(dest, held.generation, update=is_bag)
    with Checker(report.index, readers, originals=True) as checker:
        report.check = checker.run()
    return report


def _refuse_foreign(folder: Path) -> None:
    """Never write into a folder that holds something else than an index (a backup's, or one interrupted)."""
    if not folder.is_dir() or not any(folder.iterdir()):
        return
    if index_exists(folder) or (folder / LOCK).exists() or (folder / META).exists():
        return
    raise ArchiveIndexError(f"{folder} is not empty and holds no newsarchive index: not writing a backup into it")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """The index folder's writer lock, for the backup's duration (the file stays empty: a bag's payload must not change)."""
    with open(folder / LOCK, "a") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexLockedError(f"{folder} is being written by another process (an indexer or another backup)") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _copy(fd: int, target: Path, fsync: bool = True) -> int:
    """Copy an open file to `target` through a temporary file renamed into place; return the bytes copied."""
    tmp_fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(tmp_fd, "wb") as out:
            offset = 0
            while chunk := os.pread(fd, CHUNK, offset):
                out.write(chunk)
                offset += len(chunk)
            out.flush()
            if fsync:
                os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return offset


def _copy_index(held: HeldGeneration, target: Path, report: BackupReport, names: list[str] | None = None) -> None:
    """Index files not yet in the backup: same name and size means the same file (segments are immutable, a TOC names its generation)."""
    for name in held.segment_files() if names is None else names:
        there = target / name
        if there.exists() and there.stat().st_size == held.size(name):
            report.skipped["index_files"] += 1
            continue
        report.copied["bytes"] += _copy(held.fds[name], there)
        report.copied["index_files"] += 1


def _copy_originals(source: Path, target: Path, report: BackupReport) -> None:
    """Originals not yet in the backup (their names are their content); new ones appear in the source only."""
    for path in sorted(source.glob("*/*.gz")):
        there = target / path.parent.name / path.name
        if there.exists():
            report.skipped["originals"] += 1
            continue
        there.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDONLY)
        try:
            _copy(fd, there, fsync=False)
        finally:
            os.close(fd)
        report.copied["originals"] += 1


def _copy_user_files(source: Path, target: Path, report: BackupReport) -> None:
    """The user's files, each read whole (they are replaced by renames, never written in place); gone from the source, gone from the copy."""
    for name in USER_FILES:
        src, there = source / name, target / name
        try:
            fd = os.open(src, os.O_RDONLY)
        except FileNotFoundError:
            if there.exists():
                there.unlink()
                report.removed.append(name)
            continue
        try:
            if there.exists() and there.stat().st_size == os.fstat(fd).st_size and hash_path(there) == hash_fd(fd):
                report.skipped["user_files"] += 1
            else:
                _copy(fd, there)
                report.copied["user_files"] += 1
        finally:
            os.close(fd)


def _put_manifest(held: HeldGeneration, target: Path, report: BackupReport) -> None:
    """The generation's manifest; for an index older than manifests, one computed from the copied files."""
    if held.manifest is not None:
        _copy_index(held, target, report, [held.manifest_name])
        return
    files = {name: entry(*hash_path(target / name)) for name in held.segment_files()}
    files[held.toc_name] = entry(*hash_fd(held.fds[held.toc_name]))
    (target / held.manifest_name).write_bytes(manifest_bytes(INDEX_NAME, held.generation, files))
    report.notes.append(f"the source has no manifest (an index written before manifests): the copy's {held.manifest_name} was computed from the copied files")


def _remove_other_generations(held: HeldGeneration, target: Path) -> list[str]:
    keep_segments = {s.segment_id() for s in held.toc.segments}
    names = stale_files(file_storage(target), INDEX_NAME, {held.generation}, keep_segments)
    names += stale_manifests(os.listdir(target), INDEX_NAME, {held.generation})
    for name in names:
        (target / name).unlink(missing_ok=True)
    return sorted(names)


def _make_bag(dest: Path, generation: int, update: bool) -> None:
    import bagit

    info = {"External-Description": f"newsarchive index (generation {generation}); serve it with `newsarchive serve --read-only --index data`"}
    if update:
        bag = bagit.Bag(str(dest))
        bag.info.update(info)
        bag.save(manifests=True)
    else:
        # bagit moves DEST's contents into DEST/data, then hashes them.
        bagit.make_bag(str(dest), bag_info=info, checksums=["sha256"])


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

