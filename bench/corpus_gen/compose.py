"""One generated document: its text, laid out as the real plans are, and the ground truth of what it states.

Layout: header block (issuing body, national motto, "Số: …", place and date), the type word and title, the
"Căn cứ …" preamble, I. aims, II. tasks in prose (two wordings of who leads), III. a task table that may cross
a page break (header repeated, a row continued), IV. funding, V. duties by agency, the signature block.
"""
from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field

from .citing import MAX_CHAIN_LEVEL, NATIONAL, Citable, ProvinceState, RecurringTask, before
from .gazetteer import COOPERATING_CLASSES, Agency, Province, misspell, person_name
from .harvest import Fragments

_THEMES = ("Nâng cao nhận thức, đẩy mạnh truyền thông", "Hoàn thiện cơ chế, chính sách",
           "Phát triển hạ tầng và dữ liệu số", "Phát triển nguồn nhân lực", "Ứng dụng tiến bộ kỹ thuật vào sản xuất",
           "Hỗ trợ doanh nghiệp đổi mới sáng tạo", "Hợp tác, huy động nguồn lực", "Kiểm tra, giám sát, đánh giá")
_PRODUCTS = ("Báo cáo kết quả thực hiện", "Kế hoạch triển khai", "Hội nghị, hội thảo", "Mô hình ứng dụng",
             "Văn bản hướng dẫn", "Cơ sở dữ liệu", "Bộ tiêu chí đánh giá", "Chuyên mục, tin bài", "Đề án trình UBND tỉnh")
