"""Vietnamese enrichment: clean text, find entities and keywords, build EnrichedArticle.

The heavy NLP sits behind :class:`~streams.enrichment.analysis.Analyzer`, loaded
lazily, so that code and tests that never analyse text never import a model.
"""

from streams.enrichment.analysis import Analyzer, Token, UndertheseaAnalyzer
from streams.enrichment.enricher import Enricher

__all__ = ["Analyzer", "Enricher", "Token", "UndertheseaAnalyzer"]
