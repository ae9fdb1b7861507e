"""What a query names: legal documents and agencies (or people), resolved to the keys the units link to.

The engine takes any `LegalResolver` and `AgencyResolver`; the citation grammar and the agency resolver of ingest/
can be plugged in. The implementations here work from the units' own link data alone, so the engine works end to
end without them:

- `LinkLegalResolver` reads every legal key the units cite, takes its symbol ("57-NQ/TW") and its type (from the
  key's words or the symbol's type code), and matches what people type: a full symbol ("1879/QD-UBND"), or a type
  word or code with a number ("nghị quyết số 57", "nghi quyet 57", "NQ 57", "NQ57", "Quyết định 749").
- `LinkAgencyResolver` reads every agency or person key the units link to (with the aliases of `Entity` records
  when given), and finds the one a query names, tolerant of diacritics and abbreviations ("Phòng TĐC",
  "Sở KH&CN", "PGĐ Phan Văn Hiếu"): the longest run of the query's words inside a name, weighted by how rare
  each word is among all names, must cover most of that name.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Protocol, runtime_checkable

from ingest.text import fold, fold_keep_length, normalise
from search.terms import Abbreviations, compounds, default_abbreviations, syllables
from search.units import Unit

ROLES = ("lead", "cooperating", "directed_by")
# Words that say which role the user asks about, folded; the role applies to the agency named just before.
ROLE_CUES: dict[str, str] = {
    "chu tri": "lead", "chiu trach nhiem": "lead", "phu trach": "lead", "dam nhiem": "lead",
    "phoi hop": "cooperating", "tham gia": "cooperating",
    "chi dao": "directed_by",
}
_SYMBOL = re.compile(r"\d{1,5}[a-z]?(?:/\d{4})?(?:[/-][a-z0-9&.]*[a-z][a-z0-9&.]*)+")


@dataclass(frozen=True)
class Entity:
    """A named thing people search for by name: an agency, a person, a legal document, a programme."""
    kind: str                     # agency | person | legal | programme
    key: str                      # the key units link to
    name: str                     # display name
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class LegalMention:
    key: str
    start: int                    # span of the naming words in the (normalised) query
    end: int


@dataclass(frozen=True)
class AgencyMention:
    key: str
    start: int                    # position of the mention among the query's words
    role: str | None              # the role the query asks about, when it says one
    coverage: float


@runtime_checkable
class LegalResolver(Protocol):
    """Query -> keys of the legal documents it names. A resolver that also has `mentions(query) ->
    list[LegalMention]` lets the engine take the naming words out of the text ranking."""

    def resolve(self, query: str) -> list[str]: ...


@runtime_checkable
class AgencyResolver(Protocol):
    """Query -> keys of the agencies and people it names. A resolver that also has `mentions(query) ->
    list[AgencyMention]` tells the engine the role asked about each."""

    def resolve(self, query: str) -> list[str]: ...


def canonical_words(text: str, abbreviations: Abbreviations | None = None) -> list[str]:
    """Folded syllables with every short form replaced by its long form ("Phòng TĐC" -> phong tieu chuan ...)."""
    table = abbreviations or default_abbreviations()
    text = normalise(text)
    pieces: list[tuple[int, list[str]]] = []
    whole = [(c, table.lookup_short(c.text)) for c in compounds(text)]
    # a document symbol ("32/KH-UBND") names its issuer's kind, not an agency the user means
    skipped = [c for c, longs in whole if longs or re.search(r"\d", c.text)]
    for compound, longs in whole:
        if longs:
            pieces.append((compound.start, [fold(s.text) for s in syllables(longs[0])]))
    for token in syllables(text):
        if any(c.start <= token.start < c.end for c in skipped):
            continue
        longs = table.lookup_short(token.text, text[token.end:token.end + 1] == ".")
        pieces.append((token.start, [fold(s.text) for s in syllables(longs[0])] if longs else [fold(token.text)]))
    return [w for _, words in sorted(pieces, key=lambda p: p[0]) for w in words]


# ---------------------------------------------------------------------------------------------------- legal


@dataclass
class _LegalKey:
    key: str
    symbol: str      # folded
    number: str
    types: set[str]  # folded type names


def _doc_types(table: Abbreviations) -> dict[str, str]:
    """Folded type words and codes -> folded type name, from the alias table's document types."""
    names: dict[str, str] = {}
    for short, long in table.entries(kind="doc"):
        names[fold(long)] = fold(long)
        names.setdefault(fold(short), fold(long))
    return names