_TABLE_HEADERS = (
    ("TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện", "Sản phẩm"),
    ("STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Sản phẩm", "Thời gian hoàn thành"),
    ("TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Tiến độ", "Kết quả/sản phẩm"),
)
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
_YEAR_RANGE = re.compile(r"\b20\d\d\s*[-–]\s*20\d\d\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SMALL_NUMBER = re.compile(r"(?<![\d.,/])(\d{1,3})(?![\d/])")


@dataclass
class TaskTruth:
    text: str
    lead: str                       # canonical, with the province: "Sở Công Thương tỉnh Quảng Ngãi"
    form: str                       # table | labelled | chairs | duties
    recurring: bool = False         # the same task in an earlier year's plan of this province
    near_duplicate: bool = False    # a task of another province's plan, re-worded


@dataclass
class DocumentTruth:
    file: str
    doc_type: str
    symbol: str
    province: str
    issued_date: str
    year: int
    title: str
    basis: list[str]                # symbols of the preamble ("Căn cứ …")
    cited: list[str]                # every symbol printed, the basis included
    implements: list[str]           # what the document itself says it carries out
    cites_generated: list[str]      # files of the earlier documents of this corpus it rests on
    tasks: list[TaskTruth] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Issuer:
    """Who signs: the provincial People's Committee or one of its departments."""
    department: Agency | None       # None: UBND of the province

    def series(self, doc_code: str) -> str:
        return f"{doc_code}-{self.department.abbreviation if self.department else 'UBND'}"


class Composer:
    """Writes documents from the harvested fragments; holds only what every document shares."""

    def __init__(self, fragments: Fragments, provinces: tuple[Province, ...], agencies: tuple[Agency, ...]):
        self.fragments = fragments
        self.agencies = agencies
        self._agency = {a.name: a for a in agencies}
        names = sorted({n for p in provinces for n in (p.name, *p.variants)}, key=len, reverse=True)
        self._province_mention = re.compile(r"(?:tỉnh|Tỉnh|thành phố|Thành phố|TP\.)\s+(?:"
                                            + "|".join(map(re.escape, names)) + r")\b")
        # (province, text, lead name) of tasks recently written anywhere: another province's near-duplicates
        self.shared_tasks: list[tuple[str, str, str]] = []

    # ------------------------------------------------------------------------------------------ the document

    def compose(self, file: str, state: ProvinceState, date: tuple[int, int, int],
                rng: random.Random) -> tuple[str, DocumentTruth, Citable]:
        province, year = state.province, date[2]
        department = rng.choice(self.agencies[:3]) if rng.random() < 0.35 else None
        issuer = Issuer(department)
        doc_type, code = ("Chương trình", "CTr") if rng.random() < 0.2 else ("Kế hoạch", "KH")
        symbol = f"{state.next_number(year, issuer.series(code), rng)}/{issuer.series(code)}"
        implemented = self._implemented(date, rng)
        title = self._title(doc_type, implemented, province, year, rng)
        basis = self._basis(state, date, implemented, rng)
        basis_symbols = _unique(s for c in basis for s in c.printed_symbols())
        title_symbols = implemented.printed_symbols() if implemented else []
        truth = DocumentTruth(file=file, doc_type=doc_type, symbol=symbol, province=province.name,
                              issued_date=f"{year:04d}-{date[1]:02d}-{date[0]:02d}", year=year, title=title,
                              basis=basis_symbols, cited=_unique([*title_symbols, *basis_symbols]),
                              implements=[implemented.symbol] if implemented else [],
                              cites_generated=[c.file for c in basis if c.file])
        lines = [*self._header(issuer, province, symbol, date, rng), "", doc_type.upper(), title, ""]
        lines += self._preamble(basis, issuer, doc_type, province, rng)
        lines += self._aims(province, year, rng)
        lines += self._prose_tasks(state, year, truth, rng)
        lines += self._table(state, year, truth, rng)
        lines += self._funding(province)
        lines += self._duties(state, year, truth, rng)
        lines += self._signature(issuer, province, rng)
        for task in truth.tasks:
            state.remember(RecurringTask(year, task.text, task.lead.removesuffix(f" {province.full}")))
        issued_by = f"{department.name} {province.full}" if department else rng.choice(
            [f"UBND {province.full}", f"Ủy ban nhân dân {province.full}"])
        level = 1 + max((c.level for c in basis if c.file), default=0)
        citable = Citable(doc_type, symbol, date, issued_by, "về " + title[0].lower() + title[1:],
                          tuple(title_symbols), file=file, level=level)
        return "\n".join(lines) + "\n", truth, citable

    def _implemented(self, date: tuple[int, int, int], rng: random.Random) -> Citable | None:
        """Half the plans carry out one national document; the title then says so."""
        candidates = [c for c in before(NATIONAL, date) if c.doc_type != "Luật"]
        return rng.choice(candidates) if candidates and rng.random() < 0.5 else None

    def _title(self, doc_type: str, implemented: Citable | None, province: Province, year: int,
               rng: random.Random) -> str:
        if implemented:
            return (f"Triển khai thực hiện {implemented.doc_type} số {implemented.symbol} ngày "
                    f"{_date(implemented.date, rng)} của {implemented.issuer} trên địa bàn {province.full}")
        if doc_type == "Chương trình" and rng.random() < 0.5:
            return f"Công tác năm {year} về khoa học, công nghệ và đổi mới sáng tạo {province.full}"
        topic = re.split(r"[,;:.(]", self._adapt(rng.choice(self.fragments.tasks), province, year, rng))[0]
        return f"{topic.strip()} trên địa bàn {province.full} năm {year}"

    def _basis(self, state: ProvinceState, date: tuple[int, int, int], implemented: Citable | None,
               rng: random.Random) -> list[Citable]:
        """National documents, the province's standing law, and earlier plans of the province (the chain)."""
        national = [c for c in before(NATIONAL, date) if c is not implemented]
        chosen = [implemented] if implemented else []
        chosen += rng.sample(national, k=min(len(national), rng.randint(1, 3)))
        local = before(state.local_law, date)
        chosen += rng.sample(local, k=min(len(local), rng.randint(0, 2)))
        earlier = [c for c in before(state.recent, date) if c.level < MAX_CHAIN_LEVEL]
        if earlier:
            # the latest plan or one of the few before it: chains run back several levels and branch
            chosen.append(earlier[-1] if rng.random() < 0.5 else rng.choice(earlier))
            if len(earlier) > 2 and rng.random() < 0.3:
                chosen.append(rng.choice(earlier[:-1]))
        return chosen

    # ------------------------------------------------------------------------------------------ the parts

    def _header(self, issuer: Issuer, province: Province, symbol: str, date: tuple[int, int, int],
                rng: random.Random) -> list[str]:
        written = rng.choice(province.variants) if province.variants and rng.random() < 0.2 else province.name
        body = [f"UBND {province.prefix.upper()} {written.upper()}"] if rng.random() < 0.5 else \
            ["ỦY BAN NHÂN DÂN", f"{province.prefix.upper()} {written.upper()}"]
        if issuer.department:
            body.append(issuer.department.name.upper())
        number = symbol.replace("/", " /", 1) if rng.random() < 0.2 else symbol
        place = written.removeprefix("TP. ") if province.prefix == "thành phố" else written
        return [*body, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
                f"Số: {number}", f"{place}, ngày {date[0]:02d} tháng {date[1]} năm {date[2]}"]

    def _preamble(self, basis: list[Citable], issuer: Issuer, doc_type: str, province: Province,
                  rng: random.Random) -> list[str]:
        lines = []
        for i, c in enumerate(basis):
            opening = "Thực hiện" if i == len(basis) - 1 and rng.random() < 0.3 else "Căn cứ"
            lines.append(f"{opening} {c.doc_type} số {c.symbol} ngày {_date(c.date, rng)} của {c.issuer} "
                         f"{c.subject};")
        who = f"{issuer.department.name}" if issuer.department else f"Ủy ban nhân dân {province.full}"
        verb = "xây dựng" if issuer.department else "ban hành"
        lines.append(f"{who} {verb} {doc_type} với các nội dung như sau:")
        return lines

    def _aims(self, province: Province, year: int, rng: random.Random) -> list[str]:
        lines = ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"]
        lines += [f"- {self._adapt(a, province, year, rng)}" for a in rng.sample(self.fragments.aims, 3)]
        lines.append("2. Yêu cầu")
        lines += [f"- {self._adapt(a, province, year, rng)}" for a in rng.sample(self.fragments.aims, 2)]
        return lines

    def _prose_tasks(self, state: ProvinceState, year: int, truth: DocumentTruth, rng: random.Random) -> list[str]:
        lines = ["II. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU"]
        for t, theme in enumerate(rng.sample(_THEMES, rng.randint(2, 4)), start=1):
            lines.append(f"{t}. {theme}")
            labelled = rng.random() < 0.5            # one wording per theme, as a drafter writes a section
            for k in range(rng.randint(2, 4)):
                text, agency, flags = self._task(state, year, rng)
                lead = self._surface(agency, state.province, rng)
                coop = self._cooperating(agency, rng)
                if labelled:
                    period = _period(year, rng)
                    lines.append(f"{chr(97 + k)}) {text.rstrip(';.')}. Cơ quan chủ trì: {lead}; cơ quan phối hợp: "
                                 f"{coop}; thời gian thực hiện: {period}.")
                    form = "labelled"
                else:
                    lines.append(f"- {lead} chủ trì, phối hợp với {coop} {_lower_first(text)}")
                    form = "chairs"
                truth.tasks.append(TaskTruth(text, agency.canonical(state.province), form, **flags))
        return lines

    def _table(self, state: ProvinceState, year: int, truth: DocumentTruth, rng: random.Random) -> list[str]:
        header = "\t".join(rng.choice(_TABLE_HEADERS))
        period_first = header.split("\t")[4].startswith(("Thời", "Tiến"))
        rows = rng.randint(6, 24)
        page_break = rng.randint(3, rows - 2) if rng.random() < 0.5 else None
        lines = ["III. DANH MỤC NHIỆM VỤ CỤ THỂ", header]
        for n in range(1, rows + 1):
            text, agency, flags = self._task(state, year, rng)
            period, product = _period(year, rng), rng.choice(_PRODUCTS)
            last = [period, product] if period_first else [product, period]
            cells = [str(n), text, self._surface(agency, state.province, rng), self._cooperating(agency, rng), *last]
            if n == page_break:
                cut = _word_boundary(text, rng)
                lines.append("\t".join([str(n), text[:cut], *cells[2:]]))
                lines += ["", header]
                if cut < len(text):                      # the row goes on at the top of the next page
                    lines.append("\t".join(["", text[cut:].strip(), "", "", "", ""]))
            else:
                lines.append("\t".join(cells))
            truth.tasks.append(TaskTruth(text, agency.canonical(state.province), "table", **flags))
        lines.append("")
        return lines

    def _funding(self, province: Province) -> list[str]:
        return ["IV. KINH PHÍ THỰC HIỆN",
                f"- Ngân sách {province.full} bố trí trong dự toán hằng năm của các cơ quan, đơn vị theo phân cấp.",
                "- Nguồn vốn đối ứng của doanh nghiệp và các nguồn huy động hợp pháp khác."]

    def _duties(self, state: ProvinceState, year: int, truth: DocumentTruth, rng: random.Random) -> list[str]:
        lines = ["V. TỔ CHỨC THỰC HIỆN"]
        for n, agency in enumerate(rng.sample(self.agencies, rng.randint(2, 4)), start=1):
            lines.append(f"{n}. {self._surface(agency, state.province, rng, typo=False)}")
            for _ in range(rng.randint(1, 3)):
                text = self._adapt(self._new_task(rng), state.province, year, rng)
                lines.append(f"- {text}")
                truth.tasks.append(TaskTruth(text, agency.canonical(state.province), "duties"))
        return lines

    def _signature(self, issuer: Issuer, province: Province, rng: random.Random) -> list[str]:
        lines = ["Nơi nhận:", "- Bộ Khoa học và Công nghệ;", "- TT Tỉnh ủy, TT HĐND tỉnh;",
                 "- Các sở, ban, ngành tỉnh;", "- Lưu: VT."]
        if issuer.department:
            lines += ["GIÁM ĐỐC"]
        else:
            lines += ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        return [*lines, "", person_name(rng)]

    # ------------------------------------------------------------------------------------------ pieces

    def _task(self, state: ProvinceState, year: int, rng: random.Random) -> tuple[str, Agency, dict]:
        """A task and who leads it: mostly new, sometimes last year's again, sometimes another province's."""
        # One draw from each memory, kept only if it fits: scanning the memories per task would cost O(size).
        roll = rng.random()
        old = state.earlier_task(year, rng) if roll < 0.2 else None
        if old is not None:
            return _YEAR.sub(str(year), old.text), self._agency[old.lead], {"recurring": True}
        shared = rng.choice(self.shared_tasks) if self.shared_tasks and 0.2 <= roll < 0.3 else None
        if shared is not None and shared[0] != state.province.name:
            return self._adapt(_reword(shared[1]), state.province, year, rng), self._agency[shared[2]], \
                {"near_duplicate": True}
        agency = rng.choice(self.agencies)
        text = self._adapt(self._new_task(rng), state.province, year, rng)
        self.shared_tasks.append((state.province.name, text, agency.name))
        if len(self.shared_tasks) > 500:                # bounded: the recent tasks of the whole corpus
            del self.shared_tasks[:250]
        return text, agency, {}

    def _new_task(self, rng: random.Random) -> str:
        """Mostly the opening of one harvested task joined to the rest of another: a few thousand fragments then
        give millions of distinct tasks, so that only the repeats written on purpose read as duplicates."""
        first = rng.choice(self.fragments.tasks)
        if rng.random() < 0.75:
            head = re.split(r"[,;:]", first, maxsplit=1)[0]
            _, comma, tail = rng.choice(self.fragments.tasks).partition(", ")
            if comma and len(head) >= 20:
                return f"{head}, {tail}"
        return first

    def _adapt(self, fragment: str, province: Province, year: int, rng: random.Random) -> str:
        """A harvested fragment re-parameterised for this document: its province, its year, new quantities."""
        text = fragment
        # the substring tests skip most regex passes: most fragments name no province and no year
        if "tỉnh" in text or "Tỉnh" in text or "thành phố" in text or "Thành phố" in text or "TP." in text:
            text = self._province_mention.sub(province.full, text)
        if "19" in text or "20" in text:
            text = _YEAR.sub(str(year), _YEAR_RANGE.sub(f"{year} - {year + 4}", text))
        return _SMALL_NUMBER.sub(lambda m: _renumber(m.group(1), rng), text)

    def _surface(self, agency: Agency, province: Province, rng: random.Random, typo: bool = True) -> str:
        """How the document writes the body: full name, an abbreviation, sometimes with the province or a slip."""
        form = rng.choice(agency.forms)
        if form == agency.name and rng.random() < 0.3:
            form = f"{form} {province.full}"
        return misspell(form, rng) if typo and rng.random() < 0.03 else form

    def _cooperating(self, lead: Agency, rng: random.Random) -> str:
        others = [a for a in self.agencies if a is not lead]
        names = [rng.choice(rng.choice(others).forms), *rng.sample(COOPERATING_CLASSES, rng.randint(0, 2))]
        return "; ".join(names)


def _date(date: tuple[int, int, int], rng: random.Random) -> str:
    day, month, year = date
    if rng.random() < 0.3:
        return f"{day:02d} tháng {month:02d} năm {year}"
    return f"{day:02d}/{month:02d}/{year}" if rng.random() < 0.5 else f"{day}/{month}/{year}"


def _period(year: int, rng: random.Random) -> str:
    quarter = rng.choice(_ROMAN[:4])
    return rng.choice([f"Năm {year}", f"Quý {quarter}/{year}", f"Quý {quarter} năm {year}", "Thường xuyên",
                       f"{year} - {year + 1}", f"Tháng {rng.randint(1, 12)}/{year}", "Hằng năm"])


def _renumber(digits: str, rng: random.Random) -> str:
    if len(digits) == 1:
        return str(rng.randint(1, 9))
    if digits.startswith("0"):
        return f"{rng.randint(1, 9):0{len(digits)}d}"
    return str(rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))


def _reword(text: str) -> str:
    """Another province's task as a neighbour would write it: the same work with its last clause dropped."""
    head, sep, _ = text.rpartition(", ")
    return head + "." if sep and len(head) > 40 else text


def _word_boundary(text: str, rng: random.Random) -> int:
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    return spaces[len(spaces) // 2 + rng.randint(0, len(spaces) // 4)] if len(spaces) > 8 else len(text)


def _lower_first(text: str) -> str:
    return text if len(text) > 1 and text[1].isupper() else text[:1].lower() + text[1:]


def _unique(symbols) -> list[str]:
    return list(dict.fromkeys(symbols))
