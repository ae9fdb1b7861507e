"""Vietnamese text normalisation: one canonical form for matching, the original kept for display.

`normalise` is applied once by every reader, so every offset in the pipeline points into NFC text with the
classic tone placement ("hòa", "thủy"), whatever the source used ("hoà", "thuỷ").
`fold` strips diacritics for matching and search ("Đồng Tháp" -> "dong thap").
"""
from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# In NFD, a tone written on the second vowel of an open "oa", "oe" or "uy" (new style) moves to the first vowel
# (classic style, the form most documents and the gold use). "qu" is a consonant, so "quý" is left alone.
_NEW_STYLE_TONE = re.compile(rf"(?<![qQ])([oO]|[uU])([aAeEyY])([{_TONES}])(?![\w\u0300-\u036f])")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def _move_tone(match: re.Match) -> str:
    first, second, tone = match.group(1), match.group(2), match.group(3)
    if first in "uU" and second not in "yY":
        return match.group(0)  # "ua", "ue": the tone already sits where both styles put it
    return first + tone + second


def normalise(text: str) -> str:
    """NFC with unified tone placement; zero-width characters and soft hyphens removed, NBSP made a space.

    The length can change only where such invisible characters are dropped, so readers call it before
    they compute any offset.
    """
    text = _ZERO_WIDTH.sub("", text).replace("\u00a0", " ")
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = _NEW_STYLE_TONE.sub(_move_tone, decomposed)
    return unicodedata.normalize("NFC", decomposed)


class _Unmarking(dict):
    """A `str.translate` table, filled as characters are met: combining marks (category Mn) to nothing, đ to d,
    any other character to itself. One C call per text instead of a Python test per character (fold was a
    third of the duplicate finder's preparation)."""

    def __missing__(self, code: int) -> int | str | None:
        character = chr(code)
        value = "d" if character == "đ" else "D" if character == "Đ" else (
            None if unicodedata.category(character) == "Mn" else code)
        self[code] = value
        return value


_UNMARKING = _Unmarking()


def strip_marks(text: str) -> str:
    """Diacritics off (đ -> d), case and spacing kept: "TĐC" -> "TDC"."""
    return unicodedata.normalize("NFD", text).translate(_UNMARKING)


def fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), white space collapsed: the key for tolerant matching."""
    return re.sub(r"\s+", " ", strip_marks(text)).strip().lower()


def fold_keep_length(text: str) -> str:
    """`fold` without collapsing spaces: character i of the result stands for character i of the NFC input."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        base = "d" if base in "đĐ" else base
        out.append(base.lower() if len(base.lower()) == 1 else ch)
    return "".join(out)


# Character classes for regular expressions: Vietnamese capitals and small letters (a range such as À-Ỹ mixes both).
UPPER = "A-Z" + "".join(sorted({c for c in map(chr, range(0xC0, 0x1EFA)) if c.isupper() and c.isalpha()}))
LOWER = "a-z" + "".join(sorted({c for c in map(chr, range(0xC0, 0x1EFA)) if c.islower() and c.isalpha()}))
