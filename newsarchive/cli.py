"""The `newsarchive` command: extract, index, search, serve, stats."""

from __future__ import annotations

import ipaddress
import json
import os
import sys
import time
from pathlib import Path

import click

from newsarchive.index.article import Article, Failure
from newsarchive.index.writer import ArchiveIndexError, ArchiveWriter, default_index_dir

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_INDEX = 3  # the index cannot be opened or written (locked, missing, read-only)

index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Index folder. Default: $NEWSARCHIVE_INDEX, else ./newsarchive-index.",
)


def _index_dir(value: Path | None) -> Path:
    return value if value is not None else default_index_dir()


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsarchive")
def main() -> None:
    """Search French news archives by keyword, person and country.

    \b
    Typical use:
      newsarchive index ./my-archive/          # read files, build the index
      newsarchive search "coopération militaire" --person "Vladimir Poutine"
      newsarchive serve                        # search page on http://127.0.0.1:5000
    """


# --- extract --------------------------------------------------------------------------


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
    from newsarchive.index.pipeline import plan, process, records

    inputs = plan(files)
    failed = list(inputs.failures)
    for item in process(records(inputs.files), workers=1, with_entities=not no_entities):
        if isinstance(item, Failure):
            failed.append(item)
            continue
        if as_json:
            click.echo(json.dumps(item.to_json(), ensure_ascii=False))
        else:
            click.echo(_render_article(item))
    for failure in failed:
        click.echo(f"failed: {failure.origin}: {failure.reason}", err=True)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _render_article(article: Article) -> str:
    lines = [click.style(article.title or "(sans titre)", bold=True)]
    meta = [
        ("date", article.date.isoformat() if article.date else None),
        ("author", article.author),
        ("source", article.source),
        ("url", article.url),
        ("language", article.language),
        ("from", article.origin),
    ]
    lines += [f"  {k}: {v}" for k, v in meta if v]
    if article.persons:
        lines.append("  persons: " + "; ".join(f"{p.name} ({', '.join(p.mentions)})" for p in article.persons))
    if article.countries:
        lines.append("  countries: " + "; ".join(f"{c.code} {c.name} ({', '.join(c.mentions)})" for c in article.countries))
    lines.append("")
    lines.append(article.text)
    lines.append("")
    lines.append("-" * 72)
    return "\n".join(lines)


# --- index ----------------------------------------------------------------------------


