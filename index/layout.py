"""The files of an index folder, named once.

Every module that reads or writes a file beside the index takes its name from here; the
integrity check (keeping/check.py) and the backup (keeping/backup.py) walk USER_FILES and
ask each file's owner to read it back, so a new user file is added in one place.

    _MAIN_<generation>.toc              Whoosh's table of contents of a generation
    _MAIN_<generation>.manifest.json    its fixity manifest (store/manifest.py)
    MAIN_<segment>.seg                  Whoosh's segments
    MAIN_<segment>.arrays               each segment's per-document arrays, mapped by searches (store/segment_arrays.py)
    MAIN.<random>.tmp/                  a segment writer's temporary folder (store/segment_builds.py), gone when it is done
    originals/xx/<sha1>.gz              each article's original, by content address (store/originals.py)
    newsarchive.json                    the index's metadata: its schema version (store/writer.py)
    newsarchive.lock                    the writer's lock: one writer at a time (store/writer.py)
    dedup.pkl                           near-duplicate signatures and groups (annotation/dedup.py)
    aliases.txt                         the user's person merges and splits (entities/aliases.py)
    sources.txt                         the user's publication labels (extraction/sources.py)
    saved.json, collections.json        saved searches and collections (search/keeping.py)
"""

from __future__ import annotations

INDEX_NAME = "MAIN"
ORIGINALS = "originals"
META = "newsarchive.json"
LOCK = "newsarchive.lock"
DEDUP = "dedup.pkl"
ALIASES = "aliases.txt"
SOURCES = "sources.txt"
SAVED = "saved.json"
COLLECTIONS = "collections.json"

# Beside the index and the user's to keep: a backup copies them and `check` reads each back.
USER_FILES = (ALIASES, SOURCES, SAVED, COLLECTIONS, DEDUP, META)


def segment_arrays_name(segment_id: str) -> str:
    """The file of a segment's per-document arrays (store/segment_arrays.py), beside its own files: `MAIN_<segment>.arrays`.

    It starts with the segment's id, so the manifest, `check`, `backup` and the commit's
    cleaning treat it as one of the segment's files.
    """
    return f"{segment_id}.arrays"


def builder_temporary_name(random_part: str) -> str:
    """The temporary folder of one segment writer (store/segment_builds.py): `MAIN.<random>.tmp`."""
    return f"{INDEX_NAME}.{random_part}.tmp"


BUILDER_TEMPORARY_GLOB = f"{INDEX_NAME}.*.tmp"  # every writer's temporary folder: left only by a killed run once the lock is free
