"""Elasticsearch refusing tinstream's credentials or certificate, said in one line.

A refused credential (401), a missing privilege (403) and an untrusted server
certificate are not outages: retrying them at full speed helps nobody and a
traceback hides the fix. These helpers recognise them anywhere in an exception's
chain and name the setting to check. They never include a secret: the settings'
secrets are ``SecretStr`` and only their names are written here; Elasticsearch's
reasons name users, roles, key ids and actions, never passwords or keys.
"""

from __future__ import annotations

from typing import Any

from elastic_transport import TlsError
from elasticsearch import ApiError

from config import ElasticsearchSettings
from indexers.errors import IndexerError

# Statuses that mean the request's credentials, not the cluster, are the problem.
AUTH_STATUSES = frozenset({401, 403})


class AccessError(IndexerError):
    """Elasticsearch refused the credentials or its certificate is not trusted; the
    message names the setting to fix. Not retriable: the settings must change."""


def credential_setting(settings: ElasticsearchSettings) -> str:
    """The setting(s) that hold the credentials this client sends."""
    if settings.api_key is not None:
        return "TINSTREAM_ES_API_KEY"
    if settings.username is not None:
        return "TINSTREAM_ES_USERNAME/TINSTREAM_ES_PASSWORD"
    return "TINSTREAM_ES_API_KEY (or TINSTREAM_ES_USERNAME/TINSTREAM_ES_PASSWORD; none is set)"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _status(exc: BaseException) -> int | None:
    if isinstance(exc, ApiError):
        return int(exc.meta.status)
    return None


def refusal_reason(body: Any, fallback: str) -> str:
    """Elasticsearch's reason for a refusal: which credential failed and why (say,
    ``API key: api key is expired``) when it says so, else its general reason."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        why = error.get("additional_unsuccessful_credentials") or error.get("reason")
        if why:
            return str(why)[:500]
    return fallback[:500]


def _reason(exc: ApiError) -> str:
    return refusal_reason(exc.body, str(exc.message))


def auth_message(status: int, reason: str, settings: ElasticsearchSettings) -> str:
    """The one line for a 401 or 403 from Elasticsearch."""
    setting = credential_setting(settings)
    if status == 401:
        return (
            f"Elasticsearch at {settings.url} refused the credentials "
            f"(401: {reason}); check {setting}"
        )
    return (
        f"the credentials in {setting} lack a privilege on Elasticsearch at "
        f"{settings.url} (403: {reason}); grant it to their role or key"
    )


def access_problem(exc: BaseException, settings: ElasticsearchSettings) -> str | None:
    """One line naming the setting to fix when ``exc`` (or what caused it) is a
    refused credential, a missing privilege or an untrusted certificate; else None."""
    for link in _chain(exc):
        if isinstance(link, AccessError):
            return str(link)
        status = _status(link)
        if status in AUTH_STATUSES and isinstance(link, ApiError):
            return auth_message(status, _reason(link), settings)
        if isinstance(link, TlsError):
            trusted = (
                f"the CA in TINSTREAM_ES_CA_CERTS ({settings.ca_certs})"
                if settings.ca_certs is not None
                else "the system's CAs (set TINSTREAM_ES_CA_CERTS to the node's CA)"
            )
            return (
                f"Elasticsearch at {settings.url}: its TLS certificate is not trusted by "
                f"{trusted}: {str(link.message)[:300]}"
            )
    return None
