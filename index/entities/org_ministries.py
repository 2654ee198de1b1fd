"""Ministries, named by their portfolio: what a minister or a ministry is "of", read to its end in the text.

"le ministre de l'Intérieur", "le ministère français des Affaires étrangères", "le
secrétaire d'État à l'Intérieur", "sous-ministre aux Finances", "le ministre de l'Action
et des Comptes publics": the organisation is the ministry ("ministère de l'Intérieur"),
named by its whole portfolio, without the country it is of ("de la Corée du Nord") or
the minister after it ("Bruno Le Maire"). The model often tags the portfolio alone, or
its first words: `ministry_before` and `ministry_by_portfolio` are rules of
org_rules.RULES, `ministries` finds the ministries the model left untagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from .countries import is_demonym
from .lexicon import common_adjectives, is_given_name
from .org_draft import Draft, Outcome
from .org_words import OrgMention, has_organisation_head, is_adjective

# A minister, a ministry or a junior minister, maybe of a country ("le ministre belge de l'"), and the link
# before the portfolio, "de" or "à" ("le secrétaire d'État à l'Intérieur", "sous-ministre aux Finances").
_MINISTRY_BEFORE = re.compile(
    r"(?:[Mm]inistres?|[Mm]inistères?|[Ss]ous-ministres?|[Ss]ecrétaires? d['’]État|[Ss]ecrétariat d['’]État)(?: ([a-zéèêàç-]+))? "
    r"(de la |de l['’] ?|des |du |de |à la |à l['’] ?|aux |au |à )$"
)
_LINK_AS_DE = {"à la ": "de la ", "à l'": "de l'", "aux ": "des ", "au ": "du ", "à ": "de ", "à les ": "des ", "de les ": "des "}
_MINISTER = re.compile(
    r"^(?:l[ae] |les )?(?:ex-|ancien(?:ne)? )?(?:ministres?|ministère|ministères)\s+(?:de la |de l['’]|des |du |de |à la |à l['’]|aux |au )(.+)$", re.I
)


_MINISTRY = re.compile(r"(?<![\w-])(?:[Mm]inistres?|[Mm]inistères?)(?: [a-zé]+)? (de la |de l['’] ?|des |du |de )(?=[A-ZÀ-Ý])")


def ministries(text: str) -> Iterable[OrgMention]:
    # "le ministre de la Justice, Bekir Bozdag", "ministère français des Affaires étrangères":
    # the ministry, named by its portfolio, where the model tagged nothing.
    for match in _MINISTRY.finditer(text):
        between = match.group(0).split()[1] if len(match.group(0).split()) > 2 and match.group(0).split()[1] not in ("de", "des", "du") else None
        if between and not (is_demonym(between) or is_adjective(between)):
            continue
        portfolio = ministry_portfolio(text[match.end():match.end() + 80])
        if portfolio:
            link = match.group(1).replace("’", "'").replace("' ", "'")
            yield OrgMention(f"ministère {link}{portfolio}", [portfolio, *portfolio_forms(link, portfolio)], match.start(), match.end() + len(portfolio))


def link_before(name: str, index: int) -> str:
    # The article or preposition before the portfolio, as written: "de l'", "de la ", "des ".
    match = re.search(r"(de la |de l['’]|des |du |de |à la |à l['’]|aux |au )$", name[:index], re.I)
    return (match.group(1).replace("’", "'") if match else "de ").lower()


_PORTFOLIO_WORD = re.compile(r"[A-ZÀ-Ý][\w'’-]*")
_PORTFOLIO_LINK = re.compile(r"(?:(?:et|,)(?: (?:de la|de l'|des|du|de))?|avec (?:le|la|les))$")  # "Relations avec le Parlement"


def ministry_portfolio(text: str) -> str | None:
    """The portfolio a ministry is named by, at the start of `text`, or None.

    Capitalised words with their adjectives, joined by "et" or a comma: "Défense" in
    "la Défense de la Corée du Nord", "Affaires étrangères", "Culture et des Sports",
    "Transition écologique et solidaire"; it ends at a place or a person it is "of"
    ("de la Corée du Nord") and at a name after it ("Culture et des Sports Miri Regev").
    """
    words = text.replace("’", "'").replace(",", " ,").split()
    if words and re.fullmatch(r"[ld]'[A-ZÀ-Ý].*", words[0]):
        words[0] = words[0][2:]
    if not words or not _PORTFOLIO_WORD.fullmatch(words[0]):
        return None
    kept, i = [words[0]], 1
    while i < len(words):
        if words[i][:1].islower() and _portfolio_adjective(words[i]):
            kept.append(words[i])  # "Affaires étrangères"
            i += 1
            continue
        for n in (3, 2, 1):  # "et des Sports", "et Sports", ", Logement"
            link = " ".join(words[i:i + n])
            if i + n < len(words) and _PORTFOLIO_LINK.fullmatch(link) and not _person_after(link, words[i + n:i + n + 2]) and (
                _PORTFOLIO_WORD.fullmatch(words[i + n]) or (link == "et" and _portfolio_adjective(words[i + n]) and _ends(words, i + n))
            ):  # not "Économie, Bruno Le Maire": a given name after the comma is the minister
                kept += [link, words[i + n]]
                i += n + 1
                break
        else:
            break
    return " ".join(kept).replace(" ,", ",")


def _ends(words: list[str], i: int) -> bool:
    # "Transition écologique et solidaire, François de Rugy": an adjective after "et" ends the
    # portfolio; not "Intérieur et patron de la Ligue", "Intérieur et vice-premier ministre".
    return i + 1 >= len(words) or not words[i + 1][:1].islower()


def _person_after(link: str, words: list[str]) -> bool:
    # "Économie, Bruno Le Maire", "Intérieur, Suresh Prabhu": after a comma, a given name or two
    # capitalised words are the minister, not one more portfolio ("Éducation, Jeunesse, Sport").
    if is_given_name(words[0]):
        return True
    return link == "," and len(words) > 1 and words[1][:1].isupper()


def _portfolio_adjective(word: str) -> bool:
    base = word.rstrip(",").lower()
    singular = base[:-1] if base.endswith("s") else base
    return is_adjective(base) or is_adjective(singular) or singular in common_adjectives() or singular[:-1] in common_adjectives()


def portfolio_forms(link: str, portfolio: str) -> list[str]:
    # "de l'" + "Éducation" -> "l'Éducation"; "de la " + "Défense" -> "la Défense": the portfolio with its article.
    article = {"de la ": "la ", "de l'": "l'", "des ": "les "}.get(link)
    return [article + portfolio] if article else []


def ministry_before(d: Draft) -> Outcome:
    if not d.name[:1].isupper() or has_organisation_head(d.name):
        return d
    before = _MINISTRY_BEFORE.search(d.text, max(0, d.start - 40), d.start)
    if before and before.group(1) and not (is_demonym(before.group(1)) or before.group(1).startswith(("délégu", "charg", "fédéra"))):
        before = None  # "le ministre parle de la Justice": a verb between, not a country
    if before:  # ministry_by_portfolio reads the portfolio to its end
        article = re.match(r"(?:la |les |l['’] ?)", d.surface, re.I)  # "à [l'Intérieur]": the article is in the span
        link = before.group(2) + (article.group(0).lower() if article else "")
        return replace(d, name=f"ministère {_as_de(link)}{d.name}")
    start = _portfolio_link_before(d.text, d.start)
    portfolio = ministry_portfolio(d.text[start:start + 120]) if start is not None else None
    if start is None or not portfolio or start + len(portfolio) < d.end - 1:
        return d  # the portfolio of the minister before, read from the text, must cover the span
    link = _as_de(_CHAIN_LINK.search(d.text, max(0, start - 8), start).group(1))
    return replace(d, name=f"ministère {link}{portfolio}", forms=(*d.forms, portfolio, *portfolio_forms(link, portfolio)))


def _as_de(link: str) -> str:
    # "à l'" -> "de l'", "aux " -> "des ": a ministry is "de" its portfolio, whatever the minister is "à".
    link = link.replace("’", "'").replace("' ", "'")
    return _LINK_AS_DE.get(link, link)


# A later portfolio of a minister's list ("le ministre de l'Action et des [Comptes publics]"):
# the link of the last minister or ministry before it, whose portfolio read from the text covers it.
_CHAIN = re.compile(r"(?:[Mm]inistres?|[Mm]inistères?)(?: [a-zé]+)? (?:de la |de l['’] ?|des |du |de |à la |à l['’] ?|aux |au )(?=[A-ZÀ-Ý])")
_CHAIN_LINK = re.compile(r"(de la |de l['’] ?|des |du |de |à la |à l['’] ?|aux |au )$")


def _portfolio_link_before(text: str, start: int) -> int | None:
    if "inist" not in text[max(0, start - 100):start]:
        return None  # no minister nor ministry before: skip the regex, run on most spans
    chains = list(_CHAIN.finditer(text, max(0, start - 100), start))
    return chains[-1].end() if chains else None


def ministry_by_portfolio(d: Draft) -> Outcome:
    minister = _MINISTER.match(d.name)
    if not minister:
        return d
    written = minister.group(1)
    if d.text[d.start:d.end].endswith(written) and re.match(r"(?:,| et| avec) ", d.text[d.end:d.end + 6]):
        written += d.text[d.end:d.end + 120]  # "le ministre de l'Action" + " et des Comptes publics": the whole portfolio
    portfolio = ministry_portfolio(written)
    if not portfolio:
        return None
    link = _as_de(link_before(d.name, minister.start(1)))
    end = d.end + max(0, len(portfolio) - len(minister.group(1)))
    return OrgMention(f"ministère {link}{portfolio}", [*d.forms, portfolio, *portfolio_forms(link, portfolio)], d.start, end)
