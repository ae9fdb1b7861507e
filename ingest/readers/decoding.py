"""Bytes -> text for the plain-text formats: encoding detection, binary rejection, legacy font encodings.

Order of trust: a byte-order mark; strict UTF-8 (most files, and the only encoding that can fail loudly); the
Vietnamese single-byte encodings (Windows-1258, and TCVN3/VNI font text), judged by how much of the result is
well-formed Vietnamese; charset-normalizer last. A text that decodes but is written in a legacy font encoding is
converted when the conversion yields Vietnamese, else refused with a reason the user can act on.
"""
from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from ingest.readers.legacy import (TCVN3_SIGNS, VNI_SIGNS, sign_share, syllable_ratio, tcvn3_to_unicode,
                                   vni_to_unicode)

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_MAGIC = ((b"%PDF", "a PDF file"), (b"PK\x03\x04", "a zip archive (.docx, .xlsx, ...)"),
          (b"\xd0\xcf\x11\xe0", "an old binary Office file (.doc, .xls)"), (b"\x89PNG", "a PNG image"),
          (b"\xff\xd8\xff", "a JPEG image"), (b"{\\rtf", "an RTF file"))
_LEGACY_SHARE = 0.005        # legacy-font symbols among characters above this: a font encoding
_VIETNAMESE_FLOOR = 0.55     # share of well-formed syllables a decoding must reach to be believed
_CONTROL_BYTES = bytes(range(0x09)) + bytes(range(0x0E, 0x20))   # all but tab, newlines, form feed


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


class DecodeError(ValueError):
    """The bytes are not readable text; the message is the one-line reason."""


def decode(data: bytes) -> Decoded:
    """Decode a text file's bytes; raises DecodeError with the reason when they are not usable text."""
    if not data.strip():
        raise DecodeError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data, encoding), encoding)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise DecodeError(f"binary content ({what}), not text")
    utf16 = _bomless_utf16(data)
    if utf16:
        return _checked(_strict(data, utf16), utf16)
    if b"\x00" in data:
        raise DecodeError("binary content (NUL bytes), not text")
    sample = data[:65536]
    if len(sample) - len(sample.translate(None, _CONTROL_BYTES)) > 0.01 * len(sample):
        raise DecodeError("binary content (control bytes), not text")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return _single_byte(data)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DecodeError(f"invalid {encoding} at byte {error.start}") from None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark shows as a NUL in every other byte of mostly-ASCII text."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    odd_nul = sample[1::2].count(0) / (len(sample) // 2)
    even_nul = sample[0::2].count(0) / (len(sample) // 2)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _checked(text: str, encoding: str) -> Decoded:
    """Text that decoded cleanly may still be typed in a legacy font encoding; convert it or refuse it."""
    if "\x00" in text:
        raise DecodeError("binary content (NUL characters), not text")
    for name, signs, convert in (("TCVN3", TCVN3_SIGNS, tcvn3_to_unicode), ("VNI", VNI_SIGNS, vni_to_unicode)):
        if sign_share(text[:200_000], signs) > _LEGACY_SHARE:
            converted = convert(text)
            if syllable_ratio(converted) >= max(_VIETNAMESE_FLOOR, syllable_ratio(text)):
                return Decoded(converted, f"{encoding}+{name}", [f"converted from legacy {name} font encoding"])
            raise DecodeError(f"legacy {name} encoding, convert to Unicode first")
    return Decoded(text, encoding)


def _single_byte(data: bytes) -> Decoded:
    """Not UTF-8: try the Vietnamese single-byte encodings, keep the one that reads as Vietnamese."""
    candidates: list[tuple[float, Decoded]] = []
    latin = data.decode("latin-1")
    for name, signs, convert in (("TCVN3", TCVN3_SIGNS, tcvn3_to_unicode), ("VNI", VNI_SIGNS, vni_to_unicode)):
        if sign_share(latin[:200_000], signs) > _LEGACY_SHARE:
            text = convert(data.decode("cp1252", errors="replace") if name == "VNI" else latin)
            candidates.append((syllable_ratio(text),
                               Decoded(text, name, [f"converted from legacy {name} font encoding"])))
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
        candidates.append((syllable_ratio(text), Decoded(text, "cp1258")))
    except UnicodeDecodeError:
        pass
    best = max(candidates, key=lambda c: c[0], default=None)
    if best and best[0] >= _VIETNAMESE_FLOOR:
        return best[1]
    if best and best[1].encoding in ("TCVN3", "VNI"):
        raise DecodeError(f"legacy {best[1].encoding} encoding, convert to Unicode first")
    guess = from_bytes(data).best()
    if guess is None:
        raise DecodeError("unknown text encoding (not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI)")
    return _checked(str(guess), guess.encoding)
