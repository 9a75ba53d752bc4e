"""Mentions from BIO-tagged tokens, and mentions merged into counted entities."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal

from streams.enrichment.analysis import Token
from streams.records import ENTITY_TYPES, Entity, EntityType, Mention

Field = Literal["title", "content"]
_STRIP = " \t\n.,;:!?\"'“”‘’()[]{}-–—…"


def mentions_from_tokens(field: Field, text: str, tokens: Sequence[Token]) -> list[Mention]:
    """Spans of consecutive B-/I- tokens of the same type, as offsets into ``text``."""
    out: list[Mention] = []
    current: tuple[EntityType, int, int] | None = None

    def close() -> None:
        if current is not None:
            etype, start, end = current
            mention = _trimmed(field, text, start, end, etype)
            if mention is not None:
                out.append(mention)

    for token in tokens:
        prefix, _, label = token.tag.partition("-")
        if label not in ENTITY_TYPES:
            close()
            current = None
            continue
        etype: EntityType = label
        if prefix == "I" and current is not None and current[0] == etype:
            current = (etype, current[1], token.end)
        else:
            close()
            current = (etype, token.start, token.end)
    close()
    return out


def _trimmed(field: Field, text: str, start: int, end: int, etype: EntityType) -> Mention | None:
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    surface = text[start:end]
    if not surface or not any(c.isalpha() for c in surface):
        return None
    return Mention(field=field, start=start, end=end, text=surface, type=etype)


def merge_entities(mentions: Iterable[Mention]) -> list[Entity]:
    """One entity per (type, surface form, case-insensitive), most mentioned first."""
    counts: Counter[tuple[EntityType, str]] = Counter()
    surface: dict[tuple[EntityType, str], str] = {}
    for m in mentions:
        key = (m.type, " ".join(m.text.split()).casefold())
        counts[key] += 1
        surface.setdefault(key, " ".join(m.text.split()))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], surface[kv[0]]))
    return [Entity(text=surface[key], type=key[0], count=n) for key, n in ranked]
