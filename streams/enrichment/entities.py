"""Mentions from BIO-tagged tokens, and mentions merged into counted entities."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal

from streams.enrichment.analysis import Token
from streams.enrichment.ner.gazetteer import GAZETTEERS
from streams.records import ENTITY_TYPES, Entity, EntityType, Mention

Field = Literal["title", "content"]
_STRIP = " \t\n.,;:!?\"'“”‘’()[]{}-–—…"
# A name ending in an initial keeps its full stop: "Nguyễn Văn A.", "ông T."
_INITIAL = re.compile(r"(?:^|\s)[A-ZĐ]\.$")


def mentions_from_tokens(field: Field, text: str, tokens: Sequence[Token]) -> list[Mention]:
    """Spans of consecutive B-/I- tokens of the same type, as offsets into ``text``."""
    out: list[Mention] = []
    current: tuple[EntityType, int, int] | None = None

    def close() -> None:
        if current is not None:
            etype, start, end = current
            mention = _trimmed(field, text, start, end, etype)
            if mention is not None:
                out.extend(_split_titled(mention, text))

    for token in tokens:
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
    return out


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
_SURNAMES = frozenset(GAZETTEERS["surname"])
_TITLE_WORDS = frozenset(t.casefold() for t in GAZETTEERS["pertitle"] if " " in t)
_TITLE_PARTS = frozenset(w for t in _TITLE_WORDS for w in t.split()) | {"phó", "nguyên", "cố"}
_KNOWN_NAMES: dict[str, EntityType] = {
    **{name: "LOC" for name in GAZETTEERS["loc"] | GAZETTEERS["vnloc"]},
    **{name: "ORG" for name in GAZETTEERS["org"]},
}
_WORD = re.compile(r"\S+")


def _split_titled(mention: Mention, text: str) -> list[Mention]:
    """An organisation or place the tagger ran into a title and a person splits apart.

    "Bộ trưởng Ngoại giao Phạm Bình Minh" tagged as one organisation is the person
    "Phạm Bình Minh" behind the title "Bộ trưởng" of the ministry "Ngoại giao"; so is
    "Bộ Thuỷ sản Tạ Quang Ngọc" when "Bộ trưởng" comes just before it.
    """
    if mention.type == "PER":
        return [mention]
    lowered = mention.text.casefold()
    inside = next((t for t in _OFFICE_TITLES if lowered.startswith(t.casefold() + " ")), None)
    before = text[max(0, mention.start - 40) : mention.start].casefold().rstrip()
    after_title = any(before.endswith(t.casefold()) for t in _OFFICE_TITLES)
    if inside is None and not after_title:
        return [mention]
    words = [
        (mention.start + m.start(), mention.start + m.end(), m.group())
        for m in _WORD.finditer(mention.text)
    ][len(inside.split(" ")) if inside else 0 :]
    # A full name at the end: a surname and one to three more capitalised syllables.
    for k in range(max(1 if not inside else 0, len(words) - 4), len(words) - 1):
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


def name_of(mention: str, etype: EntityType) -> str:
    """The name in a mention: whitespace collapsed, leading titles and kinds of place
    ("Tổng Thư ký", "ông", "thủ đô", "thành phố") removed.

    Mentions keep the span the tagger marked (its training data often includes
    "huyện" or "TP." in a place); entities, which readers facet on, keep the name.
    """
    name = " ".join(mention.split())
    if etype not in ("PER", "LOC"):
        return name
    moved = True
    while moved:
        moved = False
        head = name.casefold() if etype == "PER" else name
        for title in _PERSON_TITLES if etype == "PER" else _PLACE_CUES:
            rest = name[len(title) :]
            # Only whole words, and never the whole mention ("Bà Rịa" is a place,
            # "Hồ" may be a surname): what remains must still start with a capital.
            if head.startswith(title) and rest[:1] == " " and rest[1:2].isupper():
                name = rest[1:]
                moved = True
                break
    return name


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def merge_entities(mentions: Iterable[Mention], text: str = "") -> list[Entity]:
    """One entity per name, most mentioned first.

    Titles are not part of a name (:func:`name_of`). Forms of the same name are
    merged (case-insensitively); a short form is merged into the one longer name of
    the same type it ends with ("Rasmussen" → "Anders Fogh Rasmussen", "Chính" →
    "Phạm Minh Chính"); and an acronym the ``text`` defines in brackets after a name
    ("Hội đồng Dân tộc chuyển tiếp (NTC)") is linked to it.
    """
    counts: Counter[tuple[EntityType, str]] = Counter()
    surface: dict[tuple[EntityType, str], str] = {}
    for m in mentions:
        name = name_of(m.text, m.type)
        key = (m.type, _key(name))
        counts[key] += 1
        surface.setdefault(key, name)
    aliases: dict[tuple[EntityType, str], set[str]] = {}
    for short, full in _short_forms(list(counts)).items():
        if short in counts and full in counts:
            counts[full] += counts.pop(short)
            aliases.setdefault(full, set()).add(surface[short])
    for acronym, full in _acronyms(text, surface).items():
        if full not in counts:
            continue
        aliases.setdefault(full, set()).add(acronym)
        # The acronym's own mentions count for the name, whatever type the tagger gave them.
        for etype in ENTITY_TYPES:
            short = (etype, acronym.casefold())
            if short != full and short in counts:
                counts[full] += counts.pop(short)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], surface[kv[0]]))
    return [
        Entity(text=surface[key], type=key[0], count=n, aliases=tuple(sorted(aliases.get(key, ()))))
        for key, n in ranked
    ]


def _short_forms(
    keys: list[tuple[EntityType, str]],
) -> dict[tuple[EntityType, str], tuple[EntityType, str]]:
    out: dict[tuple[EntityType, str], tuple[EntityType, str]] = {}
    for etype, name in keys:
        words = name.split(" ")
        longer = [
            (t, other)
            for t, other in keys
            if t == etype
            and len(other.split(" ")) > len(words)
            and (
                other.split(" ")[-len(words) :] == words
                # Clubs and companies are also shortened to their first part
                # ("Manchester" for "Manchester United").
                or (etype == "ORG" and other.split(" ")[: len(words)] == words)
            )
        ]
        # Ambiguous ("Dũng" with two Dũngs in the article): left alone.
        if len(longer) == 1:
            out[(etype, name)] = longer[0]
    return out


# One word in brackets: an acronym ("NTC") or a short name ("Vietcombank").
_SHORT_FORM = re.compile(r"\(\s*([A-ZĐ][\w&.\-]{1,19})\s*\)")
_PLACES = GAZETTEERS["loc"] | GAZETTEERS["vnloc"]


def _acronyms(
    text: str, surface: dict[tuple[EntityType, str], str]
) -> dict[str, tuple[EntityType, str]]:
    """Short form → the entity whose name comes right before it in brackets.

    A place in brackets says where, not what else the name is called:
    "Sở Y tế (TP.HCM)".
    """
    out: dict[str, tuple[EntityType, str]] = {}
    for match in _SHORT_FORM.finditer(text):
        short = match.group(1)
        if short in _PLACES:
            continue
        before = text[: match.start()].rstrip()
        for key, name in surface.items():
            if len(name) > len(short) and before.endswith(name):
                out.setdefault(short, key)
                break
    return out
