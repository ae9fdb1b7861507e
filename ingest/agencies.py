"""Agencies: find organisation names in text and resolve every surface form to one canonical entity.

Two sources of knowledge, both data in `ontology/`: the gazetteer of administrative bodies (`agencies.tsv`:
ministries, provincial bodies and departments, named classes of bodies, the units of a department) and the
abbreviation table (`abbreviations.tsv`). Names the gazetteer does not know (a department's Phòng, a Trung tâm, a
district's Phòng) are read by a grammar: a head noun followed by a capitalised name, an abbreviation, or a name
defined in the document itself ("Phòng Quản lý Khoa học (QLKH)").

Identity: local bodies carry their province ("Sở Khoa học và Công nghệ tỉnh Quảng Ngãi" and "… tỉnh Đồng Tháp" are
two agencies); a unit of a department carries its parent ("Phòng Quản lý Khoa học (Sở Khoa học và Công nghệ tỉnh
Quảng Ngãi)"). The key is the folded canonical name, so typos that differ only in diacritics ("Tổ chuyên đổi số")
fall together, and an abbreviation that is a near-copy of one defined in the document is read as that one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ingest.text import LOWER, UPPER, fold, fold_keep_length

# ------------------------------------------------------------------------------------------------ data tables


@dataclass(frozen=True)
class Body:
    name: str
    scope: str            # central | province | unit | class


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Body]:
    """Folded form -> body, for every canonical name and written form in `ontology/agencies.tsv`."""
    table: dict[str, Body] = {}
    for line in _data_lines("agencies.tsv"):
        name, scope, *rest = line.split("\t") + [""]
        body = Body(name.strip(), scope.strip())
        for form in [body.name, *rest[0].split("|")]:
            if form.strip():
                table.setdefault(_key(form), body)
    return table


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Folded short form -> long form, from `ontology/abbreviations.tsv`."""
    out: dict[str, str] = {}
    for line in _data_lines("abbreviations.tsv"):
        short, long, *_ = line.split("\t")
        out.setdefault(_key(short), long.strip())
    return out


@lru_cache(maxsize=1)
def programme_abbreviations() -> dict[str, str]:
    """Short names of national programmes ("OCOP") -> their long names, from the abbreviation table."""
    out = {}
    for line in _data_lines("abbreviations.tsv"):
        short, long, *kind = line.split("\t")
        if kind and kind[0].strip() == "programme":
            out[short.strip()] = long.strip()
    return out


@lru_cache(maxsize=1)
def provinces() -> dict[str, tuple[str, str]]:
    """Folded written form -> (province name, prefix "tỉnh" or "thành phố")."""
    out: dict[str, tuple[str, str]] = {}
    for line in _data_lines("provinces.tsv"):
        name, prefix, *rest = line.split("\t") + [""]
        for form in [name, *rest[0].split("|")]:
            if form.strip():
                out[fold(form)] = (name, prefix)
    return out


