"""How often each syllable is capitalised inside a sentence, learned from unlabelled news."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from nlp.ner.tokenize import sentences

# After these a capital says nothing about the word (sentence or quote start).
_OPENERS = frozenset(".!?…:\"“‘'(-–—\n")


def capital_ratios(texts: Iterable[str], min_count: int = 3) -> dict[str, float]:
    """Lower-cased syllable → share of its uses, not sentence-initial, written capitalised."""
    capital: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text in texts:
        for sentence in sentences(text):
            for i in range(1, len(sentence)):
                word = sentence[i].text
                if not word[0].isalpha() or sentence[i - 1].text in _OPENERS:
                    continue
                key = word.lower()
                total[key] += 1
                if word[0].isupper():
                    capital[key] += 1
    return {w: round(capital[w] / n, 3) for w, n in total.items() if n >= min_count}
