"""Content negotiation: which of the media types a route offers the client's Accept header prefers.

Entity pages offer JSON (the API's own view), HTML (the page, for browsers), JSON-LD and Turtle (for machines),
so the stable IRIs under https://plangraph.vn/id/ dereference to what each client reads.
"""
from __future__ import annotations

from dataclasses import dataclass

JSON = "application/json"
HTML = "text/html"
JSONLD = "application/ld+json"
TURTLE = "text/turtle"
ENTITY_TYPES = (JSON, HTML, JSONLD, TURTLE)
# ?format= overrides the header, for links a person can click
FORMAT_NAMES = {"json": JSON, "html": HTML, "jsonld": JSONLD, "turtle": TURTLE}
_MAX_RANGES = 32   # an Accept header longer than this is read only this far


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    quality: float

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return self.type in ("*", main) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; an absent or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for part in header.split(",")[:_MAX_RANGES]:
        media, *params = [p.strip() for p in part.split(";")]
        main, slash, sub = media.lower().partition("/")
        if not slash or not main or not sub:
            continue
        ranges.append(MediaRange(main, sub, _quality(params)))
    return ranges


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(1.0, max(0.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def preferred(header: str | None, offered: tuple[str, ...] | list[str]) -> str | None:
    """The offered type the client wants most (the most specific matching range decides its quality; ties go
    to the order of `offered`), or None when it accepts none of them."""
    ranges = parse_accept(header)
    best, best_quality = None, 0.0
    for media_type in offered:
        matching = [r for r in ranges if r.matches(media_type)]
        if not matching:
            continue
        quality = max(matching, key=lambda r: r.specificity).quality
        if quality > best_quality:
            best, best_quality = media_type, quality
    return best
