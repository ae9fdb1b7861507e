"""The named things of the generated corpus: provinces and agencies from ontology/, national documents, people.

Agencies and provinces come from the project's own tables (`ontology/agencies.tsv`, `ontology/provinces.tsv`)
so a generated document names bodies the way real ones do, abbreviations and variant spellings included.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"


@dataclass(frozen=True)
class Province:
    name: str                      # "Quảng Ngãi"
    prefix: str                    # "tỉnh" | "thành phố"
    variants: tuple[str, ...]      # other written forms ("Đắc Lắc")

    @property
    def full(self) -> str:
        return f"{self.prefix} {self.name}"


@dataclass(frozen=True)
class Agency:
    """A body that exists once per province ("Sở Công Thương"): canonical name and the written forms."""
    name: str
    forms: tuple[str, ...]
    abbreviation: str              # the issuer code in a document number ("SCT", "SKHCN")

    def canonical(self, province: Province) -> str:
        """The name the extractor resolves to: the body with its province."""
        return f"{self.name} {province.full}"


@dataclass(frozen=True)
class NationalDocument:
    """A real national document the generated plans may rest on (number, date and issuer are public facts)."""
    doc_type: str
    symbol: str
    date: tuple[int, int, int]     # (day, month, year)
    issuer: str
    subject: str
    implements: str | None = None


NATIONAL_DOCUMENTS: tuple[NationalDocument, ...] = (
    NationalDocument("Nghị quyết", "20-NQ/TW", (1, 11, 2012), "Ban Chấp hành Trung ương Đảng",
                     "về phát triển khoa học và công nghệ phục vụ sự nghiệp công nghiệp hóa, hiện đại hóa"),
    NationalDocument("Luật", "29/2013/QH13", (18, 6, 2013), "Quốc hội", "Khoa học và Công nghệ"),
    NationalDocument("Nghị định", "08/2014/NĐ-CP", (27, 1, 2014), "Chính phủ",
                     "quy định chi tiết và hướng dẫn thi hành một số điều của Luật Khoa học và Công nghệ"),
    NationalDocument("Nghị quyết", "05-NQ/TW", (1, 11, 2016), "Ban Chấp hành Trung ương Đảng",
                     "về một số chủ trương, chính sách lớn nhằm tiếp tục đổi mới mô hình tăng trưởng"),
    NationalDocument("Nghị định", "13/2019/NĐ-CP", (1, 2, 2019), "Chính phủ", "về doanh nghiệp khoa học và công nghệ"),
    NationalDocument("Kết luận", "50-KL/TW", (30, 5, 2019), "Ban Bí thư",
                     "về tiếp tục thực hiện Nghị quyết số 20-NQ/TW ngày 01/11/2012 của Ban Chấp hành Trung ương "
                     "Đảng về phát triển khoa học và công nghệ",
                     implements="20-NQ/TW"),
    NationalDocument("Nghị quyết", "52-NQ/TW", (27, 9, 2019), "Bộ Chính trị",
                     "về một số chủ trương, chính sách chủ động tham gia cuộc Cách mạng công nghiệp lần thứ tư"),
    NationalDocument("Quyết định", "749/QĐ-TTg", (3, 6, 2020), "Thủ tướng Chính phủ",
                     "phê duyệt Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030"),
    NationalDocument("Quyết định", "942/QĐ-TTg", (15, 6, 2021), "Thủ tướng Chính phủ",
                     "phê duyệt Chiến lược phát triển Chính phủ điện tử hướng tới Chính phủ số"),
    NationalDocument("Quyết định", "411/QĐ-TTg", (31, 3, 2022), "Thủ tướng Chính phủ",
                     "phê duyệt Chiến lược quốc gia phát triển kinh tế số và xã hội số"),
    NationalDocument("Quyết định", "569/QĐ-TTg", (11, 5, 2022), "Thủ tướng Chính phủ",
                     "ban hành Chiến lược phát triển khoa học, công nghệ và đổi mới sáng tạo đến năm 2030"),
    NationalDocument("Nghị quyết", "57-NQ/TW", (22, 12, 2024), "Bộ Chính trị",
                     "về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"),
    NationalDocument("Nghị quyết", "03/NQ-CP", (9, 1, 2025), "Chính phủ",
                     "ban hành Chương trình hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW ngày "
                     "22/12/2024 của Bộ Chính trị", implements="57-NQ/TW"),
    NationalDocument("Nghị quyết", "193/2025/QH15", (19, 2, 2025), "Quốc hội",
                     "về thí điểm một số cơ chế, chính sách đặc biệt tạo đột phá phát triển khoa học, công nghệ"),
)

# Bodies that lead tasks in the generated plans, with the issuer code their documents carry.
_LEAD_CODES = {
    "Sở Khoa học và Công nghệ": "SKHCN", "Sở Nông nghiệp và Môi trường": "SNNMT", "Sở Công Thương": "SCT",
    "Sở Tài chính": "STC", "Sở Nội vụ": "SNV", "Sở Tư pháp": "STP", "Sở Xây dựng": "SXD", "Sở Y tế": "SYT",
    "Sở Giáo dục và Đào tạo": "SGDĐT", "Sở Văn hóa, Thể thao và Du lịch": "SVHTTDL",
    "Sở Thông tin và Truyền thông": "STTTT", "Sở Kế hoạch và Đầu tư": "SKHĐT",
}
COOPERATING_CLASSES = ("Các sở, ban, ngành", "UBND các huyện, thành phố", "UBND các xã, phường",
                       "các cơ quan, đơn vị liên quan", "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh",
                       "Hội Nông dân tỉnh", "Đài Phát thanh và Truyền hình tỉnh")

_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
_MIDDLE = ("Văn", "Thị", "Minh", "Hữu", "Công", "Đức", "Thanh", "Ngọc", "Quốc", "Hoàng", "Thành")
_GIVEN = ("An", "Bình", "Cường", "Dũng", "Hải", "Hòa", "Hùng", "Khoa", "Lâm", "Long", "Nam", "Phong", "Quang",
          "Sơn", "Tâm", "Thắng", "Tuấn", "Việt", "Hà", "Lan", "Mai", "Nga", "Thảo", "Trang")


def load_provinces(path: Path = ONTOLOGY / "provinces.tsv") -> tuple[Province, ...]:
    provinces = []
    for name, prefix, others in _rows(path, 3):
        provinces.append(Province(name, prefix, tuple(v for v in others.split(" | ") if v)))
    return tuple(provinces)


def load_lead_agencies(path: Path = ONTOLOGY / "agencies.tsv") -> tuple[Agency, ...]:
    """The province departments of `_LEAD_CODES` with their written forms from the gazetteer."""
    agencies = []
    for name, scope, others in _rows(path, 3):
        if scope == "province" and name in _LEAD_CODES:
            agencies.append(Agency(name, (name, *[v for v in others.split(" | ") if v]), _LEAD_CODES[name]))
    if len(agencies) < 5:
        raise ValueError(f"{path}: only {len(agencies)} of the lead departments found; the gazetteer changed")
    return tuple(agencies)


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"


def misspell(text: str, rng: random.Random) -> str:
    """One slip of the kind real documents carry: a tone mark dropped from one word ("Khoa hoc")."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if re.search("[ạọệộụịảẻỏủỉ]", w) and i > 0]
    if not candidates:
        return text
    i = rng.choice(candidates)
    words[i] = words[i].translate(str.maketrans("ạọệộụịảẻỏủỉ", "aoêôuiaeoui"))
    return " ".join(words)


def _rows(path: Path, width: int) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cells = line.split("\t")
        rows.append((cells + [""] * width)[:width])
    return rows
