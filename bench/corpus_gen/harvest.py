"""Sentence fragments harvested from real documents at generation time: the prose of the generated corpus.

Nothing of the sources is stored in the repository: the fragments are read from the directories given, kept in
memory, and re-parameterised when a document uses them. A fragment is kept only when it can stand in any
province's plan: no document numbers or dates (they would be citations the ground truth does not know), no
role words (they would change who leads), no people.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SOURCE_SUFFIXES = (".txt", ".md")

# Openings of an actionable item in Vietnamese plans: the verb that starts a task row or a numbered duty.
_TASK_VERBS = (
    "Tổ chức", "Triển khai", "Xây dựng", "Hỗ trợ", "Đẩy mạnh", "Tăng cường", "Nghiên cứu", "Rà soát",
    "Thực hiện", "Hoàn thiện", "Nâng cao", "Phát triển", "Tuyên truyền", "Ứng dụng", "Chuyển giao", "Khảo sát",
    "Đào tạo", "Bồi dưỡng", "Kiểm tra", "Thúc đẩy", "Khuyến khích", "Huy động", "Đánh giá", "Hướng dẫn",
    "Phổ biến", "Quản lý", "Củng cố", "Đổi mới", "Duy trì", "Kết nối", "Cập nhật", "Theo dõi", "Số hóa",
)

# What would make a fragment carry facts of its source document rather than of the genre.
_SYMBOL = re.compile(r"\d+\s*/\s*\S|-(?:NQ|KL|CT|KH|QĐ)\b|\bsố\s+\d|\bngày\s+\d|\d{1,2}/\d{1,2}/\d{4}")
# Matched on the lower-cased sentence (a case-insensitive Unicode pattern is several times slower).
_TIED_TO_SOURCE = re.compile(r"chủ trì|phối hợp|đầu mối|tham mưu|giao cho|\bông\b|\bbà\b|đồng chí|chủ tịch|"
                             r"giám đốc|phó chủ|trưởng ban|trưởng phòng|quyết định|nghị quyết|kế hoạch số|"
                             r"(?<!pháp )luật|thông tư|nghị định|chỉ thị|kết luận|công văn|tờ trình|điều này|"
                             r"\bkhoản\b|http|www|@")
_MARKUP = re.compile(r"<[^>]+>|\*\*?|__|\[footnote[^\]]*\]|\\")
_ITEM_PREFIX = re.compile(r"^\s*(?:[-–•+*]+|\(?\d+(?:\.\d+)*[.)]|\(?[a-zđ][.)]|[IVX]+\.)\s*")
_HEADING = re.compile(r"^\s*(?:[IVX]+\.|[A-Z]\.|Phần\s+[IVX]+)\s*\S")
_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])")


@dataclass(frozen=True)
class Fragments:
    """The harvested prose, each list sorted and de-duplicated so the same sources give the same corpus."""
    tasks: tuple[str, ...]
    aims: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.tasks) < 20 or len(self.aims) < 5:
            raise ValueError(f"the sources gave {len(self.tasks)} task and {len(self.aims)} aim fragments; "
                             f"a corpus needs at least 20 and 5: give --source directories of planning documents")


def harvest(sources: list[Path]) -> Fragments:
    """Task and aim fragments from every .txt/.md file under the source directories."""
    tasks: set[str] = set()
    aims: set[str] = set()
    files = sorted(f for d in sources for f in _source_files(d))
    for path in files:
        for in_aims_section, paragraph in _paragraphs(path):
            for sentence in _sentences(paragraph):
                kind = _kind(sentence, in_aims_section)
                if kind == "task":
                    tasks.add(sentence)
                elif kind == "aim":
                    aims.add(sentence)
    return Fragments(tasks=tuple(sorted(tasks)), aims=tuple(sorted(aims)))


def _source_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: source directory not found")
    return [f for f in directory.rglob("*") if f.suffix.lower() in SOURCE_SUFFIXES and f.is_file()]


def _paragraphs(path: Path) -> list[tuple[bool, str]]:
    """(inside an aims section?, paragraph) pairs. Wrapped lines of a paragraph are joined; a bullet, a number,
    a table cell marker or a blank line starts a new one."""
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8", errors="replace"))
    out: list[tuple[bool, str]] = []
    current: list[str] = []
    in_aims = False

    def flush() -> None:
        if current:
            out.append((in_aims, " ".join(current)))
            current.clear()

    for raw in text.splitlines():
        line = _MARKUP.sub("", raw).replace("&amp;", "&").strip(" \t|")
        if not line:
            flush()
            continue
        if _HEADING.match(line):
            flush()
            in_aims = bool(re.search(r"(?i)mục đích|yêu cầu", line))
            continue
        if _ITEM_PREFIX.match(line) or "\t" in raw:
            flush()
        current.append(_ITEM_PREFIX.sub("", line))
    flush()
    return out


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(re.sub(r"\s+", " ", paragraph)) if s.strip()]


def _kind(sentence: str, in_aims_section: bool) -> str | None:
    if not 40 <= len(sentence) <= 360 or _SYMBOL.search(sentence) or _TIED_TO_SOURCE.search(sentence.lower()):
        return None
    if sentence.count("(") != sentence.count(")") or sentence.count("“") != sentence.count("”"):
        return None
    if "……" in sentence or "...." in sentence:       # a form's blank to fill in, not prose
        return None
    if in_aims_section:
        return "aim" if sentence[0].isupper() and sentence.endswith((".", ";")) else None
    if sentence.startswith(_TASK_VERBS) and not sentence.endswith(":"):
        return "task"
    return None
