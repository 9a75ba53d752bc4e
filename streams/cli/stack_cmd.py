"""``tinstream stack up|down|status|logs``."""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any, TypeVar

import click

from config import StackSettings
from deploy.local import ComponentStatus, Stack, StackError
from deploy.local.workers import describe
from streams import PIPELINE_VERSION
from streams.cli.options import default_of, env_option, json_flag, print_json, stack_dir_option


def _settings(**overrides: Any) -> StackSettings:
    return StackSettings(**{k: v for k, v in overrides.items() if v is not None})


@click.group()
def stack() -> None:
    """Run a local Kafka (KRaft) and Elasticsearch as background processes."""


F = TypeVar("F", bound=Callable[..., Any])


def _stack_options(f: F) -> F:
    f = stack_dir_option("dir", "Data and logs.")(f)
    f = env_option(
        "--kafka-port",
        envvar="TINSTREAM_STACK_KAFKA_PORT",
        type=int,
        default=default_of(StackSettings, "kafka_port"),
        help="Kafka listener port.",
    )(f)
    f = env_option(
        "--brokers",
        "kafka_brokers",
        envvar="TINSTREAM_STACK_KAFKA_BROKERS",
        type=click.IntRange(1, 9),
        default=default_of(StackSettings, "kafka_brokers"),
        help="Kafka nodes (each broker and controller); node n listens on port + 2(n-1). "
        "With 3 or more: replication factor 3, min.insync.replicas 2.",
    )(f)
    f = env_option(
        "--security",
        "kafka_security",
        envvar="TINSTREAM_STACK_KAFKA_SECURITY",
        type=click.Choice(["plaintext", "sasl_ssl"]),
        default=default_of(StackSettings, "kafka_security"),
        help="sasl_ssl: Kafka takes SCRAM-SHA-512 over TLS only, for the user "
        "TINSTREAM_STACK_KAFKA_SASL_USERNAME with the password in "
        "TINSTREAM_STACK_KAFKA_SASL_PASSWORD; the CA is <dir>/tls/ca.pem.",
    )(f)
    f = env_option(
        "--es-port",
        envvar="TINSTREAM_STACK_ES_PORT",
        type=int,
        default=default_of(StackSettings, "es_port"),
        help="Elasticsearch HTTP port.",
    )(f)
    f = env_option(
        "--es-nodes",
        envvar="TINSTREAM_STACK_ES_NODES",
        type=click.IntRange(1, 3),
        default=default_of(StackSettings, "es_nodes"),
        help="Elasticsearch nodes, each master-eligible with data; node n listens on "
        "port + n-1 (HTTP) and TINSTREAM_STACK_ES_TRANSPORT_PORT + n-1. With 2 or 3, "
        "clients get every node's URL and indices a replica.",
    )(f)
    f = env_option(
        "--es-security/--no-es-security",
        "es_security",
        envvar="TINSTREAM_STACK_ES_SECURITY",
        default=default_of(StackSettings, "es_security"),
        help="Elasticsearch with security on: HTTPS with the stack's CA (<dir>/tls/ca.pem), "
        "the superuser 'elastic' with the password in TINSTREAM_STACK_ES_PASSWORD, and an "
        "API key for tinstream, allowed only on TINSTREAM_STACK_ES_CLIENT_INDICES, written "
        "with the URL and the CA to <dir>/client.env (mode 600).",
    )(f)
    return f


