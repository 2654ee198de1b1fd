"""The fixity manifest of a generation: every stored file is still the file that was stored.

Whoosh writes no checksums. Each durable commit (durable.py) writes a manifest of its
generation, `_MAIN_<gen>.manifest.json`: the name, size and SHA-256 of its table of
contents and of every segment file, and a checksum of the manifest itself, so that a
damaged manifest is named as such instead of the file it describes. It is flushed before
the TOC is renamed into place. Segments are immutable: a commit hashes only the files it
adds and carries the other entries over from the previous manifest. keeping/check.py
verifies a generation against it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

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
