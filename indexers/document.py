"""The document indexed for an enriched article: its fields plus the search-only ones.

Elasticsearch's minimal node has no Vietnamese analysis, so what an analyser
would derive is derived here: folded twins of the text fields (nlp.folding),
word-segmented twins of the title and content (nlp.segmenter) when the
enrichment did not already make them, and the duplicate flag Kibana aggregates on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from nlp.folding import FOLDED, fold
from nlp.segmenter import WordSegmenter

# Text fields with a word-segmented twin.
SEGMENTED = {"title": "title_words", "content": "content_words"}
_FACET_TYPES = (("persons", "PER"), ("locations", "LOC"), ("organizations", "ORG"))


def entity_key(kind: str, name: str) -> str:
    """What an entity filter matches: the type and the name folded ("PER:luong van tu"),
    so that a reader may type any case, leave the diacritics out, or use an alias."""
    return f"{kind}:{' '.join(fold(name).split())}"


def entity_keys(fields: dict[str, Any]) -> list[str]:
    """The keys of every entity of an article, under its name and each of its aliases."""
    keys: set[str] = set()
    for entity in fields.get("entities") or ():
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            continue
        for name in (entity.get("text"), *(entity.get("aliases") or ())):
            if isinstance(name, str) and name.strip():
                keys.add(entity_key(entity["type"], name))
    for facet, kind in _FACET_TYPES:
        for name in fields.get(facet) or ():
            if isinstance(name, str) and name.strip():
                keys.add(entity_key(kind, name))
    return sorted(keys)


class DocumentBuilder:
    """Adds the derived fields to an article's fields.

    Args:
        segmenter: segments title and content when the article came without
            their words (older records, a migration); None: leave them out.
    """

    def __init__(self, segmenter: WordSegmenter | None = None) -> None:
        self._segmenter = segmenter

    def build(self, fields: dict[str, Any]) -> dict[str, Any]:
        """``fields`` with the folded, segmented and flag fields set (changed in place)."""
        for source, target in FOLDED.items():
            value = fields.get(source)
            if isinstance(value, str):
                fields[target] = fold(value)
        if self._segmenter is not None:
            for source, target in SEGMENTED.items():
                value = fields.get(source)
                if isinstance(value, str) and not fields.get(target):
                    fields[target] = self._segmenter.segment(value)
        fields["is_duplicate"] = bool(fields.get("duplicate_of"))
        fields["entity_keys"] = entity_keys(fields)
        return fields

    def document(self, article: dict[str, Any]) -> dict[str, Any]:
        """The document indexed for an enriched article's fields: the id is the
        document's ``_id``, not a field, and ``ingested_at`` says when it was written."""
        fields = self.build(article)
        fields.pop("id", None)
        fields["ingested_at"] = datetime.now(UTC).isoformat()
        return fields

    def warm_up(self) -> None:
        """Load the segmenter's model now rather than on the first article."""
        if self._segmenter is not None:
            self._segmenter.segment("Hà Nội")
