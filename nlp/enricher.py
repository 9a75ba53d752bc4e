"""The enricher: RawArticle in, EnrichedArticle out; the same code for agent and CLI."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from config import EnrichmentSettings
from nlp.analysis import Analyzer, BatchAnalyzer, Token, UndertheseaAnalyzer
from nlp.classifiers import TopicClassifier
from nlp.entities import mentions_from_tokens, merge_entities
from nlp.keywords import KeywordExtractor
from nlp.language import VIETNAMESE, detect_language
from nlp.ner.lexicon import packaged_lexicon
from nlp.ner.model import CrfAnalyzer
from nlp.segmenter import WordSegmenter
from nlp.simhash import simhash
from nlp.text import clean_text, split_dateline, word_count
from nlp.tone import ToneScorer
from streams import PIPELINE_VERSION
from streams.errors import EnrichmentError, InvalidArticle
from streams.records import EnrichedArticle, Label, RawArticle, unique_strings

log = logging.getLogger(__name__)


def _fingerprint(content: str) -> str | None:
    # The content only: a republished story often gets a new headline.
    value = simhash(content)
    return None if value is None else f"{value:016x}"


def _now() -> datetime:
    return datetime.now(UTC)


def _listed_place(name: str) -> bool:
    form = packaged_lexicon().lookup(name)
    return form is not None and "LOC" in form.types


class Enricher:
    """Turns a raw article into the document readers search.

    Args:
        analyzer: the entity tagger; loaded lazily by it.
        settings: limits and sizes.
        topics: the topic classifier, used when the publisher gave no category.
        sentiment: the tone of the article (one calibrated decision per article).
        keywords: TF-IDF keywords over whole words (given the segmenter's words).
        segmenter: cuts title and content into words for the word-level search
            fields (here, where it runs beside the other NLP, in as many
            processes, rather than on the indexer's event loop).
        clock: injectable for tests.
        places: whether a name is a place, to split a dateline glued to the lead
            ("Hà NộiSáng nay trời nắng..."); the packaged lexicon by default.
    """

    def __init__(
        self,
        analyzer: Analyzer,
        settings: EnrichmentSettings,
        *,
        topics: TopicClassifier | None = None,
        sentiment: ToneScorer | None = None,
        keywords: KeywordExtractor | None = None,
        segmenter: WordSegmenter | None = None,
        clock: Callable[[], datetime] = _now,
        places: Callable[[str], bool] = _listed_place,
    ) -> None:
        self._places = places
        self._segmenter = segmenter
        self._analyzer = analyzer
        self._settings = settings
        self._topics = topics
        self._sentiment = sentiment
        self._keywords = keywords
        self._clock = clock

    @classmethod
    def with_models(cls, settings: EnrichmentSettings) -> Enricher:
        """The enricher with tinstream's own models (each loads on first use)."""
        analyzer: Analyzer = (
            CrfAnalyzer() if settings.ner_model == "tinstream" else UndertheseaAnalyzer()
        )
        # One segmenter (and one word model in memory) for the search fields and keywords.
        segmenter = WordSegmenter(max_chars=settings.max_segmented_chars)
        return cls(
            analyzer,
            settings,
            topics=TopicClassifier(),
            sentiment=ToneScorer(),
            keywords=KeywordExtractor(segmenter=segmenter),
            segmenter=segmenter,
        )

    def warm_up(self) -> None:
        """Loads every model now, so the first article is not the one that waits for them."""
        self.enrich(
            RawArticle.from_mapping({"id": "warm-up", "title": "Hà Nội", "content": "Hà Nội."})
        )

    def enrich(self, raw: RawArticle) -> EnrichedArticle:
        title = clean_text(raw.title)
        content = split_dateline(clean_text(raw.content), self._places)
        if not title or not content:
            # Only markup or control characters: nothing a reader could search.
            empty = "title" if not title else "content"
            raise InvalidArticle(f"field '{empty}' has no text once HTML is removed")
        language = (raw.language or detect_language(f"{title}\n{content}")).lower()
        title_tokens: list[Token] = []
        content_tokens: list[Token] = []
        category: Label | None = None
        if given := _clean_label(raw.category):
            category = Label(label=given, score=1.0, source="publisher")
        sentiment: Label | None = None
        keywords: list[str] = []
        title_words = content_words = ""
        if language == VIETNAMESE:
            nlp_content = content[: self._settings.max_nlp_chars]
            try:
                if isinstance(self._analyzer, BatchAnalyzer):
                    title_tokens, content_tokens = self._analyzer.analyze_many([title, nlp_content])
                else:
                    title_tokens = self._analyzer.analyze(title)
                    content_tokens = self._analyzer.analyze(nlp_content)
                if category is None and self._topics is not None:
                    category = self._topics.classify(title, nlp_content)
                if self._sentiment is not None:
                    sentiment = self._sentiment.score(title, nlp_content)
                if self._segmenter is not None:
                    title_words = self._segmenter.segment(title)
                    content_words = self._segmenter.segment(content)
            except Exception as exc:
                raise EnrichmentError(f"NLP failed: {type(exc).__name__}: {exc}") from exc
        mentions = mentions_from_tokens("title", title, title_tokens) + mentions_from_tokens(
            "content", content, content_tokens
        )
        entities = merge_entities(mentions, f"{title}\n{content}")
        if language == VIETNAMESE and self._keywords is not None:
            # After the entities, which it demotes, and the words, which it reuses.
            try:
                keywords = self._keywords.extract(
                    title,
                    content[: self._settings.max_nlp_chars],
                    self._settings.max_keywords,
                    title_words=title_words or None,
                    content_words=content_words or None,
                    entities=[form for e in entities for form in (e.text, *e.aliases)],
                )
            except Exception as exc:
                raise EnrichmentError(f"NLP failed: {type(exc).__name__}: {exc}") from exc

        def names(etype: str) -> tuple[str, ...]:
            return unique_strings([e.text for e in entities if e.type == etype])

        return EnrichedArticle(
            id=raw.id,
            title=title,
            content=content,
            language=language,
            url=raw.url,
            source=_clean_label(raw.source),
            author=_clean_label(raw.author),
            published_at=raw.published_at,
            tags=tuple(tag for tag in map(_clean_label, raw.tags) if tag),
            summary=clean_text(raw.summary) if raw.summary else None,
            entities=tuple(entities),
            mentions=tuple(mentions),
            persons=names("PER"),
            locations=names("LOC"),
            organizations=names("ORG"),
            keywords=tuple(keywords),
            word_count=word_count(content),
            sentiment=sentiment,
            simhash=_fingerprint(content),
            category=category,
            title_words=title_words,
            content_words=content_words,
            enriched_at=self._clock().isoformat(),
            pipeline_version=PIPELINE_VERSION,
        )


def _clean_label(value: str | None) -> str | None:
    """A short field that pages and Kibana show and facet on, without markup or
    control characters (a ``<img onerror=…>`` author is no one); None when nothing is left."""
    return (clean_text(value) or None) if value else None
