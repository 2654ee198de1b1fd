"""The three runs that write an index: index files, re-extract from the stored originals, recognise entities again.

Each reads its inputs, hands them to the worker pipeline, writes what comes back and
returns a RunReport (what a user is told, as JSON or as one line with the failures).
The CLI is a thin layer over these functions; tests call them directly.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..article import Article, Failure, RawRecord
from ..entities.aliases import Aliases
from ..errors import ArchiveIndexError
from ..inputs.readers import guess_kind, record_from_original
from ..store.folder import open_index
from ..store.originals import OriginalStore
from ..store.schema import unpack_article
from ..store.writer import BATCH_SIZE, ArchiveWriter
from .pipeline import Pipeline, default_workers, records

Progress = Callable[[int], None]  # called with the number of inputs just handled


@dataclass
class RunReport:
    """What a run did: counts, failures, time; `line` is the summary a terminal shows."""

    index: Path
    counts: dict[str, int]
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    line: str = ""
    heading: str | None = "Failed:"  # printed above the failures
    extra: dict = field(default_factory=dict)  # further figures of the JSON report

    def to_json(self) -> dict:
        return {
            "index": str(self.index),
            **self.counts,
            "failed": len(self.failures),
            "failures": [{"input": f.origin, "reason": f.reason} for f in self.failures],
            "seconds": round(self.seconds, 2),
            **self.extra,
        }


@contextlib.contextmanager
def _writing(folder: Path):
    """A machine error while a run writes (full disk, read-only folder) as the index error it is (exit code 3)."""
    try:
        yield
    except ArchiveIndexError:
        raise
    except OSError as exc:
        raise ArchiveIndexError(f"cannot write the index at {folder}: {exc.strerror or exc}") from exc


def _write(writer: ArchiveWriter, items: Iterable[Article | Failure], failures: list[Failure], progress: Progress | None) -> None:
    for item in items:
        if isinstance(item, Failure):
            failures.append(item)
        else:
            writer.add(item)
        if progress is not None:
            progress(1)


def index_files(folder: Path, inputs_planned, *, workers: int | None = None, batch_size: int = BATCH_SIZE, with_entities: bool = True,
                stemmer: str | None = None, aliases: Aliases | None = None, progress: Progress | None = None) -> RunReport:
    """Add the records of planned inputs (pipeline.plan) to the index at `folder`, creating it if needed."""
    started = time.perf_counter()
    failures: list[Failure] = list(inputs_planned.failures)
    # Workers extract, and later analyse titles and bodies as they write each batch's segments (store/segment_builds.py):
    # articles cross between processes as text, never as postings.
    with (_writing(folder), Pipeline(workers or default_workers(), with_entities=with_entities, aliases=aliases) as pipeline,
          ArchiveWriter(folder, batch_size=batch_size, stemmer=stemmer, tasks=pipeline) as writer):
        _write(writer, pipeline.run(records(inputs_planned.files)), failures, progress)
        summary = writer.summary
    elapsed = time.perf_counter() - started
    processed = summary.added + summary.updated + summary.unchanged
    rate = round(processed / elapsed, 2) if elapsed > 0 else None
    return RunReport(
        folder, {"added": summary.added, "updated": summary.updated, "unchanged": summary.unchanged}, failures, elapsed,
        f"Indexed into {folder}: {summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged, "
        f"{len(failures)} failed ({elapsed:.1f} s, {rate or 0:.1f} articles/s)",
        extra={"articles_per_second": rate},
    )


def stored_articles(folder: Path, keep_text: bool = True) -> list[Article]:
    """Every article of the index, as stored (read before a writer takes the index)."""
    ix = open_index(folder)
    articles = []
    with ix.searcher() as searcher:
        for doc in searcher.documents():
            article = Article.from_json(unpack_article(doc["article"]))
            if not keep_text:
                article.text = ""  # re-read from the original: keeps memory small
            articles.append(article)
    return articles


def _originals(folder: Path, stored: list[Article]) -> Iterator[RawRecord | Failure]:
    store = OriginalStore(folder)
    for article in stored:
        origin = article.origin or article.id
        raw = store.get(article.original) if article.original else None
        if raw is None:
            yield Failure(origin, f"original input not stored (article {article.id}): cannot re-extract it")
            continue
        yield record_from_original(article.kind or guess_kind(origin), origin, raw, article.url)


def reindex(folder: Path, *, workers: int | None = None, with_entities: bool = True, aliases: Aliases | None = None,
            progress: Progress | None = None) -> RunReport:
    """Re-extract every article from its stored original with the current rules; ids are kept, so each is updated in place.

    Without entities, each article keeps its stored persons and countries.
    """
    started = time.perf_counter()
    stored = stored_articles(folder, keep_text=False)
    failures: list[Failure] = []
    with (_writing(folder), Pipeline(workers or default_workers(), with_entities=with_entities, aliases=aliases) as pipeline,
          ArchiveWriter(folder, tasks=pipeline) as writer):
        for old, new in zip(stored, pipeline.run(_originals(folder, stored)), strict=True):
            if not isinstance(new, Failure):
                new.id = old.id  # update in place, whatever id the new extraction would derive
                if not with_entities:
                    new.persons, new.countries = old.persons, old.countries
            _write(writer, [new], failures, progress)
        summary = writer.summary
    elapsed = time.perf_counter() - started
    return RunReport(
        folder, {"articles": len(stored), "updated": summary.updated, "unchanged": summary.unchanged}, failures, elapsed,
        f"Re-extracted {len(stored)} articles in {folder}: {summary.updated} updated, {summary.unchanged} unchanged, "
        f"{len(failures)} failed ({elapsed:.1f} s)",
        heading="Failed (left as they were):",
    )


def reannotate(folder: Path, *, workers: int | None = None, aliases: Aliases | None = None, progress: Progress | None = None) -> RunReport:
    """Recognise persons, countries and quotations again in the stored texts (with the alias file); no re-extraction."""
    started = time.perf_counter()
    stored = stored_articles(folder)
    failures: list[Failure] = []
    with (_writing(folder), Pipeline(workers or default_workers(), with_entities=True, aliases=aliases) as pipeline,
          ArchiveWriter(folder, tasks=pipeline) as writer):
        _write(writer, pipeline.annotate(stored), failures, progress)
        summary = writer.summary
    elapsed = time.perf_counter() - started
    return RunReport(
        folder, {"articles": len(stored), "updated": summary.updated, "unchanged": summary.unchanged}, failures, elapsed,
        f"Recognised entities again in {len(stored)} articles in {folder}: {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {len(failures)} failed ({elapsed:.1f} s)",
        heading=None,
    )
