"""A bounded load test of `plangraph serve` on loopback with locust: mixed reads while a writer adds and removes
documents through the admin endpoints; then a check that no document was lost.

    .venv/bin/python bench/load_bench.py                        # the five sample documents of ../shared/corpus
    .venv/bin/python bench/load_bench.py --store DIR            # a copy of an existing store (DIR is not changed)
    .venv/bin/python bench/load_bench.py --seconds 10 --users 4 --json OUT   # the CI run (tests/robustness)

The server is `python -m api.cli serve` in its own process, with an admin token made for the run. Readers are
locust users (FastHttpUser, no think time, so the figure is the sustained rate the server gives) asking for
/search (the shared evaluation queries and phrases cut from the stored texts, with and without diacritics, with
filters and pages taken from the facets), /suggest (what was typed so far), /legal, /agencies, /tasks,
/documents (their ids read from the store before the run), /sparql (read queries) and /stats. One writer, at the
same time, uploads small documents of ../shared/corpus-legal and deletes some of the ones it uploaded (never the
documents the readers ask for), and keeps a journal of what the server answered.

After the readers stop and the writer's last change has been answered, every document that should be there (the
initial ones, and every upload answered with success and not deleted since) is checked: listed by /documents,
its page served, its named graph not empty (SPARQL), found by /search with a phrase of its own text, and on disk
in the store's manifest with its graph file. A document failing any of these is lost; one listed that should not
be (deleted, or never accepted) is unexpected. The exit status is 1 when anything answered 5xx, a connection
failed, or a document was lost or unexpected.
"""
from __future__ import annotations

# locust patches the standard library for gevent when it is imported: before anything opens a socket
import gevent  # isort: skip
from gevent.event import Event  # isort: skip
from locust import FastHttpUser, constant, events, task  # isort: skip
from locust.clients import HttpSession  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import json
import math
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
sys.path.insert(0, str(ROOT))

from api.links import ROUTES, page_of  # noqa: E402  (after the path is set: run from a checkout)
from graph.iri import graph_iri  # noqa: E402
from graph.store import Store  # noqa: E402
from ingest.text import fold  # noqa: E402

SERVER_START_S = 900          # a large store's first start builds its search index
WRITE_TIMEOUT_S = 1800        # an upload rebuilds the service's snapshot (at 100k units: minutes) before it answers
WRITER_POOL = 8               # the smallest documents of corpus-legal: each change is then quick
WRITER_MAX_LIVE = 4
WRITER_PAUSE_S = 0.2
PHRASES_PER_DOCUMENT = 6
TARGETS_PER_KIND = 200
ENTITY_QUERIES = {"legal": "SELECT DISTINCT ?x WHERE { ?x a eli:LegalResource }",
                  "agency": "SELECT DISTINCT ?x WHERE { ?x a org:Organization }",
                  "task": "SELECT DISTINCT ?x WHERE { ?x a p-plan:Step }"}
SPARQL_READS = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a ?type } } GROUP BY ?g",
                "SELECT DISTINCT ?citer WHERE {{ ?citer eli:based_on|eli:cites <{legal}> }} LIMIT 100",
                "SELECT ?task ?p ?o WHERE {{ <{task}> ?p ?o }} LIMIT 50",
                "ASK {{ GRAPH ?g {{ <{agency}> ?p ?o }} }}")
ADDRESS = re.compile(r"http://localhost:(\d+)/")


# ------------------------------------------------------------------------------------------------ the server
def ingest_samples(store: Path) -> None:
    """The shared sample documents, ingested with `plangraph ingest` as a user would."""
    command = [sys.executable, "-m", "api.cli", "ingest", str(SHARED / "corpus"), "--store", str(store),
               "--no-validate"]
    subprocess.run(command, cwd=ROOT, env=_environment(), check=True, stdout=subprocess.DEVNULL)


