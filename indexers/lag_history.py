"""Writing lag observations to the lag-history alias (the mapping: ``lag_mapping``).

One writer for the worker and for ``tinstream lag-exporter``: both hand it the
documents of ``streams.lag.history.LagHistory``. The history is a convenience for
Kibana and the pipeline page: a refused write is logged and the stream goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from elasticsearch import ApiError, AsyncElasticsearch, TransportError

log = logging.getLogger(__name__)


class LagHistoryWriter:
    """Appends documents to ``alias`` with one bulk request per observation."""

    def __init__(self, es: AsyncElasticsearch, alias: str) -> None:
        self._es = es
        self._alias = alias
        # The same failure every interval is said once, until a write goes through.
        self._failing = False

    async def write(self, documents: Iterable[dict[str, Any]]) -> int:
        """Writes the documents; how many Elasticsearch accepted (0 when it could not)."""
        operations: list[dict[str, Any]] = []
        for doc in documents:
            operations.extend(({"index": {"_index": self._alias}}, doc))
        if not operations:
            return 0
        try:
            response = await self._es.bulk(operations=operations)
        except (ApiError, TransportError) as exc:
            if not self._failing:
                log.warning("cannot write the lag history (said once until it can): %s", exc)
            else:
                log.debug("cannot write the lag history: %s", exc)
            self._failing = True
            return 0
        self._failing = False
        items = response.get("items", [])
        refused = sum(1 for item in items if item.get("index", {}).get("error"))
        if refused:
            log.warning("%s of %s lag history documents were refused", refused, len(items))
        return len(items) - refused
