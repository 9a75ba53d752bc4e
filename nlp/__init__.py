"""Vietnamese enrichment: clean text, entities, topic, sentiment, keywords, fingerprint.

Every model sits behind a small interface and loads lazily (the NER behind
:class:`~nlp.analysis.Analyzer`, the classifiers behind
``predict_with_score``), so that code and tests that never analyse text never load one.
"""

from nlp.analysis import Analyzer, Token, UndertheseaAnalyzer
from nlp.enricher import Enricher
from nlp.ner.model import CrfAnalyzer

__all__ = ["Analyzer", "CrfAnalyzer", "Enricher", "Token", "UndertheseaAnalyzer"]
