"""Organisations an article names: companies, unions, parties, institutions, media.

spaCy's ORG spans are the start. The rules here fix their boundaries ("le ministère de
l'Intérieur", not "l'Intérieur"; "la CGT" -> "CGT"; a line break or a person glued at
the end cut off), take LOC, MISC and PER spans that the words say are organisations
("Université Notre-Dame", "Conseil départemental de Vaucluse", "Banque de France"),
reject what is no organisation (a share bar, an abbreviation of a common noun, a treaty
or an event, a person's name), join an acronym to its long form ("l'Organisation du
traité de l'Atlantique nord (OTAN)"), and merge shorter mentions into the full name.
`resolve_acronyms` does the same across the archive. bench/eval_entities.py measures it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .article import Organisation
from .countries import is_demonym, is_place_name
from .lexicon import common_adjectives, common_nouns, common_words, is_given_name
from .text import ELISION, fold

Span = tuple[int, int, str, str]

# First words (folded) that make a span an organisation whatever label the model gave it:
# "Université Notre-Dame" (LOC), "Conseil départemental de Vaucluse" (LOC), "Banque de
# France" (PER or LOC). Kinds of bodies, not names.
HEADS = frozenset(fold(w) for w in [
    "université", "universités", "conseil", "cour", "commission", "comité", "ministère", "ministères", "parti", "fondation", "agence", "banque",
    "association", "fédération", "confédération", "union", "syndicat", "institut", "office", "compagnie", "groupe", "groupement", "front",
    "mouvement", "armée", "armées", "assemblée", "parlement", "sénat", "gouvernement", "mairie", "préfecture", "tribunal", "police", "gendarmerie",
    "brigade", "brigades", "forces", "ligue", "organisation", "organisations", "mission", "communauté", "société", "club", "école", "lycée",
    "collège", "hôpital", "centre", "service", "direction", "bureau", "académie", "croix-rouge", "croissant-rouge", "église", "diocèse", "ordre",
    "conférence", "caisse", "régie", "autorité", "haut-commissariat", "secrétariat", "délégation", "alliance", "coalition", "banque", "fonds",
    "observatoire", "laboratoire", "musée", "orchestre", "théâtre", "opéra", "chambre", "congrès", "tribunal", "conservatoire", "clinique", "chu",
    "département", "administration", "agence", "régiment", "division", "flotte", "marine", "garde", "collectif", "fraternité",
])
# Heads that stay in the name when a proper name follows them directly: "collège
# Lucie-Aubrac", "hôpital Pasteur" (without the head, a person's or a saint's name).
# Other heads before a name are a description: "l'agence Bloomberg" is "Bloomberg".
_PLACE_HEADS = frozenset(fold(w) for w in [
    "collège", "lycée", "école", "université", "hôpital", "clinique", "musée", "théâtre", "opéra", "diocèse", "mairie", "préfecture",
])
# Lower-case descriptions before an organisation's name: "la radio France Info", "le journal Le Monde".
# Not "équipe" ("l'équipe de France" is a team of players) nor "parti" (a participle: "il est parti de Londres").
_DESCRIPTIONS = frozenset(fold(w) for w in [
    "agence", "radio", "journal", "quotidien", "hebdomadaire", "mensuel", "magazine", "revue", "chaîne", "télévision", "site", "réseau", "groupe",
    "société", "compagnie", "constructeur", "opérateur", "entreprise", "firme", "enseigne", "marque", "label", "banque", "assureur", "club",
    "syndicat", "mouvement", "association", "fondation", "ong", "collectif", "plateforme", "application", "média",
]) | _PLACE_HEADS
# First words of what is no organisation though the model often says so: treaties, laws,
# plans, prizes, competitions, events, documents.
_NOT_HEADS = frozenset(fold(w) for w in [
    "pacte", "traité", "traités", "accord", "accords", "constitution", "loi", "lois", "plan", "brevet", "prix", "trophée", "coupe", "championnat",
    "championnats", "festival", "jeux", "tour", "grand", "opération", "ironman", "rallye", "marathon", "sommet", "salon", "journée", "journées",
    "semaine", "année", "déclaration", "charte", "code", "statut", "programme", "projet", "rapport", "concours",
])
# Roles that name their body: "le ministre de l'Intérieur" is the ministry's ("Intérieur").
_MINISTER = re.compile(r"^(?:l[ae] |les )?(?:ex-|ancien(?:ne)? )?(?:ministres?|ministère|ministères)\s+(?:de la |de l['’]|des |du |de )(.+)$", re.I)
_MINISTRY_BEFORE = re.compile(r"(?:[Mm]inistres?|[Mm]inistères?) ((?:de la |de l['’]|des |du |de ))$")
_ROLES = frozenset(fold(w) for w in ["secrétaire", "porte-parole", "président", "présidente", "directeur", "directrice", "chef", "gouverneur", "compagnon"])
_ARTICLES = {"le", "la", "les", "l"}
_LINKS = {"de", "du", "des", "d", "la", "le", "les", "l", "et", "en", "pour", "sur", "aux", "au", "a"}
_ADJECTIVE_ENDINGS = (
    "ale", "al", "aux", "ales", "ique", "iques", "aire", "aires", "éenne", "éen", "ienne", "ien", "aise", "ais", "aine",
    "ain", "elle", "el", "ive", "if", "iste", "istes", "oise", "ois", "ère", "ier", "ane", "an", "ue",
)
_ADJECTIVES = {"libre", "suprême", "unis", "unies", "uni", "unie", "sud-coréen", "nord-coréen"}
_ACRONYM = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý0-9&-]{1,9}$")
_BAD = re.compile(r"[@#/\\|<>{}\[\]()=+*_«»\"]|\d{3,}|^[IVX]+e ")  # "Ve République" is a regime
_SHARE_BAR = re.compile(r"partager (?:cet article|sur)|share (?:this|on)", re.I)


@lru_cache(maxsize=1)
def not_organisation_names() -> frozenset[str]:
    """Folded abbreviations and words that the model tags as organisations but name none."""
    text = resources.files(__package__).joinpath("data/not_organisations.txt").read_text("utf-8")
    return frozenset(fold(line) for line in text.splitlines() if line.strip() and not line.startswith("#"))


@dataclass
class OrgMention:
    """One way the text names an organisation: the clean name, the forms seen, where."""

    name: str
    forms: list[str]
    start: int
    end: int


def is_acronym(name: str) -> bool:
    """True for "OTAN", "CFE-CGC", "GM&S": one word of capitals (digits after the first letter)."""
    return bool(_ACRONYM.match(name)) and sum(ch.isalpha() for ch in name) >= 2


def has_organisation_head(name: str) -> bool:
    """True when the name starts with a kind of body ("Banque de France", "Parti socialiste")."""
    words = fold(name).split()
    return bool(words) and (words[0] in HEADS or (len(words) > 1 and words[0] in _ARTICLES and words[1] in HEADS))


# Last words of company and media names: "Vinci Autoroutes", "Charlie Hebdo", "France Inter".
_COMPANY_WORDS = {
    "hebdo", "inter", "info", "infos", "autoroutes", "airlines", "airways", "group", "groupe", "presse", "matin", "soir", "tv",
    "medias", "media", "telecom", "telecoms", "energie", "energies", "assurances", "immobilier", "magazine", "mag", "motors",
    "bank", "banque", "television", "televisions", "radio", "news", "hebdomadaire", "quotidien", "express", "observateur",
}


def organisation_words(name: str) -> bool:
    """True when the words of a name say it is a company or a medium, not a person.

    Its last word is one of the words company and media names end with ("Vinci
    Autoroutes", "Charlie Hebdo", "France Inter"), or it is a place followed by a common
    noun ("Paris Match", "France Télévisions").
    """
    words = name.split()
    if len(words) < 2:
        return False
    if fold(words[-1]) in _COMPANY_WORDS:
        return True
    return len(words) == 2 and is_place_name(words[0]) and words[1].lower().rstrip("s") in common_nouns() and not is_given_name(words[1])


def organisation_mentions(text: str, spans: Sequence[Span], persons: Iterable[tuple[int, int]] = ()) -> list[OrgMention]:
    """The article's organisation mentions, from NER spans over `text`.

    `persons` are the (start, end) ranges the person rules kept: a span inside one is a
    person ("Laurent Berger"), and one starting inside an organisation span cuts it
    ("Justice de Dilma Rousseff" -> "Justice").
    """
    person_ranges = list(persons)
    votes: dict[str, Counter] = {}
    for _, _, label, surface in spans:
        votes.setdefault(fold(surface), Counter())[label] += 1
    found: list[OrgMention] = []
    for start, end, label, _ in spans:
        if any(ps <= start and end <= pe for ps, pe in person_ranges) or label not in ("ORG", "LOC", "MISC", "PER"):
            continue
        for part_start, part_end in _parts(text, start, end):  # "Renault - Nissan": two companies
            mention = _mention(text, part_start, part_end, label, votes, person_ranges)
            if mention:
                found.append(mention)
    taken = [(m.start, m.end) for m in found] + [(s, e) for s, e, _, _ in spans] + person_ranges
    for start, end, name in _unlabelled(text):
        if not any(s < end and start < e for s, e in taken) and _looks_like_organisation(name, text, "ORG"):
            found.append(OrgMention(name, [name, " ".join(text[start:end].split())], start, end))
    return found


_GLUED_PERSON = re.compile(r"(?:\s+(?:de|d['’])\s*|\s+)([A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?) [A-ZÀ-Ý][\w-]+$")
_SPACED_DASH = re.compile(r"\s+[-–—]\s+")


def _parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    parts, begin = [], start
    for match in _SPACED_DASH.finditer(text, start, end):
        parts.append((begin, match.start()))
        begin = match.end()
    return [*parts, (begin, end)]


# Organisations the model leaves untagged, found in the text by their shape:
# - a capitalised body and an adjective: "l'État islamique", "l'Assemblée nationale";
# - a body of a country in lower case: "l'armée syrienne", "le gouvernement ouzbek";
# - a collective named by a capitalised plural noun and a plural adjective after "les"
#   or "des": "les Gilets jaunes", "des Bonnets rouges", "les Foulards rouges".
_BODY_ADJECTIVE = re.compile(r"(?<![\w-])([A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-Za-zà-ÿ]+)?) ([a-zà-ÿ][a-zà-ÿ-]{3,})(?: (libre|populaire|nationale?))?")
_COUNTRY_BODY = re.compile(r"(?<![\w-])(armée|armées|gouvernement|parlement|marine|aviation) ([a-zà-ÿ][a-zà-ÿ-]{3,})")
_COLLECTIVE = re.compile(r"(?<![\w-])(?:les|des|aux|Les|Des) [«\"“]?\s?([A-ZÀ-Ý][a-zà-ÿ]+s [a-zà-ÿ]+s)\b")


def _unlabelled(text: str) -> Iterable[tuple[int, int, str]]:
    for match in _BODY_ADJECTIVE.finditer(text):
        head, adjective = match.group(1), match.group(2)
        if (fold(head) in HEADS or fold(head) == "etat") and _is_adjective(adjective):
            yield match.start(), match.end(), match.group(0)
    for match in _COUNTRY_BODY.finditer(text):
        if is_demonym(match.group(2)):
            yield match.start(), match.end(), match.group(0)
    for match in _COLLECTIVE.finditer(text):
        noun, adjective = match.group(1).split()
        if noun.lower()[:-1] in common_nouns() and adjective[:-1] in common_adjectives() and not is_demonym(noun):
            yield match.start(1), match.end(1), match.group(1)


def _mention(text: str, start: int, end: int, label: str, votes: dict[str, Counter], persons: list[tuple[int, int]]) -> OrgMention | None:
    surface = text[start:end]
    if "\n" in surface.strip():  # a span across lines joins a heading or a credit to the next line
        end = start + len(surface) - len(surface.lstrip()) + surface.strip().index("\n")
        surface = text[start:end]
    cuts = [ps for ps, _ in persons if start < ps < end]
    glued = _GLUED_PERSON.search(surface)  # "Justice Nicole Belloubet", "Justice de Dilma Rousseff"
    if glued and is_given_name(glued.group(1)) and not has_organisation_head(surface[glued.start(1):]):
        cuts.append(start + glued.start())
    if cuts:  # a person's name inside the span ends it
        end = min(cuts)
        surface = re.sub(r"\s+(?:de|du|des|d['’]|par|et)\s*$", "", text[start:end])
        end = start + len(surface)
        if not surface.strip():
            return None
    if _in_share_bar(text, start, end):
        return None
    forms = [" ".join(surface.split()).strip(" ,;:.!?«»\"()[]")]
    name = _clean(surface)
    if not name:
        return None
    article = re.search(r"(?:^|[\s«\"(])((?:[Ll]es?|[Ll]a) |[Ll]['’])$", text[max(0, start - 5):start])
    if article and not is_acronym(name):  # "les Républicains", "l'Union", "la Piccola Familia"
        forms.append(article.group(1).replace("’", "'") + name)
        if article.group(1)[0].isupper() and article.group(1)[-1] == " " and not _starts_sentence(text, start - len(article.group(1))):
            name = article.group(1) + name  # "( Les Républicains )", "« La Piccola Familia »"
    contracted = re.search(r"(?:^|\s)([dDaA]u|[dDaA](?:es|ux)) $", text[max(0, start - 5):start])
    if contracted and not is_acronym(name) and name[:1].isupper():  # "du Monde", "au Parisien": "Le Monde"
        forms.append(("Les " if contracted.group(1).lower() in ("des", "aux") else "Le ") + name)
    before = _MINISTRY_BEFORE.search(text, max(0, start - 30), start)
    if before and name[:1].isupper() and not has_organisation_head(name):  # "le ministre de l'Intérieur" tagged "Intérieur"
        name = f"ministère {before.group(1).replace('’', chr(39))}{name}"
    minister = _MINISTER.match(name)
    if minister:  # "ministre de la Défense de la Corée du Nord": the ministry, named by its portfolio
        portfolio = _portfolio(minister.group(1))
        if not portfolio:
            return None
        return OrgMention(f"ministère {_link(name, minister.start(1))}{portfolio}", [*forms, portfolio], start, end)
    head = _description_before(text, start)
    label_says_org = label == "ORG" or _voted_org(name, votes)
    if head:
        word, begin = head
        long_form = " ".join(text[begin:end].split())
        if fold(word) in _PLACE_HEADS or not (label_says_org or is_acronym(name)):
            # "collège Lucie-Aubrac", "diocèse de Hearst": the head is part of the name
            name = _clean(long_form) or name
        forms.append(long_form)
        label_says_org = True
    if _right_adjective(text, end) and len(name.split()) == 1 and fold(name) in HEADS | {"etat"}:
        adjective = _right_adjective(text, end)
        name, end = f"{name} {adjective}", end + 1 + len(adjective)
        forms.append(name)
        label_says_org = True
    if label == "PER" and organisation_words(name):
        label_says_org = True
    if not label_says_org and not (has_organisation_head(name) and (label != "LOC" or name[:1].isupper())):
        return None  # a LOC span headed in lower case is a building: "l'église Saint-Marc", "le lycée Suger"
    if not _looks_like_organisation(name, text, label):
        return None
    return OrgMention(name, list(dict.fromkeys([name, *forms])), start, end)


def _link(name: str, index: int) -> str:
    # The article or preposition before the portfolio, as written: "de l'", "de la ", "des ".
    match = re.search(r"(de la |de l['’]|des |du |de )$", name[:index], re.I)
    return (match.group(1).replace("’", "'") if match else "de ").lower()


def _portfolio(text: str) -> str | None:
    # "la Défense de la Corée du Nord" -> "Défense"; "l'Intérieur" -> "Intérieur": the
    # capitalised words of the portfolio, up to a place or person it is "of".
    text = re.split(r"\s+(?:de la|du|des|de|chargée?)\s+(?=[A-ZÀ-Ýa-zà-ÿ])", text, maxsplit=1)[0]
    words = text.split()
    return " ".join(words) if words and words[0][:1].isupper() else None


def _clean(surface: str) -> str | None:
    text = " ".join(surface.replace("’", "'").split()).strip(" ,;:.!?«»\"()[]-–—")
    text = re.sub(r"\s*\(.*$", "", text)  # an acronym in parentheses belongs to the next mention
    words = text.split()
    while words:
        first = words[0]
        if ELISION.match(first) and len(first) > 2 and first[2:3].isupper():
            words[0] = first[2:]  # "l'ONU" -> "ONU", "d'EDF" -> "EDF"
            continue
        if len(words) > 1 and fold(first) in _ARTICLES and (first.islower() or is_acronym(words[1]) or fold(words[1]) in HEADS or len(words) > 2):
            words = words[1:]  # "la CGT", "Le Parti socialiste"; "Le Monde", "Les Républicains" keep theirs
            continue
        if len(words) > 1 and first.islower() and fold(first) in _LINKS:
            words = words[1:]
            continue
        break
    while words and fold(words[-1]) in _LINKS and words[-1].islower():
        words = words[:-1]  # "Conseil des droits de l'homme des"
    name = " ".join(words).strip(" ,;:.-'")
    return name or None


def _description_before(text: str, start: int) -> tuple[str, int] | None:
    # "l'agence Bloomberg", "la radio France Info", "le diocèse de Hearst", "l'association
    # des mushers de Two Rivers": a lower-case head, maybe with "de", before the span.
    link = r"(?:de la|de l['’]|des|du|de|d['’])"
    match = re.search(rf"(?:^|[\s'’])([a-zà-ÿ-]+)((?:\s+{link}\s*(?:[a-zà-ÿ-]+\s+{link}\s*)?)|\s+)$", text[max(0, start - 60):start])
    if not match or fold(match.group(1)) not in _DESCRIPTIONS:
        return None
    return match.group(1), max(0, start - 60) + match.start(1)


def _right_adjective(text: str, end: int) -> str | None:
    match = re.match(r" ([a-zà-ÿ][a-zà-ÿ-]+)", text[end:end + 30])
    if not match:
        return None
    word = match.group(1)
    return word if _is_adjective(word) else None


def _is_adjective(word: str) -> bool:
    # Adjectives by their ending or the lexicon: "européenne", "islamique", "syrienne",
    # "sud-coréen"; a participle ("chargée de") is not one here.
    if word in _ADJECTIVES or is_demonym(word):
        return True
    if word.endswith(("é", "ée", "és", "ées")) or fold(word) in _LINKS:
        return False
    base = word[:-1] if word.endswith("s") else word
    return (len(word) > 4 and word.endswith(_ADJECTIVE_ENDINGS)) or (base in common_adjectives() and base not in common_nouns())


def _voted_org(name: str, votes: dict[str, Counter]) -> bool:
    # The model's own vote in the article: "Syctom" tagged ORG once and LOC twice is
    # still the one organisation the article names.
    counts = votes.get(fold(name), Counter())
    return counts["ORG"] > 0 and counts["ORG"] >= max(counts["PER"], 1) / 2


def _looks_like_organisation(name: str, text: str, label: str) -> bool:
    words = name.split()
    if not words or len(words) > 12 or len(name) < 2 or _BAD.search(name):
        return False
    folded = fold(name)
    if not folded or folded in not_organisation_names() or words[0][:1].isdigit():
        return False
    first = fold(words[0])
    if first in _NOT_HEADS or first in _ROLES:
        return False  # "Pacte budgétaire européen", "Secrétaire d'État chargé du Commerce"
    if not any(w[:1].isupper() for w in words) and first not in HEADS:
        return False  # "club loirétains"
    if len(words) > 1 and words[0][:1].isupper() and is_demonym(words[0]) and not has_organisation_head(name):
        return False  # "Iranien Mojtaba Abedini": a person introduced by their nationality
    if len(words) == 1 and is_place_name(name) and label != "ORG":
        return False
    # "Transportée à l'hôpital", "Cinéma : Carrie Fisher": a word capitalised only at sentence starts
    return not (len(words) == 1 and not is_acronym(name) and (_common_word_at_starts(name, text) or _participle_at_starts(name, text)))


def _in_share_bar(text: str, start: int, end: int) -> bool:
    # "Partager cet article :\nCourriel ,\nFacebook ,\nTwitter": one label per line.
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    if line.replace(text[start:end], "").strip(" ,.") != "":
        return False
    return bool(_SHARE_BAR.search(text[max(0, start - 200):start]))


def _common_word_at_starts(name: str, text: str) -> bool:
    if name.lower() not in common_words():
        return False
    starts = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    return bool(starts) and all(_starts_sentence(text, i) for i in starts)


def _participle_at_starts(name: str, text: str) -> bool:
    # "Transportée à l'hôpital, …": a past participle opening a sentence.
    if not name.endswith(("é", "ée", "és", "ées")):
        return False
    starts = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    return bool(starts) and all(_starts_sentence(text, i) for i in starts)


def _starts_sentence(text: str, index: int) -> bool:
    head = text[max(0, index - 3):index].rstrip(" ")
    return not head or head[-1] in ".!?:\n–—-"


# --- one article: acronyms and shorter mentions joined to the full name --------------------

_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-ZÀ-Ý][A-Za-zÀ-ÿ0-9&-]{1,9})\s*\)")
_LONG_AFTER = re.compile(r"\s*\(\s*([^()\n]{5,90}?)\s*\)")


def find_organisations(text: str, spans: Sequence[Span], persons: Iterable[tuple[int, int]] = ()) -> list[Organisation]:
    """The article's organisations, each once with its mentions, most mentioned first."""
    return merge_organisations(text, organisation_mentions(text, spans, persons))


def merge_organisations(text: str, mentions: Sequence[OrgMention]) -> list[Organisation]:
    """Group mentions into organisations: an acronym with its long form, a shorter name into the full one.

    "l'Organisation du traité de l'Atlantique nord (OTAN)" gives one organisation with
    both forms, and a later "OTAN" joins it; so does an acronym whose letters are the
    initials of a long form of the article ("ONU", "Organisation des Nations unies").
    "Commission" joins "Commission européenne" (same first word) and "Parisien" joins
    "Le Parisien" (same last word), the most mentioned one when several could take it.
    """
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
            cleaned = _clean(long_form.group(1)) if long_form else None
            if cleaned and len(cleaned.split()) > 1 and cleaned[:1].isupper() and _initials(fold(cleaned))[:1] == key[:1]:
                links[key] = add(cleaned, [])
    for key in [k for k in counts if is_acronym(next(iter(displays[k])))]:
        if key not in links:
            longs = [k for k in counts if len(k.split()) > 1 and _initials(k) == key.replace(" ", "")]
            if len(longs) == 1:
                links[key] = longs[0]
    clusters: list[dict] = []
    home: dict[str, dict] = {}
    for key in sorted((k for k in counts if k not in links), key=lambda k: (-len(k.split()), -counts[k], k)):
        words = key.split()
        containers = [
            c for c in clusters
            if len(c["key"]) > len(words) and set(words) <= set(c["key"]) and (c["key"][0] == words[0] or c["key"][-1] == words[-1])
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
    for acronym, long_key in links.items():
        target = home.get(long_key) or home.get(links.get(long_key, ""))
        if target is None:
            target = {"key": acronym.split(), "keys": [], "count": 0, "first": first.get(acronym, 0)}
            clusters.append(target)
        target["keys"].append(acronym)
        target["count"] += max(counts[acronym], 0)
        home[acronym] = target
    result = []
    for cluster in sorted(clusters, key=lambda c: (-c["count"], c["first"])):
        keys = cluster["keys"]
        name_key = max(keys, key=lambda k: (not is_acronym(displays[k].most_common(1)[0][0]), len(k.split()), counts[k]))
        name = displays[name_key].most_common(1)[0][0]
        mentions = list(dict.fromkeys(f for k in keys for f in forms[k]))
        result.append(Organisation(name=name, mentions=mentions))
    return result


def _initials(key: str) -> str:
    # "organisation du traite de l atlantique nord" -> "otan": the first letter of each word
    # that is not an article or a preposition.
    return "".join(w[0] for w in key.split() if w not in _LINKS)


def acronym_links(organisation: Organisation) -> set[str]:
    """The folded acronyms an article's organisation was joined with, beside its own name.

    What `resolve_acronyms` needs, per article: for the name's key, these keys (and for
    each of these, the name's key).
    """
    name = fold(organisation.name)
    return {fold(m) for m in organisation.mentions if is_acronym(m) and fold(m) != name}


# --- the archive: one facet value for an acronym and its long form ---------------------------


def resolve_acronyms(counts: Mapping[str, int], acronyms: Mapping[str, Iterable[str] | Mapping[str, int]]) -> dict[str, str]:
    """Map each folded organisation key to the key the archive uses most for the same body.

    `counts`: folded organisation keys -> number of articles naming them (facet counts).
    `acronyms`: key -> the keys it was joined with inside articles (acronym <-> long
    form, as `acronym_links` gives them, in either or both directions); a mapping to the
    number of articles joining them is best, a set counts each join once. An acronym
    (a one-word key) joins the long form it was joined with in more than half of its
    joins: "ue" with "union europeenne"; an acronym spelled out two ways as often ("cpi":
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
        (best, weight), total = longs.most_common(1)[0], sum(longs.values())
        if weight * 2 > total and short in counts and best in counts:
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