def _data_lines(name: str) -> list[str]:
    text = resources.files("ontology").joinpath(name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _key(name: str) -> str:
    """Comparable form of a name: folded, dashes and spaces around punctuation unified."""
    key = fold(name).replace("–", "-").replace("—", "-")
    key = re.sub(r"\s*([-&/])\s*", r"\1", key)
    key = re.sub(r"\s*,\s*", ", ", key)
    return key.strip(" .,;:")


def province_of(text: str) -> tuple[str, str] | None:
    """The province a phrase names ("tỉnh Quảng Ngãi", "TP. Hồ Chí Minh", "Đồng Tháp"). A city named after a
    person ("Hồ Chí Minh") counts only with its "thành phố" / "TP." in front: "Đoàn … Hồ Chí Minh" is no place."""
    folded = fold(text)
    for form in sorted(provinces(), key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", folded):
            if form == "ho chi minh" and not re.search(r"(thanh pho|tp\.?)\s*$", folded[:m.start()]):
                continue
            return provinces()[form]
    return None


def expand_abbreviations(name: str) -> str:
    """Upper-case short forms replaced by their long forms ("Phòng QLKH" -> "Phòng Quản lý Khoa học")."""
    def long_form(m: re.Match) -> str:
        return abbreviations().get(_key(m.group(0)), m.group(0))
    return re.sub(rf"(?<![\w&-]){_ABBR}(?![\w&-])", long_form, name)


# ------------------------------------------------------------------------------------------------ the grammar

_HEADS = (r"Ủy ban nhân dân|UBND|Hội đồng nhân dân|HĐND|Ủy ban|Sở|Bộ|[Pp]hòng|P\.|[Tt]rung tâm|[Cc]hi cục|Tổng cục|Cục|"
          r"Viện|Học viện|Trường|Đại học|Ban|Hội đồng|Đài|Báo|Bệnh viện|Văn phòng|Thanh tra|Huyện ủy|Thành ủy|"
          r"Đảng ủy|Hội|Liên hiệp|Liên minh|Đoàn|Công an|Kho bạc|Quỹ|Tập đoàn")
_CAP = rf"[{UPPER}][{LOWER}]*"
_LOW = rf"[{LOWER}]+"
# "QLCN&CN", "HC - TH", "CN &CN"; but "QLKH & HCTH" (spaces on both sides of "&") names two units
_ABBR = r"[A-ZĐ][A-ZĐ0-9]*(?:(?: ?[\-–.] ?|&| &(?! )|(?<! )& )[A-ZĐ0-9]+)*"
# A name: words whose first syllable is capitalised ("Quản lý Khoa học"), abbreviations ("QLCN&CN"), joined by
# "và", "-", "&"; then a short lower-case tail only of words that end agency names ("… Phát triển nông thôn").
_NOT_IN_NAME = {"giai", "nam", "ve", "trong", "de", "theo", "cua", "tai", "cac", "nhung", "voi", "la", "da", "se",
                "duoc", "cho", "den", "tham", "muu", "chu", "tri", "phoi", "thuc", "hien", "trien", "khai"}
_HEAD_AHEAD = rf"(?!(?:{_HEADS})(?![\w]))"
_FIRST_TOKEN = rf"(?:{_ABBR}(?![\w])|{_CAP}(?: {_LOW}(?![\w]))?)"
_TOKEN = _HEAD_AHEAD + _FIRST_TOKEN
_NAME_TAIL = {"nong", "thon", "khoa", "hoc", "cong", "nghe", "tong", "hop", "chuyen", "nganh", "dich", "vu",
              "ky", "thuat", "thong", "tin", "truyen", "moi", "truong", "dau", "tu", "xa", "hoi", "du", "lich",
              "chat", "luong", "do", "tieu", "chuan", "ha", "tang", "kinh", "te", "san", "xuat", "giong",
              "cay", "vat", "nuoi", "thuy", "ung", "dung", "so", "dan", "toc", "ton", "giao", "quy", "hoach",
              "kien", "truc", "nhan", "luc", "phat", "trien", "hanh", "chinh", "nha", "nuoc", "dao", "tao", "the",
              "thao", "cong", "dong", "viec", "lam"}
_GENERIC_RE = re.compile(
    rf"(?<![\w/-])(?P<head>{_HEADS}) (?P<name>{_FIRST_TOKEN}(?:(?: và | ?[-–] ?| ){_TOKEN})*)")
# In a role cell every item names an agency, so a head noun with a lower-case name is one too ("Tổ chuyển đổi số")
_CELL_ITEM_RE = re.compile(rf"(?:{_HEADS}|Tổ) (?!chức\b)[\w ,&-]{{2,60}}")
_DEFINITION_RE = re.compile(r"\((?P<abbr>[A-ZĐ][\w&\-. ]{0,20})\)")
_LOCALITY_RE = re.compile(
    r" *(?:, *)?(?P<level>tỉnh|Tỉnh|thành phố|Thành phố|TP\.?|huyện|Huyện|thị xã|quận|H\.) *(?P<place>(?:[A-ZĐ]\w* ?){0,4})?")
_NOT_AGENCY_TAIL = re.compile(r"\s+(?:có\s+)?liên quan\b")


@dataclass
class Mention:
    start: int
    end: int
    surface: str
    name: str                    # the name with abbreviations expanded, before province/parent are added
    body: Body | None = None     # gazetteer entry when known
    locality: str | None = None  # "tỉnh Đồng Tháp", "huyện Cao Lãnh" when written after the name
    parent: str | None = None    # "(Sở Khoa học và Công nghệ)" or "thuộc Sở …" when written
    head: str | None = None      # the head noun a grammar-read name starts with ("Phòng", "Trung tâm")


@dataclass
class ResolvedAgency:
    name: str
    key: str
    kind: str
    province: str | None = None
    parent_key: str | None = None
    aliases: list[str] = field(default_factory=list)


class AgencyResolver:
    """Resolves agency names within one document's context (its province, issuing department, definitions)."""

    def __init__(self, province: str | None = None, issuer_department: str | None = None) -> None:
        self.province = province
        self.issuer_department = issuer_department     # canonical name of the Sở that issues the document
        self.definitions: dict[str, str] = {}           # "QLKH" -> "Phòng Quản lý Khoa học", "Trung tâm" -> …
        self.agencies: dict[str, ResolvedAgency] = {}

    # -------------------------------------------------------------- reading the document's own definitions
    def learn_definitions(self, text: str) -> None:
        """"Phòng Quản lý Khoa học (QLKH)", "Trung tâm Ứng dụng … (Trung tâm)": the short form in brackets names
        the agency before it for the rest of the document."""
        for m in _GENERIC_RE.finditer(text):
            after = text[m.end():m.end() + 60]
            tail = re.match(r"[\w\sÀ-ỹ]{0,45}?\s*\(", after)
            if not tail:
                continue
            define = _DEFINITION_RE.match(after, tail.end() - 1)
            if not define:
                continue
            full = (m.group(0) + after[:tail.end() - 1]).strip()
            short = define.group("abbr").strip()
            if len(short) <= 20 and _is_defining(short, full):
                self.definitions[_key(short)] = full
                self.definitions[_key(f"{m.group('head')} {short}")] = full

    # -------------------------------------------------------------- finding names
    def mentions(self, text: str) -> list[Mention]:
        """Every agency named in `text`: gazetteer forms first (longest wins), then the grammar for unknown names."""
        folded = fold_keep_length(text)
        spans: list[tuple[int, int, Body | str]] = []
        for m in _gazetteer_regex().finditer(folded):
            body = gazetteer()[_key(m.group(0))]
            if m.start() and text[m.start() - 1] == "-" and " " not in m.group(0):
                continue      # a code inside a document number ("52/KH-SKHCN-UBND"), not a name
            if _case_fits(text[m.start():m.end()], m.group(0), body):
                spans.append((m.start(), m.end(), body))
        covered = [(s, e) for s, e, _ in spans]
        for m in _GENERIC_RE.finditer(text):
            if any(s <= m.start() < e for s, e in covered):
                continue
            end = self._generic_end(text, m)
            if self._acceptable_generic(m.group("head"), text[m.start():end]):
                spans.append((m.start(), end, m.group("head")))
        found: list[Mention] = []
        for start, end, body in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
            if found and start < found[-1].end:
                continue
            mention = self._read_mention(text, start, end, body)
            if mention:
                found.append(mention)
        return found

    def _read_mention(self, text: str, start: int, end: int, found: Body | str) -> Mention | None:
        if _NOT_AGENCY_TAIL.match(text, end):
            return None
        name = text[start:end].strip()
        locality, end = self._locality(text, end)
        parent, end = self._parent(text, end)
        surface = text[start:end].strip()
        body, head = (found, None) if isinstance(found, Body) else (None, found)
        return Mention(start, start + len(surface), surface, name, body, locality, parent, head)

    def _generic_end(self, text: str, m: re.Match) -> int:
        end = m.end()
        # a short lower-case tail of name words, then a defining bracket is left for learn_definitions
        name_end = m.end()
        last = re.search(rf"(?:^| )({_LOW})$", m.group("name"))
        if last and fold(last.group(1)) in _NOT_IN_NAME:      # "… Tôn Đức Thắng giai (đoạn)"
            name_end = m.start("name") + last.start()
            return name_end
        for word in re.finditer(rf" ({_LOW})", text[name_end:name_end + 60]):
            if m.end() + word.start() != end or fold(word.group(1)) not in _NAME_TAIL:
                break
            end = m.end() + word.end()
        return end

    def _acceptable_generic(self, head: str, name: str) -> bool:
        words = name.split()
        if len(words) < 2 or re.fullmatch(r"(?:Đại học|Cao đẳng|Trung học|Học viện|Viện)", name[len(head):].strip()):
            return False
        if head in {"Bộ", "Ban", "Hội", "Đoàn", "Báo", "Quỹ", "Hội đồng", "Tổ", "Đài"} and len(words) < 3:
            return head == "Tổ" or head == "Báo"
        return True

    def _locality(self, text: str, end: int) -> tuple[str | None, int]:
        m = _LOCALITY_RE.match(text, end)
        if not m:
            bare = re.match(r" +((?:[A-ZĐ][\w]* ?){1,4})", text[end:end + 40])
            if bare:
                for n in range(len(bare.group(1).split()), 0, -1):
                    words = " ".join(bare.group(1).split()[:n])
                    if fold(words) in provinces():
                        return f"tỉnh {provinces()[fold(words)][0]}", end + bare.start(1) + len(words)
            return None, end
        level, place = m.group("level"), _place_words(m.group("place") or "")
        if place:
            return f"{_level_word(level)} {place}", m.start("place") + len(place)
        if level in {"Tỉnh", "tỉnh"} and not place:
            return "tỉnh", m.end("level")      # "UBND Tỉnh": the document's own province
        return None, end

    def _parent(self, text: str, end: int) -> tuple[str | None, int]:
        """"(Sở Khoa học và Công nghệ)" or "thuộc Sở Khoa học và Công nghệ" right after a unit's name."""
        m = re.match(r" *(?:\( *(?=(?:Sở|Bộ|UBND|Ủy ban)\b)|,? *(?:trực thuộc|thuộc) +(?=(?:Sở|Bộ|UBND|Ủy ban)\b))",
                     text[end:end + 20])
        if not m:
            return None, end
        start = end + m.end()
        inner = [x for x in self.mentions(text[start:start + 100]) if x.start == 0]
        if not inner:
            return None, end
        stop = start + inner[0].end
        if m.group(0).strip().startswith("("):
            close = re.match(r" *\)", text[stop:stop + 3])
            if not close:
                return None, end
            stop += close.end()
        return inner[0].surface, stop

    # -------------------------------------------------------------- resolving
    def resolve(self, mention: Mention) -> ResolvedAgency:
        name, scope = self._expand(mention)
        province = self._province_for(mention)
        canonical, parent_key = self._canonical(name, scope, province, mention)
        key = _key(expand_abbreviations(canonical))
        agency = self.agencies.get(key)
        if agency is None:
            agency = ResolvedAgency(canonical, key, scope, None if scope == "central" else province, parent_key)
            self.agencies[key] = agency
        if mention.surface not in agency.aliases:
            agency.aliases.append(mention.surface)
        return agency

    def resolve_text(self, text: str) -> ResolvedAgency | None:
        """Resolve a bare form ("QLKH", "TTUD", "Trung tâm", "Sở KHCN") met in a table cell."""
        form = text.strip(" .,;:-–+*")
        if not form:
            return None
        found = self.mentions(form)
        if found and found[0].start == 0 and len(found[0].surface) >= len(form) - 2:
            return self.resolve(found[0])
        if _CELL_ITEM_RE.fullmatch(form) and len(form.split()) <= 8:
            head = next(h for h in [*_HEADS.split("|"), "Tổ"] if form.startswith(h.replace("\\", "")))
            return self.resolve(Mention(0, len(form), form, form, head=head.replace("\\", "")))
        defined = self.definitions.get(_key(form)) or self._near_definition(form)
        if defined:
            mention = self.mentions(defined)
            if mention:
                resolved = self.resolve(mention[0])
                if form not in resolved.aliases:
                    resolved.aliases.append(form)
                return resolved
        return None

    def _near_definition(self, form: str) -> str | None:
        """An abbreviation the document defines under a near-identical spelling: "UD&DCKHCN" for the centre whose
        initials are "UDDVKHCN", "CN&CN" for "QLCN&CN", "TTUD" for "Trung tâm Ứng dụng …"."""
        letters = re.sub(r"[^A-ZĐ]", "", form.upper())
        if len(letters) < 2:
            return None
        candidates = set()
        for short, full in self.definitions.items():
            initials = _initials(full)
            for probe in (letters, letters[2:] if letters.startswith("TT") else letters):
                if len(probe) >= 2 and (initials.startswith(probe) or len(probe) >= 4 and
                                        (initials.endswith(probe) or _one_edit(probe, initials))):
                    candidates.add(full)
        return candidates.pop() if len(candidates) == 1 else None

    def _expand(self, mention: Mention) -> tuple[str, str]:
        if mention.body:
            return mention.body.name, mention.body.scope
        head = mention.head or mention.name.split(" ")[0]
        rest = mention.name[len(head):].strip()
        head = "Phòng" if head == "P." else head[:1].upper() + head[1:]
        defined = (self.definitions.get(_key(f"{head} {rest}")) or self.definitions.get(_key(rest))
                   or (self._near_definition(rest) if re.fullmatch(_ABBR, rest) else None))
        if defined and defined != mention.name:
            inner = self.mentions(defined)
            if inner and inner[0].body:
                return inner[0].body.name, inner[0].body.scope
            return defined, self._scope_of(head)
        if re.fullmatch(_ABBR, rest):
            long = abbreviations().get(_key(rest))
            if long:
                return f"{head} {long}", self._scope_of(head)
        return f"{head} {rest}", self._scope_of(head)

    def _scope_of(self, head: str) -> str:
        if head in {"Phòng", "Trung tâm", "Chi cục", "Tổ", "Văn phòng"} and self.issuer_department:
            return "unit"
        return "province" if head not in {"Bộ", "Viện", "Học viện", "Trường", "Đại học", "Tập đoàn"} else "central"

    def _province_for(self, mention: Mention) -> str | None:
        if mention.locality and mention.locality != "tỉnh":
            found = province_of(mention.locality)
            if found:
                return found[0]
        return self.province

    def _canonical(self, name: str, scope: str, province: str | None,
                   mention: Mention) -> tuple[str, str | None]:
        if scope == "central":
            return name, None
        if mention.locality and mention.locality.split()[0] in {"huyện", "quận", "thị xã"}:
            place = f", tỉnh {province}" if province else ""
            return f"{name} {mention.locality}{place}", None
        if scope == "unit" or (mention.parent and scope != "class"):
            parent = self._parent_name(mention)
            if parent:
                if name.endswith(" Sở"):
                    return f"{name[:-3]} {parent}", _key(parent)
                return f"{name} ({parent})", _key(parent)
            scope = "province"
        if province is None:
            return name, None
        prefix = _province_prefix(province)
        if re.search(r"(Tỉnh|Thành) ủy$", name):
            party = "Thành ủy" if prefix == "thành phố" else "Tỉnh ủy"   # a city's party committee is its Thành ủy
            return f"{re.sub(r'(Tỉnh|Thành) ủy$', party, name)} {province}", None
        if province_of(name):
            return name, None
        return f"{name} {prefix} {province}", None

    def _parent_name(self, mention: Mention) -> str | None:
        if mention.parent:
            inner = self.mentions(mention.parent)
            if inner:
                return self.resolve(inner[0]).name
        return self.issuer_department


# Capitalised words that begin the next body's name, not a part of the place ("tỉnh Quảng Ngãi Tỉnh ủy ...").
_NOT_PLACE_WORDS = {"Tỉnh", "Thành", "Huyện", "Sở", "Phòng", "Ban", "Ủy", "UBND", "HĐND", "Cục", "Bộ"}


def _place_words(captured: str) -> str:
    """The place name in the capitalised words after a level word, up to the first word that starts a body."""
    words = []
    for word in captured.split():
        if word in _NOT_PLACE_WORDS:
            break
        words.append(word)
    return " ".join(words)


def _level_word(level: str) -> str:
    return {"TP.": "thành phố", "TP": "thành phố", "H.": "huyện"}.get(level, level.lower())


def _province_prefix(province: str) -> str:
    return next((prefix for name, prefix in provinces().values() if name == province), "tỉnh")


def _is_defining(short: str, full: str) -> bool:
    """"(QLKH)" after "Phòng Quản lý Khoa học" defines it; "(Sở Khoa học và Công nghệ)" is a parent, not a name."""
    if re.match(r"(Sở|Bộ|UBND|Ủy ban)\b", short):
        return False
    if short.isupper() or re.fullmatch(_ABBR, short):
        return True
    return fold(short) in fold(full) and len(short.split()) <= 3


def _initials(full: str) -> str:
    words = [w for w in re.findall(r"[\wÀ-ỹ]+", full)[1:] if fold(w) not in {"va", "cua"}]
    head = re.findall(r"[\wÀ-ỹ]+", full)[:1]
    if head and fold(head[0]) in {"trung"}:   # "Trung tâm …": the centre's own initials follow "tâm"
        words = words[1:]
    return "".join(fold(w)[0].upper() for w in words)


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _word_ends(folded: str, start: int, limit: int) -> list[int]:
    ends = [m.end() for m in re.finditer(r"[\w&.\-/]+", folded[start:limit])]
    return [start + e for e in ends]


@lru_cache(maxsize=1)
def _gazetteer_regex() -> re.Pattern:
    """One alternation over every gazetteer form (longest first), tolerant of spacing around punctuation."""
    forms = sorted(gazetteer(), key=len, reverse=True)
    return re.compile(r"(?<![\w&/])(?:" + "|".join(_form_pattern(f) for f in forms) + r")(?![\w&])")


def _form_pattern(form: str) -> str:
    parts = re.findall(r"[^\s,&/-]+|[,&/-]", form)
    out = ""
    for i, part in enumerate(parts):
        if part in ",&/-":
            out += r"\s*" + re.escape(part) + r"\s*"
        else:
            out += (r"\s+" if i and parts[i - 1] not in ",&/-" else "") + re.escape(part)
    return out


def _case_fits(surface: str, folded: str, body: Body) -> bool:
    """A name must be written as listed: "Đảng" names the Party, "đảng" and "Đăng" do not; "Bộ Khoa học …" is a
    ministry, "cán bộ khoa học …" is not. Classes of bodies ("các sở, ban, ngành") are written in lower case."""
    if body.scope == "class" or re.match(r"(?:cac|tat ca|nhung) ", folded):
        return True        # "các phòng, đơn vị trực thuộc Sở": a group of bodies, written in lower case
    if len(folded.split()) >= 3:
        return surface[:1].isupper()
    if len(folded.split()) == 1:
        return surface.lower() in _listed_forms()
    return surface[:1].isupper()


@lru_cache(maxsize=1)
def _listed_forms() -> set[str]:
    forms = set()
    for line in _data_lines("agencies.tsv"):
        name, _, rest = (line.split("\t") + ["", ""])[:3]
        forms.update(f.strip().lower() for f in [name, *rest.split("|")] if f.strip())
    return forms