def start_server(store: Path, token: str) -> tuple[subprocess.Popen, str]:
    """`plangraph serve` on a free loopback port; its base URL once it has printed its address."""
    environment = {**_environment(), "PLANGRAPH_ADMIN_TOKEN": token}
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--store", str(store), "--port", "0"],
                              cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True)
    line = gevent.with_timeout(SERVER_START_S, server.stdout.readline, timeout_value="")
    found = ADDRESS.search(line)
    if not found:
        server.kill()
        raise SystemExit(f"plangraph serve on {store} did not print its address (it printed {line!r})")
    return server, f"http://127.0.0.1:{found.group(1)}"


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _environment() -> dict[str, str]:
    return {**os.environ, "PLANGRAPH_EMBED_DUPLICATES": "false", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}


# ------------------------------------------------------------------------------------------------ the traffic
@dataclass
class Traffic:
    """What the readers ask for, all read from the store before the run."""
    searches: list[dict]
    prefixes: list[str]
    pages: dict[str, list[str]]
    sparql: list[str]
    documents: dict[str, str]     # doc_id -> source: the documents at the start


def collect_traffic(base: str, rng: random.Random) -> Traffic:
    with httpx.Client(base_url=base, timeout=120, headers={"Accept": "application/json"}) as http:
        listed = http.get("/documents").json()["documents"]
        texts = [http.get(f"/documents/{d['doc_id']}").json()["text"]
                 for d in rng.sample(listed, min(len(listed), TARGETS_PER_KIND))]
        entities = {kind: _entities(http, query, rng) for kind, query in ENTITY_QUERIES.items()}
        queries = [q["query"] for q in json.loads((SHARED / "eval" / "queries.json").read_text(encoding="utf-8"))]
        phrases = [phrase for text in texts for phrase in cut_phrases(text, rng, PHRASES_PER_DOCUMENT)]
        typed = queries + phrases + [fold(p) for p in phrases]    # as written, and typed without diacritics
        facets = http.get("/search", params={"q": queries[0], "k": 1}).json()["facets"]
    pages = {f"/{ROUTES[kind]}/{{id}}": [page_of(iri) for iri in iris] for kind, iris in entities.items()}
    pages["/documents/{id}"] = [f"/documents/{d['doc_id']}" for d in listed]
    return Traffic(searches=search_requests(typed, facets, rng), prefixes=[_typed_so_far(t, rng) for t in typed],
                   pages=pages, sparql=sparql_reads(entities),
                   documents={d["doc_id"]: d["source"] for d in listed})


def _entities(http: httpx.Client, query: str, rng: random.Random) -> list[str]:
    """A sample of the IRIs the query finds that have a page of their own."""
    rows = http.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    iris = [row["x"]["value"] for row in rows if page_of(row["x"]["value"])]
    return rng.sample(iris, min(len(iris), TARGETS_PER_KIND))


def cut_phrases(text: str, rng: random.Random, count: int) -> list[str]:
    """Runs of 3 to 6 words cut from a document's text, as someone quoting it would type them."""
    words = [w for w in re.findall(r"\w+", text) if not w.isdigit()]
    if len(words) < 6:
        return []
    phrases = []
    for _ in range(count):
        length = rng.randint(3, 6)
        start = rng.randrange(len(words) - length + 1)
        phrases.append(" ".join(words[start:start + length]))
    return phrases


def search_requests(typed: list[str], facets: dict[str, list[dict]], rng: random.Random) -> list[dict]:
    """Each query plain, then again with a page further on or a filter from the facets (one in three each)."""
    requests = []
    for query in typed:
        requests.append({"q": query, "k": 10})
        requests.append({"q": query, "k": rng.choice((5, 10, 20)), "offset": rng.choice((10, 20, 40))})
        name = rng.choice([n for n, values in facets.items() if values] or [None])
        if name is not None:
            requests.append({"q": query, "k": 10, name: rng.choice(facets[name])["value"]})
    rng.shuffle(requests)
    return requests


def _typed_so_far(text: str, rng: random.Random) -> str:
    return text[:rng.randint(min(3, len(text)), len(text))].strip() or text


def sparql_reads(entities: dict[str, list[str]]) -> list[str]:
    iri = {kind: iris[0] for kind, iris in entities.items() if iris}
    reads = [SPARQL_READS[0]]
    for template in SPARQL_READS[1:]:
        try:
            reads.append(template.format(**iri))
        except KeyError:      # the store has no entity of that kind
            continue
    return reads


