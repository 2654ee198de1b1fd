"""The `newsarchive` command: a thin layer over the functions of index/, search/ and web/ (errors mapped in cli_utils)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from newsarchive.index.entities.aliases import Aliases
from newsarchive.index.store.folder import default_index_dir
from newsarchive.search.export import DEFAULT_ROWS, FORMATS, MAX_ROWS
from newsarchive.search.research import DEFAULT_MIN_WEIGHT, DEFAULT_NODES, MAX_NODES
from newsarchive.search.research import FORMATS as RESEARCH_FORMATS
from newsarchive.search.trends import PERIODS

from .cli_utils import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    ArchiveGroup,
    Progress,
    echo_json,
    end_run,
    fail,
    failure_lines,
    option_values,
    render_article,
    render_merges,
    render_result,
    render_trend,
    request_from_options,
    search_options,
    series_filters,
    write_output,
    write_table,
)

index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Index folder. Default: $NEWSARCHIVE_INDEX, else ./newsarchive-index.",
)
workers_option = click.option("--workers", type=click.IntRange(min=1), default=None,
                              help="Processes for extraction, entities and writing segments. Default: one per core.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print as JSON.")


def _folder(value: Path | None) -> Path:
    return value if value is not None else default_index_dir()


@click.group(cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsarchive")
def main() -> None:
    """Search French news archives by keyword, person and country.

    \b
    Typical use:
      newsarchive index ./my-archive/          # read files, build the index
      newsarchive search "coopération militaire" --person "Vladimir Poutine"
      newsarchive serve                        # search page on http://127.0.0.1:5000
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article and line (JSON lines).")
@click.option("--no-entities", is_flag=True, help="Skip person and country recognition (faster).")
def extract(files: tuple[Path, ...], as_json: bool, no_entities: bool) -> None:
    """Show what indexing would make of FILES, without touching an index.

    Prints, for each article in input order, its title, date, author, source, URL,
    language, clean text, persons and countries. Inputs that fail are reported on
    stderr with their reason (exit code 1).
    """
    from newsarchive.index.article import Failure
    from newsarchive.index.indexing.pipeline import plan, process, records

    inputs = plan(files)
    failed = list(inputs.failures)
    for item in process(records(inputs.files), workers=1, with_entities=not no_entities):
        if isinstance(item, Failure):
            failed.append(item)
        elif as_json:
            echo_json(item.to_json())
        else:
            click.echo(render_article(item))
    failure_lines(failed)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@main.command("index")
