"""What the head of a name says it is besides a body, and which heads need more words to name one.

A span the model tags as an organisation may be a holiday ("Nouvel An"), a tax or a
benefit ("CICE", "prime d'activité"), a stock index ("CAC 40"), a law or a referendum
("RIC", "loi Elan"), an event or a competition ("COP24", "Ligue 1"), a building or a
place ("place de l'Opéra"), or only function words ("La"). Each class is a list of the
first words (folded) its names start with, so unseen names of the class are caught, not
only the ones seen. A generic head alone ("Conseil", "Centre", "Haut Conseil") names no
one body: the article's text completes it ("Centre d'analyse du terrorisme") or it goes.
A ministry's portfolio alone ("Finances", "Comptes publics") is part of a ministry's name,
and a country with an adjective ("l'Allemagne nazie") is a state, not a body in it.
Used by org_rules.py and org_merges.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import fold
from .countries import is_place_name
from .lexicon import common_adjectives, is_given_name
from .org_names import known_body
from .org_words import DESCRIPTIONS, HEADS, LINKS, is_adjective

# Names repeat from span to span and article to article: fold each once.
_fold = lru_cache(maxsize=8192)(fold)

# First words of names that are not bodies, by class, folded as `fold` folds them (a hyphen
# is a space). A name is in a class when its folded words start with one of the phrases
# ("nouvel an chinois" starts with "nouvel an").
NOT_BODIES: dict[str, tuple[str, ...]] = {
    "a holiday": (
        "nouvel an", "noel", "paques", "toussaint", "saint sylvestre", "reveillon", "ramadan", "aid", "hanoucca",
        "hanoukka", "halloween", "epiphanie", "ascension", "pentecote", "armistice", "assomption", "mardi gras", "chandeleur",
        "saint valentin", "jour de l an", "black friday", "yom kippour",
    ),
    "a tax or a benefit": (
        "taxe", "impot", "impots", "credit d impot", "prime", "allocation", "allocations", "contribution", "redevance", "cotisation",
        "cotisations", "bonus", "malus", "cheque", "revenu", "minimum vieillesse", "prelevement", "exit tax", "flat tax", "niche fiscale",
        "cice", "csg", "crds", "isf", "ifi", "ticpe", "tipp", "tva", "rsa", "apl", "aah", "aspa", "ppa", "cesu", "ptz", "smic",
    ),
    "a stock index": (
        "cac", "cac 40", "dow jones", "nasdaq", "dax", "footsie", "ftse", "nikkei", "hang seng", "s&p", "euro stoxx", "stoxx", "sbf",
        "smi", "tsx", "bel 20", "bel20", "ibex", "indice",
    ),
    "a law or a referendum": (
        "referendum", "ric", "rip", "decret", "ordonnance", "directive", "amendement", "projet de loi", "proposition de loi", "motion",
        "article", "reforme", "rgpd", "plf", "plfss", "lolf", "question prioritaire",
    ),
    "an event or a competition": (
        "acte", "fete", "festival", "mondial", "grand debat", "mai 68", "marche pour", "marche des", "manif", "gala", "concert", "exposition", "biennale",
        "carnaval", "defile", "teleton", "telethon", "miss", "ligue 1", "ligue 2", "ligue des champions", "ligue europa", "top 14",
        "pro d2", "formule 1", "formule e", "f1", "super bowl", "coupe du monde", "euro 20", "motogp", "moto gp",
    ),
    "an honour or a prize": (
        "legion d honneur", "medaille", "croix de guerre", "palme d or", "ballon d or", "goncourt", "oscar", "oscars", "cesar",
        "victoires de la musique", "nobel", "pulitzer", "ordre national du merite",
    ),
    "a building or a place": (
        "place", "rue", "avenue", "boulevard", "quai", "pont", "gare", "station", "aeroport", "stade", "parc", "jardin", "jardins",
        "chateau", "palais", "cathedrale", "basilique", "arc de triomphe", "champs elysees", "rond point",
        "peripherique", "autoroute", "route", "porte", "quartier", "esplanade", "square", "butte",
    ),
}
# "COP24", "COP 21": a conference of the parties is a yearly event, whatever its number.
_NUMBERED_EVENT = re.compile(r"^cop ?\d{1,2}$")  # not "G20", a group of states

FUNCTION_WORDS = frozenset(fold(w) for w in [
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "et", "ou", "mais", "donc", "or", "ni", "car", "ce", "cet",
    "cette", "ces", "ca", "cela", "ceci", "il", "elle", "ils", "elles", "on", "nous", "vous", "je", "j", "tu", "lui", "leur",
    "leurs", "son", "sa", "ses", "mon", "ma", "mes", "ton", "ta", "tes", "notre", "nos", "votre", "vos", "qui", "que", "qu",
    "quoi", "dont", "ou", "a", "au", "aux", "en", "dans", "par", "pour", "sur", "sous", "avec", "sans", "chez", "selon", "vers",
    "contre", "entre", "depuis", "pendant", "avant", "apres", "ne", "n", "pas", "plus", "tres", "tout", "tous", "toute",
    "toutes", "si", "oui", "non", "bien", "aussi", "encore", "deja", "alors", "ainsi", "puis", "comme", "quand", "lorsque",
    "parce", "y", "c", "s", "m", "t", "voici", "voila",
])

# Heads that name no one body alone ("le Conseil", "la Chambre", "le Centre"): the text
# after them completes the name or the mention goes. Not the heads a body is named by
# alone in French: "l'Assemblée", "le Sénat", "le Parlement", "le Congrès", the police,
# the army, the Church, "l'Union" (the European one) and "Alliance" (a police union).
BARE_HEADS = frozenset(fold(w) for w in [
    "conseil", "chambre", "centre", "ligue", "commission", "cour", "comité", "office", "institut", "agence", "fédération", "confédération",
    "banque", "caisse", "direction", "service", "bureau", "mission", "autorité", "tribunal", "opéra", "musée", "université",
    "école", "collège", "lycée", "hôpital", "clinique", "fondation", "association", "syndicat", "société", "compagnie", "groupe",
    "groupement", "organisation", "observatoire", "laboratoire", "théâtre", "orchestre", "académie", "conservatoire", "régie",
    "délégation", "secrétariat", "haut-commissariat", "département", "administration", "division", "brigade", "collectif",
    "communauté", "club", "ministère", "mairie", "préfecture", "parti", "conférence", "coalition", "fonds", "régiment", "ordre",
    "diocèse", "inspection", "parquet", "gouvernement",
])
_RANKS = {"haut", "haute", "hauts", "hautes"}  # "Haut Conseil", "Haute Autorité": still a kind of body, not one body

# Heads a body is named after a person with: "Fondation Jean Jaurès", "Institut Jean Vigo",
# "lycée Victor Hugo". A given name after them is part of the name, not a person glued on.
NAMED_AFTER_HEADS = frozenset(fold(w) for w in [
    "fondation", "institut", "lycée", "collège", "école", "université", "centre", "musée", "hôpital", "clinique", "théâtre",
    "association", "club", "stade", "cercle", "maison", "espace", "cité", "orchestre", "académie", "ehpad", "médiathèque",
    "bibliothèque", "salle", "prix", "groupe", "amicale", "comité", "mouvement",
])

# A ministry's portfolios: alone, the name of none ("Finances", "Comptes publics", "la Justice").
PORTFOLIOS = frozenset(fold(w) for w in [
    "Intérieur", "Finances", "Justice", "Défense", "Santé", "Économie", "Culture", "Éducation", "Travail", "Agriculture",
    "Environnement", "Écologie", "Armées", "Transports", "Transport", "Logement", "Affaires étrangères", "Comptes publics", "Budget",
    "Outre-mer", "Sports", "Sport", "Jeunesse", "Recherche", "Industrie", "Commerce", "Tourisme", "Solidarités", "Famille",
    "Égalité", "Numérique", "Emploi", "Action", "Enseignement supérieur", "Immigration", "Sécurité publique", "Affaires sociales",
    "Affaires municipales", "Relations internationales", "Cohésion des territoires", "Transition écologique", "Fonction publique",
    "Solidarité", "Finances publiques", "Anciens combattants", "Mer", "Énergie", "Retraites",
])

# Networks a group, a page or an account is on: "un groupe Facebook" names no body.
PLATFORMS = frozenset(fold(w) for w in [
    "Facebook", "Twitter", "YouTube", "Instagram", "WhatsApp", "Telegram", "Snapchat", "TikTok", "LinkedIn", "Messenger", "Discord",
    "Signal", "Viber", "Reddit", "Twitch",
])
# Lower-case nouns of places whose names the model takes for bodies: "place de l'Opéra", "gare Saint-Lazare".
PLACE_HEADS_BEFORE = (
    "place", "rue", "avenue", "boulevard", "quai", "pont", "gare", "station", "quartier", "stade", "parc", "jardins?", "esplanade",
    "porte", "square", "allée", "impasse", "métro", "carrefour", "rond-point", "parvis", "espace", "zone",
)
PLATFORM_PLACES = frozenset(fold(w) for w in ["groupe", "groupes", "page", "pages", "compte", "comptes", "chaîne", "fil", "réseau", "profil", "live"])


@lru_cache(maxsize=1)
def _phrases_by_first_word() -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for kind, phrases in NOT_BODIES.items():
        for phrase in phrases:
            found.setdefault(phrase.split()[0], []).append((phrase, kind))
    return found


@lru_cache(maxsize=8192)
def not_body_kind(name: str) -> str | None:
    """The class of names `name` belongs to when its head says it is no body ("a holiday" for "Nouvel An"), else None."""
    folded = _fold(name)
    if not folded:
        return None
    if _NUMBERED_EVENT.match(folded):
        return "an event or a competition"
    for phrase, kind in _phrases_by_first_word().get(folded.split()[0], ()):
        if folded == phrase or folded.startswith(phrase + " "):
            return kind
    if all(w in FUNCTION_WORDS for w in folded.split()):
        return "function words"
    words = name.split()
    if len(words) > 1 and is_place_name(words[0]) and all(w.islower() and _adjective(w) for w in words[1:]) and not known_body(name):
        return "a state or a regime"  # "l'Allemagne nazie", "la Chine populaire"; not "La France insoumise", a party
    return None


def _adjective(word: str) -> bool:
    # "nazie", "fasciste", "populaire": an adjective, or the feminine of one of the lexicon's.
    return is_adjective(word) or (word.endswith("e") and word[:-1] in common_adjectives())


@lru_cache(maxsize=8192)
def is_bare_head(name: str) -> bool:
    """True for a kind of body with nothing to say which one: "Conseil", "le Centre", "Haut Conseil"."""
    words = [w for w in _fold(name).split() if w not in ("le", "la", "les", "l")]
    if words and words[0] in _RANKS:
        words = words[1:]
    return len(words) == 1 and words[0] in BARE_HEADS


@lru_cache(maxsize=8192)
def is_portfolio(name: str) -> bool:
    """True for a ministry's portfolio alone: "Finances", "Comptes publics", "l'Intérieur"."""
    words = _fold(name).split()
    if words and words[0] in ("le", "la", "les", "l"):
        words = words[1:]
    return " ".join(words) in PORTFOLIOS