def reader_class(traffic: Traffic, seed: int) -> type[FastHttpUser]:
    """A locust user asking for the traffic's pages, weighted as a portal's visitors would."""
    rng = random.Random(seed)

    class Reader(FastHttpUser):
        wait_time = constant(0)
        network_timeout = 120.0
        connection_timeout = 30.0

        def _get(self, name: str, path: str, **params) -> None:
            self.client.get(path, params=params or None, name=name, headers={"Accept": "application/json"})

        @task(8)
        def search(self) -> None:
            self._get("/search", "/search", **rng.choice(traffic.searches))

        @task(4)
        def suggest(self) -> None:
            self._get("/suggest", "/suggest", q=rng.choice(traffic.prefixes))

        @task(6)
        def entity(self) -> None:
            name = rng.choice([n for n, pages in traffic.pages.items() if pages])
            self._get(name, rng.choice(traffic.pages[name]))

        @task(1)
        def sparql(self) -> None:
            self._get("/sparql", "/sparql", query=rng.choice(traffic.sparql))

        @task(1)
        def stats(self) -> None:
            self._get("/stats", "/stats")

    return Reader


# ------------------------------------------------------------------------------------------------ the writer
@dataclass
class Writer:
    """Uploads and deletes documents of its own pool one at a time and remembers what the server accepted."""
    session: HttpSession
    pool: list[Path]
    token: str
    rng: random.Random
    live: dict[str, str] = field(default_factory=dict)          # doc_id -> source, uploaded and not deleted
    live_uploads: dict[str, Path] = field(default_factory=dict)  # doc_id -> the pool file it came from
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def run(self, stop: Event) -> None:
        while not stop.is_set():
            if self.live and (len(self.live) >= WRITER_MAX_LIVE or self.rng.random() < 0.4):
                self._delete(self.rng.choice(sorted(self.live)))
            else:
                self._upload(self.rng.choice([p for p in self.pool if p not in self.live_uploads.values()]))
            stop.wait(WRITER_PAUSE_S)

    def _upload(self, path: Path) -> None:
        response = self.session.post("/admin/ingest", name="POST /admin/ingest", headers=self._auth(),
                                     files={"file": (path.name, path.read_bytes())}, timeout=WRITE_TIMEOUT_S)
        status = response.json().get("status") if response.status_code == 200 else None
        if status in ("added", "replaced"):
            answer = response.json()   # the source the server stored: the upload's name made safe (and shortened)
            self.live[answer["doc_id"]] = answer["source"]
            self.live_uploads[answer["doc_id"]] = path
            self.counts["ingested"] += 1
        else:   # refused, or the text was already stored under another name: not the writer's to delete
            self.counts[f"ingest answered {status or response.status_code}"] += 1

    def _delete(self, doc_id: str) -> None:
        response = self.session.delete(f"/admin/documents/{doc_id}", name="DELETE /admin/documents/{id}",
                                       headers=self._auth(), timeout=WRITE_TIMEOUT_S)
        if response.status_code == 200:
            del self.live[doc_id]
            del self.live_uploads[doc_id]
            self.counts["deleted"] += 1
        else:
            self.counts[f"delete answered {response.status_code}"] += 1

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def writer_pool(count: int, folder: Path) -> list[Path]:
    """The smallest documents of corpus-legal, each with a closing line of its own and a new name: new
    documents even for a store that holds corpus-legal already (the same text would be a duplicate of it)."""
    folder.mkdir(parents=True, exist_ok=True)
    pool = []
    for path in sorted((SHARED / "corpus-legal").glob("*.md"), key=lambda p: p.stat().st_size)[:count]:
        upload = folder / f"tai-len-{path.name}"
        upload.write_text(path.read_text(encoding="utf-8") + "\n\nBản tải lên khi thử tải.\n", encoding="utf-8")
        pool.append(upload)
    return pool