class LinkLegalResolver:
    """Legal references in a query, resolved against the legal keys the units cite."""

    def __init__(self, keys: Iterable[str], abbreviations: Abbreviations | None = None):
        self._types = _doc_types(abbreviations or default_abbreviations())
        self._keys = [k for k in (self._parse(key) for key in dict.fromkeys(keys)) if k]
        # positions in `_keys` by symbol and by number: a query looks up what it names, not every key cited
        self._with_symbol: dict[str, list[int]] = {}
        self._with_number: dict[str, list[int]] = {}
        for position, k in enumerate(self._keys):
            self._with_symbol.setdefault(k.symbol, []).append(position)
            self._with_number.setdefault(k.number, []).append(position)
        words = sorted(self._types, key=len, reverse=True)
        self._mention = re.compile(r"(?<![a-z0-9])(?P<type>" + "|".join(re.escape(w) for w in words) + r")"
                                   r"\s*(?:so\s*)?:?\s*(?P<number>\d{1,5}[a-z]?)(?![0-9])")

    @classmethod
    def from_units(cls, units: Iterable[Unit]) -> "LinkLegalResolver":
        return cls(k for u in units for k in (*u.cites, *u.cites_via))

    def _parse(self, key: str) -> _LegalKey | None:
        folded = fold(key)
        symbol = _SYMBOL.search(folded)
        if not symbol:
            return None
        types = {name for word, name in self._types.items() if " " in word and folded.startswith(word)}
        for code in re.split(r"[/-]", symbol.group(0))[1:]:
            name = self._types.get(re.sub(r"\d+$", "", code))
            if name:
                types.add(name)
        return _LegalKey(key, symbol.group(0), re.match(r"\d+[a-z]?", symbol.group(0)).group(0), types)

    def resolve(self, query: str) -> list[str]:
        return list(dict.fromkeys(m.key for m in self.mentions(query)))

    def mentions(self, query: str) -> list[LegalMention]:
        """Each legal document the query names, with the span of the words that name it."""
        folded = fold_keep_length(normalise(query))
        typed = {m.group(0): (m.start(), m.end()) for m in _SYMBOL.finditer(folded)}
        found = [LegalMention(self._keys[p].key, *typed[self._keys[p].symbol])
                 for p in sorted(p for symbol in typed for p in self._with_symbol.get(symbol, ()))]
        for mention in self._mention.finditer(folded):
            type_name = self._types[mention.group("type")]
            end = max([mention.end()] + [e for s, e in typed.values() if s <= mention.end() <= e])
            numbered = (self._keys[p] for p in self._with_number.get(mention.group("number"), ()))
            found += [LegalMention(k.key, mention.start(), end) for k in numbered
                      if (type_name in k.types or not k.types)
                      and not (typed and k.symbol not in typed and _same_number(k, set(typed)))]
        widest: dict[str, LegalMention] = {}
        for m in found:
            seen = widest.get(m.key, m)
            widest[m.key] = LegalMention(m.key, min(m.start, seen.start), max(m.end, seen.end))
        return list(widest.values())


def _same_number(key: _LegalKey, symbols: set[str]) -> bool:
    """A full symbol was typed for this number: only that symbol is meant, not others with the same number."""
    return any(re.match(r"\d+[a-z]?", s).group(0) == key.number for s in symbols)


# ---------------------------------------------------------------------------------------------------- agency


@dataclass
class _Name:
    key: str
    words: list[str]


