"""The `newsarchive` command: extract, index, search, serve, stats."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import sys
import time
from pathlib import Path

import click

from newsarchive.index.aliases import AliasError, Aliases
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
@click.option("--batch-size", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Articles per commit; a crash loses at most one batch (re-running adds it); larger batches index faster.")
@click.option("--no-entities", is_flag=True, help="Skip person and country recognition (much faster; no facets).")
@click.option("--stemmer", type=click.Choice(["light", "snowball"]), default=None,
              help="French stemmer of a new index (default: light); an existing index keeps its own.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
def index_cmd(index_dir: Path | None, paths: tuple[Path, ...], workers: int | None, batch_size: int, no_entities: bool,
              stemmer: str | None, as_json: bool, progress: bool | None) -> None:
    """Add the articles in PATHS to the index (files or folders, recursively).

    Reads .html/.htm, .txt and .jsonl files (one article per line, fields such as
    title, text|article|body, date, url, source), each optionally gzipped. Re-indexing
    the same files changes nothing. Ends with a summary: added, updated, unchanged,
    failed (with file and reason). Exit code 0 when nothing failed, 1 when some inputs
    failed (the others are indexed), 2 on usage errors, 3 when the index cannot be written.
    """
    from newsarchive.index.pipeline import Pipeline, default_workers, plan, records
    from newsarchive.index.writer import index_schema

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
    aliases = _load_aliases(folder)
    try:
        # Workers analyse titles and bodies for the index's schema, so this process only stores documents.
        schema = index_schema(folder, stemmer)
        with (Pipeline(workers, with_entities=not no_entities, schema=schema, aliases=aliases) as pipeline,
              ArchiveWriter(folder, batch_size=batch_size, stemmer=stemmer) as writer):
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
    _end_run(report, f"Indexed into {folder}: {summary.added} added, {summary.updated} updated, "
                     f"{summary.unchanged} unchanged, {len(failures)} failed "
                     f"({elapsed:.1f} s, {report['articles_per_second'] or 0:.1f} articles/s)",
             failures, "Failed:", as_json)


def _end_run(report: dict, line: str, failures: list[Failure], heading: str | None, as_json: bool) -> None:
    """Print a run's report (JSON, or its summary line and each failure) and exit 0, or 1 if some input failed."""
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        click.echo(line)
        if failures:
            if heading:
                click.echo(heading)
            for f in failures:
                click.echo(f"  {f.origin}: {f.reason}")
    sys.exit(EXIT_SOME_FAILED if failures else EXIT_OK)


def _load_aliases(folder: Path) -> Aliases:
    try:
        return Aliases.load(folder)
    except AliasError as exc:
        _fail(f"{exc} (fix the alias file, or remove it)", EXIT_USAGE)


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


# --- reindex --------------------------------------------------------------------------


@main.command()
@index_option
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes for extraction and entities. Default: one per core.")
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
    from newsarchive.index.originals import OriginalStore
    from newsarchive.index.pipeline import Pipeline, default_workers
    from newsarchive.index.readers import guess_kind, record_from_original
    from newsarchive.index.schema import unpack_article
    from newsarchive.search.searcher import Archive

    folder = _index_dir(index_dir)
    if entities_only and no_entities:
        _fail("--entities and --no-entities contradict each other", EXIT_USAGE)
    aliases = _load_aliases(folder)
    started = time.perf_counter()
    stored: list[Article] = []  # read before the writer takes the index
    try:
        archive = Archive(folder)
        for doc in archive.searcher().documents():
            article = Article.from_json(unpack_article(doc["article"]))
            if not entities_only:
                article.text = ""  # not needed again (the original is re-read): keeps memory small
            stored.append(article)
        archive.close()
    except ArchiveIndexError as exc:
        _fail(str(exc), EXIT_INDEX)
    if entities_only:
        _reannotate(folder, stored, workers, aliases, as_json, started)
        return
    store = OriginalStore(folder)

    def inputs():
        for article in stored:
            origin = article.origin or article.id
            raw = store.get(article.original) if article.original else None
            if raw is None:
                yield Failure(origin, f"original input not stored (article {article.id}): cannot re-extract it")
                continue
            yield record_from_original(article.kind or guess_kind(origin), origin, raw, article.url)

    failures: list[Failure] = []
    try:
        with Pipeline(workers or default_workers(), with_entities=not no_entities, aliases=aliases) as pipeline, ArchiveWriter(folder) as writer:
            for old, new in zip(stored, pipeline.run(inputs()), strict=True):
                if isinstance(new, Failure):
                    failures.append(new)
                    continue
                new.id = old.id  # update in place, whatever id the new extraction would derive
                if no_entities:
                    new.persons, new.countries = old.persons, old.countries
                writer.add(new)
            summary = writer.summary
    except ArchiveIndexError as exc:
        _fail(str(exc), EXIT_INDEX)
    except OSError as exc:
        _fail(f"cannot write the index at {folder}: {exc.strerror or exc}", EXIT_INDEX)
    elapsed = time.perf_counter() - started
    report = {
        "index": str(folder),
        "articles": len(stored),
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "failed": len(failures),
        "failures": [{"input": f.origin, "reason": f.reason} for f in failures],
        "seconds": round(elapsed, 2),
    }
    _end_run(report, f"Re-extracted {len(stored)} articles in {folder}: {summary.updated} updated, "
                     f"{summary.unchanged} unchanged, {len(failures)} failed ({elapsed:.1f} s)",
             failures, "Failed (left as they were):", as_json)


