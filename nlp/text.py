"""Text clean-up: Unicode NFC, HTML removed, whitespace folded, hostile runs masked, a
dateline glued to the lead split off."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(r"</?(p|div|br|li|h[1-6]|tr|section|article)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,2000}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z/!][^>]*>|&[a-zA-Z#0-9]+;")
# A "word" longer than this is no word (base64, a hash, garbage); the NLP skips it.
MAX_TOKEN_CHARS = 64
_OVERLONG = re.compile(rf"\S{{{MAX_TOKEN_CHARS + 1},}}")


def clean_text(text: str) -> str:
    """NFC text with tags, scripts, entities and control characters gone, spaces folded."""
    if _LOOKS_LIKE_HTML.search(text):
        text = _SCRIPT_STYLE.sub(" ", text)
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
        text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text)
    return text.strip()


def mask_overlong(text: str) -> str:
    """The same text with overlong tokens blanked out, offsets unchanged.

    Keeping the length lets every offset the NLP reports still point into the
    original text.
    """
    return _OVERLONG.sub(lambda m: " " * len(m.group()), text)


def word_count(text: str) -> int:
    return len(text.split())


def split_dateline(text: str, is_place: Callable[[str], bool]) -> str:
    """ "Hà NộiSáng nay trời nắng, ..." → "Hà Nội\nSáng nay trời nắng, ...".

    News pages print the dateline and the lead in separate elements; scraped, the two
    often run together (a quarter of the recent articles in the shared crawl do), and
    the glued word is then neither the place nor the lead's first word, for the tagger
    and for search. Split only where the capitalised words before a capital inside a word
    are a place ``is_place`` knows, so "SpaceX", "TikTok" or "VnExpress" stay."""
    end = text.find("\n")
    words = text[: end if end >= 0 else len(text)][:80].split(" ")
    for k, word in enumerate(words[:5]):
        if not word[:1].isupper():
            return text
        cuts = [
            i
            for i in range(1, len(word))
            if word[i].isupper() and (word[i - 1].islower() or word[i + 1 : i + 2].islower())
        ]
        for cut in cuts:
            # "Hà NộiSáng", and "TP HCMLê Văn Tám" where both sides are capitals.
            place = " ".join([*words[:k], word[:cut]])
            if is_place(place):
                return f"{place}\n{text[len(place) :]}"
        if any(word[i - 1].islower() for i in cuts):
            return text  # "SpaceX", "VnExpress": a case change inside a name
    return text