# ------------------------------------------------------------------------------------------------ the run
class Recorder:
    """Every request's latency and answer, per endpoint (locust's own percentiles are rounded): "2xx", or the
    status code of anything else, or "no answer" when the connection failed; with the first such answer's
    body, to say why."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.first_refusal: dict[str, str] = {}

    def __call__(self, name: str, response_time: float, response=None, exception=None, **_kwargs) -> None:
        status = getattr(response, "status_code", 0) or 0
        self.latencies[name].append(response_time)
        self.statuses[name]["no answer" if status == 0 else "2xx" if 200 <= status < 300 else str(status)] += 1
        if not 200 <= status < 300 and name not in self.first_refusal:
            self.first_refusal[name] = f"{status}: {getattr(response, 'text', None) or exception}"[:300]

    def table(self, seconds: float) -> dict[str, dict]:
        rows = {}
        for name in sorted(self.latencies):
            ordered = sorted(self.latencies[name])
            rows[name] = {"requests": len(ordered), "requests_per_s": round(len(ordered) / seconds, 1),
                          "p50_ms": round(percentile(ordered, 0.50), 1),
                          "p95_ms": round(percentile(ordered, 0.95), 1),
                          "max_ms": round(ordered[-1], 1), "answers": dict(sorted(self.statuses[name].items()))}
            if name in self.first_refusal:
                rows[name]["first_refusal"] = self.first_refusal[name]
        return rows


def percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values: one that was measured, never below the median."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def run_load(base: str, traffic: Traffic, pool: list[Path], token: str, users: int, seconds: float,
             seed: int) -> dict:
    environment = Environment(user_classes=[reader_class(traffic, seed)], host=base, events=events)
    recorder = Recorder()
    environment.events.request.add_listener(recorder)
    writer = Writer(HttpSession(base, environment.events.request, None), pool, token, random.Random(seed + 1))
    stop = Event()
    runner = environment.create_local_runner()
    started = time.perf_counter()
    writing = gevent.spawn(writer.run, stop)
    runner.start(users, spawn_rate=users)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    reading_s = time.perf_counter() - started
    stop.set()
    writing.join()         # the change in flight is answered before the store is checked
    if writing.exception is not None:
        raise writing.exception
    rows = recorder.table(reading_s)
    reads = [row for name, row in rows.items() if not name.startswith(("POST", "DELETE"))]
    return {"users": users, "seconds": round(reading_s, 1), "endpoints": rows,
            "read_requests": sum(r["requests"] for r in reads),
            "read_requests_per_s": round(sum(r["requests"] for r in reads) / reading_s, 1),
            "errors_5xx": sum(n for r in rows.values() for answer, n in r["answers"].items() if answer[0] == "5"),
            "no_answer": sum(r["answers"].get("no answer", 0) for r in rows.values()),
            "writer": dict(writer.counts), "expected": {**traffic.documents, **writer.live}}


# ------------------------------------------------------------------------------------------------ the check
def check_documents(base: str, expected: dict[str, str], rng: random.Random) -> dict[str, list[str]]:
    """Why each expected document is lost (listed, page, graph, search), and which listed ones are unexpected."""
    problems: dict[str, list[str]] = defaultdict(list)
    with httpx.Client(base_url=base, timeout=120, headers={"Accept": "application/json"}) as http:
        listed = {d["doc_id"] for d in http.get("/documents").json()["documents"]}
        for doc_id, source in expected.items():
            if doc_id not in listed:
                problems[doc_id].append("not listed by /documents")
                continue
            page = http.get(f"/documents/{doc_id}")
            if page.status_code != 200:
                problems[doc_id].append(f"/documents/{doc_id} answered {page.status_code}")
                continue
            if not _has_graph(http, doc_id):
                problems[doc_id].append("its named graph is empty")
            if not _searchable(http, doc_id, source, passages(page.json()), rng):
                problems[doc_id].append("not found by /search with a phrase of its own passages")
    unexpected = sorted(listed - set(expected))
    return {"lost": {doc_id: reasons for doc_id, reasons in problems.items()}, "unexpected": unexpected}


def passages(page: dict) -> list[str]:
    """A document page's paragraphs, list items and table body rows of 8 words or more: each one is a unit of
    the search index, or inside a task's (a heading row, a signature, a closing line of three words are not)."""
    text = page["text"]
    found = [text[b["start"]:b["end"]] for b in page["blocks"] if b["kind"] in ("paragraph", "list_item")]
    for block in page["blocks"]:
        found.extend(" ".join(text[start:end] for start, end in row["cells"])
                     for row in block.get("rows", []) if not row["header"])
    return [passage for passage in found if len(passage.split()) >= 8]


