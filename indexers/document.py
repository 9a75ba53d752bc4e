"""The document indexed for an enriched article: its fields plus the search-only ones.

Elasticsearch's minimal node has no Vietnamese analysis, so what an analyser
would derive is derived here: folded twins of the text fields (indexers.folding),
word-segmented twins of the title and content (indexers.segmenter), and the
duplicate flag Kibana aggregates on.
"""

from __future__ import annotations

from typing import Any

from indexers.folding import FOLDED, fold
from indexers.segmenter import WordSegmenter

# Text fields with a word-segmented twin.
SEGMENTED = {"title": "title_words", "content": "content_words"}


class DocumentBuilder:
    """Adds the derived fields to an article's fields.

    Args:
        segmenter: the word segmenter (its model loads on first use).
    """

    def __init__(self, segmenter: WordSegmenter) -> None:
        self._segmenter = segmenter

    def build(self, fields: dict[str, Any]) -> dict[str, Any]:
        """``fields`` with the folded, segmented and flag fields set (changed in place)."""
        for source, target in FOLDED.items():
            value = fields.get(source)
            if isinstance(value, str):
                fields[target] = fold(value)
        for source, target in SEGMENTED.items():
            value = fields.get(source)
            if isinstance(value, str):
                fields[target] = self._segmenter.segment(value)
        fields["is_duplicate"] = bool(fields.get("duplicate_of"))
        return fields

    def warm_up(self) -> None:
        """Load the segmenter's model now rather than on the first article."""
        self._segmenter.segment("Hà Nội")
