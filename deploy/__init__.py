"""Deployment: the local stack (Kafka + Elasticsearch without Docker) and compose files."""
