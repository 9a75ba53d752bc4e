"""Import saved objects through Kibana's saved objects API, and explain what it refuses.

``POST /api/saved_objects/_import`` answers 200 even when objects failed: the
body lists them with an error type (``conflict``, ``missing_references``,
``unsupported_type``...). Each is turned into one sentence a person can act on.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any

import urllib3

from config import KibanaSettings
from indexers.errors import IndexerError


class KibanaError(IndexerError):
    """Kibana could not be reached or refused the import as a whole."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    success_count: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def explain(error: dict[str, Any]) -> str:
    """One sentence for one failed object of an import response."""
    what = f"{error.get('type', '?')} {error.get('id', '?')!r}"
    title = error.get("meta", {}).get("title") or error.get("title")
    if title:
        what += f" ({title})"
    detail = error.get("error") or {}
    kind = detail.get("type")
    if kind == "conflict":
        return f"{what} already exists; import with --overwrite to replace it"
    if kind == "ambiguous_conflict":
        return f"{what} matches several existing objects; delete the extra ones in Kibana"
    if kind == "missing_references":
        refs = ", ".join(f"{r.get('type')} {r.get('id')!r}" for r in detail.get("references", []))
        return f"{what} refers to objects Kibana does not have: {refs}"
    if kind == "unsupported_type":
        return f"{what} is of a type this Kibana does not know (is it older than 8?)"
    message = detail.get("message") or detail.get("reason") or json.dumps(detail)
    return f"{what} was refused: {kind or 'error'}: {message}"


class KibanaImporter:
    """Imports NDJSON saved objects.

    Args:
        settings: Kibana's URL, credentials (from the environment) and space.
        http: the urllib3 pool (injected for tests).
    """

    def __init__(self, settings: KibanaSettings, http: urllib3.PoolManager | None = None) -> None:
        self._settings = settings
        self._http = http or urllib3.PoolManager(
            ca_certs=str(settings.ca_certs) if settings.ca_certs else None
        )

    def _headers(self) -> dict[str, str]:
        headers = {"kbn-xsrf": "tinstream"}
        s = self._settings
        if s.api_key is not None:
            headers["Authorization"] = f"ApiKey {s.api_key.get_secret_value()}"
        elif s.username is not None:
            password = s.password.get_secret_value() if s.password else ""
            token = base64.b64encode(f"{s.username}:{password}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        return headers

    def import_objects(self, ndjson: str, *, overwrite: bool = True) -> ImportResult:
        s = self._settings
        space = f"/s/{s.space}" if s.space else ""
        url = f"{s.url.rstrip('/')}{space}/api/saved_objects/_import"
        try:
            response = self._http.request(
                "POST",
                url + ("?overwrite=true" if overwrite else ""),
                fields={"file": ("tinstream.ndjson", ndjson.encode(), "application/ndjson")},
                headers=self._headers(),
                timeout=s.request_timeout_s,
                retries=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise KibanaError(f"cannot reach Kibana at {s.url}: {exc}", retriable=True) from exc
        try:
            body = json.loads(response.data or b"{}")
        except ValueError:
            body = {"message": response.data[:300].decode("utf-8", "replace")}
        if response.status in (401, 403):
            raise KibanaError(
                f"Kibana refused the credentials ({response.status}): set TINSTREAM_KIBANA_API_KEY "
                "or TINSTREAM_KIBANA_USERNAME and TINSTREAM_KIBANA_PASSWORD"
            )
        if response.status == 404:
            raise KibanaError(
                f"no saved objects API at {url}: is this Kibana, and the space right?"
            )
        if response.status >= 400:
            message = body.get("message") or body.get("error") or body
            raise KibanaError(
                f"Kibana refused the import ({response.status}): {message}",
                retriable=response.status >= 500,
            )
        problems = [explain(e) for e in body.get("errors") or []]
        return ImportResult(int(body.get("successCount", 0)), problems)

    def wait_until_available(self, timeout_s: float, poll_s: float = 2.0) -> None:
        """Poll ``/api/status`` until Kibana answers 200 (it takes a while to start)."""
        url = f"{self._settings.url.rstrip('/')}/api/status"
        deadline = time.monotonic() + timeout_s
        last = "no answer"
        while time.monotonic() < deadline:
            try:
                response = self._http.request(
                    "GET", url, headers=self._headers(), timeout=5.0, retries=False
                )
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
            except urllib3.exceptions.HTTPError as exc:
                last = str(exc)
            time.sleep(poll_s)
        raise KibanaError(
            f"Kibana at {self._settings.url} not available in {timeout_s:.0f}s: {last}"
        )
