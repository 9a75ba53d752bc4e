"""CRF features of a syllable in its sentence.

Each syllable is described by what it is (lower-cased form, shape), its
neighbours two either side, the gazetteer spans it falls in, and how often the
syllable is written with a capital inside a sentence in ordinary news (learned
from unlabelled text, so names the labelled data never saw still look like names).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from nlp.ner.gazetteer import GAZETTEERS
from nlp.ner.tokenize import syllables

_WINDOW = (-2, -1, 1, 2)


def shape(text: str) -> str:
    """Character classes with repeats collapsed: "Nguyễn" → "Aa", "COVID-19" → "A-0"."""
    out: list[str] = []
    for ch in text:
        if ch.isupper():
            c = "A"
        elif ch.isalpha():
            c = "a"
        elif ch.isdigit():
            c = "0"
        else:
            c = ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


class Gazetteer:
    """Longest-match lookup of phrase lists over a syllable sequence."""

    def __init__(self, lists: Mapping[str, frozenset[str]] = GAZETTEERS) -> None:
        # First syllable -> (length, phrase -> the lists holding it, in list order),
        # longest first: a position costs one lookup per length, not one test per
        # phrase that starts with its syllable.
        by_first: dict[str, dict[int, dict[tuple[str, ...], list[str]]]] = {}
        for name, phrases in lists.items():
            for phrase in phrases:
                parts = tuple(s.text.lower() for s in syllables(phrase))
                if parts:
                    holders = by_first.setdefault(parts[0], {}).setdefault(len(parts), {})
                    names = holders.setdefault(parts, [])
                    if name not in names:
                        names.append(name)
        self._index: dict[str, list[tuple[int, dict[tuple[str, ...], list[str]]]]] = {
            first: sorted(by_length.items(), key=lambda e: -e[0])
            for first, by_length in by_first.items()
        }

    def tags(self, lowered: Sequence[str]) -> list[list[str]]:
        """Per syllable, "name:B" / "name:I" for every list whose phrase covers it.

        At each position, each list's longest phrase starting there counts; lists
        with phrases of the same length come in the order they were given.
        """
        out: list[list[str]] = [[] for _ in lowered]
        n = len(lowered)
        index = self._index
        for i, first in enumerate(lowered):
            lengths = index.get(first)
            if lengths is None:
                continue
            seen: set[str] = set()
            for k, phrases in lengths:
                if i + k > n:
                    continue
                names = phrases.get(tuple(lowered[i : i + k]))
                if names is None:
                    continue
                for name in names:
                    if name in seen:
                        continue
                    seen.add(name)
                    out[i].append(f"{name}:B")
                    for j in range(i + 1, i + k):
                        out[j].append(f"{name}:I")
        return out


def _capital_runs(words: Sequence[str]) -> list[tuple[int, int] | None]:
    """Per syllable, the (first, last) index of the run of capitalised syllables it is in.

    "&" and "-" between capitalised syllables join a run: "Bộ NN & PTNT",
    "Quỹ Quảng Nam - Đà Nẵng" are one name.
    """
    out: list[tuple[int, int] | None] = [None] * len(words)
    i = 0
    n = len(words)
    while i < n:
        if not words[i][:1].isupper():
            i += 1
            continue
        j = i
        while True:
            if j + 1 < n and words[j + 1][:1].isupper():
                j += 1
            elif j + 2 < n and words[j + 1] in ("&", "-") and words[j + 2][:1].isupper():
                j += 2
            else:
                break
        for k in range(i, j + 1):
            out[k] = (i, j)
        i = j + 1
    return out


def capital_bucket(ratio: float) -> str:
    if ratio >= 0.9:
        return "4"
    if ratio >= 0.6:
        return "3"
    if ratio >= 0.3:
        return "2"
    if ratio > 0.05:
        return "1"
    return "0"


@dataclass(frozen=True, slots=True)
class DocumentMemory:
    """What a first tagging pass found in the whole document.

    A name is often introduced with its title once ("chị Thư", "Công ty Phong Phú")
    and then used bare; the second pass sees, for each capitalised syllable, the
    type most often given to it elsewhere in the document.
    """

    syllable_types: Mapping[str, str]
    name_types: Mapping[str, str]

    @classmethod
    def of(cls, tagged: Iterable[tuple[Sequence[str], Sequence[str]]]) -> DocumentMemory:
        by_syllable: dict[str, Counter[str]] = {}
        by_name: dict[str, Counter[str]] = {}
        for words, tags in tagged:
            for first, last, etype in spans(tags):
                name = [w.lower() for w in words[first : last + 1] if w[:1].isupper()]
                for syllable in name:
                    by_syllable.setdefault(syllable, Counter())[etype] += 1
                if name:
                    by_name.setdefault(" ".join(name), Counter())[etype] += 1
        return cls(
            {w: c.most_common(1)[0][0] for w, c in by_syllable.items()},
            {w: c.most_common(1)[0][0] for w, c in by_name.items()},
        )


def spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first, last, type) of each B-/I- run in a tag sequence."""
    out: list[tuple[int, int, str]] = []
    current: list[int | str] | None = None
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if label and prefix == "I" and current is not None and current[2] == label:
            current[1] = i
            continue
        if current is not None:
            out.append((int(current[0]), int(current[1]), str(current[2])))
            current = None
        if label:
            current = [i, i, label]
    if current is not None:
        out.append((int(current[0]), int(current[1]), str(current[2])))
    return out


