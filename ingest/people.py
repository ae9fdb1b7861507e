"""Named people and their roles: directing leaders ("PGĐ Trần Công Hòa"), signatories, officials named in text.

A person is a Vietnamese full name (a family name from the common list, then one to three capitalised
syllables), found after a title or alone on a signature line. A role without a name ("Giám đốc Sở") is not a person.
"""
from __future__ import annotations

import re

from ingest.document import SourceDocument, Span
from ingest.model import Person
from ingest.text import LOWER, UPPER, fold

_FAMILY_NAMES = ("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh "
                 "Trương Lâm Phùng Mai Tô Hà Tạ Lương Cao Đinh Lưu Thái Châu Quách Triệu Văn Kiều Doãn Chu Tăng "
                 "Lại Thân Hứa La Mạc Ninh Từ Âu Giang Khúc Nông Quan Tôn Kha Lò Lục Tống Ông Bạch Cù").split()
_UPPER_SYLLABLE = rf"[{UPPER}][{LOWER}]+"
_NAME = rf"(?:{'|'.join(_FAMILY_NAMES)})(?: {_UPPER_SYLLABLE}){{1,3}}"
_TITLES = (r"PGĐ|GĐ|Giám đốc|Phó Giám đốc|Chủ tịch|Phó Chủ tịch(?: Thường trực)?|Bí thư|Phó Bí thư|Trưởng phòng|"
           r"Phó Trưởng phòng|Chánh Văn phòng|Chánh Thanh tra|Bộ trưởng|Thứ trưởng|Thủ tướng|Phó Thủ tướng|ông|bà|Ông|Bà|"
           r"đồng chí|Đồng chí|TS\.|ThS\.|PGS\.TS\.?")
_TITLED_RE = re.compile(rf"(?P<title>{_TITLES})\s+(?P<name>{_NAME})(?!\w)")
_SIGNATURE_NAME_RE = re.compile(rf"^\W*(?P<name>{_NAME})\W*$", re.MULTILINE)
_ROLE_WORDS = {"pgd": "Phó Giám đốc", "gd": "Giám đốc"}


def find_people(doc: SourceDocument, organisation: str | None = None) -> list[Person]:
    """People named in the document, one entry per person with every titled form seen."""
    people: dict[str, Person] = {}
    for m in _TITLED_RE.finditer(doc.text):
        title = m.group("title")
        role = _ROLE_WORDS.get(fold(title), title)
        if role.lower() in {"ông", "bà", "đồng chí"}:
            role = None
        elif organisation and role in {"Phó Giám đốc", "Giám đốc"}:
            role = f"{role} {organisation}"
        _add(people, m.group("name"), role, Span(m.start(), m.end()), m.group(0))
    for block in doc.iter_blocks("signature"):
        for m in _SIGNATURE_NAME_RE.finditer(block.text):
            start = block.start + m.start("name")
            _add(people, m.group("name"), _signature_role(block.text[:m.start()]), Span(start,
                 start + len(m.group("name"))), None)
    names = list(people)
    # "Trần Công Hòa Công" read across a cell border extends a name met elsewhere: keep the shorter
    return [p for key, p in people.items() if not any(key != other and key.startswith(other + " ") for other in names)]


def _add(people: dict[str, Person], name: str, role: str | None, span: Span, surface: str | None) -> None:
    person = people.setdefault(fold(name), Person(name=name, role=role, span=span))
    if role and not person.role:
        person.role = role
    if surface and surface != name and surface not in person.aliases:
        person.aliases.append(surface)


def _signature_role(above: str) -> str | None:
    """The line just above a signature name says the office: "PHÓ CHỦ TỊCH", "GIÁM ĐỐC"."""
    lines = [ln.strip(" *") for ln in above.splitlines() if ln.strip(" *")]
    if not lines:
        return None
    role = lines[-1]
    return role.capitalize() if role.isupper() else role