# --- completing a bare head from the text after it --------------------------------------------

_LINK = r"(?:(?:de la|des|du|de|à la|aux|au|à|pour la|pour les|pour le|pour|sur la|sur les|sur le|sur) |(?:de l|d|à l|pour l|sur l)['’] ?)"
_GROUP = re.compile(rf" ({_LINK})([\w’'-]+(?: (?!{_LINK})[\w’'-]+){{0,3}})")
_STOPS = FUNCTION_WORDS - LINKS | frozenset(fold(w) for w in [
    "a", "est", "sont", "ont", "etait", "sera", "fait", "doit", "peut", "va", "avait", "ete", "annee", "annees", "semaine",
    "mois", "jour", "jours", "journee", "matin", "soir", "hier", "demain", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
    "samedi", "dimanche", "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
    "novembre", "decembre",
])
MAX_COMPLEMENT_WORDS = 6


def complement_after(text: str, end: int) -> str | None:
    """The words after a bare head at text[end] that make it one body's name, as written, or None.

    "Centre" + " d'analyse du terrorisme, interrogé" -> " d'analyse du terrorisme";
    "Haut Conseil" + " pour le climat»" -> " pour le climat"; "Chambre" + " des
    représentants Newt Gingrich" -> " des représentants". Groups of a link and up to
    four words, six words at most; a group ends at punctuation, a verb or a date word,
    and a person's given name ends the complement.
    """
    window = text[end:end + 160].split("\n", 1)[0]
    at, words, kept = 0, 0, 0
    while words < MAX_COMPLEMENT_WORDS:
        group = _GROUP.match(window, at)
        if not group:
            break
        tokens = group.group(2).split()
        good: list[str] = []
        for token in tokens:
            bare = re.split(r"['’]", token)[-1]
            if not any(ch.isalpha() for ch in bare) or fold(bare) in _STOPS or is_given_name(bare):
                break
            if good and bare[:1].isupper() and not good[0][:1].isupper():
                break  # "des représentants Newt Gingrich": a name after a common noun is another entity
            good.append(token)
        if not good or words + len(good) > MAX_COMPLEMENT_WORDS:
            break
        words += len(good)
        kept = group.start(2) + len(" ".join(good))
        if len(good) < len(tokens):
            break
        at = kept
    if not kept:
        return None
    complement = window[:kept].rstrip(" '’")
    return complement if complement.strip() else None


