"""`plangraph extract PATH... --format eval-json|turtle|jsonld|nquads`: read and extract, print to stdout."""
from __future__ import annotations

import argparse
import json
import sys

from api.commands.errors import nothing_to_read
from api.commands.inputs import read_inputs
from ingest.pipeline import extract


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="read documents and print what was extracted")
    p.add_argument("paths", nargs="+", help="files or folders")
    p.add_argument("--format", choices=["eval-json", "turtle", "jsonld", "nquads"], default="eval-json")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    failed = 0
    pairs = []
    inputs = 0
    for path, doc in read_inputs(args.paths):
        inputs += 1
        if doc is None:
            failed += 1
            continue
        try:
            pairs.append((doc, extract(doc)))
        except Exception as err:  # one bad document must not stop the batch: say which and why, go on
            print(f"error: {path.name}: extraction failed: {type(err).__name__}: {err}", file=sys.stderr)
            failed += 1
    if not inputs:
        raise nothing_to_read(args.paths)
    if args.format == "eval-json":
        _print_eval_json([ex for _, ex in pairs])
    else:
        _print_rdf(pairs, args.format)
    return 1 if failed else 0


def _print_eval_json(extractions) -> None:
    from graph.duplicates import find_duplicates
    from ingest.evaljson import eval_json
    groups = find_duplicates(extractions)
    json.dump(eval_json(extractions, [g.to_eval() for g in groups]), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def _print_rdf(pairs, fmt: str) -> None:
    from rdflib import Dataset

    from graph.build import build_graph
    from graph.serialize import serialize
    merged = Dataset()
    for doc, ex in pairs:
        for quad in build_graph(ex, doc).quads():
            merged.add(quad)
    sys.stdout.write(serialize(merged, fmt))
