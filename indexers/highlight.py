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


_SYLLABLE = re.compile(r"\w+")


def mark_syllables(
    original: str, folded: str, syllables: frozenset[str], fragment_size: int | None
) -> str | None:
    """The query's syllables marked where an article has them only apart.

    ``folded`` is ``original`` folded, ``syllables`` the query's syllables folded.
    With a ``fragment_size``, the window of about that many characters that holds
    the most different syllables of the query; the whole text otherwise. None when
    none of them is there.
    """
    found = [m.span() for m in _SYLLABLE.finditer(folded) if m.group() in syllables]
    if not found or len(folded) != len(original):
        return None
    start, end = 0, len(original)
    if fragment_size is not None and len(original) > fragment_size:
        best, first = -1, 0
        for i, (at, _) in enumerate(found):
            inside = {folded[a:b] for a, b in found[i:] if b <= at + fragment_size}
            if len(inside) > best:
                best, first = len(inside), at
        # A little of what comes before; begin and end at whole words.
        back = max(0, first - fragment_size // 4)
        start = original.rfind(" ", 0, back) + 1 if back else 0
        end = min(len(original), start + fragment_size)
        space = original.rfind(" ", start, end)
        if end < len(original) and space > start:
            end = space
    out: list[str] = []
    position = start
    for a, b in found:
        if a < start or b > end:
            continue
        out.extend((original[position:a], PRE_TAG, original[a:b], POST_TAG))
        position = b
    out.append(original[position:end])
    return "".join(out)


def one_line(fragment: str) -> str:
    """A fragment with its line breaks and runs of spaces as single spaces (a snippet
    keeps the layout it is shown in)."""
    return " ".join(fragment.split())
