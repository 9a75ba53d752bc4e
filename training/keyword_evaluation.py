"""Scoring keywords against the team's labels: precision@5 and the share of whole words.

Labels (``training/data/keywords/*.jsonl``) give, per article id, the five keywords a reader
would search the article by, decided by reading it (see ``training/data/keywords/README.md``).
The articles themselves are read by id from the shared news files, never copied.

Matching rule: both sides are normalised (Unicode NFC, lower case, ``_`` and runs of
spaces made one space, punctuation at either end dropped; diacritics are kept, so
"ca" never matches "cà"). A predicted keyword matches a gold one when, as sequences
of syllables, they are equal or one contains the other at syllable boundaries
("Phương Mai" matches "Ngô Phương Mai", "Berlin" matches "Tây Berlin", and so a cut
"lạc bộ" still matches "câu lạc bộ"; "ai" never matches "hải"). A prediction counts
once however many gold keywords it matches.

precision@5 is the matched share of the first five predictions, five being the
denominator even when fewer come out (exact precision@5 counts only equal ones). A
keyword is a whole word when somewhere in the article its syllables are exactly a
run of whole words of the segmenter.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from nlp.analysis import Analyzer
from nlp.entities import mentions_from_tokens, merge_entities
from nlp.segmenter import WordSegmenter

TOP = 5
_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")


class Extractor(Protocol):
    def extract(self, title: str, content: str, limit: int) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class LabelledArticle:
    id: str
    title: str
    content: str
    gold: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeywordScores:
    articles: int
    precision_at_5: float
    exact_precision_at_5: float
    gold_found: float
    whole_word_share: float
    predictions: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "precision_at_5": round(self.precision_at_5, 4),
            "exact_precision_at_5": round(self.exact_precision_at_5, 4),
            "gold_found": round(self.gold_found, 4),
            "whole_word_share": round(self.whole_word_share, 4),
            "predictions": self.predictions,
        }


def read_labels(path: Path) -> dict[str, tuple[str, ...]]:
    """``{id: keywords}`` of a labels file (one JSON object per line)."""
    labels: dict[str, tuple[str, ...]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                labels[str(row["id"])] = tuple(str(k) for k in row["keywords"])
    return labels


def labelled_articles(
    labels: Mapping[str, tuple[str, ...]], rows: Iterable[Mapping[str, Any]]
) -> list[LabelledArticle]:
    """The labelled articles found in ``rows`` (news records with id, title, content),
    in the labels' order."""
    found: dict[str, LabelledArticle] = {}
    for row in rows:
        key = str(row["id"])
        if key in labels and key not in found:
            found[key] = LabelledArticle(key, row["title"], row["content"], labels[key])
    missing = [k for k in labels if k not in found]
    if missing:
        raise KeyError(f"{len(missing)} labelled articles not in the news files: {missing[:3]}")
    return [found[k] for k in labels]


def syllables_of(keyword: str) -> tuple[str, ...]:
    """The normalised syllables of a keyword (see the module docstring)."""
    text = unicodedata.normalize("NFC", keyword).replace("_", " ").lower()
    return tuple(s for s in (_EDGE_PUNCTUATION.sub("", w) for w in text.split()) if s)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def matches(predicted: str, gold: str) -> bool:
    p, g = syllables_of(predicted), syllables_of(gold)
    if not p or not g:
        return False
    return _contains(g, p) if len(p) <= len(g) else _contains(p, g)


def word_runs(words: Sequence[str], longest: int = 8) -> set[tuple[str, ...]]:
    """Every run of whole segmenter words (``_``-joined), as normalised syllables."""
    units = [syllables_of(w) for w in words]
    runs: set[tuple[str, ...]] = set()
    for i in range(len(units)):
        run: tuple[str, ...] = ()
        for unit in units[i:]:
            run += unit
            if len(run) > longest:
                break
            runs.add(run)
    return runs


def evaluate_keywords(
    extract: Callable[[LabelledArticle], list[str]],
    articles: Sequence[LabelledArticle],
    segmenter: WordSegmenter,
    on_article: Callable[[], None] = lambda: None,
) -> KeywordScores:
    hits = exact = found = gold_total = whole = predicted_total = 0
    for article in articles:
        predicted = extract(article)[:TOP]
        hits += sum(any(matches(p, g) for g in article.gold) for p in predicted)
        gold = {syllables_of(g) for g in article.gold}
        exact += sum(syllables_of(p) in gold for p in predicted)
        found += sum(any(matches(p, g) for p in predicted) for g in article.gold)
        gold_total += len(article.gold)
        # Title and content apart, as the enricher segments them: a line break is
        # no break to the segmenter, and a title would run into the first line.
        runs = word_runs(segmenter.segment(article.title).split())
        runs |= word_runs(segmenter.segment(article.content).split())
        whole += sum(syllables_of(p) in runs for p in predicted)
        predicted_total += len(predicted)
        on_article()
    n = max(1, len(articles))
    return KeywordScores(
        articles=len(articles),
        precision_at_5=hits / (TOP * n),
        exact_precision_at_5=exact / (TOP * n),
        gold_found=found / max(1, gold_total),
        whole_word_share=whole / max(1, predicted_total),
        predictions=predicted_total,
    )


def entity_forms(analyzer: Analyzer, title: str, content: str) -> list[str]:
    """The surface forms (names and aliases) of an article's entity facets, found as
    the enricher finds them, for the keywords to demote."""
    mentions = mentions_from_tokens("title", title, analyzer.analyze(title))
    mentions += mentions_from_tokens("content", content, analyzer.analyze(content))
    entities = merge_entities(mentions, f"{title}\n{content}")
    return [form for e in entities for form in (e.text, *e.aliases)]


def read_news(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Records of the shared news files (gzip JSON lines)."""
    import gzip

    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)
