"""Paragraphs and tables as read -> typed blocks: headings and list items with their numbering and level,
paragraphs, tables, footnotes, the signature and the "Nơi nhận" recipients list.

The same rules serve every format, so a Word file and its text export give the same blocks. Levels follow the
numbering style, as Vietnamese administrative documents use it: Roman 1, Arabic 2, dotted Arabic 2 + dots,
letter and (i) 5, "-" 6, "+" 7; the legal divisions Phần/Chương 0, Mục and Điều 1; unnumbered titles 0.
"""
from __future__ import annotations

from ingest.readers.draft import Draft
from ingest.readers.items import Item, Para, ReadTable
from ingest.readers.shapes import (Numbering, ends_sentence, has_signature_prefix, is_all_caps, is_person_name,
                                   is_position_title, is_signed_note, numbering, opens_appendix, opens_recipients,
                                   starts_item, starts_lower)
from ingest.readers.tables import BuiltTable, build_table

_HEADING_STYLES = frozenset(("part", "section", "article", "roman"))
_SHORT_HEADING = 120        # a numbered line this short, unpunctuated, with content under it, is a heading
_TITLE_MAX = 200            # longest unnumbered all-caps line taken for a title
_SIGNATURE_LINES = 6        # most lines between the first line of a signature and the signer's name
_AGENCY_LINE_WORDS = 12


def classify(items: list[Item]) -> list[Draft]:
    """Turn a reader's paragraphs and tables into drafts, in document order."""
    stream = _merge_broken(_expand_tables(items))
    return _Classifier(stream).run()


def _expand_tables(items: list[Item]) -> list[Para | BuiltTable]:
    stream: list[Para | BuiltTable] = []
    for item in items:
        if isinstance(item, ReadTable):
            built = build_table(item)
            if built.layout is not None:
                stream.extend(built.layout)   # a layout grid (issuer | motto, recipients | signature)
            elif built.rows:
                stream.append(built)
        else:
            stream.append(item)
    return stream


def _merge_broken(stream: list[Para | BuiltTable]) -> list[Para | BuiltTable]:
    """Join a paragraph cut by a page break ("… công chức, viên" / "chức, trí thức …") to its first part."""
    merged: list[Para | BuiltTable] = []
    for item in stream:
        above = merged[-1] if merged else None
        if isinstance(item, Para) and isinstance(above, Para) and _is_cut(above, item):
            above.text = f"{above.text} {item.text}"
            above.bold = above.bold and item.bold
            above.footnotes.extend(item.footnotes)
        else:
            merged.append(item)
    return merged


def _is_cut(above: Para, para: Para) -> bool:
    if not above.text or not para.text or above.heading or para.heading:
        return False
    return (starts_lower(para.text) and not ends_sentence(above.text) and not starts_item(para.text)
            and not is_all_caps(above.text))


class _Classifier:
    def __init__(self, stream: list[Para | BuiltTable]):
        self.stream = stream
        self.drafts: list[Draft] = []

    def run(self) -> list[Draft]:
        index = 0
        while index < len(self.stream):
            index = self._step(index)
        return self.drafts

    def _step(self, index: int) -> int:
        item = self.stream[index]
        if isinstance(item, BuiltTable):
            self.drafts.append(Draft(kind="table", rows=item.rows))
            self._footnotes(item.footnotes)
            return index + 1
        if not item.text:
            self._footnotes(item.footnotes)
            return index + 1
        if opens_recipients(item.text):
            return self._recipients(index)
        end = self._signature_end(index)
        if end is not None:
            return self._signature(index, end)
        self.drafts.append(self._text_block(item, self._next_para(index)))
        self._footnotes(item.footnotes)
        return index + 1

    def _para(self, index: int) -> Para | None:
        if index < len(self.stream):
            item = self.stream[index]
            return item if isinstance(item, Para) and item.text else None
        return None

    def _next_para(self, index: int) -> Para | BuiltTable | None:
        for position in range(index + 1, len(self.stream)):
            item = self.stream[position]
            if isinstance(item, BuiltTable) or item.text:
                return item
        return None

    def _text_block(self, para: Para, following: Para | BuiltTable | None) -> Draft:
        found = numbering(para.text)
        if para.heading:
            level = found.level if found else para.heading
            return _draft("heading", para, found, level)
        if found is None:
            titled = _is_title(para.text) or opens_appendix(para.text)
            return _draft("heading" if titled else "paragraph", para, None, 0)
        kind = "heading" if _is_heading(para, found, following) else "list_item"
        return _draft(kind, para, found, found.level)

    def _recipients(self, index: int) -> int:
        paras = [self.stream[index]]
        index += 1
        while (para := self._para(index)) is not None and (found := numbering(para.text)) and found.style == "bullet":
            paras.append(para)
            index += 1
        self._group("recipients", paras)
        return index

    def _signature_end(self, index: int) -> int | None:
        """Where the signature starting at `index` ends (after the signer's name), or None if none starts."""
        first = self.stream[index]
        prefixed = has_signature_prefix(first.text)
        if not prefixed and not is_position_title(first.text):
            return None
        end = index + 1
        while end - index <= _SIGNATURE_LINES and (para := self._para(end)) is not None:
            if is_position_title(para.text) or has_signature_prefix(para.text) or is_signed_note(para.text):
                end += 1
            elif is_person_name(para.text):
                return end + 1
            else:
                break
        return end if prefixed else None

    def _signature(self, index: int, end: int) -> int:
        paras = [self.stream[i] for i in range(index, end)]
        last = self.drafts[-1] if self.drafts else None
        if (not has_signature_prefix(paras[0].text) and last is not None and last.kind == "heading"
                and last.numbering is None and is_all_caps(last.text)
                and len(last.text.split()) <= _AGENCY_LINE_WORDS):
            # the issuing body printed on its own line above the office: "SỞ KHOA HỌC VÀ CÔNG NGHỆ / GIÁM ĐỐC"
            self.drafts.pop()
            paras.insert(0, Para(last.text, last.bold))
        self._group("signature", paras)
        return end

    def _group(self, kind: str, paras: list[Para]) -> None:
        text = "\n".join(para.text for para in paras)
        self.drafts.append(Draft(kind=kind, text=text, bold=all(para.bold for para in paras)))
        self._footnotes([note for para in paras for note in para.footnotes])

    def _footnotes(self, notes: list[tuple[str, str]]) -> None:
        self.drafts.extend(Draft(kind="footnote", text=body, label=label) for label, body in notes if body)


def _is_title(text: str) -> bool:
    """"KẾ HOẠCH", "CÔNG ĐIỆN": words in capitals; a lone symbol in capitals ("471/QĐ-UBND") is not a title."""
    return " " in text and len(text) <= _TITLE_MAX and is_all_caps(text)


def _is_heading(para: Para, found: Numbering, following: Para | BuiltTable | None) -> bool:
    if found.style == "bullet":
        return False
    if found.style in _HEADING_STYLES or para.bold or is_all_caps(para.text):
        return True
    if len(para.text) > _SHORT_HEADING or ends_sentence(para.text) or following is None:
        return False
    if isinstance(following, Para):
        sibling = numbering(following.text)
        return sibling is None or sibling.style != found.style
    return True


def _draft(kind: str, para: Para, found: Numbering | None, level: int) -> Draft:
    return Draft(kind=kind, text=para.text, numbering=found.value if found else None, level=level,
                 bold=para.bold)
