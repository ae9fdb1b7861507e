"""Requests/s and latency of GET /search and GET /legal/{id} at N concurrent clients on loopback.

    .venv/bin/python bench/api_bench.py                       # the five sample documents of ../shared/corpus
    .venv/bin/python bench/api_bench.py --store DIR           # an existing store (e.g. a larger one)
    .venv/bin/python bench/api_bench.py --store DIR --workers 2   # `plangraph serve --workers 2`

The server runs in its own process (`plangraph serve`, one worker unless told), so that the clients' threads
do not share its interpreter; the memory of its processes (workers and their SPARQL processes) is reported. Each
client is a thread with its own httpx connection (kept alive, or a new one per request with
`--fresh-connections`); the run is bounded by a request count and a time limit, whichever comes first, and only
ever talks to 127.0.0.1. Queries are the shared evaluation queries (../shared/eval/queries.json), cycled; legal
pages are every legal document of the store, cycled. Entity pages are computed once per store state and then
served from memory; the first pass over them is reported separately as "cold".
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
sys.path.insert(0, str(ROOT))

from api.links import page_of  # noqa: E402  (after the path is set: run from a checkout)

LEGAL_QUERY = "SELECT DISTINCT ?l WHERE { ?l a eli:LegalResource }"


def ingest_samples(directory: Path) -> None:
    from graph.store import Store
    from ingest.pipeline import extract
    from ingest.readers import read
    store = Store(directory, validate=False)
    for path in sorted((SHARED / "corpus").glob("*.txt")):
        doc = read(path)
        store.ingest(path, extract(doc), doc)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(store: Path, port: int, workers: int) -> subprocess.Popen:
    environment = {**os.environ, "PLANGRAPH_EMBED_DUPLICATES": "false", "HF_HUB_OFFLINE": "1",
                   "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--store", str(store), "--port", str(port),
                             "--workers", str(workers)], env=environment, stdout=subprocess.DEVNULL)


def wait_settled(server: subprocess.Popen, limit_s: float = 1800) -> None:
    """Until the server's processes are idle (under a fifth of a core for a second): all workers loaded."""
    root = psutil.Process(server.pid)
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        processes = [root, *root.children(recursive=True)]
        for process in processes:
            process.cpu_percent()
        time.sleep(1.0)
        if sum(p.cpu_percent() for p in processes if p.is_running()) < 20:
            return


def memory_mib(server: subprocess.Popen) -> dict[str, float]:
    """Resident memory of the server's processes: the one started and every process under it."""
    root = psutil.Process(server.pid)
    processes = [root, *root.children(recursive=True)]
    sizes = {f"{p.pid} {' '.join(p.cmdline()[1:4])}": round(p.memory_info().rss / 2**20, 1) for p in processes}
    return {**sizes, "total": round(sum(sizes.values()), 1)}


def wait_ready(base: str, server: subprocess.Popen, limit_s: float = 600) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited before it answered")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not answer in time")


def search_paths() -> list[str]:
    queries = json.loads((SHARED / "eval" / "queries.json").read_text(encoding="utf-8"))
    return [f"/search?q={quote(q['query'])}&k=10" for q in queries]


def legal_paths(base: str) -> list[str]:
    answer = httpx.get(f"{base}/sparql", params={"query": LEGAL_QUERY}, timeout=60).json()
    return [page_of(row["l"]["value"]) for row in answer["results"]["bindings"]]


def load(base: str, paths: list[str], clients: int, requests: int, seconds: float, fresh: bool = False) -> dict:
    """`requests` GETs of `paths` (cycled) from `clients` threads, stopped at `seconds` if not done; with `fresh`,
    each on a new connection."""
    latencies: list[float] = []
    failures = 0
    counter = iter(range(requests))
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal failures
        headers = {"Accept": "application/json", **({"Connection": "close"} if fresh else {})}
        with httpx.Client(base_url=base, timeout=30, headers=headers) as http:
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                started = time.perf_counter()
                status = http.get(paths[n % len(paths)]).status_code
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    failures += status >= 500

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {"requests": len(ordered), "errors_5xx": failures, "seconds": round(wall, 2),
            "requests_per_s": round(len(ordered) / wall, 1),
            "p50_ms": round(1000 * statistics.median(ordered), 1),
            "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
            "max_ms": round(1000 * ordered[-1], 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="an existing store (default: the samples, ingested now)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=800, help="per endpoint")
    parser.add_argument("--seconds", type=float, default=60, help="time limit per endpoint")
    parser.add_argument("--workers", type=int, default=1, help="server processes (`plangraph serve --workers`)")
    parser.add_argument("--fresh-connections", action="store_true",
                        help="each request on a new connection, as from many browsers or through a balancer: a "
                             "kept-alive connection stays with the worker that accepted it, so 8 can split 5 to 3")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="plangraph-bench-") as scratch:
        store = args.store or Path(scratch)
        if args.store is None:
            ingest_samples(store)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        server = start_server(store, port, args.workers)
        try:
            wait_ready(base, server, limit_s=1800)
            ready_s = round(time.monotonic() - started, 1)
            wait_settled(server)   # the other workers answer once they have loaded the store too
            legal = legal_paths(base)
            wait_settled(server)   # the SPARQL process the first query started has loaded the store
            fresh = args.fresh_connections
            results = {"store": str(store), "clients": args.clients, "workers": args.workers,
                       "fresh_connections": fresh,
                       "start_s": ready_s, "legal_pages": len(legal), "load_average": os.getloadavg(),
                       "search": load(base, search_paths(), args.clients, args.requests, args.seconds, fresh),
                       "legal_cold": load(base, legal, args.clients, len(legal), args.seconds, fresh),
                       "legal": load(base, legal, args.clients, args.requests, args.seconds, fresh),
                       "memory_mib": memory_mib(server), "load_average_after": os.getloadavg()}
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
