"""Inline markup inside one line of text: markdown emphasis, the HTML fragments of exported tables, entities,
and the footnote/bookmark markers of converted Word files.

`clean_line` returns the display text and what the markup said (bold, italic, where a cell's paragraphs and list
items end). Emphasis can span lines in hard-wrapped markdown, so the state before the line goes in and the state
after it comes out. Everything here is a single left-to-right pass over the line: no backtracking patterns, so a
10 MB line costs what its length costs.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

LINE_BREAK = "\n"   # kept inside a cell's text where the source had <p>, <li> or <br>

# Only tags of the HTML that exporters leave in text; "<Nội dung>" and "<tên>" in legal templates are words.
_TAG_NAMES = ("b|strong|i|em|u|s|strike|p|br|ul|ol|li|span|font|sup|sub|div|a|h[1-6]|table|thead|tbody|tr|td|th|"
              "blockquote|pre|code|mark|small|big|center")
_MARKUP = re.compile(rf"\*+|<\s*/?\s*(?:{_TAG_NAMES})\b[^<>]{{0,500}}>", re.IGNORECASE)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
_BREAK_TAGS = frozenset(("p", "br", "ul", "ol", "li", "div", "tr", "blockquote", "pre", "table"))
_BOLD_TAGS = frozenset(("b", "strong"))
_ITALIC_TAGS = frozenset(("i", "em"))
_WORD_CHAR = re.compile(r"\w")
_SPACES = re.compile(r"[ \t\f\v]{2,}")
_BRACKET = re.compile(r"[\[\]]")
_FOOTNOTE_OPEN = re.compile(r"\[(?:(?P<label>\d{1,4}):\s|(?P<marker>footnoteRef|bookmark|endnoteRef):)")
# "- a - b": an exported list whose items lost their <li>; a spaced dash before a capital starts an item.
_BARE_ITEM = re.compile(r"\s+-\s+(?=[^\W\d_])")


@dataclass(slots=True)
class Inline:
    text: str                  # display text, markup removed (may hold LINE_BREAK from HTML block tags)
    bold: bool                 # bold still open after the line
    italic: bool               # italic still open after the line
    all_emphasis: bool         # every word of the line is bold or italic
    all_bold: bool             # every word of the line is bold
    footnotes: list[tuple[str, str]] = field(default_factory=list)   # (label, body) moved out of the text


def clean_line(raw: str, bold: bool = False, italic: bool = False) -> Inline:
    """Strip markup from one line, given whether bold/italic were open before it."""
    footnotes: list[tuple[str, str]] = []
    if "[" in raw:
        raw = _extract_footnotes(raw, footnotes)
    if "*" not in raw and "<" not in raw:
        text = html.unescape(raw) if "&" in raw else raw
        has_words = _WORD_CHAR.search(text) is not None
        return Inline(text, bold, italic, has_words and (bold or italic), has_words and bold, footnotes)
    return _strip_markup(raw, bold, italic, footnotes)


def _strip_markup(raw: str, bold: bool, italic: bool, footnotes: list[tuple[str, str]]) -> Inline:
    pieces: list[str] = []
    words = _WordTally()
    position = 0
    in_list = False
    text_start = len(raw) - len(raw.lstrip())
    for match in _MARKUP.finditer(raw):
        _append_segment(raw[position:match.start()], pieces, words, bold, italic, in_list)
        token = match.group(0)
        position = match.end()
        if token[0] == "*":
            if _literal_asterisks(raw, match.start(), match.end(), text_start):
                _append_segment(token, pieces, words, bold, italic, in_list)
                continue
            bold, italic = _toggle(len(token), bold, italic)
            if len(token) >= 4 and _joins_words(raw, match.start(), match.end()):
                pieces.append(" ")   # "**Phụ lục****Nhiệm vụ**": two bold runs, two words
            continue
        closing, name = _TAG_NAME.match(token).groups()
        name = name.lower()
        if name in _BOLD_TAGS:
            bold = not closing
        elif name in _ITALIC_TAGS:
            italic = not closing
        elif name in _BREAK_TAGS:
            pieces.append(LINE_BREAK)
            if name in ("ul", "ol"):
                in_list = not closing
    _append_segment(raw[position:], pieces, words, bold, italic, in_list)
    text = "".join(pieces)
    if "&" in text:
        text = html.unescape(text)
    all_emphasis = words.emphasised and not words.plain
    all_bold = words.bold and not words.not_bold
    return Inline(text, bold, italic, all_emphasis, all_bold, footnotes)


@dataclass(slots=True)
class _WordTally:
    """Which emphasis the words of a line were written in."""
    plain: bool = False
    bold: bool = False
    not_bold: bool = False
    emphasised: bool = False


def _append_segment(segment: str, pieces: list[str], words: _WordTally, bold: bool, italic: bool,
                    in_list: bool) -> None:
    if not segment:
        return
    if in_list:
        segment = _BARE_ITEM.sub(LINE_BREAK + "- ", segment)
    pieces.append(segment)
    if _WORD_CHAR.search(segment):
        words.plain |= not (bold or italic)
        words.bold |= bold
        words.not_bold |= not bold
        words.emphasised |= bold or italic


def _toggle(run: int, bold: bool, italic: bool) -> tuple[bool, bool]:
    """A run of asterisks: "*" italic, "**" bold, "***" both; longer runs are runs of those."""
    if run % 2:
        italic = not italic
    if (run // 2) % 2:
        bold = not bold
    return bold, italic


def _literal_asterisks(raw: str, start: int, end: int, text_start: int) -> bool:
    """A bullet ("* item" opening the line) or a marker like "(*)" is text, not emphasis."""
    if end - start == 1 and raw[end:end + 1] == " " and start == text_start:
        return _WORD_CHAR.search(raw, end) is not None
    return raw[start - 1:start] == "(" and raw[end:end + 1] == ")"


def _joins_words(raw: str, start: int, end: int) -> bool:
    return bool(_WORD_CHAR.match(raw[start - 1:start] or " ")) and bool(_WORD_CHAR.match(raw[end:end + 1] or " "))


def _extract_footnotes(raw: str, footnotes: list[tuple[str, str]]) -> str:
    """Remove footnote bodies "[3: text]" (kept in `footnotes`), reference marks "[footnoteRef:3]" and
    bookmarks "[bookmark: _Hlk…]"; brackets inside a body are matched, so a body may quote "[…]"."""
    out: list[str] = []
    position = 0
    for match in _FOOTNOTE_OPEN.finditer(raw):
        if match.start() < position:
            continue
        close = _matching_bracket(raw, match.start())
        if close < 0:
            break   # an unclosed bracket is text, not a marker that swallows the rest of the line
        out.append(raw[position:match.start()])
        if match.group("label"):
            body = raw[match.end():close].strip()
            footnotes.append((match.group("label"), clean_line(body).text.strip()))
        position = close + 1
    out.append(raw[position:])
    return "".join(out)


def _matching_bracket(raw: str, open_at: int) -> int:
    depth = 0
    for bracket in _BRACKET.finditer(raw, open_at):
        depth += 1 if bracket.group(0) == "[" else -1
        if not depth:
            return bracket.start()
    return -1


def tidy(text: str) -> str:
    """Collapse runs of spaces left by removed markup and trim each line."""
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text.replace("\t", " "))
    if LINE_BREAK in text:
        return LINE_BREAK.join(part.strip() for part in text.split(LINE_BREAK) if part.strip())
    return text.strip()
