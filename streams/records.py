"""Typed records at the pipeline's boundaries, and their strict JSON decoding.

Messages on the raw topic are untrusted bytes, so they are decoded here by hand
rather than by Faust's serialisers: a message Faust cannot decode is logged and
skipped, and tinstream never drops a message silently. Every rejection is an
:class:`InvalidArticle` carrying the reason that goes to the dead-letter topic.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson

from streams.errors import InvalidArticle

EntityType = Literal["PER", "LOC", "ORG"]
ENTITY_TYPES: tuple[EntityType, ...] = ("PER", "LOC", "ORG")

# Elasticsearch refuses an _id longer than 512 bytes.
MAX_ID_BYTES = 512
# A language tag as BCP 47 writes it ("vi", "en", "zh-Hant"): anything else would
# become a facet value and switch the Vietnamese NLP off for the article.
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}")
# Links readers and Kibana follow: nothing but http(s) to a host.
_URL_SCHEMES = frozenset({"http", "https"})
# Publication dates outside this window are typos or hostile and would stretch
# every date histogram; the upper bound allows for clocks a day apart.
EARLIEST_PUBLISHED = datetime(1900, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
_OPTIONAL_STR = ("url", "source", "author", "category", "summary", "language")
# Query parameters that only track a click; two URLs differing in them are one article.
_TRACKING_PARAMS = ("utm_", "fbclid", "gclid")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def normalise_url(url: str) -> str:
    """The form of a URL under which republished links compare equal."""
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PARAMS)
    ]
    path = parts.path.rstrip("/") or "/"
    netloc = parts.netloc.lower()
    if netloc.startswith("www."):
        netloc = netloc[4:]
    return urlunsplit(("", netloc, path, urlencode(sorted(query)), ""))


def _digest(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def stable_id(given: str | None, url: str | None, title: str, content: str) -> str:
    """The article's id: the given one, else a hash of the URL, else of title and content."""
    if given:
        return given
    if url:
        return "u" + _digest(normalise_url(url))
    squash = " ".join(_nfc(title).split()), " ".join(_nfc(content).split())
    return "c" + _digest(*squash)


@dataclass(frozen=True, slots=True)
class RawArticle:
    """An article as published to the raw topic."""

    id: str
    title: str
    content: str
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published_at: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    language: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> RawArticle:
        """Validate a decoded JSON object; raise :class:`InvalidArticle` saying why not."""
        if not isinstance(data, Mapping):
            raise InvalidArticle(f"expected a JSON object, got {type(data).__name__}")
        values: dict[str, Any] = {}
        for name in ("title", "content"):
            value = data.get(name)
            if value is None:
                raise InvalidArticle(f"missing required field '{name}'")
            if not isinstance(value, str):
                raise InvalidArticle(f"field '{name}' must be a string, got {type(value).__name__}")
            if not value.strip():
                raise InvalidArticle(f"field '{name}' is empty")
            values[name] = value
        for name in _OPTIONAL_STR:
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                raise InvalidArticle(f"field '{name}' must be a string, got {type(value).__name__}")
            values[name] = value or None
        published_at = data.get("published_at")
        if published_at is not None:
            values["published_at"] = _iso8601(published_at)
        if values["language"] is not None:
            values["language"] = _language(values["language"])
        if values["url"] is not None:
            _check_url(values["url"])
        tags = data.get("tags")
        if tags is not None:
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise InvalidArticle("field 'tags' must be a list of strings")
            values["tags"] = tuple(t for t in tags if t.strip())
        given = data.get("id")
        if given is not None:
            if isinstance(given, bool) or not isinstance(given, str | int):
                raise InvalidArticle(
                    f"field 'id' must be a string or an integer, got {type(given).__name__}"
                )
            given = str(given).strip()
            if not given:
                raise InvalidArticle("field 'id' is empty")
            if len(given.encode("utf-8")) > MAX_ID_BYTES:
                raise InvalidArticle(f"field 'id' is longer than {MAX_ID_BYTES} bytes")
        values["id"] = stable_id(given, values["url"], values["title"], values["content"])
        return cls(**values)

    @classmethod
    def from_bytes(cls, payload: bytes | None) -> RawArticle:
        """Decode and validate one Kafka message value."""
        if payload is None:
            raise InvalidArticle("empty message value", stage="decode")
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidArticle(f"value is not valid UTF-8: {exc}", stage="decode") from exc
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise InvalidArticle(f"value is not valid JSON: {exc}", stage="decode") from exc
        return cls.from_mapping(data)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["tags"] = list(self.tags)
        return {k: v for k, v in out.items() if v not in (None, [])}

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()


