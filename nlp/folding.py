"""Vietnamese without diacritics: how people often type, and what folded fields hold.

The minimal Elasticsearch of the local stack has no ``asciifolding`` filter, so the
folding is done here, in Python, both when a document is indexed (into the
``*_folded`` fields) and when a query is built.

Folding maps every character of NFC text (what the pipeline indexes) to exactly
one character, so a folded field has the same offsets as its original: a
highlight found in ``content_folded`` is cut from ``content`` at the same place
(see indexers.highlight).
"""

from __future__ import annotations

import unicodedata

# Text fields with a folded twin.
FOLDED = {"title": "title_folded", "summary": "summary_folded", "content": "content_folded"}


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in "đĐ":
            folded = "d"
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
            ).lower()
            # Keep one character for one: a lone combining mark stays as it is.
            folded = base if len(base) == 1 else (char.lower() if len(char.lower()) == 1 else char)
        self[code] = folded
        return folded


# A memo of pure character mappings, shared safely: at most one entry per character.
_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower case without tone marks or vowel diacritics: "Đà Nẵng" → "da nang"."""
    # NFC first so that decomposed input (a query typed on some keyboards) folds
    # too; NFC text, which every indexed field is, keeps its length.
    return unicodedata.normalize("NFC", text).translate(_TABLE)
