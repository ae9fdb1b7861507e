"""How far plangraph's extraction agrees with the generator's ground truth.

A low figure means either the generated text is unlike real documents or the extractors miss a pattern; the
per-field rates and `misses` say which. Tasks are matched by their text (folded, first 60 characters), leads
by canonical name.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ingest.model import Extraction, Task
from ingest.text import fold

_TASK_KEY_CHARS = 60


@dataclass
class Agreement:
    documents: int = 0
    counts: Counter = field(default_factory=Counter)      # field -> agreeing items
    totals: Counter = field(default_factory=Counter)      # field -> items checked
    misses: dict[str, list[str]] = field(default_factory=dict)   # field -> a few examples of disagreement

    def rate(self, name: str) -> float:
        return self.counts[name] / self.totals[name] if self.totals[name] else 1.0

    def rates(self) -> dict[str, float]:
        return {name: round(self.rate(name), 4) for name in sorted(self.totals)}

    def add(self, truth: dict, extraction: Extraction) -> None:
        self.documents += 1
        meta = extraction.meta
        self._check("symbol", truth["file"], meta.symbol == truth["symbol"], f"{meta.symbol} != {truth['symbol']}")
        self._check("province", truth["file"], meta.province == truth["province"],
                    f"{meta.province} != {truth['province']}")
        self._check("year", truth["file"], (meta.issued_date or "")[:4] == str(truth["year"]),
                    f"{meta.issued_date} != {truth['year']}")
        basis = {c.symbol for c in extraction.citations if c.relation == "basis"}
        cited = {c.symbol for c in extraction.citations}
        for symbol in truth["basis"]:
            self._check("basis", truth["file"], symbol in basis, f"basis {symbol} not found")
        for symbol in truth["cited"]:
            self._check("cited_recall", truth["file"], symbol in cited, f"{symbol} not found")
        for symbol in sorted(cited):
            self._check("cited_precision", truth["file"], symbol in truth["cited"], f"{symbol} not in the truth")
        unused = [(fold(t.text), t) for t in extraction.tasks]
        for task in truth["tasks"]:
            found = _match(fold(task["text"]), unused)
            self._check("task_found", truth["file"], found is not None, f"task not found: {task['text'][:60]}")
            if found is not None:
                leads = {fold(name) for name in found.lead}
                ok = fold(task["lead"]) in leads
                self._check("task_lead", truth["file"], ok, f"[{task['form']}] {found.lead} != {task['lead']}")
                self._check(f"task_lead.{task['form']}", truth["file"], ok, f"{found.lead} != {task['lead']}")

    def _check(self, name: str, file: str, ok: bool, why: str) -> None:
        self.totals[name] += 1
        if ok:
            self.counts[name] += 1
        elif len(self.misses.setdefault(name, [])) < 8:
            self.misses[name].append(f"{file}: {why}")


def _match(text: str, unused: list[tuple[str, Task]]) -> Task | None:
    """The extracted task printing this text (the whole of it if one does, else its opening), taken once: two
    tasks of a document may open alike."""
    key = text[:_TASK_KEY_CHARS]
    candidates = [i for i, (folded, _) in enumerate(unused) if key in folded]
    if not candidates:
        return None
    best = next((i for i in candidates if text in unused[i][0]), candidates[0])
    return unused.pop(best)[1]
