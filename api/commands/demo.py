"""`plangraph demo [--store DIR] [--port]`: ingest the repository's sample documents (corpus/) and serve them.

The store is the default one (`.plangraph-store/` in the current directory) unless --store names another; a
second run finds the samples unchanged and starts at once. The admin endpoints are on, with a token made for
this run and printed, so an upload can be tried too.
"""
from __future__ import annotations

import argparse
import dataclasses
import secrets
import sys
from pathlib import Path

from api.commands import serve, store
from api.settings import Settings

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="ingest the sample documents of corpus/ and serve them on localhost")
    p.add_argument("--store", default=store.DEFAULT_STORE, help=f"store directory (default {store.DEFAULT_STORE})")
    serve.add_address_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(f"ingesting {CORPUS} into {args.store} ...", file=sys.stderr, flush=True)
    if store.run_ingest(argparse.Namespace(paths=[str(CORPUS)], store=args.store, no_index=False,
                                           no_validate=False, workers=None, scheduler=None)):
        print("warning: some sample documents were not ingested (see above)", file=sys.stderr)
    token = secrets.token_urlsafe(24)
    print(f"admin token for this run: {token}", file=sys.stderr, flush=True)
    # a few sample documents: judging their duplicates on meaning costs seconds
    settings = dataclasses.replace(Settings.from_env(), store=Path(args.store), admin_token=token,
                                   embed_duplicates=True)
    return serve.serve(settings, args.host, args.port)
