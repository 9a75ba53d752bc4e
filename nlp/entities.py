"""Mentions from BIO-tagged tokens, and mentions merged into counted entities."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from nlp.analysis import Token
from nlp.ner.gazetteer import GAZETTEERS
from nlp.ner.lexicon import Form, Lexicon, packaged_lexicon
from nlp.repair import SpanRepair, facet_form, first_words, is_facet, without_house_number
from nlp.segmenter import words_in_use
from streams.records import ENTITY_TYPES, Entity, EntityType, Mention

Field = Literal["title", "content"]
_STRIP = " \t\n.,;:!?\"'“”‘’()[]{}-–—…"
# A name ending in an initial keeps its full stop: "Nguyễn Văn A.", "ông T.", "Kh.",
# "V.H." (an initial is a capital, or one of the two-letter initial consonants).
_INITIAL = re.compile(r"(?:^|\s)(?:(?:[A-ZĐ]|Ch|Gh|Gi|Kh|Ng|Nh|Ph|Qu|Th|Tr)\.)+$")


def mentions_from_tokens(
    field: Field, text: str, tokens: Sequence[Token], repair: SpanRepair | None = None
) -> list[Mention]:
    """Spans of consecutive B-/I- tokens of the same type, as offsets into ``text``,
    repaired with the team's lexicon (:class:`SpanRepair`; the packaged one by default)."""
    out: list[Mention] = []
    if not tokens:
        return out  # the text was not analysed (not Vietnamese): nothing to repair
    current: tuple[EntityType, int, int] | None = None

    def close() -> None:
        if current is not None:
            etype, start, end = current
            mention = _trimmed(field, text, start, end, etype)
            if mention is not None:
                out.extend(_split_titled(mention, text))

    for token in tokens:
        if token.tag == "O" and current is None:
            continue  # most tokens: nothing open, nothing to close
        prefix, _, label = token.tag.partition("-")
        if label not in ENTITY_TYPES:
            close()
            current = None
            continue
        etype: EntityType = label
        if prefix == "I" and current is not None and current[0] == etype:
            current = (etype, current[1], token.end)
        else:
            close()
            current = (etype, token.start, token.end)
    close()
    # Only the analysed part: the enricher analyses at most max_nlp_chars of the content.
    analysed = text[: max(t.end for t in tokens)]
    if repair is None:
        repair = SpanRepair(packaged_lexicon(), words_in_use())
    return repair.repair(field, analysed, out)


def _trimmed(field: Field, text: str, start: int, end: int, etype: EntityType) -> Mention | None:
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP and not _INITIAL.search(text[start:end]):
        end -= 1
    surface = text[start:end]
    if not surface or not any(c.isalpha() for c in surface):
        return None
    if etype == "PER" and _piece_of_a_title(surface, text[end : end + 30]):
        # "Phó Tổng" of "Phó Tổng giám đốc" is a piece of a title, not a person.
        return None
    return Mention(field=field, start=start, end=end, text=surface, type=etype)


def _piece_of_a_title(surface: str, after: str) -> bool:
    """Whether ``surface`` is title words, its last starting a title that runs on after it."""
    *first, last = surface.casefold().split()
    if any(w not in _TITLE_PARTS for w in first):
        return False
    running = f"{last}{after.casefold()}"
    return any(t.startswith(last + " ") and running.startswith(t) for t in _TITLE_WORDS)


# Official titles of two words or more ("Bộ trưởng", "Chủ tịch"): an organisation or
# a place never starts with one. Short ones ("bà", "cô") do: "Bà Rịa", "Cô Tô".
_OFFICE_TITLES = tuple(
    sorted((t for t in GAZETTEERS["pertitle"] if " " in t), key=len, reverse=True)
)
# The same titles case-folded once, with what a mention starting or ending with one
# is tested against (str.startswith and str.endswith take a tuple).
_OFFICE_FOLDED = tuple((t, t.casefold()) for t in _OFFICE_TITLES)
_OFFICE_OPENINGS = tuple(f + " " for _, f in _OFFICE_FOLDED)
_OFFICE_ENDINGS = tuple(f for _, f in _OFFICE_FOLDED)
_SURNAMES = frozenset(GAZETTEERS["surname"])
_TITLE_WORDS = frozenset(t.casefold() for t in GAZETTEERS["pertitle"] if " " in t)
_TITLE_PARTS = frozenset(w for t in _TITLE_WORDS for w in t.split()) | {"phó", "nguyên", "cố"}
_KNOWN_NAMES: dict[str, EntityType] = {
    **{name: "LOC" for name in GAZETTEERS["loc"] | GAZETTEERS["vnloc"]},
    **{name: "ORG" for name in GAZETTEERS["org"]},
}
_WORD = re.compile(r"\S+")
_NICKNAME_AT_END = re.compile(r"\s*[\"“][^\"“”]*[\"”“]$")