@stack.command()
@_stack_options
@env_option(
    "--kafka-heap",
    envvar="TINSTREAM_STACK_KAFKA_HEAP",
    default=default_of(StackSettings, "kafka_heap"),
    help="Kafka JVM heap.",
)
@env_option(
    "--es-heap",
    envvar="TINSTREAM_STACK_ES_HEAP",
    default=default_of(StackSettings, "es_heap"),
    help="Elasticsearch JVM heap.",
)
@env_option(
    "--timeout",
    "start_timeout_s",
    envvar="TINSTREAM_STACK_START_TIMEOUT_S",
    type=float,
    default=default_of(StackSettings, "start_timeout_s"),
    help="Seconds to wait for health.",
)
@json_flag
def up(kafka_heap: str, es_heap: str, start_timeout_s: float, as_json: bool, **where: Any) -> None:
    """Start the stack (reusing a healthy one) and wait until both answer."""
    settings = _settings(
        kafka_heap=kafka_heap, es_heap=es_heap, start_timeout_s=start_timeout_s, **where
    )
    local = Stack(settings)
    try:
        statuses = local.up(lambda msg: click.echo(f"stack: {msg}", err=True))
    except StackError as exc:
        click.echo(f"stack up failed: {exc}", err=True)
        sys.exit(1)
    _print_status(statuses, as_json)
    if (
        settings.kafka_brokers > 1
        or settings.es_nodes > 1
        or local.kafka.secured
        or local.elasticsearch.secured
    ):
        env = " ".join(f"{k}={v}" for k, v in local.client_env().items())
        secrets = []
        if local.kafka.secured:
            secrets.append("TINSTREAM_KAFKA_SASL_PASSWORD (the stack's password)")
        if local.elasticsearch.secured:
            secrets.append(f"TINSTREAM_ES_API_KEY (in {local.elasticsearch.client_env_file})")
        secret = f" and {' and '.join(secrets)}" if secrets else ""
        click.echo(f"stack: clients use {env}{secret}", err=True)
    if local.elasticsearch.secured:
        path = local.elasticsearch.client_env_file
        click.echo(f"stack: set -a; . {path}; set +a   # Elasticsearch client settings", err=True)


@stack.command()
@_stack_options
def down(**where: Any) -> None:
    """Stop the workers the stack started, Elasticsearch and Kafka; no process is left
    behind (SIGTERM to each process group, SIGKILL after a deadline)."""
    stopped = Stack(_settings(**where)).down()
    click.echo(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")


@stack.command()
@_stack_options
@json_flag
def status(as_json: bool, **where: Any) -> None:
    """Show each component's process and health, and the workers the stack started
    (pid, port, alive, since); exit 1 unless every component is healthy."""
    local = Stack(_settings(**where))
    statuses = local.status()
    workers = local.workers.records()
    if as_json:
        print_json(
            [{**asdict(s), "log_file": str(s.log_file)} for s in statuses]
            + [
                {
                    "name": w.name,
                    "version": PIPELINE_VERSION,
                    "pid": w.pid,
                    "healthy": w.alive,
                    "detail": f"worker on port {w.port}",
                    "kind": "worker",
                    "alive": w.alive,
                    "port": w.port,
                    "url": w.url,
                    "started_at": w.started_at,
                    "log_file": str(w.log_file),
                }
                for w in workers
            ]
        )
    else:
        _print_status(statuses, as_json)
        for w in workers:
            click.echo(describe(w))
    if not all(s.healthy for s in statuses):
        sys.exit(1)


@stack.command()
@_stack_options
@click.argument("component", type=click.Choice(["kafka", "elasticsearch", "all"]), default="all")
@click.option(
    "-n",
    "--lines",
    default=50,
    show_default=True,
    envvar="TINSTREAM_STACK_LOG_LINES",
    show_envvar=True,
    help="How many of the last lines to show.",
)
def logs(component: str, lines: int, **where: Any) -> None:
    """Print the last lines of a component's log (kafka: every Kafka node's)."""
    s = Stack(_settings(**where))
    for c in s.components:
        if component == "all" or c.name.split("-")[0] == component:
            for path in (c.log_file, c.out_file):
                click.echo(f"==> {path} <==")
                if path.exists():
                    with path.open(encoding="utf-8", errors="replace") as handle:
                        click.echo("".join(deque(handle, maxlen=lines)), nl=False)


def _print_status(statuses: Sequence[ComponentStatus], as_json: bool) -> None:
    if as_json:
        print_json([{**asdict(s), "log_file": str(s.log_file)} for s in statuses])
        return
    for s in statuses:
        state = "healthy" if s.healthy else "DOWN"
        pid = s.pid if s.pid is not None else "-"
        click.echo(f"{s.name:<14} {s.version:<9} pid={pid:<8} {state:<8} {s.detail}")
