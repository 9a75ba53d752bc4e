"""The lag history index: one document per partition per observation, for Kibana."""

from __future__ import annotations

from typing import Any

from elasticsearch.dsl import Date, Document, Float, Integer, Keyword, Long, MetaField


class LagDocument(Document):
    timestamp = Date()
    group = Keyword()
    topic = Keyword()
    partition = Integer()
    committed = Long()
    end_offset = Long()
    lag = Long()
    lag_seconds = Float()
    status = Keyword()
    group_status = Keyword()
    owner = Keyword()
    # Messages written to and committed from the partition per second since the
    # previous observation: throughput, next to the lag it explains.
    produced_per_s = Float()
    consumed_per_s = Float()

    class Meta:
        dynamic = MetaField(False)


def lag_template(alias: str) -> dict[str, Any]:
    return {
        "index_patterns": [f"{alias}-v*"],
        "priority": 200,
        "template": {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            "mappings": LagDocument._doc_type.mapping.to_dict(),
        },
        "_meta": {"managed_by": "tinstream"},
    }
