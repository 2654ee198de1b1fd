"""Shared fixtures: real indexes built from real files, once per test session."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsarchive.index.article import Article
from newsarchive.index.indexing.pipeline import plan, process, records
from newsarchive.index.store.writer import ArchiveWriter

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared" / "data"
SEED = SHARED / "seed" / "huffpost-quebec-2017-pas-de-cooperation-militaire.txt"


def need_shared(path: Path = SHARED) -> Path:
    """The path under ../shared/data, or skip the test where it is absent (a user's machine)."""
    if not path.exists():
        pytest.skip(f"{path} is absent (the evaluation data lives beside the project in CI)")
    return path


def build_index(folder: Path, *paths: Path, with_entities: bool = True) -> list[Article]:
    """Index `paths` into `folder` through the real pipeline; return the articles written."""
    inputs = plan(paths)
    articles = [a for a in process(records(inputs.files), workers=1, with_entities=with_entities) if isinstance(a, Article)]
    with ArchiveWriter(folder) as writer:
        writer.add_many(articles)
    return articles


@pytest.fixture(scope="session")
def mini_index(tmp_path_factory) -> Path:
    """An index of tests/data/mini.jsonl (six hand-written articles)."""
    folder = tmp_path_factory.mktemp("mini-index")
    build_index(folder, DATA / "mini.jsonl")
    return folder


@pytest.fixture(scope="session")
def mini_articles() -> dict[str, dict]:
    """The mini corpus as written, by title."""
    rows = [json.loads(line) for line in (DATA / "mini.jsonl").read_text("utf-8").splitlines() if line.strip()]
    return {row["title"]: row for row in rows}


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """An index of the bundled sample archive (what `make run` serves)."""
    folder = tmp_path_factory.mktemp("sample-index")
    build_index(folder, SAMPLES)
    return folder


@pytest.fixture()
def seed_expected() -> dict:
    """../shared/data/seed/expected.json (skips where ../shared is absent)."""
    need_shared(SEED)
    return json.loads((SEED.parent / "expected.json").read_text("utf-8"))


@contextmanager
def served_index(folder: Path) -> Iterator[str]:
    """`newsarchive serve` on `folder` in its own process, on a free port of 127.0.0.1: yields its base URL once it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "serve", "--index", str(folder), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/api/search?limit=1", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    pytest.fail(f"the server did not start: {proc.stdout.read().decode(errors='replace') if proc.stdout else ''}")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
