"""What every reader hands to the classifier: paragraphs and tables as read, before they become blocks.

A `Para` is one logical paragraph (hard-wrapped lines already joined), with the emphasis and heading depth its
source gave it; a `ReadTable` is a grid of cells, each cell a list of paragraphs, with the page breaks the
reader saw inside it. Whether a paragraph is a heading, a list item or part of a signature, and which rows are
headers or continuations, is decided later, the same way for every format.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ingest.readers.inline import LINE_BREAK


@dataclass(slots=True)
class Para:
    text: str
    bold: bool = False
    heading: int = 0                    # heading depth the source declared (markdown "#", Word "Heading 2"), else 0
    footnotes: list[tuple[str, str]] = field(default_factory=list)   # (label, body) found in this paragraph


@dataclass(slots=True)
class ReadCell:
    paras: list[Para] = field(default_factory=list)

    @property
    def text(self) -> str:
        return LINE_BREAK.join(p.text for p in self.paras if p.text)

    @property
    def bold(self) -> bool:
        texts = [p for p in self.paras if p.text]
        return bool(texts) and all(p.bold for p in texts)


@dataclass(slots=True)
class ReadTable:
    rows: list[list[ReadCell]]
    page_breaks: set[int] = field(default_factory=set)   # indices of rows that open a new page


Item = Para | ReadTable
