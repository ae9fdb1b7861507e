"""Identity keys, decided once here and kept by every later stage.

A legal document is type + symbol + the province of its issuing body ("national" for central bodies) + year: the
"169/KH-UBND" of two provinces are two documents, and one document cited in different words is one. An agency is
its canonical name, folded, with abbreviations expanded.
"""
from __future__ import annotations

import re

from ingest.agencies import _key, expand_abbreviations

NATIONAL = "national"
_YEAR_IN_SYMBOL = re.compile(r"/((?:19|20)\d\d)/")


def year_of(symbol: str | None, date: str | None) -> str | None:
    """The year a document was issued: the one in its symbol ("11/2025/QĐ-UBND"), else its printed date's."""
    m = _YEAR_IN_SYMBOL.search(symbol or "")
    if m:
        return m.group(1)
    m = re.match(r"((?:19|20)\d\d)", date or "")
    return m.group(1) if m else None


def legal_key(doc_type: str, symbol: str, province: str | None, date: str | None) -> str:
    """"type|symbol|province-or-national|year"; the year part is empty when neither symbol nor date gives it."""
    return "|".join([doc_type, symbol, province or NATIONAL, year_of(symbol, date) or ""])


def agency_key(name: str) -> str:
    return _key(expand_abbreviations(name))
