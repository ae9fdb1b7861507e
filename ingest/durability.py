"""Durable writes shared by the stores (graph/store.py, search/segments.py): a rename is only as durable as the
directory entry that records it, so both fsync files and their directories."""
from __future__ import annotations

import os
from pathlib import Path


def fsync_path(path: Path) -> None:
    """Flush a file's or a directory's contents (for a directory: its entries) to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
