"""The `plangraph` command: a thin layer over the pipeline and the services."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterator

from ingest.errors import PlangraphError
from ingest.readers import SUPPORTED_SUFFIXES, read


def iter_inputs(paths: list[str], skipped: list[Path]) -> Iterator[Path]:
    """Files named, and the files of folders named (sorted); files of a type no reader handles are skipped."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
                elif not child.name.startswith("."):
                    skipped.append(child)
        else:
            yield path


def read_all(paths: list[str]) -> Iterator[tuple[Path, object]]:
    """(path, SourceDocument) for every input that reads; one line on stderr for each that does not."""
    skipped: list[Path] = []
    for path in iter_inputs(paths, skipped):
        try:
            yield path, read(path)
        except PlangraphError as err:
            print(f"error: {err}", file=sys.stderr)
            yield path, None
    for path in skipped:
        print(f"skipped: {path}: no reader for '{path.suffix or path.name}' files", file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    from ingest.evaljson import eval_json
    from ingest.pipeline import extract

    failed = 0
    pairs = []
    for path, doc in read_all(args.paths):
        if doc is None:
            failed += 1
            continue
        try:
            pairs.append((doc, extract(doc)))
        except Exception as err:  # one bad document must not stop the batch; say which and why
            print(f"error: {path.name}: extraction failed: {type(err).__name__}: {err}", file=sys.stderr)
            failed += 1
    extractions = [ex for _, ex in pairs]
    if args.format == "eval-json":
        from graph.duplicates import find_duplicates
        groups = find_duplicates(extractions)
        json.dump(eval_json(extractions, [g.to_eval() for g in groups]), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from graph.build import build_graph
        from graph.serialize import serialize
        dataset = None
        for doc, ex in pairs:
            dataset = build_graph(ex, doc, dataset)
        sys.stdout.write(serialize(dataset, args.format) if dataset is not None else "")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plangraph", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="read documents and print what was extracted")
    p.add_argument("paths", nargs="+")
    p.add_argument("--format", choices=["eval-json", "turtle", "jsonld", "nquads"], default="eval-json")
    p.set_defaults(func=cmd_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
