"""What the `newsarchive` command needs besides its commands: error mapping, search options, progress, text output.

Errors are mapped to exit codes in one place (`ArchiveGroup`), as Datasette's
handle_exception does for its server: commands raise and never catch.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn, Protocol

import click

from newsarchive.index.article import Article, Failure
from newsarchive.index.entities.aliases import AliasError
from newsarchive.index.errors import ArchiveIndexError
from newsarchive.index.extraction.sources import SourcesError
from newsarchive.index.store.userfiles import UserFileError
from newsarchive.search.export import Table
from newsarchive.search.request import PARAMS, Param, QueryError, SearchRequest
from newsarchive.search.research import Output
from newsarchive.search.results import SearchResult
from newsarchive.search.trends import Trend

Command = Callable[..., Any]  # a click command's function, its options added by decorators

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_INDEX = 3  # the index cannot be opened or written (locked, missing, read-only, a commit that did not read back)


class ArchiveGroup(click.Group):
    """A click group that turns the project's errors into their message on stderr and their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QueryError as exc:
            fail(str(exc), EXIT_USAGE)
        except AliasError as exc:
            fail(f"{exc} (fix the alias file, or remove it)", EXIT_USAGE)
        except (UserFileError, SourcesError) as exc:
            fail(str(exc), EXIT_USAGE)
        except ArchiveIndexError as exc:
            fail(str(exc), EXIT_INDEX)
        except OSError as exc:  # an output file or folder the user named (index errors are ArchiveIndexError)
            fail(f"cannot write {exc.filename or 'the output'}: {exc.strerror or exc}", EXIT_USAGE)


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


# --- search options, from the parameter table ------------------------------------------------


def search_options(query: bool = True, skip: tuple[str, ...] = ()) -> Callable[[Command], Command]:
    """The options of every search parameter (search/request.py declares them), and QUERY for the query (with `query`)."""

    def decorate(command: Command) -> Command:
        for p in reversed(PARAMS):
            if p.name in skip or (p.cli_flag is None and not query):
                continue
            if p.cli_flag is None:
                command = click.argument(p.name, required=False, default="")(command)
            elif p.kind == "switch":
                command = click.option(p.cli_flag, p.name, is_flag=True, help=p.help)(command)
            else:
                default = SearchRequest.__dataclass_fields__[p.name].default
                shown = default if isinstance(default, (int, str)) and default != "" else None
                command = click.option(p.cli_flag, p.name, multiple=p.kind == "texts", metavar=p.metavar or _metavar(p),
                                       default=shown, show_default=shown is not None, help=p.help)(command)
        return command

    return decorate


def _metavar(p: Param) -> str:
    return "|".join(p.choices) if p.choices else ("N" if p.kind == "int" else "TEXT")


def option_values(options: dict[str, Any]) -> dict[str, list[str]]:
    """The search options as the strings of their URL keys (read the way the URL's are)."""
    by_key = {}
    for p in PARAMS:
        value = options.get(p.name)
        if p.kind == "switch":
            by_key[p.key] = [p.on] if value else []
        elif isinstance(value, (list, tuple)):
            by_key[p.key] = [str(v) for v in value]
        else:
            by_key[p.key] = [] if value is None else [str(value)]
    return by_key


def request_from_options(options: dict[str, Any]) -> SearchRequest:
    """The validated request of the search options."""
    by_key = option_values(options)
    return SearchRequest.from_values(lambda key: by_key.get(key, []))


def series_filters(specs: tuple[str, ...]) -> list[tuple[str, str]]:
    """`--series-filter 2:source=lepoint.fr` options as the page's per-series URL keys (s2.source=lepoint.fr; series from 1)."""
    pairs = []
    for spec in specs:
        number, _, assignment = spec.partition(":")
        key, _, value = assignment.partition("=")
        if not number.isdigit() or not 1 <= int(number) <= 9 or not key or not value:
            raise QueryError(f"--series-filter {spec!r}: write it as N:key=value (2:source=lepoint.fr, 1:person=Emmanuel Macron)")
        pairs.append((f"s{int(number)}.{key}", value))
    return pairs


# --- a long run's progress ---------------------------------------------------------------------


class Progress:
    """A click progress bar on a terminal; on a pipe, a line every 10 seconds."""

    def __init__(self, total: int, bar: bool, label: str = "Indexing") -> None:
        self.total = total
        self.label = label
        self.bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) if bar else None
        self.done = 0
        self.last = time.monotonic()
        self.started = self.last

    def __enter__(self) -> Progress:
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
            click.echo(f"{self.label.lower()}: {self.done}/{self.total} records ({rate:.1f}/s)", err=True)

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


