"""Tagged spans repaired before they become facets: boundaries and types fixed with the
team's lexicon, titles and glued neighbours cut off, words that are not names dropped.

Every rule here is about how Vietnamese news writes names, not about one article:
a country or a company written right before a person ("Tổng thống Pháp Emmanuel
Macron", "Chủ tịch FPT Trương Gia Bình"), a listed name the tagger cut in two
("Tổ chức Hiệp ước ... Bắc" + "Đại Tây Dương"), a compass word or a generic head
("Bệnh viện") alone, a street written after its house number.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Sequence
from itertools import pairwise
from typing import Literal

from nlp.ner.gazetteer import GAZETTEERS
from nlp.ner.given_names import GIVEN_NAMES
from nlp.ner.lexicon import Lexicon, Match
from streams.records import EntityType, Mention

Field = Literal["title", "content"]


def _bar(listed: str) -> frozenset[str]:
    """The lower-cased entries of a list written "a|b|c"."""
    return frozenset(w.strip().casefold() for w in listed.split("|") if w.strip())


# Short forms and compass words: parts of names, never a place or an organisation alone.
NOT_ALONE = _bar("Đông|Tây|Nam|Bắc|Việt|Trung|Hoa|Hàn|Âu|Á|Phi|Latinh|châu|miền|vùng")
# Heads of organisation names: alone, a kind of institution, not one of them.
GENERIC_HEADS = _bar(
    "Bệnh viện|Công ty|Trường|Ngân hàng|Tập đoàn|Đại học|Sở|Bộ|Phòng|Ban|Cục|Viện|"
    "Trung tâm|Câu lạc bộ|CLB|Đội tuyển|Hội|Hiệp hội|Liên đoàn|Nhà máy|Khoa|Hãng|"
    "Tổng công ty|Học viện|Ủy ban|Uỷ ban|Quỹ|Tổ chức|Văn phòng|Cơ quan|Chi nhánh|"
    "Trạm|Đồn|Báo|Đài|Liên minh|Đảng|Tòa án|Toà án|Thành phố|Tỉnh|Huyện|Quận|Xã|Phường"
)
# Heads of organisation names written before a name the tagger took for a person:
# "bệnh viện Bạch Mai", "trường Lê Quý Đôn".
_ORG_HEADS = tuple(
    sorted(
        _bar("câu lạc bộ|bệnh viện|công ty|tập đoàn|ngân hàng|nhà máy|khách sạn|trường|hãng|clb"),
        key=len,
        reverse=True,
    )
)
# A company's head in lower case and up to three lower-case words describing it, right
# before a name: "hãng môi giới | OANDA", "tập đoàn bất động sản | Vingroup". In VLSP 2016
# train's gold, the places after such words all follow a word of the sentence ("công ty
# này bán tại | VN") or are listed ("hãng của | Mỹ").
_DESCRIBED_COMPANY = re.compile(r"(?<!\w)(?:hãng|công ty|tập đoàn|ngân hàng)((?:\s+\w+){0,3})\s+$")
# Heads of organisation names that take in the place they serve: "UBND tỉnh Bình Phước",
# "Công ty Thương mại Bình Phước", "Sở Y tế Hà Nội" are one organisation each. Counted
# on VLSP 2016 train's gold: 311 organisations end in a place name, 13 are an
# organisation and then a place side by side (mostly "Bộ ..." and military units + a
# country: "Bộ Giáo dục | Lào"), so "Bộ" and unit words are not among them.
_PLACE_TAKING_HEADS = tuple(
    sorted(
        _bar(
            "ubnd|hđnd|tand|vksnd|ủy ban nhân dân|uỷ ban nhân dân|hội đồng nhân dân|"
            "tòa án nhân dân|toà án nhân dân|viện kiểm sát nhân dân|công an|công ty|"
            "tổng công ty|tập đoàn|trường|đại học|đh|học viện|sở|trung tâm|hội|hiệp hội|"
            "viện|chi cục|cục|chi nhánh|phòng|ban|báo|đài|bệnh viện|ngân hàng|hãng|"
            "nhà máy|khách sạn|câu lạc bộ|clb|liên đoàn|văn phòng|ban quản lý|bql"
        ),
        key=len,
        reverse=True,
    )
)
# Administrative words before a place's name, as a regex alternation (any case).
_ADMIN_WORDS = r"(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã|thị trấn|xã|phường)"
# Between such an organisation and its place, at most an administrative word.
_ADMIN_BETWEEN = re.compile(rf"\s+(?:{_ADMIN_WORDS}\s+)?", re.IGNORECASE)
# A place that opens with its administrative word: "TP. HCM", "tỉnh Quảng Ninh".
_ADMIN_START = re.compile(rf"{_ADMIN_WORDS}\s", re.IGNORECASE)
# Titles and roles before a name, in any case, beyond the gazetteer's.
EXTRA_TITLES = _bar(
    "ceo|cfo|cto|nhà sáng lập|đồng sáng lập|tỷ phú|tỉ phú|doanh nhân|ông chủ|chủ tịch|"
    "giám đốc điều hành|tổng giám đốc|hlv|hlv trưởng|trợ lý|tiền đạo|tiền vệ|hậu vệ|"
    "thủ môn|ngôi sao|siêu sao|danh thủ|tay vợt|võ sĩ|vận động viên|vđv|ca sĩ|rapper|"
    "diễn viên|người mẫu|hoa hậu|á hậu|nữ hoàng|nhà vô địch|tân binh|cựu|cựu tổng thống|"
    "tổng thống|thủ tướng|ngoại trưởng|phó tổng thống|bộ trưởng|thị trưởng|thống đốc|"
    "chủ tịch hội đồng quản trị|người sáng lập|founder|giáo sư|tiến sĩ|phóng viên|"
    "nhà nghiên cứu|chuyên gia|nghệ sĩ|nghệ nhân|ông|bà|anh|chị|cô|chú|bác|cụ|em|"
    "đạo diễn|nhạc sĩ|nhà văn|biên tập viên|người phát ngôn|phát ngôn viên|thượng nghị sĩ|"
    "hạ nghị sĩ|nghị sĩ|đại sứ|tướng|đại tướng|thái tử|vua|hoàng tử|công nương|giáo hoàng|"
    "đkvđ|đương kim vô địch|kỳ thủ|tay đua|golfer|nhà xã hội học|học giả|nhà khoa học|"
    "nhà kinh tế|nhà phân tích|kiến trúc sư|kỹ sư|nhà sử học|nhiếp ảnh gia|streamer|"
    "youtuber|tiktoker|trưởng khoa"
)
PERSON_TITLES = tuple(
    sorted({t.casefold() for t in GAZETTEERS["pertitle"]} | EXTRA_TITLES, key=len, reverse=True)
)
_TITLE_SET = frozenset(PERSON_TITLES)


def first_words(phrases: Iterable[str]) -> frozenset[str]:
    """The first word of each phrase: a cheap test before trying the phrases one by one
    (a phrase that opens a text before a space has its first word open the text too)."""
    return frozenset(p.split(" ", 1)[0] for p in phrases)


def _opening(text: str, phrases: Sequence[str], first: frozenset[str]) -> str | None:
    """The first of ``phrases`` (longest first) that opens ``text`` before a space;
    ``first`` is their ``first_words``."""
    if text.split(" ", 1)[0] not in first:
        return None
    return next((p for p in phrases if text.startswith(p + " ")), None)


# The first word of every title, and the letters and digits that end it: cheap tests
# before trying each title (every title ends with a letter or a digit).
_TITLE_FIRST_WORDS = first_words(PERSON_TITLES)
_LAST_RUN = re.compile(r"[^\W_]+$")
_TITLE_LAST_RUNS = frozenset(m.group() for t in PERSON_TITLES if (m := _LAST_RUN.search(t)))
_HOUSE_NUMBER = re.compile(
    r"(?:\bsố(?: nhà)?\s+\d+[A-Za-z]?(?:/\d+[A-Za-z]?)*|\b\d+[A-Za-z]?/\d+[A-Za-z]?)\s*$",
    re.IGNORECASE,
)
_STREET_CUE = re.compile(r"(?:^|\s)(?:đường|phố|ngõ|ngách|hẻm|đại lộ|số nhà)\s*$", re.IGNORECASE)
_NUMBER_PREFIX = re.compile(r"^(?:số\s+)?\d+[A-Za-z]?(?:[/\-]\d+[A-Za-z]?)*\s+", re.IGNORECASE)
_WORD = re.compile(r"[\w][\w.&'’\-]*")


def _words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [
        (start + m.start(), start + m.end(), m.group()) for m in _WORD.finditer(text[start:end])
    ]


def _mention(m: Mention, text: str, start: int, end: int, etype: EntityType) -> Mention:
    return Mention(field=m.field, start=start, end=end, text=text[start:end], type=etype)


def _person_like(words: Sequence[tuple[int, int, str]], lexicon: Lexicon) -> bool:
    """Capitalised words that are not a listed place or organisation."""
    if not 1 <= len(words) <= 5:
        return False
    if not all(w[:1].isupper() and not w.isupper() for _, _, w in words):
        return False
    first = lexicon.lookup(words[0][2])
    if first is not None and "PER" not in first.types:
        return False
    whole = lexicon.lookup(" ".join(w for _, _, w in words))
    return whole is None or "PER" in whole.types


def title_before(text: str, start: int) -> bool:
    """Whether a person's title or form of address stands right before ``start``."""
    before = text[max(0, start - 40) : start].casefold().rstrip()
    last = _LAST_RUN.search(before)
    if last is None or last.group() not in _TITLE_LAST_RUNS:
        return False  # most names: no title's last word stands before them
    return any(
        before.endswith(t) and (len(before) == len(t) or not before[-len(t) - 1].isalnum())
        for t in PERSON_TITLES
    )


