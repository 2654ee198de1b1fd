"""Organisation mentions grouped: in one article (an acronym with its long form, a shorter name into the full one), and across the archive.

`merge_organisations` makes an article's organisations from its mentions;
`acronym_links` says which acronyms each was joined with, which the index stores, and
`resolve_acronyms` uses those joins to give an acronym and its long form one facet value.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from ..article import Organisation
from ..text import fold
from .org_classes import is_bare_head
from .org_names import known_body
from .org_words import LINKS, OrgMention, clean_name, is_acronym

_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-ZÀ-Ý][A-Za-zÀ-ÿ0-9&-]{1,9})\s*\)")
_LONG_AFTER = re.compile(r"\s*\(\s*([^()\n]{5,90}?)\s*\)")


def merge_organisations(text: str, mentions: Sequence[OrgMention], forbids: Callable[[str, str], bool] | None = None) -> list[Organisation]:
    """Group mentions into organisations: an acronym with its long form, a shorter name into the full one.

    "l'Organisation du traité de l'Atlantique nord (OTAN)" gives one organisation with
    both forms, and a later "OTAN" joins it; so does an acronym whose letters are the
    initials of a long form of the article ("ONU", "Organisation des Nations unies").
    "Commission" joins "Commission européenne" (same first word) and "Parisien" joins
    "Le Parisien" (same last word), the most mentioned one when several could take it.
    Two names of a listed body join ("OTAN", "Alliance atlantique"); `forbids` (the alias
    file's splits, either way round) keeps two keys apart.
    """

    def apart(a: str, b: str) -> bool:
        return bool(forbids) and (forbids(a, b) or forbids(b, a))

    counts: Counter = Counter()
    displays: dict[str, Counter] = {}
    forms: dict[str, list[str]] = {}
    links: dict[str, str] = {}  # acronym key -> long form key

    first: dict[str, int] = {}

    def add(name: str, seen: Iterable[str]) -> str:
        key = fold(name)
        first.setdefault(key, len(first))
        counts[key] += 1
        displays.setdefault(key, Counter())[name] += 1
        known = forms.setdefault(key, [])
        known.extend(f for f in (name, *seen) if f not in known)
        return key

    for m in mentions:
        key = add(m.name, m.forms)
        after = text[m.end:m.end + 100]
        if not is_acronym(m.name):
            acronym = _ACRONYM_AFTER.match(after)
            if acronym and is_acronym(acronym.group(1)):
                links[add(acronym.group(1), [])] = key
                counts[fold(acronym.group(1))] -= 1  # the span itself may also be a mention
        else:
            long_form = _LONG_AFTER.match(after)
            cleaned = clean_name(long_form.group(1)) if long_form else None
            if cleaned and len(cleaned.split()) > 1 and cleaned[:1].isupper() and _initials(fold(cleaned))[:1] == key[:1]:
                links[key] = add(cleaned, [])
    by_body: dict[str, str] = {}
    for key in sorted(counts, key=lambda k: (-len(k.split()), -counts[k], k)):
        body = known_body(key)  # "OTAN" and "Alliance atlantique": two names of one listed body
        if body and key not in links:
            named = by_body.setdefault(body.name, key)
            if named != key:
                links[key] = named
    for key in [k for k in counts if is_acronym(next(iter(displays[k])))]:
        if key not in links:
            longs = [k for k in counts if len(k.split()) > 1 and _initials(k) == key.replace(" ", "")]
            if len(longs) == 1:
                links[key] = longs[0]
    links = {short: long for short, long in links.items() if not apart(short, long)}
    clusters: list[dict] = []
    home: dict[str, dict] = {}
    for key in sorted((k for k in counts if k not in links), key=lambda k: (-len(k.split()), -counts[k], k)):
        words = key.split()
        containers = [
            c for c in clusters
            if len(c["key"]) > len(words) and set(words) <= set(c["key"]) and (c["key"][0] == words[0] or c["key"][-1] == words[-1])
            and not apart(key, " ".join(c["key"]))
        ]
        if containers:
            target = max(containers, key=lambda c: c["count"])
            target["keys"].append(key)
            target["count"] += counts[key]
            home[key] = target
            continue
        cluster = {"key": words, "keys": [key], "count": counts[key], "first": first[key]}
        clusters.append(cluster)
        home[key] = cluster
    for short, long_key in links.items():
        target = home.get(long_key) or home.get(links.get(long_key, ""))
        if target is None:
            target = {"key": short.split(), "keys": [], "count": 0, "first": first.get(short, 0)}
            clusters.append(target)
        target["keys"].append(short)
        target["count"] += max(counts[short], 0)
        home[short] = target
    result = []
    for cluster in sorted(clusters, key=lambda c: (-c["count"], c["first"])):
        keys = cluster["keys"]
        name_key = max(keys, key=lambda k: (not is_acronym(displays[k].most_common(1)[0][0]), len(k.split()), counts[k]))
        name = displays[name_key].most_common(1)[0][0]
        if is_bare_head(name):
            continue  # "le Conseil" with no longer name of the article to join, nor words after it: no one body
        written = list(dict.fromkeys(f for k in keys for f in forms[k]))
        result.append(Organisation(name=name, mentions=written))
    return result


def _initials(key: str) -> str:
    # "organisation du traite de l atlantique nord" -> "otan": the first letter of each word
    # that is not an article or a preposition.
    return "".join(w[0] for w in key.split() if w not in LINKS)


def acronym_links(organisation: Organisation) -> set[str]:
    """The folded acronyms an article's organisation was joined with, beside its own name.

    What `resolve_acronyms` needs, per article: for the name's key, these keys (and for
    each of these, the name's key).
    """
    name = fold(organisation.name)
    return {fold(m) for m in organisation.mentions if is_acronym(m) and fold(m) != name}


def resolve_acronyms(counts: Mapping[str, int], acronyms: Mapping[str, Iterable[str] | Mapping[str, int]]) -> dict[str, str]:
    """Map each folded organisation key to the key the archive uses most for the same body.

    `counts`: folded organisation keys -> number of articles naming them (facet counts).
    `acronyms`: key -> the keys it was joined with inside articles (acronym <-> long
    form, as `acronym_links` gives them, in either or both directions); a mapping to the
    number of articles joining them is best, a set counts each join once. An acronym
    (a one-word key) joins the long form it was joined with in more than half of its
    joins, or at least two fifths of them and half as many again as the next ("cdc" spelled
    out many ways): "ue" with "union europeenne"; an acronym spelled out two ways as often ("cpi":
    "cour penale internationale" and "commission paritaire ...") joins neither. Each
    group of keys then maps to its member with the most articles ("organisation du traite
    de l atlantique nord" -> "otan" when "OTAN" is what the archive writes). Keys that
    map to themselves are absent. Pure: the caller applies the alias file first.
    """
    joins: dict[str, Counter] = {}
    for key, others in acronyms.items():
        weights = others.items() if isinstance(others, Mapping) else ((o, 1) for o in others)
        for other, weight in weights:
            if other == key:
                continue
            short, long = (key, other) if len(key.split()) <= len(other.split()) else (other, key)
            if len(short.split()) == 1 and len(long.split()) > 1:
                joins.setdefault(short, Counter())[long] += weight
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for short, longs in joins.items():
        ranked, total = longs.most_common(2), sum(longs.values())
        (best, weight), second = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0)
        # Most joins, or a clear lead among many spellings: "CDC" spelled out 15 times as "Centres de
        # prévention et de lutte contre les maladies", 8 as "Centre de contrôle...", 8 more ways once each.
        leads = weight * 2 > total or (weight * 5 >= total * 2 and weight * 2 >= second * 3)
        if leads and short in counts and best in counts:
            parent[root(short)] = root(best)
    groups: dict[str, list[str]] = {}
    for key in parent:
        groups.setdefault(root(key), []).append(key)
    resolved = {}
    for top, members in groups.items():
        members = list(dict.fromkeys([top, *members]))
        winner = max(members, key=lambda k: (counts.get(k, 0), len(k.split()), k))
        resolved.update({k: winner for k in members if k != winner})
    return resolved