def _iso8601(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidArticle(
            f"field 'published_at' must be an ISO 8601 string, got {type(value).__name__}"
        )
    text = value.strip()
    try:
        # fromisoformat takes "Z" and dates without a time since Python 3.11.
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidArticle(f"field 'published_at' is not ISO 8601: {value!r}") from exc
    aware = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    latest = datetime.now(UTC) + FUTURE_SLACK
    if not EARLIEST_PUBLISHED <= aware <= latest:
        raise InvalidArticle(
            f"field 'published_at' is outside {EARLIEST_PUBLISHED.year} to tomorrow: {value!r}"
        )
    return parsed.isoformat()


def _language(value: str) -> str:
    if not _LANGUAGE.fullmatch(value.strip()):
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise InvalidArticle(
            f"field 'language' must be a language code such as 'vi' or 'en', got {shown!r}"
        )
    return value.strip().lower()


def _check_url(value: str) -> None:
    try:
        parts = urlsplit(value.strip())
    except ValueError as exc:
        raise InvalidArticle(f"field 'url' is not a URL: {exc}") from exc
    if parts.scheme.lower() not in _URL_SCHEMES or not parts.hostname:
        shown = value if len(value) <= 80 else value[:80] + "…"
        raise InvalidArticle(f"field 'url' must be an http or https address, got {shown!r}")


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of an entity, by character offsets into the NFC-normalised field."""

    field: Literal["title", "content"]
    start: int
    end: int
    text: str
    type: EntityType


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity of an article, its mentions merged and counted.

    ``aliases`` are the other forms the article used for it: a short form
    ("Rasmussen" for "Anders Fogh Rasmussen") or an acronym it defined ("NTC").
    """

    text: str
    type: EntityType
    count: int
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Label:
    """A predicted or given label (sentiment, category) with its score."""

    label: str
    score: float
    source: str | None = None


@dataclass(frozen=True, slots=True)
class EnrichedArticle:
    """An article with what a reader searches by; the document that gets indexed."""

    id: str
    title: str
    content: str
    language: str
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published_at: str | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    entities: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    persons: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    word_count: int = 0
    sentiment: Label | None = None
    category: Label | None = None
    # SimHash of the content (16 hex digits); None for a text too short to compare.
    simhash: str | None = None
    # The id of an earlier article this one nearly copies (syndication, republication).
    duplicate_of: str | None = None
    enriched_at: str = ""
    pipeline_version: str = ""
    # The title and content cut into words joined by "_" ("bệnh_viện"), for
    # the word-level search fields (nlp.segmenter); "" when not computed.
    title_words: str = ""
    content_words: str = ""
    # Orders the copies of one article (see article_version); indexed as the
    # document's external version, so an older copy never overwrites a newer one.
    version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        for key, value in out.items():
            if isinstance(value, tuple):
                out[key] = list(value)
        return out

    def to_bytes(self) -> bytes:
        # orjson walks the dataclasses itself: several times faster than asdict +
        # json on the event loop, and the same JSON (tuples become lists).
        return orjson.dumps(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EnrichedArticle:
        def labels(value: Any) -> Label | None:
            return Label(**value) if value else None

        def strings(name: str) -> tuple[str, ...]:
            return tuple(data.get(name) or ())

        try:
            return cls(
                id=data["id"],
                title=data["title"],
                content=data["content"],
                language=data["language"],
                url=data.get("url"),
                source=data.get("source"),
                author=data.get("author"),
                published_at=data.get("published_at"),
                tags=strings("tags"),
                summary=data.get("summary"),
                entities=tuple(
                    Entity(
                        text=e["text"],
                        type=e["type"],
                        count=e["count"],
                        aliases=tuple(e.get("aliases") or ()),
                    )
                    for e in data.get("entities") or ()
                ),
                mentions=tuple(Mention(**m) for m in data.get("mentions") or ()),
                persons=strings("persons"),
                locations=strings("locations"),
                organizations=strings("organizations"),
                keywords=strings("keywords"),
                word_count=int(data.get("word_count") or 0),
                sentiment=labels(data.get("sentiment")),
                category=labels(data.get("category")),
                simhash=data.get("simhash"),
                duplicate_of=data.get("duplicate_of"),
                enriched_at=data.get("enriched_at", ""),
                pipeline_version=data.get("pipeline_version", ""),
                title_words=str(data.get("title_words") or ""),
                content_words=str(data.get("content_words") or ""),
                version=_optional_int(data.get("version")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidArticle(f"not an enriched article: {exc!r}", stage="decode") from exc

    @classmethod
    def from_bytes(cls, payload: bytes) -> EnrichedArticle:
        return cls.decode(payload)[0]

    @classmethod
    def decode(cls, payload: bytes) -> tuple[EnrichedArticle, dict[str, Any]]:
        """The validated record and its fields as decoded, which the indexer
        writes without a round trip through dataclasses (its hot path)."""
        try:
            data = orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            raise InvalidArticle(f"value is not valid JSON: {exc}", stage="decode") from exc
        if not isinstance(data, dict):
            raise InvalidArticle("expected a JSON object", stage="decode")
        article = cls.from_dict(data)
        return article, {k: data[k] for k in _ENRICHED_FIELDS if k in data}


_ENRICHED_FIELDS = tuple(f.name for f in dataclasses.fields(EnrichedArticle))


def _optional_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


# Carries the version of a tombstone, which has no value to carry it in.
VERSION_HEADER = "tinstream-version"
# Offsets within one millisecond; a partition takes far fewer messages per ms.
_OFFSETS_PER_MS = 1_000_000
# Elasticsearch's external versions are positive longs below 2**63.
_MAX_VERSION = 2**63 - 1


def article_version(timestamp_s: float | None, offset: int) -> int:
    """The version of the copy of an article published at ``timestamp_s`` with ``offset``.

    Every copy of one article has the same key, so the same partition: later
    copies have a later timestamp or, within one millisecond, a higher offset.
    The version is therefore the publish time in ms, then the offset, packed
    into one integer that Elasticsearch compares as an external version.
    """
    millis = max(0, int((timestamp_s or 0.0) * 1000))
    return min(_MAX_VERSION, millis * _OFFSETS_PER_MS + offset % _OFFSETS_PER_MS)


Stage = Literal["decode", "validate", "enrich", "index"]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message the pipeline could not process, kept whole with where and why it failed."""

    stage: Stage
    reason: str
    error_type: str
    retriable: bool
    topic: str
    partition: int
    offset: int
    timestamp_ms: int | None
    key_b64: str | None
    value_b64: str | None
    failed_at: str
    pipeline_version: str
    article_id: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @staticmethod
    def encode(raw: bytes | None) -> str | None:
        return None if raw is None else base64.b64encode(raw).decode("ascii")

    def original_value(self) -> bytes | None:
        return None if self.value_b64 is None else base64.b64decode(self.value_b64)

    def to_bytes(self) -> bytes:
        out = dataclasses.asdict(self)
        out["details"] = dict(self.details)
        return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, payload: bytes) -> DeadLetter:
        return cls(**json.loads(payload))


def unique_strings(values: Sequence[str]) -> tuple[str, ...]:
    """Distinct values, first-seen order kept."""
    return tuple(dict.fromkeys(values))
