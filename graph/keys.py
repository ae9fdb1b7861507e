"""Identity keys for the entities of one Extraction, as the graph builder needs them.

The resolver (`ingest.keys`, "type|symbol|province-or-national|year") decides identity and records it in the
`key` fields; this module keeps its answer, with two additions. A key left blank (an Extraction made by hand or
by another tool) is derived by the same rule from what the citation says. And a key whose year is empty (a
citation printed without its date: "Nghị quyết 57-NQ/TW") takes the year of the other citations of the same
document in the same text, when they agree on one: cited in different words, it is still one document.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ingest.agencies import province_of
from ingest.keys import NATIONAL, agency_key, legal_key
from ingest.model import Agency, Extraction, Person, Programme
from ingest.text import fold

_PARTS = 4   # type | symbol | place | year


@dataclass
class KeyResolver:
    """Keys for one Extraction's citations, agencies, people and programmes."""
    extraction: Extraction

    def __post_init__(self) -> None:
        self._agencies = _agencies_by_name(self.extraction.agencies)
        self._citation_keys = _complete_years([ref.key or self._derived_key(i)
                                               for i, ref in enumerate(self.extraction.citations)])
        self._by_symbol: dict[str, list[str]] = defaultdict(list)
        for ref, key in zip(self.extraction.citations, self._citation_keys):
            if key not in self._by_symbol[fold(ref.symbol)]:
                self._by_symbol[fold(ref.symbol)].append(key)

    # --- legal documents ---------------------------------------------------------------------------------
    def citation_key(self, index: int) -> str:
        """Key of `extraction.citations[index]`."""
        return self._citation_keys[index]

    def document_key(self) -> str | None:
        """Key of the ingested document as a legal resource, when it has its own number."""
        meta = self.extraction.meta
        if not (meta.symbol and meta.doc_type):
            return None
        return meta.key or legal_key(meta.doc_type, meta.symbol, meta.province, meta.issued_date)

    def symbol_key(self, symbol: str) -> str | None:
        """The key of the document a bare symbol ("57-NQ/TW") names here, or None when no citation matches, or
        several different ones do (two provinces' "169/KH-UBND") and the document's own province does not decide."""
        candidates = self._by_symbol.get(fold(symbol), [])
        if len(candidates) > 1:
            own = fold(self.extraction.meta.province or NATIONAL)
            candidates = [key for key in candidates if fold(_place(key)) == own]
        return candidates[0] if len(candidates) == 1 else None

    def _derived_key(self, index: int) -> str:
        ref = self.extraction.citations[index]
        return legal_key(ref.doc_type, ref.symbol, self._province_of_issuer(ref.issuer), ref.date)

    def _province_of_issuer(self, issuer: str | None) -> str | None:
        """The issuer's province, from the document's agencies or the name itself; None for a central body."""
        agency = self.agency(issuer) if issuer else None
        if agency is not None:
            return agency.province
        found = province_of(issuer) if issuer else None
        return found[0] if found else None

    # --- agents and programmes ---------------------------------------------------------------------------
    def agency(self, name: str) -> Agency | None:
        return self._agencies.get(fold(name))

    def agency_key(self, name: str) -> str:
        agency = self.agency(name)
        return agency.key if agency and agency.key else agency_key(name)

    def person(self, name: str) -> Person | None:
        wanted = fold(name)
        return next((p for p in self.extraction.people if wanted in {fold(n) for n in (p.name, *p.aliases)}), None)

    def person_key(self, person: Person) -> str:
        """People are told apart by province: two namesakes in two provinces stay two people."""
        return f"{self.extraction.meta.province or NATIONAL}|{person.name}"

    def programme(self, name: str) -> Programme | None:
        wanted = fold(name)
        return next((p for p in self.extraction.programmes
                     if wanted in {fold(n) for n in (p.name, *p.aliases)}), None)

    def programme_key(self, programme: Programme) -> str:
        return programme.key or f"{programme.province or NATIONAL}|{programme.name}"

    def named_programme_key(self, name: str) -> str:
        """The key of a programme a task names but no Programme describes: the name within the document's province."""
        programme = self.programme(name)
        if programme is not None:
            return self.programme_key(programme)
        return f"{self.extraction.meta.province or NATIONAL}|{name}"


def _identity(parts: list[str]) -> tuple[str, ...]:
    return tuple(fold(part) for part in parts[:3])


def _place(key: str) -> str:
    parts = key.split("|")
    return parts[2] if len(parts) == _PARTS else ""


def _complete_years(keys: list[str]) -> list[str]:
    """Give a key without a year the year of the other keys of the same type, symbol and place, if only one."""
    split = [key.split("|") for key in keys]
    years: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for parts in split:
        if len(parts) == _PARTS and parts[3]:
            years[_identity(parts)].add(parts[3])
    completed = []
    for key, parts in zip(keys, split):
        if len(parts) == _PARTS and not parts[3] and len(years[_identity(parts)]) == 1:
            key = "|".join(parts[:3] + list(years[_identity(parts)]))
        completed.append(key)
    return completed


def _agencies_by_name(agencies: list[Agency]) -> dict[str, Agency]:
    by_name: dict[str, Agency] = {}
    for agency in agencies:
        for name in (agency.name, *agency.aliases):
            by_name.setdefault(fold(name), agency)
    for agency in agencies:   # a canonical name wins over another agency's alias
        by_name[fold(agency.name)] = agency
    return by_name
