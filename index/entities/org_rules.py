"""The rules that clean one NER span into an organisation mention, as data.

Each rule is small, named, and carries the French example that motivated it: a sentence
with the span in [brackets], the label the model gave it, and the name the whole cleaning
makes of it (None: no organisation), or for a rule that only adds a form, that form.
tests/test_organisations.py runs every rule on its own example, so the examples cannot
rot. `clean_mention` applies the rules in order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..text import fold
from .countries import is_demonym, is_place_name
from .lexicon import is_given_name
from .org_classes import NAMED_AFTER_HEADS
from .org_context import (
    article_before,
    body_of_place,
    colour_after,
    common_word_at_starts,
    described_as_organisation,
    description_before,
    in_share_bar,
    participle_at_starts,
    right_adjective,
    seat_named,
    starts_sentence,
    with_article,
)
from .org_draft import Draft, Outcome, Rewrite
from .org_fixes import (
    acronym_of_a_thing,
    complete_bare_head,
    continued_to_acronym,
    description_of_a_place,
    group_on_a_platform,
    holder_of_a_role,
    in_a_place_name,
    not_a_body,
    portfolio_alone,
    state_as_a_place,
)
from .org_ministries import ministry_before, ministry_by_portfolio
from .org_words import (
    ARTICLES,
    HEADS,
    NOT_HEADS,
    PLACE_HEADS,
    ROLES,
    OrgMention,
    clean_name,
    has_organisation_head,
    is_acronym,
    not_organisation_names,
    organisation_words,
)

_GLUED_PERSON = re.compile(r"(?:\s+(?:de|d['’])\s*|\s+)([A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?) [A-ZÀ-Ý][\w-]+$")
_TRAILING_LINK = re.compile(r"\s+(?:de|du|des|d['’]|par|et)\s*$")
_CONTRACTED = re.compile(r"(?:^|\s)([dDaA]u|[dDaA](?:es|ux)) $")
# "Ve République" is a regime, "XXIe" a century, "X e" an arrondissement; "Vive la République ! Vive la France" a cry.
_BAD = re.compile(r"[@#/\\|<>{}\[\]()=+*_«»\"]|\d{3,}|^[IVX]+e |^[IVXLC]+ ?e$|[!?] +\w")


def _cut_at_line_break(d: Draft) -> Outcome:
    surface = d.surface
    if "\n" not in surface.strip():
        return d
    end = d.start + len(surface) - len(surface.lstrip()) + surface.strip().index("\n")
    return replace(d, end=end, surface=d.text[d.start:end])


def _cut_at_person(d: Draft) -> Outcome:
    cuts = [ps for ps, _ in d.persons if d.start < ps < d.end]
    glued = _GLUED_PERSON.search(d.surface)
    if glued and _glued_person(d.surface, glued):
        cuts.append(d.start + glued.start())
    if not cuts:
        return d
    surface = _TRAILING_LINK.sub("", d.text[d.start:min(cuts)])
    return replace(d, end=d.start + len(surface), surface=surface) if surface.strip() else None


def _glued_person(surface: str, glued: re.Match) -> bool:
    # "Justice Nicole Belloubet": a given name and a capitalised word end the span. Not a
    # given name that is a country ("Agence France Presse", "La France Insoumise"), nor
    # a person a body is named after ("Fondation Jean Jaurès", "Institut Jean Vigo").
    given = glued.group(1)
    if not is_given_name(given) or is_place_name(given) or has_organisation_head(surface[glued.start(1):]):
        return False
    words = [w for w in fold(surface[:glued.start()]).split() if w not in ARTICLES]
    return not (words and words[0] in NAMED_AFTER_HEADS)


def _drop_share_bar(d: Draft) -> Outcome:
    return None if in_share_bar(d.text, d.start, d.end) else d


def _name_of_surface(d: Draft) -> Outcome:
    name = clean_name(d.surface)
    form = " ".join(d.surface.split()).strip(" ,;:.!?«»\"()[]")
    return replace(d, name=name, forms=(form,)) if name else None


def _form_with_article(d: Draft) -> Outcome:
    article = article_before(d.text, d.start)
    return replace(d, forms=(*d.forms, with_article(article.group(1), d.name))) if article else d


def _capital_article_in_name(d: Draft) -> Outcome:
    article = article_before(d.text, d.start)
    if not article or is_acronym(d.name):
        return d
    written = article.group(1)
    capital = written[0].isupper() and written[-1] == " " and written[-2] not in "'’"
    return replace(d, name=written + d.name) if capital and not starts_sentence(d.text, d.start - len(written)) else d


def _form_after_contraction(d: Draft) -> Outcome:
    contracted = _CONTRACTED.search(d.text[max(0, d.start - 5):d.start])
    if not contracted or is_acronym(d.name) or not d.name[:1].isupper():
        return d
    article = "Les " if contracted.group(1).lower() in ("des", "aux") else "Le "
    return replace(d, forms=(*d.forms, article + d.name))


def _body_of_place(d: Draft) -> Outcome:
    body = body_of_place(d.text, d.start) if d.label == "LOC" else None
    if body is None:
        return d
    if state_as_a_place(d.text, body, d.start, d.end):
        return None  # "organisation de l'État", "services de l'État": the State is no seat
    written = d.text[body:d.end]
    return replace(d, start=body, name=clean_name(written) or d.name, forms=(" ".join(written.split()),), body=True)


def _label_says_organisation(d: Draft) -> Outcome:
    evidence = d.body or d.label == "ORG" or _voted_org(d.name, d.votes) or (d.label == "MISC" and described_as_organisation(d.text, d.start, d.end))
    return replace(d, evidence=evidence)


def _description_before(d: Draft) -> Outcome:
    head = None if d.body else description_before(d.text, d.start)
    if head is None:
        return d
    word, begin = head
    long_form = " ".join(d.text[begin:d.end].split())
    name = d.name
    if fold(word) in PLACE_HEADS or not (d.evidence or is_acronym(name)):
        name = clean_name(long_form) or name
    return replace(d, name=name, forms=(*d.forms, long_form), evidence=True)


def _adjective_after_head(d: Draft) -> Outcome:
    adjective = right_adjective(d.text, d.end)
    if not adjective or len(d.name.split()) != 1 or fold(d.name) not in HEADS | {"etat"}:
        return d
    name = f"{d.name} {adjective}"
    return replace(d, name=name, end=d.end + 1 + len(adjective), forms=(*d.forms, name), evidence=True)


def _colour_after(d: Draft) -> Outcome:
    colour = colour_after(d.text, d.end, d.name)
    if not colour:
        return d
    name = f"{d.name} {colour}"
    return replace(d, name=name, end=d.end + 1 + len(colour), forms=(*d.forms, name))


def _company_words_of_a_person(d: Draft) -> Outcome:
    return replace(d, evidence=True) if d.label == "PER" and organisation_words(d.name) else d


def _drop_without_evidence(d: Draft) -> Outcome:
    if d.evidence or (has_organisation_head(d.name) and (d.label != "LOC" or d.name[:1].isupper() or seat_named(d.name))):
        return d
    return None


def _drop_unlike_organisation(d: Draft) -> Outcome:
    return d if looks_like_organisation(d.name, d.text, d.label) else None


RULES: tuple[Rewrite, ...] = (
    Rewrite(
        "cut_at_line_break", _cut_at_line_break,
        "France : alerte à la bombe au [Parquet national financier\n\n21 mars 2017] . –", "Parquet national financier",
        "a span across lines joins a heading or a credit to the next line",
    ),
    Rewrite(
        "cut_at_person", _cut_at_person,
        "Richard Grenell, ambassadeur en Allemagne, et le candidat au [Sénat John James].", "Sénat",
        "a person's name inside the span ends it, and the 'de' before the name goes: a person the person rules"
        " kept ('Justice de Dilma Rousseff'), or a given name and a capitalised word glued at the end ('Justice Nicole Belloubet');"
        " not a given name that is a country ('Agence France Presse', 'La France Insoumise') nor a person a foundation,"
        " an institute or a school is named after ('Fondation Jean Jaurès', 'Institut Jean Vigo')",
        label="LOC",
    ),
    Rewrite(
        "drop_share_bar", _drop_share_bar,
        "Partager cet article :\nCourriel ,\n[Facebook] ,\nTwitter ,", None,
        "a share bar names networks, one label per line: the article does not name them",
    ),
    Rewrite(
        "name_of_surface", _name_of_surface,
        "Appel à témoin [La Police cantonale vaudoise] lance un appel à témoin.", "Police cantonale vaudoise",
        "the name is the span without its article, quotes, trailing 'de' or acronym in parentheses"
        " (org_words.clean_name); the span as written is the first form; no name, no mention",
    ),
    Rewrite(
        "not_a_body", not_a_body,
        "Les magasins resteront fermés le jour du [Nouvel An] dans tout le pays.", None,
        "a name whose head is a holiday ('Nouvel An'), a tax or a benefit ('CICE', 'prime d'activité'), a stock index"
        " ('CAC 40'), a law or a referendum ('RIC'), an event or a competition ('COP24', 'Ligue 1'), a building or a"
        " place ('palais', 'gare'), or only function words ('La'): the classes of org_classes.NOT_BODIES",
    ),
    Rewrite(
        "in_a_place_name", in_a_place_name,
        "Les manifestants se sont retrouvés place de l'[Opéra] vers midi.", None,
        "a span after a place's noun ('place de l'Opéra', 'gare Saint-Lazare', 'avenue des Champs-Élysées') names a"
        " place; not an ORG span, unless it is a generic head ('la place du PS à gauche')",
        label="LOC",
    ),
    Rewrite(
        "acronym_of_a_thing", acronym_of_a_thing,
        "Une douzaine de véhicules blindés à roues de la gendarmerie ([VBRG]) seront utilisés.", None,
        "an acronym the article spells out with a lower-case long form that starts with no kind of body names a"
        " thing ('référendum d'initiative citoyenne (RIC)', 'incapacité totale de travail (ITT)'), everywhere in the article",
    ),
    Rewrite(
        "holder_of_a_role", holder_of_a_role,
        "a mis en garde le directeur général de l'Organisation, [Tedros Adhanom Ghebreyesus].", None,
        "capitalised words after a role in a body and a comma ('le patron de la CGT, Philippe Martinez') name"
        " the role's holder, a person, unless their words say organisation",
    ),
    Rewrite(
        "group_on_a_platform", group_on_a_platform,
        "Un appel à manifester a été lancé sur le groupe [Facebook] des gilets jaunes de la ville.", None,
        "a group, a page or an account on a network ('un groupe Facebook', 'son compte Twitter') is no body",
        label="MISC",
    ),
    Rewrite(
        "continued_to_acronym", continued_to_acronym,
        "selon la [Fédération du commerce] et de la distribution (FCD), les pertes s'élèvent à un milliard.",
        "Fédération du commerce et de la distribution",
        "the model stopped at 'et' in a long form the acronym after it spells: the words up to the acronym are the name",
    ),
    Rewrite(
        "form_with_article", _form_with_article,
        "Le pays souhaite se retirer de la [Cour pénale internationale] (CPI).", "Cour pénale internationale",
        "the form as written with its article ('la Cour pénale internationale', 'l'ONU') is one more form to merge by",
        example_form="la Cour pénale internationale",
    ),
    Rewrite(
        "capital_article_in_name", _capital_article_in_name,
        "Le maire Gaël Perdriau ( Les [Républicains] ) a parlé.", "Les Républicains",
        "a capitalised article inside a sentence is part of the name ('Les Républicains', « La Piccola Familia »);"
        " at a sentence start it is capitalised anyway",
    ),
    Rewrite(
        "form_after_contraction", _form_after_contraction,
        "En avril 1979, une bombe est posée dans les locaux du [Monde].", "Monde",
        "'du Monde', 'au Parisien' contract the article of the name: 'Le Monde' is a form to merge with",
        example_form="Le Monde",
    ),
    Rewrite(
        "ministry_before", ministry_before,
        "Selon le ministère du [Transport], la locomotive de manœuvre a heurté le train.", "ministère du Transport",
        "the model tags the portfolio alone after 'ministre de' or 'ministère de': the organisation is the ministry",
    ),
    Rewrite(
        "ministry_by_portfolio", ministry_by_portfolio,
        "La nouvelle a été confirmée par le [ministre de la Défense de la Corée du Nord].", "ministère de la Défense",
        "a minister or a ministry names the ministry by its portfolio, without the country it is of; the mention"
        " is finished here, and without a portfolio there is none",
    ),
    Rewrite(
        "portfolio_alone", portfolio_alone,
        "Pour lui, la [Justice] a tranché trop vite.", None,
        "a portfolio the ministry rules did not take ('la Justice', 'les Finances') names no one body",
    ),
    Rewrite(
        "body_of_place", _body_of_place,
        "Une enquête a été confiée à la section antiterroriste du Parquet de [Paris].", "Parquet de Paris",
        "a place after a body ('le parquet de Paris', 'l'armée du Zimbabwe'): the body is the organisation, the place its seat",
        label="LOC",
    ),
    Rewrite(
        "description_of_a_place", description_of_a_place,
        "Le constructeur de [Stuttgart] a levé le voile sur la dernière génération de ses modèles.", None,
        "a kind of company and the place it is from ('le constructeur de Stuttgart') is a way of not naming it;"
        " a body's head and its seat ('l'université de Manchester') is its name",
        label="LOC",
    ),
    Rewrite(
        "label_says_organisation", _label_says_organisation,
        "Marie-Claudette Kwizera, trésorière d'[Iteka], une association burundaise des droits de l'homme.", "Iteka",
        "the model's label, its ORG votes for the same name elsewhere in the article ('Syctom' tagged ORG once and"
        " LOC twice) or, for a MISC span, an apposition or a role before it say organisation",
        label="MISC",
    ),
    Rewrite(
        "description_before", _description_before,
        "Le car transportait 32 élèves en direction du collège [Lucie-Aubrac] sur la ville de Doubs.", "collège Lucie-Aubrac",
        "a description before the span says organisation ('l'agence Bloomberg', 'la radio France Info'); a place's"
        " head ('collège Lucie-Aubrac', 'diocèse de Hearst'), or one before a span nothing else says is one, is part of the name",
        label="LOC",
    ),
    Rewrite(
        "adjective_after_head", _adjective_after_head,
        "Le Pentagone a précisé qu'il visait l’[État] islamique.", "État islamique",
        "a body tagged without its adjective: 'État islamique', 'Église catholique'",
        label="LOC",
    ),
    Rewrite(
        "complete_bare_head", complete_bare_head,
        "selon Jean-Charles Brisard, président du [Centre] d'analyse du terrorisme, interrogé par l'AFP.",
        "Centre d'analyse du terrorisme",
        "a generic head alone ('Centre', 'Chambre', 'Haut Conseil') takes the words after it that say which body it is;"
        " without them it names none, and org_merges.py drops it unless a longer mention of the article takes it in",
        label="LOC",
    ),
    Rewrite(
        "colour_after", _colour_after,
        "Une centaine de policiers en colère, les « [Gyros] bleus », voulant aller à l'Élysée.", "Gyros bleus",
        "the model stopped at the noun of a collective named by a thing and its colour",
    ),
    Rewrite(
        "company_words_of_a_person", _company_words_of_a_person,
        "La circulation reste perturbée, a indiqué [Vinci Autoroutes] dans un point de situation.", "Vinci Autoroutes",
        "a PER span whose words are a company's or a medium's ('Charlie Hebdo', 'France Inter') is an organisation",
        label="PER",
    ),
    Rewrite(
        "drop_without_evidence", _drop_without_evidence,
        "Une explosion à Alexandrie, également dans une église copte (l’[église Saint-Marc]).", None,
        "nothing says organisation and no organisation head either; a LOC span headed in lower case is a building"
        " ('l'église Saint-Marc', 'le lycée Suger')",
        label="LOC",
    ),
    Rewrite(
        "drop_unlike_organisation", _drop_unlike_organisation,
        "Il faut faire la révolution, en finir avec la [Ve République] et le système.", None,
        "what no organisation's name looks like: a regime, a treaty, a role, a word capitalised only at sentence"
        " starts, a person introduced by their nationality (looks_like_organisation)",
    ),
)


def clean_mention(text: str, start: int, end: int, label: str, votes: Mapping[str, Counter], persons: Sequence[tuple[int, int]]) -> OrgMention | None:
    """The organisation mention the NER span text[start:end] (labelled `label`) makes, or None.

    The rules run in the order of RULES, each on what the ones before made of the span,
    and the order matters: the boundaries are cut (a line break, a person) before the
    name is read from the surface; what names no body is dropped as soon as the name is
    read, before rules spend work on it; the name is read before the article and ministry
    rules look at it, and a portfolio left alone is dropped only after the ministry rules
    took the ones a minister names; `label_says_organisation` judges the name as the body rule left it and
    before a description may lengthen it, and the description rule reads that judgement;
    the two drop rules judge the finished name. A rule may drop the span (None) or finish
    the mention early (a ministry named by its portfolio skips the rest).
    """
    draft = Draft(text, start, end, label, votes, persons, text[start:end])
    for rule in RULES:
        outcome = rule.apply(draft)
        if not isinstance(outcome, Draft):
            return outcome
        draft = outcome
    return OrgMention(draft.name, list(dict.fromkeys([draft.name, *draft.forms])), draft.start, draft.end)


def _voted_org(name: str, votes: Mapping[str, Counter]) -> bool:
    # The model's own vote in the article: "Syctom" tagged ORG once and LOC twice is
    # still the one organisation the article names.
    counts = votes.get(fold(name), Counter())
    return counts["ORG"] > 0 and counts["ORG"] >= max(counts["PER"], 1) / 2


def looks_like_organisation(name: str, text: str, label: str) -> bool:
    """False for names no organisation has: a regime, a treaty, a role, a common word, a person by nationality."""
    words = name.split()
    if not words or len(words) > 12 or len(name) < 2 or _BAD.search(name):
        return False
    folded = fold(name)
    if not folded or folded in not_organisation_names() or words[0][:1].isdigit():
        return False
    first = fold(words[0])
    if first in NOT_HEADS or first in ROLES:
        return False  # "Pacte budgétaire européen", "Secrétaire d'État chargé du Commerce"
    if not any(w[:1].isupper() for w in words) and first not in HEADS:
        return False  # "club loirétains"
    if len(words) > 1 and words[0][:1].isupper() and is_demonym(words[0]) and not has_organisation_head(name):
        return False  # "Iranien Mojtaba Abedini": a person introduced by their nationality
    if len(words) == 1 and is_place_name(name) and label != "ORG":
        return False
    # "Transportée à l'hôpital", "Cinéma : Carrie Fisher": a word capitalised only at sentence starts
    return not (len(words) == 1 and not is_acronym(name) and (common_word_at_starts(name, text) or participle_at_starts(name, text)))
