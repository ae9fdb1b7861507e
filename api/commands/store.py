"""`plangraph ingest PATH... --store DIR` and `plangraph remove DOC --store DIR`: the persistent store."""
from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from api.commands.inputs import count_inputs, read_inputs
from graph.store import Store, StoreError
from ingest.pipeline import extract

DEFAULT_STORE = ".plangraph-store"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="read documents into the store (unchanged files are left as they are)")
    p.add_argument("paths", nargs="+", help="files or folders")
    p.add_argument("--store", default=DEFAULT_STORE, help="store directory (created if missing)")
    p.add_argument("--no-index", action="store_true", help="skip rebuilding the search index")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation of each document's graph")
    p.set_defaults(func=run_ingest)
    r = sub.add_parser("remove", help="delete a document and every fact drawn from it")
    r.add_argument("document", help="document id, source file name or path")
    r.add_argument("--store", default=DEFAULT_STORE)
    r.set_defaults(func=run_remove)


def run_ingest(args: argparse.Namespace) -> int:
    store = Store(args.store, validate=not args.no_validate)
    counts = {"added": 0, "replaced": 0, "unchanged": 0, "duplicate": 0, "failed": 0}
    bar = tqdm(total=count_inputs(args.paths), unit="doc", file=sys.stderr, disable=not sys.stderr.isatty())
    for path, doc in read_inputs(args.paths):
        bar.update(1)
        if doc is None:
            counts["failed"] += 1
            continue
        try:
            result = store.ingest(path, extract(doc), doc)
            counts[result.status] += 1
        except StoreError as err:
            print(f"error: {path.name}: {err}", file=sys.stderr)
            counts["failed"] += 1
            if "locked" in str(err).lower():
                break
        except Exception as err:  # the batch goes on; the store still holds its previous state for this file
            print(f"error: {path.name}: {type(err).__name__}: {err}", file=sys.stderr)
            counts["failed"] += 1
    bar.close()
    if not args.no_index and counts["added"] + counts["replaced"]:
        _reindex(store)
    print(", ".join(f"{n} {k}" for k, n in counts.items() if n) or "nothing to do", file=sys.stderr)
    return 1 if counts["failed"] else 0


def _reindex(store: Store) -> None:
    try:
        from search.index_store import rebuild_index
    except ImportError:
        return
    rebuild_index(store)


def run_remove(args: argparse.Namespace) -> int:
    store = Store(args.store)
    try:
        doc_id = store.remove(args.document)
    except StoreError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    _reindex(store)
    print(f"removed {doc_id}", file=sys.stderr)
    return 0
