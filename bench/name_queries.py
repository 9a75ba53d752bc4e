"""Names and phrases typed without diacritics, and the articles each one is about.

The query set of ``python -m bench.search_quality``: the names of people, places and
organisations the enrichment found, and its keywords of several syllables, each
folded ("bui thi tuoi") as a reader types it. Relevance is decided by the accented
text, not by the enrichment: an article is relevant to a query when its title or
content contains the accented name as a phrase (case aside, syllables in a row).
Two accented names that fold alike ("Đà Nẵng", "đã nâng") are one query, meant as
the form more articles contain.

A third kind does without the enrichment: runs of two to four capitalised
syllables inside a sentence ("capitalised"), names whether or not the enrichment
found them (and so whether or not the index knows them as names).

Queries are split by where they were found: names found in the recent
news articles are held out (never looked at while tuning the query), the rest are
the tuning set.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nlp.folding import fold

_SYLLABLE = re.compile(r"\w+")
_SENTENCE = re.compile(r"[.!?:;\n\"“”()]+")


def capitalised_runs(text: str) -> list[str]:
    """Maximal runs of two to four capitalised syllables, not opening a sentence, not
    across a comma."""
    runs: list[str] = []
    for sentence in _SENTENCE.split(text):
        for c, clause in enumerate(sentence.split(",")):
            run: list[str] = []
            for i, word in enumerate([*clause.split(), ""]):
                opens = c == 0 and i == 0
                if word and not opens and word[0].isupper() and word.isalpha():
                    run.append(word)
                    continue
                if 2 <= len(run) <= 4:
                    runs.append(" ".join(run))
                run = []
    return runs


@dataclass(frozen=True, slots=True)
class Article:
    """What the query set needs of an indexed article."""

    id: str
    text: str
    names: tuple[str, ...]
    phrases: tuple[str, ...]
    held_out: bool

    def capitalised(self) -> list[str]:
        """Runs of capitalised syllables inside the text's sentences."""
        return capitalised_runs(self.text)


@dataclass(frozen=True, slots=True)
class Query:
    """A folded query, the accented form it stands for, and the ids of its articles."""

    text: str
    accented: str
    kind: str  # "name", "phrase" or "capitalised"
    held_out: bool
    relevant: frozenset[str]


def _syllables(text: str) -> list[str]:
    return _SYLLABLE.findall(text.lower())


def phrase_pattern(accented: str) -> re.Pattern[str]:
    """The accented syllables in a row, whole, in any case."""
    body = r"\W+".join(re.escape(s) for s in _syllables(accented))
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


class _Texts:
    """Finds the articles whose text holds a phrase, through an index of syllables."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self._articles = {a.id: a for a in articles}
        self._by_syllable: dict[str, set[str]] = defaultdict(set)
        for article in articles:
            for syllable in set(_syllables(article.text)):
                self._by_syllable[syllable].add(article.id)

    def containing(self, accented: str) -> frozenset[str]:
        syllables = _syllables(accented)
        if not syllables:
            return frozenset()
        candidates = set.intersection(*(self._by_syllable.get(s, set()) for s in syllables))
        pattern = phrase_pattern(accented)
        return frozenset(i for i in candidates if pattern.search(self._articles[i].text))


KINDS = ("name", "phrase", "capitalised")


def _values(article: Article, kind: str) -> Iterable[str]:
    if kind == "name":
        return article.names
    if kind == "phrase":
        return article.phrases
    return article.capitalised()


def _stable_order(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()


def build_queries(
    articles: Sequence[Article], *, min_syllables: int = 2, limit: int = 500
) -> list[Query]:
    """Up to ``limit`` queries of each kind and split."""
    texts = _Texts(articles)
    queries: list[Query] = []
    for kind in KINDS:
        # folded form -> accented forms, and whether one was found in a held-out article
        forms: dict[str, set[str]] = defaultdict(set)
        held_out: dict[str, bool] = defaultdict(bool)
        for article in articles:
            for value in _values(article, kind):
                if len(_syllables(value)) < min_syllables:
                    continue
                key = " ".join(_syllables(fold(value)))
                forms[key].add(value)
                held_out[key] |= article.held_out
        chosen: dict[bool, list[Query]] = {True: [], False: []}
        for key in sorted(forms, key=_stable_order):
            found = {form: texts.containing(form) for form in sorted(forms[key])}
            accented, relevant = max(found.items(), key=lambda item: len(item[1]))
            if not relevant or len(chosen[held_out[key]]) >= limit:
                continue
            chosen[held_out[key]].append(Query(key, accented, kind, held_out[key], relevant))
        queries.extend(chosen[False] + chosen[True])
    return queries


def precision_at(ranked: Iterable[str], relevant: frozenset[str], k: int = 5) -> float:
    """Relevant articles in the top ``k`` over the most there could be (``k`` or fewer)."""
    top = list(ranked)[:k]
    return sum(i in relevant for i in top) / min(k, len(relevant))
