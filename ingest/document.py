"""The structured document every reader produces and every extractor reads.

`SourceDocument.text` is the document's display text, normalised (see `ingest.text.normalise`), with markup
removed; every block, row and cell carries its character span into that text, so any fact extracted from it can
point back at the sentence it came from.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Iterator, Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table", "footnote", "signature", "recipients"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def text(self, doc: "SourceDocument") -> str:
        return doc.text[self.start:self.end]


@dataclass
class Cell:
    text: str          # the cell's text; page-break fragments of a continued row joined with one space
    start: int
    end: int
    bold: bool = False


@dataclass
class Row:
    cells: list[Cell]
    start: int
    end: int
    is_header: bool = False
    is_section: bool = False      # a group heading inside the table ("I | Nghiên cứu khoa học"), not a data row

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Block:
    kind: BlockKind
    text: str
    start: int
    end: int
    numbering: str | None = None   # "I", "1", "1.1", "a", "-", "+", "(i)" as printed, without the punctuation
    level: int = 0                 # nesting depth of headings and list items, 0 for top level
    bold: bool = False
    rows: list[Row] = field(default_factory=list)   # tables only; header rows flagged, repeated headers dropped
    label: str | None = None        # footnotes: their number

    @property
    def header(self) -> list[Row]:
        return [r for r in self.rows if r.is_header]

    @property
    def body(self) -> list[Row]:
        return [r for r in self.rows if not r.is_header]


@dataclass
class SourceDocument:
    source: str                      # file name as given (the eval key)
    text: str
    blocks: list[Block]
    path: str | None = None
    media_type: str = "text/plain"
    warnings: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        """Content address: the same text gives the same id, whatever the file is called."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    def iter_blocks(self, *kinds: BlockKind) -> Iterator[Block]:
        return (b for b in self.blocks if not kinds or b.kind in kinds)
