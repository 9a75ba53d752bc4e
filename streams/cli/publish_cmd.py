"""``tinstream publish PATH|-``: validate and publish raw articles with kafka-python."""

from __future__ import annotations

import sys

import click

from config import KafkaSettings, TopicSettings
from streams.cli.options import (
    bootstrap_servers_option,
    default_of,
    env_option,
    json_flag,
    print_json,
)
from streams.errors import StreamsError
from streams.kafka import ensure_topics, make_producer
from streams.publisher import ArticlePublisher, read_records


@click.command()
@click.argument("path")
@env_option(
    "--topic",
    envvar="TINSTREAM_TOPIC_RAW",
    default=default_of(TopicSettings, "raw"),
    help="Topic to publish to.",
)
@env_option(
    "--rate",
    envvar="TINSTREAM_PUBLISH_RATE",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Articles per second (a paced replay); unset: as fast as Kafka takes them.",
)
@bootstrap_servers_option
@json_flag
def publish(
    path: str, topic: str, rate: float | None, bootstrap_servers: str, as_json: bool
) -> None:
    """Publish articles from PATH: JSON Lines, a JSON array, a directory of .json/.jsonl
    files, or - for stdin. Each record is validated first; invalid ones are listed."""
    from kafka.errors import KafkaError

    kafka = KafkaSettings(bootstrap_servers=bootstrap_servers)
    topics = TopicSettings(raw=topic)
    try:
        records = list(read_records(path, stdin=sys.stdin))
    except OSError as exc:
        click.echo(f"cannot read {path}: {exc}", err=True)
        sys.exit(2)
    try:
        ensure_topics(kafka, topics, timeout_s=kafka.request_timeout_s)
        producer = make_producer(kafka)
    except StreamsError as exc:  # it names the servers and what to check
        click.echo(f"publish: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - one clear line instead of a traceback
        click.echo(f"cannot reach Kafka at {bootstrap_servers}: {exc}", err=True)
        sys.exit(1)
    try:
        with click.progressbar(
            length=len(records), label="publishing", file=sys.stderr, show_pos=True
        ) as bar:
            report = ArticlePublisher(producer, topic, rate_per_s=rate).publish(
                records, on_record=lambda: bar.update(1)
            )
        # The bar leaves the cursor on its line: end it before anything else is printed.
        click.echo("", err=True)
    except KafkaError as exc:
        click.echo(f"publishing failed: {exc}", err=True)
        sys.exit(1)
    finally:
        producer.close()
    if as_json:
        print_json(report.to_dict())
    else:
        click.echo(f"sent {report.sent}, rejected {len(report.rejected)} (topic {topic})")
        for r in report.rejected:
            click.echo(f"  rejected {r.location}: {r.reason}")
    if report.rejected:
        sys.exit(1)
