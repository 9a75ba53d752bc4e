"""Labelled training documents from CoNLL files, tagged by syllable."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nlp.ner.tokenize import syllables


@dataclass(frozen=True, slots=True)
class TaggedSentence:
    words: list[str]
    tags: list[str]


Document = list[TaggedSentence]


def read_documents(path: Path) -> Iterator[Document]:
    """Documents (split at ``# doc`` lines) of sentences, with word tags spread over syllables.

    A gold word "Thái_Bình_Dương" tagged B-LOC becomes the syllables "Thái",
    "Bình", "Dương" tagged B-LOC, I-LOC, I-LOC. MISC is kept: telling a product or
    event apart from an organisation is part of what the model learns.
    """
    document: Document = []
    sentence = TaggedSentence([], [])
    with path.open(encoding="utf-8") as handle:
        for raw_line in handle:
            line = raw_line.rstrip("\n")
            if line.startswith("#") or not line.strip():
                if sentence.words:
                    document.append(sentence)
                    sentence = TaggedSentence([], [])
                if line.startswith("# doc") and document:
                    yield document
                    document = []
                continue
            columns = line.split("\t")
            word, tag = columns[0].replace("_", " "), columns[-1]
            prefix, _, label = tag.partition("-")
            for k, syllable in enumerate(syllables(word)):
                sentence.words.append(syllable.text)
                if not label:
                    sentence.tags.append("O")
                else:
                    sentence.tags.append(f"{'B' if prefix == 'B' and k == 0 else 'I'}-{label}")
    if sentence.words:
        document.append(sentence)
    if document:
        yield document
