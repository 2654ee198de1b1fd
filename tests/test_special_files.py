"""Inputs that are not regular files (named pipes, sockets, devices) are listed as failures and never opened (#17)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive.index.article import Failure
from newsarchive.index.inputs.readers import discover

ARTICLE = {"url": "https://special.test/a", "title": "Le conseil municipal vote le budget",
           "text": "Le conseil municipal a voté le budget des écoles après un long débat. " * 5}


def _folder_with_a_fifo(tmp_path: Path) -> tuple[Path, Path, Path]:
    folder = tmp_path / "inputs"
    folder.mkdir()
    good = folder / "good.jsonl"
    good.write_text(json.dumps(ARTICLE, ensure_ascii=False) + "\n", "utf-8")
    fifo = folder / "feed.jsonl"
    os.mkfifo(fifo)
    return folder, good, fifo


def test_discover_lists_a_named_pipe_in_a_folder_as_a_failure_and_yields_the_good_file(tmp_path):
    folder, good, fifo = _folder_with_a_fifo(tmp_path)
    found = list(discover([folder]))
    assert good in found
    failures = [f for f in found if isinstance(f, Failure)]
    assert [(f.origin, f.reason) for f in failures] == [(str(fifo), "a named pipe, not a file: skipped")]


def test_discover_names_a_named_pipe_a_socket_and_a_device_given_as_paths(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock.txt"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sock_path))
        reasons = [f.reason for f in discover([fifo, sock_path, "/dev/null"])]
    finally:
        server.close()
    assert reasons == ["a named pipe, not a file: skipped", "a socket, not a file: skipped", "a device file, not a file: skipped"]


def test_a_folder_socket_with_an_unsupported_name_is_skipped_like_any_unsupported_file(tmp_path):
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "server.sock"))
        assert list(discover([tmp_path])) == []
    finally:
        server.close()


@pytest.mark.slow
def test_indexing_a_folder_and_a_path_with_named_pipes_ends_and_lists_them(tmp_path):
    folder, _, fifo = _folder_with_a_fifo(tmp_path)
    given = tmp_path / "given.txt"
    os.mkfifo(given)
    index = tmp_path / "ix"
    cmd = [sys.executable, "-m", "newsarchive.cli", "index", "--index", str(index), "--no-entities", "--workers", "1", "--json",
           str(folder), str(given)]
    # Opening a named pipe for reading waits for a writer: a hang here is the bug.
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert report["added"] == 1
    assert sorted((f["input"], f["reason"]) for f in report["failures"]) == sorted(
        [(str(fifo), "a named pipe, not a file: skipped"), (str(given), "a named pipe, not a file: skipped")])