def _reannotate(folder: Path, stored: list[Article], workers: int | None, aliases: Aliases, as_json: bool, started: float) -> None:
    """`reindex --entities`: persons, countries and quotations again, from the stored texts."""
    from newsarchive.index.pipeline import Pipeline, default_workers
    from newsarchive.index.writer import index_schema

    failures: list[Failure] = []
    try:
        with (Pipeline(workers or default_workers(), with_entities=True, schema=index_schema(folder), aliases=aliases) as pipeline,
              ArchiveWriter(folder) as writer):
            for new in pipeline.annotate(stored):
                if isinstance(new, Failure):
                    failures.append(new)
                    continue
                writer.add(new)
            summary = writer.summary
    except ArchiveIndexError as exc:
        _fail(str(exc), EXIT_INDEX)
    except OSError as exc:
        _fail(f"cannot write the index at {folder}: {exc.strerror or exc}", EXIT_INDEX)
    elapsed = time.perf_counter() - started
    report = {"index": str(folder), "articles": len(stored), "updated": summary.updated, "unchanged": summary.unchanged,
              "failed": len(failures), "failures": [{"input": f.origin, "reason": f.reason} for f in failures], "seconds": round(elapsed, 2)}
    _end_run(report, f"Recognised entities again in {len(stored)} articles in {folder}: {summary.updated} updated, "
                     f"{summary.unchanged} unchanged, {len(failures)} failed ({elapsed:.1f} s)",
             failures, None, as_json)


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
@click.option("--within", type=click.Choice(["text", "exact", "quotes"]), default="text", show_default=True,
              help="Where the words are looked for: titles and bodies (any form), exact word forms, or quotations only.")
@click.option("--quote-by", "quote_by", multiple=True, metavar="NAME", help="Only quotations by this person (implies --within quotes).")
@click.option("--all-versions", is_flag=True, help="Every version of near-duplicate stories (default: one result per group).")
@click.option("--group", metavar="ID", help="Only the versions of this near-duplicate group (a hit's `group`).")
@click.option("--count", type=click.Choice(["articles", "groups"]), default="articles", show_default=True,
              help="Facet counts: articles, or near-duplicate groups counted once.")
@click.option("--forms", is_flag=True, help="Also show which word forms of the archive each query word matched.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (the same as GET /api/search).")
def search(index_dir, query, persons, countries, date_from, date_to, sort, page, limit, facet_limit, within, quote_by, all_versions,
           group, count, forms, as_json) -> None:
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
            within=within,
            quote_by=list(quote_by),
            all_versions=all_versions,
            group=group,
            count=count,
        )
        archive = Archive(_index_dir(index_dir))
        result = archive.search(request)
        matched = archive.matched_forms(request.query, request.within) if forms else []
    except QueryError as exc:
        _fail(str(exc), EXIT_USAGE)
    except ArchiveIndexError as exc:
        _fail(str(exc), EXIT_INDEX)
    if as_json:
        data = result.to_json()
        if forms:
            data["matched_forms"] = matched
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    _render_result(result)
    for entry in matched:
        click.echo(f"'{entry['term']}' matched: " + ", ".join(f"{f['form']} ({f['count']})" for f in entry["forms"]))


def _render_result(result) -> None:
    r = result.request
    groups = f", {result.groups} stories" if result.collapsed and result.groups != result.total else ""
    click.echo(f"{result.total} results{groups} ({result.took_ms:.0f} ms), page {r.page}/{result.pages}")
    if result.notice:
        click.echo(f"note: {result.notice}")
    bold = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("[", "]")
    for n, hit in enumerate(result.hits, start=(r.page - 1) * r.limit + 1):
        meta = ", ".join(x for x in (hit.source, hit.date) if x)
        click.echo(f"\n{n}. {hit.title or '(sans titre)'}" + (f"  — {meta}" if meta else ""))
        click.echo(f"   id: {hit.id}" + (f"  {hit.url}" if hit.url else ""))
        click.echo(f"   {hit.snippet.text(bold)}")
        for q in hit.quotes:
            click.echo(f"   « {q['text']} » — {q['speaker'] or '(speaker not named)'}")
        if hit.versions:
            click.echo(f"   {hit.versions} other version(s): --group {hit.group}")
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


