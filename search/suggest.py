"""Suggestions as the user types: entity names (agencies, people, legal documents, programmes), tolerant of
missing diacritics ("so khoa" finds "Sở Khoa học và Công nghệ …")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ingest.text import fold
from search.resolve import Entity


@dataclass
class Suggestion:
    name: str
    kind: str
    key: str
    units: int      # how many units link to it


class Suggester:
    def __init__(self, entities: Sequence[Entity], unit_counts: dict[str, int]):
        self._entries = [(entity, [fold(f) for f in (entity.name, *entity.aliases)]) for entity in entities]
        self._unit_counts = unit_counts

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Names that start with what was typed first, then names with a word that starts with it; among
        equals, the entity more units link to."""
        typed = fold(prefix)
        if not typed or limit <= 0:
            return []
        word_start = re.compile(rf"(?<!\w){re.escape(typed)}")
        found: dict[tuple[str, str], tuple[int, Suggestion]] = {}
        for entity, forms in self._entries:
            if any(f.startswith(typed) for f in forms):
                place = 0
            elif any(word_start.search(f) for f in forms):
                place = 1
            else:
                continue
            slot = (entity.kind, entity.key)
            if slot not in found or place < found[slot][0]:
                units = self._unit_counts.get(entity.key, 0)
                found[slot] = (place, Suggestion(entity.name, entity.kind, entity.key, units))
        ordered = sorted(found.values(), key=lambda ps: (ps[0], -ps[1].units, ps[1].name))
        return [s for _, s in ordered[:limit]]
