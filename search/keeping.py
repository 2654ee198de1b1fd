"""What a user keeps beside the index: saved searches (with what is new since they were last checked) and collections.

Both are JSON files in the index folder (`saved.json`, `collections.json`), written
atomically under a file lock (index/store/userfiles.py), so they survive `reindex`, a killed
writer and two processes writing at once. Names are data: checked for length and
control characters, escaped wherever shown, never used as file names. A saved search is
its URL parameters; "new" means articles first committed in an index generation after
the one it was last checked against, not articles merely published later.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive.index.keeping.check import INDEX_FILE_READERS, FileReader
from newsarchive.index.layout import COLLECTIONS, SAVED
from newsarchive.index.store.userfiles import UserFileError, locked, read_json, write_json

from .request import QueryError, SearchRequest

MAX_NAME = 100
MAX_NOTE = 2000
MAX_KEPT = 10_000  # articles per collection
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f]")
_ARTICLE_ID = re.compile(r"[uc][0-9a-f]{19}\w{0,8}")


def check_name(name: str, what: str) -> str:
    """A saved search's or a collection's name, stripped; QueryError when it is empty, too long or holds control characters."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or _BAD_NAME.search(name):
        raise QueryError(f"a {what} name is 1 to {MAX_NAME} characters, without control characters")
    return name


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _shape(data: Any, path: Path, key: str) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get(key, {}), dict):
        raise UserFileError(f"{path} does not hold {key!r} by name; fix or remove it")
    return data


@dataclass
class Saved:
    """One saved search: its name, its URL parameters, and when and at which index generation it was last checked."""

    name: str
    params: list[tuple[str, str]]
    created: str
    checked: str
    checked_generation: int

    def request(self) -> SearchRequest:
        values: dict[str, list[str]] = {}
        for key, value in self.params:
            values.setdefault(key, []).append(value)
        return SearchRequest.from_values(lambda key: values.get(key, []))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "params": [list(p) for p in self.params], "created": self.created, "checked": self.checked,
                "checked_generation": self.checked_generation}

    @classmethod
    def from_json(cls, name: str, data: Any) -> Saved:
        """A saved search as saved.json holds it; ValueError when it lacks a field or a field has another shape."""
        params = data.get("params") if isinstance(data, dict) else None
        if not (isinstance(params, list) and all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in params)
                and isinstance(data.get("created"), str) and isinstance(data.get("checked"), str)
                and str(data.get("checked_generation")).isdigit()):
            raise ValueError(f"the saved search {name!r} lacks its fields (params, created, checked, checked_generation)")
        return cls(name, [(k, v) for k, v in params], data["created"], data["checked"], int(data["checked_generation"]))


class SavedSearches:
    """The saved searches of an index folder."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / SAVED

    def _read(self) -> dict[str, dict[str, Any]]:
        return _shape(read_json(self.path, {"searches": {}}), self.path, "searches").get("searches", {})

    def all(self) -> list[Saved]:
        try:
            return [Saved.from_json(name, s) for name, s in sorted(self._read().items())]
        except ValueError as exc:
            raise UserFileError(f"{self.path}: {exc}; fix or remove it") from exc

    @staticmethod
    def read_back(folder: Path) -> list[Saved]:
        """Every saved search of `folder`, as `check` reads them; UserFileError naming the file when one is unsound."""
        return SavedSearches(folder).all()

    def get(self, name: str) -> Saved | None:
        return next((s for s in self.all() if s.name == name), None)

    def add(self, name: str, request: SearchRequest, generation: int) -> Saved:
        """Save (or replace) a search; it starts checked now, so only what is indexed later is new."""
        name = check_name(name, "saved search")
        params = [(k, v) for k, v in request.validate().to_values() if k not in ("page", "limit", "facet_limit")]
        saved = Saved(name, params, _now(), _now(), generation)
        with locked(self.path):
            searches = self._read()
            searches[name] = saved.to_json()
            write_json(self.path, {"searches": searches})
        return saved

    def remove(self, name: str) -> bool:
        with locked(self.path):
            searches = self._read()
            found = searches.pop(name, None) is not None
            if found:
                write_json(self.path, {"searches": searches})
        return found

    def check(self, name: str, generation: int) -> Saved | None:
        """Mark a saved search as read up to the index generation `generation`."""
        with locked(self.path):
            searches = self._read()
            if name not in searches:
                return None
            searches[name].update(checked=_now(), checked_generation=generation)
            write_json(self.path, {"searches": searches})
        return self.get(name)


@dataclass
class Kept:
    """An article in a collection, with the user's note."""

    id: str
    note: str = ""
    added: str = field(default_factory=_now)


