"""Long, bounded robustness runs: the readers fuzzed with hypothesis and atheris, the store killed again and again.

    .venv/bin/python bench/robustness_bench.py [--examples 1000] [--atheris-seconds 90] [--rounds 100]

1. hypothesis: the strategies of `tests/robustness/malformed.py`, `--examples` files per format, fresh random
   seeds; every file must read into a well-formed document or be refused with one clear ReadError in time.
2. atheris (coverage-guided, libFuzzer): `--atheris-seconds` per format, mutating a few valid files, with the
   readers, pdfminer, pdfplumber and python-docx instrumented; the same contract (a violation stops the run and
   leaves the input in the output folder). Skipped, and said so, when atheris is not installed.
3. crash rounds: `--rounds` writers killed with SIGKILL (half after a random delay, half at a random input/output
   step of the store), each followed by the full check of `tests/robustness/crashes.py`.

Prints inputs tried, outcomes, failures, rounds survived and documents lost; figures go to bench/README.md.
Inputs that broke the contract are kept under the output folder printed at the end.
"""
from __future__ import annotations

import argparse
import collections
import importlib
import importlib.util
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT / ".." / "shared"
FORMATS = {".txt": "text_files", ".html": "html_files", ".docx": "docx_files", ".pdf": "pdf_files"}
ATHERIS_WORKER = "--atheris-worker"   # the child process that libFuzzer runs in (see atheris_run)
READER_MODULES = ("ingest.readers.text_file", "ingest.readers.html", "ingest.readers.word", "ingest.readers.pdf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="hypothesis examples per format")
    parser.add_argument("--atheris-seconds", type=int, default=90, help="atheris time per format (0: skip)")
    parser.add_argument("--rounds", type=int, default=100, help="SIGKILL rounds (0: skip)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the crash rounds (default: random)")
    args = parser.parse_args()
    output = Path(tempfile.mkdtemp(prefix="plangraph-robustness-"))
    if args.examples:
        for suffix, strategy in FORMATS.items():
            hypothesis_run(strategy, args.examples, output)
    if args.atheris_seconds:
        for suffix in FORMATS:
            atheris_run(suffix, args.atheris_seconds, output)
    if args.rounds:
        crash_rounds(args.rounds, args.seed if args.seed is not None else random.randrange(10**6), output)
    print(f"\ninputs that broke the contract, if any: {output}")


# -- hypothesis -----------------------------------------------------------------------------------------------

def hypothesis_run(strategy_name: str, examples: int, output: Path) -> None:
    from hypothesis import HealthCheck, given, settings

    from tests.robustness import malformed

    outcomes: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    slowest = 0.0
    scratch = output / "scratch"
    scratch.mkdir(exist_ok=True)

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(getattr(malformed, strategy_name)())
    def one(drawn):
        nonlocal slowest
        suffix, data = drawn
        path = scratch / f"input{suffix}"
        path.write_bytes(data)
        try:
            outcome = malformed.check_read(path)
        except AssertionError as broken:
            kept = output / f"failure-{len(failures)}{suffix}"
            kept.write_bytes(data)
            failures.append(f"{kept.name}: {str(broken)[:200]}")
            return
        slowest = max(slowest, outcome.seconds)
        outcomes["read" if outcome.read else _reason_kind(outcome.reason)] += 1

    started = time.monotonic()
    one()
    tried = sum(outcomes.values()) + len(failures)
    print(f"\nhypothesis {strategy_name}: {tried} inputs in {time.monotonic() - started:.0f} s, "
          f"{len(failures)} contract failures, slowest {slowest:.1f} s")
    for kind, count in outcomes.most_common(12):
        print(f"  {count:6d}  {kind}")
    for failure in failures[:10]:
        print(f"  FAILED {failure}")


def _reason_kind(reason: str) -> str:
    """The reason without its numbers and quoted details, so that outcomes group."""
    return re.sub(r"\(\w+(Error|Exception): .*", "(parser error)", re.sub(r"[\d,.]+", "N", reason))[:80]


# -- atheris --------------------------------------------------------------------------------------------------

def atheris_run(suffix: str, seconds: int, output: Path) -> None:
    if importlib.util.find_spec("atheris") is None:
        print(f"\natheris {suffix}: skipped, atheris is not installed (pip install atheris==3.0.0)")
        return
    corpus = output / f"atheris-corpus{suffix.replace('.', '-')}"
    corpus.mkdir(exist_ok=True)
    started = time.monotonic()
    run = subprocess.run([sys.executable, __file__, ATHERIS_WORKER, suffix, str(output), str(corpus),
                          f"-max_total_time={seconds}", "-timeout=30", "-rss_limit_mb=6144",
                          "-print_final_stats=1", f"-artifact_prefix={output}/atheris-{suffix[1:]}-"],
                         capture_output=True, text=True, timeout=seconds + 300)
    executed = re.search(r"stat::number_of_executed_units:\s*(\d+)", run.stderr)
    coverage = re.findall(r"cov: (\d+)", run.stderr)
    crashed = [line for line in run.stderr.splitlines() if "ERROR: libFuzzer" in line or "Uncaught" in line]
    print(f"\natheris {suffix}: {executed.group(1) if executed else '?'} inputs in "
          f"{time.monotonic() - started:.0f} s, coverage {coverage[-1] if coverage else '?'} edges, "
          f"{len(crashed)} contract failures{': ' + crashed[0] if crashed else ''}")


def atheris_worker(suffix: str, output: Path, libfuzzer_arguments: list[str]) -> None:
    """Run inside a child process: libFuzzer takes over and exits when its time is up. The first of its
    arguments is the corpus folder."""
    import atheris

    with atheris.instrument_imports(include=["ingest", "pdfminer", "pdfplumber", "docx"]):
        for module in READER_MODULES:   # imported here, before anything else does, to be instrumented
            importlib.import_module(module)
    from tests.robustness.malformed import check_read

    _seed_corpus(Path(libfuzzer_arguments[0]), suffix)
    path = output / f"atheris-input{suffix}"

    def one(data: bytes) -> None:
        path.write_bytes(data)
        check_read(path)

    atheris.Setup([sys.argv[0], *libfuzzer_arguments], one)
    atheris.Fuzz()


def _seed_corpus(corpus: Path, suffix: str) -> None:
    """A few valid files to start mutating from: a real sample plan in the format, built by hand."""
    from tests.robustness.malformed import cell, docx_package, paragraph, pdf_file, pdf_page_objects

    plan = sorted((SHARED / "corpus").glob("*.txt"), key=lambda p: p.stat().st_size)[0].read_text("utf-8")
    lines = [line for line in plan.splitlines() if line.strip()][:40]
    if suffix == ".txt":
        seeds = ["\n".join(lines).encode("utf-8"), "\n".join(lines).encode("utf-16")]
    elif suffix == ".html":
        seeds = [("<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "<table><tr><td>1</td>"
                  "<td colspan=2>Sở</td></tr></table></body></html>").encode("utf-8")]
    elif suffix == ".docx":
        table = "<w:tbl><w:tr>" + cell(paragraph("STT")) + cell(paragraph("Nội dung")) + "</w:tr></w:tbl>"
        seeds = [docx_package("".join(paragraph(line) for line in lines[:15]) + table)]
    else:
        ascii_lines = [line.encode("ascii", "ignore").decode().replace("(", "").replace(")", "") for line in lines]
        content = "BT /F1 11 Tf 72 740 Td 14 TL " + " ".join(f"({line[:80]}) '" for line in ascii_lines) + " ET"
        seeds = [pdf_file(pdf_page_objects(content.encode("latin-1"))),
                 pdf_file(pdf_page_objects(content.encode("latin-1"), deflate=True))]
    for number, seed in enumerate(seeds):
        (corpus / f"seed-{number}").write_bytes(seed)


# -- crash rounds ---------------------------------------------------------------------------------------------

def crash_rounds(rounds: int, seed: int, output: Path) -> None:
    from tests.robustness.crashes import crash_round, prepare_plan

    sources = sorted((SHARED / "corpus").glob("*.txt"), key=lambda p: p.stat().st_size)[:3]
    plan = output / "plan"
    prepare_plan(sources, plan)
    rng = random.Random(seed)
    survived = lost = changes = 0
    failures: list[str] = []
    started = time.monotonic()
    for number in range(rounds):
        mode = "timer" if number % 2 else "step"
        try:
            crash = crash_round(plan, output / "store", rng, mode=mode)
        except AssertionError as broken:   # the store failed a check after the kill
            failures.append(f"round {number} ({mode}): {str(broken)[:300]}")
            continue
        changes += crash.changes_done
        lost += crash.lost
        if crash.state in crash.allowed and not crash.lost:
            survived += 1
        else:
            failures.append(f"round {number} ({mode}): state {sorted(crash.state)} not in {crash.allowed}")
    print(f"\ncrash rounds (seed {seed}): {survived} of {rounds} survived in {time.monotonic() - started:.0f} s, "
          f"{changes} changes completed between kills, {lost} documents lost")
    for failure in failures[:10]:
        print(f"  FAILED {failure}")


if __name__ == "__main__":
    if sys.argv[1:2] == [ATHERIS_WORKER]:
        atheris_worker(sys.argv[2], Path(sys.argv[3]), sys.argv[4:])
    else:
        main()
