"""``tinstream demo``: start a worker that stays, publish the samples, check that this
worker indexed them, and show a search."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import click

from config import ElasticsearchSettings, KafkaSettings, to_env
from deploy.local.workers import WorkerRecord, Workers, port_free
from indexers.client import make_client
from indexers.search import SearchRequest
from indexers.search_sync import ArticleSearch
from nlp.segmenter import WordSegmenter
from streams.cli.options import (
    bootstrap_servers_option,
    env_option,
    es_url_option,
    stack_dir_option,
    web_port_option,
)
from streams.cli.search_cmd import print_result
from streams.records import article_version
from streams.resources import packaged

SAMPLES = packaged("deploy", "samples", "articles.jsonl")


class DemoFailed(Exception):
    """An expected failure, said in one line."""


@click.command()
@click.argument("samples", type=click.Path(exists=True, path_type=Path), default=SAMPLES)
@click.option(
    "--query",
    default="Hà Nội",
    show_default=True,
    envvar="TINSTREAM_DEMO_QUERY",
    show_envvar=True,
    help="The search shown at the end.",
)
@env_option(
    "--timeout",
    "timeout_s",
    envvar="TINSTREAM_DEMO_TIMEOUT_S",
    type=float,
    default=180.0,
    help="Seconds to wait for the worker to be ready, and then for the samples.",
)
@web_port_option("Port of the worker's web server (the HTTP API and the page).")
@stack_dir_option(
    "stack_dir", "The stack's directory, where the worker is recorded (its pid, port and log)."
)
@bootstrap_servers_option
@es_url_option
def demo(
    samples: Path,
    query: str,
    timeout_s: float,
    web_port: int,
    stack_dir: Path,
    bootstrap_servers: str,
    es_url: str,
) -> None:
    """Start a worker that keeps serving, publish SAMPLES, check that this worker
    indexed every one, print a search. The worker is recorded in the stack's
    directory: `tinstream stack status` lists it, `tinstream stack down` stops it.
    A previous demo's worker on the same port is stopped first; a port taken by
    anything else is an error."""
    es_settings = ElasticsearchSettings(url=es_url)
    workers = Workers(stack_dir)
    for previous in workers.records():
        if previous.port == web_port:
            if previous.alive:
                click.echo(
                    f"demo: stopping the previous demo worker (pid {previous.pid}, "
                    f"port {previous.port})",
                    err=True,
                )
            workers.stop([previous])
    if not port_free("127.0.0.1", web_port):
        click.echo(
            f"demo: port {web_port} is taken by another process; stop it or choose another "
            "port with --web-port (TINSTREAM_WORKER_WEB_PORT)",
            err=True,
        )
        sys.exit(1)
    exe = [sys.executable, "-m", "streams.cli"]
    env = {**os.environ, **to_env(KafkaSettings(bootstrap_servers=bootstrap_servers), es_settings)}
    record = workers.start([*exe, "worker"], port=web_port, env=env)
    click.echo(
        f"demo: started a worker (pid {record.pid}, port {web_port}, log {record.log_file})",
        err=True,
    )
    try:
        _wait_ready(record, timeout_s)
        _publish_and_check(exe, env, samples, record, es_settings, timeout_s, query)
    except (DemoFailed, KeyboardInterrupt) as exc:
        workers.stop([record])
        if isinstance(exc, KeyboardInterrupt):
            click.echo("\ndemo: interrupted; its worker was stopped", err=True)
            sys.exit(130)
        click.echo(f"demo: {exc}; its worker was stopped (log: {record.log_file})", err=True)
        sys.exit(1)
    click.echo(
        f"\ndemo: the worker keeps serving at {record.url} (pid {record.pid}, log "
        f"{record.log_file}); `tinstream stack status` lists it, `tinstream stack down` "
        "stops it with the stack",
        err=True,
    )


def _ready(port: int) -> tuple[int, dict[str, Any]]:
    """(status, body) of the worker's /ready; (0, {}) when nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=5) as response:
            return int(response.status), dict(json.load(response))
    except urllib.error.HTTPError as exc:
        try:
            return int(exc.code), dict(json.load(exc))
        except ValueError:
            return int(exc.code), {}
    except (urllib.error.URLError, OSError, ValueError):
        return 0, {}


