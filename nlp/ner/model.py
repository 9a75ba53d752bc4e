"""The trained NER model behind the Analyzer interface: two CRF passes over a document.

The first pass tags each sentence from local features; the second tags it again
knowing what the first found in the whole document, so a name introduced once
with its title is recognised when it recurs bare.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from nlp.analysis import Token
from nlp.ner.crf import DocumentCrf
from nlp.ner.features import DocumentMemory, Featurizer, Gazetteer
from nlp.ner.gazetteer import GAZETTEERS
from nlp.ner.tokenize import sentences, syllables
from nlp.text import mask_overlong
from streams.resources import packaged

log = logging.getLogger(__name__)

FIRST_PASS_FILE = "first-pass.crfsuite"
SECOND_PASS_FILE = "second-pass.crfsuite"
CAPITALS_FILE = "capitals.json"
CLUSTERS_FILE = "clusters.json"
DEFAULT_MODEL_DIR = packaged("nlp", "models", "ner")


@dataclass(frozen=True, slots=True)
class _Pass:
    """One pass of a ``DocumentCrf`` as a sentence tagger (``CRFTagger.tag``)."""

    crf: DocumentCrf
    second: bool

    def tag(self, features: list[list[str]]) -> list[str]:
        return self.crf.tag(features, self.second)


@dataclass(frozen=True, slots=True)
class NerModel:
    """The featurizer, the two passes and the known names.

    ``first`` and ``second`` tag one sentence from its feature strings (an
    ``underthesea_core.CRFTagger`` or a stand-in); with ``crf``, documents are
    tagged by it instead, from the same features (see ``crf.py``).
    """

    featurizer: Featurizer
    first: Any
    second: Any
    lists: KnownNames
    crf: DocumentCrf | None = None

    @classmethod
    def load(cls, directory: Path) -> NerModel:
        crf = DocumentCrf.load(directory / FIRST_PASS_FILE, directory / SECOND_PASS_FILE)
        ratios = json.loads((directory / CAPITALS_FILE).read_text(encoding="utf-8"))
        clusters_path = directory / CLUSTERS_FILE
        # A model trained before clusters existed has no table and uses no cluster features.
        clusters = (
            json.loads(clusters_path.read_text(encoding="utf-8"))
            if clusters_path.exists()
            else None
        )
        featurizer = Featurizer(Gazetteer(), ratios, clusters)
        return cls(featurizer, _Pass(crf, False), _Pass(crf, True), KnownNames(), crf)

    def tag_document(self, document: list[list[str]]) -> list[list[str]]:
        """BIO tags for each sentence (a list of syllables) of one document.

        The sentence features are built once: the second pass adds the document
        memory to the first pass's lists instead of rebuilding them.
        """
        if self.crf is not None:
            return self._tag_with(self.crf, [document])[0]
        local = [self.featurizer.local_features(words) for words in document]
        # The first pass only feeds the memory, which keeps capitalised names: a
        # sentence with no capital after its first syllable has little to give it
        # (about half of news sentences), and is not tagged twice.
        first = [
            list(self.first.tag(x)) if _inner_capital(words) else ["O"] * len(words)
            for words, x in zip(document, local, strict=True)
        ]
        memory = DocumentMemory.of(zip(document, first, strict=True))
        return [
            join_hyphenated(
                words,
                self.lists.fill(
                    words, list(self.second.tag(self.featurizer.with_memory(words, x, memory)))
                ),
            )
            for words, x in zip(document, local, strict=True)
        ]

    def tag_documents(self, documents: list[list[list[str]]]) -> list[list[list[str]]]:
        """``tag_document`` of each document (each with its own memory), in one batch:
        the CRF's fixed cost per call is paid once (the title and the content of an
        article are two documents)."""
        if self.crf is None:
            return [self.tag_document(document) for document in documents]
        return self._tag_with(self.crf, documents)

    def _tag_with(
        self, crf: DocumentCrf, documents: list[list[list[str]]]
    ) -> list[list[list[str]]]:
        """``tag_document`` by the document CRF: the same passes and the same tags.

        The documents' sentences are scored and decoded together; only the memory
        is each document's own.
        """
        sentences = [words for document in documents for words in document]
        parts = [self.featurizer.local_parts(words) for words in sentences]
        scores = crf.emissions(sentences, [s for s, _ in parts], [c for _, c in parts])
        lengths = [len(words) for words in sentences]
        # As above: the first pass tags only the sentences with an inner capital.
        starts = np.cumsum([0, *lengths[:-1]], dtype=np.intp)
        chosen = [k for k, words in enumerate(sentences) if _inner_capital(words)]
        rows = [np.arange(starts[k], starts[k] + lengths[k]) for k in chosen]
        tagged = iter(
            crf.decode(scores[np.concatenate(rows)], [lengths[k] for k in chosen], False)
            if chosen
            else []
        )
        chosen_set = set(chosen)
        first = [
            next(tagged) if k in chosen_set else ["O"] * len(words)
            for k, words in enumerate(sentences)
        ]
        extra: list[list[str]] = []
        at = 0
        for document in documents:
            mine = first[at : at + len(document)]
            at += len(document)
            memory = DocumentMemory.of(zip(document, mine, strict=True))
            extra.extend(
                f for words in document for f in self.featurizer.memory_features(words, memory)
            )
        second = iter(crf.decode(crf.add(scores, extra, True), lengths, True))
        return [
            [join_hyphenated(words, self.lists.fill(words, next(second))) for words in document]
            for document in documents
        ]


def _inner_capital(words: list[str]) -> bool:
    return any(w[:1].isupper() for w in words[1:])


def join_hyphenated(words: list[str], tags: list[str]) -> list[str]:
    """An organisation followed by " - " and a capitalised name takes the name in.

    Binational and twin names are written so ("Hội Hữu nghị Việt - Pháp", "Quỹ
    Quảng Nam - Đà Nẵng"); the CRF tends to stop at the hyphen and call the rest a
    place.
    """
    i = 0
    n = len(words)
    while i < n:
        if (
            tags[i].endswith("-ORG")
            and (i + 1 == n or tags[i + 1] != "I-ORG")
            and i + 2 < n
            and words[i + 1] in ("-", "–")
            and words[i + 2][:1].isupper()
            and tags[i + 2] in ("O", "B-LOC")
        ):
            j = i + 2
            while j + 1 < n and words[j + 1][:1].isupper() and tags[j + 1] in ("O", "I-LOC"):
                j += 1
            for k in range(i + 1, j + 1):
                tags[k] = "I-ORG"
            i = j
        i += 1
    return tags


# Lists whose long names and acronyms are unambiguous enough to tag on their own.
_KNOWN_LISTS = (
    ("org", "ORG"),
    ("company", "ORG"),
    ("club", "ORG"),
    ("loc", "LOC"),
    ("vnloc", "LOC"),
)

# Acronyms of a kind of institution, not of one: "UBND" alone is often a title's
# part ("Chủ tịch UBND"); the CRF decides them.
_GENERIC = frozenset({"UBND", "HĐND", "TAND", "VKSND", "NXB", "CLB"})


class KnownNames:
    """Unambiguous names from the gazetteers, tagged where the CRF left them untagged.

    The labelled data is news from one period; it never mentions many institutions
    and places readers search for ("NATO" does not occur in it). Only exact,
    case-sensitive matches that cannot be common words are used: acronyms of three
    letters or more and names of two syllables or more.
    """

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[list[str], str]]] = {}
        for list_name, etype in _KNOWN_LISTS:
            for phrase in GAZETTEERS[list_name]:
                words = [s.text for s in syllables(phrase)]
                acronym = (
                    len(words) == 1
                    and len(phrase) >= 3
                    and phrase.isupper()
                    and phrase not in _GENERIC
                )
                if acronym or len(words) >= 2:
                    self._by_first.setdefault(words[0], []).append((words, etype))
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))

    def fill(self, words: list[str], tags: list[str]) -> list[str]:
        i = 0
        while i < len(words):
            for phrase, etype in self._by_first.get(words[i], ()):
                end = i + len(phrase)
                if words[i:end] == phrase and all(t == "O" for t in tags[i:end]):
                    tags[i:end] = [f"B-{etype}"] + [f"I-{etype}"] * (len(phrase) - 1)
                    i = end - 1
                    break
            i += 1
        return tags


class CrfAnalyzer:
    """tinstream's own tagger over syllables; part of speech is not predicted ("X").

    The model loads on first use, so building an analyzer costs nothing.
    """

    def __init__(self, model_dir: Path = DEFAULT_MODEL_DIR, model: NerModel | None = None) -> None:
        self._dir = model_dir
        self._model = model
        self._lock = threading.Lock()

    def _load(self) -> NerModel:
        with self._lock:
            if self._model is None:
                log.info("loading NER model from %s", self._dir)
                self._model = NerModel.load(self._dir)
            return self._model

    def analyze(self, text: str) -> list[Token]:
        return self.analyze_many([text])[0]

    def analyze_many(self, texts: Sequence[str]) -> list[list[Token]]:
        """``analyze`` of each text (each its own document), tagged in one batch."""
        model = self._load()
        splits = [sentences(mask_overlong(text)) for text in texts]
        tagged = model.tag_documents(
            [[[s.text for s in sentence] for sentence in split] for split in splits]
        )
        return [
            [
                _token(s.start, s.end, s.text, "X", tag)
                for sentence, tags in zip(split, document, strict=True)
                for s, tag in zip(sentence, tags, strict=True)
            ]
            for split, document in zip(splits, tagged, strict=True)
        ]


_TOKEN_FIELDS = ("start", "end", "text", "pos", "tag")


def _slot_setter() -> Callable[[int, int, str, str, str], Token]:
    """Makes a ``Token`` by setting its slots directly: the frozen dataclass's
    ``__init__`` goes through ``object.__setattr__`` for each field, about three
    times slower, for every syllable of every article. The same object; if the
    record ever gains a field or a ``__post_init__``, its constructor is used."""
    if (
        tuple(f.name for f in fields(Token)) != _TOKEN_FIELDS
        or hasattr(Token, "__post_init__")
        or not hasattr(Token, "__slots__")
    ):
        return Token
    new = object.__new__
    set_start, set_end, set_text, set_pos, set_tag = (
        vars(Token)[name].__set__ for name in _TOKEN_FIELDS
    )

    def make(start: int, end: int, text: str, pos: str, tag: str) -> Token:
        token = new(Token)
        set_start(token, start)
        set_end(token, end)
        set_text(token, text)
        set_pos(token, pos)
        set_tag(token, tag)
        return token

    return make


_token = _slot_setter()