class RunSummary(Protocol):
    """What end_run prints: a run's report (index/indexing/runs.py's RunReport, index/distributed/enrich.py's EnrichReport)."""

    @property
    def line(self) -> str: ...

    @property
    def heading(self) -> str | None: ...

    @property
    def failures(self) -> list[Failure]: ...

    def to_json(self) -> dict[str, Any]: ...


def end_run(report: RunSummary, as_json: bool) -> None:
    """Print a run's report (JSON, or its summary line and each failure) and exit 0, or 1 if some input failed."""
    if as_json:
        echo_json(report.to_json())
    else:
        click.echo(report.line)
        if report.failures:
            if report.heading:
                click.echo(report.heading)
            for f in report.failures:
                click.echo(f"  {f.origin}: {f.reason}")
    sys.exit(EXIT_SOME_FAILED if report.failures else EXIT_OK)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


# --- text output ---------------------------------------------------------------------------------


def render_article(article: Article) -> str:
    lines = [click.style(article.title or "(untitled)", bold=True)]
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
    return "\n".join([*lines, "", article.text, "", "-" * 72])


def render_result(result: SearchResult, notice: str | None) -> None:
    r = result.request
    groups = f", {result.groups} stories" if result.collapsed and result.groups != result.total else ""
    click.echo(f"{result.total} results{groups} ({result.took_ms:.0f} ms), page {r.page}/{result.pages}")
    if notice:
        click.echo(f"note: {notice}")
    bold = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("[", "]")
    for n, hit in enumerate(result.hits, start=(r.page - 1) * r.limit + 1):
        meta = ", ".join(x for x in (hit.source, hit.date) if x)
        click.echo(f"\n{n}. {hit.title or '(untitled)'}" + (f"  — {meta}" if meta else ""))
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


def render_merges(alias_file: Path, merges: list[dict[str, Any]], organisations: list[dict[str, Any]] | None = None) -> None:
    click.echo(f"Alias file: {alias_file}")
    for title, entries in (("Persons", merges), ("Organisations", organisations)):
        if entries is None:
            continue
        if organisations is not None:
            click.echo(f"\n{title}:")
        for entry in entries:
            parts = []
            if entry["spellings"]:
                parts.append("spellings " + ", ".join(f"{f['form']} ({f['count']})" for f in entry["spellings"]))
            if entry["mentions"]:
                parts.append("mentions " + ", ".join(f"{m['mention']} ({m['count']})" for m in entry["mentions"]))
            if entry["merged"]:
                # why an organisation was merged: "LaREM (112, known names)"
                parts.append("merged " + ", ".join(f"{m['name']} ({m['count']}{', ' + m['why'] if m.get('why') else ''})" for m in entry["merged"]))
            click.echo(f"{entry['name']} [{entry['articles']} articles] <- " + "; ".join(parts))


def write_table(table: Table, fmt: str, output: Path | None) -> None:
    """Write an export to a file or standard output; say on stderr when it was cut at its row limit."""
    from newsarchive.search.export import chunks

    write_chunks(chunks(table, fmt), output, table.cut_message)


def write_output(found: Output, output: Path | None) -> None:
    """Write a research output (Iramuteq, TXM, GEXF) to a file or standard output; say on stderr when it was cut."""
    write_chunks(found.chunks, output, found.cut_message)


def write_chunks(chunks: Iterable[bytes], output: Path | None, cut_message: str | None) -> None:
    target = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115 - stdout is not ours to close
    try:
        for chunk in chunks:
            target.write(chunk)
    except BrokenPipeError:  # `... | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_OK)
    finally:
        if output:
            target.close()
    if cut_message:
        click.echo(f"Warning: {cut_message} (--max-rows)", err=True)


def render_trend(trend: Trend) -> None:
    click.echo(f"by {trend.by}: " + " | ".join(f"[{i + 1}] {s.label} ({s.total} articles)" for i, s in enumerate(trend.series)))
    for j, period in enumerate(trend.periods()):
        cells = []
        for s in trend.series:
            p = s.points[j]
            cells.append(f"{p.count:>6} {p.share * 100:6.2f}%" if p.share is not None else f"{p.count:>6}     - ")
        click.echo(f"{period:>10}  " + "  ".join(cells))


def failure_lines(failures: list[Failure]) -> None:
    for failure in failures:
        click.echo(f"failed: {failure.origin}: {failure.reason}", err=True)
