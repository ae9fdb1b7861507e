"""Reading a query once: what it names, what it asks, and which of its words are left for text ranking."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ingest.text import fold, normalise
from search.resolve import AgencyMention, AgencyResolver, LegalResolver
from search.terms import has_diacritics, syllables

# "lặp lại", "trùng lặp", "giống với": the user asks for repetitions. Matched folded, except "trùng", which folds
# to a common word ("trung tâm") and counts only as typed with its marks.
DUPLICATE_CUES_FOLDED = ("lap di lap lai", "lap lai", "trung lap", "trung nhau", "giong voi", "giong nhau")
DUPLICATE_CUES_MARKED = ("trùng",)
# Question words carry no topic. Matched as typed: without marks only "nao" and "gi", which fold from no other
# common word.
QUESTION_WORDS = {"nào", "gì", "đâu", "ai", "những", "nao", "gi"}


@dataclass
class QueryPlan:
    query: str                        # as typed, normalised
    text: str                         # the words left for text ranking
    marked: bool                      # typed with diacritics
    legal: list[list[str]]            # per legal document named, the keys it resolves to
    agencies: list[AgencyMention]     # agencies and people named, in order, with the role asked about each
    duplicates: bool                  # asks for repetitions


def read_query(query: str, legal_resolver: LegalResolver, agency_resolver: AgencyResolver) -> QueryPlan:
    """Resolve what the query names; a resolver that also gives `mentions(query)` (spans, roles) is used so."""
    return with_agencies(read_words(query, legal_resolver), agency_resolver)


def read_words(query: str, legal_resolver: LegalResolver) -> QueryPlan:
    """The first half of `read_query`: the legal documents named and the words left for text ranking, all that
    embedding the query needs, so that it can start before the agencies are looked up."""
    query = normalise(query).strip()
    if hasattr(legal_resolver, "mentions"):
        by_span: dict[tuple[int, int], list[str]] = {}
        for m in legal_resolver.mentions(query):
            by_span.setdefault((m.start, m.end), []).append(m.key)
        legal, named = list(by_span.values()), list(by_span)
    else:
        legal, named = [[key] for key in legal_resolver.resolve(query)], []
    words, duplicates = ranking_words(query, named)
    return QueryPlan(query, words or query, has_diacritics(query), legal, [], duplicates)


def with_agencies(plan: QueryPlan, agency_resolver: AgencyResolver) -> QueryPlan:
    """The plan with the agencies and people the query names (the second half of `read_query`)."""
    if hasattr(agency_resolver, "mentions"):
        agencies = agency_resolver.mentions(plan.query)
    else:
        agencies = [AgencyMention(key, n, None, 1.0) for n, key in enumerate(agency_resolver.resolve(plan.query))]
    return replace(plan, agencies=agencies)


def ranking_words(query: str, named: list[tuple[int, int]]) -> tuple[str, bool]:
    """The query's words for text ranking, and whether it asks for repetitions.

    Left out: the words naming a legal document the graph resolved (the graph ranks by it; as words, "Kế hoạch",
    "số" and "UBND" match half the corpus), question words ("nào", "gì"), and the words asking for repetitions.
    """
    tokens = [t for t in syllables(query) if not any(s <= t.start < e for s, e in named)]
    folded = [fold(t.text) for t in tokens]
    cue_words: set[int] = set()
    for cue in DUPLICATE_CUES_FOLDED:
        words = cue.split()
        for i in range(len(folded) - len(words) + 1):
            if folded[i:i + len(words)] == words:
                cue_words.update(range(i, i + len(words)))
    cue_words.update(i for i, t in enumerate(tokens) if t.text.lower() in DUPLICATE_CUES_MARKED)
    questions = {i for i, t in enumerate(tokens) if t.text.lower() in QUESTION_WORDS}
    kept = " ".join(t.text for i, t in enumerate(tokens) if i not in cue_words | questions)
    return kept, bool(cue_words)
