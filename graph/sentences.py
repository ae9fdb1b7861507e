"""The sentence a span of a document lies in: what the questions show beside a citation."""
from __future__ import annotations

import re

from ingest.document import SourceDocument

_SENTENCE_END = re.compile(r"(?<=[.;!?:])\s+(?=[\"“(\-–+•]?[A-ZĐÀ-Ỹ0-9])|\n")
_MAX_SENTENCE = 400


def sentence_around(doc: SourceDocument, start: int, end: int) -> str:
    """The sentence (or table cell) of `doc` that holds the span, on one line."""
    low, high = _enclosing(doc, start, end)
    text = doc.text
    left = max([low] + [m.end() for m in _SENTENCE_END.finditer(text, low, start)])
    right_match = _SENTENCE_END.search(text, end, high)
    right = right_match.start() if right_match else high
    if left < start - _MAX_SENTENCE:   # a run-on paragraph: cut at a word boundary near the limit
        left = text.find(" ", start - _MAX_SENTENCE, start) + 1 or start - _MAX_SENTENCE
    if right > end + _MAX_SENTENCE:
        space = text.rfind(" ", end, end + _MAX_SENTENCE)
        right = space if space > 0 else end + _MAX_SENTENCE
    return " ".join(text[left:right].split())


def _enclosing(doc: SourceDocument, start: int, end: int) -> tuple[int, int]:
    for block in doc.blocks:
        if block.start <= start < block.end:
            for row in block.rows:
                for cell in row.cells:
                    if cell.start <= start < cell.end:
                        return cell.start, max(cell.end, end)
            return block.start, max(block.end, end)
    return 0, len(doc.text)