@main.command("index")
@index_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes for extraction and entities. Default: one per core.")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True, help="Articles per commit; a crash loses at most one batch.")
@click.option("--no-entities", is_flag=True, help="Skip person and country recognition (much faster; no facets).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
def index_cmd(index_dir: Path | None, paths: tuple[Path, ...], workers: int | None, batch_size: int, no_entities: bool,
              as_json: bool, progress: bool | None) -> None:
    """Add the articles in PATHS to the index (files or folders, recursively).

    Reads .html/.htm, .txt and .jsonl files (one article per line, fields such as
    title, text|article|body, date, url, source), each optionally gzipped. Re-indexing
    the same files changes nothing. Ends with a summary: added, updated, unchanged,
    failed (with file and reason). Exit code 0 when nothing failed, 1 when some inputs
    failed (the others are indexed), 2 on usage errors, 3 when the index cannot be written.
    """
    from newsarchive.index.pipeline import Pipeline, default_workers, plan, records

    folder = _index_dir(index_dir)
    started = time.perf_counter()
    inputs = plan(paths)
    if not inputs.files and inputs.failures and len(inputs.failures) == len(paths):
        for failure in inputs.failures:
            click.echo(f"Error: {failure.origin}: {failure.reason}", err=True)
        sys.exit(EXIT_USAGE)
    failures: list[Failure] = list(inputs.failures)
    show_bar = sys.stderr.isatty() if progress is None else progress
    workers = workers or default_workers()
    try:
        with Pipeline(workers, with_entities=not no_entities) as pipeline, ArchiveWriter(folder, batch_size=batch_size) as writer:
            items = pipeline.run(records(inputs.files))
            with _Progress(inputs.expected, show_bar) as bar:
                for item in items:
                    if isinstance(item, Failure):
                        failures.append(item)
                    else:
                        writer.add(item)
                    bar.update(1)
            summary = writer.summary
    except ArchiveIndexError as exc:
        _fail(str(exc), EXIT_INDEX)
    except OSError as exc:
        _fail(f"cannot write the index at {folder}: {exc.strerror or exc}", EXIT_INDEX)
    elapsed = time.perf_counter() - started
    processed = summary.added + summary.updated + summary.unchanged
    report = {
        "index": str(folder),
        "added": summary.added,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "failed": len(failures),
        "failures": [{"input": f.origin, "reason": f.reason} for f in failures],
        "seconds": round(elapsed, 2),
        "articles_per_second": round(processed / elapsed, 2) if elapsed > 0 else None,
    }
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        click.echo(
            f"Indexed into {folder}: {summary.added} added, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {len(failures)} failed "
            f"({elapsed:.1f} s, {report['articles_per_second'] or 0:.1f} articles/s)"
        )
        if failures:
            click.echo("Failed:")
            for f in failures:
                click.echo(f"  {f.origin}: {f.reason}")
    sys.exit(EXIT_SOME_FAILED if failures else EXIT_OK)


class _Progress:
    """A click progress bar on a terminal; on a pipe, a line every 10 seconds."""

    def __init__(self, total: int, bar: bool) -> None:
        self.total = total
        self.bar = click.progressbar(length=total, label="Indexing", file=sys.stderr, show_pos=True) if bar else None
        self.done = 0
        self.last = time.monotonic()
        self.started = self.last

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def update(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self.last >= 10:
            self.last = now
            rate = self.done / (now - self.started)
            click.echo(f"indexing: {self.done}/{self.total} records ({rate:.1f}/s)", err=True)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


# --- search ---------------------------------------------------------------------------


@main.command()
@index_option
@click.argument("query", required=False, default="")
@click.option("--person", "persons", multiple=True, help="Only articles about this person (repeatable: all of them).")
@click.option("--country", "countries", multiple=True, help="Only articles about this country: ISO code, French or English name (repeatable).")
@click.option("--from", "date_from", metavar="DATE", help="Published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "date_to", metavar="DATE", help="Published on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True)
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--limit", type=int, default=10, show_default=True, help="Hits per page.")
@click.option("--facet-limit", type=int, default=10, show_default=True, help="Values per facet.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (the same as GET /api/search).")
def search(index_dir, query, persons, countries, date_from, date_to, sort, page, limit, facet_limit, as_json) -> None:
    """Search the index for QUERY.

    \b
    QUERY syntax: words (all required), "a phrase", OR / OU, NOT / SAUF, (groups),
    fields title:, person:, country:, author:, source:, date:2017, exact: (word
    form as written), prefix* (at least 2 letters). An empty QUERY lists everything.
    """
    from newsarchive.search.query import QueryError, SearchRequest, parse_date_bound
    from newsarchive.search.searcher import Archive

    try:
        request = SearchRequest(
            query=query,
            persons=list(persons),
            countries=list(countries),
            date_from=parse_date_bound(date_from),
            date_to=parse_date_bound(date_to, end=True),
            sort=sort,
            page=page,
            limit=limit,
            facet_limit=facet_limit,
        )
        archive = Archive(_index_dir(index_dir))
        result = archive.search(request)
    except QueryError as exc:
        _fail(str(exc), EXIT_USAGE)
    except ArchiveIndexError as exc:
        _fail(str(exc), EXIT_INDEX)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    _render_result(result)


def _render_result(result) -> None:
    r = result.request
    click.echo(f"{result.total} results ({result.took_ms:.0f} ms), page {r.page}/{result.pages}")
    if result.notice:
        click.echo(f"note: {result.notice}")
    bold = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("[", "]")
    for n, hit in enumerate(result.hits, start=(r.page - 1) * r.limit + 1):
        meta = ", ".join(x for x in (hit.source, hit.date) if x)
        click.echo(f"\n{n}. {hit.title or '(sans titre)'}" + (f"  — {meta}" if meta else ""))
        click.echo(f"   id: {hit.id}" + (f"  {hit.url}" if hit.url else ""))
        click.echo(f"   {hit.snippet.text(bold)}")
        tags = []
        if hit.persons:
            tags.append("persons: " + ", ".join(hit.persons[:6]))
        if hit.countries:
            tags.append("countries: " + ", ".join(c["code"] for c in hit.countries[:8]))
        if tags:
            click.echo("   " + " | ".join(tags))
    facets = result.facets
    if result.total:
        click.echo("")
        if facets["person"]:
            click.echo("Persons:   " + ", ".join(f"{f['value']} ({f['count']})" for f in facets["person"]))
        if facets["country"]:
            click.echo("Countries: " + ", ".join(f"{f['label']} [{f['value']}] ({f['count']})" for f in facets["country"]))
        if facets["year"]:
            click.echo("Years:     " + ", ".join(f"{f['value']} ({f['count']})" for f in facets["year"]))


# --- serve ----------------------------------------------------------------------------


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=8, show_default=True, help="Request threads of the WSGI server.")
@click.option("--debug", is_flag=True, help="Flask's development server with the debugger (never on a network).")
def serve(index_dir: Path | None, host: str, port: int, workers: int, debug: bool) -> None:
    """Serve the search page and the JSON API (production WSGI server: waitress)."""
    from newsarchive.web import create_app

    folder = _index_dir(index_dir)
    if not _is_loopback(host):
        click.echo(f"Warning: listening on {host}: anyone who can reach this machine can read the archive.", err=True)
    app = create_app({"INDEX": str(folder)})
    click.echo(f"newsarchive: serving {folder} on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    from waitress import serve as waitress_serve

    waitress_serve(app, host=host, port=port, threads=workers, ident="newsarchive")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- stats ----------------------------------------------------------------------------


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def stats(index_dir: Path | None, as_json: bool) -> None:
    """Articles, distinct persons and countries, date range and size of the index."""
    from newsarchive.search.searcher import Archive

    try:
        data = Archive(_index_dir(index_dir)).stats()
    except ArchiveIndexError as exc:
        _fail(str(exc), EXIT_INDEX)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    click.echo(f"index:      {data['index']}")
    click.echo(f"articles:   {data['articles']}")
    click.echo(f"persons:    {data['persons']}")
    click.echo(f"countries:  {data['countries']}")
    click.echo(f"dates:      {data['date_from'] or '-'} .. {data['date_to'] or '-'}")
    click.echo(f"size:       {data['size_mb']} MB")


if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(sys.argv[0]))
