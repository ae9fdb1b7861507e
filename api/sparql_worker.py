"""The process that runs SPARQL for the HTTP endpoint, so that a query past its time limit can be killed.

Oxigraph cannot cancel a running query, and a thread cannot be stopped: a cross join over the store would hold a
core for as long as it likes. The service (`api.sparql`) sends this process one request at a time over a socket and
kills it when the answer is late; a new one is started for the next query. The process holds its own in-memory
copy of the store's named graphs, loaded from the N-Quads files the service names with each request (only the
graphs that changed are reloaded), so nothing a query does can touch what is stored.

It imports nothing but pyoxigraph and the standard library: it starts in a fraction of a second.
"""
from __future__ import annotations

import json
import resource
import sys
from multiprocessing.connection import Connection
from typing import Iterable

import pyoxigraph as ox

SOLUTION_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                 "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}


def serve(connection: Connection, memory_bytes: int) -> None:
    """Answer requests until the connection closes or a None arrives; the first message is the prefixes."""
    if memory_bytes > 0:   # a query that builds a huge intermediate result kills this process, not the machine
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    prefixes = connection.recv()
    store = ox.Store()
    loaded: dict[str, str] = {}
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:
            return
        connection.send(_answer(store, loaded, request, prefixes))


def _answer(store: ox.Store, loaded: dict[str, str], request: dict, prefixes: dict[str, str]) -> dict:
    try:
        _sync(store, loaded, request["graphs"])
        if "query" not in request:
            return {"ok": True}
        return _run(store, request, prefixes)
    except SyntaxError as error:
        return {"error": "syntax", "message": f"the query is not valid SPARQL 1.1: {error}"}
    except FileNotFoundError as error:
        return {"error": "stale", "message": f"the store changed while its graphs were read: {error}"}
    except (MemoryError, OSError, ValueError, TypeError) as error:
        return {"error": "failed", "message": f"the query could not be evaluated: {error}"}


def _sync(store: ox.Store, loaded: dict[str, str], graphs: list[tuple[str, str]]) -> None:
    """Make the copy hold exactly the named graphs given, as (graph IRI, N-Quads file) pairs.

    Graphs new to the copy are loaded before anything is removed: when one of their files is gone (the store
    deleted it after a later change), FileNotFoundError leaves the copy holding the state it held before."""
    wanted = dict(graphs)
    added: list[str] = []
    try:
        for graph, path in wanted.items():
            if graph not in loaded:
                store.load(path=path, format=ox.RdfFormat.N_QUADS)
                added.append(graph)
    except FileNotFoundError:
        for graph in added:
            store.remove_graph(ox.NamedNode(graph))
        raise
    for graph, path in list(loaded.items()):
        if wanted.get(graph) != path:
            store.remove_graph(ox.NamedNode(graph))
            del loaded[graph]
    for graph in added:
        loaded[graph] = wanted[graph]
    for graph, path in wanted.items():
        if graph not in loaded:   # the same graph in another file (rewritten by a newer graph builder)
            store.load(path=path, format=ox.RdfFormat.N_QUADS)
            loaded[graph] = path


def _run(store: ox.Store, request: dict, prefixes: dict[str, str]) -> dict:
    options = {"prefixes": prefixes}
    if request.get("default_graphs"):
        options["default_graph"] = [ox.NamedNode(g) for g in request["default_graphs"]]
    else:
        options["use_default_graph_as_union"] = True
    if request.get("named_graphs"):
        options["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
    results = store.query(request["query"], **options)
    limit = request["limit"]
    if isinstance(results, ox.QueryBoolean):
        return _serialized(results, request.get("solutions"), SOLUTION_FORMATS, "boolean", False)
    if isinstance(results, ox.QueryTriples):
        triples = _take(results, limit + 1)
        body = _graph_body(triples[:limit], request.get("graph"), prefixes)
        return body if "error" in body else {**body, "kind": "graph", "truncated": len(triples) > limit}
    variables = [v.value for v in results.variables]
    rows = _take(results, limit + 1)
    document = {"head": {"vars": variables}, "results": {"bindings": [_binding(row, variables) for row in rows[:limit]]}}
    encoded = json.dumps(document, ensure_ascii=False).encode("utf-8")
    name = request.get("solutions")
    if name == "json":
        return {"kind": "solutions", "body": encoded, "format": name, "truncated": len(rows) > limit}
    parsed = ox.parse_query_results(encoded, format=ox.QueryResultsFormat.JSON)
    return _serialized(parsed, name, SOLUTION_FORMATS, "solutions", len(rows) > limit)


def _take(iterator: Iterable, count: int) -> list:
    """At most `count` items: a result set is never materialised past what will be sent."""
    taken = []
    for item in iterator:
        taken.append(item)
        if len(taken) >= count:
            break
    return taken


def _serialized(results, name: str | None, formats: dict, kind: str, truncated: bool) -> dict:
    if name not in formats:
        return {"error": "not_acceptable", "kind": kind}
    try:
        return {"kind": kind, "body": results.serialize(format=formats[name]), "format": name, "truncated": truncated}
    except ValueError:   # e.g. a boolean result has no CSV form
        return {"error": "not_acceptable", "kind": kind}


def _graph_body(triples: list, name: str | None, prefixes: dict[str, str]) -> dict:
    if name not in GRAPH_FORMATS:
        return {"error": "not_acceptable", "kind": "graph"}
    body = ox.serialize(triples, format=GRAPH_FORMATS[name], prefixes=prefixes)
    return {"body": body, "format": name, "count": len(triples)}


def _binding(solution: ox.QuerySolution, variables: list[str]) -> dict:
    return {name: _term(solution[name]) for name in variables if solution[name] is not None}


def _term(term) -> dict:
    """A term in the SPARQL 1.1 Query Results JSON Format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term(term.subject), "predicate": _term(term.predicate),
                                            "object": _term(term.object)}}
    value: dict = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = term.datatype.value
    return value


if __name__ == "__main__":   # python -m api.sparql_worker FD MEMORY_BYTES (started by api.sparql)
    serve(Connection(int(sys.argv[1])), int(sys.argv[2]))
