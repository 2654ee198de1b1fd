"""Serving the app: one waitress server, or several processes sharing one socket."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import socket
import sys

from flask import Flask
from waitress import serve as waitress_serve


def is_loopback(host: str) -> bool:
    """True when `host` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(app: Flask, host: str, port: int, threads: int, processes: int = 1) -> None:
    """Serve `app` with waitress: `threads` request threads in each of `processes` processes."""
    if processes == 1:
        waitress_serve(app, host=host, port=port, threads=threads, ident="newsarchive")
        return
    # Python threads share one core: several processes, forked after binding one socket,
    # let the kernel spread connections among them.
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

    def stop(*_: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    def stop_and_exit(*_: object) -> None:
        stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop_and_exit)
    try:
        for child in children:
            os.waitpid(child, 0)
    except KeyboardInterrupt:
        stop()
