"""The graph on any SPARQL 1.1 server: each document's named graph pushed with the Graph Store HTTP Protocol, the
questions asked with the SPARQL 1.1 Protocol.

The local `graph.store.Store` stays the one place documents are written (one writer, an atomic manifest); a
`RemoteGraphStore` mirrors its graphs on a server that many readers can share, past what one machine's memory
holds. `sync(store)` makes the server hold exactly the manifest's graphs: it PUTs the graph of every document
the server lacks or holds at another version, and DELETEs the graphs of documents the manifest no longer has.
Each graph already says which version it is (`prov:generatedAtTime` of the bundle, the source's
`pg:contentHash` and `pg:extractorVersion`, written by `graph.build`), so no bookkeeping is added to the data
and a second sync of an unchanged store sends nothing. Graphs outside plangraph's graph namespace are left
alone: the server may hold other data.

The questions' queries read the union of the documents' graphs as their default graph, as `Store.query` does.
The server must be set to answer that way: Oxigraph with `oxigraph serve --union-default-graph`, Fuseki with
`tdb2:unionDefaultGraph true`, GraphDB and Virtuoso do so by default. `sync` checks it and says so when not.

HTTP goes through the standard library's urllib; results are read as SPARQL 1.1 Query Results JSON (SELECT,
ASK) or N-Triples (CONSTRUCT, DESCRIBE), parsed by pyoxigraph.
"""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator

import pyoxigraph

from graph.iri import GRAPH, graph_iri
from graph.serialize import PREFIXES
from graph.store import ManifestEntry, Row, Store, StoreError

TIMEOUT_S = 60.0    # one request; a PUT of the largest sample graph (0.8 MB) takes well under a second
SERVER_START_S = 20.0   # a fresh Oxigraph opens its RocksDB directory in well under a second
_READ_ATTEMPTS = 3  # a sync racing a local writer's cleanup reads the manifest again this many times
_RESULTS_JSON = "application/sparql-results+json"
_N_TRIPLES = "application/n-triples"
_PREFIX_LINES = "".join(f"PREFIX {name}: <{namespace}>\n" for name, namespace in PREFIXES.items())
# the version each pushed graph states about itself (graph.build writes these for every document)
_VERSIONS = f"""SELECT ?g ?at ?hash ?extractor WHERE {{ GRAPH ?g {{
    ?g a prov:Bundle ; prov:generatedAtTime ?at ; pg:extractorVersion ?extractor ; prov:wasDerivedFrom ?d .
    ?d pg:contentHash ?hash }} FILTER(STRSTARTS(STR(?g), "{GRAPH}")) }}"""

Version = tuple[datetime, str, str]   # (ingested at, content hash, extractor version)


class RemoteStoreError(StoreError):
    """The SPARQL server cannot be reached or refused a request; the message names its URL and why."""


@dataclass
class SyncReport:
    pushed: list[str] = field(default_factory=list)    # doc_ids whose graph was sent
    deleted: list[str] = field(default_factory=list)   # graph IRIs removed from the server
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.pushed or self.deleted)


