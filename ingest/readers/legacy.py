"""Vietnamese text typed in the pre-Unicode font encodings TCVN3 (ABC) and VNI, and how to convert it.

Such text is stored as ordinary single-byte characters that only the matching font (.VnTime, VNI-Times) drew as
Vietnamese; read as Windows-1252 it comes out as "Céng hoµ x· héi" (TCVN3) or "Coäng hoøa xaõ hoäi" (VNI).
The tables below are written from the published code charts of both encodings. Whether a text is Vietnamese at
all is judged by `syllable_ratio`, a phonotactic check of Vietnamese syllables, so a conversion is only kept when
it turns the text into real Vietnamese.
"""
from __future__ import annotations

import re
import unicodedata

# TCVN3 (TCVN 5712:1993, "ABC"): one byte per precomposed lower-case letter; capitals with tones do not exist
# (an upper-case font drew the lower-case codes as capitals), only the seven base capitals do.
_TCVN3_LETTERS = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
# Symbols that TCVN3 uses for letters and that Unicode Vietnamese text practically never contains.
TCVN3_SIGNS = frozenset(chr(c) for c in _TCVN3_LETTERS if 0xA1 <= c <= 0xBE) - {"\u00ad"}

# VNI: a base letter followed by a mark byte; the same byte means different marks after different bases.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_VNI_TONES = {"ø": _GRAVE, "ù": _ACUTE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX = {"â": "", "à": _GRAVE, "á": _ACUTE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "è": _GRAVE, "é": _ACUTE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
# Letters VNI stores in one byte: đ, ơ and ư (which may still take a tone byte), i with its tones, ỵ.
_VNI_SINGLE = {"ñ": "đ", "ô": "ơ", "ö": "ư", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
VNI_SIGNS = frozenset("øïûñöäåëæüî")
_VNI_PAIR = re.compile("[aeouyAEOUYôöÔÖ][øùûõïâàáåãäêèéúüëØÙÛÕÏÂÀÁÅÃÄÊÈÉÚÜË]|[ñöôíìæóòîÑÖÔÍÌÆÓÒÎ]")

_WORD = re.compile(r"[^\W\d_]+")
_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_SYLLABLE = re.compile(_ONSET + "[aăâeêioôơuưy]{1,3}(?:ch|ng|nh|[cmnpt])?")
_TONE_MARKS = frozenset((_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT))


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 text (read as Latin-1/Windows-1252 characters) to Unicode, restoring the capitals of words
    typed with an upper-case font ("KÕ HO¹CH" -> "KẾ HOẠCH")."""
    return "\n".join(_restore_capitals(line.translate(_TCVN3_LETTERS)) for line in text.split("\n"))


def _restore_capitals(line: str) -> str:
    """Upper-case the words an upper-case font drew: those with two or more ASCII capitals and no ASCII
    lower-case letter ("HO¹CH"), and a word with one capital ("KÕ") on a line of capitals or next to such a
    restored word. "Së KHCN" stays "Sở KHCN": an abbreviation is no evidence of an upper-case font."""
    ascii_letters = [ch for ch in line if "A" <= ch <= "Z" or "a" <= ch <= "z"]
    caps_line = len(ascii_letters) >= 4 and sum(ch <= "Z" for ch in ascii_letters) >= 0.8 * len(ascii_letters)
    words = [match for match in _WORD.finditer(line)]
    restored = [_capitals_font(match.group(0)) for match in words]
    out, position = [], 0
    for index, match in enumerate(words):
        word, verdict = match.group(0), restored[index]
        neighbours = restored[max(0, index - 1):index] + restored[index + 1:index + 2]
        if verdict == "restored" or (verdict == "maybe" and (caps_line or "restored" in neighbours)):
            word = word.upper()
        out.append(line[position:match.start()])
        out.append(word)
        position = match.end()
    out.append(line[position:])
    return "".join(out)


def _capitals_font(word: str) -> str:
    """"restored" when the word can only come from an upper-case font, "maybe" when it could, else ""."""
    if word.isupper() or word.islower() or any("a" <= ch <= "z" for ch in word):
        return ""
    capitals = sum(1 for ch in word if "A" <= ch <= "Z")
    return "restored" if capitals >= 2 else "maybe" if capitals == 1 else ""


def vni_to_unicode(text: str) -> str:
    """Convert VNI text (read as Windows-1252 characters) to Unicode, NFC."""
    return unicodedata.normalize("NFC", _VNI_PAIR.sub(_vni_letter, text))


def _vni_letter(match: re.Match) -> str:
    chunk = match.group(0)
    if len(chunk) == 1:
        single = _VNI_SINGLE[chunk.lower()]
        return single.upper() if chunk.isupper() else single
    base, mark = chunk[0], chunk[1].lower()
    if base.lower() in "ôö":
        base = _VNI_SINGLE[base.lower()].upper() if base.isupper() else _VNI_SINGLE[base]
    if mark in _VNI_TONES:
        return base + _VNI_TONES[mark]
    if mark in _VNI_CIRCUMFLEX and base.lower() in "aeo":
        return base + _CIRCUMFLEX + _VNI_CIRCUMFLEX[mark]
    if mark in _VNI_BREVE and base.lower() == "a":
        return base + _BREVE + _VNI_BREVE[mark]
    return base + _vni_letter_or_self(chunk[1])


def _vni_letter_or_self(ch: str) -> str:
    single = _VNI_SINGLE.get(ch.lower())
    if single is None:
        return ch
    return single.upper() if ch.isupper() else single


def sign_share(text: str, signs: frozenset[str]) -> float:
    """Share of the characters of `text` that are one of `signs` (how much it looks like a legacy encoding)."""
    if not text:
        return 0.0
    return sum(text.count(sign) for sign in signs) / len(text)


def syllable_ratio(text: str, sample_chars: int = 200_000) -> float:
    """Share of the words in (a sample of) `text` that are well-formed Vietnamese syllables with at most one tone.

    Well-formed means onset + 1-3 vowels + coda, as Vietnamese spelling allows; text converted with the wrong
    table breaks into symbols and impossible letter runs and scores low.
    """
    words = _WORD.findall(text[:sample_chars])
    if not words:
        return 0.0
    return sum(1 for word in words if _is_syllable(word)) / len(words)


def _is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONE_MARKS)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(base) is not None
