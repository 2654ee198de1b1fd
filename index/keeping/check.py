"""`newsarchive check`: one generation of an index verified, with the user's files beside it.

`Checker` verifies one generation held open (held.py), the one readers use: its files
against its fixity manifest (store/manifest.py); its segments (each opens, every stored
article decodes, ids are unique and in the id lexicon, the counts add up); with
`originals`, every stored original against its content address; and each user file
beside the index (layout.USER_FILES), read back by the reader its owner gives.
"""

from __future__ import annotations

import gzip
import os
import re
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import SimpleNamespace

from ..entities.aliases import Aliases
from ..extraction.sources import Sources
from ..layout import ALIASES, DEDUP, META, SOURCES, USER_FILES
from ..store.folder import read_meta
from ..store.manifest import ManifestError, hash_fd, parse_manifest
from ..store.originals import FOLDER, OriginalStore, digest
from ..store.schema import unpack_article
from ..store.whoosh_internals import generation_reader
from .held import HeldGeneration

# Reads a user file of an index folder back as the program reads it, raising on what it cannot use.
FileReader = Callable[[Path], object]

# The readers of the user files the index layer owns; the search layer adds its own (search/keeping.py).
def _read_dedup(folder: Path) -> object:
    from ..annotation.dedup import DuplicateGroups  # numpy and datasketch: loaded by a check, not by every search

    return DuplicateGroups(folder)


INDEX_FILE_READERS: dict[str, FileReader] = {ALIASES: Aliases.load, SOURCES: Sources.load, DEDUP: _read_dedup, META: read_meta}

MAX_LISTED = 20  # documents of one segment listed as not decoding before the rest are only counted
STEP = 256  # documents between two progress updates


@dataclass
class Problem:
    """One thing found damaged: the file, what is wrong, and what was expected against what was found."""

    file: str
    problem: str
    expected: str | None = None
    found: str | None = None

    @property
    def line(self) -> str:
        detail = f" (expected {self.expected}, found {self.found})" if self.expected or self.found else ""
        return f"{self.file}: {self.problem}{detail}"


@dataclass
class CheckReport:
    """What `check` verified and found."""

    index: Path
    generation: int
    manifest: bool
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def line(self) -> str:
        c = self.counts
        checked = (f"{c.get('files', 0)} files ({c.get('bytes', 0) / 1e6:.1f} MB), {c.get('segments', 0)} segments, "
                   f"{c.get('articles', 0)} articles" + (f", {c['originals']} originals" if "originals" in c else "")
                   + f", {c.get('user_files', 0)} user files")
        verdict = "clean" if self.ok else f"DAMAGED, {len(self.problems)} problem(s)"
        return f"Checked generation {self.generation} of {self.index}: {checked} in {self.seconds:.1f} s: {verdict}"

    def to_json(self) -> dict:
        return {"index": str(self.index), "generation": self.generation, "manifest": self.manifest, "ok": self.ok,
                "problems": [asdict(p) for p in self.problems], "notes": self.notes, "counts": self.counts,
                "seconds": round(self.seconds, 2)}


