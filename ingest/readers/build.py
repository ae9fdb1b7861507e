"""The last two steps every reader shares: classify its paragraphs and tables, lay them out with offsets."""
from __future__ import annotations

from pathlib import Path

from ingest.document import SourceDocument
from ingest.readers.classify import classify
from ingest.readers.draft import assemble
from ingest.readers.items import Item, Para, ReadTable
from ingest.text import normalise


def document(items: list[Item], path: Path, media_type: str, warnings: list[str] | None = None) -> SourceDocument:
    return assemble(classify(items), source=path.name, path=str(path), media_type=media_type, warnings=warnings)


def normalised(items: list[Item]) -> list[Item]:
    """Normalise the text of items read from a structured format (HTML, Word, PDF), whose libraries hand out
    text as stored; plain text is normalised whole before it is parsed."""
    for item in items:
        if isinstance(item, ReadTable):
            for row in item.rows:
                for cell in row:
                    _normalise_paras(cell.paras)
        else:
            _normalise_paras([item])
    return items


def _normalise_paras(paras: list[Para]) -> None:
    for para in paras:
        para.text = normalise(para.text)
        para.footnotes = [(label, normalise(body)) for label, body in para.footnotes]