class RemoteGraphStore:
    """A SPARQL 1.1 server holding the store's graphs: `query_url` answers the SPARQL 1.1 Protocol,
    `graph_store_url` the Graph Store HTTP Protocol (`?graph=IRI`)."""

    def __init__(self, query_url: str, graph_store_url: str, *, timeout_s: float = TIMEOUT_S) -> None:
        self.query_url = query_url
        self.graph_store_url = graph_store_url
        self.timeout_s = timeout_s

    @classmethod
    def oxigraph(cls, base_url: str, *, timeout_s: float = TIMEOUT_S) -> RemoteGraphStore:
        """An Oxigraph server at `base_url` (`oxigraph serve`): queries at /query, graphs at /store."""
        base = base_url.rstrip("/")
        return cls(f"{base}/query", f"{base}/store", timeout_s=timeout_s)

    # --- querying ------------------------------------------------------------------------------------------
    def query(self, sparql: str) -> list[Row] | bool:
        """Run SPARQL on the server, answering in the shapes `Store.query` gives (the same prefixes need no
        PREFIX lines): SELECT one dict per solution, ASK a bool, CONSTRUCT/DESCRIBE one dict per triple."""
        body = urllib.parse.urlencode({"query": _PREFIX_LINES + sparql}).encode("utf-8")
        request = urllib.request.Request(self.query_url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": f"{_RESULTS_JSON}, {_N_TRIPLES};q=0.9"})
        media_type, payload = self._send(request, "the query")
        if media_type == _N_TRIPLES:
            return [{"subject": t.subject.value, "predicate": t.predicate.value, "object": t.object.value}
                    for t in pyoxigraph.parse(payload, format=pyoxigraph.RdfFormat.N_TRIPLES)]
        return _solutions(json.loads(payload))

    # --- the Graph Store Protocol ------------------------------------------------------------------------
    def put_graph(self, graph: str, n_triples: bytes) -> None:
        """Replace named graph `graph` on the server with these triples (created if absent)."""
        request = urllib.request.Request(self._graph_url(graph), data=n_triples, method="PUT",
                                         headers={"Content-Type": _N_TRIPLES})
        self._send(request, f"graph {graph}")

    def delete_graph(self, graph: str) -> None:
        """Remove named graph `graph` from the server; one already gone is no error."""
        request = urllib.request.Request(self._graph_url(graph), method="DELETE")
        self._send(request, f"graph {graph}", missing_ok=True)

    def versions(self) -> dict[str, Version]:
        """graph IRI -> the version of each plangraph document graph the server holds."""
        rows = self.query(_VERSIONS)
        assert isinstance(rows, list)
        return {row["g"]: (datetime.fromisoformat(row["at"]), row["hash"], row["extractor"]) for row in rows}

    # --- sync ----------------------------------------------------------------------------------------------
    def sync(self, store: Store) -> SyncReport:
        """Make the server hold exactly the graphs `store`'s manifest names, at their versions. Each graph is
        replaced in one request, so a sync stopped half-way (the server gone) leaves whole graphs, and the next
        sync sends the rest."""
        for _attempt in range(_READ_ATTEMPTS):
            try:
                return self._sync_once(store)
            except FileNotFoundError:   # a local writer replaced a document while it was sent: look again
                continue
        raise StoreError(f"the store at {store.path} kept changing while it was sent to {self.graph_store_url}; "
                         f"try again")

    def _sync_once(self, store: Store) -> SyncReport:
        local = {str(graph_iri(entry.doc_id)): entry for entry in store.documents()}
        remote = self.versions()
        report = SyncReport()
        for graph, entry in local.items():
            if remote.get(graph) == _version(entry):
                report.unchanged += 1
                continue
            self.put_graph(graph, _graph_triples(store.path / entry.graph_file, graph))
            report.pushed.append(entry.doc_id)
            if len(report.pushed) == 1:   # a misconfigured server is said before the rest is sent
                self._check_union_default_graph()
        for graph in remote.keys() - local.keys():
            self.delete_graph(graph)
            report.deleted.append(graph)
        if local and not report.pushed:
            self._check_union_default_graph()
        return report

    def _check_union_default_graph(self) -> None:
        """The questions read the union of the named graphs; a server that reads only its own default graph
        would answer every question with nothing."""
        if not self.query("ASK { ?g a prov:Bundle }"):
            raise RemoteStoreError(
                f"the SPARQL server at {self.query_url} holds the documents' graphs but does not query their "
                f"union by default, so every question would find nothing; start Oxigraph with "
                f"`oxigraph serve --union-default-graph` (Fuseki: tdb2:unionDefaultGraph true)")

    # --- HTTP ----------------------------------------------------------------------------------------------
    def _graph_url(self, graph: str) -> str:
        return f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': graph})}"

    def _send(self, request: urllib.request.Request, what: str, *, missing_ok: bool = False) -> tuple[str, bytes]:
        """(media type, body) of the server's answer; a refusal or an unreachable server raises
        RemoteStoreError naming the URL."""
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as error:
            if missing_ok and error.code == 404:
                return "", b""
            detail = error.read().decode("utf-8", "replace").strip()[:500]
            raise RemoteStoreError(f"the SPARQL server at {request.full_url} refused {what} "
                                   f"(HTTP {error.code} {error.reason}): {detail}") from None
        except TimeoutError:
            raise RemoteStoreError(f"the SPARQL server at {request.full_url} did not answer {what} within "
                                   f"{self.timeout_s:g} s") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise RemoteStoreError(f"the SPARQL server at {request.full_url} cannot be reached ({reason}); "
                                   f"check that it is running and the address is right") from None


def _version(entry: ManifestEntry) -> Version:
    return datetime.fromisoformat(entry.ingested_at), entry.content_hash, entry.extractor_version


def _graph_triples(nquads_file: Path, graph: str) -> bytes:
    """The triples of the document's N-Quads file, as N-Triples for the Graph Store Protocol; a quad of any
    other graph means the file is not a plangraph document graph."""
    quads = list(pyoxigraph.parse(path=str(nquads_file), format=pyoxigraph.RdfFormat.N_QUADS))
    named = pyoxigraph.NamedNode(graph)
    strays = {str(q.graph_name) for q in quads if q.graph_name != named}
    if strays:
        raise StoreError(f"{nquads_file} holds quads of {', '.join(sorted(strays))}, not only of {graph}: "
                         f"it is not one document's graph")
    return pyoxigraph.serialize([q.triple for q in quads], format=pyoxigraph.RdfFormat.N_TRIPLES)


def _solutions(results: dict) -> list[Row] | bool:
    """SPARQL 1.1 Query Results JSON as `Store.query` gives it: variable -> value, unbound ones left out."""
    if "boolean" in results:
        return bool(results["boolean"])
    return [{name: term["value"] for name, term in binding.items()} for binding in results["results"]["bindings"]]


# ------------------------------------------------------------------------------------------------ a local server
@contextmanager
def oxigraph_server(location: Path, *, union_default_graph: bool = True,
                    start_s: float = SERVER_START_S) -> Iterator[str]:
    """`oxigraph serve` (PyPI's `oxigraph`) on a free loopback port, persisting in `location`: its base URL once
    it answers, the server stopped afterwards. For development, tests and benchmarks; deployed, the server
    runs on its own. Raises RemoteStoreError when the binary is missing or the server does not start."""
    binary = oxigraph_binary()
    if binary is None:
        raise RemoteStoreError("the `oxigraph` server binary is not installed (pip install oxigraph==0.5.13)")
    port = free_loopback_port()
    base = f"http://127.0.0.1:{port}"
    command = [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command + (["--union-default-graph"] if union_default_graph else []),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_until_answering(server, base, start_s)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()


def free_loopback_port() -> int:
    """A loopback port free now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def oxigraph_binary() -> str | None:
    """The `oxigraph` executable installed beside this Python (a virtual environment's bin/), or on PATH."""
    beside_python = Path(sys.executable).with_name("oxigraph")
    return str(beside_python) if beside_python.exists() else shutil.which("oxigraph")


def _wait_until_answering(server: subprocess.Popen, base: str, start_s: float) -> None:
    deadline = time.monotonic() + start_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            reason = server.stderr.read().decode("utf-8", "replace").strip()[:500]
            raise RemoteStoreError(f"the oxigraph server for {base} exited at start (status {server.returncode}): "
                                   f"{reason}")
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RemoteStoreError(f"the oxigraph server at {base} did not answer within {start_s:g} s")