@dataclass
class LinkAgencyResolver:
    """Agencies and people a query names, resolved against the keys the units link to by role."""
    names: list[_Name]
    idf: dict[str, float] = field(default_factory=dict)
    context: dict[str, frozenset[str]] = field(default_factory=dict)   # key -> all its words, province included
    min_coverage: float = 0.6

    @classmethod
    def from_units(cls, units: Iterable[Unit], entities: Iterable[Entity] = ()) -> "LinkAgencyResolver":
        keys = list(dict.fromkeys(k for u in units for role in ROLES for k in getattr(u, role)))
        aliases: dict[str, list[str]] = {}
        for entity in entities:
            if entity.kind in ("agency", "person"):
                aliases.setdefault(entity.key, []).extend([entity.name, *entity.aliases])
        names = []
        for key in keys:
            for written in dict.fromkeys([key, *aliases.get(key, [])]):
                words = canonical_words(re.sub(r"\([^)]*\)", " ", written))
                if words:
                    names.append(_Name(key, words))
        df = Counter(w for n in names for w in set(n.words))
        idf = {w: math.log(1 + len(names) / c) for w, c in df.items()}
        return cls(names, idf, {key: frozenset(canonical_words(key)) for key in keys})

    def __post_init__(self):
        # id(name) -> word weights and their total, one pair for all names written alike (every province's "Sở Tài
        # chính"), so that a query weighs each way of writing a name once
        self._weights: dict[int, tuple[dict[str, float], float]] = {}
        written_alike: dict[tuple[str, ...], tuple[dict[str, float], float]] = {}
        # word -> positions in `names` of the names a query can cover enough of only by saying that word: a prefix
        # filter, so a query visits the few names sharing one of its rare words, not every "Sở ..." of the country
        self._needing: dict[str, list[int]] = {}
        self._first_words = [name.words[0] for name in self.names]
        for position, name in enumerate(self.names):
            if tuple(name.words) not in written_alike:
                weight = {w: self.idf.get(w, 1.0) for w in name.words}
                written_alike[tuple(name.words)] = weight, sum(weight.values())
            weight, total = self._weights[id(name)] = written_alike[tuple(name.words)]
            for word in self._words_needed(weight, total):
                self._needing.setdefault(word, []).append(position)

    def _words_needed(self, weight: dict[str, float], total: float) -> list[str]:
        """The heaviest words of a name such that a query saying none of them covers less than `min_coverage`."""
        needed, left = [], total
        for word in sorted(weight, key=lambda w: (-weight[w], w)):
            needed.append(word)
            left -= weight[word]
            if left < self.min_coverage * total - 1e-9:
                break
        return needed

    def _opening_with(self, words: list[str]) -> list[_Name]:
        """The names whose first word the query has (a mention opens with it, see `_coverage`) and that it may cover
        enough, in the order the query says their first words: of two names covering a key equally, the one
        opening earlier is its mention."""
        order = {word: i for i, word in enumerate(dict.fromkeys(words))}
        positions = {p for word in order for p in self._needing.get(word, ()) if self._first_words[p] in order}
        return [self.names[p] for p in sorted(positions, key=lambda p: (order[self._first_words[p]], p))]

    def resolve(self, query: str) -> list[str]:
        return list(dict.fromkeys(m.key for m in self.mentions(query)))

    def mentions(self, query: str) -> list[AgencyMention]:
        """Each agency the query names, once, in the order named, with the role asked about it."""
        words = canonical_words(query)
        present = set(words)
        best: dict[str, tuple[float, int, int]] = {}
        covered: dict[int, tuple[float, int, int]] = {}   # id of a name's weights -> its coverage in this query
        for name in self._opening_with(words):
            weight, total = self._weights[id(name)]
            if id(weight) not in covered:
                # the share of the name the query says bounds the coverage: most names opening with "Sở" fail it
                covered[id(weight)] = ((0.0, 0, 0) if sum(weight[w] for w in weight if w in present)
                                       < self.min_coverage * total else self._coverage(words, name.words, weight))
            coverage, start, end = covered[id(weight)]
            if coverage >= self.min_coverage and coverage > best.get(name.key, (0.0, 0, 0))[0]:
                best[name.key] = (coverage, start, end)
        kept = self._best_per_span(best, set(words))
        cues = _role_cues(words)
        return [AgencyMention(key, start, _role_after(end, kept, cues, key), coverage)
                for key, (coverage, start, end) in sorted(kept.items(), key=lambda kv: kv[1][1])]

    def _best_per_span(self, found: dict[str, tuple[float, int, int]],
                       query_words: set[str]) -> dict[str, tuple[float, int, int]]:
        """Where several names claim overlapping words of the query, the best covered win; among equals, those
        whose other words (the province, the parent body) the query also says ("Sở KH&CN" in a query about
        Quảng Ngãi is the Quảng Ngãi one); remaining ties are all kept."""
        rank = {key: (round(coverage, 2), len(self.context.get(key, frozenset()) & query_words))
                for key, (coverage, _, _) in found.items()}
        best_of_span: dict[tuple[int, int], tuple[float, int]] = {}   # many keys share a span: compare spans
        for key, (_, start, end) in found.items():
            best_of_span[start, end] = max(best_of_span.get((start, end), rank[key]), rank[key])
        return {key: (coverage, start, end) for key, (coverage, start, end) in found.items()
                if all(rank[key] >= best for (s, e), best in best_of_span.items() if s < end and start < e)}

    def _coverage(self, query: list[str], name: list[str], weight: dict[str, float]) -> tuple[float, int, int]:
        """How much of the name the query says. A mention opens with the name's first word, the kind of body
        ("Sở", "Phòng", "Thanh tra") or the person's family name, then runs on in the name's order (a short form
        may skip the middle: "Phòng TĐC" for "Phòng Quản lý Tiêu chuẩn Đo lường Chất lượng"); the run must hold a
        rare word, and the name's words found anywhere in the query, weighted by rarity, give the share."""
        start, length, name_start = _longest_run(query, name)
        if length == 0:
            return 0.0, 0, 0
        if name_start > 0:
            if start == 0 or query[start - 1] != name[0]:
                return 0.0, 0, 0
            start, length = start - 1, length + 1
        run = query[start:start + length]
        if length < len(name) and (length < 2 or max(weight[w] for w in run) < _median(weight.values())):
            return 0.0, 0, 0
        present = set(query)
        covered = sum(weight[w] for w in set(name) if w in present)
        return covered / sum(weight[w] for w in set(name)), start, start + length


