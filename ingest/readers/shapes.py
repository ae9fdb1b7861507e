"""What a line of Vietnamese administrative text looks like: its numbering, its case, how it ends.

Shared by the line joiner (is this line the continuation of the one above?), the table builder (is this row
unfinished?) and the block classifier (heading or list item? signature?).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.text import fold

_LETTER_AHEAD = r"(?=[^\W\d_]|[\"“‘(\[])"
_NUMBERING = re.compile(
    r"(?:(?P<part>Phần|PHẦN|Chương|CHƯƠNG)\s+(?P<part_no>[IVXLC]{1,6}|\d{1,3})(?![\w])"
    r"|(?P<section>Mục|MỤC)\s+(?P<section_no>[IVXLC]{1,6}|\d{1,3})(?![\w])"
    r"|(?P<article>Điều|ĐIỀU)\s+(?P<article_no>\d{1,3}[a-z]?)\s*[.:]"
    r"|(?P<roman>[IVXL]{1,6})(?:\s*[.)]|\s+[-–])(?:\s*(?=[^\W\d_])|$)"
    r"|(?P<dotted>\d{1,2}(?:\.(?:[1-9]\d?|0))+)(?P<dotted_end>\.?)\s+" + _LETTER_AHEAD +
    r"|(?P<arabic>\d{1,3})\s?[.)](?:\s+" + _LETTER_AHEAD + r"|$)"
    r"|(?P<letter>[a-zđ])\s?[.)](?:\s+" + _LETTER_AHEAD + r"|$)"
    r"|\((?P<paren>[ivx]{1,5}|\d{1,2}|[a-zđ])\)\s*" + _LETTER_AHEAD +
    r"|(?P<bullet>[-+•–−*])(?:\s+|(?=[^\W\d_]))"
    r")")
_MARKER_LETTERS = frozenset("IVXLPCMĐ")   # Roman numerals, Phần/Chương/Mục/Điều (and their capitals)
_BULLET_AS = {"–": "-", "−": "-", "•": "-"}   # one bullet style, whichever dash the typist used
_BULLET_LEVEL = {"-": 6, "*": 6, "+": 7}
_TERMINAL = frozenset(".;:!?…")
_CLOSERS = "\"”’'»)]* _"
_SIGNATURE_PREFIX = re.compile(r"(?:T/M|TM|KT|TL|TUQ|Q|PP)\s?\.\s*(?=[^\W\d_])")
# offices that sign, folded; "truong" also covers Bộ trưởng, Thứ trưởng, Cục trưởng, Viện trưởng, …
_POSITION_WORDS = ("chu tich", "giam doc", "truong", "truong ban", "truong phong", "thu tuong", "chanh van phong",
                   "chanh thanh tra", "chanh an", "chu nhiem", "bi thu", "thu ky", "uy vien")
_NAME_WORD = re.compile(r"[^\W\d_]+\.?")
_SIGNED_NOTE = re.compile(r"\(?\s*(?:đã ký|ký|đã ký và đóng dấu|ký tên)\b[^)]{0,40}\)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Numbering:
    value: str      # as printed, without punctuation: "II", "2.1", "a", "-"
    level: int
    style: str      # part, section, article, roman, dotted, arabic, letter, paren, bullet
    end: int        # where the marker ends in the text


def numbering(text: str) -> Numbering | None:
    """The list/heading marker a line opens with, if any."""
    first = text[:1]
    if first.isalpha() and first not in _MARKER_LETTERS and (first.isupper() or text[1:2] not in ").  "):
        return None   # most lines open with a word; only these letters can open a marker
    match = _NUMBERING.match(text)
    if not match:
        return None
    style = match.lastgroup
    if style in ("part_no", "section_no", "article_no", "dotted_end"):
        style = style.rsplit("_", 1)[0]
    if style == "dotted" and not match.group("dotted_end") and not text[match.end():match.end() + 1].isupper():
        return None   # "2.3 Về …" is numbered; "37.30 điểm" is a number
    value = match.group(style + "_no") if style in ("part", "section", "article") else match.group(style)
    if style == "bullet":
        value = _BULLET_AS.get(value, value)
        return Numbering(value, _BULLET_LEVEL[value], style, match.end())
    return Numbering(value, _level(style, value), style, match.end())


def _level(style: str, value: str) -> int:
    if style == "part":
        return 0
    if style in ("section", "article", "roman"):
        return 1
    if style == "dotted":
        return 2 + value.count(".")
    if style == "arabic":
        return 2
    return 5   # letter, (i), (1)


def roman_numeral(number: int) -> str:
    """1 -> "I", 14 -> "XIV": how a list rendered by Word or a browser prints its Roman numbers."""
    out = []
    for value, symbol in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out.append(symbol)
            number -= value
    return "".join(out)


def list_letter(number: int) -> str:
    """1 -> "a", 27 -> "a" again: list letters cycle after z."""
    return "abcdefghijklmnopqrstuvwxyz"[(number - 1) % 26]


def starts_item(text: str) -> bool:
    """True when the line opens a new list item or heading; a dash before a lower-case word is a wrapped
    "kinh tế - xã hội", not a bullet."""
    found = numbering(text)
    if found is None:
        return False
    if found.style == "bullet":
        rest = text[found.end:found.end + 1]
        return not rest.islower()
    return True


def ends_sentence(text: str) -> bool:
    """The line ends with terminal punctuation (closing quotes, brackets and markup ignored)."""
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def starts_lower(text: str) -> bool:
    for char in text:
        if char.isalpha():
            return char.islower()
        if not (char.isspace() or char in "\"“‘'(["):
            return False
    return False


def is_all_caps(text: str) -> bool:
    """Upper case throughout, with at least three letters ("KẾ HOẠCH", "1. MỤC ĐÍCH"; not "I")."""
    if not text.isupper():
        return False
    letters = 0
    for char in text:
        if char.isalpha():
            letters += 1
            if letters >= 3:
                return True
    return False


def has_signature_prefix(text: str) -> bool:
    """"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "TL. BỘ TRƯỞNG": signing on someone's behalf."""
    if text[:1] not in ("T", "K", "Q", "P"):
        return False
    match = _SIGNATURE_PREFIX.match(text)
    return bool(match) and text[match.end():match.end() + 1].isupper() and len(text) <= 120


def is_position_title(text: str) -> bool:
    """A short upper-case line ending with an office: "PHÓ CHỦ TỊCH", "SỞ KHOA HỌC VÀ CÔNG NGHỆ GIÁM ĐỐC"."""
    if len(text) > 120 or not is_all_caps(text):
        return False
    folded = fold(text).rstrip(" .:")
    return any(folded == word or folded.endswith(" " + word) for word in _POSITION_WORDS)


def is_person_name(text: str) -> bool:
    """Two to six capitalised words and nothing else: how a signer's name is printed."""
    if len(text) > 60 or any(char.isdigit() for char in text):
        return False
    words = text.split()
    if not 2 <= len(words) <= 6:
        return False
    return all(_NAME_WORD.fullmatch(word) and word[0].isupper() for word in words)


def is_signed_note(text: str) -> bool:
    """"(Đã ký)", "(đã ký và đóng dấu)": a placeholder where the signature was."""
    return len(text) <= 60 and _SIGNED_NOTE.fullmatch(text.strip()) is not None


def opens_recipients(text: str) -> bool:
    return text[:1] in ("N", "n") and fold(text[:12]).startswith("noi nhan")


def opens_appendix(text: str) -> bool:
    return text[:1] in ("P", "p") and len(text) <= 200 and fold(text[:8]).startswith("phu luc")
