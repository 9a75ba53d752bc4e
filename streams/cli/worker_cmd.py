"""``tinstream worker``: the Faust worker running the enrichment and indexer agents."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal, cast

import click

from config import (
    ElasticsearchSettings,
    EnrichmentSettings,
    KafkaSettings,
    Settings,
    WorkerSettings,
)
from streams.cli.options import (
    ProcessCount,
    bootstrap_servers_option,
    default_of,
    env_option,
    es_url_option,
    web_port_option,
)

LogLevel = Literal["debug", "info", "warning", "error"]


@click.command()
@bootstrap_servers_option
@es_url_option
@env_option(
    "--app-id",
    envvar="TINSTREAM_WORKER_APP_ID",
    default=default_of(WorkerSettings, "app_id"),
    help="Faust app id (consumer group).",
)
@web_port_option("Port of the worker's web server.")
@env_option(
    "--data-dir",
    envvar="TINSTREAM_WORKER_DATA_DIR",
    type=click.Path(path_type=Path),
    default=default_of(WorkerSettings, "data_dir"),
    help="Faust's data directory.",
)
@env_option(
    "--worker-log-level",
    "log_level",
    envvar="TINSTREAM_WORKER_LOG_LEVEL",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default=default_of(WorkerSettings, "log_level"),
    help="Worker log level.",
)
@env_option(
    "--processes",
    envvar="TINSTREAM_ENRICH_PROCESSES",
    type=ProcessCount(),
    default=default_of(EnrichmentSettings, "processes"),
    help="Processes to enrich in, one core each, beside the event loop's "
    "(auto: one per CPU, at most 8; 0: a thread).",
)
def worker(
    bootstrap_servers: str,
    es_url: str,
    app_id: str,
    web_port: int,
    data_dir: Path,
    log_level: str,
    processes: int | str,
) -> None:
    """Run the pipeline: enrich raw articles and index them into Elasticsearch.

    Topics, partitions, index alias and batching come from TINSTREAM_TOPIC_*,
    TINSTREAM_ES_* and TINSTREAM_INDEXER_* (see the README)."""
    import faust
    from prometheus_client import CollectorRegistry

    from indexers.access import access_problem
    from indexers.client import make_async_client, make_client, wait_until_reachable
    from indexers.document import DocumentBuilder
    from indexers.errors import IndexerError
    from indexers.search_async import AsyncArticleSearch
    from indexers.setup import ensure_index, ensure_lag_index
    from nlp import Enricher
    from nlp.segmenter import WordSegmenter
    from streams.errors import StreamsError
    from streams.kafka import ensure_topics
    from streams.lag.collector import LagMonitor, kafka_offsets
    from streams.pipeline import Pipeline
    from streams.stages.runners import EnrichmentRunner, ProcessRunner, ThreadRunner

    settings = Settings(
        kafka=KafkaSettings(bootstrap_servers=bootstrap_servers),
        elasticsearch=ElasticsearchSettings(url=es_url),
        enrichment=EnrichmentSettings(processes=cast(int | Literal["auto"], processes)),
        worker=WorkerSettings(
            app_id=app_id,
            web_port=web_port,
            data_dir=data_dir,
            log_level=cast(LogLevel, log_level),
        ),
    )
    try:
        ensure_topics(settings.kafka, settings.topics)
        es = make_client(settings.elasticsearch)
        try:
            wait_until_reachable(
                es, settings.elasticsearch.request_timeout_s * 2, settings.elasticsearch
            )
            ensure_index(es, settings.elasticsearch)
            if settings.lag.history:
                ensure_lag_index(es, settings.lag.history_alias)
        finally:
            es.close()
    except (StreamsError, IndexerError) as exc:
        problem = access_problem(exc, settings.elasticsearch)
        click.echo(f"worker cannot start: {problem or exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - e.g. Elasticsearch unreachable at the deadline
        problem = access_problem(exc, settings.elasticsearch)
        click.echo(f"worker cannot start: {problem or f'{type(exc).__name__}: {exc}'}", err=True)
        sys.exit(1)

    enrichment: EnrichmentRunner
    if settings.enrichment.process_count >= 1:
        pool = ProcessRunner(settings.enrichment, settings.enrichment.process_count)
        pool.warm_up()
        enrichment = pool
    else:
        enricher = Enricher.with_models(settings.enrichment)
        enricher.warm_up()
        enrichment = ThreadRunner(enricher)
    segmenter = WordSegmenter(max_chars=settings.enrichment.max_segmented_chars)
    documents = DocumentBuilder(segmenter)
    documents.warm_up()
    es_async = make_async_client(settings.elasticsearch)
    pipeline = Pipeline(
        settings,
        enrichment,
        es_async,
        documents,
        AsyncArticleSearch(es_async, settings.elasticsearch.alias, segmenter),
        registry=CollectorRegistry(),
        lag=LagMonitor(kafka_offsets(settings.kafka), window=settings.lag.window),
    )
    settings.worker.data_dir.mkdir(parents=True, exist_ok=True)

    class Worker(faust.Worker):
        async def on_stop(self) -> None:
            # Before the app (a child service) stops its consumer.
            pipeline.stopping()
            await super().on_stop()

    Worker(pipeline.app, loglevel=log_level.upper(), quiet=True).execute_from_commandline()