_HEAD_WORDS = GENERIC_HEADS | _bar("báo|hãng|đài|sân|sân bay|giải|vòng|lò|ứng dụng|sàn|mạng")


def _only_heads(prefix: str) -> bool:
    """Lower-case words, numbers or generic heads only ("ngân hàng ", "Tập đoàn ", "vòng 4 ")."""
    rest = prefix.strip()
    while rest:
        for head in sorted(_HEAD_WORDS, key=len, reverse=True):
            if rest.casefold().startswith(head) and rest[len(head) : len(head) + 1] in ("", " "):
                rest = rest[len(head) :].strip()
                break
        else:
            word, _, rest = rest.partition(" ")
            if not word.isdigit():
                return False
            rest = rest.strip()
    return True


def _opens_a_title(text: str, start: int, word: str) -> bool:
    """Whether ``word`` at ``start`` is the first word of a longer title written there
    ("Đại" of "Đại tá", "Phó" of "Phó tham mưu trưởng")."""
    if " " in word or word.casefold() not in _TITLE_FIRST_WORDS:
        return False
    following = _NEXT_WORD.match(text, start + len(word))
    if word.casefold() == "phó" and following is not None and following.group(1).islower():
        return True  # "Phó | tham mưu trưởng": a deputy of any office
    tail = text[start : start + 30].casefold()
    return any(t.startswith(word.casefold() + " ") and tail.startswith(t) for t in PERSON_TITLES)


def _a_person_elsewhere(text: str, word: str) -> bool:
    """Whether ``word`` is somewhere a person's name: after a title, or the end of a
    capitalised name that does not open a sentence ("Nguyễn Minh Đức", "anh Đức")."""
    for found in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
        if title_before(text, found.start()):
            return True
        before = text[max(0, found.start() - 40) : found.start()]
        previous = re.search(r"(\S+)\s$", before)
        if previous and previous.group(1)[:1].isupper() and previous.group(1).isalpha():
            opener = before[: previous.start()].rstrip()
            if opener and opener[-1] not in '.!?:\n"“':
                return True
    return False


_FACET_TYPES: dict[str, EntityType] = {"PER": "PER", "LOC": "LOC", "ORG": "ORG"}
_COUNTRY_BEFORE = _bar("tại|ở|sang|nước|thăm|xít")
_COUNTRY_WORDS = ("nước", "quốc gia", "cường quốc")


def _said_of_a_country(text: str, start: int) -> bool:
    """A one-syllable country that is also a given name ("Đức", "Anh") is the country
    only where the sentence speaks of countries: "sang Đức", "các nước, nhất là Đức"."""
    sentence = re.split(r"[.!?\n]", text[max(0, start - 200) : start])[-1]
    if re.search(r"[A-Z][\w-]+(?: [A-Z][\w-]+)*, $", sentence):
        return True  # "ở Bath, Anh", "tại Tokyo, Nhật": a city, then its country
    sentence = sentence.casefold()
    words = sentence.split()
    return bool(words) and (
        words[-1] in _COUNTRY_BEFORE or any(w in sentence for w in _COUNTRY_WORDS)
    )


# Words after which a place, not a person, is named: "công ty của | Anh", "sang | Đức".
_PLACE_CUE_BEFORE = _bar("của|tại|ở|sang|thăm|từ")
_PREVIOUS = re.compile(r"(\S+)\s$")


def _country_by_its_cue(text: str, match: Match) -> bool:
    """A one-word listed place the tagger left untagged, that is also a word or a given
    name ("Anh", "Pháp", "Đức"), after a word that names places ("của Anh", "tại Pháp"),
    not before a capitalised word, and nowhere in the text a person's name. In VLSP 2016
    train's gold, a listed one-word country written with a diacritic ("Mỹ", "Đức") after
    these words is a place 75 times and a person 5 (named with a title elsewhere, or the
    end of a full name, which ``_a_person_elsewhere`` finds)."""
    if " " in match.text or text[match.end : match.end + 2][-1:].isupper():
        return False
    previous = _PREVIOUS.search(text, max(0, match.start - 12), match.start)
    return (
        previous is not None
        and previous.group(1).casefold() in _PLACE_CUE_BEFORE
        and not _a_person_elsewhere(text, match.text)
    )


def _storm_before(text: str, start: int) -> bool:
    return bool(
        re.search(
            r"(?:^|\s)(?:siêu bão|cơn bão|bão|áp thấp)\s*$",
            text[max(0, start - 15) : start],
            re.IGNORECASE,
        )
    )


def _capitalised_after(text: str, end: int) -> bool:
    return text[end : end + 1] == " " and text[end + 1 : end + 2].isupper()


