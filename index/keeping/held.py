"""One committed generation of an index, every file of it held open: what `check` verifies and `backup` copies.

A writer may commit while a check or a backup runs, and the durable commit (durable.py)
deletes generations older than the previous one. Linux keeps a deleted file readable
while a descriptor is open, so the generation is taken by opening all its files first:
its table of contents, its manifest and its segment files. A generation deleted while
it was being opened is dropped and the newest one taken again; one whose table of
contents stays in place while a file of it is missing is damaged, and said so.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from ..errors import ArchiveIndexError
from ..layout import INDEX_NAME
from ..store.manifest import ManifestError, manifest_filename, parse_manifest
from ..store.whoosh_internals import TOC, file_storage, generations, read_toc, toc_filename

PROC_FD = Path("/proc/self/fd")
HOLD_ATTEMPTS = 50
SETTLE_SECONDS = 0.2  # longer than a commit's cleaning takes between deleting a generation's segments and its TOC


class HeldGeneration:
    """The newest readable generation of an index, its files open until `close`.

    `folder` is a private folder of symbolic links to the open descriptors
    (/proc/self/fd/N), which Whoosh opens like an index folder (`storage()`); where
    /proc is absent the links point at the index's own files. `unreadable` lists the
    newer tables of contents that do not read back (readers skip them too), `missing`
    the files the manifest names, or segments with no file at all, that the folder lacks.
    """

    def __init__(self, index_dir: Path, indexname: str = INDEX_NAME) -> None:
        self.source = Path(index_dir)
        self.indexname = indexname
        self.fds: dict[str, int] = {}
        self.folder = Path(tempfile.mkdtemp(prefix="newsarchive-held-"))
        self.generation = -1
        self.toc: TOC | None = None
        self.manifest: bytes | None = None
        self.unreadable: list[tuple[str, str]] = []
        self.missing: list[str] = []
        try:
            self._hold()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> HeldGeneration:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def toc_name(self) -> str:
        return toc_filename(self.indexname, self.generation)

    @property
    def manifest_name(self) -> str:
        return manifest_filename(self.indexname, self.generation)

    def storage(self):
        """Whoosh's storage of the held files."""
        return file_storage(self.folder)

    def segment_files(self) -> list[str]:
        """The held files of the generation's segments (its TOC and manifest aside)."""
        return sorted(n for n in self.fds if n not in (self.toc_name, self.manifest_name))

    def size(self, name: str) -> int:
        return os.fstat(self.fds[name]).st_size

    def _hold(self) -> None:
        for _ in range(HOLD_ATTEMPTS):
            unreadable: list[tuple[str, str]] = []
            for generation in generations(file_storage(self.source), self.indexname):
                state = self._try(generation)
                if state == "held":
                    self.unreadable = unreadable
                    return
                if state == "superseded":
                    break  # a writer committed meanwhile: start again from its newest generation
                unreadable.append((toc_filename(self.indexname, generation), state))
            else:
                self._release()
                reasons = "; ".join(f"{name} {why}" for name, why in unreadable)
                raise ArchiveIndexError(f"no readable generation of the index at {self.source}" + (f" ({reasons})" if reasons else ""))
        raise ArchiveIndexError(f"the index at {self.source} changed {HOLD_ATTEMPTS} times while its files were being opened")

    def _try(self, generation: int) -> str:
        """Hold one generation: "held", "superseded" (deleted under us), or why its TOC does not read back."""
        self._release()
        self.generation = generation
        if not self._open(self.toc_name):
            return "superseded"
        try:
            self.toc = read_toc(self.storage(), self.indexname, generation)
        except Exception as exc:  # noqa: BLE001 - a torn or damaged TOC fails in many ways
            return "superseded" if not self._still_there() else f"does not read back ({type(exc).__name__}: {exc})"
        if self._open(self.manifest_name):
            fd = self.fds[self.manifest_name]
            self.manifest = os.pread(fd, os.fstat(fd).st_size, 0)
        prefixes = tuple(p for s in self.toc.segments for p in (s.segment_id() + ".", s.segment_id() + "_"))
        listed = {n for n in os.listdir(self.source) if n.startswith(prefixes)}
        opened = {n for n in listed if self._open(n)}
        try:
            named = set(parse_manifest(self.manifest, generation)) if self.manifest else set()
        except ManifestError:
            named = set()  # check reports the manifest itself
        without_files = {f"{s.segment_id()}.*" for s in self.toc.segments
                         if not any(n.startswith((s.segment_id() + ".", s.segment_id() + "_")) for n in opened)}
        self.missing = sorted((named - opened - {self.toc_name}) | without_files)
        if (self.missing or self.manifest is None or opened != listed) and not self._still_there():
            return "superseded"
        return "held"

    def _open(self, name: str) -> bool:
        try:
            fd = os.open(self.source / name, os.O_RDONLY)
        except FileNotFoundError:
            return False
        self.fds[name] = fd
        os.symlink(PROC_FD / str(fd) if PROC_FD.is_dir() else (self.source / name).resolve(), self.folder / name)
        return True

    def _still_there(self) -> bool:
        """Whether the held TOC stays in place: a commit deletes a superseded one within moments of its segments."""
        if not (self.source / self.toc_name).exists():
            return False
        time.sleep(SETTLE_SECONDS)
        return (self.source / self.toc_name).exists()

    def _release(self) -> None:
        for name, fd in self.fds.items():
            os.close(fd)
            (self.folder / name).unlink(missing_ok=True)
        self.fds, self.toc, self.manifest, self.missing = {}, None, None, []

    def close(self) -> None:
        """Close every held file and remove the folder of links."""
        self._release()
        shutil.rmtree(self.folder, ignore_errors=True)
