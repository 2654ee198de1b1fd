"""The journalists a byline signs: "Par Jean Dupont et Marie Martin (AFP)" -> ["Jean Dupont", "Marie Martin"].

A byline is kept as written on the article (`author`); its signatures are the facet
values ("Signatures" on the page, `--author`): one value per journalist, so an article
signed by two counts for each. What is not a name is dropped by the rules below, each
with the byline that motivated it; a part that does not read as a name is no signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import fold

MAX_SIGNATURES = 6  # a longer list is a credit block ("Avec la rédaction ..."), not the article's signatures
MAX_WORDS = 5  # words of one name: "Jean-Baptiste de La Fontaine Martin" at most


@dataclass(frozen=True)
class Drop:
    """A part of a byline that is not a journalist's name, removed before the names are read."""

    name: str
    pattern: re.Pattern[str]
    example: str  # a byline it fixes, and what remains of it


# In order: the leading word first, then what follows the names, then what sits between them.
DROPS = (
    Drop("leading_by", re.compile(r"^\s*(?:par|by|de notre (?:envoyée?|correspondante?) (?:spéciale? )?(?:à|a) [\w' -]+?,?)\s+", re.I),
         "Par Jean Dupont -> Jean Dupont"),
    Drop("agency_in_brackets", re.compile(r"\s*[(\[][^)\]]*[)\]]"), "Jean Dupont (AFP) -> Jean Dupont"),
    Drop("email", re.compile(r"\s*\S+@\S+"), "Jean Dupont jdupont@exemple.fr -> Jean Dupont"),
    Drop("role_after_comma", re.compile(r",\s*(?:envoyée?|correspondante?|journaliste|rédact(?:eur|rice)|chroniqueu(?:r|se)|"
                                        r"avec|à|au|en|special|staff|reporter)\b.*$", re.I),
         "Jean Dupont, envoyé spécial à Kiev -> Jean Dupont"),
)
# Between two names: "et", "and", "&", commas, semicolons, slashes, "avec".
SEPARATORS = re.compile(r"\s*(?:,|;|/|&|\s(?:et|and|avec|with)\s)\s*", re.I)
# A byline that is no person: a desk, an agency, the newsroom ("La rédaction", "AFP", "Le Figaro avec AFP").
NOT_NAMES = {fold(w) for w in ("la redaction", "redaction", "la redac", "afp", "reuters", "ap", "belga", "ats", "keystone-ats",
                               "presse canadienne", "la presse canadienne", "agence france-presse", "associated press",
                               "staff", "the associated press", "le monde", "le figaro", "liberation", "service international",
                               "correspondant", "correspondante", "envoye special", "envoyee speciale", "agences", "avec agences")}
# A word of a name: a capital letter first (after an optional particle), letters, inner hyphens or apostrophes.
_NAME_WORD = re.compile(r"^(?:(?:de|du|des|d'|le|la|van|von|der|den|di|da|dos|el|al|ben|bin|mc|o')\S*|[A-ZÀ-ÖØ-Þ][\w'’.-]*)$")


def signatures(byline: str | None) -> list[str]:
    """The journalists' names a byline signs, in order, each once ([] when it names none)."""
    if not byline:
        return []
    text = " ".join(byline.split())
    for drop in DROPS:
        text = drop.pattern.sub("", text)
    found: dict[str, str] = {}
    for part in SEPARATORS.split(text):
        name = _as_name(part.strip(" .,-–—:"))
        if name and fold(name) not in NOT_NAMES:
            found.setdefault(fold(name), name)
    return list(found.values())[:MAX_SIGNATURES] if len(found) <= MAX_SIGNATURES else []


def _as_name(part: str) -> str | None:
    """`part` as a name shown on the page ("JEAN DUPONT" -> "Jean Dupont"), or None when it does not read as one."""
    words = part.split()
    if not 1 <= len(words) <= MAX_WORDS or any(ch.isdigit() for ch in part):
        return None
    if part.isupper():  # bylines set in capitals: shown as names are written
        words = [w.capitalize() if len(w) > 1 else w for w in words]
        words = ["-".join(p.capitalize() for p in w.split("-")) for w in words]
    if not all(_NAME_WORD.match(w) for w in words) or not any(w[0].isupper() for w in words):
        return None
    return " ".join(words)
