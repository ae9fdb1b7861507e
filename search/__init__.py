"""Search: folding and terms, lexical and dense indexes behind one interface, fusion and graph-aware ranking."""
