"""Write N realistic planning documents and their ground truth, reproducibly from a seed.

    .venv/bin/python bench/generate_corpus.py --n 1000 --seed 7 --out /tmp/gen1k [--source DIR ...] [--check]

The prose is harvested at run time from the --source directories (default: ../shared/corpus and
../shared/corpus-legal); the same seed, N and sources give byte-identical files. `ground_truth.jsonl` in the
output directory has one line per document: file, own symbol, province, year, basis and cited symbols, the
earlier generated documents it rests on, and its tasks with their lead agency. --check then reads and extracts
every document and prints how far the extraction agrees with that ground truth, field by field.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from corpus_gen import generate, harvest
from corpus_gen.agreement import Agreement

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DEFAULT_SOURCES = [SHARED / "corpus", SHARED / "corpus-legal"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of documents")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="output directory (created)")
    parser.add_argument("--source", type=Path, action="append", help="directory of real documents (repeatable)")
    parser.add_argument("--check", action="store_true", help="extract every document and compare with the truth")
    args = parser.parse_args()
    start = time.perf_counter()
    truth = generate(args.out, args.n, args.seed, harvest(args.source or DEFAULT_SOURCES))
    elapsed = time.perf_counter() - start
    print(f"{args.n} documents in {args.out} ({elapsed:.1f} s, {args.n / elapsed:.0f} docs/s); ground truth: {truth}")
    if args.check:
        check(truth)


def check(truth_path: Path) -> None:
    """Read and extract each generated document; print the agreement rates and a few disagreements."""
    from ingest.pipeline import extract
    from ingest.readers import read

    agreement = Agreement()
    with truth_path.open(encoding="utf-8") as lines:
        for line in lines:
            truth = json.loads(line)
            agreement.add(truth, extract(read(truth_path.parent / truth["file"])))
    print(json.dumps({"documents": agreement.documents, "rates": agreement.rates()}, indent=1))
    for name, examples in sorted(agreement.misses.items()):
        print(f"{name}: {agreement.totals[name] - agreement.counts[name]} disagree, e.g.", *examples, sep="\n  ")


if __name__ == "__main__":
    main()
