"""Bodies known by several names (data/organisation_names.tsv), and an article's own publication.

"LREM", "LaREM" and "La République en marche" are one party, "BFM TV" and "BFMTV" one
channel: `known_body` finds the listed body a name is one of the names of, and
`squash` is the form two spellings of one name share. Media are organisations, and also
what an article's `source` is: an article of lefigaro.fr citing "Le Figaro" (a credit
line, a sign-off, a "Le Figaro a appris") is not about Le Figaro, so `own_publication`
says which of an article's organisations is its own publication, by the host of its URL
or the name of its source, and ner.py drops it. Pure functions over data, no spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..article import Organisation
from ..text import fold

_ARTICLE = re.compile(r"^(?:le|la|les|l)\s+")
_HOST = re.compile(r"^(?:[\w-]+\.)+[a-z]{2,}$")
_HOST_ARTICLE = re.compile(r"^(?:les|le|la|l)(?=[a-z0-9])")


@lru_cache(maxsize=8192)
def squash(name: str) -> str:
    """The form two spellings of one name share: folded, without a leading article, without spaces, hyphens or
    apostrophes ("BFM TV" and "BFMTV" -> "bfmtv"; "Le Monde" and "Monde" -> "monde"; "L'Humanité" -> "humanite")."""
    return re.sub(r"[^a-z0-9&]", "", _ARTICLE.sub("", fold(name)))


@dataclass(frozen=True)
class Body:
    """A body of the list: its name, its kind and country, its other names, the hosts of its articles (media)."""

    name: str
    kind: str
    country: str
    names: tuple[str, ...]
    hosts: tuple[str, ...]

    @property
    def every_name(self) -> tuple[str, ...]:
        return (self.name, *self.names)


@lru_cache(maxsize=1)
def known_bodies() -> tuple[Body, ...]:
    """The bodies of data/organisation_names.tsv, in its order."""
    text = resources.files(__package__).joinpath("data/organisation_names.tsv").read_text("utf-8")
    bodies = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = [*line.split("\t"), "", "", "", ""][:5]
        name, kind, country, names, hosts = (cell.strip() for cell in cells)
        bodies.append(Body(name, kind, country, tuple(n.strip() for n in names.split("|") if n.strip()),
                           tuple(h.strip().lower() for h in hosts.split("|") if h.strip())))
    return tuple(bodies)


@lru_cache(maxsize=1)
def _bodies_by_form() -> dict[str, Body]:
    # Each squashed name -> its body; a form two bodies share names neither (no guess).
    found: dict[str, Body] = {}
    shared: set[str] = set()
    for body in known_bodies():
        for name in body.every_name:
            form = squash(name)
            if form in found and found[form] is not body:
                shared.add(form)
            found[form] = body
    return {form: body for form, body in found.items() if form not in shared and form}


def known_body(name: str) -> Body | None:
    """The listed body `name` is one of the names of, whatever its case, accents, spaces and article ("LaREM" -> La République en marche)."""
    return _bodies_by_form().get(squash(name))


@lru_cache(maxsize=1)
def _bodies_by_host() -> dict[str, Body]:
    return {host: body for body in known_bodies() for host in body.hosts}


@lru_cache(maxsize=256)
def publication_forms(source: str | None, url: str | None) -> frozenset[str]:
    """The squashed names of an article's own publication: its host's name ("lefigaro.fr" -> "lefigaro",
    "figaro"), its source's name ("La DH" -> "dh"), and every name of the listed body with that host or name."""
    from ..extraction.sources import source_key

    key = source_key(url, source)
    forms: set[str] = set()
    bodies = []
    if key and _HOST.match(key):
        labels = key.split(".")
        registered = ".".join(labels[-2:])
        bodies += [_bodies_by_host()[h] for h in (key, registered) if h in _bodies_by_host()]
        label = squash(labels[-2]) if len(labels) >= 2 else ""
        forms |= {label, _HOST_ARTICLE.sub("", label)}
    if source and not _HOST.match(source.strip()):
        forms.add(squash(source))
    bodies += [b for b in (_bodies_by_form().get(f) for f in list(forms)) if b]
    for body in bodies:
        forms |= {squash(n) for n in body.every_name}
    return frozenset(f for f in forms if len(f) >= 2)


def own_publication(organisation: Organisation, forms: Iterable[str]) -> bool:
    """True when the organisation is the article's own publication (`forms`: `publication_forms` of the article)."""
    forms = set(forms)
    return bool(forms) and any(squash(name) in forms for name in (organisation.name, *organisation.mentions))
