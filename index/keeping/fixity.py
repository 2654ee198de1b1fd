"""Fixity: every stored file is still the file that was stored (issue #17).

Whoosh writes no checksums. Each durable commit (durable.py) writes a manifest of its
generation, `_MAIN_<gen>.manifest.json`: the name, size and SHA-256 of its table of
contents and of every segment file, and a checksum of the manifest itself, so that a
damaged manifest is named as such instead of the file it describes. It is flushed before
the TOC is renamed into place. Segments are immutable: a commit hashes only the files it
adds and carries the other entries over from the previous manifest.

`Checker` (`newsarchive check`) verifies one generation held open (held.py), the one
readers use: its files against the manifest; its segments (each opens, every stored
article decodes, ids are unique and in the id lexicon, the counts add up); with
`originals`, every stored original against its content address; and the user's files
beside the index, read back as the program reads them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import SimpleNamespace

from ..entities.aliases import Aliases
from ..extraction.sources import Sources
from ..store.originals import FOLDER, OriginalStore, digest
from ..store.schema import unpack_article
from ..store.userfiles import read_json
from ..store.whoosh_internals import generation_reader

CHUNK = 1 << 20
FORMAT = "newsarchive-manifest/1"


class ManifestError(ValueError):
    """A manifest that cannot be trusted: not JSON, not a manifest, or not matching its own checksum."""

    def __init__(self, message: str, expected: str | None = None, found: str | None = None) -> None:
        super().__init__(message)
        self.expected, self.found = expected, found


def manifest_filename(indexname: str, generation: int) -> str:
    """The file name of a generation's manifest, beside its table of contents."""
    return f"_{indexname}_{generation}.manifest.json"


def manifest_generation(indexname: str, name: str) -> int | None:
    """The generation a manifest's file name is for, or None when it is no manifest."""
    found = re.fullmatch(rf"_{re.escape(indexname)}_(\d+)\.manifest\.json", name)
    return int(found.group(1)) if found else None


def hash_fd(fd: int) -> tuple[int, str]:
    """(size, SHA-256) of an open file, read with pread: the descriptor's offset is left alone."""
    sha, offset = hashlib.sha256(), 0
    while chunk := os.pread(fd, CHUNK, offset):
        sha.update(chunk)
        offset += len(chunk)
    return offset, sha.hexdigest()


def hash_path(path: Path) -> tuple[int, str]:
    fd = os.open(path, os.O_RDONLY)
    try:
        return hash_fd(fd)
    finally:
        os.close(fd)


def entry(size: int, sha256: str) -> dict:
    return {"size": size, "sha256": sha256}


def _canonical(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def manifest_bytes(indexname: str, generation: int, files: dict[str, dict]) -> bytes:
    """A manifest's text: its files, and the SHA-256 of everything else in canonical form."""
    body = {"format": FORMAT, "index": indexname, "generation": generation, "algorithm": "sha256", "files": files}
    body["checksum"] = hashlib.sha256(_canonical(body)).hexdigest()
    return json.dumps(body, sort_keys=True, indent=1).encode("ascii") + b"\n"


def parse_manifest(data: bytes, generation: int | None = None) -> dict[str, dict]:
    """The files of a manifest (name -> {size, sha256}); ManifestError when it cannot be trusted."""
    try:
        body = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"not valid JSON ({exc})") from exc
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ManifestError(f"not a newsarchive manifest (format {FORMAT!r})")
    stored = body.pop("checksum", None)
    computed = hashlib.sha256(_canonical(body)).hexdigest()
    if stored != computed:
        raise ManifestError("its own checksum does not match: the manifest is damaged", f"checksum {stored}", f"checksum {computed}")
    files = body.get("files")
    valid = isinstance(files, dict) and all(
        isinstance(e, dict) and isinstance(e.get("size"), int) and isinstance(e.get("sha256"), str) for e in files.values())
    if not valid:
        raise ManifestError("holds no valid list of files")
    if generation is not None and body.get("generation") != generation:
        raise ManifestError("is for another generation", f"generation {generation}", f"generation {body.get('generation')}")
    return files


# --- check ------------------------------------------------------------------------------------

USER_FILES = ("aliases.txt", "sources.txt", "saved.json", "collections.json", "dedup.pkl", "newsarchive.json")
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
    """`check` of an index: its newest readable generation held when made, verified by `run` (then `close`)."""

    def __init__(self, index_dir: Path, originals: bool = False) -> None:
        from .held import HeldGeneration  # which reads manifests with this module

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
        storage, referenced, seen = held.storage(), set(), {}
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
        from ..annotation.dedup import DuplicateGroups  # numpy and datasketch: only for a check, not for every reader

        folder = self.index_dir
        readers = {"aliases.txt": lambda: Aliases.load(folder), "sources.txt": lambda: Sources.load(folder),
                   "saved.json": lambda: _saved_shape(read_json(folder / "saved.json", {})),
                   "collections.json": lambda: _collections_shape(read_json(folder / "collections.json", {})),
                   "dedup.pkl": lambda: DuplicateGroups(folder),
                   "newsarchive.json": lambda: _meta_shape(read_json(folder / "newsarchive.json", {}))}
        count = 0
        for name in USER_FILES:
            if (folder / name).exists():
                count += 1
                try:
                    readers[name]()
                except Exception as exc:  # noqa: BLE001 - whatever stops the program reading it back
                    self.problem(name, f"does not read back ({exc})")
        self.report.counts["user_files"] = count


def _member(data, key: str) -> dict:
    if not isinstance(data, dict) or not isinstance(data.get(key, {}), dict):
        raise ValueError(f"does not hold {key!r} by name")
    return data.get(key, {})


def _saved_shape(data) -> None:
    """saved.json as search/keeping.py reads it: searches by name, each with its parameters, dates and generation."""
    for name, s in _member(data, "searches").items():
        params = s.get("params") if isinstance(s, dict) else None
        sound = (isinstance(params, list) and all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in params)
                 and isinstance(s.get("created"), str) and isinstance(s.get("checked"), str) and str(s.get("checked_generation")).isdigit())
        if not sound:
            raise ValueError(f"the saved search {name!r} lacks its fields (params, created, checked, checked_generation)")


def _collections_shape(data) -> None:
    """collections.json as search/keeping.py reads it: collections by name, each a list of articles with their ids."""
    for name, c in _member(data, "collections").items():
        articles = c.get("articles", []) if isinstance(c, dict) else None
        if not isinstance(articles, list) or not all(isinstance(a, dict) and isinstance(a.get("id"), str) for a in articles):
            raise ValueError(f"the collection {name!r} holds an article without its id")


def _meta_shape(data) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("schema_version"), int):
        raise ValueError("holds no schema_version")
