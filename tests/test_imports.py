"""Imports, checked from the source: no cycle anywhere, and nothing happens when a module is imported.

The import graph counts every import, those inside functions included: an import moved
into a function to dodge a cycle hides the cycle, it does not remove it. Importing a
module of another package also runs that package's __init__, so that counts as an edge too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .test_layers import PACKAGES, ROOT, import_statements, module_name, modules, package_of


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for folder in PACKAGES for path in modules(folder)}


def imported_modules(source: str, package: str, known: set[str]) -> set[str]:
    """The project modules a source imports anywhere: `from pkg import name` imports pkg.name when that is a module, else pkg."""
    found = set()
    for base, members in import_statements(source, package):
        submodules = {f"{base}.{name}" for name in members} & known
        found.update(submodules or {base})
    return found & known


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (anywhere in its source), with the packages that import runs."""
    known = project_modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        edges = set()
        for target in imported_modules(path.read_text("utf-8"), package_of(path), set(known)) - {name}:
            edges.add(target)
            parent = target.rpartition(".")[0]
            while parent in known and not name.startswith(parent + ".") and parent != name:  # importing a.b.c runs a.b's __init__
                edges.add(parent)
                parent = parent.rpartition(".")[0]
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_project_has_no_import_cycle():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_a_cycle_through_an_import_inside_a_function():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    source = "def late():\n    from .readers import file_kind\n"
    known = {"newsarchive.index.inputs.readers"}
    assert imported_modules(source, "newsarchive.index.inputs", known) == known


def test_the_graph_sees_every_layer_and_the_rooms_of_index():
    graph = import_graph()
    assert {"newsarchive.cli", "newsarchive.web.api", "newsarchive.search.archive", "newsarchive.index.store.writer"} <= set(graph)
    assert "newsarchive.index.store.folder" in graph["newsarchive.search.archive"]
    assert "newsarchive.index.keeping" in graph["newsarchive.search.keeping"]  # the package a submodule import runs


SNAPSHOT = r'''
import importlib, json, os, pkgutil, signal, sys, warnings
import whoosh

def umask():
    for line in open("/proc/self/status"):
        if line.startswith("Umask:"):
            return line.split()[1]

for info in pkgutil.walk_packages(whoosh.__path__, "whoosh."):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            importlib.import_module(info.name)
    except Exception:
        pass  # optional parts of Whoosh that need other libraries

def state():
    libs = {name: {k: id(v) for k, v in vars(mod).items()} for name, mod in list(sys.modules.items()) if name.split(".")[0] == "whoosh"}
    handlers = {int(s): repr(signal.getsignal(s)) for s in signal.valid_signals() if s not in (signal.SIGKILL, signal.SIGSTOP)}
    return {"umask": umask(), "cwd": os.getcwd(), "environ": dict(os.environ), "whoosh": libs, "signals": handlers,
            "recursionlimit": sys.getrecursionlimit()}

before = state()
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
after = state()
changed = {key: sorted(k for k in set(before[key]) | set(after[key]) if before[key].get(k) != after[key].get(k))
           if isinstance(before[key], dict) else [before[key], after[key]]
           for key in before if before[key] != after[key]}
if "whoosh" in changed:
    changed["whoosh"] = {m: sorted(k for k in set(before["whoosh"].get(m, {})) | set(after["whoosh"].get(m, {}))
                                   if before["whoosh"].get(m, {}).get(k) != after["whoosh"].get(m, {}).get(k))
                         for m in changed["whoosh"]}
print(json.dumps(changed))
'''


def test_importing_every_module_changes_neither_whoosh_nor_the_process():
    names = sorted(project_modules())
    run = subprocess.run([sys.executable, "-c", SNAPSHOT, json.dumps(names)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {}


def test_the_import_check_sees_a_patched_library(tmp_path):
    (tmp_path / "patcher.py").write_text("import os\nimport whoosh.filedb.compound as c\nc.BufferFile = object\nos.umask(0o077)\n", "utf-8")
    run = subprocess.run([sys.executable, "-c", SNAPSHOT, json.dumps(["patcher"])], capture_output=True, text=True, timeout=300,
                         cwd=ROOT, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr[-3000:]
    changed = json.loads(run.stdout.strip().splitlines()[-1])
    assert changed["whoosh"] == {"whoosh.filedb.compound": ["BufferFile"]} and "umask" in changed