# --- acronyms the article spells out as things ------------------------------------------------

# "des véhicules blindés à roues de la gendarmerie (VBRG)", "le référendum d'initiative
# citoyenne (RIC)": an acronym after a lower-case long form whose initials it spells. When
# that long form starts with a kind of body ("la brigade anticriminalité (BAC)") it is
# an organisation; when it starts with any other noun it names a thing, in this article.
_WORDS_BEFORE = re.compile(r"((?:[a-zà-ÿ][\w’'-]*\s){0,11}[a-zà-ÿ][\w’'-]*)\s$")
_BODY_WORDS = HEADS | DESCRIPTIONS | frozenset(fold(w) for w in [
    "inspection", "parquet", "établissement", "compagnies", "préfecture", "gendarmerie", "police", "sûreté", "haute", "haut",
    "organisme", "régie", "caisse", "caisses", "syndicats", "fédérations", "chambres", "services", "directions", "agences", "instance",
    "autorités", "tribunaux", "cours", "conseils", "commissions", "parti", "partis", "confédération", "réseau", "fonds",
])


def spelled_as_thing(text: str, acronym: str) -> bool:
    """True when `text` spells `acronym` out, in parentheses after it, with a lower-case long form that starts with no kind of body."""
    at = _in_parentheses(text, acronym)
    if at is None:
        return False
    before = _WORDS_BEFORE.search(text, max(0, at - 160), at)
    if not before:
        return False
    words = before.group(1).replace("’", "'").split()
    letters = [ch for ch in fold(acronym) if ch.isalpha()]
    start = _spelled_start(words, letters)
    if start is None:
        return False
    head = fold(words[start].split("'")[-1])
    return head not in _BODY_WORDS and head.rstrip("s") not in _BODY_WORDS


