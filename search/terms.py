"""Vietnamese terms for lexical search: syllables as written, syllables folded, and abbreviation expansions.

Vietnamese words are built of syllables separated by spaces, so a syllable is the natural term: it needs no word
segmenter and it keeps one-letter syllables ("y" of "y tế", "ở"), which the usual `\\w\\w+` pattern drops. Tokens
that join syllables with "&", "/" or "-" ("KH&CN", "57-NQ/TW", "1879/QĐ-UBND") are kept whole as well, so a
symbol typed in full matches that symbol rather than its common parts.

Every term exists in two forms: as written (NFC, lower case) and folded (diacritics off, đ -> d), so "đường" and
"dương" stay apart where the user typed the marks and meet where they did not. Two adjacent syllables make one
more term ("tiến_độ"): most words are two syllables, so a pair stands for a word without a segmenter.

Abbreviations (ontology/abbreviations.tsv) expand both ways: a short form adds its long form's syllables and its
sibling short forms ("KH&CN" -> "khoa học và công nghệ", "khcn", "kh-cn"); a long form adds its short forms.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ingest.text import fold, normalise, strip_marks

ALIAS_TABLE = Path(__file__).resolve().parents[1] / "ontology" / "abbreviations.tsv"

# A syllable: letters and digits, with any combining mark a badly normalised text may still carry.
_PART = r"(?:[^\W_]|[\u0300-\u036f])+"
SYLLABLE = re.compile(_PART)
# "KH&CN", "KH & CN", "57-NQ/TW", "52 /KH-SKHCN-UBND", "10.000": joiners that make one token of several parts.
COMPOUND = re.compile(rf"{_PART}(?:(?:\s?[&/]\s?|-|(?<=\d)\.(?=\d)){_PART})+")
_JOINER = re.compile(r"[&/.-]")
_LETTERS_DIGITS = re.compile(r"[^\W\d_]+|\d+")
# The shape of one Vietnamese syllable (folded): consonants, vowels, a final consonant. A short form of that shape
# ("TU", "CT" is not) is a word too, so it is read as an abbreviation only when written in capitals.
_SYLLABLE_SHAPE = re.compile(r"^[bcdghklmnpqrstvx]*[aeiouy]+[cghmnpt]*$")


class Token(NamedTuple):
    """A piece of text with its character span in the string it was read from (a tuple: made by the million)."""
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Terms:
    """The terms of one text for the two fields of the lexical index."""
    exact: tuple[str, ...]
    folded: tuple[str, ...]


def syllables(text: str) -> list[Token]:
    """Every syllable of `text` (an NFC string) with its span."""
    return [Token(m[0], *m.span()) for m in SYLLABLE.finditer(text)]


def compounds(text: str) -> list[Token]:
    """Tokens joined by "&", "/", "-" or a decimal point, with spaces around "&" and "/" removed."""
    if not _JOINER.search(text):   # most texts of a query's length have none: skip the costlier pattern
        return []
    return [Token(re.sub(r"\s", "", m.group(0)), m.start(), m.end()) for m in COMPOUND.finditer(text)]


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese mark (tones, hats, đ): the user typed them on purpose."""
    return any(_marked(ch) for ch in text if ch.isalpha())


@lru_cache(maxsize=4096)   # asked of every letter of every query: an alphabet's worth of answers
def _marked(letter: str) -> bool:
    return fold(letter) != letter.lower()


@dataclass(frozen=True)
class _Short:
    written: str          # as in the table, marks stripped, case kept: "KH&CN", "TTg", "TDC"
    longs: tuple[str, ...]  # long forms, NFC
    case_sensitive: bool