def _split_titled(mention: Mention, text: str) -> list[Mention]:
    """An organisation or place the tagger ran into a title and a person splits apart.

    "Bộ trưởng Ngoại giao Phạm Bình Minh" tagged as one organisation is the person
    "Phạm Bình Minh" behind the title "Bộ trưởng" of the ministry "Ngoại giao"; so is
    "Bộ Thuỷ sản Tạ Quang Ngọc" when "Bộ trưởng" comes just before it.
    """
    if mention.type == "PER":
        return [mention]
    lowered = mention.text.casefold()
    inside = (
        next((t for t, f in _OFFICE_FOLDED if lowered.startswith(f + " ")), None)
        if lowered.startswith(_OFFICE_OPENINGS)  # one test for most mentions
        else None
    )
    before = text[max(0, mention.start - 40) : mention.start].casefold().rstrip()
    after_title = before.endswith(_OFFICE_ENDINGS)
    if inside is None and not after_title:
        return [mention]
    words = [
        (mention.start + m.start(), mention.start + m.end(), m.group())
        for m in _WORD.finditer(mention.text)
    ][len(inside.split(" ")) if inside else 0 :]
    # A full name at the end: a surname and one to three more capitalised syllables;
    # the whole mention when a surname that is also a head opens it ("Đoàn Văn Hậu").
    first = 0 if inside or (words and words[0][2] in _SURNAMES and len(words) <= 4) else 1
    for k in range(max(first, len(words) - 4), len(words) - 1):
        tail = words[k:]
        if tail[0][2] in _SURNAMES and all(w[0].isupper() and w.isalpha() for _, _, w in tail):
            start, end = tail[0][0], tail[-1][1]
            person = Mention(mention.field, start, end, text[start:end], "PER")
            head = words[:k]
            if head:
                organisation = _trimmed(mention.field, text, head[0][0], head[-1][1], mention.type)
                if organisation is not None:
                    return [organisation, person]
            return [person]
    # "Tổng Thư ký Liên Hợp Quốc António Guterres", "Thủ tướng Nhật Bản Kishida Fumio":
    # a known organisation or country, then the person who holds the title there.
    for k in range(len(words) - 1, 0, -1):
        head_text = " ".join(w for _, _, w in words[:k])
        head_type = _KNOWN_NAMES.get(head_text)
        tail = words[k:]
        if head_type and len(tail) <= 4 and all(w[0].isupper() for _, _, w in tail):
            start, end = tail[0][0], tail[-1][1]
            known = Mention(mention.field, words[0][0], words[k - 1][1], head_text, head_type)
            return [known, Mention(mention.field, start, end, text[start:end], "PER")]
    if inside is None:
        return [mention]
    if not words:
        return []
    # No person after the title: the organisation or place is what follows it.
    remainder = _trimmed(mention.field, text, words[0][0], words[-1][1], mention.type)
    return [remainder] if remainder is not None else []


# Titles, roles and kinds of place that precede a name without being part of it.
# Person titles match in any case ("Ông Nam", "ông Nam"). Kinds of place match only
# as written in lower case ("cầu Long Biên"), since capitalised they are names
# ("Cầu Giấy", "Chợ Lớn"), except the administrative ones ("Tỉnh Nghệ An").
_PERSON_TITLES = tuple(
    sorted(
        {t.casefold() for t in GAZETTEERS["pertitle"]}
        | {"tổng thư ký", "nguyên", "cố", "ngài", "phó", "tân", "đương kim"},
        key=len,
        reverse=True,
    )
)
_PLACE_CUES = tuple(
    sorted(
        {t for t in GAZETTEERS["loccue"] if t.islower()}
        | {"Tỉnh", "Thành phố", "TP", "TP.", "Huyện", "Quận", "Xã", "Phường", "Thị xã"}
        | {"Thị trấn", "Thủ đô", "Bang"},
        key=len,
        reverse=True,
    )
)


