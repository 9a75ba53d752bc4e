"""Entity-level evaluation of an analyzer against CoNLL gold data, from raw text.

Each gold sentence is turned back into raw text the way a reader would see it
(words joined by spaces, ``_`` inside a word becomes a space), each document
(``# doc`` lines) into its sentences one per line, and the document's text is
given to the analyzer, as an article would be; segmentation errors count against
it. A prediction is right when
its type and its exact span match a gold entity (PER, LOC, ORG; MISC ignored).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from nlp.analysis import Analyzer
from nlp.entities import mentions_from_tokens
from nlp.repair import SpanRepair
from streams.records import ENTITY_TYPES

Span = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class GoldSentence:
    text: str
    entities: frozenset[Span]


def read_conll(path: Path) -> Iterator[list[GoldSentence]]:
    """Documents of a CoNLL file (word, POS, chunk, NER; blank line between sentences,
    ``# doc`` line before each document; a file without them is one document)."""
    words: list[tuple[str, str]] = []
    document: list[GoldSentence] = []
    with path.open(encoding="utf-8") as handle:
        for raw_line in handle:
            line = raw_line.rstrip("\n")
            if line.startswith("#") or not line.strip():
                if words:
                    document.append(_sentence(words))
                    words = []
                if line.startswith("# doc") and document:
                    yield document
                    document = []
                continue
            columns = line.split("\t")
            words.append((columns[0].replace("_", " "), columns[-1]))
    if words:
        document.append(_sentence(words))
    if document:
        yield document


def _sentence(words: list[tuple[str, str]]) -> GoldSentence:
    parts: list[str] = []
    entities: set[Span] = set()
    offset = 0
    current: list[int | str] | None = None  # [start, end, type]
    for word, tag in words:
        start = offset
        end = start + len(word)
        parts.append(word)
        offset = end + 1
        prefix, _, label = tag.partition("-")
        if label in ENTITY_TYPES and prefix == "I" and current is not None and current[2] == label:
            current[1] = end
            continue
        if current is not None:
            entities.add((int(current[0]), int(current[1]), str(current[2])))
            current = None
        if label in ENTITY_TYPES:
            current = [start, end, label]
    if current is not None:
        entities.add((int(current[0]), int(current[1]), str(current[2])))
    return GoldSentence(" ".join(parts), frozenset(entities))


_BRACKET = re.compile(r"\[(PER|LOC|ORG|MISC) ([^\]]+)\]")


def read_bracketed(path: Path) -> Iterator[list[GoldSentence]]:
    """Documents of a hand-annotated file: a sentence per line with entities written
    ``[TYPE text]``, a blank line between documents, ``#`` lines ignored."""
    document: list[GoldSentence] = []
    for raw_line in path.read_text(encoding="utf-8").splitlines():
        line = raw_line.strip()
        if line.startswith("#"):
            continue
        if not line:
            if document:
                yield document
                document = []
            continue
        parts: list[str] = []
        entities: set[Span] = set()
        offset = 0
        last = 0
        for match in _BRACKET.finditer(line):
            before = line[last : match.start()]
            parts.append(before)
            offset += len(before)
            name = match.group(2)
            if match.group(1) in ENTITY_TYPES:
                entities.add((offset, offset + len(name), match.group(1)))
            parts.append(name)
            offset += len(name)
            last = match.end()
        parts.append(line[last:])
        document.append(GoldSentence("".join(parts), frozenset(entities)))
    if document:
        yield document


def read_gold(path: Path) -> Iterator[list[GoldSentence]]:
    """CoNLL (``.conll``) or bracket-annotated text (any other suffix)."""
    return read_conll(path) if path.suffix == ".conll" else read_bracketed(path)


@dataclass
class TypeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.tp + self.fn,
        }


