"""Writing an index directory so that a crash never leaves a mix of old and new files.

bm25s cannot add documents to a saved index (xhluca/bm25s#129), so every change is a rebuild: the new state is
written into a fresh sibling directory and swapped in for the old one, which is removed only afterwards.
"""
from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Callable


def replace_dir(target: Path | str, write: Callable[[Path], None]) -> Path:
    """Call `write(fresh_dir)`, then put the fresh directory where `target` was."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(f".{target.name}.new-{uuid.uuid4().hex[:8]}")
    try:
        write(fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
