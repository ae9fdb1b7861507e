"""`duplicates --task` from the on-disk duplicate index at N documents, without ingesting N: a stored corpus's
extractions indexed again and again as new documents, then the groups of random tasks asked of it.

Run: .venv/bin/python -m bench.duplicate_index_scale STORE --copies K --out DIR [--reword 0.3]
Copy 0 is the corpus as stored. In each further copy every document gets a new file name and doc_id, and every
task's text has a share `--reword` of its words replaced by words drawn from the corpus (seeded by copy, file and
task): a province's plan restating another's in its own words, so that the LSH finds near copies across copies
as it would across provinces, not K verbatim twins of every row. The latency is timed after copies 1, 6, 18
and 59 (about 1.7k, 10k, 30k and 100k documents for a store of 1,700) where K reaches them; each question
builds its finder from the index, as the CLI does.
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from dataclasses import replace
from pathlib import Path

from graph import codec
from graph.duplicate_index import INDEX_FILE, DuplicateIndex
from graph.store import Store
from ingest.model import Extraction

CHECKPOINTS = (1, 6, 18, 59)
SAMPLE = 30     # random tasks asked at each checkpoint


def _reworded(extraction: Extraction, copy: int, share: float, vocabulary: list[str]) -> Extraction:
    if copy == 0:
        return extraction
    tasks = []
    for task in extraction.tasks:
        rng = random.Random(f"{copy}:{extraction.source}:{task.id}")
        words = [rng.choice(vocabulary) if rng.random() < share else w for w in task.text.split()]
        tasks.append(replace(task, text=" ".join(words)))
    return replace(extraction, source=f"{extraction.source}~{copy}", doc_id=f"{extraction.doc_id}c{copy}",
                   tasks=tasks)


def _latency(index: DuplicateIndex, asked: list[tuple[str, str]]) -> str:
    times, groups = [], 0
    for source, task_id in asked:
        start = time.perf_counter()
        groups += len(index.groups_of(source, task_id))
        times.append(time.perf_counter() - start)
    times.sort()
    return (f"groups_of median {1000 * statistics.median(times):7.1f} ms   p95 "
            f"{1000 * times[int(0.95 * (len(times) - 1))]:7.1f} ms   ({len(asked)} tasks, {groups} groups)")


def main(store_dir: Path, copies: int, out: Path, share: float) -> None:
    store = Store(store_dir, validate=False)
    entries = store.documents()
    extractions = [(e.extraction_file, codec.from_json(Extraction, (store.path / e.extraction_file).read_text(
        encoding="utf-8"))) for e in entries]
    vocabulary = sorted({w for _f, x in extractions for t in x.tasks for w in t.text.split()})
    out.mkdir(parents=True, exist_ok=True)
    (out / INDEX_FILE).unlink(missing_ok=True)
    index = DuplicateIndex(out / INDEX_FILE)
    rng, asked_from, measuring = random.Random(7), [], 0.0
    start = time.perf_counter()
    for copy in range(copies):
        with index.transaction():
            for name, extraction in extractions:
                reworded = _reworded(extraction, copy, share, vocabulary)
                index.add(f"{name}~{copy}", reworded)
                asked_from += [(reworded.source, t.id) for t in reworded.tasks]
        if copy + 1 in CHECKPOINTS or copy + 1 == copies:
            built, asked = time.perf_counter() - start - measuring, time.perf_counter()
            size = sum(f.stat().st_size for f in out.glob(f"{INDEX_FILE}*")) / 2**30
            print(f"{len(extractions) * (copy + 1)} documents, {len(asked_from)} tasks: built in {built:.0f} s, "
                  f"{size:.2f} GiB; " + _latency(index, rng.sample(asked_from, SAMPLE)), flush=True)
            measuring += time.perf_counter() - asked
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--copies", type=int, required=True)
    parser.add_argument("--out", required=True, help="directory of the index (built anew)")
    parser.add_argument("--reword", type=float, default=0.3, help="share of each copied task's words replaced")
    args = parser.parse_args()
    main(Path(args.store), args.copies, Path(args.out), args.reword)
