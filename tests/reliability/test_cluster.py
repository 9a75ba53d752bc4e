"""A 3-node Kafka cluster (replication factor 3, min.insync.replicas 2) started
with ``stack up --brokers 3``, and one of its nodes killed with SIGKILL while
articles keep coming: the publisher and the worker move to the new leaders, and
every article is indexed once."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from config import KafkaSettings, Settings, StackSettings
from deploy.local import Stack, StackError
from streams.kafka import ensure_topics, kafka_python_config
from tests.integration.conftest import Run
from tests.reliability.conftest import Outcome
from tests.reliability.scenario import sample_copies, settle_paced, start_paced, wait_count

pytestmark = [pytest.mark.integration, pytest.mark.reliability, pytest.mark.timeout(600)]

# Beside the test stack's own ports (29092/29093): nodes at 29392/29393, 29394/29395, 29396/29397.
CLUSTER_PORT = 29392


@pytest.fixture
def cluster(stack: Stack, tmp_path: Path) -> Iterator[Stack]:
    """Three Kafka nodes of their own, the way ``tinstream stack up --brokers 3`` runs them."""
    cluster = Stack(
        StackSettings(
            dir=tmp_path / "cluster",
            kafka_brokers=3,
            kafka_port=CLUSTER_PORT,
            kafka_controller_port=CLUSTER_PORT + 1,
            kafka_heap="384m",
            cache_dir=stack.settings.cache_dir,
        )
    )
    try:
        cluster.up(kafka_only=True)
    except StackError as exc:
        cluster.down()
        pytest.fail(f"the 3-node Kafka cluster did not start: {exc}", pytrace=False)
    yield cluster
    cluster.down()


def _leaders(settings: KafkaSettings, topic: str) -> dict[int, tuple[int, list[int], list[int]]]:
    """partition -> (leader, replicas, in-sync replicas)."""
    admin = KafkaAdminClient(**kafka_python_config(settings))
    try:
        (described,) = admin.describe_topics([topic])
    finally:
        admin.close()
    return {
        p["partition_index"]: (p["leader_id"], p["replica_nodes"], p["isr_nodes"])
        for p in described["partitions"]
    }


def _min_insync(settings: KafkaSettings, topic: str) -> dict[str, Any]:
    admin = KafkaAdminClient(**kafka_python_config(settings))
    try:
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        admin.close()
    (by_name,) = configs.values()
    return dict(by_name[topic]["min.insync.replicas"])


def test_one_of_three_brokers_killed_mid_stream(
    cluster: Stack,
    settings: Settings,
    make_run: Callable[..., Run],
    es: Elasticsearch,
    report: list[Outcome],
) -> None:
    kafka = KafkaSettings(bootstrap_servers=cluster.bootstrap_servers)
    run = make_run(
        settings.model_copy(update={"kafka": kafka}), replication_factor=3, min_insync_replicas=2
    )
    ensure_topics(kafka, run.topics())
    layout = _leaders(kafka, run.raw)
    assert all(len(replicas) == 3 for _, replicas, _ in layout.values()), layout
    min_insync = _min_insync(kafka, run.raw)
    # Set on the topic by tinstream, not only the broker's default.
    assert (min_insync["value"], min_insync["config_source"]) == ("2", "DYNAMIC_TOPIC_CONFIG")

    articles = sample_copies(10, "cluster")
    worker = run.start_worker()
    run.wait_ready(0)
    publisher = start_paced(run, articles, per_s=10)
    wait_count(run, es, 40, timeout_s=180)
    assert publisher.poll() is None, "the publisher finished before the broker was killed"
    # The node leading most raw partitions: its partitions must fail over.
    leaders = [leader for leader, _, _ in _leaders(kafka, run.raw).values()]
    victim = cluster.brokers[max(set(leaders), key=leaders.count) - 1]
    pid = victim.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()

    settle_paced(
        "kafka-3-brokers-one-killed",
        run,
        es,
        publisher=publisher,
        articles=articles,
        since=killed,
        report=report,
    )
    assert worker.poll() is None, "the worker died with the broker"
    after = _leaders(kafka, run.raw)
    assert all(
        leader != victim.node_id and victim.node_id not in isr for leader, _, isr in after.values()
    ), after
