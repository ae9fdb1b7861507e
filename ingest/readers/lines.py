"""Lines -> paragraphs: undo hard wrapping without gluing separate paragraphs together.

Markdown renderings of legal documents wrap every sentence at about 80 characters and often leave no blank line
between paragraphs, so the decision is made per line pair from what the lines look like: a line that ends a
sentence, a line that opens a numbered item, a finished bold heading, a change from capitals to running text
all end a paragraph; otherwise a hard-wrapped document continues it. Plain-text exports (one paragraph per line)
only continue a paragraph whose next line starts in lower case: a sentence cut by a page break.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.readers.inline import LINE_BREAK, Inline, clean_line, tidy
from ingest.readers.items import Para
from ingest.readers.shapes import (Numbering, ends_sentence, has_signature_prefix, is_all_caps,
                                   is_position_title, numbering, starts_lower)

_MD_HEADING = re.compile(r"[ \t]{0,3}(#{1,6})(?:[ \t]+|$)")
_DECORATION_CHARS = " -_=~*.·•"
_DECORATION = re.compile(r"[\s\-_=~*.·•]*")
_WORD = re.compile(r"\w")
_LONE_MARKS = frozenset("-+–•")   # a dash alone is a value in a table cell ("- | Khu vực …")
_WRAPPED_SHARE = 0.1       # of line pairs continuing a sentence in lower case: the text is hard-wrapped
_WRAP_EVIDENCE = 5          # line pairs needed before believing either way
_WRAP_SAMPLE = 4000         # line pairs looked at: the habit of a document shows in its first pages


def looks_hard_wrapped(lines: list[str]) -> bool:
    """True when sentences run on across lines (a line without final punctuation followed by a lower-case
    one) in at least a tenth of the line pairs, as in the corpus-legal renderings."""
    pairs = continued = 0
    previous = ""
    for line in lines:
        text = line.strip()
        if text and previous and text != "|" and previous != "|":
            pairs += 1
            if starts_lower(text) and not ends_sentence(previous):
                continued += 1
            if pairs == _WRAP_SAMPLE:
                break
        previous = text
    return pairs >= _WRAP_EVIDENCE and continued >= _WRAPPED_SHARE * pairs


@dataclass(slots=True)
class _Line:
    text: str
    inline: Inline
    emphasis_before: bool
    marker: Numbering | None = None   # the numbering the line opens with


class ParagraphBuilder:
    """Feeds lines in order; `paragraphs()` returns what they make. One builder per text flow (the running
    text, or one table cell), because emphasis carries from line to line within a flow."""

    def __init__(self, wrapped: bool, split_breaks: bool = True):
        self.wrapped = wrapped
        self.split_breaks = split_breaks
        self.out: list[Para] = []
        self.current: list[_Line] = []      # the lines of the paragraph being written
        self.last: _Line | None = None      # its last line with text
        self.emphasised = False             # every line of it so far is bold or italic
        self.bold = self.italic = False     # emphasis open at the end of the last line fed

    def feed_all(self, lines: Iterable[str]) -> list[Para]:
        for line in lines:
            self.feed(line)
        return self.paragraphs()

    def feed(self, raw: str) -> None:
        """One line of markdown or exported text (inline markup is interpreted)."""
        if not raw or raw.isspace():
            self.flush()
            self.bold = self.italic = False   # markdown emphasis does not cross a blank line
            return
        heading = _MD_HEADING.match(raw) if "#" in raw[:4] else None
        if heading:
            self.flush()
            self._heading(raw[heading.end():], len(heading.group(1)))
            return
        emphasis_before = self.bold or self.italic
        inline = clean_line(raw, self.bold, self.italic)
        self.bold, self.italic = inline.bold, inline.italic
        self._add(_Line(tidy(inline.text), inline, emphasis_before))

    def feed_text(self, text: str, bold: bool = False) -> None:
        """One line of plain text with no markup, as a PDF gives it; `bold` when its font is bold."""
        if not text.strip():
            self.flush()
            return
        has_words = _WORD.search(text) is not None
        self._add(_Line(tidy(text), Inline(text, False, False, bold and has_words, bold and has_words), False))

    def _add(self, line: _Line) -> None:
        inline = line.inline
        if not line.text:
            if inline.footnotes:
                self._footnotes_only(inline)
            return
        if line.text[0] in _DECORATION_CHARS and _DECORATION.fullmatch(line.text) \
                and (len(line.text) >= 3 or not _WORD.search(line.text)) and line.text not in _LONE_MARKS:
            self.flush()   # "-------" under the issuer, "* * *": layout, not text
            return
        line.marker = numbering(line.text)
        if self.last is not None and not self._continues(self.last, line):
            self.flush()
        self.current.append(line)
        self.emphasised = line.inline.all_emphasis and (self.emphasised or self.last is None)
        self.last = line

    def _heading(self, body: str, depth: int) -> None:
        inline = clean_line(body)
        text = tidy(inline.text)
        if text and not _DECORATION.fullmatch(text):
            self.out.append(Para(text.replace(LINE_BREAK, " "), inline.all_bold, depth, inline.footnotes))

    def _footnotes_only(self, inline: Inline) -> None:
        if self.last is not None:
            self.current.append(_Line("", inline, False))   # the notes of the paragraph being written
        else:
            self.out.append(Para("", footnotes=inline.footnotes))

    def _continues(self, above: _Line, line: _Line) -> bool:
        """Is `line` the next piece of the paragraph that `above` ends?"""
        text = line.text
        if _opens_item(line) or has_signature_prefix(text):
            return False
        if _bare_marker(above):
            return True   # "II." on a line of its own, its title on the next
        if ends_sentence(above.text):
            return False
        emphasis_open = above.inline.bold or above.inline.italic
        if self.wrapped and emphasis_open and not (line.inline.bold or line.inline.italic):
            return True   # a bold or italic run wrapped over lines closes on this one
        if not emphasis_open and self.emphasised:
            return False  # a finished bold/italic line is a heading or a title of its own
        if line.inline.all_emphasis and not line.emphasis_before:
            return False
        if starts_lower(text):
            return True
        if _case_changes(above.text, text) or is_position_title(text):
            return False
        return self.wrapped

    def flush(self) -> None:
        if not self.current:
            return
        lines, self.current, self.last, self.emphasised = self.current, [], None, False
        if len(lines) == 1:
            line = lines[0]
            self._emit(line.text, line.inline.all_bold, line.inline.footnotes)
            return
        texts = [line.text for line in lines if line.text]
        bold = all(line.inline.all_bold for line in lines if line.text)
        self._emit(tidy(" ".join(texts)), bold, [note for line in lines for note in line.inline.footnotes])

    def _emit(self, text: str, bold: bool, footnotes: list[tuple[str, str]]) -> None:
        if not text:
            if footnotes:
                self.out.append(Para("", footnotes=footnotes))
        elif self.split_breaks and LINE_BREAK in text:
            parts = text.split(LINE_BREAK)
            self.out.extend(Para(part, bold) for part in parts[:-1])
            self.out.append(Para(parts[-1], bold, footnotes=footnotes))
        else:
            self.out.append(Para(text, bold, footnotes=footnotes))

    def paragraphs(self) -> list[Para]:
        self.flush()
        return self.out


def _opens_item(line: _Line) -> bool:
    """`starts_item` for a line whose numbering is known: a dash before a lower-case word is a wrap."""
    found = line.marker
    if found is None:
        return False
    return found.style != "bullet" or not line.text[found.end:found.end + 1].islower()


def _bare_marker(line: _Line) -> bool:
    found = line.marker
    return found is not None and found.style != "bullet" and not line.text[found.end:].strip()


def _case_changes(above: str, below: str) -> bool:
    """A title in capitals followed by running text, or the reverse: two paragraphs, not one."""
    if _caps_line(above):
        return not below.isupper()
    return _caps_line(below) and not above.isupper()


def _caps_line(text: str) -> bool:
    return " " in text and is_all_caps(text)