class SpanRepair:
    """Repairs the mentions the tagger found in one text (title or content)."""

    def __init__(self, lexicon: Lexicon, words: Container[str] = frozenset()) -> None:
        """``words``: dictionary words of two syllables or more, lower case and spaced
        ("chính phủ"), so that a given name opening a word is not taken for the person."""
        self._lexicon = lexicon
        self._words = words

    def repair(self, field: Field, text: str, mentions: list[Mention]) -> list[Mention]:
        out: list[Mention] = []
        for m in mentions:
            out.extend(self._clean(text, m))
        out = self._rejoined(text, out)
        out = self._overlay(field, text, out, self._lexicon.find(text))
        out = _numbered_places(field, text, sorted(out, key=lambda m: (m.start, m.end)))
        out = _heads_before_places(text, out)
        out = _with_their_places(text, out)
        out = _words_not_names(text, out, self._words)
        out = _persons_named_again(field, text, out, self._words)
        out = _with_place_cues(text, out, self._words)
        out = _with_particles(text, _with_nicknames(text, _one_type_per_name(text, out)))
        out = self._persons_of_an_age(text, out)
        out = self._countries_of_offices(text, out)
        out = [self._retyped(text, m) for m in out]
        return _within_organisation_bounds(text, out)

    def _clean(self, text: str, m: Mention) -> list[Mention]:
        """Titles cut off a person; a listed name or acronym glued before a person split off;
        a house number cut off a street."""
        if self._run_across_a_stop(text, m):
            return self._sentences(text, m)
        pageant = _PAGEANT.search(text, max(0, m.start - 12), m.end)
        law = _LAW.match(m.text)
        if (
            _EVENT_OR_AWARD.search(m.text)
            or (pageant is not None and m.start in (pageant.start(), pageant.start(1)))
            or (law is not None and m.text[law.end() : law.end() + 1].isupper())
        ):
            # "Golden Pen Award 2019", "AFF Cup", "Hội nghị Thượng đỉnh ...": an event or
            # a prize, not a facet (VLSP 2016 train's gold tags none of the 12 it has).
            return []
        if m.type != "ORG" and _company_name(m.text):
            # "Dow Chemical", "Agfa Print Graphics": a company word ends the name.
            return [_mention(m, text, m.start, m.end, "ORG")]
        if m.type == "PER" and _opens_a_title(text, m.start, m.text):
            return []  # "Phó | tham mưu trưởng": the first word of a title, not a name
        words = _words(text, m.start, m.end)
        titled = self._titled_foreigner(text, m, words)
        if titled is not None:
            return [titled]
        split = (
            self._glued(text, m, words)
            or self._after_a_title(text, m, words)
            or self._joined(text, m)
        )
        if split:
            return split
        if m.type == "PER":
            m = self._untitled(text, m)
        words = _words(text, m.start, m.end)
        if not words:
            return []
        split = self._glued(text, m, words)
        if split:
            return split
        if _storm_before(text, m.start):
            return []  # "bão Yagi": a storm's name is not a facet
        if m.type == "PER":
            before = text[max(0, m.start - 20) : m.start]
            if _HOUSE_NUMBER.search(before) or _STREET_CUE.search(before):
                # "số 12 Lý Thái Tổ", "đường Hai Bà Trưng": a street named after a person.
                return [_mention(m, text, m.start, m.end, "LOC")]
            head = self._org_head_before(text, m.start)
            if head is not None:
                # "bệnh viện Bạch Mai": an institution named after a person or a place.
                start = head if text[head].isupper() else m.start
                return [_mention(m, text, start, m.end, "ORG")]
        if m.type == "LOC" and self._lexicon.lookup(m.text) is None:
            described = _DESCRIBED_COMPANY.search(text, max(0, m.start - 50), m.start)
            if described is not None and all(
                w[0].islower() and w not in _NOT_IN_A_NAME for w in described.group(1).split()
            ):
                # "hãng môi giới OANDA": a company, described, then its name.
                return [_mention(m, text, m.start, m.end, "ORG")]
        return [m]

    def _titled_foreigner(
        self, text: str, m: Mention, words: list[tuple[int, int, str]]
    ) -> Mention | None:
        """ "Nhà xã hội học Marianne Cooper" typed as an organisation: a title, then a
        foreign name of two to four words, is the person."""
        if m.type == "PER" or not 3 <= len(words) <= 8:
            return None
        title = _opening(m.text.casefold(), PERSON_TITLES, _TITLE_FIRST_WORDS)
        if title is None:
            return None
        rest = [w for w in words if w[0] >= m.start + len(title) + 1]
        if (
            2 <= len(rest) <= 4
            and all(w.isascii() for _, _, w in rest)
            and _person_like(rest, self._lexicon)
        ):
            return _mention(m, text, rest[0][0], rest[-1][1], "PER")
        return None

    def _untitled(self, text: str, m: Mention) -> Mention:
        start = m.start
        moved = True
        while moved:
            moved = False
            rest = text[start : m.end].casefold()
            if rest.split(" ", 1)[0] not in _TITLE_FIRST_WORDS:
                break  # a title is followed by a space: its first word opens ``rest``
            for title in PERSON_TITLES:
                after = start + len(title)
                if (
                    rest.startswith(title)
                    and after < m.end
                    and text[after] == " "
                    and text[after + 1 : after + 2].isupper()
                ):
                    start = after + 1
                    moved = True
                    break
        if start == m.start:
            return m
        rest = text[start : m.end]
        if len(rest.split()) < 2 and self._lexicon.lookup(rest) is None:
            return m  # "Bác Hồ", "Anh Đào": the title may be the name
        return _mention(m, text, start, m.end, "PER")

    def _glued(
        self, text: str, m: Mention, words: list[tuple[int, int, str]]
    ) -> list[Mention] | None:
        """ "Pháp Emmanuel Macron", "FPT Trương Gia Bình", "NTC Mustafa Abdel Jalil",
        "Tesla Elon Musk": a listed place or organisation, or an acronym, then a person."""
        if len(words) < 2:
            return None
        whole = self._lexicon.lookup(m.text)
        if whole is not None:
            return None
        for k in range(min(len(words) - 1, 6), 0, -1):
            head_text = text[words[0][0] : words[k - 1][1]]
            if not head_text[:1].isupper():
                return None
            head = self._lexicon.lookup(head_text)
            acronym = k == 1 and head_text.isalpha() and head_text.isupper() and len(head_text) >= 3
            if head is None and not acronym:
                continue
            head_type: EntityType
            if head is not None:
                if head.type not in ("LOC", "ORG"):
                    continue
                head_type = "LOC" if head.type == "LOC" else "ORG"
            else:
                head_type = "ORG"
            tail = words[k:]
            # A Vietnamese given name may start with a country ("Đức Lợi", "Anh Tuấn"):
            # a one-syllable head splits off only a foreign name or a full Vietnamese one.
            addressed = head_text.casefold() in PERSON_TITLES  # "Anh" the country or "anh"
            sure = (
                all(w.isascii() for _, _, w in tail)
                if addressed
                else (
                    k > 1
                    or acronym
                    or head_text.isascii()
                    or all(w.isascii() for _, _, w in tail)
                    or tail[0][2] in GAZETTEERS["surname"]
                )
            )
            if len(tail) >= 2 and sure and _person_like(tail, self._lexicon):
                return [
                    _mention(m, text, words[0][0], words[k - 1][1], head_type),
                    _mention(m, text, tail[0][0], tail[-1][1], "PER"),
                ]
            return None
        return None

    def _retyped(self, text: str, m: Mention) -> Mention:
        """A Vietnamese full name typed as a place or an organisation is the person
        ("Bùi Trường Giang", "Đoàn Văn Hậu"), an age-group team is an organisation ("U23
        Việt Nam"), a republic is a state ("Cộng hòa Belarus", not "đảng Cộng hòa").

        A foreign name opened by a common given name and typed as a place is the person
        ("Wesley So"; see :mod:`nlp.ner.given_names`).

        In VLSP 2016 train's gold, three capitalised words opened by a surname are a
        person 786 times, a place 12 (streets named after people, after a cue word or a
        house number, and listed places such as "Thái Bình Dương") and an organisation 1;
        four such words are a person 39 times, and nothing else."""
        words = m.text.split()
        if (
            m.type != "PER"
            and len(words) in (3, 4)
            and words[0] in _SURNAME_SET
            and all(w[:1].isupper() and w.isalpha() for w in words)
            and self._lexicon.lookup(m.text) is None
            and not _PLACE_BEFORE_A_NAME.search(text, max(0, m.start - 20), m.start)
        ):
            return _mention(m, text, m.start, m.end, "PER")
        if (
            m.type == "LOC"
            and 2 <= len(words) <= 3
            and words[0] in GIVEN_NAMES
            and all(w.isascii() and w[:1].isupper() for w in words)
            and self._lexicon.lookup(m.text) is None
            and not _PLACE_BEFORE_A_NAME.search(text, max(0, m.start - 20), m.start)
        ):
            return _mention(m, text, m.start, m.end, "PER")  # "Wesley So", "Alireza Firouzja"
        team = _AGE_GROUP_TEAM.match(m.text)
        if m.type != "ORG" and team is not None and team.group(1).isupper():
            return _mention(m, text, m.start, m.end, "ORG")
        republic = _REPUBLIC.match(m.text)
        if (
            m.type == "ORG"
            and republic is not None
            and republic.group(1).isupper()
            and not _PARTY_BEFORE.search(text, max(0, m.start - 12), m.start)
        ):
            return _mention(m, text, m.start, m.end, "LOC")  # "Cộng hòa Belarus": a state
        return m

    def _persons_of_an_age(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """A name followed by an age ("Wu He Shan, 59 tuổi", "Giàng Seo Hòa (33 tuổi)") is
        a person: in VLSP 2016 train's gold, 86 persons and 1 place stand before one."""

        def aged(m: Mention) -> bool:
            if m.type == "PER" or not _AGE_AFTER.match(text, m.end):
                return False
            listed = self._lexicon.lookup(m.text)
            return listed is None or "PER" in listed.types

        return [_mention(m, text, m.start, m.end, "PER") if aged(m) else m for m in mentions]

    def _rejoined(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """A listed name the tagger cut before its last word, which it gave to the person
        after it: "Nhật | Bản Yamada Takio" is "Nhật Bản | Yamada Takio"."""
        out = list(mentions)
        for i in range(len(out) - 1):
            a, b = out[i], out[i + 1]
            if b.type != "PER" or b.start != a.end + 1 or text[a.end] != " ":
                continue
            first = _WORD.match(text, b.start)
            if first is None or first.end() >= b.end:
                continue
            listed = self._lexicon.lookup(text[a.start : first.end()])
            if listed is None or listed.type not in ("LOC", "ORG"):
                continue
            out[i] = _mention(
                a, text, a.start, first.end(), "LOC" if listed.type == "LOC" else "ORG"
            )
            gap = text[first.end() : b.end]
            out[i + 1] = _mention(b, text, b.end - len(gap.lstrip()), b.end, "PER")
        return out

    def _countries_of_offices(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """The country between a state's office and its holder is a place, even one the
        tagger cannot tell from a word: "Thủ tướng | Anh | Boris Johnson" ("anh": brother)."""
        added: list[Mention] = []
        for m in mentions:
            if m.type != "PER":
                continue
            before = _COUNTRY_OF_OFFICE.search(text, max(0, m.start - 60), m.start)
            if before is None:
                continue
            listed = self._lexicon.lookup(before.group(1))
            start, end = before.start(1), before.end(1)
            if (
                before.group(1)[:1].isupper()
                and listed is not None
                and listed.type == "LOC"
                and not any(o.start < end and start < o.end for o in mentions)
            ):
                added.append(_mention(m, text, start, end, "LOC"))
        return sorted([*mentions, *added], key=lambda m: (m.start, m.end)) if added else mentions

    def _after_a_title(
        self, text: str, m: Mention, words: list[tuple[int, int, str]]
    ) -> list[Mention] | None:
        """ "Bộ trưởng | Quốc phòng Trung Quốc Ngụy Phượng Hòa", "Giám đốc | Tình báo Mỹ
        Avril Haines", "Thống đốc | tỉnh Kharkov Oleh Sinegubov": after a title, the rest
        of the office, a listed place and the person run together. The place and the
        person are split off; the words before the place belong to the title."""
        if len(words) < 3 or not title_before(text, m.start):
            return None
        if m.type == "ORG" and not words[-3][2].isascii():
            tail = words[-2:]
            office = text[m.start : words[-3][1]]
            if (
                all(w.isascii() for _, _, w in tail)
                and _person_like(tail, self._lexicon)
                and not _only_heads(office)  # "hiệu trưởng | Trường Marie Curie"
            ):
                # "Chủ tịch | Ủy ban Đối ngoại Thượng viện Bob Menendez": a foreign name
                # after the office's Vietnamese words.
                person = _mention(m, text, tail[0][0], tail[-1][1], "PER")
                country = self._portfolio_place(text, m, words[:-2])
                if country is not None:
                    return [country, person]  # "Giám đốc | Tình báo | Mỹ | Avril Haines"
                return [_mention(m, text, m.start, words[-3][1], "ORG"), person]
        if _STARTS_WITH_HEAD.match(m.text):
            return None  # "Chủ tịch | Tập đoàn Mỹ Lan": the place is the company's name
        if words[0][2] in _SURNAME_SET and words[1][2][:1].isupper():
            return None  # "chị | Nguyễn Thị Mỹ Linh": a full name, not an office
        for s in range(1, min(len(words), 5)):
            for k in range(min(len(words), s + 4), s, -1):
                place = self._lexicon.lookup(text[words[s][0] : words[k - 1][1]])
                if place is None or place.type != "LOC":
                    continue
                tail = words[k:]
                if not tail:
                    # "Bộ trưởng | Tài chính Mỹ": a portfolio and the country, no ministry named
                    portfolio = text[m.start : words[s - 1][1]].casefold()
                    if portfolio not in _PORTFOLIOS:
                        return None
                    return [_mention(m, text, words[s][0], words[k - 1][1], "LOC")]
                if _person_like(tail, self._lexicon) and (len(tail) >= 2 or tail[0][2].isascii()):
                    return [
                        _mention(m, text, words[s][0], words[k - 1][1], "LOC"),
                        _mention(m, text, tail[0][0], tail[-1][1], "PER"),
                    ]
                return None
        return None

    def _portfolio_place(
        self, text: str, m: Mention, office: list[tuple[int, int, str]]
    ) -> Mention | None:
        """The listed place that ends an office made of a portfolio and the place alone
        ("Tình báo Mỹ", "Tài chính Mỹ"), as a place: no ministry is named."""
        for s in range(1, len(office)):
            place = self._lexicon.lookup(text[office[s][0] : office[-1][1]])
            portfolio = text[office[0][0] : office[s - 1][1]].casefold()
            if place is not None and place.type == "LOC" and portfolio in _PORTFOLIOS:
                return _mention(m, text, office[s][0], office[-1][1], "LOC")
        return None

    def _sentences(self, text: str, m: Mention) -> list[Mention]:
        """A span run across a full stop ("MB. Đại tá ...") is cut there; a piece that
        only opens a title ("Đại" of "Đại tá") is dropped."""
        out: list[Mention] = []
        start = m.start
        for piece in re.split(r"(?<=[^\s.]{2}\.) ", m.text):
            end = start + len(piece)
            stripped = piece.rstrip(".")
            if stripped and not _opens_a_title(text, start, stripped):
                out.append(_mention(m, text, start, start + len(stripped), m.type))
            start = end + 1
        return out

    def _run_across_a_stop(self, text: str, m: Mention) -> bool:
        """ "MB. Đại tá": a listed name ends a sentence inside the span ("TP. HCM" is not)."""
        at = m.text.find(". ")
        return at > 0 and self._lexicon.lookup(m.text[:at]) is not None

    def _joined(self, text: str, m: Mention) -> list[Mention] | None:
        """ "NATO thăm Tripoli": listed names the tagger ran together over lower-case words
        (a verb, "và") split apart."""
        if self._lexicon.lookup(m.text) is not None:
            return None
        found = [
            x for x in self._lexicon.find(m.text) if _FACET_TYPES.get(x.form.type or "") is not None
        ]
        if len(found) < 2 or found[0].start != 0 or found[-1].end != len(m.text):
            return None
        gaps = [m.text[a.end : b.start].split() for a, b in pairwise(found)]
        if not all(gap and all(w.islower() for w in gap) for gap in gaps):
            return None
        return [
            _mention(m, text, m.start + x.start, m.start + x.end, _FACET_TYPES[x.form.type or ""])
            for x in found
        ]

    @staticmethod
    def _org_head_before(text: str, start: int) -> int | None:
        before = text[max(0, start - 30) : start]
        lowered = before.casefold()
        stripped = lowered.rstrip()
        if len(stripped) == len(lowered) or len(lowered) - len(stripped) > 1:
            return None
        for head in _ORG_HEADS:
            if stripped.endswith(head):
                at = len(stripped) - len(head)
                if at == 0 or not stripped[at - 1].isalnum():
                    return start - len(before) + at
        return None

    def _overlay(
        self, field: Field, text: str, mentions: list[Mention], matches: list[Match]
    ) -> list[Mention]:
        """Listed names take over the spans they cover."""
        ordered = sorted(mentions, key=lambda m: (m.start, m.end))
        starts = [m.start for m in ordered]
        removed: set[int] = set()
        added: list[Mention] = []
        for match in matches:
            # Tagged spans do not overlap: those touching the match are a run of them.
            i = max(0, bisect_left(starts, match.start) - 1)
            inside: list[int] = []
            while i < len(ordered) and ordered[i].start < match.end:
                if ordered[i].end > match.start:
                    inside.append(i)
                i += 1
            spans = [ordered[j] for j in inside]
            if (
                len(spans) == 1
                and spans[0].end == match.end
                and spans[0].start < match.start
                and match.form.type == "ORG"
                and _only_heads(text[spans[0].start : match.start])
            ):
                # "hãng Bamboo Airways", "vòng 4 V.League": the span stays (the tagger's
                # training data keeps "Công ty" in it); its type is the listed name's.
                if spans[0].type != "ORG":
                    ordered[inside[0]] = _mention(
                        spans[0], text, spans[0].start, spans[0].end, "ORG"
                    )
                continue
            if any(m.start < match.start or m.end > match.end for m in spans):
                # A longer name holds it ("Đại học Quốc gia Hà Nội" holds "Hà Nội"), or
                # spans cross it: the tagger's reading is kept.
                continue
            types = match.form.types
            if types == {"MISC"}:
                removed.update(inside)
                # "Olympic Toán học": a mention opened by a non-facet name goes with it
                removed.update(
                    j for j, m in enumerate(ordered) if m.start == match.start and m.end > match.end
                )
                continue
            etype = _FACET_TYPES.get(match.form.type or "")
            if etype is None:
                continue  # ambiguous ("Liverpool" the city or the club): decided per document
            if not spans:
                if (match.addable and self._standalone(text, match)) or (
                    etype == "LOC" and _country_by_its_cue(text, match)
                ):
                    added.append(Mention(field, match.start, match.end, match.text, etype))
                continue
            exact = spans[0] if len(spans) == 1 else None
            if (
                exact is not None
                and (exact.start, exact.end) == (match.start, match.end)
                and exact.type == "PER"
                and etype == "LOC"
                and (
                    title_before(text, match.start)
                    or _capitalised_after(text, match.end)
                    or _a_person_elsewhere(text, match.text)
                    or (
                        " " not in match.text
                        and not match.text.isascii()
                        and not _said_of_a_country(text, match.start)
                    )
                )
            ):
                continue  # "ông Đức", "anh Hoàng Mai": a person after all
            removed.update(inside)
            added.append(Mention(field, match.start, match.end, match.text, etype))
        return [m for j, m in enumerate(ordered) if j not in removed] + added

    @staticmethod
    def _standalone(text: str, match: Match) -> bool:
        """A one-word name is added only if no capitalised word touches it ("Nikola Tesla")."""
        if " " in match.text:
            return True
        before = text[max(0, match.start - 30) : match.start].rstrip().split(" ")[-1:]
        after = text[match.end : match.end + 30].lstrip().split(" ")[:1]
        touching = [
            w
            for w, gap in (
                (before[0] if before else "", text[match.start - 1 : match.start]),
                (after[0] if after else "", text[match.end : match.end + 1]),
            )
            if gap == " "
        ]
        return not any(w[:1].isupper() for w in touching)


# Capitalised heads of organisation names, longest first ("Bệnh viện ...", "Công an ...").
_ORG_START = tuple(
    sorted((h for h in GAZETTEERS["orghead"] if h[:1].isupper()), key=len, reverse=True)
)
_ORG_START_FIRST_WORDS = first_words(_ORG_START)
# The same heads as a regex alternation.
_CAPITALISED_HEADS = "|".join(map(re.escape, _ORG_START))
# A head, up to six words, then the place: "Bộ chỉ huy quân sự | Nghệ An",
# "Cơ quan phòng chống thiên tai | Quảng Bình", "Công an | TP. HCM".
_HEAD_THEN_PLACE = re.compile(rf"(?<![\w.])({_CAPITALISED_HEADS})((?:\s+[\w&][\w&]*){{0,6}})\s+$")
_HYPHEN = re.compile(r"\s+[-–]\s+")
_STARTS_WITH_HEAD = re.compile(rf"(?:{_CAPITALISED_HEADS})\s")
# Lower-case words that make a head something else: "Trường hợp", "Bộ trưởng", "Hội nghị".
_NOT_AFTER_HEAD = _bar("trưởng|phó|hợp|nghị|chí|học|viên|lần|đồng")
# Words of a sentence, not of a name: the place after them is not the organisation's.
_NOT_IN_A_NAME = _bar(
    "này|đó|kia|tại|ở|của|và|với|cho|chúng|tôi|ta|mình|họ|đã|đang|sẽ|là|được|bị|có|không|"
    "đi|về|đến|tới|sang|từ|vào|ra|lên|xuống|thì|mà|nhưng|cũng|vẫn|còn|đều|các|những|mọi"
)
# Verbs of news reports: between a head and a place they end the name ("Cơ quan | đề
# nghị | Hà Nội").
_VERBS = _bar(
    "đề nghị|yêu cầu|cho biết|thông báo|phối hợp|kiểm tra|chỉ đạo|báo cáo|hỗ trợ|"
    "tiếp nhận|tái hiện|công bố|khẳng định|quyết định|triển khai|phát hiện|xử lý|"
    "xử phạt|ký kết|làm việc|đánh giá|giao cho|kiến nghị|gửi văn|đón tiếp|tiếp đón"
)
# A country's government or parliament: VLSP 2016 tags the country alone ("Chính phủ | Mỹ").
_NOT_TAKING_A_PLACE = _bar("Chính phủ|Quốc hội|Quân đội|Hải quân|Không quân|Lục quân")


# Roads and urban districts named by a number: "quốc lộ 51", "quận 8", "phường 10".
_NUMBERED_PLACE = re.compile(
    r"(?<![\w.])(?:quốc lộ|tỉnh lộ|đường số|quận|phường|QL)\s?\d+[A-Z]?(?![\w.,]\d)"
)


def _numbered_places(field: Field, text: str, mentions: list[Mention]) -> list[Mention]:
    """A road or district named by its number is a place: in VLSP 2016 train's gold,
    "quốc lộ", "tỉnh lộ", "đường số" and a number open a place 29 times of 33, "quận" and
    "phường" and a number 43 of 48 (the others inside an organisation: "Công an quận 1",
    which the head rule below rebuilds). ``mentions`` are in text order."""
    starts = [m.start for m in mentions]
    added: list[Mention] = []
    for found in _NUMBERED_PLACE.finditer(text):
        i = bisect_left(starts, found.end()) - 1
        if i >= 0 and mentions[i].end > found.start():
            continue  # inside, or overlapping, a tagged span: the tagger's reading stays
        added.append(Mention(field, found.start(), found.end(), found.group(), "LOC"))
    if not added:
        return mentions
    return sorted([*mentions, *added], key=lambda m: (m.start, m.end))


def _heads_before_places(text: str, mentions: list[Mention]) -> list[Mention]:
    """An organisation the tagger left untagged, or stopped short, before the place that
    ends its name becomes one with it.

    In VLSP 2016 train's gold, a capitalised organisation head followed by at most six
    lower-case words and a capitalised name is one organisation 540 times, the name a
    separate place 15 times. Words of a sentence between them ("đã", "tại", "chúng
    tôi"), a head that is part of another word ("Trường hợp", "Bộ trưởng") and a
    country's government ("Chính phủ Mỹ") keep them apart. A tagged organisation opened
    by a head takes the place after a hyphen ("Hội Hữu nghị Việt | - | Nhật"); not
    after lower-case words, which are as often a verb ("Ủy ban nhân dân thành phố Huế
    | tái hiện lễ tế | Nam Giao"). ``mentions`` are in text order."""
    out: list[Mention] = []
    for m in mentions:
        if m.type != "LOC":
            out.append(m)
            continue
        last = out[-1] if out else None
        if (
            last is not None
            and last.type == "ORG"
            and _STARTS_WITH_HEAD.match(last.text)
            and m.text[:1].isupper()
            and _HYPHEN.fullmatch(text, last.end, m.start)
        ):
            # "Hội Hữu nghị Việt | - | Nhật": as join_hyphenated does on the tags
            out[-1] = _mention(last, text, last.start, m.end, "ORG")
            continue
        floor = last.end if last is not None else 0
        window_start = max(floor, m.start - 80)
        found = _HEAD_THEN_PLACE.search(text, window_start, m.start)
        if found is None or "\n" in found.group(0):
            out.append(m)
            continue
        middle = found.group(2).casefold().split()
        if (
            (middle and middle[0] in _NOT_AFTER_HEAD)
            or any(w in _NOT_IN_A_NAME for w in middle)
            or any(f"{a} {b}" in _VERBS for a, b in pairwise(middle))
            or found.group(1).casefold() in _NOT_TAKING_A_PLACE
            or not (m.text[:1].isupper() or _ADMIN_START.match(m.text))
        ):
            out.append(m)
            continue
        out.append(_mention(m, text, found.start(), m.end, "ORG"))
    return out


# Lower-case words that VLSP 2016 writes inside the place they introduce ("xã Nhị
# Xuân", "chợ Bến Thành", "sân bay Tân Sơn Nhất"): in train's gold each opens the
# place at least 5 times and 85% of the times it stands before one (xã 143 of 143,
# huyện 121/122, đường 69/77, cầu 35/36, ...; "biển", "cửa", "mũi" and "số" fall short).
_PLACE_CUE_WORDS = tuple(
    sorted(
        _bar(
            "xã|huyện|miền|đường|tỉnh|chợ|sông|cầu|làng|đảo|phường|ấp|phố|xóm|thị xã|"
            "thị trấn|bản|núi|eo biển|thành phố|quận|đèo|khách sạn|sân bay|bến phà|hòn|"
            "cù lao|hồ|cảng|mỏ than|đại lộ|siêu thị|xứ|cồn|thủ đô"
        ),
        key=len,
        reverse=True,
    )
)


def _with_place_cues(
    text: str, mentions: list[Mention], words: Container[str] = frozenset()
) -> list[Mention]:
    """A place takes in the lower-case word that introduces it ("xã | Tân Lập").

    The tagger often stops after the cue word, and the rules above cut a street off
    its cue ("đường | Lê Lợi"); VLSP 2016 keeps the cue in the span. The facet drops
    it again (``facet_form``). A cue word that ends a word of the dictionary is that
    word's ("yêu cầu | Hà Nội" is not the bridge "cầu Hà Nội"). ``mentions`` are in text
    order."""
    out: list[Mention] = []
    for m in mentions:
        floor = out[-1].end if out else 0
        cue = _cue_before(text, max(floor, m.start - 16), m.start)
        if cue is not None:
            previous = _PREVIOUS_WORD.search(text, max(0, cue - 12), cue)
            if previous is not None:
                opened = text[cue : m.start].split(maxsplit=1)[0]
                if f"{previous.group(1).casefold()} {opened}" in words:
                    cue = None
        if m.type == "LOC" and m.text[:1].isupper() and cue is not None:
            out.append(_mention(m, text, cue, m.end, "LOC"))
        else:
            out.append(m)
    return out


_PREVIOUS_WORD = re.compile(r"(\w+) $")


def _cue_before(text: str, floor: int, start: int) -> int | None:
    """Where a place cue word written right before ``start`` begins, if one does."""
    before = text[floor:start]
    for cue in _PLACE_CUE_WORDS:
        if before.endswith(cue + " "):
            at = start - len(cue) - 1
            return at if at == 0 or not text[at - 1].isalnum() else None
    return None


def _takes_a_place(name: str) -> bool:
    lowered = name.casefold()
    return (
        any(
            lowered.startswith(head) and lowered[len(head) : len(head) + 1] in (" ", "")
            for head in _PLACE_TAKING_HEADS
        )
        and " " in lowered.strip()
    )


def _with_their_places(text: str, mentions: list[Mention]) -> list[Mention]:
    """An organisation whose name runs on into a place the tagger cut off and typed
    LOC ("Công ty Thương mại | Bình Phước", "UBND | tỉnh | Quảng Nam") takes it back:
    one organisation. ``mentions`` are in text order."""
    out: list[Mention] = []
    for m in mentions:
        last = out[-1] if out else None
        if (
            last is not None
            and last.type == "ORG"
            and m.field == last.field
            and _ADMIN_BETWEEN.fullmatch(text, last.end, m.start)
            and (
                (m.type == "LOC" and (_takes_a_place(last.text) or _acronym_head(last.text)))
                or (m.type == "PER" and _acronym_head(last.text) and _ADMIN_START.match(m.text))
            )
        ):
            out[-1] = _mention(last, text, last.start, m.end, "ORG")
            continue
        out.append(m)
    return out


def _one_type_per_name(text: str, mentions: list[Mention]) -> list[Mention]:
    """The same name typed two ways in one text takes the type most of its mentions
    have ("Đức" LOC nine times and PER once); a tie is left as it is. In VLSP 2016
    train's gold, 25 of 11,955 mentions differ from their name's majority type in
    their document, so the vote costs little where the tagger was right."""
    votes: dict[str, Counter[EntityType]] = defaultdict(Counter)
    for m in mentions:
        votes[m.text][m.type] += 1
    winners: dict[str, EntityType] = {}
    for name, counts in votes.items():
        if len(counts) > 1:
            (first, n1), (_, n2) = counts.most_common(2)
            if n1 > n2:
                winners[name] = first
    if not winners:
        return mentions
    return [
        _mention(m, text, m.start, m.end, winners[m.text])
        if m.text in winners
        and m.type != winners[m.text]
        and not (winners[m.text] == "PER" and _place_word_before(text, m.start))
        else m
        for m in mentions
    ]


def _place_word_before(text: str, start: int) -> bool:
    """Whether the word before ``start`` makes a name a place: "chống Mỹ", "người Mỹ"."""
    previous = text[max(0, start - 20) : start].split()
    return bool(previous) and previous[-1].casefold() in _PLACE_BEFORE


_SURNAME_SET = frozenset(GAZETTEERS["surname"])
# Capitalised at the head of a sentence, these are the word, not the person of that
# name ("Hai vợ chồng", "Anh mặc áo"): VLSP 2016 train's gold leaves them untagged.
_NOT_GIVEN_NAMES = frozenset(PERSON_TITLES) | _bar(
    "một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|trăm|nghìn|ngàn"
)
# Given names too, but alone mostly a direction: "Bắc - Nam", "Tây Nguyên".
_COMPASS = _bar("đông|tây|nam|bắc")
_NEVER_NAMED_AGAIN = _NOT_GIVEN_NAMES | _COMPASS
# Before a name, words that make it a country or a place ("người Mỹ", "chống Mỹ").
_PLACE_BEFORE = _bar(
    "người|nước|chống|tại|ở|sang|thăm|đi|vào|về|từ|đến|tới|miền|vùng|phía|tỉnh|huyện|"
    "xã|đường|phố|quận|làng|thôn|bản|của|và|với|hàng|tiếng|đảo|sông|núi"
)


def _words_not_names(text: str, mentions: list[Mention], words: Container[str]) -> list[Mention]:
    """A one-word "person" that mostly opens a dictionary word is that word, capitalised
    in a name of something else: "Công" of "Bộ Công thương", "An" of "Luật An toàn thực
    phẩm". Kept when a full name ends with it ("Lê Văn Thành" makes "Thành công tác"
    the man)."""
    single = {m.text for m in mentions if m.type == "PER" and " " not in m.text}
    if not single or not words:
        return mentions
    surnamed = {m.text.split()[-1] for m in mentions if m.type == "PER" and " " in m.text}
    dropped: set[str] = set()
    for name in single - surnamed:
        found = list(re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text))
        opened = [_word_opened(text, hit.end(), name) for hit in found]
        opening = sum(1 for word in opened if word and word in words)
        if found and 2 * opening >= len(found):
            dropped.add(name)
    return [m for m in mentions if not (m.type == "PER" and m.text in dropped)]


def _persons_named_again(
    field: Field, text: str, mentions: list[Mention], words: Container[str]
) -> list[Mention]:
    """A person's given name written alone elsewhere in the text is that person.

    "Trần Quốc Mỹ" then "Mỹ cười", a woman called Thư named ten times and missed
    at the head of a sentence: the tagger leaves such words untagged or, when they
    are also a country, types them LOC. In VLSP 2016 train's gold, the last word of a
    person's full name written alone in the same document is a person 1,740 times, a
    place 7 ("chống Mỹ") and untagged 46 (mostly "Anh", "Hai" opening a sentence);
    a one-word name tagged a person twice is the person at 4,809 of its other
    occurrences, untagged 16. Words after a place cue, titles and numbers are left.
    """
    counts: Counter[str] = Counter()
    names: set[str] = set()
    for m in mentions:
        if m.type != "PER":
            continue
        parts = m.text.split()
        if len(parts) == 1:
            counts[m.text] += 1
        elif (
            parts[0] in _SURNAME_SET
            and len(parts) <= 4
            and all(w[:1].isupper() and w.isalpha() for w in parts)
        ):
            names.add(parts[-1])
    names.update(n for n, c in counts.items() if c >= 2)
    names = {
        n
        for n in names
        if n.isalpha() and n[:1].isupper() and n.casefold() not in _NEVER_NAMED_AGAIN
    }
    if not names:
        return mentions
    ordered = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    retyped: dict[int, Mention] = {}
    added: list[Mention] = []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(names))) + r")(?!\w)")
    for found in pattern.finditer(text):
        start, end = found.span()
        i = bisect_left(starts, end) - 1
        covering = ordered[i] if i >= 0 and ordered[i].end > start else None
        if covering is not None and (
            (covering.start, covering.end) != (start, end) or covering.type != "LOC"
        ):
            continue  # a person already, or part of a longer name
        if not _alone_in_its_run(text, start, end):
            continue
        opened = _word_opened(text, end, found.group())
        if opened and (opened in words or opened in _NOT_GIVEN_NAMES):
            # "Chính phủ", "Mỹ thuật", "Hậu vệ": a word or a title, not Phạm Minh Chính,
            # Lê Thị Mỹ or Đoàn Văn Hậu
            continue
        if _place_word_before(text, start):
            continue
        if covering is not None:
            if _said_of_a_country(text, start):
                continue  # "các nước, nhất là Đức": the country, even with an Đức in the text
            retyped[i] = _mention(covering, text, start, end, "PER")
        else:
            added.append(Mention(field, start, end, found.group(), "PER"))
    if not retyped and not added:
        return mentions
    kept = [retyped.get(j, m) for j, m in enumerate(ordered)]
    return sorted(kept + added, key=lambda m: (m.start, m.end))


