"""`plangraph ingest PATH... --store DIR` and `plangraph remove DOC --store DIR`: the persistent store."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterator

from tqdm import tqdm

from api.commands.inputs import count_inputs, iter_inputs, read_inputs
from graph.duplicate_index import duplicate_index
from graph.questions import question_graph
from graph.store import Store, StoreError, StoreLockedError
from ingest.document import SourceDocument
from ingest.model import Extraction
from ingest.pipeline import extract

DEFAULT_STORE = ".plangraph-store"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="read documents into the store (unchanged files are left as they are)")
    p.add_argument("paths", nargs="+", help="files or folders")
    p.add_argument("--store", default=DEFAULT_STORE, help="store directory (created if missing)")
    p.add_argument("--no-index", action="store_true",
                   help="leave the search and question indexes as they are (they catch up when next opened)")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation of each document's graph")
    p.add_argument("--workers", type=int, help="read and extract on a local Dask cluster of N processes")
    p.add_argument("--scheduler", help="read and extract on the Dask cluster whose scheduler is at ADDRESS")
    p.set_defaults(func=run_ingest)
    r = sub.add_parser("remove", help="delete a document and every fact drawn from it")
    r.add_argument("document", help="document id, source file name or path")
    r.add_argument("--store", default=DEFAULT_STORE)
    r.set_defaults(func=run_remove)


def run_ingest(args: argparse.Namespace) -> int:
    store = Store(args.store, validate=not args.no_validate)
    counts = {"added": 0, "replaced": 0, "unchanged": 0, "duplicate": 0, "failed": 0}
    bar = tqdm(total=count_inputs(args.paths), unit="doc", file=sys.stderr, disable=not sys.stderr.isatty())
    for path, doc, extraction in _extracted(args):
        bar.update(1)
        if doc is None:
            counts["failed"] += 1
            continue
        try:
            result = store.ingest(path, extraction or extract(doc), doc)
            counts[result.status] += 1
        except StoreLockedError as err:   # another process writes to the store: the rest would fail alike
            print(f"error: {path.name}: {err}", file=sys.stderr)
            counts["failed"] += 1
            break
        except StoreError as err:
            print(f"error: {path.name}: {err}", file=sys.stderr)
            counts["failed"] += 1
        except Exception as err:  # the batch goes on; the store still holds its previous state for this file
            print(f"error: {path.name}: {type(err).__name__}: {err}", file=sys.stderr)
            counts["failed"] += 1
    bar.close()
    indexed = args.no_index or _update_index(store)
    print(", ".join(f"{n} {k}" for k, n in counts.items() if n) or "nothing to do", file=sys.stderr)
    return 1 if counts["failed"] or not indexed else 0


def _extracted(args: argparse.Namespace) -> Iterator[tuple[Path, SourceDocument | None, Extraction | None]]:
    """(path, document or None, extraction or None) per input; read and extracted on a Dask cluster with
    --workers or --scheduler (the store is still written here, by this one process)."""
    if not (args.workers or args.scheduler):
        yield from ((path, doc, None) for path, doc in read_inputs(args.paths))
        return
    from ingest.distributed import cluster_client, extract_on_cluster   # dask loads only when asked for
    skipped: list[Path] = []
    with cluster_client(args.workers, args.scheduler) as client:
        for outcome in extract_on_cluster(iter_inputs(args.paths, skipped), client):
            if not outcome.ok:
                print(f"error: {outcome.error}", file=sys.stderr)
            document, extraction = outcome.value or (None, None)
            yield outcome.path, document, extraction
    for path in skipped:
        print(f"skipped: {path}: no reader for '{path.suffix or path.name}' files", file=sys.stderr)


def _update_index(store: Store) -> bool:
    """Bring the store's indexes up to date: in the search index the documents changed become one segment and
    the ones removed are tombstoned (api.search_adapter); the question and duplicate indexes read the changed
    documents' graphs and extractions (graph.question_index, graph.duplicate_index), so the next question does
    not. False, with the reason printed, when it cannot be done now."""
    from api.search_adapter import update_store_index   # search/ loads only when an index is wanted
    for name, update in (("search", update_store_index), ("question", question_graph),
                         ("duplicate", duplicate_index)):
        try:
            update(store)
        except (OSError, StoreError) as err:
            print(f"error: the {name} index was not updated ({err}); it catches up when next opened",
                  file=sys.stderr)
            return False
    return True


def run_remove(args: argparse.Namespace) -> int:
    store = Store(args.store)
    try:
        doc_id = store.remove(args.document)
    except StoreError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"removed {doc_id}", file=sys.stderr)
    return 0 if _update_index(store) else 1
