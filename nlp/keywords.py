"""Keywords: the words and phrases an article is about, by TF-IDF over whole words.

Vietnamese writes syllables apart, so a window of syllables is not a word: ranking
syllable pairs gave keywords cut through words ("lạc bộ" from "câu lạc bộ"). Here
the candidates come from the project's word segmenter (``nlp.segmenter``):
single words and runs of two or three words, never a function word anywhere in
them, and never across punctuation. A phrase must also hold together in the news
corpus (it occurs in a good share of the articles of its rarer word) and a word is
never split, so every keyword starts and ends on a word boundary.

Each candidate is scored by its count in the article (title counts more) times its
inverse document frequency over the corpus (``models/keywords-df.json.gz``, made by
``tinstream train keywords``). A bare single syllable that names nothing ("vật",
"cháy") is worth less than a word of several syllables or a name. Names already in
the article's entity facets are demoted unless they are in the title, where they are
the story's subject.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from nlp.segmenter import WordSegmenter
from streams.resources import packaged

log = logging.getLogger(__name__)

DEFAULT_TABLE = packaged("nlp", "models", "keywords-df.json.gz")
# Table entries seen in fewer articles are dropped: they say little and weigh a lot.
MIN_DOCUMENT_FREQUENCY = 8
# Phrases are runs of this many words at most.
MAX_PHRASE_WORDS = 3
TITLE_WEIGHT = 3
# A phrase must occur in at least this share of the articles of its rarer word.
PHRASE_COHESION = 0.1
# A single syllable that is no name is a weak keyword ("vật", "cháy").
SINGLE_SYLLABLE_WEIGHT = 0.5
# A name already in the entity facets, neither in the title nor mentioned at least
# TOPIC_MENTIONS times.
ENTITY_WEIGHT = 0.35
TOPIC_MENTIONS = 3
# Unknown to the corpus: scored as if in this many articles (names, new terms).
UNSEEN_DOCUMENT_FREQUENCY = 2

# Function words and vague words no keyword contains: single syllables (any word
# made only of them is excluded too, "tuy nhiên" aside) and a few common words of
# several syllables that carry no subject.
_STOP_SYLLABLES = """
    và của các những là có được ở trong với cho này đã sẽ đang không một để từ khi thì mà
    cũng như về theo tại ra vào lên xuống đến đi rằng nên vì do bị bởi hay hoặc nhưng
    nếu sau trước trên dưới ngoài giữa qua lại rất nhiều ít hơn nhất mới còn chỉ vẫn đều
    cùng nhau mình họ ông bà anh chị em tôi chúng ta nó người năm ngày tháng giờ lần số
    đó kia ấy nào gì ai sao thế vậy nay hôm đây cái con chiếc việc sự cuộc điều nơi
    hai ba bốn sáu bảy tám chín mười trăm nghìn ngàn triệu tỷ tỉ phải cần muốn làm
    thể biết thấy nói hết luôn vừa thành thêm tới gần xa cách lúc phần loại
    khác mỗi từng vài cả đây kể đang chưa đừng hãy càng quá thật lắm
    tăng giảm mạnh khiến giúp
"""
_STOP_WORDS = """
    tuy_nhiên trong_khi ngoài_ra hiện_nay bên_cạnh đồng_thời vì_vậy do_đó sau_đó trước_đó
    hiện_tại bao_gồm trong_đó theo_đó như_vậy tuy_vậy chẳng_hạn bởi_vì nếu_như mặc_dù
    thậm_chí đặc_biệt chủ_yếu hầu_hết khoảng có_thể không_thể cho_biết cho_rằng cho_thấy
    tiếp_tục bắt_đầu thực_hiện liên_quan phát_biểu chia_sẻ thời_gian trường_hợp
    vấn_đề hoạt_động thông_tin kết_quả nhằm_mục_đích đối_với cùng_với thay_vì
    hôm_qua hôm_nay năm_nay năm_ngoái ngày_nay gần_đây vừa_qua lúc_này bây_giờ
    chúng_tôi chúng_ta họ_đã các_bạn mọi_người nhiều_người tất_cả cuối_cùng đầu_tiên
    như_thế thế_nào bao_nhiêu vì_sao tại_sao điều_này việc_này nhau_ra rất_nhiều