_NEXT_WORD = re.compile(r" ([^\W\d_]+)")


def _word_opened(text: str, end: int, name: str) -> str:
    """ "chính phủ" for "Chính" at ``end`` before " phủ": the name and the lower-case word
    after it, as a dictionary would list them; "" when no such word follows."""
    following = _NEXT_WORD.match(text, end)
    if following is None or not following.group(1).islower():
        return ""  # a capitalised word ("Thành Đô") goes on the name, not a word
    return f"{name.casefold()} {following.group(1)}"


def _alone_in_its_run(text: str, start: int, end: int) -> bool:
    """No capitalised word touches the word at ``start:end``, except a sentence head before it."""
    after = text[end : end + 2]
    if after[:1] == " " and after[1:2].isupper():
        return False
    before = text[max(0, start - 40) : start]
    previous = re.search(r"(\S+) $", before)
    if previous is None or not previous.group(1)[:1].isupper():
        return True
    opener = before[: previous.start()].rstrip()
    if opener and opener[-1] not in '.!?:\n"“':
        return False  # "Hồ Chí Minh": inside a longer capitalised name
    # At the head of a sentence, only a title may stand before it: "Chị Thư nói".
    return previous.group(1).casefold() in _NOT_GIVEN_NAMES


# A lower-case nickname in quotes after a person's name: 'Tâm "sẹo"'.
_NICKNAME = re.compile(
    r"\s*[\"“]\s*([^\W\d_A-ZĐ\u00c0-\u00dd][^\W\d_]*(?:\s+[^\W\d_]+){0,2})\s*[\"”“]"
)