def _has_graph(http: httpx.Client, doc_id: str) -> bool:
    query = f"ASK {{ GRAPH <{graph_iri(doc_id)}> {{ ?s ?p ?o }} }}"
    return http.get("/sparql", params={"query": query}).json().get("boolean") is True


def _searchable(http: httpx.Client, doc_id: str, source: str, texts: list[str], rng: random.Random) -> bool:
    """A phrase of one of the document's passages finds one of its units, shown or listed as a duplicate of the
    unit shown (the search shows one unit of a group of identical ones, even from another source than the
    filter's)."""
    phrases = [phrase for text in rng.sample(texts, min(3, len(texts))) for phrase in cut_phrases(text, rng, 1)]
    for phrase in phrases:
        hits = http.get("/search", params={"q": phrase, "k": 50, "source": source}).json().get("hits", [])
        for hit in hits:
            members = [hit["id"], *hit["explanation"].get("duplicates", [])]
            if any(member.startswith(f"{doc_id}/") for member in members):
                return True
    return False


def check_on_disk(store: Path, expected: dict[str, str]) -> dict[str, list[str]]:
    """Expected documents missing from the manifest, or whose files are not there."""
    entries = {entry.doc_id: entry for entry in Store(store, validate=False).documents()}
    problems = {}
    for doc_id in expected:
        entry = entries.get(doc_id)
        if entry is None:
            problems[doc_id] = ["not in the store's manifest"]
            continue
        missing = [name for name in (entry.graph_file, entry.document_file, entry.extraction_file)
                   if not (store / name).is_file() or not (store / name).stat().st_size]
        if missing:
            problems[doc_id] = [f"missing or empty: {', '.join(missing)}"]
    return problems


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def measure(store: Path, pool: list[Path], users: int, seconds: float, seed: int) -> dict:
    token = secrets.token_urlsafe(24)
    rng = random.Random(seed)
    started = time.perf_counter()
    server, base = start_server(store, token)
    try:
        start_s = time.perf_counter() - started
        traffic = collect_traffic(base, rng)
        before = load_average()
        result = run_load(base, traffic, pool, token, users, seconds, seed)
        result["load_average"] = {"before": before, "after": load_average()}
        result["server_start_s"] = round(start_s, 1)
        result["documents_at_start"] = len(traffic.documents)
        checked = check_documents(base, result["expected"], rng)
    finally:
        stop_server(server)
    expected = result.pop("expected")
    lost = checked["lost"]
    for doc_id, reasons in check_on_disk(store, expected).items():
        lost.setdefault(doc_id, []).extend(reasons)
    return {**result, "documents_checked": len(expected), "documents_lost": lost,
            "documents_unexpected": checked["unexpected"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="an existing store, copied first (default: the samples)")
    parser.add_argument("--users", type=int, default=8, help="concurrent readers")
    parser.add_argument("--seconds", type=float, default=60, help="how long the readers run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="plangraph-load-") as scratch:
        store = Path(scratch) / "store"
        if args.store is None:
            ingest_samples(store)
        else:
            shutil.copytree(args.store, store, ignore=shutil.ignore_patterns("lock"))
        pool = writer_pool(WRITER_POOL, Path(scratch) / "uploads")
        figures = {"store": str(args.store or SHARED / "corpus"),
                   **measure(store, pool, args.users, args.seconds, args.seed)}
    text = json.dumps(figures, indent=1, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    failed = figures["errors_5xx"] or figures["no_answer"] or figures["documents_lost"] or \
        figures["documents_unexpected"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
