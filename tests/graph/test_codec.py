"""graph.codec: SourceDocument and Extraction survive JSON unchanged."""
from __future__ import annotations

import json

from graph.codec import from_json, to_json
from ingest.document import SourceDocument
from ingest.model import Extraction
from tests.graph import sample


def test_codec_round_trip_source_document():
    doc = sample.source_document()
    back = from_json(SourceDocument, to_json(doc))
    assert back == doc and back.id == doc.id
    table = next(back.iter_blocks("table"))
    assert table.header[0].cells[0].bold and table.body[0].cells[1].text == sample.ROW_TEXT


def test_codec_round_trip_extraction():
    extraction = sample.extraction()
    back = from_json(Extraction, to_json(extraction))
    assert back == extraction
    assert back.citations[0].span.start == extraction.citations[0].span.start


def test_codec_reads_json_written_before_a_field_was_added():
    data = json.loads(to_json(sample.extraction()))
    for task in data["tasks"]:
        del task["programmes"]   # as an older writer, without the field, would have left it
    back = from_json(Extraction, json.dumps(data))
    assert all(task.programmes == [] for task in back.tasks)
