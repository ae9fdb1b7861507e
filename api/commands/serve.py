"""`plangraph serve --store DIR [--host --port --workers N]`: the HTTP API, the SPARQL endpoint and the search page."""
from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import socket
import sys
import threading
import time
from pathlib import Path

from api.commands.errors import CommandError, open_store, port_number
from api.commands.store import DEFAULT_STORE
from api.settings import Settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# A request line this long still reaches the app, which refuses an over-long query with a 4xx and a reason;
# past uvicorn's default (16 KiB) the connection would be dropped with no answer at all. The limit is h11's, so the
# parser is h11 even where httptools is installed (llhttp refuses a long request line itself, in plain text).
MAX_REQUEST_HEAD_BYTES = 1024 * 1024
# uvicorn's supervisor kills a worker that does not answer its ping in time (5 s by default). Workers holding
# 107k units (3 GB each) on two busy cores were killed and restarted mid-run, dropping their clients' connections,
# in 3 of 4 runs of bench/api_bench.py --workers 2; with a minute's grace, none was. Only that long a silence
# means a worker is hung.
WORKER_SILENCE_S = 60


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the store over HTTP: API, SPARQL endpoint and search page")
    p.add_argument("--store", default=DEFAULT_STORE, help="store directory (made by `plangraph ingest`)")
    add_address_arguments(p)
    p.add_argument("--workers", type=_worker_count, default=1,
                   help="server processes sharing the port (default 1); each holds the whole store in memory")
    p.set_defaults(func=run)


def add_address_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (default: loopback only)")
    parser.add_argument("--port", type=port_number, default=DEFAULT_PORT, help="port to listen on (0: any free port)")


def run(args: argparse.Namespace) -> int:
    if not open_store(args.store).documents():
        print(f"warning: {args.store} holds no documents yet; add some with `plangraph ingest PATH --store "
              f"{args.store}`", file=sys.stderr)
    settings = dataclasses.replace(Settings.from_env(), store=Path(args.store))
    return serve(settings, args.host, args.port, args.workers)


def _worker_count(value: str) -> int:
    count = int(value) if value.isdigit() else 0
    if not 1 <= count <= 64:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of workers from 1 to 64")
    return count


def check_address(host: str, port: int) -> None:
    """Refuse, before the service loads its store, an address it could not listen on (a host name that does not
    resolve, a port in use or reserved); uvicorn would say so only after that, in a log line of its own."""
    try:
        family, _type, _proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        socket.create_server(address, family=family).close()
    except OSError as error:
        raise CommandError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def server_config(app, host: str, port: int):
    """How plangraph runs under uvicorn (the commands, the tests' live server and the benchmark alike)."""
    import uvicorn
    return uvicorn.Config(app, host=host, port=port, log_level="warning", http="h11",
                          h11_max_incomplete_event_size=MAX_REQUEST_HEAD_BYTES)


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> int:
    """Run the app until Ctrl-C; print its address once it answers. With several `workers`, as many processes
    answer on the one port (the GIL lets one process search on one core at a time)."""
    import uvicorn

    from api.app import create_app

    check_address(host, port)
    if workers > 1:
        return _serve_workers(settings, host, port, workers)
    server = uvicorn.Server(server_config(create_app(settings), host, port))
    threading.Thread(target=_announce, args=(server,), daemon=True).start()
    server.run()
    return 0


def _announce(server) -> None:
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.1)
    _print_address(*server.servers[0].sockets[0].getsockname()[:2])


def _print_address(host: str, port: int, how: str = "") -> None:
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    print(f"plangraph is serving at http://{shown}:{port}/{how}  (Ctrl-C stops it)", flush=True)


def _serve_workers(settings: Settings, host: str, port: int, workers: int) -> int:
    """uvicorn's worker processes on one socket. Each builds the app from the environment (the store passed as
    PLANGRAPH_STORE) and loads the saved search index, brought up to date here first, in a process of its own,
    so that the workers do not all index the same changes at once."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    indexing = multiprocessing.get_context("spawn").Process(target=_update_index, args=(settings,))
    indexing.start()
    indexing.join()
    os.environ["PLANGRAPH_STORE"] = str(settings.store)
    config = uvicorn.Config("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                            log_level="warning", http="h11", h11_max_incomplete_event_size=MAX_REQUEST_HEAD_BYTES,
                            timeout_worker_healthcheck=WORKER_SILENCE_S)
    listening = config.bind_socket()
    listening.listen(config.backlog)   # connections wait from now on, until a worker has loaded the store
    _print_address(*listening.getsockname()[:2], f" with {workers} workers")
    Multiprocess(config, sockets=[listening]).run()
    return 0


def _update_index(settings: Settings) -> None:
    from api.library import embedder_of
    from api.search_adapter import update_store_index
    from graph.store import Store

    store = Store(settings.store, validate=settings.validate)
    update_store_index(store, embedder_of(store, settings.search_embedder))