class Checker:
    """`check` of an index: its newest readable generation held when made, verified by `run` (then `close`).

    `readers` reads back each of layout.USER_FILES (INDEX_FILE_READERS and the search layer's).
    """

    def __init__(self, index_dir: Path, readers: Mapping[str, FileReader], originals: bool = False) -> None:
        missing = set(USER_FILES) - set(readers)
        if missing:
            raise ValueError(f"no reader given for the user files {sorted(missing)}")
        self.readers = readers
        self.index_dir = Path(index_dir)
        self.held = HeldGeneration(self.index_dir)
        root = OriginalStore(self.index_dir).root
        # Listed now: originals only ever appear, and every one the held generation refers to is already there.
        self.originals = sorted(p for p in root.glob("*/*") if not p.name.startswith(".")) if originals else None
        self.total = len(self.held.fds) + sum(s.doc_count_all() for s in self.held.toc.segments) + len(self.originals or ())

    def __enter__(self) -> Checker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.held.close()

    def run(self, progress: Callable[[int], None] | None = None) -> CheckReport:
        """Verify the held generation, the originals (if asked) and the user's files."""
        started = time.perf_counter()
        self.progress = progress or (lambda n: None)
        held = self.held
        self.report = CheckReport(self.index_dir, held.generation, held.manifest is not None)
        for name, why in held.unreadable:
            self.problem(name, f"{why}; readers use generation {held.generation}")
        self._check_files()
        referenced = self._check_segments()
        if self.originals is not None:
            self._check_originals(referenced)
        self._check_user_files()
        self.report.seconds = time.perf_counter() - started
        return self.report

    def problem(self, file: str, problem: str, expected: str | None = None, found: str | None = None) -> None:
        self.report.problems.append(Problem(file, problem, expected, found))

    def _check_files(self) -> None:
        held, counts = self.held, self.report.counts
        counts["files"] = len(held.fds)
        counts["bytes"] = sum(os.fstat(fd).st_size for fd in held.fds.values())
        for name in held.missing:
            if name.endswith(".*"):
                self.problem(name, "missing: the table of contents names this segment, the folder has no file of it")
        if held.manifest is None:
            self.report.notes.append(f"generation {held.generation} has no manifest ({held.manifest_name}): the index was written "
                                     "before manifests existed, so its files are not checked against checksums (the next commit writes one)")
            self.progress(len(held.fds))
            return
        try:
            files = parse_manifest(held.manifest, held.generation)
        except ManifestError as exc:
            self.problem(held.manifest_name, str(exc), exc.expected, exc.found)
            self.report.notes.append("the files were not checked against a manifest that cannot be trusted")
            self.progress(len(held.fds))
            return
        for name in sorted((set(files) | set(held.fds)) - {held.manifest_name}):
            want, fd = files.get(name), held.fds.get(name)
            if fd is None:
                self.problem(name, "missing", f"{want['size']} bytes", "no such file")
                continue
            size, sha = hash_fd(fd)
            if want is None:
                self.problem(name, "not in the manifest", f"no such file in generation {held.generation}", f"{size} bytes")
            elif size != want["size"]:
                self.problem(name, "size differs from the manifest", f"{want['size']} bytes", f"{size} bytes")
            elif sha != want["sha256"]:
                self.problem(name, "content differs from the manifest", f"SHA-256 {want['sha256']}", f"SHA-256 {sha}")
            self.progress(1)

    def _check_segments(self) -> set[str]:
        """Every segment opens, every stored article decodes, ids are unique and indexed, counts add up; the originals referred to."""
        held, toc = self.held, self.held.toc
        storage = held.storage()
        referenced: set[str] = set()
        seen: dict[str, str] = {}
        live, failed = 0, False
        for segment in toc.segments:
            segid = segment.segment_id()
            label = next((n for n in held.segment_files() if n.startswith(segid)), f"{segid}.*")
            try:
                reader = generation_reader(storage, SimpleNamespace(schema=toc.schema, segments=[segment], generation=toc.generation))
            except Exception as exc:  # noqa: BLE001 - a damaged segment fails in many ways
                self.problem(label, f"segment does not open ({type(exc).__name__}: {exc})")
                self.progress(segment.doc_count_all())
                failed = True
                continue
            try:
                counted, ok = self._check_documents(reader, label, seen, referenced)
            finally:
                reader.close()
            live, failed = live + counted, failed or not ok
        expected = sum(s.doc_count() for s in toc.segments)
        try:
            reader = generation_reader(storage, toc)
            readable = reader.doc_count()
            reader.close()
        except Exception as exc:  # noqa: BLE001
            self.problem(held.toc_name, f"the generation does not open ({type(exc).__name__}: {exc})")
            readable = None
        if not failed and (readable, live) != (expected, expected):
            self.problem(held.toc_name, "document counts do not add up", f"{expected} documents (the segments' counts)",
                         f"{readable} readable, {live} decoded")
        self.report.counts.update(segments=len(toc.segments), articles=live)
        return referenced

    def _check_documents(self, reader, label: str, seen: dict[str, str], referenced: set[str]) -> tuple[int, bool]:
        """(live documents decoded, whether all were sound) of one segment's reader."""
        stores_article = "article" in reader.schema.names()
        stored_ids, live, errors = set(), 0, 0
        total = reader.doc_count_all()
        for docnum in range(total):
            try:
                fields = reader.stored_fields(docnum)
                stored_ids.add(fields["id"])
                if not reader.is_deleted(docnum):
                    article = unpack_article(fields.get("article"))
                    if stores_article and not (isinstance(article, dict) and article):
                        raise ValueError("the stored article is empty")
                    live += 1
                    if isinstance(article.get("original"), str):
                        referenced.add(article["original"])
                    if fields["id"] in seen:
                        self.problem(label, f"article {fields['id']} is stored twice", "once", f"also in {seen[fields['id']]}")
                    seen[fields["id"]] = label
            except Exception as exc:  # noqa: BLE001 - damaged stored fields fail in many ways
                errors += 1
                if errors <= MAX_LISTED:
                    self.problem(label, f"document {docnum} does not decode ({type(exc).__name__}: {exc})")
            if docnum % STEP == STEP - 1:
                self.progress(STEP)
        self.progress(total % STEP)
        if errors > MAX_LISTED:
            self.problem(label, f"{errors - MAX_LISTED} more documents do not decode")
        try:
            indexed = {t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon("id")}
        except Exception as exc:  # noqa: BLE001
            self.problem(label, f"the id lexicon does not read ({type(exc).__name__}: {exc})")
            return live, False
        if indexed != stored_ids:
            self.problem(label, "the id lexicon and the stored documents disagree", f"{len(stored_ids)} ids, all indexed",
                         f"{len(stored_ids - indexed)} stored but not indexed, {len(indexed - stored_ids)} indexed but not stored")
        return live, errors == 0 and indexed == stored_ids

    def _check_originals(self, referenced: set[str]) -> None:
        """Each stored original against its content address; every original an article refers to is there."""
        present = set()
        for path in self.originals:
            name = f"{FOLDER}/{path.parent.name}/{path.name}"
            key = path.name.removesuffix(".gz")
            if not re.fullmatch(r"[0-9a-f]{40}\.gz", path.name) or path.parent.name != key[:2]:
                self.problem(name, "not named by a content address", f"{FOLDER}/xx/<40 hex digits>.gz starting with xx", name)
            else:
                present.add(key)
                try:
                    with gzip.open(path, "rb") as fh:
                        found = digest(fh.read())
                except (OSError, EOFError, zlib.error) as exc:
                    self.problem(name, f"does not decompress ({type(exc).__name__}: {exc})", f"a gzip file of SHA-1 {key}", "damaged gzip data")
                else:
                    if found != key:
                        self.problem(name, "content differs from its address", f"SHA-1 {key}", f"SHA-1 {found}")
            self.progress(1)
        for key in sorted(referenced - present):
            self.problem(f"{FOLDER}/{key[:2]}/{key}.gz", "missing: an article refers to it", "the article's original", "no such file")
        self.report.counts["originals"] = len(self.originals)

    def _check_user_files(self) -> None:
        count = 0
        for name in USER_FILES:
            if (self.index_dir / name).exists():
                count += 1
                try:
                    self.readers[name](self.index_dir)
                except Exception as exc:  # noqa: BLE001 - whatever stops the program reading it back
                    self.problem(name, f"does not read back ({exc})")
        self.report.counts["user_files"] = count
