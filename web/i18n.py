"""Interface languages: French by default, English on request (?lang=en or Accept-Language)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_decimal

LANGUAGES = ("fr", "en")
DEFAULT = "fr"

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "search_label": "Rechercher dans l'archive",
        "search_placeholder": "mots, « expression », person:Poutine, pays:Russie…",
        "search_button": "Rechercher",
        "skip": "Aller aux résultats",
        "results_one": "{n} résultat",
        "results_many": "{n} résultats",
        "took": "en {ms} ms",
        "active_filters": "Filtres actifs",
        "remove_filter": "Retirer le filtre {value}",
        "clear_all": "Tout effacer",
        "persons": "Personnes",
        "countries": "Pays",
        "dates": "Dates",
        "filter_persons": "Filtrer les personnes",
        "filter_countries": "Filtrer les pays",
        "filter_button": "Filtrer",
        "show_more": "Afficher plus ({n})",
        "no_values": "Aucune valeur",
        "from": "Du",
        "to": "Au",
        "sort": "Tri",
        "sort_relevance": "Pertinence",
        "sort_newest": "Plus récents",
        "sort_oldest": "Plus anciens",
        "apply": "Appliquer",
        "per_year": "Articles par année",
        "per_month": "Articles par mois",
        "articles_in": "{label} : {n} articles",
        "pages": "Pages de résultats",
        "previous": "Précédente",
        "next": "Suivante",
        "page_n": "Page {n}",
        "no_results": "Aucun article ne correspond à cette recherche.",
        "did_you_mean": "Vouliez-vous dire",
        "try_removing": "Essayez sans le filtre",
        "bad_query": "Requête impossible",
        "untitled": "(sans titre)",
        "back": "Retour aux résultats",
        "original_url": "Article original en ligne",
        "stored_original": "Original archivé (texte brut)",
        "by": "par {author}",
        "similar": "Articles similaires",
        "in_article_persons": "Personnes citées",
        "in_article_countries": "Pays concernés",
        "not_found_title": "Page introuvable",
        "not_found": "Cet article n'existe pas dans l'archive.",
        "unavailable": "Index indisponible",
        "back_to_search": "Retour à la recherche",
        "language": "English",
        "welcome": "Explorez l'archive : tapez des mots, ou choisissez une personne ou un pays.",
        "undated": "sans date",
        "tab_articles": "Articles",
        "tab_quotes": "Citations",
        "tab_exact": "Forme exacte",
        "quote_by": "Cité : {name}",
        "unnamed_speaker": "locuteur non identifié",
        "other_versions": "{n} autre(s) version(s) de cette dépêche",
        "versions_of": "Toutes les versions de cette dépêche",
        "stories": "{n} dépêches distinctes",
        "count_by": "Compter",
        "count_articles": "articles",
        "count_groups": "dépêches",
        "with": "Avec {label}",
        "matched": "« {term} » a trouvé : {forms}",
        "exact_switch": "chercher seulement la forme exacte",
        "stemmed_switch": "chercher toutes les formes du mot",
        "quotes_in_article": "Citations",
        "said_by": "Citations de cette personne",
        "notice_free_text": "recherche libre : articles classés selon les mots les plus distinctifs de la requête (pour exiger chaque mot, reliez-les par ET)",
        "notice_no_known_word": "aucun mot de la requête ne figure dans l'archive",
        "notice_no_searchable_word": "la requête ne contient aucun mot cherchable (seulement des mots vides ?)",
        "internal_error_title": "Erreur interne",
        "internal_error": "La recherche a échoué de façon inattendue.",
    },
    "en": {
        "search_label": "Search the archive",
        "search_placeholder": "words, \"a phrase\", person:Putin, country:Russia…",
        "search_button": "Search",
        "skip": "Skip to results",
        "results_one": "{n} result",
        "results_many": "{n} results",
        "took": "in {ms} ms",
        "active_filters": "Active filters",
        "remove_filter": "Remove the filter {value}",
        "clear_all": "Clear all",
        "persons": "People",
        "countries": "Countries",
        "dates": "Dates",
        "filter_persons": "Filter people",
        "filter_countries": "Filter countries",
        "filter_button": "Filter",
        "show_more": "Show more ({n})",
        "no_values": "No values",
        "from": "From",
        "to": "To",
        "sort": "Sort",
        "sort_relevance": "Relevance",
        "sort_newest": "Newest",
        "sort_oldest": "Oldest",
        "apply": "Apply",
        "per_year": "Articles per year",
        "per_month": "Articles per month",
        "articles_in": "{label}: {n} articles",
        "pages": "Result pages",
        "previous": "Previous",
        "next": "Next",
        "page_n": "Page {n}",
        "no_results": "No article matches this search.",
        "did_you_mean": "Did you mean",
        "try_removing": "Try without the filter",
        "bad_query": "Cannot run this search",
        "untitled": "(untitled)",
        "back": "Back to the results",
        "original_url": "Original article online",
        "stored_original": "Archived original (raw text)",
        "by": "by {author}",
        "similar": "Similar articles",
        "in_article_persons": "People mentioned",
        "in_article_countries": "Countries concerned",
        "not_found_title": "Page not found",
        "not_found": "This article is not in the archive.",
        "unavailable": "Index unavailable",
        "back_to_search": "Back to search",
        "language": "Français",
        "welcome": "Explore the archive: type words, or pick a person or a country.",
        "undated": "undated",
        "tab_articles": "Articles",
        "tab_quotes": "Quotations",
        "tab_exact": "Exact form",
        "quote_by": "Quoted: {name}",
        "unnamed_speaker": "speaker not identified",
        "other_versions": "{n} other version(s) of this story",
        "versions_of": "Every version of this story",
        "stories": "{n} distinct stories",
        "count_by": "Count",
        "count_articles": "articles",
        "count_groups": "stories",
        "with": "With {label}",
        "matched": "\"{term}\" matched: {forms}",
        "exact_switch": "search the exact form only",
        "stemmed_switch": "search every form of the word",
        "quotes_in_article": "Quotations",
        "said_by": "Quotations of this person",
        "notice_free_text": "free text: articles ranked by the query's most distinctive words (to require each word, join them with AND)",
        "notice_no_known_word": "no word of the query is in the archive",
        "notice_no_searchable_word": "the query has no searchable word (only stop words?)",
        "internal_error_title": "Internal error",
        "internal_error": "The search failed unexpectedly.",
    },
}


def choose_language(param: str | None, accept_languages) -> str:
    """`?lang=` when valid, else the browser's preference between fr and en, else French."""
    if param in LANGUAGES:
        return param
    best = accept_languages.best_match(LANGUAGES) if accept_languages else None
    return best or DEFAULT


class Translator:
    """Messages, dates and numbers in one interface language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT
        self.messages = MESSAGES[self.lang]

    def __call__(self, key: str, **params) -> str:
        text = self.messages.get(key) or MESSAGES[DEFAULT].get(key) or key
        return text.format(**params) if params else text

    def number(self, n: int) -> str:
        """1234 -> "1 234" in French, "1,234" in English."""
        return format_decimal(n, locale=self.lang)

    def date(self, value: str | dt.date | None) -> str:
        """2017-02-16 -> "16 février 2017" / "February 16, 2017"."""
        if not value:
            return ""
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return value
        return format_date(value, format="long", locale=self.lang)

    def month(self, value: str) -> str:
        """"2018-11" -> "nov. 2018"."""
        year, month = value.split("-")
        return format_date(dt.date(int(year), int(month), 1), format="MMM y", locale=self.lang)

    def results(self, n: int) -> str:
        """ "1 234 résultats"."""
        return self("results_one" if n == 1 else "results_many", n=self.number(n))
