"""Elasticsearch side of tinstream: mappings declared in code, bulk writing, search."""
