"""The full-text query as it was before names and phrases were ranked first (issue 16).

Kept only so that ``python -m bench.search_quality`` measures the old ranking and the
new one in the same run, on the same index; nothing in the product uses it.
"""

from __future__ import annotations

from typing import Any

from indexers.mapping import FOLDED_SEARCH_FIELDS, SEARCH_FIELDS, WORD_FIELDS
from nlp.folding import fold


def legacy_query(text: str, words: str | None = None) -> dict[str, Any]:
    """The text query of ``indexers.search.build_query`` before issue 16."""
    text = text.strip()
    if not text:
        return {"match_all": {}}
    folded = fold(text)

    def match(query: str, fields: tuple[str, ...]) -> dict[str, Any]:
        return {
            "multi_match": {
                "query": query,
                "fields": list(fields),
                "minimum_should_match": "2<75%",
            }
        }

    def phrase(query: str, fields: tuple[str, ...], boost: float) -> dict[str, Any]:
        return {
            "multi_match": {
                "query": query,
                "type": "phrase",
                "fields": list(fields),
                "boost": boost,
            }
        }

    should = [phrase(text, SEARCH_FIELDS, 2), phrase(folded, FOLDED_SEARCH_FIELDS, 1.5)]
    if words and "_" in words:
        should.append(phrase(words, WORD_FIELDS, 1))
    return {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [match(text, SEARCH_FIELDS), match(folded, FOLDED_SEARCH_FIELDS)],
                        "minimum_should_match": 1,
                    }
                }
            ],
            "should": should,
        }
    }
