"""Ingestion at scale: read + extract + RDF build of generated documents on all cores, beside word_tokenize.

    .venv/bin/python -m bench.ingest_scale_bench --n 1000 [--workers K] [--seed 7] [--corpus DIR]

Generates N documents (bench/corpus_gen; or reads the .txt files of --corpus), streams them through
`ingest.batch.run_batch` twice over the same pool size: once read + extract + build_graph (no embedding, no
store), once raw `underthesea.word_tokenize` over the same normalised text. Reported beside each other: wall
docs/s, and chars/s from the seconds each stage itself took per document (the reference's read is not counted
against it), their ratio, and the peak resident memory of the parent and of the largest worker. Run each N in
its own process: peak RSS is per process.
"""
from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from underthesea import word_tokenize

from bench.corpus_gen import generate, harvest
from bench.ingest_bench import SHARED, print_figures
from graph.build import build_graph
from ingest.batch import Outcome, run_batch
from ingest.pipeline import extract
from ingest.readers import read


def ingest_one(path: Path) -> tuple[int, int, float]:
    """(characters, quads, seconds) of read + extract + RDF build of one file."""
    start = time.perf_counter()
    doc = read(path)
    quads = len(build_graph(extract(doc), doc))
    return len(doc.text), quads, time.perf_counter() - start


def tokenize_one(path: Path) -> tuple[int, int, float]:
    """(characters, tokens, seconds) of word_tokenize alone over the same text the pipeline reads."""
    text = read(path).text
    start = time.perf_counter()
    tokens = len(word_tokenize(text))
    return len(text), tokens, time.perf_counter() - start


def timed_batch(files: list[Path], work, workers: int) -> tuple[float, int, float, list[str]]:
    """(wall seconds, characters, summed stage seconds, errors) of one pass over the files."""
    start = time.perf_counter()
    chars, busy, errors = 0, 0.0, []
    outcome: Outcome
    for outcome in run_batch(files, work, workers=workers):
        if outcome.error:
            errors.append(outcome.error)
            continue
        n_chars, _, seconds = outcome.value
        chars += n_chars
        busy += seconds
    return time.perf_counter() - start, chars, busy, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="documents to generate")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=0, help="processes (default: every core)")
    parser.add_argument("--corpus", type=Path, help="use the .txt files of this directory instead of generating")
    args = parser.parse_args()
    word_tokenize("khởi động")             # load the model before the workers fork, as extraction's tables are
    corpus = args.corpus or Path(tempfile.mkdtemp(prefix="plangraph-scale-"))
    if not args.corpus:
        start = time.perf_counter()
        generate(corpus, args.n, args.seed, harvest([SHARED / "corpus", SHARED / "corpus-legal"]))
        print(f"generated {args.n} documents in {time.perf_counter() - start:.1f} s into {corpus}")
    files = sorted(corpus.glob("*.txt"))
    workers = args.workers or len(os.sched_getaffinity(0))

    wall, chars, busy, errors = timed_batch(files, ingest_one, workers)
    ref_wall, ref_chars, ref_busy, ref_errors = timed_batch(files, tokenize_one, workers)
    if ref_chars != chars:
        raise RuntimeError(f"{corpus}: the reference read {ref_chars} characters, the pipeline {chars}")
    for error in errors + ref_errors:
        print("error:", error)
    parent_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"workers: {workers}; wall: ingest {wall:.1f} s ({len(files) / wall:.1f} docs/s, {chars / wall:,.0f} chars/s), "
          f"word_tokenize {ref_wall:.1f} s ({ref_chars / ref_wall:,.0f} chars/s); "
          f"peak RSS parent {parent_mib:,.0f} MiB, largest worker {worker_mib:,.0f} MiB")
    # per-worker busy seconds: what each stage itself cost, shared over the pool
    print_figures("read + extract + RDF build", len(files), chars, busy / workers, ref_busy / workers,
                  max(parent_mib, worker_mib))


if __name__ == "__main__":
    main()
