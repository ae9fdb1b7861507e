"""Highlights: the character ranges of a unit's own text that match the query, whatever marks either side used."""
from __future__ import annotations

from search.terms import COMPOUND, SYLLABLE, fold_term


def highlights(text: str, folded_terms: set[str]) -> list[tuple[int, int]]:
    """Ranges (start, end) in `text` of the syllables and symbols whose folded form is a query term.

    Neighbouring matches separated only by spaces are merged, so "Sở Khoa học" is one range, not three.
    """
    spans = [(m.start(), m.end()) for m in SYLLABLE.finditer(text) if fold_term(m.group(0)) in folded_terms]
    if any(joiner in term for term in folded_terms for joiner in "&/-."):   # the query has a symbol
        spans += [(m.start(), m.end()) for m in COMPOUND.finditer(text)
                  if fold_term("".join(m.group(0).split())) in folded_terms]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1 and not text[merged[-1][1]:start].strip():
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
