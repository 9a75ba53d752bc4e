"""``tinstream lag`` and ``tinstream lag-exporter``: is the pipeline keeping up?"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from config import ElasticsearchSettings, KafkaSettings, LagSettings, TopicSettings, WorkerSettings
from streams.cli.options import (
    bootstrap_servers_option,
    default_of,
    env_option,
    es_url_option,
    json_flag,
    print_json,
)
from streams.cli.signals import stop_on_signals
from streams.errors import StreamsError
from streams.lag.collector import KafkaOffsets, LagMonitor, kafka_offsets
from streams.lag.deadletters import DeadLetterBacklog, flag_dead_letters
from streams.lag.model import GroupLag

F = TypeVar("F", bound=Callable[..., Any])


def _timeout_option(f: F) -> F:
    return env_option(
        "--timeout",
        envvar="TINSTREAM_LAG_TIMEOUT_S",
        default=10.0,
        type=click.FloatRange(1),
        help="Seconds to wait for Kafka before giving up.",
    )(f)


def _connect(command: str, bootstrap_servers: str, timeout: float) -> KafkaOffsets:
    """Kafka's offsets, or one line on stderr and exit status 1."""
    # kafka-python logs every failed connection at ERROR; these commands say it
    # once, in one line, themselves.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    kafka = KafkaSettings(bootstrap_servers=bootstrap_servers, request_timeout_s=timeout)
    try:
        return kafka_offsets(kafka)
    except StreamsError as exc:
        click.echo(f"{command}: {exc}", err=True)
        sys.exit(1)


def _groups_option(f: F) -> F:
    return env_option(
        "--group",
        "groups",
        envvar="TINSTREAM_LAG_GROUPS",
        multiple=True,
        default=(default_of(WorkerSettings, "app_id"),),
        help="Consumer group (repeat for more); the pipeline's own by default.",
    )(f)


def _problems(groups: Sequence[GroupLag]) -> list[str]:
    out = []
    for g in groups:
        if g.status == "NOTFOUND":
            out.append(f"consumer group {g.group!r} not found")
        for topic in g.missing_topics:
            out.append(f"topic {topic!r} of group {g.group!r} does not exist")
    return out


def _report(groups: Sequence[GroupLag], backlogs: Sequence[DeadLetterBacklog]) -> dict[str, Any]:
    return {
        "partitions": [p.to_dict() for g in groups for p in g.partitions],
        "groups": [g.summary() for g in groups],
        "dead_letters": [
            {"group": b.group, "topic": b.topic, "unread": b.unread, "total": b.total}
            for b in backlogs
        ],
    }


def _with_dead_letters(
    source: KafkaOffsets, groups: list[GroupLag], topic: str
) -> tuple[list[GroupLag], list[DeadLetterBacklog]]:
    """Dead letters nobody read make their partitions WARN and get a line of their own."""
    partitions = {(p.topic, p.partition) for g in groups for p in g.partitions if p.topic == topic}
    if not partitions:
        return groups, []
    return flag_dead_letters(groups, topic, source.start_offsets(sorted(partitions)))


def _table(groups: Sequence[GroupLag], backlogs: Sequence[DeadLetterBacklog] = ()) -> str:
    header = ("GROUP", "TOPIC", "PART", "COMMITTED", "END", "LAG", "LAG_S", "STATUS", "OWNER")
    rows: list[tuple[str, ...]] = [header]
    for g in groups:
        for p in g.partitions:
            rows.append(
                (
                    p.group,
                    p.topic,
                    str(p.partition),
                    "-" if p.committed is None else str(p.committed),
                    str(p.end_offset),
                    "-" if p.lag is None else str(p.lag),
                    "-" if p.lag_seconds is None else f"{p.lag_seconds:.1f}",
                    p.status,
                    str(p.owner) if p.owner else "-",
                )
            )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append("")
    for g in groups:
        s = g.summary()
        if g.status == "NOTFOUND":
            # Not "lag 0": nothing is known of a group Kafka does not have.
            lines.append(f"{g.group}: NOTFOUND, no such consumer group")
            continue
        lines.append(
            f"{s['group']}: {s['status']}, lag {s['total_lag']} messages, "
            f"oldest unprocessed {s['max_lag_seconds']:.1f}s"
            + (f" (group {g.state})" if g.state and g.state != "Stable" else "")
        )
    lines.extend(b.line() for b in backlogs if b.unread)
    return "\n".join(lines)