_CLOSING_QUOTE = re.compile(r"\s*[\"”“]")
# Words before a name that make it a place: a cue, a preposition of place, a number.
_PLACE_BEFORE_A_NAME = re.compile(
    r"(?:^|\s)(?:đường|phố|quận|huyện|xã|phường|tỉnh|trường|cầu|chợ|số|thị trấn|thành phố|"
    r"tp\.?|ấp|thôn|làng|sông|núi|lộ|khu|vùng|bờ|ở|tại|\d+\w*)\s*$",
    re.IGNORECASE,
)
# Portfolios of a minister or a director, written after the title and before the country:
# "Bộ trưởng Tài chính Mỹ", "Giám đốc Tình báo Quốc gia Mỹ".
_PORTFOLIOS = _bar(
    "Ngoại giao|Quốc phòng|Tài chính|Thương mại|Tư pháp|Nội vụ|Y tế|Giáo dục|Năng lượng|"
    "Tình báo|Tình báo Quốc gia|Kinh tế|An ninh|An ninh Nội địa|Lao động|Nông nghiệp|"
    "Giao thông|Giao thông Vận tải|Xây dựng|Văn hóa|Văn hoá|Du lịch|Khoa học|Công nghệ|"
    "Môi trường|Ngân khố|Di trú|Công nghiệp|Dầu mỏ|Thông tin|Truyền thông|Thể thao|Nội các"
)
# A state's office, a country of one or two words, and the holder's name after it (the
# country is checked against the lexicon, which also keeps out lower-case words).
_COUNTRY_OF_OFFICE = re.compile(
    r"(?<!\w)(?:[Tt]hủ tướng|[Tt]ổng thống|[Pp]hó tổng thống|[Nn]goại trưởng|[Nn]ữ hoàng|"
    r"[Qq]uốc vương|[Hh]oàng gia|[Đđ]ại sứ)\s+([^\W\d_]+(?:\s[^\W\d_]+)?)\s+$"
)
# An age-group team and a republic, each before a capitalised name (checked in code:
# a character class cannot tell "Ấn" from "ấn").
_AGE_GROUP_TEAM = re.compile(r"U\d{2}\s+(\w)")
_REPUBLIC = re.compile(r"Cộng h(?:òa|oà)\s+(\w)")
_PARTY_BEFORE = re.compile(r"(?:đảng|phe|nghị sĩ)\s*$", re.IGNORECASE)
_AGE_AFTER = re.compile(r"\s*,?\s*\(?\s*\d{1,3}\s+tuổi\b")


