"""What a generated document can rest on: national documents, the province's own fixed bodies of law, and the
documents generated earlier for the same province (the chains).

Each province keeps a bounded memory (the last few plans, the tasks of earlier years), so generation runs in
constant memory whatever N is.
"""
from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

from .gazetteer import NATIONAL_DOCUMENTS, Province

_RECENT_PLANS = 12      # earlier plans of a province a new one may cite
_RECURRING_TASKS = 60   # tasks of each recent year a later plan may repeat
_RECURRING_YEARS = 3
# Chains of generated plans stop at this length: real chains run a few levels (national resolution -> the
# province's action plan -> a department's plan -> its yearly plans), not through every earlier plan.
MAX_CHAIN_LEVEL = 6


@dataclass(frozen=True)
class Citable:
    """A document as a citation prints it: "Kế hoạch số 45/KH-UBND ngày 12/3/2024 của UBND tỉnh X về …"."""
    doc_type: str
    symbol: str
    date: tuple[int, int, int]                 # (day, month, year)
    issuer: str                                # as printed after "của"
    subject: str                               # what it is about, as printed after the issuer
    implements: tuple[str, ...] = ()           # symbols its subject says it carries out
    file: str | None = None                    # the generated file, for a document of this corpus
    level: int = 0                             # its place in a chain of this corpus: 1 rests on no other one

    def printed_symbols(self) -> list[str]:
        return [self.symbol, *self.implements]


@dataclass(frozen=True)
class RecurringTask:
    year: int
    text: str
    lead: str                                  # canonical agency name without the province


@dataclass
class ProvinceState:
    """Everything the corpus remembers about one province between its documents."""
    province: Province
    local_law: tuple[Citable, ...]
    recent: deque[Citable] = field(default_factory=lambda: deque(maxlen=_RECENT_PLANS))
    recurring: dict[int, deque[RecurringTask]] = field(default_factory=dict)   # year -> some of its tasks
    numbers: dict[tuple[int, str], int] = field(default_factory=dict)

    def remember(self, task: RecurringTask) -> None:
        self.recurring.setdefault(task.year, deque(maxlen=_RECURRING_TASKS)).append(task)
        for year in sorted(self.recurring)[:-_RECURRING_YEARS]:
            del self.recurring[year]

    def earlier_task(self, year: int, rng: random.Random) -> RecurringTask | None:
        """A task of an earlier year's plan, to be planned again this year."""
        years = [y for y in self.recurring if y < year]
        return rng.choice(self.recurring[rng.choice(years)]) if years else None

    def next_number(self, year: int, series: str, rng: random.Random) -> int:
        """Document numbers rise through the year within each series ("KH-UBND"), as a registry issues them."""
        number = self.numbers.get((year, series), rng.randint(1, 40)) + rng.randint(1, 9)
        self.numbers[(year, series)] = number
        return number


NATIONAL: tuple[Citable, ...] = tuple(Citable(d.doc_type, d.symbol, d.date, d.issuer, d.subject,
                                              (d.implements,) if d.implements else ())
                                      for d in NATIONAL_DOCUMENTS)


def local_law(province: Province, rng: random.Random) -> tuple[Citable, ...]:
    """A province's own standing documents: the Party committee's resolutions and action plan, the People's
    Council resolution, the decision organising its Department of Science and Technology."""
    name = province.name
    party = "Thành ủy" if province.prefix == "thành phố" else "Tỉnh ủy"
    council_year, decision_year = rng.randint(2020, 2024), 2025
    return (
        Citable("Nghị quyết", f"{rng.randint(5, 30)}-NQ/TU", (rng.randint(1, 28), rng.randint(1, 12), 2021),
                f"{party} {name}", f"về chuyển đổi số {province.full} đến năm 2025, định hướng đến năm 2030"),
        Citable("Nghị quyết", f"{rng.randint(10, 90)}/{council_year}/NQ-HĐND",
                (rng.randint(1, 28), rng.randint(1, 12), council_year), f"HĐND {province.full}",
                "quy định chính sách hỗ trợ phát triển khoa học, công nghệ và đổi mới sáng tạo"),
        Citable("Quyết định", f"{rng.randint(5, 40)}/{decision_year}/QĐ-UBND",
                (rng.randint(1, 28), rng.randint(1, 2), decision_year), f"UBND {province.full}",
                "ban hành Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Khoa học và Công nghệ"),
        Citable("Kế hoạch", f"{rng.randint(300, 400)}-KH/TU", (rng.randint(1, 28), rng.randint(3, 5), 2025),
                f"{party} {name}", "thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị",
                implements=("57-NQ/TW",)),
    )


def before(documents: list[Citable] | deque[Citable] | tuple[Citable, ...],
           date: tuple[int, int, int]) -> list[Citable]:
    """The documents issued strictly before `date` (a plan cannot rest on a later one)."""
    key = (date[2], date[1], date[0])
    return [d for d in documents if (d.date[2], d.date[1], d.date[0]) < key]
