"""Elasticsearch clients built from settings (credentials from the environment only)."""

from __future__ import annotations

import time
from typing import Any

from elasticsearch import ApiError, AsyncElasticsearch, Elasticsearch, TransportError

from config import ElasticsearchSettings
from indexers.access import AccessError, access_problem


def _options(settings: ElasticsearchSettings) -> dict[str, Any]:
    options: dict[str, Any] = {
        "hosts": settings.hosts(),
        "request_timeout": settings.request_timeout_s,
        "verify_certs": settings.verify_certs,
    }
    if settings.ca_certs is not None:
        options["ca_certs"] = str(settings.ca_certs)
    if settings.api_key is not None:
        options["api_key"] = settings.api_key.get_secret_value()
    elif settings.username is not None:
        password = settings.password.get_secret_value() if settings.password else ""
        options["basic_auth"] = (settings.username, password)
    return options


def make_client(settings: ElasticsearchSettings) -> Elasticsearch:
    return Elasticsearch(**_options(settings))


def make_async_client(settings: ElasticsearchSettings) -> AsyncElasticsearch:
    return AsyncElasticsearch(**_options(settings))


def wait_until_reachable(
    client: Elasticsearch, timeout_s: float, settings: ElasticsearchSettings | None = None
) -> None:
    """Poll cluster health until yellow or green, or raise the last error at the deadline.

    With ``settings``: refused credentials or an untrusted certificate raise
    :class:`AccessError` at once, naming the setting (waiting would not fix them)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            client.cluster.health(wait_for_status="yellow", timeout="5s")
            return
        except (ApiError, TransportError) as exc:
            problem = access_problem(exc, settings) if settings is not None else None
            if problem is not None:
                raise AccessError(problem) from None
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)