# First words of the titles and cues: a cheap test before trying each of them.
_TITLE_OPENERS = first_words(_PERSON_TITLES)
_CUE_OPENERS = first_words(_PLACE_CUES)


def name_of(mention: str, etype: EntityType, lexicon: Lexicon | None = None) -> str:
    """The name in a mention: whitespace collapsed, leading titles and kinds of place
    ("Tổng Thư ký", "ông", "thủ đô", "thành phố") removed.

    Mentions keep the span the tagger marked (its training data often includes
    "huyện" or "TP." in a place); entities, which readers facet on, keep the name.
    """
    name = " ".join(mention.split())
    if etype not in ("PER", "LOC"):
        return name
    if etype == "PER":
        # 'Tâm "sẹo"': the span keeps the nickname (VLSP's convention), the facet the name.
        name = _NICKNAME_AT_END.sub("", name) or name
    if lexicon is not None and lexicon.lookup(name) is not None:
        return name  # a listed name keeps its cue word: "châu Phi" is not "Phi"
    moved = True
    while moved:
        moved = False
        head = name.casefold() if etype == "PER" else name
        openers = _TITLE_OPENERS if etype == "PER" else _CUE_OPENERS
        if head.split(" ", 1)[0] not in openers:
            break  # a title or cue is followed by a space: its first word opens the name
        for title in _PERSON_TITLES if etype == "PER" else _PLACE_CUES:
            rest = name[len(title) :]
            # Only whole words, and never the whole mention ("Bà Rịa" is a place,
            # "Hồ" may be a surname): what remains must still start with a capital.
            if head.startswith(title) and rest[:1] == " " and rest[1:2].isupper():
                name = rest[1:]
                moved = True
                break
    return name


# "Công an thành phố Hà Nội" and "Công an Hà Nội" are one organisation.
_ADMIN_IN_ORG = re.compile(r"\s(?:thành phố|tỉnh|TP\.?)\s(?=[A-ZĐ])")


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class _Cluster:
    """The mentions of one entity while the document is merged."""

    forms: Counter[str] = field(default_factory=Counter)
    types: Counter[EntityType] = field(default_factory=Counter)
    first: int = 0
    expansion: str | None = None

    def absorb(self, other: _Cluster) -> None:
        self.forms.update(other.forms)
        self.types.update(other.types)
        self.first = min(self.first, other.first)
        self.expansion = self.expansion or other.expansion


# Words of a sports story: a name that is both a city and its club is the club there.
_SPORT_WORDS = (
    "bóng đá",
    "ghi bàn",
    "bàn thắng",
    "cầu thủ",
    "hlv",
    "clb",
    "câu lạc bộ",
    "trận",
    "vòng",
    "đội bóng",
    "thủ môn",
    "tiền đạo",
    "hiệp",
    "sân nhà",
    "ngoại hạng",
    "v.league",
)


def _is_sport(text: str) -> bool:
    lowered = text.casefold()
    return sum(word in lowered for word in _SPORT_WORDS) >= 3


