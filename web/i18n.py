"""Interface languages: French, the archive's language, by default; English on request (?lang=en, kept by every link)."""

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
        "facet_person": "Personnes",
        "facet_organisation": "Organisations",
        "facet_country": "Pays",
        "facet_source": "Publications",
        "facet_language": "Langues",
        "facet_agency": "Agences de presse",
        "filter_person": "Filtrer les personnes",
        "filter_organisation": "Filtrer les organisations",
        "filter_country": "Filtrer les pays",
        "filter_source": "Filtrer les publications",
        "filter_language": "Filtrer les langues",
        "filter_agency": "Filtrer les agences",
        "in_article_organisations": "Organisations citées",
        "in_article_agencies": "Agences de presse",
        "entity_page": "Fiche de {name}",
        "date_placeholder": "aaaa-mm-jj",
        "trends_title": "Tendances",
        "series_n": "Série {n}",
        "compare_with": "Comparer avec",
        "period": "Période",
        "period_auto": "automatique",
        "period_day": "jour",
        "period_week": "semaine",
        "period_month": "mois",
        "period_year": "année",
        "trend_value": "Valeur",
        "value_share": "part des articles de la période",
        "value_count": "nombre d'articles",
        "value_stories": "dépêches distinctes",
        "draw": "Tracer",
        "download": "Télécharger",
        "no_articles": "aucun article",
        "week_label": "S{week} {year}",
        "trend_link": "Tendance dans le temps",
        "compare_link": "Comparer avec…",
        "export": "Exporter",
        "unknown_entity": "« {name} » n'est pas dans l'archive.",
        "derived_title": "Titre absent de l'original : sa première phrase en tient lieu.",
        "derived_text": "L'original n'a pas de corps de texte : son chapeau est indexé à la place.",
        "search_instead": "Chercher ce nom dans les textes",
        "kind_person": "Personne",
        "kind_organisation": "Organisation",
        "kind_country": "Pays",
        "entity_articles": "{n} articles",
        "mentions_per_month": "Articles par mois",
        "month": "Mois",
        "articles": "Articles",
        "appears_with": "Apparaît avec",
        "entity_quotes": "Citations",
        "spellings": "Graphies regroupées",
        "merged_names": "Noms rattachés",
        "latest": "Derniers articles",
        "all_articles": "Tous les articles de cette fiche",
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
        "facet_person": "People",
        "facet_organisation": "Organisations",
        "facet_country": "Countries",
        "facet_source": "Publications",
        "facet_language": "Languages",
        "facet_agency": "News agencies",
        "filter_person": "Filter people",
        "filter_organisation": "Filter organisations",
        "filter_country": "Filter countries",
        "filter_source": "Filter publications",
        "filter_language": "Filter languages",
        "filter_agency": "Filter agencies",
        "in_article_organisations": "Organisations mentioned",
        "in_article_agencies": "News agencies",
        "entity_page": "Page of {name}",
        "date_placeholder": "yyyy-mm-dd",
        "trends_title": "Trends",
        "series_n": "Series {n}",
        "compare_with": "Compare with",
        "period": "Period",
        "period_auto": "automatic",
        "period_day": "day",
        "period_week": "week",
        "period_month": "month",
        "period_year": "year",
        "trend_value": "Value",
        "value_share": "share of the period's articles",
        "value_count": "number of articles",
        "value_stories": "distinct stories",
        "draw": "Draw",
        "download": "Download",
        "no_articles": "no article",
        "week_label": "W{week} {year}",
        "trend_link": "Trend over time",
        "compare_link": "Compare with…",
        "export": "Export",
        "unknown_entity": "\"{name}\" is not in the archive.",
        "derived_title": "The original has no title: its first sentence stands for it.",
        "derived_text": "The original has no body: its standfirst is indexed instead.",
        "search_instead": "Search the texts for this name",
        "kind_person": "Person",
        "kind_organisation": "Organisation",
        "kind_country": "Country",
        "entity_articles": "{n} articles",
        "mentions_per_month": "Articles per month",
        "month": "Month",
        "articles": "Articles",
        "appears_with": "Appears with",
        "entity_quotes": "Quotations",
        "spellings": "Spellings counted as one",
        "merged_names": "Names merged into it",
        "latest": "Latest articles",
        "all_articles": "Every article of this page",
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


def choose_language(param: str | None) -> str:
    """`?lang=` when valid, else French.

    The browser's Accept-Language is not followed: headless browsers and most default
    installs send "en-US" whoever reads, and this is an archive of French news.
    """
    return param if param in LANGUAGES else DEFAULT


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

    def short_date(self, value: str) -> str:
        """"2018-11-17" -> "17 nov. 2018"."""
        return format_date(dt.date.fromisoformat(value), format="medium", locale=self.lang)

    def month(self, value: str) -> str:
        """"2018-11" -> "nov. 2018"."""
        year, month = value.split("-")
        return format_date(dt.date(int(year), int(month), 1), format="MMM y", locale=self.lang)

    def results(self, n: int) -> str:
        """ "1 234 résultats"."""
        return self("results_one" if n == 1 else "results_many", n=self.number(n))