def _in_parentheses(text: str, word: str) -> int | None:
    # Where "(word)" or "( word )" opens in the text; str.find, not a regex built per word
    # (the regex module's cache would be flooded by the names of a large archive).
    at = text.find(word)
    while at >= 0:
        opening = text[max(0, at - 2):at].rstrip()
        if opening.endswith("(") and text[at + len(word):at + len(word) + 2].lstrip().startswith(")"):
            return at - (len(text[max(0, at - 2):at]) - len(opening)) - 1
        at = text.find(word, at + 1)
    return None


def _spelled_start(words: list[str], letters: list[str]) -> int | None:
    # The word the long form starts at: the last one from which the initials of the words
    # that are not links spell the acronym's letters in order ("véhicules blindés à roues
    # de la gendarmerie" -> VBRG), allowing extra words ("de", "pour", lower-case adjectives).
    for start in range(len(words) - 1, -1, -1):
        initials = []
        for word in words[start:]:
            for part in word.split("'"):
                if part and fold(part) not in LINKS:
                    initials.append(fold(part)[0])
        if initials and initials[0] == letters[0] and _subsequence(letters, initials) and len(letters) >= 2 and len(initials) <= len(letters) + 2:
            return start
    return None


def _subsequence(letters: list[str], initials: list[str]) -> bool:
    it = iter(initials)
    return all(letter in it for letter in letters)
