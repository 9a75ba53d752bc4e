"""Put templates, first indices and aliases in place; safe to run again."""

from __future__ import annotations

import logging
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from config import ElasticsearchSettings
from indexers.errors import IndexSetupError
from indexers.lag_mapping import lag_template
from indexers.mapping import ALIAS_FILTER, index_name, template_body

log = logging.getLogger(__name__)


def ensure_alias(
    client: Elasticsearch,
    alias: str,
    template: dict[str, Any],
    alias_filter: dict[str, Any] | None = None,
) -> str:
    """Make sure ``alias`` points at an index with ``template``'s current mapping, and
    shows only the documents ``alias_filter`` matches (None: all)."""
    body: dict[str, Any] = {"is_write_index": True}
    if alias_filter is not None:
        body["filter"] = alias_filter
    try:
        client.indices.put_index_template(name=alias, **template)
        if not client.indices.exists_alias(name=alias):
            name = index_name(alias)
            try:
                client.indices.create(index=name, aliases={alias: body})
                log.info("created index %s behind alias %s", name, alias)
            except ApiError as exc:
                # Another worker created it between our check and our create.
                if exc.error != "resource_already_exists_exception":
                    raise
        else:
            # Fields added in code since the index was created (additive changes
            # only; anything else is refused and needs a new index version).
            client.indices.put_mapping(index=alias, **template["template"]["mappings"])
            if alias_filter is not None:
                _ensure_filter(client, alias, alias_filter)
        client.cluster.health(index=alias, wait_for_status="yellow", timeout="30s")
    except (ApiError, TransportError) as exc:
        raise IndexSetupError(f"cannot set up index {alias!r}: {exc}", retriable=True) from exc
    return alias


def _ensure_filter(client: Elasticsearch, alias: str, alias_filter: dict[str, Any]) -> None:
    """An alias made before it had a filter gets it (put again on the same index)."""
    for index, body in client.indices.get_alias(name=alias).body.items():
        current = body["aliases"][alias]
        if current.get("filter") != alias_filter:
            log.info("setting the filter of alias %s on %s", alias, index)
            client.indices.put_alias(
                index=index,
                name=alias,
                filter=alias_filter,
                is_write_index=current.get("is_write_index"),
            )


def ensure_index(client: Elasticsearch, settings: ElasticsearchSettings) -> str:
    """The article alias, with the current mapping, showing articles and not the
    tombstones of deleted ones (``indexers.mapping.ALIAS_FILTER``); returns the alias."""
    return ensure_alias(client, settings.alias, template_body(settings), ALIAS_FILTER)


def ensure_lag_index(client: Elasticsearch, alias: str) -> str:
    """The lag history alias."""
    return ensure_alias(client, alias, lag_template(alias))