class Collections:
    """The collections of an index folder: named lists of article ids (ids survive `reindex`) with notes."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / COLLECTIONS

    def _read(self) -> dict[str, dict[str, Any]]:
        return _shape(read_json(self.path, {"collections": {}}), self.path, "collections").get("collections", {})

    def names(self) -> list[str]:
        return sorted(self._read())

    def articles(self, name: str) -> list[Kept] | None:
        """The articles of a collection, first kept first (None when there is no such collection)."""
        found = self._read().get(name)
        if found is None:
            return None
        try:
            return [Kept(a["id"], a.get("note", ""), a.get("added", "")) for a in found.get("articles", [])]
        except (KeyError, TypeError, AttributeError) as exc:
            raise UserFileError(f"{self.path} holds an article without its id in {name!r}; fix or remove it") from exc

    @staticmethod
    def read_back(folder: Path) -> list[list[Kept]]:
        """Every collection of `folder`, as `check` reads them; UserFileError naming the file when one is unsound."""
        collections = Collections(folder)
        return [collections.articles(name) or [] for name in collections.names()]

    def ids(self, name: str) -> list[str]:
        return [a.id for a in self.articles(name) or []]

    def add(self, name: str, article_id: str, note: str = "") -> Kept:
        """Keep an article in a collection (created when missing); a second time updates its note."""
        name = check_name(name, "collection")
        if not _ARTICLE_ID.fullmatch(article_id or ""):
            raise QueryError(f"{article_id[:40]!r} is not an article id")
        if len(note) > MAX_NOTE or _BAD_NAME.sub("", note.replace("\n", " ")) != note.replace("\n", " "):
            raise QueryError(f"a note is at most {MAX_NOTE} characters, without control characters")
        with locked(self.path):
            collections = self._read()
            articles = collections.setdefault(name, {"created": _now(), "articles": []})["articles"]
            kept = next((a for a in articles if a.get("id") == article_id), None)
            if kept is None:
                if len(articles) >= MAX_KEPT:
                    raise QueryError(f"a collection holds at most {MAX_KEPT} articles")
                kept = {"id": article_id, "note": note, "added": _now()}
                articles.append(kept)
            else:
                kept["note"] = note
            write_json(self.path, {"collections": collections})
        return Kept(kept["id"], kept["note"], kept["added"])

    def remove(self, name: str, article_id: str | None = None) -> bool:
        """Remove an article from a collection, or (without an id) the whole collection."""
        with locked(self.path):
            collections = self._read()
            if name not in collections:
                return False
            if article_id is None:
                del collections[name]
            else:
                before = len(collections[name]["articles"])
                collections[name]["articles"] = [a for a in collections[name]["articles"] if a.get("id") != article_id]
                if len(collections[name]["articles"]) == before:
                    return False
            write_json(self.path, {"collections": collections})
        return True


# Every user file of an index folder, read back by its owner: what `check` and `backup` verify.
USER_FILE_READERS: dict[str, FileReader] = {**INDEX_FILE_READERS, SAVED: SavedSearches.read_back, COLLECTIONS: Collections.read_back}
