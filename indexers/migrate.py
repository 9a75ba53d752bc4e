"""Move the alias to a new index version built from the current template.

1. Put the current template; create ``<alias>-v<N+1>`` from it.
2. Put a write block on the current index: workers' bulk writes wait (the writer
   treats a write block as "try again later"), so nothing is written to an index
   that is being copied and nothing is lost.
3. Copy every document with its version: server-side ``_reindex`` where the node
   has it, otherwise a client-side scan and bulk that also recomputes the derived
   search fields (folded, word-segmented) with the current code.
4. Check the counts, then move the alias in one atomic ``_aliases`` call: every
   search sees either the old index or the new one, never neither.

On a failure before the alias moved, the new index is deleted and the block
lifted, so the pipeline goes on as before.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, Literal

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from config import ElasticsearchSettings
from indexers.document import DocumentBuilder
from indexers.errors import IndexerError
from indexers.mapping import ALIAS_FILTER, index_name, template_body

log = logging.getLogger(__name__)

Method = Literal["auto", "reindex", "scan"]
Progress = Callable[[int], None]
_VERSIONED = re.compile(r"-v(\d+)$")
_BATCH = 500


class MigrationError(IndexerError):
    """The migration could not be done; the alias still points at the old index."""


@dataclass(frozen=True, slots=True)
class MigrationReport:
    alias: str
    source: str
    target: str
    method: Literal["reindex", "scan"]
    documents: int
    seconds: float
    old_index_deleted: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def current_index(client: Elasticsearch, alias: str) -> str:
    """The write index behind ``alias``."""
    if not client.indices.exists_alias(name=alias):
        raise MigrationError(f"no alias {alias!r}: start a worker once to create it")
    indices = client.indices.get_alias(name=alias)
    if len(indices) == 1:
        return str(next(iter(indices)))
    writers = [
        name for name, body in indices.items() if body["aliases"][alias].get("is_write_index")
    ]
    if len(writers) != 1:
        raise MigrationError(
            f"alias {alias!r} points at {sorted(indices)} with no single write index"
        )
    return str(writers[0])


def next_index(alias: str, current: str) -> str:
    match = _VERSIONED.search(current)
    return index_name(alias, int(match.group(1)) + 1 if match else 2)


def has_reindex(client: Elasticsearch) -> bool:
    """Whether every node has the reindex module (the minimal local node has not)."""
    nodes = client.nodes.info(metric="plugins")["nodes"]
    return bool(nodes) and all(
        any(m.get("name") == "reindex" for m in node.get("modules", [])) for node in nodes.values()
    )


class Migration:
    """Builds the next index version and moves the alias to it.

    Args:
        client: the Elasticsearch client (injected).
        settings: the alias and index settings.
        documents: recomputes derived fields on a client-side copy.
    """

    def __init__(
        self, client: Elasticsearch, settings: ElasticsearchSettings, documents: DocumentBuilder
    ) -> None:
        self._client = client
        self._settings = settings
        self._documents = documents
        self._progress: Progress = lambda n: None

    def count(self, index: str) -> int:
        self._client.indices.refresh(index=index)
        return int(self._client.count(index=index)["count"])

    def run(
        self,
        method: Method = "auto",
        *,
        delete_old: bool = False,
        progress: Progress = lambda n: None,
    ) -> MigrationReport:
        """Migrate; ``progress`` is called with the number of documents each batch copied."""
        self._progress = progress
        alias = self._settings.alias
        client = self._client
        started = time.monotonic()
        try:
            source = current_index(client, alias)
            target = next_index(alias, source)
            auto: Literal["reindex", "scan"] = "reindex" if method == "reindex" else "scan"
            chosen = auto if method != "auto" else ("reindex" if has_reindex(client) else "scan")
            client.indices.put_index_template(name=alias, **template_body(self._settings))
            if client.indices.exists(index=target):
                # Left over from a migration that failed before the alias moved.
                log.warning("deleting %s, left over from an unfinished migration", target)
                client.indices.delete(index=target)
            client.indices.create(index=target)
        except (ApiError, TransportError) as exc:
            raise MigrationError(f"cannot prepare the migration of {alias!r}: {exc}") from exc

        try:
            client.indices.add_block(index=source, block="write")
            if chosen == "reindex":
                self._reindex(source, target)
            else:
                self._scan_and_bulk(source, target)
            expected, copied = self.count(source), self.count(target)
            if copied != expected:
                raise MigrationError(f"copied {copied} of {expected} documents")
            client.indices.update_aliases(
                actions=[
                    {
                        "add": {
                            "index": target,
                            "alias": alias,
                            "is_write_index": True,
                            "filter": ALIAS_FILTER,
                        }
                    },
                    {"remove": {"index": source, "alias": alias}},
                ]
            )
        except Exception as exc:
            self._undo(source, target)
            if isinstance(exc, MigrationError):
                raise
            raise MigrationError(f"migration of {alias!r} failed: {exc}") from exc
        log.info("alias %s moved from %s to %s (%d documents)", alias, source, target, copied)
        if delete_old:
            client.indices.delete(index=source)
        return MigrationReport(
            alias=alias,
            source=source,
            target=target,
            method=chosen,
            documents=copied,
            seconds=round(time.monotonic() - started, 3),
            old_index_deleted=delete_old,
        )

    def _undo(self, source: str, target: str) -> None:
        try:
            self._client.options(ignore_status=404).indices.delete(index=target)
            self._client.indices.put_settings(index=source, settings={"index.blocks.write": False})
        except (ApiError, TransportError):
            log.exception("could not undo the migration: lift the write block on %s", source)

    def _reindex(self, source: str, target: str) -> None:
        response = self._client.options(request_timeout=3600).reindex(
            source={"index": source},
            dest={"index": target, "version_type": "external"},
            wait_for_completion=True,
            refresh=True,
        )
        if response.get("failures"):
            raise MigrationError(f"reindex failures: {response['failures'][:3]}")
        self._progress(int(response.get("created", 0)) + int(response.get("updated", 0)))

    def _actions(self, source: str, target: str) -> Iterator[dict[str, Any]]:
        for hit in helpers.scan(
            self._client,
            index=source,
            query={"query": {"match_all": {}}},
            version=True,
            size=_BATCH,
        ):
            yield {
                "_op_type": "index",
                "_index": target,
                "_id": hit["_id"],
                "version": hit["_version"],
                "version_type": "external",
                "_source": self._documents.build(hit["_source"]),
            }

    def _scan_and_bulk(self, source: str, target: str) -> None:
        done = 0
        for ok, item in helpers.streaming_bulk(
            self._client, self._actions(source, target), chunk_size=_BATCH, raise_on_error=False
        ):
            if not ok:
                raise MigrationError(f"a document could not be copied: {item}")
            done += 1
            if done % _BATCH == 0:
                self._progress(_BATCH)
        self._progress(done % _BATCH)
