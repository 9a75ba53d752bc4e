"""Team-compiled names of the world (countries, cities, organisations, companies, clubs,
people, and names that are not facets), found in raw text.

The CRF learnt from 2016 news; it has never seen most of the brands, clubs and
leaders of today's news. The lexicon does not tag text on its own: the facet layer
(:mod:`nlp.entities`) uses it to fix the type and the boundaries of
spans the tagger found, and to add only names that cannot be common words.
The lists are in ``nlp/lexicon`` (see the README there).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from streams.resources import packaged

log = logging.getLogger(__name__)

DEFAULT_DIR = packaged("nlp", "lexicon")
LEXICON_TYPES = ("PER", "LOC", "ORG", "MISC")
# A word, with the dots, hyphens and ampersands inside names ("V.League", "Coca-Cola",
# "GD&ĐT", "McDonald's"), or one punctuation mark.
_TOKEN = re.compile(r"\w+(?:[.&'’\-]\w+)*\+?|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Form:
    """One written form of a listed name and what it may be."""

    canonical: dict[str, str]  # type -> the canonical name under that type
    sport: bool  # listed as a club or league

    @property
    def types(self) -> frozenset[str]:
        return frozenset(self.canonical)

    @property
    def type(self) -> str | None:
        """The one type of an unambiguous form."""
        return next(iter(self.canonical)) if len(self.canonical) == 1 else None


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    text: str
    form: Form
    # Whether the form can be tagged where the CRF saw nothing: several words, an
    # acronym of three letters or more, or a foreign one-word name ("Tesla"),
    # never a Vietnamese syllable that is also a common word or given name.
    addable: bool


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


# Two-letter acronyms that name one organisation only ("MB", "AP", "IS" do not).
_UNAMBIGUOUS_PAIRS = frozenset({"EU", "UN"})


def _addable(form: str) -> bool:
    words = form.split()
    if len(words) >= 2:
        return True
    word = words[0]
    if word.isupper():
        return len(word.replace(".", "").replace("&", "")) >= 3 or word in _UNAMBIGUOUS_PAIRS
    return len(word) >= 4 and word.isascii() and word[:1].isupper()


class Lexicon:
    """Forms of listed names, matched on whole words.

    Matching ignores case except where the list writes a word in capitals (an
    acronym matches only as written) and for the first letter: a name starting with
    a capital matches only a capitalised word ("Apple", not "apple").
    """

    def __init__(self, entries: Iterable[tuple[str, str, tuple[str, ...], bool]]) -> None:
        forms: dict[str, dict[str, str]] = {}
        sport: set[str] = set()
        written: dict[str, str] = {}
        self.entries = tuple(entries)
        for etype, canonical, aliases, is_sport in self.entries:
            for form in (canonical, *aliases):
                key = self.key(form)
                forms.setdefault(key, {}).setdefault(etype, canonical)
                written.setdefault(key, form)
                if is_sport:
                    sport.add(key)
        self._forms = {k: Form(v, k in sport) for k, v in forms.items()}
        self._by_first: dict[str, list[tuple[list[str], str]]] = {}
        for key, form in written.items():
            words = [t for _, _, t in _tokens(form)]
            if words:
                self._by_first.setdefault(words[0].casefold(), []).append((words, key))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda c: -len(c[0]))
        # First words a word not written with a capital can open: a name listed with
        # a capital never starts at a lower-case word.
        self._lower_starts = frozenset(
            first
            for first, candidates in self._by_first.items()
            if any(not words[0][:1].isupper() for words, _ in candidates)
        )

    @staticmethod
    def key(name: str) -> str:
        return " ".join(_TOKEN.findall(name)).casefold()

    @classmethod
    def load(cls, directory: Path = DEFAULT_DIR) -> Lexicon:
        entries: list[tuple[str, str, tuple[str, ...], bool]] = []
        for path in sorted(directory.glob("*.txt")):
            etype = path.name.split("-", 1)[0].upper()
            if etype not in LEXICON_TYPES:
                log.warning("lexicon file %s has no type prefix; skipped", path.name)
                continue
            sport = path.name.startswith("org-sports")
            for raw in path.read_text(encoding="utf-8").splitlines():
                entry = raw.split("#", 1)[0].strip()
                if not entry:
                    continue
                canonical, *aliases = (" ".join(p.split()) for p in entry.split("|"))
                entries.append((etype, canonical, tuple(a for a in aliases if a), sport))
        log.debug("lexicon: %d entries from %s", len(entries), directory)
        return cls(entries)

    def lookup(self, name: str) -> Form | None:
        return self._forms.get(self.key(name))

    def find(self, text: str) -> list[Match]:
        """Listed names in ``text``, longest first, not overlapping."""
        tokens = _tokens(text)
        out: list[Match] = []
        by_first, lower_starts = self._by_first, self._lower_starts
        # Most words start no listed name: one lookup each, and the full test only
        # where some name can start with the word (as it is capitalised or not).
        starts = [
            word.casefold() in (by_first if word[:1].isupper() else lower_starts)
            for _, _, word in tokens
        ]
        i = 0
        while i < len(tokens):
            if not starts[i]:
                i += 1
                continue
            found = self._longest_at(tokens, i)
            if found is None:
                i += 1
                continue
            length, key = found
            start, end = tokens[i][0], tokens[i + length - 1][1]
            surface = text[start:end]
            out.append(Match(start, end, surface, self._forms[key], _addable(surface)))
            i += length
        return out

    def _longest_at(self, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, str] | None:
        first = tokens[i][2]
        for words, key in self._by_first.get(first.casefold(), ()):
            n = len(words)
            # The cheapest tests first (every test only skips the candidate).
            if i + n > len(tokens) or (words[0][:1].isupper() and not first[:1].isupper()):
                continue
            window = [t for _, _, t in tokens[i : i + n]]
            # Words must follow each other with at most one space between them.
            if any(tokens[j + 1][0] - tokens[j][1] > 1 for j in range(i, i + n - 1)):
                continue
            if all(_same_word(w, t) for w, t in zip(words, window, strict=True)):
                return n, key
        return None


def _same_word(listed: str, written: str) -> bool:
    """Acronyms as listed; a capitalised word capitalised ("Nhân Dân" the paper is not
    "nhân dân" the people); a word listed in lower case in any case."""
    if listed.isupper() and len(listed) > 1:
        return listed == written
    if listed[:1].isupper() and not written[:1].isupper():
        return False
    return listed.casefold() == written.casefold()


@functools.cache
def packaged_lexicon() -> Lexicon:
    """The lexicon shipped with tinstream, read once per process, with the tagger's
    Vietnamese places of two words or more or abbreviated (one-word ones are also given
    names: "Vinh")."""
    from nlp.ner.gazetteer import GAZETTEERS

    extra = [
        ("LOC", p, (), False)
        for p in sorted(GAZETTEERS["vnloc"])
        if " " in p or not p.isalpha()  # "Hà Nội", "TP.HCM"; not "Vinh"
    ]
    return Lexicon([*Lexicon.load(DEFAULT_DIR).entries, *extra])