def _with_nicknames(text: str, mentions: list[Mention]) -> list[Mention]:
    """A person's nickname in quotes is part of the name when the text uses it again.

    VLSP 2016 train's gold takes the quoted nickname into the person ("Hùng \" điện \"")
    39 times where the pair recurs in the document and leaves it out 8 times; where it
    occurs once it is mostly a quoted word of the sentence ("Liễu \" hạ nhiệt \""):
    3 in, 18 out. So it is taken in only when the same name and nickname recur."""
    found: list[tuple[int, Mention, int, str]] = []
    out = list(mentions)
    for j, m in enumerate(mentions):
        if m.type != "PER":
            continue
        closing = _CLOSING_QUOTE.match(text, m.end)
        if closing is not None and m.text.count('"') + m.text.count("“") == 1:
            # 'N. “ béo' (the tagger took the nickname in, not its closing quote)
            out[j] = _mention(m, text, m.start, closing.end(), "PER")
            continue
        quoted = _NICKNAME.match(text, m.end)
        if quoted is not None:
            found.append((j, m, quoted.end(), " ".join(quoted.group(1).split()).casefold()))
    if not found:
        return out
    pairs = Counter((m.text.split()[-1], nick) for _, m, _, nick in found)
    for j, m, end, nick in found:
        if pairs[(m.text.split()[-1], nick)] >= 2:
            out[j] = _mention(m, text, m.start, end, "PER")
    return out