# Punctuation that closes the reach of an organisation head word: "Sở Giáo dục và
# Đào tạo" is one name, "ở Sở, các em ..." is not.
_CLAUSE_BREAK = frozenset(',.;:()!?"“”…')
# How far after a head word ("Bộ", "Công ty", "Đại học") a syllable may still be
# inside the organisation's name; most names are shorter.
_HEAD_REACH = 8
# Syllables whose static features are kept: enough for the vocabulary of a day of news.
_CACHE_SIZE = 60000


@dataclass(frozen=True, slots=True)
class _Static:
    """The features of one written syllable that do not depend on its sentence."""

    own: tuple[str, ...]
    # Per offset in _WINDOW: what a neighbour at that offset contributes.
    around: tuple[tuple[str, ...], ...]
    lower: str
    caps: str


class Featurizer:
    """Turns a sentence of syllables into the CRF's feature strings.

    Args:
        gazetteer: name lists.
        capital_ratio: lower-cased syllable → share of its mid-sentence uses
            written with a capital, from unlabelled news; unknown syllables get "u".
        clusters: lower-cased syllable → cluster ids, coarse to fine (see
            ``clusters.py``); unknown syllables get none.

    A syllable's own and neighbour features are computed once per written form
    and cached: a document repeats most of its syllables.
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        capital_ratio: Mapping[str, float],
        clusters: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        self._gazetteer = gazetteer
        self._buckets = {w: capital_bucket(r) for w, r in capital_ratio.items()}
        self._clusters = clusters or {}
        self._cache: dict[str, _Static] = {}

    def _static(self, word: str) -> _Static:
        found = self._cache.get(word)
        if found is not None:
            return found
        lower = word.lower()
        form = shape(word)
        caps = "C" if word[:1].isupper() else ("P" if not word[:1].isalnum() else "l")
        ratio = self._buckets.get(lower, "u") + caps
        own = ["w=" + lower, "s=" + form, "r=" + ratio]
        cluster = self._clusters.get(lower)
        if cluster is not None:
            own.extend(f"k{level}={c}" for level, c in enumerate(cluster))
        around = []
        for d in _WINDOW:
            near = [f"w[{d}]={lower}", f"s[{d}]={form}", f"r[{d}]={ratio}"]
            if cluster is not None and abs(d) == 1:
                # Neighbours by their middle granularity: the word before a name
                # ("ông", "tỉnh", "Công ty") matters by its kind, not its spelling.
                near.append(f"k[{d}]={cluster[min(1, len(cluster) - 1)]}")
            around.append(tuple(near))
        static = _Static(tuple(own), tuple(around), lower, caps)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[word] = static
        return static

    def features(
        self, words: Sequence[str], memory: DocumentMemory | None = None
    ) -> list[list[str]]:
        """Feature strings per syllable; with ``memory``, also what the rest of the
        document said about the same names (the second pass)."""
        local = self.local_features(words)
        return local if memory is None else self.with_memory(words, local, memory)

    def local_features(self, words: Sequence[str]) -> list[list[str]]:
        """The first pass's features: the sentence alone."""
        statics, context = self.local_parts(words)
        return [
            [*statics[i].own, *neighbours, *context[i]]
            for i, neighbours in enumerate(_neighbour_features(statics))
        ]

    def local_parts(self, words: Sequence[str]) -> tuple[list[_Static], list[list[str]]]:
        """The first pass's features in two parts, which ``local_features`` joins.

        Per syllable, its cached ``_Static`` (its ``own`` features and what it gives
        its neighbours, see ``_neighbour_features``), and the features that depend
        on the sentence. A tagger may cache what it derives from the first part
        (``crf.DocumentCrf`` caches the weights), so every feature that depends on
        the sentence belongs in the second.
        """
        n = len(words)
        statics = [self._static(w) for w in words]
        lower = [s.lower for s in statics]
        caps = [s.caps for s in statics]
        gaz = self._gazetteer.tags(lower)
        runs = _capital_runs(words)
        heads = _head_distances(gaz, lower)
        # Each adjacent pair, padded: pairs[k] joins syllables k-2 and k-1 (index
        # shifted by two so that the sentence edges need no test).
        padded = ["_", "_", *lower, "_", "_"]
        pairs = [padded[k] + "|" + padded[k + 1] for k in range(n + 3)]
        capped = ["_", *caps, "_"]
        out: list[list[str]] = []
        for i in range(n):
            f = ["b"]
            if i == 0:
                f.append("bos")
            if i == n - 1:
                f.append("eos")
            for d in _WINDOW:
                j = i + d
                if 0 <= j < n:
                    if gaz[j]:
                        f.extend([f"g[{d}]={g}" for g in gaz[j]])
                else:
                    f.append(f"w[{d}]=_")
            f.append("w[-1,0]=" + pairs[i + 1])
            f.append("w[0,1]=" + pairs[i + 2])
            f.append("c[-1,0,1]=" + capped[i] + capped[i + 1] + capped[i + 2])
            f.append("w[-2,-1]=" + pairs[i])
            f.append("w[1,2]=" + pairs[i + 3])
            if gaz[i]:
                f.extend(["g=" + g for g in gaz[i]])
            if heads[i]:
                f.append("oh=" + heads[i] + caps[i])
            run = runs[i]
            if run is not None:
                first, last = run
                # The whole name the syllable belongs to: its head word, the word
                # before it, and its length decide a type better than one syllable.
                f.append("rh=" + lower[first])
                f.append("rp=" + (lower[first - 1] if first > 0 else "_"))
                f.append("rl=" + str(min(last - first + 1, 5)))
                f.append("ri=" + ("B" if i == first else "I"))
                f.append("rt=" + lower[last])
                f.append("rn=" + (lower[last + 1] if last + 1 < n else "_"))
            out.append(f)
        return statics, out

    def with_memory(
        self, words: Sequence[str], local: Sequence[list[str]], memory: DocumentMemory
    ) -> list[list[str]]:
        """The second pass's features: ``local`` (not modified) plus the document memory.

        Only syllables in a capitalised run gain features, so the first pass's
        feature lists are shared, not rebuilt.
        """
        return [
            [*f, *extra] if extra else f
            for f, extra in zip(local, self.memory_features(words, memory), strict=True)
        ]

    def memory_features(self, words: Sequence[str], memory: DocumentMemory) -> list[list[str]]:
        """Per syllable, what the second pass adds to the first pass's features."""
        runs = _capital_runs(words)
        out: list[list[str]] = []
        lower: list[str] | None = None
        for i, run in enumerate(runs):
            extra: list[str] = []
            out.append(extra)
            if run is None:
                continue
            if lower is None:
                lower = [w.lower() for w in words]
            seen = memory.syllable_types.get(lower[i])
            if seen is not None:
                extra.append("d=" + seen)
            whole = memory.name_types.get(" ".join(lower[run[0] : run[1] + 1]))
            if whole is not None:
                extra.append("dn=" + whole)
        return out


def _neighbour_features(statics: Sequence[_Static]) -> list[list[str]]:
    """Per syllable, what its neighbours in ``_WINDOW`` give it (``_Static.around``)."""
    n = len(statics)
    out: list[list[str]] = []
    for i in range(n):
        f: list[str] = []
        for slot, d in enumerate(_WINDOW):
            if 0 <= i + d < n:
                f.extend(statics[i + d].around[slot])
        out.append(f)
    return out


def _head_distances(gaz: Sequence[Sequence[str]], lower: Sequence[str]) -> list[str]:
    """Per syllable, how far back the nearest organisation head word starts ("" if none).

    Long names carry lower-case words ("Sở Giáo dục và Đào tạo", "Công ty cổ phần
    Sữa Việt Nam"); the head word several syllables back is what says they are
    still inside the name.
    """
    out = [""] * len(lower)
    last = -1
    for i, tags in enumerate(gaz):
        if lower[i] in _CLAUSE_BREAK:
            last = -1
            continue
        if last >= 0 and i - last <= _HEAD_REACH:
            distance = i - last
            out[i] = str(distance) if distance <= 3 else ("5" if distance <= 5 else "8")
        if "orghead:B" in tags or "org:B" in tags:
            last = i
    return out
