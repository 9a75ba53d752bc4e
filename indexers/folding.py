"""Vietnamese without diacritics: how people often type, and what folded fields hold.

The minimal Elasticsearch of the local stack has no ``asciifolding`` filter, so the
folding is done here, in Python, both when a document is indexed (into the
``*_folded`` fields) and when a query is built.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# Text fields with a folded twin.
FOLDED = {"title": "title_folded", "summary": "summary_folded", "content": "content_folded"}


def fold(text: str) -> str:
    """Lower case without tone marks or vowel diacritics: "Đà Nẵng" → "da nang"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def with_folded_fields(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its folded fields filled from the text fields it has."""
    for source, target in FOLDED.items():
        value = document.get(source)
        if isinstance(value, str):
            document[target] = fold(value)
    return document
