"""The read-only SPARQL 1.1 endpoint's service: refuse updates, run the query in a killable worker, within limits.

A request is checked before it runs: its length, and that it is a query (an update form, or a SERVICE clause
that would make the server fetch from another host, is refused with 403). It then runs in `api.sparql_worker`
with the configured time limit (the worker is killed when the answer is late, and the client gets a 422 saying
so) and result limit (the first N rows are sent, and the response says it was truncated).
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable

from api.errors import Busy, Forbidden, NotAcceptable, TooLarge, Unprocessable
from api.negotiate import preferred
from api.settings import Settings
from graph.serialize import PREFIXES

SOLUTION_TYPES = {"application/sparql-results+json": "json", "application/json": "json",
                  "application/sparql-results+xml": "xml", "text/csv": "csv", "text/tab-separated-values": "tsv"}
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "ntriples", "application/ld+json": "jsonld",
               "application/rdf+xml": "rdfxml"}
# the media type each format is sent as (JSON results as application/sparql-results+json, whichever was asked)
MEDIA_TYPE_OF = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                 "csv": "text/csv", "tsv": "text/tab-separated-values", **{v: k for k, v in GRAPH_TYPES.items()}}
# Update operations and federation: the keywords that may only appear outside strings, IRIs and names
_FORBIDDEN = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH|SERVICE)\b", re.IGNORECASE)
_NOT_KEYWORDS = re.compile(r'''"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|'''
                           r'''<[^<>"{}|^`\\\s]*>|[?$][\w]+|[\w.-]*:[\w.:%-]*|#[^\n]*''')
_PROJECT_ROOT = Path(__file__).resolve().parents[1]
_SYNC_WAIT_S = 120.0          # loading the store's graphs into a fresh worker is not the query's time


@dataclass(frozen=True)
class SparqlResult:
    body: bytes
    media_type: str
    truncated: bool
    count: int | None = None     # triples of a CONSTRUCT or DESCRIBE


def check_read_only(query: str) -> None:
    """Refuse anything but a query: updates, and SERVICE (the server must not fetch from other hosts)."""
    found = _FORBIDDEN.search(_NOT_KEYWORDS.sub(" ", query))
    if found is None:
        return
    word = found.group(1).upper()
    if word == "SERVICE":
        raise Forbidden("federated queries (SERVICE) are not allowed: this endpoint queries only its own store")
    raise Forbidden(f"this endpoint is read-only: {word} is a SPARQL Update operation; send a query "
                    f"(SELECT, ASK, CONSTRUCT or DESCRIBE)")


class SparqlService:
    """One worker process at a time, asked one request at a time; restarted after a timeout or a crash."""

    def __init__(self, settings: Settings, graphs: Callable[[], list[tuple[str, str]]]):
        self.settings = settings
        self.graphs = graphs           # the current (graph IRI, N-Quads file) pairs of the store
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._connection: Connection | None = None
        self._synced: list[tuple[str, str]] | None = None

    def query(self, text: str, accept: str | None, default_graphs: list[str] = (),
              named_graphs: list[str] = ()) -> SparqlResult:
        if len(text) > self.settings.sparql_max_chars:
            raise TooLarge(f"the query is {len(text)} characters, over the limit of {self.settings.sparql_max_chars}")
        if not text.strip():
            raise Unprocessable("the query is empty: send it as query=...")
        check_read_only(text)
        solutions = preferred(accept, tuple(SOLUTION_TYPES))
        graph = preferred(accept, tuple(GRAPH_TYPES))
        reply = self._ask({"query": text, "limit": self.settings.sparql_max_results,
                           "solutions": SOLUTION_TYPES.get(solutions), "graph": GRAPH_TYPES.get(graph),
                           "default_graphs": list(default_graphs), "named_graphs": list(named_graphs)})
        return _result(reply)

    def construct(self, query: str, media_type: str) -> SparqlResult:
        """A trusted CONSTRUCT of the app's own (an entity's description) in one of GRAPH_TYPES."""
        return _result(self._ask({"query": query, "limit": self.settings.sparql_max_results,
                                  "graph": GRAPH_TYPES[media_type]}))

    def close(self) -> None:
        with self._lock:
            self._stop()

    # --- the worker ---------------------------------------------------------------------------------------
    def _ask(self, request: dict) -> dict:
        if not self._lock.acquire(timeout=self.settings.sparql_timeout_s):
            raise Busy("the SPARQL endpoint is busy with another query; try again in a few seconds")
        try:
            self._ensure_synced()
            return self._exchange({**request, "graphs": self._synced}, self.settings.sparql_timeout_s)
        finally:
            self._lock.release()

    def _ensure_synced(self) -> None:
        graphs = self.graphs()
        if self._process is None or self._process.poll() is not None:
            self._start()
        if graphs != self._synced:
            reply = self._exchange({"graphs": graphs}, _SYNC_WAIT_S)
            if reply.get("error") == "stale" and self._synced is not None:
                return   # a change removed files of this state while it was read: answer from the state held
            if reply.get("error") == "stale":
                raise Busy("the store is being changed; try again in a few seconds")
            if "error" in reply:
                raise Unprocessable(reply["message"])
            self._synced = graphs

    def _exchange(self, request: dict, timeout: float) -> dict:
        try:
            self._connection.send(request)
            if not self._connection.poll(timeout):
                self._stop()
                raise Unprocessable(f"the query ran past the time limit of {timeout:g} s and was stopped; "
                                    f"narrow it (fewer patterns, a LIMIT) and try again")
            return self._connection.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self._stop()
            raise Unprocessable("the query used more memory than the endpoint allows and was stopped; "
                                "narrow it and try again") from None

    def _start(self) -> None:
        """A fresh worker: `python -m api.sparql_worker FD` with one end of a socket pair (a plain subprocess, so
        that no caller's __main__ is imported again, as multiprocessing's spawn would)."""
        self._stop()
        ours, theirs = socket.socketpair()
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(_PROJECT_ROOT),
                                                                                os.environ.get("PYTHONPATH"))))}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "api.sparql_worker", str(theirs.fileno()),
             str(self.settings.sparql_memory_mb * 1024 * 1024)],
            pass_fds=[theirs.fileno()], env=environment, stdin=subprocess.DEVNULL)
        theirs.close()
        self._connection = Connection(ours.detach())
        self._connection.send(PREFIXES)
        self._synced = None

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=5)
        if self._connection is not None:
            self._connection.close()
        self._process = self._connection = None
        self._synced = None


def _result(reply: dict) -> SparqlResult:
    if reply.get("error") == "not_acceptable":
        offered = SOLUTION_TYPES if reply["kind"] in ("solutions", "boolean") else GRAPH_TYPES
        raise NotAcceptable(f"a {reply['kind']} result can be sent as {', '.join(offered)}; "
                            f"the Accept header allows none of them")
    if "error" in reply:
        raise Unprocessable(reply["message"])
    body = reply["body"]
    return SparqlResult(body if isinstance(body, bytes) else body.encode("utf-8"), MEDIA_TYPE_OF[reply["format"]],
                        reply.get("truncated", False), reply.get("count"))