def merge_entities(
    mentions: Iterable[Mention], text: str = "", lexicon: Lexicon | None = None
) -> list[Entity]:
    """One entity per name, most mentioned first; the facets of a document.

    Titles are not part of a name (:func:`name_of`). Each name gets one type in the
    document, by majority over its mentions (the lexicon breaks ties, and makes a
    city that is also a club the club in a sports story). Forms of the same name
    are merged: those the lexicon lists for one entity ("LHQ", "Liên Hợp Quốc"),
    a short form into the one longer person it ends ("Rasmussen" → "Anders Fogh
    Rasmussen"), a club's first word into the club, and an acronym the ``text``
    defines in brackets right after an organisation's name ("Hội đồng Dân tộc
    chuyển tiếp (NTC)"), never after a place. The canonical name is the lexicon's,
    else the expansion of an acronym, else a person's longest form, else the most
    used one; the other forms are its aliases.
    """
    lexicon = lexicon or packaged_lexicon()
    by_name: dict[str, _Cluster] = {}
    for i, m in enumerate(mentions):
        name = name_of(m.text, m.type, lexicon)
        if m.type == "LOC":
            name = without_house_number(name)
        name, etype = facet_form(name, m.type, lexicon)
        if not is_facet(name, etype):
            continue
        key = _key(_ADMIN_IN_ORG.sub(" ", name) if etype == "ORG" else name)
        cluster = by_name.setdefault(key, _Cluster(first=i))
        cluster.forms[name] += 1
        cluster.types[etype] += 1
    sport = _is_sport(text)
    clusters: dict[tuple[EntityType, str], _Cluster] = {}
    for key, cluster in by_name.items():
        etype = _vote(cluster, lexicon.lookup(key), sport)
        listed = lexicon.lookup(key)
        canonical = listed.canonical.get(etype) if listed is not None else None
        ckey = (etype, _key(canonical or key))
        if ckey in clusters:
            clusters[ckey].absorb(cluster)
        else:
            clusters[ckey] = cluster
    _link_acronyms(clusters, text, lexicon)
    _merge_short_forms(clusters, lexicon)
    entities = []
    for (etype, _), cluster in clusters.items():
        name = _canonical(etype, cluster, lexicon)
        aliases = {f for f in cluster.forms if _key(f) != _key(name)}
        bare = _bare_company(name, lexicon) if etype == "ORG" else None
        if bare is not None:
            aliases.add(bare)  # "Công ty viễn thông Hutchison Whampoa" is "Hutchison Whampoa"
        unique: dict[str, str] = {}
        for alias in sorted(aliases, key=lambda a: (-cluster.forms.get(a, 0), a)):
            unique.setdefault(_key(alias), alias)
        entities.append(
            (
                -cluster.forms.total(),
                cluster.first,
                Entity(
                    text=name,
                    type=etype,
                    count=cluster.forms.total(),
                    aliases=tuple(sorted(unique.values())),
                ),
            )
        )
    return [e for _, _, e in sorted(entities, key=lambda x: (x[0], x[1]))]


def _vote(cluster: _Cluster, listed: Form | None, sport: bool) -> EntityType:
    if listed is not None and sport and listed.sport and "ORG" in listed.types:
        return "ORG"
    top = max(cluster.types.values())
    tied = [t for t in cluster.types if cluster.types[t] == top]
    if len(tied) > 1 and listed is not None:
        preferred = [t for t in tied if t in listed.types]
        if preferred:
            return preferred[0]
    return tied[0]


def _canonical(etype: EntityType, cluster: _Cluster, lexicon: Lexicon) -> str:
    for form in cluster.forms:
        listed = lexicon.lookup(form)
        if listed is not None and etype in listed.canonical:
            return listed.canonical[etype]
    if cluster.expansion is not None:
        return cluster.expansion
    if etype == "PER":
        return max(cluster.forms, key=lambda f: (len(f.split()), cluster.forms[f], len(f)))
    return max(cluster.forms, key=lambda f: (cluster.forms[f], len(f)))


# One word in brackets: an acronym ("NTC") or a short name ("Vietcombank").
_SHORT_FORM = re.compile(r"\(\s*([A-ZĐ][\w&.\-]{1,19})\s*\)")