def _median(values: Iterable[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _longest_run(query: list[str], name: list[str]) -> tuple[int, int, int]:
    """The longest run of words shared with `name` in the same order: its start in the query, its length, and its
    start in the name; a run opening the name wins a tie."""
    at: dict[str, list[int]] = {}
    for i, word in enumerate(query):
        at.setdefault(word, []).append(i)
    best = (0, 0, 0)
    for j, word in enumerate(name):   # runs start only where the words agree: visit those, in the old order
        for i in at.get(word, ()):
            length = 1
            while i + length < len(query) and j + length < len(name) and query[i + length] == name[j + length]:
                length += 1
            if length > best[1]:
                best = (i, length, j)
    return best


def _role_cues(words: list[str]) -> list[tuple[int, str]]:
    joined = " ".join(words)
    cues = []
    for cue, role in ROLE_CUES.items():
        for m in re.finditer(rf"(?<![a-z]){cue}(?![a-z])", joined):
            cues.append((joined[:m.start()].count(" "), role))
    return sorted(cues)


def _role_after(end: int, kept: dict[str, tuple[float, int, int]], cues: list[tuple[int, str]],
                key: str) -> str | None:
    """The first role cue after this mention and before the next mention is the role asked about it."""
    next_start = min((s for k, (_, s, _) in kept.items() if k != key and s >= end), default=10 ** 6)
    return next((role for position, role in cues if end <= position < next_start), None)
