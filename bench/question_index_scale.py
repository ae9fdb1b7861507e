"""The question index at N documents without ingesting N: a stored corpus's documents indexed again and again
under new identities, then the questions of `bench.questions_bench` asked of it.

Run: .venv/bin/python -m bench.question_index_scale STORE --copies K --out DIR
Each copy gives every document a new doc_id (so its tasks, mentions and named graph are new) and every local
legal document (a province's own plans and decisions) a new identity, while national legal documents, agencies
and people are shared: a national resolution is cited by K times the documents and a province's Sở leads K
times the tasks, as in a corpus K times larger. The printed symbols of the local documents are not renumbered,
so typed local numbers are K-fold ambiguous; the subjects are asked by key.
"""
from __future__ import annotations

import argparse
import resource
import time
from dataclasses import replace
from pathlib import Path

from bench.questions_bench import SAMPLE, _ranked, _typical, agency_latencies, cites_latencies
from graph import codec
from graph import questions as q
from graph.parts import Citation, GraphPart, read_part
from graph.question_index import INDEX_FILE, IndexedGraph, QuestionIndex, cut_sentences
from graph.questions import ROLES
from graph.store import Store
from graph.view import CITING
from ingest.document import SourceDocument
from ontology.terms import ID

_LEGAL = f"{ID}legal/"
REPEATS = 3   # the warm figures repeat each subject this often (the first call is timed apart)


def _renamer(doc_id: str, copy: int):
    """IRI -> its copy's IRI: the document's own IRIs take the new doc_id, local legal documents a new year part."""
    new_id = f"{doc_id}c{copy}"

    def rename(value: str) -> str:
        if doc_id in value:
            return value.replace(doc_id, new_id)
        if value.startswith(_LEGAL) and "/national/" not in value:
            return f"{value}c{copy}"
        return value
    return rename


def _copy(part: GraphPart, copy: int) -> GraphPart:
    if copy == 0:
        return part
    r = _renamer(part.doc_id, copy)
    return replace(
        part, doc_id=r(part.doc_id), source=f"{part.source}~{copy}", graph=r(part.graph),
        types={c: {r(n): None for n in nodes} for c, nodes in part.types.items()},
        values={p: {r(n): vs for n, vs in by_node.items()} for p, by_node in part.values.items()},
        edges=[(r(s), r(t), rel) for s, t, rel in part.edges],
        tasks={r(n): {**t, "doc": r(t["doc"])} for n, t in part.tasks.items()},
        citations=[Citation(r(c.citer), r(c.cited), c.relation, r(c.graph), c.start, c.end) for c in part.citations],
        mentions={r(legal): spans for legal, spans in part.mentions.items()})


def build(store: Store, copies: int, out: Path) -> QuestionIndex:
    entries = store.documents()
    parts = []
    for entry in entries:
        part = read_part(entry, (store.path / entry.graph_file).read_text(encoding="utf-8"))
        doc = codec.from_json(SourceDocument, (store.path / entry.document_file).read_text(encoding="utf-8"))
        parts.append((entry.graph_file, part, cut_sentences(part, doc)))
    index = QuestionIndex(out / INDEX_FILE)
    start = time.perf_counter()
    for copy in range(copies):
        with index.transaction():
            for graph_file, part, sentences in parts:
                index.add(f"{graph_file}~{copy}", _copy(part, copy), sentences)
        print(f"  copy {copy + 1}/{copies}: {len(parts) * (copy + 1)} documents, "
              f"{time.perf_counter() - start:.0f} s", flush=True)
    index.id_of.cache_clear()
    return index


def main(store_dir: Path, copies: int, out: Path) -> None:
    store = Store(store_dir, validate=False)
    out.mkdir(parents=True, exist_ok=True)
    if not (out / INDEX_FILE).exists():
        build(store, copies, out)
    qg = IndexedGraph(QuestionIndex(out / INDEX_FILE))
    documents = qg.index.rows("SELECT COUNT(*) FROM files")[0][0]
    size = sum(f.stat().st_size for f in out.glob(f"{INDEX_FILE}*"))
    print(f"index: {documents} documents, {size / 2**30:.2f} GiB on disk")
    cited, busy = _ranked(qg, CITING, qg.legal), _ranked(qg, ROLES, qg.agencies)
    print(f"  most cited: {cited[0][1]} citers, median {cited[len(cited) // 2][1]}; busiest agency: {busy[0][1]} "
          f"tasks, median {busy[len(busy) // 2][1]}")
    # asked of the graph directly: the sentences are in the index, no stored document is read
    state = q.HeldState(store_dir, {}, {}, {}, qg)   # type: ignore[arg-type]
    key = lambda node: q._merge_yearless(qg, [node])[0].key   # noqa: E731
    most, typical = [key(n) for n, _c in cited[:SAMPLE]], [key(n) for n in _typical(cited)]
    cites_latencies(state, qg, most, typical, REPEATS)
    fresh = lambda: q.HeldState(store_dir, {}, {}, {}, IndexedGraph(qg.index))   # type: ignore[arg-type]  # noqa: E731
    agency_latencies(fresh, [a for a, _c in busy[:SAMPLE]], _typical(busy), REPEATS)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--copies", type=int, required=True)
    parser.add_argument("--out", required=True, help="directory of the index (built if it has none)")
    args = parser.parse_args()
    main(Path(args.store), args.copies, Path(args.out))