@main.command()
@index_option
@click.argument("query", required=False, default="")
@click.option("--person", help="The person whose companions to list.")
@click.option("--country", help="The country (code or name) whose companions to list.")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (the same as GET /api/cooccurrence).")
def cooccur(index_dir, query, person, country, limit, as_json) -> None:
    """Who and what appears with a person or country: the persons and countries most
    often named in the same articles (among those matching QUERY, if given)."""
    from newsarchive.search.query import QueryError, SearchRequest
    from newsarchive.search.searcher import Archive

    try:
        data = Archive(_index_dir(index_dir)).cooccurrence(SearchRequest(query=query), person=person, country=country, limit=limit)
    except QueryError as exc:
        _fail(str(exc), EXIT_USAGE)
    except ArchiveIndexError as exc:
        _fail(str(exc), EXIT_INDEX)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    label = data["with"].get("person") or data["with"].get("label")
    click.echo(f"With {label} ({data['articles']} articles):")
    click.echo("  persons:   " + (", ".join(f"{f['value']} ({f['count']})" for f in data["persons"]) or "-"))
    click.echo("  countries: " + (", ".join(f"{f['label']} ({f['count']})" for f in data["countries"]) or "-"))


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--limit", type=click.IntRange(min=0), default=0, help="At most this many persons (0: all).")
def aliases(index_dir: Path | None, as_json: bool, limit: int) -> None:
    """List the person merges the indexer made across the archive.

    \b
    For each person: the spellings counted as one facet value, the shorter mentions
    merged into the full name within articles ("M. Lavrov" -> "Sergueï Lavrov"), and
    the bare surnames resolved to the archive's dominant full name. To correct them,
    write rules in <index>/aliases.txt (the file explains its format; it is created with
    this template if missing), then run `newsarchive reindex --entities`.
    """
    from newsarchive.index.aliases import FILE, TEMPLATE
    from newsarchive.search.searcher import Archive

    folder = _index_dir(index_dir)
    _load_aliases(folder)  # a broken file is reported before anything else
    try:
        merges = Archive(folder).person_merges()
    except ArchiveIndexError as exc:
        _fail(str(exc), EXIT_INDEX)
    alias_file = folder / FILE
    if not alias_file.exists():
        alias_file.write_text(TEMPLATE, "utf-8")
    if limit:
        merges = merges[:limit]
    if as_json:
        click.echo(json.dumps({"alias_file": str(alias_file), "persons": merges}, ensure_ascii=False))
        return
    click.echo(f"Alias file: {alias_file}")
    for entry in merges:
        parts = []
        if entry["spellings"]:
            parts.append("spellings " + ", ".join(f"{f['form']} ({f['count']})" for f in entry["spellings"]))
        if entry["mentions"]:
            parts.append("mentions " + ", ".join(f"{m['mention']} ({m['count']})" for m in entry["mentions"]))
        if entry["merged"]:
            parts.append("merged " + ", ".join(f"{m['name']} ({m['count']})" for m in entry["merged"]))
        click.echo(f"{entry['name']} [{entry['articles']} articles] <- " + "; ".join(parts))


# --- serve ----------------------------------------------------------------------------


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=8, show_default=True, help="Request threads of the WSGI server (per process).")
@click.option("--processes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Server processes sharing the port: Python threads share one core, so use one process per core under load.")
@click.option("--debug", is_flag=True, help="Flask's development server with the debugger (never on a network).")
def serve(index_dir: Path | None, host: str, port: int, workers: int, processes: int, debug: bool) -> None:
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

    if processes == 1:
        waitress_serve(app, host=host, port=port, threads=workers, ident="newsarchive")
    else:
        _serve_processes(app, host, port, workers, processes)


def _serve_processes(app, host: str, port: int, threads: int, processes: int) -> None:
    """`processes` waitress servers forked after binding one socket: the kernel spreads connections among them."""
    import signal
    import socket

    from waitress import serve as waitress_serve

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=1024)
    children = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:  # a server; the index is opened on its first request, after the fork
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            waitress_serve(app, sockets=[sock], threads=threads, ident="newsarchive")
            os._exit(0)
        children.append(pid)

    def stop(*_) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        for child in children:
            os.waitpid(child, 0)
    except KeyboardInterrupt:
        stop()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- export ---------------------------------------------------------------------------


@main.command()
@index_option
@click.option("--format", "fmt", type=click.Choice(["opensearch"]), required=True,
              help="opensearch: an index definition and _bulk NDJSON files (OpenSearch or Elasticsearch).")
@click.option("--name", default="newsarchive", show_default=True, help="Index name written into the _bulk actions.")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
def export(index_dir: Path | None, fmt: str, name: str, out_dir: Path) -> None:
    """Export every article to OUT_DIR for a search cluster, with persons, countries, date and source.

    \b
    Writes OUT_DIR/index.json (create the index with it: PUT /<name>) and
    OUT_DIR/articles-00001.ndjson... (POST each to /_bulk). The French analyzer mirrors
    this index's (elision, lower case, folding, stop words, the same stemmer).
    """
    from newsarchive.index.export import export_opensearch

    try:
        summary = export_opensearch(_index_dir(index_dir), out_dir, name=name)
    except ArchiveIndexError as exc:
        _fail(str(exc), EXIT_INDEX)
    except OSError as exc:
        _fail(f"cannot write to {out_dir}: {exc.strerror or exc}", EXIT_USAGE)
    click.echo(f"Exported {summary.articles} articles to {out_dir} ({len(summary.files)} _bulk files, "
               f"index definition {summary.definition.name}, {summary.stemmer} stemmer)")


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