@click.command()
@_groups_option
@env_option(
    "--topic",
    "topics",
    envvar="TINSTREAM_LAG_TOPICS",
    multiple=True,
    help="Only these topics, every partition, consumed or not (repeat for more); "
    "a topic that does not exist is an error. Default: the group's topics.",
)
@bootstrap_servers_option
@env_option(
    "--samples",
    envvar="TINSTREAM_LAG_SAMPLES",
    default=3,
    type=click.IntRange(1, 100),
    help="Observations before the answer (Burrow's rules need at least 2).",
)
@env_option(
    "--interval",
    envvar="TINSTREAM_LAG_CLI_INTERVAL_S",
    default=2.0,
    type=click.FloatRange(0.1),
    help="Seconds between observations.",
)
@env_option(
    "--watch/--no-watch",
    envvar="TINSTREAM_LAG_WATCH",
    default=False,
    help="Refresh in place until interrupted, over a sliding window.",
)
@env_option(
    "--window",
    envvar="TINSTREAM_LAG_WINDOW",
    default=default_of(LagSettings, "window"),
    type=click.IntRange(2, 1000),
    help="Observations Burrow's rules look at.",
)
@env_option(
    "--dead-letter-topic",
    envvar="TINSTREAM_TOPIC_DEAD_LETTER",
    default=default_of(TopicSettings, "dead_letter"),
    help="The dead-letter topic: its letters the group has not read are counted and WARN.",
)
@_timeout_option
@json_flag
def lag(
    groups: tuple[str, ...],
    topics: tuple[str, ...],
    dead_letter_topic: str,
    bootstrap_servers: str,
    timeout: float,
    samples: int,
    interval: float,
    watch: bool,
    window: int,
    as_json: bool,
) -> None:
    """Committed and end offsets, lag in messages and seconds, owner and Burrow status
    of every partition of the consumer groups. Exit status 1 for an unknown group, a
    missing topic or an unreachable broker."""
    source = _connect("lag", bootstrap_servers, timeout)
    monitor = LagMonitor(source, window=window)
    stop = stop_on_signals()
    try:
        observed: list[GroupLag] = []
        backlogs: list[DeadLetterBacklog] = []
        rounds = 0
        while not stop.is_set():
            observed, backlogs = _with_dead_letters(
                source, monitor.observe(list(groups), topics), dead_letter_topic
            )
            rounds += 1
            if watch:
                click.echo(
                    "\x1b[H\x1b[2J" + time.strftime("%H:%M:%S ") + _table(observed, backlogs)
                )
            if not watch and rounds >= samples:
                break
            stop.wait(interval)  # the observation interval itself, not a wait for the world
    except StreamsError as exc:
        click.echo(f"lag: {exc}", err=True)
        sys.exit(1)
    finally:
        source.close()
    if as_json:
        print_json(_report(observed, backlogs))
    elif not watch:
        click.echo(_table(observed, backlogs))
    problems = _problems(observed)
    for problem in problems:
        click.echo(f"lag: {problem}", err=True)
    sys.exit(1 if problems else 0)


@click.command(name="lag-exporter")
@_groups_option
@bootstrap_servers_option
@es_url_option
@env_option(
    "--port",
    envvar="TINSTREAM_LAG_EXPORTER_PORT",
    default=9308,
    type=click.IntRange(0, 65535),
    help="Port of /metrics.",
)
@env_option(
    "--host", envvar="TINSTREAM_LAG_EXPORTER_HOST", default="127.0.0.1", help="Address to bind."
)
@env_option(
    "--interval",
    envvar="TINSTREAM_LAG_INTERVAL_S",
    default=default_of(LagSettings, "interval_s"),
    type=click.FloatRange(0.1),
    help="Seconds between observations.",
)
@_timeout_option
@env_option(
    "--history/--no-history",
    envvar="TINSTREAM_LAG_HISTORY",
    default=default_of(LagSettings, "history"),
    help="Also write each observation to Elasticsearch.",
)
def lag_exporter(
    groups: tuple[str, ...],
    bootstrap_servers: str,
    timeout: float,
    es_url: str,
    port: int,
    host: str,
    interval: float,
    history: bool,
) -> None:
    """Serve the lag metrics at /metrics for Prometheus, when no worker runs."""
    from prometheus_client import CollectorRegistry, start_http_server

    from streams.lag.exporter import LagExporter

    settings = LagSettings(interval_s=interval, history=history)
    source = _connect("lag-exporter", bootstrap_servers, timeout)
    registry = CollectorRegistry()
    exporter = LagExporter(
        LagMonitor(source, window=settings.window),
        list(groups),
        registry,
        ElasticsearchSettings(url=es_url) if history else None,
        settings,
    )
    server, _thread = start_http_server(port, addr=host, registry=registry)
    stop = stop_on_signals()
    click.echo(f"lag-exporter: serving http://{host}:{server.server_port}/metrics", err=True)
    try:
        while not stop.is_set():
            exporter.tick()
            stop.wait(interval)
    finally:
        server.shutdown()
        exporter.close()