# Lower-case words that open an organisation in VLSP 2016 train's gold: of its 933
# organisations 85 open lower case, 60 of them with a newspaper ("báo Tuổi Trẻ", "tờ
# Matichon") or a military unit ("sư đoàn 23"); no other opener comes up more than 4
# times. The tagger's other lower-case openings ("văn phòng đại diện Hà Nội", "thanh
# niên Tân Lộc") were right 2 times in 26 out of fold.
_LOWER_CASE_OPENERS = (
    "báo ", "tờ ", "tạp chí ", "sư đoàn ", "trung đoàn ", "tiểu đoàn ", "lữ đoàn ", "sư ",
)  # fmt: skip
# A date the tagger ran into a name: "Tuổi Trẻ | sáng 16-11" (in train's gold a date
# ends 4 names, all parks: "công viên 30-4").
_DATE_AT_END = re.compile(
    r"(?:\s+(?:sáng|trưa|chiều|tối|đêm|ngày|hôm))*\s+\d{1,2}[-/]\d{1,2}(?:[-/]\d{2,4})?$"
)
_ACRONYM = re.compile(r"[A-ZĐ][A-ZĐ0-9.&]+")
# Lower-case words that do end an organisation's name ("Uỷ ban Phòng chống AIDS quốc gia").
_LOWER_CASE_ENDINGS = frozenset({"quốc gia", "quốc tế", "trung ương", "toàn quốc"})
# What an organisation does in a report: after a capitalised word of its name, the
# sentence has begun ("Bộ Công an | bắt ...", "VKS | đề nghị HĐXX ..."). None of them is
# inside any of the 1,046 organisations of VLSP 2016 train's and dev's gold ("tạm giam",
# of "Trại tạm giam", is, and is not listed).
_REPORT_VERBS = _VERBS | _bar(
    "bắt|bắt giữ|khởi tố|tuyên phạt|ca ngợi|cho rằng|tuyên bố|cáo buộc|truy nã|cảnh báo|"
    "kêu gọi|lên án|chúc mừng|phạt|nói"
)


def _lower_case_lead(name: str) -> str:
    """The lower-case words and numbers that open ``name`` (the space after them left)."""
    end = 0
    for word in re.finditer(r"\S+", name):
        if not (word.group()[0].islower() or word.group().isdigit()):
            break
        end = word.end()
    return name[:end]


def _within_organisation_bounds(text: str, mentions: list[Mention]) -> list[Mention]:
    """Organisations kept to where VLSP 2016 writes them (see :func:`_bounded`)."""
    return [b for b in (_bounded(text, m) for m in mentions) if b is not None]


def _bounded(text: str, mention: Mention) -> Mention | None:
    """An organisation opened by a lower-case word other than a newspaper's, a military
    unit's or a generic head's is dropped; a date is cut off a person or an organisation
    ("Tuổi Trẻ sáng 16-11"); lower-case words after an acronym that ends the name are the
    sentence's ("Hãng AP | thắng gấp"): in train's gold a lower-case word follows an
    acronym inside 63 organisations and never ends one."""
    m = mention
    if m.type == "ORG" and m.text[:1].islower() and not m.text.startswith(_LOWER_CASE_OPENERS):
        lead = _lower_case_lead(m.text)
        if not lead or not _only_heads(lead):
            return None  # "văn phòng đại diện Hà Nội"; not "sàn Nasdaq", "lò La Masia"
    if m.type != "LOC":
        date = _DATE_AT_END.search(m.text)
        if date is not None and date.start() > 0:
            m = _mention(m, text, m.start, m.start + date.start(), m.type)
    if m.type == "ORG":
        m = _before_a_report_verb(text, m)
        words = list(re.finditer(r"\S+", m.text))
        k = len(words)
        while k > 0 and words[k - 1].group()[:1].islower():
            k -= 1
        if (
            0 < k < len(words)
            and " ".join(w.group() for w in words[k:]) not in _LOWER_CASE_ENDINGS
            and _ACRONYM.fullmatch(words[k - 1].group())
        ):
            m = _mention(m, text, m.start, m.start + words[k - 1].end(), m.type)
    return m