"""
STOP_SYLLABLES = frozenset(_STOP_SYLLABLES.split())
STOP_WORDS = frozenset(w.replace("_", " ") for w in _STOP_WORDS.split())
# What may stand between two words of one phrase: spaces only (not a line break).
_SAME_PHRASE = re.compile(r"[ \t\u00a0]*")
# What starts a sentence, so that the next word's capital says nothing.
# Full stops inside "TP.HCM" or "V.League" end nothing: a stop must be followed by a
# space (or a closing quote and a space).
_SENTENCE_BREAK = re.compile(r"[.!?:…][\"'”’)]*\s|\n|[\"“]\s*$")


class _Word(NamedTuple):
    # A named tuple, not a dataclass: an article makes thousands, and this is cheaper.
    surface: str  # as written, syllables apart: "Câu lạc bộ"
    key: str  # lower case: "câu lạc bộ"
    capitalised: bool  # every syllable starts with a capital (or it is an acronym)
    sentence_start: bool


@functools.lru_cache(maxsize=65_536)
def is_stop(key: str) -> bool:
    """Whether a (lower-case) word is a function or vague word."""
    return key in STOP_WORDS or all(s in STOP_SYLLABLES for s in key.split(" "))


def word_runs(text: str, segmented: str) -> Iterator[list[_Word]]:
    """The words of ``segmented`` (the segmenter's output for ``text``: words joined by
    "_", punctuation and numbers dropped), in runs that punctuation does not break.

    The breaks are found again by walking ``text``: whatever stands between two
    words other than spaces ends a run.
    """
    position = 0
    previous_end = 0
    run: list[_Word] = []
    for token in segmented.split():
        if "_" in token:
            syllables = token.split("_")
            start = text.find(syllables[0], position)
            end = _end_of(syllables, text, start)
            surface = " ".join(syllables)
            capitalised = all(s[:1].isupper() for s in syllables)
        else:  # most words are one syllable: found where it starts
            start = text.find(token, position)
            end = start + len(token) if start >= 0 else -1
            surface = token
            capitalised = token[:1].isupper()
        if end < 0:
            break  # the text was cut short before or inside this word
        gap = text[previous_end:start]
        # Most gaps are one space: the regular expressions only see the others.
        plain = gap == " "
        if run and not plain and not _SAME_PHRASE.fullmatch(gap):
            yield run
            run = []
        sentence_start = previous_end == 0 or (not plain and bool(_SENTENCE_BREAK.search(gap)))
        if sentence_start and capitalised and len(surface) > 1 and surface.isupper():
            sentence_start = False  # an acronym ("HCM", "NATO") is a name anywhere
        run.append(_Word(surface, surface.lower(), capitalised, sentence_start))
        position = previous_end = end
    if run:
        yield run


def _end_of(syllables: list[str], text: str, start: int) -> int:
    """Where the word whose first syllable is at ``start`` ends in ``text``, or -1."""
    if start < 0:
        return -1
    end = start
    for syllable in syllables:
        found = text.find(syllable, end)
        if found < 0:
            return -1
        end = found + len(syllable)
    return end


def _phrases(run: list[_Word]) -> Iterator[tuple[str, list[_Word]]]:
    """(lower-case key, words) of every word and run of words with no stop word."""
    size = len(run)
    for i in range(size):
        key = ""
        # The key grows a word at a time instead of being joined again for each length.
        for end in range(i + 1, min(size, i + MAX_PHRASE_WORDS) + 1):
            last = run[end - 1].key
            if is_stop(last):
                break
            key = last if end == i + 1 else f"{key} {last}"
            yield key, run[i:end]


def document_frequencies(
    articles: Iterable[Sequence[tuple[str, str]]],
) -> dict[str, object]:
    """``{"docs": N, "df": {word or phrase: articles containing it}}`` over articles
    given as their (text, segmented text) parts (title, content), for the entries in
    at least ``MIN_DOCUMENT_FREQUENCY`` articles."""
    df: Counter[str] = Counter()
    docs = 0
    for parts in articles:
        docs += 1
        df.update(
            {
                key
                for text, segmented in parts
                for run in word_runs(text, segmented)
                for key, _ in _phrases(run)
            }
        )
    kept = {g: n for g, n in df.items() if n >= MIN_DOCUMENT_FREQUENCY}
    return {"docs": docs, "df": dict(sorted(kept.items()))}


@dataclass
class _Candidate:
    words: list[str]  # the lower-case words
    count: float = 0.0
    # How it is written where its first word does not start a sentence (made on
    # first use: most candidates never need it).
    written: dict[str, int] | None = None


@dataclass
class _Casing:
    """How the article writes one word: a name is capitalised wherever a capital is
    not simply the start of a sentence ("Tết", "Sông Lam", not "Theo")."""

    # Plain dicts, not Counters: an article makes hundreds, and these are cheaper.
    capitals: dict[str, int]
    lower: int = 0

    @property
    def named(self) -> bool:
        return sum(self.capitals.values()) > self.lower

    def surface(self, key: str) -> str:
        return _most_common(self.capitals) if self.named else key


class KeywordExtractor:
    """Ranks an article's words and phrases; the corpus table loads on first use.

    Args:
        table: the document frequencies (``tinstream train keywords``).
        frequencies: the table itself, instead of a file (tests).
        segmenter: cuts text into words when the caller has not already done so.
    """

    def __init__(
        self,
        table: Path = DEFAULT_TABLE,
        frequencies: dict[str, Any] | None = None,
        *,
        segmenter: WordSegmenter | None = None,
    ):
        self._path = table
        self._table = frequencies
        self._segmenter = segmenter
        self._lock = threading.Lock()

    def _load(self) -> tuple[int, dict[str, int]]:
        with self._lock:
            if self._table is None:
                log.info("loading keyword statistics from %s", self._path)
                with gzip.open(self._path, "rt", encoding="utf-8") as handle:
                    self._table = json.load(handle)
            if self._segmenter is None:
                self._segmenter = WordSegmenter()
        return int(self._table["docs"]), self._table["df"]

    def _segment(self, text: str) -> str:
        assert self._segmenter is not None
        return self._segmenter.segment(text)

    def extract(
        self,
        title: str,
        content: str,
        limit: int,
        *,
        title_words: str | None = None,
        content_words: str | None = None,
        entities: Sequence[str] = (),
    ) -> list[str]:
        """The ``limit`` best keywords of an article, best first.

        Args:
            title_words, content_words: the segmenter's output for ``title`` and
                ``content`` when the caller has it, so the text is not cut twice.
            entities: surface forms (names and aliases) of the article's entity
                facets; those not in the title are demoted.
        """
        if limit <= 0:
            return []
        docs, df = self._load()
        candidates: dict[str, _Candidate] = {}
        casing: dict[str, _Casing] = {}
        title_keys: set[str] = set()
        for weight, text, segmented in (
            (TITLE_WEIGHT, title, title_words),
            (1, content, content_words),
        ):
            words_of_text = self._segment(text) if segmented is None else segmented
            for run in word_runs(text, words_of_text):
                for word in run:
                    case = casing.get(word.key)
                    if case is None:
                        case = casing[word.key] = _Casing({})
                    if not word.capitalised:
                        case.lower += 1
                    elif not word.sentence_start:
                        case.capitals[word.surface] = case.capitals.get(word.surface, 0) + 1
                for key, words in _phrases(run):
                    if len(words) > 1 and not self._cohesive(key, words, df):
                        continue
                    found = candidates.get(key)
                    if found is None:
                        found = candidates[key] = _Candidate([w.key for w in words])
                    found.count += weight
                    if not words[0].sentence_start:
                        if found.written is None:
                            found.written = {}
                        surface = " ".join(w.surface for w in words)
                        found.written[surface] = found.written.get(surface, 0) + 1
                    if weight == TITLE_WEIGHT:
                        title_keys.add(key)
        # A name in the title or mentioned again and again is what the story is
        # about; the others are already facets and need not come back as keywords.
        demoted = {
            key
            for key in (e.lower() for e in entities)
            if key not in title_keys
            and (key not in candidates or candidates[key].count < TOPIC_MENTIONS)
        }
        scored: list[tuple[float, str]] = []
        for key, found in candidates.items():
            if (found.count < 2 and key not in title_keys) or len(key) < 2:
                continue  # seen once in passing, or a lone letter ("V" of "V.League")
            score = found.count * math.log(docs / df.get(key, UNSEEN_DOCUMENT_FREQUENCY))
            if " " not in key and not casing[key].named:
                score *= SINGLE_SYLLABLE_WEIGHT
            if key in demoted:
                score *= ENTITY_WEIGHT
            scored.append((score, key))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        chosen: list[str] = []
        for _, key in scored:
            # A phrase and a word inside it say the same thing: the better one stays.
            if any(_overlaps(key, other) for other in chosen):
                continue
            chosen.append(key)
            if len(chosen) == limit:
                break
        named = {e.lower(): e for e in entities}
        return [_surface(candidates[k], casing, named.get(k)) for k in chosen]

    @staticmethod
    def _cohesive(key: str, words: list[_Word], df: dict[str, int]) -> bool:
        """Whether the words of a phrase belong together more than by chance: the
        phrase occurs in a good share of the articles of its rarer word."""
        together = df.get(key, 0)
        if not together:
            return False
        rarest = min(df.get(w.key, 0) for w in words)
        return bool(rarest) and together / rarest >= PHRASE_COHESION


def _surface(found: _Candidate, casing: dict[str, _Casing], entity: str | None) -> str:
    """As the article writes it mid-sentence, so names keep their capitals ("Bộ Y
    tế", "eo biển Đài Loan") and other words are lower case; a phrase seen only at
    the start of sentences is written as the entity facet of the same name, else
    cased word by word."""
    if found.written:
        return _most_common(found.written)
    if entity is not None:
        return entity
    return " ".join(casing[w].surface(w) for w in found.words)


def _most_common(counts: dict[str, int]) -> str:
    """The most frequent form; the first seen among equals."""
    return max(counts.items(), key=lambda pair: pair[1])[0]


def _overlaps(a: str, b: str) -> bool:
    """Whether one keyword's syllables contain the other's, at syllable boundaries."""
    short, long = sorted((f" {a} ", f" {b} "), key=len)
    return short in long
