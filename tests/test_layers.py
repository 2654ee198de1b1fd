"""The architecture, checked: layers that point one way, and Whoosh's private names in one module.

    web, cli  ->  search  ->  index

index knows no queries, search knows no HTTP. The stages that never touch the index
(extraction, entities, quotations, near-duplicates) load no Whoosh at all.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import whoosh

from newsarchive.index.store import whoosh_internals

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"index": "newsarchive.index", "search": "newsarchive.search", "web": "newsarchive.web", "newsarchive": "newsarchive"}
ADAPTER = ROOT / "index" / "store" / "whoosh_internals.py"
# Layer -> the modules it must never import (as prefixes).
FORBIDDEN = {
    "index": ("newsarchive.search", "newsarchive.web", "newsarchive.cli", "flask", "werkzeug", "click"),
    "search": ("newsarchive.web", "newsarchive.cli", "flask", "werkzeug", "click"),
    "web": ("newsarchive.cli", "click"),
}


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def module_name(path: Path) -> str:
    """The dotted name a source file is imported by (index/store/folder.py is newsarchive.index.store.folder)."""
    layer, *rest = path.relative_to(ROOT).with_suffix("").parts
    parts = [*PACKAGES[layer].split("."), *rest]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    """The package relative imports of a source file are resolved against."""
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def import_statements(source: str, package: str) -> Iterator[tuple[str, list[str]]]:
    """(module, names imported from it) for every import of a source, anywhere in it; relative ones resolved against `package`.
    `import a.b` gives ("a.b", [])."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            yield base, [alias.name for alias in node.names]


def imported(source: str, package: str) -> set[str]:
    """Every module a source imports, relative imports resolved against `package` (`from a import b` counts a and a.b)."""
    names = set()
    for base, members in import_statements(source, package):
        names.add(base)
        names.update(f"{base}.{name}" for name in members)
    return names


def violations(source: str, layer: str, package: str | None = None) -> list[str]:
    return sorted(name for name in imported(source, package or PACKAGES[layer]) if name.startswith(FORBIDDEN[layer]))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_the_layers_below(layer):
    found = {module_name(path): violations(path.read_text("utf-8"), layer, package_of(path)) for path in modules(layer)}
    assert {name: v for name, v in found.items() if v} == {}


def test_the_layer_check_sees_absolute_and_relative_imports():
    assert violations("from newsarchive.search.archive import Archive", "index") == ["newsarchive.search.archive", "newsarchive.search.archive.Archive"]
    assert violations("from ..web import create_app", "search") == ["newsarchive.web", "newsarchive.web.create_app"]
    assert violations("import flask", "search") == ["flask"]
    assert violations("from .folder import open_index", "index") == []
    assert violations("from ...search import archive", "index", "newsarchive.index.store") == ["newsarchive.search", "newsarchive.search.archive"]


