"""Vietnamese enrichment: clean text, entities, topic, sentiment, keywords, fingerprint.

Every model sits behind a small interface and loads lazily (the NER behind
:class:`~streams.enrichment.analysis.Analyzer`, the classifiers behind
``predict_with_score``), so that code and tests that never analyse text never load one.
"""

from streams.enrichment.analysis import Analyzer, Token, UndertheseaAnalyzer
from streams.enrichment.enricher import Enricher
from streams.enrichment.ner.model import CrfAnalyzer

__all__ = ["Analyzer", "CrfAnalyzer", "Enricher", "Token", "UndertheseaAnalyzer"]
