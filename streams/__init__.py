"""tinstream streams: records, enrichment and the Faust application."""

PIPELINE_VERSION = "0.1.0"