def test_stages_that_never_touch_the_index_do_not_load_whoosh():
    code = ("import sys\n"
            "import newsarchive.index.extraction.extract, newsarchive.index.entities, newsarchive.index.annotation.quotes, newsarchive.index.annotation.dedup\n"
            "import newsarchive.index.inputs.readers, newsarchive.index.entities.aliases, newsarchive.index.entities.countries\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'whoosh'))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert run.stdout.strip() == "[]", run.stdout


# --- Whoosh's private names: in whoosh_internals.py only --------------------------------------


def whoosh_private_names() -> set[str]:
    """Every `_name` Whoosh's own source defines or uses as an attribute or method (dunders aside)."""
    names = set()
    for path in Path(whoosh.__file__).parent.rglob("*.py"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # Whoosh's regexes in plain strings
            warnings.simplefilter("ignore", DeprecationWarning)
            tree = ast.parse(path.read_text("utf-8", errors="replace"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                names.add(node.attr)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name.startswith("_") and not node.name.startswith("__"):
                names.add(node.name)
    return names


# Private attributes of other libraries that share a name with one of Whoosh's.
NOT_WHOOSH = {("pipeline.py", "pool", "_pool"): "multiprocessing.Pool's worker processes (no public way to reach them)"}


def private_uses(source: str, filename: str, private: set[str]) -> list[str]:
    """Whoosh internals used by a module: imports of whoosh.codec / whoosh.filedb or of a `_name`, `obj._name` of Whoosh's names,
    and `self._name` or `def _name` in a class derived from a Whoosh class."""
    tree = ast.parse(source)
    whoosh_names = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            if node.module.startswith(("whoosh.codec", "whoosh.filedb")):
                found.append(f"imports {node.module}")
            for alias in node.names:
                whoosh_names.add(alias.asname or alias.name)
                if alias.name.startswith("_"):
                    found.append(f"imports {node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            found += [f"imports {a.name}" for a in node.names if a.name.startswith(("whoosh.codec", "whoosh.filedb"))]
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        derived = any((isinstance(b, ast.Name) and b.id in whoosh_names) or isinstance(b, ast.Attribute) for b in cls.bases)
        if not derived:
            continue
        for node in ast.walk(cls):
            if isinstance(node, ast.FunctionDef) and node.name in private:
                found.append(f"{cls.name} overrides {node.name}")
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self" and node.attr in private:
                found.append(f"{cls.name} uses self.{node.attr}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in private and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            receiver = node.value.id if isinstance(node.value, ast.Name) else "…"
            if (filename, receiver, node.attr) not in NOT_WHOOSH:
                found.append(f"{receiver}.{node.attr}")
    return sorted(set(found))


@pytest.fixture(scope="module")
def private() -> set[str]:
    return whoosh_private_names()


def test_whoosh_internals_are_used_in_one_module_only(private):
    found = {}
    for folder in PACKAGES:
        for path in modules(folder):
            if path != ADAPTER:
                uses = private_uses(path.read_text("utf-8"), path.name, private)
                if uses:
                    found[f"{folder}/{path.name}"] = uses
    assert found == {}


def test_the_internals_check_finds_what_the_adapter_uses(private):
    uses = private_uses(ADAPTER.read_text("utf-8"), ADAPTER.name, private)
    assert {"imports whoosh.codec.whoosh3", "imports whoosh.filedb.filestore", "leaf._perdoc", "matcher._read_ids", "TOC._pattern"} <= set(uses)
    assert "_PostingsWriter overrides _write_block" in uses


def test_the_adapter_was_written_for_the_installed_whoosh():
    assert whoosh_internals.version_mismatch() is None, whoosh_internals.version_mismatch()


# --- compound segments read without copying (whoosh_internals._ViewReader) --------------------


def test_compound_files_are_read_through_the_zero_copy_reader(tmp_path):
    from whoosh import query
    from whoosh.filedb import compound

    from newsarchive.index.article import Article
    from newsarchive.index.store.folder import open_index
    from newsarchive.index.store.writer import ArchiveWriter

    with ArchiveWriter(tmp_path) as writer:
        writer.add(Article(id="u" + "1" * 19, title="Un titre", text="La coopération militaire reprend."))
    with open_index(tmp_path).searcher() as searcher:
        segment = searcher.reader().leaf_readers()[0][0]
        files = [f for f in vars(segment._terms).values() if isinstance(f, compound.BufferFile)]
        assert files and all(isinstance(f.file, whoosh_internals._ViewReader) for f in files)
        assert [h["article"] is not None for h in searcher.search(query.Term("body", "cooper"))] == [True]


@pytest.mark.parametrize("ops", [
    [("read", 3), ("seek", 0, 0), ("read", -1)], [("readline",), ("readline",), ("tell",)], [("seek", 2, 1), ("read", 100), ("seek", -3, 2), ("read", 2)],
    [("read", 0), ("readline", 4), ("seek", 50, 0), ("read", 5), ("tell",)],
])
def test_the_zero_copy_reader_reads_like_bytesio(ops):
    import io

    data = b"premiere ligne\nseconde ligne\nfin sans retour"
    ours, theirs = whoosh_internals._ViewReader(memoryview(data)), io.BytesIO(data)
    for op, *args in ops:
        assert getattr(ours, op)(*args) == getattr(theirs, op)(*args), (op, args)