@dataclass
class Scores:
    by_type: dict[str, TypeScore] = field(
        default_factory=lambda: {t: TypeScore() for t in ENTITY_TYPES}
    )
    sentences: int = 0

    @property
    def micro(self) -> TypeScore:
        total = TypeScore()
        for score in self.by_type.values():
            total.tp += score.tp
            total.fp += score.fp
            total.fn += score.fn
        return total

    def to_dict(self) -> dict[str, object]:
        return {
            "sentences": self.sentences,
            "micro": self.micro.to_dict(),
            "by_type": {t: s.to_dict() for t, s in self.by_type.items()},
        }


def predicted_entities(
    analyzer: Analyzer, text: str, repair: SpanRepair | None = None
) -> frozenset[Span]:
    """Spans as the enricher makes them: the tagger's, repaired with the lexicon."""
    tokens = analyzer.analyze(text)
    return frozenset(
        (m.start, m.end, m.type) for m in mentions_from_tokens("content", text, tokens, repair)
    )


def predicted_by_sentence(
    analyzer: Analyzer, document: list[GoldSentence], repair: SpanRepair | None = None
) -> list[set[Span]]:
    """The analyzer's entities in a document, as offsets into each of its sentences."""
    text = "\n".join(s.text for s in document)
    starts: list[int] = []
    offset = 0
    for sentence in document:
        starts.append(offset)
        offset += len(sentence.text) + 1
    out: list[set[Span]] = [set() for _ in document]
    for start, end, etype in predicted_entities(analyzer, text, repair):
        i = bisect_right(starts, start) - 1
        out[i].add((start - starts[i], end - starts[i], etype))
    return out


def evaluate(
    analyzer: Analyzer,
    documents: Iterable[list[GoldSentence]],
    on_sentence: Callable[[], None] = lambda: None,
    repair: SpanRepair | None = None,
) -> Scores:
    scores = Scores()
    for document in documents:
        for sentence, predicted in zip(
            document, predicted_by_sentence(analyzer, document, repair), strict=True
        ):
            for etype in ENTITY_TYPES:
                gold = {s for s in sentence.entities if s[2] == etype}
                pred = {s for s in predicted if s[2] == etype}
                score = scores.by_type[etype]
                score.tp += len(gold & pred)
                score.fp += len(pred - gold)
                score.fn += len(gold - pred)
            scores.sentences += 1
            on_sentence()
    return scores


@dataclass(frozen=True, slots=True)
class GoldFacet:
    """One entity of a document's gold facets: its type and every form that names it."""

    type: str
    forms: frozenset[str]


def _form(text: str) -> str:
    return " ".join(text.split()).casefold()


def read_facet_gold(path: Path) -> dict[str, list[GoldFacet]]:
    """``doc-id<TAB>TYPE<TAB>name<TAB>alias|alias`` lines (``#`` comments, blank lines skipped)."""
    gold: dict[str, list[GoldFacet]] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        columns = raw.split("\t")
        if len(columns) < 3 or columns[1] not in ENTITY_TYPES:
            raise ValueError(f"{path}:{number}: expected doc-id, TYPE, name[, aliases]")
        aliases = columns[3].split("|") if len(columns) > 3 else []
        forms = frozenset(_form(f) for f in [columns[2], *aliases] if f.strip())
        gold.setdefault(columns[0], []).append(GoldFacet(columns[1], forms))
    return gold


def score_facets(
    scores: Scores, predicted: Iterable[tuple[str, Iterable[str]]], gold: Iterable[GoldFacet]
) -> None:
    """Adds one document: a predicted entity (type, its name and aliases) matches a gold
    one when the types agree and any of its forms is any gold form; each used once."""
    remaining = list(gold)
    for etype, forms in predicted:
        keys = {_form(f) for f in forms}
        hit = next((g for g in remaining if g.type == etype and g.forms & keys), None)
        if etype not in scores.by_type:
            continue
        if hit is None:
            scores.by_type[etype].fp += 1
        else:
            scores.by_type[etype].tp += 1
            remaining.remove(hit)
    for missed in remaining:
        scores.by_type[missed.type].fn += 1
    scores.sentences += 1
