"""Highlights with the text's own diacritics, even for a query typed without them.

A query typed without diacritics ("ha noi") matches only the folded fields, so
Elasticsearch highlights ``content_folded``: "... mưa lớn ở <em>ha noi</em> ...",
with every accent gone. Folding keeps offsets (nlp.folding), so the
fragment is found in the folded text and the same span is cut from the
original, with the tags put back at the same places.
"""

from __future__ import annotations

import re

PRE_TAG, POST_TAG = "<em>", "</em>"
_TAGS = re.compile(f"({re.escape(PRE_TAG)}|{re.escape(POST_TAG)})")


def restore(fragment: str, original: str, folded: str) -> str | None:
    """``fragment`` of ``folded`` (with tags) as the same span of ``original``.

    None when the fragment is not found (the text changed since it was indexed),
    so the caller can fall back to the folded fragment.
    """
    plain = _TAGS.sub("", fragment)
    start = folded.find(plain)
    if start < 0 or len(folded) != len(original):
        return None
    out: list[str] = []
    position = start
    for piece in _TAGS.split(fragment):
        if piece in (PRE_TAG, POST_TAG):
            out.append(piece)
        elif piece:
            out.append(original[position : position + len(piece)])
            position += len(piece)
    return "".join(out)
