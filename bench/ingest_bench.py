"""Ingestion throughput on ../shared/corpus-legal beside raw underthesea word_tokenize on the same text.

    .venv/bin/python bench/ingest_bench.py [--limit N] [--store]

Reports documents/s and characters/s for read + extract (and, with --store, + RDF build, SHACL and store
write), the reference throughput of `underthesea.word_tokenize` over the same normalised text, their ratio, and
peak resident memory. Figures go to bench/README.md.
"""
from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from ingest.pipeline import extract
from ingest.readers import read

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="first N files only")
    parser.add_argument("--store", action="store_true", help="also build RDF, validate and write a store")
    args = parser.parse_args()
    files = sorted((SHARED / "corpus-legal").glob("*.md"))[: args.limit or None]

    texts, chars = [], 0
    start = time.perf_counter()
    store = None
    if args.store:
        from graph.store import Store
        store = Store(tempfile.mkdtemp(prefix="plangraph-bench-"))
    for f in files:
        doc = read(f)
        ex = extract(doc)
        if store is not None:
            store.ingest(f, ex, doc)
        texts.append(doc.text)
        chars += len(doc.text)
    ours = time.perf_counter() - start

    from underthesea import word_tokenize
    start = time.perf_counter()
    for text in texts:
        word_tokenize(text)
    reference = time.perf_counter() - start

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    what = "read + extract" + (" + RDF + SHACL + store" if args.store else "")
    print_figures(what, len(files), chars, ours, reference, peak_mib)


def print_figures(what: str, documents: int, chars: int, ours: float, reference: float, peak_mib: float) -> None:
    """The figures of an ingestion run beside the word_tokenize reference over the same text (seconds each)."""
    print(f"documents: {documents}, characters: {chars:,}")
    print(f"{what}: {ours:.1f} s, {documents / ours:.1f} docs/s, {chars / ours:,.0f} chars/s")
    print(f"underthesea word_tokenize: {reference:.1f} s, {chars / reference:,.0f} chars/s")
    print(f"ratio: {reference / ours:.0%} of the reference; peak RSS {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