def _before_a_report_verb(text: str, m: Mention) -> Mention:
    """An organisation cut before a report verb that follows a capitalised word of its
    name ("Bộ Công an | bắt", "VKS | đề nghị"); not after a head alone ("Ban kiểm tra"
    is a name of its own kind)."""
    words = [w.group() for w in re.finditer(r"\S+", m.text)]
    ends = [w.end() for w in re.finditer(r"\S+", m.text)]
    for i in range(1, len(words)):
        pair = " ".join(words[i : i + 2]).casefold()
        if not words[i][:1].islower() or not (
            words[i].casefold() in _REPORT_VERBS or pair in _REPORT_VERBS
        ):
            continue
        named = any(w[:1].isupper() for w in words[1:i]) or (
            words[i - 1][:1].isupper() and not _only_heads(m.text[: ends[i - 1]])
        )
        if named:
            return _mention(m, text, m.start, m.start + ends[i - 1], m.type)
    return m


# Lower-case particles of foreign names: "Mohammed bin Salman", "Ursula von der Leyen",
# "Frenkie de Jong". Not "da" or "di", which are Vietnamese words.
_PARTICLES = re.compile(
    r"(?:\s+(?:bin|bint|ibn|al|von|van|der|den|de|du|dos|das|del|della))+\s+[A-Z][\w'’-]*"
    r"(?:\s+[A-Z][\w'’-]*)?"
)


def _with_particles(text: str, mentions: list[Mention]) -> list[Mention]:
    """A foreign person's name runs on over its particles ("Abdulaziz | bin Salman"); a
    mention the longer name now covers is dropped. ``mentions`` are in text order."""
    out: list[Mention] = []
    for m in mentions:
        if out and out[-1].type == "PER" and m.start < out[-1].end:
            continue  # "Leyen" of "Ursula von der Leyen"
        particles = _PARTICLES.match(text, m.end) if m.type == "PER" and m.text.isascii() else None
        out.append(m if particles is None else _mention(m, text, m.start, particles.end(), "PER"))
    return out


def _acronym_head(name: str) -> bool:
    # "UBND", "TAND" alone, directly before "tỉnh Quảng Nam".
    return name.casefold() in ("ubnd", "hđnd", "tand", "vksnd")


def is_facet(name: str, etype: EntityType) -> bool:
    """Whether a name (titles and cue words removed) can be a facet value: not a compass
    word or a short form alone ("Tây", "Việt"), not a generic head ("Bệnh viện"), not an
    initial alone ("H.")."""
    key = " ".join(name.split()).casefold()
    if not any(c.isupper() for c in name) and not any(c.isdigit() for c in name):
        return False
    if etype in ("LOC", "ORG") and key in NOT_ALONE:
        return False
    if etype == "ORG" and key in GENERIC_HEADS:
        return False
    if _PROVISION.fullmatch(name.strip()):
        return False  # "Điều 173" (of the Penal Code): a provision, not a place
    if etype == "ORG" and (key in _TITLE_SET or key in _PORTFOLIOS):
        # "HLV", "ĐKVĐ": a title alone names no one; "Giám đốc | Tài chính": a portfolio
        # alone is no organisation (VLSP 2016's gold has none of them as a name)
        return False
    if etype == "PER" and _LONE_INITIAL.fullmatch(name.strip()):
        return False  # "ông H.": a person the article does not name; the span stays
    if etype == "PER" and any(w.casefold() in _THING_WORDS for w in name.split()):
        return False
    return not (etype == "PER" and key in {"châu", "miền", "vùng", "latinh", "âu", "á"})


_PROVISION = re.compile(r"(?:Điều|Khoản|Chương|Mục|Điểm)\s+\d+[a-zđ]?")
# An initial alone, the way news hides a name: "H.", "Kh.", "T".
_LONE_INITIAL = re.compile(r"(?:[A-ZĐ]|Ch|Gh|Gi|Kh|Ng|Nh|Ph|Qu|Th|Tr)\.?")


def without_house_number(name: str) -> str:
    """ "số 12 Tràng Thi" → "Tràng Thi": a street is a place, its house number is not."""
    number = _NUMBER_PREFIX.match(name)
    if number and name[number.end() :][:1].isupper():
        return name[number.end() :]
    return name


_SCORE = re.compile(r"\s+\d+\s*[-–]\s*\d+$")
_ORG_SUFFIXES = _bar(
    "Air|Airways|Airlines|Fund|Group|Bank|Capital|Corp|Corporation|Inc|Inc.|Ltd|Holdings|"
    "Motors|Energy|Technologies|Labs|Foundation|Partners|Securities|FC|CF|Club|Media|Studios"
)
# Words that end a company's name and never a person's or a place's.
_COMPANY_ENDINGS = _ORG_SUFFIXES - _bar("Air|Fund|Capital|Club|Media|FC|CF") | _bar(
    "Co.|Company|Pte|Plc|GmbH|AG|Chemical|Chemicals|Graphics|Electronics|Motor|Pharma|"
    "Pharmaceuticals|Industries|Engineering|Communications|Telecom|Logistics|Travel|"
    "Enterprises|Trading|Investment|Insurance|Petroleum|Textile|Garment|Software|"
    "Finance|Land|Properties|Realty"
)
# English words of the names of products, services and events that no one is called:
# a "person" with one of them is a thing ("Huawei Mobile Services", "QR Pay", "Grand
# Chess Tour"). Words that are also names ("Max", "Power", "Page") are not listed.
_THING_WORDS = _bar(
    "Services|Service|Digital|Mobile|Pay|Wallet|Global|Classic|Tour|Pro|Plus|Ultra|Share|"
    "Inside|Maps|App|Apps|Cloud|Online|Store|Banking|Quotient|Chess|Index|Network|"
    "Networks|Platform|Systems|Solutions|Technology|Tech|Edition|Series|Phone|Watch|Pad|"
    "Lab|Studio|Games|Racing|Sports|Camera|Mail|Music|Video|TV|Chat|Hub"
)


_EVENT_OR_AWARD = re.compile(
    r"(?:^|\s)(?:Award|Awards|Prize|Cup|Championship|Championships|Festival|Trophy|Expo|"
    r"Open|Masters|Grand Slam)(?:\s+\d{4})?$"
    # A name dated by its year is an edition of something ("Huawei Connect 2021"); a
    # meeting, a fair or a congress is an event: VLSP 2016 train's gold tags none.
    r"|\s(?:19|20)\d\d$|^(?:Hội nghị|Hội thảo|Diễn đàn|Triển lãm|Lễ hội|Hội chợ|Đại hội)\s"
)
# A law, a decree or a resolution by its name ("Bộ luật Hình sự", "Luật An toàn thực
# phẩm"): not a facet; VLSP 2016 train's and dev's gold tag none as an entity.
_LAW = re.compile(r"(?:Bộ luật|Luật|Nghị định|Thông tư|Hiến pháp|Nghị quyết|Pháp lệnh)\s+")
# A pageant, in any of its national editions ("Miss World Vietnam"), the tagger's span
# with or without its first word.
_PAGEANT = re.compile(
    r"(?:Miss|Mister|Hoa hậu|Nam vương)\s+((?:World|Universe|Earth|International|Grand|"
    r"Supranational|Thế giới|Hoàn vũ|Trái đất|Quốc tế|Hòa bình|Việt Nam|Vietnam)(?!\w))"
)


def _company_name(name: str) -> bool:
    words = name.split()
    return len(words) >= 2 and words[0][:1].isupper() and words[-1].casefold() in _COMPANY_ENDINGS


def facet_form(name: str, etype: EntityType, lexicon: Lexicon) -> tuple[str, EntityType]:
    """The name and type a facet shows: leading lower-case words ("lò La Masia") and a
    trailing score ("Bournemouth 3-0") removed; a name opened by an institution's head
    ("Bệnh viện ...") or closed by a company word ("... Airways") is an organisation."""
    name = _SCORE.sub("", name)
    if lexicon.lookup(name) is not None:
        return name, etype  # "châu Phi" keeps its cue word
    words = name.split(" ")
    for k in range(1, len(words)):
        rest = " ".join(words[k:])
        listed = lexicon.lookup(rest)
        if listed is not None and listed.type == "ORG" and _only_heads(" ".join(words[:k])):
            return rest, "ORG"  # "Tập đoàn Sun Group", "hãng Bamboo Airways"
    rest = name[len(_lower_case_lead(name)) :].lstrip()
    if rest != name and rest[:1].isupper():
        name = rest  # "lò | La Masia", "sàn | Nasdaq"
    if etype != "ORG":
        words = name.split()
        opener = _opening(name, _ORG_START, _ORG_START_FIRST_WORDS)
        if opener in _SURNAME_SET and etype == "PER" and len(words) <= 4:
            opener = None  # "Đoàn Văn Hậu": a surname that is also a head ("Đoàn kịch")
        if (opener and len(words) > len(opener.split())) or (
            len(words) > 1 and words[-1].casefold() in _ORG_SUFFIXES
        ):
            return name, "ORG"
    return name, etype