def _link_acronyms(
    clusters: dict[tuple[EntityType, str], _Cluster], text: str, lexicon: Lexicon
) -> None:
    """ "Expansion (ACR)": the acronym joins the organisation named right before the bracket.

    A place in brackets says where, not what else the name is called ("Sở Y tế
    (TP.HCM)"); and an acronym after a place is not the place's.
    """
    for match in _SHORT_FORM.finditer(text):
        short = match.group(1)
        listed = lexicon.lookup(short)
        if listed is not None and "ORG" not in listed.types:
            continue
        own = {k[0] for k, c in clusters.items() if _key(short) in map(_key, c.forms)}
        if "LOC" in own and "ORG" not in own:
            continue  # the text itself uses it as a place elsewhere
        before = text[: match.start()].rstrip()
        best: tuple[int, tuple[EntityType, str], str] | None = None
        for ckey, cluster in clusters.items():
            for form in cluster.forms:
                at = len(before) - len(form)
                if (
                    len(form) > len(short)
                    and before.endswith(form)
                    and (at == 0 or not before[at - 1].isalnum())
                    and (best is None or len(form) > best[0])
                ):
                    best = (len(form), ckey, form)
        if best is None or best[1][0] != "ORG":
            continue
        target = clusters[best[1]]
        for ckey in [k for k, c in clusters.items() if _key(short) in map(_key, c.forms)]:
            if ckey != best[1]:
                target.absorb(clusters.pop(ckey))
        if short not in target.forms:
            target.forms[short] += 0
        if target.expansion is None:
            target.expansion = best[2]


# Heads of a company's or a club's name, and the legal words after them; then the words
# that say what it does: "Công ty | bất động sản | Cheung Kong", "CLB | Muktijoddha".
_COMPANY_HEADS = ("Tổng công ty ", "Công ty ", "Tập đoàn ", "Hãng ", "CLB ", "Câu lạc bộ ")
_LEGAL_WORDS = frozenset({"CP", "TNHH", "TMCP", "MTV", "Cổ"})


def _bare_company(name: str, lexicon: Lexicon) -> str | None:
    """The name a company or club goes by without its head: "Hutchison Whampoa" of
    "Công ty viễn thông Hutchison Whampoa"; not a place ("Công ty | Hà Nội")."""
    head = next((h for h in _COMPANY_HEADS if name.startswith(h)), None)
    if head is None:
        return None
    words = name[len(head) :].split(" ")
    k = 0
    while k < len(words) and (words[k][:1].islower() or words[k] in _LEGAL_WORDS):
        k += 1
    rest = words[k:]
    if not rest or not all(w[:1].isupper() or w[:1].isdigit() for w in rest):
        return None
    bare = " ".join(rest)
    listed = lexicon.lookup(bare)
    if listed is not None and "ORG" not in listed.types:
        return None
    return bare


def _merge_short_forms(clusters: dict[tuple[EntityType, str], _Cluster], lexicon: Lexicon) -> None:
    """A name's short form joins the one longer name it is part of: a person's last
    words ("Gaddafi", "Chính"), whatever type the tagger gave the short form, or a
    foreign person's first word ("Kamimura" for "Kamimura Ryo"); an organisation's
    first words ("Manchester" for "Manchester United")."""
    # A form's bare company name is the same whichever short form it is compared with:
    # found once per form.
    bare_keys: dict[str, str] = {}

    def bare_key(form: str) -> str:
        if form not in bare_keys:
            bare_keys[form] = _key(_bare_company(form, lexicon) or "")
        return bare_keys[form]

    for ckey in list(clusters):
        if ckey not in clusters:
            continue
        etype, name = ckey
        words = name.split(" ")
        listed = lexicon.lookup(name)
        candidates = set()
        for okey, other in clusters.items():
            if okey == ckey:
                continue
            for form in other.forms:
                owords = _key(form).split(" ")
                if len(owords) <= len(words):
                    continue
                person = (
                    okey[0] == "PER"
                    and owords[-len(words) :] == words
                    and (etype == "PER" or listed is None or "PER" in listed.types)
                    and (etype == "PER" or len(words) == 1)
                )
                # "Kamimura" for "Kamimura Ryo", "Park" for "Park Hang-seo": a foreign
                # name written family name first; never a Vietnamese surname alone.
                family = (
                    etype == "PER"
                    and okey[0] == "PER"
                    and len(words) == 1
                    and owords[0] == words[0]
                    and name.isascii()
                    and name.capitalize() not in _SURNAMES
                )
                club = etype == "ORG" and okey[0] == "ORG" and owords[: len(words)] == words
                company = etype == "ORG" and okey[0] == "ORG" and bare_key(form) == name
                if person or family or club or company:
                    candidates.add(okey)
        # Ambiguous ("Dũng" with two Dũngs in the article): left alone.
        if len(candidates) == 1:
            clusters[candidates.pop()].absorb(clusters.pop(ckey))
