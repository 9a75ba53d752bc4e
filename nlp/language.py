"""Language detection without any model: Vietnamese is recognisable by its letters."""

from __future__ import annotations

import re

# Letters that only Vietnamese (among Latin-script languages news comes in) uses
# this densely: ă â đ ê ô ơ ư and the vowels carrying the five tone marks.
_VI_LETTERS = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
_MARKED = re.compile("[" + "".join(sorted(_VI_LETTERS)) + "]")
_WORD = re.compile(r"[^\W\d_]+")
VIETNAMESE = "vi"
UNDETERMINED = "und"


def detect_language(text: str, *, sample_chars: int = 4000) -> str:
    """``"vi"`` when enough words carry Vietnamese letters, else ``"und"``."""
    words = _WORD.findall(text[:sample_chars].lower())
    if not words:
        return UNDETERMINED
    # A Vietnamese letter is never ASCII: a word is either plain Latin or, if it
    # has one, marked; one search per non-ASCII word instead of a test per letter.
    plain = marked = 0
    for w in words:
        if w.isascii():
            plain += 1
        elif _MARKED.search(w):
            marked += 1
    latin = plain + marked
    if latin < 0.5 * len(words):
        return UNDETERMINED
    # In running Vietnamese about half the syllables carry a mark; a loanword or
    # a name in an English text rarely pushes the share past a fifth.
    return VIETNAMESE if marked >= 0.2 * latin else UNDETERMINED