def _wait_ready(record: WorkerRecord, timeout_s: float) -> None:
    """Until the worker this demo started says, from its own pid, that it is ready."""
    deadline = time.monotonic() + timeout_s
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        if not record.alive:
            raise DemoFailed("the worker exited while starting")
        status, body = _ready(record.port)
        if status and body.get("pid") not in (None, record.pid):
            raise DemoFailed(
                f"port {record.port} answers from pid {body.get('pid')}, not from the demo's "
                f"worker (pid {record.pid})"
            )
        if status == 200 and body.get("pid") == record.pid:
            return
        time.sleep(0.5)  # polling interval of the deadline loop
    raise DemoFailed(f"the worker was not ready after {timeout_s:.0f}s ({body or 'no answer'})")


def _indexed_counter(port: int) -> float:
    """The worker's count of documents written, from its /metrics."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
    except (urllib.error.URLError, OSError):
        return 0.0
    for line in text.splitlines():
        if line.startswith("tinstream_documents_indexed_total "):
            return float(line.split()[1])
    return 0.0


def _counted(port: int, expected: int, timeout_s: float) -> float:
    """The worker's count of documents written, once it reaches ``expected`` or the
    deadline passes. Elasticsearch shows a document before the worker has read the
    bulk answer that counts it: the count may lag the index by a moment, and must not
    then be taken for another worker of the group having written the rest."""
    deadline = time.monotonic() + timeout_s
    written = _indexed_counter(port)
    while written < expected and time.monotonic() < deadline:
        time.sleep(0.2)  # polling interval of the deadline loop
        written = _indexed_counter(port)
    return written


def _publish_and_check(
    exe: list[str],
    env: dict[str, str],
    samples: Path,
    record: WorkerRecord,
    es_settings: ElasticsearchSettings,
    timeout_s: float,
    query: str,
) -> None:
    click.echo(f"demo: publishing {samples}", err=True)
    # Every copy published from now on has a newer version than any indexed before:
    # a document at least this new was written from this run's messages.
    fresh = article_version(time.time() - 0.001, 0)
    published = subprocess.run(
        [*exe, "publish", str(samples), "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if published.returncode != 0:
        last = (published.stderr.strip() or published.stdout.strip()).splitlines()
        raise DemoFailed(f"publishing failed: {last[-1] if last else published.returncode}")
    ids: list[str] = json.loads(published.stdout)["ids"]
    client = make_client(es_settings)
    try:
        started = time.monotonic()
        present = 0
        with click.progressbar(
            length=len(ids), label="indexing", file=sys.stderr, show_pos=True
        ) as bar:
            deadline = started + timeout_s
            while present < len(ids) and time.monotonic() < deadline:
                if not record.alive:
                    raise DemoFailed("the worker exited")
                now = _fresh_documents(client, es_settings.alias, ids, fresh)
                bar.update(now - present)
                present = now
                if present < len(ids):
                    time.sleep(0.5)  # polling interval of the deadline loop
        if present < len(ids):
            raise DemoFailed(f"only {present}/{len(ids)} samples indexed after {timeout_s:.0f}s")
        written = _counted(record.port, len(ids), timeout_s=15)
        if written < len(ids):
            raise DemoFailed(
                f"the demo's worker (pid {record.pid}) wrote {written:.0f} of the "
                f"{len(ids)} samples: another worker of the same group took the others "
                "(see `tinstream lag`)"
            )
        click.echo(
            f"demo: {len(ids)} articles indexed by the demo's worker (pid {record.pid}) "
            f"after {time.monotonic() - started:.1f}s\n",
            err=True,
        )
        client.indices.refresh(index=es_settings.alias)
        click.echo(f'$ tinstream search "{query}"')
        searcher = ArticleSearch(client, es_settings.alias, WordSegmenter())
        print_result(query, searcher.search(SearchRequest(text=query, size=5, facet_size=5)))
    finally:
        client.close()


def _fresh_documents(client: Any, alias: str, ids: list[str], version: int) -> int:
    """How many of ``ids`` are indexed with at least ``version`` (a real-time get,
    before a refresh makes them searchable)."""
    from elasticsearch import ApiError, TransportError

    try:
        found = client.mget(index=alias, ids=ids, source=False)
    except ApiError as exc:
        # 404: the index appears with the first worker; 503: its shard is not active yet.
        if exc.meta.status in (404, 503):
            return 0
        raise DemoFailed(f"Elasticsearch refused to read the samples: {exc}") from exc
    except TransportError as exc:
        raise DemoFailed(f"cannot reach Elasticsearch: {exc}") from exc
    return sum(
        1 for doc in found["docs"] if doc.get("found") and int(doc.get("_version", 0)) >= version
    )
