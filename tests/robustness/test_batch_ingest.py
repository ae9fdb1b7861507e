"""One bad file must not stop a batch: `plangraph ingest` on a folder of real documents mixed with broken and
hostile files stores every good one, gives one line per bad file, and exits 1."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile

from graph.store import Store
from ingest.readers.limits import MIB
from tests.robustness.crashes import REPO
from tests.robustness.malformed import docx_package, paragraph, pdf_file, pdf_page_objects

GOOD = 3


def _bad_files() -> dict[str, bytes]:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", bytes(64 * MIB))
    plan = docx_package(paragraph("Kế hoạch phát triển khoa học và công nghệ năm 2025"))
    return {
        "truncated.docx": plan[:len(plan) // 2],
        "bomb.docx": bomb.getvalue(),
        "deep.html": ("<p>Kế hoạch</p>" + "<span>nhiệm vụ " * 400).encode("utf-8"),
        "wide.txt": "\n".join("\t".join(["Sở"] * 5000) for _ in range(3)).encode("utf-8"),
        "binary.txt": bytes(range(256)) * 20,
        "empty.md": b"",
        "truncated.pdf": pdf_file(pdf_page_objects(b"BT /F1 12 Tf 72 700 Td (Ke hoach) Tj ET"))[:300],
        "scanned.pdf": pdf_file(pdf_page_objects(b"0 0 m 612 792 l S 10 10 100 100 re f"), xref=False),   # no text
    }


def test_batch_ingest_stores_the_good_files_and_names_each_bad_one(shared_dir, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    good = sorted((shared_dir / "corpus").glob("*.txt"), key=lambda path: path.stat().st_size)[:GOOD]
    for source in good:
        shutil.copy(source, folder / source.name)
    bad = _bad_files()
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    run = subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(folder), "--store", str(tmp_path / "store")],
                         cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                         timeout=600)
    lines = run.stderr.splitlines()
    assert run.returncode == 1
    assert sorted(line.split(":")[1].strip() for line in lines[:-1]) == sorted(bad), run.stderr
    assert all(line.startswith("error: ") for line in lines[:-1]), run.stderr   # nothing else: no tracebacks
    assert lines[-1] == f"{GOOD} added, {len(bad)} failed"
    assert sorted(entry.source for entry in Store(tmp_path / "store").documents()) == sorted(s.name for s in good)
