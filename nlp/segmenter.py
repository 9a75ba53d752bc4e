"""Vietnamese word segmentation for the ``*_words`` fields, done in Python.

Vietnamese writes syllables apart ("Hà Nội", "bệnh viện"), so Elasticsearch's
standard analyser sees syllables, not words. A full distribution has no
Vietnamese analyser either, so the words are found here and joined by "_"
("bệnh_viện"), which the standard tokenizer keeps as one token. The same
function segments queries, so both sides agree.

The method is a unigram word model: among the ways to cut a run of syllables
into words of underthesea's 72,547-entry dictionary (read from the installed
package) or words seen in word-segmented text, take the most probable, with
counts from the VLSP 2016 training set (``models/word-counts.json.gz``, made by
``tinstream train words``); a run of capitalised syllables may be one name
("Nguyễn Xuân Phúc"). It is several times faster than underthesea's CRF
segmenter, nearly as accurate (see the model card), and cuts a query the way
it cut the same words in an article.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

# Found through importlib.resources, wherever the package is installed.
COUNTS_PATH = Path(str(files("nlp").joinpath("models", "word-counts.json.gz")))
# Longer dictionary entries are idioms; they add cost and little to search.
MAX_WORD_SYLLABLES = 4
# A longer capitalised run is a heading or a list of names, not one name; the
# bound also keeps a text in capitals linear to segment.
MAX_NAME_SYLLABLES = 5
# Pseudo-counts of words never seen in the counts: a dictionary word of several
# syllables, a single syllable. Tuned on VLSP 2016 dev (see the model card).
_UNSEEN_DICTIONARY_WORD = 0.05
_UNSEEN_SYLLABLE = 0.5
# A name (capitalised run) never costs more than this, so long names stay whole.
_MAX_NAME_COST = 16.0
# Text between two of these is never one word.
_BREAK = re.compile(r"[^\w\s]+|\d+|_+")
# A syllable that starts with an upper-case letter.
_CAPITALISED = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class WordModel:
    """What the segmenter knows: dictionary words and counts of words in use."""

    dictionary: frozenset[str]
    counts: Mapping[str, int]
    total: int = field(init=False)
    # -log P of every known word: one lookup says both whether a word is known
    # and what it costs, which is most of the segmenter's work.
    costs: Mapping[str, float] = field(init=False)
    # The first syllables (one or more, spaced) of every known word longer than
    # them: a run of syllables that is none of these starts no longer word, so the
    # segmenter stops extending it.
    prefixes: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        total = max(1, sum(self.counts.values()))
        costs = {w: -math.log(_UNSEEN_DICTIONARY_WORD / total) for w in self.dictionary}
        costs.update((w, -math.log(c / total)) for w, c in self.counts.items() if c > 0)
        prefixes: set[str] = set()
        for word in costs:
            parts = word.split(" ")
            prefixes.update(" ".join(parts[:k]) for k in range(1, len(parts)))
        object.__setattr__(self, "total", total)
        object.__setattr__(self, "costs", costs)
        object.__setattr__(self, "prefixes", frozenset(prefixes))

    def cost(self, word: str) -> float:
        """-log P(word), with pseudo-counts for words never counted."""
        found = self.costs.get(word)
        if found is not None:
            return found
        unseen = _UNSEEN_SYLLABLE if " " not in word else _UNSEEN_DICTIONARY_WORD
        return -math.log(unseen / self.total)


Loader = Callable[[], WordModel]


def load_word_model(counts_path: Path = COUNTS_PATH) -> WordModel:
    """underthesea's dictionary and the committed word counts."""
    with gzip.open(counts_path, "rt", encoding="utf-8") as handle:
        counts = json.load(handle)
    return WordModel(underthesea_dictionary(), counts)


@functools.cache
def packaged_word_model() -> WordModel:
    """The packaged word model, loaded once per process: the segmenter of the search
    fields and the span repair's dictionary look-ups share it (~1 s and ~10 MiB)."""
    return load_word_model()


@functools.cache
def words_in_use() -> frozenset[str]:
    """Dictionary words of two syllables or more that the word counts saw in use ("yêu
    cầu", "chính phủ"), not the idioms and rare compounds of the dictionary alone ("qua
    cầu"): what the span repair asks before reading two syllables as one word."""
    model = packaged_word_model()
    return frozenset(w for w in model.dictionary if model.counts.get(w, 0) > 0)