@index_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@workers_option
@click.option("--batch-size", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Articles per commit; a crash loses at most one batch (re-running adds it); larger batches index faster.")
@click.option("--no-entities", is_flag=True, help="Skip person and country recognition (much faster; no facets).")
@click.option("--stemmer", type=click.Choice(["light", "snowball"]), default=None,
              help="French stemmer of a new index (default: snowball); an existing index keeps its own.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
def index_cmd(index_dir: Path | None, paths: tuple[Path, ...], workers: int | None, batch_size: int, no_entities: bool,
              stemmer: str | None, as_json: bool, progress: bool | None) -> None:
    """Add the articles in PATHS to the index (files or folders, recursively).

    Reads .html/.htm, .txt, .jsonl and .warc files (one article per file, per JSON
    line or per archived page), each optionally gzipped. Re-indexing the same files
    changes nothing. Ends with a summary: added, updated, unchanged, failed (with file
    and reason). Exit code 0 when nothing failed, 1 when some inputs failed (the others
    are indexed), 2 on usage errors, 3 when the index cannot be written.
    """
    from newsarchive.index.indexing.pipeline import plan
    from newsarchive.index.indexing.runs import index_files

    folder = _folder(index_dir)
    inputs = plan(paths)
    if not inputs.files and inputs.failures and len(inputs.failures) == len(paths):
        for failure in inputs.failures:
            click.echo(f"Error: {failure.origin}: {failure.reason}", err=True)
        sys.exit(EXIT_USAGE)
    aliases = Aliases.load(folder)
    with Progress(inputs.expected, sys.stderr.isatty() if progress is None else progress) as bar:
        report = index_files(folder, inputs, workers=workers, batch_size=batch_size, with_entities=not no_entities, stemmer=stemmer,
                             aliases=aliases, progress=bar.update)
    end_run(report, as_json)


@main.command()
@index_option
@workers_option
@click.option("--no-entities", is_flag=True, help="Keep each article's stored persons and countries instead of recognising them again (faster).")
@click.option("--entities", "entities_only", is_flag=True,
              help="Only recognise persons, countries and quotations again in the stored texts (applies the alias file); no re-extraction.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def reindex(index_dir: Path | None, workers: int | None, no_entities: bool, entities_only: bool, as_json: bool) -> None:
    """Re-extract every article of the index from its stored original, with the current rules.

    Needs none of the original files: each article's input is kept, compressed, in the
    index folder (originals/). Articles keep their ids, so each one is updated in place
    or found unchanged. An article whose original is missing, or whose new extraction
    fails, is reported and left as it was. Exit code 0 when every article was
    re-extracted, 1 when some could not be, 3 when the index cannot be read or written.
    """
    from newsarchive.index.indexing.runs import reannotate
    from newsarchive.index.indexing.runs import reindex as reindex_run

    if entities_only and no_entities:
        fail("--entities and --no-entities contradict each other", EXIT_USAGE)
    folder = _folder(index_dir)
    aliases = Aliases.load(folder)
    if entities_only:
        end_run(reannotate(folder, workers=workers, aliases=aliases), as_json)
    end_run(reindex_run(folder, workers=workers, with_entities=not no_entities, aliases=aliases), as_json)


@main.command()
@index_option
@search_options()
@click.option("--forms", is_flag=True, help="Also show which word forms of the archive each query word matched.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (the same as GET /api/search).")
@click.option("--format", "fmt", type=click.Choice((*FORMATS, *RESEARCH_FORMATS)), default=None,
              help="Write the hits as a table instead: csv (RFC 4180), excel (CSV with ';' and a BOM), jsonl or xlsx; "
                   "or for the tools researchers use next: iramuteq (a corpus), txm (a zip for TXM's XTZ+CSV import), "
                   "gexf (the co-occurrence network of the whole result set, for Gephi). See docs/outputs.md.")
@click.option("--all", "whole", is_flag=True, help="With --format: every hit of the result set in the search's order, not one page.")
@click.option("--max-rows", type=int, default=DEFAULT_ROWS, show_default=True, help=f"With --all: at most this many rows (up to {MAX_ROWS}).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --format: write to this file (default: standard output).")
@click.option("--nodes", type=int, default=DEFAULT_NODES, show_default=True,
              help=f"With --format gexf: the most frequent persons, organisations and countries kept (1 to {MAX_NODES}).")
@click.option("--min-weight", type=int, default=DEFAULT_MIN_WEIGHT, show_default=True,
              help="With --format gexf: the lightest edge kept (articles, or stories with --count groups, naming both).")
def search(index_dir: Path | None, forms: bool, as_json: bool, fmt: str | None, whole: bool, max_rows: int, output: Path | None,
           nodes: int, min_weight: int, **options: Any) -> None:
    """Search the index for QUERY.

    \b
    QUERY syntax: words (all required), "a phrase", OR / OU, NOT / SAUF, (groups),
    fields title:, person:, org:, country:, source:, agency:, language:, author:,
    date:2017, exact: (word form as written), prefix* (at least 2 letters). An empty
    QUERY lists everything.
    """
    from newsarchive.search.archive import Archive
    from newsarchive.search.results import NOTICES

    request = request_from_options(options)
    archive = Archive(_folder(index_dir))
    if fmt:
        start, rows = (0, max_rows) if whole else ((request.page - 1) * request.limit, request.limit)
        if fmt in RESEARCH_FORMATS:
            from newsarchive.search.network import NetworkOptions

            write_output(archive.research_output(request, fmt, rows, start, NetworkOptions(nodes, min_weight)), output)
        else:
            write_table(archive.export(request, rows, start=start), fmt, output)
        return
    result = archive.search(request)
    matched = archive.matched_forms(request.query, request.within) if forms else []
    if as_json:
        echo_json({**result.to_json(), **({"matched_forms": matched} if forms else {})})
        return
    render_result(result, NOTICES.get(result.notice) if result.notice else None)
    for entry in matched:
        click.echo(f"'{entry['term']}' matched: " + ", ".join(f"{f['form']} ({f['count']})" for f in entry["forms"]))


@main.command()
@index_option
@click.argument("queries", nargs=-1)
@search_options(query=False, skip=("page", "limit", "facet_limit", "sort"))
@click.option("--series-filter", "series_filter", multiple=True, metavar="N:KEY=VALUE",
              help="A filter of series N only, as the page's parameter (2:source=lepoint.fr); repeatable. Other options apply to every series.")
@click.option("--by", type=click.Choice(PERIODS), default=None, help="Period of the points (default: chosen from the span).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (the same as GET /api/trends).")
@click.option("--csv", "as_csv", is_flag=True, help="Print the numbers as CSV (the page's CSV download).")
def trends(index_dir: Path | None, queries: tuple[str, ...], series_filter: tuple[str, ...], by: str | None, as_json: bool, as_csv: bool,
           **options: Any) -> None:
    """Articles per period of up to six searches: counts, shares of all articles of the period, distinct stories.

    \b
    One quoted query per series:  newsarchive trends "Macron" "Mélenchon" --by month
    Per-series filters:           --series-filter 2:source=lepoint.fr
    """
    from newsarchive.search.archive import Archive
    from newsarchive.search.trends import series_from_values

    shared = option_values(options)
    series = series_from_values(list(queries), lambda key: shared.get(key, []), series_filters(series_filter))
    trend = Archive(_folder(index_dir)).trend(series, by)
    if as_json:
        echo_json(trend.to_json())
    elif as_csv:
        write_table(trend.table(), "csv", None)
    else:
        render_trend(trend)


@main.command()
@index_option
@click.argument("query", required=False, default="")
@click.option("--person", help="The person whose companions to list.")
@click.option("--country", help="The country (code or name) whose companions to list.")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Persons and countries listed, each.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (the same as GET /api/cooccurrence).")
def cooccur(index_dir: Path | None, query: str, person: str | None, country: str | None, limit: int, as_json: bool) -> None:
    """Who and what appears with a person or country: the persons and countries most
    often named in the same articles (among those matching QUERY, if given)."""
    from newsarchive.search.archive import Archive
    from newsarchive.search.request import SearchRequest

    data = Archive(_folder(index_dir)).cooccurrence(SearchRequest(query=query), person=person, country=country, limit=limit)
    if as_json:
        echo_json(data)
        return
    label = data["with"].get("person") or data["with"].get("label")
    click.echo(f"With {label} ({data['articles']} articles):")
    click.echo("  persons:   " + (", ".join(f"{f['value']} ({f['count']})" for f in data["persons"]) or "-"))
    click.echo("  countries: " + (", ".join(f"{f['label']} ({f['count']})" for f in data["countries"]) or "-"))


@main.command()
@index_option
@json_option
@click.option("--limit", type=click.IntRange(min=0), default=0, help="At most this many persons and this many organisations (0: all).")
def aliases(index_dir: Path | None, as_json: bool, limit: int) -> None:
    """List the person and organisation merges the indexer made across the archive.

    \b
    For each person: the spellings counted as one facet value, the shorter mentions
    merged into the full name within articles ("M. Lavrov" -> "Sergueï Lavrov"), and
    the bare surnames resolved to the archive's dominant full name. For each
    organisation: the same, and the values counted as it across the archive with why
    (acronym, known names, spelling, ministry, short form, alias file): "LaREM" and
    "La République en marche" as "LREM". To correct them, write rules in
    <index>/aliases.txt (the file explains its format; it is created with this template
    if missing); organisation rules need no re-indexing, person rules take effect after
    `newsarchive reindex --entities`.
    """
    from newsarchive.index.entities.aliases import FILE, TEMPLATE
    from newsarchive.search.archive import Archive

    folder = _folder(index_dir)
    Aliases.load(folder)  # a broken file is reported before anything else
    merges = Archive(folder).name_merges()
    alias_file = folder / FILE
    if not alias_file.exists():
        alias_file.write_text(TEMPLATE, "utf-8")
    persons, organisations = (merges[kind][:limit] if limit else merges[kind] for kind in ("person", "organisation"))
    if as_json:
        echo_json({"alias_file": str(alias_file), "persons": persons, "organisations": organisations})
    else:
        render_merges(alias_file, persons, organisations)


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(min=1), default=8, show_default=True, help="Request threads of the WSGI server (per process).")
@click.option("--processes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Server processes sharing the port: Python threads share one core, so use one process per core under load.")
@click.option("--debug", is_flag=True, help="Flask's development server with the debugger (never on a network).")
@click.option("--read-only", is_flag=True, help="Turn every write off (saving searches, collections): the page hides them, the API answers 403.")
def serve(index_dir: Path | None, host: str, port: int, workers: int, processes: int, debug: bool, read_only: bool) -> None:
    """Serve the search page and the JSON API (production WSGI server: waitress)."""
    from newsarchive.web import create_app
    from newsarchive.web.serving import is_loopback
    from newsarchive.web.serving import serve as serve_app

    folder = _folder(index_dir)
    if not is_loopback(host):
        click.echo(f"Warning: listening on {host}: anyone who can reach this machine can read the archive.", err=True)
    app = create_app({"INDEX": str(folder), "READ_ONLY": read_only})
    click.echo(f"newsarchive: serving {folder} on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    if debug:
        app.run(host=host, port=port, debug=True)
    else:
        serve_app(app, host, port, threads=workers, processes=processes)


@main.command()
@index_option
@click.option("--format", "fmt", type=click.Choice(["opensearch"]), required=True,
              help="opensearch: an index definition and _bulk NDJSON files (OpenSearch or Elasticsearch).")
@click.option("--name", default="newsarchive", show_default=True, help="Index name written into the _bulk actions.")
@click.option("--from-enriched", "from_enriched", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Export the enriched records of `newsarchive enrich --out DIR` instead of an index (no Whoosh index needed).")
@click.option("--stemmer", type=click.Choice(["light", "snowball"]), default=None,
              help="With --from-enriched: the French stemmer of the mapping (default: snowball). An index's export uses the index's.")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
def export(index_dir: Path | None, fmt: str, name: str, from_enriched: Path | None, stemmer: str | None, out_dir: Path) -> None:
    """Export every article to OUT_DIR for a search cluster: persons, organisations, countries, agencies, quotations
    with their speakers, near-duplicate group, publication, language and date.

    \b
    Writes OUT_DIR/index.json (create the index with it: PUT /<name>) and
    OUT_DIR/articles-00001.ndjson... (POST each to /_bulk). The French analyzer mirrors
    this index's (elision, lower case, folding, stop words, the same stemmer). With
    --from-enriched DIR, the articles come from `newsarchive enrich`'s records instead.
    """
    from newsarchive.search.opensearch import export_enriched, export_opensearch

    if from_enriched is not None:
        summary = export_enriched(from_enriched, out_dir, name=name, stemmer=stemmer or "snowball")
    else:
        summary = export_opensearch(_folder(index_dir), out_dir, name=name)
    click.echo(f"Exported {summary.articles} articles to {out_dir} ({len(summary.files)} _bulk files, "
               f"index definition {summary.definition.name}, {summary.stemmer} stemmer)")


@main.command()
@index_option
@json_option
def stats(index_dir: Path | None, as_json: bool) -> None:
    """Articles, distinct persons and countries, date range and size of the index."""
    from newsarchive.search.archive import Archive

    found = Archive(_folder(index_dir)).stats()
    if as_json:
        echo_json(found.to_json())
        return
    for label, value in (("index", found.index), ("articles", found.articles), ("persons", found.persons),
                         ("organisations", found.organisations), ("countries", found.countries), ("sources", found.sources),
                         ("dates", f"{found.date_from or '-'} .. {found.date_to or '-'}"), ("size", f"{found.size_mb} MB")):
        click.echo(f"{label + ':':<15}{value}")


# The commands that keep things, check and copy the archive, and enrich on a cluster live in their own modules.
from .cli_archive import backup, check, optimize  # noqa: E402
from .cli_enrich import enrich  # noqa: E402
from .cli_keeping import batch, collection, saved  # noqa: E402
from .cli_words import words  # noqa: E402

for command in (saved, collection, batch, check, backup, optimize, enrich, words):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(sys.argv[0]))
