"""``python -m bench.segment``: the search word segmenter against underthesea's, same text.

In one run, on the sentences of a word-segmented gold file (VLSP 2016 NER dev by
default, whose words join syllables with "_"):

* ``underthesea``: ``underthesea.word_tokenize`` (a CRF; the baseline);
* ``tinstream``: ``nlp.segmenter.WordSegmenter`` (a unigram word model).

Both see the sentence as raw text. Accuracy is precision, recall and F1 of the
multi-syllable words (a word is right when it spans exactly the gold syllables;
one-syllable words are what is left, so they are not counted twice). Speed is
sentences per second; compare the ratio, the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from config import DataSettings

_WORD = re.compile(r"[^\W\d_]+(?:_[^\W\d_]+)*")


def read_sentences(path: Path) -> Iterator[list[str]]:
    """The words (first column) of each sentence of a CoNLL file."""
    words: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.startswith("#"):
                if words:
                    yield words
                    words = []
                continue
            words.append(line.split("\t", 1)[0])
    if words:
        yield words


def spans(words: list[str]) -> set[tuple[int, int]]:
    """Syllable spans of the multi-syllable words, over the words made of letters."""
    out, position = set(), 0
    for word in words:
        if not _WORD.fullmatch(word):
            continue
        size = word.count("_") + 1
        if size > 1:
            out.add((position, position + size))
        position += size
    return out


@dataclass
class Score:
    name: str
    precision: float
    recall: float
    f1: float
    sentences_per_s: float


def score(name: str, segment: Callable[[str], list[str]], gold: list[list[str]]) -> Score:
    tp = fp = fn = 0
    started = time.perf_counter()
    predicted = [segment(" ".join(w.replace("_", " ") for w in words)) for words in gold]
    elapsed = time.perf_counter() - started
    for words, guess in zip(gold, predicted, strict=True):
        expected, found = spans(words), spans(guess)
        tp += len(expected & found)
        fp += len(found - expected)
        fn += len(expected - found)
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return Score(name, precision, recall, f1, len(gold) / elapsed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--gold", type=Path, default=DataSettings().data / "ner" / "vlsp2016-ner-dev.conll"
    )
    parser.add_argument("--sentences", type=int, default=0, help="0: all")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from underthesea import word_tokenize

    from nlp.segmenter import WordSegmenter

    gold = list(read_sentences(args.gold))
    if args.sentences:
        gold = gold[: args.sentences]
    segmenter = WordSegmenter()
    segmenter.segment("Hà Nội")  # load the model before the clock starts
    word_tokenize("Hà Nội")
    baseline = score(
        "underthesea", lambda text: [w.replace(" ", "_") for w in word_tokenize(text)], gold
    )
    ours = score("tinstream", lambda text: segmenter.segment(text).split(), gold)
    ratio = ours.sentences_per_s / baseline.sentences_per_s
    if args.json:
        report = {"sentences": len(gold), "runs": [asdict(baseline), asdict(ours)]}
        print(json.dumps(report | {"speed_ratio": ratio}, indent=2))
    else:
        print(f"{len(gold)} sentences of {args.gold.name}")
        print(f"{'segmenter':<12} {'P':>6} {'R':>6} {'F1':>6} {'sentences/s':>12}")
        for run in (baseline, ours):
            print(
                f"{run.name:<12} {run.precision:6.3f} {run.recall:6.3f} {run.f1:6.3f} "
                f"{run.sentences_per_s:12.0f}"
            )
    print(f"RESULT speed_ratio={ratio:.2f} f1={ours.f1:.3f} baseline_f1={baseline.f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