def count_words(conll_paths: Iterable[Path]) -> dict[str, int]:
    """Counts of the (lower-cased) words of word-segmented CoNLL files, whose words
    join syllables with "_" in the first column."""
    counts: Counter[str] = Counter()
    for path in conll_paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip() and not line.startswith("#"):
                    word = line.split("\t", 1)[0].replace("_", " ").lower().strip()
                    if word and re.fullmatch(r"[^\W\d_]+( [^\W\d_]+)*", word):
                        counts[word] += 1
    return dict(sorted(counts.items()))


def underthesea_dictionary() -> frozenset[str]:
    """The word list shipped with underthesea's word segmenter (lower case, spaced)."""
    import joblib  # type: ignore[import-untyped]
    import underthesea

    path = (
        Path(underthesea.__file__).parent
        / "pipeline/word_tokenize/models/ws_crf_vlsp2013_20230727/dictionary.bin"
    )
    words: Iterable[str] = joblib.load(path)
    return frozenset(w.lower() for w in words if 2 <= len(w.split()) <= MAX_WORD_SYLLABLES)


class WordSegmenter:
    """Segments text into words; the word model is loaded on first use.

    Args:
        model: the word model; when None, ``loader`` provides it on first use.
        loader: where the model comes from by default.
        max_chars: text beyond this many characters is left as syllables, which
            bounds the time one very long article takes.
    """

    def __init__(
        self,
        model: WordModel | None = None,
        *,
        loader: Loader = packaged_word_model,
        max_chars: int = 100_000,
    ) -> None:
        self._model = model
        self._loader = loader
        self._lock = threading.Lock()
        self.max_chars = max_chars

    @property
    def model(self) -> WordModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._loader()
        return self._model

    def segment(self, text: str) -> str:
        """``"Bệnh viện Bạch Mai ở Hà Nội"`` → ``"Bệnh_viện Bạch_Mai ở Hà_Nội"``."""
        head, tail = text[: self.max_chars], text[self.max_chars :]
        out: list[str] = []
        for run in _BREAK.split(head):
            syllables = run.split()
            if syllables:
                out.extend(self.words_of(syllables))
        return " ".join(out) + (" " + tail if tail else "")

    def words_of(self, syllables: list[str]) -> list[str]:
        """The most probable words (and names) that make up ``syllables``."""
        model = self.model
        costs = model.costs
        prefixes = model.prefixes
        unseen = model.cost("_")  # any one syllable never counted
        n = len(syllables)
        lower = [s.lower() for s in syllables]
        caps = [s[:1].isupper() and bool(_CAPITALISED.match(s)) for s in syllables]
        # cost_from[i]: the cost of syllables[i:]; first_end[i]: where its first word
        # ends (two lists, not tuples: this loop is most of the segmenter's time).
        cost_from = [0.0] * (n + 1)
        first_end = [n] * (n + 1)
        # run_end[i]: where the capitalised run from syllable i ends.
        run_end = [0] * (n + 1)
        for i in range(n - 1, -1, -1):
            word = lower[i]
            cost = cost_from[i + 1] + costs.get(word, unseen)
            stop = i + 1
            for end in range(i + 2, min(n, i + MAX_WORD_SYLLABLES) + 1):
                if word not in prefixes:
                    break  # no known word starts so: none longer either
                word = f"{word} {lower[end - 1]}"
                found = costs.get(word)
                # A longer word wins only if cheaper: on a tie the shorter stays.
                if found is not None and cost_from[end] + found < cost:
                    cost, stop = cost_from[end] + found, end
            if caps[i]:
                run_end[i] = run_end[i + 1] if caps[i + 1 : i + 2] == [True] else i + 1
                end = run_end[i]
                if 2 <= end - i <= MAX_NAME_SYLLABLES:
                    name_cost = min(model.cost(" ".join(lower[i:end])), _MAX_NAME_COST)
                    total = cost_from[end] + name_cost
                    # (cost, end) pairs compared as tuples: a tie goes to the shorter.
                    if total < cost or (total == cost and end < stop):
                        cost, stop = total, end
            cost_from[i] = cost
            first_end[i] = stop
        out, i = [], 0
        while i < n:
            end = first_end[i]
            out.append(syllables[i] if end == i + 1 else "_".join(syllables[i:end]))
            i = end
        return out