class Abbreviations:
    """The alias table of administrative abbreviations, read for matching in both directions."""

    def __init__(self, rows: list[tuple[str, str, str]]):
        self._rows = rows
        self._shorts: dict[str, _Short] = {}
        self._long_to_shorts: dict[tuple[str, ...], list[str]] = {}
        longs_of: dict[str, list[str]] = {}
        for short, long, _kind in rows:
            longs_of.setdefault(short, []).append(normalise(long))
        for short, longs in longs_of.items():
            key = fold(short)
            bare = key.rstrip(".")
            sensitive = len(bare) == 1 or bool(_SYLLABLE_SHAPE.match(bare))
            self._shorts[key] = _Short(strip_marks(short), tuple(longs), sensitive)
            for long in longs:
                phrase = tuple(fold(t.text) for t in syllables(long))
                if len(phrase) > 1:  # a one-syllable long form ("Phòng") would tag every occurrence of the word
                    self._long_to_shorts.setdefault(phrase, []).append(short)
        self._phrases_by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted(self._long_to_shorts, key=len, reverse=True):
            self._phrases_by_first.setdefault(phrase[0], []).append(phrase)

    @classmethod
    def load(cls, path: Path | str = ALIAS_TABLE) -> "Abbreviations":
        rows = []
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) >= 2 and parts[0].strip() and parts[1].strip():
                rows.append((parts[0].strip(), parts[1].strip(), parts[2].strip() if len(parts) > 2 else ""))
        return cls(rows)

    def entries(self, kind: str | None = None) -> list[tuple[str, str]]:
        """(short, long) rows of the table, of one kind (body, unit, title, term, place, doc) or all."""
        return [(short, normalise(long)) for short, long, k in self._rows if kind is None or k == kind]

    def lookup_short(self, token: str, followed_by_dot: bool = False) -> tuple[str, ...]:
        """Long forms of `token` when it is written as a known short form, else ()."""
        folded = fold_term(token)
        for key in (folded + ".", folded) if followed_by_dot else (folded,):
            entry = self._shorts.get(key)
            if entry is None:
                continue
            if entry.case_sensitive and strip_marks(token) != entry.written.rstrip("."):
                continue
            return entry.longs
        return ()

    def siblings(self, long: str) -> list[str]:
        """Every short form of a long form."""
        return self._long_to_shorts.get(tuple(fold_term(t.text) for t in syllables(long)), [])

    def _candidates(self, text: str, singles: list[Token]) -> list[Token]:
        """Compounds, and the syllables (`singles`, those of `text`) that are not part of a compound known as a
        whole.

        The parts of a symbol are abbreviations in their own right ("NQ" and "TW" in "57-NQ/TW"), but the parts of
        a compound short form are not ("KH" in "KH&CN" is not "Kế hoạch").
        """
        whole = compounds(text)
        covered = [(c.start, c.end) for c in whole if self.lookup_short(c.text)]
        if covered:
            singles = [s for s in singles if not any(a <= s.start and s.end <= b for a, b in covered)]
        return whole + singles

    def expand(self, text: str) -> list[str]:
        """Terms (NFC, lower case) that the abbreviations of `text` stand for, in both directions."""
        out: list[str] = []
        tokens = syllables(text)
        for token in self._candidates(text, tokens):
            dot = text[token.end:token.end + 1] == "."
            for long in self.lookup_short(token.text, dot):
                out.extend(t.text.lower() for t in syllables(long))
                out.extend(s.lower().rstrip(".") for s in self.siblings(long) if fold_term(s) != fold_term(token.text))
        folded = [fold_term(t.text) for t in tokens]
        for i, first in enumerate(folded):
            for phrase in self._phrases_by_first.get(first, ()):
                if tuple(folded[i:i + len(phrase)]) == phrase:
                    out.extend(s.lower().rstrip(".") for s in self._long_to_shorts[phrase])
        return out


@lru_cache(maxsize=1)
def default_abbreviations() -> Abbreviations:
    """The project's alias table, read once."""
    return Abbreviations.load()


def _split_letters_digits(token: str) -> list[str]:
    """"nq57" -> ["nq", "57"]: people type a type code and a number together."""
    parts = _LETTERS_DIGITS.findall(token)
    return parts if len(parts) > 1 else []


def base_terms(text: str, pairs: bool = True) -> list[str]:
    """Syllables and compounds of `text`, lower case, NFC, without expansions; with `pairs`, every two adjacent
    syllables as one more term ("kiểm_tra", "tiến_độ").

    Most Vietnamese words are two syllables, so a pair stands for a word without a segmenter; it is what tells
    "kiem tra tien do" (kiểm tra tiến độ) from a text that merely has "tiền" and "đo" somewhere.
    """
    text = normalise(text)
    matches = list(SYLLABLE.finditer(text))   # the matches themselves: this runs on every unit of the store
    out = []
    for m in matches:
        lowered = m.group(0).lower()
        out.append(lowered)
        if not (lowered.isalpha() or lowered.isdigit()):
            out.extend(_split_letters_digits(lowered))
    out.extend(c.text.lower() for c in compounds(text))
    if pairs:
        out.extend(f"{a.group(0)}_{b.group(0)}".lower() for a, b in zip(matches, matches[1:])
                   if not text[a.end():b.start()].strip())
    return out


def text_terms(text: str, expand: bool = True, pairs: bool = True) -> Terms:
    """The exact and folded terms of a text; `expand` adds what its abbreviations stand for."""
    return _terms(text, expand, pairs)


@lru_cache(maxsize=4096)   # one search reads its query's terms several times (fields, coverage, highlights)
def _terms(text: str, expand: bool, pairs: bool) -> Terms:
    if not expand:
        exact = base_terms(text, pairs)
        return Terms(exact=tuple(exact), folded=tuple(fold_term(t) for t in exact))
    own = _terms(text, False, pairs)   # a query is read both ways: its own terms once
    extra = default_abbreviations().expand(normalise(text))
    return Terms(exact=own.exact + tuple(extra), folded=own.folded + tuple(fold_term(t) for t in extra))


def forget_texts() -> None:
    """Empty the memory of texts read, so that a benchmark measures every query as new."""
    _terms.cache_clear()


@lru_cache(maxsize=500_000)
def fold_term(term: str) -> str:
    """`fold` for one term, remembered: a corpus has few distinct terms and folds each of them many times."""
    return fold(term)
